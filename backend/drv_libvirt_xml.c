/* drv_libvirt_xml.c - what tve reads from libvirt's XML, via libxml2 XPath.
 *
 * Only the parts libvirt has no cheap API for: the domain's devices and tve
 * metadata, pool type and target, volume format, network bridge and
 * forward mode. */
#include "drv_libvirt.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

struct xdoc {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
};

static int xdoc_open(struct xdoc *x, const char *text, const char *what, char **err)
{
	x->ctx = NULL;
	x->doc = text ? xmlReadMemory(text, (int)strlen(text), what, NULL,
				      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)
		      : NULL;
	if (!x->doc || !xmlDocGetRootElement(x->doc))
		goto fail;
	x->ctx = xmlXPathNewContext(x->doc);
	if (!x->ctx)
		goto fail;
	x->ctx->node = xmlDocGetRootElement(x->doc);
	return 0;
fail:
	if (x->doc)
		xmlFreeDoc(x->doc);
	x->doc = NULL;
	return tve_set_err(err, "cannot parse %s XML", what);
}

static void xdoc_close(struct xdoc *x)
{
	if (x->ctx)
		xmlXPathFreeContext(x->ctx);
	if (x->doc)
		xmlFreeDoc(x->doc);
	x->ctx = NULL;
	x->doc = NULL;
}

/* The string value of expr (relative to ctx->node), or NULL when empty. */
static char *xp_str(xmlXPathContextPtr ctx, const char *expr)
{
	char buf[512];
	xmlXPathObjectPtr o;
	char *s = NULL;

	snprintf(buf, sizeof(buf), "string(%s)", expr);
	o = xmlXPathEvalExpression((const xmlChar *)buf, ctx);
	if (o && o->type == XPATH_STRING && o->stringval && o->stringval[0])
		s = tve_xstrdup((const char *)o->stringval);
	xmlXPathFreeObject(o);
	return s;
}

/* The nodes matching expr; free with xmlXPathFreeObject. */
static xmlXPathObjectPtr xp_nodes(xmlXPathContextPtr ctx, const char *expr, int *n)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, ctx);

	*n = 0;
	if (o && o->type == XPATH_NODESET && o->nodesetval)
		*n = o->nodesetval->nodeNr;
	return o;
}

/* A scaled number in KiB (libvirt writes memory as <memory unit='KiB'>). */
static unsigned long long to_kib(const char *num, const char *unit)
{
	unsigned long long v;
	static const struct {
		const char *u;
		unsigned long long mul, div;
	} units[] = {
		{"b", 1, 1024}, {"bytes", 1, 1024},
		{"KB", 1000, 1024}, {"k", 1, 1}, {"KiB", 1, 1},
		{"MB", 1000000, 1024}, {"M", 1024, 1}, {"MiB", 1024, 1},
		{"GB", 1000000000ULL, 1024}, {"G", 1048576, 1}, {"GiB", 1048576, 1},
		{"TB", 1000000000000ULL, 1024}, {"T", 1073741824ULL, 1},
		{"TiB", 1073741824ULL, 1},
	};

	if (!num)
		return 0;
	v = strtoull(num, NULL, 10);
	if (!unit)
		return v;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(units); i++)
		if (strcmp(unit, units[i].u) == 0)
			return v * units[i].mul / units[i].div;
	return v;
}

void lv_meta_clear(struct lv_meta *m)
{
	if (!m)
		return;
	free(m->type);
	free(m->tags);
	free(m->notes);
	memset(m, 0, sizeof(*m));
}

/* Reads <vmid>, <type>, <tags>, <notes> under ctx->node, whatever their
 * prefix (libvirt re-prefixes children with the metadata key). */
static void parse_meta_here(xmlXPathContextPtr ctx, struct lv_meta *m)
{
	char *vmid = xp_str(ctx, "*[local-name()='vmid']");

	m->vmid = 0;
	if (vmid) {
		long v = strtol(vmid, NULL, 10);
		m->vmid = v > 0 && v < 1000000000 ? (int)v : 0;
		free(vmid);
	}
	m->type = xp_str(ctx, "*[local-name()='type']");
	m->tags = xp_str(ctx, "*[local-name()='tags']");
	m->notes = xp_str(ctx, "*[local-name()='notes']");
}

