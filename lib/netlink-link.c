/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Links: RTM_NEWLINK / RTM_SETLINK / RTM_DELLINK / RTM_GETLINK requests.
 *
 * Links are named in requests by IFLA_IFNAME with ifi_index 0 wherever the
 * kernel accepts that (set, delete, get), so most changes cost exactly one
 * round trip; the kernel resolves the name under its own lock, with no
 * window between a lookup and the change.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include "error.h"
#include "macro.h"
#include "netlink-internal.h"
#include "system.h"

static struct ifinfomsg *put_ifi(struct nlmsghdr *nlh)
{
	struct ifinfomsg *ifi = nsb_mnl.mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	return ifi;
}

/* A request that names an existing link: ifinfomsg with index 0 + IFLA_IFNAME. */
static struct nlmsghdr *link_msg(nsbox_netlink *nl, uint16_t type, uint16_t flags,
				 const char *name, struct ifinfomsg **out_ifi)
{
	struct nlmsghdr *nlh = nsb_nl_msg(nl, type, flags);
	struct ifinfomsg *ifi = put_ifi(nlh);

	nsb_mnl.mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (out_ifi)
		*out_ifi = ifi;
	return nlh;
}

/* ---- reading a link ------------------------------------------------------ */

static int linkinfo_cb(const struct nlattr *attr, void *data)
{
	struct nsb_nl_link *l = data;

	if (nsb_mnl.mnl_attr_type_valid(attr, IFLA_INFO_MAX) < 0)
		return MNL_CB_OK;
	if (nsb_mnl.mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    nsb_mnl.mnl_attr_validate(attr, MNL_TYPE_STRING) >= 0) {
		size_t n = nsb_mnl.mnl_attr_get_payload_len(attr);
		const char *s = nsb_mnl.mnl_attr_get_payload(attr);
		n = strnlen(s, n);
		if (n >= sizeof(l->kind))
			n = sizeof(l->kind) - 1;
		memcpy(l->kind, s, n);
		l->kind[n] = '\0';
	}
	return MNL_CB_OK;
}

