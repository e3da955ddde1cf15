/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Check suite for the layerset module (include/nsbox/layerset.h), against
 * the real kernel: real overlay mounts, real whiteouts (char 0/0), real
 * opaque directories (trusted.overlay.opaque "y"). Every test that mounts
 * does so inside nsbt_enter_private_ns(); every directory is an
 * nsbt_tmpdir() removed at the end.
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

#include "layerset-internal.h"
#include "system.h"
#include "helpers/nsbt.h"

/* ---- helpers ---- */

static char *pjoin(const char *a, const char *b)
{
	char *p;
	ck_assert_int_ge(asprintf(&p, "%s/%s", a, b), 0);
	return p;
}

static void put(const char *dir, const char *name, const char *text)
{
	char *p = pjoin(dir, name);
	FILE *f = fopen(p, "we");
	ck_assert_msg(f, "create %s: %s", p, strerror(errno));
	fputs(text, f);
	fclose(f);
	free(p);
}

static char *get(const char *dir, const char *name)
{
	static char buf[4096];
	char *p = pjoin(dir, name);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_msg(fd >= 0, "open %s: %s", p, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
	free(p);
	return buf;
}

static void mk(const char *dir, const char *name)
{
	char *p = pjoin(dir, name);
	ck_assert_msg(mkdir(p, 0755) == 0, "mkdir %s: %s", p, strerror(errno));
	free(p);
}

static bool exists(const char *dir, const char *name)
{
	struct stat st;
	char *p = pjoin(dir, name);
	bool r = lstat(p, &st) == 0;
	free(p);
	return r;
}

static bool is_whiteout(const char *dir, const char *name)
{
	struct stat st;
	char *p = pjoin(dir, name);
	bool r = lstat(p, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
	free(p);
	return r;
}

static int mount_count(void)
{
	char line[4096];
	int n = 0;
	FILE *f = fopen("/proc/self/mountinfo", "re");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* ---- tree snapshots: one line per entry, sorted ---- */

struct buf {
	char *s;
	size_t len, cap;
};

static void bprintf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (b->s && b->len + (size_t)n < b->cap)
			break;
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		ck_assert_ptr_nonnull(b->s);
	}
	b->len += (size_t)n;
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void snap_xattrs(struct buf *b, const char *path)
{
	char list[4096], *keys[64];
	ssize_t n = llistxattr(path, list, sizeof(list));
	int k = 0;

	for (char *p = list; n > 0 && p < list + n; p += strlen(p) + 1)
		if (strncmp(p, "security.", 9) != 0 && k < 64)
			keys[k++] = p;
	qsort(keys, (size_t)k, sizeof(char *), cmpstr);
	for (int i = 0; i < k; i++) {
		char val[1024];
		ssize_t vl = lgetxattr(path, keys[i], val, sizeof(val) - 1);
		ck_assert_int_ge(vl, 0);
		val[vl] = '\0';
		bprintf(b, " x:%s=%s", keys[i], val);
	}
}

enum { SNAP_TIMES = 1, SNAP_NLINK = 2 };

static void snap_dir(struct buf *b, const char *root, const char *rel, int flags)
{
	char *dir = rel[0] ? pjoin(root, rel) : strdup(root);
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);

	ck_assert_msg(n >= 0, "scandir %s: %s", dir, strerror(errno));
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		char *r2, *p;
		struct stat st;

		if (strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0) {
			free(names[i]);
			continue;
		}
		ck_assert_int_ge(asprintf(&r2, "%s%s%s", rel, rel[0] ? "/" : "", nm), 0);
		p = pjoin(root, r2);
		ck_assert_int_eq(lstat(p, &st), 0);
		bprintf(b, "%s mode=%o uid=%u gid=%u", r2, st.st_mode, st.st_uid, st.st_gid);
		if (flags & SNAP_TIMES && !S_ISDIR(st.st_mode))
			bprintf(b, " mtime=%lld.%09ld", (long long)st.st_mtim.tv_sec,
				st.st_mtim.tv_nsec);
		if (flags & SNAP_NLINK && !S_ISDIR(st.st_mode))
			bprintf(b, " nlink=%lu", (unsigned long)st.st_nlink);
		if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			bprintf(b, " rdev=%u:%u", major(st.st_rdev), minor(st.st_rdev));
		if (S_ISREG(st.st_mode)) {
			char *dup = strdup(get(root, r2));
			bprintf(b, " size=%lld data=%s", (long long)st.st_size, dup);
			free(dup);
		}
		if (S_ISLNK(st.st_mode)) {
			char t[PATH_MAX];
			ssize_t tl = readlink(p, t, sizeof(t) - 1);
			ck_assert_int_ge(tl, 0);
			t[tl] = '\0';
			bprintf(b, " -> %s", t);
		}
		snap_xattrs(b, p);
		bprintf(b, "\n");
		if (S_ISDIR(st.st_mode))
			snap_dir(b, root, r2, flags);
		free(p);
		free(r2);
		free(names[i]);
	}
	free(names);
	free(dir);
}

static char *snapshot(const char *root, int flags)
{
	struct buf b = {0};
	bprintf(&b, "%s", "");
	snap_dir(&b, root, "", flags);
	return b.s;
}

/* ---- tarballs made on the fly ---- */

struct tent {
	const char *path;
	int type; /* AE_IF* */
	const char *data;  /* regular files */
	const char *link;  /* symlink target */
	const char *hardlink;
	mode_t perm;
};

/* A memfd holding a tar of entries (filter: 0 none, 1 gzip, 2 zstd). */
static int make_tar(const struct tent *e, int filter)
{
	int fd = memfd_create("tar", MFD_CLOEXEC);
	struct archive *a = archive_write_new();

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	if (filter == 1)
		ck_assert_int_eq(archive_write_add_filter_gzip(a), ARCHIVE_OK);
	if (filter == 2)
		ck_assert_int_eq(archive_write_add_filter_zstd(a), ARCHIVE_OK);
	ck_assert_int_eq(archive_write_open_fd(a, fd), ARCHIVE_OK);
	for (; e->path; e++) {
		struct archive_entry *ae = archive_entry_new();
		archive_entry_set_pathname(ae, e->path);
		archive_entry_set_filetype(ae, (unsigned)e->type);
		archive_entry_set_perm(ae, e->perm ? e->perm : 0644);
		archive_entry_set_mtime(ae, 1000000000, 0);
		if (e->link)
			archive_entry_set_symlink(ae, e->link);
		if (e->hardlink)
			archive_entry_set_hardlink(ae, e->hardlink);
		archive_entry_set_size(ae, e->data ? (la_int64_t)strlen(e->data) : 0);
		ck_assert_int_eq(archive_write_header(a, ae), ARCHIVE_OK);
		if (e->data)
			ck_assert_int_eq(archive_write_data(a, e->data, strlen(e->data)),
					 (la_ssize_t)strlen(e->data));
		archive_entry_free(ae);
	}
	ck_assert_int_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static nsbox_layer_store *store_in(const char *dir)
{
	nsbox_layer_store *st = NULL;
	char *p = pjoin(dir, "store");
	ck_assert_msg(nsbox_layer_store_open(&st, p, NSBOX_LAYER_STORE_CREATE) == 0, "%s",
		      nsbox_last_error());
	free(p);
	return st;
}

/* ---- ids, parents, loops ---- */

START_TEST(bad_ids_and_parents)
{
	static const char *const bad[] = {"", "a/b", "..", "a..b", ".hidden", "l", "-x",
					  "a b", "a\nb", "/abs", "x/../y"};
	char *dir, *before, *after, long_id[NSBOX_LAYER_ID_MAX + 2], *id = NULL;
	nsbox_layer_store *st;
	char **chain;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("ids");
	st = store_in(dir);
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "base", NULL, NULL), 0);
	before = snapshot(nsbox_layer_store_path(st), 0);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(nsbox_layer_store_create_layer(st, bad[i], NULL, NULL), -EINVAL);
		ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "invalid layer id"));
		ck_assert_int_eq(nsbox_layer_store_create_layer(st, "ok", bad[i], NULL), -EINVAL);
		ck_assert_int_eq(nsbox_layer_store_remove_layer(st, bad[i]), -EINVAL);
	}
	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, long_id, NULL, NULL), -EINVAL);
	long_id[NSBOX_LAYER_ID_MAX] = '\0'; /* exactly the limit is fine */
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, long_id, NULL, NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, long_id), 0);

	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "x", "missing", NULL), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "parent layer missing does not exist"));
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "self", "self", NULL), -ELOOP);
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "base", NULL, NULL), -EEXIST);
	ck_assert_int_eq(nsbox_layer_store_create_layer(NULL, "x", NULL, NULL), -EINVAL);
	ck_assert_int_eq(nsbox_layer_store_open(NULL, dir, 0), -EINVAL);
	ck_assert_int_eq(nsbox_layer_store_import_tar(st, "t", NULL, -1, NULL), -EBADF);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "missing"), -ENOENT);
	ck_assert_ptr_null(nsbox_layer_store_path(NULL));
	ck_assert_int_eq(nsbox_layer_store_list(st, NULL), -EINVAL);
	ck_assert_int_eq(nsbox_layer_store_commit(st, "missing", NULL, NULL), -ENOENT);
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "x", NULL, NULL, NULL), -EINVAL);

	after = snapshot(nsbox_layer_store_path(st), 0);
	ck_assert_str_eq(before, after); /* nothing changed on disk */

	/* Random ids: 64 hex digits. */
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, NULL, "base", &id), 0);
	ck_assert_uint_eq(strlen(id), 64);
	ck_assert_uint_eq(strspn(id, "0123456789abcdef"), 64);
	ck_assert_int_eq(nsbox_layer_store_parent_chain(st, id, &chain), 2);
	ck_assert_str_eq(chain[0], id);
	ck_assert_str_eq(chain[1], "base");
	ck_assert_ptr_null(chain[2]);
	nsbox_free(chain);
	nsbox_free(id);

	/* A chain that loops on disk (a corrupt store) is refused. */
	{
		char shortname[32], *p;
		ck_assert_int_eq(nsbox_layer_store_create_layer(st, "a", NULL, NULL), 0);
		ck_assert_int_eq(nsbox_layer_store_create_layer(st, "b", "a", NULL), 0);
		snprintf(shortname, sizeof(shortname), "%s", get(nsbox_layer_store_path(st), "b/link"));
		p = pjoin(nsbox_layer_store_path(st), "a");
		put(p, "lower", "");
		free(p);
		p = pjoin(nsbox_layer_store_path(st), "a/lower");
		{
			FILE *f = fopen(p, "we");
			fprintf(f, "l/%s", shortname);
			fclose(f);
		}
		free(p);
		ck_assert_int_eq(nsbox_layer_store_parent_chain(st, "b", &chain), -ELOOP);
		ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "loops"));
		ck_assert_int_eq(nsbox_layer_store_create_layer(st, "c", "b", NULL), -ELOOP);
	}
	free(before);
	free(after);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- the overlay2 layout ---- */

