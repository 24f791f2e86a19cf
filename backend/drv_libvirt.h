/* drv_libvirt.h - internals of the libvirt driver, shared by its files.
 *
 *   drv_libvirt.c         open/close, events, lifecycle actions, set_vmid
 *   drv_libvirt_guests.c  GUESTS refresh: bulk stats, per-domain cache, uptime
 *   drv_libvirt_node.c    FACTS, POOLS and NETWORKS refreshes
 *   drv_libvirt_xml.c     domain/pool/volume/network XML parsing (libxml2)
 *   drv_libvirt_caps.c    what the node offers new guests (caps)
 *   drv_libvirt_create.c  volumes, define/undefine, autostart (creation)
 *   drv_libvirt_storage.c pools add/remove/start/stop, volume resize/copy/upload
 *
 * Threads: the handle is opened, refreshed and closed on the node's worker
 * thread; guest_action and set_vmid run on task threads; libvirt callbacks
 * run on the event thread.  The worker is the only writer of the caches;
 * it takes h->lock when it changes the domain cache, and task threads take
 * it to read.  Callbacks only touch struct lv_events (its own lock). */
#ifndef TVE_DRV_LIBVIRT_H
#define TVE_DRV_LIBVIRT_H

#include <libvirt/libvirt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "driver.h"
#include "model.h"

/* What the libvirt callbacks leave for the worker.  Refcounted: the handle
 * holds one reference and every registered callback another, dropped by
 * libvirt's free callback, so a late callback never sees freed memory. */
struct lv_dirty {
	char uuid[37];
	uint64_t started_ns;	/* STARTED event time (monotonic), 0 = none */
};

struct lv_events {
	atomic_int refs;
	pthread_mutex_t lock;
	struct tve_node *node;	/* may be NULL (tests) */
	bool closed;		/* the handle is closing: callbacks do nothing */
	struct lv_dirty *dirty;	/* domains whose XML must be refetched */
	size_t n_dirty, cap_dirty;
	bool pools_dirty, nets_dirty;
	/* Node capabilities from their reader thread (drv_libvirt_caps.c). */
	enum { LV_CAPS_NONE, LV_CAPS_READING, LV_CAPS_READY } caps_state;
	struct tve_node_caps caps;
	unsigned long caps_calls;
};
struct lv_events *lv_ev_ref(struct lv_events *ev);
void lv_ev_unref(void *ev);

/* Per-domain cache entry (worker-owned, sorted by uuid in h->doms). */
struct lv_dom {
	char uuid[37];
	bool xml_valid;
	struct tve_guest info;	/* static part parsed from the domain XML */
	bool seen;		/* present in the current stats round */
	bool fresh;		/* created in the current round */
	/* counters of the last sample */
	int ctr_id;		/* domain id the counters belong to, -1 = none */
	bool have_cpu;
	unsigned long long cpu_time;	/* ns */
	uint64_t cpu_t_ns;
	double cpu_pct;
	bool have_io;
	unsigned long long rd, wr, rx, tx;
	uint64_t io_t_ns;
	double rd_bps, wr_bps, rx_bps, tx_bps;
	/* uptime */
	int last_id;		/* domain id at the last refresh, -1 = inactive */
	uint64_t run_since_ns;	/* monotonic time it started, 0 = unknown */
	uint64_t event_start_ns;	/* STARTED event since the last refresh */
	int proc_id;		/* domain id the /proc lookup was done for */
	long long proc_start;	/* wall clock start from /proc, -1 = not found */
};

struct lv_volc {		/* volume XML facts, keyed by volume key */
	char *key;
	char *path;
	char *format;
};

struct lv_poolc {		/* pool XML facts, keyed by pool uuid */
	char uuid[37];
	char *type;
	char *path;
	struct lv_volc *vols;
	size_t n_vols;
};

struct lv_netc {
	char uuid[37];
	char *bridge;
	char *forward;
};

struct lv_handle {
	virConnectPtr conn;
	char *uri;
	bool is_test;		/* test:// : fake hypervisor, no /proc facts */
	bool local;		/* no host in the URI: /proc is the node's */
	atomic_ulong calls;
	struct lv_events *ev;
	int dom_cb[8];
	size_t n_dom_cb;
	int pool_cb, net_cb;	/* -1 = not registered */
	bool close_cb;

	pthread_mutex_t lock;	/* guards doms/n_doms against task threads */
	struct lv_dom **doms;	/* sorted by uuid */
	size_t n_doms;
	bool refreshed;		/* a GUESTS refresh has completed */
	bool nowait;		/* stats NOWAIT flag accepted (so far) */
	bool no_bulk_stats;	/* driver lacks GetAllDomainStats (LXC) */
	char *hv_type;		/* virConnectGetType: "QEMU", "LXC", "TEST" */

	bool have_static;	/* static facts fetched on this connection */
	struct tve_node_facts facts;
	int memstats_n;		/* node memory stats params, 0 = not asked, -1 = unsupported */
	bool freemem_unsupported;

