/* spec_vm_summary.c - the Create VM confirm page: the spec as the
 * "key: value" lines Proxmox's web UI shows, sorted by key. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "spec_vm_priv.h"
#include "task.h"
#include "spec_priv.h"
#include "util.h"

#define GiB (1024ULL * 1024 * 1024)


/* Proxmox's "local:32": the size in GiB, else with a unit. */
static char *disk_size(unsigned long long b)
{
	if (b % GiB == 0)
		return tve_xasprintf("%llu", b / GiB);
	if (b % (1024 * 1024) == 0)
		return tve_xasprintf("%lluM", b / (1024 * 1024));
	return tve_xasprintf("%lluB", b);
}

static void add_disk_line(struct spec_lines *l, const struct tve_vm_disk *d)
{
	char key[32], *size = disk_size(d->size);

	snprintf(key, sizeof(key), "%s%d", tve_bus_name(d->bus), d->index);
	spec_lines_add(l, key, "%s:%s%s%s%s%s%s%s,format=%s%s%s%s", d->pool ? d->pool : "?", size,
	    d->aio != TVE_AIO_DEFAULT ? ",aio=" : "", d->aio != TVE_AIO_DEFAULT ? tve_aio_name(d->aio) : "",
	    d->backup ? "" : ",backup=0",
	    d->cache != TVE_CACHE_DEFAULT ? ",cache=" : "",
	    d->cache != TVE_CACHE_DEFAULT ? tve_cache_name(d->cache) : "",
	    d->discard ? ",discard=on" : "", tve_vol_format_name(d->format),
	    d->iothread ? ",iothread=on" : "", d->readonly ? ",ro=1" : "", d->ssd ? ",ssd=1" : "");
	free(size);
}

static void add_cd_lines(struct spec_lines *l, const struct tve_vm_spec *s)
{
	struct spec_vm_cd cd[2];
	size_t n = spec_vm_cds(s, cd), plen;

	for (size_t i = 0; i < n; i++) {
		char key[32];
		const char *vol = spec_vm_volid_split(cd[i].volid, &plen);

		snprintf(key, sizeof(key), "%s%d", tve_bus_name(cd[i].bus), cd[i].index);
		if (vol)
			spec_lines_add(l, key, "%.*s:iso/%s,media=cdrom", (int)plen, cd[i].volid, vol);
		else
			spec_lines_add(l, key, "%s,media=cdrom", cd[i].drive ? cd[i].drive : cd[i].volid ? cd[i].volid : "none");
	}
}

static void add_boot_line(struct spec_lines *l, const struct tve_vm_spec *s)
{
	struct spec_vm_cd cd[2];
	size_t n = spec_vm_cds(s, cd);
	char *order = tve_xstrdup("");

	for (size_t step = 0; step < 3; step++) {
		char *item = NULL, *o;
		if (step == 0 && s->n_disks)
			item = tve_xasprintf("%s%d", tve_bus_name(s->disks[0].bus), s->disks[0].index);
		else if (step == 1 && n && cd[0].install)
			item = tve_xasprintf("%s%d", tve_bus_name(cd[0].bus), cd[0].index);
		else if (step == 2 && s->net != TVE_NET_NONE)
			item = tve_xstrdup("net0");
		if (!item)
			continue;
		o = tve_xasprintf("%s%s%s", order, *order ? ";" : "", item);
		free(order);
		free(item);
		order = o;
	}
	if (*order)
		spec_lines_add(l, "boot", "order=%s", order);
	free(order);
}

static void add_net_line(struct spec_lines *l, const struct tve_vm_spec *s)
{
	char *q = s->queues ? tve_xasprintf(",queues=%u", s->queues) : tve_xstrdup("");
	char *r = s->rate_mbps > 0 ? tve_xasprintf(",rate=%g", s->rate_mbps) : tve_xstrdup("");
	char *t = s->vlan > 0 ? tve_xasprintf(",tag=%d", s->vlan) : tve_xstrdup("");
	bool has_mac = s->mac && *s->mac;
	char mac[18];

	spec_vm_mac_norm(s->mac, true, mac);
	if (s->net == TVE_NET_NONE)
		goto out;
	spec_lines_add(l, "net0", "%s%s%s,%s=%s%s%s%s%s", tve_nic_model_name(s->nic_model), has_mac ? "=" : "",
	    has_mac ? mac : "", s->net == TVE_NET_BRIDGE ? "bridge" : "network",
	    s->net_source ? s->net_source : "?", s->firewall ? ",firewall=1" : "", q, r, t);
out:
	free(q);
	free(r);
	free(t);
}

