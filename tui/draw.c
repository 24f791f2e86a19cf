/* draw.c - text and line drawing that works in UTF-8, ACS and plain ASCII. */
#include "draw.h"

#include <langinfo.h>
#include <string.h>
#include <wchar.h>

static enum tve_line_graphics lines = TVE_LINES_ASCII;
static bool utf8;
static cchar_t cc_h, cc_v, cc_ul, cc_ur, cc_ll, cc_lr;

static void set_cc(cchar_t *c, const wchar_t *s)
{
	setcchar(c, s, A_NORMAL, 0, NULL);
}

static bool term_has_acs(void)
{
	char *acsc = tigetstr("acsc");

	return acsc && acsc != (char *)-1 && *acsc;
}

void draw_init(enum tve_line_graphics want)
{
	/* UTF-8 needs the locale's codeset and the wide-character curses
	 * (ncursesw); with a narrow one lines fall back to ACS. */
	utf8 = NCURSES_WIDECHAR && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	/* UTF-8 bytes on a terminal set up for another codeset print garbage. */
	if (want == TVE_LINES_UTF8 && !utf8)
		want = TVE_LINES_AUTO;
	if (want == TVE_LINES_AUTO)
		want = utf8 ? TVE_LINES_UTF8 : term_has_acs() ? TVE_LINES_ACS : TVE_LINES_ASCII;
	if (want == TVE_LINES_ACS && !term_has_acs())
		want = TVE_LINES_ASCII;
	lines = want;
	if (lines == TVE_LINES_UTF8) {
		set_cc(&cc_h, L"\u2500");
		set_cc(&cc_v, L"\u2502");
		set_cc(&cc_ul, L"\u250c");
		set_cc(&cc_ur, L"\u2510");
		set_cc(&cc_ll, L"\u2514");
		set_cc(&cc_lr, L"\u2518");
	}
}

/* Glyphs such as the tree arrows may be UTF-8 too. */
static bool draw_utf8(void)
{
	return utf8 && lines == TVE_LINES_UTF8;
}

const char *draw_glyph_open(void)
{
	return draw_utf8() ? "\u25be" : "-";
}

const char *draw_glyph_closed(void)
{
	return draw_utf8() ? "\u25b8" : "+";
}

const char *draw_glyph_more(void)
{
	return draw_utf8() ? "\u2026" : "~";
}

/* Decodes one character of s (n > 0 bytes left): sets *wc and returns its
 * byte length; *cw receives its width, with unprintable ones as '?'. */
static size_t next_char(const char *s, size_t n, mbstate_t *st, wchar_t *wc, int *cw)
{
	unsigned char c = (unsigned char)*s;
	size_t k;

	if (c < 0x80) {
		*wc = c == '\t' ? L' ' : (wchar_t)c;
		*cw = (c >= 0x20 && c < 0x7f) || c == '\t' ? 1 : -1;
		k = 1;
	} else {
		k = mbrtowc(wc, s, n, st);
		if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
			/* Names from libvirt are UTF-8: in another locale one
			 * character is one '?', not one per byte. */
			size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

			memset(st, 0, sizeof(*st));
			k = 1;
			while (k < len && k < n && ((unsigned char)s[k] & 0xc0) == 0x80)
				k++;
			if (k != len)
				k = 1;
			*cw = -1;
		} else {
			*cw = wcwidth(*wc);
		}
	}
	if (*cw < 0) {
		*wc = L'?';
		*cw = 1;
	}
	return k;
}

static int draw_textn(WINDOW *w, int maxw, const char *s, size_t n)
{
	wchar_t buf[128];
	int nb = 0, col = 0;
	mbstate_t st;

	memset(&st, 0, sizeof(st));
	while (n > 0 && *s && col < maxw) {
		wchar_t wc;
		int cw;
		size_t k = next_char(s, n, &st, &wc, &cw);

		if (col + cw > maxw)
			break;
		if (nb == (int)TVE_ARRAY_SIZE(buf)) {
			waddnwstr(w, buf, nb);
			nb = 0;
		}
		buf[nb++] = wc;
		col += cw;
		s += k;
		n -= k;
	}
	if (nb)
		waddnwstr(w, buf, nb);
	return col;
}

