/* storage.h - the storage side of the console: the Content tab's views,
 * the Add Storage wizard, and the small forms and questions of the
 * storage and volume actions (remove, enable, create, delete, resize,
 * copy, upload, download) and of cancelling a task.
 *
 * The forms float over the console like the Create wizards, one at a time
 * (never together with a wizard): the app gives them the keys while one is
 * open.  Every action starts a backend task and returns at once. */
#ifndef TVE_TUI_STORAGE_H
#define TVE_TUI_STORAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "actions.h"
#include "form.h"
#include "vbuf.h"

struct app;
struct tve_pool;
struct tve_volume;

/* A volume row of a storage's Content tab: kind OBJ_VOLUME (OBJ_NONE,
 * which no other row uses), id "POOL/VOLUME" (neither holds a '/'). */
#define OBJ_VOLUME OBJ_NONE
/* Splits a volume row's id; false if it is not one. */
bool volume_ref_split(const struct obj_ref *o, char *pool, size_t plen, char *vol, size_t vlen);

/* ---- view_storage.c: the Content tab's sub-view, order and filter ---- */

/* CMD_CONTENT_VIEW / CMD_CONTENT_SORT on the shown tab; true if it is the
 * Content tab of a storage (the tab must be rebuilt). */
bool storage_content_cmd(struct app *a, enum cmd cmd);
/* The Content tab of a storage is shown (its keys and filter apply). */
bool storage_content_shown(struct app *a);
/* The Content tab's filter text (edited in place by the app, '/'). */
char *storage_filter(size_t *cap);
/* The guest (label "VM 100 (web01)") whose disks use this volume of pool,
 * in buf; false when none does. */
bool volume_user(const struct app *a, size_t node, const struct tve_pool *p,
		 const struct tve_volume *v, char *buf, size_t len);
/* "local" is an ISO / template / backup / disk image volume. */
enum vol_class { VOL_IMAGE, VOL_ISO, VOL_TEMPLATE, VOL_BACKUP, VOL__COUNT };
enum vol_class volume_class(const char *name);
/* "[#####.....] 52% (52.0 GiB of 100 GiB)": a bar that reads without
 * colour, bar_w columns for the bar itself. */
void vb_usage_of(struct vbuf *vb, int bar_w, unsigned long long used, unsigned long long total);

/* ---- storage_form.c: the floating forms' host ---- */

struct sform {
	struct form *form;
	size_t node;
	char pool[256], vol[256];
	void *data;			/* freed with free_data (or free) */
	void (*free_data)(void *data);
	/* What a key did in the form (CANCEL and HELP are handled). */
	void (*event)(struct app *a, struct sform *sf, enum form_ev ev, struct form_field *fl,
		      int key);
	/* New snapshots arrived: re-check; true to redraw. */
	bool (*sync)(struct app *a, struct sform *sf);
	const char *const *help;	/* NULL-terminated lines for F1 */
	bool ask_discard;		/* Esc asks first (a wizard of pages) */
};

/* A new single form over the console, or NULL when a form or wizard is
 * open already.  The caller adds pages and fields, then sform_show(). */
struct sform *sform_open(struct app *a, const char *title, size_t node);
void sform_show(struct app *a, struct sform *sf);
void sform_close(struct app *a);
bool sform_active(void);
void sform_key(struct app *a, int key);
void sform_place(void);
void sform_draw(void);
bool sform_sync(struct app *a);

/* ---- storage_wizard.c ---- */

/* Add Storage on node (the wizard picks another when it is not online). */
void storage_wizard_open(struct app *a, size_t node);

/* ---- storage_dialogs.c: the storage and volume actions ---- */

/* Whether act is one of these actions; NULL if it can run on o now, else
 * why not (into buf). */
bool storage_action(enum action act);
const char *storage_unavailable(struct app *a, enum action act, const struct obj_ref *o,
				char *buf, size_t len);
/* Opens its form or question (which starts the task). */
void storage_run(struct app *a, enum action act, const struct obj_ref *o);
/* Asks, then cancels the task (Del/x in the task panel). */
void storage_task_cancel(struct app *a, const char *task_id);
/* A node whose URI names no host (this machine), not the test driver. */
bool node_is_local(struct app *a, size_t node);

#endif
