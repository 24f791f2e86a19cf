/* spec_common.c - names of the spec enums, the parsers the wizards use on
 * typed text, and the rules Create VM and Create CT share. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "spec.h"
#include "spec_priv.h"
#include "util.h"

/* ---- names ---------------------------------------------------------------- */

static const char *const ostype_names[TVE_OS__COUNT] = {
	"l26", "l24", "win11", "win10", "win8", "win7", "wvista", "wxp", "w2k",
	"solaris", "other",
};
static const char *const ostype_labels[TVE_OS__COUNT] = {
	"Linux 6.x - 2.6 Kernel",
	"Linux 2.4 Kernel",
	"Microsoft Windows 11/2022/2025",
	"Microsoft Windows 10/2016/2019",
	"Microsoft Windows 8.x/2012/2012r2",
	"Microsoft Windows 7/2008r2",
	"Microsoft Windows Vista/2008",
	"Microsoft Windows XP/2003",
	"Microsoft Windows 2000",
	"Solaris Kernel",
	"Other",
};

/* An out-of-range enum gives "?" rather than a crash. */
#define NAME_OF(table, v) ((unsigned)(v) < TVE_ARRAY_SIZE(table) ? (table)[v] : "?")

const char *tve_ostype_name(enum tve_ostype t)
{
	return NAME_OF(ostype_names, t);
}

const char *tve_ostype_label(enum tve_ostype t)
{
	return NAME_OF(ostype_labels, t);
}

bool tve_ostype_is_windows(enum tve_ostype t)
{
	return t >= TVE_OS_WIN11 && t <= TVE_OS_W2K;
}

const char *tve_graphics_label(enum tve_graphics g)
{
	static const char *const l[TVE_GFX__COUNT] = {
		"Default", "Standard VGA", "VirtIO-GPU", "VMware compatible",
		"SPICE", "Serial terminal 0", "none",
	};
	return NAME_OF(l, g);
}

const char *tve_scsihw_label(enum tve_scsihw h)
{
	static const char *const l[TVE_SCSIHW__COUNT] = {
		"VirtIO SCSI single", "VirtIO SCSI", "LSI 53C895A",
		"MegaRAID SAS 8708EM2", "VMware PVSCSI",
	};
	return NAME_OF(l, h);
}

const char *tve_bus_name(enum tve_bus b)
{
	static const char *const l[TVE_BUS__COUNT] = { "scsi", "virtio", "sata", "ide" };
	return NAME_OF(l, b);
}

int tve_bus_max_index(enum tve_bus b)
{
	static const int m[TVE_BUS__COUNT] = { 30, 15, 5, 3 };
	return (unsigned)b < TVE_BUS__COUNT ? m[b] : -1;
}

const char *tve_vol_format_name(enum tve_vol_format f)
{
	static const char *const l[TVE_FMT__COUNT] = { "raw", "qcow2", "vmdk" };
	return NAME_OF(l, f);
}

bool tve_pool_allows_format(const char *pool_type, enum tve_vol_format f)
{
	static const char *const file_pools[] = { "dir", "fs", "netfs" };

	if ((unsigned)f >= TVE_FMT__COUNT)
		return false;
	if (f == TVE_FMT_RAW)
		return true;
	for (size_t i = 0; pool_type && i < TVE_ARRAY_SIZE(file_pools); i++)
		if (strcmp(pool_type, file_pools[i]) == 0)
			return true;
	return false;
}

const char *tve_cache_name(enum tve_cache c)
{
	static const char *const l[TVE_CACHE__COUNT] = {
		"default", "directsync", "writethrough", "writeback", "unsafe", "none",
	};
	return NAME_OF(l, c);
}

const char *tve_aio_name(enum tve_aio a)
{
	static const char *const l[TVE_AIO__COUNT] = { "default", "io_uring", "native", "threads" };
	return NAME_OF(l, a);
}

const char *tve_nic_model_name(enum tve_nic_model m)
{
	static const char *const l[TVE_NIC__COUNT] = { "virtio", "e1000", "rtl8139", "vmxnet3" };
	return NAME_OF(l, m);
}

