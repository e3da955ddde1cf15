/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OCI layer tarballs through libarchive.
 *
 * Reading: libarchive parses the stream (any tar dialect; gzip, zstd,
 * bzip2, xz detected), and this file creates each entry itself, beneath
 * the layer's diff directory fd: every path is checked (no absolute path,
 * no ".."), every parent directory is opened component by component with
 * O_NOFOLLOW, so no entry can be written through a symlink or land outside
 * the layer; hard links must name a path inside the layer the same way.
 * .wh.NAME becomes a whiteout (char device 0/0), .wh..wh..opq an opaque
 * directory; trusted.overlay.* attributes in the stream are dropped (they
 * could redirect overlay lookups).
 *
 * Writing: a pax tar of the diff in sorted order, the reverse conversion.
 *
 * libarchive is not linked: it pulls in some fifteen shared libraries
 * (compressors, libxml2, ICU, crypto), about 2 ms of dynamic loading for
 * every program that links libnsbox, tar user or not. This file is compiled
 * against libarchive's headers and, at the first tar import or export,
 * dlopen()s libarchive.so.13 (else libarchive.so) with RTLD_NOW|RTLD_LOCAL
 * and looks up exactly the functions below into a static table, once per
 * process (dl.h). Calls go through the table (la.archive_*), whose
 * types come from the headers. If that fails, tar import and export fail
 * with -EOPNOTSUPP and a message naming the library and dlerror()'s text;
 * the failure is remembered for the life of the process. The library is
 * never unloaded.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dl.h"
#include "layerset-internal.h"
#include "macro.h"
#include "system.h"
#include "util.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"
#define WH_META ".wh..wh."

/* ---- loading libarchive ---- */

/* Every libarchive function this file calls, and nothing else. */
#define LA_FUNCS(X)                                     \
	X(archive_entry_atime)                          \
	X(archive_entry_atime_is_set)                   \
	X(archive_entry_atime_nsec)                     \
	X(archive_entry_copy_stat)                      \
	X(archive_entry_copy_symlink)                   \
	X(archive_entry_filetype)                       \
	X(archive_entry_free)                           \
	X(archive_entry_gid)                            \
	X(archive_entry_hardlink)                       \
	X(archive_entry_linkify)                        \
	X(archive_entry_linkresolver_free)              \
	X(archive_entry_linkresolver_new)               \
	X(archive_entry_linkresolver_set_strategy)      \
	X(archive_entry_mtime)                          \
	X(archive_entry_mtime_nsec)                     \
	X(archive_entry_new)                            \
	X(archive_entry_pathname)                       \
	X(archive_entry_perm)                           \
	X(archive_entry_rdev)                           \
	X(archive_entry_set_filetype)                   \
	X(archive_entry_set_mtime)                      \
	X(archive_entry_set_pathname)                   \
	X(archive_entry_set_perm)                       \
	X(archive_entry_set_size)                       \
	X(archive_entry_size)                           \
	X(archive_entry_size_is_set)                    \
	X(archive_entry_symlink)                        \
	X(archive_entry_uid)                            \
	X(archive_entry_xattr_add_entry)                \
	X(archive_entry_xattr_next)                     \
	X(archive_entry_xattr_reset)                    \
	X(archive_errno)                                \
	X(archive_error_string)                         \
	X(archive_format)                               \
	X(archive_read_data_block)                      \
	X(archive_read_free)                            \
	X(archive_read_new)                             \
	X(archive_read_next_header)                     \
	X(archive_read_open_fd)                         \
	X(archive_read_support_filter_all)              \
	X(archive_read_support_format_tar)              \
	X(archive_write_add_filter_gzip)                \
	X(archive_write_add_filter_zstd)                \
	X(archive_write_close)                          \
	X(archive_write_data)                           \
	X(archive_write_free)                           \
	X(archive_write_header)                         \
	X(archive_write_new)                            \
	X(archive_write_open_fd)                        \
	X(archive_write_set_bytes_in_last_block)        \
	X(archive_write_set_format_pax)

static struct {
#define X(f) __typeof__(f) *f;
	LA_FUNCS(X)
#undef X
} la;

