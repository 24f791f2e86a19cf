/* backend_create_ct.c - Create CT and container templates as tasks.
 *
 * The root filesystem is made from the template on this host (tar,
 * mkfs.ext4: ct_rootfs.c).  On a node reached over ssh it is made here
 * too, then moved there over a session of the task's own, streamed: the
 * template comes from the node's pool into a temporary file here, the root
 * disk is built in a temporary image or directory here and goes to the
 * volume libvirt made on the node through tar on both ends; a Debian
 * template is made here and sent into the node's pool.  Other remote
 * nodes say they cannot instead of failing halfway. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backend_create.h"
#include "ct_rootfs.h"
#include "util.h"

struct ct_job {
	struct tve_node *node;
	struct conn *conn;
	struct tve_task *task;
	struct tve_ct_spec spec;	/* planned: root volume named */
	struct tve_create_ctx ctx;	/* snapshots the XML is made from */
	char *template_path;
	unsigned long long template_size;
	char *vol_xml;
	bool demo;			/* libvirt's test driver: no files */

	/* ssh nodes: the task's session, a temporary directory here, the
	 * template fetched into it. */
	bool remote;
	struct tve_ssh *ssh;
	char *tmp;
	char *local_template;
};

static void ct_job_free(struct ct_job *j)
{
	tve_backend_ctx_release(&j->ctx);
	tve_ct_spec_clear(&j->spec);
	free(j->template_path);
	free(j->vol_xml);
	free(j->tmp);
	free(j->local_template);
	free(j);
}

/* ---- moving files to and from ssh nodes ---- */

#define TOOL_PATH TVE_CT_TOOL_PATH
#define XFER_BUF (256 * 1024)
#define PROGRESS_EVERY_MS 250
#define REMOTE_SLOW_MS (10 * 60 * 1000)	/* the node writing out a disk */

/* A transfer's progress in the task: what moves, how much of about how
 * much (0 = not known). */
struct xfer {
	struct tve_task *task;
	const char *what;
	unsigned long long total, done;
	uint64_t t0, last;
};

static void xfer_begin(struct xfer *x, struct tve_task *t, const char *what,
		       unsigned long long total)
{
	*x = (struct xfer){ .task = t, .what = what, .total = total, .t0 = tve_now_ms() };
}

static void xfer_add(struct xfer *x, size_t n)
{
	uint64_t now = tve_now_ms();
	char done[32], all[32], text[160];

	x->done += n;
	if (now - x->last < PROGRESS_EVERY_MS)
		return;
	x->last = now;
	tve_fmt_bytes(done, sizeof(done), x->done);
	if (x->total) {
		snprintf(text, sizeof(text), "%s: %s of %s", x->what, done,
			 tve_fmt_bytes(all, sizeof(all), x->total));
		/* the total is an estimate: never "done" before it is */
		tve_task_progress(x->task, x->done < x->total ? (double)x->done / x->total : 0.99,
				  text);
	} else {
		snprintf(text, sizeof(text), "%s: %s", x->what, done);
		tve_task_progress(x->task, -1, text);
	}
}

/* "WHAT: SIZE in T s (RATE/s)" into the log. */
static void xfer_log(const struct xfer *x)
{
	double s = (double)(tve_now_ms() - x->t0) / 1000;
	char size[32], rate[32];

	tve_task_log(x->task, "%s: %s in %.1f s (%s/s)", x->what,
		     tve_fmt_bytes(size, sizeof(size), x->done), s,
		     tve_fmt_bytes(rate, sizeof(rate),
				   (unsigned long long)((double)x->done / (s > 0.001 ? s : 0.001))));
}

/* Everything fd holds, to its end, into cmd's stdin on the node; then cmd
 * must exit 0.  0, or -1 with *err. */
