/* itest_remote_ct.c - Download from URL, Create CT and the Debian template
 * on a node reached over ssh, through the backend, against a real sshd and
 * a private libvirtd (LXC driver) in a network namespace.
 *
 * Run by tests/integration/test_remote_ct.sh, which starts the host and
 * passes:
 *   TVE_TEST_NODE_URI     the host's LXC driver over ssh (node "r1")
 *   TVE_TEST_TARGET, TVE_TEST_KEY, TVE_TEST_KNOWN_HOSTS   its ssh login
 *   TVE_TEST_LXC_URI      the same daemon through its unix socket: node "l1"
 *                         (a local node, to compare) and the test's checks
 *   TVE_TEST_POOL, TVE_TEST_POOL_DIR   pool "local" (busybox.tar.gz,
 *                         "it's broken.tar.gz": not a tarball, noinit.tar.gz: no
 *                         /sbin/init); the node writes the same directory
 *                         the test reads
 *   TVE_TEST_NETWORK      an isolated libvirt network on the host
 *   TVE_TEST_HTTP, TVE_TEST_WWW        httpd.py and its files: small.iso
 *                         (8 MiB), big.iso (128 MiB)
 *   TVE_TEST_SMALL_SHA256, TVE_TEST_BIG_SHA256
 *   TVE_TEST_SCRATCH, TVE_TEST_STATE_DIR, TMPDIR (checked to be empty after
 *                         each task), TVE_TEST_HOST_EXEC (runs a command in
 *                         the host's namespaces)
 *   TVE_TEST_FAKE_DEBOOTSTRAP  set: /usr/sbin/debootstrap is a stand-in
 *                         that makes the busybox tree plus 32 MiB of noise
 * The tests run in order on one backend; times are TAP comments. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "backend.h"
#include "ct_rootfs.h"
#include "itest_ct_util.h"
#include "itest_util.h"
#include "ssh.h"
#include "util.h"

#define MiB (1024ULL * 1024)
#define REMOTE 0	/* node index of r1 (ssh) */
#define LOCAL 1		/* l1: the same daemon, as a local node */

static struct {
	const char *pool, *pool_dir, *http, *www, *tmpdir, *host_exec, *lxc_uri, *network;
	bool fake_debootstrap;
	struct tve_backend *b;
	virConnectPtr conn;
	virStoragePoolPtr lv_pool;
	long long create_ms[2][2];	/* [node][unprivileged] */
} T;

static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		fprintf(stderr, "itest_remote_ct: %s unset; run it through test_remote_ct.sh\n",
			name);
		exit(1);
	}
	return v;
}

