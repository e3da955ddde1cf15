/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Routes: RTM_NEWROUTE / RTM_DELROUTE in the main table, to a prefix or the
 * default route, via a gateway and/or an output device, IPv4 or IPv6.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/rtnetlink.h>

#include "error.h"
#include "macro.h"
#include "netlink-internal.h"

static const char *fam_name(int family)
{
	return family == AF_INET ? "IPv4" : "IPv6";
}

int nsb_nl_route_change(nsbox_netlink *nl, bool add, const char *dst, const char *gateway,
			const char *dev)
{
	const char *verb = add ? "add route" : "delete route";
	const char *shown = dst ? dst : "default";
	struct nsb_nl_ip d = {.family = 0}, gw = {.family = 0};
	bool is_default = !dst || strcmp(dst, "default") == 0;
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int oif = 0, r;

	if (gateway) {
		r = nsb_nl_parse_ip(gateway, false, &gw);
		if (r < 0)
			return nsb_set_error_msg(-EINVAL,
						 "%s %.64s: gateway \"%.64s\" is not an IP address",
						 verb, shown, gateway);
	}
	if (is_default) {
		d.family = gateway ? gw.family : AF_INET;
		d.prefix = 0;
	} else {
		r = nsb_nl_parse_ip(dst, true, &d);
		if (r == -ERANGE)
			return nsb_set_error_msg(-EINVAL, "%s %.64s: prefix length over %d", verb,
						 dst, strchr(dst, ':') ? 128 : 32);
		if (r < 0)
			return nsb_set_error_msg(-EINVAL,
						 "%s %.64s: not a destination in CIDR form "
						 "(such as 10.0.0.0/8, fd00::/64 or default)",
						 verb, dst);
	}
	if (gateway && gw.family != d.family)
		return nsb_set_error_msg(-EINVAL,
					 "%s %.64s via %.64s: gateway is %s but destination is %s",
					 verb, shown, gateway, fam_name(gw.family),
					 fam_name(d.family));
	if (add && !gateway && !dev)
		return nsb_set_error_msg(-EINVAL, "%s %.64s: needs a gateway or a device", verb,
					 shown);
	if (dev) {
		oif = nsb_nl_link_index(nl, dev);
		if (oif < 0)
			return nsb_prefix_error(oif, "%s %s", verb, shown);
	}

	nlh = nsb_nl_msg(nl, add ? RTM_NEWROUTE : RTM_DELROUTE,
			 add ? NLM_F_CREATE | NLM_F_EXCL : 0);
	rtm = nsb_mnl.mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)d.family;
	rtm->rtm_dst_len = d.prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	if (add) {
		rtm->rtm_protocol = RTPROT_BOOT;
		rtm->rtm_type = RTN_UNICAST;
		/* Like ip(8): a route with no gateway is on-link. */
		rtm->rtm_scope = (!gateway && d.family == AF_INET) ? RT_SCOPE_LINK
								   : RT_SCOPE_UNIVERSE;
	} else {
		rtm->rtm_scope = RT_SCOPE_NOWHERE; /* match any scope */
	}
	if (d.prefix > 0)
		nsb_mnl.mnl_attr_put(nlh, RTA_DST, nsb_nl_ip_len(&d), d.a.bytes);
	if (gateway)
		nsb_mnl.mnl_attr_put(nlh, RTA_GATEWAY, nsb_nl_ip_len(&gw), gw.a.bytes);
	if (oif > 0)
		nsb_mnl.mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)oif);

	r = nsb_nl_talk(nl, nlh, NULL, NULL);
	if (r < 0) {
		char extra[160] = "";
		if (gateway)
			(void)snprintf(extra, sizeof(extra), " via %s", gateway);
		if (dev)
			(void)snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
				       " dev %s", dev);
		return nsb_nl_fail(nl, r, "%s %s%s", verb, shown, extra);
	}
	return 0;
}
