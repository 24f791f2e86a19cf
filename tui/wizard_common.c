/* wizard_common.c - what the Create VM and Create CT wizards share: the
 * wizard's life over the console, its keys, the page flow (Next only when
 * the page is valid), the summary and XML views, and the creation task.
 * The fields' binding to the spec is in wizard_bind.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "tui.h"
#include "wizard.h"

/* The open wizard (one at a time). */
static struct wiz *cur;

static const char *const help_text[] = {
	"Create wizard - keys",
	"",
	"  Tab Down         next field (Enter too; on the last field: Next)",
	"  Shift-Tab Up     previous field",
	"  Ctrl-N           Next page (Finish on the last page)",
	"  Ctrl-P           Back to the previous page",
	"  Esc              Cancel: asks before discarding the wizard",
	"  F1               this help",
	"",
	"Text fields",
	"  type             insert at the cursor",
	"  Left Right       move the cursor;  Home End (Ctrl-A Ctrl-E) ends",
	"  Backspace Del    delete before / at the cursor",
	"  Ctrl-U Ctrl-K    clear the field / delete to its end",
	"  sizes            32, 32G, 1.5T, 512M (a bare number: the unit shown)",
	"",
	"Choices and checkboxes",
	"  Left Right       previous / next choice",
	"  Space Enter      open the list (Up Down, a letter, Enter picks, Esc)",
	"  Space            toggle a checkbox",
	"  (note)           why a choice or checkbox is not available",
	"",
	"Lists (disks)",
	"  Left Right       show another item",
	"  a  Insert  +     add one;  Del  -  remove the one shown",
	"",
	"Confirm page",
	"  Up Down PgUp PgDn  scroll the summary",
	"  x                the exact libvirt XML that will be defined",
	"",
	"A field that is not valid shows why under it, after a '!'.",
	"Next stays on the page until every field on it is valid.",
	NULL,
};

bool wizard_active(void)
{
	return cur != NULL;
}

/* ---- page flow -------------------------------------------------------------- */

/* Focuses the page's first field with a message; false if none has one. */
static bool focus_error(struct wiz *w)
{
	int page = form_page(w->form);
	char msg[512];

	for (size_t i = 0; i < w->k->n_fields; i++) {
		if (w->k->fields[i].page == page && w->ff[i]->error && !w->ff[i]->hidden) {
			form_focus(w->form, w->ff[i]);
			snprintf(msg, sizeof(msg), "Next: fix %s first (see the '!' under it)",
				 w->ff[i]->label);
			form_set_message(w->form, true, msg);
			return true;
		}
	}
	return false;
}

static bool page_valid(struct wiz *w)
{
	int page = form_page(w->form);
	size_t n_items = w->k->n_items ? w->k->n_items(w->spec) : 0;
	char *err = NULL;

	wiz_check_fields(w);
	if (focus_error(w))
		return false;
	/* The other items (disks) are not on screen: show the first bad one. */
	for (size_t it = 0; it < n_items; it++) {
		bool bad = false;

		for (size_t i = 0; it != w->item && !bad && i < w->k->n_fields; i++) {
			const struct wf *d = &w->k->fields[i];
			char *m;

			if (d->page != page || !d->item || !d->rule ||
			    !(m = w->k->check(w->spec, &w->ctx, d->rule - 1, it)))
				continue;
			free(m);
			bad = true;
		}
		if (bad) {
			wiz_show_item(w, it);
			wiz_check_fields(w);
			if (focus_error(w))
				return false;
			break;
		}
	}
	if (w->k->check_page(w->spec, &w->ctx, page, &err) < 0) {
		form_set_message(w->form, true, err ? err : "this page is not complete");
		free(err);
		return false;
	}
	return true;
}

static struct form_field *summary_field(struct wiz *w)
{
	for (size_t i = 0; i < w->k->n_fields; i++)
		if (w->k->fields[i].type == WF_SUMMARY)
			return w->ff[i];
	return NULL;
}

