/* storage_wizard.c - Add Storage: Type (node, storage type), General (ID,
 * the fields the type uses, content types, enable, autostart), Confirm
 * (summary; x the pool XML).
 *
 * Every field is checked as it is typed: tve's own rules first (an ID
 * Proxmox would take, an absolute path, a directory that exists or is to
 * be made), then tve_pool_spec_check, whose message goes under the field
 * it is about.  Next and Finish stay until the page is valid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "storage.h"
#include "tui.h"

/* ---- Add Storage ------------------------------------------------------------------- */

enum { P_TYPE, P_GENERAL, P_CONFIRM, P__COUNT };

enum tag {
	F_NODE, F_TYPE, F_ABOUT,
	F_NAME, F_PATH, F_HOST, F_SOURCE, F_DEVICES, F_BUILD,
	F_CT0, F_CT_LAST = F_CT0 + 5,
	F_ACTIVE, F_AUTOSTART,
	F_SUMMARY,
	F__COUNT
};

/* Proxmox's content types, in the web UI's words; file types need a
 * storage with a file system. */
static const struct {
	const char *id, *label;
	bool file;
} contents[6] = {
	{ "images", "Disk image", false }, { "iso", "ISO image", true },
	{ "vztmpl", "Container template", true }, { "rootdir", "Container", false },
	{ "backup", "Backup", true }, { "snippets", "Snippets", true },
};

/* The types the wizard can make, in the web UI's order, with the labels
 * of the fields each uses (NULL: not used); see struct tve_pool_spec. */
static const struct ptype {
	const char *type, *label;
	const char *path, *host, *source, *devices, *build;
	const char *path_default;	/* "/mnt/pve/" + ID when it ends in '/' */
	bool files;			/* holds files: ISO images, templates... */
	const char *about;
} ptypes[] = {
	{ "dir", "Directory", "Directory", NULL, NULL, NULL, "Create directory", NULL, true,
	  "A directory on the node: files (raw, qcow2, vmdk, ISO...)" },
	{ "logical", "LVM", NULL, NULL, "Volume group", "Physical volumes", "Create the volume group",
	  NULL, false, "An LVM volume group (raw logical volumes)" },
	{ "lvmthin", "LVM-thin", NULL, NULL, NULL, NULL, NULL, NULL, false, NULL },
	{ "netfs", "NFS", "Mount point", "Server", "Export", NULL, "Create mount point",
	  "/mnt/pve/", true, "An NFS export, mounted on the node" },
	{ "iscsi", "iSCSI", "Device path", "Portal", "Target", NULL, NULL, "/dev/disk/by-path",
	  false, "The LUNs of an iSCSI target (raw, fixed size)" },
	{ "rbd", "Ceph RBD", NULL, "Monitor(s)", "Pool", NULL, NULL, NULL, false,
	  "A Ceph pool of RADOS block devices" },
	{ "zfs", "ZFS", NULL, NULL, "ZFS pool", NULL, NULL, NULL, false,
	  "A ZFS pool of the node (zvols)" },
	{ "fs", "Filesystem (device)", "Mount point", NULL, "Device", NULL, "Create mount point",
	  "/mnt/pve/", true, "A block device with a file system, mounted on the node" },
	{ "disk", "Disk (partitions)", "Device path", NULL, "Device", NULL, NULL, "/dev", false,
	  "The partitions of a whole disk" },
};

struct swiz {
	struct tve_pool_spec spec;
	const struct ptype *pt;
	struct form_field *ff[F__COUNT];
	bool path_typed;	/* the user wrote the path: no default over it */
	bool build_touched;	/* ... or set Create directory himself */
};

