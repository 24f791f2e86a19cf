/* drv_libvirt_storage.c - storage pools and volumes: add (define, build,
 * start, autostart), remove, start/stop, and volume resize, copy and
 * upload.  Runs on task threads; every step is logged into the task.
 *
 * Copies run inside libvirtd (virStorageVolCreateXMLFrom: qemu-img
 * convert or a sparse read/write loop on the host), so a copy on a remote
 * node never crosses the network; a helper thread reports progress by
 * polling the new volume's allocation, which grows as libvirt writes it.
 * libvirt cannot stop such a copy, so a cancel takes effect when it
 * returns: the copy is then deleted.  Uploads stream a local file through
 * virStorageVolUpload, and stop between chunks when cancelled. */
#include "drv_libvirt.h"

#include <errno.h>
#include <fcntl.h>
#include <libvirt/virterror.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "xmlbuf.h"

#define PROGRESS_EVERY_NS 250000000ULL	/* at most 4 progress updates a second */
#define UPLOAD_CHUNK (256 * 1024)	/* one stream packet */
#define COPY_POLL_NS 200000000ULL	/* a copy's allocation is read 5 times a second */

/* The next POOLS refresh rereads volumes (pool events do not cover them). */
static void pools_changed(struct lv_handle *h)
{
	pthread_mutex_lock(&h->ev->lock);
	h->ev->pools_dirty = true;
	pthread_mutex_unlock(&h->ev->lock);
}

static virStoragePoolPtr pool_get(struct lv_handle *h, const char *pool, char **err)
{
	virStoragePoolPtr p;

	lv_count(h);
	if (!(p = virStoragePoolLookupByName(h->conn, pool)))
		lv_err(err, pool);
	return p;
}

static virStorageVolPtr vol_get(struct lv_handle *h, virStoragePoolPtr p, const char *volume,
				char **err)
{
	virStorageVolPtr v;

	lv_count(h);
	if (!(v = virStorageVolLookupByName(p, volume)))
		lv_err(err, volume);
	return v;
}

/* Makes a message one line: tools that libvirt runs (lvcreate, mkfs...)
 * leave their multi-line output in it. */
static void one_line(char *s)
{
	char *w = s;

	for (char *r = s; s && *r; r++) {
		if (*r == '\n' || *r == '\r' || *r == '\t') {
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
		} else if (*r != ' ' || (w > s && w[-1] != ' ')) {
			*w++ = *r;
		}
	}
	while (w && w > s && w[-1] == ' ')
		w--;
	if (w)
		*w = 0;
}

/* Logs "what: libvirt's message" into the task and sets *err.  -1. */
static int step_fail(struct tve_task *t, char **err, const char *what)
{
	lv_err(err, what);
	one_line(*err);
	tve_task_log(t, "%s", *err);
	return -1;
}

/* "120.5 MiB of 600 MiB, 11.2 MiB/s, ETA 0:43" (total 0 = unknown; no ETA
 * once done). */
static void progress_line(char *buf, size_t len, unsigned long long done,
			  unsigned long long total, uint64_t elapsed_ns)
{
	char d[32], t[32], r[32];
	double secs = (double)elapsed_ns / 1e9, rate;

	if (total && done > total)
		done = total;	/* a copy may take a few blocks more than its source */
	rate = secs > 0.05 ? (double)done / secs : 0;
	tve_fmt_bytes(d, sizeof(d), done);
	tve_fmt_bytes(r, sizeof(r), (unsigned long long)rate);
	tve_fmt_bytes(t, sizeof(t), total);
	if (!total) {
		snprintf(buf, len, "%s, %s/s", d, r);
	} else if (rate <= 0) {
		snprintf(buf, len, "%s of %s", d, t);
	} else if (done == total) {
		snprintf(buf, len, "%s of %s, %s/s", d, t, r);
	} else {
		unsigned long long eta = (unsigned long long)((double)(total - done) / rate);

		snprintf(buf, len, "%s of %s, %s/s, ETA %llu:%02llu", d, t, r, eta / 60, eta % 60);
	}
}

static void report(struct tve_task *t, unsigned long long done, unsigned long long total,
		   uint64_t t0)
{
	char line[192];
	double f = total ? (double)done / (double)total : -1;

	if (f > 0.99)
		f = 0.99;	/* 100% only once it is really done */
	progress_line(line, sizeof(line), done, total, tve_now_ns() - t0);
	tve_task_progress(t, f, line);
}

/* ---- pools ---- */

