/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ex-mount-ns ROOTFS: the article's mount namespace with a new root. The
 * busybox root (scripts/mkrootfs.sh) becomes "/" through pivot_root in a new
 * mount namespace; `pwd` and `ls /` inside show the new root, and the
 * host's mount table is unchanged afterwards. ROOTFS may also come from
 * $NSBOX_ROOTFS.
 */
#include <stdio.h>
#include <stdlib.h>

#include <nsbox/nsbox.h>

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : getenv("NSBOX_ROOTFS");
	const char *prog[] = {"/bin/sh", "-c", "echo \"pwd: $(pwd)\"; echo 'ls /:'; ls /", NULL};
	nsbox_container *c = NULL;
	int code = 0, r;

	if (!root) {
		fprintf(stderr, "usage: ex-mount-ns ROOTFS (or set NSBOX_ROOTFS)\n");
		return 2;
	}
	r = nsbox_container_new(&c);
	if (r >= 0)
		r = nsbox_container_set_namespaces(c, NSBOX_NS_MOUNT);
	if (r >= 0)
		r = nsbox_container_set_root(c, root, 0);
	if (r >= 0)
		r = nsbox_container_set_argv(c, prog);
	if (r >= 0) {
		printf("new mount namespace, root %s:\n", root);
		fflush(stdout);
		r = nsbox_container_run(c, &code, NULL);
	}
	if (r < 0) {
		fprintf(stderr, "ex-mount-ns: %s\n", nsbox_last_error());
		nsbox_container_free(c);
		return 1;
	}
	nsbox_container_free(c);
	return code;
}
