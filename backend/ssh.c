/* ssh.c - libssh sessions to remote nodes: host keys, auth, commands. */
#include "ssh.h"

#include <errno.h>
#include <fcntl.h>
#include <libssh/libssh.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ssh_priv.h"
#include "util.h"

/* ---- targets ---- */

void tve_ssh_target_clear(struct tve_ssh_target *t)
{
	free(t->user);
	free(t->host);
	memset(t, 0, sizeof(*t));
}

static int parse_port(const char *s, int *port, char **err)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 1 || v > 65535)
		return tve_set_err(err, "bad port \"%s\" (1..65535)", s);
	*port = (int)v;
	return 0;
}

int tve_ssh_parse_target(const char *s, struct tve_ssh_target *t, char **err)
{
	const char *at, *host;
	char *h = NULL;

	memset(t, 0, sizeof(*t));
	t->port = 22;
	if (!s || !*s)
		return tve_set_err(err, "no ssh target (user@host[:port])");
	if (strpbrk(s, " \t/?#"))
		return tve_set_err(err, "bad ssh target \"%s\" (user@host[:port])", s);
	at = strrchr(s, '@');
	host = at ? at + 1 : s;
	if (at) {
		if (at == s)
			return tve_set_err(err, "empty user in \"%s\"", s);
		t->user = tve_xasprintf("%.*s", (int)(at - s), s);
	}
	if (*host == '[') {
		const char *close = strchr(host, ']');

		if (!close || close == host + 1 || (close[1] && close[1] != ':'))
			goto bad;
		h = tve_xasprintf("%.*s", (int)(close - host - 1), host + 1);
		if (close[1] == ':' && parse_port(close + 2, &t->port, err) < 0)
			goto fail;
	} else {
		const char *colon = strchr(host, ':');

		if (colon && strchr(colon + 1, ':')) {
			h = tve_xstrdup(host);	/* a bare IPv6 address */
		} else if (colon) {
			h = tve_xasprintf("%.*s", (int)(colon - host), host);
			if (parse_port(colon + 1, &t->port, err) < 0)
				goto fail;
		} else {
			h = tve_xstrdup(host);
		}
	}
	if (!*h)
		goto bad;
	t->host = h;
	return 0;
bad:
	tve_set_err(err, "bad ssh target \"%s\" (user@host[:port])", s);
fail:
	free(h);
	tve_ssh_target_clear(t);
	return -1;
}

/* ---- host keys ---- */

void tve_ssh_hostkey_clear(struct tve_ssh_hostkey *hk)
{
	if (!hk)
		return;
	free(hk->type);
	free(hk->fingerprint);
	free(hk->known_fingerprint);
	free(hk->entry);
	memset(hk, 0, sizeof(*hk));
}

static char *fingerprint(ssh_key key)
{
	unsigned char *hash = NULL;
	size_t len = 0;
	char *fp, *out;

	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) < 0)
		return NULL;
	fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len);
	ssh_clean_pubkey_hash(&hash);
	out = tve_xstrdup(fp);	/* "SHA256:..." */
	ssh_string_free_char(fp);
	return out;
}

/* The fingerprint of the key of the server's type that known_hosts holds
 * for host (the one a CHANGED result disagrees with), or NULL. */
static char *known_fingerprint(const char *known_hosts, const struct tve_ssh_target *t,
			       enum ssh_keytypes_e type)
{
	char *hostport = t->port == 22 ? tve_xstrdup(t->host)
				       : tve_xasprintf("[%s]:%d", t->host, t->port);
	FILE *f = fopen(known_hosts, "r");
	char line[8192], *fp = NULL;

	while (f && !fp && fgets(line, sizeof(line), f)) {
		struct ssh_knownhosts_entry *e = NULL;

		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (ssh_known_hosts_parse_line(hostport, line, &e) == SSH_OK && e &&
		    e->publickey && ssh_key_type(e->publickey) == type)
			fp = fingerprint(e->publickey);
		ssh_knownhosts_entry_free(e);
	}
	if (f)
		fclose(f);
	free(hostport);
	return fp;
}

