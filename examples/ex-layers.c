/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ex-layers: the article's "Docker image" step. Creates a four-layer image
 * in a layer store laid out as /var/lib/docker/overlay2, prints for each
 * layer from the bottom its id, its link and its lower file, then makes a
 * container's layers on top and prints their LowerDir, UpperDir, WorkDir
 * and MergedDir as `docker inspect` shows GraphDriver.Data. Run as root;
 * it uses a private mount namespace of its own and removes what it made.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

static char top[64] = "/tmp/nsbox-ex-layers-XXXXXX";

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p) < 0 && errno != ENOENT ? -1 : 0;
}

static void cat_file(const char *store, const char *id, const char *name)
{
	char p[512], buf[8192];
	ssize_t n = -1;
	int fd;

	snprintf(p, sizeof(p), "%s/%s/%s", store, id, name);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n < 0)
		printf("  %-6s (none: a base layer)\n", name);
	else
		printf("  %-6s %.*s\n", name, (int)n, buf);
}

static int run(void)
{
	static const char *const steps[4][2] = {{"bin", "ADD layer1.txt /bin/"},
						 {"etc", "ADD layer2.txt /etc/"},
						 {"srv", "ADD layer3.txt /srv/"},
						 {"var", "ADD layer4.txt /var/"}};
	char src[128], p[256], *ids[4] = {NULL}, *rw = NULL, *s = NULL;
	nsbox_layer_store *st = NULL;
	nsbox_layerset *ls = NULL;
	const char *store;
	int rc = -1;

	snprintf(p, sizeof(p), "%s/overlay2", top);
	if (nsbox_layer_store_open(&st, p, NSBOX_LAYER_STORE_CREATE) < 0)
		goto fail;
	store = nsbox_layer_store_path(st);
	printf("layer store (docker's /var/lib/docker/overlay2): %s\n\n", store);
	for (int i = 0; i < 4; i++) {
		FILE *f;
		snprintf(src, sizeof(src), "%s/src%d", top, i);
		snprintf(p, sizeof(p), "%s/%s", src, steps[i][0]);
		if (mkdir(src, 0755) < 0 || mkdir(p, 0755) < 0) {
			perror(p);
			goto out;
		}
		snprintf(p, sizeof(p), "%s/%s/layer%d.txt", src, steps[i][0], i + 1);
		f = fopen(p, "we");
		if (!f || fprintf(f, "%s\n", steps[i][1]) < 0 || fclose(f) != 0) {
			perror(p);
			goto out;
		}
		if (nsbox_layer_store_import_dir(st, NULL, i ? ids[i - 1] : NULL, src, &ids[i]) < 0)
			goto fail;
	}
	printf("the image's layers, from the bottom (ls %s):\n", store);
	for (int i = 0; i < 4; i++) {
		printf("layer %d (%s)\n  id     %s\n", i + 1, steps[i][1], ids[i]);
		cat_file(store, ids[i], "link");
		cat_file(store, ids[i], "lower");
	}

	if (nsbox_layer_store_create_container(st, ids[3], NULL, "127.0.0.1 localhost\n",
					       "ex-layers\n", "nameserver 127.0.0.53\n",
					       &rw) < 0)
		goto fail;
	printf("\na container on top: init layer %s-init and writable layer %s\n", rw, rw);
	if (nsbox_layerset_new_from_store(&ls, st, rw, 0) < 0)
		goto fail;
	printf("$ docker inspect --format '{{json .GraphDriver.Data}}'\n");
	{
		static const struct {
			int what;
			const char *name;
		} f[] = {{NSBOX_LAYERSET_INSPECT_LOWER, "LowerDir"},
			 {NSBOX_LAYERSET_INSPECT_MERGED, "MergedDir"},
			 {NSBOX_LAYERSET_INSPECT_UPPER, "UpperDir"},
			 {NSBOX_LAYERSET_INSPECT_WORK, "WorkDir"}};
		for (size_t i = 0; i < 4; i++) {
			if (nsbox_layerset_inspect(ls, f[i].what, &s) < 0)
				goto fail;
			printf("  \"%s\": \"%s\"\n", f[i].name, s);
			nsbox_free(s);
			s = NULL;
		}
	}
	/* Mount it once to show the union of the five lower layers. */
	if (nsbox_layerset_mount(ls, NULL, 0) < 0)
		goto fail;
	snprintf(p, sizeof(p), "ls %s/%s/merged", store, rw);
	printf("$ %s\n", p);
	fflush(stdout);
	if (system(p) != 0) {
		(void)nsbox_layerset_unmount(ls);
		goto out;
	}
	if (nsbox_layerset_unmount(ls) < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "ex-layers: %s\n", nsbox_last_error());
out:
	nsbox_free(s);
	nsbox_free(rw);
	for (int i = 0; i < 4; i++)
		nsbox_free(ids[i]);
	nsbox_layerset_free(ls);
	nsbox_layer_store_free(st);
	return rc;
}

int main(void)
{
	int rc;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		perror("ex-layers: private mount namespace (run as root)");
		return 1;
	}
	if (!mkdtemp(top)) {
		perror("ex-layers: mkdtemp");
		return 1;
	}
	rc = run();
	if (nftw(top, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0) {
		perror("ex-layers: clean up");
		rc = -1;
	}
	return rc < 0 ? 1 : 0;
}
