/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox layerset module: a layer store in Docker's overlay2 layout and
 * overlayfs union mounts of up to 500 layers. See nsbox_layerset(3),
 * nsbox_layerset_store(3), nsbox_layerset_tar(3) and nsbox_layerset_mount(3).
 */
#ifndef NSBOX_LAYERSET_H
#define NSBOX_LAYERSET_H

#include <stdint.h>
#include <sys/types.h>

#include <nsbox/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An ordered set of overlay layers and its mount; see nsbox_layerset(3). */
typedef struct nsbox_layerset nsbox_layerset;
/* An on-disk layer store in Docker's overlay2 layout; see nsbox_layerset_store(3). */
typedef struct nsbox_layer_store nsbox_layer_store;

/* The longest layer id accepted (a generated id is 64 hex digits). */
#define NSBOX_LAYER_ID_MAX 128
/* The most lower layers the kernel stacks in one overlay (OVL_MAX_STACK). */
#define NSBOX_LAYERSET_MAX_LAYERS 500

/* Flags of nsbox_layer_store_open(). */
#define NSBOX_LAYER_STORE_CREATE (UINT32_C(1) << 0) /* make the directory if missing */

/* Flags of nsbox_layer_store_export_tar(). */
#define NSBOX_LAYER_TAR_GZIP (UINT32_C(1) << 0) /* gzip the stream */
#define NSBOX_LAYER_TAR_ZSTD (UINT32_C(1) << 1) /* zstd the stream */

/* Flags of nsbox_layerset_new_from_store(). */
#define NSBOX_LAYERSET_READ_ONLY (UINT32_C(1) << 0) /* every layer as a lower, even a writable top */

/* Mount methods for nsbox_layerset_set_mount_method() (passed as int). */
enum {
	NSBOX_LAYERSET_MOUNT_AUTO = 0,          /* lowerdir+ where the kernel has it, else short links */
	NSBOX_LAYERSET_MOUNT_LOWERDIR_PLUS = 1, /* fsopen/fsconfig "lowerdir+"/fsmount/move_mount */
	NSBOX_LAYERSET_MOUNT_SHORT_LINKS = 2    /* mount(2), layers named by their l/ links */
};

/* What nsbox_layerset_inspect() returns (passed as int). */
enum {
	NSBOX_LAYERSET_INSPECT_JSON = 0,   /* {"LowerDir":...,"MergedDir":...,"UpperDir":...,"WorkDir":...} */
	NSBOX_LAYERSET_INSPECT_LOWER = 1,  /* LowerDir: lower diff paths, top first, ':'-separated */
	NSBOX_LAYERSET_INSPECT_UPPER = 2,  /* UpperDir */
	NSBOX_LAYERSET_INSPECT_WORK = 3,   /* WorkDir */
	NSBOX_LAYERSET_INSPECT_MERGED = 4  /* MergedDir */
};

/**
 * nsbox_layer_store_open - open (and repair) a layer store
 * @out:   where to store the new handle; written only on success
 * @path:  the store directory (such as /var/lib/nsbox/overlay2)
 * @flags: 0 or NSBOX_LAYER_STORE_CREATE to make @path (and parents) if missing
 *
 * Checks that the filesystem can hold overlay upper directories (trusted
 * extended attributes), then, under the store lock, removes temporary
 * layers left by a crashed import (in the store's .tmp directory) and, when
 * a crash cut a change of the l/ links short (the store's ".changing" mark
 * is left), recreates missing or dangling l/ links from each layer's link
 * file. A healthy store costs the same to open whatever its number of
 * layers: only .tmp is listed.
 *
 * Return: 0 on success; on failure a negative errno and a message in
 * nsbox_last_error():
 *   -EINVAL      @out or @path is NULL, or an unknown flag
 *   -ENOENT      @path does not exist (and NSBOX_LAYER_STORE_CREATE was not given)
 *   -ENOTDIR     @path is not a directory
 *   -EOPNOTSUPP  the filesystem cannot hold trusted.* extended attributes
 *   -ENOMEM      out of memory
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_open(nsbox_layer_store **out, const char *path, uint32_t flags);

/**
 * nsbox_layer_store_free - close a layer store handle
 * @st: the handle, or NULL
 *
 * Since: NSBOX_0.1
 */
