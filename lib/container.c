/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The container module's API: the handle, its setters, start, wait,
 * signal, enter. See container-internal.h for how a start is put together
 * and container-child.c for what runs between clone and execve.
 *
 * Decisions written down here:
 * - Time namespace: clone3(CLONE_NEWTIME) would put the child itself in the
 *   new namespace at once, which freezes the offsets at zero before anyone
 *   could write them. So the child calls unshare(CLONE_NEWTIME) (the child
 *   itself stays outside; its children and, since Linux 5.8's exec rule, the
 *   program it execs enter it), writes /proc/self/timens_offsets, and execs:
 *   the program runs in the new time namespace with the offsets, as crun does.
 * - Cgroup namespace: likewise unshared by the child after "go on", so its
 *   root is the cgroup the parent steps put the child into (issue 7).
 * - With a new pid namespace the cloned child is pid 1 and execs the
 *   program directly, so the program is pid 1.
 * - Mounts use the new mount API (open_tree, fsopen/fsmount, move_mount,
 *   mount_setattr), and every target is resolved with openat2(RESOLVE_IN_ROOT)
 *   below the container's root, so no symlink leads a mount out of it.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/openat2.h>
#include <linux/sched.h>

#include "container-internal.h"
#include "scm.h"
#include "error.h"
#include "macro.h"
#include "system.h"
#include "util.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

static const char *const ns_names[8] = {"mnt", "pid", "net", "uts", "ipc", "user", "cgroup", "time"};

static int check_owner(const nsbox_container *c)
{
	if (c->owner_pid != getpid())
		return nsb_set_error_msg(-ECHILD,
					 "container handle used in process %d, made in process %d",
					 (int)getpid(), (int)c->owner_pid);
	return 0;
}

int nsb_container_check_config(const nsbox_container *c)
{
	int r = check_owner(c);
	if (r < 0)
		return r;
	if (c->started)
		return nsb_set_error_msg(-EBUSY, "configure container: already started");
	return 0;
}

NSB_EXPORT int nsbox_container_new(nsbox_container **out)
{
	nsbox_container *c;

	NSB_CHECK_ARG(out);
	c = calloc(1, sizeof(*c));
	if (!c)
		return nsb_oom();
	c->owner_pid = getpid();
	c->ns = NSBOX_NS_DEFAULT;
	c->root_mount_fd = -1;
	c->default_mounts = true;
	c->caps = NSBOX_CAPS_DEFAULT;
	c->stdio[0] = c->stdio[1] = c->stdio[2] = -1;
	c->pid = -1;
	c->pidfd = -1;
	nsb_container_integrate_init(c);
	*out = c;
	return 0;
}

static void close_passed_fds(nsbox_container *c)
{
	for (int i = 0; i < 3; i++)
		NSB_CLOSE(c->stdio[i]);
	for (size_t i = 0; i < c->nextra; i++)
		NSB_CLOSE(c->extra_src[i]);
	c->nextra = 0;
}

static int reap(nsbox_container *c, int options)
{
	siginfo_t si;
	int r;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (c->pidfd >= 0)
			r = waitid((idtype_t)P_PIDFD, (id_t)c->pidfd, &si, WEXITED | options);
		else
			r = waitid(P_PID, (id_t)c->pid, &si, WEXITED | options);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return NSB_NEG_ERRNO();
		break;
	}
	if (si.si_pid == 0)
		return 0; /* WNOHANG and still running */
	if (si.si_code == CLD_EXITED) {
		c->exit_code = si.si_status;
		c->exit_signal = 0;
	} else {
		c->exit_signal = si.si_status;
		c->exit_code = 128 + si.si_status;
	}
	c->reaped = true;
	/* Its layers are free to go now. */
	NSB_CLOSE(c->layer_hold_fd);
	return 1;
}

NSB_EXPORT void nsbox_container_free(nsbox_container *c)
{
	if (!c)
		return;
	if (c->started && !c->reaped && !c->keep_running && c->owner_pid == getpid()) {
		if (c->pidfd >= 0)
			(void)nsb_sys_pidfd_send_signal(c->pidfd, SIGKILL, 0);
		else
			(void)kill(c->pid, SIGKILL);
		(void)reap(c, 0);
	}
	NSB_CLOSE(c->pidfd);
	NSB_CLOSE(c->root_mount_fd);
	close_passed_fds(c);
	free(c->root);
	free(c->hostname);
	free(c->domainname);
	nsb_strv_free(c->argv);
	nsb_strv_free(c->envp);
	free(c->cwd);
	for (size_t i = 0; i < c->nmounts; i++) {
		free(c->mounts[i].source);
		free(c->mounts[i].target);
		free(c->mounts[i].options);
	}
	free(c->mounts);
	nsb_strv_free(c->masked);
	nsb_strv_free(c->readonly);
	for (size_t i = 0; i < c->nhooks; i++)
		free(c->hooks[i].name);
	nsb_container_integrate_free(c);
	free(c);
}

NSB_EXPORT int nsbox_container_set_namespaces(nsbox_container *c, uint32_t ns)
{
	CHECK_CONFIG(c);
	if (ns & ~NSBOX_NS_ALL)
		return nsb_set_error_msg(-EINVAL, "set namespaces: unknown bits 0x%x",
					 (unsigned)(ns & ~NSBOX_NS_ALL));
	c->ns = ns;
	return 0;
}

static int replace_str(char **slot, const char *s)
{
	char *copy = NULL;

	if (s && !(copy = strdup(s)))
		return nsb_oom();
	free(*slot);
	*slot = copy;
	return 0;
}

NSB_EXPORT int nsbox_container_set_root(nsbox_container *c, const char *path, uint32_t flags)
{
	CHECK_CONFIG(c);
	if (flags & ~NSBOX_ROOT_READONLY)
		return nsb_set_error_msg(-EINVAL, "set root: unknown flags 0x%x", (unsigned)flags);
	if (path && (!nsb_abspath_is_clean(path) || strcmp(path, "/") == 0))
		return nsb_set_error_msg(-EINVAL,
					 "set root %s: not an absolute path without \"..\" (and not /)",
					 path);
	c->root_readonly = flags & NSBOX_ROOT_READONLY;
	return replace_str(&c->root, path);
}

int nsb_container_set_root_mount_fd(nsbox_container *c, int fd)
{
	NSB_CLOSE(c->root_mount_fd);
	c->root_mount_fd = fd;
	return 0;
}

