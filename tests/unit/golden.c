/* golden.c - see golden.h. */
#include "golden.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = tve_xmalloc((size_t)n + 1);
	buf[fread(buf, 1, (size_t)n, f)] = 0;
	fclose(f);
	return buf;
}

void golden_check(const char *name, const char *text)
{
	char *path = tve_xasprintf("%s/tests/golden/%s", TVE_SRCDIR, name);
	const char *upd = getenv("TVE_UPDATE_GOLDEN");
	char *want;

	assert_non_null(text);
	if (upd && strcmp(upd, "1") == 0) {
		FILE *f = fopen(path, "w");

		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	if (!(want = slurp(path)))
		fail_msg("missing golden %s (run with TVE_UPDATE_GOLDEN=1)", path);
	if (strcmp(want, text) != 0) {
		fprintf(stderr, "--- %s\n+++ generated\n%s", path, text);
		fail_msg("%s differs from the generated text", name);
	}
	free(want);
	free(path);
}
