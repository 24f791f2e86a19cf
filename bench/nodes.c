/* nodes.c - time until every node is populated: all at once, or one
 * after another.
 *
 *   bench/nodes [--sequential] [--guests N] [--timeout S] [--accept-offline]
 *               [--need M] [-v] URI|ssh:TARGET#KEYFILE...
 *
 * A node is populated when its published snapshot is ONLINE with at least
 * N guests (default 1).  Parallel (the default): one backend with every
 * URI as a node, timed from tve_backend_start until each node is
 * populated, waiting on the wake fd.  Sequential: for each URI in turn a
 * backend with that node alone, until it is populated, then freed; the
 * figure is the sum of those waits (wall_seconds adds starting and freeing
 * them).  With --accept-offline a node that goes OFFLINE is done too, with
 * its error, as a tool connecting one after another moves on after a
 * failed open.  --need M (parallel only) ends the wait once M nodes are
 * populated, whatever the others do (a blackholed node's open can hang for
 * 30 s).  The timeout (default 120 s) bounds each wait: the whole run in
 * parallel, each node in sequence.  -v says each verdict on stderr as it
 * comes.  The backend's state directory is a temporary one (in $TMPDIR).
 *
 * Prints one JSON line, before the backend is freed, and runs each
 * sequential node in a child process of its own (tried up to 3 times when
 * it dies before its verdict; children killed by a signal are counted in
 * "crashes"): a transport that crashes (libvirt 9.0's qemu+libssh does)
 * must not lose the figures.  A URI "ssh:TARGET#KEYFILE" is a node as
 * tve.conf's ssh = / keyfile = make it.  Exit 1 when a wait timed out, 3
 * when a node's child never reported. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backend.h"
#include "util.h"

enum verdict { PENDING, POPULATED, OFFLINE, CRASHED };

struct result {
	enum verdict v;
	double seconds;		/* from its backend's start */
	size_t guests;
	char *error;		/* OFFLINE: why */
};

struct opts {
	bool sequential;
	bool accept_offline;
	bool verbose;
	size_t guests;
	size_t need;		/* populated nodes that end a parallel wait */
	double timeout_s;
	char *state_dir;
	char **uris;
	size_t n;
};

struct totals {
	double seconds;		/* parallel: until the last node; sequential: the sum */
	double wall_s;
	unsigned crashes;	/* sequential: children killed by a signal */
	bool timed_out;
};

static double secs_since(uint64_t t0_ns)
{
	return (double)(tve_now_ns() - t0_ns) / 1e9;
}

static const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "pending", "online", "offline", "crashed" };

	return names[v];
}

/* Looks at the node's latest snapshot; records its verdict when it has
 * one.  Returns true when the node is done. */
static bool check_node(struct tve_backend *b, size_t node, const struct opts *o,
		       struct result *r, uint64_t t0)
{
	struct tve_snapshot *s;

	if (r->v != PENDING)
		return true;
	s = tve_backend_snapshot(b, node);
	if (s->state == TVE_NODE_ONLINE && s->updated && s->n_guests >= o->guests) {
		r->v = POPULATED;
		r->guests = s->n_guests;
	} else if (s->state == TVE_NODE_OFFLINE && o->accept_offline) {
		r->v = OFFLINE;
		r->error = tve_xstrdup(s->error ? s->error : "offline");
	}
	if (r->v != PENDING) {
		r->seconds = secs_since(t0);
		if (o->verbose)
			fprintf(stderr, "nodes: %s %s after %.3f s\n", s->node,
				verdict_name(r->v), r->seconds);
	}
	tve_snapshot_unref(s);
	return r->v != PENDING;
}

/* Waits on the wake fd until nodes 0..n-1 of b are done (results r[]),
 * or need of them are populated.  0, or -1 when the timeout came first. */
static int wait_done(struct tve_backend *b, size_t n, size_t need, const struct opts *o,
		     struct result *r, uint64_t t0)
{
	struct pollfd p = { .fd = tve_backend_wake_fd(b), .events = POLLIN };

	for (;;) {
		size_t done = 0, populated = 0;

		tve_backend_drain_wake(b);
		for (size_t i = 0; i < n; i++) {
			done += check_node(b, i, o, &r[i], t0);
			populated += r[i].v == POPULATED;
		}
		if (done == n || populated >= need)
			return 0;
		double left = o->timeout_s - secs_since(t0);
		if (left <= 0)
			return -1;
		if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR) {
			perror("nodes: poll");
			return -1;
		}
	}
}

/* A node: a libvirt URI, or "ssh:TARGET#KEYFILE" for an ssh node as
 * tve.conf's ssh = / keyfile = make it (libvirt through tve's session),
 * checked against $TVE_BENCH_KNOWN_HOSTS. */
