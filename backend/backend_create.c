/* backend_create.c - Create VM as one task: volumes, define, autostart,
 * start; and on any failure, undo what the task made.
 *
 * The spec is checked, planned and turned into XML on the caller's thread
 * (pure and quick, from snapshots), so a bad spec is refused before a task
 * exists; the task thread only talks to the node. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_create.h"
#include "util.h"

/* ---- the datacenter as the rules see it ---- */

void tve_backend_ctx_get(struct tve_backend *b, size_t node, struct tve_create_ctx *ctx)
{
	size_t n = tve_nodes_n(b);
	struct tve_snapshot **snaps = tve_xcalloc(n + 1, sizeof(*snaps));

	for (size_t i = 0; i < n; i++)
		snaps[i] = tve_node_latest(b->nodes[i]);
	ctx->nodes = (const struct tve_snapshot *const *)snaps;
	ctx->n_nodes = n;
	ctx->node = node < n ? snaps[node] : NULL;
}

void tve_backend_ctx_release(struct tve_create_ctx *ctx)
{
	struct tve_snapshot **snaps = (struct tve_snapshot **)ctx->nodes;

	for (size_t i = 0; snaps && i < ctx->n_nodes; i++)
		tve_snapshot_unref(snaps[i]);
	free(snaps);
	memset(ctx, 0, sizeof(*ctx));
}

/* ---- undo ---- */

void tve_undo_add_volume(struct tve_undo *u, const char *pool, const char *volume)
{
	u->vols = tve_xreallocarray(u->vols, u->n_vols + 1, sizeof(*u->vols));
	u->vols[u->n_vols].pool = tve_xstrdup(pool);
	u->vols[u->n_vols].volume = tve_xstrdup(volume);
	u->n_vols++;
}

void tve_undo_run(struct tve_undo *u, struct conn *c, struct tve_task *t)
{
	const struct tve_driver_ops *drv = c->drv;
	char *err = NULL;

	if (u->uuid[0]) {
		tve_task_log(t, "removing the domain again");
		if (drv->domain_undefine(c->h, u->uuid, &err) < 0)
			tve_task_log(t, "cannot remove the domain: %s", err);
		free(err);
		err = NULL;
	}
	for (size_t i = u->n_vols; i-- > 0;) {
		tve_task_log(t, "deleting volume %s/%s", u->vols[i].pool, u->vols[i].volume);
		if (drv->vol_delete(c->h, u->vols[i].pool, u->vols[i].volume, &err) < 0)
			tve_task_log(t, "cannot delete %s/%s: %s", u->vols[i].pool,
				     u->vols[i].volume, err);
		free(err);
		err = NULL;
	}
}

void tve_undo_clear(struct tve_undo *u)
{
	for (size_t i = 0; i < u->n_vols; i++) {
		free(u->vols[i].pool);
		free(u->vols[i].volume);
	}
	free(u->vols);
	memset(u, 0, sizeof(*u));
}

/* Defines xml, sets autostart and starts as asked, recording what to undo.
 * 0, or -1 with *err (already logged). */
int tve_create_define_start(struct conn *c, struct tve_task *t, const char *xml, const char *label,
			    bool onboot, bool start, struct tve_undo *u, char **err)
{
	const struct tve_driver_ops *drv = c->drv;

	tve_task_log(t, "defining %s", label);
	if (drv->domain_define(c->h, xml, u->uuid, err) < 0) {
		u->uuid[0] = '\0';
		tve_task_log(t, "cannot define %s: %s", label, *err);
		return -1;
	}
	if (onboot) {
		tve_task_log(t, "enabling start at boot");
		if (drv->set_autostart(c->h, u->uuid, true, err) < 0) {
			tve_task_log(t, "cannot enable start at boot: %s", *err);
			return -1;
		}
	}
	if (start && drv->guest_action(c->h, u->uuid, TVE_ACT_START, NULL, t, err) < 0)
		return -1;
	return 0;
}

/* ---- Create VM ---- */

struct vm_job {
	struct tve_node *node;
	struct conn *conn;
	struct tve_task *task;
	struct tve_vm_spec spec;	/* planned: volumes named */
	char **vol_xml;			/* per disk */
	char *dom_xml;
};

static void vm_job_free(struct vm_job *j)
{
	for (size_t i = 0; j->vol_xml && i < j->spec.n_disks; i++)
		free(j->vol_xml[i]);
	free(j->vol_xml);
	free(j->dom_xml);
	tve_vm_spec_clear(&j->spec);
	free(j);
}

