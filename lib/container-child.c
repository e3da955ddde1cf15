/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container's child, between clone and execve (STYLE.md rule 17).
 *
 * This file is a separate world: the caller may be a multi-threaded Go, Rust
 * or Python runtime, and the child inherits every lock another thread held
 * at the moment of the clone. So here:
 *   - only raw syscalls (syscall(2)) and async-signal-safe calls: no malloc,
 *     no stdio, no glibc wrappers that take locks or broadcast to threads
 *     (setresuid() and setgroups() in glibc signal every thread: use the
 *     raw syscalls), no cleanup attributes;
 *   - everything comes prepared in a struct nsb_plan (container-prepare.c);
 *   - a failure is written as a struct nsb_report on the CLOEXEC report
 *     pipe, then _exit(127). A successful execve closes the pipe.
 *
 * Do not include macro.h here.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container-internal.h"
#include "scm.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef MNT_DETACH
#define MNT_DETACH 2
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The child's copy of the report fd (a static of the child's own memory copy). */
static int child_report_fd = -1;
/* A layered root's mounts, received with "go on" (plan.late_root): the
 * overlay, and the ephemeral layer's tmpfs or -1. */
static int late_root_fd = -1, late_scratch_fd = -1;
static int late_cgroup_fd[CG_MAX_HIER];

static long sys_ret(long r)
{
	return r < 0 ? -errno : r;
}

__attribute__((noreturn)) static void child_fail(int step, int err, int index)
{
	struct nsb_report rep = {
		.kind = NSB_REPORT_ERROR, .step = step, .err = err < 0 ? -err : err, .index = index};
	if (rep.err == 0)
		rep.err = EIO;
	if (child_report_fd >= 0) {
		ssize_t n;
		do
			n = syscall(SYS_write, child_report_fd, &rep, sizeof(rep));
		while (n < 0 && errno == EINTR);
	}
	syscall(SYS_exit_group, 127);
	for (;;)
		;
}

static size_t c_strlen(const char *s)
{
	size_t n = 0;
	while (s[n])
		n++;
	return n;
}

/* openat2(dirfd, path, O_PATH, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) */
static int open_in(int dirfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)sys_ret(syscall(SYS_openat2, dirfd, path[0] ? path : ".", &how, sizeof(how)));
}

/*
 * Open rel (relative to the root fd, resolved inside it); with create, make
 * the missing components, the last one a file when is_file. Every
 * component is created through a parent resolved inside the root, so a
 * symlink can never lead the creation out of it.
 */
static int open_in_root(int rootfd, const char *rel, int create, int is_file)
{
	char buf[PATH_MAX];
	size_t len, i, start = 0;
	int fd = open_in(rootfd, rel);

	if (fd >= 0 || fd != -ENOENT || !create)
		return fd;
	len = c_strlen(rel);
	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	for (i = 0; i <= len; i++)
		buf[i] = rel[i];
	for (i = 0; i <= len; i++) {
		char saved;
		int last;
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		saved = buf[i];
		last = saved == '\0';
		buf[i] = '\0';
		fd = open_in(rootfd, buf);
		if (fd == -ENOENT) {
			int pfd, r;
			const char *name = buf + start;
			if (start > 0) {
				buf[start - 1] = '\0';
				pfd = open_in(rootfd, buf);
				buf[start - 1] = '/';
			} else {
				pfd = open_in(rootfd, "");
			}
			if (pfd < 0)
				return pfd;
			if (last && is_file) {
				r = (int)sys_ret(syscall(SYS_openat, pfd, name,
							 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
								 O_CLOEXEC,
							 0644));
				if (r >= 0)
					syscall(SYS_close, r);
			} else {
				r = (int)sys_ret(syscall(SYS_mkdirat, pfd, name, 0755));
			}
			syscall(SYS_close, pfd);
			if (r < 0 && r != -EEXIST)
				return r;
			fd = open_in(rootfd, buf);
		}
		if (fd < 0)
			return fd;
		if (last)
			return fd;
		syscall(SYS_close, fd);
		buf[i] = saved;
		start = i + 1;
	}
	return -ENOENT;
}

