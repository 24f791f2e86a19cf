/* drv_libvirt.c - the libvirt driver: connection, events, lifecycle actions.
 *
 * Refreshes live in drv_libvirt_guests.c and drv_libvirt_node.c; see
 * drv_libvirt.h for the threading rules. */
#include "drv_libvirt.h"

#include <dirent.h>
#include <libvirt/virterror.h>
#include <libxml/xmlerror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ssh.h"
#include "util.h"

int lv_err(char **err, const char *what)
{
	const char *msg = virGetLastErrorMessage();

	if (what)
		return tve_set_err(err, "%s: %s", what, msg);
	return tve_set_err(err, "%s", msg);
}

/* ---- events ------------------------------------------------------------- */

struct lv_events *lv_ev_ref(struct lv_events *ev)
{
	atomic_fetch_add(&ev->refs, 1);
	return ev;
}

void lv_ev_unref(void *opaque)
{
	struct lv_events *ev = opaque;

	if (!ev || atomic_fetch_sub(&ev->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&ev->lock);
	tve_caps_clear(&ev->caps);
	free(ev->dirty);
	free(ev);
}

/* Under ev->lock: remember that uuid's XML is stale (and when it started). */
static void ev_mark(struct lv_events *ev, virDomainPtr dom, uint64_t started_ns)
{
	char uuid[VIR_UUID_STRING_BUFLEN];
	struct lv_dirty *d;

	if (virDomainGetUUIDString(dom, uuid) < 0)
		return;
	for (size_t i = 0; i < ev->n_dirty; i++) {
		if (strcmp(ev->dirty[i].uuid, uuid) == 0) {
			if (started_ns)
				ev->dirty[i].started_ns = started_ns;
			return;
		}
	}
	if (ev->n_dirty == ev->cap_dirty) {
		ev->cap_dirty = ev->cap_dirty ? ev->cap_dirty * 2 : 16;
		ev->dirty = tve_xreallocarray(ev->dirty, ev->cap_dirty, sizeof(*ev->dirty));
	}
	d = &ev->dirty[ev->n_dirty++];
	snprintf(d->uuid, sizeof(d->uuid), "%s", uuid);
	d->started_ns = started_ns;
}

static void ev_domain(struct lv_events *ev, virDomainPtr dom, bool invalidate, bool started)
{
	pthread_mutex_lock(&ev->lock);
	if (!ev->closed) {
		if (invalidate || started)
			ev_mark(ev, dom, started ? tve_now_ns() : 0);
		tve_node_request_refresh(ev->node, TVE_REFRESH_GUESTS);
	}
	pthread_mutex_unlock(&ev->lock);
}

static int on_lifecycle(virConnectPtr c, virDomainPtr dom, int event, int detail, void *opaque)
{
	(void)c;
	(void)detail;
	/* The live XML differs from the inactive one, so a start or stop
	 * refetches it too; pause/resume change nothing in it. */
	ev_domain(opaque, dom,
		  event == VIR_DOMAIN_EVENT_DEFINED || event == VIR_DOMAIN_EVENT_UNDEFINED ||
		  event == VIR_DOMAIN_EVENT_STARTED || event == VIR_DOMAIN_EVENT_STOPPED ||
		  event == VIR_DOMAIN_EVENT_CRASHED,
		  event == VIR_DOMAIN_EVENT_STARTED);
	return 0;
}

static void on_reboot(virConnectPtr c, virDomainPtr dom, void *opaque)
{
	(void)c;
	ev_domain(opaque, dom, false, false);
}

static void on_metadata(virConnectPtr c, virDomainPtr dom, int type, const char *nsuri,
			void *opaque)
{
	(void)c;
	(void)type;
	(void)nsuri;
	ev_domain(opaque, dom, true, false);
}

static void on_device(virConnectPtr c, virDomainPtr dom, const char *alias, void *opaque)
{
	(void)c;
	(void)alias;
	ev_domain(opaque, dom, true, false);
}

static void on_pool(virConnectPtr c, virStoragePoolPtr pool, int event, int detail, void *opaque)
{
	struct lv_events *ev = opaque;

	(void)c;
	(void)pool;
	(void)detail;
	pthread_mutex_lock(&ev->lock);
	if (!ev->closed) {
		if (event == VIR_STORAGE_POOL_EVENT_DEFINED ||
		    event == VIR_STORAGE_POOL_EVENT_UNDEFINED)
			ev->pools_dirty = true;
		tve_node_request_refresh(ev->node, TVE_REFRESH_POOLS);
	}
	pthread_mutex_unlock(&ev->lock);
}

static void on_network(virConnectPtr c, virNetworkPtr net, int event, int detail, void *opaque)
{
	struct lv_events *ev = opaque;

	(void)c;
	(void)net;
	(void)detail;
	pthread_mutex_lock(&ev->lock);
	if (!ev->closed) {
		if (event == VIR_NETWORK_EVENT_DEFINED || event == VIR_NETWORK_EVENT_UNDEFINED)
			ev->nets_dirty = true;
		tve_node_request_refresh(ev->node, TVE_REFRESH_NETWORKS);
	}
	pthread_mutex_unlock(&ev->lock);
}

static void on_close(virConnectPtr c, int reason, void *opaque)
{
	struct lv_events *ev = opaque;
	const char *why;
	char msg[96];

	(void)c;
	switch (reason) {
	case VIR_CONNECT_CLOSE_REASON_ERROR: why = "I/O error"; break;
	case VIR_CONNECT_CLOSE_REASON_EOF: why = "end of file"; break;
	case VIR_CONNECT_CLOSE_REASON_KEEPALIVE: why = "keepalive timeout"; break;
	case VIR_CONNECT_CLOSE_REASON_CLIENT: why = "closed by client"; break;
	default: why = "unknown reason"; break;
	}
	snprintf(msg, sizeof(msg), "connection closed: %s", why);
	pthread_mutex_lock(&ev->lock);
	if (!ev->closed)
		tve_node_connection_lost(ev->node, msg);
	pthread_mutex_unlock(&ev->lock);
}

/* ---- open / close ------------------------------------------------------- */

/* "driver[+transport]://[user@host[:port]]/path?params": local when
 * there is no host (qemu:///system, qemu+unix:///system?socket=...). */
static bool uri_is_local(const char *uri)
{
	const char *p = strstr(uri, "://");

	if (!p)
		return true;	/* an alias or empty: libvirt's default, local */
	p += 3;
	return *p == '/' || *p == '\0' || *p == '?';
}

static void register_events(struct lv_handle *h)
{
	static const struct {
		int id;
		virConnectDomainEventGenericCallback cb;
	} dom_events[] = {
		{VIR_DOMAIN_EVENT_ID_LIFECYCLE, VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle)},
		{VIR_DOMAIN_EVENT_ID_REBOOT, VIR_DOMAIN_EVENT_CALLBACK(on_reboot)},
		{VIR_DOMAIN_EVENT_ID_METADATA_CHANGE, VIR_DOMAIN_EVENT_CALLBACK(on_metadata)},
		{VIR_DOMAIN_EVENT_ID_DEVICE_ADDED, VIR_DOMAIN_EVENT_CALLBACK(on_device)},
		{VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, VIR_DOMAIN_EVENT_CALLBACK(on_device)},
	};
	int id;

	/* Unsupported kinds are skipped: refreshes still run on their timer. */
	for (size_t i = 0; i < TVE_ARRAY_SIZE(dom_events); i++) {
		lv_count(h);
		id = virConnectDomainEventRegisterAny(h->conn, NULL, dom_events[i].id,
						      dom_events[i].cb, lv_ev_ref(h->ev), lv_ev_unref);
		if (id < 0)
			lv_ev_unref(h->ev);
		else
			h->dom_cb[h->n_dom_cb++] = id;
	}
	lv_count(h);
	h->pool_cb = virConnectStoragePoolEventRegisterAny(
		h->conn, NULL, VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
		VIR_STORAGE_POOL_EVENT_CALLBACK(on_pool), lv_ev_ref(h->ev), lv_ev_unref);
	if (h->pool_cb < 0)
		lv_ev_unref(h->ev);
	lv_count(h);
	h->net_cb = virConnectNetworkEventRegisterAny(
		h->conn, NULL, VIR_NETWORK_EVENT_ID_LIFECYCLE,
		VIR_NETWORK_EVENT_CALLBACK(on_network), lv_ev_ref(h->ev), lv_ev_unref);
	if (h->net_cb < 0)
		lv_ev_unref(h->ev);
	/* No reference for the close callback: drivers without close
	 * callbacks (test) accept it and never call the free function, and
	 * unregistering waits for a running callback anyway. */
	lv_count(h);
	h->close_cb = virConnectRegisterCloseCallback(h->conn, on_close, h->ev, NULL) == 0;
}