static const char *const la_default_names[] = {"libarchive.so.13", "libarchive.so", NULL};
static const char *const la_syms[] = {
#define X(f) #f,
	LA_FUNCS(X)
#undef X
};
static void *la_addr[NSB_ARRAY_SIZE(la_syms)];
static struct nsb_dl la_dl = {
	.default_names = la_default_names,
	.what = "tar layers",
	.fallback_name = "libarchive",
	.install_hint = "install libarchive13",
	.version_hint = "libarchive 3.3.3 or later is needed",
	.syms = la_syms,
	.nsyms = NSB_ARRAY_SIZE(la_syms),
	.addr = la_addr,
	.once = PTHREAD_ONCE_INIT,
};

static void la_load_once(void)
{
	size_t i = 0;

	if (nsb_dl_load_now(&la_dl) < 0)
		return;
#define X(f) la.f = (__typeof__(la.f))la_addr[i++];
	LA_FUNCS(X)
#undef X
}

/* Load libarchive on first use; 0, or -EOPNOTSUPP with the message set. */
static int la_load(void)
{
	return nsb_dl_load(&la_dl, la_load_once);
}

int nsb_ls_tar_set_libnames_for_test(const char *const *names)
{
	return nsb_dl_set_names(&la_dl, names);
}

static void archive_read_freep(struct archive **a)
{
	if (*a)
		(void)la.archive_read_free(*a);
	*a = NULL;
}

static void archive_write_freep(struct archive **a)
{
	if (*a)
		(void)la.archive_write_free(*a);
	*a = NULL;
}

static int archive_err(struct archive *a, const char *what)
{
	int e = la.archive_errno(a);
	int r = (e == ENOMEM || e == ENOSPC || e == EDQUOT || e == EIO) ? -e : -EBADMSG;
	const char *s = la.archive_error_string(a);

	return nsb_set_error_msg(r, "%s: %s", what, s ? s : "corrupt or truncated stream");
}

/*
 * Normalise a path from the stream into "a/b/c" (no "." or empty
 * components). Refuses absolute paths and "..". "" means the root.
 */
static int clean_path(const char *in, char **out)
{
	nsb_autofree char *copy = strdup(in);
	nsb_autofree char *res = NULL;
	size_t len = 0;
	char *save = NULL;

	if (!copy)
		return nsb_oom();
	if (in[0] == '/')
		return nsb_set_error_msg(-EPERM, "tar entry \"%.200s\": absolute path", in);
	res = calloc(1, strlen(in) + 1);
	if (!res)
		return nsb_oom();
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0)
			return nsb_set_error_msg(-EPERM,
						 "tar entry \"%.200s\": \"..\" would leave the layer",
						 in);
		if (len)
			res[len++] = '/';
		memcpy(res + len, c, strlen(c));
		len += strlen(c);
	}
	res[len] = '\0';
	if (len > PATH_MAX - 1)
		return nsb_set_error_msg(-ENAMETOOLONG, "tar entry \"%.200s...\": path too long",
					 in);
	*out = NSB_STEAL_PTR(res);
	return 0;
}

/* Split "a/b/c" into parent "a/b" (in place) and base "c". */
static const char *split_base(char *rel)
{
	char *s = strrchr(rel, '/');

	if (!s) {
		memmove(rel + 1, rel, strlen(rel) + 1);
		rel[0] = '\0';
		return rel + 1;
	}
	*s = '\0';
	return s + 1;
}

static int open_parent(int root, const char *parent, const char *entry, int *out)
{
	int r = nsb_ls_open_dir_beneath(root, parent, true, out);

	if (r == -EPERM)
		return nsb_set_error_msg(-EPERM,
					 "tar entry \"%.200s\": a symlink in its path would take "
					 "the write outside the layer",
					 entry);
	if (r < 0)
		return nsb_set_error(r, "tar entry \"%.200s\": open its directory", entry);
	return 0;
}

struct dirtime {
	char *rel;
	struct timespec ts[2];
};

static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = la.archive_entry_mtime(e);
	ts[1].tv_nsec = la.archive_entry_mtime_nsec(e);
	if (la.archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = la.archive_entry_atime(e);
		ts[0].tv_nsec = la.archive_entry_atime_nsec(e);
	} else {
		ts[0] = ts[1];
	}
}

