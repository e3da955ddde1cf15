/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Check suite for the netlink module (include/nsbox/netlink.h).
 *
 * Every test moves its (forked) process into fresh network and mount
 * namespaces first (nsbt_enter_private_ns), and extra namespaces are those
 * of children it starts and kills; nothing touches the machine's own
 * network. What the library did is read back with an independent reader,
 * libnl-route-3.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_addr.h>

#include <netlink/addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include <nsbox/netlink.h>

#include "netlink-internal.h" /* nsb_mnl_set_libnames_for_test() */

#include "helpers/nsbt.h"

/* ---- helpers: namespaces ------------------------------------------------- */

/* A child sitting in a fresh network namespace until killed. */
struct nschild {
	pid_t pid;
	int nsfd;
};

static struct nschild nschild_start(void)
{
	struct nschild c;
	int p[2];
	char ok;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	c.pid = fork();
	ck_assert_int_ge(c.pid, 0);
	if (c.pid == 0) {
		(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &ok, 1), 1);
	close(p[0]);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c.pid);
	c.nsfd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(c.nsfd, 0);
	return c;
}

static void nschild_stop(struct nschild *c)
{
	if (c->nsfd >= 0)
		close(c->nsfd);
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	c->pid = -1;
	c->nsfd = -1;
}

/* Run fn in network namespace nsfd (-1: the current one) on this thread. */
static int self_netns(void)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static ino_t netns_ino(int fd)
{
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	return st.st_ino;
}

static ino_t my_netns_ino(void)
{
	struct stat st;
	ck_assert_int_eq(stat("/proc/thread-self/ns/net", &st), 0);
	return st.st_ino;
}

/* ---- helpers: the oracle (libnl-route-3) ------------------------------------ */

static struct nl_sock *oracle(int nsfd)
{
	int self = -1;
	struct nl_sock *sk;

	if (nsfd >= 0) {
		self = self_netns();
		ck_assert_int_eq(setns(nsfd, CLONE_NEWNET), 0);
	}
	sk = nl_socket_alloc();
	ck_assert_ptr_nonnull(sk);
	ck_assert_int_eq(nl_connect(sk, NETLINK_ROUTE), 0);
	if (nsfd >= 0) {
		ck_assert_int_eq(setns(self, CLONE_NEWNET), 0);
		close(self);
	}
	return sk;
}

/* The link as the kernel has it in namespace nsfd, or NULL. */
static struct rtnl_link *olink(int nsfd, const char *name)
{
	struct nl_sock *sk = oracle(nsfd);
	struct rtnl_link *l = NULL;

	if (rtnl_link_get_kernel(sk, 0, name, &l) < 0)
		l = NULL;
	nl_socket_free(sk);
	return l;
}

static int olink_index(int nsfd, const char *name)
{
	struct rtnl_link *l = olink(nsfd, name);
	int idx = l ? rtnl_link_get_ifindex(l) : 0;
	if (l)
		rtnl_link_put(l);
	return idx;
}

static bool olink_exists(int nsfd, const char *name)
{
	return olink_index(nsfd, name) > 0;
}

/* Addresses of a link, "a/p" joined by spaces; flags of the last one matching want. */
static char *oaddrs(int nsfd, const char *name, unsigned *flags_of, const char *want)
{
	struct nl_sock *sk = oracle(nsfd);
	struct nl_cache *cache;
	struct nl_object *o;
	int idx = olink_index(nsfd, name);
	static char out[2048];

	out[0] = '\0';
	ck_assert_int_eq(rtnl_addr_alloc_cache(sk, &cache), 0);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		char buf[128];
		if (rtnl_addr_get_ifindex(a) != idx)
			continue;
		nl_addr2str(rtnl_addr_get_local(a), buf, sizeof(buf));
		if (want && strcmp(buf, want) == 0 && flags_of)
			*flags_of = rtnl_addr_get_flags(a);
		strncat(out, buf, sizeof(out) - strlen(out) - 2);
		strcat(out, " ");
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return out;
}

/* Main-table routes: "dst via gw dev N;" lines. */
static char *oroutes(int nsfd, int family)
{
	struct nl_sock *sk = oracle(nsfd);
	struct nl_cache *cache;
	struct nl_object *o;
	static char out[4096];

	out[0] = '\0';
	ck_assert_int_eq(rtnl_route_alloc_cache(sk, family, 0, &cache), 0);
	for (o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *rt = (struct rtnl_route *)o;
		char line[300], dst[128] = "", gw[128] = "";
		int oif = 0;
		if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || rtnl_route_get_type(rt) != RTN_UNICAST)
			continue;
		struct nl_addr *d = rtnl_route_get_dst(rt);
		if (!d || nl_addr_get_prefixlen(d) == 0)
			snprintf(dst, sizeof(dst), "default");
		else
			nl_addr2str(d, dst, sizeof(dst));
		if (rtnl_route_get_nnexthops(rt) > 0) {
			struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
			if (rtnl_route_nh_get_gateway(nh))
				nl_addr2str(rtnl_route_nh_get_gateway(nh), gw, sizeof(gw));
			oif = rtnl_route_nh_get_ifindex(nh);
		}
		snprintf(line, sizeof(line), "%s via %s dev %d;", dst, gw[0] ? gw : "-", oif);
		strncat(out, line, sizeof(out) - strlen(out) - 1);
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return out;
}

/* The names of all links in namespace nsfd, sorted, joined by spaces. */
static char *olinks(int nsfd)
{
	struct nl_sock *sk = oracle(nsfd);
	struct nl_cache *cache;
	struct nl_object *o;
	char *names[256];
	size_t n = 0;
	static char out[4096];

	out[0] = '\0';
	ck_assert_int_eq(rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache), 0);
	for (o = nl_cache_get_first(cache); o && n < 256; o = nl_cache_get_next(o))
		names[n++] = strdup(rtnl_link_get_name((struct rtnl_link *)o));
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++) {
		strncat(out, names[i], sizeof(out) - strlen(out) - 2);
		strcat(out, " ");
		free(names[i]);
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return out;
}

static nsbox_netlink *nl_here(void)
{
	nsbox_netlink *nl = NULL;
	ck_assert_msg(nsbox_netlink_new(&nl) == 0, "%s", nsbox_last_error());
	return nl;
}

#define OK(call) ck_assert_msg((call) >= 0, "%s: %s", #call, nsbox_last_error())
#define FAILS(call, err)                                                                           \
	do {                                                                                       \
		int _r = (call);                                                                   \
		ck_assert_msg(_r == (err), "%s returned %d (%s), want %d", #call, _r,              \
			      nsbox_last_error(), (err));                                          \
		ck_assert_msg(nsbox_last_error()[0], "%s: no message", #call);                     \
	} while (0)
#define MSG_HAS(s) ck_assert_msg(strstr(nsbox_last_error(), (s)), "message \"%s\" lacks \"%s\"", \
				  nsbox_last_error(), (s))