static const char *const wizard_help[] = {
	"Add Storage - keys",
	"",
	"  Tab Down         next field (Enter too; on the last field: Next)",
	"  Shift-Tab Up     previous field",
	"  Ctrl-N           Next page (Finish on Confirm);  Ctrl-P  back",
	"  Esc              cancel: asks before discarding the wizard",
	"  Space            toggle a checkbox; open a choice's list",
	"  Left Right       step through a choice",
	"  x                (Confirm page) the pool XML that will be defined",
	"",
	"Types the node lacks are listed with the package that adds them.",
	"A field that is not valid shows why under it, after a '!'.",
	"Next stays on the page until every field on it is valid.",
	NULL,
};

static struct swiz *wz(struct sform *sf)
{
	return sf->data;
}

static const struct ptype *ptype_of(const char *type)
{
	for (size_t i = 0; type && i < TVE_ARRAY_SIZE(ptypes); i++)
		if (!strcmp(ptypes[i].type, type))
			return &ptypes[i];
	return NULL;
}

static void relabel(struct form_field *fl, const char *label)
{
	if (label && strcmp(fl->label, label)) {
		free(fl->label);
		fl->label = tve_xstrdup(label);
	}
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s && *s ? tve_xstrdup(s) : NULL;
}

static bool is_dirlike(const struct ptype *pt)
{
	return pt && pt->build && pt->path;	/* dir, netfs, fs: a directory to make */
}

/* ---- options ------------------------------------------------------------------------ */

static void opts_nodes(struct app *a, struct form_field *fl, size_t node)
{
	form_clear_options(fl);
	for (size_t i = 0; i < a->n_nodes; i++) {
		const struct tve_snapshot *s = app_snap(a, i);
		bool online = s->state == TVE_NODE_ONLINE;

		form_add_option(fl, s->node, online ? NULL : tve_node_state_name(s->state), !online,
				(int)i, s->node);
		if (i == node)
			fl->sel = fl->n_opts - 1;
	}
}

/* What adds the driver of a storage type on Debian, or NULL. */
static bool driver_package(const char *t, char *buf, size_t len)
{
	static const char *const packaged[] = { "zfs", "rbd", "gluster", "iscsi-direct" };

	for (size_t i = 0; i < TVE_ARRAY_SIZE(packaged); i++) {
		if (!strcmp(t, packaged[i])) {
			snprintf(buf, len, "install libvirt-daemon-driver-storage-%s", t);
			return true;
		}
	}
	snprintf(buf, len, "driver not installed");
	return false;
}

/* Every type the wizard knows, those the node lacks disabled with what
 * adds them, then the other types a package would add (e.g. gluster). */
static void opts_types(struct app *a, struct form_field *fl, size_t node, const char *want)
{
	const struct tve_snapshot *s = app_snap(a, node);
	const struct tve_node_caps *c = s->has_caps ? &s->caps : NULL;
	char note[160];

	form_clear_options(fl);
	fl->sel = 0;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(ptypes); i++) {
		const char *t = ptypes[i].type, *why = NULL;

		if (!strcmp(t, "lvmthin")) {
			why = "not expressible in libvirt: use LVM";
		} else if (c && tve_strlist_has(c->n_pool_types_missing, c->pool_types_missing, t)) {
			driver_package(t, note, sizeof(note));
			why = note;
		} else if (c && !tve_strlist_has(c->n_pool_types, c->pool_types, t)) {
			why = "not offered by the node";
		}
		form_add_option(fl, ptypes[i].label, why, why != NULL, (int)i, t);
		if (!why && want && !strcmp(want, t))
			fl->sel = fl->n_opts - 1;
	}
	for (size_t i = 0; c && i < c->n_pool_types_missing; i++) {
		const char *t = c->pool_types_missing[i];

		if (!ptype_of(t) && driver_package(t, note, sizeof(note)))
			form_add_option(fl, t, note, true, -1, t);
	}
	if (fl->n_opts && fl->opts[fl->sel].disabled)
		for (size_t i = 0; i < fl->n_opts; i++)
			if (!fl->opts[i].disabled) {
				fl->sel = i;
				break;
			}
}

/* ---- the spec from the fields ----------------------------------------------------------- */

