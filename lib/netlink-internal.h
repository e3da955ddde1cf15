/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the netlink module, shared by lib/netlink*.c (and usable by
 * container*.c, which may include this header; cgroup and layerset never do).
 *
 * Every nsb_nl_* function here assumes its handle was checked (not NULL,
 * not used after fork) and its names validated by the exported function in
 * netlink.c; each one sets the thread-local message on failure.
 */
#ifndef NSB_NETLINK_INTERNAL_H
#define NSB_NETLINK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/netlink.h>

#include <libmnl/libmnl.h>

#include <nsbox/netlink.h>

/*
 * libmnl builds and parses the messages; the socket calls (bind, sendto,
 * recvmsg) are netlink.c's own, so libmnl's code touches nothing but the
 * buffers it is given. libmnl is not linked: netlink-mnl.c dlopen()s
 * libmnl.so.0 when the first handle is made, so a program that never opens
 * one does not map it (about 0.1 ms of its loader's time, nsbox-unshare
 * included). Every libmnl function the module calls is in this list, and
 * every call goes through the table (nsb_mnl.mnl_*), whose types come from
 * libmnl's header.
 */
#define NSB_MNL_FUNCS(X) \
	X(mnl_attr_get_payload)       \
	X(mnl_attr_get_payload_len)   \
	X(mnl_attr_get_str)           \
	X(mnl_attr_get_type)          \
	X(mnl_attr_get_u32)           \
	X(mnl_attr_nest_end)          \
	X(mnl_attr_nest_start)        \
	X(mnl_attr_parse)             \
	X(mnl_attr_parse_nested)      \
	X(mnl_attr_put)               \
	X(mnl_attr_put_strz)          \
	X(mnl_attr_put_u32)           \
	X(mnl_attr_type_valid)        \
	X(mnl_attr_validate)          \
	X(mnl_nlmsg_get_payload)      \
	X(mnl_nlmsg_get_payload_len)  \
	X(mnl_nlmsg_next)             \
	X(mnl_nlmsg_ok)               \
	X(mnl_nlmsg_put_extra_header) \
	X(mnl_nlmsg_put_header)       \
	X(mnl_nlmsg_size)

struct nsb_mnl_table {
#define X(f) __typeof__(f) *f;
	NSB_MNL_FUNCS(X)
#undef X
};
extern struct nsb_mnl_table nsb_mnl;

/* Load libmnl once per process (pthread_once); 0, or -EOPNOTSUPP with the
 * message set (and remembered: later calls fail the same way). */
int nsb_mnl_load(void);
/* Tests: the sonames to try instead of libmnl.so.0 (NULL: the default);
 * -EALREADY once a load was tried. */
int nsb_mnl_set_libnames_for_test(const char *const *names);

/* Receive buffer: large enough for any single message a dump sends. */
#define NSB_NL_RECV_SIZE (64u * 1024u)
/* Send buffer: every request the module builds fits easily. */
#define NSB_NL_SEND_SIZE 4096u
/* Room for the kernel's extended-ACK message. */
#define NSB_NL_EXT_MAX 256

struct nsbox_netlink {
	int fd;                 /* the rtnetlink socket; -1 until made */
	pid_t owner_pid;        /* getpid() at creation: -ECHILD elsewhere */
	uint32_t portid;
	uint32_t seq;
	char ext[NSB_NL_EXT_MAX]; /* extended-ACK text of the last request, or "" */
	char *rbuf;             /* NSB_NL_RECV_SIZE bytes */
	char sbuf[NSB_NL_SEND_SIZE] __attribute__((aligned(8)));
};

/* Called for each reply message that is not NLMSG_ERROR/DONE/NOOP. */
typedef int (*nsb_nl_cb)(const struct nlmsghdr *nlh, void *data);

/* ---- netlink.c: the socket and the request loop ----------------------- */

/* Make a handle whose socket lives in the netns of nsfd (-1: the caller's).
 * nstype is CLONE_NEWNET for an ns fd, 0 for a pidfd. Sets the message. */
int nsb_nl_open(nsbox_netlink **out, int nsfd, int nstype);
/* -ECHILD with a message when used from another process than the creator. */
int nsb_nl_check_owner(const nsbox_netlink *nl);
/* Start a request in nl->sbuf: header (type, flags | NLM_F_REQUEST | NLM_F_ACK, seq). */
struct nlmsghdr *nsb_nl_msg(nsbox_netlink *nl, uint16_t type, uint16_t flags);
/* Send nlh and read the whole reply (one answer, or a dump up to NLMSG_DONE,
 * then the ACK). cb sees each data message. Returns 0 or a negative errno;
 * the kernel's extended-ACK text, if any, is left in nl->ext. No message set. */
