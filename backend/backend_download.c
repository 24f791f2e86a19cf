/* backend_download.c - "Download from URL" into a directory pool of this
 * host (ISO images, container templates) with libcurl, as a cancellable
 * task with progress; and cancelling tasks.
 *
 * The data goes to a hidden .NAME.tve-part in the pool directory, hashed
 * (SHA-256/512, OpenSSL EVP) as it is written, and becomes NAME only after
 * the checksum matched and the data reached the disk (fsync, rename).  The
 * part file is flock()ed while a download writes it, so one left behind by
 * a tve that died can be told from one being written now.  Every failure
 * removes it again.
 *
 * On a node reached over ssh the download still runs here (libcurl,
 * progress, checksum as they are); only the data go elsewhere: into
 * "cat > PART" on the node, over a session of the task's own, the part
 * file locked there with flock(1); sync(1) and mv(1) keep it, rm(1) drops
 * it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include "backend_priv.h"
#include "util.h"

#define PART_SUFFIX ".tve-part"
#define PROGRESS_EVERY_NS (250 * 1000000ULL)	/* at most 4 updates a second */
#define RATE_SAMPLES 12				/* rate over the last ~3 s */
#define UNKNOWN_LOG_EVERY_NS (30 * 1000000000ULL)
#define LOW_SPEED_BPS 1024L			/* abort below 1 KiB/s ... */
#define LOW_SPEED_TIME_S 60L			/* ... for a minute */
#define CONNECT_TIMEOUT_S 30L
#define MAX_REDIRS 10L
#define NAME_MAX_LEN 200

struct dl_job {
	struct tve_node *node;
	struct conn *conn;
	struct tve_task *task;
	char *pool, *url, *shown_url, *name, *dir, *dest, *part, *ca_file;
	enum tve_checksum sum;
	char *expected;		/* lower-case hex; NULL without a checksum */
	bool remote;		/* an ssh node: the part file is there */

	/* Transfer state: the task thread only. */
	CURL *curl;
	int fd;
	EVP_MD_CTX *md;
	unsigned long long got;
	int write_errno;
	const char *abort_why;	/* set when the xferinfo callback stops it */
	bool space_checked;
	uint64_t t0, last_update, next_log;
	int next_tenth;
	struct {
		uint64_t ns;
		unsigned long long bytes;
	} samples[RATE_SAMPLES];
	size_t n_samples;
	char space_msg[160];

	/* remote: the session, the "cat > PART" taking the data, the free
	 * space in dir (0 = unknown), why writing failed. */
	struct tve_ssh *ssh;
	struct tve_ssh_cmd *sink;
	bool part_made;
	unsigned long long remote_avail;
	char *sink_err;
};

static const char *sum_name(enum tve_checksum s)
{
	return s == TVE_SUM_SHA512 ? "SHA-512" : "SHA-256";
}

static void dl_job_free(struct dl_job *j)
{
	if (!j)
		return;
	free(j->pool);
	free(j->url);
	free(j->shown_url);
	free(j->name);
	free(j->dir);
	free(j->dest);
	free(j->part);
	free(j->ca_file);
	free(j->expected);
	free(j->sink_err);
	free(j);
}

/* ---- progress ---- */

