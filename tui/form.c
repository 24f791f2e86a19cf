/* form.c - a form's pages and fields, the focus, and the keys; the
 * drawing is in form_draw.c. */
#include <curses.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "actions.h"
#include "form_priv.h"
#include "task.h"
#include "tui.h"

#define TEXT_MAX_DEFAULT 255

struct form *form_new(const char *title)
{
	struct form *f = tve_xcalloc(1, sizeof(*f));

	f->title = tve_xstrdup(title);
	return f;
}

static void field_free(struct form_field *fl)
{
	form_clear_options(fl);
	tve_strv_free(fl->lines);
	free(fl->label);
	free(fl->error);
	free(fl->note);
	if (fl->text && fl->masked)
		memset(fl->text, 0, strlen(fl->text));
	free(fl->text);
	free(fl->unit);
	free(fl);
}

void form_free(struct form *f)
{
	if (!f)
		return;
	for (size_t p = 0; p < f->n_pages; p++) {
		for (size_t i = 0; i < f->pages[p].n; i++)
			field_free(f->pages[p].fields[i]);
		free(f->pages[p].fields);
		free(f->pages[p].name);
		free(f->pages[p].hint);
	}
	free(f->pages);
	if (f->p)
		del_panel(f->p);
	if (f->w)
		delwin(f->w);
	free(f->title);
	free(f->msg);
	free(f);
}

int form_add_page(struct form *f, const char *name)
{
	f->pages = tve_xreallocarray(f->pages, f->n_pages + 1, sizeof(*f->pages));
	memset(&f->pages[f->n_pages], 0, sizeof(*f->pages));
	f->pages[f->n_pages].name = tve_xstrdup(name);
	return (int)f->n_pages++;
}

struct form_field *form_add(struct form *f, int page, enum form_kind kind, const char *label,
			    int tag)
{
	struct page *pg = &f->pages[page];
	struct form_field *fl = tve_xcalloc(1, sizeof(*fl));

	fl->kind = kind;
	fl->label = tve_xstrdup(label ? label : "");
	fl->tag = tag;
	fl->text = tve_xstrdup("");
	pg->fields = tve_xreallocarray(pg->fields, pg->n + 1, sizeof(*pg->fields));
	pg->fields[pg->n++] = fl;
	return fl;
}

void form_set_page_hint(struct form *f, int page, const char *hint)
{
	free(f->pages[page].hint);
	f->pages[page].hint = tve_xstrdup(hint);
}

static void set_str(char **dst, const char *s)
{
	if (*dst == s)
		return;
	free(*dst);
	*dst = s ? tve_xstrdup(s) : NULL;
}

void form_set_text(struct form_field *fl, const char *text)
{
	if (fl->text && !strcmp(fl->text, text ? text : ""))
		return;
	if (fl->text && fl->masked)
		memset(fl->text, 0, strlen(fl->text));
	set_str(&fl->text, text ? text : "");
	fl->cur = strlen(fl->text);
	fl->hscroll = 0;
}

void form_set_error(struct form_field *fl, const char *msg)
{
	set_str(&fl->error, msg);
}

void form_set_note(struct form_field *fl, const char *note)
{
	set_str(&fl->note, note);
}

void form_set_unit(struct form_field *fl, const char *unit)
{
	set_str(&fl->unit, unit);
}

void form_clear_options(struct form_field *fl)
{
	for (size_t i = 0; i < fl->n_opts; i++) {
		free(fl->opts[i].label);
		free(fl->opts[i].note);
		free(fl->opts[i].sval);
	}
	free(fl->opts);
	fl->opts = NULL;
	fl->n_opts = 0;
}

void form_add_option(struct form_field *fl, const char *label, const char *note, bool disabled,
		     int ival, const char *sval)
{
	struct form_option *o;

	fl->opts = tve_xreallocarray(fl->opts, fl->n_opts + 1, sizeof(*fl->opts));
	o = &fl->opts[fl->n_opts++];
	o->label = tve_xstrdup(label);
	o->note = tve_xstrdup(note);
	o->disabled = disabled;
	o->ival = ival;
	o->sval = tve_xstrdup(sval);
}

void form_set_view(struct form_field *fl, char **lines)
{
	tve_strv_free(fl->lines);
	fl->lines = lines;
	fl->n_lines = 0;
	while (lines && lines[fl->n_lines])
		fl->n_lines++;
}

