/* task_file.c - the task store's JSON lines files: one record when a
 * task begins and a full one when it ends; loading merges them. */
#include "task_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

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
int ts_append_record(struct tve_taskstore *store, const struct tve_task *t, bool full)
{
	char *path, *rec;
	int fd, rc, saved;

	if (!store->dir)
		return 0;
	path = ts_task_file(store, t->node);
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
			ts_push_line(t, tve_xstrdup(json_object_get_string(l)));
		}
		t->truncated = n > 0 && strcmp(t->lines[n - 1], TASK_TRUNCATED_LINE) == 0;
	}
	goto cleanup;
bad:
	ts_task_free(t);
	t = NULL;
cleanup:
	json_object_put(o);
	return t;
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
			ts_task_free(r->v[i].t);
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
		ts_task_free(r->v[i].t);
	memmove(r->v, r->v + drop, (n - drop) * sizeof(*r->v));
	r->n = n - drop;
}

/* Takes the loaded tasks into the node's list (locked). */
static void adopt_records(struct tve_taskstore *store, const char *node, const char *path,
			  struct records *r)
{
	struct node_tasks *nt = ts_node_get(store, node, true);
	bool compact = r->lines > 2 * store->max_keep;

	for (size_t i = 0; i < r->n; i++) {
		struct tve_task *t = r->v[i].t;

		t->store = store;
		if (t->status == TVE_TASK_RUNNING && !ts_node_find(nt, t->id)) {
			ts_finish_locked(t, TASK_INTERRUPTED, t->start);
			/* Say so in the file too, unless it is rewritten anyway. */
			if (!compact)
				(void)ts_append_record(store, t, true);
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

		if (ts_node_find(nt, t->id)) {
			ts_task_free(t);	/* the one in memory is newer */
			continue;
		}
		t->order = store->order++;
		ts_node_push(nt, t);
	}
	r->n = 0;
	/* Tasks begun before the load are newer than the file's: keep the
	 * list ordered by age (insertion sort, it is nearly sorted). */
	for (size_t i = 1; i < nt->n; i++)
		for (size_t j = i; j > 0 && ts_task_age_cmp(nt->tasks[j - 1], nt->tasks[j]) > 0; j--) {
			struct tve_task *tmp = nt->tasks[j];

			nt->tasks[j] = nt->tasks[j - 1];
			nt->tasks[j - 1] = tmp;
		}
	ts_node_trim(store, nt);
}

int tve_taskstore_load(struct tve_taskstore *store, const char *node, char **err)
{
	struct records r = { 0 };
	char *path;
	FILE *f;
	int rc = -1;

	if (!store->dir || !node)
		return 0;
	path = ts_task_file(store, node);
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
			ts_task_free(r.v[i].t);
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
	ts_changed_unlock(store);
	return rc;
unlock:
	free(r.v);
	free(path);
	pthread_mutex_unlock(&store->lock);
	return rc;
}

