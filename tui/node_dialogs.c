/* node_dialogs.c - nodes reached over ssh: the Add Node form, and the
 * questions only the user can answer before such a node connects.
 *
 *   - an unknown host key: its fingerprint, trusted only when the user
 *     types "yes" (as ssh asks); Esc leaves the node offline;
 *   - a changed host key: refused; both fingerprints are shown and what to
 *     do about it, with nothing to accept;
 *   - an encrypted key file: its passphrase, typed without echo, kept by
 *     the backend in memory only.
 * Each question opens by itself once per node and key, when nothing else
 * floats over the console; Refresh (R) on the node asks again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "nodes.h"
#include "ssh.h"
#include "storage.h"
#include "tui.h"
#include "wizard.h"

/* ---- questions ---- */

/* What was asked already: "NODE\tNEED\tFINGERPRINT". */
static char **asked;
static size_t n_asked;

static char *ask_key(const struct tve_snapshot *s)
{
	return tve_xasprintf("%s\t%d\t%s", s->node, (int)s->need,
			     s->hostkey_fp ? s->hostkey_fp : "");
}

static bool was_asked(const char *k)
{
	for (size_t i = 0; i < n_asked; i++)
		if (strcmp(asked[i], k) == 0)
			return true;
	return false;
}

void node_prompts_forget(const char *node)
{
	size_t len = strlen(node), j = 0;

	for (size_t i = 0; i < n_asked; i++) {
		if (strncmp(asked[i], node, len) == 0 && asked[i][len] == '\t')
			free(asked[i]);
		else
			asked[j++] = asked[i];
	}
	n_asked = j;
}

void node_prompts_free(void)
{
	for (size_t i = 0; i < n_asked; i++)
		free(asked[i]);
	free(asked);
	asked = NULL;
	n_asked = 0;
}

enum { Q_ANSWER = 1 };

struct question {
	enum tve_node_need need;
	char node[128];
	char fp[128];
};

static const char *const hostkey_help[] = {
	"Unknown host key - keys",
	"",
	"  yes Enter        trust the key: it is stored in tve's known_hosts",
	"                   and the node connects",
	"  Esc              do not trust it: the node stays offline",
	"                   (R on the node asks again)",
	"",
	"Compare the fingerprint with the one the host itself shows, e.g.",
	"  ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub",
	"run on its console.  A key that changes later is refused.",
	NULL,
};

static const char *const passphrase_help[] = {
	"Key passphrase - keys",
	"",
	"  Enter            use the passphrase (it is not shown as typed)",
	"  Esc              leave the node offline (R on the node asks again)",
	"",
	"tve keeps the passphrase in memory for this session only; it is never",
	"written to a file.",
	NULL,
};

static size_t node_index(struct app *a, const char *name)
{
	for (size_t i = 0; i < a->n_nodes; i++)
		if (strcmp(app_snap(a, i)->node, name) == 0)
			return i;
	return (size_t)-1;
}

static void question_event(struct app *a, struct sform *sf, enum form_ev ev,
			   struct form_field *fl, int key)
{
	struct question *q = sf->data;
	struct form_field *answer = NULL;
	size_t node = node_index(a, q->node);
	char *err = NULL;
	int rc;

	(void)key;
	for (size_t i = 0; i < form_n_fields(sf->form, 0); i++)
		if (form_field_at(sf->form, 0, i)->tag == Q_ANSWER)
			answer = form_field_at(sf->form, 0, i);
	if (ev == FORM_EV_CHANGED && fl == answer) {
		form_set_error(answer, NULL);
		form_set_message(sf->form, false, NULL);
	}
	if (ev != FORM_EV_NEXT || !answer)
		return;
	if (node == (size_t)-1) {
		sform_close(a);
		return;
	}
	if (q->need == TVE_NEED_HOSTKEY) {
		if (!answer->text || strcmp(answer->text, "yes") != 0) {
			form_set_error(answer, "type yes to trust this key, or Esc to leave the node "
					       "offline");
			return;
		}
		rc = tve_backend_trust_hostkey(a->b, node, q->fp, &err);
		if (rc == 0)
			app_msg(a, false, "Host key of %s trusted; connecting", q->node);
	} else {
		if (!answer->text || !*answer->text) {
			form_set_error(answer, "type the key file's passphrase, or Esc");
			return;
		}
		rc = tve_backend_set_passphrase(a->b, node, answer->text, &err);
		if (rc == 0)
			app_msg(a, false, "Connecting to %s", q->node);
	}
	if (rc < 0) {
		form_set_message(sf->form, true, err ? err : "failed");
		free(err);
		return;
	}
	/* Wiped: the form's copy of what was typed goes with it. */
	if (answer->text)
		memset(answer->text, 0, strlen(answer->text));
	sform_close(a);
}