const char *tve_nic_model_label(enum tve_nic_model m)
{
	static const char *const l[TVE_NIC__COUNT] = {
		"VirtIO (paravirtualized)", "Intel E1000", "Realtek RTL8139", "VMware vmxnet3",
	};
	return NAME_OF(l, m);
}

/* ---- parsers -------------------------------------------------------------- */

/* The text without leading and trailing blanks, as [*b, *e). */
static void trim(const char *text, const char **b, const char **e)
{
	const char *s = text ? text : "";
	const char *t = s + strlen(s);

	while (*s && isspace((unsigned char)*s))
		s++;
	while (t > s && isspace((unsigned char)t[-1]))
		t--;
	*b = s;
	*e = t;
}

/* A plain decimal "123" or "1.5" at s (no sign, exponent, hex, inf):
 * integer part, fraction (0 <= frac < 1).  Returns the end, or NULL when
 * there is no digit.  *ovf is set when the integer part does not fit. */
static const char *scan_decimal(const char *s, unsigned long long *ip, long double *frac, bool *ovf)
{
	const char *p = s;
	long double scale = 0.1L;

	*ip = 0;
	*frac = 0;
	*ovf = false;
	for (; isdigit((unsigned char)*p); p++) {
		unsigned d = (unsigned)(*p - '0');
		if (*ip > (ULLONG_MAX - d) / 10)
			*ovf = true;
		else
			*ip = *ip * 10 + d;
	}
	if (*p == '.') {
		const char *q = ++p;
		for (; isdigit((unsigned char)*p); p++, scale /= 10)
			*frac += (long double)(*p - '0') * scale;
		if (p == q && q - 1 == s)
			return NULL;	/* "." alone */
	}
	return p == s ? NULL : p;
}

static unsigned long long unit_factor(const char *u, size_t n, unsigned long long def, bool *ok)
{
	static const char prefixes[] = "KMGTPE";
	const char *pos;

	*ok = true;
	if (n == 0)
		return def;
	if (n == 1 && (*u == 'B' || *u == 'b'))
		return 1;
	if (!(pos = strchr(prefixes, toupper((unsigned char)*u))))
		goto bad;
	/* K, KB, KiB (any case) */
	if (n == 1 || (n == 2 && (u[1] == 'B' || u[1] == 'b')) ||
	    (n == 3 && strncasecmp(u + 1, "iB", 2) == 0))
		return 1ULL << (10 * (pos - prefixes + 1));
bad:
	*ok = false;
	return 0;
}

int tve_parse_size(const char *text, unsigned long long default_unit,
		   unsigned long long *bytes, char **err)
{
	const char *b, *e, *p, *u;
	unsigned long long ip, mul;
	long double frac, fb;
	bool ovf, ok;

	trim(text, &b, &e);
	if (b == e)
		return tve_set_err(err, "a size is required");
	if (*b == '-')
		return tve_set_err(err, "a size cannot be negative");
	if (!(p = scan_decimal(b, &ip, &frac, &ovf)) || p > e)
		return tve_set_err(err, "'%.*s' is not a number", (int)(e - b), b);
	for (u = p; u < e && (*u == ' ' || *u == '\t'); u++)
		;
	mul = unit_factor(u, (size_t)(e - u), default_unit ? default_unit : 1, &ok);
	if (!ok)
		return tve_set_err(err, "unknown unit '%.*s' (use K, M, G or T)", (int)(e - u), u);
	fb = frac * (long double)mul + 0.5L;
	if (ovf || (ip && mul > ULLONG_MAX / ip) ||
	    ip * mul > ULLONG_MAX - (unsigned long long)fb)
		return tve_set_err(err, "'%.*s' is too large", (int)(e - b), b);
	*bytes = ip * mul + (unsigned long long)fb;
	return 0;
}

int tve_parse_int(const char *text, long long min, long long max, long long *out, char **err)
{
	const char *b, *e, *p;
	char *end;
	long long v;

	trim(text, &b, &e);
	if (b == e)
		return tve_set_err(err, "a number is required");
	p = b + (*b == '-' || *b == '+');
	if (p == e || !isdigit((unsigned char)*p))
		return tve_set_err(err, "'%.*s' is not a whole number", (int)(e - b), b);
	errno = 0;
	v = strtoll(b, &end, 10);
	if (end != e)
		return tve_set_err(err, "'%.*s' is not a whole number", (int)(e - b), b);
	if (errno == ERANGE || v < min || v > max) {
		if (max == LLONG_MAX)
			return tve_set_err(err, "must be at least %lld", min);
		return tve_set_err(err, "must be between %lld and %lld", min, max);
	}
	*out = v;
	return 0;
}

