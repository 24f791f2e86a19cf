/* spec_vm_check.c - the Create VM rules: one function per field, each
 * saying what is wrong and why, from the nodes' snapshots alone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "spec_vm_priv.h"
#include "util.h"

#define MiB (1024ULL * 1024)

/* What every rule looks at. */
struct chk {
	const struct tve_vm_spec *s;
	const struct tve_create_ctx *ctx;
	const struct tve_snapshot *n;	/* target node, may be NULL */
	const struct tve_node_caps *c;	/* its caps, NULL when unknown */
	const char *node;		/* its name for messages */
	bool test;			/* libvirt's test driver: no hypervisor behind */
};

typedef char *(*rule_fn)(const struct chk *k, size_t i);

/* ---- 0 General ------------------------------------------------------------ */

static char *r_node(const struct chk *k, size_t i)
{
	(void)i;
	if (!k->n)
		return tve_xstrdup("choose a node");
	if (k->n->state != TVE_NODE_ONLINE)
		return tve_xasprintf("node %s is %s%s%s", k->node, tve_node_state_name(k->n->state),
				     k->n->error ? ": " : "", k->n->error ? k->n->error : "");
	if (!k->c)
		return tve_xasprintf("node %s has not reported what it can run yet", k->node);
	if (k->c->domain_type && strcmp(k->c->domain_type, "lxc") == 0)
		return tve_xasprintf("node %s runs containers (LXC), not virtual machines", k->node);
	return NULL;
}

static char *r_vmid(const struct chk *k, size_t i)
{
	(void)i;
	return tve_check_vmid_free(k->s->vmid, k->ctx);
}

static char *r_name(const struct chk *k, size_t i)
{
	const struct tve_vm_spec *s = k->s;
	char *err, *name;

	(void)i;
	if (s->name && *s->name && (err = tve_check_dns_name(s->name)))
		return err;
	/* libvirt names are unique per node; an empty name becomes "vmID" */
	name = spec_vm_domain_name(s);
	for (size_t g = 0; k->n && g < k->n->n_guests; g++) {
		const struct tve_guest *o = &k->n->guests[g];
		if (o->name && strcmp(o->name, name) == 0) {
			err = o->vmid > 0
				? tve_xasprintf("%s %d on %s is already named %s", tve_guest_type_name(o->type),
						o->vmid, k->node, name)
				: tve_xasprintf("a guest named %s already exists on %s", name, k->node);
			free(name);
			return err;
		}
	}
	free(name);
	return NULL;
}

static char *r_startup(const struct chk *k, size_t i)
{
	const struct tve_vm_spec *s = k->s;

	(void)i;
	if (s->startup_order < -1 || s->startup_order > 999999)
		return tve_xstrdup("start/shutdown order must be 0-999999 (or any)");
	if (s->startup_up < -1 || s->startup_up > 86400)
		return tve_xstrdup("startup delay must be 0-86400 seconds (or default)");
	if (s->startup_down < -1 || s->startup_down > 86400)
		return tve_xstrdup("shutdown timeout must be 0-86400 seconds (or default)");
	return NULL;
}

static char *r_tags(const struct chk *k, size_t i)
{
	(void)i;
	return tve_check_tags(k->s->tags);
}

/* ---- 1 OS ----------------------------------------------------------------- */

/* "pool/volume" names an ISO volume on an active pool of the node. */
static char *check_iso(const struct chk *k, const char *volid, const char *what)
{
	const struct tve_pool *p;
	size_t plen;
	const char *vol = spec_vm_volid_split(volid, &plen);

	if (!volid || !*volid)
		return tve_xasprintf("choose the %s", what);
	if (!vol)
		return tve_xasprintf("'%s' is not a storage/volume name", volid);
	if (!(p = spec_vm_find_pool(k->n, volid, plen)))
		return tve_xasprintf("storage %.*s does not exist on %s", (int)plen, volid, k->node);
	if (!p->active)
		return tve_xasprintf("storage %s on %s is not active", p->name, k->node);
	for (size_t j = 0; j < p->n_volumes; j++)
		if (p->volumes[j].name && strcmp(p->volumes[j].name, vol) == 0)
			return NULL;
	return tve_xasprintf("%s is not on storage %s of %s", vol, p->name, k->node);
}