/* ---- handles ---------------------------------------------------------------- */

START_TEST(handle_here)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	OK(nsbox_netlink_add_bridge(nl, "br0"));
	ck_assert(olink_exists(-1, "br0"));
	nsbox_netlink_free(nl);
	nsbox_netlink_free(NULL);
}
END_TEST

START_TEST(handle_other_ns)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	struct nschild c = nschild_start();
	ino_t mine = my_netns_ino();
	nsbox_netlink *a = NULL, *b = NULL, *d = NULL;
	char path[64];

	OK(nsbox_netlink_new_nsfd(&a, c.nsfd));
	ck_assert_int_eq(my_netns_ino(), mine);
	OK(nsbox_netlink_new_pid(&b, c.pid));
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)c.pid);
	OK(nsbox_netlink_new_path(&d, path));
	ck_assert_int_eq(my_netns_ino(), mine);

	OK(nsbox_netlink_add_bridge(a, "bra"));
	OK(nsbox_netlink_add_bridge(b, "brb"));
	OK(nsbox_netlink_add_bridge(d, "brd"));
	ck_assert(olink_exists(c.nsfd, "bra"));
	ck_assert(olink_exists(c.nsfd, "brb"));
	ck_assert(olink_exists(c.nsfd, "brd"));
	ck_assert(!olink_exists(-1, "bra"));
	ck_assert(!olink_exists(-1, "brb"));
	ck_assert(!olink_exists(-1, "brd"));
	ck_assert_int_eq(netns_ino(c.nsfd) != mine, 1);
	nsbox_netlink_free(a);
	nsbox_netlink_free(b);
	nsbox_netlink_free(d);
	nschild_stop(&c);
}
END_TEST

/* Opening handles elsewhere from one thread never moves another thread. */
static volatile int stop_watch;
static ino_t watch_ino;
static void *watcher(void *arg)
{
	int *bad = arg;
	while (!stop_watch) {
		struct stat st;
		if (stat("/proc/self/ns/net", &st) == 0 && st.st_ino != watch_ino)
			(*bad)++;
		if (stat("/proc/thread-self/ns/net", &st) == 0 && st.st_ino != watch_ino)
			(*bad)++;
	}
	return NULL;
}

START_TEST(handle_no_transient_ns_change)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	struct nschild c = nschild_start();
	pthread_t t;
	int bad = 0;

	watch_ino = my_netns_ino();
	ck_assert_int_eq(pthread_create(&t, NULL, watcher, &bad), 0);
	for (int i = 0; i < 200; i++) {
		nsbox_netlink *nl = NULL;
		OK(nsbox_netlink_new_nsfd(&nl, c.nsfd));
		nsbox_netlink_free(nl);
	}
	stop_watch = 1;
	pthread_join(t, NULL);
	ck_assert_int_eq(bad, 0);
	ck_assert_int_eq(my_netns_ino(), watch_ino);
	nschild_stop(&c);
}
END_TEST

START_TEST(handle_bad_input)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = (nsbox_netlink *)0x1;
	int fd, mntfd;

	FAILS(nsbox_netlink_new(NULL), -EINVAL);
	FAILS(nsbox_netlink_new_nsfd(&nl, -1), -EINVAL);
	fd = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	FAILS(nsbox_netlink_new_nsfd(&nl, fd), -EINVAL);
	MSG_HAS("is not a namespace");
	close(fd);
	mntfd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	FAILS(nsbox_netlink_new_nsfd(&nl, mntfd), -EINVAL);
	MSG_HAS("is not a network namespace");
	close(mntfd);
	FAILS(nsbox_netlink_new_nsfd(&nl, 9999), -EBADF);
	FAILS(nsbox_netlink_new_pid(&nl, 0), -EINVAL);
	FAILS(nsbox_netlink_new_pid(&nl, -5), -EINVAL);
	/* A pid that does not exist: past the kernel's pid_max. */
	FAILS(nsbox_netlink_new_pid(&nl, 4194304 + 7), -ESRCH);
	FAILS(nsbox_netlink_new_path(&nl, NULL), -EINVAL);
	FAILS(nsbox_netlink_new_path(&nl, "/nonexistent/netns"), -ENOENT);
	FAILS(nsbox_netlink_new_path(&nl, "/proc/self/ns/uts"), -EINVAL);
	FAILS(nsbox_netlink_new_path(&nl, "/etc/passwd"), -EINVAL);
	ck_assert_ptr_eq(nl, (nsbox_netlink *)0x1); /* untouched */
	FAILS(nsbox_netlink_set_up(NULL, "lo"), -EINVAL);
}
END_TEST

START_TEST(handle_fork_echild)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	int p[2];
	int got[2] = {0, 0};
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int r[2];
		r[0] = nsbox_netlink_set_loopback_up(nl);
		r[1] = strstr(nsbox_last_error(), "fork") != NULL;
		(void)!write(p[1], r, sizeof(r));
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], got, sizeof(got)), sizeof(got));
	waitpid(pid, NULL, 0);
	ck_assert_int_eq(got[0], -ECHILD);
	ck_assert_int_eq(got[1], 1);
	/* The parent's handle still works. */
	OK(nsbox_netlink_set_loopback_up(nl));
	nsbox_netlink_free(nl);
}
END_TEST

/* An answer that does not come from the kernel is not taken for one: here
 * a forged failure for the next request, sent to the handle's port by
 * another socket (root may do that), with the right sequence number. */
