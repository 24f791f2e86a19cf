/* backend_task.c - guest actions and ID assignment, each run as a task on
 * a thread of its own that shares the node's connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_priv.h"
#include "util.h"

/* ---- names ---- */

static const char *const action_names[TVE_ACT__COUNT] = {
	[TVE_ACT_START] = "start",
	[TVE_ACT_SHUTDOWN] = "shutdown",
	[TVE_ACT_STOP] = "stop",
	[TVE_ACT_REBOOT] = "reboot",
	[TVE_ACT_RESET] = "reset",
	[TVE_ACT_PAUSE] = "pause",
	[TVE_ACT_RESUME] = "resume",
};

const char *tve_guest_action_name(enum tve_guest_action a)
{
	return a < TVE_ACT__COUNT ? action_names[a] : "?";
}

const char *tve_guest_action_task_type(enum tve_guest_action a, enum tve_guest_type t)
{
	static const char *const vm[TVE_ACT__COUNT] = {
		"qmstart", "qmshutdown", "qmstop", "qmreboot", "qmreset", "qmpause", "qmresume",
	};
	static const char *const ct[TVE_ACT__COUNT] = {
		"vzstart", "vzshutdown", "vzstop", "vzreboot", "vzreset", "vzsuspend", "vzresume",
	};

	if (a >= TVE_ACT__COUNT)
		return "unknown";
	return t == TVE_GUEST_CT ? ct[a] : vm[a];
}

/* ---- IDs ---- */

static bool id_used(struct tve_backend *b, int id)
{
	for (size_t i = 0; i < b->n_reserved; i++)
		if (b->reserved[i] == id)
			return true;
	for (size_t i = 0; i < tve_nodes_n(b); i++) {
		struct tve_snapshot *s = tve_node_latest(b->nodes[i]);
		bool used = tve_snapshot_find_vmid(s, id) != NULL;

		tve_snapshot_unref(s);
		if (used)
			return true;
	}
	return false;
}

int tve_backend_next_vmid(struct tve_backend *b)
{
	int id = 100;

	pthread_mutex_lock(&b->lock);
	while (id_used(b, id))
		id++;
	pthread_mutex_unlock(&b->lock);
	return id;
}

int tve_backend_reserve_vmid(struct tve_backend *b, int id, char **err)
{
	int rc;

	pthread_mutex_lock(&b->lock);
	if (id == 0) {
		id = 100;
		while (id_used(b, id))
			id++;
	}
	if (id < 100 || id > 999999999) {
		rc = tve_set_err(err, "guest IDs go from 100 to 999999999, not %d", id);
	} else if (id_used(b, id)) {
		rc = tve_set_err(err, "ID %d is already in use in the datacenter", id);
	} else {
		b->reserved = tve_xreallocarray(b->reserved, b->n_reserved + 1, sizeof(int));
		b->reserved[b->n_reserved++] = id;
		rc = id;
	}
	pthread_mutex_unlock(&b->lock);
	return rc;
}

void tve_backend_release_vmid(struct tve_backend *b, int id)
{
	pthread_mutex_lock(&b->lock);
	for (size_t i = 0; i < b->n_reserved; i++) {
		if (b->reserved[i] == id) {
			b->reserved[i] = b->reserved[--b->n_reserved];
			break;
		}
	}
	pthread_mutex_unlock(&b->lock);
}

/* ---- task threads ---- */

int tve_backend_spawn(struct tve_backend *b, void *(*fn)(void *), void *arg, char **err)
{
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	pthread_mutex_lock(&b->lock);
	b->task_threads++;
	pthread_mutex_unlock(&b->lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		tve_backend_spawn_done(b);
		return tve_set_err(err, "cannot start task: %s", strerror(rc));
	}
	return 0;
}

void tve_backend_spawn_done(struct tve_backend *b)
{
	pthread_mutex_lock(&b->lock);
	b->task_threads--;
	pthread_cond_broadcast(&b->tasks_done);
	pthread_mutex_unlock(&b->lock);
}

/* ---- tasks ---- */

enum job_kind { JOB_ACTION, JOB_SET_VMID };

struct job {
	struct tve_node *node;
	struct conn *conn;
	struct tve_task *task;
	enum job_kind kind;
	char uuid[37];
	enum tve_guest_action act;
	struct tve_action_opts opts;
	int vmid;
};

