/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Addresses: CIDR parsing, RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "error.h"
#include "macro.h"
#include "netlink-internal.h"

int nsb_nl_parse_ip(const char *s, bool with_prefix, struct nsb_nl_ip *out)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct nsb_nl_ip ip = {.family = 0};
	const char *slash;
	size_t alen;
	unsigned int max, prefix;

	if (!s)
		return -EINVAL;
	slash = strchr(s, '/');
	if (slash && !with_prefix)
		return -EINVAL;
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, &ip.a.v4) == 1)
		ip.family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &ip.a.v6) == 1)
		ip.family = AF_INET6;
	else
		return -EINVAL;
	max = ip.family == AF_INET ? 32 : 128;
	prefix = max;
	if (slash) {
		const char *p = slash + 1;
		/* Strict decimal: 1 to 3 digits, nothing else. */
		if (!*p || strlen(p) > 3)
			return -EINVAL;
		prefix = 0;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			prefix = prefix * 10 + (unsigned int)(*p - '0');
		}
		if (prefix > max)
			return -ERANGE;
	}
	ip.prefix = (uint8_t)prefix;
	*out = ip;
	return 0;
}

static int parse_cidr_or_fail(const char *what, const char *name, const char *cidr,
			      struct nsb_nl_ip *ip)
{
	int r = nsb_nl_parse_ip(cidr, true, ip);

	if (r == -ERANGE)
		return nsb_set_error_msg(-EINVAL, "%s %.64s %s %s: prefix length over %d", what,
					 cidr, what[0] == 'a' ? "to" : "from", name,
					 strchr(cidr, ':') ? 128 : 32);
	if (r < 0)
		return nsb_set_error_msg(-EINVAL,
					 "%s %.64s %s %s: not an address in CIDR form "
					 "(such as 172.17.0.2/16 or fd00::2/64)",
					 what, cidr, what[0] == 'a' ? "to" : "from", name);
	return 0;
}

static int addr_change(nsbox_netlink *nl, bool add, const char *name, const char *cidr,
		       uint32_t flags)
{
	const char *what = add ? "add address" : "delete address";
	const char *prep = add ? "to" : "from";
	struct nsb_nl_ip ip;
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	int idx, r;

	r = parse_cidr_or_fail(what, name, cidr, &ip);
	if (r < 0)
		return r;
	idx = nsb_nl_link_index(nl, name);
	if (idx < 0)
		return nsb_prefix_error(idx, "%s %s %s %s", what, cidr, prep, name);

	nlh = nsb_nl_msg(nl, add ? RTM_NEWADDR : RTM_DELADDR,
			 add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	ifa = nsb_mnl.mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)ip.family;
	ifa->ifa_prefixlen = ip.prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)idx;
	if (add && ip.family == AF_INET6 && (flags & NSBOX_NETLINK_ADDR_NODAD)) {
		ifa->ifa_flags = IFA_F_NODAD;
		nsb_mnl.mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	}
	nsb_mnl.mnl_attr_put(nlh, IFA_LOCAL, nsb_nl_ip_len(&ip), ip.a.bytes);
	nsb_mnl.mnl_attr_put(nlh, IFA_ADDRESS, nsb_nl_ip_len(&ip), ip.a.bytes);
	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0)
		return nsb_nl_fail(nl, r, "%s %s %s %s", what, cidr, prep, name);
	return 0;
}

int nsb_nl_addr_add(nsbox_netlink *nl, const char *name, const char *cidr, uint32_t flags)
{
	return addr_change(nl, true, name, cidr, flags);
}

int nsb_nl_addr_del(nsbox_netlink *nl, const char *name, const char *cidr)
{
	return addr_change(nl, false, name, cidr, 0);
}

/* ---- listing ------------------------------------------------------------ */

struct addr_list {
	int index;
	struct nsb_nl_strs v4, v6;
};

struct addr_attrs {
	const struct nlattr *local, *address;
};

