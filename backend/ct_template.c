/* ct_template.c - Debian container templates made with debootstrap, and
 * what ct_rootfs.c shares with it: running a tool with its output read
 * line by line, temporary directories, removing a tree. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ct_rootfs.h"
#include "util.h"

extern char **environ;

#define TOOL_PATH TVE_CT_TOOL_PATH
#define TAIL_LINES 3

/* ---- running tools -------------------------------------------------------- */

char *tve_ct_find_tool(const char *name)
{
	const char *d = TOOL_PATH;

	if (strchr(name, '/'))
		return tve_xstrdup(name);
	while (*d) {
		size_t n = strcspn(d, ":");
		char *p = tve_xasprintf("%.*s/%s", (int)n, d, name);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
		d += n + (d[n] == ':');
	}
	return NULL;
}

/* environ without PATH and the locale, plus our PATH and LC_ALL=C (the
 * tools' messages are parsed and shown as they are). */
static char **tool_env(void)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = tve_xcalloc(n + 3, sizeof(*env));
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PATH=", 5) && strncmp(environ[i], "LC_ALL=", 7) &&
		    strncmp(environ[i], "LANG=", 5) && strncmp(environ[i], "LANGUAGE=", 9))
			env[k++] = environ[i];
	env[k++] = "PATH=" TOOL_PATH;
	env[k++] = "LC_ALL=C";
	return env;
}

struct line_reader {
	int fd;			/* -1 once at EOF */
	int which;		/* 1 (stdout/stderr) or 3 */
	char buf[4096];
	size_t len;
};

struct run_state {
	void (*on_line)(void *opaque, int fd, const char *line);
	void *opaque;
	char *tail[TAIL_LINES];	/* ring of the last non-empty stdout/stderr lines */
	size_t n_tail;
};

