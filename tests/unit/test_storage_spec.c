/* test_storage_spec.c - Add Storage specs: tve_pool_spec_check accepts a
 * good spec of every type and says why a bad one is wrong; tve_pool_spec_xml
 * gives the goldens tests/golden/pool-*.xml (TVE_UPDATE_GOLDEN=1 rewrites
 * them; tests/unit/test_pool_golden.sh checks them with virt-xml-validate
 * and libvirt's test driver). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden.h"
#include "backend.h"
#include "util.h"

static struct tve_snapshot *node;

static int setup(void **state)
{
	struct tve_pool *p;

	(void)state;
	node = tve_snapshot_new("pve1", "qemu:///system");
	node->state = TVE_NODE_ONLINE;
	p = tve_snapshot_add_pool(node);
	p->name = tve_xstrdup("local");
	p->type = tve_xstrdup("dir");
	node->has_caps = true;
	for (const char *const *t = (const char *const[]){ "dir", "fs", "netfs", "logical", "disk",
							   "iscsi", "scsi", "mpath", NULL };
	     *t; t++)
		tve_strlist_add(&node->caps.n_pool_types, &node->caps.pool_types, *t);
	for (const char *const *t = (const char *const[]){ "zfs", "rbd", "gluster",
							   "iscsi-direct", NULL };
	     *t; t++)
		tve_strlist_add(&node->caps.n_pool_types_missing, &node->caps.pool_types_missing, *t);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tve_snapshot_unref(node);
	return 0;
}

/* A spec from name=value pairs: name type path host source devices
 * content, "build", "active", "autostart". */
static void spec(struct tve_pool_spec *s, const char *type, const char *name, ...)
{
	va_list ap;
	const char *k;

	memset(s, 0, sizeof(*s));
	s->type = tve_xstrdup(type);
	s->name = tve_xstrdup(name);
	va_start(ap, name);
	while ((k = va_arg(ap, const char *))) {
		const char *eq = strchr(k, '=');
		char **f = NULL;

		if (strcmp(k, "build") == 0) {
			s->build = true;
			continue;
		}
		if (strcmp(k, "active") == 0) {
			s->active = true;
			continue;
		}
		assert_non_null(eq);
		if (strncmp(k, "path=", 5) == 0) f = &s->path;
		else if (strncmp(k, "host=", 5) == 0) f = &s->host;
		else if (strncmp(k, "source=", 7) == 0) f = &s->source;
		else if (strncmp(k, "devices=", 8) == 0) f = &s->devices;
		else if (strncmp(k, "content=", 8) == 0) f = &s->content;
		assert_non_null(f);
		*f = tve_xstrdup(eq + 1);
	}
	va_end(ap);
}

/* NULL expected: the spec is fine; else the message must contain want. */
static void expect(struct tve_pool_spec *s, const char *want)
{
	char *msg = tve_pool_spec_check(s, node);

	if (!want && msg)
		fail_msg("%s %s refused: %s", s->type, s->name, msg);
	if (want && !msg)
		fail_msg("%s %s accepted, wanted '%s'", s->type, s->name, want);
	if (want && !strstr(msg, want))
		fail_msg("%s %s: '%s' does not say '%s'", s->type, s->name, msg, want);
	free(msg);
	tve_pool_spec_clear(s);
}

