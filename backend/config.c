/* config.c - tve.conf through libinih.
 *
 * libinih does the parsing; we feed it lines through our own reader so we
 * know the line number of every key (the handler is not told) and see
 * section headers even when a section holds no keys, e.g. a [node NAME]
 * left without its uri.  The reader also strips leading blanks, so keys
 * may be indented and libinih never takes a line for a continuation. */
#include "config.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ssh.h"
#include "util.h"

#define CFG_MAX_TASK_HISTORY 100000

void tve_config_init(struct tve_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->refresh_s = 2.0;
	cfg->pool_refresh_s = 10.0;
	cfg->io_refresh_s = 4.0;
	cfg->shutdown_timeout_s = 180;
	cfg->shutdown_force = false;
	cfg->theme = tve_xstrdup("default");
	cfg->line_graphics = TVE_LINES_AUTO;
	cfg->task_history = 200;
	cfg->state_dir = NULL;
}

static void node_cfg_clear(struct tve_node_cfg *n)
{
	free(n->name);
	free(n->uri);
	free(n->ssh);
	free(n->keyfile);
	memset(n, 0, sizeof(*n));
}

void tve_config_clear(struct tve_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_nodes; i++)
		node_cfg_clear(&cfg->nodes[i]);
	free(cfg->nodes);
	for (size_t i = 0; i < cfg->n_keys; i++) {
		free(cfg->keys[i].action);
		free(cfg->keys[i].keys);
		free(cfg->keys[i].file);
	}
	free(cfg->keys);
	free(cfg->theme);
	free(cfg->state_dir);
	free(cfg->known_hosts);
	memset(cfg, 0, sizeof(*cfg));
}

static void config_copy(struct tve_config *dst, const struct tve_config *src)
{
	*dst = *src;
	dst->theme = tve_xstrdup(src->theme);
	dst->state_dir = tve_xstrdup(src->state_dir);
	dst->known_hosts = tve_xstrdup(src->known_hosts);
	dst->nodes = src->n_nodes ? tve_xcalloc(src->n_nodes, sizeof(*dst->nodes)) : NULL;
	for (size_t i = 0; i < src->n_nodes; i++) {
		dst->nodes[i].name = tve_xstrdup(src->nodes[i].name);
		dst->nodes[i].uri = tve_xstrdup(src->nodes[i].uri);
		dst->nodes[i].ssh = tve_xstrdup(src->nodes[i].ssh);
		dst->nodes[i].keyfile = tve_xstrdup(src->nodes[i].keyfile);
		dst->nodes[i].uri_derived = src->nodes[i].uri_derived;
	}
	dst->keys = src->n_keys ? tve_xcalloc(src->n_keys, sizeof(*dst->keys)) : NULL;
	for (size_t i = 0; i < src->n_keys; i++) {
		dst->keys[i].action = tve_xstrdup(src->keys[i].action);
		dst->keys[i].keys = tve_xstrdup(src->keys[i].keys);
		dst->keys[i].file = tve_xstrdup(src->keys[i].file);
		dst->keys[i].line = src->keys[i].line;
	}
}

char *tve_config_default_path(void)
{
	char *dir = tve_config_dir();
	char *path = tve_xasprintf("%s/tve.conf", dir);

	free(dir);
	return path;
}

/* ---- node names ---- */

static struct tve_node_cfg *find_node(const struct tve_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_nodes; i++)
		if (strcmp(cfg->nodes[i].name, name) == 0)
			return &cfg->nodes[i];
	return NULL;
}

static char *dup_range(const char *s, size_t len)
{
	char *r = tve_xmalloc(len + 1);

	memcpy(r, s, len);
	r[len] = '\0';
	return r;
}

/* "localhost" for local URIs, the host of remote ones, the fixture's base
 * name for test:///path/name.xml, "test" for test:///default. */
