/* test_task.c - task store: ids, logs, queries, persistence, threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "task.h"
#include "util.h"

static char *tmpdir;

static int setup(void **state)
{
	char tmpl[] = "/tmp/tve-test-task-XXXXXX";

	(void)state;
	if (!mkdtemp(tmpl))
		return -1;
	free(tmpdir);
	tmpdir = tve_xstrdup(tmpl);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = tve_xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);

	(void)state;
	free(cmd);
	free(tmpdir);
	tmpdir = NULL;
	return rc == 0 ? 0 : -1;
}

static char *store_dir(void)
{
	return tve_xasprintf("%s/state/tve", tmpdir);
}

static char *node_file(const char *enc)
{
	return tve_xasprintf("%s/state/tve/tasks-%s.jsonl", tmpdir, enc);
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int c;

	if (!f)
		return 0;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static size_t strv_len(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static void test_begin_log_finish(void **state)
{
	struct tve_taskstore *s = tve_taskstore_new(NULL, 10);
	struct tve_task *t;
	struct tve_task_info info;
	struct passwd *pw = getpwuid(geteuid());
	char *want_user = tve_xasprintf("%s@tve", pw ? pw->pw_name : "?");
	char **log;
	char pid[9], seq[9], start[9], type[32], target[32], user[64];
	unsigned long gen;

	(void)state;
	gen = tve_taskstore_generation(s);
	t = tve_task_begin(s, "pve1", "qmstart", "100");
	assert_non_null(t);
	assert_true(tve_taskstore_generation(s) > gen);
	assert_int_equal(tve_taskstore_running(s), 1);
	/* UPID:node:pid:seq:start:type:target:user: */
	assert_int_equal(sscanf(tve_task_id(t), "UPID:pve1:%8[0-9A-F]:%8[0-9A-F]:%8[0-9A-F]:%31[^:]:%31[^:]:%63[^:]:",
				pid, seq, start, type, target, user), 6);
	assert_int_equal(strlen(pid), 8);
	assert_int_equal(strlen(seq), 8);
	assert_int_equal(strlen(start), 8);
	assert_int_equal(strtoul(pid, NULL, 16), (unsigned long)getpid());
	assert_string_equal(type, "qmstart");
	assert_string_equal(target, "100");
	assert_string_equal(user, want_user);
	assert_int_equal(tve_task_id(t)[strlen(tve_task_id(t)) - 1], ':');

	gen = tve_taskstore_generation(s);
	tve_task_log(t, "starting %s", "VM 100");
	tve_task_log(t, "two\nlines\n");
	tve_task_log(t, "%s", "");
	assert_true(tve_taskstore_generation(s) > gen);
	assert_int_equal(tve_taskstore_info(s, tve_task_id(t), &info), 0);
	assert_int_equal(info.status, TVE_TASK_RUNNING);
	assert_int_equal(info.end, 0);
	assert_int_equal(info.n_lines, 4);
	assert_null(info.error);
	assert_string_equal(info.node, "pve1");
	assert_string_equal(info.user, want_user);
	assert_true(info.start > 0);
	tve_task_info_free(&info);

	tve_task_finish(t, NULL);
	tve_task_log(t, "after the end");	/* ignored */
	tve_task_finish(t, "too late");		/* ignored */
	assert_int_equal(tve_taskstore_running(s), 0);
	log = tve_taskstore_log(s, tve_task_id(t));
	assert_int_equal(strv_len(log), 5);
	assert_string_equal(log[0], "starting VM 100");
	assert_string_equal(log[1], "two");
	assert_string_equal(log[2], "lines");
	assert_string_equal(log[3], "");
	assert_string_equal(log[4], "TASK OK");
	tve_strv_free(log);
	assert_int_equal(tve_taskstore_info(s, tve_task_id(t), &info), 0);
	assert_int_equal(info.status, TVE_TASK_OK);
	assert_true(info.end >= info.start);
	tve_task_info_free(&info);

	t = tve_task_begin(s, "pve1", "qmstop", "web");
	tve_task_finish(t, "domain is not running\nreally");
	assert_int_equal(tve_taskstore_info(s, tve_task_id(t), &info), 0);
	assert_int_equal(info.status, TVE_TASK_ERROR);
	assert_string_equal(info.error, "domain is not running\nreally");
	assert_string_equal(info.target, "web");
	tve_task_info_free(&info);
	log = tve_taskstore_log(s, tve_task_id(t));
	assert_int_equal(strv_len(log), 1);
	assert_string_equal(log[0], "TASK ERROR: domain is not running really");
	tve_strv_free(log);

	assert_null(tve_taskstore_log(s, "UPID:nope"));
	assert_int_equal(tve_taskstore_info(s, "UPID:nope", &info), -1);
	tve_strv_free(NULL);
	tve_task_info_free(NULL);
	free(want_user);
	tve_taskstore_free(&s);
	assert_null(s);
	tve_taskstore_free(&s);
}

