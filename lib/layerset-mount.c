/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Mounting a layer set.
 *
 * lowerdir+ (Linux >= 6.8): fsopen("overlay"), one fsconfig("lowerdir+")
 * per layer (top first), upperdir, workdir, FSCONFIG_CMD_CREATE, fsmount(),
 * and move_mount() onto the target. No length limit but the kernel's 500.
 *
 * Short links (as Docker): mount(2) with "lowerdir=l/A:l/B:...", paths
 * relative to the store. The caller's working directory is never touched:
 * a CLONE_VM|CLONE_VFORK child (own cwd, no CLONE_FS) fchdir()s to the
 * store and calls mount(2) in the caller's mount namespace. The option
 * string holds one page, which fits about 128 layers.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "layerset-internal.h"
#include "macro.h"
#include "system.h"
#include "util.h"

/* The error log of an fs context ("e overlayfs: ..."), appended to the message. */
static void fs_log(int fsfd, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (;;) {
		char line[512];
		ssize_t n = read(fsfd, line, sizeof(line) - 1);
		if (n <= 0)
			break;
		line[n] = '\0';
		if (n > 2 && line[1] == ' ')
			memmove(line, line + 2, (size_t)n - 1);
		line[strcspn(line, "\n")] = '\0';
		if (used + strlen(line) + 4 < len)
			used += (size_t)snprintf(buf + used, len - used, "%s(%s)", used ? " " : "",
						 line);
	}
}

static int fail_with_log(int r, const char *log, const char *fmt, const char *arg)
{
	if (log[0])
		return nsb_set_error(r, "%s %s %s", fmt, arg, log);
	return nsb_set_error(r, "%s %s", fmt, arg);
}

static int fs_fail(int r, int fsfd, const char *fmt, const char *arg)
{
	char log[512];

	fs_log(fsfd, log, sizeof(log));
	return fail_with_log(r, log, fmt, arg);
}

static int lowerdir_plus_state; /* 0 unknown, 1 yes, -1 no */

static void note_lowerdir_plus(int state)
{
	__atomic_store_n(&lowerdir_plus_state, state, __ATOMIC_RELAXED);
}

/* Asks the kernel once per process, for the callers that choose a method. */
static bool have_lowerdir_plus(void)
{
	int s = __atomic_load_n(&lowerdir_plus_state, __ATOMIC_RELAXED);

	if (s == 0) {
		int fd = nsb_sys_fsopen("overlay", FSOPEN_CLOEXEC);
		s = -1;
		if (fd >= 0) {
			if (nsb_sys_fsconfig(fd, FSCONFIG_SET_STRING, "lowerdir+", "/", 0) >= 0)
				s = 1;
			(void)close(fd);
		} else if (fd == -EPERM) {
			return true; /* cannot tell; the real attempt will say EPERM */
		}
		note_lowerdir_plus(s);
	}
	return s > 0;
}

static int count_check(const nsbox_layerset *ls, const char *what)
{
	if (ls->n_lowers > NSBOX_LAYERSET_MAX_LAYERS)
		return nsb_set_error_msg(-E2BIG,
					 "%s: %zu lower layers, but overlayfs stacks at most %d",
					 what, ls->n_lowers, NSBOX_LAYERSET_MAX_LAYERS);
	if (ls->n_lowers == 0)
		return nsb_set_error_msg(-EINVAL, "%s: the layer set has no lower layer", what);
	return 0;
}

/*
 * Overlayfs refuses one lower layer without an upper ("at least 2 lowerdir
 * are needed"): that mount is a read-only bind of the layer instead (a lone
 * layer has nothing for its whiteouts to hide).
 */
static int make_ro_bind(const nsbox_layerset *ls, const char *what, int *out_fd)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	nsb_autoclose int fd = -EBADF;

	fd = nsb_sys_open_tree(AT_FDCWD, ls->lowers[0], OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (fd < 0)
		return nsb_set_error(fd, "%s %s", what, ls->lowers[0]);
	if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "%s %s: make read-only", what,
				     ls->lowers[0]);
	*out_fd = NSB_STEAL_FD(fd);
	return 0;
}

/*
 * fsopen .. fsmount: a detached overlay mount. With volatile_upper (Linux
 * 5.10+) the upper layer is never synced, not even at unmount, where
 * overlayfs otherwise syncs the whole file system holding it: for writable
 * layers thrown away afterwards (docker run --rm).
 */
