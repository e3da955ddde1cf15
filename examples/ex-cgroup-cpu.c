/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ex-cgroup-cpu: the article's cgroup experiment. A busy loop runs in a
 * group of its own; its CPU use over one second comes from the group's own
 * usage counter (about 100% of a CPU). Then the group gets a quota of
 * 20000 µs per 100000 µs period (cpu.cfs_quota_us / cpu.cfs_period_us on
 * v1, cpu.max on v2), and the same measure shows about 20%. The loop is
 * killed and the group destroyed. Run as root.
 *
 *   ex-cgroup-cpu [seconds]      (default 1)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Percent of one CPU the group used over about `secs` seconds. */
static int measure(nsbox_cgroup *cg, double secs, double *pct)
{
	uint64_t u0, u1;
	double t0, t1;
	int r;

	r = nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_USAGE_US, &u0);
	if (r < 0)
		return r;
	t0 = now_s();
	usleep((useconds_t)(secs * 1e6));
	r = nsbox_cgroup_stat(cg, NSBOX_CGROUP_STAT_CPU_USAGE_US, &u1);
	if (r < 0)
		return r;
	t1 = now_s();
	*pct = 100.0 * (double)(u1 - u0) / 1e6 / (t1 - t0);
	return 0;
}

static void describe(nsbox_cgroup *cg, int version)
{
	uint64_t quota = 0, period = 0;

	if (nsbox_cgroup_get_cpu_max(cg, &quota, &period) < 0)
		return;
	if (version == 2) {
		if (quota == NSBOX_UNLIMITED)
			printf("  cpu.max = max %llu\n", (unsigned long long)period);
		else
			printf("  cpu.max = %llu %llu\n", (unsigned long long)quota,
			       (unsigned long long)period);
	} else {
		printf("  cpu.cfs_quota_us = %lld, cpu.cfs_period_us = %llu\n",
		       quota == NSBOX_UNLIMITED ? -1LL : (long long)quota,
		       (unsigned long long)period);
	}
}

int main(int argc, char **argv)
{
	nsbox_cgroup *cg = NULL;
	double secs = argc > 1 ? atof(argv[1]) : 1.0, before, after;
	char name[64], *path = NULL;
	pid_t pid = -1;
	int r, version;

	if (secs <= 0 || secs > 60) {
		fprintf(stderr, "usage: ex-cgroup-cpu [seconds]\n");
		return 2;
	}
	snprintf(name, sizeof(name), "nsbox-ex-cgroup-cpu-%d", (int)getpid());
	/* Below our own cgroup, with the cpu and cpuacct controllers (and the
	 * v2 hierarchy for membership where there is one). */
	if ((r = nsbox_cgroup_new(&cg, name, 0)) < 0 ||
	    (r = nsbox_cgroup_set_controllers(cg, NSBOX_CGROUP_CPU | NSBOX_CGROUP_CPUACCT |
							  NSBOX_CGROUP_UNIFIED)) < 0 ||
	    (r = nsbox_cgroup_create(cg)) < 0) {
		fprintf(stderr, "ex-cgroup-cpu: %s\n", nsbox_last_error());
		nsbox_cgroup_free(cg);
		return 1;
	}
	version = nsbox_cgroup_get_path(cg, NSBOX_CGROUP_CPU, &path);
	if (version > 0)
		printf("cgroup %s (cgroup v%d)\n", path, version);
	nsbox_free(path);

	pid = fork();
	if (pid < 0) {
		perror("fork");
		goto fail;
	}
	if (pid == 0) {
		volatile unsigned long n = 0;
		for (;;) /* while true; do :; done */
			n++;
	}
	if (nsbox_cgroup_attach(cg, pid) < 0)
		goto fail;
	printf("busy loop: pid %d, attached\n", (int)pid);
	describe(cg, version);
	if (measure(cg, secs, &before) < 0)
		goto fail;
	printf("  busy loop uses %5.1f%% CPU (no limit)\n", before);

	if (nsbox_cgroup_set_cpu_max(cg, 20000, 100000) < 0)
		goto fail;
	describe(cg, version);
	usleep(100000); /* let one period pass */
	if (measure(cg, secs, &after) < 0)
		goto fail;
	printf("  busy loop uses %5.1f%% CPU (quota 20000 us per 100000 us)\n", after);

	if (nsbox_cgroup_destroy(cg) < 0)
		goto fail;
	(void)waitpid(pid, NULL, 0);
	printf("busy loop killed, cgroup destroyed\n");
	nsbox_cgroup_free(cg);
	return 0;

fail:
	fprintf(stderr, "ex-cgroup-cpu: %s\n", nsbox_last_error());
	if (nsbox_cgroup_destroy(cg) < 0)
		fprintf(stderr, "ex-cgroup-cpu: cleanup: %s\n", nsbox_last_error());
	if (pid > 0)
		(void)waitpid(pid, NULL, 0);
	nsbox_cgroup_free(cg);
	return 1;
}
