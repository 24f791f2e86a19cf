/* itest_download.c - Download from URL through the backend into a dir pool
 * of a real private libvirtd.
 *
 * Run by tests/integration/test_download.sh, which starts the host (pool
 * "local" holding test.iso, and pool "tiny" on a 1 MiB tmpfs when it could
 * mount one), an HTTP and an HTTPS server (tests/integration/httpd.py)
 * serving small.iso (3 MiB), big.iso (8 MiB) and huge.iso (64 MiB), and
 * passes:
 *   TVE_TEST_URI, TVE_TEST_NODE, TVE_TEST_STATE_DIR  as for itest_create
 *   TVE_TEST_POOL_DIR     pool "local"'s directory
 *   TVE_TEST_TINY         1 when pool "tiny" exists
 *   TVE_TEST_HTTP, TVE_TEST_HTTPS   the servers' base URLs
 *   TVE_TEST_CA           the CA that signed the HTTPS server's certificate
 *   TVE_TEST_SMALL_SHA256, TVE_TEST_SMALL_SHA512, TVE_TEST_HUGE_SHA256
 * The tests run in order on one backend; outcomes are checked on the disk
 * and with libvirt itself. */
#include <ctype.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backend.h"
#include "itest_util.h"

#define MIB (1024ULL * 1024)

static struct {
	const char *uri, *node, *pool_dir, *http, *https, *ca;
	const char *small256, *small512, *huge256;
	bool tiny;
	struct tve_config cfg;
	struct tve_backend *b;
	virConnectPtr conn;
} T;

static char *url(const char *base, const char *path)
{
	size_t n = strlen(base) + strlen(path) + 1;
	char *u = malloc(n);

	assert_non_null(u);
	snprintf(u, n, "%s%s", base, path);
	return u;
}

/* Waits for the task to end (itest_wait_task): its status, *error; *log
 * (if log) the task's log, its lines joined. */
static enum tve_task_status wait_task(const char *id, int timeout_ms, char **error, char **log)
{
	enum tve_task_status st = itest_wait_task(T.b, id, timeout_ms, NULL, error);
	char **lines;
	size_t len = 1;

	if (!log)
		return st;
	lines = tve_taskstore_log(tve_backend_tasks(T.b), id);
	for (size_t i = 0; lines && lines[i]; i++)
		len += strlen(lines[i]) + 1;
	*log = calloc(1, len);
	for (size_t i = 0; lines && lines[i]; i++)
		strcat(strcat(*log, lines[i]), "\n");
	tve_strv_free(lines);
	return st;
}

/* Starts a download that must be accepted; returns the task id. */
static char *start(const char *pool, const char *u, const char *name, enum tve_checksum sum,
		   const char *hex)
{
	char *id = NULL, *err = NULL;

	if (tve_backend_download(T.b, 0, pool, u, name, sum, hex, &id, &err) < 0)
		fail_msg("download of %s refused: %s", name, err);
	assert_non_null(id);
	return id;
}

/* Runs a download to its end; its status, error and log. */
static enum tve_task_status run(const char *pool, const char *u, const char *name,
				enum tve_checksum sum, const char *hex, char **error, char **log)
{
	char *id = start(pool, u, name, sum, hex);
	enum tve_task_status st = wait_task(id, 120000, error, log);

	free(id);
	return st;
}

static bool file_exists(const char *dir, const char *fmt, const char *name)
{
	char path[4096], base[1024];

	snprintf(base, sizeof(base), fmt, name);
	snprintf(path, sizeof(path), "%s/%s", dir, base);
	return access(path, F_OK) == 0;
}

/* Neither NAME nor its part file is left in dir. */
static void assert_no_file(const char *dir, const char *name)
{
	if (file_exists(dir, "%s", name))
		fail_msg("%s/%s was left behind", dir, name);
	if (file_exists(dir, ".%s.tve-part", name))
		fail_msg("%s/.%s.tve-part was left behind", dir, name);
}

static long long file_size(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* libvirt lists it without being asked to rescan: the task refreshed the
 * pool. */
static bool libvirt_lists(const char *pool, const char *name)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(T.conn, pool);
	virStorageVolPtr v = p ? virStorageVolLookupByName(p, name) : NULL;

	virResetLastError();
	if (v)
		virStorageVolFree(v);
	if (p)
		virStoragePoolFree(p);
	return v != NULL;
}