static void apply_type(struct swiz *w, const struct ptype *pt)
{
	w->pt = pt;
	set_str(&w->spec.type, pt ? pt->type : NULL);
	for (int i = 0; i < 6; i++) {
		struct form_field *fl = w->ff[F_CT0 + i];
		bool ok = pt && (pt->files || !contents[i].file);

		fl->on = ok && (pt->files ? strcmp(contents[i].id, "rootdir") &&
					    strcmp(contents[i].id, "snippets")
					  : true);
		fl->disabled = !ok;
		if (ok) {
			form_set_note(fl, contents[i].label);
		} else {
			char note[128];

			snprintf(note, sizeof(note), "%s (needs a file system)", contents[i].label);
			form_set_note(fl, note);
		}
	}
	w->path_typed = false;
	w->build_touched = false;
	form_set_text(w->ff[F_PATH], "");
	form_set_text(w->ff[F_HOST], "");
	form_set_text(w->ff[F_SOURCE], "");
	form_set_text(w->ff[F_DEVICES], "");
	w->ff[F_BUILD]->on = false;
}

static bool path_exists(const char *path, bool *is_dir)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return false;
	*is_dir = S_ISDIR(sb.st_mode);
	return true;
}

/* The fields shown for the type, the path's default, and the spec. */
static void collect(struct app *a, struct sform *sf)
{
	struct swiz *w = wz(sf);
	const struct ptype *pt = w->pt;
	struct tve_pool_spec *s = &w->spec;
	char content[128] = "", path[300];
	bool dir;

	set_str(&s->name, w->ff[F_NAME]->text);
	w->ff[F_PATH]->hidden = !pt || !pt->path;
	w->ff[F_HOST]->hidden = !pt || !pt->host;
	w->ff[F_SOURCE]->hidden = !pt || !pt->source;
	w->ff[F_BUILD]->hidden = !pt || !pt->build;
	w->ff[F_DEVICES]->hidden = !pt || !pt->devices || !w->ff[F_BUILD]->on;
	if (pt) {
		relabel(w->ff[F_PATH], pt->path);
		relabel(w->ff[F_HOST], pt->host);
		relabel(w->ff[F_SOURCE], pt->source);
		relabel(w->ff[F_DEVICES], pt->devices);
		relabel(w->ff[F_BUILD], pt->build);
	}
	if (pt && pt->path && !w->path_typed && pt->path_default) {
		size_t n = strlen(pt->path_default);

		snprintf(path, sizeof(path), "%s%s", pt->path_default,
			 pt->path_default[n - 1] == '/' ? w->ff[F_NAME]->text : "");
		form_set_text(w->ff[F_PATH], path);
	}
	/* The web UI makes the directory: so does tve, when it is missing
	 * here (a remote node's cannot be looked at: make it if need be). */
	if (is_dirlike(pt) && !w->build_touched && w->ff[F_PATH]->text[0] == '/')
		w->ff[F_BUILD]->on = !node_is_local(a, sf->node) ||
				     !path_exists(w->ff[F_PATH]->text, &dir);
	set_str(&s->path, w->ff[F_PATH]->hidden ? NULL : w->ff[F_PATH]->text);
	set_str(&s->host, w->ff[F_HOST]->hidden ? NULL : w->ff[F_HOST]->text);
	set_str(&s->source, w->ff[F_SOURCE]->hidden ? NULL : w->ff[F_SOURCE]->text);
	set_str(&s->devices, w->ff[F_DEVICES]->hidden ? NULL : w->ff[F_DEVICES]->text);
	s->build = !w->ff[F_BUILD]->hidden && w->ff[F_BUILD]->on;
	for (int i = 0; i < 6; i++)
		if (w->ff[F_CT0 + i]->on)
			snprintf(content + strlen(content), sizeof(content) - strlen(content), "%s%s",
				 content[0] ? "," : "", contents[i].id);
	set_str(&s->content, content);
	s->active = w->ff[F_ACTIVE]->on;
	s->autostart = w->ff[F_AUTOSTART]->on;
}

