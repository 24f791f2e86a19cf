/* storage_spec.c - what the Add Storage wizard produces: the checks of a
 * struct tve_pool_spec and the <pool> XML it becomes.
 *
 * Pure code like spec_*.c: what the node offers (pool names in use, pool
 * types its libvirt has drivers for) comes from its snapshot. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "util.h"
#include "xmlbuf.h"

void tve_pool_spec_clear(struct tve_pool_spec *s)
{
	if (!s)
		return;
	free(s->name);
	free(s->type);
	free(s->path);
	free(s->host);
	free(s->source);
	free(s->devices);
	free(s->content);
	memset(s, 0, sizeof(*s));
}

/* ---- the types tve knows ---- */

enum {
	F_PATH = 1 << 0,	/* target path required */
	F_HOST = 1 << 1,
	F_SOURCE = 1 << 2,
	F_BLOCK = 1 << 3,	/* holds raw block volumes: content images,rootdir */
	F_BUILD_DEV = 1 << 4,	/* build writes on devices: needs them listed */
};

static const struct pool_type {
	const char *name;
	unsigned flags;
	const char *source_what;	/* what "source" is, for messages */
} pool_types[] = {
	{ "dir", F_PATH, NULL },
	{ "fs", F_PATH | F_SOURCE, "block device" },
	{ "netfs", F_PATH | F_HOST | F_SOURCE, "export path" },
	{ "logical", F_SOURCE | F_BLOCK | F_BUILD_DEV, "volume group" },
	{ "iscsi", F_HOST | F_SOURCE | F_BLOCK, "target IQN" },
	{ "zfs", F_SOURCE | F_BLOCK | F_BUILD_DEV, "ZFS pool" },
	{ "rbd", F_HOST | F_SOURCE | F_BLOCK, "Ceph pool" },
	{ "disk", F_SOURCE | F_BLOCK | F_BUILD_DEV, "disk device" },
};

static const struct pool_type *find_type(const char *name)
{
	for (size_t i = 0; name && i < TVE_ARRAY_SIZE(pool_types); i++)
		if (strcmp(pool_types[i].name, name) == 0)
			return &pool_types[i];
	return NULL;
}

static bool empty(const char *s)
{
	return !s || !*s;
}

/* ---- field rules ---- */

/* Proxmox storage IDs: a letter, then letters, digits, '-', '_', '.';
 * ending in a letter or digit.  libvirt would take more, but '/' and
 * spaces would break "pool/volume" references. */
static char *check_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0)
		return tve_xstrdup("a storage needs a name");
	if (n > 64)
		return tve_xstrdup("the name is longer than 64 characters");
	if (!isalpha((unsigned char)name[0]))
		return tve_xasprintf("the name must start with a letter, not '%c'", name[0]);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];

		if (!isalnum(c) && c != '-' && c != '_' && c != '.')
			return tve_xasprintf("'%c' is not allowed in a name (letters, digits, - _ .)",
					     c);
	}
	if (!isalnum((unsigned char)name[n - 1]))
		return tve_xstrdup("the name must end with a letter or digit");
	return NULL;
}

static char *check_abs(const char *what, const char *path)
{
	if (empty(path))
		return tve_xasprintf("%s is required", what);
	if (path[0] != '/')
		return tve_xasprintf("%s must be an absolute path, not '%s'", what, path);
	if (strstr(path, "/../") || strcmp(path + strlen(path) - 3 * (strlen(path) >= 3), "/..") == 0)
		return tve_xasprintf("%s must not contain '..'", what);
	for (const char *p = path; *p; p++)
		if ((unsigned char)*p < 0x20)
			return tve_xasprintf("%s contains a control character", what);
	return NULL;
}

/* A host name or an IPv4/IPv6 address: letters, digits, '-', '.', ':'
 * (and brackets around IPv6). */
static char *check_host(const char *host)
{
	if (empty(host))
		return tve_xstrdup("the server is required");
	for (const char *p = host; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!isalnum(c) && !strchr("-.:[]", c))
			return tve_xasprintf("'%c' is not allowed in a server name", c);
	}
	return NULL;
}

/* Volume group, ZFS and Ceph pool names: no spaces or slashes. */
static char *check_simple_name(const char *what, const char *s)
{
	if (empty(s))
		return tve_xasprintf("the %s is required", what);
	if (s[0] == '-')
		return tve_xasprintf("the %s must not start with '-'", what);
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (!isalnum(c) && !strchr("-_.+", c))
			return tve_xasprintf("'%c' is not allowed in the %s", c, what);
	}
	return NULL;
}