void form_set_message(struct form *f, bool error, const char *msg)
{
	set_str(&f->msg, msg);
	f->msg_error = error;
}

int form_page(const struct form *f)
{
	return f->page;
}

int form_n_pages(const struct form *f)
{
	return (int)f->n_pages;
}

size_t form_n_fields(const struct form *f, int page)
{
	return f->pages[page].n;
}

struct form_field *form_field_at(const struct form *f, int page, size_t i)
{
	return f->pages[page].fields[i];
}

/* ---- focus ---------------------------------------------------------------- */

bool form_focusable(const struct form *f, size_t i)
{
	const struct page *pg = form_cur_page(f);

	if (i < pg->n)
		return !pg->fields[i]->hidden && pg->fields[i]->kind != FORM_INFO;
	return i - pg->n != BTN_BACK || f->page > 0;
}

/* Focus order: the fields, then Back, Next, Cancel, and round again. */
static void focus_step(struct form *f, int dir)
{
	struct page *pg = form_cur_page(f);
	size_t n = pg->n + BTN__COUNT, i = pg->focus;

	for (size_t k = 0; k < n; k++) {
		i = (i + n + (size_t)(long)dir) % n;
		if (form_focusable(f, i)) {
			pg->focus = i;
			return;
		}
	}
}

size_t form_first_focus(const struct form *f)
{
	const struct page *pg = form_cur_page(f);

	for (size_t i = 0; i < pg->n; i++)
		if (form_focusable(f, i))
			return i;
	return pg->n + BTN_NEXT;
}

void form_fix_focus(struct form *f)
{
	struct page *pg = form_cur_page(f);

	if (form_focusable(f, pg->focus))
		return;
	for (size_t i = pg->focus; i < pg->n; i++) {
		if (form_focusable(f, i)) {
			pg->focus = i;
			return;
		}
	}
	pg->focus = form_first_focus(f);
}

void form_goto(struct form *f, int page)
{
	if (page < 0 || (size_t)page >= f->n_pages)
		return;
	f->page = page;
	f->picking = false;
	form_set_message(f, false, NULL);
	form_fix_focus(f);
}

struct form_field *form_focused(const struct form *f)
{
	const struct page *pg = form_cur_page(f);

	return pg->focus < pg->n ? pg->fields[pg->focus] : NULL;
}

void form_focus(struct form *f, struct form_field *fl)
{
	struct page *pg = form_cur_page(f);

	for (size_t i = 0; i < pg->n; i++)
		if (pg->fields[i] == fl)
			pg->focus = i;
}

static bool last_field(const struct form *f)
{
	const struct page *pg = form_cur_page(f);

	for (size_t i = pg->focus + 1; i < pg->n; i++)
		if (form_focusable(f, i))
			return false;
	return pg->focus < pg->n;
}

/* ---- keys ----------------------------------------------------------------- */

static bool is_enter(int key)
{
	return key == '\r' || key == '\n' || key == K_FN(KEY_ENTER);
}

static bool step_option(struct form_field *fl, size_t *sel, int dir)
{
	for (size_t i = *sel; dir < 0 ? i > 0 : i + 1 < fl->n_opts;) {
		i = dir < 0 ? i - 1 : i + 1;
		if (!fl->opts[i].disabled) {
			*sel = i;
			return true;
		}
	}
	return false;
}

static enum form_ev picker_key(struct form *f, struct form_field *fl, int key)
{
	if (key == K_ESC) {
		f->picking = false;
	} else if (key == K_FN(KEY_UP) || key == 'k') {
		step_option(fl, &f->pick, -1);
	} else if (key == K_FN(KEY_DOWN) || key == 'j' || key == '\t') {
		step_option(fl, &f->pick, 1);
	} else if (key == K_FN(KEY_HOME) || key == K_FN(KEY_PPAGE)) {
		while (step_option(fl, &f->pick, -1))
			;
	} else if (key == K_FN(KEY_END) || key == K_FN(KEY_NPAGE)) {
		while (step_option(fl, &f->pick, 1))
			;
	} else if (is_enter(key) || key == ' ') {
		if (f->pick < fl->n_opts && fl->opts[f->pick].disabled)
			return FORM_EV_NONE;
		f->picking = false;
		if (f->pick != fl->sel && f->pick < fl->n_opts) {
			fl->sel = f->pick;
			return FORM_EV_CHANGED;
		}
	} else if (!(key & K_FN_BIT) && key > ' ' && key < 0x7f) {
		/* Type-ahead: the next option starting with that letter. */
		for (size_t k = 1; k <= fl->n_opts; k++) {
			size_t i = (f->pick + k) % fl->n_opts;
			int c = (unsigned char)fl->opts[i].label[0];

			if (!fl->opts[i].disabled && (c | 0x20) == (key | 0x20)) {
				f->pick = i;
				break;
			}
		}
	}
	return FORM_EV_NONE;
}

