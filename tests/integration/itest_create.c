/* itest_create.c - Create VM through the backend on a real private libvirtd.
 *
 * Run by tests/integration/test_create.sh, which starts a private host with
 * a dir pool "local" (holding test.iso), a dir pool "broken" whose
 * directory it removes again, and an isolated network "tvenet", and passes:
 *   TVE_TEST_URI        the host's URI
 *   TVE_TEST_NODE       node name (its hostname)
 *   TVE_TEST_STATE_DIR  where the task store lives
 * The tests run in order on one backend.  Each checks the outcome with
 * libvirt itself, not only through tve. */
#include <poll.h>
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

#define MIB (1024ULL * 1024)

static struct {
	const char *uri;
	const char *node;
	struct tve_config cfg;
	struct tve_backend *b;
	virConnectPtr conn;
} T;

/* Waits until the node's snapshot is online with caps, the pools and the
 * network, and (when vmid > 0) without/with that guest. */
static bool ready(const struct tve_snapshot *s)
{
	const struct tve_pool *p = tve_snapshot_find_pool(s, "local");
	bool iso = false, net = false;

	for (size_t i = 0; p && i < p->n_volumes; i++)
		iso |= strcmp(p->volumes[i].name, "test.iso") == 0;
	for (size_t i = 0; i < s->n_networks; i++)
		net |= strcmp(s->networks[i].name, "tvenet") == 0 && s->networks[i].active;
	return s->state == TVE_NODE_ONLINE && s->has_caps && s->has_facts && iso && net &&
	       tve_snapshot_find_pool(s, "broken");
}

static bool wait_ready(int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		struct tve_snapshot *s = tve_backend_snapshot(T.b, 0);
		bool ok = ready(s);

		if (ok || now_ms() >= deadline) {
			if (!ok)
				diag("not ready: state %s caps %d facts %d pools %zu nets %zu err %s",
				     tve_node_state_name(s->state), s->has_caps, s->has_facts,
				     s->n_pools, s->n_networks, s->error ? s->error : "-");
			tve_snapshot_unref(s);
			return ok;
		}
		tve_snapshot_unref(s);
		itest_wait_wake(T.b, 200);
	}
}

/* A spec from tve's own defaults for this node, made small enough to boot
 * quickly: serial graphics, the ISO attached, a disk on "local" and a NIC
 * on the isolated network. */
static void base_spec(struct tve_vm_spec *s, int vmid, const char *name)
{
	struct tve_create_ctx ctx;

	tve_backend_ctx_get(T.b, 0, &ctx);
	tve_vm_spec_defaults(s, &ctx);
	tve_backend_ctx_release(&ctx);
	s->vmid = vmid;
	free(s->name);
	s->name = strdup(name);
	s->media = TVE_MEDIA_ISO;
	free(s->iso);
	s->iso = strdup("local/test.iso");
	s->graphics = TVE_GFX_SERIAL;
	s->memory_mib = 128;
	s->min_memory_mib = 0;
	s->net = TVE_NET_NETWORK;
	free(s->net_source);
	s->net_source = strdup("tvenet");
	assert_true(s->n_disks >= 1);
	free(s->disks[0].pool);
	s->disks[0].pool = strdup("local");
	s->disks[0].size = 64 * MIB;
	s->disks[0].format = TVE_FMT_QCOW2;
}

static bool volume_exists(const char *pool, const char *name)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(T.conn, pool);
	virStorageVolPtr v;

	if (!p)
		return false;
	virStoragePoolRefresh(p, 0);
	v = virStorageVolLookupByName(p, name);
	virStoragePoolFree(p);
	if (v)
		virStorageVolFree(v);
	virResetLastError();
	return v != NULL;
}

/* Names of the volumes in pool "local" starting with prefix. */
static int count_volumes(const char *pool, const char *prefix)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(T.conn, pool);
	virStorageVolPtr *vols = NULL;
	int n, count = 0;

	if (!p)
		return -1;
	virStoragePoolRefresh(p, 0);
	n = virStoragePoolListAllVolumes(p, &vols, 0);
	for (int i = 0; i < n; i++) {
		if (strncmp(virStorageVolGetName(vols[i]), prefix, strlen(prefix)) == 0)
			count++;
		virStorageVolFree(vols[i]);
	}
	free(vols);
	virStoragePoolFree(p);
	return count;
}

