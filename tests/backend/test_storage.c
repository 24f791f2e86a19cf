/* test_storage.c - storage pools and volumes through the backend on
 * libvirt's test driver: pools are added (with their content types kept in
 * storage-NODE.json), stopped, started and removed; volumes are created
 * and deleted; and every refusal happens before a task exists, naming the
 * guest that uses a volume.  The test driver cannot resize or upload
 * (TECH-NOTES) nor copy between pools (it looks the source up in the
 * target pool): those tasks fail with libvirt's reason, an upload leaves
 * no volume behind and a move keeps its source.  Real pools:
 * tests/integration/test_storage.sh. */
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

#define GIB (1024ULL * 1024 * 1024)

static char tmp_dir[] = "/tmp/tve-test-storage-XXXXXX";
static char *fixture_uri, *fixture_path, *newpool_path;

/* web01 (VM 100, running) uses local/vm-100-disk-0.qcow2 as a pool volume;
 * db01 (VM 101, stopped) uses vm-101-disk-0.raw by its path. */
static const char fixture[] =
	"<node>\n"
	"  <cpu><mhz>2000</mhz><model>x86_64</model><nodes>1</nodes><sockets>1</sockets>"
	"<cores>2</cores><threads>1</threads></cpu>\n"
	"  <memory>8388608</memory>\n"
	"  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
	"    <name>web01</name><uuid>bbbbbbbb-0000-4000-8000-000000000100</uuid>\n"
	"    <metadata><tve:guest xmlns:tve='urn:tve:guest:1'><vmid>100</vmid></tve:guest></metadata>\n"
	"    <memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>\n"
	"    <devices><disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>"
	"<source pool='local' volume='vm-100-disk-0.qcow2'/><target dev='vda' bus='virtio'/></disk>"
	"</devices>\n"
	"    <test:runstate>1</test:runstate>\n"
	"  </domain>\n"
	"  <domain type='test' xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
	"    <name>db01</name><uuid>bbbbbbbb-0000-4000-8000-000000000101</uuid>\n"
	"    <metadata><tve:guest xmlns:tve='urn:tve:guest:1'><vmid>101</vmid></tve:guest></metadata>\n"
	"    <memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os>\n"
	"    <devices><disk type='file' device='disk'><driver name='qemu' type='raw'/>"
	"<source file='/var/lib/tve-test/vm-101-disk-0.raw'/><target dev='vda' bus='virtio'/></disk>"
	"</devices>\n"
	"    <test:runstate>5</test:runstate>\n"
	"  </domain>\n"
	"  <pool type='dir'><name>local</name><uuid>bbbbbbbb-0000-4000-8000-0000000b0001</uuid>\n"
	"    <target><path>/var/lib/tve-test</path></target>\n"
	"    <volume type='file'><name>vm-100-disk-0.qcow2</name><capacity unit='GiB'>8</capacity>"
	"<allocation unit='MiB'>200</allocation><target><format type='qcow2'/></target></volume>\n"
	"    <volume type='file'><name>vm-101-disk-0.raw</name><capacity unit='GiB'>4</capacity>"
	"<allocation unit='GiB'>4</allocation><target><format type='raw'/></target></volume>\n"
	"    <volume type='file'><name>data.qcow2</name><capacity unit='GiB'>2</capacity>"
	"<allocation unit='MiB'>10</allocation><target><format type='qcow2'/></target></volume>\n"
	"    <volume type='file'><name>spare.raw</name><capacity unit='GiB'>1</capacity>"
	"<allocation unit='GiB'>1</allocation><target><format type='raw'/></target></volume>\n"
	"  </pool>\n"
	"  <pool type='dir'><name>other</name><uuid>bbbbbbbb-0000-4000-8000-0000000b0002</uuid>\n"
	"    <target><path>/var/lib/tve-other</path></target>\n"
	"  </pool>\n"
	"  <pool type='logical'><name>lvm</name><uuid>bbbbbbbb-0000-4000-8000-0000000b0003</uuid>\n"
	"    <source><name>vg0</name><format type='lvm2'/></source>\n"
	"    <target><path>/dev/vg0</path></target>\n"
	"  </pool>\n"
	"</node>\n";

/* ---- helpers ---- */

static struct tve_backend *start(void)
{
	struct tve_config cfg;
	struct tve_backend *b;
	char *err = NULL;