static int link_attr_cb(const struct nlattr *attr, void *data)
{
	struct nsb_nl_link *l = data;
	uint16_t type = nsb_mnl.mnl_attr_get_type(attr);

	/* Attributes this library does not know are skipped, never read. */
	if (nsb_mnl.mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_IFNAME:
		if (nsb_mnl.mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
			const char *s = nsb_mnl.mnl_attr_get_str(attr);
			size_t n = strnlen(s, sizeof(l->name) - 1);
			memcpy(l->name, s, n);
			l->name[n] = '\0';
		}
		break;
	case IFLA_MTU:
		if (nsb_mnl.mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			l->mtu = nsb_mnl.mnl_attr_get_u32(attr);
		break;
	case IFLA_MASTER:
		if (nsb_mnl.mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			l->master = (int)nsb_mnl.mnl_attr_get_u32(attr);
		break;
	case IFLA_LINK:
		if (nsb_mnl.mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			l->link = (int)nsb_mnl.mnl_attr_get_u32(attr);
		break;
	case IFLA_LINKINFO:
		if (nsb_mnl.mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0)
			(void)nsb_mnl.mnl_attr_parse_nested(attr, linkinfo_cb, l);
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int parse_link(const struct nlmsghdr *nlh, struct nsb_nl_link *l)
{
	const struct ifinfomsg *ifi;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return 0;
	if (nsb_mnl.mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	ifi = nsb_mnl.mnl_nlmsg_get_payload(nlh);
	memset(l, 0, sizeof(*l));
	l->index = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	if (nsb_mnl.mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, l) < 0)
		return -EBADMSG;
	return 1;
}

static int get_link_cb(const struct nlmsghdr *nlh, void *data)
{
	int r = parse_link(nlh, data);

	return r < 0 ? r : 0;
}

int nsb_nl_link_get(nsbox_netlink *nl, const char *name, struct nsb_nl_link *out)
{
	struct nsb_nl_link l = {.index = 0};
	struct nlmsghdr *nlh = link_msg(nl, RTM_GETLINK, 0, name, NULL);
	int r;

	/* Leave out the statistics: a smaller, cheaper reply. */
	nsb_mnl.mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nsb_nl_talk(nl, nlh, get_link_cb, &l);
	if (r < 0)
		return r;
	if (l.index <= 0)
		return -ENODEV;
	*out = l;
	return 0;
}

/*
 * The fast path to an index: SIOCGIFINDEX on the rtnetlink socket itself.
 * Netlink sockets pass interface ioctls on to the device layer of the
 * socket's own namespace, so this answers for the handle's namespace with
 * one syscall and no message to build or parse. Returns the index or a
 * negative errno (-ENODEV: no such link); sets no message.
 */
static int index_ioctl(const nsbox_netlink *nl, const char *name)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strnlen(name, IF_NAMESIZE - 1));
	if (ioctl(nl->fd, SIOCGIFINDEX, &ifr) < 0)
		return NSB_NEG_ERRNO();
	return ifr.ifr_ifindex > 0 ? ifr.ifr_ifindex : -ENODEV;
}

int nsb_nl_link_index(nsbox_netlink *nl, const char *name)
{
	struct nsb_nl_link l;
	int r;

	/* Should a kernel refuse the ioctl, ask with RTM_GETLINK. */
	r = index_ioctl(nl, name);
	if (r > 0)
		return r;
	nl->ext[0] = '\0';
	if (r == -ENODEV)
		return nsb_nl_fail(nl, -ENODEV, "find link %s", name);
	r = nsb_nl_link_get(nl, name, &l);
	if (r < 0)
		return nsb_nl_fail(nl, r, "find link %s", name);
	return l.index;
}

/* ---- creating links ----------------------------------------------------- */

static void put_netns(struct nlmsghdr *nlh, int ns_kind, int ns_val)
{
	if (ns_kind == NSB_NL_NS_FD)
		nsb_mnl.mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)ns_val);
	else if (ns_kind == NSB_NL_NS_PID)
		nsb_mnl.mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)ns_val);
}

static void describe_ns(char *buf, size_t len, int ns_kind, int ns_val)
{
	if (ns_kind == NSB_NL_NS_FD)
		(void)snprintf(buf, len, "netns fd %d", ns_val);
	else if (ns_kind == NSB_NL_NS_PID)
		(void)snprintf(buf, len, "netns of pid %d", ns_val);
	else
		buf[0] = '\0';
}

/* "add veth NAME peer PEER[ in WHERE][ on bridge MASTER]", for messages. */
static void describe_veth(char *buf, size_t len, const char *name, const char *peer, int ns_kind,
			  int ns_val, const char *master)
{
	char where[64];

	describe_ns(where, sizeof(where), ns_kind, ns_val);
	(void)snprintf(buf, len, "add veth %s peer %s%s%s%s%s", name, peer, where[0] ? " in " : "",
		       where, master ? " on bridge " : "", master ? master : "");
}

/*
 * The kernel refuses a master that takes no ports with -EOPNOTSUPP and no
 * text. Only then is the master's kind worth a lookup, to say so: true (and
 * its kind in kind[32]) when it is not a bridge. The lookup is a request of
 * its own; the kernel's text of the refusal is kept in nl->ext.
 */
static bool master_not_bridge(nsbox_netlink *nl, const char *master, char kind[32])
{
	struct nsb_nl_link m = {.index = 0};
	char ext[sizeof(nl->ext)];
	bool not_bridge;

	memcpy(ext, nl->ext, sizeof(ext));
	not_bridge = nsb_nl_link_get(nl, master, &m) >= 0 && strcmp(m.kind, "bridge") != 0;
	memcpy(nl->ext, ext, sizeof(ext));
	if (not_bridge)
		(void)snprintf(kind, 32, "%s", m.kind[0] ? m.kind : "none");
	return not_bridge;
}

