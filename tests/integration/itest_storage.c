/* itest_storage.c - storage pools and volumes through the backend on a
 * real private libvirtd.
 *
 * Run by tests/integration/test_storage.sh, which starts the host and
 * passes:
 *   TVE_TEST_URI, TVE_TEST_NODE   the host's URI and node name
 *   TVE_TEST_DIR                  a directory of the test's own
 *   TVE_TEST_STATE_DIR            where tasks and storage-NODE.json live
 *   TVE_TEST_UPLOAD, TVE_TEST_BIG a 64 MiB random file; a 1 GiB sparse one
 *   TVE_TEST_LOOP, TVE_TEST_VG    a loop device for an LVM pool (empty =
 *                                 none) and the volume group name to make
 *   TVE_TEST_DOMAIN_TYPE          kvm or qemu
 * The tests run in order on one backend; each checks the outcome with
 * libvirt (or virsh, or the files) itself, not only through tve. */
#include <fcntl.h>
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
	const char *uri, *node, *dir, *upload, *big, *loop, *vg, *dom_type;
	char *dir_a, *dir_b;
	struct tve_config cfg;
	struct tve_backend *b;
	virConnectPtr conn;
	bool lvm_made;
} T;

/* Polls node 0's snapshot until pred holds (timeout_ms); the snapshot or
 * NULL. */
static struct tve_snapshot *wait_snap(bool (*pred)(const struct tve_snapshot *, const void *),
				      const void *arg, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		struct tve_snapshot *s = tve_backend_snapshot(T.b, 0);

		if (pred(s, arg))
			return s;
		tve_snapshot_unref(s);
		if (now_ms() >= deadline)
			return NULL;
		itest_wait_wake(T.b, 200);
	}
}

/* What a task showed while it ran. */
struct seen {
	double max_progress;	/* < 0: none seen */
	char text[160];		/* the last progress text */
	bool cancellable;
};

/* Waits for the task to end, watching it closely (every 2 ms); status,
 * *error its error. */
static enum tve_task_status watch_task(const char *id, int timeout_ms, struct seen *seen,
				       char **error)
{
	struct tve_taskstore *ts = tve_backend_tasks(T.b);
	long long deadline = now_ms() + timeout_ms;
	struct tve_task_info info;
	enum tve_task_status st = TVE_TASK_RUNNING;

	if (seen) {
		seen->max_progress = -1;
		seen->text[0] = 0;
		seen->cancellable = false;
	}
	while (now_ms() < deadline) {
		if (tve_taskstore_info(ts, id, &info) == 0) {
			st = info.status;
			if (st == TVE_TASK_RUNNING && seen) {
				if (info.progress > seen->max_progress)
					seen->max_progress = info.progress;
				if (info.progress_text)
					snprintf(seen->text, sizeof(seen->text), "%s",
						 info.progress_text);
				seen->cancellable |= info.cancellable;
			}
			if (st != TVE_TASK_RUNNING && error)
				*error = info.error ? strdup(info.error) : NULL;
			tve_task_info_free(&info);
			if (st != TVE_TASK_RUNNING)
				break;
		}
		usleep(2000);
	}
	{
		char **lines = tve_taskstore_log(ts, id);

		for (size_t i = 0; lines && lines[i]; i++)
			diag("  | %s", lines[i]);
		tve_strv_free(lines);
	}
	return st;
}

/* Expects the call to have started a task that ends OK (*id, *err are
 * freed and cleared for the next call). */
static void ok_task(int rc, char **id, char **err)
{
	char *terr = NULL;

	if (rc != 0)
		fail_msg("refused: %s", *err ? *err : "?");
	if (watch_task(*id, 120000, NULL, &terr) != TVE_TASK_OK)
		fail_msg("task failed: %s", terr ? terr : "?");
	free(terr);
	free(*id);
	*id = NULL;
}

