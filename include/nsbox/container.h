/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox container module: a process in new namespaces with its own root,
 * and the tools around it (wait, signal, enter). See nsbox_container(3).
 *
 * A handle describes a process. It is configured with setters only; nothing
 * happens until nsbox_container_start() (or nsbox_container_run()). Setters
 * copy what they are given (strings, arrays, fds). A handle is used from one
 * thread at a time; calls from a process forked after nsbox_container_new()
 * fail with -ECHILD.
 */
#ifndef NSBOX_CONTAINER_H
#define NSBOX_CONTAINER_H

#include <stdint.h>
#include <sys/types.h>

#include <nsbox/cgroup.h>
#include <nsbox/common.h>
#include <nsbox/layerset.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle; see nsbox_container(3). */
typedef struct nsbox_container nsbox_container;

/* Namespace kinds (the library's own bits, not CLONE_NEW*). */
#define NSBOX_NS_MOUNT (UINT32_C(1) << 0)
#define NSBOX_NS_PID (UINT32_C(1) << 1)
#define NSBOX_NS_NET (UINT32_C(1) << 2)
#define NSBOX_NS_UTS (UINT32_C(1) << 3)
#define NSBOX_NS_IPC (UINT32_C(1) << 4)
#define NSBOX_NS_USER (UINT32_C(1) << 5)
#define NSBOX_NS_CGROUP (UINT32_C(1) << 6)
#define NSBOX_NS_TIME (UINT32_C(1) << 7)
#define NSBOX_NS_ALL (UINT32_C(0xff))
/* What a new handle makes: mount, pid, net, uts, ipc and cgroup namespaces. */
#define NSBOX_NS_DEFAULT                                                                           \
	(NSBOX_NS_MOUNT | NSBOX_NS_PID | NSBOX_NS_NET | NSBOX_NS_UTS | NSBOX_NS_IPC |              \
	 NSBOX_NS_CGROUP)

/* Flags of nsbox_container_set_root(). */
#define NSBOX_ROOT_READONLY (UINT32_C(1) << 0)

/* Mount types of nsbox_container_add_mount(). */
#define NSBOX_MOUNT_BIND 1
#define NSBOX_MOUNT_TMPFS 2
#define NSBOX_MOUNT_PROC 3
#define NSBOX_MOUNT_SYSFS 4
#define NSBOX_MOUNT_DEVPTS 5
#define NSBOX_MOUNT_MQUEUE 6
/* Mount flags of nsbox_container_add_mount(). */
#define NSBOX_MOUNT_READONLY (UINT32_C(1) << 0)
#define NSBOX_MOUNT_RECURSIVE (UINT32_C(1) << 1)

/* Clocks of nsbox_container_set_time_offset(). */
#define NSBOX_CLOCK_MONOTONIC 1
#define NSBOX_CLOCK_BOOTTIME 2
/* Largest time offset accepted, in seconds (100 years). */
#define NSBOX_TIME_OFFSET_MAX_SECONDS INT64_C(3155760000)

/* nsbox_container_set_stdio(): use the caller's own fd 0, 1 or 2. */
#define NSBOX_FD_INHERIT (-1)

/*
 * The capabilities Docker keeps (CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD,
 * NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT,
 * KILL, AUDIT_WRITE), as a mask of bit (1 << CAP_x); the default.
 */
#define NSBOX_CAPS_DEFAULT                                                                         \
	((UINT64_C(1) << 0) | (UINT64_C(1) << 1) | (UINT64_C(1) << 3) | (UINT64_C(1) << 4) |       \
	 (UINT64_C(1) << 5) | (UINT64_C(1) << 6) | (UINT64_C(1) << 7) | (UINT64_C(1) << 8) |       \
	 (UINT64_C(1) << 10) | (UINT64_C(1) << 13) | (UINT64_C(1) << 18) | (UINT64_C(1) << 27) |   \
	 (UINT64_C(1) << 29) | (UINT64_C(1) << 31))

