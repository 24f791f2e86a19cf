/* xmlbuf.h - building XML text (domain, volume, pool and metadata XML). */
#ifndef TVE_XMLBUF_H
#define TVE_XMLBUF_H

#include <stddef.h>

/* Zero-initialise; b.s is the NUL-terminated text (the caller frees it). */
struct tve_xb {
	char *s;
	size_t len, cap;
};

void tve_xb_add(struct tve_xb *b, const char *s, size_t n);
void tve_xb_puts(struct tve_xb *b, const char *s);
/* Text and attribute values: & < > ' " escaped; control characters XML
 * cannot carry are dropped. */
void tve_xb_esc(struct tve_xb *b, const char *s);
/* printf for XML: %s arguments are escaped; %d %u %ld %lu %lld %llu %zu
 * and %% as usual; anything else is a bug (tve_fatal). */
void tve_xb_printf(struct tve_xb *b, const char *fmt, ...);

#endif
