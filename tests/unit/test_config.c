/* test_config.c - tve.conf parsing, error messages, node names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "util.h"

static char *tmpdir;
static char *conf;

static int setup(void **state)
{
	char tmpl[] = "/tmp/tve-test-config-XXXXXX";

	(void)state;
	if (!mkdtemp(tmpl))
		return -1;
	tmpdir = tve_xstrdup(tmpl);
	conf = tve_xasprintf("%s/tve.conf", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(conf);
	rmdir(tmpdir);
	free(conf);
	free(tmpdir);
	return 0;
}

static void write_conf(const char *text)
{
	FILE *f = fopen(conf, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_defaults(void **state)
{
	struct tve_config cfg;

	(void)state;
	tve_config_init(&cfg);
	assert_true(cfg.refresh_s == 2.0);
	assert_true(cfg.pool_refresh_s == 10.0);
	assert_true(cfg.io_refresh_s == 4.0);
	assert_int_equal(cfg.shutdown_timeout_s, 180);
	assert_false(cfg.shutdown_force);
	assert_string_equal(cfg.theme, "default");
	assert_int_equal(cfg.line_graphics, TVE_LINES_AUTO);
	assert_int_equal(cfg.task_history, 200);
	assert_null(cfg.state_dir);
	assert_false(cfg.low_bandwidth);
	assert_false(cfg.mouse);
	assert_int_equal(cfg.n_nodes, 0);
	tve_config_clear(&cfg);
	tve_config_clear(&cfg);
	tve_config_clear(NULL);
}

static void test_missing_file(void **state)
{
	struct tve_config cfg;
	char *err = NULL, *path = tve_xasprintf("%s/nope.conf", tmpdir);

	(void)state;
	tve_config_init(&cfg);
	assert_int_equal(tve_config_load(&cfg, path, &err), 1);
	assert_null(err);
	assert_string_equal(cfg.theme, "default");
	tve_config_clear(&cfg);
	free(path);
}

static void test_good_file(void **state)
{
	struct tve_config cfg;
	char *err = NULL;

	(void)state;
	write_conf("; tve configuration\n"
		   "# comments both ways\n"
		   "\n"
		   "[general]\n"
		   "refresh = 0.5\n"
		   "pool-refresh=30 ; inline comment\n"
		   "  io-refresh = 3600\n"
		   "shutdown-timeout = 60\n"
		   "shutdown-force = yes\n"
		   "theme = solarized\n"
		   "line-graphics = ascii\n"
		   "task-history = 50\n"
		   "state-dir = /var/tmp/tve\n"
		   "\n"
		   "[node pve1]\n"
		   "    uri = qemu+ssh://root@pve1/system\n"
		   "    ssh = root@pve1:22\n"
		   "    keyfile = ~/.ssh/id_ed25519\n"
		   "[ node pve2 ]\n"
		   "uri = test:///default\n"
		   "[general]\n"
		   "line-graphics = utf-8\n");
	tve_config_init(&cfg);
	assert_int_equal(tve_config_load(&cfg, conf, &err), 0);
	assert_null(err);
	assert_true(cfg.refresh_s == 0.5);
	assert_true(cfg.pool_refresh_s == 30.0);
	assert_true(cfg.io_refresh_s == 3600.0);
	assert_int_equal(cfg.shutdown_timeout_s, 60);
	assert_true(cfg.shutdown_force);
	assert_string_equal(cfg.theme, "solarized");
	assert_int_equal(cfg.line_graphics, TVE_LINES_UTF8);
	assert_int_equal(cfg.task_history, 50);
	assert_string_equal(cfg.state_dir, "/var/tmp/tve");
	assert_int_equal(cfg.n_nodes, 2);
	assert_string_equal(cfg.nodes[0].name, "pve1");
	assert_string_equal(cfg.nodes[0].uri, "qemu+ssh://root@pve1/system");
	assert_string_equal(cfg.nodes[0].ssh, "root@pve1:22");
	{
		char *home = tve_xasprintf("%s/.ssh/id_ed25519", getenv("HOME"));

		assert_string_equal(cfg.nodes[0].keyfile, home);	/* ~ expanded */
		free(home);
	}
	assert_false(cfg.nodes[0].uri_derived);
	assert_string_equal(cfg.nodes[1].name, "pve2");
	assert_string_equal(cfg.nodes[1].uri, "test:///default");
	assert_null(cfg.nodes[1].ssh);
	assert_null(cfg.nodes[1].keyfile);
	tve_config_clear(&cfg);
}

