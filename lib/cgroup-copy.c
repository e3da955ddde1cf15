/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For the container module (issue 7): a deep copy of what a container
 * needs to join a group (STYLE rule 10: setters copy, handles never
 * borrow): the group's directory in every hierarchy the handle covers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "error.h"
#include "macro.h"

int nsb_cgroup_describe(const nsbox_cgroup *cg, struct nsb_cgroup_desc *out)
{
	struct nsb_cgroup_desc d = {.v2 = -1};

	if (!cg || !out)
		return nsb_set_error_msg(-EINVAL, "describe cgroup: argument check failed");
	if (cg->owner != getpid())
		return nsb_set_error_msg(-ECHILD, "describe cgroup %s: handle made in process %d",
					 cg->name, (int)cg->owner);
	if (cg->state != CG_LIVE)
		return nsb_set_error_msg(-EINVAL,
					 "describe cgroup %s: the group is not created or opened",
					 cg->name);
	d.layout = cg->layout;
	if (!(d.name = strdup(cg->name)))
		return nsb_oom();
	for (size_t i = 0; i < cg->nh; i++) {
		d.h[i].version = cg->h[i].version;
		d.h[i].controllers = cg->h[i].controllers;
		d.h[i].path = strdup(cg->h[i].path);
		d.n = i + 1;
		if (!d.h[i].path) {
			nsb_cgroup_desc_done(&d);
			return nsb_oom();
		}
		if (cg->h[i].version == 2)
			d.v2 = (int)i;
	}
	*out = d;
	return 0;
}

void nsb_cgroup_desc_done(struct nsb_cgroup_desc *d)
{
	if (!d)
		return;
	free(d->name);
	for (size_t i = 0; i < d->n; i++)
		free(d->h[i].path);
	memset(d, 0, sizeof(*d));
	d->v2 = -1;
}