/* A veth request failed with r: the message, saying what the kernel does not. */
static int veth_fail(nsbox_netlink *nl, int r, const char *name, const char *peer, int ns_kind,
		     int ns_val, const char *master)
{
	char what[160], kind[32];

	describe_veth(what, sizeof(what), name, peer, ns_kind, ns_val, master);
	if (r == -EOPNOTSUPP && master && master_not_bridge(nl, master, kind))
		return nsb_set_error_msg(-EOPNOTSUPP, "%s: %s is not a bridge (kind \"%s\")", what,
					 master, kind);
	/* The kernel names neither end when one is taken: find out which. */
	if (r == -EEXIST) {
		bool same_ns = ns_kind == NSB_NL_NS_NONE;

		if (same_ns && strcmp(name, peer) == 0)
			return nsb_nl_fail(nl, r, "%s: both ends have the same name", what);
		if (index_ioctl(nl, name) > 0)
			return nsb_nl_fail(nl, r, "%s: a link named %s already exists", what, name);
		if (!same_ns || index_ioctl(nl, peer) > 0)
			return nsb_nl_fail(nl, r, "%s: a link named %s already exists%s", what,
					   peer, same_ns ? "" : " there");
	}
	return nsb_nl_fail(nl, r, "%s", what);
}

/*
 * Bring a new peer up. The kernel cannot do it in the request that creates
 * the pair: veth configures the peer before the two ends are joined, and
 * refuses to open an end that has no partner yet (-ENOTCONN). So this is a
 * second request, in the peer's namespace: on this handle, or on a
 * short-lived handle opened there. Sets the message.
 */
static int peer_up(nsbox_netlink *nl, const char *peer, int ns_kind, int ns_val)
{
	nsbox_netlink *there = NULL;
	int r;

	if (ns_kind == NSB_NL_NS_NONE)
		return nsb_nl_link_set_updown(nl, peer, true);
	if (ns_kind == NSB_NL_NS_PID) {
		nsb_autoclose int pidfd = nsb_sys_pidfd_open((pid_t)ns_val, 0);

		if (pidfd < 0)
			return nsb_set_error(pidfd, "open netns of pid %d", ns_val);
		r = nsb_nl_open(&there, pidfd, CLONE_NEWNET);
	} else {
		r = nsb_nl_open(&there, ns_val, CLONE_NEWNET);
	}
	if (r < 0)
		return r;
	r = nsb_nl_link_set_updown(there, peer, true);
	nsbox_netlink_free(there);
	return r;
}

