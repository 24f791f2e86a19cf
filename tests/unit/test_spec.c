/* test_spec.c - the spec names, parsers, shared rules and every Create VM
 * rule, with good and bad values, on hand-made snapshots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "task.h"
#include "util.h"

#define GiB (1024ULL * 1024 * 1024)
#define MiB (1024ULL * 1024)

static struct tve_snapshot *pve1, *pve2, *bare, *ct;
static const struct tve_snapshot *nodes[4];

/* ---- fixtures ------------------------------------------------------------- */

static struct tve_pool *add_pool(struct tve_snapshot *s, const char *name, const char *type,
				 bool active, unsigned long long avail)
{
	struct tve_pool *p = tve_snapshot_add_pool(s);

	p->name = tve_xstrdup(name);
	p->type = tve_xstrdup(type);
	p->path = tve_xasprintf("/pools/%s", name);
	p->active = active;
	p->available = avail;
	return p;
}

static void add_guest(struct tve_snapshot *s, const char *name, int vmid)
{
	struct tve_guest *g = tve_snapshot_add_guest(s);

	g->name = tve_xstrdup(name);
	g->vmid = vmid;
}

static void add_net(struct tve_snapshot *s, const char *name, bool active)
{
	struct tve_network *n = tve_snapshot_add_network(s);

	n->name = tve_xstrdup(name);
	n->active = active;
}

/* pve1: KVM with everything, 8 CPUs, 16 GiB, pools local (dir, 400 GiB
 * free), lvm (logical, 100 GiB), off (inactive); pve2: QEMU without KVM,
 * EFI, TPM, SPICE, bridges or pools but a network; bare: no caps yet;
 * ct: an LXC node. */
static int setup(void **state)
{
	struct tve_node_caps *c;
	struct tve_pool *p;

	(void)state;
	pve1 = tve_snapshot_new("pve1", "qemu:///system");
	pve1->state = TVE_NODE_ONLINE;
	pve1->has_facts = true;
	pve1->facts.cpus = 8;
	pve1->facts.mem_total_kib = 16ULL * 1024 * 1024;
	pve1->has_caps = true;
	c = &pve1->caps;
	c->arch = tve_xstrdup("x86_64");
	c->domain_type = tve_xstrdup("kvm");
	tve_strlist_add(&c->n_machines, &c->machines, "pc");
	tve_strlist_add(&c->n_machines, &c->machines, "q35");
	tve_strlist_add(&c->n_machines, &c->machines, "pc-q35-7.2");
	tve_strlist_add(&c->n_cpu_models, &c->cpu_models, "Skylake-Client");
	c->host_passthrough = c->efi = c->efi_secure = c->tpm = c->spice = c->iothreads = true;
	tve_strlist_add(&c->n_bridges, &c->bridges, "vmbr0");
	tve_strlist_add(&c->n_drives, &c->drives, "/dev/sr0");
	p = add_pool(pve1, "local", "dir", true, 400 * GiB);
	tve_pool_add_volume(p)->name = tve_xstrdup("debian.iso");
	tve_pool_add_volume(p)->name = tve_xstrdup("virtio-win.iso");
	tve_pool_add_volume(p)->name = tve_xstrdup("vm-103-disk-0.qcow2");
	p = add_pool(pve1, "lvm", "logical", true, 100 * GiB);
	tve_pool_add_volume(p)->name = tve_xstrdup("vm-103-disk-0");
	p = add_pool(pve1, "off", "dir", false, 100 * GiB);
	tve_pool_add_volume(p)->name = tve_xstrdup("old.iso");
	add_net(pve1, "default", true);
	add_net(pve1, "isolated", false);
	add_guest(pve1, "web01", 100);
	add_guest(pve1, "db01", 101);
	add_guest(pve1, "noid", 0);
	tve_snapshot_sort(pve1);

	pve2 = tve_snapshot_new("pve2", "qemu+ssh://pve2/system");
	pve2->state = TVE_NODE_ONLINE;
	pve2->has_caps = true;
	pve2->caps.domain_type = tve_xstrdup("qemu");
	add_pool(pve2, "images", "logical", true, 50 * GiB);
	add_net(pve2, "default", true);
	add_guest(pve2, "mail", 102);

	bare = tve_snapshot_new("bare", "qemu+ssh://bare/system");
	bare->state = TVE_NODE_OFFLINE;
	bare->error = tve_xstrdup("connection refused");
	ct = tve_snapshot_new("ct", "lxc:///");
	ct->state = TVE_NODE_ONLINE;
	ct->has_caps = true;
	ct->caps.domain_type = tve_xstrdup("lxc");

	nodes[0] = pve1;
	nodes[1] = pve2;
	nodes[2] = bare;
	nodes[3] = ct;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tve_snapshot_unref(pve1);
	tve_snapshot_unref(pve2);
	tve_snapshot_unref(bare);
	tve_snapshot_unref(ct);
	return 0;
}

static struct tve_create_ctx ctx_on(const struct tve_snapshot *n)
{
	return (struct tve_create_ctx){ .nodes = nodes, .n_nodes = 4, .node = n };
}

static void set(char **p, const char *v)
{
	free(*p);
	*p = v ? tve_xstrdup(v) : NULL;
}

/* The message m (freed) contains want. */
#define assert_msg(m, want) do { \
		char *m_ = (m); \
		if (!m_) \
			fail_msg("no message, wanted '%s'", (want)); \
		if (!strstr(m_, (want))) \
			fail_msg("'%s' does not say '%s'", m_, (want)); \
		free(m_); \
	} while (0)

#define assert_ok(m) do { \
		char *m_ = (m); \
		if (m_) \
			fail_msg("unexpected: %s", m_); \
	} while (0)

/* ---- names ---------------------------------------------------------------- */

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(tve_ostype_name(TVE_OS_L26), "l26");
	assert_string_equal(tve_ostype_name(TVE_OS_WIN11), "win11");
	assert_string_equal(tve_ostype_name(TVE_OS_OTHER), "other");
	assert_string_equal(tve_ostype_label(TVE_OS_L26), "Linux 6.x - 2.6 Kernel");
	assert_string_equal(tve_ostype_label(TVE_OS_WIN11), "Microsoft Windows 11/2022/2025");
	assert_string_equal(tve_ostype_name(TVE_OS__COUNT), "?");
	assert_true(tve_ostype_is_windows(TVE_OS_WIN11));
	assert_true(tve_ostype_is_windows(TVE_OS_W2K));
	assert_false(tve_ostype_is_windows(TVE_OS_L26));
	assert_false(tve_ostype_is_windows(TVE_OS_SOLARIS));
	assert_string_equal(tve_graphics_label(TVE_GFX_SERIAL), "Serial terminal 0");
	assert_string_equal(tve_graphics_label(TVE_GFX_DEFAULT), "Default");
	assert_string_equal(tve_scsihw_label(TVE_SCSIHW_VIRTIO_SINGLE), "VirtIO SCSI single");
	assert_string_equal(tve_scsihw_label(TVE_SCSIHW_MEGASAS), "MegaRAID SAS 8708EM2");
	assert_string_equal(tve_bus_name(TVE_BUS_SATA), "sata");
	assert_int_equal(tve_bus_max_index(TVE_BUS_SCSI), 30);
	assert_int_equal(tve_bus_max_index(TVE_BUS_VIRTIO), 15);
	assert_int_equal(tve_bus_max_index(TVE_BUS_SATA), 5);
	assert_int_equal(tve_bus_max_index(TVE_BUS_IDE), 3);
	assert_string_equal(tve_vol_format_name(TVE_FMT_VMDK), "vmdk");
	assert_string_equal(tve_cache_name(TVE_CACHE_DEFAULT), "default");
	assert_string_equal(tve_cache_name(TVE_CACHE_NONE), "none");
	assert_string_equal(tve_aio_name(TVE_AIO_IO_URING), "io_uring");
	assert_string_equal(tve_nic_model_name(TVE_NIC_E1000), "e1000");
	assert_string_equal(tve_nic_model_label(TVE_NIC_VIRTIO), "VirtIO (paravirtualized)");
}

