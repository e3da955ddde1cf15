/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/veth, libnsbox's steps. Per pair: one call makes the pair with the
 * host end on the bridge and up and brings the peer up (the pair and the
 * port in one RTM_NEWLINK, then the peer's up and the host end's up), one
 * adds the address (one request, and an ioctl for the peer's index).
 */
#include <nsbox/netlink.h>

#include "veth-common.h"
#include "veth-pairs.h"

static nsbox_netlink *nb;

void nsbox_init(int nsfd)
{
	int r = nsfd < 0 ? nsbox_netlink_new(&nb) : nsbox_netlink_new_nsfd(&nb, nsfd);

	if (r < 0 || nsbox_netlink_add_bridge(nb, "br0") < 0 || nsbox_netlink_set_up(nb, "br0") < 0)
		bench_die(nsbox_last_error(), EIO);
}

void nsbox_pair(const char *host, const char *peer, const char *cidr)
{
	const uint32_t both_up = NSBOX_NETLINK_VETH_UP | NSBOX_NETLINK_VETH_PEER_UP;

	if (nsbox_netlink_add_veth_bridged(nb, host, peer, -1, "br0", both_up) < 0 ||
	    nsbox_netlink_add_addr(nb, peer, cidr, 0) < 0)
		bench_die(nsbox_last_error(), EIO);
}

void nsbox_fini(void)
{
	nsbox_netlink_free(nb);
	nb = NULL;
}
