/* spec.h - what the Create VM and Create CT wizards produce: the guest
 * spec, the rules every field is checked against, and the libvirt XML a
 * spec becomes.
 *
 * Pure code: no libvirt calls, no curses.  Everything a rule needs to know
 * about the datacenter (IDs in use, the node's memory, pools and their free
 * space, networks, host capabilities) comes from the nodes' snapshots in a
 * struct tve_create_ctx, so the wizard can check every keystroke without
 * waiting on a node.
 *
 * Strings in a spec are owned by it (tve_vm_spec_clear frees them).  The
 * wizard keeps text buffers and turns them into values with the parsers
 * below; a parse error is shown at the field like a rule's message. */
#ifndef TVE_SPEC_H
#define TVE_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* ---- values and their names ---------------------------------------------- */

/* Guest OS types, in the web UI's order.  Proxmox's ostype names. */
enum tve_ostype {
	TVE_OS_L26,	/* "l26"   Linux 6.x - 2.6 Kernel */
	TVE_OS_L24,	/* "l24"   Linux 2.4 Kernel */
	TVE_OS_WIN11,	/* "win11" Microsoft Windows 11/2022/2025 */
	TVE_OS_WIN10,	/* "win10" Microsoft Windows 10/2016/2019 */
	TVE_OS_WIN8,	/* "win8"  Microsoft Windows 8.x/2012/2012r2 */
	TVE_OS_WIN7,	/* "win7"  Microsoft Windows 7/2008r2 */
	TVE_OS_WVISTA,	/* "wvista" Microsoft Windows Vista/2008 */
	TVE_OS_WXP,	/* "wxp"   Microsoft Windows XP/2003 */
	TVE_OS_W2K,	/* "w2k"   Microsoft Windows 2000 */
	TVE_OS_SOLARIS,	/* "solaris" Solaris Kernel */
	TVE_OS_OTHER,	/* "other" Other */
	TVE_OS__COUNT,
};
const char *tve_ostype_name(enum tve_ostype t);		/* "l26" */
const char *tve_ostype_label(enum tve_ostype t);	/* "Linux 6.x - 2.6 Kernel" */
bool tve_ostype_is_windows(enum tve_ostype t);

enum tve_media {
	TVE_MEDIA_ISO,		/* an ISO volume of a storage of the node */
	TVE_MEDIA_DRIVE,	/* the host's physical CD/DVD drive */
	TVE_MEDIA_NONE,
};

enum tve_graphics {
	TVE_GFX_DEFAULT,	/* VNC + the OS type's usual card (std VGA) */
	TVE_GFX_STD,		/* VNC + VGA */
	TVE_GFX_VIRTIO,		/* VNC + virtio-gpu */
	TVE_GFX_VMWARE,		/* VNC + vmvga */
	TVE_GFX_SPICE,		/* SPICE + qxl */
	TVE_GFX_SERIAL,		/* serial terminal 0: no card, BIOS on serial */
	TVE_GFX_NONE,		/* no display at all */
	TVE_GFX__COUNT,
};
const char *tve_graphics_label(enum tve_graphics g);	/* "Serial terminal 0" */

enum tve_bios { TVE_BIOS_SEABIOS, TVE_BIOS_OVMF };

enum tve_scsihw {
	TVE_SCSIHW_VIRTIO_SINGLE,	/* "VirtIO SCSI single": a controller per disk */
	TVE_SCSIHW_VIRTIO,		/* "VirtIO SCSI" */
	TVE_SCSIHW_LSI,			/* "LSI 53C895A" */
	TVE_SCSIHW_MEGASAS,		/* "MegaRAID SAS 8708EM2" */
	TVE_SCSIHW_PVSCSI,		/* "VMware PVSCSI" */
	TVE_SCSIHW__COUNT,
};
const char *tve_scsihw_label(enum tve_scsihw h);

enum tve_bus { TVE_BUS_SCSI, TVE_BUS_VIRTIO, TVE_BUS_SATA, TVE_BUS_IDE, TVE_BUS__COUNT };
const char *tve_bus_name(enum tve_bus b);	/* "scsi", "virtio", "sata", "ide" */
int tve_bus_max_index(enum tve_bus b);		/* 30, 15, 5, 3 (as Proxmox) */