int nsb_nl_talk(nsbox_netlink *nl, struct nlmsghdr *nlh, nsb_nl_cb cb, void *data);
/* Set the message "<fmt...>: <strerror>[ (kernel: <ext>)]"; returns r. */
int nsb_nl_fail(const nsbox_netlink *nl, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A valid interface name (1..15 bytes, no '/', ':', whitespace, not . or ..). */
bool nsb_nl_name_ok(const char *name);
/* -EINVAL with "<what>: invalid interface name ..." unless name is valid. */
int nsb_nl_check_name(const char *name, const char *what);
/* -EINVAL with a message unless fd is an open network namespace fd. */
int nsb_nl_check_nsfd(int nsfd, const char *what);

/* A list of strings packed into one allocation for nsbox_free(). */
struct nsb_nl_strs {
	char **v;
	size_t n, cap;
};
int nsb_nl_strs_add(struct nsb_nl_strs *s, const char *str);
void nsb_nl_strs_clear(struct nsb_nl_strs *s);
/* Pack into one block (NULL-terminated pointer array, then the strings). */
int nsb_nl_strs_pack(const struct nsb_nl_strs *s, char ***out);

/* ---- netlink-link.c ---------------------------------------------------- */

struct nsb_nl_link {
	int index;
	int master;     /* 0: none */
	int link;       /* IFLA_LINK (a veth's peer index), 0 if none */
	uint32_t flags; /* IFF_* */
	uint32_t mtu;
	char name[IF_NAMESIZE];
	char kind[32];  /* "veth", "bridge", "" when none */
};

/* Peer namespace for a veth: none, an ns fd, or a pid. */
enum { NSB_NL_NS_NONE, NSB_NL_NS_FD, NSB_NL_NS_PID };

/* What the kernel says about link name; -ENODEV when missing. No message. */
int nsb_nl_link_get(nsbox_netlink *nl, const char *name, struct nsb_nl_link *out);
/* The index of link name (> 0), or -ENODEV...; sets "find link <name>: ..." */
int nsb_nl_link_index(nsbox_netlink *nl, const char *name);
/* A veth pair, its peer in the namespace (ns_kind, ns_val); with master
 * non-NULL, name joins it as a port; flags are NSBOX_NETLINK_VETH_* (checked
 * by the caller). One RTM_NEWLINK, which the kernel undoes whole; the peer's
 * "up" (and then name's, with both flags) are requests after it, and the
 * pair is deleted again if one fails. */
int nsb_nl_link_add_veth(nsbox_netlink *nl, const char *name, const char *peer, int ns_kind,
			 int ns_val, const char *master, uint32_t flags);
int nsb_nl_link_add_bridge(nsbox_netlink *nl, const char *name);
/* master NULL: detach. */
int nsb_nl_link_set_master(nsbox_netlink *nl, const char *name, const char *master);
int nsb_nl_link_set_updown(nsbox_netlink *nl, const char *name, bool up);
int nsb_nl_link_set_mtu(nsbox_netlink *nl, const char *name, uint32_t mtu);
int nsb_nl_link_set_mac(nsbox_netlink *nl, const char *name, const char *mac);
int nsb_nl_link_rename(nsbox_netlink *nl, const char *name, const char *newname);
int nsb_nl_link_set_netns(nsbox_netlink *nl, const char *name, int ns_kind, int ns_val);
int nsb_nl_link_del(nsbox_netlink *nl, const char *name);
int nsb_nl_link_list(nsbox_netlink *nl, struct nsb_nl_strs *names);

/* ---- netlink-addr.c ---------------------------------------------------- */

struct nsb_nl_ip {
	int family;     /* AF_INET or AF_INET6 */
	uint8_t prefix; /* 0..32 or 0..128 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	} a;
};

/* Parse "addr[/prefix]" (with_prefix) or "addr" (!with_prefix); no prefix means
 * a host address. -EINVAL on anything else. No message. */
int nsb_nl_parse_ip(const char *s, bool with_prefix, struct nsb_nl_ip *out);
static inline size_t nsb_nl_ip_len(const struct nsb_nl_ip *ip)
{
	return ip->family == AF_INET ? 4 : 16;
}
int nsb_nl_addr_add(nsbox_netlink *nl, const char *name, const char *cidr, uint32_t flags);
int nsb_nl_addr_del(nsbox_netlink *nl, const char *name, const char *cidr);
int nsb_nl_addr_list(nsbox_netlink *nl, const char *name, struct nsb_nl_strs *out);

/* ---- netlink-route.c --------------------------------------------------- */

int nsb_nl_route_change(nsbox_netlink *nl, bool add, const char *dst, const char *gateway,
			const char *dev);

#endif /* NSB_NETLINK_INTERNAL_H */
