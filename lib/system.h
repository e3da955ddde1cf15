/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OS helpers that take no nsbox handle: file reads and writes relative to a
 * directory fd, directory trees, and raw syscall wrappers for calls that
 * glibc 2.36 lacks or declares in conflicting headers. Each returns 0 (or a
 * count) on success and a negative errno on failure, and sets no message:
 * the caller knows what it was doing and says so.
 */
#ifndef NSB_SYSTEM_H
#define NSB_SYSTEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Write all of data to dirfd/path (opened O_WRONLY|O_CLOEXEC, no create). */
int nsb_write_file_at(int dirfd, const char *path, const char *data, size_t len);
int nsb_write_string_at(int dirfd, const char *path, const char *s);
/* Create (or replace, when replace is true) a file holding data, with mode. */
int nsb_create_file_at(int dirfd, const char *path, const char *data, size_t len, mode_t mode,
		       bool replace);
/* Read a whole file (NUL-terminated, at most max bytes); free *out. */
int nsb_read_file_at(int dirfd, const char *path, size_t max, char **out, size_t *out_len);
/* Read a file holding one unsigned decimal number (or "max" as UINT64_MAX). */
int nsb_read_u64_at(int dirfd, const char *path, uint64_t *out);
/* Write all bytes to an fd, retrying short writes and EINTR. */
int nsb_write_all(int fd, const void *buf, size_t len);
/* Read up to len bytes, retrying EINTR; returns bytes read. */
ssize_t nsb_read_full(int fd, void *buf, size_t len);

/* mkdir -p, with mode for each directory made; existing dirs are fine. */
int nsb_mkdir_p(const char *path, mode_t mode);
/* Remove dirfd/name and everything under it, never following symlinks and
 * never crossing into another mount. Missing is not an error. */
int nsb_rm_rf_at(int dirfd, const char *name);
/* Is the directory at path empty? 1 yes, 0 no, negative errno on error. */
int nsb_dir_is_empty_at(int dirfd, const char *path);

/* The highest capability number the kernel knows (/proc/sys/kernel/
 * cap_last_cap, read once per process; 40 when it cannot be read). */
int nsb_cap_last_cap(void);

/* dup with O_CLOEXEC, for setters that copy fds. */
int nsb_fd_dup_cloexec(int fd);

/* Raw syscall wrappers (negative errno on failure). */
int nsb_sys_pidfd_open(pid_t pid, unsigned int flags);
int nsb_sys_pidfd_send_signal(int pidfd, int sig, unsigned int flags);
int nsb_sys_fsopen(const char *fsname, unsigned int flags);
int nsb_sys_fsconfig(int fd, unsigned int cmd, const char *key, const void *value, int aux);
int nsb_sys_fsmount(int fd, unsigned int flags, unsigned int attr_flags);
int nsb_sys_move_mount(int from_dfd, const char *from_path, int to_dfd, const char *to_path,
		       unsigned int flags);
int nsb_sys_open_tree(int dfd, const char *path, unsigned int flags);

#endif /* NSB_SYSTEM_H */