static int apply_meta(int pfd, const char *base, struct archive_entry *e, const char *entry)
{
	const char *name;
	const void *val;
	size_t size;
	mode_t type = la.archive_entry_filetype(e);

	if (fchownat(pfd, base, la.archive_entry_uid(e), la.archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) <
	    0)
		return nsb_set_error(NSB_NEG_ERRNO(), "tar entry \"%.200s\": chown", entry);
	if (type != AE_IFLNK && fchmodat(pfd, base, la.archive_entry_perm(e) & 07777, 0) < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "tar entry \"%.200s\": chmod", entry);
	la.archive_entry_xattr_reset(e);
	while (la.archive_entry_xattr_next(e, &name, &val, &size) == ARCHIVE_OK) {
		int r;
		if (strncmp(name, "trusted.overlay.", 16) == 0)
			continue;
		r = nsb_ls_setxattr_at(pfd, base, name, val, size);
		if (r < 0)
			return nsb_set_error(r, "tar entry \"%.200s\": set xattr %s", entry, name);
	}
	if (type != AE_IFDIR) {
		struct timespec ts[2];
		entry_times(e, ts);
		if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "tar entry \"%.200s\": set times",
					     entry);
	}
	return 0;
}

static int write_data(struct archive *a, int fd, const char *entry)
{
	const void *buf;
	size_t size;
	int64_t off;

	for (;;) {
		int r = la.archive_read_data_block(a, &buf, &size, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
			return archive_err(a, "read tar data");
		for (size_t done = 0; done < size;) {
			ssize_t n = pwrite(fd, (const char *)buf + done, size - done,
					   (off_t)(off + (int64_t)done));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return nsb_set_error(NSB_NEG_ERRNO(), "tar entry \"%.200s\": write",
						     entry);
			done += (size_t)n;
		}
	}
}

static int extract_entry(struct archive *a, struct archive_entry *e, int root,
			 struct dirtime **dts, size_t *n_dts)
{
	const char *entry = la.archive_entry_pathname(e);
	nsb_autofree char *rel = NULL;
	nsb_autoclose int pfd = -EBADF;
	const char *base;
	mode_t type = la.archive_entry_filetype(e);
	const char *hl = la.archive_entry_hardlink(e);
	struct stat st;
	int r;

	if (!entry)
		return nsb_set_error_msg(-EBADMSG, "tar entry without a path name");
	r = clean_path(entry, &rel);
	if (r < 0)
		return r;
	if (rel[0] == '\0') {
		/* The layer's root itself ("./"). */
		if (type != AE_IFDIR || hl)
			return nsb_set_error_msg(-EPERM, "tar entry \"%.200s\": not a directory",
						 entry);
		r = apply_meta(root, ".", e, entry);
		if (r < 0)
			return r;
		goto record_dir;
	}
	/* rel needs a byte of room for split_base() */
	{
		char *grown = realloc(rel, strlen(rel) + 2);
		if (!grown)
			return nsb_oom();
		rel = grown;
	}
	base = split_base(rel);
	r = open_parent(root, rel, entry, &pfd);
	if (r < 0)
		return r;

	if (strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) == 0) {
		const char *name = base + strlen(WH_PREFIX);

		if (strcmp(base, WH_OPAQUE) == 0) {
			r = nsb_ls_setxattr_at(pfd, ".", NSB_OVL_OPAQUE_XATTR, "y", 1);
			if (r < 0)
				return nsb_set_error(r, "tar entry \"%.200s\": make %s opaque",
						     entry, rel[0] ? rel : "/");
			return 0;
		}
		if (strncmp(base, WH_META, strlen(WH_META)) == 0)
			return 0; /* other aufs metadata: nothing for overlay */
		if (!name[0] || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			return nsb_set_error_msg(-EPERM, "tar entry \"%.200s\": bad whiteout",
						 entry);
		r = nsb_rm_rf_at(pfd, name);
		if (r < 0)
			return nsb_set_error(r, "tar entry \"%.200s\": replace %s", entry, name);
		if (mknodat(pfd, name, S_IFCHR | 0, 0) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(),
					     "tar entry \"%.200s\": create whiteout %s", entry,
					     name);
		{
			struct timespec ts[2];
			entry_times(e, ts);
			(void)utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
		}
		return 0;
	}

	/* A later entry replaces an earlier one (but a directory stays a directory). */
	if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    !(S_ISDIR(st.st_mode) && type == AE_IFDIR && !hl)) {
		r = nsb_rm_rf_at(pfd, base);
		if (r < 0)
			return nsb_set_error(r, "tar entry \"%.200s\": replace it", entry);
	}

	if (hl) {
		nsb_autofree char *trel = NULL;
		nsb_autoclose int tpfd = -EBADF;
		const char *tbase;

		r = clean_path(hl, &trel);
		if (r < 0)
			return nsb_prefix_error(r, "tar hard link \"%.200s\"", entry);
		if (!trel[0])
			return nsb_set_error_msg(-EPERM, "tar hard link \"%.200s\": to the root",
						 entry);
		{
			char *grown = realloc(trel, strlen(trel) + 2);
			if (!grown)
				return nsb_oom();
			trel = grown;
		}
		tbase = split_base(trel);
		r = nsb_ls_open_dir_beneath(root, trel, false, &tpfd);
		if (r == -EPERM)
			return nsb_set_error_msg(-EPERM,
						 "tar hard link \"%.200s\" -> \"%.200s\": through a "
						 "symlink, outside the layer",
						 entry, hl);
		if (r < 0)
			return nsb_set_error(r, "tar hard link \"%.200s\" -> \"%.200s\"", entry,
					     hl);
		if (linkat(tpfd, tbase, pfd, base, 0) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(),
					     "tar hard link \"%.200s\" -> \"%.200s\"", entry, hl);
		return 0;
	}

	switch (type) {
	case AE_IFREG: {
		nsb_autoclose int fd = openat(pfd, base,
					      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					      0600);
		if (fd < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "tar entry \"%.200s\": create",
					     entry);
		r = write_data(a, fd, entry);
		if (r < 0)
			return r;
		if (la.archive_entry_size_is_set(e) &&
		    ftruncate(fd, (off_t)la.archive_entry_size(e)) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "tar entry \"%.200s\": truncate",
					     entry);
		break;
	}
	case AE_IFDIR:
		if (mkdirat(pfd, base, 0700) < 0 && errno != EEXIST)
			return nsb_set_error(NSB_NEG_ERRNO(), "tar entry \"%.200s\": mkdir",
					     entry);
		break;
	case AE_IFLNK: {
		const char *target = la.archive_entry_symlink(e);
		if (!target || !target[0])
			return nsb_set_error_msg(-EBADMSG, "tar entry \"%.200s\": empty symlink",
						 entry);
		if (symlinkat(target, pfd, base) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "tar entry \"%.200s\": symlink",
					     entry);
		break;
	}
	case AE_IFCHR:
	case AE_IFBLK:
	case AE_IFIFO:
	case AE_IFSOCK:
		if (mknodat(pfd, base, type | 0600, la.archive_entry_rdev(e)) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "tar entry \"%.200s\": mknod",
					     entry);
		break;
	default:
		return nsb_set_error_msg(-EBADMSG, "tar entry \"%.200s\": unknown file type 0%o",
					 entry, (unsigned)type);
	}
	r = apply_meta(pfd, base, e, entry);
	if (r < 0)
		return r;
	if (type != AE_IFDIR)
		return 0;
	/* Restore the parent path in rel for the directory-times pass. */
	if (rel[0])
		rel[strlen(rel)] = '/';
	else
		memmove(rel, rel + 1, strlen(rel + 1) + 1);

record_dir : {
	struct dirtime *n = realloc(*dts, (*n_dts + 1) * sizeof(*n));
	if (!n)
		return nsb_oom();
	*dts = n;
	n[*n_dts].rel = NSB_STEAL_PTR(rel);
	entry_times(e, n[*n_dts].ts);
	(*n_dts)++;
}
	return 0;
}