	tve_config_init(&cfg);
	cfg.refresh_s = 0.5;
	cfg.pool_refresh_s = 0.5;
	cfg.state_dir = tve_xstrdup(tmp_dir);
	tve_config_add_node(&cfg, "st1", fixture_uri);
	b = tve_backend_new(&cfg, &err);
	assert_non_null(b);
	assert_int_equal(tve_backend_start(b, &err), 0);
	tve_config_clear(&cfg);
	return b;
}

/* Polls until node 0's snapshot satisfies pred, or 10 s pass. */
static struct tve_snapshot *wait_for(struct tve_backend *b,
				     bool (*pred)(const struct tve_snapshot *, const void *),
				     const void *arg)
{
	uint64_t deadline = tve_now_ms() + 10000;

	while (tve_now_ms() < deadline) {
		struct tve_snapshot *s = tve_backend_snapshot(b, 0);

		if (pred(s, arg))
			return s;
		tve_snapshot_unref(s);
		usleep(20000);
	}
	return NULL;
}

static bool ready(const struct tve_snapshot *s, const void *arg)
{
	(void)arg;
	return s->state == TVE_NODE_ONLINE && s->has_caps && s->n_pools >= 3 &&
	       tve_snapshot_find_guest(s, "bbbbbbbb-0000-4000-8000-000000000100") &&
	       tve_snapshot_find_guest(s, "bbbbbbbb-0000-4000-8000-000000000100")->n_disks == 1;
}

static const struct tve_volume *find_vol(const struct tve_snapshot *s, const char *pool,
					 const char *name)
{
	const struct tve_pool *p = tve_snapshot_find_pool(s, pool);

	for (size_t i = 0; p && i < p->n_volumes; i++)
		if (strcmp(p->volumes[i].name, name) == 0)
			return &p->volumes[i];
	return NULL;
}

struct want_vol {
	const char *pool, *name;
	bool present;
};

static bool vol_is(const struct tve_snapshot *s, const void *arg)
{
	const struct want_vol *w = arg;

	return (find_vol(s, w->pool, w->name) != NULL) == w->present;
}

struct want_pool {
	const char *name;
	int present;		/* 0 absent, 1 present */
	int active;		/* -1 any */
	int autostart;		/* -1 any */
};

static bool pool_is(const struct tve_snapshot *s, const void *arg)
{
	const struct want_pool *w = arg;
	const struct tve_pool *p = tve_snapshot_find_pool(s, w->name);

	if (!w->present)
		return p == NULL;
	return p && (w->active < 0 || p->active == (w->active > 0)) &&
	       (w->autostart < 0 || p->autostart == (w->autostart > 0));
}

static void expect_vol(struct tve_backend *b, const char *pool, const char *name, bool present)
{
	struct want_vol w = { pool, name, present };
	struct tve_snapshot *s = wait_for(b, vol_is, &w);

	if (!s)
		fail_msg("%s/%s is %s", pool, name, present ? "missing" : "still there");
	tve_snapshot_unref(s);
}

static void expect_pool(struct tve_backend *b, const char *name, int present, int active,
			int autostart)
{
	struct want_pool w = { name, present, active, autostart };
	struct tve_snapshot *s = wait_for(b, pool_is, &w);

	if (!s)
		fail_msg("pool %s not as expected (present %d active %d autostart %d)", name,
			 present, active, autostart);
	tve_snapshot_unref(s);
}

/* Waits for the task to end; its status, *error its error (or NULL). */
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

/* Expects rc 0 and the task to end OK. */
static void ok_task(struct tve_backend *b, int rc, char **id, char **err)
{
	char *terr = NULL;

	if (rc != 0)
		fail_msg("refused: %s", *err ? *err : "?");
	assert_non_null(*id);
	if (wait_task(b, *id, &terr) != TVE_TASK_OK)
		fail_msg("task failed: %s", terr ? terr : "?");
	free(terr);
	free(*id);
	*id = NULL;
}

/* Expects the call to be refused before a task exists, saying want. */
static void refused(int rc, char **id, char **err, const char *want)
{
	if (rc == 0)
		fail_msg("accepted, wanted a refusal saying '%s'", want);
	assert_null(*id);
	assert_non_null(*err);
	if (!strstr(*err, want))
		fail_msg("refusal '%s' does not say '%s'", *err, want);
	free(*err);
	*err = NULL;
}

static struct tve_backend *start_ready(void)
{
	struct tve_backend *b = start();
	struct tve_snapshot *s = wait_for(b, ready, NULL);

	assert_non_null(s);
	tve_snapshot_unref(s);
	return b;
}

/* ---- tests ---- */

