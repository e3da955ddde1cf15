/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Check suite for the cgroup module (include/nsbox/cgroup.h).
 *
 * On the real kernel (hybrid here): the v1 limits act (CPU quota, memory
 * OOM, pids, freezer, kill), and the v2 hierarchy does membership, freeze,
 * kill, destroy and CLONE_INTO_CGROUP for real. The v2 limit writer runs
 * against a directory tree laid out like a v2 hierarchy (set_root). Every
 * group is made below the test's own cgroup and named nsbt-cgroup-*.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

#include "helpers/nsbt.h"

#define ALL_V1 (NSBOX_CGROUP_ALL & ~NSBOX_CGROUP_UNIFIED)

static char *cgname(const char *what)
{
	static int n;
	char *s;

	ck_assert_int_ge(asprintf(&s, "nsbt-cgroup-%d-%d-%s", (int)getpid(), n++, what), 0);
	return s;
}

static bool have_layout(int want)
{
	int layout = 0;

	return nsbox_cgroup_layout(NULL, &layout, NULL) == 0 && layout == want;
}

#define REQUIRE_HYBRID()                                                                           \
	do {                                                                                       \
		NSBT_REQUIRE_ROOT();                                                               \
		if (!have_layout(NSBOX_CGROUP_LAYOUT_HYBRID)) {                                    \
			nsbt_skip(__func__, "needs the hybrid cgroup layout of the test machines"); \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* A handle for a new group below our own cgroups, created. */
static nsbox_cgroup *make_cg(const char *what, uint32_t controllers)
{
	nsbox_cgroup *cg = NULL;
	char *name = cgname(what);
	int r;

	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	if (controllers)
		ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, controllers), 0);
	r = nsbox_cgroup_create(cg);
	ck_assert_msg(r == 0, "create %s: %s", name, nsbox_last_error());
	free(name);
	return cg;
}

static void destroy_cg(nsbox_cgroup *cg)
{
	int r = nsbox_cgroup_destroy(cg);
	ck_assert_msg(r == 0, "destroy: %s", nsbox_last_error());
	nsbox_cgroup_free(cg);
}

static void reap(pid_t pid)
{
	(void)waitpid(pid, NULL, 0);
}

static pid_t spawn_busy(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		volatile unsigned long x = 0;
		for (;;)
			x++;
	}
	return pid;
}

static pid_t spawn_sleeper(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	return pid;
}

static uint64_t usage_us(nsbox_cgroup *cg)
{
	uint64_t v = 0;
	int r = nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_USAGE_US, &v);
	ck_assert_msg(r == 0, "usage: %s", nsbox_last_error());
	return v;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU use of the group over about one second, in fractions of a CPU. */
static double measure_cpu(nsbox_cgroup *cg)
{
	uint64_t u0 = usage_us(cg), u1;
	double t0 = now_s(), t1;

	usleep(1000000);
	u1 = usage_us(cg);
	t1 = now_s();
	return (double)(u1 - u0) / 1e6 / (t1 - t0);
}

static bool path_exists(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0;
}

/* ---- layout ----------------------------------------------------------- */

START_TEST(layout_detected)
{
	int layout = 0;
	uint32_t ctls = 0;
	char *p = NULL, *m;

	NSBT_REQUIRE_ROOT();
	ck_assert_int_eq(nsbox_cgroup_layout(NULL, &layout, &ctls), 0);
	ck_assert_int_eq(nsbox_cgroup_layout(NULL, NULL, NULL), 0);
	m = nsbt_cgroup_mount("memory");
	p = nsbt_cgroup_mount(NULL);
	if (m && p)
		ck_assert_int_eq(layout, NSBOX_CGROUP_LAYOUT_HYBRID);
	free(p);
	p = NULL;
	if (m) {
		ck_assert(ctls & NSBOX_CGROUP_MEMORY);
		ck_assert_int_eq(nsbox_cgroup_controller_mount(NULL, NSBOX_CGROUP_MEMORY, &p), 1);
		ck_assert_str_eq(p, m);
		nsbox_free(p);
	}
	free(m);
	m = nsbt_cgroup_mount(NULL);
	if (m) {
		ck_assert_int_eq(nsbox_cgroup_controller_mount(NULL, NSBOX_CGROUP_UNIFIED, &p), 2);
		ck_assert_str_eq(p, m);
		nsbox_free(p);
	}
	free(m);
	/* Bad input. */
	ck_assert_int_eq(nsbox_cgroup_controller_mount(NULL, 0, &p), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_controller_mount(NULL, NSBOX_CGROUP_CPU | NSBOX_CGROUP_PIDS, &p),
			 -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_controller_mount(NULL, NSBOX_CGROUP_CPU, NULL), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_layout("relative/root", NULL, NULL), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_layout("/nonexistent-nsbt-root", NULL, NULL), -ENOENT);
}
END_TEST

static const uint32_t layout_bits[] = {NSBOX_CGROUP_CPU,    NSBOX_CGROUP_CPUACCT,
					NSBOX_CGROUP_CPUSET, NSBOX_CGROUP_MEMORY,
					NSBOX_CGROUP_PIDS,   NSBOX_CGROUP_FREEZER,
					NSBOX_CGROUP_IO,     NSBOX_CGROUP_UNIFIED};

/* How many of the caller's fds are open on a mountinfo file (the cache's). */
static int mountinfo_fds(void)
{
	int count = 0;

	for (int fd = 0; fd < 1024; fd++) {
		char link[64], target[256];
		ssize_t n;
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strstr(target, "/mountinfo"))
			count++;
	}
	return count;
}

#define LOOK_PIDS_HANDLE 0x80000000u

/* One look (bit 0: the layout; LOOK_PIDS_HANDLE: what a handle wanting
 * only pids finds when it creates its group; else that controller's
 * mount) as text. */
static void look(uint32_t bit, char *out, size_t size)
{
	char *m = NULL;
	int layout = 0, r;
	uint32_t ctls = 0;

	if (bit == LOOK_PIDS_HANDLE) {
		nsbox_cgroup *cg = NULL;
		char name[64];
		snprintf(name, sizeof(name), "nsbt-cgroup-look-%d", (int)getpid());
		r = nsbox_cgroup_new(&cg, name, 0);
		if (r == 0)
			r = nsbox_cgroup_set_controllers(cg, NSBOX_CGROUP_PIDS);
		if (r == 0)
			r = nsbox_cgroup_create(cg);
		if (r == 0)
			r = nsbox_cgroup_get_layout(cg, &layout);
		if (r == 0)
			r = nsbox_cgroup_get_controllers(cg, &ctls);
		if (r == 0)
			r = nsbox_cgroup_get_path(cg, NSBOX_CGROUP_PIDS, &m);
		snprintf(out, size, "handle %d: layout %d controllers 0x%x pids %s", r, layout,
			 (unsigned)ctls, m && strstr(m, name) ? "ok" : "-");
		nsbox_free(m);
		if (cg && nsbox_cgroup_destroy(cg) < 0)
			snprintf(out, size, "destroy: %s", nsbox_last_error());
		nsbox_cgroup_free(cg);
		return;
	}
	if (!bit) {
		r = nsbox_cgroup_layout(NULL, &layout, &ctls);
		snprintf(out, size, "%d: layout %d controllers 0x%x", r, layout, (unsigned)ctls);
		return;
	}
	r = nsbox_cgroup_controller_mount(NULL, bit, &m);
	snprintf(out, size, "0x%x: %d %s", (unsigned)bit, r, m ? m : "-");
	nsbox_free(m);
}

/* The same look as a new process's first (the fast way); "!" appended if
 * it read the mount table. */
