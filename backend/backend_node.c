/* backend_node.c - a node's worker thread.
 *
 * The worker owns the node's driver connection: it connects (with backoff
 * after failures, and a bound on how long an open may hang), refreshes on
 * a schedule and on requests from driver events, and publishes an
 * immutable snapshot.  A connection is refcounted so that the last user
 * closes it, whether that is the worker or a task thread. */
#include "backend_priv.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "node_facts.h"
#include "util.h"

#define BACKOFF_MIN_MS 1000
#define BACKOFF_MAX_MS 30000
/* Event-driven refreshes are coalesced: at most one per this interval. */
#define EVENT_GAP_MS 200
/* Keepalive only starts once a connection is open: opening one to a daemon
 * or peer that accepts but never answers blocks forever, so the worker
 * gives up waiting after this long (the attempt goes on in the background
 * and is closed if it ever succeeds). */
#define OPEN_TIMEOUT_MS 30000

/* ---- connections ---- */

/* Drops a reference; the last one closes.  Caller holds node->lock. */
static void conn_put_locked(struct tve_node *n, struct conn *c)
{
	if (--c->refs > 0)
		return;
	if (c->drv->calls)
		n->closed_calls += c->drv->calls(c->h);
	/* Closing talks to the daemon; drop the lock so events and the UI
	 * are not held up.  Nobody else can reach c any more. */
	pthread_mutex_unlock(&n->lock);
	c->drv->close(c->h);
	tve_ssh_tunnel_stop(c->tunnel);
	tve_ssh_close(c->ssh);
	free(c);
	pthread_mutex_lock(&n->lock);
}

/* A reference to the live connection, or NULL when offline. */
struct conn *tve_node_conn_get(struct tve_node *n)
{
	struct conn *c;

	pthread_mutex_lock(&n->lock);
	c = n->conn;
	if (c)
		c->refs++;
	pthread_mutex_unlock(&n->lock);
	return c;
}

void tve_node_conn_put(struct tve_node *n, struct conn *c)
{
	pthread_mutex_lock(&n->lock);
	conn_put_locked(n, c);
	pthread_mutex_unlock(&n->lock);
}

/* ---- callbacks from drivers ---- */

static void backend_thread_done(struct tve_backend *b);

bool tve_node_tunneled(struct tve_node *n)
{
	return n->tunnel;
}

void tve_node_thread_begin(struct tve_node *n)
{
	pthread_mutex_lock(&n->b->lock);
	n->b->task_threads++;
	pthread_mutex_unlock(&n->b->lock);
}

void tve_node_thread_end(struct tve_node *n)
{
	backend_thread_done(n->b);
}

int tve_node_exec(struct tve_node *n, const char *cmd, char **out, char **err)
{
	struct conn *c = tve_node_conn_get(n);
	int status = -1, rc;

	*out = NULL;
	if (!c || !c->ssh) {
		if (c)
			tve_node_conn_put(n, c);
		return tve_set_err(err, "%s has no ssh session", n->name);
	}
	rc = tve_ssh_exec(c->ssh, cmd, NULL, 0, out, NULL, &status, 10000, err);
	tve_node_conn_put(n, c);
	if (rc == 0 && status != 0)
		rc = tve_set_err(err, "exit status %d", status);
	return rc;
}

void tve_node_request_refresh(struct tve_node *n, unsigned what)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	n->pending |= what;
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
}

void tve_node_connection_lost(struct tve_node *n, const char *reason)
{
	if (!n)
		return;
	pthread_mutex_lock(&n->lock);
	if (!n->lost) {
		n->lost = true;
		free(n->lost_reason);
		n->lost_reason = tve_xstrdup(reason ? reason : "connection lost");
	}
	pthread_cond_signal(&n->cond);
	pthread_mutex_unlock(&n->lock);
}

/* ---- publishing ---- */

