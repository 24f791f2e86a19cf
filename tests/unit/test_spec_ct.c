/* test_spec_ct.c - the Create CT spec: defaults, every rule good and bad,
 * the root volume's name, the LXC domain XML and the confirm page against
 * golden files tests/golden/ct-* (TVE_UPDATE_GOLDEN=1 rewrites them; each
 * XML is also checked with virt-xml-validate, libvirt's schema). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "golden.h"
#include "spec.h"
#include "task.h"
#include "util.h"

#define GiB (1024ULL * 1024 * 1024)

#define KEY_ED25519 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIXiHFBPJiobjmjwmL6AO2yP4xPPtjK3nrs7mA6ekOAx alice@example.org"
#define KEY_RSA "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDBt6w/VCG/szyUj8VVwJE5RDLOYzELtc5bbH0dCw6hKAB1ET2ws0deQvEIonZbdD6HAYBeaOiwoA08pWiPhkBb2IgdOGDBWsGI2YttB9xQ4bUVaGmT9hde4fL51sSiqj9TFpCzGgicELwV3TG5O3meRBT+RzYFDOsuZKMj3PnktQ== bob"
#define KEY_ECDSA "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBJcgpvYUn0RzjG/X35iJElb6oTqxz95XNh+7XQxPAxj3T+RkdeKRrYSHDBNVCw1Y8ZiQk9dAtpRzS+Wzq4s3t1I= carol"
#define KEY_SK "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIAABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fAAAABHNzaDo= dave@yubikey"
#define ROOTFS "/pools/images/subvol-102-disk-0"

static struct tve_snapshot *ct1, *pve1, *demo, *bare;
static const struct tve_snapshot *nodes[4];

static struct tve_pool *add_pool(struct tve_snapshot *s, const char *name, const char *type,
				 bool active, unsigned long long avail)
{
	struct tve_pool *p = tve_snapshot_add_pool(s);

	p->name = tve_xstrdup(name);
	p->type = tve_xstrdup(type);
	p->path = tve_xasprintf("/pools/%s", name);
	p->active = active;
	p->capacity = 500 * GiB;
	p->available = avail;
	return p;
}

static void add_vol(struct tve_pool *p, const char *name)
{
	tve_pool_add_volume(p)->name = tve_xstrdup(name);
}

static void add_guest(struct tve_snapshot *s, const char *name, int vmid)
{
	struct tve_guest *g = tve_snapshot_add_guest(s);

	g->name = tve_xstrdup(name);
	g->vmid = vmid;
	g->type = TVE_GUEST_CT;
}

static void add_net(struct tve_snapshot *s, const char *name, bool active)
{
	struct tve_network *n = tve_snapshot_add_network(s);

	n->name = tve_xstrdup(name);
	n->active = active;
}

static struct tve_snapshot *node(const char *name, const char *uri, const char *dtype)
{
	struct tve_snapshot *s = tve_snapshot_new(name, uri);

	s->state = TVE_NODE_ONLINE;
	s->has_caps = true;
	s->caps.arch = tve_xstrdup("x86_64");
	s->caps.domain_type = tve_xstrdup(dtype);
	return s;
}

/* ct1: an LXC node (4 CPUs, 8 GiB); pve1: a KVM node; demo: the test
 * driver; bare: LXC without bridges, networks or pools. */
static int setup(void **state)
{
	struct tve_pool *p;

	(void)state;
	ct1 = node("ct1", "lxc:///", "lxc");
	ct1->has_facts = true;
	ct1->facts.cpus = 4;
	ct1->facts.mem_total_kib = 8ULL * 1024 * 1024;
	tve_strlist_add(&ct1->caps.n_bridges, &ct1->caps.bridges, "vmbr0");
	tve_strlist_add(&ct1->caps.n_bridges, &ct1->caps.bridges, "vmbr1");
	add_pool(ct1, "aoff", "dir", false, 100 * GiB);
	p = add_pool(ct1, "images", "dir", true, 50 * GiB);
	add_vol(p, "notes.txt");
	add_vol(p, "vm-105-disk-0.raw");
	add_vol(p, "debian-12-standard_12.7-1_amd64.tar.zst");
	add_vol(p, "alpine.tar.xz");
	p = add_pool(ct1, "lvm", "logical", true, 200 * GiB);
	add_vol(p, "rootfs.tar.gz");
	add_net(ct1, "default", true);
	add_net(ct1, "isolated", false);
	add_guest(ct1, "ns1", 101);
	add_guest(ct1, "CT107", 0);
	tve_snapshot_sort(ct1);

	pve1 = node("pve1", "qemu:///system", "kvm");
	add_guest(pve1, "web01", 100);
	pve1->guests[0].type = TVE_GUEST_VM;

	demo = node("demo", "test:///default", "test");
	p = add_pool(demo, "default-pool", "dir", true, 100 * GiB);
	add_vol(p, "debian.tar.gz");
	tve_strlist_add(&demo->caps.n_bridges, &demo->caps.bridges, "br0");

	bare = node("bare", "lxc+ssh://bare/", "lxc");

	nodes[0] = ct1;
	nodes[1] = pve1;
	nodes[2] = demo;
	nodes[3] = bare;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < 4; i++)
		tve_snapshot_unref((struct tve_snapshot *)nodes[i]);
	return 0;
}