static int set_uts_name(nsbox_container *c, char **slot, const char *what, const char *name)
{
	CHECK_CONFIG(c);
	if (name) {
		size_t n = strlen(name);
		if (n == 0 || n > 64)
			return nsb_set_error_msg(-EINVAL, "set %s: length %zu is not 1 to 64 bytes",
						 what, n);
		if (name[0] == '-' || name[0] == '.')
			return nsb_set_error_msg(-EINVAL, "set %s \"%s\": starts with '%c'", what,
						 name, name[0]);
		for (size_t i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)name[i];
			if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			      (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_'))
				return nsb_set_error_msg(-EINVAL,
							 "set %s: character 0x%02x not allowed", what,
							 ch);
		}
	}
	return replace_str(slot, name);
}

NSB_EXPORT int nsbox_container_set_hostname(nsbox_container *c, const char *name)
{
	NSB_CHECK_ARG(c);
	return set_uts_name(c, &c->hostname, "hostname", name);
}

NSB_EXPORT int nsbox_container_set_domainname(nsbox_container *c, const char *name)
{
	NSB_CHECK_ARG(c);
	return set_uts_name(c, &c->domainname, "domain name", name);
}

static int add_id_range(nsbox_container *c, struct nsb_id_range *map, size_t *n, const char *what,
			uint32_t inside, uint32_t outside, uint32_t count)
{
	CHECK_CONFIG(c);
	if (count == 0)
		return nsb_set_error_msg(-EINVAL, "add %s map range %u %u 0: empty range", what,
					 inside, outside);
	if ((uint64_t)inside + count > UINT32_MAX || (uint64_t)outside + count > UINT32_MAX)
		return nsb_set_error_msg(-EINVAL, "add %s map range %u %u %u: beyond id %u", what,
					 inside, outside, count, UINT32_MAX - 1);
	if (*n >= NSB_MAX_ID_RANGES)
		return nsb_set_error_msg(-E2BIG, "add %s map range: more than %d ranges", what,
					 NSB_MAX_ID_RANGES);
	for (size_t i = 0; i < *n; i++) {
		const struct nsb_id_range *o = &map[i];
		if (inside < o->inside + o->count && o->inside < inside + count)
			return nsb_set_error_msg(-EINVAL,
						 "add %s map range %u %u %u: inside ids overlap "
						 "range %u %u %u",
						 what, inside, outside, count, o->inside,
						 o->outside, o->count);
		if (outside < o->outside + o->count && o->outside < outside + count)
			return nsb_set_error_msg(-EINVAL,
						 "add %s map range %u %u %u: outside ids overlap "
						 "range %u %u %u",
						 what, inside, outside, count, o->inside,
						 o->outside, o->count);
	}
	{
		/* The kernel takes a map written in one go of at most 4095 bytes
		 * ("inside outside count\n" per range): refuse what it would. */
		size_t bytes = (size_t)snprintf(NULL, 0, "%u %u %u\n", inside, outside, count);
		for (size_t i = 0; i < *n; i++)
			bytes += (size_t)snprintf(NULL, 0, "%u %u %u\n", map[i].inside,
						  map[i].outside, map[i].count);
		if (bytes > 4095)
			return nsb_set_error_msg(-E2BIG,
						 "add %s map range %u %u %u: the map would be %zu "
						 "bytes, the kernel takes at most 4095",
						 what, inside, outside, count, bytes);
	}
	map[*n] = (struct nsb_id_range){inside, outside, count};
	(*n)++;
	return 0;
}

NSB_EXPORT int nsbox_container_add_uid_map(nsbox_container *c, uint32_t inside, uint32_t outside,
					   uint32_t count)
{
	NSB_CHECK_ARG(c);
	return add_id_range(c, c->uid_map, &c->n_uid_map, "uid", inside, outside, count);
}

NSB_EXPORT int nsbox_container_add_gid_map(nsbox_container *c, uint32_t inside, uint32_t outside,
					   uint32_t count)
{
	NSB_CHECK_ARG(c);
	return add_id_range(c, c->gid_map, &c->n_gid_map, "gid", inside, outside, count);
}

NSB_EXPORT int nsbox_container_set_user(nsbox_container *c, uint32_t uid, uint32_t gid)
{
	CHECK_CONFIG(c);
	NSB_CHECK_ARG(uid != UINT32_MAX);
	NSB_CHECK_ARG(gid != UINT32_MAX);
	c->uid = uid;
	c->gid = gid;
	c->user_set = true;
	return 0;
}

NSB_EXPORT int nsbox_container_set_argv(nsbox_container *c, const char *const *argv)
{
	char **copy = NULL;

	CHECK_CONFIG(c);
	if (!argv || !argv[0] || !argv[0][0])
		return nsb_set_error_msg(-EINVAL, "set argv: the program is missing (empty argv)");
	if (nsb_strv_copy(argv, &copy) < 0)
		return nsb_oom();
	nsb_strv_free(c->argv);
	c->argv = copy;
	return 0;
}

NSB_EXPORT int nsbox_container_set_envp(nsbox_container *c, const char *const *envp)
{
	char **copy = NULL;

	CHECK_CONFIG(c);
	for (size_t i = 0; envp && envp[i]; i++)
		if (!strchr(envp[i], '=') || envp[i][0] == '=')
			return nsb_set_error_msg(-EINVAL, "set environment: \"%s\" is not NAME=value",
						 envp[i]);
	if (envp && nsb_strv_copy(envp, &copy) < 0)
		return nsb_oom();
	nsb_strv_free(c->envp);
	c->envp = copy;
	return 0;
}

NSB_EXPORT int nsbox_container_set_cwd(nsbox_container *c, const char *path)
{
	CHECK_CONFIG(c);
	if (path && !nsb_abspath_is_clean(path))
		return nsb_set_error_msg(-EINVAL,
					 "set working directory %s: not an absolute path without \"..\"",
					 path);
	return replace_str(&c->cwd, path);
}