static void copy_parts(struct tve_snapshot *dst, const struct tve_snapshot *src, unsigned what)
{
	if (!src)
		return;
	if (!(what & TVE_REFRESH_GUESTS)) {
		for (size_t i = 0; i < src->n_guests; i++)
			tve_guest_copy(tve_snapshot_add_guest(dst), &src->guests[i]);
	}
	if (!(what & TVE_REFRESH_POOLS)) {
		for (size_t i = 0; i < src->n_pools; i++)
			tve_pool_copy(tve_snapshot_add_pool(dst), &src->pools[i]);
	}
	if (!(what & TVE_REFRESH_NETWORKS)) {
		for (size_t i = 0; i < src->n_networks; i++)
			tve_network_copy(tve_snapshot_add_network(dst), &src->networks[i]);
	}
	if (!(what & TVE_REFRESH_FACTS) && src->has_facts) {
		tve_facts_copy(&dst->facts, &src->facts);
		dst->has_facts = true;
	}
	if (!(what & TVE_REFRESH_FACTS) && src->has_caps) {
		tve_caps_copy(&dst->caps, &src->caps);
		dst->has_caps = true;
	}
}

/* Takes ownership of s (fills generation, timestamps) and makes it the
 * node's latest snapshot. */
static void publish(struct tve_node *n, struct tve_snapshot *s)
{
	struct tve_snapshot *old;

	pthread_mutex_lock(&n->lock);
	old = n->snap;
	s->generation = ++n->generation;
	free(s->ssh);
	s->ssh = tve_xstrdup(n->ssh);
	s->need = s->state == TVE_NODE_ONLINE ? TVE_NEED_NONE : n->need;
	if (s->need != TVE_NEED_NONE) {
		s->hostkey_type = tve_xstrdup(n->hk.type);
		s->hostkey_fp = tve_xstrdup(n->hk.fingerprint);
		s->hostkey_known_fp = tve_xstrdup(n->hk.known_fingerprint);
	}
	if (old && old->state == s->state && !s->state_since)
		s->state_since = old->state_since;
	if (!s->state_since)
		s->state_since = time(NULL);
	n->snap = s;
	pthread_mutex_unlock(&n->lock);
	tve_snapshot_unref(old);
	tve_backend_wake(n->b);
}

struct tve_snapshot *tve_node_latest(struct tve_node *n)
{
	struct tve_snapshot *s;

	pthread_mutex_lock(&n->lock);
	s = tve_snapshot_ref(n->snap);
	pthread_mutex_unlock(&n->lock);
	return s;
}

/* A snapshot in a non-online state, keeping the last data marked stale. */
static void publish_state(struct tve_node *n, enum tve_node_state st, const char *error)
{
	struct tve_snapshot *prev = tve_node_latest(n);
	struct tve_snapshot *s = tve_snapshot_new(n->name, n->uri);

	copy_parts(s, prev, 0);
	s->state = st;
	s->error = tve_xstrdup(error);
	s->updated = prev ? prev->updated : 0;
	s->stale = prev && prev->updated != 0;
	if (prev && prev->state == st && !(prev->error && error && strcmp(prev->error, error)))
		s->state_since = prev->state_since;
	else
		s->state_since = time(NULL);
	tve_snapshot_unref(prev);
	publish(n, s);
}

/* ---- the worker ---- */

static uint64_t ms_of(double s)
{
	return (uint64_t)(s * 1000.0 + 0.5);
}

/* Waits until stop, a request, or deadline (monotonic ms; 0 = forever).
 * Caller holds the lock. */
static void wait_until(struct tve_node *n, uint64_t deadline)
{
	struct timespec ts;
	uint64_t now = tve_now_ms();

	if (deadline && deadline <= now)
		return;
	if (!deadline) {
		pthread_cond_wait(&n->cond, &n->lock);
		return;
	}
	/* The condvar uses CLOCK_MONOTONIC (set in node_init). */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t ns = (uint64_t)ts.tv_nsec + (deadline - now) * 1000000ull;
	ts.tv_sec += (time_t)(ns / 1000000000ull);
	ts.tv_nsec = (long)(ns % 1000000000ull);
	pthread_cond_timedwait(&n->cond, &n->lock, &ts);
}

/* An open attempt running on a thread of its own.  Shared by the worker
 * and that thread under node->lock; whoever comes last frees it. */
struct opener {
	struct tve_node *n;
	const struct tve_driver_ops *drv;
	char *uri;
	bool done;		/* the open returned: h and err are set */
	bool abandoned;		/* the worker stopped waiting */
	void *h;
	char *err;
	/* ssh nodes: the session is made (host key, auth) before libvirt's. */
	struct tve_ssh_opts ssh_opts;
	char *passphrase;
	bool tunnel;
	struct tve_ssh *ssh;
	struct tve_ssh_tunnel *tun;
	enum tve_ssh_result ssh_res;
	struct tve_ssh_hostkey hk;
};

