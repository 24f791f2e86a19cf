/* form_draw.c - where a form's fields go in its window, and drawing them.
 *
 *   row 0        frame with the title: "Create: Virtual Machine - OS (2/8)"
 *   row 1        the pages, the current one in [brackets]
 *   rows 2..h-4  the fields (scrolling when they do not fit)
 *   row h-3      the page's message
 *   row h-2      [ Back ] [ Next ] [ Cancel ]
 *   row h-1      frame with the hints for the focused field */
#include <curses.h>
#include <panel.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "form_priv.h"
#include "theme.h"
#include "tui.h"

/* ---- geometry ------------------------------------------------------------- */

static int body_h(const struct form *f)
{
	return TUI_MAX(f->h - 5, 1);
}

static int label_w(const struct form *f)
{
	return TUI_MIN(24, (f->wd - 4) * 2 / 5);
}

#define ERROR_ROWS_MAX 3

/* Where a field's error goes: under the value when it fits on one row
 * there, else from column 4, wrapped.  Returns its rows. */
static int error_place(const struct form *f, const struct form_field *fl, int *x)
{
	int vx = 2 + label_w(f) + 1, rows = 0;

	*x = vx;
	if (!fl->error)
		return 0;
	if (text_width(fl->error) + 2 <= f->wd - 2 - vx)
		return 1;
	*x = 4;
	for (const char *p = fl->error; *p && rows < ERROR_ROWS_MAX; rows++)
		p += text_wrap(p, TUI_MAX(f->wd - 2 - 4 - 2, 1));
	return TUI_MAX(rows, 1);
}

/* Body rows of field i, a view taking what the others leave. */
static int field_rows(const struct form *f, size_t i, int others)
{
	const struct form_field *fl = form_cur_page(f)->fields[i];
	int x, err;

	if (fl->hidden)
		return 0;
	err = error_place(f, fl, &x);
	if (fl->kind == FORM_VIEW)
		return TUI_MAX(body_h(f) - others, 3) + err;
	return 1 + err;
}

/* Each field's first body row into ys[0..n-1], and the total rows into
 * ys[n] (ys may be NULL); returns the total. */
static int layout(const struct form *f, int *ys)
{
	const struct page *pg = form_cur_page(f);
	int others = 0, y = 0;

	for (size_t i = 0; i < pg->n; i++)
		if (pg->fields[i]->kind != FORM_VIEW)
			others += field_rows(f, i, 0);
	for (size_t i = 0; i < pg->n; i++) {
		if (ys)
			ys[i] = y;
		y += field_rows(f, i, others);
	}
	if (ys)
		ys[pg->n] = y;
	return y;
}

/* Rows of field i as laid out. */
static int rows_of(const struct form *f, size_t i)
{
	int *ys = tve_xcalloc(form_cur_page(f)->n + 1, sizeof(*ys)), n;

	layout(f, ys);
	n = ys[i + 1] - ys[i];
	free(ys);
	return n;
}

int form_view_rows(const struct form *f)
{
	const struct form_field *fl = form_focused(f);
	int x;

	return fl ? rows_of(f, form_cur_page(f)->focus) - error_place(f, fl, &x) : 1;
}

static void show_focus(struct form *f)
{
	struct page *pg = form_cur_page(f);
	int *ys = tve_xcalloc(pg->n + 1, sizeof(*ys));
	int total = layout(f, ys), bh = body_h(f), max_top = TUI_MAX(total - bh, 0);

	if (pg->focus >= pg->n) {
		pg->top = max_top;
	} else if (pg->focus == form_first_focus(f)) {
		pg->top = 0;
	} else {
		int y = ys[pg->focus], n = ys[pg->focus + 1] - y;

		if (y < pg->top)
			pg->top = y;
		if (y + TUI_MIN(n, bh) > pg->top + bh)
			pg->top = y + TUI_MIN(n, bh) - bh;
	}
	pg->top = TUI_MAX(TUI_MIN(pg->top, max_top), 0);
	free(ys);
}

