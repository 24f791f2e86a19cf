/* test_spec_xml.c - Create VM specs -> domain XML, volume XML and the
 * confirm page, against golden files in tests/golden (TVE_UPDATE_GOLDEN=1
 * rewrites them; tests/unit/test_golden_valid.sh checks them with
 * virt-xml-validate and libvirt's test driver). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "spec.h"
#include "task.h"
#include "util.h"

#define GiB (1024ULL * 1024 * 1024)

static struct tve_snapshot *pve1, *pve2, *demo;
static const struct tve_snapshot *nodes[3];

static void add_vol(struct tve_pool *p, const char *name)
{
	tve_pool_add_volume(p)->name = tve_xstrdup(name);
}

static struct tve_pool *add_pool(struct tve_snapshot *s, const char *name, const char *type,
				 const char *path, unsigned long long avail)
{
	struct tve_pool *p = tve_snapshot_add_pool(s);

	p->name = tve_xstrdup(name);
	p->type = tve_xstrdup(type);
	p->path = tve_xstrdup(path);
	p->active = true;
	p->capacity = 500 * GiB;
	p->available = avail;
	return p;
}

static void add_guest(struct tve_snapshot *s, const char *name, int vmid)
{
	struct tve_guest *g = tve_snapshot_add_guest(s);

	g->name = tve_xstrdup(name);
	g->vmid = vmid;
}

/* pve1: a KVM node with everything; pve2: guests only; demo: test driver. */
static int setup(void **state)
{
	struct tve_node_caps *c;
	struct tve_pool *p;
	struct tve_network *net;
	static const char *const machines[] = { "pc", "q35", "pc-i440fx-7.2", "pc-q35-7.2" };

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
	c->emulator = tve_xstrdup("/usr/bin/qemu-system-x86_64");
	for (size_t i = 0; i < TVE_ARRAY_SIZE(machines); i++)
		tve_strlist_add(&c->n_machines, &c->machines, machines[i]);
	tve_strlist_add(&c->n_cpu_models, &c->cpu_models, "Skylake-Client");
	c->host_passthrough = c->efi = c->efi_secure = c->tpm = c->spice = c->iothreads = true;
	tve_strlist_add(&c->n_bridges, &c->bridges, "vmbr0");
	tve_strlist_add(&c->n_drives, &c->drives, "/dev/sr0");
	p = add_pool(pve1, "local", "dir", "/var/lib/vz", 400 * GiB);
	add_vol(p, "debian-12.7.0-amd64-netinst.iso");
	add_vol(p, "virtio-win-0.1.262.iso");
	add_vol(p, "vm-103-disk-0.qcow2");
	p = add_pool(pve1, "lvm", "logical", "/dev/vg0", 200 * GiB);
	add_vol(p, "vm-103-disk-0");
	add_vol(p, "vm-103-disk-1");
	net = tve_snapshot_add_network(pve1);
	net->name = tve_xstrdup("default");
	net->active = true;
	add_guest(pve1, "web01", 100);
	add_guest(pve1, "db01", 101);
	tve_snapshot_sort(pve1);

	pve2 = tve_snapshot_new("pve2", "qemu+ssh://pve2/system");
	pve2->state = TVE_NODE_ONLINE;
	add_guest(pve2, "mail", 102);

	demo = tve_snapshot_new("demo", "test:///default");
	demo->state = TVE_NODE_ONLINE;
	demo->has_caps = true;
	demo->caps.arch = tve_xstrdup("x86_64");
	demo->caps.domain_type = tve_xstrdup("test");
	p = add_pool(demo, "default-pool", "dir", "/default-pool", 100 * GiB);
	add_vol(p, "debian.iso");
	tve_strlist_add(&demo->caps.n_bridges, &demo->caps.bridges, "br0");

	nodes[0] = pve1;
	nodes[1] = pve2;
	nodes[2] = demo;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tve_snapshot_unref(pve1);
	tve_snapshot_unref(pve2);
	tve_snapshot_unref(demo);
	return 0;
}

static struct tve_create_ctx ctx_on(const struct tve_snapshot *n)
{
	return (struct tve_create_ctx){ .nodes = nodes, .n_nodes = 3, .node = n };
}

/* ---- goldens -------------------------------------------------------------- */

