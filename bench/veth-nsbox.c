/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench/veth with libnsbox: a bridge and N veth pairs in a fresh network
 * namespace, host end on the bridge, both ends up, an IPv4 address on each
 * peer; the steps are in veth-pair-nsbox.c. Usage: veth-nsbox N [ipv6] */
#include "veth-common.h"
#include "veth-pairs.h"

int main(int argc, char **argv)
{
	char host[16], peer[16], cidr[32];
	int ipv6, n = bench_setup(argc, argv, &ipv6);
	double t0, c0;

	nsbox_init(-1);
	t0 = bench_now_ms();
	c0 = bench_cpu_ms();
	for (int i = 0; i < n; i++) {
		bench_names(i, host, peer, cidr);
		nsbox_pair(host, peer, cidr);
	}
	bench_report("libnsbox", n, ipv6, bench_now_ms() - t0, bench_cpu_ms() - c0);
	nsbox_fini();
	return 0;
}