START_TEST(handle_ignores_forged_replies)
{
	struct {
		struct nlmsghdr h;
		struct nlmsgerr e;
	} forged;
	struct sockaddr_nl to = {.nl_family = AF_NETLINK};
	nsbox_netlink *nl;
	int s;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nl = nl_here();
	s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	ck_assert_int_ge(s, 0);
	memset(&forged, 0, sizeof(forged));
	forged.h.nlmsg_len = sizeof(forged);
	forged.h.nlmsg_type = NLMSG_ERROR;
	forged.h.nlmsg_seq = nl->seq + 1;
	forged.h.nlmsg_pid = nl->portid;
	forged.e.error = -EPERM;
	to.nl_pid = nl->portid;
	ck_assert_int_eq(sendto(s, &forged, sizeof(forged), 0, (struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)sizeof(forged));
	OK(nsbox_netlink_set_loopback_up(nl));
	close(s);
	nsbox_netlink_free(nl);
}
END_TEST

/* ---- loading libmnl (lib/netlink-mnl.c) -------------------------------- */

/* No such library: the handle is refused, with the name and a hint, and the
 * failure is remembered for the process. */
START_TEST(mnl_load_missing_library)
{
	static const char *const none[] = {"libnsbox-test-no-such-library.so.0", NULL};
	nsbox_netlink *nl = (nsbox_netlink *)0x1;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	ck_assert_int_eq(nsb_mnl_set_libnames_for_test(none), 0);
	FAILS(nsbox_netlink_new(&nl), -EOPNOTSUPP);
	MSG_HAS("load libnsbox-test-no-such-library.so.0 for netlink: ");
	MSG_HAS("install libmnl0");
	ck_assert_ptr_eq(nl, (nsbox_netlink *)0x1);
	FAILS(nsbox_netlink_new_pid(&nl, getpid()), -EOPNOTSUPP);
	MSG_HAS("load libnsbox-test-no-such-library.so.0 for netlink: ");
	ck_assert_int_eq(nsb_mnl_set_libnames_for_test(NULL), -EALREADY);
}
END_TEST

/* A library that loads but is not libmnl: the missing function is named. */
START_TEST(mnl_load_missing_symbol)
{
	static const char *const notmnl[] = {"libc.so.6", NULL};
	nsbox_netlink *nl = NULL;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	ck_assert_int_eq(nsb_mnl_set_libnames_for_test(notmnl), 0);
	FAILS(nsbox_netlink_new(&nl), -EOPNOTSUPP);
	MSG_HAS("load libc.so.6 for netlink: ");
	MSG_HAS("mnl_");
	MSG_HAS("libmnl 1.0.4 or later");
	ck_assert_ptr_null(nl);
}
END_TEST

/* The next name is tried when the first cannot be loaded. */
START_TEST(mnl_load_fallback_name)
{
	static const char *const names[] = {"libnsbox-test-no-such-library.so.0", "libmnl.so.0",
					    NULL};
	nsbox_netlink *nl;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	ck_assert_int_eq(nsb_mnl_set_libnames_for_test(names), 0);
	nl = nl_here();
	OK(nsbox_netlink_add_bridge(nl, "br0"));
	ck_assert(olink_exists(-1, "br0"));
	nsbox_netlink_free(nl);
}
END_TEST

/* ---- links -------------------------------------------------------------- */

START_TEST(link_veth_same_ns)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	struct rtnl_link *a, *b;

	OK(nsbox_netlink_add_veth(nl, "va", "vb", -1));
	a = olink(-1, "va");
	b = olink(-1, "vb");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(rtnl_link_get_type(a), "veth");
	ck_assert_str_eq(rtnl_link_get_type(b), "veth");
	ck_assert_int_eq(rtnl_link_get_link(a), rtnl_link_get_ifindex(b));
	ck_assert_int_eq(rtnl_link_get_link(b), rtnl_link_get_ifindex(a));
	ck_assert_int_eq(nsbox_netlink_link_index(nl, "va"), rtnl_link_get_ifindex(a));
	ck_assert_int_eq(nsbox_netlink_link_exists(nl, "vb"), 1);
	ck_assert_int_eq(nsbox_netlink_link_exists(nl, "vc"), 0);
	rtnl_link_put(a);
	rtnl_link_put(b);
	/* Deleting one end takes the other along. */
	OK(nsbox_netlink_del_link(nl, "vb"));
	ck_assert(!olink_exists(-1, "va"));
	ck_assert(!olink_exists(-1, "vb"));
	FAILS(nsbox_netlink_del_link(nl, "vb"), -ENODEV);
	MSG_HAS("delete link vb");
	nsbox_netlink_free(nl);
}
END_TEST

START_TEST(link_veth_peer_in_other_ns)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	struct nschild c1 = nschild_start(), c2 = nschild_start();
	nsbox_netlink *nl = nl_here();
	struct rtnl_link *l;

	/* By fd. */
	OK(nsbox_netlink_add_veth(nl, "h1", "ceth", c1.nsfd));
	ck_assert(olink_exists(-1, "h1"));
	ck_assert(!olink_exists(-1, "ceth"));
	l = olink(c1.nsfd, "ceth");
	ck_assert_ptr_nonnull(l);
	ck_assert_str_eq(rtnl_link_get_type(l), "veth");
	rtnl_link_put(l);
	/* By pid: the same peer name is fine in another namespace. */
	OK(nsbox_netlink_add_veth_pid(nl, "h2", "ceth", c2.pid));
	ck_assert(olink_exists(c2.nsfd, "ceth"));
	ck_assert(!olink_exists(-1, "ceth"));
	/* The peer's name is taken in c1: EEXIST, nothing created. */
	FAILS(nsbox_netlink_add_veth(nl, "h3", "ceth", c1.nsfd), -EEXIST);
	MSG_HAS("add veth h3 peer ceth in netns fd");
	ck_assert(!olink_exists(-1, "h3"));
	/* Deleting the host end removes the peer in the other namespace. */
	OK(nsbox_netlink_del_link(nl, "h1"));
	ck_assert(!olink_exists(c1.nsfd, "ceth"));
	nsbox_netlink_free(nl);
	nschild_stop(&c1);
	nschild_stop(&c2);
}
END_TEST

/* A veth pair on a bridge, both ends up, in one call: checked end by end. */
static void check_veth_end(int nsfd, const char *name, int master, bool up, int peer_index)
{
	struct rtnl_link *l = olink(nsfd, name);

	ck_assert_msg(l, "no link %s", name);
	ck_assert_str_eq(rtnl_link_get_type(l), "veth");
	ck_assert_int_eq(rtnl_link_get_master(l), master);
	ck_assert_msg(!!(rtnl_link_get_flags(l) & IFF_UP) == up, "%s: flags 0x%x, want %s", name,
		      rtnl_link_get_flags(l), up ? "up" : "down");
	if (peer_index > 0)
		ck_assert_int_eq(rtnl_link_get_link(l), peer_index);
	rtnl_link_put(l);
}

