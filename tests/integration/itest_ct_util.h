/* itest_ct_util.h - what the container test programs (itest_ct,
 * itest_remote_ct) share: shell commands, looking into a running container
 * from the host, and what a backend lists and makes for containers.
 * Assertions fail the running cmocka test. */
#ifndef TVE_ITEST_CT_UTIL_H
#define TVE_ITEST_CT_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include <libvirt/libvirt.h>

#include "backend.h"

/* Runs a shell command; its stdout (trailing newlines cut), or NULL if it
 * exited non-zero (said in a TAP comment). */
char *sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A shell command that must succeed (its output is not needed); cmocka.h
 * must be included before. */
#define SH_OK(...) do { char *o_ = sh(__VA_ARGS__); assert_non_null(o_); free(o_); } while (0)
/* True if the directory exists and is empty; what is left in it goes out
 * as TAP comments. */
bool dir_is_empty(const char *path);

/* Host pid of the container's init: the child of its libvirt_lxc. */
char *init_pid(const char *name);
/* The uid the process pid runs as, seen from the host. */
char *host_uid(const char *pid);
/* Runs cmd inside the container of init pid as its root (user namespace
 * included). */
char *inside(const char *pid, const char *cmd);
/* virsh lxc-enter-namespace on the LXC driver at uri: cmd inside container
 * name, as host root (so "nobody" in an unprivileged one); run through the
 * command prefix host_exec, in the host's namespaces. */
char *lxc_enter(const char *host_exec, const char *uri, const char *name, const char *cmd);

/* Checks a running container from the host: it answers lxc_enter with its
 * hostname, name, and its init runs as host root (privileged) or, if
 * unpriv, as uid 100000 on the host and root inside.  Its init's pid. */
char *ct_check_running(const char *host_exec, const char *uri, const char *name, bool unpriv);
/* Checks an unprivileged container's root tree in dir: owners shifted by
 * 100000, setuid bits and file capabilities (for the container's root)
 * kept. */
void check_shifted_tree(const char *dir);

/* The volumes of pool whose names start with prefix (refreshed first). */
int count_volumes(virStoragePoolPtr pool, const char *prefix);
/* The name of the Debian template the backend makes today. */
char *debian_template_name(void);

/* Waits until b's snapshot of node lists (want) or no longer lists volume
 * in pool, with the node online and its caps known, refreshing it first;
 * false if that takes longer than timeout_ms. */
bool node_lists(struct tve_backend *b, size_t node, const char *pool, const char *volume, bool want,
		int timeout_ms);
/* Waits until b's snapshot of node lists the guest uuid; false if that
 * takes longer than timeout_ms. */
bool node_lists_guest(struct tve_backend *b, size_t node, const char *uuid, int timeout_ms);
/* The wizard's defaults from b's snapshot of node, then a small container
 * from pool/tmpl with its root disk in pool, on net (net_source), started
 * after: the password "tve-secret", 128 MiB root disk and memory, 64 MiB
 * swap. */
void ct_backend_spec(struct tve_ct_spec *s, struct tve_backend *b, size_t node, const char *pool,
		     enum tve_net_kind net, const char *net_source, int vmid, const char *hostname,
		     const char *tmpl);

#endif
