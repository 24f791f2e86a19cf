/* test_backend.c - the backend's workers, tasks and IDs against libvirt's
 * test driver: nodes come online, actions run as tasks and show in the
 * next snapshot, IDs are unique across nodes, a dead node stays offline
 * without holding up the others, and the task history survives a restart. */
#include <dirent.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>

#include "backend.h"
#include "backend_priv.h"	/* to put a fault-injecting driver in front */
#include "drv_libvirt.h"
#include "util.h"

#define UUID_ALPHA "aaaaaaaa-0000-4000-8000-000000000001"
#define UUID_BETA "aaaaaaaa-0000-4000-8000-000000000002"
#define UUID_GAMMA "aaaaaaaa-0000-4000-8000-000000000003"

static char state_dir[] = "/tmp/tve-test-backend-XXXXXX";
static char *fixture_uri;

/* ---- a driver that wraps libvirt's and injects faults ---- */

static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned fail_what;	/* refresh fails when asked for any of these parts */
	int fail_count;		/* ... this many times (-1 = always) */
	bool hold_actions;	/* guest actions wait until cleared */
	int held;		/* actions waiting now */
	int opens, closes;
	void *last_h;		/* the latest handle opened */
	unsigned long part_calls[5];	/* refresh calls asked for each part bit */
} F = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, false, 0, 0, 0, NULL, { 0 } };

/* Handles are wrapped with the test they belong to, so that a backend a
 * failed test could not free does not disturb the next test's counters. */
struct fh {
	void *h;
	int epoch;
};

static int F_epoch;

static void *f_open(struct tve_node *node, const char *uri, char **err)
{
	void *h = tve_driver_libvirt.open(node, uri, err);
	struct fh *fh;

	if (!h)
		return NULL;
	fh = tve_xcalloc(1, sizeof(*fh));
	fh->h = h;
	pthread_mutex_lock(&F.lock);
	fh->epoch = F_epoch;
	F.opens++;
	F.last_h = h;
	pthread_mutex_unlock(&F.lock);
	return fh;
}

static void f_close(void *opaque)
{
	struct fh *fh = opaque;

	if (!fh)
		return;
	pthread_mutex_lock(&F.lock);
	if (fh->epoch == F_epoch)
		F.closes++;
	pthread_mutex_unlock(&F.lock);
	tve_driver_libvirt.close(fh->h);
	free(fh);
}

static int f_refresh(void *opaque, struct tve_snapshot *snap, unsigned what, char **err)
{
	struct fh *fh = opaque;
	bool fail = false;

	pthread_mutex_lock(&F.lock);
	if (fh->epoch == F_epoch) {
		for (int i = 0; i < 5; i++)
			if (what & (1u << i))
				F.part_calls[i]++;
		if ((what & F.fail_what) && F.fail_count != 0) {
			fail = true;
			if (F.fail_count > 0)
				F.fail_count--;
		}
	}
	pthread_mutex_unlock(&F.lock);
	if (fail)
		return tve_set_err(err, "injected failure: storage pool 'broken' is broken");
	return tve_driver_libvirt.refresh(fh->h, snap, what, err);
}

static int f_guest_action(void *opaque, const char *uuid, enum tve_guest_action act,
			  const struct tve_action_opts *opts, struct tve_task *task, char **err)
{
	struct fh *fh = opaque;

	pthread_mutex_lock(&F.lock);
	F.held++;
	while (F.hold_actions && fh->epoch == F_epoch)
		pthread_cond_wait(&F.cond, &F.lock);
	F.held--;
	pthread_mutex_unlock(&F.lock);
	return tve_driver_libvirt.guest_action(fh->h, uuid, act, opts, task, err);
}

static const struct tve_driver_ops fault_driver = {
	.name = "fault",
	.open = f_open,
	.close = f_close,
	.refresh = f_refresh,
	.guest_action = f_guest_action,
	.set_vmid = NULL,
	.calls = NULL,
};

static void fault_reset(void)
{
	pthread_mutex_lock(&F.lock);
	F_epoch++;
	pthread_cond_broadcast(&F.cond);
	F.fail_what = 0;
	F.fail_count = 0;
	F.hold_actions = false;
	F.held = 0;
	F.opens = F.closes = 0;
	F.last_h = NULL;
	memset(F.part_calls, 0, sizeof(F.part_calls));
	pthread_mutex_unlock(&F.lock);
}