static char *derive_name(const char *uri)
{
	const char *sep = strstr(uri, "://"), *auth, *host, *end, *at;
	size_t auth_len, scheme_len;

	if (!sep)
		return tve_xstrdup("localhost");
	auth = sep + 3;
	auth_len = strcspn(auth, "/?#");
	at = memrchr(auth, '@', auth_len);
	host = at ? at + 1 : auth;
	end = auth + auth_len;
	if (*host == '[') {	/* [IPv6] */
		const char *close = memchr(host, ']', (size_t)(end - host));

		if (close && close > host + 1)
			return dup_range(host + 1, (size_t)(close - host - 1));
	} else {
		const char *colon = memchr(host, ':', (size_t)(end - host));

		if (colon)
			end = colon;
		if (end > host)
			return dup_range(host, (size_t)(end - host));
	}
	scheme_len = strcspn(uri, "+:");
	if (scheme_len == 4 && strncmp(uri, "test", 4) == 0) {
		const char *path = auth + auth_len;
		size_t len = strcspn(path, "?#");
		const char *base = path;

		for (const char *p = path; p < path + len; p++)
			if (*p == '/')
				base = p + 1;
		len -= (size_t)(base - path);
		if (len > 4 && strncmp(base + len - 4, ".xml", 4) == 0)
			len -= 4;
		if (len == 0 || (len == 7 && strncmp(base, "default", 7) == 0))
			return tve_xstrdup("test");
		return dup_range(base, len);
	}
	return tve_xstrdup("localhost");
}

struct tve_node_cfg *tve_config_add_node(struct tve_config *cfg, const char *name, const char *uri)
{
	char *base = name ? tve_xstrdup(name) : derive_name(uri ? uri : "");
	char *unique = tve_xstrdup(base);
	struct tve_node_cfg *n;

	for (unsigned i = 2; find_node(cfg, unique); i++) {
		free(unique);
		unique = tve_xasprintf("%s-%u", base, i);
	}
	free(base);
	cfg->nodes = tve_xreallocarray(cfg->nodes, cfg->n_nodes + 1, sizeof(*cfg->nodes));
	n = &cfg->nodes[cfg->n_nodes++];
	memset(n, 0, sizeof(*n));
	n->name = unique;
	n->uri = tve_xstrdup(uri);
	return n;
}

/* ---- parsing ---- */

enum section {
	SEC_NONE,	/* before any [section] */
	SEC_GENERAL,
	SEC_NODE,
	SEC_KEYS,
	SEC_BAD,	/* unknown section, already reported */
};

struct parse {
	FILE *f;
	const char *path;
	size_t keys_from;	/* cfg->keys of this file start here */
	struct tve_config *cfg;
	int line;		/* line just read, 1-based */
	int err_line;		/* 0 = no error yet */
	char *err;
	enum section sec;
	/* The [node NAME] being read; added to cfg when the section ends. */
	bool pending;
	bool uri_seen;		/* even an empty one, reported on its own line */
	int node_line;
	struct tve_node_cfg node;
};

/* Keeps the error of the earliest line. */
static void __attribute__((format(printf, 3, 4)))
parse_error(struct parse *ps, int line, const char *fmt, ...)
{
	va_list ap;

	if (ps->err_line && ps->err_line <= line)
		return;
	free(ps->err);
	va_start(ap, fmt);
	ps->err = tve_xvasprintf(fmt, ap);
	va_end(ap);
	ps->err_line = line;
}

static void section_end(struct parse *ps)
{
	struct tve_node_cfg *n;

	if (!ps->pending)
		return;
	ps->pending = false;
	if (!ps->node.uri && !ps->node.ssh) {
		if (!ps->uri_seen)
			parse_error(ps, ps->node_line, "node \"%s\" has neither uri nor ssh",
				    ps->node.name);
	} else {
		n = tve_config_add_node(ps->cfg, ps->node.name, ps->node.uri);
		n->ssh = ps->node.ssh;
		n->keyfile = ps->node.keyfile;
		ps->node.ssh = ps->node.keyfile = NULL;
	}
	node_cfg_clear(&ps->node);
}

