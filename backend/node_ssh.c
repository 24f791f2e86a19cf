/* node_ssh.c - a task's own ssh session to a node.
 *
 * Long transfers (a template, a container's root disk, a download) run on
 * a session of their own: the node's worker reads its facts over its
 * session every few seconds, and a transfer holding that one would freeze
 * the node's refresh for as long as it runs. */
#include <stdlib.h>
#include <string.h>

#include "backend_priv.h"
#include "util.h"

struct tve_ssh *tve_node_ssh_open(struct tve_node *n, char **err)
{
	struct tve_ssh_opts o = {
		.target = n->ssh, .keyfile = n->keyfile, .known_hosts = n->b->known_hosts,
	};
	enum tve_ssh_result res;
	struct tve_ssh *s;
	char *pass, *e = NULL;

	if (!n->ssh) {
		tve_set_err(err, "%s is not reached over ssh", n->name);
		return NULL;
	}
	pass = tve_node_passphrase(n);
	o.passphrase = pass;
	/* Nothing is asked here: the node's own connection is where the user
	 * accepts a host key or gives a passphrase. */
	s = tve_ssh_connect(&o, NULL, &res, &e);
	if (pass) {
		explicit_bzero(pass, strlen(pass));
		free(pass);
	}
	if (s)
		return s;
	if (res == TVE_SSH_HOSTKEY_UNKNOWN || res == TVE_SSH_HOSTKEY_CHANGED)
		tve_set_err(err, "%s: %s (accept the node's host key first)", n->name, e);
	else if (res == TVE_SSH_NEED_PASSPHRASE)
		tve_set_err(err, "%s: %s (give it for the node first)", n->name, e);
	else
		tve_set_err(err, "%s: %s", n->name, e);
	free(e);
	return NULL;
}