static void first_look(uint32_t bit, char *out, size_t size)
{
	int p[2], st;
	pid_t pid;
	char *s;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char buf[512];
		int before = mountinfo_fds();
		look(bit, buf, sizeof(buf) - 1);
		if (mountinfo_fds() != before)
			strcat(buf, "!");
		_exit(write(p[1], buf, strlen(buf)) == (ssize_t)strlen(buf) ? 0 : 1);
	}
	close(p[1]);
	s = nsbt_read_all(p[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_int_eq(st, 0);
	snprintf(out, size, "%s", s);
	free(s);
}

/*
 * A process's first look at the layout takes the fast way (statmount(2) on
 * where /proc/self/cgroup's hierarchies are usually mounted); later looks
 * parse the mount table (and keep it). Both see the same, and a hierarchy
 * moved elsewhere is found by the parse.
 */
START_TEST(layout_fast_way_matches_mount_table)
{
	char *v2 = nsbt_cgroup_mount(NULL), *mem = nsbt_cgroup_mount("memory"), *dir;
	char fast[512], parsed[512];
	bool conventional;

	NSBT_REQUIRE_ROOT();
	/* The fast way needs statmount (Linux 6.8) and the usual mount points. */
	errno = 0;
	conventional = v2 && mem && syscall(457, NULL, NULL, 0, 0) < 0 && errno != ENOSYS &&
		       (strcmp(v2, "/sys/fs/cgroup") == 0 || strcmp(v2, "/sys/fs/cgroup/unified") == 0) &&
		       strcmp(mem, "/sys/fs/cgroup/memory") == 0;
	look(0, parsed, sizeof(parsed)); /* this process: its first look, whichever way */
	for (size_t i = 0; i <= sizeof(layout_bits) / sizeof(layout_bits[0]); i++) {
		uint32_t bit = i ? layout_bits[i - 1] : 0;
		look(bit, parsed, sizeof(parsed));
		first_look(bit, fast, sizeof(fast));
		if (!conventional && fast[0] && fast[strlen(fast) - 1] == '!')
			fast[strlen(fast) - 1] = '\0';
		ck_assert_str_eq(fast, parsed);
	}
	/* A handle's first look takes only the hierarchies it wants (and the
	 * cgroup2 one): same layout, same group. */
	look(LOOK_PIDS_HANDLE, parsed, sizeof(parsed));
	first_look(LOOK_PIDS_HANDLE, fast, sizeof(fast));
	if (!conventional && fast[0] && fast[strlen(fast) - 1] == '!')
		fast[strlen(fast) - 1] = '\0';
	ck_assert_str_eq(fast, parsed);
	ck_assert_msg(strstr(parsed, "pids ok") != NULL, "%s", parsed);
	if (!mem) {
		free(v2);
		return;
	}
	/* The memory hierarchy elsewhere: the fast look misses it, the parse
	 * finds it. */
	nsbt_enter_private_ns(0);
	dir = nsbt_tmpdir("moved-memory");
	ck_assert_int_eq(mount(mem, dir, NULL, MS_MOVE, NULL), 0);
	first_look(NSBOX_CGROUP_MEMORY, fast, sizeof(fast));
	snprintf(parsed, sizeof(parsed), "0x%x: 1 %s!", (unsigned)NSBOX_CGROUP_MEMORY, dir);
	ck_assert_str_eq(fast, parsed);
	ck_assert_int_eq(umount2(dir, MNT_DETACH), 0);
	nsbt_rm_tmpdir(dir);
	free(v2);
	free(mem);
}
END_TEST

/* The layout follows the mount table: a hierarchy unmounted or mounted
 * after a first look is seen (in a private mount namespace). */
START_TEST(layout_follows_mounts)
{
	int layout = 0;
	char *v2 = NULL, *mem = NULL, *p = NULL;

	NSBT_REQUIRE_ROOT();
	v2 = nsbt_cgroup_mount(NULL);
	mem = nsbt_cgroup_mount("memory");
	free(mem);
	if (!v2 || !mem) {
		nsbt_skip(__func__, "needs the hybrid layout");
		free(v2);
		return;
	}
	nsbt_enter_private_ns(0);
	ck_assert_int_eq(nsbox_cgroup_layout(NULL, &layout, NULL), 0);
	ck_assert_int_eq(layout, NSBOX_CGROUP_LAYOUT_HYBRID);
	ck_assert_int_eq(umount2(v2, MNT_DETACH), 0);
	ck_assert_int_eq(nsbox_cgroup_layout(NULL, &layout, NULL), 0);
	ck_assert_int_eq(layout, NSBOX_CGROUP_LAYOUT_V1);
	ck_assert_int_eq(nsbox_cgroup_controller_mount(NULL, NSBOX_CGROUP_UNIFIED, &p), -ENOENT);
	ck_assert_int_eq(mount("cgroup2", v2, "cgroup2", 0, NULL), 0);
	ck_assert_int_eq(nsbox_cgroup_layout(NULL, &layout, NULL), 0);
	ck_assert_int_eq(layout, NSBOX_CGROUP_LAYOUT_HYBRID);
	ck_assert_int_eq(nsbox_cgroup_controller_mount(NULL, NSBOX_CGROUP_UNIFIED, &p), 2);
	ck_assert_str_eq(p, v2);
	nsbox_free(p);
	free(v2);
}
END_TEST

START_TEST(layout_of_fake_trees)
{
	char *t = nsbt_tmpdir("layout");
	int layout = 0;
	uint32_t ctls = 0;
	char *p = NULL;

	/* Empty: nothing mounted there. */
	ck_assert_int_eq(nsbox_cgroup_layout(t, &layout, &ctls), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "no cgroup hierarchy"));
	/* v1 hierarchies named after their controllers, plus a v2 one: hybrid. */
	ck_assert_int_eq(nsbt_system("mkdir -p %s/cpu,cpuacct %s/memory %s/unified && "
				     "touch %s/cpu,cpuacct/cgroup.procs %s/memory/cgroup.procs "
				     "%s/unified/cgroup.procs && echo 'pids' > "
				     "%s/unified/cgroup.controllers",
				     t, t, t, t, t, t, t),
			 0);
	ck_assert_int_eq(nsbox_cgroup_layout(t, &layout, &ctls), 0);
	ck_assert_int_eq(layout, NSBOX_CGROUP_LAYOUT_HYBRID);
	ck_assert(ctls & NSBOX_CGROUP_CPU);
	ck_assert(ctls & NSBOX_CGROUP_CPUACCT);
	ck_assert(ctls & NSBOX_CGROUP_MEMORY);
	ck_assert(ctls & NSBOX_CGROUP_PIDS);
	ck_assert(ctls & NSBOX_CGROUP_UNIFIED);
	ck_assert_int_eq(nsbox_cgroup_controller_mount(t, NSBOX_CGROUP_CPUACCT, &p), 1);
	ck_assert_ptr_nonnull(strstr(p, "/cpu,cpuacct"));
	nsbox_free(p);
	ck_assert_int_eq(nsbox_cgroup_controller_mount(t, NSBOX_CGROUP_PIDS, &p), 2);
	nsbox_free(p);
	ck_assert_int_eq(nsbox_cgroup_controller_mount(t, NSBOX_CGROUP_CPUSET, &p), -ENOENT);
	/* Pure v1 once the v2 tree goes. */
	ck_assert_int_eq(nsbt_system("rm -rf %s/unified", t), 0);
	ck_assert_int_eq(nsbox_cgroup_layout(t, &layout, NULL), 0);
	ck_assert_int_eq(layout, NSBOX_CGROUP_LAYOUT_V1);
	/* Pure v2: the root itself has cgroup.controllers. */
	ck_assert_int_eq(nsbt_system("echo 'cpu memory' > %s/cgroup.controllers", t), 0);
	ck_assert_int_eq(nsbox_cgroup_layout(t, &layout, &ctls), 0);
	ck_assert_int_eq(layout, NSBOX_CGROUP_LAYOUT_V2);
	ck_assert(ctls & NSBOX_CGROUP_MEMORY);
	ck_assert(!(ctls & NSBOX_CGROUP_PIDS));
	nsbt_rm_tmpdir(t);
}
END_TEST

/* ---- the handle and its bad input -------------------------------------- */

