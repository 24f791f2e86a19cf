/* storage_dialogs.c - the storage and volume actions: when they can run,
 * and the small forms and questions that start their tasks (enable or
 * disable, remove, create, delete, resize, copy or move, upload, download
 * from a URL), and cancelling a task.
 *
 * A form checks what is typed as it is typed, says what is wrong under the
 * field, and Finish stays until every field is valid.  The backend has the
 * last word (a volume in use, a name taken meanwhile): its message is
 * shown as it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app.h"
#include "storage.h"
#include "tui.h"

#define GIB (1024ULL * 1024 * 1024)

bool node_is_local(struct app *a, size_t node)
{
	const char *uri = app_snap(a, node)->uri, *p;

	if (!uri || !strncmp(uri, "test:", 5))
		return false;	/* the test driver's pools are make-believe */
	p = strstr(uri, "://");
	if (!p)
		return true;
	p += 3;
	return *p == '/' || *p == '\0' || *p == '?';
}

bool storage_action(enum action act)
{
	switch (act) {
	case ACT_ADD_STORAGE:
	case ACT_STORAGE_SET:
	case ACT_STORAGE_DEL:
	case ACT_VOL_CREATE:
	case ACT_VOL_DELETE:
	case ACT_VOL_RESIZE:
	case ACT_VOL_COPY:
	case ACT_VOL_UPLOAD:
	case ACT_VOL_DOWNLOAD:
		return true;
	default:
		return false;
	}
}

/* The pool (and volume) an action is about; pool and vol NULL when gone. */
struct where {
	size_t node;
	const struct tve_pool *pool;
	const struct tve_volume *vol;
	char pool_name[256], vol_name[256];
};

static void locate(struct app *a, const struct obj_ref *o, struct where *w)
{
	memset(w, 0, sizeof(*w));
	w->node = o->node < a->n_nodes ? o->node : 0;
	if (o->kind == OBJ_POOL)
		snprintf(w->pool_name, sizeof(w->pool_name), "%s", o->id);
	else if (!volume_ref_split(o, w->pool_name, sizeof(w->pool_name), w->vol_name,
				   sizeof(w->vol_name)))
		return;
	w->pool = tve_snapshot_find_pool(app_snap(a, w->node), w->pool_name);
	for (size_t i = 0; w->pool && w->vol_name[0] && i < w->pool->n_volumes; i++)
		if (!strcmp(w->pool->volumes[i].name, w->vol_name))
			w->vol = &w->pool->volumes[i];
}

static bool holds_files(const struct tve_pool *p)
{
	return p->type && (!strcmp(p->type, "dir") || !strcmp(p->type, "fs") ||
			   !strcmp(p->type, "netfs"));
}

const char *storage_unavailable(struct app *a, enum action act, const struct obj_ref *o,
				char *buf, size_t len)
{
	const struct tve_snapshot *s;
	struct where w;

	if (act == ACT_ADD_STORAGE) {
		for (size_t i = 0; i < a->n_nodes; i++)
			if (app_snap(a, i)->state == TVE_NODE_ONLINE)
				return NULL;
		snprintf(buf, len, "no node is online");
		return buf;
	}
	locate(a, o, &w);
	s = app_snap(a, w.node);
	if (s->state != TVE_NODE_ONLINE)
		snprintf(buf, len, "node %s is %s", s->node, tve_node_state_name(s->state));
	else if (!w.pool)
		snprintf(buf, len, "the storage is gone");
	else if (act == ACT_STORAGE_SET || act == ACT_STORAGE_DEL)
		return NULL;
	else if (!w.pool->active)
		snprintf(buf, len, "the storage is not active (e: enable it)");
	else if (o->kind == OBJ_VOLUME && !w.vol && act != ACT_VOL_CREATE &&
		 act != ACT_VOL_UPLOAD && act != ACT_VOL_DOWNLOAD)
		snprintf(buf, len, "the volume is gone");
	else if ((act == ACT_VOL_UPLOAD || act == ACT_VOL_DOWNLOAD) && !holds_files(w.pool))
		snprintf(buf, len, "%ss go into directory storages", act == ACT_VOL_UPLOAD ?
			 "upload" : "download");
	else if ((act == ACT_VOL_UPLOAD || act == ACT_VOL_DOWNLOAD) && !node_is_local(a, w.node) &&
		 !s->ssh)
		snprintf(buf, len, "%s is neither this host nor an ssh node", s->node);
	else
		return NULL;
	return buf;
}

