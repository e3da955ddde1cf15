/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Check suite for the common API (include/nsbox/common.h) and the internal
 * helpers every module shares (lib/error, lib/util, lib/system). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

#include "error.h"
#include "macro.h"
#include "system.h"
#include "util.h"
#include "helpers/nsbt.h"

START_TEST(version_matches_headers)
{
	int major = -1, minor = -1, patch = -1;
	const char *v = nsbox_version(&major, &minor, &patch);
	char expect[32];

	ck_assert_int_eq(major, NSBOX_VERSION_MAJOR);
	ck_assert_int_eq(minor, NSBOX_VERSION_MINOR);
	ck_assert_int_eq(patch, NSBOX_VERSION_PATCH);
	snprintf(expect, sizeof(expect), "%d.%d.%d", major, minor, patch);
	ck_assert_str_eq(v, expect);
	ck_assert_str_eq(v, NSBT_PROJECT_VERSION);
	/* NULL out-params are allowed. */
	ck_assert_str_eq(nsbox_version(NULL, NULL, NULL), expect);
}
END_TEST

START_TEST(check_version)
{
	ck_assert_int_eq(nsbox_check_version(NSBOX_VERSION_MAJOR, NSBOX_VERSION_MINOR), 0);
	ck_assert_int_eq(nsbox_check_version(NSBOX_VERSION_MAJOR, 0), 0);
	ck_assert_int_eq(nsbox_check_version(NSBOX_VERSION_MAJOR, NSBOX_VERSION_MINOR + 1), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(nsbox_last_error(), "check library version: libnsbox"));
	ck_assert_int_eq(nsbox_check_version(NSBOX_VERSION_MAJOR + 1, 0), -ENOTSUP);
	ck_assert_int_eq(nsbox_check_version(-1, 0), -EINVAL);
	ck_assert_str_eq(nsbox_last_error(),
			 "nsbox_check_version: argument check failed: major >= 0");
	ck_assert_int_eq(nsbox_check_version(0, -1), -EINVAL);
}
END_TEST

START_TEST(last_error_starts_empty)
{
	ck_assert_ptr_nonnull(nsbox_last_error());
	ck_assert_str_eq(nsbox_last_error(), "");
}
END_TEST

START_TEST(set_error_formats_and_returns)
{
	int r = nsb_set_error(-ENOENT, "open layer %s", "abc");
	ck_assert_int_eq(r, -ENOENT);
	ck_assert_str_eq(nsbox_last_error(), "open layer abc: No such file or directory");

	r = nsb_set_error_msg(-EINVAL, "layer id %s is too long", "x");
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_str_eq(nsbox_last_error(), "layer id x is too long");

	r = nsb_prefix_error(r, "start container");
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_str_eq(nsbox_last_error(), "start container: layer id x is too long");

	/* A non-negative code is a bug in the caller, never a success. */
	ck_assert_int_eq(nsb_set_error(0, "odd"), -EIO);
}
END_TEST

START_TEST(set_error_truncates_long_messages)
{
	char big[4096];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(nsb_set_error(-E2BIG, "%s", big), -E2BIG);
	ck_assert_uint_eq(strlen(nsbox_last_error()), NSB_ERROR_MAX - 1);
}
END_TEST

START_TEST(oom_message_is_static)
{
	ck_assert_int_eq(nsb_oom(), -ENOMEM);
	ck_assert_str_eq(nsbox_last_error(), "out of memory");
}
END_TEST

static void *other_thread(void *arg)
{
	(void)arg;
	/* A fresh thread sees its own, empty message. */
	if (strcmp(nsbox_last_error(), "") != 0)
		return (void *)1;
	(void)nsb_set_error(-EPERM, "in thread");
	return NULL;
}

START_TEST(last_error_is_per_thread)
{
	pthread_t t;
	void *ret;

	(void)nsb_set_error(-ENOENT, "in main");
	ck_assert_int_eq(pthread_create(&t, NULL, other_thread, NULL), 0);
	ck_assert_int_eq(pthread_join(t, &ret), 0);
	ck_assert_ptr_null(ret);
	ck_assert_str_eq(nsbox_last_error(), "in main: No such file or directory");
}
END_TEST

static int check_arg_fn(const char *p)
{
	NSB_CHECK_ARG(p);
	return 0;
}

START_TEST(check_arg_reports)
{
	ck_assert_int_eq(check_arg_fn(NULL), -EINVAL);
	ck_assert_str_eq(nsbox_last_error(), "check_arg_fn: argument check failed: p");
	ck_assert_int_eq(check_arg_fn("x"), 0);
}
END_TEST

