/* model.h - the immutable, refcounted snapshot a node's worker publishes.
 *
 * A worker builds a fresh struct tve_snapshot on every refresh and publishes
 * it; from then on nobody writes to it.  Readers (the UI) take a reference
 * with tve_snapshot_ref() and drop it with tve_snapshot_unref(); no lock is
 * needed while reading.  Every string and array inside is owned by the
 * snapshot. */
#ifndef TVE_MODEL_H
#define TVE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum tve_guest_type {
	TVE_GUEST_VM,	/* KVM/QEMU virtual machine */
	TVE_GUEST_CT,	/* LXC container */
};

enum tve_guest_state {
	TVE_STATE_UNKNOWN,
	TVE_STATE_RUNNING,
	TVE_STATE_BLOCKED,
	TVE_STATE_PAUSED,
	TVE_STATE_SHUTDOWN,	/* shutting down */
	TVE_STATE_STOPPED,	/* shut off */
	TVE_STATE_CRASHED,
	TVE_STATE_SUSPENDED,	/* pm-suspended */
};

/* Short word ("running", "stopped"...) and one-character symbol
 * ('R' running, 'P' paused, 'S' stopped, 'D' shutting down, 'C' crashed,
 * 'Z' suspended, 'B' blocked, '?' unknown) so state never relies on colour. */
const char *tve_guest_state_name(enum tve_guest_state s);
char tve_guest_state_symbol(enum tve_guest_state s);
/* "VM" / "CT" */
const char *tve_guest_type_name(enum tve_guest_type t);

struct tve_disk {
	char *target;		/* vda, sda, ... */
	char *device;		/* disk, cdrom, floppy */
	char *bus;		/* virtio, scsi, sata, ide */
	char *source;		/* file path, volume "pool/vol", or NULL */
	char *format;		/* qcow2, raw, ... or NULL */
	unsigned long long capacity;	/* bytes, 0 = unknown */
};

struct tve_nic {
	char *mac;
	char *model;		/* virtio, e1000, ... or NULL */
	char *type;		/* network, bridge, user, direct, ... */
	char *source;		/* network or bridge name, or NULL */
};

struct tve_guest {
	char uuid[37];
	char *name;
	int vmid;		/* Proxmox-style ID; 0 = none assigned yet */
	enum tve_guest_type type;
	enum tve_guest_state state;
	bool persistent;
	bool autostart;
	unsigned vcpus;
	unsigned long long mem_max_kib;	/* configured maximum */
	unsigned long long mem_kib;	/* current (balloon) size */
	unsigned long long mem_used_kib;	/* used inside/by the guest, 0 = unknown */
	double cpu_pct;		/* of its vCPUs: 100% = all vCPUs busy; <0 unknown */
	double disk_rd_bps, disk_wr_bps;	/* bytes/s; <0 unknown */
	double net_rx_bps, net_tx_bps;		/* bytes/s; <0 unknown */
	long long uptime_s;	/* -1 unknown / not running */
	char *tags;		/* ";"-separated, or NULL */
	char *notes;		/* or NULL */
	char *os_type;		/* hvm, exe, ... */
	char *arch;
	size_t n_disks;
	struct tve_disk *disks;
	size_t n_nics;
	struct tve_nic *nics;
};

struct tve_volume {
	char *name;
	char *path;
	char *format;		/* or NULL */
	unsigned long long capacity, allocation;	/* bytes */
};

struct tve_pool {
	char *name;
	char *type;		/* dir, fs, netfs, logical, ... */
	char *path;		/* target path or NULL */
	bool active;
	bool autostart;
	unsigned long long capacity, allocation, available;	/* bytes */
	size_t n_volumes;
	struct tve_volume *volumes;
};

struct tve_network {
	char *name;
	bool active;
	bool autostart;
	char *bridge;		/* or NULL */
	char *forward;		/* nat, route, bridge, ... or NULL (isolated) */
};