START_TEST(link_veth_bridged)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	struct nschild c = nschild_start();
	nsbox_netlink *nl = nl_here();
	const uint32_t both = NSBOX_NETLINK_VETH_UP | NSBOX_NETLINK_VETH_PEER_UP;
	int bri, fd_before, fd_after;

	OK(nsbox_netlink_add_bridge(nl, "br0"));
	OK(nsbox_netlink_set_up(nl, "br0"));
	bri = olink_index(-1, "br0");
	ck_assert_int_gt(bri, 0);

	/* Same namespace: on the bridge, both ends up. */
	OK(nsbox_netlink_add_veth_bridged(nl, "vh0", "vp0", -1, "br0", both));
	check_veth_end(-1, "vh0", bri, true, olink_index(-1, "vp0"));
	check_veth_end(-1, "vp0", 0, true, olink_index(-1, "vh0"));

	/* The peer born in another namespace, up there (through a socket
	 * opened there for the moment: no fd is left open); the host end on
	 * the bridge. */
	fd_before = dup(0);
	close(fd_before);
	OK(nsbox_netlink_add_veth_bridged(nl, "vh1", "eth0", c.nsfd, "br0", both));
	fd_after = dup(0);
	close(fd_after);
	ck_assert_int_eq(fd_after, fd_before);
	check_veth_end(-1, "vh1", bri, true, 0);
	check_veth_end(c.nsfd, "eth0", 0, true, 0);
	ck_assert(!olink_exists(-1, "eth0"));

	/* No bridge. */
	OK(nsbox_netlink_add_veth_bridged(nl, "vh2", "vp2", -1, NULL, both));
	check_veth_end(-1, "vh2", 0, true, 0);
	check_veth_end(-1, "vp2", 0, true, 0);

	/* Flags 0: on the bridge, both ends down; flags one by one. */
	OK(nsbox_netlink_add_veth_bridged(nl, "vh3", "vp3", -1, "br0", 0));
	check_veth_end(-1, "vh3", bri, false, 0);
	check_veth_end(-1, "vp3", 0, false, 0);
	OK(nsbox_netlink_add_veth_bridged(nl, "vh4", "vp4", -1, NULL, NSBOX_NETLINK_VETH_PEER_UP));
	check_veth_end(-1, "vh4", 0, false, 0);
	check_veth_end(-1, "vp4", 0, true, 0);
	OK(nsbox_netlink_add_veth_bridged(nl, "vh5", "vp5", c.nsfd, "br0", NSBOX_NETLINK_VETH_UP));
	check_veth_end(-1, "vh5", bri, true, 0);
	check_veth_end(c.nsfd, "vp5", 0, false, 0);

	/* A bridge that is down takes ports too. */
	OK(nsbox_netlink_add_bridge(nl, "br1"));
	OK(nsbox_netlink_add_veth_bridged(nl, "vh6", "vp6", -1, "br1", both));
	check_veth_end(-1, "vh6", olink_index(-1, "br1"), true, 0);

	/* An ordinary port: it can be detached again. */
	OK(nsbox_netlink_set_nomaster(nl, "vh0"));
	check_veth_end(-1, "vh0", 0, true, 0);
	/* And nsbox_netlink_add_veth() is this with no bridge and no flags. */
	OK(nsbox_netlink_add_veth(nl, "vh7", "vp7", -1));
	check_veth_end(-1, "vh7", 0, false, 0);
	check_veth_end(-1, "vp7", 0, false, 0);
	nsbox_netlink_free(nl);
	nschild_stop(&c);
}
END_TEST

START_TEST(link_veth_bridged_failures)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	struct nschild c = nschild_start();
	nsbox_netlink *nl = nl_here();
	const uint32_t both = NSBOX_NETLINK_VETH_UP | NSBOX_NETLINK_VETH_PEER_UP;
	const char *bad[] = {"", "0123456789abcdef", "a/b", "a b", "tab\t", "a:b", ".."};
	char here[4096], there[4096];
	int fd, mntfd;

	OK(nsbox_netlink_add_bridge(nl, "br0"));
	OK(nsbox_netlink_add_veth(nl, "plain0", "plain1", -1));
	OK(nsbox_netlink_add_veth_bridged(nl, "taken", "takenp", -1, "br0", both));
	OK(nsbox_netlink_add_veth_bridged(nl, "vhc", "inc", c.nsfd, "br0", both));
	snprintf(here, sizeof(here), "%s", olinks(-1));
	snprintf(there, sizeof(there), "%s", olinks(c.nsfd));
	ck_assert_str_eq(here, "br0 lo plain0 plain1 taken takenp vhc ");
	ck_assert_str_eq(there, "inc lo ");
#define NOTHING_NEW()                                                                              \
	do {                                                                                       \
		ck_assert_str_eq(olinks(-1), here);                                                \
		ck_assert_str_eq(olinks(c.nsfd), there);                                           \
	} while (0)

	/* No such bridge: found out before anything is sent. */
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", -1, "nobr", both), -ENODEV);
	MSG_HAS("add veth v0 peer v1 on bridge nobr: find link nobr: No such device");
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", c.nsfd, "nobr", both), -ENODEV);
	NOTHING_NEW();

	/* A link that takes no ports: the kernel made the pair, failed to
	 * attach it, and unregistered both ends again (in both namespaces). */
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", -1, "plain0", both), -EOPNOTSUPP);
	MSG_HAS("add veth v0 peer v1 on bridge plain0: plain0 is not a bridge (kind \"veth\")");
	NOTHING_NEW();
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", c.nsfd, "plain0", both), -EOPNOTSUPP);
	MSG_HAS("plain0 is not a bridge");
	NOTHING_NEW();
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", -1, "lo", 0), -EOPNOTSUPP);
	MSG_HAS("lo is not a bridge");
	NOTHING_NEW();
	/* The bridge's own port is no bridge either. */
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", -1, "taken", both), -EOPNOTSUPP);
	NOTHING_NEW();

	/* Names taken: the kernel gives no text, the message says which. */
	FAILS(nsbox_netlink_add_veth_bridged(nl, "taken", "v1", -1, "br0", both), -EEXIST);
	MSG_HAS("add veth taken peer v1 on bridge br0: a link named taken already exists: "
		"File exists");
	NOTHING_NEW();
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "takenp", -1, "br0", both), -EEXIST);
	MSG_HAS("a link named takenp already exists: File exists");
	NOTHING_NEW();
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "inc", c.nsfd, "br0", both), -EEXIST);
	MSG_HAS("add veth v0 peer inc in netns fd ");
	MSG_HAS(" on bridge br0: a link named inc already exists there: File exists");
	NOTHING_NEW();
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v0", -1, NULL, 0), -EEXIST);
	MSG_HAS("both ends have the same name");
	FAILS(nsbox_netlink_add_veth_bridged(nl, "br0", "v1", -1, "br0", both), -EEXIST);
	NOTHING_NEW();

	/* Bad names, for each of the three. */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FAILS(nsbox_netlink_add_veth_bridged(nl, bad[i], "v1", -1, "br0", both), -EINVAL);
		MSG_HAS("interface name");
		FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", bad[i], -1, "br0", both), -EINVAL);
		MSG_HAS("interface name");
		FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", -1, bad[i], both), -EINVAL);
		MSG_HAS("add veth v0 peer v1 on bridge: ");
		MSG_HAS("interface name");
	}
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", -1, "0123456789abcdef", both),
	      -EINVAL);
	MSG_HAS("longer than 15 bytes");
	FAILS(nsbox_netlink_add_veth_bridged(nl, NULL, "v1", -1, "br0", both), -EINVAL);
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", NULL, -1, "br0", both), -EINVAL);
	NOTHING_NEW();

	/* A later request failing deletes the pair again, in both namespaces.
	 * Here no fd is left for the socket that brings the peer up in its
	 * namespace (the pair itself is made over the handle's socket). */
	{
		struct rlimit old, tight;
		int lowest = dup(0);

		ck_assert_int_ge(lowest, 0);
		close(lowest);
		ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
		tight = old;
		tight.rlim_cur = (rlim_t)lowest; /* no new fd */
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &tight), 0);
		fd = nsbox_netlink_add_veth_bridged(nl, "v0", "v1", c.nsfd, "br0", both);
		ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
		ck_assert_msg(fd == -EMFILE, "got %d: %s", fd, nsbox_last_error());
		MSG_HAS("add veth v0 peer v1 in netns fd ");
		NOTHING_NEW();
	}

	/* Unknown flag bits. */
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", -1, "br0", UINT32_C(1) << 2), -EINVAL);
	MSG_HAS("unknown flags 0x4");
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", -1, NULL, both | UINT32_C(0x80000000)),
	      -EINVAL);
	MSG_HAS("unknown flags 0x80000000");
	NOTHING_NEW();

	/* peer_nsfd that is no network namespace. */
	fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", fd, "br0", both), -EINVAL);
	MSG_HAS("is not a namespace");
	close(fd);
	mntfd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(mntfd, 0);
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", mntfd, "br0", both), -EINVAL);
	MSG_HAS("is not a network namespace");
	close(mntfd);
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", 9999, "br0", both), -EBADF);
	FAILS(nsbox_netlink_add_veth_bridged(nl, "v0", "v1", -2, "br0", both), -EINVAL);
	NOTHING_NEW();

	FAILS(nsbox_netlink_add_veth_bridged(NULL, "v0", "v1", -1, "br0", both), -EINVAL);
