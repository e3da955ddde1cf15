/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "macro.h"
#include "system.h"
#include "util.h"

int nsb_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return NSB_NEG_ERRNO();
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t nsb_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return NSB_NEG_ERRNO();
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

int nsb_write_file_at(int dirfd, const char *path, const char *data, size_t len)
{
	nsb_autoclose int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return NSB_NEG_ERRNO();
	/* Pseudo-files (cgroupfs, procfs) take one write; report its error. */
	return nsb_write_all(fd, data, len);
}

int nsb_write_string_at(int dirfd, const char *path, const char *s)
{
	return nsb_write_file_at(dirfd, path, s, strlen(s));
}

int nsb_create_file_at(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
		       bool replace)
{
	int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;
	nsb_autoclose int fd = -EBADF;
	int r;

	flags |= replace ? O_TRUNC : O_EXCL;
	fd = openat(dirfd, path, flags, mode);
	if (fd < 0)
		return NSB_NEG_ERRNO();
	r = nsb_write_all(fd, data, len);
	if (r < 0)
		return r;
	if (fchmod(fd, mode) < 0)
		return NSB_NEG_ERRNO();
	return 0;
}

int nsb_read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *out_len)
{
	nsb_autoclose int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	nsb_autofree char *buf = NULL;
	size_t cap = 4096, len = 0;

	if (fd < 0)
		return NSB_NEG_ERRNO();
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *nb;
			if (cap > max)
				return -EFBIG;
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb)
				return -ENOMEM;
			buf = nb;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return NSB_NEG_ERRNO();
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max)
			return -EFBIG;
	}
	buf[len] = '\0';
	if (out_len)
		*out_len = len;
	*out = NSB_STEAL_PTR(buf);
	return 0;
}

int nsb_read_u64_at(int dirfd, const char *path, uint64_t *out)
{
	nsb_autofree char *s = NULL;
	int r;

	r = nsb_read_file_at(dirfd, path, 4096, &s, NULL);
	if (r < 0)
		return r;
	if (strcmp(s, "max\n") == 0 || strcmp(s, "max") == 0) {
		*out = UINT64_MAX;
		return 0;
	}
	return nsb_parse_u64(s, out);
}

int nsb_mkdir_p(const char *path, mode_t mode)
{
	nsb_autofree char *p = strdup(path);
	char *s;

	if (!p)
		return -ENOMEM;
	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			return NSB_NEG_ERRNO();
		*s = '/';
	}
	if (mkdir(p, mode) < 0 && errno != EEXIST)
		return NSB_NEG_ERRNO();
	return 0;
}

static int rm_rf_children(int dfd, dev_t dev)
{
	nsb_autoclosedir DIR *d = NULL;
	struct dirent *de;
	int r = 0;

	d = fdopendir(dfd);
	if (!d) {
		r = NSB_NEG_ERRNO();
		(void)close(dfd);
		return r;
	}
	while ((errno = 0, de = readdir(d))) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno != ENOENT && r == 0)
				r = NSB_NEG_ERRNO();
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			int cfd;

			if (st.st_dev != dev) {
				if (r == 0)
					r = -EXDEV;
				continue;
			}
			cfd = openat(dirfd(d), de->d_name,
				     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (cfd < 0) {
				if (r == 0)
					r = NSB_NEG_ERRNO();
				continue;
			}
			int q = rm_rf_children(cfd, dev);
			if (q < 0 && r == 0)
				r = q;
			if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT &&
			    r == 0)
				r = NSB_NEG_ERRNO();
		} else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT && r == 0) {
			r = NSB_NEG_ERRNO();
		}
	}
	if (errno != 0 && r == 0)
		r = NSB_NEG_ERRNO();
	return r;
}

int nsb_rm_rf_at(int dirfd, const char *name)
{
	struct stat st;
	int fd, r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : NSB_NEG_ERRNO();
	if (!S_ISDIR(st.st_mode))
		return unlinkat(dirfd, name, 0) < 0 && errno != ENOENT ? NSB_NEG_ERRNO() : 0;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NSB_NEG_ERRNO();
	r = rm_rf_children(fd, st.st_dev);
	if (r < 0)
		return r;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return NSB_NEG_ERRNO();
	return 0;
}

int nsb_dir_is_empty_at(int dirfd, const char *path)
{
	nsb_autoclosedir DIR *d = NULL;
	struct dirent *de;
	int fd;

	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NSB_NEG_ERRNO();
	d = fdopendir(fd);
	if (!d) {
		int r = NSB_NEG_ERRNO();
		(void)close(fd);
		return r;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			return 0;
	return 1;
}

int nsb_cap_last_cap(void)
{
	static int cached = -1;
	int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
	uint64_t u;

	if (v < 0) {
		v = nsb_read_u64_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", &u) < 0 || u > 63
			    ? 40
			    : (int)u;
		__atomic_store_n(&cached, v, __ATOMIC_RELAXED);
	}
	return v;
}

int nsb_fd_dup_cloexec(int fd)
{
	int r = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return r < 0 ? NSB_NEG_ERRNO() : r;
}

static int sysret(long r)
{
	return r < 0 ? NSB_NEG_ERRNO() : (int)r;
}

int nsb_sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return sysret(syscall(SYS_pidfd_open, pid, flags));
}

int nsb_sys_pidfd_send_signal(int pidfd, int sig, unsigned int flags)
{
	return sysret(syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, flags));
}

int nsb_sys_fsopen(const char *fsname, unsigned int flags)
{
	return sysret(syscall(SYS_fsopen, fsname, flags));
}

int nsb_sys_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux)
{
	return sysret(syscall(SYS_fsconfig, fd, cmd, key, value, aux));
}

int nsb_sys_fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
	return sysret(syscall(SYS_fsmount, fd, flags, attr_flags));
}

int nsb_sys_move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path,
		       unsigned int flags)
{
	return sysret(syscall(SYS_move_mount, from_dfd, from_path, to_dfd, to_path, flags));
}

int nsb_sys_open_tree(int dfd, const char *path, unsigned int flags)
{
	return sysret(syscall(SYS_open_tree, dfd, path, flags));
}
