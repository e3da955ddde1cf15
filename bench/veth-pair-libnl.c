/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/veth with libnl-route-3, written the way its API is meant to be
 * used, one call per step like the other tools: the veth pair added with
 * rtnl_link_add() (what rtnl_link_veth_add() sends, without naming a pid's
 * namespace for the peer, so the socket's own is used),
 * rtnl_link_enslave_ifindex() to attach (libnl's call for it, which reads
 * the link back to check), rtnl_link_change() for up, rtnl_addr_add() for
 * the address; links are fetched with rtnl_link_get_kernel() where an index
 * or the current state is needed.
 */
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include "veth-common.h"
#include "veth-pairs.h"

static struct nl_sock *sk;
static int nl_br;

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

void libnl_init(int nsfd)
{
	struct rtnl_link *br = NULL;
	int saved;

	saved = bench_enter(nsfd);
	sk = nl_socket_alloc();
	ck(nl_connect(sk, NETLINK_ROUTE), "connect");
	bench_leave(saved);
	ck(rtnl_link_bridge_add(sk, "br0"), "add br0");
	ck(rtnl_link_get_kernel(sk, 0, "br0", &br), "br0");
	up(br);
	nl_br = rtnl_link_get_ifindex(br);
	rtnl_link_put(br);
}

void libnl_pair(const char *host, const char *peer, const char *cidr)
{
	struct rtnl_link *v = rtnl_link_veth_alloc(), *h = NULL, *p = NULL;
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = NULL;

	/* rtnl_link_veth_add() names a pid for the peer's namespace; the
	 * socket's own namespace is wanted here, so build the same request. */
	rtnl_link_set_name(v, host);
	rtnl_link_set_name(rtnl_link_veth_get_peer(v), peer);
	ck(rtnl_link_add(sk, v, NLM_F_CREATE | NLM_F_EXCL), "veth");
	rtnl_link_veth_release(v);
	ck(rtnl_link_get_kernel(sk, 0, host, &h), host);
	ck(rtnl_link_enslave_ifindex(sk, nl_br, rtnl_link_get_ifindex(h)), "enslave");
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

void libnl_fini(void)
{
	nl_socket_free(sk);
	sk = NULL;
}
