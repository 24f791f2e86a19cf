/* form.h - a small form engine for wizards: pages of fields drawn in a
 * floating window and edited with the keyboard.
 *
 * Kinds of field: text (a maximum length, masked for passwords, a unit
 * hint), checkbox, choice (options, some disabled with a note saying why),
 * info (a read-only line), list (repeatable items such as disks: one is
 * selected, `a` adds, Del removes) and view (read-only lines that scroll,
 * such as a summary).  A field can carry an error, drawn under it after a
 * '!' marker, never told by colour alone.
 *
 * Everything shown lives in struct form, never in its window: after a
 * resize, form_place() makes a new window and every value, the focus and
 * the scroll position are kept.  The form knows nothing of what fields
 * mean: form_key() says what happened (a value changed, Next, Back...) and
 * the owner reacts, e.g. checks the value and sets the field's error.
 *
 * Ownership: the form owns its pages, fields and every string set on them
 * (setters copy, except form_set_view, which takes the lines). */
#ifndef TVE_TUI_FORM_H
#define TVE_TUI_FORM_H

#include <stdbool.h>
#include <stddef.h>

enum form_kind {
	FORM_TEXT,
	FORM_CHECK,
	FORM_CHOICE,
	FORM_INFO,
	FORM_LIST,
	FORM_VIEW,
};

struct form_option {
	char *label;
	char *note;		/* shown after the label: "install ovmf" */
	bool disabled;		/* cannot be picked; the note says why */
	int ival;		/* the owner's value */
	char *sval;
};

struct form_field {
	enum form_kind kind;
	char *label;
	int tag;		/* the owner's: which of its fields this is */
	bool hidden;
	char *error;		/* "ID 101 is used by web01 on pve2", or NULL */
	char *note;		/* after the value, e.g. why a checkbox is off */
	bool disabled;		/* checkbox that cannot change (note says why) */
	/* FORM_TEXT (and FORM_INFO's value) */
	char *text;
	size_t max_len;		/* bytes; 0 = 255 */
	bool masked;		/* shown as '*', never echoed */
	char *unit;		/* hint after the box: "GiB" */
	size_t cur, hscroll;	/* cursor and first shown byte */
	/* FORM_CHECK */
	bool on;
	/* FORM_CHOICE, FORM_LIST (the items) */
	struct form_option *opts;
	size_t n_opts, sel;
	/* FORM_VIEW */
	char **lines;
	size_t n_lines, top;
};

/* What a key did, for the owner. */
enum form_ev {
	FORM_EV_NONE,		/* nothing for the owner (moved, scrolled) */
	FORM_EV_CHANGED,	/* the field's value changed */
	FORM_EV_ITEM,		/* list: another item selected */
	FORM_EV_ADD,		/* list: add an item */
	FORM_EV_REMOVE,		/* list: remove the selected item */
	FORM_EV_NEXT,		/* Next (or Finish on the last page) */
	FORM_EV_BACK,
	FORM_EV_CANCEL,		/* Esc or the Cancel button: the owner asks */
	FORM_EV_HELP,
	FORM_EV_KEY,		/* a key the form has no use for */
};

struct form;

/* title: "Create: Virtual Machine"; the window's title adds the page:
 * "Create: Virtual Machine - General (1/8)". */
struct form *form_new(const char *title);
void form_free(struct form *f);
/* Pages and fields, in order; the pointers stay valid until form_free. */
int form_add_page(struct form *f, const char *name);
struct form_field *form_add(struct form *f, int page, enum form_kind kind, const char *label,
			    int tag);
/* A hint for a page, shown first on the hint line: "x view XML". */
void form_set_page_hint(struct form *f, int page, const char *hint);

void form_set_text(struct form_field *fl, const char *text);	/* cursor to the end */
void form_set_error(struct form_field *fl, const char *msg);	/* NULL clears */
void form_set_note(struct form_field *fl, const char *note);
void form_set_unit(struct form_field *fl, const char *unit);
void form_clear_options(struct form_field *fl);
void form_add_option(struct form_field *fl, const char *label, const char *note, bool disabled,
		     int ival, const char *sval);
/* Takes lines (NULL-terminated); keeps the scroll position where it can. */
void form_set_view(struct form_field *fl, char **lines);
/* The page's message line ("! Fix the marked field"); NULL clears. */
void form_set_message(struct form *f, bool error, const char *msg);

int form_page(const struct form *f);
int form_n_pages(const struct form *f);
/* Shows page p, with the focus where it was left there (at first, on its
 * first field). */
void form_goto(struct form *f, int page);
/* Fields of a page, for walking them. */
size_t form_n_fields(const struct form *f, int page);
struct form_field *form_field_at(const struct form *f, int page, size_t i);
/* The focused field, or NULL when a button has the focus. */
struct form_field *form_focused(const struct form *f);
/* Moves the focus to fl (on the current page) and shows it. */
void form_focus(struct form *f, struct form_field *fl);
/* After fields were hidden or shown: keeps the focus on a visible one. */
void form_fix_focus(struct form *f);

enum form_ev form_key(struct form *f, int key, struct form_field **fl);

/* (Re)creates the window and panel for the current screen size. */
void form_place(struct form *f);
void form_draw(struct form *f);

#endif
