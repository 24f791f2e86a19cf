/* vbuf.h - lines of styled text, and a scrolling list that shows them.
 *
 * Every pane (tree, content tabs, task panel) builds its rows into a vbuf
 * when its data changed, then a vlist draws the visible part with a cursor.
 * A row may carry the identity of what it shows (obj_ref) so a cursor can
 * follow that object across rebuilds and Enter can open it. */
#ifndef TVE_TUI_VBUF_H
#define TVE_TUI_VBUF_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "theme.h"

enum obj_kind {
	OBJ_NONE,
	OBJ_DC,
	OBJ_NODE,
	OBJ_GUEST,
	OBJ_POOL,
	OBJ_TASK,
	OBJ__COUNT,
};

/* What a row shows, by identity: node index plus guest uuid, pool name or
 * task id (id is "" for the datacenter and nodes). */
struct obj_ref {
	enum obj_kind kind;
	size_t node;
	char id[256];
};

void obj_set(struct obj_ref *o, enum obj_kind kind, size_t node, const char *id);
bool obj_eq(const struct obj_ref *a, const struct obj_ref *b);

struct vspan {
	size_t off;		/* byte offset in text where role starts */
	enum role role;
};

struct vline {
	char *text;
	size_t len, cap;
	struct vspan *spans;
	size_t n_spans, cap_spans;
	int cols;		/* display width of text */
	bool has_key;
	struct obj_ref key;
};

struct vbuf {
	struct vline *lines;
	size_t n, cap;
	size_t n_head;		/* leading lines that do not scroll */
	int width;		/* columns the builder may use */
};

/* Empties the buffer (keeping its memory) for a build at this width. */
void vb_reset(struct vbuf *vb, int width);
void vb_free(struct vbuf *vb);
/* Starts a new line. */
void vb_line(struct vbuf *vb);
/* Marks the lines so far as the sticky header. */
void vb_sticky(struct vbuf *vb);
/* Gives the current line an identity. */
void vb_key(struct vbuf *vb, enum obj_kind kind, size_t node, const char *id);
void vb_put(struct vbuf *vb, enum role role, const char *s);
void vb_printf(struct vbuf *vb, enum role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* s cut or padded to exactly width columns; align > 0 = right. */
void vb_col(struct vbuf *vb, enum role role, int width, int align, const char *s);
/* Pads the current line with spaces up to column col. */
void vb_pad(struct vbuf *vb, int col);
/* "[#####.....] 52%" in width columns; frac < 0 = unknown. */
void vb_bar(struct vbuf *vb, int width, double frac);
/* "Label      value" summary row(s); the value wraps under itself. */
void vb_field(struct vbuf *vb, const char *label, enum role role, const char *value);
/* Columns left on the current line. */
int vb_left(const struct vbuf *vb);

/* Scroll state of a list: cursor and top are body line indexes. */
struct vlist {
	size_t cursor, top;
};

enum vlist_cursor {
	VLIST_NONE,		/* scrolls; no cursor */
	VLIST_ACTIVE,		/* cursor shown as selected */
	VLIST_INACTIVE,		/* cursor shown dimmer (pane not focused) */
};

/* Draws rows [y, y+h) of w, columns [x, x+width).  Adjusts top so the
 * cursor is visible. */
void vlist_draw(WINDOW *w, int y, int x, int h, int width, const struct vbuf *vb,
		struct vlist *ls, enum vlist_cursor cur);
/* Moves the cursor (or, with no cursor, the view) by a navigation step:
 * delta lines, or to the start/end for INT_MIN/INT_MAX.  Returns true if
 * anything moved. */
bool vlist_move(struct vlist *ls, const struct vbuf *vb, int h, bool cursor, int delta);
/* The identity under the cursor, or NULL. */
const struct obj_ref *vlist_key(const struct vlist *ls, const struct vbuf *vb);
/* Puts the cursor on the line with this identity; false if none. */
bool vlist_find(struct vlist *ls, const struct vbuf *vb, const struct obj_ref *key);
void vlist_clamp(struct vlist *ls, const struct vbuf *vb);

#endif