static void test_pool_types_in_caps(void **state)
{
	struct tve_backend *b = start_ready();
	struct tve_snapshot *s = tve_backend_snapshot(b, 0);

	(void)state;
	/* The test driver lacks virConnectGetStoragePoolCapabilities but
	 * defines pools of any type. */
	assert_true(tve_strlist_has(s->caps.n_pool_types, s->caps.pool_types, "dir"));
	assert_true(tve_strlist_has(s->caps.n_pool_types, s->caps.pool_types, "logical"));
	tve_snapshot_unref(s);
	tve_backend_free(&b);
}

static void test_pool_add_set_remove(void **state)
{
	struct tve_backend *b = start_ready();
	struct tve_pool_spec spec = {0};
	char *id = NULL, *err = NULL, *content;

	(void)state;
	spec.name = tve_xstrdup("newpool");
	spec.type = tve_xstrdup("dir");
	spec.path = tve_xstrdup(newpool_path);
	spec.content = tve_xstrdup("images,iso");
	spec.build = spec.active = spec.autostart = true;
	ok_task(b, tve_backend_pool_add(b, 0, &spec, &id, &err), &id, &err);
	expect_pool(b, "newpool", 1, 1, 1);
	content = tve_backend_pool_content(b, 0, "newpool");
	assert_non_null(content);
	assert_string_equal(content, "images,iso");
	free(content);
	assert_null(tve_backend_pool_content(b, 0, "local"));
	refused(tve_backend_pool_add(b, 0, &spec, &id, &err), &id, &err,
		"storage newpool already exists on st1");
	free(spec.path);
	spec.path = tve_xstrdup("relative/dir");
	free(spec.name);
	spec.name = tve_xstrdup("pool2");
	refused(tve_backend_pool_add(b, 0, &spec, &id, &err), &id, &err, "absolute path");

	ok_task(b, tve_backend_pool_set(b, 0, "newpool", false, false, &id, &err), &id, &err);
	expect_pool(b, "newpool", 1, 0, 0);
	refused(tve_backend_vol_create(b, 0, "newpool", "x.raw", GIB, TVE_FMT_RAW, &id, &err), &id,
		&err, "storage newpool is not active");
	ok_task(b, tve_backend_pool_set(b, 0, "newpool", true, true, &id, &err), &id, &err);
	expect_pool(b, "newpool", 1, 1, 1);

	/* Stopping a pool a running guest uses is refused. */
	refused(tve_backend_pool_set(b, 0, "local", false, false, &id, &err), &id, &err,
		"storage local cannot stop: VM 100 (web01) is running on it");
	/* Removing it too: web01 refers to it as a pool; and its data. */
	refused(tve_backend_pool_remove(b, 0, "local", false, &id, &err), &id, &err,
		"storage local is used by VM 100 (web01)");
	refused(tve_backend_pool_remove(b, 0, "local", true, &id, &err), &id, &err,
		"storage local is used by VM 100 (web01)");
	refused(tve_backend_pool_remove(b, 0, "nosuch", false, &id, &err), &id, &err,
		"no storage nosuch on st1");

	ok_task(b, tve_backend_pool_remove(b, 0, "newpool", true, &id, &err), &id, &err);
	expect_pool(b, "newpool", 0, -1, -1);
	assert_null(tve_backend_pool_content(b, 0, "newpool"));
	tve_pool_spec_clear(&spec);
	tve_backend_free(&b);
}