NSB_EXPORT int nsbox_container_add_mount(nsbox_container *c, int type, const char *source,
					 const char *target, const char *options, uint32_t flags)
{
	struct nsb_user_mount *v, m = {0};
	uint64_t attr = 0;
	size_t nopts = 0;

	CHECK_CONFIG(c);
	if (type < NSBOX_MOUNT_BIND || type > NSBOX_MOUNT_MQUEUE)
		return nsb_set_error_msg(-EINVAL, "add mount: unknown type %d", type);
	if (flags & ~(NSBOX_MOUNT_READONLY | NSBOX_MOUNT_RECURSIVE))
		return nsb_set_error_msg(-EINVAL, "add mount: unknown flags 0x%x", (unsigned)flags);
	if (!target || !nsb_abspath_is_clean(target) || strcmp(target, "/") == 0)
		return nsb_set_error_msg(-EINVAL,
					 "add mount on %s: the target must be an absolute path "
					 "inside the root, without \"..\", and not /",
					 target ? target : "(null)");
	if (type == NSBOX_MOUNT_BIND && (!source || !nsb_abspath_is_clean(source)))
		return nsb_set_error_msg(-EINVAL,
					 "add bind mount on %s: the source %s must be an absolute "
					 "path without \"..\"",
					 target, source ? source : "(null)");
	if ((flags & NSBOX_MOUNT_RECURSIVE) && type != NSBOX_MOUNT_BIND)
		return nsb_set_error_msg(-EINVAL, "add mount on %s: recursive is for bind mounts",
					 target);
	if (nsb_container_parse_options(options, &attr, &nopts, NULL, NULL, NULL) < 0)
		return nsb_set_error_msg(-EINVAL, "add mount on %s: more than %d options", target,
					 NSB_OP_MAX_OPTS);
	if (type == NSBOX_MOUNT_BIND && nopts > 0)
		return nsb_set_error_msg(-EINVAL,
					 "add bind mount on %s: only mount attributes (ro, nosuid, "
					 "nodev, noexec, ...) apply to a bind mount",
					 target);
	m.type = type;
	m.flags = flags;
	m.target = strdup(target);
	m.source = type == NSBOX_MOUNT_BIND ? strdup(source) : NULL;
	m.options = options ? strdup(options) : NULL;
	v = realloc(c->mounts, (c->nmounts + 1) * sizeof(*v));
	if (!m.target || (type == NSBOX_MOUNT_BIND && !m.source) || (options && !m.options) || !v) {
		free(m.target);
		free(m.source);
		free(m.options);
		if (v)
			c->mounts = v;
		return nsb_oom();
	}
	c->mounts = v;
	c->mounts[c->nmounts++] = m;
	return 0;
}

NSB_EXPORT int nsbox_container_set_default_mounts(nsbox_container *c, int enabled)
{
	CHECK_CONFIG(c);
	c->default_mounts = enabled != 0;
	return 0;
}

static int set_path_list(nsbox_container *c, char ***slot, const char *what,
			 const char *const *paths)
{
	char **copy = NULL;

	CHECK_CONFIG(c);
	for (size_t i = 0; paths && paths[i]; i++)
		if (!nsb_abspath_is_clean(paths[i]) || strcmp(paths[i], "/") == 0)
			return nsb_set_error_msg(-EINVAL,
						 "set %s paths: %s is not an absolute path without "
						 "\"..\"",
						 what, paths[i]);
	if (paths && nsb_strv_copy(paths, &copy) < 0)
		return nsb_oom();
	nsb_strv_free(*slot);
	*slot = copy;
	return 0;
}

NSB_EXPORT int nsbox_container_set_masked_paths(nsbox_container *c, const char *const *paths)
{
	NSB_CHECK_ARG(c);
	return set_path_list(c, &c->masked, "masked", paths);
}

NSB_EXPORT int nsbox_container_set_readonly_paths(nsbox_container *c, const char *const *paths)
{
	NSB_CHECK_ARG(c);
	return set_path_list(c, &c->readonly, "read-only", paths);
}

NSB_EXPORT int nsbox_container_set_time_offset(nsbox_container *c, int clock, int64_t seconds,
					       int64_t nanoseconds)
{
	CHECK_CONFIG(c);
	if (clock != NSBOX_CLOCK_MONOTONIC && clock != NSBOX_CLOCK_BOOTTIME)
		return nsb_set_error_msg(-EINVAL, "set time offset: unknown clock %d", clock);
	if (seconds < 0 || seconds > NSBOX_TIME_OFFSET_MAX_SECONDS || nanoseconds < 0 ||
	    nanoseconds >= 1000000000)
		return nsb_set_error_msg(-ERANGE,
					 "set time offset %lld.%09lld s: not within 0 to %lld "
					 "seconds (nanoseconds 0 to 999999999)",
					 (long long)seconds, (long long)nanoseconds,
					 (long long)NSBOX_TIME_OFFSET_MAX_SECONDS);
	c->time_set[clock] = true;
	c->time_sec[clock] = seconds;
	c->time_nsec[clock] = nanoseconds;
	return 0;
}

NSB_EXPORT int nsbox_container_set_rlimit(nsbox_container *c, int resource, uint64_t soft,
					  uint64_t hard)
{
	size_t i;

	CHECK_CONFIG(c);
	if (resource < 0 || resource >= RLIM_NLIMITS)
		return nsb_set_error_msg(-EINVAL, "set resource limit: unknown resource %d",
					 resource);
	if (soft > hard)
		return nsb_set_error_msg(-EINVAL,
					 "set resource limit %d: soft limit above the hard limit",
					 resource);
	for (i = 0; i < c->nrlimits; i++)
		if (c->rlimits[i].resource == resource)
			break;
	if (i == NSB_MAX_RLIMITS)
		return nsb_set_error_msg(-E2BIG, "set resource limit: too many");
	c->rlimits[i] = (struct nsb_rlimit){resource, soft, hard};
	if (i == c->nrlimits)
		c->nrlimits++;
	return 0;
}

NSB_EXPORT int nsbox_container_set_capabilities(nsbox_container *c, uint64_t caps)
{
	uint64_t last = (uint64_t)nsb_cap_last_cap();

	CHECK_CONFIG(c);
	if (last < 63 && (caps >> (last + 1)) != 0)
		return nsb_set_error_msg(-EINVAL,
					 "set capabilities: bits above the last capability (%llu)",
					 (unsigned long long)last);
	c->caps = caps;
	return 0;
}

NSB_EXPORT int nsbox_container_set_no_new_privs(nsbox_container *c, int enabled)
{
	CHECK_CONFIG(c);
	c->no_new_privs = enabled != 0;
	return 0;
}

NSB_EXPORT int nsbox_container_set_stdio(nsbox_container *c, int in, int out, int err)
{
	int fds[3] = {in, out, err}, copies[3] = {-1, -1, -1};

	CHECK_CONFIG(c);
	for (int i = 0; i < 3; i++) {
		if (fds[i] == NSBOX_FD_INHERIT)
			continue;
		if (fds[i] < 0) {
			for (int j = 0; j < i; j++)
				NSB_CLOSE(copies[j]);
			return nsb_set_error_msg(-EINVAL, "set stdio: fd %d is not valid", fds[i]);
		}
		copies[i] = nsb_fd_dup_cloexec(fds[i]);
		if (copies[i] < 0) {
			int r = copies[i];
			for (int j = 0; j < i; j++)
				NSB_CLOSE(copies[j]);
			return nsb_set_error(r, "set stdio: duplicate fd %d", fds[i]);
		}
	}
	for (int i = 0; i < 3; i++) {
		NSB_CLOSE(c->stdio[i]);
		c->stdio[i] = copies[i];
	}
	return 0;
}