int nsb_nl_link_add_veth(nsbox_netlink *nl, const char *name, const char *peer, int ns_kind,
			 int ns_val, const char *master, uint32_t flags)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *linkinfo, *data, *peerinfo;
	/*
	 * With both ends to bring up, the first end goes up last, after its
	 * peer. A bridge enables a port (a walk over all its ports) when the
	 * port goes up with its carrier; a veth end brought up before its
	 * peer has no carrier, but the kernel has not yet marked it so, and
	 * the bridge enables it, disables it when link-watch catches up, and
	 * enables it again once the peer is up. Up after the peer, the port is
	 * enabled once: with 1000 ports, 7 to 10 % less CPU per pair (3 to 4 %
	 * less time) for one more request; with 100 ports, even CPU and ~3 %
	 * more time (the round trip).
	 */
	bool up_last = (flags & NSBOX_NETLINK_VETH_UP) && (flags & NSBOX_NETLINK_VETH_PEER_UP);
	char what[160];
	int master_idx = 0, r;

	/* The bridge by index, from the ioctl; the kernel checks it again
	 * under its lock (a bridge gone meanwhile is -EINVAL from there). */
	if (master) {
		master_idx = nsb_nl_link_index(nl, master);
		if (master_idx < 0) {
			describe_veth(what, sizeof(what), name, peer, ns_kind, ns_val, master);
			return nsb_prefix_error(master_idx, "%s", what);
		}
	}

	nlh = nsb_nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = put_ifi(nlh);
	/* rtnl_newlink_create() applies these flags to the new link once both
	 * ends exist, then IFLA_MASTER; if either fails, it unregisters the
	 * pair again. */
	if ((flags & NSBOX_NETLINK_VETH_UP) && !up_last)
		ifi->ifi_change = ifi->ifi_flags = IFF_UP;
	nsb_mnl.mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (master)
		nsb_mnl.mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)master_idx);
	linkinfo = nsb_mnl.mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	nsb_mnl.mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = nsb_mnl.mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerinfo = nsb_mnl.mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's own ifinfomsg (no flags: see peer_up()), then its
	 * attributes, namespace included: the kernel creates it straight in
	 * that namespace. */
	put_ifi(nlh);
	nsb_mnl.mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	put_netns(nlh, ns_kind, ns_val);
	nsb_mnl.mnl_attr_nest_end(nlh, peerinfo);
	nsb_mnl.mnl_attr_nest_end(nlh, data);
	nsb_mnl.mnl_attr_nest_end(nlh, linkinfo);

	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return veth_fail(nl, r, name, peer, ns_kind, ns_val, master);

	r = 0;
	if (flags & NSBOX_NETLINK_VETH_PEER_UP)
		r = peer_up(nl, peer, ns_kind, ns_val);
	if (r >= 0 && up_last)
		r = nsb_nl_link_set_updown(nl, name, true);
	if (r >= 0)
		return 0;
	/* A failed call creates nothing: delete the pair again (one end takes
	 * the other along), keeping the message of the failure. */
	nlh = link_msg(nl, RTM_DELLINK, 0, name, NULL);
	(void)nsb_nl_talk(nl, nlh, NULL, NULL);
	describe_veth(what, sizeof(what), name, peer, ns_kind, ns_val, master);
	return nsb_prefix_error(r, "%s", what);
}

int nsb_nl_link_add_bridge(nsbox_netlink *nl, const char *name)
{
	struct nlmsghdr *nlh = nsb_nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *linkinfo;
	int r;

	put_ifi(nlh);
	nsb_mnl.mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = nsb_mnl.mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	nsb_mnl.mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	nsb_mnl.mnl_attr_nest_end(nlh, linkinfo);
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsb_nl_fail(nl, r, "add bridge %s", name);
	return 0;
}

/* ---- changing links ----------------------------------------------------- */

/*
 * The master's kind is checked first: given a master that takes no ports,
 * the kernel detaches the link from its old bridge before it refuses, so
 * the refusal would change something.
 */
int nsb_nl_link_set_master(nsbox_netlink *nl, const char *name, const char *master)
{
	struct nlmsghdr *nlh;
	int idx = 0, r;

	if (master) {
		struct nsb_nl_link m = {.index = 0};
		nl->ext[0] = '\0';
		r = nsb_nl_link_get(nl, master, &m);
		if (r < 0)
			return nsb_nl_fail(nl, r, "set master of %s to %s: find link %s", name, master,
					   master);
		if (strcmp(m.kind, "bridge") != 0)
			return nsb_set_error_msg(-EOPNOTSUPP,
						 "set master of %s to %s: %s is not a bridge (kind "
						 "\"%s\")",
						 name, master, master, m.kind[0] ? m.kind : "none");
		idx = m.index;
	}
	nlh = link_msg(nl, RTM_SETLINK, 0, name, NULL);
	nsb_mnl.mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)idx);
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r >= 0)
		return 0;
	if (!master)
		return nsb_nl_fail(nl, r, "detach %s from its master", name);
	return nsb_nl_fail(nl, r, "set master of %s to %s", name, master);
}

int nsb_nl_link_set_updown(nsbox_netlink *nl, const char *name, bool up)
{
	struct ifinfomsg *ifi;
	struct nlmsghdr *nlh = link_msg(nl, RTM_SETLINK, 0, name, &ifi);
	int r;

	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsb_nl_fail(nl, r, "set link %s %s", name, up ? "up" : "down");
	return 0;
}

