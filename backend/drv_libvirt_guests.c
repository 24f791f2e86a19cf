/* drv_libvirt_guests.c - the GUESTS refresh.
 *
 * One bulk virConnectGetAllDomainStats per tick plus two cheap list calls
 * (transient and autostart domains); the domain XML is fetched only for
 * domains that are new or were invalidated by an event.  Rates come from
 * the difference to the previous sample kept in the cache.  Drivers
 * without bulk stats (LXC) get a list call and virDomainGetInfo per domain
 * instead (fetch_info). */
#include "drv_libvirt.h"

#include <ctype.h>
#include <dirent.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void lv_dom_free(struct lv_dom *d)
{
	if (!d)
		return;
	tve_guest_clear(&d->info);
	free(d);
}

uint64_t lv_xml_budget_ns = 300ull * 1000000ull;

static int cmp_dom(const void *a, const void *b)
{
	return strcmp((*(struct lv_dom *const *)a)->uuid, (*(struct lv_dom *const *)b)->uuid);
}

static int cmp_key_dom(const void *key, const void *b)
{
	return strcmp(key, (*(struct lv_dom *const *)b)->uuid);
}

struct lv_dom *lv_dom_find(struct lv_handle *h, const char *uuid)
{
	struct lv_dom **p = h->n_doms ? bsearch(uuid, h->doms, h->n_doms, sizeof(*h->doms),
						cmp_key_dom)
				      : NULL;

