/* action_run.c - runs the actions of actions.h on the selection: checks
 * that they apply, asks first where the table says so, starts the task. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "keymap.h"
#include "nodes.h"
#include "storage.h"
#include "tui.h"
#include "wizard.h"

#define STATE_BIT(s) (1u << (s))
#define ACTIVE_STATES (STATE_BIT(TVE_STATE_RUNNING) | STATE_BIT(TVE_STATE_BLOCKED))

/* Guest states each lifecycle action is offered in. */
static const unsigned allowed_states[ACT__COUNT] = {
	[ACT_START] = STATE_BIT(TVE_STATE_STOPPED) | STATE_BIT(TVE_STATE_CRASHED),
	[ACT_SHUTDOWN] = ACTIVE_STATES,
	[ACT_STOP] = ~STATE_BIT(TVE_STATE_STOPPED),
	[ACT_REBOOT] = ACTIVE_STATES,
	[ACT_RESET] = ACTIVE_STATES | STATE_BIT(TVE_STATE_PAUSED),
	[ACT_PAUSE] = ACTIVE_STATES,
	[ACT_RESUME] = STATE_BIT(TVE_STATE_PAUSED),
	[ACT_SET_ID] = ~0u,
	[ACT_REFRESH] = ~0u,
	[ACT_CREATE_VM] = ~0u,
	[ACT_CREATE_CT] = ~0u,
	[ACT_TEMPLATE] = ~0u,
};

struct pending {
	enum action act;
	struct obj_ref obj;
};

struct menu_data {
	struct obj_ref obj;
	enum action acts[ACT__COUNT];
};

static unsigned applies_bit(enum obj_kind k)
{
	switch (k) {
	case OBJ_NODE:
		return APPLY_NODE;
	case OBJ_GUEST:
		return APPLY_GUEST;
	case OBJ_POOL:
		return APPLY_POOL;
	case OBJ_VOLUME:
		return APPLY_VOLUME;
	default:
		return APPLY_DC;
	}
}

/* What the action keys act on: the row under the cursor in a content tab
 * that lists guests or volumes, else the tree's selection. */
static const struct obj_ref *current(struct app *a)
{
	const struct obj_ref *o = a->focus == PANE_CONTENT ? content_cursor(&a->content) : NULL;

	if (!o || o->kind == OBJ_TASK)
		o = &a->tree.sel;
	return o;
}

/* A storage action on a volume row that is not about the volume acts on
 * its storage. */
static const struct obj_ref *target(enum action act, const struct obj_ref *o, struct obj_ref *tmp)
{
	char pool[256], vol[256];

	if (o->kind != OBJ_VOLUME || (action_table[act].applies & APPLY_VOLUME) ||
	    !volume_ref_split(o, pool, sizeof(pool), vol, sizeof(vol)))
		return o;
	obj_set(tmp, OBJ_POOL, o->node, pool);
	return tmp;
}

static const char *label_of(enum action act, const struct obj_ref *o)
{
	return act == ACT_REFRESH && o->kind == OBJ_DC ? "Refresh all nodes" : action_table[act].label;
}

/* Where a Create wizard starts: the selection's node when it is online,
 * else the first online node; -1 if none is. */
static long create_node(struct app *a, const struct obj_ref *o)
{
	if (o->kind != OBJ_DC && o->node < a->n_nodes &&
	    app_snap(a, o->node)->state == TVE_NODE_ONLINE)
		return (long)o->node;
	for (size_t i = 0; i < a->n_nodes; i++)
		if (app_snap(a, i)->state == TVE_NODE_ONLINE)
			return (long)i;
	return -1;
}

/* NULL if act can run on o now; else why not, in buf, about subject ("it"
 * in the menu, the guest's label on the status line).  *unsupported tells
 * a driver gap from a state that does not allow it. */
