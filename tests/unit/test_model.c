/* test_model.c - snapshots: names, arrays, sorting, copies, refcount, diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

static struct tve_guest *add_guest(struct tve_snapshot *s, int n, const char *name, int vmid)
{
	struct tve_guest *g = tve_snapshot_add_guest(s);

	snprintf(g->uuid, sizeof(g->uuid), "00000000-0000-0000-0000-%012d", n);
	g->name = tve_xstrdup(name);
	g->vmid = vmid;
	g->state = TVE_STATE_RUNNING;
	g->vcpus = 2;
	g->mem_max_kib = 1048576;
	g->mem_kib = 1048576;
	g->cpu_pct = 12.5;
	g->uptime_s = 100;
	g->tags = tve_xstrdup("web;prod");
	g->notes = tve_xstrdup("notes");
	g->os_type = tve_xstrdup("hvm");
	g->arch = tve_xstrdup("x86_64");
	return g;
}

static void fill_guest(struct tve_guest *g)
{
	struct tve_disk *d;
	struct tve_nic *nic;

	for (int i = 0; i < 3; i++) {
		char t[8];

		d = tve_guest_add_disk(g);
		snprintf(t, sizeof(t), "vd%c", 'a' + i);
		d->target = tve_xstrdup(t);
		d->device = tve_xstrdup("disk");
		d->bus = tve_xstrdup("virtio");
		d->source = tve_xstrdup("/var/lib/libvirt/images/x.qcow2");
		d->format = tve_xstrdup("qcow2");
		d->capacity = 1ull << 30;
	}
	nic = tve_guest_add_nic(g);
	nic->mac = tve_xstrdup("52:54:00:00:00:01");
	nic->model = tve_xstrdup("virtio");
	nic->type = tve_xstrdup("network");
	nic->source = tve_xstrdup("default");
}

/* A node with three guests, two pools and two networks, sorted. */
static struct tve_snapshot *make_snapshot(void)
{
	struct tve_snapshot *s = tve_snapshot_new("pve1", "test:///default");
	struct tve_pool *p;
	struct tve_network *n;
	struct tve_volume *v;

	s->state = TVE_NODE_ONLINE;
	s->has_facts = true;
	s->facts.hostname = tve_xstrdup("pve1");
	s->facts.cpu_model = tve_xstrdup("i686");
	s->facts.cpus = 16;
	s->facts.mem_total_kib = 8388608;
	s->facts.libvirt_version = tve_xstrdup("9.0.0");
	s->facts.hv_type = tve_xstrdup("TEST");
	s->facts.uptime_s = 1000;
	s->facts.load[0] = s->facts.load[1] = s->facts.load[2] = -1;
	fill_guest(add_guest(s, 1, "web", 101));
	fill_guest(add_guest(s, 2, "db", 100));
	fill_guest(add_guest(s, 3, "other", 0));
	p = tve_snapshot_add_pool(s);
	p->name = tve_xstrdup("local");
	p->type = tve_xstrdup("dir");
	p->path = tve_xstrdup("/var/lib/libvirt/images");
	p->active = true;
	p->capacity = 100;
	v = tve_pool_add_volume(p);
	v->name = tve_xstrdup("x.qcow2");
	v->path = tve_xstrdup("/var/lib/libvirt/images/x.qcow2");
	v->format = tve_xstrdup("qcow2");
	v->capacity = 10;
	p = tve_snapshot_add_pool(s);
	p->name = tve_xstrdup("iso");
	p->type = tve_xstrdup("dir");
	n = tve_snapshot_add_network(s);
	n->name = tve_xstrdup("default");
	n->active = true;
	n->bridge = tve_xstrdup("virbr0");
	n->forward = tve_xstrdup("nat");
	n = tve_snapshot_add_network(s);
	n->name = tve_xstrdup("backend");
	tve_snapshot_sort(s);
	return s;
}

/* A deep copy of a whole snapshot, built through the public copy API. */
static struct tve_snapshot *copy_snapshot(const struct tve_snapshot *src)
{
	struct tve_snapshot *s = tve_snapshot_new(src->node, src->uri);