static void add_node(struct tve_config *cfg, const char *name, const char *spec)
{
	struct tve_node_cfg *n;
	const char *hash;

	if (strncmp(spec, "ssh:", 4) != 0 || !(hash = strchr(spec, '#'))) {
		tve_config_add_node(cfg, name, spec);
		return;
	}
	if (!cfg->known_hosts && getenv("TVE_BENCH_KNOWN_HOSTS"))
		cfg->known_hosts = tve_xstrdup(getenv("TVE_BENCH_KNOWN_HOSTS"));
	n = tve_config_add_node(cfg, name, NULL);
	n->ssh = tve_xasprintf("%.*s", (int)(hash - spec - 4), spec + 4);
	n->keyfile = tve_xstrdup(hash + 1);
	if (tve_config_node_derive_uri(cfg, n, NULL) < 0)
		fprintf(stderr, "nodes: bad ssh node %s\n", spec);
}

/* A started backend with o's nodes first..first+n-1 (named n1, n2... as
 * on the command line); *t0 just before start. */
static struct tve_backend *start(const struct opts *o, size_t first, size_t n, uint64_t *t0)
{
	struct tve_config cfg;
	struct tve_backend *b;
	char *err = NULL;

	tve_config_init(&cfg);
	cfg.state_dir = tve_xstrdup(o->state_dir);
	for (size_t i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "n%zu", first + i + 1);
		add_node(&cfg, name, o->uris[first + i]);
	}
	b = tve_backend_new(&cfg, &err);
	*t0 = tve_now_ns();
	if (b && tve_backend_start(b, &err) < 0)
		tve_backend_free(&b);
	if (!b)
		fprintf(stderr, "nodes: %s\n", err ? err : "cannot start the backend");
	free(err);
	tve_config_clear(&cfg);
	return b;
}

/* Says on stderr what the nodes still pending of b look like. */
static void say_pending(const struct opts *o, const struct result *r, char **uris, size_t n,
			struct tve_backend *b)
{
	for (size_t i = 0; i < n; i++) {
		if (r[i].v != PENDING)
			continue;
		struct tve_snapshot *s = tve_backend_snapshot(b, i);

		fprintf(stderr, "nodes: timeout (%.0f s): %s is %s with %zu guests%s%s\n",
			o->timeout_s, uris[i], tve_node_state_name(s->state), s->n_guests,
			s->error ? ": " : "", s->error ? s->error : "");
		tve_snapshot_unref(s);
	}
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned)(unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct opts *o, const struct result *r, const struct totals *t)
{
	size_t populated = 0;
	double last = 0;

	for (size_t i = 0; i < o->n; i++) {
		if (r[i].v != POPULATED)
			continue;
		populated++;
		if (o->sequential)
			last += r[i].seconds;
		else if (r[i].seconds > last)
			last = r[i].seconds;
	}
	printf("{\"nodes\":%zu,\"mode\":\"%s\",\"seconds\":%.3f,\"populated\":%zu,"
	       "\"populated_seconds\":%.3f,\"wall_seconds\":%.3f,\"crashes\":%u,"
	       "\"timed_out\":%s,\"per_node\":[",
	       o->n, o->sequential ? "sequential" : "parallel", t->seconds, populated, last,
	       t->wall_s, t->crashes, t->timed_out ? "true" : "false");
	for (size_t i = 0; i < o->n; i++) {
		printf("%s{\"state\":\"%s\"", i ? "," : "", verdict_name(r[i].v));
		if (r[i].v == POPULATED || r[i].v == OFFLINE)
			printf(",\"seconds\":%.3f", r[i].seconds);
		if (r[i].v == POPULATED)
			printf(",\"guests\":%zu", r[i].guests);
		if (r[i].error) {
			printf(",\"error\":");
			json_str(r[i].error);
		}
		putchar('}');
	}
	printf("]}\n");
	fflush(stdout);
}

/* ---- parallel ---- */

static int run_parallel(const struct opts *o, struct result *r, struct totals *t,
			uint64_t run0)
{
	uint64_t t0;
	struct tve_backend *b = start(o, 0, o->n, &t0);
	int rc;

	if (!b)
		return -1;
	rc = wait_done(b, o->n, o->need, o, r, t0);
	t->seconds = secs_since(t0);
	t->timed_out = rc < 0;
	if (rc < 0)
		say_pending(o, r, o->uris, o->n, b);
	t->wall_s = secs_since(run0);
	print_json(o, r, t);
	tve_backend_free(&b);
	return rc;
}

/* ---- sequential: a child process per node ---- */

/* In the child: node i alone until done; the verdict as one line on fd
 * ("V SECONDS GUESTS ERROR"), then the backend is freed. */