static void opener_free(struct opener *o)
{
	if (o->passphrase) {
		explicit_bzero(o->passphrase, strlen(o->passphrase));
		free(o->passphrase);
	}
	free((char *)o->ssh_opts.target);
	free((char *)o->ssh_opts.keyfile);
	free((char *)o->ssh_opts.known_hosts);
	tve_ssh_hostkey_clear(&o->hk);
	free(o->err);
	free(o->uri);
	free(o);
}

/* The ssh session (and libvirt's tunnel through it), then libvirt's
 * connection. */
static void *open_both(struct opener *o, struct tve_ssh **ssh, struct tve_ssh_tunnel **tun,
		       char **err)
{
	char *uri = NULL;
	void *h;

	*ssh = NULL;
	*tun = NULL;
	if (o->ssh_opts.target) {
		o->ssh_opts.passphrase = o->passphrase;
		*ssh = tve_ssh_connect(&o->ssh_opts, &o->hk, &o->ssh_res, err);
		if (!*ssh)
			return NULL;
		if (o->tunnel &&
		    !(*tun = tve_ssh_tunnel_start(*ssh, TVE_SSH_LIBVIRT_SOCKET, &uri, err))) {
			tve_ssh_close(*ssh);
			*ssh = NULL;
			return NULL;
		}
	}
	h = o->drv->open(o->n, uri ? uri : o->uri, err);
	free(uri);
	if (!h) {
		tve_ssh_tunnel_stop(*tun);
		tve_ssh_close(*ssh);
		*ssh = NULL;
		*tun = NULL;
	}
	return h;
}

static void backend_thread_done(struct tve_backend *b)
{
	pthread_mutex_lock(&b->lock);
	b->task_threads--;
	pthread_cond_broadcast(&b->tasks_done);
	pthread_mutex_unlock(&b->lock);
}

static void *opener_main(void *opaque)
{
	struct opener *o = opaque;
	struct tve_node *n = o->n;
	struct tve_backend *b = n->b;
	char *err = NULL;
	struct tve_ssh *ssh;
	struct tve_ssh_tunnel *tun;
	void *h = open_both(o, &ssh, &tun, &err);
	bool abandoned;

	pthread_mutex_lock(&n->lock);
	abandoned = o->abandoned;
	if (!abandoned) {
		o->h = h;
		o->ssh = ssh;
		o->tun = tun;
		o->err = err;
		o->done = true;
		pthread_cond_broadcast(&n->cond);
	}
	pthread_mutex_unlock(&n->lock);
	if (abandoned) {
		/* Too late: nobody wants this connection any more.  Closing
		 * it before the count drops keeps its callbacks from reaching
		 * a freed node. */
		if (h)
			o->drv->close(h);
		tve_ssh_tunnel_stop(tun);
		tve_ssh_close(ssh);
		free(err);
		opener_free(o);
	}
	backend_thread_done(b);	/* counted like a task: tve_backend_free waits */
	return NULL;
}

/* drv->open (after the ssh session for ssh nodes), but the worker waits
 * at most OPEN_TIMEOUT_MS and no longer than until it is asked to stop.
 * *ssh gets the session; *res what the ssh step found (host key, auth). */
static void *open_bounded(struct tve_node *n, struct tve_ssh **ssh, struct tve_ssh_tunnel **tun,
			  enum tve_ssh_result *res, char **err)
{
	struct tve_backend *b = n->b;
	struct opener *o = tve_xcalloc(1, sizeof(*o));
	pthread_attr_t attr;
	pthread_t t;
	void *h = NULL;
	int rc;

