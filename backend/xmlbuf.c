/* xmlbuf.c - building XML text: a growing buffer, escaping, and a printf
 * whose %s arguments are escaped. */
#include "xmlbuf.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

void tve_xb_puts(struct tve_xb *b, const char *s)
{
	tve_xb_add(b, s, strlen(s));
}

void tve_xb_add(struct tve_xb *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = tve_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

/* Text and attribute values (quoted with ' here); control characters XML
 * cannot carry are dropped. */
void tve_xb_esc(struct tve_xb *b, const char *s)
{
	for (; s && *s; s++) {
		const char *r = NULL;
		switch (*s) {
		case '&': r = "&amp;"; break;
		case '<': r = "&lt;"; break;
		case '>': r = "&gt;"; break;
		case '\'': r = "&apos;"; break;
		case '"': r = "&quot;"; break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				continue;
		}
		if (r)
			tve_xb_add(b, r, strlen(r));
		else
			tve_xb_add(b, s, 1);
	}
}

/* printf for XML: %s arguments are escaped; %d %u %ld %lu %lld %llu %zu
 * and %% as usual. */
void tve_xb_printf(struct tve_xb *b, const char *fmt, ...)
{
	va_list ap;
	char num[32];

	va_start(ap, fmt);
	while (*fmt) {
		const char *pct = strchr(fmt, '%');
		int longs = 0;
		bool z = false;

		if (!pct) {
			tve_xb_add(b, fmt, strlen(fmt));
			break;
		}
		tve_xb_add(b, fmt, (size_t)(pct - fmt));
		fmt = pct + 1;
		for (; *fmt == 'l' || *fmt == 'z'; fmt++)
			*fmt == 'l' ? longs++ : (z = true);
		switch (*fmt) {
		case 's': tve_xb_esc(b, va_arg(ap, const char *)); num[0] = 0; break;
		case '%': strcpy(num, "%"); break;
		case 'd':
			if (longs >= 2) snprintf(num, sizeof(num), "%lld", va_arg(ap, long long));
			else if (longs) snprintf(num, sizeof(num), "%ld", va_arg(ap, long));
			else snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			break;
		case 'u':
			if (z) snprintf(num, sizeof(num), "%zu", va_arg(ap, size_t));
			else if (longs >= 2) snprintf(num, sizeof(num), "%llu", va_arg(ap, unsigned long long));
			else if (longs) snprintf(num, sizeof(num), "%lu", va_arg(ap, unsigned long));
			else snprintf(num, sizeof(num), "%u", va_arg(ap, unsigned));
			break;
		default:
			tve_fatal("tve_xb_printf: unsupported conversion in '%s'", pct);
		}
		tve_xb_add(b, num, strlen(num));
		fmt++;
	}
	va_end(ap);
}