START_TEST(handle_bad_input)
{
	static const char *const bad[] = {"/abs",   "a/../b", "..",  ".",  "a//b", "",
					  "a/",     "/",      "a/./b", "x\ny", "a b"};
	nsbox_cgroup *cg = (nsbox_cgroup *)0x1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(nsbox_cgroup_new(&cg, bad[i], 0), -EINVAL);
		ck_assert_ptr_eq(cg, (nsbox_cgroup *)0x1);
	}
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "cgroup name"));
	ck_assert_int_eq(nsbox_cgroup_new(NULL, "x", 0), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_new(&cg, NULL, 0), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_new(&cg, "x", 0x80), -EINVAL);
	nsbox_cgroup_free(NULL);

	ck_assert_int_eq(nsbox_cgroup_new(&cg, "nsbt-cgroup-never", 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_parent(cg, "relative"), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_parent(cg, "/a/../b"), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_root(cg, "rel"), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, 0), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, 1u << 20), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_timeout(cg, 10), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_timeout(NULL, 10000), -EINVAL);
	/* Before create/open a limit is only recorded (checked now, written
	 * by create); nothing else works. */
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 10), 0);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, (uint64_t)1 << 40), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 999, 100000), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_weight(cg, 0), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "zero"), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_mems(cg, NULL), -EINVAL);
	{
		uint64_t v;
		ck_assert_int_eq(nsbox_cgroup_get_pids_max(cg, &v), -EINVAL);
		ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "not created or opened"));
	}
	ck_assert_int_eq(nsbox_cgroup_attach(cg, getpid()), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_destroy(cg), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(NULL, 1000, 0), -EINVAL);
	nsbox_cgroup_free(cg);
}
END_TEST

START_TEST(parent_missing)
{
	nsbox_cgroup *cg = NULL;
	char *name = cgname("orphan");
	char *parent;

	NSBT_REQUIRE_ROOT();
	ck_assert_int_ge(asprintf(&parent, "/nsbt-cgroup-%d-no-such-parent", (int)getpid()), 0);
	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_parent(cg, parent), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "parent group"));
	/* Nothing was made in the hierarchies where it did exist. */
	ck_assert_int_eq(nsbox_cgroup_open(cg), -ENOENT);
	nsbox_cgroup_free(cg);
	/* Opening a group that does not exist. */
	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_open(cg), -ENOENT);
	nsbox_cgroup_free(cg);
	free(parent);
	free(name);
}
END_TEST

START_TEST(hybrid_coverage)
{
	nsbox_cgroup *cg, *cg2 = NULL;
	uint32_t ctls = 0;
	int layout = 0;
	char *p = NULL, *self, *mnt, *expect, *name;
	static const uint32_t bits[] = {NSBOX_CGROUP_CPU,    NSBOX_CGROUP_CPUACCT, NSBOX_CGROUP_CPUSET,
					NSBOX_CGROUP_MEMORY, NSBOX_CGROUP_PIDS,    NSBOX_CGROUP_FREEZER,
					NSBOX_CGROUP_IO};
	static const char *const v1names[] = {"cpu", "cpuacct", "cpuset", "memory",
					      "pids", "freezer", "blkio"};

	REQUIRE_HYBRID();
	cg = make_cg("cover", 0);
	ck_assert_int_eq(nsbox_cgroup_get_layout(cg, &layout), 0);
	ck_assert_int_eq(layout, NSBOX_CGROUP_LAYOUT_HYBRID);
	ck_assert_int_eq(nsbox_cgroup_get_controllers(cg, &ctls), 0);
	/* Every mounted v1 controller for limits and stats, plus v2 for membership. */
	ck_assert(ctls & NSBOX_CGROUP_UNIFIED);
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		mnt = nsbt_cgroup_mount(v1names[i]);
		if (!mnt)
			continue;
		self = nsbt_cgroup_self(v1names[i]);
		ck_assert(ctls & bits[i]);
		ck_assert_int_eq(nsbox_cgroup_get_path(cg, bits[i], &p), 1);
		ck_assert_int_ge(asprintf(&expect, "%s%s/", mnt, strcmp(self, "/") ? self : ""), 0);
		ck_assert_msg(strncmp(p, expect, strlen(expect)) == 0, "%s not below %s", p, expect);
		ck_assert(path_exists(p));
		nsbox_free(p);
		free(expect);
		free(self);
		free(mnt);
	}
	ck_assert_int_eq(nsbox_cgroup_get_path(cg, NSBOX_CGROUP_UNIFIED, &p), 2);
	ck_assert(path_exists(p));
	nsbox_free(p);

	/* The same name again: -EEXIST, and opening it works. */
	ck_assert_int_eq(nsbox_cgroup_get_path(cg, NSBOX_CGROUP_PIDS, &p), 1);
	name = strdup(strrchr(p, '/') + 1);
	nsbox_free(p);
	ck_assert_int_eq(nsbox_cgroup_new(&cg2, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg2), -EEXIST);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "exists"));
	ck_assert_int_eq(nsbox_cgroup_open(cg2), 0);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg2, 42), 0);
	nsbox_cgroup_free(cg2);
	ck_assert_int_eq(nsbox_cgroup_new(&cg2, name, NSBOX_CGROUP_ADOPT_EXISTING), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg2), 0);
	nsbox_cgroup_free(cg2);
	free(name);

	/* Setters are refused once live. */
	ck_assert_int_eq(nsbox_cgroup_set_parent(cg, "/"), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_create(cg), -EINVAL);
	destroy_cg(cg);
}
END_TEST

START_TEST(nested_names_and_destroy)
{
	nsbox_cgroup *cg = NULL, *sub = NULL;
	char *base = cgname("nest"), *name, *subname, *p = NULL, *top;

	REQUIRE_HYBRID();
	ck_assert_int_ge(asprintf(&name, "%s/a/b", base), 0);
	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg), 0);
	/* A subgroup made by someone else is removed first by destroy. */
	ck_assert_int_ge(asprintf(&subname, "%s/c", name), 0);
	ck_assert_int_eq(nsbox_cgroup_new(&sub, subname, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_create(sub), 0);
	ck_assert_int_eq(nsbox_cgroup_get_path(cg, NSBOX_CGROUP_MEMORY, &p), 1);
	top = strdup(p);
	*strstr(top, "/a/b") = '\0';
	ck_assert(path_exists(top));
	destroy_cg(cg);
	ck_assert(!path_exists(p));
	/* The intermediate groups it made are gone too. */
	ck_assert_msg(!path_exists(top), "%s left", top);
	nsbox_free(p);
	/* sub's group went with its parent: destroy says it is gone, then the
	 * second destroy is refused. */
	ck_assert_int_eq(nsbox_cgroup_destroy(sub), 0);
	ck_assert_int_eq(nsbox_cgroup_destroy(sub), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "destroyed already"));
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(sub, 3), -ENOENT);
	nsbox_cgroup_free(sub);
	free(top);
	free(subname);
	free(name);
	free(base);
}
END_TEST

START_TEST(removed_behind_our_back)
{
	nsbox_cgroup *cg;
	char *p = NULL;
	uint64_t v;

	REQUIRE_HYBRID();
	cg = make_cg("gone", NSBOX_CGROUP_PIDS);
	ck_assert_int_eq(nsbox_cgroup_get_path(cg, NSBOX_CGROUP_PIDS, &p), 1);
	ck_assert_int_eq(rmdir(p), 0);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 5), -ENOENT);
	ck_assert_msg(strstr(nsbox_last_error(), "no longer exists"), "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_cgroup_get_pids_max(cg, &v), -ENOENT);
	ck_assert_int_eq(nsbox_cgroup_attach(cg, getppid()), -ENOENT);
	/* Recreated under the same name: still not ours. */
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 5), -ENOENT);
	ck_assert_int_eq(rmdir(p), 0);
	/* Destroy accepts a group that is already gone. */
	ck_assert_int_eq(nsbox_cgroup_destroy(cg), 0);
	nsbox_cgroup_free(cg);
	nsbox_free(p);
}
END_TEST

