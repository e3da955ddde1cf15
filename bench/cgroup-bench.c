/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/cgroup-bench: time per group to create a cgroup, set a CPU quota,
 * a memory maximum and a pids maximum, attach a sleeping process, and
 * destroy it (killing the process), for N groups at once, with:
 *
 *   nsbox      libnsbox, controllers cpu+memory+pids (the same set as the others)
 *   nsbox-all  libnsbox with its default set (every v1 controller + cgroup2)
 *   direct     a minimal program writing the cgroupfs files itself
 *   tools      libcgroup's cgcreate / cgset / cgclassify / cgdelete
 *
 * Every group is made below the caller's own cgroup in each hierarchy (v1
 * cpu, memory, pids: the layout of the test machines) and removed again.
 * Sleepers are forked before the attach phase, outside the timing.
 *
 *   cgroup-bench MODE N     prints: MODE N create limits attach destroy total (ms per group)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

extern char **environ;

static const char *const ctl[3] = {"cpu", "memory", "pids"};
static char self[3][512];   /* own cgroup per controller, "" for the root */
static char *dirs[3];       /* /sys/fs/cgroup/<ctl><self> */
static int n_groups;
static pid_t *sleepers;
static nsbox_cgroup **cgs;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "cgroup-bench: %s: %s\n", what, nsbox_last_error()[0] ? nsbox_last_error()
									       : strerror(errno));
	exit(1);
}

static void read_self(void)
{
	char line[1024];
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		die("open /proc/self/cgroup");
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2;
		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		*c2++ = '\0';
		c2[strcspn(c2, "\n")] = '\0';
		for (int i = 0; i < 3; i++)
			if (strcmp(c1 + 1, ctl[i]) == 0)
				snprintf(self[i], sizeof(self[i]), "%s", strcmp(c2, "/") ? c2 : "");
	}
	fclose(f);
	for (int i = 0; i < 3; i++)
		if (asprintf(&dirs[i], "/sys/fs/cgroup/%s%s", ctl[i], self[i]) < 0)
			die("asprintf");
}

static void name_of(int i, char *buf, size_t len)
{
	snprintf(buf, len, "nsbox-bench-cg-%d-%d", (int)getpid(), i);
}

/* ---- direct: open, write, close; mkdir and rmdir ---- */

static void put(const char *dir, const char *name, const char *file, const char *val)
{
	char p[1024];
	int fd;

	snprintf(p, sizeof(p), "%s/%s/%s", dir, name, file);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		die(p);
	close(fd);
}

static void direct_create(int i)
{
	char name[64], p[1024];

	name_of(i, name, sizeof(name));
	for (int k = 0; k < 3; k++) {
		snprintf(p, sizeof(p), "%s/%s", dirs[k], name);
		if (mkdir(p, 0755) < 0)
			die(p);
	}
}

static void direct_limits(int i)
{
	char name[64];

	name_of(i, name, sizeof(name));
	put(dirs[0], name, "cpu.cfs_period_us", "100000");
	put(dirs[0], name, "cpu.cfs_quota_us", "20000");
	put(dirs[1], name, "memory.limit_in_bytes", "67108864");
	put(dirs[2], name, "pids.max", "64");
}

static void direct_attach(int i)
{
	char name[64], pid[24];

	name_of(i, name, sizeof(name));
	snprintf(pid, sizeof(pid), "%d", (int)sleepers[i]);
	for (int k = 0; k < 3; k++)
		put(dirs[k], name, "cgroup.procs", pid);
}

static bool reap_late;

static void direct_destroy(int i)
{
	char name[64], p[1024];

	name_of(i, name, sizeof(name));
	if (reap_late) {
		/* As a library must: wait for the exit (pidfd), remove, and let the
		 * parent reap afterwards. */
		int fd = (int)syscall(SYS_pidfd_open, sleepers[i], 0);
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		kill(sleepers[i], SIGKILL);
		poll(&pfd, 1, -1);
		close(fd);
	} else {
		kill(sleepers[i], SIGKILL);
		waitpid(sleepers[i], NULL, 0);
	}
	for (int k = 0; k < 3; k++) {
		snprintf(p, sizeof(p), "%s/%s", dirs[k], name);
		if (rmdir(p) < 0)
			die(p);
	}
	if (reap_late)
		waitpid(sleepers[i], NULL, 0);
}

