/* vbuf.c - lines of styled text, and a scrolling list that shows them. */
#include "vbuf.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "tui.h"

void obj_set(struct obj_ref *o, enum obj_kind kind, size_t node, const char *id)
{
	o->kind = kind;
	o->node = node;
	snprintf(o->id, sizeof(o->id), "%s", id ? id : "");
}

bool obj_eq(const struct obj_ref *a, const struct obj_ref *b)
{
	return a->kind == b->kind && a->node == b->node && !strcmp(a->id, b->id);
}

static size_t vb_body(const struct vbuf *vb)
{
	return vb->n - vb->n_head;
}

void vb_reset(struct vbuf *vb, int width)
{
	vb->n = 0;
	vb->n_head = 0;
	vb->width = width;
}

void vb_free(struct vbuf *vb)
{
	for (size_t i = 0; i < vb->cap; i++) {
		free(vb->lines[i].text);
		free(vb->lines[i].spans);
	}
	free(vb->lines);
	memset(vb, 0, sizeof(*vb));
}

void vb_line(struct vbuf *vb)
{
	struct vline *l;

	if (vb->n == vb->cap) {
		size_t cap = vb->cap ? vb->cap * 2 : 32;

		vb->lines = tve_xreallocarray(vb->lines, cap, sizeof(*vb->lines));
		memset(vb->lines + vb->cap, 0, (cap - vb->cap) * sizeof(*vb->lines));
		vb->cap = cap;
	}
	l = &vb->lines[vb->n++];
	l->len = 0;
	l->n_spans = 0;
	l->cols = 0;
	l->has_key = false;
	if (l->text)
		l->text[0] = '\0';
}

void vb_sticky(struct vbuf *vb)
{
	vb->n_head = vb->n;
}

static struct vline *cur(struct vbuf *vb)
{
	if (!vb->n)
		vb_line(vb);
	return &vb->lines[vb->n - 1];
}

void vb_key(struct vbuf *vb, enum obj_kind kind, size_t node, const char *id)
{
	struct vline *l = cur(vb);

	l->has_key = true;
	obj_set(&l->key, kind, node, id);
}

static void append(struct vbuf *vb, enum role role, const char *s, size_t n, int cols)
{
	struct vline *l = cur(vb);

	if (!n)
		return;
	if (!l->n_spans || l->spans[l->n_spans - 1].role != role) {
		if (l->n_spans == l->cap_spans) {
			l->cap_spans = l->cap_spans ? l->cap_spans * 2 : 8;
			l->spans = tve_xreallocarray(l->spans, l->cap_spans, sizeof(*l->spans));
		}
		l->spans[l->n_spans].off = l->len;
		l->spans[l->n_spans].role = role;
		l->n_spans++;
	}
	if (l->len + n + 1 > l->cap) {
		l->cap = TUI_MAX(l->cap * 2, l->len + n + 1);
		if (l->cap < 64)
			l->cap = 64;
		l->text = tve_xrealloc(l->text, l->cap);
	}
	memcpy(l->text + l->len, s, n);
	l->len += n;
	l->text[l->len] = '\0';
	l->cols += cols;
}

void vb_put(struct vbuf *vb, enum role role, const char *s)
{
	size_t n = strlen(s);

	append(vb, role, s, n, text_widthn(s, n));
}

void vb_printf(struct vbuf *vb, enum role role, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	vb_put(vb, role, buf);
}

static void spaces(struct vbuf *vb, enum role role, int n)
{
	static const char sp[] = "                                                                ";

	while (n > 0) {
		int k = TUI_MIN(n, (int)sizeof(sp) - 1);

		append(vb, role, sp, (size_t)k, k);
		n -= k;
	}
}

void vb_col(struct vbuf *vb, enum role role, int width, int align, const char *s)
{
	int w = text_width(s), cols;
	size_t n;

	if (width <= 0)
		return;
	if (w <= width) {
		if (align > 0)
			spaces(vb, role, width - w);
		append(vb, role, s, strlen(s), w);
		if (align <= 0)
			spaces(vb, role, width - w);
		return;
	}
	n = text_fit(s, width - 1, &cols);
	append(vb, role, s, n, cols);
	vb_put(vb, role, draw_glyph_more());
	spaces(vb, role, width - 1 - cols);
}

void vb_pad(struct vbuf *vb, int col)
{
	struct vline *l = cur(vb);

	if (l->cols < col)
		spaces(vb, ROLE_NORMAL, col - l->cols);
}

int vb_left(const struct vbuf *vb)
{
	return vb->n ? vb->width - vb->lines[vb->n - 1].cols : vb->width;
}