void pen_start(struct pen *p, WINDOW *w, int y, int x, int end)
{
	p->w = w;
	p->y = y;
	p->x = x;
	p->end = end;
}

int pen_textn(struct pen *p, int attr, const char *s, size_t n)
{
	int cols;

	if (p->x >= p->end || wmove(p->w, p->y, p->x) == ERR)
		return 0;
	wattrset(p->w, attr);
	cols = draw_textn(p->w, p->end - p->x, s, n);
	p->x += cols;
	return cols;
}

int pen_text(struct pen *p, int attr, const char *s)
{
	return pen_textn(p, attr, s, strlen(s));
}

void pen_fill(struct pen *p, int attr, int upto)
{
	static const wchar_t sp[] = L"                                ";

	if (upto > p->end)
		upto = p->end;
	if (p->x >= upto || wmove(p->w, p->y, p->x) == ERR)
		return;
	wattrset(p->w, attr);
	/* Not whline(): where a narrow character was just written over the
	 * left half of a wide one, the right half is still marked as such,
	 * and whline() starting on it blanks the cell to its left - the
	 * character just written (a "vCPUs 8" row lost its 8 where a CJK
	 * name had been). */
	for (int n = upto - p->x; n > 0;) {
		int k = TUI_MIN(n, (int)TVE_ARRAY_SIZE(sp) - 1);

		waddnwstr(p->w, sp, k);
		n -= k;
	}
	p->x = upto;
}

int text_widthn(const char *s, size_t n)
{
	mbstate_t st;
	int col = 0;

	memset(&st, 0, sizeof(st));
	while (n > 0 && *s) {
		wchar_t wc;
		int cw;
		size_t k = next_char(s, n, &st, &wc, &cw);

		col += cw;
		s += k;
		n -= k;
	}
	return col;
}

int text_width(const char *s)
{
	return text_widthn(s, strlen(s));
}

size_t text_fit(const char *s, int maxw, int *cols)
{
	size_t n = strlen(s), used = 0;
	mbstate_t st;
	int col = 0;

	memset(&st, 0, sizeof(st));
	while (used < n) {
		wchar_t wc;
		int cw;
		size_t k = next_char(s + used, n - used, &st, &wc, &cw);

		if (col + cw > maxw)
			break;
		col += cw;
		used += k;
	}
	if (cols)
		*cols = col;
	return used;
}

size_t text_wrap(const char *s, int width)
{
	size_t n = strlen(s), used = 0, brk = 0;
	mbstate_t st;
	int col = 0;

	memset(&st, 0, sizeof(st));
	while (used < n) {
		wchar_t wc;
		int cw;
		size_t k;

		if (s[used] == '\n')
			return used + 1;
		k = next_char(s + used, n - used, &st, &wc, &cw);
		if (col + cw > width && used > 0)
			return brk ? brk : used;
		col += cw;
		used += k;
		if (wc == L' ')
			brk = used;
	}
	return used;
}

void draw_hline(WINDOW *w, int y, int x, int n)
{
	if (n <= 0)
		return;
	if (lines == TVE_LINES_UTF8)
		mvwhline_set(w, y, x, &cc_h, n);
	else
		mvwhline(w, y, x, lines == TVE_LINES_ACS ? ACS_HLINE : '-', n);
}

void draw_vline(WINDOW *w, int y, int x, int n)
{
	if (n <= 0)
		return;
	if (lines == TVE_LINES_UTF8)
		mvwvline_set(w, y, x, &cc_v, n);
	else
		mvwvline(w, y, x, lines == TVE_LINES_ACS ? ACS_VLINE : '|', n);
}

void draw_box(WINDOW *w)
{
	if (lines == TVE_LINES_UTF8)
		wborder_set(w, &cc_v, &cc_v, &cc_h, &cc_h, &cc_ul, &cc_ur, &cc_ll, &cc_lr);
	else if (lines == TVE_LINES_ACS)
		wborder(w, 0, 0, 0, 0, 0, 0, 0, 0);
	else
		wborder(w, '|', '|', '-', '-', '+', '+', '+', '+');
}