int tve_parse_double(const char *text, double min, double max, double *out, char **err)
{
	const char *b, *e, *p;
	unsigned long long ip;
	long double frac;
	bool ovf, neg;
	double v;

	trim(text, &b, &e);
	if (b == e)
		return tve_set_err(err, "a number is required");
	neg = *b == '-';
	p = b + (*b == '-' || *b == '+');
	/* Parsed by hand: strtod would follow LC_NUMERIC and take "inf", "0x1p3". */
	if (!(p = scan_decimal(p, &ip, &frac, &ovf)) || p != e)
		return tve_set_err(err, "'%.*s' is not a number", (int)(e - b), b);
	v = ovf ? HUGE_VAL : (double)((long double)ip + frac);
	if (neg)
		v = -v;
	if (!(v >= min && v <= max))
		return tve_set_err(err, "must be between %g and %g", min, max);
	*out = v;
	return 0;
}

/* ---- shared rules --------------------------------------------------------- */

/* ASCII only, whatever the locale. */
static bool ascii_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool label_char(char c)
{
	return ascii_alnum(c) || c == '-';
}

char *tve_check_dns_name(const char *name)
{
	size_t len = name ? strlen(name) : 0;
	const char *l = name;

	if (len == 0)
		return tve_xstrdup("a name is required");
	if (len > 253)
		return tve_xstrdup("a name can be at most 253 characters long");
	for (const char *p = name; *p; p++)
		if (!label_char(*p) && *p != '.')
			return isprint((unsigned char)*p) && *p != ' '
				? tve_xasprintf("'%s' contains '%c': a DNS name has only letters, digits, '-' and '.'", name, *p)
				: tve_xasprintf("'%s' contains a space or another character a DNS name cannot have", name);
	/* label by label */
	for (;;) {
		size_t n = strcspn(l, ".");
		if (n == 0)
			return tve_xasprintf("'%s' has an empty part between dots", name);
		if (n > 63)
			return tve_xasprintf("'%s' has a part longer than 63 characters", name);
		if (l[0] == '-' || l[n - 1] == '-')
			return tve_xasprintf("'%s': a name cannot start or end with '-'", name);
		if (!l[n])
			return NULL;
		l += n + 1;
	}
}

static bool listed(const struct tve_create_ctx *ctx, const struct tve_snapshot *n)
{
	for (size_t i = 0; i < ctx->n_nodes; i++)
		if (ctx->nodes[i] == n)
			return true;
	return false;
}

