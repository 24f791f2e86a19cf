/* view_storage.c - a storage pool: Summary (usage, over-commit, content
 * types) and Content, with the web UI's sub-views (disk images, ISO
 * images, container templates, backups), an order and a filter. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "draw.h"
#include "storage.h"
#include "tui.h"

enum sort { SORT_NAME, SORT_SIZE, SORT_OWNER, SORT__COUNT };

static const char *const sort_names[SORT__COUNT] = { "name", "size", "owner" };

/* What the Content tab shows; one console, one state.  The view and the
 * order stay from storage to storage, the filter is for one. */
static struct {
	enum vol_class view;
	enum sort sort;
	char filter[96];
	struct obj_ref filter_of;
} st;

static const struct {
	const char *label, *brief, *none;
} views[VOL__COUNT] = {
	[VOL_IMAGE] = { "Disk images", "Images", "(no disk images)" },
	[VOL_ISO] = { "ISO images", "ISO", "(no ISO images)" },
	[VOL_TEMPLATE] = { "Container templates", "Templates", "(no container templates)" },
	[VOL_BACKUP] = { "Backups", "Backups", "(no backups)" },
};

bool volume_ref_split(const struct obj_ref *o, char *pool, size_t plen, char *vol, size_t vlen)
{
	const char *slash = o->kind == OBJ_VOLUME ? strchr(o->id, '/') : NULL;

	if (!slash || slash == o->id || !slash[1])
		return false;
	snprintf(pool, plen, "%.*s", (int)(slash - o->id), o->id);
	snprintf(vol, vlen, "%s", slash + 1);
	return true;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcasecmp(s + n - k, suffix);
}

enum vol_class volume_class(const char *name)
{
	static const char *const tpl[] = { ".tar.gz", ".tar.xz", ".tar.zst", ".tgz" };

	if (!strncmp(name, "vzdump-", 7))
		return VOL_BACKUP;
	if (ends_with(name, ".iso"))
		return VOL_ISO;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(tpl); i++)
		if (ends_with(name, tpl[i]))
			return VOL_TEMPLATE;
	return VOL_IMAGE;
}

/* The guest ID in a Proxmox volume name: vm-100-disk-0, subvol-105-disk-0,
 * base-100-disk-0, vzdump-qemu-100-...; 0 for none.  *rest: after it. */
static long owner_of(const char *name, const char **rest)
{
	static const char *const prefixes[] = { "vm-", "subvol-", "base-", "vzdump-qemu-",
						"vzdump-lxc-", "vzdump-openvz-" };
	char *end;
	long id;

	for (size_t i = 0; i < TVE_ARRAY_SIZE(prefixes); i++) {
		size_t k = strlen(prefixes[i]);

		if (strncmp(name, prefixes[i], k) || name[k] < '0' || name[k] > '9')
			continue;
		id = strtol(name + k, &end, 10);
		if (*end != '-' || id <= 0)
			return 0;
		if (rest)
			*rest = end + 1;
		return id;
	}
	return 0;
}

bool volume_user(const struct app *a, size_t node, const struct tve_pool *p,
		 const struct tve_volume *v, char *buf, size_t len)
{
	const struct tve_snapshot *s = app_snap((struct app *)a, node);
	size_t plen = strlen(p->name);

	for (size_t g = 0; g < s->n_guests; g++) {
		const struct tve_guest *gu = &s->guests[g];

		for (size_t d = 0; d < gu->n_disks; d++) {
			const char *src = gu->disks[d].source;

			if (!src || !((v->path && !strcmp(src, v->path)) ||
				      (!strncmp(src, p->name, plen) && src[plen] == '/' &&
				       !strcmp(src + plen + 1, v->name))))
				continue;
			if (gu->vmid > 0)
				snprintf(buf, len, "%s %d", tve_guest_type_name(gu->type), gu->vmid);
			else
				snprintf(buf, len, "%s", gu->name ? gu->name : "?");
			return true;
		}
	}
	return false;
}

