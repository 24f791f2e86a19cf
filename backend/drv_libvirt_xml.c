/* drv_libvirt_xml.c - what tve reads from libvirt's XML, via libxml2.
 *
 * Only the parts libvirt has no cheap API for: the domain's devices and tve
 * metadata, pool type and target, volume format, network bridge and
 * forward mode.
 *
 * The parsers walk the DOM instead of evaluating XPath: the domain XML of
 * every guest is parsed on the first refresh, and compiling and evaluating
 * a few dozen expressions per domain cost more than libvirt's formatting
 * of the XML.  The walk keeps XPath's meaning of what it replaces: a path
 * step matches element children in no namespace, and of several matches
 * the first in document order counts (see first()). */
#include "drv_libvirt.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"
#include "xmlbuf.h"

/* NONET: never fetch anything.  COMPACT: short texts live inside their
 * node, one allocation less.  Blanks are kept (no NOBLANKS): notes and
 * tags are written back as parsed, so every character must survive. */
#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_COMPACT | \
		  XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

/* The parsed text, or NULL with *err when it is not XML with a root. */
static xmlDocPtr doc_open(const char *text, const char *what, char **err)
{
	xmlDocPtr doc = text ? xmlReadMemory(text, (int)strlen(text), what, NULL, XML_OPTS)
			     : NULL;

	if (doc && xmlDocGetRootElement(doc))
		return doc;
	if (doc)
		xmlFreeDoc(doc);
	tve_set_err(err, "cannot parse %s XML", what);
	return NULL;
}

/* The attribute name of n in no namespace (as XPath's @name), or NULL.
 * Not xmlHasProp: that one ignores namespaces and looks at DTD defaults,
 * which XPath does not. */
static xmlNodePtr attr_node(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		if (!a->ns && xmlStrEqual(a->name, (const xmlChar *)name))
			return (xmlNodePtr)a;
	return NULL;
}

/* XPath's first node, in document order, of path ("a/b/c", relative to n,
 * "" = n itself), or with attr of path/@attr.  Depth first over the
 * children in order is document order here, since every match is at the
 * same depth; so an element without attr does not stop the search, as
 * with XPath.  n may be NULL (nothing matches). */
static xmlNodePtr first(xmlNodePtr n, const char *path, const char *attr)
{
	const char *rest;
	size_t len;

	if (!n)
		return NULL;
	if (!*path)
		return attr ? attr_node(n, attr) : n;
	rest = strchr(path, '/');
	len = rest ? (size_t)(rest - path) : strlen(path);
	rest = rest ? rest + 1 : "";
	for (xmlNodePtr c = n->children; c; c = c->next) {
		xmlNodePtr r;

		if (c->type != XML_ELEMENT_NODE || c->ns ||
		    strncmp((const char *)c->name, path, len) != 0 || c->name[len])
			continue;
		if ((r = first(c, rest, attr)))
			return r;
	}
	return NULL;
}

/* The next element sibling from c on named name in no namespace: the
 * loops over all matches of a path (disks, NICs). */
static xmlNodePtr next_named(xmlNodePtr c, const char *name)
{
	for (; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && !c->ns &&
		    xmlStrEqual(c->name, (const xmlChar *)name))
			return c;
	return NULL;
}

/* XPath's string() of n (an attribute's value, an element's text), copied,
 * or NULL when empty.  A lone text child, the usual case, is read in place;
 * anything else takes xmlNodeGetContent, which XPath uses too. */
static char *node_str(xmlNodePtr n)
{
	xmlNodePtr c = n ? n->children : NULL;
	xmlChar *t;
	char *s = NULL;

	if (!c)
		return NULL;	/* "" (or no node) */
	if (!c->next && c->type == XML_TEXT_NODE)
		return c->content && c->content[0] ? tve_xstrdup((const char *)c->content) : NULL;
	t = xmlNodeGetContent(n);
	if (t && t[0])
		s = tve_xstrdup((const char *)t);
	xmlFree(t);
	return s;
}

/* string(path) or string(path/@attr) relative to n. */
static char *str(xmlNodePtr n, const char *path, const char *attr)
{
	return node_str(first(n, path, attr));
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

/* The first element child of n named name, whatever its namespace (as
 * XPath's *[local-name()='name']). */
static xmlNodePtr child_local(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, (const xmlChar *)name))
			return c;
	return NULL;
}

/* Reads <vmid>, <type>, <tags>, <notes> under n, whatever their prefix
 * (libvirt re-prefixes children with the metadata key). */