	o->n = n;
	o->drv = n->drv;
	o->uri = tve_xstrdup(n->uri);
	o->ssh_res = TVE_SSH_OK;
	*ssh = NULL;
	*tun = NULL;
	*res = TVE_SSH_OK;
	o->tunnel = n->tunnel;
	if (n->ssh) {
		o->ssh_opts.target = tve_xstrdup(n->ssh);
		o->ssh_opts.keyfile = tve_xstrdup(n->keyfile);
		o->ssh_opts.known_hosts = tve_xstrdup(b->known_hosts);
		o->passphrase = tve_node_passphrase(n);
	}
	pthread_mutex_lock(&b->lock);
	b->task_threads++;
	pthread_mutex_unlock(&b->lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, opener_main, o);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		backend_thread_done(b);
		h = open_both(o, ssh, tun, err);
		*res = o->ssh_res;
		opener_free(o);
		return h;
	}

	pthread_mutex_lock(&n->lock);
	uint64_t deadline = tve_now_ms() + OPEN_TIMEOUT_MS;
	while (!o->done && !n->stop && tve_now_ms() < deadline)
		wait_until(n, deadline);
	if (o->done) {
		h = o->h;
		*ssh = o->ssh;
		*tun = o->tun;
		*res = o->ssh_res;
		if (err)
			*err = o->err;
		else
			free(o->err);
		o->err = NULL;
		if (o->ssh_res != TVE_SSH_OK) {
			tve_ssh_hostkey_clear(&n->hk);
			n->hk = o->hk;
			memset(&o->hk, 0, sizeof(o->hk));
		}
		opener_free(o);
	} else {
		o->abandoned = true;
		if (n->stop)
			tve_set_err(err, "stopped while connecting");
		else
			tve_set_err(err, "no answer from %s within %d s", n->uri, OPEN_TIMEOUT_MS / 1000);
	}
	pthread_mutex_unlock(&n->lock);
	return h;
}

/* Connects, retrying with backoff.  Returns false when asked to stop.
 * The first connection shows CONNECTING; a reconnection keeps showing
 * OFFLINE with the reason until it succeeds. */
static bool connect_node(struct tve_node *n, bool first)
{
	uint64_t backoff = BACKOFF_MIN_MS;

	for (;;) {
		char *err = NULL;
		struct tve_ssh *ssh = NULL;
		struct tve_ssh_tunnel *tun = NULL;
		enum tve_ssh_result res;
		void *h;

		if (first)
			publish_state(n, TVE_NODE_CONNECTING, NULL);
		h = open_bounded(n, &ssh, &tun, &res, &err);
		if (h) {
			struct conn *c = tve_xcalloc(1, sizeof(*c));

			c->drv = n->drv;
			c->h = h;
			c->ssh = ssh;
			c->tunnel = tun;
			c->refs = 1;	/* the worker's */
			pthread_mutex_lock(&n->lock);
			n->conn = c;
			n->lost = false;
			n->pending = TVE_REFRESH_ALL;
			pthread_mutex_unlock(&n->lock);
			free(err);
			return true;
		}
		pthread_mutex_lock(&n->lock);
		bool stopping = n->stop;
		pthread_mutex_unlock(&n->lock);
		if (stopping) {
			free(err);
			return false;
		}
		/* What only the user can settle is not retried on a timer. */
		pthread_mutex_lock(&n->lock);
		n->need = res == TVE_SSH_HOSTKEY_UNKNOWN	   ? TVE_NEED_HOSTKEY
			  : res == TVE_SSH_HOSTKEY_CHANGED  ? TVE_NEED_HOSTKEY_CHANGED
			  : res == TVE_SSH_NEED_PASSPHRASE ? TVE_NEED_PASSPHRASE
							   : TVE_NEED_NONE;
		bool wait_user = n->need != TVE_NEED_NONE;
		pthread_mutex_unlock(&n->lock);
		publish_state(n, TVE_NODE_OFFLINE, err ? err : "cannot connect");
		free(err);
		first = false;

		pthread_mutex_lock(&n->lock);
		uint64_t deadline = wait_user ? 0 : tve_now_ms() + backoff;
		while (!n->stop && !n->retry_now && (wait_user || tve_now_ms() < deadline))
			wait_until(n, deadline);
		bool stop = n->stop, manual = n->retry_now;
		n->retry_now = false;
		pthread_mutex_unlock(&n->lock);
		if (stop)
			return false;
		/* A retry the user asked for does not lengthen the next wait. */
		if (!manual)
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
	}
}