enum tve_vol_format { TVE_FMT_RAW, TVE_FMT_QCOW2, TVE_FMT_VMDK, TVE_FMT__COUNT };
const char *tve_vol_format_name(enum tve_vol_format f);	/* "raw", "qcow2", "vmdk" */
/* Formats a pool of this libvirt type can hold: dir/fs/netfs all three,
 * block-like pools (logical, disk, iscsi, rbd, zfs...) raw only. */
bool tve_pool_allows_format(const char *pool_type, enum tve_vol_format f);

enum tve_cache {
	TVE_CACHE_DEFAULT,	/* "Default (No cache)": nothing in the XML */
	TVE_CACHE_DIRECTSYNC, TVE_CACHE_WRITETHROUGH, TVE_CACHE_WRITEBACK,
	TVE_CACHE_UNSAFE, TVE_CACHE_NONE, TVE_CACHE__COUNT,
};
const char *tve_cache_name(enum tve_cache c);	/* libvirt's word, "default" */

enum tve_aio { TVE_AIO_DEFAULT, TVE_AIO_IO_URING, TVE_AIO_NATIVE, TVE_AIO_THREADS, TVE_AIO__COUNT };
const char *tve_aio_name(enum tve_aio a);	/* "default", "io_uring", ... */

enum tve_nic_model { TVE_NIC_VIRTIO, TVE_NIC_E1000, TVE_NIC_RTL8139, TVE_NIC_VMXNET3, TVE_NIC__COUNT };
const char *tve_nic_model_name(enum tve_nic_model m);	/* libvirt's model type */
const char *tve_nic_model_label(enum tve_nic_model m);	/* "VirtIO (paravirtualized)" */

enum tve_net_kind {
	TVE_NET_NONE,		/* "No network device" */
	TVE_NET_BRIDGE,		/* a host bridge (vmbr0, virbr0...) */
	TVE_NET_NETWORK,	/* a libvirt network */
};

/* ---- parsers (text the user typed -> value) ------------------------------- */

/* Sizes: "32", "32G", "32 GiB", "1.5T", "512M", "100000K".  A bare number is
 * in default_unit bytes (e.g. 1 GiB for disks, 1 MiB for memory).  Units are
 * binary (K/KB/KiB = 1024...).  0, or -1 with *err ("not a number", "unknown
 * unit 'X'", "too large"). */
int tve_parse_size(const char *text, unsigned long long default_unit,
		   unsigned long long *bytes, char **err);
/* A decimal integer within [min, max]; -1 with *err otherwise. */
int tve_parse_int(const char *text, long long min, long long max, long long *out, char **err);
/* A decimal number (e.g. "1.5") within [min, max]. */
int tve_parse_double(const char *text, double min, double max, double *out, char **err);

/* ---- the datacenter as the rules see it ----------------------------------- */

struct tve_create_ctx {
	/* Every node's latest snapshot (IDs and names in use). */
	const struct tve_snapshot *const *nodes;
	size_t n_nodes;
	/* The node the guest is created on (one of nodes): its facts, caps,
	 * pools, networks. */
	const struct tve_snapshot *node;
};

/* ---- Create VM ------------------------------------------------------------ */

struct tve_vm_disk {
	enum tve_bus bus;
	int index;			/* device number: scsi0, virtio1, ... */
	char *pool;			/* storage (libvirt pool) name */
	unsigned long long size;	/* bytes */
	enum tve_vol_format format;
	enum tve_cache cache;
	bool discard, ssd, iothread, readonly;
	bool backup;			/* include in backup (default true) */
	enum tve_aio aio;
	/* Set by tve_vm_spec_plan(): the volume's name in pool. */
	char *volume;
};

struct tve_vm_spec {
	/* 1. General */
	char *node;
	int vmid;
	char *name;
	bool onboot;			/* start at boot = libvirt autostart */
	int startup_order;		/* -1 = any */
	int startup_up, startup_down;	/* delays in seconds, -1 = default */
	char *tags;			/* ";"-separated, or NULL */