static void parse_meta_here(xmlNodePtr n, struct lv_meta *m)
{
	char *vmid = node_str(child_local(n, "vmid"));

	m->vmid = 0;
	if (vmid) {
		long v = strtol(vmid, NULL, 10);
		m->vmid = v > 0 && v < 1000000000 ? (int)v : 0;
		free(vmid);
	}
	m->type = node_str(child_local(n, "type"));
	m->tags = node_str(child_local(n, "tags"));
	m->notes = node_str(child_local(n, "notes"));
}

int lv_xml_parse_meta(const char *xml, struct lv_meta *m, char **err)
{
	xmlDocPtr doc;

	memset(m, 0, sizeof(*m));
	if (!(doc = doc_open(xml, "metadata", err)))
		return -1;
	parse_meta_here(xmlDocGetRootElement(doc), m);
	xmlFreeDoc(doc);
	return 0;
}

char *lv_xml_meta_set_vmid(const char *xml, int vmid)
{
	xmlDocPtr doc = doc_open(xml, "metadata", NULL);
	xmlNodePtr root, vm = NULL;
	xmlBufferPtr buf;
	char num[24], *out = NULL;

	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	snprintf(num, sizeof(num), "%d", vmid);
	for (xmlNodePtr c = root->children; c && !vm; c = c->next)
		if (c->type == XML_ELEMENT_NODE && xmlStrEqual(c->name, (const xmlChar *)"vmid"))
			vm = c;
	if (vm)
		xmlNodeSetContent(vm, (const xmlChar *)num);
	else
		xmlNewTextChild(root, root->ns, (const xmlChar *)"vmid", (const xmlChar *)num);
	if ((buf = xmlBufferCreate())) {
		if (xmlNodeDump(buf, doc, root, 0, 0) > 0)
			out = tve_xstrdup((const char *)xmlBufferContent(buf));
		xmlBufferFree(buf);
	}
	xmlFreeDoc(doc);
	return out;
}

char *lv_xml_build_meta(const struct lv_meta *m)
{
	struct tve_xb b = {0};
	const struct {
		const char *tag;
		const char *val;
	} f[] = {{"type", m->type}, {"tags", m->tags}, {"notes", m->notes}};
	char num[48];

	tve_xb_puts(&b, "<guest>");
	if (m->vmid > 0) {
		snprintf(num, sizeof(num), "<vmid>%d</vmid>", m->vmid);
		tve_xb_puts(&b, num);
	}
	for (size_t i = 0; i < TVE_ARRAY_SIZE(f); i++) {
		if (!f[i].val)
			continue;
		snprintf(num, sizeof(num), "<%s>", f[i].tag);
		tve_xb_puts(&b, num);
		tve_xb_esc(&b, f[i].val);
		snprintf(num, sizeof(num), "</%s>", f[i].tag);
		tve_xb_puts(&b, num);
	}
	tve_xb_puts(&b, "</guest>");
	return b.s;
}

/* Every dom/devices/disk, in document order. */
static void parse_disks(xmlNodePtr dom, struct tve_guest *g)
{
	for (xmlNodePtr dv = next_named(dom->children, "devices"); dv;
	     dv = next_named(dv->next, "devices")) {
		for (xmlNodePtr n = next_named(dv->children, "disk"); n;
		     n = next_named(n->next, "disk")) {
			struct tve_disk *d = tve_guest_add_disk(g);
			char *pool, *vol;

			d->target = str(n, "target", "dev");
			d->device = str(n, "", "device");
			d->bus = str(n, "target", "bus");
			d->format = str(n, "driver", "type");
			pool = str(n, "source", "pool");
			vol = str(n, "source", "volume");
			if (pool && vol)
				d->source = tve_xasprintf("%s/%s", pool, vol);
			else if (!(d->source = str(n, "source", "file")) &&
				 !(d->source = str(n, "source", "dev")))
				d->source = str(n, "source", "name");	/* network disks */
			free(pool);
			free(vol);
		}
	}
}

/* Every dom/devices/interface, in document order. */
static void parse_nics(xmlNodePtr dom, struct tve_guest *g)
{
	for (xmlNodePtr dv = next_named(dom->children, "devices"); dv;
	     dv = next_named(dv->next, "devices")) {
		for (xmlNodePtr n = next_named(dv->children, "interface"); n;
		     n = next_named(n->next, "interface")) {
			struct tve_nic *nic = tve_guest_add_nic(g);

			nic->mac = str(n, "mac", "address");
			nic->model = str(n, "model", "type");
			nic->type = str(n, "", "type");
			if (!(nic->source = str(n, "source", "network")) &&
			    !(nic->source = str(n, "source", "bridge")))
				nic->source = str(n, "source", "dev");	/* direct */
		}
	}
}