int lv_pool_add(void *opaque, const char *xml, bool build, bool start, bool autostart,
		struct tve_task *t, char **err)
{
	struct lv_handle *h = opaque;
	virStoragePoolPtr p;
	char *type = NULL, *path = NULL;
	bool built = false, started = false;
	const char *name;
	int rc = -1;

	lv_count(h);
	if (!(p = virStoragePoolDefineXML(h->conn, xml, 0)))
		return step_fail(t, err, "cannot define the storage");
	name = virStoragePoolGetName(p);
	tve_task_log(t, "defined storage %s", name);
	lv_xml_parse_pool(xml, &type, &path, NULL);
	if (build) {
		/* Never over data already there: a device with a signature
		 * (LVM, filesystem, partition table) makes the build fail.
		 * For dir/fs/netfs the build only makes the directory. */
		unsigned flags = 0;

		if (!h->is_test && type && (strcmp(type, "logical") == 0 ||
					    strcmp(type, "disk") == 0 || strcmp(type, "zfs") == 0))
			flags = VIR_STORAGE_POOL_BUILD_NO_OVERWRITE;
		tve_task_log(t, "building %s%s%s", name, path ? " at " : "", path ? path : "");
		lv_count(h);
		if (virStoragePoolBuild(p, flags) < 0) {
			step_fail(t, err, "cannot build the storage");
			goto undo;
		}
		built = true;
	}
	if (start) {
		tve_task_log(t, "starting %s", name);
		lv_count(h);
		if (virStoragePoolCreate(p, 0) < 0) {
			step_fail(t, err, "cannot start the storage");
			goto undo;
		}
		started = true;
	}
	if (autostart) {
		tve_task_log(t, "enabling start at boot");
		lv_count(h);
		if (virStoragePoolSetAutostart(p, 1) < 0) {
			step_fail(t, err, "cannot enable start at boot");
			goto undo;
		}
	}
	rc = 0;
	goto out;
undo:
	/* Nothing half-made stays: a volume group the build made is removed
	 * again (NO_OVERWRITE guaranteed the devices were empty before);
	 * directories are left, they may have existed. */
	if (started) {
		lv_count(h);
		virStoragePoolDestroy(p);
	}
	if (built && type && strcmp(type, "logical") == 0) {
		tve_task_log(t, "removing the volume group again");
		lv_count(h);
		if (virStoragePoolDelete(p, 0) < 0)
			tve_task_log(t, "cannot remove it: %s", virGetLastErrorMessage());
	}
	tve_task_log(t, "undefining %s again", name);
	lv_count(h);
	if (virStoragePoolUndefine(p) < 0)
		tve_task_log(t, "cannot undefine it: %s", virGetLastErrorMessage());
out:
	free(type);
	free(path);
	virStoragePoolFree(p);
	pools_changed(h);
	return rc;
}

/* Deletes every volume of an active pool (remove with its data). */
static int delete_volumes(struct lv_handle *h, virStoragePoolPtr p, struct tve_task *t, char **err)
{
	virStorageVolPtr *vols = NULL;
	int n, rc = 0;

	lv_count(h);
	if ((n = virStoragePoolListAllVolumes(p, &vols, 0)) < 0)
		return step_fail(t, err, "cannot list the volumes");
	for (int i = 0; i < n; i++) {
		const char *vn = virStorageVolGetName(vols[i]);

		if (rc == 0) {
			tve_task_log(t, "deleting volume %s", vn);
			lv_count(h);
			if (virStorageVolDelete(vols[i], 0) < 0)
				rc = step_fail(t, err, vn);
		}
		virStorageVolFree(vols[i]);
	}
	free(vols);
	return rc;
}

