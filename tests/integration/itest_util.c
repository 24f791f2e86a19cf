/* itest_util.c - see itest_util.h. */
#include "itest_util.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util.h"

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void itest_wait_wake(struct tve_backend *b, int ms)
{
	struct pollfd p = { .fd = tve_backend_wake_fd(b), .events = POLLIN };

	if (poll(&p, 1, ms) > 0)
		tve_backend_drain_wake(b);
}

enum tve_task_status itest_wait_task(struct tve_backend *b, const char *id, int timeout_ms,
				     const char *quiet, char **error)
{
	struct tve_taskstore *ts = tve_backend_tasks(b);
	long long deadline = now_ms() + timeout_ms;
	enum tve_task_status st = TVE_TASK_RUNNING;
	struct tve_task_info info;
	char **log;

	if (error)
		*error = NULL;
	while (now_ms() < deadline) {
		if (tve_taskstore_info(ts, id, &info) == 0) {
			st = info.status;
			if (st != TVE_TASK_RUNNING && error)
				*error = tve_xstrdup(info.error);
			tve_task_info_free(&info);
			if (st != TVE_TASK_RUNNING)
				break;
		}
		itest_wait_wake(b, 100);
	}
	log = tve_taskstore_log(ts, id);
	for (char **l = log; l && *l; l++)
		if (!quiet || strncmp(*l, quiet, strlen(quiet)) != 0)
			diag("  | %s", *l);
	tve_strv_free(log);
	return st;
}
