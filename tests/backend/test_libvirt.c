/* test_libvirt.c - the libvirt driver against libvirt's test driver.
 *
 * Every test opens its own handle on tests/fixtures/lv-node.xml (each
 * test:/// connection has its own state), calls the driver directly with
 * node = NULL and checks what the next refresh reports.  Changes "behind
 * the driver's back" go through the driver's own connection
 * (tve_libvirt_conn), the only way to reach a test:/// file's state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>

#include "driver.h"
#include "drv_libvirt.h"
#include "model.h"
#include "task.h"
#include "util.h"

#define FIXTURE "test://" TVE_SRCDIR "/tests/fixtures/lv-node.xml"
#define U_WEB01 "6b1e0a52-7a11-4c3e-9f00-000000000100"
#define U_DB01 "6b1e0a52-7a11-4c3e-9f00-000000000101"
#define U_DNS1 "6b1e0a52-7a11-4c3e-9f00-000000000102"
#define U_BACKUP "6b1e0a52-7a11-4c3e-9f00-000000000103"
#define U_LEGACY "6b1e0a52-7a11-4c3e-9f00-0000000000ff"

static const struct tve_driver_ops *drv = &tve_driver_libvirt;

static void *open_fixture(void)
{
	char *err = NULL;
	void *h = drv->open(NULL, FIXTURE, &err);

	if (!h)
		fail_msg("open %s: %s", FIXTURE, err);
	return h;
}

static struct tve_snapshot *refresh(void *h, unsigned what)
{
	struct tve_snapshot *s = tve_snapshot_new("pve-test", FIXTURE);
	char *err = NULL;

	if (drv->refresh(h, s, what, &err) < 0)
		fail_msg("refresh: %s", err);
	tve_snapshot_sort(s);
	return s;
}

static const struct tve_guest *by_name(const struct tve_snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n_guests; i++)
		if (strcmp(s->guests[i].name, name) == 0)
			return &s->guests[i];
	fail_msg("no guest %s", name);
	return NULL;
}

static enum tve_guest_state state_of(void *h, const char *uuid)
{
	struct tve_snapshot *s = refresh(h, TVE_REFRESH_GUESTS);
	const struct tve_guest *g = tve_snapshot_find_guest(s, uuid);
	enum tve_guest_state st;

	assert_non_null(g);
	st = g->state;
	tve_snapshot_unref(s);
	return st;
}

/* ---- open / close ---- */

static void test_open_error(void **state)
{
	char *err = NULL;

	(void)state;
	assert_null(drv->open(NULL, "test:///nonexistent/tve-no-such-file.xml", &err));
	assert_non_null(err);
	assert_true(strlen(err) > 5);
	free(err);
	drv->close(NULL);
	assert_int_equal(drv->calls(NULL), 0);
}

static void test_open_close_repeatedly(void **state)
{
	(void)state;
	for (int i = 0; i < 20; i++) {
		void *h = open_fixture();
		struct tve_snapshot *s = refresh(h, TVE_REFRESH_ALL);

		assert_int_equal(s->n_guests, 5);
		tve_snapshot_unref(s);
		drv->close(h);
	}
}

/* ---- listing ---- */

static void test_guest_listing(void **state)
{
	void *h = open_fixture();
	struct tve_snapshot *s = refresh(h, TVE_REFRESH_GUESTS);
	const struct tve_guest *g;

	(void)state;
	assert_int_equal(s->n_guests, 5);
	/* sorted: IDs first, then by name */
	assert_int_equal(s->guests[0].vmid, 100);
	assert_int_equal(s->guests[3].vmid, 103);
	assert_string_equal(s->guests[4].name, "legacy");
	assert_false(s->has_facts);
	assert_int_equal(s->n_pools, 0);

	g = by_name(s, "web01");
	assert_string_equal(g->uuid, U_WEB01);
	assert_int_equal(g->vmid, 100);
	assert_int_equal(g->type, TVE_GUEST_VM);
	assert_int_equal(g->state, TVE_STATE_RUNNING);
	assert_true(g->persistent);
	assert_false(g->autostart);
	assert_int_equal(g->vcpus, 2);
	assert_int_equal(g->mem_max_kib, 2 * 1024 * 1024);
	assert_int_equal(g->mem_kib, 1536 * 1024);	/* currentMemory: no balloon stats */
	assert_string_equal(g->tags, "prod;web");
	assert_string_equal(g->notes, "Public web server & proxy");
	assert_string_equal(g->os_type, "hvm");
	assert_string_equal(g->arch, "x86_64");
	assert_int_equal(g->uptime_s, -1);	/* running when we connected */
	assert_int_equal(g->n_disks, 2);
	assert_string_equal(g->disks[0].target, "vda");
	assert_string_equal(g->disks[0].device, "disk");
	assert_string_equal(g->disks[0].bus, "virtio");
	assert_string_equal(g->disks[0].source, "local-lvm/vm-100-disk-0");
	assert_string_equal(g->disks[0].format, "qcow2");
	assert_string_equal(g->disks[1].target, "sda");
	assert_string_equal(g->disks[1].device, "cdrom");
	assert_string_equal(g->disks[1].source, "/var/lib/vz/template/iso/debian-12.iso");
	assert_int_equal(g->n_nics, 1);
	assert_string_equal(g->nics[0].mac, "52:54:00:12:01:00");
	assert_string_equal(g->nics[0].model, "virtio");
	assert_string_equal(g->nics[0].type, "bridge");
	assert_string_equal(g->nics[0].source, "vmbr0");

	g = by_name(s, "db01");
	assert_int_equal(g->vmid, 101);
	assert_int_equal(g->state, TVE_STATE_STOPPED);
	assert_int_equal(g->vcpus, 2);	/* current, not the maximum of 4 */
	assert_int_equal(g->mem_max_kib, 4 * 1024 * 1024);
	assert_int_equal(g->mem_kib, 0);	/* stopped */
	assert_true(g->cpu_pct == 0);
	assert_int_equal(g->uptime_s, -1);
	assert_null(g->tags);
	assert_null(g->notes);
	assert_int_equal(g->n_disks, 1);
	assert_string_equal(g->disks[0].source, "/var/lib/libvirt/images/db01.img");
	assert_string_equal(g->disks[0].format, "raw");
	assert_int_equal(g->n_nics, 2);
	assert_string_equal(g->nics[0].type, "network");
	assert_string_equal(g->nics[0].source, "default");
	assert_string_equal(g->nics[0].model, "e1000");
	assert_string_equal(g->nics[1].source, "vmbr1");
	assert_null(g->nics[1].model);

	g = by_name(s, "dns1");
	assert_int_equal(g->vmid, 102);
	assert_int_equal(g->type, TVE_GUEST_CT);	/* os type exe */
	assert_int_equal(g->state, TVE_STATE_RUNNING);
	assert_string_equal(g->os_type, "exe");
	assert_string_equal(g->tags, "infra");
	assert_int_equal(g->n_disks, 0);
	assert_int_equal(g->n_nics, 1);

	g = by_name(s, "backup-ct");
	assert_int_equal(g->vmid, 103);
	assert_int_equal(g->type, TVE_GUEST_CT);	/* tve metadata */
	assert_int_equal(g->state, TVE_STATE_STOPPED);

	g = by_name(s, "legacy");
	assert_int_equal(g->vmid, 0);
	assert_int_equal(g->type, TVE_GUEST_VM);
	assert_int_equal(g->state, TVE_STATE_PAUSED);
	assert_int_equal(g->mem_max_kib, 768 * 1024);
	assert_string_equal(g->disks[0].source, "/dev/vg0/legacy");
	assert_string_equal(g->disks[0].bus, "ide");
	assert_null(g->disks[0].format);

	tve_snapshot_unref(s);
	drv->close(h);
}