static void test_values(void **state)
{
	static const struct {
		const char *text;
		bool force;
		enum tve_line_graphics lines;
	} cases[] = {
		{ "shutdown-force = true\nline-graphics = auto\n", true, TVE_LINES_AUTO },
		{ "shutdown-force = on\nline-graphics = acs\n", true, TVE_LINES_ACS },
		{ "shutdown-force = 1\nline-graphics = utf-8\n", true, TVE_LINES_UTF8 },
		{ "shutdown-force = no\nline-graphics = ascii\n", false, TVE_LINES_ASCII },
		{ "shutdown-force = false\n", false, TVE_LINES_AUTO },
		{ "shutdown-force = off\n", false, TVE_LINES_AUTO },
		{ "shutdown-force = 0\n", false, TVE_LINES_AUTO },
	};

	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(cases); i++) {
		struct tve_config cfg;
		char *err = NULL, *text = tve_xasprintf("[general]\n%s", cases[i].text);

		write_conf(text);
		tve_config_init(&cfg);
		cfg.shutdown_force = !cases[i].force;
		if (tve_config_load(&cfg, conf, &err) != 0)
			fail_msg("case %zu: %s", i, err);
		assert_int_equal(cfg.shutdown_force, cases[i].force);
		assert_int_equal(cfg.line_graphics, cases[i].lines);
		tve_config_clear(&cfg);
		free(text);
	}
}

/* low-bandwidth and mouse: off unless asked; the last line wins. */
static void test_terminal_keys(void **state)
{
	static const struct {
		const char *text;
		bool low_bw, mouse;
	} cases[] = {
		{ "", false, false },
		{ "low-bandwidth = yes\n", true, false },
		{ "mouse = on\n", false, true },
		{ "low-bandwidth = 1\nmouse = true\n", true, true },
		{ "low-bandwidth = YES\nlow-bandwidth = no\nmouse = off\n", false, false },
	};

	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(cases); i++) {
		struct tve_config cfg;
		char *err = NULL, *text = tve_xasprintf("[general]\n%s", cases[i].text);

		write_conf(text);
		tve_config_init(&cfg);
		if (tve_config_load(&cfg, conf, &err) != 0)
			fail_msg("case %zu: %s", i, err);
		assert_int_equal(cfg.low_bandwidth, cases[i].low_bw);
		assert_int_equal(cfg.mouse, cases[i].mouse);
		tve_config_clear(&cfg);
		free(text);
	}
}

static void test_line_graphics_names(void **state)
{
	enum tve_line_graphics lg = TVE_LINES_AUTO;

	(void)state;
	assert_int_equal(tve_config_line_graphics("ascii", &lg), 0);
	assert_int_equal(lg, TVE_LINES_ASCII);
	assert_int_equal(tve_config_line_graphics("utf8", &lg), 0);
	assert_int_equal(lg, TVE_LINES_UTF8);
	assert_int_equal(tve_config_line_graphics("acs", &lg), 0);
	assert_int_equal(lg, TVE_LINES_ACS);
	assert_int_equal(tve_config_line_graphics("auto", &lg), 0);
	assert_int_equal(lg, TVE_LINES_AUTO);
	assert_int_equal(tve_config_line_graphics("ASCII", &lg), -1);
	assert_int_equal(tve_config_line_graphics("", &lg), -1);
	assert_int_equal(lg, TVE_LINES_AUTO);
}

/* A UTF-8 byte order mark and DOS line ends are fine. */
static void test_bom_crlf(void **state)
{
	struct tve_config cfg;
	char *err = NULL;

	(void)state;
	write_conf("\xEF\xBB\xBF[general]\r\nrefresh = 3\r\n\r\n[node dos]\r\nuri = lxc:///\r\n");
	tve_config_init(&cfg);
	if (tve_config_load(&cfg, conf, &err) != 0)
		fail_msg("%s", err);
	assert_true(cfg.refresh_s == 3.0);
	assert_int_equal(cfg.n_nodes, 1);
	assert_string_equal(cfg.nodes[0].name, "dos");
	assert_string_equal(cfg.nodes[0].uri, "lxc:///");
	tve_config_clear(&cfg);
}