static void fault_set(unsigned what, int count)
{
	pthread_mutex_lock(&F.lock);
	F.fail_what = what;
	F.fail_count = count;
	pthread_mutex_unlock(&F.lock);
}

static int fault_opens(void)
{
	int n;

	pthread_mutex_lock(&F.lock);
	n = F.opens;
	pthread_mutex_unlock(&F.lock);
	return n;
}

static struct tve_backend *start_ex(const char *const *uris, size_t n, double pool_refresh_s,
				    const struct tve_driver_ops *drv)
{
	struct tve_config cfg;
	struct tve_backend *b;
	char *err = NULL;

	tve_config_init(&cfg);
	cfg.refresh_s = 0.5;
	if (pool_refresh_s > 0)
		cfg.pool_refresh_s = pool_refresh_s;
	cfg.state_dir = tve_xstrdup(state_dir);
	cfg.shutdown_timeout_s = 2;
	for (size_t i = 0; i < n; i++)
		tve_config_add_node(&cfg, NULL, uris[i]);
	b = tve_backend_new(&cfg, &err);
	assert_non_null(b);
	if (drv)
		for (size_t i = 0; i < n; i++)
			b->nodes[i]->drv = drv;
	assert_int_equal(tve_backend_start(b, &err), 0);
	tve_config_clear(&cfg);
	return b;
}

static struct tve_backend *start(const char *const *uris, size_t n)
{
	return start_ex(uris, n, 0, NULL);
}

/* Polls until node i's snapshot satisfies pred, or 10 s pass. */
static struct tve_snapshot *wait_for(struct tve_backend *b, size_t i,
				     int (*pred)(const struct tve_snapshot *, const void *),
				     const void *arg)
{
	uint64_t deadline = tve_now_ms() + 10000;

	while (tve_now_ms() < deadline) {
		struct tve_snapshot *s = tve_backend_snapshot(b, i);

		if (pred(s, arg))
			return s;
		tve_snapshot_unref(s);
		usleep(20000);
	}
	return NULL;
}

static int is_online(const struct tve_snapshot *s, const void *arg)
{
	(void)arg;
	return s->state == TVE_NODE_ONLINE;
}

static int is_offline(const struct tve_snapshot *s, const void *arg)
{
	(void)arg;
	return s->state == TVE_NODE_OFFLINE;
}

struct want_state {
	const char *uuid;
	enum tve_guest_state state;
};

static int guest_in_state(const struct tve_snapshot *s, const void *arg)
{
	const struct want_state *w = arg;
	const struct tve_guest *g = tve_snapshot_find_guest(s, w->uuid);

	return g && g->state == w->state;
}

static int guest_has_id(const struct tve_snapshot *s, const void *arg)
{
	const struct tve_guest *g = tve_snapshot_find_guest(s, arg);

	return g && g->vmid > 0;
}

/* Waits for the task to end; returns its status. */
static enum tve_task_status wait_task(struct tve_backend *b, const char *id, char **error)
{
	uint64_t deadline = tve_now_ms() + 10000;
	struct tve_task_info info;

	while (tve_now_ms() < deadline) {
		assert_int_equal(tve_taskstore_info(tve_backend_tasks(b), id, &info), 0);
		if (info.status != TVE_TASK_RUNNING) {
			enum tve_task_status st = info.status;

			if (error)
				*error = tve_xstrdup(info.error);
			tve_task_info_free(&info);
			return st;
		}
		tve_task_info_free(&info);
		usleep(20000);
	}
	fail_msg("task %s did not end", id);
	return TVE_TASK_RUNNING;
}

static void test_node_comes_online(void **state)
{
	const char *uris[] = { fixture_uri };
	struct tve_backend *b = start(uris, 1);
	struct tve_snapshot *s;

	(void)state;
	s = wait_for(b, 0, is_online, NULL);
	assert_non_null(s);
	assert_int_equal(s->n_guests, 3);
	/* IDs first, by ID; then guests without one. */
	assert_int_equal(s->guests[0].vmid, 100);
	assert_string_equal(s->guests[0].name, "alpha");
	assert_int_equal(s->guests[0].state, TVE_STATE_RUNNING);
	assert_int_equal(s->guests[1].vmid, 101);
	assert_int_equal(s->guests[2].vmid, 0);
	assert_string_equal(s->guests[2].name, "gamma");
	assert_true(s->has_facts);
	assert_int_equal(s->facts.cpus, 4);
	assert_true(s->n_pools >= 1);
	assert_true(s->generation > 0);
	tve_snapshot_unref(s);
	tve_backend_free(&b);
}

