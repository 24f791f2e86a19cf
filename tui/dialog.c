/* dialog.c - floating windows: confirm, menu, message, text viewer. */
#include "dialog.h"

#include <curses.h>
#include <panel.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "draw.h"
#include "task.h"
#include "theme.h"
#include "tui.h"

enum kind { D_CONFIRM, D_MENU, D_MESSAGE, D_VIEWER };

struct row {
	size_t line, off, len;
};

struct dialog {
	enum kind kind;
	char *title;
	char *text;		/* confirm, message */
	int button;		/* confirm: 0 = Yes, 1 = No */
	struct dialog_item *items;
	size_t n_items;
	size_t sel;
	char **lines;		/* viewer */
	size_t n_lines;
	struct row *rows;
	size_t n_rows;
	size_t top;
	bool follow;
	dialog_done_fn done;
	enum dialog_tag tag;
	void *data;
	WINDOW *w;
	PANEL *p;
	int h, wd;
};

static struct dialog *dialog_new(enum kind kind, const char *title)
{
	struct dialog *d = tve_xcalloc(1, sizeof(*d));

	d->kind = kind;
	d->title = tve_xstrdup(title);
	return d;
}

struct dialog *dialog_confirm(const char *title, const char *text, dialog_done_fn done)
{
	struct dialog *d = dialog_new(D_CONFIRM, title);

	d->text = tve_xstrdup(text);
	d->button = 1;
	d->done = done;
	return d;
}

struct dialog *dialog_message(const char *title, const char *text)
{
	struct dialog *d = dialog_new(D_MESSAGE, title);

	d->text = tve_xstrdup(text);
	return d;
}

static bool menu_step(struct dialog *d, int dir)
{
	size_t i = d->sel;

	for (;;) {
		if ((dir < 0 && i == 0) || (dir > 0 && i + 1 >= d->n_items))
			return false;
		i = (size_t)((long)i + dir);
		if (d->items[i].enabled) {
			d->sel = i;
			return true;
		}
	}
}

struct dialog *dialog_menu(const char *title, const struct dialog_item *items, size_t n,
			   dialog_done_fn done)
{
	struct dialog *d = dialog_new(D_MENU, title);

	d->items = tve_xcalloc(n, sizeof(*items));
	d->n_items = n;
	for (size_t i = 0; i < n; i++) {
		d->items[i] = items[i];
		d->items[i].label = tve_xstrdup(items[i].label);
		d->items[i].note = tve_xstrdup(items[i].note);
	}
	d->done = done;
	if (n && !d->items[0].enabled && !menu_step(d, 1))
		d->sel = 0;
	return d;
}

struct dialog *dialog_viewer(const char *title, char **lines, bool follow)
{
	struct dialog *d = dialog_new(D_VIEWER, title);

	d->lines = lines;
	while (lines && lines[d->n_lines])
		d->n_lines++;
	d->follow = follow;
	return d;
}

void dialog_set_data(struct dialog *d, enum dialog_tag tag, void *data)
{
	free(d->data);
	d->tag = tag;
	d->data = data;
}

void *dialog_data(struct dialog *d)
{
	return d->data;
}

enum dialog_tag dialog_tag(struct dialog *d)
{
	return d->tag;
}

dialog_done_fn dialog_done(struct dialog *d)
{
	return d->done;
}

/* Viewer rows: the lines wrapped at width columns. */
static void wrap_rows(struct dialog *d, int width)
{
	size_t cap = d->n_lines + 8;

	free(d->rows);
	d->rows = tve_xcalloc(cap, sizeof(*d->rows));
	d->n_rows = 0;
	for (size_t i = 0; i < d->n_lines; i++) {
		const char *s = d->lines[i];
		size_t off = 0, len = strlen(s);

		do {
			size_t n = len ? text_wrap(s + off, TUI_MAX(width, 1)) : 0;
			size_t k = n;

			if (d->n_rows == cap) {
				cap *= 2;
				d->rows = tve_xreallocarray(d->rows, cap, sizeof(*d->rows));
			}
			while (k && s[off + k - 1] == '\n')
				k--;
			d->rows[d->n_rows++] = (struct row){ i, off, k };
			off += n;
		} while (off < len);
	}
}

