/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the layerset module, shared by lib/layerset*.c and, for the
 * two functions at the end, by lib/container*.c. Never included by cgroup
 * or netlink code.
 */
#ifndef NSB_LAYERSET_INTERNAL_H
#define NSB_LAYERSET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <nsbox/layerset.h>

#define NSB_LS_SHORT_LEN 26
/* Room for any layer id or directory entry name (NAME_MAX), NUL included. */
#define NSB_LS_IDBUF 272
/* Layers being built, and removed layers being deleted, live in this
 * directory of the store until they are renamed into place or gone; so
 * finding what a crash left reads this directory, not the whole store. */
#define NSB_LS_TMPDIR ".tmp"
/* Where earlier versions put them: in the store itself, under this prefix
 * (a repair still removes those). */
#define NSB_LS_TMP_PREFIX ".tmp-"
/* Present while the l/ links are being changed (see layerset-store.c). */
#define NSB_LS_DIRTY ".changing"
#define NSB_OVL_OPAQUE_XATTR "trusted.overlay.opaque"

struct nsbox_layer_store {
	char *path; /* absolute, no trailing slash */
	int dfd;    /* O_RDONLY|O_DIRECTORY; flock()ed for the store lock */
};

struct nsbox_layerset {
	char **lowers;  /* absolute paths, index 0 = bottom (as added) */
	char **shorts;  /* store sets: "l/<short>" of each lower, same order; else NULL */
	size_t n_lowers;
	char *upper;    /* absolute or NULL */
	char *work;     /* absolute or NULL */
	char *store;    /* store sets: the store path (short-link mounts run there) */
	int store_fd;   /* store sets: O_PATH fd of the store, for fchdir in the helper */
	char *upper_rel; /* store sets: "<id>/diff" and "<id>/work", relative to store */
	char *work_rel;
	char *default_merged; /* store sets: <store>/<id>/merged */
	char *merged;   /* the target of the last mount */
	int method;
	bool mounted;
};

/* ---- layerset-store.c ---- */
bool nsb_ls_id_is_valid(const char *id);
/* flock() the store: LOCK_SH or LOCK_EX; returns 0 or -errno. */
int nsb_ls_lock(nsbox_layer_store *st, int op);
void nsb_ls_unlock(nsbox_layer_store *st);
/* Chain of @id, top first, as ids (strv, caller frees); -ENOENT/-ELOOP. Lock held by caller. */
int nsb_ls_chain(nsbox_layer_store *st, const char *id, char ***out_ids);
/* The same, from the top layer's lower file when the store allows it (see
 * layerset-store.c), with the short names in *out_shorts then (else NULL). */
int nsb_ls_chain_shorts(nsbox_layer_store *st, const char *id, char ***out_ids,
			char ***out_shorts);
/* Read <id>/link into buf (NSB_LS_SHORT_LEN+1). */
int nsb_ls_read_link(nsbox_layer_store *st, const char *id, char *buf);
bool nsb_ls_is_committed(nsbox_layer_store *st, const char *id);

/* ---- layerset-fs.c: copying trees and secure creation beneath a dir fd ---- */
/* Copy the tree under src_dfd into dst_dfd (both directories), preserving
 * everything; skip (relative paths) are left out (NULL-terminated or NULL). */
int nsb_ls_copy_tree(int src_dfd, int dst_dfd, const char *const *skip);
/* Call fn for each extended attribute of dfd/name (none on a filesystem
 * without them); stops at and returns fn's first negative return. */
typedef int (*nsb_ls_xattr_fn)(const char *key, const void *val, size_t len, void *ud);
int nsb_ls_xattr_foreach(int dfd, const char *name, nsb_ls_xattr_fn fn, void *ud);
/* Copy the xattrs of (dfd,name) [no follow] to (dfd2,name2), dropping trusted.overlay.*
 * except trusted.overlay.opaque when keep_opaque. */
int nsb_ls_copy_xattrs(int sdfd, const char *sname, int ddfd, const char *dname,
		       bool keep_opaque);
