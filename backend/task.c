/* task.c - the task store: Proxmox-style tasks in memory and on disk.
 *
 * Each node has a list of tasks, oldest first.  On disk every node has
 * <dir>/tasks-<node>.jsonl: one JSON object per line, a "begin" record when a
 * task starts and a full record (with its log) when it ends; records with
 * the same id merge, the last one wins.  Each record goes out with a single
 * write() on an O_APPEND descriptor so concurrent writers never interleave
 * inside a line. */
#include "task.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

#define TASK_MAX_LINES 10000
#define TASK_DEFAULT_KEEP 200
#define TASK_TRUNCATED_LINE "... (log truncated)"
#define TASK_INTERRUPTED "interrupted (tve exited)"

struct tve_task {
	struct tve_taskstore *store;
	char *id, *node, *type, *target, *user;
	time_t start, end;
	enum tve_task_status status;
	char *error;
	char **lines;
	size_t n_lines, cap_lines;
	bool truncated;
	bool handed_out;	/* returned by tve_task_begin: must outlive eviction */
	bool evicted;		/* dropped from the lists, log freed */
	uint64_t order;		/* creation order, breaks ties of equal start times */
};

struct node_tasks {
	char *node;
	struct tve_task **tasks;	/* oldest first */
	size_t n, cap;
};

struct tve_taskstore {
	pthread_mutex_t lock;
	char *dir;		/* NULL: memory only */
	size_t max_keep;
	char *user;
	unsigned long generation;
	uint32_t seq;
	uint64_t order;
	struct node_tasks *nodes;
	size_t n_nodes;
	/* Evicted tasks that a caller may still hold (log freed). */
	struct tve_task **retired;
	size_t n_retired;
	void (*hook)(void *);
	void *hook_opaque;
};

/* ---- small helpers ---- */

void tve_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

void tve_task_info_free(struct tve_task_info *info)
{
	if (!info)
		return;
	free(info->id);
	free(info->node);
	free(info->type);
	free(info->target);
	free(info->user);
	free(info->error);
	memset(info, 0, sizeof(*info));
}

void tve_task_info_array_free(struct tve_task_info *infos, size_t n)
{
	if (!infos)
		return;
	for (size_t i = 0; i < n; i++)
		tve_task_info_free(&infos[i]);
	free(infos);
}