	return p ? *p : NULL;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* UUIDs of the domains a list call returns, sorted; NULL with *n = -1 on
 * error. */
static char **list_uuids(struct lv_handle *h, unsigned flags, int *n)
{
	virDomainPtr *doms = NULL;
	char **uuids;
	char buf[VIR_UUID_STRING_BUFLEN];

	lv_count(h);
	*n = virConnectListAllDomains(h->conn, &doms, flags);
	if (*n < 0)
		return NULL;
	uuids = tve_xcalloc((size_t)*n + 1, sizeof(*uuids));
	for (int i = 0; i < *n; i++) {
		virDomainGetUUIDString(doms[i], buf);
		uuids[i] = tve_xstrdup(buf);
		virDomainFree(doms[i]);
	}
	free(doms);
	qsort(uuids, (size_t)*n, sizeof(*uuids), cmp_str);
	return uuids;
}

static bool in_list(char **list, int n, const char *uuid)
{
	const char *key = uuid;

	return n > 0 && bsearch(&key, list, (size_t)n, sizeof(*list), cmp_str) != NULL;
}

static void free_list(char **list, int n)
{
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static enum tve_guest_state map_state(int st)
{
	switch (st) {
	case VIR_DOMAIN_RUNNING: return TVE_STATE_RUNNING;
	case VIR_DOMAIN_BLOCKED: return TVE_STATE_BLOCKED;
	case VIR_DOMAIN_PAUSED: return TVE_STATE_PAUSED;
	case VIR_DOMAIN_SHUTDOWN: return TVE_STATE_SHUTDOWN;
	case VIR_DOMAIN_SHUTOFF: return TVE_STATE_STOPPED;
	case VIR_DOMAIN_CRASHED: return TVE_STATE_CRASHED;
	case VIR_DOMAIN_PMSUSPENDED: return TVE_STATE_SUSPENDED;
	default: return TVE_STATE_UNKNOWN;
	}
}

/* The numbers tve uses from one stats record. */
struct rec_vals {
	int state;
	bool has_cpu, has_cur, has_max, has_avail, has_unused, has_rss, has_vcpu;
	unsigned long long cpu_time, cur, max, avail, unused, rss;
	unsigned vcpus;
	bool has_block, has_net;
	unsigned long long rd, wr, rx, tx;
};

static unsigned long long param_ull(const virTypedParameter *p)
{
	switch (p->type) {
	case VIR_TYPED_PARAM_INT: return p->value.i < 0 ? 0 : (unsigned long long)p->value.i;
	case VIR_TYPED_PARAM_UINT: return p->value.ui;
	case VIR_TYPED_PARAM_LLONG: return p->value.l < 0 ? 0 : (unsigned long long)p->value.l;
	case VIR_TYPED_PARAM_ULLONG: return p->value.ul;
	default: return 0;
	}
}

/* "block.3.rd.bytes" -> matches prefix "block.", suffix ".rd.bytes" */
static bool indexed(const char *field, const char *prefix, const char *suffix)
{
	size_t lp = strlen(prefix), ls = strlen(suffix), lf = strlen(field);
	const char *p;

	if (lf <= lp + ls || strncmp(field, prefix, lp) != 0 || strcmp(field + lf - ls, suffix) != 0)
		return false;
	for (p = field + lp; p < field + lf - ls; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return true;
}

static void read_record(const virDomainStatsRecord *r, struct rec_vals *v)
{
	memset(v, 0, sizeof(*v));
	v->state = VIR_DOMAIN_NOSTATE;
	for (int i = 0; i < r->nparams; i++) {
		const virTypedParameter *p = &r->params[i];
		unsigned long long x = param_ull(p);

		if (strcmp(p->field, "state.state") == 0)
			v->state = (int)x;
		else if (strcmp(p->field, "cpu.time") == 0)
			v->has_cpu = true, v->cpu_time = x;
		else if (strcmp(p->field, "balloon.current") == 0)
			v->has_cur = true, v->cur = x;
		else if (strcmp(p->field, "balloon.maximum") == 0)
			v->has_max = true, v->max = x;
		else if (strcmp(p->field, "balloon.available") == 0)
			v->has_avail = true, v->avail = x;
		else if (strcmp(p->field, "balloon.unused") == 0)
			v->has_unused = true, v->unused = x;
		else if (strcmp(p->field, "balloon.rss") == 0)
			v->has_rss = true, v->rss = x;
		else if (strcmp(p->field, "vcpu.current") == 0)
			v->has_vcpu = true, v->vcpus = (unsigned)x;
		else if (strcmp(p->field, "block.count") == 0)
			v->has_block = true;
		else if (strcmp(p->field, "net.count") == 0)
			v->has_net = true;
		else if (indexed(p->field, "block.", ".rd.bytes"))
			v->rd += x;
		else if (indexed(p->field, "block.", ".wr.bytes"))
			v->wr += x;
		else if (indexed(p->field, "net.", ".rx.bytes"))
			v->rx += x;
		else if (indexed(p->field, "net.", ".tx.bytes"))
			v->tx += x;
	}
}

/* ---- uptime from /proc -------------------------------------------------- */

static long long boot_time(void)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[256];
	long long bt = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %lld", &bt) == 1)
			break;
	fclose(f);
	return bt;
}

/* Wall clock start of process pid, -1 if unknown. */
static long long proc_start(const char *pid, long long btime, long hz)
{
	char path[300], buf[1024], *p;
	FILE *f;
	unsigned long long start;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	/* Field 22 (starttime) counts from after the ")" closing comm. */
	if (!(p = strrchr(buf, ')')))
		return -1;
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			  "%*u %*u %*d %*d %*d %*d %*d %*d %llu", &start) != 1)
		return -1;
	return btime + (long long)(start / (unsigned long long)hz);
}

struct proc_guest {
	char name[256];
	char uuid[37];		/* QEMU's -uuid, or empty */
	long long start;
};

/* The guest in a QEMU ("-name guest=NAME,..." or "-name NAME", "-uuid U")
 * or libvirt_lxc ("--name NAME") command line; false if it is neither. */
static bool cmdline_guest(const char *args, size_t len, struct proc_guest *pg)
{
	const char *end = args + len, *prev = NULL, *a;
	bool qemu = strstr(args, "qemu") != NULL, lxc = strstr(args, "libvirt_lxc") != NULL;

	if (!qemu && !lxc)
		return false;
	pg->name[0] = pg->uuid[0] = 0;
	for (a = args; a < end; a += strlen(a) + 1) {
		if (prev && ((qemu && strcmp(prev, "-name") == 0) ||
			     (lxc && strcmp(prev, "--name") == 0))) {
			const char *s = strncmp(a, "guest=", 6) == 0 ? a + 6 : a;
			size_t n = strcspn(s, ",");

			if (n < sizeof(pg->name)) {
				memcpy(pg->name, s, n);
				pg->name[n] = 0;
			}
		} else if (prev && qemu && strcmp(prev, "-uuid") == 0 &&
			   strlen(a) == sizeof(pg->uuid) - 1) {
			memcpy(pg->uuid, a, sizeof(pg->uuid));
		}
		prev = a;
	}
	return pg->name[0] != 0;
}