static bool node_name_ok(const char *name)
{
	if (!*name)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* text: the line, starting with '['; libinih parses it too, so it is
 * left untouched. */
static void section_begin(struct parse *ps, const char *text)
{
	const char *close = strchr(text, ']');
	char *buf, *name, *end;

	section_end(ps);
	ps->sec = SEC_BAD;
	if (!close) {
		parse_error(ps, ps->line, "missing \"]\" in section header");
		return;
	}
	buf = dup_range(text + 1, (size_t)(close - text - 1));
	name = buf;
	name += strspn(name, " \t");
	for (end = name + strlen(name); end > name && (end[-1] == ' ' || end[-1] == '\t'); end--)
		end[-1] = '\0';
	if (strcmp(name, "general") == 0) {
		ps->sec = SEC_GENERAL;
		goto cleanup;
	}
	if (strcmp(name, "keys") == 0) {
		ps->sec = SEC_KEYS;
		goto cleanup;
	}
	if (strncmp(name, "node", 4) != 0 || (name[4] && name[4] != ' ' && name[4] != '\t')) {
		parse_error(ps, ps->line, "unknown section [%s]", name);
		goto cleanup;
	}
	name += 4;
	name += strspn(name, " \t");
	if (!*name) {
		parse_error(ps, ps->line, "node section without a name (use [node NAME])");
		goto cleanup;
	}
	if (!node_name_ok(name)) {
		parse_error(ps, ps->line, "bad node name \"%s\"", name);
		goto cleanup;
	}
	if (find_node(ps->cfg, name)) {
		parse_error(ps, ps->line, "duplicate node \"%s\"", name);
		goto cleanup;
	}
	ps->sec = SEC_NODE;
	ps->pending = true;
	ps->uri_seen = false;
	ps->node_line = ps->line;
	ps->node.name = tve_xstrdup(name);
cleanup:
	free(buf);
}

/* fgets for libinih: one call per line, section headers noticed here. */
static char *reader(char *str, int num, void *stream)
{
	struct parse *ps = stream;
	size_t len, skip;

	if (!fgets(str, num, ps->f))
		return NULL;
	ps->line++;
	len = strlen(str);
	if (len && str[len - 1] != '\n' && !feof(ps->f)) {
		int c;

		/* Keep one call per line so libinih's line numbers stay ours. */
		parse_error(ps, ps->line, "line too long (more than %d characters)", num - 2);
		while ((c = getc(ps->f)) != EOF && c != '\n')
			;
	}
	skip = 0;
	if (ps->line == 1 && len >= 3 && (unsigned char)str[0] == 0xEF &&
	    (unsigned char)str[1] == 0xBB && (unsigned char)str[2] == 0xBF)
		skip = 3;
	while (skip < len && (str[skip] == ' ' || str[skip] == '\t'))
		skip++;
	if (skip)
		memmove(str, str + skip, len - skip + 1);
	if (str[0] == '[')
		section_begin(ps, str);
	return str;
}

/* Decimal seconds without locale surprises: digits, optionally ".digits". */
static bool parse_seconds(const char *v, double *out)
{
	double r = 0.0, scale = 1.0;
	bool digits = false;

	for (; *v >= '0' && *v <= '9'; v++, digits = true)
		r = r * 10.0 + (*v - '0');
	if (*v == '.')
		for (v++; *v >= '0' && *v <= '9'; v++, digits = true)
			r += (*v - '0') * (scale /= 10.0);
	if (*v || !digits)
		return false;
	*out = r;
	return true;
}

static bool parse_uint(const char *v, unsigned long long max, unsigned long long *out)
{
	unsigned long long r = 0;

	if (!*v)
		return false;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return false;
		r = r * 10 + (unsigned)(*v - '0');
		if (r > max)
			return false;
	}
	*out = r;
	return true;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };

	for (size_t i = 0; i < TVE_ARRAY_SIZE(yes); i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return *out = true, true;
		if (strcasecmp(v, no[i]) == 0)
			return *out = false, true;
	}
	return false;
}

int tve_config_line_graphics(const char *v, enum tve_line_graphics *out)
{
	static const struct {
		const char *name;
		enum tve_line_graphics lg;
	} names[] = {
		{ "auto", TVE_LINES_AUTO }, { "utf-8", TVE_LINES_UTF8 }, { "utf8", TVE_LINES_UTF8 },
		{ "acs", TVE_LINES_ACS },   { "ascii", TVE_LINES_ASCII },
	};

	for (size_t i = 0; i < TVE_ARRAY_SIZE(names); i++) {
		if (strcmp(v, names[i].name) == 0) {
			*out = names[i].lg;
			return 0;
		}
	}
	return -1;
}