static char *r_iso(const struct chk *k, size_t i)
{
	(void)i;
	if (k->s->media != TVE_MEDIA_ISO)
		return NULL;
	return check_iso(k, k->s->iso, "ISO image");
}

static char *r_drive(const struct chk *k, size_t i)
{
	const char *d = k->s->drive;

	(void)i;
	if (k->s->media != TVE_MEDIA_DRIVE)
		return NULL;
	if (!d || !*d)
		return tve_xstrdup("choose the CD/DVD drive");
	if (strncmp(d, "/dev/", 5) != 0 || strpbrk(d, " \t\n'\"<>&"))
		return tve_xasprintf("'%s' is not a device path like /dev/sr0", d);
	if (k->c && k->c->n_drives == 0)
		return tve_xasprintf("%s has no CD/DVD drive", k->node);
	if (k->c && !tve_strlist_has(k->c->n_drives, k->c->drives, d))
		return tve_xasprintf("%s is not a CD/DVD drive of %s (it has %s)", d, k->node, k->c->drives[0]);
	return NULL;
}

static char *r_virtio_iso(const struct chk *k, size_t i)
{
	(void)i;
	if (!k->s->virtio_iso_add)
		return NULL;
	return check_iso(k, k->s->virtio_iso, "VirtIO drivers ISO");
}

/* ---- 2 System ------------------------------------------------------------- */

static bool machine_offered(const struct tve_node_caps *c, const char *m)
{
	if (!c || c->n_machines == 0)	/* caps do not say: the aliases only */
		return strcmp(m, "pc") == 0 || strcmp(m, "q35") == 0;
	return tve_strlist_has(c->n_machines, c->machines, m);
}

static char *r_machine(const struct chk *k, size_t i)
{
	const char *m = k->s->machine;

	(void)i;
	if (!m || !*m)
		return tve_xstrdup("choose a machine type (pc or q35)");
	if (!machine_offered(k->c, m))
		return tve_xasprintf("machine type %s is not offered by %s (pc, q35 and their versions are)",
				     m, k->node);
	return NULL;
}

static char *r_bios(const struct chk *k, size_t i)
{
	const struct tve_vm_spec *s = k->s;

	(void)i;
	if (s->bios != TVE_BIOS_OVMF)
		return NULL;
	if (k->c && !k->c->efi && !k->test)
		return tve_xasprintf("OVMF (UEFI) firmware is not installed on %s", k->node);
	if (s->efi_keys && !spec_vm_is_q35(s->machine))
		return tve_xstrdup("pre-enrolled keys (Secure Boot) need the q35 machine type");
	if (s->efi_keys && k->c && !k->c->efi_secure && !k->test)
		return tve_xasprintf("%s has no Secure Boot OVMF firmware for pre-enrolled keys", k->node);
	return NULL;
}

static char *r_efi_pool(const struct chk *k, size_t i)
{
	const struct tve_pool *p;
	const char *e = k->s->efi_pool;

	(void)i;
	if (k->s->bios != TVE_BIOS_OVMF || !e || !*e)
		return NULL;
	if (!(p = tve_snapshot_find_pool(k->n, e)))
		return tve_xasprintf("storage %s does not exist on %s", e, k->node);
	if (!p->active)
		return tve_xasprintf("storage %s on %s is not active", e, k->node);
	/* the EFI vars are a file libvirt copies from OVMF's template */
	if (!tve_pool_allows_format(p->type, TVE_FMT_QCOW2) || !p->path)
		return tve_xasprintf("EFI variables are kept as a file: storage %s (%s) is not a directory",
				     e, p->type ? p->type : "?");
	return NULL;
}

static char *r_tpm(const struct chk *k, size_t i)
{
	const char *tp = k->s->tpm_pool;

	(void)i;
	if (!k->s->tpm)
		return NULL;
	if (k->c && !k->c->tpm && !k->test)
		return tve_xasprintf("a TPM needs swtpm, which %s does not have", k->node);
	if (tp && *tp && !tve_snapshot_find_pool(k->n, tp))
		return tve_xasprintf("storage %s does not exist on %s", tp, k->node);
	return NULL;
}

