/* backend_create_ct.c - Create CT and container templates as tasks.
 *
 * The root filesystem is made from the template on this host (tar,
 * mkfs.ext4: ct_rootfs.c), so both need a node whose pools are local
 * directories; a remote node says so instead of failing halfway. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend_create.h"
#include "ct_rootfs.h"
#include "util.h"

struct ct_job {
	struct tve_node *node;
	struct conn *conn;
	struct tve_task *task;
	struct tve_ct_spec spec;	/* planned: root volume named */
	struct tve_create_ctx ctx;	/* snapshots the XML is made from */
	char *template_path;
	char *vol_xml;
	bool demo;			/* libvirt's test driver: no files */
};

static void ct_job_free(struct ct_job *j)
{
	tve_backend_ctx_release(&j->ctx);
	tve_ct_spec_clear(&j->spec);
	free(j->template_path);
	free(j->vol_xml);
	free(j);
}

static int ct_run(struct ct_job *j, struct tve_undo *u, char **rootfs, char **err)
{
	const struct tve_driver_ops *drv = j->conn->drv;
	const struct tve_ct_spec *s = &j->spec;
	char *label = tve_xasprintf("CT %d (%s)", s->vmid, s->hostname), *xml = NULL;
	char size[32];
	int rc = -1;

	tve_task_log(j->task, "creating root disk %s/%s (%s)", s->rootfs_pool, s->rootfs_volume,
		     s->unprivileged ? "directory"
				     : tve_fmt_bytes(size, sizeof(size), s->rootfs_size));
	if (drv->vol_create(j->conn->h, s->rootfs_pool, j->vol_xml, rootfs, err) < 0) {
		tve_task_log(j->task, "cannot create %s/%s: %s", s->rootfs_pool,
			     s->rootfs_volume, *err);
		goto out;
	}
	tve_undo_add_volume(u, s->rootfs_pool, s->rootfs_volume);
	if (j->demo) {
		/* libvirt's test driver keeps no files: nothing to extract. */
		tve_task_log(j->task, "test driver (demo): no root filesystem to build from %s",
			     s->template_vol);
	} else if (tve_ct_rootfs_build(s, j->template_path, *rootfs, j->task, err) < 0) {
		tve_task_log(j->task, "%s", *err);
		goto out;
	}
	if (!(xml = tve_ct_domain_xml(s, &j->ctx, *rootfs, err))) {
		tve_task_log(j->task, "%s", *err);
		goto out;
	}
	rc = tve_create_define_start(j->conn, j->task, xml, label, s->onboot, s->start_after, u,
				     err);
out:
	free(xml);
	free(label);
	return rc;
}

static void *ct_main(void *opaque)
{
	struct ct_job *j = opaque;
	struct tve_backend *b = j->node->b;
	struct tve_undo u = {0};
	char *err = NULL, *rootfs = NULL;
	int rc;

	rc = ct_run(j, &u, &rootfs, &err);
	if (rc < 0) {
		/* libvirt deletes only an empty directory volume. */
		if (rootfs && u.n_vols && j->spec.unprivileged)
			tve_ct_rootfs_empty(rootfs);
		tve_undo_run(&u, j->conn, j->task);
		tve_backend_release_vmid(b, j->spec.vmid);
	} else {
		tve_task_log(j->task, "CT %d (%s) created", j->spec.vmid, j->spec.hostname);
	}
	free(rootfs);
	tve_undo_clear(&u);
	tve_node_conn_put(j->node, j->conn);
	tve_node_request_refresh(j->node, TVE_REFRESH_GUESTS | TVE_REFRESH_POOLS);
	tve_task_finish(j->task, rc < 0 ? (err ? err : "failed") : NULL);
	free(err);
	ct_job_free(j);
	tve_backend_spawn_done(b);
	return NULL;
}

