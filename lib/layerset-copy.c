/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For the container module (issue 7): build the detached overlay of a
 * layer set from the description a container copied out of it
 * (nsb_layerset_describe()), without the layer set handle itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "layerset-internal.h"
#include "macro.h"
#include "system.h"

int nsb_layerset_mount_desc_detached(const struct nsb_layerset_desc *d, bool volatile_upper,
				     int *out_fd)
{
	struct nsbox_layerset ls = {.store_fd = -EBADF};
	char **lowers;
	int r;

	if (!d || !out_fd || !d->lowers)
		return nsb_set_error_msg(-EINVAL, "detached overlay: argument check failed");
	/* The description is top first; a layer set keeps the bottom first. The
	 * strings are borrowed from the description for the call. */
	lowers = calloc(d->n_lowers + 1, sizeof(char *));
	if (!lowers)
		return nsb_oom();
	for (size_t i = 0; i < d->n_lowers; i++)
		lowers[i] = d->lowers[d->n_lowers - 1 - i];
	ls.lowers = lowers;
	ls.n_lowers = d->n_lowers;
	ls.upper = d->upper;
	ls.work = d->work;
	r = nsb_ls_mount_detached_opts(&ls, volatile_upper && d->upper && d->work, out_fd);
	free(lowers);
	return r;
}

int nsb_ls_hold_layer(const struct nsb_layerset_desc *d)
{
	const char *top = d->upper ? d->upper : d->n_lowers ? d->lowers[0] : NULL;
	nsb_autofree char *dir = NULL;
	size_t n;
	int fd;

	/* Only a store layer (".../<id>/diff") has a directory to hold. */
	if (!top)
		return -EBADF;
	n = strlen(top);
	if (n < 6 || strcmp(top + n - 5, "/diff") != 0)
		return -EBADF;
	dir = strndup(top, n - 5);
	if (!dir)
		return nsb_oom();
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "hold layer %s", dir);
	if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
		int r = NSB_NEG_ERRNO();
		(void)close(fd);
		return nsb_set_error(r, "hold layer %s", dir);
	}
	return fd;
}