void form_place(struct form *f)
{
	WINDOW *w;

	f->wd = TUI_MIN(TUI_MAX(COLS - 4, 20), 96);
	f->h = TUI_MIN(TUI_MAX(LINES - 2, 8), 30);
	w = newwin(f->h, f->wd, (LINES - f->h) / 2, (COLS - f->wd) / 2);
	if (!w)
		w = newwin(1, 1, 0, 0);
	wbkgdset(w, ' ' | (chtype)theme_attr(ROLE_DIALOG));
	if (f->p) {
		WINDOW *old = f->w;

		replace_panel(f->p, w);
		delwin(old);
	} else {
		f->p = new_panel(w);
	}
	f->w = w;
}

/* ---- drawing -------------------------------------------------------------- */

static bool utf8_lines(void)
{
	return strcmp(draw_glyph_more(), "~") != 0;
}

static void draw_frame(struct form *f)
{
	char title[256];
	struct pen p;

	wattrset(f->w, theme_attr(ROLE_DIALOG));
	werase(f->w);
	wattrset(f->w, theme_attr(ROLE_DIALOG_BORDER));
	draw_box(f->w);
	snprintf(title, sizeof(title), " %s %s %s (%d/%zu) ", f->title,
		 utf8_lines() ? "\u2014" : "-", form_cur_page(f)->name, f->page + 1, f->n_pages);
	pen_start(&p, f->w, 0, 2, f->wd - 2);
	pen_text(&p, theme_attr(ROLE_DIALOG_TITLE), title);
}

static void draw_steps(struct form *f)
{
	int need = 0, attr;
	struct pen p;

	for (size_t i = 0; i < f->n_pages; i++)
		need += text_width(f->pages[i].name) + 2;
	if (need + 2 > f->wd - 4)
		return;
	pen_start(&p, f->w, 1, 2, f->wd - 2);
	for (size_t i = 0; i < f->n_pages; i++) {
		bool here = (int)i == f->page;

		attr = theme_attr(here ? ROLE_DIALOG_SELECTED
				  : (int)i < f->page ? ROLE_DIALOG : ROLE_DIALOG_DISABLED);
		pen_text(&p, theme_attr(ROLE_DIALOG), here ? "[" : i ? " " : "");
		pen_text(&p, attr, f->pages[i].name);
		pen_text(&p, theme_attr(ROLE_DIALOG), here ? "]" : " ");
	}
}

/* Columns that bytes [from, to) of a text field take on screen. */
static int shown_cols(const struct form_field *fl, size_t from, size_t to)
{
	int n = 0;

	if (!fl->masked)
		return text_widthn(fl->text + from, to - from);
	for (size_t i = from; i < to; i++)
		n += ((unsigned char)fl->text[i] & 0xc0) != 0x80;	/* one '*' a character */
	return n;
}

/* A text box: "[text  ]" with the cursor cell reversed when focused. */
static void draw_text(struct form *f, struct form_field *fl, struct pen *p, bool focus)
{
	int unit_w = fl->unit ? text_width(fl->unit) + 1 : 0;
	int room = f->wd - 2 - p->x - 2 - unit_w, max = (int)(fl->max_len ? fl->max_len : 24) + 1;
	int bw = TUI_MAX(TUI_MIN(room, TUI_MAX(max, 8)), 3), attr = theme_attr(ROLE_DIALOG_SELECTED);
	const char *t = fl->text;
	size_t len = strlen(t), i;
	int col = 0, end;

	if (!focus)
		attr = theme_attr(ROLE_DIALOG) | A_UNDERLINE;
	/* Keep the cursor in the box: at least one cell after it. */
	if (fl->cur < fl->hscroll)
		fl->hscroll = fl->cur;
	while (fl->hscroll < fl->cur && shown_cols(fl, fl->hscroll, fl->cur) >= bw) {
		fl->hscroll++;
		while (fl->hscroll < len && ((unsigned char)t[fl->hscroll] & 0xc0) == 0x80)
			fl->hscroll++;
	}
	pen_text(p, theme_attr(ROLE_DIALOG), "[");
	end = p->x + bw;
	for (i = fl->hscroll; i <= len && col < bw;) {
		size_t k = 1;
		int a = focus && i == fl->cur ? (int)((unsigned)attr ^ A_REVERSE) : attr;

		while (i + k < len && ((unsigned char)t[i + k] & 0xc0) == 0x80)
			k++;
		if (i == len) {
			if (focus)
				pen_text(p, a, " ");
			break;
		}
		col += fl->masked ? pen_text(p, a, "*") : pen_textn(p, a, t + i, k);
		i += k;
	}
	pen_fill(p, attr, end);
	pen_text(p, theme_attr(ROLE_DIALOG), "]");
	if (fl->unit) {
		pen_text(p, theme_attr(ROLE_DIALOG), " ");
		pen_text(p, theme_attr(ROLE_DIALOG), fl->unit);
	}
}