static void test_pool_formats(void **state)
{
	(void)state;
	for (int f = 0; f < TVE_FMT__COUNT; f++) {
		assert_true(tve_pool_allows_format("dir", f));
		assert_true(tve_pool_allows_format("fs", f));
		assert_true(tve_pool_allows_format("netfs", f));
	}
	assert_true(tve_pool_allows_format("logical", TVE_FMT_RAW));
	assert_false(tve_pool_allows_format("logical", TVE_FMT_QCOW2));
	assert_false(tve_pool_allows_format("rbd", TVE_FMT_VMDK));
	assert_false(tve_pool_allows_format(NULL, TVE_FMT_QCOW2));
	assert_false(tve_pool_allows_format("dir", TVE_FMT__COUNT));
}

/* ---- parsers -------------------------------------------------------------- */

static void size_ok(const char *text, unsigned long long unit, unsigned long long want)
{
	unsigned long long v = 0;
	char *err = NULL;

	if (tve_parse_size(text, unit, &v, &err) < 0)
		fail_msg("'%s': %s", text, err);
	if (v != want)
		fail_msg("'%s' gave %llu, not %llu", text, v, want);
}

static void size_bad(const char *text, const char *why)
{
	unsigned long long v = 7;
	char *err = NULL;

	assert_int_equal(tve_parse_size(text, GiB, &v, &err), -1);
	assert_int_equal(v, 7);
	assert_msg(err, why);
}

static void test_parse_size(void **state)
{
	(void)state;
	size_ok("32", GiB, 32 * GiB);
	size_ok("32G", GiB, 32 * GiB);
	size_ok("32 GiB", 1, 32 * GiB);
	size_ok(" 8g ", 1, 8 * GiB);
	size_ok("1.5T", 1, 1536 * GiB);
	size_ok("512M", GiB, 512 * MiB);
	size_ok("512", MiB, 512 * MiB);
	size_ok("100000K", 1, 100000 * 1024ULL);
	size_ok("1KB", 1, 1024);
	size_ok("1024B", GiB, 1024);
	size_ok("0.5", GiB, GiB / 2);
	size_ok(".25G", 1, GiB / 4);
	size_ok("0", GiB, 0);
	size_ok("16383P", 1, 16383ULL << 50);
	size_ok("15E", 1, 15ULL << 60);
	size_bad("", "required");
	size_bad("   ", "required");
	size_bad(NULL, "required");
	size_bad("abc", "not a number");
	size_bad("G", "not a number");
	size_bad(".", "not a number");
	size_bad("-1", "negative");
	size_bad("12X", "unknown unit 'X'");
	size_bad("12 GB2", "unknown unit 'GB2'");
	size_bad("1.2.3", "unknown unit '.3'");
	size_bad("1e3", "unknown unit 'e3'");
	size_bad("18446744073709551616", "too large");
	size_bad("16E", "too large");
	size_bad("20000000P", "too large");
	size_bad("17179869184G", "too large");
}

static void test_parse_int(void **state)
{
	long long v = 0;
	char *err = NULL;

	(void)state;
	assert_int_equal(tve_parse_int("42", 0, 100, &v, &err), 0);
	assert_int_equal(v, 42);
	assert_int_equal(tve_parse_int(" -5 ", -10, 10, &v, &err), 0);
	assert_int_equal(v, -5);
	assert_int_equal(tve_parse_int("+7", 0, 10, &v, &err), 0);
	assert_int_equal(v, 7);
	assert_int_equal(tve_parse_int("", 0, 10, &v, &err), -1);
	assert_msg(err, "required");
	err = NULL;
	assert_int_equal(tve_parse_int("4x", 0, 10, &v, &err), -1);
	assert_msg(err, "not a whole number");
	err = NULL;
	assert_int_equal(tve_parse_int("1.5", 0, 10, &v, &err), -1);
	assert_msg(err, "not a whole number");
	err = NULL;
	assert_int_equal(tve_parse_int("-", 0, 10, &v, &err), -1);
	assert_msg(err, "not a whole number");
	err = NULL;
	assert_int_equal(tve_parse_int("11", 0, 10, &v, &err), -1);
	assert_msg(err, "between 0 and 10");
	err = NULL;
	assert_int_equal(tve_parse_int("99999999999999999999", 0, 10, &v, &err), -1);
	assert_msg(err, "between 0 and 10");
	err = NULL;
	assert_int_equal(tve_parse_int("-1", 0, 9223372036854775807LL, &v, &err), -1);
	assert_msg(err, "at least 0");
	assert_int_equal(v, 7);
}

static void test_parse_double(void **state)
{
	double v = 0;
	char *err = NULL;

	(void)state;
	assert_int_equal(tve_parse_double("1.5", 0, 8, &v, &err), 0);
	assert_true(v == 1.5);
	assert_int_equal(tve_parse_double(" .25 ", 0, 8, &v, &err), 0);
	assert_true(v == 0.25);
	assert_int_equal(tve_parse_double("-2", -5, 5, &v, &err), 0);
	assert_true(v == -2);
	assert_int_equal(tve_parse_double("0", 0, 0, &v, &err), 0);
	assert_true(v == 0);
	static const char *const bad[] = { "", "inf", "nan", "1e3", "0x10", "1,5", "1.5.", "--1", "1 2" };
	for (size_t i = 0; i < TVE_ARRAY_SIZE(bad); i++) {
		err = NULL;
		if (tve_parse_double(bad[i], -1e9, 1e9, &v, &err) == 0)
			fail_msg("'%s' parsed as %g", bad[i], v);
		assert_non_null(err);
		free(err);
	}
	err = NULL;
	assert_int_equal(tve_parse_double("8.5", 0, 8, &v, &err), -1);
	assert_msg(err, "between 0 and 8");
	err = NULL;
	assert_int_equal(tve_parse_double("99999999999999999999999", 0, 8, &v, &err), -1);
	assert_msg(err, "between 0 and 8");
}

