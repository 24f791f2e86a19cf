/* test_keymap.c - key names, [keys] over the default bindings, and every
 * error with its FILE:LINE; no screen (tui/keymap.c and tui/actions.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"
#include "util.h"

static int reset(void **state)
{
	(void)state;
	keymap_reset();
	return 0;
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(keymap_name(ACT_START), "start");
	assert_string_equal(keymap_name(ACT_SET_ID), "set-id");
	assert_string_equal(keymap_name(ACT_CREATE_VM), "create-vm");
	assert_string_equal(keymap_name(KEYMAP_CMD(CMD_PANE_NEXT)), "pane-next");
	assert_string_equal(keymap_name(KEYMAP_CMD(CMD_QUIT)), "quit");
	assert_null(keymap_name(KEYMAP_CMD(CMD_NONE)));
	assert_null(keymap_name(-1));
	assert_null(keymap_name(KEYMAP_N));
	/* Every name is unique and found again. */
	for (int id = 0; id < KEYMAP_N; id++) {
		if (!keymap_name(id))
			continue;
		assert_int_equal(keymap_find(keymap_name(id)), id);
	}
	assert_int_equal(keymap_find("Start"), -1);
	assert_int_equal(keymap_find("set_id"), -1);
	assert_int_equal(keymap_find(""), -1);
}

static void test_parse_good(void **state)
{
	static const struct {
		const char *name;
		int key;
	} cases[] = {
		{ "S", 'S' },		{ "s", 's' },		{ "?", '?' },
		{ "~", '~' },		{ "\xc3\xa9", 0xe9 },	{ "C-q", K_CTRL('Q') },
		{ "C-Q", K_CTRL('Q') }, { "Ctrl-L", K_CTRL('L') }, { "c-a", K_CTRL('A') },
		{ "C-[", K_ESC },	{ "F1", K_FN(KEY_F(1)) }, { "f12", K_FN(KEY_F(12)) },
		{ "F10", K_FN(KEY_F(10)) }, { "Enter", '\r' },	{ "enter", '\r' },
		{ "Esc", K_ESC },	{ "Tab", '\t' },	{ "S-Tab", K_FN(KEY_BTAB) },
		{ "Shift-Tab", K_FN(KEY_BTAB) }, { "Del", K_FN(KEY_DC) }, { "Ins", K_FN(KEY_IC) },
		{ "Home", K_FN(KEY_HOME) }, { "End", K_FN(KEY_END) }, { "PgUp", K_FN(KEY_PPAGE) },
		{ "PgDn", K_FN(KEY_NPAGE) }, { "Up", K_FN(KEY_UP) }, { "Down", K_FN(KEY_DOWN) },
		{ "Left", K_FN(KEY_LEFT) }, { "RIGHT", K_FN(KEY_RIGHT) }, { "Space", ' ' },
	};

	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(cases); i++) {
		const char *why = "unset";
		int key = -2;

		if (keymap_parse_key(cases[i].name, &key, &why) != 0)
			fail_msg("\"%s\": %s", cases[i].name, why);
		assert_int_equal(key, cases[i].key);
		assert_null(why);
	}
	/* key_name() reads back what the help shows. */
	assert_string_equal(key_name(K_CTRL('Q')), "Ctrl-Q");
	assert_string_equal(key_name(K_FN(KEY_F(12))), "F12");
	assert_string_equal(key_name('S'), "S");
	assert_string_equal(key_name(0xe9), "\xc3\xa9");
	assert_string_equal(key_name(-1), "");
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",	"Foo",	"F0",  "F13", "F1x", "C-",  "C-1", "C-ab", "Ctrl-", "C-c",
		"C-z", "C-\\", "\x01", "\x7f", "\xc3", "\xc3\xa9x", "\xc2\x85", "SS", "Meta-x",
	};

	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(bad); i++) {
		const char *why = NULL;
		int key = -2;

		if (keymap_parse_key(bad[i], &key, &why) == 0)
			fail_msg("\"%s\" parsed as %d", bad[i], key);
		assert_non_null(why);
		assert_int_equal(key, -2);
	}
}