/* Open the parent directory of rel inside the root; *name points into rel. */
static int open_parent_in_root(int rootfd, const char *rel, const char **name)
{
	char buf[PATH_MAX];
	size_t len = c_strlen(rel), i, slash = 0;
	int found = 0;

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	for (i = 0; i <= len; i++) {
		buf[i] = rel[i];
		if (rel[i] == '/') {
			slash = i;
			found = 1;
		}
	}
	if (!found) {
		*name = rel;
		return open_in_root(rootfd, "", 0, 0);
	}
	buf[slash] = '\0';
	*name = rel + slash + 1;
	return open_in_root(rootfd, buf, 1, 0);
}

static int attach(int treefd, int targetfd)
{
	return (int)sys_ret(syscall(SYS_move_mount, treefd, "", targetfd, "",
				    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH));
}

static int set_attr(int treefd, uint64_t attr, int recursive)
{
	struct mount_attr ma = {.attr_set = attr};
	if (!attr)
		return 0;
	return (int)sys_ret(syscall(SYS_mount_setattr, treefd, "",
				    AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &ma, sizeof(ma)));
}

/* A detached clone of the tree at (dfd, path), with attributes, attached on target. */
static int bind_onto(int dfd, const char *path, int empty, int recursive, uint64_t attr,
		     int targetfd)
{
	int tree, r;
	unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC;

	if (recursive)
		flags |= AT_RECURSIVE;
	if (empty)
		flags |= AT_EMPTY_PATH;
	tree = (int)sys_ret(syscall(SYS_open_tree, dfd, path, flags));
	if (tree < 0)
		return tree;
	r = set_attr(tree, attr, recursive);
	if (r >= 0)
		r = attach(tree, targetfd);
	syscall(SYS_close, tree);
	return r;
}

static int new_fs_onto(const struct nsb_op *op, const char *fstype, uint64_t attr, int targetfd)
{
	int fsfd, mfd, r = 0;

	fsfd = (int)sys_ret(syscall(SYS_fsopen, fstype, FSOPEN_CLOEXEC));
	if (fsfd < 0)
		return fsfd;
	for (size_t i = 0; op && i < op->nopts && r >= 0; i++) {
		if (op->opt_val[i])
			r = (int)sys_ret(syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING,
						 op->opt_key[i], op->opt_val[i], 0));
		else
			r = (int)sys_ret(syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG,
						 op->opt_key[i], NULL, 0));
	}
	if (r >= 0)
		r = (int)sys_ret(syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0));
	if (r < 0) {
		syscall(SYS_close, fsfd);
		return r;
	}
	mfd = (int)sys_ret(syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, (unsigned int)attr));
	syscall(SYS_close, fsfd);
	if (mfd < 0)
		return mfd;
	r = attach(mfd, targetfd);
	syscall(SYS_close, mfd);
	return r;
}

