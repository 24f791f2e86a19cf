# Benchmarks: `make bench` prints figures; nothing here passes or fails on time.
bench: tve
	@TVE_TOP_BUILDDIR='$(abs_top_builddir)' TVE_TOP_SRCDIR='$(abs_top_srcdir)' \
		$(SHELL) $(top_srcdir)/bench/run.sh
.PHONY: bench
