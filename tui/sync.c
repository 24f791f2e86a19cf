/* sync.c - the UI's copy of the model: snapshots and tasks taken from the
 * backend when it wakes us, and what each change makes dirty. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "nodes.h"
#include "tui.h"

const struct tve_snapshot *app_snap(struct app *a, size_t node)
{
	return a->snap[node < a->n_nodes ? node : 0];
}

const struct tve_guest *app_guest(struct app *a, const struct obj_ref *o)
{
	if (o->kind != OBJ_GUEST || o->node >= a->n_nodes)
		return NULL;
	return tve_snapshot_find_guest(a->snap[o->node], o->id);
}

const struct tve_pool *app_pool(struct app *a, const struct obj_ref *o)
{
	if (o->kind != OBJ_POOL || o->node >= a->n_nodes)
		return NULL;
	return tve_snapshot_find_pool(a->snap[o->node], o->id);
}

void guest_label(const struct tve_guest *g, char *buf, size_t len)
{
	const char *type = tve_guest_type_name(g->type);

	if (g->vmid > 0)
		snprintf(buf, len, "%s %d (%s)", type, g->vmid, g->name ? g->name : "?");
	else
		snprintf(buf, len, "%s %s", type, g->name ? g->name : "?");
}

void guest_task_target(const struct tve_guest *g, char *buf, size_t len)
{
	if (g->vmid > 0)
		snprintf(buf, len, "%d", g->vmid);
	else
		snprintf(buf, len, "%s", g->name ? g->name : "");
}

/* Header of a task log viewer; the id follows the struct. */
struct logview {
	size_t n_lines;
	enum tve_task_status status;
	char id[];
};

static bool log_title(struct app *a, const char *id, char *buf, size_t len, struct tve_task_info *info)
{
	char desc[160];

	if (tve_taskstore_info(a->ts, id, info) < 0)
		return false;
	task_describe(info, desc, sizeof(desc));
	snprintf(buf, len, "Task log: %s on %s - %s", desc, info->node ? info->node : "-",
		 info->status == TVE_TASK_RUNNING ? "running"
		 : info->status == TVE_TASK_OK ? "OK" : "error");
	return true;
}

void app_open_task_log(struct app *a, const char *id)
{
	struct tve_task_info info;
	struct logview *lv;
	struct dialog *d;
	char title[256];

	memset(&info, 0, sizeof(info));
	if (!log_title(a, id, title, sizeof(title), &info)) {
		app_msg(a, true, "That task is no longer kept");
		return;
	}
	/* The backend ends each finished log with "TASK OK" / "TASK ERROR: ...". */
	d = dialog_viewer(title, tve_taskstore_log(a->ts, id), info.status == TVE_TASK_RUNNING);
	lv = tve_xmalloc(sizeof(*lv) + strlen(id) + 1);
	lv->n_lines = info.n_lines;
	lv->status = info.status;
	strcpy(lv->id, id);
	dialog_set_data(d, DIALOG_TASKLOG, lv);
	tve_task_info_free(&info);
	app_push_dialog(a, d);
}

static void update_logviews(struct app *a)
{
	for (size_t i = 0; i < a->n_dlg; i++) {
		struct logview *lv = dialog_data(a->dlg[i]);
		struct tve_task_info info;
		char title[256];

		if (dialog_tag(a->dlg[i]) != DIALOG_TASKLOG)
			continue;
		memset(&info, 0, sizeof(info));
		if (!log_title(a, lv->id, title, sizeof(title), &info))
			continue;
		if (info.n_lines != lv->n_lines || info.status != lv->status) {
			lv->n_lines = info.n_lines;
			lv->status = info.status;
			dialog_viewer_set(a->dlg[i], title, tve_taskstore_log(a->ts, lv->id));
			a->dirty |= DIRTY_DIALOG;
		}
		tve_task_info_free(&info);
	}
}

void app_poll_tasks(struct app *a)
{
	if (!taskpanel_update(&a->tp, a->ts, a->focus == PANE_TASKS))
		return;
	a->dirty |= DIRTY_TASKS | DIRTY_TOP;
	if (content_tab(&a->content)->deps & DEP_TASKS) {
		a->content.stale = true;
		a->dirty |= DIRTY_CONTENT;
	}
	update_logviews(a);
}

void app_select(struct app *a, const struct obj_ref *o)
{
	int width = a->lay.tree_w - 1;

	if (!tree_select(&a->tree, a, o, width) && a->tree.filter[0]) {
		a->tree.filter[0] = '\0';
		tree_select(&a->tree, a, o, width);
	}
	a->dirty |= DIRTY_TREE | DIRTY_CONTENT | DIRTY_STATUS;
}

