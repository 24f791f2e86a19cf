/* ct_rootfs.c - a container's root disk from a template: extract it, apply
 * the spec (hostname, hosts, DNS, eth0, root password, SSH keys), shift
 * owners for an unprivileged container, then mkfs.ext4 -d into the image.
 *
 * The template is untrusted: files are written inside the extracted tree
 * only through directory descriptors opened without following symbolic
 * links, so an "etc -> /etc" in a tarball cannot lead out of the tree. */
#include <crypt.h>
#include <dirent.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "ct_rootfs.h"
#include "util.h"

#define HOST_RESOLV_CONF "/etc/resolv.conf"
#define MAX_FILE (16 << 20)

struct build {
	const struct tve_ct_spec *s;
	struct tve_task *task;
	int root;		/* the extracted tree */
	char **err;
};

static bool empty(const char *s)
{
	return !s || !*s;
}

/* ---- files inside the tree ------------------------------------------------ */

/* Opens directory rel ("etc/network") under dirfd one component at a time,
 * never following a symbolic link; with create, missing components are
 * made with mode.  -1 with errno. */
static int open_dir(int dirfd, const char *rel, bool create, mode_t mode)
{
	int fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0), e;
	char *copy = tve_xstrdup(rel), *save = NULL;

	for (char *c = strtok_r(copy, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
		int next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && create && (mkdirat(fd, c, mode) == 0 || errno == EEXIST))
			next = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		e = errno;
		close(fd);
		errno = e;
		fd = next;
	}
	free(copy);
	return fd;
}

/* The content of the regular file name in dirfd (a link there is not
 * followed), or NULL with errno (ENOENT: missing). */
static char *read_at(int dirfd, const char *name, struct stat *st)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	char *buf = NULL;
	size_t len = 0;
	ssize_t n;
	struct stat sb;

	if (!st)
		st = &sb;
	if (fd < 0)
		return NULL;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) || st->st_size > MAX_FILE) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	buf = tve_xmalloc((size_t)st->st_size + 1);
	while (len < (size_t)st->st_size && (n = read(fd, buf + len, (size_t)st->st_size - len)) > 0)
		len += (size_t)n;
	buf[len] = 0;
	close(fd);
	return buf;
}

/* Replaces name in dirfd by a regular file holding data, atomically; a
 * symbolic link there is replaced, not followed. */
static int write_at(int dirfd, const char *name, const char *data, mode_t mode, uid_t uid, gid_t gid)
{
	char *tmp = tve_xasprintf(".%s.tve-new", name);
	size_t len = strlen(data), off = 0;
	int fd, e = 0;

	unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		e = errno;
		goto out;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			break;
		}
		off += (size_t)n;
	}
	if (!e && (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0))
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (!e && renameat(dirfd, tmp, dirfd, name) < 0)
		e = errno;
	if (e)
		unlinkat(dirfd, tmp, 0);
out:
	free(tmp);
	errno = e;
	return e ? -1 : 0;
}

/* Writes rel ("etc/hostname") of the tree; its directory must exist
 * unless mkdir_mode is set. */
static int put_file(struct build *b, const char *rel, const char *data, mode_t mode, mode_t mkdir_mode)
{
	const char *slash = strrchr(rel, '/');
	char *dir = tve_xasprintf("%.*s", slash ? (int)(slash - rel) : 0, rel);
	int dfd = *dir ? open_dir(b->root, dir, mkdir_mode != 0, mkdir_mode)
		       : fcntl(b->root, F_DUPFD_CLOEXEC, 0);
	int rc = -1;

	if (dfd < 0)
		tve_set_err(b->err, "template: /%s: %s", dir,
			    errno == ELOOP || errno == ENOTDIR ? "not a directory (a link?)" : strerror(errno));
	else if (write_at(dfd, slash ? slash + 1 : rel, data, mode, 0, 0) < 0)
		tve_set_err(b->err, "cannot write /%s: %s", rel, strerror(errno));
	else
		rc = 0;
	if (dfd >= 0)
		close(dfd);
	free(dir);
	return rc;
}

