/* ct_rootfs.h - container root filesystems and templates, made on the
 * local host (a task thread of the backend runs these; they block).
 *
 * A template is a tarball of a root filesystem (.tar, .tar.gz, .tar.xz,
 * .tar.zst).  A container's root disk is a raw ext4 image that libvirt LXC
 * mounts through a loop device (privileged), or a directory (unprivileged).
 * These functions log progress lines to task (NULL = no log, as in tests),
 * run as root, and leave nothing behind when they fail: their temporary
 * directory (under $TMPDIR, else /var/tmp) is removed whatever happens. */
#ifndef TVE_CT_ROOTFS_H
#define TVE_CT_ROOTFS_H

#include "spec.h"
#include "task.h"

/* Unprivileged containers: uid/gid N inside is TVE_CT_ID_SHIFT + N
 * outside, for N < TVE_CT_ID_COUNT (the domain's <idmap>). */
#define TVE_CT_ID_SHIFT 100000
#define TVE_CT_ID_COUNT 65536

/* Makes the root disk of s at image_path, which already exists: for a
 * privileged container, an image file with the disk's size (vm-ID-disk-0.raw)
 * that becomes an ext4 filesystem (mkfs.ext4 -d); for an unprivileged one,
 * an empty directory (subvol-ID-disk-0, see tve_ct_spec_plan()) that gets
 * the files themselves.  Extracts template_path (numeric owners, xattrs
 * kept), applies the spec (/etc/hostname, /etc/hosts, /etc/resolv.conf,
 * eth0's configuration for ifupdown and/or systemd-networkd, the root
 * password as a SHA-512 crypt hash in /etc/shadow,
 * /root/.ssh/authorized_keys) and, when s->unprivileged, shifts every owner
 * by TVE_CT_ID_SHIFT (setuid bits and file capabilities kept).  0, or -1
 * with *err ("template ...: No such file", "the root disk (64 MiB) is too
 * small for the template (253 MiB): ..."); a directory is left empty. */
int tve_ct_rootfs_build(const struct tve_ct_spec *s, const char *template_path,
			const char *image_path, struct tve_task *task, char **err);

/* Empties a directory root disk (libvirt deletes only empty directory
 * volumes); anything else is left alone.  0, or -1 if something stayed. */
int tve_ct_rootfs_empty(const char *path);

/* Makes a Debian template with debootstrap (minbase, plus what makes a
 * container boot with systemd and configure eth0: systemd-sysv, ifupdown,
 * isc-dhcp-client), with progress in the task log ("Retrieving packages
 * 35/120"), cleaned of package caches, then packed as a gzip tarball at
 * dest_tarball (written as dest_tarball.tmp and renamed: never a partial
 * file).  suite: "bookworm"; mirror NULL = http://deb.debian.org/debian.
 * 0, or -1 with *err. */
int tve_ct_template_debootstrap(const char *suite, const char *mirror, const char *dest_tarball,
				struct tve_task *task, char **err);

/* ---- shared by ct_rootfs.c and ct_template.c ---------------------------- */

/* Runs argv (argv[0] looked up in /usr/sbin:/usr/bin:/sbin:/bin) with that
 * PATH, LC_ALL=C and stdin from /dev/null.  Each line it writes to stdout
 * or stderr goes to on_line(opaque, 1, line); with fd3, a pipe is its
 * file descriptor 3 as well, whose lines go to on_line(opaque, 3, line).
 * The last lines of stdout/stderr are kept in *tail (may be NULL; caller
 * frees).  Returns the exit status, or -1 with *err when it could not run
 * or was killed by a signal. */
int tve_ct_run(const char *const argv[], bool fd3,
	       void (*on_line)(void *opaque, int fd, const char *line), void *opaque,
	       char **tail, char **err);
/* Where tools are looked up, and the PATH they run with. */
#define TVE_CT_TOOL_PATH "/usr/sbin:/usr/bin:/sbin:/bin"
/* name (a path as is) found in TVE_CT_TOOL_PATH, newly allocated; NULL if
 * it is not there. */
char *tve_ct_find_tool(const char *name);
/* A new directory $TMPDIR/PREFIX-XXXXXX (else /var/tmp), mode 0700. */
char *tve_ct_tmpdir(const char *prefix, char **err);
/* rm -rf: never follows symbolic links nor crosses mount points. */
int tve_ct_rmtree(const char *path);

#endif