static int body_h(const struct dialog *d)
{
	return TUI_MAX(d->h - 2, 1);
}

static size_t max_top(const struct dialog *d)
{
	return d->n_rows > (size_t)body_h(d) ? d->n_rows - (size_t)body_h(d) : 0;
}

/* Lines of text wrapped at width: count only. */
static int text_rows(const char *text, int width)
{
	int n = 0;

	for (const char *p = text; *p; n++)
		p += text_wrap(p, width);
	return TUI_MAX(n, 1);
}

static int widest_line(const char *text)
{
	int w = 0;

	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		w = TUI_MAX(w, text_widthn(p, n));
		p += n + (e ? 1 : 0);
	}
	return w;
}

void dialog_place(struct dialog *d)
{
	int maxw = TUI_MAX(COLS - 4, 20), maxh = TUI_MAX(LINES - 2, 5);
	int tw = text_width(d->title ? d->title : "") + 6;
	WINDOW *w;

	switch (d->kind) {
	case D_CONFIRM:
	case D_MESSAGE:
		d->wd = TUI_MIN(maxw, TUI_MAX(TUI_MAX(widest_line(d->text) + 6, tw), 36));
		d->h = TUI_MIN(maxh, text_rows(d->text, d->wd - 4) + 5);
		break;
	case D_MENU:
		d->wd = tw;
		for (size_t i = 0; i < d->n_items; i++)
			d->wd = TUI_MAX(d->wd, 6 + text_width(d->items[i].label) + 2 +
				(d->items[i].note ? text_width(d->items[i].note) + 3 : 0) + 2);
		d->wd = TUI_MIN(maxw, d->wd);
		d->h = TUI_MIN(maxh, (int)d->n_items + 2);
		break;
	case D_VIEWER:
		d->wd = tw;
		for (size_t i = 0; i < d->n_lines; i++)
			d->wd = TUI_MAX(d->wd, text_width(d->lines[i]) + 4);
		d->wd = d->tag == DIALOG_TASKLOG ? maxw : TUI_MIN(maxw, TUI_MAX(d->wd, 40));
		wrap_rows(d, d->wd - 4);
		d->h = TUI_MIN(maxh, TUI_MAX((int)d->n_rows + 2, d->tag == DIALOG_TASKLOG ? 10 : 3));
		if (d->top > max_top(d) || d->follow)
			d->top = max_top(d);
		break;
	}
	w = newwin(d->h, d->wd, (LINES - d->h) / 2, (COLS - d->wd) / 2);
	if (!w)
		w = newwin(1, 1, 0, 0);
	wbkgdset(w, ' ' | (chtype)theme_attr(ROLE_DIALOG));
	if (d->p) {
		WINDOW *old = d->w;

		replace_panel(d->p, w);
		delwin(old);
	} else {
		d->p = new_panel(w);
	}
	d->w = w;
}

void dialog_viewer_set(struct dialog *d, const char *title, char **lines)
{
	bool at_end = d->top >= max_top(d);

	tve_strv_free(d->lines);
	free(d->title);
	d->title = tve_xstrdup(title);
	d->lines = lines;
	d->n_lines = 0;
	while (lines && lines[d->n_lines])
		d->n_lines++;
	d->follow = at_end;
	dialog_place(d);
}

static void frame(struct dialog *d)
{
	WINDOW *w = d->w;

	wattrset(w, theme_attr(ROLE_DIALOG));
	werase(w);
	wattrset(w, theme_attr(ROLE_DIALOG_BORDER));
	draw_box(w);
	if (d->title && *d->title) {
		struct pen p;

		pen_start(&p, w, 0, 2, d->wd - 2);
		pen_text(&p, theme_attr(ROLE_DIALOG_TITLE), " ");
		pen_text(&p, theme_attr(ROLE_DIALOG_TITLE), d->title);
		pen_text(&p, theme_attr(ROLE_DIALOG_TITLE), " ");
	}
	wattrset(w, theme_attr(ROLE_DIALOG));
}

