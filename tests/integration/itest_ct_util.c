/* itest_ct_util.c - see itest_ct_util.h. */
#include "itest_ct_util.h"

#include <dirent.h>
#include <endian.h>
#include <linux/capability.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#include <cmocka.h>

#include "itest_util.h"
#include "util.h"

#define MiB (1024ULL * 1024)

char *sh(const char *fmt, ...)
{
	va_list ap;
	char *cmd, *out = tve_xstrdup(""), buf[4096];
	size_t n, len = 0;
	FILE *p;
	int st;

	va_start(ap, fmt);
	cmd = tve_xvasprintf(fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0) {
		out = tve_xrealloc(out, len + n + 1);
		memcpy(out + len, buf, n);
		len += n;
		out[len] = 0;
	}
	st = pclose(p);
	while (len && out[len - 1] == '\n')
		out[--len] = 0;
	if (st != 0) {
		diag("command failed (%d): %s\n#   %s", st, cmd, out);
		free(out);
		out = NULL;
	}
	free(cmd);
	return out;
}

bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	bool empty = true;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false, diag("left in %s: %s", path, e->d_name);
	closedir(d);
	return empty;
}

char *init_pid(const char *name)
{
	return sh("ctl=$(ps -eo pid=,args= | awk '$2 ~ /libvirt_lxc$/ && / --name %s / {print $1}'); "
		  "[ -n \"$ctl\" ] && ps -o pid= --ppid $ctl | head -n 1 | tr -d ' '", name);
}

char *host_uid(const char *pid)
{
	return sh("awk '/^Uid:/ {print $2}' /proc/%s/status", pid);
}

char *inside(const char *pid, const char *cmd)
{
	return sh("nsenter -t %s -a -r -w %s 2>&1", pid, cmd);
}

char *lxc_enter(const char *host_exec, const char *uri, const char *name, const char *cmd)
{
	return sh("%s virsh -q -c '%s' lxc-enter-namespace %s --noseclabel %s 2>&1", host_exec, uri,
		  name, cmd);
}

char *ct_check_running(const char *host_exec, const char *uri, const char *name, bool unpriv)
{
	char *s = lxc_enter(host_exec, uri, name, "/bin/busybox cat /etc/hostname"), *pid;

	assert_non_null(s);
	assert_string_equal(s, name);
	free(s);
	pid = init_pid(name);
	assert_non_null(pid);
	s = host_uid(pid);
	/* privileged: root is root; unprivileged: root inside is 100000 outside */
	assert_string_equal(s, unpriv ? "100000" : "0");
	free(s);
	if (unpriv) {
		s = inside(pid, "/bin/busybox id -u");
		assert_string_equal(s, "0");
		free(s);
	}
	return pid;
}

void check_shifted_tree(const char *dir)
{
	struct vfs_ns_cap_data cap;
	struct stat st;
	ssize_t n;
	char *p;

	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_uid, 100000);
	p = tve_xasprintf("%s/bin/suidtest", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_uid, 100000);
	assert_int_equal(st.st_mode & 07777, 04755);
	free(p);
	p = tve_xasprintf("%s/etc/shadow", dir);
	assert_int_equal(lstat(p, &st), 0);
	assert_int_equal(st.st_gid, 100042);
	free(p);
	p = tve_xasprintf("%s/bin/captest", dir);
	n = lgetxattr(p, "security.capability", &cap, sizeof(cap));
	assert_int_equal(n, XATTR_CAPS_SZ_3);
	assert_int_equal(le32toh(cap.rootid), 100000);
	assert_true(le32toh(cap.data[0].permitted) & (1u << CAP_NET_RAW));
	free(p);
}

int count_volumes(virStoragePoolPtr pool, const char *prefix)
{
	virStorageVolPtr *vols = NULL;
	int n, count = 0;

	virStoragePoolRefresh(pool, 0);
	n = virStoragePoolListAllVolumes(pool, &vols, 0);
	for (int i = 0; i < n; i++) {
		count += strncmp(virStorageVolGetName(vols[i]), prefix, strlen(prefix)) == 0;
		virStorageVolFree(vols[i]);
	}
	free(vols);
	return count;
}

char *debian_template_name(void)
{
	char day[16];
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	return tve_xasprintf("debian-12-tve_%s_amd64.tar.gz", day);
}

bool node_lists(struct tve_backend *b, size_t node, const char *pool, const char *volume, bool want,
		int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	tve_backend_refresh(b, node);
	for (;;) {
		struct tve_snapshot *s = tve_backend_snapshot(b, node);
		const struct tve_pool *p = tve_snapshot_find_pool(s, pool);
		bool seen = false, ready = s->state == TVE_NODE_ONLINE && s->has_caps;

		for (size_t i = 0; p && i < p->n_volumes; i++)
			seen |= strcmp(p->volumes[i].name, volume) == 0;
		tve_snapshot_unref(s);
		if ((ready && seen == want) || now_ms() >= deadline)
			return ready && seen == want;
		itest_wait_wake(b, 200);
	}
}

bool node_lists_guest(struct tve_backend *b, size_t node, const char *uuid, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	for (;;) {
		struct tve_snapshot *s = tve_backend_snapshot(b, node);
		bool listed = tve_snapshot_find_guest(s, uuid) != NULL;

		tve_snapshot_unref(s);
		if (listed || now_ms() >= deadline)
			return listed;
		itest_wait_wake(b, 100);
	}
}

void ct_backend_spec(struct tve_ct_spec *s, struct tve_backend *b, size_t node, const char *pool,
		     enum tve_net_kind net, const char *net_source, int vmid, const char *hostname,
		     const char *tmpl)
{
	struct tve_create_ctx ctx;

	tve_backend_ctx_get(b, node, &ctx);
	tve_ct_spec_defaults(s, &ctx);
	tve_backend_ctx_release(&ctx);
	s->vmid = vmid;
	free(s->hostname);
	s->hostname = tve_xstrdup(hostname);
	s->password = tve_xstrdup("tve-secret");
	free(s->template_vol);
	s->template_vol = tve_xasprintf("%s/%s", pool, tmpl);
	free(s->rootfs_pool);
	s->rootfs_pool = tve_xstrdup(pool);
	s->rootfs_size = 128 * MiB;
	s->memory_mib = 128;
	s->swap_mib = 64;
	s->net = net;
	free(s->net_source);
	s->net_source = tve_xstrdup(net_source);
	s->start_after = true;
}
