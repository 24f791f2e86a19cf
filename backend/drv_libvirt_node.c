/* drv_libvirt_node.c - FACTS, POOLS and NETWORKS refreshes.
 *
 * These run on a slow cadence, so per-pool and per-volume calls are fine;
 * what never changes for an object (pool type and target, volume path and
 * format, network bridge and forward mode) is read from its XML once and
 * cached by UUID (volumes by key) until an event says it was redefined. */
#include "drv_libvirt.h"

#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node_facts.h"
#include "util.h"

/* ---- facts -------------------------------------------------------------- */

static char *version_string(unsigned long v)
{
	return tve_xasprintf("%lu.%lu.%lu", v / 1000000, (v / 1000) % 1000, v % 1000);
}

static char *cpuinfo_model(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512], *model = NULL;

	if (!f)
		return NULL;
	while (!model && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) != 0 || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = 0;
		model = tve_xstrdup(colon);
	}
	fclose(f);
	return model;
}

static int static_facts(struct lv_handle *h, char **err)
{
	struct tve_node_facts *f = &h->facts;
	virNodeInfo ni;
	unsigned long v = 0;
	const char *type;
	char *caps;

	lv_count(h);
	if (virNodeGetInfo(h->conn, &ni) < 0)
		return lv_err(err, "cannot read node info");
	tve_facts_clear(f);
	f->cpus = ni.cpus;
	f->sockets = ni.sockets * (ni.nodes ? ni.nodes : 1);	/* libvirt: per NUMA node */
	f->cores = ni.cores;
	f->threads = ni.threads;
	f->mhz = ni.mhz;
	f->mem_total_kib = ni.memory;
	lv_count(h);
	f->hostname = virConnectGetHostname(h->conn);
	lv_count(h);
	if (virConnectGetLibVersion(h->conn, &v) == 0)
		f->libvirt_version = version_string(v);
	lv_count(h);
	if ((type = virConnectGetType(h->conn))) {
		f->hv_type = tve_xstrdup(type);
		if (!h->hv_type)
			h->hv_type = tve_xstrdup(type);
	}
	lv_count(h);
	if (virConnectGetVersion(h->conn, &v) == 0 && v)
		f->hv_version = version_string(v);
	if (h->local)
		f->cpu_model = cpuinfo_model();
	if (!f->cpu_model) {
		lv_count(h);
		if ((caps = virConnectGetCapabilities(h->conn))) {
			f->cpu_model = lv_xml_caps_cpu_model(caps);
			free(caps);
		}
	}
	if (!f->cpu_model && ni.model[0])
		f->cpu_model = tve_xasprintf("%.*s", (int)sizeof(ni.model), ni.model);
	h->have_static = true;
	return 0;
}

/* Free memory in KiB (free + buffers + cached, what the host could give
 * to guests), 0 when the driver cannot tell.  *total gets the total of the
 * same statistics when they have one: virNodeGetInfo's figure can differ
 * from /proc/meminfo's (seen: 4.5 GiB against 24 GiB), and used = total -
 * free must come from one source. */
static unsigned long long free_memory(struct lv_handle *h, unsigned long long *total)
{
	unsigned long long sum = 0, bytes;
	virNodeMemoryStatsPtr params;
	int n = 0;

	if (h->memstats_n == 0) {
		lv_count(h);
		if (virNodeGetMemoryStats(h->conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) < 0 ||
		    n <= 0)
			h->memstats_n = -1;
		else
			h->memstats_n = n;
	}
	if (h->memstats_n > 0) {
		n = h->memstats_n;
		params = tve_xcalloc((size_t)n, sizeof(*params));
		lv_count(h);
		if (virNodeGetMemoryStats(h->conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, params, &n, 0) == 0) {
			for (int i = 0; i < n; i++) {
				if (strcmp(params[i].field, VIR_NODE_MEMORY_STATS_FREE) == 0 ||
				    strcmp(params[i].field, VIR_NODE_MEMORY_STATS_BUFFERS) == 0 ||
				    strcmp(params[i].field, VIR_NODE_MEMORY_STATS_CACHED) == 0)
					sum += params[i].value;
				else if (strcmp(params[i].field, VIR_NODE_MEMORY_STATS_TOTAL) == 0)
					*total = params[i].value;
			}
		}
		free(params);
		if (sum)
			return sum;
	}
	if (h->freemem_unsupported)
		return 0;
	lv_count(h);
	if (!(bytes = virNodeGetFreeMemory(h->conn)))
		h->freemem_unsupported = true;
	return bytes / 1024;
}