static void test_ids_unique(void **state)
{
	struct tve_taskstore *s = tve_taskstore_new(NULL, 5000);
	struct tve_task_info *infos;
	size_t n;

	(void)state;
	for (int i = 0; i < 2000; i++)
		tve_task_finish(tve_task_begin(s, "pve1", "qmstart", "100"), NULL);
	/* Colons in fields would break the id's structure. */
	tve_task_finish(tve_task_begin(s, "pve1", "qm:x", "a:b"), NULL);
	n = tve_taskstore_recent(s, 5000, &infos);
	assert_int_equal(n, 2001);
	assert_string_equal(infos[0].type, "qm:x");
	assert_non_null(strstr(infos[0].id, ":qm_x:a_b:"));
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(infos[i].id, infos[j].id) == 0)
				fail_msg("duplicate id %s", infos[i].id);
	tve_task_info_array_free(infos, n);
	tve_taskstore_free(&s);
}

static void test_log_cap(void **state)
{
	struct tve_taskstore *s = tve_taskstore_new(NULL, 10);
	struct tve_task *t = tve_task_begin(s, "n", "big", NULL);
	char **log;

	(void)state;
	for (int i = 0; i < 10050; i++)
		tve_task_log(t, "line %d", i);
	tve_task_finish(t, NULL);
	log = tve_taskstore_log(s, tve_task_id(t));
	assert_int_equal(strv_len(log), 10002);
	assert_string_equal(log[9999], "line 9999");
	assert_string_equal(log[10000], "... (log truncated)");
	assert_string_equal(log[10001], "TASK OK");
	tve_strv_free(log);
	tve_taskstore_free(&s);
}

static void test_queries(void **state)
{
	struct tve_taskstore *s = tve_taskstore_new(NULL, 10);
	struct tve_task *a, *b, *c, *d;
	struct tve_task_info *infos;
	size_t n;

	(void)state;
	n = tve_taskstore_recent(s, 10, &infos);
	assert_int_equal(n, 0);
	assert_null(infos);
	a = tve_task_begin(s, "pve1", "qmstart", "100");
	b = tve_task_begin(s, "pve2", "qmstart", "200");
	c = tve_task_begin(s, "pve1", "qmstop", "100");
	d = tve_task_begin(s, "pve1", "qmstart", "101");
	tve_task_finish(a, NULL);
	tve_task_finish(c, "failed");
	assert_int_equal(tve_taskstore_running(s), 2);

	n = tve_taskstore_recent(s, 10, &infos);
	assert_int_equal(n, 4);
	assert_string_equal(infos[0].id, tve_task_id(d));
	assert_string_equal(infos[1].id, tve_task_id(c));
	assert_string_equal(infos[2].id, tve_task_id(b));
	assert_string_equal(infos[3].id, tve_task_id(a));
	assert_int_equal(infos[1].status, TVE_TASK_ERROR);
	assert_string_equal(infos[1].error, "failed");
	tve_task_info_array_free(infos, n);

	n = tve_taskstore_recent(s, 2, &infos);
	assert_int_equal(n, 2);
	assert_string_equal(infos[1].id, tve_task_id(c));
	tve_task_info_array_free(infos, n);

	n = tve_taskstore_query(s, "pve1", NULL, 10, &infos);
	assert_int_equal(n, 3);
	tve_task_info_array_free(infos, n);
	n = tve_taskstore_query(s, "pve1", "100", 10, &infos);
	assert_int_equal(n, 2);
	assert_string_equal(infos[0].type, "qmstop");
	assert_string_equal(infos[1].type, "qmstart");
	tve_task_info_array_free(infos, n);
	n = tve_taskstore_query(s, NULL, "200", 10, &infos);
	assert_int_equal(n, 1);
	assert_string_equal(infos[0].node, "pve2");
	tve_task_info_array_free(infos, n);
	n = tve_taskstore_query(s, "pve3", NULL, 10, &infos);
	assert_int_equal(n, 0);
	tve_task_info_array_free(infos, n);
	tve_task_finish(b, NULL);
	tve_task_finish(d, NULL);
	tve_taskstore_free(&s);
}