	s->state = src->state;
	s->error = tve_xstrdup(src->error);
	s->stale = src->stale;
	s->has_facts = src->has_facts;
	tve_facts_copy(&s->facts, &src->facts);
	for (size_t i = 0; i < src->n_guests; i++)
		tve_guest_copy(tve_snapshot_add_guest(s), &src->guests[i]);
	for (size_t i = 0; i < src->n_pools; i++)
		tve_pool_copy(tve_snapshot_add_pool(s), &src->pools[i]);
	for (size_t i = 0; i < src->n_networks; i++)
		tve_network_copy(tve_snapshot_add_network(s), &src->networks[i]);
	return s;
}

static void test_state_names(void **state)
{
	static const struct {
		enum tve_guest_state s;
		const char *name;
		char sym;
	} want[] = {
		{ TVE_STATE_UNKNOWN, "unknown", '?' },
		{ TVE_STATE_RUNNING, "running", 'R' },
		{ TVE_STATE_BLOCKED, "blocked", 'B' },
		{ TVE_STATE_PAUSED, "paused", 'P' },
		{ TVE_STATE_SHUTDOWN, "shutting down", 'D' },
		{ TVE_STATE_STOPPED, "stopped", 'S' },
		{ TVE_STATE_CRASHED, "crashed", 'C' },
		{ TVE_STATE_SUSPENDED, "suspended", 'Z' },
	};

	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(want); i++) {
		assert_string_equal(tve_guest_state_name(want[i].s), want[i].name);
		assert_int_equal(tve_guest_state_symbol(want[i].s), want[i].sym);
	}
	assert_string_equal(tve_guest_state_name((enum tve_guest_state)99), "unknown");
	assert_int_equal(tve_guest_state_symbol((enum tve_guest_state)99), '?');
	assert_string_equal(tve_guest_type_name(TVE_GUEST_VM), "VM");
	assert_string_equal(tve_guest_type_name(TVE_GUEST_CT), "CT");
	assert_string_equal(tve_node_state_name(TVE_NODE_CONNECTING), "connecting");
	assert_string_equal(tve_node_state_name(TVE_NODE_ONLINE), "online");
	assert_string_equal(tve_node_state_name(TVE_NODE_OFFLINE), "offline");
}

static void test_new_and_arrays(void **state)
{
	struct tve_snapshot *s = tve_snapshot_new("n", "qemu:///system");
	struct tve_guest *g;

	(void)state;
	assert_int_equal(s->refs, 1);
	assert_string_equal(s->node, "n");
	assert_string_equal(s->uri, "qemu:///system");
	assert_int_equal(s->n_guests, 0);
	assert_null(s->guests);
	assert_false(s->has_facts);
	/* Growing past many capacity steps keeps earlier elements intact. */
	for (int i = 0; i < 1000; i++) {
		g = tve_snapshot_add_guest(s);
		assert_int_equal(g->vmid, 0);
		assert_null(g->name);
		g->vmid = i + 1;
		for (int j = 0; j < i % 7; j++)
			tve_guest_add_disk(g)->capacity = (unsigned long long)j;
	}
	assert_int_equal(s->n_guests, 1000);
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(s->guests[i].vmid, i + 1);
		assert_int_equal(s->guests[i].n_disks, (size_t)(i % 7));
		for (int j = 0; j < i % 7; j++)
			assert_int_equal(s->guests[i].disks[j].capacity, (unsigned long long)j);
	}
	for (int i = 0; i < 9; i++)
		tve_snapshot_add_pool(s)->capacity = (unsigned long long)i;
	for (int i = 0; i < 9; i++)
		assert_int_equal(s->pools[i].capacity, (unsigned long long)i);
	for (int i = 0; i < 17; i++)
		tve_pool_add_volume(&s->pools[0])->allocation = (unsigned long long)i;
	assert_int_equal(s->pools[0].n_volumes, 17);
	assert_int_equal(s->pools[0].volumes[16].allocation, 16);
	tve_snapshot_add_network(s);
	tve_guest_add_nic(&s->guests[0]);
	assert_int_equal(s->n_networks, 1);
	assert_int_equal(s->guests[0].n_nics, 1);
	tve_snapshot_unref(s);
	tve_snapshot_unref(NULL);
}

