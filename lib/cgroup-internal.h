/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cgroup module's insides: the handle, the hierarchies it covers, and
 * the ops table of the v1 and v2 backends. cgroup.c holds the public
 * functions and the shared machinery (detection, create, attach, destroy);
 * cgroup-v1.c and cgroup-v2.c turn units into the files of each version.
 *
 * container*.c may include this header (STYLE rule 21).
 */
#ifndef NSB_CGROUP_INTERNAL_H
#define NSB_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <nsbox/cgroup.h>

/* Hierarchies a handle can cover: every v1 controller apart, plus cgroup2. */
#define CG_MAX_HIER 16
/* Controllers the library knows by bit index (see cgroup_ctl_names). */
#define CG_NCTL 7
#define CG_KNOWN_MASK NSBOX_CGROUP_ALL

struct cg_hier {
	int version;           /* 1 or 2 */
	uint32_t controllers;  /* NSBOX_CGROUP_* bits this hierarchy serves for the handle */
	char *mount;           /* mount point (absolute) */
	char *parent;          /* absolute directory of the parent group */
	char *path;            /* absolute directory of the group */
	int dfd;               /* O_PATH|O_DIRECTORY of the group once live, else -EBADF */
	char **created;        /* directories this handle made, outermost first */
	char **enabled;        /* v2: pairs <dir>, "-a -b": the undo of each "+a +b"
				* this handle's create wrote into <dir>'s
				* cgroup.subtree_control, outermost first */
};

/* What detection finds: every hierarchy mounted, before the handle's choice. */
struct cg_layout {
	int layout;            /* NSBOX_CGROUP_LAYOUT_* */
	uint32_t available;    /* known controllers available somewhere */
	size_t n;
	struct {
		int version;
		uint32_t controllers; /* v1: mounted ones; v2: listed in the root's cgroup.controllers */
		char *mount;
		char *self;    /* the caller's cgroup in it (relative to the mount, "/..."), or NULL */
	} h[CG_MAX_HIER];
};

/* CG_MAKING: between nsb_cgroup_create_begin() and _finish() (inside
 * nsbox_cgroup_create(), or a container's own copy around its clone). The
 * limit setters and getters treat it as live (its recorded limits are
 * written then); create and open as taken. */
enum cg_state { CG_NEW, CG_MAKING, CG_LIVE, CG_DESTROYED };

/* Limits set on a handle not yet created, applied by create in the order
 * they were set (seq). One slot per limit: setting it again replaces it. */
enum cg_limit {
	CGL_CPU_MAX,
	CGL_CPU_WEIGHT,
	CGL_CPUSET_CPUS,
	CGL_CPUSET_MEMS,
	CGL_MEMORY, /* + which: max, high, low, memory+swap */
	CGL_PIDS_MAX = CGL_MEMORY + 4,
	CGL_IO_WEIGHT,
	CGL_N
};

struct cg_pending {
	unsigned seq;          /* 0: not set */
	uint64_t a, b;         /* the setter's numbers */
	char *s;               /* cpuset lists */
};

struct cgroup_ops;

struct nsbox_cgroup {
	pid_t owner;
	enum cg_state state;
	char *name;
	char *parent;          /* explicit parent, or NULL */
	char *root;            /* explicit cgroupfs root, or NULL */
	uint32_t flags;
	uint32_t want;         /* NSBOX_CGROUP_* wanted */
	uint32_t covered;      /* NSBOX_CGROUP_* covered once live */
	uint64_t timeout_us;
	int layout;
	size_t nh;
	struct cg_hier h[CG_MAX_HIER];
	int v2;                /* index of the cgroup2 hierarchy, or -1 */
	struct cg_pending pending[CGL_N];
	unsigned pending_seq;
};

/*
 * The per-version backend. Each function acts on one hierarchy h of cg and
 * returns 0 or a negative errno with a message set. Limits take units.
 */
struct cgroup_ops {
	int (*set_cpu_max)(nsbox_cgroup *cg, struct cg_hier *h, uint64_t quota, uint64_t period);
	int (*get_cpu_max)(nsbox_cgroup *cg, struct cg_hier *h, uint64_t *quota, uint64_t *period);
	int (*set_cpu_weight)(nsbox_cgroup *cg, struct cg_hier *h, uint64_t weight);
	int (*get_cpu_weight)(nsbox_cgroup *cg, struct cg_hier *h, uint64_t *weight);
	/* which: 0 max, 1 high, 2 low, 3 memory+swap */
	int (*set_memory)(nsbox_cgroup *cg, struct cg_hier *h, int which, uint64_t bytes);
	int (*get_memory)(nsbox_cgroup *cg, struct cg_hier *h, int which, uint64_t *bytes);
	int (*set_io_weight)(nsbox_cgroup *cg, struct cg_hier *h, uint64_t weight);
	int (*get_io_weight)(nsbox_cgroup *cg, struct cg_hier *h, uint64_t *weight);
	/* NSBOX_CGROUP_STAT_* that live in this version's files of controller ctl. */
	int (*stat)(nsbox_cgroup *cg, struct cg_hier *h, int stat, uint64_t *out);
	int (*freeze)(nsbox_cgroup *cg, struct cg_hier *h, bool frozen);
	/* Prepare a fresh group (v1 cpuset: copy cpus/mems; v2: nothing). */
	int (*init_group)(nsbox_cgroup *cg, struct cg_hier *h, int parent_dfd, int dfd);
};

