/* test_backend.c - the backend's workers, tasks and IDs against libvirt's
 * test driver: nodes come online, actions run as tasks and show in the
 * next snapshot, IDs are unique across nodes, a dead node stays offline
 * without holding up the others, and the task history survives a restart. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend.h"
#include "util.h"

#define UUID_ALPHA "aaaaaaaa-0000-4000-8000-000000000001"
#define UUID_BETA "aaaaaaaa-0000-4000-8000-000000000002"
#define UUID_GAMMA "aaaaaaaa-0000-4000-8000-000000000003"

static char state_dir[] = "/tmp/tve-test-backend-XXXXXX";
static char *fixture_uri;

static struct tve_backend *start(const char *const *uris, size_t n)
{
	struct tve_config cfg;
	struct tve_backend *b;
	char *err = NULL;

	tve_config_init(&cfg);
	cfg.refresh_s = 0.5;
	cfg.state_dir = tve_xstrdup(state_dir);
	cfg.shutdown_timeout_s = 2;
	for (size_t i = 0; i < n; i++)
		tve_config_add_node(&cfg, NULL, uris[i]);
	b = tve_backend_new(&cfg, &err);
	assert_non_null(b);
	assert_int_equal(tve_backend_start(b, &err), 0);
	tve_config_clear(&cfg);
	return b;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_node_comes_online),
		cmocka_unit_test(test_lifecycle_as_tasks),
		cmocka_unit_test(test_ids_unique_across_nodes),
		cmocka_unit_test(test_dead_node_does_not_block_others),
		cmocka_unit_test(test_tasks_survive_restart),
	};
	const char *src = getenv("TVE_TOP_SRCDIR");
	int rc;

	if (!mkdtemp(state_dir))
		return 1;
	fixture_uri = tve_xasprintf("test://%s/tests/fixtures/backend-node.xml", src ? src : TVE_SRCDIR);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(fixture_uri);
	return rc;
}
