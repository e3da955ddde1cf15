/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsbox-nsenter: the article's nsenter, with libnsbox:
 *   nsbox-nsenter --target PID [-m] [-u] [-i] [-n] [-p] [-U] [-C] [-T] [-a|--all]
 *                 [-w|--wd DIR] [PROGRAM [ARG...]]
 * runs PROGRAM (default /bin/sh) in the chosen namespaces of PID, with its
 * root and working directory when its mount namespace is joined. The
 * calling process stays where it is; exits with the program's status.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include <nsbox/nsbox.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsbox-nsenter -t|--target PID [-m] [-u] [-i] [-n] [-p] [-U] [-C] [-T]\n"
		   "         [-a|--all] [-w|--wd DIR] [PROGRAM [ARG...]]   (default /bin/sh)\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"target", required_argument, NULL, 't'}, {"mount", no_argument, NULL, 'm'},
		{"uts", no_argument, NULL, 'u'},	  {"ipc", no_argument, NULL, 'i'},
		{"net", no_argument, NULL, 'n'},	  {"pid", no_argument, NULL, 'p'},
		{"user", no_argument, NULL, 'U'},	  {"cgroup", no_argument, NULL, 'C'},
		{"time", no_argument, NULL, 'T'},	  {"all", no_argument, NULL, 'a'},
		{"wd", required_argument, NULL, 'w'},	  {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *default_prog[] = {"/bin/sh", NULL};
	const char *wd = NULL;
	uint32_t ns = 0;
	long target = 0;
	int opt, r, code = 1;
	nsbox_container *c = NULL;

	while ((opt = getopt_long(argc, argv, "+t:muinpUCTaw:h", opts, NULL)) != -1) {
		switch (opt) {
		case 't': target = strtol(optarg, NULL, 10); break;
		case 'm': ns |= NSBOX_NS_MOUNT; break;
		case 'u': ns |= NSBOX_NS_UTS; break;
		case 'i': ns |= NSBOX_NS_IPC; break;
		case 'n': ns |= NSBOX_NS_NET; break;
		case 'p': ns |= NSBOX_NS_PID; break;
		case 'U': ns |= NSBOX_NS_USER; break;
		case 'C': ns |= NSBOX_NS_CGROUP; break;
		case 'T': ns |= NSBOX_NS_TIME; break;
		case 'a': ns |= NSBOX_NS_ALL; break;
		case 'w': wd = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (target <= 0 || ns == 0) {
		usage(stderr);
		return 2;
	}
	r = nsbox_container_new(&c);
	if (r >= 0)
		r = nsbox_container_set_argv(c, optind < argc ? (const char *const *)argv + optind
							      : default_prog);
	if (r >= 0 && wd)
		r = nsbox_container_set_cwd(c, wd);
	if (r >= 0)
		r = nsbox_container_enter_pid(c, (pid_t)target, ns, &code, NULL);
	if (r < 0) {
		fprintf(stderr, "nsbox-nsenter: %s\n", nsbox_last_error());
		nsbox_container_free(c);
		return 1;
	}
	nsbox_container_free(c);
	return code;
}