/* ---- checks shared by the forms -------------------------------------------------- */

/* A new volume's name in pool: NULL if fine, else why not. */
static char *name_rule(const struct tve_pool *p, const char *name)
{
	if (!*name)
		return tve_xstrdup("enter a name");
	if (strchr(name, '/') || name[0] == '.')
		return tve_xstrdup("a plain file name: no '/', not starting with '.'");
	for (size_t i = 0; p && i < p->n_volumes; i++)
		if (!strcmp(p->volumes[i].name, name))
			return tve_xasprintf("%s has a volume %s already", p->name, name);
	return NULL;
}

static void fmt_size(char *buf, size_t len, unsigned long long b)
{
	if (b % GIB == 0)
		snprintf(buf, len, "%llu", b / GIB);
	else if (b % (1024 * 1024) == 0)
		snprintf(buf, len, "%lluM", b / (1024 * 1024));
	else
		snprintf(buf, len, "%lluK", (b + 1023) / 1024);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ---- the forms -------------------------------------------------------------------- */

enum { F_INFO, F_A, F_B, F_C, F_D, F_E, F__COUNT };

struct vform {
	enum action act;
	struct form_field *f[F__COUNT];
	bool typed;		/* the name was typed: no longer proposed */
	unsigned long long size;	/* the volume's, for resize */
};

static struct vform *vf(struct sform *sf)
{
	return sf->data;
}

static const struct tve_pool *sf_pool(struct app *a, struct sform *sf)
{
	return tve_snapshot_find_pool(app_snap(a, sf->node), sf->pool);
}

static const struct tve_volume *sf_vol(struct app *a, struct sform *sf)
{
	const struct tve_pool *p = sf_pool(a, sf);

	for (size_t i = 0; p && i < p->n_volumes; i++)
		if (!strcmp(p->volumes[i].name, sf->vol))
			return &p->volumes[i];
	return NULL;
}

/* The URL's last path part, without query or fragment. */
static void name_from_url(const char *url, char *buf, size_t len)
{
	const char *p = strstr(url, "://"), *end, *last;

	p = p ? p + 3 : url;
	p = strchr(p, '/');
	buf[0] = '\0';
	if (!p)
		return;
	end = p + strcspn(p, "?#");
	for (last = end; last > p && last[-1] != '/'; last--)
		;
	snprintf(buf, len, "%.*s", (int)(end - last), last);
}

static bool is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (; *s; s++)
		if (!strchr("0123456789abcdefABCDEF", *s))
			return false;
	return true;
}