NSB_EXPORT int nsbox_container_add_fd(nsbox_container *c, int fd, int target)
{
	int copy;

	CHECK_CONFIG(c);
	if (fd < 0 || target < 3)
		return nsb_set_error_msg(-EINVAL, "pass fd %d as %d: fd must be open and target at "
						  "least 3",
					 fd, target);
	if (c->nextra >= NSB_MAX_EXTRA_FDS)
		return nsb_set_error_msg(-E2BIG, "pass fd %d: more than %d fds", fd,
					 NSB_MAX_EXTRA_FDS);
	for (size_t i = 0; i < c->nextra; i++)
		if (c->extra_dst[i] == target)
			return nsb_set_error_msg(-EINVAL, "pass fd %d as %d: %d is already passed",
						 fd, target, target);
	copy = nsb_fd_dup_cloexec(fd);
	if (copy < 0)
		return nsb_set_error(copy, "pass fd %d: duplicate it", fd);
	c->extra_src[c->nextra] = copy;
	c->extra_dst[c->nextra] = target;
	c->nextra++;
	return 0;
}

NSB_EXPORT int nsbox_container_set_keep_running(nsbox_container *c, int keep)
{
	int r;

	NSB_CHECK_ARG(c);
	r = check_owner(c);
	if (r < 0)
		return r;
	c->keep_running = keep != 0;
	return 0;
}

int nsb_container_add_parent_hook(nsbox_container *c, const char *name, nsb_container_hook_fn fn,
				  void *userdata)
{
	if (c->nhooks >= NSB_MAX_HOOKS)
		return nsb_set_error_msg(-E2BIG, "add start step %s: too many", name);
	c->hooks[c->nhooks].name = strdup(name);
	if (!c->hooks[c->nhooks].name)
		return nsb_oom();
	c->hooks[c->nhooks].fn = fn;
	c->hooks[c->nhooks].userdata = userdata;
	c->nhooks++;
	return 0;
}

/* ---- start ---------------------------------------------------------- */

static bool have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
	struct __user_cap_data_struct data[2] = {{0}};

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

static uint32_t map_down(const struct nsb_id_range *m, size_t n, uint32_t id, bool *ok)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].inside && id - m[i].inside < m[i].count) {
			*ok = true;
			return m[i].outside + (id - m[i].inside);
		}
	*ok = false;
	return UINT32_MAX;
}

/*
 * In a user namespace the child works as the outside uid that root inside
 * maps to, with no capability over the host's files: every directory on
 * the way to the root must be searchable by it. Say so clearly instead of
 * letting the child fail with a bare EACCES.
 */
static int check_root_reachable(const nsbox_container *c)
{
	const char *root = nsb_container_root(c);
	bool uok, gok;
	uint32_t uid, gid;
	char path[PATH_MAX];
	size_t len;
	struct stat st;

	if (!(c->ns & NSBOX_NS_USER) || !root)
		return 0;
	uid = map_down(c->uid_map, c->n_uid_map, 0, &uok);
	gid = map_down(c->gid_map, c->n_gid_map, 0, &gok);
	if (!uok || !gok || uid == 0)
		return 0;
	len = strlen(root);
	if (len >= sizeof(path))
		return nsb_set_error_msg(-ENAMETOOLONG, "root %s: path too long", root);
	memcpy(path, root, len + 1);
	for (size_t i = 1; i <= len; i++) {
		mode_t need;
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (stat(path, &st) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "root %s: stat %s", root, path);
		need = st.st_uid == uid ? S_IXUSR : st.st_gid == gid ? S_IXGRP : S_IXOTH;
		if (!(st.st_mode & need))
			return nsb_set_error_msg(-EACCES,
						 "root %s is not reachable by the container's root "
						 "user (uid %u, gid %u outside): %s has mode %04o and "
						 "owner %u:%u",
						 root, uid, gid, path, (unsigned)(st.st_mode & 07777),
						 (unsigned)st.st_uid, (unsigned)st.st_gid);
		if (i < len)
			path[i] = '/';
	}
	return 0;
}

static int validate_start(nsbox_container *c)
{
	const char *root = nsb_container_root(c);
	struct stat st;

	if (!c->argv)
		return nsb_set_error_msg(-EINVAL, "start container: no program set (argv)");
	if ((root || c->nmounts || c->masked || c->readonly) && !(c->ns & NSBOX_NS_MOUNT))
		return nsb_set_error_msg(-EINVAL,
					 "start container: a root, mounts or masked/read-only "
					 "paths need a mount namespace");
	if ((c->hostname || c->domainname) && !(c->ns & NSBOX_NS_UTS))
		return nsb_set_error_msg(-EINVAL,
					 "start container: a hostname needs a uts namespace");
	if ((c->n_uid_map || c->n_gid_map) && !(c->ns & NSBOX_NS_USER))
		return nsb_set_error_msg(-EINVAL, "start container: id maps need a user namespace");
	if ((c->time_set[1] || c->time_set[2]) && !(c->ns & NSBOX_NS_TIME))
		return nsb_set_error_msg(-EINVAL,
					 "start container: time offsets need a time namespace");
	if (root) {
		if (stat(root, &st) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "start container: root %s", root);
		if (!S_ISDIR(st.st_mode))
			return nsb_set_error_msg(-ENOTDIR,
						 "start container: root %s is not a directory",
						 root);
	}
	/* A layered root is attached on its mount point through an fd the
	 * parent opened: the container's user need not reach the path. */
	if (c->start_root_fd)
		return 0;
	return check_root_reachable(c);
}

static int write_map(pid_t pid, const char *file, const struct nsb_id_range *m, size_t n)
{
	char path[64];
	nsb_autofree char *text = strdup("");
	int r;

	for (size_t i = 0; i < n && text; i++) {
		char *t = nsb_strdup_printf("%s%u %u %u\n", text, m[i].inside, m[i].outside,
					    m[i].count);
		free(text);
		text = t;
	}
	if (!text)
		return nsb_oom();
	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	r = nsb_write_file_at(AT_FDCWD, path, text, strlen(text));
	if (r < 0) {
		text[strcspn(text, "\n")] = '\0';
		return nsb_set_error(r, "write %s of container (%s%s)",
				     strcmp(file, "uid_map") == 0 ? "uid map" : "gid map", text,
				     n > 1 ? ", ..." : "");
	}
	return 0;
}