START_TEST(free_accepts_null)
{
	nsbox_free(NULL);
	nsbox_free(malloc(16));
}
END_TEST

START_TEST(steal_helpers)
{
	nsb_autofree char *p = strdup("x");
	nsb_autoclose int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	char *q;
	int fd2;

	ck_assert_int_ge(fd, 0);
	q = NSB_STEAL_PTR(p);
	ck_assert_ptr_null(p);
	free(q);
	fd2 = NSB_STEAL_FD(fd);
	ck_assert_int_eq(fd, -EBADF);
	close(fd2);
}
END_TEST

START_TEST(names_and_paths)
{
	ck_assert(nsb_name_is_valid("abc", 64));
	ck_assert(!nsb_name_is_valid("", 64));
	ck_assert(!nsb_name_is_valid(NULL, 64));
	ck_assert(!nsb_name_is_valid(".", 64));
	ck_assert(!nsb_name_is_valid("..", 64));
	ck_assert(!nsb_name_is_valid("a/b", 64));
	ck_assert(!nsb_name_is_valid("a b", 64));
	ck_assert(!nsb_name_is_valid("a\nb", 64));
	ck_assert(!nsb_name_is_valid("abcdef", 5));
	ck_assert(nsb_name_is_valid("abcde", 5));

	ck_assert(nsb_relpath_is_valid("a/b/c", 100));
	ck_assert(!nsb_relpath_is_valid("/a", 100));
	ck_assert(!nsb_relpath_is_valid("a//b", 100));
	ck_assert(!nsb_relpath_is_valid("a/../b", 100));
	ck_assert(!nsb_relpath_is_valid("a/", 100));

	ck_assert(nsb_abspath_is_clean("/a/b"));
	ck_assert(nsb_abspath_is_clean("/"));
	ck_assert(!nsb_abspath_is_clean("a/b"));
	ck_assert(!nsb_abspath_is_clean("/a/../b"));
	ck_assert(!nsb_abspath_is_clean("/a/.."));
	ck_assert(nsb_abspath_is_clean("/a/..b"));
}
END_TEST

START_TEST(path_join)
{
	char *p = nsb_path_join("/a/", "/b");
	ck_assert_str_eq(p, "/a/b");
	free(p);
	p = nsb_path_join("/", "b");
	ck_assert_str_eq(p, "/b");
	free(p);
	p = nsb_path_join("a", "b/c");
	ck_assert_str_eq(p, "a/b/c");
	free(p);
}
END_TEST

START_TEST(parse_numbers)
{
	uint64_t u;
	int64_t i;

	ck_assert_int_eq(nsb_parse_u64("42\n", &u), 0);
	ck_assert_uint_eq(u, 42);
	ck_assert_int_eq(nsb_parse_u64("18446744073709551615", &u), 0);
	ck_assert_uint_eq(u, UINT64_MAX);
	ck_assert_int_eq(nsb_parse_u64("18446744073709551616", &u), -ERANGE);
	ck_assert_int_eq(nsb_parse_u64("-1", &u), -EINVAL);
	ck_assert_int_eq(nsb_parse_u64(" 1", &u), -EINVAL);
	ck_assert_int_eq(nsb_parse_u64("1x", &u), -EINVAL);
	ck_assert_int_eq(nsb_parse_u64("", &u), -EINVAL);
	ck_assert_int_eq(nsb_parse_i64("-5", &i), 0);
	ck_assert_int_eq(i, -5);
	ck_assert_int_eq(nsb_parse_i64("--5", &i), -EINVAL);
}
END_TEST

START_TEST(strv_helpers)
{
	const char *src[] = {"a", "b", NULL};
	nsb_autostrv char **v = NULL;

	ck_assert_int_eq(nsb_strv_copy(src, &v), 0);
	ck_assert_uint_eq(nsb_strv_length(v), 2);
	ck_assert_int_eq(nsb_strv_push(&v, "c"), 0);
	ck_assert_uint_eq(nsb_strv_length(v), 3);
	ck_assert_str_eq(v[2], "c");
	ck_assert_ptr_null(v[3]);
}
END_TEST

