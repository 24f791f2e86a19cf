# Test programs; tests/run.sh runs them all and prints one summary.
TEST_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS) $(LIBVIRT_CFLAGS) $(LIBXML_CFLAGS) $(JSONC_CFLAGS) $(INIH_CFLAGS)
TEST_LDADD = $(BACKEND_LIBS) $(CMOCKA_LIBS)

# --- unit (cmocka) ---
check_PROGRAMS += tests/unit/test_model
tests_unit_test_model_SOURCES = tests/unit/test_model.c
tests_unit_test_model_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_model_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/unit/test_task
tests_unit_test_task_SOURCES = tests/unit/test_task.c
tests_unit_test_task_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_task_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/unit/test_ssh
tests_unit_test_ssh_SOURCES = tests/unit/test_ssh.c
tests_unit_test_ssh_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_ssh_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_config_LDADD = $(TEST_LDADD)
# Theme files and colour step-down: the console's theme.c, without a screen.
check_PROGRAMS += tests/unit/test_theme
tests_unit_test_theme_SOURCES = tests/unit/test_theme.c tui/theme.c
tests_unit_test_theme_CPPFLAGS = $(TEST_CPPFLAGS) -I$(top_srcdir)/tui $(NCURSES_CFLAGS)
tests_unit_test_theme_LDADD = $(TEST_LDADD) $(NCURSES_LIBS)
# Key names and [keys] over the default bindings: keymap.c and actions.c,
# without a screen.
check_PROGRAMS += tests/unit/test_keymap
tests_unit_test_keymap_SOURCES = tests/unit/test_keymap.c tui/keymap.c tui/actions.c
tests_unit_test_keymap_CPPFLAGS = $(TEST_CPPFLAGS) -I$(top_srcdir)/tui $(NCURSES_CFLAGS)
tests_unit_test_keymap_LDADD = $(TEST_LDADD) $(NCURSES_LIBS)
check_PROGRAMS += tests/unit/test_spec
tests_unit_test_spec_SOURCES = tests/unit/test_spec.c
tests_unit_test_spec_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_spec_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/unit/test_spec_xml
tests_unit_test_spec_xml_SOURCES = tests/unit/test_spec_xml.c tests/unit/golden.c tests/unit/golden.h
tests_unit_test_spec_xml_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_spec_xml_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/unit/test_spec_ct
tests_unit_test_spec_ct_SOURCES = tests/unit/test_spec_ct.c tests/unit/golden.c tests/unit/golden.h
tests_unit_test_spec_ct_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_spec_ct_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/golden/ct-unpriv-dhcp.xml tests/golden/ct-unpriv-dhcp.summary \
	tests/golden/ct-unpriv-dhcp.volume \
	tests/golden/ct-priv-static.xml tests/golden/ct-priv-static.summary \
	tests/golden/ct-priv-static.volume \
	tests/golden/ct-network-slaac.xml tests/golden/ct-network-slaac.summary \
	tests/golden/ct-network-slaac.volume \
	tests/golden/ct-nonet.xml tests/golden/ct-nonet.summary tests/golden/ct-nonet.volume \
	tests/golden/ct-test.xml tests/golden/ct-test.summary tests/golden/ct-test.volume
# The golden VM XML checked by libvirt's own schema and test driver; run.sh
# runs the executables in tests/unit of the build tree, so the script is
# copied there without its .sh.
check_SCRIPTS = tests/unit/test_golden_valid
tests/unit/test_golden_valid: $(top_srcdir)/tests/unit/test_golden_valid.sh
	$(AM_V_GEN)mkdir -p tests/unit && cp $< $@ && chmod +x $@
CLEANFILES = tests/unit/test_golden_valid
EXTRA_DIST += tests/unit/test_golden_valid.sh tests/golden/vm-cpu.summary \
	tests/golden/vm-cpu.volumes tests/golden/vm-cpu.xml tests/golden/vm-disks.summary \
	tests/golden/vm-disks.volumes tests/golden/vm-disks.xml \
	tests/golden/vm-linux-default.summary tests/golden/vm-linux-default.volumes \
	tests/golden/vm-linux-default.xml tests/golden/vm-lsi.summary \
	tests/golden/vm-lsi.volumes tests/golden/vm-lsi.xml tests/golden/vm-net.summary \
	tests/golden/vm-net.volumes tests/golden/vm-net.xml tests/golden/vm-q35.summary \
	tests/golden/vm-q35.volumes tests/golden/vm-q35.xml tests/golden/vm-serial.summary \
	tests/golden/vm-serial.volumes tests/golden/vm-serial.xml tests/golden/vm-test.summary \
	tests/golden/vm-test.volumes tests/golden/vm-test.xml tests/golden/vm-win11.summary \
	tests/golden/vm-win11.volumes tests/golden/vm-win11.xml

