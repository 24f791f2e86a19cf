/* view_dc.c - Datacenter: Summary of all nodes, and all guests. */
#include <stdio.h>

#include "app.h"
#include "draw.h"
#include "tui.h"

static void count_guests(const struct tve_snapshot *s, size_t *running, size_t *vms, size_t *cts)
{
	for (size_t g = 0; g < s->n_guests; g++) {
		if (s->guests[g].state == TVE_STATE_RUNNING || s->guests[g].state == TVE_STATE_BLOCKED)
			(*running)++;
		if (s->guests[g].type == TVE_GUEST_CT)
			(*cts)++;
		else
			(*vms)++;
	}
}

static enum role node_role(const struct tve_snapshot *s)
{
	switch (s->state) {
	case TVE_NODE_ONLINE:
		return s->stale ? ROLE_NODE_CONNECTING : ROLE_NODE_ONLINE;
	case TVE_NODE_OFFLINE:
		return ROLE_NODE_OFFLINE;
	case TVE_NODE_CONNECTING:
		break;
	}
	return ROLE_NODE_CONNECTING;
}

static void build_summary(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	size_t online = 0, running = 0, vms = 0, cts = 0, cpus = 0;
	unsigned long long mem_total = 0, mem_used = 0, st_total = 0, st_used = 0;
	int namew = 10, memw;
	bool mem_unknown = false;
	char buf[128], b1[32];

	(void)o;
	for (size_t i = 0; i < a->n_nodes; i++) {
		const struct tve_snapshot *s = app_snap(a, i);

		count_guests(s, &running, &vms, &cts);
		for (size_t p = 0; p < s->n_pools; p++) {
			if (!s->pools[p].active)
				continue;
			st_total += s->pools[p].capacity;
			st_used += s->pools[p].allocation;
		}
		namew = TUI_MAX(namew, TUI_MIN(text_width(s->node) + 1, 16));
		if (s->state != TVE_NODE_ONLINE)
			continue;
		online++;
		if (!s->has_facts)
			continue;
		cpus += s->facts.cpus;
		mem_total += s->facts.mem_total_kib * 1024ull;
		if (s->facts.mem_free_kib)
			mem_used += (s->facts.mem_total_kib - s->facts.mem_free_kib) * 1024ull;
		else
			mem_unknown = true;
	}
	snprintf(buf, sizeof(buf), "%zu, %zu online", a->n_nodes, online);
	vb_field(vb, "Nodes", ROLE_NORMAL, buf);
	snprintf(buf, sizeof(buf), "%zu running / %zu total (%zu VM, %zu CT)", running,
		 vms + cts, vms, cts);
	vb_field(vb, "Guests", ROLE_NORMAL, buf);
	snprintf(buf, sizeof(buf), "%zu logical CPUs on online nodes", cpus);
	vb_field(vb, "CPU", ROLE_NORMAL, cpus ? buf : "-");
	if (mem_unknown && mem_total) {
		snprintf(buf, sizeof(buf), "%s total (usage unknown)",
			 tve_fmt_bytes(b1, sizeof(b1), mem_total));
		vb_field(vb, "Memory", ROLE_NORMAL, buf);
	} else {
		vb_usage(vb, "Memory", mem_used, mem_total);
	}
	vb_usage(vb, "Storage", st_used, st_total);

	vb_line(vb);
	vb_line(vb);
	memw = TUI_MAX(vb->width - namew - 11 - 10 - 6, 8);
	vb_col(vb, ROLE_LABEL, namew, -1, "Node");
	vb_col(vb, ROLE_LABEL, 11, -1, "State");
	vb_col(vb, ROLE_LABEL, 10, -1, "Guests");
	vb_col(vb, ROLE_LABEL, 6, 1, "CPUs");
	vb_put(vb, ROLE_LABEL, " ");
	vb_col(vb, ROLE_LABEL, memw - 1, -1, "Memory");
	for (size_t i = 0; i < a->n_nodes; i++) {
		const struct tve_snapshot *s = app_snap(a, i);
		size_t r = 0, v = 0, c = 0;
		const struct tve_node_facts *f = &s->facts;

		count_guests(s, &r, &v, &c);
		vb_line(vb);
		vb_key(vb, OBJ_NODE, i, NULL);
		vb_col(vb, ROLE_NORMAL, namew, -1, s->node);
		snprintf(buf, sizeof(buf), "%s%s", tve_node_state_name(s->state),
			 s->stale ? " (stale)" : "");
		vb_col(vb, node_role(s), 11, -1, buf);
		snprintf(buf, sizeof(buf), "%zu/%zu", r, v + c);
		vb_col(vb, ROLE_NORMAL, 10, -1, buf);
		if (s->has_facts)
			snprintf(buf, sizeof(buf), "%u", f->cpus);
		else
			snprintf(buf, sizeof(buf), "-");
		vb_col(vb, ROLE_NORMAL, 6, 1, buf);
		vb_put(vb, ROLE_NORMAL, " ");
		if (s->has_facts && f->mem_total_kib && f->mem_free_kib)
			snprintf(buf, sizeof(buf), "%.0f%% of %s",
				 100.0 * frac_of(f->mem_total_kib - f->mem_free_kib, f->mem_total_kib),
				 fmt_kib(b1, sizeof(b1), f->mem_total_kib));
		else if (s->has_facts && f->mem_total_kib)
			snprintf(buf, sizeof(buf), "%s", fmt_kib(b1, sizeof(b1), f->mem_total_kib));
		else
			snprintf(buf, sizeof(buf), "-");
		vb_col(vb, ROLE_NORMAL, memw - 1, -1, buf);
	}
}

static void build_guests(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	(void)o;
	guests_table(a, vb, -1);
}

static void title(struct app *a, const struct obj_ref *o, char *buf, size_t len)
{
	(void)a;
	(void)o;
	snprintf(buf, len, "Datacenter");
}

static const struct view_tab tabs[] = {
	{ "Summary", TVE_DIFF_NODE | TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_STATE | TVE_DIFF_POOLS,
	  false, build_summary },
	{ "Guests", TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_STATE | TVE_DIFF_GUEST_STATS |
	  TVE_DIFF_GUEST_CONFIG, true, build_guests },
};

const struct view_kind view_dc = {
	.tabs = tabs,
	.n_tabs = TVE_ARRAY_SIZE(tabs),
	.title = title,
};
