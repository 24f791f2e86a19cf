/* tree.c - the resource tree: Datacenter, nodes, guests, storage. */
#include "tree.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "tui.h"

void tree_init(struct tree *t, size_t n_nodes)
{
	memset(t, 0, sizeof(*t));
	t->n_nodes = n_nodes;
	t->open = tve_xcalloc(n_nodes ? n_nodes : 1, sizeof(*t->open));
	for (size_t i = 0; i < n_nodes; i++)
		t->open[i] = true;
	t->dc_open = true;
	obj_set(&t->sel, OBJ_DC, 0, NULL);
}

void tree_grow(struct tree *t, size_t n_nodes)
{
	if (n_nodes <= t->n_nodes)
		return;
	t->open = tve_xreallocarray(t->open, n_nodes, sizeof(*t->open));
	for (size_t i = t->n_nodes; i < n_nodes; i++)
		t->open[i] = true;
	t->n_nodes = n_nodes;
}

void tree_free(struct tree *t)
{
	vb_free(&t->vb);
	free(t->open);
	t->open = NULL;
}

/* Does a guest match the filter: name, ID or tags? */
static bool tree_match(const struct tree *t, int vmid, const char *name, const char *tags)
{
	char id[16];

	if (!t->filter[0])
		return true;
	if (name && strcasestr(name, t->filter))
		return true;
	if (tags && strcasestr(tags, t->filter))
		return true;
	if (vmid > 0) {
		snprintf(id, sizeof(id), "%d", vmid);
		if (strstr(id, t->filter))
			return true;
	}
	return false;
}

static const char *node_marker(const struct tve_snapshot *s, enum role *role)
{
	switch (s->state) {
	case TVE_NODE_CONNECTING:
		*role = ROLE_NODE_CONNECTING;
		return " [...]";
	case TVE_NODE_OFFLINE:
		*role = ROLE_NODE_OFFLINE;
		/* What it waits for from the user, or just offline. */
		return s->need == TVE_NEED_HOSTKEY	    ? " [host key?]"
		       : s->need == TVE_NEED_HOSTKEY_CHANGED ? " [KEY CHANGED]"
		       : s->need == TVE_NEED_PASSPHRASE	    ? " [passphrase?]"
							    : " [offline]";
	case TVE_NODE_ONLINE:
		break;
	}
	*role = ROLE_NODE_CONNECTING;
	return s->stale ? " [stale]" : "";
}

static int id_width(const struct tve_snapshot *s)
{
	int w = 3;

	for (size_t i = 0; i < s->n_guests; i++) {
		char buf[16];
		int n = snprintf(buf, sizeof(buf), "%d", s->guests[i].vmid);

		if (n > w)
			w = n;
	}
	return w;
}

/* live: the node is online.  Otherwise the state is only the last one
 * known, so the row shows '?' as Proxmox does for an unreachable node. */
static void guest_row(struct vbuf *vb, size_t node, const struct tve_guest *g, int idw, bool live)
{
	enum tve_guest_state st = live ? g->state : TVE_STATE_UNKNOWN;
	char sym[2] = { tve_guest_state_symbol(st), '\0' };
	char id[32];

	if (g->vmid > 0)
		snprintf(id, sizeof(id), "%*d", TUI_MIN(idw, 12), g->vmid);
	else
		snprintf(id, sizeof(id), "%*s", TUI_MIN(idw, 12), "-");
	vb_line(vb);
	vb_key(vb, OBJ_GUEST, node, g->uuid);
	vb_put(vb, ROLE_NORMAL, "    ");
	vb_put(vb, state_role(st), sym);
	vb_printf(vb, ROLE_NORMAL, " %s ", id);
	vb_guest_name(vb, g, vb_left(vb));
}