static const struct {
	const char *text;
	const char *msg;	/* expected after "PATH:" */
} bad_cases[] = {
	{ "[general]\n[foo]\n", "2: unknown section [foo]" },
	{ "[nodes x]\nuri = test:///default\n", "1: unknown section [nodes x]" },
	{ "[general]\nrefresh = 2\ncolour = red\n", "3: unknown key \"colour\" in [general]" },
	{ "[node a]\nuri = lxc:///\nport = 22\n", "3: unknown key \"port\" in [node a]" },
	{ "[general]\nrefresh = abc\n",
	  "2: refresh: \"abc\" is not a number of seconds from 0.5 to 3600" },
	{ "[general]\nrefresh = 0.4\n",
	  "2: refresh: \"0.4\" is not a number of seconds from 0.5 to 3600" },
	{ "[general]\nrefresh = 3601\n",
	  "2: refresh: \"3601\" is not a number of seconds from 0.5 to 3600" },
	{ "[general]\nrefresh = -1\n",
	  "2: refresh: \"-1\" is not a number of seconds from 0.5 to 3600" },
	{ "[general]\nrefresh = 1e3\n",
	  "2: refresh: \"1e3\" is not a number of seconds from 0.5 to 3600" },
	{ "[general]\nrefresh =\n",
	  "2: refresh: \"\" is not a number of seconds from 0.5 to 3600" },
	{ "[general]\n\npool-refresh = 0\n",
	  "3: pool-refresh: \"0\" is not a number of seconds from 0.5 to 3600" },
	{ "[general]\nio-refresh = 2s\n",
	  "2: io-refresh: \"2s\" is not a number of seconds from 0.5 to 3600" },
	{ "[general]\nshutdown-timeout = 0\n",
	  "2: shutdown-timeout: \"0\" is not a whole number of seconds >= 1" },
	{ "[general]\nshutdown-timeout = 1.5\n",
	  "2: shutdown-timeout: \"1.5\" is not a whole number of seconds >= 1" },
	{ "[general]\nshutdown-timeout = 99999999999\n",
	  "2: shutdown-timeout: \"99999999999\" is not a whole number of seconds >= 1" },
	{ "[general]\nshutdown-force = maybe\n",
	  "2: shutdown-force: \"maybe\" is not yes/no/true/false/on/off/1/0" },
	{ "[general]\nline-graphics = fancy\n",
	  "2: line-graphics: \"fancy\" is not auto, utf-8, acs or ascii" },
	{ "[general]\nlow-bandwidth = maybe\n",
	  "2: low-bandwidth: \"maybe\" is not yes/no/true/false/on/off/1/0" },
	{ "[general]\nrefresh = 2\nlow-bandwidth =\n",
	  "3: low-bandwidth: \"\" is not yes/no/true/false/on/off/1/0" },
	{ "[general]\n\nmouse = 2\n", "3: mouse: \"2\" is not yes/no/true/false/on/off/1/0" },
	{ "[node a]\nuri = lxc:///\nmouse = yes\n", "3: unknown key \"mouse\" in [node a]" },
	{ "[general]\ntask-history = 0\n",
	  "2: task-history: \"0\" is not a whole number from 1 to 100000" },
	{ "[general]\ntheme =\n", "2: theme: empty value" },
	{ "[keys]\nstart = S\n\nstart = s\n", "4: start: bound twice in [keys] (first on line 2)" },
	{ "[keys]\nquit =\n", "2: quit: no key given (write none to leave it without a key)" },
	{ "[keys]\nstart = S ; a comment is no key\nreset = ;\n",
	  "3: reset: no key given (write none to leave it without a key)" },
	{ "[key]\nstart = S\n", "1: unknown section [key]" },
	{ "[node a]\nuri = lxc:///\n[node b]\nuri = qemu:///system\n[node a]\nuri = test:///default\n",
	  "5: duplicate node \"a\"" },
	{ "[general]\n[node lonely]\nkeyfile = /k\n[general]\nrefresh = 2\n",
	  "2: node \"lonely\" has neither uri nor ssh" },
	{ "[node first]\nuri = lxc:///\n\n[node last]\n; nothing\n",
	  "4: node \"last\" has neither uri nor ssh" },
	{ "[node a]\nssh = root@host:99999\n", "2: ssh: bad port \"99999\" (1..65535)" },
	{ "[node a]\nssh = root@\n", "2: ssh: bad ssh target \"root@\" (user@host[:port])" },
	{ "[node a]\nssh = @host\n", "2: ssh: empty user in \"@host\"" },
	{ "[node a]\nssh = root@host/x\n", "2: ssh: bad ssh target \"root@host/x\" (user@host[:port])" },
	{ "[node a]\nuri =\n", "2: uri: empty value" },
	{ "[node]\nuri = lxc:///\n", "1: node section without a name (use [node NAME])" },
	{ "[node a b]\nuri = lxc:///\n", "1: bad node name \"a b\"" },
	{ "refresh = 2\n[general]\n", "1: \"refresh\" outside a section (put it under [general])" },
	{ "[general]\nrefresh 2\n",
	  "2: syntax error (expected \"key = value\" or \"[section]\")" },
	{ "[general\nrefresh = 2\n", "1: missing \"]\" in section header" },
	/* The first error wins, by line. */
	{ "[node a]\nkeyfile = x\nbogus = 1\n", "1: node \"a\" has neither uri nor ssh" },
	{ "[general]\nrefresh = 0\nline-graphics = x\n[zzz]\n",
	  "2: refresh: \"0\" is not a number of seconds from 0.5 to 3600" },
	{ "[general]\njunk\nrefresh = 0\n",
	  "2: syntax error (expected \"key = value\" or \"[section]\")" },
	{ "[general]\nrefresh = 0\njunk\n",
	  "2: refresh: \"0\" is not a number of seconds from 0.5 to 3600" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(bad_cases); i++) {
		struct tve_config cfg;
		char *err = NULL, *want = tve_xasprintf("%s:%s", conf, bad_cases[i].msg);
		int rc;

		write_conf(bad_cases[i].text);
		tve_config_init(&cfg);
		rc = tve_config_load(&cfg, conf, &err);
		if (rc != -1 || !err || strcmp(err, want) != 0)
			fail_msg("case %zu: rc %d, error \"%s\", want \"%s\"", i, rc,
				 err ? err : "(none)", want);
		/* A failed load leaves the configuration as it was. */
		assert_int_equal(cfg.n_nodes, 0);
		assert_true(cfg.refresh_s == 2.0);
		assert_string_equal(cfg.theme, "default");
		tve_config_clear(&cfg);
		free(err);
		free(want);
	}
}

