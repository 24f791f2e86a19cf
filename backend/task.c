/* task.c - the task store: Proxmox-style tasks in memory and on disk.
 *
 * Each node has a list of tasks, oldest first.  On disk every node has
 * <dir>/tasks-<node>.jsonl: one JSON object per line, a "begin" record when a
 * task starts and a full record (with its log) when it ends; records with
 * the same id merge, the last one wins.  Each record goes out with a single
 * write() on an O_APPEND descriptor so concurrent writers never interleave
 * inside a line. */
#include "task_priv.h"

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

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
	free(info->progress_text);
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
char *ts_task_file(const struct tve_taskstore *store, const char *node)
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

void ts_task_free(struct tve_task *t)
{
	if (!t)
		return;
	free(t->id);
	free(t->node);
	free(t->type);
	free(t->target);
	free(t->user);
	free(t->error);
	free(t->progress_text);
	for (size_t i = 0; i < t->n_lines; i++)
		free(t->lines[i]);
	free(t->lines);
	free(t);
}

void ts_push_line(struct tve_task *t, char *line)
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
		ts_push_line(t, tve_xstrdup(TASK_TRUNCATED_LINE));
		return;
	}
	s = tve_xmalloc(len + 1);

	memcpy(s, text, len);
	s[len] = '\0';
	ts_push_line(t, s);
}

void ts_finish_locked(struct tve_task *t, const char *error, time_t end)
{
	char *line;

	/* A finished task has nothing left to show as progress or to cancel. */
	t->has_progress = false;
	free(t->progress_text);
	t->progress_text = NULL;
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
	ts_push_line(t, line);
}

struct node_tasks *ts_node_get(struct tve_taskstore *store, const char *node, bool create)
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

void ts_node_push(struct node_tasks *nt, struct tve_task *t)
{
	if (nt->n == nt->cap) {
		nt->cap = nt->cap ? nt->cap * 2 : 16;
		nt->tasks = tve_xreallocarray(nt->tasks, nt->cap, sizeof(*nt->tasks));
	}
	nt->tasks[nt->n++] = t;
}

struct tve_task *ts_node_find(const struct node_tasks *nt, const char *id)
{
	for (size_t i = 0; i < nt->n; i++)
		if (strcmp(nt->tasks[i]->id, id) == 0)
			return nt->tasks[i];
	return NULL;
}

int ts_task_age_cmp(const struct tve_task *a, const struct tve_task *b)
{
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	return 0;
}

/* Drops the oldest finished tasks beyond max_keep.  Tasks handed out by
 * tve_task_begin stay allocated (without their log) until the store goes. */
void ts_node_trim(struct tve_taskstore *store, struct node_tasks *nt)
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
				ts_task_free(t);
			}
			continue;
		}
		nt->tasks[j++] = t;
	}
	nt->n = j;
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
			ts_task_free(store->nodes[i].tasks[j]);
		free(store->nodes[i].tasks);
		free(store->nodes[i].node);
	}
	free(store->nodes);
	for (size_t i = 0; i < store->n_retired; i++)
		ts_task_free(store->retired[i]);
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
void ts_changed_unlock(struct tve_taskstore *store)
{
	void (*hook)(void *) = store->hook;
	void *opaque = store->hook_opaque;

	store->generation++;
	pthread_mutex_unlock(&store->lock);
	if (hook)
		hook(opaque);
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
	atomic_init(&t->cancel, false);
	fnode = upid_field(t->node);
	ftype = upid_field(t->type);
	ftarget = upid_field(t->target);

	pthread_mutex_lock(&store->lock);
	nt = ts_node_get(store, node, true);
	do {
		free(t->id);
		t->id = tve_xasprintf("UPID:%s:%08X:%08X:%08X:%s:%s:%s:", fnode,
				      (unsigned)getpid(), (unsigned)store->seq++,
				      (unsigned)t->start, ftype, ftarget, t->user);
	} while (ts_node_find(nt, t->id));
	t->order = store->order++;
	ts_node_push(nt, t);
	ts_node_trim(store, nt);
	if (ts_append_record(store, t, false) < 0)
		ts_push_line(t, tve_xasprintf("warning: cannot save the task history in %s: %s",
					   store->dir, strerror(errno)));
	ts_changed_unlock(store);
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
	ts_changed_unlock(store);
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
	ts_finish_locked(t, error, time(NULL));
	(void)ts_append_record(store, t, true);
	ts_changed_unlock(store);
}

const char *tve_task_id(const struct tve_task *t)
{
	return t ? t->id : NULL;
}

/* ---- progress and cancel ---- */

void tve_task_progress(struct tve_task *t, double fraction, const char *text)
{
	struct tve_taskstore *store;
	char *copy;

	if (!t)
		return;
	store = t->store;
	copy = tve_xstrdup(text);
	pthread_mutex_lock(&store->lock);
	if (t->status != TVE_TASK_RUNNING || t->evicted) {
		pthread_mutex_unlock(&store->lock);
		free(copy);
		return;
	}
	/* NaN and negatives mean "unknown"; past the end reads as done. */
	t->has_progress = true;
	t->progress = fraction >= 0 ? (fraction > 1 ? 1 : fraction) : -1;
	free(t->progress_text);
	t->progress_text = copy;
	ts_changed_unlock(store);
}

void tve_task_set_cancellable(struct tve_task *t)
{
	struct tve_taskstore *store;

	if (!t)
		return;
	store = t->store;
	pthread_mutex_lock(&store->lock);
	if (t->cancellable || t->status != TVE_TASK_RUNNING) {
		pthread_mutex_unlock(&store->lock);
		return;
	}
	t->cancellable = true;
	ts_changed_unlock(store);
}

bool tve_task_cancelled(const struct tve_task *t)
{
	return t && atomic_load(&t->cancel);
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
	out->progress = t->has_progress ? t->progress : -1;
	out->progress_text = t->has_progress ? tve_xstrdup(t->progress_text) : NULL;
	out->cancellable = t->cancellable && t->status == TVE_TASK_RUNNING &&
			   !atomic_load(&t->cancel);
}

static int newest_first(const void *pa, const void *pb)
{
	return -ts_task_age_cmp(*(struct tve_task *const *)pa, *(struct tve_task *const *)pb);
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
		if ((t = ts_node_find(&store->nodes[i], id)))
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

int tve_taskstore_cancel(struct tve_taskstore *store, const char *id, char **err)
{
	struct tve_task *t;
	const char *why = NULL;

	pthread_mutex_lock(&store->lock);
	t = find_locked(store, id);
	if (!t)
		why = "no such task";
	else if (t->status != TVE_TASK_RUNNING)
		why = "the task has already ended";
	else if (!t->cancellable)
		why = "this task cannot be cancelled";
	if (why) {
		pthread_mutex_unlock(&store->lock);
		return tve_set_err(err, "%s", why);
	}
	/* Asking twice is harmless; the log says it once. */
	if (!atomic_exchange(&t->cancel, true))
		add_line(t, "cancel requested", strlen("cancel requested"));
	ts_changed_unlock(store);
	return 0;
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