/**
 * nsbox_container_new - make an empty container description
 * @out: receives the handle; free it with nsbox_container_free()
 *
 * Defaults: namespaces NSBOX_NS_DEFAULT, no root (the host's, seen from a
 * private mount namespace), default mounts on, default masked and read-only
 * paths, uid and gid 0, environment PATH/HOME/TERM, working directory "/",
 * capabilities NSBOX_CAPS_DEFAULT, the caller's stdin, stdout and stderr.
 *
 * Return: 0, or -EINVAL (@out NULL), -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_new(nsbox_container **out);

/**
 * nsbox_container_free - free a handle
 * @c: the handle, or NULL
 *
 * A started container that is still running is killed (SIGKILL) and reaped,
 * unless nsbox_container_set_keep_running() asked to leave it running.
 * Since: NSBOX_0.1
 */
void nsbox_container_free(nsbox_container *c);

/**
 * nsbox_container_set_namespaces - choose the namespaces to make
 * @c:  the handle
 * @ns: a mask of NSBOX_NS_* bits
 *
 * Return: 0, or -EINVAL (unknown bit), -EBUSY (already started), -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_namespaces(nsbox_container *c, uint32_t ns);

/**
 * nsbox_container_set_root - the directory that becomes the container's /
 * @c:     the handle
 * @path:  an absolute path on the host (copied); NULL for none
 * @flags: 0 or NSBOX_ROOT_READONLY
 *
 * At start the directory is bind-mounted onto itself inside the new mount
 * namespace, the mounts are made below it, and pivot_root(2) switches to it;
 * the old root is detached. Needs NSBOX_NS_MOUNT.
 *
 * Return: 0, or -EINVAL (relative or unclean path, unknown flag), -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_root(nsbox_container *c, const char *path, uint32_t flags);

/**
 * nsbox_container_set_hostname - the host name inside (needs NSBOX_NS_UTS)
 * @c:    the handle
 * @name: 1 to 64 bytes of letters, digits, '-', '_' and '.', not starting
 *        with '-' or '.'; NULL to keep the inherited one
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_hostname(nsbox_container *c, const char *name);

/**
 * nsbox_container_set_domainname - the NIS domain name inside (needs NSBOX_NS_UTS)
 * @c:    the handle
 * @name: as for nsbox_container_set_hostname()
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_domainname(nsbox_container *c, const char *name);

/**
 * nsbox_container_add_uid_map - add a range to the uid map (needs NSBOX_NS_USER)
 * @c:       the handle
 * @inside:  first uid inside
 * @outside: first uid outside (in the caller's user namespace)
 * @count:   number of ids, at least 1
 *
 * The parent writes the map before the child goes on. Ranges may not
 * overlap inside or outside; at most 340 ranges, and the map's text
 * ("inside outside count\n" per range) at most 4095 bytes, as the kernel takes.
 *
 * Return: 0, or -EINVAL (count 0, overflow, overlap), -E2BIG (too many
 * ranges), -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_add_uid_map(nsbox_container *c, uint32_t inside, uint32_t outside,
				uint32_t count);

/**
 * nsbox_container_add_gid_map - add a range to the gid map (needs NSBOX_NS_USER)
 * @c:       the handle
 * @inside:  first gid inside
 * @outside: first gid outside (in the caller's user namespace)
 * @count:   number of ids, at least 1
 *
 * As nsbox_container_add_uid_map(). setgroups(2) is denied in the
 * container when the caller lacks CAP_SETGID (the kernel requires it for
 * such a map).
 *
 * Return: 0, or -EINVAL (count 0, overflow, overlap), -E2BIG, -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_add_gid_map(nsbox_container *c, uint32_t inside, uint32_t outside,
				uint32_t count);

/**
 * nsbox_container_set_user - the uid and gid the program runs as, inside
 * @c:   the handle
 * @uid: uid inside the container
 * @gid: gid inside the container (also the only supplementary group)
 *
 * Return: 0, or -EINVAL ((uint32_t)-1 refused), -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_user(nsbox_container *c, uint32_t uid, uint32_t gid);

/**
 * nsbox_container_set_argv - the program and its arguments
 * @c:    the handle
 * @argv: a NULL-terminated, non-empty vector (copied). argv[0] is the
 *        program: a path inside the root, or a name searched in the PATH
 *        of the container's environment
 *
 * Return: 0, or -EINVAL (NULL or empty), -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_argv(nsbox_container *c, const char *const *argv);

/**
 * nsbox_container_set_envp - the environment of the program
 * @c:    the handle
 * @envp: a NULL-terminated vector of "NAME=value" (copied); NULL restores the
 *        default (PATH, HOME and TERM)
 *
 * Return: 0, or -EINVAL (an entry without '='), -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_envp(nsbox_container *c, const char *const *envp);

/**
 * nsbox_container_set_cwd - the working directory, inside the root
 * @c:    the handle
 * @path: an absolute path without ".." (copied); NULL for "/"
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_cwd(nsbox_container *c, const char *path);

/**
 * nsbox_container_add_mount - add a mount, made in order after the defaults
 * @c:       the handle
 * @type:    NSBOX_MOUNT_BIND, _TMPFS, _PROC, _SYSFS, _DEVPTS or _MQUEUE
 * @source:  for BIND, an absolute host path; otherwise ignored (may be NULL)
 * @target:  an absolute path inside the root without ".."; missing
 *           directories are made. It is resolved inside the root: a symlink
 *           on the way is followed as if the root were "/", never out of it
 * @options: file system options such as "size=64m,mode=755,nosuid" (NULL for
 *           none); "ro", "nosuid", "nodev", "noexec", "noatime",
 *           "strictatime" and "relatime" become mount attributes
 * @flags:   NSBOX_MOUNT_READONLY, NSBOX_MOUNT_RECURSIVE (bind only)
 *
 * Return: 0, or -EINVAL (bad type, flag, path or option), -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_add_mount(nsbox_container *c, int type, const char *source,
			      const char *target, const char *options, uint32_t flags);

/**
 * nsbox_container_set_default_mounts - turn the default mounts on or off
 * @c:       the handle
 * @enabled: non-zero (the default) to mount, when a root is set, /proc,
 *           /sys read-only, a tmpfs /dev with null, zero, full, random,
 *           urandom and tty, /dev/pts with ptmx, /dev/shm, /dev/mqueue (with
 *           an ipc namespace) and the /dev/fd, stdin, stdout, stderr links
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_default_mounts(nsbox_container *c, int enabled);

/**
 * nsbox_container_set_masked_paths - paths made unreadable inside
 * @c:     the handle
 * @paths: NULL-terminated absolute paths (copied); NULL restores the
 *         defaults (/proc/kcore, /proc/keys, /proc/timer_list, /sys/firmware,
 *         ...), an empty vector masks nothing. A directory gets an empty
 *         read-only tmpfs, a file /dev/null; a missing path is skipped
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_masked_paths(nsbox_container *c, const char *const *paths);

/**
 * nsbox_container_set_readonly_paths - paths made read-only inside
 * @c:     the handle
 * @paths: as for nsbox_container_set_masked_paths(); defaults /proc/bus,
 *         /proc/fs, /proc/irq, /proc/sys, /proc/sysrq-trigger
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_readonly_paths(nsbox_container *c, const char *const *paths);

/**
 * nsbox_container_set_time_offset - offset a clock in the time namespace
 * @c:           the handle (needs NSBOX_NS_TIME)
 * @clock:       NSBOX_CLOCK_MONOTONIC or NSBOX_CLOCK_BOOTTIME
 * @seconds:     0 to NSBOX_TIME_OFFSET_MAX_SECONDS
 * @nanoseconds: 0 to 999999999
 *
 * Return: 0, or -EINVAL (unknown clock), -ERANGE (negative or too large), -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_time_offset(nsbox_container *c, int clock, int64_t seconds,
				    int64_t nanoseconds);

/**
 * nsbox_container_set_rlimit - a resource limit of the program
 * @c:        the handle
 * @resource: an RLIMIT_* number of <sys/resource.h>
 * @soft:     soft limit, or NSBOX_UNLIMITED
 * @hard:     hard limit, or NSBOX_UNLIMITED; not below @soft
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_rlimit(nsbox_container *c, int resource, uint64_t soft, uint64_t hard);

/**
 * nsbox_container_set_capabilities - the capabilities the container keeps
 * @c:    the handle
 * @caps: mask of (1 << CAP_x); becomes the bounding set and the permitted
 *        and effective sets; every other capability is dropped (inheritable
 *        and ambient sets are cleared). A program run as uid 0 gets exactly
 *        these; for another uid the kernel clears them at execve, as in Docker
 *
 * Return: 0, or -EINVAL (a bit above the last capability), -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_capabilities(nsbox_container *c, uint64_t caps);

/**
 * nsbox_container_set_no_new_privs - set PR_SET_NO_NEW_PRIVS before execve
 * @c:       the handle
 * @enabled: non-zero to set it (default: off)
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_no_new_privs(nsbox_container *c, int enabled);

/**
 * nsbox_container_set_stdio - the program's stdin, stdout and stderr
 * @c:   the handle
 * @in:  an fd (duplicated) or NSBOX_FD_INHERIT for the caller's fd 0
 * @out: likewise for fd 1
 * @err: likewise for fd 2
 *
 * The handle keeps its copies until start and closes them right after, so
 * the reader of a pipe sees end-of-file when the program exits.
 *
 * Return: 0, or -EBADF (not an open fd), -EINVAL, -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_stdio(nsbox_container *c, int in, int out, int err);

/**
 * nsbox_container_add_fd - pass one more fd to the program
 * @c:      the handle
 * @fd:     an open fd of the caller (duplicated)
 * @target: the number it has in the program, at least 3, not used twice
 *
 * Every fd not passed (or stdio) is closed in the container.
 *
 * Return: 0, or -EBADF, -EINVAL, -E2BIG (more than 64), -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_add_fd(nsbox_container *c, int fd, int target);

/**
 * nsbox_container_set_keep_running - leave the container running at free
 * @c:    the handle
 * @keep: non-zero to leave it running (the caller then reaps it)
 *
 * Return: 0, or -EINVAL, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_keep_running(nsbox_container *c, int keep);

/**
 * nsbox_container_set_layers - take the root from a set of overlay layers
 * @c:  the handle
 * @ls: a layer set (for instance nsbox_layerset_new_from_store() on a
 *      container's writable layer); its description (lower layers, upper
 *      and work directories, merged directory) is copied, the handle keeps
 *      no pointer to @ls. NULL removes the layers again
 *
 * At start the parent builds the overlay as a detached mount (right after
 * the clone, while the child makes its network namespace) and the child
 * stacks it over / of its own mount namespace and switches to it
 * (pivot_root), so it never shows in the host's mount table and vanishes
 * with the container. No mount point directory is used (not the set's
 * merged directory either); do not set a root with
 * nsbox_container_set_root() as well (start fails with -EINVAL). Writes land
 * in the upper layer, deletions as whiteouts. Needs NSBOX_NS_MOUNT. Up to
 * NSBOX_LAYERSET_MAX_LAYERS layers. Works with NSBOX_NS_USER too (files keep
 * their owners). The layers must stay in place while the container runs.
 *
 * Return: 0, or -EINVAL (no lower layer), -E2BIG (over 500 layers), -EBUSY,
 * -ECHILD, -ENOMEM. Start fails with -ENOENT when a layer was removed,
 * -EINVAL without a mount namespace or with a root directory set, or
 * -EOPNOTSUPP when the kernel lacks overlay lowerdir+ (before Linux 6.8).
 * Since: NSBOX_0.1
 */
