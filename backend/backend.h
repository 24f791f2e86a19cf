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

struct tve_taskstore *tve_backend_tasks(struct tve_backend *b);

/* Library calls made by node i's driver so far, and refresh ticks done
 * (benchmarks). */
unsigned long tve_backend_driver_calls(struct tve_backend *b, size_t node);
unsigned long tve_backend_refresh_count(struct tve_backend *b, size_t node);

#endif
