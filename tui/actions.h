/* actions.h - every key of the console, from one place.
 *
 * TUI_ACTIONS lists what can be done to an object: its key, the label the
 * action menu shows, the help line, whether it asks first, what it applies
 * to, and the backend action it starts.  TUI_COMMANDS lists navigation and
 * console commands; their keys are bound in actions.c.  The help screen is
 * generated from both, so it cannot drift from what the keys do.  These
 * are the defaults: tve.conf's [keys] may rebind any of them (keymap.h);
 * an action that asks first asks whatever key starts it. */
#ifndef TVE_TUI_ACTIONS_H
#define TVE_TUI_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "driver.h"

enum applies {
	APPLY_DC = 1 << 0,
	APPLY_NODE = 1 << 1,
	APPLY_GUEST = 1 << 2,
	APPLY_POOL = 1 << 3,
	APPLY_ANY = 0xf,	/* the tree's objects */
	APPLY_VOLUME = 1 << 4,	/* a row of a storage's Content tab */
};

/* Backend action not tied to a guest lifecycle call. */
#define ACT_NO_GUEST_ACTION (-1)

/* X(id, key, label, help, confirm, applies, guest action) */
#define TUI_ACTIONS(X) \
	X(START,    's', "Start",        "Start the guest",                         false, APPLY_GUEST, TVE_ACT_START) \
	X(SHUTDOWN, 'd', "Shutdown",     "Shut the guest down cleanly (ACPI)",      true,  APPLY_GUEST, TVE_ACT_SHUTDOWN) \
	X(STOP,     'x', "Stop",         "Power the guest off at once",             true,  APPLY_GUEST, TVE_ACT_STOP) \
	X(REBOOT,   'b', "Reboot",       "Reboot the guest (ACPI)",                 true,  APPLY_GUEST, TVE_ACT_REBOOT) \
	X(RESET,    'X', "Reset",        "Hard-reset the guest",                    true,  APPLY_GUEST, TVE_ACT_RESET) \
	X(PAUSE,    'p', "Pause",        "Pause the guest (freeze its CPUs)",       false, APPLY_GUEST, TVE_ACT_PAUSE) \
	X(RESUME,   'u', "Resume",       "Resume a paused guest",                   false, APPLY_GUEST, TVE_ACT_RESUME) \
	X(SET_ID,   'i', "Assign ID",    "Give the guest the next free ID (100+)",  false, APPLY_GUEST, ACT_NO_GUEST_ACTION) \
	X(REFRESH,  'R', "Refresh node", "Reload the node's data now, or connect again (Datacenter: all)", false, APPLY_ANY, ACT_NO_GUEST_ACTION) \
	X(ADD_NODE, 'N', "Add node",     "Add a remote node reached over ssh (form)", false, APPLY_ANY, ACT_NO_GUEST_ACTION) \
	X(CREATE_VM, 'c', "Create VM",   "Create a virtual machine (wizard) on this node", false, APPLY_ANY, ACT_NO_GUEST_ACTION) \
	X(CREATE_CT, 'C', "Create CT",   "Create a container (wizard) on this node", false, APPLY_ANY, ACT_NO_GUEST_ACTION) \
	X(TEMPLATE, 'T', "Debian template", "Make a Debian 12 container template in this storage (debootstrap, ~60 MiB download)", true, APPLY_POOL, ACT_NO_GUEST_ACTION) \
	X(ADD_STORAGE, 'A', "Add storage", "Add a storage to the node (wizard)", false, APPLY_DC | APPLY_NODE | APPLY_POOL, ACT_NO_GUEST_ACTION) \
	X(STORAGE_SET, 'e', "Enable/disable", "Start or stop the storage; autostart", false, APPLY_POOL, ACT_NO_GUEST_ACTION) \
	X(STORAGE_DEL, 'D', "Remove storage", "Remove the storage; data is kept", true, APPLY_POOL, ACT_NO_GUEST_ACTION) \
	X(VOL_CREATE, 'n', "Create volume", "New empty volume in the storage", false, APPLY_POOL | APPLY_VOLUME, ACT_NO_GUEST_ACTION) \
	X(VOL_DELETE, K_FN(KEY_DC), "Delete volume", "Delete the selected volume", true, APPLY_VOLUME, ACT_NO_GUEST_ACTION) \
	X(VOL_RESIZE, 'r', "Resize volume", "Grow the selected volume", false, APPLY_VOLUME, ACT_NO_GUEST_ACTION) \
	X(VOL_COPY, 'M', "Copy/move", "Copy/move the volume to another storage", false, APPLY_VOLUME, ACT_NO_GUEST_ACTION) \
	X(VOL_UPLOAD, 'U', "Upload", "Upload a file of this host", false, APPLY_POOL | APPLY_VOLUME, ACT_NO_GUEST_ACTION) \
	X(VOL_DOWNLOAD, 'w', "Download URL", "Download from a URL into the storage", false, APPLY_POOL | APPLY_VOLUME, ACT_NO_GUEST_ACTION)