/* The host path of a "pool/volume" in the node's snapshot, or NULL. */
static char *volume_path(const struct tve_snapshot *s, const char *ref)
{
	const char *slash = ref ? strchr(ref, '/') : NULL;
	char *pool;
	const struct tve_pool *p;
	char *path = NULL;

	if (!slash)
		return NULL;
	pool = tve_xasprintf("%.*s", (int)(slash - ref), ref);
	p = tve_snapshot_find_pool(s, pool);
	for (size_t i = 0; p && i < p->n_volumes && !path; i++)
		if (strcmp(p->volumes[i].name, slash + 1) == 0 && p->volumes[i].path)
			path = tve_xstrdup(p->volumes[i].path);
	free(pool);
	return path;
}

/* Starts a task of type on node n running fn(job); job->task is set. */
static int start_job(struct tve_backend *b, struct tve_node *n, const char *type,
		     const char *target, void *(*fn)(void *), void *job, struct tve_task **task,
		     char **task_id, char **err)
{
	char *msg = NULL;

	*task = tve_task_begin(b->tasks, n->name, type, target);
	if (task_id)
		*task_id = tve_xstrdup(tve_task_id(*task));
	if (tve_backend_spawn(b, fn, job, &msg) < 0) {
		tve_task_finish(*task, msg);
		tve_set_err(err, "%s", msg);
		free(msg);
		return -1;
	}
	return 0;
}

static int ct_prepare(struct ct_job *j, char **err)
{
	if (tve_ct_check_page(&j->spec, &j->ctx, -1, err) < 0 ||
	    tve_ct_spec_plan(&j->spec, &j->ctx, err) < 0)
		return -1;
	if (!(j->template_path = volume_path(j->ctx.node, j->spec.template_vol)))
		return tve_set_err(err, "template %s not found", j->spec.template_vol);
	j->vol_xml = tve_ct_volume_xml(&j->spec);
	return 0;
}

int tve_backend_create_ct(struct tve_backend *b, size_t node, const struct tve_ct_spec *spec,
			  char **task_id, char **err)
{
	struct tve_node *n;
	struct ct_job *j;
	const char *why;
	char target[32];

	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "invalid node");
	n = b->nodes[node];
	if ((why = tve_create_unsupported(n->drv)))
		return tve_set_err(err, "%s: %s", n->name, why);
	j = tve_xcalloc(1, sizeof(*j));
	tve_ct_spec_copy(&j->spec, spec);
	tve_backend_ctx_get(b, node, &j->ctx);
	if (ct_prepare(j, err) < 0 || tve_backend_reserve_vmid(b, j->spec.vmid, err) < 0) {
		ct_job_free(j);
		return -1;
	}
	j->node = n;
	if (!(j->conn = tve_node_conn_get(n))) {
		tve_backend_release_vmid(b, j->spec.vmid);
		ct_job_free(j);
		return tve_set_err(err, "node %s is offline", n->name);
	}
	j->demo = j->ctx.node->has_caps && j->ctx.node->caps.domain_type &&
		  strcmp(j->ctx.node->caps.domain_type, "test") == 0;
	if (!j->demo && (!n->drv->is_local || !n->drv->is_local(j->conn->h))) {
		tve_node_conn_put(n, j->conn);
		tve_backend_release_vmid(b, j->spec.vmid);
		ct_job_free(j);
		return tve_set_err(err, "%s: containers are made from their template on this "
				   "host; %s is not a local node", n->name, n->name);
	}
	snprintf(target, sizeof(target), "%d", j->spec.vmid);
	if (start_job(b, n, "vzcreate", target, ct_main, j, &j->task, task_id, err) < 0) {
		tve_node_conn_put(n, j->conn);
		tve_backend_release_vmid(b, j->spec.vmid);
		ct_job_free(j);
		return -1;
	}
	return 0;
}

/* ---- templates ---- */

struct tmpl_job {
	struct tve_node *node;
	struct conn *conn;
	struct tve_task *task;
	char *pool, *suite, *mirror, *dest;
};

