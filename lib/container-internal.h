/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internals of the container module, shared by container.c (the API, run
 * in the caller), container-prepare.c (turns a handle into a flat plan) and
 * container-child.c (runs the plan between clone and execve:
 * async-signal-safe only, see STYLE.md rule 17).
 *
 * How a start works (container.c, nsb_container_start_internal()):
 *   1. nsb_container_plan_build(): every path, option and string the child
 *      needs is rendered into a struct nsb_plan (flat arrays, no pointers
 *      into the handle that could change);
 *   2. a CLOEXEC socket pair for "go on" (parent -> child); the child's
 *      first act is to make the CLOEXEC "report" pipe ((step, errno, index)
 *      records) and send its read end over the socket: made after the clone,
 *      its write end is in no other process (a fork by another thread of
 *      the caller cannot keep it open), so exec or exit closes it for sure;
 *   3. clone3(CLONE_PIDFD | namespaces) (clone(2) + pidfd_open otherwise);
 *      the child blocks on the "go on" pipe. With a layered root, a group
 *      the start makes or a network, not CLONE_NEWNET: making a network
 *      namespace is the dearest part of a start (0.7 ms here), so the child
 *      makes it itself (unshare) before it sends the report pipe, on
 *      another CPU (the scheduler places a new child on an idle one), while
 *      the parent makes the root's mounts (detached; they go to the child
 *      with "go on" over the socket, SCM_RIGHTS), the group's v1 part, and
 *      the network's host side (nsb_container_integrate_after_clone());
 *   4. the PARENT STEPS run in the parent, in order: the built-in uid/gid map
 *      writer, then nsb_container_integrate_parent() (container-integrate.c:
 *      cgroup v2 fallback attach, the veth into the child's netns), then
 *      every hook added with nsb_container_add_parent_hook() (an internal
 *      extension point, used by the tests; a hook gets the child's pid and
 *      pidfd); a failing step kills and reaps the child, and start fails;
 *      they run once the child's report pipe came (the child is in its
 *      network namespace then), or, when no step needs that (no network,
 *      no hooks), as soon as the parent's own work is done;
 *   5. one byte on "go on" (with the late mounts' and v1 cgroups' fds); the
 *      parent reads the report pipe until EOF (successful execve closes it)
 *      and turns a record into an error.
 */
#ifndef NSB_CONTAINER_INTERNAL_H
#define NSB_CONTAINER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <nsbox/container.h>

#include "cgroup-internal.h"
#include "layerset-internal.h"

struct nsbox_netlink;

#define NSB_MAX_ID_RANGES 340
#define NSB_MAX_EXTRA_FDS 64
#define NSB_MAX_RLIMITS 16
#define NSB_MAX_HOOKS 8

/* One record on the report pipe. */
struct nsb_report {
	int32_t kind;  /* NSB_REPORT_ERROR or NSB_REPORT_STATUS */
	int32_t step;  /* enum nsb_step */
	int32_t err;   /* positive errno (ERROR) or wait status (STATUS) */
	int32_t index; /* index into the plan's list of that step, or -1 */
};
#define NSB_REPORT_ERROR 1
#define NSB_REPORT_STATUS 2

/* The steps the child can fail in; container.c turns them into messages. */
enum nsb_step {
	NSB_STEP_SYNC = 1,     /* waiting for the parent's "go on" */
	NSB_STEP_CGROUPNS,     /* unshare(CLONE_NEWCGROUP) */
	NSB_STEP_BECOME_ROOT,  /* setresuid/gid(0) in a new user namespace */
	NSB_STEP_TIMENS,       /* unshare(CLONE_NEWTIME) */
	NSB_STEP_TIMENS_OFFSETS,
	NSB_STEP_PRIVATE,      /* make / recursively private */
	NSB_STEP_ROOT,         /* clone the root tree and attach it */
	NSB_STEP_OP,           /* plan.ops[index] */
	NSB_STEP_ROOT_READONLY,
	NSB_STEP_PIVOT,
	NSB_STEP_HOSTNAME,
	NSB_STEP_DOMAINNAME,
	NSB_STEP_CWD,
	NSB_STEP_RLIMIT,       /* plan.rlimits[index] */
	NSB_STEP_CAPBSET,
	NSB_STEP_GROUPS,
	NSB_STEP_GID,
	NSB_STEP_UID,
	NSB_STEP_CAPS,
	NSB_STEP_NNP,
	NSB_STEP_FDS,
	NSB_STEP_EXEC,
	NSB_STEP_SETNS,        /* enter: joining namespaces (index: kind bit or -1 for all) */
	NSB_STEP_ENTER_ROOT,   /* enter: taking the target's root */
	NSB_STEP_FORK,         /* enter: forking the program */
	NSB_STEP_CGROUP,       /* joining plan.cgroup_fd[index] (a v1 hierarchy) */
	NSB_STEP_NETNS,        /* unshare(CLONE_NEWNET), see plan.unshare_net */
};

