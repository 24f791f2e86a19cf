/* drv_libvirt_create.c - what creating a guest asks of libvirt: volumes,
 * define and undefine, autostart.  Runs on task threads. */
#include "drv_libvirt.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* The next POOLS refresh rereads volumes (pool events do not cover them). */
static void pools_changed(struct lv_handle *h)
{
	pthread_mutex_lock(&h->ev->lock);
	h->ev->pools_dirty = true;
	pthread_mutex_unlock(&h->ev->lock);
}

static virStoragePoolPtr pool_lookup(struct lv_handle *h, const char *pool, char **err)
{
	virStoragePoolPtr p;

	lv_count(h);
	if (!(p = virStoragePoolLookupByName(h->conn, pool)))
		lv_err(err, pool);
	return p;
}

int lv_vol_create(void *opaque, const char *pool, const char *xml, char **path, char **err)
{
	struct lv_handle *h = opaque;
	virStoragePoolPtr p = pool_lookup(h, pool, err);
	virStorageVolPtr v;
	int rc = -1;

	if (!p)
		return -1;
	lv_count(h);
	if (!(v = virStorageVolCreateXML(p, xml, 0))) {
		lv_err(err, NULL);
	} else {
		rc = 0;
		if (path) {
			lv_count(h);
			*path = virStorageVolGetPath(v);
			if (!*path)
				rc = lv_err(err, "volume path");
		}
		virStorageVolFree(v);
	}
	virStoragePoolFree(p);
	if (rc == 0)
		pools_changed(h);
	return rc;
}

static virStorageVolPtr vol_lookup(struct lv_handle *h, const char *pool, const char *volume,
				   char **err)
{
	virStoragePoolPtr p = pool_lookup(h, pool, err);
	virStorageVolPtr v = NULL;

	if (!p)
		return NULL;
	lv_count(h);
	if (!(v = virStorageVolLookupByName(p, volume)))
		lv_err(err, NULL);
	virStoragePoolFree(p);
	return v;
}

int lv_vol_delete(void *opaque, const char *pool, const char *volume, char **err)
{
	struct lv_handle *h = opaque;
	virStorageVolPtr v = vol_lookup(h, pool, volume, err);
	int rc;

	if (!v)
		return -1;
	lv_count(h);
	rc = virStorageVolDelete(v, 0);
	if (rc < 0)
		lv_err(err, NULL);
	virStorageVolFree(v);
	pools_changed(h);
	return rc;
}

char *lv_vol_path(void *opaque, const char *pool, const char *volume, char **err)
{
	struct lv_handle *h = opaque;
	virStorageVolPtr v = vol_lookup(h, pool, volume, err);
	char *path;

	if (!v)
		return NULL;
	lv_count(h);
	if (!(path = virStorageVolGetPath(v)))
		lv_err(err, NULL);
	virStorageVolFree(v);
	return path;
}

int lv_pool_refresh(void *opaque, const char *pool, char **err)
{
	struct lv_handle *h = opaque;
	virStoragePoolPtr p = pool_lookup(h, pool, err);
	int rc;

	if (!p)
		return -1;
	lv_count(h);
	if ((rc = virStoragePoolRefresh(p, 0)) < 0)
		lv_err(err, NULL);
	virStoragePoolFree(p);
	pools_changed(h);
	return rc;
}

int lv_domain_define(void *opaque, const char *xml, char uuid[37], char **err)
{
	struct lv_handle *h = opaque;
	virDomainPtr dom;
	int rc = 0;

	lv_count(h);
	if (!(dom = virDomainDefineXML(h->conn, xml)))
		return lv_err(err, NULL);
	if (virDomainGetUUIDString(dom, uuid) < 0)
		rc = lv_err(err, NULL);
	virDomainFree(dom);
	return rc;
}

int lv_domain_undefine(void *opaque, const char *uuid, char **err)
{
	struct lv_handle *h = opaque;
	virDomainPtr dom;
	int rc, st;

	lv_count(h);
	if (!(dom = virDomainLookupByUUIDString(h->conn, uuid)))
		return lv_err(err, NULL);
	/* A guest that was started is stopped first: undefining a running
	 * domain would leave it running as a transient one. */
	if (virDomainGetState(dom, &st, NULL, 0) == 0 && st != VIR_DOMAIN_SHUTOFF) {
		lv_count(h);
		virDomainDestroy(dom);
	}
	lv_count(h);
	rc = virDomainUndefineFlags(dom, VIR_DOMAIN_UNDEFINE_NVRAM | VIR_DOMAIN_UNDEFINE_TPM |
				    VIR_DOMAIN_UNDEFINE_MANAGED_SAVE |
				    VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA);
	if (rc < 0) {
		/* Drivers without NVRAM/TPM (LXC, test) refuse those flags. */
		lv_count(h);
		rc = virDomainUndefine(dom);
	}
	if (rc < 0)
		lv_err(err, NULL);
	virDomainFree(dom);
	return rc;
}

int lv_set_autostart(void *opaque, const char *uuid, bool on, char **err)
{
	struct lv_handle *h = opaque;
	virDomainPtr dom;
	int rc;

	lv_count(h);
	if (!(dom = virDomainLookupByUUIDString(h->conn, uuid)))
		return lv_err(err, NULL);
	lv_count(h);
	if ((rc = virDomainSetAutostart(dom, on ? 1 : 0)) < 0)
		lv_err(err, NULL);
	virDomainFree(dom);
	return rc;
}

bool lv_is_local(void *opaque)
{
	struct lv_handle *h = opaque;

	return h->local && !h->is_test;
}
