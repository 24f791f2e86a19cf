/* itest_ssh.c - remote nodes over ssh through the backend, against a real
 * sshd and a private libvirtd in a network namespace.
 *
 * Run by tests/integration/test_ssh.sh, which starts the host and passes:
 *   TVE_TEST_TARGET      root@IP
 *   TVE_TEST_KEY         a key the host accepts
 *   TVE_TEST_KEY_ENC     the same key, encrypted with TVE_TEST_PASSPHRASE
 *   TVE_TEST_OTHER_KEY   a key the host does not accept
 *   TVE_TEST_HOST_FP     SHA256 fingerprint of the host's key (ssh-keygen -l)
 *   TVE_TEST_FAKE_FP     fingerprint of another key, stored as the host's
 *                        in TVE_TEST_FAKE_KNOWN_HOSTS
 *   TVE_TEST_AGENT_SOCK  an ssh-agent holding TVE_TEST_KEY
 *   TVE_TEST_HOSTNAME    the host's hostname (seen over ssh)
 *   TVE_TEST_BRIDGE      a bridge the node's /sys shows
 *   TVE_TEST_DIR         scratch directory
 * Tests run in order: trusting the host key is what later ones build on. */
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

#include "backend.h"
#include "itest_util.h"
#include "ssh.h"
#include "util.h"

static const char *env(const char *name)
{
	const char *v = getenv(name);

	if (!v || !*v) {
		fprintf(stderr, "itest_ssh: %s is not set\n", name);
		exit(2);
	}
	return v;
}

/* A backend with one ssh node, checked against known_hosts. */
static struct tve_backend *start_node(const char *target, const char *key, const char *known_hosts)
{
	struct tve_config cfg;
	struct tve_node_cfg *n;
	struct tve_backend *b;
	char *err = NULL, *state = tve_xasprintf("%s/state", env("TVE_TEST_DIR"));

	tve_config_init(&cfg);
	cfg.refresh_s = 1;
	cfg.state_dir = state;
	cfg.known_hosts = tve_xstrdup(known_hosts);
	n = tve_config_add_node(&cfg, "r1", NULL);
	n->ssh = tve_xstrdup(target);
	n->keyfile = tve_xstrdup(key);
	assert_int_equal(tve_config_node_derive_uri(&cfg, n, &err), 0);
	b = tve_backend_new(&cfg, &err);
	assert_non_null(b);
	assert_int_equal(tve_backend_start(b, &err), 0);
	tve_config_clear(&cfg);
	return b;
}

/* Waits until the node is online, or offline with a reason (and, when
 * need is not NONE, waiting for that).  Returns the snapshot. */
static struct tve_snapshot *wait_state(struct tve_backend *b, enum tve_node_state st,
				       enum tve_node_need need, int ms)
{
	long long deadline = now_ms() + ms;

	for (;;) {
		struct tve_snapshot *s = tve_backend_snapshot(b, 0);

		if ((s->state == st && s->need == need && (st != TVE_NODE_ONLINE || s->has_facts)) ||
		    now_ms() >= deadline) {
			if (s->state != st || s->need != need)
				diag("state %s need %d: %s", tve_node_state_name(s->state), s->need,
				     s->error ? s->error : "-");
			return s;
		}
		tve_snapshot_unref(s);
		itest_wait_wake(b, 200);
	}
}

static char *path_in_dir(const char *name)
{
	return tve_xasprintf("%s/%s", env("TVE_TEST_DIR"), name);
}

static long file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* An unknown host key stops the connection until the user accepts the
 * fingerprint shown; nothing is stored before. */