static struct tve_create_ctx ctx_on(const struct tve_snapshot *n)
{
	return (struct tve_create_ctx){ .nodes = nodes, .n_nodes = 4, .node = n };
}

static void set(char **field, const char *v)
{
	free(*field);
	*field = tve_xstrdup(v);
}

/* Defaults on ct1 with a password: a valid spec. */
static void base_spec(struct tve_ct_spec *s, const struct tve_create_ctx *ctx)
{
	tve_ct_spec_defaults(s, ctx);
	set(&s->password, "secret1");
}

/* ---- defaults ------------------------------------------------------------- */

static void test_defaults(void **state)
{
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec s;
	char *err = NULL;

	(void)state;
	tve_ct_spec_defaults(&s, &ctx);
	assert_string_equal(s.node, "ct1");
	assert_int_equal(s.vmid, 102);	/* 100 on pve1, 101 on ct1 */
	assert_null(s.hostname);
	assert_true(s.unprivileged);
	assert_false(s.nesting);
	assert_null(s.password);
	/* the first tarball on an active pool, in pool then volume order */
	assert_string_equal(s.template_vol, "images/debian-12-standard_12.7-1_amd64.tar.zst");
	assert_string_equal(s.rootfs_pool, "images");	/* "aoff" is not active, lvm not a dir */
	assert_int_equal(s.rootfs_size, 8 * GiB);
	assert_int_equal(s.cores, 1);
	assert_true(s.cpulimit == 0);
	assert_int_equal(s.cpuunits, 0);
	assert_int_equal(s.memory_mib, 512);
	assert_int_equal(s.swap_mib, 512);
	assert_int_equal(s.net, TVE_NET_BRIDGE);
	assert_string_equal(s.net_source, "vmbr0");
	assert_true(s.firewall);
	assert_int_equal(s.ip4, TVE_IP_DHCP);
	assert_int_equal(s.ip6, TVE_IP_NONE);
	assert_null(s.dns_domain);
	assert_null(s.dns_servers);
	/* only the root password is missing */
	assert_int_equal(tve_ct_check_page(&s, &ctx, -1, &err), -1);
	assert_string_equal(err, "set a root password or SSH public keys");
	set(&s.password, "secret1");
	assert_int_equal(tve_ct_check_page(&s, &ctx, -1, &err), 0);
	free(err);
	tve_ct_spec_clear(&s);

	/* no bridge: the first active network; none at all: no NIC */
	ctx = ctx_on(bare);
	add_net(bare, "off", false);
	add_net(bare, "lan", true);
	tve_ct_spec_defaults(&s, &ctx);
	assert_int_equal(s.net, TVE_NET_NETWORK);
	assert_string_equal(s.net_source, "lan");
	assert_null(s.template_vol);
	assert_null(s.rootfs_pool);
	tve_ct_spec_clear(&s);
	bare->networks[1].active = false;
	tve_ct_spec_defaults(&s, &ctx);
	assert_int_equal(s.net, TVE_NET_NONE);
	assert_null(s.net_source);
	tve_ct_spec_clear(&s);
	tve_ct_spec_clear(NULL);
}

static void test_copy_clear(void **state)
{
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec a, b;

	(void)state;
	base_spec(&a, &ctx);
	set(&a.hostname, "web");
	set(&a.ssh_keys, KEY_ED25519);
	set(&a.ip4_cidr, "10.0.0.5/24");
	set(&a.dns_servers, "1.1.1.1");
	tve_ct_spec_plan(&a, &ctx, NULL);
	tve_ct_spec_copy(&b, &a);
	assert_ptr_not_equal(a.hostname, b.hostname);
	assert_ptr_not_equal(a.password, b.password);
	assert_string_equal(b.hostname, "web");
	assert_string_equal(b.password, "secret1");
	assert_string_equal(b.ssh_keys, KEY_ED25519);
	assert_string_equal(b.template_vol, a.template_vol);
	assert_string_equal(b.rootfs_volume, "subvol-102-disk-0");
	assert_string_equal(b.ip4_cidr, "10.0.0.5/24");
	assert_string_equal(b.dns_servers, "1.1.1.1");
	assert_int_equal(b.vmid, a.vmid);
	tve_ct_spec_clear(&a);
	assert_null(a.hostname);
	assert_string_equal(b.hostname, "web");	/* b is its own */
	tve_ct_spec_clear(&b);
}