static void info(struct sform *sf, const char *label, const char *text)
{
	form_set_text(form_add(sf->form, 0, FORM_INFO, label, 0), text);
}

static void ask_hostkey(struct app *a, size_t node, const struct tve_snapshot *s)
{
	struct sform *sf;
	struct question *q;
	struct form_field *fl;
	char title[200], who[300];

	snprintf(title, sizeof(title), "Unknown host key: %s", s->node);
	if (!(sf = sform_open(a, title, node)))
		return;
	q = tve_xcalloc(1, sizeof(*q));
	q->need = s->need;
	snprintf(q->node, sizeof(q->node), "%s", s->node);
	snprintf(q->fp, sizeof(q->fp), "%s", s->hostkey_fp ? s->hostkey_fp : "");
	sf->data = q;
	sf->event = question_event;
	sf->help = hostkey_help;
	form_add_page(sf->form, "Host key");
	snprintf(who, sizeof(who), "%s (%s)", s->node, s->ssh ? s->ssh : "?");
	/* Lines of their own, full width: the fingerprint is never cut. */
	{
		char **lines = tve_xcalloc(12, sizeof(*lines));
		size_t n = 0;

		lines[n++] = tve_xasprintf("Node         %s", who);
		lines[n++] = tve_xasprintf("Key type     %s", s->hostkey_type ? s->hostkey_type : "?");
		lines[n++] = tve_xasprintf("Fingerprint  %s", q->fp);
		lines[n++] = tve_xstrdup("");
		lines[n++] = tve_xstrdup("tve has not connected to this host before. Compare the");
		lines[n++] = tve_xstrdup("fingerprint with the one the host shows on its own console:");
		lines[n++] = tve_xstrdup("  ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub");
		lines[n++] = tve_xstrdup("Only a key you accept is stored, in");
		lines[n++] = tve_xasprintf("  %s", tve_backend_known_hosts(a->b));
		form_set_view(form_add(sf->form, 0, FORM_VIEW, "", 0), lines);
	}
	fl = form_add(sf->form, 0, FORM_TEXT, "Trust it? Type yes", Q_ANSWER);
	fl->max_len = 3;
	sform_show(a, sf);
	form_focus(sf->form, fl);
}

static void ask_passphrase(struct app *a, size_t node, const struct tve_snapshot *s)
{
	struct sform *sf;
	struct question *q;
	struct form_field *fl;
	char title[200];

	snprintf(title, sizeof(title), "Key passphrase: %s", s->node);
	if (!(sf = sform_open(a, title, node)))
		return;
	q = tve_xcalloc(1, sizeof(*q));
	q->need = s->need;
	snprintf(q->node, sizeof(q->node), "%s", s->node);
	sf->data = q;
	sf->event = question_event;
	sf->help = passphrase_help;
	form_add_page(sf->form, "Passphrase");
	info(sf, "Node", s->ssh ? s->ssh : s->node);
	info(sf, "", s->error ? s->error : "the key file needs its passphrase");
	fl = form_add(sf->form, 0, FORM_TEXT, "Passphrase", Q_ANSWER);
	fl->masked = true;
	fl->max_len = 1024;
	sform_show(a, sf);
	form_focus(sf->form, fl);
}

