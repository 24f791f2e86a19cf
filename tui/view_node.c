/* view_node.c - a node: Summary, Guests, Storage, Network, Tasks. */
#include <stdio.h>
#include <stdlib.h>

#include "app.h"
#include "draw.h"
#include "tui.h"

static void build_summary(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	const struct tve_snapshot *s = app_snap(a, o->node);
	const struct tve_node_facts *f = &s->facts;
	size_t running = 0;
	char buf[512], b1[64], b2[64];
	enum role role = s->state == TVE_NODE_ONLINE ? ROLE_NODE_ONLINE
			 : s->state == TVE_NODE_OFFLINE ? ROLE_NODE_OFFLINE : ROLE_NODE_CONNECTING;

	vb_field(vb, "Node", ROLE_TREE_NODE, s->node);
	if (s->state_since)
		snprintf(buf, sizeof(buf), "%s since %s%s", tve_node_state_name(s->state),
			 fmt_time(b1, sizeof(b1), s->state_since), s->stale ? " (data is stale)" : "");
	else
		snprintf(buf, sizeof(buf), "%s", tve_node_state_name(s->state));
	vb_field(vb, "State", role, buf);
	if (s->error)
		vb_field(vb, "Error", ROLE_TASK_ERROR, s->error);
	if (s->need == TVE_NEED_HOSTKEY || s->need == TVE_NEED_HOSTKEY_CHANGED) {
		snprintf(buf, sizeof(buf), "%s %s%s", s->hostkey_type ? s->hostkey_type : "",
			 s->hostkey_fp ? s->hostkey_fp : "?",
			 s->need == TVE_NEED_HOSTKEY ? " (not trusted yet: R asks)" : " (offered)");
		vb_field(vb, "Host key", ROLE_TASK_ERROR, buf);
		if (s->need == TVE_NEED_HOSTKEY_CHANGED)
			vb_field(vb, "Known key", ROLE_NORMAL,
				 s->hostkey_known_fp ? s->hostkey_known_fp : "another key");
	} else if (s->need == TVE_NEED_PASSPHRASE) {
		vb_field(vb, "Key file", ROLE_TASK_ERROR, "needs its passphrase (R asks)");
	}
	if (s->ssh)
		vb_field(vb, "SSH", ROLE_NORMAL, s->ssh);
	vb_field(vb, "URI", ROLE_NORMAL, s->uri);
	vb_field(vb, "Hostname", ROLE_NORMAL, s->has_facts ? f->hostname : NULL);
	if (s->has_facts && f->cpus) {
		int n = snprintf(buf, sizeof(buf), "%u x %s", f->cpus, f->cpu_model ? f->cpu_model : "CPU");

		if (f->mhz && n > 0 && (size_t)n < sizeof(buf))
			snprintf(buf + n, sizeof(buf) - (size_t)n, " @ %u MHz", f->mhz);
		vb_field(vb, "CPU", ROLE_NORMAL, buf);
		snprintf(buf, sizeof(buf), "%u socket%s, %u core%s, %u thread%s", f->sockets,
			 f->sockets == 1 ? "" : "s", f->cores, f->cores == 1 ? "" : "s", f->threads,
			 f->threads == 1 ? "" : "s");
		vb_field(vb, "Topology", ROLE_NORMAL, buf);
	} else {
		vb_field(vb, "CPU", ROLE_NORMAL, NULL);
	}
	if (s->has_facts && f->mem_total_kib && f->mem_free_kib) {
		vb_usage(vb, "Memory", (f->mem_total_kib - f->mem_free_kib) * 1024ull,
			 f->mem_total_kib * 1024ull);
	} else if (s->has_facts && f->mem_total_kib) {
		snprintf(buf, sizeof(buf), "%s (usage unknown)", fmt_kib(b1, sizeof(b1), f->mem_total_kib));
		vb_field(vb, "Memory", ROLE_NORMAL, buf);
	} else {
		vb_field(vb, "Memory", ROLE_NORMAL, NULL);
	}
	vb_field(vb, "Uptime", ROLE_NORMAL,
		 s->has_facts ? tve_fmt_uptime(buf, sizeof(buf), f->uptime_s) : NULL);
	if (s->has_facts && f->load[0] >= 0)
		snprintf(buf, sizeof(buf), "%.2f %.2f %.2f", f->load[0], f->load[1], f->load[2]);
	else
		snprintf(buf, sizeof(buf), "-");
	vb_field(vb, "Load", ROLE_NORMAL, buf);
	snprintf(buf, sizeof(buf), "libvirt %s, %s %s",
		 s->has_facts && f->libvirt_version ? f->libvirt_version : "-",
		 s->has_facts && f->hv_type ? f->hv_type : "hypervisor",
		 s->has_facts && f->hv_version ? f->hv_version : "-");
	vb_field(vb, "Versions", ROLE_NORMAL, s->has_facts ? buf : NULL);
	vb_field(vb, "OS", ROLE_NORMAL, s->has_facts ? f->os_name : NULL);
	vb_field(vb, "Kernel", ROLE_NORMAL, s->has_facts ? f->kernel : NULL);
	if (s->has_facts && f->rootfs_total_kib)
		vb_usage(vb, "Root FS", f->rootfs_used_kib * 1024ull, f->rootfs_total_kib * 1024ull);
	else
		vb_field(vb, "Root FS", ROLE_NORMAL, NULL);
	for (size_t g = 0; g < s->n_guests; g++)
		if (s->guests[g].state == TVE_STATE_RUNNING || s->guests[g].state == TVE_STATE_BLOCKED)
			running++;
	if (s->state == TVE_NODE_ONLINE)
		snprintf(buf, sizeof(buf), "%zu running / %zu total", running, s->n_guests);
	else	/* what ran when the node was last seen is not what runs now */
		snprintf(buf, sizeof(buf), "%zu total, state unknown", s->n_guests);
	vb_field(vb, "Guests", ROLE_NORMAL, buf);
	snprintf(buf, sizeof(buf), "%zu pool%s, %zu network%s", s->n_pools, s->n_pools == 1 ? "" : "s",
		 s->n_networks, s->n_networks == 1 ? "" : "s");
	vb_field(vb, "Resources", ROLE_NORMAL, buf);
	/* When the data was read matters only once it stops being fresh; shown
	 * always it would be a clock. */
	if (s->stale || s->state != TVE_NODE_ONLINE)
		vb_field(vb, "Data from", ROLE_NODE_CONNECTING,
			 s->updated ? fmt_time(b2, sizeof(b2), s->updated) : "never");
}