static void lv_close(void *opaque)
{
	struct lv_handle *h = opaque;

	if (!h)
		return;
	/* From here on callbacks do nothing, even ones already running. */
	pthread_mutex_lock(&h->ev->lock);
	h->ev->closed = true;
	h->ev->node = NULL;
	pthread_mutex_unlock(&h->ev->lock);
	if (h->conn) {
		for (size_t i = 0; i < h->n_dom_cb; i++)
			virConnectDomainEventDeregisterAny(h->conn, h->dom_cb[i]);
		if (h->pool_cb >= 0)
			virConnectStoragePoolEventDeregisterAny(h->conn, h->pool_cb);
		if (h->net_cb >= 0)
			virConnectNetworkEventDeregisterAny(h->conn, h->net_cb);
		if (h->close_cb)
			virConnectUnregisterCloseCallback(h->conn, on_close);
		virConnectClose(h->conn);
	}
	lv_ev_unref(h->ev);
	for (size_t i = 0; i < h->n_doms; i++)
		lv_dom_free(h->doms[i]);
	free(h->doms);
	lv_node_caches_free(h);
	tve_facts_clear(&h->facts);
	pthread_mutex_destroy(&h->lock);
	free(h->hv_type);
	free(h->uri);
	free(h);
}

static void quiet_xml(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* Opens run on worker threads while curses owns the terminal, so nothing
 * may prompt there: credentials are refused (the node goes offline with
 * libvirt's reason) but for a key passphrase the user already gave, and
 * no polkit agent is started (no VIR_CRED_EXTERNAL). */
static int answer_credentials(virConnectCredentialPtr cred, unsigned int ncred, void *opaque)
{
	struct tve_node *node = opaque;
	char *pass = NULL;
	int rc = 0;

	/* The one question answered: the passphrase of an ssh node's key
	 * file, which the user gave tve (asked again by libvirt's libssh
	 * transport when it loads the same key).  Host keys (ECHOPROMPT) were
	 * checked by tve's own ssh session before this open. */
	for (unsigned i = 0; i < ncred && rc == 0; i++) {
		if ((cred[i].type != VIR_CRED_PASSPHRASE && cred[i].type != VIR_CRED_NOECHOPROMPT) ||
		    !node || !(pass = tve_node_passphrase(node))) {
			rc = -1;
			break;
		}
		cred[i].result = pass;
		cred[i].resultlen = (unsigned)strlen(pass);
	}
	if (rc < 0) {
		for (unsigned i = 0; i < ncred; i++) {
			free(cred[i].result);
			cred[i].result = NULL;
		}
	}
	return rc;
}

static int cred_types[] = {
	VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE, VIR_CRED_ECHOPROMPT,
	VIR_CRED_NOECHOPROMPT, VIR_CRED_REALM,
};

/* The ssh transport runs the ssh program, which would ask for passwords
 * and host keys on the terminal: no_tty=1 makes it run in batch mode. */
static char *noninteractive_uri(const char *uri)
{
	const char *scheme_end = strstr(uri, "://");
	const char *plus = strchr(uri, '+');

	if (!scheme_end || !plus || plus > scheme_end || strncmp(plus, "+ssh://", 7) != 0 ||
	    strstr(uri, "no_tty="))
		return tve_xstrdup(uri);
	return tve_xasprintf("%s%sno_tty=1", uri, strchr(uri, '?') ? "&" : "?");
}

static void *lv_open(struct tve_node *node, const char *uri, char **err)
{
	struct lv_handle *h;
	virConnectPtr conn;
	char *open_uri;

	if (tve_libvirt_events_start(err) < 0)
		return NULL;
	/* libxml2 prints parser warnings (a test:/// file that is missing)
	 * to stderr, under the screen; its error state is per thread. */
	xmlSetGenericErrorFunc(NULL, quiet_xml);
	open_uri = noninteractive_uri(uri);
	{
		virConnectAuth auth = {
			cred_types, TVE_ARRAY_SIZE(cred_types), answer_credentials, node,
		};

		conn = virConnectOpenAuth(open_uri, &auth, 0);
	}
	free(open_uri);
	if (!conn) {
		lv_err(err, NULL);
		return NULL;
	}
	h = tve_xcalloc(1, sizeof(*h));
	h->conn = conn;
	h->uri = tve_xstrdup(uri);
	atomic_init(&h->calls, 1);	/* the open */
	h->is_test = strncmp(uri, "test:", 5) == 0;
	/* A tunnelled ssh node's URI names a socket of this host. */
	h->local = !h->is_test && uri_is_local(uri) && !(node && tve_node_tunneled(node));
	h->pool_cb = h->net_cb = -1;
	h->nowait = true;
	pthread_mutex_init(&h->lock, NULL);
	h->ev = tve_xcalloc(1, sizeof(*h->ev));
	atomic_init(&h->ev->refs, 1);
	pthread_mutex_init(&h->ev->lock, NULL);
	h->ev->node = node;

	/* Keepalive notices a dead daemon or peer (close callback ~4 s);
	 * the test driver has no daemon to keep alive. */
	if (!h->is_test) {
		lv_count(h);
		virConnectSetKeepAlive(conn, 2, 2);
	}
	register_events(h);
	return h;
}

virConnectPtr tve_libvirt_conn(void *h)
{
	return h ? ((struct lv_handle *)h)->conn : NULL;
}

static unsigned long lv_calls(void *h)
{
	return h ? atomic_load(&((struct lv_handle *)h)->calls) : 0;
}

static int lv_refresh(void *opaque, struct tve_snapshot *snap, unsigned what, char **err)
{
	struct lv_handle *h = opaque;

	if ((what & TVE_REFRESH_FACTS) && lv_refresh_facts(h, snap, err) < 0)
		return -1;
	if ((what & (TVE_REFRESH_GUESTS | TVE_REFRESH_IO)) &&
	    lv_refresh_guests(h, snap, (what & TVE_REFRESH_IO) != 0, err) < 0)
		return -1;
	if ((what & TVE_REFRESH_POOLS) && lv_refresh_pools(h, snap, err) < 0)
		return -1;
	if ((what & TVE_REFRESH_NETWORKS) && lv_refresh_networks(h, snap, err) < 0)
		return -1;
	return 0;
}

/* ---- actions ------------------------------------------------------------ */

/* Logs libvirt's last error into the task and returns it in *err. */
static int act_fail(struct tve_task *t, char **err, const char *what)
{
	lv_err(err, what);
	tve_task_log(t, "%s", *err);
	return -1;
}

/* "VM 100 (web01)", "CT 105 (dns1)", or "VM web01" without an ID. */
static char *guest_label(struct lv_handle *h, virDomainPtr dom, const char *uuid)
{
	struct lv_dom *d;
	char *label = NULL;
	struct tve_guest g = {0};
	char *xml;

	pthread_mutex_lock(&h->lock);
	d = lv_dom_find(h, uuid);
	if (d && d->xml_valid) {
		if (d->info.vmid > 0)
			label = tve_xasprintf("%s %d (%s)", tve_guest_type_name(d->info.type),
					      d->info.vmid, virDomainGetName(dom));
		else
			label = tve_xasprintf("%s %s", tve_guest_type_name(d->info.type),
					      virDomainGetName(dom));
	}
	pthread_mutex_unlock(&h->lock);
	if (label)
		return label;
	/* Not refreshed yet: read the XML once. */
	lv_count(h);
	xml = virDomainGetXMLDesc(dom, 0);
	if (xml && lv_xml_parse_domain(xml, &g, NULL) == 0 && g.vmid > 0)
		label = tve_xasprintf("%s %d (%s)", tve_guest_type_name(g.type), g.vmid,
				      virDomainGetName(dom));
	else
		label = tve_xasprintf("%s %s", tve_guest_type_name(g.type), virDomainGetName(dom));
	free(xml);
	tve_guest_clear(&g);
	return label;
}

static virDomainPtr lookup(struct lv_handle *h, const char *uuid, char **err)
{
	virDomainPtr dom;

	lv_count(h);
	dom = virDomainLookupByUUIDString(h->conn, uuid);
	if (!dom)
		lv_err(err, NULL);
	return dom;
}

static int get_state(struct lv_handle *h, virDomainPtr dom, int *state)
{
	lv_count(h);
	return virDomainGetState(dom, state, NULL, 0);
}

static bool is_active_state(int st)
{
	return st != VIR_DOMAIN_SHUTOFF && st != VIR_DOMAIN_NOSTATE;
}

/* Asks the guest to shut down and waits for it, then maybe forces. */
/* The command name of process pid ("systemd"), or "" when unreadable. */
static void proc_comm(const char *pid, char *buf, size_t len)
{
	char path[300];
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	if ((f = fopen(path, "r"))) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

/* Whether container name's init (the child of its libvirt_lxc process) is
 * systemd: 1 yes, 0 no, -1 not found (the node is not this host). */
static int lxc_init_is_systemd(const char *name)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	char ctl[300] = "", buf[4096], comm[64];
	int found = -1;

	while (d && !ctl[0] && (e = readdir(d))) {
		char path[300];
		size_t n;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* argv: .../libvirt_lxc --name NAME ... (NUL-separated) */
		if (!strstr(buf, "libvirt_lxc"))
			continue;
		for (size_t i = 0; i + 7 < n; i += strlen(buf + i) + 1)
			if (strcmp(buf + i, "--name") == 0 && strcmp(buf + i + 7, name) == 0)
				snprintf(ctl, sizeof(ctl), "%s", e->d_name);
	}
	if (d)
		rewinddir(d);
	while (d && ctl[0] && found < 0 && (e = readdir(d))) {
		char path[300], *close;
		FILE *f;
		size_t n;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* "pid (comm) state ppid ..." */
		if ((close = strrchr(buf, ')')) && close[1] && close[2]) {
			char ppid[300];

			if (sscanf(close + 2, "%*c %299s", ppid) == 1 && strcmp(ppid, ctl) == 0) {
				proc_comm(e->d_name, comm, sizeof(comm));
				found = strcmp(comm, "systemd") == 0;
			}
		}
	}
	if (d)
		closedir(d);
	return found;
}

/* The same question on an ssh node, asked over its session: -1 when the
 * node has none or the answer is not known. */
static int remote_lxc_init_is_systemd(struct tve_node *node, const char *name)
{
	/* Finds libvirt_lxc --name NAME, then its child's command name. */
	static const char script[] =
		"n=%s; for d in /proc/[0-9]*; do "
		"c=$(tr '\\0' ' ' <$d/cmdline 2>/dev/null); "
		"case \"$c\" in *libvirt_lxc*\"--name $n \"*) ctl=${d#/proc/};; esac; done; "
		"[ -n \"$ctl\" ] || exit 3; "
		"for d in /proc/[0-9]*; do "
		"s=$(sed 's/^.*) //' $d/stat 2>/dev/null); set -- $s; "
		"[ \"$2\" = \"$ctl\" ] && exec cat $d/comm; done; exit 4";
	char *q = tve_ssh_quote(name), *cmd = tve_xasprintf(script, q), *out = NULL;
	int rc = -1;

	if (tve_node_exec(node, cmd, &out, NULL) == 0 && out) {
		out[strcspn(out, "\n")] = '\0';
		rc = strcmp(out, "systemd") == 0;
	}
	free(out);
	free(cmd);
	free(q);
	return rc;
}

/* Asks the guest to power off.  Containers: systemd (and sysvinit) take
 * the request through their initctl pipe, which plain shutdown writes to;
 * other inits need SIGTERM.  libvirt 9.0 reports success without doing
 * anything when a container has no initctl pipe, and SIGTERM makes
 * systemd re-execute itself, so tve looks at the init of the container,
 * on this host or over the ssh node's session, to choose. */
static int request_shutdown(struct lv_handle *h, virDomainPtr dom, struct tve_task *t, char **err)
{
	unsigned flags = 0;

	int systemd = -1;

	if (h->hv_type && strcmp(h->hv_type, "LXC") == 0 && h->local)
		systemd = lxc_init_is_systemd(virDomainGetName(dom));
	else if (h->hv_type && strcmp(h->hv_type, "LXC") == 0 && h->ev->node)
		systemd = remote_lxc_init_is_systemd(h->ev->node, virDomainGetName(dom));
	if (systemd == 0) {
		tve_task_log(t, "the container's init is not systemd: sending it SIGTERM");
		flags = VIR_DOMAIN_SHUTDOWN_SIGNAL;
	}
	lv_count(h);
	if (virDomainShutdownFlags(dom, flags) < 0)
		return act_fail(t, err, NULL);
	return 0;
}

static int do_shutdown(struct lv_handle *h, virDomainPtr dom, const char *label,
		       const struct tve_action_opts *opts, struct tve_task *t, char **err)
{
	int timeout = opts && opts->timeout_s > 0 ? opts->timeout_s : 180;
	uint64_t deadline;
	int st = VIR_DOMAIN_RUNNING;
	struct timespec half = {0, 500 * 1000 * 1000};

	tve_task_log(t, "shutting down %s (timeout %d s)", label, timeout);
	if (request_shutdown(h, dom, t, err) < 0)
		return -1;
	deadline = tve_now_ms() + (uint64_t)timeout * 1000;
	for (;;) {
		if (get_state(h, dom, &st) < 0)
			return act_fail(t, err, NULL);
		if (st == VIR_DOMAIN_SHUTOFF)
			return 0;
		if (tve_now_ms() >= deadline)
			break;
		nanosleep(&half, NULL);
	}
	if (!(opts && opts->force)) {
		tve_set_err(err, "shutdown timed out after %d s", timeout);
		tve_task_log(t, "%s", *err);
		return -1;
	}
	tve_task_log(t, "shutdown timed out after %d s, stopping %s", timeout, label);
	lv_count(h);
	if (virDomainDestroy(dom) < 0)
		return act_fail(t, err, NULL);
	return 0;
}

/* The message when act makes no sense in libvirt state st, else NULL. */
static char *wrong_state(enum tve_guest_action act, int st, const char *label)
{
	bool active = is_active_state(st);

	if (act == TVE_ACT_START && active)
		return tve_xasprintf("%s is already running", label);
	if (act != TVE_ACT_START && !active)
		return tve_xasprintf("%s is not running", label);
	if (act == TVE_ACT_PAUSE && st == VIR_DOMAIN_PAUSED)
		return tve_xasprintf("%s is already paused", label);
	if (act == TVE_ACT_RESUME && st != VIR_DOMAIN_PAUSED)
		return tve_xasprintf("%s is not paused", label);
	return NULL;
}

/* One libvirt call for the actions that need no waiting. */
static int simple_action(struct lv_handle *h, virDomainPtr dom, enum tve_guest_action act,
			 const char *label, struct tve_task *t)
{
	static const char *const verb[TVE_ACT__COUNT] = {
		[TVE_ACT_START] = "starting", [TVE_ACT_STOP] = "stopping",
		[TVE_ACT_REBOOT] = "rebooting", [TVE_ACT_RESET] = "resetting",
		[TVE_ACT_PAUSE] = "suspending", [TVE_ACT_RESUME] = "resuming",
	};

	tve_task_log(t, "%s %s", verb[act], label);
	lv_count(h);
	switch (act) {
	case TVE_ACT_START: return virDomainCreate(dom);
	case TVE_ACT_STOP: return virDomainDestroy(dom);
	case TVE_ACT_REBOOT: return virDomainReboot(dom, 0);
	case TVE_ACT_RESET: return virDomainReset(dom, 0);
	case TVE_ACT_PAUSE: return virDomainSuspend(dom);
	case TVE_ACT_RESUME: return virDomainResume(dom);
	default: return -1;
	}
}

static int lv_guest_action(void *opaque, const char *uuid, enum tve_guest_action act,
			   const struct tve_action_opts *opts, struct tve_task *t, char **err)
{
	struct lv_handle *h = opaque;
	virDomainPtr dom;
	char *label = NULL, *msg, *own_err = NULL;
	int st, r = -1;

	if (!err)
		err = &own_err;	/* messages still go to the task log */
	if ((unsigned)act >= TVE_ACT__COUNT)
		return tve_set_err(err, "unknown action %d", (int)act);
	if (!(dom = lookup(h, uuid, err))) {
		tve_task_log(t, "%s", *err);
		goto cleanup;
	}
	label = guest_label(h, dom, uuid);
	if (get_state(h, dom, &st) < 0) {
		act_fail(t, err, NULL);
		goto cleanup;
	}
	/* Wrong states fail before libvirt is asked, with a clear message. */
	if ((msg = wrong_state(act, st, label))) {
		tve_set_err(err, "%s", msg);
		tve_task_log(t, "%s", msg);
		free(msg);
		goto cleanup;
	}
	if (act == TVE_ACT_SHUTDOWN)
		r = do_shutdown(h, dom, label, opts, t, err);
	else if ((r = simple_action(h, dom, act, label, t)) < 0)
		act_fail(t, err, NULL);
	if (r == 0)
		tve_task_log(t, "%s: done", label);
cleanup:
	free(label);
	free(own_err);
	if (dom)
		virDomainFree(dom);
	return r;
}

/* Queues uuid for an XML refetch at the next refresh. */
static void invalidate(struct lv_handle *h, virDomainPtr dom)
{
	pthread_mutex_lock(&h->ev->lock);
	ev_mark(h->ev, dom, 0);
	pthread_mutex_unlock(&h->ev->lock);
}

static int lv_set_vmid(void *opaque, const char *uuid, int vmid, char **err)
{
	struct lv_handle *h = opaque;
	virDomainPtr dom;
	struct lv_meta m = {0};
	char *xml = NULL, *meta = NULL;
	int st, persistent, r = -1;
	unsigned flags;

	if (vmid <= 0 || vmid >= 1000000000)
		return tve_set_err(err, "invalid ID %d", vmid);
	if (!(dom = lookup(h, uuid, err)))
		return -1;
	if (get_state(h, dom, &st) < 0) {
		lv_err(err, NULL);
		goto cleanup;
	}
	lv_count(h);
	if ((persistent = virDomainIsPersistent(dom)) < 0) {
		lv_err(err, NULL);
		goto cleanup;
	}
	/* Transient domains have no config; running persistent ones get both
	 * so the ID shows at once and survives a restart. */
	flags = persistent ? VIR_DOMAIN_AFFECT_CONFIG : 0;
	if (is_active_state(st))
		flags |= VIR_DOMAIN_AFFECT_LIVE;

	lv_count(h);
	xml = virDomainGetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, TVE_METADATA_NS,
				   persistent ? VIR_DOMAIN_AFFECT_CONFIG : VIR_DOMAIN_AFFECT_LIVE);
	if (!xml && virGetLastErrorCode() != VIR_ERR_NO_DOMAIN_METADATA) {
		lv_err(err, NULL);
		goto cleanup;
	}
	/* Every other element (OS type, startup order, disk and NIC flags of
	 * guests tve created) is kept as it is. */
	if (xml) {
		if (!(meta = lv_xml_meta_set_vmid(xml, vmid))) {
			tve_set_err(err, "cannot parse the guest's tve metadata");
			goto cleanup;
		}
	} else {
		m.vmid = vmid;
		meta = lv_xml_build_meta(&m);
	}
	lv_count(h);
	if (virDomainSetMetadata(dom, VIR_DOMAIN_METADATA_ELEMENT, meta, TVE_METADATA_PREFIX,
				 TVE_METADATA_NS, flags) < 0) {
		lv_err(err, NULL);
		goto cleanup;
	}
	r = 0;
cleanup:
	invalidate(h, dom);
	lv_meta_clear(&m);
	free(xml);
	free(meta);
	virDomainFree(dom);
	return r;
}

const struct tve_driver_ops tve_driver_libvirt = {
	.name = "libvirt",
	.open = lv_open,
	.close = lv_close,
	.refresh = lv_refresh,
	.guest_action = lv_guest_action,
	.set_vmid = lv_set_vmid,
	.vol_create = lv_vol_create,
	.vol_delete = lv_vol_delete,
	.vol_path = lv_vol_path,
	.pool_refresh = lv_pool_refresh,
	.domain_define = lv_domain_define,
	.domain_undefine = lv_domain_undefine,
	.set_autostart = lv_set_autostart,
	.is_local = lv_is_local,
	.pool_add = lv_pool_add,
	.pool_remove = lv_pool_remove,
	.pool_set = lv_pool_set,
	.vol_resize = lv_vol_resize,
	.vol_copy = lv_vol_copy,
	.vol_upload = lv_vol_upload,
	.calls = lv_calls,
};
