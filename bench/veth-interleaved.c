/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/veth, interleaved: libnsbox, the minimal libmnl program's requests
 * and libnl-route-3 in one process, each in a network namespace of its own,
 * taking turns pair by pair, so all three see the same machine noise and
 * the same growth of their namespaces. The steps per pair are those of the
 * one-tool programs (veth-pair-*.c).
 *
 * The turn order goes through all six orders, so each tool follows each
 * other one equally often, and each turn starts after a pause (not timed)
 * in which the kernel finishes what the previous turn left to its workers
 * (link-watch events, bridge port changes under the rtnl lock): without
 * it, that work lands in whichever turn comes next and is counted against
 * the wrong tool. So these rows count each tool's own requests; the
 * separate runs of bench/veth count its deferred kernel work too.
 * Usage: veth-interleaved N [ipv6]
 */
#include "veth-common.h"
#include "veth-pairs.h"

/* A fresh netns (IPv6 off unless asked); returns its fd, the caller stays where it was. */
static int make_ns(int ipv6)
{
	int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC), fd;

	if (self < 0 || unshare(CLONE_NEWNET) < 0)
		bench_die("unshare", errno);
	if (!ipv6) {
		bench_write("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
		bench_write("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	}
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(self, CLONE_NEWNET) < 0)
		bench_die("setns", errno);
	close(self);
	return fd;
}

static double thread_cpu_ms(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

int main(int argc, char **argv)
{
	struct {
		const char *name;
		void (*pair)(const char *, const char *, const char *);
		double wall, cpu;
	} tools[] = {
		{"libnsbox", nsbox_pair, 0, 0},
		{"libmnl-minimal", mnl_pair, 0, 0},
		{"libnl-route-3", libnl_pair, 0, 0},
	};
	int n, ipv6;
	char host[16], peer[16], cidr[32];

	if (argc < 2 || (n = atoi(argv[1])) <= 0 || n > 60000) {
		fprintf(stderr, "usage: %s N [ipv6]\n", argv[0]);
		return 2;
	}
	ipv6 = argc > 2 && strcmp(argv[2], "ipv6") == 0;
	/* Stay out of the caller's namespace entirely: a private one to start from. */
	if (unshare(CLONE_NEWNET) < 0)
		bench_die("unshare", errno);
	nsbox_init(make_ns(ipv6));
	mnl_init(make_ns(ipv6));
	libnl_init(make_ns(ipv6));

	for (int i = 0; i < n; i++) {
		bench_names(i, host, peer, cidr);
		static const int order[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2},
						 {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
		for (int k = 0; k < 3; k++) {
			int t = order[i % 6][k];
			(void)usleep(2000); /* the previous turn's deferred work */
			double w0 = bench_now_ms(), c0 = thread_cpu_ms();
			tools[t].pair(host, peer, cidr);
			tools[t].cpu += thread_cpu_ms() - c0;
			tools[t].wall += bench_now_ms() - w0;
		}
	}
	for (int t = 0; t < 3; t++)
		printf("interleaved %s n=%d ipv6=%s total_ms=%.1f per_pair_ms=%.3f "
		       "cpu_per_pair_ms=%.3f\n",
		       tools[t].name, n, ipv6 ? "on" : "off", tools[t].wall, tools[t].wall / n,
		       tools[t].cpu / n);
	return 0;
}
