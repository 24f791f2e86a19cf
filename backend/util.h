/* util.h - small helpers shared by backend and tui.
 *
 * Allocation helpers abort on out-of-memory after calling the registered
 * fatal hook (the TUI uses it to restore the terminal first). */
#ifndef TVE_UTIL_H
#define TVE_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define TVE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void *tve_xmalloc(size_t n);
void *tve_xcalloc(size_t nmemb, size_t size);
void *tve_xrealloc(void *p, size_t n);
void *tve_xreallocarray(void *p, size_t nmemb, size_t size);
/* NULL in, NULL out. */
char *tve_xstrdup(const char *s);
char *tve_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *tve_xvasprintf(const char *fmt, va_list ap);

/* Sets *err (if err is non-NULL) to a newly allocated message, freeing any
 * previous one.  Returns -1 so callers can `return tve_set_err(...)`. */
int tve_set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Called before abort() on out-of-memory or a broken invariant. */
void tve_set_fatal_hook(void (*hook)(void));
void tve_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Monotonic clock in nanoseconds / milliseconds. */
uint64_t tve_now_ns(void);
uint64_t tve_now_ms(void);

/* "1.5 GiB", "512 MiB", "0 B": human size of a byte count into buf. */
const char *tve_fmt_bytes(char *buf, size_t len, unsigned long long bytes);
/* "3d 04:05:06", "12:03:04", "-" for negative. */
const char *tve_fmt_uptime(char *buf, size_t len, long long seconds);

/* mkdir -p with mode for the created components. 0 or -1 (errno set). */
int tve_mkdir_p(const char *path, unsigned mode);

/* $XDG_STATE_HOME/tve or ~/.local/state/tve (newly allocated, not created). */
char *tve_state_dir(void);
/* $XDG_CONFIG_HOME/tve or ~/.config/tve (newly allocated, not created). */
char *tve_config_dir(void);

#endif
