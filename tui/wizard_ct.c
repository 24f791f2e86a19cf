/* wizard_ct.c - Create: LXC Container, with the web UI's pages: General,
 * Template, Root Disk, CPU, Memory, Network, DNS, Confirm. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "tui.h"
#include "wizard.h"

#define CT(m) offsetof(struct tve_ct_spec, m)

enum { P_GENERAL, P_TEMPLATE, P_ROOTFS, P_CPU, P_MEMORY, P_NETWORK, P_DNS, P_CONFIRM, P__COUNT };

static const char *const pages[P__COUNT] = {
	"General", "Template", "Root Disk", "CPU", "Memory", "Network", "DNS", "Confirm",
};

/* Root filesystem tarballs, as the spec's rule takes them. */
static const char *const tmpl_suffixes[] = { ".tar.gz", ".tar.xz", ".tar.zst", ".tar", NULL };

static struct tve_ct_spec *ct(const struct wiz *w)
{
	return w->spec;
}

/* ---- when fields show ---------------------------------------------------------- */

static bool has_net(const struct wiz *w)
{
	return ct(w)->net != TVE_NET_NONE;
}

static bool ip4_static(const struct wiz *w)
{
	return has_net(w) && ct(w)->ip4 == TVE_IP_STATIC;
}

static bool ip6_static(const struct wiz *w)
{
	return has_net(w) && ct(w)->ip6 == TVE_IP_STATIC;
}

/* ---- options ----------------------------------------------------------------- */

static const char *net_label(int v)
{
	static const char *const l[] = { "No network device", "Bridge", "Libvirt network" };

	return v >= 0 && v < 3 ? l[v] : "?";
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
	wiz_opts_net_source(w, fl, ct(w)->net);
}

static void opts_ip(struct form_field *fl, bool v6)
{
	form_add_option(fl, "None", NULL, false, TVE_IP_NONE, NULL);
	form_add_option(fl, "Static", NULL, false, TVE_IP_STATIC, NULL);
	form_add_option(fl, "DHCP", NULL, false, TVE_IP_DHCP, NULL);
	if (v6)
		form_add_option(fl, "SLAAC", NULL, false, TVE_IP_SLAAC, NULL);
}

static void opts_ip4(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)w;
	(void)d;
	opts_ip(fl, false);
}

static void opts_ip6(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)w;
	(void)d;
	opts_ip(fl, true);
}

static void opts_pool(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	(void)d;
	wiz_opts_pools(w, fl, false);
}

/* Templates by storage: the storage of the chosen template, else the first
 * that holds one. */
static size_t n_templates(struct wiz *w, const struct tve_pool *p)
{
	struct form_field fl;
	size_t n;

	memset(&fl, 0, sizeof(fl));
	wiz_opts_volumes(w, &fl, p->name, tmpl_suffixes);
	n = fl.n_opts;
	form_clear_options(&fl);
	return n;
}

static const struct tve_pool *tmpl_pool(struct wiz *w)
{
	const struct tve_snapshot *s = w->ctx.node;
	const char *t = ct(w)->template_vol, *slash = t ? strchr(t, '/') : NULL;

	for (size_t i = 0; s && slash && i < s->n_pools; i++)
		if (strlen(s->pools[i].name) == (size_t)(slash - t) &&
		    !strncmp(s->pools[i].name, t, (size_t)(slash - t)))
			return &s->pools[i];
	for (size_t i = 0; s && i < s->n_pools; i++)
		if (n_templates(w, &s->pools[i]))
			return &s->pools[i];
	return NULL;
}

static void opts_tmpl_pool(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	const struct tve_snapshot *s = w->ctx.node;
	const struct tve_pool *cur = tmpl_pool(w);

	(void)d;
	for (size_t i = 0; s && i < s->n_pools; i++) {
		size_t n = n_templates(w, &s->pools[i]);
		char note[64];

		if (!n && &s->pools[i] != cur)
			continue;
		snprintf(note, sizeof(note), "%zu template%s", n, n == 1 ? "" : "s");
		if (&s->pools[i] == cur)
			fl->sel = fl->n_opts;
		form_add_option(fl, s->pools[i].name, note, false, 0, s->pools[i].name);
	}
	if (!fl->n_opts)
		form_add_option(fl, "(no templates on the node)", NULL, true, 0, NULL);
}

/* Another storage: its first template. */
static void set_tmpl_pool(struct wiz *w, const struct wf *d, const struct form_option *o)
{
	struct form_field fl;

	(void)d;
	if (!o->sval)
		return;
	memset(&fl, 0, sizeof(fl));
	wiz_opts_volumes(w, &fl, o->sval, tmpl_suffixes);
	free(ct(w)->template_vol);
	ct(w)->template_vol = fl.n_opts ? tve_xstrdup(fl.opts[0].sval) : NULL;
	form_clear_options(&fl);
}