/* Drops the worker's reference to a connection that failed. */
static void disconnect_node(struct tve_node *n, const char *reason)
{
	pthread_mutex_lock(&n->lock);
	struct conn *c = n->conn;

	n->conn = NULL;
	n->lost = false;
	free(n->lost_reason);
	n->lost_reason = NULL;
	n->failed_parts = 0;
	free(n->part_error);
	n->part_error = NULL;
	if (c)
		conn_put_locked(n, c);
	pthread_mutex_unlock(&n->lock);
	publish_state(n, TVE_NODE_OFFLINE, reason);
}

/* Records the outcome of refreshing part (one tve_refresh_what bit). */
static void part_result(struct tve_node *n, unsigned part, char *err)
{
	if (!err) {
		n->failed_parts &= ~part;
	} else {
		n->failed_parts |= part;
		free(n->part_error);
		n->part_error = err;
		return;
	}
	if (!n->failed_parts) {
		free(n->part_error);
		n->part_error = NULL;
	}
}

/* Load, uptime, kernel, OS and root filesystem of an ssh node, read on
 * the node: one command, one round trip. */
static int ssh_facts(struct tve_node *n, struct conn *c, struct tve_snapshot *t, char **err)
{
	char *out = NULL, *errout = NULL, *e = NULL;
	int status = -1, rc;

	(void)n;
	if (tve_ssh_exec(c->ssh, TVE_FACTS_COMMAND, NULL, 0, &out, &errout, &status, 10000, &e) < 0) {
		/* The session is gone: the node reconnects (both). */
		tve_set_err(err, "ssh session lost: %s", e ? e : "?");
		free(e);
		free(out);
		free(errout);
		return -2;
	}
	rc = tve_facts_parse(&t->facts, out);
	if (rc < 0)
		tve_set_err(err, "facts: the node's /proc could not be read over ssh (exit %d%s%s)",
			    status, *errout ? ": " : "", errout);
	free(out);
	free(errout);
	return rc;
}

/* One refresh of the parts in what into s.  GUESTS (with IO) come in one
 * driver call; FACTS, POOLS and NETWORKS each in a call of their own, so
 * that one failing part (a broken storage pool, a daemon without a network
 * driver, facts it cannot read) keeps the node online: that part keeps
 * its previous data (*failed gets its bit) and the snapshot says why.
 * Only a failing GUESTS part, the node's core and the first thing a dead
 * connection breaks, fails the refresh: -1 with *err. */
static int refresh_parts(struct tve_node *n, struct conn *c, struct tve_snapshot *s,
			 unsigned what, unsigned *failed, char **err)
{
	static const unsigned side[] = {
		TVE_REFRESH_FACTS, TVE_REFRESH_POOLS, TVE_REFRESH_NETWORKS,
	};
	unsigned core = what & (TVE_REFRESH_GUESTS | TVE_REFRESH_IO);

	*failed = 0;
	if (core && c->drv->refresh(c->h, s, core, err) < 0)
		return -1;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(side); i++) {
		struct tve_snapshot *t;
		char *perr = NULL;
		int rc;

		if (!(what & side[i]))
			continue;
		t = tve_snapshot_new(n->name, n->uri);
		rc = c->drv->refresh(c->h, t, side[i], &perr);
		if (rc == 0 && side[i] == TVE_REFRESH_FACTS && c->ssh)
			rc = ssh_facts(n, c, t, &perr);
		if (rc == -2) {
			tve_snapshot_unref(t);
			free(*err);
			*err = perr;
			return -1;
		}
		if (rc < 0) {
			*failed |= side[i];
			part_result(n, side[i], perr ? perr : tve_xstrdup("refresh failed"));
		} else {
			copy_parts(s, t, TVE_REFRESH_ALL & ~side[i]);
			part_result(n, side[i], NULL);
			free(perr);
		}
		tve_snapshot_unref(t);
	}
	return 0;
}

