/* keymap.c - the bindings in force: the defaults (actions.h, actions.c)
 * with the user's [keys] over them; lookup; key names both ways.  Uses
 * curses.h for the KEY_* codes only. */
#include "keymap.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui.h"

#define KEYMAP_MAX_KEYS 8
#define CTX_ACTION 0	/* an action's keys work in every pane whose commands leave them */

static const int default_action_key[ACT__COUNT] = {
#define X(id, key, label, help, confirm, applies, gact) [ACT_##id] = key,
	TUI_ACTIONS(X)
#undef X
};

static const char *const id_names[KEYMAP_N] = {
#define X(id, key, label, help, confirm, applies, gact) [ACT_##id] = #id,
	TUI_ACTIONS(X)
#undef X
#define X(id, help) [KEYMAP_CMD(CMD_##id)] = #id,
	TUI_COMMANDS(X)
#undef X
};

struct keymap {
	struct binding *cmds;
	size_t n_cmds;
	int act[ACT__COUNT][KEYMAP_MAX_KEYS];
	size_t n_act[ACT__COUNT];
	bool user[KEYMAP_N];	/* set by [keys] */
};

/* While applying: the entry that set each id, or NULL. */
typedef const struct tve_key_cfg *setby[KEYMAP_N];

static struct keymap live;
static bool live_set;

/* Enter arrives as \r, \n or KEY_ENTER: one key. */
static int canon(int key)
{
	return key == '\n' || key == K_FN(KEY_ENTER) ? '\r' : key;
}

static void keymap_defaults(struct keymap *m)
{
	memset(m, 0, sizeof(*m));
	m->n_cmds = n_default_bindings;
	m->cmds = tve_xcalloc(m->n_cmds, sizeof(*m->cmds));
	memcpy(m->cmds, default_bindings, m->n_cmds * sizeof(*m->cmds));
	for (int i = 0; i < ACT__COUNT; i++) {
		m->act[i][0] = default_action_key[i];
		m->n_act[i] = 1;
	}
}

static struct keymap *cur(void)
{
	if (!live_set) {
		keymap_defaults(&live);
		live_set = true;
	}
	return &live;
}

void keymap_reset(void)
{
	free(live.cmds);
	live_set = false;
	memset(&live, 0, sizeof(live));
}

/* ---- names of actions and commands ---- */