/* Expects a refusal before any task, saying want. */
static void refused(int rc, char **id, char **err, const char *want)
{
	if (rc == 0)
		fail_msg("accepted (task %s), wanted a refusal saying '%s'", *id, want);
	assert_null(*id);
	if (!*err || !strstr(*err, want))
		fail_msg("refusal '%s' does not say '%s'", *err ? *err : "", want);
	diag("refused: %s", *err);
	free(*err);
	*err = NULL;
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

/* What tve should show: pool (present or not; active, autostart: -1 any)
 * or, with vol, that volume of pool (present or not). */
struct want {
	const char *pool, *vol;
	int present, active, autostart;
};

static bool shows(const struct tve_snapshot *s, const void *arg)
{
	const struct want *w = arg;
	const struct tve_pool *p = tve_snapshot_find_pool(s, w->pool);

	if (w->vol)
		return (find_vol(s, w->pool, w->vol) != NULL) == (w->present > 0);
	if (!w->present)
		return !p;
	return p && (w->active < 0 || p->active == (w->active > 0)) &&
	       (w->autostart < 0 || p->autostart == (w->autostart > 0));
}

static void expect(const char *pool, const char *vol, int present, int active, int autostart)
{
	struct want w = { pool, vol, present, active, autostart };
	struct tve_snapshot *s = wait_snap(shows, &w, 10000);

	if (!s)
		fail_msg("tve does not show %s%s%s present %d active %d autostart %d", pool,
			 vol ? "/" : "", vol ? vol : "", present, active, autostart);
	tve_snapshot_unref(s);
}

#define expect_vol(pool, vol, present) expect(pool, vol, present, -1, -1)
#define expect_pool(pool, present, active, autostart) expect(pool, NULL, present, active, autostart)

/* libvirt's own view of a volume: 0 and its info, -1 when absent. */
static int lv_vol(const char *pool, const char *name, virStorageVolInfo *vi, char **format)
{
	virStoragePoolPtr p = virStoragePoolLookupByName(T.conn, pool);
	virStorageVolPtr v;
	int rc = -1;

	if (format)
		*format = NULL;
	if (!p) {
		virResetLastError();
		return -1;
	}
	virStoragePoolRefresh(p, 0);
	if ((v = virStorageVolLookupByName(p, name))) {
		rc = virStorageVolGetInfo(v, vi);
		if (format) {
			char *xml = virStorageVolGetXMLDesc(v, 0), *at;

			if (xml && (at = strstr(xml, "<format type='"))) {
				at += strlen("<format type='");
				*format = strndup(at, strcspn(at, "'"));
			}
			free(xml);
		}
		virStorageVolFree(v);
	}
	virStoragePoolFree(p);
	virResetLastError();
	return rc;
}

/* A number from `virsh pool-info|vol-info --bytes ...`: the line key. */
static unsigned long long virsh_bytes(const char *args, const char *key)
{
	char *cmd = NULL, line[256];
	unsigned long long v = ~0ULL;
	FILE *f;

	if (asprintf(&cmd, "virsh -q -c '%s' %s 2>&1", T.uri, args) < 0)
		return v;
	if ((f = popen(cmd, "r"))) {
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, key, strlen(key)) == 0)
				v = strtoull(line + strlen(key), NULL, 10);
		pclose(f);
	}
	free(cmd);
	return v;
}

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char *cmd = NULL;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -1;
	rc = system(cmd);
	free(cmd);
	return rc;
}

static bool files_equal(const char *a, const char *b, unsigned long long *len)
{
	int fa = open(a, O_RDONLY), fb = open(b, O_RDONLY);
	static char ba[1 << 16], bb[1 << 16];
	bool eq = fa >= 0 && fb >= 0;

	*len = 0;
	while (eq) {
		ssize_t na = read(fa, ba, sizeof(ba)), nb = read(fb, bb, sizeof(bb));

		if (na != nb || na < 0 || memcmp(ba, bb, (size_t)na) != 0)
			eq = false;
		if (na <= 0)
			break;
		*len += (unsigned long long)na;
	}
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	return eq;
}

static char *vol_file(const char *dir, const char *name)
{
	char *p = NULL;

	if (asprintf(&p, "%s/%s", dir, name) < 0)
		abort();
	return p;
}

/* ---- setup ---- */

