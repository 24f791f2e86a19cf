/* ssh_priv.h - what ssh.c and ssh_tunnel.c share. */
#ifndef TVE_SSH_PRIV_H
#define TVE_SSH_PRIV_H

#include <libssh/libssh.h>
#include <pthread.h>

#include "ssh.h"

struct tve_ssh {
	ssh_session session;
	/* libssh allows one thread in a session at a time: every call
	 * holds this (a command for its whole run). */
	pthread_mutex_t lock;
	/* A tunnel's wake-up (eventfd), or -1: after a command the tunnel
	 * reads what libssh buffered for its channels meanwhile. */
	int wake_fd;
};

#endif