static int send_fd(struct tve_ssh *s, const char *cmd, int fd, struct xfer *x, char **err)
{
	struct tve_ssh_cmd *c = tve_ssh_cmd_start(s, cmd, err);
	char *buf;
	int rc = 0;

	if (!c)
		return -1;
	buf = tve_xmalloc(XFER_BUF);
	for (;;) {
		ssize_t n = read(fd, buf, XFER_BUF);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = tve_set_err(err, "reading here: %s", strerror(errno));
		if (n <= 0)
			break;
		if (tve_ssh_cmd_write(c, buf, (size_t)n, err) < 0) {
			rc = -1;
			break;
		}
		xfer_add(x, (size_t)n);
	}
	free(buf);
	/* A stream cut short is not ended normally: the command must not
	 * take it for all there is. */
	if (rc < 0) {
		tve_ssh_cmd_abort(c);
		return -1;
	}
	return tve_ssh_cmd_finish(c, NULL, NULL, REMOTE_SLOW_MS, err);
}

/* cmd's stdout on the node into fd (written whole), and cmd must exit 0. */
static int recv_fd(struct tve_ssh *s, const char *cmd, int fd, struct xfer *x, char **err)
{
	struct tve_ssh_cmd *c = tve_ssh_cmd_start(s, cmd, err);
	char *buf;
	long n;

	if (!c)
		return -1;
	buf = tve_xmalloc(XFER_BUF);
	while ((n = tve_ssh_cmd_read(c, buf, XFER_BUF, err)) > 0) {
		for (long off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				n = tve_set_err(err, "writing here: %s", strerror(w < 0 ? errno : EIO));
				break;
			}
			off += w;
		}
		if (n < 0)
			break;
		xfer_add(x, (size_t)n);
	}
	free(buf);
	if (n < 0) {
		tve_ssh_cmd_abort(c);
		return -1;
	}
	return tve_ssh_cmd_finish(c, NULL, NULL, 0, err);
}

/* Starts argv with its stdout on a pipe (*fd) and its stderr into errfile,
 * as tve_ct_run runs tools (signals at their defaults, nothing of ours
 * inherited).  The pid, or -1 with *err. */