/* The first child of a dom/metadata that is tve's <guest>, or NULL. */
static xmlNodePtr tve_meta(xmlNodePtr dom)
{
	for (xmlNodePtr md = next_named(dom->children, "metadata"); md;
	     md = next_named(md->next, "metadata"))
		for (xmlNodePtr c = md->children; c; c = c->next)
			if (c->type == XML_ELEMENT_NODE && c->ns && c->ns->href &&
			    xmlStrEqual(c->name, (const xmlChar *)"guest") &&
			    xmlStrEqual(c->ns->href, (const xmlChar *)TVE_METADATA_NS))
				return c;
	return NULL;
}

int lv_xml_parse_domain(const char *xml, struct tve_guest *g, char **err)
{
	xmlDocPtr doc;
	xmlNodePtr dom, meta;
	char *dtype, *s, *unit;
	struct lv_meta m = {0};

	if (!(doc = doc_open(xml, "domain", err)))
		return -1;
	/* Not a <domain>: nothing matches, as with the /domain/... paths */
	dom = first((xmlNodePtr)doc, "domain", NULL);
	g->name = str(dom, "name", NULL);
	g->os_type = str(dom, "os/type", NULL);
	g->arch = str(dom, "os/type", "arch");

	if (!(s = str(dom, "vcpu", "current")))
		s = str(dom, "vcpu", NULL);
	g->vcpus = s ? (unsigned)strtoul(s, NULL, 10) : 1;
	free(s);

	s = str(dom, "memory", NULL);
	unit = str(dom, "memory", "unit");
	g->mem_max_kib = to_kib(s, unit);
	free(s);
	free(unit);
	s = str(dom, "currentMemory", NULL);
	unit = str(dom, "currentMemory", "unit");
	g->mem_kib = s ? to_kib(s, unit) : g->mem_max_kib;
	free(s);
	free(unit);

	if (dom && (meta = tve_meta(dom)))
		parse_meta_here(meta, &m);
	g->vmid = m.vmid;
	g->tags = m.tags;
	g->notes = m.notes;
	m.tags = m.notes = NULL;

	/* Containers: libvirt LXC, or an "exe" OS; the test driver cannot
	 * say either on its own, so tve metadata may. */
	dtype = str(dom, "", "type");
	g->type = TVE_GUEST_VM;
	if ((dtype && strcmp(dtype, "lxc") == 0) ||
	    (g->os_type && strcmp(g->os_type, "exe") == 0) ||
	    (m.type && strcasecmp(m.type, "ct") == 0))
		g->type = TVE_GUEST_CT;
	free(dtype);
	lv_meta_clear(&m);

	if (dom) {
		parse_disks(dom, g);
		parse_nics(dom, g);
	}
	xmlFreeDoc(doc);
	return 0;
}

/* The other parsers: absolute paths start at the document node. */
int lv_xml_parse_pool(const char *xml, char **type, char **path, char **err)
{
	xmlDocPtr doc;

	if (!(doc = doc_open(xml, "pool", err)))
		return -1;
	*type = str((xmlNodePtr)doc, "pool", "type");
	*path = str((xmlNodePtr)doc, "pool/target/path", NULL);
	xmlFreeDoc(doc);
	return 0;
}

int lv_xml_parse_volume(const char *xml, char **path, char **format, char **err)
{
	xmlDocPtr doc;

	if (!(doc = doc_open(xml, "volume", err)))
		return -1;
	*path = str((xmlNodePtr)doc, "volume/target/path", NULL);
	*format = str((xmlNodePtr)doc, "volume/target/format", "type");
	xmlFreeDoc(doc);
	return 0;
}

int lv_xml_parse_network(const char *xml, char **bridge, char **forward, char **err)
{
	xmlDocPtr doc;

	if (!(doc = doc_open(xml, "network", err)))
		return -1;
	*bridge = str((xmlNodePtr)doc, "network/bridge", "name");
	*forward = str((xmlNodePtr)doc, "network/forward", "mode");
	if (!*forward && first((xmlNodePtr)doc, "network/forward", NULL))
		*forward = tve_xstrdup("nat");	/* libvirt's default mode */
	xmlFreeDoc(doc);
	return 0;
}

char *lv_xml_caps_cpu_model(const char *xml)
{
	xmlDocPtr doc;
	char *model;

	if (!(doc = doc_open(xml, "capabilities", NULL)))
		return NULL;
	model = str((xmlNodePtr)doc, "capabilities/host/cpu/model", NULL);
	xmlFreeDoc(doc);
	return model;
}
