/* main.c - options, configuration, backend start; then the console. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app.h"
#include "nodes.h"
#include "backend.h"
#include "keymap.h"
#include "theme.h"
#include "tui.h"

#define LXC_HELPER "/usr/lib/libvirt/libvirt_lxc"

static void usage(FILE *f)
{
	fputs("Usage: tve [--demo] [-c URI]... [--config FILE] [--no-color]\n"
	      "           [--line-graphics MODE] [--low-bandwidth] [--serial]\n"
	      "           [--theme NAME]\n"
	      "       tve --help | --version\n"
	      "\n"
	      "A terminal console for virtual machines and containers on libvirt nodes,\n"
	      "in the manner of Proxmox VE.\n"
	      "\n"
	      "  -c, --connect URI  open this libvirt URI as a node (repeatable); the\n"
	      "                     configuration's nodes are not used\n"
	      "      --demo         a demo datacenter on libvirt's test driver\n"
	      "      --config FILE  configuration file (default $XDG_CONFIG_HOME/tve/tve.conf)\n"
	      "      --no-color     monochrome (also when NO_COLOR is set)\n"
	      "      --line-graphics MODE\n"
	      "                     auto, utf-8, acs or ascii (default: the configuration's,\n"
	      "                     else auto: UTF-8 in a UTF-8 locale, else the terminal's\n"
	      "                     line-drawing set, else ASCII)\n"
	      "      --low-bandwidth\n"
	      "                     numbers (CPU, memory, rates) redrawn at most every 10 s;\n"
	      "                     states and tasks still at once\n"
	      "      --serial       for serial consoles: ASCII lines, no colour, low bandwidth,\n"
	      "                     slower refresh (guests 5 s, rates 10 s, storage 30 s)\n"
	      "      --theme NAME   colour theme (themes/NAME.theme; default, light,\n"
	      "                     proxmox, high-contrast, solarized, mono; Ctrl-T picks)\n"
	      "  -h, --help         this help\n"
	      "  -V, --version      version\n"
	      "\n"
	      "Without a configuration tve manages the local host (qemu:///system, and\n"
	      "lxc:/// when libvirt's LXC driver is installed).\n"
	      "\n"
	      "Main keys: F1 or ? help, Tab next pane, arrows or h j k l move, Enter open,\n"
	      "m or F2 action menu, / filter, s start, d shutdown, x stop, b reboot,\n"
	      "X reset, p pause, u resume, i assign ID, c Create VM, C Create CT,\n"
	      "A add storage, N add a node over ssh, Ctrl-T theme, R refresh, q or F10\n"
	      "quit (keys can be rebound in the [keys] section of tve.conf).\n"
	      "\n"
	      "Remote nodes: [node NAME] with ssh = user@host[:port] (keyfile = ..., or\n"
	      "ssh-agent); host keys are checked against $XDG_CONFIG_HOME/tve/known_hosts.\n",
	      f);
}

static void drop_nodes(struct tve_config *cfg)
{
	for (size_t i = 0; i < cfg->n_nodes; i++) {
		free(cfg->nodes[i].name);
		free(cfg->nodes[i].uri);
		free(cfg->nodes[i].ssh);
		free(cfg->nodes[i].keyfile);
	}
	free(cfg->nodes);
	cfg->nodes = NULL;
	cfg->n_nodes = 0;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int check_term(void);

/* --serial: a 9600-baud line carries 960 bytes/s; refresh no faster than
 * this. */
static void serial_intervals(struct tve_config *cfg)
{
	cfg->refresh_s = TUI_MAX(cfg->refresh_s, 5.0);
	cfg->io_refresh_s = TUI_MAX(cfg->io_refresh_s, 10.0);
	cfg->pool_refresh_s = TUI_MAX(cfg->pool_refresh_s, 30.0);
}

static int xml_filter(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 4 && !strcmp(d->d_name + n - 4, ".xml");
}

