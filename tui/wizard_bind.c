/* wizard_bind.c - a wizard's table of fields bound to its spec: values
 * shown from the spec's members, text parsed into them, options, and the
 * rules' messages at the fields.
 *
 * The spec is the truth: every field shows its member's value, except a
 * text field being typed in (its text is kept) or one whose text does not
 * parse (it keeps the text and shows why).  After each edit the value goes
 * into the spec, every field is loaded again from it (an option can hide
 * or disable others) and the page's fields are checked by the spec's
 * rules. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "tui.h"
#include "wizard.h"

#define MIB (1024ULL * 1024)
#define GIB (1024ULL * MIB)
#define MEMBER(T, b, d) ((T *)(void *)((char *)(b) + (d)->off))

static void *base_of(const struct wiz *w, const struct wf *d)
{
	if (!d->item)
		return w->spec;
	if (!w->k->n_items || w->item >= w->k->n_items(w->spec))
		return NULL;
	return w->k->item(w->spec, w->item);
}

static bool is_text(enum wf_type t)
{
	return t == WF_STR || t == WF_SECRET || t == WF_SECRET2 || t == WF_INT || t == WF_UINT ||
	       t == WF_MIB || t == WF_SIZE || t == WF_DOUBLE;
}

static bool is_choice(enum wf_type t)
{
	return t == WF_NODE || t == WF_ENUM || t == WF_CHOICE || t == WF_CUSTOM;
}

/* "32" for 32 GiB, "512M", "100K": what the size parser reads back. */
static void fmt_size(char *buf, size_t len, unsigned long long b)
{
	if (b % GIB == 0)
		snprintf(buf, len, "%llu", b / GIB);
	else if (b % MIB == 0)
		snprintf(buf, len, "%lluM", b / MIB);
	else
		snprintf(buf, len, "%lluK", (b + 1023) / 1024);
}

static void format(const struct wf *d, void *b, char *buf, size_t len)
{
	buf[0] = '\0';
	switch (d->type) {
	case WF_STR:
	case WF_SECRET: {
		const char *s = *MEMBER(char *, b, d);

		snprintf(buf, len, "%s", s ? s : "");
		break;
	}
	case WF_INT:
		if (!d->empty_ok || *MEMBER(int, b, d) != d->empty)
			snprintf(buf, len, "%d", *MEMBER(int, b, d));
		break;
	case WF_UINT:
		if (!d->empty_ok || *MEMBER(unsigned, b, d) != (unsigned)d->empty)
			snprintf(buf, len, "%u", *MEMBER(unsigned, b, d));
		break;
	case WF_MIB:
		if (!d->empty_ok || *MEMBER(unsigned long long, b, d) != (unsigned long long)d->empty)
			snprintf(buf, len, "%llu", *MEMBER(unsigned long long, b, d));
		break;
	case WF_SIZE:
		fmt_size(buf, len, *MEMBER(unsigned long long, b, d));
		break;
	case WF_DOUBLE:
		if (!d->empty_ok || *MEMBER(double, b, d) != (double)d->empty)
			snprintf(buf, len, "%g", *MEMBER(double, b, d));
		break;
	default:
		break;
	}
}