START_TEST(after_fork_echild)
{
	nsbox_cgroup *cg;
	pid_t pid;
	int st;

	REQUIRE_HYBRID();
	cg = make_cg("fork", NSBOX_CGROUP_PIDS);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int r1 = nsbox_cgroup_set_pids_max(cg, 3);
		int r2 = nsbox_cgroup_destroy(cg);
		bool msg = strstr(nsbox_last_error(), "after fork") != NULL;
		nsbox_cgroup_free(cg); /* freeing the memory is fine */
		_exit(r1 == -ECHILD && r2 == -ECHILD && msg ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	destroy_cg(cg);
}
END_TEST

/* ---- limits on v1: read back and bad input ------------------------------ */

START_TEST(v1_limits_read_back)
{
	nsbox_cgroup *cg;
	uint64_t q, p, v;
	char *s = NULL;

	REQUIRE_HYBRID();
	cg = make_cg("limits", ALL_V1);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 20000, 100000), 0);
	ck_assert_int_eq(nsbox_cgroup_get_cpu_max(cg, &q, &p), 0);
	ck_assert_uint_eq(q, 20000);
	ck_assert_uint_eq(p, 100000);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 50000, 0), 0); /* keep the period */
	ck_assert_int_eq(nsbox_cgroup_get_cpu_max(cg, &q, &p), 0);
	ck_assert_uint_eq(q, 50000);
	ck_assert_uint_eq(p, 100000);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 2000, 1000), 0);
	ck_assert_int_eq(nsbox_cgroup_get_cpu_max(cg, &q, &p), 0);
	ck_assert_uint_eq(p, 1000);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, NSBOX_UNLIMITED, 100000), 0);
	ck_assert_int_eq(nsbox_cgroup_get_cpu_max(cg, &q, NULL), 0);
	ck_assert_uint_eq(q, NSBOX_UNLIMITED);
	/* Bad: below the kernel's minimum, period out of range. */
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 999, 100000), -EINVAL);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "minimum of 1000"));
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 0, 100000), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 20000, 999), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 20000, 1000001), -EINVAL);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "period"));

	/* Weight <-> shares: weight 100 is the default 1024 shares. */
	ck_assert_int_eq(nsbox_cgroup_get_cpu_weight(cg, &v), 0);
	ck_assert_uint_eq(v, 100);
	for (uint64_t w = 1; w <= 10000; w = w * 3 + 1) {
		ck_assert_int_eq(nsbox_cgroup_set_cpu_weight(cg, w), 0);
		ck_assert_int_eq(nsbox_cgroup_get_cpu_weight(cg, &v), 0);
		ck_assert_uint_eq(v, w);
	}
	ck_assert_int_eq(nsbox_cgroup_set_cpu_weight(cg, 10000), 0);
	ck_assert_int_eq(nsbox_cgroup_get_cpu_weight(cg, &v), 0);
	ck_assert_uint_eq(v, 10000);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_weight(cg, 0), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_weight(cg, (uint64_t)-5), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_weight(cg, 10001), -EINVAL);

	/* cpuset: copied from the parent at create, settable, refused outside the machine. */
	ck_assert_int_eq(nsbox_cgroup_get_cpuset_cpus(cg, &s), 0);
	ck_assert_str_ne(s, "");
	nsbox_free(s);
	ck_assert_int_eq(nsbox_cgroup_get_cpuset_mems(cg, &s), 0);
	ck_assert_str_ne(s, "");
	nsbox_free(s);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "0"), 0);
	ck_assert_int_eq(nsbox_cgroup_get_cpuset_cpus(cg, &s), 0);
	ck_assert_str_eq(s, "0");
	nsbox_free(s);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_mems(cg, "0"), 0);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "4095"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "outside"));
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "0-1,900"), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "zero"), -EINVAL);
	{
		/* Hostile: 200 huge ranges are refused at once (not number by number). */
		char big[200 * 12 + 1] = "";
		for (int i = 0; i < 200; i++)
			strcat(big, i ? ",0-1048576" : "0-1048576");
		ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, big), -EINVAL);
		ck_assert_msg(strstr(nsbox_last_error(), "is outside the cpus") != NULL, "%s",
			      nsbox_last_error());
	}
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "1-0"), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, ""), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_mems(cg, "77"), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, NULL), -EINVAL);

	/* memory */
	ck_assert_int_eq(nsbox_cgroup_get_memory_max(cg, &v), 0);
	ck_assert_uint_eq(v, NSBOX_UNLIMITED);
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 64 << 20), 0);
	ck_assert_int_eq(nsbox_cgroup_get_memory_max(cg, &v), 0);
	ck_assert_uint_eq(v, 64 << 20);
	ck_assert_int_eq(nsbox_cgroup_set_memory_high(cg, 32 << 20), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "cgroup v2 limit"));
	ck_assert_int_eq(nsbox_cgroup_set_memory_low(cg, 32 << 20), -EOPNOTSUPP);
	ck_assert_int_eq(nsbox_cgroup_get_memory_high(cg, &v), -EOPNOTSUPP);
	ck_assert_int_eq(nsbox_cgroup_get_memory_low(cg, &v), -EOPNOTSUPP);
	if (nsbox_cgroup_set_memory_swap_max(cg, 128 << 20) == 0) {
		ck_assert_int_eq(nsbox_cgroup_get_memory_swap_max(cg, &v), 0);
		ck_assert_uint_eq(v, 128 << 20);
		ck_assert_int_eq(nsbox_cgroup_set_memory_swap_max(cg, 32 << 20), -EINVAL);
		ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "below the memory max"));
		ck_assert_int_eq(nsbox_cgroup_set_memory_swap_max(cg, NSBOX_UNLIMITED), 0);
	} else {
		ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "swap"));
	}
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, NSBOX_UNLIMITED), 0);
	ck_assert_int_eq(nsbox_cgroup_get_memory_max(cg, &v), 0);
	ck_assert_uint_eq(v, NSBOX_UNLIMITED);

	/* pids */
	ck_assert_int_eq(nsbox_cgroup_get_pids_max(cg, &v), 0);
	ck_assert_uint_eq(v, NSBOX_UNLIMITED);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 17), 0);
	ck_assert_int_eq(nsbox_cgroup_get_pids_max(cg, &v), 0);
	ck_assert_uint_eq(v, 17);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, (uint64_t)1 << 40), -EINVAL);

	/* io weight: blkio here has no weight file (no proportional scheduler). */
	if (nsbox_cgroup_set_io_weight(cg, 100) == 0) {
		/* the defaults meet: 100 <-> blkio 500 */
		ck_assert_int_eq(nsbox_cgroup_get_io_weight(cg, &v), 0);
		ck_assert_uint_eq(v, 100);
	} else {
		ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "blkio"));
	}
	ck_assert_int_eq(nsbox_cgroup_set_io_weight(cg, 0), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_set_io_weight(cg, 10001), -EINVAL);

	/* Stats exist and unknown ones are refused. */
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_PIDS_CURRENT, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_PERIODS, &v), 0);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_MEMORY_PEAK, &v), 0);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, 0, &v), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, 99, &v), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_PIDS_CURRENT, NULL), -EINVAL);
	destroy_cg(cg);
}
END_TEST

START_TEST(limit_without_controller)
{
	nsbox_cgroup *cg;
	uint64_t v;
	double a;

	REQUIRE_HYBRID();
	cg = make_cg("pidsonly", NSBOX_CGROUP_PIDS);
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 1 << 20), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "memory controller"));
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 20000, 100000), -EOPNOTSUPP);
	ck_assert_int_eq(nsbox_cgroup_freeze(cg), -EOPNOTSUPP);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_USAGE_US, &v), -EOPNOTSUPP);
	ck_assert_int_eq(nsbox_cgroup_get_pressure(cg, NSBOX_CGROUP_PRESSURE_CPU, 0, &a, NULL, NULL,
						   NULL),
			 -EOPNOTSUPP);
	ck_assert_int_eq(nsbox_cgroup_open_dirfd(cg, (int *)&v), -EOPNOTSUPP);
	destroy_cg(cg);
}
END_TEST

/* Limits set before create: recorded, written by create in the order set,
 * and a limit that cannot be had fails the create, which leaves nothing. */