/* The built-in parent step: id maps (and setgroups "deny" when needed). */
static int write_id_maps(nsbox_container *c, pid_t pid)
{
	char path[64];
	int r;

	if (!(c->ns & NSBOX_NS_USER))
		return 0;
	if (c->n_gid_map && c->setgroups_denied) {
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		r = nsb_write_string_at(AT_FDCWD, path, "deny");
		if (r < 0)
			return nsb_set_error(r, "deny setgroups in container");
	}
	if (c->n_uid_map && (r = write_map(pid, "uid_map", c->uid_map, c->n_uid_map)) < 0)
		return r;
	if (c->n_gid_map && (r = write_map(pid, "gid_map", c->gid_map, c->n_gid_map)) < 0)
		return r;
	return 0;
}

static int run_parent_steps(nsbox_container *c, pid_t pid, int pidfd)
{
	int r = write_id_maps(c, pid);

	if (r < 0)
		return r;
	r = nsb_container_integrate_parent(c, pid);
	if (r < 0)
		return r;
	for (size_t i = 0; i < c->nhooks; i++) {
		r = c->hooks[i].fn(c, pid, pidfd, c->hooks[i].userdata);
		if (r < 0)
			return nsb_prefix_error(r, "%s", c->hooks[i].name);
	}
	return 0;
}

/* Read the report pipe to EOF: 0 (exec'd), 1 with *rep filled, or -errno. */
static int read_reports(int fd, struct nsb_report *err_rep, struct nsb_report *status_rep)
{
	struct nsb_report rep;
	int got = 0;

	err_rep->kind = status_rep->kind = 0;
	for (;;) {
		ssize_t n = nsb_read_full(fd, &rep, sizeof(rep));
		if (n < 0)
			return (int)n;
		if (n == 0)
			return got;
		if ((size_t)n != sizeof(rep))
			return -EPROTO;
		if (rep.kind == NSB_REPORT_ERROR && !err_rep->kind) {
			*err_rep = rep;
			got = 1;
		} else if (rep.kind == NSB_REPORT_STATUS) {
			*status_rep = rep;
		}
	}
}

static void kill_and_reap(nsbox_container *c)
{
	if (c->pidfd >= 0)
		(void)nsb_sys_pidfd_send_signal(c->pidfd, SIGKILL, 0);
	else
		(void)kill(c->pid, SIGKILL);
	(void)reap(c, 0);
	NSB_CLOSE(c->pidfd);
	c->pid = -1;
	c->reaped = false;
}

/*
 * The child makes missing mount targets below the root. A failed start must
 * leave no directory behind, so the parent notes beforehand which of those
 * paths do not exist yet (resolved inside the root, as the child does) and
 * removes the ones that appeared, deepest first, after the child is gone.
 */
static int open_in_root(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = O_PATH | O_CLOEXEC,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	long fd = syscall(SYS_openat2, rootfd, path[0] ? path : ".", &how, sizeof(how));
	return fd < 0 ? NSB_NEG_ERRNO() : (int)fd;
}

static int note_missing_targets(const struct nsb_plan *plan, char ***out)
{
	nsb_autoclose int rootfd = -EBADF;
	char **list = NULL;

	*out = NULL;
	rootfd = open(plan->root ? plan->root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return 0; /* the child will report it */
	for (size_t i = 0; i < plan->nops; i++) {
		const struct nsb_op *op = &plan->ops[i];
		nsb_autofree char *buf = NULL;
		if (op->kind == NSB_OP_MASK || op->kind == NSB_OP_READONLY)
			continue;
		buf = strdup(op->target);
		if (!buf)
			goto oom;
		for (size_t j = 0, len = strlen(buf); j <= len; j++) {
			int fd;
			bool known = false;
			if (buf[j] != '/' && buf[j] != '\0')
				continue;
			buf[j] = '\0';
			fd = open_in_root(rootfd, buf);
			if (fd >= 0)
				close(fd);
			for (size_t k = 0; list && list[k] && !known; k++)
				known = strcmp(list[k], buf) == 0;
			if (fd == -ENOENT && !known && nsb_strv_push(&list, buf) < 0)
				goto oom;
			if (j < len)
				buf[j] = '/';
		}
	}
	*out = list;
	return 0;
oom:
	nsb_strv_free(list);
	return -ENOMEM;
}

static void remove_new_targets(const struct nsb_plan *plan, char **list)
{
	nsb_autoclose int rootfd = -EBADF;
	size_t n = nsb_strv_length(list);

	if (n == 0)
		return;
	rootfd = open(plan->root ? plan->root : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return;
	/* Sort deepest first: a path is always listed after its parents. */
	while (n-- > 0) {
		char *slash = strrchr(list[n], '/');
		const char *name = list[n];
		int pfd;
		struct stat st;
		if (slash) {
			*slash = '\0';
			name = slash + 1;
			pfd = open_in_root(rootfd, list[n]);
		} else {
			pfd = open_in_root(rootfd, "");
		}
		if (pfd < 0)
			continue;
		if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
			if (S_ISDIR(st.st_mode))
				(void)unlinkat(pfd, name, AT_REMOVEDIR);
			else if (S_ISREG(st.st_mode) && st.st_size == 0)
				(void)unlinkat(pfd, name, 0);
		}
		close(pfd);
	}
}

/*
 * clone3(CLONE_PIDFD) or clone(2) + pidfd_open; the child never returns.
 * With cgroup_fd >= 0 (a cgroup v2 directory), clone3 also gets
 * CLONE_INTO_CGROUP, so the child is born in that group; *joined says
 * whether that happened (not with the clone(2) fallback: the parent
 * attaches it then).
 */
static pid_t clone_child(int flags, bool no_clone3, int cgroup_fd, bool *joined, int *pidfd,
			 const struct nsb_plan *plan,
			 __attribute__((noreturn)) void (*child)(const struct nsb_plan *))
{
	struct clone_args args;
	sigset_t all, old;
	long pid;
	int fd = -1, saved;

	/* Block every signal across the clone (restored right after, as
	 * posix_spawn does): the child resets the dispositions before it lets
	 * any signal in, so no handler of the caller ever runs in it. */
	sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	memset(&args, 0, sizeof(args));
	args.flags = (uint64_t)flags | CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)&fd;
	args.exit_signal = SIGCHLD;
	if (cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgroup_fd;
	}
	*joined = false;
	if (no_clone3) {
		pid = -1;
		errno = ENOSYS;
	} else {
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid > 0 && cgroup_fd >= 0)
			*joined = true;
	}
	if (pid < 0 && (errno == ENOSYS || errno == E2BIG)) {
		pid = syscall(SYS_clone, (unsigned long)flags | SIGCHLD, 0, 0, 0, 0);
		fd = -1;
	}
	if (pid == 0)
		child(plan);
	saved = errno;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (pid < 0) {
		if (cgroup_fd >= 0 && !no_clone3)
			return nsb_set_error(nsb_negerrno(saved), "clone into the cgroup");
		return nsb_set_error(nsb_negerrno(saved), "clone");
	}
	if (fd < 0) {
		fd = nsb_sys_pidfd_open((pid_t)pid, 0);
		if (fd < 0)
			fd = -1; /* before 5.3: plain pids */
	}
	*pidfd = fd;
	return (pid_t)pid;
}

