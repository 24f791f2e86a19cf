/* content.h - the right pane: the selected object's tabs.
 *
 * Each object kind (datacenter, node, guest, storage pool) is a view_kind
 * with a list of tabs; a tab builds its rows into a vbuf and names the
 * snapshot changes (TVE_DIFF_*) and task changes that make it stale. */
#ifndef TVE_TUI_CONTENT_H
#define TVE_TUI_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "vbuf.h"

struct app;
struct tve_guest;

/* A tab depends on the task store too. */
#define DEP_TASKS (1u << 16)

struct view_tab {
	const char *name;
	unsigned deps;		/* TVE_DIFF_* | DEP_TASKS */
	bool cursor;		/* rows can be selected and opened */
	void (*build)(struct app *a, const struct obj_ref *o, struct vbuf *vb);
};

struct view_kind {
	const struct view_tab *tabs;
	size_t n_tabs;
	/* Short title for the tab row: "VM 100 (web01)". */
	void (*title)(struct app *a, const struct obj_ref *o, char *buf, size_t len);
};

extern const struct view_kind view_dc, view_node, view_guest, view_pool;

struct content {
	struct obj_ref obj;
	int tab[OBJ__COUNT];	/* last tab per kind */
	struct vbuf vb;
	struct vlist ls;
	bool stale;		/* rows must be rebuilt before drawing */
};

/* Shows o; a different object starts at the top of its tab. */
void content_show(struct content *c, const struct obj_ref *o);
const struct view_tab *content_tab(const struct content *c);
/* Rebuilds the rows if stale or the width changed. */
void content_build(struct content *c, struct app *a, int width);
void content_draw(struct content *c, struct app *a, WINDOW *w, int h, int width, bool focused);
/* Navigation and tab switching; true if something changed on screen. */
bool content_cmd(struct content *c, struct app *a, enum cmd cmd, int arg, int h);
/* The object under the cursor of a selectable tab, or NULL. */
const struct obj_ref *content_cursor(const struct content *c);
void content_free(struct content *c);

/* Shared table and field helpers for the view_*.c files. */
/* The guest's name in exactly width columns, " (CT)" for containers
 * (the name is cut, never the marker). */
void vb_guest_name(struct vbuf *vb, const struct tve_guest *g, int width);
void guests_table(struct app *a, struct vbuf *vb, long node);	/* node -1 = all */
void pools_table(struct app *a, struct vbuf *vb, size_t node);
const char *fmt_kib(char *buf, size_t len, unsigned long long kib);
double frac_of(unsigned long long used, unsigned long long total);
enum role state_role(int guest_state);
/* Width of the bars in summary fields, so they line up. */
int field_bar_width(const struct vbuf *vb);
/* "Label      [#####.....] 52%  8.00 GiB / 16.0 GiB" (bytes). */
void vb_usage(struct vbuf *vb, const char *label, unsigned long long used,
	      unsigned long long total);

#endif
