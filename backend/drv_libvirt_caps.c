/* drv_libvirt_caps.c - what a node offers new guests: hypervisor type,
 * machines, CPU models, firmware, TPM, bridges and drives; and the storage
 * pool types it can define.
 *
 * Read once per connection (the capabilities of a host do not change while
 * libvirtd runs), so XPath's convenience costs nothing here.  They are read
 * on a thread of their own: libvirtd can take seconds to answer
 * virConnectGetCapabilities and virConnectGetDomainCapabilities (seen: 7.7
 * and 4 s on a 2-core test machine), and the node's guests must not wait
 * for that.  The result waits in the refcounted struct lv_events, which
 * outlives the handle, until the next FACTS refresh takes it. */
#include "drv_libvirt.h"

#include <dirent.h>
#include <glob.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libvirt/virterror.h>
#include <libxml/xpath.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/stat.h>

#include "util.h"

#define XML_OPTS (XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

struct reader {
	virConnectPtr conn;	/* a reference of its own */
	struct lv_events *ev;	/* likewise */
	bool local, is_test;
	/* Its node, which outlives the thread: tve_backend_free waits for it
	 * (tve_node_thread_begin/end). */
	struct tve_node *node;
	unsigned long calls;
	struct tve_node_caps caps;
};

struct xq {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
};

static int xq_open(struct xq *q, const char *xml)
{
	q->doc = xml ? xmlReadMemory(xml, (int)strlen(xml), "caps", NULL, XML_OPTS) : NULL;
	q->ctx = q->doc ? xmlXPathNewContext(q->doc) : NULL;
	return q->ctx ? 0 : -1;
}

static void xq_close(struct xq *q)
{
	if (q->ctx)
		xmlXPathFreeContext(q->ctx);
	if (q->doc)
		xmlFreeDoc(q->doc);
}

/* Calls fn(text, opaque) for the string value of every node expr selects. */
static void xq_each(struct xq *q, const char *expr, void (*fn)(const char *, void *), void *opaque)
{
	xmlXPathObjectPtr o = xmlXPathEvalExpression((const xmlChar *)expr, q->ctx);

	if (o && o->nodesetval) {
		for (int i = 0; i < o->nodesetval->nodeNr; i++) {
			xmlChar *t = xmlNodeGetContent(o->nodesetval->nodeTab[i]);

			if (t && t[0])
				fn((const char *)t, opaque);
			xmlFree(t);
		}
	}
	xmlXPathFreeObject(o);
}

static void keep_first(const char *s, void *opaque)
{
	char **dst = opaque;

	if (!*dst)
		*dst = tve_xstrdup(s);
}

static char *xq_str(struct xq *q, const char *expr)
{
	char *s = NULL;

	xq_each(q, expr, keep_first, &s);
	return s;
}

static bool xq_has(struct xq *q, const char *expr)
{
	char *s = xq_str(q, expr);
	bool yes = s != NULL;

	free(s);
	return yes;
}

struct list {
	size_t *n;
	char ***v;
};

static void add_unique(const char *s, void *opaque)
{
	struct list *l = opaque;

	if (!tve_strlist_has(*l->n, *l->v, s))
		tve_strlist_add(l->n, l->v, s);
}

/* From virConnectGetCapabilities: arch, domain type, emulator, machines. */
static void read_capabilities(struct reader *h, struct tve_node_caps *c)
{
	struct xq q = {0};
	char *xml, *expr;

	h->calls++;
	xml = virConnectGetCapabilities(h->conn);
	if (xq_open(&q, xml) < 0)
		goto out;
	c->arch = xq_str(&q, "/capabilities/host/cpu/arch");
	if (!c->arch)
		c->arch = xq_str(&q, "/capabilities/guest[1]/arch/@name");
	if (!c->arch)
		goto out;
	/* The guest entry for the host's own arch (hvm for QEMU, exe for
	 * LXC): KVM when offered, else the first type (qemu, lxc, test). */
	expr = tve_xasprintf("/capabilities/guest[arch/@name='%s'][1]", c->arch);
	{
		char *kvm = tve_xasprintf("%s/arch/domain[@type='kvm']/@type", expr);
		char *any = tve_xasprintf("%s/arch/domain[1]/@type", expr);
		char *emu = tve_xasprintf("%s/arch/emulator", expr);
		char *mach = tve_xasprintf("%s/arch/machine", expr);
		struct list l = { &c->n_machines, &c->machines };

		c->domain_type = xq_str(&q, kvm);
		if (!c->domain_type)
			c->domain_type = xq_str(&q, any);
		c->emulator = xq_str(&q, emu);
		xq_each(&q, mach, add_unique, &l);
		free(kvm);
		free(any);
		free(emu);
		free(mach);
	}
	free(expr);
out:
	xq_close(&q);
	free(xml);
}