	/* 2. OS */
	enum tve_media media;
	char *iso;			/* TVE_MEDIA_ISO: "pool/volume" */
	char *drive;			/* TVE_MEDIA_DRIVE: "/dev/sr0" */
	enum tve_ostype ostype;
	bool virtio_iso_add;		/* Windows: a second CD drive with drivers */
	char *virtio_iso;		/* its "pool/volume" */

	/* 3. System */
	enum tve_graphics graphics;
	char *machine;			/* "pc" (i440fx), "q35", or a versioned name from caps */
	enum tve_bios bios;
	char *efi_pool;			/* OVMF: where the EFI vars live (NULL = libvirt's default place) */
	bool efi_keys;			/* OVMF: pre-enrolled keys (secure boot) */
	enum tve_scsihw scsihw;
	bool agent;			/* QEMU guest agent channel */
	bool tpm;			/* TPM 2.0 (swtpm) */
	char *tpm_pool;			/* shown as Proxmox does; swtpm keeps its state itself */

	/* 4. Disks */
	size_t n_disks;
	struct tve_vm_disk *disks;

	/* 5. CPU */
	unsigned sockets, cores;
	char *cpu_type;			/* "host", "kvm64", "x86-64-v2-AES", a caps model */
	bool numa;
	double cpulimit;		/* host CPUs, 0 = unlimited */
	unsigned cpuunits;		/* 0 = default */

	/* 6. Memory */
	unsigned long long memory_mib;
	unsigned long long min_memory_mib;	/* ballooning lower bound, 0 = = memory */
	bool balloon;

	/* 7. Network */
	enum tve_net_kind net;
	char *net_source;		/* bridge or network name */
	int vlan;			/* 0 = none, 1-4094 */
	enum tve_nic_model nic_model;
	char *mac;			/* NULL/"" = auto */
	bool firewall;			/* kept in tve's metadata */
	unsigned queues;		/* multiqueue, 0 = off */
	double rate_mbps;		/* MB/s, 0 = unlimited */

	/* 8. Confirm */
	bool start_after;
};

/* The web UI's defaults for a new VM on ctx->node (ID = next free in the
 * datacenter, one 32 GiB disk on the first pool that takes images, 2048 MiB,
 * 1 socket 1 core, the first bridge/network, virtio, ...). */
void tve_vm_spec_defaults(struct tve_vm_spec *s, const struct tve_create_ctx *ctx);
/* What changing the OS type suggests for the later pages (Windows 11: q35,
 * OVMF with keys, TPM, SATA/IDE...; Linux: i440fx, SeaBIOS, VirtIO SCSI
 * single...).  The wizard calls it when the OS type changes. */
void tve_vm_spec_apply_ostype(struct tve_vm_spec *s, const struct tve_create_ctx *ctx);
void tve_vm_spec_clear(struct tve_vm_spec *s);
void tve_vm_spec_copy(struct tve_vm_spec *dst, const struct tve_vm_spec *src);
struct tve_vm_disk *tve_vm_spec_add_disk(struct tve_vm_spec *s);	/* zeroed + defaults */
void tve_vm_spec_remove_disk(struct tve_vm_spec *s, size_t i);

/* Fields the rules look at, one message each. */
enum tve_vm_field {
	TVE_VMF_NODE, TVE_VMF_VMID, TVE_VMF_NAME, TVE_VMF_STARTUP, TVE_VMF_TAGS,
	TVE_VMF_ISO, TVE_VMF_DRIVE, TVE_VMF_VIRTIO_ISO,
	TVE_VMF_MACHINE, TVE_VMF_BIOS, TVE_VMF_EFI_POOL, TVE_VMF_TPM, TVE_VMF_GRAPHICS,
	TVE_VMF_DISK_BUS,	/* per disk (index) */
	TVE_VMF_DISK_POOL,
	TVE_VMF_DISK_SIZE,	/* per disk; also the sum of disks on one pool */
	TVE_VMF_DISK_FORMAT,
	TVE_VMF_DISK_OPTS,	/* ssd/aio/iothread/cache combinations */
	TVE_VMF_SOCKETS, TVE_VMF_CORES, TVE_VMF_CPU_TYPE, TVE_VMF_CPULIMIT, TVE_VMF_CPUUNITS,
	TVE_VMF_MEMORY, TVE_VMF_MIN_MEMORY,
	TVE_VMF_NET_SOURCE, TVE_VMF_VLAN, TVE_VMF_MAC, TVE_VMF_QUEUES, TVE_VMF_RATE,
	TVE_VMF__COUNT,
};
/* The wizard page a field is on: 0 General ... 6 Network. */
int tve_vm_field_page(enum tve_vm_field f);

