/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bench/layers: how long libnsbox takes to mount K image layers (K = 1, 16,
 * 128, 500; one small file each) under a writable container layer, to stat
 * every file through the merged view, and to unmount, with the lowerdir+
 * method and with Docker's short links, side by side with a minimal
 * hand-written program doing the same syscalls in the same run.
 *
 *   build/bench/layers [iterations]      (root; default 30 iterations)
 *
 * Prints a markdown table of medians in milliseconds. It works in a private
 * mount namespace of its own and removes its store at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

#define MAXK 500

static char top[64] = "/tmp/nsbox-bench-layers-XXXXXX";
static const char *store;
static char *ids[MAXK];
static char shorts[MAXK][32];

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p) < 0 && errno != ENOENT ? -1 : 0;
}

static void die(const char *what)
{
	fprintf(stderr, "bench/layers: %s: %s\n", what,
		errno ? strerror(errno) : nsbox_last_error());
	exit(1);
}

/* stat f000 .. f<k-1> through the merged view. */
static void stat_all(const char *merged, int k)
{
	char p[4096];
	struct stat st;

	for (int i = 0; i < k; i++) {
		snprintf(p, sizeof(p), "%s/f%03d", merged, i);
		if (stat(p, &st) < 0)
			die(p);
	}
}

/* ---- the hand-written reference: nothing but the syscalls ---- */

static int hand_lowerdir_plus(int k, const char *rw, const char *target)
{
	char p[4096];
	int fs = (int)syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC), mfd;

	if (fs < 0)
		return -1;
	for (int i = k - 1; i >= 0; i--) {
		snprintf(p, sizeof(p), "%s/%s/diff", store, ids[i]);
		if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "lowerdir+", p, 0) < 0)
			return -1;
	}
	snprintf(p, sizeof(p), "%s/%s/diff", store, rw);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "upperdir", p, 0) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/%s/work", store, rw);
	if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "workdir", p, 0) < 0 ||
	    syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	mfd = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0 ||
	    syscall(SYS_move_mount, mfd, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -1;
	close(mfd);
	close(fs);
	return 0;
}

/* Docker's way: chdir to the store, mount(2) with relative l/ links. */
static int hand_short_links(int k, const char *rw, const char *target)
{
	char data[4096];
	size_t len = 0;
	int r;

	len += (size_t)snprintf(data + len, sizeof(data) - len, "lowerdir=");
	for (int i = k - 1; i >= 0; i--) {
		len += (size_t)snprintf(data + len, sizeof(data) - len, "l/%s%s", shorts[i],
					i ? ":" : "");
		if (len >= sizeof(data) - 200) {
			errno = E2BIG;
			return -1;
		}
	}
	snprintf(data + len, sizeof(data) - len, ",upperdir=%s/diff,workdir=%s/work", rw, rw);
	if (chdir(store) < 0)
		return -1;
	r = mount("overlay", target, "overlay", 0, data);
	if (chdir("/") < 0)
		return -1;
	return r;
}

struct result {
	double mount, stat, umount, mount_min;
};

struct samples {
	double *m, *s, *u;
};

/* One mount, stat-all, unmount cycle of one program; negative on mount failure. */
static int cycle(nsbox_layerset *ls, int method, int k, const char *rw, const char *target,
		 struct samples *smp, int it)
{
	double t0 = now_ms(), t1, t2, t3;
	int r;

	if (ls)
		r = nsbox_layerset_mount(ls, target, 0);
	else if (method == NSBOX_LAYERSET_MOUNT_LOWERDIR_PLUS)
		r = hand_lowerdir_plus(k, rw, target);
	else
		r = hand_short_links(k, rw, target);
	t1 = now_ms();
	if (r < 0)
		return r;
	stat_all(target, k);
	t2 = now_ms();
	if (ls ? nsbox_layerset_unmount(ls) < 0 : umount2(target, 0) < 0)
		die("unmount");
	t3 = now_ms();
	smp->m[it] = t1 - t0;
	smp->s[it] = t2 - t1;
	smp->u[it] = t3 - t2;
	return 0;
}

static void samples_new(struct samples *s, int n)
{
	s->m = calloc((size_t)n, sizeof(double));
	s->s = calloc((size_t)n, sizeof(double));
	s->u = calloc((size_t)n, sizeof(double));
	if (!s->m || !s->s || !s->u)
		die("calloc");
}

static void samples_done(struct samples *s, int n, struct result *res)
{
	if (res) {
		res->mount = median(s->m, n);
		res->mount_min = s->m[0]; /* sorted by median() */
		res->stat = median(s->s, n);
		res->umount = median(s->u, n);
	}
	free(s->m);
	free(s->s);
	free(s->u);
}

/*
 * The hand-written program and libnsbox take turns, iteration by
 * iteration (which goes first alternates), so both see the same noise.
 */
static int run_pair(int method, int k, const char *rw, const char *target, int iters,
		    struct result *hand, struct result *lib)
{
	struct samples sh, sl;
	nsbox_layerset *ls = NULL;
	nsbox_layer_store *st = NULL;
	int r = 0;

