/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Turn a container handle into the flat plan the child runs (see
 * container-internal.h): every string rendered, every list flattened, all
 * in the parent, so the child never allocates. Also the messages for the
 * child's reports.
 */

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container-internal.h"
#include "error.h"
#include "macro.h"
#include "system.h"
#include "util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct arena {
	void **v;
	size_t n, cap;
};

static void *arena_keep(struct nsb_plan *p, void *ptr)
{
	struct arena *a = p->arena;

	if (!ptr)
		return NULL;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 64;
		void **v = realloc(a->v, cap * sizeof(void *));
		if (!v) {
			free(ptr);
			return NULL;
		}
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = ptr;
	return ptr;
}

static char *arena_strdup(struct nsb_plan *p, const char *s)
{
	return arena_keep(p, strdup(s));
}

static char *arena_printf(struct nsb_plan *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static char *arena_printf(struct nsb_plan *p, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return NULL;
	return arena_keep(p, s);
}

void nsb_container_plan_free(struct nsb_plan *p)
{
	struct arena *a;

	if (!p)
		return;
	a = p->arena;
	if (a) {
		for (size_t i = 0; i < a->n; i++)
			free(a->v[i]);
		free(a->v);
		free(a);
	}
	free(p->ops);
	free(p);
}

int nsb_ns_to_clone_flags(uint32_t ns)
{
	int f = 0;

	if (ns & NSBOX_NS_MOUNT)
		f |= CLONE_NEWNS;
	if (ns & NSBOX_NS_PID)
		f |= CLONE_NEWPID;
	if (ns & NSBOX_NS_NET)
		f |= CLONE_NEWNET;
	if (ns & NSBOX_NS_UTS)
		f |= CLONE_NEWUTS;
	if (ns & NSBOX_NS_IPC)
		f |= CLONE_NEWIPC;
	if (ns & NSBOX_NS_USER)
		f |= CLONE_NEWUSER;
	if (ns & NSBOX_NS_CGROUP)
		f |= CLONE_NEWCGROUP;
	if (ns & NSBOX_NS_TIME)
		f |= 0x00000080; /* CLONE_NEWTIME */
	return f;
}

/* Append an op; returns it zeroed, or NULL on OOM. */
static struct nsb_op *op_add(struct nsb_plan *p, size_t *cap, int kind, const char *target)
{
	struct nsb_op *op;

	if (p->nops == *cap) {
		size_t n = *cap ? *cap * 2 : 32;
		struct nsb_op *v = realloc(p->ops, n * sizeof(*v));
		if (!v)
			return NULL;
		p->ops = v;
		*cap = n;
	}
	op = &p->ops[p->nops];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	/* targets are kept relative to the root: "/dev/pts" -> "dev/pts" */
	while (*target == '/')
		target++;
	op->target = arena_strdup(p, target);
	if (!op->target)
		return NULL;
	p->nops++;
	return op;
}

/*
 * Split "size=64m,mode=755,nosuid" into fsconfig keys/values and mount
 * attributes. Returns 0 or -EINVAL (too many options), -ENOMEM.
 */
int nsb_container_parse_options(const char *options, uint64_t *attr, size_t *nopts,
				const char **keys, const char **vals, struct nsb_plan *p)
{
	static const struct {
		const char *name;
		uint64_t set, clear;
	} attrs[] = {
		{"ro", MOUNT_ATTR_RDONLY, 0},
		{"rw", 0, MOUNT_ATTR_RDONLY},
		{"nosuid", MOUNT_ATTR_NOSUID, 0},
		{"suid", 0, MOUNT_ATTR_NOSUID},
		{"nodev", MOUNT_ATTR_NODEV, 0},
		{"dev", 0, MOUNT_ATTR_NODEV},
		{"noexec", MOUNT_ATTR_NOEXEC, 0},
		{"exec", 0, MOUNT_ATTR_NOEXEC},
		{"noatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
		{"strictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
		{"relatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
		{"nodiratime", MOUNT_ATTR_NODIRATIME, 0},
	};
	nsb_autofree char *copy = NULL;
	char *save = NULL, *tok;

	*nopts = 0;
	if (!options || !*options)
		return 0;
	copy = strdup(options);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool is_attr = false;
		char *eq;
		for (size_t i = 0; i < NSB_ARRAY_SIZE(attrs); i++) {
			if (strcmp(tok, attrs[i].name) == 0) {
				*attr = (*attr & ~attrs[i].clear) | attrs[i].set;
				is_attr = true;
				break;
			}
		}
		if (is_attr)
			continue;
		if (*nopts >= NSB_OP_MAX_OPTS)
			return -EINVAL;
		eq = strchr(tok, '=');
		if (eq)
			*eq = '\0';
		if (p) {
			keys[*nopts] = arena_strdup(p, tok);
			vals[*nopts] = eq ? arena_strdup(p, eq + 1) : NULL;
			if (!keys[*nopts] || (eq && !vals[*nopts]))
				return -ENOMEM;
		}
		(*nopts)++;
	}
	return 0;
}

static int add_fs(struct nsb_plan *p, size_t *cap, const char *fstype, const char *target,
		  const char *options, uint64_t attr)
{
	struct nsb_op *op = op_add(p, cap, NSB_OP_FS, target);

	if (!op)
		return -ENOMEM;
	op->source = arena_strdup(p, fstype);
	op->attr = attr;
	op->display = arena_printf(p, "mount %s on %s", fstype, target);
	if (!op->source || !op->display)
		return -ENOMEM;
	return nsb_container_parse_options(options, &op->attr, &op->nopts, op->opt_key,
					   op->opt_val, p);
}

static int add_bind(struct nsb_plan *p, size_t *cap, const char *source, const char *target,
		    bool recursive, uint64_t attr)
{
	struct nsb_op *op = op_add(p, cap, NSB_OP_BIND, target);
	struct stat st;

	if (!op)
		return -ENOMEM;
	op->source = arena_strdup(p, source);
	op->recursive = recursive;
	op->attr = attr;
	op->target_is_file = stat(source, &st) == 0 && !S_ISDIR(st.st_mode);
	op->display = arena_printf(p, "bind %s on %s", source, target);
	return op->source && op->display ? 0 : -ENOMEM;
}

static int add_simple(struct nsb_plan *p, size_t *cap, int kind, const char *source,
		      const char *target, const char *display)
{
	struct nsb_op *op = op_add(p, cap, kind, target);

	if (!op)
		return -ENOMEM;
	op->source = source ? arena_strdup(p, source) : NULL;
	op->display = arena_printf(p, "%s %s", display, target);
	return (!source || op->source) && op->display ? 0 : -ENOMEM;
}

static const char *const default_masked[] = {
	"/proc/asound",	     "/proc/acpi",	   "/proc/kcore",	"/proc/keys",
	"/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
	"/proc/scsi",	     "/sys/firmware",	   "/sys/devices/virtual/powercap", NULL,
};
static const char *const default_readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static int add_default_mounts(struct nsb_plan *p, size_t *cap, const nsbox_container *c)
{
	static const struct {
		const char *name;
		unsigned int major, minor;
	} devs[] = {{"null", 1, 3},   {"zero", 1, 5},	 {"full", 1, 7},
		    {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
	static const struct {
		const char *name, *to;
	} links[] = {{"/dev/fd", "/proc/self/fd"},
		     {"/dev/stdin", "/proc/self/fd/0"},
		     {"/dev/stdout", "/proc/self/fd/1"},
		     {"/dev/stderr", "/proc/self/fd/2"},
		     {"/dev/ptmx", "pts/ptmx"}};
	bool userns = c->ns & NSBOX_NS_USER;
	int r;

	/* /proc of the container's pid namespace; a user namespace without its
	 * own pid namespace may not mount proc: bind the host's instead. */
	if (userns && !(c->ns & NSBOX_NS_PID))
		r = add_bind(p, cap, "/proc", "/proc", true, 0);
	else
		r = add_fs(p, cap, "proc", "/proc", NULL,
			   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (r < 0)
		return r;
	r = add_fs(p, cap, "tmpfs", "/dev", "mode=755,size=65536k",
		   MOUNT_ATTR_NOSUID | MOUNT_ATTR_STRICTATIME);
	if (r < 0)
		return r;
	for (size_t i = 0; i < NSB_ARRAY_SIZE(devs); i++) {
		nsb_autofree char *target = nsb_strdup_printf("/dev/%s", devs[i].name);
		if (!target)
			return -ENOMEM;
		if (userns) {
			/* No mknod in a user namespace: bind the host's node. */
			r = add_simple(p, cap, NSB_OP_DEVBIND, target, target, "bind device");
		} else {
			r = add_simple(p, cap, NSB_OP_MKNOD, NULL, target, "make device");
			if (r >= 0) {
				struct nsb_op *op = &p->ops[p->nops - 1];
				op->dev_major = devs[i].major;
				op->dev_minor = devs[i].minor;
				op->mode = 0666;
			}
		}
		if (r < 0)
			return r;
	}
	r = add_fs(p, cap, "devpts", "/dev/pts",
		   userns ? "newinstance,ptmxmode=0666,mode=0620"
			  : "newinstance,ptmxmode=0666,mode=0620,gid=5",
		   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
	if (r < 0)
		return r;
	r = add_fs(p, cap, "tmpfs", "/dev/shm", "mode=1777,size=65536k",
		   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	if (r < 0)
		return r;
	if (c->ns & NSBOX_NS_IPC) {
		r = add_fs(p, cap, "mqueue", "/dev/mqueue", NULL,
			   MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < NSB_ARRAY_SIZE(links); i++) {
		r = add_simple(p, cap, NSB_OP_SYMLINK, links[i].to, links[i].name, "make link");
		if (r < 0)
			return r;
	}
	/* sysfs shows the mounter's network namespace and needs it to belong to
	 * the user namespace: without a net namespace there, bind the host's. */
	if (userns && !(c->ns & NSBOX_NS_NET))
		r = add_bind(p, cap, "/sys", "/sys", true,
			     MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				     MOUNT_ATTR_NOEXEC);
	else
		r = add_fs(p, cap, "sysfs", "/sys", NULL,
			   MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
				   MOUNT_ATTR_NOEXEC);
	return r;
}

static int add_user_mounts(struct nsb_plan *p, size_t *cap, const nsbox_container *c)
{
	static const char *const fstypes[] = {
		[NSBOX_MOUNT_TMPFS] = "tmpfs",	 [NSBOX_MOUNT_PROC] = "proc",
		[NSBOX_MOUNT_SYSFS] = "sysfs",	 [NSBOX_MOUNT_DEVPTS] = "devpts",
		[NSBOX_MOUNT_MQUEUE] = "mqueue",
	};
	int r;

	for (size_t i = 0; i < c->nmounts; i++) {
		const struct nsb_user_mount *m = &c->mounts[i];
		uint64_t attr = (m->flags & NSBOX_MOUNT_READONLY) ? MOUNT_ATTR_RDONLY : 0;
		if (m->type == NSBOX_MOUNT_BIND) {
			size_t n;
			r = nsb_container_parse_options(m->options, &attr, &n, NULL, NULL, NULL);
			if (r >= 0)
				r = add_bind(p, cap, m->source, m->target,
					     m->flags & NSBOX_MOUNT_RECURSIVE, attr);
		} else {
			r = add_fs(p, cap, fstypes[m->type], m->target, m->options, attr);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int add_paths(struct nsb_plan *p, size_t *cap, int kind, char *const *paths,
		     const char *const *defaults)
{
	const char *const *v = paths ? (const char *const *)paths : defaults;
	int r;

	for (size_t i = 0; v[i]; i++) {
		r = add_simple(p, cap, kind, NULL, v[i],
			       kind == NSB_OP_MASK ? "mask" : "make read-only");
		if (r < 0)
			return r;
	}
	return 0;
}

static const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; envp && envp[i]; i++)
		if (strncmp(envp[i], name, n) == 0 && envp[i][n] == '=')
			return envp[i] + n + 1;
	return NULL;
}

static int build_exec(struct nsb_plan *p, const nsbox_container *c)
{
	const char **argv, **envp, **paths;
	size_t argc = nsb_strv_length(c->argv), envc = nsb_strv_length(c->envp), npaths = 0;
	const char *path_var;
	nsb_autofree char *dirs = NULL;

	argv = arena_keep(p, calloc(argc + 1, sizeof(char *)));
	if (!argv)
		return -ENOMEM;
	for (size_t i = 0; i < argc; i++)
		if (!(argv[i] = arena_strdup(p, c->argv[i])))
			return -ENOMEM;
	if (c->envp) {
		envp = arena_keep(p, calloc(envc + 1, sizeof(char *)));
		if (!envp)
			return -ENOMEM;
		for (size_t i = 0; i < envc; i++)
			if (!(envp[i] = arena_strdup(p, c->envp[i])))
				return -ENOMEM;
	} else {
		bool root = !c->user_set || c->uid == 0;
		envp = arena_keep(p, calloc(4, sizeof(char *)));
		if (!envp)
			return -ENOMEM;
		envp[0] = arena_strdup(p, "PATH=" DEFAULT_PATH);
		envp[1] = arena_strdup(p, root ? "HOME=/root" : "HOME=/");
		envp[2] = arena_strdup(p, "TERM=xterm");
		if (!envp[0] || !envp[1] || !envp[2])
			return -ENOMEM;
	}
	p->argv = argv;
	p->envp = envp;

	if (strchr(argv[0], '/')) {
		paths = arena_keep(p, calloc(2, sizeof(char *)));
		if (!paths)
			return -ENOMEM;
		paths[0] = argv[0];
		p->exec_paths = paths;
		return 0;
	}
	path_var = env_get((char *const *)envp, "PATH");
	if (!path_var)
		path_var = DEFAULT_PATH;
	dirs = strdup(path_var);
	if (!dirs)
		return -ENOMEM;
	paths = arena_keep(p, calloc(strlen(path_var) + 2, sizeof(char *)));
	if (!paths)
		return -ENOMEM;
	for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save))
		if (!(paths[npaths++] = arena_printf(p, "%s/%s", d, argv[0])))
			return -ENOMEM;
	if (npaths == 0 && !(paths[npaths++] = arena_printf(p, "./%s", argv[0])))
		return -ENOMEM;
	p->exec_paths = paths;
	return 0;
}

static bool id_mapped(const struct nsb_id_range *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].inside && id - m[i].inside < m[i].count)
			return true;
	return false;
}

int nsb_container_plan_build(nsbox_container *c, bool for_enter, struct nsb_plan **out)
{
	const char *root = nsb_container_root(c);
	struct nsb_plan *p;
	size_t cap = 0;
	int r, maxfd = 2;
	bool userns = c->ns & NSBOX_NS_USER;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->arena = calloc(1, sizeof(struct arena));
	if (!p->arena) {
		free(p);
		return -ENOMEM;
	}
	p->report_fd = p->sync_fd = -1;
	p->child_close[0] = p->child_close[1] = -1;
	p->root_mount_fd = -1;
	p->scratch_mount_fd = -1;
	p->enter_pidfd = p->enter_root_fd = p->enter_cwd_fd = -1;
	for (int i = 0; i < 8; i++)
		p->enter_nsfd[i] = -1;

	r = build_exec(p, c);
	if (r < 0)
		goto fail;
	p->no_new_privs = c->no_new_privs;
	p->uid = c->uid;
	p->gid = c->gid;

	/* fds: stdio first, then the extras */
	for (int i = 0; i < 3; i++) {
		p->fd_src[i] = c->stdio[i] >= 0 ? c->stdio[i] : i;
		p->fd_dst[i] = i;
		if (p->fd_src[i] > maxfd)
			maxfd = p->fd_src[i];
	}
	p->nfds = 3;
	for (size_t i = 0; i < c->nextra; i++) {
		p->fd_src[p->nfds] = c->extra_src[i];
		p->fd_dst[p->nfds] = c->extra_dst[i];
		if (c->extra_src[i] > maxfd)
			maxfd = c->extra_src[i];
		if (c->extra_dst[i] > maxfd)
			maxfd = c->extra_dst[i];
		p->nfds++;
	}
	p->fd_high = maxfd + 1;

	if (for_enter) {
		p->set_user = c->user_set;
		p->setgroups_allowed = true;
		p->cwd = c->cwd ? arena_strdup(p, c->cwd) : NULL;
		if (c->cwd && !p->cwd)
			goto oom;
		*out = p;
		return 0;
	}

	p->ns = c->ns;
	/* Time and cgroup namespaces are unshared by the child (see container.c). */
	p->clone_flags = nsb_ns_to_clone_flags(c->ns & ~(NSBOX_NS_TIME | NSBOX_NS_CGROUP));
	p->unshare_cgroup = c->ns & NSBOX_NS_CGROUP;
	/* The v1 groups' "tasks": open already, or sent with "go on" when the
	 * start makes the groups after the clone. */
	p->late_cgroup = c->start_cgroup_late;
	p->ncgroup_fds = 0;
	for (size_t k = 0; c->has_cgroup && k < c->cgroup.n; k++) {
		size_t i = p->ncgroup_fds;
		if (c->cgroup.h[k].version != 1)
			continue;
		p->cgroup_fd[i] = p->late_cgroup ? -1 : c->start_v1_fd[i];
		p->cgroup_path[i] = arena_strdup(p, c->cgroup.h[k].path);
		if (!p->cgroup_path[i])
			goto oom;
		p->ncgroup_fds++;
	}
	p->become_root = userns && id_mapped(c->uid_map, c->n_uid_map, 0) &&
			 id_mapped(c->gid_map, c->n_gid_map, 0);
	p->set_user = c->user_set || !userns;
	p->setgroups_allowed = !userns || (c->n_gid_map > 0 && !c->setgroups_denied);
	p->set_caps = true;
	p->caps = c->caps;
	p->last_cap = nsb_cap_last_cap();
	memcpy(p->rlimits, c->rlimits, sizeof(c->rlimits));
	p->nrlimits = c->nrlimits;

	if (c->ns & NSBOX_NS_TIME) {
		static const char *const names[] = {NULL, "monotonic", "boottime"};
		nsb_autofree char *s = strdup("");
		for (int k = 1; k <= 2 && s; k++) {
			char *n;
			if (!c->time_set[k])
				continue;
			n = nsb_strdup_printf("%s%s %lld %lld\n", s, names[k],
					      (long long)c->time_sec[k], (long long)c->time_nsec[k]);
			free(s);
			s = n;
		}
		if (!s)
			goto oom;
		/* The child always makes the time namespace, offsets or not. */
		p->timens_offsets = arena_keep(p, NSB_STEAL_PTR(s));
		if (!p->timens_offsets)
			goto oom;
	}

	p->private_mounts = c->ns & NSBOX_NS_MOUNT;
	if (root) {
		p->root = arena_strdup(p, root);
		if (!p->root)
			goto oom;
		p->root_readonly = c->root_readonly;
		p->root_mount_fd = c->root_mount_fd;
		p->scratch_mount_fd = c->start_scratch_fd;
		p->late_root = c->start_root_fd && c->root_mount_fd < 0;
		if (c->default_mounts && (r = add_default_mounts(p, &cap, c)) < 0)
			goto fail;
	}
	if ((r = add_user_mounts(p, &cap, c)) < 0)
		goto fail;
	if (root || c->masked) {
		r = add_paths(p, &cap, NSB_OP_MASK, c->masked, default_masked);
		if (r < 0)
			goto fail;
	}
	if (root || c->readonly) {
		r = add_paths(p, &cap, NSB_OP_READONLY, c->readonly, default_readonly);
		if (r < 0)
			goto fail;
	}
	if (c->hostname && !(p->hostname = arena_strdup(p, c->hostname)))
		goto oom;
	if (c->domainname && !(p->domainname = arena_strdup(p, c->domainname)))
		goto oom;
	if (c->cwd)
		p->cwd = arena_strdup(p, c->cwd);
	else if (root)
		p->cwd = arena_strdup(p, "/");
	if ((c->cwd || root) && !p->cwd)
		goto oom;
	*out = p;
	return 0;
oom:
	r = -ENOMEM;
fail:
	nsb_container_plan_free(p);
	return r;
}

int nsb_container_report_error(const struct nsb_plan *p, const struct nsb_report *rep)
{
	int r = -(rep->err > 0 ? rep->err : EIO);
	const char *argv0 = p->argv && p->argv[0] ? p->argv[0] : "?";

	switch (rep->step) {
	case NSB_STEP_CGROUPNS:
		return nsb_set_error(r, "make cgroup namespace in container");
	case NSB_STEP_NETNS:
		return nsb_set_error(r, "make network namespace in container");
	case NSB_STEP_BECOME_ROOT:
		return nsb_set_error(r, "become root of the user namespace in container");
	case NSB_STEP_TIMENS:
		return nsb_set_error(r, "make time namespace in container");
	case NSB_STEP_TIMENS_OFFSETS:
		return nsb_set_error(r, "set time offsets in container");
	case NSB_STEP_PRIVATE:
		return nsb_set_error(r, "make mounts private in container");
	case NSB_STEP_ROOT:
		if (p->root_mount_fd >= 0 || p->late_root)
			return nsb_set_error(r, "attach the root mount over / in container");
		return nsb_set_error(r, "bind root %s onto itself in container", p->root);
	case NSB_STEP_OP:
		if (rep->index >= 0 && (size_t)rep->index < p->nops)
			return nsb_set_error(r, "%s in container", p->ops[rep->index].display);
		return nsb_set_error(r, "mount in container");
	case NSB_STEP_ROOT_READONLY:
		return nsb_set_error(r, "make root %s read-only in container", p->root);
	case NSB_STEP_PIVOT:
		return nsb_set_error(r, "switch root to %s in container", p->root);
	case NSB_STEP_HOSTNAME:
		return nsb_set_error(r, "set hostname %s in container", p->hostname);
	case NSB_STEP_DOMAINNAME:
		return nsb_set_error(r, "set domain name %s in container", p->domainname);
	case NSB_STEP_CWD:
		return nsb_set_error(r, "change to working directory %s in container",
				     p->cwd ? p->cwd : "(of target)");
	case NSB_STEP_RLIMIT:
		return nsb_set_error(r, "set resource limit %d in container",
				     rep->index >= 0 && (size_t)rep->index < p->nrlimits
					     ? p->rlimits[rep->index].resource
					     : -1);
	case NSB_STEP_CAPBSET:
		return nsb_set_error(r, "drop capability %d from the bounding set in container",
				     rep->index);
	case NSB_STEP_GROUPS:
		return nsb_set_error(r, "set groups to %u in container", p->gid);
	case NSB_STEP_GID:
		return nsb_set_error(r, "set gid %u in container", p->gid);
	case NSB_STEP_UID:
		return nsb_set_error(r, "set uid %u in container", p->uid);
	case NSB_STEP_CAPS:
		return nsb_set_error(r, "set capabilities in container");
	case NSB_STEP_NNP:
		return nsb_set_error(r, "set no_new_privs in container");
	case NSB_STEP_FDS:
		if (rep->index < 0)
			return nsb_set_error(r, "close the caller's other fds in container");
		return nsb_set_error(r, "pass fd %d to container",
				     rep->index >= 0 && (size_t)rep->index < p->nfds
					     ? p->fd_dst[rep->index]
					     : -1);
	case NSB_STEP_EXEC:
		return nsb_set_error(r, "exec %s in container", argv0);
	case NSB_STEP_SETNS:
		return nsb_set_error(r, "join namespaces of target");
	case NSB_STEP_ENTER_ROOT:
		return nsb_set_error(r, "take root of target");
	case NSB_STEP_FORK:
		return nsb_set_error(r, "fork %s in container", argv0);
	case NSB_STEP_CGROUP: {
		const char *path = rep->index >= 0 && (size_t)rep->index < p->ncgroup_fds
					   ? p->cgroup_path[rep->index]
					   : "?";
		if (r == -ENODEV || r == -ENOENT)
			return nsb_set_error_msg(r, "join cgroup %s: the group was removed", path);
		if (r == -ENOSPC)
			return nsb_set_error(r, "join cgroup %s: the cpuset group has no cpus or mems",
					     path);
		return nsb_set_error(r, "join cgroup %s", path);
	}
	default:
		return nsb_set_error(r, "start container (step %d)", rep->step);
	}
}