static void tell_changed(struct app *a, const struct tve_snapshot *s)
{
	char *text = tve_xasprintf(
		"The host key of %s (%s) is not the one tve knows.\n\n"
		"It offers:  %s %s\n"
		"tve knows:  %s\n\n"
		"Someone may be in the middle, or the host was reinstalled. tve will "
		"not connect. If the new key is right, remove the host's line from %s "
		"and press R on the node to be asked about the new key.",
		s->node, s->ssh ? s->ssh : "?", s->hostkey_type ? s->hostkey_type : "",
		s->hostkey_fp ? s->hostkey_fp : "?",
		s->hostkey_known_fp ? s->hostkey_known_fp : "another key",
		tve_backend_known_hosts(a->b));

	app_push_dialog(a, dialog_message("HOST KEY CHANGED - connection refused", text));
	free(text);
}

void node_prompts(struct app *a)
{
	if (a->n_dlg || wizard_active() || sform_active() || a->quit_prompt)
		return;
	for (size_t i = 0; i < a->n_nodes; i++) {
		const struct tve_snapshot *s = app_snap(a, i);
		char *k;

		if (s->need == TVE_NEED_NONE || s->state == TVE_NODE_ONLINE)
			continue;
		k = ask_key(s);
		if (was_asked(k)) {
			free(k);
			continue;
		}
		asked = tve_xreallocarray(asked, n_asked + 1, sizeof(*asked));
		asked[n_asked++] = k;
		if (s->need == TVE_NEED_HOSTKEY)
			ask_hostkey(a, i, s);
		else if (s->need == TVE_NEED_PASSPHRASE)
			ask_passphrase(a, i, s);
		else
			tell_changed(a, s);
		return;	/* one at a time */
	}
}

/* ---- Add Node ---- */

enum { N_NAME = 1, N_TARGET, N_AUTH, N_KEY, N_URI, N_DERIVED, N__COUNT };

struct addnode {
	struct form_field *f[N__COUNT];
	char *config_path;	/* where it is saved, or NULL */
	char **auto_nodes;	/* "NAME\tURI" of nodes tve picked itself, to save first */
	size_t n_auto;
};

static const char *const addnode_help[] = {
	"Add Node - keys",
	"",
	"  Tab Down         next field (Enter on the last field: Add)",
	"  Shift-Tab Up     previous field",
	"  Left Right       ssh-agent or key file",
	"  Esc              close without adding",
	"",
	"The node is reached over ssh as USER@HOST[:PORT]: tve reads its facts",
	"and runs commands there, and libvirt goes through the same session to",
	"the node's libvirt socket.  The first connection shows the host key's",
	"fingerprint for you to accept.  A libvirt URI given here is opened by",
	"libvirt itself instead, with its own transport.",
	NULL,
};

static struct addnode *an(struct sform *sf)
{
	return sf->data;
}

static void addnode_free(void *data)
{
	struct addnode *n = data;

	free(n->config_path);
	for (size_t i = 0; i < n->n_auto; i++)
		free(n->auto_nodes[i]);
	free(n->auto_nodes);
	free(n);
}

static const char *text_of(struct form_field *fl)
{
	return fl && fl->text ? fl->text : "";
}

/* The node the form describes (strings borrowed from the form, keyfile
 * expanded: free it). */
static void addnode_cfg(struct sform *sf, struct tve_node_cfg *nc)
{
	struct addnode *n = an(sf);

	memset(nc, 0, sizeof(*nc));
	nc->name = (char *)text_of(n->f[N_NAME]);
	nc->ssh = (char *)text_of(n->f[N_TARGET]);
	if (n->f[N_AUTH]->sel == 1)
		nc->keyfile = tve_expand_home(text_of(n->f[N_KEY]));
	nc->uri = *text_of(n->f[N_URI]) ? (char *)text_of(n->f[N_URI]) : NULL;
}

/* A view of the URI in rows of at most 60 columns (URIs are ASCII and
 * have no blanks to wrap at). */
static void set_wrapped(struct form_field *fl, const char *text)
{
	size_t len = strlen(text), n = 0, w = 60;
	char **lines = tve_xcalloc(len / w + 3, sizeof(*lines));

	lines[n++] = tve_xstrdup("libvirt:");
	for (size_t off = 0; off < len; off += w)
		lines[n++] = tve_xasprintf("  %.*s", (int)w, text + off);
	form_set_view(fl, lines);
}

