/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The netlink module: the handle (one rtnetlink socket bound to one network
 * namespace), the request loop with ACKs and extended ACKs, and the
 * exported functions. Links, addresses and routes are built in
 * netlink-link.c, netlink-addr.c and netlink-route.c.
 *
 * Opening a handle in another namespace: the socket is made by a helper
 * task cloned with CLONE_VM | CLONE_VFORK | CLONE_FILES (the way
 * posix_spawn starts a child). The helper shares the caller's memory and fd
 * table, setns()es itself into the target namespace, creates the socket -
 * which lands straight in the shared fd table, so nothing needs passing
 * over SCM_RIGHTS - and exits; the caller's thread sleeps meanwhile
 * (CLONE_VFORK). A socket keeps the namespace it was created in, so every
 * later request speaks to that namespace. No thread of the caller ever
 * changes namespace, not even for a moment, so nothing (another thread,
 * /proc/self/net, a signal handler) can see a transient state. The helper
 * runs only raw syscalls, on its own mmap'd stack, with every signal
 * blocked, and delivers no SIGCHLD (exit signal 0, reaped with __WALL), so
 * a caller's SIGCHLD handler or waitpid(-1) loop is not disturbed. Cost:
 * about one vfork per handle opened elsewhere; requests pay nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>

#include "error.h"
#include "macro.h"
#include "util.h"
#include "netlink-internal.h"
#include "system.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

static void nl_freep(nsbox_netlink **p)
{
	nsbox_netlink_free(*p);
	*p = NULL;
}

/* ---- opening the socket in a namespace -------------------------------- */

struct ns_helper {
	int nsfd;
	int nstype;
	int fd;  /* out: the socket */
	int err; /* out: errno of the step that failed */
};