int nsbox_container_set_layers(nsbox_container *c, const nsbox_layerset *ls);

/**
 * nsbox_container_set_layers_volatile - never sync the writable layer
 * @c:       the handle
 * @enabled: non-zero to mount the layers with overlayfs "volatile" (Linux
 *           5.10+; default off)
 *
 * Without it, overlayfs syncs the whole file system holding the writable
 * layer when the container's overlay goes away (milliseconds on every exit).
 * With it, nothing is synced: for containers whose writable layer is thrown
 * away afterwards (docker run --rm). After a crash of the host the layer is
 * unusable, and even after a clean exit the kernel refuses to mount it again
 * until its work directory's "work/incompat" directory is removed; a layer
 * can still be committed (nsbox_layer_store_commit()).
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_layers_volatile(nsbox_container *c, int enabled);

/**
 * nsbox_container_set_layers_ephemeral - the writable layer on a private tmpfs
 * @c:          the handle
 * @size_bytes: size of the tmpfs: NSBOX_UNLIMITED for tmpfs's default (half
 *              of RAM), 0 to turn it off again (the default), otherwise at
 *              least 4096
 *
 * For throwaway containers: with layers set (nsbox_container_set_layers())
 * whose set has no writable layer, for instance
 * nsbox_layerset_new_from_store() with NSBOX_LAYERSET_READ_ONLY on an image,
 * the parent makes at start a tmpfs of this size as a detached mount (in
 * no mount table), with the overlay's upper and work directories (and the
 * files of nsbox_container_add_file() in an extra top lower layer) in it.
 * The tmpfs is referenced only by the container's overlay, so it vanishes
 * with the container's mount namespace: nothing is written to the layer
 * store, nothing is left to remove, not even after a crash. Writes beyond
 * the size fail with ENOSPC inside. The overlay is mounted "volatile". The
 * directories belong to root (uid 0 of the caller's user namespace). Needs
 * Linux 6.15 or later (overlayfs layers on a detached mount).
 *
 * Return: 0, or -EINVAL (size below 4096; layers already set whose set has
 * a writable layer), -EBUSY, -ECHILD. Start fails with -EINVAL without
 * layers or when the layer set has a writable layer (set after this call).
 * Since: NSBOX_0.1
 */
