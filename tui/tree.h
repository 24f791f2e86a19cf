/* tree.h - the resource tree: Datacenter, nodes, guests, storage.
 *
 * Rows are rebuilt from the snapshots when what they show changed; the
 * selection is kept by identity (node + uuid / pool name), so it survives
 * refreshes and re-sorts. */
#ifndef TVE_TUI_TREE_H
#define TVE_TUI_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "vbuf.h"

struct app;

struct tree {
	struct vbuf vb;
	struct vlist ls;
	struct obj_ref sel;
	bool dc_open;
	bool *open;		/* per node */
	size_t n_nodes;
	char filter[96];	/* "" = no filter */
};

void tree_init(struct tree *t, size_t n_nodes);
void tree_free(struct tree *t);
/* Nodes were added: they start expanded. */
void tree_grow(struct tree *t, size_t n_nodes);
/* Rebuilds the rows for width columns; keeps or repairs the selection.
 * Returns true if the selection changed identity. */
bool tree_rebuild(struct tree *t, struct app *a, int width);
/* Draws into w at rows [0, h) with the header in row 0. */
void tree_draw(struct tree *t, WINDOW *w, int h, int width, bool focused, bool editing);
/* Navigation; returns true if rows or the selection changed. */
bool tree_cmd(struct tree *t, struct app *a, enum cmd cmd, int h);
/* Selects o, opening its node; false if o is not in the tree. */
bool tree_select(struct tree *t, struct app *a, const struct obj_ref *o, int width);

#endif