/* 0 when the server's key is known; else the result, with hk filled. */
static enum tve_ssh_result check_hostkey(ssh_session ss, const struct tve_ssh_opts *o,
					 const struct tve_ssh_target *t,
					 struct tve_ssh_hostkey *hk, char **err)
{
	enum ssh_known_hosts_e known;
	ssh_key key = NULL;

	if (ssh_get_server_publickey(ss, &key) < 0) {
		tve_set_err(err, "no host key from %s: %s", t->host, ssh_get_error(ss));
		return TVE_SSH_ERROR;
	}
	tve_ssh_hostkey_clear(hk);
	hk->type = tve_xstrdup(ssh_key_type_to_char(ssh_key_type(key)));
	hk->fingerprint = fingerprint(key);
	known = ssh_session_is_known_server(ss);
	switch (known) {
	case SSH_KNOWN_HOSTS_OK:
		ssh_key_free(key);
		return TVE_SSH_OK;
	case SSH_KNOWN_HOSTS_NOT_FOUND:
	case SSH_KNOWN_HOSTS_UNKNOWN: {
		char *line = NULL;

		ssh_key_free(key);
		if (ssh_session_export_known_hosts_entry(ss, &line) < 0 || !line) {
			tve_set_err(err, "cannot make a known_hosts entry: %s", ssh_get_error(ss));
			return TVE_SSH_ERROR;
		}
		line[strcspn(line, "\r\n")] = '\0';	/* it ends in a newline */
		hk->entry = tve_xstrdup(line);
		ssh_string_free_char(line);
		tve_set_err(err, "host key of %s is not known (%s %s)", t->host, hk->type,
			    hk->fingerprint ? hk->fingerprint : "?");
		return TVE_SSH_HOSTKEY_UNKNOWN;
	}
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		hk->known_fingerprint = known_fingerprint(o->known_hosts, t, ssh_key_type(key));
		ssh_key_free(key);
		if (known == SSH_KNOWN_HOSTS_OTHER)
			tve_set_err(err, "host key of %s changed: it offers %s %s, but %s holds a "
				    "key of another type for it", t->host, hk->type,
				    hk->fingerprint ? hk->fingerprint : "?", o->known_hosts);
		else
			tve_set_err(err, "host key of %s CHANGED: it offers %s, %s holds %s. "
				    "Refused; if the host was reinstalled, remove its line from %s",
				    t->host, hk->fingerprint ? hk->fingerprint : "?",
				    o->known_hosts,
				    hk->known_fingerprint ? hk->known_fingerprint : "another key",
				    o->known_hosts);
		return TVE_SSH_HOSTKEY_CHANGED;
	case SSH_KNOWN_HOSTS_ERROR:
	default:
		ssh_key_free(key);
		tve_set_err(err, "cannot check the host key of %s against %s: %s", t->host,
			    o->known_hosts, ssh_get_error(ss));
		return TVE_SSH_ERROR;
	}
}

