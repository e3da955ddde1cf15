/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox cgroup module: one control group across cgroup v1, v2 and hybrid
 * hierarchies, with limits in units (microseconds, bytes, counts, weights),
 * attach, stats, freeze, kill and destroy. See nsbox_cgroup(3).
 */
#ifndef NSBOX_CGROUP_H
#define NSBOX_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <nsbox/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle for one control group; see nsbox_cgroup(3). */
typedef struct nsbox_cgroup nsbox_cgroup;

/* Layouts, as reported by nsbox_cgroup_layout() and nsbox_cgroup_get_layout(). */
#define NSBOX_CGROUP_LAYOUT_V1 1     /* cgroup v1 hierarchies only */
#define NSBOX_CGROUP_LAYOUT_V2 2     /* one unified cgroup2 hierarchy */
#define NSBOX_CGROUP_LAYOUT_HYBRID 3 /* v1 controllers plus a cgroup2 mount */

/*
 * Controller bits (a uint32_t mask). NSBOX_CGROUP_IO is "io" on v2 and
 * "blkio" on v1. NSBOX_CGROUP_UNIFIED stands for the cgroup2 hierarchy
 * itself (membership, freeze, kill, pressure), whatever controllers it has.
 */
#define NSBOX_CGROUP_CPU (UINT32_C(1) << 0)
#define NSBOX_CGROUP_CPUACCT (UINT32_C(1) << 1)
#define NSBOX_CGROUP_CPUSET (UINT32_C(1) << 2)
#define NSBOX_CGROUP_MEMORY (UINT32_C(1) << 3)
#define NSBOX_CGROUP_PIDS (UINT32_C(1) << 4)
#define NSBOX_CGROUP_FREEZER (UINT32_C(1) << 5)
#define NSBOX_CGROUP_IO (UINT32_C(1) << 6)
#define NSBOX_CGROUP_UNIFIED (UINT32_C(1) << 15)
#define NSBOX_CGROUP_ALL                                                                           \
	(NSBOX_CGROUP_CPU | NSBOX_CGROUP_CPUACCT | NSBOX_CGROUP_CPUSET | NSBOX_CGROUP_MEMORY |     \
	 NSBOX_CGROUP_PIDS | NSBOX_CGROUP_FREEZER | NSBOX_CGROUP_IO | NSBOX_CGROUP_UNIFIED)

/* Flag bits for nsbox_cgroup_new(); any other bit is refused with -EINVAL. */
/* nsbox_cgroup_create() accepts a group that exists already. */
#define NSBOX_CGROUP_ADOPT_EXISTING (UINT32_C(1) << 0)

/* Statistics for nsbox_cgroup_stat(). */
#define NSBOX_CGROUP_STAT_CPU_USAGE_US 1     /* CPU time used, microseconds */
#define NSBOX_CGROUP_STAT_CPU_USER_US 2      /* ... of which in user mode */
#define NSBOX_CGROUP_STAT_CPU_SYSTEM_US 3    /* ... of which in kernel mode */
#define NSBOX_CGROUP_STAT_CPU_PERIODS 4      /* bandwidth periods elapsed */
#define NSBOX_CGROUP_STAT_CPU_THROTTLED 5    /* periods in which it was throttled */
#define NSBOX_CGROUP_STAT_CPU_THROTTLED_US 6 /* time throttled, microseconds */
#define NSBOX_CGROUP_STAT_MEMORY_CURRENT 7   /* bytes charged now */
#define NSBOX_CGROUP_STAT_MEMORY_PEAK 8      /* highest bytes charged */
#define NSBOX_CGROUP_STAT_OOM_KILLS 9        /* processes killed by the OOM killer */
#define NSBOX_CGROUP_STAT_PIDS_CURRENT 10    /* tasks in the group */

/* Resources for nsbox_cgroup_get_pressure(). */
#define NSBOX_CGROUP_PRESSURE_CPU 1
#define NSBOX_CGROUP_PRESSURE_MEMORY 2
#define NSBOX_CGROUP_PRESSURE_IO 3