static void test_lifecycle_as_tasks(void **state)
{
	const char *uris[] = { fixture_uri };
	struct tve_backend *b = start(uris, 1);
	struct want_state w = { UUID_BETA, TVE_STATE_RUNNING };
	struct tve_snapshot *s;
	char *id = NULL, *err = NULL, *terr = NULL;

	(void)state;
	tve_snapshot_unref(wait_for(b, 0, is_online, NULL));

	assert_int_equal(tve_backend_guest_action(b, 0, UUID_BETA, TVE_ACT_START, &id, &err), 0);
	assert_int_equal(wait_task(b, id, NULL), TVE_TASK_OK);
	s = wait_for(b, 0, guest_in_state, &w);
	assert_non_null(s);
	tve_snapshot_unref(s);
	{
		struct tve_task_info info;

		assert_int_equal(tve_taskstore_info(tve_backend_tasks(b), id, &info), 0);
		assert_string_equal(info.type, "qmstart");
		assert_string_equal(info.target, "101");
		tve_task_info_free(&info);
	}
	free(id);
	id = NULL;

	w.state = TVE_STATE_PAUSED;
	assert_int_equal(tve_backend_guest_action(b, 0, UUID_BETA, TVE_ACT_PAUSE, &id, &err), 0);
	assert_int_equal(wait_task(b, id, NULL), TVE_TASK_OK);
	free(id);
	id = NULL;
	tve_snapshot_unref(s = wait_for(b, 0, guest_in_state, &w));
	assert_non_null(s);

	/* Starting a paused guest is refused with a reason. */
	assert_int_equal(tve_backend_guest_action(b, 0, UUID_BETA, TVE_ACT_START, &id, &err), 0);
	assert_int_equal(wait_task(b, id, &terr), TVE_TASK_ERROR);
	assert_non_null(terr);
	free(terr);
	free(id);
	id = NULL;

	w.state = TVE_STATE_STOPPED;
	assert_int_equal(tve_backend_guest_action(b, 0, UUID_BETA, TVE_ACT_STOP, &id, &err), 0);
	assert_int_equal(wait_task(b, id, NULL), TVE_TASK_OK);
	free(id);
	tve_snapshot_unref(s = wait_for(b, 0, guest_in_state, &w));
	assert_non_null(s);

	/* Unknown guest: refused before any task exists. */
	assert_int_equal(tve_backend_guest_action(b, 0, "no-such-uuid", TVE_ACT_START, NULL, &err), -1);
	assert_non_null(strstr(err, "no such guest"));
	free(err);
	tve_backend_free(&b);
}

static void test_ids_unique_across_nodes(void **state)
{
	const char *uris[] = { fixture_uri, fixture_uri };
	struct tve_backend *b = start(uris, 2);
	char *id = NULL, *err = NULL;
	struct tve_snapshot *s;

	(void)state;
	tve_snapshot_unref(wait_for(b, 0, is_online, NULL));
	tve_snapshot_unref(wait_for(b, 1, is_online, NULL));
	/* Both nodes hold 100 and 101 (same fixture), so the next is 102. */
	assert_int_equal(tve_backend_next_vmid(b), 102);
	assert_int_equal(tve_backend_set_vmid(b, 0, UUID_GAMMA, 100, NULL, &err), -1);
	assert_non_null(strstr(err, "already in use"));
	assert_int_equal(tve_backend_set_vmid(b, 0, UUID_GAMMA, 0, &id, &err), 0);
	assert_int_equal(wait_task(b, id, NULL), TVE_TASK_OK);
	free(id);
	id = NULL;
	s = wait_for(b, 0, guest_has_id, UUID_GAMMA);
	assert_non_null(s);
	assert_int_equal(tve_snapshot_find_guest(s, UUID_GAMMA)->vmid, 102);
	tve_snapshot_unref(s);
	/* The other node's gamma gets the next one, not 102 again. */
	assert_int_equal(tve_backend_set_vmid(b, 1, UUID_GAMMA, 0, &id, &err), 0);
	assert_int_equal(wait_task(b, id, NULL), TVE_TASK_OK);
	free(id);
	s = wait_for(b, 1, guest_has_id, UUID_GAMMA);
	assert_non_null(s);
	assert_int_equal(tve_snapshot_find_guest(s, UUID_GAMMA)->vmid, 103);
	tve_snapshot_unref(s);
	free(err);
	tve_backend_free(&b);
}