/* One pass over /proc: every QEMU / libvirt_lxc process and its start. */
static struct proc_guest *scan_proc(size_t *n)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	struct proc_guest *out = NULL, pg;
	size_t cap = 0;
	long long btime = boot_time();
	long hz = sysconf(_SC_CLK_TCK);
	char path[300], args[8192];

	*n = 0;
	if (!d || btime < 0 || hz <= 0) {
		if (d)
			closedir(d);
		return NULL;
	}
	while ((de = readdir(d))) {
		FILE *f;
		size_t len;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		len = fread(args, 1, sizeof(args) - 1, f);
		fclose(f);
		args[len] = 0;
		if (!cmdline_guest(args, len, &pg))
			continue;
		if ((pg.start = proc_start(de->d_name, btime, hz)) < 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			out = tve_xreallocarray(out, cap, sizeof(*out));
		}
		out[(*n)++] = pg;
	}
	closedir(d);
	return out;
}

/* The start of dom's process: by QEMU's -uuid when it has one (names
 * repeat across daemons on one host), else by name; -1 if not found. */
static long long proc_lookup(const struct proc_guest *pg, size_t n, virDomainPtr dom,
			     const char *uuid)
{
	for (size_t i = 0; i < n; i++)
		if (pg[i].uuid[0] && strcmp(pg[i].uuid, uuid) == 0)
			return pg[i].start;
	for (size_t i = 0; i < n; i++)
		if (!pg[i].uuid[0] && strcmp(pg[i].name, virDomainGetName(dom)) == 0)
			return pg[i].start;
	return -1;
}

/* ---- the refresh -------------------------------------------------------- */

struct round {
	virDomainStatsRecordPtr *recs;
	int n;
	bool synthetic;		/* recs made by fetch_info(), freed by us */
	struct lv_dom **ent;	/* per record: its cache entry */
	char **xml;		/* per record: freshly fetched XML or NULL */
};

/* Drivers without bulk stats (LXC): a list call and virDomainGetInfo per
 * domain, put into records of the same shape. */
static int fetch_info(struct lv_handle *h, struct round *r, char **err)
{
	virDomainPtr *doms = NULL;
	int n;

	lv_count(h);
	if ((n = virConnectListAllDomains(h->conn, &doms, 0)) < 0)
		return lv_err(err, "cannot list domains");
	r->synthetic = true;
	r->recs = tve_xcalloc((size_t)n + 1, sizeof(*r->recs));
	for (int i = 0; i < n; i++) {
		virDomainStatsRecordPtr rec = tve_xcalloc(1, sizeof(*rec));
		virDomainInfo info;
		int max = 0;

		rec->dom = doms[i];
		lv_count(h);
		if (virDomainGetInfo(doms[i], &info) < 0) {
			memset(&info, 0, sizeof(info));
			info.state = VIR_DOMAIN_NOSTATE;
		}
		virTypedParamsAddInt(&rec->params, &rec->nparams, &max, "state.state", info.state);
		if (info.state != VIR_DOMAIN_SHUTOFF && info.state != VIR_DOMAIN_NOSTATE) {
			virTypedParamsAddULLong(&rec->params, &rec->nparams, &max, "cpu.time",
						info.cpuTime);
			virTypedParamsAddULLong(&rec->params, &rec->nparams, &max, "balloon.current",
						info.memory);
			virTypedParamsAddUInt(&rec->params, &rec->nparams, &max, "vcpu.current",
					      info.nrVirtCpu);
		}
		virTypedParamsAddULLong(&rec->params, &rec->nparams, &max, "balloon.maximum",
					info.maxMem);
		r->recs[i] = rec;
	}
	free(doms);
	r->n = n;
	return 0;
}

static void free_records(struct round *r)
{
	if (!r->synthetic) {
		virDomainStatsRecordListFree(r->recs);
		return;
	}
	for (int i = 0; r->recs && i < r->n; i++) {
		virDomainFree(r->recs[i]->dom);
		virTypedParamsFree(r->recs[i]->params, r->recs[i]->nparams);
		free(r->recs[i]);
	}
	free(r->recs);
}