/* "0:43", "1:02:03". */
static void fmt_eta(char *buf, size_t len, double s)
{
	unsigned long long t = s > 359999 ? 359999 : (unsigned long long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%llu:%02llu:%02llu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%llu:%02llu", t / 60, t % 60);
}

/* Bytes per second over the last few seconds; < 0 while unknown. */
static double sample_rate(struct dl_job *j, uint64_t now)
{
	size_t n = j->n_samples < RATE_SAMPLES ? j->n_samples : RATE_SAMPLES;
	size_t oldest = j->n_samples < RATE_SAMPLES ? 0 : j->n_samples % RATE_SAMPLES;
	double dt;

	j->samples[j->n_samples % RATE_SAMPLES].ns = now;
	j->samples[j->n_samples % RATE_SAMPLES].bytes = j->got;
	j->n_samples++;
	if (n == 0)
		return -1;
	dt = (double)(now - j->samples[oldest].ns) / 1e9;
	return dt > 0 ? (double)(j->got - j->samples[oldest].bytes) / dt : -1;
}

static void report_progress(struct dl_job *j, unsigned long long total, uint64_t now)
{
	char have[32], all[32], rate[32], eta[32], text[160];
	double r = sample_rate(j, now);
	int len;

	tve_fmt_bytes(have, sizeof(have), j->got);
	len = total ? snprintf(text, sizeof(text), "%s of %s", have,
			       tve_fmt_bytes(all, sizeof(all), total))
		    : snprintf(text, sizeof(text), "%s", have);
	if (r >= 0 && len > 0 && (size_t)len < sizeof(text)) {
		tve_fmt_bytes(rate, sizeof(rate), (unsigned long long)r);
		len += snprintf(text + len, sizeof(text) - (size_t)len, ", %s/s", rate);
		if (total && r > 0 && total >= j->got && (size_t)len < sizeof(text)) {
			fmt_eta(eta, sizeof(eta), (double)(total - j->got) / r);
			snprintf(text + len, sizeof(text) - (size_t)len, ", ETA %s", eta);
		}
	}
	tve_task_progress(j->task, total ? (double)j->got / (double)total : -1, text);
}

/* A log line every 10% (or every 30 s when the size is unknown). */
static void log_milestone(struct dl_job *j, unsigned long long total, uint64_t now)
{
	char have[32], all[32];

	if (total) {
		int tenth = (int)(j->got * 10 / total);

		if (tenth < j->next_tenth || tenth >= 10)
			return;
		j->next_tenth = tenth + 1;
		if (tenth > 0)
			tve_task_log(j->task, "%d%%: %s of %s", tenth * 10,
				     tve_fmt_bytes(have, sizeof(have), j->got),
				     tve_fmt_bytes(all, sizeof(all), total));
	} else if (now >= j->next_log) {
		if (j->next_log)
			tve_task_log(j->task, "%s so far",
				     tve_fmt_bytes(have, sizeof(have), j->got));
		j->next_log = now + UNKNOWN_LOG_EVERY_NS;
	}
}

static bool node_stopping(struct tve_node *n)
{
	bool stop;

	pthread_mutex_lock(&n->lock);
	stop = n->stop;
	pthread_mutex_unlock(&n->lock);
	return stop;
}

/* Bytes free where the part file is; false when not known. */
static bool free_space(struct dl_job *j, unsigned long long *avail)
{
	struct statvfs vfs;

	if (j->remote) {
		*avail = j->remote_avail;
		return j->remote_avail > 0;
	}
	if (fstatvfs(j->fd, &vfs) < 0)
		return false;
	*avail = (unsigned long long)vfs.f_bavail * vfs.f_frsize;
	return true;
}

/* The size is known: refuse a file that cannot fit. */
static bool fits(struct dl_job *j, unsigned long long total)
{
	unsigned long long avail;
	char need[32], have[32];

	j->space_checked = true;
	if (!free_space(j, &avail))
		return true;	/* writing will tell */
	if (total <= j->got || total - j->got <= avail)
		return true;
	snprintf(j->space_msg, sizeof(j->space_msg), "not enough space in %s: %s needed, %s free",
		 j->pool, tve_fmt_bytes(need, sizeof(need), total),
		 tve_fmt_bytes(have, sizeof(have), avail));
	j->abort_why = j->space_msg;
	return false;
}

/* libcurl calls this often (every chunk, and about once a second while
 * idle); a non-zero return ends the transfer. */
static int on_xferinfo(void *opaque, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct dl_job *j = opaque;
	unsigned long long total = dltotal > 0 ? (unsigned long long)dltotal : 0;
	uint64_t now = tve_now_ns();

	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	if (tve_task_cancelled(j->task)) {
		j->abort_why = "cancelled";
		return 1;
	}
	log_milestone(j, total, now);
	if (now - j->last_update < PROGRESS_EVERY_NS)
		return 0;
	j->last_update = now;
	if (node_stopping(j->node)) {
		j->abort_why = "interrupted (tve exited)";
		return 1;
	}
	/* Nothing to show before the headers or the first data. */
	if (total || j->got)
		report_progress(j, total, now);
	return 0;
}

static bool write_local(struct dl_job *j, const char *data, size_t n)
{
	size_t done = 0;

	while (done < n) {
		ssize_t w = write(j->fd, data + done, n - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			j->write_errno = w < 0 ? errno : EIO;
			return false;
		}
		done += (size_t)w;
	}
	return true;
}

static size_t on_data(char *data, size_t size, size_t nmemb, void *opaque)
{
	struct dl_job *j = opaque;
	size_t n = size * nmemb;
	curl_off_t total = -1;

	/* The first data come after the final response's headers: its size
	 * is known now, before libcurl hands over a few MiB at once. */
	if (!j->space_checked &&
	    curl_easy_getinfo(j->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &total) == CURLE_OK &&
	    total > 0 && !fits(j, (unsigned long long)total))
		return 0;
	j->space_checked = true;
	if (j->sink ? tve_ssh_cmd_write(j->sink, data, n, &j->sink_err) < 0 : !write_local(j, data, n))
		return 0;	/* CURLE_WRITE_ERROR */
	if (EVP_DigestUpdate(j->md, data, n) != 1) {
		j->write_errno = ENOMEM;
		return 0;
	}
	j->got += n;
	return n;
}

/* ---- the part file ---- */

/* Creates and locks the part file; one left over by a download that no
 * longer runs (nobody holds its lock) is removed first. */
static int open_part(struct dl_job *j, char **err)
{
	for (int tries = 0; tries < 3; tries++) {
		int fd = open(j->part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);

		if (fd >= 0) {
			(void)flock(fd, LOCK_EX | LOCK_NB);
			/* QEMU (another user) reads ISOs: not subject to umask. */
			(void)fchmod(fd, 0644);
			j->fd = fd;
			return 0;
		}
		if (errno != EEXIST)
			return tve_set_err(err, "cannot create %s: %s", j->part, strerror(errno));
		if ((fd = open(j->part, O_WRONLY | O_CLOEXEC)) < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd);
			return tve_set_err(err, "%s is being downloaded already", j->name);
		}
		tve_task_log(j->task, "removing %s left over by an earlier download", j->part);
		(void)unlink(j->part);
		close(fd);
	}
	return tve_set_err(err, "cannot create %s", j->part);
}