static const char *unavailable(struct app *a, enum action act, const struct obj_ref *o,
			       const char *subject, char *buf, size_t len, bool *unsupported)
{
	const struct action_info *ai = &action_table[act];
	const struct tve_snapshot *s;
	const struct tve_guest *g;

	*unsupported = false;
	if (!(ai->applies & applies_bit(o->kind))) {
		snprintf(buf, len, "select a %s first",
			 ai->applies & APPLY_GUEST ? "guest"
			 : ai->applies & APPLY_POOL ? "storage" : "volume (a storage's Content tab)");
		return buf;
	}
	if (storage_action(act))
		return storage_unavailable(a, act, o, buf, len);
	if (act == ACT_REFRESH || act == ACT_ADD_NODE)
		return NULL;
	if (act == ACT_CREATE_VM || act == ACT_CREATE_CT) {
		if (create_node(a, o) < 0) {
			snprintf(buf, len, "no node is online");
			return buf;
		}
		return NULL;
	}
	s = app_snap(a, o->node);
	if (act == ACT_TEMPLATE) {
		const struct tve_pool *p = app_pool(a, o);

		if (s->state != TVE_NODE_ONLINE)
			snprintf(buf, len, "node %s is %s", s->node, tve_node_state_name(s->state));
		else if (!p || !p->active)
			snprintf(buf, len, "the storage is not active");
		else if (!p->type || (strcmp(p->type, "dir") && strcmp(p->type, "fs") &&
				      strcmp(p->type, "netfs")))
			snprintf(buf, len, "templates go into directory storages");
		else
			return NULL;
		return buf;
	}
	g = app_guest(a, o);
	if (!g) {
		snprintf(buf, len, "the guest is gone");
		return buf;
	}
	if (ai->guest_action >= 0 &&
	    !tve_backend_supports(a->b, o->node, (enum tve_guest_action)ai->guest_action)) {
		*unsupported = true;
		snprintf(buf, len, "unsupported by the %s driver", s->node);
		return buf;
	}
	if (s->state != TVE_NODE_ONLINE) {
		snprintf(buf, len, "node %s is %s", s->node, tve_node_state_name(s->state));
		return buf;
	}
	if (act == ACT_SET_ID && g->vmid > 0) {
		snprintf(buf, len, "%s has ID %d", subject, g->vmid);
		return buf;
	}
	if (!(allowed_states[act] & STATE_BIT(g->state))) {
		snprintf(buf, len, "%s is %s", subject, tve_guest_state_name(g->state));
		return buf;
	}
	return NULL;
}

static void run(struct app *a, enum action act, const struct obj_ref *o)
{
	const struct action_info *ai = &action_table[act];
	const struct tve_guest *g;
	char *err = NULL, what[128];
	int rc;

	if (act == ACT_ADD_NODE) {
		node_add_open(a);
		return;
	}
	if (act == ACT_REFRESH) {
		/* A node waiting for an answer (host key, passphrase) asks
		 * again. */
		if (o->kind == OBJ_DC) {
			for (size_t i = 0; i < a->n_nodes; i++) {
				node_prompts_forget(app_snap(a, i)->node);
				tve_backend_refresh(a->b, i);
			}
			app_msg(a, false, "Refreshing all %zu nodes", a->n_nodes);
		} else {
			node_prompts_forget(app_snap(a, o->node)->node);
			tve_backend_refresh(a->b, o->node);
			app_msg(a, false, "Refreshing %s", app_snap(a, o->node)->node);
		}
		return;
	}
	if (act == ACT_CREATE_VM || act == ACT_CREATE_CT) {
		long node = create_node(a, o);

		if (node >= 0 && act == ACT_CREATE_VM)
			wizard_vm_open(a, (size_t)node);
		else if (node >= 0)
			wizard_ct_open(a, (size_t)node);
		return;
	}
	if (storage_action(act)) {
		storage_run(a, act, o);
		return;
	}
	if (act == ACT_TEMPLATE) {
		const struct tve_pool *p = app_pool(a, o);

		if (!p || tve_backend_make_template(a->b, o->node, p->name, "bookworm", NULL, NULL,
						    &err) < 0)
			app_error(a, "%s: %s", ai->label, err ? err : "the storage is gone");
		free(err);
		app_poll_tasks(a);
		return;
	}
	g = app_guest(a, o);
	if (!g) {
		app_error(a, "%s: the guest is gone", ai->label);
		return;
	}
	guest_label(g, what, sizeof(what));
	if (act == ACT_SET_ID)
		rc = tve_backend_set_vmid(a->b, o->node, o->id, 0, NULL, &err);
	else
		rc = tve_backend_guest_action(a->b, o->node, o->id,
					      (enum tve_guest_action)ai->guest_action, NULL, &err);
	if (rc < 0)
		app_error(a, "%s %s: %s", ai->label, what, err ? err : "failed");
	free(err);
	app_poll_tasks(a);
}

static void confirmed(struct app *a, struct dialog *d, int yes)
{
	struct pending *p = dialog_data(d);
	char why[300], what[128];
	const struct tve_guest *g;
	bool unsupported;

	if (!yes || !p)
		return;
	/* The guest may have changed while the question was open. */
	g = app_guest(a, &p->obj);
	if (g)
		guest_label(g, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "it");
	if (unavailable(a, p->act, &p->obj, what, why, sizeof(why), &unsupported)) {
		app_error(a, "%s: %s", label_of(p->act, &p->obj), why);
		return;
	}
	run(a, p->act, &p->obj);
}

