/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the bench/veth-* programs: enter a fresh network namespace
 * (IPv6 off unless asked), name the pairs and addresses, time the loop.
 * Usage of every program: veth-<tool> N [ipv6]
 */
#ifndef BENCH_VETH_COMMON_H
#define BENCH_VETH_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

static inline void bench_die(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static inline void bench_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		bench_die(path, errno);
	close(fd);
}

/* Parse argv, move into a fresh netns; returns N. */
static inline int bench_setup(int argc, char **argv, int *ipv6)
{
	int n;

	if (argc < 2 || (n = atoi(argv[1])) <= 0 || n > 60000) {
		fprintf(stderr, "usage: %s N [ipv6]\n", argv[0]);
		exit(2);
	}
	*ipv6 = argc > 2 && strcmp(argv[2], "ipv6") == 0;
	if (unshare(CLONE_NEWNET) < 0)
		bench_die("unshare(CLONE_NEWNET)", errno);
	if (!*ipv6) {
		bench_write("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
		bench_write("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	}
	return n;
}

static inline void bench_names(int i, char *host, char *peer, char *cidr)
{
	snprintf(host, 16, "vh%d", i);
	snprintf(peer, 16, "vp%d", i);
	snprintf(cidr, 32, "10.200.%d.%d/16", i / 250, i % 250 + 2);
}

static inline double bench_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* CPU time (user + system) of this process so far. */
static inline double bench_cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

/* Switch this thread into the network namespace nsfd (-1: stay), and back. */
static inline int bench_enter(int nsfd)
{
	int saved;

	if (nsfd < 0)
		return -1;
	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0 || setns(nsfd, CLONE_NEWNET) < 0)
		bench_die("setns", errno);
	return saved;
}

static inline void bench_leave(int saved)
{
	if (saved < 0)
		return;
	if (setns(saved, CLONE_NEWNET) < 0)
		bench_die("setns back", errno);
	close(saved);
}

static inline void bench_report(const char *tool, int n, int ipv6, double ms, double cpu_ms)
{
	printf("%s n=%d ipv6=%s total_ms=%.1f per_pair_ms=%.3f cpu_per_pair_ms=%.3f\n", tool, n,
	       ipv6 ? "on" : "off", ms, ms / n, cpu_ms / n);
}

#endif
