/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsbt.h"

static char tag[64] = "test";

const char *nsbt_tag(void)
{
	return tag;
}

void nsbt_skip(const char *test, const char *reason)
{
	printf("nsbt: SKIP %s: %s\n", test, reason);
	fflush(stdout);
}

int nsbt_system(const char *fmt, ...)
{
	char *cmd;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(r, 0);
	fflush(stdout);
	fflush(stderr);
	r = system(cmd);
	free(cmd);
	if (r < 0)
		return -1;
	if (WIFEXITED(r))
		return WEXITSTATUS(r);
	return 128 + WTERMSIG(r);
}

char *nsbt_read_all(int fd)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;

	ck_assert_ptr_nonnull(buf);
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (cap - len < 2) {
			cap *= 2;
			buf = realloc(buf, cap);
			ck_assert_ptr_nonnull(buf);
		}
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

void nsbt_assert_no_children(void)
{
	errno = 0;
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), -1);
	ck_assert_int_eq(errno, ECHILD);
}

char *nsbt_tmpdir(const char *what)
{
	char *p;

	ck_assert_int_ge(asprintf(&p, "/tmp/nsbt-%s-%s-XXXXXX", tag, what ? what : "tmp"), 0);
	ck_assert_msg(mkdtemp(p) != NULL, "mkdtemp %s: %s", p, strerror(errno));
	return p;
}

static void rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;

	if (lstat(path, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		(void)unlink(path);
		return;
	}
	d = opendir(path);
	if (d) {
		while ((de = readdir(d))) {
			char *c;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if (asprintf(&c, "%s/%s", path, de->d_name) < 0)
				continue;
			rm_rf(c);
			free(c);
		}
		closedir(d);
	}
	(void)rmdir(path);
}

void nsbt_rm_tmpdir(char *path)
{
	if (!path)
		return;
	rm_rf(path);
	free(path);
}

