/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/veth, minimal hand-written libmnl: the floor a library can reach.
 * Per pair: create the veth pair; one RTM_SETLINK puts the host end on the
 * bridge and up at once; one sets the peer up; one RTM_GETLINK finds the
 * peer's index; one RTM_NEWADDR. Every request is ACKed and checked. No
 * validation, no messages, no name lookups beyond the one the address needs.
 */
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <libmnl/libmnl.h>

#include "veth-common.h"
#include "veth-pairs.h"

static struct mnl_socket *mn;
static char buf[8192] __attribute__((aligned(8)));
static char rbuf[32768] __attribute__((aligned(8)));
static unsigned int seq, portid;
static int mnl_br;
#define NLH ((struct nlmsghdr *)buf)

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	*(int *)data = ifi->ifi_index;
	return MNL_CB_OK;
}

static void talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	ssize_t n;
	int r;

	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	if (mnl_socket_sendto(mn, nlh, nlh->nlmsg_len) < 0)
		bench_die("send", errno);
	do {
		n = mnl_socket_recvfrom(mn, rbuf, sizeof(rbuf));
		if (n < 0)
			bench_die("recv", errno);
		r = mnl_cb_run(rbuf, (size_t)n, seq, portid, cb, data);
	} while (r > 0);
	if (r < 0)
		bench_die("request", errno);
}

static struct ifinfomsg *link_req(uint16_t type, uint16_t flags, const char *name)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	return ifi;
}

void mnl_init(int nsfd)
{
	int saved, one = 1;
	struct ifinfomsg *ifi;
	struct nlattr *li;

	saved = bench_enter(nsfd);
	mn = mnl_socket_open(NETLINK_ROUTE);
	bench_leave(saved);
	if (!mn || mnl_socket_bind(mn, 0, MNL_SOCKET_AUTOPID) < 0)
		bench_die("netlink", errno);
	mnl_socket_setsockopt(mn, NETLINK_CAP_ACK, &one, sizeof(one));
	portid = mnl_socket_get_portid(mn);
	ifi = link_req(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, "br0");
	li = mnl_attr_nest_start(NLH, IFLA_LINKINFO);
	mnl_attr_put_strz(NLH, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(NLH, li);
	ifi->ifi_change = ifi->ifi_flags = IFF_UP;
	talk(NLH, NULL, NULL);
	link_req(RTM_GETLINK, 0, "br0");
	talk(NLH, index_cb, &mnl_br);
}

void mnl_pair(const char *host, const char *peer, const char *cidr)
{
	struct ifinfomsg *ifi;
	struct ifaddrmsg *ifa;
	struct nlattr *li, *data, *pi;
	struct in_addr a;
	char ip[32];
	int pidx = 0;

	link_req(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, host);
	li = mnl_attr_nest_start(NLH, IFLA_LINKINFO);
	mnl_attr_put_strz(NLH, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(NLH, IFLA_INFO_DATA);
	pi = mnl_attr_nest_start(NLH, VETH_INFO_PEER);
	mnl_nlmsg_put_extra_header(NLH, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(NLH, IFLA_IFNAME, peer);
	mnl_attr_nest_end(NLH, pi);
	mnl_attr_nest_end(NLH, data);
	mnl_attr_nest_end(NLH, li);
	talk(NLH, NULL, NULL);

	ifi = link_req(RTM_SETLINK, 0, host);
	ifi->ifi_change = ifi->ifi_flags = IFF_UP;
	mnl_attr_put_u32(NLH, IFLA_MASTER, (uint32_t)mnl_br);
	talk(NLH, NULL, NULL);

	ifi = link_req(RTM_SETLINK, 0, peer);
	ifi->ifi_change = ifi->ifi_flags = IFF_UP;
	talk(NLH, NULL, NULL);

	link_req(RTM_GETLINK, 0, peer);
	mnl_attr_put_u32(NLH, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	talk(NLH, index_cb, &pidx);

	snprintf(ip, sizeof(ip), "%s", cidr);
	*strchr(ip, '/') = '\0';
	inet_pton(AF_INET, ip, &a);
	{
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_NEWADDR;
		nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
		ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_INET;
		ifa->ifa_prefixlen = (unsigned char)atoi(strchr(cidr, '/') + 1);
		ifa->ifa_index = (unsigned)pidx;
		mnl_attr_put(nlh, IFA_LOCAL, 4, &a);
		mnl_attr_put(nlh, IFA_ADDRESS, 4, &a);
		talk(nlh, NULL, NULL);
	}
}

void mnl_fini(void)
{
	mnl_socket_close(mn);
	mn = NULL;
}
