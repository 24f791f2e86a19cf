# libtvebackend.a: pure C, no curses.
noinst_LIBRARIES += libtvebackend.a
libtvebackend_a_CPPFLAGS = $(AM_CPPFLAGS) $(LIBVIRT_CFLAGS) $(LIBXML_CFLAGS) \
	$(LIBSSH_CFLAGS) $(JSONC_CFLAGS) $(CURL_CFLAGS) $(INIH_CFLAGS) $(CRYPTO_CFLAGS)
libtvebackend_a_SOURCES = \
	backend/util.c backend/util.h \
	backend/ssh.c backend/ssh.h backend/ssh_priv.h backend/ssh_tunnel.c backend/node_facts.c backend/node_facts.h \
	backend/xmlbuf.c backend/xmlbuf.h \
	backend/backend.c backend/backend.h backend/backend_priv.h \
	backend/backend_task.c backend/backend_node.c backend/node_ssh.c \
	backend/backend_create.c backend/backend_create.h backend/backend_create_ct.c \
	backend/backend_download.c \
	backend/driver.h \
	backend/model.c backend/model.h \
	backend/task.c backend/task.h backend/task_priv.h \
	backend/task_file.c \
	backend/config.c backend/config.h \
	backend/spec.h backend/spec_priv.h \
	backend/spec_common.c backend/spec_vm_priv.h backend/spec_vm.c \
	backend/spec_vm_check.c backend/spec_vm_summary.c backend/spec_vm_xml.c \
	backend/spec_ct.c backend/ct_rootfs.c backend/ct_rootfs.h backend/ct_template.c \
	backend/lv_events.c \
	backend/drv_libvirt.c backend/drv_libvirt.h \
	backend/drv_libvirt_guests.c \
	backend/drv_libvirt_node.c \
	backend/drv_libvirt_xml.c \
	backend/drv_libvirt_caps.c \
	backend/drv_libvirt_create.c \
	backend/drv_libvirt_storage.c \
	backend/backend_storage.c backend/storage_spec.c
# ct_rootfs.c hashes root passwords with libxcrypt's crypt_r (SHA-512).
BACKEND_LIBS += $(CRYPT_LIBS)
# backend_download.c hashes downloads with OpenSSL's libcrypto (EVP).
BACKEND_LIBS += $(CRYPTO_LIBS)