void vb_bar(struct vbuf *vb, int width, double frac)
{
	char used[256], rest[256], pct[8];
	int inner = width - 7, n;

	if (inner < 4 || frac < 0) {
		vb_put(vb, ROLE_DIM, frac < 0 ? "-" : "");
		if (frac >= 0)
			vb_printf(vb, ROLE_NORMAL, "%3.0f%%", frac * 100);
		return;
	}
	if (inner > (int)sizeof(used) - 1)
		inner = sizeof(used) - 1;
	if (frac > 1)
		frac = 1;
	n = (int)(frac * inner + 0.5);
	if (n == 0 && frac > 0)
		n = 1;
	memset(used, '#', (size_t)n);
	used[n] = '\0';
	memset(rest, '.', (size_t)(inner - n));
	rest[inner - n] = '\0';
	snprintf(pct, sizeof(pct), "%3.0f%%", frac * 100);
	vb_put(vb, ROLE_NORMAL, "[");
	vb_put(vb, ROLE_BAR_USED, used);
	vb_put(vb, ROLE_BAR_FREE, rest);
	vb_put(vb, ROLE_NORMAL, "] ");
	vb_put(vb, ROLE_NORMAL, pct);
}

void vb_field(struct vbuf *vb, const char *label, enum role role, const char *value)
{
	const char *p = value && *value ? value : "-";
	int w = TUI_MAX(vb->width - 11, 10);
	bool first = true;

	/* Long values and notes wrap under the value column. */
	do {
		size_t n = text_wrap(p, w), k = n;

		while (k && (p[k - 1] == '\n' || p[k - 1] == ' '))
			k--;
		vb_line(vb);
		vb_col(vb, ROLE_LABEL, 11, -1, first ? label : "");
		append(vb, role, p, k, text_widthn(p, k));
		first = false;
		p += n;
	} while (*p);
}

static void draw_line(WINDOW *w, int y, int x, int width, const struct vline *l, int override)
{
	struct pen p;

	pen_start(&p, w, y, x, x + width);
	for (size_t i = 0; l && i < l->n_spans; i++) {
		size_t start = l->spans[i].off;
		size_t end = i + 1 < l->n_spans ? l->spans[i + 1].off : l->len;

		pen_textn(&p, override >= 0 ? override : theme_attr(l->spans[i].role),
			  l->text + start, end - start);
	}
	pen_fill(&p, override >= 0 ? override : theme_attr(ROLE_NORMAL), x + width);
}

void vlist_clamp(struct vlist *ls, const struct vbuf *vb)
{
	size_t body = vb_body(vb);

	if (ls->cursor >= body)
		ls->cursor = body ? body - 1 : 0;
}

void vlist_draw(WINDOW *w, int y, int x, int h, int width, const struct vbuf *vb,
		struct vlist *ls, enum vlist_cursor mode)
{
	int head = (int)TUI_MIN(vb->n_head, (size_t)TUI_MAX(h, 0));
	int body_h = h - head;
	size_t body = vb_body(vb);

	vlist_clamp(ls, vb);
	if (mode != VLIST_NONE && body_h > 0) {
		if (ls->cursor < ls->top)
			ls->top = ls->cursor;
		if (ls->cursor >= ls->top + (size_t)body_h)
			ls->top = ls->cursor - (size_t)body_h + 1;
	}
	if (body_h > 0 && ls->top + (size_t)body_h > body)
		ls->top = body > (size_t)body_h ? body - (size_t)body_h : 0;
	for (int r = 0; r < head; r++)
		draw_line(w, y + r, x, width, &vb->lines[r], -1);
	for (int r = 0; r < body_h; r++) {
		size_t i = ls->top + (size_t)r;
		const struct vline *l = i < body ? &vb->lines[vb->n_head + i] : NULL;
		int over = -1;

		if (l && i == ls->cursor && l->has_key && mode != VLIST_NONE)
			over = theme_attr(mode == VLIST_ACTIVE ? ROLE_TREE_SELECTED : ROLE_TREE_INACTIVE);
		draw_line(w, y + head + r, x, width, l, over);
	}
}

bool vlist_move(struct vlist *ls, const struct vbuf *vb, int h, bool cursor, int delta)
{
	size_t body = vb_body(vb);
	long body_h = h - (long)vb->n_head;
	size_t *p = cursor ? &ls->cursor : &ls->top;
	size_t max = cursor ? (body ? body - 1 : 0)
			    : (body > (size_t)TUI_MAX(body_h, 1) ? body - (size_t)TUI_MAX(body_h, 1) : 0);
	size_t old = *p;
	long v;

	if (delta == INT_MIN)
		v = 0;
	else if (delta == INT_MAX)
		v = (long)max;
	else
		v = (long)*p + delta;
	if (v < 0)
		v = 0;
	if (v > (long)max)
		v = (long)max;
	*p = (size_t)v;
	return *p != old;
}

const struct obj_ref *vlist_key(const struct vlist *ls, const struct vbuf *vb)
{
	const struct vline *l;

	if (ls->cursor >= vb_body(vb))
		return NULL;
	l = &vb->lines[vb->n_head + ls->cursor];
	return l->has_key ? &l->key : NULL;
}

bool vlist_find(struct vlist *ls, const struct vbuf *vb, const struct obj_ref *key)
{
	for (size_t i = vb->n_head; i < vb->n; i++) {
		if (vb->lines[i].has_key && obj_eq(&vb->lines[i].key, key)) {
			ls->cursor = i - vb->n_head;
			return true;
		}
	}
	return false;
}