/* Checks one field (disk fields: disk number `index`).  NULL when fine,
 * otherwise a newly allocated message saying what is wrong and why
 * ("ID 101 is used by web01 on pve2", "VLAN tag must be 1-4094", "2 disks
 * on local need 80 GiB, 41.5 GiB free"). */
char *tve_vm_check(const struct tve_vm_spec *s, const struct tve_create_ctx *ctx,
		   enum tve_vm_field f, size_t index);
/* Every field of a page (or of all pages for page < 0); the first message
 * in *err.  0 valid, -1 not. */
int tve_vm_check_page(const struct tve_vm_spec *s, const struct tve_create_ctx *ctx,
		      int page, char **err);

/* Names the volumes the disks will get (Proxmox style: vm-ID-disk-N, with
 * .qcow2/.raw/.vmdk on file pools), skipping names already in the pools.
 * Fills disk->volume.  0, or -1 with *err. */
int tve_vm_spec_plan(struct tve_vm_spec *s, const struct tve_create_ctx *ctx, char **err);
/* The <volume> XML for disk i (format, capacity, allocation 0 on file
 * pools so qcow2/raw are thin). */
char *tve_vm_volume_xml(const struct tve_vm_spec *s, size_t i, const char *pool_type);
/* The <domain> XML that will be defined.  Disks refer to their volumes as
 * <disk type='volume'> (pool + volume), so no host path is needed; the
 * domain type (kvm/qemu), emulator and firmware come from the node's caps.
 * tve's metadata carries the ID, tags, OS type, startup order, per-disk
 * backup flags and the NIC's firewall flag.  NULL with *err if the spec
 * cannot be expressed. */
char *tve_vm_domain_xml(const struct tve_vm_spec *s, const struct tve_create_ctx *ctx, char **err);
/* The confirm page: "key: value" lines sorted by key, as the web UI shows
 * them (bios, boot, cores, cpu, ide2, memory, name, net0, numa, ostype,
 * scsi0, scsihw, sockets, vmid ...).  A NULL-terminated array the caller
 * frees with tve_strv_free (task.h). */
char **tve_vm_summary(const struct tve_vm_spec *s);

/* ---- Create CT ------------------------------------------------------------ */

enum tve_ip_mode { TVE_IP_NONE, TVE_IP_STATIC, TVE_IP_DHCP, TVE_IP_SLAAC /* v6 only */ };

struct tve_ct_spec {
	/* 1. General */
	char *node;
	int vmid;
	char *hostname;
	bool unprivileged;		/* user namespace: root inside = 100000 outside */
	bool nesting;
	char *password;			/* root password, or NULL; never stored */
	char *ssh_keys;			/* authorized_keys text, or NULL */
	bool onboot;
	char *tags;

	/* 2. Template */
	char *template_vol;		/* "pool/volume" of a rootfs tarball */

	/* 3. Root disk */
	char *rootfs_pool;
	unsigned long long rootfs_size;	/* bytes */
	char *rootfs_volume;		/* set by tve_ct_spec_plan(): vm-ID-disk-0.raw,
					 * or subvol-ID-disk-0 (a directory) when
					 * unprivileged */

	/* 4. CPU */
	unsigned cores;
	double cpulimit;		/* 0 = unlimited */
	unsigned cpuunits;		/* 0 = default */

	/* 5. Memory */
	unsigned long long memory_mib;
	unsigned long long swap_mib;