/* Sets the fields' messages; the number of fields with one. */
static int validate(struct app *a, struct sform *sf)
{
	struct vform *v = vf(sf);
	const struct tve_pool *p = sf_pool(a, sf);
	char *m[F__COUNT] = { NULL }, buf[64];
	unsigned long long bytes;
	const char *t;
	struct stat sb;
	int bad = 0;

	memset(&sb, 0, sizeof(sb));
	if (!p)
		m[F_INFO] = tve_xasprintf("storage %s is gone", sf->pool);
	else if ((v->act == ACT_VOL_RESIZE || v->act == ACT_VOL_COPY) && !sf_vol(a, sf))
		m[F_INFO] = tve_xasprintf("volume %s is gone", sf->vol);
	switch (v->act) {
	case ACT_VOL_CREATE:
		m[F_A] = name_rule(p, v->f[F_A]->text);
		if (tve_parse_size(v->f[F_B]->text, GIB, &bytes, &m[F_B]) == 0 && !bytes)
			m[F_B] = tve_xstrdup("more than 0");
		break;
	case ACT_VOL_RESIZE:
		t = v->f[F_A]->text;
		if (tve_parse_size(t + (*t == '+'), GIB, &bytes, &m[F_A]) == 0 &&
		    (*t == '+' ? !bytes : bytes <= v->size))
			m[F_A] = tve_xasprintf("grow only: more than %s",
					       tve_fmt_bytes(buf, sizeof(buf), v->size));
		break;
	case ACT_VOL_COPY:
		if (!v->f[F_A]->n_opts || v->f[F_A]->opts[v->f[F_A]->sel].disabled) {
			m[F_A] = tve_xstrdup("no other active storage on this node takes it");
		} else {
			const struct tve_pool *d = tve_snapshot_find_pool(
				app_snap(a, sf->node), v->f[F_A]->opts[v->f[F_A]->sel].sval);

			m[F_A] = d ? NULL : tve_xstrdup("that storage is gone");
			for (size_t i = 0; d && i < d->n_volumes; i++)
				if (!strcmp(d->volumes[i].name, sf->vol))
					m[F_A] = tve_xasprintf("%s has a volume %s already", d->name,
							       sf->vol);
		}
		break;
	case ACT_VOL_UPLOAD:
		t = v->f[F_A]->text;
		if (*t != '/')
			m[F_A] = tve_xstrdup("the file's absolute path on this host");
		else if (stat(t, &sb) < 0)
			m[F_A] = tve_xasprintf("no such file: %s", t);
		else if (!S_ISREG(sb.st_mode))
			m[F_A] = tve_xstrdup("not a regular file");
		form_set_unit(v->f[F_A], m[F_A] ? NULL : tve_fmt_bytes(buf, sizeof(buf),
								       (unsigned long long)sb.st_size));
		m[F_B] = name_rule(p, v->f[F_B]->text);
		break;
	case ACT_VOL_DOWNLOAD:
		t = v->f[F_A]->text;
		if (strncmp(t, "http://", 7) && strncmp(t, "https://", 8) && strncmp(t, "ftp://", 6))
			m[F_A] = tve_xstrdup("an http://, https:// or ftp:// URL");
		else if (strchr("/?#", *(strstr(t, "://") + 3)))
			m[F_A] = tve_xstrdup("the URL names no host");
		else if (strpbrk(t, " \t"))
			m[F_A] = tve_xstrdup("a URL has no spaces (%20)");
		m[F_B] = name_rule(p, v->f[F_B]->text);
		if (v->f[F_C]->sel && !is_hex(v->f[F_D]->text, v->f[F_C]->sel == 1 ? 64 : 128))
			m[F_D] = tve_xasprintf("%d hex digits", v->f[F_C]->sel == 1 ? 64 : 128);
		break;
	case ACT_STORAGE_DEL:
		form_set_text(v->f[F_C], v->f[F_A]->on ? "Its data is DELETED:" : "Its data is kept:");
		if (v->f[F_A]->on && strcmp(v->f[F_B]->text, sf->pool))
			m[F_B] = tve_xasprintf("type %s to delete its data", sf->pool);
		form_set_message(sf->form, v->f[F_A]->on,
				 v->f[F_A]->on ? "Finish removes the storage AND DELETES ITS DATA"
					       : "Finish removes the storage; its data is kept");
		break;
	default:
		break;
	}
	for (int i = 0; i < F__COUNT; i++) {
		if (i == F_INFO && m[i])	/* an info line has no room under it */
			form_set_message(sf->form, true, m[i]);
		else if (v->f[i])
			form_set_error(v->f[i], v->f[i]->hidden ? NULL : m[i]);
		bad += m[i] && (!v->f[i] || !v->f[i]->hidden);
		free(m[i]);
	}
	return bad;
}

static void started(struct app *a, const char *what)
{
	sform_close(a);
	app_msg(a, false, "%s: see the task panel", what);
	app_poll_tasks(a);
}