static void drop_part(struct dl_job *j)
{
	if (j->fd < 0)
		return;
	if (unlink(j->part) < 0 && errno != ENOENT)
		tve_task_log(j->task, "cannot remove %s: %s", j->part, strerror(errno));
	close(j->fd);
	j->fd = -1;
}

/* The part file becomes NAME: on the disk first, then renamed without
 * replacing a file that appeared meanwhile. */
static int keep_part(struct dl_job *j, char **err)
{
	int dfd;

	if (fsync(j->fd) < 0)
		return tve_set_err(err, "cannot write %s: %s", j->part, strerror(errno));
	if (renameat2(AT_FDCWD, j->part, AT_FDCWD, j->dest, RENAME_NOREPLACE) < 0) {
		if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
			return tve_set_err(err, "cannot rename %s to %s: %s", j->part, j->name,
					   strerror(errno));
		/* A file system without RENAME_NOREPLACE (NFS, some FUSE). */
		if (access(j->dest, F_OK) == 0)
			return tve_set_err(err, "%s appeared during the download", j->dest);
		if (rename(j->part, j->dest) < 0)
			return tve_set_err(err, "cannot rename %s to %s: %s", j->part, j->name,
					   strerror(errno));
	}
	close(j->fd);
	j->fd = -1;
	if ((dfd = open(j->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* ---- the part file on an ssh node ---- */

#define REMOTE_TOOLS "cat chmod flock mv rm stat sync"
#define REMOTE_SYNC_MS (10 * 60 * 1000)	/* the node writing out a big file */

/* Takes the lock of the part file (creating it) for as long as the shell
 * and what it execs live, as open_part does here: or exits 75. */
#define LOCK_PART "exec 9>>\"$p\" && flock -n 9 || " \
	"{ echo \"$n is being downloaded already\" >&2; exit 75; }; "

/* Runs script on the node with the job's paths in $d (dir), $f (dest), $p
 * (part) and $n (name).  0 (*out may be NULL), or -1 with *err; *status as
 * tve_ssh_run's (may be NULL). */
static int remote_run(struct dl_job *j, const char *script, char **out, int *status,
		      int timeout_ms, char **err)
{
	char *d = tve_ssh_quote(j->dir), *f = tve_ssh_quote(j->dest), *p = tve_ssh_quote(j->part);
	char *n = tve_ssh_quote(j->name);
	char *cmd = tve_xasprintf("d=%s f=%s p=%s n=%s; %s", d, f, p, n, script);
	int rc = tve_ssh_run(j->ssh, cmd, out, status, timeout_ms, err);

	free(d);
	free(f);
	free(p);
	free(n);
	free(cmd);
	return rc;
}

/* "NODE: why" into *err. */
static int node_err(struct dl_job *j, char **err, const char *why)
{
	char *w = tve_xstrdup(why ? why : "failed");

	tve_set_err(err, "%s: %s", j->node->name, w);
	free(w);
	return -1;
}

/* The session, the tools, the checks prepare() makes for a local pool
 * (no NAME yet, the directory writable, no download of it running: the
 * part file locked for a moment), the free space; then "cat > PART". */
static int remote_open_part(struct dl_job *j, char **err)
{
	char *missing = NULL, *out = NULL, *cmd, *p, *n;
	unsigned long long blocks, bsize;
	int st = -1;

	tve_task_log(j->task, "over ssh to %s: the data pass through this host", j->node->name);
	if (!(j->ssh = tve_node_ssh_open(j->node, err)))
		return -1;
	if (tve_ssh_missing_tools(j->ssh, REMOTE_TOOLS, &missing, err) < 0)
		return node_err(j, err, *err);
	if (*missing) {
		tve_set_err(err, "%s has no %s (needed to download into its storage)",
			    j->node->name, missing);
		free(missing);
		return -1;
	}
	free(missing);
	if (remote_run(j, "[ ! -e \"$f\" ] || { echo \"$f already exists\" >&2; exit 3; }; "
		       "[ -d \"$d\" ] && [ -w \"$d\" ] || "
		       "{ echo \"cannot write into $d\" >&2; exit 3; }; "
		       LOCK_PART "chmod 0644 \"$p\"; stat -f -c '%a %S' \"$d\" 2>/dev/null; exit 0",
		       &out, &st, 0, err) < 0)
		return node_err(j, err, *err);
	j->part_made = true;
	if (sscanf(out, "%llu %llu", &blocks, &bsize) == 2)
		j->remote_avail = blocks * bsize;
	free(out);
	/* Truncates a part left over by a download that no longer runs. */
	p = tve_ssh_quote(j->part);
	n = tve_ssh_quote(j->name);
	cmd = tve_xasprintf("n=%s p=%s; " LOCK_PART "exec cat > \"$p\"", n, p);
	free(p);
	free(n);
	j->sink = tve_ssh_cmd_start(j->ssh, cmd, err);
	free(cmd);
	return j->sink ? 0 : node_err(j, err, *err);
}

/* The data reached the node's disk (sync), then the part file becomes
 * NAME, never replacing one that appeared meanwhile. */
static int remote_keep_part(struct dl_job *j, char **err)
{
	struct tve_ssh_cmd *c = j->sink;

	j->sink = NULL;
	if (tve_ssh_cmd_finish(c, NULL, NULL, REMOTE_SYNC_MS, err) < 0) {
		char *why = *err;

		*err = NULL;
		tve_set_err(err, "cannot write %s on %s: %s", j->part, j->node->name, why);
		free(why);
		return -1;
	}
	if (remote_run(j, "[ -f \"$p\" ] || { echo \"$p is gone\" >&2; exit 3; }; "
		       LOCK_PART "sync \"$p\" || exit 1; "
		       "[ ! -e \"$f\" ] || { echo \"$f appeared during the download\" >&2; exit 3; }; "
		       "mv -n \"$p\" \"$f\" || exit 1; "
		       "[ ! -e \"$p\" ] || { echo \"$f appeared during the download\" >&2; exit 3; }; "
		       "sync \"$d\" 2>/dev/null; exit 0", NULL, NULL, REMOTE_SYNC_MS, err) < 0)
		return node_err(j, err, *err);
	j->part_made = false;
	return 0;
}

/* Anything but a kept file goes: the "cat" ends first (its stdin ends),
 * then the part file, unless another download holds it.  A broken session
 * gets one new one for this. */
static void remote_drop_part(struct dl_job *j)
{
	char *e = NULL;
	int st = -1;

	if (j->sink) {
		if (tve_ssh_cmd_finish(j->sink, &st, NULL, 30000, &e) == 0 && st == 75)
			j->part_made = false;
		j->sink = NULL;
		free(e);
		e = NULL;
	}
	if (!j->part_made || !j->ssh)
		return;
	if (remote_run(j, "rm -f \"$p\"", NULL, &st, 0, &e) < 0 && st < 0) {
		tve_ssh_close(j->ssh);
		free(e);
		e = NULL;
		j->ssh = tve_node_ssh_open(j->node, &e);
		if (j->ssh)
			remote_run(j, "rm -f \"$p\"", NULL, &st, 0, &e);
	}
	if (st != 0)
		tve_task_log(j->task, "cannot remove %s on %s: %s", j->part, j->node->name,
			     e ? e : "?");
	j->part_made = false;
	free(e);
}

/* ---- the transfer ---- */

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static CURL *make_easy(struct dl_job *j, char *errbuf)
{
	CURL *c = curl_easy_init();

	if (!c)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, j->url);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);	/* threads: no SIGALRM */
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "tve/" TVE_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, MAX_REDIRS);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	if (j->ca_file)
		curl_easy_setopt(c, CURLOPT_CAINFO, j->ca_file);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, LOW_SPEED_BPS);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, LOW_SPEED_TIME_S);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_xferinfo);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, j);
	return c;
}