static void test_sort(void **state)
{
	struct tve_snapshot *s = tve_snapshot_new("n", NULL);
	static const char *const want[] = { "c100", "a101", "b200", "alpha", "beta", "zulu" };

	(void)state;
	add_guest(s, 1, "zulu", 0);
	add_guest(s, 2, "b200", 200);
	add_guest(s, 3, "alpha", 0);
	add_guest(s, 4, "a101", 101);
	add_guest(s, 5, "beta", 0);
	add_guest(s, 6, "c100", 100);
	tve_snapshot_add_pool(s)->name = tve_xstrdup("zfs");
	tve_snapshot_add_pool(s)->name = tve_xstrdup("iso");
	tve_snapshot_add_pool(s)->name = tve_xstrdup("local");
	tve_snapshot_add_network(s)->name = tve_xstrdup("wan");
	tve_snapshot_add_network(s)->name = tve_xstrdup("default");
	tve_snapshot_sort(s);
	for (size_t i = 0; i < TVE_ARRAY_SIZE(want); i++)
		assert_string_equal(s->guests[i].name, want[i]);
	assert_string_equal(s->pools[0].name, "iso");
	assert_string_equal(s->pools[1].name, "local");
	assert_string_equal(s->pools[2].name, "zfs");
	assert_string_equal(s->networks[0].name, "default");
	assert_string_equal(s->networks[1].name, "wan");
	/* The comparison itself. */
	assert_true(tve_guest_cmp(&s->guests[0], &s->guests[1]) < 0);
	assert_true(tve_guest_cmp(&s->guests[2], &s->guests[3]) < 0);	/* ID before none */
	assert_true(tve_guest_cmp(&s->guests[3], &s->guests[2]) > 0);
	assert_true(tve_guest_cmp(&s->guests[4], &s->guests[3]) > 0);
	assert_int_equal(tve_guest_cmp(&s->guests[4], &s->guests[4]), 0);
	tve_snapshot_unref(s);
}

static void test_find(void **state)
{
	struct tve_snapshot *s = make_snapshot();
	const struct tve_guest *g;

	(void)state;
	g = tve_snapshot_find_guest(s, "00000000-0000-0000-0000-000000000002");
	assert_non_null(g);
	assert_string_equal(g->name, "db");
	assert_null(tve_snapshot_find_guest(s, "nope"));
	g = tve_snapshot_find_vmid(s, 101);
	assert_non_null(g);
	assert_string_equal(g->name, "web");
	assert_null(tve_snapshot_find_vmid(s, 0));
	assert_null(tve_snapshot_find_vmid(s, 555));
	assert_non_null(tve_snapshot_find_pool(s, "iso"));
	assert_string_equal(tve_snapshot_find_pool(s, "local")->type, "dir");
	assert_null(tve_snapshot_find_pool(s, "zfs"));
	assert_null(tve_snapshot_find_guest(NULL, "x"));
	tve_snapshot_unref(s);
}

