/* spec_vm.c - the Create VM spec: the web UI's defaults, what an OS type
 * suggests, disks, copying and volume names.  The rules are in
 * spec_vm_check.c, the confirm page in spec_vm_summary.c, the XML in
 * spec_vm_xml.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spec.h"
#include "spec_vm_priv.h"
#include "util.h"

#define GiB (1024ULL * 1024 * 1024)

/* ---- shared helpers (spec_vm_priv.h) -------------------------------------- */

bool spec_vm_is_q35(const char *machine)
{
	return machine && strstr(machine, "q35") != NULL;
}

size_t spec_vm_cds(const struct tve_vm_spec *s, struct spec_vm_cd cd[2])
{
	enum tve_bus bus = spec_vm_is_q35(s->machine) ? TVE_BUS_SATA : TVE_BUS_IDE;
	size_t n = 0;

	if (s->media == TVE_MEDIA_ISO || s->media == TVE_MEDIA_DRIVE) {
		cd[n] = (struct spec_vm_cd){ .bus = bus, .index = SPEC_VM_CD_INSTALL_INDEX, .install = true };
		if (s->media == TVE_MEDIA_ISO)
			cd[n].volid = s->iso;
		else
			cd[n].drive = s->drive;
		n++;
	}
	if (s->virtio_iso_add)
		cd[n++] = (struct spec_vm_cd){ .bus = bus, .index = SPEC_VM_CD_VIRTIO_INDEX,
					       .volid = s->virtio_iso };
	return n;
}

char *spec_vm_domain_name(const struct tve_vm_spec *s)
{
	if (s->name && *s->name)
		return tve_xstrdup(s->name);
	return tve_xasprintf("vm%d", s->vmid);
}

const char *spec_vm_volid_split(const char *volid, size_t *pool_len)
{
	const char *slash = volid ? strchr(volid, '/') : NULL;

	if (!slash || slash == volid || !slash[1])
		return NULL;
	*pool_len = (size_t)(slash - volid);
	return slash + 1;
}

const struct tve_pool *spec_vm_find_pool(const struct tve_snapshot *n, const char *name, size_t len)
{
	for (size_t i = 0; n && name && i < n->n_pools; i++)
		if (strlen(n->pools[i].name) == len && strncmp(n->pools[i].name, name, len) == 0)
			return &n->pools[i];
	return NULL;
}

/* Proxmox's generic x86-64 models are qemu64 with the ABI level's flags
 * (PVE::QemuServer::CPUConfig). */
#define V2 "cx16", "lahf_lm", "popcnt", "pni", "sse4.1", "sse4.2", "ssse3"
#define V3 "avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"
#define V4 "avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"
static const char *const f_none[] = { NULL };
static const char *const f_v2[] = { V2, NULL };
static const char *const f_v2aes[] = { V2, "aes", NULL };
static const char *const f_v3[] = { V2, "aes", V3, NULL };
static const char *const f_v4[] = { V2, "aes", V3, V4, NULL };
static const struct {
	const char *name, *base;
	const char *const *features;
} cpu_family[] = {
	{ "x86-64-v2", "qemu64", f_v2 },
	{ "x86-64-v2-AES", "qemu64", f_v2aes },
	{ "x86-64-v3", "qemu64", f_v3 },
	{ "x86-64-v4", "qemu64", f_v4 },
	{ "kvm64", "kvm64", f_none },
	{ "qemu64", "qemu64", f_none },
};

const char *const *spec_vm_cpu_family(const char *type, const char **base)
{
	for (size_t i = 0; type && i < TVE_ARRAY_SIZE(cpu_family); i++)
		if (strcmp(type, cpu_family[i].name) == 0) {
			if (base)
				*base = cpu_family[i].base;
			return cpu_family[i].features;
		}
	return NULL;
}

bool spec_vm_iothread_ok(enum tve_bus bus, enum tve_scsihw h)
{
	return bus == TVE_BUS_VIRTIO ||
	       (bus == TVE_BUS_SCSI && (h == TVE_SCSIHW_VIRTIO_SINGLE || h == TVE_SCSIHW_VIRTIO));
}

const char *spec_vm_scsihw_name(enum tve_scsihw h)
{
	static const char *const n[TVE_SCSIHW__COUNT] = {
		"virtio-scsi-single", "virtio-scsi-pci", "lsi", "megasas", "pvscsi",
	};
	return (unsigned)h < TVE_SCSIHW__COUNT ? n[h] : "?";
}