/* Calls fn for every word of a list separated by commas or spaces; stops
 * at the first message. */
static char *each_word(const char *list, char *(*fn)(const char *word, void *), void *opaque)
{
	char *copy = tve_xstrdup(list ? list : ""), *save = NULL, *msg = NULL;

	for (char *w = strtok_r(copy, ", \t", &save); w && !msg; w = strtok_r(NULL, ", \t", &save))
		msg = fn(w, opaque);
	free(copy);
	return msg;
}

static char *check_host_word(const char *word, void *opaque)
{
	(void)opaque;
	return check_host(word);
}

static char *check_device(const char *word, void *opaque)
{
	(void)opaque;
	return check_abs("a device", word);
}

static char *check_content_word(const char *word, void *opaque)
{
	const struct pool_type *t = opaque;
	static const char *const all[] = { "images", "iso", "vztmpl", "backup", "rootdir", "snippets" };

	for (size_t i = 0; i < TVE_ARRAY_SIZE(all); i++) {
		if (strcmp(word, all[i]) != 0)
			continue;
		if ((t->flags & F_BLOCK) && strcmp(word, "images") != 0 &&
		    strcmp(word, "rootdir") != 0)
			return tve_xasprintf("%s storage holds disk images only (images, rootdir), "
					     "not %s", t->name, word);
		return NULL;
	}
	return tve_xasprintf("unknown content type '%s' (images, iso, vztmpl, backup, rootdir, "
			     "snippets)", word);
}

static char *check_iqn(const char *iqn)
{
	if (empty(iqn))
		return tve_xstrdup("the target (IQN) is required");
	if (strncmp(iqn, "iqn.", 4) && strncmp(iqn, "eui.", 4) && strncmp(iqn, "naa.", 4))
		return tve_xasprintf("'%s' is not an iSCSI name (iqn.YYYY-MM.domain:name)", iqn);
	for (const char *p = iqn; *p; p++)
		if (isspace((unsigned char)*p))
			return tve_xstrdup("the target (IQN) must not contain spaces");
	return NULL;
}

/* What the node's libvirt says about the type: NULL when usable (or when
 * the node did not say).  Debian ships each optional storage driver as
 * libvirt-daemon-driver-storage-TYPE (zfs, rbd, iscsi-direct, gluster). */
static char *check_node_type(const struct pool_type *t, const struct tve_snapshot *node)
{
	const struct tve_node_caps *c = &node->caps;

	if (!node->has_caps || (!c->n_pool_types && !c->n_pool_types_missing))
		return NULL;
	if (tve_strlist_has(c->n_pool_types, c->pool_types, t->name))
		return NULL;
	if (tve_strlist_has(c->n_pool_types_missing, c->pool_types_missing, t->name))
		return tve_xasprintf("%s storage needs libvirt-daemon-driver-storage-%s on %s",
				     t->name, t->name, node->node);
	return tve_xasprintf("%s storage is not supported by libvirt on %s", t->name, node->node);
}

char *tve_pool_spec_check(const struct tve_pool_spec *s, const struct tve_snapshot *node)
{
	const struct pool_type *t;
	char *msg;

	if ((msg = check_name(s->name)))
		return msg;
	if (node && tve_snapshot_find_pool(node, s->name))
		return tve_xasprintf("storage %s already exists on %s", s->name, node->node);
	if (!(t = find_type(s->type)))
		return tve_xasprintf("unknown storage type '%s'", s->type ? s->type : "");
	if (node && (msg = check_node_type(t, node)))
		return msg;

	if (strcmp(t->name, "rbd") == 0) {
		if (empty(s->host))
			return tve_xstrdup("the monitor host is required");
		if ((msg = each_word(s->host, check_host_word, NULL)))
			return msg;
	} else if ((t->flags & F_HOST) && (msg = check_host(s->host))) {
		return msg;
	}
	if (strcmp(t->name, "dir") == 0) {
		if ((msg = check_abs("the directory", s->path)))
			return msg;
	} else if (strcmp(t->name, "fs") == 0) {
		if ((msg = check_abs("the device", s->source)) ||
		    (msg = check_abs("the mount point", s->path)))
			return msg;
	} else if (strcmp(t->name, "netfs") == 0) {
		if ((msg = check_abs("the export", s->source)) ||
		    (msg = check_abs("the mount point", s->path)))
			return msg;
	} else if (strcmp(t->name, "iscsi") == 0) {
		if ((msg = check_iqn(s->source)))
			return msg;
		if (!empty(s->path) && (msg = check_abs("the device directory", s->path)))
			return msg;
	} else if (strcmp(t->name, "disk") == 0) {
		if ((msg = check_abs("the disk device", s->source)))
			return msg;
		if (!empty(s->path) && (msg = check_abs("the device directory", s->path)))
			return msg;
	} else if ((msg = check_simple_name(t->source_what, s->source))) {
		return msg;	/* logical, zfs, rbd */
	}
	if (!empty(s->devices)) {
		if (!(t->flags & F_BUILD_DEV))
			return tve_xasprintf("%s storage takes no devices", t->name);
		if ((msg = each_word(s->devices, check_device, NULL)))
			return msg;
	}
	if (s->build && (t->flags & F_BUILD_DEV) && strcmp(t->name, "disk") != 0 &&
	    empty(s->devices))
		return tve_xasprintf("making the %s needs its devices", t->source_what);
	return each_word(s->content, check_content_word, (void *)t);
}