static void add_startup_line(struct spec_lines *l, const struct tve_vm_spec *s)
{
	char buf[96] = "";
	size_t n = 0;

	if (s->startup_order >= 0)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",order=%d", s->startup_order);
	if (s->startup_up >= 0)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, ",up=%d", s->startup_up);
	if (s->startup_down >= 0)
		snprintf(buf + n, sizeof(buf) - n, ",down=%d", s->startup_down);
	if (*buf)
		spec_lines_add(l, "startup", "%s", buf + 1);
}

static void add_system_lines(struct spec_lines *l, const struct tve_vm_spec *s)
{
	static const char *const vga[TVE_GFX__COUNT] = {
		NULL, "std", "virtio", "vmware", "qxl", "serial0", "none",
	};

	if (s->agent)
		spec_lines_add(l, "agent", "1");
	if (s->bios == TVE_BIOS_OVMF) {
		spec_lines_add(l, "bios", "ovmf");
		spec_lines_add(l, "efidisk0", "%s,efitype=4m,pre-enrolled-keys=%d",
		    s->efi_pool && *s->efi_pool ? s->efi_pool : "default", s->efi_keys);
	}
	if (s->machine && strcmp(s->machine, "pc") != 0)
		spec_lines_add(l, "machine", "%s", s->machine);
	spec_lines_add(l, "scsihw", "%s", spec_vm_scsihw_name(s->scsihw));
	spec_lines_add(l, "serial0", "socket");
	if (s->tpm)
		spec_lines_add(l, "tpmstate0", "%s,version=v2.0", s->tpm_pool && *s->tpm_pool ? s->tpm_pool : "default");
	if ((unsigned)s->graphics < TVE_GFX__COUNT && vga[s->graphics])
		spec_lines_add(l, "vga", "%s", vga[s->graphics]);
}

char **tve_vm_summary(const struct tve_vm_spec *s)
{
	struct spec_lines l = { 0 };

	spec_lines_add(&l, "vmid", "%d", s->vmid);
	spec_lines_add(&l, "nodename", "%s", s->node ? s->node : "?");
	if (s->name && *s->name)
		spec_lines_add(&l, "name", "%s", s->name);
	if (s->onboot)
		spec_lines_add(&l, "onboot", "1");
	add_startup_line(&l, s);
	if (s->tags && *s->tags) {
		char *t = spec_vm_tags_joined(s->tags);
		if (*t)
			spec_lines_add(&l, "tags", "%s", t);
		free(t);
	}
	spec_lines_add(&l, "ostype", "%s", tve_ostype_name(s->ostype));
	add_cd_lines(&l, s);
	add_system_lines(&l, s);
	for (size_t i = 0; i < s->n_disks; i++)
		add_disk_line(&l, &s->disks[i]);
	spec_lines_add(&l, "sockets", "%u", s->sockets);
	spec_lines_add(&l, "cores", "%u", s->cores);
	spec_lines_add(&l, "cpu", "%s", s->cpu_type ? s->cpu_type : "?");
	spec_lines_add(&l, "numa", "%d", s->numa);
	if (s->cpulimit > 0)
		spec_lines_add(&l, "cpulimit", "%g", s->cpulimit);
	if (s->cpuunits)
		spec_lines_add(&l, "cpuunits", "%u", s->cpuunits);
	spec_lines_add(&l, "memory", "%llu", s->memory_mib);
	if (!s->balloon)
		spec_lines_add(&l, "balloon", "0");
	else if (s->min_memory_mib)
		spec_lines_add(&l, "balloon", "%llu", s->min_memory_mib);
	add_net_line(&l, s);
	add_boot_line(&l, s);
	if (s->start_after)
		spec_lines_add(&l, "start", "1");
	return spec_lines_sorted(&l);
}