static void test_volume_create_delete(void **state)
{
	struct tve_backend *b = start_ready();
	struct tve_pool_spec spec = {0};
	char *id = NULL, *err = NULL;

	(void)state;
	ok_task(b, tve_backend_vol_create(b, 0, "local", "vm-102-disk-0.qcow2", 4 * GIB,
					  TVE_FMT_QCOW2, &id, &err), &id, &err);
	expect_vol(b, "local", "vm-102-disk-0.qcow2", true);
	refused(tve_backend_vol_create(b, 0, "local", "vm-102-disk-0.qcow2", GIB, TVE_FMT_QCOW2,
				       &id, &err), &id, &err, "local already has a volume");
	refused(tve_backend_vol_create(b, 0, "lvm", "vm-102-disk-1", GIB, TVE_FMT_QCOW2, &id, &err),
		&id, &err, "logical storage lvm cannot hold qcow2 volumes (raw only)");
	refused(tve_backend_vol_create(b, 0, "local", "a/b", GIB, TVE_FMT_RAW, &id, &err), &id,
		&err, "must not contain '/'");
	refused(tve_backend_vol_create(b, 0, "local", "zero.raw", 0, TVE_FMT_RAW, &id, &err), &id,
		&err, "needs a size");
	refused(tve_backend_vol_create(b, 0, "nosuch", "x.raw", GIB, TVE_FMT_RAW, &id, &err), &id,
		&err, "no storage nosuch");

	/* A pool that holds ISO images only takes no disk images. */
	spec.name = tve_xstrdup("isos");
	spec.type = tve_xstrdup("dir");
	spec.path = tve_xasprintf("%s/isos", tmp_dir);
	spec.content = tve_xstrdup("iso");
	spec.build = spec.active = true;
	ok_task(b, tve_backend_pool_add(b, 0, &spec, &id, &err), &id, &err);
	expect_pool(b, "isos", 1, 1, 0);
	refused(tve_backend_vol_create(b, 0, "isos", "x.raw", GIB, TVE_FMT_RAW, &id, &err), &id,
		&err, "isos does not hold disk images (content: iso)");
	ok_task(b, tve_backend_pool_remove(b, 0, "isos", true, &id, &err), &id, &err);

	/* In use: by pool/volume (running web01) and by path (stopped db01). */
	refused(tve_backend_vol_delete(b, 0, "local", "vm-100-disk-0.qcow2", &id, &err), &id, &err,
		"vm-100-disk-0.qcow2 is used by VM 100 (web01)");
	refused(tve_backend_vol_delete(b, 0, "local", "vm-101-disk-0.raw", &id, &err), &id, &err,
		"vm-101-disk-0.raw is used by VM 101 (db01)");
	refused(tve_backend_vol_delete(b, 0, "local", "nosuch.raw", &id, &err), &id, &err,
		"no volume nosuch.raw in local");
	ok_task(b, tve_backend_vol_delete(b, 0, "local", "vm-102-disk-0.qcow2", &id, &err), &id,
		&err);
	expect_vol(b, "local", "vm-102-disk-0.qcow2", false);
	tve_pool_spec_clear(&spec);
	tve_backend_free(&b);
}

static void test_volume_resize(void **state)
{
	struct tve_backend *b = start_ready();
	char *id = NULL, *err = NULL, *terr = NULL;

	(void)state;
	refused(tve_backend_vol_resize(b, 0, "local", "data.qcow2", GIB, &id, &err), &id, &err,
		"data.qcow2 is 2.00 GiB: volumes only grow, 1.00 GiB is smaller");
	refused(tve_backend_vol_resize(b, 0, "local", "data.qcow2", 2 * GIB, &id, &err), &id, &err,
		"data.qcow2 is 2.00 GiB already");
	/* web01 runs: its QEMU grows the disk (virDomainBlockResize, vda). */
	assert_int_equal(tve_backend_vol_resize(b, 0, "local", "vm-100-disk-0.qcow2", 16 * GIB, &id,
						&err), 0);
	wait_task(b, id, &terr);
	{
		char **log = tve_taskstore_log(tve_backend_tasks(b), id);

		assert_non_null(log);
		assert_non_null(strstr(log[0], "to 16.0 GiB through VM 100 (web01)"));
		tve_strv_free(log);
	}
	free(terr);
	free(id);
	terr = id = NULL;
	/* Accepted; the test driver cannot resize, so the task says why. */
	assert_int_equal(tve_backend_vol_resize(b, 0, "local", "data.qcow2", 3 * GIB, &id, &err), 0);
	assert_int_equal(wait_task(b, id, &terr), TVE_TASK_ERROR);
	assert_non_null(terr);
	assert_non_null(strstr(terr, "not supported"));
	free(terr);
	free(id);
	tve_backend_free(&b);
}