/**
 * nsbox_cgroup_layout - detect the cgroup layout of the machine
 * @root:        the directory holding the hierarchies, or NULL for the
 *               machine's mounts (a process's first detection asks
 *               statmount(2) about the usual mount points, later ones
 *               read /proc/self/mountinfo; see nsbox_cgroup(3)); copied,
 *               not kept
 * @layout:      where to store NSBOX_CGROUP_LAYOUT_*, or NULL
 * @controllers: where to store the NSBOX_CGROUP_* bits available, or NULL
 *
 * Return: 0 on success; on failure a negative errno and a message in
 * nsbox_last_error():
 *   -ENOENT  no cgroup hierarchy is mounted (or none below @root)
 *   -EINVAL  @root is not an absolute path
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_layout(const char *root, int *layout, uint32_t *controllers);

/**
 * nsbox_cgroup_controller_mount - where the hierarchy of a controller is
 * @root:       as for nsbox_cgroup_layout()
 * @controller: one NSBOX_CGROUP_* bit (NSBOX_CGROUP_UNIFIED: the cgroup2 mount)
 * @out:        the mount point; free with nsbox_free()
 *
 * Return: the hierarchy's version (1 or 2) on success; on failure a
 * negative errno and a message in nsbox_last_error():
 *   -EINVAL  @out is NULL or @controller is not exactly one known bit
 *   -ENOENT  no hierarchy holds @controller
 *   -ENOMEM  out of memory
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_controller_mount(const char *root, uint32_t controller, char **out);

/**
 * nsbox_cgroup_new - a handle for the group @name; touches nothing yet
 * @out:   where to store the new handle; untouched on failure
 * @name:  relative path of the group below the parent, such as "box/web";
 *         copied
 * @flags: 0 or NSBOX_CGROUP_ADOPT_EXISTING
 *
 * The group itself is made by nsbox_cgroup_create() or found by
 * nsbox_cgroup_open(); setters in between choose the parent, the cgroupfs
 * root, the controllers and the time bound. The handle records the calling
 * pid; any later call from another process returns -ECHILD.
 *
 * Return: 0 on success; on failure a negative errno and a message:
 *   -EINVAL  @out or @name is NULL, @name is absolute, empty, has "." or
 *            ".." or empty components, or @flags has an unknown bit
 *   -ENOMEM  out of memory
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_new(nsbox_cgroup **out, const char *name, uint32_t flags);

/**
 * nsbox_cgroup_free - release the handle (the group itself stays)
 * @cg: the handle, or NULL
 *
 * Since: NSBOX_0.1
 */
void nsbox_cgroup_free(nsbox_cgroup *cg);