int nsbox_container_set_layers_ephemeral(nsbox_container *c, uint64_t size_bytes);

/**
 * nsbox_container_add_file - a file placed in the container's root at start
 * @c:       the handle
 * @path:    absolute, clean path inside the container ("/etc/hosts"; no
 *           "..", ".", "//" or trailing '/')
 * @content: the file's content, a NUL-terminated string (copied)
 * @mode:    permission bits (at most 07777); the umask does not apply
 *
 * Supported only with an ephemeral layered root
 * (nsbox_container_set_layers_ephemeral()): the file goes into a lower
 * layer on the container's tmpfs above the image, its missing parent
 * directories are made with mode 0755 (and hide the image's attributes of
 * those directories); owner root. This is how /etc/hosts, /etc/hostname
 * and /etc/resolv.conf reach an ephemeral container. The same path again
 * replaces the content and mode. At most 256 files.
 *
 * Return: 0, or -EINVAL (bad path or mode, NULL argument), -E2BIG, -EBUSY,
 * -ECHILD, -ENOMEM. Start fails with -EOPNOTSUPP when files were added but
 * the root is not an ephemeral layered one, -ENOSPC when they do not fit,
 * -EEXIST or -ENOTDIR when one added path is the parent of another.
 * Since: NSBOX_0.1
 */
