/* backend_storage.c - storage pools and volumes as tasks: add, remove,
 * start/stop; volume create, delete, resize, copy/move and upload.
 *
 * Everything that can be refused is refused on the caller's thread from the
 * node's latest snapshot, before a task exists (volume in use by a guest,
 * shrinking, copying onto its own pool, a format the pool cannot hold);
 * the task thread only talks to the node.  Proxmox's "content" types have
 * no libvirt equivalent and live in $state_dir/storage-NODE.json:
 *   {"pools": {"local": {"content": "images,iso"}}} */
#include <errno.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend_priv.h"
#include "util.h"
#include "xmlbuf.h"

/* ---- content types (storage-NODE.json) ---- */

static pthread_mutex_t content_lock = PTHREAD_MUTEX_INITIALIZER;

static char *state_dir(struct tve_backend *b)
{
	return b->cfg.state_dir ? tve_xstrdup(b->cfg.state_dir) : tve_state_dir();
}

static char *content_file(struct tve_backend *b, const char *node)
{
	char *dir = state_dir(b), *safe = tve_xstrdup(node), *path;

	for (char *c = safe; *c; c++)
		if (*c == '/')
			*c = '_';
	path = tve_xasprintf("%s/storage-%s.json", dir, safe);
	free(dir);
	free(safe);
	return path;
}

/* The file's object (a new empty one when missing or damaged). */
static struct json_object *content_load(const char *path)
{
	struct json_object *o = access(path, F_OK) == 0 ? json_object_from_file(path) : NULL;

	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = json_object_new_object();
	}
	return o;
}