static void test_copy_clear(void **state)
{
	struct tve_snapshot *s = make_snapshot();
	struct tve_guest g;
	struct tve_pool p;
	struct tve_network n;
	struct tve_node_facts f;
	const struct tve_guest *src = &s->guests[0];

	(void)state;
	memset(&g, 0, sizeof(g));
	tve_guest_copy(&g, src);
	assert_int_equal(tve_guest_diff(&g, src), 0);
	assert_ptr_not_equal(g.name, src->name);
	assert_ptr_not_equal(g.disks, src->disks);
	assert_ptr_not_equal(g.disks[0].target, src->disks[0].target);
	assert_ptr_not_equal(g.nics[0].mac, src->nics[0].mac);
	assert_string_equal(g.uuid, src->uuid);
	assert_string_equal(g.disks[2].target, "vdc");
	assert_string_equal(g.nics[0].source, "default");
	/* A copy can grow like an original. */
	for (int i = 0; i < 10; i++)
		tve_guest_add_disk(&g)->capacity = 7;
	assert_int_equal(g.n_disks, 13);
	assert_string_equal(g.disks[1].target, "vdb");
	assert_int_equal(src->n_disks, 3);
	tve_guest_clear(&g);
	assert_null(g.name);
	assert_int_equal(g.n_disks, 0);
	assert_null(g.disks);
	tve_guest_clear(&g);	/* twice is harmless */
	tve_guest_clear(NULL);

	memset(&p, 0, sizeof(p));
	tve_pool_copy(&p, tve_snapshot_find_pool(s, "local"));
	assert_string_equal(p.volumes[0].name, "x.qcow2");
	assert_ptr_not_equal(p.volumes, tve_snapshot_find_pool(s, "local")->volumes);
	tve_pool_add_volume(&p);
	assert_int_equal(p.n_volumes, 2);
	tve_pool_clear(&p);
	assert_null(p.name);
	tve_pool_clear(NULL);

	memset(&n, 0, sizeof(n));
	tve_network_copy(&n, &s->networks[1]);
	assert_string_equal(n.name, "default");
	assert_string_equal(n.bridge, "virbr0");
	assert_true(n.active);
	tve_network_clear(&n);
	assert_null(n.bridge);
	tve_network_clear(NULL);

	memset(&f, 0, sizeof(f));
	tve_facts_copy(&f, &s->facts);
	assert_string_equal(f.hostname, "pve1");
	assert_ptr_not_equal(f.hostname, s->facts.hostname);
	assert_int_equal(f.cpus, 16);
	assert_null(f.hv_version);
	tve_facts_clear(&f);
	assert_null(f.hostname);
	tve_facts_clear(NULL);

	/* Whole snapshot copy: equal by diff, independent in memory. */
	{
		struct tve_snapshot *c = copy_snapshot(s);

		assert_int_equal(tve_snapshot_diff(s, c), 0);
		tve_snapshot_unref(s);
		assert_string_equal(c->guests[0].disks[0].bus, "virtio");
		tve_snapshot_unref(c);
	}
}

/* Threads take and drop many references at once, so a non-atomic count
 * loses updates and ends up wrong. */
static void *ref_worker(void *arg)
{
	struct tve_snapshot *s = arg;

	for (int round = 0; round < 200; round++) {
		for (int i = 0; i < 1000; i++)
			tve_snapshot_ref(s);
		for (int i = 0; i < 1000; i++)
			tve_snapshot_unref(s);
	}
	return NULL;
}

static void test_refcount(void **state)
{
	struct tve_snapshot *s = make_snapshot();
	pthread_t th[4];

	(void)state;
	assert_ptr_equal(tve_snapshot_ref(s), s);
	assert_int_equal(s->refs, 2);
	tve_snapshot_unref(s);
	assert_int_equal(s->refs, 1);
	assert_null(tve_snapshot_ref(NULL));
	/* A cushion of references keeps lost updates from freeing it early,
	 * so a broken count shows up as a wrong number, not a crash. */
	for (int i = 0; i < 100000; i++)
		tve_snapshot_ref(s);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, ref_worker, s), 0);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(s->refs, 100001);
	for (int i = 0; i < 100000; i++)
		tve_snapshot_unref(s);
	assert_int_equal(s->refs, 1);
	tve_snapshot_unref(s);	/* frees; valgrind checks */
}

/* ---- diff ---- */

#define ALL_GUEST (TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_STATE | TVE_DIFF_GUEST_STATS | \
		   TVE_DIFF_GUEST_CONFIG)
#define ALL_FLAGS (TVE_DIFF_NODE | ALL_GUEST | TVE_DIFF_POOLS | TVE_DIFF_NETWORKS)