static void test_good_every_type(void **state)
{
	struct tve_pool_spec s;

	(void)state;
	spec(&s, "dir", "backup1", "path=/srv/backup", "content=backup,iso,vztmpl", "build", NULL);
	expect(&s, NULL);
	spec(&s, "fs", "data", "source=/dev/sdb1", "path=/mnt/data", NULL);
	expect(&s, NULL);
	spec(&s, "netfs", "nfs-iso", "host=nas.example.com", "source=/export/iso",
	     "path=/mnt/pve/nfs-iso", "content=iso", NULL);
	expect(&s, NULL);
	spec(&s, "logical", "local-lvm", "source=pve", "content=images,rootdir", NULL);
	expect(&s, NULL);
	spec(&s, "logical", "vg2", "source=vg2", "devices=/dev/sdc, /dev/sdd", "build", NULL);
	expect(&s, NULL);
	spec(&s, "iscsi", "san", "host=10.0.0.5", "source=iqn.2003-01.org.example:storage.disk1",
	     NULL);
	expect(&s, NULL);
	spec(&s, "disk", "sdx", "source=/dev/sdx", NULL);
	expect(&s, NULL);
	/* Unknown caps: zfs and rbd pass on a node that did not say. */
	node->has_caps = false;
	spec(&s, "zfs", "tank", "source=tank", NULL);
	expect(&s, NULL);
	spec(&s, "rbd", "ceph", "host=mon1 mon2,10.0.0.3", "source=rbd", NULL);
	expect(&s, NULL);
	node->has_caps = true;
	/* And with no node at all only the spec itself is checked. */
	spec(&s, "dir", "local", "path=/var/lib/vz", NULL);
	assert_null(tve_pool_spec_check(&s, NULL));
	tve_pool_spec_clear(&s);
}

static void test_bad_names_and_types(void **state)
{
	struct tve_pool_spec s;

	(void)state;
	spec(&s, "dir", "", "path=/x", NULL);
	expect(&s, "needs a name");
	spec(&s, "dir", "1st", "path=/x", NULL);
	expect(&s, "start with a letter");
	spec(&s, "dir", "my pool", "path=/x", NULL);
	expect(&s, "' ' is not allowed");
	spec(&s, "dir", "a/b", "path=/x", NULL);
	expect(&s, "'/' is not allowed");
	spec(&s, "dir", "pool-", "path=/x", NULL);
	expect(&s, "end with a letter or digit");
	spec(&s, "dir", "local", "path=/x", NULL);
	expect(&s, "storage local already exists on pve1");
	spec(&s, "btrfs", "b1", "path=/x", NULL);
	expect(&s, "unknown storage type 'btrfs'");
	/* Known to libvirt, driver not installed: names the package. */
	spec(&s, "zfs", "tank", "source=tank", NULL);
	expect(&s, "zfs storage needs libvirt-daemon-driver-storage-zfs on pve1");
	spec(&s, "rbd", "ceph", "host=mon1", "source=rbd", NULL);
	expect(&s, "libvirt-daemon-driver-storage-rbd");
}