#undef NOTHING_NEW
	nsbox_netlink_free(nl);
	nschild_stop(&c);
}
END_TEST

START_TEST(link_bridge_master)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	struct rtnl_link *l;
	int bri;

	OK(nsbox_netlink_add_bridge(nl, "br0"));
	l = olink(-1, "br0");
	ck_assert_str_eq(rtnl_link_get_type(l), "bridge");
	bri = rtnl_link_get_ifindex(l);
	rtnl_link_put(l);
	OK(nsbox_netlink_add_veth(nl, "v0", "v0p", -1));
	OK(nsbox_netlink_set_master(nl, "v0", "br0"));
	l = olink(-1, "v0");
	ck_assert_int_eq(rtnl_link_get_master(l), bri);
	rtnl_link_put(l);
	OK(nsbox_netlink_set_nomaster(nl, "v0"));
	l = olink(-1, "v0");
	ck_assert_int_eq(rtnl_link_get_master(l), 0);
	rtnl_link_put(l);
	OK(nsbox_netlink_set_nomaster(nl, "v0")); /* no-op */
	/* Not a bridge; missing master; missing port. */
	FAILS(nsbox_netlink_set_master(nl, "v0", "v0p"), -EOPNOTSUPP);
	MSG_HAS("v0p is not a bridge");
	FAILS(nsbox_netlink_set_master(nl, "v0", "lo"), -EOPNOTSUPP);
	FAILS(nsbox_netlink_set_master(nl, "v0", "nobr"), -ENODEV);
	FAILS(nsbox_netlink_set_master(nl, "nolink", "br0"), -ENODEV);
	l = olink(-1, "v0");
	ck_assert_int_eq(rtnl_link_get_master(l), 0);
	rtnl_link_put(l);
	/* A refused master changes nothing: the port stays on its bridge (the
	 * kernel alone would detach it first). */
	OK(nsbox_netlink_set_master(nl, "v0", "br0"));
	FAILS(nsbox_netlink_set_master(nl, "v0", "v0p"), -EOPNOTSUPP);
	MSG_HAS("v0p is not a bridge (kind \"veth\")");
	FAILS(nsbox_netlink_set_master(nl, "v0", "nobr"), -ENODEV);
	MSG_HAS("find link nobr");
	l = olink(-1, "v0");
	ck_assert_int_eq(rtnl_link_get_master(l), bri);
	rtnl_link_put(l);
	OK(nsbox_netlink_set_nomaster(nl, "v0"));
	FAILS(nsbox_netlink_add_bridge(nl, "br0"), -EEXIST);
	MSG_HAS("add bridge br0: File exists");
	nsbox_netlink_free(nl);
}
END_TEST

START_TEST(link_state_mtu_mac)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	struct rtnl_link *l;
	char buf[64];

	OK(nsbox_netlink_add_veth(nl, "v0", "v1", -1));
	OK(nsbox_netlink_set_up(nl, "v0"));
	l = olink(-1, "v0");
	ck_assert(rtnl_link_get_flags(l) & IFF_UP);
	rtnl_link_put(l);
	OK(nsbox_netlink_set_down(nl, "v0"));
	l = olink(-1, "v0");
	ck_assert(!(rtnl_link_get_flags(l) & IFF_UP));
	rtnl_link_put(l);

	OK(nsbox_netlink_set_mtu(nl, "v0", 1400));
	l = olink(-1, "v0");
	ck_assert_uint_eq(rtnl_link_get_mtu(l), 1400);
	rtnl_link_put(l);
	FAILS(nsbox_netlink_set_mtu(nl, "v0", 10), -EINVAL);
	MSG_HAS("(kernel: ");

	OK(nsbox_netlink_set_mac(nl, "v0", "02:42:AC:11:00:0b"));
	l = olink(-1, "v0");
	ck_assert_str_eq(nl_addr2str(rtnl_link_get_addr(l), buf, sizeof(buf)), "02:42:ac:11:00:0b");
	rtnl_link_put(l);
	FAILS(nsbox_netlink_set_mac(nl, "v0", "02:42:ac:11:00"), -EINVAL);
	FAILS(nsbox_netlink_set_mac(nl, "v0", "02:42:ac:11:00:0b:01"), -EINVAL);
	FAILS(nsbox_netlink_set_mac(nl, "v0", "zz:42:ac:11:00:0b"), -EINVAL);
	FAILS(nsbox_netlink_set_mac(nl, "v0", ""), -EINVAL);
	FAILS(nsbox_netlink_set_mac(nl, "v0", NULL), -EINVAL);
	FAILS(nsbox_netlink_set_mac(nl, "v0", "01:00:5e:00:00:01"), -EADDRNOTAVAIL);
	FAILS(nsbox_netlink_set_up(nl, "nope"), -ENODEV);
	MSG_HAS("set link nope up");
	FAILS(nsbox_netlink_set_mtu(nl, "nope", 1500), -ENODEV);

	/* Loopback. */
	l = olink(-1, "lo");
	ck_assert(!(rtnl_link_get_flags(l) & IFF_UP));
	rtnl_link_put(l);
	OK(nsbox_netlink_set_loopback_up(nl));
	l = olink(-1, "lo");
	ck_assert(rtnl_link_get_flags(l) & IFF_UP);
	rtnl_link_put(l);
	nsbox_netlink_free(nl);
}
END_TEST