START_TEST(store_layout)
{
	char *dir, *s, **list, l1[32], l2[32], want[128], got[128];
	nsbox_layer_store *st;
	ssize_t n;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("layout");
	st = store_in(dir);
	s = strdup(nsbox_layer_store_path(st));
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "one", NULL, NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "two", "one", NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "three", "two", NULL), 0);

	snprintf(l1, sizeof(l1), "%s", get(s, "one/link"));
	snprintf(l2, sizeof(l2), "%s", get(s, "two/link"));
	ck_assert_uint_eq(strlen(l1), 26);
	ck_assert_uint_eq(strspn(l1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"), 26);
	ck_assert(!exists(s, "one/lower"));
	snprintf(want, sizeof(want), "l/%s", l1);
	ck_assert_str_eq(get(s, "two/lower"), want);
	snprintf(want, sizeof(want), "l/%s:l/%s", l2, l1);
	ck_assert_str_eq(get(s, "three/lower"), want);
	ck_assert(exists(s, "three/diff") && exists(s, "three/work"));
	ck_assert(!exists(s, "three/committed"));
	snprintf(want, sizeof(want), "%s/l/%s", s, l1);
	n = readlink(want, got, sizeof(got) - 1);
	ck_assert_int_gt(n, 0);
	got[n] = '\0';
	ck_assert_str_eq(got, "../one/diff");

	ck_assert_int_eq(nsbox_layer_store_list(st, &list), 3);
	ck_assert_str_eq(list[0], "one");
	ck_assert_str_eq(list[1], "three");
	ck_assert_str_eq(list[2], "two");
	ck_assert_ptr_null(list[3]);
	nsbox_free(list);

	/* An imported layer is committed and has no work dir. */
	{
		char *src = nsbt_tmpdir("layout-src");
		put(src, "f", "x");
		ck_assert_int_eq(nsbox_layer_store_import_dir(st, "imp", "three", src, NULL), 0);
		ck_assert(exists(s, "imp/committed"));
		ck_assert(!exists(s, "imp/work"));
		ck_assert_str_eq(get(s, "imp/diff/f"), "x");
		nsbt_rm_tmpdir(src);
	}
	free(s);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- union of plain directories: the article's ufs/ ---- */

static void ufs_tree(const char *ufs)
{
	static const char *const dirs[] = {"lower1", "lower2", "upper", "work", "merged"};
	for (size_t i = 0; i < 5; i++)
		mk(ufs, dirs[i]);
	put(ufs, "lower1/a.txt", "a");
	put(ufs, "lower1/n.txt", "lower1");
	put(ufs, "lower2/b.txt", "b");
	put(ufs, "lower2/n.txt", "lower2");
	put(ufs, "lower2/x.txt", "lower2");
	put(ufs, "upper/c.txt", "c");
	put(ufs, "upper/x.txt", "upper");
}

static void union_plain(int method)
{
	char *ufs, *m, *u, *w, *s;
	nsbox_layerset *ls;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	ufs = nsbt_tmpdir("ufs");
	ufs_tree(ufs);
	m = pjoin(ufs, "merged");
	ck_assert_int_eq(nsbox_layerset_new(&ls), 0);
	ck_assert_int_eq(nsbox_layerset_set_mount_method(ls, method), 0);
	s = pjoin(ufs, "lower1");
	ck_assert_int_eq(nsbox_layerset_add_lower(ls, s), 0);
	free(s);
	s = pjoin(ufs, "lower2");
	ck_assert_int_eq(nsbox_layerset_add_lower(ls, s), 0);
	free(s);
	u = pjoin(ufs, "upper");
	w = pjoin(ufs, "work");
	ck_assert_int_eq(nsbox_layerset_set_upper(ls, u, w), 0);
	ck_assert_msg(nsbox_layerset_mount(ls, m, 0) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_layerset_mount(ls, m, 0), -EBUSY);

	ck_assert_str_eq(get(m, "a.txt"), "a");
	ck_assert_str_eq(get(m, "b.txt"), "b");
	ck_assert_str_eq(get(m, "c.txt"), "c");
	ck_assert_str_eq(get(m, "x.txt"), "upper");
	ck_assert_str_eq(get(m, "n.txt"), "lower2");
	/* A write lands in upper; a removal of a lower file leaves a whiteout. */
	put(m, "new.txt", "new");
	ck_assert_str_eq(get(u, "new.txt"), "new");
	s = pjoin(m, "a.txt");
	ck_assert_int_eq(unlink(s), 0);
	free(s);
	ck_assert(is_whiteout(u, "a.txt"));
	ck_assert(exists(ufs, "lower1/a.txt"));

	s = NULL;
	ck_assert_int_eq(nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_MERGED, &s), 0);
	ck_assert_ptr_nonnull(strstr(s, "/merged"));
	nsbox_free(s);

	ck_assert_int_eq(nsbox_layerset_unmount(ls), 0);
	ck_assert_int_eq(nsbox_layerset_unmount(ls), -EINVAL);
	ck_assert(!exists(m, "b.txt"));
	nsbox_layerset_free(ls);
	free(m);
	free(u);
	free(w);
	nsbt_rm_tmpdir(ufs);
}

START_TEST(union_lowerdir_plus)
{
	union_plain(NSBOX_LAYERSET_MOUNT_LOWERDIR_PLUS);
}
END_TEST

START_TEST(union_mount2)
{
	union_plain(NSBOX_LAYERSET_MOUNT_SHORT_LINKS);
}
END_TEST

START_TEST(union_auto)
{
	union_plain(NSBOX_LAYERSET_MOUNT_AUTO);
}
END_TEST

START_TEST(bad_targets)
{
	char *ufs, *s;
	nsbox_layerset *ls;
	int before;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	ufs = nsbt_tmpdir("targets");
	ufs_tree(ufs);
	ck_assert_int_eq(nsbox_layerset_new(&ls), 0);
	/* No lower at all. */
	s = pjoin(ufs, "merged");
	ck_assert_int_eq(nsbox_layerset_mount(ls, s, 0), -EINVAL);
	free(s);
	s = pjoin(ufs, "lower1");
	ck_assert_int_eq(nsbox_layerset_add_lower(ls, s), 0);
	free(s);
	s = pjoin(ufs, "nope");
	ck_assert_int_eq(nsbox_layerset_add_lower(ls, s), -ENOENT);
	free(s);
	s = pjoin(ufs, "lower1/a.txt");
	ck_assert_int_eq(nsbox_layerset_add_lower(ls, s), -ENOTDIR);
	free(s);
	ck_assert_int_eq(nsbox_layerset_set_upper(ls, ufs, NULL), -EINVAL);
	before = mount_count();
	s = pjoin(ufs, "missing");
	ck_assert_int_eq(nsbox_layerset_mount(ls, s, 0), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "mount overlay on"));
	free(s);
	s = pjoin(ufs, "lower2");
	ck_assert_int_eq(nsbox_layerset_mount(ls, s, 0), -ENOTEMPTY);
	free(s);
	s = pjoin(ufs, "lower2/b.txt");
	ck_assert_int_eq(nsbox_layerset_mount(ls, s, 0), -ENOTDIR);
	free(s);
	ck_assert_int_eq(nsbox_layerset_mount(ls, NULL, 0), -EINVAL);
	ck_assert_int_eq(nsbox_layerset_mount(ls, ufs, 1), -EINVAL);
	ck_assert_int_eq(nsbox_layerset_set_mount_method(ls, 7), -EINVAL);
	ck_assert_int_eq(mount_count(), before);
	nsbox_layerset_free(ls);
	nsbox_layerset_free(NULL);
	nsbox_layer_store_free(NULL);
	nsbt_rm_tmpdir(ufs);
}
END_TEST