static bool exists_in(int root, const char *rel)
{
	struct stat st;
	return fstatat(root, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Appends to a growing string. */
static void cat(char **s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cat(char **s, const char *fmt, ...)
{
	va_list ap;
	char *add, *n;

	va_start(ap, fmt);
	add = tve_xvasprintf(fmt, ap);
	va_end(ap);
	n = tve_xasprintf("%s%s", *s ? *s : "", add);
	free(add);
	free(*s);
	*s = n;
}

/* ---- the spec's settings -------------------------------------------------- */

/* The address part of "10.0.0.5/24". */
static char *cidr_addr(const char *cidr)
{
	return tve_xasprintf("%.*s", (int)strcspn(cidr, "/"), cidr);
}

static int apply_hostname(struct build *b)
{
	const struct tve_ct_spec *s = b->s;
	char *name = empty(s->hostname) ? tve_xasprintf("CT%d", s->vmid) : tve_xstrdup(s->hostname);
	char *shortname = tve_xasprintf("%.*s", (int)strcspn(name, "."), name);
	char *fqdn = strchr(name, '.') || empty(s->dns_domain) ? tve_xstrdup(name)
		: tve_xasprintf("%s.%s", name, s->dns_domain);
	char *old = NULL, *hosts = NULL, *ip, *data = tve_xasprintf("%s\n", shortname);
	int etc = open_dir(b->root, "etc", false, 0), rc = -1;
	bool inside = false;

	if (put_file(b, "etc/hostname", data, 0644, 0755) < 0)
		goto out;
	/* /etc/hosts: the template's lines but 127.0.1.1 and our block */
	if (etc >= 0)
		old = read_at(etc, "hosts", NULL);
	if (!old)
		old = tve_xstrdup("127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n"
				  "ff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n");
	for (char *l = old, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		nl = strchr(l, '\n');
		if (nl)
			*nl = 0;
		if (!strcmp(l, "# --- BEGIN TVE ---"))
			inside = true;
		else if (!inside && strncmp(l, "127.0.1.1", 9))
			cat(&hosts, "%s\n", l);
		else if (!strcmp(l, "# --- END TVE ---"))
			inside = false;
		if (!nl)
			break;
	}
	ip = s->net != TVE_NET_NONE && s->ip4 == TVE_IP_STATIC && !empty(s->ip4_cidr)
		? cidr_addr(s->ip4_cidr) : tve_xstrdup("127.0.1.1");
	if (strcmp(fqdn, shortname))
		cat(&hosts, "# --- BEGIN TVE ---\n%s %s %s\n# --- END TVE ---\n", ip, fqdn, shortname);
	else
		cat(&hosts, "# --- BEGIN TVE ---\n%s %s\n# --- END TVE ---\n", ip, shortname);
	free(ip);
	rc = put_file(b, "etc/hosts", hosts, 0644, 0);
	tve_task_log(b->task, "hostname %s", fqdn);
out:
	if (etc >= 0)
		close(etc);
	free(old);
	free(hosts);
	free(data);
	free(fqdn);
	free(shortname);
	free(name);
	return rc;
}

/* resolv.conf: the spec's domain and servers, or the host's (not its
 * loopback servers, which are not reachable from a container). */
static int apply_dns(struct build *b)
{
	const struct tve_ct_spec *s = b->s;
	char *conf = tve_xstrdup("# written by tve\n"), *search = NULL, *servers = NULL;
	FILE *f;
	int rc;

	if (empty(s->dns_domain) || empty(s->dns_servers)) {
		char line[512];
		if ((f = fopen(HOST_RESOLV_CONF, "re"))) {
			while (fgets(line, sizeof(line), f)) {
				char key[16], val[400];
				if (sscanf(line, "%15s %399[^\n]", key, val) != 2)
					continue;
				if ((!strcmp(key, "search") || !strcmp(key, "domain")) && !search)
					search = tve_xstrdup(val);
				else if (!strcmp(key, "nameserver") && strncmp(val, "127.", 4) &&
					 strcmp(val, "::1"))
					cat(&servers, "%s%s", servers ? " " : "", val);
			}
			fclose(f);
		}
	}
	if (!empty(s->dns_domain)) {
		free(search);
		search = tve_xstrdup(s->dns_domain);
	}
	if (!empty(s->dns_servers)) {
		free(servers);
		servers = tve_xstrdup(s->dns_servers);
	}
	if (search)
		cat(&conf, "search %s\n", search);
	for (const char *p = servers ? servers : ""; *p;) {
		size_t n;
		p += strspn(p, " ,;\t");
		if ((n = strcspn(p, " ,;\t")))
			cat(&conf, "nameserver %.*s\n", (int)n, p);
		p += n;
	}
	rc = put_file(b, "etc/resolv.conf", conf, 0644, 0);
	tve_task_log(b->task, "DNS: %s%s%s", servers ? servers : "no servers",
		     search ? ", search " : "", search ? search : "");
	free(conf);
	free(search);
	free(servers);
	return rc;
}

/* eth0 for ifupdown and/or systemd-networkd, whichever the template has.
 * Static addresses are also in the domain XML (libvirt sets them before
 * init), so ifupdown leaves them alone ("manual"): adding them again would
 * fail; networkd takes them as its own. */
static int apply_network(struct build *b)
{
	const struct tve_ct_spec *s = b->s;
	bool net = s->net != TVE_NET_NONE;
	bool ifupdown = exists_in(b->root, "etc/network/interfaces") || exists_in(b->root, "sbin/ifup") ||
			exists_in(b->root, "usr/sbin/ifup");
	bool networkd = exists_in(b->root, "etc/systemd") &&
			(exists_in(b->root, "lib/systemd/systemd-networkd") ||
			 exists_in(b->root, "usr/lib/systemd/systemd-networkd"));
	char *ifs = NULL, *nd = NULL;
	int rc = 0;

	if (ifupdown) {
		cat(&ifs, "# written by tve\n");
		if (exists_in(b->root, "etc/network/interfaces.d"))
			cat(&ifs, "source /etc/network/interfaces.d/*\n");
		cat(&ifs, "\nauto lo\niface lo inet loopback\n");
		if (net) {
			cat(&ifs, "\nauto eth0\n");
			if (s->ip4 == TVE_IP_DHCP)
				cat(&ifs, "iface eth0 inet dhcp\n");
			else
				cat(&ifs, "# %s\niface eth0 inet manual\n", s->ip4 == TVE_IP_STATIC
				    ? "the address and route are set by the host (libvirt) at start"
				    : "no IPv4 address");
			if (s->ip6 == TVE_IP_DHCP || s->ip6 == TVE_IP_SLAAC)
				cat(&ifs, "iface eth0 inet6 %s\n", s->ip6 == TVE_IP_DHCP ? "dhcp" : "auto");
			else if (s->ip6 == TVE_IP_STATIC)
				cat(&ifs, "iface eth0 inet6 manual\n");
		}
		rc = put_file(b, "etc/network/interfaces", ifs, 0644, 0755);
	}
	if (networkd && net && rc == 0) {
		const char *dhcp = s->ip4 == TVE_IP_DHCP ? (s->ip6 == TVE_IP_DHCP ? "yes" : "ipv4")
			: s->ip6 == TVE_IP_DHCP ? "ipv6" : "no";
		cat(&nd, "# written by tve\n[Match]\nName = eth0\n\n[Network]\nDHCP = %s\nIPv6AcceptRA = %s\n",
		    dhcp, s->ip6 == TVE_IP_SLAAC || s->ip6 == TVE_IP_DHCP ? "true" : "false");
		if (s->ip4 == TVE_IP_STATIC && !empty(s->ip4_cidr))
			cat(&nd, "Address = %s\n", s->ip4_cidr);
		if (s->ip4 == TVE_IP_STATIC && !empty(s->gw4))
			cat(&nd, "Gateway = %s\n", s->gw4);
		if (s->ip6 == TVE_IP_STATIC && !empty(s->ip6_cidr))
			cat(&nd, "Address = %s\n", s->ip6_cidr);
		if (s->ip6 == TVE_IP_STATIC && !empty(s->gw6))
			cat(&nd, "Gateway = %s\n", s->gw6);
		rc = put_file(b, "etc/systemd/network/eth0.network", nd, 0644, 0755);
	}
	tve_task_log(b->task, "network: eth0 %s%s%s", !net ? "none" : "",
		     net && ifupdown ? "(ifupdown)" : "", net && networkd ? " (systemd-networkd)" : "");
	free(ifs);
	free(nd);
	return rc;
}

/* systemd units that cannot work in a container (kernel filesystems it may
 * not mount) and would leave it "degraded": masked, as Proxmox does. */
static int apply_systemd(struct build *b)
{
	static const char *const units[] = { "sys-kernel-config.mount", "sys-kernel-debug.mount",
					     "sys-kernel-tracing.mount" };
	int dfd;

	if (!exists_in(b->root, "etc/systemd/system"))
		return 0;
	if ((dfd = open_dir(b->root, "etc/systemd/system", false, 0)) < 0)
		return tve_set_err(b->err, "template: /etc/systemd/system: %s", strerror(errno));
	for (size_t i = 0; i < TVE_ARRAY_SIZE(units); i++) {
		unlinkat(dfd, units[i], 0);
		if (symlinkat("/dev/null", dfd, units[i]) < 0) {
			tve_set_err(b->err, "cannot mask %s: %s", units[i], strerror(errno));
			close(dfd);
			return -1;
		}
	}
	close(dfd);
	tve_task_log(b->task, "systemd: kernel debug/tracing/config mounts masked");
	return 0;
}

static char *sha512_crypt(const char *pw)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd = tve_xcalloc(1, sizeof(*cd));
	char *h = NULL;

	/* NULL random bytes: libxcrypt takes them from the kernel */
	if (crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof(salt)) &&
	    (h = crypt_r(pw, salt, cd)) && h[0] != '*')
		h = tve_xstrdup(h);
	else
		h = NULL;
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return h;
}

/* root's password field (and the day it changed) in /etc/shadow. */
static int apply_password(struct build *b)
{
	int etc = open_dir(b->root, "etc", false, 0), rc = -1;
	struct stat st;
	char *old = etc >= 0 ? read_at(etc, "shadow", &st) : NULL, *out = NULL, *hash = NULL;
	bool found = false;

	if (!old) {
		tve_set_err(b->err, "template: /etc/shadow: %s (use SSH keys)", strerror(errno));
		goto out;
	}
	if (!(hash = sha512_crypt(b->s->password))) {
		tve_set_err(b->err, "cannot hash the password (SHA-512 crypt)");
		goto out;
	}
	for (char *l = old, *nl; *l; l = nl + 1) {
		char *rest;
		if ((nl = strchr(l, '\n')))
			*nl = 0;
		if (!found && !strncmp(l, "root:", 5)) {
			/* root:HASH:LASTCHANGE:rest */
			rest = strchr(l + 5, ':');
			rest = rest ? strchr(rest + 1, ':') : NULL;
			cat(&out, "root:%s:%ld%s\n", hash, (long)(time(NULL) / 86400), rest ? rest : ":0:99999:7:::");
			found = true;
		} else {
			cat(&out, "%s\n", l);
		}
		if (!nl)
			break;
	}
	if (!found) {
		tve_set_err(b->err, "template: /etc/shadow has no root entry");
		goto out;
	}
	if (write_at(etc, "shadow", out, st.st_mode & 07777, st.st_uid, st.st_gid) < 0)
		tve_set_err(b->err, "cannot write /etc/shadow: %s", strerror(errno));
	else
		rc = 0;
	tve_task_log(b->task, "root password set");
out:
	if (out)
		explicit_bzero(out, strlen(out));
	if (hash)
		explicit_bzero(hash, strlen(hash));
	free(out);
	free(hash);
	free(old);
	if (etc >= 0)
		close(etc);
	return rc;
}

static int apply_keys(struct build *b)
{
	const char *k = b->s->ssh_keys;
	size_t n = strlen(k);
	char *data = tve_xasprintf("%s%s", k, n && k[n - 1] != '\n' ? "\n" : "");
	int rc = put_file(b, "root/.ssh/authorized_keys", data, 0600, 0700);

	if (rc == 0)
		tve_task_log(b->task, "SSH keys for root");
	free(data);
	return rc;
}

/* ---- unprivileged: shift owners -------------------------------------------- */

static __thread struct {
	unsigned shift;
	int errors;
	char first[512];
	unsigned long long bytes, files;
} walk;

static void walk_error(const char *path, const char *what)
{
	if (!walk.errors++)
		snprintf(walk.first, sizeof(walk.first), "%s: %s: %s", path, what, strerror(errno));
}

/* A file capability written outside a user namespace (v2) only counts
 * where uid 0 is host root; v3 names the namespace's root uid. */
static void shift_caps(const char *path, const unsigned char *raw, ssize_t len)
{
	struct vfs_ns_cap_data v3;
	uint32_t magic, rootid = 0;

	if (len != XATTR_CAPS_SZ_2 && len != XATTR_CAPS_SZ_3)
		return;
	memcpy(&v3, raw, (size_t)len);
	magic = le32toh(v3.magic_etc);
	if (len == XATTR_CAPS_SZ_3)
		rootid = le32toh(v3.rootid);
	v3.magic_etc = htole32(VFS_CAP_REVISION_3 | (magic & VFS_CAP_FLAGS_EFFECTIVE));
	v3.rootid = htole32(rootid + walk.shift);
	if (lsetxattr(path, "security.capability", &v3, sizeof(v3), 0) < 0)
		walk_error(path, "file capabilities");
}

static int shift_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	unsigned char caps[XATTR_CAPS_SZ_3];
	ssize_t clen = -1;

	(void)ftw;
	if (flag == FTW_NS || flag == FTW_DNR) {
		walk_error(path, "unreadable");
		return 0;
	}
	if (S_ISREG(st->st_mode))
		clen = lgetxattr(path, "security.capability", caps, sizeof(caps));
	if (st->st_uid <= UINT32_MAX - walk.shift && st->st_gid <= UINT32_MAX - walk.shift &&
	    lchown(path, st->st_uid + walk.shift, st->st_gid + walk.shift) < 0)
		walk_error(path, "chown");
	/* chown clears setuid/setgid and capabilities: put them back */
	if (!S_ISLNK(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)) &&
	    chmod(path, st->st_mode & 07777) < 0)
		walk_error(path, "chmod");
	if (clen > 0)
		shift_caps(path, caps, clen);
	return 0;
}

