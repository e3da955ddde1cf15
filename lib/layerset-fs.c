/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Filesystem helpers of the layerset module: copying a tree with every
 * file type and attribute (directory import, commit), extended attributes
 * relative to a directory fd, and opening directories beneath a layer's
 * root without ever crossing a symlink (tar extraction).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "layerset-internal.h"
#include "macro.h"
#include "system.h"
#include "util.h"

/* Paths through /proc/self/fd/N/name: the l*xattr calls never follow the
 * last component, and N pins the directory. */
static int fdpath(char *buf, size_t len, int dfd, const char *name)
{
	int n = snprintf(buf, len, "/proc/self/fd/%d/%s", dfd, name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int nsb_ls_setxattr_at(int dfd, const char *name, const char *key, const void *val, size_t len)
{
	char p[PATH_MAX + 32];
	int r = fdpath(p, sizeof(p), dfd, name);

	if (r < 0)
		return r;
	return lsetxattr(p, key, val, len, 0) < 0 ? NSB_NEG_ERRNO() : 0;
}

ssize_t nsb_ls_getxattr_at(int dfd, const char *name, const char *key, void *val, size_t len)
{
	char p[PATH_MAX + 32];
	ssize_t n;
	int r = fdpath(p, sizeof(p), dfd, name);

	if (r < 0)
		return r;
	n = lgetxattr(p, key, val, len);
	return n < 0 ? NSB_NEG_ERRNO() : n;
}

ssize_t nsb_ls_listxattr_at(int dfd, const char *name, char *buf, size_t len)
{
	char p[PATH_MAX + 32];
	ssize_t n;
	int r = fdpath(p, sizeof(p), dfd, name);

	if (r < 0)
		return r;
	n = llistxattr(p, buf, len);
	return n < 0 ? NSB_NEG_ERRNO() : n;
}

static bool keep_xattr(const char *key, bool keep_opaque)
{
	if (strncmp(key, "trusted.overlay.", 16) != 0)
		return true;
	return keep_opaque && strcmp(key, NSB_OVL_OPAQUE_XATTR) == 0;
}

int nsb_ls_xattr_foreach(int dfd, const char *name, nsb_ls_xattr_fn fn, void *ud)
{
	nsb_autofree char *list = NULL;
	nsb_autofree char *val = NULL;
	size_t cap = 0;
	ssize_t n;

	n = nsb_ls_listxattr_at(dfd, name, NULL, 0);
	if (n == -EOPNOTSUPP || n == 0)
		return 0;
	if (n < 0)
		return (int)n;
	list = malloc((size_t)n + 1);
	if (!list)
		return -ENOMEM;
	n = nsb_ls_listxattr_at(dfd, name, list, (size_t)n);
	if (n < 0)
		return (int)n;
	for (char *k = list; k < list + n; k += strlen(k) + 1) {
		ssize_t vl = nsb_ls_getxattr_at(dfd, name, k, NULL, 0);
		int r;

		if (vl == -ENODATA)
			continue;
		if (vl < 0)
			return (int)vl;
		if ((size_t)vl + 1 > cap) {
			char *nv = realloc(val, (size_t)vl + 1);
			if (!nv)
				return -ENOMEM;
			val = nv;
			cap = (size_t)vl + 1;
		}
		vl = nsb_ls_getxattr_at(dfd, name, k, val, (size_t)vl);
		if (vl == -ENODATA)
			continue;
		if (vl < 0)
			return (int)vl;
		r = fn(k, val, (size_t)vl, ud);
		if (r < 0)
			return r;
	}
	return 0;
}

struct copy_xattr {
	int ddfd;
	const char *dname;
	bool keep_opaque;
};

static int copy_one_xattr(const char *key, const void *val, size_t len, void *ud)
{
	struct copy_xattr *c = ud;

	if (!keep_xattr(key, c->keep_opaque))
		return 0;
	return nsb_ls_setxattr_at(c->ddfd, c->dname, key, val, len);
}

int nsb_ls_copy_xattrs(int sdfd, const char *sname, int ddfd, const char *dname, bool keep_opaque)
{
	struct copy_xattr c = {.ddfd = ddfd, .dname = dname, .keep_opaque = keep_opaque};

	return nsb_ls_xattr_foreach(sdfd, sname, copy_one_xattr, &c);
}

int nsb_ls_open_dir_beneath(int root_dfd, const char *rel, bool create, int *out_fd)
{
	nsb_autofree char *copy = strdup(rel);
	nsb_autoclose int cur = -EBADF;
	char *save = NULL;

	if (!copy)
		return -ENOMEM;
	cur = openat(root_dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0)
		return NSB_NEG_ERRNO();
	for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		int fd;

		if (strcmp(c, ".") == 0)
			continue;
		if (strcmp(c, "..") == 0)
			return -EPERM;
		fd = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT && create) {
			if (mkdirat(cur, c, 0755) < 0 && errno != EEXIST)
				return NSB_NEG_ERRNO();
			fd = openat(cur, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (fd < 0) {
			int e = errno;
			struct stat st;

			/* A symlink in the way: never followed, whatever it points at. */
			if ((e == ELOOP || e == ENOTDIR) &&
			    fstatat(cur, c, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				return -EPERM;
			return nsb_negerrno(e);
		}
		NSB_CLOSE(cur);
		cur = fd;
	}
	*out_fd = NSB_STEAL_FD(cur);
	return 0;
}

/* ---- tree copy ---- */

struct hardlink {
	dev_t dev;
	ino_t ino;
	char *rel;
};

struct copy_ctx {
	int dst_root;
	const char *const *skip;
	struct hardlink *links;
	size_t n_links;
	/* Shared by every level of the recursion (as deep as the tree): the
	 * data buffer and the symlink target never live on its stack. */
	char *buf;  /* COPY_BUF_SIZE bytes */
	char *link; /* PATH_MAX + 1 bytes */
};

#define COPY_BUF_SIZE 65536

static bool skipped(const struct copy_ctx *c, const char *rel)
{
	for (const char *const *s = c->skip; s && *s; s++)
		if (strcmp(*s, rel) == 0)
			return true;
	return false;
}

static int copy_data(int sdfd, const char *name, int ddfd, char *buf)
{
	nsb_autoclose int in = openat(sdfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (in < 0)
		return NSB_NEG_ERRNO();
	for (;;) {
		ssize_t n = copy_file_range(in, NULL, ddfd, NULL, SIZE_MAX >> 2, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return NSB_NEG_ERRNO();
		break;
	}
	for (;;) {
		ssize_t n = read(in, buf, COPY_BUF_SIZE);
		int r;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NSB_NEG_ERRNO();
		if (n == 0)
			return 0;
		r = nsb_write_all(ddfd, buf, (size_t)n);
		if (r < 0)
			return r;
	}
}

static int apply_meta(int sdfd, const char *name, int ddfd, const struct stat *st)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};
	int r;

	if (fchownat(ddfd, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return NSB_NEG_ERRNO();
	if (!S_ISLNK(st->st_mode) && fchmodat(ddfd, name, st->st_mode & 07777, 0) < 0)
		return NSB_NEG_ERRNO();
	r = nsb_ls_copy_xattrs(sdfd, name, ddfd, name, true);
	if (r < 0)
		return r;
	if (utimensat(ddfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return NSB_NEG_ERRNO();
	return 0;
}

static int copy_dir(struct copy_ctx *c, int sfd, int dfd, const char *rel);

static int copy_entry(struct copy_ctx *c, int sfd, int dfd, const char *name, const char *rel)
{
	struct stat st;
	int r;

	if (fstatat(sfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return NSB_NEG_ERRNO();
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		for (size_t i = 0; i < c->n_links; i++)
			if (c->links[i].dev == st.st_dev && c->links[i].ino == st.st_ino)
				return linkat(c->dst_root, c->links[i].rel, dfd, name, 0) < 0
					       ? NSB_NEG_ERRNO()
					       : 0;
	}
	switch (st.st_mode & S_IFMT) {
	case S_IFDIR: {
		nsb_autoclose int s2 = -EBADF;
		nsb_autoclose int d2 = -EBADF;

		if (mkdirat(dfd, name, 0700) < 0)
			return NSB_NEG_ERRNO();
		s2 = openat(sfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d2 = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (s2 < 0 || d2 < 0)
			return NSB_NEG_ERRNO();
		r = copy_dir(c, s2, d2, rel);
		if (r < 0)
			return r;
		break;
	}
	case S_IFREG: {
		nsb_autoclose int out = openat(dfd, name,
					       O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
					       0600);
		if (out < 0)
			return NSB_NEG_ERRNO();
		r = copy_data(sfd, name, out, c->buf);
		if (r < 0)
			return r;
		break;
	}
	case S_IFLNK: {
		ssize_t n = readlinkat(sfd, name, c->link, PATH_MAX);
		if (n < 0)
			return NSB_NEG_ERRNO();
		c->link[n] = '\0';
		if (symlinkat(c->link, dfd, name) < 0)
			return NSB_NEG_ERRNO();
		break;
	}
	default:
		if (mknodat(dfd, name, (st.st_mode & S_IFMT) | 0600, st.st_rdev) < 0)
			return NSB_NEG_ERRNO();
		break;
	}
	r = apply_meta(sfd, name, dfd, &st);
	if (r < 0)
		return r;
	if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
		struct hardlink *n = realloc(c->links, (c->n_links + 1) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		c->links = n;
		n[c->n_links].dev = st.st_dev;
		n[c->n_links].ino = st.st_ino;
		n[c->n_links].rel = strdup(rel);
		if (!n[c->n_links].rel)
			return -ENOMEM;
		c->n_links++;
	}
	return 0;
}

static int copy_dir(struct copy_ctx *c, int sfd, int dfd, const char *rel)
{
	nsb_autoclosedir DIR *d = NULL;
	struct dirent *de;
	int fd = nsb_fd_dup_cloexec(sfd);

	if (fd < 0)
		return fd;
	d = fdopendir(fd);
	if (!d) {
		int r = NSB_NEG_ERRNO();
		(void)close(fd);
		return r;
	}
	rewinddir(d);
	while ((errno = 0, de = readdir(d))) {
		nsb_autofree char *crel = NULL;
		int r;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		crel = rel ? nsb_path_join(rel, de->d_name) : strdup(de->d_name);
		if (!crel)
			return -ENOMEM;
		if (skipped(c, crel))
			continue;
		r = copy_entry(c, sfd, dfd, de->d_name, crel);
		if (r < 0)
			return r;
	}
	if (errno != 0)
		return NSB_NEG_ERRNO();
	return 0;
}

int nsb_ls_copy_tree(int src_dfd, int dst_dfd, const char *const *skip)
{
	nsb_autofree char *buf = malloc(COPY_BUF_SIZE);
	nsb_autofree char *link = malloc(PATH_MAX + 1);
	struct copy_ctx c = {.dst_root = dst_dfd, .skip = skip, .buf = buf, .link = link};
	struct stat st;
	int r;

	if (!buf || !link)
		return -ENOMEM;
	r = copy_dir(&c, src_dfd, dst_dfd, NULL);
	for (size_t i = 0; i < c.n_links; i++)
		free(c.links[i].rel);
	free(c.links);
	if (r < 0)
		return r;
	/* The root's own owner, mode, xattrs (opaque!) and times. */
	if (fstat(src_dfd, &st) < 0)
		return NSB_NEG_ERRNO();
	return apply_meta(src_dfd, ".", dst_dfd, &st);
}
