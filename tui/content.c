/* content.c - the right pane: tab row, scrolling, and shared tables. */
#include "content.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "storage.h"
#include "tui.h"

static const struct view_kind *content_kind(const struct content *c)
{
	switch (c->obj.kind) {
	case OBJ_NODE:
		return &view_node;
	case OBJ_GUEST:
		return &view_guest;
	case OBJ_POOL:
		return &view_pool;
	default:
		return &view_dc;
	}
}

const struct view_tab *content_tab(const struct content *c)
{
	const struct view_kind *k = content_kind(c);
	int t = c->tab[c->obj.kind];

	if (t < 0 || (size_t)t >= k->n_tabs)
		t = 0;
	return &k->tabs[t];
}

void content_show(struct content *c, const struct obj_ref *o)
{
	if (obj_eq(&c->obj, o))
		return;
	c->obj = *o;
	c->ls.cursor = 0;
	c->ls.top = 0;
	c->stale = true;
}

const struct obj_ref *content_cursor(const struct content *c)
{
	if (!content_tab(c)->cursor || c->stale)
		return NULL;
	return vlist_key(&c->ls, &c->vb);
}

static int tabs_width(const struct view_kind *k)
{
	int w = 0;

	for (size_t i = 0; i < k->n_tabs; i++)
		w += text_width(k->tabs[i].name);
	return w;
}

static void draw_tabs(struct content *c, struct app *a, WINDOW *w, int width, bool focused)
{
	const struct view_kind *k = content_kind(c);
	const struct view_tab *cur = content_tab(c);
	int hattr = theme_attr(focused ? ROLE_HEADER_FOCUS : ROLE_HEADER);
	int active = theme_mono() ? (int)(hattr | A_BOLD) : theme_attr(ROLE_TAB_ACTIVE);
	char title[256];
	struct pen p;
	int tw;

	pen_start(&p, w, 0, 0, width);
	pen_text(&p, hattr, " ");
	for (size_t i = 0; i < k->n_tabs; i++) {
		bool on = &k->tabs[i] == cur;

		pen_text(&p, on ? active : hattr, on ? "[" : " ");
		pen_text(&p, on ? active : hattr, k->tabs[i].name);
		pen_text(&p, on ? active : hattr, on ? "]" : " ");
	}
	pen_fill(&p, hattr, width);
	/* The object's name at the right, if it fits beside the tabs. */
	k->title(a, &c->obj, title, sizeof(title));
	tw = text_width(title);
	if (width - tw - 1 > 1 + (int)k->n_tabs * 2 + tabs_width(k)) {
		pen_start(&p, w, 0, width - tw - 1, width);
		pen_text(&p, hattr, title);
	}
}

void content_build(struct content *c, struct app *a, int width)
{
	const struct obj_ref *k;
	struct obj_ref key;
	bool had;

	if (!c->stale && c->vb.width == width - 1)
		return;
	k = vlist_key(&c->ls, &c->vb);
	had = k != NULL && !c->stale;
	if (k)
		key = *k;
	vb_reset(&c->vb, width - 1);
	content_tab(c)->build(a, &c->obj, &c->vb);
	if (!had || !vlist_find(&c->ls, &c->vb, &key))
		vlist_clamp(&c->ls, &c->vb);
	c->stale = false;
}

void content_draw(struct content *c, struct app *a, WINDOW *w, int h, int width, bool focused)
{
	draw_tabs(c, a, w, width, focused);
	content_build(c, a, width);
	wattrset(w, theme_attr(ROLE_NORMAL));
	mvwvline(w, 1, 0, ' ', h - 1);	/* the left margin */
	vlist_draw(w, 1, 1, h - 1, width - 1, &c->vb, &c->ls,
		   content_tab(c)->cursor && focused ? VLIST_ACTIVE : VLIST_NONE);
}

