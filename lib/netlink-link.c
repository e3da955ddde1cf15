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
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#include <libmnl/libmnl.h>

#include "error.h"
#include "macro.h"
#include "netlink-internal.h"

static struct ifinfomsg *put_ifi(struct nlmsghdr *nlh)
{
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	return ifi;
}

/* A request that names an existing link: ifinfomsg with index 0 + IFLA_IFNAME. */
static struct nlmsghdr *link_msg(nsbox_netlink *nl, uint16_t type, uint16_t flags,
				 const char *name, struct ifinfomsg **out_ifi)
{
	struct nlmsghdr *nlh = nsb_nl_msg(nl, type, flags);
	struct ifinfomsg *ifi = put_ifi(nlh);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (out_ifi)
		*out_ifi = ifi;
	return nlh;
}

/* ---- reading a link ------------------------------------------------------ */

static int linkinfo_cb(const struct nlattr *attr, void *data)
{
	struct nsb_nl_link *l = data;

	if (mnl_attr_type_valid(attr, IFLA_INFO_MAX) < 0)
		return MNL_CB_OK;
	if (mnl_attr_get_type(attr) == IFLA_INFO_KIND &&
	    mnl_attr_validate(attr, MNL_TYPE_STRING) >= 0) {
		size_t n = mnl_attr_get_payload_len(attr);
		const char *s = mnl_attr_get_payload(attr);
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
	uint16_t type = mnl_attr_get_type(attr);

	/* Attributes this library does not know are skipped, never read. */
	if (mnl_attr_type_valid(attr, IFLA_MAX) < 0)
		return MNL_CB_OK;
	switch (type) {
	case IFLA_IFNAME:
		if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0) {
			const char *s = mnl_attr_get_str(attr);
			size_t n = strnlen(s, sizeof(l->name) - 1);
			memcpy(l->name, s, n);
			l->name[n] = '\0';
		}
		break;
	case IFLA_MTU:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			l->mtu = mnl_attr_get_u32(attr);
		break;
	case IFLA_MASTER:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			l->master = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_LINK:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
			l->link = (int)mnl_attr_get_u32(attr);
		break;
	case IFLA_LINKINFO:
		if (mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0)
			(void)mnl_attr_parse_nested(attr, linkinfo_cb, l);
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
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EBADMSG;
	ifi = mnl_nlmsg_get_payload(nlh);
	memset(l, 0, sizeof(*l));
	l->index = ifi->ifi_index;
	l->flags = ifi->ifi_flags;
	if (mnl_attr_parse(nlh, sizeof(*ifi), link_attr_cb, l) < 0)
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
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	r = nsb_nl_talk(nl, nlh, get_link_cb, &l);
	if (r < 0)
		return r;
	if (l.index <= 0)
		return -ENODEV;
	*out = l;
	return 0;
}

int nsb_nl_link_index(nsbox_netlink *nl, const char *name)
{
	struct nsb_nl_link l;
	struct ifreq ifr;
	int r;

	/*
	 * The fast path: SIOCGIFINDEX on the rtnetlink socket itself. Netlink
	 * sockets pass interface ioctls on to the device layer of the
	 * socket's own namespace, so this answers for the handle's namespace
	 * with one syscall and no message to build or parse. Should a kernel
	 * refuse the ioctl, ask with RTM_GETLINK.
	 */
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strnlen(name, IF_NAMESIZE - 1));
	if (ioctl(mnl_socket_get_fd(nl->sock), SIOCGIFINDEX, &ifr) == 0 && ifr.ifr_ifindex > 0)
		return ifr.ifr_ifindex;
	nl->ext[0] = '\0';
	if (errno == ENODEV)
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
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)ns_val);
	else if (ns_kind == NSB_NL_NS_PID)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_PID, (uint32_t)ns_val);
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

int nsb_nl_link_add_veth(nsbox_netlink *nl, const char *name, const char *peer, int ns_kind,
			 int ns_val)
{
	struct nlmsghdr *nlh = nsb_nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *linkinfo, *data, *peerinfo;
	char where[64];
	int r;

	put_ifi(nlh);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	peerinfo = mnl_attr_nest_start(nlh, VETH_INFO_PEER);
	/* The peer's own ifinfomsg, then its attributes, namespace included:
	 * the kernel creates it straight in that namespace. */
	{
		struct ifinfomsg *pifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*pifi));
		pifi->ifi_family = AF_UNSPEC;
	}
	mnl_attr_put_strz(nlh, IFLA_IFNAME, peer);
	put_netns(nlh, ns_kind, ns_val);
	mnl_attr_nest_end(nlh, peerinfo);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, linkinfo);

	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0) {
		describe_ns(where, sizeof(where), ns_kind, ns_val);
		return nsb_nl_fail(nl, r, "add veth %s peer %s%s%s", name, peer,
				   where[0] ? " in " : "", where);
	}
	return 0;
}

int nsb_nl_link_add_bridge(nsbox_netlink *nl, const char *name)
{
	struct nlmsghdr *nlh = nsb_nl_msg(nl, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	struct nlattr *linkinfo;
	int r;

	put_ifi(nlh);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	linkinfo = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "bridge");
	mnl_attr_nest_end(nlh, linkinfo);
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsb_nl_fail(nl, r, "add bridge %s", name);
	return 0;
}

/* ---- changing links ----------------------------------------------------- */

int nsb_nl_link_set_master(nsbox_netlink *nl, const char *name, const char *master)
{
	struct nsb_nl_link m = {.index = 0};
	struct nlmsghdr *nlh;
	int r;

	if (master) {
		m.index = nsb_nl_link_index(nl, master);
		if (m.index < 0)
			return nsb_prefix_error(m.index, "set master of %s to %s", name, master);
	}
	nlh = link_msg(nl, RTM_SETLINK, 0, name, NULL);
	mnl_attr_put_u32(nlh, IFLA_MASTER, (uint32_t)m.index);
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r >= 0)
		return 0;
	if (!master)
		return nsb_nl_fail(nl, r, "detach %s from its master", name);
	/*
	 * The kernel refuses masters that take no ports (-EOPNOTSUPP) without
	 * saying why; only then is the master's kind worth a lookup, to say so.
	 */
	if (r == -EOPNOTSUPP) {
		/* The lookup is a request of its own: keep the kernel's text of
		 * the refusal for the message. */
		char ext[sizeof(nl->ext)];

		memcpy(ext, nl->ext, sizeof(ext));
		if (nsb_nl_link_get(nl, master, &m) >= 0 && strcmp(m.kind, "bridge") != 0)
			return nsb_set_error_msg(-EOPNOTSUPP,
						 "set master of %s to %s: %s is not a bridge "
						 "(kind \"%s\")",
						 name, master, master, m.kind[0] ? m.kind : "none");
		memcpy(nl->ext, ext, sizeof(ext));
	}
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

	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
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
	mnl_attr_put(nlh, IFLA_ADDRESS, sizeof(addr), addr);
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
	mnl_attr_put_strz(nlh, IFLA_IFNAME, newname);
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
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
		nsb_nl_strs_clear(names);
		r = nsb_nl_talk(nl, nlh, list_cb, names);
	}
	if (r == -ENOMEM)
		return nsb_oom();
	if (r < 0)
		return nsb_nl_fail(nl, r, "list links");
	return 0;
}
