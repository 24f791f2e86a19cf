/* ssh_tunnel.c - libvirt to an ssh node through the node's own session
 * (see ssh.h): a local unix socket whose connections are forwarded over
 * direct-streamlocal channels to the daemon's socket on the node.
 *
 * One thread per tunnel moves the bytes.  It sleeps in poll() on the
 * listening socket, the accepted connections, the session's socket and a
 * wake-up eventfd, and takes the session's lock for every libssh call:
 * the worker runs commands on the same session (node facts), and libssh
 * allows one thread in a session at a time.  A command may read packets
 * of the tunnel's channels into libssh's buffers; the eventfd tells the
 * thread to look at them when the command is done. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ssh_priv.h"
#include "util.h"

#define MAX_CONNS 8		/* libvirt opens one; a few to spare */
#define BUF_SIZE 65536

struct fwd {
	int fd;			/* the local connection */
	ssh_channel ch;
};

struct tve_ssh_tunnel {
	struct tve_ssh *s;
	char *remote, *dir, *path;
	int listen_fd, wake_fd;
	atomic_bool stop;
	pthread_t thread;
	size_t n;
	struct fwd conns[MAX_CONNS];
	char buf[BUF_SIZE];
};

/* send(), not write(): libvirt may have closed its end, and that must not
 * be a SIGPIPE for the whole program. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Caller holds the session lock. */
static void fwd_close(struct tve_ssh_tunnel *t, size_t i)
{
	struct fwd *f = &t->conns[i];

	if (f->ch) {
		ssh_channel_send_eof(f->ch);
		ssh_channel_close(f->ch);
		ssh_channel_free(f->ch);
	}
	close(f->fd);
	t->conns[i] = t->conns[--t->n];
}

static void accept_one(struct tve_ssh_tunnel *t)
{
	int fd = accept4(t->listen_fd, NULL, NULL, SOCK_CLOEXEC);
	ssh_channel ch;

	if (fd < 0)
		return;
	if (t->n == MAX_CONNS) {
		close(fd);
		return;
	}
	pthread_mutex_lock(&t->s->lock);
	ch = ssh_channel_new(t->s->session);
	if (!ch || ssh_channel_open_forward_unix(ch, t->remote, "127.0.0.1", 0) != SSH_OK) {
		/* The daemon is not there, or forwarding is refused: libvirt
		 * sees the connection end and says so. */
		if (ch)
			ssh_channel_free(ch);
		close(fd);
	} else {
		t->conns[t->n].fd = fd;
		t->conns[t->n].ch = ch;
		t->n++;
	}
	pthread_mutex_unlock(&t->s->lock);
}

