/* draw.h - text and line drawing that works in UTF-8, ACS and plain ASCII.
 *
 * Strings from the backend are UTF-8 (libvirt names); they are decoded in
 * the locale's encoding and anything not printable there shows as '?'.
 * Widths are display columns, never bytes. */
#ifndef TVE_TUI_DRAW_H
#define TVE_TUI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "config.h"
#include "tui.h"

/* Picks the line set: auto = UTF-8 box characters when the locale's codeset
 * is UTF-8, else the terminal's ACS when it has one, else ASCII. */
void draw_init(enum tve_line_graphics want);

/* Tree expander glyphs and the truncation mark. */
const char *draw_glyph_open(void);
const char *draw_glyph_closed(void);
const char *draw_glyph_more(void);

/* Writes along one row: every write starts with a wmove to the pen's
 * column, so text that ends in a window's last column (where curses moves
 * the cursor to the next row) cannot spill over. */
struct pen {
	WINDOW *w;
	int y, x;		/* where the next write goes */
	int end;		/* writes stop before this column */
};

void pen_start(struct pen *p, WINDOW *w, int y, int x, int end);
/* s (n bytes) with attributes attr, cut at the pen's end; returns the
 * columns written. */
int pen_textn(struct pen *p, int attr, const char *s, size_t n);
int pen_text(struct pen *p, int attr, const char *s);
/* Spaces up to column upto (at most the end). */
void pen_fill(struct pen *p, int attr, int upto);
/* Display width of s (n bytes). */
int text_widthn(const char *s, size_t n);
int text_width(const char *s);
/* Bytes of s that fit in maxw columns; *cols receives their width. */
size_t text_fit(const char *s, int maxw, int *cols);
/* Bytes of the next line when s is word-wrapped at width columns (at
 * least one character; stops after a '\n', which it includes). */
size_t text_wrap(const char *s, int width);

void draw_hline(WINDOW *w, int y, int x, int n);
void draw_vline(WINDOW *w, int y, int x, int n);
/* Frame around the whole window. */
void draw_box(WINDOW *w);

#endif
