/* node_facts.c - what the node's own system says about it: load, uptime,
 * kernel, OS release, root filesystem.  Read from /proc and friends on
 * this host, or from one command run over ssh on a remote node. */
#include "node_facts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>

#include "util.h"

/* One round trip: each line "KEY VALUE".  POSIX sh, coreutils. */
const char TVE_FACTS_COMMAND[] =
	"echo \"loadavg $(cat /proc/loadavg)\"; "
	"echo \"uptime $(cat /proc/uptime)\"; "
	"echo \"kernel $(uname -sr)\"; "
	"(. /etc/os-release 2>/dev/null && echo \"os $PRETTY_NAME\"); "
	"echo \"rootfs $(df -Pk / | awk 'NR==2 {print $2, $3}')\"; "
	"sed -n 's/^model name[^:]*: */cpu /p' /proc/cpuinfo | head -n 1; "
	"echo \"hostname $(uname -n)\"";

static void set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = *v ? tve_xstrdup(v) : NULL;
}

int tve_facts_parse(struct tve_node_facts *f, const char *text)
{
	int seen = 0;

	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = tve_xasprintf("%.*s", (int)len, p), *v = strchr(line, ' ');

		p = nl ? nl + 1 : NULL;
		if (!v) {
			free(line);
			continue;
		}
		*v++ = '\0';
		if (strcmp(line, "loadavg") == 0) {
			if (sscanf(v, "%lf %lf %lf", &f->load[0], &f->load[1], &f->load[2]) == 3)
				seen++;
		} else if (strcmp(line, "uptime") == 0) {
			double up;

			if (sscanf(v, "%lf", &up) == 1) {
				f->uptime_s = (long long)up;
				seen++;
			}
		} else if (strcmp(line, "kernel") == 0) {
			set_str(&f->kernel, v);
		} else if (strcmp(line, "os") == 0) {
			set_str(&f->os_name, v);
		} else if (strcmp(line, "rootfs") == 0) {
			unsigned long long total, used;

			if (sscanf(v, "%llu %llu", &total, &used) == 2 && used <= total) {
				f->rootfs_total_kib = total;
				f->rootfs_used_kib = used;
			}
		} else if (strcmp(line, "cpu") == 0) {
			set_str(&f->cpu_model, v);	/* better than libvirt's CPU model name */
		} else if (strcmp(line, "hostname") == 0) {
			if (!f->hostname)
				set_str(&f->hostname, v);
		}
		free(line);
	}
	return seen == 2 ? 0 : -1;
}

/* PRETTY_NAME from an os-release file, unquoted. */
static char *os_release(void)
{
	FILE *f = fopen("/etc/os-release", "re");
	char line[512], *name = NULL;

	if (!f)
		f = fopen("/usr/lib/os-release", "re");
	while (f && !name && fgets(line, sizeof(line), f)) {
		char *v;
		size_t len;

		if (strncmp(line, "PRETTY_NAME=", 12) != 0)
			continue;
		v = line + 12;
		v[strcspn(v, "\n")] = '\0';
		len = strlen(v);
		if (len >= 2 && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
			v[len - 1] = '\0';
			v++;
		}
		name = tve_xstrdup(v);
	}
	if (f)
		fclose(f);
	return name;
}

void tve_facts_read_local(struct tve_node_facts *f)
{
	struct utsname u;
	struct statvfs sv;
	FILE *fp;
	double up;

	if ((fp = fopen("/proc/uptime", "re"))) {
		if (fscanf(fp, "%lf", &up) == 1)
			f->uptime_s = (long long)up;
		fclose(fp);
	}
	if ((fp = fopen("/proc/loadavg", "re"))) {
		if (fscanf(fp, "%lf %lf %lf", &f->load[0], &f->load[1], &f->load[2]) != 3)
			f->load[0] = f->load[1] = f->load[2] = -1;
		fclose(fp);
	}
	if (uname(&u) == 0) {
		free(f->kernel);
		f->kernel = tve_xasprintf("%s %s", u.sysname, u.release);
	}
	free(f->os_name);
	f->os_name = os_release();
	if (statvfs("/", &sv) == 0 && sv.f_blocks) {
		unsigned long long unit = sv.f_frsize ? sv.f_frsize : sv.f_bsize;

		f->rootfs_total_kib = sv.f_blocks * unit / 1024;
		f->rootfs_used_kib = (sv.f_blocks - sv.f_bfree) * unit / 1024;
	}
}
