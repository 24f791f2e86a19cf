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

#include "util.h"

struct tve_ssh {
	ssh_session session;
	pthread_mutex_t lock;	/* one command at a time */
};

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
	pthread_mutex_unlock(&s->lock);
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

/* ---- paths and URIs ---- */

char *tve_ssh_default_known_hosts(void)
{
	char *dir = tve_config_dir();
	char *path = tve_xasprintf("%s/known_hosts", dir);

	free(dir);
	return path;
}

/* Percent-encodes what a URI query value cannot hold as is. */
static char *uri_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	char *out = tve_xmalloc(strlen(s) * 3 + 1), *p = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    strchr("-._~/", c)) {
			*p++ = (char)c;
		} else {
			*p++ = '%';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 15];
		}
	}
	*p = '\0';
	return out;
}

char *tve_ssh_libvirt_uri(const char *target, const char *keyfile, const char *known_hosts,
			  char **err)
{
	struct tve_ssh_target t;
	char *kh, *kf = NULL, *host, *uri;

	if (tve_ssh_parse_target(target, &t, err) < 0)
		return NULL;
	host = strchr(t.host, ':') ? tve_xasprintf("[%s]", t.host) : tve_xstrdup(t.host);
	kh = uri_escape(known_hosts);
	if (keyfile && *keyfile)
		kf = uri_escape(keyfile);
	uri = tve_xasprintf("qemu+libssh://%s%s%s%s%.0d/system?known_hosts=%s"
			    "&known_hosts_verify=normal&sshauth=%s%s%s",
			    t.user ? t.user : "", t.user ? "@" : "", host,
			    t.port != 22 ? ":" : "", t.port != 22 ? t.port : 0, kh,
			    kf ? "privkey" : "agent", kf ? "&keyfile=" : "", kf ? kf : "");
	free(host);
	free(kh);
	free(kf);
	tve_ssh_target_clear(&t);
	return uri;
}