static void test_pools(void **state)
{
	void *h = open_fixture();
	struct tve_snapshot *s = refresh(h, TVE_REFRESH_POOLS);
	const struct tve_pool *p;

	(void)state;
	assert_int_equal(s->n_guests, 0);
	assert_int_equal(s->n_pools, 2);
	p = tve_snapshot_find_pool(s, "local");
	assert_non_null(p);
	assert_string_equal(p->type, "dir");
	assert_string_equal(p->path, "/var/lib/vz");
	assert_true(p->active);
	assert_false(p->autostart);
	assert_true(p->capacity > 0);
	assert_int_equal(p->allocation, (628ULL + 3072) * 1024 * 1024);
	assert_int_equal(p->n_volumes, 2);
	for (size_t i = 0; i < p->n_volumes; i++) {
		const struct tve_volume *v = &p->volumes[i];

		if (strcmp(v->name, "debian-12.iso") == 0) {
			assert_string_equal(v->path, "/var/lib/vz/debian-12.iso");
			assert_string_equal(v->format, "iso");
			assert_int_equal(v->capacity, 628ULL * 1024 * 1024);
		} else {
			assert_string_equal(v->name, "vzdump-qemu-100.vma.zst");
			assert_string_equal(v->format, "raw");
		}
	}
	p = tve_snapshot_find_pool(s, "local-lvm");
	assert_non_null(p);
	assert_string_equal(p->type, "logical");
	assert_string_equal(p->path, "/dev/pve");
	assert_int_equal(p->n_volumes, 1);
	assert_string_equal(p->volumes[0].name, "vm-100-disk-0");
	assert_string_equal(p->volumes[0].path, "/dev/pve/vm-100-disk-0");
	assert_int_equal(p->volumes[0].capacity, 32ULL << 30);
	tve_snapshot_unref(s);

	/* Second round: pool and volume XML come from the cache. */
	unsigned long before = drv->calls(h);
	s = refresh(h, TVE_REFRESH_POOLS);
	/* list + 2 x (info, autostart, list volumes) + 3 volume infos */
	assert_int_equal(drv->calls(h) - before, 1 + 2 * 3 + 3);
	assert_int_equal(tve_snapshot_find_pool(s, "local")->n_volumes, 2);
	assert_int_equal(tve_snapshot_find_pool(s, "local")->volumes[0].path[0], '/');
	tve_snapshot_unref(s);
	drv->close(h);
}

static void test_networks(void **state)
{
	void *h = open_fixture();
	struct tve_snapshot *s = refresh(h, TVE_REFRESH_NETWORKS);

	(void)state;
	assert_int_equal(s->n_networks, 2);
	assert_string_equal(s->networks[0].name, "default");
	assert_true(s->networks[0].active);
	assert_string_equal(s->networks[0].bridge, "virbr0");
	assert_string_equal(s->networks[0].forward, "nat");
	assert_string_equal(s->networks[1].name, "isolated");
	assert_string_equal(s->networks[1].bridge, "virbr9");
	assert_null(s->networks[1].forward);
	tve_snapshot_unref(s);
	drv->close(h);
}

static void test_facts(void **state)
{
	void *h = open_fixture();
	struct tve_snapshot *s = refresh(h, TVE_REFRESH_FACTS);
	const struct tve_node_facts *f = &s->facts;
	unsigned long before;

	(void)state;
	assert_true(s->has_facts);
	assert_int_equal(f->cpus, 8);
	assert_int_equal(f->sockets, 1);
	assert_int_equal(f->cores, 4);
	assert_int_equal(f->threads, 2);
	assert_int_equal(f->mhz, 2400);
	assert_int_equal(f->mem_total_kib, 16777216);
	assert_string_equal(f->cpu_model, "Xeon E-2288G");
	assert_string_equal(f->hv_type, "TEST");
	assert_non_null(f->hostname);
	assert_non_null(f->libvirt_version);
	assert_non_null(strchr(f->libvirt_version, '.'));
	/* a test:/// node is not this host: no /proc facts */
	assert_int_equal(f->uptime_s, -1);
	assert_true(f->load[0] < 0);
	tve_snapshot_unref(s);

	/* Static facts are fetched once per connection. */
	before = drv->calls(h);
	s = refresh(h, TVE_REFRESH_FACTS);
	assert_true(drv->calls(h) - before <= 1);
	assert_int_equal(s->facts.cpus, 8);
	tve_snapshot_unref(s);
	drv->close(h);
}