static void test_pages(void **state)
{
	static const int want[TVE_CTF__COUNT] = {
		[TVE_CTF_NODE] = 0, [TVE_CTF_VMID] = 0, [TVE_CTF_HOSTNAME] = 0, [TVE_CTF_PASSWORD] = 0,
		[TVE_CTF_SSH_KEYS] = 0, [TVE_CTF_TAGS] = 0, [TVE_CTF_TEMPLATE] = 1,
		[TVE_CTF_ROOTFS_POOL] = 2, [TVE_CTF_ROOTFS_SIZE] = 2, [TVE_CTF_CORES] = 3,
		[TVE_CTF_CPULIMIT] = 3, [TVE_CTF_CPUUNITS] = 3, [TVE_CTF_MEMORY] = 4, [TVE_CTF_SWAP] = 4,
		[TVE_CTF_NET_SOURCE] = 5, [TVE_CTF_MAC] = 5, [TVE_CTF_VLAN] = 5, [TVE_CTF_IP4] = 5,
		[TVE_CTF_GW4] = 5, [TVE_CTF_IP6] = 5, [TVE_CTF_GW6] = 5, [TVE_CTF_DNS_DOMAIN] = 6,
		[TVE_CTF_DNS_SERVERS] = 6,
	};
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec s;
	char *err = NULL;

	(void)state;
	for (int f = 0; f < TVE_CTF__COUNT; f++)
		assert_int_equal(tve_ct_field_page((enum tve_ct_field)f), want[f]);
	assert_int_equal(tve_ct_field_page(TVE_CTF__COUNT), -1);

	/* a page reports its own first problem only */
	base_spec(&s, &ctx);
	s.memory_mib = 4;
	s.vlan = 5000;
	for (int p = 0; p <= 6; p++)
		assert_int_equal(tve_ct_check_page(&s, &ctx, p, NULL), p == 4 || p == 5 ? -1 : 0);
	assert_int_equal(tve_ct_check_page(&s, &ctx, 5, &err), -1);
	assert_string_equal(err, "VLAN tag must be 1-4094 (0 = none)");
	assert_int_equal(tve_ct_check_page(&s, &ctx, -1, &err), -1);
	assert_string_equal(err, "memory must be at least 16 MiB");
	free(err);
	tve_ct_spec_clear(&s);
}

/* ---- rules ---------------------------------------------------------------- */

/* One case: a change to the valid base spec, the field checked, and the
 * message expected (NULL = fine; a leading '~' = contains). */
struct rule_case {
	const char *what;
	void (*apply)(struct tve_ct_spec *s);
	enum tve_ct_field field;
	const char *want;
	const struct tve_snapshot **on;	/* node; default ct1 */
};

#define APPLY(name, body) \
	static void apply_##name(struct tve_ct_spec *s) { body; }
#define SPEC(field_, v) set(&s->field_, v)