/**
 * nsbox_cgroup_set_parent - the parent group, the same path in every hierarchy
 * @cg:     a handle not yet created or opened
 * @parent: an absolute path inside the hierarchies ("/" is their root), or
 *          NULL for the default (the caller's own cgroup in each hierarchy);
 *          copied
 *
 * Return: 0, or -EINVAL (bad path, or the handle is already created or
 * opened), -ENOMEM, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_parent(nsbox_cgroup *cg, const char *parent);

/**
 * nsbox_cgroup_set_root - the directory holding the cgroup hierarchies
 * @cg:   a handle not yet created or opened
 * @root: an absolute directory, or NULL for the real mounts; copied. A
 *        directory with cgroup.controllers is one v2 hierarchy; otherwise
 *        each subdirectory is a hierarchy named after its controllers. With
 *        a root set, the default parent is "/" of each hierarchy.
 *
 * Return: 0, or -EINVAL, -ENOMEM, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_root(nsbox_cgroup *cg, const char *root);

/**
 * nsbox_cgroup_set_controllers - the controllers (hierarchies) to cover
 * @cg:          a handle not yet created or opened
 * @controllers: a mask of NSBOX_CGROUP_* bits; default NSBOX_CGROUP_ALL.
 *               Bits the machine lacks are ignored at create/open time.
 *
 * Return: 0, or -EINVAL (no known bit, unknown bits, or the handle is
 * already created or opened), -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_controllers(nsbox_cgroup *cg, uint32_t controllers);

/**
 * nsbox_cgroup_set_timeout - bound for freeze, thaw, kill and destroy waits
 * @cg:      the handle
 * @usec:    microseconds, at least 1000 (default 5000000)
 *
 * Return: 0, or -EINVAL, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_timeout(nsbox_cgroup *cg, uint64_t usec);

/**
 * nsbox_cgroup_create - make the group in every covered hierarchy
 * @cg: a handle not yet created or opened
 *
 * Creates missing intermediate groups, copies the parent's cpus and mems
 * into new v1 cpuset groups, and on v2 enables the covered controllers in
 * each parent's cgroup.subtree_control, then writes the limits set before
 * (in the order set). On failure everything made is removed again, and the
 * controllers it enabled are disabled again (unless another group has
 * started to use one meanwhile); the handle is new again, limits kept.
 *
 * Return: 0 on success; on failure a negative errno and a message:
 *   -EEXIST  the group exists (without NSBOX_CGROUP_ADOPT_EXISTING)
 *   -ENOENT  the parent does not exist, or no hierarchy is mounted
 *   -EBUSY   v2's no-internal-processes rule: a parent holds processes, so
 *            controllers cannot be enabled for its children
 *   -EINVAL  the handle was already created, opened or destroyed
 *   -EACCES, -EPERM, -ENOMEM, -ECHILD, or a recorded limit's error
 *            (-EOPNOTSUPP, -EINVAL, ...: nsbox_cgroup_set_cpu_max())
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_create(nsbox_cgroup *cg);

/**
 * nsbox_cgroup_open - use a group that exists in every covered hierarchy
 * @cg: a handle not yet created or opened
 *
 * Return: 0, or -ENOENT (missing in some hierarchy), -EINVAL, -ENOMEM, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_open(nsbox_cgroup *cg);

/**
 * nsbox_cgroup_get_layout - the layout the handle found
 * @cg:  a created or opened handle
 * @out: NSBOX_CGROUP_LAYOUT_*
 *
 * Return: 0, or -EINVAL (NULL, or not created/opened yet), -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_layout(nsbox_cgroup *cg, int *out);

/**
 * nsbox_cgroup_get_controllers - the NSBOX_CGROUP_* bits the handle covers
 * @cg:  a created or opened handle
 * @out: the mask (wanted and available)
 *
 * Return: 0, or -EINVAL, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_controllers(nsbox_cgroup *cg, uint32_t *out);

/**
 * nsbox_cgroup_get_path - the group's directory in one hierarchy
 * @cg:         a created or opened handle
 * @controller: one NSBOX_CGROUP_* bit (NSBOX_CGROUP_UNIFIED: the v2 group)
 * @out:        absolute path; free with nsbox_free()
 *
 * Return: the hierarchy version (1 or 2); or -EINVAL, -EOPNOTSUPP (the
 * handle does not cover @controller), -ENOMEM, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_path(nsbox_cgroup *cg, uint32_t controller, char **out);

/**
 * nsbox_cgroup_open_dirfd - an fd of the v2 group for clone3(CLONE_INTO_CGROUP)
 * @cg:  a created or opened handle
 * @out: a new O_PATH|O_DIRECTORY|O_CLOEXEC fd, owned by the caller
 *
 * Return: 0, or -EOPNOTSUPP (no v2 hierarchy covered), -ENOENT (group
 * removed), -EINVAL, -EMFILE, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_open_dirfd(nsbox_cgroup *cg, int *out);

/*
 * Limits. Every setter writes whichever file the hierarchy holding the
 * controller uses, and its getter reads it back in the same units. On a
 * handle not yet created a setter checks and records its value, and
 * nsbox_cgroup_create() (or a container's start, nsbox_container_set_cgroup())
 * writes the recorded limits in the order set, failing if one cannot be had.
 * Common errors: -EINVAL (NULL, value out of range, getter on a handle not live),
 * -EOPNOTSUPP (the layout cannot express the limit; the message says why),
 * -ENOENT (the group was destroyed or removed by someone else), -ECHILD
 * (called after fork). All are documented in nsbox_cgroup_set_cpu_max(3).
 */