static void test_dead_node_does_not_block_others(void **state)
{
	char bad[512];
	const char *uris[2];
	struct tve_backend *b;
	struct tve_snapshot *s;
	char *err = NULL;
	uint64_t t0 = tve_now_ms();

	(void)state;
	snprintf(bad, sizeof(bad), "qemu+unix:///system?socket=%s/no-such-socket", state_dir);
	uris[0] = bad;
	uris[1] = fixture_uri;
	b = start(uris, 2);
	s = wait_for(b, 1, is_online, NULL);
	assert_non_null(s);
	tve_snapshot_unref(s);
	assert_true(tve_now_ms() - t0 < 3000);
	s = wait_for(b, 0, is_offline, NULL);
	assert_non_null(s);
	assert_non_null(s->error);
	tve_snapshot_unref(s);
	assert_int_equal(tve_backend_guest_action(b, 0, UUID_ALPHA, TVE_ACT_STOP, NULL, &err), -1);
	free(err);
	tve_backend_free(&b);
}

static void test_tasks_survive_restart(void **state)
{
	const char *uris[] = { fixture_uri };
	struct tve_backend *b = start(uris, 1);
	struct tve_task_info *infos = NULL;
	char *id = NULL, *err = NULL;
	size_t n;
	bool found = false;

	(void)state;
	tve_snapshot_unref(wait_for(b, 0, is_online, NULL));
	assert_int_equal(tve_backend_guest_action(b, 0, UUID_ALPHA, TVE_ACT_REBOOT, &id, &err), 0);
	wait_task(b, id, NULL);
	tve_backend_free(&b);

	b = start(uris, 1);
	n = tve_taskstore_recent(tve_backend_tasks(b), 1000, &infos);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(infos[i].id, id))
			found = true;
	assert_true(found);
	tve_task_info_array_free(infos, n);
	free(id);
	tve_backend_free(&b);
}

/* One failing part (a broken storage pool, a daemon without a network
 * driver, unreadable facts) must not take a live node offline: the node
 * stays ONLINE, keeps that part's previous data, says what failed, and the
 * guests keep refreshing. */
static void test_partial_failure_keeps_node_online(void **state)
{
	const char *uris[] = { fixture_uri };
	struct tve_backend *b;
	struct tve_snapshot *s;
	size_t pools, nets;
	unsigned long r0, pool_calls0;
	uint64_t deadline;

	(void)state;
	fault_reset();
	b = start_ex(uris, 1, 0.3, &fault_driver);
	s = wait_for(b, 0, is_online, NULL);
	assert_non_null(s);
	pools = s->n_pools;
	nets = s->n_networks;
	assert_true(pools >= 1);
	assert_true(s->has_facts);
	tve_snapshot_unref(s);

	pthread_mutex_lock(&F.lock);
	pool_calls0 = F.part_calls[2];
	pthread_mutex_unlock(&F.lock);
	fault_set(TVE_REFRESH_POOLS | TVE_REFRESH_NETWORKS | TVE_REFRESH_FACTS, -1);
	r0 = tve_backend_refresh_count(b, 0);
	deadline = tve_now_ms() + 2000;
	while (tve_now_ms() < deadline) {
		s = tve_backend_snapshot(b, 0);
		if (s->state != TVE_NODE_ONLINE)
			fail_msg("node went %s on a partial failure: %s", tve_node_state_name(s->state),
				 s->error ? s->error : "(no error)");
		assert_int_equal(s->n_pools, pools);
		assert_int_equal(s->n_networks, nets);
		assert_true(s->has_facts);
		assert_int_equal(s->facts.cpus, 4);
		assert_int_equal(s->n_guests, 3);
		tve_snapshot_unref(s);
		usleep(10000);
	}
	assert_true(tve_backend_refresh_count(b, 0) - r0 >= 3);
	pthread_mutex_lock(&F.lock);
	assert_true(F.part_calls[2] > pool_calls0 + 2);	/* pools were retried */
	pthread_mutex_unlock(&F.lock);
	assert_int_equal(fault_opens(), 1);	/* never reconnected */
	s = tve_backend_snapshot(b, 0);
	assert_non_null(s->error);
	assert_non_null(strstr(s->error, "broken"));
	assert_false(s->stale);
	tve_snapshot_unref(s);

	/* Once the part works again the error goes away. */
	fault_set(0, 0);
	deadline = tve_now_ms() + 5000;
	for (;;) {
		s = tve_backend_snapshot(b, 0);
		if (s->state == TVE_NODE_ONLINE && !s->error)
			break;
		tve_snapshot_unref(s);
		if (tve_now_ms() > deadline)
			fail_msg("the partial failure's error stayed");
		usleep(20000);
	}
	tve_snapshot_unref(s);
	tve_backend_free(&b);
}