static int count_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)flag;
	(void)ftw;
	walk.bytes += (unsigned long long)st->st_blocks * 512;
	walk.files++;
	return 0;
}

/* ---- the whole build ------------------------------------------------------ */

static bool too_small(const char *msg)
{
	return strstr(msg, "llocate") || strstr(msg, "No space left") || strstr(msg, "too small") ||
	       strstr(msg, "Not enough space");
}

static int dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n == 0;
}

/* The first directory above path that others cannot enter, or NULL: an
 * unprivileged container's init (uid 100000) must reach its root. */
static char *closed_parent(const char *path)
{
	char *p = tve_xstrdup(path), *slash;
	struct stat st;

	while ((slash = strrchr(p, '/')) && slash != p) {
		*slash = 0;
		if (stat(p, &st) == 0 && !(st.st_mode & S_IXOTH))
			return p;
	}
	free(p);
	return NULL;
}

/* Extracts the template into root and applies the spec there. */
static int fill_tree(struct build *b, const char *template_path, const char *root)
{
	char *tail = NULL, *e = NULL;
	const char *argv[] = { "tar", "-x", "-f", template_path, "-C", root, "--numeric-owner",
			       "--xattrs", "--xattrs-include=*", NULL };
	int rc = -1;

	tve_task_log(b->task, "extracting %s", template_path);
	if (tve_ct_run(argv, false, NULL, NULL, &tail, &e) != 0)
		tve_set_err(b->err, "template %s cannot be extracted: %s", template_path,
			    e ? e : tail && *tail ? tail : "tar failed");
	else if (apply_hostname(b) == 0 && apply_dns(b) == 0 && apply_network(b) == 0 &&
		 apply_systemd(b) == 0 &&
		 (empty(b->s->password) || apply_password(b) == 0) &&
		 (empty(b->s->ssh_keys) || apply_keys(b) == 0))
		rc = 0;
	free(tail);
	free(e);
	return rc;
}