/* Why the transfer failed, as the task's error. */
static void transfer_error(struct dl_job *j, CURL *c, CURLcode rc, const char *errbuf,
			   char **err)
{
	long code = 0;

	if (j->abort_why)	/* one of our callbacks stopped it */
		tve_set_err(err, "%s", j->abort_why);
	else if (rc == CURLE_WRITE_ERROR && j->write_errno)
		tve_set_err(err, "cannot write %s: %s", j->part, strerror(j->write_errno));
	else if (rc == CURLE_WRITE_ERROR && j->sink_err)
		tve_set_err(err, "cannot write %s on %s: %s", j->part, j->node->name, j->sink_err);
	else if (rc == CURLE_HTTP_RETURNED_ERROR &&
		 curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code)
		tve_set_err(err, "download failed: HTTP %ld from %s", code, j->shown_url);
	else
		tve_set_err(err, "download failed: %s", *errbuf ? errbuf : curl_easy_strerror(rc));
}

static void to_hex(const unsigned char *md, unsigned len, char *out)
{
	for (unsigned i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", md[i]);
	out[2 * len] = '\0';
}

static int transfer(struct dl_job *j, char **err)
{
	char errbuf[CURL_ERROR_SIZE] = "", hex[2 * EVP_MAX_MD_SIZE + 1], size[32], rate[32];
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned md_len = 0;
	long code = 0, redirects = 0;
	char *where = NULL;
	double secs;
	CURLcode rc;
	CURL *c;

	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK)
		return tve_set_err(err, "libcurl: %s", curl_easy_strerror(curl_init_rc));
	if (!(j->md = EVP_MD_CTX_new()) ||
	    EVP_DigestInit_ex(j->md, j->sum == TVE_SUM_SHA512 ? EVP_sha512() : EVP_sha256(),
			      NULL) != 1)
		return tve_set_err(err, "OpenSSL cannot compute %s", sum_name(j->sum));
	if (!(c = j->curl = make_easy(j, errbuf)))
		return tve_set_err(err, "libcurl cannot start a transfer");
	j->t0 = tve_now_ns();
	rc = curl_easy_perform(c);
	secs = (double)(tve_now_ns() - j->t0) / 1e9;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c, CURLINFO_REDIRECT_COUNT, &redirects);
	if (redirects > 0 && curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &where) == CURLE_OK &&
	    where)
		tve_task_log(j->task, "redirected to %s", where);
	if (rc != CURLE_OK)
		transfer_error(j, c, rc, errbuf, err);
	else if (code / 100 != 2)
		tve_set_err(err, "download failed: HTTP %ld from %s", code, j->shown_url);
	curl_easy_cleanup(c);
	j->curl = NULL;
	if (rc != CURLE_OK || code / 100 != 2)
		return -1;

	tve_task_log(j->task, "downloaded %s in %.1f s (%s/s)",
		     tve_fmt_bytes(size, sizeof(size), j->got), secs,
		     tve_fmt_bytes(rate, sizeof(rate),
				   (unsigned long long)((double)j->got / (secs > 0.001 ? secs : 0.001))));
	if (EVP_DigestFinal_ex(j->md, md, &md_len) != 1)
		return tve_set_err(err, "OpenSSL cannot compute %s", sum_name(j->sum));
	to_hex(md, md_len, hex);
	if (j->expected && strcmp(hex, j->expected) != 0)
		return tve_set_err(err, "checksum mismatch: expected %s, got %s", j->expected, hex);
	tve_task_log(j->task, "%s %s: %s", sum_name(j->sum), j->expected ? "verified" : "checksum",
		     hex);
	return 0;
}