const char *keymap_name(int id)
{
	static char names[KEYMAP_N][24];

	if (id < 0 || id >= KEYMAP_N || !id_names[id])
		return NULL;
	if (!names[id][0]) {
		size_t i;

		for (i = 0; id_names[id][i] && i + 1 < sizeof(names[id]); i++) {
			char c = id_names[id][i];

			names[id][i] = c == '_' ? '-' : (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
		names[id][i] = '\0';
	}
	return names[id];
}

int keymap_find(const char *name)
{
	for (int id = 0; id < KEYMAP_N; id++) {
		const char *n = keymap_name(id);

		if (n && strcmp(n, name) == 0)
			return id;
	}
	return -1;
}

/* ---- key names ---- */

static const struct {
	int key;
	const char *name;
} key_names[] = {
	{ K_FN(KEY_UP), "Up" }, { K_FN(KEY_DOWN), "Down" },
	{ K_FN(KEY_LEFT), "Left" }, { K_FN(KEY_RIGHT), "Right" },
	{ K_FN(KEY_PPAGE), "PgUp" }, { K_FN(KEY_NPAGE), "PgDn" },
	{ K_FN(KEY_HOME), "Home" }, { K_FN(KEY_END), "End" },
	{ K_FN(KEY_BTAB), "Shift-Tab" }, { K_FN(KEY_ENTER), "Enter" },
	{ '\r', "Enter" }, { '\n', "Enter" }, { '\t', "Tab" },
	{ ' ', "Space" }, { K_ESC, "Esc" }, { K_FN(KEY_DC), "Del" }, { K_FN(KEY_IC), "Ins" },
};

static size_t utf8_put(char *buf, unsigned cp)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xc0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xe0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		buf[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	buf[0] = (char)(0xf0 | cp >> 18);
	buf[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	buf[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	buf[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

const char *key_name(int key)
{
	static char buf[16];

	if (key < 0)
		return "";
	for (size_t i = 0; i < TVE_ARRAY_SIZE(key_names); i++)
		if (key_names[i].key == key)
			return key_names[i].name;
	if (key & K_FN_BIT) {
		int k = key & ~K_FN_BIT;

		if (k >= KEY_F(1) && k <= KEY_F(12))
			snprintf(buf, sizeof(buf), "F%d", k - KEY_F(0));
		else
			snprintf(buf, sizeof(buf), "key%d", k);
	} else if (key < 0x20) {
		snprintf(buf, sizeof(buf), "Ctrl-%c", key + '@');
	} else if (key <= 0x10ffff) {
		buf[utf8_put(buf, (unsigned)key)] = '\0';
	} else {
		snprintf(buf, sizeof(buf), "key%d", key);
	}
	return buf;
}

/* One UTF-8 character making up all of s: its code point, or -1. */
static int utf8_one(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp, n, min;

	if (p[0] < 0x80)
		return p[0] && !p[1] ? p[0] : -1;
	if ((p[0] & 0xe0) == 0xc0)
		cp = p[0] & 0x1f, n = 1, min = 0x80;
	else if ((p[0] & 0xf0) == 0xe0)
		cp = p[0] & 0x0f, n = 2, min = 0x800;
	else if ((p[0] & 0xf8) == 0xf0)
		cp = p[0] & 0x07, n = 3, min = 0x10000;
	else
		return -1;
	for (unsigned i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (p[n + 1] || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	return (int)cp;
}

int keymap_parse_key(const char *name, int *key, const char **why)
{
	static const struct {
		const char *name;
		int key;
	} names[] = {
		{ "Enter", '\r' }, { "Esc", K_ESC }, { "Tab", '\t' }, { "S-Tab", K_FN(KEY_BTAB) },
		{ "Shift-Tab", K_FN(KEY_BTAB) }, { "Del", K_FN(KEY_DC) }, { "Ins", K_FN(KEY_IC) },
		{ "Home", K_FN(KEY_HOME) }, { "End", K_FN(KEY_END) }, { "PgUp", K_FN(KEY_PPAGE) },
		{ "PgDn", K_FN(KEY_NPAGE) }, { "Up", K_FN(KEY_UP) }, { "Down", K_FN(KEY_DOWN) },
		{ "Left", K_FN(KEY_LEFT) }, { "Right", K_FN(KEY_RIGHT) }, { "Space", ' ' },
	};
	int cp = utf8_one(name);

	*why = NULL;
	if (cp >= 0) {
		if (cp <= 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0)) {
			*why = "not a printable character";
			return -1;
		}
		*key = cp;
		return 0;
	}
	for (size_t i = 0; i < TVE_ARRAY_SIZE(names); i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			*key = names[i].key;
			return 0;
		}
	}
	if ((name[0] == 'F' || name[0] == 'f') && name[1] >= '1' && name[1] <= '9') {
		int n = name[1] - '0';

		if (name[2] >= '0' && name[2] <= '9' && !name[3])
			n = n * 10 + name[2] - '0';
		else if (name[2])
			n = 0;
		if (n >= 1 && n <= 12) {
			*key = K_FN(KEY_F(n));
			return 0;
		}
		*why = "function keys are F1 to F12";
		return -1;
	}
	if (strncasecmp(name, "C-", 2) == 0 || strncasecmp(name, "Ctrl-", 5) == 0) {
		const char *c = name + (name[1] == '-' ? 2 : 5);
		int k;

		if (!c[0] || c[1] || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@[\\]^_", c[0])) {
			*why = "Ctrl goes with a letter (C-a .. C-z) or one of @ [ \\ ] ^ _";
			return -1;
		}
		k = (c[0] >= 'a' && c[0] <= 'z' ? c[0] - 'a' + 'A' : c[0]) & 0x1f;
		if (k == K_CTRL('C') || k == K_CTRL('Z') || k == K_CTRL('\\')) {
			*why = "the terminal turns it into a signal (interrupt, suspend, quit)";
			return -1;
		}
		*key = k;
		return 0;
	}
	*why = "not a key name (a character, C-x, F1..F12, Enter, Esc, Tab, S-Tab, Del, Ins, "
	       "Home, End, PgUp, PgDn, Up, Down, Left, Right or Space)";
	return -1;
}

/* ---- the table ---- */

enum cmd keymap_lookup(int key, unsigned ctx, int *arg)
{
	const struct keymap *m = cur();

	key = canon(key);
	for (size_t i = 0; i < m->n_cmds; i++) {
		const struct binding *b = &m->cmds[i];
		int first = canon(b->key), last = b->last ? b->last : first;

		if (key >= first && key <= last && (b->ctx & ctx)) {
			if (arg)
				*arg = key - first;
			return b->cmd;
		}
	}
	return CMD_NONE;
}

int action_for_key(int key)
{
	const struct keymap *m = cur();

	key = canon(key);
	for (int i = 0; i < ACT__COUNT; i++)
		for (size_t k = 0; k < m->n_act[i]; k++)
			if (canon(m->act[i][k]) == key)
				return i;
	return -1;
}

const struct binding *keymap_bindings(size_t *n)
{
	const struct keymap *m = cur();

	*n = m->n_cmds;
	return m->cmds;
}

static size_t keys_in(const struct keymap *m, int id, int *keys, size_t max)
{
	size_t n = 0;

	if (id < 0 || id >= KEYMAP_N)
		return 0;
	if (id < ACT__COUNT) {
		for (size_t k = 0; k < m->n_act[id]; k++, n++)
			if (n < max)
				keys[n] = m->act[id][k];
		return n;
	}
	for (size_t i = 0; i < m->n_cmds; i++) {
		const struct binding *b = &m->cmds[i];
		bool seen = false;

		if (KEYMAP_CMD(b->cmd) != id)
			continue;
		for (size_t k = 0; k < n && k < max; k++)
			seen |= canon(keys[k]) == canon(b->key);
		if (seen)
			continue;	/* Enter: \r, \n and KEY_ENTER */
		if (n < max)
			keys[n] = b->key;
		n++;
	}
	return n;
}

size_t keymap_keys(int id, int *keys, size_t max)
{
	return keys_in(cur(), id, keys, max);
}

bool keymap_user(int id)
{
	return id >= 0 && id < KEYMAP_N && cur()->user[id];
}

bool keymap_needs_raw_flow(void)
{
	const struct keymap *m = cur();

	for (size_t i = 0; i < m->n_cmds; i++)
		if (m->cmds[i].key == K_CTRL('Q') || m->cmds[i].key == K_CTRL('S'))
			return true;
	for (int i = 0; i < ACT__COUNT; i++)
		for (size_t k = 0; k < m->n_act[i]; k++)
			if (m->act[i][k] == K_CTRL('Q') || m->act[i][k] == K_CTRL('S'))
				return true;
	return false;
}

/* ---- the user's [keys] ---- */

static int __attribute__((format(printf, 3, 4)))
entry_error(char **err, const struct tve_key_cfg *e, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = tve_xvasprintf(fmt, ap);
	va_end(ap);
	tve_set_err(err, "%s:%d: %s", e->file ? e->file : "tve.conf", e->line, msg);
	free(msg);
	return -1;
}

/* Sets id's keys to those of e. */
static int set_keys(struct keymap *m, setby by, int id, const struct tve_key_cfg *e, char **err)
{
	int keys[KEYMAP_MAX_KEYS];
	size_t n = 0;
	char *copy = tve_xstrdup(e->keys), *save = NULL;
	int rc = -1;

	for (char *tok = strtok_r(copy, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		const char *why;
		int key;
		bool dup = false;

		if (strcasecmp(tok, "none") == 0) {
			if (n || strtok_r(NULL, " \t", &save)) {
				entry_error(err, e, "%s: none goes alone", e->action);
				goto cleanup;
			}
			break;
		}
		if (keymap_parse_key(tok, &key, &why) < 0) {
			entry_error(err, e, "%s: bad key \"%s\": %s", e->action, tok, why);
			goto cleanup;
		}
		for (size_t k = 0; k < n; k++)
			dup |= canon(keys[k]) == canon(key);
		if (dup)
			continue;
		if (n == KEYMAP_MAX_KEYS) {
			entry_error(err, e, "%s: more than %d keys", e->action, KEYMAP_MAX_KEYS);
			goto cleanup;
		}
		keys[n++] = key;
	}
	if (!n && (id == KEYMAP_CMD(CMD_QUIT) || id == KEYMAP_CMD(CMD_HELP))) {
		entry_error(err, e, "%s: it needs a key; without one it could not be %s", e->action,
			    id == KEYMAP_CMD(CMD_QUIT) ? "quit" : "reached");
		goto cleanup;
	}
	if (id < ACT__COUNT) {
		memcpy(m->act[id], keys, n * sizeof(*keys));
		m->n_act[id] = n;
	} else {
		enum cmd c = (enum cmd)(id - ACT__COUNT);
		unsigned ctx = 0;
		size_t w = 0;

		/* The new keys work where the old ones did. */
		for (size_t i = 0; i < m->n_cmds; i++) {
			if (m->cmds[i].cmd == c)
				ctx |= m->cmds[i].ctx;
			else
				m->cmds[w++] = m->cmds[i];
		}
		m->cmds = tve_xreallocarray(m->cmds, w + n + 1, sizeof(*m->cmds));
		for (size_t k = 0; k < n; k++)
			m->cmds[w++] = (struct binding){ keys[k], 0, c, ctx };
		m->n_cmds = w;
	}
	m->user[id] = true;
	by[id] = e;
	rc = 0;
cleanup:
	free(copy);
	return rc;
}

/* Do two bindings of one key meet?  A pane's command takes the key from
 * an action in that pane, which is fine only in the task panel (x there
 * cancels a task, elsewhere it stops the guest). */
static bool overlap(unsigned ctx_a, unsigned ctx_b)
{
	if (ctx_a == CTX_ACTION && ctx_b == CTX_ACTION)
		return true;
	if (ctx_a == CTX_ACTION || ctx_b == CTX_ACTION)
		return ((ctx_a | ctx_b) & (CTX_TREE | CTX_CONTENT)) != 0;
	return (ctx_a & ctx_b) != 0;
}

/* Every binding as (id, key range, ctx). */
struct flat {
	int id, key, last;
	unsigned ctx;
};

static size_t flatten(const struct keymap *m, struct flat *out)
{
	size_t n = 0;

	for (int i = 0; i < ACT__COUNT; i++)
		for (size_t k = 0; k < m->n_act[i]; k++)
			out[n++] = (struct flat){ i, canon(m->act[i][k]), canon(m->act[i][k]), CTX_ACTION };
	for (size_t i = 0; i < m->n_cmds; i++) {
		const struct binding *b = &m->cmds[i];
		int k = canon(b->key);

		out[n++] = (struct flat){ KEYMAP_CMD(b->cmd), k, b->last ? b->last : k, b->ctx };
	}
	return n;
}

/* The first key bound twice by the user's entries, in file order. */
static int check_conflicts(const struct keymap *m, setby by, const struct tve_key_cfg *entries,
			   size_t n_entries, char **err)
{
	struct flat *f = tve_xcalloc(ACT__COUNT * KEYMAP_MAX_KEYS + m->n_cmds + 1, sizeof(*f));
	size_t n = flatten(m, f);
	int rc = 0;

	for (size_t e = 0; e < n_entries && rc == 0; e++) {
		int id = keymap_find(entries[e].action);

		if (id < 0 || by[id] != &entries[e])
			continue;	/* replaced by a later file */
		for (size_t i = 0; i < n && rc == 0; i++) {
			if (f[i].id != id)
				continue;
			for (size_t j = 0; j < n; j++) {
				const struct tve_key_cfg *other = by[f[j].id];

				if (f[j].id == id || f[i].key > f[j].last || f[j].key > f[i].last ||
				    !overlap(f[i].ctx, f[j].ctx))
					continue;
				if (other && other->line > entries[e].line &&
				    strcmp(other->file ? other->file : "", entries[e].file ? entries[e].file : "") == 0)
					continue;	/* reported on the later line */
				if (other)
					rc = entry_error(err, &entries[e],
							 "%s: key %s is bound to both %s and %s (line %d)",
							 entries[e].action, key_name(f[i].key), keymap_name(id),
							 keymap_name(f[j].id), other->line);
				else
					rc = entry_error(err, &entries[e],
							 "%s: key %s is bound to both %s and %s (its default; "
							 "bind %s to another key too)",
							 entries[e].action, key_name(f[i].key), keymap_name(id),
							 keymap_name(f[j].id), keymap_name(f[j].id));
				break;
			}
		}
	}
	free(f);
	return rc;
}

int keymap_apply(const struct tve_key_cfg *entries, size_t n, char **err)
{
	struct keymap m;
	setby by = { 0 };

	keymap_defaults(&m);
	for (size_t i = 0; i < n; i++) {
		const struct tve_key_cfg *e = &entries[i];
		int id = keymap_find(e->action);

		if (id < 0 || id == KEYMAP_CMD(CMD_NONE)) {
			entry_error(err, e, "unknown action \"%s\" in [keys]", e->action);
			goto fail;
		}
		if (id == KEYMAP_CMD(CMD_TAB_GOTO)) {
			entry_error(err, e, "tab-goto is the digits 1 to 9 and cannot be rebound");
			goto fail;
		}
		if (set_keys(&m, by, id, e, err) < 0)
			goto fail;
	}
	if (check_conflicts(&m, by, entries, n, err) < 0)
		goto fail;
	free(live.cmds);
	live = m;
	live_set = true;
	return 0;
fail:
	free(m.cmds);
	return -1;
}