static void test_memory_bound(void **state)
{
	struct tve_taskstore *s = tve_taskstore_new(NULL, 3);
	struct tve_task *t[6];
	struct tve_task_info *infos;
	size_t n;

	(void)state;
	t[0] = tve_task_begin(s, "n", "long", "1");	/* stays running */
	for (int i = 1; i < 6; i++) {
		t[i] = tve_task_begin(s, "n", "short", "1");
		tve_task_log(t[i], "hello");
		tve_task_finish(t[i], NULL);
	}
	n = tve_taskstore_recent(s, 100, &infos);
	/* The running task is never dropped; the oldest finished ones are. */
	assert_int_equal(n, 3);
	assert_string_equal(infos[0].id, tve_task_id(t[5]));
	assert_string_equal(infos[1].id, tve_task_id(t[4]));
	assert_string_equal(infos[2].id, tve_task_id(t[0]));
	tve_task_info_array_free(infos, n);
	/* Evicted handles stay usable. */
	assert_non_null(tve_task_id(t[1]));
	assert_true(strncmp(tve_task_id(t[1]), "UPID:n:", 7) == 0);
	tve_task_log(t[1], "ignored");
	tve_task_finish(t[1], NULL);
	assert_null(tve_taskstore_log(s, tve_task_id(t[1])));
	tve_task_finish(t[0], NULL);
	tve_taskstore_free(&s);
}

static int hook_calls;
static struct tve_taskstore *hook_store;

static void hook(void *opaque)
{
	/* Would deadlock if the hook ran under the store's lock. */
	(void)tve_taskstore_running(hook_store);
	__atomic_fetch_add(&hook_calls, 1, __ATOMIC_RELAXED);
	assert_ptr_equal(opaque, &hook_calls);
}

struct worker {
	struct tve_taskstore *s;
	struct tve_task *shared;
	int id;
};

static void *log_worker(void *arg)
{
	struct worker *w = arg;
	char node[16];
	struct tve_task *t;

	snprintf(node, sizeof(node), "node%d", w->id % 2);
	t = tve_task_begin(w->s, node, "work", "x");
	for (int i = 0; i < 1000; i++) {
		tve_task_log(t, "worker %d line %d", w->id, i);
		tve_task_log(w->shared, "worker %d shared %d", w->id, i);
	}
	tve_task_finish(t, w->id % 2 ? "odd" : NULL);
	return NULL;
}

