/* itest_lifecycle.c - the backend against a real private libvirtd.
 *
 * Run by tests/integration/test_lifecycle.sh, which starts a private host
 * (tests/harness/testhost.sh), defines a diskless guest with vmid 100 and
 * passes in the environment:
 *   TVE_TEST_URI          the host's URI (required)
 *   TVE_TEST_NODE         node name (default h1); also its hostname
 *   TVE_TEST_SERIAL_LOG   the guest's serial log file (required)
 *   TVE_TEST_KILL_CMD     shell command that kills the host's libvirtd
 *   TVE_TEST_RESTART_CMD  shell command that starts it again
 *   TVE_TEST_FREEZE_CMD   shell command that stops (SIGSTOP) the host's libvirtd
 *   TVE_TEST_THAW_CMD     shell command that lets it run again (SIGCONT)
 *   TVE_TEST_STATE_DIR    where the task store lives (default: a temp dir)
 * The tests run in order and build on each other (one guest, one backend).
 * Checks go through the public backend API and, to be sure, libvirt itself. */
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backend.h"
#include "itest_util.h"

#define VMID 100

static struct {
	const char *uri;
	const char *node;
	const char *serial_log;
	const char *kill_cmd;
	const char *restart_cmd;
	const char *freeze_cmd;
	const char *thaw_cmd;
	bool frozen;
	char state_dir[256];
	struct tve_config cfg;
	struct tve_backend *b;
	virConnectPtr conn;	/* our own connection, for checking */
	char uuid[37];
	bool have_guest;
} T;

/* Sleeps until the backend signals a change or ms pass. */
static void dump_node(const char *why)
{
	struct tve_snapshot *s = tve_backend_snapshot(T.b, 0);

	diag("%s: node %s state=%s error=%s guests=%zu stale=%d", why, s->node,
	     tve_node_state_name(s->state), s->error ? s->error : "(none)", s->n_guests, s->stale);
	for (size_t i = 0; i < s->n_guests; i++)
		diag("  guest %s vmid=%d uuid=%s state=%s", s->guests[i].name, s->guests[i].vmid,
		     s->guests[i].uuid, tve_guest_state_name(s->guests[i].state));
	tve_snapshot_unref(s);
}

/* ---- predicates on the latest snapshot ---- */

typedef bool (*snap_pred)(const struct tve_snapshot *s, const void *arg);

static bool wait_snap(snap_pred pred, const void *arg, int timeout_ms, const char *what)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		struct tve_snapshot *s = tve_backend_snapshot(T.b, 0);
		bool ok = pred(s, arg);

		tve_snapshot_unref(s);
		if (ok)
			return true;
		if (now_ms() >= deadline)
			break;
		itest_wait_wake(T.b, 100);
	}
	dump_node(what);
	return false;
}

static bool pred_online_with_guest(const struct tve_snapshot *s, const void *arg)
{
	(void)arg;
	return s->state == TVE_NODE_ONLINE && tve_snapshot_find_vmid(s, VMID) != NULL;
}

static bool pred_guest_state(const struct tve_snapshot *s, const void *arg)
{
	const struct tve_guest *g = tve_snapshot_find_vmid(s, VMID);

	return s->state == TVE_NODE_ONLINE && g && g->state == *(const enum tve_guest_state *)arg;
}

static bool pred_offline(const struct tve_snapshot *s, const void *arg)
{
	(void)arg;
	return s->state == TVE_NODE_OFFLINE && s->error && *s->error;
}

static bool wait_guest_state(enum tve_guest_state st, int timeout_ms)
{
	char what[64];

	snprintf(what, sizeof(what), "waiting for guest %s", tve_guest_state_name(st));
	return wait_snap(pred_guest_state, &st, timeout_ms, what);
}

/* ---- libvirt itself ---- */

static virConnectPtr direct(void)
{
	if (T.conn && virConnectIsAlive(T.conn) == 1)
		return T.conn;
	if (T.conn)
		virConnectClose(T.conn);
	T.conn = virConnectOpen(T.uri);
	if (!T.conn)
		diag("virConnectOpen(%s): %s", T.uri, virGetLastErrorMessage());
	return T.conn;
}