static int fetch_stats(struct lv_handle *h, bool io, struct round *r, char **err)
{
	unsigned stats = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
			 VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU;

	if (h->no_bulk_stats)
		return fetch_info(h, r, err);
	if (io)
		stats |= VIR_DOMAIN_STATS_BLOCK | VIR_DOMAIN_STATS_INTERFACE;
	lv_count(h);
	r->n = virConnectGetAllDomainStats(h->conn, stats, &r->recs,
					   h->nowait ? VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT : 0);
	if (r->n < 0 && h->nowait) {
		int code = virGetLastErrorCode();

		/* An older daemon rejects the flag: ask again without it. */
		if (code == VIR_ERR_INVALID_ARG || code == VIR_ERR_NO_SUPPORT) {
			h->nowait = false;
			lv_count(h);
			r->n = virConnectGetAllDomainStats(h->conn, stats, &r->recs, 0);
		}
	}
	if (r->n < 0 && virGetLastErrorCode() == VIR_ERR_NO_SUPPORT) {
		h->no_bulk_stats = true;
		return fetch_info(h, r, err);
	}
	if (r->n < 0)
		return lv_err(err, "cannot read domain stats");
	return 0;
}

/* Applies what the event thread queued: stale XML, start times. */
static void apply_dirty(struct lv_handle *h)
{
	struct lv_dirty *dirty;
	size_t n;

	pthread_mutex_lock(&h->ev->lock);
	dirty = h->ev->dirty;
	n = h->ev->n_dirty;
	h->ev->dirty = NULL;
	h->ev->n_dirty = h->ev->cap_dirty = 0;
	pthread_mutex_unlock(&h->ev->lock);
	pthread_mutex_lock(&h->lock);	/* task threads read xml_valid */
	for (size_t i = 0; i < n; i++) {
		struct lv_dom *d = lv_dom_find(h, dirty[i].uuid);

		if (!d)
			continue;
		d->xml_valid = false;
		if (dirty[i].started_ns)
			d->event_start_ns = dirty[i].started_ns;
	}
	pthread_mutex_unlock(&h->lock);
	free(dirty);
}

/* Matches records to cache entries, creating entries for new domains. */
static void match_entries(struct lv_handle *h, struct round *r)
{
	struct lv_dom **added = tve_xcalloc((size_t)r->n + 1, sizeof(*added));
	size_t n_added = 0;

	for (size_t i = 0; i < h->n_doms; i++)
		h->doms[i]->seen = false;
	for (int i = 0; i < r->n; i++) {
		char uuid[VIR_UUID_STRING_BUFLEN];
		struct lv_dom *d;

		virDomainGetUUIDString(r->recs[i]->dom, uuid);
		if (!(d = lv_dom_find(h, uuid))) {
			d = tve_xcalloc(1, sizeof(*d));
			snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
			d->fresh = true;
			d->last_id = d->ctr_id = d->proc_id = -1;
			d->proc_start = -1;
			d->cpu_pct = d->rd_bps = d->wr_bps = d->rx_bps = d->tx_bps = -1;
			added[n_added++] = d;
		}
		d->seen = true;
		r->ent[i] = d;
	}
	/* Drop vanished domains, add new ones, keep the array sorted. */
	pthread_mutex_lock(&h->lock);
	size_t k = 0;
	for (size_t i = 0; i < h->n_doms; i++) {
		if (h->doms[i]->seen)
			h->doms[k++] = h->doms[i];
		else
			lv_dom_free(h->doms[i]);
	}
	h->doms = tve_xreallocarray(h->doms, k + n_added + 1, sizeof(*h->doms));
	if (n_added)
		memcpy(h->doms + k, added, n_added * sizeof(*added));
	h->n_doms = k + n_added;
	qsort(h->doms, h->n_doms, sizeof(*h->doms), cmp_dom);
	pthread_mutex_unlock(&h->lock);
	free(added);
}

static int dom_id(virDomainPtr dom)
{
	unsigned id = virDomainGetID(dom);	/* local getter */

	return id == (unsigned)-1 ? -1 : (int)id;
}

/* Uptime: the start time /proc gives for local QEMU/LXC guests, else the
 * moment a start was seen (event or refresh); unknown for guests that
 * were running when we connected. */