/* ---- shared rules --------------------------------------------------------- */

static void test_dns_name(void **state)
{
	char long_label[80], long_name[300];

	(void)state;
	assert_ok(tve_check_dns_name("web01"));
	assert_ok(tve_check_dns_name("a"));
	assert_ok(tve_check_dns_name("123"));
	assert_ok(tve_check_dns_name("Web-01.example.com"));
	assert_msg(tve_check_dns_name(""), "required");
	assert_msg(tve_check_dns_name(NULL), "required");
	assert_msg(tve_check_dns_name("-web"), "start or end with '-'");
	assert_msg(tve_check_dns_name("web-"), "start or end with '-'");
	assert_msg(tve_check_dns_name("web_01"), "contains '_'");
	assert_msg(tve_check_dns_name("web 01"), "space");
	assert_msg(tve_check_dns_name("web\xc3\xbc"), "cannot have");
	assert_msg(tve_check_dns_name("a..b"), "empty part");
	assert_msg(tve_check_dns_name(".a"), "empty part");
	memset(long_label, 'a', 64);
	long_label[64] = 0;
	assert_msg(tve_check_dns_name(long_label), "longer than 63");
	long_label[63] = 0;
	assert_ok(tve_check_dns_name(long_label));
	memset(long_name, 'a', 254);
	for (int i = 50; i < 254; i += 50)
		long_name[i] = '.';
	long_name[254] = 0;
	assert_msg(tve_check_dns_name(long_name), "at most 253");
}

static void test_vmid_free(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_create_ctx alone = { .node = pve2 };

	(void)state;
	assert_msg(tve_check_vmid_free(99, &ctx), "between 100 and 999999999");
	assert_msg(tve_check_vmid_free(1000000000, &ctx), "between 100 and 999999999");
	assert_msg(tve_check_vmid_free(100, &ctx), "ID 100 is used by web01 on pve1");
	assert_msg(tve_check_vmid_free(101, &ctx), "ID 101 is used by db01 on pve1");
	assert_msg(tve_check_vmid_free(102, &ctx), "ID 102 is used by mail on pve2");
	assert_ok(tve_check_vmid_free(103, &ctx));
	assert_ok(tve_check_vmid_free(999999999, &ctx));
	/* the target node counts even when nodes does not list it */
	assert_msg(tve_check_vmid_free(102, &alone), "mail on pve2");
	assert_ok(tve_check_vmid_free(100, NULL));
}

static void test_mac(void **state)
{
	(void)state;
	assert_ok(tve_check_mac("52:54:00:12:34:56"));
	assert_ok(tve_check_mac("52-54-00-AB-cd-ef"));
	assert_ok(tve_check_mac("02:00:00:00:00:00"));
	assert_msg(tve_check_mac("52:54:00:12:34"), "not a MAC address");
	assert_msg(tve_check_mac("52:54:00:12:34:5g"), "not a MAC address");
	assert_msg(tve_check_mac("52:54-00:12:34:56"), "not a MAC address");
	assert_msg(tve_check_mac("525400123456"), "not a MAC address");
	assert_msg(tve_check_mac("52:54:00:12:34:567"), "not a MAC address");
	assert_msg(tve_check_mac(""), "not a MAC address");
	assert_msg(tve_check_mac(NULL), "not a MAC address");
	assert_msg(tve_check_mac("01:00:5e:00:00:01"), "multicast");
	assert_msg(tve_check_mac("ff:ff:ff:ff:ff:ff"), "multicast");
	assert_msg(tve_check_mac("00:00:00:00:00:00"), "not a usable");
}

static void test_tags(void **state)
{
	(void)state;
	assert_ok(tve_check_tags(NULL));
	assert_ok(tve_check_tags(""));
	assert_ok(tve_check_tags("web;prod"));
	assert_ok(tve_check_tags("a,b c;;d"));
	assert_ok(tve_check_tags("Web_1.x+y-z"));
	assert_ok(tve_check_tags("_x 9"));
	assert_msg(tve_check_tags("-x"), "tag '-x' must start");
	assert_msg(tve_check_tags("ok;.x"), "tag '.x' must start");
	assert_msg(tve_check_tags("a;b!c"), "tag 'b!c' has '!'");
	assert_msg(tve_check_tags("caf\xc3\xa9"), "only letters, digits");
}

static void test_ip(void **state)
{
	(void)state;
	assert_ok(tve_check_cidr4("10.0.0.5/24"));
	assert_ok(tve_check_cidr4("0.0.0.0/0"));
	assert_ok(tve_check_cidr4("192.168.1.1/32"));
	assert_msg(tve_check_cidr4("10.0.0.5"), "address/prefix");
	assert_msg(tve_check_cidr4("10.0.0.5/33"), "0-32");
	assert_msg(tve_check_cidr4("10.0.0.5/"), "0-32");
	assert_msg(tve_check_cidr4("10.0.0.5/2x"), "0-32");
	assert_msg(tve_check_cidr4("10.0.0.5/-1"), "0-32");
	assert_msg(tve_check_cidr4("10.0.0.256/24"), "not an IPv4 address");
	assert_msg(tve_check_cidr4("fd00::1/64"), "not an IPv4 address");
	assert_msg(tve_check_cidr4(NULL), "address/prefix");
	assert_ok(tve_check_cidr6("fd00::5/64"));
	assert_ok(tve_check_cidr6("::/0"));
	assert_msg(tve_check_cidr6("fd00::5/129"), "0-128");
	assert_msg(tve_check_cidr6("10.0.0.1/24"), "not an IPv6 address");
	assert_ok(tve_check_ip4("10.0.0.1"));
	assert_msg(tve_check_ip4("10.0.0"), "not an IPv4 address");
	assert_msg(tve_check_ip4("10.0.0.1/24"), "not an IPv4 address");
	assert_msg(tve_check_ip4(NULL), "not an IPv4 address");
	assert_ok(tve_check_ip6("fe80::1"));
	assert_ok(tve_check_ip6("::ffff:10.0.0.1"));
	assert_msg(tve_check_ip6("fe80:::1"), "not an IPv6 address");
	assert_msg(tve_check_ip6("10.0.0.1"), "not an IPv6 address");
}

/* ---- defaults, OS types, disks -------------------------------------------- */