void vb_usage_of(struct vbuf *vb, int bar_w, unsigned long long used, unsigned long long total)
{
	char u[32], t[32];

	if (!total) {
		vb_put(vb, ROLE_NORMAL, "-");
		return;
	}
	vb_bar(vb, bar_w, frac_of(used, total));
	vb_printf(vb, ROLE_NORMAL, " (%s of %s)", tve_fmt_bytes(u, sizeof(u), used),
		  tve_fmt_bytes(t, sizeof(t), total));
}

/* ---- Summary ------------------------------------------------------------------- */

#define LABEL_W 12	/* "Provisioned" and a space */

static void field(struct vbuf *vb, const char *label, enum role role, const char *value)
{
	const char *p = value && *value ? value : "-";
	int w = TUI_MAX(vb->width - LABEL_W, 10);
	bool first = true;

	do {
		size_t n = text_wrap(p, w), k = n;
		char line[512];

		while (k && (p[k - 1] == '\n' || p[k - 1] == ' '))
			k--;
		vb_line(vb);
		vb_col(vb, ROLE_LABEL, LABEL_W, -1, first ? label : "");
		snprintf(line, sizeof(line), "%.*s", (int)k, p);
		vb_put(vb, role, line);
		first = false;
		p += n;
	} while (*p);
}

static const struct tve_pool *pool_or_note(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	const struct tve_pool *p = app_pool(a, o);

	if (!p) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(this storage pool is gone)");
	}
	return p;
}

/* "images,iso" -> "Disk image, ISO image"; NULL -> "all". */
static void content_label(const char *content, char *buf, size_t len)
{
	static const struct { const char *id, *label; } names[] = {
		{ "images", "Disk image" }, { "iso", "ISO image" }, { "vztmpl", "Container template" },
		{ "rootdir", "Container" }, { "backup", "Backup" }, { "snippets", "Snippets" },
	};
	char *copy, *save = NULL;
	size_t n = 0;

	buf[0] = '\0';
	if (!content || !*content) {
		snprintf(buf, len, "all");
		return;
	}
	copy = tve_xstrdup(content);
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const char *label = t;

		for (size_t i = 0; i < TVE_ARRAY_SIZE(names); i++)
			if (!strcmp(t, names[i].id))
				label = names[i].label;
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? ", " : "", label);
	}
	free(copy);
}