static void submit(struct app *a, struct sform *sf)
{
	static const enum tve_checksum sums[] = { TVE_SUM_NONE, TVE_SUM_SHA256, TVE_SUM_SHA512 };
	struct vform *v = vf(sf);
	unsigned long long bytes = 0;
	char *err = NULL, what[600];
	const char *t = v->f[F_A] ? v->f[F_A]->text : "";
	int rc = -1;

	switch (v->act) {
	case ACT_STORAGE_SET:
		rc = tve_backend_pool_set(a->b, sf->node, sf->pool, v->f[F_A]->on, v->f[F_B]->on, NULL,
					  &err);
		snprintf(what, sizeof(what), "%s storage %s", v->f[F_A]->on ? "Enabling" : "Disabling",
			 sf->pool);
		break;
	case ACT_STORAGE_DEL:
		rc = tve_backend_pool_remove(a->b, sf->node, sf->pool, v->f[F_A]->on, NULL, &err);
		snprintf(what, sizeof(what), "Removing storage %s", sf->pool);
		break;
	case ACT_VOL_CREATE:
		tve_parse_size(v->f[F_B]->text, GIB, &bytes, NULL);
		rc = tve_backend_vol_create(a->b, sf->node, sf->pool, t, bytes,
					    (enum tve_vol_format)v->f[F_C]->opts[v->f[F_C]->sel].ival,
					    NULL, &err);
		snprintf(what, sizeof(what), "Creating volume %s in %s", t, sf->pool);
		break;
	case ACT_VOL_RESIZE:
		tve_parse_size(t + (*t == '+'), GIB, &bytes, NULL);
		rc = tve_backend_vol_resize(a->b, sf->node, sf->pool, sf->vol,
					    *t == '+' ? v->size + bytes : bytes, NULL, &err);
		snprintf(what, sizeof(what), "Resizing %s", sf->vol);
		break;
	case ACT_VOL_COPY:
		rc = tve_backend_vol_copy(a->b, sf->node, sf->pool, sf->vol,
					  v->f[F_A]->opts[v->f[F_A]->sel].sval, v->f[F_B]->on, NULL,
					  &err);
		snprintf(what, sizeof(what), "%s %s to %s", v->f[F_B]->on ? "Moving" : "Copying",
			 sf->vol, v->f[F_A]->opts[v->f[F_A]->sel].sval);
		break;
	case ACT_VOL_UPLOAD:
		rc = tve_backend_vol_upload(a->b, sf->node, sf->pool, t, v->f[F_B]->text, NULL, &err);
		snprintf(what, sizeof(what), "Uploading %s into %s", v->f[F_B]->text, sf->pool);
		break;
	case ACT_VOL_DOWNLOAD:
		rc = tve_backend_download(a->b, sf->node, sf->pool, t, v->f[F_B]->text,
					  sums[v->f[F_C]->sel % 3],
					  v->f[F_C]->sel ? v->f[F_D]->text : NULL, NULL, &err);
		snprintf(what, sizeof(what), "Downloading %s into %s", v->f[F_B]->text, sf->pool);
		break;
	default:
		break;
	}
	if (rc < 0) {
		form_set_message(sf->form, true, err ? err : "failed");
		app_push_dialog(a, dialog_message("Failed", err ? err : "failed"));
		free(err);
		return;
	}
	started(a, what);
}

static void event(struct app *a, struct sform *sf, enum form_ev ev, struct form_field *fl, int key)
{
	struct vform *v = vf(sf);
	char name[256];

	(void)key;
	if (ev == FORM_EV_CHANGED) {
		if (v->act == ACT_VOL_DOWNLOAD && fl == v->f[F_A] && !v->typed) {
			name_from_url(fl->text, name, sizeof(name));
			form_set_text(v->f[F_B], name);
		} else if (v->act == ACT_VOL_UPLOAD && fl == v->f[F_A] && !v->typed) {
			form_set_text(v->f[F_B], base_name(fl->text));
		} else if (fl == v->f[F_B] && (v->act == ACT_VOL_DOWNLOAD || v->act == ACT_VOL_UPLOAD)) {
			v->typed = true;
		}
		if (v->act == ACT_VOL_DOWNLOAD)
			v->f[F_D]->hidden = v->f[F_C]->sel == 0;
		if (v->act == ACT_STORAGE_DEL)
			v->f[F_B]->hidden = !v->f[F_A]->on;
		form_fix_focus(sf->form);
		validate(a, sf);
	} else if (ev == FORM_EV_NEXT) {
		if (validate(a, sf) > 0) {
			for (int i = 0; i < F__COUNT; i++) {
				if (v->f[i] && v->f[i]->error && !v->f[i]->hidden) {
					form_focus(sf->form, v->f[i]);
					if (v->act != ACT_STORAGE_DEL)
						form_set_message(sf->form, true,
								 "fix the field marked '!' first");
					break;
				}
			}
			return;
		}
		submit(a, sf);
	}
}

