/* theme.h - colour by role.
 *
 * Drawing code asks for a role's attributes, never for a colour.  Each role
 * has a colour default and a monochrome default; the monochrome set is used
 * when the terminal has no colours, NO_COLOR is set or --no-color is given.
 * A theme file (INI, "role = fg,bg,attrs", themes/NAME.theme) overrides the
 * colour defaults.  Themes may use 256 colours; on a terminal with fewer
 * they step down by table to 16, then 8. */
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

/* One role's colours: fg and bg are 0..255 (xterm's 256 colours) or -1,
 * the terminal's default (for a role other than normal: normal's colour). */
struct theme_role {
	short fg, bg;
	int attr;
};

struct theme {
	struct theme_role r[ROLE__COUNT];
};

/* Parsing and finding themes; none of these needs curses to be started. */

/* The built-in colours (the default theme). */
void theme_defaults(struct theme *t);
/* Reads the theme file path over t ("role = fg,bg[,attrs]" lines; colours
 * are names, 0-255 or "default"; attrs bold, reverse, underline, dim,
 * standout, blink, normal).  0, or -1 with *err = "PATH:LINE: message" and
 * t partly changed. */
int theme_parse_file(struct theme *t, const char *path, char **err);
/* NAME.theme in $XDG_CONFIG_HOME/tve/themes, else installed, else the
 * source tree; NULL if none (newly allocated otherwise). */
char *theme_path(const char *name);
/* Defaults, then NAME's file.  "default" needs no file (a user's
 * default.theme still overrides it).  0, or -1 with *err. */
int theme_read(struct theme *t, const char *name, char **err);
/* Every theme name found, sorted, without duplicates, "default" always
 * among them; NULL-terminated, free with tve_strv_free(). */
char **theme_list(void);
/* Colour c (-1, 0..255) for a terminal with ncolours colours: itself with
 * 256 or more, else the nearest of 16 by table, and of those, of 8. */
short theme_step_down(short c, int ncolours);

/* Reads NAME (NULL = default) as the theme to use, before curses starts.
 * 0, or -1 with *err = "PATH:LINE: message" (or a not-found message). */
int theme_load(const char *name, char **err);
/* After initscr: chooses colour or monochrome and sets up pairs. */
void theme_init(bool want_color);
/* Makes t (called name) the theme in use, at once (after theme_init).
 * Windows' backgrounds and drawn cells need a redraw. */
void theme_apply(const struct theme *t, const char *name);
/* The theme in use, and its name. */
void theme_current(struct theme *out);
const char *theme_name(void);
int theme_attr(enum role r);
bool theme_mono(void);

/* theme_picker.c: the theme list with live preview (Ctrl-T).  Keys go to
 * it while it is open; Enter keeps the theme for this session, Esc puts
 * back the one before. */
struct app;
void theme_picker_open(struct app *a);
bool theme_picker_active(void);
void theme_picker_key(struct app *a, int key);
void theme_picker_place(void);
void theme_picker_draw(void);

#endif
