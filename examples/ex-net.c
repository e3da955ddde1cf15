/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ex-net: the article's NET section, with libnsbox and no containers yet.
 *
 * A fresh network namespace stands in for the host: it gets the bridge
 * nsbox0 with 172.17.0.1/16 (the article's docker0). Two more namespaces
 * stand in for containers. For each, a veth pair: the host end is attached
 * to nsbox0 and brought up; the container end is created directly inside
 * the container's namespace (it never sits in the host's), renamed eth0,
 * given 172.17.0.11/16 or 172.17.0.12/16, brought up with loopback, and a
 * default route via 172.17.0.1 is added. Then each container pings the
 * other (ICMP echo on a raw socket made inside its namespace). Everything
 * happens in namespaces this program makes; the machine's network is never
 * touched. Exit status 0 when both pings were answered.
 *
 * Run as root: ex-net
 */
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <nsbox/netlink.h>

struct box {
	const char *name;   /* "container1" */
	const char *host;   /* host end: "veth1" */
	const char *cidr;   /* "172.17.0.11/16" */
	const char *ip;     /* "172.17.0.11" */
	const char *target; /* whom it pings */
	pid_t pid;
	int ctl; /* socketpair to the box's process */
};

static int step_failed(const char *what)
{
	fprintf(stderr, "ex-net: %s: %s\n", what, nsbox_last_error());
	return 1;
}

