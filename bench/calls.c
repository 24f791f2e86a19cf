/* calls.c - libvirt calls per refresh tick per node.
 *
 *   bench/calls URI [SECONDS]
 *
 * Runs the backend on one node with a 0.5 s guest refresh and reports the
 * library calls its driver made per refresh, after the first (cold) one. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "backend.h"
#include "util.h"

static void wait_refreshes(struct tve_backend *b, unsigned long n)
{
	while (tve_backend_refresh_count(b, 0) < n)
		usleep(10000);
}

int main(int argc, char **argv)
{
	struct tve_config cfg;
	struct tve_backend *b;
	char *err = NULL;
	double secs = argc > 2 ? atof(argv[2]) : 10.0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s URI [SECONDS]\n", argv[0]);
		return 2;
	}
	tve_config_init(&cfg);
	cfg.refresh_s = 0.5;
	cfg.io_refresh_s = 2;
	cfg.pool_refresh_s = 5;
	cfg.state_dir = tve_xstrdup("/tmp/tve-bench-state");
	tve_config_add_node(&cfg, "bench", argv[1]);
	b = tve_backend_new(&cfg, &err);
	if (!b || tve_backend_start(b, &err) < 0) {
		fprintf(stderr, "calls: %s\n", err ? err : "cannot start");
		return 1;
	}
	uint64_t t0 = tve_now_ms();
	wait_refreshes(b, 1);
	uint64_t t1 = tve_now_ms();
	unsigned long cold = tve_backend_driver_calls(b, 0);
	unsigned long r0 = tve_backend_refresh_count(b, 0);
	usleep((useconds_t)(secs * 1e6));
	unsigned long c1 = tve_backend_driver_calls(b, 0);
	unsigned long r1 = tve_backend_refresh_count(b, 0);
	struct tve_snapshot *s = tve_backend_snapshot(b, 0);

	printf("{\"guests\": %zu, \"first_refresh_ms\": %llu, \"first_refresh_calls\": %lu, "
	       "\"ticks\": %lu, \"calls\": %lu, \"calls_per_tick\": %.2f}\n",
	       s->n_guests, (unsigned long long)(t1 - t0), cold, r1 - r0, c1 - cold,
	       r1 > r0 ? (double)(c1 - cold) / (double)(r1 - r0) : 0.0);
	tve_snapshot_unref(s);
	tve_backend_free(&b);
	tve_config_clear(&cfg);
	return 0;
}
