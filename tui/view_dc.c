/* view_dc.c - Datacenter: Summary of all nodes, all guests, all storage. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "tui.h"

/* Running guests are counted on online nodes only: elsewhere their state is
 * only the last one known (the tree shows '?'), and those are *unknown. */
static void count_guests(const struct tve_snapshot *s, size_t *running, size_t *vms, size_t *cts,
			 size_t *unknown)
{
	bool live = s->state == TVE_NODE_ONLINE;

	for (size_t g = 0; g < s->n_guests; g++) {
		if (!live)
			(*unknown)++;
		else if (s->guests[g].state == TVE_STATE_RUNNING ||
			 s->guests[g].state == TVE_STATE_BLOCKED)
			(*running)++;
		if (s->guests[g].type == TVE_GUEST_CT)
			(*cts)++;
		else
			(*vms)++;
	}
}

/* Shared storage (NFS, Ceph...) is defined on every node that uses it:
 * count it once, under the first online node that has it. */
static bool counted_before(struct app *a, size_t node, const struct tve_pool *p)
{
	static const char *const shared[] = { "netfs", "rbd", "gluster", "iscsi", "iscsi-direct",
					      "sheepdog" };
	bool is_shared = false;

	for (size_t i = 0; p->type && i < TVE_ARRAY_SIZE(shared); i++)
		if (!strcmp(p->type, shared[i]))
			is_shared = true;
	if (!is_shared)
		return false;
	for (size_t i = 0; i < node; i++) {
		const struct tve_snapshot *s = app_snap(a, i);

		if (s->state != TVE_NODE_ONLINE)
			continue;
		for (size_t k = 0; k < s->n_pools; k++)
			if (s->pools[k].active && !strcmp(s->pools[k].name, p->name) &&
			    s->pools[k].type && !strcmp(s->pools[k].type, p->type))
				return true;
	}
	return false;
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
	size_t online = 0, running = 0, vms = 0, cts = 0, unknown = 0, cpus = 0;
	unsigned long long mem_total = 0, mem_used = 0, st_total = 0, st_used = 0;
	int namew = 4, memw, n;
	bool mem_unknown = false;
	char buf[160], b1[32];

	(void)o;
	for (size_t i = 0; i < a->n_nodes; i++) {
		const struct tve_snapshot *s = app_snap(a, i);

		count_guests(s, &running, &vms, &cts, &unknown);
		namew = TUI_MAX(namew, TUI_MIN(text_width(s->node), 16));
		/* Like CPU and memory, storage of nodes that cannot be asked
		 * is not counted: its figures are old. */
		if (s->state != TVE_NODE_ONLINE)
			continue;
		for (size_t p = 0; p < s->n_pools; p++) {
			if (!s->pools[p].active || counted_before(a, i, &s->pools[p]))
				continue;
			st_total += s->pools[p].capacity;
			st_used += s->pools[p].allocation;
		}
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
	n = snprintf(buf, sizeof(buf), "%zu running / %zu total (%zu VM, %zu CT)", running,
		     vms + cts, vms, cts);
	if (unknown && n > 0 && (size_t)n < sizeof(buf))
		snprintf(buf + n, sizeof(buf) - (size_t)n, "; %zu on nodes not online, state unknown",
			 unknown);
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

	/* Node 1+, State 10+1, Guests 9+1, CPUs 4+1, Memory: the rest, at
	 * least 15 ("57% of 64.0 GiB") while the name can give way. */
	namew = TUI_MAX(TUI_MIN(namew, vb->width - 27 - 15), 6);
	memw = TUI_MAX(vb->width - namew - 27, 4);
	vb_line(vb);
	vb_line(vb);
	vb_col(vb, ROLE_LABEL, namew + 1, -1, "Node");
	vb_col(vb, ROLE_LABEL, 11, -1, "State");
	vb_col(vb, ROLE_LABEL, 10, -1, "Guests");
	vb_col(vb, ROLE_LABEL, 4, 1, "CPUs");
	vb_put(vb, ROLE_LABEL, " ");
	vb_col(vb, ROLE_LABEL, memw, -1, "Memory");
	for (size_t i = 0; i < a->n_nodes; i++) {
		const struct tve_snapshot *s = app_snap(a, i);
		size_t r = 0, v = 0, c = 0, u = 0;
		const struct tve_node_facts *f = &s->facts;
		bool live = s->state == TVE_NODE_ONLINE;

		count_guests(s, &r, &v, &c, &u);
		vb_line(vb);
		vb_key(vb, OBJ_NODE, i, NULL);
		vb_col(vb, ROLE_NORMAL, namew, -1, s->node);
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, node_role(s), 10, -1, tve_node_state_name(s->state));
		vb_put(vb, ROLE_NORMAL, " ");
		if (live)
			snprintf(buf, sizeof(buf), "%zu/%zu", r, v + c);
		else
			snprintf(buf, sizeof(buf), "?/%zu", v + c);
		vb_col(vb, ROLE_NORMAL, 10, -1, buf);
		if (s->has_facts)
			snprintf(buf, sizeof(buf), "%u", f->cpus);
		else
			snprintf(buf, sizeof(buf), "-");
		vb_col(vb, ROLE_NORMAL, 4, 1, buf);
		vb_put(vb, ROLE_NORMAL, " ");
		buf[0] = '\0';
		if (live && s->has_facts && f->mem_total_kib && f->mem_free_kib) {
			double pct = 100.0 * frac_of(f->mem_total_kib - f->mem_free_kib, f->mem_total_kib);

			snprintf(buf, sizeof(buf), "%.0f%% of %s", pct,
				 fmt_kib(b1, sizeof(b1), f->mem_total_kib));
			if (text_width(buf) > memw)
				snprintf(buf, sizeof(buf), "%.0f%%", pct);
		} else if (s->has_facts && f->mem_total_kib) {
			/* The size only: a usage from before a disconnect is old. */
			snprintf(buf, sizeof(buf), "%s", fmt_kib(b1, sizeof(b1), f->mem_total_kib));
		}
		vb_col(vb, ROLE_NORMAL, memw, -1, buf[0] ? buf : "-");
	}
}

