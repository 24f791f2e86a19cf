/* ssh.h - the ssh layer: one libssh session per remote node.
 *
 * Host keys are checked as OpenSSH checks them, against tve's own
 * known_hosts file ($XDG_CONFIG_HOME/tve/known_hosts), which the node's
 * qemu+libssh libvirt connection reads too:
 *   - a known key connects;
 *   - an unknown key stops the connection before anything is sent; the
 *     caller shows the SHA256 fingerprint and, only when the user accepts,
 *     stores the key (tve_ssh_trust) and connects again;
 *   - a changed key is refused, with both fingerprints; tve never replaces
 *     a stored key (the user removes the old line).
 * Authentication is ssh-agent or a key file (passphrase asked for by the
 * caller, kept in memory only).  Passwords are never used. */
#ifndef TVE_SSH_H
#define TVE_SSH_H

#include <stdbool.h>
#include <stddef.h>

struct tve_ssh_target {
	char *user;	/* NULL: the current user */
	char *host;
	int port;	/* 22 */
};
/* "[user@]host[:port]" or "[user@][v6addr]:port" into t (zeroed or
 * cleared).  0, or -1 with *err. */
int tve_ssh_parse_target(const char *s, struct tve_ssh_target *t, char **err);
void tve_ssh_target_clear(struct tve_ssh_target *t);

struct tve_ssh_opts {
	const char *target;	/* "user@host:port" */
	const char *keyfile;	/* NULL: ssh-agent */
	const char *passphrase;	/* for an encrypted key file, or NULL */
	const char *known_hosts;	/* tve's known_hosts file */
	int timeout_s;		/* connecting; 0 = 10 */
};

enum tve_ssh_result {
	TVE_SSH_OK,
	TVE_SSH_ERROR,		/* cannot reach, refused, auth failed: *err */
	TVE_SSH_HOSTKEY_UNKNOWN,	/* hk->fingerprint, hk->entry */
	TVE_SSH_HOSTKEY_CHANGED,	/* hk->fingerprint, hk->known_fingerprint */
	TVE_SSH_NEED_PASSPHRASE,	/* key file encrypted; none or a wrong one given */
};

/* What a host key check found (all strings owned, NULL when not known). */
struct tve_ssh_hostkey {
	char *type;		/* "ssh-ed25519" */
	char *fingerprint;	/* "SHA256:..." of the key the server offered */
	char *known_fingerprint;	/* CHANGED: the stored key's */
	char *entry;		/* UNKNOWN: the known_hosts line to store */
};
void tve_ssh_hostkey_clear(struct tve_ssh_hostkey *hk);

struct tve_ssh;

/* Connects, checks the host key, authenticates.  NULL with *res (and
 * *err, and hk filled for the host key results) when it did not. */
struct tve_ssh *tve_ssh_connect(const struct tve_ssh_opts *o, struct tve_ssh_hostkey *hk,
				enum tve_ssh_result *res, char **err);
void tve_ssh_close(struct tve_ssh *s);

/* Runs cmd on the node (through the user's shell), feeding it in (len
 * bytes, may be NULL) on stdin.  *out gets stdout (NUL-terminated, may be
 * NULL), *errout stderr (may be NULL), *status the exit status.  Waits at
 * most timeout_ms without hearing anything.  Callable from any thread (one
 * command at a time per session).  0, or -1 with *err (the session is
 * then broken: close it). */
int tve_ssh_exec(struct tve_ssh *s, const char *cmd, const void *in, size_t len, char **out,
		 char **errout, int *status, int timeout_ms, char **err);

/* tve_ssh_exec without stdin for a command that must succeed: 0 with
 * *out (may be NULL), or -1 with *err: the session's error, or the
 * command's last line on stderr (else its exit status).  *status (may be
 * NULL) gets the exit status, -1 when it did not run. */
int tve_ssh_run(struct tve_ssh *s, const char *cmd, char **out, int *status, int timeout_ms,
		char **err);

/* ---- streaming commands ----
 * For transfers too big to buffer: cmd runs on the node (through the
 * user's shell) with its channel kept open; stdin is fed with
 * tve_ssh_cmd_write, stdout read with tve_ssh_cmd_read, then
 * tve_ssh_cmd_finish ends it.  The command holds the session from start to
 * finish (or abort), so the same thread must end it and nothing else runs
 * on the session meanwhile: long transfers want a session of their own. */