/* From virConnectGetDomainCapabilities (QEMU only): CPU models, firmware,
 * TPM, SPICE, iothreads.  The machine-independent parts are the same for
 * i440fx. */
static void read_domain_caps(struct reader *h, struct tve_node_caps *c)
{
	struct xq q = {0};
	struct list l = { &c->n_cpu_models, &c->cpu_models };
	char *xml;

	/* Asked for q35: firmware with secure boot is offered only there. */
	h->calls++;
	xml = virConnectGetDomainCapabilities(h->conn, c->emulator, c->arch,
					      tve_strlist_has(c->n_machines, c->machines, "q35")
						      ? "q35" : NULL,
					      c->domain_type, 0);
	if (!xml) {
		virResetLastError();
		return;
	}
	if (xq_open(&q, xml) == 0) {
		c->host_passthrough =
			xq_has(&q, "/domainCapabilities/cpu/mode[@name='host-passthrough'][@supported='yes']/@name");
		xq_each(&q, "/domainCapabilities/cpu/mode[@name='custom'][@supported='yes']/model[@usable='yes']",
			add_unique, &l);
		c->efi = xq_has(&q, "/domainCapabilities/os[@supported='yes']/enum[@name='firmware']/value[.='efi']");
		c->efi_secure = c->efi &&
			xq_has(&q, "/domainCapabilities/os/loader/enum[@name='secure']/value[.='yes']");
		c->tpm = xq_has(&q, "/domainCapabilities/devices/tpm[@supported='yes']/enum[@name='backendModel']/value[.='emulator']");
		c->spice = xq_has(&q, "/domainCapabilities/devices/graphics[@supported='yes']/enum[@name='type']/value[.='spice']");
		c->iothreads = xq_has(&q, "/domainCapabilities/iothreads[@supported='yes']/@supported");
	}
	xq_close(&q);
	free(xml);
}

/* Lines a command prints on the node, over its ssh session (NULL when
 * the node has none, or is closing). */
static char *node_lines(struct reader *h, const char *cmd)
{
	char *out = NULL;
	bool closed;

	pthread_mutex_lock(&h->ev->lock);
	closed = h->ev->closed;
	pthread_mutex_unlock(&h->ev->lock);
	if (closed || !h->node || tve_node_exec(h->node, cmd, &out, NULL) < 0) {
		free(out);
		return NULL;
	}
	return out;
}

static void add_lines(size_t *n, char ***list, char *text)
{
	char *save = NULL;

	if (!text)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		tve_strlist_add(n, list, line);
	free(text);
}

/* Host bridges: libvirt's interface driver, or /sys on this host or on
 * an ssh node. */