int lv_refresh_facts(struct lv_handle *h, struct tve_snapshot *snap, char **err)
{
	struct tve_node_facts *f = &snap->facts;

	if (!h->have_static && static_facts(h, err) < 0)
		return -1;
	tve_facts_clear(f);
	tve_facts_copy(f, &h->facts);
	{
		unsigned long long total = 0;

		f->mem_free_kib = free_memory(h, &total);
		if (total)
			f->mem_total_kib = total;
		/* The model promises free <= total. */
		if (f->mem_free_kib > f->mem_total_kib)
			f->mem_free_kib = f->mem_total_kib;
	}
	f->uptime_s = -1;
	f->load[0] = f->load[1] = f->load[2] = -1;
	/* /proc describes the node only when libvirt runs here; remote nodes
	 * get these from the ssh layer (backend_node.c). */
	if (h->local)
		tve_facts_read_local(f);
	snap->has_facts = true;
	lv_caps_refresh(h, snap);
	return 0;
}

/* ---- pools -------------------------------------------------------------- */

static void volc_clear(struct lv_volc *v)
{
	free(v->key);
	free(v->path);
	free(v->format);
}

static void poolc_clear(struct lv_poolc *p)
{
	free(p->type);
	free(p->path);
	for (size_t i = 0; i < p->n_vols; i++)
		volc_clear(&p->vols[i]);
	free(p->vols);
}

void lv_node_caches_free(struct lv_handle *h)
{
	tve_caps_clear(&h->caps);
	h->have_caps = false;
	for (size_t i = 0; i < h->n_pools; i++)
		poolc_clear(&h->pools[i]);
	free(h->pools);
	h->pools = NULL;
	h->n_pools = 0;
	for (size_t i = 0; i < h->n_nets; i++) {
		free(h->nets[i].bridge);
		free(h->nets[i].forward);
	}
	free(h->nets);
	h->nets = NULL;
	h->n_nets = 0;
}

/* Takes the cache entry for key out of old (moved, zeroed there). */
static bool take_volc(struct lv_poolc *old, const char *key, struct lv_volc *out)
{
	for (size_t i = 0; old && i < old->n_vols; i++) {
		if (old->vols[i].key && strcmp(old->vols[i].key, key) == 0) {
			*out = old->vols[i];
			memset(&old->vols[i], 0, sizeof(old->vols[i]));
			return true;
		}
	}
	return false;
}

static void pool_volumes(struct lv_handle *h, virStoragePoolPtr pool, struct tve_pool *p,
			 struct lv_poolc *pc, struct lv_poolc *old)
{
	virStorageVolPtr *vols = NULL;
	int n;

	lv_count(h);
	if ((n = virStoragePoolListAllVolumes(pool, &vols, 0)) < 0)
		return;	/* deactivated meanwhile; the next refresh will say */
	pc->vols = tve_xcalloc((size_t)n + 1, sizeof(*pc->vols));
	for (int i = 0; i < n; i++) {
		virStorageVolInfo vi;
		struct lv_volc vc = {0};
		struct tve_volume *v;
		const char *key = virStorageVolGetKey(vols[i]);
		const char *name = virStorageVolGetName(vols[i]);
		char *xml;

		/* Hidden files are no content: e.g. a download's .NAME.tve-part
		 * that libvirt lists when the pool is refreshed meanwhile. */
		if (!name || name[0] == '.')
			goto next;

		lv_count(h);
		if (!key || virStorageVolGetInfo(vols[i], &vi) < 0)
			goto next;
		if (!take_volc(old, key, &vc)) {
			vc.key = tve_xstrdup(key);
			lv_count(h);
			if ((xml = virStorageVolGetXMLDesc(vols[i], 0))) {
				lv_xml_parse_volume(xml, &vc.path, &vc.format, NULL);
				free(xml);
			}
			if (!vc.path) {
				lv_count(h);
				vc.path = virStorageVolGetPath(vols[i]);
			}
		}
		v = tve_pool_add_volume(p);
		v->name = tve_xstrdup(virStorageVolGetName(vols[i]));
		v->path = tve_xstrdup(vc.path);
		v->format = tve_xstrdup(vc.format);
		v->capacity = vi.capacity;
		v->allocation = vi.allocation;
		pc->vols[pc->n_vols++] = vc;
next:
		virStorageVolFree(vols[i]);
	}
	free(vols);
}