/*
 * The read end of the child's report pipe, sent over the "go on" socket.
 * While waiting, watch the pidfd too: a child that died before sending
 * cannot be told by EOF on the socket (a fork by another thread of the
 * caller may hold a copy of the child's end).
 */
static int receive_report_fd(int sock, int pidfd, const char *what, int *out)
{
	struct pollfd pfd[2] = {{.fd = sock, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
	struct nsb_scm m;
	ssize_t n;
	int fd;

	for (;;) {
		int k = poll(pfd, pidfd >= 0 ? 2 : 1, -1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "%s: wait for the child", what);
		if (pfd[0].revents)
			break;
		if (pfd[1].revents)
			return nsb_set_error_msg(-ECHILD, "%s: the child ended before it could "
							  "report (out of fds or memory?)",
						 what);
	}
	nsb_scm_init(&m, 0, NULL, 0);
	do
		n = recvmsg(sock, &m.msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "%s: receive the child's report pipe", what);
	if (n != 1 || nsb_scm_fds(&m, &fd, 1) != 1)
		return nsb_set_error_msg(-ECHILD, "%s: the child ended before it could report "
						  "(out of fds or memory?)",
					 what);
	*out = fd;
	return 0;
}

_Static_assert(NSB_SCM_MAX >= CG_MAX_HIER + 2, "go on: v1 tasks, root and scratch fds");

/* "go on": one byte, with the "tasks" fds of v1 groups made after the
 * clone, then the late root mount and scratch tmpfs, if any. */
static int send_go_on(nsbox_container *c, int sock, const struct nsb_plan *plan)
{
	struct nsb_scm m;
	int fds[NSB_SCM_MAX];
	size_t n = 0;
	ssize_t sent;

	if (plan->late_cgroup)
		for (size_t i = 0; i < c->start_n_v1; i++)
			fds[n++] = c->start_v1_fd[i];
	if (plan->late_root) {
		fds[n++] = c->root_mount_fd;
		if (c->start_scratch_fd >= 0)
			fds[n++] = c->start_scratch_fd;
	}
	nsb_scm_init(&m, 1, fds, n);
	do
		sent = sendmsg(sock, &m.msg, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent != 1)
		return nsb_set_error(sent < 0 ? NSB_NEG_ERRNO() : -EIO,
				     "start container: tell the child to go on");
	return 0;
}

static int start(nsbox_container *c)
{
	struct nsb_plan *plan = NULL;
	nsb_autostrv char **missing = NULL;
	nsb_autoclose int rep_r = -EBADF, sync_r = -EBADF, sync_w = -EBADF;
	int fds[2], r, go_r = 0, pidfd = -1;
	struct nsb_report err_rep, status_rep;
	bool early;
	pid_t pid;

	/* Layers, cgroup, network (issue 7): checks, the layer hold and the
	 * cgroup fds, before anything else. */
	r = nsb_container_integrate_prepare(c);
	if (r < 0)
		return r;
	r = validate_start(c);
	if (r < 0)
		goto fail_early;
	/* The kernel wants setgroups denied for a gid map written without CAP_SETGID. */
	c->setgroups_denied = c->n_gid_map > 0 && !have_cap(CAP_SETGID);
	r = nsb_container_plan_build(c, false, &plan);
	if (r < 0) {
		r = nsb_set_error(r, "start container: prepare");
		goto fail_early;
	}
	/* A socket, not a pipe: send(MSG_NOSIGNAL) never raises SIGPIPE in the
	 * caller, and the child sends its report pipe over it. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		r = nsb_set_error(NSB_NEG_ERRNO(), "start container: make socket pair");
		goto fail_early;
	}
	sync_r = fds[0];
	sync_w = fds[1];
	/* A layered root is a fresh overlay: what the child makes lands in its
	 * writable layer, never in the host's directory. */
	if (!c->start_root_fd) {
		r = note_missing_targets(plan, &missing);
		if (r < 0) {
			r = nsb_set_error(r, "start container: prepare");
			goto fail_early;
		}
	}
	plan->report_fd = -1; /* the child makes the report pipe */
	plan->sync_fd = sync_r;
	plan->child_close[0] = -1;
	plan->child_close[1] = sync_w;
	/* With a layered root to mount, v1 groups to make or a network's host
	 * side to set up, the child makes its network namespace itself while
	 * this process does that (see container-internal.h). Without, there
	 * is nothing to overlap, and the hand-over would cost more than it
	 * saves. */
	if ((plan->clone_flags & CLONE_NEWNET) &&
	    (plan->late_root || plan->late_cgroup || c->net.bridge)) {
		plan->clone_flags &= ~CLONE_NEWNET;
		plan->unshare_net = true;
		plan->test_fail_netns = c->test_fail_netns;
	}

	pid = clone_child(plan->clone_flags, c->test_no_clone3, c->start_cgroup_fd,
			  &c->start_v2_joined, &pidfd, plan, nsb_container_child_main);
	if (pid < 0) {
		r = nsb_prefix_error(pid, "start container");
		goto fail_early;
	}
	NSB_CLOSE(sync_r);
	c->pid = pid;
	c->pidfd = pidfd;
	c->reaped = false;

	/* Parent steps that need nothing of the child's network namespace
	 * (no veth to put there, no hooks) and "go on" go out before the
	 * report pipe comes back: the child, done with its namespace, finds
	 * "go on" waiting instead of sleeping for it. A failed send is told
	 * after the child's report, which may say why. */
	early = !c->net.bridge && c->nhooks == 0;
	r = nsb_container_integrate_after_clone(c);
	if (r >= 0 && early) {
		r = run_parent_steps(c, pid, pidfd);
		if (r >= 0)
			go_r = send_go_on(c, sync_w, plan);
	}
	if (r >= 0)
		r = receive_report_fd(sync_w, pidfd, "start container", &rep_r);
	if (r < 0) {
		kill_and_reap(c);
		goto fail_early;
	}
	if (!early) {
		r = run_parent_steps(c, pid, pidfd);
		if (r >= 0)
			r = send_go_on(c, sync_w, plan);
	} else {
		r = go_r;
	}
	if (r < 0) {
		kill_and_reap(c);
		/* The child may have failed first (joining its cgroup, before
		 * "go on"): its report is the cause, not what the parent saw. */
		if (read_reports(rep_r, &err_rep, &status_rep) > 0)
			r = nsb_container_report_error(plan, &err_rep);
		goto fail_early;
	}
	NSB_CLOSE(sync_w);

	r = read_reports(rep_r, &err_rep, &status_rep);
	if (r != 0) {
		if (r > 0)
			r = nsb_container_report_error(plan, &err_rep);
		else
			r = nsb_set_error(r, "start container: read the child's report");
		kill_and_reap(c);
		remove_new_targets(plan, missing);
		goto fail_early;
	}
	nsb_container_plan_free(plan);
	c->started = true;
	close_passed_fds(c);
	/* The container holds its root mount now; it goes away with it. */
	NSB_CLOSE(c->root_mount_fd);
	nsb_container_integrate_done(c);
	return 0;

fail_early:
	nsb_container_plan_free(plan);
	nsb_container_integrate_undo(c);
	return r;
}

NSB_EXPORT int nsbox_container_start(nsbox_container *c)
{
	int r;

	NSB_CHECK_ARG(c);
	r = check_owner(c);
	if (r < 0)
		return r;
	if (c->started)
		return nsb_set_error_msg(-EALREADY, "start container: already started (pid %d)",
					 (int)c->pid);
	return start(c);
}

NSB_EXPORT int nsbox_container_get_pid(nsbox_container *c, pid_t *out)
{
	int r;

	NSB_CHECK_ARG(c);
	NSB_CHECK_ARG(out);
	if ((r = check_owner(c)) < 0)
		return r;
	if (!c->started)
		return nsb_set_error_msg(-ESRCH, "container pid: not started");
	*out = c->pid;
	return 0;
}

NSB_EXPORT int nsbox_container_get_pidfd(nsbox_container *c, int *out)
{
	int r;

	NSB_CHECK_ARG(c);
	NSB_CHECK_ARG(out);
	if ((r = check_owner(c)) < 0)
		return r;
	if (!c->started)
		return nsb_set_error_msg(-ESRCH, "container pidfd: not started");
	if (c->pidfd < 0)
		return nsb_set_error_msg(-EOPNOTSUPP, "container pidfd: the kernel has no pidfds");
	*out = c->pidfd;
	return 0;
}

NSB_EXPORT int nsbox_container_wait(nsbox_container *c, int *out_exit_code, int *out_signal)
{
	int r;

	NSB_CHECK_ARG(c);
	if ((r = check_owner(c)) < 0)
		return r;
	if (!c->started)
		return nsb_set_error_msg(-ESRCH, "wait for container: never started");
	if (!c->reaped) {
		r = reap(c, 0);
		if (r < 0)
			return nsb_set_error(r, "wait for container pid %d", (int)c->pid);
	}
	/* A cgroup the start made goes with the process (a failure here is
	 * retried by the next wait). */
	r = nsb_container_integrate_reaped(c);
	if (r < 0)
		return nsb_prefix_error(r, "wait for container pid %d", (int)c->pid);
	if (out_exit_code)
		*out_exit_code = c->exit_code;
	if (out_signal)
		*out_signal = c->exit_signal;
	return 0;
}

NSB_EXPORT int nsbox_container_signal(nsbox_container *c, int sig)
{
	int r;

	NSB_CHECK_ARG(c);
	NSB_CHECK_ARG(sig >= 0 && sig < NSIG);
	if ((r = check_owner(c)) < 0)
		return r;
	if (!c->started)
		return nsb_set_error_msg(-ESRCH, "signal container: never started");
	if (c->reaped)
		return nsb_set_error_msg(-ESRCH, "signal container: it has exited and was reaped");
	if (c->pidfd >= 0)
		r = nsb_sys_pidfd_send_signal(c->pidfd, sig, 0);
	else
		r = kill(c->pid, sig) < 0 ? NSB_NEG_ERRNO() : 0;
	if (r < 0)
		return nsb_set_error(r, "send signal %d to container pid %d", sig, (int)c->pid);
	return 0;
}

NSB_EXPORT int nsbox_container_run(nsbox_container *c, int *out_exit_code, int *out_signal)
{
	int r = nsbox_container_start(c);

	if (r < 0)
		return r;
	return nsbox_container_wait(c, out_exit_code, out_signal);
}

/* ---- enter ---------------------------------------------------------- */

static int same_ns(pid_t pid, const char *name)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	if (stat(path, &a) < 0)
		return NSB_NEG_ERRNO();
	snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	if (stat(path, &b) < 0)
		return NSB_NEG_ERRNO();
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static void close_enter_fds(struct nsb_plan *p)
{
	for (int i = 0; i < 8; i++)
		NSB_CLOSE(p->enter_nsfd[i]);
	NSB_CLOSE(p->enter_root_fd);
	NSB_CLOSE(p->enter_cwd_fd);
}

static int enter(nsbox_container *c, int pidfd, pid_t pid, uint32_t ns, int *out_exit_code,
		 int *out_signal)
{
	struct nsb_plan *plan = NULL;
	nsb_autoclose int rep_r = -EBADF, sync_r = -EBADF, sync_w = -EBADF;
	nsb_autoclose int helper_pidfd = -EBADF;
	struct nsb_report err_rep, status_rep;
	int fds[2], r, status, flags = 0;
	pid_t helper;
	bool joined;
	char path[64];

	if (!c->argv)
		return nsb_set_error_msg(-EINVAL, "enter pid %d: no program set (argv)", (int)pid);
	r = nsb_container_plan_build(c, true, &plan);
	if (r < 0)
		return nsb_set_error(r, "enter pid %d: prepare", (int)pid);
	plan->enter_pidfd = pidfd;
	for (int i = 0; i < 8; i++) {
		uint32_t kind = UINT32_C(1) << i;
		if (!(ns & kind))
			continue;
		/* Joining one's own namespace is refused for user namespaces and
		 * pointless for the others: skip those, as nsenter(1) does. */
		r = same_ns(pid, ns_names[i]);
		if (r < 0) {
			r = nsb_set_error(r, "enter pid %d: read its %s namespace", (int)pid,
					  ns_names[i]);
			goto out;
		}
		if (r == 1)
			continue;
		flags |= nsb_ns_to_clone_flags(kind);
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns_names[i]);
		plan->enter_nsfd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (plan->enter_nsfd[i] < 0) {
			r = nsb_set_error(NSB_NEG_ERRNO(), "enter pid %d: open %s", (int)pid, path);
			goto out;
		}
	}
	plan->enter_flags = flags;
	if (c->test_no_pidfd_setns)
		plan->enter_pidfd = -1; /* the child joins one by one */
	plan->become_root = (flags & CLONE_NEWUSER) && !c->user_set;
	if (flags & CLONE_NEWUSER) {
		/* A user namespace whose maps were written without CAP_SETGID has
		 * setgroups denied: setting groups in it fails with EPERM. */
		nsb_autofree char *sg = NULL;
		snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
		r = nsb_read_file_at(AT_FDCWD, path, 64, &sg, NULL);
		if (r < 0) {
			r = nsb_set_error(r, "enter pid %d: read %s", (int)pid, path);
			goto out;
		}
		plan->setgroups_allowed = strcmp(sg, "deny\n") != 0;
	}
	if (ns & NSBOX_NS_MOUNT) {
		snprintf(path, sizeof(path), "/proc/%d/root", (int)pid);
		plan->enter_root_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
		plan->enter_cwd_fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (plan->enter_root_fd < 0 || plan->enter_cwd_fd < 0) {
			r = nsb_set_error(NSB_NEG_ERRNO(), "enter pid %d: open its root and cwd",
					  (int)pid);
			goto out;
		}
	}
	/* The fds above name pid's namespaces only if pid is still the same process. */
	r = nsb_sys_pidfd_send_signal(pidfd, 0, 0);
	if (r < 0) {
		r = nsb_set_error(r, "enter pid %d", (int)pid);
		goto out;
	}
	/* As at start: the helper makes its report pipe and sends the read end
	 * over this socket, so that a fork by another thread of the caller
	 * never holds the write end (read_reports would wait for it forever). */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0) {
		r = nsb_set_error(NSB_NEG_ERRNO(), "enter pid %d: make socket pair", (int)pid);
		goto out;
	}
	sync_r = fds[0];
	sync_w = fds[1];
	plan->report_fd = -1;
	plan->sync_fd = sync_r;
	plan->child_close[0] = sync_w;

	helper = clone_child(0, c->test_no_clone3, -1, &joined, &helper_pidfd, plan,
			     nsb_container_enter_child_main);
	if (helper < 0) {
		r = nsb_prefix_error(helper, "enter pid %d", (int)pid);
		goto out;
	}
	NSB_CLOSE(sync_r);
	snprintf(path, sizeof(path), "enter pid %d", (int)pid);
	r = receive_report_fd(sync_w, helper_pidfd, path, &rep_r);
	if (r < 0) {
		if (helper_pidfd >= 0)
			(void)nsb_sys_pidfd_send_signal(helper_pidfd, SIGKILL, 0);
		else
			(void)kill(helper, SIGKILL);
		while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
			;
		goto out;
	}
	NSB_CLOSE(sync_w);
	r = read_reports(rep_r, &err_rep, &status_rep);
	while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
		;
	if (r > 0) {
		r = nsb_container_report_error(plan, &err_rep);
		r = nsb_prefix_error(r, "enter pid %d", (int)pid);
		goto out;
	}
	if (r < 0) {
		r = nsb_set_error(r, "enter pid %d: read the helper's report", (int)pid);
		goto out;
	}
	if (status_rep.kind != NSB_REPORT_STATUS) {
		r = nsb_set_error_msg(-EPROTO, "enter pid %d: the helper ended without a status",
				      (int)pid);
		goto out;
	}
	status = status_rep.err;
	if (WIFEXITED(status)) {
		if (out_exit_code)
			*out_exit_code = WEXITSTATUS(status);
		if (out_signal)
			*out_signal = 0;
	} else {
		if (out_exit_code)
			*out_exit_code = 128 + WTERMSIG(status);
		if (out_signal)
			*out_signal = WTERMSIG(status);
	}
	r = 0;
out:
	close_enter_fds(plan);
	plan->enter_pidfd = -1;
	nsb_container_plan_free(plan);
	return r;
}

