/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layerset module: an ordered set of overlay layers (plain directories
 * or a store layer's chain), its inspect strings, and the description the
 * container module copies out. Mounting is in layerset-mount.c, the store
 * in layerset-store.c, tarballs in layerset-tar.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layerset-internal.h"
#include "macro.h"
#include "system.h"
#include "util.h"

NSB_DEFINE_FREEP(nsbox_layerset, nsbox_layerset_free)
#define nsb_autols __attribute__((cleanup(nsbox_layerset_freep)))

NSB_EXPORT int nsbox_layerset_new(nsbox_layerset **out)
{
	nsbox_layerset *ls;

	NSB_CHECK_ARG(out);
	ls = calloc(1, sizeof(*ls));
	if (!ls)
		return nsb_oom();
	ls->store_fd = -EBADF;
	*out = ls;
	return 0;
}

NSB_EXPORT void nsbox_layerset_free(nsbox_layerset *ls)
{
	if (!ls)
		return;
	if (ls->mounted && ls->merged)
		(void)umount2(ls->merged, MNT_DETACH | UMOUNT_NOFOLLOW);
	NSB_CLOSE(ls->store_fd);
	nsb_strv_free(ls->lowers);
	nsb_strv_free(ls->shorts);
	free(ls->upper);
	free(ls->work);
	free(ls->store);
	free(ls->upper_rel);
	free(ls->work_rel);
	free(ls->default_merged);
	free(ls->merged);
	free(ls);
}

static int resolve_dir(const char *what, const char *dir, char **out)
{
	nsb_autofree char *abs = realpath(dir, NULL);
	struct stat st;

	if (!abs)
		return nsb_set_error(NSB_NEG_ERRNO(), "%s %s", what, dir);
	if (stat(abs, &st) < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "%s %s", what, dir);
	if (!S_ISDIR(st.st_mode))
		return nsb_set_error(-ENOTDIR, "%s %s", what, dir);
	*out = NSB_STEAL_PTR(abs);
	return 0;
}

NSB_EXPORT int nsbox_layerset_add_lower(nsbox_layerset *ls, const char *dir)
{
	nsb_autofree char *abs = NULL;
	int r;

	NSB_CHECK_ARG(ls);
	NSB_CHECK_ARG(dir);
	if (ls->mounted)
		return nsb_set_error_msg(-EBUSY, "add lower %s: the layer set is mounted", dir);
	if (ls->n_lowers >= NSBOX_LAYERSET_MAX_LAYERS)
		return nsb_set_error_msg(-E2BIG,
					 "add lower %s: the layer set has %d lower layers already, "
					 "the most overlayfs stacks",
					 dir, NSBOX_LAYERSET_MAX_LAYERS);
	r = resolve_dir("add lower", dir, &abs);
	if (r < 0)
		return r;
	if (nsb_strv_push(&ls->lowers, abs) < 0)
		return nsb_oom();
	ls->n_lowers++;
	/* A plain directory has no short link: the set is no longer a store chain. */
	nsb_strv_free(ls->shorts);
	ls->shorts = NULL;
	return 0;
}

NSB_EXPORT int nsbox_layerset_set_upper(nsbox_layerset *ls, const char *upper, const char *work)
{
	nsb_autofree char *u = NULL;
	nsb_autofree char *w = NULL;
	int r;

	NSB_CHECK_ARG(ls);
	NSB_CHECK_ARG(!upper == !work);
	if (ls->mounted)
		return nsb_set_error_msg(-EBUSY, "set upper: the layer set is mounted");
	if (upper) {
		r = resolve_dir("set upper", upper, &u);
		if (r < 0)
			return r;
		r = resolve_dir("set work", work, &w);
		if (r < 0)
			return r;
	}
	free(ls->upper);
	free(ls->work);
	free(ls->upper_rel);
	free(ls->work_rel);
	ls->upper_rel = ls->work_rel = NULL;
	ls->upper = NSB_STEAL_PTR(u);
	ls->work = NSB_STEAL_PTR(w);
	return 0;
}

NSB_EXPORT int nsbox_layerset_set_mount_method(nsbox_layerset *ls, int method)
{
	NSB_CHECK_ARG(ls);
	NSB_CHECK_ARG(method >= NSBOX_LAYERSET_MOUNT_AUTO &&
		      method <= NSBOX_LAYERSET_MOUNT_SHORT_LINKS);
	ls->method = method;
	return 0;
}

NSB_EXPORT int nsbox_layerset_new_from_store(nsbox_layerset **out, nsbox_layer_store *st,
					     const char *id, uint32_t flags)
{
	nsb_autols nsbox_layerset *ls = NULL;
	nsb_autostrv char **chain = NULL, **shorts = NULL;
	size_t n, first;
	bool writable;
	int r;

	NSB_CHECK_ARG(out);
	NSB_CHECK_ARG(st);
	NSB_CHECK_ARG(id);
	NSB_CHECK_ARG((flags & ~NSBOX_LAYERSET_READ_ONLY) == 0);
	if (!nsb_ls_id_is_valid(id))
		return nsb_set_error_msg(-EINVAL, "layer set of %.80s: invalid layer id", id);
	ls = calloc(1, sizeof(*ls));
	if (!ls)
		return nsb_oom();
	ls->store_fd = -EBADF;
	r = nsb_ls_lock(st, LOCK_SH);
	if (r < 0)
		return r;
	r = nsb_ls_chain_shorts(st, id, &chain, &shorts);
	if (r < 0) {
		nsb_ls_unlock(st);
		return nsb_prefix_error(r, "layer set of %s", id);
	}
	n = nsb_strv_length(chain);
	writable = !(flags & NSBOX_LAYERSET_READ_ONLY) && !nsb_ls_is_committed(st, id);
	first = writable ? 1 : 0;
	if (n - first > NSBOX_LAYERSET_MAX_LAYERS) {
		nsb_ls_unlock(st);
		return nsb_set_error_msg(-E2BIG,
					 "layer set of %s: %zu lower layers, but overlayfs stacks "
					 "at most %d",
					 id, n - first, NSBOX_LAYERSET_MAX_LAYERS);
	}
	ls->lowers = calloc(n - first + 1, sizeof(char *));
	ls->shorts = calloc(n - first + 1, sizeof(char *));
	if (!ls->lowers || !ls->shorts) {
		nsb_ls_unlock(st);
		return nsb_oom();
	}
	/* chain is top first; the handle keeps bottom first. */
	for (size_t i = first; i < n; i++) {
		char shortname[NSB_LS_SHORT_LEN + 1];
		size_t k = n - 1 - i;

		if (shorts) {
			snprintf(shortname, sizeof(shortname), "%s", shorts[i]);
			r = 0;
		} else {
			r = nsb_ls_read_link(st, chain[i], shortname);
		}
		if (r < 0) {
			nsb_ls_unlock(st);
			return nsb_set_error(r, "layer set of %s: read the link of %s", id,
					     chain[i]);
		}
		ls->lowers[k] = nsb_strdup_printf("%s/%s/diff", st->path, chain[i]);
		ls->shorts[k] = nsb_strdup_printf("l/%s", shortname);
		if (!ls->lowers[k] || !ls->shorts[k]) {
			nsb_ls_unlock(st);
			return nsb_oom();
		}
		ls->n_lowers++;
	}
	nsb_ls_unlock(st);
	if (writable) {
		ls->upper = nsb_strdup_printf("%s/%s/diff", st->path, id);
		ls->work = nsb_strdup_printf("%s/%s/work", st->path, id);
		ls->upper_rel = nsb_strdup_printf("%s/diff", id);
		ls->work_rel = nsb_strdup_printf("%s/work", id);
		if (!ls->upper || !ls->work || !ls->upper_rel || !ls->work_rel)
			return nsb_oom();
	}
	ls->store = strdup(st->path);
	ls->store_fd = open(st->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (ls->store_fd < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "layer set of %s: open %s", id, st->path);
	ls->default_merged = nsb_strdup_printf("%s/%s/merged", st->path, id);
	if (!ls->store || !ls->default_merged)
		return nsb_oom();
	*out = NSB_STEAL_PTR(ls);
	return 0;
}

/* JSON string body with the escapes JSON needs. */
static int json_escape(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	return 0;
}

static char *lower_string(const nsbox_layerset *ls)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; i < ls->n_lowers; i++)
		len += strlen(ls->lowers[i]) + 1;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (size_t i = ls->n_lowers; i-- > 0;) {
		size_t l = strlen(ls->lowers[i]);
		memcpy(p, ls->lowers[i], l);
		p += l;
		if (i)
			*p++ = ':';
	}
	*p = '\0';
	return s;
}