static void update_uptime(struct lv_handle *h, struct round *r, uint64_t now_ns)
{
	struct proc_guest *pg = NULL;
	size_t n_pg = 0;
	bool scanned = false;
	bool procfs = h->local && h->hv_type &&
		      (strcmp(h->hv_type, "QEMU") == 0 || strcmp(h->hv_type, "LXC") == 0);

	for (int i = 0; i < r->n; i++) {
		struct lv_dom *d = r->ent[i];
		int id = dom_id(r->recs[i]->dom);

		if (id < 0) {
			d->run_since_ns = 0;
		} else if (d->fresh && !h->refreshed) {
			d->run_since_ns = 0;
		} else if (d->last_id != id) {
			d->run_since_ns = d->event_start_ns ? d->event_start_ns : now_ns;
		}
		d->event_start_ns = 0;
		d->fresh = false;
		d->last_id = id;
		/* One /proc scan per refresh, only when a guest needs it. */
		if (id >= 0 && procfs && d->proc_id != id) {
			if (!scanned) {
				pg = scan_proc(&n_pg);
				scanned = true;
			}
			d->proc_id = id;
			d->proc_start = proc_lookup(pg, n_pg, r->recs[i]->dom, d->uuid);
		}
	}
	free(pg);
}

static void fill_guest(struct tve_guest *g, struct lv_dom *d, const virDomainStatsRecord *rec,
		       bool io, uint64_t now_ns)
{
	struct rec_vals v;
	int id = dom_id(rec->dom);
	bool active = id >= 0;
	unsigned vcpus;
	double dt;

	read_record(rec, &v);
	tve_guest_copy(g, &d->info);
	snprintf(g->uuid, sizeof(g->uuid), "%s", d->uuid);
	free(g->name);
	g->name = tve_xstrdup(virDomainGetName(rec->dom));
	g->state = map_state(v.state);
	vcpus = v.has_vcpu && v.vcpus ? v.vcpus : d->info.vcpus;
	g->vcpus = vcpus;
	if (v.has_max && v.max)
		g->mem_max_kib = v.max;

	if (!active) {
		g->mem_kib = g->mem_used_kib = 0;
		g->cpu_pct = g->disk_rd_bps = g->disk_wr_bps = g->net_rx_bps = g->net_tx_bps = 0;
		g->uptime_s = -1;
		d->have_cpu = d->have_io = false;
		d->cpu_pct = d->rd_bps = d->wr_bps = d->rx_bps = d->tx_bps = -1;
		d->ctr_id = -1;
		return;
	}

	g->mem_kib = v.has_cur ? v.cur : d->info.mem_kib;
	if (v.has_avail && v.has_unused && v.avail >= v.unused)
		g->mem_used_kib = v.avail - v.unused;
	else if (v.has_rss)
		g->mem_used_kib = v.rss;
	else
		g->mem_used_kib = 0;

	/* A new domain id means a new process: old counters do not apply. */
	if (d->ctr_id != id)
		d->have_cpu = d->have_io = false;
	d->ctr_id = id;
	if (v.has_cpu) {
		dt = (double)(now_ns - d->cpu_t_ns);
		if (d->have_cpu && dt > 0 && vcpus && v.cpu_time >= d->cpu_time) {
			d->cpu_pct = (double)(v.cpu_time - d->cpu_time) / (dt * vcpus) * 100.0;
			if (d->cpu_pct > 100.0)
				d->cpu_pct = 100.0;
		}
		d->have_cpu = true;
		d->cpu_time = v.cpu_time;
		d->cpu_t_ns = now_ns;
	} else {
		d->cpu_pct = -1;
	}
	if (io && (v.has_block || v.has_net)) {
		dt = (double)(now_ns - d->io_t_ns) / 1e9;
		if (d->have_io && dt > 0) {
			d->rd_bps = v.rd >= d->rd ? (double)(v.rd - d->rd) / dt : -1;
			d->wr_bps = v.wr >= d->wr ? (double)(v.wr - d->wr) / dt : -1;
			d->rx_bps = v.rx >= d->rx ? (double)(v.rx - d->rx) / dt : -1;
			d->tx_bps = v.tx >= d->tx ? (double)(v.tx - d->tx) / dt : -1;
		}
		d->have_io = true;
		d->rd = v.rd, d->wr = v.wr, d->rx = v.rx, d->tx = v.tx;
		d->io_t_ns = now_ns;
	}
	g->cpu_pct = d->cpu_pct;
	g->disk_rd_bps = d->rd_bps;
	g->disk_wr_bps = d->wr_bps;
	g->net_rx_bps = d->rx_bps;
	g->net_tx_bps = d->tx_bps;

	if (d->proc_start >= 0 && d->proc_id == id)
		g->uptime_s = (long long)time(NULL) - d->proc_start;
	else if (d->run_since_ns)
		g->uptime_s = now_ns > d->run_since_ns
				      ? (long long)((now_ns - d->run_since_ns) / 1000000000ULL) : 0;
	else
		g->uptime_s = -1;
}