static char *join(char **lines)
{
	char *out = tve_xstrdup("");

	for (char **l = lines; l && *l; l++) {
		char *n = tve_xasprintf("%s%s\n", out, *l);
		free(out);
		out = n;
	}
	tve_strv_free(lines);
	return out;
}

/* Checks the spec, plans its volumes and compares the domain XML, the
 * summary and the volume XMLs with the goldens base.xml/.summary/.volumes. */
static void check_goldens(struct tve_vm_spec *s, const struct tve_create_ctx *ctx, const char *base)
{
	char *err = NULL, *xml, *sum, *vols = tve_xstrdup(""), *name;

	if (tve_vm_check_page(s, ctx, -1, &err) < 0)
		fail_msg("%s: spec invalid: %s", base, err);
	assert_int_equal(tve_vm_spec_plan(s, ctx, &err), 0);
	xml = tve_vm_domain_xml(s, ctx, &err);
	if (!xml)
		fail_msg("%s: %s", base, err);
	name = tve_xasprintf("%s.xml", base);
	golden_check(name, xml);
	free(name);
	sum = join(tve_vm_summary(s));
	name = tve_xasprintf("%s.summary", base);
	golden_check(name, sum);
	free(name);
	for (size_t i = 0; i < s->n_disks; i++) {
		const struct tve_pool *p = tve_snapshot_find_pool(ctx->node, s->disks[i].pool);
		char *v = tve_vm_volume_xml(s, i, p->type), *n = tve_xasprintf("%s%s", vols, v);
		free(v);
		free(vols);
		vols = n;
	}
	name = tve_xasprintf("%s.volumes", base);
	golden_check(name, vols);
	free(name);
	free(vols);
	free(sum);
	free(xml);
}

static void set(char **p, const char *v)
{
	free(*p);
	*p = v ? tve_xstrdup(v) : NULL;
}

/* ---- the VMs -------------------------------------------------------------- */

/* The wizard's defaults with a name: Linux, ISO, scsi0 32 GiB qcow2, vmbr0. */
static void test_linux_default(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	set(&s.name, "web02");
	check_goldens(&s, &ctx, "vm-linux-default");
	/* vm-103-disk-0.qcow2 exists on local: the plan took disk-1 */
	assert_string_equal(s.disks[0].volume, "vm-103-disk-1.qcow2");
	tve_vm_spec_clear(&s);
}

/* Windows 11: q35, OVMF with keys and EFI vars on local, TPM, VirtIO
 * drivers ISO, SCSI disk, VirtIO NIC, Hyper-V enlightenments. */
static void test_win11(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	set(&s.name, "win11");
	s.ostype = TVE_OS_WIN11;
	tve_vm_spec_apply_ostype(&s, &ctx);
	assert_string_equal(s.machine, "q35");
	assert_int_equal(s.bios, TVE_BIOS_OVMF);
	assert_true(s.efi_keys);
	assert_true(s.tpm);
	assert_true(s.virtio_iso_add);
	assert_string_equal(s.virtio_iso, "local/virtio-win-0.1.262.iso");
	assert_int_equal(s.disks[0].bus, TVE_BUS_SCSI);
	set(&s.efi_pool, "local");
	set(&s.tpm_pool, "local");
	set(&s.cpu_type, "host");
	s.cores = 4;
	s.memory_mib = 8192;
	s.disks[0].size = 64 * GiB;
	s.disks[0].discard = s.disks[0].ssd = true;
	s.agent = true;
	check_goldens(&s, &ctx, "vm-win11");
	tve_vm_spec_clear(&s);
}

/* SCSI (VirtIO SCSI, one controller), VirtIO Block and SATA disks with
 * every option, qcow2 + raw + vmdk, one raw disk on LVM. */