/* Runs in the CLONE_VM helper: raw syscalls only, no libc state touched. */
static int ns_helper_main(void *arg)
{
	struct ns_helper *h = arg;
	long r;

	r = syscall(SYS_setns, h->nsfd, h->nstype);
	if (r < 0) {
		h->err = errno;
		return 1;
	}
	r = syscall(SYS_socket, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (r < 0) {
		h->err = errno;
		return 1;
	}
	h->fd = (int)r;
	return 0;
}

static int socket_in_ns(int nsfd, int nstype)
{
	const size_t stack_size = 64 * 1024;
	struct ns_helper h = {.nsfd = nsfd, .nstype = nstype, .fd = -EBADF, .err = 0};
	int saved_errno = errno;
	void *stack;
	pid_t pid;
	int status = 0;

	sigset_t all, old;

	stack = mmap(NULL, stack_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stack == MAP_FAILED)
		return NSB_NEG_ERRNO();
	/*
	 * Like posix_spawn: signals stay blocked while the helper runs, so no
	 * handler of the caller ever runs in the helper (it shares the
	 * caller's memory). The calling thread's mask is restored at once;
	 * pending signals are delivered then, as usual.
	 */
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = clone(ns_helper_main, (char *)stack + stack_size,
		    CLONE_VM | CLONE_VFORK | CLONE_FILES, &h);
	if (pid < 0) {
		int r = NSB_NEG_ERRNO();
		(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
		(void)munmap(stack, stack_size);
		return r;
	}
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	(void)munmap(stack, stack_size);
	errno = saved_errno;
	if (h.fd >= 0)
		return h.fd;
	return h.err > 0 ? -h.err : -EIO;
}

int nsb_nl_check_nsfd(int nsfd, const char *what)
{
	int t;

	if (nsfd < 0)
		return nsb_set_error_msg(-EINVAL, "%s: %d is not a file descriptor", what, nsfd);
	t = ioctl(nsfd, NS_GET_NSTYPE);
	if (t < 0) {
		if (errno == EBADF)
			return nsb_set_error(-EBADF, "%s: namespace fd %d", what, nsfd);
		return nsb_set_error_msg(-EINVAL, "%s: fd %d is not a namespace", what, nsfd);
	}
	if (t != CLONE_NEWNET)
		return nsb_set_error_msg(-EINVAL, "%s: fd %d is not a network namespace", what,
					 nsfd);
	return 0;
}

int nsb_nl_open(nsbox_netlink **out, int nsfd, int nstype)
{
	__attribute__((cleanup(nl_freep))) nsbox_netlink *nl = NULL;
	nsb_autoclose int fd = -EBADF;
	int one = 1, r;

	r = nsb_mnl_load();
	if (r < 0)
		return r;
	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return nsb_oom();
	nl->fd = -1;
	nl->rbuf = malloc(NSB_NL_RECV_SIZE);
	if (!nl->rbuf)
		return nsb_oom();
	nl->owner_pid = getpid();

	if (nsfd < 0) {
		fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
		if (fd < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "open rtnetlink socket");
	} else {
		fd = socket_in_ns(nsfd, nstype);
		if (fd < 0)
			return nsb_set_error(fd, "open rtnetlink socket in network namespace");
	}
	/* Ask for extended ACKs, capped ACKs (no echo of our request) and
	 * strict checking of get requests (filtered dumps). Old kernels
	 * without some of these still work, with plainer messages. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	/* The kernel picks the port id; read it back. */
	if (bind(fd, (const struct sockaddr *)&(struct sockaddr_nl){.nl_family = AF_NETLINK},
		 sizeof(struct sockaddr_nl)) < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "bind rtnetlink socket");
	{
		struct sockaddr_nl me = {0};
		socklen_t len = sizeof(me);

		if (getsockname(fd, (struct sockaddr *)&me, &len) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "bind rtnetlink socket");
		if (len != sizeof(me) || me.nl_family != AF_NETLINK)
			return nsb_set_error_msg(-EINVAL, "bind rtnetlink socket: "
							  "unexpected local address");
		nl->portid = me.nl_pid;
	}
	nl->fd = NSB_STEAL_FD(fd);
	nl->seq = (uint32_t)time(NULL);
	*out = NSB_STEAL_PTR(nl);
	return 0;
}

int nsb_nl_check_owner(const nsbox_netlink *nl)
{
	pid_t me = getpid();

	if (NSB_UNLIKELY(me != nl->owner_pid))
		return nsb_set_error_msg(-ECHILD,
					 "netlink handle made by process %d used in process %d "
					 "(after fork): %s",
					 (int)nl->owner_pid, (int)me, strerror(ECHILD));
	return 0;
}

/* ---- requests ---------------------------------------------------------- */

struct nlmsghdr *nsb_nl_msg(nsbox_netlink *nl, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = nsb_mnl.mnl_nlmsg_put_header(nl->sbuf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++nl->seq;
	return nlh;
}

static int ext_attr_cb(const struct nlattr *attr, void *data)
{
	nsbox_netlink *nl = data;

	if (nsb_mnl.mnl_attr_type_valid(attr, NLMSGERR_ATTR_MAX) < 0)
		return MNL_CB_OK;
	if (nsb_mnl.mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
	    nsb_mnl.mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
		const char *s = nsb_mnl.mnl_attr_get_str(attr);
		size_t n = strnlen(s, sizeof(nl->ext) - 1);
		/* Drop a trailing newline or period the kernel may add. */
		while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
			n--;
		memcpy(nl->ext, s, n);
		nl->ext[n] = '\0';
	}
	return MNL_CB_OK;
}

/* NLMSG_ERROR: the ACK (error 0) or the failure, with extended-ACK attributes. */
static int parse_error(nsbox_netlink *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nsb_mnl.mnl_nlmsg_get_payload(nlh);
	unsigned int off;

	if (nlh->nlmsg_len < nsb_mnl.mnl_nlmsg_size(sizeof(int)))
		return -EBADMSG;
	if (e->error > 0 || e->error < -4095)
		return -EBADMSG;
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
	    nlh->nlmsg_len >= nsb_mnl.mnl_nlmsg_size(sizeof(*e))) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - (unsigned int)sizeof(struct nlmsghdr);
		if (nsb_mnl.mnl_nlmsg_size(off) <= nlh->nlmsg_len)
			(void)nsb_mnl.mnl_attr_parse(nlh, off, ext_attr_cb, nl);
	}
	return e->error;
}

/* NLMSG_DONE: the end of a dump, which carries the dump's error code. */
static int parse_done(nsbox_netlink *nl, const struct nlmsghdr *nlh)
{
	int err = 0;

	if (nsb_mnl.mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		memcpy(&err, nsb_mnl.mnl_nlmsg_get_payload(nlh), sizeof(int));
		if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
		    nsb_mnl.mnl_nlmsg_size(sizeof(int)) <= nlh->nlmsg_len)
			(void)nsb_mnl.mnl_attr_parse(nlh, sizeof(int), ext_attr_cb, nl);
	}
	if (err > 0 || err < -4095)
		return -EBADMSG;
	return err;
}