static void build_guests(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	guests_table(a, vb, (long)o->node);
}

static void build_storage(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	pools_table(a, vb, o->node);
}

static void build_network(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	const struct tve_snapshot *s = app_snap(a, o->node);
	int namew = TUI_MAX(vb->width - 8 - 10 - 12 - 10, 8);

	vb_line(vb);
	vb_col(vb, ROLE_LABEL, namew, -1, "Name");
	vb_col(vb, ROLE_LABEL, 8, -1, "Active");
	vb_col(vb, ROLE_LABEL, 10, -1, "Autostart");
	vb_col(vb, ROLE_LABEL, 12, -1, "Bridge");
	vb_col(vb, ROLE_LABEL, 10, -1, "Forward");
	vb_sticky(vb);
	for (size_t i = 0; i < s->n_networks; i++) {
		const struct tve_network *n = &s->networks[i];

		vb_line(vb);
		vb_col(vb, ROLE_NORMAL, namew - 1, -1, n->name);
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 8, -1, n->active ? "yes" : "no");
		vb_col(vb, ROLE_NORMAL, 10, -1, n->autostart ? "yes" : "no");
		vb_col(vb, ROLE_NORMAL, 11, -1, n->bridge ? n->bridge : "-");
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 10, -1, n->forward ? n->forward : "isolated");
	}
	if (!s->n_networks) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(no networks)");
	}
}

static void build_tasks(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	struct tve_task_info *t = NULL;
	size_t n = tve_taskstore_query(a->ts, app_snap(a, o->node)->node, NULL, 500, &t);

	task_table(vb, t, n, false, ROLE_LABEL);
	tve_task_info_array_free(t, n);
}

static void title(struct app *a, const struct obj_ref *o, char *buf, size_t len)
{
	snprintf(buf, len, "Node %s", app_snap(a, o->node)->node);
}

static const struct view_tab tabs[] = {
	{ "Summary", TVE_DIFF_NODE | TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_STATE | TVE_DIFF_POOLS |
	  TVE_DIFF_NETWORKS, false, build_summary },
	{ "Guests", TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_STATE | TVE_DIFF_GUEST_STATS |
	  TVE_DIFF_GUEST_CONFIG, true, build_guests },
	{ "Storage", TVE_DIFF_POOLS, true, build_storage },
	{ "Network", TVE_DIFF_NETWORKS, false, build_network },
	{ "Tasks", DEP_TASKS, true, build_tasks },
};

const struct view_kind view_node = {
	.tabs = tabs,
	.n_tabs = TVE_ARRAY_SIZE(tabs),
	.title = title,
};