/* ---- XML ---- */

static char *put_device(const char *word, void *opaque)
{
	tve_xb_printf(opaque, "    <device path='%s'/>\n", word);
	return NULL;
}

static char *put_host(const char *word, void *opaque)
{
	tve_xb_printf(opaque, "    <host name='%s'/>\n", word);
	return NULL;
}

char *tve_pool_spec_xml(const struct tve_pool_spec *s)
{
	const struct pool_type *t = find_type(s->type);
	struct tve_xb b = { 0 };
	const char *ty;

	if (!t || empty(s->name))
		return NULL;
	ty = t->name;
	tve_xb_printf(&b, "<pool type='%s'>\n  <name>%s</name>\n", ty, s->name);
	if (strcmp(ty, "dir") == 0) {
		/* no <source> */
	} else if (strcmp(ty, "fs") == 0) {
		tve_xb_printf(&b, "  <source>\n    <device path='%s'/>\n    <format type='auto'/>\n"
			   "  </source>\n", s->source);
	} else if (strcmp(ty, "netfs") == 0) {
		tve_xb_printf(&b, "  <source>\n    <host name='%s'/>\n    <dir path='%s'/>\n"
			   "    <format type='nfs'/>\n  </source>\n", s->host, s->source);
	} else if (strcmp(ty, "logical") == 0) {
		tve_xb_printf(&b, "  <source>\n    <name>%s</name>\n", s->source);
		each_word(s->devices, put_device, &b);
		tve_xb_printf(&b, "    <format type='lvm2'/>\n  </source>\n");
	} else if (strcmp(ty, "iscsi") == 0) {
		tve_xb_printf(&b, "  <source>\n    <host name='%s'/>\n    <device path='%s'/>\n"
			   "  </source>\n", s->host, s->source);
	} else if (strcmp(ty, "zfs") == 0) {
		tve_xb_printf(&b, "  <source>\n    <name>%s</name>\n", s->source);
		each_word(s->devices, put_device, &b);
		tve_xb_printf(&b, "  </source>\n");
	} else if (strcmp(ty, "rbd") == 0) {
		tve_xb_printf(&b, "  <source>\n");
		each_word(s->host, put_host, &b);
		tve_xb_printf(&b, "    <name>%s</name>\n  </source>\n", s->source);
	} else if (strcmp(ty, "disk") == 0) {
		tve_xb_printf(&b, "  <source>\n    <device path='%s'/>\n  </source>\n", s->source);
	}
	/* Where the volumes appear on the host; zfs and rbd have none. */
	if (strcmp(ty, "logical") == 0)
		tve_xb_printf(&b, "  <target>\n    <path>/dev/%s</path>\n  </target>\n", s->source);
	else if (strcmp(ty, "iscsi") == 0)
		tve_xb_printf(&b, "  <target>\n    <path>%s</path>\n  </target>\n",
		       empty(s->path) ? "/dev/disk/by-path" : s->path);
	else if (strcmp(ty, "disk") == 0)
		tve_xb_printf(&b, "  <target>\n    <path>%s</path>\n  </target>\n",
		       empty(s->path) ? "/dev" : s->path);
	else if (t->flags & F_PATH)
		tve_xb_printf(&b, "  <target>\n    <path>%s</path>\n  </target>\n", s->path);
	tve_xb_printf(&b, "</pool>\n");
	return b.s;
}
