/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsbox-bench-many ROOTFS [N [cgroup]]: issue 7's many-containers
 * measurement. Starts N containers (default 1000) on ROOTFS one after
 * another, each running "true" and reaped before the next, and prints the
 * time per container and the parent's resident memory after 100 and after
 * N (it must stay flat); then starts 100 containers at once ("sleep 1"),
 * waits for all, and prints the start time and the memory again. With
 * "cgroup", each container is also given a cgroup not yet created (pids
 * and memory limits), which its start makes and its wait removes. Every
 * handle is freed; nothing is left behind (check with ps,
 * /proc/self/mountinfo and the cgroup hierarchies).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			v = atol(line + 6);
	fclose(f);
	return v;
}

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int with_cgroup;

static nsbox_container *make(const char *root, const char *script, int i)
{
	nsbox_container *c = NULL;
	nsbox_cgroup *cg = NULL;
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	char name[64];
	int r;

	r = nsbox_container_new(&c);
	if (r >= 0)
		r = nsbox_container_set_root(c, root, 0);
	if (r >= 0)
		r = nsbox_container_set_argv(c, argv);
	if (r >= 0 && with_cgroup) {
		snprintf(name, sizeof(name), "nsbox-bench-many-%d-%d", (int)getpid(), i);
		r = nsbox_cgroup_new(&cg, name, 0);
		if (r >= 0)
			r = nsbox_cgroup_set_controllers(cg, NSBOX_CGROUP_PIDS | NSBOX_CGROUP_MEMORY |
								 NSBOX_CGROUP_UNIFIED);
		if (r >= 0)
			r = nsbox_cgroup_set_pids_max(cg, 64);
		if (r >= 0)
			r = nsbox_cgroup_set_memory_max(cg, 64 << 20);
		if (r >= 0)
			r = nsbox_container_set_cgroup(c, cg);
		nsbox_cgroup_free(cg);
	}
	if (r < 0) {
		fprintf(stderr, "nsbox-bench-many: %s\n", nsbox_last_error());
		exit(1);
	}
	return c;
}

int main(int argc, char **argv)
{
	nsbox_container *many[100];
	int n = argc > 2 ? atoi(argv[2]) : 1000, code;
	long rss100 = -1;
	double t, started;

	with_cgroup = argc > 3 && strcmp(argv[3], "cgroup") == 0;
	if (argc < 2 || n < 100 || (argc > 3 && !with_cgroup)) {
		fprintf(stderr, "usage: nsbox-bench-many ROOTFS [N >= 100 [cgroup]]\n");
		return 2;
	}
	t = now();
	for (int i = 0; i < n; i++) {
		nsbox_container *c = make(argv[1], "true", i);
		if (nsbox_container_run(c, &code, NULL) < 0 || code != 0) {
			fprintf(stderr, "nsbox-bench-many: container %d: %s\n", i, nsbox_last_error());
			return 1;
		}
		nsbox_container_free(c);
		if (i == 99)
			rss100 = rss_kb();
	}
	printf("%d one after another: %.2f ms each; parent RSS after 100: %ld kB, after %d: %ld kB\n",
	       n, (now() - t) * 1e3 / n, rss100, n, rss_kb());
	t = now();
	for (int i = 0; i < 100; i++) {
		many[i] = make(argv[1], "sleep 1", n + i);
		if (nsbox_container_start(many[i]) < 0) {
			fprintf(stderr, "nsbox-bench-many: container %d: %s\n", i, nsbox_last_error());
			return 1;
		}
	}
	started = now() - t;
	for (int i = 0; i < 100; i++) {
		if (nsbox_container_wait(many[i], &code, NULL) < 0 || code != 0) {
			fprintf(stderr, "nsbox-bench-many: container %d: %s\n", i, nsbox_last_error());
			return 1;
		}
		nsbox_container_free(many[i]);
	}
	printf("100 at once: all started in %.1f ms (%.2f ms each), all reaped after %.1f ms; "
	       "parent RSS %ld kB\n",
	       started * 1e3, started * 10, (now() - t) * 1e3, rss_kb());
	return 0;
}