static void *dl_main(void *opaque)
{
	struct dl_job *j = opaque;
	struct tve_backend *b = j->node->b;
	char *err = NULL, *perr = NULL;
	int rc;

	tve_task_log(j->task, "downloading %s", j->shown_url);
	if (j->remote)
		tve_task_log(j->task, "to %s on %s", j->dest, j->node->name);
	else
		tve_task_log(j->task, "to %s", j->dest);
	rc = j->remote ? remote_open_part(j, &err) : open_part(j, &err);
	if (rc == 0)
		rc = transfer(j, &err);
	if (rc == 0)
		rc = j->remote ? remote_keep_part(j, &err) : keep_part(j, &err);
	if (j->remote)
		remote_drop_part(j);
	else
		drop_part(j);	/* anything but a kept file */
	tve_ssh_close(j->ssh);
	EVP_MD_CTX_free(j->md);
	if (rc == 0) {
		tve_task_log(j->task, "saved as %s/%s", j->pool, j->name);
		if (j->conn->drv->pool_refresh &&
		    j->conn->drv->pool_refresh(j->conn->h, j->pool, &perr) < 0)
			tve_task_log(j->task, "the pool does not list it yet: %s", perr);
	}
	tve_node_conn_put(j->node, j->conn);
	tve_node_request_refresh(j->node, TVE_REFRESH_POOLS);
	tve_task_finish(j->task, rc < 0 ? (err ? err : "failed") : NULL);
	free(err);
	free(perr);
	dl_job_free(j);
	tve_backend_spawn_done(b);
	return NULL;
}

