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
 */
#include <errno.h>
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
		   "         [PROGRAM [ARG...]]   (default /bin/sh)\n");
}

int main(int argc, char **argv)
{
	enum { OPT_MOUNT_PROC = 256, OPT_HOSTNAME };
	static const struct option opts[] = {
		{"mount", no_argument, NULL, 'm'},   {"net", no_argument, NULL, 'n'},
		{"pid", no_argument, NULL, 'p'},     {"user", no_argument, NULL, 'U'},
		{"uts", no_argument, NULL, 'u'},     {"ipc", no_argument, NULL, 'i'},
		{"cgroup", no_argument, NULL, 'C'},  {"time", no_argument, NULL, 'T'},
		{"root", required_argument, NULL, 'R'}, {"wd", required_argument, NULL, 'w'},
		{"fork", no_argument, NULL, 'f'},    {"mount-proc", no_argument, NULL, OPT_MOUNT_PROC},
		{"map-root-user", no_argument, NULL, 'r'},
		{"hostname", required_argument, NULL, OPT_HOSTNAME},
		{"help", no_argument, NULL, 'h'},    {NULL, 0, NULL, 0},
	};
	const char *root = NULL, *wd = NULL, *hostname = NULL;
	const char *default_prog[] = {"/bin/sh", NULL};
	uint32_t ns = 0;
	int mount_proc = 0, map_root = 0, opt, r, code = 1, sig = 0;
	char rootbuf[4096];
	nsbox_container *c = NULL;

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
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
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
		nsbox_container_free(c);
		return r == -ENOENT || r == -EACCES ? 127 : 1;
	}
	nsbox_container_free(c);
	return code;
}
