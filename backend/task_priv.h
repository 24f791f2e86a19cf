/* task_priv.h - what task.c (the store) and task_file.c (its JSON lines
 * files) share.  Everything here runs under the store's lock unless said. */
#ifndef TVE_TASK_PRIV_H
#define TVE_TASK_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "task.h"

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
	/* Transfers: progress (never persisted; dropped when the task ends). */
	bool has_progress;
	double progress;	/* 0..1, or -1 when the total is unknown */
	char *progress_text;
	bool cancellable;
	atomic_bool cancel;	/* polled by the task without the lock */
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

char *ts_task_file(const struct tve_taskstore *store, const char *node);
struct tve_task *ts_node_find(const struct node_tasks *nt, const char *id);
void ts_node_trim(struct tve_taskstore *store, struct node_tasks *nt);
void ts_changed_unlock(struct tve_taskstore *store);
void ts_task_free(struct tve_task *t);
struct node_tasks *ts_node_get(struct tve_taskstore *store, const char *node, bool create);
void ts_node_push(struct node_tasks *nt, struct tve_task *t);
void ts_push_line(struct tve_task *t, char *line);
void ts_finish_locked(struct tve_task *t, const char *error, time_t end);
int ts_task_age_cmp(const struct tve_task *a, const struct tve_task *b);
int ts_append_record(struct tve_taskstore *store, const struct tve_task *t, bool full);

#endif
