/* wizard_vm.c - Create: Virtual Machine, with the web UI's pages and field
 * order: General, OS, System, Disks, CPU, Memory, Network, Confirm. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "tui.h"
#include "wizard.h"

#define VM(m) offsetof(struct tve_vm_spec, m)
#define DK(m) offsetof(struct tve_vm_disk, m)

enum { P_GENERAL, P_OS, P_SYSTEM, P_DISKS, P_CPU, P_MEMORY, P_NETWORK, P_CONFIRM, P__COUNT };

static const char *const pages[P__COUNT] = {
	"General", "OS", "System", "Disks", "CPU", "Memory", "Network", "Confirm",
};

static struct tve_vm_spec *vm(const struct wiz *w)
{
	return w->spec;
}

/* The node's capabilities, or NULL while they are not known (nothing is
 * ruled out then: the rules have the last word). */
static const struct tve_node_caps *caps(const struct wiz *w)
{
	return w->ctx.node && w->ctx.node->has_caps ? &w->ctx.node->caps : NULL;
}

/* ---- labels ----------------------------------------------------------------- */

#define LABELS(name, ...) \
	static const char *name(int v) \
	{ \
		static const char *const l[] = { __VA_ARGS__ }; \
		return v >= 0 && (size_t)v < TVE_ARRAY_SIZE(l) ? l[v] : "?"; \
	}

LABELS(media_label, "Use CD/DVD disc image file (iso)", "Use physical CD/DVD drive",
       "Do not use any media")
LABELS(bios_label, "Default (SeaBIOS)", "OVMF (UEFI)")
LABELS(bus_label, "SCSI", "VirtIO Block", "SATA", "IDE")
LABELS(format_label, "Raw disk image (raw)", "QEMU image format (qcow2)",
       "VMware image format (vmdk)")
LABELS(cache_label, "Default (No cache)", "Direct sync", "Write through", "Write back",
       "Write back (unsafe)", "No cache")
LABELS(aio_label, "Default (io_uring)", "io_uring", "native", "threads")
LABELS(net_label, "No network device", "Bridge", "Libvirt network")
LABELS(os_group_label, "Linux", "Microsoft Windows", "Solaris Kernel", "Other")

static const char *gfx_label(int v)
{
	return tve_graphics_label((enum tve_graphics)v);
}

static const char *scsihw_label(int v)
{
	return tve_scsihw_label((enum tve_scsihw)v);
}

static const char *nic_label(int v)
{
	return tve_nic_model_label((enum tve_nic_model)v);
}

/* ---- when fields show ---------------------------------------------------------- */

static bool is_iso(const struct wiz *w)
{
	return vm(w)->media == TVE_MEDIA_ISO;
}

static bool is_drive(const struct wiz *w)
{
	return vm(w)->media == TVE_MEDIA_DRIVE;
}

static bool is_windows(const struct wiz *w)
{
	return tve_ostype_is_windows(vm(w)->ostype);
}

static bool virtio_iso_shown(const struct wiz *w)
{
	return is_windows(w) && vm(w)->virtio_iso_add;
}

static bool is_ovmf(const struct wiz *w)
{
	return vm(w)->bios == TVE_BIOS_OVMF;
}

static bool has_tpm(const struct wiz *w)
{
	return vm(w)->tpm;
}

static bool has_balloon(const struct wiz *w)
{
	return vm(w)->balloon;
}

static bool has_net(const struct wiz *w)
{
	return vm(w)->net != TVE_NET_NONE;
}

static const char *no_tpm(const struct wiz *w)
{
	return caps(w) && !caps(w)->tpm ? "(no TPM emulator: install swtpm)" : NULL;
}

static const char *no_secure_boot(const struct wiz *w)
{
	return caps(w) && !caps(w)->efi_secure ? "(no secure boot firmware on the node)" : NULL;
}

static const char *no_iothreads(const struct wiz *w)
{
	return caps(w) && !caps(w)->iothreads ? "(not offered by the node)" : NULL;
}

/* ---- options ----------------------------------------------------------------- */