static int make_ext4(struct build *b, const char *root, const char *image, unsigned id,
		     const char *size, const char *need)
{
	char *owner = tve_xasprintf("root_owner=%u:%u", id, id), *tail = NULL, *e = NULL;
	const char *argv[] = { "mkfs.ext4", "-F", "-q", "-E", owner, "-d", root, image, NULL };
	int rc = 0;

	tve_task_log(b->task, "making the ext4 filesystem (%s) in %s", size, image);
	if (tve_ct_run(argv, false, NULL, NULL, &tail, &e) != 0) {
		const char *m = e ? e : tail && *tail ? tail : "mkfs.ext4 failed";
		if (too_small(m))
			tve_set_err(b->err, "the root disk (%s) is too small for the template (%s): %s",
				    size, need, m);
		else
			tve_set_err(b->err, "mkfs.ext4 failed: %s", m);
		rc = -1;
	}
	free(owner);
	free(tail);
	free(e);
	return rc;
}

int tve_ct_rootfs_build(const struct tve_ct_spec *s, const char *template_path,
			const char *image_path, struct tve_task *task, char **err)
{
	struct build b = { .s = s, .task = task, .root = -1, .err = err };
	char *tmp = NULL, *tree = NULL;
	char sz[32] = "", need[32];
	unsigned id = s->unprivileged ? TVE_CT_ID_SHIFT : 0;
	struct stat st;
	bool dir;
	int rc = -1, fd;

	if ((fd = open(template_path, O_RDONLY | O_CLOEXEC)) < 0)
		return tve_set_err(err, "template %s: %s", template_path, strerror(errno));
	close(fd);
	if (stat(image_path, &st) < 0)
		return tve_set_err(err, "root disk %s: %s", image_path, strerror(errno));
	if (!(dir = S_ISDIR(st.st_mode)) && !S_ISREG(st.st_mode))
		return tve_set_err(err, "root disk %s is neither a directory nor an image file", image_path);
	if (s->unprivileged && !dir)
		return tve_set_err(err, "root disk %s: an unprivileged container needs a directory "
				   "(libvirt LXC cannot mount an image inside a user namespace)", image_path);
	if (dir && dir_empty(image_path) != 1)
		return tve_set_err(err, "root disk %s is not an empty directory", image_path);
	if (s->unprivileged && (tree = closed_parent(image_path))) {
		tve_set_err(err, "%s is closed to others (no o+x): the container's root (uid %u) "
			    "could not reach %s", tree, id, image_path);
		free(tree);
		return -1;
	}
	if (dir) {
		tree = tve_xstrdup(image_path);
	} else {
		tve_fmt_bytes(sz, sizeof(sz), (unsigned long long)st.st_size);
		if (!(tmp = tve_ct_tmpdir("tve-ct", err)))
			return -1;
		/* tmp stays 0700: nobody else reaches the template's setuid files */
		tree = tve_xasprintf("%s/rootfs", tmp);
		if (mkdir(tree, 0755) < 0) {
			tve_set_err(err, "%s: %s", tree, strerror(errno));
			goto cleanup;
		}
	}
	if ((b.root = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		tve_set_err(err, "%s: %s", tree, strerror(errno));
		goto cleanup;
	}
	if (fill_tree(&b, template_path, tree) < 0)
		goto cleanup;
	memset(&walk, 0, sizeof(walk));
	nftw(tree, count_one, 32, FTW_PHYS | FTW_MOUNT);
	tve_fmt_bytes(need, sizeof(need), walk.bytes);
	tve_task_log(task, "root filesystem: %s in %llu files", need, walk.files);
	if (s->unprivileged) {
		tve_task_log(task, "unprivileged: owners shifted by %u", id);
		walk.shift = id;
		if (nftw(tree, shift_one, 32, FTW_PHYS | FTW_MOUNT) < 0 || walk.errors) {
			tve_set_err(err, "shifting owners failed (%d errors), first: %s", walk.errors,
				    walk.first);
			goto cleanup;
		}
	}
	if (!dir && make_ext4(&b, tree, image_path, id, sz, need) < 0)
		goto cleanup;
	rc = 0;
cleanup:
	if (b.root >= 0)
		close(b.root);
	if (rc < 0 && dir && tve_ct_rootfs_empty(image_path) < 0)
		tve_task_log(task, "warning: could not empty %s", image_path);
	if (tmp && tve_ct_rmtree(tmp) < 0)
		tve_task_log(task, "warning: could not remove all of %s", tmp);
	free(tree);
	free(tmp);
	return rc;
}
