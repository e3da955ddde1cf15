/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ex-rootfs: the article's "container RootFS" step. On a busybox image
 * layer, makes a container's init layer (/etc/hosts, /etc/hostname,
 * /etc/resolv.conf) and writable layer, mounts the chain read-write,
 * creates /home/test/test.txt through the merged view and shows it in the
 * writable layer, removes /bin/true and shows the whiteout (a character
 * device 0/0) left in the writable layer, then commits the writable layer
 * as a new image layer (docker commit) and shows it. Run as root; it uses
 * a private mount namespace of its own and removes what it made.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

static char top[64] = "/tmp/nsbox-ex-rootfs-XXXXXX";

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p) < 0 && errno != ENOENT ? -1 : 0;
}

/* snprintf into a path buffer; a path too long is an error. */
static int pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	printf("$ %s\n", cmd);
	fflush(stdout);
	return system(cmd) == 0 ? 0 : -1;
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) < 0) {
		perror(path);
		return -1;
	}
	return 0;
}

/* A busybox userland: /bin/busybox and a link per applet. */
static int make_busybox(const char *root)
{
	static const char *const dirs[] = {"bin", "sbin", "usr", "usr/bin", "usr/sbin", "etc",
					   "home", "proc", "sys", "dev", "tmp", "root"};
	char p[4096], line[256];
	FILE *in, *list;
	int out;
	size_t n;

	if (mkdir(root, 0755) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		pathf(p, sizeof(p), "%s/%s", root, dirs[i]);
		if (mkdir(p, 0755) < 0)
			return -1;
	}
	pathf(p, sizeof(p), "%s/bin/busybox", root);
	in = fopen("/bin/busybox", "re");
	out = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	if (!in || out < 0) {
		perror("copy /bin/busybox (install busybox-static)");
		return -1;
	}
	while ((n = fread(line, 1, sizeof(line), in)) > 0)
		if (write(out, line, n) != (ssize_t)n)
			return -1;
	fclose(in);
	close(out);
	list = popen("/bin/busybox --list-full", "re");
	if (!list)
		return -1;
	while (fgets(line, sizeof(line), list)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || strcmp(line, "bin/busybox") == 0)
			continue;
		pathf(p, sizeof(p), "%s/%s", root, line);
		(void)symlink("/bin/busybox", p);
	}
	if (pclose(list) != 0)
		return -1;
	pathf(p, sizeof(p), "%s/etc/passwd", root);
	return write_file(p, "root:x:0:0:root:/root:/bin/sh\n", 0644);
}

static int run(void)
{
	char p[4096], *image = NULL, *rw = NULL, *committed = NULL, *merged = NULL, *upper = NULL;
	char **chain = NULL;
	nsbox_layer_store *st = NULL;
	nsbox_layerset *ls = NULL;
	const char *store;
	struct stat sb;
	int rc = -1;

	pathf(p, sizeof(p), "%s/busybox", top);
	if (make_busybox(p) < 0) {
		fprintf(stderr, "ex-rootfs: build a busybox tree in %s failed\n", p);
		return -1;
	}
	pathf(p, sizeof(p), "%s/overlay2", top);
	if (nsbox_layer_store_open(&st, p, NSBOX_LAYER_STORE_CREATE) < 0)
		goto fail;
	store = nsbox_layer_store_path(st);
	pathf(p, sizeof(p), "%s/busybox", top);
	if (nsbox_layer_store_import_dir(st, NULL, NULL, p, &image) < 0)
		goto fail;
	printf("image: busybox, one layer %s\n", image);

	if (nsbox_layer_store_create_container(st, image, NULL, "127.0.0.1\tlocalhost\n",
					       "ex-rootfs\n", "nameserver 8.8.8.8\n", &rw) < 0)
		goto fail;
	printf("container layers: %s-init (hosts, hostname, resolv.conf) and %s (writable)\n",
	       rw, rw);
	if (nsbox_layerset_new_from_store(&ls, st, rw, 0) < 0 || nsbox_layerset_mount(ls, NULL, 0) < 0 ||
	    nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_MERGED, &merged) < 0 ||
	    nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_UPPER, &upper) < 0)
		goto fail;
	printf("container rootfs mounted read-write on MergedDir %s\n", merged);
	if (sh("cat %s/etc/hostname", merged) < 0)
		goto fail_mounted;

	printf("\n# inside the container: mkdir -p /home/test && echo hello > /home/test/test.txt\n");
	pathf(p, sizeof(p), "%s/home/test", merged);
	if (mkdir(p, 0755) < 0) {
		perror(p);
		goto fail_mounted;
	}
	pathf(p, sizeof(p), "%s/home/test/test.txt", merged);
	if (write_file(p, "hello\n", 0644) < 0)
		goto fail_mounted;
	printf("the write landed in the writable layer (UpperDir):\n");
	if (sh("ls -l %s/home/test", upper) < 0)
		goto fail_mounted;

	printf("\n# inside the container: rm /bin/true\n");
	pathf(p, sizeof(p), "%s/bin/true", merged);
	if (unlink(p) < 0) {
		perror(p);
		goto fail_mounted;
	}
	pathf(p, sizeof(p), "%s/bin/true", upper);
	if (lstat(p, &sb) < 0 || !S_ISCHR(sb.st_mode) || sb.st_rdev != makedev(0, 0)) {
		fprintf(stderr, "ex-rootfs: no whiteout at %s\n", p);
		goto fail_mounted;
	}
	printf("the image keeps /bin/true; the writable layer has a whiteout, a character "
	       "device 0/0:\n");
	if (sh("ls -l %s/bin/true", upper) < 0)
		goto fail_mounted;

	printf("\n$ docker commit  (the writable layer becomes an image layer, without the "
	       "init files)\n");
	if (nsbox_layer_store_commit(st, rw, NULL, &committed) < 0)
		goto fail_mounted;
	if (nsbox_layer_store_parent_chain(st, committed, &chain) < 0)
		goto fail_mounted;
	printf("new layer %s, on %s\n", committed, chain[1]);
	pathf(p, sizeof(p), "%s/%s", store, committed);
	if (sh("cd %s && ls && cat link && echo && cat lower && echo && find diff | sort", p) < 0)
		goto fail_mounted;

	if (nsbox_layerset_unmount(ls) < 0)
		goto fail;
	printf("\nunmounted %s\n", merged);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "ex-rootfs: %s\n", nsbox_last_error());
	goto out;
fail_mounted:
	fprintf(stderr, "ex-rootfs: failed (%s)\n", nsbox_last_error());
	(void)nsbox_layerset_unmount(ls);
out:
	nsbox_free(chain);
	nsbox_free(image);
	nsbox_free(rw);
	nsbox_free(committed);
	nsbox_free(merged);
	nsbox_free(upper);
	nsbox_layerset_free(ls);
	nsbox_layer_store_free(st);
	return rc;
}

int main(void)
{
	int rc;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		perror("ex-rootfs: private mount namespace (run as root)");
		return 1;
	}
	if (!mkdtemp(top)) {
		perror("ex-rootfs: mkdtemp");
		return 1;
	}
	rc = run();
	if (nftw(top, rm_one, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0) {
		perror("ex-rootfs: clean up");
		rc = -1;
	}
	return rc < 0 ? 1 : 0;
}
