/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For the container module (issue 7): build the detached overlay of a
 * layer set from the description a container copied out of it
 * (nsb_layerset_describe()), without the layer set handle itself.
 */
#include <errno.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "layerset-internal.h"
#include "macro.h"
#include "system.h"

/*
 * The overlay with "volatile" (Linux 5.10+): no sync of the upper layer,
 * not even at unmount, where overlayfs otherwise syncs the whole file
 * system holding it (milliseconds, more with others' dirty data). For
 * writable layers that are thrown away afterwards (docker run --rm; Podman
 * does the same). Lowers are given top first, as fsconfig lowerdir+ wants.
 */
static int mount_volatile(const struct nsb_layerset_desc *d, int *out_fd)
{
	static const char what[] = "build detached overlay (volatile)";
	nsb_autoclose int fsfd = -EBADF;
	int mfd, r;

	fsfd = nsb_sys_fsopen("overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return nsb_set_error(fsfd == -ENOSYS ? -EOPNOTSUPP : fsfd, "%s: fsopen overlay",
				     what);
	for (size_t i = 0; i < d->n_lowers; i++) {
		r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", d->lowers[i], 0);
		if (r < 0)
			return nsb_set_error(r, "%s: layer %s", what, d->lowers[i]);
	}
	r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", d->upper, 0);
	if (r < 0)
		return nsb_set_error(r, "%s: layer %s", what, d->upper);
	r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", d->work, 0);
	if (r < 0)
		return nsb_set_error(r, "%s: layer %s", what, d->work);
	r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_FLAG, "volatile", NULL, 0);
	if (r < 0)
		return nsb_set_error(r == -EINVAL ? -EOPNOTSUPP : r, "%s: option volatile", what);
	r = nsb_sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	if (r < 0)
		return nsb_set_error(r, "%s: create (a layer missing, or the writable layer "
					"was used volatile before: remove %s/work/incompat)",
				     what, d->work);
	mfd = nsb_sys_fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return nsb_set_error(mfd, "%s: fsmount", what);
	*out_fd = mfd;
	return 0;
}

int nsb_layerset_mount_desc_detached(const struct nsb_layerset_desc *d, bool volatile_upper,
				     int *out_fd)
{
	struct nsbox_layerset ls = {.store_fd = -EBADF};
	char **lowers;
	int r;

	if (!d || !out_fd || !d->lowers)
		return nsb_set_error_msg(-EINVAL, "detached overlay: argument check failed");
	if (d->n_lowers > NSBOX_LAYERSET_MAX_LAYERS)
		return nsb_set_error_msg(-E2BIG,
					 "build detached overlay: %zu lower layers, but overlayfs "
					 "stacks at most %d",
					 d->n_lowers, NSBOX_LAYERSET_MAX_LAYERS);
	if (volatile_upper && d->upper && d->work)
		return mount_volatile(d, out_fd);
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
	r = nsb_layerset_mount_detached(&ls, out_fd);
	free(lowers);
	return r;
}