static void test_defaults(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;
	char *err = NULL;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	assert_string_equal(s.node, "pve1");
	assert_int_equal(s.vmid, 103);
	assert_null(s.name);
	assert_int_equal(s.ostype, TVE_OS_L26);
	assert_int_equal(s.media, TVE_MEDIA_ISO);
	assert_string_equal(s.iso, "local/debian.iso");
	assert_string_equal(s.machine, "pc");
	assert_int_equal(s.bios, TVE_BIOS_SEABIOS);
	assert_int_equal(s.scsihw, TVE_SCSIHW_VIRTIO_SINGLE);
	assert_false(s.agent);
	assert_int_equal(s.n_disks, 1);
	assert_int_equal(s.disks[0].bus, TVE_BUS_SCSI);
	assert_int_equal(s.disks[0].index, 0);
	assert_string_equal(s.disks[0].pool, "local");
	assert_int_equal(s.disks[0].size, 32 * GiB);
	assert_int_equal(s.disks[0].format, TVE_FMT_QCOW2);
	assert_true(s.disks[0].iothread && s.disks[0].backup);
	assert_false(s.disks[0].discard || s.disks[0].ssd);
	assert_int_equal(s.sockets, 1);
	assert_int_equal(s.cores, 1);
	assert_string_equal(s.cpu_type, "x86-64-v2-AES");
	assert_int_equal(s.memory_mib, 2048);
	assert_true(s.balloon);
	assert_int_equal(s.net, TVE_NET_BRIDGE);
	assert_string_equal(s.net_source, "vmbr0");
	assert_int_equal(s.nic_model, TVE_NIC_VIRTIO);
	assert_true(s.firewall);
	assert_false(s.start_after);
	assert_int_equal(s.startup_order, -1);
	if (tve_vm_check_page(&s, &ctx, -1, &err) < 0)
		fail_msg("defaults are invalid: %s", err);
	tve_vm_spec_clear(&s);

	/* pve2: no bridge (first network), only a logical pool (raw), no ISO */
	ctx = ctx_on(pve2);
	tve_vm_spec_defaults(&s, &ctx);
	assert_int_equal(s.media, TVE_MEDIA_NONE);
	assert_null(s.iso);
	assert_string_equal(s.disks[0].pool, "images");
	assert_int_equal(s.disks[0].format, TVE_FMT_RAW);
	assert_false(s.disks[0].iothread);	/* caps say no IO threads */
	assert_int_equal(s.net, TVE_NET_NETWORK);
	assert_string_equal(s.net_source, "default");
	tve_vm_spec_clear(&s);

	/* no caps, no pools */
	ctx = ctx_on(bare);
	tve_vm_spec_defaults(&s, &ctx);
	assert_null(s.disks[0].pool);
	assert_int_equal(s.net, TVE_NET_NONE);
	tve_vm_spec_clear(&s);
	tve_vm_spec_clear(NULL);
}

static void test_ostype(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	tve_vm_spec_add_disk(&s);
	tve_vm_spec_add_disk(&s);

	s.ostype = TVE_OS_WXP;	/* IDE around the CD drive at ide2 */
	tve_vm_spec_apply_ostype(&s, &ctx);
	assert_int_equal(s.disks[0].bus, TVE_BUS_IDE);
	assert_int_equal(s.disks[0].index, 0);
	assert_int_equal(s.disks[1].index, 1);
	assert_int_equal(s.disks[2].index, 3);
	assert_false(s.disks[0].iothread);
	assert_int_equal(s.nic_model, TVE_NIC_RTL8139);
	assert_ok(tve_vm_check(&s, &ctx, TVE_VMF_DISK_BUS, 2));

	s.ostype = TVE_OS_WIN7;
	tve_vm_spec_apply_ostype(&s, &ctx);
	assert_string_equal(s.machine, "pc");
	assert_int_equal(s.disks[2].bus, TVE_BUS_SATA);
	assert_int_equal(s.disks[2].index, 2);
	assert_int_equal(s.nic_model, TVE_NIC_E1000);

	s.ostype = TVE_OS_WIN11;	/* q35: the CD drives move to SATA */
	tve_vm_spec_apply_ostype(&s, &ctx);
	assert_string_equal(s.machine, "q35");
	assert_true(s.bios == TVE_BIOS_OVMF && s.efi_keys && s.tpm && s.virtio_iso_add);
	assert_int_equal(s.disks[1].bus, TVE_BUS_SCSI);
	assert_true(s.disks[1].iothread);
	assert_int_equal(s.nic_model, TVE_NIC_VIRTIO);
	if (tve_vm_check_page(&s, &ctx, -1, NULL) < 0)
		fail_msg("Windows 11 suggestion invalid");

	s.ostype = TVE_OS_L26;
	tve_vm_spec_apply_ostype(&s, &ctx);
	assert_string_equal(s.machine, "pc");
	assert_true(s.bios == TVE_BIOS_SEABIOS && !s.efi_keys && !s.tpm && !s.virtio_iso_add);
	assert_int_equal(s.disks[2].bus, TVE_BUS_SCSI);
	assert_int_equal(s.disks[2].index, 2);
	tve_vm_spec_clear(&s);

	/* Windows 11 where there is no EFI, TPM or virtio ISO: SATA, E1000 */
	ctx = ctx_on(pve2);
	tve_vm_spec_defaults(&s, &ctx);
	s.ostype = TVE_OS_WIN11;
	tve_vm_spec_apply_ostype(&s, &ctx);
	assert_true(s.bios == TVE_BIOS_SEABIOS && !s.tpm && !s.virtio_iso_add);
	assert_int_equal(s.disks[0].bus, TVE_BUS_SATA);
	assert_int_equal(s.nic_model, TVE_NIC_E1000);
	tve_vm_spec_clear(&s);
}

static void test_disks_edit(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s, c;
	struct tve_vm_disk *d;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	d = tve_vm_spec_add_disk(&s);
	assert_int_equal(d->index, 1);
	assert_string_equal(d->pool, "local");
	d->bus = TVE_BUS_SATA;
	d->index = 0;
	d = tve_vm_spec_add_disk(&s);	/* follows the last disk's bus */
	assert_int_equal(d->bus, TVE_BUS_SATA);
	assert_int_equal(d->index, 1);
	assert_false(d->iothread);
	tve_vm_spec_remove_disk(&s, 1);
	assert_int_equal(s.n_disks, 2);
	assert_int_equal(s.disks[1].index, 1);
	tve_vm_spec_remove_disk(&s, 9);
	assert_int_equal(s.n_disks, 2);

	tve_vm_spec_copy(&c, &s);
	set(&c.disks[0].pool, "lvm");
	set(&c.name, "copy");
	assert_string_equal(s.disks[0].pool, "local");
	assert_null(s.name);
	tve_vm_spec_clear(&c);

	/* a full bus spills over to the next one */
	for (int i = 0; i < 5; i++)	/* sata0, sata2..5 */
		assert_int_equal(tve_vm_spec_add_disk(&s)->bus, TVE_BUS_SATA);
	assert_int_equal(tve_vm_spec_add_disk(&s)->bus, TVE_BUS_SCSI);
	assert_int_equal(s.disks[s.n_disks - 1].index, 1);
	tve_vm_spec_clear(&s);
}

/* ---- rules ------------------------------------------------------------------ */