# Add Storage specs; their golden pool XML checked by libvirt's schema and
# test driver (copied like test_golden_valid).
check_PROGRAMS += tests/unit/test_storage_spec
tests_unit_test_storage_spec_SOURCES = tests/unit/test_storage_spec.c tests/unit/golden.c tests/unit/golden.h
tests_unit_test_storage_spec_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_storage_spec_LDADD = $(TEST_LDADD)
check_SCRIPTS += tests/unit/test_pool_golden
tests/unit/test_pool_golden: $(top_srcdir)/tests/unit/test_pool_golden.sh
	$(AM_V_GEN)mkdir -p tests/unit && cp $< $@ && chmod +x $@
CLEANFILES += tests/unit/test_pool_golden
EXTRA_DIST += tests/unit/test_pool_golden.sh tests/golden/pool-dir.xml tests/golden/pool-fs.xml \
	tests/golden/pool-netfs.xml tests/golden/pool-logical.xml tests/golden/pool-iscsi.xml \
	tests/golden/pool-zfs.xml tests/golden/pool-rbd.xml tests/golden/pool-disk.xml

# --- backend (libvirt test driver) ---
check_PROGRAMS += tests/backend/test_backend
tests_backend_test_backend_SOURCES = tests/backend/test_backend.c
tests_backend_test_backend_CPPFLAGS = $(TEST_CPPFLAGS)
tests_backend_test_backend_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/backend/test_libvirt
tests_backend_test_libvirt_SOURCES = tests/backend/test_libvirt.c
tests_backend_test_libvirt_CPPFLAGS = $(TEST_CPPFLAGS)
tests_backend_test_libvirt_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/backend/test_storage
tests_backend_test_storage_SOURCES = tests/backend/test_storage.c
tests_backend_test_storage_CPPFLAGS = $(TEST_CPPFLAGS)
tests_backend_test_storage_LDADD = $(TEST_LDADD)

# --- integration (private libvirtd) ---
ITEST_UTIL = tests/integration/itest_util.c tests/integration/itest_util.h
# What itest_ct and itest_remote_ct share.
ITEST_CT_UTIL = tests/integration/itest_ct_util.c tests/integration/itest_ct_util.h
check_PROGRAMS += tests/integration/itest_storage
tests_integration_itest_storage_SOURCES = tests/integration/itest_storage.c $(ITEST_UTIL)
tests_integration_itest_storage_CPPFLAGS = $(TEST_CPPFLAGS)
tests_integration_itest_storage_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/integration/test_storage.sh
check_PROGRAMS += tests/integration/itest_lifecycle
tests_integration_itest_lifecycle_SOURCES = tests/integration/itest_lifecycle.c $(ITEST_UTIL)
tests_integration_itest_lifecycle_CPPFLAGS = $(TEST_CPPFLAGS)
tests_integration_itest_lifecycle_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/integration/itest_ct
tests_integration_itest_ct_SOURCES = tests/integration/itest_ct.c $(ITEST_UTIL) $(ITEST_CT_UTIL)
tests_integration_itest_ct_CPPFLAGS = $(TEST_CPPFLAGS)
tests_integration_itest_ct_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/integration/test_ct.sh
check_PROGRAMS += tests/integration/itest_create
tests_integration_itest_create_SOURCES = tests/integration/itest_create.c $(ITEST_UTIL)
tests_integration_itest_create_CPPFLAGS = $(TEST_CPPFLAGS)
tests_integration_itest_create_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/integration/itest_download
tests_integration_itest_download_SOURCES = tests/integration/itest_download.c $(ITEST_UTIL)
tests_integration_itest_download_CPPFLAGS = $(TEST_CPPFLAGS)
tests_integration_itest_download_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/integration/test_download.sh tests/integration/httpd.py
check_PROGRAMS += tests/integration/itest_ssh
tests_integration_itest_ssh_SOURCES = tests/integration/itest_ssh.c $(ITEST_UTIL)
tests_integration_itest_ssh_CPPFLAGS = $(TEST_CPPFLAGS)
tests_integration_itest_ssh_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/integration/test_ssh.sh
check_PROGRAMS += tests/integration/itest_remote_ct
tests_integration_itest_remote_ct_SOURCES = tests/integration/itest_remote_ct.c $(ITEST_UTIL) $(ITEST_CT_UTIL)
tests_integration_itest_remote_ct_CPPFLAGS = $(TEST_CPPFLAGS)
tests_integration_itest_remote_ct_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/integration/test_remote_ct.sh
EXTRA_DIST += tests/harness/testhost.sh tests/harness/guest.sh tests/harness/ct.sh \
	tests/integration/test_harness.sh tests/integration/test_lifecycle.sh \
	tests/integration/test_create.sh \
	tests/harness/sshhost.sh tests/integration/test_sshhost.sh

EXTRA_DIST += tests/run.sh tests/tui/lib.sh tests/tui/test_demo.sh tests/tui/test_libvirt.sh \
	tests/tui/test_layout.sh tests/tui/test_remote.sh tests/tui/test_wizard.sh tests/tui/test_storage.sh \
	tests/tui/test_terminals.sh \
	tests/tui/test_themes.sh tests/tui/test_keys.sh
