/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared helpers for the Check suites: skipping with a reason, a busybox
 * rootfs, private namespaces, cgroup sandboxes, and the end-of-suite check
 * that nothing the suite made was left behind.
 *
 * Every temporary directory and cgroup a suite makes is named
 * "nsbt-<tag>-..." (tag = the suite's name), so the leftover check can tell
 * them apart from anything else on the machine.
 */
#ifndef NSBT_H
#define NSBT_H

#include <check.h>
#include <stdbool.h>
#include <unistd.h>

/* Print "nsbt: SKIP <test>: <reason>" (counted as skipped by scripts/test.sh). */
void nsbt_skip(const char *test, const char *reason);

/* Skip the current test unless running as root. Use inside START_TEST. */
#define NSBT_REQUIRE_ROOT()                                                                        \
	do {                                                                                       \
		if (geteuid() != 0) {                                                              \
			nsbt_skip(__func__, "needs root");                                         \
			return;                                                                    \
		}                                                                                  \
	} while (0)

/* The suite's tag, set by nsbt_main(). */
const char *nsbt_tag(void);

/* mkdtemp("/tmp/nsbt-<tag>-<what>-XXXXXX"); aborts the test on failure. Free with nsbt_rm_tmpdir(). */
char *nsbt_tmpdir(const char *what);
/* rm -rf of a directory made by nsbt_tmpdir() (or any path), then free(path). */
void nsbt_rm_tmpdir(char *path);

/*
 * A busybox root filesystem in a new temporary directory: /bin/busybox
 * (from Debian's busybox-static) and its applet links in /bin, empty proc,
 * sys, dev, tmp, root, home, and an /etc with passwd and group for root and
 * nobody. Free with nsbt_rm_tmpdir().
 */
char *nsbt_rootfs_new(void);

/*
 * Move the calling (forked) test process into fresh mount and network
 * namespaces, with every mount private, so nothing it mounts or creates is
 * seen outside. Extra CLONE_NEW* flags may be added in extra_flags.
 */
void nsbt_enter_private_ns(int extra_flags);

/*
 * The mount point of a cgroup hierarchy: controller is a v1 controller name
 * ("memory", "cpu", ...) or NULL for the cgroup2 hierarchy. NULL if absent.
 * Caller frees.
 */
char *nsbt_cgroup_mount(const char *controller);
/* The caller's own cgroup path inside that hierarchy (such as "/" or "/a/b"). Caller frees. */
char *nsbt_cgroup_self(const char *controller);
/* Make "<mount>/<self>/nsbt-<tag>-<pid>-<n>" and return its absolute path (caller frees). */
char *nsbt_cgroup_new(const char *controller);
/* Kill what is in the group (and its children), then rmdir it; frees path. */
void nsbt_cgroup_remove(char *path);

/* Read fd to EOF into a NUL-terminated string (caller frees); closes fd. */
char *nsbt_read_all(int fd);
/* Assert that the test process has no child left, running or zombie. */
void nsbt_assert_no_children(void);

/* Run a shell command; return its exit status (or 128+signal). */
int nsbt_system(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Run the suite in CK_FORK mode and then check that nothing tagged with
 * the suite's tag is left: mounts, cgroups, temporary directories, network
 * links in the host namespace, and child processes. Returns the exit status
 * for main().
 */
int nsbt_main(Suite *s, const char *tag);

#endif /* NSBT_H */
