/* layout.c - where the panes go for the current terminal size.
 *
 *   row 0          title bar
 *   rows 1..       tree (left, with its separator) | content (right)
 *   task_h rows    task panel (header + tasks)
 *   last row       key hints / message / prompt
 *
 * Windows are replaced in their panels on resize, so dialogs stay on top. */
#include "app.h"
#include "theme.h"
#include "tui.h"

static void place(WINDOW **w, PANEL **p, int h, int wd, int y, int x)
{
	WINDOW *nw = newwin(TUI_MAX(h, 1), TUI_MAX(wd, 1), y, x);

	if (!nw)
		tve_fatal("cannot create a %dx%d window", wd, h);
	wbkgdset(nw, ' ' | (chtype)theme_attr(ROLE_NORMAL));
	if (*p) {
		WINDOW *old = *w;

		replace_panel(*p, nw);
		delwin(old);
	} else {
		*p = new_panel(nw);
	}
	*w = nw;
}

void layout_apply(struct app *a)
{
	struct layout *l = &a->lay;
	int cols = COLS, lines = LINES;

	l->cols = cols;
	l->lines = lines;
	l->too_small = cols < MIN_COLS || lines < MIN_LINES;
	/* 28 columns of tree at 80, a third of the width up to 40 beyond. */
	l->tree_w = TUI_MAX(TUI_MIN(cols * 35 / 100, 40), 22);
	/* 6 task rows at 24 lines, a quarter of the height up to 12. */
	l->task_h = TUI_MAX(TUI_MIN(lines / 4, 12), 4);
	l->main_h = lines - 2 - l->task_h;

	if (l->too_small) {
		/* The panes are hidden behind the notice, and their geometry
		 * would not fit on the screen (newwin fails): park them. */
		place(&l->top, &l->p_top, 1, 1, 0, 0);
		place(&l->tree, &l->p_tree, 1, 1, 0, 0);
		place(&l->content, &l->p_content, 1, 1, 0, 0);
		place(&l->tasks, &l->p_tasks, 1, 1, 0, 0);
		place(&l->status, &l->p_status, 1, 1, 0, 0);
	} else {
		place(&l->top, &l->p_top, 1, cols, 0, 0);
		place(&l->tree, &l->p_tree, l->main_h, l->tree_w, 1, 0);
		place(&l->content, &l->p_content, l->main_h, cols - l->tree_w, 1, l->tree_w);
		place(&l->tasks, &l->p_tasks, l->task_h, cols, 1 + l->main_h, 0);
		place(&l->status, &l->p_status, 1, cols, lines - 1, 0);
	}
	place(&l->small, &l->p_small, lines, cols, 0, 0);
	if (l->too_small)
		top_panel(l->p_small);
	else
		hide_panel(l->p_small);
	for (size_t i = 0; i < a->n_dlg; i++)
		dialog_place(a->dlg[i]);
	a->dirty = DIRTY_ALL;
	a->tree_stale = true;
	a->content.stale = true;
}

void layout_free(struct layout *l)
{
	PANEL **ps[] = { &l->p_top, &l->p_tree, &l->p_content, &l->p_tasks, &l->p_status, &l->p_small };
	WINDOW **ws[] = { &l->top, &l->tree, &l->content, &l->tasks, &l->status, &l->small };

	for (size_t i = 0; i < TVE_ARRAY_SIZE(ps); i++) {
		if (*ps[i])
			del_panel(*ps[i]);
		if (*ws[i])
			delwin(*ws[i]);
		*ps[i] = NULL;
		*ws[i] = NULL;
	}
}