/* What a node's new snapshot makes dirty. */
static void mark_changes(struct app *a, size_t node, unsigned d, const struct tve_snapshot *old,
			 const struct tve_snapshot *cur)
{
	const struct obj_ref *o = &a->content.obj;
	unsigned rel = 0;

	if (d & TVE_DIFF_NODE)
		a->dirty |= DIRTY_TOP;
	if (d & (TVE_DIFF_NODE | TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_STATE | TVE_DIFF_POOLS) ||
	    (a->tree.filter[0] && (d & TVE_DIFF_GUEST_CONFIG))) {
		a->tree_stale = true;
		a->dirty |= DIRTY_TREE;
	}
	if (o->kind == OBJ_DC) {
		rel = d;
	} else if (o->node == node && o->kind != OBJ_GUEST) {
		rel = d;
	} else if (o->node == node) {
		const struct tve_guest *og = old ? tve_snapshot_find_guest(old, o->id) : NULL;
		const struct tve_guest *ng = tve_snapshot_find_guest(cur, o->id);

		rel = d & TVE_DIFF_NODE;
		if (og && ng)
			rel |= tve_guest_diff(og, ng);
		else if (og || ng)
			rel |= ~0u;
	}
	if (rel & content_tab(&a->content)->deps) {
		a->content.stale = true;
		a->dirty |= DIRTY_CONTENT;
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool str_eq(const char *x, const char *y)
{
	return x == y || (x && y && strcmp(x, y) == 0);
}

/* True when all cur brings over old is numbers: CPU, memory, rates, load,
 * uptime, pool usage.  States, the guest list, configuration, pools
 * appearing or stopping, volumes, networks are news. */
static bool numbers_only(const struct tve_snapshot *old, const struct tve_snapshot *cur, unsigned d)
{
	if (!old || (d & ~(unsigned)(TVE_DIFF_GUEST_STATS | TVE_DIFF_NODE | TVE_DIFF_POOLS)))
		return false;
	if (old->state != cur->state || old->stale != cur->stale || old->need != cur->need ||
	    old->has_facts != cur->has_facts || !str_eq(old->error, cur->error) ||
	    old->n_pools != cur->n_pools)
		return false;
	for (size_t i = 0; i < old->n_pools; i++) {
		const struct tve_pool *p = &old->pools[i], *q = &cur->pools[i];

		if (!str_eq(p->name, q->name) || p->active != q->active ||
		    p->autostart != q->autostart || p->n_volumes != q->n_volumes)
			return false;
	}
	return true;
}

/* Nodes added while running (Add Node) join the tree. */
static void grow_nodes(struct app *a)
{
	size_t n = tve_backend_node_count(a->b);

	if (n <= a->n_nodes)
		return;
	a->snap = tve_xreallocarray(a->snap, n, sizeof(*a->snap));
	for (size_t i = a->n_nodes; i < n; i++)
		a->snap[i] = NULL;	/* taken below: everything is news */
	tree_grow(&a->tree, n);
	a->n_nodes = n;
	a->tree_stale = true;
	a->dirty |= DIRTY_ALL;
}

int app_sync_timeout(struct app *a)
{
	long long left;

	if (!a->stats_held)
		return -1;
	left = a->stats_ms + LOW_BW_STATS_S * 1000 - now_ms();
	return left > 0 ? (int)TUI_MIN(left, 60000LL) : 0;
}

void app_sync(struct app *a)
{
	long long now = now_ms();
	bool numbers_due = !a->stats_ms || now - a->stats_ms >= LOW_BW_STATS_S * 1000;
	bool took_numbers = false;

	a->stats_held = false;
	grow_nodes(a);
	for (size_t i = 0; i < a->n_nodes; i++) {
		struct tve_snapshot *s = tve_backend_snapshot(a->b, i);
		struct tve_snapshot *old = a->snap[i];
		unsigned d;

		if (s == old || (old && s->generation == old->generation)) {
			tve_snapshot_unref(s);
			continue;
		}
		d = tve_snapshot_diff(old, s);
		if (a->low_bw && d && !numbers_due && numbers_only(old, s, d)) {
			/* Kept in the backend: the next turn after the deadline
			 * takes the latest. */
			a->stats_held = true;
			tve_snapshot_unref(s);
			continue;
		}
		if (d)
			took_numbers = true;
		a->snap[i] = s;
		if (d)
			mark_changes(a, i, d, old, s);
		tve_snapshot_unref(old);
	}
	if (took_numbers && a->low_bw)
		a->stats_ms = now;
	app_poll_tasks(a);
	node_prompts(a);
}