static void build_guests(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	(void)o;
	guests_table(a, vb, -1);
}

/* Every pool of every node: node, name, type, state, usage bar, free
 * space; Enter opens the pool.  On a node that is not online the state is
 * unknown ('?') and the figures are the last ones read. */
static void build_storage(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	bool wide = vb->width >= 64;
	int nodew = 4, typew = 8, statew = wide ? 9 : 2, barw = vb->width >= 72 ? 18 : 15;
	int availw = 9, namew;
	size_t total = 0;
	char buf[64];

	(void)o;
	for (size_t i = 0; i < a->n_nodes; i++)
		nodew = TUI_MAX(nodew, TUI_MIN(text_width(app_snap(a, i)->node), 10));
	namew = TUI_MAX(vb->width - (nodew + 1) - typew - statew - (barw + 1) - availw, 6);
	vb_line(vb);
	vb_col(vb, ROLE_LABEL, nodew + 1, -1, "Node");
	vb_col(vb, ROLE_LABEL, namew, -1, "Name");
	vb_col(vb, ROLE_LABEL, typew, -1, "Type");
	vb_col(vb, ROLE_LABEL, statew, -1, wide ? "State" : "S");
	vb_col(vb, ROLE_LABEL, barw + 1, -1, "Usage");
	vb_col(vb, ROLE_LABEL, availw, 1, "Avail");
	vb_sticky(vb);
	for (size_t i = 0; i < a->n_nodes; i++) {
		const struct tve_snapshot *s = app_snap(a, i);
		bool live = s->state == TVE_NODE_ONLINE;

		for (size_t k = 0; k < s->n_pools; k++) {
			const struct tve_pool *p = &s->pools[k];
			const char *word = !live ? "unknown" : p->active ? "active" : "inactive";
			enum role role = !live ? ROLE_NODE_CONNECTING
					 : p->active ? ROLE_NORMAL : ROLE_STATE_PAUSED;
			int col = nodew + 1 + namew + typew + statew;

			vb_line(vb);
			vb_key(vb, OBJ_POOL, i, p->name);
			vb_col(vb, ROLE_NORMAL, nodew, -1, s->node);
			vb_put(vb, ROLE_NORMAL, " ");
			vb_col(vb, ROLE_NORMAL, namew - 1, -1, p->name);
			vb_put(vb, ROLE_NORMAL, " ");
			vb_col(vb, ROLE_NORMAL, typew - 1, -1, p->type ? p->type : "-");
			vb_put(vb, ROLE_NORMAL, " ");
			snprintf(buf, sizeof(buf), "%c", !live ? '?' : p->active ? 'A' : 'I');
			vb_col(vb, role, statew - 1, -1, wide ? word : buf);
			vb_put(vb, ROLE_NORMAL, " ");
			vb_bar(vb, barw, live && p->active && p->capacity
				       ? frac_of(p->allocation, p->capacity) : -1);
			vb_pad(vb, col + barw + 1);
			vb_col(vb, ROLE_NORMAL, availw, 1,
			       p->active && p->capacity ? tve_fmt_bytes(buf, sizeof(buf), p->available)
							: "-");
			total++;
		}
	}
	if (!total) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(no storage pools)");
	} else if (!wide) {
		vb_line(vb);
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "S: A active, I inactive, ? node not online");
	}
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
	{ "Storage", TVE_DIFF_NODE | TVE_DIFF_POOLS, true, build_storage },
};

const struct view_kind view_dc = {
	.tabs = tabs,
	.n_tabs = TVE_ARRAY_SIZE(tabs),
	.title = title,
};
