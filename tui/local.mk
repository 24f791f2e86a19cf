# The console: ncurses only, no libvirt/libssh/curl calls.
bin_PROGRAMS += tve
tve_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tui $(NCURSES_CFLAGS) $(INIH_CFLAGS)
tve_SOURCES = \
	tui/main.c \
	tui/app.c tui/app.h \
	tui/sync.c \
	tui/bars.c \
	tui/layout.c \
	tui/actions.c tui/actions.h tui/keymap.c tui/keymap.h \
	tui/action_run.c \
	tui/tree.c tui/tree.h \
	tui/content.c tui/content.h \
	tui/view_dc.c tui/view_node.c tui/view_guest.c tui/view_storage.c \
	tui/storage.h tui/storage_form.c tui/storage_wizard.c tui/storage_dialogs.c \
	tui/nodes.h tui/node_dialogs.c \
	tui/taskpanel.c tui/taskpanel.h \
	tui/dialog.c tui/dialog.h \
	tui/form.c tui/form.h tui/form_priv.h tui/form_draw.c \
	tui/wizard.h tui/wizard_common.c tui/wizard_bind.c \
	tui/wizard_vm.c tui/wizard_ct.c \
	tui/vbuf.c tui/vbuf.h \
	tui/theme.c tui/theme.h tui/theme_picker.c \
	tui/draw.c tui/draw.h \
	tui/tui.h
tve_LDADD = $(NCURSES_LIBS) $(BACKEND_LIBS)