static int general_key(struct parse *ps, const char *key, const char *v)
{
	struct tve_config *cfg = ps->cfg;
	double *secs = NULL;
	bool *flag = NULL;
	unsigned long long u;

	if (strcmp(key, "shutdown-force") == 0)
		flag = &cfg->shutdown_force;
	else if (strcmp(key, "low-bandwidth") == 0)
		flag = &cfg->low_bandwidth;
	else if (strcmp(key, "mouse") == 0)
		flag = &cfg->mouse;
	if (strcmp(key, "refresh") == 0)
		secs = &cfg->refresh_s;
	else if (strcmp(key, "pool-refresh") == 0)
		secs = &cfg->pool_refresh_s;
	else if (strcmp(key, "io-refresh") == 0)
		secs = &cfg->io_refresh_s;
	if (secs) {
		double d;

		if (!parse_seconds(v, &d) || d < 0.5 || d > 3600.0) {
			parse_error(ps, ps->line, "%s: \"%s\" is not a number of seconds from 0.5 to 3600",
				    key, v);
			return 0;
		}
		*secs = d;
	} else if (strcmp(key, "shutdown-timeout") == 0) {
		if (!parse_uint(v, INT_MAX, &u) || u < 1) {
			parse_error(ps, ps->line, "%s: \"%s\" is not a whole number of seconds >= 1",
				    key, v);
			return 0;
		}
		cfg->shutdown_timeout_s = (int)u;
	} else if (flag) {
		if (!parse_bool(v, flag)) {
			parse_error(ps, ps->line, "%s: \"%s\" is not yes/no/true/false/on/off/1/0",
				    key, v);
			return 0;
		}
	} else if (strcmp(key, "theme") == 0) {
		if (!*v) {
			parse_error(ps, ps->line, "theme: empty value");
			return 0;
		}
		free(cfg->theme);
		cfg->theme = tve_xstrdup(v);
	} else if (strcmp(key, "line-graphics") == 0) {
		if (tve_config_line_graphics(v, &cfg->line_graphics) < 0) {
			parse_error(ps, ps->line, "%s: \"%s\" is not auto, utf-8, acs or ascii", key, v);
			return 0;
		}
	} else if (strcmp(key, "task-history") == 0) {
		if (!parse_uint(v, CFG_MAX_TASK_HISTORY, &u) || u < 1) {
			parse_error(ps, ps->line, "%s: \"%s\" is not a whole number from 1 to %d", key,
				    v, CFG_MAX_TASK_HISTORY);
			return 0;
		}
		cfg->task_history = (size_t)u;
	} else if (strcmp(key, "state-dir") == 0) {
		free(cfg->state_dir);
		cfg->state_dir = *v ? tve_xstrdup(v) : NULL;
	} else if (strcmp(key, "known-hosts") == 0) {
		free(cfg->known_hosts);
		cfg->known_hosts = *v ? tve_expand_home(v) : NULL;
	} else {
		parse_error(ps, ps->line, "unknown key \"%s\" in [general]", key);
		return 0;
	}
	return 1;
}

static int node_key(struct parse *ps, const char *key, const char *v)
{
	char **field;

	if (strcmp(key, "uri") == 0) {
		ps->uri_seen = true;
		if (!*v) {
			parse_error(ps, ps->line, "uri: empty value");
			return 0;
		}
		field = &ps->node.uri;
	} else if (strcmp(key, "ssh") == 0) {
		struct tve_ssh_target t;
		char *e = NULL;

		if (tve_ssh_parse_target(v, &t, &e) < 0) {
			ps->uri_seen = true;	/* reported here, not as "no uri" */
			parse_error(ps, ps->line, "ssh: %s", e);
			free(e);
			return 0;
		}
		tve_ssh_target_clear(&t);
		field = &ps->node.ssh;
	} else if (strcmp(key, "keyfile") == 0) {
		free(ps->node.keyfile);
		ps->node.keyfile = *v ? tve_expand_home(v) : NULL;
		return 1;
	} else {
		parse_error(ps, ps->line, "unknown key \"%s\" in [node %s]", key, ps->node.name);
		return 0;
	}
	free(*field);
	*field = *v ? tve_xstrdup(v) : NULL;
	return 1;
}