int nsb_ls_tar_extract(int src_fd, int diff_dfd)
{
	__attribute__((cleanup(archive_read_freep))) struct archive *a = NULL;
	struct dirtime *dts = NULL;
	size_t n_dts = 0;
	int r = la_load();

	if (r < 0)
		return r;
	a = la.archive_read_new();
	if (!a)
		return nsb_oom();
	la.archive_read_support_filter_all(a);
	la.archive_read_support_format_tar(a);
	if (la.archive_read_open_fd(a, src_fd, 65536) != ARCHIVE_OK)
		return archive_err(a, "open tar stream");
	for (;;) {
		struct archive_entry *e;
		int ar = la.archive_read_next_header(a, &e);

		if (ar == ARCHIVE_EOF)
			break;
		if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN) {
			r = archive_err(a, "read tar stream");
			break;
		}
		r = extract_entry(a, e, diff_dfd, &dts, &n_dts);
		if (r < 0)
			break;
	}
	/* Directory times last, deepest (latest) first. */
	for (size_t i = n_dts; i-- > 0;) {
		if (r >= 0) {
			nsb_autoclose int fd = -EBADF;
			if (nsb_ls_open_dir_beneath(diff_dfd, dts[i].rel, false, &fd) == 0)
				(void)futimens(fd, dts[i].ts);
		}
		free(dts[i].rel);
	}
	free(dts);
	return r;
}