static bool domain_exists(const char *name)
{
	virDomainPtr d = virDomainLookupByName(T.conn, name);

	virResetLastError();
	if (d)
		virDomainFree(d);
	return d != NULL;
}

static char *volume_format(const char *pool, const char *name)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(T.conn, pool);
	virStorageVolPtr v = p ? virStorageVolLookupByName(p, name) : NULL;
	char *xml = v ? virStorageVolGetXMLDesc(v, 0) : NULL, *fmt = NULL, *at;

	if (xml && (at = strstr(xml, "<format type='"))) {
		at += strlen("<format type='");
		fmt = strndup(at, strcspn(at, "'"));
	}
	free(xml);
	if (v)
		virStorageVolFree(v);
	if (p)
		virStoragePoolFree(p);
	return fmt;
}

/* One try: attaches to the guest's serial console, lets the stream settle,
 * resets the guest so the firmware prints from the start, and reads until
 * needle shows up or timeout_ms pass. */
static bool console_try(virDomainPtr dom, const char *needle, int timeout_ms)
{
	virStreamPtr st = virStreamNew(T.conn, VIR_STREAM_NONBLOCK);
	char buf[4096], seen[16384] = "";
	size_t used = 0;
	long long deadline;
	bool found = false;

	if (!st || virDomainOpenConsole(dom, NULL, st, VIR_DOMAIN_CONSOLE_FORCE) < 0) {
		diag("cannot open the console: %s", virGetLastErrorMessage());
		if (st)
			virStreamFree(st);
		return false;
	}
	usleep(500 * 1000);
	if (virDomainReset(dom, 0) < 0)
		diag("reset: %s", virGetLastErrorMessage());
	deadline = now_ms() + timeout_ms;
	while (!found && now_ms() < deadline) {
		int n = virStreamRecv(st, buf, sizeof(buf));

		if (n == -2) {
			usleep(50000);
			continue;
		}
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			if (used + 1 >= sizeof(seen)) {
				memmove(seen, seen + sizeof(seen) / 2, sizeof(seen) / 2);
				used -= sizeof(seen) / 2;
			}
			if (buf[i])
				seen[used++] = buf[i];
		}
		seen[used] = '\0';
		found = strstr(seen, needle) != NULL;
	}
	diag("console (%zu bytes): %.200s", used, seen);
	virStreamAbort(st);
	virStreamFree(st);
	return found;
}

/* The serial console shows needle; a few tries, since a busy machine can
 * lose the first output between attaching and the reset. */
static bool console_shows(virDomainPtr dom, const char *needle)
{
	for (int i = 0; i < 3; i++)
		if (console_try(dom, needle, 15000))
			return true;
	return false;
}

/* ---- setup ---- */

static int group_setup(void **state)
{
	char *err = NULL;
	const char *sd = getenv("TVE_TEST_STATE_DIR");

	(void)state;
	T.uri = getenv("TVE_TEST_URI");
	T.node = getenv("TVE_TEST_NODE") ? getenv("TVE_TEST_NODE") : "h1";
	if (!T.uri || !sd) {
		fprintf(stderr, "itest_create: run it through tests/integration/test_create.sh\n");
		return -1;
	}
	tve_config_init(&T.cfg);
	T.cfg.refresh_s = 0.5;
	free(T.cfg.state_dir);
	T.cfg.state_dir = strdup(sd);
	tve_config_add_node(&T.cfg, T.node, T.uri);
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
	long long t0 = now_ms();
	struct tve_snapshot *s;

	(void)state;
	/* Capabilities can take libvirtd many seconds to produce. */
	assert_true(wait_ready(60000));
	s = tve_backend_snapshot(T.b, 0);
	diag("ready after %lld ms: domain type %s, %zu machines, %zu CPU models, efi %d",
	     now_ms() - t0, s->caps.domain_type, s->caps.n_machines, s->caps.n_cpu_models,
	     s->caps.efi);
	assert_true(strcmp(s->caps.domain_type, "kvm") == 0 ||
		    strcmp(s->caps.domain_type, "qemu") == 0);
	assert_true(tve_strlist_has(s->caps.n_machines, s->caps.machines, "pc"));
	tve_snapshot_unref(s);
}