/* Send one request to the kernel: 0, or a negative errno. */
static int nl_send(nsbox_netlink *nl, const struct nlmsghdr *nlh)
{
	static const struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	ssize_t n;

	do
		n = sendto(nl->fd, nlh, nlh->nlmsg_len, 0, (const struct sockaddr *)&kernel,
			   sizeof(kernel));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return NSB_NEG_ERRNO();
	return n == (ssize_t)nlh->nlmsg_len ? 0 : -EIO;
}

/*
 * Read one datagram into nl->rbuf: its length, 0 for one to ignore (not
 * from the kernel), or a negative errno (-ENOSPC: larger than rbuf, which
 * no reply to this module's requests is).
 */
static ssize_t nl_recv(nsbox_netlink *nl)
{
	struct sockaddr_nl from = {0};
	struct iovec iov = {.iov_base = nl->rbuf, .iov_len = NSB_NL_RECV_SIZE};
	struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			     .msg_iovlen = 1};
	ssize_t n = recvmsg(nl->fd, &msg, 0);

	if (n < 0)
		return NSB_NEG_ERRNO();
	if (msg.msg_flags & MSG_TRUNC)
		return -ENOSPC;
	if (msg.msg_namelen != sizeof(from) || from.nl_family != AF_NETLINK || from.nl_pid != 0)
		return 0;
	return n;
}

int nsb_nl_talk(nsbox_netlink *nl, struct nlmsghdr *nlh, nsb_nl_cb cb, void *data)
{
	uint32_t seq = nlh->nlmsg_seq;
	bool intr = false, done = false;
	int cb_err = 0;

	nl->ext[0] = '\0';
	{
		int sent = nl_send(nl, nlh);
		if (sent < 0)
			return sent;
	}

	for (;;) {
		ssize_t n = nl_recv(nl);
		int len;

		if (n == -EINTR || n == 0)
			continue;
		if (n < 0)
			return (int)n; /* -ENOSPC: a message larger than rbuf */
		len = (int)n;
		for (const struct nlmsghdr *m = (const void *)nl->rbuf; nsb_mnl.mnl_nlmsg_ok(m, len);
		     m = nsb_mnl.mnl_nlmsg_next(m, &len)) {
			int r;

			/* Anything not answering this request is stale: skip it. */
			if (m->nlmsg_seq != seq || m->nlmsg_pid != nl->portid)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = true;
			switch (m->nlmsg_type) {
			case NLMSG_NOOP:
				continue;
			case NLMSG_ERROR:
				/* The ACK (or the failure) ends every request. */
				r = parse_error(nl, m);
				if (r < 0)
					return r;
				return cb_err < 0 ? cb_err : intr ? -EAGAIN : 0;
			case NLMSG_DONE:
				r = parse_done(nl, m);
				if (r < 0)
					return r;
				/* DONE ends the reply: a dump sends no ACK after it. */
				done = true;
				break;
			default:
				if (cb && cb_err >= 0) {
					r = cb(m, data);
					if (r < 0)
						cb_err = r;
				}
				break;
			}
			if (done)
				break;
		}
		if (done)
			return cb_err < 0 ? cb_err : intr ? -EAGAIN : 0;
	}
}

int nsb_nl_fail(const nsbox_netlink *nl, int r, const char *fmt, ...)
{
	char what[NSB_ERROR_MAX];
	char ebuf[128];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (r >= 0)
		r = -EIO;
	if (nl && nl->ext[0])
		return nsb_set_error_msg(r, "%s: %s (kernel: %s)", what,
					 nsb_strerror(-r, ebuf, sizeof(ebuf)), nl->ext);
	return nsb_set_error_msg(r, "%s: %s", what, nsb_strerror(-r, ebuf, sizeof(ebuf)));
}

bool nsb_nl_name_ok(const char *name)
{
	/* A path component of at most IF_NAMESIZE - 1 bytes, and no ':' (the
	 * old alias syntax). */
	return nsb_name_is_valid(name, IF_NAMESIZE - 1) && !strchr(name, ':');
}

int nsb_nl_check_name(const char *name, const char *what)
{
	if (nsb_nl_name_ok(name))
		return 0;
	if (!name)
		return nsb_set_error_msg(-EINVAL, "%s: no interface name given", what);
	if (!*name)
		return nsb_set_error_msg(-EINVAL, "%s: empty interface name", what);
	if (strnlen(name, IF_NAMESIZE) >= IF_NAMESIZE)
		return nsb_set_error_msg(-EINVAL, "%s: interface name \"%.32s%s\" is longer than %d bytes",
					 what, name, strlen(name) > 32 ? "..." : "", IF_NAMESIZE - 1);
	return nsb_set_error_msg(-EINVAL,
				 "%s: invalid interface name \"%.32s\" (no '/', ':', whitespace, "
				 "control characters, \".\" or \"..\")",
				 what, name);
}

