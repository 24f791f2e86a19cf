/* actions.c - the action table, key bindings and the generated help. */
#include "actions.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "keymap.h"
#include "task.h"
#include "tui.h"

const struct action_info action_table[ACT__COUNT] = {
#define X(id, key, label, help, confirm, applies, gact) \
	[ACT_##id] = { key, label, help, confirm, applies, gact },
	TUI_ACTIONS(X)
#undef X
};

static const char *const cmd_help[CMD__COUNT] = {
#define X(id, help) [CMD_##id] = help,
	TUI_COMMANDS(X)
#undef X
};

#define ENTER_KEYS(cmd, ctx) \
	{ '\r', 0, cmd, ctx }, { '\n', 0, cmd, ctx }, { K_FN(KEY_ENTER), 0, cmd, ctx }

/* The defaults; the user's [keys] go over them (keymap.c). */
const struct binding default_bindings[] = {
	{ K_FN(KEY_F(1)), 0, CMD_HELP, CTX_ALL },
	{ '?', 0, CMD_HELP, CTX_ALL },
	{ 'm', 0, CMD_MENU, CTX_ALL },
	{ K_FN(KEY_F(2)), 0, CMD_MENU, CTX_ALL },
	{ 'q', 0, CMD_QUIT, CTX_ALL },
	{ K_FN(KEY_F(10)), 0, CMD_QUIT, CTX_ALL },
	{ '/', 0, CMD_FILTER, CTX_ALL },
	{ '\t', 0, CMD_PANE_NEXT, CTX_ALL },
	{ K_FN(KEY_BTAB), 0, CMD_PANE_PREV, CTX_ALL },
	{ K_CTRL('L'), 0, CMD_REDRAW, CTX_ALL },
	{ K_CTRL('T'), 0, CMD_THEME, CTX_ALL },
	{ K_FN(KEY_UP), 0, CMD_UP, CTX_ALL },
	{ 'k', 0, CMD_UP, CTX_ALL },
	{ K_FN(KEY_DOWN), 0, CMD_DOWN, CTX_ALL },
	{ 'j', 0, CMD_DOWN, CTX_ALL },
	{ K_FN(KEY_PPAGE), 0, CMD_PAGE_UP, CTX_ALL },
	{ K_CTRL('B'), 0, CMD_PAGE_UP, CTX_ALL },
	{ K_FN(KEY_NPAGE), 0, CMD_PAGE_DOWN, CTX_ALL },
	{ K_CTRL('F'), 0, CMD_PAGE_DOWN, CTX_ALL },
	{ K_FN(KEY_HOME), 0, CMD_HOME, CTX_ALL },
	{ 'g', 0, CMD_HOME, CTX_ALL },
	{ K_FN(KEY_END), 0, CMD_END, CTX_ALL },
	{ 'G', 0, CMD_END, CTX_ALL },

	{ K_FN(KEY_LEFT), 0, CMD_COLLAPSE, CTX_TREE },
	{ 'h', 0, CMD_COLLAPSE, CTX_TREE },
	{ K_FN(KEY_RIGHT), 0, CMD_EXPAND, CTX_TREE },
	{ 'l', 0, CMD_EXPAND, CTX_TREE },
	ENTER_KEYS(CMD_TOGGLE, CTX_TREE),
	{ ' ', 0, CMD_TOGGLE, CTX_TREE },

	{ K_FN(KEY_LEFT), 0, CMD_TAB_PREV, CTX_CONTENT },
	{ 'h', 0, CMD_TAB_PREV, CTX_CONTENT },
	{ '[', 0, CMD_TAB_PREV, CTX_CONTENT },
	{ K_FN(KEY_RIGHT), 0, CMD_TAB_NEXT, CTX_CONTENT },
	{ 'l', 0, CMD_TAB_NEXT, CTX_CONTENT },
	{ ']', 0, CMD_TAB_NEXT, CTX_CONTENT },
	{ '1', '9', CMD_TAB_GOTO, CTX_CONTENT },
	ENTER_KEYS(CMD_OPEN, CTX_CONTENT | CTX_TASKS),
	{ ' ', 0, CMD_OPEN, CTX_CONTENT | CTX_TASKS },

	{ K_ESC, 0, CMD_BACK, CTX_ALL },

	{ 'v', 0, CMD_CONTENT_VIEW, CTX_CONTENT },
	{ 'o', 0, CMD_CONTENT_SORT, CTX_CONTENT },
	{ K_FN(KEY_DC), 0, CMD_TASK_CANCEL, CTX_TASKS },
	{ 'x', 0, CMD_TASK_CANCEL, CTX_TASKS },
};

const size_t n_default_bindings = TVE_ARRAY_SIZE(default_bindings);

/* Growing array of lines. */
struct lines {
	char **v;
	size_t n, cap;
};

static void add(struct lines *l, char *s)
{
	if (l->n + 2 > l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = tve_xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = s;
	l->v[l->n] = NULL;
}

/* Keys bound to cmd in exactly this section ("Up k"). */
static void keys_of(enum cmd cmd, unsigned section, char *buf, size_t len)
{
	size_t n;
	const struct binding *bindings = keymap_bindings(&n);

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct binding *b = &bindings[i];
		char name[32];

		if (b->cmd != cmd)
			continue;
		if (section == CTX_ALL ? b->ctx != CTX_ALL : (b->ctx == CTX_ALL || !(b->ctx & section)))
			continue;
		if (b->last)
			snprintf(name, sizeof(name), "%s-", key_name(b->key));
		else
			name[0] = '\0';
		snprintf(name + strlen(name), sizeof(name) - strlen(name), "%s",
			 key_name(b->last ? b->last : b->key));
		if (strstr(buf, name))
			continue;	/* Enter: \r, \n and KEY_ENTER */
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", *buf ? " " : "", name);
	}
}

char **help_lines(void)
{
	static const struct { unsigned ctx; const char *title; } sections[] = {
		{ CTX_ALL, "Everywhere" },
		{ CTX_TREE, "Resource tree (left)" },
		{ CTX_CONTENT, "Content pane (right)" },
		{ CTX_TASKS, "Task panel (bottom)" },
	};
	static const char *const tail[] = {
		"",
		"Filter (after /)",
		"  type           Narrow the tree as you type",
		"  Backspace      Delete a character (Ctrl-U: all)",
		"  Enter          Keep the filter;  Esc  clear it",
		"  Up Down        Move in the tree meanwhile",
		"",
		"Dialogs",
		"  y  n Esc       Yes / No in a confirmation (default: No)",
		"  Tab Left Right Move between buttons;  Enter activates",
		"  Up Down Enter  Pick from the action menu, or press the item's key",
		"  Esc q          Close the menu, help or a task log",
		"",
		"Create wizards (c, C)",
		"  Tab Up Down    Move between fields;  Enter: next field",
		"  Ctrl-N Ctrl-P  Next page (Finish on Confirm) / back",
		"  Esc            Cancel (asks);  F1 the wizard's keys",
		"  Space Left Right  Open / step through a choice; toggle a checkbox",
		"",
		"Storage (A, e, D; on a Content row: n, Del, r, M, U, w; Enter: its menu)",
		"  Content views  v: disk images, ISO images, templates, backups",
		"  Order, filter  o: by name, size, owner;  /: by name",
		"  Owner          the guest ID in the name (vm-100-disk-0: 100)",
		"  Guest          the guest whose disks use the volume",
		"  Provisioned    volume sizes added up; above the storage's size",
		"                 it is over-committed (thin volumes)",
		"  Tasks          a transfer shows [####......] 41% and its rate;",
		"                 Del or x in the task panel cancels it (asks)",
		"",
		"Resource tree symbols",
		"  R running   P paused     S stopped   D shutting down",
		"  C crashed   Z suspended  B blocked   ? unknown",
		"  R 100 web01        a VM with ID 100",
		"  R 105 dns1 (CT)    a container",
		"  S   - scratch      a guest without an ID yet (press i)",
		"  pve2 [offline]     node unreachable; [...] connecting;",
		"                     [stale] data from before a disconnect",
		"  [storage] local    a storage pool of the node above",
		"  -                  a value not known",
	};
	struct lines l = { 0 };
	char keys[128];

	add(&l, tve_xasprintf("tve %s - keys", TVE_VERSION));
	for (size_t s = 0; s < TVE_ARRAY_SIZE(sections); s++) {
		add(&l, tve_xstrdup(""));
		add(&l, tve_xstrdup(sections[s].title));
		for (int c = 1; c < CMD__COUNT; c++) {
			keys_of((enum cmd)c, sections[s].ctx, keys, sizeof(keys));
			if (*keys)
				add(&l, tve_xasprintf("  %-14s %s", keys, cmd_help[c]));
		}
	}
	add(&l, tve_xstrdup(""));
	add(&l, tve_xstrdup("Actions on the selection (also in the menu, m)"));
	for (int i = 0; i < ACT__COUNT; i++) {
		const struct action_info *a = &action_table[i];
		int k[8];
		size_t n = keymap_keys(i, k, TVE_ARRAY_SIZE(k));

		keys[0] = '\0';
		for (size_t j = 0; j < n && j < TVE_ARRAY_SIZE(k); j++)
			snprintf(keys + strlen(keys), sizeof(keys) - strlen(keys), "%s%s", j ? " " : "",
				 key_name(k[j]));
		add(&l, tve_xasprintf("  %-14s %-14s %s%s", keys, a->label, a->help,
				      a->confirm ? " (asks)" : ""));
	}
	for (size_t i = 0; i < TVE_ARRAY_SIZE(tail); i++)
		add(&l, tve_xstrdup(tail[i]));
	return l.v;
}