/* Two disks (qcow2 on SCSI, raw on VirtIO), a NIC on a libvirt network, an
 * ISO: created, started, and SeaBIOS on the serial console. */
static void create_and_boot(void **state)
{
	struct tve_vm_spec s = {0};
	struct tve_vm_disk *d;
	char *id = NULL, *err = NULL, *fmt, *xml;
	virDomainPtr dom;
	int st = -1;
	long long t0;

	(void)state;
	base_spec(&s, 200, "create1");
	d = tve_vm_spec_add_disk(&s);
	d->bus = TVE_BUS_VIRTIO;
	d->index = 0;
	free(d->pool);
	d->pool = strdup("local");
	d->size = 32 * MIB;
	d->format = TVE_FMT_RAW;
	s.start_after = true;
	t0 = now_ms();
	if (tve_backend_create_vm(T.b, 0, &s, &id, &err) < 0)
		fail_msg("create refused: %s", err);
	diag("create call returned in %lld ms", now_ms() - t0);
	tve_vm_spec_clear(&s);
	assert_int_equal(itest_wait_task(T.b, id, 60000, NULL, &err), TVE_TASK_OK);
	diag("create task (2 volumes, define, start) done in %lld ms", now_ms() - t0);
	free(id);

	assert_true(volume_exists("local", "vm-200-disk-0.qcow2"));
	assert_true(volume_exists("local", "vm-200-disk-1.raw"));
	fmt = volume_format("local", "vm-200-disk-0.qcow2");
	assert_string_equal(fmt, "qcow2");
	free(fmt);
	fmt = volume_format("local", "vm-200-disk-1.raw");
	assert_string_equal(fmt, "raw");
	free(fmt);

	dom = virDomainLookupByName(T.conn, "create1");
	assert_non_null(dom);
	assert_int_equal(virDomainGetState(dom, &st, NULL, 0), 0);
	assert_int_equal(st, VIR_DOMAIN_RUNNING);
	xml = virDomainGetXMLDesc(dom, 0);
	assert_non_null(strstr(xml, "vmid>200</"));
	assert_non_null(strstr(xml, "volume='test.iso'"));
	assert_non_null(strstr(xml, "<source network='tvenet'"));
	free(xml);
	assert_true(console_shows(dom, "SeaBIOS"));
	virDomainDestroy(dom);
	virDomainFree(dom);
}

/* The new VM shows up in tve with its ID, and its ID is taken now. */
static void shows_in_snapshot(void **state)
{
	long long deadline = now_ms() + 10000;
	bool seen = false;

	(void)state;
	while (!seen && now_ms() < deadline) {
		struct tve_snapshot *s = tve_backend_snapshot(T.b, 0);
		const struct tve_guest *g = tve_snapshot_find_vmid(s, 200);

		seen = g && strcmp(g->name, "create1") == 0 && g->n_disks >= 3;
		tve_snapshot_unref(s);
		if (!seen)
			itest_wait_wake(T.b, 200);
	}
	assert_true(seen);
	assert_int_not_equal(tve_backend_next_vmid(T.b), 200);
}

/* A bad spec is refused before any task exists. */
static void bad_spec_refused(void **state)
{
	struct tve_vm_spec s = {0};
	char *id = NULL, *err = NULL;

	(void)state;
	base_spec(&s, 200, "dup-id");	/* ID taken by create1 */
	assert_int_equal(tve_backend_create_vm(T.b, 0, &s, &id, &err), -1);
	diag("refused: %s", err);
	assert_non_null(strstr(err, "200"));
	assert_null(id);
	free(err);
	tve_vm_spec_clear(&s);
}

