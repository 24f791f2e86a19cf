/* backend_create.h - what Create VM (backend_create.c) and Create CT
 * (backend_create_ct.c) share: the undo list and define-and-start. */
#ifndef TVE_BACKEND_CREATE_H
#define TVE_BACKEND_CREATE_H

#include <stdbool.h>

#include "backend_priv.h"

/* What a creation task made so far, undone in reverse on failure. */
struct tve_undo {
	struct {
		char *pool, *volume;
	} *vols;
	size_t n_vols;
	char uuid[37];		/* defined domain, "" = none */
};

void tve_undo_add_volume(struct tve_undo *u, const char *pool, const char *volume);
/* Undefines the domain (stopping it first) and deletes the volumes,
 * logging each step into t. */
void tve_undo_run(struct tve_undo *u, struct conn *c, struct tve_task *t);
void tve_undo_clear(struct tve_undo *u);

/* Defines xml, enables autostart when onboot, starts when start; label
 * names the guest in the log ("VM 100 (web01)").  Records the domain in u.
 * 0, or -1 with *err (logged). */
int tve_create_define_start(struct conn *c, struct tve_task *t, const char *xml, const char *label,
			    bool onboot, bool start, struct tve_undo *u, char **err);

/* NULL when drv can create guests, else why not. */
const char *tve_create_unsupported(const struct tve_driver_ops *drv);

#endif