static size_t char_back(const char *t, size_t i)
{
	while (i > 0 && ((unsigned char)t[--i] & 0xc0) == 0x80)
		;
	return i;
}

static size_t char_fwd(const char *t, size_t i)
{
	size_t len = strlen(t);

	if (i < len)
		i++;
	while (i < len && ((unsigned char)t[i] & 0xc0) == 0x80)
		i++;
	return i;
}

static void text_cut(struct form_field *fl, size_t from, size_t to)
{
	memmove(fl->text + from, fl->text + to, strlen(fl->text + to) + 1);
	fl->cur = from;
}

/* Editing keys of a text field; FORM_EV_KEY when it is not one. */
static enum form_ev text_key(struct form_field *fl, int key)
{
	size_t len = strlen(fl->text), max = fl->max_len ? fl->max_len : TEXT_MAX_DEFAULT;

	fl->cur = TUI_MIN(fl->cur, len);
	switch (key) {
	case K_FN(KEY_LEFT):
		fl->cur = char_back(fl->text, fl->cur);
		return FORM_EV_NONE;
	case K_FN(KEY_RIGHT):
		fl->cur = char_fwd(fl->text, fl->cur);
		return FORM_EV_NONE;
	case K_FN(KEY_HOME):
	case K_CTRL('A'):
		fl->cur = 0;
		return FORM_EV_NONE;
	case K_FN(KEY_END):
	case K_CTRL('E'):
		fl->cur = len;
		return FORM_EV_NONE;
	case K_FN(KEY_BACKSPACE):
	case 127:
	case K_CTRL('H'):
		if (!fl->cur)
			return FORM_EV_NONE;
		text_cut(fl, char_back(fl->text, fl->cur), fl->cur);
		return FORM_EV_CHANGED;
	case K_FN(KEY_DC):
		if (fl->cur >= len)
			return FORM_EV_NONE;
		text_cut(fl, fl->cur, char_fwd(fl->text, fl->cur));
		return FORM_EV_CHANGED;
	case K_CTRL('U'):
		if (!len)
			return FORM_EV_NONE;
		text_cut(fl, 0, len);
		return FORM_EV_CHANGED;
	case K_CTRL('K'):
		if (fl->cur >= len)
			return FORM_EV_NONE;
		fl->text[fl->cur] = '\0';
		return FORM_EV_CHANGED;
	default:
		break;
	}
	if (!(key & K_FN_BIT) && key >= 0x20 && key != 0x7f) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof(st));
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1 || len + n > max)
			return FORM_EV_NONE;
		fl->text = tve_xrealloc(fl->text, len + n + 1);
		memmove(fl->text + fl->cur + n, fl->text + fl->cur, len - fl->cur + 1);
		memcpy(fl->text + fl->cur, mb, n);
		fl->cur += n;
		return FORM_EV_CHANGED;
	}
	return FORM_EV_KEY;
}

/* Keys of the focused field's kind; FORM_EV_KEY when not its own. */
static enum form_ev field_key(struct form *f, struct form_field *fl, int key)
{
	int rows = fl->kind == FORM_VIEW ? form_view_rows(f) : 1;
	size_t page = (size_t)TUI_MAX(rows - 1, 1);
	size_t max_top = fl->n_lines > (size_t)rows ? fl->n_lines - (size_t)rows : 0;