START_TEST(limits_recorded_before_create)
{
	nsbox_cgroup *cg = NULL, *probe = NULL;
	char *name = cgname("early"), *s = NULL;
	uint64_t q, p, v;

	REQUIRE_HYBRID();
	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, ALL_V1), 0);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 20000, 100000), 0);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 17), 0);
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 64 << 20), 0);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_weight(cg, 200), 0);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 18), 0); /* replaces 17 */
	/* The kernel refuses this cpu at create: nothing is left, the handle
	 * is new again and keeps its limits. */
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "4095"), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg), -EINVAL);
	ck_assert_msg(strstr(nsbox_last_error(), "outside") != NULL, "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_cgroup_new(&probe, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(probe, ALL_V1), 0);
	ck_assert_int_eq(nsbox_cgroup_open(probe), -ENOENT);
	nsbox_cgroup_free(probe);
	ck_assert_int_eq(nsbox_cgroup_get_pids_max(cg, &v), -EINVAL);

	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "0"), 0);
	ck_assert_msg(nsbox_cgroup_create(cg) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_cgroup_get_cpu_max(cg, &q, &p), 0);
	ck_assert_uint_eq(q, 20000);
	ck_assert_uint_eq(p, 100000);
	ck_assert_int_eq(nsbox_cgroup_get_pids_max(cg, &v), 0);
	ck_assert_uint_eq(v, 18);
	ck_assert_int_eq(nsbox_cgroup_get_memory_max(cg, &v), 0);
	ck_assert_uint_eq(v, 64 << 20);
	ck_assert_int_eq(nsbox_cgroup_get_cpu_weight(cg, &v), 0);
	ck_assert_uint_eq(v, 200);
	ck_assert_int_eq(nsbox_cgroup_get_cpuset_cpus(cg, &s), 0);
	ck_assert_str_eq(s, "0");
	nsbox_free(s);
	destroy_cg(cg);

	/* A limit of a controller the handle does not cover fails the create
	 * before anything is made; one the layout cannot express fails it
	 * after, and what it made is removed. */
	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, NSBOX_CGROUP_PIDS), 0);
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 1 << 20), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "memory controller"));
	nsbox_cgroup_free(cg);
	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, NSBOX_CGROUP_PIDS | NSBOX_CGROUP_MEMORY),
			 0);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 5), 0);
	ck_assert_int_eq(nsbox_cgroup_set_memory_high(cg, 1 << 20), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg), -EOPNOTSUPP);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "cgroup v2 limit"));
	ck_assert_int_eq(nsbox_cgroup_new(&probe, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(probe, NSBOX_CGROUP_PIDS), 0);
	ck_assert_int_eq(nsbox_cgroup_open(probe), -ENOENT);
	nsbox_cgroup_free(probe);
	nsbox_cgroup_free(cg);
	free(name);
}
END_TEST

/* ---- v1 limits act ---------------------------------------------------- */

START_TEST(v1_cpu_quota_holds)
{
	nsbox_cgroup *cg;
	pid_t pid;
	double before, after;
	uint64_t thr = 0;

	REQUIRE_HYBRID();
	cg = make_cg("quota", NSBOX_CGROUP_CPU | NSBOX_CGROUP_CPUACCT);
	pid = spawn_busy();
	ck_assert_int_eq(nsbox_cgroup_attach(cg, pid), 0);
	before = measure_cpu(cg);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 20000, 100000), 0);
	usleep(100000);
	after = measure_cpu(cg);
	printf("cpu quota: %.0f%% before, %.0f%% with 20000/100000\n", before * 100, after * 100);
	ck_assert_msg(before > 0.4, "busy loop got only %.2f of a CPU", before);
	ck_assert_msg(after > 0.12 && after < 0.30, "with a 20%% quota it got %.2f", after);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_THROTTLED, &thr), 0);
	ck_assert_uint_gt(thr, 5);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_THROTTLED_US, &thr), 0);
	ck_assert_uint_gt(thr, 100000);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_USER_US, &thr), 0);
	ck_assert_uint_gt(thr, 100000);
	destroy_cg(cg);
	reap(pid);
}
END_TEST

static pid_t spawn_allocator(size_t mb, int gate_fd)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;
		if (read(gate_fd, &c, 1) != 1)
			_exit(3);
		for (size_t i = 0; i < mb; i++) {
			volatile char *p = malloc(1 << 20);
			if (!p)
				_exit(2);
			for (size_t k = 0; k < (1 << 20); k += 4096)
				p[k] = 0x5a;
		}
		_exit(0);
	}
	return pid;
}

START_TEST(v1_memory_oom_kills)
{
	nsbox_cgroup *cg;
	int gate[2], st;
	pid_t pid;
	uint64_t kills = 99, peak = 0;

	REQUIRE_HYBRID();
	cg = make_cg("oom", NSBOX_CGROUP_MEMORY);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_OOM_KILLS, &kills), 0);
	ck_assert_uint_eq(kills, 0);
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 32 << 20), 0);
	ck_assert_int_eq(pipe2(gate, O_CLOEXEC), 0);
	pid = spawn_allocator(256, gate[0]);
	ck_assert_int_eq(nsbox_cgroup_attach(cg, pid), 0);
	ck_assert_int_eq(write(gate[1], "g", 1), 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "allocator was not OOM-killed");
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_OOM_KILLS, &kills), 0);
	ck_assert_uint_ge(kills, 1);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_MEMORY_PEAK, &peak), 0);
	ck_assert_uint_ge(peak, 16 << 20);
	ck_assert_uint_le(peak, 33 << 20);
	close(gate[0]);
	close(gate[1]);
	destroy_cg(cg);
}
END_TEST

START_TEST(v1_memory_max_below_usage)
{
	nsbox_cgroup *cg;
	int gate[2], done[2];
	pid_t pid;
	uint64_t cur = 0, v;
	char c;

	REQUIRE_HYBRID();
	cg = make_cg("busy-mem", NSBOX_CGROUP_MEMORY);
	ck_assert_int_eq(pipe2(gate, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(done, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		volatile char *p;
		if (read(gate[0], &c, 1) != 1)
			_exit(3);
		p = malloc(64 << 20);
		if (!p)
			_exit(2);
		for (size_t k = 0; k < (64 << 20); k += 4096)
			p[k] = 1;
		(void)write(done[1], "d", 1);
		for (;;)
			pause();
	}
	ck_assert_int_eq(nsbox_cgroup_attach(cg, pid), 0);
	ck_assert_int_eq(write(gate[1], "g", 1), 1);
	ck_assert_int_eq(read(done[0], &c, 1), 1);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_MEMORY_CURRENT, &cur), 0);
	ck_assert_uint_ge(cur, 60 << 20);
	/* No swap: the kernel cannot reclaim anonymous memory, and says EBUSY. */
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 4 << 20), -EBUSY);
	ck_assert_msg(strstr(nsbox_last_error(), "could not reclaim"), "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_cgroup_get_memory_max(cg, &v), 0);
	ck_assert_uint_eq(v, NSBOX_UNLIMITED);
	destroy_cg(cg);
	reap(pid);
	close(gate[0]);
	close(gate[1]);
	close(done[0]);
	close(done[1]);
}
END_TEST

START_TEST(v1_pids_max_fork_fails)
{
	nsbox_cgroup *cg;
	int gate[2], st;
	pid_t pid;
	uint64_t cur = 0;

	REQUIRE_HYBRID();
	cg = make_cg("pids", NSBOX_CGROUP_PIDS);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 1), 0);
	ck_assert_int_eq(pipe2(gate, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char c;
		pid_t k;
		if (read(gate[0], &c, 1) != 1)
			_exit(3);
		k = fork();
		if (k == 0)
			_exit(0);
		_exit(k < 0 && errno == EAGAIN ? 0 : 1);
	}
	ck_assert_int_eq(nsbox_cgroup_attach(cg, pid), 0);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_PIDS_CURRENT, &cur), 0);
	ck_assert_uint_eq(cur, 1);
	ck_assert_int_eq(write(gate[1], "g", 1), 1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork did not fail with EAGAIN");
	close(gate[0]);
	close(gate[1]);
	destroy_cg(cg);
}
END_TEST

/* A child that counts in shared memory. */
static pid_t spawn_counter(volatile uint64_t **counter)
{
	volatile uint64_t *c = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				    -1, 0);
	pid_t pid;

	ck_assert(c != MAP_FAILED);
	*c = 0;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (;;) {
			(*c)++;
			usleep(1000);
		}
	}
	*counter = c;
	return pid;
}

static void check_freeze_stops_counter(nsbox_cgroup *cg)
{
	volatile uint64_t *c;
	pid_t pid = spawn_counter(&c);
	uint64_t a, b;
	int r;

	ck_assert_int_eq(nsbox_cgroup_attach(cg, pid), 0);
	usleep(50000);
	ck_assert_uint_gt(*c, 0);
	r = nsbox_cgroup_freeze(cg);
	ck_assert_msg(r == 0, "freeze: %s", nsbox_last_error());
	a = *c;
	usleep(200000);
	b = *c;
	ck_assert_uint_eq(a, b);
	ck_assert_int_eq(nsbox_cgroup_thaw(cg), 0);
	usleep(100000);
	ck_assert_uint_gt(*c, b);
	/* Freeze again, then destroy: kill must reach frozen tasks. */
	ck_assert_int_eq(nsbox_cgroup_freeze(cg), 0);
	destroy_cg(cg);
	reap(pid);
	munmap((void *)c, 4096);
}