static void draw_text_block(struct dialog *d)
{
	const char *p = d->text;
	struct pen pen;

	for (int y = 2; *p && y < d->h - 3; y++) {
		size_t n = text_wrap(p, d->wd - 4), k = n;

		while (k && (p[k - 1] == '\n' || p[k - 1] == ' '))
			k--;
		pen_start(&pen, d->w, y, 2, d->wd - 2);
		pen_textn(&pen, theme_attr(ROLE_DIALOG), p, k);
		p += n;
	}
}

static void draw_button(struct dialog *d, int x, const char *label, bool on)
{
	struct pen p;

	pen_start(&p, d->w, d->h - 2, x, d->wd - 1);
	pen_text(&p, theme_attr(on ? ROLE_DIALOG_SELECTED : ROLE_DIALOG), label);
}

static void draw_menu(struct dialog *d)
{
	int inner = d->wd - 2;
	size_t first = 0, vis = (size_t)body_h(d);
	struct pen p;

	if (d->sel >= vis)
		first = d->sel - vis + 1;
	for (size_t i = first; i < d->n_items && i - first < vis; i++) {
		const struct dialog_item *it = &d->items[i];
		int attr = theme_attr(i == d->sel && it->enabled ? ROLE_DIALOG_SELECTED
				      : it->enabled ? ROLE_DIALOG : ROLE_DIALOG_DISABLED);

		pen_start(&p, d->w, 1 + (int)(i - first), 1, 1 + inner);
		pen_text(&p, attr, " ");
		pen_text(&p, attr, key_name(it->key));
		pen_fill(&p, attr, TUI_MAX(5, p.x + 1));
		pen_text(&p, attr, it->label);
		if (it->note) {
			int nw = text_width(it->note) + 3;

			pen_fill(&p, attr, TUI_MAX(p.x + 1, inner - nw + 1));
			pen_text(&p, attr, "(");
			pen_text(&p, attr, it->note);
			pen_text(&p, attr, ")");
		}
		pen_fill(&p, attr, 1 + inner);
	}
}

static void draw_viewer(struct dialog *d)
{
	int bh = body_h(d), battr = theme_attr(ROLE_DIALOG_BORDER);
	struct pen p;
	char pos[64];

	for (int r = 0; r < bh; r++) {
		size_t i = d->top + (size_t)r;

		if (i >= d->n_rows)
			break;
		pen_start(&p, d->w, 1 + r, 2, d->wd - 2);
		pen_textn(&p, theme_attr(ROLE_DIALOG), d->lines[d->rows[i].line] + d->rows[i].off,
			  d->rows[i].len);
	}
	if (d->n_rows > (size_t)bh) {
		snprintf(pos, sizeof(pos), " %zu-%zu of %zu ", d->top + 1,
			 TUI_MIN(d->top + (size_t)bh, d->n_rows), d->n_rows);
		pen_start(&p, d->w, d->h - 1, TUI_MAX(d->wd - 2 - (int)strlen(pos), 1), d->wd - 1);
		pen_text(&p, battr, pos);
	}
	pen_start(&p, d->w, d->h - 1, 2, d->wd - 2);
	pen_text(&p, battr, " Esc/q close ");
}

void dialog_draw(struct dialog *d)
{
	if (!d->w)
		dialog_place(d);
	frame(d);
	switch (d->kind) {
	case D_CONFIRM: {
		int x = (d->wd - 18) / 2;

		draw_text_block(d);
		draw_button(d, x, "[ Yes ]", d->button == 0);
		draw_button(d, x + 11, "[ No ]", d->button == 1);
		break;
	}
	case D_MESSAGE:
		draw_text_block(d);
		draw_button(d, (d->wd - 6) / 2, "[ OK ]", true);
		break;
	case D_MENU:
		draw_menu(d);
		break;
	case D_VIEWER:
		draw_viewer(d);
		break;
	}
}

static bool is_enter(int key)
{
	return key == '\r' || key == '\n' || key == K_FN(KEY_ENTER);
}