static int held_actions(void)
{
	int n;

	pthread_mutex_lock(&F.lock);
	n = F.held;
	pthread_mutex_unlock(&F.lock);
	return n;
}

/* A task keeps the old connection open after the worker dropped it and
 * reconnected.  When that old connection's close callback fires late
 * (keepalive, EOF), it must not take the new, healthy connection down. */
static void test_stale_close_callback(void **state)
{
	const char *uris[] = { fixture_uri };
	struct tve_backend *b;
	struct tve_snapshot *s;
	char *id = NULL, *err = NULL;
	uint64_t deadline;

	(void)state;
	fault_reset();
	b = start_ex(uris, 1, 0, &fault_driver);
	tve_snapshot_unref(wait_for(b, 0, is_online, NULL));

	pthread_mutex_lock(&F.lock);
	F.hold_actions = true;
	pthread_mutex_unlock(&F.lock);
	assert_int_equal(tve_backend_guest_action(b, 0, UUID_ALPHA, TVE_ACT_PAUSE, &id, &err), 0);
	deadline = tve_now_ms() + 5000;
	while (held_actions() < 1 && tve_now_ms() < deadline)
		usleep(10000);
	assert_int_equal(held_actions(), 1);

	/* The next refresh fails: the worker drops its connection and opens a
	 * new one; the task still holds the old one. */
	fault_set(TVE_REFRESH_GUESTS, 1);
	deadline = tve_now_ms() + 10000;
	while (fault_opens() < 2 && tve_now_ms() < deadline)
		usleep(10000);
	assert_int_equal(fault_opens(), 2);
	s = wait_for(b, 0, is_online, NULL);
	assert_non_null(s);
	tve_snapshot_unref(s);
	pthread_mutex_lock(&F.lock);
	assert_int_equal(F.closes, 0);	/* the old handle is still in use */
	pthread_mutex_unlock(&F.lock);

	/* The old connection's close callback, late. */
	tve_node_connection_lost(b->nodes[0], "connection closed: keepalive timeout");
	deadline = tve_now_ms() + 1500;
	while (tve_now_ms() < deadline) {
		s = tve_backend_snapshot(b, 0);
		if (s->state != TVE_NODE_ONLINE)
			fail_msg("a stale close callback took the new connection %s: %s",
				 tve_node_state_name(s->state), s->error ? s->error : "");
		tve_snapshot_unref(s);
		assert_int_equal(fault_opens(), 2);
		usleep(10000);
	}

	pthread_mutex_lock(&F.lock);
	F.hold_actions = false;
	pthread_cond_broadcast(&F.cond);
	pthread_mutex_unlock(&F.lock);
	assert_int_equal(wait_task(b, id, NULL), TVE_TASK_OK);
	free(id);
	/* The task was the last user of the old connection: it closed it. */
	deadline = tve_now_ms() + 2000;
	for (;;) {
		pthread_mutex_lock(&F.lock);
		int closes = F.closes;
		pthread_mutex_unlock(&F.lock);
		if (closes == 1)
			break;
		if (tve_now_ms() > deadline)
			fail_msg("old connection not closed (%d closes)", closes);
		usleep(10000);
	}
	tve_backend_free(&b);
}

/* 1000 lifecycle events in a burst make a handful of refreshes, not 1000. */
static void test_event_storm_coalesced(void **state)
{
	const char *uris[] = { fixture_uri };
	struct tve_backend *b;
	virConnectPtr c;
	virDomainPtr d;
	unsigned long r0, r1;
	uint64_t t0, ms;

	(void)state;
	fault_reset();
	b = start_ex(uris, 1, 0, &fault_driver);
	tve_snapshot_unref(wait_for(b, 0, is_online, NULL));
	pthread_mutex_lock(&F.lock);
	c = tve_libvirt_conn(F.last_h);
	pthread_mutex_unlock(&F.lock);
	d = virDomainLookupByUUIDString(c, UUID_ALPHA);
	assert_non_null(d);
	usleep(300000);
	r0 = tve_backend_refresh_count(b, 0);
	t0 = tve_now_ms();
	for (int i = 0; i < 500; i++) {
		assert_int_equal(virDomainSuspend(d), 0);
		assert_int_equal(virDomainResume(d), 0);
	}
	usleep(1000000);
	ms = tve_now_ms() - t0;
	r1 = tve_backend_refresh_count(b, 0);
	printf("# 1000 events: %lu refreshes in %llu ms\n", r1 - r0, (unsigned long long)ms);
	/* At most one event refresh per 200 ms plus the timer's (0.5 s). */
	assert_true(r1 - r0 <= 2 + ms / 200 + ms / 500);
	virDomainFree(d);
	tve_backend_free(&b);
}

