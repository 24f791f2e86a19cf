/* spec_vm_xml.c - the libvirt XML a Create VM spec becomes: the <domain>
 * and the disks' <volume>s.  Built as text; every value is escaped. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "spec.h"
#include "spec_vm_priv.h"
#include "xmlbuf.h"
#include "util.h"

/* ---- device names --------------------------------------------------------- */

/* libvirt's disk name suffix: 0 a, 25 z, 26 aa, ... */
static void disk_letters(char *out, size_t len, int i)
{
	char tmp[8];
	size_t n = 0;

	do {
		tmp[n++] = (char)('a' + i % 26);
		i = i / 26 - 1;
	} while (i >= 0 && n < sizeof(tmp));
	for (size_t k = 0; k < n && k + 1 < len; k++)
		out[k] = tmp[n - 1 - k];
	out[n < len ? n : len - 1] = 0;
}

/* Every drive of the VM by bus and index: the disks, then the CD drives. */
struct slot {
	enum tve_bus bus;
	int index;
};

struct gen {
	const struct tve_vm_spec *s;
	const struct tve_snapshot *n;
	const struct tve_node_caps *c;
	struct tve_xb b;
	bool test, kvm, q35, windows;
	struct spec_vm_cd cd[2];
	size_t ncd;
	struct slot slots[64];
	size_t nslots;
	unsigned iothreads;
};

/* The target dev of (bus, index): vdX for VirtIO, hdX for IDE, and sdX
 * numbered over SCSI then SATA so the two never clash. */
static void dev_name(const struct gen *g, enum tve_bus bus, int index, char *out, size_t len)
{
	int ord = 0;
	char l[8];

	if (bus == TVE_BUS_VIRTIO || bus == TVE_BUS_IDE) {
		disk_letters(l, sizeof(l), index);
		snprintf(out, len, "%s%s", bus == TVE_BUS_VIRTIO ? "vd" : "hd", l);
		return;
	}
	for (size_t i = 0; i < g->nslots; i++) {
		const struct slot *o = &g->slots[i];
		if ((o->bus == TVE_BUS_SCSI || o->bus == TVE_BUS_SATA) &&
		    (o->bus < bus || (o->bus == bus && o->index < index)))
			ord++;
	}
	disk_letters(l, sizeof(l), ord);
	snprintf(out, len, "sd%s", l);
}

/* ---- pieces --------------------------------------------------------------- */

static void put_metadata(struct gen *g)
{
	const struct tve_vm_spec *s = g->s;
	struct tve_xb *b = &g->b;

	tve_xb_printf(b, "  <metadata>\n    <%s:guest xmlns:%s='%s'>\n", TVE_METADATA_PREFIX, TVE_METADATA_PREFIX,
	   TVE_METADATA_NS);
	tve_xb_printf(b, "      <tve:vmid>%d</tve:vmid>\n", s->vmid);
	if (s->tags && *s->tags) {
		char *t = spec_vm_tags_joined(s->tags);
		tve_xb_printf(b, "      <tve:tags>%s</tve:tags>\n", t);
		free(t);
	}
	tve_xb_printf(b, "      <tve:ostype>%s</tve:ostype>\n", tve_ostype_name(s->ostype));
	if (s->startup_order >= 0 || s->startup_up >= 0 || s->startup_down >= 0) {
		tve_xb_printf(b, "      <tve:startup");
		if (s->startup_order >= 0)
			tve_xb_printf(b, " order='%d'", s->startup_order);
		if (s->startup_up >= 0)
			tve_xb_printf(b, " up='%d'", s->startup_up);
		if (s->startup_down >= 0)
			tve_xb_printf(b, " down='%d'", s->startup_down);
		tve_xb_printf(b, "/>\n");
	}
	if (s->balloon && s->min_memory_mib)
		tve_xb_printf(b, "      <tve:minmemory unit='MiB'>%llu</tve:minmemory>\n", s->min_memory_mib);
	for (size_t i = 0; i < s->n_disks; i++) {
		char dev[16];
		const struct tve_vm_disk *d = &s->disks[i];
		dev_name(g, d->bus, d->index, dev, sizeof(dev));
		tve_xb_printf(b, "      <tve:disk name='%s%d' dev='%s' backup='%d'/>\n", tve_bus_name(d->bus), d->index,
		   dev, d->backup);
	}
	if (s->net != TVE_NET_NONE)
		tve_xb_printf(b, "      <tve:nic name='net0' firewall='%d'/>\n", s->firewall);
	tve_xb_printf(b, "    </tve:guest>\n  </metadata>\n");
}

