/* model.c - snapshots: names, building, sorting, copying and diffing. */
#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* One table gives each state its word and its symbol. */
static const struct {
	const char *name;
	char symbol;
} state_info[] = {
	[TVE_STATE_UNKNOWN] = { "unknown", '?' },
	[TVE_STATE_RUNNING] = { "running", 'R' },
	[TVE_STATE_BLOCKED] = { "blocked", 'B' },
	[TVE_STATE_PAUSED] = { "paused", 'P' },
	[TVE_STATE_SHUTDOWN] = { "shutting down", 'D' },
	[TVE_STATE_STOPPED] = { "stopped", 'S' },
	[TVE_STATE_CRASHED] = { "crashed", 'C' },
	[TVE_STATE_SUSPENDED] = { "suspended", 'Z' },
};

const char *tve_guest_state_name(enum tve_guest_state s)
{
	if ((size_t)s >= TVE_ARRAY_SIZE(state_info))
		s = TVE_STATE_UNKNOWN;
	return state_info[s].name;
}

char tve_guest_state_symbol(enum tve_guest_state s)
{
	if ((size_t)s >= TVE_ARRAY_SIZE(state_info))
		s = TVE_STATE_UNKNOWN;
	return state_info[s].symbol;
}

const char *tve_guest_type_name(enum tve_guest_type t)
{
	return t == TVE_GUEST_CT ? "CT" : "VM";
}

const char *tve_node_state_name(enum tve_node_state s)
{
	switch (s) {
	case TVE_NODE_CONNECTING:
		return "connecting";
	case TVE_NODE_ONLINE:
		return "online";
	case TVE_NODE_OFFLINE:
		return "offline";
	}
	return "unknown";
}

/* Arrays carry no capacity field, so capacity follows from the count:
 * 4 slots, then the next power of two.  Every allocation of these arrays
 * (add_* and the deep copies) must use array_cap() so adding to a copy
 * stays safe. */
static size_t array_cap(size_t n)
{
	size_t cap = 4;

	while (cap < n)
		cap *= 2;
	return cap;
}

static void *array_grow(void *arr, size_t n, size_t size)
{
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0))
		arr = tve_xreallocarray(arr, array_cap(n + 1), size);
	return arr;
}

/* Appends a zeroed element to arr (with count n) and yields its address. */
#define ARRAY_ADD(arr, n)                                                                      \
	((arr) = array_grow((arr), (n), sizeof(*(arr))),                                       \
	 memset(&(arr)[(n)++], 0, sizeof(*(arr))))

static void *array_alloc(size_t n, size_t size)
{
	return n ? tve_xcalloc(array_cap(n), size) : NULL;
}

struct tve_snapshot *tve_snapshot_new(const char *node, const char *uri)
{
	struct tve_snapshot *s = tve_xcalloc(1, sizeof(*s));

	s->refs = 1;
	s->node = tve_xstrdup(node);
	s->uri = tve_xstrdup(uri);
	return s;
}