static void test_diff_identical_and_null(void **state)
{
	struct tve_snapshot *a = make_snapshot(), *b = copy_snapshot(a);

	(void)state;
	assert_int_equal(tve_snapshot_diff(a, b), 0);
	assert_int_equal(tve_snapshot_diff(a, a), 0);
	assert_int_equal(tve_snapshot_diff(NULL, b), ALL_FLAGS);
	assert_int_equal(tve_snapshot_diff(a, NULL), ALL_FLAGS);
	/* Bookkeeping fields are not content. */
	b->updated = 12345;
	b->generation = 9;
	b->state_since = 77;
	assert_int_equal(tve_snapshot_diff(a, b), 0);
	/* NaN for unknown numbers is stable. */
	a->guests[0].cpu_pct = NAN;
	b->guests[0].cpu_pct = NAN;
	assert_int_equal(tve_snapshot_diff(a, b), 0);
	tve_snapshot_unref(a);
	tve_snapshot_unref(b);
}

typedef void (*mutator)(struct tve_snapshot *s);

#define MUT(name, body)                                                                        \
	static void name(struct tve_snapshot *s)                                               \
	{                                                                                      \
		body;                                                                          \
	}

MUT(m_node_state, s->state = TVE_NODE_OFFLINE)
MUT(m_node_error, s->error = tve_xstrdup("connection lost"))
MUT(m_node_stale, s->stale = true)
MUT(m_node_has_facts, s->has_facts = false)
MUT(m_facts_mem, s->facts.mem_free_kib = 42)
MUT(m_facts_load, s->facts.load[2] = 0.5)
MUT(m_facts_host, free(s->facts.hostname); s->facts.hostname = tve_xstrdup("other"))
MUT(m_facts_hv, s->facts.hv_version = tve_xstrdup("7.2.0"))
MUT(m_facts_uptime, s->facts.uptime_s++)
MUT(m_set_rename, free(s->guests[1].name); s->guests[1].name = tve_xstrdup("renamed"))
MUT(m_set_vmid, s->guests[2].vmid = 300)
MUT(m_set_type, s->guests[0].type = TVE_GUEST_CT)
MUT(m_set_add, add_guest(s, 9, "new", 0))
MUT(m_set_remove, tve_guest_clear(&s->guests[--s->n_guests]))
MUT(m_set_reorder,
    struct tve_guest t = s->guests[0]; s->guests[0] = s->guests[1]; s->guests[1] = t)
MUT(m_set_uuid, s->guests[2].uuid[35] = 'f')
MUT(m_state, s->guests[1].state = TVE_STATE_PAUSED)
MUT(m_cpu, s->guests[0].cpu_pct = 99.0)
MUT(m_mem_used, s->guests[0].mem_used_kib = 4)
MUT(m_mem_kib, s->guests[0].mem_kib = 4)
MUT(m_rd, s->guests[2].disk_rd_bps = 1)
MUT(m_wr, s->guests[2].disk_wr_bps = 1)
MUT(m_rx, s->guests[2].net_rx_bps = 1)
MUT(m_tx, s->guests[2].net_tx_bps = 1)
MUT(m_uptime, s->guests[2].uptime_s = 101)
MUT(m_vcpus, s->guests[0].vcpus = 4)
MUT(m_mem_max, s->guests[0].mem_max_kib = 2)
MUT(m_autostart, s->guests[0].autostart = true)
MUT(m_persistent, s->guests[0].persistent = true)
MUT(m_tags, free(s->guests[0].tags); s->guests[0].tags = NULL)
MUT(m_notes, free(s->guests[0].notes); s->guests[0].notes = tve_xstrdup("new notes"))
MUT(m_disk_add, tve_guest_add_disk(&s->guests[1])->target = tve_xstrdup("vdz"))
MUT(m_disk_source, free(s->guests[1].disks[1].source); s->guests[1].disks[1].source = NULL)
MUT(m_disk_capacity, s->guests[1].disks[2].capacity++)
MUT(m_nic_mac, s->guests[2].nics[0].mac[16] = '9')
MUT(m_nic_add, tve_guest_add_nic(&s->guests[2]))
MUT(m_pool_alloc, s->pools[0].allocation = 5)
MUT(m_pool_active, s->pools[1].active = false)
MUT(m_pool_add, tve_snapshot_add_pool(s)->name = tve_xstrdup("zz"))
MUT(m_volume, s->pools[1].volumes[0].allocation = 3)
MUT(m_volume_add, tve_pool_add_volume(&s->pools[0]))
MUT(m_net_active, s->networks[0].active = true)
MUT(m_net_forward, free(s->networks[1].forward); s->networks[1].forward = NULL)
MUT(m_net_remove, tve_network_clear(&s->networks[--s->n_networks]))

