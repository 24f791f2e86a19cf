/* nodes.h - the Add Node form and the questions ssh nodes ask the user
 * (host key, passphrase), in node_dialogs.c. */
#ifndef TVE_TUI_NODES_H
#define TVE_TUI_NODES_H

#include <stdbool.h>

struct app;

/* Opens the Add Node form. */
void node_add_open(struct app *a);
/* Where added nodes are saved: the config file (NULL: not saved, the
 * nodes came from the command line); auto_nodes: tve picked this host's
 * nodes itself (the file has none), so they are saved first. */
void node_config_set(const char *path, bool auto_nodes);
void node_config_saved(void);

/* Opens the next question a node waits for (unknown host key, changed
 * key, passphrase), once per node and key, when nothing else floats over
 * the console.  Called after every sync. */
void node_prompts(struct app *a);
/* Ask node's questions again (Refresh on it). */
void node_prompts_forget(const char *node);
void node_prompts_free(void);

#endif