/* ---- writing ---- */

struct tarw {
	struct archive *a;
	struct archive_entry_linkresolver *lr;
	/* One buffer for file data and one for symlink targets, shared by
	 * every level of write_tree(): its recursion is as deep as the layer's
	 * tree, so nothing large may live on its stack. */
	char *buf;
	char *link;
};

#define TARW_BUF_SIZE 65536

static int cmp_dirent(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int no_dots(const struct dirent *d)
{
	return strcmp(d->d_name, ".") != 0 && strcmp(d->d_name, "..") != 0;
}

struct tar_xattr {
	struct archive_entry *e;
	bool opaque;
};

static int tar_one_xattr(const char *key, const void *val, size_t len, void *ud)
{
	struct tar_xattr *t = ud;

	/* The opaque marker becomes a .wh..wh..opq entry; other overlay
	 * xattrs are the overlay's business, not the layer's. */
	if (strcmp(key, NSB_OVL_OPAQUE_XATTR) == 0)
		t->opaque = len == 1 && ((const char *)val)[0] == 'y';
	else if (strncmp(key, "trusted.overlay.", 16) != 0 && t->e)
		la.archive_entry_xattr_add_entry(t->e, key, val, len);
	return 0;
}

/* The xattrs of dfd/name into e (NULL: only learn *opaque). */
static int add_xattrs(struct archive_entry *e, int dfd, const char *name, bool *opaque)
{
	struct tar_xattr t = {.e = e};
	int r = nsb_ls_xattr_foreach(dfd, name, tar_one_xattr, &t);

	*opaque = t.opaque;
	return r;
}

static int write_header(struct tarw *w, struct archive_entry *e, const char *rel)
{
	int ar = la.archive_write_header(w->a, e);

	if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN)
		return nsb_set_error_msg(-EIO, "write tar header of %s: %s", rel,
					 la.archive_error_string(w->a));
	return 0;
}