int lv_xml_parse_meta(const char *xml, struct lv_meta *m, char **err)
{
	struct xdoc x;

	memset(m, 0, sizeof(*m));
	if (xdoc_open(&x, xml, "metadata", err) < 0)
		return -1;
	parse_meta_here(x.ctx, m);
	xdoc_close(&x);
	return 0;
}

struct sbuf {
	char *s;
	size_t len, cap;
};

static void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = tve_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void sbuf_puts(struct sbuf *b, const char *s)
{
	sbuf_add(b, s, strlen(s));
}

static void sbuf_escaped(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sbuf_puts(b, "&amp;"); break;
		case '<': sbuf_puts(b, "&lt;"); break;
		case '>': sbuf_puts(b, "&gt;"); break;
		default: sbuf_add(b, s, 1); break;
		}
	}
}

char *lv_xml_build_meta(const struct lv_meta *m)
{
	struct sbuf b = {0};
	const struct {
		const char *tag;
		const char *val;
	} f[] = {{"type", m->type}, {"tags", m->tags}, {"notes", m->notes}};
	char num[48];

	sbuf_puts(&b, "<guest>");
	if (m->vmid > 0) {
		snprintf(num, sizeof(num), "<vmid>%d</vmid>", m->vmid);
		sbuf_puts(&b, num);
	}
	for (size_t i = 0; i < TVE_ARRAY_SIZE(f); i++) {
		if (!f[i].val)
			continue;
		snprintf(num, sizeof(num), "<%s>", f[i].tag);
		sbuf_puts(&b, num);
		sbuf_escaped(&b, f[i].val);
		snprintf(num, sizeof(num), "</%s>", f[i].tag);
		sbuf_puts(&b, num);
	}
	sbuf_puts(&b, "</guest>");
	return b.s;
}

static void parse_disks(xmlXPathContextPtr ctx, struct tve_guest *g)
{
	int n;
	xmlXPathObjectPtr o = xp_nodes(ctx, "/domain/devices/disk", &n);
	xmlNodePtr save = ctx->node;

	for (int i = 0; i < n; i++) {
		struct tve_disk *d = tve_guest_add_disk(g);
		char *pool, *vol;

		ctx->node = o->nodesetval->nodeTab[i];
		d->target = xp_str(ctx, "target/@dev");
		d->device = xp_str(ctx, "@device");
		d->bus = xp_str(ctx, "target/@bus");
		d->format = xp_str(ctx, "driver/@type");
		pool = xp_str(ctx, "source/@pool");
		vol = xp_str(ctx, "source/@volume");
		if (pool && vol)
			d->source = tve_xasprintf("%s/%s", pool, vol);
		else if (!(d->source = xp_str(ctx, "source/@file")) &&
			 !(d->source = xp_str(ctx, "source/@dev")))
			d->source = xp_str(ctx, "source/@name");	/* network disks */
		free(pool);
		free(vol);
	}
	ctx->node = save;
	xmlXPathFreeObject(o);
}

static void parse_nics(xmlXPathContextPtr ctx, struct tve_guest *g)
{
	int n;
	xmlXPathObjectPtr o = xp_nodes(ctx, "/domain/devices/interface", &n);
	xmlNodePtr save = ctx->node;

	for (int i = 0; i < n; i++) {
		struct tve_nic *nic = tve_guest_add_nic(g);

		ctx->node = o->nodesetval->nodeTab[i];
		nic->mac = xp_str(ctx, "mac/@address");
		nic->model = xp_str(ctx, "model/@type");
		nic->type = xp_str(ctx, "@type");
		if (!(nic->source = xp_str(ctx, "source/@network")) &&
		    !(nic->source = xp_str(ctx, "source/@bridge")))
			nic->source = xp_str(ctx, "source/@dev");	/* direct */
	}
	ctx->node = save;
	xmlXPathFreeObject(o);
}