/* ---- lifecycle ---- */

static int run(void *h, const char *uuid, enum tve_guest_action act, char **err)
{
	struct tve_action_opts opts = {.timeout_s = 5, .force = false};

	free(*err);
	*err = NULL;
	return drv->guest_action(h, uuid, act, &opts, NULL, err);
}

static void test_lifecycle(void **state)
{
	void *h = open_fixture();
	char *err = NULL;

	(void)state;
	assert_int_equal(state_of(h, U_DB01), TVE_STATE_STOPPED);
	assert_int_equal(run(h, U_DB01, TVE_ACT_START, &err), 0);
	assert_int_equal(state_of(h, U_DB01), TVE_STATE_RUNNING);
	assert_int_equal(run(h, U_DB01, TVE_ACT_PAUSE, &err), 0);
	assert_int_equal(state_of(h, U_DB01), TVE_STATE_PAUSED);
	assert_int_equal(run(h, U_DB01, TVE_ACT_RESUME, &err), 0);
	assert_int_equal(state_of(h, U_DB01), TVE_STATE_RUNNING);
	assert_int_equal(run(h, U_DB01, TVE_ACT_REBOOT, &err), 0);
	assert_int_equal(state_of(h, U_DB01), TVE_STATE_RUNNING);
	assert_int_equal(run(h, U_DB01, TVE_ACT_RESET, &err), 0);
	assert_int_equal(state_of(h, U_DB01), TVE_STATE_RUNNING);
	assert_int_equal(run(h, U_DB01, TVE_ACT_SHUTDOWN, &err), 0);
	assert_int_equal(state_of(h, U_DB01), TVE_STATE_STOPPED);
	assert_int_equal(run(h, U_WEB01, TVE_ACT_STOP, &err), 0);
	assert_int_equal(state_of(h, U_WEB01), TVE_STATE_STOPPED);
	/* a paused guest can be stopped too */
	assert_int_equal(run(h, U_LEGACY, TVE_ACT_STOP, &err), 0);
	assert_int_equal(state_of(h, U_LEGACY), TVE_STATE_STOPPED);
	assert_null(err);
	drv->close(h);
}

static void test_wrong_states(void **state)
{
	void *h = open_fixture();
	char *err = NULL;

	(void)state;
	assert_int_equal(run(h, U_WEB01, TVE_ACT_START, &err), -1);
	assert_string_equal(err, "VM 100 (web01) is already running");
	assert_int_equal(run(h, U_WEB01, TVE_ACT_RESUME, &err), -1);
	assert_string_equal(err, "VM 100 (web01) is not paused");
	assert_int_equal(run(h, U_DB01, TVE_ACT_SHUTDOWN, &err), -1);
	assert_string_equal(err, "VM 101 (db01) is not running");
	assert_int_equal(run(h, U_DB01, TVE_ACT_STOP, &err), -1);
	assert_string_equal(err, "VM 101 (db01) is not running");
	assert_int_equal(run(h, U_BACKUP, TVE_ACT_PAUSE, &err), -1);
	assert_string_equal(err, "CT 103 (backup-ct) is not running");
	assert_int_equal(run(h, U_LEGACY, TVE_ACT_PAUSE, &err), -1);
	assert_string_equal(err, "VM legacy is already paused");
	/* after a refresh the label comes from the cache: same text */
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS));
	assert_int_equal(run(h, U_DNS1, TVE_ACT_START, &err), -1);
	assert_string_equal(err, "CT 102 (dns1) is already running");
	assert_int_equal(run(h, "00000000-0000-0000-0000-000000000000", TVE_ACT_START, &err), -1);
	assert_non_null(strstr(err, "Domain not found"));
	/* nothing changed */
	assert_int_equal(state_of(h, U_WEB01), TVE_STATE_RUNNING);
	assert_int_equal(state_of(h, U_LEGACY), TVE_STATE_PAUSED);
	free(err);
	drv->close(h);
}

static bool log_has(char **lines, const char *text)
{
	for (size_t i = 0; lines && lines[i]; i++)
		if (strstr(lines[i], text))
			return true;
	return false;
}

static void test_task_log(void **state)
{
	void *h = open_fixture();
	struct tve_taskstore *store = tve_taskstore_new(NULL, 50);
	struct tve_task *t = tve_task_begin(store, "pve-test", "qmstart", "101");
	struct tve_action_opts opts = {.timeout_s = 5};
	char *err = NULL, **lines;

	(void)state;
	assert_int_equal(drv->guest_action(h, U_DB01, TVE_ACT_START, &opts, t, &err), 0);
	tve_task_finish(t, NULL);
	lines = tve_taskstore_log(store, tve_task_id(t));
	assert_true(log_has(lines, "starting VM 101 (db01)"));
	tve_strv_free(lines);

	t = tve_task_begin(store, "pve-test", "qmshutdown", "101");
	assert_int_equal(drv->guest_action(h, U_DB01, TVE_ACT_SHUTDOWN, &opts, t, &err), 0);
	tve_task_finish(t, NULL);
	lines = tve_taskstore_log(store, tve_task_id(t));
	assert_true(log_has(lines, "shutting down VM 101 (db01)"));
	tve_strv_free(lines);

	t = tve_task_begin(store, "pve-test", "qmstop", "101");
	assert_int_equal(drv->guest_action(h, U_DB01, TVE_ACT_STOP, &opts, t, NULL), -1);
	tve_task_finish(t, "failed");
	lines = tve_taskstore_log(store, tve_task_id(t));
	assert_true(log_has(lines, "VM 101 (db01) is not running"));
	tve_strv_free(lines);
	tve_taskstore_free(&store);
	drv->close(h);
}