/* Checks every field; the number of errors. */
static int addnode_check(struct app *a, struct sform *sf)
{
	struct addnode *n = an(sf);
	struct tve_node_cfg nc;
	struct tve_ssh_target t;
	const char *name = text_of(n->f[N_NAME]);
	char *err = NULL, *derived;
	int errors = 0;

	for (int i = 1; i < N__COUNT; i++)
		if (n->f[i])
			form_set_error(n->f[i], NULL);
	if (!*name || strpbrk(name, " \t[]")) {
		form_set_error(n->f[N_NAME], "a name without blanks or brackets");
		errors++;
	} else if (node_index(a, name) != (size_t)-1) {
		form_set_error(n->f[N_NAME], "a node of that name exists");
		errors++;
	}
	if (tve_ssh_parse_target(text_of(n->f[N_TARGET]), &t, &err) < 0) {
		form_set_error(n->f[N_TARGET], err);
		free(err);
		err = NULL;
		errors++;
	} else {
		tve_ssh_target_clear(&t);
	}
	n->f[N_KEY]->hidden = n->f[N_AUTH]->sel != 1;
	addnode_cfg(sf, &nc);
	if (nc.keyfile && access(nc.keyfile, R_OK) < 0) {
		form_set_error(n->f[N_KEY], *nc.keyfile ? "cannot read this file" : "a key file");
		errors++;
	}
	if (nc.uri && !strstr(nc.uri, "://")) {
		form_set_error(n->f[N_URI], "a libvirt URI: qemu+ssh://root@host/system");
		errors++;
	}
	if (nc.uri) {
		derived = tve_xstrdup("(the URI above)");
	} else {
		struct tve_config cfg;

		tve_config_init(&cfg);
		cfg.known_hosts = tve_xstrdup(tve_backend_known_hosts(a->b));
		derived = tve_config_node_derive_uri(&cfg, &nc, NULL) == 0
				  ? tve_xasprintf("%s through the ssh session (to %s)", nc.uri,
						  TVE_SSH_LIBVIRT_SOCKET)
				  : NULL;
		free(nc.uri);
		nc.uri = NULL;
		tve_config_clear(&cfg);
	}
	set_wrapped(n->f[N_DERIVED], derived ? derived : "-");
	free(derived);
	free(nc.keyfile);
	form_fix_focus(sf->form);
	return errors;
}

static void addnode_save(struct app *a, struct sform *sf, const struct tve_node_cfg *nc)
{
	struct addnode *n = an(sf);
	char *err = NULL;

	if (!n->config_path) {
		app_msg(a, false, "Node %s added for this session (nodes came from the command "
			"line: not saved)", nc->name);
		return;
	}
	/* A file without nodes made tve pick this host's: keep them too. */
	for (size_t i = 0; i < n->n_auto; i++) {
		char *tab = strchr(n->auto_nodes[i], '\t');
		struct tve_node_cfg local = { 0 };

		*tab = '\0';
		local.name = n->auto_nodes[i];
		local.uri = tab + 1;
		if (tve_config_append_node(n->config_path, &local, &err) < 0)
			break;
	}
	if (!err)
		tve_config_append_node(n->config_path, nc, &err);
	if (err) {
		app_error(a, "Node %s added, but not saved: %s", nc->name, err);
		free(err);
	} else {
		app_msg(a, false, "Node %s added and saved to %s", nc->name, n->config_path);
		node_config_saved();
	}
}

static void addnode_event(struct app *a, struct sform *sf, enum form_ev ev, struct form_field *fl,
			  int key)
{
	struct tve_node_cfg nc;
	char *err = NULL;
	int idx;

	(void)fl;
	(void)key;
	if (ev == FORM_EV_CHANGED) {
		addnode_check(a, sf);
		form_set_message(sf->form, false, NULL);
		return;
	}
	if (ev != FORM_EV_NEXT)
		return;
	if (addnode_check(a, sf) > 0) {
		for (int i = 1; i < N__COUNT; i++) {
			if (an(sf)->f[i] && an(sf)->f[i]->error && !an(sf)->f[i]->hidden) {
				form_focus(sf->form, an(sf)->f[i]);
				break;
			}
		}
		form_set_message(sf->form, true, "fix the field marked '!' first");
		return;
	}
	addnode_cfg(sf, &nc);
	idx = tve_backend_add_node(a->b, &nc, &err);
	if (idx < 0) {
		form_set_message(sf->form, true, err ? err : "cannot add the node");
		free(err);
		free(nc.keyfile);
		return;
	}
	addnode_save(a, sf, &nc);
	free(nc.keyfile);
	sform_close(a);
	app_sync(a);	/* the new node enters the tree */
}