char *tve_check_vmid_free(int vmid, const struct tve_create_ctx *ctx)
{
	if (vmid < 100 || vmid > 999999999)
		return tve_xstrdup("ID must be between 100 and 999999999");
	for (size_t i = 0; ctx && i <= ctx->n_nodes; i++) {
		/* every node, and the target node should it not be listed */
		const struct tve_snapshot *n = i < ctx->n_nodes ? ctx->nodes[i] : ctx->node;
		const struct tve_guest *g;

		if (!n || (i == ctx->n_nodes && listed(ctx, n)))
			continue;
		if ((g = tve_snapshot_find_vmid(n, vmid)))
			return tve_xasprintf("ID %d is used by %s on %s", vmid,
					     g->name ? g->name : "a guest", n->node ? n->node : "?");
	}
	return NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *tve_check_mac(const char *mac)
{
	unsigned char o[6];
	char sep;
	bool zero = true;

	if (!mac || strlen(mac) != 17)
		goto syntax;
	sep = mac[2];
	if (sep != ':' && sep != '-')
		goto syntax;
	for (int i = 0; i < 6; i++) {
		int h = hexval(mac[i * 3]), l = hexval(mac[i * 3 + 1]);
		if (h < 0 || l < 0 || (i < 5 && mac[i * 3 + 2] != sep))
			goto syntax;
		o[i] = (unsigned char)(h << 4 | l);
		zero = zero && o[i] == 0;
	}
	if (o[0] & 1)
		return tve_xasprintf("%s is a multicast address: the first octet must be even", mac);
	if (zero)
		return tve_xstrdup("00:00:00:00:00:00 is not a usable MAC address");
	return NULL;
syntax:
	return tve_xasprintf("'%s' is not a MAC address like 52:54:00:12:34:56", mac ? mac : "");
}

char *tve_check_tags(const char *tags)
{
	const char *p = tags ? tags : "";

	while (*p) {
		size_t n = strcspn(p, ";, ");
		for (size_t i = 0; i < n; i++) {
			char c = p[i];
			if (ascii_alnum(c) || c == '_' || (i > 0 && (c == '+' || c == '.' || c == '-')))
				continue;
			if (i == 0)
				return tve_xasprintf("tag '%.*s' must start with a letter, a digit or '_'", (int)n, p);
			return tve_xasprintf("tag '%.*s' has '%c': tags have only letters, digits and _ + . -",
					     (int)n, p, isprint((unsigned char)p[i]) ? p[i] : '?');
		}
		p += n;
		p += strspn(p, ";, ");
	}
	return NULL;
}

static char *check_cidr(const char *cidr, int af, int maxlen, const char *example)
{
	const char *slash = cidr ? strrchr(cidr, '/') : NULL;
	unsigned char buf[16];
	char addr[INET6_ADDRSTRLEN + 1];
	size_t alen;

	if (!slash || (alen = (size_t)(slash - cidr)) == 0 || alen >= sizeof(addr))
		return tve_xasprintf("'%s' is not an address/prefix like %s", cidr ? cidr : "", example);
	memcpy(addr, cidr, alen);
	addr[alen] = 0;
	if (inet_pton(af, addr, buf) != 1)
		return tve_xasprintf("'%s' is not an IPv%d address", addr, af == AF_INET ? 4 : 6);
	if (!slash[1] || strspn(slash + 1, "0123456789") != strlen(slash + 1) ||
	    strlen(slash + 1) > 3 || atoi(slash + 1) > maxlen)
		return tve_xasprintf("the prefix length in '%s' must be 0-%d", cidr, maxlen);
	return NULL;
}

char *tve_check_cidr4(const char *cidr)
{
	return check_cidr(cidr, AF_INET, 32, "10.0.0.5/24");
}

char *tve_check_cidr6(const char *cidr)
{
	return check_cidr(cidr, AF_INET6, 128, "fd00::5/64");
}

char *tve_check_ip4(const char *ip)
{
	struct in_addr a;

	if (!ip || inet_pton(AF_INET, ip, &a) != 1)
		return tve_xasprintf("'%s' is not an IPv4 address like 10.0.0.1", ip ? ip : "");
	return NULL;
}

char *tve_check_ip6(const char *ip)
{
	struct in6_addr a;

	if (!ip || inet_pton(AF_INET6, ip, &a) != 1)
		return tve_xasprintf("'%s' is not an IPv6 address like fd00::1", ip ? ip : "");
	return NULL;
}

/* ---- confirm pages ---- */

void spec_lines_add(struct spec_lines *l, const char *key, const char *fmt, ...)
{
	va_list ap;
	char *val;

	va_start(ap, fmt);
	val = tve_xvasprintf(fmt, ap);
	va_end(ap);
	l->v = tve_xreallocarray(l->v, l->n + 2, sizeof(*l->v));
	l->v[l->n++] = tve_xasprintf("%s: %s", key, val);
	l->v[l->n] = NULL;
	free(val);
}

/* By key, then the shorter key first ("net0" before "net0x"). */
static int key_cmp(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	size_t nx = strcspn(x, ":"), ny = strcspn(y, ":");
	int c = strncmp(x, y, nx < ny ? nx : ny);

	return c ? c : (nx > ny) - (nx < ny);
}

char **spec_lines_sorted(struct spec_lines *l)
{
	if (!l->v)
		l->v = tve_xcalloc(1, sizeof(*l->v));
	qsort(l->v, l->n, sizeof(*l->v), key_cmp);
	return l->v;
}
