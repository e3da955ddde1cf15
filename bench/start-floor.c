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
 * With -P the network namespace is made by a helper process pinned to
 * another CPU while the parent prepares the cgroup and the mounts, and
 * the child joins it (setns) instead of creating it in clone3: the best
 * that overlapping the two can give on two CPUs.
 *
 * This is a measuring instrument for the floor, not a container tool: it
 * has no error recovery (a failure midway leaves its groups; the script
 * removes them) and runs only on a v1 or hybrid cgroup layout.
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
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

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

static void die(const char *what)
{
	perror(what);
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

int main(int argc, char **argv)
{
	static const char *const limit_file[3] = {"cpu.cfs_quota_us", "memory.limit_in_bytes",
						  "pids.max"};
	static const char *const limit_val[3] = {"20000", "67108864", "64"};
	char group[4][4096], p[4096];
	int tasks[3], helper_pipe[2], netfd = -1, tmp, ovl, v2fd, ai = 1, parallel = 0;
	pid_t helper = -1, pid;
	struct clone_args ca;
	const char *image;

	if (argc > 1 && strcmp(argv[1], "-P") == 0) {
		parallel = 1;
		ai = 2;
	}
	if (argc - ai < 6) {
		fprintf(stderr, "usage: start-floor [-P] IMAGE_DIR CPU_PARENT MEMORY_PARENT "
				"PIDS_PARENT V2_PARENT PROGRAM [ARG...]\n");
		return 2;
	}
	image = argv[ai];
	if (parallel) {
		cpu_set_t set;
		int me = sched_getcpu(), other = -1;

		if (sched_getaffinity(0, sizeof(set), &set) < 0)
			die("sched_getaffinity");
		for (int i = 0; i < CPU_SETSIZE && other < 0; i++)
			if (i != me && CPU_ISSET(i, &set))
				other = i;
		if (pipe2(helper_pipe, O_CLOEXEC) < 0)
			die("pipe");
		helper = fork();
		if (helper == 0) {
			char c;
			if (unshare(CLONE_NEWNET) < 0)
				die("unshare net");
			/* stay until the parent holds the namespace */
			close(helper_pipe[1]);
			(void)read(helper_pipe[0], &c, 1);
			_exit(0);
		}
		if (helper < 0)
			die("fork");
		close(helper_pipe[0]);
		if (other >= 0) {
			CPU_ZERO(&set);
			CPU_SET(other, &set);
			(void)sched_setaffinity(helper, sizeof(set), &set);
		}
	}
	/* The cgroup: one group per hierarchy, the three limits, the tasks files. */
	for (int i = 0; i < 4; i++) {
		pathf(&group[i], "%s/floor-%d", argv[ai + 1 + i], (int)getpid());
		if (mkdir(group[i], 0755) < 0)
			die(group[i]);
	}
	for (int i = 0; i < 3; i++) {
		pathf(&p, "%s/%s", group[i], limit_file[i]);
		write_at(AT_FDCWD, p, limit_val[i], 0);
		pathf(&p, "%s/tasks", group[i]);
		tasks[i] = open(p, O_WRONLY | O_CLOEXEC);
		if (tasks[i] < 0)
			die(p);
	}
	v2fd = open(group[3], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (v2fd < 0)
		die(group[3]);
	/* The writable layer and the /etc files on a private tmpfs. */
	tmp = fs_new("tmpfs");
	tmp = fs_mount(tmp);
	if (mkdirat(tmp, "upper", 0755) < 0 || mkdirat(tmp, "work", 0755) < 0 ||
	    mkdirat(tmp, "upper/etc", 0755) < 0)
		die("mkdir upper");
	write_at(tmp, "upper/etc/hosts", "127.0.0.1\tlocalhost\tnsbox\n", O_CREAT | O_EXCL);
	write_at(tmp, "upper/etc/hostname", "nsbox\n", O_CREAT | O_EXCL);
	write_at(tmp, "upper/etc/resolv.conf", "", O_CREAT | O_EXCL);
	/* The overlay, detached; its upper and work dirs named through /proc/self/fd. */
	ovl = fs_new("overlay");
	fs_set(ovl, "lowerdir", image);
	pathf(&p, "/proc/self/fd/%d/upper", tmp);
	fs_set(ovl, "upperdir", p);
	pathf(&p, "/proc/self/fd/%d/work", tmp);
	fs_set(ovl, "workdir", p);
	ovl = fs_mount(ovl);
	if (parallel) {
		char c = 0;
		pathf(&p, "/proc/%d/ns/net", (int)helper);
		/* the helper has unshared once it is blocked in read: wait for
		 * that by opening its namespace until it is not the caller's */
		for (;;) {
			struct stat a, b;
			netfd = open(p, O_RDONLY | O_CLOEXEC);
			if (netfd < 0)
				die(p);
			if (fstat(netfd, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 &&
			    a.st_ino != b.st_ino)
				break;
			close(netfd);
			sched_yield();
		}
		(void)write(helper_pipe[1], &c, 1);
		close(helper_pipe[1]);
		(void)waitpid(helper, NULL, 0);
	}
	memset(&ca, 0, sizeof(ca));
	ca.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_INTO_CGROUP |
		   (parallel ? 0 : CLONE_NEWNET);
	ca.exit_signal = SIGCHLD;
	ca.cgroup = (uint64_t)v2fd;
	pid = (pid_t)syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid < 0)
		die("clone3");
	if (pid == 0) {
		int procfs;

		for (int i = 0; i < 3; i++)
			if (write(tasks[i], "0", 1) != 1)
				die("join v1 group");
		if (netfd >= 0 && setns(netfd, CLONE_NEWNET) < 0)
			die("setns net");
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
		execv(argv[ai + 5], argv + ai + 5);
		die("exec");
	}
	{
		int st;
		if (waitpid(pid, &st, 0) < 0)
			die("waitpid");
		for (int i = 0; i < 4; i++)
			if (rmdir(group[i]) < 0)
				die(group[i]);
		return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
}