static struct tve_vm_spec spec;
static struct tve_create_ctx ctx1;

static int spec_setup(void **state)
{
	(void)state;
	ctx1 = ctx_on(pve1);
	tve_vm_spec_defaults(&spec, &ctx1);
	set(&spec.name, "web02");
	return 0;
}

static int spec_teardown(void **state)
{
	(void)state;
	tve_vm_spec_clear(&spec);
	return 0;
}

#define CHECK(f) tve_vm_check(&spec, &ctx1, (f), 0)
#define CHECK_DISK(f, i) tve_vm_check(&spec, &ctx1, (f), (i))

static void test_rule_node(void **state)
{
	struct tve_create_ctx c;

	(void)state;
	assert_ok(CHECK(TVE_VMF_NODE));
	c = ctx_on(bare);
	assert_msg(tve_vm_check(&spec, &c, TVE_VMF_NODE, 0), "node bare is offline: connection refused");
	c = ctx_on(ct);
	assert_msg(tve_vm_check(&spec, &c, TVE_VMF_NODE, 0), "containers");
	c = ctx_on(NULL);
	assert_msg(tve_vm_check(&spec, &c, TVE_VMF_NODE, 0), "choose a node");
	bare->state = TVE_NODE_ONLINE;
	c = ctx_on(bare);
	assert_msg(tve_vm_check(&spec, &c, TVE_VMF_NODE, 0), "not reported");
	bare->state = TVE_NODE_OFFLINE;
	assert_msg(tve_vm_check(&spec, &ctx1, TVE_VMF__COUNT, 0), "unknown field");
	assert_msg(tve_vm_check(&spec, &ctx1, TVE_VMF_DISK_SIZE, 5), "no disk 5");
}

static void test_rule_general(void **state)
{
	(void)state;
	assert_ok(CHECK(TVE_VMF_VMID));
	spec.vmid = 101;
	assert_msg(CHECK(TVE_VMF_VMID), "ID 101 is used by db01 on pve1");
	spec.vmid = 102;
	assert_msg(CHECK(TVE_VMF_VMID), "ID 102 is used by mail on pve2");
	spec.vmid = 42;
	assert_msg(CHECK(TVE_VMF_VMID), "between 100");
	spec.vmid = 103;

	assert_ok(CHECK(TVE_VMF_NAME));
	set(&spec.name, "web_02");
	assert_msg(CHECK(TVE_VMF_NAME), "contains '_'");
	set(&spec.name, "web01");
	assert_msg(CHECK(TVE_VMF_NAME), "VM 100 on pve1 is already named web01");
	set(&spec.name, "noid");
	assert_msg(CHECK(TVE_VMF_NAME), "a guest named noid already exists on pve1");
	set(&spec.name, "mail");	/* names need only be unique per node */
	assert_ok(CHECK(TVE_VMF_NAME));
	set(&spec.name, NULL);		/* becomes vm103 */
	assert_ok(CHECK(TVE_VMF_NAME));

	assert_ok(CHECK(TVE_VMF_STARTUP));
	spec.startup_order = 3;
	spec.startup_up = 30;
	spec.startup_down = 0;
	assert_ok(CHECK(TVE_VMF_STARTUP));
	spec.startup_order = -2;
	assert_msg(CHECK(TVE_VMF_STARTUP), "order must be");
	spec.startup_order = 1;
	spec.startup_up = 86401;
	assert_msg(CHECK(TVE_VMF_STARTUP), "startup delay");
	spec.startup_up = -1;
	spec.startup_down = -5;
	assert_msg(CHECK(TVE_VMF_STARTUP), "shutdown timeout");
	spec.startup_down = -1;

	set(&spec.tags, "web;prod");
	assert_ok(CHECK(TVE_VMF_TAGS));
	set(&spec.tags, "web;-prod");
	assert_msg(CHECK(TVE_VMF_TAGS), "'-prod'");
}

static void test_rule_os(void **state)
{
	(void)state;
	assert_ok(CHECK(TVE_VMF_ISO));
	set(&spec.iso, NULL);
	assert_msg(CHECK(TVE_VMF_ISO), "choose the ISO image");
	set(&spec.iso, "debian.iso");
	assert_msg(CHECK(TVE_VMF_ISO), "not a storage/volume");
	set(&spec.iso, "nfs/debian.iso");
	assert_msg(CHECK(TVE_VMF_ISO), "storage nfs does not exist on pve1");
	set(&spec.iso, "off/old.iso");
	assert_msg(CHECK(TVE_VMF_ISO), "storage off on pve1 is not active");
	set(&spec.iso, "local/ubuntu.iso");
	assert_msg(CHECK(TVE_VMF_ISO), "ubuntu.iso is not on storage local of pve1");
	spec.media = TVE_MEDIA_NONE;	/* no ISO needed */
	assert_ok(CHECK(TVE_VMF_ISO));

	spec.media = TVE_MEDIA_DRIVE;
	assert_msg(CHECK(TVE_VMF_DRIVE), "choose the CD/DVD drive");
	set(&spec.drive, "/dev/sr0");
	assert_ok(CHECK(TVE_VMF_DRIVE));
	set(&spec.drive, "/dev/sr1");
	assert_msg(CHECK(TVE_VMF_DRIVE), "/dev/sr1 is not a CD/DVD drive of pve1 (it has /dev/sr0)");
	set(&spec.drive, "sr0");
	assert_msg(CHECK(TVE_VMF_DRIVE), "not a device path");

	assert_ok(CHECK(TVE_VMF_VIRTIO_ISO));
	spec.virtio_iso_add = true;
	assert_msg(CHECK(TVE_VMF_VIRTIO_ISO), "choose the VirtIO drivers ISO");
	set(&spec.virtio_iso, "local/virtio-win.iso");
	assert_ok(CHECK(TVE_VMF_VIRTIO_ISO));
}