static int group_setup(void **state)
{
	char *err = NULL;
	const char *sd = getenv("TVE_TEST_STATE_DIR");

	(void)state;
	T.uri = getenv("TVE_TEST_URI");
	T.node = getenv("TVE_TEST_NODE") ? getenv("TVE_TEST_NODE") : "s1";
	T.dir = getenv("TVE_TEST_DIR");
	T.upload = getenv("TVE_TEST_UPLOAD");
	T.big = getenv("TVE_TEST_BIG");
	T.loop = getenv("TVE_TEST_LOOP");
	T.vg = getenv("TVE_TEST_VG");
	T.dom_type = getenv("TVE_TEST_DOMAIN_TYPE") ? getenv("TVE_TEST_DOMAIN_TYPE") : "qemu";
	if (!T.uri || !sd || !T.dir || !T.upload || !T.big) {
		fprintf(stderr, "itest_storage: run it through tests/integration/test_storage.sh\n");
		return -1;
	}
	if (asprintf(&T.dir_a, "%s/pools/a", T.dir) < 0 ||
	    asprintf(&T.dir_b, "%s/pools/b", T.dir) < 0)
		return -1;
	tve_config_init(&T.cfg);
	T.cfg.refresh_s = 0.5;
	T.cfg.pool_refresh_s = 1;
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
	free(T.dir_a);
	free(T.dir_b);
	return 0;
}

/* ---- tests ---- */

static bool online_with_caps(const struct tve_snapshot *s, const void *arg)
{
	(void)arg;
	return s->state == TVE_NODE_ONLINE && s->has_caps;
}

static void node_ready(void **state)
{
	struct tve_snapshot *s;
	char types[256] = "", missing[256] = "";

	(void)state;
	s = wait_snap(online_with_caps, NULL, 60000);
	assert_non_null(s);
	for (size_t i = 0; i < s->caps.n_pool_types; i++)
		snprintf(types + strlen(types), sizeof(types) - strlen(types), " %s",
			 s->caps.pool_types[i]);
	for (size_t i = 0; i < s->caps.n_pool_types_missing; i++)
		snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), " %s",
			 s->caps.pool_types_missing[i]);
	diag("pool types:%s; without their driver package:%s", types, missing);
	assert_true(tve_strlist_has(s->caps.n_pool_types, s->caps.pool_types, "dir"));
	assert_true(tve_strlist_has(s->caps.n_pool_types, s->caps.pool_types, "logical"));
	assert_false(tve_strlist_has(s->caps.n_pool_types, s->caps.pool_types, "zfs"));
	assert_true(tve_strlist_has(s->caps.n_pool_types_missing, s->caps.pool_types_missing, "zfs"));
	tve_snapshot_unref(s);
}

/* Adds a dir pool through the backend and waits until tve lists it. */
static void add_dir_pool(const char *name, const char *path, const char *content, bool autostart)
{
	struct tve_pool_spec spec = {0};
	char *id = NULL, *err = NULL;

	spec.name = strdup(name);
	spec.type = strdup("dir");
	spec.path = strdup(path);
	spec.content = content ? strdup(content) : NULL;
	spec.build = spec.active = true;
	spec.autostart = autostart;
	ok_task(tve_backend_pool_add(T.b, 0, &spec, &id, &err), &id, &err);
	tve_pool_spec_clear(&spec);
	expect_pool(name, 1, 1, autostart);
}