/* ACTION = KEY [KEY...]: kept as written; the console knows the actions
 * and key names (tui/keymap.c).  Only an action named twice in one file
 * is caught here, where the lines are known. */
static int keys_key(struct parse *ps, const char *key, const char *v)
{
	struct tve_config *cfg = ps->cfg;
	struct tve_key_cfg *k;

	for (size_t i = ps->keys_from; i < cfg->n_keys; i++) {
		if (strcmp(cfg->keys[i].action, key) == 0) {
			parse_error(ps, ps->line, "%s: bound twice in [keys] (first on line %d)", key,
				    cfg->keys[i].line);
			return 0;
		}
	}
	if (!*v) {
		parse_error(ps, ps->line, "%s: no key given (write none to leave it without a key)",
			    key);
		return 0;
	}
	cfg->keys = tve_xreallocarray(cfg->keys, cfg->n_keys + 1, sizeof(*cfg->keys));
	k = &cfg->keys[cfg->n_keys++];
	k->action = tve_xstrdup(key);
	k->keys = tve_xstrdup(v);
	k->file = tve_xstrdup(ps->path);
	k->line = ps->line;
	return 1;
}

static int handler(void *user, const char *section, const char *key, const char *value)
{
	struct parse *ps = user;

	(void)section;	/* tracked by reader(), which also sees empty sections */
	switch (ps->sec) {
	case SEC_NONE:
		parse_error(ps, ps->line, "\"%s\" outside a section (put it under [general])", key);
		return 0;
	case SEC_GENERAL:
		return general_key(ps, key, value);
	case SEC_NODE:
		return node_key(ps, key, value);
	case SEC_KEYS:
		return keys_key(ps, key, value);
	case SEC_BAD:
		break;
	}
	return 1;
}

int tve_config_load(struct tve_config *cfg, const char *path, char **err)
{
	struct parse ps = { 0 };
	struct tve_config tmp;
	int rc;

	ps.f = fopen(path, "re");
	if (!ps.f) {
		if (errno == ENOENT)
			return 1;
		return tve_set_err(err, "%s: %s", path, strerror(errno));
	}
	/* Parse into a copy: on error cfg stays as it was. */
	config_copy(&tmp, cfg);
	ps.cfg = &tmp;
	ps.path = path;
	ps.keys_from = tmp.n_keys;
	rc = ini_parse_stream(reader, &ps, handler, &ps);
	if (ferror(ps.f))
		parse_error(&ps, ps.line + 1, "%s", strerror(errno));
	fclose(ps.f);
	section_end(&ps);
	node_cfg_clear(&ps.node);
	if (rc == -2)
		tve_fatal("out of memory");
	if (rc > 0)
		parse_error(&ps, rc, "syntax error (expected \"key = value\" or \"[section]\")");
	if (ps.err_line) {
		tve_set_err(err, "%s:%d: %s", path, ps.err_line, ps.err);
		free(ps.err);
		tve_config_clear(&tmp);
		return -1;
	}
	for (size_t i = 0; i < tmp.n_nodes; i++) {
		char *e = NULL;

		if (!tmp.nodes[i].uri && tve_config_node_derive_uri(&tmp, &tmp.nodes[i], &e) < 0) {
			tve_set_err(err, "%s: node %s: %s", path, tmp.nodes[i].name, e);
			free(e);
			tve_config_clear(&tmp);
			return -1;
		}
	}
	tve_config_clear(cfg);
	*cfg = tmp;
	return 0;
}

/* ---- ssh nodes ---- */

char *tve_expand_home(const char *path)
{
	const char *home = getenv("HOME");

	if (path && path[0] == '~' && (path[1] == '/' || !path[1]) && home && *home)
		return tve_xasprintf("%s%s", home, path + 1);
	return tve_xstrdup(path);
}

