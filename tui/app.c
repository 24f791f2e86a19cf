/* app.c - the poll loop: keys, signals and backend wake-ups in, dirty
 * windows out, one doupdate() per turn and none when nothing changed. */
#include "app.h"
#include "nodes.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "draw.h"
#include "keymap.h"
#include "storage.h"
#include "theme.h"
#include "tui.h"
#include "wizard.h"

static int sig_pipe[2] = { -1, -1 };
static int saved_stderr = -1;
static bool curses_on;

static void on_signal(int sig)
{
	int saved = errno;
	unsigned char c = (unsigned char)sig;
	ssize_t r = write(sig_pipe[1], &c, 1);

	(void)r;
	errno = saved;
}

/* C-q and C-s reach tve only with XON/XOFF off; bound in [keys], they
 * turn it off for as long as curses runs (endwin() restores the rest). */
static void flow_control_off(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &t) == 0) {
		t.c_iflag &= ~(tcflag_t)(IXON | IXOFF);
		tcsetattr(STDIN_FILENO, TCSANOW, &t);
		def_prog_mode();
	}
}

static void restore_terminal(void)
{
	if (curses_on) {
		endwin();
		curses_on = false;
	}
	if (saved_stderr >= 0) {
		dup2(saved_stderr, STDERR_FILENO);
		close(saved_stderr);
		saved_stderr = -1;
	}
}

/* Library chatter on stderr would scribble over the screen: send it to a
 * log file in the state directory while curses owns the terminal. */
static void hide_stderr(void)
{
	char *dir = tve_state_dir(), *path = tve_xasprintf("%s/tve.log", dir);
	int fd;

	if (tve_mkdir_p(dir, 0700) < 0 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)) < 0)
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		saved_stderr = dup(STDERR_FILENO);
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	free(path);
	free(dir);
}

void app_msg(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;

	free(a->msg);
	va_start(ap, fmt);
	a->msg = tve_xvasprintf(fmt, ap);
	va_end(ap);
	a->msg_error = error;
	a->dirty |= DIRTY_STATUS;
}

void app_error(struct app *a, const char *fmt, ...)
{
	va_list ap;

	free(a->msg);
	va_start(ap, fmt);
	a->msg = tve_xvasprintf(fmt, ap);
	va_end(ap);
	a->msg_error = true;
	a->dirty |= DIRTY_STATUS;
	if (text_width(a->msg) >= a->lay.cols)
		app_push_dialog(a, dialog_message("Error", a->msg));
}

void app_push_dialog(struct app *a, struct dialog *d)
{
	if (a->n_dlg == TVE_ARRAY_SIZE(a->dlg)) {
		dialog_free(d);
		return;
	}
	a->dlg[a->n_dlg++] = d;
	dialog_place(d);
	if (a->lay.too_small)
		top_panel(a->lay.p_small);
	a->dirty |= DIRTY_DIALOG;
}

/* Brings the rows of every pane up to date with the model, without
 * drawing: keys may arrive faster than frames and must act on what the
 * next frame will show. */
static void settle(struct app *a)
{
	struct layout *l = &a->lay;
	struct obj_ref shown = a->content.obj;

	if (a->tree_stale) {
		tree_rebuild(&a->tree, a, l->tree_w - 1);
		a->tree_stale = false;
	}
	content_show(&a->content, &a->tree.sel);
	if (!obj_eq(&shown, &a->content.obj))
		a->dirty |= DIRTY_STATUS;	/* the hints follow the object */
	if (!obj_eq(&shown, &a->content.obj) || a->content.stale)
		a->dirty |= DIRTY_CONTENT;
	content_build(&a->content, a, l->cols - l->tree_w);
	if (a->dirty & DIRTY_TASKS)
		taskpanel_build(&a->tp, l->cols, a->focus == PANE_TASKS);
}

