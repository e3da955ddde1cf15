/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsbox-unshare: the article's
 *   unshare --mount --net --pid --user --uts --root ./rootfs/ --wd=/home \
 *           --fork --mount-proc --map-root-user /bin/sh
 * done with libnsbox, plus --ipc, --cgroup, --time and --hostname NAME.
 * Like unshare(1) it makes only the namespaces asked for, mounts only what
 * --mount-proc asks for and keeps every capability. The program always
 * runs in a child (--fork is accepted for compatibility). Exits with the
 * program's status.
 *
 * The article's whole container in one command (issue 7):
 *   --layers STORE:ID      the root is image layer ID of the store,
 *                          read-only, under a writable layer on a private
 *                          tmpfs that also holds /etc/hosts, /etc/hostname
 *                          and /etc/resolv.conf
 *                          (nsbox_container_set_layers_ephemeral): mounted
 *                          only inside the container, gone with it, and
 *                          nothing is written to the store; unless
 *   --keep-layers NAME     makes container layers NAME-init (the three
 *                          files) and NAME (writable) in the store and
 *                          keeps them (for nsbox_layer_store_commit())
 *   --cpu-quota USEC       CPU time per 100000 us period
 *   --memory-max BYTES     memory limit
 *   --pids-max N           task limit; with any of the three, a cgroup
 *                          nsbox-<pid> below the caller's own cgroup,
 *                          made by the start and removed with the
 *                          container (nsbox_container_set_cgroup())
 *   --bridge NAME --ip CIDR [--gateway IP]
 *                          a veth on bridge NAME (made if missing) with
 *                          address CIDR as eth0, default route via IP
 *   --host-netns PATH      the network namespace holding the bridge
 *                          (default: the caller's)
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsbox-unshare [-m|--mount] [-n|--net] [-p|--pid] [-U|--user] [-u|--uts]\n"
		   "         [-i|--ipc] [-C|--cgroup] [-T|--time] [-R|--root DIR] [-w|--wd DIR]\n"
		   "         [-f|--fork] [--mount-proc] [-r|--map-root-user] [--hostname NAME]\n"
		   "         [--layers STORE:ID [--keep-layers NAME]] [--cpu-quota USEC]\n"
		   "         [--memory-max BYTES] [--pids-max N] [--bridge NAME --ip CIDR\n"
		   "         [--gateway IP]] [--host-netns PATH]\n"
		   "         [PROGRAM [ARG...]]   (default /bin/sh)\n");
}

static int parse_u64(const char *what, const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-') {
		fprintf(stderr, "nsbox-unshare: %s: not a number: %s\n", what, s);
		return -1;
	}
	*out = v;
	return 0;
}

