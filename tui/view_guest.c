/* view_guest.c - a VM or container: Summary, Hardware, Task history. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "tui.h"

static bool running(const struct tve_guest *g)
{
	return g->state == TVE_STATE_RUNNING || g->state == TVE_STATE_BLOCKED;
}

static const struct tve_guest *guest_or_note(struct app *a, const struct obj_ref *o,
					     struct vbuf *vb)
{
	const struct tve_guest *g = app_guest(a, o);

	if (!g) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(this guest is gone)");
	}
	return g;
}

static void rate_field(struct vbuf *vb, const char *label, const char *a, double ra,
		       const char *b, double rb)
{
	char buf[128], x[32], y[32];

	if (ra < 0 && rb < 0)
		return;
	snprintf(buf, sizeof(buf), "%s %s/s, %s %s/s", a,
		 ra >= 0 ? tve_fmt_bytes(x, sizeof(x), (unsigned long long)ra) : "-", b,
		 rb >= 0 ? tve_fmt_bytes(y, sizeof(y), (unsigned long long)rb) : "-");
	vb_field(vb, label, ROLE_NORMAL, buf);
}

static void build_summary(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	const struct tve_guest *g = guest_or_note(a, o, vb);
	const struct tve_snapshot *s = app_snap(a, o->node);
	char buf[256], b1[32], b2[32];

	if (!g)
		return;
	vb_field(vb, "Name", ROLE_NORMAL, g->name);
	if (g->vmid > 0)
		snprintf(buf, sizeof(buf), "%d", g->vmid);
	else
		snprintf(buf, sizeof(buf), "- (none yet: press i to assign one)");
	vb_field(vb, "ID", ROLE_NORMAL, buf);
	snprintf(buf, sizeof(buf), "%s (%s%s%s)", g->type == TVE_GUEST_CT ? "CT, container" : "VM, virtual machine",
		 g->os_type ? g->os_type : "-", g->arch ? ", " : "", g->arch ? g->arch : "");
	vb_field(vb, "Type", ROLE_NORMAL, buf);
	if (s->state == TVE_NODE_ONLINE) {
		vb_field(vb, "Status", state_role(g->state), tve_guest_state_name(g->state));
	} else {
		/* The node cannot be asked: say what was last known, and that
		 * it is only that. */
		snprintf(buf, sizeof(buf), "unknown (last known: %s)", tve_guest_state_name(g->state));
		vb_field(vb, "Status", state_role(TVE_STATE_UNKNOWN), buf);
	}
	snprintf(buf, sizeof(buf), "%s%s", s->node,
		 s->state == TVE_NODE_ONLINE ? "" : s->state == TVE_NODE_OFFLINE ? " [offline]" : " [...]");
	vb_field(vb, "Node", ROLE_NORMAL, buf);

	vb_line(vb);
	vb_col(vb, ROLE_LABEL, 11, -1, "CPU");
	bool live = s->state == TVE_NODE_ONLINE && running(g);

	if (live && g->cpu_pct >= 0) {
		vb_bar(vb, field_bar_width(vb), g->cpu_pct / 100.0);
		vb_printf(vb, ROLE_NORMAL, "  of %u vCPU%s", g->vcpus, g->vcpus == 1 ? "" : "s");
	} else {
		vb_printf(vb, ROLE_NORMAL, "%u vCPU%s", g->vcpus, g->vcpus == 1 ? "" : "s");
	}
	if (live && g->mem_used_kib && g->mem_max_kib) {
		vb_usage(vb, "Memory", g->mem_used_kib * 1024ull, g->mem_max_kib * 1024ull);
	} else {
		int n = snprintf(buf, sizeof(buf), "%s max",
				 g->mem_max_kib ? fmt_kib(b1, sizeof(b1), g->mem_max_kib) : "-");

		if (live && g->mem_kib && g->mem_kib != g->mem_max_kib && n > 0)
			snprintf(buf + n, sizeof(buf) - (size_t)n, ", %s current",
				 fmt_kib(b2, sizeof(b2), g->mem_kib));
		vb_field(vb, "Memory", ROLE_NORMAL, buf);
	}
	vb_field(vb, "Uptime", ROLE_NORMAL,
		 live ? tve_fmt_uptime(buf, sizeof(buf), g->uptime_s) : NULL);
	if (live) {
		rate_field(vb, "Disk I/O", "read", g->disk_rd_bps, "write", g->disk_wr_bps);
		rate_field(vb, "Net I/O", "in", g->net_rx_bps, "out", g->net_tx_bps);
	}
	snprintf(buf, sizeof(buf), "%s%s", g->autostart ? "yes" : "no",
		 g->persistent ? "" : " (transient guest)");
	vb_field(vb, "Autostart", ROLE_NORMAL, buf);
	if (g->tags && *g->tags) {
		char *t = tve_xstrdup(g->tags);

		for (char *p = t; *p; p++)
			if (*p == ';')
				*p = ' ';
		vb_field(vb, "Tags", ROLE_NORMAL, t);
		free(t);
	} else {
		vb_field(vb, "Tags", ROLE_NORMAL, NULL);
	}
	vb_field(vb, "Notes", ROLE_NORMAL, g->notes);
	vb_field(vb, "UUID", ROLE_NORMAL, g->uuid);
}