static char *current_user(void)
{
	struct passwd pw, *res = NULL;
	char buf[1024];
	const char *env;

	if (getpwuid_r(geteuid(), &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_name[0])
		return tve_xasprintf("%s@tve", res->pw_name);
	env = getenv("USER");
	if (env && *env)
		return tve_xasprintf("%s@tve", env);
	return tve_xasprintf("%u@tve", (unsigned)geteuid());
}

/* Percent-encodes everything but [A-Za-z0-9._-] so that distinct node
 * names always get distinct file names. */
static char *task_file(const struct tve_taskstore *store, const char *node)
{
	size_t len = strlen(node);
	char *enc = tve_xmalloc(len * 3 + 1), *p = enc, *path;

	for (const unsigned char *s = (const unsigned char *)node; *s; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-')
			*p++ = (char)*s;
		else
			p += sprintf(p, "%%%02X", *s);
	}
	*p = '\0';
	path = tve_xasprintf("%s/tasks-%s.jsonl", store->dir, enc);
	free(enc);
	return path;
}

/* UPID fields are ':'-separated: keep separators and control characters
 * out of them. */
static char *upid_field(const char *s)
{
	char *r = tve_xstrdup(s ? s : "");

	for (char *p = r; *p; p++)
		if (*p == ':' || (unsigned char)*p < 0x20)
			*p = '_';
	return r;
}

static void task_free(struct tve_task *t)
{
	if (!t)
		return;
	free(t->id);
	free(t->node);
	free(t->type);
	free(t->target);
	free(t->user);
	free(t->error);
	for (size_t i = 0; i < t->n_lines; i++)
		free(t->lines[i]);
	free(t->lines);
	free(t);
}

static void push_line(struct tve_task *t, char *line)
{
	if (t->n_lines == t->cap_lines) {
		t->cap_lines = t->cap_lines ? t->cap_lines * 2 : 16;
		t->lines = tve_xreallocarray(t->lines, t->cap_lines, sizeof(*t->lines));
	}
	t->lines[t->n_lines++] = line;
}

/* Adds one log line, respecting the cap (the final TASK line bypasses it). */
static void add_line(struct tve_task *t, const char *text, size_t len)
{
	char *s;

	if (t->truncated)
		return;
	if (t->n_lines >= TASK_MAX_LINES) {
		t->truncated = true;
		push_line(t, tve_xstrdup(TASK_TRUNCATED_LINE));
		return;
	}
	s = tve_xmalloc(len + 1);

	memcpy(s, text, len);
	s[len] = '\0';
	push_line(t, s);
}

static void finish_locked(struct tve_task *t, const char *error, time_t end)
{
	char *line;

	t->end = end;
	if (error) {
		t->status = TVE_TASK_ERROR;
		t->error = tve_xstrdup(*error ? error : "failed");
		line = tve_xasprintf("TASK ERROR: %s", t->error);
		/* The TASK line stays one line whatever the message holds. */
		for (char *p = line; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
	} else {
		t->status = TVE_TASK_OK;
		line = tve_xstrdup("TASK OK");
	}
	push_line(t, line);
}

static struct node_tasks *node_get(struct tve_taskstore *store, const char *node, bool create)
{
	struct node_tasks *nt;

	for (size_t i = 0; i < store->n_nodes; i++)
		if (strcmp(store->nodes[i].node, node) == 0)
			return &store->nodes[i];
	if (!create)
		return NULL;
	store->nodes = tve_xreallocarray(store->nodes, store->n_nodes + 1, sizeof(*store->nodes));
	nt = &store->nodes[store->n_nodes++];
	memset(nt, 0, sizeof(*nt));
	nt->node = tve_xstrdup(node);
	return nt;
}

static void node_push(struct node_tasks *nt, struct tve_task *t)
{
	if (nt->n == nt->cap) {
		nt->cap = nt->cap ? nt->cap * 2 : 16;
		nt->tasks = tve_xreallocarray(nt->tasks, nt->cap, sizeof(*nt->tasks));
	}
	nt->tasks[nt->n++] = t;
}

static struct tve_task *node_find(const struct node_tasks *nt, const char *id)
{
	for (size_t i = 0; i < nt->n; i++)
		if (strcmp(nt->tasks[i]->id, id) == 0)
			return nt->tasks[i];
	return NULL;
}

static int task_age_cmp(const struct tve_task *a, const struct tve_task *b)
{
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return 0;
}

/* Drops the oldest finished tasks beyond max_keep.  Tasks handed out by
 * tve_task_begin stay allocated (without their log) until the store goes. */
static void node_trim(struct tve_taskstore *store, struct node_tasks *nt)
{
	size_t excess = nt->n > store->max_keep ? nt->n - store->max_keep : 0;
	size_t j = 0;

	for (size_t i = 0; i < nt->n; i++) {
		struct tve_task *t = nt->tasks[i];

		if (excess && t->status != TVE_TASK_RUNNING) {
			excess--;
			if (t->handed_out) {
				for (size_t k = 0; k < t->n_lines; k++)
					free(t->lines[k]);
				free(t->lines);
				t->lines = NULL;
				t->n_lines = t->cap_lines = 0;
				t->evicted = true;
				store->retired = tve_xreallocarray(store->retired, store->n_retired + 1,
								   sizeof(*store->retired));
				store->retired[store->n_retired++] = t;
			} else {
				task_free(t);
			}
			continue;
		}
		nt->tasks[j++] = t;
	}
	nt->n = j;
}

/* ---- JSON records ---- */

static void obj_add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, val ? json_object_new_string(val) : NULL);
}

