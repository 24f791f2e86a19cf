/* bars.c - the title bar, the status line and the too-small notice. */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "draw.h"
#include "keymap.h"
#include "storage.h"
#include "theme.h"
#include "tui.h"

void bars_draw_top(struct app *a)
{
	WINDOW *w = a->lay.top;
	int cols = a->lay.cols, online = 0;
	size_t running = tve_taskstore_running(a->ts);
	char right[96];
	struct pen p;

	for (size_t i = 0; i < a->n_nodes; i++)
		if (app_snap(a, i)->state == TVE_NODE_ONLINE)
			online++;
	if (running)
		snprintf(right, sizeof(right), "%zu task%s running | %d/%zu nodes online ", running,
			 running == 1 ? "" : "s", online, a->n_nodes);
	else
		snprintf(right, sizeof(right), "%d/%zu nodes online ", online, a->n_nodes);
	pen_start(&p, w, 0, 0, cols);
	pen_text(&p, theme_attr(ROLE_TITLE), " tve " TVE_VERSION "  Virtual Environment console");
	pen_fill(&p, theme_attr(ROLE_TITLE), cols);
	if (text_width(right) < cols - 40) {
		pen_start(&p, w, 0, cols - text_width(right), cols);
		pen_text(&p, theme_attr(ROLE_TITLE), right);
	}
}

/* A hint names its keys as written here while they are the defaults;
 * rebound in [keys], the keys in force (ids: keymap ids, -1 none). */
struct hint {
	const char *key, *label;
	int id, id2;
};

#define CMD_ID(c) KEYMAP_CMD(CMD_##c)

static const struct hint tree_hints[] = {
	{ "F1/?", "Help", CMD_ID(HELP), -1 }, { "m", "Menu", CMD_ID(MENU), -1 },
	{ "c/C", "Create", ACT_CREATE_VM, ACT_CREATE_CT }, { "/", "Filter", CMD_ID(FILTER), -1 },
	{ "Enter", "Open", CMD_ID(TOGGLE), -1 }, { "Tab", "Pane", CMD_ID(PANE_NEXT), -1 },
	{ "q", "Quit", CMD_ID(QUIT), -1 },
};
static const struct hint content_hints[] = {
	{ "F1/?", "Help", CMD_ID(HELP), -1 }, { "m", "Menu", CMD_ID(MENU), -1 },
	{ "c/C", "Create", ACT_CREATE_VM, ACT_CREATE_CT }, { "[ ]", "Tabs", CMD_ID(TAB_PREV), CMD_ID(TAB_NEXT) },
	{ "Enter", "Open", CMD_ID(OPEN), -1 }, { "Tab", "Pane", CMD_ID(PANE_NEXT), -1 },
	{ "q", "Quit", CMD_ID(QUIT), -1 },
};
static const struct hint volume_hints[] = {
	{ "F1/?", "Help", CMD_ID(HELP), -1 }, { "m", "Menu", CMD_ID(MENU), -1 },
	{ "v", "View", CMD_ID(CONTENT_VIEW), -1 }, { "o", "Order", CMD_ID(CONTENT_SORT), -1 },
	{ "/", "Filter", CMD_ID(FILTER), -1 }, { "n", "New", ACT_VOL_CREATE, -1 },
	{ "w", "Download", ACT_VOL_DOWNLOAD, -1 }, { "Enter", "Actions", CMD_ID(OPEN), -1 },
};
static const struct hint task_hints[] = {
	{ "F1/?", "Help", CMD_ID(HELP), -1 }, { "Enter", "Log", CMD_ID(OPEN), -1 },
	{ "Del/x", "Cancel task", CMD_ID(TASK_CANCEL), -1 }, { "Tab", "Pane", CMD_ID(PANE_NEXT), -1 },
	{ "q", "Quit", CMD_ID(QUIT), -1 },
};
static const struct hint filter_hints[] = {
	{ "Enter", "Keep", -1, -1 }, { "Esc", "Clear", -1, -1 },
	{ "Up/Down", "Move", CMD_ID(UP), CMD_ID(DOWN) },
};

