/* spec_priv.h - what the Create VM and Create CT specs share internally:
 * the confirm page's "key: value" lines. */
#ifndef TVE_SPEC_PRIV_H
#define TVE_SPEC_PRIV_H

#include <stddef.h>

/* A NULL-terminated array of "key: value" lines being built. */
struct spec_lines {
	char **v;
	size_t n;
};

void spec_lines_add(struct spec_lines *l, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Sorts by key (as the web UI lists them) and returns the array. */
char **spec_lines_sorted(struct spec_lines *l);

#endif