/* Refreshes run on the worker while actions run on task threads. */
struct hammer {
	void *h;
	atomic_bool stop;
	int rounds;
};

static void *refresher(void *arg)
{
	struct hammer *hm = arg;

	while (!atomic_load(&hm->stop)) {
		struct tve_snapshot *s = tve_snapshot_new("pve-test", FIXTURE);
		char *err = NULL;

		if (hm->h && tve_driver_libvirt.refresh(hm->h, s, TVE_REFRESH_ALL, &err) == 0)
			hm->rounds++;
		free(err);
		tve_snapshot_unref(s);
	}
	return NULL;
}

static void test_concurrent_actions(void **state)
{
	struct hammer hm = {.h = open_fixture()};
	pthread_t th;
	char *err = NULL;

	(void)state;
	atomic_init(&hm.stop, false);
	assert_int_equal(pthread_create(&th, NULL, refresher, &hm), 0);
	for (int i = 0; i < 25; i++) {
		assert_int_equal(run(hm.h, U_DB01, TVE_ACT_START, &err), 0);
		assert_int_equal(drv->set_vmid(hm.h, U_DB01, 101 + i % 2, &err), 0);
		assert_int_equal(run(hm.h, U_DB01, TVE_ACT_STOP, &err), 0);
	}
	atomic_store(&hm.stop, true);
	pthread_join(th, NULL);
	assert_true(hm.rounds > 0);
	assert_int_equal(state_of(hm.h, U_DB01), TVE_STATE_STOPPED);
	drv->close(hm.h);
}

/* ---- IDs ---- */

static void test_set_vmid(void **state)
{
	void *h = open_fixture();
	struct tve_snapshot *s;
	const struct tve_guest *g;
	virConnectPtr c = tve_libvirt_conn(h);
	virDomainPtr dom;
	char *err = NULL, *xml;

	(void)state;
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS));
	/* a guest without metadata gets some */
	assert_int_equal(drv->set_vmid(h, U_LEGACY, 150, &err), 0);
	/* a running guest keeps its tags and notes */
	assert_int_equal(drv->set_vmid(h, U_WEB01, 110, &err), 0);
	/* a stopped CT keeps its type */
	assert_int_equal(drv->set_vmid(h, U_BACKUP, 130, &err), 0);
	s = refresh(h, TVE_REFRESH_GUESTS);
	g = tve_snapshot_find_guest(s, U_LEGACY);
	assert_int_equal(g->vmid, 150);
	g = tve_snapshot_find_guest(s, U_WEB01);
	assert_int_equal(g->vmid, 110);
	assert_string_equal(g->tags, "prod;web");
	assert_string_equal(g->notes, "Public web server & proxy");
	g = tve_snapshot_find_guest(s, U_BACKUP);
	assert_int_equal(g->vmid, 130);
	assert_int_equal(g->type, TVE_GUEST_CT);
	tve_snapshot_unref(s);

	/* running + persistent: the config has it too */
	dom = virDomainLookupByUUIDString(c, U_WEB01);
	xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE);
	assert_non_null(strstr(xml, "110</"));
	assert_non_null(strstr(xml, "Public web server &amp; proxy"));
	free(xml);
	virDomainFree(dom);

	/* what tve's Create VM writes (OS type, disk flags) survives a new ID */
	dom = virDomainLookupByUUIDString(c, U_LEGACY);
	assert_int_equal(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
					      "<guest><vmid>150</vmid><ostype>l26</ostype>"
					      "<disk name='scsi0' dev='sda' backup='0'/></guest>",
					      TVE_METADATA_PREFIX, TVE_METADATA_NS,
					      VIR_DOMAIN_AFFECT_CONFIG), 0);
	assert_int_equal(drv->set_vmid(h, U_LEGACY, 151, &err), 0);
	xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, TVE_METADATA_NS,
				   VIR_DOMAIN_AFFECT_CONFIG);
	assert_non_null(xml);
	assert_non_null(strstr(xml, "151</"));
	assert_null(strstr(xml, "150</"));
	assert_non_null(strstr(xml, "l26</"));
	assert_non_null(strstr(xml, "backup=\"0\""));
	free(xml);
	virDomainFree(dom);

	assert_int_equal(drv->set_vmid(h, U_LEGACY, 0, &err), -1);
	assert_non_null(strstr(err, "invalid"));
	free(err);
	drv->close(h);
}

static const char transient_xml[] =
	"<domain type='test'><name>scratch</name>"
	"<uuid>6b1e0a52-7a11-4c3e-9f00-000000000999</uuid>"
	"<memory unit='MiB'>256</memory><vcpu>1</vcpu>"
	"<os><type arch='x86_64'>hvm</type></os></domain>";

static void test_transient_and_autostart(void **state)
{
	void *h = open_fixture();
	virConnectPtr c = tve_libvirt_conn(h);
	virDomainPtr dom, web;
	struct tve_snapshot *s;
	const struct tve_guest *g;
	char *err = NULL;

	(void)state;
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS));
	dom = virDomainCreateXML(c, transient_xml, 0);
	assert_non_null(dom);
	web = virDomainLookupByUUIDString(c, U_WEB01);
	assert_int_equal(virDomainSetAutostart(web, 1), 0);
	s = refresh(h, TVE_REFRESH_GUESTS);
	assert_int_equal(s->n_guests, 6);
	g = by_name(s, "scratch");
	assert_false(g->persistent);
	assert_int_equal(g->state, TVE_STATE_RUNNING);
	assert_true(g->uptime_s >= 0);	/* appeared after we connected */
	assert_true(tve_snapshot_find_guest(s, U_WEB01)->autostart);
	assert_false(tve_snapshot_find_guest(s, U_DB01)->autostart);
	assert_true(tve_snapshot_find_guest(s, U_DB01)->persistent);
	tve_snapshot_unref(s);

	/* transient: live metadata only */
	assert_int_equal(drv->set_vmid(h, "6b1e0a52-7a11-4c3e-9f00-000000000999", 199, &err), 0);
	s = refresh(h, TVE_REFRESH_GUESTS);
	assert_int_equal(by_name(s, "scratch")->vmid, 199);
	tve_snapshot_unref(s);

	/* destroyed transient domains vanish */
	assert_int_equal(virDomainDestroy(dom), 0);
	s = refresh(h, TVE_REFRESH_GUESTS);
	assert_int_equal(s->n_guests, 5);
	assert_null(tve_snapshot_find_guest(s, "6b1e0a52-7a11-4c3e-9f00-000000000999"));
	tve_snapshot_unref(s);
	virDomainFree(dom);
	virDomainFree(web);
	drv->close(h);
}