static int run_op(int rootfd, const struct nsb_op *op)
{
	int tfd, pfd, r;
	const char *name;
	struct stat st;

	switch (op->kind) {
	case NSB_OP_BIND:
		tfd = open_in_root(rootfd, op->target, 1, op->target_is_file);
		if (tfd < 0)
			return tfd;
		r = bind_onto(AT_FDCWD, op->source, 0, op->recursive, op->attr, tfd);
		syscall(SYS_close, tfd);
		return r;
	case NSB_OP_FS:
		tfd = open_in_root(rootfd, op->target, 1, 0);
		if (tfd < 0)
			return tfd;
		r = new_fs_onto(op, op->source, op->attr, tfd);
		syscall(SYS_close, tfd);
		return r;
	case NSB_OP_DEVBIND:
		tfd = open_in_root(rootfd, op->target, 1, 1);
		if (tfd < 0)
			return tfd;
		r = bind_onto(AT_FDCWD, op->source, 0, 0, 0, tfd);
		syscall(SYS_close, tfd);
		return r;
	case NSB_OP_MKNOD:
	case NSB_OP_SYMLINK:
		pfd = open_parent_in_root(rootfd, op->target, &name);
		if (pfd < 0)
			return pfd;
		if (op->kind == NSB_OP_MKNOD)
			r = (int)sys_ret(syscall(SYS_mknodat, pfd, name, S_IFCHR | op->mode,
						 makedev(op->dev_major, op->dev_minor)));
		else
			r = (int)sys_ret(syscall(SYS_symlinkat, op->source, pfd, name));
		syscall(SYS_close, pfd);
		return r == -EEXIST ? 0 : r;
	case NSB_OP_MASK:
	case NSB_OP_READONLY:
		tfd = open_in_root(rootfd, op->target, 0, 0);
		if (tfd == -ENOENT || tfd == -ENOTDIR)
			return 0;
		if (tfd < 0)
			return tfd;
		if (op->kind == NSB_OP_READONLY) {
			r = bind_onto(tfd, "", 1, 1, MOUNT_ATTR_RDONLY, tfd);
		} else {
			r = (int)sys_ret(syscall(SYS_fstat, tfd, &st));
			if (r >= 0 && S_ISDIR(st.st_mode))
				r = new_fs_onto(op, "tmpfs", MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
								     MOUNT_ATTR_NODEV |
								     MOUNT_ATTR_NOEXEC,
						tfd);
			else if (r >= 0)
				r = bind_onto(AT_FDCWD, "/dev/null", 0, 0, 0, tfd);
		}
		syscall(SYS_close, tfd);
		return r;
	default:
		return -EINVAL;
	}
}

/*
 * The caller blocked every signal around the clone, so no handler copied
 * from the parent (a Go or Python runtime's) can run here. Reset every
 * disposition to the default (an ignored SIGPIPE must not leak into the
 * program either), then unblock everything.
 */
static void reset_signals(void)
{
	struct {
		void *handler;
		unsigned long flags;
		void *restorer;
		uint64_t mask;
	} dfl = {0};
	uint64_t empty = 0;

	for (int sig = 1; sig < 65; sig++)
		(void)syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(uint64_t));
	(void)syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, NULL, sizeof(uint64_t));
}

/*
 * plan.unshare_net: the network namespace, made here rather than by clone
 * (while the parent mounts the root). Returns a step and sets *err, or
 * returns 0.
 */
static int make_netns(const struct nsb_plan *p, int *err)
{
	if (p->unshare_net && syscall(SYS_unshare, p->test_fail_netns ? -1L : CLONE_NEWNET) < 0) {
		*err = errno;
		return NSB_STEP_NETNS;
	}
	return 0;
}

/*
 * The report pipe, made here so that only this process ever holds its write
 * end: the read end goes to the parent over the "go on" socket. Without it
 * there is no way to report, so a failure here is a silent exit (the
 * parent sees the child end through its pidfd). The network namespace is
 * made in between, so that the parent, once it has the pipe, finds the
 * child in it (a veth goes there) or reads why not.
 */