struct tve_ssh_cmd;

/* NULL with *err when the channel cannot be opened or cmd not started. */
struct tve_ssh_cmd *tve_ssh_cmd_start(struct tve_ssh *s, const char *cmd, char **err);
/* Writes all of buf to cmd's stdin (what it prints meanwhile is dropped,
 * its stderr kept for tve_ssh_cmd_finish).  Gives up when the node takes
 * nothing for TVE_SSH_STALL_MS.  0, or -1 with *err: the command ended
 * early (its last stderr line, or its exit status) or the session failed;
 * then tve_ssh_cmd_abort it. */
int tve_ssh_cmd_write(struct tve_ssh_cmd *c, const void *buf, size_t len, char **err);
/* Reads what cmd writes to stdout: the number of bytes (> 0), 0 at its
 * end, or -1 with *err (nothing for TVE_SSH_STALL_MS, session failed). */
long tve_ssh_cmd_read(struct tve_ssh_cmd *c, void *buf, size_t len, char **err);
/* Ends cmd's stdin, drops the rest of its stdout and waits (at most
 * timeout_ms without hearing from it; 0 = 10 s) for it to exit: *status
 * (-1 when the node gave none; status NULL: any but 0 is an error, *err
 * as tve_ssh_run's), *errout its stderr (may be NULL; NUL-terminated).
 * Frees c.  0, or -1 with *err. */
int tve_ssh_cmd_finish(struct tve_ssh_cmd *c, int *status, char **errout, int timeout_ms,
		       char **err);
/* Closes the channel without waiting (the command on the node sees its
 * stdin end, or its stdout break) and frees c.  NULL is fine. */
void tve_ssh_cmd_abort(struct tve_ssh_cmd *c);

#define TVE_SSH_STALL_MS 120000

/* s quoted for the node's shell: in single quotes, a ' as '\''. */
char *tve_ssh_quote(const char *s);

/* Which of tools ("tar cat mv", trusted names) the node's shell cannot
 * find: *missing gets them space-separated ("" when all are there).  0,
 * or -1 with *err. */
int tve_ssh_missing_tools(struct tve_ssh *s, const char *tools, char **missing, char **err);

/* Appends entry (from TVE_SSH_HOSTKEY_UNKNOWN) to the known_hosts file,
 * creating its directory (0700) and the file (0600).  0, or -1 with *err. */
int tve_ssh_trust(const char *known_hosts, const char *entry, char **err);

/* $XDG_CONFIG_HOME/tve/known_hosts (newly allocated). */
char *tve_ssh_default_known_hosts(void);

/* The URI shown for an ssh node whose libvirt goes through its session:
 * qemu+ssh://user@host:port/system (never opened as such: see
 * tve_ssh_tunnel_start). */
char *tve_ssh_libvirt_uri(const char *target, char **err);

/* ---- libvirt through the session ----
 *
 * libvirt 9.0's own libssh transport crashes once a process holds another
 * connection, and its OpenSSH transport checks its own known_hosts, not
 * tve's, and cannot take a passphrase.  So libvirt reaches an ssh node
 * through the node's session: a unix socket of this host (in a private
 * 0700 directory) whose connections are forwarded, each over a channel of
 * their own (direct-streamlocal, as ssh -L does), to the daemon's socket
 * on the node; libvirt opens qemu+unix:///system?socket=THAT.  One TCP
 * connection per node carries libvirt, facts and commands. */
#define TVE_SSH_LIBVIRT_SOCKET "/var/run/libvirt/libvirt-sock"
struct tve_ssh_tunnel;
/* Starts forwarding; *local_uri gets the URI to open.  NULL with *err. */
struct tve_ssh_tunnel *tve_ssh_tunnel_start(struct tve_ssh *s, const char *remote_socket,
					    char **local_uri, char **err);
/* Stops the forwarding thread, closes its channels, removes the socket. */
void tve_ssh_tunnel_stop(struct tve_ssh_tunnel *t);

#endif