static void test_uptime_after_start(void **state)
{
	void *h = open_fixture();
	struct tve_snapshot *s;
	char *err = NULL;

	(void)state;
	s = refresh(h, TVE_REFRESH_GUESTS);
	assert_int_equal(tve_snapshot_find_guest(s, U_DB01)->uptime_s, -1);
	assert_int_equal(tve_snapshot_find_guest(s, U_DNS1)->uptime_s, -1);
	tve_snapshot_unref(s);
	assert_int_equal(run(h, U_DB01, TVE_ACT_START, &err), 0);
	sleep(1);
	s = refresh(h, TVE_REFRESH_GUESTS);
	assert_true(tve_snapshot_find_guest(s, U_DB01)->uptime_s >= 1);
	assert_true(tve_snapshot_find_guest(s, U_DB01)->uptime_s < 30);
	assert_int_equal(tve_snapshot_find_guest(s, U_DNS1)->uptime_s, -1);
	tve_snapshot_unref(s);
	drv->close(h);
}

/* ---- budget and cache ---- */

static void test_call_budget(void **state)
{
	void *h = open_fixture();
	unsigned long c0, c1, c2, c3;

	(void)state;
	c0 = drv->calls(h);
	assert_true(c0 >= 1);
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS));
	c1 = drv->calls(h);
	/* cold: stats + 2 lists + type + one XML per domain */
	assert_true(c1 - c0 <= 3 + 1 + 5);
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS));
	c2 = drv->calls(h);
	assert_true(c2 - c1 <= 3);
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS | TVE_REFRESH_IO));
	c3 = drv->calls(h);
	assert_true(c3 - c2 <= 3);
	drv->close(h);
}

/* Past the XML budget a refresh publishes every domain (from its stats)
 * and fetches the remaining XML in later refreshes, one at least each. */
static void test_xml_budget(void **state)
{
	uint64_t saved = lv_xml_budget_ns;
	void *h = open_fixture();
	size_t total = 0;

	(void)state;
	lv_xml_budget_ns = 0;
	for (size_t round = 1; round <= 5; round++) {
		struct tve_snapshot *s = refresh(h, TVE_REFRESH_GUESTS);
		size_t detailed = 0;

		total = s->n_guests;
		for (size_t i = 0; i < s->n_guests; i++) {
			assert_non_null(s->guests[i].name);
			if (s->guests[i].vcpus > 0)	/* vCPUs come from the XML here */
				detailed++;
		}
		assert_int_equal(total, 5);
		assert_int_equal(detailed, round);
		tve_snapshot_unref(s);
	}
	lv_xml_budget_ns = saved;
	drv->close(h);
}

static const char new_xml[] =
	"<domain type='test'><name>ci-runner</name>"
	"<uuid>6b1e0a52-7a11-4c3e-9f00-000000000104</uuid>"
	"<metadata><tve:guest xmlns:tve='urn:tve:guest:1'><vmid>104</vmid></tve:guest></metadata>"
	"<memory unit='MiB'>2048</memory><vcpu>4</vcpu>"
	"<os><type arch='x86_64'>hvm</type></os></domain>";

/* Refreshes until pred holds (events arrive on the event thread). */
static struct tve_snapshot *refresh_until(void *h, bool (*pred)(const struct tve_snapshot *))
{
	for (int i = 0; i < 100; i++) {
		struct tve_snapshot *s = refresh(h, TVE_REFRESH_GUESTS);

		if (pred(s))
			return s;
		tve_snapshot_unref(s);
		usleep(20000);
	}
	return NULL;
}

static bool web01_is_120(const struct tve_snapshot *s)
{
	const struct tve_guest *g = tve_snapshot_find_guest(s, U_WEB01);

	return g && g->vmid == 120;
}

static bool db01_has_tags(const struct tve_snapshot *s)
{
	const struct tve_guest *g = tve_snapshot_find_guest(s, U_DB01);

	return g && g->tags && strcmp(g->tags, "changed") == 0;
}

static void test_cache_invalidation(void **state)
{
	void *h = open_fixture();
	virConnectPtr c = tve_libvirt_conn(h);
	virDomainPtr dom;
	struct tve_snapshot *s;
	unsigned long before;

	(void)state;
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS));
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS));

	/* a domain defined behind our back: one XML fetch, no more */
	dom = virDomainDefineXML(c, new_xml);
	assert_non_null(dom);
	usleep(100000);	/* let the DEFINED event land first */
	before = drv->calls(h);
	s = refresh(h, TVE_REFRESH_GUESTS);
	assert_int_equal(drv->calls(h) - before, 3 + 1);
	assert_int_equal(s->n_guests, 6);
	assert_int_equal(by_name(s, "ci-runner")->vmid, 104);
	assert_int_equal(by_name(s, "ci-runner")->vcpus, 4);
	tve_snapshot_unref(s);
	before = drv->calls(h);
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS));
	assert_int_equal(drv->calls(h) - before, 3);

	/* undefined behind our back: gone from the cache and the list */
	assert_int_equal(virDomainUndefine(dom), 0);
	virDomainFree(dom);
	s = refresh(h, TVE_REFRESH_GUESTS);
	assert_int_equal(s->n_guests, 5);
	tve_snapshot_unref(s);

	/* metadata changed behind our back: the event invalidates the XML */
	dom = virDomainLookupByUUIDString(c, U_WEB01);
	assert_int_equal(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
					      "<guest><vmid>120</vmid></guest>", "tve",
					      TVE_METADATA_NS,
					      VIR_DOMAIN_AFFECT_LIVE | VIR_DOMAIN_AFFECT_CONFIG), 0);
	virDomainFree(dom);
	s = refresh_until(h, web01_is_120);
	assert_non_null(s);
	tve_snapshot_unref(s);

	/* a stopped domain redefined: DEFINED event */
	dom = virDomainLookupByUUIDString(c, U_DB01);
	assert_int_equal(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
					      "<guest><vmid>101</vmid><tags>changed</tags></guest>",
					      "tve", TVE_METADATA_NS, VIR_DOMAIN_AFFECT_CONFIG), 0);
	virDomainFree(dom);
	s = refresh_until(h, db01_has_tags);
	assert_non_null(s);
	tve_snapshot_unref(s);
	drv->close(h);
}