/* Kinds of mount-table operations, done in order below the root. */
enum nsb_op_kind {
	NSB_OP_BIND = 1,  /* open_tree(source) + move_mount onto target */
	NSB_OP_FS,        /* fsopen(fstype) + fsconfig(keys/vals) + fsmount + move_mount */
	NSB_OP_MKNOD,     /* character device node (no user namespace) */
	NSB_OP_DEVBIND,   /* an empty file bound to the host's device of the same name */
	NSB_OP_SYMLINK,   /* target -> source */
	NSB_OP_MASK,      /* tmpfs (dir) or /dev/null (file) over target; missing is fine */
	NSB_OP_READONLY,  /* bind target onto itself, read-only; missing is fine */
};

#define NSB_OP_MAX_OPTS 16

/* One operation. Every string is owned by the plan (rendered in the parent). */
struct nsb_op {
	int kind;
	const char *source;   /* bind source (host path), fs type, or symlink text */
	const char *target;   /* relative to the root, no leading '/' */
	const char *display;  /* for messages: "mount proc on /proc" */
	bool target_is_file;  /* make a file (not a dir) when missing */
	bool recursive;
	uint64_t attr;        /* MOUNT_ATTR_* (fsmount / mount_setattr) */
	unsigned int dev_major, dev_minor, mode;
	size_t nopts;
	const char *opt_key[NSB_OP_MAX_OPTS];
	const char *opt_val[NSB_OP_MAX_OPTS]; /* NULL: a flag */
};

struct nsb_rlimit {
	int resource;
	uint64_t soft, hard;
};

/* Everything the child reads. Built by nsb_container_plan_build(). */
struct nsb_plan {
	uint32_t ns;          /* NSBOX_NS_* */
	int clone_flags;      /* CLONE_NEW* given to clone (no CLONE_NEWTIME) */
	bool unshare_net;     /* start: the child makes its network namespace
			       * (unshare) before it sends the report pipe */
	bool test_fail_netns; /* nsbox_container.test_fail_netns */
	/* fds of the plan: the child uses them as-is */
	int report_fd;        /* write end of the report pipe (enter), or -1:
			       * the start child makes its own pipe and sends
			       * the read end over sync_fd (see container.c) */
	int sync_fd;          /* read end of the "go on" pipe, -1 if none */
	int child_close[2];   /* the parent's ends, closed first thing in the child */
	bool unshare_cgroup;  /* unshare(CLONE_NEWCGROUP) after "go on", so the
			       * cgroup ns root is the cgroup the parent steps chose */
	/* issue 7: "tasks" files of the v1 groups to join, opened by the parent;
	 * the child writes "0" (itself) to each first thing, before "go on" */
	int cgroup_fd[CG_MAX_HIER];
	const char *cgroup_path[CG_MAX_HIER]; /* for messages */
	size_t ncgroup_fds;
	bool late_cgroup;     /* the parent makes the v1 groups after the clone
			       * (a group the start makes): cgroup_fd[] are -1,
			       * the ncgroup_fds "tasks" fds come first with "go
			       * on", and the child joins right after it */

	bool become_root;     /* new user ns with 0 mapped: setresuid/gid(0) first */
	const char *timens_offsets; /* "monotonic S N\nboottime S N\n" or NULL */

	bool private_mounts;  /* a mount ns: make / rec-private */
	const char *root;     /* host path of the root dir (also the mount point) */
	int root_mount_fd;    /* -1, or a detached mount (fsmount/open_tree) to
			       * attach on root instead of cloning root (issue 7) */
	bool late_root;       /* the root mount (and the scratch tmpfs, if any)
			       * come with "go on" instead (a layered root,
			       * made while the child makes its netns) */
	int scratch_mount_fd; /* -1, or the ephemeral layer's detached tmpfs: the
			       * child attaches it on the old root's /proc, so it
			       * is unmounted with the old root (see
			       * container-integrate.c) */
	bool root_readonly;
	struct nsb_op *ops;
	size_t nops;

	const char *hostname, *domainname;
	const char *cwd;       /* absolute, inside the root */
	struct nsb_rlimit rlimits[NSB_MAX_RLIMITS];
	size_t nrlimits;

