/* test_theme.c - theme files (good, broken, user overrides), the shipped
 * themes, and the 256 -> 16 -> 8 colour step-down tables.  No curses
 * screen is started: parsing and finding need none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "task.h"
#include "theme.h"
#include "util.h"

static char *tmpdir;	/* also $XDG_CONFIG_HOME */
static char *userdir;	/* $XDG_CONFIG_HOME/tve/themes */

static int setup(void **state)
{
	char tmpl[] = "/tmp/tve-test-theme-XXXXXX";
	char *tve;

	(void)state;
	if (!mkdtemp(tmpl))
		return -1;
	tmpdir = tve_xstrdup(tmpl);
	tve = tve_xasprintf("%s/tve", tmpdir);
	userdir = tve_xasprintf("%s/themes", tve);
	mkdir(tve, 0700);
	mkdir(userdir, 0700);
	free(tve);
	setenv("XDG_CONFIG_HOME", tmpdir, 1);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = tve_xasprintf("rm -rf '%s'", tmpdir);

	(void)state;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
	free(cmd);
	free(userdir);
	free(tmpdir);
	return 0;
}

/* Writes text to DIR/name.theme; returns the path. */
static char *write_theme(const char *dir, const char *name, const char *text)
{
	char *path = tve_xasprintf("%s/%s.theme", dir, name);
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Parses text as a theme file; returns the error (or NULL). */
static char *parse_text(const char *text, struct theme *t)
{
	char *path = write_theme(tmpdir, "t", text), *err = NULL;
	int rc;

	theme_defaults(t);
	rc = theme_parse_file(t, path, &err);
	assert_int_equal(rc, err ? -1 : 0);
	unlink(path);
	free(path);
	return err;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);

	return n >= k && !strcmp(s + n - k, tail);
}

static void test_good_file(void **state)
{
	struct theme t, d;
	char *err;

	(void)state;
	err = parse_text("; a comment\n"
			 "# another\n"
			 "\n"
			 "normal = 252, 236\n"
			 "title=208,16,bold|underline\n"
			 "state.error = Bright-Red , default , bold reverse\n"
			 "dim = grey, black\n"
			 "border = 0, 255, normal\n", &t);
	assert_null(err);
	theme_defaults(&d);
	assert_int_equal(t.r[ROLE_NORMAL].fg, 252);
	assert_int_equal(t.r[ROLE_NORMAL].bg, 236);
	assert_int_equal(t.r[ROLE_TITLE].fg, 208);
	assert_int_equal(t.r[ROLE_TITLE].bg, 16);
	assert_int_equal(t.r[ROLE_TITLE].attr, A_BOLD | A_UNDERLINE);
	assert_int_equal(t.r[ROLE_STATE_ERROR].fg, 9);
	assert_int_equal(t.r[ROLE_STATE_ERROR].bg, -1);
	assert_int_equal(t.r[ROLE_STATE_ERROR].attr, A_BOLD | A_REVERSE);
	assert_int_equal(t.r[ROLE_DIM].fg, 8);
	assert_int_equal(t.r[ROLE_DIM].bg, COLOR_BLACK);
	assert_int_equal(t.r[ROLE_DIM].attr, A_NORMAL);
	assert_int_equal(t.r[ROLE_BORDER].fg, 0);
	assert_int_equal(t.r[ROLE_BORDER].bg, 255);
	/* Roles the file does not name keep the defaults. */
	assert_memory_equal(&t.r[ROLE_DIALOG], &d.r[ROLE_DIALOG], sizeof(t.r[0]));
}

struct bad {
	const char *text;
	const char *want;	/* the end of the message: ":LINE: ..." */
};

