/* taskpanel.h - the task log at the bottom, and task formatting shared
 * with the content tabs that list tasks. */
#ifndef TVE_TUI_TASKPANEL_H
#define TVE_TUI_TASKPANEL_H

#include <stdbool.h>
#include <stddef.h>

#include "task.h"
#include "vbuf.h"

struct app;

struct taskpanel {
	struct tve_task_info *tasks;
	size_t n;
	unsigned long gen;	/* taskstore generation of tasks[] */
	struct vbuf vb;
	struct vlist ls;
};

/* "VM 100 - Start", "CT 105 - Shutdown", else "TYPE TARGET". */
void task_describe(const struct tve_task_info *t, char *buf, size_t len);
/* Appends a table of tasks (header sticky, in role head) to vb; show_node
 * adds the node column. */
void task_table(struct vbuf *vb, const struct tve_task_info *t, size_t n, bool show_node,
		enum role head);
/* "Nov 22 12:03:04", or "-" for 0. */
const char *fmt_time(char *buf, size_t len, time_t t);

/* Re-reads the recent tasks when the store changed; true if it did.
 * keep_cursor keeps the cursor on its task, else it goes to the newest. */
bool taskpanel_update(struct taskpanel *tp, struct tve_taskstore *ts, bool keep_cursor);
/* Rows for the current tasks (the panel draws them; keys move on them). */
void taskpanel_build(struct taskpanel *tp, int width, bool focused);
/* Moves the cursor by delta tasks' lines (INT_MIN/INT_MAX: first/last),
 * never onto a task's progress line; true if it moved. */
bool taskpanel_move(struct taskpanel *tp, int h, int delta);
void taskpanel_draw(struct taskpanel *tp, WINDOW *w, int h, int width, bool focused);
void taskpanel_free(struct taskpanel *tp);

#endif