static void put_cpu(struct gen *g)
{
	const struct tve_vm_spec *s = g->s;
	struct tve_xb *b = &g->b;
	const char *base = NULL;
	const char *const *feat = spec_vm_cpu_family(s->cpu_type, &base);

	if (g->test)
		tve_xb_printf(b, "  <cpu>\n");
	else if (strcmp(s->cpu_type, "host") == 0)
		tve_xb_printf(b, "  <cpu mode='host-passthrough' check='none' migratable='on'>\n");
	else
		tve_xb_printf(b, "  <cpu mode='custom' match='exact' check='none'>\n"
		      "    <model fallback='forbid'>%s</model>\n", feat ? base : s->cpu_type);
	tve_xb_printf(b, "    <topology sockets='%u' cores='%u' threads='1'/>\n", s->sockets, s->cores);
	for (size_t i = 0; feat && !g->test && feat[i]; i++)
		tve_xb_printf(b, "    <feature policy='require' name='%s'/>\n", feat[i]);
	if (s->numa) {
		unsigned long long per = s->memory_mib / s->sockets;
		tve_xb_printf(b, "    <numa>\n");
		for (unsigned i = 0; i < s->sockets; i++) {
			unsigned first = i * s->cores, last = first + s->cores - 1;
			unsigned long long mib = i + 1 < s->sockets ? per : s->memory_mib - per * (s->sockets - 1);
			char cpus[32];
			if (first == last)
				snprintf(cpus, sizeof(cpus), "%u", first);
			else
				snprintf(cpus, sizeof(cpus), "%u-%u", first, last);
			tve_xb_printf(b, "      <cell id='%u' cpus='%s' memory='%llu' unit='MiB'/>\n", i, cpus, mib);
		}
		tve_xb_printf(b, "    </numa>\n");
	}
	tve_xb_printf(b, "  </cpu>\n");
}

/* cgroup v2's cpu.weight, which libvirt writes <shares> to, stops at 10000. */
#define CPU_WEIGHT_MAX 10000U

static void put_cputune(struct gen *g)
{
	const struct tve_vm_spec *s = g->s;

	if (g->test || (s->cpulimit <= 0 && s->cpuunits == 0))
		return;
	tve_xb_printf(&g->b, "  <cputune>\n");
	if (s->cpuunits)
		tve_xb_printf(&g->b, "    <shares>%u</shares>\n", s->cpuunits < CPU_WEIGHT_MAX ? s->cpuunits : CPU_WEIGHT_MAX);
	if (s->cpulimit > 0)
		tve_xb_printf(&g->b, "    <global_period>100000</global_period>\n"
			  "    <global_quota>%lld</global_quota>\n", (long long)(s->cpulimit * 100000 + 0.5));
	tve_xb_printf(&g->b, "  </cputune>\n");
}

static void put_os(struct gen *g)
{
	const struct tve_vm_spec *s = g->s;
	struct tve_xb *b = &g->b;
	bool efi = s->bios == TVE_BIOS_OVMF && !g->test;

	tve_xb_printf(b, efi ? "  <os firmware='efi'>\n" : "  <os>\n");
	tve_xb_printf(b, "    <type arch='%s' machine='%s'>hvm</type>\n",
	   g->c && g->c->arch ? g->c->arch : "x86_64", s->machine);
	if (efi) {
		const struct tve_pool *p = s->efi_pool ? tve_snapshot_find_pool(g->n, s->efi_pool) : NULL;
		tve_xb_printf(b, "    <firmware>\n"
		      "      <feature enabled='%s' name='enrolled-keys'/>\n"
		      "      <feature enabled='%s' name='secure-boot'/>\n"
		      "    </firmware>\n", s->efi_keys ? "yes" : "no", s->efi_keys ? "yes" : "no");
		/* on a directory storage when one is given, else where libvirt keeps them */
		if (p && p->path && tve_pool_allows_format(p->type, TVE_FMT_QCOW2))
			tve_xb_printf(b, "    <nvram>%s/vm-%d-efivars.fd</nvram>\n", p->path, s->vmid);
	}
	if (s->graphics == TVE_GFX_SERIAL && s->bios == TVE_BIOS_SEABIOS && !g->test)
		tve_xb_printf(b, "    <bios useserial='yes'/>\n");
	tve_xb_printf(b, "  </os>\n");
}

