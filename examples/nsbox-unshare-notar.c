/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsbox-unshare is linked with the static libnsbox.a, so it carries only
 * the parts of the library it calls. It never reads or writes a layer
 * tarball, but the layer store's object refers to the tar code, which would
 * pull in libarchive and, through it, some fifteen shared libraries (libxml2,
 * ICU, libstdc++, the compressors): about 2 ms of dynamic loading on every
 * run of a tool whose whole job takes a few milliseconds (bench/start).
 * These two definitions stand in for the tar code (lib/layerset-tar.c);
 * nsbox_layer_store_import_tar() and nsbox_layer_store_export_tar() fail
 * with -EOPNOTSUPP in this program. A library-wide fix would be for
 * layerset-tar.c to dlopen() libarchive on first use.
 *
 * Keep the prototypes in step with lib/layerset-internal.h: a mismatch
 * fails the build (the header is included).
 */
#include <errno.h>
#include <stdint.h>

#include "layerset-internal.h"

int nsb_ls_tar_extract(int src_fd, int diff_dfd)
{
	(void)src_fd;
	(void)diff_dfd;
	return -EOPNOTSUPP;
}

int nsb_ls_tar_write(int diff_dfd, int out_fd, uint32_t flags)
{
	(void)diff_dfd;
	(void)out_fd;
	(void)flags;
	return -EOPNOTSUPP;
}
