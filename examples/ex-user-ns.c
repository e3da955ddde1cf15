/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ex-user-ns ROOTFS [OUTSIDE_UID]: the article's user namespace.
 *  1. a user namespace without maps: `id` says uid 65534 (nobody);
 *  2. with the map "0 OUTSIDE_UID 1" (default: your uid) `id` says root;
 *  3. a file root creates inside on a bind mount belongs to OUTSIDE_UID
 *     on the host.
 * ROOTFS may also come from $NSBOX_ROOTFS; it must be reachable by
 * OUTSIDE_UID (scripts/mkrootfs.sh makes it 0755).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

static int run(nsbox_container *c, const char *script)
{
	const char *prog[] = {"/bin/sh", "-c", script, NULL};
	int code = -1, r = nsbox_container_set_argv(c, prog);

	if (r >= 0)
		r = nsbox_container_run(c, &code, NULL);
	if (r < 0) {
		fprintf(stderr, "ex-user-ns: %s\n", nsbox_last_error());
		return -1;
	}
	return code;
}

int main(int argc, char **argv)
{
	const char *root = argc > 1 ? argv[1] : getenv("NSBOX_ROOTFS");
	uint32_t outside = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : (uint32_t)getuid();
	nsbox_container *c = NULL;
	char dir[] = "/tmp/ex-user-ns-XXXXXX", file[64];
	struct stat st;
	int rc = 1;

	if (!root) {
		fprintf(stderr, "usage: ex-user-ns ROOTFS [OUTSIDE_UID]\n");
		return 2;
	}
	/* 1. no maps */
	if (nsbox_container_new(&c) < 0 || nsbox_container_set_namespaces(c, NSBOX_NS_USER) < 0 ||
	    nsbox_container_set_root(c, NULL, 0) < 0)
		goto fail;
	printf("1. user namespace without maps:\n");
	fflush(stdout);
	if (run(c, "/bin/busybox id") != 0)
		goto out;
	nsbox_container_free(c);
	c = NULL;

	/* 2. and 3. root inside is OUTSIDE_UID outside */
	if (!mkdtemp(dir) || chown(dir, outside, outside) < 0) {
		perror("ex-user-ns: make a directory to bind");
		goto out;
	}
	if (nsbox_container_new(&c) < 0 ||
	    nsbox_container_set_namespaces(c, NSBOX_NS_USER | NSBOX_NS_MOUNT | NSBOX_NS_PID |
						      NSBOX_NS_UTS | NSBOX_NS_IPC | NSBOX_NS_NET) < 0 ||
	    nsbox_container_set_root(c, root, 0) < 0 ||
	    nsbox_container_add_uid_map(c, 0, outside, 1) < 0 ||
	    nsbox_container_add_gid_map(c, 0, outside, 1) < 0 ||
	    nsbox_container_add_mount(c, NSBOX_MOUNT_BIND, dir, "/mnt", NULL, 0) < 0)
		goto fail;
	printf("2. with the map \"0 %u 1\":\n", outside);
	fflush(stdout);
	if (run(c, "id; echo hello > /mnt/made-inside; ls -ln /mnt") != 0)
		goto out;
	snprintf(file, sizeof(file), "%s/made-inside", dir);
	if (stat(file, &st) < 0) {
		perror("ex-user-ns: stat");
		goto out;
	}
	printf("3. on the host, %s belongs to uid %u gid %u\n", file, (unsigned)st.st_uid,
	       (unsigned)st.st_gid);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "ex-user-ns: %s\n", nsbox_last_error());
out:
	nsbox_container_free(c);
	if (dir[sizeof(dir) - 7] != 'X') {
		snprintf(file, sizeof(file), "%s/made-inside", dir);
		(void)unlink(file);
		(void)rmdir(dir);
	}
	return rc;
}