START_TEST(v1_freeze_thaw)
{
	REQUIRE_HYBRID();
	check_freeze_stops_counter(make_cg("freeze1", ALL_V1));
}
END_TEST

START_TEST(v2_freeze_thaw)
{
	REQUIRE_HYBRID();
	check_freeze_stops_counter(make_cg("freeze2", NSBOX_CGROUP_UNIFIED));
}
END_TEST

/*
 * A process that keeps forking: a new child every millisecond, each child
 * sleeping. Linear, never exponential, and it stops at 2000 children even
 * if no pids limit held it.
 */
static pid_t spawn_forker(void)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (int i = 0; i < 2000; i++) {
			pid_t k = fork();
			if (k == 0) {
				for (;;)
					pause();
			}
			usleep(1000);
		}
		for (;;)
			pause();
	}
	return pid;
}

static void check_kill_forker(nsbox_cgroup *cg)
{
	pid_t pid = spawn_forker();
	pid_t *pids = NULL;
	size_t n = 0;

	ck_assert_int_eq(nsbox_cgroup_attach(cg, pid), 0);
	usleep(100000);
	ck_assert_int_eq(nsbox_cgroup_get_pids(cg, &pids, &n), 0);
	ck_assert_uint_gt(n, 3);
	nsbox_free(pids);
	ck_assert_msg(nsbox_cgroup_kill(cg) == 0, "kill: %s", nsbox_last_error());
	ck_assert_int_eq(nsbox_cgroup_get_pids(cg, &pids, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(pids);
	reap(pid);
	destroy_cg(cg);
}

START_TEST(v1_kill_forking_group)
{
	nsbox_cgroup *cg;

	REQUIRE_HYBRID();
	cg = make_cg("kill1", ALL_V1);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 40), 0);
	check_kill_forker(cg);
}
END_TEST

START_TEST(v1_kill_without_freezer)
{
	nsbox_cgroup *cg;

	REQUIRE_HYBRID();
	cg = make_cg("kill1b", NSBOX_CGROUP_PIDS);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 40), 0);
	check_kill_forker(cg);
}
END_TEST

START_TEST(v2_kill_forking_group)
{
	nsbox_cgroup *cg;

	REQUIRE_HYBRID();
	cg = make_cg("kill2", NSBOX_CGROUP_UNIFIED | NSBOX_CGROUP_PIDS);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 40), 0);
	check_kill_forker(cg);
}
END_TEST

/* ---- membership ----------------------------------------------------------- */

static void *thread_main(void *arg)
{
	*(volatile pid_t *)arg = (pid_t)syscall(SYS_gettid);
	for (;;)
		pause();
	return NULL;
}

START_TEST(attach_and_list)
{
	nsbox_cgroup *cg;
	pid_t a = 0, b, *pids = NULL;
	size_t n = 0;
	char *p = NULL, line[512], want[600];
	FILE *f;
	pthread_t th;
	volatile pid_t tid = 0;

	REQUIRE_HYBRID();
	cg = make_cg("attach", 0);
	a = spawn_sleeper();
	b = spawn_sleeper();
	ck_assert_int_eq(nsbox_cgroup_attach(cg, a), 0);
	ck_assert_int_eq(nsbox_cgroup_attach(cg, b), 0);
	ck_assert_int_eq(nsbox_cgroup_attach(cg, a), 0); /* again: no harm */
	ck_assert_int_eq(nsbox_cgroup_get_pids(cg, &pids, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(pids[0], a < b ? a : b);
	ck_assert_int_eq(pids[1], a < b ? b : a);
	nsbox_free(pids);
	/* In the v2 group for real. */
	ck_assert_int_eq(nsbox_cgroup_get_path(cg, NSBOX_CGROUP_UNIFIED, &p), 2);
	snprintf(line, sizeof(line), "/proc/%d/cgroup", (int)a);
	f = fopen(line, "re");
	ck_assert_ptr_nonnull(f);
	snprintf(want, sizeof(want), "0::%s\n", strstr(p, strrchr(p, '/')));
	bool found = false;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "0::", 3) == 0 && strstr(line, strrchr(p, '/')))
			found = true;
	fclose(f);
	ck_assert_msg(found, "pid %d not in %s", (int)a, p);
	nsbox_free(p);

	/* Bad pids. */
	ck_assert_int_eq(nsbox_cgroup_attach(cg, 0), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_attach(cg, -1), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_attach(cg, 4194303), -ESRCH);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "no such process"));
	ck_assert_int_eq(pthread_create(&th, NULL, thread_main, (void *)&tid), 0);
	while (!tid)
		usleep(1000);
	ck_assert_int_eq(nsbox_cgroup_attach(cg, tid), -EINVAL);
	ck_assert_msg(strstr(nsbox_last_error(), "is a thread of process"), "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_cgroup_get_pids(cg, &pids, &n), 0);
	ck_assert_uint_eq(n, 2);
	nsbox_free(pids);
	ck_assert_int_eq(nsbox_cgroup_get_pids(cg, NULL, &n), -EINVAL);
	destroy_cg(cg);
	reap(a);
	reap(b);
}
END_TEST

struct nsbt_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
		set_tid_size, cgroup;
};

START_TEST(v2_clone_into_cgroup)
{
	nsbox_cgroup *cg;
	struct nsbt_clone_args args;
	int fd = -1;
	pid_t pid, *pids = NULL;
	size_t n = 0;

	REQUIRE_HYBRID();
	cg = make_cg("clone3", NSBOX_CGROUP_UNIFIED);
	ck_assert_int_eq(nsbox_cgroup_open_dirfd(cg, &fd), 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	memset(&args, 0, sizeof(args));
	args.flags = 0x200000000ULL; /* CLONE_INTO_CGROUP */
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)fd;
	pid = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	close(fd);
	ck_assert_int_eq(nsbox_cgroup_get_pids(cg, &pids, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(pids[0], pid);
	nsbox_free(pids);
	/* CPU usage comes from the v2 group's own cpu.stat (a core file). */
	{
		uint64_t us = 1;
		ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_USAGE_US, &us), 0);
		ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_PIDS_CURRENT, &us),
				 -EOPNOTSUPP);
	}
	destroy_cg(cg);
	reap(pid);
	/* Destroyed: no fd any more. */
	ck_assert_int_eq(nsbox_cgroup_open_dirfd(NULL, &fd), -EINVAL);
}
END_TEST

START_TEST(kill_refuses_own_group)
{
	nsbox_cgroup *cg;
	char *p = NULL, *name;
	pid_t pid;
	int st;

	REQUIRE_HYBRID();
	cg = make_cg("self", NSBOX_CGROUP_PIDS);
	ck_assert_int_eq(nsbox_cgroup_get_path(cg, NSBOX_CGROUP_PIDS, &p), 1);
	name = strdup(strrchr(p, '/') + 1);
	nsbox_free(p);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		/* The child's own handle on the same group, with itself inside. */
		nsbox_cgroup *mine = NULL;
		int ok = nsbox_cgroup_new(&mine, name, 0) == 0 &&
			 nsbox_cgroup_set_controllers(mine, NSBOX_CGROUP_PIDS) == 0 &&
			 nsbox_cgroup_open(mine) == 0 && nsbox_cgroup_attach(mine, getpid()) == 0 &&
			 nsbox_cgroup_kill(mine) == -EDEADLK &&
			 strstr(nsbox_last_error(), "calling process") != NULL &&
			 nsbox_cgroup_destroy(mine) == -EDEADLK;
		_exit(ok ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	free(name);
	destroy_cg(cg);
}
END_TEST

START_TEST(destroy_bounded_busy)
{
	nsbox_cgroup *cg;
	char *fz, *p;
	pid_t pid;
	double t0;
	int r;

	REQUIRE_HYBRID();
	/* A task frozen by another (v1) freezer survives v2's cgroup.kill. */
	cg = make_cg("stuck", NSBOX_CGROUP_UNIFIED);
	ck_assert_int_eq(nsbox_cgroup_set_timeout(cg, 300000), 0);
	fz = nsbt_cgroup_new("freezer");
	pid = spawn_sleeper();
	ck_assert_int_eq(nsbox_cgroup_attach(cg, pid), 0);
	ck_assert_int_eq(nsbt_system("echo %d > %s/cgroup.procs && echo FROZEN > %s/freezer.state",
				     (int)pid, fz, fz),
			 0);
	usleep(50000);
	t0 = now_s();
	r = nsbox_cgroup_destroy(cg);
	ck_assert_int_eq(r, -EBUSY);
	ck_assert_msg(now_s() - t0 < 2.0, "destroy took %.1f s", now_s() - t0);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "remain"));
	ck_assert_int_eq(nsbox_cgroup_get_path(cg, NSBOX_CGROUP_UNIFIED, &p), 2);
	ck_assert(path_exists(p));
	nsbox_free(p);
	ck_assert_int_eq(nsbt_system("echo THAWED > %s/freezer.state", fz), 0);
	destroy_cg(cg);
	reap(pid);
	nsbt_cgroup_remove(fz);
}
END_TEST

