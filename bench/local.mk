# Benchmarks: `make bench` prints figures; nothing here passes or fails on time.
noinst_PROGRAMS += bench/calls
bench_calls_SOURCES = bench/calls.c
bench_calls_LDADD = $(BACKEND_LIBS)
noinst_PROGRAMS += bench/nodes
bench_nodes_SOURCES = bench/nodes.c
bench_nodes_LDADD = $(BACKEND_LIBS)

EXTRA_DIST += bench/run.sh bench/gen-fixture.py bench/firstpaint.py \
	bench/slowlink.sh bench/latency-proxy.py bench/ptyrun.py \
	bench/nodes.sh

bench: tve bench/calls bench/nodes
	@TVE_TOP_BUILDDIR='$(abs_top_builddir)' TVE_TOP_SRCDIR='$(abs_top_srcdir)' \
		$(SHELL) $(top_srcdir)/bench/run.sh
.PHONY: bench