void nsbox_layer_store_free(nsbox_layer_store *st);

/**
 * nsbox_layer_store_path - the absolute path of the store
 * @st: the store; must not be NULL
 *
 * Return: a string owned by @st, valid until nsbox_layer_store_free();
 * NULL (with -EINVAL in nsbox_last_error()) when @st is NULL.
 *
 * Since: NSBOX_0.1
 */
const char *nsbox_layer_store_path(const nsbox_layer_store *st);

/**
 * nsbox_layer_store_create_layer - create an empty writable layer
 * @st:     the store; must not be NULL
 * @id:     the new layer's id, or NULL for a random 64-hex-digit id; at most
 *          NSBOX_LAYER_ID_MAX characters of [A-Za-z0-9_.-], starting with a
 *          letter or digit, without ".."
 * @parent: the id of the parent layer, or NULL for a base layer
 * @out_id: where to store the id (free with nsbox_free()), or NULL
 *
 * Makes <store>/<id>/{diff,work,link,lower} and <store>/l/<short>.
 * The layer is writable (no committed file): it can be the upper layer of
 * a mount (nsbox_layerset_new_from_store()).
 *
 * Return: 0 on success; on failure a negative errno and a message in
 * nsbox_last_error(), and nothing changed on disk:
 *   -EINVAL   @st is NULL or @id is not a valid layer id
 *   -EEXIST   a layer @id exists already
 *   -ENOENT   @parent does not exist
 *   -ELOOP    @parent is @id, or the parent chain loops
 *   -ENOMEM   out of memory
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_create_layer(nsbox_layer_store *st, const char *id, const char *parent,
				   char **out_id);

/**
 * nsbox_layer_store_import_dir - copy a directory tree into a new read-only layer
 * @st:     the store; must not be NULL
 * @id:     the new layer's id, or NULL for a random one (see create_layer)
 * @parent: the parent layer's id, or NULL
 * @dir:    the directory to copy; must not be NULL
 * @out_id: where to store the id (free with nsbox_free()), or NULL
 *
 * Copies regular files, directories, symlinks, hard links, device nodes
 * (whiteouts included), fifos and sockets with their modes, owners,
 * timestamps and extended attributes, and marks the layer committed. The
 * layer is built under a temporary name and renamed when complete.
 *
 * Return: 0 on success; a negative errno otherwise (nothing left behind):
 *   -EINVAL, -EEXIST, -ENOENT, -ELOOP  as nsbox_layer_store_create_layer()
 *   -ENOTDIR  @dir is not a directory
 *   -EOPNOTSUPP  an extended attribute could not be copied
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_import_dir(nsbox_layer_store *st, const char *id, const char *parent,
				 const char *dir, char **out_id);

/**
 * nsbox_layer_store_import_tar - read an OCI layer tarball into a new read-only layer
 * @st:     the store; must not be NULL
 * @id:     the new layer's id, or NULL for a random one
 * @parent: the parent layer's id, or NULL
 * @fd:     a readable fd positioned at the start of the stream (plain tar,
 *          gzip, zstd, bzip2 or xz, detected); read to the end, not closed
 * @out_id: where to store the id (free with nsbox_free()), or NULL
 *
 * .wh.NAME entries become overlay whiteouts (character device 0/0) NAME,
 * .wh..wh..opq makes its directory opaque (trusted.overlay.opaque "y").
 * trusted.overlay.* attributes in the stream are dropped. No entry may
 * land outside the layer: absolute paths, "..", hard links out of the
 * layer and writes through symlinks are refused.
 *
 * libnsbox does not link libarchive: the first tar import or export in
 * the process loads it (dlopen of libarchive.so.13, else libarchive.so).
 * If that fails, every tar import and export of the process fails.
 *
 * Return: 0 on success; a negative errno otherwise (nothing left behind):
 *   -EINVAL, -EEXIST, -ENOENT, -ELOOP  as nsbox_layer_store_create_layer()
 *   -EBADF    @fd is negative
 *   -EPERM    an entry would land outside the layer
 *   -EBADMSG  the stream is truncated, corrupt or not a tar archive
 *   -EOPNOTSUPP  libarchive could not be loaded (the message names the
 *             library and the dynamic loader's reason)
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_import_tar(nsbox_layer_store *st, const char *id, const char *parent, int fd,
				 char **out_id);

/**
 * nsbox_layer_store_export_tar - write a layer's diff as an OCI layer tarball
 * @st:    the store; must not be NULL
 * @id:    the layer; must exist
 * @fd:    a writable fd; not closed
 * @flags: 0, NSBOX_LAYER_TAR_GZIP or NSBOX_LAYER_TAR_ZSTD
 *
 * Writes a pax tar of the layer's diff in sorted order: whiteouts become
 * .wh.NAME, opaque directories get a .wh..wh..opq entry, hard links stay
 * hard links, and extended attributes other than trusted.overlay.* are kept.
 * libarchive is loaded on first use, as for nsbox_layer_store_import_tar().
 *
 * Return: 0 on success; a negative errno otherwise:
 *   -EINVAL  @st is NULL, @id invalid, or an unknown flag
 *   -EBADF   @fd is negative
 *   -ENOENT  no layer @id
 *   -EIO     writing the stream failed
 *   -EOPNOTSUPP  libarchive could not be loaded (the message names the
 *            library and the dynamic loader's reason), or it lacks the
 *            compression asked for
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_export_tar(nsbox_layer_store *st, const char *id, int fd, uint32_t flags);

/**
 * nsbox_layer_store_list - the ids of the complete layers of the store
 * @st:  the store; must not be NULL
 * @out: where to store a NULL-terminated vector of ids, sorted; one
 *       allocation, free with nsbox_free()
 *
 * Return: the number of layers on success; a negative errno otherwise
 * (-EINVAL, -ENOMEM, or an error reading the store directory).
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_list(nsbox_layer_store *st, char ***out);

/**
 * nsbox_layer_store_parent_chain - a layer and its ancestors, top first
 * @st:  the store; must not be NULL
 * @id:  the layer
 * @out: where to store a NULL-terminated vector [id, parent, ..., base];
 *       one allocation, free with nsbox_free()
 *
 * Return: the length of the chain on success; a negative errno otherwise:
 *   -EINVAL  @st, @id or @out is NULL, or @id invalid
 *   -ENOENT  no layer @id, or a layer of its chain is gone
 *   -ELOOP   the chain loops (a corrupt store)
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_parent_chain(nsbox_layer_store *st, const char *id, char ***out);

/**
 * nsbox_layer_store_remove_layer - delete a layer
 * @st: the store; must not be NULL
 * @id: the layer
 *
 * Return: 0 on success; a negative errno otherwise (nothing changed):
 *   -EINVAL  @st is NULL or @id invalid
 *   -ENOENT  no layer @id
 *   -EBUSY   another layer names @id as its parent, an overlay mount in
 *            the caller's mount namespace uses it, or a container started
 *            by libnsbox on it has not been reaped yet
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_remove_layer(nsbox_layer_store *st, const char *id);

/**
 * nsbox_layer_store_create_container - a container's init and writable layers
 * @st:          the store; must not be NULL
 * @image:       the image's top layer (the parent of the init layer)
 * @id:          the container layer's id, or NULL for a random one; the
 *               init layer is "<id>-init"
 * @hosts:       contents of /etc/hosts, or NULL for an empty file
 * @hostname:    contents of /etc/hostname, or NULL for an empty file
 * @resolv_conf: contents of /etc/resolv.conf, or NULL for an empty file
 * @out_id:      where to store the writable layer's id (nsbox_free()), or NULL
 *
 * As docker does: a committed layer "<id>-init" on @image holding the three
 * files, and an empty writable layer <id> above it.
 *
 * Return: 0 on success; a negative errno otherwise (nothing left behind),
 * as nsbox_layer_store_create_layer().
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_create_container(nsbox_layer_store *st, const char *image, const char *id,
				       const char *hosts, const char *hostname,
				       const char *resolv_conf, char **out_id);

/**
 * nsbox_layer_store_commit - turn a writable layer's content into a new read-only layer
 * @st:     the store; must not be NULL
 * @from:   the writable layer (usually a container's, mounted or not)
 * @id:     the new layer's id, or NULL for a random one
 * @out_id: where to store the new id (free with nsbox_free()), or NULL
 *
 * The new layer's parent is the parent of @from, skipping "<from>-init";
 * its content is a copy of @from's diff (whiteouts and opaque directories
 * included) without /etc/hosts, /etc/hostname and /etc/resolv.conf when
 * the init layer is skipped. It is marked committed. @from is unchanged.
 *
 * Return: 0 on success; a negative errno otherwise (nothing left behind):
 *   -EINVAL, -EEXIST, -ENOENT  as nsbox_layer_store_create_layer()
 *
 * Since: NSBOX_0.1
 */
