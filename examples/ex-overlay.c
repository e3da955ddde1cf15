/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ex-overlay: the article's UnionFS step. Builds ufs/ (lower1 with a.txt
 * and n.txt; lower2 with b.txt, n.txt and x.txt; upper with c.txt and
 * x.txt), mounts it as
 *   mount -t overlay overlay -o lowerdir=./lower2:./lower1,upperdir=./upper,workdir=./work ./merged
 * with libnsbox, lists merged/, shows which layer each name comes from,
 * and unmounts. Run as root; it works in a private mount namespace of its
 * own and removes everything it made.
 */
#include <dirent.h>
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

static char ufs[64] = "/tmp/nsbox-ex-overlay-XXXXXX";

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p) < 0 && errno != ENOENT ? -1 : 0;
}

static int put(const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", ufs, rel);
	f = fopen(p, "we");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		perror(p);
		return -1;
	}
	return 0;
}

static int show(const char *rel)
{
	char p[256], buf[256];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", ufs, rel);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) < 0) {
		perror(p);
		return -1;
	}
	close(fd);
	buf[n] = '\0';
	printf("$ cat %s\n%s", rel, buf);
	return 0;
}

static int list(const char *rel)
{
	char p[256];
	struct dirent **names;
	int n;

	snprintf(p, sizeof(p), "%s/%s", ufs, rel);
	n = scandir(p, &names, NULL, alphasort);
	if (n < 0) {
		perror(p);
		return -1;
	}
	printf("$ ls %s\n", rel);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			printf("%s%s", names[i]->d_name, i + 1 < n ? "  " : "");
		free(names[i]);
	}
	printf("\n");
	free(names);
	return 0;
}

static int run(void)
{
	static const char *const dirs[] = {"lower1", "lower2", "upper", "work", "merged"};
	char p[256], u[256], w[256], m[256];
	nsbox_layerset *ls = NULL;
	char *lower = NULL;
	int rc = -1;

	for (size_t i = 0; i < 5; i++) {
		snprintf(p, sizeof(p), "%s/%s", ufs, dirs[i]);
		if (mkdir(p, 0755) < 0) {
			perror(p);
			return -1;
		}
	}
	if (put("lower1/a.txt", "a\n") || put("lower1/n.txt", "lower1\n") ||
	    put("lower2/b.txt", "b\n") || put("lower2/n.txt", "lower2\n") ||
	    put("lower2/x.txt", "lower2\n") || put("upper/c.txt", "c\n") ||
	    put("upper/x.txt", "upper\n"))
		return -1;
	printf("ufs/ is %s:\n", ufs);
	for (size_t i = 0; i < 3; i++)
		if (list(dirs[i]) < 0)
			return -1;

	snprintf(u, sizeof(u), "%s/upper", ufs);
	snprintf(w, sizeof(w), "%s/work", ufs);
	snprintf(m, sizeof(m), "%s/merged", ufs);
	if (nsbox_layerset_new(&ls) < 0)
		goto fail;
	snprintf(p, sizeof(p), "%s/lower1", ufs);
	if (nsbox_layerset_add_lower(ls, p) < 0)
		goto fail;
	snprintf(p, sizeof(p), "%s/lower2", ufs);
	if (nsbox_layerset_add_lower(ls, p) < 0 || nsbox_layerset_set_upper(ls, u, w) < 0)
		goto fail;
	printf("\n$ mount -t overlay overlay -o lowerdir=./lower2:./lower1,upperdir=./upper,"
	       "workdir=./work ./merged\n");
	if (nsbox_layerset_mount(ls, m, 0) < 0)
		goto fail;
	if (nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_LOWER, &lower) < 0)
		goto fail;
	printf("(libnsbox: lowerdir %s, upperdir %s, workdir %s, merged %s)\n", lower, u, w, m);
	if (list("merged") < 0)
		goto fail_mounted;
	printf("x.txt is in lower2 and upper: the upper layer wins\n");
	if (show("merged/x.txt") < 0)
		goto fail_mounted;
	printf("n.txt is in lower1 and lower2: the higher lower layer (lower2) wins\n");
	if (show("merged/n.txt") < 0)
		goto fail_mounted;
	printf("\n$ umount ./merged\n");
	if (nsbox_layerset_unmount(ls) < 0)
		goto fail;
	if (list("merged") < 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "ex-overlay: %s\n", nsbox_last_error());
	goto out;
fail_mounted:
	(void)nsbox_layerset_unmount(ls);
out:
	nsbox_free(lower);
	nsbox_layerset_free(ls);
	return rc;
}

int main(void)
{
	int rc;

	/* A private mount namespace of our own: nothing shows outside. */
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		perror("ex-overlay: private mount namespace (run as root)");
		return 1;
	}
	if (!mkdtemp(ufs)) {
		perror("ex-overlay: mkdtemp");
		return 1;
	}
	rc = run();
	if (nftw(ufs, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0) {
		perror("ex-overlay: clean up");
		rc = -1;
	}
	return rc < 0 ? 1 : 0;
}
