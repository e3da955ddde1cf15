/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The classic chroot escape, run inside a container by test-container:
 * mkdir x, chroot x (without chdir), chdir .. many times, chroot ., then
 * look for a host file given as argv[1]. Prints "escaped" if it is
 * reachable, "contained" otherwise. Linked statically: the test rootfs
 * has no libc.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2)
		return 2;
	(void)mkdir("/tmp/escape-dir", 0755);
	if (chroot("/tmp/escape-dir") < 0) {
		perror("chroot");
		return 3;
	}
	for (int i = 0; i < 256; i++)
		(void)chdir("..");
	(void)chroot(".");
	puts(access(argv[1], F_OK) == 0 ? "escaped" : "contained");
	return 0;
}
