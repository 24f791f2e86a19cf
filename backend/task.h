/* task.h - Proxmox-style tasks: every action that changes something.
 *
 * A task has an id (UPID-like string), node, type, target, user, start and
 * end time, status and a log of lines.  The task store keeps the recent
 * tasks of all nodes in memory and appends them to a JSON lines file per
 * node under the state directory, so they survive restarts.
 *
 * Threads: a task is written by the thread running it (tve_task_log,
 * tve_task_finish) and read by the UI through the store's copy functions.
 * All of it is guarded by the store's mutex; the store calls its change hook
 * (outside the lock) after every change so the UI can be woken. */
#ifndef TVE_TASK_H
#define TVE_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

enum tve_task_status {
	TVE_TASK_RUNNING,
	TVE_TASK_OK,
	TVE_TASK_ERROR,
};

struct tve_task;	/* opaque, owned by the store */
struct tve_taskstore;

/* A read-only copy of a task's header for display; free with
 * tve_task_info_free(). */
struct tve_task_info {
	char *id;		/* "UPID:node:pid:start:type:target:user:" style */
	char *node;
	char *type;		/* "qmstart", "qmshutdown", "vzstart", ... */
	char *target;		/* "100" or the guest's name when it has no ID */
	char *user;		/* "root@pam"-like: unix user name + "@tve" */
	time_t start;
	time_t end;		/* 0 while running */
	enum tve_task_status status;
	char *error;		/* NULL unless status == TVE_TASK_ERROR */
	size_t n_lines;
	/* Long transfers (downloads, uploads, copies): done fraction 0..1, or
	 * < 0 when unknown/none; and a line like "120.5 MiB of 600 MiB,
	 * 11.2 MiB/s, ETA 0:43" (NULL when none).  Not persisted. */
	double progress;
	char *progress_text;
	bool cancellable;	/* tve_taskstore_cancel() means something */
};
void tve_task_info_free(struct tve_task_info *info);
void tve_task_info_array_free(struct tve_task_info *infos, size_t n);

/* Store.  dir: where tasks-<node>.jsonl live (created 0700 if missing);
 * NULL keeps tasks in memory only.  max_keep: tasks kept per node on load
 * and in memory (older ones are dropped from memory, not from the file
 * until it is compacted at load time). */
struct tve_taskstore *tve_taskstore_new(const char *dir, size_t max_keep);
void tve_taskstore_free(struct tve_taskstore **store);
/* Reads tasks-<node>.jsonl for this node, if present.  A task that was
 * running when tve last exited is marked as error "interrupted (tve
 * exited)".  0, or -1 with *err (a bad line is skipped, not fatal). */
int tve_taskstore_load(struct tve_taskstore *store, const char *node, char **err);
/* Called after every change (task added, line logged, finished), from
 * whatever thread made it, outside the store's lock. */
void tve_taskstore_set_hook(struct tve_taskstore *store, void (*hook)(void *), void *opaque);
/* Grows on every change; the UI compares it to know whether to redraw. */
unsigned long tve_taskstore_generation(struct tve_taskstore *store);

/* Starts a task (status RUNNING, start = now) and returns it.  The store
 * owns it; the pointer stays valid until tve_taskstore_free(). */
struct tve_task *tve_task_begin(struct tve_taskstore *store, const char *node,
				const char *type, const char *target);
void tve_task_log(struct tve_task *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Ends the task: error NULL = OK, else the error text (copied). */
void tve_task_finish(struct tve_task *t, const char *error);
const char *tve_task_id(const struct tve_task *t);
/* Progress of a running task (see struct tve_task_info); text copied.
 * Rate limited by the caller (the store wakes the UI on every call). */
void tve_task_progress(struct tve_task *t, double fraction, const char *text);
/* The task can be cancelled: tve_taskstore_cancel() sets a flag that the
 * task polls with tve_task_cancelled() and then ends itself (error
 * "cancelled"), cleaning up what it made. */
void tve_task_set_cancellable(struct tve_task *t);
bool tve_task_cancelled(const struct tve_task *t);
/* Asks a running, cancellable task to stop.  0, or -1 with *err (unknown,
 * finished, not cancellable). */
int tve_taskstore_cancel(struct tve_taskstore *store, const char *id, char **err);

/* Newest first, at most max, across all nodes.  Returns the count;
 * *out is an allocated array (free with tve_task_info_array_free). */
size_t tve_taskstore_recent(struct tve_taskstore *store, size_t max, struct tve_task_info **out);
/* Same, restricted to one node and/or target (NULL = any). */
size_t tve_taskstore_query(struct tve_taskstore *store, const char *node, const char *target,
			   size_t max, struct tve_task_info **out);
/* Copy of one task's log lines; NULL-terminated array of strings, free
 * with tve_strv_free().  NULL if no such task. */
char **tve_taskstore_log(struct tve_taskstore *store, const char *id);
/* Header of one task, or -1 if unknown. */
int tve_taskstore_info(struct tve_taskstore *store, const char *id, struct tve_task_info *out);
/* Number of tasks still running. */
size_t tve_taskstore_running(struct tve_taskstore *store);

void tve_strv_free(char **v);

#endif
