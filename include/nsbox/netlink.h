/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox netlink module: network devices, addresses and routes, spoken
 * to the kernel over rtnetlink (libmnl), in the caller's network namespace
 * or in any other one. No program (such as ip) is ever run.
 * See nsbox_netlink(3) and the man pages it names.
 *
 * Every function returns 0 (or a documented non-negative value) on success
 * and a negative errno on failure, with a message in nsbox_last_error(); when
 * the kernel explained a refusal (netlink extended ACK) the message ends with
 * "(kernel: <text>)". Link names are 1 to 15 bytes, with no '/', ':' or
 * whitespace. Every function that takes a handle returns -EINVAL when it is
 * NULL and -ECHILD when called from a process forked after the handle was
 * made. A handle is used from one thread at a time.
 */
#ifndef NSBOX_NETLINK_H
#define NSBOX_NETLINK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <nsbox/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle: one rtnetlink socket bound to one network namespace; see nsbox(7). */
typedef struct nsbox_netlink nsbox_netlink;

/* Flag bits for nsbox_netlink_add_addr(); any other bit is refused with -EINVAL. */
/* IPv6: skip duplicate address detection, so the address is usable at once. */
#define NSBOX_NETLINK_ADDR_NODAD (UINT32_C(1) << 0)

/**
 * nsbox_netlink_new - open a handle on the caller's network namespace
 * @out: receives the new handle; free it with nsbox_netlink_free()
 *
 * The first handle made in a process loads libmnl.so.0 (dlopen(3), once):
 * libnsbox does not link it, so programs that open no handle never map it.
 *
 * Return: 0, or -EINVAL (@out is NULL), -ENOMEM, -EOPNOTSUPP (libmnl could
 * not be loaded; the message says why), or the errno of socket(2) or
 * bind(2) (-EMFILE, -EPERM ...).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_new(nsbox_netlink **out);

/**
 * nsbox_netlink_new_nsfd - open a handle on the network namespace behind an fd
 * @out:  receives the new handle
 * @nsfd: an fd of a network namespace (/proc/PID/ns/net, /run/netns/NAME);
 *        borrowed, the handle keeps no copy
 *
 * The socket is made by a short-lived helper process that shares the
 * caller's memory and fd table and enters the namespace; the calling thread
 * never changes namespace, not even for a moment.
 *
 * Return: 0, or -EINVAL (@out NULL, @nsfd negative or not a network
 * namespace), -EPERM (no CAP_SYS_ADMIN over that namespace), -ENOMEM,
 * -EMFILE, -EOPNOTSUPP (libmnl could not be loaded).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_new_nsfd(nsbox_netlink **out, int nsfd);

/**
 * nsbox_netlink_new_pid - open a handle on the network namespace of a process
 * @out: receives the new handle
 * @pid: a process id (> 0)
 *
 * Return: 0, or -EINVAL (@out NULL or @pid <= 0), -ESRCH (no such process),
 * -EPERM, -ENOMEM, -EMFILE, -EOPNOTSUPP (libmnl could not be loaded).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_new_pid(nsbox_netlink **out, pid_t pid);

/**
 * nsbox_netlink_new_path - open a handle on the network namespace at a path
 * @out:  receives the new handle
 * @path: a namespace file, such as /run/netns/NAME or /proc/PID/ns/net
 *
 * Return: 0, or -EINVAL (@out or @path NULL, or @path is not a network
 * namespace), -ENOENT (no such file), -EACCES, -EPERM, -ENOMEM, -EMFILE,
 * -EOPNOTSUPP (libmnl could not be loaded).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_new_path(nsbox_netlink **out, const char *path);

/**
 * nsbox_netlink_free - close a handle; accepts NULL
 * @nl: the handle
 *
 * Since: NSBOX_0.1
 */
void nsbox_netlink_free(nsbox_netlink *nl);

/**
 * nsbox_netlink_add_veth - create a veth pair
 * @nl:        the handle; the first end @name is created in its namespace
 * @name:      name of the first end
 * @peer:      name of the other end
 * @peer_nsfd: -1 to create @peer in the same namespace, or an fd of the
 *             network namespace where @peer is created directly (it never
 *             appears in the handle's namespace); borrowed
 *
 * Return: 0, or -EINVAL (bad name, @peer_nsfd not a network namespace),
 * -EEXIST (a name is taken; the kernel does not say which, the message
 * does), -EPERM, -ENOMEM.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_add_veth(nsbox_netlink *nl, const char *name, const char *peer, int peer_nsfd);

/**
 * nsbox_netlink_add_veth_pid - create a veth pair whose peer is born in the
 * network namespace of process @peer_pid
 *
 * As nsbox_netlink_add_veth(), with -ESRCH when @peer_pid does not exist
 * and -EINVAL when it is <= 0.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_add_veth_pid(nsbox_netlink *nl, const char *name, const char *peer,
			       pid_t peer_pid);

/* Flag bits for nsbox_netlink_add_veth_bridged(); any other bit is refused with -EINVAL. */
/* Set the end @name administratively up. */
#define NSBOX_NETLINK_VETH_UP (UINT32_C(1) << 0)
/* Set the end @peer administratively up (in its namespace). */
#define NSBOX_NETLINK_VETH_PEER_UP (UINT32_C(1) << 1)

