/* backend.h - what the TUI (and tests) see of the backend.
 *
 * One worker thread per node owns its driver connection, refreshes on a
 * timer and on events, and publishes an immutable snapshot.  Actions run as
 * tasks on their own threads.  The UI never blocks: it reads the latest
 * snapshots and is woken through tve_backend_wake_fd(). */
#ifndef TVE_BACKEND_H
#define TVE_BACKEND_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "driver.h"
#include "model.h"
#include "spec.h"
#include "task.h"

struct tve_backend;

/* Creates the backend for cfg's nodes (copies what it needs).  Loads the
 * task history.  Does not connect yet.  NULL with *err on failure. */
struct tve_backend *tve_backend_new(const struct tve_config *cfg, char **err);
/* Starts the libvirt event thread and one worker per node. */
int tve_backend_start(struct tve_backend *b, char **err);
/* Stops workers (waits for running tasks up to a few seconds), frees. */
void tve_backend_free(struct tve_backend **b);

/* Readable when something changed (snapshot published, task changed).
 * Call tve_backend_drain_wake() after waking. */
int tve_backend_wake_fd(struct tve_backend *b);
void tve_backend_drain_wake(struct tve_backend *b);

size_t tve_backend_node_count(struct tve_backend *b);
/* The latest snapshot of node i, with a reference the caller drops with
 * tve_snapshot_unref().  Never NULL (before the first refresh it is an
 * empty CONNECTING snapshot). */
struct tve_snapshot *tve_backend_snapshot(struct tve_backend *b, size_t node);

/* Adds a node while running (the add-node wizard): checks it (name free,
 * ssh target, key file), derives its URI when it has none, starts its
 * worker.  Returns its index, or -1 with *err.  At most 1024 nodes. */
int tve_backend_add_node(struct tve_backend *b, const struct tve_node_cfg *nc, char **err);

/* ---- ssh trust (snapshot->need says what a node waits for) ---- */

/* The user accepted the unknown host key with this fingerprint (the one
 * shown: another key offered since is refused): stores it in tve's
 * known_hosts and connects again.  0, or -1 with *err. */
int tve_backend_trust_hostkey(struct tve_backend *b, size_t node, const char *fingerprint,
			      char **err);
/* The passphrase for node i's key file: kept in memory (wiped on exit),
 * never written anywhere; connects again.  0, or -1 with *err. */
int tve_backend_set_passphrase(struct tve_backend *b, size_t node, const char *passphrase,
			       char **err);
/* The known_hosts file ssh nodes are checked against. */
const char *tve_backend_known_hosts(struct tve_backend *b);

/* Queues an immediate refresh of node i (all parts). */
void tve_backend_refresh(struct tve_backend *b, size_t node);

/* Starts a lifecycle action on a guest as a task.  Returns 0 once the
 * task exists (its outcome arrives in the task list), -1 with *err if it
 * could not even start (unknown guest, unsupported, node offline).  When
 * task_id is non-NULL it receives a copy of the new task's id. */
int tve_backend_guest_action(struct tve_backend *b, size_t node, const char *uuid,
			     enum tve_guest_action act, char **task_id, char **err);
/* Assigns a Proxmox-style ID as a task; vmid 0 = next free in the
 * datacenter (100 and up). */
int tve_backend_set_vmid(struct tve_backend *b, size_t node, const char *uuid, int vmid,
			 char **task_id, char **err);
/* Lowest free ID >= 100 across all nodes' latest snapshots. */
int tve_backend_next_vmid(struct tve_backend *b);
/* true when node i's driver implements the action. */
bool tve_backend_supports(struct tve_backend *b, size_t node, enum tve_guest_action act);

/* ---- creating guests ---- */

/* Fills ctx with references to every node's latest snapshot, ctx->node
 * being node i's.  Release with tve_backend_ctx_release(). */
void tve_backend_ctx_get(struct tve_backend *b, size_t node, struct tve_create_ctx *ctx);
void tve_backend_ctx_release(struct tve_create_ctx *ctx);

/* Creates a VM from spec on node i as one task ("qmcreate", target the
 * ID): checks the spec, reserves its ID, creates the disks' volumes,
 * defines the domain, sets autostart, and starts it when asked.  When a
 * step fails, what the task made is removed again (volumes deleted, domain
 * undefined) and the task fails with the reason.  0 once the task exists,
 * -1 with *err when it could not start (invalid spec, node offline). */
int tve_backend_create_vm(struct tve_backend *b, size_t node, const struct tve_vm_spec *spec,
			  char **task_id, char **err);
/* The same for a container ("vzcreate"): root disk volume, root
 * filesystem made from the template (hostname, network, DNS, root password
 * or keys applied), domain defined, optionally started. */
int tve_backend_create_ct(struct tve_backend *b, size_t node, const struct tve_ct_spec *spec,
			  char **task_id, char **err);
/* Makes a container template from Debian's packages with debootstrap into
 * pool (a directory pool of node i, which must be this host), as a task
 * ("vztmpl") with progress: NAME.tar.gz in the pool.  suite: "bookworm";
 * mirror NULL = http://deb.debian.org/debian. */