static pid_t spawn_reader(const char *const argv[], const char *errfile, int *fd, char **err)
{
	static const char *const env[] = { "PATH=" TOOL_PATH, "LC_ALL=C", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	char *path = tve_ct_find_tool(argv[0]);
	int p[2], e;
	pid_t pid;

	if (!path)
		return tve_set_err(err, "%s is not installed (not found in %s)", argv[0], TOOL_PATH);
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(path);
		return tve_set_err(err, "pipe: %s", strerror(errno));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigfillset(&dfl);
	sigdelset(&dfl, SIGKILL);
	sigdelset(&dfl, SIGSTOP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	e = posix_spawn(&pid, path, &fa, &attr, (char *const *)argv, (char *const *)env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(p[1]);
	free(path);
	if (e) {
		close(p[0]);
		return tve_set_err(err, "%s: %s", argv[0], strerror(e));
	}
	*fd = p[0];
	return pid;
}

/* The last line of a small file (a tool's stderr), or NULL. */
static char *file_last_line(const char *path)
{
	FILE *f = fopen(path, "re");
	char line[512], *last = NULL;

	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (*line) {
			free(last);
			last = tve_xstrdup(line);
		}
	}
	if (f)
		fclose(f);
	return last;
}

/* argv (tar -c... -f -) here, streamed into cmd (tar -x...) on the node;
 * both must succeed.  tmp holds tar's stderr meanwhile. */
static int send_tar(struct tve_ssh *s, const char *tmp, const char *const argv[],
		    const char *cmd, struct xfer *x, char **err)
{
	char *errfile = tve_xasprintf("%s/tar.err", tmp), *why;
	int fd = -1, st = 0, rc;
	pid_t pid = spawn_reader(argv, errfile, &fd, err);

	if (pid < 0) {
		free(errfile);
		return -1;
	}
	rc = send_fd(s, cmd, fd, x, err);
	close(fd);	/* a tar still writing ends (SIGPIPE) */
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (rc == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		why = file_last_line(errfile);
		rc = tve_set_err(err, "tar here failed: %s", why ? why : "(no message)");
		free(why);
	}
	unlink(errfile);
	free(errfile);
	return rc;
}

/* "PREFIX: what *err said" into *err (fmt makes the prefix). */
static int err_prefix(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int err_prefix(char **err, const char *fmt, ...)
{
	char *why = *err, *prefix;
	va_list ap;

	va_start(ap, fmt);
	prefix = tve_xvasprintf(fmt, ap);
	va_end(ap);
	*err = NULL;
	tve_set_err(err, "%s: %s", prefix, why ? why : "failed");
	free(prefix);
	free(why);
	return -1;
}

/* The task's own session to ssh node n, which must have tools ("tar cat")
 * for what. */
static struct tve_ssh *remote_open(struct tve_node *n, struct tve_task *t, const char *tools,
				   const char *what, char **err)
{
	struct tve_ssh *s;
	char *missing = NULL;

	tve_task_log(t, "over ssh to %s (%s)", n->name, n->ssh);
	if (!(s = tve_node_ssh_open(n, err)))
		return NULL;
	if (tve_ssh_missing_tools(s, tools, &missing, err) < 0) {
		err_prefix(err, "%s", n->name);
	} else if (*missing) {
		tve_set_err(err, "%s has no %s (needed to %s)", n->name, missing, what);
	} else {
		free(missing);
		return s;
	}
	free(missing);
	tve_ssh_close(s);
	return NULL;
}

/* Runs "pre 'PATH' post" on the node (path quoted for its shell): 0 (with
 * *out, may be NULL), or -1 with *err. */
static int remote_path_cmd(struct tve_ssh *s, const char *pre, const char *path,
			   const char *post, char **out, char **err)
{
	char *q = tve_ssh_quote(path);
	char *cmd = tve_xasprintf("%s%s%s", pre, q, post);
	int rc = tve_ssh_run(s, cmd, out, NULL, REMOTE_SLOW_MS, err);

	free(q);
	free(cmd);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* ---- Create CT on an ssh node ---- */

#define CT_TOOLS "cat find stat tar"

/* Before anything is made on the node: the session, its tools, a
 * temporary directory here and the template fetched into it. */
static int remote_begin(struct ct_job *j, char **err)
{
	struct xfer x;
	char *cmd, *q;
	int fd, rc;

	if (!(j->ssh = remote_open(j->node, j->task, CT_TOOLS, "make a container", err)) ||
	    !(j->tmp = tve_ct_tmpdir("tve-ct-remote", err)))
		return -1;
	/* An unprivileged tree is built in a directory inside, with a name
	 * nobody can list: it checks that its root (uid 100000) can reach
	 * it, as it must on the node. */
	if (j->spec.unprivileged && chmod(j->tmp, 0711) < 0)
		return tve_set_err(err, "%s: %s", j->tmp, strerror(errno));
	j->local_template = tve_xasprintf("%s/%s", j->tmp, base_name(j->template_path));
	if ((fd = open(j->local_template, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return tve_set_err(err, "%s: %s", j->local_template, strerror(errno));
	q = tve_ssh_quote(j->template_path);
	cmd = tve_xasprintf("cat %s", q);
	xfer_begin(&x, j->task, "template from the node", j->template_size);
	rc = recv_fd(j->ssh, cmd, fd, &x, err);
	free(cmd);
	free(q);
	if (close(fd) < 0 && rc == 0)
		rc = tve_set_err(err, "%s: %s", j->local_template, strerror(errno));
	if (rc < 0)
		return err_prefix(err, "cannot fetch template %s from %s", j->template_path,
				  j->node->name);
	xfer_log(&x);
	return 0;
}

/* The node must let an unprivileged container's root (uid 100000) reach
 * its root directory, as tve_ct_rootfs_build checks here. */
static int remote_check_reachable(struct ct_job *j, const char *volume, char **err)
{
	const char *script = "; p=$v; while p=${p%/*}; [ -n \"$p\" ]; do "
			     "case $(stat -c %a \"$p\") in *[1357]) ;; *) "
			     "echo \"$p is closed to others (no o+x): the container's root "
			     "(uid 100000) could not reach $v\" >&2; exit 3 ;; esac; done";

	return remote_path_cmd(j->ssh, "v=", volume, script, NULL, err);
}

/* A local image file like the node's volume (same name, same size: its
 * ext4 fills it), sparse. */
static char *local_image(struct ct_job *j, const char *volume, char **err)
{
	char *out = NULL, *img;
	unsigned long long size;
	int fd;

	if (remote_path_cmd(j->ssh, "stat -c %s ", volume, "", &out, err) < 0)
		return NULL;
	if (sscanf(out, "%llu", &size) != 1 || size == 0) {
		tve_set_err(err, "cannot read the size of %s", volume);
		free(out);
		return NULL;
	}
	free(out);
	img = tve_xasprintf("%s/%s", j->tmp, base_name(volume));
	fd = open(img, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, (off_t)size) < 0) {
		tve_set_err(err, "%s: %s", img, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(img);
		return NULL;
	}
	close(fd);
	return img;
}

/* A local directory for an unprivileged tree, mode 0755 as libvirt makes
 * the volume (the template may not say). */
static char *local_tree(struct ct_job *j, char **err)
{
	char *dir = tve_xasprintf("%s/rootfs-XXXXXX", j->tmp);

	if (!mkdtemp(dir) || chmod(dir, 0755) < 0) {
		tve_set_err(err, "%s: %s", dir, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

static __thread unsigned long long tree_bytes;

static int count_bytes(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)flag;
	(void)ftw;
	tree_bytes += (unsigned long long)st->st_blocks * 512 + 512;
	return 0;
}

/* About what tar sends for path (an image's data, a tree's files). */
static unsigned long long tar_estimate(const char *path)
{
	tree_bytes = 0;
	nftw(path, count_bytes, 32, FTW_PHYS | FTW_MOUNT);
	return tree_bytes;
}

/* The built root disk into the node's volume: a tree through tar (owners,
 * modes, xattrs as they are), an image through tar's sparse members (the
 * holes are not sent) over the volume's file, in place. */
static int remote_send(struct ct_job *j, const char *local, const char *volume, char **err)
{
	char *dir = tve_xasprintf("%.*s", (int)(base_name(volume) - volume), volume);
	char *qv = tve_ssh_quote(volume), *qd = tve_ssh_quote(dir), *cmd;
	const char *tree[] = { "tar", "-C", local, "--numeric-owner", "--xattrs",
			       "--xattrs-include=*", "-cf", "-", ".", NULL };
	const char *image[] = { "tar", "-C", j->tmp, "-S", "--numeric-owner", "-cf", "-",
				base_name(local), NULL };
	struct xfer x;
	int rc;

	if (j->spec.unprivileged)
		cmd = tve_xasprintf("tar -C %s --numeric-owner --xattrs --xattrs-include='*' "
				    "-xpf -", qv);
	else
		cmd = tve_xasprintf("tar -C %s --numeric-owner --overwrite -xpf -", qd);
	tve_task_log(j->task, "sending the root disk to %s:%s", j->node->name, volume);
	xfer_begin(&x, j->task, "root disk to the node", tar_estimate(local));
	rc = send_tar(j->ssh, j->tmp, j->spec.unprivileged ? tree : image, cmd, &x, err);
	if (rc < 0)
		err_prefix(err, "cannot send the root disk to %s", j->node->name);
	else
		xfer_log(&x);
	free(cmd);
	free(qv);
	free(qd);
	free(dir);
	return rc;
}

/* Builds the root disk of the node's volume here, then sends it. */
static int remote_build(struct ct_job *j, const char *volume, char **err)
{
	char *local;
	int rc;

	if (j->spec.unprivileged && remote_check_reachable(j, volume, err) < 0)
		return err_prefix(err, "%s", j->node->name);
	local = j->spec.unprivileged ? local_tree(j, err) : local_image(j, volume, err);
	if (!local)
		return err_prefix(err, "%s", j->node->name);
	tve_task_log(j->task, "building it on this host in %s", local);
	rc = tve_ct_rootfs_build(&j->spec, j->local_template, local, j->task, err);
	/* the template is not needed any more: its space is */
	unlink(j->local_template);
	if (rc == 0)
		rc = remote_send(j, local, volume, err);
	if (tve_ct_rmtree(local) < 0)
		tve_task_log(j->task, "warning: could not remove all of %s", local);
	free(local);
	return rc;
}

/* Empties a directory volume on the node (libvirt deletes only an empty
 * one), as tve_ct_rootfs_empty does here. */
static void remote_empty(struct ct_job *j, const char *volume)
{
	char *err = NULL;

	if (j->ssh && remote_path_cmd(j->ssh, "find ", volume, " -mindepth 1 -xdev -delete",
				      NULL, &err) < 0)
		tve_task_log(j->task, "warning: could not empty %s on %s: %s", volume,
			     j->node->name, err);
	free(err);
}

/* The session and everything here goes, whatever happened. */
static void remote_end(struct ct_job *j)
{
	tve_ssh_close(j->ssh);
	j->ssh = NULL;
	if (j->tmp && tve_ct_rmtree(j->tmp) < 0)
		tve_task_log(j->task, "warning: could not remove all of %s", j->tmp);
}

/* ---- Create CT ---- */

static int ct_run(struct ct_job *j, struct tve_undo *u, char **rootfs, char **err)
{
	const struct tve_driver_ops *drv = j->conn->drv;
	const struct tve_ct_spec *s = &j->spec;
	char *label = tve_xasprintf("CT %d (%s)", s->vmid, s->hostname), *xml = NULL;
	char size[32];
	int rc = -1;

	if (j->remote && remote_begin(j, err) < 0) {
		tve_task_log(j->task, "%s", *err);
		goto out;
	}
	tve_task_log(j->task, "creating root disk %s/%s (%s)", s->rootfs_pool, s->rootfs_volume,
		     s->unprivileged ? "directory"
				     : tve_fmt_bytes(size, sizeof(size), s->rootfs_size));
	if (drv->vol_create(j->conn->h, s->rootfs_pool, j->vol_xml, rootfs, err) < 0) {
		tve_task_log(j->task, "cannot create %s/%s: %s", s->rootfs_pool,
			     s->rootfs_volume, *err);
		goto out;
	}
	tve_undo_add_volume(u, s->rootfs_pool, s->rootfs_volume);
	if (j->demo) {
		/* libvirt's test driver keeps no files: nothing to extract. */
		tve_task_log(j->task, "test driver (demo): no root filesystem to build from %s",
			     s->template_vol);
	} else if ((j->remote ? remote_build(j, *rootfs, err)
			      : tve_ct_rootfs_build(s, j->template_path, *rootfs, j->task, err)) < 0) {
		tve_task_log(j->task, "%s", *err);
		goto out;
	}
	if (!(xml = tve_ct_domain_xml(s, &j->ctx, *rootfs, err))) {
		tve_task_log(j->task, "%s", *err);
		goto out;
	}
	rc = tve_create_define_start(j->conn, j->task, xml, label, s->onboot, s->start_after, u,
				     err);
out:
	free(xml);
	free(label);
	return rc;
}

static void *ct_main(void *opaque)
{
	struct ct_job *j = opaque;
	struct tve_backend *b = j->node->b;
	struct tve_undo u = {0};
	char *err = NULL, *rootfs = NULL;
	int rc;

	rc = ct_run(j, &u, &rootfs, &err);
	if (rc < 0) {
		/* libvirt deletes only an empty directory volume. */
		if (rootfs && u.n_vols && j->spec.unprivileged && j->remote)
			remote_empty(j, rootfs);
		else if (rootfs && u.n_vols && j->spec.unprivileged)
			tve_ct_rootfs_empty(rootfs);
		tve_undo_run(&u, j->conn, j->task);
		tve_backend_release_vmid(b, j->spec.vmid);
	} else {
		tve_task_log(j->task, "CT %d (%s) created", j->spec.vmid, j->spec.hostname);
	}
	free(rootfs);
	tve_undo_clear(&u);
	remote_end(j);
	tve_node_conn_put(j->node, j->conn);
	tve_node_request_refresh(j->node, TVE_REFRESH_GUESTS | TVE_REFRESH_POOLS);
	tve_task_finish(j->task, rc < 0 ? (err ? err : "failed") : NULL);
	free(err);
	ct_job_free(j);
	tve_backend_spawn_done(b);
	return NULL;
}

/* The host path of a "pool/volume" in the node's snapshot, or NULL;
 * *size (may be NULL) its capacity. */
static char *volume_path(const struct tve_snapshot *s, const char *ref,
			 unsigned long long *size)
{
	const char *slash = ref ? strchr(ref, '/') : NULL;
	char *pool;
	const struct tve_pool *p;
	char *path = NULL;

	if (!slash)
		return NULL;
	pool = tve_xasprintf("%.*s", (int)(slash - ref), ref);
	p = tve_snapshot_find_pool(s, pool);
	for (size_t i = 0; p && i < p->n_volumes && !path; i++)
		if (strcmp(p->volumes[i].name, slash + 1) == 0 && p->volumes[i].path) {
			path = tve_xstrdup(p->volumes[i].path);
			if (size)
				*size = p->volumes[i].capacity;
		}
	free(pool);
	return path;
}

/* Starts a task of type on node n running fn(job); job->task is set. */
static int start_job(struct tve_backend *b, struct tve_node *n, const char *type,
		     const char *target, void *(*fn)(void *), void *job, struct tve_task **task,
		     char **task_id, char **err)
{
	char *msg = NULL;

	*task = tve_task_begin(b->tasks, n->name, type, target);
	if (task_id)
		*task_id = tve_xstrdup(tve_task_id(*task));
	if (tve_backend_spawn(b, fn, job, &msg) < 0) {
		tve_task_finish(*task, msg);
		tve_set_err(err, "%s", msg);
		free(msg);
		return -1;
	}
	return 0;
}

static int ct_prepare(struct ct_job *j, char **err)
{
	if (tve_ct_check_page(&j->spec, &j->ctx, -1, err) < 0 ||
	    tve_ct_spec_plan(&j->spec, &j->ctx, err) < 0)
		return -1;
	if (!(j->template_path = volume_path(j->ctx.node, j->spec.template_vol,
					     &j->template_size)))
		return tve_set_err(err, "template %s not found", j->spec.template_vol);
	j->vol_xml = tve_ct_volume_xml(&j->spec);
	return 0;
}

int tve_backend_create_ct(struct tve_backend *b, size_t node, const struct tve_ct_spec *spec,
			  char **task_id, char **err)
{
	struct tve_node *n;
	struct ct_job *j;
	const char *why;
	char target[32];

	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "invalid node");
	n = b->nodes[node];
	if ((why = tve_create_unsupported(n->drv)))
		return tve_set_err(err, "%s: %s", n->name, why);
	j = tve_xcalloc(1, sizeof(*j));
	tve_ct_spec_copy(&j->spec, spec);
	tve_backend_ctx_get(b, node, &j->ctx);
	if (ct_prepare(j, err) < 0 || tve_backend_reserve_vmid(b, j->spec.vmid, err) < 0) {
		ct_job_free(j);
		return -1;
	}
	j->node = n;
	if (!(j->conn = tve_node_conn_get(n))) {
		tve_backend_release_vmid(b, j->spec.vmid);
		ct_job_free(j);
		return tve_set_err(err, "node %s is offline", n->name);
	}
	j->demo = j->ctx.node->has_caps && j->ctx.node->caps.domain_type &&
		  strcmp(j->ctx.node->caps.domain_type, "test") == 0;
	j->remote = !j->demo && (!n->drv->is_local || !n->drv->is_local(j->conn->h));
	if (j->remote && !n->ssh) {
		tve_node_conn_put(n, j->conn);
		tve_backend_release_vmid(b, j->spec.vmid);
		ct_job_free(j);
		return tve_set_err(err, "%s: containers are made from their template on this "
				   "host; %s is not a local node", n->name, n->name);
	}
	snprintf(target, sizeof(target), "%d", j->spec.vmid);
	if (start_job(b, n, "vzcreate", target, ct_main, j, &j->task, task_id, err) < 0) {
		tve_node_conn_put(n, j->conn);
		tve_backend_release_vmid(b, j->spec.vmid);
		ct_job_free(j);
		return -1;
	}
	return 0;
}

/* ---- templates ---- */

struct tmpl_job {
	struct tve_node *node;
	struct conn *conn;
	struct tve_task *task;
	char *pool, *suite, *mirror, *dest;
	bool remote;		/* made here, sent to the ssh node */
};

#define TMPL_TOOLS "cat mv rm"

/* The template file made here, into dest on the node: as dest.tmp first,
 * renamed once all of it is there; dest.tmp goes on any failure. */
static int tmpl_send(struct tmpl_job *j, struct tve_ssh *s, const char *local, char **err)
{
	char *q = tve_ssh_quote(j->dest), *cmd = tve_xasprintf("cat > %s.tmp", q), *e = NULL;
	struct xfer x;
	struct stat st;
	int fd = open(local, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0 || fstat(fd, &st) < 0) {
		rc = tve_set_err(err, "%s: %s", local, strerror(errno));
		goto out;
	}
	tve_task_log(j->task, "sending it to %s:%s", j->node->name, j->dest);
	xfer_begin(&x, j->task, "template to the node", (unsigned long long)st.st_size);
	rc = send_fd(s, cmd, fd, &x, err);
	free(cmd);
	cmd = tve_xasprintf("mv %s.tmp %s", q, q);
	if (rc == 0 && (rc = tve_ssh_run(s, cmd, NULL, NULL, REMOTE_SLOW_MS, err)) == 0) {
		xfer_log(&x);
		goto out;
	}
	err_prefix(err, "%s", j->node->name);
	free(cmd);
	cmd = tve_xasprintf("rm -f %s.tmp", q);
	if (tve_ssh_run(s, cmd, NULL, NULL, 0, &e) < 0)
		tve_task_log(j->task, "cannot remove %s.tmp on %s: %s", j->dest, j->node->name, e);
	free(e);
out:
	if (fd >= 0)
		close(fd);
	free(cmd);
	free(q);
	return rc;
}

/* The node has the tools and no such template yet: checked before the
 * debootstrap's minutes, on a session that does not wait idle meanwhile. */
static int tmpl_remote_check(struct tmpl_job *j, char **err)
{
	struct tve_ssh *s = remote_open(j->node, j->task, TMPL_TOOLS, "store a template", err);
	char *q, *cmd;
	int rc;

	if (!s)
		return -1;
	q = tve_ssh_quote(j->dest);
	cmd = tve_xasprintf("[ ! -e %s ] || { echo %s already exists >&2; exit 3; }", q, q);
	if ((rc = tve_ssh_run(s, cmd, NULL, NULL, 0, err)) < 0)
		err_prefix(err, "%s", j->node->name);
	free(cmd);
	free(q);
	tve_ssh_close(s);
	return rc;
}

/* On an ssh node: debootstrap here into a temporary tarball, then sent. */
static int tmpl_remote(struct tmpl_job *j, char **err)
{
	struct tve_ssh *s;
	char *tmp, *local;
	int rc = -1;

	if (tmpl_remote_check(j, err) < 0 || !(tmp = tve_ct_tmpdir("tve-tmpl-remote", err)))
		return -1;
	local = tve_xasprintf("%s/%s", tmp, base_name(j->dest));
	tve_task_log(j->task, "making %s on this host from Debian %s, for %s:%s",
		     base_name(j->dest), j->suite, j->node->name, j->dest);
	if (tve_ct_template_debootstrap(j->suite, j->mirror, local, j->task, err) == 0 &&
	    (s = tve_node_ssh_open(j->node, err))) {
		rc = tmpl_send(j, s, local, err);
		tve_ssh_close(s);
	}
	if (tve_ct_rmtree(tmp) < 0)
		tve_task_log(j->task, "warning: could not remove all of %s", tmp);
	free(local);
	free(tmp);
	return rc;
}

static void *tmpl_main(void *opaque)
{
	struct tmpl_job *j = opaque;
	struct tve_backend *b = j->node->b;
	char *err = NULL;
	int rc;

	if (j->remote) {
		rc = tmpl_remote(j, &err);
	} else {
		tve_task_log(j->task, "making %s from Debian %s", j->dest, j->suite);
		rc = tve_ct_template_debootstrap(j->suite, j->mirror, j->dest, j->task, &err);
	}
	if (rc == 0 && j->conn->drv->pool_refresh &&
	    j->conn->drv->pool_refresh(j->conn->h, j->pool, &err) < 0)
		tve_task_log(j->task, "the pool does not list it yet: %s", err);
	tve_node_conn_put(j->node, j->conn);
	tve_node_request_refresh(j->node, TVE_REFRESH_POOLS);
	tve_task_finish(j->task, rc < 0 ? (err ? err : "failed") : NULL);
	free(err);
	free(j->pool);
	free(j->suite);
	free(j->mirror);
	free(j->dest);
	free(j);
	tve_backend_spawn_done(b);
	return NULL;
}

/* Debian's release number of a suite name, for the template's name. */
static const char *debian_version(const char *suite)
{
	static const struct {
		const char *suite, *version;
	} v[] = {
		{ "bullseye", "11" }, { "bookworm", "12" }, { "trixie", "13" }, { "forky", "14" },
	};

	for (size_t i = 0; i < TVE_ARRAY_SIZE(v); i++)
		if (strcmp(v[i].suite, suite) == 0)
			return v[i].version;
	return suite;
}

static bool suite_ok(const char *suite)
{
	if (!suite || !*suite)
		return false;
	for (const char *p = suite; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

int tve_backend_make_template(struct tve_backend *b, size_t node, const char *pool,
			      const char *suite, const char *mirror, char **task_id, char **err)
{
	struct tve_snapshot *s;
	const struct tve_pool *p;
	struct tve_node *n;
	struct tmpl_job *j;
	struct stat st;
	char day[16];
	time_t now = time(NULL);
	struct tm tm;
	bool listed = false, exists;

	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "invalid node");
	if (!suite_ok(suite))
		return tve_set_err(err, "'%s' is not a Debian suite name", suite ? suite : "");
	n = b->nodes[node];
	s = tve_node_latest(n);
	p = tve_snapshot_find_pool(s, pool);
	if (!p || !p->active || !p->path || !p->type ||
	    (strcmp(p->type, "dir") && strcmp(p->type, "fs") && strcmp(p->type, "netfs"))) {
		tve_snapshot_unref(s);
		return tve_set_err(err, "%s: %s is not an active directory storage", n->name, pool);
	}
	j = tve_xcalloc(1, sizeof(*j));
	localtime_r(&now, &tm);
	strftime(day, sizeof(day), "%Y%m%d", &tm);
	j->dest = tve_xasprintf("%s/debian-%s-tve_%s_amd64.tar.gz", p->path,
				debian_version(suite), day);
	for (size_t i = 0; i < p->n_volumes; i++)
		listed |= strcmp(p->volumes[i].name, base_name(j->dest)) == 0;
	tve_snapshot_unref(s);
	j->node = n;
	if ((j->conn = tve_node_conn_get(n)))
		j->remote = !j->conn->drv->is_local || !j->conn->drv->is_local(j->conn->h);
	/* a remote node's files are checked by the task (the pool's list
	 * now: the console waits for this call) */
	exists = j->remote ? listed : stat(j->dest, &st) == 0;
	if (exists || !j->conn || (j->remote && !n->ssh)) {
		if (exists)
			tve_set_err(err, "%s already exists", j->dest);
		else if (!j->conn)
			tve_set_err(err, "%s is offline", n->name);
		else
			tve_set_err(err, "%s is not this host (templates are made locally)",
				    n->name);
		if (j->conn)
			tve_node_conn_put(n, j->conn);
		free(j->dest);
		free(j);
		return -1;
	}
	j->pool = tve_xstrdup(pool);
	j->suite = tve_xstrdup(suite);
	j->mirror = tve_xstrdup(mirror);
	if (start_job(b, n, "vztmpl", pool, tmpl_main, j, &j->task, task_id, err) < 0) {
		tve_node_conn_put(n, j->conn);
		free(j->pool);
		free(j->suite);
		free(j->mirror);
		free(j->dest);
		free(j);
		return -1;
	}
	return 0;
}