char *tve_config_known_hosts(const struct tve_config *cfg)
{
	return cfg->known_hosts ? tve_xstrdup(cfg->known_hosts) : tve_ssh_default_known_hosts();
}

int tve_config_node_derive_uri(const struct tve_config *cfg, struct tve_node_cfg *n, char **err)
{
	char *uri;

	(void)cfg;
	if (n->uri)
		return 0;
	if (!n->ssh)
		return tve_set_err(err, "neither uri nor ssh given");
	uri = tve_ssh_libvirt_uri(n->ssh, err);
	if (!uri)
		return -1;
	n->uri = uri;
	n->uri_derived = true;
	return 0;
}

char *tve_config_node_check(const struct tve_config *cfg, const struct tve_node_cfg *n)
{
	struct tve_ssh_target t;
	char *e = NULL;

	if (!n->name || !node_name_ok(n->name))
		return tve_xstrdup("a name without blanks is needed");
	if (strlen(n->name) > 64)
		return tve_xstrdup("at most 64 characters");
	if (find_node(cfg, n->name))
		return tve_xasprintf("a node named %s exists", n->name);
	if (!n->ssh && !n->uri)
		return tve_xstrdup("an ssh target (user@host[:port]) or a URI is needed");
	if (n->ssh) {
		if (tve_ssh_parse_target(n->ssh, &t, &e) < 0)
			return e;
		tve_ssh_target_clear(&t);
	}
	if (n->keyfile && access(n->keyfile, R_OK) < 0)
		return tve_xasprintf("cannot read %s: %s", n->keyfile, strerror(errno));
	if (n->uri && !strstr(n->uri, ":"))
		return tve_xasprintf("\"%s\" is not a libvirt URI", n->uri);
	return NULL;
}

/* The text of path, or "" when it does not exist; NULL with *err. */
static char *slurp(const char *path, char **err)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		if (errno == ENOENT)
			return tve_xstrdup("");
		tve_set_err(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	do {
		if (len + 4096 + 1 > cap) {
			cap = (len + 4096 + 1) * 2;
			buf = tve_xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		tve_set_err(err, "%s: %s", path, strerror(errno));
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	buf[len] = '\0';
	return buf;
}

int tve_config_append_node(const char *path, const struct tve_node_cfg *n, char **err)
{
	char *old, *dir, *slash, *tmp;
	struct stat st;
	FILE *f;
	int rc = 0;
	size_t len;

	if (!(old = slurp(path, err)))
		return -1;
	dir = tve_xstrdup(path);
	if ((slash = strrchr(dir, '/')) && slash != dir) {
		*slash = '\0';
		if (tve_mkdir_p(dir, 0700) < 0 && errno != EEXIST)
			rc = tve_set_err(err, "cannot create %s: %s", dir, strerror(errno));
	}
	free(dir);
	if (rc < 0) {
		free(old);
		return rc;
	}
	tmp = tve_xasprintf("%s.tve-new", path);
	if (!(f = fopen(tmp, "we"))) {
		rc = tve_set_err(err, "cannot write %s: %s", tmp, strerror(errno));
		goto out;
	}
	if (stat(path, &st) == 0)
		fchmod(fileno(f), st.st_mode & 07777);	/* keep a 0600 file 0600 */
	len = strlen(old);
	fputs(old, f);
	if (len && old[len - 1] != '\n')
		fputc('\n', f);
	fprintf(f, "%s[node %s]\n", len ? "\n" : "", n->name);
	if (n->ssh)
		fprintf(f, "ssh = %s\n", n->ssh);
	if (n->keyfile)
		fprintf(f, "keyfile = %s\n", n->keyfile);
	if (n->uri && !n->uri_derived)
		fprintf(f, "uri = %s\n", n->uri);
	if (fflush(f) != 0 || fsync(fileno(f)) < 0 || ferror(f)) {
		rc = tve_set_err(err, "cannot write %s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		goto out;
	}
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		rc = tve_set_err(err, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
	}
out:
	free(tmp);
	free(old);
	return rc;
}