static void test_disks(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;
	struct tve_vm_disk *d;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	set(&s.name, "disks");
	s.scsihw = TVE_SCSIHW_VIRTIO;
	s.media = TVE_MEDIA_DRIVE;
	set(&s.drive, "/dev/sr0");
	d = &s.disks[0];
	d->cache = TVE_CACHE_NONE;
	d->aio = TVE_AIO_NATIVE;
	d->discard = d->ssd = true;
	d->backup = false;
	d = tve_vm_spec_add_disk(&s);	/* scsi1 */
	assert_int_equal(d->bus, TVE_BUS_SCSI);
	assert_int_equal(d->index, 1);
	d->format = TVE_FMT_RAW;
	d->readonly = true;
	d->iothread = false;
	d->cache = TVE_CACHE_WRITEBACK;
	d->size = 512ULL * 1024 * 1024;
	d = tve_vm_spec_add_disk(&s);
	d->bus = TVE_BUS_VIRTIO;
	d->index = 0;
	d->format = TVE_FMT_VMDK;
	d->aio = TVE_AIO_IO_URING;
	d->cache = TVE_CACHE_DIRECTSYNC;
	d->iothread = true;
	d = tve_vm_spec_add_disk(&s);
	d->bus = TVE_BUS_SATA;
	d->index = 0;
	d->iothread = false;
	d->ssd = true;
	d->cache = TVE_CACHE_WRITETHROUGH;
	d->aio = TVE_AIO_THREADS;
	d = tve_vm_spec_add_disk(&s);
	d->bus = TVE_BUS_VIRTIO;
	d->index = 1;
	set(&d->pool, "lvm");
	d->format = TVE_FMT_RAW;
	d->cache = TVE_CACHE_UNSAFE;
	d->size = 10 * GiB;
	check_goldens(&s, &ctx, "vm-disks");
	assert_string_equal(s.disks[4].volume, "vm-103-disk-2");
	tve_vm_spec_clear(&s);
}

/* LSI controller with 9 disks: two controllers, 7 units on the first. */
static void test_lsi(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	set(&s.name, "lsi");
	s.media = TVE_MEDIA_NONE;
	s.scsihw = TVE_SCSIHW_LSI;
	s.disks[0].iothread = false;
	s.disks[0].size = 4 * GiB;
	for (int i = 1; i < 9; i++)
		assert_int_equal(tve_vm_spec_add_disk(&s)->index, i);
	check_goldens(&s, &ctx, "vm-lsi");
	tve_vm_spec_clear(&s);
}

/* A libvirt network, VLAN, MAC, multiqueue, rate limit, no firewall. */
static void test_net(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	set(&s.name, "net");
	s.net = TVE_NET_NETWORK;
	set(&s.net_source, "default");
	s.vlan = 42;
	set(&s.mac, "52-54-00-AB-CD-EF");
	s.queues = 4;
	s.rate_mbps = 12.5;
	s.firewall = false;
	set(&s.tags, "web, prod;eu-west");
	s.onboot = true;
	s.startup_order = 2;
	s.startup_up = 30;
	s.startup_down = 60;
	s.start_after = true;
	check_goldens(&s, &ctx, "vm-net");
	tve_vm_spec_clear(&s);
}

/* Serial terminal 0, no media, agent, no balloon, no network. */
static void test_serial(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	set(&s.name, "serial");
	s.media = TVE_MEDIA_NONE;
	s.graphics = TVE_GFX_SERIAL;
	s.agent = true;
	s.balloon = false;
	s.net = TVE_NET_NONE;
	s.memory_mib = 512;
	check_goldens(&s, &ctx, "vm-serial");
	tve_vm_spec_clear(&s);
}

/* CPU limit and units, NUMA over two sockets, a named model, SPICE,
 * minimum memory, Linux 2.4 (IDE, E1000). */
static void test_cpu(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	set(&s.name, "cpu");
	s.ostype = TVE_OS_L24;
	tve_vm_spec_apply_ostype(&s, &ctx);
	assert_int_equal(s.disks[0].bus, TVE_BUS_IDE);
	assert_int_equal(s.disks[0].index, 0);
	assert_int_equal(s.nic_model, TVE_NIC_E1000);
	s.sockets = 2;
	s.cores = 2;
	s.numa = true;
	s.cpulimit = 1.5;
	s.cpuunits = 2048;
	set(&s.cpu_type, "Skylake-Client");
	s.graphics = TVE_GFX_SPICE;
	s.memory_mib = 4096;
	s.min_memory_mib = 1024;
	check_goldens(&s, &ctx, "vm-cpu");
	tve_vm_spec_clear(&s);
}