static void build_summary(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	static const struct { const char *one, *many; } kinds[VOL__COUNT] = {
		{ "disk image", "disk images" }, { "ISO image", "ISO images" },
		{ "template", "templates" }, { "backup", "backups" },
	};
	const struct tve_pool *p = pool_or_note(a, o, vb);
	unsigned long long prov = 0;
	size_t count[VOL__COUNT] = { 0 }, n;
	char buf[512], b1[32], b2[32];
	char *content;

	if (!p)
		return;
	field(vb, "Storage", ROLE_NORMAL, p->name);
	field(vb, "Node", ROLE_NORMAL, app_snap(a, o->node)->node);
	field(vb, "Type", ROLE_NORMAL, p->type);
	field(vb, "Path", ROLE_NORMAL, p->path);
	snprintf(buf, sizeof(buf), "%s, autostart %s", p->active ? "active" : "inactive",
		 p->autostart ? "on" : "off");
	field(vb, "State", p->active ? ROLE_NORMAL : ROLE_STATE_PAUSED, buf);
	vb_line(vb);
	vb_col(vb, ROLE_LABEL, LABEL_W, -1, "Usage");
	if (p->active)
		vb_usage_of(vb, TUI_MIN(TUI_MAX(vb->width - LABEL_W - 23, 11), 32), p->allocation,
			    p->capacity);
	else
		vb_put(vb, ROLE_DIM, "- (inactive)");
	field(vb, "Available", ROLE_NORMAL,
	      p->active && p->capacity ? tve_fmt_bytes(buf, sizeof(buf), p->available) : NULL);
	/* Thin volumes may promise more than the pool holds. */
	for (size_t i = 0; i < p->n_volumes; i++) {
		prov += p->volumes[i].capacity;
		count[volume_class(p->volumes[i].name)]++;
	}
	if (p->capacity) {
		double pct = 100.0 * (double)prov / (double)p->capacity;

		snprintf(buf, sizeof(buf), "%s of %s (%.0f%%%s)", tve_fmt_bytes(b1, sizeof(b1), prov),
			 tve_fmt_bytes(b2, sizeof(b2), p->capacity), pct,
			 prov > p->capacity ? ", over-committed" : "");
		field(vb, "Provisioned", prov > p->capacity ? ROLE_STATE_PAUSED : ROLE_NORMAL, buf);
	} else {
		field(vb, "Provisioned", ROLE_NORMAL, tve_fmt_bytes(buf, sizeof(buf), prov));
	}
	content = tve_backend_pool_content(a->b, o->node, p->name);
	content_label(content, buf, sizeof(buf));
	free(content);
	field(vb, "Content", ROLE_NORMAL, buf);
	n = (size_t)snprintf(buf, sizeof(buf), "%zu", p->n_volumes);
	for (int c = 0, first = 1; c < VOL__COUNT; c++) {
		if (!count[c] || n >= sizeof(buf))
			continue;
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s %zu %s", first ? ":" : ",",
				      count[c], count[c] == 1 ? kinds[c].one : kinds[c].many);
		first = 0;
	}
	field(vb, "Volumes", ROLE_NORMAL, buf);
}

/* ---- Content --------------------------------------------------------------------- */

static const struct tve_volume *sort_vols;

static int cmp_vol(const void *x, const void *y)
{
	const struct tve_volume *a = &sort_vols[*(const size_t *)x];
	const struct tve_volume *b = &sort_vols[*(const size_t *)y];
	long oa, ob;

	switch (st.sort) {
	case SORT_SIZE:
		if (a->capacity != b->capacity)
			return a->capacity > b->capacity ? -1 : 1;
		break;
	case SORT_OWNER:
		oa = owner_of(a->name, NULL);
		ob = owner_of(b->name, NULL);
		if (oa != ob)	/* volumes of no guest last */
			return !oa ? 1 : !ob ? -1 : oa < ob ? -1 : 1;
		break;
	default:
		break;
	}
	return strcmp(a->name, b->name);
}

static bool matches(const char *name)
{
	size_t n = strlen(st.filter);

	if (!n)
		return true;
	for (const char *p = name; *p; p++)
		if (!strncasecmp(p, st.filter, n))
			return true;
	return false;
}

/* The sub-views with their counts: "[Disk images 9]  ISO 3  ..." */
static void view_line(struct vbuf *vb, const size_t *count)
{
	char full[256], brief[256];
	size_t nf = 0, nb = 0;

	for (int v = 0; v < VOL__COUNT; v++) {
		bool on = (int)st.view == v;

		nf += (size_t)snprintf(full + nf, sizeof(full) - nf, "%s%s %zu%s", on ? "[" : " ",
				       views[v].label, count[v], on ? "]" : " ");
		nb += (size_t)snprintf(brief + nb, sizeof(brief) - nb, "%s%s %zu%s", on ? "[" : " ",
				       views[v].brief, count[v], on ? "]" : " ");
	}
	vb_line(vb);
	vb_put(vb, ROLE_LABEL, text_width(full) <= vb->width ? full : brief);
}

/* Date and time in a backup's name: vzdump-qemu-100-2024_05_01-02_00_01... */
static void backup_time(const char *name, char *buf, size_t len)
{
	const char *t = NULL;
	int y, mo, d, h, mi;

	if (owner_of(name, &t) && t && sscanf(t, "%4d_%2d_%2d-%2d_%2d", &y, &mo, &d, &h, &mi) == 5)
		snprintf(buf, len, "%04d-%02d-%02d %02d:%02d", y, mo, d, h, mi);
	else
		snprintf(buf, len, "-");
}

