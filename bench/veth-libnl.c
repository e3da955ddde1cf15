/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/veth with libnl-route-3, written the way its API is meant to be
 * used: rtnl_link_veth_add() for the pair, rtnl_link_get_kernel() +
 * rtnl_link_change() for master and up, rtnl_addr_add() for the address.
 */
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include "veth-common.h"

static struct nl_sock *sk;

static void ck(int r, const char *what)
{
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", what, nl_geterror(r));
		exit(1);
	}
}

/* Set flags (and the master when master > 0) on link name. */
static void change(const char *name, int master)
{
	struct rtnl_link *orig = NULL, *ch = rtnl_link_alloc();

	ck(rtnl_link_get_kernel(sk, 0, name, &orig), name);
	if (master > 0)
		rtnl_link_set_master(ch, master);
	rtnl_link_set_flags(ch, IFF_UP);
	ck(rtnl_link_change(sk, orig, ch, 0), name);
	rtnl_link_put(ch);
	rtnl_link_put(orig);
}

int main(int argc, char **argv)
{
	char host[16], peer[16], cidr[32];
	int ipv6, n = bench_setup(argc, argv, &ipv6);
	struct rtnl_link *br = NULL;
	int bri;
	double t0;

	sk = nl_socket_alloc();
	ck(nl_connect(sk, NETLINK_ROUTE), "connect");
	ck(rtnl_link_bridge_add(sk, "br0"), "add br0");
	change("br0", 0);
	ck(rtnl_link_get_kernel(sk, 0, "br0", &br), "br0");
	bri = rtnl_link_get_ifindex(br);
	rtnl_link_put(br);

	t0 = bench_now_ms();
	for (int i = 0; i < n; i++) {
		struct rtnl_link *p = NULL;
		struct rtnl_addr *a = rtnl_addr_alloc();
		struct nl_addr *local = NULL;

		bench_names(i, host, peer, cidr);
		ck(rtnl_link_veth_add(sk, host, peer, getpid()), "veth");
		change(host, bri);
		change(peer, 0);
		ck(rtnl_link_get_kernel(sk, 0, peer, &p), peer);
		ck(nl_addr_parse(cidr, AF_INET, &local), cidr);
		rtnl_addr_set_ifindex(a, rtnl_link_get_ifindex(p));
		ck(rtnl_addr_set_local(a, local), "local");
		ck(rtnl_addr_add(sk, a, 0), "addr");
		nl_addr_put(local);
		rtnl_addr_put(a);
		rtnl_link_put(p);
	}
	bench_report("libnl-route-3", n, ipv6, bench_now_ms() - t0);
	nl_socket_free(sk);
	return 0;
}
