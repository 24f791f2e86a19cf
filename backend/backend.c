/* backend.c - the backend's lifetime, its wake fd and its queries.
 *
 * Each node has one worker thread (backend_node.c) that owns the node's
 * driver connection and publishes immutable snapshots; guest actions run
 * as tasks on threads of their own (backend_task.c). */
#include "backend_priv.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "util.h"

/* ---- waking the UI ---- */

void tve_backend_wake(struct tve_backend *b)
{
	uint64_t one = 1;

	if (write(b->wake_fd, &one, sizeof(one)) < 0 && errno != EAGAIN) {
		/* Nothing to do: the UI also polls on its own input. */
	}
}

static void task_hook(void *opaque)
{
	tve_backend_wake(opaque);
}

int tve_backend_wake_fd(struct tve_backend *b)
{
	return b->wake_fd;
}

void tve_backend_drain_wake(struct tve_backend *b)
{
	uint64_t v;

	while (read(b->wake_fd, &v, sizeof(v)) > 0)
		;
}

/* ---- lifetime ---- */

static void node_init(struct tve_backend *b, struct tve_node *n, size_t i,
		      const struct tve_node_cfg *nc)
{
	pthread_condattr_t ca;

	n->b = b;
	n->index = i;
	n->name = tve_xstrdup(nc->name);
	n->uri = tve_xstrdup(nc->uri);
	n->ssh = tve_xstrdup(nc->ssh);
	n->keyfile = tve_xstrdup(nc->keyfile);
	n->tunnel = nc->ssh && nc->uri_derived;
	n->drv = &tve_driver_libvirt;
	pthread_mutex_init(&n->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&n->cond, &ca);
	pthread_condattr_destroy(&ca);
	n->snap = tve_snapshot_new(n->name, n->uri);
	n->snap->state = TVE_NODE_CONNECTING;
	n->snap->state_since = time(NULL);
	n->snap->ssh = tve_xstrdup(n->ssh);
}

/* Makes node nc the next one (the caller checked there is room). */
static struct tve_node *add_node(struct tve_backend *b, const struct tve_node_cfg *nc)
{
	size_t i = b->n_nodes;
	struct tve_node *n = tve_xcalloc(1, sizeof(*n));
	char *lerr = NULL;

	node_init(b, n, i, nc);
	/* A damaged history file costs its bad lines, not the start. */
	tve_taskstore_load(b->tasks, nc->name, &lerr);
	free(lerr);
	b->nodes[i] = n;
	__atomic_store_n(&b->n_nodes, i + 1, __ATOMIC_RELEASE);
	return n;
}

static int start_node(struct tve_node *n, char **err)
{
	int rc = pthread_create(&n->thread, NULL, tve_node_worker_main, n);

	if (rc != 0)
		return tve_set_err(err, "cannot start worker for %s: %s", n->name, strerror(rc));
	n->started = true;
	return 0;
}

struct tve_backend *tve_backend_new(const struct tve_config *cfg, char **err)
{
	struct tve_backend *b = tve_xcalloc(1, sizeof(*b));
	char *dir = cfg->state_dir ? tve_xstrdup(cfg->state_dir) : tve_state_dir();

	/* libvirt writes its sockets with write(): a connection whose other
	 * end went away (an ssh node's tunnel closed under a connection still
	 * referenced elsewhere, a daemon gone) must be an error for that call,
	 * not SIGPIPE for the program.  libvirt asks its users to ignore it. */
	signal(SIGPIPE, SIG_IGN);
	tve_config_init(&b->cfg);
	b->cfg.refresh_s = cfg->refresh_s;
	b->cfg.pool_refresh_s = cfg->pool_refresh_s;
	b->cfg.io_refresh_s = cfg->io_refresh_s;
	b->cfg.shutdown_timeout_s = cfg->shutdown_timeout_s;
	b->cfg.shutdown_force = cfg->shutdown_force;
	b->cfg.task_history = cfg->task_history;
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->tasks_done, NULL);

	b->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (b->wake_fd < 0) {
		tve_set_err(err, "eventfd: %s", strerror(errno));
		free(dir);
		tve_config_clear(&b->cfg);
		free(b);
		return NULL;
	}
	b->tasks = tve_taskstore_new(dir, cfg->task_history ? cfg->task_history : 200);
	b->cfg.state_dir = dir;	/* tasks and storage content types live here */
	tve_taskstore_set_hook(b->tasks, task_hook, b);

	b->known_hosts = tve_config_known_hosts(cfg);
	b->cfg.known_hosts = tve_xstrdup(b->known_hosts);
	if (cfg->n_nodes > TVE_MAX_NODES) {
		tve_set_err(err, "%zu nodes configured; tve manages at most %d", cfg->n_nodes,
			    TVE_MAX_NODES);
		b->n_nodes = 0;
		b->nodes = NULL;
		tve_backend_free(&b);
		return NULL;
	}
	/* Never reallocated: other threads index it while nodes are added. */
	b->nodes = tve_xcalloc(TVE_MAX_NODES, sizeof(*b->nodes));
	for (size_t i = 0; i < cfg->n_nodes; i++)
		add_node(b, &cfg->nodes[i]);
	return b;
}