static void test_bad_fields(void **state)
{
	struct tve_pool_spec s;

	(void)state;
	spec(&s, "dir", "d1", NULL);
	expect(&s, "the directory is required");
	spec(&s, "dir", "d1", "path=var/lib/vz", NULL);
	expect(&s, "must be an absolute path");
	spec(&s, "dir", "d1", "path=/var/../etc", NULL);
	expect(&s, "must not contain '..'");
	spec(&s, "dir", "d1", "path=/srv", "devices=/dev/sdb", NULL);
	expect(&s, "takes no devices");
	spec(&s, "dir", "d1", "path=/srv", "content=images,pictures", NULL);
	expect(&s, "unknown content type 'pictures'");
	spec(&s, "fs", "f1", "path=/mnt/x", NULL);
	expect(&s, "the device is required");
	spec(&s, "fs", "f1", "source=/dev/sdb1", NULL);
	expect(&s, "the mount point is required");
	spec(&s, "netfs", "n1", "source=/export", "path=/mnt/n1", NULL);
	expect(&s, "the server is required");
	spec(&s, "netfs", "n1", "host=nas;rm", "source=/export", "path=/mnt/n1", NULL);
	expect(&s, "';' is not allowed in a server name");
	spec(&s, "netfs", "n1", "host=nas", "source=export", "path=/mnt/n1", NULL);
	expect(&s, "the export must be an absolute path");
	spec(&s, "logical", "l1", NULL);
	expect(&s, "the volume group is required");
	spec(&s, "logical", "l1", "source=-vg", NULL);
	expect(&s, "must not start with '-'");
	spec(&s, "logical", "l1", "source=vg0", "build", NULL);
	expect(&s, "making the volume group needs its devices");
	spec(&s, "logical", "l1", "source=vg0", "devices=sdb", "build", NULL);
	expect(&s, "a device must be an absolute path");
	spec(&s, "logical", "l1", "source=vg0", "content=iso", NULL);
	expect(&s, "logical storage holds disk images only");
	spec(&s, "iscsi", "i1", "host=san", "source=target1", NULL);
	expect(&s, "is not an iSCSI name");
	spec(&s, "iscsi", "i1", "source=iqn.2003-01.org.example:t", NULL);
	expect(&s, "the server is required");
	spec(&s, "iscsi", "i1", "host=san", "source=iqn.2003-01.org.example:t", "path=dev", NULL);
	expect(&s, "the device directory must be an absolute path");
	spec(&s, "disk", "k1", "source=sdb", NULL);
	expect(&s, "the disk device must be an absolute path");
	node->has_caps = false;
	spec(&s, "zfs", "z1", NULL);
	expect(&s, "the ZFS pool is required");
	spec(&s, "zfs", "z1", "source=tank", "build", NULL);
	expect(&s, "making the ZFS pool needs its devices");
	spec(&s, "rbd", "r1", "source=rbd", NULL);
	expect(&s, "the monitor host is required");
	spec(&s, "rbd", "r1", "host=mon1", NULL);
	expect(&s, "the Ceph pool is required");
	node->has_caps = true;
}

/* ---- goldens ---- */

static void golden(struct tve_pool_spec *s, const char *name)
{
	char *text, *msg;

	node->has_caps = false;	/* zfs/rbd too */
	msg = tve_pool_spec_check(s, node);
	node->has_caps = true;
	if (msg)
		fail_msg("%s: %s", name, msg);
	text = tve_pool_spec_xml(s);
	golden_check(name, text);
	free(text);
	tve_pool_spec_clear(s);
}

static void test_xml_goldens(void **state)
{
	struct tve_pool_spec s;

	(void)state;
	spec(&s, "dir", "backup1", "path=/srv/backup & more", "build", NULL);
	golden(&s, "pool-dir.xml");
	spec(&s, "fs", "data", "source=/dev/sdb1", "path=/mnt/data", NULL);
	golden(&s, "pool-fs.xml");
	spec(&s, "netfs", "nfs-iso", "host=nas.example.com", "source=/export/iso",
	     "path=/mnt/pve/nfs-iso", NULL);
	golden(&s, "pool-netfs.xml");
	spec(&s, "logical", "local-lvm", "source=pve", "devices=/dev/sdc,/dev/sdd", "build", NULL);
	golden(&s, "pool-logical.xml");
	spec(&s, "iscsi", "san", "host=10.0.0.5", "source=iqn.2003-01.org.example:storage.disk1",
	     NULL);
	golden(&s, "pool-iscsi.xml");
	spec(&s, "zfs", "tank", "source=tank", NULL);
	golden(&s, "pool-zfs.xml");
	spec(&s, "rbd", "ceph", "host=mon1 mon2", "source=rbd", NULL);
	golden(&s, "pool-rbd.xml");
	spec(&s, "disk", "sdx", "source=/dev/sdx", NULL);
	golden(&s, "pool-disk.xml");
}

static void test_xml_unknown_type(void **state)
{
	struct tve_pool_spec s;

	(void)state;
	spec(&s, "btrfs", "b", "path=/x", NULL);
	assert_null(tve_pool_spec_xml(&s));
	tve_pool_spec_clear(&s);
	tve_pool_spec_clear(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_every_type),
		cmocka_unit_test(test_bad_names_and_types),
		cmocka_unit_test(test_bad_fields),
		cmocka_unit_test(test_xml_goldens),
		cmocka_unit_test(test_xml_unknown_type),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