/* ---- libnsbox ---- */

static bool all_controllers;

static void nsbox_create(int i)
{
	char name[64];

	name_of(i, name, sizeof(name));
	if (nsbox_cgroup_new(&cgs[i], name, 0) < 0)
		die("nsbox_cgroup_new");
	if (!all_controllers &&
	    nsbox_cgroup_set_controllers(cgs[i], NSBOX_CGROUP_CPU | NSBOX_CGROUP_MEMORY |
							 NSBOX_CGROUP_PIDS) < 0)
		die("nsbox_cgroup_set_controllers");
	if (nsbox_cgroup_create(cgs[i]) < 0)
		die("nsbox_cgroup_create");
}

static void nsbox_limits(int i)
{
	if (nsbox_cgroup_set_cpu_max(cgs[i], 20000, 100000) < 0 ||
	    nsbox_cgroup_set_memory_max(cgs[i], 64 << 20) < 0 ||
	    nsbox_cgroup_set_pids_max(cgs[i], 64) < 0)
		die("set limits");
}

static void nsbox_attach(int i)
{
	if (nsbox_cgroup_attach(cgs[i], sleepers[i]) < 0)
		die("nsbox_cgroup_attach");
}

static void nsbox_destroy(int i)
{
	if (nsbox_cgroup_destroy(cgs[i]) < 0)
		die("nsbox_cgroup_destroy");
	waitpid(sleepers[i], NULL, 0);
	nsbox_cgroup_free(cgs[i]);
}

/* ---- libcgroup's tools ---- */

static void run(const char *const argv[])
{
	pid_t pid;
	int st;

	if (posix_spawnp(&pid, argv[0], NULL, NULL, (char *const *)argv, environ) != 0)
		die(argv[0]);
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "cgroup-bench: %s failed\n", argv[0]);
		exit(1);
	}
}

/* g[k] = "<ctl>:<self>/<name>" (with_ctl) or "<self>/<name>". */
static void tool_groups(int i, char g[3][1024], bool with_ctl)
{
	char name[64];

	name_of(i, name, sizeof(name));
	for (int k = 0; k < 3; k++)
		snprintf(g[k], 1024, "%s%s%.512s/%s", with_ctl ? ctl[k] : "", with_ctl ? ":" : "",
			 self[k], name);
}

static void tools_create(int i)
{
	char g[3][1024];

	tool_groups(i, g, true);
	const char *const argv[] = {"cgcreate", "-g", g[0], "-g", g[1], "-g", g[2], NULL};
	run(argv);
}

static void tools_limits(int i)
{
	char g[3][1024];

	tool_groups(i, g, false);
	const char *const a1[] = {"cgset", "-r", "cpu.cfs_period_us=100000",
				  "-r",    "cpu.cfs_quota_us=20000", g[0], NULL};
	const char *const a2[] = {"cgset", "-r", "memory.limit_in_bytes=67108864", g[1], NULL};
	const char *const a3[] = {"cgset", "-r", "pids.max=64", g[2], NULL};
	run(a1);
	run(a2);
	run(a3);
}

static void tools_attach(int i)
{
	char g[3][1024], pid[24];

	tool_groups(i, g, true);
	snprintf(pid, sizeof(pid), "%d", (int)sleepers[i]);
	const char *const argv[] = {"cgclassify", "-g", g[0], "-g", g[1], "-g", g[2], pid, NULL};
	run(argv);
}

static void tools_destroy(int i)
{
	char g[3][1024];

	kill(sleepers[i], SIGKILL);
	waitpid(sleepers[i], NULL, 0);
	tool_groups(i, g, true);
	const char *const argv[] = {"cgdelete", "-g", g[0], "-g", g[1], "-g", g[2], NULL};
	run(argv);
}