/* Every *.xml of the demo directory as a test:/// node, sorted. */
static int add_demo_nodes(struct tve_config *cfg)
{
	const char *env = getenv("TVE_DEMO_DIR");
	const char *dir = env && *env ? env
			  : is_dir(TVE_PKGDATADIR "/demo") ? TVE_PKGDATADIR "/demo"
			  : TVE_SRCDIR "/data/demo";
	char *abs = realpath(dir, NULL);
	struct dirent **names = NULL;
	int n;

	if (!abs) {
		fprintf(stderr, "tve: demo directory %s: %s\n", dir, strerror(errno));
		return -1;
	}
	n = scandir(abs, &names, xml_filter, alphasort);
	if (n <= 0) {
		fprintf(stderr, "tve: no demo nodes (*.xml) in %s\n", abs);
		free(names);
		free(abs);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char *uri = tve_xasprintf("test://%s/%s", abs, names[i]->d_name);

		tve_config_add_node(cfg, NULL, uri);
		free(uri);
		free(names[i]);
	}
	free(names);
	free(abs);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "connect", required_argument, NULL, 'c' },
		{ "demo", no_argument, NULL, 'D' },
		{ "config", required_argument, NULL, 'f' },
		{ "no-color", no_argument, NULL, 'n' },
		{ "no-colour", no_argument, NULL, 'n' },
		{ "line-graphics", required_argument, NULL, 'L' },
		{ "low-bandwidth", no_argument, NULL, 'B' },
		{ "serial", no_argument, NULL, 'S' },
		{ "theme", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct app_opts opts = { .color = true };
	struct tve_config cfg;
	struct tve_backend *b = NULL;
	const char *config_path = NULL, *theme = NULL;
	char **uris = NULL, *path = NULL, *err = NULL;
	size_t n_uris = 0;
	bool demo = false, serial = false, low_bw = false, lines_set = false;
	enum tve_line_graphics lines = TVE_LINES_AUTO;
	int opt, rc = 1;

	setlocale(LC_ALL, "");
	tve_config_init(&cfg);
	while ((opt = getopt_long(argc, argv, "c:hV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			uris = tve_xreallocarray(uris, n_uris + 1, sizeof(*uris));
			uris[n_uris++] = optarg;
			break;
		case 'D':
			demo = true;
			break;
		case 'f':
			config_path = optarg;
			break;
		case 'n':
			opts.color = false;
			break;
		case 'L':
			if (tve_config_line_graphics(optarg, &lines) < 0) {
				fprintf(stderr, "tve: --line-graphics: \"%s\" is not auto, utf-8, acs "
					"or ascii\n", optarg);
				goto cleanup;
			}
			lines_set = true;
			break;
		case 'B':
			low_bw = true;
			break;
		case 'S':
			serial = true;
			break;
		case 't':
			theme = optarg;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto cleanup;
		case 'V':
			printf("tve %s\n", TVE_VERSION);
			rc = 0;
			goto cleanup;
		default:
			/* getopt has said what is wrong. */
			fputs("Try 'tve --help' for more information.\n", stderr);
			goto cleanup;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tve: unexpected argument '%s'\n"
			"Try 'tve --help' for more information.\n", argv[optind]);
		goto cleanup;
	}

	/* An explicit --config is read even with --demo or -c (for its
	 * settings); the default file only when nodes come from it. */
	if (config_path || (!demo && !n_uris)) {
		int lr;

		path = config_path ? tve_xstrdup(config_path) : tve_config_default_path();
		lr = tve_config_load(&cfg, path, &err);
		if (lr < 0) {
			fprintf(stderr, "tve: %s\n", err);
			goto cleanup;
		}
		if (lr == 1 && config_path) {
			fprintf(stderr, "tve: %s: %s\n", config_path, strerror(ENOENT));
			goto cleanup;
		}
	}
	/* A bad [keys] line stops tve here, before curses, like any bad line. */
	if (keymap_apply(cfg.keys, cfg.n_keys, &err) < 0) {
		fprintf(stderr, "tve: %s\n", err);
		goto cleanup;
	}
	if (demo || n_uris)
		drop_nodes(&cfg);
	/* Add Node saves to the file the nodes come from. */
	if (!demo && !n_uris) {
		char *p = config_path ? tve_xstrdup(config_path) : tve_config_default_path();

		node_config_set(p, cfg.n_nodes == 0);
		free(p);
	}
	if (demo && add_demo_nodes(&cfg) < 0)
		goto cleanup;
	for (size_t i = 0; i < n_uris; i++)
		tve_config_add_node(&cfg, NULL, uris[i]);
	if (!cfg.n_nodes) {
		/* The local host, named as Proxmox names a node: by its host
		 * name; its containers' connection beside it as NAME-ct. */
		char host[256] = "localhost", *ct;

		if (gethostname(host, sizeof(host) - 1) < 0 || !host[0])
			snprintf(host, sizeof(host), "localhost");
		host[strcspn(host, ".")] = '\0';
		tve_config_add_node(&cfg, host, "qemu:///system");
		if (access(LXC_HELPER, X_OK) == 0) {
			ct = tve_xasprintf("%s-ct", host);
			tve_config_add_node(&cfg, ct, "lxc:///");
			free(ct);
		}
	}
	if (theme_load(theme ? theme : cfg.theme, &err) < 0) {
		fprintf(stderr, "tve: %s\n", err);
		goto cleanup;
	}
	/* The command line wins over the configuration; an explicit
	 * --line-graphics over --serial's ascii. */
	opts.lines = lines_set ? lines : serial ? TVE_LINES_ASCII : cfg.line_graphics;
	opts.low_bandwidth = low_bw || serial || cfg.low_bandwidth;
	opts.mouse = cfg.mouse;
	if (serial) {
		opts.color = false;
		serial_intervals(&cfg);
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fputs("tve: needs a terminal on stdin and stdout\n", stderr);
		goto cleanup;
	}
	if (check_term() < 0)
		goto cleanup;

	b = tve_backend_new(&cfg, &err);
	if (!b || tve_backend_start(b, &err) < 0) {
		fprintf(stderr, "tve: %s\n", err ? err : "cannot start the backend");
		goto cleanup;
	}
	rc = app_run(b, &opts);

cleanup:
	tve_backend_free(&b);
	tve_config_clear(&cfg);
	free(uris);
	free(path);
	free(err);
	return rc;
}

/* Last in the file: <term.h> defines macros named like the capabilities
 * (lines, columns...) that would rewrite the code above. */
#include <term.h>

/* Before curses starts: a terminal type curses cannot drive would leave a
 * screen of garbage, or newterm() would exit for us with a terse message. */
static int check_term(void)
{
	static const char hint[] =
		"use a terminal type such as vt100, xterm or linux (e.g. TERM=vt100 tve)";
	const char *term = getenv("TERM");
	char *cup;
	int err = 0;

	if (!term || !*term) {
		fprintf(stderr, "tve: TERM is not set; %s\n", hint);
		return -1;
	}
	if (setupterm(term, STDOUT_FILENO, &err) != OK) {
		if (err == -1)
			fprintf(stderr, "tve: no terminfo database found for TERM=%s; %s\n", term,
				hint);
		else
			fprintf(stderr, "tve: TERM=%s is not a terminal type ncurses knows; %s\n",
				term, hint);
		return -1;
	}
	cup = tigetstr("cup");
	err = !cup || cup == (char *)-1 || tigetflag("hc") > 0 || tigetflag("gn") > 0;
	del_curterm(cur_term);
	if (err) {
		fprintf(stderr, "tve: TERM=%s cannot move the cursor; %s\n", term, hint);
		return -1;
	}
	return 0;
}