	bool have_caps;		/* caps read on this connection */
	struct tve_node_caps caps;

	struct lv_poolc *pools;
	size_t n_pools;
	struct lv_netc *nets;
	size_t n_nets;
};

/* Counts one call that may reach the hypervisor or daemon. */
static inline void lv_count(struct lv_handle *h)
{
	atomic_fetch_add_explicit(&h->calls, 1, memory_order_relaxed);
}

/* *err = "what: <libvirt's last error message>" (what may be NULL).  -1. */
int lv_err(char **err, const char *what);

/* drv_libvirt_guests.c */
int lv_refresh_guests(struct lv_handle *h, struct tve_snapshot *snap, bool io, char **err);
void lv_dom_free(struct lv_dom *d);
/* The cached entry for uuid or NULL; caller holds h->lock. */
struct lv_dom *lv_dom_find(struct lv_handle *h, const char *uuid);

/* drv_libvirt_node.c */
int lv_refresh_facts(struct lv_handle *h, struct tve_snapshot *snap, char **err);
int lv_refresh_pools(struct lv_handle *h, struct tve_snapshot *snap, char **err);
int lv_refresh_networks(struct lv_handle *h, struct tve_snapshot *snap, char **err);
void lv_node_caches_free(struct lv_handle *h);

/* drv_libvirt_caps.c: copies the node's caps into snap once they have
 * been read (the first call starts the reading thread; what cannot be read
 * stays empty/false). */
void lv_caps_refresh(struct lv_handle *h, struct tve_snapshot *snap);

/* drv_libvirt_create.c: the creation ops of struct tve_driver_ops. */
int lv_vol_create(void *h, const char *pool, const char *xml, char **path, char **err);
int lv_vol_delete(void *h, const char *pool, const char *volume, char **err);
char *lv_vol_path(void *h, const char *pool, const char *volume, char **err);
int lv_pool_refresh(void *h, const char *pool, char **err);
int lv_domain_define(void *h, const char *xml, char uuid[37], char **err);
int lv_domain_undefine(void *h, const char *uuid, char **err);
int lv_set_autostart(void *h, const char *uuid, bool on, char **err);
bool lv_is_local(void *h);

/* drv_libvirt_storage.c: the storage ops of struct tve_driver_ops. */
int lv_pool_add(void *h, const char *xml, bool build, bool start, bool autostart,
		struct tve_task *t, char **err);
int lv_pool_remove(void *h, const char *pool, bool delete_data, struct tve_task *t, char **err);
int lv_pool_set(void *h, const char *pool, bool active, bool autostart, struct tve_task *t,
		char **err);
int lv_vol_resize(void *h, const char *pool, const char *volume, unsigned long long size,
		  const char *uuid, const char *target, char **err);
int lv_vol_copy(void *h, const char *pool, const char *volume, const char *dst_pool,
		struct tve_task *t, char **err);
int lv_vol_upload(void *h, const char *pool, const char *xml, const char *local_path,
		  struct tve_task *t, char **err);

/* drv_libvirt_xml.c.  Parsers return 0, or -1 with *err. */
struct lv_meta {
	int vmid;		/* 0 = none */
	char *type;		/* "ct", "vm" or NULL */
	char *tags;
	char *notes;
};
void lv_meta_clear(struct lv_meta *m);
/* Fills the static part of g (name, vmid, type, tags, notes, os_type,
 * arch, vcpus, mem_max_kib, mem_kib, disks, nics) from domain XML. */
int lv_xml_parse_domain(const char *xml, struct tve_guest *g, char **err);
/* Parses what virDomainGetMetadata returns (a <guest> element). */
int lv_xml_parse_meta(const char *xml, struct lv_meta *m, char **err);
/* The metadata element xml (as virDomainGetMetadata returns it) with its
 * vmid child set to vmid, every other child kept; NULL if xml is not XML. */
char *lv_xml_meta_set_vmid(const char *xml, int vmid);
/* "<guest><vmid>N</vmid>...</guest>" with text escaped; NULL fields left out. */
char *lv_xml_build_meta(const struct lv_meta *m);
int lv_xml_parse_pool(const char *xml, char **type, char **path, char **err);
int lv_xml_parse_volume(const char *xml, char **path, char **format, char **err);
int lv_xml_parse_network(const char *xml, char **bridge, char **forward, char **err);
/* /capabilities/host/cpu/model, or NULL. */
char *lv_xml_caps_cpu_model(const char *xml);

/* Test hook: the connection behind a handle (tests define domains on it
 * behind the driver's back).  Not for production code. */
virConnectPtr tve_libvirt_conn(void *h);
/* How long one refresh may spend fetching domain XML before it publishes
 * what it has and asks for another refresh (ns; at least one XML is always
 * fetched).  A variable so tests can shrink it. */
extern uint64_t lv_xml_budget_ns;

#endif
