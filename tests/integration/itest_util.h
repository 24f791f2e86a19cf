/* itest_util.h - what the integration test programs share: a monotonic
 * clock, TAP comments, waiting on the backend's wake fd and for its tasks. */
#ifndef TVE_ITEST_UTIL_H
#define TVE_ITEST_UTIL_H

#include "backend.h"

/* Monotonic milliseconds. */
long long now_ms(void);
/* A TAP comment line ("# ..."), flushed at once. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Sleeps until b signals a change or ms pass. */
void itest_wait_wake(struct tve_backend *b, int ms);
/* Waits up to timeout_ms for b's task id to end: its status (still
 * TVE_TASK_RUNNING if it did not end); *error (if error) its error, or
 * NULL.  The task's log then goes out as TAP comments, but for the lines
 * that start with quiet (if not NULL). */
enum tve_task_status itest_wait_task(struct tve_backend *b, const char *id, int timeout_ms,
				     const char *quiet, char **error);

#endif