START_TEST(pressure_on_v2)
{
	nsbox_cgroup *cg;
	double a10 = -1, a60 = -1, a300 = -1;
	uint64_t total = 1;

	REQUIRE_HYBRID();
	cg = make_cg("psi", 0);
	if (nsbox_cgroup_get_pressure(cg, NSBOX_CGROUP_PRESSURE_CPU, 0, &a10, &a60, &a300, &total) ==
	    0) {
		ck_assert(a10 >= 0 && a60 >= 0 && a300 >= 0);
		ck_assert_int_eq(nsbox_cgroup_get_pressure(cg, NSBOX_CGROUP_PRESSURE_MEMORY, 1,
							   NULL, NULL, NULL, &total),
				 0);
		ck_assert_int_eq(nsbox_cgroup_get_pressure(cg, NSBOX_CGROUP_PRESSURE_IO, 0, &a10,
							   NULL, NULL, NULL),
				 0);
	}
	ck_assert_int_eq(nsbox_cgroup_get_pressure(cg, 0, 0, NULL, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(nsbox_cgroup_get_pressure(cg, 1, 2, NULL, NULL, NULL, NULL), -EINVAL);
	destroy_cg(cg);
}
END_TEST

/* ---- the v2 writer against a v2-shaped tree ------------------------------- */

static void put(const char *dir, const char *file, const char *text)
{
	char *p;
	FILE *f;

	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, file), 0);
	f = fopen(p, "we");
	ck_assert_msg(f != NULL, "create %s", p);
	fputs(text, f);
	fclose(f);
	free(p);
}

static char *get(const char *dir, const char *file)
{
	char *p, buf[512];
	FILE *f;
	size_t n;

	ck_assert_int_ge(asprintf(&p, "%s/%s", dir, file), 0);
	f = fopen(p, "re");
	ck_assert_msg(f != NULL, "open %s", p);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	free(p);
	return strdup(buf);
}

#define ASSERT_FILE(dir, file, text)                                                               \
	do {                                                                                       \
		char *_s = get(dir, file);                                                         \
		ck_assert_str_eq(_s, text);                                                        \
		free(_s);                                                                          \
	} while (0)

/* root/ (v2 root) -> p/ (a group) -> c/ (our leaf, with its limit files). */
static char *fake_v2_tree(char **leaf)
{
	static const char *const files[] = {
		"cpu.max",	   "cpu.weight",  "memory.max",	 "memory.high", "memory.low",
		"memory.swap.max", "pids.max",	  "io.weight",	 "cpuset.cpus", "cpuset.mems",
		"cgroup.procs",	   "cgroup.freeze", "cgroup.kill", "memory.current", "memory.peak"};
	char *t = nsbt_tmpdir("v2tree"), *p, *c;

	put(t, "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(t, "cgroup.subtree_control", "\n");
	put(t, "cgroup.procs", "1\n");
	ck_assert_int_ge(asprintf(&p, "%s/p", t), 0);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	put(p, "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(p, "cgroup.subtree_control", "\n");
	put(p, "cgroup.procs", "");
	ck_assert_int_ge(asprintf(&c, "%s/c", p), 0);
	ck_assert_int_eq(mkdir(c, 0755), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put(c, files[i], "");
	put(c, "cgroup.controllers", "cpuset cpu io memory pids\n");
	put(c, "cgroup.subtree_control", "\n");
	put(c, "cgroup.events", "populated 0\nfrozen 0\n");
	put(c, "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\n"
			   "nr_throttled 3\nthrottled_usec 42\n");
	put(c, "memory.events", "low 0\nhigh 0\nmax 4\noom 2\noom_kill 2\n");
	put(c, "pids.current", "5\n");
	put(c, "cpu.pressure", "some avg10=1.50 avg60=0.25 avg300=0.00 total=12345\n"
			       "full avg10=0.50 avg60=0.00 avg300=0.00 total=678\n");
	free(p);
	*leaf = c;
	return t;
}

START_TEST(v2_writer_fake_tree)
{
	nsbox_cgroup *cg = NULL;
	char *leaf, *t = fake_v2_tree(&leaf), *p;
	uint64_t q, per, v;
	uint32_t ctls;
	int layout;
	double a10, a60, a300;
	char *s;

	ck_assert_int_eq(nsbox_cgroup_new(&cg, "p/c", NSBOX_CGROUP_ADOPT_EXISTING), 0);
	ck_assert_int_eq(nsbox_cgroup_set_root(cg, t), 0);
	ck_assert_msg(nsbox_cgroup_create(cg) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_cgroup_get_layout(cg, &layout), 0);
	ck_assert_int_eq(layout, NSBOX_CGROUP_LAYOUT_V2);
	ck_assert_int_eq(nsbox_cgroup_get_controllers(cg, &ctls), 0);
	ck_assert_uint_eq(ctls, NSBOX_CGROUP_ALL);
	ck_assert_int_eq(nsbox_cgroup_get_path(cg, NSBOX_CGROUP_MEMORY, &s), 2);
	ck_assert_str_eq(s, leaf);
	nsbox_free(s);
	/* Controllers enabled on the way down. */
	ASSERT_FILE(t, "cgroup.subtree_control", "+cpu +cpuset +memory +pids +io");
	ck_assert_int_ge(asprintf(&p, "%s/p", t), 0);
	ASSERT_FILE(p, "cgroup.subtree_control", "+cpu +cpuset +memory +pids +io");

	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 20000, 100000), 0);
	ASSERT_FILE(leaf, "cpu.max", "20000 100000");
	ck_assert_int_eq(nsbox_cgroup_get_cpu_max(cg, &q, &per), 0);
	ck_assert_uint_eq(q, 20000);
	ck_assert_uint_eq(per, 100000);
	put(leaf, "cpu.max", "max 100000\n");
	ck_assert_int_eq(nsbox_cgroup_get_cpu_max(cg, &q, &per), 0);
	ck_assert_uint_eq(q, NSBOX_UNLIMITED);
	put(leaf, "cpu.max", "");
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, NSBOX_UNLIMITED, 0), 0);
	ASSERT_FILE(leaf, "cpu.max", "max");
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 500, 100000), -EINVAL);

	ck_assert_int_eq(nsbox_cgroup_set_cpu_weight(cg, 250), 0);
	ASSERT_FILE(leaf, "cpu.weight", "250");
	ck_assert_int_eq(nsbox_cgroup_get_cpu_weight(cg, &v), 0);
	ck_assert_uint_eq(v, 250);

	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 100 << 20), 0);
	ASSERT_FILE(leaf, "memory.max", "104857600");
	ck_assert_int_eq(nsbox_cgroup_set_memory_high(cg, 80 << 20), 0);
	ASSERT_FILE(leaf, "memory.high", "83886080");
	ck_assert_int_eq(nsbox_cgroup_get_memory_high(cg, &v), 0);
	ck_assert_uint_eq(v, 80 << 20);
	ck_assert_int_eq(nsbox_cgroup_set_memory_low(cg, 10 << 20), 0);
	ck_assert_int_eq(nsbox_cgroup_get_memory_low(cg, &v), 0);
	ck_assert_uint_eq(v, 10 << 20);
	/* memory plus swap = memory.max + memory.swap.max */
	ck_assert_int_eq(nsbox_cgroup_set_memory_swap_max(cg, 150 << 20), 0);
	ASSERT_FILE(leaf, "memory.swap.max", "52428800");
	ck_assert_int_eq(nsbox_cgroup_get_memory_swap_max(cg, &v), 0);
	ck_assert_uint_eq(v, 150 << 20);
	ck_assert_int_eq(nsbox_cgroup_set_memory_swap_max(cg, 50 << 20), -EINVAL);
	put(leaf, "memory.max", "max\n");
	ck_assert_int_eq(nsbox_cgroup_set_memory_swap_max(cg, 150 << 20), -EINVAL);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "set a memory max first"));

	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, NSBOX_UNLIMITED), 0);
	ASSERT_FILE(leaf, "pids.max", "max");
	ck_assert_int_eq(nsbox_cgroup_get_pids_max(cg, &v), 0);
	ck_assert_uint_eq(v, NSBOX_UNLIMITED);

	ck_assert_int_eq(nsbox_cgroup_set_io_weight(cg, 300), 0);
	ASSERT_FILE(leaf, "io.weight", "default 300");
	ck_assert_int_eq(nsbox_cgroup_get_io_weight(cg, &v), 0);
	ck_assert_uint_eq(v, 300);

	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "0"), 0);
	ASSERT_FILE(leaf, "cpuset.cpus", "0");
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "1000"), -EINVAL);

	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_USAGE_US, &v), 0);
	ck_assert_uint_eq(v, 1500);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_SYSTEM_US, &v), 0);
	ck_assert_uint_eq(v, 500);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_THROTTLED, &v), 0);
	ck_assert_uint_eq(v, 3);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_THROTTLED_US, &v), 0);
	ck_assert_uint_eq(v, 42);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_OOM_KILLS, &v), 0);
	ck_assert_uint_eq(v, 2);
	ck_assert_int_eq(nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_PIDS_CURRENT, &v), 0);
	ck_assert_uint_eq(v, 5);
	ck_assert_int_eq(nsbox_cgroup_get_pressure(cg, NSBOX_CGROUP_PRESSURE_CPU, 0, &a10, &a60,
						   &a300, &v),
			 0);
	ck_assert(a10 > 1.49 && a10 < 1.51 && a60 > 0.24 && a60 < 0.26);
	ck_assert_uint_eq(v, 12345);
	ck_assert_int_eq(nsbox_cgroup_get_pressure(cg, NSBOX_CGROUP_PRESSURE_CPU, 1, &a10, NULL,
						   NULL, &v),
			 0);
	ck_assert_uint_eq(v, 678);
	ck_assert_int_eq(nsbox_cgroup_get_pressure(cg, NSBOX_CGROUP_PRESSURE_IO, 0, &a10, NULL,
						   NULL, &v),
			 -EOPNOTSUPP);
	nsbox_cgroup_free(cg);

	/* Limits set before create land in the v2 files, in the order set. */
	put(leaf, "cpu.max", "");
	put(leaf, "memory.max", "");
	put(leaf, "memory.swap.max", "");
	ck_assert_int_eq(nsbox_cgroup_new(&cg, "p/c", NSBOX_CGROUP_ADOPT_EXISTING), 0);
	ck_assert_int_eq(nsbox_cgroup_set_root(cg, t), 0);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 30000, 100000), 0);
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 100 << 20), 0);
	ck_assert_int_eq(nsbox_cgroup_set_memory_swap_max(cg, 150 << 20), 0);
	ck_assert_msg(nsbox_cgroup_create(cg) == 0, "%s", nsbox_last_error());
	ASSERT_FILE(leaf, "cpu.max", "30000 100000");
	ASSERT_FILE(leaf, "memory.max", "104857600");
	ASSERT_FILE(leaf, "memory.swap.max", "52428800");
	nsbox_cgroup_free(cg);
	free(p);
	free(leaf);
	nsbt_rm_tmpdir(t);
}
END_TEST