/**
 * nsbox_netlink_add_veth_bridged - create a veth pair with its first end on
 * a bridge and up
 * @nl:        the handle; @name and @bridge are in its namespace
 * @name:      name of the first end
 * @peer:      name of the other end
 * @peer_nsfd: -1 for the handle's namespace, or an fd of the network
 *             namespace where @peer is created directly; borrowed
 * @bridge:    the bridge that @name joins as a port (any link that takes
 *             ports, such as a bond, works too), or NULL for none
 * @flags:     0, or NSBOX_NETLINK_VETH_UP and/or NSBOX_NETLINK_VETH_PEER_UP
 *
 * The pair and the port are one RTM_NEWLINK request, which the kernel
 * applies whole or undoes whole; so is the up state of @name when it is
 * the only flag. The kernel cannot bring @peer up in that request (veth
 * refuses to open an end before the pair is joined), so
 * NSBOX_NETLINK_VETH_PEER_UP costs one more request in the peer's namespace
 * (through a short-lived socket there when @peer_nsfd is given); with both
 * flags, @name goes up last, in a third request, so that its bridge
 * enables the port once. Should a later request fail, the pair is deleted
 * again: a failed call leaves nothing behind. The same result as
 * nsbox_netlink_add_veth(), nsbox_netlink_set_master() and
 * nsbox_netlink_set_up() on each end, in one to three round trips, not four.
 *
 * Return: 0, or -EINVAL (bad name, unknown flag, @peer_nsfd not a network
 * namespace), -EBADF (@peer_nsfd not open), -ENODEV (no link @bridge),
 * -EOPNOTSUPP (@bridge takes no ports: not a bridge), -EEXIST (a name is
 * taken; the message says which), -EPERM, -ENOMEM.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_add_veth_bridged(nsbox_netlink *nl, const char *name, const char *peer,
				   int peer_nsfd, const char *bridge, uint32_t flags);

/**
 * nsbox_netlink_add_bridge - create a bridge (STP off, down)
 * @nl:   the handle
 * @name: the bridge's name
 *
 * Return: 0, or -EINVAL (bad name), -EEXIST, -EPERM, -ENOMEM.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_add_bridge(nsbox_netlink *nl, const char *name);

/**
 * nsbox_netlink_set_master - attach link @name to bridge @master
 *
 * @master's kind is checked first: a master that is not a bridge is refused
 * with the link left as it was (on its old bridge, if it had one).
 *
 * Return: 0, or -EINVAL (bad name), -ENODEV (either link missing),
 * -EOPNOTSUPP (@master cannot take ports: not a bridge), -EBUSY, -ELOOP.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_set_master(nsbox_netlink *nl, const char *name, const char *master);

/**
 * nsbox_netlink_set_nomaster - detach link @name from its bridge (no-op if none)
 *
 * Return: 0, or -EINVAL (bad name), -ENODEV.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_set_nomaster(nsbox_netlink *nl, const char *name);

/**
 * nsbox_netlink_set_up - set link @name administratively up
 *
 * Return: 0, or -EINVAL (bad name), -ENODEV.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_set_up(nsbox_netlink *nl, const char *name);

/**
 * nsbox_netlink_set_down - set link @name administratively down
 *
 * Return: 0, or -EINVAL (bad name), -ENODEV.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_set_down(nsbox_netlink *nl, const char *name);

/**
 * nsbox_netlink_set_loopback_up - bring up "lo" in the handle's namespace
 *
 * Return: 0, or -ENODEV.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_set_loopback_up(nsbox_netlink *nl);

/**
 * nsbox_netlink_set_mtu - set the MTU of link @name
 * @mtu: bytes; the kernel checks the device's range
 *
 * Return: 0, or -EINVAL (bad name, MTU out of range), -ENODEV.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_set_mtu(nsbox_netlink *nl, const char *name, uint32_t mtu);

/**
 * nsbox_netlink_set_mac - set the hardware address of link @name
 * @mac: six hex bytes separated by ':', such as "02:42:ac:11:00:02"
 *
 * Return: 0, or -EINVAL (bad name or @mac), -EADDRNOTAVAIL (multicast or
 * zero address), -ENODEV.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_set_mac(nsbox_netlink *nl, const char *name, const char *mac);

/**
 * nsbox_netlink_rename - rename link @name to @newname
 *
 * Return: 0, or -EINVAL (bad name), -ENODEV, -EEXIST (@newname is taken),
 * -EBUSY (the link is up).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_rename(nsbox_netlink *nl, const char *name, const char *newname);

/**
 * nsbox_netlink_set_netns_nsfd - move link @name into the namespace behind @nsfd
 * @nsfd: fd of the target network namespace; borrowed
 *
 * Return: 0, or -EINVAL (bad name, @nsfd not a network namespace), -ENODEV,
 * -EEXIST (the name is taken there).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_set_netns_nsfd(nsbox_netlink *nl, const char *name, int nsfd);

/**
 * nsbox_netlink_set_netns_pid - move link @name into the namespace of @pid
 *
 * Return: 0, or -EINVAL (bad name, @pid <= 0), -ESRCH, -ENODEV, -EEXIST.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_set_netns_pid(nsbox_netlink *nl, const char *name, pid_t pid);

/**
 * nsbox_netlink_del_link - delete link @name (a veth takes its peer along)
 *
 * Return: 0, or -EINVAL (bad name), -ENODEV, -EOPNOTSUPP (e.g. "lo").
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_del_link(nsbox_netlink *nl, const char *name);

/**
 * nsbox_netlink_link_index - the interface index of link @name
 *
 * Return: the index (> 0), or -EINVAL (bad name), -ENODEV.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_link_index(nsbox_netlink *nl, const char *name);

/**
 * nsbox_netlink_link_exists - whether link @name exists
 *
 * Return: 1 if it does, 0 if not, or -EINVAL (bad name).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_link_exists(nsbox_netlink *nl, const char *name);

/**
 * nsbox_netlink_list_links - the names of all links in the namespace
 * @out:   receives a NULL-terminated array of names, in the kernel's dump
 *         order (index order on current kernels); one
 *         allocation: free the array with nsbox_free() (not the strings)
 * @out_n: receives the number of names; may be NULL
 *
 * Return: 0, or -ENOMEM, -EIO.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_list_links(nsbox_netlink *nl, char ***out, size_t *out_n);

/**
 * nsbox_netlink_add_addr - add an address to link @name
 * @cidr:  "172.17.0.12/16" or "fd00::2/64"; without "/N" a host address
 * @flags: 0 or NSBOX_NETLINK_ADDR_NODAD
 *
 * Return: 0, or -EINVAL (bad name, @cidr does not parse, prefix over 32 or
 * 128, unknown flag), -ENODEV, -EEXIST (already there).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_add_addr(nsbox_netlink *nl, const char *name, const char *cidr,
			   uint32_t flags);

/**
 * nsbox_netlink_del_addr - remove address @cidr from link @name
 *
 * Return: 0, or -EINVAL (bad name or @cidr), -ENODEV, -EADDRNOTAVAIL (not there).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_del_addr(nsbox_netlink *nl, const char *name, const char *cidr);

/**
 * nsbox_netlink_list_addrs - the addresses of link @name, as CIDR strings
 * @out:   receives a NULL-terminated array ("172.17.0.12/16", "fe80::1/64"),
 *         IPv4 first; one allocation: free it with nsbox_free()
 * @out_n: receives the number of addresses; may be NULL
 *
 * Return: 0, or -EINVAL (bad name), -ENODEV, -ENOMEM.
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_list_addrs(nsbox_netlink *nl, const char *name, char ***out, size_t *out_n);

/**
 * nsbox_netlink_add_route - add a route in the main table
 * @dst: "10.1.0.0/16", "fd00:1::/64", or NULL or "default" for the default
 *       route (IPv6 when @gateway is IPv6; "::/0" and "0.0.0.0/0" also work)
 * @gateway: next hop address (no prefix), or NULL
 * @dev: output link name, or NULL; at least one of @gateway and @dev
 *
 * Return: 0, or -EINVAL (bad CIDR or address, prefix too long, families of
 * @dst and @gateway differ, neither @gateway nor @dev), -ENODEV, -EEXIST,
 * -ENETUNREACH (the gateway is not reachable).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_add_route(nsbox_netlink *nl, const char *dst, const char *gateway,
			    const char *dev);

/**
 * nsbox_netlink_del_route - delete a route from the main table
 *
 * Arguments as nsbox_netlink_add_route(); @gateway and @dev may both be NULL.
 *
 * Return: 0, or -EINVAL, -ENODEV, -ESRCH (no such route).
 *
 * Since: NSBOX_0.1
 */
int nsbox_netlink_del_route(nsbox_netlink *nl, const char *dst, const char *gateway,
			    const char *dev);

#ifdef __cplusplus
}
#endif

#endif /* NSBOX_NETLINK_H */