static void opts_media(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	wiz_opts_enum(fl, media_label, 3);
	if (caps(w) && !caps(w)->n_drives) {
		fl->opts[TVE_MEDIA_DRIVE].disabled = true;
		fl->opts[TVE_MEDIA_DRIVE].note = tve_xstrdup("no drive on the node");
	}
}

static void opts_iso(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	static const char *const iso[] = { ".iso", ".ISO", NULL };

	(void)d;
	wiz_opts_volumes(w, fl, NULL, iso);
}

static void opts_drive(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	for (size_t i = 0; caps(w) && i < caps(w)->n_drives; i++)
		form_add_option(fl, caps(w)->drives[i], NULL, false, 0, caps(w)->drives[i]);
}

static int os_group(enum tve_ostype t)
{
	return t <= TVE_OS_L24 ? 0 : tve_ostype_is_windows(t) ? 1 : t == TVE_OS_SOLARIS ? 2 : 3;
}

static void opts_os_group(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	wiz_opts_enum(fl, os_group_label, 4);
	fl->sel = (size_t)os_group(vm(w)->ostype);
}

static void set_os_group(struct wiz *w, const struct wf *d, const struct form_option *o)
{
	static const enum tve_ostype first[] = { TVE_OS_L26, TVE_OS_WIN11, TVE_OS_SOLARIS, TVE_OS_OTHER };

	(void)d;
	if (os_group(vm(w)->ostype) != o->ival)
		vm(w)->ostype = first[o->ival];
}

static void opts_os_version(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	for (int t = 0; t < TVE_OS__COUNT; t++)
		if (os_group((enum tve_ostype)t) == os_group(vm(w)->ostype))
			form_add_option(fl, tve_ostype_label((enum tve_ostype)t), NULL, false, t, NULL);
}

static void opts_gfx(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	wiz_opts_enum(fl, gfx_label, TVE_GFX__COUNT);
	if (caps(w) && !caps(w)->spice) {
		fl->opts[TVE_GFX_SPICE].disabled = true;
		fl->opts[TVE_GFX_SPICE].note = tve_xstrdup("no SPICE on the node");
	}
}

static void opts_machine(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	const struct tve_node_caps *c = caps(w);

	(void)d;
	if (!c || !c->n_machines) {
		form_add_option(fl, "pc", "i440fx", false, 0, "pc");
		form_add_option(fl, "q35", NULL, false, 0, "q35");
		return;
	}
	for (size_t i = 0; i < c->n_machines; i++)
		form_add_option(fl, c->machines[i], !strcmp(c->machines[i], "pc") ? "i440fx" : NULL,
				false, 0, c->machines[i]);
}

static void opts_bios(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	wiz_opts_enum(fl, bios_label, 2);
	if (caps(w) && !caps(w)->efi) {
		fl->opts[TVE_BIOS_OVMF].disabled = true;
		fl->opts[TVE_BIOS_OVMF].note = tve_xstrdup("install ovmf");
	}
}

static void opts_pool_default(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	wiz_opts_pools(w, fl, true);
}

static void opts_pool(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	wiz_opts_pools(w, fl, false);
}

static void opts_scsihw(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)w;
	(void)d;
	wiz_opts_enum(fl, scsihw_label, TVE_SCSIHW__COUNT);
}

static void opts_bus(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)w;
	(void)d;
	wiz_opts_enum(fl, bus_label, TVE_BUS__COUNT);
}

static void opts_format(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	const struct tve_vm_disk *disk = w->item < vm(w)->n_disks ? &vm(w)->disks[w->item] : NULL;
	const struct tve_pool *p = disk && disk->pool && w->ctx.node
				   ? tve_snapshot_find_pool(w->ctx.node, disk->pool) : NULL;

	(void)d;
	wiz_opts_enum(fl, format_label, TVE_FMT__COUNT);
	for (int f = 0; p && p->type && f < TVE_FMT__COUNT; f++) {
		if (tve_pool_allows_format(p->type, (enum tve_vol_format)f))
			continue;
		fl->opts[f].disabled = true;
		fl->opts[f].note = tve_xasprintf("not on %s storage", p->type);
	}
}

