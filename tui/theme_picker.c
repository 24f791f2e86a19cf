/* theme_picker.c - the list of themes, with live preview: moving the
 * cursor puts the theme under it on the whole screen at once; Enter keeps
 * it for this session (tve.conf is not written), Esc puts back the theme
 * in use before.  A theme file that does not parse shows its error here
 * and the screen keeps the theme it had. */
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "app.h"
#include "draw.h"
#include "task.h"
#include "theme.h"
#include "tui.h"

#define MSG_ROWS 3

static struct picker {
	char **names;
	size_t n, sel, top;
	struct theme saved;	/* in use when the picker opened */
	char *saved_name;
	char *shown;		/* the theme on screen now */
	char *error;		/* of the theme under the cursor, or NULL */
	WINDOW *w;
	PANEL *p;
	int h, wd;
} *pk;

bool theme_picker_active(void)
{
	return pk != NULL;
}

void theme_picker_place(void)
{
	int wd = TUI_MIN(COLS - 4, 60), h;
	WINDOW *w;

	if (!pk)
		return;
	wd = TUI_MAX(wd, 20);
	h = TUI_MIN((int)pk->n + 3 + MSG_ROWS, LINES - 2);
	h = TUI_MAX(h, 3 + MSG_ROWS);
	w = newwin(h, wd, TUI_MAX((LINES - h) / 2, 0), TUI_MAX((COLS - wd) / 2, 0));
	if (!w)
		w = newwin(1, 1, 0, 0);
	wbkgdset(w, ' ' | (chtype)theme_attr(ROLE_DIALOG));
	if (pk->p) {
		WINDOW *old = pk->w;

		replace_panel(pk->p, w);
		delwin(old);
	} else {
		pk->p = new_panel(w);
	}
	top_panel(pk->p);
	pk->w = w;
	pk->h = h;
	pk->wd = wd;
}

/* Everything on screen takes the new colours: windows get their new
 * background and every pane is drawn again. */
static void repaint_all(struct app *a)
{
	layout_apply(a);
	theme_picker_place();
	clearok(curscr, TRUE);
	a->dirty |= DIRTY_ALL;
}

/* Shows the theme under the cursor, or its error (the screen keeps what
 * it had). */
static void preview(struct app *a)
{
	const char *name = pk->names[pk->sel];
	struct theme t;

	free(pk->error);
	pk->error = NULL;
	if (theme_read(&t, name, &pk->error) < 0)
		return;
	if (pk->shown && !strcmp(pk->shown, name))
		return;
	theme_apply(&t, name);
	free(pk->shown);
	pk->shown = tve_xstrdup(name);
	repaint_all(a);
}

static void close_picker(struct app *a)
{
	if (pk->p)
		del_panel(pk->p);
	if (pk->w)
		delwin(pk->w);
	tve_strv_free(pk->names);
	free(pk->saved_name);
	free(pk->shown);
	free(pk->error);
	free(pk);
	pk = NULL;
	a->dirty |= DIRTY_ALL;
}

void theme_picker_open(struct app *a)
{
	if (pk)
		return;
	pk = tve_xcalloc(1, sizeof(*pk));
	pk->names = theme_list();
	while (pk->names[pk->n])
		pk->n++;
	theme_current(&pk->saved);
	pk->saved_name = tve_xstrdup(theme_name());
	pk->shown = tve_xstrdup(pk->saved_name);
	for (size_t i = 0; i < pk->n; i++)
		if (!strcmp(pk->names[i], pk->saved_name))
			pk->sel = i;
	theme_picker_place();
	if (a->lay.too_small)
		top_panel(a->lay.p_small);
	a->dirty |= DIRTY_DIALOG;
}

static size_t list_rows(void)
{
	return (size_t)TUI_MAX(pk->h - 3 - MSG_ROWS, 1);
}

