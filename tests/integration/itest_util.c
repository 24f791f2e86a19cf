/* itest_util.c - see itest_util.h. */
#include "itest_util.h"

#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

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