static void opts_cache(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)w;
	(void)d;
	wiz_opts_enum(fl, cache_label, TVE_CACHE__COUNT);
}

static void opts_aio(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)w;
	(void)d;
	wiz_opts_enum(fl, aio_label, TVE_AIO__COUNT);
}

static void opts_cpu_type(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	static const char *const generic[] = {
		"x86-64-v2-AES", "x86-64-v2", "x86-64-v3", "x86-64-v4", "kvm64", "qemu64",
	};
	const struct tve_node_caps *c = caps(w);

	(void)d;
	if (!c || c->host_passthrough)
		form_add_option(fl, "host", NULL, false, 0, "host");
	for (size_t i = 0; i < TVE_ARRAY_SIZE(generic); i++)
		form_add_option(fl, generic[i], NULL, false, 0, generic[i]);
	for (size_t i = 0; c && i < c->n_cpu_models; i++) {
		bool dup = false;

		for (size_t k = 0; k < fl->n_opts; k++)
			dup |= !strcmp(fl->opts[k].sval, c->cpu_models[i]);
		if (!dup)
			form_add_option(fl, c->cpu_models[i], NULL, false, 0, c->cpu_models[i]);
	}
}

static void opts_net(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)w;
	(void)d;
	wiz_opts_enum(fl, net_label, 3);
}

static void opts_net_source(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	wiz_opts_net_source(w, fl, vm(w)->net);
}

static void opts_nic(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)w;
	(void)d;
	wiz_opts_enum(fl, nic_label, TVE_NIC__COUNT);
}

/* ---- the pages ------------------------------------------------------------------ */

#define G(pg, ty, lab, m) .page = pg, .type = ty, .label = lab, .off = VM(m)
#define D(ty, lab, m) .page = P_DISKS, .type = ty, .label = lab, .off = DK(m), .item = true