/* [keys] is kept as written, with its file and lines: the console
 * resolves it (tests/unit/test_keymap.c). */
static void test_keys_section(void **state)
{
	struct tve_config cfg, cfg2;
	char *err = NULL;

	(void)state;
	write_conf("[general]\nrefresh = 3\n[keys]\nstart = S\n  quit = q C-q ; comment\n"
		   "reset = none\nbogus = Foo\n[node a]\nuri = lxc:///\n[keys]\nhelp = ? F1\n");
	tve_config_init(&cfg);
	if (tve_config_load(&cfg, conf, &err) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.n_keys, 5);
	assert_string_equal(cfg.keys[0].action, "start");
	assert_string_equal(cfg.keys[0].keys, "S");
	assert_string_equal(cfg.keys[0].file, conf);
	assert_int_equal(cfg.keys[0].line, 4);
	assert_string_equal(cfg.keys[1].action, "quit");
	assert_string_equal(cfg.keys[1].keys, "q C-q");
	assert_int_equal(cfg.keys[1].line, 5);
	assert_string_equal(cfg.keys[2].keys, "none");
	assert_string_equal(cfg.keys[3].action, "bogus");	/* the console says */
	assert_string_equal(cfg.keys[4].action, "help");
	assert_int_equal(cfg.keys[4].line, 11);
	assert_int_equal(cfg.n_nodes, 1);
	assert_true(cfg.refresh_s == 3.0);

	/* A second file adds its lines after the first's. */
	write_conf("[keys]\nstart = s\n");
	if (tve_config_load(&cfg, conf, &err) != 0)
		fail_msg("%s", err);
	assert_int_equal(cfg.n_keys, 6);
	assert_int_equal(cfg.keys[5].line, 2);

	/* A failed load keeps what was there. */
	write_conf("[keys]\nstop = x\nstop = X\n");
	assert_int_equal(tve_config_load(&cfg, conf, &err), -1);
	assert_int_equal(cfg.n_keys, 6);
	free(err);
	err = NULL;

	tve_config_init(&cfg2);
	write_conf("[keys]\n");
	assert_int_equal(tve_config_load(&cfg2, conf, &err), 0);
	assert_int_equal(cfg2.n_keys, 0);
	assert_null(cfg2.keys);
	tve_config_clear(&cfg2);
	tve_config_clear(&cfg);
}

