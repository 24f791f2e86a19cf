/* taskpanel.c - the task log at the bottom, and task formatting. */
#include "taskpanel.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "tui.h"

/* Tasks kept for the panel; older ones are in the per-node tabs. */
#define PANEL_MAX_TASKS 500

static const struct {
	const char *verb;	/* task type after "qm"/"vz" */
	const char *label;
} verbs[] = {
	{ "start", "Start" }, { "shutdown", "Shutdown" }, { "stop", "Stop" },
	{ "reboot", "Reboot" }, { "reset", "Reset" }, { "pause", "Pause" },
	{ "suspend", "Suspend" }, { "resume", "Resume" }, { "create", "Create" },
	{ "destroy", "Destroy" }, { "igrate", "Migrate" }, { "migrate", "Migrate" },
	{ "clone", "Clone" }, { "snapshot", "Snapshot" }, { "rollback", "Rollback" },
	{ "delsnapshot", "Delete Snapshot" }, { "config", "Configure" },
	{ "setid", "Assign ID" }, { "setvmid", "Assign ID" }, { "vmid", "Assign ID" },
};

/* Storage and other tasks without a guest: type -> what it reads as
 * (the target follows: a storage, "storage:volume" or a file name). */
static const struct {
	const char *type;
	const char *label;
} others[] = {
	{ "stor-add", "Add storage" }, { "stor-remove", "Remove storage" },
	{ "stor-set", "Storage on/off" }, { "imgcreate", "Create volume" },
	{ "imgdel", "Delete volume" }, { "imgresize", "Resize volume" },
	{ "imgcopy", "Copy volume" }, { "imgmove", "Move volume" }, { "upload", "Upload" },
	{ "download", "Download" }, { "vztmpl", "Template" },
};

void task_describe(const struct tve_task_info *t, char *buf, size_t len)
{
	const char *type = t->type ? t->type : "";
	const char *target = t->target ? t->target : "";
	const char *kind = NULL, *verb = type;

	if (!strncmp(type, "qm", 2))
		kind = "VM";
	else if (!strncmp(type, "vz", 2))
		kind = "CT";
	if (kind)
		verb = type + 2;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(verbs); i++) {
		if (!strcmp(verb, verbs[i].verb)) {
			snprintf(buf, len, "%s %s - %s", kind ? kind : "Guest", target, verbs[i].label);
			return;
		}
	}
	if (kind && *verb) {
		snprintf(buf, len, "%s %s - %c%s", kind, target, toupper((unsigned char)*verb), verb + 1);
		return;
	}
	for (size_t i = 0; i < TVE_ARRAY_SIZE(others); i++) {
		if (!strcmp(type, others[i].type)) {
			snprintf(buf, len, "%s%s%s", others[i].label, *target ? " " : "", target);
			return;
		}
	}
	snprintf(buf, len, "%s%s%s", type, *target ? " " : "", target);
}

const char *fmt_time(char *buf, size_t len, time_t t)
{
	struct tm tm;

	if (!t || !localtime_r(&t, &tm) || !strftime(buf, len, "%b %d %H:%M:%S", &tm))
		snprintf(buf, len, "-");
	return buf;
}

static size_t widest(const struct tve_task_info *t, size_t n, bool user, size_t min, size_t max)
{
	size_t w = min;

	for (size_t i = 0; i < n; i++) {
		const char *s = user ? t[i].user : t[i].node;
		size_t k = s ? (size_t)text_width(s) : 0;

		if (k > w)
			w = k;
	}
	return w > max ? max : w;
}

/* A running transfer gets a line of its own under its row: the bar and
 * what it says ("245 MiB of 600 MiB, 11.2 MiB/s, ETA 0:31"). */
static bool has_progress_line(const struct tve_task_info *t)
{
	return t->status == TVE_TASK_RUNNING && (t->progress >= 0 || t->progress_text);
}

static void status_col(struct vbuf *vb, const struct tve_task_info *t, int w)
{
	char buf[256];

	switch (t->status) {
	case TVE_TASK_RUNNING:
		if (t->progress >= 0)
			snprintf(buf, sizeof(buf), "running %.0f%%", t->progress * 100);
		else
			snprintf(buf, sizeof(buf), "running");
		vb_col(vb, ROLE_TASK_RUNNING, w, -1, buf);
		break;
	case TVE_TASK_OK:
		vb_col(vb, ROLE_TASK_OK, w, -1, "OK");
		break;
	case TVE_TASK_ERROR:
		snprintf(buf, sizeof(buf), "Error: %s", t->error ? t->error : "failed");
		for (char *p = buf; *p; p++)
			if (*p == '\n')
				*p = ' ';
		vb_col(vb, ROLE_TASK_ERROR, w, -1, buf);
		break;
	}
}

void task_table(struct vbuf *vb, const struct tve_task_info *t, size_t n, bool show_node,
		enum role head)
{
	int width = vb->width;
	int nodew = show_node ? (int)widest(t, n, false, 4, 12) : 0;
	int userw = width >= 70 ? (int)widest(t, n, true, 4, 16) : 0;
	int timew = 15;
	int rest = width - timew - 1 - (nodew ? nodew + 1 : 0) - (userw ? userw + 1 : 0);
	int descw = rest * 55 / 100, statw = rest - descw - 1;
	char tbuf[64], desc[256];