static const struct wf fields[] = {
	{ G(P_GENERAL, WF_NODE, "Node", node), WIZ_RULE(TVE_VMF_NODE) },
	{ G(P_GENERAL, WF_INT, "VM ID", vmid), WIZ_RULE(TVE_VMF_VMID), .max_len = 9 },
	{ G(P_GENERAL, WF_STR, "Name", name), WIZ_RULE(TVE_VMF_NAME), .max_len = 63 },
	{ G(P_GENERAL, WF_BOOL, "Start at boot", onboot) },
	{ G(P_GENERAL, WF_INT, "Start/Shutdown order", startup_order), WIZ_RULE(TVE_VMF_STARTUP),
	  .empty_ok = true, .empty = -1, .max_len = 6, .unit = "empty = any" },
	{ G(P_GENERAL, WF_INT, "Startup delay", startup_up), WIZ_RULE(TVE_VMF_STARTUP),
	  .empty_ok = true, .empty = -1, .max_len = 6, .unit = "s, empty = default" },
	{ G(P_GENERAL, WF_INT, "Shutdown timeout", startup_down), WIZ_RULE(TVE_VMF_STARTUP),
	  .empty_ok = true, .empty = -1, .max_len = 6, .unit = "s, empty = default" },
	{ G(P_GENERAL, WF_STR, "Tags", tags), WIZ_RULE(TVE_VMF_TAGS), .max_len = 200,
	  .unit = "; separated" },

	{ G(P_OS, WF_ENUM, "Media", media), .opts = opts_media },
	{ G(P_OS, WF_CHOICE, "ISO image", iso), WIZ_RULE(TVE_VMF_ISO), .opts = opts_iso,
	  .shown = is_iso },
	{ G(P_OS, WF_CHOICE, "Drive", drive), WIZ_RULE(TVE_VMF_DRIVE), .opts = opts_drive,
	  .shown = is_drive },
	{ G(P_OS, WF_CUSTOM, "Guest OS type", ostype), .opts = opts_os_group, .set = set_os_group },
	{ G(P_OS, WF_ENUM, "Version", ostype), .opts = opts_os_version },
	{ G(P_OS, WF_BOOL, "Add VirtIO drivers ISO", virtio_iso_add), .shown = is_windows },
	{ G(P_OS, WF_CHOICE, "VirtIO drivers ISO", virtio_iso), WIZ_RULE(TVE_VMF_VIRTIO_ISO),
	  .opts = opts_iso, .shown = virtio_iso_shown },

	{ G(P_SYSTEM, WF_ENUM, "Graphic card", graphics), WIZ_RULE(TVE_VMF_GRAPHICS), .opts = opts_gfx },
	{ G(P_SYSTEM, WF_CHOICE, "Machine", machine), WIZ_RULE(TVE_VMF_MACHINE), .opts = opts_machine },
	{ G(P_SYSTEM, WF_ENUM, "BIOS", bios), WIZ_RULE(TVE_VMF_BIOS), .opts = opts_bios },
	{ G(P_SYSTEM, WF_CHOICE, "EFI storage", efi_pool), WIZ_RULE(TVE_VMF_EFI_POOL),
	  .opts = opts_pool_default, .shown = is_ovmf },
	{ G(P_SYSTEM, WF_BOOL, "Pre-Enroll keys", efi_keys), WIZ_RULE(TVE_VMF_BIOS), .shown = is_ovmf,
	  .off_why = no_secure_boot },
	{ G(P_SYSTEM, WF_ENUM, "SCSI Controller", scsihw), .opts = opts_scsihw },
	{ G(P_SYSTEM, WF_BOOL, "Qemu Agent", agent) },
	{ G(P_SYSTEM, WF_BOOL, "Add TPM", tpm), WIZ_RULE(TVE_VMF_TPM), .off_why = no_tpm },
	{ G(P_SYSTEM, WF_CHOICE, "TPM storage", tpm_pool), WIZ_RULE(TVE_VMF_TPM),
	  .opts = opts_pool_default, .shown = has_tpm },

	{ .page = P_DISKS, .type = WF_ITEMS, .label = "Disks" },
	{ D(WF_ENUM, "Bus/Device", bus), WIZ_RULE(TVE_VMF_DISK_BUS), .opts = opts_bus },
	{ D(WF_INT, "Device number", index), WIZ_RULE(TVE_VMF_DISK_BUS), .max_len = 2 },
	{ D(WF_CHOICE, "Storage", pool), WIZ_RULE(TVE_VMF_DISK_POOL), .opts = opts_pool },
	{ D(WF_SIZE, "Disk size", size), WIZ_RULE(TVE_VMF_DISK_SIZE), .max_len = 12, .unit = "GiB" },
	{ D(WF_ENUM, "Format", format), WIZ_RULE(TVE_VMF_DISK_FORMAT), .opts = opts_format },
	{ D(WF_ENUM, "Cache", cache), WIZ_RULE(TVE_VMF_DISK_OPTS), .opts = opts_cache },
	{ D(WF_BOOL, "Discard", discard), WIZ_RULE(TVE_VMF_DISK_OPTS) },
	{ D(WF_BOOL, "SSD emulation", ssd), WIZ_RULE(TVE_VMF_DISK_OPTS) },
	{ D(WF_BOOL, "IO thread", iothread), WIZ_RULE(TVE_VMF_DISK_OPTS), .off_why = no_iothreads },
	{ D(WF_ENUM, "Async IO", aio), WIZ_RULE(TVE_VMF_DISK_OPTS), .opts = opts_aio },
	{ D(WF_BOOL, "Read-only", readonly), WIZ_RULE(TVE_VMF_DISK_OPTS) },
	{ D(WF_BOOL, "Backup", backup) },

	{ G(P_CPU, WF_UINT, "Sockets", sockets), WIZ_RULE(TVE_VMF_SOCKETS), .max_len = 3 },
	{ G(P_CPU, WF_UINT, "Cores", cores), WIZ_RULE(TVE_VMF_CORES), .max_len = 4 },
	{ G(P_CPU, WF_CHOICE, "Type", cpu_type), WIZ_RULE(TVE_VMF_CPU_TYPE), .opts = opts_cpu_type },
	{ G(P_CPU, WF_BOOL, "Enable NUMA", numa) },
	{ G(P_CPU, WF_DOUBLE, "CPU limit", cpulimit), WIZ_RULE(TVE_VMF_CPULIMIT), .empty_ok = true,
	  .max_len = 8, .unit = "CPUs, empty = unlimited" },
	{ G(P_CPU, WF_UINT, "CPU units", cpuunits), WIZ_RULE(TVE_VMF_CPUUNITS), .empty_ok = true,
	  .max_len = 6, .unit = "empty = default" },

	{ G(P_MEMORY, WF_MIB, "Memory", memory_mib), WIZ_RULE(TVE_VMF_MEMORY), .max_len = 10,
	  .unit = "MiB" },
	{ G(P_MEMORY, WF_MIB, "Minimum memory", min_memory_mib), WIZ_RULE(TVE_VMF_MIN_MEMORY),
	  .empty_ok = true, .max_len = 10, .unit = "MiB, empty = same", .shown = has_balloon },
	{ G(P_MEMORY, WF_BOOL, "Ballooning Device", balloon) },

	{ G(P_NETWORK, WF_ENUM, "Network", net), .opts = opts_net },
	{ G(P_NETWORK, WF_CHOICE, "Bridge/Network", net_source), WIZ_RULE(TVE_VMF_NET_SOURCE),
	  .opts = opts_net_source, .shown = has_net },
	{ G(P_NETWORK, WF_INT, "VLAN Tag", vlan), WIZ_RULE(TVE_VMF_VLAN), .empty_ok = true,
	  .max_len = 4, .unit = "empty = none", .shown = has_net },
	{ G(P_NETWORK, WF_ENUM, "Model", nic_model), .opts = opts_nic, .shown = has_net },
	{ G(P_NETWORK, WF_STR, "MAC address", mac), WIZ_RULE(TVE_VMF_MAC), .max_len = 17,
	  .unit = "empty = auto", .shown = has_net },
	{ G(P_NETWORK, WF_BOOL, "Firewall", firewall), .shown = has_net },
	{ G(P_NETWORK, WF_UINT, "Multiqueue", queues), WIZ_RULE(TVE_VMF_QUEUES), .empty_ok = true,
	  .max_len = 2, .unit = "empty = off", .shown = has_net },
	{ G(P_NETWORK, WF_DOUBLE, "Rate limit", rate_mbps), WIZ_RULE(TVE_VMF_RATE), .empty_ok = true,
	  .max_len = 8, .unit = "MB/s, empty = unlimited", .shown = has_net },

	{ .page = P_CONFIRM, .type = WF_SUMMARY, .label = "Summary" },
	{ G(P_CONFIRM, WF_BOOL, "Start after created", start_after) },
};

