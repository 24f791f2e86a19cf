/* driver.h - the node driver ops table.
 *
 * A driver talks to one kind of node (libvirt today).  A NULL entry means
 * "unsupported" and the UI shows the action as such.  A driver handle is
 * opened and refreshed on its node's worker thread; guest actions run on
 * task threads at the same time, so a driver keeps its own state behind a
 * lock (libvirt connections themselves are thread-safe). */
#ifndef TVE_DRIVER_H
#define TVE_DRIVER_H

#include <stdbool.h>

#include "model.h"
#include "task.h"

struct tve_node;	/* backend.c */

/* Called by drivers, from any thread (libvirt's event thread included). */
enum tve_refresh_what {
	TVE_REFRESH_GUESTS = 1 << 0,	/* list + state/cpu/balloon/vcpu stats */
	TVE_REFRESH_IO = 1 << 1,	/* block + interface stats (rates) */
	TVE_REFRESH_POOLS = 1 << 2,	/* storage pools and their volumes */
	TVE_REFRESH_NETWORKS = 1 << 3,
	TVE_REFRESH_FACTS = 1 << 4,	/* node facts: memory, uptime, load */
	TVE_REFRESH_ALL = 0x1f,
};
/* Asks the node's worker for a refresh soon (coalesced, rate limited). */
void tve_node_request_refresh(struct tve_node *node, unsigned what);
/* The connection is gone (close callback, keepalive): the worker marks the
 * node offline and reconnects with backoff. */
void tve_node_connection_lost(struct tve_node *node, const char *reason);
/* A copy of the passphrase the user gave for the node's key file, or
 * NULL. */
char *tve_node_passphrase(struct tve_node *node);
/* The node is reached through its ssh session: its libvirt URI names no
 * host (a socket of this host), yet the node is not this host. */
bool tve_node_tunneled(struct tve_node *node);
/* A thread of the driver that uses node: tve_backend_free waits for it
 * (a few seconds) before freeing the node. */
void tve_node_thread_begin(struct tve_node *node);
void tve_node_thread_end(struct tve_node *node);
/* Runs cmd on an ssh node over its session (10 s at most): 0 when it ran
 * and exited 0, *out its output; -1 (with *err) when the node has no
 * session, or the command failed. */
int tve_node_exec(struct tve_node *node, const char *cmd, char **out, char **err);

enum tve_guest_action {
	TVE_ACT_START,
	TVE_ACT_SHUTDOWN,	/* ACPI; waits up to timeout, then optionally forces */
	TVE_ACT_STOP,		/* hard power off (virDomainDestroy) */
	TVE_ACT_REBOOT,		/* ACPI reboot */
	TVE_ACT_RESET,		/* hard reset */
	TVE_ACT_PAUSE,
	TVE_ACT_RESUME,
	TVE_ACT__COUNT,
};
/* "start", "shutdown", ... and the Proxmox task type for a guest type:
 * qmstart/vzstart, qmshutdown/vzshutdown, qmstop, qmreboot, qmreset,
 * qmpause/vzsuspend, qmresume/vzresume. */
const char *tve_guest_action_name(enum tve_guest_action a);
const char *tve_guest_action_task_type(enum tve_guest_action a, enum tve_guest_type t);

struct tve_action_opts {
	int timeout_s;		/* SHUTDOWN: wait this long for power off */
	bool force;		/* SHUTDOWN: hard stop after the timeout */
};

struct tve_driver_ops {
	const char *name;
	/* Opens a connection for node to uri.  Registers for domain events
	 * (which call tve_node_request_refresh) and a close callback (which
	 * calls tve_node_connection_lost); remote URIs get keepalive.
	 * Returns a handle, or NULL with *err. */
	void *(*open)(struct tve_node *node, const char *uri, char **err);
	/* Unregisters callbacks and closes.  NULL is fine. */
	void (*close)(void *h);
	/* Fills snap with the parts named by what (a tve_refresh_what mask).
	 * snap arrives with those parts empty; the caller copies the parts it
	 * did not ask for from the previous snapshot.  With GUESTS the driver
	 * makes one bulk stats call (not a per-guest loop), and keeps its own
	 * per-guest cache (parsed domain XML, last counters for rates) so
	 * that rates and XML details carry over between calls.  Sets
	 * snap->has_facts with FACTS.  0, or -1 with *err. */
	int (*refresh)(void *h, struct tve_snapshot *snap, unsigned what, char **err);
	/* Runs a lifecycle action on the guest with this uuid, logging what it
	 * does into task.  0, or -1 with *err (libvirt's message). */
	int (*guest_action)(void *h, const char *uuid, enum tve_guest_action act,
			    const struct tve_action_opts *opts, struct tve_task *task, char **err);
	/* Stores a Proxmox-style ID in the domain's tve metadata (live and
	 * config as applicable).  0, or -1 with *err. */
	int (*set_vmid)(void *h, const char *uuid, int vmid, char **err);