/* ---- string lists ------------------------------------------------------ */

int nsb_nl_strs_add(struct nsb_nl_strs *s, const char *str)
{
	char *copy;

	if (s->n + 1 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char **v = realloc(s->v, cap * sizeof(char *));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	copy = strdup(str);
	if (!copy)
		return -ENOMEM;
	s->v[s->n++] = copy;
	s->v[s->n] = NULL;
	return 0;
}

void nsb_nl_strs_clear(struct nsb_nl_strs *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

int nsb_nl_strs_pack(const struct nsb_nl_strs *s, char ***out)
{
	return nsb_strv_pack(s->v, out);
}

/* ---- exported: handles ------------------------------------------------- */

NSB_EXPORT int nsbox_netlink_new(nsbox_netlink **out)
{
	NSB_CHECK_ARG(out);
	return nsb_nl_open(out, -1, 0);
}

NSB_EXPORT int nsbox_netlink_new_nsfd(nsbox_netlink **out, int nsfd)
{
	int r;

	NSB_CHECK_ARG(out);
	NSB_CHECK_ARG(nsfd >= 0);
	r = nsb_nl_check_nsfd(nsfd, "open netlink handle");
	if (r < 0)
		return r;
	return nsb_nl_open(out, nsfd, CLONE_NEWNET);
}

NSB_EXPORT int nsbox_netlink_new_pid(nsbox_netlink **out, pid_t pid)
{
	nsb_autoclose int pidfd = -EBADF;

	NSB_CHECK_ARG(out);
	NSB_CHECK_ARG(pid > 0);
	/* A pidfd pins the process: setns() through it cannot hit a recycled pid. */
	pidfd = nsb_sys_pidfd_open(pid, 0);
	if (pidfd < 0)
		return nsb_set_error(pidfd, "open netlink handle in netns of pid %d", (int)pid);
	return nsb_nl_open(out, pidfd, CLONE_NEWNET);
}

NSB_EXPORT int nsbox_netlink_new_path(nsbox_netlink **out, const char *path)
{
	nsb_autoclose int fd = -EBADF;
	int r;

	NSB_CHECK_ARG(out);
	NSB_CHECK_ARG(path);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "open network namespace %s", path);
	r = nsb_nl_check_nsfd(fd, "open netlink handle");
	if (r < 0)
		return nsb_set_error_msg(r, "open netlink handle: %s is not a network namespace",
					 path);
	return nsb_nl_open(out, fd, CLONE_NEWNET);
}

NSB_EXPORT void nsbox_netlink_free(nsbox_netlink *nl)
{
	if (!nl)
		return;
	if (nl->fd >= 0)
		(void)close(nl->fd);
	free(nl->rbuf);
	free(nl);
}

/* ---- exported: links ---------------------------------------------------- */

#define NL_ENTER(nl)                                                                               \
	do {                                                                                       \
		NSB_CHECK_ARG(nl);                                                                 \
		int _r = nsb_nl_check_owner(nl);                                                   \
		if (_r < 0)                                                                        \
			return _r;                                                                 \
	} while (0)

#define NL_NAME(name, ...)                                                                         \
	do {                                                                                       \
		if (!nsb_nl_name_ok(name)) {                                                       \
			char _what[128];                                                           \
			(void)snprintf(_what, sizeof(_what), __VA_ARGS__);                         \
			return nsb_nl_check_name(name, _what);                                     \
		}                                                                                  \
	} while (0)

static const char *shown(const char *name)
{
	return name ? name : "(null)";
}

#define VETH_FLAGS (NSBOX_NETLINK_VETH_UP | NSBOX_NETLINK_VETH_PEER_UP)

static int add_veth(nsbox_netlink *nl, const char *name, const char *peer, int peer_nsfd,
		    const char *bridge, uint32_t flags)
{
	int r;

	NL_NAME(name, "add veth %.32s", shown(name));
	NL_NAME(peer, "add veth %s peer %.32s", name, shown(peer));
	if (bridge)
		NL_NAME(bridge, "add veth %s peer %s on bridge", name, peer);
	if (flags & ~VETH_FLAGS)
		return nsb_set_error_msg(-EINVAL,
					 "add veth %s peer %s: unknown flags 0x%x (known: "
					 "NSBOX_NETLINK_VETH_UP, NSBOX_NETLINK_VETH_PEER_UP)",
					 name, peer, flags & ~VETH_FLAGS);
	if (peer_nsfd == -1)
		return nsb_nl_link_add_veth(nl, name, peer, NSB_NL_NS_NONE, 0, bridge, flags);
	{
		char what[64];
		(void)snprintf(what, sizeof(what), "add veth %s peer %s", name, peer);
		r = nsb_nl_check_nsfd(peer_nsfd, what);
		if (r < 0)
			return r;
	}
	return nsb_nl_link_add_veth(nl, name, peer, NSB_NL_NS_FD, peer_nsfd, bridge, flags);
}

NSB_EXPORT int nsbox_netlink_add_veth(nsbox_netlink *nl, const char *name, const char *peer,
				      int peer_nsfd)
{
	NL_ENTER(nl);
	return add_veth(nl, name, peer, peer_nsfd, NULL, 0);
}

NSB_EXPORT int nsbox_netlink_add_veth_bridged(nsbox_netlink *nl, const char *name, const char *peer,
					      int peer_nsfd, const char *bridge, uint32_t flags)
{
	NL_ENTER(nl);
	return add_veth(nl, name, peer, peer_nsfd, bridge, flags);
}

NSB_EXPORT int nsbox_netlink_add_veth_pid(nsbox_netlink *nl, const char *name, const char *peer,
					  pid_t peer_pid)
{
	NL_ENTER(nl);
	NSB_CHECK_ARG(peer_pid > 0);
	NL_NAME(name, "add veth %.32s", shown(name));
	NL_NAME(peer, "add veth %s peer %.32s", name, shown(peer));
	return nsb_nl_link_add_veth(nl, name, peer, NSB_NL_NS_PID, (int)peer_pid, NULL, 0);
}

NSB_EXPORT int nsbox_netlink_add_bridge(nsbox_netlink *nl, const char *name)
{
	NL_ENTER(nl);
	NL_NAME(name, "add bridge");
	return nsb_nl_link_add_bridge(nl, name);
}

NSB_EXPORT int nsbox_netlink_set_master(nsbox_netlink *nl, const char *name, const char *master)
{
	NL_ENTER(nl);
	NL_NAME(name, "set master of link");
	NL_NAME(master, "set master of %s", name);
	return nsb_nl_link_set_master(nl, name, master);
}

NSB_EXPORT int nsbox_netlink_set_nomaster(nsbox_netlink *nl, const char *name)
{
	NL_ENTER(nl);
	NL_NAME(name, "detach link from its master");
	return nsb_nl_link_set_master(nl, name, NULL);
}

NSB_EXPORT int nsbox_netlink_set_up(nsbox_netlink *nl, const char *name)
{
	NL_ENTER(nl);
	NL_NAME(name, "set link up");
	return nsb_nl_link_set_updown(nl, name, true);
}

NSB_EXPORT int nsbox_netlink_set_down(nsbox_netlink *nl, const char *name)
{
	NL_ENTER(nl);
	NL_NAME(name, "set link down");
	return nsb_nl_link_set_updown(nl, name, false);
}

NSB_EXPORT int nsbox_netlink_set_loopback_up(nsbox_netlink *nl)
{
	NL_ENTER(nl);
	return nsb_nl_link_set_updown(nl, "lo", true);
}

NSB_EXPORT int nsbox_netlink_set_mtu(nsbox_netlink *nl, const char *name, uint32_t mtu)
{
	NL_ENTER(nl);
	NL_NAME(name, "set mtu");
	NSB_CHECK_ARG(mtu <= INT_MAX);
	return nsb_nl_link_set_mtu(nl, name, mtu);
}

NSB_EXPORT int nsbox_netlink_set_mac(nsbox_netlink *nl, const char *name, const char *mac)
{
	NL_ENTER(nl);
	NL_NAME(name, "set mac address");
	NSB_CHECK_ARG(mac);
	return nsb_nl_link_set_mac(nl, name, mac);
}

NSB_EXPORT int nsbox_netlink_rename(nsbox_netlink *nl, const char *name, const char *newname)
{
	NL_ENTER(nl);
	NL_NAME(name, "rename link");
	NL_NAME(newname, "rename link %s", name);
	return nsb_nl_link_rename(nl, name, newname);
}

NSB_EXPORT int nsbox_netlink_set_netns_nsfd(nsbox_netlink *nl, const char *name, int nsfd)
{
	int r;

	NL_ENTER(nl);
	NL_NAME(name, "move link to netns");
	r = nsb_nl_check_nsfd(nsfd, "move link to netns");
	if (r < 0)
		return r;
	return nsb_nl_link_set_netns(nl, name, NSB_NL_NS_FD, nsfd);
}

NSB_EXPORT int nsbox_netlink_set_netns_pid(nsbox_netlink *nl, const char *name, pid_t pid)
{
	NL_ENTER(nl);
	NL_NAME(name, "move link to netns");
	NSB_CHECK_ARG(pid > 0);
	return nsb_nl_link_set_netns(nl, name, NSB_NL_NS_PID, (int)pid);
}

NSB_EXPORT int nsbox_netlink_del_link(nsbox_netlink *nl, const char *name)
{
	NL_ENTER(nl);
	NL_NAME(name, "delete link");
	return nsb_nl_link_del(nl, name);
}

NSB_EXPORT int nsbox_netlink_link_index(nsbox_netlink *nl, const char *name)
{
	NL_ENTER(nl);
	NL_NAME(name, "find link");
	return nsb_nl_link_index(nl, name);
}

NSB_EXPORT int nsbox_netlink_link_exists(nsbox_netlink *nl, const char *name)
{
	struct nsb_nl_link info;
	int r;

	NL_ENTER(nl);
	NL_NAME(name, "find link");
	r = nsb_nl_link_get(nl, name, &info);
	if (r == -ENODEV)
		return 0;
	if (r < 0)
		return nsb_nl_fail(nl, r, "find link %s", name);
	return 1;
}

NSB_EXPORT int nsbox_netlink_list_links(nsbox_netlink *nl, char ***out, size_t *out_n)
{
	struct nsb_nl_strs names = {0};
	int r;

	NL_ENTER(nl);
	NSB_CHECK_ARG(out);
	r = nsb_nl_link_list(nl, &names);
	if (r >= 0) {
		r = nsb_nl_strs_pack(&names, out);
		if (r < 0)
			r = nsb_oom();
		else if (out_n)
			*out_n = names.n;
	}
	nsb_nl_strs_clear(&names);
	return r < 0 ? r : 0;
}

/* ---- exported: addresses and routes ------------------------------------ */

NSB_EXPORT int nsbox_netlink_add_addr(nsbox_netlink *nl, const char *name, const char *cidr,
				      uint32_t flags)
{
	NL_ENTER(nl);
	NSB_CHECK_ARG(cidr);
	NSB_CHECK_ARG((flags & ~NSBOX_NETLINK_ADDR_NODAD) == 0);
	NL_NAME(name, "add address %.64s", cidr);
	return nsb_nl_addr_add(nl, name, cidr, flags);
}

NSB_EXPORT int nsbox_netlink_del_addr(nsbox_netlink *nl, const char *name, const char *cidr)
{
	NL_ENTER(nl);
	NSB_CHECK_ARG(cidr);
	NL_NAME(name, "delete address %.64s", cidr);
	return nsb_nl_addr_del(nl, name, cidr);
}

NSB_EXPORT int nsbox_netlink_list_addrs(nsbox_netlink *nl, const char *name, char ***out,
					size_t *out_n)
{
	struct nsb_nl_strs addrs = {0};
	int r;

	NL_ENTER(nl);
	NSB_CHECK_ARG(out);
	NL_NAME(name, "list addresses");
	r = nsb_nl_addr_list(nl, name, &addrs);
	if (r >= 0) {
		r = nsb_nl_strs_pack(&addrs, out);
		if (r < 0)
			r = nsb_oom();
		else if (out_n)
			*out_n = addrs.n;
	}
	nsb_nl_strs_clear(&addrs);
	return r < 0 ? r : 0;
}

NSB_EXPORT int nsbox_netlink_add_route(nsbox_netlink *nl, const char *dst, const char *gateway,
				       const char *dev)
{
	NL_ENTER(nl);
	if (dev)
		NL_NAME(dev, "add route %.64s", dst ? dst : "default");
	return nsb_nl_route_change(nl, true, dst, gateway, dev);
}

NSB_EXPORT int nsbox_netlink_del_route(nsbox_netlink *nl, const char *dst, const char *gateway,
				       const char *dev)
{
	NL_ENTER(nl);
	if (dev)
		NL_NAME(dev, "delete route %.64s", dst ? dst : "default");
	return nsb_nl_route_change(nl, false, dst, gateway, dev);
}