/* ---- the kind ---------------------------------------------------------------- */

static void defaults(void *s, const struct tve_create_ctx *ctx)
{
	tve_vm_spec_defaults(s, ctx);
}

static void spec_clear(void *s)
{
	tve_vm_spec_clear(s);
}

static char *check(const void *s, const struct tve_create_ctx *ctx, int rule, size_t item)
{
	return tve_vm_check(s, ctx, (enum tve_vm_field)rule, item);
}

static int check_page(const void *s, const struct tve_create_ctx *ctx, int page, char **err)
{
	return tve_vm_check_page(s, ctx, page, err);
}

static char **summary(const void *s)
{
	return tve_vm_summary(s);
}

/* The XML of the spec as it will be created: with its volumes named. */
static char *xml(const void *s, const struct tve_create_ctx *ctx, char **err)
{
	struct tve_vm_spec t;
	char *x = NULL;

	memset(&t, 0, sizeof(t));
	tve_vm_spec_copy(&t, s);
	if (tve_vm_spec_plan(&t, ctx, err) == 0)
		x = tve_vm_domain_xml(&t, ctx, err);
	tve_vm_spec_clear(&t);
	return x;
}

static int create(struct tve_backend *b, size_t node, const void *s, char **task_id, char **err)
{
	return tve_backend_create_vm(b, node, s, task_id, err);
}