static void render(struct app *a)
{
	struct layout *l = &a->lay;
	unsigned d = a->dirty;

	if (!d)
		return;
	if (l->too_small) {
		bars_draw_small(a);
	} else {
		settle(a);
		d = a->dirty;
		if (d & DIRTY_TOP)
			bars_draw_top(a);
		if (d & DIRTY_TREE)
			tree_draw(&a->tree, l->tree, l->main_h, l->tree_w - 1, a->focus == PANE_TREE,
				  a->filter_edit);
		if (d & DIRTY_CONTENT)
			content_draw(&a->content, a, l->content, l->main_h, l->cols - l->tree_w,
				     a->focus == PANE_CONTENT);
		if (d & DIRTY_TASKS)
			taskpanel_draw(&a->tp, l->tasks, l->task_h, l->cols, a->focus == PANE_TASKS);
		if (d & DIRTY_STATUS)
			bars_draw_status(a);
	}
	if (d & DIRTY_DIALOG) {
		wizard_draw();	/* below the dialogs it opened */
		sform_draw();
		theme_picker_draw();
		for (size_t i = 0; i < a->n_dlg; i++)
			dialog_draw(a->dlg[i]);
	}
	update_panels();
	doupdate();
	a->dirty = 0;
}

static void close_top_dialog(struct app *a, int result)
{
	struct dialog *d = a->dlg[--a->n_dlg];
	dialog_done_fn done = dialog_done(d);

	/* Off the stack first: done may open the next dialog. */
	if (done)
		done(a, d, result);
	dialog_free(d);
	a->dirty |= DIRTY_ALL;
}

static void set_focus(struct app *a, enum pane p)
{
	if (a->focus == p)
		return;
	a->focus = p;
	a->dirty |= DIRTY_TREE | DIRTY_CONTENT | DIRTY_TASKS | DIRTY_STATUS;
}

static void quit_request(struct app *a)
{
	if (tve_taskstore_running(a->ts) > 0) {
		a->quit_prompt = true;
		a->dirty |= DIRTY_STATUS;
	} else {
		a->quit = true;
	}
}

char *app_filter_buf(struct app *a, size_t *cap)
{
	if (a->filter_volumes)
		return storage_filter(cap);
	*cap = sizeof(a->tree.filter);
	return a->tree.filter;
}

static void filter_changed(struct app *a)
{
	if (a->filter_volumes) {
		a->content.stale = true;
		a->dirty |= DIRTY_CONTENT | DIRTY_STATUS;
		return;
	}
	tree_rebuild(&a->tree, a, a->lay.tree_w - 1);
	/* Typing narrows to guests: put the cursor on the first match. */
	if (a->tree.filter[0] && a->tree.sel.kind != OBJ_GUEST) {
		for (size_t i = 0; i < a->tree.vb.n; i++) {
			if (a->tree.vb.lines[i].key.kind == OBJ_GUEST) {
				tree_select(&a->tree, a, &a->tree.vb.lines[i].key, a->lay.tree_w - 1);
				break;
			}
		}
	}
	a->dirty |= DIRTY_TREE | DIRTY_STATUS | DIRTY_CONTENT;
}

/* Keys while typing a filter; false = not a filter key, dispatch it. */
static bool filter_key(struct app *a, int key)
{
	size_t cap, len;
	char *f = app_filter_buf(a, &cap);

	len = strlen(f);

	if (key == K_ESC) {
		f[0] = '\0';
		a->filter_edit = false;
	} else if (key == '\r' || key == '\n' || key == K_FN(KEY_ENTER)) {
		a->filter_edit = false;
		a->dirty |= DIRTY_TREE | DIRTY_STATUS;
		return true;
	} else if (key == K_FN(KEY_BACKSPACE) || key == 127 || key == K_CTRL('H')) {
		while (len > 0 && (f[len - 1] & 0xc0) == 0x80)
			len--;
		f[len ? len - 1 : 0] = '\0';
	} else if (key == K_CTRL('U')) {
		f[0] = '\0';
	} else if (!(key & K_FN_BIT) && key >= 0x20 && key != 0x7f) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof(st));
		n = wcrtomb(mb, (wchar_t)key, &st);
		if (n == (size_t)-1 || len + n >= cap)
			return true;
		memcpy(f + len, mb, n);
		f[len + n] = '\0';
	} else {
		enum cmd c = keymap_lookup(key, a->filter_volumes ? CTX_CONTENT : CTX_TREE, NULL);

		/* Moving in the tree (or the volumes) keeps the prompt;
		 * anything else (Tab, F1) ends it, keeping the filter, and
		 * does what it does. */
		if (c < CMD_UP || c > CMD_END) {
			a->filter_edit = false;
			a->dirty |= DIRTY_TREE | DIRTY_STATUS;
		}
		return false;
	}
	filter_changed(a);
	return true;
}