static void header(struct vbuf *vb, int namew, bool alloc_bytes)
{
	vb_line(vb);
	vb_col(vb, ROLE_LABEL, namew, -1, "Name");
	switch (st.view) {
	case VOL_IMAGE:
		vb_col(vb, ROLE_LABEL, 5, 1, "Owner");
		vb_col(vb, ROLE_LABEL, 8, -1, " Guest");
		vb_col(vb, ROLE_LABEL, 6, -1, "Format");
		vb_col(vb, ROLE_LABEL, 9, 1, "Size");
		vb_col(vb, ROLE_LABEL, alloc_bytes ? 10 : 6, 1, alloc_bytes ? "Allocated" : "Alloc");
		break;
	case VOL_ISO:
		vb_col(vb, ROLE_LABEL, 9, 1, "Size");
		vb_col(vb, ROLE_LABEL, 9, -1, " Guest");
		break;
	case VOL_TEMPLATE:
		vb_col(vb, ROLE_LABEL, 9, 1, "Size");
		break;
	case VOL_BACKUP:
		vb_col(vb, ROLE_LABEL, 5, 1, "Owner");
		vb_col(vb, ROLE_LABEL, 17, -1, " Date");
		vb_col(vb, ROLE_LABEL, 9, 1, "Size");
		break;
	case VOL__COUNT:
		break;
	}
}

static void row(struct app *a, const struct obj_ref *o, struct vbuf *vb, const struct tve_pool *p,
		const struct tve_volume *v, int namew, bool alloc_bytes)
{
	char buf[320], user[128];
	long owner = owner_of(v->name, NULL);

	vb_line(vb);
	snprintf(buf, sizeof(buf), "%s/%s", p->name, v->name);
	vb_key(vb, OBJ_VOLUME, o->node, buf);
	vb_col(vb, ROLE_NORMAL, namew - 1, -1, v->name);
	vb_put(vb, ROLE_NORMAL, " ");
	if (owner)
		snprintf(buf, sizeof(buf), "%ld", owner);
	else
		snprintf(buf, sizeof(buf), "-");
	if (!volume_user(a, o->node, p, v, user, sizeof(user)))
		snprintf(user, sizeof(user), "-");
	switch (st.view) {
	case VOL_IMAGE:
		vb_col(vb, ROLE_NORMAL, 5, 1, buf);
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 7, -1, user);
		vb_col(vb, ROLE_NORMAL, 6, -1, v->format ? v->format : "-");
		vb_col(vb, ROLE_NORMAL, 9, 1, tve_fmt_bytes(buf, sizeof(buf), v->capacity));
		if (alloc_bytes)
			tve_fmt_bytes(buf, sizeof(buf), v->allocation);
		else if (v->capacity)
			snprintf(buf, sizeof(buf), "%.0f%%", 100.0 * frac_of(v->allocation, v->capacity));
		else
			snprintf(buf, sizeof(buf), "-");
		vb_col(vb, ROLE_NORMAL, alloc_bytes ? 10 : 6, 1, buf);
		break;
	case VOL_ISO:
		vb_col(vb, ROLE_NORMAL, 9, 1, tve_fmt_bytes(buf, sizeof(buf), v->capacity));
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 8, -1, user);
		break;
	case VOL_TEMPLATE:
		vb_col(vb, ROLE_NORMAL, 9, 1, tve_fmt_bytes(buf, sizeof(buf), v->capacity));
		break;
	case VOL_BACKUP:
		vb_col(vb, ROLE_NORMAL, 5, 1, buf);
		vb_put(vb, ROLE_NORMAL, " ");
		backup_time(v->name, buf, sizeof(buf));
		vb_col(vb, ROLE_NORMAL, 16, -1, buf);
		vb_col(vb, ROLE_NORMAL, 9, 1, tve_fmt_bytes(buf, sizeof(buf), v->capacity));
		break;
	case VOL__COUNT:
		break;
	}
}