const char *spec_vm_fmt_size(char *buf, size_t len, unsigned long long bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	size_t u = 0;
	char *z;

	while (v >= 1024.0 && u + 1 < TVE_ARRAY_SIZE(units)) {
		v /= 1024.0;
		u++;
	}
	/* two decimals at most, and none that are zero: "100.5 GiB" */
	snprintf(buf, len, "%.2f", v);
	z = buf + strlen(buf);
	while (z > buf && z[-1] == '0')
		z--;
	if (z > buf && z[-1] == '.')
		z--;
	snprintf(z, len - (size_t)(z - buf), " %s", units[u]);
	return buf;
}

char *spec_vm_tags_joined(const char *tags)
{
	char *out = tve_xstrdup("");
	const char *p = tags ? tags : "";

	while (*p) {
		size_t n = strcspn(p, ";, ");
		if (n) {
			char *o = tve_xasprintf("%s%s%.*s", out, *out ? ";" : "", (int)n, p);
			free(out);
			out = o;
		}
		p += n;
		p += strspn(p, ";, ");
	}
	return out;
}

void spec_vm_mac_norm(const char *mac, bool upper, char out[18])
{
	size_t i = 0;

	for (; mac && mac[i] && i < 17; i++) {
		char c = mac[i] == '-' ? ':' : mac[i];
		if (upper && c >= 'a' && c <= 'f')
			c = (char)(c - 'a' + 'A');
		else if (!upper && c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		out[i] = c;
	}
	out[i] = 0;
}

/* ---- defaults ------------------------------------------------------------- */

static bool ends_with_ci(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The first ISO on an active pool of the node ("pool/volume"), whose name
 * starts with prefix (NULL = any), or NULL. */
static char *find_iso(const struct tve_snapshot *n, const char *prefix)
{
	for (size_t i = 0; n && i < n->n_pools; i++) {
		const struct tve_pool *p = &n->pools[i];
		for (size_t j = 0; p->active && j < p->n_volumes; j++) {
			const char *v = p->volumes[j].name;
			if (v && ends_with_ci(v, ".iso") &&
			    (!prefix || strncasecmp(v, prefix, strlen(prefix)) == 0))
				return tve_xasprintf("%s/%s", p->name, v);
		}
	}
	return NULL;
}

/* The lowest ID >= 100 no guest of any node has. */
static int next_vmid(const struct tve_create_ctx *ctx)
{
	for (int id = 100;; id++) {
		bool used = false;
		for (size_t i = 0; ctx && i < ctx->n_nodes && !used; i++)
			used = ctx->nodes[i] && tve_snapshot_find_vmid(ctx->nodes[i], id);
		if (!used && ctx && ctx->node)
			used = tve_snapshot_find_vmid(ctx->node, id) != NULL;
		if (!used)
			return id;
	}
}

/* The first active pool that takes qcow2 images, else the first active one. */
static const struct tve_pool *default_pool(const struct tve_snapshot *n)
{
	const struct tve_pool *any = NULL;

	for (size_t i = 0; n && i < n->n_pools; i++) {
		const struct tve_pool *p = &n->pools[i];
		if (!p->active)
			continue;
		if (tve_pool_allows_format(p->type, TVE_FMT_QCOW2))
			return p;
		if (!any)
			any = p;
	}
	return any;
}

static void default_net(struct tve_vm_spec *s, const struct tve_snapshot *n)
{
	s->net = TVE_NET_NONE;
	if (n && n->has_caps && n->caps.n_bridges > 0) {
		s->net = TVE_NET_BRIDGE;
		s->net_source = tve_xstrdup(n->caps.bridges[0]);
		return;
	}
	for (size_t i = 0; n && i < n->n_networks; i++)
		if (n->networks[i].active) {
			s->net = TVE_NET_NETWORK;
			s->net_source = tve_xstrdup(n->networks[i].name);
			return;
		}
}

static bool node_is_test(const struct tve_snapshot *n)
{
	return n && n->has_caps && n->caps.domain_type && strcmp(n->caps.domain_type, "test") == 0;
}

void tve_vm_spec_defaults(struct tve_vm_spec *s, const struct tve_create_ctx *ctx)
{
	const struct tve_snapshot *n = ctx ? ctx->node : NULL;
	const struct tve_pool *pool = default_pool(n);
	struct tve_vm_disk *d;

	memset(s, 0, sizeof(*s));
	s->node = tve_xstrdup(n ? n->node : NULL);
	s->vmid = next_vmid(ctx);
	s->startup_order = s->startup_up = s->startup_down = -1;
	s->iso = find_iso(n, NULL);
	s->media = s->iso ? TVE_MEDIA_ISO : TVE_MEDIA_NONE;
	s->ostype = TVE_OS_L26;
	s->graphics = TVE_GFX_DEFAULT;
	s->machine = tve_xstrdup("pc");
	s->bios = TVE_BIOS_SEABIOS;
	s->scsihw = TVE_SCSIHW_VIRTIO_SINGLE;
	s->sockets = s->cores = 1;
	s->cpu_type = tve_xstrdup("x86-64-v2-AES");
	s->memory_mib = 2048;
	s->balloon = true;
	s->nic_model = TVE_NIC_VIRTIO;
	s->firewall = true;
	default_net(s, n);

	d = tve_vm_spec_add_disk(s);
	if (pool) {
		d->pool = tve_xstrdup(pool->name);
		d->format = tve_pool_allows_format(pool->type, TVE_FMT_QCOW2) ? TVE_FMT_QCOW2 : TVE_FMT_RAW;
	}
	/* IO threads where the node has them (the test driver takes anything) */
	d->iothread = !n || !n->has_caps || n->caps.iothreads || node_is_test(n);
}

/* ---- disks ---------------------------------------------------------------- */

static bool slot_used(const struct tve_vm_spec *s, enum tve_bus bus, int index, size_t skip)
{
	struct spec_vm_cd cd[2];
	size_t ncd = spec_vm_cds(s, cd);

	for (size_t i = 0; i < ncd; i++)
		if (cd[i].bus == bus && cd[i].index == index)
			return true;
	for (size_t i = 0; i < s->n_disks; i++)
		if (i != skip && s->disks[i].bus == bus && s->disks[i].index == index)
			return true;
	return false;
}

/* The lowest free index on bus, ignoring disk `skip`; -1 when full. */
static int free_index(const struct tve_vm_spec *s, enum tve_bus bus, size_t skip)
{
	if (bus == TVE_BUS_IDE && spec_vm_is_q35(s->machine))
		return -1;
	for (int i = 0; i <= tve_bus_max_index(bus); i++)
		if (!slot_used(s, bus, i, skip))
			return i;
	return -1;
}

/* Puts disk i on bus (or, when that is full, on the first bus with room). */
static void place_disk(struct tve_vm_spec *s, size_t i, enum tve_bus bus)
{
	static const enum tve_bus order[] = { TVE_BUS_SCSI, TVE_BUS_SATA, TVE_BUS_VIRTIO, TVE_BUS_IDE };
	struct tve_vm_disk *d = &s->disks[i];
	int idx = free_index(s, bus, i);

	for (size_t k = 0; idx < 0 && k < TVE_ARRAY_SIZE(order); k++)
		if ((idx = free_index(s, order[k], i)) >= 0)
			bus = order[k];
	d->bus = bus;
	d->index = idx < 0 ? 0 : idx;
	if (!spec_vm_iothread_ok(bus, s->scsihw))
		d->iothread = false;
	if (bus == TVE_BUS_VIRTIO)
		d->ssd = false;
}

struct tve_vm_disk *tve_vm_spec_add_disk(struct tve_vm_spec *s)
{
	const struct tve_vm_disk *prev;
	struct tve_vm_disk *d;
	size_t i = s->n_disks;

	s->disks = tve_xreallocarray(s->disks, i + 1, sizeof(*s->disks));
	d = &s->disks[i];
	memset(d, 0, sizeof(*d));
	s->n_disks++;
	prev = i > 0 ? &s->disks[i - 1] : NULL;
	d->index = -1;	/* not counted while placing */
	d->bus = prev ? prev->bus : TVE_BUS_SCSI;
	d->pool = tve_xstrdup(prev ? prev->pool : NULL);
	d->size = 32 * GiB;
	d->format = prev ? prev->format : TVE_FMT_QCOW2;
	d->cache = TVE_CACHE_DEFAULT;
	d->aio = TVE_AIO_DEFAULT;
	d->backup = true;
	d->iothread = prev ? prev->iothread : true;
	place_disk(s, i, d->bus);
	if (prev && !spec_vm_iothread_ok(prev->bus, s->scsihw) &&
	    spec_vm_iothread_ok(d->bus, s->scsihw))
		d->iothread = true;
	return d;
}

static void disk_clear(struct tve_vm_disk *d)
{
	free(d->pool);
	free(d->volume);
	memset(d, 0, sizeof(*d));
}

void tve_vm_spec_remove_disk(struct tve_vm_spec *s, size_t i)
{
	if (i >= s->n_disks)
		return;
	disk_clear(&s->disks[i]);
	memmove(&s->disks[i], &s->disks[i + 1], (s->n_disks - i - 1) * sizeof(*s->disks));
	s->n_disks--;
}

void tve_vm_spec_clear(struct tve_vm_spec *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_disks; i++)
		disk_clear(&s->disks[i]);
	free(s->disks);
	free(s->node);
	free(s->name);
	free(s->tags);
	free(s->iso);
	free(s->drive);
	free(s->virtio_iso);
	free(s->machine);
	free(s->efi_pool);
	free(s->tpm_pool);
	free(s->cpu_type);
	free(s->net_source);
	free(s->mac);
	memset(s, 0, sizeof(*s));
}

void tve_vm_spec_copy(struct tve_vm_spec *dst, const struct tve_vm_spec *src)
{
	*dst = *src;
	dst->node = tve_xstrdup(src->node);
	dst->name = tve_xstrdup(src->name);
	dst->tags = tve_xstrdup(src->tags);
	dst->iso = tve_xstrdup(src->iso);
	dst->drive = tve_xstrdup(src->drive);
	dst->virtio_iso = tve_xstrdup(src->virtio_iso);
	dst->machine = tve_xstrdup(src->machine);
	dst->efi_pool = tve_xstrdup(src->efi_pool);
	dst->tpm_pool = tve_xstrdup(src->tpm_pool);
	dst->cpu_type = tve_xstrdup(src->cpu_type);
	dst->net_source = tve_xstrdup(src->net_source);
	dst->mac = tve_xstrdup(src->mac);
	dst->disks = NULL;
	if (src->n_disks) {
		dst->disks = tve_xcalloc(src->n_disks, sizeof(*dst->disks));
		for (size_t i = 0; i < src->n_disks; i++) {
			dst->disks[i] = src->disks[i];
			dst->disks[i].pool = tve_xstrdup(src->disks[i].pool);
			dst->disks[i].volume = tve_xstrdup(src->disks[i].volume);
		}
	}
}

/* ---- OS type -------------------------------------------------------------- */

static bool caps_machine(const struct tve_node_caps *c, const char *prefix)
{
	for (size_t i = 0; c && i < c->n_machines; i++)
		if (strncmp(c->machines[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* Moves every disk to bus, numbering them again from 0; IO threads on
 * where they apply and the node has them. */
static void move_disks(struct tve_vm_spec *s, enum tve_bus bus, bool iothreads)
{
	for (size_t i = 0; i < s->n_disks; i++)
		s->disks[i].index = -1;
	for (size_t i = 0; i < s->n_disks; i++) {
		s->disks[i].bus = bus;
		place_disk(s, i, bus);
		s->disks[i].iothread = iothreads && spec_vm_iothread_ok(s->disks[i].bus, s->scsihw);
	}
}

static void set_str(char **p, const char *v)
{
	free(*p);
	*p = tve_xstrdup(v);
}

/* Windows 8 and later: with a virtio-win ISO on the node, VirtIO SCSI and
 * a VirtIO NIC whose drivers the second CD drive brings (Proxmox's
 * recommendation); without it, SATA and an Intel E1000 that Windows drives
 * out of the box. */
static void apply_windows(struct tve_vm_spec *s, const struct tve_snapshot *n, bool io)
{
	char *virtio = find_iso(n, "virtio-win");

	s->virtio_iso_add = virtio != NULL;
	free(s->virtio_iso);
	s->virtio_iso = virtio;
	s->scsihw = TVE_SCSIHW_VIRTIO_SINGLE;
	move_disks(s, virtio ? TVE_BUS_SCSI : TVE_BUS_SATA, io);
	s->nic_model = virtio ? TVE_NIC_VIRTIO : TVE_NIC_E1000;
}

void tve_vm_spec_apply_ostype(struct tve_vm_spec *s, const struct tve_create_ctx *ctx)
{
	const struct tve_snapshot *n = ctx ? ctx->node : NULL;
	const struct tve_node_caps *c = n && n->has_caps ? &n->caps : NULL;
	bool io = !c || c->iothreads || node_is_test(n);
	bool q35;

	/* Every type starts from the Linux/i440fx suggestion. */
	set_str(&s->machine, "pc");
	s->bios = TVE_BIOS_SEABIOS;
	s->efi_keys = false;
	s->tpm = false;
	s->virtio_iso_add = false;
	s->scsihw = TVE_SCSIHW_VIRTIO_SINGLE;
	switch (s->ostype) {
	case TVE_OS_WIN11:
		q35 = c && (c->n_machines == 0 || caps_machine(c, "q35") || caps_machine(c, "pc-q35"));
		if (q35)
			set_str(&s->machine, "q35");
		if (c && c->efi)
			s->bios = TVE_BIOS_OVMF;
		s->efi_keys = s->bios == TVE_BIOS_OVMF && q35 && c->efi_secure;
		s->tpm = c && c->tpm;
		apply_windows(s, n, io);
		break;
	case TVE_OS_WIN10:
	case TVE_OS_WIN8:
		apply_windows(s, n, io);
		break;
	case TVE_OS_WIN7:
	case TVE_OS_WVISTA:
		move_disks(s, TVE_BUS_SATA, io);
		s->nic_model = TVE_NIC_E1000;
		break;
	case TVE_OS_WXP:
	case TVE_OS_W2K:
		move_disks(s, TVE_BUS_IDE, io);
		s->nic_model = TVE_NIC_RTL8139;
		break;
	case TVE_OS_L26:
		move_disks(s, TVE_BUS_SCSI, io);
		s->nic_model = TVE_NIC_VIRTIO;
		break;
	default:	/* l24, Solaris, other: what needs no drivers */
		move_disks(s, TVE_BUS_IDE, io);
		s->nic_model = TVE_NIC_E1000;
		break;
	}
	if (s->nic_model != TVE_NIC_VIRTIO)
		s->queues = 0;
}

/* ---- volume names --------------------------------------------------------- */

/* "vm-100-disk-3" is taken in pool p, or by an earlier disk of the plan. */
static bool vol_taken(const struct tve_vm_spec *s, size_t upto, const struct tve_pool *p, const char *base)
{
	size_t n = strlen(base);

	for (size_t i = 0; i < p->n_volumes; i++) {
		const char *v = p->volumes[i].name;
		if (v && strncmp(v, base, n) == 0 && (v[n] == 0 || v[n] == '.'))
			return true;
	}
	for (size_t i = 0; i < upto; i++) {
		const char *v = s->disks[i].volume;
		if (v && strcmp(s->disks[i].pool, p->name) == 0 && strncmp(v, base, n) == 0 &&
		    (v[n] == 0 || v[n] == '.'))
			return true;
	}
	return false;
}

int tve_vm_spec_plan(struct tve_vm_spec *s, const struct tve_create_ctx *ctx, char **err)
{
	const struct tve_snapshot *n = ctx ? ctx->node : NULL;

	for (size_t i = 0; i < s->n_disks; i++) {
		free(s->disks[i].volume);
		s->disks[i].volume = NULL;
	}
	for (size_t i = 0; i < s->n_disks; i++) {
		struct tve_vm_disk *d = &s->disks[i];
		const struct tve_pool *p = d->pool ? tve_snapshot_find_pool(n, d->pool) : NULL;
		bool file = p && tve_pool_allows_format(p->type, TVE_FMT_QCOW2);

		if (!p)
			return tve_set_err(err, "%s%d: storage %s does not exist on %s",
					   tve_bus_name(d->bus), d->index, d->pool ? d->pool : "(none)",
					   n && n->node ? n->node : "the node");
		for (int k = 0;; k++) {
			char *base = tve_xasprintf("vm-%d-disk-%d", s->vmid, k);
			if (!vol_taken(s, i, p, base)) {
				d->volume = file ? tve_xasprintf("%s.%s", base, tve_vol_format_name(d->format))
						 : tve_xstrdup(base);
				free(base);
				break;
			}
			free(base);
		}
	}
	return 0;
}