bool content_cmd(struct content *c, struct app *a, enum cmd cmd, int arg, int h)
{
	const struct view_kind *k = content_kind(c);
	const struct view_tab *tab = content_tab(c);
	int *t = &c->tab[c->obj.kind];
	int body = h - 1, page = TUI_MAX(body - (int)c->vb.n_head - 1, 1);
	const struct obj_ref *o;
	int nt = *t;

	switch (cmd) {
	case CMD_UP:
		return vlist_move(&c->ls, &c->vb, body, tab->cursor, -1);
	case CMD_DOWN:
		return vlist_move(&c->ls, &c->vb, body, tab->cursor, 1);
	case CMD_PAGE_UP:
		return vlist_move(&c->ls, &c->vb, body, tab->cursor, -page);
	case CMD_PAGE_DOWN:
		return vlist_move(&c->ls, &c->vb, body, tab->cursor, page);
	case CMD_HOME:
		return vlist_move(&c->ls, &c->vb, body, tab->cursor, INT_MIN);
	case CMD_END:
		return vlist_move(&c->ls, &c->vb, body, tab->cursor, INT_MAX);
	case CMD_TAB_PREV:
		nt = (*t + (int)k->n_tabs - 1) % (int)k->n_tabs;
		break;
	case CMD_TAB_NEXT:
		nt = (*t + 1) % (int)k->n_tabs;
		break;
	case CMD_TAB_GOTO:
		if (arg >= (int)k->n_tabs)
			return false;
		nt = arg;
		break;
	case CMD_OPEN:
		o = content_cursor(c);
		if (!o)
			return false;
		if (o->kind == OBJ_TASK)
			app_open_task_log(a, o->id);
		else if (o->kind == OBJ_VOLUME)
			action_menu(a);	/* what can be done to the volume */
		else
			app_select(a, o);
		return true;
	case CMD_CONTENT_VIEW:
	case CMD_CONTENT_SORT:
		return storage_content_cmd(a, cmd);
	default:
		return false;
	}
	if (nt == *t)
		return false;
	*t = nt;
	c->ls.cursor = 0;
	c->ls.top = 0;
	c->stale = true;
	return true;
}

void content_free(struct content *c)
{
	vb_free(&c->vb);
}

const char *fmt_kib(char *buf, size_t len, unsigned long long kib)
{
	return tve_fmt_bytes(buf, len, kib * 1024ull);
}

double frac_of(unsigned long long used, unsigned long long total)
{
	return total ? (double)used / (double)total : -1;
}

enum role state_role(int s)
{
	switch ((enum tve_guest_state)s) {
	case TVE_STATE_RUNNING:
	case TVE_STATE_BLOCKED:
		return ROLE_STATE_RUNNING;
	case TVE_STATE_PAUSED:
	case TVE_STATE_SUSPENDED:
	case TVE_STATE_SHUTDOWN:
		return ROLE_STATE_PAUSED;
	case TVE_STATE_STOPPED:
		return ROLE_STATE_STOPPED;
	case TVE_STATE_CRASHED:
	case TVE_STATE_UNKNOWN:
		break;
	}
	return ROLE_STATE_ERROR;
}

void vb_guest_name(struct vbuf *vb, const struct tve_guest *g, int width)
{
	const char *name = g->name ? g->name : "-";
	bool ct = g->type == TVE_GUEST_CT;
	int w = text_width(name), room = width - (ct ? 5 : 0);

	if (w <= room) {
		vb_put(vb, ROLE_NORMAL, name);
		if (ct)
			vb_put(vb, ROLE_NORMAL, " (CT)");
		vb_col(vb, ROLE_NORMAL, room - w, -1, "");
	} else {
		/* Cut the name, never the marker. */
		vb_col(vb, ROLE_NORMAL, room, -1, name);
		if (ct)
			vb_put(vb, ROLE_NORMAL, " (CT)");
	}
}

/* live: the node is online; else the state is only the last one known and
 * shows as unknown, as in the tree. */
static void guest_row(struct vbuf *vb, size_t node, const char *node_name,
		      const struct tve_guest *g, int namew, int nodew, bool uptime, bool live)
{
	enum tve_guest_state st = live ? g->state : TVE_STATE_UNKNOWN;
	char buf[64];

	vb_line(vb);
	vb_key(vb, OBJ_GUEST, node, g->uuid);
	if (g->vmid > 0)
		snprintf(buf, sizeof(buf), "%d", g->vmid);
	else
		snprintf(buf, sizeof(buf), "-");
	vb_col(vb, ROLE_NORMAL, 5, 1, buf);
	vb_put(vb, ROLE_NORMAL, " ");
	vb_guest_name(vb, g, namew);
	vb_put(vb, ROLE_NORMAL, " ");
	if (nodew) {
		vb_col(vb, ROLE_NORMAL, nodew, -1, node_name);
		vb_put(vb, ROLE_NORMAL, " ");
	}
	vb_col(vb, state_role(st), 9, -1, tve_guest_state_name(st));
	if (g->cpu_pct >= 0 && st == TVE_STATE_RUNNING)
		snprintf(buf, sizeof(buf), "%.1f%%", g->cpu_pct);
	else
		snprintf(buf, sizeof(buf), "-");
	vb_col(vb, ROLE_NORMAL, 7, 1, buf);
	vb_put(vb, ROLE_NORMAL, " ");
	vb_col(vb, ROLE_NORMAL, 9, 1, g->mem_max_kib ? fmt_kib(buf, sizeof(buf), g->mem_max_kib) : "-");
	if (uptime) {
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 11, 1, tve_fmt_uptime(buf, sizeof(buf), live ? g->uptime_s : -1));
	}
}