/* lsetxattr / lgetxattr / llistxattr relative to a dir fd, never following the last link. */
int nsb_ls_setxattr_at(int dfd, const char *name, const char *key, const void *val, size_t len);
ssize_t nsb_ls_getxattr_at(int dfd, const char *name, const char *key, void *val, size_t len);
ssize_t nsb_ls_listxattr_at(int dfd, const char *name, char *buf, size_t len);
/* Is (dfd,name) an overlay whiteout (char device 0/0)? */
static inline bool nsb_ls_is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && st->st_rdev == 0;
}
/* Open the directory @rel beneath @root_dfd without crossing any symlink or
 * leaving @root_dfd (one openat(O_NOFOLLOW) per component); with create,
 * make missing directories (0755, root-owned). "" is the root itself. */
int nsb_ls_open_dir_beneath(int root_dfd, const char *rel, bool create, int *out_fd);

/* ---- layerset-tar.c ---- */
/* Both load libarchive on first use (dlopen, once per process) and return
 * -EOPNOTSUPP, with the message naming the library and dlerror()'s text,
 * when it cannot be loaded. */
int nsb_ls_tar_extract(int src_fd, int diff_dfd);
int nsb_ls_tar_write(int diff_dfd, int out_fd, uint32_t flags);
/* Test hook (tests/test-layerset.c): the sonames to dlopen, in order
 * (NULL-terminated, not copied; NULL restores "libarchive.so.13",
 * "libarchive.so"). Only before the first tar use in the process:
 * -EALREADY after it. Not thread-safe. */
int nsb_ls_tar_set_libnames_for_test(const char *const *names);

/* ---- layerset-mount.c ---- */
int nsb_ls_mount_attach(nsbox_layerset *ls, int target_fd, const char *target);

/*
 * For lib/container*.c (issue 7): the layers a container needs.
 *
 * nsb_layerset_mount_detached() builds the overlay of @ls as a DETACHED
 * mount: fsopen("overlay") + fsconfig(lowerdir+ for each lower, top first;
 * upperdir; workdir) + FSCONFIG_CMD_CREATE + fsmount(FSMOUNT_CLOEXEC). The
 * mount is attached nowhere, so it never shows in any mount table; the
 * container child moves it onto its root inside its own mount namespace
 * with move_mount(fd, "", AT_FDCWD, path, MOVE_MOUNT_F_EMPTY_PATH) and it
 * disappears with that namespace (or when the fd is closed, if never
 * attached). *out_fd is O_CLOEXEC and owned by the caller. Sets the error
 * message; -E2BIG over 500 lowers, -EOPNOTSUPP when the kernel lacks
 * lowerdir+ (Linux < 6.8), -ENOENT when a layer dir is gone.
 * Call it in the parent (it allocates); the child only does move_mount().
 */
int nsb_layerset_mount_detached(const nsbox_layerset *ls, int *out_fd);
/* The same, with the upper layer mounted "volatile" when volatile_upper. */
int nsb_ls_mount_detached_opts(const nsbox_layerset *ls, bool volatile_upper, int *out_fd);

/* What a container copies out of a layerset (STYLE rule 10: no borrowing). */
struct nsb_layerset_desc {
	char **lowers;   /* absolute paths, TOP FIRST (overlay order), NULL-terminated */
	size_t n_lowers;
	char *upper;     /* NULL for a read-only set */
	char *work;      /* NULL for a read-only set */
	char *merged;    /* default or last mount point; NULL if none */
};
/* Deep copy; 0 or -ENOMEM (sets the message). Release with nsb_layerset_desc_done(). */
int nsb_layerset_describe(const nsbox_layerset *ls, struct nsb_layerset_desc *out);
void nsb_layerset_desc_done(struct nsb_layerset_desc *d);

/* lib/layerset-copy.c (issue 7): nsb_layerset_mount_detached() for a set
 * given by its description (as copied by a container); volatile_upper adds
 * overlay's "volatile" (no sync of the upper layer, not even at unmount). */
int nsb_layerset_mount_desc_detached(const struct nsb_layerset_desc *d, bool volatile_upper,
				     int *out_fd);
/*
 * Keep the top store layer of a description from being removed while a
 * container uses it: a shared flock on its directory, released by closing
 * the returned fd. Every lower layer below the top already has a child (it
 * is refused by remove_layer for that), so holding the top holds the chain.
 * -EBADF when the set is not made of store layers (nothing to hold).
 */
int nsb_ls_hold_layer(const struct nsb_layerset_desc *d);

/* Mark the store's links "in change" (under the exclusive lock) and clear it. */
int nsb_ls_mark_dirty(nsbox_layer_store *st);
void nsb_ls_mark_clean(nsbox_layer_store *st);

#endif /* NSB_LAYERSET_INTERNAL_H */
