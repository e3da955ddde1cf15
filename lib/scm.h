/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One byte with up to NSB_SCM_MAX file descriptors (SCM_RIGHTS) over a unix
 * socket: the container start's "report pipe" and "go on" messages, sent and
 * received by the parent and by the child between clone and exec. Only
 * memset/memcpy and the CMSG macros here, so the child may use it (it calls
 * sendmsg/recvmsg itself, as raw syscalls).
 */
#ifndef NSB_SCM_H
#define NSB_SCM_H

#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The container's "go on": up to 16 v1 cgroup "tasks" fds (CG_MAX_HIER),
 * the root mount and the scratch tmpfs. */
#define NSB_SCM_MAX 18

struct nsb_scm {
	struct msghdr msg;
	struct iovec iov;
	char byte;
	union {
		char buf[CMSG_SPACE(NSB_SCM_MAX * sizeof(int))];
		struct cmsghdr align;
	} u;
};

/*
 * Set up m to send the byte b with the n fds (n <= NSB_SCM_MAX, 0: none),
 * or, with fds NULL, to receive one byte and up to NSB_SCM_MAX fds.
 */
static inline void nsb_scm_init(struct nsb_scm *m, char b, const int *fds, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->byte = b;
	m->iov.iov_base = &m->byte;
	m->iov.iov_len = 1;
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	if (fds && n == 0)
		return;
	m->msg.msg_control = m->u.buf;
	m->msg.msg_controllen = fds ? CMSG_SPACE(n * sizeof(int)) : sizeof(m->u.buf);
	if (fds) {
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m->msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	}
}

/* After a receive: how many fds came (0 if none), copied into fds[max];
 * any beyond max are closed. */
static inline size_t nsb_scm_fds(struct nsb_scm *m, int *fds, size_t max)
{
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m->msg);
	int all[NSB_SCM_MAX];
	size_t n;

	if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len < CMSG_LEN(sizeof(int)))
		return 0;
	n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	if (n > NSB_SCM_MAX)
		n = NSB_SCM_MAX; /* the buffer holds no more */
	memcpy(all, CMSG_DATA(cm), n * sizeof(int));
	for (size_t i = max; i < n; i++)
		(void)close(all[i]);
	if (n > max)
		n = max;
	memcpy(fds, all, n * sizeof(int));
	return n;
}

#endif