int tve_backend_make_template(struct tve_backend *b, size_t node, const char *pool,
			      const char *suite, const char *mirror, char **task_id, char **err);

/* ---- storage ---- */

/* What the Add Storage wizard produces.  Which fields a type uses:
 *   dir      path (created when build)
 *   fs       source (block device), path (mount point)
 *   netfs    host, source (export path), path (mount point)
 *   logical  source (volume group name), devices (physical volumes to make
 *            the VG on when build; NULL = the VG exists)
 *   iscsi    host, source (target IQN), path (/dev/disk/by-path)
 *   zfs      source (zpool name)
 *   rbd      host (monitor), source (ceph pool)
 *   disk     source (device), path (/dev)
 * Proxmox's "content" (images, iso, vztmpl, backup, rootdir, snippets) has
 * no libvirt equivalent: tve keeps it per node and pool in its state
 * directory (storage-NODE.json). */
struct tve_pool_spec {
	char *name;
	char *type;
	char *path, *host, *source, *devices;
	char *content;		/* "images,iso,vztmpl,..." */
	bool build;		/* create the directory / make the VG */
	bool active;		/* "enable": start it now */
	bool autostart;
};
void tve_pool_spec_clear(struct tve_pool_spec *s);
/* NULL when fine, else why not (name taken on the node, path not
 * absolute, host/export/target empty, type unsupported by the node). */
char *tve_pool_spec_check(const struct tve_pool_spec *s, const struct tve_snapshot *node);
/* The <pool> XML that will be defined. */
char *tve_pool_spec_xml(const struct tve_pool_spec *s);
/* The content types kept for a pool ("images,iso" ...), or NULL when none
 * were set (then every type is allowed). */
char *tve_backend_pool_content(struct tve_backend *b, size_t node, const char *pool);

/* Each of these runs as a task on node i; 0 once it exists, -1 with *err
 * when it could not start.  task_id as in tve_backend_guest_action. */
int tve_backend_pool_add(struct tve_backend *b, size_t node, const struct tve_pool_spec *spec,
			 char **task_id, char **err);
/* Stops and undefines the pool; its data is deleted only when
 * delete_data (pool-delete: the directory / VG), never otherwise. */
int tve_backend_pool_remove(struct tve_backend *b, size_t node, const char *pool,
			    bool delete_data, char **task_id, char **err);
int tve_backend_pool_set(struct tve_backend *b, size_t node, const char *pool, bool active,
			 bool autostart, char **task_id, char **err);
/* New empty volume (format raw/qcow2/vmdk as the pool allows). */
int tve_backend_vol_create(struct tve_backend *b, size_t node, const char *pool,
			   const char *name, unsigned long long size, enum tve_vol_format format,
			   char **task_id, char **err);
/* Refused (before any task) while a defined guest uses the volume, naming
 * the guest: "vm-100-disk-0.qcow2 is used by VM 100 (web01)". */
int tve_backend_vol_delete(struct tve_backend *b, size_t node, const char *pool,
			   const char *volume, char **task_id, char **err);
/* Grow only, as Proxmox: a smaller size is refused. */
int tve_backend_vol_resize(struct tve_backend *b, size_t node, const char *pool,
			   const char *volume, unsigned long long new_size, char **task_id,
			   char **err);
/* Copies (or moves: copy, then delete the source) a volume to another pool
 * of the same node, with progress; refuses to move a volume in use. */
int tve_backend_vol_copy(struct tve_backend *b, size_t node, const char *pool,
			 const char *volume, const char *dst_pool, bool move, char **task_id,
			 char **err);
/* Streams a local file into a new volume of pool (virStorageVolUpload),
 * with progress; cancellable; no partial volume is left on failure. */
int tve_backend_vol_upload(struct tve_backend *b, size_t node, const char *pool,
			   const char *local_path, const char *name, char **task_id, char **err);

enum tve_checksum { TVE_SUM_NONE, TVE_SUM_SHA256, TVE_SUM_SHA512 };
/* Downloads url (libcurl, TLS verified) into a new file name in pool
 * (an ISO-capable directory pool of this host), with progress (bytes,
 * rate, ETA), as a cancellable task ("download").  With a checksum the
 * file is kept only when it matches.  The data goes to a hidden temporary
 * file in the pool that is renamed at the end: failure, cancel or a
 * mismatch leave no file. */
int tve_backend_download(struct tve_backend *b, size_t node, const char *pool, const char *url,
			 const char *name, enum tve_checksum sum, const char *expected_hex,
			 char **task_id, char **err);
/* Asks a cancellable task to stop (downloads, uploads, copies). */
int tve_backend_task_cancel(struct tve_backend *b, const char *task_id, char **err);

struct tve_taskstore *tve_backend_tasks(struct tve_backend *b);

/* Library calls made by node i's driver so far, and refresh ticks done
 * (benchmarks). */
unsigned long tve_backend_driver_calls(struct tve_backend *b, size_t node);
unsigned long tve_backend_refresh_count(struct tve_backend *b, size_t node);

#endif
