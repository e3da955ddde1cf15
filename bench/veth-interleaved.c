/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/veth, interleaved: libnsbox, the minimal libmnl program's requests
 * and libnl-route-3 in one process, each in a network namespace of its own,
 * taking turns pair by pair, so all three see the same machine noise and
 * the same growth of their namespaces. The steps per pair are those of
 * veth-nsbox.c, veth-mnl.c and veth-libnl.c.
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
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <libmnl/libmnl.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <nsbox/netlink.h>

#include "veth-common.h"

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

static void enter(int nsfd, int *saved)
{
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0 || setns(nsfd, CLONE_NEWNET) < 0)
		bench_die("setns", errno);
}

static void leave(int saved)
{
	if (setns(saved, CLONE_NEWNET) < 0)
		bench_die("setns back", errno);
	close(saved);
}

/* ---- libnsbox ---- */
static nsbox_netlink *nb;

static void nsbox_init(int nsfd)
{
	if (nsbox_netlink_new_nsfd(&nb, nsfd) < 0 || nsbox_netlink_add_bridge(nb, "br0") < 0 ||
	    nsbox_netlink_set_up(nb, "br0") < 0)
		bench_die(nsbox_last_error(), EIO);
}

static void nsbox_pair(const char *host, const char *peer, const char *cidr)
{
	const uint32_t both_up = NSBOX_NETLINK_VETH_UP | NSBOX_NETLINK_VETH_PEER_UP;

	if (nsbox_netlink_add_veth_bridged(nb, host, peer, -1, "br0", both_up) < 0 ||
	    nsbox_netlink_add_addr(nb, peer, cidr, 0) < 0)
		bench_die(nsbox_last_error(), EIO);
}

/* ---- minimal libmnl (as veth-mnl.c) ---- */
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

static void mnl_init(int nsfd)
{
	int saved, one = 1;
	struct ifinfomsg *ifi;
	struct nlattr *li;

	enter(nsfd, &saved);
	mn = mnl_socket_open(NETLINK_ROUTE);
	leave(saved);
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

static void mnl_pair(const char *host, const char *peer, const char *cidr)
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

/* ---- libnl-route-3 (as veth-libnl.c) ---- */
static struct nl_sock *sk;
static int nl_br;

static void ck(int r, const char *what)
{
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", what, nl_geterror(r));
		exit(1);
	}
}

static void up(struct rtnl_link *orig)
{
	struct rtnl_link *ch = rtnl_link_alloc();

	rtnl_link_set_flags(ch, IFF_UP);
	ck(rtnl_link_change(sk, orig, ch, 0), "up");
	rtnl_link_put(ch);
}

static void libnl_init(int nsfd)
{
	struct rtnl_link *br = NULL;
	int saved;

	enter(nsfd, &saved);
	sk = nl_socket_alloc();
	ck(nl_connect(sk, NETLINK_ROUTE), "connect");
	leave(saved);
	ck(rtnl_link_bridge_add(sk, "br0"), "add br0");
	ck(rtnl_link_get_kernel(sk, 0, "br0", &br), "br0");
	up(br);
	nl_br = rtnl_link_get_ifindex(br);
	rtnl_link_put(br);
}

static void libnl_pair(const char *host, const char *peer, const char *cidr)
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