#define STEP(call, ...)                                                                            \
	do {                                                                                       \
		printf("  " __VA_ARGS__);                                                          \
		printf("\n");                                                                      \
		if ((call) < 0)                                                                    \
			return step_failed(#call);                                                 \
	} while (0)

static uint16_t icmp_sum(const void *p, size_t n)
{
	const uint16_t *w = p;
	uint32_t s = 0;

	for (; n > 1; n -= 2)
		s += *w++;
	if (n)
		s += *(const uint8_t *)w;
	s = (s >> 16) + (s & 0xffff);
	s += s >> 16;
	return (uint16_t)~s;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Three ICMP echo requests to target; 0 if at least one was answered by it. */
static int ping(const char *self, const char *target)
{
	struct sockaddr_in to = {.sin_family = AF_INET};
	int s, answered = 0;

	if (inet_pton(AF_INET, target, &to.sin_addr) != 1)
		return -1;
	s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (s < 0) {
		perror("ex-net: raw icmp socket");
		return -1;
	}
	for (int seq = 1; seq <= 3; seq++) {
		struct icmphdr req = {.type = ICMP_ECHO};
		char buf[1500];
		double t0 = now_ms();

		req.un.echo.id = htons((uint16_t)getpid());
		req.un.echo.sequence = htons((uint16_t)seq);
		req.checksum = icmp_sum(&req, sizeof(req));
		if (sendto(s, &req, sizeof(req), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			fprintf(stderr, "ex-net: %s: send to %s: %s\n", self, target, strerror(errno));
			continue;
		}
		for (;;) {
			struct pollfd pfd = {.fd = s, .events = POLLIN};
			int left = (int)(t0 + 2000 - now_ms());
			if (left <= 0 || poll(&pfd, 1, left) <= 0) {
				printf("    %s: no answer from %s (icmp_seq=%d)\n", self, target, seq);
				break;
			}
			ssize_t n = recv(s, buf, sizeof(buf), 0);
			if (n < (ssize_t)sizeof(struct iphdr))
				continue;
			const struct iphdr *ip = (const void *)buf;
			size_t hl = (size_t)ip->ihl * 4;
			if ((size_t)n < hl + sizeof(struct icmphdr))
				continue;
			const struct icmphdr *rep = (const void *)(buf + hl);
			if (rep->type != ICMP_ECHOREPLY || rep->un.echo.id != req.un.echo.id ||
			    rep->un.echo.sequence != req.un.echo.sequence ||
			    ip->saddr != to.sin_addr.s_addr)
				continue;
			printf("    %s: %zd bytes from %s: icmp_seq=%d ttl=%d time=%.3f ms\n", self,
			       n - (ssize_t)hl, target, seq, ip->ttl, now_ms() - t0);
			answered++;
			break;
		}
	}
	close(s);
	return answered > 0 ? 0 : -1;
}

/*
 * The process standing in for a container: it makes its own network
 * namespace, tells the parent, then on 'p' pings its target and answers
 * '0' or '1', and on anything else (or EOF) exits.
 */
static void box_main(struct box *b, int fd)
{
	char c;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWNET) < 0) {
		perror("ex-net: unshare(CLONE_NEWNET)");
		_exit(1);
	}
	if (write(fd, "r", 1) != 1)
		_exit(1);
	while (read(fd, &c, 1) == 1 && c == 'p') {
		char res = ping(b->name, b->target) == 0 ? '0' : '1';
		fflush(stdout);
		if (write(fd, &res, 1) != 1)
			_exit(1);
	}
	_exit(0);
}

static int box_start(struct box *b)
{
	int sv[2];
	char c;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	fflush(stdout);
	b->pid = fork();
	if (b->pid < 0)
		return -1;
	if (b->pid == 0) {
		close(sv[0]);
		box_main(b, sv[1]);
	}
	close(sv[1]);
	b->ctl = sv[0];
	return read(b->ctl, &c, 1) == 1 && c == 'r' ? 0 : -1;
}

static int box_ping(struct box *b)
{
	char c;

	fflush(stdout);
	if (write(b->ctl, "p", 1) != 1 || read(b->ctl, &c, 1) != 1)
		return -1;
	return c == '0' ? 0 : -1;
}

static void box_stop(struct box *b)
{
	if (b->pid > 0) {
		/* 'q', not just EOF: a later box's process holds a copy of this socket. */
		(void)!write(b->ctl, "q", 1);
		close(b->ctl);
		(void)waitpid(b->pid, NULL, 0);
		b->pid = 0;
	}
}

/* The article's steps for one container. */
static int wire(nsbox_netlink *host, struct box *b)
{
	nsbox_netlink *c = NULL;
	int r = 1;

	printf("%s (pid %d, its own network namespace):\n", b->name, (int)b->pid);
	STEP(nsbox_netlink_add_veth_pid(host, b->host, "ceth0", b->pid),
	     "ip link add %s type veth peer name ceth0 netns %d", b->host, (int)b->pid);
	STEP(nsbox_netlink_set_master(host, b->host, "nsbox0"), "ip link set %s master nsbox0",
	     b->host);
	STEP(nsbox_netlink_set_up(host, b->host), "ip link set %s up", b->host);
	/* From here on, a handle inside the container's namespace. */
	if (nsbox_netlink_new_pid(&c, b->pid) < 0)
		return step_failed("open a handle in the container's namespace");
	printf("  (in the container's namespace)\n");
	if (nsbox_netlink_link_exists(host, "ceth0") != 0) {
		fprintf(stderr, "ex-net: ceth0 showed up in the host namespace\n");
		goto out;
	}
#define CSTEP(call, ...)                                                                           \
	do {                                                                                       \
		printf("    " __VA_ARGS__);                                                        \
		printf("\n");                                                                      \
		if ((call) < 0) {                                                                  \
			(void)step_failed(#call);                                                  \
			goto out;                                                                  \
		}                                                                                  \
	} while (0)
	CSTEP(nsbox_netlink_rename(c, "ceth0", "eth0"), "ip link set ceth0 name eth0");
	CSTEP(nsbox_netlink_add_addr(c, "eth0", b->cidr, 0), "ip addr add %s dev eth0", b->cidr);
	CSTEP(nsbox_netlink_set_up(c, "eth0"), "ip link set eth0 up");
	CSTEP(nsbox_netlink_set_loopback_up(c), "ip link set lo up");
	CSTEP(nsbox_netlink_add_route(c, "default", "172.17.0.1", NULL),
	      "ip route add default via 172.17.0.1");
	r = 0;
out:
	nsbox_netlink_free(c);
	return r;
}

static int run(struct box *boxes, size_t nboxes)
{
	nsbox_netlink *host = NULL;
	char **addrs = NULL;
	int fails = 0;

	/* This process's own new namespace is the host stand-in. */
	if (unshare(CLONE_NEWNET) < 0) {
		perror("ex-net: unshare(CLONE_NEWNET)");
		return 1;
	}
	if (nsbox_netlink_new(&host) < 0)
		return step_failed("open a netlink handle");
	printf("host (a fresh network namespace standing in for the host):\n");
	STEP(nsbox_netlink_set_loopback_up(host), "ip link set lo up");
	STEP(nsbox_netlink_add_bridge(host, "nsbox0"), "ip link add nsbox0 type bridge");
	STEP(nsbox_netlink_add_addr(host, "nsbox0", "172.17.0.1/16", 0),
	     "ip addr add 172.17.0.1/16 dev nsbox0");
	STEP(nsbox_netlink_set_up(host, "nsbox0"), "ip link set nsbox0 up");

	for (size_t i = 0; i < nboxes; i++) {
		if (box_start(&boxes[i]) < 0) {
			fprintf(stderr, "ex-net: start %s: %s\n", boxes[i].name, strerror(errno));
			return 1;
		}
		if (wire(host, &boxes[i]) != 0)
			return 1;
	}
	if (nsbox_netlink_list_addrs(host, "nsbox0", &addrs, NULL) == 0) {
		printf("nsbox0 has %s\n", addrs[0] ? addrs[0] : "no address");
		nsbox_free(addrs);
	}

	printf("reachability:\n");
	for (size_t i = 0; i < nboxes; i++) {
		printf("  %s (%s) pings %s\n", boxes[i].name, boxes[i].ip, boxes[i].target);
		if (box_ping(&boxes[i]) < 0) {
			fprintf(stderr, "ex-net: %s cannot reach %s\n", boxes[i].name,
				boxes[i].target);
			fails++;
		}
	}

	printf("clean up:\n");
	for (size_t i = 0; i < nboxes; i++)
		STEP(nsbox_netlink_del_link(host, boxes[i].host),
		     "ip link del %s (takes eth0 in %s along)", boxes[i].host, boxes[i].name);
	STEP(nsbox_netlink_del_link(host, "nsbox0"), "ip link del nsbox0");
	nsbox_netlink_free(host);
	return fails ? 1 : 0;
}

int main(void)
{
	struct box boxes[] = {
		{"container1", "veth1", "172.17.0.11/16", "172.17.0.11", "172.17.0.12", 0, -1},
		{"container2", "veth2", "172.17.0.12/16", "172.17.0.12", "172.17.0.11", 0, -1},
	};
	int r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		fprintf(stderr, "ex-net: run as root (it makes network namespaces)\n");
		return 1;
	}
	r = run(boxes, sizeof(boxes) / sizeof(boxes[0]));
	for (size_t i = 0; i < sizeof(boxes) / sizeof(boxes[0]); i++)
		box_stop(&boxes[i]);
	printf("ex-net: %s\n", r == 0 ? "the two containers reach each other" : "FAILED");
	return r;
}