/* virDomainState of the guest according to libvirt, or -1. */
static int libvirt_state(void)
{
	virConnectPtr c = direct();
	virDomainPtr d;
	int st = -1, reason;

	if (!c)
		return -1;
	d = virDomainLookupByUUIDString(c, T.uuid);
	if (!d) {
		diag("lookup %s: %s", T.uuid, virGetLastErrorMessage());
		return -1;
	}
	if (virDomainGetState(d, &st, &reason, 0) < 0) {
		diag("virDomainGetState: %s", virGetLastErrorMessage());
		st = -1;
	}
	virDomainFree(d);
	return st;
}

static bool file_contains(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	char buf[65536];
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++)	/* escape codes may hold NULs */
		if (buf[i] == '\0')
			buf[i] = ' ';
	return strstr(buf, needle) != NULL;
}

static bool wait_file_contains(const char *path, const char *needle, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	while (!file_contains(path, needle)) {
		if (now_ms() >= deadline)
			return false;
		usleep(100 * 1000);
	}
	return true;
}

/* ---- tasks ---- */

/* Runs an action and waits for its task to end.  Returns the final status
 * (or -1 if it could not be started / did not end); *error gets a copy of
 * the task's error text. */
static int run_action(enum tve_guest_action act, int timeout_ms, char **error)
{
	struct tve_taskstore *ts = tve_backend_tasks(T.b);
	char *id = NULL, *err = NULL;
	long long t0 = now_ms(), deadline = t0 + timeout_ms;
	int status = -1;

	if (error)
		*error = NULL;
	if (tve_backend_guest_action(T.b, 0, T.uuid, act, &id, &err) < 0) {
		diag("%s: could not start: %s", tve_guest_action_name(act), err ? err : "?");
		free(err);
		return -1;
	}
	for (;;) {
		struct tve_task_info info;

		if (tve_taskstore_info(ts, id, &info) == 0) {
			if (info.status != TVE_TASK_RUNNING) {
				status = info.status;
				diag("task %s %s %s: %s in %lld ms%s%s", info.type, info.target, info.node,
				     status == TVE_TASK_OK ? "OK" : "ERROR", now_ms() - t0,
				     info.error ? ": " : "", info.error ? info.error : "");
				if (error && info.error)
					*error = strdup(info.error);
				tve_task_info_free(&info);
				break;
			}
			tve_task_info_free(&info);
		}
		if (now_ms() >= deadline) {
			diag("task %s did not end within %d ms", id, timeout_ms);
			break;
		}
		itest_wait_wake(T.b, 100);
	}
	free(id);
	return status;
}

/* ---- setup ---- */