static void node_rows(struct tree *t, struct app *a, size_t i)
{
	const struct tve_snapshot *s = app_snap(a, i);
	bool filtering = t->filter[0] != '\0';
	bool node_hit = filtering && strcasestr(s->node, t->filter);
	size_t n_hits = 0;
	enum role mrole;
	const char *marker;
	int idw;

	if (filtering) {
		for (size_t g = 0; g < s->n_guests; g++)
			if (tree_match(t, s->guests[g].vmid, s->guests[g].name, s->guests[g].tags))
				n_hits++;
		for (size_t p = 0; p < s->n_pools; p++)
			if (strcasestr(s->pools[p].name, t->filter))
				n_hits++;
		if (!n_hits && !node_hit)
			return;
	}
	marker = node_marker(s, &mrole);
	vb_line(&t->vb);
	vb_key(&t->vb, OBJ_NODE, i, NULL);
	vb_put(&t->vb, ROLE_NORMAL, "  ");
	vb_put(&t->vb, ROLE_NORMAL, filtering || t->open[i] ? draw_glyph_open() : draw_glyph_closed());
	vb_put(&t->vb, ROLE_NORMAL, " ");
	/* Cut a long node name, never its state marker. */
	vb_col(&t->vb, ROLE_TREE_NODE,
	       TUI_MIN(text_width(s->node), TUI_MAX(vb_left(&t->vb) - text_width(marker), 4)), -1,
	       s->node);
	vb_put(&t->vb, mrole, marker);
	if (!filtering && !t->open[i])
		return;
	idw = id_width(s);
	for (size_t g = 0; g < s->n_guests; g++) {
		const struct tve_guest *gu = &s->guests[g];

		if (tree_match(t, gu->vmid, gu->name, gu->tags))
			guest_row(&t->vb, i, gu, idw, s->state == TVE_NODE_ONLINE);
	}
	for (size_t p = 0; p < s->n_pools; p++) {
		if (filtering && !strcasestr(s->pools[p].name, t->filter))
			continue;
		vb_line(&t->vb);
		vb_key(&t->vb, OBJ_POOL, i, s->pools[p].name);
		vb_put(&t->vb, ROLE_NORMAL, "    ");
		vb_put(&t->vb, ROLE_TREE_STORAGE, "[storage] ");
		vb_put(&t->vb, ROLE_NORMAL, s->pools[p].name);
	}
}

bool tree_rebuild(struct tree *t, struct app *a, int width)
{
	struct obj_ref old = t->sel, parent;
	size_t old_cursor = t->ls.cursor;
	bool filtering = t->filter[0] != '\0';

	vb_reset(&t->vb, width);
	vb_line(&t->vb);
	vb_key(&t->vb, OBJ_DC, 0, NULL);
	vb_put(&t->vb, ROLE_NORMAL, filtering || t->dc_open ? draw_glyph_open() : draw_glyph_closed());
	vb_put(&t->vb, ROLE_TREE_NODE, " Datacenter");
	if (filtering || t->dc_open)
		for (size_t i = 0; i < t->n_nodes; i++)
			node_rows(t, a, i);

	if (!vlist_find(&t->ls, &t->vb, &old)) {
		obj_set(&parent, OBJ_NODE, old.node, NULL);
		if (old.kind == OBJ_NODE || !vlist_find(&t->ls, &t->vb, &parent)) {
			t->ls.cursor = old_cursor;
			vlist_clamp(&t->ls, &t->vb);
		}
	}
	/* Rows added or removed above the selection (a guest gets an ID and
	 * sorts elsewhere, another appears): scroll with them, so the selected
	 * row stays where the eye is instead of sliding up or down. */
	if (t->ls.top <= old_cursor) {
		long top = (long)t->ls.top + ((long)t->ls.cursor - (long)old_cursor);

		t->ls.top = top > 0 ? (size_t)top : 0;
	}
	t->sel = *vlist_key(&t->ls, &t->vb);
	return !obj_eq(&old, &t->sel);
}