int lv_xml_parse_domain(const char *xml, struct tve_guest *g, char **err)
{
	struct xdoc x;
	char *dtype, *s, *unit;
	struct lv_meta m = {0};
	int n;
	xmlXPathObjectPtr o;

	if (xdoc_open(&x, xml, "domain", err) < 0)
		return -1;
	g->name = xp_str(x.ctx, "/domain/name");
	g->os_type = xp_str(x.ctx, "/domain/os/type");
	g->arch = xp_str(x.ctx, "/domain/os/type/@arch");

	if (!(s = xp_str(x.ctx, "/domain/vcpu/@current")))
		s = xp_str(x.ctx, "/domain/vcpu");
	g->vcpus = s ? (unsigned)strtoul(s, NULL, 10) : 1;
	free(s);

	s = xp_str(x.ctx, "/domain/memory");
	unit = xp_str(x.ctx, "/domain/memory/@unit");
	g->mem_max_kib = to_kib(s, unit);
	free(s);
	free(unit);
	s = xp_str(x.ctx, "/domain/currentMemory");
	unit = xp_str(x.ctx, "/domain/currentMemory/@unit");
	g->mem_kib = s ? to_kib(s, unit) : g->mem_max_kib;
	free(s);
	free(unit);

	o = xp_nodes(x.ctx, "/domain/metadata/*[local-name()='guest' and "
			    "namespace-uri()='" TVE_METADATA_NS "']", &n);
	if (n > 0) {
		x.ctx->node = o->nodesetval->nodeTab[0];
		parse_meta_here(x.ctx, &m);
		x.ctx->node = xmlDocGetRootElement(x.doc);
	}
	xmlXPathFreeObject(o);
	g->vmid = m.vmid;
	g->tags = m.tags;
	g->notes = m.notes;
	m.tags = m.notes = NULL;

	/* Containers: libvirt LXC, or an "exe" OS; the test driver cannot
	 * say either on its own, so tve metadata may. */
	dtype = xp_str(x.ctx, "/domain/@type");
	g->type = TVE_GUEST_VM;
	if ((dtype && strcmp(dtype, "lxc") == 0) ||
	    (g->os_type && strcmp(g->os_type, "exe") == 0) ||
	    (m.type && strcasecmp(m.type, "ct") == 0))
		g->type = TVE_GUEST_CT;
	free(dtype);
	lv_meta_clear(&m);

	parse_disks(x.ctx, g);
	parse_nics(x.ctx, g);
	xdoc_close(&x);
	return 0;
}

int lv_xml_parse_pool(const char *xml, char **type, char **path, char **err)
{
	struct xdoc x;

	if (xdoc_open(&x, xml, "pool", err) < 0)
		return -1;
	*type = xp_str(x.ctx, "/pool/@type");
	*path = xp_str(x.ctx, "/pool/target/path");
	xdoc_close(&x);
	return 0;
}

int lv_xml_parse_volume(const char *xml, char **path, char **format, char **err)
{
	struct xdoc x;

	if (xdoc_open(&x, xml, "volume", err) < 0)
		return -1;
	*path = xp_str(x.ctx, "/volume/target/path");
	*format = xp_str(x.ctx, "/volume/target/format/@type");
	xdoc_close(&x);
	return 0;
}

int lv_xml_parse_network(const char *xml, char **bridge, char **forward, char **err)
{
	struct xdoc x;
	int n;
	xmlXPathObjectPtr o;

	if (xdoc_open(&x, xml, "network", err) < 0)
		return -1;
	*bridge = xp_str(x.ctx, "/network/bridge/@name");
	*forward = xp_str(x.ctx, "/network/forward/@mode");
	o = xp_nodes(x.ctx, "/network/forward", &n);
	if (n > 0 && !*forward)
		*forward = tve_xstrdup("nat");	/* libvirt's default mode */
	xmlXPathFreeObject(o);
	xdoc_close(&x);
	return 0;
}

char *lv_xml_caps_cpu_model(const char *xml)
{
	struct xdoc x;
	char *model;

	if (xdoc_open(&x, xml, "capabilities", NULL) < 0)
		return NULL;
	model = xp_str(x.ctx, "/capabilities/host/cpu/model");
	xdoc_close(&x);
	return model;
}