int lv_pool_remove(void *opaque, const char *pool, bool delete_data, struct tve_task *t,
		   char **err)
{
	struct lv_handle *h = opaque;
	virStoragePoolPtr p = pool_get(h, pool, err);
	int active, rc = -1;

	if (!p)
		return -1;
	lv_count(h);
	if ((active = virStoragePoolIsActive(p)) < 0) {
		step_fail(t, err, pool);
		goto out;
	}
	if (delete_data && !active) {
		/* The volumes can only be listed and deleted while it runs. */
		tve_task_log(t, "starting %s to delete its volumes", pool);
		lv_count(h);
		if (virStoragePoolCreate(p, 0) == 0)
			active = 1;
		else
			tve_task_log(t, "cannot start it: %s", virGetLastErrorMessage());
	}
	if (delete_data && active && delete_volumes(h, p, t, err) < 0)
		goto out;
	if (active) {
		tve_task_log(t, "stopping %s", pool);
		lv_count(h);
		if (virStoragePoolDestroy(p) < 0) {
			step_fail(t, err, "cannot stop the storage");
			goto out;
		}
	}
	if (delete_data) {
		tve_task_log(t, "deleting the data of %s", pool);
		lv_count(h);
		if (virStoragePoolDelete(p, 0) < 0) {
			if (virGetLastErrorCode() != VIR_ERR_NO_SUPPORT) {
				step_fail(t, err, "cannot delete the storage's data");
				goto out;
			}
			tve_task_log(t, "this storage type keeps no data of its own to delete");
		}
	}
	tve_task_log(t, "undefining %s", pool);
	lv_count(h);
	if (virStoragePoolUndefine(p) < 0) {
		step_fail(t, err, "cannot undefine the storage");
		goto out;
	}
	rc = 0;
out:
	virStoragePoolFree(p);
	pools_changed(h);
	return rc;
}

int lv_pool_set(void *opaque, const char *pool, bool active, bool autostart, struct tve_task *t,
		char **err)
{
	struct lv_handle *h = opaque;
	virStoragePoolPtr p = pool_get(h, pool, err);
	int is_active, cur_auto = 0, rc = -1;

	if (!p)
		return -1;
	lv_count(h);
	if ((is_active = virStoragePoolIsActive(p)) < 0) {
		step_fail(t, err, pool);
		goto out;
	}
	if (active && !is_active) {
		tve_task_log(t, "starting %s", pool);
		lv_count(h);
		if (virStoragePoolCreate(p, 0) < 0) {
			step_fail(t, err, "cannot start the storage");
			goto out;
		}
	} else if (!active && is_active) {
		tve_task_log(t, "stopping %s", pool);
		lv_count(h);
		if (virStoragePoolDestroy(p) < 0) {
			step_fail(t, err, "cannot stop the storage");
			goto out;
		}
	}
	lv_count(h);
	virStoragePoolGetAutostart(p, &cur_auto);
	if ((cur_auto != 0) != autostart) {
		tve_task_log(t, "%s start at boot", autostart ? "enabling" : "disabling");
		lv_count(h);
		if (virStoragePoolSetAutostart(p, autostart ? 1 : 0) < 0) {
			step_fail(t, err, "cannot change start at boot");
			goto out;
		}
	}
	rc = 0;
out:
	virStoragePoolFree(p);
	pools_changed(h);
	return rc;
}

/* ---- volumes ---- */

int lv_vol_resize(void *opaque, const char *pool, const char *volume, unsigned long long size,
		  const char *uuid, const char *target, char **err)
{
	struct lv_handle *h = opaque;
	virStoragePoolPtr p = pool_get(h, pool, err);
	virStorageVolPtr v = p ? vol_get(h, p, volume, err) : NULL;
	virDomainPtr dom = NULL;
	virStorageVolInfo vi;
	int rc = -1;

	if (!v)
		goto out;
	lv_count(h);
	if (virStorageVolGetInfo(v, &vi) < 0) {
		lv_err(err, volume);
	} else if (size < vi.capacity) {
		char a[32], b[32];

		tve_set_err(err, "%s is %s: it cannot shrink to %s", volume,
			    tve_fmt_bytes(a, sizeof(a), vi.capacity), tve_fmt_bytes(b, sizeof(b), size));
	} else if (uuid) {
		lv_count(h);
		if (!(dom = virDomainLookupByUUIDString(h->conn, uuid)))
			lv_err(err, NULL);
		else if ((rc = virDomainBlockResize(dom, target, size,
						    VIR_DOMAIN_BLOCK_RESIZE_BYTES)) < 0)
			lv_err(err, NULL);
		lv_count(h);
	} else {
		lv_count(h);
		if ((rc = virStorageVolResize(v, size, 0)) < 0)
			lv_err(err, NULL);
	}
out:
	if (dom)
		virDomainFree(dom);
	if (v)
		virStorageVolFree(v);
	if (p)
		virStoragePoolFree(p);
	pools_changed(h);
	return rc;
}

/* The helper thread of a copy: polls the new volume's allocation. */
struct copy_watch {
	struct lv_handle *h;
	struct tve_task *task;
	const char *dst_pool, *name;
	unsigned long long total;	/* bytes libvirt will write (source allocation) */
	uint64_t t0;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	bool cancelled;
};