static void open_help(struct app *a)
{
	struct dialog *d = dialog_viewer("Help", help_lines(), false);

	dialog_set_data(d, DIALOG_HELP, NULL);
	app_push_dialog(a, d);
}

static void pane_cmd(struct app *a, enum cmd c, int arg)
{
	struct layout *l = &a->lay;
	const struct obj_ref *k;
	int page = TUI_MAX(l->task_h - 2, 1);
	bool moved = false;

	switch (a->focus) {
	case PANE_TREE:
		if (c == CMD_TOGGLE && (a->tree.sel.kind == OBJ_GUEST || a->tree.sel.kind == OBJ_POOL)) {
			set_focus(a, PANE_CONTENT);
			return;
		}
		if (c == CMD_BACK) {
			if (a->tree.filter[0]) {
				a->tree.filter[0] = '\0';
				filter_changed(a);
			}
			return;
		}
		if (tree_cmd(&a->tree, a, c, l->main_h - 1))
			a->dirty |= DIRTY_TREE;
		return;
	case PANE_CONTENT:
		if (c == CMD_BACK && storage_content_shown(a)) {
			size_t cap;
			char *f = storage_filter(&cap);

			if (*f) {	/* Esc clears the volumes' filter first */
				*f = '\0';
				a->content.stale = true;
				a->dirty |= DIRTY_CONTENT;
				return;
			}
		}
		if (c == CMD_BACK) {
			set_focus(a, PANE_TREE);
			return;
		}
		if (content_cmd(&a->content, a, c, arg, l->main_h))
			a->dirty |= DIRTY_CONTENT | DIRTY_STATUS;	/* the hints follow the tab */
		return;
	case PANE_TASKS:
		switch (c) {
		case CMD_BACK:
			set_focus(a, PANE_TREE);
			return;
		case CMD_OPEN:
		case CMD_TASK_CANCEL:
			k = vlist_key(&a->tp.ls, &a->tp.vb);
			if (k && c == CMD_OPEN)
				app_open_task_log(a, k->id);
			else if (k)
				storage_task_cancel(a, k->id);
			return;
		case CMD_UP:
		case CMD_DOWN:
			moved = taskpanel_move(&a->tp, l->task_h, c == CMD_UP ? -1 : 1);
			break;
		case CMD_PAGE_UP:
		case CMD_PAGE_DOWN:
			moved = taskpanel_move(&a->tp, l->task_h, c == CMD_PAGE_UP ? -page : page);
			break;
		case CMD_HOME:
		case CMD_END:
			moved = taskpanel_move(&a->tp, l->task_h, c == CMD_HOME ? INT_MIN : INT_MAX);
			break;
		default:
			break;
		}
		if (moved)
			a->dirty |= DIRTY_TASKS;
		return;
	case PANE__COUNT:
		break;
	}
}

