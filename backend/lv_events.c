/* lv_events.c - the process-wide libvirt event loop thread.
 *
 * libvirt needs an event implementation registered before the first
 * connection is opened, and someone running it: domain events, keepalive
 * and close callbacks are all delivered from here. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "driver.h"
#include "util.h"

static pthread_mutex_t ev_lock = PTHREAD_MUTEX_INITIALIZER;
static bool ev_registered;	/* virEventRegisterDefaultImpl done (once per process) */
static bool ev_running;
static atomic_bool ev_stop;
static pthread_t ev_thread;

/* libvirt prints every error to stderr by default, which would garble the
 * screen; errors are read per thread with virGetLastErrorMessage(). */
static void quiet_error(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static void *ev_main(void *arg)
{
	(void)arg;
	while (!atomic_load(&ev_stop))
		if (virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

int tve_libvirt_events_start(char **err)
{
	int ret = -1;

	pthread_mutex_lock(&ev_lock);
	if (!ev_registered) {
		virSetErrorFunc(NULL, quiet_error);
		xmlInitParser();
		if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0) {
			tve_set_err(err, "cannot start the libvirt event loop: %s",
				    virGetLastErrorMessage());
			goto out;
		}
		ev_registered = true;
	}
	if (!ev_running) {
		atomic_store(&ev_stop, false);
		if (pthread_create(&ev_thread, NULL, ev_main, NULL) != 0) {
			tve_set_err(err, "cannot start the libvirt event thread");
			goto out;
		}
		ev_running = true;
	}
	ret = 0;
out:
	pthread_mutex_unlock(&ev_lock);
	return ret;
}

static void wake_timeout(int timer, void *opaque)
{
	(void)opaque;
	virEventRemoveTimeout(timer);
}

void tve_libvirt_events_stop(void)
{
	pthread_mutex_lock(&ev_lock);
	if (ev_running) {
		atomic_store(&ev_stop, true);
		/* A 0 ms timer wakes the loop out of poll() so it sees the flag. */
		if (virEventAddTimeout(0, wake_timeout, NULL, NULL) < 0)
			tve_fatal("cannot wake the libvirt event loop: %s", virGetLastErrorMessage());
		pthread_join(ev_thread, NULL);
		ev_running = false;
	}
	pthread_mutex_unlock(&ev_lock);
}