/* The caller's /etc/resolv.conf, as Docker copies it (empty if unreadable). */
static char *read_resolv_conf(void)
{
	static char buf[4096];
	int fd = open("/etc/resolv.conf", O_RDONLY | O_CLOEXEC);
	ssize_t n = 0;

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

int main(int argc, char **argv)
{
	enum {
		OPT_MOUNT_PROC = 256,
		OPT_HOSTNAME,
		OPT_LAYERS,
		OPT_KEEP_LAYERS,
		OPT_CPU_QUOTA,
		OPT_MEMORY_MAX,
		OPT_PIDS_MAX,
		OPT_BRIDGE,
		OPT_IP,
		OPT_GATEWAY,
		OPT_HOST_NETNS,
	};
	static const struct option opts[] = {
		{"mount", no_argument, NULL, 'm'},   {"net", no_argument, NULL, 'n'},
		{"pid", no_argument, NULL, 'p'},     {"user", no_argument, NULL, 'U'},
		{"uts", no_argument, NULL, 'u'},     {"ipc", no_argument, NULL, 'i'},
		{"cgroup", no_argument, NULL, 'C'},  {"time", no_argument, NULL, 'T'},
		{"root", required_argument, NULL, 'R'}, {"wd", required_argument, NULL, 'w'},
		{"fork", no_argument, NULL, 'f'},    {"mount-proc", no_argument, NULL, OPT_MOUNT_PROC},
		{"map-root-user", no_argument, NULL, 'r'},
		{"hostname", required_argument, NULL, OPT_HOSTNAME},
		{"layers", required_argument, NULL, OPT_LAYERS},
		{"keep-layers", required_argument, NULL, OPT_KEEP_LAYERS},
		{"cpu-quota", required_argument, NULL, OPT_CPU_QUOTA},
		{"memory-max", required_argument, NULL, OPT_MEMORY_MAX},
		{"pids-max", required_argument, NULL, OPT_PIDS_MAX},
		{"bridge", required_argument, NULL, OPT_BRIDGE},
		{"ip", required_argument, NULL, OPT_IP},
		{"gateway", required_argument, NULL, OPT_GATEWAY},
		{"host-netns", required_argument, NULL, OPT_HOST_NETNS},
		{"help", no_argument, NULL, 'h'},    {NULL, 0, NULL, 0},
	};
	const char *root = NULL, *wd = NULL, *hostname = NULL;
	const char *default_prog[] = {"/bin/sh", NULL};
	uint32_t ns = 0;
	int mount_proc = 0, map_root = 0, opt, r, code = 1, sig = 0;
	char rootbuf[4096];
	nsbox_container *c = NULL;
	const char *layers = NULL, *keep_layers = NULL, *bridge = NULL, *ip = NULL;
	const char *gateway = NULL, *host_netns = NULL;
	uint64_t cpu_quota = 0, memory_max = 0, pids_max = 0;
	uint32_t limits = 0;
	nsbox_layer_store *st = NULL;
	nsbox_cgroup *cg = NULL;
	char *rw_id = NULL;

	while ((opt = getopt_long(argc, argv, "+mnpUuiCTR:w:frh", opts, NULL)) != -1) {
		switch (opt) {
		case 'm': ns |= NSBOX_NS_MOUNT; break;
		case 'n': ns |= NSBOX_NS_NET; break;
		case 'p': ns |= NSBOX_NS_PID; break;
		case 'U': ns |= NSBOX_NS_USER; break;
		case 'u': ns |= NSBOX_NS_UTS; break;
		case 'i': ns |= NSBOX_NS_IPC; break;
		case 'C': ns |= NSBOX_NS_CGROUP; break;
		case 'T': ns |= NSBOX_NS_TIME; break;
		case 'R': root = optarg; break;
		case 'w': wd = optarg; break;
		case 'f': break;
		case OPT_MOUNT_PROC: mount_proc = 1; ns |= NSBOX_NS_MOUNT; break;
		case 'r': map_root = 1; ns |= NSBOX_NS_USER; break;
		case OPT_HOSTNAME: hostname = optarg; ns |= NSBOX_NS_UTS; break;
		case OPT_LAYERS: layers = optarg; ns |= NSBOX_NS_MOUNT; break;
		case OPT_KEEP_LAYERS: keep_layers = optarg; break;
		case OPT_CPU_QUOTA:
			if (parse_u64("--cpu-quota", optarg, &cpu_quota) < 0)
				return 2;
			limits |= NSBOX_CGROUP_CPU;
			break;
		case OPT_MEMORY_MAX:
			if (parse_u64("--memory-max", optarg, &memory_max) < 0)
				return 2;
			limits |= NSBOX_CGROUP_MEMORY;
			break;
		case OPT_PIDS_MAX:
			if (parse_u64("--pids-max", optarg, &pids_max) < 0)
				return 2;
			limits |= NSBOX_CGROUP_PIDS;
			break;
		case OPT_BRIDGE: bridge = optarg; ns |= NSBOX_NS_NET; break;
		case OPT_IP: ip = optarg; break;
		case OPT_GATEWAY: gateway = optarg; break;
		case OPT_HOST_NETNS: host_netns = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if ((bridge != NULL) != (ip != NULL) || ((gateway || host_netns) && !bridge)) {
		fprintf(stderr, "nsbox-unshare: --bridge and --ip go together (with --gateway, "
				"--host-netns)\n");
		return 2;
	}
	if (keep_layers && !layers) {
		fprintf(stderr, "nsbox-unshare: --keep-layers needs --layers\n");
		return 2;
	}
	if (layers && root) {
		fprintf(stderr, "nsbox-unshare: --layers and --root exclude each other\n");
		return 2;
	}
	/* A relative --root (./rootfs/) is taken from the current directory. */
	if (root) {
		if (!realpath(root, rootbuf)) {
			perror("nsbox-unshare: --root");
			return 1;
		}
		root = rootbuf;
	}
	r = nsbox_container_new(&c);
	if (r >= 0)
		r = nsbox_container_set_namespaces(c, ns);
	if (r >= 0 && root)
		r = nsbox_container_set_root(c, root, 0);
	if (r >= 0 && layers) {
		/* STORE:ID -> a container layer set on image ID, init files included */
		char store[4096], hosts[512], hn[80];
		const char *colon = strrchr(layers, ':');
		nsbox_layerset *ls = NULL;
		if (!colon || colon == layers || !colon[1] ||
		    (size_t)(colon - layers) >= sizeof(store)) {
			fprintf(stderr, "nsbox-unshare: --layers STORE:ID\n");
			nsbox_container_free(c);
			return 2;
		}
		memcpy(store, layers, (size_t)(colon - layers));
		store[colon - layers] = '\0';
		snprintf(hn, sizeof(hn), "%s", hostname ? hostname : "nsbox");
		if (ip) {
			size_t l = strcspn(ip, "/");
			snprintf(hosts, sizeof(hosts),
				 "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
				 "%.*s\t%s\n", (int)l, ip, hn);
		} else {
			snprintf(hosts, sizeof(hosts),
				 "127.0.0.1\tlocalhost\t%s\n::1\tlocalhost ip6-localhost "
				 "ip6-loopback\n", hn);
		}
		strcat(hn, "\n");
		r = nsbox_layer_store_open(&st, store, 0);
		if (r >= 0 && !keep_layers) {
			/* Thrown away: the image read-only, the writable layer and
			 * the init files on a private tmpfs that vanishes with the
			 * container; nothing is written to the store. */
			r = nsbox_layerset_new_from_store(&ls, st, colon + 1,
							  NSBOX_LAYERSET_READ_ONLY);
			if (r >= 0)
				r = nsbox_container_set_layers(c, ls);
			if (r >= 0)
				r = nsbox_container_set_layers_ephemeral(c, NSBOX_UNLIMITED);
			if (r >= 0)
				r = nsbox_container_add_file(c, "/etc/hosts", hosts, 0644);
			if (r >= 0)
				r = nsbox_container_add_file(c, "/etc/hostname", hn, 0644);
			if (r >= 0)
				r = nsbox_container_add_file(c, "/etc/resolv.conf",
							     read_resolv_conf(), 0644);
		} else if (r >= 0) {
			r = nsbox_layer_store_create_container(st, colon + 1, keep_layers, hosts,
							       hn, read_resolv_conf(), &rw_id);
			if (r >= 0)
				r = nsbox_layerset_new_from_store(&ls, st, rw_id, 0);
			if (r >= 0)
				r = nsbox_container_set_layers(c, ls);
		}
		nsbox_layerset_free(ls);
	}
	if (r >= 0 && limits) {
		char name[64];
		snprintf(name, sizeof(name), "nsbox-%d", (int)getpid());
		/* Only the hierarchies the limits need, plus cgroup2 for the
		 * membership (clone3 CLONE_INTO_CGROUP). The group is not made
		 * here: given to the container before it exists, with its
		 * limits, it is made by the start (overlapped with the child's
		 * own setup) and removed once the container is reaped. */
		r = nsbox_cgroup_new(&cg, name, 0);
		if (r >= 0)
			r = nsbox_cgroup_set_controllers(cg, limits | NSBOX_CGROUP_UNIFIED);
		if (r >= 0 && (limits & NSBOX_CGROUP_CPU))
			r = nsbox_cgroup_set_cpu_max(cg, cpu_quota, 100000);
		if (r >= 0 && (limits & NSBOX_CGROUP_MEMORY))
			r = nsbox_cgroup_set_memory_max(cg, memory_max);
		if (r >= 0 && (limits & NSBOX_CGROUP_PIDS))
			r = nsbox_cgroup_set_pids_max(cg, pids_max);
		if (r >= 0)
			r = nsbox_container_set_cgroup(c, cg);
	}
	if (r >= 0 && bridge) {
		r = nsbox_container_set_network(c, bridge, ip, gateway);
		if (r >= 0 && host_netns) {
			int fd = open(host_netns, O_RDONLY | O_CLOEXEC);
			if (fd < 0) {
				fprintf(stderr, "nsbox-unshare: --host-netns %s: %s\n", host_netns,
					strerror(errno));
				r = -errno;
			} else {
				r = nsbox_container_set_network_host(c, fd);
				close(fd);
			}
		}
	}
	/* unshare(1) mounts nothing but the --mount-proc /proc and masks nothing */
	if (r >= 0)
		r = nsbox_container_set_default_mounts(c, 0);
	if (r >= 0) {
		const char *none[] = {NULL};
		r = nsbox_container_set_masked_paths(c, none);
		if (r >= 0)
			r = nsbox_container_set_readonly_paths(c, none);
	}
	if (r >= 0 && mount_proc)
		r = nsbox_container_add_mount(c, NSBOX_MOUNT_PROC, NULL, "/proc", NULL, 0);
	if (r >= 0 && wd)
		r = nsbox_container_set_cwd(c, wd);
	if (r >= 0 && hostname)
		r = nsbox_container_set_hostname(c, hostname);
	if (r >= 0 && map_root) {
		r = nsbox_container_add_uid_map(c, 0, (uint32_t)getuid(), 1);
		if (r >= 0)
			r = nsbox_container_add_gid_map(c, 0, (uint32_t)getgid(), 1);
	}
	/* keep every capability, as unshare(1) does */
	if (r >= 0) {
		FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
		int last = 40;
		if (f) {
			if (fscanf(f, "%d", &last) != 1)
				last = 40;
			fclose(f);
		}
		r = nsbox_container_set_capabilities(c, last >= 63 ? UINT64_MAX
								  : (UINT64_C(1) << (last + 1)) - 1);
	}
	if (r >= 0) {
		const char *const *prog = optind < argc ? (const char *const *)argv + optind
							  : default_prog;
		const char *env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
				     "HOME=/root", NULL, NULL};
		char term[256];
		if (getenv("TERM")) {
			snprintf(term, sizeof(term), "TERM=%s", getenv("TERM"));
			env[2] = term;
		}
		r = nsbox_container_set_argv(c, prog);
		if (r >= 0)
			r = nsbox_container_set_envp(c, env);
	}
	if (r >= 0)
		r = nsbox_container_run(c, &code, &sig);
	if (r < 0) {
		fprintf(stderr, "nsbox-unshare: %s\n", nsbox_last_error());
		code = r == -ENOENT || r == -EACCES ? 127 : 1;
	}
	/* The cgroup and an ephemeral layer went with the container. */
	nsbox_container_free(c);
	nsbox_cgroup_free(cg);
	nsbox_free(rw_id);
	nsbox_layer_store_free(st);
	return code;
}