static void got_line(struct run_state *rs, int which, char *line)
{
	size_t n = strlen(line);

	while (n && (line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = 0;
	if (rs->on_line)
		rs->on_line(rs->opaque, which, line);
	if (which == 1 && n) {
		free(rs->tail[rs->n_tail % TAIL_LINES]);
		rs->tail[rs->n_tail++ % TAIL_LINES] = tve_xstrdup(line);
	}
}

/* Reads what is there; splits it into lines.  false at EOF. */
static bool read_lines(struct line_reader *r, struct run_state *rs)
{
	ssize_t got = read(r->fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
	char *nl, *p;

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (got <= 0) {
		if (r->len) {
			r->buf[r->len] = 0;
			got_line(rs, r->which, r->buf);
		}
		r->len = 0;
		return false;
	}
	r->len += (size_t)got;
	r->buf[r->len] = 0;
	p = r->buf;
	while ((nl = strchr(p, '\n'))) {
		*nl = 0;
		got_line(rs, r->which, p);
		p = nl + 1;
	}
	r->len -= (size_t)(p - r->buf);
	memmove(r->buf, p, r->len);
	if (r->len == sizeof(r->buf) - 1) {	/* a very long line: cut it */
		r->buf[r->len] = 0;
		got_line(rs, r->which, r->buf);
		r->len = 0;
	}
	return true;
}

static char *join_tail(struct run_state *rs)
{
	size_t first = rs->n_tail > TAIL_LINES ? rs->n_tail - TAIL_LINES : 0;
	char *s = tve_xstrdup("");

	for (size_t i = first; i < rs->n_tail; i++) {
		char *t = tve_xasprintf("%s%s%s", s, *s ? "; " : "", rs->tail[i % TAIL_LINES]);
		free(s);
		s = t;
	}
	return s;
}

int tve_ct_run(const char *const argv[], bool fd3,
	       void (*on_line)(void *opaque, int fd, const char *line), void *opaque,
	       char **tail, char **err)
{
	int out[2] = { -1, -1 }, info[2] = { -1, -1 }, st = 0, rc = -1, spawn_err;
	struct run_state rs = { .on_line = on_line, .opaque = opaque };
	struct line_reader rd[2];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	char *path = tve_ct_find_tool(argv[0]);
	char **env = NULL;
	pid_t pid;

	if (tail)
		*tail = NULL;
	if (!path)
		return tve_set_err(err, "%s is not installed (not found in %s)", argv[0], TOOL_PATH);
	if (pipe2(out, O_CLOEXEC) < 0 || (fd3 && pipe2(info, O_CLOEXEC) < 0)) {
		tve_set_err(err, "pipe: %s", strerror(errno));
		goto cleanup;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	if (fd3)
		posix_spawn_file_actions_adddup2(&fa, info[1], 3);
	/* nothing else of ours (libvirt's sockets...) leaks into the tool */
	posix_spawn_file_actions_addclosefrom_np(&fa, fd3 ? 4 : 3);
	/* the calling thread may block signals; the tool must not inherit that */
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	sigemptyset(&dfl);
	for (int sig = 1; sig < NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaddset(&dfl, sig);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	env = tool_env();
	spawn_err = posix_spawn(&pid, path, &fa, &attr, (char *const *)argv, env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(out[1]);
	out[1] = -1;
	if (fd3) {
		close(info[1]);
		info[1] = -1;
	}
	if (spawn_err) {
		tve_set_err(err, "%s: %s", path, strerror(spawn_err));
		goto cleanup;
	}

	rd[0] = (struct line_reader){ .fd = out[0], .which = 1 };
	rd[1] = (struct line_reader){ .fd = fd3 ? info[0] : -1, .which = 3 };
	while (rd[0].fd >= 0 || rd[1].fd >= 0) {
		struct pollfd p[2] = { { .fd = rd[0].fd, .events = POLLIN },
				       { .fd = rd[1].fd, .events = POLLIN } };
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++)
			if (rd[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    !read_lines(&rd[i], &rs))
				rd[i].fd = -1;
	}
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st))
		rc = WEXITSTATUS(st);
	else
		tve_set_err(err, "%s was killed by signal %d", argv[0], WTERMSIG(st));
	if (tail)
		*tail = join_tail(&rs);
cleanup:
	for (int i = 0; i < 2; i++) {
		if (out[i] >= 0)
			close(out[i]);
		if (info[i] >= 0)
			close(info[i]);
	}
	for (size_t i = 0; i < TAIL_LINES; i++)
		free(rs.tail[i]);
	free(env);
	free(path);
	return rc;
}

/* ---- temporary trees ------------------------------------------------------ */

char *tve_ct_tmpdir(const char *prefix, char **err)
{
	const char *base = getenv("TMPDIR");
	char *dir;

	if (!base || base[0] != '/')
		base = "/var/tmp";
	dir = tve_xasprintf("%s/%s-XXXXXX", base, prefix);
	if (!mkdtemp(dir)) {
		tve_set_err(err, "cannot make a temporary directory in %s: %s", base, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

static __thread int rm_errors;
static __thread bool rm_keep_top;

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	if (ftw->level == 0 && rm_keep_top)
		return 0;
	if ((flag == FTW_DP ? rmdir(path) : unlink(path)) < 0 && errno != ENOENT)
		rm_errors++;
	return 0;
}

static int rmtree(const char *path, bool keep_top)
{
	struct stat st;

	if (!path || lstat(path, &st) < 0)
		return 0;
	rm_errors = 0;
	rm_keep_top = keep_top;
	if (nftw(path, rm_one, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return -1;
	return rm_errors ? -1 : 0;
}

int tve_ct_rmtree(const char *path)
{
	return rmtree(path, false);
}

int tve_ct_rootfs_empty(const char *path)
{
	struct stat st;

	if (!path || lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return 0;
	return rmtree(path, true);
}

/* ---- debootstrap ---------------------------------------------------------- */

/* debootstrap --debian-installer writes machine-readable messages to its
 * fd 3: "P: NOW END [STAGE]" progress, "I: CODE" information, "E: CODE"
 * errors and "W: CODE" warnings, each followed by "xA: argument" lines and
 * a "xF: format" line (printf-style, %s only). */
struct dbs {
	struct tve_task *task;
	char kind;		/* of the message being read: P I E W */
	char code[32];		/* its code (I/E/W) */
	char *args[8];
	size_t n_args;
	long long now, end;	/* progress of the current stage */
	char stage[32];		/* DOWNDEBS, EXTRACTPKGS, ... */
	char *label;		/* the stage's words: "Extracting packages" */
	char *logged;		/* label of the last progress line logged */
	int logged_pct;
	long long debs, fetched;	/* packages to fetch (SIZEDEBS), fetched */
	char *error;
};

static char *dbs_format(const struct dbs *d, const char *fmt)
{
	size_t a = 0, n = 0, cap = strlen(fmt) + 1;
	char *s;

	for (size_t i = 0; i < d->n_args; i++)
		cap += strlen(d->args[i]);
	s = tve_xmalloc(cap);
	for (const char *p = fmt; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			const char *v = a < d->n_args ? d->args[a] : "";
			a++;
			p++;
			memcpy(s + n, v, strlen(v));
			n += strlen(v);
		} else {
			s[n++] = *p;
			if (p[0] == '%' && p[1] == '%')
				p++;
		}
	}
	s[n] = 0;
	while (n && s[n - 1] == ' ')
		s[--n] = 0;
	return s;
}

/* A progress line when a stage starts, then every 25% (10% while
 * fetching packages, the long part), and at its end. */
static void dbs_progress(struct dbs *d, const char *what, long long now, long long end)
{
	int pct = end > 0 ? (int)(now * 100 / end) : 0;
	int step = strcmp(what, "Retrieving packages") ? 25 : 10;

	if (!d->logged || strcmp(d->logged, what)) {
		free(d->logged);
		d->logged = tve_xstrdup(what);
		d->logged_pct = -100;
	}
	if (now >= end)
		pct = 100;
	if (pct < d->logged_pct + step && (pct < 100 || d->logged_pct == 100))
		return;
	d->logged_pct = pct - pct % step;
	tve_task_log(d->task, "%s %lld/%lld", what, now < end ? now : end, end);
}

static bool byte_stage(const char *st)
{
	return !strncmp(st, "DOWN", 4) || !strcmp(st, "SIZEDEBS");
}

static void dbs_message(struct dbs *d, const char *fmt)
{
	char *msg = dbs_format(d, fmt);

	switch (d->kind) {
	case 'P':
		free(d->label);
		d->label = msg;
		msg = NULL;
		if (!byte_stage(d->stage))
			dbs_progress(d, d->label, d->now, d->end);
		break;
	case 'I':
		if (!strcmp(d->code, "RETRIEVING") && d->n_args > 1 && *d->args[1]) {
			d->fetched++;
			if (d->debs > 0)
				dbs_progress(d, "Retrieving packages", d->fetched, d->debs);
		} else if (strcmp(d->code, "VALIDATING") && strcmp(d->code, "EXTRACTING") &&
			   strcmp(d->code, "UNPACKING") && strcmp(d->code, "CONFIGURING") &&
			   strcmp(d->code, "RETRIEVING")) {
			tve_task_log(d->task, "%s", msg);
		}
		break;
	case 'W':
		tve_task_log(d->task, "warning: %s", msg);
		break;
	case 'E':
		free(d->error);
		d->error = msg;
		msg = NULL;
		break;
	}
	free(msg);
}

static void dbs_line(void *opaque, int fd, const char *line)
{
	struct dbs *d = opaque;

	if (fd != 3 || !line[0])
		return;
	if (line[1] == ':') {			/* a new message */
		for (size_t i = 0; i < d->n_args; i++)
			free(d->args[i]);
		d->n_args = 0;
		d->kind = line[0];
		snprintf(d->code, sizeof(d->code), "%s", line + 2 + (line[2] == ' '));
		if (d->kind == 'P') {
			char st[32] = "";
			if (sscanf(line + 2, "%lld %lld %31s", &d->now, &d->end, st) < 2)
				return;
			if (*st)	/* a stage starts: its words follow in PF */
				snprintf(d->stage, sizeof(d->stage), "%s", st);
			else if (d->label && !byte_stage(d->stage))
				dbs_progress(d, d->label, d->now, d->end);
			if (!strcmp(d->stage, "SIZEDEBS"))
				d->debs = d->end;
		}
	} else if (line[1] == 'A' && line[2] == ':') {
		if (d->n_args < TVE_ARRAY_SIZE(d->args))
			d->args[d->n_args++] = tve_xstrdup(line + 3 + (line[3] == ' '));
	} else if (line[1] == 'F' && line[2] == ':') {
		dbs_message(d, line + 3 + (line[3] == ' '));
	}
}

/* What a template does not need: package caches and lists (apt update
 * brings them back), the build host's identity. */
static void template_cleanup(const char *root)
{
	static const char *const dirs[] = { "var/cache/apt/archives", "var/lib/apt/lists" };
	static const char *const empty_files[] = { "etc/machine-id" };
	static const char *const gone[] = { "var/lib/dbus/machine-id", "etc/hostname",
					    "var/cache/apt/pkgcache.bin", "var/cache/apt/srcpkgcache.bin" };

	for (size_t i = 0; i < TVE_ARRAY_SIZE(dirs); i++) {
		char *d = tve_xasprintf("%s/%s", root, dirs[i]);
		char *tmp = tve_xasprintf("%s.tve-old", d);
		/* keep the directory (and its partial/ and lock), drop the files */
		if (rename(d, tmp) == 0 && mkdir(d, 0755) == 0) {
			char *p = tve_xasprintf("%s/partial", d);
			mkdir(p, 0700);
			free(p);
		}
		tve_ct_rmtree(tmp);
		free(tmp);
		free(d);
	}
	for (size_t i = 0; i < TVE_ARRAY_SIZE(empty_files); i++) {
		char *p = tve_xasprintf("%s/%s", root, empty_files[i]);
		int fd = open(p, O_WRONLY | O_TRUNC | O_NOFOLLOW | O_CLOEXEC);
		if (fd >= 0)
			close(fd);
		free(p);
	}
	for (size_t i = 0; i < TVE_ARRAY_SIZE(gone); i++) {
		char *p = tve_xasprintf("%s/%s", root, gone[i]);
		unlink(p);
		free(p);
	}
}

int tve_ct_template_debootstrap(const char *suite, const char *mirror, const char *dest_tarball,
				struct tve_task *task, char **err)
{
	struct dbs d = { .task = task };
	char *tmp = NULL, *root = NULL, *part = NULL, *tail = NULL, *e = NULL;
	int rc = -1, st;

	if (!suite || !*suite || strchr(suite, '/') || !dest_tarball || !*dest_tarball)
		return tve_set_err(err, "a suite (e.g. bookworm) and a destination are required");
	if (!mirror || !*mirror)
		mirror = "http://deb.debian.org/debian";
	if (!(tmp = tve_ct_tmpdir("tve-tmpl", err)))
		return -1;
	root = tve_xasprintf("%s/rootfs", tmp);
	part = tve_xasprintf("%s.tmp", dest_tarball);
	tve_task_log(task, "debootstrap %s from %s (minbase, systemd-sysv, ifupdown, isc-dhcp-client)",
		     suite, mirror);
	{
		const char *argv[] = { "debootstrap", "--debian-installer", "--variant=minbase",
				       "--include=systemd-sysv,ifupdown,isc-dhcp-client",
				       suite, root, mirror, NULL };
		st = tve_ct_run(argv, true, dbs_line, &d, &tail, &e);
	}
	if (st != 0) {
		if (d.error)
			tve_set_err(err, "debootstrap failed: %s", d.error);
		else
			tve_set_err(err, "debootstrap failed: %s", e ? e : tail && *tail ? tail : "(no message)");
		goto cleanup;
	}
	template_cleanup(root);
	tve_task_log(task, "packing %s", dest_tarball);
	free(tail);
	tail = NULL;
	{
		const char *argv[] = { "tar", "--numeric-owner", "--xattrs", "--xattrs-include=*",
				       "-czf", part, "-C", root, ".", NULL };
		st = tve_ct_run(argv, false, NULL, NULL, &tail, &e);
	}
	if (st != 0) {
		tve_set_err(err, "tar failed: %s", e ? e : tail && *tail ? tail : "(no message)");
		goto cleanup;
	}
	if (rename(part, dest_tarball) < 0) {
		tve_set_err(err, "%s: %s", dest_tarball, strerror(errno));
		goto cleanup;
	}
	rc = 0;
cleanup:
	if (rc < 0)
		unlink(part);
	if (tve_ct_rmtree(tmp) < 0)
		tve_task_log(task, "warning: could not remove all of %s", tmp);
	for (size_t i = 0; i < d.n_args; i++)
		free(d.args[i]);
	free(d.label);
	free(d.logged);
	free(d.error);
	free(tail);
	free(e);
	free(part);
	free(root);
	free(tmp);
	return rc;
}