int lv_refresh_guests(struct lv_handle *h, struct tve_snapshot *snap, bool io, char **err)
{
	struct round r = {0};
	char **transient = NULL, **autostart = NULL;
	bool *gone = NULL, more = false;
	int n_trans = -1, n_auto = -1, ret = -1, fetched = 0;
	uint64_t xml_t0;
	uint64_t now_ns;

	if (!h->hv_type) {
		lv_count(h);
		h->hv_type = tve_xstrdup(virConnectGetType(h->conn));
	}
	apply_dirty(h);
	if (fetch_stats(h, io, &r, err) < 0)
		return -1;
	now_ns = tve_now_ns();
	if (!(transient = list_uuids(h, VIR_CONNECT_LIST_DOMAINS_TRANSIENT, &n_trans)) ||
	    !(autostart = list_uuids(h, VIR_CONNECT_LIST_DOMAINS_AUTOSTART, &n_auto))) {
		lv_err(err, "cannot list domains");
		goto cleanup;
	}
	r.ent = tve_xcalloc((size_t)r.n + 1, sizeof(*r.ent));
	r.xml = tve_xcalloc((size_t)r.n + 1, sizeof(*r.xml));
	match_entries(h, &r);

	/* XML only for new or invalidated domains.  A domain whose XML cannot
	 * be read or parsed this time is still listed, from its stats and
	 * whatever was parsed before, and tried again on the next refresh:
	 * one odd domain must not take the whole node offline. */
	gone = tve_xcalloc((size_t)r.n + 1, sizeof(*gone));
	xml_t0 = tve_now_ns();
	for (int i = 0; i < r.n; i++) {
		struct tve_guest parsed = {0};

		if (r.ent[i]->xml_valid)
			continue;
		/* A cold start over a slow link costs a round trip per domain:
		 * past the budget, publish what is known (the rest listed from
		 * their stats) and go on in the next refresh. */
		if (fetched && tve_now_ns() - xml_t0 > lv_xml_budget_ns) {
			more = true;
			continue;
		}
		fetched++;
		lv_count(h);
		r.xml[i] = virDomainGetXMLDesc(r.recs[i]->dom, 0);
		if (!r.xml[i]) {
			/* vanished since the stats call, or unreadable for now */
			gone[i] = virGetLastErrorCode() == VIR_ERR_NO_DOMAIN;
			continue;
		}
		if (lv_xml_parse_domain(r.xml[i], &parsed, NULL) < 0) {
			tve_guest_clear(&parsed);
			continue;
		}
		pthread_mutex_lock(&h->lock);
		tve_guest_clear(&r.ent[i]->info);
		r.ent[i]->info = parsed;
		r.ent[i]->xml_valid = true;
		pthread_mutex_unlock(&h->lock);
	}

	update_uptime(h, &r, now_ns);
	for (int i = 0; i < r.n; i++) {
		struct tve_guest *g;

		if (gone[i])
			continue;
		g = tve_snapshot_add_guest(snap);
		fill_guest(g, r.ent[i], r.recs[i], io, now_ns);
		g->persistent = !in_list(transient, n_trans, r.ent[i]->uuid);
		g->autostart = in_list(autostart, n_auto, r.ent[i]->uuid);
	}
	h->refreshed = true;
	if (more)
		tve_node_request_refresh(h->ev->node, TVE_REFRESH_GUESTS);
	ret = 0;
cleanup:
	for (int i = 0; r.xml && i < r.n; i++)
		free(r.xml[i]);
	free(r.xml);
	free(r.ent);
	free(gone);
	free_list(transient, n_trans);
	free_list(autostart, n_auto);
	free_records(&r);
	return ret;
}