NSB_EXPORT int nsbox_layerset_inspect(const nsbox_layerset *ls, int what, char **out)
{
	nsb_autofree char *lower = NULL;
	const char *merged;
	char *res = NULL;

	NSB_CHECK_ARG(ls);
	NSB_CHECK_ARG(out);
	NSB_CHECK_ARG(what >= NSBOX_LAYERSET_INSPECT_JSON && what <= NSBOX_LAYERSET_INSPECT_MERGED);
	merged = ls->merged ? ls->merged : ls->default_merged;
	switch (what) {
	case NSBOX_LAYERSET_INSPECT_LOWER:
		res = lower_string(ls);
		break;
	case NSBOX_LAYERSET_INSPECT_UPPER:
		res = strdup(ls->upper ? ls->upper : "");
		break;
	case NSBOX_LAYERSET_INSPECT_WORK:
		res = strdup(ls->work ? ls->work : "");
		break;
	case NSBOX_LAYERSET_INSPECT_MERGED:
		res = strdup(merged ? merged : "");
		break;
	default: {
		size_t len = 0;
		FILE *f;

		lower = lower_string(ls);
		if (!lower)
			return nsb_oom();
		f = open_memstream(&res, &len);
		if (!f)
			return nsb_oom();
		fputs("{\"LowerDir\":\"", f);
		json_escape(f, lower);
		fputs("\",\"MergedDir\":\"", f);
		json_escape(f, merged);
		fputs("\",\"UpperDir\":\"", f);
		json_escape(f, ls->upper);
		fputs("\",\"WorkDir\":\"", f);
		json_escape(f, ls->work);
		fputs("\"}", f);
		if (fclose(f) != 0) {
			free(res);
			res = NULL;
		}
		break;
	}
	}
	if (!res)
		return nsb_oom();
	*out = res;
	return 0;
}