static void *copy_watch_main(void *opaque)
{
	struct copy_watch *w = opaque;
	bool said = false;

	pthread_mutex_lock(&w->lock);
	while (!w->done) {
		struct timespec ts;
		virStoragePoolPtr p;
		virStorageVolPtr v = NULL;
		virStorageVolInfo vi;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)COPY_POLL_NS;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&w->cond, &w->lock, &ts);
		if (w->done)
			break;
		pthread_mutex_unlock(&w->lock);
		if (tve_task_cancelled(w->task) && !said) {
			tve_task_log(w->task, "cancel requested: libvirt cannot stop a copy; it is "
					      "deleted once libvirt has finished it");
			said = true;
		}
		lv_count(w->h);
		if ((p = virStoragePoolLookupByName(w->h->conn, w->dst_pool))) {
			lv_count(w->h);
			v = virStorageVolLookupByName(p, w->name);
			virStoragePoolFree(p);
		}
		lv_count(w->h);
		if (v && virStorageVolGetInfo(v, &vi) == 0)
			report(w->task, vi.allocation, w->total, w->t0);
		if (v)
			virStorageVolFree(v);
		virResetLastError();
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

/* The <volume> of a copy: same name, capacity and format; thin on file
 * pools (allocation 0), no format on block pools. */
static char *copy_xml(const char *name, unsigned long long capacity, const char *format,
		      const char *dst_type)
{
	struct tve_xb b = { 0 };

	tve_xb_printf(&b, "<volume><name>%s</name><capacity unit='bytes'>%llu</capacity>", name,
		      capacity);
	if (dst_type && (strcmp(dst_type, "dir") == 0 || strcmp(dst_type, "fs") == 0 ||
			 strcmp(dst_type, "netfs") == 0))
		tve_xb_printf(&b, "<allocation unit='bytes'>0</allocation><target><format "
				  "type='%s'/></target></volume>", format ? format : "raw");
	else
		tve_xb_puts(&b, "<target/></volume>");
	return b.s;
}

int lv_vol_copy(void *opaque, const char *pool, const char *volume, const char *dst_pool,
		struct tve_task *t, char **err)
{
	struct lv_handle *h = opaque;
	virStoragePoolPtr p = pool_get(h, pool, err), dp = NULL;
	virStorageVolPtr v = NULL, nv = NULL;
	virStorageVolInfo vi;
	struct copy_watch w = { .h = h, .task = t, .dst_pool = dst_pool, .name = volume };
	char *vxml = NULL, *pxml = NULL, *path = NULL, *format = NULL, *dtype = NULL;
	char *dpath = NULL, *xml = NULL, a[32];
	pthread_t watcher;
	bool watching = false;
	int rc = -1;

	if (!p || !(v = vol_get(h, p, volume, err)) || !(dp = pool_get(h, dst_pool, err)))
		goto out;
	lv_count(h);
	if (virStorageVolGetInfo(v, &vi) < 0 || !(vxml = virStorageVolGetXMLDesc(v, 0)) ||
	    !(pxml = virStoragePoolGetXMLDesc(dp, 0))) {
		lv_err(err, NULL);
		goto out;
	}
	lv_xml_parse_volume(vxml, &path, &format, NULL);
	lv_xml_parse_pool(pxml, &dtype, &dpath, NULL);
	xml = copy_xml(volume, vi.capacity, format, dtype);
	tve_task_log(t, "copying %s/%s (%s, %s, %s used) to %s", pool, volume,
		     format ? format : "raw", tve_fmt_bytes(a, sizeof(a), vi.capacity),
		     tve_fmt_bytes((char[32]){0}, 32, vi.allocation), dst_pool);

	w.total = vi.allocation;
	w.t0 = tve_now_ns();
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	tve_task_set_cancellable(t);
	watching = pthread_create(&watcher, NULL, copy_watch_main, &w) == 0;
	lv_count(h);
	nv = virStorageVolCreateXMLFrom(dp, xml, v, 0);
	if (!nv)
		lv_err(err, NULL);
	if (watching) {
		pthread_mutex_lock(&w.lock);
		w.done = true;
		pthread_cond_signal(&w.cond);
		pthread_mutex_unlock(&w.lock);
		pthread_join(watcher, NULL);
	}
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	if (!nv) {
		tve_task_log(t, "cannot copy: %s", *err);
		goto out;
	}
	if (tve_task_cancelled(t)) {
		tve_task_log(t, "cancelled: deleting the copy %s/%s", dst_pool, volume);
		lv_count(h);
		if (virStorageVolDelete(nv, 0) < 0)
			tve_task_log(t, "cannot delete it: %s", virGetLastErrorMessage());
		tve_set_err(err, "cancelled");
		goto out;
	}
	{
		uint64_t ns = tve_now_ns() - w.t0;
		char line[192];

		progress_line(line, sizeof(line), vi.allocation, vi.allocation, ns);
		tve_task_progress(t, 1.0, line);
		tve_task_log(t, "copied in %.1f s (%s)", (double)ns / 1e9, line);
	}
	rc = 0;
out:
	if (nv)
		virStorageVolFree(nv);
	if (v)
		virStorageVolFree(v);
	if (dp)
		virStoragePoolFree(dp);
	if (p)
		virStoragePoolFree(p);
	free(vxml);
	free(pxml);
	free(path);
	free(format);
	free(dtype);
	free(dpath);
	free(xml);
	pools_changed(h);
	return rc;
}

