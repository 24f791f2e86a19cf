# Test programs; tests/run.sh runs them all and prints one summary.
TEST_CPPFLAGS = $(AM_CPPFLAGS) $(CMOCKA_CFLAGS) $(LIBVIRT_CFLAGS) $(LIBXML_CFLAGS) $(JSONC_CFLAGS) $(INIH_CFLAGS)
TEST_LDADD = $(BACKEND_LIBS) $(CMOCKA_LIBS)

# --- unit (cmocka) ---

# --- backend (libvirt test driver) ---

# --- integration (private libvirtd) ---

EXTRA_DIST += tests/run.sh