static void on_key(struct app *a, int key)
{
	static const unsigned ctx_of[PANE__COUNT] = { CTX_TREE, CTX_CONTENT, CTX_TASKS };
	enum cmd c;
	int arg = 0, act;

	if (a->msg) {
		free(a->msg);
		a->msg = NULL;
		a->dirty |= DIRTY_STATUS;
	}
	if (a->lay.too_small) {
		if (keymap_lookup(key, CTX_ALL, NULL) == CMD_QUIT)
			quit_request(a);
		return;
	}
	if (a->n_dlg) {
		int result;

		if (dialog_key(a->dlg[a->n_dlg - 1], key, &result) == DIALOG_CLOSE)
			close_top_dialog(a, result);
		a->dirty |= DIRTY_DIALOG;
		return;
	}
	if (theme_picker_active()) {
		theme_picker_key(a, key);
		a->dirty |= DIRTY_DIALOG;
		return;
	}
	if (wizard_active()) {
		wizard_key(a, key);
		a->dirty |= DIRTY_DIALOG;
		return;
	}
	if (sform_active()) {
		sform_key(a, key);
		a->dirty |= DIRTY_DIALOG;
		return;
	}
	if (a->quit_prompt) {
		a->quit_prompt = false;
		a->dirty |= DIRTY_STATUS;
		if (key == 'y' || key == 'Y')
			a->quit = true;
		return;
	}
	if (a->filter_edit && filter_key(a, key))
		return;
	settle(a);
	c = keymap_lookup(key, ctx_of[a->focus], &arg);
	switch (c) {
	case CMD_NONE:
		act = action_for_key(key);
		if (act >= 0)
			action_invoke(a, (enum action)act);
		return;
	case CMD_HELP:
		open_help(a);
		return;
	case CMD_MENU:
		action_menu(a);
		return;
	case CMD_QUIT:
		quit_request(a);
		return;
	case CMD_FILTER:
		/* On a storage's Content tab '/' filters its volumes. */
		a->filter_volumes = a->focus == PANE_CONTENT && storage_content_shown(a);
		if (!a->filter_volumes)
			set_focus(a, PANE_TREE);
		a->filter_edit = true;
		a->dirty |= DIRTY_TREE | DIRTY_STATUS;
		return;
	case CMD_PANE_NEXT:
		set_focus(a, (enum pane)((a->focus + 1) % PANE__COUNT));
		return;
	case CMD_PANE_PREV:
		set_focus(a, (enum pane)((a->focus + PANE__COUNT - 1) % PANE__COUNT));
		return;
	case CMD_THEME:
		theme_picker_open(a);
		return;
	case CMD_REDRAW:
		clearok(curscr, TRUE);
		a->dirty = DIRTY_ALL;
		return;
	default:
		pane_cmd(a, c, arg);
		return;
	}
}

/* With mouse = yes: a click on a tree row selects it, the wheel moves
 * as Up/Down do in the focused pane.  Dialogs and wizards take keys only. */
static void on_mouse(struct app *a)
{
	struct tree *t = &a->tree;
	MEVENT ev;
	int row;

	if (getmouse(&ev) != OK || a->lay.too_small || a->n_dlg || wizard_active() ||
	    sform_active() || a->quit_prompt || a->filter_edit)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		on_key(a, K_FN(KEY_UP));
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		on_key(a, K_FN(KEY_DOWN));
		return;
	}
	if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)) || !wenclose(a->lay.tree, ev.y, ev.x))
		return;
	settle(a);
	row = ev.y - getbegy(a->lay.tree) - 1;	/* under the "Server View" line */
	if (row >= (int)t->vb.n_head) {
		size_t i = t->vb.n_head + t->ls.top + (size_t)(row - (int)t->vb.n_head);

		if (i < t->vb.n && t->vb.lines[i].has_key) {
			struct obj_ref key = t->vb.lines[i].key;

			tree_select(t, a, &key, a->lay.tree_w - 1);
			a->dirty |= DIRTY_TREE | DIRTY_CONTENT | DIRTY_STATUS;
		}
	}
	set_focus(a, PANE_TREE);
}

static void read_keys(struct app *a, WINDOW *in)
{
	wint_t ch;
	int rc;

	while ((rc = wget_wch(in, &ch)) != ERR) {
		int key = rc == KEY_CODE_YES ? K_FN(ch) : (int)ch;

		if (rc == KEY_CODE_YES && ch == KEY_RESIZE)
			continue;
		if (rc == KEY_CODE_YES && ch == KEY_MOUSE) {
			on_mouse(a);
			continue;
		}
		on_key(a, key);
		if (a->quit)
			return;
	}
}