int lv_refresh_pools(struct lv_handle *h, struct tve_snapshot *snap, char **err)
{
	virStoragePoolPtr *pools = NULL;
	struct lv_poolc *cache;
	size_t n_cache = 0;
	int n, ret = -1;
	bool dirty;

	pthread_mutex_lock(&h->ev->lock);
	dirty = h->ev->pools_dirty;
	h->ev->pools_dirty = false;
	pthread_mutex_unlock(&h->ev->lock);
	if (dirty) {
		for (size_t i = 0; i < h->n_pools; i++)
			poolc_clear(&h->pools[i]);
		h->n_pools = 0;
	}

	lv_count(h);
	if ((n = virConnectListAllStoragePools(h->conn, &pools, 0)) < 0)
		return lv_err(err, "cannot list storage pools");
	cache = tve_xcalloc((size_t)n + 1, sizeof(*cache));
	for (int i = 0; i < n; i++) {
		virStoragePoolInfo info;
		struct lv_poolc *pc = &cache[n_cache], *old = NULL;
		struct tve_pool *p;
		int autostart = 0;
		char *xml;

		virStoragePoolGetUUIDString(pools[i], pc->uuid);
		lv_count(h);
		if (virStoragePoolGetInfo(pools[i], &info) < 0) {
			if (virGetLastErrorCode() == VIR_ERR_NO_STORAGE_POOL)
				continue;	/* undefined meanwhile */
			lv_err(err, "cannot read storage pool info");
			goto cleanup;
		}
		lv_count(h);
		virStoragePoolGetAutostart(pools[i], &autostart);
		for (size_t j = 0; j < h->n_pools && !old; j++)
			if (strcmp(h->pools[j].uuid, pc->uuid) == 0)
				old = &h->pools[j];
		if (old) {
			pc->type = old->type;
			pc->path = old->path;
			old->type = old->path = NULL;
		} else {
			lv_count(h);
			if ((xml = virStoragePoolGetXMLDesc(pools[i], 0))) {
				lv_xml_parse_pool(xml, &pc->type, &pc->path, NULL);
				free(xml);
			}
		}
		n_cache++;
		p = tve_snapshot_add_pool(snap);
		p->name = tve_xstrdup(virStoragePoolGetName(pools[i]));
		p->type = tve_xstrdup(pc->type);
		p->path = tve_xstrdup(pc->path);
		p->active = info.state == VIR_STORAGE_POOL_RUNNING ||
			    info.state == VIR_STORAGE_POOL_DEGRADED;
		p->autostart = autostart > 0;
		p->capacity = info.capacity;
		p->allocation = info.allocation;
		p->available = info.available;
		if (p->active)
			pool_volumes(h, pools[i], p, pc, old);
	}
	ret = 0;
cleanup:
	for (size_t i = 0; i < h->n_pools; i++)
		poolc_clear(&h->pools[i]);
	free(h->pools);
	h->pools = cache;
	h->n_pools = n_cache;
	for (int i = 0; i < n; i++)
		virStoragePoolFree(pools[i]);
	free(pools);
	return ret;
}

/* ---- networks ----------------------------------------------------------- */

int lv_refresh_networks(struct lv_handle *h, struct tve_snapshot *snap, char **err)
{
	virNetworkPtr *nets = NULL;
	struct lv_netc *cache;
	size_t n_cache = 0;
	int n, ret = -1;
	bool dirty;

	pthread_mutex_lock(&h->ev->lock);
	dirty = h->ev->nets_dirty;
	h->ev->nets_dirty = false;
	pthread_mutex_unlock(&h->ev->lock);

	lv_count(h);
	if ((n = virConnectListAllNetworks(h->conn, &nets, 0)) < 0)
		return lv_err(err, "cannot list networks");
	cache = tve_xcalloc((size_t)n + 1, sizeof(*cache));
	for (int i = 0; i < n; i++) {
		struct lv_netc *nc = &cache[n_cache];
		struct tve_network *net;
		int active, autostart = 0;
		bool found = false;
		char *xml;

		virNetworkGetUUIDString(nets[i], nc->uuid);
		lv_count(h);
		if ((active = virNetworkIsActive(nets[i])) < 0) {
			if (virGetLastErrorCode() == VIR_ERR_NO_NETWORK)
				continue;
			lv_err(err, "cannot read network state");
			goto cleanup;
		}
		lv_count(h);
		virNetworkGetAutostart(nets[i], &autostart);
		for (size_t j = 0; !dirty && j < h->n_nets && !found; j++) {
			if (strcmp(h->nets[j].uuid, nc->uuid) == 0) {
				nc->bridge = h->nets[j].bridge;
				nc->forward = h->nets[j].forward;
				h->nets[j].bridge = h->nets[j].forward = NULL;
				found = true;
			}
		}
		if (!found) {
			lv_count(h);
			if ((xml = virNetworkGetXMLDesc(nets[i], 0))) {
				lv_xml_parse_network(xml, &nc->bridge, &nc->forward, NULL);
				free(xml);
			}
		}
		n_cache++;
		net = tve_snapshot_add_network(snap);
		net->name = tve_xstrdup(virNetworkGetName(nets[i]));
		net->active = active > 0;
		net->autostart = autostart > 0;
		net->bridge = tve_xstrdup(nc->bridge);
		net->forward = tve_xstrdup(nc->forward);
	}
	ret = 0;
cleanup:
	for (size_t i = 0; i < h->n_nets; i++) {
		free(h->nets[i].bridge);
		free(h->nets[i].forward);
	}
	free(h->nets);
	h->nets = cache;
	h->n_nets = n_cache;
	for (int i = 0; i < n; i++)
		virNetworkFree(nets[i]);
	free(nets);
	return ret;
}
