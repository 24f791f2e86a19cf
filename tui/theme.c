/* theme.c - colour by role, monochrome fallback, theme files. */
#include "theme.h"

#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tui.h"

struct role_spec {
	const char *name;
	short fg, bg;
	int attr, mono;
};

static struct role_spec roles[ROLE__COUNT] = {
#define X(id, name, fg, bg, attr, mono) { name, fg, bg, attr, mono },
	THEME_ROLES(X)
#undef X
};

static int attrs[ROLE__COUNT];
static bool mono = true;

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
	for (size_t i = 0; i < TVE_ARRAY_SIZE(colour_names); i++) {
		if (!strcasecmp(s, colour_names[i])) {
			*out = (short)i;
			return 0;
		}
	}
	n = strtol(s, &end, 10);
	if (*s && !*end && n >= 0 && n <= 255) {
		*out = (short)n;
		return 0;
	}
	return -1;
}

static int parse_attrs(char *s, int *out)
{
	static const struct { const char *name; int attr; } names[] = {
		{ "normal", A_NORMAL }, { "bold", A_BOLD }, { "reverse", A_REVERSE },
		{ "underline", A_UNDERLINE }, { "dim", A_DIM }, { "standout", A_STANDOUT },
		{ "blink", A_BLINK },
	};
	char *save = NULL;

	*out = A_NORMAL;
	for (char *t = strtok_r(s, " |+", &save); t; t = strtok_r(NULL, " |+", &save)) {
		size_t i;

		for (i = 0; i < TVE_ARRAY_SIZE(names); i++)
			if (!strcasecmp(t, names[i].name))
				break;
		if (i == TVE_ARRAY_SIZE(names))
			return -1;
		*out |= names[i].attr;
	}
	return 0;
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

static char *parse_error;

static int on_entry(void *user, const char *section, const char *key, const char *value)
{
	char buf[256], *fields[3] = { NULL, NULL, NULL }, *p;
	struct role_spec *r = NULL;
	short fg, bg;
	int attr = A_NORMAL;

	(void)user;
	(void)section;
	for (size_t i = 0; i < ROLE__COUNT; i++)
		if (!strcmp(roles[i].name, key))
			r = &roles[i];
	if (!r) {
		parse_error = tve_xasprintf("unknown role '%s'", key);
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
	if (p || !fields[1] || parse_colour(trim(fields[0]), &fg) < 0 ||
	    parse_colour(trim(fields[1]), &bg) < 0 ||
	    (fields[2] && parse_attrs(fields[2], &attr) < 0)) {
		parse_error = tve_xasprintf("bad value for '%s': want fg,bg[,attrs]", key);
		return 0;
	}
	r->fg = fg;
	r->bg = bg;
	r->attr = attr;
	return 1;
}

int theme_load(const char *name, char **err)
{
	char *dir = tve_config_dir();
	char *paths[3] = {
		tve_xasprintf("%s/themes/%s.theme", dir, name ? name : ""),
		tve_xasprintf("%s/themes/%s.theme", TVE_PKGDATADIR, name ? name : ""),
		tve_xasprintf("%s/themes/%s.theme", TVE_SRCDIR, name ? name : ""),
	};
	int rc = 0;
	size_t i;

	free(dir);
	if (!name || !*name || !strcmp(name, "default"))
		goto cleanup;
	for (i = 0; i < TVE_ARRAY_SIZE(paths); i++)
		if (access(paths[i], R_OK) == 0)
			break;
	if (i == TVE_ARRAY_SIZE(paths)) {
		rc = tve_set_err(err, "theme '%s' not found (%s)", name, paths[0]);
		goto cleanup;
	}
	rc = ini_parse(paths[i], on_entry, NULL);
	if (rc != 0) {
		tve_set_err(err, "%s:%d: %s", paths[i], rc < 0 ? 0 : rc,
			    parse_error ? parse_error : "cannot read");
		rc = -1;
	}
cleanup:
	free(parse_error);
	parse_error = NULL;
	for (i = 0; i < TVE_ARRAY_SIZE(paths); i++)
		free(paths[i]);
	return rc;
}

void theme_init(bool want_color)
{
	const char *nc = getenv("NO_COLOR");
	bool defaults;

	mono = !want_color || (nc && *nc) || !has_colors();
	/* COLORS and COLOR_PAIRS are known only after start_color(). */
	if (!mono && (start_color() == ERR || COLORS < 8 || COLOR_PAIRS < ROLE__COUNT + 1))
		mono = true;
	if (!mono) {
		defaults = use_default_colors() == OK;
		for (int i = 0; i < ROLE__COUNT; i++) {
			short fg = roles[i].fg, bg = roles[i].bg;

			if (!defaults) {
				fg = fg < 0 ? COLOR_WHITE : fg;
				bg = bg < 0 ? COLOR_BLACK : bg;
			}
			if (fg >= COLORS)
				fg = fg % 8;
			if (bg >= COLORS)
				bg = bg % 8;
			init_pair((short)(i + 1), fg, bg);
			attrs[i] = (int)COLOR_PAIR(i + 1) | roles[i].attr;
		}
	} else {
		for (int i = 0; i < ROLE__COUNT; i++)
			attrs[i] = roles[i].mono;
	}
}

int theme_attr(enum role r)
{
	return attrs[r];
}

bool theme_mono(void)
{
	return mono;
}