/* Text into the member; NULL, or why it does not parse. */
static char *parse(const struct wf *d, void *b, const char *t)
{
	char *err = NULL;
	unsigned long long bytes;
	long long v;
	double dv;

	if (!*t && d->empty_ok && d->type != WF_STR) {
		if (d->type == WF_INT)
			*MEMBER(int, b, d) = (int)d->empty;
		else if (d->type == WF_UINT)
			*MEMBER(unsigned, b, d) = (unsigned)d->empty;
		else if (d->type == WF_MIB || d->type == WF_SIZE)
			*MEMBER(unsigned long long, b, d) = (unsigned long long)d->empty;
		else if (d->type == WF_DOUBLE)
			*MEMBER(double, b, d) = (double)d->empty;
		return NULL;
	}
	switch (d->type) {
	case WF_STR:
	case WF_SECRET: {
		char **p = MEMBER(char *, b, d);

		if (*p && d->type == WF_SECRET)
			memset(*p, 0, strlen(*p));
		free(*p);
		*p = *t ? tve_xstrdup(t) : NULL;
		return NULL;
	}
	case WF_INT:
		if (tve_parse_int(t, INT_MIN, INT_MAX, &v, &err) < 0)
			break;
		*MEMBER(int, b, d) = (int)v;
		return NULL;
	case WF_UINT:
		if (tve_parse_int(t, 0, UINT_MAX, &v, &err) < 0)
			break;
		*MEMBER(unsigned, b, d) = (unsigned)v;
		return NULL;
	case WF_MIB:
	case WF_SIZE:
		if (tve_parse_size(t, d->type == WF_MIB ? MIB : GIB, &bytes, &err) < 0)
			break;
		*MEMBER(unsigned long long, b, d) = d->type == WF_MIB ? bytes / MIB : bytes;
		return NULL;
	case WF_DOUBLE:
		if (tve_parse_double(t, 0, 1e15, &dv, &err) < 0)
			break;
		*MEMBER(double, b, d) = dv;
		return NULL;
	default:
		return NULL;
	}
	return err ? err : tve_xstrdup("not valid");
}

/* ---- options -------------------------------------------------------------- */

void wiz_opts_enum(struct form_field *fl, const char *(*label)(int), int n)
{
	for (int v = 0; v < n; v++)
		form_add_option(fl, label(v), NULL, false, v, NULL);
}

void wiz_opts_pools(struct wiz *w, struct form_field *fl, bool with_default)
{
	const struct tve_snapshot *s = w->ctx.node;

	if (with_default)
		form_add_option(fl, "(default)", NULL, false, 0, NULL);
	for (size_t i = 0; s && i < s->n_pools; i++) {
		const struct tve_pool *p = &s->pools[i];
		char free_s[32], label[320];

		snprintf(label, sizeof(label), "%s (%s, %s free)", p->name, p->type ? p->type : "?",
			 tve_fmt_bytes(free_s, sizeof(free_s), p->available));
		form_add_option(fl, label, p->active ? NULL : "inactive", false, 0, p->name);
	}
}

void wiz_opts_net_source(struct wiz *w, struct form_field *fl, int net_kind)
{
	const struct tve_snapshot *s = w->ctx.node;

	if (!s)
		return;
	if (net_kind == TVE_NET_NETWORK) {
		for (size_t i = 0; i < s->n_networks; i++)
			form_add_option(fl, s->networks[i].name, s->networks[i].active ? NULL : "inactive",
					false, 0, s->networks[i].name);
		return;
	}
	for (size_t i = 0; s->has_caps && i < s->caps.n_bridges; i++)
		form_add_option(fl, s->caps.bridges[i], NULL, false, 0, s->caps.bridges[i]);
	/* The bridges of libvirt's networks are host bridges too. */
	for (size_t i = 0; i < s->n_networks; i++) {
		const char *br = s->networks[i].bridge;
		bool seen = false;
		char note[300];

		for (size_t k = 0; br && k < fl->n_opts; k++)
			seen |= !strcmp(fl->opts[k].sval, br);
		if (!br || seen)
			continue;
		snprintf(note, sizeof(note), "network %s", s->networks[i].name);
		form_add_option(fl, br, note, false, 0, br);
	}
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n > k && !strcmp(s + n - k, suffix);
}

void wiz_opts_volumes(struct wiz *w, struct form_field *fl, const char *pool,
		      const char *const *suffixes)
{
	const struct tve_snapshot *s = w->ctx.node;

	for (size_t i = 0; s && i < s->n_pools; i++) {
		const struct tve_pool *p = &s->pools[i];

		if (pool && strcmp(pool, p->name))
			continue;
		for (size_t v = 0; v < p->n_volumes; v++) {
			char id[600];

			for (size_t k = 0; suffixes[k]; k++) {
				if (!has_suffix(p->volumes[v].name, suffixes[k]))
					continue;
				snprintf(id, sizeof(id), "%s/%s", p->name, p->volumes[v].name);
				form_add_option(fl, pool ? p->volumes[v].name : id, NULL, false, 0, id);
				break;
			}
		}
	}
}