static void opts_template(struct wiz *w, const struct wf *d, struct form_field *fl)
{
	const struct tve_pool *p = tmpl_pool(w);

	(void)d;
	if (p)
		wiz_opts_volumes(w, fl, p->name, tmpl_suffixes);
}

/* ---- the pages ------------------------------------------------------------------ */

#define G(pg, ty, lab, m) .page = pg, .type = ty, .label = lab, .off = CT(m)

static const struct wf fields[] = {
	{ G(P_GENERAL, WF_NODE, "Node", node), WIZ_RULE(TVE_CTF_NODE) },
	{ G(P_GENERAL, WF_INT, "CT ID", vmid), WIZ_RULE(TVE_CTF_VMID), .max_len = 9 },
	{ G(P_GENERAL, WF_STR, "Hostname", hostname), WIZ_RULE(TVE_CTF_HOSTNAME), .max_len = 63 },
	{ G(P_GENERAL, WF_BOOL, "Unprivileged container", unprivileged) },
	{ G(P_GENERAL, WF_BOOL, "Nesting", nesting) },
	{ G(P_GENERAL, WF_SECRET, "Password", password), WIZ_RULE(TVE_CTF_PASSWORD), .max_len = 128 },
	{ G(P_GENERAL, WF_SECRET2, "Confirm password", password), .max_len = 128 },
	{ G(P_GENERAL, WF_STR, "SSH public key(s)", ssh_keys), WIZ_RULE(TVE_CTF_SSH_KEYS),
	  .max_len = 8192 },
	{ G(P_GENERAL, WF_BOOL, "Start at boot", onboot) },
	{ G(P_GENERAL, WF_STR, "Tags", tags), WIZ_RULE(TVE_CTF_TAGS), .max_len = 200,
	  .unit = "; separated" },

	{ G(P_TEMPLATE, WF_CUSTOM, "Storage", template_vol), .opts = opts_tmpl_pool,
	  .set = set_tmpl_pool },
	{ G(P_TEMPLATE, WF_CHOICE, "Template", template_vol), WIZ_RULE(TVE_CTF_TEMPLATE),
	  .opts = opts_template },

	{ G(P_ROOTFS, WF_CHOICE, "Storage", rootfs_pool), WIZ_RULE(TVE_CTF_ROOTFS_POOL),
	  .opts = opts_pool },
	{ G(P_ROOTFS, WF_SIZE, "Disk size", rootfs_size), WIZ_RULE(TVE_CTF_ROOTFS_SIZE),
	  .max_len = 12, .unit = "GiB" },

	{ G(P_CPU, WF_UINT, "Cores", cores), WIZ_RULE(TVE_CTF_CORES), .max_len = 4 },
	{ G(P_CPU, WF_DOUBLE, "CPU limit", cpulimit), WIZ_RULE(TVE_CTF_CPULIMIT), .empty_ok = true,
	  .max_len = 8, .unit = "CPUs, empty = unlimited" },
	{ G(P_CPU, WF_UINT, "CPU units", cpuunits), WIZ_RULE(TVE_CTF_CPUUNITS), .empty_ok = true,
	  .max_len = 6, .unit = "empty = default" },

	{ G(P_MEMORY, WF_MIB, "Memory", memory_mib), WIZ_RULE(TVE_CTF_MEMORY), .max_len = 10,
	  .unit = "MiB" },
	{ G(P_MEMORY, WF_MIB, "Swap", swap_mib), WIZ_RULE(TVE_CTF_SWAP), .max_len = 10, .unit = "MiB" },

	{ .page = P_NETWORK, .type = WF_INFO, .label = "Name", .info = "eth0" },
	{ G(P_NETWORK, WF_ENUM, "Network", net), .opts = opts_net },
	{ G(P_NETWORK, WF_CHOICE, "Bridge/Network", net_source), WIZ_RULE(TVE_CTF_NET_SOURCE),
	  .opts = opts_net_source, .shown = has_net },
	{ G(P_NETWORK, WF_STR, "MAC address", mac), WIZ_RULE(TVE_CTF_MAC), .max_len = 17,
	  .unit = "empty = auto", .shown = has_net },
	{ G(P_NETWORK, WF_INT, "VLAN Tag", vlan), WIZ_RULE(TVE_CTF_VLAN), .empty_ok = true,
	  .max_len = 4, .unit = "empty = none", .shown = has_net },
	{ G(P_NETWORK, WF_BOOL, "Firewall", firewall), .shown = has_net },
	{ G(P_NETWORK, WF_ENUM, "IPv4", ip4), WIZ_RULE(TVE_CTF_IP4), .opts = opts_ip4, .shown = has_net },
	{ G(P_NETWORK, WF_STR, "IPv4/CIDR", ip4_cidr), WIZ_RULE(TVE_CTF_IP4), .max_len = 18,
	  .shown = ip4_static },
	{ G(P_NETWORK, WF_STR, "Gateway (IPv4)", gw4), WIZ_RULE(TVE_CTF_GW4), .max_len = 15,
	  .shown = ip4_static },
	{ G(P_NETWORK, WF_ENUM, "IPv6", ip6), WIZ_RULE(TVE_CTF_IP6), .opts = opts_ip6, .shown = has_net },
	{ G(P_NETWORK, WF_STR, "IPv6/CIDR", ip6_cidr), WIZ_RULE(TVE_CTF_IP6), .max_len = 43,
	  .shown = ip6_static },
	{ G(P_NETWORK, WF_STR, "Gateway (IPv6)", gw6), WIZ_RULE(TVE_CTF_GW6), .max_len = 39,
	  .shown = ip6_static },

	{ G(P_DNS, WF_STR, "DNS domain", dns_domain), WIZ_RULE(TVE_CTF_DNS_DOMAIN), .max_len = 253,
	  .unit = "empty = host's" },
	{ G(P_DNS, WF_STR, "DNS servers", dns_servers), WIZ_RULE(TVE_CTF_DNS_SERVERS),
	  .max_len = 200, .unit = "empty = host's" },

	{ .page = P_CONFIRM, .type = WF_SUMMARY, .label = "Summary" },
	{ G(P_CONFIRM, WF_BOOL, "Start after created", start_after) },
};