/* ---- directory import ---- */

/* Every file type, mode, owner, time and xattr, a whiteout and an opaque dir. */
static void rich_tree(const char *d)
{
	char *p;
	struct timespec ts[2] = {{1111111111, 123456789}, {1222222222, 987654321}};

	mk(d, "dir");
	mk(d, "dir/sub");
	mk(d, "opaque");
	put(d, "dir/file", "hello");
	put(d, "dir/sub/deep", "deep");
	put(d, "opaque/kept", "k");
	put(d, "suid", "s");
	put(d, "hl1", "linked");
	p = pjoin(d, "hl1");
	{
		char *q = pjoin(d, "dir/hl2");
		ck_assert_int_eq(link(p, q), 0);
		free(q);
	}
	free(p);
	p = pjoin(d, "suid");
	ck_assert_int_eq(chmod(p, 04755), 0);
	free(p);
	p = pjoin(d, "dir/file");
	ck_assert_int_eq(chown(p, 1000, 1001), 0);
	ck_assert_int_eq(chmod(p, 0640), 0);
	ck_assert_int_eq(setxattr(p, "user.color", "blue", 4, 0), 0);
	ck_assert_int_eq(setxattr(p, "trusted.kept", "t", 1, 0), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, p, ts, 0), 0);
	free(p);
	p = pjoin(d, "abs-link");
	ck_assert_int_eq(symlink("/etc/passwd", p), 0);
	ck_assert_int_eq(lchown(p, 5, 6), 0);
	free(p);
	p = pjoin(d, "rel-link");
	ck_assert_int_eq(symlink("dir/file", p), 0);
	free(p);
	p = pjoin(d, "null");
	ck_assert_int_eq(mknod(p, S_IFCHR | 0666, makedev(1, 3)), 0);
	free(p);
	p = pjoin(d, "loop0");
	ck_assert_int_eq(mknod(p, S_IFBLK | 0660, makedev(7, 0)), 0);
	free(p);
	p = pjoin(d, "fifo");
	ck_assert_int_eq(mkfifo(p, 0620), 0);
	free(p);
	p = pjoin(d, "gone");
	ck_assert_int_eq(mknod(p, S_IFCHR | 0, makedev(0, 0)), 0);
	free(p);
	p = pjoin(d, "opaque");
	ck_assert_int_eq(setxattr(p, NSB_OVL_OPAQUE_XATTR, "y", 1, 0), 0);
	ck_assert_int_eq(chmod(p, 0750), 0);
	free(p);
	p = pjoin(d, "dir/sub");
	ck_assert_int_eq(chown(p, 7, 8), 0);
	free(p);
}