static void build_hardware(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	const struct tve_guest *g = guest_or_note(a, o, vb);
	char buf[256], b1[32];
	int srcw;

	if (!g)
		return;
	snprintf(buf, sizeof(buf), "%u", g->vcpus);
	vb_field(vb, "vCPUs", ROLE_NORMAL, buf);
	vb_field(vb, "Memory", ROLE_NORMAL,
		 g->mem_max_kib ? fmt_kib(b1, sizeof(b1), g->mem_max_kib) : NULL);
	snprintf(buf, sizeof(buf), "%s%s%s", g->os_type ? g->os_type : "-", g->arch ? ", " : "",
		 g->arch ? g->arch : "");
	vb_field(vb, "Machine", ROLE_NORMAL, buf);

	vb_line(vb);
	vb_line(vb);
	vb_put(vb, ROLE_TREE_NODE, "Disks");
	srcw = TUI_MAX(vb->width - 8 - 8 - 8 - 10, 8);
	vb_line(vb);
	vb_col(vb, ROLE_LABEL, 8, -1, "Target");
	vb_col(vb, ROLE_LABEL, 8, -1, "Bus");
	vb_col(vb, ROLE_LABEL, srcw, -1, "Source");
	vb_col(vb, ROLE_LABEL, 8, -1, "Format");
	vb_col(vb, ROLE_LABEL, 10, 1, "Size");
	for (size_t i = 0; i < g->n_disks; i++) {
		const struct tve_disk *d = &g->disks[i];

		vb_line(vb);
		vb_col(vb, ROLE_NORMAL, 7, -1, d->target ? d->target : "-");
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 7, -1, d->bus ? d->bus : "-");
		vb_put(vb, ROLE_NORMAL, " ");
		snprintf(buf, sizeof(buf), "%s%s%s%s", d->device && strcmp(d->device, "disk") ? "[" : "",
			 d->device && strcmp(d->device, "disk") ? d->device : "",
			 d->device && strcmp(d->device, "disk") ? "] " : "", d->source ? d->source : "-");
		vb_col(vb, ROLE_NORMAL, srcw - 1, -1, buf);
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 8, -1, d->format ? d->format : "-");
		vb_col(vb, ROLE_NORMAL, 10, 1, d->capacity ? tve_fmt_bytes(b1, sizeof(b1), d->capacity) : "-");
	}
	if (!g->n_disks) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(no disks)");
	}

	vb_line(vb);
	vb_line(vb);
	vb_put(vb, ROLE_TREE_NODE, "Network");
	srcw = TUI_MAX(vb->width - 10 - 19, 8);
	vb_line(vb);
	vb_col(vb, ROLE_LABEL, 10, -1, "Model");
	vb_col(vb, ROLE_LABEL, 19, -1, "MAC");
	vb_col(vb, ROLE_LABEL, srcw, -1, "Source");
	for (size_t i = 0; i < g->n_nics; i++) {
		const struct tve_nic *n = &g->nics[i];

		vb_line(vb);
		vb_col(vb, ROLE_NORMAL, 9, -1, n->model ? n->model : "-");
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 18, -1, n->mac ? n->mac : "-");
		vb_put(vb, ROLE_NORMAL, " ");
		snprintf(buf, sizeof(buf), "%s (%s)", n->source ? n->source : "-", n->type ? n->type : "-");
		vb_col(vb, ROLE_NORMAL, srcw, -1, buf);
	}
	if (!g->n_nics) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(no network interfaces)");
	}
}

static int newest_first(const void *pa, const void *pb)
{
	const struct tve_task_info *a = pa, *b = pb;

	return (a->start < b->start) - (a->start > b->start);
}

static void build_tasks(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	const struct tve_guest *g = guest_or_note(a, o, vb);
	struct tve_task_info *t = NULL;
	char target[64];
	size_t n;

	if (!g)
		return;
	guest_task_target(g, target, sizeof(target));
	n = tve_taskstore_query(a->ts, app_snap(a, o->node)->node, target, 500, &t);
	if (g->vmid > 0 && g->name) {
		/* Tasks from before the guest had an ID name it instead. */
		struct tve_task_info *by_name = NULL;
		size_t m = tve_taskstore_query(a->ts, app_snap(a, o->node)->node, g->name, 500,
					       &by_name);

		if (m) {
			t = tve_xreallocarray(t, n + m, sizeof(*t));
			memcpy(t + n, by_name, m * sizeof(*t));
			n += m;
			qsort(t, n, sizeof(*t), newest_first);
		}
		free(by_name);	/* its strings now belong to t */
	}
	task_table(vb, t, n, false, ROLE_LABEL);
	tve_task_info_array_free(t, n);
}

static void title(struct app *a, const struct obj_ref *o, char *buf, size_t len)
{
	const struct tve_guest *g = app_guest(a, o);

	if (g)
		guest_label(g, buf, len);
	else
		snprintf(buf, len, "Guest");
}

static const struct view_tab tabs[] = {
	{ "Summary", TVE_DIFF_NODE | TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_STATE |
	  TVE_DIFF_GUEST_STATS | TVE_DIFF_GUEST_CONFIG, false, build_summary },
	{ "Hardware", TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_CONFIG, false, build_hardware },
	{ "Task history", DEP_TASKS | TVE_DIFF_GUEST_SET, true, build_tasks },
};

const struct view_kind view_guest = {
	.tabs = tabs,
	.n_tabs = TVE_ARRAY_SIZE(tabs),
	.title = title,
};