static char *r_graphics(const struct chk *k, size_t i)
{
	(void)i;
	if ((unsigned)k->s->graphics >= TVE_GFX__COUNT)
		return tve_xstrdup("unknown display type");
	if (k->s->graphics == TVE_GFX_SPICE && k->c && !k->c->spice && !k->test)
		return tve_xasprintf("QEMU on %s has no SPICE support", k->node);
	return NULL;
}

/* ---- 3 Disks -------------------------------------------------------------- */

static char *r_disk_bus(const struct chk *k, size_t i)
{
	const struct tve_vm_spec *s = k->s;
	const struct tve_vm_disk *d = &s->disks[i];
	const char *bus = tve_bus_name(d->bus);
	struct spec_vm_cd cd[2];
	size_t ncd = spec_vm_cds(s, cd);

	if ((unsigned)d->bus >= TVE_BUS__COUNT)
		return tve_xstrdup("unknown bus");
	if (d->bus == TVE_BUS_IDE && spec_vm_is_q35(s->machine))
		return tve_xasprintf("ide%d: q35 machines have no IDE; use SATA", d->index);
	if (d->index < 0 || d->index > tve_bus_max_index(d->bus))
		return tve_xasprintf("%s%d: a %s disk number must be 0-%d", bus, d->index, bus,
				     tve_bus_max_index(d->bus));
	for (size_t j = 0; j < ncd; j++)
		if (cd[j].bus == d->bus && cd[j].index == d->index)
			return tve_xasprintf("%s%d is the CD/DVD drive (%s); choose another number", bus,
					     d->index, cd[j].install ? "install media" : "VirtIO drivers");
	for (size_t j = 0; j < s->n_disks; j++)
		if (j != i && s->disks[j].bus == d->bus && s->disks[j].index == d->index)
			return tve_xasprintf("%s%d is used by two disks", bus, d->index);
	return NULL;
}

static char *r_disk_pool(const struct chk *k, size_t i)
{
	const struct tve_vm_disk *d = &k->s->disks[i];
	const struct tve_pool *p;
	const char *bus = tve_bus_name(d->bus);

	if (!d->pool || !*d->pool)
		return tve_xasprintf("%s%d: choose a storage", bus, d->index);
	if (!(p = tve_snapshot_find_pool(k->n, d->pool)))
		return tve_xasprintf("%s%d: storage %s does not exist on %s", bus, d->index, d->pool, k->node);
	if (!p->active)
		return tve_xasprintf("%s%d: storage %s on %s is not active", bus, d->index, d->pool, k->node);
	return NULL;
}

static char *r_disk_size(const struct chk *k, size_t i)
{
	const struct tve_vm_spec *s = k->s;
	const struct tve_vm_disk *d = &s->disks[i];
	const struct tve_pool *p = d->pool ? tve_snapshot_find_pool(k->n, d->pool) : NULL;
	unsigned long long sum = 0;
	size_t n = 0;
	char need[32], avail[32];

	if (d->size == 0)
		return tve_xasprintf("%s%d: the size must be more than 0", tve_bus_name(d->bus), d->index);
	if (d->size < MiB)
		return tve_xasprintf("%s%d: the size must be at least 1 MiB", tve_bus_name(d->bus), d->index);
	if (!p)
		return NULL;	/* the pool's own rule says why */
	for (size_t j = 0; j < s->n_disks; j++)
		if (s->disks[j].pool && strcmp(s->disks[j].pool, d->pool) == 0) {
			n++;
			sum = sum + s->disks[j].size < sum ? ~0ULL : sum + s->disks[j].size;
		}
	if (sum <= p->available)
		return NULL;
	spec_vm_fmt_size(need, sizeof(need), n > 1 ? sum : d->size);
	spec_vm_fmt_size(avail, sizeof(avail), p->available);
	if (n > 1)
		return tve_xasprintf("%zu disks on %s need %s, %s free", n, p->name, need, avail);
	return tve_xasprintf("%s%d needs %s, %s has %s free", tve_bus_name(d->bus), d->index, need,
			     p->name, avail);
}