static void put_features(struct gen *g)
{
	struct tve_xb *b = &g->b;

	tve_xb_printf(b, "  <features>\n    <acpi/>\n    <apic/>\n");
	/* Hyper-V enlightenments need KVM */
	if (g->windows && g->kvm)
		tve_xb_printf(b, "    <hyperv mode='custom'>\n"
		      "      <relaxed state='on'/>\n      <vapic state='on'/>\n"
		      "      <spinlocks state='on' retries='8191'/>\n      <vpindex state='on'/>\n"
		      "      <runtime state='on'/>\n      <synic state='on'/>\n"
		      "      <stimer state='on'/>\n      <reset state='on'/>\n"
		      "      <frequencies state='on'/>\n    </hyperv>\n");
	if (g->s->bios == TVE_BIOS_OVMF && g->q35 && !g->test)
		tve_xb_printf(b, "    <smm state='on'/>\n");
	tve_xb_printf(b, "  </features>\n");
}

static void put_clock(struct gen *g)
{
	struct tve_xb *b = &g->b;

	/* Windows keeps the hardware clock in local time */
	tve_xb_printf(b, "  <clock offset='%s'>\n", g->windows ? "localtime" : "utc");
	tve_xb_printf(b, "    <timer name='rtc' tickpolicy='catchup'/>\n"
	      "    <timer name='pit' tickpolicy='delay'/>\n"
	      "    <timer name='hpet' present='no'/>\n");
	if (g->windows && g->kvm)
		tve_xb_printf(b, "    <timer name='hypervclock' present='yes'/>\n");
	tve_xb_printf(b, "  </clock>\n");
}

/* SCSI: Proxmox puts 7 disks on an LSI controller, any number on the
 * others, and one per disk on "VirtIO SCSI single". */
static void scsi_address(const struct tve_vm_spec *s, int index, int *ctrl, int *target, int *unit)
{
	*ctrl = *target = *unit = 0;
	if (s->scsihw == TVE_SCSIHW_VIRTIO_SINGLE)
		*ctrl = index;
	else if (s->scsihw == TVE_SCSIHW_LSI) {
		*ctrl = index / 7;
		*unit = index % 7;
	} else
		*target = index;
}

static void put_address(struct gen *g, enum tve_bus bus, int index)
{
	int ctrl = 0, bs = 0, target = 0, unit = index;

	if (bus == TVE_BUS_VIRTIO)
		return;
	if (bus == TVE_BUS_SCSI)
		scsi_address(g->s, index, &ctrl, &target, &unit);
	else if (bus == TVE_BUS_IDE) {
		bs = index / 2;
		unit = index % 2;
	}
	tve_xb_printf(&g->b, "      <address type='drive' controller='%d' bus='%d' target='%d' unit='%d'/>\n",
	   ctrl, bs, target, unit);
}

static void put_disk(struct gen *g, size_t i, int boot)
{
	const struct tve_vm_disk *d = &g->s->disks[i];
	struct tve_xb *b = &g->b;
	char dev[16];

	dev_name(g, d->bus, d->index, dev, sizeof(dev));
	tve_xb_printf(b, "    <disk type='volume' device='disk'>\n");
	tve_xb_printf(b, "      <driver name='qemu' type='%s'", tve_vol_format_name(d->format));
	if (d->cache != TVE_CACHE_DEFAULT)
		tve_xb_printf(b, " cache='%s'", tve_cache_name(d->cache));
	if (d->aio != TVE_AIO_DEFAULT)
		tve_xb_printf(b, " io='%s'", tve_aio_name(d->aio));
	if (d->discard)
		tve_xb_printf(b, " discard='unmap'");
	if (d->iothread && d->bus == TVE_BUS_VIRTIO && !g->test)
		tve_xb_printf(b, " iothread='%u'", ++g->iothreads);
	tve_xb_printf(b, "/>\n      <source pool='%s' volume='%s'/>\n", d->pool, d->volume);
	tve_xb_printf(b, "      <target dev='%s' bus='%s'", dev, tve_bus_name(d->bus));
	tve_xb_printf(b, d->ssd ? " rotation_rate='1'/>\n" : "/>\n");
	if (d->readonly)
		tve_xb_printf(b, "      <readonly/>\n");
	if (boot)
		tve_xb_printf(b, "      <boot order='%d'/>\n", boot);
	put_address(g, d->bus, d->index);
	tve_xb_printf(b, "    </disk>\n");
}