int nsbox_layer_store_commit(nsbox_layer_store *st, const char *from, const char *id,
			     char **out_id);

/**
 * nsbox_layerset_new - an empty set of layers
 * @out: where to store the new handle; written only on success
 *
 * Add lower directories with nsbox_layerset_add_lower() (each above those
 * added before) and optionally a writable upper with
 * nsbox_layerset_set_upper(), then nsbox_layerset_mount().
 *
 * Return: 0, or -EINVAL (@out is NULL) or -ENOMEM.
 *
 * Since: NSBOX_0.1
 */
int nsbox_layerset_new(nsbox_layerset **out);

/**
 * nsbox_layerset_new_from_store - the layers of a store layer's chain
 * @out:   where to store the new handle; written only on success
 * @st:    the store; must not be NULL (the handle keeps no pointer to it)
 * @id:    the top layer
 * @flags: 0 or NSBOX_LAYERSET_READ_ONLY
 *
 * When @id is writable (not committed) and NSBOX_LAYERSET_READ_ONLY is not
 * given, its diff and work directories are the upper and work directories
 * and its ancestors the lowers; otherwise every layer of the chain is a
 * lower. The default mount point (MergedDir) is <store>/<id>/merged.
 *
 * Return: 0 on success; a negative errno otherwise:
 *   -EINVAL  a NULL argument, an invalid id, or an unknown flag
 *   -ENOENT  no layer @id, or a layer of its chain is gone
 *   -ELOOP   the chain loops
 *   -E2BIG   the chain has more than NSBOX_LAYERSET_MAX_LAYERS lower layers
 *
 * Since: NSBOX_0.1
 */