/* ---- checks before a task exists ---- */

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcasecmp(s + n - m, suffix) == 0;
}

static const char *const iso_kinds[] = { ".iso", ".img" };
static const char *const tmpl_kinds[] = { ".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2" };

static bool is_kind(const char *name, const char *const *kinds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (has_suffix(name, kinds[i]))
			return true;
	return false;
}

/* A plain file name of the kinds a storage holds for download: ISO images
 * and container templates (Proxmox's suffixes and characters). */
static int check_name(const char *name, char **err)
{
	if (!name || !*name)
		return tve_set_err(err, "the file name is empty");
	if (strlen(name) > NAME_MAX_LEN)
		return tve_set_err(err, "the file name is longer than %d characters", NAME_MAX_LEN);
	if (strchr(name, '/'))
		return tve_set_err(err, "'%s' is not a plain file name (it has a '/')", name);
	if (name[0] == '.')
		return tve_set_err(err, "'%s' starts with '.'", name);
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("-_.+=", *p)))
			return tve_set_err(err, "'%s': a file name may have letters, digits and "
					   "- _ . + = only", name);
	if (is_kind(name, iso_kinds, TVE_ARRAY_SIZE(iso_kinds)) ||
	    is_kind(name, tmpl_kinds, TVE_ARRAY_SIZE(tmpl_kinds)))
		return 0;
	return tve_set_err(err, "'%s' is neither an ISO image (.iso, .img) nor a container "
			   "template (.tar.gz, .tar.xz, .tar.zst, .tar.bz2)", name);
}

