/* keymap.h - the keys of the console: the default bindings, the user's
 * [keys] of tve.conf over them, and key names both ways.
 *
 * A binding target is an action of TUI_ACTIONS (id 0 .. ACT__COUNT-1) or a
 * command of TUI_COMMANDS (KEYMAP_CMD(cmd)); its name in tve.conf is its
 * X-macro id in lower case with '-' ("set-id", "pane-next").  Nothing
 * here needs initscr, so the unit tests link it alone. */
#ifndef TVE_TUI_KEYMAP_H
#define TVE_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "config.h"

#define KEYMAP_CMD(c) (ACT__COUNT + (int)(c))
#define KEYMAP_N (ACT__COUNT + CMD__COUNT)	/* ids 0 .. KEYMAP_N-1; KEYMAP_CMD(CMD_NONE) unused */

/* A command key, bound where ctx says (a range: key..last, e.g. 1-9). */
struct binding {
	int key, last;		/* last > key: a range */
	enum cmd cmd;
	unsigned ctx;
};

/* The default command bindings (actions.c). */
extern const struct binding default_bindings[];
extern const size_t n_default_bindings;

/* "start", "pane-next" ... (static storage); NULL for a bad id. */
const char *keymap_name(int id);
/* The id of a name, or -1. */
int keymap_find(const char *name);
/* One key name as tve.conf writes it: a character, C-x (Ctrl-x), F1..F12,
 * Enter, Esc, Tab, S-Tab (Shift-Tab), Del, Ins, Home, End, PgUp, PgDn,
 * Up, Down, Left, Right, Space (names in any case).  0, or -1 with *why
 * (static text). */
int keymap_parse_key(const char *name, int *key, const char **why);
/* Replaces the bindings of the actions and commands entries name by the
 * keys they give ("none": no key) over the defaults.  0, or -1 with *err
 * = "FILE:LINE: message" for the first bad entry (unknown action, bad key,
 * a key bound twice, quit or help left without a key); the bindings are
 * then as before. */
int keymap_apply(const struct tve_key_cfg *entries, size_t n, char **err);
/* Back to the defaults. */
void keymap_reset(void);
/* The keys bound to id, in order (up to max); returns how many there are. */
size_t keymap_keys(int id, int *keys, size_t max);
/* True when the user's [keys] set id's keys. */
bool keymap_user(int id);
/* The command bindings in force (for the help screen). */
const struct binding *keymap_bindings(size_t *n);
/* True when C-q or C-s is bound: the terminal's flow control must be off
 * for them to arrive. */
bool keymap_needs_raw_flow(void);

#endif
