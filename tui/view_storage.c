/* view_storage.c - a storage pool: Summary and Content (volumes). */
#include <stdio.h>

#include "app.h"
#include "draw.h"
#include "tui.h"

static const struct tve_pool *pool_or_note(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	const struct tve_pool *p = app_pool(a, o);

	if (!p) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, "(this storage pool is gone)");
	}
	return p;
}

static void build_summary(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	const struct tve_pool *p = pool_or_note(a, o, vb);
	char buf[64];

	if (!p)
		return;
	vb_field(vb, "Storage", ROLE_NORMAL, p->name);
	vb_field(vb, "Node", ROLE_NORMAL, app_snap(a, o->node)->node);
	vb_field(vb, "Type", ROLE_NORMAL, p->type);
	vb_field(vb, "Path", ROLE_NORMAL, p->path);
	vb_field(vb, "Active", p->active ? ROLE_NORMAL : ROLE_STATE_PAUSED, p->active ? "yes" : "no");
	vb_field(vb, "Autostart", ROLE_NORMAL, p->autostart ? "yes" : "no");
	if (p->active) {
		vb_usage(vb, "Usage", p->allocation, p->capacity);
		vb_field(vb, "Available", ROLE_NORMAL,
			 p->capacity ? tve_fmt_bytes(buf, sizeof(buf), p->available) : NULL);
	} else {
		vb_field(vb, "Usage", ROLE_NORMAL, NULL);
	}
	snprintf(buf, sizeof(buf), "%zu", p->n_volumes);
	vb_field(vb, "Volumes", ROLE_NORMAL, buf);
}

static void build_content(struct app *a, const struct obj_ref *o, struct vbuf *vb)
{
	const struct tve_pool *p = pool_or_note(a, o, vb);
	char b1[32];
	int namew;

	if (!p)
		return;
	namew = vb->width - 8 - 10 - 11;
	vb_line(vb);
	vb_col(vb, ROLE_LABEL, namew, -1, "Name");
	vb_col(vb, ROLE_LABEL, 8, -1, "Format");
	vb_col(vb, ROLE_LABEL, 10, 1, "Size");
	vb_col(vb, ROLE_LABEL, 11, 1, "Allocated");
	vb_sticky(vb);
	for (size_t i = 0; i < p->n_volumes; i++) {
		const struct tve_volume *v = &p->volumes[i];

		vb_line(vb);
		vb_col(vb, ROLE_NORMAL, namew - 1, -1, v->name);
		vb_put(vb, ROLE_NORMAL, " ");
		vb_col(vb, ROLE_NORMAL, 8, -1, v->format ? v->format : "-");
		vb_col(vb, ROLE_NORMAL, 10, 1, tve_fmt_bytes(b1, sizeof(b1), v->capacity));
		vb_col(vb, ROLE_NORMAL, 11, 1, tve_fmt_bytes(b1, sizeof(b1), v->allocation));
	}
	if (!p->n_volumes) {
		vb_line(vb);
		vb_put(vb, ROLE_DIM, p->active ? "(no volumes)" : "(pool is not active)");
	}
}

static void title(struct app *a, const struct obj_ref *o, char *buf, size_t len)
{
	snprintf(buf, len, "Storage %s (%s)", o->id, app_snap(a, o->node)->node);
}

static const struct view_tab tabs[] = {
	{ "Summary", TVE_DIFF_POOLS | TVE_DIFF_NODE, false, build_summary },
	{ "Content", TVE_DIFF_POOLS, false, build_content },
};

const struct view_kind view_pool = {
	.tabs = tabs,
	.n_tabs = TVE_ARRAY_SIZE(tabs),
	.title = title,
};