/**
 * nsbox_cgroup_set_cpu_max - CPU bandwidth: @quota_us per @period_us
 * @cg:        the group
 * @quota_us:  at least 1000, or NSBOX_UNLIMITED
 * @period_us: 1000..1000000, or 0 to keep the current period
 *
 * Return: 0, or -EINVAL (range), -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_cpu_max(nsbox_cgroup *cg, uint64_t quota_us, uint64_t period_us);
/**
 * nsbox_cgroup_get_cpu_max - read back the CPU bandwidth limit
 * @cg:        the group
 * @quota_us:  quota, or NSBOX_UNLIMITED; may be NULL
 * @period_us: period; may be NULL
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_cpu_max(nsbox_cgroup *cg, uint64_t *quota_us, uint64_t *period_us);

/**
 * nsbox_cgroup_set_cpu_weight - relative CPU share, 1..10000 (default 100)
 * @cg:     the group
 * @weight: 1..10000; on v1 written as cpu.shares = weight * 1024 / 100
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_cpu_weight(nsbox_cgroup *cg, uint64_t weight);
/**
 * nsbox_cgroup_get_cpu_weight - read back the CPU weight (1..10000)
 * @cg:  the group
 * @out: the weight
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_cpu_weight(nsbox_cgroup *cg, uint64_t *out);

/**
 * nsbox_cgroup_set_cpuset_cpus - the CPUs the group may run on
 * @cg:   the group
 * @cpus: a list such as "0-1,3"; copied
 *
 * Return: 0, or -EINVAL (syntax, or a CPU outside the machine or the
 * parent), -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_cpuset_cpus(nsbox_cgroup *cg, const char *cpus);
/**
 * nsbox_cgroup_get_cpuset_cpus - read back the CPU list
 * @cg:  the group
 * @out: the list such as "0-1"; free with nsbox_free()
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ENOMEM, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_cpuset_cpus(nsbox_cgroup *cg, char **out);
/**
 * nsbox_cgroup_set_cpuset_mems - the memory nodes the group may use
 * @cg:   the group
 * @mems: a list such as "0"; copied
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_cpuset_mems(nsbox_cgroup *cg, const char *mems);
/**
 * nsbox_cgroup_get_cpuset_mems - read back the memory node list
 * @cg:  the group
 * @out: the list; free with nsbox_free()
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ENOMEM, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_cpuset_mems(nsbox_cgroup *cg, char **out);

/**
 * nsbox_cgroup_set_memory_max - limit the memory a group may charge
 * @cg:    the group
 * @bytes: ceiling in bytes, or NSBOX_UNLIMITED
 *
 * Return: 0, or -EBUSY (v1: the group uses more and the kernel could not
 * reclaim down to @bytes), -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_memory_max(nsbox_cgroup *cg, uint64_t bytes);
/**
 * nsbox_cgroup_get_memory_max - read back the memory ceiling
 * @cg:  the group
 * @out: bytes, or NSBOX_UNLIMITED
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_memory_max(nsbox_cgroup *cg, uint64_t *out);
/**
 * nsbox_cgroup_set_memory_high - v2 only: throttle above this many bytes
 * @cg:    the group
 * @bytes: bytes, or NSBOX_UNLIMITED
 *
 * Return: 0, or -EOPNOTSUPP (v1 has no such limit), -EINVAL, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_memory_high(nsbox_cgroup *cg, uint64_t bytes);
/**
 * nsbox_cgroup_get_memory_high - read back memory.high (v2 only)
 * @cg:  the group
 * @out: bytes, or NSBOX_UNLIMITED
 *
 * Return: 0, or -EOPNOTSUPP, -EINVAL, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_memory_high(nsbox_cgroup *cg, uint64_t *out);
/**
 * nsbox_cgroup_set_memory_low - v2 only: best-effort memory protection
 * @cg:    the group
 * @bytes: bytes protected from reclaim (0 for none), or NSBOX_UNLIMITED
 *
 * Return: 0, or -EOPNOTSUPP (v1 has no such limit), -EINVAL, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_memory_low(nsbox_cgroup *cg, uint64_t bytes);
/**
 * nsbox_cgroup_get_memory_low - read back memory.low (v2 only)
 * @cg:  the group
 * @out: bytes, or NSBOX_UNLIMITED
 *
 * Return: 0, or -EOPNOTSUPP, -EINVAL, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_memory_low(nsbox_cgroup *cg, uint64_t *out);
/**
 * nsbox_cgroup_set_memory_swap_max - limit memory plus swap together
 * @cg:    the group
 * @bytes: memory plus swap in bytes (at least the memory maximum), or
 *         NSBOX_UNLIMITED. v1 writes memory.memsw.limit_in_bytes; v2 writes
 *         memory.swap.max = @bytes - memory.max.
 *
 * Return: 0, or -EINVAL (below the memory maximum, or v2 with an unlimited
 * memory maximum), -EOPNOTSUPP (no swap accounting), -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_memory_swap_max(nsbox_cgroup *cg, uint64_t bytes);
/**
 * nsbox_cgroup_get_memory_swap_max - read back memory plus swap maximum
 * @cg:  the group
 * @out: bytes, or NSBOX_UNLIMITED
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_memory_swap_max(nsbox_cgroup *cg, uint64_t *out);

/**
 * nsbox_cgroup_set_pids_max - limit the number of tasks
 * @cg:  the group
 * @max: tasks, or NSBOX_UNLIMITED
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_pids_max(nsbox_cgroup *cg, uint64_t max);
/**
 * nsbox_cgroup_get_pids_max - read back the task limit
 * @cg:  the group
 * @out: tasks, or NSBOX_UNLIMITED
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_pids_max(nsbox_cgroup *cg, uint64_t *out);

/**
 * nsbox_cgroup_set_io_weight - relative I/O share, 1..10000 (default 100)
 * @cg:     the group
 * @weight: 1..10000 (v1 blkio.weight: weight * 5 clamped to 10..1000, so the
 *          defaults 100 and 500 meet; above 200 reads back as 200)
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP (no weight file, e.g. no
 * proportional I/O scheduler), -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_set_io_weight(nsbox_cgroup *cg, uint64_t weight);
/**
 * nsbox_cgroup_get_io_weight - read back the I/O weight
 * @cg:  the group
 * @out: the weight (1..10000)
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP, -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_io_weight(nsbox_cgroup *cg, uint64_t *out);

/**
 * nsbox_cgroup_attach - move a process, with all its threads, into the group
 * @cg:  the group
 * @pid: a process id (a thread-group leader), in every covered hierarchy
 *
 * Return: 0, or -ESRCH (no such process), -EINVAL (pid <= 0, or @pid is a
 * thread of another process), -ENOSPC (v1 cpuset without cpus/mems),
 * -EBUSY (v2 no-internal-processes rule), -ENOENT, -EACCES, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_attach(nsbox_cgroup *cg, pid_t pid);

/**
 * nsbox_cgroup_get_pids - the processes in the group (every hierarchy)
 * @cg:   the group
 * @pids: a sorted array without duplicates; free with nsbox_free() (NULL
 *        when empty)
 * @n:    its length
 *
 * Return: 0, or -EINVAL, -ENOENT, -ENOMEM, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_pids(nsbox_cgroup *cg, pid_t **pids, size_t *n);

/**
 * nsbox_cgroup_stat - one statistic of the group
 * @cg:   the group
 * @stat: NSBOX_CGROUP_STAT_*
 * @out:  the value in the unit its name says
 *
 * Return: 0, or -EINVAL (unknown @stat), -EOPNOTSUPP (no hierarchy of the
 * handle has it), -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_stat(nsbox_cgroup *cg, int stat, uint64_t *out);

/**
 * nsbox_cgroup_get_pressure - pressure stall information of the group
 * @cg:       the group
 * @resource: NSBOX_CGROUP_PRESSURE_CPU, _MEMORY or _IO
 * @full:     0 for "some" (at least one task stalled), 1 for "full"
 * @avg10:    percentage over 10 s; may be NULL (also @avg60, @avg300)
 * @avg60:    over 60 s
 * @avg300:   over 300 s
 * @total_us: total stall time in microseconds; may be NULL
 *
 * Return: 0, or -EINVAL, -EOPNOTSUPP (the kernel or layout has no PSI for
 * this group), -ENOENT, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_get_pressure(nsbox_cgroup *cg, int resource, int full, double *avg10,
			      double *avg60, double *avg300, uint64_t *total_us);

/**
 * nsbox_cgroup_freeze - stop every task of the group, wait until frozen
 * @cg: the group
 *
 * Uses v2 cgroup.freeze when the handle covers a v2 hierarchy, else the v1
 * freezer.
 *
 * Return: 0, or -ETIMEDOUT (not frozen within the timeout; thawed again),
 * -EOPNOTSUPP (no freezer), -ENOENT, -EINVAL, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_freeze(nsbox_cgroup *cg);
/**
 * nsbox_cgroup_thaw - let the tasks of a frozen group run again
 * @cg: the group
 *
 * Return: 0, or -ETIMEDOUT, -EOPNOTSUPP, -ENOENT, -EINVAL, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_thaw(nsbox_cgroup *cg);

/**
 * nsbox_cgroup_kill - SIGKILL every process in the group and its subgroups
 * @cg: the group
 *
 * v2 cgroup.kill where present; else freeze, signal each pid, thaw, repeat
 * until empty. Waits until the group is empty, within the timeout.
 *
 * Return: 0, or -EBUSY (not empty within the timeout), -EDEADLK (the
 * caller itself is in the group), -ENOENT, -EINVAL, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_kill(nsbox_cgroup *cg);

/**
 * nsbox_cgroup_destroy - kill, wait until empty, remove in every hierarchy
 * @cg: the group; afterwards only nsbox_cgroup_free() is useful
 *
 * Subgroups are removed first, then the group, then the intermediate
 * groups this handle created (if empty).
 *
 * Return: 0, or -EBUSY (still not empty after the timeout; nothing was
 * removed where tasks remain), -ENOENT (destroyed already), -EDEADLK,
 * -EINVAL, -ECHILD.
 *
 * Since: NSBOX_0.1
 */
int nsbox_cgroup_destroy(nsbox_cgroup *cg);

#ifdef __cplusplus
}
#endif

#endif /* NSBOX_CGROUP_H */