	if (nsbox_layer_store_open(&st, store, 0) < 0 ||
	    nsbox_layerset_new_from_store(&ls, st, rw, 0) < 0 ||
	    nsbox_layerset_set_mount_method(ls, method) < 0)
		die("layer set");
	samples_new(&sh, iters);
	samples_new(&sl, iters);
	for (int it = 0; it < iters && r >= 0; it++) {
		if (it % 2) {
			r = cycle(NULL, method, k, rw, target, &sh, it);
			if (r >= 0)
				r = cycle(ls, method, k, rw, target, &sl, it);
		} else {
			r = cycle(ls, method, k, rw, target, &sl, it);
			if (r >= 0)
				r = cycle(NULL, method, k, rw, target, &sh, it);
		}
	}
	samples_done(&sh, iters, r < 0 ? NULL : hand);
	samples_done(&sl, iters, r < 0 ? NULL : lib);
	nsbox_layerset_free(ls);
	nsbox_layer_store_free(st);
	return r;
}

int main(int argc, char **argv)
{
	static const int ks[] = {1, 16, 128, 500};
	int iters = argc > 1 ? atoi(argv[1]) : 30;
	nsbox_layer_store *st;
	char src[128], p[4096], target[128];
	double t0;

	if (iters < 1)
		iters = 1;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("private mount namespace (run as root)");
	if (!mkdtemp(top))
		die("mkdtemp");
	snprintf(p, sizeof(p), "%s/overlay2", top);
	if (nsbox_layer_store_open(&st, p, NSBOX_LAYER_STORE_CREATE) < 0)
		die("open store");
	store = nsbox_layer_store_path(st);
	snprintf(src, sizeof(src), "%s/src", top);
	snprintf(target, sizeof(target), "%s/merged", top);
	if (mkdir(src, 0755) < 0 || mkdir(target, 0755) < 0)
		die("mkdir");

	/* 500 image layers of one small file each, then a writable layer on the K-th. */
	t0 = now_ms();
	for (int i = 0; i < MAXK; i++) {
		FILE *f;
		snprintf(p, sizeof(p), "%s/f%03d", src, i);
		f = fopen(p, "we");
		if (!f || fprintf(f, "layer %d\n", i) < 0 || fclose(f) != 0)
			die(p);
		if (nsbox_layer_store_import_dir(st, NULL, i ? ids[i - 1] : NULL, src, &ids[i]) < 0)
			die("import layer");
		if (unlink(p) < 0)
			die(p);
		snprintf(p, sizeof(p), "%s/%s/link", store, ids[i]);
		f = fopen(p, "re");
		if (!f || !fgets(shorts[i], sizeof(shorts[i]), f))
			die(p);
		fclose(f);
	}
	fprintf(stderr, "bench/layers: built 500 layers in %.0f ms; %d iterations each\n",
		now_ms() - t0, iters);

	printf("| K | method | program | mount (ms) | mount, best (ms) | stat all (ms) | unmount (ms) "
	       "| mount: libnsbox / hand |\n");
	printf("|---:|---|---|---:|---:|---:|---:|---:|\n");
	for (size_t ki = 0; ki < sizeof(ks) / sizeof(ks[0]); ki++) {
		int k = ks[ki];
		char *rw = NULL;

		if (nsbox_layer_store_create_layer(st, NULL, ids[k - 1], &rw) < 0)
			die("create writable layer");
		for (int method = NSBOX_LAYERSET_MOUNT_LOWERDIR_PLUS;
		     method <= NSBOX_LAYERSET_MOUNT_SHORT_LINKS; method++) {
			const char *mname = method == NSBOX_LAYERSET_MOUNT_LOWERDIR_PLUS
						    ? "lowerdir+"
						    : "short links";
			struct result hand, lib;

			if (run_pair(method, k, rw, target, iters, &hand, &lib) < 0) {
				if (method != NSBOX_LAYERSET_MOUNT_SHORT_LINKS || k <= 128)
					die("mount");
				printf("| %d | %s | both | n/a | n/a | n/a | n/a | over one page: "
				       "refused (E2BIG) |\n",
				       k, mname);
				continue;
			}
			printf("| %d | %s | hand-written | %.3f | %.3f | %.3f | %.3f | |\n", k,
			       mname, hand.mount, hand.mount_min, hand.stat, hand.umount);
			printf("| %d | %s | libnsbox | %.3f | %.3f | %.3f | %.3f | %.2f |\n", k,
			       mname, lib.mount, lib.mount_min, lib.stat, lib.umount,
			       lib.mount / hand.mount);
			fflush(stdout);
		}
		if (nsbox_layer_store_remove_layer(st, rw) < 0)
			die("remove writable layer");
		nsbox_free(rw);
	}
	for (int i = 0; i < MAXK; i++)
		nsbox_free(ids[i]);
	nsbox_layer_store_free(st);
	if (nftw(top, rm_one, 64, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		die("clean up");
	return 0;
}