static void write_text(const char *dir, const char *name, const char *text)
{
	char *p;
	FILE *f;

	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, name), 0);
	f = fopen(p, "we");
	ck_assert_msg(f != NULL, "create %s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
	free(p);
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[65536];
	int in, out;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(in >= 0, "open %s: %s (install busybox-static)", from, strerror(errno));
	out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	ck_assert_msg(out >= 0, "create %s: %s", to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert(write(out, buf, (size_t)n) == n);
	close(in);
	close(out);
}

char *nsbt_rootfs_new(void)
{
	static const char *const dirs[] = {"bin", "sbin", "usr", "usr/bin", "usr/sbin", "proc",
					   "sys",  "dev",  "tmp", "root",    "home",     "etc",
					   "var",  "run",  "mnt"};
	char *root = nsbt_tmpdir("rootfs");
	char *p, line[PATH_MAX];
	FILE *f;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		ck_assert_int_ge(asprintf(&p, "%s/%s", root, dirs[i]), 0);
		ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
		free(p);
	}
	ck_assert_int_ge(asprintf(&p, "%s/tmp", root), 0);
	(void)chmod(p, 01777);
	free(p);
	ck_assert_int_ge(asprintf(&p, "%s/bin/busybox", root), 0);
	copy_file("/bin/busybox", p, 0755);
	free(p);
	/* One link per applet, where busybox would install it. */
	f = popen("/bin/busybox --list-full", "re");
	ck_assert_msg(f != NULL, "run busybox --list-full: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || strcmp(line, "bin/busybox") == 0)
			continue;
		ck_assert_int_ge(asprintf(&p, "%s/%s", root, line), 0);
		(void)symlink("/bin/busybox", p);
		free(p);
	}
	ck_assert_int_eq(pclose(f), 0);
	write_text(root, "etc/passwd",
		   "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
	write_text(root, "etc/group", "root:x:0:\nnogroup:x:65534:\n");
	write_text(root, "etc/hostname", "nsbt\n");
	return root;
}

void nsbt_enter_private_ns(int extra_flags)
{
	ck_assert_msg(unshare(CLONE_NEWNS | CLONE_NEWNET | extra_flags) == 0, "unshare: %s",
		      strerror(errno));
	ck_assert_msg(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
		      "make / private: %s", strerror(errno));
}

/* ---- cgroups ---------------------------------------------------------- */

char *nsbt_cgroup_mount(const char *controller)
{
	char line[4096];
	char *res = NULL;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return NULL;
	while (!res && fgets(line, sizeof(line), f)) {
		char mnt[PATH_MAX], fstype[64], super[1024];
		char *sep = strstr(line, " - ");
		if (!sep)
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (sscanf(sep + 3, "%63s %*s %1023s", fstype, super) != 2)
			continue;
		if (!controller) {
			if (strcmp(fstype, "cgroup2") == 0)
				res = strdup(mnt);
			continue;
		}
		if (strcmp(fstype, "cgroup") != 0)
			continue;
		for (char *tok = strtok(super, ","); tok; tok = strtok(NULL, ","))
			if (strcmp(tok, controller) == 0)
				res = strdup(mnt);
	}
	fclose(f);
	return res;
}

char *nsbt_cgroup_self(const char *controller)
{
	char line[4096];
	char *res = NULL;
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		return NULL;
	while (!res && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2;
		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		*c2 = '\0';
		line[strcspn(line, "\n")] = '\0';
		c2[1 + strcspn(c2 + 1, "\n")] = '\0';
		if (!controller) {
			/* "0::/path": the line was cut at the second ':' */
			if (c1 == line + 1 && line[0] == '0' && c1[1] == '\0')
				res = strdup(c2 + 1);
			continue;
		}
		for (char *tok = strtok(c1 + 1, ","); tok; tok = strtok(NULL, ","))
			if (strcmp(tok, controller) == 0)
				res = strdup(c2 + 1);
	}
	fclose(f);
	return res;
}

char *nsbt_cgroup_new(const char *controller)
{
	static int counter;
	char *mnt = nsbt_cgroup_mount(controller);
	char *self = nsbt_cgroup_self(controller);
	char *p;

	ck_assert_msg(mnt && self, "no cgroup hierarchy for %s", controller ? controller : "v2");
	ck_assert_int_ge(asprintf(&p, "%s%s/nsbt-%s-%d-%d", mnt,
				  strcmp(self, "/") == 0 ? "" : self, tag, (int)getpid(), counter++),
			 0);
	ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
	free(mnt);
	free(self);
	return p;
}

static void cgroup_kill_all(const char *path)
{
	for (int round = 0; round < 100; round++) {
		char *procs, line[64];
		bool any = false;
		FILE *f;

		if (asprintf(&procs, "%s/cgroup.procs", path) < 0)
			return;
		f = fopen(procs, "re");
		free(procs);
		if (!f)
			return;
		while (fgets(line, sizeof(line), f)) {
			pid_t pid = (pid_t)atoi(line);
			if (pid > 0 && pid != getpid()) {
				(void)kill(pid, SIGKILL);
				any = true;
			}
		}
		fclose(f);
		if (!any)
			return;
		usleep(10000);
	}
}

static void cgroup_rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d))) {
			char *c;
			if (de->d_type != DT_DIR || !strcmp(de->d_name, ".") ||
			    !strcmp(de->d_name, ".."))
				continue;
			if (asprintf(&c, "%s/%s", path, de->d_name) < 0)
				continue;
			cgroup_rm_tree(c);
			free(c);
		}
		closedir(d);
	}
	cgroup_kill_all(path);
	for (int i = 0; i < 100 && rmdir(path) < 0 && errno == EBUSY; i++)
		usleep(10000);
}

void nsbt_cgroup_remove(char *path)
{
	if (!path)
		return;
	cgroup_rm_tree(path);
	free(path);
}

/* ---- leftover check ---------------------------------------------------- */

struct strset {
	char **v;
	size_t n;
};

static void set_add(struct strset *s, const char *str)
{
	s->v = realloc(s->v, (s->n + 1) * sizeof(char *));
	s->v[s->n++] = strdup(str);
}