struct tve_node_facts {
	char *hostname;
	char *cpu_model;
	unsigned cpus;		/* logical CPUs */
	unsigned sockets, cores, threads;
	unsigned mhz;
	unsigned long long mem_total_kib;
	unsigned long long mem_free_kib;	/* 0 = unknown; never above total */
	char *libvirt_version;	/* "9.0.0" */
	char *hv_type;		/* "QEMU", "LXC", "TEST" */
	char *hv_version;	/* "7.2.0" or NULL */
	long long uptime_s;	/* -1 unknown */
	double load[3];		/* <0 unknown */
	char *kernel;		/* "Linux 6.1.0-18-amd64", or NULL */
	char *os_name;		/* os-release PRETTY_NAME, or NULL */
	unsigned long long rootfs_total_kib;	/* 0 = unknown */
	unsigned long long rootfs_used_kib;
};

/* What the node's hypervisor offers new guests (read once per connection
 * from libvirt's capabilities and domain capabilities). */
struct tve_node_caps {
	char *arch;		/* "x86_64" */
	char *domain_type;	/* "kvm", "qemu" (TCG only), "lxc", "test" */
	char *emulator;		/* "/usr/bin/qemu-system-x86_64", or NULL */
	size_t n_machines;
	char **machines;	/* "pc", "q35", "pc-i440fx-7.2", "pc-q35-7.2", ... */
	size_t n_cpu_models;
	char **cpu_models;	/* named models usable on this host */
	bool host_passthrough;	/* cpu mode host-passthrough */
	bool efi;		/* OVMF firmware (firmware='efi') */
	bool efi_secure;	/* OVMF with secure boot and enrolled keys */
	bool tpm;		/* TPM 2.0 emulator (swtpm) */
	bool spice;
	bool iothreads;
	size_t n_bridges;
	char **bridges;		/* host bridges guests can join */
	size_t n_drives;
	char **drives;		/* host CD/DVD drives: "/dev/sr0" */
	size_t n_pool_types;
	char **pool_types;	/* storage pool types the node supports */
	size_t n_pool_types_missing;
	char **pool_types_missing;	/* known to libvirt, driver not installed */
};

enum tve_node_state {
	TVE_NODE_CONNECTING,
	TVE_NODE_ONLINE,
	TVE_NODE_OFFLINE,
};
const char *tve_node_state_name(enum tve_node_state s);

/* What an offline ssh node waits for from the user before it connects
 * again (the worker does not retry these on its own). */
enum tve_node_need {
	TVE_NEED_NONE,
	TVE_NEED_HOSTKEY,	/* unknown host key: accept it? */
	TVE_NEED_HOSTKEY_CHANGED,	/* refused; shown, never accepted */
	TVE_NEED_PASSPHRASE,	/* the key file's passphrase */
};

struct tve_snapshot {
	int refs;		/* atomic; use tve_snapshot_ref/unref */
	char *node;		/* node name */
	char *uri;
	enum tve_node_state state;
	char *error;		/* why offline / last error, or NULL */
	time_t state_since;	/* wall clock time the state began */
	time_t updated;		/* wall clock time of the data, 0 = never */
	bool stale;		/* data is from before the node went offline */
	char *ssh;		/* ssh target of a remote node, or NULL */
	enum tve_node_need need;
	char *hostkey_type;	/* NEED_HOSTKEY*: "ssh-ed25519" */
	char *hostkey_fp;	/* NEED_HOSTKEY*: the offered key's SHA256 fingerprint */
	char *hostkey_known_fp;	/* NEED_HOSTKEY_CHANGED: the stored key's */
	uint64_t generation;	/* grows with every publish of this node */
	bool has_facts;
	struct tve_node_facts facts;
	bool has_caps;
	struct tve_node_caps caps;
	size_t n_guests;
	struct tve_guest *guests;	/* sorted by tve_guest_cmp */
	size_t n_pools;
	struct tve_pool *pools;		/* sorted by name */
	size_t n_networks;
	struct tve_network *networks;	/* sorted by name */
};