static bool sync(struct app *a, struct sform *sf)
{
	validate(a, sf);
	return true;
}

/* A form for act on w: its info line first. */
static struct sform *open_form(struct app *a, enum action act, const struct where *w,
			       const char *title, const char *info)
{
	struct sform *sf;
	struct vform *v;

	if (!(sf = sform_open(a, title, w->node)))
		return NULL;
	snprintf(sf->pool, sizeof(sf->pool), "%s", w->pool_name);
	snprintf(sf->vol, sizeof(sf->vol), "%s", w->vol_name);
	v = tve_xcalloc(1, sizeof(*v));
	v->act = act;
	sf->data = v;
	sf->event = event;
	sf->sync = sync;
	form_add_page(sf->form, w->vol ? w->vol_name : w->pool_name);
	v->f[F_INFO] = form_add(sf->form, 0, FORM_INFO, w->vol ? "Volume" : "Storage", F_INFO);
	form_set_text(v->f[F_INFO], info);
	return sf;
}

static struct form_field *text(struct sform *sf, int i, const char *label, const char *value,
			       size_t max, const char *unit)
{
	struct form_field *fl = form_add(sf->form, 0, FORM_TEXT, label, i);

	fl->max_len = max;
	form_set_text(fl, value);
	form_set_unit(fl, unit);
	vf(sf)->f[i] = fl;
	return fl;
}

static struct form_field *checkbox(struct sform *sf, int i, const char *label, bool on,
				const char *note)
{
	struct form_field *fl = form_add(sf->form, 0, FORM_CHECK, label, i);

	fl->on = on;
	form_set_note(fl, note);
	vf(sf)->f[i] = fl;
	return fl;
}

static void open_pool_form(struct app *a, enum action act, const struct where *w)
{
	const struct tve_pool *p = w->pool;
	const char *node = app_snap(a, w->node)->node;
	char info[600], title[300], b1[32], b2[96];
	unsigned long long data = 0;
	struct form_field *fl;
	struct sform *sf;

	for (size_t i = 0; i < p->n_volumes; i++)
		data += p->volumes[i].allocation;
	if (act == ACT_STORAGE_SET) {
		snprintf(title, sizeof(title), "Enable/disable storage");
		snprintf(info, sizeof(info), "%s (%s) on %s: %s, autostart %s", p->name,
			 p->type ? p->type : "?", node, p->active ? "active" : "inactive",
			 p->autostart ? "on" : "off");
		if (!(sf = open_form(a, act, w, title, info)))
			return;
		checkbox(sf, F_A, "Enable", p->active, "active now (start / stop)");
		checkbox(sf, F_B, "Autostart", p->autostart, "when the node starts");
	} else {
		snprintf(title, sizeof(title), "Remove storage");
		snprintf(info, sizeof(info), "%s (%s) on %s", p->name, p->type ? p->type : "?", node);
		if (!(sf = open_form(a, act, w, title, info)))
			return;
		fl = form_add(sf->form, 0, FORM_INFO, "", F__COUNT);
		form_set_text(fl, "Stops it and removes it from the node.");
		fl = form_add(sf->form, 0, FORM_INFO, "", F_C);
		vf(sf)->f[F_C] = fl;	/* says what becomes of the data */
		fl = form_add(sf->form, 0, FORM_INFO, "", F__COUNT);
		/* An inactive storage lists no volumes: say so, not "0". */
		if (p->active)
			snprintf(b2, sizeof(b2), "%zu volume%s, %s", p->n_volumes,
				 p->n_volumes == 1 ? "" : "s", tve_fmt_bytes(b1, sizeof(b1), data));
		else
			snprintf(b2, sizeof(b2), "volumes unknown while inactive");
		snprintf(info, sizeof(info), "%s%s%s", p->path ? p->path : "", p->path ? ": " : "", b2);
		form_set_text(fl, info);
		snprintf(info, sizeof(info), "%s: cannot be undone", b2);
		checkbox(sf, F_A, "Also delete the data", false, info);
		fl = text(sf, F_B, "Type the ID to confirm", "", 64, NULL);
		fl->hidden = true;
	}
	sform_show(a, sf);
	validate(a, sf);
}

static const char *form_title(enum action act)
{
	return act == ACT_VOL_DOWNLOAD ? "Download from URL" : action_table[act].label;
}

