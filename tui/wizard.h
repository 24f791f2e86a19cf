/* wizard.h - the Create VM and Create CT wizards: forms floating over the
 * console that fill a guest spec (backend/spec.h) page by page, check
 * every field as it is typed, and start the creation task.
 *
 * One wizard is open at a time.  It sits below the dialog stack: the app
 * gives it the keys when no dialog is open, and the dialogs it opens
 * (discard?, XML, help, errors) go on top of it.  It never waits on a
 * node: the rules read a set of snapshot references (tve_create_ctx),
 * taken again when a node publishes a new snapshot.
 *
 * The second half of this header is for wizard_vm.c and wizard_ct.c: a
 * wizard is a table of fields bound to members of its spec (by offset) and
 * a few functions of its kind; wizard_common.c does the rest. */
#ifndef TVE_TUI_WIZARD_H
#define TVE_TUI_WIZARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"
#include "form.h"

struct app;

/* Opens Create VM / Create CT with node preselected. */
void wizard_vm_open(struct app *a, size_t node);
void wizard_ct_open(struct app *a, size_t node);

/* The app's side: whether one is open, its keys, and what it needs on a
 * resize, a redraw, new snapshots and exit. */
bool wizard_active(void);
void wizard_key(struct app *a, int key);
void wizard_place(void);
void wizard_draw(void);
/* New snapshots: true when the wizard's fields changed (redraw it). */
bool wizard_sync(struct app *a);
void wizard_close(struct app *a);

/* ---- for the wizards ------------------------------------------------------ */

struct wiz;

enum wf_type {
	WF_NODE,	/* char *: the node, picked from the datacenter's */
	WF_STR,		/* char *: text, "" = NULL */
	WF_SECRET,	/* char *: masked text */
	WF_SECRET2,	/* confirm the WF_SECRET at off: kept in the form only */
	WF_INT,		/* int: text */
	WF_UINT,	/* unsigned: text */
	WF_MIB,		/* unsigned long long MiB: text, a bare number is MiB */
	WF_SIZE,	/* unsigned long long bytes: text, a bare number is GiB */
	WF_DOUBLE,	/* double: text */
	WF_BOOL,	/* bool: checkbox */
	WF_ENUM,	/* an enum: choice of opts() (option ival = value) */
	WF_CHOICE,	/* char *: choice of opts() (option sval = value) */
	WF_CUSTOM,	/* choice: opts() selects, set() stores */
	WF_INFO,	/* read-only line: info */
	WF_ITEMS,	/* the list of items (disks) */
	WF_SUMMARY,	/* the confirm page's summary */
};

#define WIZ_RULE(f) .rule = (int)(f) + 1

struct wf {
	int page;
	enum wf_type type;
	const char *label;
	size_t off;		/* of the member in the spec, or in the item */
	bool item;		/* a member of the shown item (disk) */
	int rule;		/* WIZ_RULE(the spec's field) for its rule, 0 none */
	bool empty_ok;		/* numbers: "" stands for `empty` */
	long long empty;
	size_t max_len;
	const char *unit;	/* hint after a text box */
	const char *info;	/* WF_INFO */
	void (*opts)(struct wiz *w, const struct wf *d, struct form_field *fl);
	void (*set)(struct wiz *w, const struct wf *d, const struct form_option *o);
	bool (*shown)(const struct wiz *w);		/* NULL = always */
	const char *(*off_why)(const struct wiz *w);	/* WF_BOOL: why it cannot be turned on */
};

struct wiz_kind {
	const char *title;	/* "Create: Virtual Machine" */
	const char *what;	/* "VM" */
	const char *const *pages;
	int n_pages;
	const struct wf *fields;
	size_t n_fields;
	size_t spec_size;
	void (*defaults)(void *spec, const struct tve_create_ctx *ctx);
	void (*clear_spec)(void *spec);
	char *(*check)(const void *spec, const struct tve_create_ctx *ctx, int rule, size_t item);
	int (*check_page)(const void *spec, const struct tve_create_ctx *ctx, int page, char **err);
	char **(*summary)(const void *spec);
	char *(*xml)(const void *spec, const struct tve_create_ctx *ctx, char **err);
	int (*create)(struct tve_backend *b, size_t node, const void *spec, char **task_id,
		      char **err);
	int (*vmid)(const void *spec);
	/* Items (disks); NULL when the kind has none. */
	size_t (*n_items)(const void *spec);
	void *(*item)(void *spec, size_t i);
	char *(*item_label)(const void *spec, size_t i);
	void (*add_item)(void *spec, const struct tve_create_ctx *ctx);
	void (*remove_item)(void *spec, size_t i);
	/* After field d changed, e.g. the OS type (NULL = nothing to do). */
	void (*changed)(struct wiz *w, const struct wf *d);
};

struct wiz {
	struct app *a;
	const struct wiz_kind *k;
	void *spec;
	struct tve_create_ctx ctx;
	size_t node;			/* ctx.node's index */
	uint64_t *gens;			/* each node's generation in ctx */
	bool *caps;			/* each node's has_caps in ctx */
	size_t n_nodes;
	struct form *form;
	struct form_field **ff;		/* per table field */
	char **perr;			/* per table field: its text did not parse */
	size_t item;			/* the item shown */
};

/* Opens a wizard of kind k on node. */
void wiz_open(struct app *a, const struct wiz_kind *k, size_t node);

/* wizard_bind.c: (re)takes the ctx with node as ctx.node. */
void wiz_take_ctx(struct wiz *w, size_t node);
/* Every field from the spec (force_items: the item's text fields too,
 * even typed or unparsed). */
void wiz_load_all(struct wiz *w, bool force_items);
/* The rules' messages at the current page's fields. */
void wiz_check_fields(struct wiz *w);
/* Shows item i (disk) in the item fields. */
void wiz_show_item(struct wiz *w, size_t item);
/* Table field i's form field changed: into the spec, reload, check. */
void wiz_changed(struct wiz *w, size_t i);
/* Options shared by both wizards. */
void wiz_opts_enum(struct form_field *fl, const char *(*label)(int), int n);
void wiz_opts_pools(struct wiz *w, struct form_field *fl, bool with_default);
void wiz_opts_net_source(struct wiz *w, struct form_field *fl, int net_kind);
/* Volumes of the node's pools whose name ends in one of the suffixes
 * (NULL-terminated), valued "pool/volume"; pool NULL = every pool (then
 * labelled "pool/volume" too, else by the volume's name). */
void wiz_opts_volumes(struct wiz *w, struct form_field *fl, const char *pool,
		      const char *const *suffixes);

#endif
