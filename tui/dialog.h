/* dialog.h - floating windows over the screen (ncurses panels): confirm,
 * menu, message and a scrollable text viewer (help, task logs).
 *
 * Dialogs never block: the app routes keys to the top one and, when it
 * closes, calls its done function with the result. */
#ifndef TVE_TUI_DIALOG_H
#define TVE_TUI_DIALOG_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct dialog;

typedef void (*dialog_done_fn)(struct app *a, struct dialog *d, int result);

struct dialog_item {
	int key;
	const char *label;
	const char *note;	/* shown after the label, e.g. "unsupported" */
	bool enabled;
};

enum dialog_tag {
	DIALOG_PLAIN,
	DIALOG_HELP,
	DIALOG_TASKLOG,		/* data is the task id */
};

/* Question with [ Yes ] [ No ]; result 1 = yes, 0 = no.  Default No. */
struct dialog *dialog_confirm(const char *title, const char *text, dialog_done_fn done);
/* Items; result = index picked or -1.  Items are copied. */
struct dialog *dialog_menu(const char *title, const struct dialog_item *items, size_t n,
			   dialog_done_fn done);
struct dialog *dialog_message(const char *title, const char *text);
/* Scrollable text; takes ownership of lines (NULL-terminated).  follow =
 * stay at the end as lines arrive. */
struct dialog *dialog_viewer(const char *title, char **lines, bool follow);
/* Replaces a viewer's title and lines (taking them); keeps the position,
 * or stays at the end if it was there. */
void dialog_viewer_set(struct dialog *d, const char *title, char **lines);

/* Data owned by the dialog (freed with free()), and a tag to find it. */
void dialog_set_data(struct dialog *d, enum dialog_tag tag, void *data);
void *dialog_data(struct dialog *d);
enum dialog_tag dialog_tag(struct dialog *d);

enum dialog_rc {
	DIALOG_KEEP,		/* key used, stays open */
	DIALOG_CLOSE,		/* closes with *result */
};
enum dialog_rc dialog_key(struct dialog *d, int key, int *result);
dialog_done_fn dialog_done(struct dialog *d);

/* (Re)creates the window and panel for the current screen size. */
void dialog_place(struct dialog *d);
void dialog_draw(struct dialog *d);
void dialog_free(struct dialog *d);

#endif