START_TEST(import_dir_preserves)
{
	char *dir, *src, *diff, *a, *b;
	nsbox_layer_store *st;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("impdir");
	src = pjoin(dir, "src");
	mk(dir, "src");
	rich_tree(src);
	st = store_in(dir);
	ck_assert_msg(nsbox_layer_store_import_dir(st, "rich", NULL, src, NULL) == 0, "%s",
		      nsbox_last_error());
	diff = pjoin(nsbox_layer_store_path(st), "rich/diff");
	a = snapshot(src, SNAP_TIMES | SNAP_NLINK);
	b = snapshot(diff, SNAP_TIMES | SNAP_NLINK);
	ck_assert_str_eq(a, b);
	ck_assert_ptr_nonnull(strstr(b, "x:trusted.overlay.opaque=y"));
	ck_assert_ptr_nonnull(strstr(b, "nlink=2"));
	{
		char *m = pjoin(dir, "nope");
		ck_assert_int_eq(nsbox_layer_store_import_dir(st, "x", NULL, m, NULL), -ENOENT);
		free(m);
	}
	free(a);
	free(b);
	free(diff);
	free(src);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- tar: whiteouts and opaque dirs give the same merged tree as by hand ---- */

START_TEST(tar_whiteouts_match_by_hand)
{
	static const struct tent l1[] = {
		{"a", AE_IFDIR, NULL, NULL, NULL, 0755}, {"a/x", AE_IFREG, "1", NULL, NULL, 0},
		{"a/y", AE_IFREG, "2", NULL, NULL, 0},   {"b", AE_IFREG, "b", NULL, NULL, 0},
		{"c", AE_IFDIR, NULL, NULL, NULL, 0755}, {"c/z", AE_IFREG, "z", NULL, NULL, 0},
		{NULL, 0, NULL, NULL, NULL, 0}};
	static const struct tent l2[] = {{".wh.b", AE_IFREG, NULL, NULL, NULL, 0},
					 {"a/.wh.x", AE_IFREG, NULL, NULL, NULL, 0},
					 {"c", AE_IFDIR, NULL, NULL, NULL, 0755},
					 {"c/.wh..wh..opq", AE_IFREG, NULL, NULL, NULL, 0},
					 {"c/new", AE_IFREG, "n", NULL, NULL, 0},
					 {NULL, 0, NULL, NULL, NULL, 0}};
	char *dir, *h1, *h2, *m1, *m2, *p, *s1, *s2, *diff;
	nsbox_layer_store *st;
	nsbox_layerset *a, *b;
	int fd;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	dir = nsbt_tmpdir("tarwh");
	st = store_in(dir);
	fd = make_tar(l1, 0);
	ck_assert_msg(nsbox_layer_store_import_tar(st, "l1", NULL, fd, NULL) == 0, "%s",
		      nsbox_last_error());
	close(fd);
	fd = make_tar(l2, 1); /* gzip, detected */
	ck_assert_msg(nsbox_layer_store_import_tar(st, "l2", "l1", fd, NULL) == 0, "%s",
		      nsbox_last_error());
	close(fd);
	diff = pjoin(nsbox_layer_store_path(st), "l2/diff");
	ck_assert(is_whiteout(diff, "b"));
	ck_assert(is_whiteout(diff, "a/x"));
	{
		char v[8];
		p = pjoin(diff, "c");
		ck_assert_int_eq(lgetxattr(p, NSB_OVL_OPAQUE_XATTR, v, sizeof(v)), 1);
		ck_assert_int_eq(v[0], 'y');
		free(p);
	}
	ck_assert(!exists(diff, "c/.wh..wh..opq"));
	free(diff);

	/* The same two layers by hand. */
	h1 = pjoin(dir, "h1");
	h2 = pjoin(dir, "h2");
	mk(dir, "h1");
	mk(dir, "h2");
	mk(h1, "a");
	put(h1, "a/x", "1");
	put(h1, "a/y", "2");
	put(h1, "b", "b");
	mk(h1, "c");
	put(h1, "c/z", "z");
	p = pjoin(h2, "b");
	ck_assert_int_eq(mknod(p, S_IFCHR, makedev(0, 0)), 0);
	free(p);
	mk(h2, "a");
	p = pjoin(h2, "a/x");
	ck_assert_int_eq(mknod(p, S_IFCHR, makedev(0, 0)), 0);
	free(p);
	mk(h2, "c");
	p = pjoin(h2, "c");
	ck_assert_int_eq(setxattr(p, NSB_OVL_OPAQUE_XATTR, "y", 1, 0), 0);
	free(p);
	put(h2, "c/new", "n");

	mk(dir, "m1");
	mk(dir, "m2");
	m1 = pjoin(dir, "m1");
	m2 = pjoin(dir, "m2");
	ck_assert_int_eq(nsbox_layerset_new_from_store(&a, st, "l2", NSBOX_LAYERSET_READ_ONLY), 0);
	ck_assert_msg(nsbox_layerset_mount(a, m1, 0) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_layerset_new(&b), 0);
	ck_assert_int_eq(nsbox_layerset_add_lower(b, h1), 0);
	ck_assert_int_eq(nsbox_layerset_add_lower(b, h2), 0);
	ck_assert_msg(nsbox_layerset_mount(b, m2, 0) == 0, "%s", nsbox_last_error());
	s1 = snapshot(m1, 0);
	s2 = snapshot(m2, 0);
	ck_assert_str_eq(s1, s2);
	ck_assert(!exists(m1, "b") && !exists(m1, "a/x") && !exists(m1, "c/z"));
	ck_assert_str_eq(get(m1, "a/y"), "2");
	ck_assert_str_eq(get(m1, "c/new"), "n");
	ck_assert_int_eq(nsbox_layerset_unmount(a), 0);
	ck_assert_int_eq(nsbox_layerset_unmount(b), 0);
	nsbox_layerset_free(a);
	nsbox_layerset_free(b);
	free(s1);
	free(s2);
	free(m1);
	free(m2);
	free(h1);
	free(h2);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* Export layer from as a tar (flags), import it again as layer to. */
static void export_import(nsbox_layer_store *st, const char *from, const char *to, uint32_t flags)
{
	int fd = memfd_create("export", MFD_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_msg(nsbox_layer_store_export_tar(st, from, fd, flags) == 0, "%s",
		      nsbox_last_error());
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_msg(nsbox_layer_store_import_tar(st, to, NULL, fd, NULL) == 0, "%s",
		      nsbox_last_error());
	close(fd);
}

static void roundtrip(uint32_t flags)
{
	char *dir, *src, *da, *db, *sa, *sb, *ssrc;
	nsbox_layer_store *st;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("roundtrip");
	src = pjoin(dir, "src");
	mk(dir, "src");
	rich_tree(src);
	st = store_in(dir);
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "a", NULL, src, NULL), 0);
	export_import(st, "a", "b", flags);
	da = pjoin(nsbox_layer_store_path(st), "a/diff");
	db = pjoin(nsbox_layer_store_path(st), "b/diff");
	ssrc = snapshot(src, SNAP_TIMES | SNAP_NLINK);
	sa = snapshot(da, SNAP_TIMES | SNAP_NLINK);
	sb = snapshot(db, SNAP_TIMES | SNAP_NLINK);
	ck_assert_str_eq(ssrc, sa);
	ck_assert_str_eq(sa, sb);
	ck_assert(is_whiteout(db, "gone"));
	ck_assert_int_eq(nsbox_layer_store_export_tar(st, "nope", 1, 0), -ENOENT);
	ck_assert_int_eq(nsbox_layer_store_export_tar(st, "a", -1, 0), -EBADF);
	ck_assert_int_eq(nsbox_layer_store_export_tar(st, "a", 1, 8), -EINVAL);
	free(ssrc);
	free(sa);
	free(sb);
	free(da);
	free(db);
	free(src);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}

START_TEST(export_import_roundtrip)
{
	roundtrip(0);
}
END_TEST

START_TEST(export_import_roundtrip_zstd)
{
	roundtrip(NSBOX_LAYER_TAR_ZSTD);
}
END_TEST

/* A tree deeper than a stack could hold with a buffer per level: import
 * (tree copy), export and import again, and the deepest file survives. */
START_TEST(deep_tree_roundtrip)
{
	enum { DEPTH = 400 };
	char *dir, *src;
	nsbox_layer_store *st;
	int fd;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("deep");
	src = pjoin(dir, "src");
	mk(dir, "src");
	/* src/d/d/.../d/file, built by fds, one level at a time. */
	{
		int dfd = open(src, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		for (int i = 0; i < DEPTH; i++) {
			int sub;
			ck_assert_int_eq(mkdirat(dfd, "d", 0755), 0);
			sub = openat(dfd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			ck_assert_int_ge(sub, 0);
			close(dfd);
			dfd = sub;
		}
		fd = openat(dfd, "file", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		ck_assert_int_eq(write(fd, "bottom", 6), 6);
		close(fd);
		close(dfd);
	}
	st = store_in(dir);
	ck_assert_msg(nsbox_layer_store_import_dir(st, "a", NULL, src, NULL) == 0, "%s",
		      nsbox_last_error());
	export_import(st, "a", "b", 0);
	{
		int dfd = open(nsbox_layer_store_path(st), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		int bfd = openat(dfd, "b/diff", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		char buf[16] = {0};
		int f;

		ck_assert_int_ge(bfd, 0);
		f = bfd;
		for (int i = 0; i < DEPTH; i++) {
			int sub = openat(f, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			ck_assert_int_ge(sub, 0);
			close(f);
			f = sub;
		}
		fd = openat(f, "file", O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 6);
		ck_assert_str_eq(buf, "bottom");
		close(fd);
		close(f);
		close(dfd);
	}
	free(src);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

START_TEST(export_whiteout_names)
{
	char *dir, *src;
	nsbox_layer_store *st;
	struct archive *a;
	struct archive_entry *e;
	bool wh = false, opq = false;
	int fd;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("exportwh");
	src = pjoin(dir, "src");
	mk(dir, "src");
	rich_tree(src);
	st = store_in(dir);
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "a", NULL, src, NULL), 0);
	fd = memfd_create("export", MFD_CLOEXEC);
	ck_assert_int_eq(nsbox_layer_store_export_tar(st, "a", fd, NSBOX_LAYER_TAR_GZIP), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	a = archive_read_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_all(a);
	ck_assert_int_eq(archive_read_open_fd(a, fd, 4096), ARCHIVE_OK);
	ck_assert_int_eq(archive_filter_code(a, 0), ARCHIVE_FILTER_GZIP);
	while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
		const char *n = archive_entry_pathname(e), *k;
		const void *v;
		size_t sz;
		if (strcmp(n, ".wh.gone") == 0) {
			wh = true;
			ck_assert_int_eq(archive_entry_filetype(e), AE_IFREG);
		}
		if (strcmp(n, "opaque/.wh..wh..opq") == 0)
			opq = true;
		archive_entry_xattr_reset(e);
		while (archive_entry_xattr_next(e, &k, &v, &sz) == ARCHIVE_OK)
			ck_assert_msg(strncmp(k, "trusted.overlay.", 16) != 0, "%s in tar", k);
	}
	ck_assert(wh && opq);
	archive_read_free(a);
	close(fd);
	free(src);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- hostile tarballs ---- */

static void hostile(nsbox_layer_store *st, const struct tent *t, int expect, const char *msg)
{
	char *before = snapshot(nsbox_layer_store_path(st), 0), *after;
	int fd = make_tar(t, 0);
	int r = nsbox_layer_store_import_tar(st, "evil", NULL, fd, NULL);

	ck_assert_msg(r == expect, "%s: got %d (%s), want %d", t[0].path, r, nsbox_last_error(),
		      expect);
	ck_assert_msg(strstr(nsbox_last_error(), msg), "message \"%s\" lacks \"%s\"",
		      nsbox_last_error(), msg);
	close(fd);
	after = snapshot(nsbox_layer_store_path(st), 0);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);
}

START_TEST(tar_hostile)
{
	char *dir, *outside, *lnk_target, *store;
	nsbox_layer_store *st;
	struct tent t[4];

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("hostile");
	outside = pjoin(dir, "outside");
	mk(dir, "outside");
	put(outside, "secret", "s");
	st = store_in(dir);
	store = strdup(nsbox_layer_store_path(st));

	memset(t, 0, sizeof(t));
	t[0] = (struct tent){"../../escape", AE_IFREG, "x", NULL, NULL, 0};
	hostile(st, t, -EPERM, "\"..\" would leave the layer");
	t[0] = (struct tent){"ok/../../escape", AE_IFREG, "x", NULL, NULL, 0};
	hostile(st, t, -EPERM, "would leave the layer");
	t[0] = (struct tent){"/tmp/escape-abs", AE_IFREG, "x", NULL, NULL, 0};
	hostile(st, t, -EPERM, "absolute path");
	ck_assert_int_ne(access("/tmp/escape-abs", F_OK), 0);

	/* A symlink pointing out, then a file under it. */
	lnk_target = strdup(outside);
	t[0] = (struct tent){"lnk", AE_IFLNK, NULL, lnk_target, NULL, 0777};
	t[1] = (struct tent){"lnk/pwned", AE_IFREG, "x", NULL, NULL, 0};
	hostile(st, t, -EPERM, "symlink in its path");
	ck_assert(!exists(outside, "pwned"));
	/* ... or a relative one climbing out. */
	t[0] = (struct tent){"up", AE_IFLNK, NULL, "../../../..", NULL, 0777};
	t[1] = (struct tent){"up/tmp/pwned2", AE_IFREG, "x", NULL, NULL, 0};
	hostile(st, t, -EPERM, "symlink in its path");
	ck_assert_int_ne(access("/tmp/pwned2", F_OK), 0);
	/* ... or a hard link through it. */
	t[0] = (struct tent){"lnk", AE_IFLNK, NULL, lnk_target, NULL, 0777};
	t[1] = (struct tent){"h", AE_IFREG, NULL, NULL, "lnk/secret", 0};
	hostile(st, t, -EPERM, "outside the layer");
	memset(&t[1], 0, sizeof(t[1]));

	/* Hard links to paths outside. */
	t[0] = (struct tent){"h", AE_IFREG, NULL, NULL, "../../../../etc/passwd", 0};
	hostile(st, t, -EPERM, "would leave the layer");
	t[0] = (struct tent){"h", AE_IFREG, NULL, NULL, "/etc/passwd", 0};
	hostile(st, t, -EPERM, "absolute path");
	ck_assert_int_eq(access("/etc/passwd", F_OK), 0);

	/* Truncated and corrupt streams. */
	{
		char big[20000];
		struct tent tt[2] = {{"big", AE_IFREG, big, NULL, NULL, 0}, {0}};
		char *before = snapshot(store, 0), *after;
		int fd, fd2;
		off_t size;
		memset(big, 'z', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		fd = make_tar(tt, 0);
		size = lseek(fd, 0, SEEK_END);
		ck_assert_int_eq(ftruncate(fd, size / 2), 0);
		ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
		ck_assert_int_eq(nsbox_layer_store_import_tar(st, "trunc", NULL, fd, NULL),
				 -EBADMSG);
		ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "import tar into layer trunc"));
		close(fd);
		fd2 = memfd_create("garbage", MFD_CLOEXEC);
		for (int i = 0; i < 4096; i++) {
			unsigned char c = (unsigned char)(i * 7919 + 13);
			ck_assert_int_eq(write(fd2, &c, 1), 1);
		}
		ck_assert_int_eq(lseek(fd2, 0, SEEK_SET), 0);
		ck_assert_int_eq(nsbox_layer_store_import_tar(st, "garbage", NULL, fd2, NULL),
				 -EBADMSG);
		close(fd2);
		after = snapshot(store, 0);
		ck_assert_str_eq(before, after);
		free(before);
		free(after);
	}
	{
		char **list;
		ck_assert_int_eq(nsbox_layer_store_list(st, &list), 0);
		nsbox_free(list);
	}
	free(lnk_target);
	free(store);
	free(outside);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- 500 layers ---- */

static nsbox_layerset *many_plain(const char *dir, int k)
{
	nsbox_layerset *ls;
	ck_assert_int_eq(nsbox_layerset_new(&ls), 0);
	for (int i = 0; i < k; i++) {
		char name[32], fname[32], *p;
		snprintf(name, sizeof(name), "L%03d", i);
		snprintf(fname, sizeof(fname), "f%03d", i);
		mk(dir, name);
		p = pjoin(dir, name);
		put(p, fname, name);
		ck_assert_int_eq(nsbox_layerset_add_lower(ls, p), 0);
		free(p);
	}
	return ls;
}

START_TEST(five_hundred_layers)
{
	char *dir, *m, *extra;
	nsbox_layerset *ls;
	int before;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	dir = nsbt_tmpdir("many");
	ls = many_plain(dir, 500);
	mk(dir, "merged");
	mk(dir, "extra");
	m = pjoin(dir, "merged");
	extra = pjoin(dir, "extra");
	before = mount_count();
	ck_assert_int_eq(nsbox_layerset_add_lower(ls, extra), -E2BIG);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "500"));
	ck_assert_int_eq(mount_count(), before);
	ck_assert_msg(nsbox_layerset_mount(ls, m, 0) == 0, "%s", nsbox_last_error());
	ck_assert_str_eq(get(m, "f000"), "L000");
	ck_assert_str_eq(get(m, "f499"), "L499");
	ck_assert_int_eq(nsbox_layerset_unmount(ls), 0);
	nsbox_layerset_free(ls);
	free(m);
	free(extra);
	nsbt_rm_tmpdir(dir);
}
END_TEST

START_TEST(store_chain_limits)
{
	char *dir, *src, *m, parent[16] = "", **chain;
	nsbox_layer_store *st;
	nsbox_layerset *ls;
	int before;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	dir = nsbt_tmpdir("chain");
	st = store_in(dir);
	src = pjoin(dir, "src");
	mk(dir, "src");
	for (int i = 0; i < 501; i++) {
		char id[16], f[16];
		snprintf(id, sizeof(id), "c%03d", i);
		snprintf(f, sizeof(f), "f%03d", i);
		put(src, f, id);
		ck_assert_msg(nsbox_layer_store_import_dir(st, id, parent[0] ? parent : NULL, src,
							   NULL) == 0,
			      "%s", nsbox_last_error());
		{
			char *p = pjoin(src, f);
			unlink(p);
			free(p);
		}
		snprintf(parent, sizeof(parent), "%s", id);
	}
	ck_assert_int_eq(nsbox_layer_store_parent_chain(st, "c500", &chain), 501);
	ck_assert_str_eq(chain[0], "c500");
	ck_assert_str_eq(chain[500], "c000");
	nsbox_free(chain);

	before = mount_count();
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "c500", 0), -E2BIG);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "501 lower layers"));
	ck_assert_int_eq(mount_count(), before);

	/* 500 with lowerdir+, into the default MergedDir. */
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "c499", 0), 0);
	ck_assert_msg(nsbox_layerset_mount(ls, NULL, 0) == 0, "%s", nsbox_last_error());
	m = pjoin(nsbox_layer_store_path(st), "c499/merged");
	ck_assert_str_eq(get(m, "f000"), "c000");
	ck_assert_str_eq(get(m, "f499"), "c499");
	ck_assert_int_eq(nsbox_layerset_unmount(ls), 0);
	/* Short links cannot carry 500 in one page. */
	ck_assert_int_eq(nsbox_layerset_set_mount_method(ls, NSBOX_LAYERSET_MOUNT_SHORT_LINKS), 0);
	ck_assert_int_eq(nsbox_layerset_mount(ls, NULL, 0), -E2BIG);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "one-page"));
	ck_assert_int_eq(mount_count(), before);
	nsbox_layerset_free(ls);
	free(m);

	/* 128 with short links, as Docker. */
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "c127", 0), 0);
	ck_assert_int_eq(nsbox_layerset_set_mount_method(ls, NSBOX_LAYERSET_MOUNT_SHORT_LINKS), 0);
	ck_assert_msg(nsbox_layerset_mount(ls, NULL, 0) == 0, "%s", nsbox_last_error());
	m = pjoin(nsbox_layer_store_path(st), "c127/merged");
	ck_assert_str_eq(get(m, "f000"), "c000");
	ck_assert_str_eq(get(m, "f127"), "c127");
	ck_assert(!exists(m, "f128"));
	ck_assert_int_eq(nsbox_layerset_unmount(ls), 0);
	nsbox_layerset_free(ls);
	free(m);
	free(src);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- the container's layers and commit ---- */