static void test_rule_system(void **state)
{
	struct tve_create_ctx c2 = ctx_on(pve2);

	(void)state;
	assert_ok(CHECK(TVE_VMF_MACHINE));
	set(&spec.machine, "pc-q35-7.2");
	assert_ok(CHECK(TVE_VMF_MACHINE));
	set(&spec.machine, "pc-q35-9.9");
	assert_msg(CHECK(TVE_VMF_MACHINE), "machine type pc-q35-9.9 is not offered by pve1");
	set(&spec.machine, "");
	assert_msg(CHECK(TVE_VMF_MACHINE), "choose a machine type");
	set(&spec.machine, "q35");	/* pve2 lists no machines: the aliases do */
	assert_ok(tve_vm_check(&spec, &c2, TVE_VMF_MACHINE, 0));
	set(&spec.machine, "pc-q35-7.2");
	assert_msg(tve_vm_check(&spec, &c2, TVE_VMF_MACHINE, 0), "not offered by pve2");

	set(&spec.machine, "q35");
	spec.bios = TVE_BIOS_OVMF;
	spec.efi_keys = true;
	assert_ok(CHECK(TVE_VMF_BIOS));
	assert_msg(tve_vm_check(&spec, &c2, TVE_VMF_BIOS, 0), "OVMF (UEFI) firmware is not installed on pve2");
	set(&spec.machine, "pc");
	assert_msg(CHECK(TVE_VMF_BIOS), "Secure Boot) need the q35");
	set(&spec.machine, "q35");

	assert_ok(CHECK(TVE_VMF_EFI_POOL));	/* libvirt's place */
	set(&spec.efi_pool, "local");
	assert_ok(CHECK(TVE_VMF_EFI_POOL));
	set(&spec.efi_pool, "lvm");
	assert_msg(CHECK(TVE_VMF_EFI_POOL), "storage lvm (logical) is not a directory");
	set(&spec.efi_pool, "nope");
	assert_msg(CHECK(TVE_VMF_EFI_POOL), "storage nope does not exist");
	set(&spec.efi_pool, "off");
	assert_msg(CHECK(TVE_VMF_EFI_POOL), "not active");

	spec.tpm = true;
	assert_ok(CHECK(TVE_VMF_TPM));
	assert_msg(tve_vm_check(&spec, &c2, TVE_VMF_TPM, 0), "swtpm");
	set(&spec.tpm_pool, "nope");
	assert_msg(CHECK(TVE_VMF_TPM), "storage nope does not exist");

	spec.graphics = TVE_GFX_SPICE;
	assert_ok(CHECK(TVE_VMF_GRAPHICS));
	assert_msg(tve_vm_check(&spec, &c2, TVE_VMF_GRAPHICS, 0), "no SPICE");
}

static void test_rule_disk_bus(void **state)
{
	struct tve_vm_disk *d;

	(void)state;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_BUS, 0));
	d = tve_vm_spec_add_disk(&spec);
	d->bus = TVE_BUS_IDE;
	d->index = 2;	/* the CD drive */
	assert_msg(CHECK_DISK(TVE_VMF_DISK_BUS, 1), "ide2 is the CD/DVD drive (install media)");
	d->index = 0;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_BUS, 1));
	set(&spec.machine, "q35");
	assert_msg(CHECK_DISK(TVE_VMF_DISK_BUS, 1), "q35 machines have no IDE");
	d->bus = TVE_BUS_SATA;
	d->index = 2;	/* on q35 the CD drive is sata2 */
	assert_msg(CHECK_DISK(TVE_VMF_DISK_BUS, 1), "sata2 is the CD/DVD drive");
	d->index = 6;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_BUS, 1), "a sata disk number must be 0-5");
	d->bus = TVE_BUS_SCSI;
	d->index = 31;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_BUS, 1), "0-30");
	d->index = 0;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_BUS, 1), "scsi0 is used by two disks");
	d->bus = TVE_BUS_VIRTIO;
	d->index = 15;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_BUS, 1));
	d->index = 16;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_BUS, 1), "0-15");
}

static void test_rule_disk_pool_format(void **state)
{
	struct tve_vm_disk *d = &spec.disks[0];

	(void)state;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_POOL, 0));
	assert_ok(CHECK_DISK(TVE_VMF_DISK_FORMAT, 0));
	set(&d->pool, NULL);
	assert_msg(CHECK_DISK(TVE_VMF_DISK_POOL, 0), "scsi0: choose a storage");
	set(&d->pool, "nfs");
	assert_msg(CHECK_DISK(TVE_VMF_DISK_POOL, 0), "storage nfs does not exist on pve1");
	set(&d->pool, "off");
	assert_msg(CHECK_DISK(TVE_VMF_DISK_POOL, 0), "storage off on pve1 is not active");
	set(&d->pool, "lvm");
	assert_ok(CHECK_DISK(TVE_VMF_DISK_POOL, 0));
	assert_msg(CHECK_DISK(TVE_VMF_DISK_FORMAT, 0), "storage lvm (logical) holds raw volumes only, not qcow2");
	d->format = TVE_FMT_RAW;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_FORMAT, 0));
	set(&d->pool, "local");
	d->format = TVE_FMT_VMDK;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_FORMAT, 0));
}

static void test_rule_disk_size(void **state)
{
	struct tve_vm_disk *d;

	(void)state;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_SIZE, 0));
	spec.disks[0].size = 0;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_SIZE, 0), "more than 0");
	spec.disks[0].size = 1000;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_SIZE, 0), "at least 1 MiB");
	spec.disks[0].size = 400 * GiB;		/* exactly what is free */
	assert_ok(CHECK_DISK(TVE_VMF_DISK_SIZE, 0));
	spec.disks[0].size = 500 * GiB;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_SIZE, 0), "scsi0 needs 500 GiB, local has 400 GiB free");
	/* two disks that fit one by one but not together */
	spec.disks[0].size = 250 * GiB;
	d = tve_vm_spec_add_disk(&spec);
	d->size = 200 * GiB;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_SIZE, 0), "2 disks on local need 450 GiB, 400 GiB free");
	assert_msg(CHECK_DISK(TVE_VMF_DISK_SIZE, 1), "2 disks on local need 450 GiB, 400 GiB free");
	set(&d->pool, "lvm");	/* on another pool they fit */
	d->format = TVE_FMT_RAW;
	d->size = 100 * GiB;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_SIZE, 0));
	assert_ok(CHECK_DISK(TVE_VMF_DISK_SIZE, 1));
	d->size = 100 * GiB + 512 * MiB;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_SIZE, 1), "scsi1 needs 100.5 GiB, lvm has 100 GiB free");
	/* sizes that would overflow when summed */
	set(&d->pool, "local");
	spec.disks[0].size = d->size = ~0ULL - 5;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_SIZE, 0), "2 disks on local need");
}

static void test_rule_disk_opts(void **state)
{
	struct tve_vm_disk *d = &spec.disks[0];

	(void)state;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_OPTS, 0));
	d->ssd = true;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_OPTS, 0));
	d->bus = TVE_BUS_VIRTIO;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_OPTS, 0), "SSD emulation is not available on VirtIO Block");
	d->ssd = false;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_OPTS, 0));	/* IO thread on virtio-blk */
	d->aio = TVE_AIO_NATIVE;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_OPTS, 0), "'native' needs cache 'none' or 'directsync'");
	d->cache = TVE_CACHE_WRITEBACK;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_OPTS, 0), "'native' needs cache");
	d->cache = TVE_CACHE_NONE;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_OPTS, 0));
	d->cache = TVE_CACHE_DIRECTSYNC;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_OPTS, 0));
	d->bus = TVE_BUS_SATA;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_OPTS, 0), "sata0: an IO thread needs VirtIO Block or a VirtIO SCSI");
	d->bus = TVE_BUS_SCSI;
	spec.scsihw = TVE_SCSIHW_VIRTIO;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_OPTS, 0));
	spec.scsihw = TVE_SCSIHW_LSI;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_OPTS, 0), "an IO thread needs");
	d->iothread = false;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_OPTS, 0));
	d->readonly = true;
	assert_ok(CHECK_DISK(TVE_VMF_DISK_OPTS, 0));
	d->bus = TVE_BUS_SATA;
	assert_msg(CHECK_DISK(TVE_VMF_DISK_OPTS, 0), "no read-only SATA disks");
}