	vb_line(vb);
	vb_col(vb, head, timew + 1, -1, "Start time");
	if (nodew)
		vb_col(vb, head, nodew + 1, -1, "Node");
	vb_col(vb, head, descw + 1, -1, "Description");
	if (userw)
		vb_col(vb, head, userw + 1, -1, "User");
	vb_col(vb, head, vb_left(vb), -1, "Status");
	vb_sticky(vb);
	if (!n) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(no tasks)");
	}
	for (size_t i = 0; i < n; i++) {
		vb_line(vb);
		vb_key(vb, OBJ_TASK, 0, t[i].id);
		vb_col(vb, ROLE_NORMAL, timew, -1, fmt_time(tbuf, sizeof(tbuf), t[i].start));
		vb_put(vb, ROLE_NORMAL, " ");
		if (nodew) {
			vb_col(vb, ROLE_NORMAL, nodew, -1, t[i].node ? t[i].node : "-");
			vb_put(vb, ROLE_NORMAL, " ");
		}
		task_describe(&t[i], desc, sizeof(desc));
		vb_col(vb, ROLE_NORMAL, descw, -1, desc);
		vb_put(vb, ROLE_NORMAL, " ");
		if (userw) {
			vb_col(vb, ROLE_NORMAL, userw, -1, t[i].user ? t[i].user : "-");
			vb_put(vb, ROLE_NORMAL, " ");
		}
		status_col(vb, &t[i], TUI_MAX(statw, 1));
		if (!has_progress_line(&t[i]))
			continue;
		vb_line(vb);
		vb_key(vb, OBJ_TASK, 0, t[i].id);
		vb_pad(vb, timew + 1);
		if (t[i].progress >= 0) {
			vb_bar(vb, 18, t[i].progress > 1 ? 1 : t[i].progress);
			vb_put(vb, ROLE_NORMAL, " ");
		}
		if (t[i].progress_text)
			vb_col(vb, ROLE_NORMAL, TUI_MAX(vb_left(vb), 1), -1, t[i].progress_text);
	}
}

/* The panel's line of task i (tasks before it may have a second line). */
static size_t line_of(const struct tve_task_info *t, size_t i)
{
	size_t line = i;

	for (size_t j = 0; j < i; j++)
		line += has_progress_line(&t[j]);
	return line;
}

bool taskpanel_update(struct taskpanel *tp, struct tve_taskstore *ts, bool keep_cursor)
{
	unsigned long gen = tve_taskstore_generation(ts);
	struct tve_task_info *tasks = NULL;
	char *cur_id = NULL;
	size_t n;

	if (gen == tp->gen && tp->tasks)
		return false;
	n = tve_taskstore_recent(ts, PANEL_MAX_TASKS, &tasks);
	if (keep_cursor && vlist_key(&tp->ls, &tp->vb))
		cur_id = tve_xstrdup(vlist_key(&tp->ls, &tp->vb)->id);
	tve_task_info_array_free(tp->tasks, tp->n);
	tp->tasks = tasks;
	tp->n = n;
	tp->gen = gen;
	if (cur_id) {
		for (size_t i = 0; i < n; i++)
			if (tasks[i].id && !strcmp(tasks[i].id, cur_id))
				tp->ls.cursor = line_of(tasks, i);
		free(cur_id);
	} else {
		tp->ls.cursor = 0;
		tp->ls.top = 0;
	}
	return true;
}

void taskpanel_build(struct taskpanel *tp, int width, bool focused)
{
	vb_reset(&tp->vb, width);
	task_table(&tp->vb, tp->tasks, tp->n, true, focused ? ROLE_HEADER_FOCUS : ROLE_HEADER);
}

/* The cursor's line repeats the line above: a task's progress line. */
static bool on_second_line(const struct taskpanel *tp)
{
	size_t i = tp->vb.n_head + tp->ls.cursor;

	return tp->ls.cursor > 0 && i < tp->vb.n && tp->vb.lines[i].has_key &&
	       tp->vb.lines[i - 1].has_key && obj_eq(&tp->vb.lines[i].key, &tp->vb.lines[i - 1].key);
}

bool taskpanel_move(struct taskpanel *tp, int h, int delta)
{
	size_t old = tp->ls.cursor;

	vlist_move(&tp->ls, &tp->vb, h, true, delta);
	/* The cursor stays on the tasks' own rows. */
	if (on_second_line(tp) &&
	    !(delta > 0 && delta != INT_MAX && vlist_move(&tp->ls, &tp->vb, h, true, 1)))
		while (on_second_line(tp) && vlist_move(&tp->ls, &tp->vb, h, true, -1))
			;
	return tp->ls.cursor != old;
}

void taskpanel_draw(struct taskpanel *tp, WINDOW *w, int h, int width, bool focused)
{
	taskpanel_build(tp, width, focused);
	vlist_draw(w, 0, 0, h, width, &tp->vb, &tp->ls, focused ? VLIST_ACTIVE : VLIST_NONE);
}

void taskpanel_free(struct taskpanel *tp)
{
	tve_task_info_array_free(tp->tasks, tp->n);
	tp->tasks = NULL;
	tp->n = 0;
	vb_free(&tp->vb);
}
