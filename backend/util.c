/* util.c - allocation, errors, clocks, formatting and paths. */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void (*fatal_hook)(void);

void tve_set_fatal_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

void tve_fatal(const char *fmt, ...)
{
	va_list ap;

	if (fatal_hook)
		fatal_hook();
	fputs("tve: fatal: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

static void *check(void *p)
{
	if (!p)
		tve_fatal("out of memory");
	return p;
}

void *tve_xmalloc(size_t n)
{
	return check(malloc(n ? n : 1));
}

void *tve_xcalloc(size_t nmemb, size_t size)
{
	return check(calloc(nmemb ? nmemb : 1, size ? size : 1));
}

void *tve_xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1));
}

void *tve_xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size && nmemb > SIZE_MAX / size)
		tve_fatal("allocation overflow");
	return tve_xrealloc(p, nmemb * size);
}

char *tve_xstrdup(const char *s)
{
	return s ? check(strdup(s)) : NULL;
}

char *tve_xvasprintf(const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0)
		tve_fatal("out of memory");
	return s;
}

char *tve_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = tve_xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

int tve_set_err(char **err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	free(*err);
	va_start(ap, fmt);
	*err = tve_xvasprintf(fmt, ap);
	va_end(ap);
	return -1;
}

uint64_t tve_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t tve_now_ms(void)
{
	return tve_now_ns() / 1000000ull;
}

const char *tve_fmt_bytes(char *buf, size_t len, unsigned long long bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	size_t u = 0;

	while (v >= 1024.0 && u + 1 < TVE_ARRAY_SIZE(units)) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", bytes);
	else if (v < 10.0)
		snprintf(buf, len, "%.2f %s", v, units[u]);
	else if (v < 100.0)
		snprintf(buf, len, "%.1f %s", v, units[u]);
	else
		snprintf(buf, len, "%.0f %s", v, units[u]);
	return buf;
}

const char *tve_fmt_uptime(char *buf, size_t len, long long s)
{
	if (s < 0)
		snprintf(buf, len, "-");
	else if (s >= 86400)
		snprintf(buf, len, "%lldd %02lld:%02lld:%02lld", s / 86400, s % 86400 / 3600,
			 s % 3600 / 60, s % 60);
	else
		snprintf(buf, len, "%02lld:%02lld:%02lld", s / 3600, s % 3600 / 60, s % 60);
	return buf;
}

int tve_mkdir_p(const char *path, unsigned mode)
{
	char *p = tve_xstrdup(path);
	int rc = 0;

	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, mode) < 0 && errno != EEXIST) {
				rc = -1;
				break;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return rc;
}

static char *xdg_dir(const char *var, const char *fallback)
{
	const char *v = getenv(var);
	const char *home = getenv("HOME");

	if (v && *v == '/')
		return tve_xasprintf("%s/tve", v);
	return tve_xasprintf("%s/%s/tve", home && *home ? home : "/tmp", fallback);
}

char *tve_state_dir(void)
{
	return xdg_dir("XDG_STATE_HOME", ".local/state");
}

char *tve_config_dir(void)
{
	return xdg_dir("XDG_CONFIG_HOME", ".config");
}