int nsb_layerset_describe(const nsbox_layerset *ls, struct nsb_layerset_desc *out)
{
	struct nsb_layerset_desc d = {0};
	const char *merged;

	if (!ls || !out)
		return nsb_set_error_msg(-EINVAL, "describe layer set: argument check failed");
	d.lowers = calloc(ls->n_lowers + 1, sizeof(char *));
	if (!d.lowers)
		return nsb_oom();
	for (size_t i = 0; i < ls->n_lowers; i++) {
		d.lowers[i] = strdup(ls->lowers[ls->n_lowers - 1 - i]);
		if (!d.lowers[i])
			goto oom;
		d.n_lowers++;
	}
	merged = ls->merged ? ls->merged : ls->default_merged;
	if ((ls->upper && !(d.upper = strdup(ls->upper))) ||
	    (ls->work && !(d.work = strdup(ls->work))) || (merged && !(d.merged = strdup(merged))))
		goto oom;
	*out = d;
	return 0;
oom:
	nsb_layerset_desc_done(&d);
	return nsb_oom();
}

void nsb_layerset_desc_done(struct nsb_layerset_desc *d)
{
	if (!d)
		return;
	nsb_strv_free(d->lowers);
	free(d->upper);
	free(d->work);
	free(d->merged);
	*d = (struct nsb_layerset_desc){0};
}