static void test_unknown_then_trusted(void **state)
{
	char *kh = path_in_dir("cfg/known_hosts");
	struct tve_backend *b = start_node(env("TVE_TEST_TARGET"), env("TVE_TEST_KEY"), kh);
	struct tve_snapshot *s = wait_state(b, TVE_NODE_OFFLINE, TVE_NEED_HOSTKEY, 20000);
	char *err = NULL;
	FILE *f;
	char line[4096] = "";

	(void)state;
	assert_int_equal(s->state, TVE_NODE_OFFLINE);
	assert_int_equal(s->need, TVE_NEED_HOSTKEY);
	assert_string_equal(s->hostkey_fp, env("TVE_TEST_HOST_FP"));
	assert_string_equal(s->hostkey_type, "ssh-ed25519");
	assert_non_null(strstr(s->error, "not known"));
	assert_string_equal(s->ssh, env("TVE_TEST_TARGET"));
	tve_snapshot_unref(s);
	assert_int_equal(file_size(kh), -1);
	/* No retries on a timer while it waits for the user. */
	sleep(2);
	s = tve_backend_snapshot(b, 0);
	assert_int_equal(s->need, TVE_NEED_HOSTKEY);
	tve_snapshot_unref(s);
	/* Another fingerprint than the one shown is not accepted. */
	assert_int_equal(tve_backend_trust_hostkey(b, 0, env("TVE_TEST_FAKE_FP"), &err), -1);
	diag("other fingerprint: %s", err);
	free(err);
	err = NULL;
	assert_int_equal(file_size(kh), -1);
	if (tve_backend_trust_hostkey(b, 0, env("TVE_TEST_HOST_FP"), &err) < 0)
		fail_msg("trust: %s", err);
	s = wait_state(b, TVE_NODE_ONLINE, TVE_NEED_NONE, 30000);
	assert_int_equal(s->state, TVE_NODE_ONLINE);
	/* Facts read on the node over ssh. */
	assert_non_null(s->facts.kernel);
	assert_non_null(strstr(s->facts.kernel, "Linux"));
	assert_non_null(s->facts.os_name);
	assert_true(s->facts.load[0] >= 0);
	assert_true(s->facts.uptime_s >= 0);
	assert_true(s->facts.rootfs_total_kib > 0);
	assert_string_equal(s->facts.hostname, env("TVE_TEST_HOSTNAME"));
	diag("facts: %s, %s, load %.2f, up %lld s, root %llu KiB", s->facts.kernel,
	     s->facts.os_name, s->facts.load[0], s->facts.uptime_s, s->facts.rootfs_total_kib);
	tve_snapshot_unref(s);
	assert_true(file_size(kh) > 0);
	f = fopen(kh, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_null(fgets(line + strlen(line), (int)(sizeof(line) - strlen(line)), f));
	fclose(f);
	assert_non_null(strstr(line, "ssh-ed25519 "));
	{
		struct stat st;

		assert_int_equal(stat(kh, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	tve_backend_free(&b);
	/* Remembered: a new start connects at once. */
	b = start_node(env("TVE_TEST_TARGET"), env("TVE_TEST_KEY"), kh);
	s = wait_state(b, TVE_NODE_ONLINE, TVE_NEED_NONE, 30000);
	assert_int_equal(s->state, TVE_NODE_ONLINE);
	tve_snapshot_unref(s);
	tve_backend_free(&b);
	free(kh);
}

/* A stored key that differs from the host's: refused, both fingerprints
 * shown, the file untouched, and no way to accept it. */
static void test_changed_refused(void **state)
{
	const char *kh = env("TVE_TEST_FAKE_KNOWN_HOSTS");
	long size = file_size(kh);
	struct tve_backend *b = start_node(env("TVE_TEST_TARGET"), env("TVE_TEST_KEY"), kh);
	struct tve_snapshot *s = wait_state(b, TVE_NODE_OFFLINE, TVE_NEED_HOSTKEY_CHANGED, 20000);
	char *err = NULL;

	(void)state;
	assert_int_equal(s->need, TVE_NEED_HOSTKEY_CHANGED);
	assert_string_equal(s->hostkey_fp, env("TVE_TEST_HOST_FP"));
	assert_non_null(s->hostkey_known_fp);
	assert_string_equal(s->hostkey_known_fp, env("TVE_TEST_FAKE_FP"));
	assert_non_null(strstr(s->error, "CHANGED"));
	assert_non_null(strstr(s->error, env("TVE_TEST_FAKE_FP")));
	diag("changed: %s", s->error);
	tve_snapshot_unref(s);
	assert_int_equal(tve_backend_trust_hostkey(b, 0, env("TVE_TEST_HOST_FP"), &err), -1);
	free(err);
	assert_int_equal(file_size(kh), size);
	tve_backend_free(&b);
}

static char *trusted_kh(void)
{
	return path_in_dir("cfg/known_hosts");
}

static void expect_error(const char *target, const char *key, const char *want1,
			 const char *want2)
{
	char *kh = trusted_kh();
	struct tve_backend *b = start_node(target, key, kh);
	struct tve_snapshot *s = wait_state(b, TVE_NODE_OFFLINE, TVE_NEED_NONE, 20000);

	assert_int_equal(s->state, TVE_NODE_OFFLINE);
	assert_non_null(s->error);
	diag("%s: %s", target, s->error);
	assert_non_null(strstr(s->error, want1));
	if (want2)
		assert_non_null(strstr(s->error, want2));
	tve_snapshot_unref(s);
	tve_backend_free(&b);
	free(kh);
}

static void test_wrong_user(void **state)
{
	char *target = tve_xasprintf("nobody@%s", strchr(env("TVE_TEST_TARGET"), '@') + 1);

	(void)state;
	expect_error(target, env("TVE_TEST_KEY"), "nobody@", "refused the key");
	free(target);
}

static void test_wrong_key(void **state)
{
	(void)state;
	expect_error(env("TVE_TEST_TARGET"), env("TVE_TEST_OTHER_KEY"), "refused the key",
		     env("TVE_TEST_OTHER_KEY"));
}

static void test_agent(void **state)
{
	char *kh = trusted_kh();
	struct tve_backend *b;
	struct tve_snapshot *s;

	(void)state;
	unsetenv("SSH_AUTH_SOCK");
	expect_error(env("TVE_TEST_TARGET"), NULL, "ssh-agent", NULL);
	setenv("SSH_AUTH_SOCK", env("TVE_TEST_AGENT_SOCK"), 1);
	b = start_node(env("TVE_TEST_TARGET"), NULL, kh);
	s = wait_state(b, TVE_NODE_ONLINE, TVE_NEED_NONE, 30000);
	assert_int_equal(s->state, TVE_NODE_ONLINE);
	assert_non_null(s->facts.kernel);
	tve_snapshot_unref(s);
	tve_backend_free(&b);
	unsetenv("SSH_AUTH_SOCK");
	free(kh);
}

/* An encrypted key: the passphrase is asked for (not retried on a timer),
 * a wrong one asked again, the right one connects libvirt too. */
static void test_passphrase(void **state)
{
	char *kh = trusted_kh();
	struct tve_backend *b = start_node(env("TVE_TEST_TARGET"), env("TVE_TEST_KEY_ENC"), kh);
	struct tve_snapshot *s = wait_state(b, TVE_NODE_OFFLINE, TVE_NEED_PASSPHRASE, 20000);
	char *err = NULL;

	(void)state;
	assert_int_equal(s->need, TVE_NEED_PASSPHRASE);
	assert_non_null(strstr(s->error, "passphrase"));
	tve_snapshot_unref(s);
	assert_int_equal(tve_backend_set_passphrase(b, 0, "not it", &err), 0);
	/* The wrong one is asked about again, saying so. */
	{
		long long deadline = now_ms() + 20000;

		for (;;) {
			s = tve_backend_snapshot(b, 0);
			if ((s->need == TVE_NEED_PASSPHRASE && strstr(s->error, "wrong")) ||
			    now_ms() > deadline)
				break;
			tve_snapshot_unref(s);
			itest_wait_wake(b, 200);
		}
	}
	assert_int_equal(s->need, TVE_NEED_PASSPHRASE);
	assert_non_null(strstr(s->error, "wrong passphrase"));
	tve_snapshot_unref(s);
	assert_int_equal(tve_backend_set_passphrase(b, 0, env("TVE_TEST_PASSPHRASE"), &err), 0);
	s = wait_state(b, TVE_NODE_ONLINE, TVE_NEED_NONE, 30000);
	assert_int_equal(s->state, TVE_NODE_ONLINE);
	tve_snapshot_unref(s);
	tve_backend_free(&b);
	free(kh);
}

/* What the Create VM wizard offers on the node: its bridges, read over
 * the session when its libvirt has no interface driver to say. */
static void test_remote_caps(void **state)
{
	char *kh = trusted_kh();
	struct tve_backend *b = start_node(env("TVE_TEST_TARGET"), env("TVE_TEST_KEY"), kh);
	long long deadline = now_ms() + 60000;
	struct tve_snapshot *s;

	(void)state;
	for (;;) {
		s = tve_backend_snapshot(b, 0);
		if ((s->state == TVE_NODE_ONLINE && s->has_caps) || now_ms() > deadline)
			break;
		tve_snapshot_unref(s);
		itest_wait_wake(b, 200);
	}
	assert_true(s->has_caps);
	assert_true(tve_strlist_has(s->caps.n_bridges, s->caps.bridges, env("TVE_TEST_BRIDGE")));
	diag("caps: %s, %zu machines, %zu bridges", s->caps.domain_type, s->caps.n_machines,
	     s->caps.n_bridges);
	tve_snapshot_unref(s);
	tve_backend_free(&b);
	free(kh);
}

/* A node reached through its session is not this host, although its
 * libvirt URI names a local socket: a download into its pool takes the
 * remote path (the URL refuses: the task fails after saying where). */
static void test_remote_path(void **state)
{
	char *kh = trusted_kh(), *id = NULL, *err = NULL, **log;
	struct tve_backend *b = start_node(env("TVE_TEST_TARGET"), env("TVE_TEST_KEY"), kh);
	struct tve_taskstore *ts = tve_backend_tasks(b);
	long long deadline = now_ms() + 30000;
	struct tve_snapshot *s;
	bool remote = false;

	(void)state;
	for (;;) {
		s = tve_backend_snapshot(b, 0);
		if ((s->state == TVE_NODE_ONLINE && tve_snapshot_find_pool(s, "dl")) ||
		    now_ms() > deadline)
			break;
		tve_snapshot_unref(s);
		itest_wait_wake(b, 200);
	}
	assert_non_null(tve_snapshot_find_pool(s, "dl"));
	tve_snapshot_unref(s);
	if (tve_backend_download(b, 0, "dl", "http://127.0.0.1:9/t.iso", "t.iso", TVE_SUM_NONE,
				 NULL, &id, &err) < 0)
		fail_msg("download refused: %s", err);
	assert_int_equal(itest_wait_task(b, id, 30000, NULL, &err), TVE_TASK_ERROR);
	free(err);
	log = tve_taskstore_log(ts, id);
	for (size_t i = 0; log && log[i]; i++) {
		remote |= strstr(log[i], "over ssh to r1") != NULL;
		free(log[i]);
	}
	free(log);
	assert_true(remote);
	free(id);
	tve_backend_free(&b);
	free(kh);
}

/* The command channel itself: output, errors, exit status, stdin. */
static void test_exec(void **state)
{
	char *kh = trusted_kh();
	struct tve_ssh_opts o = {
		.target = env("TVE_TEST_TARGET"), .keyfile = env("TVE_TEST_KEY"), .known_hosts = kh,
	};
	enum tve_ssh_result res;
	char *err = NULL, *out = NULL, *errout = NULL;
	struct tve_ssh *s = tve_ssh_connect(&o, NULL, &res, &err);
	int status = -1;

	(void)state;
	assert_non_null(s);
	assert_int_equal(tve_ssh_exec(s, "echo out; echo err >&2; exit 3", NULL, 0, &out, &errout,
				      &status, 5000, &err), 0);
	assert_string_equal(out, "out\n");
	assert_string_equal(errout, "err\n");
	assert_int_equal(status, 3);
	free(out);
	free(errout);
	assert_int_equal(tve_ssh_exec(s, "wc -c", "12345", 5, &out, NULL, &status, 5000, &err), 0);
	assert_int_equal(atoi(out), 5);
	assert_int_equal(status, 0);
	free(out);
	assert_int_equal(tve_ssh_exec(s, "uname -n", NULL, 0, &out, NULL, &status, 5000, &err), 0);
	out[strcspn(out, "\n")] = '\0';
	assert_string_equal(out, env("TVE_TEST_HOSTNAME"));
	free(out);
	tve_ssh_close(s);
	free(kh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_then_trusted),
		cmocka_unit_test(test_changed_refused),
		cmocka_unit_test(test_wrong_user),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_agent),
		cmocka_unit_test(test_passphrase),
		cmocka_unit_test(test_exec),
		cmocka_unit_test(test_remote_caps),
		cmocka_unit_test(test_remote_path),
	};

	unsetenv("SSH_AUTH_SOCK");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