int nsb_nl_link_set_mtu(nsbox_netlink *nl, const char *name, uint32_t mtu)
{
	struct nlmsghdr *nlh = link_msg(nl, RTM_SETLINK, 0, name, NULL);
	int r;

	nsb_mnl.mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsb_nl_fail(nl, r, "set mtu of %s to %u", name, mtu);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "aa:bb:cc:dd:ee:ff" exactly: two hex digits per byte. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[0]), lo = hi < 0 ? -1 : hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':')
				return -EINVAL;
			s++;
		}
	}
	return *s ? -EINVAL : 0;
}

int nsb_nl_link_set_mac(nsbox_netlink *nl, const char *name, const char *mac)
{
	struct nlmsghdr *nlh;
	uint8_t addr[6];
	int r;

	if (parse_mac(mac, addr) < 0)
		return nsb_set_error_msg(-EINVAL,
					 "set mac of %s: \"%.32s\" is not a MAC address "
					 "(xx:xx:xx:xx:xx:xx)",
					 name, mac);
	nlh = link_msg(nl, RTM_SETLINK, 0, name, NULL);
	nsb_mnl.mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(addr), addr);
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsb_nl_fail(nl, r, "set mac of %s to %s", name, mac);
	return 0;
}

int nsb_nl_link_rename(nsbox_netlink *nl, const char *name, const char *newname)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int idx, r;

	/* IFLA_IFNAME carries the new name here, so the link goes by index. */
	idx = nsb_nl_link_index(nl, name);
	if (idx < 0)
		return nsb_prefix_error(idx, "rename link %s to %s", name, newname);
	nlh = nsb_nl_msg(nl, RTM_SETLINK, 0);
	ifi = put_ifi(nlh);
	ifi->ifi_index = idx;
	nsb_mnl.mnl_attr_put_strz(nlh, IFLA_IFNAME, newname);
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsb_nl_fail(nl, r, "rename link %s to %s", name, newname);
	return 0;
}

int nsb_nl_link_set_netns(nsbox_netlink *nl, const char *name, int ns_kind, int ns_val)
{
	struct nlmsghdr *nlh = link_msg(nl, RTM_SETLINK, 0, name, NULL);
	char where[64];
	int r;

	put_netns(nlh, ns_kind, ns_val);
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0) {
		describe_ns(where, sizeof(where), ns_kind, ns_val);
		return nsb_nl_fail(nl, r, "move link %s to %s", name, where);
	}
	return 0;
}

int nsb_nl_link_del(nsbox_netlink *nl, const char *name)
{
	struct nlmsghdr *nlh = link_msg(nl, RTM_DELLINK, 0, name, NULL);
	int r = nsb_nl_talk(nl, nlh, NULL, NULL);

	if (r < 0)
		return nsb_nl_fail(nl, r, "delete link %s", name);
	return 0;
}

/* ---- listing ------------------------------------------------------------ */

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nsb_nl_link l;
	int r = parse_link(nlh, &l);

	if (r <= 0)
		return r;
	if (!l.name[0])
		return 0;
	return nsb_nl_strs_add(data, l.name);
}

int nsb_nl_link_list(nsbox_netlink *nl, struct nsb_nl_strs *names)
{
	int r = -EAGAIN;

	/* A dump that the kernel marks interrupted (links changed meanwhile) is redone. */
	for (int tries = 0; tries < 5 && r == -EAGAIN; tries++) {
		struct nlmsghdr *nlh = nsb_nl_msg(nl, RTM_GETLINK, NLM_F_DUMP);
		put_ifi(nlh);
		nsb_mnl.mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
		nsb_nl_strs_clear(names);
		r = nsb_nl_talk(nl, nlh, list_cb, names);
	}
	if (r == -ENOMEM)
		return nsb_oom();
	if (r < 0)
		return nsb_nl_fail(nl, r, "list links");
	return 0;
}