static void test_defaults(void **state)
{
	int keys[8];
	int arg = -1;

	(void)state;
	assert_int_equal(action_for_key('s'), ACT_START);
	assert_int_equal(action_for_key('X'), ACT_RESET);
	assert_int_equal(action_for_key(K_FN(KEY_DC)), ACT_VOL_DELETE);
	assert_int_equal(action_for_key('S'), -1);
	assert_int_equal(keymap_lookup('q', CTX_TREE, NULL), CMD_QUIT);
	assert_int_equal(keymap_lookup('\n', CTX_TREE, NULL), CMD_TOGGLE);
	assert_int_equal(keymap_lookup(K_FN(KEY_ENTER), CTX_CONTENT, NULL), CMD_OPEN);
	assert_int_equal(keymap_lookup('x', CTX_TASKS, NULL), CMD_TASK_CANCEL);
	assert_int_equal(keymap_lookup('x', CTX_TREE, NULL), CMD_NONE);
	assert_int_equal(keymap_lookup('3', CTX_CONTENT, &arg), CMD_TAB_GOTO);
	assert_int_equal(arg, 2);
	/* Enter once, though bound as \r, \n and KEY_ENTER. */
	assert_int_equal(keymap_keys(KEYMAP_CMD(CMD_TOGGLE), keys, 8), 2);
	assert_int_equal(keymap_keys(KEYMAP_CMD(CMD_HELP), keys, 8), 2);
	assert_int_equal(keys[0], K_FN(KEY_F(1)));
	assert_int_equal(keys[1], '?');
	assert_false(keymap_user(ACT_START));
	assert_false(keymap_needs_raw_flow());
	assert_int_equal(keymap_apply(NULL, 0, NULL), 0);
}

#define E(action, keys, line) { (char *)(action), (char *)(keys), (char *)"/etc/tve.conf", line }

static void test_replace(void **state)
{
	struct tve_key_cfg e[] = {
		E("start", "S", 3),
		E("quit", "C-q", 4),
		E("reset", "none", 5),
		E("pane-next", "Tab C-n", 6),
		E("open", "o Enter", 7),
		E("content-sort", "O", 8),
	};
	char *err = NULL;
	int keys[8];
	char **help;
	bool start_line = false, reset_line = false;

	(void)state;
	if (keymap_apply(e, TVE_ARRAY_SIZE(e), &err) != 0)
		fail_msg("%s", err);
	assert_int_equal(action_for_key('S'), ACT_START);
	assert_int_equal(action_for_key('s'), -1);	/* the default is gone */
	assert_int_equal(action_for_key('X'), -1);
	assert_int_equal(keymap_keys(ACT_RESET, keys, 8), 0);
	assert_int_equal(keymap_lookup(K_CTRL('Q'), CTX_TREE, NULL), CMD_QUIT);
	assert_int_equal(keymap_lookup('q', CTX_TREE, NULL), CMD_NONE);
	assert_int_equal(keymap_lookup(K_CTRL('N'), CTX_TASKS, NULL), CMD_PANE_NEXT);
	/* A rebound command keeps its panes: open in content and tasks. */
	assert_int_equal(keymap_lookup('o', CTX_CONTENT, NULL), CMD_OPEN);
	assert_int_equal(keymap_lookup('o', CTX_TASKS, NULL), CMD_OPEN);
	assert_int_equal(keymap_lookup('o', CTX_TREE, NULL), CMD_NONE);
	assert_int_equal(keymap_lookup(' ', CTX_CONTENT, NULL), CMD_NONE);
	assert_int_equal(keymap_lookup('\n', CTX_CONTENT, NULL), CMD_OPEN);
	assert_true(keymap_user(ACT_START));
	assert_false(keymap_user(ACT_STOP));
	assert_true(keymap_needs_raw_flow());

	help = help_lines();
	for (char **l = help; *l; l++) {
		start_line |= strstr(*l, "  S ") == *l && strstr(*l, "Start the guest");
		reset_line |= strstr(*l, "Hard-reset the guest (asks)") != NULL && (*l)[2] == ' ';
		if (strstr(*l, "Quit"))
			assert_non_null(strstr(*l, "Ctrl-Q"));
	}
	assert_true(start_line);
	assert_true(reset_line);
	tve_strv_free(help);

	keymap_reset();
	assert_int_equal(action_for_key('s'), ACT_START);
	assert_int_equal(keymap_lookup('q', CTX_TREE, NULL), CMD_QUIT);
	free(err);
}

/* Freeing a key (down = Down) lets another take it, whatever the order. */
static void test_swap(void **state)
{
	struct tve_key_cfg e[] = {
		E("start", "j", 1),
		E("down", "Down", 2),
		E("stop", "s", 3),
		E("start", "x", 9),	/* a later file's line wins */
	};
	char *err = NULL;

	(void)state;
	e[3].file = (char *)"/home/u/.config/tve/tve.conf";
	if (keymap_apply(e, TVE_ARRAY_SIZE(e), &err) != 0)
		fail_msg("%s", err);
	assert_int_equal(action_for_key('x'), ACT_START);
	assert_int_equal(action_for_key('s'), ACT_STOP);
	assert_int_equal(action_for_key('j'), -1);
	assert_int_equal(keymap_lookup('j', CTX_TREE, NULL), CMD_NONE);
	free(err);
}