/* Sends the file through the stream; 0, 1 when cancelled, -1 with *err. */
static int upload_send(virStreamPtr st, int fd, unsigned long long size, struct tve_task *t,
		       char **err)
{
	char *buf = tve_xmalloc(UPLOAD_CHUNK);
	unsigned long long sent = 0;
	uint64_t t0 = tve_now_ns(), last = 0;
	int rc = 0;

	while (sent < size) {
		ssize_t n = read(fd, buf, UPLOAD_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = tve_set_err(err, "reading the file: %s",
					 n < 0 ? strerror(errno) : "it became shorter");
			break;
		}
		for (ssize_t off = 0; off < n;) {
			int w = virStreamSend(st, buf + off, (size_t)(n - off));

			if (w < 0) {
				rc = lv_err(err, "sending");
				goto out;
			}
			off += w;
		}
		sent += (unsigned long long)n;
		if (tve_task_cancelled(t)) {
			rc = 1;
			break;
		}
		if (tve_now_ns() - last >= PROGRESS_EVERY_NS) {
			last = tve_now_ns();
			report(t, sent, size, t0);
		}
	}
	if (rc == 0) {
		char line[192];
		uint64_t ns = tve_now_ns() - t0;

		progress_line(line, sizeof(line), sent, size, ns);
		tve_task_progress(t, 1.0, line);
		tve_task_log(t, "sent in %.1f s (%s)", (double)ns / 1e9, line);
	}
out:
	free(buf);
	return rc;
}

int lv_vol_upload(void *opaque, const char *pool, const char *xml, const char *local_path,
		  struct tve_task *t, char **err)
{
	struct lv_handle *h = opaque;
	virStoragePoolPtr p = NULL;
	virStorageVolPtr v = NULL;
	virStreamPtr st = NULL;
	struct stat sb;
	int fd, rc = -1, sr;

	if ((fd = open(local_path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) < 0) {
		tve_set_err(err, "%s: %s", local_path, strerror(errno));
		tve_task_log(t, "%s", *err);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!(p = pool_get(h, pool, err)))
		goto out;
	lv_count(h);
	if (!(v = virStorageVolCreateXML(p, xml, 0))) {
		step_fail(t, err, "cannot create the volume");
		goto out;
	}
	pools_changed(h);
	tve_task_log(t, "created volume %s/%s; sending %s", pool, virStorageVolGetName(v),
		     local_path);
	tve_task_set_cancellable(t);
	lv_count(h);
	if (!(st = virStreamNew(h->conn, 0)) ||
	    virStorageVolUpload(v, st, 0, (unsigned long long)sb.st_size, 0) < 0) {
		step_fail(t, err, "cannot upload");
		goto undo;
	}
	sr = upload_send(st, fd, (unsigned long long)sb.st_size, t, err);
	if (sr != 0) {
		virStreamAbort(st);
		if (sr > 0)
			tve_set_err(err, "cancelled");
		tve_task_log(t, "%s", *err);
		goto undo;
	}
	lv_count(h);
	if (virStreamFinish(st) < 0) {
		step_fail(t, err, "cannot finish the upload");
		goto undo;
	}
	/* The pool rereads the file: its format (qcow2, iso...) and size. */
	lv_count(h);
	virStoragePoolRefresh(p, 0);
	rc = 0;
	goto out;
undo:
	tve_task_log(t, "deleting the partial volume again");
	lv_count(h);
	if (virStorageVolDelete(v, 0) < 0)
		tve_task_log(t, "cannot delete it: %s", virGetLastErrorMessage());
out:
	if (st)
		virStreamFree(st);
	if (v)
		virStorageVolFree(v);
	if (p)
		virStoragePoolFree(p);
	close(fd);
	pools_changed(h);
	return rc;
}