	/* 6. Network (eth0) */
	enum tve_net_kind net;
	char *net_source;		/* bridge or network */
	char *mac;			/* NULL = auto */
	int vlan;
	bool firewall;
	enum tve_ip_mode ip4;
	char *ip4_cidr, *gw4;		/* static: "10.0.0.5/24", "10.0.0.1" */
	enum tve_ip_mode ip6;
	char *ip6_cidr, *gw6;

	/* 7. DNS */
	char *dns_domain;		/* NULL = use host settings */
	char *dns_servers;		/* space-separated, NULL = host settings */

	/* 8. Confirm */
	bool start_after;
};

void tve_ct_spec_defaults(struct tve_ct_spec *s, const struct tve_create_ctx *ctx);
void tve_ct_spec_clear(struct tve_ct_spec *s);
void tve_ct_spec_copy(struct tve_ct_spec *dst, const struct tve_ct_spec *src);

enum tve_ct_field {
	TVE_CTF_NODE, TVE_CTF_VMID, TVE_CTF_HOSTNAME, TVE_CTF_PASSWORD, TVE_CTF_SSH_KEYS, TVE_CTF_TAGS,
	TVE_CTF_TEMPLATE,
	TVE_CTF_ROOTFS_POOL, TVE_CTF_ROOTFS_SIZE,
	TVE_CTF_CORES, TVE_CTF_CPULIMIT, TVE_CTF_CPUUNITS,
	TVE_CTF_MEMORY, TVE_CTF_SWAP,
	TVE_CTF_NET_SOURCE, TVE_CTF_MAC, TVE_CTF_VLAN, TVE_CTF_IP4, TVE_CTF_GW4, TVE_CTF_IP6, TVE_CTF_GW6,
	TVE_CTF_DNS_DOMAIN, TVE_CTF_DNS_SERVERS,
	TVE_CTF__COUNT,
};
int tve_ct_field_page(enum tve_ct_field f);	/* 0 General ... 6 DNS */
char *tve_ct_check(const struct tve_ct_spec *s, const struct tve_create_ctx *ctx, enum tve_ct_field f);
int tve_ct_check_page(const struct tve_ct_spec *s, const struct tve_create_ctx *ctx, int page, char **err);

/* Names the root disk volume, skipping names already in the pool.  A
 * privileged container's root disk is a raw ext4 image that libvirt LXC
 * mounts through a loop device (vm-ID-disk-N.raw).  An unprivileged one's
 * is a directory volume (subvol-ID-disk-N, libvirt format 'dir'): libvirt
 * mounts the root filesystem inside the container's user namespace, where
 * the kernel refuses to mount an ext4 image, so the size is not enforced
 * there.  0, or -1 with *err. */
int tve_ct_spec_plan(struct tve_ct_spec *s, const struct tve_create_ctx *ctx, char **err);
/* The <volume> XML of the planned root disk: a thin raw image of
 * rootfs_size bytes, or a directory. */
char *tve_ct_volume_xml(const struct tve_ct_spec *s);
/* The LXC <domain> XML; rootfs_path is the host path of the root disk:
 * the image (privileged) or the directory (unprivileged). */
char *tve_ct_domain_xml(const struct tve_ct_spec *s, const struct tve_create_ctx *ctx,
			const char *rootfs_path, char **err);
char **tve_ct_summary(const struct tve_ct_spec *s);	/* password shown as "********" */

/* ---- shared rules (used by both, unit-tested one by one) ------------------ */

/* NULL when fine, else a newly allocated reason. */
char *tve_check_dns_name(const char *name);	/* DNS labels: [A-Za-z0-9-], 1-63, no edge '-' */
char *tve_check_vmid_free(int vmid, const struct tve_create_ctx *ctx);	/* 100-999999999, unused */
char *tve_check_mac(const char *mac);		/* 6 hex octets, unicast, not all zero */
char *tve_check_tags(const char *tags);		/* Proxmox tag syntax, ; , or space separated */
char *tve_check_cidr4(const char *cidr);	/* "a.b.c.d/n" */
char *tve_check_cidr6(const char *cidr);
char *tve_check_ip4(const char *ip);
char *tve_check_ip6(const char *ip);

#endif