static void test_rule_cpu(void **state)
{
	struct tve_create_ctx c2 = ctx_on(pve2);

	(void)state;
	assert_ok(CHECK(TVE_VMF_SOCKETS));
	assert_ok(CHECK(TVE_VMF_CORES));
	spec.sockets = 0;
	assert_msg(CHECK(TVE_VMF_SOCKETS), "sockets must be 1-4");
	spec.sockets = 5;
	assert_msg(CHECK(TVE_VMF_SOCKETS), "sockets must be 1-4");
	spec.sockets = 2;
	spec.cores = 0;
	assert_msg(CHECK(TVE_VMF_CORES), "cores must be");
	spec.cores = 4;
	assert_ok(CHECK(TVE_VMF_CORES));	/* 8 = all of pve1's CPUs */
	spec.cores = 5;
	assert_msg(CHECK(TVE_VMF_CORES), "2 sockets x 5 cores = 10 vCPUs, but pve1 has 8 CPUs");
	assert_ok(tve_vm_check(&spec, &c2, TVE_VMF_CORES, 0));	/* CPUs not known */
	spec.cores = 1;

	assert_ok(CHECK(TVE_VMF_CPU_TYPE));
	set(&spec.cpu_type, "host");
	assert_ok(CHECK(TVE_VMF_CPU_TYPE));
	assert_msg(tve_vm_check(&spec, &c2, TVE_VMF_CPU_TYPE, 0), "CPU type host needs KVM");
	set(&spec.cpu_type, "Skylake-Client");
	assert_ok(CHECK(TVE_VMF_CPU_TYPE));
	assert_msg(tve_vm_check(&spec, &c2, TVE_VMF_CPU_TYPE, 0), "CPU type Skylake-Client is not available on pve2");
	set(&spec.cpu_type, "Haswell");
	assert_msg(CHECK(TVE_VMF_CPU_TYPE), "not available on pve1");
	static const char *const family[] = { "kvm64", "qemu64", "x86-64-v2", "x86-64-v3", "x86-64-v4" };
	for (size_t i = 0; i < TVE_ARRAY_SIZE(family); i++) {
		set(&spec.cpu_type, family[i]);
		assert_ok(tve_vm_check(&spec, &c2, TVE_VMF_CPU_TYPE, 0));
	}
	set(&spec.cpu_type, "");
	assert_msg(CHECK(TVE_VMF_CPU_TYPE), "choose a CPU type");

	spec.cpulimit = 2;	/* 2 sockets x 1 core */
	assert_ok(CHECK(TVE_VMF_CPULIMIT));
	spec.cpulimit = 2.5;
	assert_msg(CHECK(TVE_VMF_CPULIMIT), "0 (unlimited) to 2");
	spec.cpulimit = -1;
	assert_msg(CHECK(TVE_VMF_CPULIMIT), "0 (unlimited) to 2");
	spec.cpulimit = 0.001;
	assert_msg(CHECK(TVE_VMF_CPULIMIT), "at least 0.01");
	spec.cpulimit = 0;
	assert_ok(CHECK(TVE_VMF_CPULIMIT));

	assert_ok(CHECK(TVE_VMF_CPUUNITS));
	spec.cpuunits = 262144;
	assert_ok(CHECK(TVE_VMF_CPUUNITS));
	spec.cpuunits = 262145;
	assert_msg(CHECK(TVE_VMF_CPUUNITS), "1-262144");
}

static void test_rule_memory(void **state)
{
	(void)state;
	assert_ok(CHECK(TVE_VMF_MEMORY));
	spec.memory_mib = 8;
	assert_msg(CHECK(TVE_VMF_MEMORY), "at least 16 MiB");
	spec.memory_mib = 16384;	/* all of pve1 */
	assert_ok(CHECK(TVE_VMF_MEMORY));
	spec.memory_mib = 32768;
	assert_msg(CHECK(TVE_VMF_MEMORY), "32 GiB is more than the 16 GiB pve1 has");
	spec.memory_mib = 2048;

	assert_ok(CHECK(TVE_VMF_MIN_MEMORY));
	spec.min_memory_mib = 1024;
	assert_ok(CHECK(TVE_VMF_MIN_MEMORY));
	spec.min_memory_mib = 4096;
	assert_msg(CHECK(TVE_VMF_MIN_MEMORY), "minimum memory (4096 MiB) must not be more than memory (2048 MiB)");
	spec.min_memory_mib = 1024;
	spec.balloon = false;
	assert_msg(CHECK(TVE_VMF_MIN_MEMORY), "needs the ballooning device");
	spec.balloon = true;
	spec.min_memory_mib = 8;
	assert_msg(CHECK(TVE_VMF_MIN_MEMORY), "at least 16 MiB");
}

static void test_rule_network(void **state)
{
	(void)state;
	assert_ok(CHECK(TVE_VMF_NET_SOURCE));
	set(&spec.net_source, "vmbr9");
	assert_msg(CHECK(TVE_VMF_NET_SOURCE), "bridge vmbr9 does not exist on pve1");
	set(&spec.net_source, "");
	assert_msg(CHECK(TVE_VMF_NET_SOURCE), "choose a bridge");
	spec.net = TVE_NET_NETWORK;
	set(&spec.net_source, "default");
	assert_ok(CHECK(TVE_VMF_NET_SOURCE));
	set(&spec.net_source, "isolated");
	assert_msg(CHECK(TVE_VMF_NET_SOURCE), "network isolated on pve1 is not active");
	set(&spec.net_source, "nope");
	assert_msg(CHECK(TVE_VMF_NET_SOURCE), "network nope does not exist on pve1");

	static const int good[] = { 0, 1, 100, 4094 };
	for (size_t i = 0; i < TVE_ARRAY_SIZE(good); i++) {
		spec.vlan = good[i];
		assert_ok(CHECK(TVE_VMF_VLAN));
	}
	spec.vlan = 4095;
	assert_msg(CHECK(TVE_VMF_VLAN), "VLAN tag must be 1-4094");
	spec.vlan = -1;
	assert_msg(CHECK(TVE_VMF_VLAN), "VLAN tag must be 1-4094");
	spec.vlan = 0;

	assert_ok(CHECK(TVE_VMF_MAC));	/* auto */
	set(&spec.mac, "52:54:00:12:34:56");
	assert_ok(CHECK(TVE_VMF_MAC));
	set(&spec.mac, "52:54:00:12:34");
	assert_msg(CHECK(TVE_VMF_MAC), "not a MAC address");
	set(&spec.mac, "01:54:00:12:34:56");
	assert_msg(CHECK(TVE_VMF_MAC), "multicast");
	set(&spec.mac, "00:00:00:00:00:00");
	assert_msg(CHECK(TVE_VMF_MAC), "not a usable");

	spec.queues = 64;
	assert_ok(CHECK(TVE_VMF_QUEUES));
	spec.queues = 65;
	assert_msg(CHECK(TVE_VMF_QUEUES), "0-64");
	spec.queues = 4;
	spec.nic_model = TVE_NIC_E1000;
	assert_msg(CHECK(TVE_VMF_QUEUES), "needs the VirtIO model");

	spec.rate_mbps = 12.5;
	assert_ok(CHECK(TVE_VMF_RATE));
	spec.rate_mbps = -1;
	assert_msg(CHECK(TVE_VMF_RATE), "rate limit");

	/* without a NIC nothing of it matters */
	spec.net = TVE_NET_NONE;
	for (int f = TVE_VMF_NET_SOURCE; f <= TVE_VMF_RATE; f++)
		assert_ok(CHECK(f));
}