APPLY(node_ok, (void)s)
APPLY(node_empty, SPEC(node, ""))
APPLY(node_other, SPEC(node, "pve1"))
APPLY(vmid_low, s->vmid = 99)
APPLY(vmid_used_other_node, s->vmid = 100)
APPLY(vmid_used_here, s->vmid = 101)
APPLY(vmid_ok, s->vmid = 4242)
APPLY(host_fqdn, SPEC(hostname, "web-1.example.org"))
APPLY(host_dash, SPEC(hostname, "-web"))
APPLY(host_underscore, SPEC(hostname, "web_1"))
APPLY(host_long, SPEC(hostname, "a123456789012345678901234567890123456789012345678901234567890123"))
APPLY(host_taken, SPEC(hostname, "NS1"))
APPLY(host_default_taken, s->vmid = 107)
APPLY(pw_short, SPEC(password, "abcd"))
APPLY(pw_five, SPEC(password, "abcde"))
APPLY(pw_newline, SPEC(password, "abc\ndefgh"))
APPLY(pw_none_keys, SPEC(password, NULL); SPEC(ssh_keys, KEY_ED25519))
APPLY(pw_none_nokeys, SPEC(password, NULL); SPEC(ssh_keys, "\n"))
APPLY(keys_all, SPEC(ssh_keys, "# mine\n" KEY_ED25519 "\n\n" KEY_RSA "\r\n  " KEY_ECDSA "\n" KEY_SK "\n"))
APPLY(keys_options, SPEC(ssh_keys, "no-pty,command=\"echo a b\" " KEY_ED25519))
APPLY(keys_nocomment, SPEC(ssh_keys, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIXiHFBPJiobjmjwmL6AO2yP4xPPtjK3nrs7mA6ekOAx"))
APPLY(keys_garbage, SPEC(ssh_keys, KEY_ED25519 "\nhello world"))
APPLY(keys_b64, SPEC(ssh_keys, "ssh-ed25519 AAAA!!!! x"))
APPLY(keys_b64_len, SPEC(ssh_keys, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIXiHFBPJiobjmjwmL6AO2yP4xPPtjK3nrs7mA6ekOA x"))
APPLY(keys_mismatch, SPEC(ssh_keys, "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIIXiHFBPJiobjmjwmL6AO2yP4xPPtjK3nrs7mA6ekOAx x"))
APPLY(keys_private, SPEC(ssh_keys, "-----BEGIN OPENSSH PRIVATE KEY-----"))
APPLY(tags_ok, SPEC(tags, "web;prod dmz"))
APPLY(tags_bad, SPEC(tags, "web;-x"))
APPLY(tmpl_xz, SPEC(template_vol, "images/alpine.tar.xz"))
APPLY(tmpl_other_pool, SPEC(template_vol, "lvm/rootfs.tar.gz"))
APPLY(tmpl_empty, SPEC(template_vol, NULL))
APPLY(tmpl_noslash, SPEC(template_vol, "debian.tar.gz"))
APPLY(tmpl_nopool, SPEC(template_vol, "ghost/debian.tar.gz"))
APPLY(tmpl_novol, SPEC(template_vol, "images/ghost.tar.gz"))
APPLY(tmpl_notar, SPEC(template_vol, "images/notes.txt"))
APPLY(pool_empty, SPEC(rootfs_pool, ""))
APPLY(pool_missing, SPEC(rootfs_pool, "ghost"))
APPLY(pool_inactive, SPEC(rootfs_pool, "aoff"))
APPLY(pool_lvm, SPEC(rootfs_pool, "lvm"))
APPLY(size_zero, s->rootfs_size = 0)
APPLY(size_all, s->rootfs_size = 50 * GiB)
APPLY(size_over, s->rootfs_size = 50 * GiB + 1)
APPLY(size_badpool, SPEC(rootfs_pool, "lvm"); s->rootfs_size = 0)
APPLY(cores_zero, s->cores = 0)
APPLY(cores_all, s->cores = 4)
APPLY(cores_over, s->cores = 5)
APPLY(limit_frac, s->cpulimit = 1.5)
APPLY(limit_over, s->cpulimit = 4.5)
APPLY(limit_neg, s->cpulimit = -1)
APPLY(limit_tiny, s->cpulimit = 0.001)
APPLY(units_max, s->cpuunits = 10000)
APPLY(units_over, s->cpuunits = 10001)
APPLY(mem_min, s->memory_mib = 16)
APPLY(mem_low, s->memory_mib = 15)
APPLY(mem_all, s->memory_mib = 8192)
APPLY(mem_over, s->memory_mib = 8193)
APPLY(swap_zero, s->swap_mib = 0)
APPLY(swap_huge, s->swap_mib = 1ULL << 40)
APPLY(br_other, SPEC(net_source, "vmbr1"))
APPLY(br_missing, SPEC(net_source, "vmbr9"))
APPLY(br_empty, SPEC(net_source, ""))
APPLY(net_ok, s->net = TVE_NET_NETWORK; SPEC(net_source, "default"))
APPLY(net_inactive, s->net = TVE_NET_NETWORK; SPEC(net_source, "isolated"))
APPLY(net_missing, s->net = TVE_NET_NETWORK; SPEC(net_source, "ghost"))
APPLY(net_none, s->net = TVE_NET_NONE; SPEC(net_source, NULL))
APPLY(mac_ok, SPEC(mac, "52:54:00:12:34:56"))
APPLY(mac_multicast, SPEC(mac, "01:54:00:12:34:56"))
APPLY(mac_syntax, SPEC(mac, "52:54:00:12:34"))
APPLY(mac_nonet, s->net = TVE_NET_NONE; SPEC(mac, "bad"))
APPLY(vlan_max, s->vlan = 4094)
APPLY(vlan_over, s->vlan = 4095)
APPLY(vlan_neg, s->vlan = -1)
APPLY(ip4_static, s->ip4 = TVE_IP_STATIC; SPEC(ip4_cidr, "10.0.0.5/24"))
APPLY(ip4_static_empty, s->ip4 = TVE_IP_STATIC)
APPLY(ip4_noprefix, s->ip4 = TVE_IP_STATIC; SPEC(ip4_cidr, "10.0.0.5"))
APPLY(ip4_badprefix, s->ip4 = TVE_IP_STATIC; SPEC(ip4_cidr, "10.0.0.5/33"))
APPLY(ip4_slaac, s->ip4 = TVE_IP_SLAAC)
APPLY(ip4_none, s->ip4 = TVE_IP_NONE)
APPLY(gw4_ok, s->ip4 = TVE_IP_STATIC; SPEC(ip4_cidr, "10.0.0.5/24"); SPEC(gw4, "10.0.0.1"))
APPLY(gw4_outside, s->ip4 = TVE_IP_STATIC; SPEC(ip4_cidr, "10.0.0.5/24"); SPEC(gw4, "192.168.1.1"))
APPLY(gw4_bad, s->ip4 = TVE_IP_STATIC; SPEC(ip4_cidr, "10.0.0.5/24"); SPEC(gw4, "10.0.0"))
APPLY(gw4_v6, s->ip4 = TVE_IP_STATIC; SPEC(ip4_cidr, "10.0.0.5/24"); SPEC(gw4, "fd00::1"))
APPLY(gw4_dhcp_ignored, SPEC(gw4, "junk"))
APPLY(ip6_static, s->ip6 = TVE_IP_STATIC; SPEC(ip6_cidr, "fd00::5/64"))
APPLY(ip6_badprefix, s->ip6 = TVE_IP_STATIC; SPEC(ip6_cidr, "fd00::5/129"))
APPLY(ip6_v4, s->ip6 = TVE_IP_STATIC; SPEC(ip6_cidr, "10.0.0.5/24"))
APPLY(ip6_slaac, s->ip6 = TVE_IP_SLAAC)
APPLY(ip6_dhcp, s->ip6 = TVE_IP_DHCP)
APPLY(gw6_ok, s->ip6 = TVE_IP_STATIC; SPEC(ip6_cidr, "fd00::5/64"); SPEC(gw6, "fe80::1"))
APPLY(gw6_bad, s->ip6 = TVE_IP_STATIC; SPEC(ip6_cidr, "fd00::5/64"); SPEC(gw6, "fd00::zz"))
APPLY(dom_ok, SPEC(dns_domain, "example.org"))
APPLY(dom_bad, SPEC(dns_domain, "exa_mple.org"))
APPLY(dns_ok, SPEC(dns_servers, "1.1.1.1 2606:4700::1111,9.9.9.9"))
APPLY(dns_bad, SPEC(dns_servers, "1.1.1.1 1.2.3"))
APPLY(dns_four, SPEC(dns_servers, "1.1.1.1 1.0.0.1 8.8.8.8 8.8.4.4"))

#define C(name, field, want) { #name, apply_##name, TVE_CTF_##field, want, NULL }
#define CN(name, field, want, node) { #name, apply_##name, TVE_CTF_##field, want, node }

static const struct tve_snapshot *on_pve1;

static const struct rule_case cases[] = {
	C(node_ok, NODE, NULL),
	C(node_empty, NODE, "a node is required"),
	C(node_other, NODE, "node pve1 is not the one being created on"),
	CN(node_ok, NODE, "node pve1 runs kvm guests, not containers (LXC)", &on_pve1),
	C(vmid_low, VMID, "ID must be between 100 and 999999999"),
	C(vmid_used_other_node, VMID, "ID 100 is used by web01 on pve1"),
	C(vmid_used_here, VMID, "ID 101 is used by ns1 on ct1"),
	C(vmid_ok, VMID, NULL),
	C(host_fqdn, HOSTNAME, NULL),
	C(host_dash, HOSTNAME, "'-web': a name cannot start or end with '-'"),
	C(host_underscore, HOSTNAME, "~contains '_'"),
	C(host_long, HOSTNAME, "~longer than 63"),
	C(host_taken, HOSTNAME, "NS1 is already a guest's name on ct1"),
	C(host_default_taken, HOSTNAME, "CT107 is already a guest's name on ct1"),
	C(pw_short, PASSWORD, "the password needs at least 5 characters"),
	C(pw_five, PASSWORD, NULL),
	C(pw_newline, PASSWORD, "the password cannot contain a line break"),
	C(pw_none_keys, PASSWORD, NULL),
	C(pw_none_nokeys, PASSWORD, "set a root password or SSH public keys"),
	C(keys_all, SSH_KEYS, NULL),
	C(keys_options, SSH_KEYS, NULL),
	C(keys_nocomment, SSH_KEYS, NULL),
	C(keys_garbage, SSH_KEYS, "line 2 is not an SSH public key (ssh-ed25519 AAAA... comment)"),
	C(keys_b64, SSH_KEYS, "line 1: the key is not valid base64"),
	C(keys_b64_len, SSH_KEYS, "line 1: the key is not valid base64"),
	C(keys_mismatch, SSH_KEYS, "line 1: the key data is not a ssh-rsa key"),
	C(keys_private, SSH_KEYS, "~line 1 is not an SSH public key"),
	C(tags_ok, TAGS, NULL),
	C(tags_bad, TAGS, "~tag '-x'"),
	C(tmpl_xz, TEMPLATE, NULL),
	C(tmpl_other_pool, TEMPLATE, NULL),
	C(tmpl_empty, TEMPLATE, "~a template is required"),
	C(tmpl_noslash, TEMPLATE, "'debian.tar.gz' is not a storage/volume name"),
	C(tmpl_nopool, TEMPLATE, "storage ghost does not exist on ct1"),
	C(tmpl_novol, TEMPLATE, "template ghost.tar.gz is not on images"),
	C(tmpl_notar, TEMPLATE, "notes.txt is not a template (.tar.gz, .tar.xz, .tar.zst or .tar)"),
	C(pool_empty, ROOTFS_POOL, "a storage for the root disk is required"),
	C(pool_missing, ROOTFS_POOL, "storage ghost does not exist on ct1"),
	C(pool_inactive, ROOTFS_POOL, "storage aoff is not active"),
	C(pool_lvm, ROOTFS_POOL, "~storage lvm is of type logical: container root disks need a directory"),
	C(size_zero, ROOTFS_SIZE, "the root disk needs a size above 0"),
	C(size_all, ROOTFS_SIZE, NULL),
	C(size_over, ROOTFS_SIZE, "the root disk needs 50.0 GiB, images has 50 GiB free"),
	C(size_badpool, ROOTFS_SIZE, NULL),	/* said at the pool */
	C(cores_zero, CORES, "cores must be 1-8192"),
	C(cores_all, CORES, NULL),
	C(cores_over, CORES, "ct1 has 4 CPUs"),
	C(limit_frac, CPULIMIT, NULL),
	C(limit_over, CPULIMIT, "the CPU limit 4.5 is more than the 4 CPUs of ct1"),
	C(limit_neg, CPULIMIT, "the CPU limit must be 0 (unlimited) to 8192"),
	C(limit_tiny, CPULIMIT, "the CPU limit must be at least 0.01"),
	C(units_max, CPUUNITS, NULL),
	C(units_over, CPUUNITS, "CPU units must be 1-10000 (0 = default)"),
	C(mem_min, MEMORY, NULL),
	C(mem_low, MEMORY, "memory must be at least 16 MiB"),
	C(mem_all, MEMORY, NULL),
	C(mem_over, MEMORY, "ct1 has 8192 MiB of memory"),
	C(swap_zero, SWAP, NULL),
	C(swap_huge, SWAP, "swap must be at most 64 TiB"),
	C(br_other, NET_SOURCE, NULL),
	C(br_missing, NET_SOURCE, "bridge vmbr9 does not exist on ct1"),
	C(br_empty, NET_SOURCE, "a bridge is required"),
	C(net_ok, NET_SOURCE, NULL),
	C(net_inactive, NET_SOURCE, "network isolated is not active"),
	C(net_missing, NET_SOURCE, "network ghost does not exist on ct1"),
	C(net_none, NET_SOURCE, NULL),
	C(mac_ok, MAC, NULL),
	C(mac_multicast, MAC, "~multicast"),
	C(mac_syntax, MAC, "~is not a MAC address"),
	C(mac_nonet, MAC, NULL),
	C(vlan_max, VLAN, NULL),
	C(vlan_over, VLAN, "VLAN tag must be 1-4094 (0 = none)"),
	C(vlan_neg, VLAN, "VLAN tag must be 1-4094 (0 = none)"),
	C(ip4_static, IP4, NULL),
	C(ip4_static_empty, IP4, "a static IPv4 address needs address/prefix, like 10.0.0.5/24"),
	C(ip4_noprefix, IP4, "~is not an address/prefix"),
	C(ip4_badprefix, IP4, "~must be 0-32"),
	C(ip4_slaac, IP4, "SLAAC is for IPv6 only"),
	C(ip4_none, IP4, NULL),
	C(gw4_ok, GW4, NULL),
	C(gw4_outside, GW4, NULL),
	C(gw4_bad, GW4, "~is not an IPv4 address"),
	C(gw4_v6, GW4, "~is not an IPv4 address"),
	C(gw4_dhcp_ignored, GW4, NULL),
	C(ip6_static, IP6, NULL),
	C(ip6_badprefix, IP6, "~must be 0-128"),
	C(ip6_v4, IP6, "~is not an IPv6 address"),
	C(ip6_slaac, IP6, NULL),
	C(ip6_dhcp, IP6, NULL),
	C(gw6_ok, GW6, NULL),
	C(gw6_bad, GW6, "~is not an IPv6 address"),
	C(dom_ok, DNS_DOMAIN, NULL),
	C(dom_bad, DNS_DOMAIN, "~contains '_'"),
	C(dns_ok, DNS_SERVERS, NULL),
	C(dns_bad, DNS_SERVERS, "'1.2.3' is not an IPv4 or IPv6 address"),
	C(dns_four, DNS_SERVERS, "at most 3 DNS servers (resolv.conf uses no more)"),
};

static void test_rules(void **state)
{
	int bad = 0;

	(void)state;
	on_pve1 = pve1;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(cases); i++) {
		const struct rule_case *c = &cases[i];
		const struct tve_snapshot *n = c->on ? *c->on : ct1;
		struct tve_create_ctx ctx = ctx_on(n);
		struct tve_ct_spec s;
		char *m;
		bool ok;

		base_spec(&s, &ctx);
		if (n != ct1)
			set(&s.node, n->node);
		c->apply(&s);
		m = tve_ct_check(&s, &ctx, c->field);
		if (!c->want)
			ok = m == NULL;
		else if (c->want[0] == '~')
			ok = m && strstr(m, c->want + 1);
		else
			ok = m && !strcmp(m, c->want);
		if (!ok) {
			print_message("case %s: got \"%s\", want \"%s\"\n", c->what, m ? m : "(fine)",
				      c->want ? c->want : "(fine)");
			bad++;
		}
		free(m);
		tve_ct_spec_clear(&s);
	}
	assert_int_equal(bad, 0);
}

/* An offline node, a node without caps. */
static void test_node_state(void **state)
{
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec s;
	char *m;

	(void)state;
	base_spec(&s, &ctx);
	ct1->state = TVE_NODE_OFFLINE;
	m = tve_ct_check(&s, &ctx, TVE_CTF_NODE);
	ct1->state = TVE_NODE_ONLINE;
	assert_string_equal(m, "node ct1 is not online");
	free(m);
	ctx.node = NULL;
	m = tve_ct_check(&s, &ctx, TVE_CTF_NODE);
	assert_string_equal(m, "a node is required");
	free(m);
	tve_ct_spec_clear(&s);
}

/* ---- plan ----------------------------------------------------------------- */

static void test_plan(void **state)
{
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec s;
	char *err = NULL;

	(void)state;
	base_spec(&s, &ctx);
	/* unprivileged: a directory volume */
	assert_int_equal(tve_ct_spec_plan(&s, &ctx, &err), 0);
	assert_string_equal(s.rootfs_volume, "subvol-102-disk-0");
	s.unprivileged = false;
	assert_int_equal(tve_ct_spec_plan(&s, &ctx, &err), 0);
	assert_string_equal(s.rootfs_volume, "vm-102-disk-0.raw");
	s.vmid = 105;	/* vm-105-disk-0.raw exists */
	assert_int_equal(tve_ct_spec_plan(&s, &ctx, &err), 0);
	assert_string_equal(s.rootfs_volume, "vm-105-disk-1.raw");
	set(&s.rootfs_pool, "ghost");
	assert_int_equal(tve_ct_spec_plan(&s, &ctx, &err), -1);
	assert_string_equal(err, "storage ghost does not exist");
	free(err);
	tve_ct_spec_clear(&s);
}

/* ---- XML and summary ------------------------------------------------------ */

/* Well-formed, and valid for libvirt's domain schema. */
static void check_valid(const char *xml)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "ct.xml", NULL, XML_PARSE_NONET);
	char path[] = "/tmp/tve-ct-xml-XXXXXX";
	int fd = mkstemp(path), rc;
	char *cmd;

	assert_non_null(doc);
	xmlFreeDoc(doc);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, xml, strlen(xml)), (ssize_t)strlen(xml));
	close(fd);
	cmd = tve_xasprintf("virt-xml-validate %s domain >/dev/null 2>&1", path);
	rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "virt-xml-validate rejects:\n%s", xml);
	unlink(path);
	free(cmd);
	assert_int_equal(rc, 0);
}

