/* theme.h - colour by role.
 *
 * Drawing code asks for a role's attributes, never for a colour.  Each role
 * has a colour default and a monochrome default; the monochrome set is used
 * when the terminal has no colours, NO_COLOR is set or --no-color is given.
 * A theme file (INI, "role = fg,bg,attrs") overrides the colour defaults. */
#ifndef TVE_TUI_THEME_H
#define TVE_TUI_THEME_H

#include <stdbool.h>

#include <curses.h>

/* X(id, name, fg, bg, colour attrs, mono attrs); -1 = terminal default. */
#define THEME_ROLES(X) \
	X(NORMAL,         "normal",            -1, -1,           A_NORMAL, A_NORMAL) \
	X(TITLE,          "title",             COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE) \
	X(HEADER,         "header",            COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_UNDERLINE) \
	X(HEADER_FOCUS,   "header.focus",      COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE) \
	X(TAB_ACTIVE,     "tab.active",        COLOR_YELLOW, COLOR_BLUE, A_BOLD, A_BOLD) \
	X(BORDER,         "border",            COLOR_BLUE, -1,   A_NORMAL, A_NORMAL) \
	X(TREE_SELECTED,  "tree.selected",     COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE) \
	X(TREE_INACTIVE,  "tree.selected.inactive", COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_BOLD) \
	X(TREE_NODE,      "tree.node",         -1, -1,           A_BOLD, A_BOLD) \
	X(TREE_STORAGE,   "tree.storage",      COLOR_CYAN, -1,   A_NORMAL, A_NORMAL) \
	X(STATE_RUNNING,  "state.running",     COLOR_GREEN, -1,  A_BOLD, A_BOLD) \
	X(STATE_STOPPED,  "state.stopped",     -1, -1,           A_NORMAL, A_NORMAL) \
	X(STATE_PAUSED,   "state.paused",      COLOR_YELLOW, -1, A_BOLD, A_NORMAL) \
	X(STATE_ERROR,    "state.error",       COLOR_RED, -1,    A_BOLD, A_BOLD) \
	X(NODE_ONLINE,    "node.online",       COLOR_GREEN, -1,  A_NORMAL, A_NORMAL) \
	X(NODE_OFFLINE,   "node.offline",      COLOR_RED, -1,    A_BOLD, A_BOLD) \
	X(NODE_CONNECTING, "node.connecting",  COLOR_YELLOW, -1, A_NORMAL, A_NORMAL) \
	X(TASK_OK,        "task.ok",           COLOR_GREEN, -1,  A_NORMAL, A_NORMAL) \
	X(TASK_RUNNING,   "task.running",      COLOR_YELLOW, -1, A_BOLD, A_BOLD) \
	X(TASK_ERROR,     "task.error",        COLOR_RED, -1,    A_BOLD, A_BOLD) \
	X(LABEL,          "label",             COLOR_CYAN, -1,   A_NORMAL, A_BOLD) \
	X(DIM,            "dim",               COLOR_BLUE, -1,   A_BOLD, A_DIM) \
	X(BAR_USED,       "bar.used",          COLOR_GREEN, -1,  A_BOLD, A_BOLD) \
	X(BAR_FREE,       "bar.free",          -1, -1,           A_NORMAL, A_NORMAL) \
	X(HINT,           "hint",              -1, -1,           A_NORMAL, A_NORMAL) \
	X(HINT_KEY,       "hint.key",          COLOR_CYAN, -1,   A_BOLD, A_BOLD) \
	X(MESSAGE,        "message",           -1, -1,           A_BOLD, A_BOLD) \
	X(MESSAGE_ERROR,  "message.error",     COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE) \
	X(FILTER,         "filter",            COLOR_YELLOW, -1, A_BOLD, A_BOLD) \
	X(DIALOG,         "dialog",            COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_NORMAL) \
	X(DIALOG_BORDER,  "dialog.border",     COLOR_BLUE, COLOR_WHITE, A_NORMAL, A_NORMAL) \
	X(DIALOG_TITLE,   "dialog.title",      COLOR_BLUE, COLOR_WHITE, A_BOLD, A_BOLD) \
	X(DIALOG_SELECTED, "dialog.selected",  COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE) \
	X(DIALOG_DISABLED, "dialog.disabled",  COLOR_BLUE, COLOR_WHITE, A_NORMAL, A_DIM)

enum role {
#define X(id, name, fg, bg, attr, mono) ROLE_##id,
	THEME_ROLES(X)
#undef X
	ROLE__COUNT
};

/* Reads NAME.theme (user config dir, then installed, then source tree)
 * before curses starts.  "default" or NULL needs no file.  0, or -1 with
 * *err = "FILE:LINE: message" (or a missing-file message). */
int theme_load(const char *name, char **err);
/* After initscr: chooses colour or monochrome and sets up pairs. */
void theme_init(bool want_color);
int theme_attr(enum role r);
bool theme_mono(void);

#endif
