/* golden.h - golden-file checks for the unit tests (cmocka). */
#ifndef TVE_TEST_GOLDEN_H
#define TVE_TEST_GOLDEN_H

/* Compares text with tests/golden/NAME in the source tree; with
 * TVE_UPDATE_GOLDEN=1 it rewrites the file first.  Fails the test (diff on
 * stderr) when they differ or the file is missing. */
void golden_check(const char *name, const char *text);

#endif