static int vm_run(struct vm_job *j, struct tve_undo *u, char **err)
{
	const struct tve_driver_ops *drv = j->conn->drv;
	const struct tve_vm_spec *s = &j->spec;
	char *label = tve_xasprintf("VM %d (%s)", s->vmid, s->name);
	int rc = -1;

	for (size_t i = 0; i < s->n_disks; i++) {
		const struct tve_vm_disk *d = &s->disks[i];
		char size[32];

		tve_task_log(j->task, "creating volume %s/%s (%s, %s)", d->pool, d->volume,
			     tve_fmt_bytes(size, sizeof(size), d->size), tve_vol_format_name(d->format));
		if (drv->vol_create(j->conn->h, d->pool, j->vol_xml[i], NULL, err) < 0) {
			tve_task_log(j->task, "cannot create %s/%s: %s", d->pool, d->volume, *err);
			goto out;
		}
		tve_undo_add_volume(u, d->pool, d->volume);
	}
	rc = tve_create_define_start(j->conn, j->task, j->dom_xml, label, s->onboot,
				     s->start_after, u, err);
out:
	free(label);
	return rc;
}

static void *vm_main(void *opaque)
{
	struct vm_job *j = opaque;
	struct tve_backend *b = j->node->b;
	struct tve_undo u = {0};
	char *err = NULL;
	int rc;

	rc = vm_run(j, &u, &err);
	if (rc < 0) {
		tve_undo_run(&u, j->conn, j->task);
		tve_backend_release_vmid(b, j->spec.vmid);
	} else {
		tve_task_log(j->task, "VM %d (%s) created", j->spec.vmid, j->spec.name);
	}
	tve_undo_clear(&u);
	tve_node_conn_put(j->node, j->conn);
	tve_node_request_refresh(j->node, TVE_REFRESH_GUESTS | TVE_REFRESH_POOLS);
	tve_task_finish(j->task, rc < 0 ? (err ? err : "failed") : NULL);
	free(err);
	vm_job_free(j);
	tve_backend_spawn_done(b);
	return NULL;
}

const char *tve_create_unsupported(const struct tve_driver_ops *drv)
{
	if (!drv->vol_create || !drv->vol_delete || !drv->domain_define ||
	    !drv->domain_undefine || !drv->set_autostart || !drv->guest_action)
		return "creating guests is not supported by this node";
	return NULL;
}

/* The checks, planning and XML of a VM spec, on the caller's thread. */
static int vm_prepare(struct vm_job *j, const struct tve_create_ctx *ctx, char **err)
{
	struct tve_vm_spec *s = &j->spec;

	if (tve_vm_check_page(s, ctx, -1, err) < 0 || tve_vm_spec_plan(s, ctx, err) < 0)
		return -1;
	j->vol_xml = tve_xcalloc(s->n_disks + 1, sizeof(*j->vol_xml));
	for (size_t i = 0; i < s->n_disks; i++) {
		const struct tve_pool *p = tve_snapshot_find_pool(ctx->node, s->disks[i].pool);

		j->vol_xml[i] = tve_vm_volume_xml(s, i, p && p->type ? p->type : "dir");
	}
	j->dom_xml = tve_vm_domain_xml(s, ctx, err);
	return j->dom_xml ? 0 : -1;
}

int tve_backend_create_vm(struct tve_backend *b, size_t node, const struct tve_vm_spec *spec,
			  char **task_id, char **err)
{
	struct tve_create_ctx ctx;
	struct tve_node *n;
	struct vm_job *j;
	const char *why;
	char target[32], *msg = NULL;
	int rc;

	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "invalid node");
	n = b->nodes[node];
	if ((why = tve_create_unsupported(n->drv)))
		return tve_set_err(err, "%s: %s", n->name, why);
	j = tve_xcalloc(1, sizeof(*j));
	tve_vm_spec_copy(&j->spec, spec);
	tve_backend_ctx_get(b, node, &ctx);
	rc = vm_prepare(j, &ctx, err);
	tve_backend_ctx_release(&ctx);
	if (rc < 0 || tve_backend_reserve_vmid(b, j->spec.vmid, err) < 0) {
		vm_job_free(j);
		return -1;
	}
	j->node = n;
	if (!(j->conn = tve_node_conn_get(n))) {
		tve_backend_release_vmid(b, j->spec.vmid);
		vm_job_free(j);
		return tve_set_err(err, "node %s is offline", n->name);
	}
	snprintf(target, sizeof(target), "%d", j->spec.vmid);
	j->task = tve_task_begin(b->tasks, n->name, "qmcreate", target);
	if (task_id)
		*task_id = tve_xstrdup(tve_task_id(j->task));
	if (tve_backend_spawn(b, vm_main, j, &msg) < 0) {
		tve_task_finish(j->task, msg);
		tve_node_conn_put(n, j->conn);
		tve_backend_release_vmid(b, j->spec.vmid);
		vm_job_free(j);
		tve_set_err(err, "%s", msg);
		free(msg);
		return -1;
	}
	return 0;
}