static void test_errors(void **state)
{
	static const struct {
		struct tve_key_cfg e[3];
		size_t n;
		const char *want;
	} cases[] = {
		{ { E("strat", "S", 4) }, 1, "/etc/tve.conf:4: unknown action \"strat\" in [keys]" },
		{ { E("Start", "S", 2) }, 1, "/etc/tve.conf:2: unknown action \"Start\" in [keys]" },
		{ { E("start", "S", 2), E("stop", "Foo", 3) }, 2,
		  "/etc/tve.conf:3: stop: bad key \"Foo\": not a key name" },
		{ { E("start", "F13", 7) }, 1,
		  "/etc/tve.conf:7: start: bad key \"F13\": function keys are F1 to F12" },
		{ { E("quit", "C-c", 2) }, 1,
		  "/etc/tve.conf:2: quit: bad key \"C-c\": the terminal turns it into a signal" },
		{ { E("start", "S none", 5) }, 1, "/etc/tve.conf:5: start: none goes alone" },
		{ { E("quit", "none", 6) }, 1, "/etc/tve.conf:6: quit: it needs a key" },
		{ { E("help", "none", 8) }, 1, "/etc/tve.conf:8: help: it needs a key" },
		{ { E("tab-goto", "t", 2) }, 1, "/etc/tve.conf:2: tab-goto is the digits 1 to 9" },
		{ { E("start", "a b c d e f g h i", 2) }, 1, "/etc/tve.conf:2: start: more than 8 keys" },
		/* Two user lines: reported on the later one, both named. */
		{ { E("start", "S", 2), E("reset", "S", 5) }, 2,
		  "/etc/tve.conf:5: reset: key S is bound to both reset and start (line 2)" },
		{ { E("reset", "S", 5), E("start", "S", 2) }, 2,
		  "/etc/tve.conf:5: reset: key S is bound to both reset and start (line 2)" },
		/* A default: the user line, and what to do. */
		{ { E("start", "x", 3) }, 1,
		  "/etc/tve.conf:3: start: key x is bound to both start and stop (its default; bind "
		  "stop to another key too)" },
		{ { E("start", "j", 3) }, 1,
		  "/etc/tve.conf:3: start: key j is bound to both start and down (its default" },
		{ { E("start", "h", 3) }, 1,
		  "/etc/tve.conf:3: start: key h is bound to both start and collapse" },
		{ { E("start", "5", 3) }, 1,
		  "/etc/tve.conf:3: start: key 5 is bound to both start and tab-goto" },
		{ { E("menu", "C-l", 3) }, 1,
		  "/etc/tve.conf:3: menu: key Ctrl-L is bound to both menu and redraw" },
		{ { E("open", "x", 3), E("stop", "X", 4), E("reset", "none", 5) }, 3,
		  "/etc/tve.conf:3: open: key x is bound to both open and task-cancel" },
		/* Enter is one key however it arrives. */
		{ { E("expand", "C-m", 3) }, 1,
		  "/etc/tve.conf:3: expand: key Enter is bound to both expand and toggle" },
		{ { E("quit", "Tab", 3) }, 1,
		  "/etc/tve.conf:3: quit: key Tab is bound to both quit and pane-next" },
	};

	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(cases); i++) {
		char *err = NULL;

		keymap_reset();
		if (keymap_apply(cases[i].e, cases[i].n, &err) != -1)
			fail_msg("case %zu: accepted", i);
		assert_non_null(err);
		if (strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu:\n  got  %s\n  want %s", i, err, cases[i].want);
		/* The defaults are still in force. */
		assert_int_equal(action_for_key('s'), ACT_START);
		assert_int_equal(keymap_lookup('q', CTX_ALL, NULL), CMD_QUIT);
		free(err);
	}
}

/* x serves stop and, in the task panel, task-cancel (the defaults): a key
 * may be a pane's command and an action when the pane is the task panel. */
static void test_task_panel_share(void **state)
{
	struct tve_key_cfg e[] = {
		E("task-cancel", "c", 2),
		E("stop", "x", 3),
	};
	char *err = NULL;

	(void)state;
	if (keymap_apply(e, TVE_ARRAY_SIZE(e), &err) != 0)
		fail_msg("%s", err);
	assert_int_equal(keymap_lookup('c', CTX_TASKS, NULL), CMD_TASK_CANCEL);
	assert_int_equal(action_for_key('c'), ACT_CREATE_VM);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_names, reset),
		cmocka_unit_test_setup(test_parse_good, reset),
		cmocka_unit_test_setup(test_parse_bad, reset),
		cmocka_unit_test_setup(test_defaults, reset),
		cmocka_unit_test_setup(test_replace, reset),
		cmocka_unit_test_setup(test_swap, reset),
		cmocka_unit_test_setup(test_errors, reset),
		cmocka_unit_test_setup(test_task_panel_share, reset),
	};

	return cmocka_run_group_tests(tests, NULL, reset);
}