static int write_empty(struct tarw *w, const char *path, const struct stat *st)
{
	struct archive_entry *e = la.archive_entry_new();
	int r;

	if (!e)
		return nsb_oom();
	la.archive_entry_set_pathname(e, path);
	la.archive_entry_set_filetype(e, AE_IFREG);
	la.archive_entry_set_perm(e, 0644);
	la.archive_entry_set_size(e, 0);
	la.archive_entry_set_mtime(e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
	r = write_header(w, e, path);
	la.archive_entry_free(e);
	return r;
}

static int write_tree(struct tarw *w, int dfd, const char *prefix)
{
	struct dirent **names = NULL;
	int n = scandirat(dfd, ".", &names, no_dots, cmp_dirent);
	int r = 0;

	if (n < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "read directory %s", prefix[0] ? prefix : "/");
	for (int i = 0; i < n && r >= 0; i++) {
		const char *name = names[i]->d_name;
		nsb_autofree char *rel = prefix[0] ? nsb_path_join(prefix, name) : strdup(name);
		struct archive_entry *e = NULL;
		struct stat st;
		bool opaque = false;

		if (!rel) {
			r = nsb_oom();
			break;
		}
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			r = nsb_set_error(NSB_NEG_ERRNO(), "stat %s", rel);
			break;
		}
		if (nsb_ls_is_whiteout(&st)) {
			nsb_autofree char *wh = prefix[0]
							? nsb_strdup_printf("%s/" WH_PREFIX "%s", prefix, name)
							: nsb_strdup_printf(WH_PREFIX "%s", name);
			r = wh ? write_empty(w, wh, &st) : nsb_oom();
			continue;
		}
		e = la.archive_entry_new();
		if (!e) {
			r = nsb_oom();
			break;
		}
		la.archive_entry_copy_stat(e, &st);
		la.archive_entry_set_pathname(e, rel);
		if (S_ISLNK(st.st_mode)) {
			ssize_t tl = readlinkat(dfd, name, w->link, PATH_MAX);
			if (tl < 0) {
				r = nsb_set_error(NSB_NEG_ERRNO(), "readlink %s", rel);
				la.archive_entry_free(e);
				break;
			}
			w->link[tl] = '\0';
			la.archive_entry_copy_symlink(e, w->link);
		}
		r = add_xattrs(e, dfd, name, &opaque);
		if (r < 0) {
			r = nsb_set_error(r, "read extended attributes of %s", rel);
			la.archive_entry_free(e);
			break;
		}
		if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
			struct archive_entry *sparse = NULL;
			la.archive_entry_linkify(w->lr, &e, &sparse);
		}
		if (!e)
			continue;
		r = write_header(w, e, rel);
		if (r >= 0 && S_ISREG(st.st_mode) && la.archive_entry_size(e) > 0) {
			nsb_autoclose int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			ssize_t got;

			if (fd < 0)
				r = nsb_set_error(NSB_NEG_ERRNO(), "open %s", rel);
			while (r >= 0 && (got = read(fd, w->buf, TARW_BUF_SIZE)) != 0) {
				if (got < 0 && errno == EINTR)
					continue;
				if (got < 0) {
					r = nsb_set_error(NSB_NEG_ERRNO(), "read %s", rel);
					break;
				}
				if (la.archive_write_data(w->a, w->buf, (size_t)got) != got)
					r = nsb_set_error_msg(-EIO, "write tar data of %s: %s", rel,
							      la.archive_error_string(w->a));
			}
		}
		la.archive_entry_free(e);
		if (r < 0)
			break;
		if (S_ISDIR(st.st_mode)) {
			nsb_autoclose int sub = -EBADF;
			if (opaque) {
				nsb_autofree char *op = nsb_strdup_printf("%s/" WH_OPAQUE, rel);
				r = op ? write_empty(w, op, &st) : nsb_oom();
				if (r < 0)
					break;
			}
			sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0) {
				r = nsb_set_error(NSB_NEG_ERRNO(), "open %s", rel);
				break;
			}
			r = write_tree(w, sub, rel);
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}

int nsb_ls_tar_write(int diff_dfd, int out_fd, uint32_t flags)
{
	__attribute__((cleanup(archive_write_freep))) struct archive *a = NULL;
	nsb_autofree char *buf = NULL;
	nsb_autofree char *link = NULL;
	struct tarw w = {0};
	struct stat st;
	bool opaque = false;
	int r = la_load();

	if (r < 0)
		return r;
	buf = malloc(TARW_BUF_SIZE);
	link = malloc(PATH_MAX + 1);
	if (!buf || !link)
		return nsb_oom();
	w.buf = buf;
	w.link = link;
	a = la.archive_write_new();
	if (!a)
		return nsb_oom();
	w.a = a;
	if (la.archive_write_set_format_pax(a) != ARCHIVE_OK ||
	    ((flags & NSBOX_LAYER_TAR_GZIP) && la.archive_write_add_filter_gzip(a) != ARCHIVE_OK) ||
	    ((flags & NSBOX_LAYER_TAR_ZSTD) && la.archive_write_add_filter_zstd(a) != ARCHIVE_OK))
		return nsb_set_error_msg(-EOPNOTSUPP, "set up tar writer: %s",
					 la.archive_error_string(a));
	(void)la.archive_write_set_bytes_in_last_block(a, 1);
	if (la.archive_write_open_fd(a, out_fd) != ARCHIVE_OK)
		return nsb_set_error_msg(-EIO, "open tar output: %s", la.archive_error_string(a));
	w.lr = la.archive_entry_linkresolver_new();
	if (!w.lr)
		return nsb_oom();
	la.archive_entry_linkresolver_set_strategy(w.lr, la.archive_format(a));
	/* An opaque root. */
	(void)add_xattrs(NULL, diff_dfd, ".", &opaque);
	r = 0;
	if (opaque && fstat(diff_dfd, &st) == 0)
		r = write_empty(&w, WH_OPAQUE, &st);
	if (r >= 0)
		r = write_tree(&w, diff_dfd, "");
	la.archive_entry_linkresolver_free(w.lr);
	if (r < 0)
		return r;
	if (la.archive_write_close(a) != ARCHIVE_OK)
		return nsb_set_error_msg(-EIO, "finish tar output: %s", la.archive_error_string(a));
	return 0;
}
