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
check_PROGRAMS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_config_LDADD = $(TEST_LDADD)

# --- backend (libvirt test driver) ---
check_PROGRAMS += tests/backend/test_backend
tests_backend_test_backend_SOURCES = tests/backend/test_backend.c
tests_backend_test_backend_CPPFLAGS = $(TEST_CPPFLAGS)
tests_backend_test_backend_LDADD = $(TEST_LDADD)
check_PROGRAMS += tests/backend/test_libvirt
tests_backend_test_libvirt_SOURCES = tests/backend/test_libvirt.c
tests_backend_test_libvirt_CPPFLAGS = $(TEST_CPPFLAGS)
tests_backend_test_libvirt_LDADD = $(TEST_LDADD)

# --- integration (private libvirtd) ---
check_PROGRAMS += tests/integration/itest_lifecycle
tests_integration_itest_lifecycle_SOURCES = tests/integration/itest_lifecycle.c
tests_integration_itest_lifecycle_CPPFLAGS = $(TEST_CPPFLAGS)
tests_integration_itest_lifecycle_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/harness/testhost.sh tests/harness/guest.sh \
	tests/integration/test_harness.sh tests/integration/test_lifecycle.sh

EXTRA_DIST += tests/run.sh tests/tui/lib.sh tests/tui/test_demo.sh tests/tui/test_libvirt.sh \
	tests/tui/test_layout.sh
