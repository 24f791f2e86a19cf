/* app.h - the console's state, shared by its modules.
 *
 * One thread: the poll loop in app.c reads keys, signals and the backend's
 * wake fd, marks what changed as dirty, and redraws only that, with one
 * doupdate() per turn (none when nothing changed). */
#ifndef TVE_TUI_APP_H
#define TVE_TUI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>
#include <panel.h>

#include "backend.h"
#include "content.h"
#include "dialog.h"
#include "taskpanel.h"
#include "tree.h"

enum pane {
	PANE_TREE,
	PANE_CONTENT,
	PANE_TASKS,
	PANE__COUNT,
};

enum dirty {
	DIRTY_TOP = 1 << 0,
	DIRTY_TREE = 1 << 1,
	DIRTY_CONTENT = 1 << 2,
	DIRTY_TASKS = 1 << 3,
	DIRTY_STATUS = 1 << 4,
	DIRTY_DIALOG = 1 << 5,
	DIRTY_ALL = 0x3f,
};

/* Below this the screen only says it is too small. */
#define MIN_COLS 60
#define MIN_LINES 16

struct layout {
	WINDOW *top, *tree, *content, *tasks, *status, *small;
	PANEL *p_top, *p_tree, *p_content, *p_tasks, *p_status, *p_small;
	int cols, lines;
	int tree_w, main_h, task_h;
	bool too_small;
};

struct app_opts {
	bool color;
	enum tve_line_graphics lines;
	bool low_bandwidth;	/* numbers at most every LOW_BW_STATS_S */
	bool mouse;
};

/* Low-bandwidth mode: how often new numbers reach the screen. */
#define LOW_BW_STATS_S 10

struct app {
	struct tve_backend *b;
	struct tve_taskstore *ts;
	size_t n_nodes;
	struct tve_snapshot **snap;	/* latest we hold, one per node */
	struct layout lay;
	enum pane focus;
	unsigned dirty;
	bool tree_stale;	/* tree rows must be rebuilt */
	bool quit;
	int quit_signal;	/* SIGINT/SIGTERM/SIGHUP that ended us, or 0 */
	bool quit_prompt;	/* "Quit tve? (y/N)" on the status line */
	bool filter_edit;	/* typing after '/' */
	bool filter_volumes;	/* ... in a storage's Content tab, not the tree */
	char *msg;		/* one-line message, until the next key */
	bool msg_error;
	bool low_bw;		/* low-bandwidth mode */
	bool stats_held;	/* ... newer numbers wait in the backend */
	long long stats_ms;	/* ... when numbers last reached the screen */
	struct tree tree;
	struct content content;
	struct taskpanel tp;
	struct dialog *dlg[8];	/* stack, top last */
	size_t n_dlg;
};

/* Runs the console until quit; the exit status (128 + signal if one
 * ended it). */
int app_run(struct tve_backend *b, const struct app_opts *opts);

void app_msg(struct app *a, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* An error on the status line; one too long for it opens in a box too. */
void app_error(struct app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void app_push_dialog(struct app *a, struct dialog *d);
void app_open_task_log(struct app *a, const char *id);
/* Selects o in the tree (from a content row). */
void app_select(struct app *a, const struct obj_ref *o);
/* sync.c: takes new snapshots and tasks and marks what they change. */
void app_sync(struct app *a);
/* Milliseconds until app_sync() must run again for numbers it held back
 * (low-bandwidth mode), or -1. */
int app_sync_timeout(struct app *a);
/* Reads the task store now, e.g. right after starting a task. */
void app_poll_tasks(struct app *a);
/* The filter being typed after '/' (the tree's or the volumes'). */
char *app_filter_buf(struct app *a, size_t *cap);

const struct tve_snapshot *app_snap(struct app *a, size_t node);
const struct tve_guest *app_guest(struct app *a, const struct obj_ref *o);
const struct tve_pool *app_pool(struct app *a, const struct obj_ref *o);
/* "VM 100 (web01)", "CT 105 (dns1)", "VM scratch" for a guest without ID. */
void guest_label(const struct tve_guest *g, char *buf, size_t len);
/* The id tasks use as their target: "100", or the name. */
void guest_task_target(const struct tve_guest *g, char *buf, size_t len);

/* bars.c */
void bars_draw_top(struct app *a);
void bars_draw_status(struct app *a);
void bars_draw_small(struct app *a);

/* layout.c */
void layout_apply(struct app *a);
void layout_free(struct layout *l);

/* action_run.c: the action keys and the menu. */
void action_invoke(struct app *a, enum action act);
void action_menu(struct app *a);

#endif