static void *tmpl_main(void *opaque)
{
	struct tmpl_job *j = opaque;
	struct tve_backend *b = j->node->b;
	char *err = NULL;
	int rc;

	tve_task_log(j->task, "making %s from Debian %s", j->dest, j->suite);
	rc = tve_ct_template_debootstrap(j->suite, j->mirror, j->dest, j->task, &err);
	if (rc == 0 && j->conn->drv->pool_refresh &&
	    j->conn->drv->pool_refresh(j->conn->h, j->pool, &err) < 0)
		tve_task_log(j->task, "the pool does not list it yet: %s", err);
	tve_node_conn_put(j->node, j->conn);
	tve_node_request_refresh(j->node, TVE_REFRESH_POOLS);
	tve_task_finish(j->task, rc < 0 ? (err ? err : "failed") : NULL);
	free(err);
	free(j->pool);
	free(j->suite);
	free(j->mirror);
	free(j->dest);
	free(j);
	tve_backend_spawn_done(b);
	return NULL;
}

/* Debian's release number of a suite name, for the template's name. */
static const char *debian_version(const char *suite)
{
	static const struct {
		const char *suite, *version;
	} v[] = {
		{ "bullseye", "11" }, { "bookworm", "12" }, { "trixie", "13" }, { "forky", "14" },
	};

	for (size_t i = 0; i < TVE_ARRAY_SIZE(v); i++)
		if (strcmp(v[i].suite, suite) == 0)
			return v[i].version;
	return suite;
}

static bool suite_ok(const char *suite)
{
	if (!suite || !*suite)
		return false;
	for (const char *p = suite; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

int tve_backend_make_template(struct tve_backend *b, size_t node, const char *pool,
			      const char *suite, const char *mirror, char **task_id, char **err)
{
	struct tve_snapshot *s;
	const struct tve_pool *p;
	struct tve_node *n;
	struct tmpl_job *j;
	struct stat st;
	char day[16];
	time_t now = time(NULL);
	struct tm tm;

	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "invalid node");
	if (!suite_ok(suite))
		return tve_set_err(err, "'%s' is not a Debian suite name", suite ? suite : "");
	n = b->nodes[node];
	s = tve_node_latest(n);
	p = tve_snapshot_find_pool(s, pool);
	if (!p || !p->active || !p->path || !p->type ||
	    (strcmp(p->type, "dir") && strcmp(p->type, "fs") && strcmp(p->type, "netfs"))) {
		tve_snapshot_unref(s);
		return tve_set_err(err, "%s: %s is not an active directory storage", n->name, pool);
	}
	j = tve_xcalloc(1, sizeof(*j));
	localtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	j->dest = tve_xasprintf("%s/debian-%s-tve_%s_amd64.tar.gz", p->path,
				debian_version(suite), day);
	tve_snapshot_unref(s);
	if (stat(j->dest, &st) == 0) {
		tve_set_err(err, "%s already exists", j->dest);
		free(j->dest);
		free(j);
		return -1;
	}
	j->node = n;
	if (!(j->conn = tve_node_conn_get(n)) || !j->conn->drv->is_local ||
	    !j->conn->drv->is_local(j->conn->h)) {
		tve_set_err(err, j->conn ? "%s is not this host (templates are made locally)"
				 : "%s is offline", n->name);
		if (j->conn)
			tve_node_conn_put(n, j->conn);
		free(j->dest);
		free(j);
		return -1;
	}
	j->pool = tve_xstrdup(pool);
	j->suite = tve_xstrdup(suite);
	j->mirror = tve_xstrdup(mirror);
	if (start_job(b, n, "vztmpl", pool, tmpl_main, j, &j->task, task_id, err) < 0) {
		tve_node_conn_put(n, j->conn);
		free(j->pool);
		free(j->suite);
		free(j->mirror);
		free(j->dest);
		free(j);
		return -1;
	}
	return 0;
}