START_TEST(container_layers_and_commit)
{
	char *dir, *rootfs, *m, *rw, *s, *cdiff, *idiff, *newid = NULL, *rwid = NULL, **chain;
	nsbox_layer_store *st;
	nsbox_layerset *ls;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	dir = nsbt_tmpdir("container");
	rootfs = nsbt_rootfs_new();
	st = store_in(dir);
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "image", NULL, rootfs, NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_create_container(st, "image", "ctr",
							    "127.0.0.1 localhost\n", "box\n",
							    "nameserver 10.0.0.1\n", &rwid),
			 0);
	ck_assert_str_eq(rwid, "ctr");
	nsbox_free(rwid);
	ck_assert_int_eq(nsbox_layer_store_parent_chain(st, "ctr", &chain), 3);
	ck_assert_str_eq(chain[1], "ctr-init");
	ck_assert_str_eq(chain[2], "image");
	nsbox_free(chain);
	ck_assert_int_eq(nsbox_layer_store_create_container(st, "nope", "c2", NULL, NULL, NULL,
							    NULL),
			 -ENOENT);
	ck_assert_int_eq(nsbox_layer_store_create_container(st, "image", "ctr", NULL, NULL, NULL,
							    NULL),
			 -EEXIST);

	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "ctr", 0), 0);
	ck_assert_msg(nsbox_layerset_mount(ls, NULL, 0) == 0, "%s", nsbox_last_error());
	m = pjoin(nsbox_layer_store_path(st), "ctr/merged");
	rw = pjoin(nsbox_layer_store_path(st), "ctr/diff");
	ck_assert_str_eq(get(m, "etc/hostname"), "box\n");
	ck_assert_str_eq(get(m, "etc/hosts"), "127.0.0.1 localhost\n");
	ck_assert_str_eq(get(m, "etc/resolv.conf"), "nameserver 10.0.0.1\n");
	ck_assert(exists(m, "bin/busybox"));
	/* Writes land in the writable layer, a removal leaves a whiteout. */
	mk(m, "home/test");
	put(m, "home/test/test.txt", "hello");
	ck_assert_str_eq(get(rw, "home/test/test.txt"), "hello");
	s = pjoin(m, "bin/true");
	ck_assert_int_eq(unlink(s), 0);
	free(s);
	ck_assert(is_whiteout(rw, "bin/true"));
	put(m, "etc/hostname", "changed\n"); /* copied up, but not committed */
	ck_assert(exists(rw, "etc/hostname"));

	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "ctr"), -EBUSY);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "mount"));
	ck_assert_msg(nsbox_layer_store_commit(st, "ctr", NULL, &newid) == 0, "%s",
		      nsbox_last_error());
	cdiff = pjoin(nsbox_layer_store_path(st), newid);
	idiff = pjoin(cdiff, "diff");
	ck_assert_str_eq(get(idiff, "home/test/test.txt"), "hello");
	ck_assert(is_whiteout(idiff, "bin/true"));
	ck_assert(!exists(idiff, "etc/hostname"));
	ck_assert(!exists(idiff, "etc/hosts"));
	ck_assert(exists(cdiff, "committed"));
	ck_assert_int_eq(nsbox_layer_store_parent_chain(st, newid, &chain), 2);
	ck_assert_str_eq(chain[1], "image");
	nsbox_free(chain);

	ck_assert_int_eq(nsbox_layerset_unmount(ls), 0);
	nsbox_layerset_free(ls);
	/* The committed image shows the change. */
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, newid, 0), 0);
	ck_assert_int_eq(nsbox_layerset_mount(ls, NULL, 0), 0);
	free(m);
	ck_assert_int_ge(asprintf(&m, "%s/%s/merged", nsbox_layer_store_path(st), newid), 0);
	ck_assert(!exists(m, "bin/true"));
	ck_assert(exists(m, "bin/false"));
	ck_assert_str_eq(get(m, "home/test/test.txt"), "hello");
	ck_assert_str_eq(get(m, "etc/hostname"), "nsbt\n");
	nsbox_layerset_free(ls); /* unmounts */
	ck_assert(!exists(m, "bin"));

	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "ctr"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "ctr-init"), 0);
	nsbox_free(newid);
	free(m);
	free(rw);
	free(cdiff);
	free(idiff);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(rootfs);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- remove, and chains whose layer is gone ---- */