START_TEST(link_rename_move)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	struct nschild c = nschild_start();
	nsbox_netlink *nl = nl_here();
	nsbox_netlink *cn = NULL;
	int here;

	OK(nsbox_netlink_add_veth(nl, "v0", "v1", -1));
	OK(nsbox_netlink_rename(nl, "v1", "eth0"));
	ck_assert(olink_exists(-1, "eth0"));
	ck_assert(!olink_exists(-1, "v1"));
	FAILS(nsbox_netlink_rename(nl, "eth0", "v0"), -EEXIST);
	FAILS(nsbox_netlink_rename(nl, "nope", "x"), -ENODEV);

	OK(nsbox_netlink_set_netns_nsfd(nl, "eth0", c.nsfd));
	ck_assert(!olink_exists(-1, "eth0"));
	ck_assert(olink_exists(c.nsfd, "eth0"));
	OK(nsbox_netlink_set_netns_pid(nl, "v0", c.pid));
	ck_assert(olink_exists(c.nsfd, "v0"));
	/* And back, through a handle in the child's namespace. */
	here = self_netns();
	OK(nsbox_netlink_new_pid(&cn, c.pid));
	OK(nsbox_netlink_set_netns_nsfd(cn, "v0", here));
	ck_assert(olink_exists(-1, "v0"));
	FAILS(nsbox_netlink_set_netns_nsfd(nl, "v0", 0), -EINVAL);
	FAILS(nsbox_netlink_set_netns_pid(nl, "v0", 4194304 + 7), -ESRCH);
	FAILS(nsbox_netlink_set_netns_nsfd(nl, "nope", here), -ENODEV);
	close(here);
	nsbox_netlink_free(cn);
	nsbox_netlink_free(nl);
	nschild_stop(&c);
}
END_TEST

START_TEST(link_list_many)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	char **names = NULL;
	size_t n = 0;
	int fd_before, fd_after;
	char a[16], b[16];

	fd_before = dup(0);
	close(fd_before);
	/* 500 pairs: 1000 links, plus lo. The dump spans many reads. */
	for (int i = 0; i < 500; i++) {
		snprintf(a, sizeof(a), "la%d", i);
		snprintf(b, sizeof(b), "lb%d", i);
		OK(nsbox_netlink_add_veth(nl, a, b, -1));
	}
	OK(nsbox_netlink_list_links(nl, &names, &n));
	ck_assert_uint_eq(n, 1001);
	ck_assert_ptr_null(names[n]);
	ck_assert_str_eq(names[0], "lo");
	int seen = 0;
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], "la499") == 0 || strcmp(names[i], "lb0") == 0)
			seen++;
	ck_assert_int_eq(seen, 2);
	nsbox_free(names);
	ck_assert_int_eq(nsbox_netlink_link_exists(nl, "lb499"), 1);
	/* No fd leaked on the way. */
	fd_after = dup(0);
	close(fd_after);
	ck_assert_int_eq(fd_after, fd_before);
	nsbox_netlink_free(nl);
}
END_TEST

START_TEST(link_bad_names)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	const char *bad[] = {"", "0123456789abcdef", "a/b", "a b", "tab\t", "nl\n", "a:b",
			     ".", "..", "averyveryverylongname"};
	char **names;
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FAILS(nsbox_netlink_add_bridge(nl, bad[i]), -EINVAL);
		MSG_HAS("interface name");
		FAILS(nsbox_netlink_add_veth(nl, "ok0", bad[i], -1), -EINVAL);
		FAILS(nsbox_netlink_add_veth(nl, bad[i], "ok1", -1), -EINVAL);
		FAILS(nsbox_netlink_rename(nl, "lo", bad[i]), -EINVAL);
		FAILS(nsbox_netlink_set_up(nl, bad[i]), -EINVAL);
		FAILS(nsbox_netlink_add_addr(nl, bad[i], "10.0.0.1/8", 0), -EINVAL);
		FAILS(nsbox_netlink_link_exists(nl, bad[i]), -EINVAL);
	}
	FAILS(nsbox_netlink_add_bridge(nl, "0123456789abcdef"), -EINVAL);
	MSG_HAS("longer than 15 bytes");
	FAILS(nsbox_netlink_add_bridge(nl, NULL), -EINVAL);
	OK(nsbox_netlink_add_bridge(nl, "0123456789abcde")); /* exactly 15 */
	FAILS(nsbox_netlink_add_veth(nl, "x0", "x1", 12345), -EBADF);
	FAILS(nsbox_netlink_add_veth(nl, "x0", "x1", 0), -EINVAL);
	FAILS(nsbox_netlink_add_veth_pid(nl, "x0", "x1", 4194304 + 7), -ESRCH);
	FAILS(nsbox_netlink_add_veth_pid(nl, "x0", "x1", 0), -EINVAL);
	/* Nothing was created by any of that. */
	OK(nsbox_netlink_list_links(nl, &names, &n));
	ck_assert_uint_eq(n, 2);
	nsbox_free(names);
	nsbox_netlink_free(nl);
}
END_TEST

/* ---- addresses ------------------------------------------------------------ */

START_TEST(addr_add_list_del)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	char **v;
	size_t n;
	unsigned flags = 0;

	OK(nsbox_netlink_add_veth(nl, "v0", "v1", -1));
	OK(nsbox_netlink_set_up(nl, "v0"));
	OK(nsbox_netlink_set_up(nl, "v1"));
	OK(nsbox_netlink_add_addr(nl, "v0", "172.17.0.12/16", 0));
	OK(nsbox_netlink_add_addr(nl, "v0", "fd00::2/64", NSBOX_NETLINK_ADDR_NODAD));
	OK(nsbox_netlink_add_addr(nl, "v0", "10.9.8.7", 0));
	char *s = oaddrs(-1, "v0", &flags, "fd00::2/64");
	ck_assert_msg(strstr(s, "172.17.0.12/16 "), "%s", s);
	ck_assert_msg(strstr(s, "10.9.8.7 "), "%s", s); /* libnl omits /32 */
	ck_assert_msg(strstr(s, "fd00::2/64 "), "%s", s);
	ck_assert(flags & IFA_F_NODAD);
	ck_assert(!(flags & IFA_F_TENTATIVE));

	OK(nsbox_netlink_list_addrs(nl, "v0", &v, &n));
	ck_assert_uint_ge(n, 3);
	ck_assert_str_eq(v[0], "172.17.0.12/16");
	ck_assert_str_eq(v[1], "10.9.8.7/32");
	bool six = false;
	for (size_t i = 2; i < n; i++)
		six |= strcmp(v[i], "fd00::2/64") == 0;
	ck_assert(six);
	nsbox_free(v);

	/* Twice: the kernel's EEXIST, with its extended-ACK text. */
	FAILS(nsbox_netlink_add_addr(nl, "v0", "172.17.0.12/16", 0), -EEXIST);
	MSG_HAS("add address 172.17.0.12/16 to v0: File exists (kernel: ");

	OK(nsbox_netlink_del_addr(nl, "v0", "172.17.0.12/16"));
	OK(nsbox_netlink_del_addr(nl, "v0", "fd00::2/64"));
	s = oaddrs(-1, "v0", NULL, NULL);
	ck_assert_msg(!strstr(s, "172.17.0.12"), "%s", s);
	ck_assert_msg(!strstr(s, "fd00::2/"), "%s", s);
	FAILS(nsbox_netlink_del_addr(nl, "v0", "172.17.0.12/16"), -EADDRNOTAVAIL);

	/* Empty list on a link with no address. */
	OK(nsbox_netlink_add_bridge(nl, "br0"));
	OK(nsbox_netlink_list_addrs(nl, "br0", &v, &n));
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(v[0]);
	nsbox_free(v);
	nsbox_netlink_free(nl);
}
END_TEST