static void opts_nodes(struct wiz *w, struct form_field *fl)
{
	for (size_t i = 0; i < w->a->n_nodes; i++) {
		const struct tve_snapshot *s = app_snap(w->a, i);
		bool online = s->state == TVE_NODE_ONLINE;

		form_add_option(fl, s->node, online ? NULL : tve_node_state_name(s->state), !online,
				(int)i, s->node);
	}
}

/* Selects the option holding the member's value; a value no option holds
 * is shown as it is, marked. */
static void select_option(const struct wf *d, struct form_field *fl, void *b)
{
	const char *s = d->type == WF_ENUM ? NULL : *MEMBER(char *, b, d);

	for (size_t i = 0; i < fl->n_opts; i++) {
		const struct form_option *o = &fl->opts[i];

		if (d->type == WF_ENUM ? o->ival == *MEMBER(int, b, d)
		    : (s && o->sval ? !strcmp(s, o->sval) : s == o->sval)) {
			fl->sel = i;
			return;
		}
	}
	if (d->type == WF_ENUM)
		form_add_option(fl, "?", NULL, true, *MEMBER(int, b, d), NULL);
	else
		form_add_option(fl, s ? s : "(none)", s ? "not on this node" : NULL, true, 0, s);
	fl->sel = fl->n_opts - 1;
}

/* ---- loading and checking --------------------------------------------------- */

static void load_field(struct wiz *w, size_t i, bool force)
{
	const struct wf *d = &w->k->fields[i];
	struct form_field *fl = w->ff[i];
	void *b = base_of(w, d);
	char buf[256];
	const char *why;

	fl->hidden = (d->item && !b) || (d->shown && !d->shown(w));
	if (!b && d->type != WF_ITEMS)
		return;
	if (is_choice(d->type)) {
		form_clear_options(fl);
		fl->sel = 0;
		if (d->type == WF_NODE)
			opts_nodes(w, fl);
		else
			d->opts(w, d, fl);
		if (d->type != WF_CUSTOM)
			select_option(d, fl, b);
		return;
	}
	switch (d->type) {
	case WF_BOOL:
		fl->on = *MEMBER(bool, b, d);
		why = d->off_why ? d->off_why(w) : NULL;
		fl->disabled = why && !fl->on;
		form_set_note(fl, fl->disabled ? why : NULL);
		break;
	case WF_ITEMS:
		form_clear_options(fl);
		for (size_t k = 0; k < w->k->n_items(w->spec); k++) {
			char *label = w->k->item_label(w->spec, k);

			form_add_option(fl, label, NULL, false, (int)k, NULL);
			free(label);
		}
		fl->sel = w->item;
		break;
	case WF_INFO:
		form_set_text(fl, d->info);
		break;
	case WF_SUMMARY:
	case WF_SECRET2:
		break;
	default:
		if ((w->perr[i] || fl == form_focused(w->form)) && !force)
			break;
		free(w->perr[i]);
		w->perr[i] = NULL;
		format(d, b, buf, sizeof(buf));
		form_set_text(fl, buf);
		memset(buf, 0, sizeof(buf));	/* may be a password */
		break;
	}
}

void wiz_load_all(struct wiz *w, bool force_items)
{
	for (size_t i = 0; i < w->k->n_fields; i++)
		load_field(w, i, force_items && w->k->fields[i].item);
	form_fix_focus(w->form);
}