static bool snapshot_lists(const char *pool, const char *name, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		struct tve_snapshot *s = tve_backend_snapshot(T.b, 0);
		const struct tve_pool *p = tve_snapshot_find_pool(s, pool);
		bool seen = false;

		for (size_t i = 0; p && i < p->n_volumes; i++)
			seen |= strcmp(p->volumes[i].name, name) == 0;
		tve_snapshot_unref(s);
		if (seen || now_ms() >= deadline)
			return seen;
		itest_wait_wake(T.b, 200);
	}
}

/* ---- setup ---- */

static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		fprintf(stderr, "itest_download: %s unset; run it through test_download.sh\n", name);
		exit(1);
	}
	return v;
}

static int group_setup(void **state)
{
	char *err = NULL;

	(void)state;
	T.uri = env("TVE_TEST_URI");
	T.node = env("TVE_TEST_NODE");
	T.pool_dir = env("TVE_TEST_POOL_DIR");
	T.http = env("TVE_TEST_HTTP");
	T.https = env("TVE_TEST_HTTPS");
	T.ca = env("TVE_TEST_CA");
	T.small256 = env("TVE_TEST_SMALL_SHA256");
	T.small512 = env("TVE_TEST_SMALL_SHA512");
	T.huge256 = env("TVE_TEST_HUGE_SHA256");
	T.tiny = strcmp(env("TVE_TEST_TINY"), "1") == 0;
	unsetenv("TVE_CA_FILE");
	tve_config_init(&T.cfg);
	T.cfg.refresh_s = 0.5;
	free(T.cfg.state_dir);
	T.cfg.state_dir = strdup(env("TVE_TEST_STATE_DIR"));
	tve_config_add_node(&T.cfg, T.node, T.uri);
	/* A node that is not this host (libvirt's test driver). */
	tve_config_add_node(&T.cfg, "demo", "test:///default");
	if (!(T.b = tve_backend_new(&T.cfg, &err)) || tve_backend_start(T.b, &err) < 0) {
		fprintf(stderr, "backend: %s\n", err ? err : "?");
		free(err);
		return -1;
	}
	if (!(T.conn = virConnectOpen(T.uri))) {
		fprintf(stderr, "virConnectOpen: %s\n", virGetLastErrorMessage());
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (T.b)
		tve_backend_free(&T.b);
	if (T.conn)
		virConnectClose(T.conn);
	tve_config_clear(&T.cfg);
	return 0;
}

/* ---- tests ---- */

static void node_ready(void **state)
{
	(void)state;
	assert_true(snapshot_lists("local", "test.iso", 60000));
	if (T.tiny) {
		struct tve_snapshot *s = tve_backend_snapshot(T.b, 0);

		assert_non_null(tve_snapshot_find_pool(s, "tiny"));
		tve_snapshot_unref(s);
	}
}

/* Bad input is refused before any task exists, saying why. */
static void refused_before_task(void **state)
{
	static const char zeros63[] = "000000000000000000000000000000000000000000000000000000000000000";
	char *small = url(T.http, "/files/small.iso"), *xsum = strdup(T.small512);
	const struct {
		size_t node;
		const char *pool, *url, *name;
		enum tve_checksum sum;
		const char *hex, *why;
	} bad[] = {
		{ 0, "local", small, "../x.iso", TVE_SUM_NONE, NULL, "not a plain file name" },
		{ 0, "local", small, "a/b.iso", TVE_SUM_NONE, NULL, "not a plain file name" },
		{ 0, "local", small, ".hidden.iso", TVE_SUM_NONE, NULL, "starts with '.'" },
		{ 0, "local", small, "x.qcow2", TVE_SUM_NONE, NULL, "neither an ISO" },
		{ 0, "local", small, "a b.iso", TVE_SUM_NONE, NULL, "letters, digits" },
		{ 0, "local", small, "", TVE_SUM_NONE, NULL, "empty" },
		{ 0, "local", small, "test.iso", TVE_SUM_NONE, NULL, "already has test.iso" },
		{ 0, "local", "ftp://127.0.0.1/small.iso", "f.iso", TVE_SUM_NONE, NULL, "not ftp://" },
		{ 0, "local", "file:///etc/passwd", "f.iso", TVE_SUM_NONE, NULL, "http://" },
		{ 0, "local", "not a url", "f.iso", TVE_SUM_NONE, NULL, "spaces" },
		{ 0, "local", "http://", "f.iso", TVE_SUM_NONE, NULL, "URL" },
		{ 0, "local", small, "f.iso", TVE_SUM_SHA256, zeros63, "64 hex digits" },
		{ 0, "local", small, "f.iso", TVE_SUM_SHA256, NULL, "64 hex digits" },
		{ 0, "local", small, "f.iso", TVE_SUM_SHA512, xsum, "128 hex digits" },
		{ 0, "local", small, "f.iso", TVE_SUM_NONE, T.small256, "needs its algorithm" },
		{ 0, "nope", small, "f.iso", TVE_SUM_NONE, NULL, "has no storage nope" },
		{ 5, "local", small, "f.iso", TVE_SUM_NONE, NULL, "invalid node" },
		{ 1, "default-pool", small, "f.iso", TVE_SUM_NONE, NULL, "demo is not this host" },
	};
	struct tve_task_info *infos;
	size_t before = tve_taskstore_recent(tve_backend_tasks(T.b), 1000, &infos), after;

	(void)state;
	tve_task_info_array_free(infos, before);
	xsum[5] = 'g';	/* not hex */
	for (long long deadline = now_ms() + 10000; now_ms() < deadline; itest_wait_wake(T.b, 100)) {
		struct tve_snapshot *s = tve_backend_snapshot(T.b, 1);
		bool up = s->state == TVE_NODE_ONLINE;

		tve_snapshot_unref(s);
		if (up)
			break;
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *id = NULL, *err = NULL;

		if (tve_backend_download(T.b, bad[i].node, bad[i].pool, bad[i].url, bad[i].name,
					 bad[i].sum, bad[i].hex, &id, &err) != -1)
			fail_msg("case %zu (%s) was accepted", i, bad[i].name);
		diag("refused %s: %s", bad[i].name, err);
		assert_null(id);
		if (!err || !strstr(err, bad[i].why))
			fail_msg("case %zu: '%s' does not say '%s'", i, err, bad[i].why);
		free(err);
	}
	after = tve_taskstore_recent(tve_backend_tasks(T.b), 1000, &infos);
	tve_task_info_array_free(infos, after);
	assert_int_equal(after, before);
	assert_no_file(T.pool_dir, "f.iso");
	free(small);
	free(xsum);
}

/* SHA-256 matches: the file is in the pool, whole, and libvirt lists it. */
static void sha256_ok(void **state)
{
	char *u = url(T.http, "/files/small.iso"), *err, *log;

	(void)state;
	assert_int_equal(run("local", u, "small.iso", TVE_SUM_SHA256, T.small256, &err, &log),
			 TVE_TASK_OK);
	assert_int_equal(file_size(T.pool_dir, "small.iso"), 3 * MIB);
	assert_false(file_exists(T.pool_dir, ".%s.tve-part", "small.iso"));
	assert_non_null(strstr(log, "SHA-256 verified"));
	assert_true(libvirt_lists("local", "small.iso"));
	assert_true(snapshot_lists("local", "small.iso", 10000));
	free(log);
	free(u);
}

/* SHA-512 (given in upper case) through a redirect, as a template name. */
static void sha512_redirect_ok(void **state)
{
	char *u = url(T.http, "/redirect/small.iso"), *err, *log, *upper = strdup(T.small512);

	(void)state;
	for (char *p = upper; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	assert_int_equal(run("local", u, "tmpl-512.tar.zst", TVE_SUM_SHA512, upper, &err, &log),
			 TVE_TASK_OK);
	assert_int_equal(file_size(T.pool_dir, "tmpl-512.tar.zst"), 3 * MIB);
	assert_non_null(strstr(log, "redirected to"));
	assert_non_null(strstr(log, "SHA-512 verified"));
	assert_true(libvirt_lists("local", "tmpl-512.tar.zst"));
	free(upper);
	free(log);
	free(u);
}

static void checksum_mismatch(void **state)
{
	char *u = url(T.http, "/files/small.iso"), *err, want[512], zeros[65];

	(void)state;
	memset(zeros, '0', 64);
	zeros[64] = '\0';
	assert_int_equal(run("local", u, "bad.iso", TVE_SUM_SHA256, zeros, &err, NULL),
			 TVE_TASK_ERROR);
	snprintf(want, sizeof(want), "checksum mismatch: expected %s, got %s", zeros, T.small256);
	assert_string_equal(err, want);
	assert_no_file(T.pool_dir, "bad.iso");
	assert_false(libvirt_lists("local", "bad.iso"));
	free(err);
	free(u);
}

/* The server closes the connection halfway through the body. */
static void connection_dropped(void **state)
{
	char *u = url(T.http, "/drop/big.iso"), *err;

	(void)state;
	assert_int_equal(run("local", u, "drop.iso", TVE_SUM_NONE, NULL, &err, NULL),
			 TVE_TASK_ERROR);
	diag("error: %s", err);
	assert_non_null(strstr(err, "download failed"));
	assert_no_file(T.pool_dir, "drop.iso");
	free(err);
	free(u);
}

static void not_found(void **state)
{
	char *u = url(T.http, "/files/missing.iso"), *err;

	(void)state;
	assert_int_equal(run("local", u, "missing.iso", TVE_SUM_NONE, NULL, &err, NULL),
			 TVE_TASK_ERROR);
	diag("error: %s", err);
	assert_non_null(strstr(err, "HTTP 404"));
	assert_no_file(T.pool_dir, "missing.iso");
	free(err);
	free(u);
}

/* 8 MiB at 4 MiB/s: the task shows a fraction and a text while it runs,
 * a few times a second, and logs every 10%. */
static void progress_shown(void **state)
{
	char *u = url(T.http, "/slow/big.iso?bps=4194304"), *id, *log, *err, last[160] = "";
	struct tve_taskstore *ts = tve_backend_tasks(T.b);
	struct tve_task_info info;
	long long t0 = now_ms(), t_end;
	int updates = 0, tenths = 0;
	bool mid = false;

	(void)state;
	id = start("local", u, "progress.iso", TVE_SUM_NONE, NULL);
	for (;;) {
		assert_int_equal(tve_taskstore_info(ts, id, &info), 0);
		if (info.status != TVE_TASK_RUNNING) {
			tve_task_info_free(&info);
			break;
		}
		assert_true(info.cancellable);
		if (info.progress_text && strcmp(info.progress_text, last) != 0) {
			assert_true(info.progress >= 0 && info.progress <= 1);
			assert_non_null(strstr(info.progress_text, " of 8.00 MiB"));
			mid |= info.progress > 0 && info.progress < 1 &&
			       strstr(info.progress_text, "/s, ETA ");
			if (updates++ < 3 || info.progress > 0.5)
				diag("progress %.3f: %s", info.progress, info.progress_text);
			snprintf(last, sizeof(last), "%s", info.progress_text);
		}
		tve_task_info_free(&info);
		usleep(20000);
	}
	t_end = now_ms();
	assert_int_equal(wait_task(id, 1000, &err, &log), TVE_TASK_OK);
	for (const char *p = log; (p = strstr(p, "0%: ")); p++)
		tenths++;
	diag("%d progress updates in %.1f s (%.1f a second); %d log lines at 10%% steps",
	     updates, (double)(t_end - t0) / 1000, updates * 1000.0 / (double)(t_end - t0), tenths);
	assert_true(mid);
	assert_true(updates >= 3);
	assert_true(updates * 1000.0 / (double)(t_end - t0) <= 5.0);
	assert_true(tenths >= 8);
	assert_int_equal(file_size(T.pool_dir, "progress.iso"), 8 * MIB);
	free(log);
	free(id);
	free(u);
}

/* Cancelled halfway: error "cancelled", no file; a second download of the
 * same name is refused while the first runs. */
static void cancel_midway(void **state)
{
	char *u = url(T.http, "/slow/big.iso?bps=2097152"), *id, *err = NULL, *id2 = NULL;
	struct tve_taskstore *ts = tve_backend_tasks(T.b);
	struct tve_task_info info;
	long long deadline = now_ms() + 20000, t_cancel;
	double seen = 0;

	(void)state;
	id = start("local", u, "slow.iso", TVE_SUM_NONE, NULL);
	while (seen < 0.2 && now_ms() < deadline) {
		assert_int_equal(tve_taskstore_info(ts, id, &info), 0);
		assert_int_equal(info.status, TVE_TASK_RUNNING);
		seen = info.progress;
		tve_task_info_free(&info);
		usleep(20000);
	}
	assert_true(seen >= 0.2 && seen < 1);
	assert_true(file_exists(T.pool_dir, ".%s.tve-part", "slow.iso"));
	{	/* what a pool refresh meanwhile shows (for the UI's sake) */
		virStoragePoolPtr p = virStoragePoolLookupByName(T.conn, "local");

		if (p && virStoragePoolRefresh(p, 0) == 0)
			diag("libvirt lists the part file during the download: %s",
			     libvirt_lists("local", ".slow.iso.tve-part") ? "yes" : "no");
		if (p)
			virStoragePoolFree(p);
	}
	assert_int_equal(tve_backend_download(T.b, 0, "local", u, "slow.iso", TVE_SUM_NONE, NULL,
					      &id2, &err), -1);
	diag("second download refused: %s", err);
	assert_non_null(strstr(err, "being downloaded already"));
	assert_null(id2);
	free(err);
	err = NULL;
	t_cancel = now_ms();
	assert_int_equal(tve_backend_task_cancel(T.b, id, &err), 0);
	assert_int_equal(wait_task(id, 10000, &err, NULL), TVE_TASK_ERROR);
	diag("cancelled at %.0f%%, ended %lld ms later", seen * 100, now_ms() - t_cancel);
	assert_string_equal(err, "cancelled");
	free(err);
	err = NULL;
	assert_no_file(T.pool_dir, "slow.iso");
	/* Ended: nothing to cancel any more. */
	assert_int_equal(tve_backend_task_cancel(T.b, id, &err), -1);
	diag("cancel again: %s", err);
	free(err);
	free(id);
	free(u);
}

/* A part file left by a tve that died is replaced. */
static void stale_part_replaced(void **state)
{
	char *u = url(T.http, "/files/small.iso"), *err, *log, path[4096];
	FILE *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/.stale.iso.tve-part", T.pool_dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("left over", f);
	fclose(f);
	assert_int_equal(run("local", u, "stale.iso", TVE_SUM_SHA256, T.small256, &err, &log),
			 TVE_TASK_OK);
	assert_non_null(strstr(log, "left over by an earlier download"));
	assert_int_equal(file_size(T.pool_dir, "stale.iso"), 3 * MIB);
	assert_false(file_exists(T.pool_dir, ".%s.tve-part", "stale.iso"));
	free(log);
	free(u);
}

static void https_trusted(void **state)
{
	char *u = url(T.https, "/files/small.iso"), *err;

	(void)state;
	setenv("TVE_CA_FILE", T.ca, 1);
	assert_int_equal(run("local", u, "tls.iso", TVE_SUM_SHA256, T.small256, &err, NULL),
			 TVE_TASK_OK);
	unsetenv("TVE_CA_FILE");
	assert_int_equal(file_size(T.pool_dir, "tls.iso"), 3 * MIB);
	assert_true(libvirt_lists("local", "tls.iso"));
	free(u);
}

static void https_untrusted(void **state)
{
	char *u = url(T.https, "/files/small.iso"), *err;

	(void)state;
	assert_int_equal(run("local", u, "untrusted.iso", TVE_SUM_NONE, NULL, &err, NULL),
			 TVE_TASK_ERROR);
	diag("error: %s", err);
	assert_non_null(strstr(err, "certificate"));
	assert_no_file(T.pool_dir, "untrusted.iso");
	free(err);
	free(u);
}

/* A 1 MiB file system: refused once the size is known, and a write error
 * when the server does not say the size. */
static void disk_full(void **state)
{
	char *u = url(T.http, "/files/small.iso"), *un = url(T.http, "/nolength/small.iso"), *err;
	char tiny_dir[4096];

	(void)state;
	if (!T.tiny) {
		free(u);
		free(un);
		skip();
	}
	snprintf(tiny_dir, sizeof(tiny_dir), "%s/../tiny", T.pool_dir);
	assert_int_equal(run("tiny", u, "full.iso", TVE_SUM_NONE, NULL, &err, NULL),
			 TVE_TASK_ERROR);
	diag("with a size: %s", err);
	assert_non_null(strstr(err, "not enough space in tiny"));
	assert_no_file(tiny_dir, "full.iso");
	free(err);
	assert_int_equal(run("tiny", un, "full.iso", TVE_SUM_NONE, NULL, &err, NULL),
			 TVE_TASK_ERROR);
	diag("without a size: %s", err);
	assert_non_null(strstr(err, "No space left on device"));
	assert_no_file(tiny_dir, "full.iso");
	free(err);
	free(u);
	free(un);
}

/* 64 MiB on loopback without a checksum to check: the log still gives the
 * file's SHA-256, which must be right. */
static void loopback_rate(void **state)
{
	char *u = url(T.http, "/files/huge.iso"), *err, *log, want[128];
	long long t0 = now_ms(), ms;

	(void)state;
	assert_int_equal(run("local", u, "huge.iso", TVE_SUM_NONE, NULL, &err, &log),
			 TVE_TASK_OK);
	ms = now_ms() - t0;
	diag("64 MiB in %lld ms: %.0f MiB/s (task start to end, fsync included)", ms,
	     64000.0 / (double)(ms ? ms : 1));
	snprintf(want, sizeof(want), "SHA-256 checksum: %s", T.huge256);
	assert_non_null(strstr(log, want));
	assert_int_equal(file_size(T.pool_dir, "huge.iso"), 64 * MIB);
	free(log);
	free(u);
}

/* A storage's content types (Proxmox's) say what it may hold: one made
 * for ISO images takes an ISO, not a template. */
static void content_types(void **state)
{
	struct tve_pool_spec spec = { .type = "dir", .content = "images,iso", .build = true,
				      .active = true };
	char *u = url(T.http, "/files/small.iso"), *id = NULL, *err = NULL, dir[1024];

	(void)state;
	/* next to pool "local"'s directory */
	snprintf(dir, sizeof(dir), "%.*s/isos", (int)(strrchr(T.pool_dir, '/') - T.pool_dir),
		 T.pool_dir);
	spec.name = "isos";
	spec.path = dir;
	if (tve_backend_pool_add(T.b, 0, &spec, &id, &err) < 0) {
		diag("pool_add refused: %s", err);
		fail();
	}
	assert_int_equal(wait_task(id, 30000, &err, NULL), TVE_TASK_OK);
	free(id);
	id = NULL;
	for (long long deadline = now_ms() + 10000; now_ms() < deadline; itest_wait_wake(T.b, 100)) {
		struct tve_snapshot *s = tve_backend_snapshot(T.b, 0);
		const struct tve_pool *p = tve_snapshot_find_pool(s, "isos");
		bool up = p && p->active;

		tve_snapshot_unref(s);
		if (up)
			break;
	}
	assert_int_equal(tve_backend_download(T.b, 0, "isos", u, "t.tar.gz", TVE_SUM_NONE, NULL,
					      &id, &err), -1);
	diag("refused: %s", err);
	assert_non_null(strstr(err, "does not hold container templates"));
	assert_null(id);
	free(err);
	assert_int_equal(run("isos", u, "in-isos.iso", TVE_SUM_SHA256, T.small256, &err, NULL),
			 TVE_TASK_OK);
	assert_int_equal(file_size(dir, "in-isos.iso"), 3 * MIB);
	free(u);
}

/* tve exits while a download runs: the download ends within the backend's
 * grace time, leaves no file, and the history says why. */
static void exit_interrupts(void **state)
{
	char *u = url(T.http, "/slow/big.iso?bps=1048576"), *id, *err = NULL;
	struct tve_task_info info;
	long long t0;

	(void)state;
	id = start("local", u, "exit.iso", TVE_SUM_NONE, NULL);
	while (!file_exists(T.pool_dir, ".%s.tve-part", "exit.iso"))
		usleep(20000);
	usleep(500000);
	t0 = now_ms();
	tve_backend_free(&T.b);
	diag("backend gone after %lld ms", now_ms() - t0);
	assert_true(now_ms() - t0 < 5000);
	assert_no_file(T.pool_dir, "exit.iso");
	if (!(T.b = tve_backend_new(&T.cfg, &err)))
		fail_msg("backend: %s", err);
	assert_int_equal(tve_taskstore_info(tve_backend_tasks(T.b), id, &info), 0);
	assert_int_equal(info.status, TVE_TASK_ERROR);
	assert_string_equal(info.error, "interrupted (tve exited)");
	tve_task_info_free(&info);
	free(id);
	free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_ready),
		cmocka_unit_test(refused_before_task),
		cmocka_unit_test(sha256_ok),
		cmocka_unit_test(sha512_redirect_ok),
		cmocka_unit_test(checksum_mismatch),
		cmocka_unit_test(connection_dropped),
		cmocka_unit_test(not_found),
		cmocka_unit_test(progress_shown),
		cmocka_unit_test(cancel_midway),
		cmocka_unit_test(stale_part_replaced),
		cmocka_unit_test(https_trusted),
		cmocka_unit_test(https_untrusted),
		cmocka_unit_test(disk_full),
		cmocka_unit_test(loopback_rate),
		cmocka_unit_test(content_types),
		cmocka_unit_test(exit_interrupts),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