/* The keys of a hint: "" when nothing is bound. */
static void hint_keys(const struct hint *h, char *buf, size_t len)
{
	const int ids[2] = { h->id, h->id2 };

	if (!keymap_user(h->id) && !keymap_user(h->id2)) {
		snprintf(buf, len, "%s", h->key);
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < 2; i++) {
		int keys[2];
		size_t n = TUI_MIN(keymap_keys(ids[i], keys, 2), h->id2 >= 0 ? 1 : 2);

		for (size_t k = 0; k < n; k++)
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s", *buf ? "/" : "",
				 key_name(keys[k]));
	}
}

static void hints(struct pen *p, const struct hint *h, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char keys[48];

		hint_keys(&h[i], keys, sizeof(keys));
		if (!*keys)
			continue;	/* bound to none */
		if (p->x > 0)
			pen_text(p, theme_attr(ROLE_HINT), "  ");
		pen_text(p, theme_attr(ROLE_HINT_KEY), keys);
		pen_text(p, theme_attr(ROLE_HINT), " ");
		pen_text(p, theme_attr(ROLE_HINT), h[i].label);
	}
}

void bars_draw_status(struct app *a)
{
	struct pen p;

	pen_start(&p, a->lay.status, 0, 0, a->lay.cols);
	if (a->quit_prompt) {
		size_t n = tve_taskstore_running(a->ts);
		char q[96];

		snprintf(q, sizeof(q), "%zu task%s still running. Quit tve? (y/N)", n, n == 1 ? "" : "s");
		pen_text(&p, theme_attr(ROLE_MESSAGE), q);
	} else if (a->filter_edit) {
		size_t cap;

		pen_text(&p, theme_attr(ROLE_FILTER), "/");
		pen_text(&p, theme_attr(ROLE_FILTER), app_filter_buf(a, &cap));
		pen_text(&p, A_REVERSE, " ");
		hints(&p, filter_hints, TVE_ARRAY_SIZE(filter_hints));
	} else if (a->msg) {
		pen_text(&p, theme_attr(a->msg_error ? ROLE_MESSAGE_ERROR : ROLE_MESSAGE), a->msg);
	} else if (a->focus == PANE_TREE) {
		hints(&p, tree_hints, TVE_ARRAY_SIZE(tree_hints));
	} else if (a->focus == PANE_CONTENT && storage_content_shown(a)) {
		hints(&p, volume_hints, TVE_ARRAY_SIZE(volume_hints));
	} else if (a->focus == PANE_CONTENT) {
		hints(&p, content_hints, TVE_ARRAY_SIZE(content_hints));
	} else {
		hints(&p, task_hints, TVE_ARRAY_SIZE(task_hints));
	}
	pen_fill(&p, theme_attr(ROLE_NORMAL), a->lay.cols);
}

void bars_draw_small(struct app *a)
{
	WINDOW *w = a->lay.small;
	int cols = a->lay.cols, y = a->lay.lines / 2, quit = 'q';
	char msg[96], now[64];
	struct pen p;

	snprintf(msg, sizeof(msg), "terminal too small (need %dx%d)", MIN_COLS, MIN_LINES);
	keymap_keys(KEYMAP_CMD(CMD_QUIT), &quit, 1);
	snprintf(now, sizeof(now), "now %dx%d; %s quits", cols, a->lay.lines, key_name(quit));
	wattrset(w, theme_attr(ROLE_NORMAL));
	werase(w);
	pen_start(&p, w, y, TUI_MAX((cols - (int)strlen(msg)) / 2, 0), cols);
	pen_text(&p, theme_attr(ROLE_NORMAL), msg);
	if (y + 1 < a->lay.lines) {
		pen_start(&p, w, y + 1, TUI_MAX((cols - (int)strlen(now)) / 2, 0), cols);
		pen_text(&p, theme_attr(ROLE_NORMAL), now);
	}
}