/* ---- checks ------------------------------------------------------------------------------ */

/* "Mount point" -> "mount point"; "ZFS pool" stays. */
static const char *lower(const char *label, char *buf, size_t len)
{
	snprintf(buf, len, "%s", label);
	if (buf[0] >= 'A' && buf[0] <= 'Z' && buf[1] >= 'a' && buf[1] <= 'z')
		buf[0] = (char)(buf[0] + 'a' - 'A');
	return buf;
}

static char *own_rule(struct app *a, struct sform *sf, int tag)
{
	struct swiz *w = wz(sf);
	const struct form_field *fl = w->ff[tag];
	const char *t = fl->text;
	char low[64];
	bool dir;

	if (fl->hidden)
		return NULL;
	switch (tag) {
	case F_NAME:
		if (!*t)
			return tve_xstrdup("enter an ID for the storage (its name)");
		if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z')))
			return tve_xstrdup("an ID starts with a letter");
		for (const char *p = t; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.", *p))
				return tve_xasprintf("'%c' is not allowed: letters, digits, - _ . only", *p);
		if (tve_snapshot_find_pool(app_snap(a, sf->node), t))
			return tve_xasprintf("%s has a storage %s already", app_snap(a, sf->node)->node, t);
		return NULL;
	case F_PATH:
		if (!*t)
			return tve_xasprintf("enter the %s", lower(fl->label, low, sizeof(low)));
		if (*t != '/')
			return tve_xstrdup("an absolute path: /...");
		if (!is_dirlike(w->pt) || !node_is_local(a, sf->node))
			return NULL;
		if (path_exists(t, &dir) && !dir)
			return tve_xasprintf("%s is not a directory", t);
		if (!path_exists(t, &dir) && !w->spec.build)
			return tve_xasprintf("%s does not exist: tick %s", t, w->pt->build);
		return NULL;
	case F_HOST:
	case F_SOURCE:
		return *t ? NULL : tve_xasprintf("enter the %s", lower(fl->label, low, sizeof(low)));
	case F_DEVICES:
		return *t ? NULL : tve_xstrdup("enter the devices, e.g. /dev/sdb /dev/sdc");
	case F_CT0:
		for (int i = 0; i < 6; i++)
			if (w->ff[F_CT0 + i]->on)
				return NULL;
		return tve_xstrdup("tick at least one content type");
	default:
		return NULL;
	}
}

/* The field tve_pool_spec_check's message is about, by its words. */
static int blame(const struct swiz *w, const char *msg)
{
	static const struct { const char *word; int tag; } words[] = {
		{ "exists", F_NAME }, { "the name", F_NAME }, { "type", F_TYPE },
		{ "driver", F_TYPE }, { "devices", F_DEVICES }, { "director", F_PATH },
		{ "mount", F_PATH }, { "path", F_PATH }, { "server", F_HOST }, { "host", F_HOST },
		{ "portal", F_HOST }, { "monitor", F_HOST }, { "device", F_SOURCE },
		{ "export", F_SOURCE }, { "target", F_SOURCE }, { "iqn", F_SOURCE },
		{ "volume group", F_SOURCE }, { "pool", F_SOURCE }, { "source", F_SOURCE },
		{ "content", F_CT0 }, { "images only", F_CT0 }, { "name", F_NAME },
	};
	char low[512];
	size_t i;

	for (i = 0; msg[i] && i + 1 < sizeof(low); i++)
		low[i] = (char)(msg[i] >= 'A' && msg[i] <= 'Z' ? msg[i] + 32 : msg[i]);
	low[i] = '\0';
	for (i = 0; i < TVE_ARRAY_SIZE(words); i++) {
		int tag = words[i].tag;

		if (strstr(low, words[i].word) && !w->ff[tag]->hidden)
			return tag;
	}
	return -1;
}

/* Messages at the fields of page (-1: every page); the number of fields
 * with one on that page, plus one for a message of no field. */
static int check(struct app *a, struct sform *sf, int page)
{
	struct swiz *w = wz(sf);
	int bad = 0, tag;
	char *m;

	collect(a, sf);
	for (int i = 0; i < F__COUNT; i++) {
		if (!w->ff[i])
			continue;
		m = own_rule(a, sf, i);
		form_set_error(w->ff[i], m);
		bad += m && (page < 0 || (i >= F_NAME) == (page == P_GENERAL));
		free(m);
	}
	form_set_message(sf->form, false, NULL);
	if (!w->pt) {
		form_set_error(w->ff[F_TYPE], "pick a type the node offers");
		return bad + 1;
	}
	/* The backend's rules when tve's own find nothing more: one message
	 * at a time, which a field of its own already says. */
	m = bad ? NULL : tve_pool_spec_check(&w->spec, app_snap(a, sf->node));
	if (m && (tag = blame(w, m)) >= 0) {
		if (!w->ff[tag]->error)
			form_set_error(w->ff[tag], m);
		bad += page < 0 || (tag >= F_NAME) == (page == P_GENERAL);
	} else if (m && page != P_TYPE) {
		form_set_message(sf->form, true, m);
		bad++;
	}
	free(m);
	return bad;
}

/* Focuses the page's first field with a message; false if none has one. */
static bool focus_error(struct sform *sf)
{
	int page = form_page(sf->form);

	for (size_t i = 0; i < form_n_fields(sf->form, page); i++) {
		struct form_field *fl = form_field_at(sf->form, page, i);
		char msg[300];

		if (fl->error && !fl->hidden) {
			form_focus(sf->form, fl);
			snprintf(msg, sizeof(msg), "Next: fix %s first (see the '!' under it)", fl->label);
			form_set_message(sf->form, true, msg);
			return true;
		}
	}
	return false;
}

/* ---- Confirm ------------------------------------------------------------------------------- */

static char **summary(struct app *a, struct sform *sf)
{
	struct swiz *w = wz(sf);
	const struct tve_pool_spec *s = &w->spec;
	char **l = tve_xcalloc(16, sizeof(*l)), content[160];
	size_t n = 0;

#define LINE(label, value) \
	l[n++] = tve_xasprintf("%-18s %s", label, value ? value : "-")
	LINE("Node", app_snap(a, sf->node)->node);
	l[n++] = tve_xasprintf("%-18s %s (%s)", "Type", w->pt->label, s->type);
	LINE("ID", s->name);
	if (s->host)
		LINE(w->pt->host, s->host);
	if (s->source)
		LINE(w->pt->source, s->source);
	if (s->devices)
		LINE(w->pt->devices, s->devices);
	if (s->path)
		l[n++] = tve_xasprintf("%-18s %s%s", w->pt->path, s->path,
				       s->build ? " (made if missing)" : "");
	else if (s->build)
		LINE(w->pt->build, "yes");
	content[0] = '\0';
	for (int i = 0; i < 6; i++)
		if (w->ff[F_CT0 + i]->on)
			snprintf(content + strlen(content), sizeof(content) - strlen(content), "%s%s",
				 content[0] ? ", " : "", contents[i].label);
	l[n++] = tve_xasprintf("%-18s %s", "Content", content);
	LINE("Enable", s->active ? "yes: start it now" : "no");
	LINE("Autostart", s->autostart ? "yes: when the node starts" : "no");
	l[n++] = tve_xstrdup("");
	l[n++] = tve_xstrdup("x shows the storage pool XML that will be defined.");
#undef LINE
	return l;
}

static void show_xml(struct app *a, struct sform *sf)
{
	char *xml = tve_pool_spec_xml(&wz(sf)->spec), **lines, title[320];
	size_t n = 1;

	if (!xml) {
		app_push_dialog(a, dialog_message("Pool XML", "cannot be made from these settings"));
		return;
	}
	for (const char *p = xml; *p; p++)
		n += *p == '\n';
	lines = tve_xcalloc(n + 1, sizeof(*lines));
	n = 0;
	for (char *p = xml, *e; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		lines[n++] = e ? tve_xasprintf("%.*s", (int)(e - p), p) : tve_xstrdup(p);
	}
	free(xml);
	snprintf(title, sizeof(title), "Pool XML: %s", wz(sf)->spec.name ? wz(sf)->spec.name : "");
	app_push_dialog(a, dialog_viewer(title, lines, false));
}

static void finish(struct app *a, struct sform *sf)
{
	struct swiz *w = wz(sf);
	char *err = NULL, what[300];

	if (check(a, sf, -1) > 0) {
		form_set_message(sf->form, true, "a setting is not valid: go back (Ctrl-P) and fix it");
		return;
	}
	if (tve_backend_pool_add(a->b, sf->node, &w->spec, NULL, &err) < 0) {
		form_set_message(sf->form, true, err ? err : "failed");
		app_push_dialog(a, dialog_message("Add storage failed", err ? err : "failed"));
		free(err);
		return;
	}
	snprintf(what, sizeof(what), "Adding storage %s on %s: see the task panel", w->spec.name,
		 app_snap(a, sf->node)->node);
	sform_close(a);
	app_msg(a, false, "%s", what);
	app_poll_tasks(a);
}

/* ---- events -------------------------------------------------------------------------------- */

static void changed(struct app *a, struct sform *sf, struct form_field *fl)
{
	struct swiz *w = wz(sf);
	const struct form_option *o = fl->sel < fl->n_opts ? &fl->opts[fl->sel] : NULL;

	switch (fl->tag) {
	case F_NODE:
		if (o && o->ival >= 0) {
			const struct ptype *pt;

			sf->node = (size_t)o->ival;
			opts_types(a, w->ff[F_TYPE], sf->node, w->spec.type);
			pt = ptype_of(w->ff[F_TYPE]->opts[w->ff[F_TYPE]->sel].sval);
			if (pt != w->pt)
				apply_type(w, pt);
		}
		break;
	case F_TYPE:
		apply_type(w, o && o->ival >= 0 ? ptype_of(o->sval) : NULL);
		break;
	case F_PATH:
		w->path_typed = true;
		break;
	case F_BUILD:
		w->build_touched = true;
		break;
	default:
		break;
	}
	form_set_text(w->ff[F_ABOUT], w->pt && w->pt->about ? w->pt->about : "");
	check(a, sf, form_page(sf->form));
	form_fix_focus(sf->form);
}

static void event(struct app *a, struct sform *sf, enum form_ev ev, struct form_field *fl, int key)
{
	int page = form_page(sf->form);

	switch (ev) {
	case FORM_EV_CHANGED:
		changed(a, sf, fl);
		break;
	case FORM_EV_NEXT:
		if (check(a, sf, page) > 0) {
			if (!focus_error(sf) && page == P_TYPE)
				form_set_message(sf->form, true, "pick a type the node offers");
			break;
		}
		if (page == P_CONFIRM) {
			finish(a, sf);
			break;
		}
		if (page + 1 == P_CONFIRM)
			form_set_view(wz(sf)->ff[F_SUMMARY], summary(a, sf));
		form_goto(sf->form, page + 1);
		check(a, sf, page + 1);
		break;
	case FORM_EV_BACK:
		form_goto(sf->form, page - 1);
		check(a, sf, page - 1);
		break;
	case FORM_EV_KEY:
		if ((key == 'x' || key == 'X') && page == P_CONFIRM)
			show_xml(a, sf);
		break;
	default:
		break;
	}
}

static bool sync(struct app *a, struct sform *sf)
{
	struct swiz *w = wz(sf);
	struct form_field *fl = w->ff[F_TYPE];
	const char *was = fl->sel < fl->n_opts ? fl->opts[fl->sel].sval : NULL;
	char *keep = tve_xstrdup(was);

	/* The node's capabilities may have arrived: the types anew. */
	opts_nodes(a, w->ff[F_NODE], sf->node);
	opts_types(a, fl, sf->node, keep);
	if (!w->pt || strcmp(fl->opts[fl->sel].sval, w->pt->type))
		apply_type(w, ptype_of(fl->opts[fl->sel].sval));
	free(keep);
	check(a, sf, form_page(sf->form));
	return true;
}

static void free_swiz(void *data)
{
	struct swiz *w = data;

	if (!w)
		return;
	tve_pool_spec_clear(&w->spec);
	free(w);
}

void storage_wizard_open(struct app *a, size_t node)
{
	static const char *const pages[P__COUNT] = { "Type", "General", "Confirm" };
	struct sform *sf;
	struct swiz *w;

	for (size_t i = 0; app_snap(a, node)->state != TVE_NODE_ONLINE && i < a->n_nodes; i++)
		if (app_snap(a, i)->state == TVE_NODE_ONLINE)
			node = i;
	if (!(sf = sform_open(a, "Add: Storage", node)))
		return;
	w = tve_xcalloc(1, sizeof(*w));
	sf->data = w;
	sf->free_data = free_swiz;
	sf->event = event;
	sf->sync = sync;
	sf->help = wizard_help;
	sf->ask_discard = true;
	for (int p = 0; p < P__COUNT; p++)
		form_add_page(sf->form, pages[p]);
	form_set_page_hint(sf->form, P_CONFIRM, "x XML");
	w->ff[F_NODE] = form_add(sf->form, P_TYPE, FORM_CHOICE, "Node", F_NODE);
	w->ff[F_TYPE] = form_add(sf->form, P_TYPE, FORM_CHOICE, "Type", F_TYPE);
	w->ff[F_ABOUT] = form_add(sf->form, P_TYPE, FORM_INFO, "", F_ABOUT);
	w->ff[F_NAME] = form_add(sf->form, P_GENERAL, FORM_TEXT, "ID", F_NAME);
	w->ff[F_NAME]->max_len = 64;
	w->ff[F_HOST] = form_add(sf->form, P_GENERAL, FORM_TEXT, "Server", F_HOST);
	w->ff[F_SOURCE] = form_add(sf->form, P_GENERAL, FORM_TEXT, "Source", F_SOURCE);
	w->ff[F_PATH] = form_add(sf->form, P_GENERAL, FORM_TEXT, "Directory", F_PATH);
	w->ff[F_PATH]->max_len = 250;
	w->ff[F_BUILD] = form_add(sf->form, P_GENERAL, FORM_CHECK, "Create directory", F_BUILD);
	w->ff[F_DEVICES] = form_add(sf->form, P_GENERAL, FORM_TEXT, "Physical volumes", F_DEVICES);
	form_set_unit(w->ff[F_DEVICES], "space separated");
	for (int i = 0; i < 6; i++)
		w->ff[F_CT0 + i] = form_add(sf->form, P_GENERAL, FORM_CHECK,
					    i ? "" : "Content", F_CT0 + i);
	w->ff[F_ACTIVE] = form_add(sf->form, P_GENERAL, FORM_CHECK, "Enable", F_ACTIVE);
	w->ff[F_AUTOSTART] = form_add(sf->form, P_GENERAL, FORM_CHECK, "Autostart", F_AUTOSTART);
	w->ff[F_ACTIVE]->on = w->ff[F_AUTOSTART]->on = true;
	w->ff[F_SUMMARY] = form_add(sf->form, P_CONFIRM, FORM_VIEW, "Summary", F_SUMMARY);
	opts_nodes(a, w->ff[F_NODE], node);
	opts_types(a, w->ff[F_TYPE], node, "dir");
	apply_type(w, ptype_of(w->ff[F_TYPE]->opts[w->ff[F_TYPE]->sel].sval));
	form_set_text(w->ff[F_ABOUT], w->pt && w->pt->about ? w->pt->about : "");
	sform_show(a, sf);
	check(a, sf, P_TYPE);
}
