/* node_facts.h - node facts from the node's own system (see node_facts.c). */
#ifndef TVE_NODE_FACTS_H
#define TVE_NODE_FACTS_H

#include "model.h"

/* The command run over ssh on a remote node; its output goes to
 * tve_facts_parse. */
extern const char TVE_FACTS_COMMAND[];
/* Sets load, uptime, kernel, os_name and rootfs in f from the command's
 * output (and cpu_model; hostname only when f has none).  0, or -1 when
 * load or uptime are missing (not a Linux node, or output cut short). */
int tve_facts_parse(struct tve_node_facts *f, const char *text);
/* The same from this host. */
void tve_facts_read_local(struct tve_node_facts *f);

#endif
