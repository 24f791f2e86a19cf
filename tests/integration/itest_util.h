/* itest_util.h - what the integration test programs share: a monotonic
 * clock, TAP comments, and waiting on the backend's wake fd. */
#ifndef TVE_ITEST_UTIL_H
#define TVE_ITEST_UTIL_H

#include "backend.h"

/* Monotonic milliseconds. */
long long now_ms(void);
/* A TAP comment line ("# ..."), flushed at once. */
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Sleeps until b signals a change or ms pass. */
void itest_wait_wake(struct tve_backend *b, int ms);

#endif