	switch (fl->kind) {
	case FORM_TEXT:
		return text_key(fl, key);
	case FORM_CHECK:
		if (key != ' ')
			return FORM_EV_KEY;
		if (fl->disabled)
			return FORM_EV_NONE;
		fl->on = !fl->on;
		return FORM_EV_CHANGED;
	case FORM_CHOICE:
		if (key == K_FN(KEY_LEFT) || key == K_FN(KEY_RIGHT))
			return step_option(fl, &fl->sel, key == K_FN(KEY_LEFT) ? -1 : 1)
			       ? FORM_EV_CHANGED : FORM_EV_NONE;
		if (key == ' ' || is_enter(key)) {
			f->picking = fl->n_opts > 0;
			f->pick = fl->sel;
			return FORM_EV_NONE;
		}
		return FORM_EV_KEY;
	case FORM_LIST:
		if (key == K_FN(KEY_LEFT) || key == K_FN(KEY_RIGHT)) {
			size_t old = fl->sel;

			step_option(fl, &fl->sel, key == K_FN(KEY_LEFT) ? -1 : 1);
			return fl->sel != old ? FORM_EV_ITEM : FORM_EV_NONE;
		}
		if (key == 'a' || key == '+' || key == K_FN(KEY_IC))
			return FORM_EV_ADD;
		if (key == K_FN(KEY_DC) || key == '-')
			return fl->n_opts ? FORM_EV_REMOVE : FORM_EV_NONE;
		return FORM_EV_KEY;
	case FORM_VIEW:
		if ((key == K_FN(KEY_UP) && fl->top == 0) || (key == K_FN(KEY_DOWN) && fl->top >= max_top))
			return FORM_EV_KEY;	/* off its edge: the next field */
		if (key == K_FN(KEY_UP) || key == K_FN(KEY_PPAGE))
			fl->top -= TUI_MIN(fl->top, key == K_FN(KEY_UP) ? 1 : page);
		else if (key == K_FN(KEY_DOWN) || key == K_FN(KEY_NPAGE))
			fl->top = TUI_MIN(fl->top + (key == K_FN(KEY_DOWN) ? 1 : page), max_top);
		else if (key == K_FN(KEY_HOME))
			fl->top = 0;
		else if (key == K_FN(KEY_END))
			fl->top = max_top;
		else
			return FORM_EV_KEY;
		return FORM_EV_NONE;
	case FORM_INFO:
		break;
	}
	return FORM_EV_KEY;
}

enum form_ev form_key(struct form *f, int key, struct form_field **flp)
{
	struct page *pg = form_cur_page(f);
	struct form_field *fl = form_focused(f);
	enum form_ev ev;

	*flp = fl;
	if (f->picking && fl)
		return picker_key(f, fl, key);
	switch (key) {
	case K_ESC:
		return FORM_EV_CANCEL;
	case K_FN(KEY_F(1)):
		return FORM_EV_HELP;
	case K_CTRL('N'):
		return FORM_EV_NEXT;
	case K_CTRL('P'):
		return f->page > 0 ? FORM_EV_BACK : FORM_EV_NONE;
	case '\t':
		focus_step(f, 1);
		return FORM_EV_NONE;
	case K_FN(KEY_BTAB):
		focus_step(f, -1);
		return FORM_EV_NONE;
	default:
		break;
	}
	if (!fl) {
		int b = (int)(pg->focus - pg->n);

		if (key == K_FN(KEY_LEFT) || key == K_FN(KEY_UP) || key == K_FN(KEY_RIGHT) ||
		    key == K_FN(KEY_DOWN)) {
			focus_step(f, key == K_FN(KEY_LEFT) || key == K_FN(KEY_UP) ? -1 : 1);
			return FORM_EV_NONE;
		}
		if (is_enter(key) || key == ' ')
			return b == BTN_BACK ? FORM_EV_BACK : b == BTN_NEXT ? FORM_EV_NEXT : FORM_EV_CANCEL;
		return FORM_EV_KEY;
	}
	ev = field_key(f, fl, key);
	if (ev != FORM_EV_KEY)
		return ev;
	if (key == K_FN(KEY_DOWN) || key == K_FN(KEY_UP)) {
		focus_step(f, key == K_FN(KEY_UP) ? -1 : 1);
		return FORM_EV_NONE;
	}
	if (is_enter(key)) {
		if (last_field(f))
			return FORM_EV_NEXT;
		focus_step(f, 1);
		return FORM_EV_NONE;
	}
	return FORM_EV_KEY;
}