/* http(s) only, with a host; *shown gets the URL without a password (it
 * goes into the task log, which is kept on disk). */
static int check_url(const char *url, char **shown, char **err)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *clean = NULL;
	int rc = -1;

	if (!url || !*url)
		return tve_set_err(err, "the URL is empty");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return tve_set_err(err, "the URL has spaces or control characters");
	if (!(u = curl_url()))
		return tve_set_err(err, "out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		tve_set_err(err, "'%s' is not a URL", url);
	} else if (strcasecmp(scheme, "http") && strcasecmp(scheme, "https")) {
		tve_set_err(err, "only http:// and https:// URLs can be downloaded, not %s://",
			    scheme);
	} else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host) {
		tve_set_err(err, "'%s' has no host", url);
	} else {
		curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
		*shown = curl_url_get(u, CURLUPART_URL, &clean, 0) == CURLUE_OK
				 ? tve_xstrdup(clean)
				 : tve_xstrdup(url);
		rc = 0;
	}
	curl_free(clean);
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

/* *out gets the checksum in lower case, or NULL without one. */
static int check_sum(enum tve_checksum sum, const char *hex, char **out, char **err)
{
	size_t want = sum == TVE_SUM_SHA256 ? 64 : sum == TVE_SUM_SHA512 ? 128 : 0, n;
	const char *s = hex ? hex : "";
	char *r;

	*out = NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	n = strcspn(s, " \t\r\n");
	if (sum != TVE_SUM_NONE && sum != TVE_SUM_SHA256 && sum != TVE_SUM_SHA512)
		return tve_set_err(err, "unknown checksum algorithm");
	if (sum == TVE_SUM_NONE)
		return n ? tve_set_err(err, "a checksum needs its algorithm (SHA-256 or "
					     "SHA-512)") : 0;
	if (n != want || s[n + strspn(s + n, " \t\r\n")])
		return tve_set_err(err, "a %s checksum is %zu hex digits", sum_name(sum), want);
	r = tve_xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
			free(r);
			return tve_set_err(err, "a %s checksum is %zu hex digits", sum_name(sum),
					   want);
		}
		r[i] = c;
	}
	r[n] = '\0';
	*out = r;
	return 0;
}

