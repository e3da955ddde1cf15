/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox.so loads libarchive only when a tar layer is imported or
 * exported (lib/layerset-tar.c dlopen()s it). This program links the real
 * shared library and not libarchive (tests/test-layerset.c links
 * libarchive itself to build its tarballs, so it cannot see this), and
 * checks that libarchive is not in the process before the first tar call,
 * is after it, and that a tar round trip works through the loaded table.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

#include "helpers/nsbt.h"

/* Is a file whose name contains "libarchive" mapped in this process? */
static int libarchive_mapped(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[4096];
	int found = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "/libarchive.so"))
			found = 1;
	fclose(f);
	return found;
}

static char *pjoin(const char *a, const char *b)
{
	char *p;
	ck_assert_int_ge(asprintf(&p, "%s/%s", a, b), 0);
	return p;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	ck_assert_msg(f, "create %s: %s", path, strerror(errno));
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	static char buf[256];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	close(fd);
	return buf;
}

START_TEST(loaded_on_first_tar_use)
{
	char *dir, *src, *f, *storep, *out;
	nsbox_layer_store *st = NULL;
	int fd;

	NSBT_REQUIRE_ROOT();
	/* Not a DT_NEEDED of libnsbox.so, and nothing so far loaded it. */
	ck_assert_msg(!libarchive_mapped(), "libarchive is loaded before any tar use");

	dir = nsbt_tmpdir("store");
	src = pjoin(dir, "src");
	ck_assert_int_eq(mkdir(src, 0755), 0);
	f = pjoin(src, "hello");
	put(f, "world\n");
	storep = pjoin(dir, "store");
	ck_assert_msg(nsbox_layer_store_open(&st, storep, NSBOX_LAYER_STORE_CREATE) == 0, "%s",
		      nsbox_last_error());
	ck_assert_msg(nsbox_layer_store_import_dir(st, "a", NULL, src, NULL) == 0, "%s",
		      nsbox_last_error());
	/* Everything but tar works without it. */
	ck_assert(!libarchive_mapped());

	fd = memfd_create("layer.tar.gz", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_msg(nsbox_layer_store_export_tar(st, "a", fd, NSBOX_LAYER_TAR_GZIP) == 0, "%s",
		      nsbox_last_error());
	ck_assert_msg(libarchive_mapped(), "libarchive is not loaded after export_tar");
	ck_assert_int_gt(lseek(fd, 0, SEEK_END), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_msg(nsbox_layer_store_import_tar(st, "b", NULL, fd, NULL) == 0, "%s",
		      nsbox_last_error());
	close(fd);
	out = pjoin(storep, "b/diff/hello");
	ck_assert_str_eq(slurp(out), "world\n");

	free(out);
	nsbox_layer_store_free(st);
	free(storep);
	free(f);
	free(src);
	nsbt_rm_tmpdir(dir);
}
END_TEST

static Suite *lazy_suite(void)
{
	Suite *s = suite_create("layerset-lazy");
	TCase *tc = tcase_create("lazy-libarchive");

	tcase_add_test(tc, loaded_on_first_tar_use);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return nsbt_main(lazy_suite(), "tarlazy");
}