static int widest_option(const struct form_field *fl)
{
	int w = 4;

	for (size_t i = 0; i < fl->n_opts; i++)
		w = TUI_MAX(w, text_width(fl->opts[i].label));
	return w;
}

static void draw_choice(struct form *f, struct form_field *fl, struct pen *p, bool focus)
{
	int attr = theme_attr(focus ? ROLE_DIALOG_SELECTED : ROLE_DIALOG);
	const struct form_option *o = fl->sel < fl->n_opts ? &fl->opts[fl->sel] : NULL;
	int end = TUI_MIN(p->x + 4 + widest_option(fl), f->wd - 2), save = p->end;

	pen_text(p, attr, "< ");
	p->end = end - 2;	/* a long label is cut, the arrow stays */
	pen_text(p, attr, o ? o->label : "(none)");
	pen_fill(p, attr, end - 2);
	p->end = save;
	pen_text(p, attr, " >");
	if (o && o->note) {
		pen_text(p, theme_attr(ROLE_DIALOG), "  (");
		pen_text(p, theme_attr(ROLE_DIALOG), o->note);
		pen_text(p, theme_attr(ROLE_DIALOG), ")");
	}
}

static void draw_list(struct form_field *fl, struct pen *p, bool focus)
{
	for (size_t i = 0; i < fl->n_opts; i++) {
		bool on = i == fl->sel;
		int attr = theme_attr(on && focus ? ROLE_DIALOG_SELECTED : ROLE_DIALOG);

		pen_text(p, theme_attr(ROLE_DIALOG), on ? "[" : " ");
		pen_text(p, attr, fl->opts[i].label);
		pen_text(p, theme_attr(ROLE_DIALOG), on ? "]" : " ");
	}
	if (!fl->n_opts)
		pen_text(p, theme_attr(ROLE_DIALOG_DISABLED), "(none)");
	if (focus)
		pen_text(p, theme_attr(ROLE_DIALOG), "  a: add  Del: remove");
}

static void draw_view(struct form *f, struct form_field *fl, int y, int rows, bool focus)
{
	size_t max_top = fl->n_lines > (size_t)rows ? fl->n_lines - (size_t)rows : 0;
	struct pen p;

	fl->top = TUI_MIN(fl->top, max_top);
	for (int r = 0; r < rows && fl->top + (size_t)r < fl->n_lines; r++) {
		pen_start(&p, f->w, y + r, 2, f->wd - 2);
		pen_text(&p, theme_attr(ROLE_DIALOG), fl->lines[fl->top + (size_t)r]);
	}
	if (max_top) {
		char pos[64];

		snprintf(pos, sizeof(pos), " %zu-%zu of %zu%s ", fl->top + 1,
			 TUI_MIN(fl->top + (size_t)rows, fl->n_lines), fl->n_lines,
			 focus ? ", Up/Down scroll" : "");
		pen_start(&p, f->w, y + rows - 1, TUI_MAX(f->wd - 3 - text_width(pos), 2), f->wd - 2);
		pen_text(&p, theme_attr(ROLE_DIALOG_SELECTED), pos);
	}
}

/* One field at window row y (rows of its own); rows outside the body are
 * skipped by the caller's clipping. */