static char *join(char **lines)
{
	char *out = tve_xstrdup("");

	for (char **l = lines; l && *l; l++) {
		char *n = tve_xasprintf("%s%s\n", out, *l);
		free(out);
		out = n;
	}
	tve_strv_free(lines);
	return out;
}

/* Checks the whole spec, plans it, then compares the domain XML (root disk
 * in the pool's path), the volume XML and the summary with base.xml,
 * base.volume and base.summary. */
static void check_goldens(struct tve_ct_spec *s, const struct tve_create_ctx *ctx, const char *base)
{
	char *err = NULL, *xml, *sum, *name, *path;
	const struct tve_pool *pool;

	if (tve_ct_check_page(s, ctx, -1, &err) < 0)
		fail_msg("%s: spec invalid: %s", base, err);
	assert_int_equal(tve_ct_spec_plan(s, ctx, &err), 0);
	pool = tve_snapshot_find_pool(ctx->node, s->rootfs_pool);
	assert_non_null(pool);
	path = tve_xasprintf("%s/%s", pool->path, s->rootfs_volume);
	xml = tve_ct_domain_xml(s, ctx, path, &err);
	assert_non_null(xml);
	check_valid(xml);
	name = tve_xasprintf("%s.xml", base);
	golden_check(name, xml);
	free(name);
	free(xml);
	xml = tve_ct_volume_xml(s);
	name = tve_xasprintf("%s.volume", base);
	golden_check(name, xml);
	free(name);
	free(xml);
	sum = join(tve_ct_summary(s));
	name = tve_xasprintf("%s.summary", base);
	golden_check(name, sum);
	free(name);
	free(sum);
	free(path);
}

