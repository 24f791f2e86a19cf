/* theme.c - colour by role, monochrome fallback, theme files, and the
 * step-down of 256 colours to what the terminal has. */
#include "theme.h"

#include <dirent.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "task.h"
#include "tui.h"

static const char *const role_names[ROLE__COUNT] = {
#define X(id, name, fg, bg, attr, mono) [ROLE_##id] = name,
	THEME_ROLES(X)
#undef X
};

static const int mono_attrs[ROLE__COUNT] = {
#define X(id, name, fg, bg, attr, mono) [ROLE_##id] = mono,
	THEME_ROLES(X)
#undef X
};

static struct theme current;
static char *current_name;
static int attrs[ROLE__COUNT];
static bool mono = true;
static bool started;		/* theme_init ran */
static bool default_colours;	/* use_default_colors() worked */

/* xterm's 256 colours to the nearest of its first 16 (RGB distance, the
 * usual xterm palette); the first 16 are themselves. */
static const unsigned char to16[256] = {
	 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15,	/* 0-15 */
	 0,  0,  4,  4,  4,  4,  0,  0,  6,  4,  4, 12,  2,  2,  6,  6,	/* 16-31 */
	 6,  6,  2,  2,  6,  6,  6,  6,  2,  2,  6,  6,  6, 14, 10, 10,	/* 32-47 */
	 6,  6, 14, 14,  0,  0,  5,  4,  4, 12,  0,  8,  8,  8, 12, 12,	/* 48-63 */
	 2,  8,  8,  8, 12, 12,  2,  8,  8,  8, 12, 12,  2,  8,  8,  6,	/* 64-79 */
	 6, 14, 10, 10,  6,  6, 14, 14,  1,  1,  5,  5,  5,  5,  1,  8,	/* 80-95 */
	 8,  8, 12, 12,  3,  8,  8,  8, 12, 12,  3,  8,  8,  8,  8, 12,	/* 96-111 */
	 3,  8,  8,  8,  7,  7,  3,  3,  8,  7,  7,  7,  1,  1,  5,  5,	/* 112-127 */
	 5,  5,  1,  8,  8,  8, 12, 12,  3,  8,  8,  8,  8, 12,  3,  8,	/* 128-143 */
	 8,  8,  7,  7,  3,  3,  8,  7,  7,  7,  3,  3,  7,  7,  7,  7,	/* 144-159 */
	 1,  1,  5,  5,  5, 13,  1,  8,  8,  5,  5, 13,  3,  8,  8,  8,	/* 160-175 */
	 7,  7,  3,  3,  8,  7,  7,  7,  3,  3,  7,  7,  7,  7, 11, 11,	/* 176-191 */
	 7,  7,  7,  7,  9,  9,  5,  5, 13, 13,  9,  9,  5,  5, 13, 13,	/* 192-207 */
	 3,  3,  8,  7,  7,  7,  3,  3,  7,  7,  7,  7, 11, 11,  7,  7,	/* 208-223 */
	 7,  7, 11, 11,  7,  7,  7, 15,  0,  0,  0,  0,  0,  0,  8,  8,	/* 224-239 */
	 8,  8,  8,  8,  8,  8,  8,  8,  8,  7,  7,  7,  7,  7,  7,  7,	/* 240-255 */
};

/* The bright eight to the plain eight; grey (8) to white, not black, so
 * that grey text stays readable on a black background. */
static const unsigned char to8[16] = {
	0, 1, 2, 3, 4, 5, 6, 7, 7, 1, 2, 3, 4, 5, 6, 7,
};

short theme_step_down(short c, int ncolours)
{
	if (c < 0 || c > 255 || ncolours >= 256)
		return c;
	c = to16[c];
	return ncolours >= 16 ? c : to8[c];
}

void theme_defaults(struct theme *t)
{
	static const struct theme_role builtin[ROLE__COUNT] = {
#define X(id, name, fg, bg, attr, mono) [ROLE_##id] = { fg, bg, attr },
		THEME_ROLES(X)
#undef X
	};

	memcpy(t->r, builtin, sizeof(builtin));
}

/* --- parsing ----------------------------------------------------------- */

static const char *const colour_names[] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