static int vmid(const void *s)
{
	return ((const struct tve_vm_spec *)s)->vmid;
}

static size_t n_disks(const void *s)
{
	return ((const struct tve_vm_spec *)s)->n_disks;
}

static void *disk_at(void *s, size_t i)
{
	return &((struct tve_vm_spec *)s)->disks[i];
}

static char *disk_label(const void *s, size_t i)
{
	const struct tve_vm_disk *d = &((const struct tve_vm_spec *)s)->disks[i];

	return tve_xasprintf("%s%d", tve_bus_name(d->bus), d->index);
}

static void add_disk(void *s, const struct tve_create_ctx *ctx)
{
	(void)ctx;
	tve_vm_spec_add_disk(s);
}

static void remove_disk(void *s, size_t i)
{
	tve_vm_spec_remove_disk(s, i);
}

static void swap_str(char **a, char **b)
{
	char *t = *a;

	*a = *b;
	*b = t;
}

/* On another node, what it does not have (storage, ISO, bridge, machine,
 * CPU model) becomes what a new VM there would get. */
static void node_changed(struct wiz *w)
{
	static const struct { enum tve_vm_field f; size_t off; } strs[] = {
		{ TVE_VMF_ISO, VM(iso) }, { TVE_VMF_VIRTIO_ISO, VM(virtio_iso) },
		{ TVE_VMF_MACHINE, VM(machine) }, { TVE_VMF_CPU_TYPE, VM(cpu_type) },
		{ TVE_VMF_EFI_POOL, VM(efi_pool) }, { TVE_VMF_TPM, VM(tpm_pool) },
	};
	struct tve_vm_spec *s = vm(w), def;
	char *m;

	tve_vm_spec_defaults(&def, &w->ctx);
	for (size_t i = 0; i < TVE_ARRAY_SIZE(strs); i++) {
		if ((m = tve_vm_check(s, &w->ctx, strs[i].f, 0)))
			swap_str((char **)(void *)((char *)s + strs[i].off),
				 (char **)(void *)((char *)&def + strs[i].off));
		free(m);
	}
	if ((m = tve_vm_check(s, &w->ctx, TVE_VMF_NET_SOURCE, 0))) {
		s->net = def.net;
		swap_str(&s->net_source, &def.net_source);
	}
	free(m);
	for (size_t i = 0; def.n_disks && i < s->n_disks; i++) {
		if ((m = tve_vm_check(s, &w->ctx, TVE_VMF_DISK_POOL, i))) {
			free(s->disks[i].pool);
			s->disks[i].pool = tve_xstrdup(def.disks[0].pool);
			s->disks[i].format = def.disks[0].format;
		}
		free(m);
	}
	tve_vm_spec_clear(&def);
}

/* The OS type suggests the later pages' values, as in the web UI. */
static void changed(struct wiz *w, const struct wf *d)
{
	if (d->type == WF_NODE)
		node_changed(w);
	else if (!d->item && d->off == VM(ostype))
		tve_vm_spec_apply_ostype(w->spec, &w->ctx);
}

static const struct wiz_kind kind = {
	.title = "Create: Virtual Machine",
	.what = "VM",
	.pages = pages,
	.n_pages = P__COUNT,
	.fields = fields,
	.n_fields = TVE_ARRAY_SIZE(fields),
	.spec_size = sizeof(struct tve_vm_spec),
	.defaults = defaults,
	.clear_spec = spec_clear,
	.check = check,
	.check_page = check_page,
	.summary = summary,
	.xml = xml,
	.create = create,
	.vmid = vmid,
	.n_items = n_disks,
	.item = disk_at,
	.item_label = disk_label,
	.add_item = add_disk,
	.remove_item = remove_disk,
	.changed = changed,
};

void wizard_vm_open(struct app *a, size_t node)
{
	wiz_open(a, &kind, node);
}