static void open_volume_form(struct app *a, enum action act, const struct where *w)
{
	static const char *const fmt_labels[] = { "raw", "qcow2", "vmdk" };
	static const char *const sum_labels[] = { "none", "SHA-256", "SHA-512" };
	const struct tve_pool *p = w->pool;
	const char *node = app_snap(a, w->node)->node;
	char info[600], title[300], b1[32], b2[32];
	struct where on = *w;
	struct form_field *fl;
	struct sform *sf;

	if (w->vol && (act == ACT_VOL_RESIZE || act == ACT_VOL_COPY)) {
		snprintf(info, sizeof(info), "%s%s%s, in %s on %s",
			 tve_fmt_bytes(b1, sizeof(b1), w->vol->capacity), w->vol->format ? " " : "",
			 w->vol->format ? w->vol->format : "", p->name, node);
		snprintf(title, sizeof(title), "%s", form_title(act));
	} else {	/* about the storage, whatever row was selected */
		on.vol = NULL;
		on.vol_name[0] = '\0';
		snprintf(info, sizeof(info), "%s (%s) on %s, %s free", p->name, p->type ? p->type : "?",
			 node, tve_fmt_bytes(b1, sizeof(b1), p->available));
		snprintf(title, sizeof(title), "%s", form_title(act));
	}
	if (!(sf = open_form(a, act, &on, title, info)))
		return;
	switch (act) {
	case ACT_VOL_CREATE:
		text(sf, F_A, "Name", "", 200, holds_files(p) ? "e.g. vm-100-disk-1.qcow2"
							       : "e.g. vm-100-disk-1");
		text(sf, F_B, "Size", "32", 12, "GiB");
		fl = form_add(sf->form, 0, FORM_CHOICE, "Format", F_C);
		vf(sf)->f[F_C] = fl;
		for (int f = 0; f < TVE_FMT__COUNT; f++) {
			bool ok = !p->type || tve_pool_allows_format(p->type, (enum tve_vol_format)f);
			char note[64];

			snprintf(note, sizeof(note), "not on %s storage", p->type ? p->type : "this");
			form_add_option(fl, fmt_labels[f], ok ? NULL : note, !ok, f, NULL);
		}
		fl->sel = tve_pool_allows_format(p->type ? p->type : "dir", TVE_FMT_QCOW2)
			  ? TVE_FMT_QCOW2 : TVE_FMT_RAW;
		break;
	case ACT_VOL_RESIZE:
		vf(sf)->size = w->vol->capacity;
		fmt_size(b2, sizeof(b2), w->vol->capacity);
		text(sf, F_A, "New size", b2, 16, "GiB; +N grows by N");
		break;
	case ACT_VOL_COPY:
		fl = form_add(sf->form, 0, FORM_CHOICE, "Target storage", F_A);
		vf(sf)->f[F_A] = fl;
		for (size_t i = 0; i < app_snap(a, w->node)->n_pools; i++) {
			const struct tve_pool *d = &app_snap(a, w->node)->pools[i];
			const char *why = NULL;

			if (!strcmp(d->name, p->name))
				continue;
			if (!d->active)
				why = "inactive";
			snprintf(info, sizeof(info), "%s (%s, %s free)", d->name, d->type ? d->type : "?",
				 tve_fmt_bytes(b1, sizeof(b1), d->available));
			form_add_option(fl, info, why, why != NULL, 0, d->name);
			if (!why && fl->opts[fl->sel].disabled)
				fl->sel = fl->n_opts - 1;
		}
		checkbox(sf, F_B, "Move", false, "delete the source once copied");
		break;
	case ACT_VOL_UPLOAD:
		text(sf, F_A, "Local file", "", 250, NULL);
		text(sf, F_B, "Name", "", 200, NULL);
		break;
	case ACT_VOL_DOWNLOAD:
		text(sf, F_A, "URL", "", 250, NULL);
		text(sf, F_B, "File name", "", 200, NULL);
		fl = form_add(sf->form, 0, FORM_CHOICE, "Checksum algorithm", F_C);
		vf(sf)->f[F_C] = fl;
		for (int i = 0; i < 3; i++)
			form_add_option(fl, sum_labels[i], NULL, false, i, NULL);
		fl = text(sf, F_D, "Checksum", "", 128, "hex");
		fl->hidden = true;
		break;
	default:
		break;
	}
	sform_show(a, sf);
	validate(a, sf);
}