/* The second disk cannot be made (its pool's directory is gone): the
 * first volume is deleted again and no domain is left. */
static void midway_failure_rolls_back(void **state)
{
	struct tve_vm_spec s = {0};
	struct tve_vm_disk *d;
	char *id = NULL, *err = NULL;

	(void)state;
	base_spec(&s, 201, "broken1");
	d = tve_vm_spec_add_disk(&s);
	free(d->pool);
	d->pool = strdup("broken");
	d->size = 16 * MIB;
	d->format = TVE_FMT_RAW;
	if (tve_backend_create_vm(T.b, 0, &s, &id, &err) < 0)
		fail_msg("create refused: %s", err);
	tve_vm_spec_clear(&s);
	assert_int_equal(itest_wait_task(T.b, id, 60000, NULL, &err), TVE_TASK_ERROR);
	diag("task error: %s", err);
	free(err);
	free(id);
	assert_int_equal(count_volumes("local", "vm-201-"), 0);
	assert_int_equal(count_volumes("broken", "vm-201-"), 0);
	assert_false(domain_exists("broken1"));
	/* The ID is free again: a new VM can have it. */
	base_spec(&s, 201, "again201");
	if (tve_backend_create_vm(T.b, 0, &s, &id, &err) < 0)
		fail_msg("ID 201 still held: %s", err);
	tve_vm_spec_clear(&s);
	assert_int_equal(itest_wait_task(T.b, id, 60000, NULL, NULL), TVE_TASK_OK);
	free(id);
}

/* Everything is made but the start fails: the ISO's file was removed
 * behind libvirt's back (its pool still lists it, so the spec checks out
 * and the domain defines, but QEMU cannot open it).  The domain is
 * undefined again and its volumes deleted. */
static void start_failure_rolls_back(void **state)
{
	struct tve_vm_spec s = {0};
	char *id = NULL, *err = NULL, *path;
	virStoragePoolPtr p;
	virStorageVolPtr v;
	long long deadline = now_ms() + 10000;
	bool listed = false;

	(void)state;
	p = virStoragePoolLookupByName(T.conn, "local");
	assert_non_null(p);
	v = virStorageVolCreateXML(p, "<volume><name>gone.iso</name><capacity>1048576</capacity>"
				      "<target><format type='raw'/></target></volume>", 0);
	assert_non_null(v);
	path = virStorageVolGetPath(v);
	assert_non_null(path);
	virStorageVolFree(v);
	virStoragePoolFree(p);
	tve_backend_refresh(T.b, 0);
	while (!listed && now_ms() < deadline) {
		struct tve_snapshot *sn = tve_backend_snapshot(T.b, 0);
		const struct tve_pool *lp = tve_snapshot_find_pool(sn, "local");

		for (size_t i = 0; lp && i < lp->n_volumes; i++)
			listed |= strcmp(lp->volumes[i].name, "gone.iso") == 0;
		tve_snapshot_unref(sn);
		if (!listed)
			itest_wait_wake(T.b, 200);
	}
	assert_true(listed);
	/* Gone from the disk; tve's snapshot and libvirt's pool still list it. */
	assert_int_equal(unlink(path), 0);
	free(path);

	base_spec(&s, 202, "nostart1");
	s.start_after = true;
	free(s.iso);
	s.iso = strdup("local/gone.iso");
	if (tve_backend_create_vm(T.b, 0, &s, &id, &err) < 0)
		fail_msg("create refused: %s", err);
	tve_vm_spec_clear(&s);
	assert_int_equal(itest_wait_task(T.b, id, 60000, NULL, &err), TVE_TASK_ERROR);
	diag("task error: %s", err);
	free(err);
	free(id);
	assert_int_equal(count_volumes("local", "vm-202-"), 0);
	assert_false(domain_exists("nostart1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_ready),
		cmocka_unit_test(create_and_boot),
		cmocka_unit_test(shows_in_snapshot),
		cmocka_unit_test(bad_spec_refused),
		cmocka_unit_test(midway_failure_rolls_back),
		cmocka_unit_test(start_failure_rolls_back),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