/* The state dir holds only task files: remove them and the dir. */
static int has_caps(const struct tve_snapshot *s, const void *arg)
{
	(void)arg;
	return s->state == TVE_NODE_ONLINE && s->has_caps && s->n_pools > 0;
}

static int has_vmid(const struct tve_snapshot *s, const void *arg)
{
	return tve_snapshot_find_vmid(s, *(const int *)arg) != NULL;
}

/* Create VM on the test driver: caps arrive (domain type "test"), the
 * defaults make a valid spec, the task defines the guest with its ID and
 * its disk volume; a bad spec is refused before a task exists. */
static void test_create_vm(void **state)
{
	const char *uris[] = { fixture_uri };
	struct tve_backend *b = start(uris, 1);
	struct tve_create_ctx ctx;
	struct tve_vm_spec spec = {0};
	struct tve_snapshot *s;
	const struct tve_guest *g;
	const struct tve_pool *p;
	char *id = NULL, *err = NULL;
	int vmid;
	bool vol = false;

	(void)state;
	s = wait_for(b, 0, has_caps, NULL);
	assert_non_null(s);
	assert_string_equal(s->caps.domain_type, "test");
	tve_snapshot_unref(s);

	tve_backend_ctx_get(b, 0, &ctx);
	tve_vm_spec_defaults(&spec, &ctx);
	tve_backend_ctx_release(&ctx);
	vmid = spec.vmid;
	assert_int_equal(vmid, 102);	/* 100 and 101 are taken */
	free(spec.name);
	spec.name = tve_xstrdup("bad_name");
	assert_int_equal(tve_backend_create_vm(b, 0, &spec, &id, &err), -1);
	assert_non_null(err);
	assert_null(id);
	free(err);
	err = NULL;

	free(spec.name);
	spec.name = tve_xstrdup("made1");
	assert_int_equal(tve_backend_create_vm(b, 0, &spec, &id, &err), 0);
	assert_int_equal(wait_task(b, id, &err), TVE_TASK_OK);
	free(id);
	s = wait_for(b, 0, has_vmid, &vmid);
	assert_non_null(s);
	g = tve_snapshot_find_vmid(s, vmid);
	assert_string_equal(g->name, "made1");
	p = tve_snapshot_find_pool(s, spec.disks[0].pool);
	assert_non_null(p);
	for (size_t i = 0; i < p->n_volumes; i++)
		vol |= strncmp(p->volumes[i].name, "vm-102-disk-0", 13) == 0;
	assert_true(vol);
	tve_snapshot_unref(s);
	tve_vm_spec_clear(&spec);
	tve_backend_free(&b);
}

static void remove_state_dir(void)
{
	DIR *d = opendir(state_dir);
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			char *path = tve_xasprintf("%s/%s", state_dir, e->d_name);

			unlink(path);
			free(path);
		}
	}
	if (d)
		closedir(d);
	rmdir(state_dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_comes_online),
		cmocka_unit_test(test_lifecycle_as_tasks),
		cmocka_unit_test(test_ids_unique_across_nodes),
		cmocka_unit_test(test_dead_node_does_not_block_others),
		cmocka_unit_test(test_tasks_survive_restart),
		cmocka_unit_test(test_partial_failure_keeps_node_online),
		cmocka_unit_test(test_stale_close_callback),
		cmocka_unit_test(test_event_storm_coalesced),
		cmocka_unit_test(test_create_vm),
	};
	const char *src = getenv("TVE_TOP_SRCDIR");
	int rc;

	if (!mkdtemp(state_dir))
		return 1;
	fixture_uri = tve_xasprintf("test://%s/tests/fixtures/backend-node.xml", src ? src : TVE_SRCDIR);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(fixture_uri);
	remove_state_dir();
	return rc;
}