/* x86-64-v3 and a q35 Linux VM on plain OVMF (no keys), VirtIO GPU. */
static void test_q35_v3(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	set(&s.name, "q35");
	set(&s.machine, "pc-q35-7.2");
	s.bios = TVE_BIOS_OVMF;
	set(&s.cpu_type, "x86-64-v3");
	s.graphics = TVE_GFX_VIRTIO;
	s.disks[0].bus = TVE_BUS_VIRTIO;
	check_goldens(&s, &ctx, "vm-q35");
	tve_vm_spec_clear(&s);
}

/* libvirt's test driver: what it accepts. */
static void test_test_driver(void **state)
{
	struct tve_create_ctx ctx = ctx_on(demo);
	struct tve_vm_spec s;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	assert_int_equal(s.vmid, 103);
	assert_string_equal(s.iso, "default-pool/debian.iso");
	assert_string_equal(s.net_source, "br0");
	set(&s.name, "demo-vm");
	set(&s.tags, "demo");
	check_goldens(&s, &ctx, "vm-test");
	tve_vm_spec_clear(&s);
}

/* ---- what the XML must and must not say ------------------------------------ */

static void test_escaping(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;
	char *err = NULL, *xml;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	set(&s.net_source, "br'<&>\"");
	set(&s.tags, "a&b");	/* invalid, but the XML must still be well formed */
	assert_int_equal(tve_vm_spec_plan(&s, &ctx, &err), 0);
	xml = tve_vm_domain_xml(&s, &ctx, &err);
	assert_non_null(xml);
	assert_non_null(strstr(xml, "<source bridge='br&apos;&lt;&amp;&gt;&quot;'/>"));
	assert_non_null(strstr(xml, "<tve:tags>a&amp;b</tve:tags>"));
	assert_non_null(strstr(xml, "<name>vm103</name>"));	/* no name: vmID */
	free(xml);
	tve_vm_spec_clear(&s);
}

static void test_xml_errors(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_create_ctx none = ctx_on(pve2);	/* no caps */
	struct tve_vm_spec s;
	char *err = NULL;

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	/* not planned: no volume names */
	assert_null(tve_vm_domain_xml(&s, &ctx, &err));
	assert_non_null(strstr(err, "plan"));
	assert_null(tve_vm_volume_xml(&s, 0, "dir"));
	assert_int_equal(tve_vm_spec_plan(&s, &ctx, &err), 0);
	assert_null(tve_vm_domain_xml(&s, &none, &err));
	assert_non_null(strstr(err, "capabilities"));
	set(&s.iso, "noslash");
	assert_null(tve_vm_domain_xml(&s, &ctx, &err));
	assert_non_null(strstr(err, "noslash"));
	free(err);
	tve_vm_spec_clear(&s);
}

/* Target names never clash, whatever mix of SCSI and SATA. */
static void test_dev_names(void **state)
{
	struct tve_create_ctx ctx = ctx_on(pve1);
	struct tve_vm_spec s;
	char *err = NULL, *xml;
	const char *want[] = { "dev='sda' bus='scsi'", "dev='sdb' bus='scsi'", "dev='sdc' bus='sata'",
			       "dev='sdd' bus='sata'", "dev='hdc' bus='ide'" };

	(void)state;
	tve_vm_spec_defaults(&s, &ctx);
	tve_vm_spec_add_disk(&s)->index = 7;	/* scsi7 */
	tve_vm_spec_add_disk(&s)->bus = TVE_BUS_SATA;
	s.disks[2].index = 3;
	tve_vm_spec_add_disk(&s)->bus = TVE_BUS_SATA;
	s.disks[3].index = 0;
	assert_int_equal(tve_vm_spec_plan(&s, &ctx, &err), 0);
	xml = tve_vm_domain_xml(&s, &ctx, &err);
	assert_non_null(xml);
	for (size_t i = 0; i < TVE_ARRAY_SIZE(want); i++)
		assert_non_null(strstr(xml, want[i]));
	/* sata0 (sdc) comes before sata3 (sdd) */
	assert_true(strstr(xml, "unit='3'/>") != NULL);
	free(xml);
	tve_vm_spec_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_default),
		cmocka_unit_test(test_win11),
		cmocka_unit_test(test_disks),
		cmocka_unit_test(test_lsi),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_serial),
		cmocka_unit_test(test_cpu),
		cmocka_unit_test(test_q35_v3),
		cmocka_unit_test(test_test_driver),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_xml_errors),
		cmocka_unit_test(test_dev_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