static void test_threads(void **state)
{
	char *dir = store_dir();
	struct tve_taskstore *s = tve_taskstore_new(dir, 100);
	struct tve_task *shared;
	struct worker w[4];
	pthread_t th[4];
	struct tve_task_info *infos;
	char **log;
	size_t n;
	int per_worker[4] = { 0 };

	(void)state;
	hook_calls = 0;
	hook_store = s;
	tve_taskstore_set_hook(s, hook, &hook_calls);
	shared = tve_task_begin(s, "node0", "shared", NULL);
	assert_int_equal(hook_calls, 1);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ .s = s, .shared = shared, .id = i };
		assert_int_equal(pthread_create(&th[i], NULL, log_worker, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	tve_task_finish(shared, NULL);
	/* begin + 2000 logs + finish per worker, begin + finish of shared. */
	assert_int_equal(hook_calls, 4 * 2002 + 2);
	log = tve_taskstore_log(s, tve_task_id(shared));
	assert_int_equal(strv_len(log), 4001);
	for (size_t i = 0; i < 4000; i++) {
		int wid, line;

		assert_int_equal(sscanf(log[i], "worker %d shared %d", &wid, &line), 2);
		assert_in_range(wid, 0, 3);
		/* Each worker's lines arrive in its own order. */
		assert_int_equal(line, per_worker[wid]);
		per_worker[wid]++;
	}
	tve_strv_free(log);
	n = tve_taskstore_recent(s, 100, &infos);
	assert_int_equal(n, 5);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(infos[i].n_lines, strcmp(infos[i].type, "shared") ? 1001 : 4001);
	tve_task_info_array_free(infos, n);
	tve_taskstore_free(&s);

	/* Every record reached the files intact: one JSON object per line. */
	s = tve_taskstore_new(dir, 100);
	{
		char *err = NULL;

		assert_int_equal(tve_taskstore_load(s, "node0", &err), 0);
		assert_null(err);
		assert_int_equal(tve_taskstore_load(s, "node1", &err), 0);
		assert_null(err);
	}
	n = tve_taskstore_recent(s, 100, &infos);
	assert_int_equal(n, 5);
	tve_task_info_array_free(infos, n);
	tve_taskstore_free(&s);
	free(dir);
}

static void test_persistence(void **state)
{
	char *dir = store_dir(), *path = node_file("pve1"), *err = NULL;
	struct tve_taskstore *s = tve_taskstore_new(dir, 50);
	struct tve_task *a, *b;
	struct tve_task_info *infos, info;
	char *ida, *idb;
	char **log;
	struct stat st;
	size_t n;

	(void)state;
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	a = tve_task_begin(s, "pve1", "qmstart", "100");
	tve_task_log(a, "starting \"quoted\" \\ and ünïcode");
	tve_task_finish(a, NULL);
	b = tve_task_begin(s, "pve1", "qmshutdown", "101");
	tve_task_log(b, "waiting");
	tve_task_finish(b, "timeout after 180 s");
	ida = tve_xstrdup(tve_task_id(a));
	idb = tve_xstrdup(tve_task_id(b));
	tve_task_finish(tve_task_begin(s, "pve2", "x", "y"), NULL);
	tve_taskstore_free(&s);

	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(count_lines(path), 4);	/* begin + end per task */

	s = tve_taskstore_new(dir, 50);
	assert_int_equal(tve_taskstore_load(s, "pve1", &err), 0);
	assert_null(err);
	n = tve_taskstore_recent(s, 10, &infos);
	assert_int_equal(n, 2);	/* pve2 not loaded */
	assert_string_equal(infos[0].id, idb);
	assert_string_equal(infos[1].id, ida);
	assert_int_equal(infos[0].status, TVE_TASK_ERROR);
	assert_string_equal(infos[0].error, "timeout after 180 s");
	assert_string_equal(infos[0].type, "qmshutdown");
	assert_string_equal(infos[0].target, "101");
	assert_string_equal(infos[0].node, "pve1");
	assert_int_equal(infos[1].status, TVE_TASK_OK);
	assert_null(infos[1].error);
	assert_true(infos[1].end >= infos[1].start && infos[1].start > 0);
	tve_task_info_array_free(infos, n);
	log = tve_taskstore_log(s, ida);
	assert_int_equal(strv_len(log), 2);
	assert_string_equal(log[0], "starting \"quoted\" \\ and ünïcode");
	assert_string_equal(log[1], "TASK OK");
	tve_strv_free(log);
	log = tve_taskstore_log(s, idb);
	assert_string_equal(log[1], "TASK ERROR: timeout after 180 s");
	tve_strv_free(log);
	assert_int_equal(tve_taskstore_info(s, ida, &info), 0);
	assert_int_equal(info.n_lines, 2);
	tve_task_info_free(&info);
	/* Loading again adds nothing twice. */
	assert_int_equal(tve_taskstore_load(s, "pve1", &err), 0);
	n = tve_taskstore_recent(s, 10, &infos);
	assert_int_equal(n, 2);
	tve_task_info_array_free(infos, n);
	/* A missing file is fine. */
	assert_int_equal(tve_taskstore_load(s, "never-seen", &err), 0);
	assert_null(err);
	tve_taskstore_free(&s);
	free(ida);
	free(idb);
	free(path);
	free(dir);
}

static void test_file_names(void **state)
{
	char *dir = store_dir(), *path = node_file("a%2Fb%20c"), *err = NULL;
	struct tve_taskstore *s = tve_taskstore_new(dir, 10);
	struct tve_task_info *infos;
	size_t n;

	(void)state;
	tve_task_finish(tve_task_begin(s, "a/b c", "t", NULL), NULL);
	tve_task_finish(tve_task_begin(s, "a_b_c", "t", NULL), NULL);
	tve_taskstore_free(&s);
	assert_int_equal(access(path, F_OK), 0);
	s = tve_taskstore_new(dir, 10);
	assert_int_equal(tve_taskstore_load(s, "a/b c", &err), 0);
	n = tve_taskstore_recent(s, 10, &infos);
	assert_int_equal(n, 1);
	assert_string_equal(infos[0].node, "a/b c");
	tve_task_info_array_free(infos, n);
	tve_taskstore_free(&s);
	free(path);
	free(dir);
}

static void test_interrupted(void **state)
{
	char *dir = store_dir(), *err = NULL, *id;
	struct tve_taskstore *s = tve_taskstore_new(dir, 50);
	struct tve_task *t = tve_task_begin(s, "pve1", "qmmigrate", "100");
	struct tve_task_info info;
	char **log;

	(void)state;
	tve_task_log(t, "this line is lost: only begin and end are written");
	id = tve_xstrdup(tve_task_id(t));
	tve_taskstore_free(&s);	/* "tve exits" with the task running */

	for (int round = 0; round < 2; round++) {
		s = tve_taskstore_new(dir, 50);
		assert_int_equal(tve_taskstore_load(s, "pve1", &err), 0);
		assert_null(err);
		assert_int_equal(tve_taskstore_running(s), 0);
		assert_int_equal(tve_taskstore_info(s, id, &info), 0);
		assert_int_equal(info.status, TVE_TASK_ERROR);
		assert_string_equal(info.error, "interrupted (tve exited)");
		assert_true(info.end != 0);
		tve_task_info_free(&info);
		log = tve_taskstore_log(s, id);
		assert_int_equal(strv_len(log), 1);
		assert_string_equal(log[0], "TASK ERROR: interrupted (tve exited)");
		tve_strv_free(log);
		tve_taskstore_free(&s);
	}
	free(id);
	free(dir);
}

static void test_malformed(void **state)
{
	char *dir = store_dir(), *path = node_file("pve1"), *err = NULL;
	struct tve_taskstore *s;
	struct tve_task_info *infos;
	size_t n;

	(void)state;
	assert_int_equal(tve_mkdir_p(dir, 0700), 0);
	write_file(path,
		   "{\"id\":\"UPID:pve1:1\",\"node\":\"pve1\",\"type\":\"a\",\"target\":\"1\",\"user\":\"u@tve\",\"start\":100,\"status\":\"running\"}\n"
		   "this is not json\n"
		   "\n"
		   "[1,2,3]\n"
		   "{\"id\":\"UPID:pve1:2\",\"start\":\"yesterday\",\"status\":\"ok\"}\n"
		   "{\"id\":\"UPID:pve1:2\",\"node\":\"pve1\",\"type\":\"b\",\"target\":\"2\",\"user\":\"u@tve\",\"start\":200,\"end\":210,\"status\":\"ok\",\"log\":[\"x\",\"TASK OK\"]}\n"
		   "{\"id\":\"UPID:pve1:1\",\"node\":\"pve1\",\"type\":\"a\",\"target\":\"1\",\"user\":\"u@tve\",\"start\":100,\"end\":150,\"status\":\"error\",\"error\":\"boom\",\"log\":[\"TASK ERROR: boom\"]}\n"
		   "{\"id\":\"UPID:pve1:3\",\"start\":300,\"end\":310,\"status\":\"weird\"}\n"
		   "{\"truncated\":");
	s = tve_taskstore_new(dir, 50);
	assert_int_equal(tve_taskstore_load(s, "pve1", &err), 0);
	assert_non_null(err);
	assert_non_null(strstr(err, "5 malformed lines skipped"));
	assert_non_null(strstr(err, path));
	free(err);
	err = NULL;
	n = tve_taskstore_recent(s, 10, &infos);
	assert_int_equal(n, 2);
	/* Records merge by id, the last one wins. */
	assert_string_equal(infos[0].id, "UPID:pve1:2");
	assert_int_equal(infos[0].status, TVE_TASK_OK);
	assert_int_equal(infos[0].n_lines, 2);
	assert_string_equal(infos[1].id, "UPID:pve1:1");
	assert_int_equal(infos[1].status, TVE_TASK_ERROR);
	assert_string_equal(infos[1].error, "boom");
	assert_int_equal(infos[1].end, 150);
	tve_task_info_array_free(infos, n);
	tve_taskstore_free(&s);

	/* A file that cannot be read at all is an error. */
	free(path);
	path = node_file("broken");
	assert_int_equal(mkdir(path, 0700), 0);
	s = tve_taskstore_new(dir, 50);
	assert_int_equal(tve_taskstore_load(s, "broken", &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "tasks-broken.jsonl"));
	free(err);
	tve_taskstore_free(&s);
	free(path);
	free(dir);
}

static void test_compaction(void **state)
{
	char *dir = store_dir(), *path = node_file("pve1"), *err = NULL;
	struct tve_taskstore *s = tve_taskstore_new(dir, 100);
	struct tve_task_info *infos;
	char *ids[30], **log;
	struct stat st;
	size_t n;

	(void)state;
	for (int i = 0; i < 30; i++) {
		struct tve_task *t = tve_task_begin(s, "pve1", "qmstart", "100");

		tve_task_log(t, "task %d", i);
		tve_task_finish(t, i % 3 ? NULL : "failed");
		ids[i] = tve_xstrdup(tve_task_id(t));
	}
	/* One left running: it must survive compaction as interrupted. */
	tve_task_begin(s, "pve1", "qmstop", "100");
	tve_taskstore_free(&s);
	assert_int_equal(count_lines(path), 61);

	/* 61 records > 2 x 10: rewritten with the 10 newest. */
	s = tve_taskstore_new(dir, 10);
	assert_int_equal(tve_taskstore_load(s, "pve1", &err), 0);
	assert_null(err);
	assert_int_equal(count_lines(path), 10);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	n = tve_taskstore_recent(s, 100, &infos);
	assert_int_equal(n, 10);
	assert_string_equal(infos[0].type, "qmstop");
	assert_string_equal(infos[0].error, "interrupted (tve exited)");
	assert_string_equal(infos[1].id, ids[29]);
	assert_string_equal(infos[9].id, ids[21]);
	tve_task_info_array_free(infos, n);
	tve_taskstore_free(&s);

	/* The compacted file reads back the same, with logs. */
	s = tve_taskstore_new(dir, 10);
	assert_int_equal(tve_taskstore_load(s, "pve1", &err), 0);
	assert_null(err);
	assert_int_equal(count_lines(path), 10);	/* not above 2 x max_keep */
	n = tve_taskstore_recent(s, 100, &infos);
	assert_int_equal(n, 10);
	assert_string_equal(infos[0].error, "interrupted (tve exited)");
	assert_string_equal(infos[9].id, ids[21]);
	tve_task_info_array_free(infos, n);
	log = tve_taskstore_log(s, ids[27]);
	assert_int_equal(strv_len(log), 2);
	assert_string_equal(log[0], "task 27");
	assert_string_equal(log[1], "TASK ERROR: failed");
	tve_strv_free(log);
	tve_taskstore_free(&s);
	for (int i = 0; i < 30; i++)
		free(ids[i]);
	free(path);
	free(dir);
}

/* ---- progress and cancel ---- */

/* The task's progress as the UI reads it: fraction, and text or "-". */
static double progress_of(struct tve_taskstore *s, const char *id, char *text, size_t len)
{
	struct tve_task_info info;
	double p;

	assert_int_equal(tve_taskstore_info(s, id, &info), 0);
	p = info.progress;
	snprintf(text, len, "%s", info.progress_text ? info.progress_text : "-");
	tve_task_info_free(&info);
	assert_null(info.progress_text);
	return p;
}

static void test_progress(void **state)
{
	char *dir = store_dir(), *path = node_file("pve1"), *file = NULL, text[64];
	struct tve_taskstore *s = tve_taskstore_new(dir, 10);
	struct tve_task *t = tve_task_begin(s, "pve1", "download", "local");
	const char *id = tve_task_id(t);
	unsigned long gen;
	size_t len = 0;
	FILE *f;

	(void)state;
	hook_calls = 0;
	hook_store = s;
	tve_taskstore_set_hook(s, hook, &hook_calls);
	assert_true(progress_of(s, id, text, sizeof(text)) < 0);
	assert_string_equal(text, "-");
	gen = tve_taskstore_generation(s);
	tve_task_progress(t, 0.25, "1.00 MiB of 4.00 MiB");
	assert_int_equal(hook_calls, 1);	/* the UI wakes */
	assert_true(tve_taskstore_generation(s) > gen);
	assert_true(progress_of(s, id, text, sizeof(text)) == 0.25);
	assert_string_equal(text, "1.00 MiB of 4.00 MiB");
	tve_task_progress(t, 7, NULL);		/* clamped; text dropped */
	assert_true(progress_of(s, id, text, sizeof(text)) == 1.0);
	assert_string_equal(text, "-");
	tve_task_progress(t, -3, "5 MiB");	/* total unknown */
	assert_true(progress_of(s, id, text, sizeof(text)) < 0);
	assert_string_equal(text, "5 MiB");
	/* Not a log line; gone when the task ends; later calls do nothing. */
	tve_task_finish(t, NULL);
	gen = tve_taskstore_generation(s);
	tve_task_progress(t, 0.5, "late");
	assert_int_equal(tve_taskstore_generation(s), gen);
	assert_true(progress_of(s, id, text, sizeof(text)) < 0);
	assert_string_equal(text, "-");
	tve_taskstore_free(&s);
	/* Never written to the history file. */
	assert_non_null(f = fopen(path, "r"));
	assert_true(getdelim(&file, &len, '\0', f) > 0);
	fclose(f);
	assert_null(strstr(file, "MiB"));
	assert_null(strstr(file, "progress"));
	free(file);
	free(path);
	free(dir);
}

static void test_cancel(void **state)
{
	struct tve_taskstore *s = tve_taskstore_new(NULL, 10);
	struct tve_task *t = tve_task_begin(s, "pve1", "download", "local");
	struct tve_task *plain = tve_task_begin(s, "pve1", "qmstart", "100");
	struct tve_task_info info;
	char *err = NULL, **log;

	(void)state;
	assert_int_equal(tve_taskstore_cancel(s, "UPID:nope", &err), -1);
	assert_non_null(strstr(err, "no such task"));
	assert_int_equal(tve_taskstore_cancel(s, tve_task_id(plain), &err), -1);
	assert_non_null(strstr(err, "cannot be cancelled"));
	assert_false(tve_task_cancelled(plain));
	tve_task_set_cancellable(t);
	assert_int_equal(tve_taskstore_info(s, tve_task_id(t), &info), 0);
	assert_true(info.cancellable);
	tve_task_info_free(&info);
	assert_false(tve_task_cancelled(t));
	assert_int_equal(tve_taskstore_cancel(s, tve_task_id(t), &err), 0);
	assert_true(tve_task_cancelled(t));
	assert_int_equal(tve_taskstore_cancel(s, tve_task_id(t), &err), 0);	/* twice: fine */
	assert_int_equal(tve_taskstore_info(s, tve_task_id(t), &info), 0);
	assert_false(info.cancellable);		/* already asked */
	assert_int_equal(info.status, TVE_TASK_RUNNING);	/* the task ends itself */
	tve_task_info_free(&info);
	tve_task_finish(t, "cancelled");
	log = tve_taskstore_log(s, tve_task_id(t));
	assert_int_equal(strv_len(log), 2);
	assert_string_equal(log[0], "cancel requested");
	assert_string_equal(log[1], "TASK ERROR: cancelled");
	tve_strv_free(log);
	assert_int_equal(tve_taskstore_cancel(s, tve_task_id(t), &err), -1);
	assert_non_null(strstr(err, "ended"));
	free(err);
	tve_task_finish(plain, NULL);
	tve_task_info_free(NULL);
	tve_taskstore_free(&s);
}

/* A transfer loop on one thread; a reader and a cancel on this one. */
static void *transfer_worker(void *arg)
{
	struct tve_task *t = arg;
	char text[64];
	long i;

	tve_task_set_cancellable(t);
	for (i = 0; !tve_task_cancelled(t); i++) {
		snprintf(text, sizeof(text), "%ld KiB", i);
		tve_task_progress(t, (double)(i % 1000) / 1000, text);
		if (i % 64 == 0)
			usleep(100);
	}
	tve_task_finish(t, "cancelled");
	return NULL;
}

static void test_cancel_threads(void **state)
{
	struct tve_taskstore *s = tve_taskstore_new(NULL, 10);
	struct tve_task *t = tve_task_begin(s, "pve1", "download", "local");
	char *id = tve_xstrdup(tve_task_id(t)), *err = NULL, text[64];
	struct tve_task_info info;
	pthread_t th;
	int seen = 0;

	(void)state;
	assert_int_equal(pthread_create(&th, NULL, transfer_worker, t), 0);
	while (seen < 50) {
		double p = progress_of(s, id, text, sizeof(text));

		if (strcmp(text, "-") != 0) {
			assert_true(p >= 0 && p <= 1);
			assert_non_null(strstr(text, " KiB"));
			seen++;
		}
		usleep(200);
	}
	while (tve_taskstore_cancel(s, id, &err) < 0)	/* until it is cancellable */
		usleep(100);
	pthread_join(th, NULL);
	assert_int_equal(tve_taskstore_info(s, id, &info), 0);
	assert_int_equal(info.status, TVE_TASK_ERROR);
	assert_string_equal(info.error, "cancelled");
	assert_null(info.progress_text);
	tve_task_info_free(&info);
	free(err);
	free(id);
	tve_taskstore_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_begin_log_finish),
		cmocka_unit_test(test_ids_unique),
		cmocka_unit_test(test_log_cap),
		cmocka_unit_test(test_queries),
		cmocka_unit_test(test_memory_bound),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_persistence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_interrupted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_cancel_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
