/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ex-pid-ns ROOTFS: the article's pid namespace. The first process inside
 * is pid 1, and once /proc is mounted for the new namespace `ps` shows only
 * the container's processes. The host sees the same process under another
 * pid. ROOTFS may also come from $NSBOX_ROOTFS.
 */
#include <stdio.h>
#include <stdlib.h>

#include <nsbox/nsbox.h>

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : getenv("NSBOX_ROOTFS");
	const char *prog[] = {"/bin/sh", "-c", "echo \"inside: my pid is $$\"; ps; true", NULL};
	nsbox_container *c = NULL;
	int code = 0, r;
	pid_t pid = 0;

	if (!root) {
		fprintf(stderr, "usage: ex-pid-ns ROOTFS (or set NSBOX_ROOTFS)\n");
		return 2;
	}
	r = nsbox_container_new(&c);
	if (r >= 0)
		r = nsbox_container_set_namespaces(c, NSBOX_NS_MOUNT | NSBOX_NS_PID);
	if (r >= 0)
		r = nsbox_container_set_root(c, root, 0);
	if (r >= 0)
		r = nsbox_container_set_argv(c, prog);
	fflush(stdout);
	if (r >= 0)
		r = nsbox_container_start(c);
	if (r >= 0 && nsbox_container_get_pid(c, &pid) >= 0)
		printf("outside: the container's pid 1 is pid %d on the host\n", (int)pid);
	fflush(stdout);
	if (r >= 0)
		r = nsbox_container_wait(c, &code, NULL);
	if (r < 0) {
		fprintf(stderr, "ex-pid-ns: %s\n", nsbox_last_error());
		nsbox_container_free(c);
		return 1;
	}
	nsbox_container_free(c);
	return code;
}