	/* ---- creating guests (called on task threads) ---- */
	/* Creates a volume in pool from <volume> XML; *path gets its host
	 * path.  0, or -1 with *err. */
	int (*vol_create)(void *h, const char *pool, const char *xml, char **path, char **err);
	/* Deletes volume from pool.  0, or -1 with *err. */
	int (*vol_delete)(void *h, const char *pool, const char *volume, char **err);
	/* The host path of a volume, or NULL with *err. */
	char *(*vol_path)(void *h, const char *pool, const char *volume, char **err);
	/* Rescans a pool (after files were put into its directory). */
	int (*pool_refresh)(void *h, const char *pool, char **err);
	/* Defines a persistent domain from XML; uuid gets its UUID. */
	int (*domain_define)(void *h, const char *xml, char uuid[37], char **err);
	/* Undefines a (shut off) domain with its NVRAM and TPM state. */
	int (*domain_undefine)(void *h, const char *uuid, char **err);
	int (*set_autostart)(void *h, const char *uuid, bool on, char **err);
	/* true when the node is this host (files can be made in its pools'
	 * directories directly). */
	bool (*is_local)(void *h);

	/* ---- storage (called on task threads; steps are logged into task) ---- */
	/* Defines a pool from <pool> XML, builds it when build (the
	 * directory, the volume group; never over data already on a device),
	 * starts it and enables autostart as asked.  What it made is undone
	 * when a step fails.  0, or -1 with *err. */
	int (*pool_add)(void *h, const char *xml, bool build, bool start, bool autostart,
			struct tve_task *task, char **err);
	/* Stops and undefines pool; with delete_data it first deletes every
	 * volume and then the pool's own data (directory, volume group). */
	int (*pool_remove)(void *h, const char *pool, bool delete_data, struct tve_task *task,
			   char **err);
	/* Starts or stops pool, and sets its autostart. */
	int (*pool_set)(void *h, const char *pool, bool active, bool autostart,
			struct tve_task *task, char **err);
	/* Grows a volume to size bytes (a smaller size is refused).  With a
	 * guest (uuid, and the disk's target dev "vda") the running guest's
	 * QEMU grows it (virDomainBlockResize: the image is locked by it). */
	int (*vol_resize)(void *h, const char *pool, const char *volume, unsigned long long size,
			  const char *uuid, const char *target, char **err);
	/* Copies volume into dst_pool under the same name, keeping its format
	 * and capacity, with progress.  Cancellable, but libvirt cannot stop
	 * a copy: a cancelled one is deleted once it ends. */
	int (*vol_copy)(void *h, const char *pool, const char *volume, const char *dst_pool,
			struct tve_task *task, char **err);
	/* Creates a volume in pool from <volume> XML and streams the local
	 * file into it, with progress; cancellable; the volume is deleted
	 * again on failure or cancel. */
	int (*vol_upload)(void *h, const char *pool, const char *xml, const char *local_path,
			  struct tve_task *task, char **err);

	/* Library calls made through this handle so far (for benchmarks). */
	unsigned long (*calls)(void *h);
};

extern const struct tve_driver_ops tve_driver_libvirt;

/* Must run before any libvirt connection is opened (process-wide event
 * implementation); starts the event thread.  Idempotent. */
int tve_libvirt_events_start(char **err);
void tve_libvirt_events_stop(void);

/* The XML namespace and prefix of tve's domain metadata:
 *   <tve:guest xmlns:tve="TVE_METADATA_NS"><vmid>100</vmid>
 *     <type>ct</type><tags>a;b</tags><notes>...</notes></tve:guest>
 * <type> only matters where the hypervisor cannot say (test driver). */
#define TVE_METADATA_NS "urn:tve:guest:1"
#define TVE_METADATA_PREFIX "tve"

#endif