static const struct {
	const char *what;
	mutator fn;
	unsigned want;
} diff_cases[] = {
	{ "node state", m_node_state, TVE_DIFF_NODE },
	{ "node error", m_node_error, TVE_DIFF_NODE },
	{ "node stale", m_node_stale, TVE_DIFF_NODE },
	{ "node has_facts", m_node_has_facts, TVE_DIFF_NODE },
	{ "facts mem", m_facts_mem, TVE_DIFF_NODE },
	{ "facts load", m_facts_load, TVE_DIFF_NODE },
	{ "facts hostname", m_facts_host, TVE_DIFF_NODE },
	{ "facts hv_version", m_facts_hv, TVE_DIFF_NODE },
	{ "facts uptime", m_facts_uptime, TVE_DIFF_NODE },
	{ "rename", m_set_rename, TVE_DIFF_GUEST_SET },
	{ "re-ID", m_set_vmid, TVE_DIFF_GUEST_SET },
	{ "type", m_set_type, TVE_DIFF_GUEST_SET },
	{ "add guest", m_set_add, ALL_GUEST },
	{ "remove guest", m_set_remove, ALL_GUEST },
	{ "reorder", m_set_reorder, ALL_GUEST },
	{ "other uuid", m_set_uuid, ALL_GUEST },
	{ "state", m_state, TVE_DIFF_GUEST_STATE },
	{ "cpu", m_cpu, TVE_DIFF_GUEST_STATS },
	{ "mem used", m_mem_used, TVE_DIFF_GUEST_STATS },
	{ "mem balloon", m_mem_kib, TVE_DIFF_GUEST_STATS },
	{ "disk read", m_rd, TVE_DIFF_GUEST_STATS },
	{ "disk write", m_wr, TVE_DIFF_GUEST_STATS },
	{ "net rx", m_rx, TVE_DIFF_GUEST_STATS },
	{ "net tx", m_tx, TVE_DIFF_GUEST_STATS },
	{ "uptime", m_uptime, TVE_DIFF_GUEST_STATS },
	{ "vcpus", m_vcpus, TVE_DIFF_GUEST_CONFIG },
	{ "mem max", m_mem_max, TVE_DIFF_GUEST_CONFIG },
	{ "autostart", m_autostart, TVE_DIFF_GUEST_CONFIG },
	{ "persistent", m_persistent, TVE_DIFF_GUEST_CONFIG },
	{ "tags", m_tags, TVE_DIFF_GUEST_CONFIG },
	{ "notes", m_notes, TVE_DIFF_GUEST_CONFIG },
	{ "disk added", m_disk_add, TVE_DIFF_GUEST_CONFIG },
	{ "disk source", m_disk_source, TVE_DIFF_GUEST_CONFIG },
	{ "disk capacity", m_disk_capacity, TVE_DIFF_GUEST_CONFIG },
	{ "nic mac", m_nic_mac, TVE_DIFF_GUEST_CONFIG },
	{ "nic added", m_nic_add, TVE_DIFF_GUEST_CONFIG },
	{ "pool allocation", m_pool_alloc, TVE_DIFF_POOLS },
	{ "pool active", m_pool_active, TVE_DIFF_POOLS },
	{ "pool added", m_pool_add, TVE_DIFF_POOLS },
	{ "volume allocation", m_volume, TVE_DIFF_POOLS },
	{ "volume added", m_volume_add, TVE_DIFF_POOLS },
	{ "network active", m_net_active, TVE_DIFF_NETWORKS },
	{ "network forward", m_net_forward, TVE_DIFF_NETWORKS },
	{ "network removed", m_net_remove, TVE_DIFF_NETWORKS },
};