static char *r_disk_format(const struct chk *k, size_t i)
{
	const struct tve_vm_disk *d = &k->s->disks[i];
	const struct tve_pool *p = d->pool ? tve_snapshot_find_pool(k->n, d->pool) : NULL;

	if ((unsigned)d->format >= TVE_FMT__COUNT)
		return tve_xstrdup("unknown disk format");
	if (p && !tve_pool_allows_format(p->type, d->format))
		return tve_xasprintf("%s%d: storage %s (%s) holds raw volumes only, not %s",
				     tve_bus_name(d->bus), d->index, p->name, p->type ? p->type : "?",
				     tve_vol_format_name(d->format));
	return NULL;
}

static char *r_disk_opts(const struct chk *k, size_t i)
{
	const struct tve_vm_disk *d = &k->s->disks[i];
	const char *bus = tve_bus_name(d->bus);

	if ((unsigned)d->cache >= TVE_CACHE__COUNT || (unsigned)d->aio >= TVE_AIO__COUNT)
		return tve_xstrdup("unknown cache or async IO mode");
	if (d->ssd && d->bus == TVE_BUS_VIRTIO)
		return tve_xasprintf("virtio%d: SSD emulation is not available on VirtIO Block", d->index);
	if (d->aio == TVE_AIO_NATIVE && d->cache != TVE_CACHE_NONE && d->cache != TVE_CACHE_DIRECTSYNC)
		return tve_xasprintf("%s%d: async IO 'native' needs cache 'none' or 'directsync' (O_DIRECT)",
				     bus, d->index);
	if (d->readonly && (d->bus == TVE_BUS_SATA || d->bus == TVE_BUS_IDE))
		return tve_xasprintf("%s%d: QEMU has no read-only %s disks; use SCSI or VirtIO Block",
				     bus, d->index, d->bus == TVE_BUS_SATA ? "SATA" : "IDE");
	if (d->iothread && !spec_vm_iothread_ok(d->bus, k->s->scsihw))
		return tve_xasprintf("%s%d: an IO thread needs VirtIO Block or a VirtIO SCSI controller",
				     bus, d->index);
	if (d->iothread && k->c && !k->c->iothreads && !k->test)
		return tve_xasprintf("%s%d: QEMU on %s has no IO threads", bus, d->index, k->node);
	return NULL;
}

/* ---- 4 CPU ---------------------------------------------------------------- */

static char *r_sockets(const struct chk *k, size_t i)
{
	(void)i;
	if (k->s->sockets < 1 || k->s->sockets > 4)
		return tve_xstrdup("sockets must be 1-4");
	return NULL;
}

static char *r_cores(const struct chk *k, size_t i)
{
	const struct tve_vm_spec *s = k->s;
	unsigned long long v = (unsigned long long)s->sockets * s->cores;

	(void)i;
	if (s->cores < 1 || s->cores > 128)
		return tve_xstrdup("cores must be 1-128");
	if (k->n && k->n->has_facts && k->n->facts.cpus && v > k->n->facts.cpus)
		return tve_xasprintf("%u socket%s x %u cores = %llu vCPUs, but %s has %u CPUs",
				     s->sockets, s->sockets == 1 ? "" : "s", s->cores, v, k->node,
				     k->n->facts.cpus);
	return NULL;
}

static char *r_cpu_type(const struct chk *k, size_t i)
{
	const char *t = k->s->cpu_type;

	(void)i;
	if (!t || !*t)
		return tve_xstrdup("choose a CPU type");
	if (strcmp(t, "host") == 0) {
		if (k->c && !k->c->host_passthrough && !k->test)
			return tve_xasprintf("CPU type host needs KVM, which %s does not have (QEMU emulates)",
					     k->node);
		return NULL;
	}
	if (spec_vm_cpu_family(t, NULL) || k->test)
		return NULL;
	if (k->c && tve_strlist_has(k->c->n_cpu_models, k->c->cpu_models, t))
		return NULL;
	return tve_xasprintf("CPU type %s is not available on %s", t, k->node);
}

static char *r_cpulimit(const struct chk *k, size_t i)
{
	double max = (double)k->s->sockets * k->s->cores, v = k->s->cpulimit;

	(void)i;
	if (!isfinite(v) || v < 0 || v > max)
		return tve_xasprintf("CPU limit must be 0 (unlimited) to %g (the VM's vCPUs)", max);
	if (v > 0 && v < 0.01)
		return tve_xstrdup("CPU limit must be at least 0.01 (or 0 = unlimited)");
	return NULL;
}