static void put_cd(struct gen *g, const struct spec_vm_cd *cd, int boot)
{
	struct tve_xb *b = &g->b;
	char dev[16];
	size_t plen = 0;
	const char *vol = spec_vm_volid_split(cd->volid, &plen);

	dev_name(g, cd->bus, cd->index, dev, sizeof(dev));
	if (vol) {
		char *pool = tve_xasprintf("%.*s", (int)plen, cd->volid);
		tve_xb_printf(b, "    <disk type='volume' device='cdrom'>\n"
		      "      <driver name='qemu' type='raw'/>\n"
		      "      <source pool='%s' volume='%s'/>\n", pool, vol);
		free(pool);
	} else {
		tve_xb_printf(b, "    <disk type='block' device='cdrom'>\n"
		      "      <driver name='qemu' type='raw'/>\n"
		      "      <source dev='%s'/>\n", cd->drive);
	}
	tve_xb_printf(b, "      <target dev='%s' bus='%s'/>\n      <readonly/>\n", dev, tve_bus_name(cd->bus));
	if (boot)
		tve_xb_printf(b, "      <boot order='%d'/>\n", boot);
	put_address(g, cd->bus, cd->index);
	tve_xb_printf(b, "    </disk>\n");
}

static const char *scsi_model(enum tve_scsihw h)
{
	static const char *const m[TVE_SCSIHW__COUNT] = {
		"virtio-scsi", "virtio-scsi", "lsilogic", "lsisas1078", "vmpvscsi",
	};
	return m[h];
}

/* One controller per index the SCSI disks use; an IO thread on it when
 * one of its disks asks for one (VirtIO SCSI only). */
static void put_scsi_controllers(struct gen *g)
{
	const struct tve_vm_spec *s = g->s;
	bool virtio = s->scsihw == TVE_SCSIHW_VIRTIO || s->scsihw == TVE_SCSIHW_VIRTIO_SINGLE;

	for (int ctrl = 0; ctrl <= tve_bus_max_index(TVE_BUS_SCSI); ctrl++) {
		bool used = false, io = false;
		for (size_t i = 0; i < s->n_disks; i++) {
			int c, t, u;
			if (s->disks[i].bus != TVE_BUS_SCSI)
				continue;
			scsi_address(s, s->disks[i].index, &c, &t, &u);
			if (c == ctrl) {
				used = true;
				io = io || (s->disks[i].iothread && virtio);
			}
		}
		if (!used)
			continue;
		if (io && !g->test)
			tve_xb_printf(&g->b, "    <controller type='scsi' index='%d' model='%s'>\n"
				  "      <driver iothread='%u'/>\n    </controller>\n",
			   ctrl, scsi_model(s->scsihw), ++g->iothreads);
		else
			tve_xb_printf(&g->b, "    <controller type='scsi' index='%d' model='%s'/>\n", ctrl,
			   scsi_model(s->scsihw));
	}
}

static void put_nic(struct gen *g, int boot)
{
	const struct tve_vm_spec *s = g->s;
	struct tve_xb *b = &g->b;
	bool bridge = s->net == TVE_NET_BRIDGE;

	if (s->net == TVE_NET_NONE)
		return;
	tve_xb_printf(b, "    <interface type='%s'>\n", bridge ? "bridge" : "network");
	if (s->mac && *s->mac) {
		char mac[18];
		spec_vm_mac_norm(s->mac, false, mac);
		tve_xb_printf(b, "      <mac address='%s'/>\n", mac);
	}
	tve_xb_printf(b, "      <source %s='%s'/>\n", bridge ? "bridge" : "network", s->net_source);
	if (s->vlan > 0)
		tve_xb_printf(b, "      <vlan>\n        <tag id='%d'/>\n      </vlan>\n", s->vlan);
	tve_xb_printf(b, "      <model type='%s'/>\n", tve_nic_model_name(s->nic_model));
	if (s->queues > 0 && s->nic_model == TVE_NIC_VIRTIO)
		tve_xb_printf(b, "      <driver queues='%u'/>\n", s->queues);
	if (s->rate_mbps > 0) {
		/* MB/s -> libvirt's KiB/s */
		unsigned long long kb = (unsigned long long)(s->rate_mbps * 1024 + 0.5);
		if (kb == 0)
			kb = 1;
		tve_xb_printf(b, "      <bandwidth>\n        <inbound average='%llu'/>\n"
		      "        <outbound average='%llu'/>\n      </bandwidth>\n", kb, kb);
	}
	if (boot)
		tve_xb_printf(b, "      <boot order='%d'/>\n", boot);
	tve_xb_printf(b, "    </interface>\n");
}

