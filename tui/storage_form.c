/* storage_form.c - the host of the storage forms: one at a time, floating
 * over the console like the Create wizards (never beside one).  The app
 * gives it the keys while it is open; Esc closes it (a wizard asks first),
 * F1 shows its keys,
 * everything else goes to the form's owner. */
#include <stdlib.h>

#include "app.h"
#include "storage.h"
#include "tui.h"
#include "wizard.h"

static struct sform *cur;

static const char *const default_help[] = {
	"Storage form - keys",
	"",
	"  Tab Down         next field (Enter too; on the last field: Finish)",
	"  Shift-Tab Up     previous field",
	"  Ctrl-N           Next page / Finish;  Ctrl-P  back",
	"  Esc              close without doing anything",
	"  Space            toggle a checkbox; open a choice's list",
	"  Left Right       step through a choice",
	"  sizes            32, 32G, 1.5T, 512M (a bare number: GiB)",
	"",
	"A field that is not valid shows why under it, after a '!'.",
	NULL,
};

bool sform_active(void)
{
	return cur != NULL;
}

struct sform *sform_open(struct app *a, const char *title, size_t node)
{
	struct sform *sf;

	if (cur || wizard_active()) {
		app_error(a, "Close the open form first");
		return NULL;
	}
	sf = tve_xcalloc(1, sizeof(*sf));
	sf->form = form_new(title);
	sf->node = node;
	return sf;
}

void sform_show(struct app *a, struct sform *sf)
{
	cur = sf;
	form_goto(sf->form, 0);
	form_place(sf->form);
	if (a->lay.too_small)
		top_panel(a->lay.p_small);
	a->dirty |= DIRTY_DIALOG;
}

void sform_close(struct app *a)
{
	struct sform *sf = cur;

	if (!sf)
		return;
	cur = NULL;
	form_free(sf->form);
	if (sf->free_data)
		sf->free_data(sf->data);
	else
		free(sf->data);
	free(sf);
	a->dirty |= DIRTY_ALL;
}

static void discard_done(struct app *a, struct dialog *d, int yes)
{
	(void)d;
	if (yes)
		sform_close(a);
}

void sform_key(struct app *a, int key)
{
	struct sform *sf = cur;
	struct form_field *fl;
	enum form_ev ev;

	if (!sf)
		return;
	ev = form_key(sf->form, key, &fl);
	if (ev == FORM_EV_CANCEL && sf->ask_discard) {
		app_push_dialog(a, dialog_confirm("Cancel", "Discard this wizard?", discard_done));
	} else if (ev == FORM_EV_CANCEL) {
		sform_close(a);
	} else if (ev == FORM_EV_HELP) {
		const char *const *h = sf->help ? sf->help : default_help;
		size_t n = 0;
		char **lines;

		while (h[n])
			n++;
		lines = tve_xcalloc(n + 1, sizeof(*lines));
		for (size_t i = 0; i < n; i++)
			lines[i] = tve_xstrdup(h[i]);
		app_push_dialog(a, dialog_viewer("Help", lines, false));
	} else if (sf->event) {
		sf->event(a, sf, ev, fl, key);	/* may close the form */
	}
}

void sform_place(void)
{
	if (cur)
		form_place(cur->form);
}

void sform_draw(void)
{
	if (cur)
		form_draw(cur->form);
}

bool sform_sync(struct app *a)
{
	return cur && cur->sync && cur->sync(a, cur);
}