void theme_picker_key(struct app *a, int key)
{
	size_t page = list_rows(), old = pk->sel;

	switch (key) {
	case K_FN(KEY_UP):
	case 'k':
		if (pk->sel > 0)
			pk->sel--;
		break;
	case K_FN(KEY_DOWN):
	case 'j':
		if (pk->sel + 1 < pk->n)
			pk->sel++;
		break;
	case K_FN(KEY_PPAGE):
		pk->sel = pk->sel > page ? pk->sel - page : 0;
		break;
	case K_FN(KEY_NPAGE):
		pk->sel = TUI_MIN(pk->sel + page, pk->n - 1);
		break;
	case K_FN(KEY_HOME):
	case 'g':
		pk->sel = 0;
		break;
	case K_FN(KEY_END):
	case 'G':
		pk->sel = pk->n - 1;
		break;
	case '\r':
	case '\n':
	case K_FN(KEY_ENTER):
		if (pk->error)
			return;	/* a broken theme cannot be kept */
		preview(a);	/* the cursor may be on one not shown yet */
		if (pk->error)
			return;
		app_msg(a, false, "Theme %s for this session (theme = %s in tve.conf keeps it)",
			theme_name(), theme_name());
		close_picker(a);
		return;
	case K_ESC:
	case 'q':
		if (strcmp(theme_name(), pk->saved_name)) {
			theme_apply(&pk->saved, pk->saved_name);
			repaint_all(a);
		}
		close_picker(a);
		return;
	default:
		return;
	}
	if (pk->sel != old)
		preview(a);
}

void theme_picker_draw(void)
{
	int inner, battr, rows;
	struct pen p;
	const char *msg;

	if (!pk)
		return;
	inner = pk->wd - 2;
	battr = theme_attr(ROLE_DIALOG_BORDER);
	rows = (int)list_rows();
	wattrset(pk->w, theme_attr(ROLE_DIALOG));
	werase(pk->w);
	wattrset(pk->w, battr);
	draw_box(pk->w);
	pen_start(&p, pk->w, 0, 2, pk->wd - 2);
	pen_text(&p, theme_attr(ROLE_DIALOG_TITLE), theme_mono() ? " Theme (no colours here) " : " Theme ");
	if (pk->sel < pk->top)
		pk->top = pk->sel;
	if (pk->sel >= pk->top + (size_t)rows)
		pk->top = pk->sel - (size_t)rows + 1;
	for (int r = 0; r < rows && pk->top + (size_t)r < pk->n; r++) {
		size_t i = pk->top + (size_t)r;
		int attr = theme_attr(i == pk->sel ? ROLE_DIALOG_SELECTED : ROLE_DIALOG);

		pen_start(&p, pk->w, 1 + r, 1, 1 + inner);
		pen_text(&p, attr, i == pk->sel ? " > " : "   ");
		pen_text(&p, attr, pk->names[i]);
		if (!strcmp(pk->names[i], pk->saved_name))
			pen_text(&p, attr, "  (in use before)");
		pen_fill(&p, attr, 1 + inner);
	}
	/* The broken theme's message, wrapped, or what Enter does. */
	msg = pk->error ? pk->error : "Enter keeps the theme for this session; Esc goes back.";
	for (int y = pk->h - 1 - MSG_ROWS; *msg && y < pk->h - 1; y++) {
		size_t n = text_wrap(msg, inner - 2), k = n;

		while (k && (msg[k - 1] == '\n' || msg[k - 1] == ' '))
			k--;
		pen_start(&p, pk->w, y, 2, pk->wd - 2);
		pen_textn(&p, theme_attr(pk->error ? ROLE_MESSAGE_ERROR : ROLE_DIALOG), msg, k);
		for (msg += n; *msg == ' '; msg++)
			;
	}
	pen_start(&p, pk->w, pk->h - 1, 2, pk->wd - 2);
	pen_text(&p, battr, " Up/Down preview  Enter keep  Esc back ");
}