int nsbox_container_add_file(nsbox_container *c, const char *path, const char *content,
			     uint32_t mode);

/**
 * nsbox_container_set_cgroup - the control group the container runs in
 * @c:  the handle
 * @cg: a created or opened group: its directory in every hierarchy it
 *      covers is copied; or a handle not yet created: its recipe (name,
 *      parent, root, controllers, time bound, recorded limits) is copied,
 *      and the start makes the group. The handle keeps no pointer to @cg.
 *      NULL removes it
 *
 * A group the start makes: its cgroup v2 part (and limits) before the
 * clone, its v1 groups and their limits right after it, while the child
 * makes its network namespace (with NSBOX_NS_NET; off the start's critical
 * path). It belongs to the container: a failed start removes it, and
 * nsbox_container_wait() (or nsbox_container_free() of a container not left
 * running) removes it once the process is reaped.
 *
 * On a cgroup v2 hierarchy the child is born in the group
 * (clone3 CLONE_INTO_CGROUP), so it never runs outside; on each v1
 * hierarchy (v1 and hybrid layouts) the child joins it (writes itself to
 * the group's "tasks", opened by the parent before the clone) as its
 * first step (right after making its network namespace, when it makes it
 * itself), before it waits for the parent to let it go on and before
 * anything of the container runs (a group the start makes: right after
 * "go on", which brings the "tasks" fds). A cgroup namespace
 * (NSBOX_NS_CGROUP) is rooted at the group.
 *
 * Return: 0, or -EINVAL (the group was destroyed), -EBUSY, -ECHILD,
 * -ENOMEM. Start fails with -ENOENT when the group was removed (or a made
 * group's parent is missing), -ENOSPC (a v1 cpuset group without cpus or
 * mems), -EBUSY (v2 no-internal-processes rule), -EEXIST (a made group
 * exists), or a limit's error (nsbox_cgroup_set_cpu_max()).
 * Since: NSBOX_0.1
 */