int tve_ssh_trust(const char *known_hosts, const char *entry, char **err)
{
	char *dir = tve_xstrdup(known_hosts), *slash = strrchr(dir, '/');
	int fd, rc = 0;
	size_t len;

	if (!entry || !*entry || strchr(entry, '\n')) {
		free(dir);
		return tve_set_err(err, "no host key to store");
	}
	if (slash && slash != dir) {
		*slash = '\0';
		if (tve_mkdir_p(dir, 0700) < 0 && errno != EEXIST) {
			rc = tve_set_err(err, "cannot create %s: %s", dir, strerror(errno));
			free(dir);
			return rc;
		}
	}
	free(dir);
	fd = open(known_hosts, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return tve_set_err(err, "cannot open %s: %s", known_hosts, strerror(errno));
	len = strlen(entry);
	if (write(fd, entry, len) != (ssize_t)len || write(fd, "\n", 1) != 1 || fsync(fd) < 0)
		rc = tve_set_err(err, "cannot write %s: %s", known_hosts, strerror(errno));
	if (close(fd) < 0 && rc == 0)
		rc = tve_set_err(err, "cannot write %s: %s", known_hosts, strerror(errno));
	return rc;
}

/* ---- authentication ---- */

struct pass_ask {
	const char *given;
	bool asked;
};

static int pass_cb(const char *prompt, char *buf, size_t len, int echo, int verify, void *ud)
{
	struct pass_ask *p = ud;

	(void)prompt;
	(void)echo;
	(void)verify;
	p->asked = true;
	if (!p->given || strlen(p->given) >= len)
		return -1;
	memcpy(buf, p->given, strlen(p->given) + 1);
	return 0;
}

static char *who(const struct tve_ssh_target *t)
{
	const char *user = t->user ? t->user : getenv("USER");

	return tve_xasprintf("%s@%s", user ? user : "root", t->host);
}

static enum tve_ssh_result auth_keyfile(ssh_session ss, const struct tve_ssh_opts *o,
					const struct tve_ssh_target *t, char **err)
{
	struct pass_ask ask = { .given = o->passphrase };
	ssh_key key = NULL;
	char *w;
	int rc;

	if (access(o->keyfile, R_OK) < 0) {
		tve_set_err(err, "cannot read key file %s: %s", o->keyfile, strerror(errno));
		return TVE_SSH_ERROR;
	}
	if (ssh_pki_import_privkey_file(o->keyfile, NULL, pass_cb, &ask, &key) != SSH_OK) {
		if (ask.asked) {
			tve_set_err(err, o->passphrase ? "wrong passphrase for key file %s"
						       : "key file %s needs its passphrase",
				    o->keyfile);
			return TVE_SSH_NEED_PASSPHRASE;
		}
		tve_set_err(err, "key file %s is not a private key libssh can read", o->keyfile);
		return TVE_SSH_ERROR;
	}
	rc = ssh_userauth_publickey(ss, NULL, key);
	ssh_key_free(key);
	if (rc == SSH_AUTH_SUCCESS)
		return TVE_SSH_OK;
	w = who(t);
	if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL)
		tve_set_err(err, "%s refused the key %s (wrong user, or the key is not in its "
			    "authorized_keys)", w, o->keyfile);
	else
		tve_set_err(err, "authenticating as %s failed: %s", w, ssh_get_error(ss));
	free(w);
	return TVE_SSH_ERROR;
}

static enum tve_ssh_result auth_agent(ssh_session ss, const struct tve_ssh_target *t, char **err)
{
	const char *sock = getenv("SSH_AUTH_SOCK");
	char *w;
	int rc;

	if (!sock || !*sock) {
		tve_set_err(err, "no key file set and no ssh-agent (SSH_AUTH_SOCK is not set)");
		return TVE_SSH_ERROR;
	}
	rc = ssh_userauth_agent(ss, NULL);
	if (rc == SSH_AUTH_SUCCESS)
		return TVE_SSH_OK;
	w = who(t);
	if (rc == SSH_AUTH_DENIED || rc == SSH_AUTH_PARTIAL)
		tve_set_err(err, "%s accepted none of ssh-agent's keys (wrong user, or no key "
			    "of the agent is in its authorized_keys)", w);
	else
		tve_set_err(err, "authenticating as %s through ssh-agent failed: %s", w,
			    ssh_get_error(ss));
	free(w);
	return TVE_SSH_ERROR;
}

/* ---- sessions ---- */

struct tve_ssh *tve_ssh_connect(const struct tve_ssh_opts *o, struct tve_ssh_hostkey *hk,
				enum tve_ssh_result *res, char **err)
{
	struct tve_ssh_target t;
	struct tve_ssh_hostkey own = { 0 };
	struct tve_ssh *s;
	ssh_session ss;
	long timeout = o->timeout_s > 0 ? o->timeout_s : 10;
	int no = 0;