static void test_diff_flags(void **state)
{
	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(diff_cases); i++) {
		struct tve_snapshot *a = make_snapshot(), *b = copy_snapshot(a);
		unsigned got, back;

		diff_cases[i].fn(b);
		got = tve_snapshot_diff(a, b);
		back = tve_snapshot_diff(b, a);
		if (got != diff_cases[i].want || back != diff_cases[i].want)
			fail_msg("%s: diff 0x%x / 0x%x, want 0x%x", diff_cases[i].what, got, back,
				 diff_cases[i].want);
		tve_snapshot_unref(a);
		tve_snapshot_unref(b);
	}
}

static void test_diff_combined(void **state)
{
	struct tve_snapshot *a = make_snapshot(), *b = copy_snapshot(a);

	(void)state;
	m_state(b);
	m_cpu(b);
	m_notes(b);
	m_pool_alloc(b);
	assert_int_equal(tve_snapshot_diff(a, b), TVE_DIFF_GUEST_STATE | TVE_DIFF_GUEST_STATS |
							   TVE_DIFF_GUEST_CONFIG | TVE_DIFF_POOLS);
	tve_snapshot_unref(a);
	tve_snapshot_unref(b);
}

static void test_guest_diff(void **state)
{
	struct tve_snapshot *a = make_snapshot(), *b = copy_snapshot(a);
	struct tve_guest *ga = &a->guests[0], *gb = &b->guests[0];

	(void)state;
	assert_int_equal(tve_guest_diff(ga, gb), 0);
	assert_int_equal(tve_guest_diff(ga, ga), 0);
	assert_int_equal(tve_guest_diff(ga, NULL), ALL_GUEST);
	assert_int_equal(tve_guest_diff(ga, &b->guests[1]) & TVE_DIFF_GUEST_SET,
			 TVE_DIFF_GUEST_SET);
	gb->state = TVE_STATE_STOPPED;
	assert_int_equal(tve_guest_diff(ga, gb), TVE_DIFF_GUEST_STATE);
	gb->uptime_s = -1;
	assert_int_equal(tve_guest_diff(ga, gb), TVE_DIFF_GUEST_STATE | TVE_DIFF_GUEST_STATS);
	gb->vcpus = 8;
	assert_int_equal(tve_guest_diff(ga, gb),
			 TVE_DIFF_GUEST_STATE | TVE_DIFF_GUEST_STATS | TVE_DIFF_GUEST_CONFIG);
	gb->vmid = 999;
	assert_int_equal(tve_guest_diff(ga, gb), ALL_GUEST);
	/* Other guests untouched. */
	assert_int_equal(tve_guest_diff(&a->guests[2], &b->guests[2]), 0);
	tve_snapshot_unref(a);
	tve_snapshot_unref(b);
}

/* 1000 guests: the per-tick diff must be cheap.  A figure, not a timing
 * assertion (timings belong in bench/). */
static void test_diff_many(void **state)
{
	struct tve_snapshot *a = tve_snapshot_new("big", NULL), *b;
	uint64_t t0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		char name[32];

		snprintf(name, sizeof(name), "guest%04d", i);
		fill_guest(add_guest(a, i, name, 100 + i));
	}
	tve_snapshot_sort(a);
	b = copy_snapshot(a);
	t0 = tve_now_ns();
	for (int i = 0; i < 100; i++)
		assert_int_equal(tve_snapshot_diff(a, b), 0);
	b->guests[999].state = TVE_STATE_STOPPED;
	assert_int_equal(tve_snapshot_diff(a, b), TVE_DIFF_GUEST_STATE);
	printf("# diff of 1000 guests: %.1f us\n", (double)(tve_now_ns() - t0) / 100 / 1000);
	tve_snapshot_unref(a);
	tve_snapshot_unref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_new_and_arrays),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_copy_clear),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_diff_identical_and_null),
		cmocka_unit_test(test_diff_flags),
		cmocka_unit_test(test_diff_combined),
		cmocka_unit_test(test_guest_diff),
		cmocka_unit_test(test_diff_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