int nsbox_layerset_new_from_store(nsbox_layerset **out, nsbox_layer_store *st, const char *id,
				  uint32_t flags);

/**
 * nsbox_layerset_free - release a layer set, unmounting it if still mounted
 * @ls: the handle, or NULL
 *
 * Since: NSBOX_0.1
 */
void nsbox_layerset_free(nsbox_layerset *ls);

/**
 * nsbox_layerset_add_lower - add a read-only directory above the lowers added so far
 * @ls:  the set; must not be NULL and not mounted
 * @dir: an existing directory; resolved to an absolute path now
 *
 * Return: 0 on success; a negative errno otherwise:
 *   -EINVAL   NULL argument
 *   -EBUSY    @ls is mounted
 *   -ENOENT   @dir does not exist
 *   -ENOTDIR  @dir is not a directory
 *   -E2BIG    @ls already has NSBOX_LAYERSET_MAX_LAYERS lowers
 *
 * Since: NSBOX_0.1
 */
int nsbox_layerset_add_lower(nsbox_layerset *ls, const char *dir);

/**
 * nsbox_layerset_set_upper - set (or clear) the writable upper and work directories
 * @ls:    the set; must not be NULL and not mounted
 * @upper: an existing directory, or NULL to clear both (a read-only mount)
 * @work:  an existing empty directory on the same filesystem as @upper;
 *         NULL exactly when @upper is NULL
 *
 * Return: 0 on success; -EINVAL, -EBUSY, -ENOENT or -ENOTDIR as
 * nsbox_layerset_add_lower().
 *
 * Since: NSBOX_0.1
 */