static int make_detached(const nsbox_layerset *ls, const char *what, bool volatile_upper,
			 int *out_fd)
{
	nsb_autoclose int fsfd = -EBADF;
	int mfd, r;

	if (ls->n_lowers == 1 && !ls->upper)
		return make_ro_bind(ls, what, out_fd);
	fsfd = nsb_sys_fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return nsb_set_error(fsfd == -ENOSYS ? -EOPNOTSUPP : fsfd, "%s: fsopen overlay",
				     what);
	for (size_t i = ls->n_lowers; i-- > 0;) {
		r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", ls->lowers[i], 0);
		if (r == -EINVAL && i + 1 == ls->n_lowers) {
			/* The first layer: no probe beforehand (it costs an fs
			 * context), the answer is here. */
			char log[512];
			fs_log(fsfd, log, sizeof(log));
			if (strstr(log, "nknown parameter")) {
				note_lowerdir_plus(-1);
				return nsb_set_error_msg(-EOPNOTSUPP,
							 "%s: the kernel has no overlay lowerdir+ "
							 "(Linux 6.8 or later needed)",
							 what);
			}
			return fail_with_log(r, log, what, ls->lowers[i]);
		}
		if (r < 0)
			return fs_fail(r, fsfd, what, ls->lowers[i]);
		if (i + 1 == ls->n_lowers)
			note_lowerdir_plus(1);
	}
	if (ls->upper) {
		r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", ls->upper, 0);
		if (r < 0)
			return fs_fail(r, fsfd, what, ls->upper);
		r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", ls->work, 0);
		if (r < 0)
			return fs_fail(r, fsfd, what, ls->work);
		if (volatile_upper) {
			r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, "volatile", NULL, 0);
			if (r < 0)
				return fs_fail(r == -EINVAL ? -EOPNOTSUPP : r, fsfd, what,
					       "(option volatile)");
		}
	}
	r = nsb_sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	if (r < 0 && volatile_upper && ls->upper)
		/* A writable layer once mounted volatile is refused until its
		 * work/incompat is removed. */
		return fs_fail(r, fsfd, what, "(create; a layer missing, or the writable layer "
					      "was mounted volatile before)");
	if (r < 0)
		return fs_fail(r, fsfd, what, "(create)");
	mfd = nsb_sys_fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return fs_fail(mfd, fsfd, what, "(fsmount)");
	*out_fd = mfd;
	return 0;
}

int nsb_layerset_mount_detached(const nsbox_layerset *ls, int *out_fd)
{
	return nsb_ls_mount_detached_opts(ls, false, out_fd);
}

int nsb_ls_mount_detached_opts(const nsbox_layerset *ls, bool volatile_upper, int *out_fd)
{
	int r;

	if (!ls || !out_fd)
		return nsb_set_error_msg(-EINVAL, "detached overlay: argument check failed");
	r = count_check(ls, "build detached overlay");
	if (r < 0)
		return r;
	if (__atomic_load_n(&lowerdir_plus_state, __ATOMIC_RELAXED) < 0)
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "build detached overlay: the kernel has no overlay "
					 "lowerdir+ (Linux 6.8 or later needed)");
	return make_detached(ls, "build detached overlay: layer", volatile_upper, out_fd);
}

/* ---- short links through mount(2) ---- */

struct mount_child {
	int store_fd;
	const char *target;
	const char *data;
	int err;
};

static int mount_child_fn(void *arg)
{
	struct mount_child *c = arg;

	if (c->store_fd >= 0 && fchdir(c->store_fd) < 0) {
		c->err = errno;
		_exit(1);
	}
	if (mount("overlay", c->target, "overlay", 0, c->data) < 0) {
		c->err = errno;
		_exit(1);
	}
	c->err = 0;
	_exit(0);
}

static int append(char *buf, size_t cap, size_t *len, const char *s)
{
	size_t l = strlen(s);

	if (*len + l + 1 > cap)
		return -E2BIG;
	memcpy(buf + *len, s, l + 1);
	*len += l;
	return 0;
}

static int mount_short_links(nsbox_layerset *ls, const char *target, const char *what)
{
	/* mount(2) copies one page of options. */
	char data[4096];
	size_t len = 0;
	/* The helper runs on this stack while we wait (CLONE_VFORK), as posix_spawn does. */
	char stack[32 * 1024] __attribute__((aligned(16)));
	struct mount_child c = {.store_fd = -EBADF, .target = target, .data = data, .err = EIO};
	bool use_short = ls->shorts && ls->store_fd >= 0;
	int r = 0;
	pid_t pid;

	r = append(data, sizeof(data), &len, "lowerdir=");
	for (size_t i = ls->n_lowers; r >= 0 && i-- > 0;) {
		const char *p = use_short ? ls->shorts[i] : ls->lowers[i];
		if (!use_short && strpbrk(p, ":,\\"))
			return nsb_set_error_msg(-EINVAL,
						 "%s: lower %s has ':', ',' or '\\', which mount(2) "
						 "options cannot carry",
						 what, p);
		if (i != ls->n_lowers - 1)
			r = append(data, sizeof(data), &len, ":");
		if (r >= 0)
			r = append(data, sizeof(data), &len, p);
	}
	if (r >= 0 && ls->upper) {
		const char *u = use_short && ls->upper_rel ? ls->upper_rel : ls->upper;
		const char *w = use_short && ls->work_rel ? ls->work_rel : ls->work;
		r = append(data, sizeof(data), &len, ",upperdir=");
		if (r >= 0)
			r = append(data, sizeof(data), &len, u);
		if (r >= 0)
			r = append(data, sizeof(data), &len, ",workdir=");
		if (r >= 0)
			r = append(data, sizeof(data), &len, w);
	}
	if (r < 0)
		return nsb_set_error_msg(-E2BIG,
					 "%s: %zu layers do not fit in the one-page option string of "
					 "mount(2) with short links (about 128 do); use lowerdir+",
					 what, ls->n_lowers);
	if (use_short)
		c.store_fd = ls->store_fd;
	/* No exit signal: the caller's SIGCHLD handling never sees the helper. */
	pid = clone(mount_child_fn, stack + sizeof(stack), CLONE_VM | CLONE_VFORK | CLONE_FILES, &c);
	if (pid < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "%s: clone a helper for mount(2)", what);
	while (waitpid(pid, NULL, __WALL) < 0 && errno == EINTR)
		;
	if (c.err != 0)
		return nsb_set_error(-c.err, "%s", what);
	return 0;
}

