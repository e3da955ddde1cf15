/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsbox-bench-many ROOTFS [N]: issue 7's many-containers measurement.
 * Starts N containers (default 1000) on ROOTFS one after another, each
 * running "true" and reaped before the next, and prints the time per
 * container and the parent's resident memory after 100 and after N (it
 * must stay flat); then starts 100 containers at once ("sleep 1"), waits
 * for all, and prints the start time and the memory again. Every handle is
 * freed; nothing is left behind (check with ps and /proc/self/mountinfo).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static nsbox_container *make(const char *root, const char *script)
{
	nsbox_container *c = NULL;
	const char *argv[] = {"/bin/sh", "-c", script, NULL};

	if (nsbox_container_new(&c) < 0 || nsbox_container_set_root(c, root, 0) < 0 ||
	    nsbox_container_set_argv(c, argv) < 0) {
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

	if (argc < 2 || n < 100) {
		fprintf(stderr, "usage: nsbox-bench-many ROOTFS [N >= 100]\n");
		return 2;
	}
	t = now();
	for (int i = 0; i < n; i++) {
		nsbox_container *c = make(argv[1], "true");
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
		many[i] = make(argv[1], "sleep 1");
		if (nsbox_container_start(many[i]) < 0) {
			fprintf(stderr, "nsbox-bench-many: container %d: %s\n", i, nsbox_last_error());
			return 1;
		}
	}
	started = now() - t;
	for (int i = 0; i < 100; i++) {
		if (nsbox_container_wait(many[i], &code, NULL) < 0 || code != 0)
			return 1;
		nsbox_container_free(many[i]);
	}
	printf("100 at once: all started in %.1f ms (%.2f ms each), all reaped after %.1f ms; "
	       "parent RSS %ld kB\n",
	       started * 1e3, started * 10, (now() - t) * 1e3, rss_kb());
	return 0;
}