static void test_long_line(void **state)
{
	struct tve_config cfg;
	char *err = NULL, *text, *want;
	char big[400];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	text = tve_xasprintf("[general]\ntheme = %s\nrefresh = 0\n", big);
	write_conf(text);
	tve_config_init(&cfg);
	assert_int_equal(tve_config_load(&cfg, conf, &err), -1);
	want = tve_xasprintf("%s:2: line too long", conf);
	assert_non_null(err);
	assert_memory_equal(err, want, strlen(want));
	tve_config_clear(&cfg);
	free(err);
	free(want);
	free(text);
}

static void test_name_derivation(void **state)
{
	static const struct {
		const char *uri, *name;
	} cases[] = {
		{ "qemu:///system", "localhost" },
		{ "qemu:///session", "localhost" },
		{ "lxc:///", "localhost" },
		{ "qemu+ssh://root@pve2/system", "pve2" },
		{ "qemu+libssh://admin@pve3.example.com:2222/system?keyfile=/k", "pve3.example.com" },
		{ "qemu+tcp://10.0.0.5/system", "10.0.0.5" },
		{ "qemu+ssh://[fe80::1]/system", "fe80::1" },
		{ "test:///default", "test" },
		{ "test:///usr/share/tve/demo/pve1.xml", "pve1" },
		{ "test:///tmp/node-b.xml", "node-b" },
		{ "test:///tmp/plain", "plain" },
		{ "strange", "localhost" },
	};

	(void)state;
	for (size_t i = 0; i < TVE_ARRAY_SIZE(cases); i++) {
		struct tve_config cfg;
		struct tve_node_cfg *n;

		tve_config_init(&cfg);
		n = tve_config_add_node(&cfg, NULL, cases[i].uri);
		if (strcmp(n->name, cases[i].name) != 0)
			fail_msg("%s: got %s, want %s", cases[i].uri, n->name, cases[i].name);
		assert_string_equal(n->uri, cases[i].uri);
		assert_null(n->ssh);
		tve_config_clear(&cfg);
	}
}

static void test_name_unique(void **state)
{
	struct tve_config cfg;

	(void)state;
	tve_config_init(&cfg);
	assert_string_equal(tve_config_add_node(&cfg, NULL, "qemu:///system")->name, "localhost");
	assert_string_equal(tve_config_add_node(&cfg, NULL, "lxc:///")->name, "localhost-2");
	assert_string_equal(tve_config_add_node(&cfg, NULL, "qemu:///session")->name, "localhost-3");
	assert_string_equal(tve_config_add_node(&cfg, NULL, "test:///a/pve1.xml")->name, "pve1");
	assert_string_equal(tve_config_add_node(&cfg, NULL, "test:///b/pve1.xml")->name, "pve1-2");
	assert_string_equal(tve_config_add_node(&cfg, "pve1", "lxc:///")->name, "pve1-3");
	assert_string_equal(tve_config_add_node(&cfg, "mine", "lxc:///")->name, "mine");
	assert_int_equal(cfg.n_nodes, 7);
	assert_string_equal(cfg.nodes[1].uri, "lxc:///");
	assert_string_equal(cfg.nodes[0].name, "localhost");
	tve_config_clear(&cfg);
}

/* Nodes from the file come after nodes already in cfg; derived names do
 * not clash with the file's. */
static void test_load_appends(void **state)
{
	struct tve_config cfg;
	char *err = NULL;

	(void)state;
	write_conf("[node pve1]\nuri = qemu+ssh://root@pve1/system\n");
	tve_config_init(&cfg);
	tve_config_add_node(&cfg, NULL, "qemu:///system");
	assert_int_equal(tve_config_load(&cfg, conf, &err), 0);
	assert_int_equal(cfg.n_nodes, 2);
	assert_string_equal(cfg.nodes[0].name, "localhost");
	assert_string_equal(cfg.nodes[1].name, "pve1");
	tve_config_clear(&cfg);
}

static void test_default_path(void **state)
{
	char *p;

	(void)state;
	setenv("XDG_CONFIG_HOME", "/xdg/conf", 1);
	p = tve_config_default_path();
	assert_string_equal(p, "/xdg/conf/tve/tve.conf");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/someone", 1);
	p = tve_config_default_path();
	assert_string_equal(p, "/home/someone/.config/tve/tve.conf");
	free(p);
}

/* ssh nodes: the URI shown is derived (libvirt goes through tve's own
 * session); a given one is kept and used as is. */