static void make_report_pipe(const struct nsb_plan *p)
{
	struct nsb_scm m;
	int pfd[2], step, err = 0;
	long n;

	if (syscall(SYS_pipe2, pfd, O_CLOEXEC) < 0)
		syscall(SYS_exit_group, 127);
	step = make_netns(p, &err);
	nsb_scm_init(&m, 'r', &pfd[0], 1);
	do
		n = syscall(SYS_sendmsg, p->sync_fd, &m.msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		syscall(SYS_exit_group, 127);
	syscall(SYS_close, pfd[0]);
	child_report_fd = pfd[1];
	if (step)
		child_fail(step, err, -1);
}

static void wait_go_on(const struct nsb_plan *p)
{
	struct nsb_scm m;
	int fds[NSB_SCM_MAX];
	size_t k, ncg;
	ssize_t n;

	if (p->sync_fd < 0)
		return;
	nsb_scm_init(&m, 0, NULL, 0);
	do
		n = syscall(SYS_recvmsg, p->sync_fd, &m.msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		/* The parent gave up (or died): leave without a word. */
		syscall(SYS_exit_group, 127);
	k = nsb_scm_fds(&m, fds, NSB_SCM_MAX);
	/* First the v1 groups' "tasks" (late_cgroup), then the mounts. */
	ncg = p->late_cgroup ? p->ncgroup_fds : 0;
	if (k < ncg)
		child_fail(NSB_STEP_SYNC, EPROTO, -1);
	for (size_t i = 0; i < ncg; i++)
		late_cgroup_fd[i] = fds[i];
	late_root_fd = k > ncg ? fds[ncg] : -1;
	late_scratch_fd = k > ncg + 1 ? fds[ncg + 1] : -1;
	if (p->late_root && late_root_fd < 0)
		child_fail(NSB_STEP_SYNC, EPROTO, -1);
	syscall(SYS_close, p->sync_fd);
}

/*
 * Join the v1 groups, first thing (right after "go on" when they come
 * with it). Writing "0" to "tasks" moves the (single-threaded) caller
 * without the kernel's threadgroup lock, which a pid written to
 * cgroup.procs takes at the cost of an RCU grace period (10+ ms).
 */
static void join_cgroups(const int *fds, size_t n, bool close_them)
{
	for (size_t i = 0; i < n; i++) {
		long w;
		do
			w = syscall(SYS_write, fds[i], "0", 1);
		while (w < 0 && errno == EINTR);
		if (w != 1)
			child_fail(NSB_STEP_CGROUP, w < 0 ? errno : EIO, (int)i);
		if (close_them)
			syscall(SYS_close, fds[i]);
	}
}

static void write_all_or_fail(int fd, const char *s, int step)
{
	size_t len = c_strlen(s), off = 0;
	while (off < len) {
		long n = syscall(SYS_write, fd, s + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			child_fail(step, n < 0 ? errno : EIO, -1);
		off += (size_t)n;
	}
}

static void set_identity(const struct nsb_plan *p)
{
	gid_t g = p->gid;

	if (syscall(SYS_prctl, PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		child_fail(NSB_STEP_UID, errno, -1);
	if (p->setgroups_allowed && syscall(SYS_setgroups, 1, &g) < 0)
		child_fail(NSB_STEP_GROUPS, errno, -1);
	if (syscall(SYS_setresgid, p->gid, p->gid, p->gid) < 0)
		child_fail(NSB_STEP_GID, errno, -1);
	if (syscall(SYS_setresuid, p->uid, p->uid, p->uid) < 0)
		child_fail(NSB_STEP_UID, errno, -1);
	if (syscall(SYS_prctl, PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		child_fail(NSB_STEP_UID, errno, -1);
}

/* The bounding set first: dropping needs CAP_SETPCAP, which a uid change clears. */
static void drop_bounding(const struct nsb_plan *p)
{
	for (int cap = 0; cap <= p->last_cap && cap < 64; cap++) {
		if (p->caps & (UINT64_C(1) << cap))
			continue;
		if (syscall(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			child_fail(NSB_STEP_CAPBSET, errno, cap);
	}
	(void)syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
}

/* Then permitted and effective (raised again from the permitted set kept by KEEPCAPS). */
static void set_caps(const struct nsb_plan *p)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2];

	uint64_t have;

	/* One can only keep what one has: intersect with the permitted set. */
	if (syscall(SYS_capget, &hdr, data) < 0)
		child_fail(NSB_STEP_CAPS, errno, -1);
	have = (uint64_t)data[0].permitted | ((uint64_t)data[1].permitted << 32);
	data[0].effective = data[0].permitted = (uint32_t)(p->caps & have);
	data[1].effective = data[1].permitted = (uint32_t)((p->caps & have) >> 32);
	data[0].inheritable = data[1].inheritable = 0;
	if (syscall(SYS_capset, &hdr, data) < 0)
		child_fail(NSB_STEP_CAPS, errno, -1);
}

/* Move every passed fd into place; the others are close-on-exec. */
static void set_fds(const struct nsb_plan *p)
{
	int tmp[3 + NSB_MAX_EXTRA_FDS];
	int rep;

	rep = (int)syscall(SYS_fcntl, child_report_fd, F_DUPFD_CLOEXEC, p->fd_high);
	if (rep < 0)
		child_fail(NSB_STEP_FDS, errno, -1);
	child_report_fd = rep;
	for (size_t i = 0; i < p->nfds; i++) {
		tmp[i] = -1;
		if (p->fd_src[i] < 0)
			continue;
		tmp[i] = (int)syscall(SYS_fcntl, p->fd_src[i], F_DUPFD_CLOEXEC, p->fd_high);
		if (tmp[i] < 0) {
			/* The caller's own stdio may be closed: then so is the program's. */
			if (errno == EBADF && p->fd_dst[i] <= 2)
				continue;
			child_fail(NSB_STEP_FDS, errno, (int)i);
		}
	}
	/* Every other fd closes at exec (Linux 5.11; the library needs 5.12).
	 * No fallback: marking fds one by one could never know the last one. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		child_fail(NSB_STEP_FDS, errno, -1);
	for (size_t i = 0; i < p->nfds; i++) {
		if (tmp[i] < 0) {
			(void)syscall(SYS_close, p->fd_dst[i]);
			continue;
		}
		if (syscall(SYS_dup2, tmp[i], p->fd_dst[i]) < 0)
			child_fail(NSB_STEP_FDS, errno, (int)i);
	}
}

__attribute__((noreturn)) static void do_exec(const struct nsb_plan *p)
{
	int err = ENOENT, have = 0;

	for (size_t i = 0; p->exec_paths[i]; i++) {
		syscall(SYS_execve, p->exec_paths[i], p->argv, p->envp);
		if (errno == ENOENT || errno == ENOTDIR) {
			if (!have)
				err = errno;
			continue;
		}
		/* EACCES and the like: remember it, like execvp, but keep looking. */
		if (!have) {
			err = errno;
			have = 1;
		}
	}
	child_fail(NSB_STEP_EXEC, err, -1);
}

static void become_root(const struct nsb_plan *p)
{
	if (!p->become_root)
		return;
	if (syscall(SYS_setresgid, 0, 0, 0) < 0)
		child_fail(NSB_STEP_BECOME_ROOT, errno, -1);
	if (syscall(SYS_setresuid, 0, 0, 0) < 0)
		child_fail(NSB_STEP_BECOME_ROOT, errno, -1);
}

void nsb_container_child_main(const struct nsb_plan *p)
{
	int rootfd = -1;
	mode_t old_umask;

	child_report_fd = p->report_fd;
	reset_signals();
	for (int i = 0; i < 2; i++)
		if (p->child_close[i] >= 0)
			syscall(SYS_close, p->child_close[i]);
	if (child_report_fd < 0 && p->sync_fd >= 0) {
		make_report_pipe(p);
	} else {
		int err = 0, step = make_netns(p, &err);
		if (step)
			child_fail(step, err, -1);
	}
	if (!p->late_cgroup)
		join_cgroups(p->cgroup_fd, p->ncgroup_fds, false);
	wait_go_on(p);
	if (p->late_cgroup)
		join_cgroups(late_cgroup_fd, p->ncgroup_fds, true);
	if (p->unshare_cgroup && syscall(SYS_unshare, CLONE_NEWCGROUP) < 0)
		child_fail(NSB_STEP_CGROUPNS, errno, -1);
	old_umask = (mode_t)syscall(SYS_umask, 0);
	/* Before become_root(): once the child changes its uid it is no longer
	 * dumpable, and its /proc files belong to the host's root. */
	if (p->timens_offsets) {
		int fd;
		if (syscall(SYS_unshare, CLONE_NEWTIME) < 0)
			child_fail(NSB_STEP_TIMENS, errno, -1);
		fd = (int)syscall(SYS_openat, AT_FDCWD, "/proc/self/timens_offsets",
				  O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			child_fail(NSB_STEP_TIMENS_OFFSETS, errno, -1);
		write_all_or_fail(fd, p->timens_offsets, NSB_STEP_TIMENS_OFFSETS);
		syscall(SYS_close, fd);
	}

	become_root(p);


	if (p->private_mounts &&
	    syscall(SYS_mount, NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(NSB_STEP_PRIVATE, errno, -1);

	if (p->root) {
		int tree = p->late_root ? late_root_fd : p->root_mount_fd;
		int scratch = p->late_root ? late_scratch_fd : p->scratch_mount_fd;
		if (tree < 0)
			tree = (int)syscall(SYS_open_tree, AT_FDCWD, p->root,
					    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (tree < 0)
			child_fail(NSB_STEP_ROOT, errno, -1);
		/* A layered root's p->root is "/": the overlay is stacked over the
		 * container's own view of /, then pivot_root'ed to (see
		 * container-integrate.c). Its ephemeral tmpfs is first hung on
		 * the old root's /proc (there: the overlay's paths name it), not
		 * stacked on / (the unmount of the old root would then take the
		 * top of that stack, the tmpfs, and leave the old root), so that
		 * the old root's unmount below takes it along. */
		if (scratch >= 0 &&
		    syscall(SYS_move_mount, scratch, "", AT_FDCWD, "/proc",
			    MOVE_MOUNT_F_EMPTY_PATH) < 0)
			child_fail(NSB_STEP_ROOT, errno, -1);
		if (syscall(SYS_move_mount, tree, "", AT_FDCWD, p->root, MOVE_MOUNT_F_EMPTY_PATH) < 0)
			child_fail(NSB_STEP_ROOT, errno, -1);
		rootfd = tree; /* now the attached root mount */
	} else if (p->nops > 0) {
		rootfd = (int)syscall(SYS_openat, AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (rootfd < 0)
			child_fail(NSB_STEP_ROOT, errno, -1);
	}

	for (size_t i = 0; i < p->nops; i++) {
		int r = run_op(rootfd, &p->ops[i]);
		if (r < 0)
			child_fail(NSB_STEP_OP, r, (int)i);
	}

	if (p->root) {
		if (p->root_readonly) {
			int r = set_attr(rootfd, MOUNT_ATTR_RDONLY, 0);
			if (r < 0)
				child_fail(NSB_STEP_ROOT_READONLY, r, -1);
		}
		if (syscall(SYS_fchdir, rootfd) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
		    syscall(SYS_umount2, ".", MNT_DETACH) < 0 || syscall(SYS_chdir, "/") < 0)
			child_fail(NSB_STEP_PIVOT, errno, -1);
		syscall(SYS_close, rootfd);
	}

	if (p->hostname &&
	    syscall(SYS_sethostname, p->hostname, c_strlen(p->hostname)) < 0)
		child_fail(NSB_STEP_HOSTNAME, errno, -1);
	if (p->domainname &&
	    syscall(SYS_setdomainname, p->domainname, c_strlen(p->domainname)) < 0)
		child_fail(NSB_STEP_DOMAINNAME, errno, -1);

	for (size_t i = 0; i < p->nrlimits; i++) {
		struct rlimit rl = {.rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard};
		if (syscall(SYS_prlimit64, 0, p->rlimits[i].resource, &rl, NULL) < 0)
			child_fail(NSB_STEP_RLIMIT, errno, (int)i);
	}

	if (p->set_caps)
		drop_bounding(p);
	if (p->set_user)
		set_identity(p);
	if (p->set_caps)
		set_caps(p);
	if (p->cwd && syscall(SYS_chdir, p->cwd) < 0)
		child_fail(NSB_STEP_CWD, errno, -1);
	if (p->no_new_privs && syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		child_fail(NSB_STEP_NNP, errno, -1);

	set_fds(p);
	syscall(SYS_umask, old_umask);
	do_exec(p);
}

/* The order nsenter(1) joins in when it cannot do it all at once. */
static const struct {
	uint32_t kind;
	int flag;
} join_order[] = {
	{NSBOX_NS_USER, CLONE_NEWUSER}, {NSBOX_NS_CGROUP, CLONE_NEWCGROUP},
	{NSBOX_NS_IPC, CLONE_NEWIPC},   {NSBOX_NS_UTS, CLONE_NEWUTS},
	{NSBOX_NS_NET, CLONE_NEWNET},   {NSBOX_NS_PID, CLONE_NEWPID},
	{NSBOX_NS_TIME, CLONE_NEWTIME}, {NSBOX_NS_MOUNT, CLONE_NEWNS},
};

static int ns_bit_index(uint32_t kind)
{
	for (int i = 0; i < 8; i++)
		if (kind == (UINT32_C(1) << i))
			return i;
	return -1;
}

void nsb_container_enter_child_main(const struct nsb_plan *p)
{
	mode_t old_umask;
	long pid;
	int status;

	child_report_fd = p->report_fd;
	reset_signals();
	for (int i = 0; i < 2; i++)
		if (p->child_close[i] >= 0)
			syscall(SYS_close, p->child_close[i]);
	if (child_report_fd < 0 && p->sync_fd >= 0) {
		make_report_pipe(p);
		syscall(SYS_close, p->sync_fd); /* no "go on" for a helper */
	}
	old_umask = (mode_t)syscall(SYS_umask, 0);
	syscall(SYS_umask, old_umask);

	if (p->enter_flags &&
	    (p->enter_pidfd < 0 || syscall(SYS_setns, p->enter_pidfd, p->enter_flags) < 0)) {
		if (p->enter_pidfd >= 0 && errno != EINVAL)
			child_fail(NSB_STEP_SETNS, errno, -1);
		/* No setns on a pidfd (before 5.8): one by one, user first. */
		for (size_t i = 0; i < sizeof(join_order) / sizeof(join_order[0]); i++) {
			int idx = ns_bit_index(join_order[i].kind);
			if (!(p->enter_flags & join_order[i].flag) || p->enter_nsfd[idx] < 0)
				continue;
			if (syscall(SYS_setns, p->enter_nsfd[idx], join_order[i].flag) < 0)
				child_fail(NSB_STEP_SETNS, errno, idx);
		}
	}
	if (p->enter_root_fd >= 0) {
		if (syscall(SYS_fchdir, p->enter_root_fd) < 0 || syscall(SYS_chroot, ".") < 0)
			child_fail(NSB_STEP_ENTER_ROOT, errno, -1);
		if (!p->cwd && syscall(SYS_fchdir, p->enter_cwd_fd) < 0)
			child_fail(NSB_STEP_CWD, errno, -1);
	}
	if (p->cwd && syscall(SYS_chdir, p->cwd) < 0)
		child_fail(NSB_STEP_CWD, errno, -1);
	if (p->set_user) {
		set_identity(p);
	} else if (p->become_root) {
		/* Like nsenter(1): root of the joined user namespace, no extra groups. */
		(void)syscall(SYS_setgroups, 0, NULL);
		become_root(p);
	}

	/* Joining a pid or time namespace affects children only: fork the program. */
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		child_fail(NSB_STEP_FORK, errno, -1);
	if (pid == 0) {
		set_fds(p);
		do_exec(p);
	}
	for (;;) {
		long r = syscall(SYS_wait4, pid, &status, 0, NULL);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			child_fail(NSB_STEP_FORK, errno, -1);
	}
	{
		struct nsb_report rep = {.kind = NSB_REPORT_STATUS, .step = 0, .err = status,
					 .index = -1};
		ssize_t n;
		do
			n = syscall(SYS_write, child_report_fd, &rep, sizeof(rep));
		while (n < 0 && errno == EINTR);
	}
	syscall(SYS_exit_group, 0);
	for (;;)
		;
}
