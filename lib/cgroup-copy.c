/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For the container module (issue 7): deep copies of what a container
 * needs (STYLE rule 10: setters copy, handles never borrow): the group's
 * directory in every hierarchy a live handle covers, or the whole recipe of
 * a handle not yet created, for the container to make the group itself.
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
	if (cg->state != CG_LIVE && cg->state != CG_MAKING)
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

int nsb_cgroup_copy_new(const nsbox_cgroup *cg, nsbox_cgroup **out)
{
	nsbox_cgroup *n = NULL;
	int r;

	if (!cg || !out)
		return nsb_set_error_msg(-EINVAL, "copy cgroup: argument check failed");
	if (cg->owner != getpid())
		return nsb_set_error_msg(-ECHILD, "copy cgroup %s: handle made in process %d",
					 cg->name, (int)cg->owner);
	if (cg->state != CG_NEW)
		return nsb_set_error_msg(-EINVAL, "copy cgroup %s: the handle is not new", cg->name);
	r = nsbox_cgroup_new(&n, cg->name, cg->flags);
	if (r < 0)
		return r;
	n->want = cg->want;
	n->timeout_us = cg->timeout_us;
	n->pending_seq = cg->pending_seq;
	if ((cg->parent && !(n->parent = strdup(cg->parent))) ||
	    (cg->root && !(n->root = strdup(cg->root))))
		goto oom;
	for (size_t i = 0; i < CGL_N; i++) {
		n->pending[i] = cg->pending[i];
		n->pending[i].s = NULL;
		if (cg->pending[i].s && !(n->pending[i].s = strdup(cg->pending[i].s)))
			goto oom;
	}
	*out = n;
	return 0;
oom:
	nsbox_cgroup_free(n);
	return nsb_oom();
}