/* Local to remote: what libvirt wrote.  Caller holds the lock. */
static void pump_out(struct tve_ssh_tunnel *t, size_t i)
{
	struct fwd *f = &t->conns[i];
	ssize_t n = read(f->fd, t->buf, sizeof(t->buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		fwd_close(t, i);
		return;
	}
	for (ssize_t off = 0; off < n;) {
		int w = ssh_channel_write(f->ch, t->buf + off, (uint32_t)(n - off));

		if (w <= 0) {
			fwd_close(t, i);
			return;
		}
		off += w;
	}
}

/* Remote to local: everything libssh has for the channels (reading the
 * session's socket as it goes).  Caller holds the lock. */
static void pump_in(struct tve_ssh_tunnel *t)
{
	for (size_t i = 0; i < t->n;) {
		struct fwd *f = &t->conns[i];
		int n;

		while ((n = ssh_channel_read_nonblocking(f->ch, t->buf, sizeof(t->buf), 0)) > 0)
			if (write_all(f->fd, t->buf, (size_t)n) < 0)
				break;
		if (n < 0 || (n == 0 && (ssh_channel_is_eof(f->ch) || ssh_channel_is_closed(f->ch)))) {
			fwd_close(t, i);	/* the daemon hung up, or the session is gone */
			continue;
		}
		i++;
	}
}

static void *tunnel_main(void *opaque)
{
	struct tve_ssh_tunnel *t = opaque;
	int sfd = ssh_get_fd(t->s->session);

	while (!atomic_load(&t->stop)) {
		struct pollfd p[3 + MAX_CONNS];
		size_t np = 0, first;
		uint64_t v;

		p[np++] = (struct pollfd){ .fd = t->wake_fd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = t->listen_fd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = t->n ? sfd : -1, .events = POLLIN };
		first = np;
		for (size_t i = 0; i < t->n; i++)
			p[np++] = (struct pollfd){ .fd = t->conns[i].fd, .events = POLLIN };
		if (poll(p, (nfds_t)np, -1) < 0 && errno != EINTR)
			break;
		if (atomic_load(&t->stop))
			break;
		if (p[0].revents && read(t->wake_fd, &v, sizeof(v)) < 0) {
			/* nothing: it is a wake-up */
		}
		if (p[1].revents & POLLIN)
			accept_one(t);
		pthread_mutex_lock(&t->s->lock);
		/* Backwards, so that closing one (moving the last into its
		 * place) skips nothing still unread. */
		for (size_t i = np - first; i-- > 0;)
			if (i < t->n && p[first + i].revents)
				pump_out(t, i);
		pump_in(t);
		pthread_mutex_unlock(&t->s->lock);
	}
	return NULL;
}

static void tunnel_free(struct tve_ssh_tunnel *t)
{
	if (t->path)
		unlink(t->path);
	if (t->dir)
		rmdir(t->dir);
	if (t->listen_fd >= 0)
		close(t->listen_fd);
	if (t->wake_fd >= 0)
		close(t->wake_fd);
	free(t->remote);
	free(t->dir);
	free(t->path);
	free(t);
}

struct tve_ssh_tunnel *tve_ssh_tunnel_start(struct tve_ssh *s, const char *remote_socket,
					    char **local_uri, char **err)
{
	struct tve_ssh_tunnel *t = tve_xcalloc(1, sizeof(*t));
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *tmp = getenv("XDG_RUNTIME_DIR");
	char *tmpl;

	t->s = s;
	t->listen_fd = t->wake_fd = -1;
	t->remote = tve_xstrdup(remote_socket);
	/* A directory only this user can enter: nobody else reaches the
	 * node's daemon through the socket. */
	if (!tmp || !*tmp || access(tmp, W_OK) < 0)
		tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	tmpl = tve_xasprintf("%s/tve-tunnel-XXXXXX", tmp);
	if (!mkdtemp(tmpl)) {
		tve_set_err(err, "cannot make a directory in %s: %s", tmp, strerror(errno));
		free(tmpl);
		tunnel_free(t);
		return NULL;
	}
	t->dir = tmpl;
	t->path = tve_xasprintf("%s/libvirt.sock", t->dir);
	if (strlen(t->path) >= sizeof(sa.sun_path)) {
		tve_set_err(err, "socket path too long: %s", t->path);
		goto fail;
	}
	memcpy(sa.sun_path, t->path, strlen(t->path) + 1);
	t->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	t->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->listen_fd < 0 || t->wake_fd < 0 ||
	    bind(t->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(t->listen_fd, MAX_CONNS) < 0) {
		tve_set_err(err, "cannot listen on %s: %s", t->path, strerror(errno));
		goto fail;
	}
	pthread_mutex_lock(&s->lock);
	s->wake_fd = t->wake_fd;
	pthread_mutex_unlock(&s->lock);
	if (pthread_create(&t->thread, NULL, tunnel_main, t) != 0) {
		tve_set_err(err, "cannot start the tunnel thread");
		pthread_mutex_lock(&s->lock);
		s->wake_fd = -1;
		pthread_mutex_unlock(&s->lock);
		goto fail;
	}
	*local_uri = tve_xasprintf("qemu+unix:///system?socket=%s", t->path);
	return t;
fail:
	tunnel_free(t);
	return NULL;
}

void tve_ssh_tunnel_stop(struct tve_ssh_tunnel *t)
{
	uint64_t one = 1;

	if (!t)
		return;
	atomic_store(&t->stop, true);
	if (write(t->wake_fd, &one, sizeof(one)) < 0) {
		/* full: it is awake */
	}
	pthread_join(t->thread, NULL);
	pthread_mutex_lock(&t->s->lock);
	while (t->n)
		fwd_close(t, t->n - 1);
	t->s->wake_fd = -1;
	pthread_mutex_unlock(&t->s->lock);
	tunnel_free(t);
}
