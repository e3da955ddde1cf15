/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ex-uts-ns [NAME]: the article's uts namespace. The hostname inside is NAME
 * (default container-default); the host's stays what it was. Runs busybox
 * from $NSBOX_ROOTFS when set, the host's /bin/hostname otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "container-default";
	const char *root = getenv("NSBOX_ROOTFS");
	const char *prog[] = {"/bin/sh", "-c", "echo \"inside:  hostname is $(hostname)\"", NULL};
	nsbox_container *c = NULL;
	char host[256];
	int code = 0, r;

	r = nsbox_container_new(&c);
	if (r >= 0)
		r = nsbox_container_set_namespaces(c, root ? NSBOX_NS_UTS | NSBOX_NS_MOUNT
							   : NSBOX_NS_UTS);
	if (r >= 0 && root)
		r = nsbox_container_set_root(c, root, 0);
	if (r >= 0)
		r = nsbox_container_set_hostname(c, name);
	if (r >= 0)
		r = nsbox_container_set_argv(c, prog);
	if (r >= 0)
		r = nsbox_container_run(c, &code, NULL);
	if (r < 0) {
		fprintf(stderr, "ex-uts-ns: %s\n", nsbox_last_error());
		nsbox_container_free(c);
		return 1;
	}
	nsbox_container_free(c);
	if (gethostname(host, sizeof(host)) == 0)
		printf("outside: hostname is still %s\n", host);
	return code;
}