static void test_events_restart(void **state)
{
	void *h;
	char *err = NULL;

	(void)state;
	/* stop, then open starts the loop again; events still arrive */
	tve_libvirt_events_stop();
	tve_libvirt_events_stop();
	h = open_fixture();
	assert_int_equal(tve_libvirt_events_start(&err), 0);
	tve_snapshot_unref(refresh(h, TVE_REFRESH_GUESTS));
	virDomainPtr dom = virDomainLookupByUUIDString(tve_libvirt_conn(h), U_WEB01);
	assert_int_equal(virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT,
					      "<guest><vmid>120</vmid></guest>", "tve",
					      TVE_METADATA_NS, VIR_DOMAIN_AFFECT_LIVE), 0);
	virDomainFree(dom);
	struct tve_snapshot *s = refresh_until(h, web01_is_120);
	assert_non_null(s);
	tve_snapshot_unref(s);
	drv->close(h);
}

/* ---- the demo datacenter (data/demo) ---- */

static void test_demo_datacenter(void **state)
{
	static const size_t want_guests[] = {8, 6, 4};
	bool seen_vmid[1000] = {false};
	size_t no_id = 0, cts = 0, vms = 0, running = 0, paused = 0, stopped = 0;

	(void)state;
	for (int n = 1; n <= 3; n++) {
		char *uri = tve_xasprintf("test://%s/data/demo/pve%d.xml", TVE_SRCDIR, n);
		char *err = NULL;
		void *h = drv->open(NULL, uri, &err);
		struct tve_snapshot *s;
		const struct tve_guest *victim = NULL;

		if (!h)
			fail_msg("%s: %s", uri, err);
		s = tve_snapshot_new("demo", uri);
		if (drv->refresh(h, s, TVE_REFRESH_ALL, &err) < 0)
			fail_msg("%s: %s", uri, err);
		assert_true(s->has_facts);
		assert_int_equal(s->n_guests, want_guests[n - 1]);
		assert_true(s->n_pools >= 2);
		assert_true(s->n_networks >= 1);
		assert_non_null(tve_snapshot_find_pool(s, "local"));
		assert_non_null(tve_snapshot_find_pool(s, "local-lvm"));
		for (size_t i = 0; i < s->n_pools; i++)
			assert_true(s->pools[i].allocation <= s->pools[i].capacity);
		for (size_t i = 0; i < s->n_guests; i++) {
			const struct tve_guest *g = &s->guests[i];

			if (g->vmid) {
				assert_true(g->vmid >= 100 && g->vmid < 1000);
				assert_false(seen_vmid[g->vmid]);	/* unique datacenter-wide */
				seen_vmid[g->vmid] = true;
			} else {
				no_id++;
			}
			cts += g->type == TVE_GUEST_CT;
			vms += g->type == TVE_GUEST_VM;
			running += g->state == TVE_STATE_RUNNING;
			paused += g->state == TVE_STATE_PAUSED;
			stopped += g->state == TVE_STATE_STOPPED;
			assert_true(g->n_nics >= 1);
			if (g->state == TVE_STATE_STOPPED && !victim)
				victim = g;
		}
		/* the demo's guests take the usual actions */
		assert_non_null(victim);
		char uuid[37];
		snprintf(uuid, sizeof(uuid), "%s", victim->uuid);
		tve_snapshot_unref(s);
		assert_int_equal(run(h, uuid, TVE_ACT_START, &err), 0);
		assert_int_equal(run(h, uuid, TVE_ACT_PAUSE, &err), 0);
		assert_int_equal(state_of(h, uuid), TVE_STATE_PAUSED);
		assert_int_equal(run(h, uuid, TVE_ACT_RESUME, &err), 0);
		assert_int_equal(run(h, uuid, TVE_ACT_SHUTDOWN, &err), 0);
		assert_int_equal(state_of(h, uuid), TVE_STATE_STOPPED);
		assert_int_equal(run(h, uuid, TVE_ACT_START, &err), 0);
		assert_int_equal(run(h, uuid, TVE_ACT_STOP, &err), 0);
		assert_int_equal(drv->set_vmid(h, uuid, 900 + n, &err), 0);
		s = refresh(h, TVE_REFRESH_GUESTS);
		assert_int_equal(tve_snapshot_find_guest(s, uuid)->vmid, 900 + n);
		assert_int_equal(tve_snapshot_find_guest(s, uuid)->state, TVE_STATE_STOPPED);
		tve_snapshot_unref(s);
		free(err);
		drv->close(h);
		free(uri);
	}
	assert_true(no_id >= 1 && no_id <= 2);
	assert_true(cts >= 3 && vms >= 8);
	assert_true(running >= 5 && paused >= 1 && stopped >= 3);
}

/* ---- XML parsing ---- */

