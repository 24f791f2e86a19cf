/* config.h - tve.conf, an INI file parsed with libinih.
 *
 *   [general]
 *   refresh = 2            ; seconds between guest refreshes (0.5 .. 3600)
 *   pool-refresh = 10      ; seconds between storage/network/node refreshes
 *   io-refresh = 4         ; seconds between disk/net rate samples
 *   shutdown-timeout = 180 ; seconds before a shutdown task gives up
 *   shutdown-force = no    ; after the timeout, stop the guest hard
 *   theme = default
 *   line-graphics = auto   ; auto | utf-8 | acs | ascii
 *   task-history = 200     ; tasks kept per node
 *   low-bandwidth = no     ; numbers on screen at most every 10 s
 *   mouse = no             ; yes: clicks select rows, the wheel scrolls
 *   known-hosts = PATH     ; host keys of ssh nodes ($XDG_CONFIG_HOME/tve/known_hosts)
 *
 *   [node NAME]
 *   uri = qemu:///system   ; a local or any libvirt node
 *
 *   [node NAME]
 *   ssh = root@host:22     ; a remote node: facts and commands over ssh,
 *   keyfile = ~/.ssh/id_ed25519 ; or no keyfile: ssh-agent
 *   uri = ...              ; optional: without it libvirt goes through the
 *                          ; node's ssh session (shown as qemu+ssh://root@host/system)
 *
 *   [keys]
 *   start = S              ; ACTION = KEY [KEY...] or none; checked by the
 *   quit = q C-q           ; console (tui/keymap.c), not here
 */
#ifndef TVE_CONFIG_H
#define TVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct tve_node_cfg {
	char *name;
	char *uri;
	char *ssh;	/* user@host:port, or NULL */
	char *keyfile;	/* ~ expanded; NULL with ssh = ssh-agent */
	bool uri_derived;	/* uri made from ssh (not written back): libvirt
				 * through tve's ssh session (tve_ssh_tunnel) */
};

/* A line of [keys], as written: the console resolves it. */
struct tve_key_cfg {
	char *action;
	char *keys;
	char *file;	/* the file it came from, for "FILE:LINE: ..." */
	int line;
};

enum tve_line_graphics {
	TVE_LINES_AUTO,
	TVE_LINES_UTF8,
	TVE_LINES_ACS,
	TVE_LINES_ASCII,
};

struct tve_config {
	double refresh_s;
	double pool_refresh_s;
	double io_refresh_s;
	int shutdown_timeout_s;
	bool shutdown_force;
	char *theme;
	enum tve_line_graphics line_graphics;
	size_t task_history;
	bool low_bandwidth;
	bool mouse;
	char *state_dir;	/* tasks directory; NULL = tve_state_dir() */
	char *known_hosts;	/* NULL = tve_ssh_default_known_hosts() */
	size_t n_nodes;
	struct tve_node_cfg *nodes;
	size_t n_keys;
	struct tve_key_cfg *keys;	/* [keys], in file order */
};

/* Defaults, no nodes. */
void tve_config_init(struct tve_config *cfg);
void tve_config_clear(struct tve_config *cfg);
/* Parses path into cfg (which holds defaults).  Returns 0; 1 if the file
 * does not exist (cfg untouched); -1 with *err = "FILE:LINE: message" on
 * the first bad line (unknown section/key, bad value, duplicate node,
 * node without uri). */
int tve_config_load(struct tve_config *cfg, const char *path, char **err);
/* Adds a node; name NULL derives one from the URI ("localhost" for
 * local URIs, the host part for remote ones, the file's base name for
 * test:///path.xml), made unique with -2, -3...  Returns the node. */
struct tve_node_cfg *tve_config_add_node(struct tve_config *cfg, const char *name, const char *uri);
/* Fills in the uri of an ssh node that has none (qemu+ssh://TARGET/system,
 * uri_derived: the backend reaches libvirt through the node's session).
 * 0, or -1 with *err. */
int tve_config_node_derive_uri(const struct tve_config *cfg, struct tve_node_cfg *n, char **err);
/* The known_hosts file in use (newly allocated). */
char *tve_config_known_hosts(const struct tve_config *cfg);
/* Checks a node about to be added (name free and well-formed, ssh target
 * parses, key file readable): NULL when fine, else why not. */
char *tve_config_node_check(const struct tve_config *cfg, const struct tve_node_cfg *n);
/* Appends n as a [node NAME] section to the file at path (made if
 * missing), replacing the file atomically: what it held stays as it was.
 * 0, or -1 with *err. */
int tve_config_append_node(const char *path, const struct tve_node_cfg *n, char **err);
/* "~/x" -> "$HOME/x" (newly allocated; other paths copied). */
char *tve_expand_home(const char *path);
/* "auto", "utf-8" (or "utf8"), "acs", "ascii" into *out; -1 if none. */
int tve_config_line_graphics(const char *v, enum tve_line_graphics *out);
/* $XDG_CONFIG_HOME/tve/tve.conf (newly allocated). */
char *tve_config_default_path(void);

#endif