int nsbox_container_set_cgroup(nsbox_container *c, const nsbox_cgroup *cg);

/**
 * nsbox_container_set_network - a veth on a bridge (needs NSBOX_NS_NET)
 * @c:       the handle
 * @bridge:  the bridge in the host namespace, made (and set up) if missing;
 *           NULL removes the network again
 * @cidr:    the container's address with prefix, "172.17.0.11/16"
 * @gateway: the default route's next hop, or NULL for no default route; a
 *           bridge made by the start gets this address (with @cidr's prefix)
 *
 * At start the parent makes a veth pair: the host end, named "nsbx" and the
 * child's pid in hex, joins @bridge and goes up; the other end is created
 * directly in the container's network namespace under its final name
 * (nsbox_container_set_network_ifname()), gets @cidr and goes up, with the
 * loopback device and the default route. The pair lives as long as the
 * container's network namespace: the kernel deletes both ends with it. A
 * failed start deletes the veth and a bridge it made.
 *
 * Return: 0, or -EINVAL (bad bridge name, address or gateway, or families
 * differ), -EBUSY, -ECHILD, -ENOMEM. Start fails with -EEXIST when @bridge
 * names a link that is not a bridge, or an error of the kernel (such as
 * -EEXIST for an address taken).
 * Since: NSBOX_0.1
 */
int nsbox_container_set_network(nsbox_container *c, const char *bridge, const char *cidr,
				const char *gateway);