static const char lxc_xml[] =
	"<domain type='lxc'><name>ct9</name><uuid>6b1e0a52-7a11-4c3e-9f00-000000000009</uuid>"
	"<metadata><tve:guest xmlns:tve='urn:tve:guest:1'><tve:vmid>109</tve:vmid>"
	"<tve:notes>a &lt;b&gt;</tve:notes></tve:guest>"
	"<other:x xmlns:other='urn:other'><vmid>5</vmid></other:x></metadata>"
	"<memory unit='KiB'>262144</memory><vcpu placement='static'>2</vcpu>"
	"<os><type arch='x86_64'>exe</type><init>/sbin/init</init></os>"
	"<devices><interface type='direct'><mac address='52:54:00:00:00:09'/>"
	"<source dev='eth0' mode='bridge'/></interface>"
	"<disk type='network' device='disk'><source protocol='rbd' name='rbd/vm-9'/>"
	"<target dev='vdb' bus='virtio'/></disk></devices></domain>";

static void test_xml_domain(void **state)
{
	struct tve_guest g = {0};
	char *err = NULL;

	(void)state;
	assert_int_equal(lv_xml_parse_domain(lxc_xml, &g, &err), 0);
	assert_string_equal(g.name, "ct9");
	assert_int_equal(g.vmid, 109);
	assert_int_equal(g.type, TVE_GUEST_CT);
	assert_string_equal(g.notes, "a <b>");
	assert_null(g.tags);
	assert_int_equal(g.vcpus, 2);
	assert_int_equal(g.mem_max_kib, 262144);
	assert_int_equal(g.mem_kib, 262144);
	assert_int_equal(g.n_nics, 1);
	assert_string_equal(g.nics[0].type, "direct");
	assert_string_equal(g.nics[0].source, "eth0");
	assert_int_equal(g.n_disks, 1);
	assert_string_equal(g.disks[0].source, "rbd/vm-9");
	tve_guest_clear(&g);

	memset(&g, 0, sizeof(g));
	assert_int_equal(lv_xml_parse_domain("<domain", &g, &err), -1);
	assert_non_null(err);
	free(err);
	tve_guest_clear(&g);
}

/* Devices of every kind tve tells apart, in libvirt's indented layout. */
static const char kvm_xml[] =
	"<domain type='kvm'>\n  <name>vm7</name>\n"
	"  <metadata>\n    <other:guest xmlns:other='urn:other'><vmid>5</vmid></other:guest>\n"
	"    <tve:guest xmlns:tve='urn:tve:guest:1'>\n      <vmid>107</vmid>\n"
	"      <tags>web;prod</tags>\n      <notes>two\nlines</notes>\n    </tve:guest>\n"
	"  </metadata>\n"
	"  <memory unit='GiB'>4</memory>\n  <currentMemory unit='MiB'>3072</currentMemory>\n"
	"  <vcpu placement='static' current='2'>4</vcpu>\n"
	"  <os>\n    <type arch='aarch64' machine='virt'>hvm</type>\n  </os>\n"
	"  <devices>\n"
	"    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n"
	"      <source file='/var/lib/libvirt/images/vm7.qcow2'/>\n"
	"      <target dev='vda' bus='virtio'/>\n    </disk>\n"
	"    <disk type='block' device='disk'>\n      <driver name='qemu' type='raw'/>\n"
	"      <source dev='/dev/vg0/vm7-data'/>\n      <target dev='sda' bus='scsi'/>\n    </disk>\n"
	"    <disk type='volume' device='disk'>\n      <source pool='local' volume='vm7-b.img'/>\n"
	"      <target dev='vdb' bus='virtio'/>\n    </disk>\n"
	"    <disk type='file' device='cdrom'>\n      <target dev='sdc' bus='sata'/>\n"
	"      <readonly/>\n    </disk>\n"
	"    <interface type='network'>\n      <mac address='52:54:00:00:07:01'/>\n"
	"      <source network='default'/>\n      <model type='virtio'/>\n    </interface>\n"
	"    <interface type='bridge'>\n      <mac address='52:54:00:00:07:02'/>\n"
	"      <source bridge='br0'/>\n      <model type='e1000'/>\n    </interface>\n"
	"    <interface type='user'>\n      <mac address='52:54:00:00:07:03'/>\n    </interface>\n"
	"    <interface type='direct'>\n      <source dev='eth1' mode='vepa'/>\n    </interface>\n"
	"  </devices>\n</domain>\n";

static void test_xml_devices(void **state)
{
	struct tve_guest g = {0};
	char *err = NULL;

	(void)state;
	assert_int_equal(lv_xml_parse_domain(kvm_xml, &g, &err), 0);
	assert_string_equal(g.name, "vm7");
	assert_int_equal(g.type, TVE_GUEST_VM);
	assert_int_equal(g.vmid, 107);	/* the tve namespace's, not urn:other's */
	assert_string_equal(g.tags, "web;prod");
	assert_string_equal(g.notes, "two\nlines");
	assert_string_equal(g.os_type, "hvm");
	assert_string_equal(g.arch, "aarch64");
	assert_int_equal(g.vcpus, 2);	/* current, not the maximum */
	assert_int_equal(g.mem_max_kib, 4194304);
	assert_int_equal(g.mem_kib, 3145728);

	assert_int_equal(g.n_disks, 4);
	assert_string_equal(g.disks[0].target, "vda");
	assert_string_equal(g.disks[0].device, "disk");
	assert_string_equal(g.disks[0].bus, "virtio");
	assert_string_equal(g.disks[0].format, "qcow2");
	assert_string_equal(g.disks[0].source, "/var/lib/libvirt/images/vm7.qcow2");
	assert_string_equal(g.disks[1].source, "/dev/vg0/vm7-data");
	assert_string_equal(g.disks[1].format, "raw");
	assert_string_equal(g.disks[1].bus, "scsi");
	assert_string_equal(g.disks[2].source, "local/vm7-b.img");
	assert_null(g.disks[2].format);
	assert_string_equal(g.disks[3].device, "cdrom");
	assert_string_equal(g.disks[3].target, "sdc");
	assert_null(g.disks[3].source);

	assert_int_equal(g.n_nics, 4);
	assert_string_equal(g.nics[0].type, "network");
	assert_string_equal(g.nics[0].source, "default");
	assert_string_equal(g.nics[0].mac, "52:54:00:00:07:01");
	assert_string_equal(g.nics[0].model, "virtio");
	assert_string_equal(g.nics[1].type, "bridge");
	assert_string_equal(g.nics[1].source, "br0");
	assert_string_equal(g.nics[1].model, "e1000");
	assert_string_equal(g.nics[2].type, "user");
	assert_null(g.nics[2].source);
	assert_null(g.nics[2].model);
	assert_string_equal(g.nics[3].type, "direct");
	assert_string_equal(g.nics[3].source, "eth1");
	assert_null(g.nics[3].mac);
	tve_guest_clear(&g);
}