static const char *status_word(enum tve_task_status s)
{
	return s == TVE_TASK_RUNNING ? "running" : s == TVE_TASK_OK ? "ok" : "error";
}

/* One line (with its '\n'), newly allocated. */
static char *task_record(const struct tve_task *t, bool full)
{
	struct json_object *o = json_object_new_object();
	char *s;

	obj_add_str(o, "id", t->id);
	obj_add_str(o, "node", t->node);
	obj_add_str(o, "type", t->type);
	obj_add_str(o, "target", t->target);
	obj_add_str(o, "user", t->user);
	json_object_object_add(o, "start", json_object_new_int64(t->start));
	if (full) {
		struct json_object *log = json_object_new_array_ext((int)t->n_lines);

		json_object_object_add(o, "end", json_object_new_int64(t->end));
		obj_add_str(o, "status", status_word(t->status));
		obj_add_str(o, "error", t->error);
		for (size_t i = 0; i < t->n_lines; i++)
			json_object_array_add(log, json_object_new_string(t->lines[i]));
		json_object_object_add(o, "log", log);
	} else {
		obj_add_str(o, "status", "running");
	}
	s = tve_xasprintf("%s\n", json_object_to_json_string_ext(
					  o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = write(fd, buf, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

/* Appends one record; 0 or -1 with errno. */
static int append_record(struct tve_taskstore *store, const struct tve_task *t, bool full)
{
	char *path, *rec;
	int fd, rc, saved;

	if (!store->dir)
		return 0;
	path = task_file(store, t->node);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	free(path);
	if (fd < 0)
		return -1;
	rec = task_record(t, full);
	rc = write_all(fd, rec, strlen(rec));
	saved = errno;
	free(rec);
	if (close(fd) < 0 && rc == 0)
		return -1;
	errno = saved;
	return rc;
}

static const char *obj_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool obj_time(struct json_object *o, const char *key, time_t *out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = (time_t)json_object_get_int64(v);
	return true;
}

/* A task from one record, or NULL if the record is malformed. */
static struct tve_task *task_from_json(const char *text, const char *node)
{
	struct json_object *o = json_tokener_parse(text), *log;
	struct tve_task *t = NULL;
	const char *id, *status;

	if (!o || !json_object_is_type(o, json_type_object))
		goto cleanup;
	id = obj_str(o, "id");
	status = obj_str(o, "status");
	if (!id || !*id || !status)
		goto cleanup;
	t = tve_xcalloc(1, sizeof(*t));
	t->id = tve_xstrdup(id);
	t->node = tve_xstrdup(node);
	t->type = tve_xstrdup(obj_str(o, "type") ?: "");
	t->target = tve_xstrdup(obj_str(o, "target") ?: "");
	t->user = tve_xstrdup(obj_str(o, "user") ?: "");
	if (!obj_time(o, "start", &t->start))
		goto bad;
	if (strcmp(status, "running") == 0) {
		t->status = TVE_TASK_RUNNING;
	} else if (strcmp(status, "ok") == 0) {
		t->status = TVE_TASK_OK;
	} else if (strcmp(status, "error") == 0) {
		t->status = TVE_TASK_ERROR;
		t->error = tve_xstrdup(obj_str(o, "error") ?: "failed");
	} else {
		goto bad;
	}
	if (t->status != TVE_TASK_RUNNING && !obj_time(o, "end", &t->end))
		goto bad;
	if (json_object_object_get_ex(o, "log", &log)) {
		size_t n;

		if (!json_object_is_type(log, json_type_array))
			goto bad;
		n = json_object_array_length(log);
		for (size_t i = 0; i < n; i++) {
			struct json_object *l = json_object_array_get_idx(log, i);

			if (!json_object_is_type(l, json_type_string))
				goto bad;
			push_line(t, tve_xstrdup(json_object_get_string(l)));
		}
		t->truncated = n > 0 && strcmp(t->lines[n - 1], TASK_TRUNCATED_LINE) == 0;
	}
	goto cleanup;
bad:
	task_free(t);
	t = NULL;
cleanup:
	json_object_put(o);
	return t;
}

/* ---- store ---- */

struct tve_taskstore *tve_taskstore_new(const char *dir, size_t max_keep)
{
	struct tve_taskstore *store = tve_xcalloc(1, sizeof(*store));

	pthread_mutex_init(&store->lock, NULL);
	store->max_keep = max_keep ? max_keep : TASK_DEFAULT_KEEP;
	store->user = current_user();
	if (dir) {
		store->dir = tve_xstrdup(dir);
		/* A failure shows up later, when a task cannot be saved. */
		(void)tve_mkdir_p(dir, 0700);
	}
	return store;
}

void tve_taskstore_free(struct tve_taskstore **storep)
{
	struct tve_taskstore *store = storep ? *storep : NULL;

	if (!store)
		return;
	for (size_t i = 0; i < store->n_nodes; i++) {
		for (size_t j = 0; j < store->nodes[i].n; j++)
			task_free(store->nodes[i].tasks[j]);
		free(store->nodes[i].tasks);
		free(store->nodes[i].node);
	}
	free(store->nodes);
	for (size_t i = 0; i < store->n_retired; i++)
		task_free(store->retired[i]);
	free(store->retired);
	free(store->dir);
	free(store->user);
	pthread_mutex_destroy(&store->lock);
	free(store);
	*storep = NULL;
}

void tve_taskstore_set_hook(struct tve_taskstore *store, void (*hook)(void *), void *opaque)
{
	pthread_mutex_lock(&store->lock);
	store->hook = hook;
	store->hook_opaque = opaque;
	pthread_mutex_unlock(&store->lock);
}

unsigned long tve_taskstore_generation(struct tve_taskstore *store)
{
	unsigned long g;

	pthread_mutex_lock(&store->lock);
	g = store->generation;
	pthread_mutex_unlock(&store->lock);
	return g;
}

/* Bumps the generation and unlocks, then calls the hook. */
static void changed_unlock(struct tve_taskstore *store)
{
	void (*hook)(void *) = store->hook;
	void *opaque = store->hook_opaque;

	store->generation++;
	pthread_mutex_unlock(&store->lock);
	if (hook)
		hook(opaque);
}

/* ---- loading ---- */

struct loaded {
	struct tve_task *t;
	size_t line;	/* position in the file: later records win */
};

static int loaded_id_cmp(const void *pa, const void *pb)
{
	const struct loaded *a = pa, *b = pb;
	int c = strcmp(a->t->id, b->t->id);

	if (c)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static int loaded_age_cmp(const void *pa, const void *pb)
{
	const struct loaded *a = pa, *b = pb;

	if (a->t->start != b->t->start)
		return a->t->start < b->t->start ? -1 : 1;
	return a->line < b->line ? -1 : a->line > b->line;
}

/* Rewrites the file with just these records (temp file + rename). */
static int compact_file(const char *path, struct tve_task **tasks, size_t n)
{
	char *tmp = tve_xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = -1;

	if (fd < 0)
		goto cleanup;
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char *rec = task_record(tasks[i], tasks[i]->status != TVE_TASK_RUNNING);

		rc = write_all(fd, rec, strlen(rec));
		free(rec);
	}
	if (rc == 0)
		rc = fsync(fd);
	if (close(fd) < 0)
		rc = -1;
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc < 0)
		unlink(tmp);
cleanup:
	free(tmp);
	return rc;
}

struct records {
	struct loaded *v;
	size_t n, cap;
	size_t lines;	/* non-empty lines, malformed ones included */
	size_t bad;
};

/* Reads every record of the file; 0, or -1 with errno if it can't be read. */
static int read_records(FILE *f, const char *node, struct records *r)
{
	char *line = NULL;
	size_t line_cap = 0;
	ssize_t len;
	int rc = 0;

	while ((len = getline(&line, &line_cap, f)) >= 0) {
		struct tve_task *t;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len == 0)
			continue;
		r->lines++;
		t = task_from_json(line, node);
		if (!t) {
			r->bad++;
			continue;
		}
		if (r->n == r->cap) {
			r->cap = r->cap ? r->cap * 2 : 64;
			r->v = tve_xreallocarray(r->v, r->cap, sizeof(*r->v));
		}
		r->v[r->n].t = t;
		r->v[r->n].line = r->lines;
		r->n++;
	}
	if (ferror(f))
		rc = -1;
	free(line);
	return rc;
}

/* Merges records by id (the last one wins; the first one's position keeps
 * the task's place among equal start times), then keeps the newest
 * max_keep, oldest first. */
static void merge_records(struct records *r, size_t max_keep)
{
	size_t n = 0, first = 0, drop;

	if (r->n)
		qsort(r->v, r->n, sizeof(*r->v), loaded_id_cmp);
	for (size_t i = 0; i < r->n; i++) {
		if (i + 1 < r->n && strcmp(r->v[i].t->id, r->v[i + 1].t->id) == 0) {
			task_free(r->v[i].t);
			continue;
		}
		r->v[n].t = r->v[i].t;
		r->v[n].line = r->v[first].line;
		n++;
		first = i + 1;
	}
	if (n)
		qsort(r->v, n, sizeof(*r->v), loaded_age_cmp);
	drop = n > max_keep ? n - max_keep : 0;
	for (size_t i = 0; i < drop; i++)
		task_free(r->v[i].t);
	memmove(r->v, r->v + drop, (n - drop) * sizeof(*r->v));
	r->n = n - drop;
}

/* Takes the loaded tasks into the node's list (locked). */
static void adopt_records(struct tve_taskstore *store, const char *node, const char *path,
			  struct records *r)
{
	struct node_tasks *nt = node_get(store, node, true);
	bool compact = r->lines > 2 * store->max_keep;

	for (size_t i = 0; i < r->n; i++) {
		struct tve_task *t = r->v[i].t;

		t->store = store;
		if (t->status == TVE_TASK_RUNNING && !node_find(nt, t->id)) {
			finish_locked(t, TASK_INTERRUPTED, t->start);
			/* Say so in the file too, unless it is rewritten anyway. */
			if (!compact)
				(void)append_record(store, t, true);
		}
	}
	if (compact) {
		struct tve_task **tasks = tve_xcalloc(r->n + 1, sizeof(*tasks));

		for (size_t i = 0; i < r->n; i++)
			tasks[i] = r->v[i].t;
		(void)compact_file(path, tasks, r->n);
		free(tasks);
	}
	for (size_t i = 0; i < r->n; i++) {
		struct tve_task *t = r->v[i].t;

		if (node_find(nt, t->id)) {
			task_free(t);	/* the one in memory is newer */
			continue;
		}
		t->order = store->order++;
		node_push(nt, t);
	}
	r->n = 0;
	/* Tasks begun before the load are newer than the file's: keep the
	 * list ordered by age (insertion sort, it is nearly sorted). */
	for (size_t i = 1; i < nt->n; i++)
		for (size_t j = i; j > 0 && task_age_cmp(nt->tasks[j - 1], nt->tasks[j]) > 0; j--) {
			struct tve_task *tmp = nt->tasks[j];

			nt->tasks[j] = nt->tasks[j - 1];
			nt->tasks[j - 1] = tmp;
		}
	node_trim(store, nt);
}

int tve_taskstore_load(struct tve_taskstore *store, const char *node, char **err)
{
	struct records r = { 0 };
	char *path;
	FILE *f;
	int rc = -1;

	if (!store->dir || !node)
		return 0;
	path = task_file(store, node);
	/* Under the lock: nobody appends while the file may be rewritten. */
	pthread_mutex_lock(&store->lock);
	f = fopen(path, "re");
	if (!f) {
		rc = errno == ENOENT ? 0 : tve_set_err(err, "%s: %s", path, strerror(errno));
		goto unlock;
	}
	if (read_records(f, node, &r) < 0) {
		tve_set_err(err, "%s: %s", path, strerror(errno));
		fclose(f);
		for (size_t i = 0; i < r.n; i++)
			task_free(r.v[i].t);
		goto unlock;
	}
	fclose(f);
	merge_records(&r, store->max_keep);
	adopt_records(store, node, path, &r);
	if (r.bad)
		tve_set_err(err, "%s: %zu malformed line%s skipped", path, r.bad,
			    r.bad == 1 ? "" : "s");
	rc = 0;
	free(r.v);
	free(path);
	changed_unlock(store);
	return rc;
unlock:
	free(r.v);
	free(path);
	pthread_mutex_unlock(&store->lock);
	return rc;
}

/* ---- tasks ---- */

struct tve_task *tve_task_begin(struct tve_taskstore *store, const char *node,
				const char *type, const char *target)
{
	struct tve_task *t = tve_xcalloc(1, sizeof(*t));
	struct node_tasks *nt;
	char *fnode, *ftype, *ftarget;

	if (!node || !*node)
		node = "localhost";
	t->store = store;
	t->node = tve_xstrdup(node);
	t->type = tve_xstrdup(type ? type : "task");
	t->target = tve_xstrdup(target ? target : "");
	t->user = tve_xstrdup(store->user);
	t->start = time(NULL);
	t->status = TVE_TASK_RUNNING;
	t->handed_out = true;
	fnode = upid_field(t->node);
	ftype = upid_field(t->type);
	ftarget = upid_field(t->target);

	pthread_mutex_lock(&store->lock);
	nt = node_get(store, node, true);
	do {
		free(t->id);
		t->id = tve_xasprintf("UPID:%s:%08X:%08X:%08X:%s:%s:%s:", fnode,
				      (unsigned)getpid(), (unsigned)store->seq++,
				      (unsigned)t->start, ftype, ftarget, t->user);
	} while (node_find(nt, t->id));
	t->order = store->order++;
	node_push(nt, t);
	node_trim(store, nt);
	if (append_record(store, t, false) < 0)
		push_line(t, tve_xasprintf("warning: cannot save the task history in %s: %s",
					   store->dir, strerror(errno)));
	changed_unlock(store);
	free(fnode);
	free(ftype);
	free(ftarget);
	return t;
}

void tve_task_log(struct tve_task *t, const char *fmt, ...)
{
	struct tve_taskstore *store;
	va_list ap;
	char *msg;
	const char *p;

	if (!t)
		return;
	store = t->store;
	va_start(ap, fmt);
	msg = tve_xvasprintf(fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&store->lock);
	if (t->status != TVE_TASK_RUNNING || t->evicted) {
		pthread_mutex_unlock(&store->lock);
		free(msg);
		return;
	}
	/* One entry per line; a trailing newline adds no empty line. */
	for (p = msg;;) {
		const char *nl = strchr(p, '\n');

		if (!nl) {
			if (*p || p == msg)
				add_line(t, p, strlen(p));
			break;
		}
		add_line(t, p, (size_t)(nl - p));
		p = nl + 1;
	}
	changed_unlock(store);
	free(msg);
}

void tve_task_finish(struct tve_task *t, const char *error)
{
	struct tve_taskstore *store;

	if (!t)
		return;
	store = t->store;
	pthread_mutex_lock(&store->lock);
	if (t->status != TVE_TASK_RUNNING) {
		pthread_mutex_unlock(&store->lock);
		return;
	}
	finish_locked(t, error, time(NULL));
	(void)append_record(store, t, true);
	changed_unlock(store);
}

const char *tve_task_id(const struct tve_task *t)
{
	return t ? t->id : NULL;
}

/* ---- queries ---- */

static void info_fill(struct tve_task_info *out, const struct tve_task *t)
{
	out->id = tve_xstrdup(t->id);
	out->node = tve_xstrdup(t->node);
	out->type = tve_xstrdup(t->type);
	out->target = tve_xstrdup(t->target);
	out->user = tve_xstrdup(t->user);
	out->start = t->start;
	out->end = t->end;
	out->status = t->status;
	out->error = tve_xstrdup(t->error);
	out->n_lines = t->n_lines;
}

static int newest_first(const void *pa, const void *pb)
{
	return -task_age_cmp(*(struct tve_task *const *)pa, *(struct tve_task *const *)pb);
}

size_t tve_taskstore_query(struct tve_taskstore *store, const char *node, const char *target,
			   size_t max, struct tve_task_info **out)
{
	struct tve_task **all = NULL;
	size_t n = 0, total = 0;

	*out = NULL;
	pthread_mutex_lock(&store->lock);
	for (size_t i = 0; i < store->n_nodes; i++)
		total += store->nodes[i].n;
	if (total)
		all = tve_xmalloc(total * sizeof(*all));
	for (size_t i = 0; i < store->n_nodes; i++) {
		const struct node_tasks *nt = &store->nodes[i];

		if (node && strcmp(nt->node, node) != 0)
			continue;
		for (size_t j = 0; j < nt->n; j++)
			if (!target || strcmp(nt->tasks[j]->target, target) == 0)
				all[n++] = nt->tasks[j];
	}
	if (n > 1)
		qsort(all, n, sizeof(*all), newest_first);
	if (n > max)
		n = max;
	if (n) {
		*out = tve_xcalloc(n, sizeof(**out));
		for (size_t i = 0; i < n; i++)
			info_fill(&(*out)[i], all[i]);
	}
	pthread_mutex_unlock(&store->lock);
	free(all);
	return n;
}

size_t tve_taskstore_recent(struct tve_taskstore *store, size_t max, struct tve_task_info **out)
{
	return tve_taskstore_query(store, NULL, NULL, max, out);
}

static struct tve_task *find_locked(struct tve_taskstore *store, const char *id)
{
	struct tve_task *t;

	if (!id)
		return NULL;
	for (size_t i = 0; i < store->n_nodes; i++)
		if ((t = node_find(&store->nodes[i], id)))
			return t;
	return NULL;
}

char **tve_taskstore_log(struct tve_taskstore *store, const char *id)
{
	struct tve_task *t;
	char **v = NULL;

	pthread_mutex_lock(&store->lock);
	t = find_locked(store, id);
	if (t) {
		v = tve_xcalloc(t->n_lines + 1, sizeof(*v));
		for (size_t i = 0; i < t->n_lines; i++)
			v[i] = tve_xstrdup(t->lines[i]);
	}
	pthread_mutex_unlock(&store->lock);
	return v;
}

int tve_taskstore_info(struct tve_taskstore *store, const char *id, struct tve_task_info *out)
{
	struct tve_task *t;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&store->lock);
	t = find_locked(store, id);
	if (t)
		info_fill(out, t);
	pthread_mutex_unlock(&store->lock);
	return t ? 0 : -1;
}

size_t tve_taskstore_running(struct tve_taskstore *store)
{
	size_t n = 0;

	pthread_mutex_lock(&store->lock);
	for (size_t i = 0; i < store->n_nodes; i++)
		for (size_t j = 0; j < store->nodes[i].n; j++)
			n += store->nodes[i].tasks[j]->status == TVE_TASK_RUNNING;
	pthread_mutex_unlock(&store->lock);
	return n;
}