static char *pool_file(const char *name)
{
	return tve_xasprintf("%s/%s", T.pool_dir, name);
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* ---- the backend ---------------------------------------------------------- */

/* A file the test put into (or took out of) the pool: libvirt and both
 * nodes see it. */
static void pool_changed(const char *volume, bool present)
{
	assert_int_equal(virStoragePoolRefresh(T.lv_pool, 0), 0);
	assert_true(node_lists(T.b, REMOTE, T.pool, volume, present, 30000));
	assert_true(node_lists(T.b, LOCAL, T.pool, volume, present, 30000));
}

static void node_ready(void **state)
{
	struct tve_snapshot *s;

	(void)state;
	assert_true(node_lists(T.b, REMOTE, T.pool, "busybox.tar.gz", true, 60000));
	assert_true(node_lists(T.b, LOCAL, T.pool, "busybox.tar.gz", true, 60000));
	s = tve_backend_snapshot(T.b, REMOTE);
	assert_non_null(s->ssh);
	assert_string_equal(s->caps.domain_type, "lxc");
	diag("r1: %s over ssh, %s", s->ssh, s->facts.kernel ? s->facts.kernel : "?");
	tve_snapshot_unref(s);
}

/* ---- the streaming commands of ssh.c ---------------------------------------- */

static struct tve_ssh *ssh_open(void)
{
	struct tve_ssh_opts o = {
		.target = env("TVE_TEST_TARGET"), .keyfile = env("TVE_TEST_KEY"),
		.known_hosts = env("TVE_TEST_KNOWN_HOSTS"),
	};
	enum tve_ssh_result res;
	char *err = NULL;
	struct tve_ssh *s = tve_ssh_connect(&o, NULL, &res, &err);

	if (!s)
		fail_msg("ssh: %s", err);
	return s;
}

/* Quoting survives the node's shell; a file goes there and back in pieces
 * (6 MiB: more than the channel's window); a command that ends early, a
 * failing one and missing tools say so. */
static void ssh_streams(void **state)
{
	static const char odd[] = "it's a \"path\" with $HOME, `x`, \\ and *";
	struct tve_ssh *s = ssh_open();
	struct tve_ssh_cmd *c;
	size_t len = 6 * MiB, got = 0;
	unsigned char *data = tve_xmalloc(len), *back = tve_xmalloc(len + 1);
	char *q = tve_ssh_quote(odd), *cmd, *out = NULL, *err = NULL, *path;
	long n;
	int st = -1;

	(void)state;
	cmd = tve_xasprintf("printf %%s %s", q);
	assert_int_equal(tve_ssh_run(s, cmd, &out, &st, 0, &err), 0);
	assert_string_equal(out, odd);
	free(out);
	free(cmd);
	free(q);
	for (size_t i = 0; i < len; i++)
		data[i] = (unsigned char)(i * 7 + i / 4096);
	path = tve_xasprintf("%s/stream 'test'.bin", env("TVE_TEST_SCRATCH"));
	q = tve_ssh_quote(path);
	cmd = tve_xasprintf("cat > %s", q);
	c = tve_ssh_cmd_start(s, cmd, &err);
	assert_non_null(c);
	for (size_t off = 0; off < len; off += 100000)
		assert_int_equal(tve_ssh_cmd_write(c, data + off, len - off < 100000 ? len - off : 100000,
						   &err), 0);
	assert_int_equal(tve_ssh_cmd_finish(c, NULL, NULL, 0, &err), 0);
	free(cmd);
	cmd = tve_xasprintf("cat %s", q);
	c = tve_ssh_cmd_start(s, cmd, &err);
	assert_non_null(c);
	while ((n = tve_ssh_cmd_read(c, back + got, len + 1 - got, &err)) > 0)
		got += (size_t)n;
	assert_int_equal(n, 0);
	assert_int_equal(tve_ssh_cmd_finish(c, &st, NULL, 0, &err), 0);
	assert_int_equal(st, 0);
	assert_int_equal(got, len);
	assert_memory_equal(back, data, len);
	assert_int_equal(unlink(path), 0);
	free(cmd);

	/* the command stops reading: the writer hears why */
	c = tve_ssh_cmd_start(s, "echo 'no room here' >&2; exit 4", &err);
	assert_non_null(c);
	st = 0;
	for (int i = 0; i < 100 && st == 0; i++)
		st = tve_ssh_cmd_write(c, data, len, &err);
	assert_int_equal(st, -1);
	diag("ended early: %s", err);
	assert_string_equal(err, "no room here");
	tve_ssh_cmd_abort(c);
	/* a failing command: its last word */
	c = tve_ssh_cmd_start(s, "cat /nonexistent/x", &err);
	assert_non_null(c);
	assert_int_equal(tve_ssh_cmd_read(c, back, len, &err), 0);
	assert_int_equal(tve_ssh_cmd_finish(c, NULL, NULL, 0, &err), -1);
	diag("failed: %s", err);
	assert_non_null(strstr(err, "No such file"));
	free(err);
	err = NULL;
	/* the session still works; tools */
	assert_int_equal(tve_ssh_missing_tools(s, "cat tar no-such-tool-tve", &out, &err), 0);
	assert_string_equal(out, "no-such-tool-tve");
	free(out);
	tve_ssh_close(s);
	free(path);
	free(q);
	free(data);
	free(back);
}

/* ---- Download from URL ------------------------------------------------------ */

static char *url(const char *path)
{
	return tve_xasprintf("%s%s", T.http, path);
}

static char *start_download(size_t node, const char *path, const char *name, const char *hex)
{
	char *u = url(path), *id = NULL, *err = NULL;

	if (tve_backend_download(T.b, node, T.pool, u, name, hex ? TVE_SUM_SHA256 : TVE_SUM_NONE,
				 hex, &id, &err) < 0)
		fail_msg("download of %s refused: %s", name, err);
	free(u);
	return id;
}

/* Neither NAME nor its part file is in the pool. */
static void assert_gone(const char *name)
{
	char *f = pool_file(name), *part = tve_xasprintf("%s/.%s.tve-part", T.pool_dir, name);

	if (exists(f))
		fail_msg("%s was left behind", f);
	if (exists(part))
		fail_msg("%s was left behind", part);
	free(f);
	free(part);
}

static void assert_no_part(const char *name)
{
	char *part = tve_xasprintf("%s/.%s.tve-part", T.pool_dir, name);

	if (exists(part))
		fail_msg("%s was left behind", part);
	free(part);
}

/* NAME holds the bytes of the served file. */
static void assert_same(const char *name, const char *served)
{
	char *s = sh("cmp '%s/%s' '%s/%s' && stat -c %%a '%s/%s'", T.pool_dir, name, T.www, served,
		     T.pool_dir, name);

	assert_non_null(s);
	assert_string_equal(s, "644");
	free(s);
}

static void remove_volume(const char *name)
{
	char *f = pool_file(name);

	assert_int_equal(unlink(f), 0);
	free(f);
	pool_changed(name, false);
}

/* Into the node's pool over ssh: the right bytes, nothing else; a wrong
 * checksum and a cancel leave nothing; the name then exists. */
static void download_remote(void **state)
{
	char *id, *err = NULL, *part;
	long long t0;

	(void)state;
	t0 = now_ms();
	id = start_download(REMOTE, "/files/small.iso", "small.iso", env("TVE_TEST_SMALL_SHA256"));
	assert_int_equal(itest_wait_task(T.b, id, 60000, NULL, &err), TVE_TASK_OK);
	diag("8 MiB over ssh in %lld ms", now_ms() - t0);
	free(id);
	assert_same("small.iso", "small.iso");
	assert_no_part("small.iso");
	assert_true(node_lists(T.b, REMOTE, T.pool, "small.iso", true, 10000));	/* the task refreshed it */

	/* it exists now: refused before a task */
	{
		char *u = url("/files/small.iso");

		assert_int_equal(tve_backend_download(T.b, REMOTE, T.pool, u, "small.iso",
						      TVE_SUM_NONE, NULL, &id, &err), -1);
		diag("again: %s", err);
		assert_non_null(strstr(err, "already has small.iso"));
		free(err);
		err = NULL;
		free(u);
	}
	remove_volume("small.iso");

	/* a wrong checksum: nothing is kept */
	id = start_download(REMOTE, "/files/small.iso", "wrong.iso", env("TVE_TEST_BIG_SHA256"));
	assert_int_equal(itest_wait_task(T.b, id, 60000, NULL, &err), TVE_TASK_ERROR);
	diag("wrong checksum: %s", err);
	assert_non_null(strstr(err, "checksum mismatch"));
	free(err);
	free(id);
	assert_gone("wrong.iso");

	/* cancelled halfway (1 MiB/s): the part file on the node goes */
	id = start_download(REMOTE, "/slow/big.iso?bps=1048576", "cancel.iso", NULL);
	part = tve_xasprintf("%s/.cancel.iso.tve-part", T.pool_dir);
	for (t0 = now_ms(); !exists(part) && now_ms() - t0 < 10000;)
		usleep(50 * 1000);
	assert_true(exists(part));
	usleep(1500 * 1000);
	assert_int_equal(tve_backend_task_cancel(T.b, id, &err), 0);
	assert_int_equal(itest_wait_task(T.b, id, 30000, NULL, &err), TVE_TASK_ERROR);
	assert_string_equal(err, "cancelled");
	free(err);
	free(id);
	free(part);
	assert_gone("cancel.iso");
}

/* 128 MiB over ssh and locally into the same directory: the rates. */
static void download_rates(void **state)
{
	static const char *const names[2] = { "big-remote.iso", "big-local.iso" };
	double rate[2];

	(void)state;
	for (size_t node = 0; node < 2; node++) {
		long long t0 = now_ms(), ms;
		char *id = start_download(node, "/files/big.iso", names[node],
					  env("TVE_TEST_BIG_SHA256")), *err = NULL;

		assert_int_equal(itest_wait_task(T.b, id, 120000, NULL, &err), TVE_TASK_OK);
		ms = now_ms() - t0;
		rate[node] = 128.0 / ((double)(ms > 0 ? ms : 1) / 1000);
		free(id);
		assert_same(names[node], "big.iso");
		assert_no_part(names[node]);
		diag("128 MiB %s: %lld ms, %.0f MiB/s", node == REMOTE ? "over ssh" : "locally", ms,
		     rate[node]);
	}
	diag("download: %.0f MiB/s over ssh, %.0f MiB/s locally", rate[REMOTE], rate[LOCAL]);
	for (size_t node = 0; node < 2; node++)
		remove_volume(names[node]);
}

/* ---- Create CT ------------------------------------------------------------- */

/* Create CT as one task on node; its status (and error). */
static enum tve_task_status create_ct(size_t node, int vmid, const char *hostname,
				      const char *tmpl, bool unpriv, char **error)
{
	struct tve_ct_spec s = { 0 };
	char *id = NULL, *err = NULL;
	enum tve_task_status st;
	long long t0 = now_ms();

	/* on the host's isolated network */
	ct_backend_spec(&s, T.b, node, T.pool, TVE_NET_NETWORK, T.network, vmid, hostname, tmpl);
	s.unprivileged = unpriv;
	if (tve_backend_create_ct(T.b, node, &s, &id, &err) < 0)
		fail_msg("create %s refused: %s", hostname, err);
	tve_ct_spec_clear(&s);
	st = itest_wait_task(T.b, id, 120000, NULL, error);
	if (st == TVE_TASK_OK)
		T.create_ms[node][unpriv] = now_ms() - t0;
	diag("%s (%s, %s): %lld ms", hostname, unpriv ? "unprivileged" : "privileged",
	     node == REMOTE ? "over ssh" : "local", now_ms() - t0);
	free(id);
	assert_true(dir_is_empty(T.tmpdir));
	return st;
}

static virDomainPtr running(const char *name)
{
	virDomainPtr d = virDomainLookupByName(T.conn, name);
	int st = -1, reason;

	assert_non_null(d);
	assert_int_equal(virDomainGetState(d, &st, &reason, 0), 0);
	assert_int_equal(st, VIR_DOMAIN_RUNNING);
	return d;
}

/* Stops it, undefines it, deletes its root disk (emptied first). */
static void ct_remove(virDomainPtr d, const char *volume)
{
	char *path = pool_file(volume);

	virDomainDestroy(d);
	assert_int_equal(virDomainUndefine(d), 0);
	virDomainFree(d);
	assert_int_equal(tve_ct_rootfs_empty(path), 0);
	SH_OK("virsh -q -c '%s' vol-delete --pool %s %s", T.lxc_uri, T.pool, volume);
	assert_false(exists(path));
	free(path);
}

/* The tree on the node's disk, its mode kept: owners shifted, setuid and
 * file capabilities kept through both tars. */
static void check_node_tree(const char *volume)
{
	char *dir = pool_file(volume);
	struct stat st;

	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	check_shifted_tree(dir);
	free(dir);
}

static void ct_unprivileged_remote(void **state)
{
	virDomainPtr d;
	char *s, *pid, *id = NULL, *err = NULL, uuid[VIR_UUID_STRING_BUFLEN];

	(void)state;
	assert_int_equal(create_ct(REMOTE, 300, "rct-unpriv", "busybox.tar.gz", true, &err),
			 TVE_TASK_OK);
	d = running("rct-unpriv");
	pid = ct_check_running(T.host_exec, T.lxc_uri, "rct-unpriv", true);
	s = inside(pid, "/bin/busybox stat -c %u:%g:%a /etc/shadow /bin/suidtest");
	assert_string_equal(s, "0:42:640\n0:0:4755");
	free(s);
	free(pid);
	check_node_tree("subvol-300-disk-0");
	/* stopped by tve, over the node's own connection */
	assert_int_equal(virDomainGetUUIDString(d, uuid), 0);
	assert_true(node_lists_guest(T.b, REMOTE, uuid, 10000));
	/* Shutdown: busybox's init is not systemd, which tve finds out over
	 * the node's session and so sends SIGTERM, as on this host. */
	if (tve_backend_guest_action(T.b, REMOTE, uuid, TVE_ACT_SHUTDOWN, &id, &err) < 0)
		fail_msg("shutdown refused: %s", err);
	assert_int_equal(itest_wait_task(T.b, id, 30000, NULL, &err), TVE_TASK_OK);
	{
		char **log = tve_taskstore_log(tve_backend_tasks(T.b), id);
		bool sigterm = false;

		for (size_t i = 0; log && log[i]; i++) {
			sigterm |= strstr(log[i], "not systemd: sending it SIGTERM") != NULL;
			free(log[i]);
		}
		free(log);
		assert_true(sigterm);
	}
	free(id);
	ct_remove(d, "subvol-300-disk-0");

	/* the same locally, to compare */
	assert_int_equal(create_ct(LOCAL, 310, "lct-unpriv", "busybox.tar.gz", true, &err),
			 TVE_TASK_OK);
	ct_remove(running("lct-unpriv"), "subvol-310-disk-0");
}

static void ct_privileged_remote(void **state)
{
	virDomainPtr d;
	char *s, *pid, *err = NULL, *img;
	struct stat st;

	(void)state;
	assert_int_equal(create_ct(REMOTE, 301, "rct-priv", "busybox.tar.gz", false, &err),
			 TVE_TASK_OK);
	d = running("rct-priv");
	pid = ct_check_running(T.host_exec, T.lxc_uri, "rct-priv", false);
	s = inside(pid, "/bin/busybox stat -c %u:%g:%a /bin/suidtest");
	assert_string_equal(s, "0:0:4755");
	free(s);
	free(pid);
	/* the volume's file, its size, still sparse */
	img = pool_file("vm-301-disk-0.raw");
	assert_int_equal(stat(img, &st), 0);
	assert_int_equal((unsigned long long)st.st_size, 128 * MiB);
	diag("image: %lld of %lld bytes allocated", (long long)st.st_blocks * 512,
	     (long long)st.st_size);
	assert_true((unsigned long long)st.st_blocks * 512 < 64 * MiB);
	free(img);
	ct_remove(d, "vm-301-disk-0.raw");

	assert_int_equal(create_ct(LOCAL, 311, "lct-priv", "busybox.tar.gz", false, &err),
			 TVE_TASK_OK);
	ct_remove(running("lct-priv"), "vm-311-disk-0.raw");
	diag("Create CT over ssh vs local: unprivileged %lld vs %lld ms, privileged %lld vs %lld ms",
	     T.create_ms[REMOTE][1], T.create_ms[LOCAL][1], T.create_ms[REMOTE][0],
	     T.create_ms[LOCAL][0]);
}

static void assert_no_ct(int vmid, const char *name)
{
	char prefix[32], *path;
	virDomainPtr d;

	snprintf(prefix, sizeof(prefix), "subvol-%d-", vmid);
	assert_int_equal(count_volumes(T.lv_pool, prefix), 0);
	snprintf(prefix, sizeof(prefix), "vm-%d-", vmid);
	assert_int_equal(count_volumes(T.lv_pool, prefix), 0);
	d = virDomainLookupByName(T.conn, name);
	virResetLastError();
	assert_null(d);
	snprintf(prefix, sizeof(prefix), "subvol-%d-disk-0", vmid);
	path = pool_file(prefix);
	assert_false(exists(path));
	free(path);
}

/* Failures after the volume exists: a template that is not a tarball (the
 * build here fails), one without /sbin/init (sent, defined, then the
 * start fails): no volume, no domain, nothing here. */
static void ct_failures_remote(void **state)
{
	char *err = NULL;

	(void)state;
	assert_int_equal(create_ct(REMOTE, 302, "rct-broken", "it's broken.tar.gz", false, &err),
			 TVE_TASK_ERROR);
	diag("not a tarball: %s", err);
	assert_non_null(strstr(err, "cannot be extracted"));
	free(err);
	assert_no_ct(302, "rct-broken");

	assert_int_equal(create_ct(REMOTE, 303, "rct-noinit", "noinit.tar.gz", true, &err),
			 TVE_TASK_ERROR);
	diag("no init: %s", err);
	free(err);
	assert_no_ct(303, "rct-noinit");
}

/* ---- the Debian template ----------------------------------------------------- */

static void template_remote(void **state)
{
	char *name = debian_template_name(), *path, *tmp, *id = NULL, *err = NULL, *s;
	long long t0 = now_ms();
	struct stat st;

	(void)state;
	path = pool_file(name);
	tmp = tve_xasprintf("%s.tmp", path);
	if (tve_backend_make_template(T.b, REMOTE, T.pool, "bookworm", getenv("TVE_TEST_MIRROR"),
				      &id, &err) < 0)
		fail_msg("template refused: %s", err);
	assert_int_equal(itest_wait_task(T.b, id, 600000, NULL, &err), TVE_TASK_OK);
	free(id);
	assert_int_equal(stat(path, &st), 0);
	diag("template (%s debootstrap) on the node in %lld ms: %.1f MiB",
	     T.fake_debootstrap ? "stand-in" : "real", now_ms() - t0, st.st_size / (double)MiB);
	assert_false(exists(tmp));
	assert_true(dir_is_empty(T.tmpdir));
	s = sh("tar -tzf '%s' | grep -c -x -e './bin/busybox' -e './usr/bin/dpkg' -e './etc/passwd'",
	       path);
	assert_non_null(s);
	assert_string_equal(s, "2");
	free(s);
	assert_true(node_lists(T.b, REMOTE, T.pool, name, true, 10000));	/* the task refreshed the pool */
	/* listed now: a second one is refused before a task */
	assert_int_equal(tve_backend_make_template(T.b, REMOTE, T.pool, "bookworm", NULL, &id,
						   &err), -1);
	diag("again: %s", err);
	assert_non_null(strstr(err, "already exists"));
	free(err);
	remove_volume(name);
	free(tmp);
	free(path);
	free(name);
}

/* ---- setup ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	struct tve_config cfg;
	struct tve_node_cfg *n;
	char *err = NULL;

	(void)state;
	T.pool = env("TVE_TEST_POOL");
	T.pool_dir = env("TVE_TEST_POOL_DIR");
	T.http = env("TVE_TEST_HTTP");
	T.www = env("TVE_TEST_WWW");
	T.tmpdir = env("TMPDIR");
	T.host_exec = env("TVE_TEST_HOST_EXEC");
	T.lxc_uri = env("TVE_TEST_LXC_URI");
	T.network = env("TVE_TEST_NETWORK");
	T.fake_debootstrap = getenv("TVE_TEST_FAKE_DEBOOTSTRAP") != NULL;
	tve_config_init(&cfg);
	cfg.refresh_s = 0.5;
	free(cfg.state_dir);
	cfg.state_dir = tve_xstrdup(env("TVE_TEST_STATE_DIR"));
	cfg.known_hosts = tve_xstrdup(env("TVE_TEST_KNOWN_HOSTS"));
	n = tve_config_add_node(&cfg, "r1", env("TVE_TEST_NODE_URI"));
	n->ssh = tve_xstrdup(env("TVE_TEST_TARGET"));
	n->keyfile = tve_xstrdup(env("TVE_TEST_KEY"));
	tve_config_add_node(&cfg, "l1", T.lxc_uri);
	if (!(T.b = tve_backend_new(&cfg, &err)) || tve_backend_start(T.b, &err) < 0) {
		fprintf(stderr, "backend: %s\n", err ? err : "?");
		return -1;
	}
	tve_config_clear(&cfg);
	if (!(T.conn = virConnectOpen(T.lxc_uri)) ||
	    !(T.lv_pool = virStoragePoolLookupByName(T.conn, T.pool))) {
		fprintf(stderr, "%s: %s\n", T.lxc_uri, virGetLastErrorMessage());
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	if (T.b)
		tve_backend_free(&T.b);
	if (T.lv_pool)
		virStoragePoolFree(T.lv_pool);
	if (T.conn)
		virConnectClose(T.conn);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_ready),
		cmocka_unit_test(ssh_streams),
		cmocka_unit_test(download_remote),
		cmocka_unit_test(download_rates),
		cmocka_unit_test(ct_unprivileged_remote),
		cmocka_unit_test(ct_privileged_remote),
		cmocka_unit_test(ct_failures_remote),
		cmocka_unit_test(template_remote),
	};

	return cmocka_run_group_tests_name("itest_remote_ct", tests, group_setup, group_teardown);
}