START_TEST(file_helpers)
{
	char *dir = nsbt_tmpdir("files");
	nsb_autoclose int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	nsb_autofree char *s = NULL;
	uint64_t u;
	size_t len;
	struct stat st;
	char *deep;

	ck_assert_int_ge(dfd, 0);
	ck_assert_int_eq(nsb_create_file_at(dfd, "f", "123\n", 4, 0640, false), 0);
	ck_assert_int_eq(nsb_create_file_at(dfd, "f", "x", 1, 0640, false), -EEXIST);
	ck_assert_int_eq(fstatat(dfd, "f", &st, 0), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(nsb_read_u64_at(dfd, "f", &u), 0);
	ck_assert_uint_eq(u, 123);
	ck_assert_int_eq(nsb_write_string_at(dfd, "f", "max\n"), 0);
	ck_assert_int_eq(nsb_read_u64_at(dfd, "f", &u), 0);
	ck_assert_uint_eq(u, UINT64_MAX);
	ck_assert_int_eq(nsb_read_file_at(dfd, "f", 100, &s, &len), 0);
	ck_assert_uint_eq(len, 4);
	ck_assert_int_eq(nsb_write_string_at(dfd, "missing", "x"), -ENOENT);
	ck_assert_int_eq(nsb_read_u64_at(dfd, "missing", &u), -ENOENT);

	ck_assert_int_ge(asprintf(&deep, "%s/a/b/c", dir), 0);
	ck_assert_int_eq(nsb_mkdir_p(deep, 0755), 0);
	ck_assert_int_eq(nsb_mkdir_p(deep, 0755), 0);
	free(deep);
	ck_assert_int_eq(nsb_dir_is_empty_at(dfd, "a/b/c"), 1);
	ck_assert_int_eq(nsb_dir_is_empty_at(dfd, "a"), 0);
	ck_assert_int_eq(symlinkat("/etc", dfd, "a/b/link"), 0);
	ck_assert_int_eq(nsb_rm_rf_at(dfd, "a"), 0);
	ck_assert_int_eq(faccessat(dfd, "a", F_OK, AT_SYMLINK_NOFOLLOW), -1);
	/* The symlink's target was not followed. */
	ck_assert_int_eq(access("/etc/passwd", F_OK), 0);
	ck_assert_int_eq(nsb_rm_rf_at(dfd, "a"), 0);
	nsbt_rm_tmpdir(dir);
}
END_TEST

START_TEST(rootfs_helper)
{
	char *root = nsbt_rootfs_new();

	ck_assert_int_eq(nsbt_system("test -x %s/bin/busybox && test -L %s/bin/sh", root, root), 0);
	nsbt_rm_tmpdir(root);
}
END_TEST

START_TEST(private_ns_helper)
{
	char *dir;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	dir = nsbt_tmpdir("mnt");
	ck_assert_int_eq(nsbt_system("mount -t tmpfs none %s", dir), 0);
	ck_assert_int_eq(nsbt_system("ip link add nsbt0 type bridge"), 0);
	/* Both vanish with the namespaces when this forked test ends; the
	 * directory is ours to remove. */
	ck_assert_int_eq(nsbt_system("umount %s", dir), 0);
	nsbt_rm_tmpdir(dir);
}
END_TEST

START_TEST(cgroup_helper)
{
	char *cg;

	NSBT_REQUIRE_ROOT();
	cg = nsbt_cgroup_new("pids");
	ck_assert_int_eq(access(cg, F_OK), 0);
	nsbt_cgroup_remove(cg);
}
END_TEST

static Suite *common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc;

	tc = tcase_create("api");
	tcase_add_test(tc, version_matches_headers);
	tcase_add_test(tc, last_error_starts_empty);
	tcase_add_test(tc, check_version);
	tcase_add_test(tc, free_accepts_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, set_error_formats_and_returns);
	tcase_add_test(tc, set_error_truncates_long_messages);
	tcase_add_test(tc, oom_message_is_static);
	tcase_add_test(tc, last_error_is_per_thread);
	tcase_add_test(tc, check_arg_reports);
	suite_add_tcase(s, tc);

	tc = tcase_create("helpers");
	tcase_add_test(tc, steal_helpers);
	tcase_add_test(tc, names_and_paths);
	tcase_add_test(tc, path_join);
	tcase_add_test(tc, parse_numbers);
	tcase_add_test(tc, strv_helpers);
	tcase_add_test(tc, file_helpers);
	suite_add_tcase(s, tc);

	tc = tcase_create("test-harness");
	tcase_add_test(tc, rootfs_helper);
	tcase_add_test(tc, private_ns_helper);
	tcase_add_test(tc, cgroup_helper);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nsbt_main(common_suite(), "common");
}