START_TEST(remove_rules)
{
	char *dir, *src, *s, *m, shortname[32], **list;
	nsbox_layer_store *st;
	nsbox_layerset *ls;
	int before;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	dir = nsbt_tmpdir("remove");
	src = pjoin(dir, "src");
	mk(dir, "src");
	put(src, "f", "f");
	st = store_in(dir);
	s = strdup(nsbox_layer_store_path(st));
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "base", NULL, src, NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "top", "base", src, NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "base"), -EBUSY);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "layer top names it as parent"));

	/* A set built, then its layer removed: the mount fails clearly. */
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "top", 0), 0);
	snprintf(shortname, sizeof(shortname), "l/%s", get(s, "top/link"));
	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "top"), 0);
	ck_assert(!exists(s, "top"));
	ck_assert(!exists(s, shortname));
	mk(dir, "m");
	m = pjoin(dir, "m");
	before = mount_count();
	ck_assert_int_eq(nsbox_layerset_mount(ls, m, 0), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "top/diff"));
	ck_assert_int_eq(mount_count(), before);
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "top", 0), -ENOENT);

	/* A chain whose middle layer vanished behind our back. */
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "mid", "base", src, NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "leaf", "mid", src, NULL), 0);
	ck_assert_int_eq(nsbt_system("rm -rf %s/mid", s), 0);
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "leaf", 0), -ENOENT);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "was removed"));

	/* Mounted: busy. */
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "base", 0), 0);
	ck_assert_int_eq(nsbox_layerset_set_mount_method(ls, NSBOX_LAYERSET_MOUNT_SHORT_LINKS), 0);
	ck_assert_msg(nsbox_layerset_mount(ls, m, 0) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "leaf"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "base"), -EBUSY);
	ck_assert_int_eq(nsbox_layerset_unmount(ls), 0);
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "base"), 0);
	ck_assert_int_eq(nsbox_layer_store_list(st, &list), 0);
	ck_assert_ptr_null(list[0]);
	nsbox_free(list);
	free(m);
	free(s);
	free(src);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- crash repair ---- */

/* Is a temporary layer left in store s (in its .tmp directory, or where
 * earlier versions put them)? */
static bool tmp_left(const char *s)
{
	return nsbt_system("ls -A %s/.tmp | grep -q . || ls -a %s | grep -q '^.tmp-'", s, s) == 0;
}

START_TEST(open_repairs)
{
	char *dir, *s, la[64], lb[64], p[PATH_MAX], t[PATH_MAX];
	nsbox_layer_store *st;
	ssize_t n;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("repair");
	st = store_in(dir);
	s = strdup(nsbox_layer_store_path(st));
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "a", NULL, NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "b", "a", NULL), 0);
	nsbox_layer_store_free(st);
	snprintf(la, sizeof(la), "l/%s", get(s, "a/link"));
	snprintf(lb, sizeof(lb), "l/%s", get(s, "b/link"));
	/* A missing link, a wrong one, a dangling stray, a leftover temp layer. */
	snprintf(p, sizeof(p), "%s/%s", s, la);
	ck_assert_int_eq(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/%s", s, lb);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(symlink("../gone/diff", p), 0);
	snprintf(p, sizeof(p), "%s/l/AAAAAAAAAAAAAAAAAAAAAAAAAA", s);
	ck_assert_int_eq(symlink("../zzz/diff", p), 0);
	/* Links are read only after a change of them was cut short: the mark
	 * a crash inside one leaves behind (a healthy store is not read layer
	 * by layer). A temporary layer nobody holds is a reason too. */
	ck_assert_int_eq(nsbox_layer_store_open(&st, s, 0), 0);
	snprintf(p, sizeof(p), "%s/%s", s, la);
	ck_assert_int_lt(readlink(p, t, sizeof(t) - 1), 0);
	nsbox_layer_store_free(st);
	ck_assert_int_eq(nsbt_system("touch %s/.changing", s), 0);
	/* A temporary layer, and one where earlier versions built them. */
	ck_assert_int_eq(nsbt_system("mkdir -p %s/.tmp/XYZ/diff/d && touch %s/.tmp/XYZ/diff/d/f", s,
				     s),
			 0);
	ck_assert_int_eq(nsbt_system("mkdir -p %s/.tmp-OLD/diff", s), 0);

	ck_assert_int_eq(nsbox_layer_store_open(&st, s, 0), 0);
	ck_assert(!exists(s, ".changing"));
	snprintf(p, sizeof(p), "%s/%s", s, la);
	n = readlink(p, t, sizeof(t) - 1);
	ck_assert_int_gt(n, 0);
	t[n] = '\0';
	ck_assert_str_eq(t, "../a/diff");
	snprintf(p, sizeof(p), "%s/%s", s, lb);
	n = readlink(p, t, sizeof(t) - 1);
	ck_assert_int_gt(n, 0);
	t[n] = '\0';
	ck_assert_str_eq(t, "../b/diff");
	ck_assert(!exists(s, "l/AAAAAAAAAAAAAAAAAAAAAAAAAA"));
	ck_assert(!exists(s, ".tmp/XYZ"));
	ck_assert(!exists(s, ".tmp-OLD"));
	ck_assert(exists(s, ".tmp"));
	nsbox_layer_store_free(st);
	/* A temporary layer nobody holds is a reason on its own. */
	ck_assert_int_eq(nsbt_system("mkdir -p %s/.tmp/ABC/diff", s), 0);
	ck_assert_int_eq(nsbox_layer_store_open(&st, s, 0), 0);
	ck_assert(!tmp_left(s));
	/* A change that completes leaves no mark. */
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "c", "b", NULL), 0);
	ck_assert(!exists(s, ".changing"));
	ck_assert_int_eq(nsbox_layer_store_remove_layer(st, "c"), 0);
	ck_assert(!exists(s, ".changing"));
	nsbox_layer_store_free(st);

	/* Opening a missing store without CREATE fails; a file is not a store. */
	snprintf(p, sizeof(p), "%s/none", dir);
	ck_assert_int_eq(nsbox_layer_store_open(&st, p, 0), -ENOENT);
	ck_assert_int_eq(nsbox_layer_store_open(&st, s, 0x80), -EINVAL);
	snprintf(p, sizeof(p), "%s/a/link", s);
	ck_assert_int_eq(nsbox_layer_store_open(&st, p, 0), -ENOTDIR);
	free(s);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* An import killed midway leaves no layer; the next open removes its remains. */