static void test_broken_files(void **state)
{
	static const struct bad bad[] = {
		{ "normal = default, default\n\nfoo = red, blue\n", "t.theme:3: unknown role \"foo\"" },
		{ "title = purple, blue\n", "t.theme:1: bad colour \"purple\" for \"title\" (a name, 0-255 or default)" },
		{ "title = red, 256\n", "t.theme:1: bad colour \"256\" for \"title\" (a name, 0-255 or default)" },
		{ "title = red, -3\n", "t.theme:1: bad colour \"-3\" for \"title\" (a name, 0-255 or default)" },
		{ "\ntitle = red\n", "t.theme:2: bad value for \"title\": want fg,bg[,attrs]" },
		{ "title = red, blue, bold, x\n", "t.theme:1: bad value for \"title\": want fg,bg[,attrs]" },
		{ "title = red, blue, bold|shiny\n", "t.theme:1: unknown attribute \"shiny\" (bold, reverse, underline, dim, standout, blink, normal)" },
		{ "[colours]\ntitle = red, blue\n", "t.theme:2: unknown section \"[colours]\" (a theme has only role = fg,bg[,attrs] lines)" },
		{ "normal = default, default\ntitle red blue\n", "t.theme:2: not a role = fg,bg[,attrs] line" },
		/* The first error is the one reported. */
		{ "a = 1, 2\nb = 1, 2\n", "t.theme:1: unknown role \"a\"" },
	};

	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(bad); i++) {
		struct theme t;
		char *err = parse_text(bad[i].text, &t);

		assert_non_null(err);
		if (!ends_with(err, bad[i].want))
			fail_msg("case %zu: got '%s', want '...%s'", i, err, bad[i].want);
		assert_non_null(strstr(err, tmpdir));
		free(err);
	}
}

static void test_unreadable(void **state)
{
	struct theme t;
	char *err = NULL, *path = tve_xasprintf("%s/none.theme", tmpdir);

	(void)state;
	assert_int_equal(theme_parse_file(&t, path, &err), -1);
	assert_non_null(strstr(err, "none.theme: cannot read"));
	free(err);
	free(path);
}

static const char *const shipped[] = {
	"default", "light", "proxmox", "high-contrast", "solarized", "mono",
};

static void test_shipped_themes(void **state)
{
	char **names = theme_list();

	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(shipped); i++) {
		struct theme t;
		char *err = NULL, *path = theme_path(shipped[i]);
		bool listed = false;

		assert_non_null(path);
		if (theme_read(&t, shipped[i], &err) < 0)
			fail_msg("%s: %s", shipped[i], err);
		for (size_t k = 0; names[k]; k++)
			listed |= !strcmp(names[k], shipped[i]);
		assert_true(listed);
		free(path);
	}
	/* Sorted, no duplicates. */
	for (size_t k = 1; names[k]; k++)
		assert_true(strcmp(names[k - 1], names[k]) < 0);
	tve_strv_free(names);
}

/* default.theme writes out the built-in colours, role by role. */
static void test_default_file_is_builtin(void **state)
{
	struct theme t, d;
	char *err = NULL;

	(void)state;
	assert_int_equal(theme_read(&t, "default", &err), 0);
	theme_defaults(&d);
	for (int i = 0; i < ROLE__COUNT; i++) {
		assert_int_equal(t.r[i].fg, d.r[i].fg);
		assert_int_equal(t.r[i].bg, d.r[i].bg);
		assert_int_equal(t.r[i].attr, d.r[i].attr);
	}
	/* NULL and "" are the default too. */
	assert_int_equal(theme_read(&t, NULL, &err), 0);
	assert_int_equal(theme_read(&t, "", &err), 0);
}

static void test_user_overrides(void **state)
{
	struct theme t;
	char *err = NULL, *mine, *light, *path, **names;
	bool listed = false;

	(void)state;
	light = write_theme(userdir, "light", "title = 1, 2\n");
	mine = write_theme(userdir, "mine", "normal = 3, 4\n");
	path = theme_path("light");
	assert_string_equal(path, light);
	free(path);
	assert_int_equal(theme_read(&t, "light", &err), 0);
	assert_int_equal(t.r[ROLE_TITLE].fg, 1);
	assert_int_equal(t.r[ROLE_TITLE].bg, 2);
	assert_int_equal(t.r[ROLE_NORMAL].fg, -1);	/* not the shipped light's */
	assert_int_equal(theme_read(&t, "mine", &err), 0);
	assert_int_equal(t.r[ROLE_NORMAL].bg, 4);
	names = theme_list();
	for (size_t k = 0; names[k]; k++) {
		listed |= !strcmp(names[k], "mine");
		assert_true(!names[k + 1] || strcmp(names[k], names[k + 1]) < 0);
	}
	assert_true(listed);
	tve_strv_free(names);

	/* A broken user theme: its path and line. */
	unlink(mine);
	free(mine);
	mine = write_theme(userdir, "mine", "normal = 3, 4\n\n\nbogus = 1, 2\n");
	assert_int_equal(theme_read(&t, "mine", &err), -1);
	path = tve_xasprintf("%s:4: unknown role \"bogus\"", mine);
	assert_string_equal(err, path);
	free(path);
	free(err);
	err = NULL;
	unlink(mine);
	unlink(light);
	free(mine);
	free(light);
}

