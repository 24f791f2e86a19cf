/* backend_priv.h - what backend.c and backend_task.c share. */
#ifndef TVE_BACKEND_PRIV_H
#define TVE_BACKEND_PRIV_H

#include <pthread.h>
#include <stdint.h>

#include "backend.h"
#include "ssh.h"

/* Nodes are added while other threads index b->nodes: it is allocated
 * once at this size. */
#define TVE_MAX_NODES 1024

struct conn {
	const struct tve_driver_ops *drv;
	void *h;
	struct tve_ssh *ssh;	/* ssh nodes: the session made before h */
	struct tve_ssh_tunnel *tunnel;	/* ... carrying h's libvirt, or NULL */
	int refs;		/* guarded by the node's lock */
};

struct tve_node {
	struct tve_backend *b;
	size_t index;
	char *name;
	char *uri;
	char *ssh;		/* ssh target, or NULL: no ssh layer */
	char *keyfile;		/* NULL: ssh-agent */
	bool tunnel;		/* libvirt through the ssh session */
	const struct tve_driver_ops *drv;
	pthread_t thread;
	bool started;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool stop;
	unsigned pending;	/* tve_refresh_what bits requested */
	bool retry_now;		/* manual refresh while offline */
	bool lost;
	char *lost_reason;
	struct conn *conn;	/* NULL while not connected */
	/* ssh: what the node waits for from the user (no retries until it
	 * comes), the host key it was offered, the key file's passphrase. */
	enum tve_node_need need;
	struct tve_ssh_hostkey hk;
	char *passphrase;
	struct tve_snapshot *snap;	/* latest published */
	uint64_t generation;
	unsigned long refreshes;
	unsigned long closed_calls;	/* calls made by connections since closed */

	/* Worker-only: parts (tve_refresh_what bits) whose last refresh
	 * failed on a live connection, and the first such error. */
	unsigned failed_parts;
	char *part_error;
};

struct tve_backend {
	struct tve_config cfg;
	size_t n_nodes;		/* atomic: read with tve_nodes_n() */
	struct tve_node **nodes;	/* TVE_MAX_NODES slots */
	char *known_hosts;
	struct tve_taskstore *tasks;
	int wake_fd;
	bool events_started;

	pthread_mutex_t lock;	/* task threads and reserved IDs */
	pthread_cond_t tasks_done;
	size_t task_threads;
	size_t n_reserved;
	int *reserved;		/* IDs handed out this session */
};

static inline size_t tve_nodes_n(struct tve_backend *b)
{
	return __atomic_load_n(&b->n_nodes, __ATOMIC_ACQUIRE);
}

/* backend.c */
/* Wipes and frees the node's passphrase.  Caller holds the lock (or is
 * the last user). */
void tve_node_forget_secret(struct tve_node *n);
/* Wakes the UI (the wake fd becomes readable). */
void tve_backend_wake(struct tve_backend *b);

/* backend_task.c */
/* Checks and reserves an ID (0 = next free) for this session: returns it,
 * or -1 with *err.  Release an ID whose guest was never made. */
int tve_backend_reserve_vmid(struct tve_backend *b, int id, char **err);
void tve_backend_release_vmid(struct tve_backend *b, int id);
/* Runs fn(arg) on a detached task thread that tve_backend_free waits for;
 * fn ends with tve_backend_spawn_done(b).  0, or -1 with *err (fn not
 * run). */
int tve_backend_spawn(struct tve_backend *b, void *(*fn)(void *), void *arg, char **err);
void tve_backend_spawn_done(struct tve_backend *b);

/* backend_node.c */
void *tve_node_worker_main(void *opaque);
struct tve_snapshot *tve_node_latest(struct tve_node *n);
/* A reference to the node's live connection, or NULL when offline. */
struct conn *tve_node_conn_get(struct tve_node *n);
void tve_node_conn_put(struct tve_node *n, struct conn *c);

/* node_ssh.c */
/* A new ssh session to ssh node n for one task's transfers (not the
 * worker's: see node_ssh.c), or NULL with *err ("NODE: ..."). */
struct tve_ssh *tve_node_ssh_open(struct tve_node *n, char **err);

#endif