/* ---- the kind ---------------------------------------------------------------- */

static void defaults(void *s, const struct tve_create_ctx *ctx)
{
	tve_ct_spec_defaults(s, ctx);
}

static void spec_clear(void *s)
{
	tve_ct_spec_clear(s);
}

static char *check(const void *s, const struct tve_create_ctx *ctx, int rule, size_t item)
{
	(void)item;
	return tve_ct_check(s, ctx, (enum tve_ct_field)rule);
}

static int check_page(const void *s, const struct tve_create_ctx *ctx, int page, char **err)
{
	return tve_ct_check_page(s, ctx, page, err);
}

static char **summary(const void *s)
{
	return tve_ct_summary(s);
}

/* The XML as it will be defined: the root disk named, at its host path. */
static char *xml(const void *s, const struct tve_create_ctx *ctx, char **err)
{
	const struct tve_pool *p;
	struct tve_ct_spec t;
	char *x = NULL, *path;

	memset(&t, 0, sizeof(t));
	tve_ct_spec_copy(&t, s);
	if (tve_ct_spec_plan(&t, ctx, err) == 0) {
		p = t.rootfs_pool && ctx->node ? tve_snapshot_find_pool(ctx->node, t.rootfs_pool) : NULL;
		path = tve_xasprintf("%s/%s", p && p->path ? p->path : "",
				     t.rootfs_volume ? t.rootfs_volume : "");
		x = tve_ct_domain_xml(&t, ctx, path, err);
		free(path);
	}
	tve_ct_spec_clear(&t);
	return x;
}

static int create(struct tve_backend *b, size_t node, const void *s, char **task_id, char **err)
{
	return tve_backend_create_ct(b, node, s, task_id, err);
}

static int vmid(const void *s)
{
	return ((const struct tve_ct_spec *)s)->vmid;
}

static void swap_str(char **a, char **b)
{
	char *t = *a;

	*a = *b;
	*b = t;
}

/* On another node, what it does not have (template, storage, bridge)
 * becomes what a new container there would get. */
static void changed(struct wiz *w, const struct wf *d)
{
	struct tve_ct_spec *s = ct(w), def;
	char *m;

	if (d->type != WF_NODE)
		return;
	tve_ct_spec_defaults(&def, &w->ctx);
	if ((m = tve_ct_check(s, &w->ctx, TVE_CTF_TEMPLATE)))
		swap_str(&s->template_vol, &def.template_vol);
	free(m);
	if ((m = tve_ct_check(s, &w->ctx, TVE_CTF_ROOTFS_POOL)))
		swap_str(&s->rootfs_pool, &def.rootfs_pool);
	free(m);
	if ((m = tve_ct_check(s, &w->ctx, TVE_CTF_NET_SOURCE))) {
		s->net = def.net;
		swap_str(&s->net_source, &def.net_source);
	}
	free(m);
	tve_ct_spec_clear(&def);
}

static const struct wiz_kind kind = {
	.title = "Create: LXC Container",
	.what = "CT",
	.pages = pages,
	.n_pages = P__COUNT,
	.fields = fields,
	.n_fields = TVE_ARRAY_SIZE(fields),
	.spec_size = sizeof(struct tve_ct_spec),
	.defaults = defaults,
	.clear_spec = spec_clear,
	.check = check,
	.check_page = check_page,
	.summary = summary,
	.xml = xml,
	.create = create,
	.vmid = vmid,
	.changed = changed,
};

void wizard_ct_open(struct app *a, size_t node)
{
	wiz_open(a, &kind, node);
}