static void read_bridges(struct reader *h, struct tve_node_caps *c)
{
	virInterfacePtr *ifs = NULL;
	int n;

	h->calls++;
	n = virConnectListAllInterfaces(h->conn, &ifs, VIR_CONNECT_LIST_INTERFACES_ACTIVE);
	for (int i = 0; i < n; i++) {
		char *xml = virInterfaceGetXMLDesc(ifs[i], 0);

		if (xml && strstr(xml, "type='bridge'"))
			tve_strlist_add(&c->n_bridges, &c->bridges, virInterfaceGetName(ifs[i]));
		free(xml);
		virInterfaceFree(ifs[i]);
	}
	free(ifs);
	if (n < 0)
		virResetLastError();
	if (!c->n_bridges && h->local) {
		DIR *d = opendir("/sys/class/net");
		struct dirent *e;

		while (d && (e = readdir(d))) {
			char path[512];
			struct stat st;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", e->d_name);
			if (stat(path, &st) == 0)
				tve_strlist_add(&c->n_bridges, &c->bridges, e->d_name);
		}
		if (d)
			closedir(d);
	} else if (!c->n_bridges && !h->is_test) {
		add_lines(&c->n_bridges, &c->bridges,
			  node_lines(h, "for d in /sys/class/net/*/bridge; do [ -d \"$d\" ] && "
					"basename \"${d%/bridge}\"; done; true"));
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Physical CD/DVD drives of this host, or of an ssh node. */
static void read_drives(struct reader *h, struct tve_node_caps *c)
{
	glob_t g;

	if (h->is_test)
		return;
	if (!h->local) {
		add_lines(&c->n_drives, &c->drives,
			  node_lines(h, "for d in /dev/sr[0-9]*; do [ -e \"$d\" ] && echo \"$d\"; "
					"done; true"));
		return;
	}
	if (glob("/dev/sr[0-9]*", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++)
			tve_strlist_add(&c->n_drives, &c->drives, g.gl_pathv[i]);
		globfree(&g);
	}
}

/* Storage pool types from virConnectGetStoragePoolCapabilities: those
 * with a driver (supported='yes') and those libvirt knows but whose driver
 * package is not installed (supported='no': zfs, rbd, iscsi-direct,
 * gluster... each in libvirt-daemon-driver-storage-TYPE).  The test
 * driver lacks the call but defines pools of any type. */
static void read_pool_caps(struct reader *h, struct tve_node_caps *c)
{
	static const char *const test_types[] = {
		"dir", "fs", "netfs", "logical", "disk", "iscsi", "zfs", "rbd",
	};
	struct list yes = { &c->n_pool_types, &c->pool_types };
	struct list no = { &c->n_pool_types_missing, &c->pool_types_missing };
	struct xq q = {0};
	char *xml;

	h->calls++;
	if (!(xml = virConnectGetStoragePoolCapabilities(h->conn, 0))) {
		virResetLastError();
		for (size_t i = 0; h->is_test && i < sizeof(test_types) / sizeof(*test_types); i++)
			tve_strlist_add(&c->n_pool_types, &c->pool_types, test_types[i]);
		return;
	}
	if (xq_open(&q, xml) == 0) {
		xq_each(&q, "/storagepoolCapabilities/pool[@supported='yes']/@type", add_unique, &yes);
		xq_each(&q, "/storagepoolCapabilities/pool[@supported='no']/@type", add_unique, &no);
	}
	xq_close(&q);
	free(xml);
}

static void *reader_main(void *opaque)
{
	struct reader *h = opaque;
	struct tve_node_caps *c = &h->caps;
	struct lv_events *ev = h->ev;

	read_capabilities(h, c);
	virResetLastError();
	if (!c->arch)
		c->arch = tve_xstrdup("x86_64");
	if (!c->domain_type)
		c->domain_type = tve_xstrdup(h->is_test ? "test" : "qemu");
	if (strcmp(c->domain_type, "kvm") == 0 || strcmp(c->domain_type, "qemu") == 0)
		read_domain_caps(h, c);
	if (c->n_cpu_models > 1)
		qsort(c->cpu_models, c->n_cpu_models, sizeof(*c->cpu_models), cmp_str);
	if (!h->is_test)
		read_bridges(h, c);
	read_drives(h, c);
	read_pool_caps(h, c);

	pthread_mutex_lock(&ev->lock);
	ev->caps = *c;
	ev->caps_calls = h->calls;
	ev->caps_state = LV_CAPS_READY;
	if (ev->node && !ev->closed)
		tve_node_request_refresh(ev->node, TVE_REFRESH_FACTS);
	pthread_mutex_unlock(&ev->lock);
	virConnectClose(h->conn);
	lv_ev_unref(ev);
	if (h->node)
		tve_node_thread_end(h->node);
	free(h);
	return NULL;
}

static void start_reader(struct lv_handle *h)
{
	struct reader *r = tve_xcalloc(1, sizeof(*r));
	pthread_attr_t attr;
	pthread_t t;
	int rc;

	r->conn = h->conn;
	virConnectRef(r->conn);
	r->ev = lv_ev_ref(h->ev);
	r->local = h->local;
	r->is_test = h->is_test;
	/* Only a remote node's reader asks the node itself (over ssh). */
	r->node = !h->local && !h->is_test ? h->ev->node : NULL;
	if (r->node)
		tve_node_thread_begin(r->node);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&t, &attr, reader_main, r);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		/* No caps this time; the next refresh tries again. */
		h->ev->caps_state = LV_CAPS_NONE;
		virConnectClose(r->conn);
		lv_ev_unref(r->ev);
		if (r->node)
			tve_node_thread_end(r->node);
		free(r);
	}
}

void lv_caps_refresh(struct lv_handle *h, struct tve_snapshot *snap)
{
	if (!h->have_caps) {
		pthread_mutex_lock(&h->ev->lock);
		if (h->ev->caps_state == LV_CAPS_READY) {
			h->caps = h->ev->caps;
			memset(&h->ev->caps, 0, sizeof(h->ev->caps));
			atomic_fetch_add(&h->calls, h->ev->caps_calls);
			h->have_caps = true;
		} else if (h->ev->caps_state == LV_CAPS_NONE) {
			h->ev->caps_state = LV_CAPS_READING;
			start_reader(h);
		}
		pthread_mutex_unlock(&h->ev->lock);
	}
	if (h->have_caps) {
		tve_caps_copy(&snap->caps, &h->caps);
		snap->has_caps = true;
	}
}