static int addr_attr_cb(const struct nlattr *attr, void *data)
{
	struct addr_attrs *a = data;

	if (nsb_mnl.mnl_attr_type_valid(attr, IFA_MAX) < 0)
		return MNL_CB_OK;
	switch (nsb_mnl.mnl_attr_get_type(attr)) {
	case IFA_LOCAL:
		if (nsb_mnl.mnl_attr_validate(attr, MNL_TYPE_BINARY) >= 0)
			a->local = attr;
		break;
	case IFA_ADDRESS:
		if (nsb_mnl.mnl_attr_validate(attr, MNL_TYPE_BINARY) >= 0)
			a->address = attr;
		break;
	default:
		break;
	}
	return MNL_CB_OK;
}

static int addr_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct addr_list *l = data;
	const struct ifaddrmsg *ifa;
	struct addr_attrs a = {NULL, NULL};
	const struct nlattr *use;
	char text[INET6_ADDRSTRLEN + 8];
	char abuf[INET6_ADDRSTRLEN];
	size_t want;

	if (nlh->nlmsg_type != RTM_NEWADDR)
		return 0;
	if (nsb_mnl.mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa))
		return -EBADMSG;
	ifa = nsb_mnl.mnl_nlmsg_get_payload(nlh);
	if ((int)ifa->ifa_index != l->index)
		return 0; /* filtered by the kernel too, with strict checking */
	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return 0;
	if (nsb_mnl.mnl_attr_parse(nlh, sizeof(*ifa), addr_attr_cb, &a) < 0)
		return -EBADMSG;
	/* IPv4: the local address (IFA_ADDRESS is the peer on p2p links). */
	use = ifa->ifa_family == AF_INET && a.local ? a.local : a.address;
	if (!use)
		use = a.local;
	want = ifa->ifa_family == AF_INET ? 4 : 16;
	if (!use || nsb_mnl.mnl_attr_get_payload_len(use) != want)
		return 0;
	if (!inet_ntop(ifa->ifa_family, nsb_mnl.mnl_attr_get_payload(use), abuf, sizeof(abuf)))
		return 0;
	(void)snprintf(text, sizeof(text), "%s/%u", abuf, ifa->ifa_prefixlen);
	return nsb_nl_strs_add(ifa->ifa_family == AF_INET ? &l->v4 : &l->v6, text);
}

int nsb_nl_addr_list(nsbox_netlink *nl, const char *name, struct nsb_nl_strs *out)
{
	struct addr_list l = {.index = 0};
	int r;

	l.index = nsb_nl_link_index(nl, name);
	if (l.index < 0)
		return nsb_prefix_error(l.index, "list addresses of %s", name);
	r = -EAGAIN;
	for (int tries = 0; tries < 5 && r == -EAGAIN; tries++) {
		struct nlmsghdr *nlh = nsb_nl_msg(nl, RTM_GETADDR, NLM_F_DUMP);
		struct ifaddrmsg *ifa = nsb_mnl.mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
		ifa->ifa_family = AF_UNSPEC;
		ifa->ifa_index = (uint32_t)l.index;
		nsb_nl_strs_clear(&l.v4);
		nsb_nl_strs_clear(&l.v6);
		r = nsb_nl_talk(nl, nlh, addr_list_cb, &l);
	}
	for (size_t i = 0; r >= 0 && i < l.v4.n; i++)
		r = nsb_nl_strs_add(out, l.v4.v[i]);
	for (size_t i = 0; r >= 0 && i < l.v6.n; i++)
		r = nsb_nl_strs_add(out, l.v6.v[i]);
	nsb_nl_strs_clear(&l.v4);
	nsb_nl_strs_clear(&l.v6);
	if (r == -ENOMEM)
		return nsb_oom();
	if (r < 0)
		return nsb_nl_fail(nl, r, "list addresses of %s", name);
	return 0;
}