static void put_display(struct gen *g)
{
	static const char *const video[TVE_GFX__COUNT] = {
		"vga", "vga", "virtio", "vmvga", "qxl", "none", "none",
	};
	const struct tve_vm_spec *s = g->s;
	struct tve_xb *b = &g->b;
	enum tve_graphics gfx = s->graphics;

	if (gfx == TVE_GFX_SPICE)
		tve_xb_printf(b, "    <channel type='spicevmc'>\n"
		      "      <target type='virtio' name='com.redhat.spice.0'/>\n    </channel>\n");
	if (gfx != TVE_GFX_SERIAL && gfx != TVE_GFX_NONE) {
		tve_xb_printf(b, "    <input type='tablet' bus='usb'/>\n");
		tve_xb_printf(b, "    <graphics type='%s' autoport='yes' listen='127.0.0.1'>\n"
		      "      <listen type='address' address='127.0.0.1'/>\n    </graphics>\n",
		   gfx == TVE_GFX_SPICE ? "spice" : "vnc");
	}
	tve_xb_printf(b, "    <video>\n      <model type='%s'/>\n    </video>\n", video[gfx]);
}

static void put_devices(struct gen *g)
{
	const struct tve_vm_spec *s = g->s;
	struct tve_xb *b = &g->b;
	int boot = 0;

	tve_xb_printf(b, "  <devices>\n");
	if (g->c && g->c->emulator && !g->test)
		tve_xb_printf(b, "    <emulator>%s</emulator>\n", g->c->emulator);
	/* Proxmox's order=scsi0;ide2;net0: the first disk, the install media, the NIC */
	for (size_t i = 0; i < s->n_disks; i++)
		put_disk(g, i, i == 0 ? ++boot : 0);
	for (size_t i = 0; i < g->ncd; i++)
		put_cd(g, &g->cd[i], g->cd[i].install ? ++boot : 0);
	put_scsi_controllers(g);
	put_nic(g, s->net != TVE_NET_NONE ? ++boot : 0);
	tve_xb_printf(b, "    <serial type='pty'>\n      <target port='0'/>\n    </serial>\n"
	      "    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>\n");
	if (s->agent)
		tve_xb_printf(b, "    <channel type='unix'>\n"
		      "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n    </channel>\n");
	put_display(g);
	if (s->tpm && !g->test)
		tve_xb_printf(b, "    <tpm model='%s'>\n      <backend type='emulator' version='2.0'/>\n    </tpm>\n",
		   g->q35 ? "tpm-crb" : "tpm-tis");
	if (s->balloon)
		tve_xb_printf(b, "    <memballoon model='virtio'>\n      <stats period='5'/>\n    </memballoon>\n");
	else
		tve_xb_printf(b, "    <memballoon model='none'/>\n");
	tve_xb_printf(b, "  </devices>\n");
}

/* ---- the domain ----------------------------------------------------------- */

