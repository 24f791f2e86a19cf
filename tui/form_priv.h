/* form_priv.h - what form.c (fields, focus, keys) and form_draw.c
 * (geometry, drawing) share of a form's state. */
#ifndef TVE_TUI_FORM_PRIV_H
#define TVE_TUI_FORM_PRIV_H

#include <curses.h>
#include <panel.h>

#include "form.h"

enum button { BTN_BACK, BTN_NEXT, BTN_CANCEL, BTN__COUNT };

struct page {
	char *name;
	char *hint;
	struct form_field **fields;
	size_t n;
	size_t focus;		/* a field, or n + enum button */
	int top;		/* first body row shown */
};

struct form {
	char *title;
	struct page *pages;
	size_t n_pages;
	int page;
	char *msg;
	bool msg_error;
	bool picking;		/* a choice's option list is open */
	size_t pick;
	WINDOW *w;
	PANEL *p;
	int h, wd;
};

static inline struct page *form_cur_page(const struct form *f)
{
	return &f->pages[f->page];
}

/* form.c */
bool form_focusable(const struct form *f, size_t i);
size_t form_first_focus(const struct form *f);
/* form_draw.c: rows of the focused view's lines (its height less its
 * error). */
int form_view_rows(const struct form *f);

#endif