static void build_content(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	static const int fixed[VOL__COUNT] = { 5 + 8 + 6 + 9 + 6, 9 + 9, 9, 5 + 17 + 9 };
	const struct tve_pool *p = pool_or_note(a, o, vb);
	size_t count[VOL__COUNT] = { 0 }, n = 0, *idx;
	bool alloc_bytes;
	int namew;

	if (!obj_eq(o, &st.filter_of)) {
		st.filter[0] = '\0';
		st.filter_of = *o;
	}
	if (!p)
		return;
	for (size_t i = 0; i < p->n_volumes; i++)
		count[volume_class(p->volumes[i].name)]++;
	view_line(vb, count);
	vb_line(vb);
	vb_printf(vb, ROLE_DIM, "v view  o order: %s  / filter%s%s", sort_names[st.sort],
		  st.filter[0] ? ": " : "", st.filter);
	alloc_bytes = st.view == VOL_IMAGE && vb->width - fixed[VOL_IMAGE] - 4 >= 24;
	namew = TUI_MAX(vb->width - fixed[st.view] - (alloc_bytes ? 4 : 0), 8);
	header(vb, namew, alloc_bytes);
	vb_sticky(vb);
	idx = tve_xcalloc(p->n_volumes + 1, sizeof(*idx));
	for (size_t i = 0; i < p->n_volumes; i++)
		if (volume_class(p->volumes[i].name) == st.view && matches(p->volumes[i].name))
			idx[n++] = i;
	sort_vols = p->volumes;
	qsort(idx, n, sizeof(*idx), cmp_vol);
	for (size_t i = 0; i < n; i++)
		row(a, o, vb, p, &p->volumes[idx[i]], namew, alloc_bytes);
	free(idx);
	if (!n) {
		vb_line(vb);
		if (!p->active)
			vb_put(vb, ROLE_DIM, "(storage is not active)");
		else if (st.filter[0] && count[st.view])
			vb_printf(vb, ROLE_DIM, "(none matches '%s')", st.filter);
		else
			vb_put(vb, ROLE_DIM, views[st.view].none);
	}
}

static void title(struct app *a, const struct obj_ref *o, char *buf, size_t len)
{
	snprintf(buf, len, "Storage %s (%s)", o->id, app_snap(a, o->node)->node);
}

static const struct view_tab tabs[] = {
	{ "Summary", TVE_DIFF_POOLS | TVE_DIFF_NODE, false, build_summary },
	{ "Content", TVE_DIFF_POOLS | TVE_DIFF_GUEST_SET | TVE_DIFF_GUEST_CONFIG, true, build_content },
};

const struct view_kind view_pool = {
	.tabs = tabs,
	.n_tabs = TVE_ARRAY_SIZE(tabs),
	.title = title,
};

bool storage_content_shown(struct app *a)
{
	return a->content.obj.kind == OBJ_POOL && content_tab(&a->content) == &tabs[1];
}

bool storage_content_cmd(struct app *a, enum cmd cmd)
{
	if (!storage_content_shown(a))
		return false;
	if (cmd == CMD_CONTENT_VIEW) {
		st.view = (enum vol_class)((st.view + 1) % VOL__COUNT);
		a->content.ls.cursor = 0;
		a->content.ls.top = 0;
	} else if (cmd == CMD_CONTENT_SORT) {
		st.sort = (enum sort)((st.sort + 1) % SORT__COUNT);
	} else {
		return false;
	}
	a->content.stale = true;
	return true;
}

char *storage_filter(size_t *cap)
{
	*cap = sizeof(st.filter);
	return st.filter;
}