enum action {
#define X(id, key, label, help, confirm, applies, gact) ACT_##id,
	TUI_ACTIONS(X)
#undef X
	ACT__COUNT
};

struct action_info {
	int key;		/* the default; keymap_keys() has those in force */
	const char *label;
	const char *help;
	bool confirm;
	unsigned applies;
	int guest_action;	/* enum tve_guest_action or ACT_NO_GUEST_ACTION */
};
extern const struct action_info action_table[ACT__COUNT];

/* X(id, help) */
#define TUI_COMMANDS(X) \
	X(HELP,      "Show this help") \
	X(MENU,      "Action menu for the selection") \
	X(QUIT,      "Quit (asks while tasks are running)") \
	X(FILTER,    "Filter the tree (name, ID or tag), or a storage's Content tab") \
	X(PANE_NEXT, "Next pane: tree, content, tasks") \
	X(PANE_PREV, "Previous pane") \
	X(REDRAW,    "Repaint the screen") \
	X(THEME,     "Pick a theme (live preview; Enter keeps it for this session)") \
	X(UP,        "Move up") \
	X(DOWN,      "Move down") \
	X(PAGE_UP,   "Page up") \
	X(PAGE_DOWN, "Page down") \
	X(HOME,      "First line") \
	X(END,       "Last line") \
	X(COLLAPSE,  "Collapse node, or go to its parent") \
	X(EXPAND,    "Expand node, or go to its first child") \
	X(TOGGLE,    "Expand/collapse node; Enter on others opens content") \
	X(TAB_PREV,  "Previous tab") \
	X(TAB_NEXT,  "Next tab") \
	X(TAB_GOTO,  "Go to tab N") \
	X(OPEN,      "Open the row: guest, storage or task log") \
	X(BACK,      "Clear the filter / back to the tree") \
	X(CONTENT_VIEW, "Storage Content tab: next view (images, ISO, templates, backups)") \
	X(CONTENT_SORT, "Storage Content tab: order by name, size or owner") \
	X(TASK_CANCEL, "Cancel the selected task (downloads, uploads, copies; asks)")

enum cmd {
	CMD_NONE,
#define X(id, help) CMD_##id,
	TUI_COMMANDS(X)
#undef X
	CMD__COUNT
};

/* Where a binding applies: the focused pane. */
enum ctx {
	CTX_TREE = 1 << 0,
	CTX_CONTENT = 1 << 1,
	CTX_TASKS = 1 << 2,
	CTX_ALL = 0x7,
};

/* Keys: characters are their code point; function keys are the curses
 * KEY_* code with K_FN set, so they never collide with characters. */
#define K_FN_BIT 0x1000000
#define K_FN(k) ((int)(k) | K_FN_BIT)
#define K_CTRL(c) ((c) & 0x1f)
#define K_ESC 27

/* The command bound to key in ctx (CMD_NONE if none); *arg gets the
 * binding's offset for ranges (TAB_GOTO: 0 for '1'). */
enum cmd keymap_lookup(int key, unsigned ctx, int *arg);
/* The action whose key this is, or -1.  (Both in keymap.c.) */
int action_for_key(int key);
/* "F1", "Up", "Ctrl-L", "q" ... (static storage; "" for -1, no key). */
const char *key_name(int key);

/* The help text: NULL-terminated array of lines (free with tve_strv_free). */
char **help_lines(void);

#endif