static enum dialog_rc confirm_key(struct dialog *d, int key, int *result)
{
	switch (key) {
	case 'y':
	case 'Y':
		*result = 1;
		return DIALOG_CLOSE;
	case 'n':
	case 'N':
	case 'q':
	case K_ESC:
		*result = 0;
		return DIALOG_CLOSE;
	case '\t':
	case K_FN(KEY_BTAB):
	case K_FN(KEY_LEFT):
	case K_FN(KEY_RIGHT):
	case 'h':
	case 'l':
		d->button = !d->button;
		return DIALOG_KEEP;
	case ' ':
		*result = d->button == 0;
		return DIALOG_CLOSE;
	default:
		if (is_enter(key)) {
			*result = d->button == 0;
			return DIALOG_CLOSE;
		}
		return DIALOG_KEEP;
	}
}

static enum dialog_rc menu_key(struct dialog *d, int key, int *result)
{
	for (size_t i = 0; i < d->n_items; i++) {
		if (d->items[i].key == key) {
			if (!d->items[i].enabled)
				return DIALOG_KEEP;
			*result = (int)i;
			return DIALOG_CLOSE;
		}
	}
	switch (key) {
	case K_FN(KEY_UP):
	case 'k':
		menu_step(d, -1);
		return DIALOG_KEEP;
	case K_FN(KEY_DOWN):
	case 'j':
		menu_step(d, 1);
		return DIALOG_KEEP;
	case K_FN(KEY_HOME):
	case 'g':
		while (menu_step(d, -1))
			;
		return DIALOG_KEEP;
	case K_FN(KEY_END):
	case 'G':
		while (menu_step(d, 1))
			;
		return DIALOG_KEEP;
	case K_ESC:
	case 'q':
	case 'm':
	case K_FN(KEY_F(2)):
		*result = -1;
		return DIALOG_CLOSE;
	default:
		if (is_enter(key) && d->n_items && d->items[d->sel].enabled) {
			*result = (int)d->sel;
			return DIALOG_CLOSE;
		}
		return DIALOG_KEEP;
	}
}

static enum dialog_rc viewer_key(struct dialog *d, int key, int *result)
{
	size_t page = (size_t)TUI_MAX(body_h(d) - 1, 1), mt = max_top(d);

	switch (key) {
	case K_FN(KEY_UP):
	case 'k':
		d->top = d->top ? d->top - 1 : 0;
		break;
	case K_FN(KEY_DOWN):
	case 'j':
	case '\r':
	case '\n':
		d->top = TUI_MIN(d->top + 1, mt);
		break;
	case K_FN(KEY_PPAGE):
	case K_CTRL('B'):
	case 'b':
		d->top = d->top > page ? d->top - page : 0;
		break;
	case K_FN(KEY_NPAGE):
	case K_CTRL('F'):
	case ' ':
		d->top = TUI_MIN(d->top + page, mt);
		break;
	case K_FN(KEY_HOME):
	case 'g':
		d->top = 0;
		break;
	case K_FN(KEY_END):
	case 'G':
		d->top = mt;
		break;
	case K_ESC:
	case 'q':
	case K_FN(KEY_F(1)):
	case '?':
		*result = 0;
		return DIALOG_CLOSE;
	}
	d->follow = false;
	return DIALOG_KEEP;
}

enum dialog_rc dialog_key(struct dialog *d, int key, int *result)
{
	*result = 0;
	switch (d->kind) {
	case D_CONFIRM:
		return confirm_key(d, key, result);
	case D_MENU:
		return menu_key(d, key, result);
	case D_VIEWER:
		return viewer_key(d, key, result);
	case D_MESSAGE:
		if (is_enter(key) || key == K_ESC || key == 'q' || key == ' ')
			return DIALOG_CLOSE;
		return DIALOG_KEEP;
	}
	return DIALOG_KEEP;
}

void dialog_free(struct dialog *d)
{
	if (!d)
		return;
	if (d->p)
		del_panel(d->p);
	if (d->w)
		delwin(d->w);
	for (size_t i = 0; i < d->n_items; i++) {
		free((char *)d->items[i].label);
		free((char *)d->items[i].note);
	}
	free(d->items);
	tve_strv_free(d->lines);
	free(d->rows);
	free(d->title);
	free(d->text);
	free(d->data);
	free(d);
}