static bool set_has(const struct strset *s, const char *str)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], str) == 0)
			return true;
	return false;
}

static void set_free(struct strset *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static bool tagged(const char *s)
{
	char pat[96];

	snprintf(pat, sizeof(pat), "nsbt-%s-", tag);
	return strstr(s, pat) != NULL;
}

static void scan_mounts(struct strset *s)
{
	char line[4096], mnt[PATH_MAX];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && tagged(mnt))
			set_add(s, mnt);
	fclose(f);
}

static void scan_dir(struct strset *s, const char *dir, bool only_tagged, const char *kind)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char buf[PATH_MAX + 64];
		if (de->d_name[0] == '.')
			continue;
		if (only_tagged && !tagged(de->d_name))
			continue;
		snprintf(buf, sizeof(buf), "%s %s/%s", kind, dir, de->d_name);
		set_add(s, buf);
	}
	closedir(d);
}

static void scan_cgroups(struct strset *s)
{
	static const char *const ctrls[] = {"cpu", "cpuacct", "cpuset", "memory", "pids",
					    "freezer", "blkio", NULL};
	for (size_t i = 0; i <= sizeof(ctrls) / sizeof(ctrls[0]) - 1; i++) {
		char *mnt = nsbt_cgroup_mount(ctrls[i]);
		char *self = nsbt_cgroup_self(ctrls[i]);
		char *dir;
		if (mnt && self && asprintf(&dir, "%s%s", mnt, strcmp(self, "/") ? self : "") >= 0) {
			scan_dir(s, dir, true, "cgroup");
			free(dir);
		}
		free(mnt);
		free(self);
	}
}

static void scan_children(struct strset *s)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t me = getpid();

	if (!d)
		return;
	while ((de = readdir(d))) {
		char path[300], buf[1024], *p;
		int fd;
		ssize_t n;
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		p = strrchr(buf, ')');
		if (!p)
			continue;
		char state;
		int ppid;
		if (sscanf(p + 2, "%c %d", &state, &ppid) == 2 && ppid == me && state != 'Z') {
			snprintf(path, sizeof(path), "process %s", de->d_name);
			set_add(s, path);
		}
	}
	closedir(d);
}

static void snapshot(struct strset *s)
{
	scan_mounts(s);
	scan_dir(s, "/tmp", true, "tmp");
	scan_dir(s, "/sys/class/net", false, "link");
	scan_cgroups(s);
}

int nsbt_main(Suite *s, const char *t)
{
	struct strset before = {0}, after = {0};
	SRunner *sr;
	int failed, leftovers = 0;

	snprintf(tag, sizeof(tag), "%s", t);
	/*
	 * Two runs of one suite at once (two build trees) would see each
	 * other's tagged directories as leftovers: take turns, by a lock on
	 * the suite's source file. The lock goes away with the process.
	 */
	const char *srcroot = getenv("NSBT_SOURCE_ROOT");
	if (srcroot) {
		char lockpath[PATH_MAX];
		snprintf(lockpath, sizeof(lockpath), "%s/tests/test-%s.c", srcroot, t);
		int lfd = open(lockpath, O_RDONLY | O_CLOEXEC);
		if (lfd >= 0)
			(void)flock(lfd, LOCK_EX);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Orphans of a test become our children, so the leftover check sees them. */
	(void)prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	snapshot(&before);

	sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);

	/* Reap what exited; whatever still runs is a leak. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	scan_children(&after);
	snapshot(&after);
	for (size_t i = 0; i < after.n; i++) {
		if (set_has(&before, after.v[i]))
			continue;
		printf("nsbt: LEFTOVER after suite %s: %s\n", tag, after.v[i]);
		leftovers++;
		if (strncmp(after.v[i], "process ", 8) == 0)
			(void)kill((pid_t)atoi(after.v[i] + 8), SIGKILL);
	}
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	printf("nsbt: leftover check: %s\n", leftovers ? "FAILED" : "passed");
	set_free(&before);
	set_free(&after);
	return failed || leftovers ? EXIT_FAILURE : EXIT_SUCCESS;
}