static int group_setup(void **state)
{
	char *err = NULL;
	const char *sd = getenv("TVE_TEST_STATE_DIR");

	(void)state;
	T.uri = getenv("TVE_TEST_URI");
	T.serial_log = getenv("TVE_TEST_SERIAL_LOG");
	T.node = getenv("TVE_TEST_NODE") ? getenv("TVE_TEST_NODE") : "h1";
	T.kill_cmd = getenv("TVE_TEST_KILL_CMD");
	T.restart_cmd = getenv("TVE_TEST_RESTART_CMD");
	T.freeze_cmd = getenv("TVE_TEST_FREEZE_CMD");
	T.thaw_cmd = getenv("TVE_TEST_THAW_CMD");
	if (!T.uri || !T.serial_log) {
		fprintf(stderr, "itest_lifecycle: run it through tests/integration/test_lifecycle.sh "
				"(TVE_TEST_URI and TVE_TEST_SERIAL_LOG must be set)\n");
		return -1;
	}
	if (sd && *sd) {
		snprintf(T.state_dir, sizeof(T.state_dir), "%s", sd);
	} else {
		snprintf(T.state_dir, sizeof(T.state_dir), "/tmp/itest_lifecycle.XXXXXX");
		if (!mkdtemp(T.state_dir)) {
			perror("mkdtemp");
			return -1;
		}
	}
	tve_config_init(&T.cfg);
	T.cfg.refresh_s = 0.5;
	T.cfg.shutdown_timeout_s = 3;
	T.cfg.shutdown_force = false;
	free(T.cfg.state_dir);
	T.cfg.state_dir = strdup(T.state_dir);
	tve_config_add_node(&T.cfg, T.node, T.uri);
	T.b = tve_backend_new(&T.cfg, &err);
	if (!T.b) {
		fprintf(stderr, "tve_backend_new: %s\n", err ? err : "?");
		free(err);
		return -1;
	}
	if (tve_backend_start(T.b, &err) < 0) {
		fprintf(stderr, "tve_backend_start: %s\n", err ? err : "?");
		free(err);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (T.frozen && T.thaw_cmd)
		(void)!system(T.thaw_cmd);
	if (T.b) {
		long long t0 = now_ms();

		tve_backend_free(&T.b);
		diag("tve_backend_free took %lld ms", now_ms() - t0);
	}
	if (T.conn)
		virConnectClose(T.conn);
	tve_config_clear(&T.cfg);
	return 0;
}

#define NEED_GUEST() \
	do { \
		if (!T.have_guest) \
			fail_msg("the guest was never seen in a snapshot"); \
	} while (0)

/* ---- tests ---- */

static void node_online_with_guest(void **state)
{
	long long t0 = now_ms();
	struct tve_snapshot *s;
	const struct tve_guest *g;

	(void)state;
	assert_true(wait_snap(pred_online_with_guest, NULL, 20000, "waiting for ONLINE + vmid 100"));
	diag("node online with the guest after %lld ms", now_ms() - t0);
	s = tve_backend_snapshot(T.b, 0);
	assert_int_equal(tve_backend_node_count(T.b), 1);
	assert_string_equal(s->node, T.node);
	assert_string_equal(s->uri, T.uri);
	assert_null(s->error);
	g = tve_snapshot_find_vmid(s, VMID);
	assert_non_null(g);
	snprintf(T.uuid, sizeof(T.uuid), "%s", g->uuid);
	T.have_guest = true;
	assert_int_equal(g->type, TVE_GUEST_VM);
	assert_int_equal(g->state, TVE_STATE_STOPPED);
	assert_true(g->persistent);
	assert_int_equal(g->mem_max_kib, 64 * 1024);
	assert_int_equal(g->vcpus, 1);
	tve_snapshot_unref(s);
	/* The facts come from the private host (its own hostname). */
	long long deadline = now_ms() + 5000;
	for (;;) {
		s = tve_backend_snapshot(T.b, 0);
		if (s->has_facts || now_ms() >= deadline)
			break;
		tve_snapshot_unref(s);
		itest_wait_wake(T.b, 100);
	}
	assert_true(s->has_facts);
	assert_non_null(s->facts.hostname);
	assert_string_equal(s->facts.hostname, T.node);
	assert_non_null(s->facts.hv_type);
	assert_string_equal(s->facts.hv_type, "QEMU");
	/* Memory: the host's total as /proc/meminfo has it, and free within it
	 * (virNodeGetInfo's total can differ from the memory statistics'). */
	{
		unsigned long long meminfo_total = 0;
		FILE *f = fopen("/proc/meminfo", "r");

		assert_non_null(f);
		assert_int_equal(fscanf(f, "MemTotal: %llu kB", &meminfo_total), 1);
		fclose(f);
		assert_int_equal(s->facts.mem_total_kib, meminfo_total);
		assert_true(s->facts.mem_free_kib > 0);
		assert_true(s->facts.mem_free_kib <= s->facts.mem_total_kib);
	}
	tve_snapshot_unref(s);
}

static void action_start(void **state)
{
	long long t0;

	(void)state;
	NEED_GUEST();
	t0 = now_ms();
	assert_int_equal(run_action(TVE_ACT_START, 30000, NULL), TVE_TASK_OK);
	assert_true(wait_guest_state(TVE_STATE_RUNNING, 10000));
	assert_int_equal(libvirt_state(), VIR_DOMAIN_RUNNING);
	assert_true(wait_file_contains(T.serial_log, "SeaBIOS", 20000));
	diag("SeaBIOS on the serial port %lld ms after the start action", now_ms() - t0);
}

/* The serial console stays usable (virDomainOpenConsole) even though its
 * output is also logged: reset the guest through the backend and read
 * SeaBIOS's banner from the console stream. */
static void console_after_reset(void **state)
{
	virConnectPtr c = direct();
	virDomainPtr d;
	virStreamPtr st;
	char buf[4096], seen[8192] = "";
	size_t seen_len = 0;
	bool found = false;
	long long deadline;

	(void)state;
	NEED_GUEST();
	assert_non_null(c);
	d = virDomainLookupByUUIDString(c, T.uuid);
	assert_non_null(d);
	st = virStreamNew(c, VIR_STREAM_NONBLOCK);
	assert_non_null(st);
	if (virDomainOpenConsole(d, NULL, st, VIR_DOMAIN_CONSOLE_FORCE) < 0)
		fail_msg("virDomainOpenConsole: %s", virGetLastErrorMessage());
	assert_int_equal(run_action(TVE_ACT_RESET, 20000, NULL), TVE_TASK_OK);
	deadline = now_ms() + 15000;
	while (!found && now_ms() < deadline) {
		int n = virStreamRecv(st, buf, sizeof(buf));

		if (n == -2) {
			usleep(50 * 1000);
			continue;
		}
		if (n <= 0) {
			diag("virStreamRecv: %d %s", n, n < 0 ? virGetLastErrorMessage() : "(EOF)");
			break;
		}
		for (int i = 0; i < n; i++) {
			if (seen_len + 1 >= sizeof(seen)) {	/* keep the tail */
				memmove(seen, seen + sizeof(seen) / 2, seen_len - sizeof(seen) / 2);
				seen_len -= sizeof(seen) / 2;
			}
			seen[seen_len++] = buf[i] ? buf[i] : ' ';
		}
		seen[seen_len] = '\0';
		found = strstr(seen, "SeaBIOS") != NULL;
	}
	virStreamAbort(st);
	virStreamFree(st);
	virDomainFree(d);
	if (!found)
		fail_msg("no SeaBIOS banner on the console after a reset (got %zu bytes)", seen_len);
}

static void action_pause(void **state)
{
	(void)state;
	NEED_GUEST();
	assert_int_equal(run_action(TVE_ACT_PAUSE, 20000, NULL), TVE_TASK_OK);
	assert_true(wait_guest_state(TVE_STATE_PAUSED, 10000));
	assert_int_equal(libvirt_state(), VIR_DOMAIN_PAUSED);
}

static void action_resume(void **state)
{
	(void)state;
	NEED_GUEST();
	assert_int_equal(run_action(TVE_ACT_RESUME, 20000, NULL), TVE_TASK_OK);
	assert_true(wait_guest_state(TVE_STATE_RUNNING, 10000));
	assert_int_equal(libvirt_state(), VIR_DOMAIN_RUNNING);
}

static void check_readable(const char *msg)
{
	assert_non_null(msg);
	assert_true(strlen(msg) > 3 && strlen(msg) < 400);
	for (const char *p = msg; *p; p++)
		assert_true((unsigned char)*p >= 0x20);
	assert_string_not_equal(msg, "failed");
}

static void wrong_state_errors(void **state)
{
	char *error = NULL;

	(void)state;
	NEED_GUEST();
	assert_int_equal(run_action(TVE_ACT_RESUME, 20000, &error), TVE_TASK_ERROR);
	check_readable(error);
	diag("resume while running: \"%s\"", error);
	free(error);
	assert_int_equal(run_action(TVE_ACT_START, 20000, &error), TVE_TASK_ERROR);
	check_readable(error);
	diag("start while running: \"%s\"", error);
	free(error);
	/* Nothing changed. */
	assert_true(wait_guest_state(TVE_STATE_RUNNING, 3000));
	assert_int_equal(libvirt_state(), VIR_DOMAIN_RUNNING);
}

static void action_stop(void **state)
{
	(void)state;
	NEED_GUEST();
	assert_int_equal(run_action(TVE_ACT_STOP, 20000, NULL), TVE_TASK_OK);
	assert_true(wait_guest_state(TVE_STATE_STOPPED, 10000));
	assert_int_equal(libvirt_state(), VIR_DOMAIN_SHUTOFF);
}

/* The task list holds all of the above, in order, with their outcomes. */
static void task_list(void **state)
{
	static const struct {
		const char *type;
		enum tve_task_status status;
	} want[] = {
		{ "qmstart", TVE_TASK_OK },
		{ "qmreset", TVE_TASK_OK },
		{ "qmpause", TVE_TASK_OK },
		{ "qmresume", TVE_TASK_OK },
		{ "qmresume", TVE_TASK_ERROR },
		{ "qmstart", TVE_TASK_ERROR },
		{ "qmstop", TVE_TASK_OK },
	};
	const size_t nw = sizeof(want) / sizeof(want[0]);
	struct tve_task_info *infos = NULL;
	size_t n;

	(void)state;
	n = tve_taskstore_recent(tve_backend_tasks(T.b), 100, &infos);
	assert_true(n >= nw);
	assert_int_equal(tve_taskstore_running(tve_backend_tasks(T.b)), 0);
	/* Newest first: want[nw-1] is infos[0]. */
	for (size_t i = 0; i < nw; i++) {
		const struct tve_task_info *t = &infos[nw - 1 - i];

		diag("task %zu: %s %s %s %s%s%s", i, t->type, t->target, t->node,
		     t->status == TVE_TASK_OK ? "OK" : t->status == TVE_TASK_ERROR ? "ERROR" : "RUNNING",
		     t->error ? " " : "", t->error ? t->error : "");
		assert_string_equal(t->type, want[i].type);
		assert_int_equal(t->status, want[i].status);
		assert_string_equal(t->node, T.node);
		assert_string_equal(t->target, "100");
		assert_true(t->end >= t->start && t->end != 0);
		assert_non_null(t->id);
		if (want[i].status == TVE_TASK_ERROR)
			check_readable(t->error);
		else
			assert_null(t->error);
	}
	tve_task_info_array_free(infos, n);
}

static int run_cmd(const char *what, const char *cmd)
{
	int rc;

	if (!cmd || !*cmd)
		fail_msg("%s is not set: run through test_lifecycle.sh", what);
	rc = system(cmd);
	if (rc != 0)
		diag("%s (%s) exited with %d", what, cmd, rc);
	return rc;
}

static void daemon_killed(void **state)
{
	long long t0;
	char *err = NULL;
	struct tve_snapshot *s;
	int rc;

	(void)state;
	NEED_GUEST();
	/* Keep a guest running through the daemon's death. */
	assert_int_equal(run_action(TVE_ACT_START, 30000, NULL), TVE_TASK_OK);
	assert_true(wait_guest_state(TVE_STATE_RUNNING, 10000));

	assert_int_equal(run_cmd("TVE_TEST_KILL_CMD", T.kill_cmd), 0);
	t0 = now_ms();
	assert_true(wait_snap(pred_offline, NULL, 10000, "waiting for OFFLINE"));
	s = tve_backend_snapshot(T.b, 0);
	diag("node offline %lld ms after the kill: %s", now_ms() - t0, s->error);
	tve_snapshot_unref(s);

	/* The backend keeps working: snapshots, IDs, actions refused or failed
	 * cleanly. */
	rc = tve_backend_guest_action(T.b, 0, T.uuid, TVE_ACT_PAUSE, NULL, &err);
	if (rc < 0) {
		check_readable(err);
		diag("action while offline refused: %s", err);
		free(err);
	} else {
		long long deadline = now_ms() + 10000;

		while (tve_taskstore_running(tve_backend_tasks(T.b)) > 0 && now_ms() < deadline)
			itest_wait_wake(T.b, 100);
		assert_int_equal(tve_taskstore_running(tve_backend_tasks(T.b)), 0);
	}
	/* One manual refresh (a retry while offline): no crash, still offline.
	 * Only one: every retry doubles the reconnection backoff. */
	tve_backend_refresh(T.b, 0);
	for (int i = 0; i < 5; i++) {
		s = tve_backend_snapshot(T.b, 0);
		assert_non_null(s);
		assert_int_not_equal(s->state, TVE_NODE_ONLINE);
		tve_snapshot_unref(s);
		itest_wait_wake(T.b, 100);
	}
	assert_true(tve_backend_next_vmid(T.b) >= 100);
}

static void daemon_restarted(void **state)
{
	long long t0;
	enum tve_guest_state running = TVE_STATE_RUNNING;

	(void)state;
	NEED_GUEST();
	assert_int_equal(run_cmd("TVE_TEST_RESTART_CMD", T.restart_cmd), 0);
	t0 = now_ms();
	/* Reconnection backs off up to 30 s between attempts; the daemon was
	 * down only a few seconds, so the next attempt comes well before. */
	assert_true(wait_snap(pred_guest_state, &running, 40000, "waiting for ONLINE after restart"));
	diag("node online again, guest running, %lld ms after the restart", now_ms() - t0);
	struct tve_snapshot *s = tve_backend_snapshot(T.b, 0);
	if (s->error)
		diag("online again, error kept: %s", s->error);
	assert_false(s->stale);
	tve_snapshot_unref(s);
	assert_int_equal(libvirt_state(), VIR_DOMAIN_RUNNING);
	/* The new connection works for actions too. */
	assert_int_equal(run_action(TVE_ACT_STOP, 20000, NULL), TVE_TASK_OK);
	assert_true(wait_guest_state(TVE_STATE_STOPPED, 10000));
	assert_int_equal(libvirt_state(), VIR_DOMAIN_SHUTOFF);
}

/* A guest that ignores ACPI (no OS: SeaBIOS only) keeps a shutdown task
 * waiting for its timeout; meanwhile other actions on the same node run
 * at once, and the node keeps refreshing. */
static void shutdown_timeout_does_not_block(void **state)
{
	struct tve_taskstore *ts;
	char *sd_id = NULL, *err = NULL, *error = NULL;
	struct tve_task_info info;
	long long t0, deadline;
	unsigned long r0;

	(void)state;
	NEED_GUEST();
	ts = tve_backend_tasks(T.b);
	assert_int_equal(run_action(TVE_ACT_START, 30000, NULL), TVE_TASK_OK);
	assert_true(wait_guest_state(TVE_STATE_RUNNING, 10000));
	/* The configured timeout (3 s in group_setup's config) */
	if (tve_backend_guest_action(T.b, 0, T.uuid, TVE_ACT_SHUTDOWN, &sd_id, &err) < 0)
		fail_msg("shutdown: %s", err);
	usleep(300 * 1000);
	assert_int_equal(tve_taskstore_info(ts, sd_id, &info), 0);
	assert_int_equal(info.status, TVE_TASK_RUNNING);
	tve_task_info_free(&info);
	/* Pause and resume run while the shutdown waits. */
	t0 = now_ms();
	r0 = tve_backend_refresh_count(T.b, 0);
	assert_int_equal(run_action(TVE_ACT_PAUSE, 5000, NULL), TVE_TASK_OK);
	assert_int_equal(run_action(TVE_ACT_RESUME, 5000, NULL), TVE_TASK_OK);
	diag("pause + resume during the shutdown wait: %lld ms", now_ms() - t0);
	assert_true(now_ms() - t0 < 2500);
	assert_int_equal(tve_taskstore_info(ts, sd_id, &info), 0);
	assert_int_equal(info.status, TVE_TASK_RUNNING);
	tve_task_info_free(&info);
	/* The node keeps refreshing meanwhile (event refreshes are coalesced,
	 * so give it the refresh interval). */
	deadline = now_ms() + 3000;
	while (tve_backend_refresh_count(T.b, 0) <= r0 && now_ms() < deadline)
		usleep(20 * 1000);
	assert_true(tve_backend_refresh_count(T.b, 0) > r0);
	/* The shutdown then times out (no force) with a clear message. */
	deadline = now_ms() + 15000;
	for (;;) {
		assert_int_equal(tve_taskstore_info(ts, sd_id, &info), 0);
		if (info.status != TVE_TASK_RUNNING)
			break;
		tve_task_info_free(&info);
		if (now_ms() > deadline)
			fail_msg("shutdown task did not end");
		itest_wait_wake(T.b, 100);
	}
	assert_int_equal(info.status, TVE_TASK_ERROR);
	check_readable(info.error);
	diag("shutdown ignored: \"%s\"", info.error);
	assert_non_null(strstr(info.error, "timed out"));
	tve_task_info_free(&info);
	free(sd_id);
	assert_int_equal(run_action(TVE_ACT_STOP, 20000, &error), TVE_TASK_OK);
	free(error);
	assert_true(wait_guest_state(TVE_STATE_STOPPED, 10000));
}

static void *free_backend(void *arg)
{
	(void)arg;
	tve_backend_free(&T.b);
	return NULL;
}

/* A daemon that stops answering (frozen, or a peer behind a dead link):
 * keepalive takes the node offline within seconds, a reconnection attempt
 * that hangs does not hold the worker, and tve_backend_free still returns
 * (it must not wait forever for a worker stuck in virConnectOpen). */
static void daemon_frozen(void **state)
{
	long long t0;
	struct tve_snapshot *s;
	pthread_t th;
	struct timespec ts;
	int rc;

	(void)state;
	NEED_GUEST();
	assert_true(wait_snap(pred_online_with_guest, NULL, 20000, "waiting for ONLINE"));
	assert_int_equal(run_cmd("TVE_TEST_FREEZE_CMD", T.freeze_cmd), 0);
	T.frozen = true;
	t0 = now_ms();
	assert_true(wait_snap(pred_offline, NULL, 15000, "waiting for OFFLINE (keepalive)"));
	s = tve_backend_snapshot(T.b, 0);
	diag("frozen daemon: node offline after %lld ms: %s", now_ms() - t0, s->error);
	tve_snapshot_unref(s);
	/* Let a reconnection attempt start and hang on the frozen daemon
	 * (a manual refresh asks for one at once). */
	tve_backend_refresh(T.b, 0);
	sleep(2);
	s = tve_backend_snapshot(T.b, 0);
	assert_int_not_equal(s->state, TVE_NODE_ONLINE);
	tve_snapshot_unref(s);
	t0 = now_ms();
	assert_int_equal(pthread_create(&th, NULL, free_backend, NULL), 0);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 15;
	rc = pthread_timedjoin_np(th, NULL, &ts);
	if (rc != 0) {
		pthread_detach(th);
		fail_msg("tve_backend_free did not return within 15 s (a worker is stuck)");
	}
	diag("tve_backend_free with the daemon frozen took %lld ms", now_ms() - t0);
	assert_null(T.b);
	run_cmd("TVE_TEST_THAW_CMD", T.thaw_cmd);
	T.frozen = false;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_online_with_guest),
		cmocka_unit_test(action_start),
		cmocka_unit_test(console_after_reset),
		cmocka_unit_test(action_pause),
		cmocka_unit_test(action_resume),
		cmocka_unit_test(wrong_state_errors),
		cmocka_unit_test(action_stop),
		cmocka_unit_test(task_list),
		cmocka_unit_test(daemon_killed),
		cmocka_unit_test(daemon_restarted),
		cmocka_unit_test(shutdown_timeout_does_not_block),
		cmocka_unit_test(daemon_frozen),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	return cmocka_run_group_tests_name("itest_lifecycle", tests, group_setup, group_teardown);
}