static void invoke_on(struct app *a, enum action act, const struct obj_ref *o)
{
	char why[300], q[300], what[128];
	const struct tve_guest *g;
	struct obj_ref tmp;
	struct pending *p;
	struct dialog *d;
	bool unsupported;

	o = target(act, o, &tmp);
	g = app_guest(a, o);
	if (g)
		guest_label(g, what, sizeof(what));
	else if (o->kind == OBJ_POOL && app_pool(a, o))
		snprintf(what, sizeof(what), "in storage %s", app_pool(a, o)->name);
	else
		snprintf(what, sizeof(what), "it");
	if (unavailable(a, act, o, what, why, sizeof(why), &unsupported)) {
		app_error(a, "%s: %s", label_of(act, o), why);
		return;
	}
	/* The storage actions ask in forms of their own. */
	if (!action_table[act].confirm || storage_action(act)) {
		run(a, act, o);
		return;
	}
	/* Say what the action does, too: "Stop" and "Shutdown" are easily
	 * taken for one another. */
	snprintf(q, sizeof(q), "%s %s on %s?\n\n%s.", action_table[act].label, what,
		 app_snap(a, o->node)->node, action_table[act].help);
	d = dialog_confirm("Confirm", q, confirmed);
	p = tve_xcalloc(1, sizeof(*p));
	p->act = act;
	p->obj = *o;
	dialog_set_data(d, DIALOG_PLAIN, p);
	app_push_dialog(a, d);
}

void action_invoke(struct app *a, enum action act)
{
	invoke_on(a, act, current(a));
}

static void picked(struct app *a, struct dialog *d, int idx)
{
	struct menu_data *m = dialog_data(d);

	if (idx >= 0 && m)
		invoke_on(a, m->acts[idx], &m->obj);
}

void action_menu(struct app *a)
{
	const struct obj_ref *o = current(a);
	struct dialog_item items[ACT__COUNT];
	struct menu_data *m = tve_xcalloc(1, sizeof(*m));
	char notes[ACT__COUNT][160], labels[ACT__COUNT][48], title[320], what[300];
	const struct tve_guest *g = NULL;
	struct dialog *d;
	size_t n = 0;

	m->obj = *o;
	/* A volume's own actions first, then its storage's. */
	for (int k = 0; k < 2 * ACT__COUNT; k++) {
		int i = k % ACT__COUNT;
		bool own = action_table[i].applies & applies_bit(o->kind);
		struct obj_ref tmp;
		bool unsupported;
		const char *why;
		int key;

		if (o->kind == OBJ_VOLUME ? (k < ACT__COUNT) != own ||
					    !(action_table[i].applies & (APPLY_VOLUME | APPLY_POOL))
		    : k >= ACT__COUNT || !own)
			continue;
		why = unavailable(a, (enum action)i, target((enum action)i, o, &tmp), "it", notes[n],
				  sizeof(notes[n]), &unsupported);
		/* The key in force ([keys]); -1, none, shows blank. */
		if (keymap_keys(i, &key, 1) == 0)
			key = -1;
		/* The menu leaves a key name 3 columns ("Del"): a space after it. */
		snprintf(labels[n], sizeof(labels[n]), "%s%s", strlen(key_name(key)) > 2 ? " " : "",
			 label_of((enum action)i, o));
		items[n] = (struct dialog_item){
			.key = key,
			.label = labels[n],
			.note = unsupported ? "unsupported" : why,
			.enabled = why == NULL,
		};
		m->acts[n++] = (enum action)i;
	}
	switch (o->kind) {
	case OBJ_GUEST:
		g = app_guest(a, o);
		if (g)
			guest_label(g, what, sizeof(what));
		else
			snprintf(what, sizeof(what), "guest");
		break;
	case OBJ_NODE:
		snprintf(what, sizeof(what), "node %s", app_snap(a, o->node)->node);
		break;
	case OBJ_POOL:
		snprintf(what, sizeof(what), "storage %s", o->id);
		break;
	case OBJ_VOLUME:
		snprintf(what, sizeof(what), "volume %s", o->id);
		break;
	default:
		snprintf(what, sizeof(what), "Datacenter");
		break;
	}
	snprintf(title, sizeof(title), "Actions: %s", what);
	d = dialog_menu(title, items, n, picked);
	dialog_set_data(d, DIALOG_PLAIN, m);
	app_push_dialog(a, d);
}