static void test_xml_unprivileged_dhcp(void **state)
{
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec s;

	(void)state;
	base_spec(&s, &ctx);
	set(&s.hostname, "web");
	check_goldens(&s, &ctx, "ct-unpriv-dhcp");
	tve_ct_spec_clear(&s);
}

static void test_xml_privileged_static(void **state)
{
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec s;

	(void)state;
	base_spec(&s, &ctx);
	set(&s.hostname, "db.example.org");
	s.unprivileged = false;
	s.nesting = true;
	s.onboot = true;
	s.start_after = true;
	set(&s.ssh_keys, KEY_ED25519 "\n" KEY_RSA "\n");
	set(&s.tags, "prod, db");
	set(&s.template_vol, "images/alpine.tar.xz");
	s.rootfs_size = 3 * GiB / 2;
	s.cores = 2;
	s.cpulimit = 1.5;
	s.cpuunits = 512;
	s.memory_mib = 1024;
	s.swap_mib = 0;
	set(&s.net_source, "vmbr1");
	set(&s.mac, "52:54:00:ab:cd:ef");
	s.vlan = 10;
	s.firewall = false;
	s.ip4 = TVE_IP_STATIC;
	set(&s.ip4_cidr, "10.0.0.5/24");
	set(&s.gw4, "10.0.0.1");
	s.ip6 = TVE_IP_STATIC;
	set(&s.ip6_cidr, "fd00::5/64");
	set(&s.gw6, "fd00::1");
	set(&s.dns_domain, "example.org");
	set(&s.dns_servers, "10.0.0.53 fd00::53");
	check_goldens(&s, &ctx, "ct-priv-static");
	tve_ct_spec_clear(&s);
}

