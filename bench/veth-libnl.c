/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/veth with libnl-route-3, written the way its API is meant to be
 * used, one call per step like the other tools: rtnl_link_veth_add() for
 * the pair, rtnl_link_enslave_ifindex() to attach (libnl's call for it,
 * which reads the link back to check), rtnl_link_change() for up,
 * rtnl_addr_add() for the address; links are fetched with
 * rtnl_link_get_kernel() where an index or the current state is needed.
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

/* Bring link up: libnl's change request, built from the link as fetched. */
static void up(struct rtnl_link *orig)
{
	struct rtnl_link *ch = rtnl_link_alloc();

	rtnl_link_set_flags(ch, IFF_UP);
	ck(rtnl_link_change(sk, orig, ch, 0), "up");
	rtnl_link_put(ch);
}

int main(int argc, char **argv)
{
	char host[16], peer[16], cidr[32];
	int ipv6, n = bench_setup(argc, argv, &ipv6);
	struct rtnl_link *br = NULL;
	int bri;
	double t0, c0;

	sk = nl_socket_alloc();
	ck(nl_connect(sk, NETLINK_ROUTE), "connect");
	ck(rtnl_link_bridge_add(sk, "br0"), "add br0");
	ck(rtnl_link_get_kernel(sk, 0, "br0", &br), "br0");
	up(br);
	bri = rtnl_link_get_ifindex(br);
	rtnl_link_put(br);

	t0 = bench_now_ms();
	c0 = bench_cpu_ms();
	for (int i = 0; i < n; i++) {
		struct rtnl_link *h = NULL, *p = NULL;
		struct rtnl_addr *a = rtnl_addr_alloc();
		struct nl_addr *local = NULL;

		bench_names(i, host, peer, cidr);
		ck(rtnl_link_veth_add(sk, host, peer, getpid()), "veth");
		ck(rtnl_link_get_kernel(sk, 0, host, &h), host);
		ck(rtnl_link_enslave_ifindex(sk, bri, rtnl_link_get_ifindex(h)), "enslave");
		up(h);
		ck(rtnl_link_get_kernel(sk, 0, peer, &p), peer);
		up(p);
		ck(nl_addr_parse(cidr, AF_INET, &local), cidr);
		rtnl_addr_set_ifindex(a, rtnl_link_get_ifindex(p));
		ck(rtnl_addr_set_local(a, local), "local");
		ck(rtnl_addr_add(sk, a, 0), "addr");
		nl_addr_put(local);
		rtnl_addr_put(a);
		rtnl_link_put(p);
		rtnl_link_put(h);
	}
	bench_report("libnl-route-3", n, ipv6, bench_now_ms() - t0, bench_cpu_ms() - c0);
	nl_socket_free(sk);
	return 0;
}