static void test_not_found(void **state)
{
	struct theme t;
	char *err = NULL;

	(void)state;
	assert_int_equal(theme_read(&t, "nonexistent", &err), -1);
	assert_non_null(strstr(err, "theme \"nonexistent\" not found"));
	free(err);
	err = NULL;
	/* Not a way out of the themes directories. */
	assert_null(theme_path("../themes/light"));
	assert_int_equal(theme_read(&t, "../light", &err), -1);
	free(err);
}

static void test_step_down(void **state)
{
	(void)state;
	/* 256 colours and more: unchanged; default stays default. */
	for (short c = -1; c < 256; c++) {
		assert_int_equal(theme_step_down(c, 256), c);
		assert_int_equal(theme_step_down(c, 32767), c);
	}
	assert_int_equal(theme_step_down(-1, 16), -1);
	assert_int_equal(theme_step_down(-1, 8), -1);
	/* The first 16 are themselves at 16; the bright ones lose their
	 * brightness at 8, grey becomes white. */
	for (short c = 0; c < 16; c++)
		assert_int_equal(theme_step_down(c, 16), c);
	for (short c = 0; c < 8; c++) {
		assert_int_equal(theme_step_down(c, 8), c);
		assert_int_equal(theme_step_down((short)(c + 8), 8), c == 0 ? 7 : c);
	}
	/* Every colour lands in range, also for 88-colour terminals. */
	for (short c = 0; c < 256; c++) {
		assert_in_range(theme_step_down(c, 16), 0, 15);
		assert_in_range(theme_step_down(c, 88), 0, 15);
		assert_in_range(theme_step_down(c, 8), 0, 7);
		assert_int_equal(theme_step_down(c, 8), theme_step_down(theme_step_down(c, 16), 8));
	}
	/* Spot checks of the table: cube corners, greys, orange. */
	assert_int_equal(theme_step_down(16, 16), 0);	/* #000000 */
	assert_int_equal(theme_step_down(196, 16), 9);	/* #ff0000 */
	assert_int_equal(theme_step_down(46, 16), 10);	/* #00ff00 */
	assert_int_equal(theme_step_down(21, 16), 4);	/* #0000ff */
	assert_int_equal(theme_step_down(231, 16), 15);	/* #ffffff */
	assert_int_equal(theme_step_down(226, 16), 11);	/* #ffff00 */
	assert_int_equal(theme_step_down(51, 16), 14);	/* #00ffff */
	assert_int_equal(theme_step_down(201, 16), 13);	/* #ff00ff */
	assert_int_equal(theme_step_down(232, 16), 0);	/* darkest grey */
	assert_int_equal(theme_step_down(244, 16), 8);	/* mid grey */
	assert_int_equal(theme_step_down(255, 16), 7);	/* lightest grey */
	assert_int_equal(theme_step_down(208, 16), 3);	/* orange: yellow */
	assert_int_equal(theme_step_down(208, 8), 3);
	assert_int_equal(theme_step_down(196, 8), 1);
	assert_int_equal(theme_step_down(244, 8), 7);
	assert_int_equal(theme_step_down(236, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_broken_files),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_shipped_themes),
		cmocka_unit_test(test_default_file_is_builtin),
		cmocka_unit_test(test_user_overrides),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_step_down),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