START_TEST(addr_bad_input)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	const char *bad[] = {"", "/16", "172.17.0.1/", "172.17.0.1/ 16", "172.17.0.1/-1",
			     "172.17.0.1/16/1", "172.17.0/16", "256.1.1.1/8", "host/8",
			     "fd00::1::2/64", "172.17.0.1/0x10", " 172.17.0.1/16", "172.17.0.1/+8",
			     "1.2.3.4/0016"};
	char **v;
	size_t n;

	OK(nsbox_netlink_add_bridge(nl, "br0"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FAILS(nsbox_netlink_add_addr(nl, "br0", bad[i], 0), -EINVAL);
		MSG_HAS("CIDR");
		FAILS(nsbox_netlink_del_addr(nl, "br0", bad[i]), -EINVAL);
	}
	FAILS(nsbox_netlink_add_addr(nl, "br0", "172.17.0.1/33", 0), -EINVAL);
	MSG_HAS("prefix length over 32");
	FAILS(nsbox_netlink_add_addr(nl, "br0", "fd00::1/129", 0), -EINVAL);
	MSG_HAS("prefix length over 128");
	FAILS(nsbox_netlink_add_addr(nl, "br0", NULL, 0), -EINVAL);
	FAILS(nsbox_netlink_add_addr(nl, "br0", "10.0.0.1/8", 0x80), -EINVAL);
	FAILS(nsbox_netlink_add_addr(nl, "nope", "10.0.0.1/8", 0), -ENODEV);
	MSG_HAS("add address 10.0.0.1/8 to nope");
	FAILS(nsbox_netlink_list_addrs(nl, "nope", &v, &n), -ENODEV);
	OK(nsbox_netlink_list_addrs(nl, "br0", &v, &n));
	ck_assert_uint_eq(n, 0);
	nsbox_free(v);
	nsbox_netlink_free(nl);
}
END_TEST

/* ---- routes --------------------------------------------------------------- */

START_TEST(route_add_del)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();
	char want[128];
	int idx;

	OK(nsbox_netlink_add_veth(nl, "v0", "v1", -1));
	OK(nsbox_netlink_set_up(nl, "v0"));
	OK(nsbox_netlink_set_up(nl, "v1"));
	OK(nsbox_netlink_add_addr(nl, "v0", "172.17.0.12/16", 0));
	OK(nsbox_netlink_add_addr(nl, "v0", "fd00::2/64", NSBOX_NETLINK_ADDR_NODAD));
	idx = nsbox_netlink_link_index(nl, "v0");
	ck_assert_int_gt(idx, 0);

	OK(nsbox_netlink_add_route(nl, NULL, "172.17.0.1", NULL));
	OK(nsbox_netlink_add_route(nl, "10.1.0.0/16", "172.17.0.1", "v0"));
	OK(nsbox_netlink_add_route(nl, "10.2.0.0/16", NULL, "v0"));
	OK(nsbox_netlink_add_route(nl, "default", "fd00::1", "v0"));
	OK(nsbox_netlink_add_route(nl, "fd01::/64", "fd00::1", NULL));
	char *s = oroutes(-1, AF_INET);
	snprintf(want, sizeof(want), "default via 172.17.0.1 dev %d;", idx);
	ck_assert_msg(strstr(s, want), "%s lacks %s", s, want);
	snprintf(want, sizeof(want), "10.1.0.0/16 via 172.17.0.1 dev %d;", idx);
	ck_assert_msg(strstr(s, want), "%s lacks %s", s, want);
	snprintf(want, sizeof(want), "10.2.0.0/16 via - dev %d;", idx);
	ck_assert_msg(strstr(s, want), "%s lacks %s", s, want);
	s = oroutes(-1, AF_INET6);
	snprintf(want, sizeof(want), "default via fd00::1 dev %d;", idx);
	ck_assert_msg(strstr(s, want), "%s lacks %s", s, want);
	snprintf(want, sizeof(want), "fd01::/64 via fd00::1 dev %d;", idx);
	ck_assert_msg(strstr(s, want), "%s lacks %s", s, want);

	FAILS(nsbox_netlink_add_route(nl, NULL, "172.17.0.1", NULL), -EEXIST);
	MSG_HAS("add route default via 172.17.0.1: File exists");

	OK(nsbox_netlink_del_route(nl, "default", "172.17.0.1", NULL));
	OK(nsbox_netlink_del_route(nl, "10.1.0.0/16", NULL, NULL));
	OK(nsbox_netlink_del_route(nl, "10.2.0.0/16", NULL, "v0"));
	OK(nsbox_netlink_del_route(nl, "::/0", NULL, NULL));
	OK(nsbox_netlink_del_route(nl, "fd01::/64", "fd00::1", "v0"));
	s = oroutes(-1, AF_INET);
	ck_assert_msg(!strstr(s, "default") && !strstr(s, "10.1.") && !strstr(s, "10.2."), "%s", s);
	s = oroutes(-1, AF_INET6);
	ck_assert_msg(!strstr(s, "default") && !strstr(s, "fd01"), "%s", s);
	FAILS(nsbox_netlink_del_route(nl, "10.1.0.0/16", NULL, NULL), -ESRCH);
	nsbox_netlink_free(nl);
}
END_TEST

START_TEST(route_bad_input)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	nsbox_netlink *nl = nl_here();

	OK(nsbox_netlink_add_veth(nl, "v0", "v1", -1));
	OK(nsbox_netlink_set_up(nl, "v0"));
	OK(nsbox_netlink_add_addr(nl, "v0", "172.17.0.12/16", 0));
	FAILS(nsbox_netlink_add_route(nl, "10.0.0.0/33", "172.17.0.1", NULL), -EINVAL);
	MSG_HAS("prefix length over 32");
	FAILS(nsbox_netlink_add_route(nl, "fd00::/129", NULL, "v0"), -EINVAL);
	MSG_HAS("prefix length over 128");
	FAILS(nsbox_netlink_add_route(nl, "10.0.0/8", "172.17.0.1", NULL), -EINVAL);
	FAILS(nsbox_netlink_add_route(nl, "deflt", "172.17.0.1", NULL), -EINVAL);
	FAILS(nsbox_netlink_add_route(nl, NULL, "172.17.0.1/16", NULL), -EINVAL);
	FAILS(nsbox_netlink_add_route(nl, NULL, "gateway", NULL), -EINVAL);
	FAILS(nsbox_netlink_add_route(nl, "10.0.0.0/8", "fd00::1", NULL), -EINVAL);
	MSG_HAS("gateway is IPv6 but destination is IPv4");
	FAILS(nsbox_netlink_add_route(nl, "fd00::/64", "172.17.0.1", NULL), -EINVAL);
	MSG_HAS("gateway is IPv4 but destination is IPv6");
	FAILS(nsbox_netlink_add_route(nl, "10.0.0.0/8", NULL, NULL), -EINVAL);
	FAILS(nsbox_netlink_add_route(nl, "10.0.0.0/8", NULL, "nope"), -ENODEV);
	FAILS(nsbox_netlink_add_route(nl, "10.0.0.0/8", NULL, "a/b"), -EINVAL);
	/* Host bits set: the kernel refuses, and says why. */
	FAILS(nsbox_netlink_add_route(nl, "10.0.0.1/8", "172.17.0.1", NULL), -EINVAL);
	MSG_HAS("(kernel: ");
	/* Unreachable gateway. */
	FAILS(nsbox_netlink_add_route(nl, "10.0.0.0/8", "192.0.2.1", NULL), -ENETUNREACH);
	ck_assert_msg(!strstr(oroutes(-1, AF_INET), "10.0.0.0"), "route was created");
	nsbox_netlink_free(nl);
}
END_TEST