/* The config file added nodes go to (set by main). */
static char *g_config_path;
static bool g_config_auto;

void node_config_set(const char *path, bool auto_nodes)
{
	free(g_config_path);
	g_config_path = tve_xstrdup(path);
	g_config_auto = auto_nodes;
}

void node_config_saved(void)
{
	g_config_auto = false;	/* the file has nodes now */
}

static const char *default_key(void)
{
	static char path[512];
	static const char *const names[] = { "id_ed25519", "id_ecdsa", "id_rsa" };
	const char *home = getenv("HOME");

	for (size_t i = 0; home && i < TVE_ARRAY_SIZE(names); i++) {
		snprintf(path, sizeof(path), "%s/.ssh/%s", home, names[i]);
		if (access(path, R_OK) == 0)
			return path;
	}
	return "~/.ssh/id_ed25519";
}

void node_add_open(struct app *a)
{
	struct sform *sf = sform_open(a, "Add: Node", 0);
	struct addnode *n;
	struct form_field *fl;
	const char *sock = getenv("SSH_AUTH_SOCK");
	bool agent = sock && *sock;

	if (!sf)
		return;
	n = tve_xcalloc(1, sizeof(*n));
	sf->data = n;
	sf->free_data = addnode_free;
	sf->event = addnode_event;
	sf->help = addnode_help;
	n->config_path = tve_xstrdup(g_config_path);
	if (g_config_auto) {
		for (size_t i = 0; i < a->n_nodes; i++) {
			n->auto_nodes = tve_xreallocarray(n->auto_nodes, n->n_auto + 1,
							  sizeof(*n->auto_nodes));
			n->auto_nodes[n->n_auto++] = tve_xasprintf("%s\t%s", app_snap(a, i)->node,
								   app_snap(a, i)->uri);
		}
	}
	form_add_page(sf->form, "Node");
	n->f[N_NAME] = fl = form_add(sf->form, 0, FORM_TEXT, "Name", N_NAME);
	fl->max_len = 64;
	n->f[N_TARGET] = fl = form_add(sf->form, 0, FORM_TEXT, "SSH (user@host:port)", N_TARGET);
	fl->max_len = 255;
	form_set_text(fl, "root@");
	n->f[N_AUTH] = fl = form_add(sf->form, 0, FORM_CHOICE, "Authentication", N_AUTH);
	form_add_option(fl, "ssh-agent", agent ? NULL : "SSH_AUTH_SOCK is not set", false, 0, NULL);
	form_add_option(fl, "key file", NULL, false, 1, NULL);
	fl->sel = agent ? 0 : 1;
	n->f[N_KEY] = fl = form_add(sf->form, 0, FORM_TEXT, "Key file", N_KEY);
	fl->max_len = 1024;
	form_set_text(fl, default_key());
	n->f[N_URI] = fl = form_add(sf->form, 0, FORM_TEXT, "libvirt URI", N_URI);
	fl->max_len = 1024;
	form_set_unit(fl, "empty: derived");
	info(sf, "Host keys", tve_backend_known_hosts(a->b));
	info(sf, "Saved to", g_config_path ? g_config_path : "not saved (nodes from the command line)");
	n->f[N_DERIVED] = form_add(sf->form, 0, FORM_VIEW, "", N_DERIVED);
	addnode_check(a, sf);
	/* Nothing typed yet: no errors shown before the first key. */
	for (int i = 1; i < N__COUNT; i++)
		if (n->f[i])
			form_set_error(n->f[i], NULL);
	sform_show(a, sf);
}