void *tve_node_worker_main(void *opaque)
{
	struct tve_node *n = opaque;
	const struct tve_config *cfg = &n->b->cfg;
	uint64_t guest_ms = ms_of(cfg->refresh_s), io_ms = ms_of(cfg->io_refresh_s);
	uint64_t slow_ms = ms_of(cfg->pool_refresh_s);

	for (bool first = true;; first = false) {
		uint64_t last_guests = 0, last_io = 0, last_slow = 0, last_any = 0;

		if (!connect_node(n, first))
			break;
		for (;;) {
			unsigned what;
			char *lost = NULL;

			pthread_mutex_lock(&n->lock);
			for (;;) {
				uint64_t now = tve_now_ms();
				unsigned due = 0;

				if (n->stop || n->lost)
					break;
				if (now >= last_guests + guest_ms)
					due |= TVE_REFRESH_GUESTS;
				if (now >= last_io + io_ms)
					due |= TVE_REFRESH_IO | TVE_REFRESH_GUESTS;
				if (now >= last_slow + slow_ms)
					due |= TVE_REFRESH_POOLS | TVE_REFRESH_NETWORKS | TVE_REFRESH_FACTS;
				if (due || (n->pending && now >= last_any + EVENT_GAP_MS))
					break;
				uint64_t next = last_guests + guest_ms;
				if (last_io + io_ms < next)
					next = last_io + io_ms;
				if (last_slow + slow_ms < next)
					next = last_slow + slow_ms;
				if (n->pending && last_any + EVENT_GAP_MS < next)
					next = last_any + EVENT_GAP_MS;
				wait_until(n, next);
			}
			if (n->stop) {
				pthread_mutex_unlock(&n->lock);
				goto out;
			}
			uint64_t now = tve_now_ms();
			what = n->pending;
			n->pending = 0;
			if (n->lost) {
				/* The close callback says "gone", but it may come from
				 * an older connection still held by a task: a refresh
				 * of the guests on the current one decides (a closed
				 * libvirt connection fails at once). */
				lost = n->lost_reason ? n->lost_reason
						      : tve_xstrdup("connection lost");
				n->lost_reason = NULL;
				n->lost = false;
				what |= TVE_REFRESH_GUESTS;
			}
			if (now >= last_guests + guest_ms)
				what |= TVE_REFRESH_GUESTS;
			if (now >= last_io + io_ms)
				what |= TVE_REFRESH_IO | TVE_REFRESH_GUESTS;
			if (now >= last_slow + slow_ms)
				what |= TVE_REFRESH_POOLS | TVE_REFRESH_NETWORKS | TVE_REFRESH_FACTS;
			struct conn *c = n->conn;
			c->refs++;
			pthread_mutex_unlock(&n->lock);

			struct tve_snapshot *prev = tve_node_latest(n);
			struct tve_snapshot *s = tve_snapshot_new(n->name, n->uri);
			char *err = NULL;
			unsigned failed = 0;
			int rc = refresh_parts(n, c, s, what, &failed, &err);

			tve_node_conn_put(n, c);
			if (rc < 0) {
				tve_snapshot_unref(s);
				tve_snapshot_unref(prev);
				/* Said by the close callback, that is the clearer reason. */
				if (lost) {
					char *both = tve_xasprintf("%s (%s)", lost,
								   err ? err : "refresh failed");

					free(err);
					err = both;
				}
				disconnect_node(n, err ? err : "refresh failed");
				free(err);
				free(lost);
				break;
			}
			/* The connection answered: a lost signal was stale (the close
			 * callback of a connection dropped earlier and still held by a
			 * task), not about this one. */
			free(lost);
			lost = NULL;
			/* Parts that failed keep their previous data (and are
			 * tried again on their usual schedule, not at once). */
			if (n->failed_parts)
				s->error = tve_xstrdup(n->part_error);
			copy_parts(s, prev, what & ~failed);
			tve_snapshot_sort(s);
			s->state = TVE_NODE_ONLINE;
			s->updated = time(NULL);
			tve_snapshot_unref(prev);
			publish(n, s);

			now = tve_now_ms();
			last_any = now;
			if (what & TVE_REFRESH_GUESTS)
				last_guests = now;
			if (what & TVE_REFRESH_IO)
				last_io = now;
			if (what & TVE_REFRESH_FACTS)
				last_slow = now;
			pthread_mutex_lock(&n->lock);
			n->refreshes++;
			pthread_mutex_unlock(&n->lock);
		}
	}
out:
	pthread_mutex_lock(&n->lock);
	struct conn *c = n->conn;

	n->conn = NULL;
	if (c)
		conn_put_locked(n, c);
	pthread_mutex_unlock(&n->lock);
	return NULL;
}