/* ---- two namespaces through a bridge ------------------------------------- */

static int udp_socket_in(int nsfd, const char *ip, uint16_t port)
{
	int self = self_netns();
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
	struct timeval tv = {.tv_sec = 5};
	int s;

	ck_assert_int_eq(setns(nsfd, CLONE_NEWNET), 0);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(setns(self, CLONE_NEWNET), 0);
	close(self);
	inet_pton(AF_INET, ip, &a.sin_addr);
	ck_assert_msg(bind(s, (struct sockaddr *)&a, sizeof(a)) == 0, "bind %s: %s", ip,
		      strerror(errno));
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return s;
}

static void wire(nsbox_netlink *host, struct nschild *c, const char *hname, const char *cidr)
{
	nsbox_netlink *cn = NULL;

	OK(nsbox_netlink_add_veth_pid(host, hname, "tmp0", c->pid));
	OK(nsbox_netlink_set_master(host, hname, "nsbox0"));
	OK(nsbox_netlink_set_up(host, hname));
	OK(nsbox_netlink_new_nsfd(&cn, c->nsfd));
	OK(nsbox_netlink_rename(cn, "tmp0", "eth0"));
	OK(nsbox_netlink_add_addr(cn, "eth0", cidr, 0));
	OK(nsbox_netlink_set_up(cn, "eth0"));
	OK(nsbox_netlink_set_loopback_up(cn));
	OK(nsbox_netlink_add_route(cn, NULL, "172.17.0.1", NULL));
	nsbox_netlink_free(cn);
}

START_TEST(bridge_two_namespaces_talk)
{
	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	struct nschild c1 = nschild_start(), c2 = nschild_start();
	nsbox_netlink *host = nl_here();
	char buf[64];
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(4242)};
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	OK(nsbox_netlink_add_bridge(host, "nsbox0"));
	OK(nsbox_netlink_add_addr(host, "nsbox0", "172.17.0.1/16", 0));
	OK(nsbox_netlink_set_up(host, "nsbox0"));
	wire(host, &c1, "veth1", "172.17.0.11/16");
	wire(host, &c2, "veth2", "172.17.0.12/16");

	int s1 = udp_socket_in(c1.nsfd, "172.17.0.11", 4242);
	int s2 = udp_socket_in(c2.nsfd, "172.17.0.12", 4243);
	inet_pton(AF_INET, "172.17.0.11", &to.sin_addr);
	ck_assert_int_eq(sendto(s2, "ping", 4, 0, (struct sockaddr *)&to, sizeof(to)), 4);
	n = recvfrom(s1, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
	ck_assert_msg(n == 4, "recv: %zd %s", n, strerror(errno));
	ck_assert(memcmp(buf, "ping", 4) == 0);
	inet_ntop(AF_INET, &from.sin_addr, buf, sizeof(buf));
	ck_assert_str_eq(buf, "172.17.0.12");
	ck_assert_int_eq(sendto(s1, "pong", 4, 0, (struct sockaddr *)&from, fl), 4);
	n = recv(s2, buf, sizeof(buf), 0);
	ck_assert_int_eq(n, 4);
	ck_assert(memcmp(buf, "pong", 4) == 0);
	/* And the host stand-in (the bridge's address) is reachable from c1. */
	int self = self_netns();
	int sh = udp_socket_in(self, "172.17.0.1", 4244);
	close(self);
	to.sin_port = htons(4244);
	inet_pton(AF_INET, "172.17.0.1", &to.sin_addr);
	ck_assert_int_eq(sendto(s1, "hi", 2, 0, (struct sockaddr *)&to, sizeof(to)), 2);
	ck_assert_int_eq(recv(sh, buf, sizeof(buf), 0), 2);
	close(sh);

	/* The host ends are ports of the bridge; the container ends are eth0 there. */
	struct rtnl_link *l = olink(-1, "veth2");
	ck_assert_int_eq(rtnl_link_get_master(l), olink_index(-1, "nsbox0"));
	rtnl_link_put(l);
	ck_assert(olink_exists(c2.nsfd, "eth0"));
	close(s1);
	close(s2);
	nsbox_netlink_free(host);
	nschild_stop(&c1);
	nschild_stop(&c2);
}
END_TEST

static Suite *netlink_suite(void)
{
	Suite *s = suite_create("netlink");
	TCase *tc;

	tc = tcase_create("handle");
	tcase_add_test(tc, handle_here);
	tcase_add_test(tc, handle_other_ns);
	tcase_add_test(tc, handle_no_transient_ns_change);
	tcase_add_test(tc, handle_bad_input);
	tcase_add_test(tc, handle_fork_echild);
	tcase_add_test(tc, handle_ignores_forged_replies);
	suite_add_tcase(s, tc);

	tc = tcase_create("mnl-load");
	tcase_add_test(tc, mnl_load_missing_library);
	tcase_add_test(tc, mnl_load_missing_symbol);
	tcase_add_test(tc, mnl_load_fallback_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("link");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, link_veth_same_ns);
	tcase_add_test(tc, link_veth_peer_in_other_ns);
	tcase_add_test(tc, link_bridge_master);
	tcase_add_test(tc, link_veth_bridged);
	tcase_add_test(tc, link_veth_bridged_failures);
	tcase_add_test(tc, link_state_mtu_mac);
	tcase_add_test(tc, link_rename_move);
	tcase_add_test(tc, link_list_many);
	tcase_add_test(tc, link_bad_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("addr");
	tcase_add_test(tc, addr_add_list_del);
	tcase_add_test(tc, addr_bad_input);
	suite_add_tcase(s, tc);

	tc = tcase_create("route");
	tcase_add_test(tc, route_add_del);
	tcase_add_test(tc, route_bad_input);
	suite_add_tcase(s, tc);

	tc = tcase_create("traffic");
	tcase_add_test(tc, bridge_two_namespaces_talk);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nsbt_main(netlink_suite(), "netlink");
}