extern const struct cgroup_ops cgroup_v1_ops;
extern const struct cgroup_ops cgroup_v2_ops;

/* ---- shared helpers (cgroup.c) ---- */
const char *cgroup_ctl_name(uint32_t bit, int version);
/* Detect the layout below root (NULL: the real mounts). Free with
 * cgroup_layout_clear. A process's first detection of the real mounts
 * may leave out v1 hierarchies of no controller in want (the layout and
 * the cgroup2 hierarchy are always there). */
int cgroup_layout_detect(const char *root, uint32_t want, struct cg_layout *l);
void cgroup_layout_clear(struct cg_layout *l);
/* -ECHILD with a message after fork; -EINVAL unless live. */
int cgroup_check_live(nsbox_cgroup *cg, const char *what);
/* The hierarchy serving controller bit, or NULL. */
struct cg_hier *cgroup_hier_for(nsbox_cgroup *cg, uint32_t bit);
/* Read/write a file of the group, with a message naming it (and -ENOENT explained). */
int cgroup_write(nsbox_cgroup *cg, struct cg_hier *h, const char *file, const char *value);
int cgroup_read(nsbox_cgroup *cg, struct cg_hier *h, const char *file, char **out);
int cgroup_read_u64(nsbox_cgroup *cg, struct cg_hier *h, const char *file, uint64_t *out);
/* "key value" lines (cpu.stat, memory.events, ...): value of key; -ENODATA if absent. */
int cgroup_read_keyed(nsbox_cgroup *cg, struct cg_hier *h, const char *file, const char *key,
		      uint64_t *out);
bool cgroup_has_file(struct cg_hier *h, const char *file);
/* Wait: sleep with backoff; returns false once deadline (CLOCK_MONOTONIC µs) passed. */
uint64_t cgroup_now_us(void);
bool cgroup_backoff(uint64_t deadline, unsigned *round);

/*
 * For the container module (issue 7): write pid into cgroup.procs of every
 * covered hierarchy (what nsbox_cgroup_attach does, minus the pid checks),
 * and the v2 group's directory fd (owned by the handle, -EBADF if none).
 */
int cgroup_attach_pid(nsbox_cgroup *cg, pid_t pid);
int cgroup_v2_dfd(const nsbox_cgroup *cg);

/*
 * For the container module (issue 7), lib/cgroup-copy.c: a deep copy of the
 * group's directory in each covered hierarchy, taken from a live handle.
 * Release with nsb_cgroup_desc_done(). 0, -EINVAL (not live), -ECHILD, -ENOMEM.
 */
struct nsb_cgroup_desc {
	char *name;
	int layout;            /* NSBOX_CGROUP_LAYOUT_* */
	size_t n;
	struct {
		int version;   /* 1 or 2 */
		uint32_t controllers;
		char *path;    /* absolute directory of the group */
	} h[CG_MAX_HIER];
	int v2;                /* index of the cgroup2 hierarchy, or -1 */
};
int nsb_cgroup_describe(const nsbox_cgroup *cg, struct nsb_cgroup_desc *out);
void nsb_cgroup_desc_done(struct nsb_cgroup_desc *d);

/*
 * For the container module (issue 7): a container given a handle not yet
 * created makes the group itself, split around its clone so that the v1
 * part overlaps the child's own setup (see container-integrate.c).
 *
 * nsb_cgroup_copy_new: a new handle (not created) with cg's name, parent,
 *   root, controllers, flags, time bound and recorded limits. 0, -EINVAL
 *   (cg is not new), -ECHILD, -ENOMEM.
 * nsb_cgroup_create_begin: what nsbox_cgroup_create() does for the cgroup2
 *   hierarchy only (and the limits that live there): the handle goes from
 *   new to "making", and nsb_cgroup_describe() works on it.
 *   On failure what it made is removed and the handle is new again.
 * nsb_cgroup_create_finish: the same for the v1 hierarchies; the handle is
 *   live. On failure it stays "making": call nsb_cgroup_create_abort() once
 *   no process is left in the cgroup2 group.
 * nsb_cgroup_create_abort: remove what begin and finish made (the groups
 *   must hold no process) and make the handle new again; for a start that
 *   fails after them. Best effort.
 * nsb_cgroup_is_new: the handle is not created or opened yet.
 */
int nsb_cgroup_copy_new(const nsbox_cgroup *cg, nsbox_cgroup **out);
int nsb_cgroup_create_begin(nsbox_cgroup *cg);
int nsb_cgroup_create_finish(nsbox_cgroup *cg);
void nsb_cgroup_create_abort(nsbox_cgroup *cg);
bool nsb_cgroup_is_new(const nsbox_cgroup *cg);
/* nsbox_cgroup_destroy() of a group whose processes are gone (a container's
 * own group once the container is reaped: its pid namespace went with its
 * init): the rmdirs come first, and only a group still busy is killed. */
int nsb_cgroup_destroy_emptied(nsbox_cgroup *cg);

#endif /* NSB_CGROUP_INTERNAL_H */
