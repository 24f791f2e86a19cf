/* taskpanel.c - the task log at the bottom, and task formatting. */
#include "taskpanel.h"

#include <ctype.h>
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

static void status_col(struct vbuf *vb, const struct tve_task_info *t, int w)
{
	char buf[256];

	switch (t->status) {
	case TVE_TASK_RUNNING:
		vb_col(vb, ROLE_TASK_RUNNING, w, -1, "running");
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
	}
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
	if (keep_cursor && tp->ls.cursor < tp->n)
		cur_id = tve_xstrdup(tp->tasks[tp->ls.cursor].id);
	tve_task_info_array_free(tp->tasks, tp->n);
	tp->tasks = tasks;
	tp->n = n;
	tp->gen = gen;
	if (cur_id) {
		for (size_t i = 0; i < n; i++)
			if (tasks[i].id && !strcmp(tasks[i].id, cur_id))
				tp->ls.cursor = i;
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