static int child_node(const struct opts *o, size_t i, int fd)
{
	struct result r = { 0 };
	uint64_t t0;
	struct tve_backend *b = start(o, i, 1, &t0);
	int rc;

	if (!b)
		return 1;
	rc = wait_done(b, 1, 1, o, &r, t0);
	if (rc < 0)
		say_pending(o, &r, &o->uris[i], 1, b);
	for (char *p = r.error; p && *p; p++)
		if (*p == '\n')
			*p = ' ';
	dprintf(fd, "%d %.6f %zu %s\n", (int)r.v, rc < 0 ? secs_since(t0) : r.seconds,
		r.guests, r.error ? r.error : "");
	close(fd);
	free(r.error);
	tve_backend_free(&b);
	return rc < 0 ? 1 : 0;
}

/* Reads the child's line into r; false when there was none. */
static bool read_verdict(int fd, struct result *r)
{
	FILE *f = fdopen(fd, "r");
	char line[2048], err[2048] = "";
	int v = PENDING;
	bool ok = false;

	if (f && fgets(line, sizeof(line), f) &&
	    sscanf(line, "%d %lf %zu %2047[^\n]", &v, &r->seconds, &r->guests, err) >= 3) {
		r->v = (enum verdict)v;
		r->error = err[0] ? tve_xstrdup(err) : NULL;
		ok = true;
	}
	if (f)
		fclose(f);
	else
		close(fd);
	return ok;
}

/* Node i in a child; its verdict in r.  -1 on timeout, -3 when the child
 * died before reporting. */
static int one_node(const struct opts *o, size_t i, struct result *r, struct totals *t)
{
	int fds[2], status = 0;
	pid_t pid;

	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		perror("nodes: fork");
		return -3;
	}
	if (pid == 0) {
		close(fds[0]);
		_exit(child_node(o, i, fds[1]));
	}
	close(fds[1]);
	bool got = read_verdict(fds[0], r);

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (WIFSIGNALED(status)) {
		t->crashes++;
		fprintf(stderr, "nodes: %s: the child was killed by signal %d\n", o->uris[i],
			WTERMSIG(status));
	}
	if (!got) {
		r->v = CRASHED;
		fprintf(stderr, "nodes: %s: the child ended without a verdict (wait status %#x)\n",
			o->uris[i], (unsigned)status);
		return -3;
	}
	t->seconds += r->seconds;
	return r->v == PENDING ? -1 : 0;
}

static int run_sequential(const struct opts *o, struct result *r, struct totals *t,
			  uint64_t run0)
{
	int rc = 0;

	fflush(stdout);
	for (size_t i = 0; i < o->n && rc == 0; i++) {
		/* A child that crashed before its verdict: that node again. */
		for (int attempt = 0; attempt < 3; attempt++) {
			free(r[i].error);
			memset(&r[i], 0, sizeof(r[i]));
			if ((rc = one_node(o, i, &r[i], t)) != -3)
				break;
		}
	}
	t->timed_out = rc == -1;
	t->wall_s = secs_since(run0);
	print_json(o, r, t);
	return rc;
}

/* ---- main ---- */

static int usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--sequential] [--guests N] [--timeout S] [--accept-offline] "
		"[--need M] [-v] URI...\n", argv0);
	return 2;
}

static int parse(int argc, char **argv, struct opts *o)
{
	int i;

	o->guests = 1;
	o->timeout_s = 120;
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--sequential"))
			o->sequential = true;
		else if (!strcmp(argv[i], "--accept-offline"))
			o->accept_offline = true;
		else if (!strcmp(argv[i], "-v"))
			o->verbose = true;
		else if (!strcmp(argv[i], "--guests") && i + 1 < argc)
			o->guests = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--need") && i + 1 < argc)
			o->need = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			o->timeout_s = atof(argv[++i]);
		else
			return -1;
	}
	if (i == argc || o->timeout_s <= 0)
		return -1;
	o->uris = &argv[i];
	o->n = (size_t)(argc - i);
	if (!o->need || o->need > o->n)
		o->need = o->n;
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	struct totals t = { 0 };
	const char *tmpdir = getenv("TMPDIR");
	char *dir;
	int rc;

	if (parse(argc, argv, &o) < 0)
		return usage(argv[0]);
	dir = tve_xasprintf("%s/tve-bench-nodes.XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(dir)) {
		perror("nodes: mkdtemp");
		return 1;
	}
	o.state_dir = dir;	/* task history: not the user's */
	struct result *r = tve_xcalloc(o.n, sizeof(*r));
	uint64_t run0 = tve_now_ns();

	rc = o.sequential ? run_sequential(&o, r, &t, run0) : run_parallel(&o, r, &t, run0);
	for (size_t i = 0; i < o.n; i++)
		free(r[i].error);
	free(r);
	rmdir(dir);
	free(dir);
	return rc == -3 ? 3 : rc < 0 ? 1 : 0;
}