	if (!hk)
		hk = &own;
	*res = TVE_SSH_ERROR;
	if (tve_ssh_parse_target(o->target, &t, err) < 0)
		return NULL;
	if (!(ss = ssh_new())) {
		tve_ssh_target_clear(&t);
		tve_set_err(err, "out of memory");
		return NULL;
	}
	ssh_options_set(ss, SSH_OPTIONS_HOST, t.host);
	ssh_options_set(ss, SSH_OPTIONS_PORT, &t.port);
	if (t.user)
		ssh_options_set(ss, SSH_OPTIONS_USER, t.user);
	ssh_options_set(ss, SSH_OPTIONS_KNOWNHOSTS, o->known_hosts);
	/* tve's file only: the libvirt connection reads no other. */
	ssh_options_set(ss, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
	ssh_options_set(ss, SSH_OPTIONS_TIMEOUT, &timeout);
	ssh_options_set(ss, SSH_OPTIONS_PROCESS_CONFIG, &no);
	if (ssh_connect(ss) != SSH_OK) {
		tve_set_err(err, "cannot reach %s port %d: %s", t.host, t.port, ssh_get_error(ss));
		goto fail;
	}
	if ((*res = check_hostkey(ss, o, &t, hk, err)) != TVE_SSH_OK)
		goto fail;
	*res = o->keyfile && *o->keyfile ? auth_keyfile(ss, o, &t, err) : auth_agent(ss, &t, err);
	if (*res != TVE_SSH_OK)
		goto fail;
	tve_ssh_target_clear(&t);
	tve_ssh_hostkey_clear(&own);
	s = tve_xcalloc(1, sizeof(*s));
	s->session = ss;
	s->wake_fd = -1;
	pthread_mutex_init(&s->lock, NULL);
	return s;
fail:
	tve_ssh_target_clear(&t);
	tve_ssh_hostkey_clear(&own);
	ssh_disconnect(ss);
	ssh_free(ss);
	return NULL;
}

void tve_ssh_close(struct tve_ssh *s)
{
	if (!s)
		return;
	ssh_disconnect(s->session);
	ssh_free(s->session);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Lets the session go.  A command may have read packets of a tunnel's
 * channels into libssh's buffers meanwhile: the tunnel is told to look. */
static void session_unlock(struct tve_ssh *s)
{
	uint64_t one = 1;

	if (s->wake_fd >= 0 && write(s->wake_fd, &one, sizeof(one)) < 0) {
		/* full: the tunnel is awake already */
	}
	pthread_mutex_unlock(&s->lock);
}

struct sink {
	char *buf;
	size_t len, cap;
};

static void sink_add(struct sink *k, const char *p, size_t n)
{
	if (k->len + n + 1 > k->cap) {
		k->cap = (k->len + n + 1) * 2;
		k->buf = tve_xrealloc(k->buf, k->cap);
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

static int exec_locked(struct tve_ssh *s, const char *cmd, const void *in, size_t len,
		       struct sink *out, struct sink *errs, int *status, int timeout_ms,
		       char **err)
{
	ssh_channel ch = ssh_channel_new(s->session);
	char buf[16384];
	int rc = -1;

	if (!ch)
		return tve_set_err(err, "ssh: %s", ssh_get_error(s->session));
	if (ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, cmd) != SSH_OK) {
		tve_set_err(err, "ssh: %s", ssh_get_error(s->session));
		goto out;
	}
	for (size_t off = 0; in && off < len;) {
		int w = ssh_channel_write(ch, (const char *)in + off,
					  (uint32_t)(len - off > 65536 ? 65536 : len - off));

		if (w < 0) {
			tve_set_err(err, "ssh: writing: %s", ssh_get_error(s->session));
			goto out;
		}
		off += (size_t)w;
	}
	ssh_channel_send_eof(ch);
	for (;;) {
		int n = ssh_channel_read_timeout(ch, buf, sizeof(buf), 0, timeout_ms);

		if (n == SSH_ERROR) {
			tve_set_err(err, "ssh: %s", ssh_get_error(s->session));
			goto out;
		}
		if (n > 0) {
			sink_add(out, buf, (size_t)n);
			continue;
		}
		/* 0: EOF, or nothing within the timeout. */
		while ((n = ssh_channel_read_nonblocking(ch, buf, sizeof(buf), 1)) > 0)
			sink_add(errs, buf, (size_t)n);
		if (ssh_channel_is_eof(ch))
			break;
		tve_set_err(err, "ssh: no answer within %d s", timeout_ms / 1000);
		goto out;
	}
	{
		int n;

		while ((n = ssh_channel_read_timeout(ch, buf, sizeof(buf), 1, timeout_ms)) > 0)
			sink_add(errs, buf, (size_t)n);
	}
	*status = ssh_channel_get_exit_status(ch);
	rc = 0;
out:
	ssh_channel_close(ch);
	ssh_channel_free(ch);
	return rc;
}

int tve_ssh_exec(struct tve_ssh *s, const char *cmd, const void *in, size_t len, char **out,
		 char **errout, int *status, int timeout_ms, char **err)
{
	struct sink o = { 0 }, e = { 0 };
	int st = -1, rc;

	pthread_mutex_lock(&s->lock);
	rc = exec_locked(s, cmd, in, len, &o, &e, &st, timeout_ms > 0 ? timeout_ms : 10000, err);
	session_unlock(s);
	if (rc == 0 && status)
		*status = st;
	if (out)
		*out = o.buf ? o.buf : tve_xstrdup("");
	else
		free(o.buf);
	if (errout)
		*errout = e.buf ? e.buf : tve_xstrdup("");
	else
		free(e.buf);
	return rc;
}

/* ---- streaming commands ---- */

#define ERRS_MAX 16384	/* stderr kept for the error message */

/* The last non-empty line of what a command wrote to stderr, or "". */
static char *last_line(const struct sink *k)
{
	const char *b = k->buf ? k->buf : "";
	size_t end = k->len;

	while (end && (b[end - 1] == '\n' || b[end - 1] == '\r' || b[end - 1] == ' '))
		end--;
	for (size_t start = end; start; start--)
		if (b[start - 1] == '\n')
			return tve_xasprintf("%.*s", (int)(end - start), b + start);
	return tve_xasprintf("%.*s", (int)end, b);
}

/* A command exited with st: its last word on stderr, else the status. */
static int failed(const struct sink *errs, int st, char **err)
{
	char *why = last_line(errs);

	if (*why)
		tve_set_err(err, "%s", why);
	else if (st < 0)
		tve_set_err(err, "the command on the node gave no exit status");
	else
		tve_set_err(err, "exit status %d", st);
	free(why);
	return -1;
}

int tve_ssh_run(struct tve_ssh *s, const char *cmd, char **out, int *status, int timeout_ms,
		char **err)
{
	struct sink e = { 0 };
	int st = -1, rc;

	rc = tve_ssh_exec(s, cmd, NULL, 0, out, &e.buf, &st, timeout_ms, err);
	if (status)
		*status = rc == 0 ? st : -1;
	if (rc == 0 && st != 0) {
		e.len = strlen(e.buf);
		rc = failed(&e, st, err);
		if (out) {
			free(*out);
			*out = NULL;
		}
	}
	free(e.buf);
	return rc;
}

struct tve_ssh_cmd {
	struct tve_ssh *s;
	ssh_channel ch;
	struct sink errs;
};

/* Keeps the start of what the command says on stderr (where its reason
 * to fail is), never all of a chatty one. */
static void errs_add(struct tve_ssh_cmd *c, const char *p, size_t n)
{
	if (c->errs.len < ERRS_MAX)
		sink_add(&c->errs, p, n < ERRS_MAX - c->errs.len ? n : ERRS_MAX - c->errs.len);
}

/* Takes what arrived without waiting: stderr is kept, stdout dropped.  A
 * command whose output nobody reads would otherwise fill the channel's
 * window, stop, and stop reading its stdin too. */
static void drain(struct tve_ssh_cmd *c, bool out)
{
	char buf[4096];
	int n;

	while ((n = ssh_channel_read_nonblocking(c->ch, buf, sizeof(buf), 1)) > 0)
		errs_add(c, buf, (size_t)n);
	while (out && ssh_channel_read_nonblocking(c->ch, buf, sizeof(buf), 0) > 0)
		;
}

static void cmd_free(struct tve_ssh_cmd *c)
{
	ssh_channel_close(c->ch);
	ssh_channel_free(c->ch);
	session_unlock(c->s);
	free(c->errs.buf);
	free(c);
}

struct tve_ssh_cmd *tve_ssh_cmd_start(struct tve_ssh *s, const char *cmd, char **err)
{
	struct tve_ssh_cmd *c = tve_xcalloc(1, sizeof(*c));

	pthread_mutex_lock(&s->lock);
	c->s = s;
	if (!(c->ch = ssh_channel_new(s->session))) {
		tve_set_err(err, "ssh: %s", ssh_get_error(s->session));
		session_unlock(s);
		free(c);
		return NULL;
	}
	if (ssh_channel_open_session(c->ch) != SSH_OK ||
	    ssh_channel_request_exec(c->ch, cmd) != SSH_OK) {
		tve_set_err(err, "ssh: %s", ssh_get_error(s->session));
		cmd_free(c);
		return NULL;
	}
	return c;
}

/* The command stopped taking its input: why, as far as the node said. */
static int ended_early(struct tve_ssh_cmd *c, char **err)
{
	char *why;
	int st;

	drain(c, true);
	why = last_line(&c->errs);
	st = ssh_channel_is_closed(c->ch) || ssh_channel_is_eof(c->ch)
		     ? ssh_channel_get_exit_status(c->ch) : -1;
	if (*why)
		tve_set_err(err, "%s", why);
	else if (st >= 0)
		tve_set_err(err, "the command on the node ended early (exit status %d)", st);
	else
		tve_set_err(err, "ssh: %s", ssh_get_error(c->s->session));
	free(why);
	return -1;
}

int tve_ssh_cmd_write(struct tve_ssh_cmd *c, const void *buf, size_t len, char **err)
{
	uint64_t last = tve_now_ms();
	size_t off = 0;

	while (off < len) {
		size_t n = len - off > 32768 ? 32768 : len - off;
		int w;

		drain(c, true);
		/* A full window waits for the node up to the session's
		 * timeout, then returns what it could send (maybe 0). */
		w = ssh_channel_write(c->ch, (const char *)buf + off, (uint32_t)n);
		if (w == SSH_ERROR || (w == 0 && ssh_channel_is_closed(c->ch)))
			return ended_early(c, err);
		if (w > 0) {
			off += (size_t)w;
			last = tve_now_ms();
		} else if (tve_now_ms() - last > TVE_SSH_STALL_MS) {
			return tve_set_err(err, "ssh: the node took no data for %d s",
					   TVE_SSH_STALL_MS / 1000);
		}
	}
	return 0;
}

long tve_ssh_cmd_read(struct tve_ssh_cmd *c, void *buf, size_t len, char **err)
{
	uint64_t start = tve_now_ms();
	uint32_t want = len > 65536 ? 65536 : (uint32_t)len;

	for (;;) {
		int n = ssh_channel_read_timeout(c->ch, buf, want, 0, 1000);

		if (n == SSH_ERROR)
			return tve_set_err(err, "ssh: %s", ssh_get_error(c->s->session));
		if (n > 0)
			return n;
		if (ssh_channel_is_eof(c->ch) || ssh_channel_is_closed(c->ch))
			return 0;
		drain(c, false);
		if (tve_now_ms() - start > TVE_SSH_STALL_MS)
			return tve_set_err(err, "ssh: nothing from the node for %d s",
					   TVE_SSH_STALL_MS / 1000);
	}
}

int tve_ssh_cmd_finish(struct tve_ssh_cmd *c, int *status, char **errout, int timeout_ms,
		       char **err)
{
	char buf[16384];
	int rc = 0, n;

	if (timeout_ms <= 0)
		timeout_ms = 10000;
	if (!ssh_channel_is_closed(c->ch))
		ssh_channel_send_eof(c->ch);
	/* stdout to its end, then stderr (the channel's EOF is both's). */
	while ((n = ssh_channel_read_timeout(c->ch, buf, sizeof(buf), 0, timeout_ms)) > 0)
		drain(c, false);
	if (n == SSH_ERROR) {
		rc = tve_set_err(err, "ssh: %s", ssh_get_error(c->s->session));
	} else if (!ssh_channel_is_eof(c->ch) && !ssh_channel_is_closed(c->ch)) {
		rc = tve_set_err(err, "ssh: the command on the node did not end within %d s",
				 timeout_ms / 1000);
	} else {
		while ((n = ssh_channel_read_timeout(c->ch, buf, sizeof(buf), 1, timeout_ms)) > 0)
			errs_add(c, buf, (size_t)n);
		n = ssh_channel_get_exit_status(c->ch);
		if (status)
			*status = n;
		else if (n != 0)
			rc = failed(&c->errs, n, err);
	}
	if (errout)
		*errout = c->errs.buf ? c->errs.buf : tve_xstrdup("");
	else
		free(c->errs.buf);
	c->errs.buf = NULL;
	cmd_free(c);
	return rc;
}

void tve_ssh_cmd_abort(struct tve_ssh_cmd *c)
{
	if (c)
		cmd_free(c);
}

char *tve_ssh_quote(const char *s)
{
	size_t n = 2;
	char *q, *p;

	for (const char *t = s; *t; t++)
		n += *t == '\'' ? 4 : 1;
	q = p = tve_xmalloc(n + 1);
	*p++ = '\'';
	for (; *s; s++) {
		if (*s == '\'') {
			memcpy(p, "'\\''", 4);
			p += 4;
		} else {
			*p++ = *s;
		}
	}
	*p++ = '\'';
	*p = '\0';
	return q;
}

int tve_ssh_missing_tools(struct tve_ssh *s, const char *tools, char **missing, char **err)
{
	char *cmd = tve_xasprintf("for t in %s; do command -v \"$t\" >/dev/null 2>&1 || "
				  "printf '%%s ' \"$t\"; done", tools);
	char *out = NULL;
	int st = -1, rc;

	rc = tve_ssh_exec(s, cmd, NULL, 0, &out, NULL, &st, 0, err);
	free(cmd);
	if (rc == 0 && st != 0)
		rc = tve_set_err(err, "the node's shell could not look for %s (exit status %d)",
				 tools, st);
	if (rc < 0) {
		free(out);
		return -1;
	}
	out[strcspn(out, "\n")] = '\0';
	while (*out && out[strlen(out) - 1] == ' ')
		out[strlen(out) - 1] = '\0';
	*missing = out;
	return 0;
}

/* ---- paths and URIs ---- */

char *tve_ssh_default_known_hosts(void)
{
	char *dir = tve_config_dir();
	char *path = tve_xasprintf("%s/known_hosts", dir);

	free(dir);
	return path;
}

char *tve_ssh_libvirt_uri(const char *target, char **err)
{
	struct tve_ssh_target t;
	char *host, *uri;

	if (tve_ssh_parse_target(target, &t, err) < 0)
		return NULL;
	host = strchr(t.host, ':') ? tve_xasprintf("[%s]", t.host) : tve_xstrdup(t.host);
	uri = tve_xasprintf("qemu+ssh://%s%s%s%s%.0d/system", t.user ? t.user : "",
			    t.user ? "@" : "", host, t.port != 22 ? ":" : "",
			    t.port != 22 ? t.port : 0);
	free(host);
	tve_ssh_target_clear(&t);
	return uri;
}