static void draw_field(struct form *f, struct form_field *fl, int y, int y0, int y1, bool focus,
		       int rows)
{
	int lw = label_w(f), vx = 2 + lw + 1, ex, erows = error_place(f, fl, &ex);
	const char *e = fl->error;
	struct pen p;

	if (fl->kind == FORM_VIEW) {
		int r0 = TUI_MAX(y, y0), n = TUI_MIN(y + rows - erows, y1) - r0;

		if (n > 0)
			draw_view(f, fl, r0, n, focus);
		y += rows - erows - 1;
	} else if (y >= y0 && y < y1) {
		pen_start(&p, f->w, y, 1, f->wd - 1);
		pen_text(&p, theme_attr(ROLE_DIALOG), focus ? ">" : " ");
		pen_text(&p, theme_attr(focus ? ROLE_DIALOG_SELECTED : ROLE_DIALOG), fl->label);
		p.x = vx;
		p.end = f->wd - 2;
		switch (fl->kind) {
		case FORM_TEXT:
			draw_text(f, fl, &p, focus);
			break;
		case FORM_CHECK:
			pen_text(&p, theme_attr(focus ? ROLE_DIALOG_SELECTED
						: fl->disabled ? ROLE_DIALOG_DISABLED : ROLE_DIALOG),
				 fl->on ? "[x]" : "[ ]");
			break;
		case FORM_CHOICE:
			draw_choice(f, fl, &p, focus);
			break;
		case FORM_LIST:
			draw_list(fl, &p, focus);
			break;
		case FORM_INFO:
			pen_text(&p, theme_attr(ROLE_DIALOG), fl->text);
			break;
		case FORM_VIEW:
			break;
		}
		if (fl->note && fl->kind != FORM_INFO) {
			pen_text(&p, theme_attr(ROLE_DIALOG), "  ");
			pen_text(&p, theme_attr(ROLE_DIALOG), fl->note);
		}
	}
	for (int r = 1; e && *e && r <= erows; r++) {
		size_t n = text_wrap(e, TUI_MAX(f->wd - 2 - ex - 2, 1)), k = n;

		while (k && (e[k - 1] == ' ' || e[k - 1] == '\n'))
			k--;
		if (y + r >= y0 && y + r < y1) {
			pen_start(&p, f->w, y + r, ex, f->wd - 2);
			pen_text(&p, theme_attr(ROLE_DIALOG) | A_BOLD, r == 1 ? "! " : "  ");
			pen_textn(&p, theme_attr(ROLE_DIALOG) | A_BOLD, e, k);
		}
		e += n;
	}
}

static void draw_picker(struct form *f, int fy)
{
	struct form_field *fl = form_focused(f);
	int pw = widest_option(fl) + 4, ph, py, px, vis;
	size_t first = 0;
	WINDOW *sub;

	for (size_t i = 0; i < fl->n_opts; i++)
		if (fl->opts[i].note)
			pw = TUI_MAX(pw, text_width(fl->opts[i].label) + text_width(fl->opts[i].note) + 7);
	pw = TUI_MIN(pw, f->wd - 4);
	ph = TUI_MIN((int)fl->n_opts + 2, f->h - 2);
	vis = ph - 2;
	py = fy + 1 + ph <= f->h - 1 ? fy + 1 : TUI_MAX(fy - ph, 1);
	px = TUI_MAX(TUI_MIN(2 + label_w(f) + 1, f->wd - 2 - pw), 1);
	if (vis < 1 || !(sub = derwin(f->w, ph, pw, py, px)))
		return;
	if (f->pick >= (size_t)vis)
		first = f->pick - (size_t)vis + 1;
	wattrset(sub, theme_attr(ROLE_DIALOG));
	werase(sub);
	wattrset(sub, theme_attr(ROLE_DIALOG_BORDER));
	draw_box(sub);
	for (int r = 0; r < vis && first + (size_t)r < fl->n_opts; r++) {
		const struct form_option *o = &fl->opts[first + (size_t)r];
		bool on = first + (size_t)r == f->pick;
		int attr = theme_attr(on ? ROLE_DIALOG_SELECTED : o->disabled ? ROLE_DIALOG_DISABLED
				      : ROLE_DIALOG);
		struct pen p;

		pen_start(&p, sub, 1 + r, 1, pw - 1);
		pen_text(&p, attr, on ? ">" : " ");
		pen_text(&p, attr, o->label);
		if (o->note) {
			pen_text(&p, attr, " (");
			pen_text(&p, attr, o->note);
			pen_text(&p, attr, ")");
		}
		pen_fill(&p, attr, pw - 1);
	}
	wsyncup(sub);
	delwin(sub);
}