/**
 * nsbox_container_set_network_ifname - the interface name inside
 * @c:    the handle
 * @name: 1 to 15 bytes, no '/', ':' or whitespace, not "lo"; NULL for the
 *        default "eth0"
 *
 * Return: 0, or -EINVAL, -EBUSY, -ECHILD, -ENOMEM.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_network_ifname(nsbox_container *c, const char *name);

/**
 * nsbox_container_set_network_host - the network namespace holding the bridge
 * @c:        the handle
 * @netns_fd: an fd of a network namespace (/proc/PID/ns/net, /run/netns/X),
 *            duplicated; -1 for the caller's own (the default)
 *
 * Return: 0, or -EBADF (not an open fd), -EINVAL (not a network
 * namespace), -EBUSY, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_set_network_host(nsbox_container *c, int netns_fd);

/**
 * nsbox_container_start - make the namespaces and start the program
 * @c: a configured handle that was never started
 *
 * Returns once the program was exec'd in the container, or failed before.
 * A failure in the container names the step and the object, such as
 * "exec /bin/bsh in container: No such file or directory"; a failed start
 * leaves no process, mount or directory behind.
 *
 * Return: 0, or a negative errno: -EINVAL (incomplete or inconsistent
 * configuration), -EALREADY (started before), -EACCES (root not reachable
 * by the container's user, or refused by the kernel), -ENOENT, -EPERM,
 * anything the failing step got, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_start(nsbox_container *c);

/**
 * nsbox_container_get_pid - the container's pid as the caller sees it
 * @c:   a started handle
 * @out: receives the pid
 *
 * Return: 0, or -ESRCH (not started), -EINVAL, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_get_pid(nsbox_container *c, pid_t *out);

/**
 * nsbox_container_get_pidfd - the container's pidfd, owned by the handle
 * @c:   a started handle
 * @out: receives the fd, valid until nsbox_container_free(); do not close it
 *
 * Return: 0, or -ESRCH (not started), -EINVAL, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_get_pidfd(nsbox_container *c, int *out);

/**
 * nsbox_container_wait - wait for the container's program to end
 * @c:             a started handle
 * @out_exit_code: receives the exit code, or 128 + signal when killed (may be NULL)
 * @out_signal:    receives the killing signal, or 0 after a normal exit (may be NULL)
 *
 * Waiting again returns the same result. A cgroup the start made
 * (nsbox_container_set_cgroup()) is removed right after the reap; if that
 * fails, the wait fails with that error and the next wait tries again.
 *
 * Return: 0, or -ESRCH (never started), -EINVAL, -ECHILD, -EINTR, or an
 * error of nsbox_cgroup_destroy().
 * Since: NSBOX_0.1
 */
int nsbox_container_wait(nsbox_container *c, int *out_exit_code, int *out_signal);

/**
 * nsbox_container_signal - send a signal through the pidfd
 * @c:   a started handle
 * @sig: the signal
 *
 * Return: 0, or -ESRCH (not started or already reaped), -EINVAL, -EPERM, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_signal(nsbox_container *c, int sig);

/**
 * nsbox_container_run - start and wait in one call
 * @c:             as for nsbox_container_start()
 * @out_exit_code: as for nsbox_container_wait()
 * @out_signal:    as for nsbox_container_wait()
 *
 * Return: as nsbox_container_start() and nsbox_container_wait().
 * Since: NSBOX_0.1
 */
int nsbox_container_run(nsbox_container *c, int *out_exit_code, int *out_signal);

/**
 * nsbox_container_enter - run @c's program inside a started container
 * @c:             the program to run: its argv, envp, cwd, user, stdio and
 *                 extra fds are used; @c itself is not started
 * @target:        a started handle (its pidfd is used)
 * @ns:            the NSBOX_NS_* kinds to join
 * @out_exit_code: as for nsbox_container_wait()
 * @out_signal:    as for nsbox_container_wait()
 *
 * Joins the namespaces in a forked helper (all at once with setns(2) on a
 * pidfd, one by one with the user namespace first on older kernels), takes
 * the target's root and working directory (or @c's cwd inside that root)
 * when joining its mount namespace, runs the program and returns its
 * status. The calling process and thread are unchanged.
 *
 * Return: 0, or -EINVAL, -ESRCH (target gone or never started), -EPERM, a
 * failing step's errno, -ECHILD.
 * Since: NSBOX_0.1
 */
int nsbox_container_enter(nsbox_container *c, nsbox_container *target, uint32_t ns,
			  int *out_exit_code, int *out_signal);

/**
 * nsbox_container_enter_pid - as nsbox_container_enter(), for any process
 * @c:             the program to run, as for nsbox_container_enter()
 * @pid:           the process whose namespaces are joined (through a pidfd,
 *                 checked alive after its namespaces were opened)
 * @ns:            the NSBOX_NS_* kinds to join
 * @out_exit_code: as for nsbox_container_wait()
 * @out_signal:    as for nsbox_container_wait()
 *
 * Return: as nsbox_container_enter(); -ESRCH when @pid does not exist.
 * Since: NSBOX_0.1
 */
int nsbox_container_enter_pid(nsbox_container *c, pid_t pid, uint32_t ns, int *out_exit_code,
			      int *out_signal);

#ifdef __cplusplus
}
#endif

#endif /* NSBOX_CONTAINER_H */