static void pool_add_dir(void **state)
{
	struct tve_pool_spec spec = {0};
	virStoragePoolPtr p;
	struct stat st;
	char *id = NULL, *err = NULL, *content;
	int autostart = 0;

	(void)state;
	assert_int_not_equal(stat(T.dir_a, &st), 0);	/* build makes it */
	add_dir_pool("tvea", T.dir_a, "images,iso,vztmpl", true);
	add_dir_pool("tveb", T.dir_b, "images", false);
	assert_int_equal(stat(T.dir_a, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(stat(T.dir_b, &st), 0);
	p = virStoragePoolLookupByName(T.conn, "tvea");
	assert_non_null(p);
	assert_int_equal(virStoragePoolIsActive(p), 1);
	assert_int_equal(virStoragePoolGetAutostart(p, &autostart), 0);
	assert_int_equal(autostart, 1);
	virStoragePoolFree(p);
	content = tve_backend_pool_content(T.b, 0, "tvea");
	assert_non_null(content);
	assert_string_equal(content, "images,iso,vztmpl");
	free(content);
	expect_vol("tvea", "nothing-here", false);

	spec.name = strdup("tvea");
	spec.type = strdup("dir");
	spec.path = strdup("/tmp");
	refused(tve_backend_pool_add(T.b, 0, &spec, &id, &err), &id, &err,
		"storage tvea already exists");
	tve_pool_spec_clear(&spec);
}

static void vol_create(void **state)
{
	virStorageVolInfo vi;
	char *id = NULL, *err = NULL, *fmt;

	(void)state;
	ok_task(tve_backend_vol_create(T.b, 0, "tvea", "vm-900-disk-0.qcow2", 256 * MIB,
				       TVE_FMT_QCOW2, &id, &err), &id, &err);
	ok_task(tve_backend_vol_create(T.b, 0, "tvea", "vm-900-disk-1.raw", 128 * MIB, TVE_FMT_RAW,
				       &id, &err), &id, &err);
	assert_int_equal(lv_vol("tvea", "vm-900-disk-0.qcow2", &vi, &fmt), 0);
	assert_string_equal(fmt, "qcow2");
	assert_int_equal(vi.capacity, 256 * MIB);
	diag("qcow2 of 256 MiB takes %llu KiB", vi.allocation / 1024);
	free(fmt);
	assert_int_equal(lv_vol("tvea", "vm-900-disk-1.raw", &vi, &fmt), 0);
	assert_string_equal(fmt, "raw");
	assert_int_equal(vi.capacity, 128 * MIB);
	free(fmt);
	expect_vol("tvea", "vm-900-disk-1.raw", true);
}

static void vol_resize(void **state)
{
	virStorageVolInfo vi;
	char *id = NULL, *err = NULL;

	(void)state;
	expect_vol("tvea", "vm-900-disk-0.qcow2", true);
	refused(tve_backend_vol_resize(T.b, 0, "tvea", "vm-900-disk-0.qcow2", 128 * MIB, &id, &err),
		&id, &err, "volumes only grow");
	ok_task(tve_backend_vol_resize(T.b, 0, "tvea", "vm-900-disk-0.qcow2", 512 * MIB, &id, &err), &id, &err);
	ok_task(tve_backend_vol_resize(T.b, 0, "tvea", "vm-900-disk-1.raw", 192 * MIB, &id, &err), &id, &err);
	assert_int_equal(lv_vol("tvea", "vm-900-disk-0.qcow2", &vi, NULL), 0);
	assert_int_equal(vi.capacity, 512 * MIB);
	assert_int_equal(lv_vol("tvea", "vm-900-disk-1.raw", &vi, NULL), 0);
	assert_int_equal(vi.capacity, 192 * MIB);
}

/* Fills the raw volume with 128 MiB of random data (the upload file,
 * twice) so the copy has something to carry. */
static void fill_raw(const char *path)
{
	assert_int_equal(run("dd if='%s' of='%s' bs=1M conv=notrunc status=none && "
			     "dd if='%s' of='%s' bs=1M seek=64 conv=notrunc status=none",
			     T.upload, path, T.upload, path), 0);
}

/* Cancels the task as soon as it can be cancelled; it must end with the
 * error "cancelled". */
static void cancel_task(char *id)
{
	long long deadline = now_ms() + 20000;
	struct tve_task_info info;
	char *err = NULL;
	bool cancelled = false;

	while (!cancelled && now_ms() < deadline) {
		if (tve_taskstore_info(tve_backend_tasks(T.b), id, &info) == 0) {
			if (info.cancellable) {
				assert_int_equal(tve_backend_task_cancel(T.b, id, &err), 0);
				cancelled = true;
			}
			if (info.status != TVE_TASK_RUNNING)
				deadline = 0;
			tve_task_info_free(&info);
		}
		usleep(1000);
	}
	assert_true(cancelled);
	assert_int_equal(watch_task(id, 60000, NULL, &err), TVE_TASK_ERROR);
	assert_non_null(err);
	assert_string_equal(err, "cancelled");
	free(err);
	free(id);
}

static void vol_copy_move(void **state)
{
	char *id = NULL, *err = NULL, *fmt, *src = vol_file(T.dir_a, "vm-900-disk-1.raw");
	char *dst = vol_file(T.dir_b, "vm-900-disk-1.raw"), *terr = NULL;
	virStorageVolInfo vi;
	struct seen seen;
	unsigned long long len;
	long long t0;

	(void)state;
	fill_raw(src);
	refused(tve_backend_vol_copy(T.b, 0, "tvea", "vm-900-disk-1.raw", "tvea", false, &id, &err),
		&id, &err, "choose another storage");
	/* libvirt cannot stop a copy: a cancelled one is deleted when done. */
	assert_int_equal(tve_backend_vol_copy(T.b, 0, "tvea", "vm-900-disk-1.raw", "tveb", false,
					      &id, &err), 0);
	cancel_task(id);
	assert_int_equal(lv_vol("tveb", "vm-900-disk-1.raw", &vi, NULL), -1);
	assert_int_equal(access(dst, F_OK), -1);
	expect_vol("tveb", "vm-900-disk-1.raw", 0);

	t0 = now_ms();
	assert_int_equal(tve_backend_vol_copy(T.b, 0, "tvea", "vm-900-disk-1.raw", "tveb", false,
					      &id, &err), 0);
	assert_int_equal(watch_task(id, 120000, &seen, &terr), TVE_TASK_OK);
	diag("copy of 128 MiB of data (192 MiB raw): %lld ms, %.0f MiB/s; progress seen: %.0f%% "
	     "\"%s\"", now_ms() - t0, 128.0 * 1000 / (double)(now_ms() - t0 + 1),
	     seen.max_progress * 100, seen.text);
	free(id);
	assert_true(files_equal(src, dst, &len));
	assert_int_equal(len, 192 * MIB);
	assert_int_equal(lv_vol("tveb", "vm-900-disk-1.raw", &vi, &fmt), 0);
	assert_string_equal(fmt, "raw");
	diag("the copy takes %llu MiB on disk (sparse kept)", vi.allocation / MIB);
	assert_true(vi.allocation < 192 * MIB);
	free(fmt);

	/* Move: copied, then the source deleted; the format stays qcow2. */
	ok_task(tve_backend_vol_copy(T.b, 0, "tvea", "vm-900-disk-0.qcow2", "tveb", true, &id, &err), &id, &err);
	assert_int_equal(lv_vol("tvea", "vm-900-disk-0.qcow2", &vi, NULL), -1);
	assert_int_equal(lv_vol("tveb", "vm-900-disk-0.qcow2", &vi, &fmt), 0);
	assert_string_equal(fmt, "qcow2");
	assert_int_equal(vi.capacity, 512 * MIB);
	free(fmt);
	expect_vol("tvea", "vm-900-disk-0.qcow2", false);
	expect_vol("tveb", "vm-900-disk-0.qcow2", true);
	free(src);
	free(dst);
}

static bool guest_with_disks(const struct tve_snapshot *s, const void *arg)
{
	const struct tve_guest *g = tve_snapshot_find_vmid(s, 900);

	(void)arg;
	return g && g->n_disks == 2;
}

static bool guest_paused(const struct tve_snapshot *s, const void *arg)
{
	const struct tve_guest *g = tve_snapshot_find_vmid(s, 900);

	(void)arg;
	return g && g->state == TVE_STATE_PAUSED;
}

static bool no_guest(const struct tve_snapshot *s, const void *arg)
{
	(void)arg;
	return tve_snapshot_find_vmid(s, 900) == NULL;
}

static void in_use_refused(void **state)
{
	char *xml = NULL, *id = NULL, *err = NULL, *raw = vol_file(T.dir_a, "vm-900-disk-1.raw");
	virDomainPtr dom;
	virStorageVolInfo vi;
	struct tve_snapshot *s;

	(void)state;
	/* A defined (not yet started) VM: one disk through the pool, one by
	 * its path. */
	assert_true(asprintf(&xml,
		"<domain type='%s'><name>tveuser</name>"
		"<metadata><tve:guest xmlns:tve='urn:tve:guest:1'><vmid>900</vmid></tve:guest>"
		"</metadata><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
		"<os><type arch='x86_64'>hvm</type></os><devices>"
		"<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>"
		"<source pool='tveb' volume='vm-900-disk-0.qcow2'/><target dev='vda' bus='virtio'/>"
		"</disk><disk type='file' device='disk'><driver name='qemu' type='raw'/>"
		"<source file='%s'/><target dev='vdb' bus='virtio'/></disk></devices></domain>",
		T.dom_type, raw) > 0);
	dom = virDomainDefineXML(T.conn, xml);
	if (!dom)
		fail_msg("define: %s", virGetLastErrorMessage());
	s = wait_snap(guest_with_disks, NULL, 15000);
	assert_non_null(s);
	tve_snapshot_unref(s);

	refused(tve_backend_vol_delete(T.b, 0, "tveb", "vm-900-disk-0.qcow2", &id, &err), &id, &err,
		"vm-900-disk-0.qcow2 is used by VM 900 (tveuser)");
	refused(tve_backend_vol_delete(T.b, 0, "tvea", "vm-900-disk-1.raw", &id, &err), &id, &err,
		"vm-900-disk-1.raw is used by VM 900 (tveuser)");
	refused(tve_backend_vol_copy(T.b, 0, "tveb", "vm-900-disk-0.qcow2", "tvea", true, &id, &err),
		&id, &err, "vm-900-disk-0.qcow2 is used by VM 900 (tveuser)");
	refused(tve_backend_pool_remove(T.b, 0, "tveb", false, &id, &err), &id, &err,
		"storage tveb is used by VM 900 (tveuser)");

	/* While it runs (paused: QEMU without an OS is enough), its QEMU
	 * grows the disk it holds locked. */
	if (virDomainCreateWithFlags(dom, VIR_DOMAIN_START_PAUSED) < 0)
		fail_msg("start: %s", virGetLastErrorMessage());
	s = wait_snap(guest_paused, NULL, 15000);
	assert_non_null(s);
	tve_snapshot_unref(s);
	ok_task(tve_backend_vol_resize(T.b, 0, "tveb", "vm-900-disk-0.qcow2", 768 * MIB, &id, &err),
		&id, &err);
	assert_int_equal(lv_vol("tveb", "vm-900-disk-0.qcow2", &vi, NULL), 0);
	assert_int_equal(vi.capacity, 768 * MIB);
	refused(tve_backend_vol_copy(T.b, 0, "tveb", "vm-900-disk-0.qcow2", "tvea", false, &id, &err),
		&id, &err, "used by VM 900 (tveuser), which is running; stop it first");
	refused(tve_backend_pool_set(T.b, 0, "tveb", false, false, &id, &err), &id, &err,
		"storage tveb cannot stop: VM 900 (tveuser) is running on it");
	assert_int_equal(virDomainDestroy(dom), 0);

	/* Once the guest is gone the volume can go. */
	assert_int_equal(virDomainUndefine(dom), 0);
	virDomainFree(dom);
	s = wait_snap(no_guest, NULL, 15000);
	assert_non_null(s);
	tve_snapshot_unref(s);
	ok_task(tve_backend_vol_delete(T.b, 0, "tveb", "vm-900-disk-0.qcow2", &id, &err), &id, &err);
	assert_int_equal(lv_vol("tveb", "vm-900-disk-0.qcow2", &(virStorageVolInfo){0}, NULL), -1);
	assert_int_not_equal(access(T.dir_b, F_OK), -1);
	free(xml);
	free(raw);
}

static void upload(void **state)
{
	char *id = NULL, *err = NULL, *terr = NULL, *file = vol_file(T.dir_a, "upload.iso");
	virStorageVolInfo vi;
	struct seen seen;
	unsigned long long len;
	long long t0 = now_ms();

	(void)state;
	assert_int_equal(tve_backend_vol_upload(T.b, 0, "tvea", T.upload, "upload.iso", &id, &err),
			 0);
	assert_int_equal(watch_task(id, 120000, &seen, &terr), TVE_TASK_OK);
	diag("upload of 64 MiB: %lld ms; progress seen: %.0f%% \"%s\", cancellable %d",
	     now_ms() - t0, seen.max_progress * 100, seen.text, seen.cancellable);
	free(id);
	assert_true(seen.max_progress > 0);
	assert_true(seen.text[0] != 0);
	assert_true(seen.cancellable);
	assert_true(files_equal(T.upload, file, &len));
	assert_int_equal(len, 64 * MIB);
	assert_int_equal(lv_vol("tvea", "upload.iso", &vi, NULL), 0);
	assert_int_equal(vi.capacity, 64 * MIB);
	expect_vol("tvea", "upload.iso", true);
	free(file);

	/* A cancelled upload leaves no volume. */
	file = vol_file(T.dir_a, "big.raw");
	assert_int_equal(tve_backend_vol_upload(T.b, 0, "tvea", T.big, "big.raw", &id, &err), 0);
	cancel_task(id);
	assert_int_equal(lv_vol("tvea", "big.raw", &vi, NULL), -1);
	assert_int_equal(access(file, F_OK), -1);
	free(file);
}

struct want_fig {
	const char *pool;
	unsigned long long cap, alloc, avail;
};

static bool figures_are(const struct tve_snapshot *s, const void *arg)
{
	const struct want_fig *w = arg;
	const struct tve_pool *p = tve_snapshot_find_pool(s, w->pool);

	return p && p->capacity == w->cap && p->allocation == w->alloc && p->available == w->avail;
}

/* tve's figures of pool (and its volumes) equal what virsh reports after
 * a refresh. */
static void check_figures(const char *pool)
{
	struct want_fig w = { pool, 0, 0, 0 };
	struct tve_snapshot *s;
	const struct tve_pool *p;
	char args[256];

	snprintf(args, sizeof(args), "pool-refresh %s", pool);
	virsh_bytes(args, "x");
	snprintf(args, sizeof(args), "pool-info --bytes %s", pool);
	w.cap = virsh_bytes(args, "Capacity:");
	w.alloc = virsh_bytes(args, "Allocation:");
	w.avail = virsh_bytes(args, "Available:");
	assert_int_not_equal(w.cap, ~0ULL);
	diag("virsh pool-info %s: capacity %llu allocation %llu available %llu", pool, w.cap,
	     w.alloc, w.avail);
	s = wait_snap(figures_are, &w, 15000);
	if (!s) {
		s = tve_backend_snapshot(T.b, 0);
		p = tve_snapshot_find_pool(s, pool);
		fail_msg("tve shows %s: capacity %llu allocation %llu available %llu", pool,
			 p ? p->capacity : 0, p ? p->allocation : 0, p ? p->available : 0);
	}
	p = tve_snapshot_find_pool(s, pool);
	for (size_t i = 0; i < p->n_volumes; i++) {
		const struct tve_volume *v = &p->volumes[i];

		snprintf(args, sizeof(args), "vol-info --bytes --pool %s %s", pool, v->name);
		diag("  %s: tve %llu/%llu, virsh %llu/%llu", v->name, v->capacity, v->allocation,
		     virsh_bytes(args, "Capacity:"), virsh_bytes(args, "Allocation:"));
		assert_int_equal(v->capacity, virsh_bytes(args, "Capacity:"));
		assert_int_equal(v->allocation, virsh_bytes(args, "Allocation:"));
	}
	tve_snapshot_unref(s);
}

static void figures(void **state)
{
	(void)state;
	check_figures("tvea");
	check_figures("tveb");
}

static void pool_set(void **state)
{
	char *id = NULL, *err = NULL;
	virStoragePoolPtr p;

	(void)state;
	ok_task(tve_backend_pool_set(T.b, 0, "tveb", false, true, &id, &err), &id, &err);
	expect_pool("tveb", 1, 0, 1);
	p = virStoragePoolLookupByName(T.conn, "tveb");
	assert_int_equal(virStoragePoolIsActive(p), 0);
	ok_task(tve_backend_pool_set(T.b, 0, "tveb", true, false, &id, &err), &id, &err);
	expect_pool("tveb", 1, 1, 0);
	assert_int_equal(virStoragePoolIsActive(p), 1);
	virStoragePoolFree(p);
}

/* ---- LVM on a loop device ---- */

static bool have_device_mapper(void)
{
	return run("grep -q device-mapper /proc/misc") == 0;
}

static void lvm_pool(void **state)
{
	struct tve_pool_spec spec = {0};
	char *id = NULL, *err = NULL;

	(void)state;
	if (!T.loop || !*T.loop || !T.vg) {
		diag("SKIP: no loop device for LVM (lvm2 missing or losetup failed)");
		skip();
	}
	spec.name = strdup("tvelvm");
	spec.type = strdup("logical");
	spec.source = strdup(T.vg);
	spec.devices = strdup(T.loop);
	spec.content = strdup("images,rootdir");
	spec.build = spec.active = true;
	ok_task(tve_backend_pool_add(T.b, 0, &spec, &id, &err), &id, &err);
	T.lvm_made = true;
	assert_int_equal(run("vgs '%s' >/dev/null 2>&1", T.vg), 0);
	tve_pool_spec_clear(&spec);
	expect_pool("tvelvm", 1, 1, 0);
	check_figures("tvelvm");
	refused(tve_backend_vol_create(T.b, 0, "tvelvm", "vm-901-disk-0", 16 * MIB, TVE_FMT_QCOW2,
				       &id, &err), &id, &err, "cannot hold qcow2 volumes (raw only)");
}

static void lvm_volume(void **state)
{
	char *id = NULL, *err = NULL, *terr = NULL;
	virStorageVolInfo vi;

	(void)state;
	if (!T.lvm_made) {
		diag("SKIP: no LVM pool was made");
		skip();
	}
	assert_int_equal(tve_backend_vol_create(T.b, 0, "tvelvm", "vm-901-disk-0", 16 * MIB,
						TVE_FMT_RAW, &id, &err), 0);
	if (!have_device_mapper()) {
		/* lvcreate needs the kernel's device-mapper: the task fails
		 * with lvm's reason, and nothing is left. */
		assert_int_equal(watch_task(id, 60000, NULL, &terr), TVE_TASK_ERROR);
		diag("without device-mapper: %s", terr);
		assert_non_null(strstr(terr, "device-mapper"));
		assert_null(strchr(terr, '\n'));
		assert_int_equal(lv_vol("tvelvm", "vm-901-disk-0", &vi, NULL), -1);
		free(terr);
		free(id);
		diag("SKIP: this kernel has no device-mapper: LVM cannot make logical volumes");
		skip();
	}
	ok_task(0, &id, &err);
	assert_int_equal(lv_vol("tvelvm", "vm-901-disk-0", &vi, NULL), 0);
	assert_int_equal(vi.capacity, 16 * MIB);
	assert_int_equal(run("lvs '%s/vm-901-disk-0' >/dev/null 2>&1", T.vg), 0);
	expect_vol("tvelvm", "vm-901-disk-0", true);
	ok_task(tve_backend_vol_delete(T.b, 0, "tvelvm", "vm-901-disk-0", &id, &err), &id, &err);
	assert_int_equal(lv_vol("tvelvm", "vm-901-disk-0", &vi, NULL), -1);
}

static void lvm_remove(void **state)
{
	char *id = NULL, *err = NULL;

	(void)state;
	if (!T.lvm_made) {
		diag("SKIP: no LVM pool was made");
		skip();
	}
	ok_task(tve_backend_pool_remove(T.b, 0, "tvelvm", true, &id, &err), &id, &err);
	expect_pool("tvelvm", 0, -1, -1);
	assert_int_not_equal(run("vgs '%s' >/dev/null 2>&1", T.vg), 0);
	assert_int_not_equal(run("pvs '%s' >/dev/null 2>&1", T.loop), 0);
	T.lvm_made = false;
}

static void pool_remove(void **state)
{
	char *id = NULL, *err = NULL, *content, *kept = vol_file(T.dir_b, "vm-900-disk-1.raw");

	(void)state;
	/* With its data: every volume, then the directory. */
	ok_task(tve_backend_pool_remove(T.b, 0, "tvea", true, &id, &err), &id, &err);
	expect_pool("tvea", 0, -1, -1);
	assert_int_equal(access(T.dir_a, F_OK), -1);
	assert_null(virStoragePoolLookupByName(T.conn, "tvea"));
	virResetLastError();
	content = tve_backend_pool_content(T.b, 0, "tvea");
	assert_null(content);
	/* Without: the definition goes, the files stay. */
	ok_task(tve_backend_pool_remove(T.b, 0, "tveb", false, &id, &err), &id, &err);
	expect_pool("tveb", 0, -1, -1);
	assert_int_equal(access(kept, F_OK), 0);
	free(kept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(node_ready),
		cmocka_unit_test(pool_add_dir),
		cmocka_unit_test(vol_create),
		cmocka_unit_test(vol_resize),
		cmocka_unit_test(vol_copy_move),
		cmocka_unit_test(in_use_refused),
		cmocka_unit_test(upload),
		cmocka_unit_test(figures),
		cmocka_unit_test(pool_set),
		cmocka_unit_test(lvm_pool),
		cmocka_unit_test(lvm_volume),
		cmocka_unit_test(lvm_remove),
		cmocka_unit_test(pool_remove),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