static void test_xml_network_slaac(void **state)
{
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec s;

	(void)state;
	base_spec(&s, &ctx);
	s.net = TVE_NET_NETWORK;
	set(&s.net_source, "default");
	s.ip4 = TVE_IP_NONE;
	s.ip6 = TVE_IP_SLAAC;
	set(&s.password, NULL);
	set(&s.ssh_keys, KEY_SK);
	check_goldens(&s, &ctx, "ct-network-slaac");
	tve_ct_spec_clear(&s);
}

static void test_xml_nonet(void **state)
{
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec s;

	(void)state;
	base_spec(&s, &ctx);
	s.net = TVE_NET_NONE;
	set(&s.net_source, NULL);
	check_goldens(&s, &ctx, "ct-nonet");
	tve_ct_spec_clear(&s);
}

/* The test driver: <domain type='test'>, a CT only by tve's metadata. */
static void test_xml_test_driver(void **state)
{
	struct tve_create_ctx ctx = ctx_on(demo);
	struct tve_ct_spec s;

	(void)state;
	base_spec(&s, &ctx);
	assert_string_equal(s.template_vol, "default-pool/debian.tar.gz");
	assert_string_equal(s.net_source, "br0");
	set(&s.hostname, "demo-ct");
	check_goldens(&s, &ctx, "ct-test");
	tve_ct_spec_clear(&s);
}