/* Someone holds the lock of NAME's part file: a download runs now. */
static bool part_busy(const char *part)
{
	int fd = open(part, O_RDONLY | O_CLOEXEC);
	bool busy;

	if (fd < 0)
		return false;
	busy = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

/* The pool: an active directory storage of node n; sets j->dir. */
static int check_pool(struct dl_job *j, struct tve_node *n, char **err)
{
	struct tve_snapshot *s = tve_node_latest(n);
	const struct tve_pool *p = tve_snapshot_find_pool(s, j->pool);
	int rc = 0;

	if (!p)
		rc = tve_set_err(err, "%s has no storage %s", n->name, j->pool);
	else if (!p->type || !p->path ||
		 (strcmp(p->type, "dir") && strcmp(p->type, "fs") && strcmp(p->type, "netfs")))
		rc = tve_set_err(err, "%s is a %s storage: downloads go into directory storages",
				 j->pool, p->type ? p->type : "?");
	else if (!p->active)
		rc = tve_set_err(err, "storage %s is not active", j->pool);
	for (size_t i = 0; rc == 0 && i < p->n_volumes; i++)
		if (strcmp(p->volumes[i].name, j->name) == 0)
			rc = tve_set_err(err, "%s already has %s", j->pool, j->name);
	if (rc == 0)
		j->dir = tve_xstrdup(p->path);
	tve_snapshot_unref(s);
	return rc;
}

/* The pool's content types (Proxmox's "iso", "vztmpl"; none set = all)
 * allow this kind of file. */
static int check_content(struct tve_backend *b, size_t node, struct dl_job *j, char **err)
{
	const char *want = is_kind(j->name, iso_kinds, TVE_ARRAY_SIZE(iso_kinds)) ? "iso" : "vztmpl";
	char *content = tve_backend_pool_content(b, node, j->pool);
	bool ok = !content || !*content;
	size_t n = strlen(want);

	for (const char *p = content; !ok && p && *p;) {
		size_t len;

		p += strspn(p, " ");
		len = strcspn(p, ", ");
		ok = len == n && strncmp(p, want, n) == 0;
		p += len;
		p += strspn(p, " ");
		p += *p == ',';
	}
	if (!ok)
		tve_set_err(err, "storage %s does not hold %s (content: %s)", j->pool,
			    strcmp(want, "iso") ? "container templates" : "ISO images", content);
	free(content);
	return ok ? 0 : -1;
}

/* The pool directory of this host: NAME is not there yet, it can be
 * written, no download of NAME runs. */
static int check_local_dest(struct dl_job *j, char **err)
{
	if (access(j->dest, F_OK) == 0)
		return tve_set_err(err, "%s already exists", j->dest);
	if (access(j->dir, W_OK | X_OK) < 0)
		return tve_set_err(err, "cannot write into %s: %s", j->dir, strerror(errno));
	if (part_busy(j->part))
		return tve_set_err(err, "%s is being downloaded already", j->name);
	return 0;
}

static int prepare(struct dl_job *j, struct tve_node *n, const char *expected_hex, char **err)
{
	const char *ca = getenv("TVE_CA_FILE");

	if (!(j->conn = tve_node_conn_get(n)))
		return tve_set_err(err, "node %s is offline", n->name);
	/* Another host's directory is reached over ssh (checked there, by
	 * the task: not while the console waits). */
	j->remote = !j->conn->drv->is_local || !j->conn->drv->is_local(j->conn->h);
	if (j->remote && !n->ssh)
		return tve_set_err(err, "%s is not this host (downloads go into a storage "
				   "directory of this host)", n->name);
	if (check_name(j->name, err) < 0 || check_url(j->url, &j->shown_url, err) < 0 ||
	    check_sum(j->sum, expected_hex, &j->expected, err) < 0 || check_pool(j, n, err) < 0 ||
	    check_content(n->b, n->index, j, err) < 0)
		return -1;
	j->dest = tve_xasprintf("%s/%s", j->dir, j->name);
	j->part = tve_xasprintf("%s/.%s" PART_SUFFIX, j->dir, j->name);
	if (!j->remote && check_local_dest(j, err) < 0)
		return -1;
	if (ca && *ca)
		j->ca_file = tve_xstrdup(ca);
	return 0;
}

int tve_backend_download(struct tve_backend *b, size_t node, const char *pool, const char *url,
			 const char *name, enum tve_checksum sum, const char *expected_hex,
			 char **task_id, char **err)
{
	struct tve_node *n;
	struct dl_job *j;
	char *msg = NULL;

	if (node >= tve_nodes_n(b))
		return tve_set_err(err, "invalid node");
	n = b->nodes[node];
	j = tve_xcalloc(1, sizeof(*j));
	j->fd = -1;
	j->node = n;
	j->pool = tve_xstrdup(pool ? pool : "");
	j->url = tve_xstrdup(url);
	j->name = tve_xstrdup(name);
	j->sum = sum;
	if (prepare(j, n, expected_hex, err) < 0) {
		if (j->conn)
			tve_node_conn_put(n, j->conn);
		dl_job_free(j);
		return -1;
	}
	j->task = tve_task_begin(b->tasks, n->name, "download", j->name);
	tve_task_set_cancellable(j->task);
	if (task_id)
		*task_id = tve_xstrdup(tve_task_id(j->task));
	if (tve_backend_spawn(b, dl_main, j, &msg) < 0) {
		tve_task_finish(j->task, msg);
		tve_set_err(err, "%s", msg);
		free(msg);
		tve_node_conn_put(n, j->conn);
		dl_job_free(j);
		return -1;
	}
	return 0;
}

int tve_backend_task_cancel(struct tve_backend *b, const char *task_id, char **err)
{
	return tve_taskstore_cancel(b->tasks, task_id, err);
}