START_TEST(killed_import)
{
	char *dir, *s, **list;
	nsbox_layer_store *st;
	int pfd[2], status;
	pid_t pid;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("killed");
	st = store_in(dir);
	s = strdup(nsbox_layer_store_path(st));
	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(pfd[1]);
		_exit(nsbox_layer_store_import_tar(st, "half", NULL, pfd[0], NULL) == 0 ? 0 : 1);
	}
	close(pfd[0]);
	{
		/* A tar header for a big file, and part of its data. */
		static const struct tent t[] = {{"small", AE_IFREG, "s", NULL, NULL, 0}, {0}};
		int fd = make_tar(t, 0);
		char buf[512];
		ck_assert_int_eq(read(fd, buf, 512), 512);
		ck_assert_int_eq(write(pfd[1], buf, 512), 512);
		ck_assert_int_eq(read(fd, buf, 512), 512);
		ck_assert_int_eq(write(pfd[1], buf, 512), 512);
		close(fd);
	}
	/* Wait until the child built its temporary layer. */
	for (int i = 0; i < 200; i++) {
		if (tmp_left(s))
			break;
		usleep(10000);
	}
	ck_assert(tmp_left(s));
	/* While the builder lives, open leaves its temporary layer alone. */
	{
		nsbox_layer_store *st2;
		ck_assert_int_eq(nsbox_layer_store_open(&st2, s, 0), 0);
		nsbox_layer_store_free(st2);
		ck_assert(tmp_left(s));
	}
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(pfd[1]);
	ck_assert_int_eq(nsbox_layer_store_list(st, &list), 0);
	nsbox_free(list);
	nsbox_layer_store_free(st);
	ck_assert_int_eq(nsbox_layer_store_open(&st, s, 0), 0);
	ck_assert(!tmp_left(s));
	nsbox_layer_store_free(st);
	free(s);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- filesystems that cannot hold upper dirs ---- */

START_TEST(store_on_ramfs_refused)
{
	char *dir, *p;
	nsbox_layer_store *st = NULL;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	dir = nsbt_tmpdir("ramfs");
	ck_assert_int_eq(mount("ramfs", dir, "ramfs", 0, NULL), 0);
	p = pjoin(dir, "store");
	ck_assert_int_eq(nsbox_layer_store_open(&st, p, NSBOX_LAYER_STORE_CREATE), -EOPNOTSUPP);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "trusted.* extended attributes"));
	ck_assert_int_eq(umount(dir), 0);
	/* tmpfs can (trusted.* xattrs): a store works there. */
	ck_assert_int_eq(mount("tmpfs", dir, "tmpfs", 0, "size=8m"), 0);
	ck_assert_int_eq(nsbox_layer_store_open(&st, p, NSBOX_LAYER_STORE_CREATE), 0);
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "t", NULL, NULL), 0);
	nsbox_layer_store_free(st);
	ck_assert_int_eq(umount(dir), 0);
	free(p);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- two processes on one store ---- */

static void writer(const char *path, int who)
{
	nsbox_layer_store *st;
	char src[PATH_MAX];

	if (nsbox_layer_store_open(&st, path, 0) < 0)
		_exit(10);
	snprintf(src, sizeof(src), "%s/../src", path);
	for (int i = 0; i < 25; i++) {
		char id[32], id2[32], *got = NULL;
		snprintf(id, sizeof(id), "w%d-%d", who, i);
		snprintf(id2, sizeof(id2), "w%d-%d-imp", who, i);
		if (nsbox_layer_store_create_layer(st, id, i ? NULL : NULL, NULL) < 0)
			_exit(11);
		if (nsbox_layer_store_import_dir(st, id2, id, src, NULL) < 0)
			_exit(12);
		if (nsbox_layer_store_create_layer(st, NULL, "shared", &got) < 0)
			_exit(13);
		if (i % 2 && nsbox_layer_store_remove_layer(st, got) < 0)
			_exit(14);
		nsbox_free(got);
		if (i % 3 == 0 && (nsbox_layer_store_remove_layer(st, id2) < 0 ||
				   nsbox_layer_store_remove_layer(st, id) < 0))
			_exit(15);
	}
	nsbox_layer_store_free(st);
	_exit(0);
}

START_TEST(two_writers)
{
	char *dir, *s, **list;
	nsbox_layer_store *st;
	pid_t pids[2];
	int n;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("concurrent");
	mk(dir, "src");
	{
		char *src = pjoin(dir, "src");
		for (int i = 0; i < 20; i++) {
			char f[16];
			snprintf(f, sizeof(f), "f%d", i);
			put(src, f, f);
		}
		free(src);
	}
	st = store_in(dir);
	s = strdup(nsbox_layer_store_path(st));
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "shared", NULL, NULL), 0);
	for (int w = 0; w < 2; w++) {
		pids[w] = fork();
		ck_assert_int_ge(pids[w], 0);
		if (pids[w] == 0)
			writer(s, w);
	}
	for (int w = 0; w < 2; w++) {
		int status;
		ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d: %d", w,
			      status);
	}
	/* Per writer: 25 - 9 removed pairs = 16 pairs, 13 unremoved random layers. */
	n = nsbox_layer_store_list(st, &list);
	ck_assert_int_eq(n, 1 + 2 * (16 * 2 + 13));
	for (int i = 0; list[i]; i++) {
		char lp[PATH_MAX], want[300], got[300];
		char *lk = get(s, strcat(strcpy(want, list[i]), "/link"));
		ssize_t k;
		snprintf(lp, sizeof(lp), "%s/l/%s", s, lk);
		k = readlink(lp, got, sizeof(got) - 1);
		ck_assert_msg(k > 0, "layer %s: readlink %s: %s", list[i], lp, strerror(errno));
		got[k] = '\0';
		snprintf(want, sizeof(want), "../%s/diff", list[i]);
		ck_assert_str_eq(got, want);
	}
	ck_assert(!tmp_left(s));
	/* Exactly one l/ link per layer. */
	ck_assert_int_eq(nsbt_system("test $(ls %s/l | wc -l) -eq %d", s, n), 0);
	nsbox_free(list);
	nsbox_layer_store_free(st);
	free(s);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* ---- inspect and the container's detached mount ---- */

START_TEST(inspect_strings)
{
	char *dir, *s, *out, want[4096];
	nsbox_layer_store *st;
	nsbox_layerset *ls;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("inspect");
	st = store_in(dir);
	s = strdup(nsbox_layer_store_path(st));
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "l1", NULL, NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "l2", "l1", NULL), 0);
	ck_assert_int_eq(nsbox_layer_store_create_layer(st, "rw", "l2", NULL), 0);
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "rw", 0), 0);
	ck_assert_int_eq(nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_LOWER, &out), 0);
	snprintf(want, sizeof(want), "%s/l2/diff:%s/l1/diff", s, s);
	ck_assert_str_eq(out, want);
	nsbox_free(out);
	ck_assert_int_eq(nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_UPPER, &out), 0);
	snprintf(want, sizeof(want), "%s/rw/diff", s);
	ck_assert_str_eq(out, want);
	nsbox_free(out);
	ck_assert_int_eq(nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_WORK, &out), 0);
	snprintf(want, sizeof(want), "%s/rw/work", s);
	ck_assert_str_eq(out, want);
	nsbox_free(out);
	ck_assert_int_eq(nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_JSON, &out), 0);
	snprintf(want, sizeof(want),
		 "{\"LowerDir\":\"%s/l2/diff:%s/l1/diff\",\"MergedDir\":\"%s/rw/merged\","
		 "\"UpperDir\":\"%s/rw/diff\",\"WorkDir\":\"%s/rw/work\"}",
		 s, s, s, s, s);
	ck_assert_str_eq(out, want);
	nsbox_free(out);
	ck_assert_int_eq(nsbox_layerset_inspect(ls, 99, &out), -EINVAL);
	nsbox_layerset_free(ls);
	/* Read-only: no upper. */
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "rw", NSBOX_LAYERSET_READ_ONLY), 0);
	ck_assert_int_eq(nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_UPPER, &out), 0);
	ck_assert_str_eq(out, "");
	nsbox_free(out);
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_layerset_new_from_store(&ls, st, "rw", 4), -EINVAL);
	free(s);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