/* A new snapshot with refs = 1, everything zero/empty. */
struct tve_snapshot *tve_snapshot_new(const char *node, const char *uri);
struct tve_snapshot *tve_snapshot_ref(struct tve_snapshot *s);
/* Drops a reference; frees at zero.  NULL is fine. */
void tve_snapshot_unref(struct tve_snapshot *s);

/* Appends a zeroed element, returns it (arrays grow as needed). */
struct tve_guest *tve_snapshot_add_guest(struct tve_snapshot *s);
struct tve_pool *tve_snapshot_add_pool(struct tve_snapshot *s);
struct tve_network *tve_snapshot_add_network(struct tve_snapshot *s);
struct tve_disk *tve_guest_add_disk(struct tve_guest *g);
struct tve_nic *tve_guest_add_nic(struct tve_guest *g);
struct tve_volume *tve_pool_add_volume(struct tve_pool *p);

/* Sorts guests (tve_guest_cmp), pools and networks (by name).  The worker
 * calls it once before publishing. */
void tve_snapshot_sort(struct tve_snapshot *s);
/* Guests with an ID first, by ID; then the rest by name. */
int tve_guest_cmp(const struct tve_guest *a, const struct tve_guest *b);

/* Deep copies into zeroed destinations (dst owns its copies). */
void tve_guest_copy(struct tve_guest *dst, const struct tve_guest *src);
void tve_pool_copy(struct tve_pool *dst, const struct tve_pool *src);
void tve_network_copy(struct tve_network *dst, const struct tve_network *src);
void tve_facts_copy(struct tve_node_facts *dst, const struct tve_node_facts *src);
void tve_guest_clear(struct tve_guest *g);
void tve_pool_clear(struct tve_pool *p);
void tve_network_clear(struct tve_network *n);
void tve_facts_clear(struct tve_node_facts *f);
void tve_caps_copy(struct tve_node_caps *dst, const struct tve_node_caps *src);
void tve_caps_clear(struct tve_node_caps *c);
/* Appends a copy of s to a caps string list (machines, cpu_models...). */
void tve_strlist_add(size_t *n, char ***list, const char *s);
bool tve_strlist_has(size_t n, char *const *list, const char *s);

/* Lookups (linear for pools/networks, binary search by uuid index for
 * guests is not promised: callers with many lookups build their own). */
const struct tve_guest *tve_snapshot_find_guest(const struct tve_snapshot *s, const char *uuid);
const struct tve_guest *tve_snapshot_find_vmid(const struct tve_snapshot *s, int vmid);
const struct tve_pool *tve_snapshot_find_pool(const struct tve_snapshot *s, const char *name);

/* Snapshot diffing: what changed between two snapshots of the same node,
 * so the UI repaints only what it must. */
enum tve_diff_flags {
	TVE_DIFF_NODE = 1 << 0,		/* state, error, stale, facts */
	TVE_DIFF_GUEST_SET = 1 << 1,	/* guests added, removed, reordered, renamed, re-ID'd */
	TVE_DIFF_GUEST_STATE = 1 << 2,	/* some guest's state changed */
	TVE_DIFF_GUEST_STATS = 1 << 3,	/* some guest's numbers changed */
	TVE_DIFF_GUEST_CONFIG = 1 << 4,	/* some guest's disks/nics/vcpus/mem/tags/notes/autostart changed */
	TVE_DIFF_POOLS = 1 << 5,
	TVE_DIFF_NETWORKS = 1 << 6,
};
/* Bitmask of tve_diff_flags; a NULL side counts as everything changed. */
unsigned tve_snapshot_diff(const struct tve_snapshot *a, const struct tve_snapshot *b);
/* Per guest: the same flags restricted to GUEST_STATE/STATS/CONFIG, plus
 * GUEST_SET when name/vmid/type differ.  0 = identical for display. */
unsigned tve_guest_diff(const struct tve_guest *a, const struct tve_guest *b);

#endif