/* What the XML needs that the rules may not have caught. */
static int gen_init(struct gen *g, const struct tve_vm_spec *s, const struct tve_create_ctx *ctx, char **err)
{
	memset(g, 0, sizeof(*g));
	g->s = s;
	g->n = ctx ? ctx->node : NULL;
	g->c = g->n && g->n->has_caps ? &g->n->caps : NULL;
	if (!g->c || !g->c->domain_type)
		return tve_set_err(err, "the node's capabilities are not known yet");
	if (strcmp(g->c->domain_type, "lxc") == 0)
		return tve_set_err(err, "node %s runs containers, not virtual machines", g->n->node);
	g->test = strcmp(g->c->domain_type, "test") == 0;
	g->kvm = strcmp(g->c->domain_type, "kvm") == 0;
	g->q35 = spec_vm_is_q35(s->machine);
	g->windows = tve_ostype_is_windows(s->ostype);
	if (!s->machine || !*s->machine || !s->cpu_type || !*s->cpu_type || s->sockets < 1 || s->cores < 1)
		return tve_set_err(err, "the spec has no machine type, CPU type or CPUs");
	if ((unsigned)s->graphics >= TVE_GFX__COUNT || (unsigned)s->scsihw >= TVE_SCSIHW__COUNT)
		return tve_set_err(err, "unknown display or SCSI controller type");
	if (s->net != TVE_NET_NONE && (!s->net_source || !*s->net_source))
		return tve_set_err(err, "the network device has no bridge or network");
	g->ncd = spec_vm_cds(s, g->cd);
	for (size_t i = 0; i < g->ncd; i++) {
		size_t plen;
		if (!g->cd[i].drive && !spec_vm_volid_split(g->cd[i].volid, &plen))
			return tve_set_err(err, "CD/DVD image '%s' is not storage/volume",
					   g->cd[i].volid ? g->cd[i].volid : "");
		g->slots[g->nslots++] = (struct slot){ g->cd[i].bus, g->cd[i].index };
	}
	for (size_t i = 0; i < s->n_disks; i++) {
		const struct tve_vm_disk *d = &s->disks[i];
		if ((unsigned)d->bus >= TVE_BUS__COUNT || d->index < 0 || d->index > tve_bus_max_index(d->bus) ||
		    (unsigned)d->format >= TVE_FMT__COUNT || (unsigned)d->cache >= TVE_CACHE__COUNT ||
		    (unsigned)d->aio >= TVE_AIO__COUNT || g->nslots >= TVE_ARRAY_SIZE(g->slots))
			return tve_set_err(err, "disk %zu has a bus, number or option libvirt cannot take", i);
		if (!d->pool || !d->volume)
			return tve_set_err(err, "%s%d has no volume name yet (plan the spec first)",
					   tve_bus_name(d->bus), d->index);
		g->slots[g->nslots++] = (struct slot){ d->bus, d->index };
	}
	return 0;
}

char *tve_vm_domain_xml(const struct tve_vm_spec *s, const struct tve_create_ctx *ctx, char **err)
{
	struct gen g;
	struct tve_xb devs;
	char *name;

	if (gen_init(&g, s, ctx, err) < 0)
		return NULL;
	/* the devices first: they count the IO threads the head declares */
	put_devices(&g);
	devs = g.b;
	memset(&g.b, 0, sizeof(g.b));

	name = spec_vm_domain_name(s);
	tve_xb_printf(&g.b, "<domain type='%s'>\n  <name>%s</name>\n", g.c->domain_type, name);
	free(name);
	put_metadata(&g);
	tve_xb_printf(&g.b, "  <memory unit='KiB'>%llu</memory>\n", s->memory_mib * 1024);
	tve_xb_printf(&g.b, "  <currentMemory unit='KiB'>%llu</currentMemory>\n", s->memory_mib * 1024);
	tve_xb_printf(&g.b, "  <vcpu placement='static'>%u</vcpu>\n", s->sockets * s->cores);
	if (g.iothreads)
		tve_xb_printf(&g.b, "  <iothreads>%u</iothreads>\n", g.iothreads);
	put_cputune(&g);
	put_os(&g);
	put_features(&g);
	put_cpu(&g);
	put_clock(&g);
	tve_xb_printf(&g.b, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n"
		 "  <on_crash>destroy</on_crash>\n");
	tve_xb_add(&g.b, devs.s, devs.len);
	free(devs.s);
	tve_xb_printf(&g.b, "</domain>\n");
	return g.b.s;
}

char *tve_vm_volume_xml(const struct tve_vm_spec *s, size_t i, const char *pool_type)
{
	const struct tve_vm_disk *d;
	struct tve_xb b = { 0 };
	bool file = tve_pool_allows_format(pool_type, TVE_FMT_QCOW2);

	if (i >= s->n_disks || !s->disks[i].volume)
		return NULL;
	d = &s->disks[i];
	tve_xb_printf(&b, "<volume>\n  <name>%s</name>\n  <capacity unit='bytes'>%llu</capacity>\n", d->volume, d->size);
	/* thin on file pools; block pools (LVM...) allocate it all and take
	 * no format (the schema still wants a <target>) */
	if (file)
		tve_xb_printf(&b, "  <allocation unit='bytes'>0</allocation>\n"
		       "  <target>\n    <format type='%s'/>\n  </target>\n", tve_vol_format_name(d->format));
	else
		tve_xb_printf(&b, "  <target/>\n");
	tve_xb_printf(&b, "</volume>\n");
	return b.s;
}
