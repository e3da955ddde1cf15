/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* bench/veth with libnsbox: a bridge and N veth pairs, host end on the
 * bridge, both ends up, an IPv4 address on each peer. Per pair: one call
 * makes the pair with the host end on the bridge and up and brings the
 * peer up (two requests), one adds the address (one request, and an ioctl
 * for the peer's index). */
#include <nsbox/netlink.h>

#include "veth-common.h"

int main(int argc, char **argv)
{
	char host[16], peer[16], cidr[32];
	nsbox_netlink *nl = NULL;
	int ipv6, n = bench_setup(argc, argv, &ipv6);
	const uint32_t both_up = NSBOX_NETLINK_VETH_UP | NSBOX_NETLINK_VETH_PEER_UP;
	double t0, c0;

#define CK(x)                                                                                      \
	do {                                                                                       \
		int _r = (x);                                                                      \
		if (_r < 0) {                                                                      \
			fprintf(stderr, "%s\n", nsbox_last_error());                               \
			return 1;                                                                  \
		}                                                                                  \
	} while (0)

	CK(nsbox_netlink_new(&nl));
	CK(nsbox_netlink_add_bridge(nl, "br0"));
	CK(nsbox_netlink_set_up(nl, "br0"));
	t0 = bench_now_ms();
	c0 = bench_cpu_ms();
	for (int i = 0; i < n; i++) {
		bench_names(i, host, peer, cidr);
		CK(nsbox_netlink_add_veth_bridged(nl, host, peer, -1, "br0", both_up));
		CK(nsbox_netlink_add_addr(nl, peer, cidr, 0));
	}
	bench_report("libnsbox", n, ipv6, bench_now_ms() - t0, bench_cpu_ms() - c0);
	nsbox_netlink_free(nl);
	return 0;
}