static const char *focus_hint(const struct form *f)
{
	const struct form_field *fl = form_focused(f);

	if (f->picking)
		return "Up/Down choose  Enter pick  Esc close";
	if (!fl)
		return "Left/Right button  Enter press  Tab next field  Esc cancel  F1 help";
	switch (fl->kind) {
	case FORM_TEXT:
		return "Type to edit  Ctrl-U clear  Tab/Down next  Enter next  F1 help";
	case FORM_CHECK:
		return "Space toggle  Tab/Down next  Enter next  F1 help";
	case FORM_CHOICE:
		return "Left/Right change  Space/Enter list  Tab/Down next  F1 help";
	case FORM_LIST:
		return "Left/Right pick  a add  Del remove  Tab/Down next  F1 help";
	default:
		return "Up/Down scroll  Tab next  F1 help";
	}
}

static void draw_bottom(struct form *f)
{
	static const char *const labels[2][BTN__COUNT] = {
		{ "[ Back (Ctrl-P) ]", "[ Next (Ctrl-N) ]", "[ Cancel (Esc) ]" },
		{ "[ Back ]", "[ Next ]", "[ Cancel ]" },	/* narrow windows */
	};
	const struct page *pg = form_cur_page(f);
	bool last = f->page + 1 == (int)f->n_pages, narrow = f->wd - 4 < 58;
	int x = TUI_MAX((f->wd - (narrow ? 34 : 58)) / 2, 2), battr = theme_attr(ROLE_DIALOG_BORDER);
	struct pen p;

	if (f->msg) {
		pen_start(&p, f->w, f->h - 3, 2, f->wd - 2);
		pen_text(&p, theme_attr(ROLE_DIALOG) | (f->msg_error ? A_BOLD : 0),
			 f->msg_error ? "! " : "");
		pen_text(&p, theme_attr(ROLE_DIALOG) | (f->msg_error ? A_BOLD : 0), f->msg);
	}
	pen_start(&p, f->w, f->h - 2, x, f->wd - 2);
	for (int b = 0; b < BTN__COUNT; b++) {
		bool on = pg->focus == pg->n + (size_t)b;
		const char *label = labels[narrow][b];

		if (b == BTN_NEXT && last)
			label = narrow ? "[ Finish ]" : "[ Finish (Ctrl-N) ]";
		pen_text(&p, theme_attr(on ? ROLE_DIALOG_SELECTED : b == BTN_BACK && f->page == 0
					? ROLE_DIALOG_DISABLED : ROLE_DIALOG), label);
		pen_text(&p, theme_attr(ROLE_DIALOG), "  ");
	}
	pen_start(&p, f->w, f->h - 1, 2, f->wd - 2);
	pen_text(&p, battr, " ");
	if (pg->hint && !f->picking) {
		pen_text(&p, battr, pg->hint);
		pen_text(&p, battr, "  ");
	}
	pen_text(&p, battr, focus_hint(f));
	pen_text(&p, battr, " ");
}

void form_draw(struct form *f)
{
	struct page *pg = form_cur_page(f);
	int *ys, total, y0 = 2, y1 = f->h - 3, focus_y = y0;

	if (!f->w)
		form_place(f);
	show_focus(f);
	ys = tve_xcalloc(pg->n + 1, sizeof(*ys));
	total = layout(f, ys);
	draw_frame(f);
	draw_steps(f);
	for (size_t i = 0; i < pg->n; i++) {
		int rows = ys[i + 1] - ys[i], y = y0 + ys[i] - pg->top;

		if (pg->fields[i]->hidden || y + rows <= y0 || y >= y1)
			continue;
		if (i == pg->focus)
			focus_y = y;
		draw_field(f, pg->fields[i], y, y0, y1, i == pg->focus, rows);
	}
	if (pg->top > 0) {
		struct pen p;

		pen_start(&p, f->w, 1, f->wd - 8, f->wd - 1);
		pen_text(&p, theme_attr(ROLE_DIALOG_BORDER), " more ^");
	}
	if (total - pg->top > body_h(f)) {
		struct pen p;

		pen_start(&p, f->w, f->h - 3, f->wd - 8, f->wd - 1);
		pen_text(&p, theme_attr(ROLE_DIALOG_BORDER), " more v");
	}
	draw_bottom(f);
	if (f->picking && form_focused(f))
		draw_picker(f, focus_y);
	free(ys);
}