static void finish(struct wiz *w)
{
	struct app *a = w->a;
	char *err = NULL, what[64];
	int rc;

	rc = w->k->check_page(w->spec, &w->ctx, -1, &err);
	if (rc == 0)
		rc = w->k->create(a->b, w->node, w->spec, NULL, &err);
	if (rc < 0) {
		form_set_message(w->form, true, err ? err : "failed");
		app_push_dialog(a, dialog_message("Create failed", err ? err : "failed"));
		free(err);
		return;
	}
	snprintf(what, sizeof(what), "%s %d", w->k->what, w->k->vmid(w->spec));
	app_msg(a, false, "Creating %s on %s: see the task panel", what, app_snap(a, w->node)->node);
	wizard_close(a);
	app_poll_tasks(a);
}

static void next(struct wiz *w)
{
	int page = form_page(w->form), last = form_n_pages(w->form) - 1;
	struct form_field *sum;

	if (!page_valid(w))
		return;
	if (page == last) {
		finish(w);
		return;
	}
	if (page + 1 == last && (sum = summary_field(w)))
		form_set_view(sum, w->k->summary(w->spec));
	form_goto(w->form, page + 1);
	wiz_load_all(w, false);
	wiz_check_fields(w);
}

static void show_xml(struct wiz *w)
{
	char *err = NULL, *xml = w->k->xml(w->spec, &w->ctx, &err), title[96];
	char **lines;
	size_t n = 1;

	if (!xml) {
		app_push_dialog(w->a, dialog_message("Domain XML", err ? err : "cannot be made"));
		free(err);
		return;
	}
	for (const char *p = xml; *p; p++)
		n += *p == '\n';
	lines = tve_xcalloc(n + 1, sizeof(*lines));
	n = 0;
	for (char *p = xml, *e; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		lines[n++] = e ? tve_xasprintf("%.*s", (int)(e - p), p) : tve_xstrdup(p);
	}
	free(xml);
	snprintf(title, sizeof(title), "Domain XML: %s %d", w->k->what, w->k->vmid(w->spec));
	app_push_dialog(w->a, dialog_viewer(title, lines, false));
}

static void discard_done(struct app *a, struct dialog *d, int yes)
{
	(void)d;
	if (yes)
		wizard_close(a);
}

void wizard_key(struct app *a, int key)
{
	struct wiz *w = cur;
	struct form_field *fl;
	size_t n;

	if (!w)
		return;
	switch (form_key(w->form, key, &fl)) {
	case FORM_EV_CHANGED:
		wiz_changed(w, (size_t)fl->tag);
		break;
	case FORM_EV_ITEM:
		wiz_show_item(w, fl->sel);
		wiz_check_fields(w);
		break;
	case FORM_EV_ADD:
		w->k->add_item(w->spec, &w->ctx);
		wiz_show_item(w, w->k->n_items(w->spec) - 1);
		wiz_check_fields(w);
		break;
	case FORM_EV_REMOVE:
		w->k->remove_item(w->spec, w->item);
		n = w->k->n_items(w->spec);
		wiz_show_item(w, w->item < n ? w->item : n ? n - 1 : 0);
		form_focus(w->form, fl);
		wiz_check_fields(w);
		break;
	case FORM_EV_NEXT:
		next(w);
		break;
	case FORM_EV_BACK:
		form_goto(w->form, form_page(w->form) - 1);
		wiz_load_all(w, false);
		wiz_check_fields(w);
		break;
	case FORM_EV_CANCEL:
		app_push_dialog(a, dialog_confirm("Cancel", "Discard this wizard?", discard_done));
		break;
	case FORM_EV_HELP: {
		char **lines = tve_xcalloc(TVE_ARRAY_SIZE(help_text), sizeof(*lines));

		for (size_t i = 0; help_text[i]; i++)
			lines[i] = tve_xstrdup(help_text[i]);
		app_push_dialog(a, dialog_viewer("Help", lines, false));
		break;
	}
	case FORM_EV_KEY:
		if ((key == 'x' || key == 'X') && form_page(w->form) == form_n_pages(w->form) - 1)
			show_xml(w);
		break;
	case FORM_EV_NONE:
		break;
	}
}

/* ---- life ------------------------------------------------------------------- */