static char *r_cpuunits(const struct chk *k, size_t i)
{
	(void)i;
	if (k->s->cpuunits > 262144)
		return tve_xstrdup("CPU units must be 1-262144 (or 0 = default)");
	return NULL;
}

/* ---- 5 Memory ------------------------------------------------------------- */

static char *r_memory(const struct chk *k, size_t i)
{
	unsigned long long m = k->s->memory_mib;

	(void)i;
	if (m < 16)
		return tve_xstrdup("memory must be at least 16 MiB");
	if (k->n && k->n->has_facts && k->n->facts.mem_total_kib &&
	    m > k->n->facts.mem_total_kib / 1024) {
		char a[32], b[32];
		return tve_xasprintf("%s is more than the %s %s has",
				     spec_vm_fmt_size(a, sizeof(a), m * MiB), spec_vm_fmt_size(b, sizeof(b), k->n->facts.mem_total_kib * 1024),
				     k->node);
	}
	return NULL;
}

static char *r_min_memory(const struct chk *k, size_t i)
{
	const struct tve_vm_spec *s = k->s;

	(void)i;
	if (s->min_memory_mib == 0)
		return NULL;
	if (s->min_memory_mib > s->memory_mib)
		return tve_xasprintf("minimum memory (%llu MiB) must not be more than memory (%llu MiB)",
				     s->min_memory_mib, s->memory_mib);
	if (!s->balloon && s->min_memory_mib != s->memory_mib)
		return tve_xstrdup("a minimum memory needs the ballooning device");
	if (s->min_memory_mib < 16)
		return tve_xstrdup("minimum memory must be at least 16 MiB");
	return NULL;
}

/* ---- 6 Network ------------------------------------------------------------ */

static char *r_net_source(const struct chk *k, size_t i)
{
	const struct tve_vm_spec *s = k->s;
	const char *src = s->net_source;

	(void)i;
	if (s->net == TVE_NET_NONE)
		return NULL;
	if (!src || !*src)
		return tve_xstrdup(s->net == TVE_NET_BRIDGE ? "choose a bridge" : "choose a network");
	if (s->net == TVE_NET_BRIDGE) {
		if (k->c && tve_strlist_has(k->c->n_bridges, k->c->bridges, src))
			return NULL;
		return tve_xasprintf("bridge %s does not exist on %s", src, k->node);
	}
	for (size_t j = 0; k->n && j < k->n->n_networks; j++)
		if (strcmp(k->n->networks[j].name, src) == 0)
			return k->n->networks[j].active ? NULL
				: tve_xasprintf("network %s on %s is not active", src, k->node);
	return tve_xasprintf("network %s does not exist on %s", src, k->node);
}

static char *r_vlan(const struct chk *k, size_t i)
{
	(void)i;
	if (k->s->net != TVE_NET_NONE && (k->s->vlan < 0 || k->s->vlan > 4094))
		return tve_xstrdup("VLAN tag must be 1-4094 (0 = no VLAN)");
	return NULL;
}

static char *r_mac(const struct chk *k, size_t i)
{
	(void)i;
	if (k->s->net == TVE_NET_NONE || !k->s->mac || !*k->s->mac)
		return NULL;
	return tve_check_mac(k->s->mac);
}

static char *r_queues(const struct chk *k, size_t i)
{
	(void)i;
	if (k->s->net == TVE_NET_NONE || k->s->queues == 0)
		return NULL;
	if (k->s->queues > 64)
		return tve_xstrdup("multiqueue must be 0-64");
	if (k->s->nic_model != TVE_NIC_VIRTIO)
		return tve_xstrdup("multiqueue needs the VirtIO model");
	return NULL;
}

static char *r_rate(const struct chk *k, size_t i)
{
	double r = k->s->rate_mbps;

	(void)i;
	if (k->s->net != TVE_NET_NONE && (!isfinite(r) || r < 0 || r > 1e7))
		return tve_xstrdup("rate limit must be 0 (unlimited) or a positive MB/s");
	return NULL;
}

/* ---- the tables ----------------------------------------------------------- */