static void test_xml_escaping_and_errors(void **state)
{
	struct tve_create_ctx ctx = ctx_on(ct1);
	struct tve_ct_spec s;
	char *err = NULL, *xml;

	(void)state;
	base_spec(&s, &ctx);
	xml = tve_ct_domain_xml(&s, &ctx, "/pools/a&b/it's <x>", &err);
	assert_non_null(strstr(xml, "<source dir='/pools/a&amp;b/it&apos;s &lt;x&gt;'/>"));
	assert_non_null(strstr(xml, "<name>CT102</name>"));	/* no hostname */
	free(xml);
	assert_null(tve_ct_domain_xml(&s, &ctx, "", &err));
	assert_string_equal(err, "CT 102: the root disk needs an absolute path, not ''");
	assert_null(tve_ct_domain_xml(&s, &ctx, "img.raw", &err));
	assert_string_equal(err, "CT 102: the root disk needs an absolute path, not 'img.raw'");
	set(&s.net_source, NULL);
	assert_null(tve_ct_domain_xml(&s, &ctx, ROOTFS, &err));
	assert_string_equal(err, "net0 has no bridge or network");
	free(err);
	tve_ct_spec_clear(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_copy_clear),
		cmocka_unit_test(test_pages),
		cmocka_unit_test(test_rules),
		cmocka_unit_test(test_node_state),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_xml_unprivileged_dhcp),
		cmocka_unit_test(test_xml_privileged_static),
		cmocka_unit_test(test_xml_network_slaac),
		cmocka_unit_test(test_xml_nonet),
		cmocka_unit_test(test_xml_test_driver),
		cmocka_unit_test(test_xml_escaping_and_errors),
	};

	return cmocka_run_group_tests_name("spec_ct", tests, setup, teardown);
}