int nsbox_layerset_set_upper(nsbox_layerset *ls, const char *upper, const char *work);

/**
 * nsbox_layerset_set_mount_method - choose how the overlay is mounted
 * @ls:     the set; must not be NULL
 * @method: NSBOX_LAYERSET_MOUNT_AUTO (default), _LOWERDIR_PLUS or _SHORT_LINKS
 *
 * Short links name a store set's layers by their l/ links, relative to the
 * store (a plain set names its directories in full); the option string of
 * mount(2) holds one page, about 128 layers. The caller's working directory
 * is never changed (a CLONE_VFORK helper does the mount(2) call).
 *
 * Return: 0, or -EINVAL for an unknown method.
 *
 * Since: NSBOX_0.1
 */
int nsbox_layerset_set_mount_method(nsbox_layerset *ls, int method);

/**
 * nsbox_layerset_mount - mount the overlay of the set
 * @ls:     the set; must not be NULL and not mounted
 * @target: an existing empty directory, or NULL for the store set's
 *          default <store>/<id>/merged (made if missing)
 * @flags:  0 (reserved)
 *
 * Mounts in the caller's mount namespace; unmount with
 * nsbox_layerset_unmount() (nsbox_layerset_free() also does).
 *
 * Return: 0 on success; a negative errno otherwise (nothing mounted):
 *   -EINVAL     NULL @ls, no lower layer, @target NULL on a plain set, or flags
 *   -EBUSY      @ls is mounted already
 *   -E2BIG      more than NSBOX_LAYERSET_MAX_LAYERS lowers, or the short-link
 *               option string is over a page
 *   -ENOENT     @target or a layer directory does not exist
 *   -ENOTDIR    @target is not a directory
 *   -ENOTEMPTY  @target is not empty
 *   -EOPNOTSUPP the method asked for is not available on this kernel
 *   -EPERM      not privileged to mount
 *
 * Since: NSBOX_0.1
 */
int nsbox_layerset_mount(nsbox_layerset *ls, const char *target, uint32_t flags);

/**
 * nsbox_layerset_unmount - unmount what nsbox_layerset_mount() mounted
 * @ls: the set; must not be NULL
 *
 * Return: 0 on success; a negative errno otherwise:
 *   -EINVAL  @ls is NULL or not mounted
 *   -EBUSY   the mount is in use (it stays mounted)
 *
 * Since: NSBOX_0.1
 */
int nsbox_layerset_unmount(nsbox_layerset *ls);

/**
 * nsbox_layerset_inspect - what docker inspect shows as GraphDriver.Data
 * @ls:   the set; must not be NULL
 * @what: NSBOX_LAYERSET_INSPECT_JSON, _LOWER, _UPPER, _WORK or _MERGED
 * @out:  where to store the string (free with nsbox_free()); "" when the
 *        set has no such directory
 *
 * LowerDir lists the lower directories top first, separated by ':';
 * MergedDir is the mount point (the target of the last mount, or the
 * store set's default).
 *
 * Return: 0 on success; -EINVAL (NULL argument, unknown @what) or -ENOMEM.
 *
 * Since: NSBOX_0.1
 */
int nsbox_layerset_inspect(const nsbox_layerset *ls, int what, char **out);

#ifdef __cplusplus
}
#endif

#endif /* NSBOX_LAYERSET_H */