void wiz_open(struct app *a, const struct wiz_kind *k, size_t node)
{
	static const enum form_kind kinds[] = {
		[WF_NODE] = FORM_CHOICE, [WF_STR] = FORM_TEXT, [WF_SECRET] = FORM_TEXT,
		[WF_SECRET2] = FORM_TEXT, [WF_INT] = FORM_TEXT, [WF_UINT] = FORM_TEXT,
		[WF_MIB] = FORM_TEXT, [WF_SIZE] = FORM_TEXT, [WF_DOUBLE] = FORM_TEXT,
		[WF_BOOL] = FORM_CHECK, [WF_ENUM] = FORM_CHOICE, [WF_CHOICE] = FORM_CHOICE,
		[WF_CUSTOM] = FORM_CHOICE, [WF_INFO] = FORM_INFO, [WF_ITEMS] = FORM_LIST,
		[WF_SUMMARY] = FORM_VIEW,
	};
	struct wiz *w;

	if (cur)
		return;
	w = tve_xcalloc(1, sizeof(*w));
	w->a = a;
	w->k = k;
	w->spec = tve_xcalloc(1, k->spec_size);
	wiz_take_ctx(w, node);
	k->defaults(w->spec, &w->ctx);
	w->form = form_new(k->title);
	for (int p = 0; p < k->n_pages; p++)
		form_add_page(w->form, k->pages[p]);
	form_set_page_hint(w->form, k->n_pages - 1, "x XML");
	w->ff = tve_xcalloc(k->n_fields, sizeof(*w->ff));
	w->perr = tve_xcalloc(k->n_fields, sizeof(*w->perr));
	for (size_t i = 0; i < k->n_fields; i++) {
		const struct wf *d = &k->fields[i];
		struct form_field *fl = form_add(w->form, d->page, kinds[d->type], d->label, (int)i);

		fl->max_len = d->max_len;
		fl->masked = d->type == WF_SECRET || d->type == WF_SECRET2;
		form_set_unit(fl, d->unit);
		w->ff[i] = fl;
	}
	cur = w;
	wiz_load_all(w, true);
	form_goto(w->form, 0);
	wiz_check_fields(w);
	form_place(w->form);
	if (a->lay.too_small)
		top_panel(a->lay.p_small);
	a->dirty |= DIRTY_DIALOG;
}

void wizard_close(struct app *a)
{
	struct wiz *w = cur;

	if (!w)
		return;
	cur = NULL;
	form_free(w->form);
	for (size_t i = 0; i < w->k->n_fields; i++)
		free(w->perr[i]);
	free(w->perr);
	free(w->ff);
	w->k->clear_spec(w->spec);
	free(w->spec);
	if (w->ctx.nodes)
		tve_backend_ctx_release(&w->ctx);
	free(w->gens);
	free(w->caps);
	free(w);
	a->dirty |= DIRTY_ALL;
}

void wizard_place(void)
{
	if (cur)
		form_place(cur->form);
}

void wizard_draw(void)
{
	if (cur)
		form_draw(cur->form);
}

bool wizard_sync(struct app *a)
{
	struct wiz *w = cur;
	struct tve_create_ctx old;
	bool moved = false;
	unsigned d = 0;

	if (!w)
		return false;
	for (size_t i = 0; i < w->n_nodes && i < a->n_nodes; i++)
		moved |= app_snap(a, i)->generation != w->gens[i] ||
			 app_snap(a, i)->has_caps != w->caps[i];
	if (!moved)
		return false;
	old = w->ctx;
	w->ctx.nodes = NULL;
	wiz_take_ctx(w, w->node);
	for (size_t i = 0; i < w->n_nodes && i < old.n_nodes; i++) {
		d |= tve_snapshot_diff(old.nodes[i], w->ctx.nodes[i]);
		d |= old.nodes[i]->has_caps != w->ctx.nodes[i]->has_caps ? TVE_DIFF_NODE : 0;
	}
	tve_backend_ctx_release(&old);
	if (!(d & (TVE_DIFF_NODE | TVE_DIFF_GUEST_SET | TVE_DIFF_POOLS | TVE_DIFF_NETWORKS)))
		return false;
	wiz_load_all(w, false);
	wiz_check_fields(w);
	return true;
}