struct impl {
	const char *name;
	void (*create)(int), (*limits)(int), (*attach)(int), (*destroy)(int);
};

static const struct impl impls[] = {
	{"nsbox", nsbox_create, nsbox_limits, nsbox_attach, nsbox_destroy},
	{"nsbox-all", nsbox_create, nsbox_limits, nsbox_attach, nsbox_destroy},
	{"direct", direct_create, direct_limits, direct_attach, direct_destroy},
	{"direct-reap-late", direct_create, direct_limits, direct_attach, direct_destroy},
	{"tools", tools_create, tools_limits, tools_attach, tools_destroy},
};

/* One sleeping process per group, for the attach phase. */
static void fork_sleepers(void)
{
	for (int i = 0; i < n_groups; i++) {
		sleepers[i] = fork();
		if (sleepers[i] < 0)
			die("fork");
		if (sleepers[i] == 0) {
			for (;;)
				pause();
		}
	}
}

/*
 * "interleaved": even groups by the direct program, odd groups by libnsbox,
 * alternating call by call, so both see the same machine noise.
 */
static void phase2(void (*fa)(int), void (*fb)(int), double *ta, double *tb)
{
	for (int i = 0; i < n_groups; i++) {
		double t0 = now_ms();
		(i % 2 ? fb : fa)(i);
		*(i % 2 ? tb : ta) += now_ms() - t0;
	}
}

static int interleaved(void)
{
	double a[4] = {0}, b[4] = {0};
	int half = n_groups / 2;

	phase2(direct_create, nsbox_create, &a[0], &b[0]);
	phase2(direct_limits, nsbox_limits, &a[1], &b[1]);
	fork_sleepers();
	phase2(direct_attach, nsbox_attach, &a[2], &b[2]);
	phase2(direct_destroy, nsbox_destroy, &a[3], &b[3]);
	printf("direct-interleaved %d %.4f %.4f %.4f %.4f %.4f\n", n_groups, a[0] / half, a[1] / half,
	       a[2] / half, a[3] / half, (a[0] + a[1] + a[2] + a[3]) / half);
	printf("nsbox-interleaved %d %.4f %.4f %.4f %.4f %.4f\n", n_groups, b[0] / half, b[1] / half,
	       b[2] / half, b[3] / half, (b[0] + b[1] + b[2] + b[3]) / half);
	return 0;
}

static double phase(void (*fn)(int))
{
	double t0 = now_ms();

	for (int i = 0; i < n_groups; i++)
		fn(i);
	return (now_ms() - t0) / n_groups;
}

int main(int argc, char **argv)
{
	const struct impl *im = NULL;
	double c, l, a, d;

	if (argc != 3 || (n_groups = atoi(argv[2])) <= 1) {
		fprintf(stderr, "usage: cgroup-bench nsbox|nsbox-all|direct|direct-reap-late|tools|interleaved N\n");
		return 2;
	}
	for (size_t k = 0; k < sizeof(impls) / sizeof(impls[0]); k++)
		if (strcmp(argv[1], impls[k].name) == 0)
			im = &impls[k];
	if (!im && strcmp(argv[1], "interleaved") != 0) {
		fprintf(stderr, "cgroup-bench: unknown mode %s\n", argv[1]);
		return 2;
	}
	read_self();
	sleepers = calloc((size_t)n_groups, sizeof(pid_t));
	cgs = calloc((size_t)n_groups, sizeof(*cgs));
	if (!sleepers || !cgs)
		die("calloc");
	if (!im)
		return interleaved();
	all_controllers = strcmp(im->name, "nsbox-all") == 0;
	reap_late = strcmp(im->name, "direct-reap-late") == 0;

	c = phase(im->create);
	l = phase(im->limits);
	fork_sleepers();
	a = phase(im->attach);
	d = phase(im->destroy);
	printf("%s %d %.4f %.4f %.4f %.4f %.4f\n", im->name, n_groups, c, l, a, d, c + l + a + d);
	return 0;
}