/* What makes a container, one rule at a time; and the defaults. */
static void test_xml_guest_type(void **state)
{
	static const struct {
		const char *xml;
		enum tve_guest_type type;
	} c[] = {
		{"<domain type='lxc'><os><type>hvm</type></os></domain>", TVE_GUEST_CT},
		{"<domain type='test'><os><type>exe</type></os></domain>", TVE_GUEST_CT},
		{"<domain type='test'><metadata><tve:guest xmlns:tve='urn:tve:guest:1'>"
		 "<tve:type>CT</tve:type></tve:guest></metadata></domain>", TVE_GUEST_CT},
		{"<domain type='test'><metadata><x:guest xmlns:x='urn:other'>"
		 "<type>ct</type></x:guest></metadata></domain>", TVE_GUEST_VM},
		{"<domain type='kvm'><os><type>hvm</type></os></domain>", TVE_GUEST_VM},
	};
	struct tve_guest g;
	char *err = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		memset(&g, 0, sizeof(g));
		assert_int_equal(lv_xml_parse_domain(c[i].xml, &g, &err), 0);
		assert_int_equal(g.type, c[i].type);
		assert_int_equal(g.vcpus, 1);	/* no <vcpu> */
		assert_int_equal(g.vmid, 0);
		assert_int_equal(g.n_disks, 0);
		tve_guest_clear(&g);
	}
	/* Not a <domain>: parsed, but nothing in it counts. */
	memset(&g, 0, sizeof(g));
	assert_int_equal(lv_xml_parse_domain("<pool><name>p</name></pool>", &g, &err), 0);
	assert_null(g.name);
	tve_guest_clear(&g);
}

static void test_xml_pool_network(void **state)
{
	char *a = NULL, *b = NULL, *err = NULL;

	(void)state;
	assert_int_equal(lv_xml_parse_pool("<pool type='logical'><name>vg</name>"
					   "<target><path>/dev/vg</path></target></pool>",
					   &a, &b, &err), 0);
	assert_string_equal(a, "logical");
	assert_string_equal(b, "/dev/vg");
	free(a);
	free(b);
	assert_int_equal(lv_xml_parse_volume("<volume><name>v</name><target><path>/p/v</path>"
					     "<format type='qcow2'/></target></volume>",
					     &a, &b, &err), 0);
	assert_string_equal(a, "/p/v");
	assert_string_equal(b, "qcow2");
	free(a);
	free(b);
	/* <forward> without a mode is NAT; no <forward> is isolated. */
	assert_int_equal(lv_xml_parse_network("<network><bridge name='virbr1'/><forward/></network>",
					      &a, &b, &err), 0);
	assert_string_equal(a, "virbr1");
	assert_string_equal(b, "nat");
	free(a);
	free(b);
	assert_int_equal(lv_xml_parse_network("<network><bridge name='virbr2'/></network>",
					      &a, &b, &err), 0);
	assert_null(b);
	free(a);
	assert_int_equal(lv_xml_parse_network("<network", &a, &b, &err), -1);
	free(err);
	a = lv_xml_caps_cpu_model("<capabilities><host><cpu><arch>x86_64</arch>"
				  "<model>Skylake-Client</model></cpu></host></capabilities>");
	assert_string_equal(a, "Skylake-Client");
	free(a);
}

static void test_xml_meta_roundtrip(void **state)
{
	struct lv_meta m = {.vmid = 321, .type = "ct", .tags = "a;b", .notes = "x & <y>"};
	struct lv_meta back;
	char *xml = lv_xml_build_meta(&m), *err = NULL;

	(void)state;
	assert_string_equal(xml, "<guest><vmid>321</vmid><type>ct</type><tags>a;b</tags>"
				 "<notes>x &amp; &lt;y&gt;</notes></guest>");
	assert_int_equal(lv_xml_parse_meta(xml, &back, &err), 0);
	assert_int_equal(back.vmid, 321);
	assert_string_equal(back.type, "ct");
	assert_string_equal(back.tags, "a;b");
	assert_string_equal(back.notes, "x & <y>");
	lv_meta_clear(&back);
	free(xml);
}

static int teardown_all(void **state)
{
	(void)state;
	tve_libvirt_events_stop();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_error),
		cmocka_unit_test(test_open_close_repeatedly),
		cmocka_unit_test(test_guest_listing),
		cmocka_unit_test(test_pools),
		cmocka_unit_test(test_networks),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_wrong_states),
		cmocka_unit_test(test_task_log),
		cmocka_unit_test(test_concurrent_actions),
		cmocka_unit_test(test_set_vmid),
		cmocka_unit_test(test_transient_and_autostart),
		cmocka_unit_test(test_uptime_after_start),
		cmocka_unit_test(test_call_budget),
		cmocka_unit_test(test_xml_budget),
		cmocka_unit_test(test_cache_invalidation),
		cmocka_unit_test(test_events_restart),
		cmocka_unit_test(test_demo_datacenter),
		cmocka_unit_test(test_xml_domain),
		cmocka_unit_test(test_xml_devices),
		cmocka_unit_test(test_xml_guest_type),
		cmocka_unit_test(test_xml_pool_network),
		cmocka_unit_test(test_xml_meta_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, teardown_all);
}