static int open_target(const char *target, const char *what, int *out)
{
	nsb_autoclose int fd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "%s", what);
	r = nsb_dir_is_empty_at(fd, ".");
	if (r < 0)
		return nsb_set_error(r, "%s", what);
	if (r == 0)
		return nsb_set_error_msg(-ENOTEMPTY, "%s: the target is not an empty directory",
					 what);
	*out = NSB_STEAL_FD(fd);
	return 0;
}

int nsb_ls_mount_attach(nsbox_layerset *ls, int target_fd, const char *target)
{
	nsb_autofree char *what = nsb_strdup_printf("mount overlay on %s", target);
	int method = ls->method;
	int r;

	(void)target_fd;
	if (!what)
		return nsb_oom();
	if (method == NSBOX_LAYERSET_MOUNT_AUTO)
		method = have_lowerdir_plus() ? NSBOX_LAYERSET_MOUNT_LOWERDIR_PLUS
					      : NSBOX_LAYERSET_MOUNT_SHORT_LINKS;
	if (method == NSBOX_LAYERSET_MOUNT_LOWERDIR_PLUS || (ls->n_lowers == 1 && !ls->upper)) {
		nsb_autoclose int mfd = -EBADF;
		nsb_autofree char *w2 = nsb_strdup_printf("%s: layer", what);

		if (!w2)
			return nsb_oom();
		if (ls->n_lowers > 1 && !have_lowerdir_plus())
			return nsb_set_error_msg(-EOPNOTSUPP,
						 "%s: the kernel has no overlay lowerdir+", what);
		r = make_detached(ls, w2, false, &mfd);
		if (r < 0)
			return r;
		r = nsb_sys_move_mount(mfd, "", target_fd, "",
				       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
		if (r < 0)
			return nsb_set_error(r, "%s: move_mount", what);
		return 0;
	}
	return mount_short_links(ls, target, what);
}

NSB_EXPORT int nsbox_layerset_mount(nsbox_layerset *ls, const char *target, uint32_t flags)
{
	nsb_autofree char *what = NULL;
	nsb_autofree char *abs = NULL;
	nsb_autoclose int tfd = -EBADF;
	int r;

	NSB_CHECK_ARG(ls);
	NSB_CHECK_ARG(flags == 0);
	if (ls->mounted)
		return nsb_set_error_msg(-EBUSY, "mount overlay: the layer set is mounted on %s",
					 ls->merged);
	if (!target) {
		if (!ls->default_merged)
			return nsb_set_error_msg(-EINVAL,
						 "mount overlay: no target given, and the layer set "
						 "has no default (it is not from a store)");
		target = ls->default_merged;
		if (mkdir(target, 0700) < 0 && errno != EEXIST)
			return nsb_set_error(NSB_NEG_ERRNO(), "mount overlay: mkdir %s", target);
	}
	what = nsb_strdup_printf("mount overlay on %s", target);
	if (!what)
		return nsb_oom();
	/* Refused before anything is attempted. */
	r = count_check(ls, what);
	if (r < 0)
		return r;
	r = open_target(target, what, &tfd);
	if (r < 0)
		return r;
	abs = realpath(target, NULL);
	if (!abs)
		return nsb_set_error(NSB_NEG_ERRNO(), "%s", what);
	r = nsb_ls_mount_attach(ls, tfd, abs);
	if (r < 0)
		return r;
	free(ls->merged);
	ls->merged = NSB_STEAL_PTR(abs);
	ls->mounted = true;
	return 0;
}

NSB_EXPORT int nsbox_layerset_unmount(nsbox_layerset *ls)
{
	NSB_CHECK_ARG(ls);
	if (!ls->mounted)
		return nsb_set_error_msg(-EINVAL, "unmount overlay: the layer set is not mounted");
	if (umount2(ls->merged, UMOUNT_NOFOLLOW) < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "unmount overlay from %s", ls->merged);
	ls->mounted = false;
	return 0;
}