int tve_backend_start(struct tve_backend *b, char **err)
{
	if (tve_libvirt_events_start(err) < 0)
		return -1;
	b->events_started = true;
	for (size_t i = 0; i < tve_nodes_n(b); i++)
		if (start_node(b->nodes[i], err) < 0)
			return -1;
	return 0;
}

int tve_backend_add_node(struct tve_backend *b, const struct tve_node_cfg *nc, char **err)
{
	struct tve_node_cfg copy = *nc;
	struct tve_node *n;
	char *why;
	int rc = 0;

	if (tve_nodes_n(b) >= TVE_MAX_NODES)
		return tve_set_err(err, "tve manages at most %d nodes", TVE_MAX_NODES);
	copy.uri = tve_xstrdup(nc->uri);
	if (!copy.uri && tve_config_node_derive_uri(&b->cfg, &copy, err) < 0)
		return -1;
	{
		struct tve_config taken;	/* the names in use */

		tve_config_init(&taken);
		for (size_t i = 0; i < tve_nodes_n(b); i++)
			tve_config_add_node(&taken, b->nodes[i]->name, b->nodes[i]->uri);
		why = tve_config_node_check(&taken, &copy);
		tve_config_clear(&taken);
	}
	if (why) {
		tve_set_err(err, "%s", why);
		free(why);
		free(copy.uri);
		return -1;
	}
	n = add_node(b, &copy);
	free(copy.uri);
	if (b->events_started && start_node(n, err) < 0)
		rc = -1;
	tve_backend_wake(b);
	return rc < 0 ? -1 : (int)n->index;
}

void tve_backend_free(struct tve_backend **bp)
{
	struct tve_backend *b = bp ? *bp : NULL;
	bool tasks_left;

	if (!b)
		return;
	*bp = NULL;
	for (size_t i = 0; i < tve_nodes_n(b); i++) {
		struct tve_node *n = b->nodes[i];

		pthread_mutex_lock(&n->lock);
		n->stop = true;
		pthread_cond_signal(&n->cond);
		pthread_mutex_unlock(&n->lock);
	}
	for (size_t i = 0; i < tve_nodes_n(b); i++)
		if (b->nodes[i]->started)
			pthread_join(b->nodes[i]->thread, NULL);

	/* Task threads finish on their own; give them a few seconds. */
	pthread_mutex_lock(&b->lock);
	uint64_t deadline = tve_now_ms() + 5000;
	while (b->task_threads > 0 && tve_now_ms() < deadline) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&b->tasks_done, &b->lock, &ts);
	}
	tasks_left = b->task_threads > 0;
	pthread_mutex_unlock(&b->lock);
	if (tasks_left)
		return;	/* still in use by task threads: the process is exiting anyway */

	if (b->events_started)
		tve_libvirt_events_stop();
	for (size_t i = 0; i < tve_nodes_n(b); i++) {
		struct tve_node *n = b->nodes[i];

		tve_snapshot_unref(n->snap);
		free(n->lost_reason);
		free(n->part_error);
		free(n->name);
		free(n->uri);
		free(n->ssh);
		free(n->keyfile);
		tve_node_forget_secret(n);
		tve_ssh_hostkey_clear(&n->hk);
		pthread_mutex_destroy(&n->lock);
		pthread_cond_destroy(&n->cond);
		free(n);
	}
	free(b->nodes);
	free(b->known_hosts);
	tve_taskstore_free(&b->tasks);
	close(b->wake_fd);
	free(b->reserved);
	tve_config_clear(&b->cfg);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->tasks_done);
	free(b);
}