static int parse_colour(const char *s, short *out)
{
	char *end;
	long n;

	if (!strcasecmp(s, "default")) {
		*out = -1;
		return 0;
	}
	/* "bright-red" (or "brightred") is 9. */
	if (!strncasecmp(s, "bright", 6)) {
		const char *b = s + 6 + (s[6] == '-');

		for (size_t i = 0; i < TVE_ARRAY_SIZE(colour_names); i++) {
			if (!strcasecmp(b, colour_names[i])) {
				*out = (short)(i + 8);
				return 0;
			}
		}
		return -1;
	}
	for (size_t i = 0; i < TVE_ARRAY_SIZE(colour_names); i++) {
		if (!strcasecmp(s, colour_names[i])) {
			*out = (short)i;
			return 0;
		}
	}
	if (!strcasecmp(s, "grey") || !strcasecmp(s, "gray")) {
		*out = 8;
		return 0;
	}
	n = strtol(s, &end, 10);
	if (*s >= '0' && *s <= '9' && !*end && n >= 0 && n <= 255) {
		*out = (short)n;
		return 0;
	}
	return -1;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

struct parse {
	struct theme *t;
	char *error;		/* the first one; inih reports its line */
};

static int parse_attrs(struct parse *ps, char *s, int *out)
{
	static const struct { const char *name; int attr; } names[] = {
		{ "normal", A_NORMAL }, { "bold", A_BOLD }, { "reverse", A_REVERSE },
		{ "underline", A_UNDERLINE }, { "dim", A_DIM }, { "standout", A_STANDOUT },
		{ "blink", A_BLINK },
	};
	char *save = NULL;

	*out = A_NORMAL;
	for (char *t = strtok_r(s, " \t|+", &save); t; t = strtok_r(NULL, " \t|+", &save)) {
		size_t i;

		for (i = 0; i < TVE_ARRAY_SIZE(names); i++)
			if (!strcasecmp(t, names[i].name))
				break;
		if (i == TVE_ARRAY_SIZE(names)) {
			ps->error = tve_xasprintf("unknown attribute \"%s\" (bold, reverse, "
						  "underline, dim, standout, blink, normal)", t);
			return -1;
		}
		*out |= names[i].attr;
	}
	return 0;
}

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	struct parse *ps = user;
	char buf[256], *fields[3] = { NULL, NULL, NULL }, *p;
	const char *bad = NULL;
	int r = -1, attr = A_NORMAL;
	short fg, bg;

	if (ps->error)
		return 0;	/* keep the first error and its line */
	if (section && *section) {
		ps->error = tve_xasprintf("unknown section \"[%s]\" (a theme has only "
					  "role = fg,bg[,attrs] lines)", section);
		return 0;
	}
	for (int i = 0; i < ROLE__COUNT; i++)
		if (!strcmp(role_names[i], key))
			r = i;
	if (r < 0) {
		ps->error = tve_xasprintf("unknown role \"%s\"", key);
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	p = buf;
	for (int i = 0; i < 3 && p; i++) {
		fields[i] = p;
		p = strchr(p, ',');
		if (p)
			*p++ = '\0';
	}
	if (p || !fields[1]) {
		ps->error = tve_xasprintf("bad value for \"%s\": want fg,bg[,attrs]", key);
		return 0;
	}
	if (parse_colour(trim(fields[0]), &fg) < 0)
		bad = trim(fields[0]);
	else if (parse_colour(trim(fields[1]), &bg) < 0)
		bad = trim(fields[1]);
	if (bad) {
		ps->error = tve_xasprintf("bad colour \"%s\" for \"%s\" (a name, 0-255 or default)",
					  bad, key);
		return 0;
	}
	if (fields[2] && parse_attrs(ps, fields[2], &attr) < 0)
		return 0;
	ps->t->r[r].fg = fg;
	ps->t->r[r].bg = bg;
	ps->t->r[r].attr = attr;
	return 1;
}

int theme_parse_file(struct theme *t, const char *path, char **err)
{
	struct parse ps = { .t = t };
	int rc = ini_parse(path, on_entry, &ps);

	if (rc == 0)
		return 0;
	if (rc < 0)
		tve_set_err(err, "%s: cannot read the theme", path);
	else
		tve_set_err(err, "%s:%d: %s", path, rc,
			    ps.error ? ps.error : "not a role = fg,bg[,attrs] line");
	free(ps.error);
	return -1;
}

/* --- finding ----------------------------------------------------------- */

/* Where themes are, most preferred first (newly allocated). */
static void theme_dirs(char *dirs[3])
{
	char *cfg = tve_config_dir();

	dirs[0] = tve_xasprintf("%s/themes", cfg);
	dirs[1] = tve_xstrdup(TVE_PKGDATADIR "/themes");
	dirs[2] = tve_xstrdup(TVE_SRCDIR "/themes");
	free(cfg);
}

static bool good_name(const char *name)
{
	return name && *name && !strchr(name, '/') && name[0] != '.';
}

char *theme_path(const char *name)
{
	char *dirs[3], *found = NULL;

	if (!good_name(name))
		return NULL;
	theme_dirs(dirs);
	for (size_t i = 0; i < 3; i++) {
		char *p = tve_xasprintf("%s/%s.theme", dirs[i], name);

		if (!found && access(p, R_OK) == 0)
			found = p;
		else
			free(p);
		free(dirs[i]);
	}
	return found;
}

int theme_read(struct theme *t, const char *name, char **err)
{
	char *path;
	int rc;

	theme_defaults(t);
	if (!name || !*name)
		name = "default";
	path = theme_path(name);
	if (!path) {
		if (!strcmp(name, "default"))
			return 0;
		return tve_set_err(err, "theme \"%s\" not found (looked for %s.theme in "
				   "$XDG_CONFIG_HOME/tve/themes and %s/themes)",
				   name, good_name(name) ? name : "NAME", TVE_PKGDATADIR);
	}
	rc = theme_parse_file(t, path, err);
	free(path);
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **theme_list(void)
{
	char *dirs[3], **v = tve_xcalloc(2, sizeof(*v));
	size_t n = 0, cap = 1;

	v[n++] = tve_xstrdup("default");
	theme_dirs(dirs);
	for (size_t i = 0; i < 3; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *e;

		while (d && (e = readdir(d))) {
			size_t len = strlen(e->d_name);
			bool dup = false;
			char *name;

			if (e->d_name[0] == '.' || len <= 6 || strcmp(e->d_name + len - 6, ".theme"))
				continue;
			name = tve_xasprintf("%.*s", (int)(len - 6), e->d_name);
			for (size_t k = 0; k < n && !dup; k++)
				dup = !strcmp(v[k], name);
			if (dup) {
				free(name);
				continue;
			}
			if (n + 1 > cap) {
				cap *= 2;
				v = tve_xreallocarray(v, cap + 1, sizeof(*v));
			}
			v[n++] = name;
		}
		if (d)
			closedir(d);
		free(dirs[i]);
	}
	v[n] = NULL;
	qsort(v, n, sizeof(*v), cmp_str);
	return v;
}

/* --- applying ---------------------------------------------------------- */

int theme_load(const char *name, char **err)
{
	struct theme t;

	if (theme_read(&t, name, err) < 0)
		return -1;
	current = t;
	free(current_name);
	current_name = tve_xstrdup(name && *name ? name : "default");
	return 0;
}

static void set_pairs(void)
{
	const struct theme_role *n = &current.r[ROLE_NORMAL];

	for (int i = 0; i < ROLE__COUNT; i++) {
		short fg = current.r[i].fg, bg = current.r[i].bg;

		/* A role left at "default" takes the theme's normal colours,
		 * so that a light theme is light all over. */
		if (fg < 0)
			fg = n->fg;
		if (bg < 0)
			bg = n->bg;
		fg = theme_step_down(fg, COLORS);
		bg = theme_step_down(bg, COLORS);
		if (!default_colours) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		init_pair((short)(i + 1), fg, bg);
		attrs[i] = (int)COLOR_PAIR(i + 1) | current.r[i].attr;
	}
}

void theme_init(bool want_color)
{
	const char *nc = getenv("NO_COLOR");

	if (!current_name) {
		theme_defaults(&current);
		current_name = tve_xstrdup("default");
	}
	started = true;
	mono = !want_color || (nc && *nc) || !has_colors();
	/* COLORS and COLOR_PAIRS are known only after start_color(). */
	if (!mono && (start_color() == ERR || COLORS < 8 || COLOR_PAIRS < ROLE__COUNT + 1))
		mono = true;
	if (!mono) {
		default_colours = use_default_colors() == OK;
		set_pairs();
	} else {
		for (int i = 0; i < ROLE__COUNT; i++)
			attrs[i] = mono_attrs[i];
	}
}

void theme_apply(const struct theme *t, const char *name)
{
	current = *t;
	if (name != current_name) {
		free(current_name);
		current_name = tve_xstrdup(name);
	}
	if (started && !mono)
		set_pairs();
}

void theme_current(struct theme *out)
{
	*out = current;
}

const char *theme_name(void)
{
	return current_name ? current_name : "default";
}

int theme_attr(enum role r)
{
	return attrs[r];
}

bool theme_mono(void)
{
	return mono;
}