static void on_resize(struct app *a)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	layout_apply(a);
	wizard_place();
	sform_place();
	theme_picker_place();
	clearok(curscr, TRUE);
}

static int install_signals(void)
{
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < TVE_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
	return 0;
}

static void loop(struct app *a, WINDOW *in)
{
	struct pollfd fds[3] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = sig_pipe[0], .events = POLLIN },
		{ .fd = tve_backend_wake_fd(a->b), .events = POLLIN },
	};

	while (!a->quit) {
		int n;

		render(a);
		/* No timer otherwise: nothing moves on screen by itself. */
		n = poll(fds, 3, app_sync_timeout(a));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0) {	/* numbers held back are due */
			app_sync(a);
			continue;
		}
		if (fds[1].revents & POLLIN) {
			unsigned char sigs[16];
			ssize_t n = read(sig_pipe[0], sigs, sizeof(sigs));

			for (ssize_t i = 0; i < n; i++) {
				if (sigs[i] == SIGWINCH) {
					on_resize(a);
				} else {
					a->quit = true;
					a->quit_signal = sigs[i];
				}
			}
		}
		if (fds[2].revents & POLLIN) {
			tve_backend_drain_wake(a->b);
			app_sync(a);
			if (wizard_sync(a))
				a->dirty |= DIRTY_DIALOG;
			if (sform_sync(a))
				a->dirty |= DIRTY_DIALOG;
		}
		if (fds[0].revents & POLLIN)
			read_keys(a, in);
		else if (fds[0].revents & (POLLHUP | POLLERR))
			break;	/* the terminal is gone */
	}
}

int app_run(struct tve_backend *b, const struct app_opts *opts)
{
	struct app app;
	struct app *a = &app;
	SCREEN *scr;
	WINDOW *in;

	memset(a, 0, sizeof(*a));
	a->b = b;
	a->ts = tve_backend_tasks(b);
	a->n_nodes = tve_backend_node_count(b);
	a->low_bw = opts->low_bandwidth;
	if (install_signals() < 0) {
		fprintf(stderr, "tve: pipe: %s\n", strerror(errno));
		return 1;
	}
	scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "tve: cannot use terminal type '%s'\n", getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	set_term(scr);
	curses_on = true;
	tve_set_fatal_hook(restore_terminal);
	hide_stderr();
	cbreak();
	noecho();
	nonl();
	if (keymap_needs_raw_flow())
		flow_control_off();
	curs_set(0);
	set_escdelay(25);
	leaveok(stdscr, TRUE);
	theme_init(opts->color);
	draw_init(opts->lines);
	/* A pad is never refreshed by wget_wch, so reading keys draws nothing. */
	in = newpad(1, 1);
	keypad(in, TRUE);
	nodelay(in, TRUE);
	/* The terminal keeps its own mouse (copy and paste) unless asked. */
	mousemask(opts->mouse ? BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED
			      : 0,
		  NULL);

	a->snap = tve_xcalloc(a->n_nodes ? a->n_nodes : 1, sizeof(*a->snap));
	for (size_t i = 0; i < a->n_nodes; i++)
		a->snap[i] = tve_backend_snapshot(b, i);
	tree_init(&a->tree, a->n_nodes);
	obj_set(&a->content.obj, OBJ_NONE, 0, NULL);
	taskpanel_update(&a->tp, a->ts, false);
	layout_apply(a);
	loop(a, in);

	while (a->n_dlg)
		dialog_free(a->dlg[--a->n_dlg]);
	wizard_close(a);
	sform_close(a);
	layout_free(&a->lay);
	delwin(in);
	/* No delscreen(): the panel library's stdscr panel hangs off the
	 * SCREEN and would leak; the process ends right after. */
	restore_terminal();
	tree_free(&a->tree);
	node_prompts_free();
	content_free(&a->content);
	taskpanel_free(&a->tp);
	for (size_t i = 0; i < a->n_nodes; i++)
		tve_snapshot_unref(a->snap[i]);
	free(a->snap);
	free(a->msg);
	return a->quit_signal ? 128 + a->quit_signal : 0;
}