static void test_pages(void **state)
{
	char *err = NULL;

	(void)state;
	assert_int_equal(tve_vm_field_page(TVE_VMF_NODE), 0);
	assert_int_equal(tve_vm_field_page(TVE_VMF_TAGS), 0);
	assert_int_equal(tve_vm_field_page(TVE_VMF_ISO), 1);
	assert_int_equal(tve_vm_field_page(TVE_VMF_GRAPHICS), 2);
	assert_int_equal(tve_vm_field_page(TVE_VMF_DISK_OPTS), 3);
	assert_int_equal(tve_vm_field_page(TVE_VMF_CPUUNITS), 4);
	assert_int_equal(tve_vm_field_page(TVE_VMF_MIN_MEMORY), 5);
	assert_int_equal(tve_vm_field_page(TVE_VMF_RATE), 6);
	assert_int_equal(tve_vm_field_page(TVE_VMF__COUNT), -1);
	for (int f = 0; f < TVE_VMF__COUNT; f++) {
		int p = tve_vm_field_page(f);
		assert_true(p >= 0 && p <= 6);
	}
	for (int p = -1; p <= 6; p++)
		assert_int_equal(tve_vm_check_page(&spec, &ctx1, p, &err), 0);
	spec.memory_mib = 1;
	spec.disks[0].size = 0;
	assert_int_equal(tve_vm_check_page(&spec, &ctx1, 0, &err), 0);
	assert_int_equal(tve_vm_check_page(&spec, &ctx1, 5, &err), -1);
	assert_msg(err, "at least 16 MiB");
	err = NULL;
	assert_int_equal(tve_vm_check_page(&spec, &ctx1, -1, &err), -1);
	assert_msg(err, "scsi0: the size must be more than 0");	/* page 3 comes first */
	assert_int_equal(tve_vm_check_page(&spec, &ctx1, 3, NULL), -1);
}

/* ---- plan and summary ----------------------------------------------------- */

static void test_plan(void **state)
{
	struct tve_vm_disk *d;
	char *err = NULL;

	(void)state;
	d = tve_vm_spec_add_disk(&spec);
	d->format = TVE_FMT_RAW;
	d = tve_vm_spec_add_disk(&spec);
	set(&d->pool, "lvm");
	d->format = TVE_FMT_RAW;
	d = tve_vm_spec_add_disk(&spec);
	set(&d->pool, "lvm");
	assert_int_equal(tve_vm_spec_plan(&spec, &ctx1, &err), 0);
	/* vm-103-disk-0 is taken on both pools */
	assert_string_equal(spec.disks[0].volume, "vm-103-disk-1.qcow2");
	assert_string_equal(spec.disks[1].volume, "vm-103-disk-2.raw");
	assert_string_equal(spec.disks[2].volume, "vm-103-disk-1");
	assert_string_equal(spec.disks[3].volume, "vm-103-disk-2");
	/* planning again gives the same names */
	assert_int_equal(tve_vm_spec_plan(&spec, &ctx1, &err), 0);
	assert_string_equal(spec.disks[3].volume, "vm-103-disk-2");
	spec.vmid = 200;
	assert_int_equal(tve_vm_spec_plan(&spec, &ctx1, &err), 0);
	assert_string_equal(spec.disks[0].volume, "vm-200-disk-0.qcow2");
	assert_string_equal(spec.disks[2].volume, "vm-200-disk-0");
	set(&spec.disks[3].pool, "nfs");
	assert_int_equal(tve_vm_spec_plan(&spec, &ctx1, &err), -1);
	assert_msg(err, "storage nfs does not exist on pve1");
}

static bool has_line(char **v, const char *line)
{
	for (; v && *v; v++)
		if (strcmp(*v, line) == 0)
			return true;
	return false;
}

static void test_summary(void **state)
{
	char **v;

	(void)state;
	set(&spec.mac, "52:54:00:12:34:56");
	spec.vlan = 5;
	spec.balloon = false;
	spec.disks[0].size = 1536ULL * MiB;
	spec.start_after = true;
	set(&spec.tags, "a;b");
	v = tve_vm_summary(&spec);
	assert_true(has_line(v, "net0: virtio=52:54:00:12:34:56,bridge=vmbr0,firewall=1,tag=5"));
	assert_true(has_line(v, "balloon: 0"));
	assert_true(has_line(v, "scsi0: local:1536M,format=qcow2,iothread=on"));
	assert_true(has_line(v, "ide2: local:iso/debian.iso,media=cdrom"));
	assert_true(has_line(v, "start: 1"));
	assert_true(has_line(v, "tags: a;b"));
	assert_true(has_line(v, "name: web02"));
	assert_false(has_line(v, "bios: ovmf"));
	for (size_t i = 1; v[i]; i++)	/* sorted by key */
		assert_true(strncmp(v[i - 1], v[i], strcspn(v[i], ":")) <= 0);
	tve_strv_free(v);
}

#define RULE_TEST(t) cmocka_unit_test_setup_teardown(t, spec_setup, spec_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_pool_formats),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_parse_double),
		cmocka_unit_test(test_dns_name),
		cmocka_unit_test(test_vmid_free),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_ip),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_ostype),
		cmocka_unit_test(test_disks_edit),
		RULE_TEST(test_rule_node),
		RULE_TEST(test_rule_general),
		RULE_TEST(test_rule_os),
		RULE_TEST(test_rule_system),
		RULE_TEST(test_rule_disk_bus),
		RULE_TEST(test_rule_disk_pool_format),
		RULE_TEST(test_rule_disk_size),
		RULE_TEST(test_rule_disk_opts),
		RULE_TEST(test_rule_cpu),
		RULE_TEST(test_rule_memory),
		RULE_TEST(test_rule_network),
		RULE_TEST(test_pages),
		RULE_TEST(test_plan),
		RULE_TEST(test_summary),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