/* Field i's message for item (disks), or NULL. */
static char *field_msg(struct wiz *w, size_t i, size_t item)
{
	const struct wf *d = &w->k->fields[i];

	if (w->perr[i] && item == w->item)
		return tve_xstrdup(w->perr[i]);
	if (d->type == WF_SECRET2) {
		const char *pw = *MEMBER(char *, w->spec, d);

		return strcmp(pw ? pw : "", w->ff[i]->text) ? tve_xstrdup("the passwords do not match")
							     : NULL;
	}
	if (!d->rule || (d->item && !base_of(w, d)))
		return NULL;
	return w->k->check(w->spec, &w->ctx, d->rule - 1, item);
}

/* Every field of the page checked; a message shared by the fields of one
 * rule shows once, at the focused one or else the first. */
void wiz_check_fields(struct wiz *w)
{
	int page = form_page(w->form);
	struct form_field *focus = form_focused(w->form);

	for (size_t i = 0; i < w->k->n_fields; i++) {
		char *msg;

		if (w->k->fields[i].page != page)
			continue;
		msg = w->ff[i]->hidden ? NULL : field_msg(w, i, w->item);
		form_set_error(w->ff[i], msg);
		free(msg);
	}
	for (size_t i = 0; i < w->k->n_fields; i++) {
		const struct wf *d = &w->k->fields[i];

		if (d->page != page || !d->rule || !w->ff[i]->error || w->perr[i])
			continue;
		for (size_t j = i + 1; j < w->k->n_fields; j++) {
			if (w->k->fields[j].rule != d->rule || w->k->fields[j].page != page ||
			    !w->ff[j]->error || w->perr[j] || strcmp(w->ff[i]->error, w->ff[j]->error))
				continue;
			form_set_error(w->ff[w->ff[j] == focus ? i : j], NULL);
			if (w->ff[j] == focus)
				break;
		}
	}
}

void wiz_take_ctx(struct wiz *w, size_t node)
{
	struct tve_create_ctx old = w->ctx;

	tve_backend_ctx_get(w->a->b, node, &w->ctx);
	w->node = node;
	w->n_nodes = w->ctx.n_nodes;
	w->gens = tve_xreallocarray(w->gens, w->n_nodes + 1, sizeof(*w->gens));
	w->caps = tve_xreallocarray(w->caps, w->n_nodes + 1, sizeof(*w->caps));
	for (size_t i = 0; i < w->n_nodes; i++) {
		w->gens[i] = w->ctx.nodes[i]->generation;
		w->caps[i] = w->ctx.nodes[i]->has_caps;
	}
	if (old.nodes)
		tve_backend_ctx_release(&old);
}

void wiz_show_item(struct wiz *w, size_t item)
{
	for (size_t i = 0; i < w->k->n_fields; i++) {
		if (w->k->fields[i].item) {
			free(w->perr[i]);
			w->perr[i] = NULL;
		}
	}
	w->item = item;
	wiz_load_all(w, true);
}

void wiz_changed(struct wiz *w, size_t i)
{
	const struct wf *d = &w->k->fields[i];
	struct form_field *fl = w->ff[i];
	void *b = base_of(w, d);

	if (!b)
		return;
	if (is_choice(d->type) && fl->sel < fl->n_opts) {
		const struct form_option *o = &fl->opts[fl->sel];

		if (d->type == WF_ENUM) {
			*MEMBER(int, b, d) = o->ival;
		} else if (d->type == WF_CUSTOM) {
			d->set(w, d, o);
		} else {
			char **p = MEMBER(char *, b, d);

			free(*p);
			*p = tve_xstrdup(o->sval);
		}
		if (d->type == WF_NODE)
			wiz_take_ctx(w, (size_t)o->ival);
	} else if (d->type == WF_BOOL) {
		*MEMBER(bool, b, d) = fl->on;
	} else if (is_text(d->type) && d->type != WF_SECRET2) {
		free(w->perr[i]);
		w->perr[i] = parse(d, b, fl->text);
	}
	if (w->k->changed)
		w->k->changed(w, d);
	wiz_load_all(w, false);
	form_set_message(w->form, false, NULL);
	wiz_check_fields(w);
}
