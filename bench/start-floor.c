/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * start-floor: the least a "layered root + cgroup with limits" container
 * start can cost on this kernel, for bench/start.sh's floor rows.
 *
 * It makes the system calls such a start cannot do without, in a straight
 * line, and nothing else: no library, no option parsing beyond argv, no
 * checks, no error messages past perror, no signal or fd hygiene, no
 * report channel, no store, no layout discovery (the cgroup parents come on
 * the command line). It is built static, so the dynamic loader costs
 * nothing either. What it does:
 *
 *   parent: mkdir the group in the cpu, memory and pids v1 hierarchies and
 *           in cgroup2; write the three limits; open the three v1 "tasks"
 *           files; a tmpfs (fsopen/fsmount, detached) with the overlay's
 *           upper and work directories and /etc/hosts, /etc/hostname and
 *           /etc/resolv.conf in the upper; the overlay (lower = the image
 *           layer) as a detached mount; clone3 with the mount, pid, net,
 *           uts and ipc namespaces into the cgroup2 group;
 *   child:  join the v1 groups (write "0" to each tasks file); unshare the
 *           cgroup namespace; make / private; attach the overlay on the
 *           image directory and the tmpfs on the old root's /proc (so it
 *           leaves with the old root); mount proc inside; pivot_root;
 *           detach the old root; exec the program;
 *   parent: wait; rmdir the four groups.
 *
 * With -P, the same work overlapped on two CPUs, the most a start could
 * gain that way: only the cgroup2 group is made before the clone (clone3
 * needs it); the clone leaves out the network namespace; the parent pins
 * the child to another CPU, where the child makes its network namespace
 * (unshare) and then takes the whole CPU set back, while the parent makes
 * the v1 groups, the limits and the two mounts and sends the five fds
 * (three "tasks" files, tmpfs, overlay) over a socket (SCM_RIGHTS); the
 * child joins its v1 groups before anything else and goes on as above.
 *
 * Built twice more, dynamic (start-floor-dynamic) and dynamic with libmnl
 * mapped by the loader (start-floor-dynamic-mnl, -DFLOOR_LOAD_LIBMNL): the
 * same floor for a tool that is a dynamic executable, as unshare(1) is and
 * as nsbox-unshare must be while libnsbox uses Debian's libmnl, which is
 * shipped as a shared library only.
 *
 * This is a measuring instrument for the floor, not a container tool: it
 * has no error recovery (a failure midway kills the child, if there is one,
 * and leaves the groups; the script removes them) and runs only on a v1 or
 * hybrid cgroup layout.
 *
 *   start-floor [-P] IMAGE_DIR CPU_PARENT MEMORY_PARENT PIDS_PARENT V2_PARENT PROGRAM [ARG...]
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>
#ifdef FLOOR_LOAD_LIBMNL
#include <libmnl/libmnl.h>

/* Referenced, never called: the loader maps libmnl, as it does for a
 * program linked with libnsbox. */
struct mnl_socket *(*volatile floor_libmnl_ref)(int) = mnl_socket_open;
#endif

#ifndef FSCONFIG_SET_STRING
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif

/* The child, once cloned: a failure in the parent kills it, or it would
 * wait for its fds forever (its groups could then not be removed). */
static pid_t started = -1;

__attribute__((noreturn)) static void die(const char *what)
{
	perror(what);
	if (started > 0) {
		(void)kill(started, SIGKILL);
		(void)waitpid(started, NULL, 0);
	}
	exit(125);
}