static int check_enter_args(nsbox_container *c, uint32_t ns)
{
	int r;

	NSB_CHECK_ARG(c);
	if ((r = check_owner(c)) < 0)
		return r;
	if (ns == 0 || (ns & ~NSBOX_NS_ALL))
		return nsb_set_error_msg(-EINVAL, "enter: namespaces 0x%x: none or unknown bits",
					 (unsigned)ns);
	return 0;
}

NSB_EXPORT int nsbox_container_enter(nsbox_container *c, nsbox_container *target, uint32_t ns,
				     int *out_exit_code, int *out_signal)
{
	nsb_autoclose int pidfd = -EBADF;
	int r = check_enter_args(c, ns);

	if (r < 0)
		return r;
	NSB_CHECK_ARG(target);
	if ((r = check_owner(target)) < 0)
		return r;
	if (!target->started || target->reaped)
		return nsb_set_error_msg(-ESRCH, "enter container: %s",
					 target->started ? "it has exited" : "never started");
	if (target->pidfd >= 0)
		pidfd = fcntl(target->pidfd, F_DUPFD_CLOEXEC, 3);
	else
		pidfd = nsb_sys_pidfd_open(target->pid, 0);
	if (pidfd < 0)
		return nsb_set_error(pidfd == -1 ? NSB_NEG_ERRNO() : pidfd,
				     "enter container pid %d", (int)target->pid);
	return enter(c, pidfd, target->pid, ns, out_exit_code, out_signal);
}

NSB_EXPORT int nsbox_container_enter_pid(nsbox_container *c, pid_t pid, uint32_t ns,
					 int *out_exit_code, int *out_signal)
{
	nsb_autoclose int pidfd = -EBADF;
	int r = check_enter_args(c, ns);

	if (r < 0)
		return r;
	NSB_CHECK_ARG(pid > 0);
	pidfd = nsb_sys_pidfd_open(pid, 0);
	if (pidfd < 0)
		return nsb_set_error(pidfd, "enter pid %d", (int)pid);
	return enter(c, pidfd, pid, ns, out_exit_code, out_signal);
}