	bool set_caps;
	uint64_t caps;
	int last_cap;
	bool set_user;
	uint32_t uid, gid;
	bool setgroups_allowed;
	bool no_new_privs;

	/* fds: fd_src[i] becomes fd_dst[i]; everything else is closed at exec */
	int fd_src[3 + NSB_MAX_EXTRA_FDS];
	int fd_dst[3 + NSB_MAX_EXTRA_FDS];
	size_t nfds;
	int fd_high;           /* first free number above all sources and targets */

	const char *const *argv;
	const char *const *envp;
	const char *const *exec_paths; /* candidates for argv[0], in PATH order */

	/* enter only */
	int enter_pidfd;
	int enter_nsfd[8];     /* per NSBOX_NS_* bit, -1 if not joined */
	int enter_flags;       /* CLONE_NEW* to join */
	int enter_root_fd, enter_cwd_fd;

	void *arena;           /* everything above that was allocated (freed by plan_free) */
};

/* A parent step run between clone and "go on" (see the top of this file). */
typedef int (*nsb_container_hook_fn)(nsbox_container *c, pid_t pid, int pidfd, void *userdata);

struct nsb_id_range {
	uint32_t inside, outside, count;
};

struct nsbox_container {
	pid_t owner_pid;
	uint32_t ns;
	char *root;
	bool root_readonly;
	int root_mount_fd;      /* issue 7: detached mount for the root, owned */
	char *hostname, *domainname;
	struct nsb_id_range uid_map[NSB_MAX_ID_RANGES], gid_map[NSB_MAX_ID_RANGES];
	size_t n_uid_map, n_gid_map;
	bool user_set;
	uint32_t uid, gid;
	char **argv, **envp;
	char *cwd;
	struct nsb_user_mount {
		int type;
		char *source, *target, *options;
		uint32_t flags;
	} *mounts;
	size_t nmounts;
	bool default_mounts;
	char **masked, **readonly; /* NULL: defaults */
	bool time_set[3];
	int64_t time_sec[3], time_nsec[3];
	struct nsb_rlimit rlimits[NSB_MAX_RLIMITS];
	size_t nrlimits;
	uint64_t caps;
	bool no_new_privs;
	int stdio[3];           /* owned dups, or -1 for the caller's */
	int extra_src[NSB_MAX_EXTRA_FDS], extra_dst[NSB_MAX_EXTRA_FDS];
	size_t nextra;
	bool keep_running;
	bool setgroups_denied;  /* computed at start: the gid map needs "deny" */
	struct {
		nsb_container_hook_fn fn;
		void *userdata;
		char *name;
	} hooks[NSB_MAX_HOOKS];
	size_t nhooks;
	/* Test knobs: take the paths of older kernels (clone(2) + pidfd_open
	 * instead of clone3; setns one namespace at a time instead of a pidfd);
	 * make the child's own unshare of its network namespace fail (EINVAL). */
	bool test_no_clone3, test_no_pidfd_setns, test_fail_netns;

	/* issue 7 (container-integrate.c): what the container copied from a
	 * layer set, a cgroup and the network setters. */
	bool has_layers;
	bool layers_volatile;
	struct nsb_layerset_desc layers;
	int layer_hold_fd;      /* shared flock on the top store layer while the
				 * container runs (nsb_ls_hold_layer), or -1 */
	bool has_cgroup;
	struct nsb_cgroup_desc cgroup;
	/* A copy of a cgroup handle given before it was created: the start
	 * makes the group (nsb_cgroup_create_begin/finish around the clone),
	 * and the container removes it once it has reaped its process. */
	nsbox_cgroup *own_cgroup;
	bool own_cgroup_live;   /* made by a successful start, not removed yet */
	/* The writable layer on a private tmpfs made at start (0: off,
	 * NSBOX_UNLIMITED: tmpfs default size), and the files put in its init
	 * lower (nsbox_container_add_file). */
	uint64_t ephemeral_size;
	struct nsb_container_file {
		char *path;     /* absolute, clean */
		char *content;
		size_t len;
		uint32_t mode;
	} *files;
	size_t nfiles;
	struct {
		char *bridge, *cidr, *gateway, *ifname; /* bridge NULL: no network */
		int host_nsfd;  /* owned dup, or -1 for the caller's namespace */
	} net;
	/* ... and what one start made (undone if it fails) */
	char *start_root;       /* "/" for a layered root (see container-integrate.c), or NULL */
	bool start_root_fd;     /* root_mount_fd was made by this start (layers) */
	int start_scratch_fd;   /* the ephemeral layer's tmpfs mount, or -1 */
	int start_cgroup_fd;    /* v2 group for CLONE_INTO_CGROUP, or -1 */
	int start_v1_fd[CG_MAX_HIER]; /* "tasks" of each v1 group, the child joins */
	size_t start_n_v1;
	bool start_v2_joined;   /* clone3 honoured CLONE_INTO_CGROUP */
	bool start_cgroup_late; /* this start makes own_cgroup; its v1 groups
				 * after the clone (start_v1_fd then) */
	struct nsbox_netlink *start_host_nl;
	char start_veth[16];    /* host end made by this start, "" if none */
	bool start_bridge_made;

