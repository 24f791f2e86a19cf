/* test_ssh.c - the ssh layer's pure parts: targets, libvirt URIs, and the
 * node facts command's output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "node_facts.h"
#include "ssh.h"
#include "util.h"

static void target_ok(const char *s, const char *user, const char *host, int port)
{
	struct tve_ssh_target t;
	char *err = NULL;

	if (tve_ssh_parse_target(s, &t, &err) < 0)
		fail_msg("%s: %s", s, err);
	if (user)
		assert_string_equal(t.user, user);
	else
		assert_null(t.user);
	assert_string_equal(t.host, host);
	assert_int_equal(t.port, port);
	tve_ssh_target_clear(&t);
}

static void target_bad(const char *s, const char *want)
{
	struct tve_ssh_target t;
	char *err = NULL;

	assert_int_equal(tve_ssh_parse_target(s, &t, &err), -1);
	assert_non_null(err);
	assert_string_equal(err, want);
	assert_null(t.host);
	free(err);
}

static void test_targets(void **state)
{
	(void)state;
	target_ok("root@pve1", "root", "pve1", 22);
	target_ok("pve1", NULL, "pve1", 22);
	target_ok("admin@10.0.0.2:2222", "admin", "10.0.0.2", 2222);
	target_ok("u@[fd00::1]:22", "u", "fd00::1", 22);
	target_ok("[fd00::1]", NULL, "fd00::1", 22);
	target_ok("fd00::1", NULL, "fd00::1", 22);
	target_ok("a@b@host", "a@b", "host", 22);
	target_bad("", "no ssh target (user@host[:port])");
	target_bad("root@", "bad ssh target \"root@\" (user@host[:port])");
	target_bad("@h", "empty user in \"@h\"");
	target_bad("h:0", "bad port \"0\" (1..65535)");
	target_bad("h:22x", "bad port \"22x\" (1..65535)");
	target_bad("h:", "bad port \"\" (1..65535)");
	target_bad("root@h x", "bad ssh target \"root@h x\" (user@host[:port])");
	target_bad("[fd00::1", "bad ssh target \"[fd00::1\" (user@host[:port])");
	target_bad("[]:22", "bad ssh target \"[]:22\" (user@host[:port])");
}

static void test_uri(void **state)
{
	char *u, *err = NULL;

	(void)state;
	u = tve_ssh_libvirt_uri("root@pve1", &err);
	assert_string_equal(u, "qemu+ssh://root@pve1/system");
	free(u);
	u = tve_ssh_libvirt_uri("pve1:2022", &err);
	assert_string_equal(u, "qemu+ssh://pve1:2022/system");
	free(u);
	u = tve_ssh_libvirt_uri("admin@fd00::2", &err);
	assert_string_equal(u, "qemu+ssh://admin@[fd00::2]/system");
	free(u);
	assert_null(tve_ssh_libvirt_uri("root@", &err));
	assert_non_null(err);
	free(err);
}

static void test_facts(void **state)
{
	struct tve_node_facts f = { 0 };

	(void)state;
	f.hostname = tve_xstrdup("from-libvirt");
	f.cpu_model = tve_xstrdup("kvm64");
	assert_int_equal(tve_facts_parse(&f,
					 "loadavg 0.53 0.40 0.55 4/184 17926\n"
					 "uptime 16710.53 25067.22\n"
					 "kernel Linux 6.1.0-18-amd64\n"
					 "os Debian GNU/Linux 12 (bookworm)\n"
					 "rootfs 264212084 16943280\n"
					 "cpu AMD EPYC 7763 64-Core Processor\n"
					 "hostname pve1\n"),
			 0);
	assert_true(f.load[0] == 0.53 && f.load[1] == 0.40 && f.load[2] == 0.55);
	assert_int_equal(f.uptime_s, 16710);
	assert_string_equal(f.kernel, "Linux 6.1.0-18-amd64");
	assert_string_equal(f.os_name, "Debian GNU/Linux 12 (bookworm)");
	assert_int_equal(f.rootfs_total_kib, 264212084ULL);
	assert_int_equal(f.rootfs_used_kib, 16943280ULL);
	assert_string_equal(f.cpu_model, "AMD EPYC 7763 64-Core Processor");
	assert_string_equal(f.hostname, "from-libvirt");	/* libvirt's is kept */
	tve_facts_clear(&f);
	/* Cut short, or not Linux: load and uptime missing. */
	assert_int_equal(tve_facts_parse(&f, "kernel SunOS 5.11\nrootfs 2 1\n"), -1);
	assert_int_equal(f.rootfs_total_kib, 2ULL);
	tve_facts_clear(&f);
	/* Garbage is ignored; used above total is not believed. */
	assert_int_equal(tve_facts_parse(&f, "loadavg x\nuptime 5\nrootfs 10 20\nnoval\n"), -1);
	assert_int_equal(f.rootfs_total_kib, 0ULL);
	tve_facts_clear(&f);
}

/* This host's own facts, read the same way as a remote node's. */
static void test_local(void **state)
{
	struct tve_node_facts f = { 0 };

	(void)state;
	f.load[0] = f.load[1] = f.load[2] = -1;
	f.uptime_s = -1;
	tve_facts_read_local(&f);
	assert_true(f.load[0] >= 0);
	assert_true(f.uptime_s >= 0);
	assert_non_null(f.kernel);
	assert_non_null(strstr(f.kernel, "Linux"));
	assert_true(f.rootfs_total_kib > 0 && f.rootfs_used_kib <= f.rootfs_total_kib);
	tve_facts_clear(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets),
		cmocka_unit_test(test_uri),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_local),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