/* ---- queries ---- */

size_t tve_backend_node_count(struct tve_backend *b)
{
	return tve_nodes_n(b);
}

struct tve_snapshot *tve_backend_snapshot(struct tve_backend *b, size_t node)
{
	return node < tve_nodes_n(b) ? tve_node_latest(b->nodes[node]) : NULL;
}

void tve_backend_refresh(struct tve_backend *b, size_t node)
{
	struct tve_node *n;

	if (node >= tve_nodes_n(b))
		return;
	n = b->nodes[node];
	pthread_mutex_lock(&n->lock);
	n->pending |= TVE_REFRESH_ALL;
	n->retry_now = true;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
}

struct tve_taskstore *tve_backend_tasks(struct tve_backend *b)
{
	return b->tasks;
}

unsigned long tve_backend_driver_calls(struct tve_backend *b, size_t node)
{
	struct tve_node *n;
	unsigned long calls;

	if (node >= tve_nodes_n(b))
		return 0;
	n = b->nodes[node];
	pthread_mutex_lock(&n->lock);
	calls = n->closed_calls;
	if (n->conn && n->conn->drv->calls)
		calls += n->conn->drv->calls(n->conn->h);
	pthread_mutex_unlock(&n->lock);
	return calls;
}

unsigned long tve_backend_refresh_count(struct tve_backend *b, size_t node)
{
	unsigned long r;

	if (node >= tve_nodes_n(b))
		return 0;
	pthread_mutex_lock(&b->nodes[node]->lock);
	r = b->nodes[node]->refreshes;
	pthread_mutex_unlock(&b->nodes[node]->lock);
	return r;
}

bool tve_backend_supports(struct tve_backend *b, size_t node, enum tve_guest_action act)
{
	(void)act;
	return node < tve_nodes_n(b) && b->nodes[node]->drv->guest_action != NULL;
}


/* ---- ssh trust ---- */

int tve_backend_trust_hostkey(struct tve_backend *b, size_t node, const char *fingerprint,
			      char **err)
{
	struct tve_node *n;
	char *entry = NULL;
	int rc;

	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "no such node");
	n = b->nodes[node];
	pthread_mutex_lock(&n->lock);
	/* Only the key the user was shown: a different one offered since is
	 * asked about again. */
	if (n->need == TVE_NEED_HOSTKEY && n->hk.fingerprint && fingerprint &&
	    strcmp(n->hk.fingerprint, fingerprint) == 0)
		entry = tve_xstrdup(n->hk.entry);
	pthread_mutex_unlock(&n->lock);
	if (!entry)
		return tve_set_err(err, "%s no longer offers the key %s", n->name,
				   fingerprint ? fingerprint : "?");
	rc = tve_ssh_trust(b->known_hosts, entry, err);
	free(entry);
	if (rc < 0)
		return -1;
	pthread_mutex_lock(&n->lock);
	n->need = TVE_NEED_NONE;
	n->retry_now = true;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
	return 0;
}

void tve_node_forget_secret(struct tve_node *n)
{
	if (n->passphrase) {
		explicit_bzero(n->passphrase, strlen(n->passphrase));
		free(n->passphrase);
		n->passphrase = NULL;
	}
}

int tve_backend_set_passphrase(struct tve_backend *b, size_t node, const char *passphrase,
			       char **err)
{
	struct tve_node *n;

	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "no such node");
	n = b->nodes[node];
	pthread_mutex_lock(&n->lock);
	tve_node_forget_secret(n);
	n->passphrase = tve_xstrdup(passphrase);
	n->need = TVE_NEED_NONE;
	n->retry_now = true;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
	return 0;
}

char *tve_node_passphrase(struct tve_node *n)
{
	char *p;

	pthread_mutex_lock(&n->lock);
	p = tve_xstrdup(n->passphrase);
	pthread_mutex_unlock(&n->lock);
	return p;
}

const char *tve_backend_known_hosts(struct tve_backend *b)
{
	return b->known_hosts;
}