	/* state */
	bool started, reaped;
	pid_t pid;
	int pidfd;
	int exit_code, exit_signal;
};

/*
 * Add a parent step (issue 7). name is used in messages: "<name>: <error>".
 * Returns 0, -E2BIG or -ENOMEM.
 */
int nsb_container_add_parent_hook(nsbox_container *c, const char *name, nsb_container_hook_fn fn,
				  void *userdata);
/* Use a detached mount (from fsmount/open_tree, fd taken over) as the root;
 * the child attaches it (move_mount) on the directory set with
 * nsbox_container_set_root(), inside its own mount namespace, instead of
 * cloning that directory. The handle closes the fd after a successful
 * start, so the mount lives exactly as long as the container. */
int nsb_container_set_root_mount_fd(nsbox_container *c, int fd);

/* The directory that becomes the root for this start: the layers' merged
 * directory or the root set with nsbox_container_set_root(). */
static inline const char *nsb_container_root(const nsbox_container *c)
{
	return c->start_root ? c->start_root : c->root;
}

/* container-integrate.c (issue 7): layers, cgroup and network at start.
 * prepare: before the clone (checks, layer hold, cgroup fds, a cgroup made
 * by the start: its cgroup2 part); after_clone: while the child makes its
 * network namespace (the layered root's detached mounts and the v1 part of
 * a cgroup made by the start, sent with "go on"; a network's host side);
 * parent: a parent step (cgroup attach, veth); undo: after a failed start
 * (child already reaped); done: after a successful one; free: from
 * nsbox_container_free(). */
void nsb_container_integrate_init(nsbox_container *c);
int nsb_container_integrate_prepare(nsbox_container *c);
int nsb_container_integrate_after_clone(nsbox_container *c);
int nsb_container_integrate_parent(nsbox_container *c, pid_t pid);
void nsb_container_integrate_undo(nsbox_container *c);
void nsb_container_integrate_done(nsbox_container *c);
void nsb_container_integrate_free(nsbox_container *c);
/* After the container's process was reaped: remove the cgroup the start
 * made (own_cgroup). 0, or the error of nsbox_cgroup_destroy(). */
int nsb_container_integrate_reaped(nsbox_container *c);

/*
 * For setters: -ECHILD when called from a process forked after the handle
 * was made, -EBUSY once the container was started (sets the message).
 */
int nsb_container_check_config(const nsbox_container *c);
#define CHECK_CONFIG(c)                                                                            \
	do {                                                                                       \
		int _r;                                                                            \
		NSB_CHECK_ARG(c);                                                                  \
		_r = nsb_container_check_config(c);                                                \
		if (_r < 0)                                                                        \
			return _r;                                                                 \
	} while (0)

/* container-prepare.c */
/* Split "size=64m,mode=755,nosuid" into fsconfig keys/values (kept in p when
 * p is not NULL) and MOUNT_ATTR_* bits; 0, -EINVAL (too many), -ENOMEM. */
int nsb_container_parse_options(const char *options, uint64_t *attr, size_t *nopts,
				const char **keys, const char **vals, struct nsb_plan *p);
int nsb_container_plan_build(nsbox_container *c, bool for_enter, struct nsb_plan **out);
void nsb_container_plan_free(struct nsb_plan *p);
/* A message for a child's report: "exec /bin/x in container: <strerror>"; returns -err. */
int nsb_container_report_error(const struct nsb_plan *p, const struct nsb_report *rep);

/* container-child.c: never return. */
__attribute__((noreturn)) void nsb_container_child_main(const struct nsb_plan *p);
__attribute__((noreturn)) void nsb_container_enter_child_main(const struct nsb_plan *p);

/* Map NSBOX_NS_* bits to CLONE_NEW* flags. */
int nsb_ns_to_clone_flags(uint32_t ns);

#endif /* NSB_CONTAINER_INTERNAL_H */