START_TEST(detached_mount_for_containers)
{
	char *ufs, *m, *s, *u, *w;
	nsbox_layerset *ls;
	struct nsb_layerset_desc d;
	int fd, before;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	ufs = nsbt_tmpdir("detached");
	ufs_tree(ufs);
	ck_assert_int_eq(nsbox_layerset_new(&ls), 0);
	s = pjoin(ufs, "lower1");
	ck_assert_int_eq(nsbox_layerset_add_lower(ls, s), 0);
	free(s);
	s = pjoin(ufs, "lower2");
	ck_assert_int_eq(nsbox_layerset_add_lower(ls, s), 0);
	free(s);
	u = pjoin(ufs, "upper");
	w = pjoin(ufs, "work");
	ck_assert_int_eq(nsbox_layerset_set_upper(ls, u, w), 0);

	ck_assert_int_eq(nsb_layerset_describe(ls, &d), 0);
	ck_assert_uint_eq(d.n_lowers, 2);
	ck_assert_ptr_nonnull(strstr(d.lowers[0], "lower2")); /* top first */
	ck_assert_ptr_nonnull(strstr(d.lowers[1], "lower1"));
	ck_assert_ptr_null(d.lowers[2]);
	ck_assert_str_eq(d.upper, u);
	ck_assert_str_eq(d.work, w);
	nsb_layerset_desc_done(&d);

	before = mount_count();
	ck_assert_msg(nsb_layerset_mount_detached(ls, &fd) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(mount_count(), before); /* attached nowhere */
	m = pjoin(ufs, "merged");
	ck_assert_int_eq(nsb_sys_move_mount(fd, "", AT_FDCWD, m, MOVE_MOUNT_F_EMPTY_PATH), 0);
	close(fd);
	ck_assert_str_eq(get(m, "x.txt"), "upper");
	ck_assert_str_eq(get(m, "n.txt"), "lower2");
	ck_assert_int_eq(umount(m), 0);
	nsbox_layerset_free(ls);
	free(m);
	free(u);
	free(w);
	nsbt_rm_tmpdir(ufs);
}
END_TEST

/* ---- tar: libarchive is dlopen()ed on first use (lib/layerset-tar.c) ---- */

/* Each test runs in its own forked process (nsbt_main: CK_FORK), so the
 * loader has not run yet when it sets the names to load. */

static size_t store_entries(nsbox_layer_store *st)
{
	DIR *d = opendir(nsbox_layer_store_path(st));
	struct dirent *e;
	size_t n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)))
		n++;
	closedir(d);
	return n;
}

START_TEST(tar_load_failure)
{
	static const char *const bad[] = {"libnsbox-test-no-such-archive.so.13", NULL};
	char *dir, *src, *msg;
	nsbox_layer_store *st;
	char **ids = NULL;
	size_t entries;
	int fd, r;

	NSBT_REQUIRE_ROOT();
	ck_assert_int_eq(nsb_ls_tar_set_libnames_for_test(bad), 0);
	dir = nsbt_tmpdir("tarload");
	src = pjoin(dir, "src");
	mk(dir, "src");
	put(src, "f", "x");
	st = store_in(dir);
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "a", NULL, src, NULL), 0);
	entries = store_entries(st);

	fd = memfd_create("tar", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	r = nsbox_layer_store_import_tar(st, "t", NULL, fd, NULL);
	ck_assert_msg(r == -EOPNOTSUPP, "import_tar: %d %s", r, nsbox_last_error());
	msg = strdup(nsbox_last_error());
	ck_assert_msg(strstr(msg, "load libnsbox-test-no-such-archive.so.13 for tar layers: ") &&
			      strstr(msg, "cannot open shared object file") &&
			      strstr(msg, "(install libarchive13)"),
		      "message: %s", msg);
	/* nothing left behind: no layer "t", no temporary entry */
	ck_assert_int_eq(nsbox_layer_store_list(st, &ids), 1);
	ck_assert_str_eq(ids[0], "a");
	nsbox_free(ids);
	ck_assert_uint_eq(store_entries(st), entries);

	/* export fails the same way, without writing anything */
	r = nsbox_layer_store_export_tar(st, "a", fd, 0);
	ck_assert_msg(r == -EOPNOTSUPP, "export_tar: %d %s", r, nsbox_last_error());
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "load libnsbox-test-no-such-archive"));
	ck_assert_int_eq(lseek(fd, 0, SEEK_END), 0);

	/* the failure is remembered: same answer, no second attempt */
	ck_assert_int_eq(nsbox_layer_store_import_tar(st, "t", NULL, fd, NULL), -EOPNOTSUPP);
	ck_assert_str_eq(nsbox_last_error(), msg);
	ck_assert_int_eq(nsb_ls_tar_set_libnames_for_test(NULL), -EALREADY);
	/* the rest of the store still works */
	ck_assert_int_eq(nsbox_layer_store_import_dir(st, "b", "a", src, NULL), 0);
	close(fd);
	free(msg);
	free(src);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* A library that loads but lacks libarchive's functions: the symbol is named. */
START_TEST(tar_load_missing_symbol)
{
	static const char *const notarchive[] = {"libmnl.so.0", NULL};
	char *dir;
	nsbox_layer_store *st;
	int fd, r;

	NSBT_REQUIRE_ROOT();
	ck_assert_int_eq(nsb_ls_tar_set_libnames_for_test(notarchive), 0);
	dir = nsbt_tmpdir("tarsym");
	st = store_in(dir);
	fd = memfd_create("tar", MFD_CLOEXEC);
	r = nsbox_layer_store_import_tar(st, "t", NULL, fd, NULL);
	ck_assert_msg(r == -EOPNOTSUPP, "import_tar: %d %s", r, nsbox_last_error());
	ck_assert_msg(strstr(nsbox_last_error(), "load libmnl.so.0 for tar layers: ") &&
			      strstr(nsbox_last_error(), "undefined symbol: archive_") &&
			      strstr(nsbox_last_error(), "libarchive 3.3.3 or later"),
		      "message: %s", nsbox_last_error());
	{
		char **ids = NULL;
		ck_assert_int_eq(nsbox_layer_store_list(st, &ids), 0);
		nsbox_free(ids);
	}
	close(fd);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* The next name is tried when the first cannot be loaded. */
START_TEST(tar_load_fallback_name)
{
	static const char *const names[] = {"libnsbox-test-no-such-archive.so.13",
					    "libarchive.so.13", NULL};
	static const struct tent t[] = {{"d", AE_IFDIR, NULL, NULL, NULL, 0755},
					{"d/f", AE_IFREG, "data", NULL, NULL, 0},
					{NULL, 0, NULL, NULL, NULL, 0}};
	char *dir, *diff;
	nsbox_layer_store *st;
	int fd;

	NSBT_REQUIRE_ROOT();
	ck_assert_int_eq(nsb_ls_tar_set_libnames_for_test(names), 0);
	dir = nsbt_tmpdir("tarfallback");
	st = store_in(dir);
	fd = make_tar(t, 0);
	ck_assert_msg(nsbox_layer_store_import_tar(st, "t", NULL, fd, NULL) == 0, "%s",
		      nsbox_last_error());
	close(fd);
	diff = pjoin(nsbox_layer_store_path(st), "t/diff/d");
	ck_assert_str_eq(get(diff, "f"), "data");
	ck_assert_int_eq(nsb_ls_tar_set_libnames_for_test(NULL), -EALREADY);
	free(diff);
	nsbox_layer_store_free(st);
	nsbt_rm_tmpdir(dir);
}
END_TEST

static Suite *layerset_suite(void)
{
	Suite *s = suite_create("layerset");
	TCase *tc;

	tc = tcase_create("ids");
	tcase_add_test(tc, bad_ids_and_parents);
	suite_add_tcase(s, tc);

	tc = tcase_create("store");
	tcase_add_test(tc, store_layout);
	tcase_add_test(tc, import_dir_preserves);
	tcase_add_test(tc, remove_rules);
	tcase_add_test(tc, store_on_ramfs_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("union");
	tcase_add_test(tc, union_lowerdir_plus);
	tcase_add_test(tc, union_mount2);
	tcase_add_test(tc, union_auto);
	tcase_add_test(tc, bad_targets);
	tcase_add_test(tc, inspect_strings);
	tcase_add_test(tc, detached_mount_for_containers);
	suite_add_tcase(s, tc);

	tc = tcase_create("tar");
	tcase_add_test(tc, tar_whiteouts_match_by_hand);
	tcase_add_test(tc, export_import_roundtrip);
	tcase_add_test(tc, export_import_roundtrip_zstd);
	tcase_add_test(tc, deep_tree_roundtrip);
	tcase_add_test(tc, export_whiteout_names);
	tcase_add_test(tc, tar_hostile);
	tcase_add_test(tc, tar_load_failure);
	tcase_add_test(tc, tar_load_missing_symbol);
	tcase_add_test(tc, tar_load_fallback_name);
	suite_add_tcase(s, tc);

	tc = tcase_create("many-layers");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, five_hundred_layers);
	tcase_add_test(tc, store_chain_limits);
	suite_add_tcase(s, tc);

	tc = tcase_create("container");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, container_layers_and_commit);
	suite_add_tcase(s, tc);

	tc = tcase_create("crash-and-concurrency");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, open_repairs);
	tcase_add_test(tc, killed_import);
	tcase_add_test(tc, two_writers);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nsbt_main(layerset_suite(), "layerset");
}