/* ---- delete a volume, cancel a task: questions --------------------------------------- */

struct pending_vol {
	size_t node;
	char pool[256], vol[256];
};

static void delete_confirmed(struct app *a, struct dialog *d, int yes)
{
	struct pending_vol *p = dialog_data(d);
	char *err = NULL;

	if (!yes || !p)
		return;
	if (tve_backend_vol_delete(a->b, p->node, p->pool, p->vol, NULL, &err) < 0)
		app_error(a, "Delete %s: %s", p->vol, err ? err : "failed");
	else
		app_msg(a, false, "Deleting %s: see the task panel", p->vol);
	free(err);
	app_poll_tasks(a);
}

static void ask_delete(struct app *a, const struct where *w)
{
	struct pending_vol *p = tve_xcalloc(1, sizeof(*p));
	char q[900], used[128], b1[32], b2[160];
	struct dialog *d;

	p->node = w->node;
	snprintf(p->pool, sizeof(p->pool), "%s", w->pool_name);
	snprintf(p->vol, sizeof(p->vol), "%s", w->vol_name);
	if (volume_user(a, w->node, w->pool, w->vol, used, sizeof(used)))
		snprintf(b2, sizeof(b2), " It is used by %s.", used);
	else
		b2[0] = '\0';
	snprintf(q, sizeof(q), "Delete volume %s (%s) from storage %s on %s?\n\nIts data is lost.%s",
		 w->vol->name, tve_fmt_bytes(b1, sizeof(b1), w->vol->capacity), w->pool->name,
		 app_snap(a, w->node)->node, b2);
	d = dialog_confirm("Delete volume", q, delete_confirmed);
	dialog_set_data(d, DIALOG_PLAIN, p);
	app_push_dialog(a, d);
}

void storage_run(struct app *a, enum action act, const struct obj_ref *o)
{
	char why[300];
	struct where w;

	if (storage_unavailable(a, act, o, why, sizeof(why))) {
		app_error(a, "%s: %s", action_table[act].label, why);
		return;
	}
	if (act == ACT_ADD_STORAGE) {
		storage_wizard_open(a, o->kind == OBJ_DC ? 0 : o->node);
		return;
	}
	locate(a, o, &w);
	if (act == ACT_STORAGE_SET || act == ACT_STORAGE_DEL)
		open_pool_form(a, act, &w);
	else if (act == ACT_VOL_DELETE)
		ask_delete(a, &w);
	else
		open_volume_form(a, act, &w);
}

static void cancel_confirmed(struct app *a, struct dialog *d, int yes)
{
	const char *id = dialog_data(d);
	char *err = NULL;

	if (!yes || !id)
		return;
	if (tve_backend_task_cancel(a->b, id, &err) < 0)
		app_error(a, "Cancel: %s", err ? err : "failed");
	else
		app_msg(a, false, "Cancelling the task: it stops and cleans up");
	free(err);
	app_poll_tasks(a);
}

void storage_task_cancel(struct app *a, const char *task_id)
{
	struct tve_task_info info;
	char desc[200], q[400];
	struct dialog *d;

	memset(&info, 0, sizeof(info));
	if (tve_taskstore_info(a->ts, task_id, &info) < 0) {
		app_msg(a, true, "That task is no longer kept");
		return;
	}
	task_describe(&info, desc, sizeof(desc));
	if (info.status != TVE_TASK_RUNNING) {
		app_msg(a, true, "%s has ended: nothing to cancel", desc);
	} else if (!info.cancellable) {
		app_msg(a, true, "%s cannot be cancelled (only downloads, uploads, copies)", desc);
	} else {
		snprintf(q, sizeof(q), "Cancel task %s on %s?\n\nIt stops and removes what it made.",
			 desc, info.node ? info.node : "-");
		d = dialog_confirm("Cancel task", q, cancel_confirmed);
		dialog_set_data(d, DIALOG_PLAIN, tve_xstrdup(task_id));
		app_push_dialog(a, d);
	}
	tve_task_info_free(&info);
}