START_TEST(v2_writer_no_internal_processes)
{
	nsbox_cgroup *cg = NULL;
	char *leaf, *t = fake_v2_tree(&leaf), *p;

	ck_assert_int_ge(asprintf(&p, "%s/p", t), 0);
	put(p, "cgroup.procs", "4242\n");
	ck_assert_int_eq(nsbox_cgroup_new(&cg, "p/new", 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_root(cg, t), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg), -EBUSY);
	ck_assert_msg(strstr(nsbox_last_error(), "no-internal-processes"), "%s", nsbox_last_error());
	nsbox_cgroup_free(cg);
	free(leaf);
	ck_assert_int_ge(asprintf(&leaf, "%s/new", p), 0);
	ck_assert(!path_exists(leaf));
	/* The controllers the failed create enabled in the root on its way
	 * down were disabled again (in this tree of plain files: the last
	 * write is the undo). */
	ASSERT_FILE(t, "cgroup.subtree_control", "-cpu -cpuset -memory -pids -io");
	put(t, "cgroup.subtree_control", "\n");
	/* Only the wanted controllers are enabled; with pids alone, one. */
	put(p, "cgroup.procs", "");
	ck_assert_int_eq(nsbox_cgroup_new(&cg, "p/new", 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_root(cg, t), 0);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, NSBOX_CGROUP_PIDS), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg), 0);
	ASSERT_FILE(p, "cgroup.subtree_control", "+pids");
	ck_assert(path_exists(leaf));
	nsbox_cgroup_free(cg);
	free(leaf);
	/* A parent without the controller: the handle does not cover it. */
	ck_assert_int_ge(asprintf(&leaf, "%s/q", t), 0);
	ck_assert_int_eq(mkdir(leaf, 0755), 0);
	put(leaf, "cgroup.controllers", "pids\n");
	put(leaf, "cgroup.subtree_control", "");
	put(leaf, "cgroup.procs", "");
	ck_assert_int_eq(nsbox_cgroup_new(&cg, "q/leaf", 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_root(cg, t), 0);
	ck_assert_int_eq(nsbox_cgroup_create(cg), 0);
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 1 << 20), -EOPNOTSUPP);
	nsbox_cgroup_free(cg);
	free(leaf);
	free(p);
	nsbt_rm_tmpdir(t);
}
END_TEST

static Suite *cgroup_suite(void)
{
	Suite *s = suite_create("cgroup");
	TCase *tc;

	tc = tcase_create("layout");
	tcase_add_test(tc, layout_detected);
	tcase_add_test(tc, layout_follows_mounts);
	tcase_add_test(tc, layout_fast_way_matches_mount_table);
	tcase_add_test(tc, layout_of_fake_trees);
	suite_add_tcase(s, tc);

	tc = tcase_create("handle");
	tcase_add_test(tc, handle_bad_input);
	tcase_add_test(tc, parent_missing);
	tcase_add_test(tc, hybrid_coverage);
	tcase_add_test(tc, nested_names_and_destroy);
	tcase_add_test(tc, removed_behind_our_back);
	tcase_add_test(tc, after_fork_echild);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, v1_limits_read_back);
	tcase_add_test(tc, limit_without_controller);
	tcase_add_test(tc, limits_recorded_before_create);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits-act");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, v1_cpu_quota_holds);
	tcase_add_test(tc, v1_memory_oom_kills);
	tcase_add_test(tc, v1_memory_max_below_usage);
	tcase_add_test(tc, v1_pids_max_fork_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("freeze-kill");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, v1_freeze_thaw);
	tcase_add_test(tc, v2_freeze_thaw);
	tcase_add_test(tc, v1_kill_forking_group);
	tcase_add_test(tc, v1_kill_without_freezer);
	tcase_add_test(tc, v2_kill_forking_group);
	tcase_add_test(tc, kill_refuses_own_group);
	tcase_add_test(tc, destroy_bounded_busy);
	suite_add_tcase(s, tc);

	tc = tcase_create("membership");
	tcase_add_test(tc, attach_and_list);
	tcase_add_test(tc, v2_clone_into_cgroup);
	tcase_add_test(tc, pressure_on_v2);
	suite_add_tcase(s, tc);

	tc = tcase_create("v2-writer");
	tcase_add_test(tc, v2_writer_fake_tree);
	tcase_add_test(tc, v2_writer_no_internal_processes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nsbt_main(cgroup_suite(), "cgroup");
}
