/* spec_ct.c - the Create CT spec (spec.h): the web UI's defaults, the rules
 * of every field, the root volume's name, the libvirt LXC domain XML and
 * the confirm page's summary. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ct_rootfs.h"
#include "driver.h"
#include "spec.h"
#include "spec_priv.h"
#include "util.h"
#include "xmlbuf.h"

#define GiB (1024ULL * 1024 * 1024)

/* ---- small helpers -------------------------------------------------------- */

static bool empty(const char *s)
{
	return !s || !*s;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Root filesystem tarballs; Proxmox's backups (vzdump-*) are tarballs
 * too, but not templates. */
static bool is_template_name(const char *name)
{
	static const char *const sfx[] = { ".tar.gz", ".tar.xz", ".tar.zst", ".tar" };

	if (name && strncmp(name, "vzdump-", 7) == 0)
		return false;
	for (size_t i = 0; name && i < TVE_ARRAY_SIZE(sfx); i++)
		if (ends_with(name, sfx[i]))
			return true;
	return false;
}

/* Pools whose volumes are files and directories in a directory: the root
 * disk is an image there (mounted by libvirt LXC through a loop device) or
 * a directory (unprivileged). */
static bool pool_dirlike(const char *type)
{
	return type && (!strcmp(type, "dir") || !strcmp(type, "fs") || !strcmp(type, "netfs"));
}

static const struct tve_pool *find_pool(const struct tve_snapshot *n, const char *name, size_t len)
{
	for (size_t i = 0; n && name && i < n->n_pools; i++)
		if (strlen(n->pools[i].name) == len && !strncmp(n->pools[i].name, name, len))
			return &n->pools[i];
	return NULL;
}

static const struct tve_volume *find_volume(const struct tve_pool *p, const char *name)
{
	for (size_t i = 0; p && i < p->n_volumes; i++)
		if (p->volumes[i].name && !strcmp(p->volumes[i].name, name))
			return &p->volumes[i];
	return NULL;
}

static bool node_is_test(const struct tve_snapshot *n)
{
	return n && n->has_caps && n->caps.domain_type && !strcmp(n->caps.domain_type, "test");
}

/* "8 GiB", "1.5 GiB", else tve_fmt_bytes's "41.3 GiB". */
static const char *fmt_size(char *buf, size_t len, unsigned long long b)
{
	if (b >= GiB && b % GiB == 0)
		snprintf(buf, len, "%llu GiB", b / GiB);
	else if (b >= GiB && b * 10 % GiB == 0)
		snprintf(buf, len, "%.1f GiB", (double)b / GiB);
	else
		tve_fmt_bytes(buf, len, b);
	return buf;
}

/* Tags as ";"-separated words, whatever separated them; NULL if none. */
static char *norm_tags(const char *tags)
{
	char *out = NULL;

	for (const char *p = tags ? tags : ""; *p;) {
		size_t n = strcspn(p, ";, ");
		if (n) {
			char *o = tve_xasprintf("%s%s%.*s", out ? out : "", out ? ";" : "", (int)n, p);
			free(out);
			out = o;
		}
		p += n;
		p += strspn(p, ";, ");
	}
	return out;
}

/* The domain's name and the container's hostname: "CT100" when none. */
static char *ct_name(const struct tve_ct_spec *s)
{
	return empty(s->hostname) ? tve_xasprintf("CT%d", s->vmid) : tve_xstrdup(s->hostname);
}

/* ---- defaults, copy, clear ------------------------------------------------ */

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

void tve_ct_spec_defaults(struct tve_ct_spec *s, const struct tve_create_ctx *ctx)
{
	const struct tve_snapshot *n = ctx ? ctx->node : NULL;

	memset(s, 0, sizeof(*s));
	s->node = tve_xstrdup(n ? n->node : NULL);
	s->vmid = next_vmid(ctx);
	s->unprivileged = true;
	for (size_t i = 0; n && i < n->n_pools; i++) {
		const struct tve_pool *p = &n->pools[i];
		for (size_t j = 0; p->active && !s->template_vol && j < p->n_volumes; j++)
			if (is_template_name(p->volumes[j].name))
				s->template_vol = tve_xasprintf("%s/%s", p->name, p->volumes[j].name);
		if (!s->rootfs_pool && p->active && pool_dirlike(p->type))
			s->rootfs_pool = tve_xstrdup(p->name);
	}
	s->rootfs_size = 8 * GiB;
	s->cores = 1;
	s->memory_mib = 512;
	s->swap_mib = 512;
	s->net = TVE_NET_NONE;
	if (n && n->has_caps && n->caps.n_bridges > 0) {
		s->net = TVE_NET_BRIDGE;
		s->net_source = tve_xstrdup(n->caps.bridges[0]);
	}
	for (size_t i = 0; n && s->net == TVE_NET_NONE && i < n->n_networks; i++)
		if (n->networks[i].active) {
			s->net = TVE_NET_NETWORK;
			s->net_source = tve_xstrdup(n->networks[i].name);
		}
	s->firewall = true;
	s->ip4 = TVE_IP_DHCP;
	s->ip6 = TVE_IP_NONE;
}

static void free_secret(char *p)
{
	if (p) {
		volatile char *v = p;
		while (*v)
			*v++ = 0;
		free(p);
	}
}

void tve_ct_spec_clear(struct tve_ct_spec *s)
{
	if (!s)
		return;
	free(s->node);
	free(s->hostname);
	free_secret(s->password);
	free(s->ssh_keys);
	free(s->tags);
	free(s->template_vol);
	free(s->rootfs_pool);
	free(s->rootfs_volume);
	free(s->net_source);
	free(s->mac);
	free(s->ip4_cidr);
	free(s->gw4);
	free(s->ip6_cidr);
	free(s->gw6);
	free(s->dns_domain);
	free(s->dns_servers);
	memset(s, 0, sizeof(*s));
}

void tve_ct_spec_copy(struct tve_ct_spec *dst, const struct tve_ct_spec *src)
{
	*dst = *src;
	dst->node = tve_xstrdup(src->node);
	dst->hostname = tve_xstrdup(src->hostname);
	dst->password = tve_xstrdup(src->password);
	dst->ssh_keys = tve_xstrdup(src->ssh_keys);
	dst->tags = tve_xstrdup(src->tags);
	dst->template_vol = tve_xstrdup(src->template_vol);
	dst->rootfs_pool = tve_xstrdup(src->rootfs_pool);
	dst->rootfs_volume = tve_xstrdup(src->rootfs_volume);
	dst->net_source = tve_xstrdup(src->net_source);
	dst->mac = tve_xstrdup(src->mac);
	dst->ip4_cidr = tve_xstrdup(src->ip4_cidr);
	dst->gw4 = tve_xstrdup(src->gw4);
	dst->ip6_cidr = tve_xstrdup(src->ip6_cidr);
	dst->gw6 = tve_xstrdup(src->gw6);
	dst->dns_domain = tve_xstrdup(src->dns_domain);
	dst->dns_servers = tve_xstrdup(src->dns_servers);
}

/* ---- rules ---------------------------------------------------------------- */

int tve_ct_field_page(enum tve_ct_field f)
{
	switch (f) {
	case TVE_CTF_NODE: case TVE_CTF_VMID: case TVE_CTF_HOSTNAME:
	case TVE_CTF_PASSWORD: case TVE_CTF_SSH_KEYS: case TVE_CTF_TAGS:
		return 0;
	case TVE_CTF_TEMPLATE:
		return 1;
	case TVE_CTF_ROOTFS_POOL: case TVE_CTF_ROOTFS_SIZE:
		return 2;
	case TVE_CTF_CORES: case TVE_CTF_CPULIMIT: case TVE_CTF_CPUUNITS:
		return 3;
	case TVE_CTF_MEMORY: case TVE_CTF_SWAP:
		return 4;
	case TVE_CTF_NET_SOURCE: case TVE_CTF_MAC: case TVE_CTF_VLAN: case TVE_CTF_IP4:
	case TVE_CTF_GW4: case TVE_CTF_IP6: case TVE_CTF_GW6:
		return 5;
	case TVE_CTF_DNS_DOMAIN: case TVE_CTF_DNS_SERVERS:
		return 6;
	case TVE_CTF__COUNT:
		break;
	}
	return -1;
}

static const char *const key_types[] = {
	"ssh-ed25519", "ssh-rsa", "ssh-dss", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
	"ecdsa-sha2-nistp521", "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
};

/* A known key type, or its certificate ("ssh-ed25519-cert-v01@openssh.com",
 * "sk-ssh-ed25519-cert-v01@openssh.com"). */
static bool key_type_known(const char *t, size_t n)
{
	static const char cert[] = "-cert-v01@openssh.com";
	const size_t cn = sizeof(cert) - 1;

	for (size_t i = 0; i < TVE_ARRAY_SIZE(key_types); i++) {
		size_t k = strlen(key_types[i]), base = strcspn(key_types[i], "@");
		if ((n == k && !strncmp(t, key_types[i], k)) ||
		    (n == base + cn && !strncmp(t, key_types[i], base) && !strncmp(t + base, cert, cn)))
			return true;
	}
	return false;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Decodes n base64 characters into out (at least n/4*3 bytes); -1 if it
 * is not base64. */
static long b64decode(const char *s, size_t n, unsigned char *out)
{
	size_t o = 0, pad = 0;

	if (n == 0 || n % 4)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		uint32_t v = 0;
		for (size_t j = 0; j < 4; j++) {
			int d = b64val(s[i + j]);
			if (s[i + j] == '=' && i + 4 == n && j >= 2 && (j == 3 || s[i + 3] == '=')) {
				d = 0;
				pad++;
			} else if (d < 0 || pad) {
				return -1;
			}
			v = v << 6 | (uint32_t)d;
		}
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	return (long)(o - pad);
}

/* One authorized_keys line: [options] TYPE BASE64 [comment], where the
 * key blob must start with the same TYPE. */
static char *check_key_line(const char *line, size_t len, int no)
{
	const char *p = line, *end = line + len, *t, *b;
	size_t tn, bn;
	unsigned char *blob;
	long blen;
	char *msg = NULL;

	t = p;
	tn = strcspn(t, " \t");
	if (tn > len)
		tn = len;
	if (!key_type_known(t, tn)) {
		/* options first: skip them, quoted parts included */
		bool q = false;
		for (; p < end && (q || (*p != ' ' && *p != '\t')); p++)
			if (*p == '"')
				q = !q;
		p += strspn(p, " \t");
		t = p;
		tn = strcspn(t, " \t");
		if (t + tn > end)
			tn = (size_t)(end - t);
		if (!key_type_known(t, tn))
			return tve_xasprintf("line %d is not an SSH public key "
					     "(ssh-ed25519 AAAA... comment)", no);
	}
	b = t + tn;
	b += strspn(b, " \t");
	bn = strcspn(b, " \t");
	if (b + bn > end)
		bn = (size_t)(end - b);
	blob = tve_xmalloc(bn / 4 * 3 + 3);
	blen = b64decode(b, bn, blob);
	if (blen < 0)
		msg = tve_xasprintf("line %d: the key is not valid base64", no);
	else if (blen < 4 || (size_t)blen < 4 + ((size_t)blob[0] << 24 | (size_t)blob[1] << 16 |
						 (size_t)blob[2] << 8 | blob[3]) ||
		 blob[0] || blob[1] || blob[2] != 0 || blob[3] != tn || memcmp(blob + 4, t, tn))
		msg = tve_xasprintf("line %d: the key data is not a %.*s key", no, (int)tn, t);
	free(blob);
	return msg;
}

/* A line that is neither blank nor a comment. */
static bool has_keys(const char *keys)
{
	for (const char *l = keys; l && *l; l += strcspn(l, "\n"), l += *l == '\n') {
		l += strspn(l, " \t\r");
		if (*l && *l != '\n' && *l != '#')
			return true;
	}
	return false;
}

static char *check_ssh_keys(const char *keys)
{
	int no = 0;

	for (const char *l = keys; l && *l;) {
		size_t n = strcspn(l, "\n");
		size_t k = n;
		const char *s = l;

		no++;
		while (k && (*s == ' ' || *s == '\t'))
			s++, k--;
		while (k && (s[k - 1] == '\r' || s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		if (k && *s != '#') {
			char *m = check_key_line(s, k, no);
			if (m)
				return m;
		}
		l += n;
		if (*l)
			l++;
	}
	return NULL;
}

static char *check_hostname(const struct tve_ct_spec *s, const struct tve_create_ctx *ctx)
{
	char *name, *m;
	const struct tve_snapshot *n = ctx ? ctx->node : NULL;

	if (!empty(s->hostname) && (m = tve_check_dns_name(s->hostname)))
		return m;
	name = ct_name(s);
	for (size_t i = 0; n && i < n->n_guests; i++)
		if (n->guests[i].name && !strcasecmp(n->guests[i].name, name)) {
			m = tve_xasprintf("%s is already a guest's name on %s", name, n->node);
			free(name);
			return m;
		}
	free(name);
	return NULL;
}

static char *check_template(const struct tve_ct_spec *s, const struct tve_snapshot *n)
{
	const char *slash = s->template_vol ? strchr(s->template_vol, '/') : NULL;
	const struct tve_pool *p;

	if (empty(s->template_vol))
		return tve_xstrdup("a template is required (a .tar.gz/.tar.xz/.tar.zst root filesystem)");
	if (!slash || slash == s->template_vol || !slash[1])
		return tve_xasprintf("'%s' is not a storage/volume name", s->template_vol);
	if (!(p = find_pool(n, s->template_vol, (size_t)(slash - s->template_vol))))
		return tve_xasprintf("storage %.*s does not exist on %s",
				     (int)(slash - s->template_vol), s->template_vol, n ? n->node : "?");
	if (!find_volume(p, slash + 1))
		return tve_xasprintf("template %s is not on %s", slash + 1, p->name);
	if (!is_template_name(slash + 1))
		return tve_xasprintf("%s is not a template (.tar.gz, .tar.xz, .tar.zst or .tar)", slash + 1);
	return NULL;
}

static char *check_rootfs(const struct tve_ct_spec *s, const struct tve_snapshot *n, bool size)
{
	const struct tve_pool *p;
	char a[32], b[32];

	if (empty(s->rootfs_pool))
		return tve_xstrdup("a storage for the root disk is required");
	if (!(p = find_pool(n, s->rootfs_pool, strlen(s->rootfs_pool))))
		return tve_xasprintf("storage %s does not exist on %s", s->rootfs_pool, n ? n->node : "?");
	if (!p->active)
		return tve_xasprintf("storage %s is not active", p->name);
	if (!pool_dirlike(p->type))
		return tve_xasprintf("storage %s is of type %s: container root disks need a "
				     "directory storage (dir, fs or netfs)", p->name, p->type ? p->type : "?");
	if (!size)
		return NULL;
	if (s->rootfs_size == 0)
		return tve_xstrdup("the root disk needs a size above 0");
	if (s->rootfs_size > p->available)
		return tve_xasprintf("the root disk needs %s, %s has %s free",
				     fmt_size(a, sizeof(a), s->rootfs_size), p->name,
				     fmt_size(b, sizeof(b), p->available));
	return NULL;
}

static char *check_net_source(const struct tve_ct_spec *s, const struct tve_snapshot *n)
{
	if (s->net == TVE_NET_NONE)
		return NULL;
	if (empty(s->net_source))
		return tve_xstrdup(s->net == TVE_NET_BRIDGE ? "a bridge is required" : "a network is required");
	if (s->net == TVE_NET_BRIDGE) {
		if (n && n->has_caps && !tve_strlist_has(n->caps.n_bridges, n->caps.bridges, s->net_source))
			return tve_xasprintf("bridge %s does not exist on %s", s->net_source, n->node);
		return NULL;
	}
	for (size_t i = 0; n && i < n->n_networks; i++)
		if (!strcmp(n->networks[i].name, s->net_source))
			return n->networks[i].active ? NULL
				: tve_xasprintf("network %s is not active", s->net_source);
	return tve_xasprintf("network %s does not exist on %s", s->net_source, n ? n->node : "?");
}

static char *check_ip(enum tve_ip_mode mode, const char *cidr, bool v6)
{
	if (mode == TVE_IP_SLAAC && !v6)
		return tve_xstrdup("SLAAC is for IPv6 only");
	if (mode != TVE_IP_STATIC)
		return NULL;
	if (empty(cidr))
		return tve_xasprintf("a static IPv%d address needs address/prefix, like %s",
				     v6 ? 6 : 4, v6 ? "fd00::5/64" : "10.0.0.5/24");
	return v6 ? tve_check_cidr6(cidr) : tve_check_cidr4(cidr);
}

static char *check_dns_servers(const char *list)
{
	int count = 0;

	for (const char *p = list ? list : ""; *p;) {
		size_t n;
		char *ip, *m4, *m6, *msg = NULL;

		p += strspn(p, " ,;\t");
		if (!(n = strcspn(p, " ,;\t")))
			break;
		ip = tve_xasprintf("%.*s", (int)n, p);
		m4 = tve_check_ip4(ip);
		m6 = m4 ? tve_check_ip6(ip) : NULL;
		if (m4 && m6)
			msg = tve_xasprintf("'%s' is not an IPv4 or IPv6 address", ip);
		free(m4);
		free(m6);
		free(ip);
		if (msg)
			return msg;
		if (++count > 3)
			return tve_xstrdup("at most 3 DNS servers (resolv.conf uses no more)");
		p += n;
	}
	return NULL;
}

char *tve_ct_check(const struct tve_ct_spec *s, const struct tve_create_ctx *ctx, enum tve_ct_field f)
{
	const struct tve_snapshot *n = ctx ? ctx->node : NULL;
	unsigned long long mem_mib = n && n->has_facts ? n->facts.mem_total_kib / 1024 : 0;
	unsigned cpus = n && n->has_facts ? n->facts.cpus : 0;

	switch (f) {
	case TVE_CTF_NODE:
		if (empty(s->node) || !n)
			return tve_xstrdup("a node is required");
		if (!n->node || strcmp(n->node, s->node))
			return tve_xasprintf("node %s is not the one being created on", s->node);
		if (n->state != TVE_NODE_ONLINE)
			return tve_xasprintf("node %s is not online", s->node);
		if (n->has_caps && n->caps.domain_type && strcmp(n->caps.domain_type, "lxc") &&
		    strcmp(n->caps.domain_type, "test"))
			return tve_xasprintf("node %s runs %s guests, not containers (LXC)",
					     s->node, n->caps.domain_type);
		return NULL;
	case TVE_CTF_VMID:
		return tve_check_vmid_free(s->vmid, ctx);
	case TVE_CTF_HOSTNAME:
		return check_hostname(s, ctx);
	case TVE_CTF_PASSWORD:
		if (!empty(s->password) && strlen(s->password) < 5)
			return tve_xstrdup("the password needs at least 5 characters");
		if (!empty(s->password) && strpbrk(s->password, "\n\r"))
			return tve_xstrdup("the password cannot contain a line break");
		if (empty(s->password) && !has_keys(s->ssh_keys))
			return tve_xstrdup("set a root password or SSH public keys");
		return NULL;
	case TVE_CTF_SSH_KEYS:
		return check_ssh_keys(s->ssh_keys);
	case TVE_CTF_TAGS:
		return tve_check_tags(s->tags);
	case TVE_CTF_TEMPLATE:
		return check_template(s, n);
	case TVE_CTF_ROOTFS_POOL:
		return check_rootfs(s, n, false);
	case TVE_CTF_ROOTFS_SIZE: {
		char *m = check_rootfs(s, n, true), *p;
		/* a pool problem is said at the pool */
		if (m && (p = check_rootfs(s, n, false))) {
			free(p);
			free(m);
			return NULL;
		}
		return m;
	}
	case TVE_CTF_CORES:
		if (s->cores < 1 || s->cores > 8192)
			return tve_xstrdup("cores must be 1-8192");
		if (cpus && s->cores > cpus)
			return tve_xasprintf("%s has %u CPUs", n->node, cpus);
		return NULL;
	case TVE_CTF_CPULIMIT:
		if (!(s->cpulimit >= 0) || s->cpulimit > 8192)
			return tve_xstrdup("the CPU limit must be 0 (unlimited) to 8192");
		if (cpus && s->cpulimit > cpus)
			return tve_xasprintf("the CPU limit %g is more than the %u CPUs of %s",
					     s->cpulimit, cpus, n->node);
		if (s->cpulimit > 0 && s->cpulimit < 0.01)
			return tve_xstrdup("the CPU limit must be at least 0.01");
		return NULL;
	case TVE_CTF_CPUUNITS:
		if (s->cpuunits > 10000)
			return tve_xstrdup("CPU units must be 1-10000 (0 = default)");
		return NULL;
	case TVE_CTF_MEMORY:
		if (s->memory_mib < 16)
			return tve_xstrdup("memory must be at least 16 MiB");
		if (mem_mib && s->memory_mib > mem_mib)
			return tve_xasprintf("%s has %llu MiB of memory", n->node, mem_mib);
		return NULL;
	case TVE_CTF_SWAP:
		if (s->swap_mib > 64ULL * 1024 * 1024)
			return tve_xstrdup("swap must be at most 64 TiB");
		return NULL;
	case TVE_CTF_NET_SOURCE:
		return check_net_source(s, n);
	case TVE_CTF_MAC:
		return s->net == TVE_NET_NONE || empty(s->mac) ? NULL : tve_check_mac(s->mac);
	case TVE_CTF_VLAN:
		if (s->vlan < 0 || s->vlan > 4094)
			return tve_xstrdup("VLAN tag must be 1-4094 (0 = none)");
		return NULL;
	case TVE_CTF_IP4:
		return s->net == TVE_NET_NONE ? NULL : check_ip(s->ip4, s->ip4_cidr, false);
	case TVE_CTF_GW4:
		if (s->net == TVE_NET_NONE || s->ip4 != TVE_IP_STATIC || empty(s->gw4))
			return NULL;
		return tve_check_ip4(s->gw4);
	case TVE_CTF_IP6:
		return s->net == TVE_NET_NONE ? NULL : check_ip(s->ip6, s->ip6_cidr, true);
	case TVE_CTF_GW6:
		if (s->net == TVE_NET_NONE || s->ip6 != TVE_IP_STATIC || empty(s->gw6))
			return NULL;
		return tve_check_ip6(s->gw6);
	case TVE_CTF_DNS_DOMAIN:
		return empty(s->dns_domain) ? NULL : tve_check_dns_name(s->dns_domain);
	case TVE_CTF_DNS_SERVERS:
		return check_dns_servers(s->dns_servers);
	case TVE_CTF__COUNT:
		break;
	}
	return NULL;
}

int tve_ct_check_page(const struct tve_ct_spec *s, const struct tve_create_ctx *ctx, int page, char **err)
{
	for (int f = 0; f < TVE_CTF__COUNT; f++) {
		char *m;
		if (page >= 0 && tve_ct_field_page((enum tve_ct_field)f) != page)
			continue;
		if ((m = tve_ct_check(s, ctx, (enum tve_ct_field)f))) {
			if (err) {
				free(*err);
				*err = m;
			} else {
				free(m);
			}
			return -1;
		}
	}
	return 0;
}

/* ---- plan ----------------------------------------------------------------- */

int tve_ct_spec_plan(struct tve_ct_spec *s, const struct tve_create_ctx *ctx, char **err)
{
	const struct tve_pool *p = find_pool(ctx ? ctx->node : NULL, s->rootfs_pool,
					     s->rootfs_pool ? strlen(s->rootfs_pool) : 0);

	if (!p)
		return tve_set_err(err, "storage %s does not exist", s->rootfs_pool ? s->rootfs_pool : "?");
	for (int k = 0; k < 10000; k++) {
		char *name = s->unprivileged ? tve_xasprintf("subvol-%d-disk-%d", s->vmid, k)
					     : tve_xasprintf("vm-%d-disk-%d.raw", s->vmid, k);
		if (!find_volume(p, name)) {
			free(s->rootfs_volume);
			s->rootfs_volume = name;
			return 0;
		}
		free(name);
	}
	return tve_set_err(err, "no free volume name for CT %d on %s", s->vmid, p->name);
}

/* ---- domain XML ----------------------------------------------------------- */


char *tve_ct_volume_xml(const struct tve_ct_spec *s)
{
	struct tve_xb b = { 0 };

	tve_xb_printf(&b, s->unprivileged ? "<volume type='dir'>\n" : "<volume>\n");
	tve_xb_printf(&b, "  <name>%s</name>\n", s->rootfs_volume ? s->rootfs_volume : "?");
	if (s->unprivileged)
		tve_xb_printf(&b, "  <capacity unit='bytes'>0</capacity>\n  <target>\n    <format type='dir'/>\n"
		     "    <permissions>\n      <mode>0755</mode>\n    </permissions>\n  </target>\n");
	else
		tve_xb_printf(&b, "  <capacity unit='bytes'>%llu</capacity>\n  <allocation unit='bytes'>0</allocation>\n"
		     "  <target>\n    <format type='raw'/>\n  </target>\n", s->rootfs_size);
	tve_xb_printf(&b, "</volume>\n");
	return b.s;
}

static void xml_tags(struct tve_xb *b, const char *tags)
{
	char *t = norm_tags(tags);

	if (t)
		tve_xb_printf(b, "      <tve:tags>%s</tve:tags>\n", t);
	free(t);
}

/* "10.0.0.5/24" -> <ip address='10.0.0.5' family='ipv4' prefix='24'/> */
static void xml_ip(struct tve_xb *b, const char *cidr, const char *gw, bool v6)
{
	const char *slash = strrchr(cidr, '/');
	char *addr = tve_xasprintf("%.*s", (int)(slash - cidr), cidr);

	tve_xb_printf(b, "      <ip address='%s' family='%s' prefix='%s'/>\n", addr, v6 ? "ipv6" : "ipv4", slash + 1);
	if (!empty(gw))
		tve_xb_printf(b, "      <route family='%s' address='%s' prefix='0' gateway='%s'/>\n",
		     v6 ? "ipv6" : "ipv4", v6 ? "::" : "0.0.0.0", gw);
	free(addr);
}

static void xml_interface(struct tve_xb *b, const struct tve_ct_spec *s)
{
	bool br = s->net == TVE_NET_BRIDGE;

	if (s->net == TVE_NET_NONE)
		return;
	tve_xb_printf(b, "    <interface type='%s'>\n", br ? "bridge" : "network");
	if (!empty(s->mac))
		tve_xb_printf(b, "      <mac address='%s'/>\n", s->mac);
	tve_xb_printf(b, "      <source %s='%s'/>\n", br ? "bridge" : "network", s->net_source);
	if (s->vlan > 0)
		tve_xb_printf(b, "      <vlan>\n        <tag id='%d'/>\n      </vlan>\n", s->vlan);
	/* Static addresses are set by libvirt inside the container before its
	 * init runs, whatever tools the template has. */
	if (s->ip4 == TVE_IP_STATIC && !empty(s->ip4_cidr) && strchr(s->ip4_cidr, '/'))
		xml_ip(b, s->ip4_cidr, s->gw4, false);
	if (s->ip6 == TVE_IP_STATIC && !empty(s->ip6_cidr) && strchr(s->ip6_cidr, '/'))
		xml_ip(b, s->ip6_cidr, s->gw6, true);
	tve_xb_printf(b, "      <guest dev='eth0'/>\n    </interface>\n");
}

char *tve_ct_domain_xml(const struct tve_ct_spec *s, const struct tve_create_ctx *ctx,
			const char *rootfs_path, char **err)
{
	const struct tve_snapshot *n = ctx ? ctx->node : NULL;
	const char *arch = n && n->has_caps && n->caps.arch ? n->caps.arch : NULL;
	struct tve_xb b = { 0 };
	char *name;

	if (empty(rootfs_path) || rootfs_path[0] != '/') {
		tve_set_err(err, "CT %d: the root disk needs an absolute path, not '%s'", s->vmid,
			    rootfs_path ? rootfs_path : "");
		return NULL;
	}
	if (s->net != TVE_NET_NONE && empty(s->net_source)) {
		tve_set_err(err, "net0 has no bridge or network");
		return NULL;
	}
	name = ct_name(s);
	tve_xb_printf(&b, "<domain type='%s'>\n  <name>%s</name>\n", node_is_test(n) ? "test" : "lxc", name);
	free(name);
	/* tve's metadata, as for VMs (spec_vm_xml.c); <type> says CT where
	 * the hypervisor cannot (test driver) */
	tve_xb_printf(&b, "  <metadata>\n    <%s:guest xmlns:%s='%s'>\n", TVE_METADATA_PREFIX,
	     TVE_METADATA_PREFIX, TVE_METADATA_NS);
	tve_xb_printf(&b, "      <tve:vmid>%d</tve:vmid>\n      <tve:type>ct</tve:type>\n", s->vmid);
	xml_tags(&b, s->tags);
	tve_xb_printf(&b, "      <tve:unprivileged>%d</tve:unprivileged>\n", (int)s->unprivileged);
	if (s->nesting)	/* libvirt LXC has no equivalent: kept for the record */
		tve_xb_printf(&b, "      <tve:nesting>1</tve:nesting>\n");
	if (s->net != TVE_NET_NONE)
		tve_xb_printf(&b, "      <tve:nic name='net0' firewall='%d'/>\n", (int)s->firewall);
	tve_xb_printf(&b, "    </tve:guest>\n  </metadata>\n");

	tve_xb_printf(&b, "  <memory unit='MiB'>%llu</memory>\n", s->memory_mib);
	tve_xb_printf(&b, "  <currentMemory unit='MiB'>%llu</currentMemory>\n", s->memory_mib);
	/* swap_hard_limit is memory + swap (cgroup memsw / swap.max). */
	tve_xb_printf(&b, "  <memtune>\n    <swap_hard_limit unit='MiB'>%llu</swap_hard_limit>\n  </memtune>\n",
	     s->memory_mib + s->swap_mib);
	tve_xb_printf(&b, "  <vcpu>%u</vcpu>\n", s->cores ? s->cores : 1);
	if (s->cpuunits || s->cpulimit > 0) {
		tve_xb_printf(&b, "  <cputune>\n");
		if (s->cpuunits)
			tve_xb_printf(&b, "    <shares>%u</shares>\n", s->cpuunits);
		if (s->cpulimit > 0)
			tve_xb_printf(&b, "    <period>100000</period>\n    <quota>%llu</quota>\n",
			     (unsigned long long)(s->cpulimit * 100000 + 0.5));
		tve_xb_printf(&b, "  </cputune>\n");
	}
	if (arch)
		tve_xb_printf(&b, "  <os>\n    <type arch='%s'>exe</type>\n", arch);
	else
		tve_xb_printf(&b, "  <os>\n    <type>exe</type>\n");
	tve_xb_printf(&b, "    <init>/sbin/init</init>\n  </os>\n");
	if (s->unprivileged)
		tve_xb_printf(&b, "  <idmap>\n    <uid start='0' target='%d' count='%d'/>\n"
		     "    <gid start='0' target='%d' count='%d'/>\n  </idmap>\n",
		     TVE_CT_ID_SHIFT, TVE_CT_ID_COUNT, TVE_CT_ID_SHIFT, TVE_CT_ID_COUNT);
	tve_xb_printf(&b, "  <clock offset='utc'/>\n  <on_poweroff>destroy</on_poweroff>\n"
	     "  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>\n  <devices>\n");
	if (s->unprivileged)	/* a directory: see tve_ct_spec_plan() */
		tve_xb_printf(&b, "    <filesystem type='mount' accessmode='passthrough'>\n"
		     "      <source dir='%s'/>\n      <target dir='/'/>\n    </filesystem>\n", rootfs_path);
	else
		tve_xb_printf(&b, "    <filesystem type='file' accessmode='passthrough'>\n"
		     "      <driver type='loop' format='raw'/>\n      <source file='%s'/>\n"
		     "      <target dir='/'/>\n    </filesystem>\n", rootfs_path);
	xml_interface(&b, s);
	tve_xb_printf(&b, "    <console type='pty'/>\n  </devices>\n</domain>\n");
	return b.s;
}

/* ---- summary -------------------------------------------------------------- */


/* "pool/volume" -> Proxmox's "pool:volume". */
static char *volid(const char *v)
{
	char *s = tve_xstrdup(v ? v : "?"), *slash = strchr(s, '/');

	if (slash)
		*slash = ':';
	return s;
}

static void cat(char *buf, size_t len, const char *key, const char *val)
{
	size_t n = strlen(buf);

	if (!empty(val))
		snprintf(buf + n, len - n, "%s%s=%s", n ? "," : "", key, val);
}

static void add_net0(struct spec_lines *l, const struct tve_ct_spec *s)
{
	static const char *const mode[] = { NULL, NULL, "dhcp", "auto" };
	char v[512] = "", tag[16] = "";
	bool st4 = s->ip4 == TVE_IP_STATIC, st6 = s->ip6 == TVE_IP_STATIC;

	if (s->net == TVE_NET_NONE)
		return;
	if (s->vlan > 0)
		snprintf(tag, sizeof(tag), "%d", s->vlan);
	/* Proxmox's order: name, then the rest by name */
	cat(v, sizeof(v), "name", "eth0");
	cat(v, sizeof(v), s->net == TVE_NET_BRIDGE ? "bridge" : "network", s->net_source ? s->net_source : "?");
	cat(v, sizeof(v), "firewall", s->firewall ? "1" : NULL);
	cat(v, sizeof(v), "gw", st4 ? s->gw4 : NULL);
	cat(v, sizeof(v), "gw6", st6 ? s->gw6 : NULL);
	cat(v, sizeof(v), "hwaddr", s->mac);
	cat(v, sizeof(v), "ip", st4 ? s->ip4_cidr : (unsigned)s->ip4 < 4 ? mode[s->ip4] : NULL);
	cat(v, sizeof(v), "ip6", st6 ? s->ip6_cidr : (unsigned)s->ip6 < 4 ? mode[s->ip6] : NULL);
	cat(v, sizeof(v), "tag", tag);
	cat(v, sizeof(v), "type", "veth");
	spec_lines_add(l, "net0", "%s", v);
}

/* "ssh-ed25519 alice@x, ssh-rsa bob@y": type and comment of every key. */
static void add_keys(struct spec_lines *l, const char *keys)
{
	char v[512] = "";
	int count = 0;

	for (const char *p = keys; p && *p;) {
		size_t n = strcspn(p, "\n"), tn, bn;
		const char *t = p + strspn(p, " \t"), *c;

		if (*t != '#' && *t != '\n' && *t) {
			size_t len = strlen(v);
			tn = strcspn(t, " \t\n");
			c = t + tn + strspn(t + tn, " \t");
			bn = strcspn(c, " \t\n");
			c += bn + strspn(c + bn, " \t");
			snprintf(v + len, sizeof(v) - len, "%s%.*s %.*s", len ? ", " : "", (int)tn, t,
				 (int)strcspn(c, "\r\n"), c);
			count++;
		}
		p += n + (p[n] != 0);
	}
	if (count)
		spec_lines_add(l, "ssh-public-keys", "%d key%s (%s)", count, count == 1 ? "" : "s", v);
}

char **tve_ct_summary(const struct tve_ct_spec *s)
{
	struct spec_lines l = { 0 };
	char *v;

	spec_lines_add(&l, "vmid", "%d", s->vmid);
	spec_lines_add(&l, "nodename", "%s", s->node ? s->node : "?");
	/* the summary has no node: tve's hosts are x86_64 */
	spec_lines_add(&l, "arch", "amd64");
	if (!empty(s->hostname))
		spec_lines_add(&l, "hostname", "%s", s->hostname);
	spec_lines_add(&l, "unprivileged", "%d", (int)s->unprivileged);
	if (s->nesting)
		spec_lines_add(&l, "features", "nesting=1");
	if (!empty(s->password))
		spec_lines_add(&l, "password", "********");
	add_keys(&l, s->ssh_keys);
	if (s->onboot)
		spec_lines_add(&l, "onboot", "1");
	if ((v = norm_tags(s->tags)))
		spec_lines_add(&l, "tags", "%s", v);
	free(v);
	v = volid(s->template_vol);
	spec_lines_add(&l, "ostemplate", "%s", v);
	free(v);
	spec_lines_add(&l, "rootfs", "%s:%g", s->rootfs_pool ? s->rootfs_pool : "?", (double)s->rootfs_size / GiB);
	spec_lines_add(&l, "cores", "%u", s->cores);
	if (s->cpulimit > 0)
		spec_lines_add(&l, "cpulimit", "%g", s->cpulimit);
	if (s->cpuunits)
		spec_lines_add(&l, "cpuunits", "%u", s->cpuunits);
	spec_lines_add(&l, "memory", "%llu", s->memory_mib);
	spec_lines_add(&l, "swap", "%llu", s->swap_mib);
	add_net0(&l, s);
	if (!empty(s->dns_domain))
		spec_lines_add(&l, "searchdomain", "%s", s->dns_domain);
	if (!empty(s->dns_servers))
		spec_lines_add(&l, "nameserver", "%s", s->dns_servers);
	if (s->start_after)
		spec_lines_add(&l, "start", "1");
	return spec_lines_sorted(&l);
}