/* Guests with ID, name ("(CT)" marks containers), node when all nodes
 * are listed, status, CPU, memory, and uptime when there is room. */
void guests_table(struct app *a, struct vbuf *vb, long node)
{
	bool all = node < 0, uptime = vb->width >= 68;
	int nodew = 0, namew;
	size_t total = 0;

	if (all)
		for (size_t i = 0; i < a->n_nodes; i++)
			nodew = TUI_MAX(nodew, TUI_MIN(text_width(app_snap(a, i)->node), 10));
	if (all && nodew < 4)
		nodew = 4;
	/* id 5+1, name+1, node+1, status 9, cpu 7+1, memory 9, uptime 1+11 */
	namew = vb->width - 6 - 1 - (nodew ? nodew + 1 : 0) - 9 - 8 - 9 - (uptime ? 12 : 0);
	namew = TUI_MAX(namew, 10);
	vb_line(vb);
	vb_col(vb, ROLE_LABEL, 5, 1, "ID");
	vb_put(vb, ROLE_LABEL, " ");
	vb_col(vb, ROLE_LABEL, namew + 1, -1, "Name");
	if (nodew)
		vb_col(vb, ROLE_LABEL, nodew + 1, -1, "Node");
	vb_col(vb, ROLE_LABEL, 9, -1, "Status");
	vb_col(vb, ROLE_LABEL, 7, 1, "CPU");
	vb_col(vb, ROLE_LABEL, 10, 1, "Memory");
	if (uptime)
		vb_col(vb, ROLE_LABEL, 12, 1, "Uptime");
	vb_sticky(vb);
	for (size_t i = 0; i < a->n_nodes; i++) {
		const struct tve_snapshot *s = app_snap(a, i);

		if (!all && (size_t)node != i)
			continue;
		for (size_t g = 0; g < s->n_guests; g++)
			guest_row(vb, i, s->node, &s->guests[g], namew, nodew, uptime,
				  s->state == TVE_NODE_ONLINE);
		total += s->n_guests;
	}
	if (!total) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(no guests)");
	}
}

void pools_table(struct app *a, struct vbuf *vb, size_t node)
{
	const struct tve_snapshot *s = app_snap(a, node);
	bool size = vb->width >= 58;
	int namew = TUI_MAX(vb->width - 9 - 7 - 16 - (size ? 10 : 0), 6);
	char buf[32];

	vb_line(vb);
	vb_col(vb, ROLE_LABEL, namew, -1, "Name");
	vb_col(vb, ROLE_LABEL, 9, -1, "Type");
	vb_col(vb, ROLE_LABEL, 7, -1, "Active");
	vb_col(vb, ROLE_LABEL, 16, -1, "Usage");
	if (size)
		vb_col(vb, ROLE_LABEL, 10, 1, "Size");
	vb_sticky(vb);
	for (size_t i = 0; i < s->n_pools; i++) {
		const struct tve_pool *p = &s->pools[i];

		vb_line(vb);
		vb_key(vb, OBJ_POOL, node, p->name);
		vb_col(vb, ROLE_NORMAL, namew - 1, -1, p->name);
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 9, -1, p->type ? p->type : "-");
		vb_col(vb, ROLE_NORMAL, 7, -1, p->active ? "yes" : "no");
		vb_bar(vb, 15, p->active ? frac_of(p->allocation, p->capacity) : -1);
		vb_pad(vb, namew + 9 + 7 + 16);
		if (size)
			vb_col(vb, ROLE_NORMAL, 10, 1,
			       p->capacity ? tve_fmt_bytes(buf, sizeof(buf), p->capacity) : "-");
	}
	if (!s->n_pools) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(no storage pools)");
	}
}

int field_bar_width(const struct vbuf *vb)
{
	return TUI_MIN(TUI_MAX(vb->width - 11 - 21, 12), 32);
}

void vb_usage(struct vbuf *vb, const char *label, unsigned long long used, unsigned long long total)
{
	char u[32], t[32];

	vb_line(vb);
	vb_col(vb, ROLE_LABEL, 11, -1, label);
	if (!total) {
		vb_put(vb, ROLE_NORMAL, "-");
		return;
	}
	vb_bar(vb, field_bar_width(vb), frac_of(used, total));
	vb_printf(vb, ROLE_NORMAL, "  %s / %s", tve_fmt_bytes(u, sizeof(u), used),
		  tve_fmt_bytes(t, sizeof(t), total));
}