static const struct {
	rule_fn fn;
	int page;
	bool per_disk;
} rules[TVE_VMF__COUNT] = {
	[TVE_VMF_NODE] = { r_node, 0, false },
	[TVE_VMF_VMID] = { r_vmid, 0, false },
	[TVE_VMF_NAME] = { r_name, 0, false },
	[TVE_VMF_STARTUP] = { r_startup, 0, false },
	[TVE_VMF_TAGS] = { r_tags, 0, false },
	[TVE_VMF_ISO] = { r_iso, 1, false },
	[TVE_VMF_DRIVE] = { r_drive, 1, false },
	[TVE_VMF_VIRTIO_ISO] = { r_virtio_iso, 1, false },
	[TVE_VMF_MACHINE] = { r_machine, 2, false },
	[TVE_VMF_BIOS] = { r_bios, 2, false },
	[TVE_VMF_EFI_POOL] = { r_efi_pool, 2, false },
	[TVE_VMF_TPM] = { r_tpm, 2, false },
	[TVE_VMF_GRAPHICS] = { r_graphics, 2, false },
	[TVE_VMF_DISK_BUS] = { r_disk_bus, 3, true },
	[TVE_VMF_DISK_POOL] = { r_disk_pool, 3, true },
	[TVE_VMF_DISK_SIZE] = { r_disk_size, 3, true },
	[TVE_VMF_DISK_FORMAT] = { r_disk_format, 3, true },
	[TVE_VMF_DISK_OPTS] = { r_disk_opts, 3, true },
	[TVE_VMF_SOCKETS] = { r_sockets, 4, false },
	[TVE_VMF_CORES] = { r_cores, 4, false },
	[TVE_VMF_CPU_TYPE] = { r_cpu_type, 4, false },
	[TVE_VMF_CPULIMIT] = { r_cpulimit, 4, false },
	[TVE_VMF_CPUUNITS] = { r_cpuunits, 4, false },
	[TVE_VMF_MEMORY] = { r_memory, 5, false },
	[TVE_VMF_MIN_MEMORY] = { r_min_memory, 5, false },
	[TVE_VMF_NET_SOURCE] = { r_net_source, 6, false },
	[TVE_VMF_VLAN] = { r_vlan, 6, false },
	[TVE_VMF_MAC] = { r_mac, 6, false },
	[TVE_VMF_QUEUES] = { r_queues, 6, false },
	[TVE_VMF_RATE] = { r_rate, 6, false },
};

int tve_vm_field_page(enum tve_vm_field f)
{
	return (unsigned)f < TVE_VMF__COUNT ? rules[f].page : -1;
}

static void chk_init(struct chk *k, const struct tve_vm_spec *s, const struct tve_create_ctx *ctx)
{
	memset(k, 0, sizeof(*k));
	k->s = s;
	k->ctx = ctx;
	k->n = ctx ? ctx->node : NULL;
	k->c = k->n && k->n->has_caps ? &k->n->caps : NULL;
	k->node = k->n && k->n->node ? k->n->node : "the node";
	k->test = k->c && k->c->domain_type && strcmp(k->c->domain_type, "test") == 0;
}

char *tve_vm_check(const struct tve_vm_spec *s, const struct tve_create_ctx *ctx,
		   enum tve_vm_field f, size_t index)
{
	struct chk k;

	if ((unsigned)f >= TVE_VMF__COUNT)
		return tve_xstrdup("unknown field");
	if (rules[f].per_disk && index >= s->n_disks)
		return tve_xasprintf("there is no disk %zu", index);
	chk_init(&k, s, ctx);
	return rules[f].fn(&k, index);
}

int tve_vm_check_page(const struct tve_vm_spec *s, const struct tve_create_ctx *ctx,
		      int page, char **err)
{
	struct chk k;

	chk_init(&k, s, ctx);
	for (int f = 0; f < TVE_VMF__COUNT; f++) {
		if (page >= 0 && rules[f].page != page)
			continue;
		for (size_t i = 0; i < (rules[f].per_disk ? s->n_disks : 1); i++) {
			char *m = rules[f].fn(&k, i);
			if (m) {
				if (err) {
					free(*err);
					*err = m;
				} else {
					free(m);
				}
				return -1;
			}
		}
	}
	return 0;
}