static void test_volume_copy_move(void **state)
{
	struct tve_backend *b = start_ready();
	char *id = NULL, *err = NULL, *terr = NULL;
	struct tve_snapshot *s;
	const struct tve_volume *v;

	(void)state;
	refused(tve_backend_vol_copy(b, 0, "local", "data.qcow2", "local", false, &id, &err), &id,
		&err, "data.qcow2 is already in local: choose another storage");
	refused(tve_backend_vol_copy(b, 0, "local", "data.qcow2", "lvm", false, &id, &err), &id,
		&err, "logical storage lvm cannot hold qcow2 volumes (raw only)");
	refused(tve_backend_vol_copy(b, 0, "local", "vm-100-disk-0.qcow2", "other", false, &id,
				     &err), &id, &err, "which is running; stop it first");
	refused(tve_backend_vol_copy(b, 0, "local", "vm-101-disk-0.raw", "other", true, &id, &err),
		&id, &err, "vm-101-disk-0.raw is used by VM 101 (db01)");

	refused(tve_backend_vol_copy(b, 0, "local", "data.qcow2", "nosuch", false, &id, &err), &id,
		&err, "no storage nosuch");

	/* Accepted for a stopped guest's volume (copy, not move).  The test
	 * driver looks the source volume up in the target pool, so its
	 * cross-pool copies fail: the task says so, and a move that could
	 * not copy keeps its source. */
	assert_int_equal(tve_backend_vol_copy(b, 0, "local", "vm-101-disk-0.raw", "other", false,
					      &id, &err), 0);
	assert_int_equal(wait_task(b, id, &terr), TVE_TASK_ERROR);
	assert_non_null(strstr(terr, "vm-101-disk-0.raw"));
	free(terr);
	free(id);
	id = NULL;
	assert_int_equal(tve_backend_vol_copy(b, 0, "local", "spare.raw", "lvm", true, &id, &err),
			 0);
	assert_int_equal(wait_task(b, id, &terr), TVE_TASK_ERROR);
	free(terr);
	free(id);
	tve_backend_refresh(b, 0);
	usleep(300000);
	s = tve_backend_snapshot(b, 0);
	v = find_vol(s, "local", "spare.raw");
	assert_non_null(v);
	assert_int_equal(v->capacity, GIB);
	assert_null(find_vol(s, "lvm", "spare.raw"));
	tve_snapshot_unref(s);
	tve_backend_free(&b);
}

static void test_upload_leaves_nothing(void **state)
{
	struct tve_backend *b = start_ready();
	char *id = NULL, *err = NULL, *terr = NULL, *file = tve_xasprintf("%s/up.iso", tmp_dir);
	FILE *f = fopen(file, "w");
	struct tve_snapshot *s;

	(void)state;
	assert_non_null(f);
	fputs("not really an ISO\n", f);
	fclose(f);
	refused(tve_backend_vol_upload(b, 0, "local", "/nonexistent/file.iso", NULL, &id, &err),
		&id, &err, "/nonexistent/file.iso");
	refused(tve_backend_vol_upload(b, 0, "local", tmp_dir, NULL, &id, &err), &id, &err,
		"is not a file with data");
	refused(tve_backend_vol_upload(b, 0, "local", file, "data.qcow2", &id, &err), &id, &err,
		"local already has a volume data.qcow2");
	/* The test driver cannot upload: the new volume is deleted again. */
	assert_int_equal(tve_backend_vol_upload(b, 0, "local", file, NULL, &id, &err), 0);
	assert_int_equal(wait_task(b, id, &terr), TVE_TASK_ERROR);
	assert_non_null(strstr(terr, "not supported"));
	tve_backend_refresh(b, 0);
	usleep(300000);
	s = tve_backend_snapshot(b, 0);
	assert_null(find_vol(s, "local", "up.iso"));
	tve_snapshot_unref(s);
	{
		char **log = tve_taskstore_log(tve_backend_tasks(b), id);
		bool deleted = false;

		for (size_t i = 0; log && log[i]; i++)
			deleted |= strstr(log[i], "deleting the partial volume again") != NULL;
		tve_strv_free(log);
		assert_true(deleted);
	}
	unlink(file);
	free(file);
	free(terr);
	free(id);
	tve_backend_free(&b);
}

/* ---- main ---- */

static void rm_rf(const char *dir)
{
	char *cmd = tve_xasprintf("rm -rf '%s'", dir);

	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pool_types_in_caps),
		cmocka_unit_test(test_pool_add_set_remove),
		cmocka_unit_test(test_volume_create_delete),
		cmocka_unit_test(test_volume_resize),
		cmocka_unit_test(test_volume_copy_move),
		cmocka_unit_test(test_upload_leaves_nothing),
	};
	FILE *f;
	int rc;

	if (!mkdtemp(tmp_dir))
		return 1;
	/* Nothing of this test lands in the user's own state directory. */
	setenv("XDG_STATE_HOME", tmp_dir, 1);
	fixture_path = tve_xasprintf("%s/storage-node.xml", tmp_dir);
	newpool_path = tve_xasprintf("%s/newpool", tmp_dir);
	if (!(f = fopen(fixture_path, "w")))
		return 1;
	fputs(fixture, f);
	fclose(f);
	fixture_uri = tve_xasprintf("test://%s", fixture_path);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(fixture_uri);
	free(fixture_path);
	free(newpool_path);
	rm_rf(tmp_dir);
	return rc;
}