static void *task_main(void *opaque)
{
	struct job *j = opaque;
	struct tve_backend *b = j->node->b;
	const struct tve_driver_ops *drv = j->conn->drv;
	char *err = NULL;
	int rc;

	if (j->kind == JOB_ACTION) {
		rc = drv->guest_action(j->conn->h, j->uuid, j->act, &j->opts, j->task, &err);
	} else {
		tve_task_log(j->task, "assigning ID %d", j->vmid);
		rc = drv->set_vmid(j->conn->h, j->uuid, j->vmid, &err);
	}
	tve_node_conn_put(j->node, j->conn);
	tve_node_request_refresh(j->node, TVE_REFRESH_GUESTS);
	tve_task_finish(j->task, rc < 0 ? (err ? err : "failed") : NULL);
	free(err);
	free(j);
	tve_backend_spawn_done(b);
	return NULL;
}

/* Finds the guest in the node's latest snapshot and describes it for the
 * task target ("100" or the name). */
static int lookup_guest(struct tve_node *n, const char *uuid, struct tve_guest *out, char **err)
{
	struct tve_snapshot *s = tve_node_latest(n);
	const struct tve_guest *g = tve_snapshot_find_guest(s, uuid);
	int rc = 0;

	if (!g)
		rc = tve_set_err(err, "no such guest on node %s", n->name);
	else
		tve_guest_copy(out, g);
	tve_snapshot_unref(s);
	return rc;
}

static int submit(struct tve_node *n, struct job *j, const char *type, const struct tve_guest *g,
		  char **task_id, char **err)
{
	struct tve_backend *b = n->b;
	char target[32], *msg = NULL;

	j->node = n;
	j->conn = tve_node_conn_get(n);
	if (!j->conn) {
		free(j);
		return tve_set_err(err, "node %s is offline", n->name);
	}
	if (g->vmid > 0)
		snprintf(target, sizeof(target), "%d", g->vmid);
	j->task = tve_task_begin(b->tasks, n->name, type, g->vmid > 0 ? target : g->name);
	if (task_id)
		*task_id = tve_xstrdup(tve_task_id(j->task));

	if (tve_backend_spawn(b, task_main, j, &msg) < 0) {
		tve_task_finish(j->task, msg);
		tve_node_conn_put(n, j->conn);
		free(j);
		tve_set_err(err, "%s", msg);
		free(msg);
		return -1;
	}
	return 0;
}

int tve_backend_guest_action(struct tve_backend *b, size_t node, const char *uuid,
			     enum tve_guest_action act, char **task_id, char **err)
{
	struct tve_guest g = { 0 };
	struct tve_node *n;
	struct job *j;
	int rc;

	if (node >= tve_nodes_n(b) || act >= TVE_ACT__COUNT)
		return tve_set_err(err, "invalid node or action");
	n = b->nodes[node];
	if (!n->drv->guest_action)
		return tve_set_err(err, "%s: %s is not supported by this node", n->name,
				   tve_guest_action_name(act));
	if (lookup_guest(n, uuid, &g, err) < 0)
		return -1;
	j = tve_xcalloc(1, sizeof(*j));
	j->kind = JOB_ACTION;
	snprintf(j->uuid, sizeof(j->uuid), "%s", uuid);
	j->act = act;
	j->opts.timeout_s = b->cfg.shutdown_timeout_s;
	j->opts.force = b->cfg.shutdown_force;
	rc = submit(n, j, tve_guest_action_task_type(act, g.type), &g, task_id, err);
	tve_guest_clear(&g);
	return rc;
}

int tve_backend_set_vmid(struct tve_backend *b, size_t node, const char *uuid, int vmid,
			 char **task_id, char **err)
{
	struct tve_guest g = { 0 };
	struct tve_node *n;
	struct job *j;
	int rc;

	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "invalid node");
	n = b->nodes[node];
	if (!n->drv->set_vmid)
		return tve_set_err(err, "%s: assigning IDs is not supported by this node", n->name);
	if (lookup_guest(n, uuid, &g, err) < 0)
		return -1;
	if (g.vmid > 0 && g.vmid == vmid) {
		tve_guest_clear(&g);
		return tve_set_err(err, "guest already has ID %d", vmid);
	}
	vmid = tve_backend_reserve_vmid(b, vmid, err);
	if (vmid < 0) {
		tve_guest_clear(&g);
		return -1;
	}
	j = tve_xcalloc(1, sizeof(*j));
	j->kind = JOB_SET_VMID;
	snprintf(j->uuid, sizeof(j->uuid), "%s", uuid);
	j->vmid = vmid;
	rc = submit(n, j, g.type == TVE_GUEST_CT ? "vzsetid" : "qmsetid", &g, task_id, err);
	tve_guest_clear(&g);
	return rc;
}