struct tve_snapshot *tve_snapshot_ref(struct tve_snapshot *s)
{
	if (s)
		__atomic_fetch_add(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

void tve_snapshot_unref(struct tve_snapshot *s)
{
	if (!s || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (size_t i = 0; i < s->n_guests; i++)
		tve_guest_clear(&s->guests[i]);
	for (size_t i = 0; i < s->n_pools; i++)
		tve_pool_clear(&s->pools[i]);
	for (size_t i = 0; i < s->n_networks; i++)
		tve_network_clear(&s->networks[i]);
	tve_facts_clear(&s->facts);
	tve_caps_clear(&s->caps);
	free(s->guests);
	free(s->pools);
	free(s->networks);
	free(s->node);
	free(s->uri);
	free(s->error);
	free(s->ssh);
	free(s->hostkey_type);
	free(s->hostkey_fp);
	free(s->hostkey_known_fp);
	free(s);
}

struct tve_guest *tve_snapshot_add_guest(struct tve_snapshot *s)
{
	return ARRAY_ADD(s->guests, s->n_guests);
}

struct tve_pool *tve_snapshot_add_pool(struct tve_snapshot *s)
{
	return ARRAY_ADD(s->pools, s->n_pools);
}

struct tve_network *tve_snapshot_add_network(struct tve_snapshot *s)
{
	return ARRAY_ADD(s->networks, s->n_networks);
}

struct tve_disk *tve_guest_add_disk(struct tve_guest *g)
{
	return ARRAY_ADD(g->disks, g->n_disks);
}

struct tve_nic *tve_guest_add_nic(struct tve_guest *g)
{
	return ARRAY_ADD(g->nics, g->n_nics);
}

struct tve_volume *tve_pool_add_volume(struct tve_pool *p)
{
	return ARRAY_ADD(p->volumes, p->n_volumes);
}

/* NULL sorts and compares like "". */
static int str_cmp(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static bool str_ne(const char *a, const char *b)
{
	if (a == b)
		return false;
	if (!a || !b)
		return true;
	return strcmp(a, b) != 0;
}

/* Exact comparison; two NaNs count as equal so "unknown" is stable. */
static bool dbl_ne(double a, double b)
{
	return a != b && !(isnan(a) && isnan(b));
}

int tve_guest_cmp(const struct tve_guest *a, const struct tve_guest *b)
{
	bool ida = a->vmid > 0, idb = b->vmid > 0;
	int c;

	if (ida != idb)
		return ida ? -1 : 1;
	if (ida && a->vmid != b->vmid)
		return a->vmid < b->vmid ? -1 : 1;
	c = str_cmp(a->name, b->name);
	if (c)
		return c;
	/* Deterministic order for duplicates. */
	return strcmp(a->uuid, b->uuid);
}

static int guest_qcmp(const void *a, const void *b)
{
	return tve_guest_cmp(a, b);
}

static int pool_qcmp(const void *a, const void *b)
{
	return str_cmp(((const struct tve_pool *)a)->name, ((const struct tve_pool *)b)->name);
}

static int network_qcmp(const void *a, const void *b)
{
	return str_cmp(((const struct tve_network *)a)->name,
		       ((const struct tve_network *)b)->name);
}

void tve_snapshot_sort(struct tve_snapshot *s)
{
	if (s->n_guests > 1)
		qsort(s->guests, s->n_guests, sizeof(*s->guests), guest_qcmp);
	if (s->n_pools > 1)
		qsort(s->pools, s->n_pools, sizeof(*s->pools), pool_qcmp);
	if (s->n_networks > 1)
		qsort(s->networks, s->n_networks, sizeof(*s->networks), network_qcmp);
}

/* ---- deep copies and clearing ---- */

static void disk_copy(struct tve_disk *dst, const struct tve_disk *src)
{
	dst->target = tve_xstrdup(src->target);
	dst->device = tve_xstrdup(src->device);
	dst->bus = tve_xstrdup(src->bus);
	dst->source = tve_xstrdup(src->source);
	dst->format = tve_xstrdup(src->format);
	dst->capacity = src->capacity;
}

static void disk_clear(struct tve_disk *d)
{
	free(d->target);
	free(d->device);
	free(d->bus);
	free(d->source);
	free(d->format);
	memset(d, 0, sizeof(*d));
}

static void nic_copy(struct tve_nic *dst, const struct tve_nic *src)
{
	dst->mac = tve_xstrdup(src->mac);
	dst->model = tve_xstrdup(src->model);
	dst->type = tve_xstrdup(src->type);
	dst->source = tve_xstrdup(src->source);
}

static void nic_clear(struct tve_nic *n)
{
	free(n->mac);
	free(n->model);
	free(n->type);
	free(n->source);
	memset(n, 0, sizeof(*n));
}

static void volume_copy(struct tve_volume *dst, const struct tve_volume *src)
{
	dst->name = tve_xstrdup(src->name);
	dst->path = tve_xstrdup(src->path);
	dst->format = tve_xstrdup(src->format);
	dst->capacity = src->capacity;
	dst->allocation = src->allocation;
}

static void volume_clear(struct tve_volume *v)
{
	free(v->name);
	free(v->path);
	free(v->format);
	memset(v, 0, sizeof(*v));
}

void tve_guest_copy(struct tve_guest *dst, const struct tve_guest *src)
{
	*dst = *src;	/* scalars and uuid */
	dst->name = tve_xstrdup(src->name);
	dst->tags = tve_xstrdup(src->tags);
	dst->notes = tve_xstrdup(src->notes);
	dst->os_type = tve_xstrdup(src->os_type);
	dst->arch = tve_xstrdup(src->arch);
	dst->disks = array_alloc(src->n_disks, sizeof(*dst->disks));
	for (size_t i = 0; i < src->n_disks; i++)
		disk_copy(&dst->disks[i], &src->disks[i]);
	dst->nics = array_alloc(src->n_nics, sizeof(*dst->nics));
	for (size_t i = 0; i < src->n_nics; i++)
		nic_copy(&dst->nics[i], &src->nics[i]);
}

void tve_guest_clear(struct tve_guest *g)
{
	if (!g)
		return;
	free(g->name);
	free(g->tags);
	free(g->notes);
	free(g->os_type);
	free(g->arch);
	for (size_t i = 0; i < g->n_disks; i++)
		disk_clear(&g->disks[i]);
	free(g->disks);
	for (size_t i = 0; i < g->n_nics; i++)
		nic_clear(&g->nics[i]);
	free(g->nics);
	memset(g, 0, sizeof(*g));
}

void tve_pool_copy(struct tve_pool *dst, const struct tve_pool *src)
{
	*dst = *src;
	dst->name = tve_xstrdup(src->name);
	dst->type = tve_xstrdup(src->type);
	dst->path = tve_xstrdup(src->path);
	dst->volumes = array_alloc(src->n_volumes, sizeof(*dst->volumes));
	for (size_t i = 0; i < src->n_volumes; i++)
		volume_copy(&dst->volumes[i], &src->volumes[i]);
}

void tve_pool_clear(struct tve_pool *p)
{
	if (!p)
		return;
	free(p->name);
	free(p->type);
	free(p->path);
	for (size_t i = 0; i < p->n_volumes; i++)
		volume_clear(&p->volumes[i]);
	free(p->volumes);
	memset(p, 0, sizeof(*p));
}

void tve_network_copy(struct tve_network *dst, const struct tve_network *src)
{
	*dst = *src;
	dst->name = tve_xstrdup(src->name);
	dst->bridge = tve_xstrdup(src->bridge);
	dst->forward = tve_xstrdup(src->forward);
}

void tve_network_clear(struct tve_network *n)
{
	if (!n)
		return;
	free(n->name);
	free(n->bridge);
	free(n->forward);
	memset(n, 0, sizeof(*n));
}

void tve_facts_copy(struct tve_node_facts *dst, const struct tve_node_facts *src)
{
	*dst = *src;
	dst->hostname = tve_xstrdup(src->hostname);
	dst->cpu_model = tve_xstrdup(src->cpu_model);
	dst->libvirt_version = tve_xstrdup(src->libvirt_version);
	dst->hv_type = tve_xstrdup(src->hv_type);
	dst->hv_version = tve_xstrdup(src->hv_version);
	dst->kernel = tve_xstrdup(src->kernel);
	dst->os_name = tve_xstrdup(src->os_name);
}

void tve_strlist_add(size_t *n, char ***list, const char *s)
{
	*list = tve_xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = tve_xstrdup(s);
}

bool tve_strlist_has(size_t n, char *const *list, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return true;
	return false;
}

static void strlist_copy(size_t *dn, char ***dst, size_t n, char *const *src)
{
	*dn = 0;
	*dst = NULL;
	for (size_t i = 0; i < n; i++)
		tve_strlist_add(dn, dst, src[i]);
}

static void strlist_free(size_t *n, char ***list)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

void tve_caps_copy(struct tve_node_caps *dst, const struct tve_node_caps *src)
{
	*dst = *src;
	dst->arch = tve_xstrdup(src->arch);
	dst->domain_type = tve_xstrdup(src->domain_type);
	dst->emulator = tve_xstrdup(src->emulator);
	strlist_copy(&dst->n_machines, &dst->machines, src->n_machines, src->machines);
	strlist_copy(&dst->n_cpu_models, &dst->cpu_models, src->n_cpu_models, src->cpu_models);
	strlist_copy(&dst->n_bridges, &dst->bridges, src->n_bridges, src->bridges);
	strlist_copy(&dst->n_drives, &dst->drives, src->n_drives, src->drives);
	strlist_copy(&dst->n_pool_types, &dst->pool_types, src->n_pool_types, src->pool_types);
	strlist_copy(&dst->n_pool_types_missing, &dst->pool_types_missing,
		     src->n_pool_types_missing, src->pool_types_missing);
}

void tve_caps_clear(struct tve_node_caps *c)
{
	if (!c)
		return;
	free(c->arch);
	free(c->domain_type);
	free(c->emulator);
	strlist_free(&c->n_machines, &c->machines);
	strlist_free(&c->n_cpu_models, &c->cpu_models);
	strlist_free(&c->n_bridges, &c->bridges);
	strlist_free(&c->n_drives, &c->drives);
	strlist_free(&c->n_pool_types, &c->pool_types);
	strlist_free(&c->n_pool_types_missing, &c->pool_types_missing);
	memset(c, 0, sizeof(*c));
}

void tve_facts_clear(struct tve_node_facts *f)
{
	if (!f)
		return;
	free(f->hostname);
	free(f->cpu_model);
	free(f->libvirt_version);
	free(f->hv_type);
	free(f->hv_version);
	free(f->kernel);
	free(f->os_name);
	memset(f, 0, sizeof(*f));
}

/* ---- lookups ---- */

const struct tve_guest *tve_snapshot_find_guest(const struct tve_snapshot *s, const char *uuid)
{
	if (!s || !uuid)
		return NULL;
	for (size_t i = 0; i < s->n_guests; i++)
		if (strcmp(s->guests[i].uuid, uuid) == 0)
			return &s->guests[i];
	return NULL;
}

const struct tve_guest *tve_snapshot_find_vmid(const struct tve_snapshot *s, int vmid)
{
	if (!s || vmid <= 0)
		return NULL;
	for (size_t i = 0; i < s->n_guests; i++)
		if (s->guests[i].vmid == vmid)
			return &s->guests[i];
	return NULL;
}

const struct tve_pool *tve_snapshot_find_pool(const struct tve_snapshot *s, const char *name)
{
	if (!s || !name)
		return NULL;
	for (size_t i = 0; i < s->n_pools; i++)
		if (str_cmp(s->pools[i].name, name) == 0)
			return &s->pools[i];
	return NULL;
}

/* ---- diffing ---- */

static bool disk_ne(const struct tve_disk *a, const struct tve_disk *b)
{
	return str_ne(a->target, b->target) || str_ne(a->device, b->device) ||
	       str_ne(a->bus, b->bus) || str_ne(a->source, b->source) ||
	       str_ne(a->format, b->format) || a->capacity != b->capacity;
}

static bool nic_ne(const struct tve_nic *a, const struct tve_nic *b)
{
	return str_ne(a->mac, b->mac) || str_ne(a->model, b->model) ||
	       str_ne(a->type, b->type) || str_ne(a->source, b->source);
}

static bool guest_config_ne(const struct tve_guest *a, const struct tve_guest *b)
{
	if (a->vcpus != b->vcpus || a->mem_max_kib != b->mem_max_kib ||
	    a->autostart != b->autostart || a->persistent != b->persistent ||
	    str_ne(a->tags, b->tags) || str_ne(a->notes, b->notes) ||
	    str_ne(a->os_type, b->os_type) || str_ne(a->arch, b->arch) ||
	    a->n_disks != b->n_disks || a->n_nics != b->n_nics)
		return true;
	for (size_t i = 0; i < a->n_disks; i++)
		if (disk_ne(&a->disks[i], &b->disks[i]))
			return true;
	for (size_t i = 0; i < a->n_nics; i++)
		if (nic_ne(&a->nics[i], &b->nics[i]))
			return true;
	return false;
}

static bool guest_stats_ne(const struct tve_guest *a, const struct tve_guest *b)
{
	return dbl_ne(a->cpu_pct, b->cpu_pct) || a->mem_used_kib != b->mem_used_kib ||
	       a->mem_kib != b->mem_kib || dbl_ne(a->disk_rd_bps, b->disk_rd_bps) ||
	       dbl_ne(a->disk_wr_bps, b->disk_wr_bps) || dbl_ne(a->net_rx_bps, b->net_rx_bps) ||
	       dbl_ne(a->net_tx_bps, b->net_tx_bps) || a->uptime_s != b->uptime_s;
}

unsigned tve_guest_diff(const struct tve_guest *a, const struct tve_guest *b)
{
	unsigned d = 0;

	if (a == b)
		return 0;
	if (!a || !b)
		return TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_STATE | TVE_DIFF_GUEST_STATS |
		       TVE_DIFF_GUEST_CONFIG;
	if (strcmp(a->uuid, b->uuid) != 0 || str_ne(a->name, b->name) || a->vmid != b->vmid ||
	    a->type != b->type)
		d |= TVE_DIFF_GUEST_SET;
	if (a->state != b->state)
		d |= TVE_DIFF_GUEST_STATE;
	if (guest_stats_ne(a, b))
		d |= TVE_DIFF_GUEST_STATS;
	if (guest_config_ne(a, b))
		d |= TVE_DIFF_GUEST_CONFIG;
	return d;
}

static bool facts_ne(const struct tve_node_facts *a, const struct tve_node_facts *b)
{
	if (str_ne(a->hostname, b->hostname) || str_ne(a->cpu_model, b->cpu_model) ||
	    a->cpus != b->cpus || a->sockets != b->sockets || a->cores != b->cores ||
	    a->threads != b->threads || a->mhz != b->mhz ||
	    a->mem_total_kib != b->mem_total_kib || a->mem_free_kib != b->mem_free_kib ||
	    str_ne(a->libvirt_version, b->libvirt_version) || str_ne(a->hv_type, b->hv_type) ||
	    str_ne(a->hv_version, b->hv_version) || a->uptime_s != b->uptime_s ||
	    str_ne(a->kernel, b->kernel) || str_ne(a->os_name, b->os_name) ||
	    a->rootfs_total_kib != b->rootfs_total_kib || a->rootfs_used_kib != b->rootfs_used_kib)
		return true;
	for (size_t i = 0; i < 3; i++)
		if (dbl_ne(a->load[i], b->load[i]))
			return true;
	return false;
}

static bool pool_ne(const struct tve_pool *a, const struct tve_pool *b)
{
	if (str_ne(a->name, b->name) || str_ne(a->type, b->type) || str_ne(a->path, b->path) ||
	    a->active != b->active || a->autostart != b->autostart ||
	    a->capacity != b->capacity || a->allocation != b->allocation ||
	    a->available != b->available || a->n_volumes != b->n_volumes)
		return true;
	for (size_t i = 0; i < a->n_volumes; i++) {
		const struct tve_volume *va = &a->volumes[i], *vb = &b->volumes[i];

		if (str_ne(va->name, vb->name) || str_ne(va->path, vb->path) ||
		    str_ne(va->format, vb->format) || va->capacity != vb->capacity ||
		    va->allocation != vb->allocation)
			return true;
	}
	return false;
}

static bool network_ne(const struct tve_network *a, const struct tve_network *b)
{
	return str_ne(a->name, b->name) || a->active != b->active ||
	       a->autostart != b->autostart || str_ne(a->bridge, b->bridge) ||
	       str_ne(a->forward, b->forward);
}

#define TVE_DIFF_GUESTS_ALL                                                                    \
	(TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_STATE | TVE_DIFF_GUEST_STATS | TVE_DIFF_GUEST_CONFIG)
#define TVE_DIFF_ALL (TVE_DIFF_NODE | TVE_DIFF_GUESTS_ALL | TVE_DIFF_POOLS | TVE_DIFF_NETWORKS)

static unsigned guests_diff(const struct tve_snapshot *a, const struct tve_snapshot *b)
{
	unsigned d = 0;

	if (a->n_guests != b->n_guests)
		return TVE_DIFF_GUESTS_ALL;
	/* Same uuids in the same order: compare pairwise.  Otherwise the set
	 * changed and every guest-related view has to be rebuilt anyway. */
	for (size_t i = 0; i < a->n_guests; i++)
		if (strcmp(a->guests[i].uuid, b->guests[i].uuid) != 0)
			return TVE_DIFF_GUESTS_ALL;
	for (size_t i = 0; i < a->n_guests && d != TVE_DIFF_GUESTS_ALL; i++)
		d |= tve_guest_diff(&a->guests[i], &b->guests[i]);
	return d;
}

unsigned tve_snapshot_diff(const struct tve_snapshot *a, const struct tve_snapshot *b)
{
	unsigned d = 0;

	if (a == b)
		return 0;
	if (!a || !b)
		return TVE_DIFF_ALL;
	if (a->state != b->state || str_ne(a->error, b->error) || a->stale != b->stale ||
	    a->need != b->need || str_ne(a->hostkey_fp, b->hostkey_fp) ||
	    a->has_facts != b->has_facts || facts_ne(&a->facts, &b->facts))
		d |= TVE_DIFF_NODE;
	d |= guests_diff(a, b);
	if (a->n_pools != b->n_pools) {
		d |= TVE_DIFF_POOLS;
	} else {
		for (size_t i = 0; i < a->n_pools; i++)
			if (pool_ne(&a->pools[i], &b->pools[i])) {
				d |= TVE_DIFF_POOLS;
				break;
			}
	}
	if (a->n_networks != b->n_networks) {
		d |= TVE_DIFF_NETWORKS;
	} else {
		for (size_t i = 0; i < a->n_networks; i++)
			if (network_ne(&a->networks[i], &b->networks[i])) {
				d |= TVE_DIFF_NETWORKS;
				break;
			}
	}
	return d;
}