void tree_draw(struct tree *t, WINDOW *w, int h, int width, bool focused, bool editing)
{
	int hattr = theme_attr(focused ? ROLE_HEADER_FOCUS : ROLE_HEADER);
	struct pen p;

	pen_start(&p, w, 0, 0, width);
	if (t->filter[0] || editing) {
		pen_text(&p, hattr, " Filter: ");
		pen_text(&p, hattr | A_BOLD, t->filter);
		if (editing)
			pen_text(&p, hattr | A_BOLD, "_");
	} else {
		pen_text(&p, hattr, " Server View");
	}
	pen_fill(&p, hattr, width);
	wattrset(w, theme_attr(ROLE_BORDER));
	draw_vline(w, 0, width, h);
	wattrset(w, theme_attr(ROLE_NORMAL));
	vlist_draw(w, 1, 0, h - 1, width, &t->vb, &t->ls, focused ? VLIST_ACTIVE : VLIST_INACTIVE);
}

/* Index of the selected row's parent row. */
static bool select_parent(struct tree *t)
{
	struct obj_ref p;

	if (t->sel.kind == OBJ_GUEST || t->sel.kind == OBJ_POOL)
		obj_set(&p, OBJ_NODE, t->sel.node, NULL);
	else if (t->sel.kind == OBJ_NODE)
		obj_set(&p, OBJ_DC, 0, NULL);
	else
		return false;
	return vlist_find(&t->ls, &t->vb, &p);
}

static bool *open_flag(struct tree *t)
{
	if (t->sel.kind == OBJ_DC)
		return &t->dc_open;
	if (t->sel.kind == OBJ_NODE && t->sel.node < t->n_nodes)
		return &t->open[t->sel.node];
	return NULL;
}

bool tree_cmd(struct tree *t, struct app *a, enum cmd cmd, int h)
{
	bool *open = open_flag(t);
	bool moved = false, filtering = t->filter[0] != '\0';
	int page = TUI_MAX(h - 2, 1);

	switch (cmd) {
	case CMD_UP:
		moved = vlist_move(&t->ls, &t->vb, h, true, -1);
		break;
	case CMD_DOWN:
		moved = vlist_move(&t->ls, &t->vb, h, true, 1);
		break;
	case CMD_PAGE_UP:
		moved = vlist_move(&t->ls, &t->vb, h, true, -page);
		break;
	case CMD_PAGE_DOWN:
		moved = vlist_move(&t->ls, &t->vb, h, true, page);
		break;
	case CMD_HOME:
		moved = vlist_move(&t->ls, &t->vb, h, true, INT_MIN);
		break;
	case CMD_END:
		moved = vlist_move(&t->ls, &t->vb, h, true, INT_MAX);
		break;
	case CMD_COLLAPSE:
		if (open && *open && !filtering) {
			*open = false;
			tree_rebuild(t, a, t->vb.width);
			return true;
		}
		moved = select_parent(t);
		break;
	case CMD_EXPAND:
		if (open && !*open && !filtering) {
			*open = true;
			tree_rebuild(t, a, t->vb.width);
			return true;
		}
		if (open)
			moved = vlist_move(&t->ls, &t->vb, h, true, 1);
		break;
	case CMD_TOGGLE:
		if (open && !filtering) {
			*open = !*open;
			tree_rebuild(t, a, t->vb.width);
			return true;
		}
		break;
	default:
		break;
	}
	if (moved && vlist_key(&t->ls, &t->vb))
		t->sel = *vlist_key(&t->ls, &t->vb);
	return moved;
}

bool tree_select(struct tree *t, struct app *a, const struct obj_ref *o, int width)
{
	if (o->kind == OBJ_NODE || o->kind == OBJ_GUEST || o->kind == OBJ_POOL) {
		if (o->node < t->n_nodes)
			t->open[o->node] = true;
		t->dc_open = true;
	}
	tree_rebuild(t, a, width);
	if (!vlist_find(&t->ls, &t->vb, o))
		return false;
	t->sel = *o;
	return true;
}