/* snprintf that refuses to cut a path short */
__attribute__((format(printf, 2, 3))) static void pathf(char (*buf)[4096], const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(*buf, sizeof(*buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(*buf)) {
		fprintf(stderr, "start-floor: path too long\n");
		exit(125);
	}
}

static int fs_new(const char *type)
{
	int fd = (int)syscall(SYS_fsopen, type, 1 /* FSOPEN_CLOEXEC */);
	if (fd < 0)
		die(type);
	return fd;
}

static void fs_set(int fd, const char *key, const char *val)
{
	if (syscall(SYS_fsconfig, fd, FSCONFIG_SET_STRING, key, val, 0) < 0)
		die(key);
}

static int fs_mount(int fd)
{
	int m;

	if (syscall(SYS_fsconfig, fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		die("fsconfig create");
	m = (int)syscall(SYS_fsmount, fd, FSMOUNT_CLOEXEC, 0);
	if (m < 0)
		die("fsmount");
	close(fd);
	return m;
}

static void write_at(int dfd, const char *name, const char *s, int flags)
{
	int fd = openat(dfd, name, O_WRONLY | O_CLOEXEC | flags, 0644);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		die(name);
	close(fd);
}

/* One byte and the five fds over a unix socket, and back. */
struct fds_msg {
	struct msghdr m;
	struct iovec iov;
	char b;
	union {
		char buf[CMSG_SPACE(5 * sizeof(int))];
		struct cmsghdr align;
	} u;
};

static struct cmsghdr *fds_msg_init(struct fds_msg *x)
{
	memset(x, 0, sizeof(*x));
	x->iov.iov_base = &x->b;
	x->iov.iov_len = 1;
	x->m.msg_iov = &x->iov;
	x->m.msg_iovlen = 1;
	x->m.msg_control = x->u.buf;
	x->m.msg_controllen = sizeof(x->u.buf);
	return CMSG_FIRSTHDR(&x->m);
}

static void send_fds(int sock, const int *fds)
{
	struct fds_msg x;
	struct cmsghdr *cm = fds_msg_init(&x);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(5 * sizeof(int));
	memcpy(CMSG_DATA(cm), fds, 5 * sizeof(int));
	if (sendmsg(sock, &x.m, MSG_NOSIGNAL) != 1)
		die("send fds");
}

static void recv_fds(int sock, int *fds)
{
	struct fds_msg x;
	struct cmsghdr *cm;

	(void)fds_msg_init(&x);
	if (recvmsg(sock, &x.m, MSG_CMSG_CLOEXEC) != 1 || !(cm = CMSG_FIRSTHDR(&x.m)) ||
	    cm->cmsg_len != CMSG_LEN(5 * sizeof(int)))
		die("receive fds");
	memcpy(fds, CMSG_DATA(cm), 5 * sizeof(int));
}

static const char *const limit_file[3] = {"cpu.cfs_quota_us", "memory.limit_in_bytes",
					  "pids.max"};
static const char *const limit_val[3] = {"20000", "67108864", "64"};

/* The v1 groups with their limits; fds of their "tasks" files. */
static void make_v1_groups(char (*group)[4096], int *tasks)
{
	char p[4096];

	for (int i = 0; i < 3; i++) {
		if (mkdir(group[i], 0755) < 0)
			die(group[i]);
		pathf(&p, "%s/%s", group[i], limit_file[i]);
		write_at(AT_FDCWD, p, limit_val[i], 0);
		pathf(&p, "%s/tasks", group[i]);
		tasks[i] = open(p, O_WRONLY | O_CLOEXEC);
		if (tasks[i] < 0)
			die(p);
	}
}

/* The tmpfs with upper, work and the /etc files; the overlay on it. */
static void make_mounts(const char *image, int *tmp_out, int *ovl_out)
{
	char p[4096];
	int tmp = fs_mount(fs_new("tmpfs")), ovl;

	if (mkdirat(tmp, "upper", 0755) < 0 || mkdirat(tmp, "work", 0755) < 0 ||
	    mkdirat(tmp, "upper/etc", 0755) < 0)
		die("mkdir upper");
	write_at(tmp, "upper/etc/hosts", "127.0.0.1\tlocalhost\tnsbox\n", O_CREAT | O_EXCL);
	write_at(tmp, "upper/etc/hostname", "nsbox\n", O_CREAT | O_EXCL);
	write_at(tmp, "upper/etc/resolv.conf", "", O_CREAT | O_EXCL);
	/* upper and work named through /proc/self/fd */
	ovl = fs_new("overlay");
	fs_set(ovl, "lowerdir", image);
	pathf(&p, "/proc/self/fd/%d/upper", tmp);
	fs_set(ovl, "upperdir", p);
	pathf(&p, "/proc/self/fd/%d/work", tmp);
	fs_set(ovl, "workdir", p);
	*ovl_out = fs_mount(ovl);
	*tmp_out = tmp;
}

__attribute__((noreturn)) static void child(const char *image, int *tasks, int tmp, int ovl,
					    char **argv)
{
	int procfs;

	for (int i = 0; i < 3; i++)
		if (write(tasks[i], "0", 1) != 1)
			die("join v1 group");
	if (unshare(CLONE_NEWCGROUP) < 0)
		die("unshare cgroup");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	if (syscall(SYS_move_mount, tmp, "", AT_FDCWD, "/proc", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die("attach tmpfs");
	if (syscall(SYS_move_mount, ovl, "", AT_FDCWD, image, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die("attach overlay");
	if (chdir(image) < 0)
		die("chdir");
	procfs = fs_mount(fs_new("proc"));
	if (syscall(SYS_move_mount, procfs, "", AT_FDCWD, "proc", MOVE_MOUNT_F_EMPTY_PATH) < 0)
		die("mount proc");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("detach old root");
	if (chdir("/") < 0)
		die("chdir /");
	execv(argv[0], argv);
	die("exec");
}

int main(int argc, char **argv)
{
	char group[4][4096];
	int tasks[3], sock[2], tmp = -1, ovl = -1, v2fd, ai = 1, overlap = 0, here, st;
	cpu_set_t all;
	struct clone_args ca;
	const char *image;
	pid_t pid;

	if (argc > 1 && strcmp(argv[1], "-P") == 0) {
		overlap = 1;
		ai = 2;
	}
	if (argc - ai < 6) {
		fprintf(stderr, "usage: start-floor [-P] IMAGE_DIR CPU_PARENT MEMORY_PARENT "
				"PIDS_PARENT V2_PARENT PROGRAM [ARG...]\n");
		return 2;
	}
	image = argv[ai];
	for (int i = 0; i < 4; i++)
		pathf(&group[i], "%s/floor-%d", argv[ai + 1 + i], (int)getpid());
	if (mkdir(group[3], 0755) < 0)
		die(group[3]);
	v2fd = open(group[3], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (v2fd < 0)
		die(group[3]);
	if (!overlap) {
		make_v1_groups(group, tasks);
		make_mounts(image, &tmp, &ovl);
	} else if (sched_getaffinity(0, sizeof(all), &all) < 0 ||
		   socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) < 0) {
		die("affinity, socketpair");
	}
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_INTO_CGROUP |
		   (overlap ? 0 : CLONE_NEWNET);
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (uint64_t)v2fd;
	here = sched_getcpu();
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		die("clone3");
	if (pid > 0)
		started = pid;
	if (pid == 0) {
		if (overlap) {
			int fds[5];
			if (unshare(CLONE_NEWNET) < 0)
				die("unshare net");
			if (sched_setaffinity(0, sizeof(all), &all) < 0)
				die("affinity back");
			recv_fds(sock[1], fds);
			memcpy(tasks, fds, sizeof(tasks));
			tmp = fds[3];
			ovl = fds[4];
		}
		child(image, tasks, tmp, ovl, argv + ai + 5);
	}
	if (overlap) {
		cpu_set_t one;
		int fds[5];

		CPU_ZERO(&one);
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (i != here && CPU_ISSET(i, &all)) {
				CPU_SET(i, &one);
				(void)sched_setaffinity(pid, sizeof(one), &one);
				break;
			}
		make_v1_groups(group, tasks);
		make_mounts(image, &tmp, &ovl);
		memcpy(fds, tasks, sizeof(tasks));
		fds[3] = tmp;
		fds[4] = ovl;
		send_fds(sock[0], fds);
	}
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	started = -1;
	for (int i = 0; i < 4; i++)
		if (rmdir(group[i]) < 0)
			die(group[i]);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