static void test_ssh_nodes(void **state)
{
	struct tve_config cfg;
	char *err = NULL;

	(void)state;
	write_conf("[general]\nknown-hosts = /etc/tve/known hosts\n"
		   "[node a]\nssh = root@10.0.0.2\nkeyfile = /k/id_ed25519\n"
		   "[node b]\nssh = admin@[fd00::2]:2222\n"
		   "[node c]\nssh = pve3\nuri = qemu+ssh://root@pve3/system\n");
	tve_config_init(&cfg);
	assert_int_equal(tve_config_load(&cfg, conf, &err), 0);
	assert_int_equal(cfg.n_nodes, 3);
	assert_string_equal(cfg.known_hosts, "/etc/tve/known hosts");
	assert_string_equal(cfg.nodes[0].uri, "qemu+ssh://root@10.0.0.2/system");
	assert_string_equal(cfg.nodes[0].keyfile, "/k/id_ed25519");
	assert_true(cfg.nodes[0].uri_derived);
	assert_string_equal(cfg.nodes[1].uri, "qemu+ssh://admin@[fd00::2]:2222/system");
	assert_true(cfg.nodes[1].uri_derived);
	assert_null(cfg.nodes[1].keyfile);
	assert_string_equal(cfg.nodes[2].uri, "qemu+ssh://root@pve3/system");
	assert_false(cfg.nodes[2].uri_derived);
	tve_config_clear(&cfg);
}

/* Add Node appends a section and keeps what the file held, its mode too. */
static void test_append_node(void **state)
{
	struct tve_config cfg;
	struct tve_node_cfg n = { .name = "r1", .ssh = "root@r1:2222", .keyfile = "/k/id" };
	struct tve_node_cfg m = { .name = "r2", .uri = "qemu+ssh://root@r2/system" };
	char *err = NULL, *text;
	FILE *f;
	struct stat st;

	(void)state;
	write_conf("; mine\n[general]\nrefresh = 3");	/* no final newline */
	chmod(conf, 0600);
	assert_int_equal(tve_config_append_node(conf, &n, &err), 0);
	n.uri = "derived, not written";
	n.uri_derived = true;
	n.name = "r3";
	assert_int_equal(tve_config_append_node(conf, &n, &err), 0);
	assert_int_equal(tve_config_append_node(conf, &m, &err), 0);
	f = fopen(conf, "r");
	assert_non_null(f);
	text = tve_xcalloc(1, 4096);
	assert_true(fread(text, 1, 4095, f) > 0);
	fclose(f);
	assert_string_equal(text, "; mine\n[general]\nrefresh = 3\n"
				  "\n[node r1]\nssh = root@r1:2222\nkeyfile = /k/id\n"
				  "\n[node r3]\nssh = root@r1:2222\nkeyfile = /k/id\n"
				  "\n[node r2]\nuri = qemu+ssh://root@r2/system\n");
	free(text);
	assert_int_equal(stat(conf, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	tve_config_init(&cfg);
	assert_int_equal(tve_config_load(&cfg, conf, &err), 0);
	assert_int_equal(cfg.n_nodes, 3);
	assert_true(cfg.refresh_s == 3.0);
	/* Checks before adding: the name, the target, the key file. */
	{
		struct tve_node_cfg bad = { .name = "r1", .ssh = "root@x" };
		char *why = tve_config_node_check(&cfg, &bad);

		assert_non_null(why);
		assert_string_equal(why, "a node named r1 exists");
		free(why);
		bad.name = "r9";
		bad.ssh = "root@x:0";
		why = tve_config_node_check(&cfg, &bad);
		assert_string_equal(why, "bad port \"0\" (1..65535)");
		free(why);
		bad.ssh = "root@x";
		bad.keyfile = "/nonexistent/key";
		why = tve_config_node_check(&cfg, &bad);
		assert_string_equal(why, "cannot read /nonexistent/key: No such file or directory");
		free(why);
		bad.keyfile = NULL;
		assert_null(tve_config_node_check(&cfg, &bad));
	}
	tve_config_clear(&cfg);
	/* A file that does not exist yet is made. */
	unlink(conf);
	assert_int_equal(tve_config_append_node(conf, &m, &err), 0);
	f = fopen(conf, "r");
	text = tve_xcalloc(1, 4096);
	assert_true(fread(text, 1, 4095, f) > 0);
	fclose(f);
	assert_string_equal(text, "[node r2]\nuri = qemu+ssh://root@r2/system\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_terminal_keys),
		cmocka_unit_test(test_line_graphics_names),
		cmocka_unit_test(test_bom_crlf),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_keys_section),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_name_derivation),
		cmocka_unit_test(test_name_unique),
		cmocka_unit_test(test_load_appends),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_ssh_nodes),
		cmocka_unit_test(test_append_node),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