/* Sets (content non-NULL) or forgets the content of node's pool. */
static int content_store(struct tve_backend *b, const char *node, const char *pool,
			 const char *content, char **err)
{
	char *path = content_file(b, node), *dir = state_dir(b), *tmp = NULL;
	struct json_object *o, *pools;
	int rc = 0;

	pthread_mutex_lock(&content_lock);
	o = content_load(path);
	if (!json_object_object_get_ex(o, "pools", &pools) ||
	    !json_object_is_type(pools, json_type_object)) {
		pools = json_object_new_object();
		json_object_object_add(o, "pools", pools);
	}
	if (content && *content) {
		struct json_object *p = json_object_new_object();

		json_object_object_add(p, "content", json_object_new_string(content));
		json_object_object_add(pools, pool, p);
	} else {
		json_object_object_del(pools, pool);
	}
	/* Written whole to a temporary file and renamed: never half a file. */
	tmp = tve_xasprintf("%s.tmp.%ld", path, (long)getpid());
	if (tve_mkdir_p(dir, 0700) < 0 ||
	    json_object_to_file_ext(tmp, o, JSON_C_TO_STRING_PRETTY) < 0 ||
	    rename(tmp, path) < 0) {
		rc = tve_set_err(err, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
	pthread_mutex_unlock(&content_lock);
	json_object_put(o);
	free(tmp);
	free(dir);
	free(path);
	return rc;
}

char *tve_backend_pool_content(struct tve_backend *b, size_t node, const char *pool)
{
	struct json_object *o, *pools, *p, *c;
	char *path, *content = NULL;

	if (node >= tve_nodes_n(b) || !pool)
		return NULL;
	path = content_file(b, b->nodes[node]->name);
	pthread_mutex_lock(&content_lock);
	o = content_load(path);
	pthread_mutex_unlock(&content_lock);
	if (json_object_object_get_ex(o, "pools", &pools) &&
	    json_object_object_get_ex(pools, pool, &p) &&
	    json_object_object_get_ex(p, "content", &c) && json_object_is_type(c, json_type_string))
		content = tve_xstrdup(json_object_get_string(c));
	json_object_put(o);
	free(path);
	return content;
}

/* true when content (NULL = everything) lists word. */
static bool content_has(const char *content, const char *word)
{
	size_t n = strlen(word);

	if (!content || !*content)
		return true;
	for (const char *c = content; (c = strstr(c, word)); c += n)
		if ((c == content || strchr(", ", c[-1])) && (!c[n] || strchr(", ", c[n])))
			return true;
	return false;
}

/* The content type a file of this name is: iso, vztmpl or images. */
static const char *content_of_name(const char *name)
{
	static const char *const tmpl[] = { ".tar.gz", ".tar.xz", ".tar.zst", ".tgz" };
	size_t n = strlen(name);

	if (n > 4 && strcmp(name + n - 4, ".iso") == 0)
		return "iso";
	for (size_t i = 0; i < TVE_ARRAY_SIZE(tmpl); i++)
		if (n > strlen(tmpl[i]) && strcmp(name + n - strlen(tmpl[i]), tmpl[i]) == 0)
			return "vztmpl";
	return "images";
}

/* ---- checks from the snapshot ---- */

static bool file_pool(const struct tve_pool *p)
{
	return tve_pool_allows_format(p->type, TVE_FMT_QCOW2);
}

static char *guest_label(const struct tve_guest *g)
{
	if (g->vmid > 0)
		return tve_xasprintf("%s %d (%s)", tve_guest_type_name(g->type), g->vmid, g->name);
	return tve_xasprintf("%s %s", tve_guest_type_name(g->type), g->name);
}

/* true when disk d refers to volume v of pool: as "pool/volume" or by its
 * path.  v NULL: to any volume of pool. */
static bool disk_uses(const struct tve_disk *d, const struct tve_pool *p, const struct tve_volume *v)
{
	size_t n = strlen(p->name);

	if (!d->source)
		return false;
	if (d->source[0] != '/')
		return strncmp(d->source, p->name, n) == 0 && d->source[n] == '/' &&
		       (!v || strcmp(d->source + n + 1, v->name) == 0);
	if (v)
		return v->path && strcmp(d->source, v->path) == 0;
	for (size_t i = 0; i < p->n_volumes; i++)
		if (p->volumes[i].path && strcmp(d->source, p->volumes[i].path) == 0)
			return true;
	return false;
}

/* The first guest (running ones only when running) with a disk on volume v
 * of pool p (any volume when v is NULL), or NULL. */
static const struct tve_guest *user_of(const struct tve_snapshot *s, const struct tve_pool *p,
				       const struct tve_volume *v, bool running)
{
	for (size_t i = 0; i < s->n_guests; i++) {
		const struct tve_guest *g = &s->guests[i];

		if (running && g->state != TVE_STATE_RUNNING && g->state != TVE_STATE_PAUSED &&
		    g->state != TVE_STATE_BLOCKED && g->state != TVE_STATE_SHUTDOWN)
			continue;
		for (size_t k = 0; k < g->n_disks; k++)
			if (disk_uses(&g->disks[k], p, v))
				return g;
	}
	return NULL;
}

/* -1 with *err = "vm-100-disk-0.qcow2 is used by VM 100 (web01)[, which is
 * running]WHY" when a guest (a running one, when running) uses v; else 0. */
static int refuse_in_use(const struct tve_snapshot *s, const struct tve_pool *p,
			 const struct tve_volume *v, bool running, const char *why, char **err)
{
	const struct tve_guest *g = user_of(s, p, v, running);
	char *label;

	if (!g)
		return 0;
	label = guest_label(g);
	tve_set_err(err, "%s is used by %s%s%s", v->name, label, running ? ", which is running" : "",
		    why ? why : "");
	free(label);
	return -1;
}

static char *check_vol_name(const char *name)
{
	if (!name || !*name)
		return tve_xstrdup("a volume needs a name");
	if (strlen(name) > 200)
		return tve_xstrdup("the volume name is longer than 200 characters");
	if (name[0] == '.' || name[0] == '-')
		return tve_xasprintf("a volume name must not start with '%c'", name[0]);
	for (const char *c = name; *c; c++)
		if (*c == '/' || (unsigned char)*c < 0x20)
			return tve_xstrdup("a volume name must not contain '/' or control characters");
	return NULL;
}

/* Room for bytes more on p: thin file pools only need the space the data
 * takes, block pools all of it. */
static int check_room(const struct tve_pool *p, unsigned long long bytes, char **err)
{
	char a[32], b[32];

	if (bytes <= p->available)
		return 0;
	return tve_set_err(err, "%s needs %s, %s has %s free", file_pool(p) ? "the data" : "the volume",
			   tve_fmt_bytes(a, sizeof(a), bytes), p->name,
			   tve_fmt_bytes(b, sizeof(b), p->available));
}

/* ---- the task ---- */

enum st_kind {
	ST_POOL_ADD, ST_POOL_REMOVE, ST_POOL_SET,
	ST_VOL_CREATE, ST_VOL_DELETE, ST_VOL_RESIZE, ST_VOL_COPY, ST_VOL_UPLOAD,
};

struct st_job {
	struct tve_node *node;
	struct conn *conn;
	struct tve_task *task;
	enum st_kind kind;
	char *pool, *volume, *dst_pool, *xml, *path, *content;
	char uuid[37], *guest, *dev;	/* resize through a running guest */
	bool build, active, autostart, delete_data, move;
	unsigned long long size, old_size;
};

static void st_job_free(struct st_job *j)
{
	free(j->pool);
	free(j->volume);
	free(j->dst_pool);
	free(j->xml);
	free(j->path);
	free(j->content);
	free(j->guest);
	free(j->dev);
	free(j);
}

static int st_run(struct st_job *j, char **err)
{
	const struct tve_driver_ops *drv = j->conn->drv;
	struct tve_backend *b = j->node->b;
	struct tve_task *t = j->task;
	void *h = j->conn->h;
	char a[32], c[32], *msg = NULL;
	int rc = -1;

	switch (j->kind) {
	case ST_POOL_ADD:
		if ((rc = drv->pool_add(h, j->xml, j->build, j->active, j->autostart, t, err)) < 0)
			break;
		if (content_store(b, j->node->name, j->pool, j->content, &msg) < 0)
			tve_task_log(t, "warning: %s", msg);
		else if (j->content)
			tve_task_log(t, "content: %s", j->content);
		break;
	case ST_POOL_REMOVE:
		if ((rc = drv->pool_remove(h, j->pool, j->delete_data, t, err)) == 0 &&
		    content_store(b, j->node->name, j->pool, NULL, &msg) < 0)
			tve_task_log(t, "warning: %s", msg);
		break;
	case ST_POOL_SET:
		rc = drv->pool_set(h, j->pool, j->active, j->autostart, t, err);
		break;
	case ST_VOL_CREATE:
		tve_task_log(t, "creating volume %s/%s (%s)", j->pool, j->volume,
			     tve_fmt_bytes(a, sizeof(a), j->size));
		rc = drv->vol_create(h, j->pool, j->xml, NULL, err);
		break;
	case ST_VOL_DELETE:
		tve_task_log(t, "deleting volume %s/%s", j->pool, j->volume);
		rc = drv->vol_delete(h, j->pool, j->volume, err);
		break;
	case ST_VOL_RESIZE:
		tve_task_log(t, "resizing %s/%s from %s to %s%s%s", j->pool, j->volume,
			     tve_fmt_bytes(a, sizeof(a), j->old_size),
			     tve_fmt_bytes(c, sizeof(c), j->size), j->guest ? " through " : "",
			     j->guest ? j->guest : "");
		rc = drv->vol_resize(h, j->pool, j->volume, j->size, j->guest ? j->uuid : NULL,
				     j->dev, err);
		break;
	case ST_VOL_COPY:
		if ((rc = drv->vol_copy(h, j->pool, j->volume, j->dst_pool, t, err)) < 0 || !j->move)
			break;
		tve_task_log(t, "deleting the source %s/%s", j->pool, j->volume);
		if ((rc = drv->vol_delete(h, j->pool, j->volume, &msg)) < 0)
			tve_set_err(err, "copied to %s, but cannot delete the source: %s", j->dst_pool,
				    msg);
		break;
	case ST_VOL_UPLOAD:
		rc = drv->vol_upload(h, j->pool, j->xml, j->path, t, err);
		break;
	}
	if (rc < 0 && err && !*err)
		tve_set_err(err, "failed");
	free(msg);
	return rc;
}

/* One line for the task's error: tools that libvirt runs (lvcreate...)
 * leave multi-line output in its messages. */
static void one_line(char *s)
{
	char *w = s;

	for (char *r = s; s && *r; r++) {
		bool space = *r == '\n' || *r == '\r' || *r == '\t' || *r == ' ';

		if (!space)
			*w++ = *r;
		else if (w > s && w[-1] != ' ')
			*w++ = ' ';
	}
	while (w && w > s && w[-1] == ' ')
		w--;
	if (w)
		*w = 0;
}

static void *st_main(void *opaque)
{
	struct st_job *j = opaque;
	struct tve_backend *b = j->node->b;
	char *err = NULL;
	int rc;

	rc = st_run(j, &err);
	one_line(err);
	if (rc == 0)
		tve_task_log(j->task, "done");
	else if (j->kind == ST_VOL_CREATE || j->kind == ST_VOL_DELETE || j->kind == ST_VOL_RESIZE)
		tve_task_log(j->task, "%s", err);
	tve_node_conn_put(j->node, j->conn);
	tve_node_request_refresh(j->node, TVE_REFRESH_POOLS);
	tve_task_finish(j->task, rc < 0 ? err : NULL);
	free(err);
	st_job_free(j);
	tve_backend_spawn_done(b);
	return NULL;
}

/* Starts the job as a task of type on target; frees j on failure. */
static int submit(struct tve_node *n, struct st_job *j, const char *type, const char *target,
		  char **task_id, char **err)
{
	struct tve_backend *b = n->b;
	char *msg = NULL;

	j->node = n;
	if (!(j->conn = tve_node_conn_get(n))) {
		st_job_free(j);
		return tve_set_err(err, "node %s is offline", n->name);
	}
	j->task = tve_task_begin(b->tasks, n->name, type, target);
	if (task_id)
		*task_id = tve_xstrdup(tve_task_id(j->task));
	if (tve_backend_spawn(b, st_main, j, &msg) < 0) {
		tve_task_finish(j->task, msg);
		tve_node_conn_put(n, j->conn);
		st_job_free(j);
		tve_set_err(err, "%s", msg);
		free(msg);
		return -1;
	}
	return 0;
}

/* What a storage call works on, from the node's latest snapshot. */
struct target {
	struct tve_node *n;
	struct tve_snapshot *s;		/* a reference: target_put() drops it */
	const struct tve_pool *p;	/* when a pool was named */
	const struct tve_volume *v;	/* when a volume was named */
};

#define HAS_OP(b, node, op) ((node) < tve_nodes_n(b) && (b)->nodes[node]->drv->op != NULL)

static const struct tve_volume *find_volume(const struct tve_pool *p, const char *name)
{
	for (size_t i = 0; name && i < p->n_volumes; i++)
		if (strcmp(p->volumes[i].name, name) == 0)
			return &p->volumes[i];
	return NULL;
}

static int target_put(struct target *t)
{
	tve_snapshot_unref(t->s);
	t->s = NULL;
	return -1;
}

/* Looks up node (online, its driver has the op), pool (NULL = none; active
 * when active) and volume (NULL = none) of that pool.  0, or -1 with *err
 * (nothing held). */
static int target_get(struct tve_backend *b, size_t node, bool has_op, const char *pool,
		      bool active, const char *volume, struct target *t, char **err)
{
	memset(t, 0, sizeof(*t));
	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "invalid node");
	t->n = b->nodes[node];
	if (!has_op)
		return tve_set_err(err, "%s: this storage action is not supported by the node",
				   t->n->name);
	t->s = tve_node_latest(t->n);
	if (t->s->state != TVE_NODE_ONLINE) {
		tve_set_err(err, "node %s is %s", t->n->name, tve_node_state_name(t->s->state));
		return target_put(t);
	}
	if (!pool)
		return 0;
	if (!(t->p = tve_snapshot_find_pool(t->s, pool))) {
		tve_set_err(err, "no storage %s on %s", pool, t->n->name);
		return target_put(t);
	}
	if (active && !t->p->active) {
		tve_set_err(err, "storage %s is not active", pool);
		return target_put(t);
	}
	if (volume && !(t->v = find_volume(t->p, volume))) {
		tve_set_err(err, "no volume %s in %s", volume, pool);
		return target_put(t);
	}
	return 0;
}

static struct st_job *job_new(enum st_kind kind, const char *pool, const char *volume)
{
	struct st_job *j = tve_xcalloc(1, sizeof(*j));

	j->kind = kind;
	j->pool = tve_xstrdup(pool);
	j->volume = tve_xstrdup(volume);
	return j;
}

/* Drops t and starts j as a task on the volume ("pool:volume", as
 * Proxmox names volumes). */
static int submit_vol(struct target *t, struct st_job *j, const char *type, char **task_id,
		      char **err)
{
	char *target = tve_xasprintf("%s:%s", j->pool, j->volume);
	int rc;

	target_put(t);
	rc = submit(t->n, j, type, target, task_id, err);
	free(target);
	return rc;
}

/* A <volume> of capacity bytes: thin with the format on file pools, raw
 * and fully allocated on block pools (which take no format). */
static char *volume_xml(const char *name, unsigned long long size, const char *format,
			const struct tve_pool *p)
{
	struct tve_xb b = { 0 };

	tve_xb_printf(&b, "<volume>\n  <name>%s</name>\n  <capacity unit='bytes'>%llu</capacity>\n",
		      name, size);
	if (file_pool(p))
		tve_xb_printf(&b, "  <allocation unit='bytes'>0</allocation>\n  <target>\n"
				  "    <format type='%s'/>\n  </target>\n", format);
	else
		tve_xb_puts(&b, "  <target/>\n");
	tve_xb_puts(&b, "</volume>\n");
	return b.s;
}

/* Refuses a name that is invalid or taken in t's pool, or content the pool
 * does not hold (kind: "images", "iso", "vztmpl"). */
static int check_new_volume(struct tve_backend *b, size_t node, const struct target *t,
			    const char *name, const char *kind, char **err)
{
	char *msg = check_vol_name(name), *content;
	int rc = 0;

	if (msg) {
		rc = tve_set_err(err, "%s", msg);
		free(msg);
		return rc;
	}
	if (find_volume(t->p, name))
		return tve_set_err(err, "%s already has a volume %s", t->p->name, name);
	content = tve_backend_pool_content(b, node, t->p->name);
	if (!content_has(content, kind) &&
	    !(strcmp(kind, "images") == 0 && content_has(content, "rootdir")))
		rc = tve_set_err(err, "%s does not hold %s (content: %s)", t->p->name,
				 strcmp(kind, "images") == 0 ? "disk images" : kind, content);
	free(content);
	return rc;
}

/* ---- pools ---- */

int tve_backend_pool_add(struct tve_backend *b, size_t node, const struct tve_pool_spec *spec,
			 char **task_id, char **err)
{
	struct target t;
	struct st_job *j;
	char *msg;

	if (target_get(b, node, HAS_OP(b, node, pool_add), NULL, false, NULL, &t, err) < 0)
		return -1;
	msg = tve_pool_spec_check(spec, t.s);
	target_put(&t);
	if (msg) {
		tve_set_err(err, "%s", msg);
		free(msg);
		return -1;
	}
	j = job_new(ST_POOL_ADD, spec->name, NULL);
	j->xml = tve_pool_spec_xml(spec);
	j->content = spec->content && *spec->content ? tve_xstrdup(spec->content) : NULL;
	j->build = spec->build;
	j->active = spec->active;
	j->autostart = spec->autostart;
	return submit(t.n, j, "stor-add", spec->name, task_id, err);
}

int tve_backend_pool_remove(struct tve_backend *b, size_t node, const char *pool,
			    bool delete_data, char **task_id, char **err)
{
	const struct tve_guest *g = NULL;
	struct target t;
	struct st_job *j;

	if (target_get(b, node, HAS_OP(b, node, pool_remove), pool, false, NULL, &t, err) < 0)
		return -1;
	/* Its data goes only when no guest needs it; the definition goes
	 * only when no guest refers to its volumes through the pool. */
	for (size_t i = 0; !g && i < t.s->n_guests; i++) {
		for (size_t k = 0; !g && k < t.s->guests[i].n_disks; k++) {
			const struct tve_disk *d = &t.s->guests[i].disks[k];

			if ((delete_data || (d->source && d->source[0] != '/')) &&
			    disk_uses(d, t.p, NULL))
				g = &t.s->guests[i];
		}
	}
	if (g) {
		char *label = guest_label(g);

		tve_set_err(err, "storage %s is used by %s", pool, label);
		free(label);
		return target_put(&t);
	}
	target_put(&t);
	j = job_new(ST_POOL_REMOVE, pool, NULL);
	j->delete_data = delete_data;
	return submit(t.n, j, "stor-remove", pool, task_id, err);
}

int tve_backend_pool_set(struct tve_backend *b, size_t node, const char *pool, bool active,
			 bool autostart, char **task_id, char **err)
{
	const struct tve_guest *g;
	struct target t;
	struct st_job *j;

	if (target_get(b, node, HAS_OP(b, node, pool_set), pool, false, NULL, &t, err) < 0)
		return -1;
	if (!active && t.p->active && (g = user_of(t.s, t.p, NULL, true))) {
		char *label = guest_label(g);

		tve_set_err(err, "storage %s cannot stop: %s is running on it", pool, label);
		free(label);
		return target_put(&t);
	}
	target_put(&t);
	j = job_new(ST_POOL_SET, pool, NULL);
	j->active = active;
	j->autostart = autostart;
	return submit(t.n, j, "stor-set", pool, task_id, err);
}

/* ---- volumes ---- */

int tve_backend_vol_create(struct tve_backend *b, size_t node, const char *pool,
			   const char *name, unsigned long long size, enum tve_vol_format format,
			   char **task_id, char **err)
{
	struct target t;
	struct st_job *j;

	if (target_get(b, node, HAS_OP(b, node, vol_create), pool, true, NULL, &t, err) < 0)
		return -1;
	if (check_new_volume(b, node, &t, name, "images", err) < 0)
		return target_put(&t);
	if (size == 0) {
		tve_set_err(err, "a volume needs a size");
		return target_put(&t);
	}
	if ((unsigned)format >= TVE_FMT__COUNT || !tve_pool_allows_format(t.p->type, format)) {
		tve_set_err(err, "%s storage %s cannot hold %s volumes (raw only)",
			    t.p->type ? t.p->type : "this", pool, tve_vol_format_name(format));
		return target_put(&t);
	}
	if (!file_pool(t.p) && check_room(t.p, size, err) < 0)
		return target_put(&t);
	j = job_new(ST_VOL_CREATE, pool, name);
	j->size = size;
	j->xml = volume_xml(name, size, tve_vol_format_name(format), t.p);
	return submit_vol(&t, j, "imgcreate", task_id, err);
}

int tve_backend_vol_delete(struct tve_backend *b, size_t node, const char *pool,
			   const char *volume, char **task_id, char **err)
{
	struct target t;

	if (!volume)
		return tve_set_err(err, "no volume named");
	if (target_get(b, node, HAS_OP(b, node, vol_delete), pool, true, volume, &t, err) < 0)
		return -1;
	if (refuse_in_use(t.s, t.p, t.v, false, NULL, err) < 0)
		return target_put(&t);
	return submit_vol(&t, job_new(ST_VOL_DELETE, pool, volume), "imgdel", task_id, err);
}

int tve_backend_vol_resize(struct tve_backend *b, size_t node, const char *pool,
			   const char *volume, unsigned long long new_size, char **task_id,
			   char **err)
{
	const struct tve_guest *g;
	struct target t;
	struct st_job *j;
	char a[32], c[32];

	if (!volume)
		return tve_set_err(err, "no volume named");
	if (target_get(b, node, HAS_OP(b, node, vol_resize), pool, true, volume, &t, err) < 0)
		return -1;
	if (new_size <= t.v->capacity) {
		tve_fmt_bytes(a, sizeof(a), t.v->capacity);
		if (new_size == t.v->capacity)
			tve_set_err(err, "%s is %s already", volume, a);
		else
			tve_set_err(err, "%s is %s: volumes only grow, %s is smaller", volume, a,
				    tve_fmt_bytes(c, sizeof(c), new_size));
		return target_put(&t);
	}
	if (!file_pool(t.p) && check_room(t.p, new_size - t.v->capacity, err) < 0)
		return target_put(&t);
	j = job_new(ST_VOL_RESIZE, pool, volume);
	j->size = new_size;
	j->old_size = t.v->capacity;
	/* A running guest's QEMU holds the image locked: it grows it itself,
	 * as Proxmox resizes disks of running VMs. */
	if ((g = user_of(t.s, t.p, t.v, true))) {
		for (size_t k = 0; !j->dev && k < g->n_disks; k++)
			if (disk_uses(&g->disks[k], t.p, t.v))
				j->dev = tve_xstrdup(g->disks[k].target);
		if (!j->dev)	/* libvirt also knows a disk by its source */
			j->dev = tve_xstrdup(t.v->path);
		snprintf(j->uuid, sizeof(j->uuid), "%s", g->uuid);
		j->guest = guest_label(g);
	}
	return submit_vol(&t, j, "imgresize", task_id, err);
}

int tve_backend_vol_copy(struct tve_backend *b, size_t node, const char *pool,
			 const char *volume, const char *dst_pool, bool move, char **task_id,
			 char **err)
{
	const struct tve_pool *dp;
	enum tve_vol_format f = TVE_FMT__COUNT;
	struct target t;
	struct st_job *j;
	const char *fmt;

	if (!volume || !dst_pool)
		return tve_set_err(err, "no volume or target storage named");
	if (target_get(b, node, HAS_OP(b, node, vol_copy) && HAS_OP(b, node, vol_delete), pool,
		       true, volume, &t, err) < 0)
		return -1;
	if (!(dp = tve_snapshot_find_pool(t.s, dst_pool)) || !dp->active) {
		tve_set_err(err, dp ? "storage %s is not active" : "no storage %s", dst_pool);
		return target_put(&t);
	}
	if (dp == t.p) {
		tve_set_err(err, "%s is already in %s: choose another storage", volume, pool);
		return target_put(&t);
	}
	fmt = t.v->format ? t.v->format : "raw";
	for (int i = 0; i < TVE_FMT__COUNT; i++)
		if (strcmp(tve_vol_format_name((enum tve_vol_format)i), fmt) == 0)
			f = (enum tve_vol_format)i;
	if (f == TVE_FMT__COUNT ? !file_pool(dp) : !tve_pool_allows_format(dp->type, f)) {
		tve_set_err(err, "%s storage %s cannot hold %s volumes (raw only)",
			    dp->type ? dp->type : "this", dst_pool, fmt);
		return target_put(&t);
	}
	/* A running guest changes the image while it is read: the copy would
	 * be inconsistent; a moved volume must not be in use at all. */
	{
		struct target dt = t;

		dt.p = dp;
		if (check_new_volume(b, node, &dt, volume, content_of_name(volume), err) < 0 ||
		    refuse_in_use(t.s, t.p, t.v, !move, move ? NULL : "; stop it first", err) < 0 ||
		    check_room(dp, file_pool(dp) ? t.v->allocation : t.v->capacity, err) < 0)
			return target_put(&t);
	}
	j = job_new(ST_VOL_COPY, pool, volume);
	j->dst_pool = tve_xstrdup(dst_pool);
	j->move = move;
	return submit_vol(&t, j, move ? "imgmove" : "imgcopy", task_id, err);
}

int tve_backend_vol_upload(struct tve_backend *b, size_t node, const char *pool,
			   const char *local_path, const char *name, char **task_id, char **err)
{
	struct target t;
	struct st_job *j;
	struct stat st;

	if (!local_path || stat(local_path, &st) < 0 || access(local_path, R_OK) < 0)
		return tve_set_err(err, "%s: %s", local_path ? local_path : "(no file)",
				   local_path ? strerror(errno) : "nothing to upload");
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return tve_set_err(err, "%s is not a file with data", local_path);
	if (!name || !*name)
		name = strrchr(local_path, '/') ? strrchr(local_path, '/') + 1 : local_path;
	if (target_get(b, node, HAS_OP(b, node, vol_upload), pool, true, NULL, &t, err) < 0)
		return -1;
	if (check_new_volume(b, node, &t, name, content_of_name(name), err) < 0 ||
	    check_room(t.p, (unsigned long long)st.st_size, err) < 0)
		return target_put(&t);
	j = job_new(ST_VOL_UPLOAD, pool, name);
	j->path = tve_xstrdup(local_path);
	j->xml = volume_xml(name, (unsigned long long)st.st_size, "raw", t.p);
	return submit_vol(&t, j, "upload", task_id, err);
}
