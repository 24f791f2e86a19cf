# The console: ncurses only, no libvirt/libssh/curl calls.
bin_PROGRAMS += tve
tve_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tui $(NCURSES_CFLAGS)
tve_SOURCES = \
	tui/main.c
tve_LDADD = $(NCURSES_LIBS) $(BACKEND_LIBS)
