/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layer store, in Docker's overlay2 layout:
 *
 *   <store>/<id>/diff/       the layer's content
 *   <store>/<id>/link        its short id (26 characters of [A-Z0-9])
 *   <store>/<id>/lower       "l/<parent short>:l/<grandparent short>:..." (top first)
 *   <store>/<id>/committed   present once the layer is read-only
 *   <store>/<id>/work/       writable layers only (overlay's workdir)
 *   <store>/l/<short>        symlink to ../<id>/diff
 *
 * Concurrency: the store directory itself is flock()ed, shared for reads,
 * exclusive for changes. A new layer is built in <store>/.tmp-<random>/,
 * which its builder keeps flock()ed, and renamed to <id> under the
 * exclusive lock once complete, so a layer is listed only when whole.
 * nsbox_layer_store_open() removes temporary directories nobody holds
 * (a crashed or killed import) and repairs l/ links.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "layerset-internal.h"
#include "macro.h"
#include "system.h"
#include "util.h"

NSB_DEFINE_FREEP(nsbox_layer_store, nsbox_layer_store_free)

bool nsb_ls_id_is_valid(const char *id)
{
	size_t n;

	if (!id)
		return false;
	n = strnlen(id, NSBOX_LAYER_ID_MAX + 1);
	if (n == 0 || n > NSBOX_LAYER_ID_MAX)
		return false;
	if (!((id[0] >= 'a' && id[0] <= 'z') || (id[0] >= 'A' && id[0] <= 'Z') ||
	      (id[0] >= '0' && id[0] <= '9')))
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-' || c == '.'))
			return false;
	}
	if (strstr(id, ".."))
		return false;
	return strcmp(id, "l") != 0;
}

static bool short_is_valid(const char *s)
{
	if (strlen(s) != NSB_LS_SHORT_LEN)
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return false;
	return true;
}

static int random_bytes(void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = getrandom((char *)buf + done, len - done, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return NSB_NEG_ERRNO();
		done += (size_t)n;
	}
	return 0;
}

static int random_id(char **out)
{
	unsigned char b[32];
	char *s = malloc(65);
	int r;

	if (!s)
		return -ENOMEM;
	r = random_bytes(b, sizeof(b));
	if (r < 0) {
		free(s);
		return r;
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(s + 2 * i, 3, "%02x", b[i]);
	*out = s;
	return 0;
}

static int random_short(char buf[NSB_LS_SHORT_LEN + 1])
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char b[NSB_LS_SHORT_LEN];
	int r = random_bytes(b, sizeof(b));

	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(b); i++)
		buf[i] = alphabet[b[i] % 36];
	buf[NSB_LS_SHORT_LEN] = '\0';
	return 0;
}

int nsb_ls_lock(nsbox_layer_store *st, int op)
{
	while (flock(st->dfd, op) < 0) {
		if (errno != EINTR)
			return nsb_set_error(NSB_NEG_ERRNO(), "lock layer store %s", st->path);
	}
	return 0;
}

void nsb_ls_unlock(nsbox_layer_store *st)
{
	(void)flock(st->dfd, LOCK_UN);
}

static bool layer_exists(nsbox_layer_store *st, const char *id)
{
	char p[NSB_LS_IDBUF + 16];
	struct stat s;

	snprintf(p, sizeof(p), "%s/diff", id);
	return fstatat(st->dfd, p, &s, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(s.st_mode);
}

bool nsb_ls_is_committed(nsbox_layer_store *st, const char *id)
{
	char p[NSB_LS_IDBUF + 16];

	snprintf(p, sizeof(p), "%s/committed", id);
	return faccessat(st->dfd, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* Read a small file below the store into buf (NUL-terminated, trailing '\n' cut). */
static int read_small(nsbox_layer_store *st, const char *path, char *buf, size_t len)
{
	nsb_autoclose int fd = openat(st->dfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return NSB_NEG_ERRNO();
	n = nsb_read_full(fd, buf, len - 1);
	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return (int)n;
}

int nsb_ls_read_link(nsbox_layer_store *st, const char *id, char *buf)
{
	char p[NSB_LS_IDBUF + 16];
	char tmp[64];
	int r;

	snprintf(p, sizeof(p), "%s/link", id);
	r = read_small(st, p, tmp, sizeof(tmp));
	if (r < 0)
		return r;
	if (!short_is_valid(tmp))
		return -EUCLEAN;
	memcpy(buf, tmp, NSB_LS_SHORT_LEN + 1);
	return 0;
}

/* The id a short link names, from l/<short> -> ../<id>/diff. */
static int short_to_id(nsbox_layer_store *st, const char *shortname, char *id)
{
	char p[NSB_LS_SHORT_LEN + 4], target[NSB_LS_IDBUF + 16];
	ssize_t n;
	size_t len;

	if (!short_is_valid(shortname))
		return -EUCLEAN;
	snprintf(p, sizeof(p), "l/%s", shortname);
	n = readlinkat(st->dfd, p, target, sizeof(target) - 1);
	if (n < 0)
		return NSB_NEG_ERRNO();
	target[n] = '\0';
	len = (size_t)n;
	if (len < 9 || strncmp(target, "../", 3) != 0 || strcmp(target + len - 5, "/diff") != 0)
		return -EUCLEAN;
	target[len - 5] = '\0';
	if (!nsb_ls_id_is_valid(target + 3))
		return -EUCLEAN;
	strcpy(id, target + 3);
	return 0;
}

/* The parent of @id: 1 and its id in @parent, 0 for a base layer. */
static int parent_of(nsbox_layer_store *st, const char *id, char *parent)
{
	char p[NSB_LS_IDBUF + 16], buf[NSB_LS_SHORT_LEN + 8];
	char *first;
	int r;

	snprintf(p, sizeof(p), "%s/lower", id);
	r = read_small(st, p, buf, sizeof(buf));
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	buf[strcspn(buf, ":")] = '\0';
	if (strncmp(buf, "l/", 2) != 0)
		return -EUCLEAN;
	first = buf + 2;
	r = short_to_id(st, first, parent);
	if (r < 0)
		return r;
	return 1;
}

/* A change of the l/ links was started and not finished (see below). */
static bool store_in_change(nsbox_layer_store *st)
{
	return faccessat(st->dfd, NSB_LS_DIRTY, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

static int cmp_id(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The fast way (no layer's files but the top's): a layer's "lower" file
 * lists its whole chain below it, parent first, as l/<short> links, as
 * written when the layer was made (Docker's overlay2 mounts from it too).
 * Each short link names its layer: a readlink and a stat a layer instead
 * of a stat, two file reads and a readlink (chain_walk()). Taken only when
 * the store is not in the middle of a change (no .changing mark: the links
 * agree with the layers) and when the list holds up: no layer twice, and
 * its last layer a base one (a loop made by editing lower files shows
 * there); otherwise 1, and the caller walks the parents one by one. With
 * @out_shorts, the short names too (the top's from its link file).
 */
static int chain_fast(nsbox_layer_store *st, const char *id, char ***out_ids,
		      char ***out_shorts)
{
	nsb_autostrv char **ids = NULL, **shorts = NULL;
	nsb_autofree char *lower = NULL;
	nsb_autofree char **sorted = NULL;
	char p[NSB_LS_IDBUF + 16], top[NSB_LS_SHORT_LEN + 1];
	size_t len = 0, n;
	int r;

	if (store_in_change(st) || !layer_exists(st, id))
		return 1;
	snprintf(p, sizeof(p), "%s/lower", id);
	r = nsb_read_file_at(st->dfd, p, 1 << 20, &lower, &len);
	if (r < 0)
		return 1; /* a base layer (no lower file): nothing to gain */
	lower[strcspn(lower, "\n")] = '\0';
	if (nsb_strv_push(&ids, id) < 0)
		return nsb_oom();
	if (out_shorts) {
		if (nsb_ls_read_link(st, id, top) < 0)
			return 1;
		if (nsb_strv_push(&shorts, top) < 0)
			return nsb_oom();
	}
	for (char *save = NULL, *tok = strtok_r(lower, ":", &save); tok;
	     tok = strtok_r(NULL, ":", &save)) {
		char lid[NSB_LS_IDBUF];
		/* A layer gone behind the store's back: the walk says which. */
		if (strncmp(tok, "l/", 2) != 0 || short_to_id(st, tok + 2, lid) < 0 ||
		    !layer_exists(st, lid))
			return 1;
		if (nsb_strv_push(&ids, lid) < 0 || (out_shorts && nsb_strv_push(&shorts, tok + 2) < 0))
			return nsb_oom();
	}
	n = nsb_strv_length(ids);
	if (n < 2)
		return 1;
	/* The bottom layer has no lower file: else the list is not the chain. */
	snprintf(p, sizeof(p), "%s/lower", ids[n - 1]);
	if (faccessat(st->dfd, p, F_OK, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
		return 1;
	sorted = malloc(n * sizeof(char *));
	if (!sorted)
		return nsb_oom();
	memcpy(sorted, ids, n * sizeof(char *));
	qsort(sorted, n, sizeof(char *), cmp_id);
	for (size_t i = 1; i < n; i++)
		if (strcmp(sorted[i - 1], sorted[i]) == 0)
			return 1;
	*out_ids = NSB_STEAL_PTR(ids);
	if (out_shorts)
		*out_shorts = NSB_STEAL_PTR(shorts);
	return 0;
}

static int chain_walk(nsbox_layer_store *st, const char *id, char ***out_ids);

int nsb_ls_chain_shorts(nsbox_layer_store *st, const char *id, char ***out_ids,
			char ***out_shorts)
{
	int r = chain_fast(st, id, out_ids, out_shorts);

	if (r <= 0)
		return r;
	if (out_shorts)
		*out_shorts = NULL;
	return chain_walk(st, id, out_ids);
}

int nsb_ls_chain(nsbox_layer_store *st, const char *id, char ***out_ids)
{
	return nsb_ls_chain_shorts(st, id, out_ids, NULL);
}

/* The parents one by one: a stat, two file reads and a readlink a layer. */
static int chain_walk(nsbox_layer_store *st, const char *id, char ***out_ids)
{
	nsb_autostrv char **ids = NULL;
	char cur[NSB_LS_IDBUF];
	int r;

	if (!layer_exists(st, id))
		return nsb_set_error_msg(-ENOENT, "layer %s: no such layer in %s", id, st->path);
	strcpy(cur, id);
	for (;;) {
		char parent[NSB_LS_IDBUF];

		if (nsb_strv_push(&ids, cur) < 0)
			return nsb_oom();
		r = parent_of(st, cur, parent);
		if (r == -ENOENT || (r >= 0 && r == 1 && !layer_exists(st, parent)))
			return nsb_set_error_msg(-ENOENT,
						 "layer %s: its parent (of %s) was removed from %s",
						 id, cur, st->path);
		if (r < 0)
			return nsb_set_error(r, "layer %s: read the parent of %s", id, cur);
		if (r == 0)
			break;
		for (char **i = ids; *i; i++)
			if (strcmp(*i, parent) == 0)
				return nsb_set_error_msg(-ELOOP, "layer %s: the parent chain loops at %s",
							 id, parent);
		strcpy(cur, parent);
	}
	*out_ids = NSB_STEAL_PTR(ids);
	return 0;
}

/* One allocation holding the vector and its strings: freed by nsbox_free(). */
static int pack_strv(char *const *v, char ***out)
{
	return nsb_strv_pack(v, out) < 0 ? nsb_oom() : 0;
}

/* ---- open and repair ---- */

/*
 * The links of l/ change only inside the two short critical sections under
 * the exclusive store lock (a new layer renamed in and linked, a removed
 * one renamed away and unlinked). Each marks the store "in change" first
 * (NSB_LS_DIRTY, an empty file) and clears the mark when the links agree
 * again, so only a crash inside one of them leaves links to repair: an
 * open checks the mark, not every link. Without it, opening a store of 500
 * layers read every layer's link (about 5.5 ms) on each open.
 */
int nsb_ls_mark_dirty(nsbox_layer_store *st)
{
	int fd = openat(st->dfd, NSB_LS_DIRTY, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0)
		return NSB_NEG_ERRNO();
	(void)close(fd);
	return 0;
}

void nsb_ls_mark_clean(nsbox_layer_store *st)
{
	(void)unlinkat(st->dfd, NSB_LS_DIRTY, 0);
}

/* A temporary layer (path relative to the store) that no live builder or
 * remover holds: they keep an exclusive flock on it while they work. */
static bool tmp_abandoned(nsbox_layer_store *st, const char *path)
{
	nsb_autoclose int tfd = -EBADF;

	tfd = openat(st->dfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return tfd >= 0 && flock(tfd, LOCK_EX | LOCK_NB) == 0;
}

/* Open the store's directory of temporary layers for reading; NULL with
 * *r = 0 when there is none. */
static DIR *open_tmpdir(nsbox_layer_store *st, int *r)
{
	DIR *d;
	int fd = openat(st->dfd, NSB_LS_TMPDIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	*r = 0;
	if (fd < 0) {
		if (errno != ENOENT)
			*r = nsb_set_error(NSB_NEG_ERRNO(), "read %s/" NSB_LS_TMPDIR, st->path);
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		*r = nsb_set_error(NSB_NEG_ERRNO(), "read %s/" NSB_LS_TMPDIR, st->path);
		close(fd);
	}
	return d;
}

/* "<NSB_LS_TMPDIR>/<name>" in buf; made sure the directory exists. */
static int tmp_path(nsbox_layer_store *st, const char *name, char *buf, size_t len)
{
	if (mkdirat(st->dfd, NSB_LS_TMPDIR, 0700) < 0 && errno != EEXIST)
		return NSB_NEG_ERRNO();
	snprintf(buf, len, NSB_LS_TMPDIR "/%s", name);
	return 0;
}

/*
 * The temporary layers nobody holds: without remove, 1 at the first one and
 * 0 when there is none; with remove, each is deleted and 0 returned. Or a
 * negative errno (the message set).
 */
static int abandoned_tmps(nsbox_layer_store *st, bool remove)
{
	nsb_autoclosedir DIR *d = NULL;
	struct dirent *de;
	int r;

	d = open_tmpdir(st, &r);
	if (!d)
		return r;
	while ((de = readdir(d))) {
		char p[NSB_LS_IDBUF + 8];

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), NSB_LS_TMPDIR "/%s", de->d_name);
		if (!tmp_abandoned(st, p))
			continue;
		if (!remove)
			return 1;
		(void)nsb_rm_rf_at(st->dfd, p);
	}
	return 0;
}

/*
 * Whether the store needs a repair: a change was cut short (the mark is
 * there), or a temporary layer is left that no live builder holds. Reads
 * the directory of temporary layers (empty but for builds in progress),
 * never the whole store: opening a store costs the same with 5 layers or
 * 5000.
 */
static int needs_repair(nsbox_layer_store *st)
{
	if (store_in_change(st))
		return 1;
	return abandoned_tmps(st, false);
}

/*
 * What a crash can leave: dangling l/ links, missing or wrong ones, and
 * temporary layers nobody builds any more. Repaired under the exclusive
 * lock, when needs_repair() found a reason.
 */
static int repair(nsbox_layer_store *st)
{
	nsb_autoclosedir DIR *d = NULL;
	nsb_autoclose int ldfd = -EBADF;
	struct dirent *de;
	int fd, r;

	/* 1. Dangling l/ links: their layer is gone. */
	ldfd = openat(st->dfd, "l", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (ldfd < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "open %s/l", st->path);
	fd = nsb_fd_dup_cloexec(ldfd);
	if (fd < 0)
		return nsb_set_error(fd, "read %s/l", st->path);
	if (!(d = fdopendir(fd))) {
		r = NSB_NEG_ERRNO();
		close(fd);
		return nsb_set_error(r, "read %s/l", st->path);
	}
	while ((de = readdir(d))) {
		char id[NSB_LS_IDBUF];
		if (de->d_name[0] == '.')
			continue;
		if (short_to_id(st, de->d_name, id) < 0 || !layer_exists(st, id))
			(void)unlinkat(ldfd, de->d_name, 0);
	}
	nsb_closedirp(&d);

	/* 2. Leftover temporary layers, and missing or wrong links. */
	fd = openat(st->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		r = NSB_NEG_ERRNO();
		if (fd >= 0)
			close(fd);
		return nsb_set_error(r, "read %s", st->path);
	}
	while ((de = readdir(d))) {
		char shortname[NSB_LS_SHORT_LEN + 1], lp[NSB_LS_SHORT_LEN + 4];
		char want[NSB_LS_IDBUF + 16], have[NSB_LS_IDBUF + 16];
		ssize_t n;

		/* Temporary layers of earlier versions, in the store itself. */
		if (strncmp(de->d_name, NSB_LS_TMP_PREFIX, strlen(NSB_LS_TMP_PREFIX)) == 0) {
			if (tmp_abandoned(st, de->d_name))
				(void)nsb_rm_rf_at(st->dfd, de->d_name);
			continue;
		}
		if (!nsb_ls_id_is_valid(de->d_name) || !layer_exists(st, de->d_name))
			continue;
		if (nsb_ls_read_link(st, de->d_name, shortname) < 0)
			continue;
		snprintf(lp, sizeof(lp), "l/%s", shortname);
		snprintf(want, sizeof(want), "../%s/diff", de->d_name);
		n = readlinkat(st->dfd, lp, have, sizeof(have) - 1);
		if (n >= 0) {
			have[n] = '\0';
			if (strcmp(have, want) == 0)
				continue;
		}
		(void)unlinkat(st->dfd, lp, 0);
		if (symlinkat(want, st->dfd, lp) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "repair link %s/%s", st->path, lp);
	}

	/* 3. Temporary layers nobody builds or deletes any more. */
	return abandoned_tmps(st, true);
}

NSB_EXPORT int nsbox_layer_store_open(nsbox_layer_store **out, const char *path, uint32_t flags)
{
	__attribute__((cleanup(nsbox_layer_store_freep))) nsbox_layer_store *st = NULL;
	int r;

	NSB_CHECK_ARG(out);
	NSB_CHECK_ARG(path && *path);
	NSB_CHECK_ARG((flags & ~NSBOX_LAYER_STORE_CREATE) == 0);

	if (flags & NSBOX_LAYER_STORE_CREATE) {
		r = nsb_mkdir_p(path, 0700);
		if (r < 0)
			return nsb_set_error(r, "create layer store %s", path);
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return nsb_oom();
	st->dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dfd < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "open layer store %s", path);
	st->path = realpath(path, NULL);
	if (!st->path)
		return nsb_set_error(NSB_NEG_ERRNO(), "open layer store %s", path);

	/*
	 * Overlay upper dirs need trusted.* xattrs (whiteouts, opaque dirs).
	 * Probe by reading, so opening a store never writes to it: a
	 * filesystem without them answers EOPNOTSUPP, one with them ENODATA
	 * (or the value, on an opaque store root).
	 */
	if (fgetxattr(st->dfd, "trusted.overlay.opaque", NULL, 0) < 0 && errno != ENODATA) {
		r = NSB_NEG_ERRNO();
		if (r == -ENOTSUP)
			return nsb_set_error_msg(-EOPNOTSUPP,
						 "open layer store %s: its filesystem cannot hold "
						 "trusted.* extended attributes, which overlay upper "
						 "directories need",
						 st->path);
		return nsb_set_error(r, "open layer store %s: read a trusted.* extended attribute",
				     st->path);
	}

	if (mkdirat(st->dfd, "l", 0700) < 0 && errno != EEXIST)
		return nsb_set_error(NSB_NEG_ERRNO(), "create %s/l", st->path);
	if (mkdirat(st->dfd, NSB_LS_TMPDIR, 0700) < 0 && errno != EEXIST)
		return nsb_set_error(NSB_NEG_ERRNO(), "create %s/" NSB_LS_TMPDIR, st->path);
	/* Check for a reason under the shared lock (the change mark, a
	 * temporary layer nobody holds); repair under the exclusive one only
	 * then (another process may have fixed it meanwhile: the repair pass
	 * looks again). */
	r = nsb_ls_lock(st, LOCK_SH);
	if (r < 0)
		return r;
	r = needs_repair(st);
	nsb_ls_unlock(st);
	if (r > 0) {
		r = nsb_ls_lock(st, LOCK_EX);
		if (r < 0)
			return r;
		r = repair(st);
		if (r >= 0)
			nsb_ls_mark_clean(st);
		nsb_ls_unlock(st);
	}
	if (r < 0)
		return nsb_prefix_error(r, "open layer store %s", st->path);
	*out = NSB_STEAL_PTR(st);
	return 0;
}

NSB_EXPORT void nsbox_layer_store_free(nsbox_layer_store *st)
{
	if (!st)
		return;
	NSB_CLOSE(st->dfd);
	free(st->path);
	free(st);
}

NSB_EXPORT const char *nsbox_layer_store_path(const nsbox_layer_store *st)
{
	NSB_CHECK_ARG_PTR(st);
	return st->path;
}

/* ---- building a layer under a temporary name ---- */

struct newlayer {
	char tmp[64];
	int tmp_dfd;
	int diff_dfd;
	char *id;
	char *parent;
};

static void newlayer_abort(nsbox_layer_store *st, struct newlayer *nl)
{
	if (nl->tmp[0] && nl->tmp_dfd >= 0)
		(void)nsb_rm_rf_at(st->dfd, nl->tmp);
	NSB_CLOSE(nl->diff_dfd);
	NSB_CLOSE(nl->tmp_dfd);
	free(nl->id);
	free(nl->parent);
	nl->id = nl->parent = NULL;
	nl->tmp[0] = '\0';
}

static int check_new_id(const char *what, const char *id, const char *parent)
{
	if (id && !nsb_ls_id_is_valid(id))
		return nsb_set_error_msg(-EINVAL,
					 "%s: invalid layer id \"%.*s%s\" (1 to %d characters of "
					 "[A-Za-z0-9_.-], starting with a letter or digit, no \"..\")",
					 what, 80, id, strlen(id) > 80 ? "..." : "",
					 NSBOX_LAYER_ID_MAX);
	if (parent && !nsb_ls_id_is_valid(parent))
		return nsb_set_error_msg(-EINVAL, "%s: invalid parent layer id \"%.*s%s\"", what, 80,
					 parent, strlen(parent) > 80 ? "..." : "");
	if (id && parent && strcmp(id, parent) == 0)
		return nsb_set_error_msg(-ELOOP, "%s: layer %s cannot be its own parent", what,
					 id);
	return 0;
}

static int newlayer_begin(nsbox_layer_store *st, const char *what, const char *id,
			  const char *parent, bool writable, struct newlayer *nl)
{
	char rnd[NSB_LS_SHORT_LEN + 1];
	int r;

	*nl = (struct newlayer){.tmp_dfd = -EBADF, .diff_dfd = -EBADF};
	r = check_new_id(what, id, parent);
	if (r < 0)
		return r;
	if (id)
		nl->id = strdup(id);
	else if (random_id(&nl->id) < 0)
		nl->id = NULL;
	if (!nl->id || (parent && !(nl->parent = strdup(parent)))) {
		newlayer_abort(st, nl);
		return nsb_oom();
	}
	r = random_short(rnd);
	if (r < 0) {
		newlayer_abort(st, nl);
		return nsb_set_error(r, "%s: getrandom", what);
	}

	r = nsb_ls_lock(st, LOCK_SH);
	if (r < 0) {
		newlayer_abort(st, nl);
		return r;
	}
	if (layer_exists(st, nl->id)) {
		r = nsb_set_error_msg(-EEXIST, "%s: layer %s exists already in %s", what, nl->id,
				      st->path);
	} else if (parent && !layer_exists(st, parent)) {
		/* The whole chain is checked (loops, gaps) when the layer is complete. */
		r = nsb_set_error_msg(-ENOENT, "%s: parent layer %s does not exist in %s", what,
				      parent, st->path);
	}
	if (r >= 0 && tmp_path(st, rnd, nl->tmp, sizeof(nl->tmp)) < 0) {
		nl->tmp[0] = '\0';
		r = nsb_set_error(NSB_NEG_ERRNO(), "%s: create %s/" NSB_LS_TMPDIR, what, st->path);
	}
	if (r >= 0) {
		if (mkdirat(st->dfd, nl->tmp, 0700) < 0) {
			nl->tmp[0] = '\0';
			r = nsb_set_error(NSB_NEG_ERRNO(), "%s: create a temporary layer in %s",
					  what, st->path);
		} else {
			nl->tmp_dfd = openat(st->dfd, nl->tmp,
					     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (nl->tmp_dfd < 0 || flock(nl->tmp_dfd, LOCK_EX) < 0) {
				r = nsb_set_error(NSB_NEG_ERRNO(), "%s: lock %s/%s", what,
						  st->path, nl->tmp);
				if (nl->tmp_dfd < 0) {
					(void)unlinkat(st->dfd, nl->tmp, AT_REMOVEDIR);
					nl->tmp[0] = '\0';
				}
			}
		}
	}
	nsb_ls_unlock(st);
	if (r < 0) {
		newlayer_abort(st, nl);
		return r;
	}
	if (mkdirat(nl->tmp_dfd, "diff", 0755) < 0 ||
	    (writable && mkdirat(nl->tmp_dfd, "work", 0700) < 0) ||
	    (nl->diff_dfd = openat(nl->tmp_dfd, "diff",
				   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		r = nsb_set_error(NSB_NEG_ERRNO(), "%s: create %s/%s/diff", what, st->path,
				  nl->tmp);
		newlayer_abort(st, nl);
		return r;
	}
	return 0;
}

static int newlayer_finish(nsbox_layer_store *st, const char *what, struct newlayer *nl,
			   bool committed, char **out_id)
{
	nsb_autofree char *lower = NULL;
	char shortname[NSB_LS_SHORT_LEN + 1], lp[NSB_LS_SHORT_LEN + 4];
	char target[NSB_LS_IDBUF + 16];
	int r;

	r = nsb_ls_lock(st, LOCK_EX);
	if (r < 0)
		goto fail;
	if (layer_exists(st, nl->id)) {
		r = nsb_set_error_msg(-EEXIST, "%s: layer %s exists already in %s", what, nl->id,
				      st->path);
		goto fail_locked;
	}
	if (nl->parent) {
		nsb_autofree char *plower = NULL;
		nsb_autostrv char **chain = NULL;
		char pshort[NSB_LS_SHORT_LEN + 1], pl[NSB_LS_IDBUF + 16];
		size_t plen = 0;

		/* The parent may have been removed while we were building. */
		r = nsb_ls_chain(st, nl->parent, &chain);
		if (r < 0) {
			r = nsb_prefix_error(r, "%s", what);
			goto fail_locked;
		}
		r = nsb_ls_read_link(st, nl->parent, pshort);
		if (r < 0) {
			r = nsb_set_error(r, "%s: read the link of parent %s", what, nl->parent);
			goto fail_locked;
		}
		snprintf(pl, sizeof(pl), "%s/lower", nl->parent);
		r = nsb_read_file_at(st->dfd, pl, 1 << 20, &plower, &plen);
		if (r < 0 && r != -ENOENT) {
			r = nsb_set_error(r, "%s: read %s/%s", what, st->path, pl);
			goto fail_locked;
		}
		if (plower)
			plower[strcspn(plower, "\n")] = '\0';
		lower = plower && plower[0] ? nsb_strdup_printf("l/%s:%s", pshort, plower)
					    : nsb_strdup_printf("l/%s", pshort);
		if (!lower) {
			r = nsb_oom();
			goto fail_locked;
		}
	}
	/* A short id nobody has. */
	for (int tries = 0;; tries++) {
		r = random_short(shortname);
		if (r < 0) {
			r = nsb_set_error(r, "%s: getrandom", what);
			goto fail_locked;
		}
		snprintf(lp, sizeof(lp), "l/%s", shortname);
		if (faccessat(st->dfd, lp, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			break;
		if (tries >= 16) {
			/* 36^26 ids: only a broken random source gets here. */
			r = nsb_set_error_msg(-EEXIST, "%s: find a free short link id in %s/l",
					      what, st->path);
			goto fail_locked;
		}
	}
	r = nsb_create_file_at(nl->tmp_dfd, "link", shortname, NSB_LS_SHORT_LEN, 0644, true);
	if (r >= 0 && lower)
		r = nsb_create_file_at(nl->tmp_dfd, "lower", lower, strlen(lower), 0644, true);
	if (r >= 0 && committed)
		r = nsb_create_file_at(nl->tmp_dfd, "committed", "", 0, 0600, true);
	if (r < 0) {
		r = nsb_set_error(r, "%s: write the layer files of %s", what, nl->id);
		goto fail_locked;
	}
	r = nsb_ls_mark_dirty(st);
	if (r < 0) {
		r = nsb_set_error(r, "%s: mark %s in change", what, st->path);
		goto fail_locked;
	}
	if (renameat2(st->dfd, nl->tmp, st->dfd, nl->id, RENAME_NOREPLACE) < 0) {
		r = nsb_set_error(NSB_NEG_ERRNO(), "%s: rename %s/%s to %s", what, st->path,
				  nl->tmp, nl->id);
		nsb_ls_mark_clean(st);
		goto fail_locked;
	}
	nl->tmp[0] = '\0';
	snprintf(target, sizeof(target), "../%s/diff", nl->id);
	if (symlinkat(target, st->dfd, lp) < 0) {
		r = nsb_set_error(NSB_NEG_ERRNO(), "%s: create %s/%s", what, st->path, lp);
		(void)nsb_rm_rf_at(st->dfd, nl->id);
		nsb_ls_mark_clean(st);
		goto fail_locked;
	}
	nsb_ls_mark_clean(st);
	nsb_ls_unlock(st);
	if (out_id)
		*out_id = NSB_STEAL_PTR(nl->id);
	newlayer_abort(st, nl);
	return 0;

fail_locked:
	nsb_ls_unlock(st);
fail:
	newlayer_abort(st, nl);
	return r;
}

NSB_EXPORT int nsbox_layer_store_create_layer(nsbox_layer_store *st, const char *id,
					      const char *parent, char **out_id)
{
	struct newlayer nl;
	int r;

	NSB_CHECK_ARG(st);
	r = newlayer_begin(st, "create layer", id, parent, true, &nl);
	if (r < 0)
		return r;
	return newlayer_finish(st, "create layer", &nl, false, out_id);
}

NSB_EXPORT int nsbox_layer_store_import_dir(nsbox_layer_store *st, const char *id,
					    const char *parent, const char *dir, char **out_id)
{
	nsb_autoclose int sfd = -EBADF;
	struct newlayer nl;
	int r;

	NSB_CHECK_ARG(st);
	NSB_CHECK_ARG(dir);
	sfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sfd < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "import directory %s", dir);
	r = newlayer_begin(st, "import directory", id, parent, false, &nl);
	if (r < 0)
		return r;
	r = nsb_ls_copy_tree(sfd, nl.diff_dfd, NULL);
	if (r < 0) {
		r = nsb_set_error(r, "import directory %s into layer %s", dir, nl.id);
		newlayer_abort(st, &nl);
		return r;
	}
	return newlayer_finish(st, "import directory", &nl, true, out_id);
}

NSB_EXPORT int nsbox_layer_store_import_tar(nsbox_layer_store *st, const char *id,
					    const char *parent, int fd, char **out_id)
{
	struct newlayer nl;
	int r;

	NSB_CHECK_ARG(st);
	if (fd < 0)
		return nsb_set_error_msg(-EBADF, "import tar: invalid fd %d", fd);
	r = newlayer_begin(st, "import tar", id, parent, false, &nl);
	if (r < 0)
		return r;
	r = nsb_ls_tar_extract(fd, nl.diff_dfd);
	if (r < 0) {
		r = nsb_prefix_error(r, "import tar into layer %s", nl.id);
		newlayer_abort(st, &nl);
		return r;
	}
	return newlayer_finish(st, "import tar", &nl, true, out_id);
}

static int open_diff(nsbox_layer_store *st, const char *what, const char *id, int *out)
{
	char p[NSB_LS_IDBUF + 16];
	int fd;

	if (!nsb_ls_id_is_valid(id))
		return nsb_set_error_msg(-EINVAL, "%s: invalid layer id", what);
	snprintf(p, sizeof(p), "%s/diff", id);
	fd = openat(st->dfd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "%s: open layer %s in %s", what, id,
				     st->path);
	*out = fd;
	return 0;
}

NSB_EXPORT int nsbox_layer_store_export_tar(nsbox_layer_store *st, const char *id, int fd,
					    uint32_t flags)
{
	nsb_autoclose int dfd = -EBADF;
	int r;

	NSB_CHECK_ARG(st);
	NSB_CHECK_ARG(id);
	NSB_CHECK_ARG((flags & ~(NSBOX_LAYER_TAR_GZIP | NSBOX_LAYER_TAR_ZSTD)) == 0);
	NSB_CHECK_ARG(flags != (NSBOX_LAYER_TAR_GZIP | NSBOX_LAYER_TAR_ZSTD));
	if (fd < 0)
		return nsb_set_error_msg(-EBADF, "export tar: invalid fd %d", fd);
	r = nsb_ls_lock(st, LOCK_SH);
	if (r < 0)
		return r;
	r = open_diff(st, "export tar", id, &dfd);
	nsb_ls_unlock(st);
	if (r < 0)
		return r;
	r = nsb_ls_tar_write(dfd, fd, flags);
	if (r < 0)
		return nsb_prefix_error(r, "export layer %s as tar", id);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

NSB_EXPORT int nsbox_layer_store_list(nsbox_layer_store *st, char ***out)
{
	nsb_autoclosedir DIR *d = NULL;
	nsb_autostrv char **ids = NULL;
	struct dirent *de;
	size_t n;
	int fd, r;

	NSB_CHECK_ARG(st);
	NSB_CHECK_ARG(out);
	r = nsb_ls_lock(st, LOCK_SH);
	if (r < 0)
		return r;
	fd = openat(st->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		r = NSB_NEG_ERRNO();
		if (fd >= 0)
			close(fd);
		nsb_ls_unlock(st);
		return nsb_set_error(r, "list layers in %s", st->path);
	}
	while ((de = readdir(d))) {
		char p[NSB_LS_IDBUF + 16];
		if (!nsb_ls_id_is_valid(de->d_name) || !layer_exists(st, de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/link", de->d_name);
		if (faccessat(st->dfd, p, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (nsb_strv_push(&ids, de->d_name) < 0) {
			nsb_ls_unlock(st);
			return nsb_oom();
		}
	}
	nsb_ls_unlock(st);
	n = nsb_strv_length(ids);
	if (n)
		qsort(ids, n, sizeof(char *), cmp_str);
	if (!ids && nsb_strv_copy((const char *const[]){NULL}, &ids) < 0)
		return nsb_oom();
	r = pack_strv(ids, out);
	return r < 0 ? r : (int)n;
}

NSB_EXPORT int nsbox_layer_store_parent_chain(nsbox_layer_store *st, const char *id, char ***out)
{
	nsb_autostrv char **chain = NULL;
	int r;

	NSB_CHECK_ARG(st);
	NSB_CHECK_ARG(id);
	NSB_CHECK_ARG(out);
	if (!nsb_ls_id_is_valid(id))
		return nsb_set_error_msg(-EINVAL, "parent chain: invalid layer id");
	r = nsb_ls_lock(st, LOCK_SH);
	if (r < 0)
		return r;
	r = nsb_ls_chain(st, id, &chain);
	nsb_ls_unlock(st);
	if (r < 0)
		return r;
	r = pack_strv(chain, out);
	return r < 0 ? r : (int)nsb_strv_length(chain);
}

/* Is the layer in an overlay mount of the caller's mount namespace? */
static bool layer_mounted(nsbox_layer_store *st, const char *id, const char *shortname)
{
	nsb_autofclose FILE *f = fopen("/proc/self/mountinfo", "re");
	nsb_autofree char *line = NULL;
	char diff_abs[PATH_MAX + 80], diff_rel[NSB_LS_IDBUF + 16], l[NSB_LS_SHORT_LEN + 4];
	size_t cap = 0;

	if (!f)
		return false;
	snprintf(diff_abs, sizeof(diff_abs), "%s/%s/diff", st->path, id);
	snprintf(diff_rel, sizeof(diff_rel), "=%s/diff", id);
	snprintf(l, sizeof(l), "l/%s", shortname);
	while (getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - overlay ");
		char root[PATH_MAX];

		if (sep && (strstr(sep, diff_abs) || strstr(sep, diff_rel) || strstr(sep, l)))
			return true;
		/* A bind of the diff itself (a lone read-only layer): field 4 is its root. */
		if (sscanf(line, "%*s %*s %*s %4095s", root) == 1) {
			size_t rl = strlen(root), dl = strlen(diff_rel + 1);
			if (rl > dl && root[rl - dl - 1] == '/' &&
			    strcmp(root + rl - dl, diff_rel + 1) == 0)
				return true;
		}
	}
	return false;
}

/* Does any layer name @shortname as its parent? Its id in @child. */
static bool layer_has_child(nsbox_layer_store *st, const char *shortname, char *child)
{
	nsb_autoclosedir DIR *d = NULL;
	struct dirent *de;
	char want[NSB_LS_SHORT_LEN + 4];
	int fd = openat(st->dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	snprintf(want, sizeof(want), "l/%s", shortname);
	while ((de = readdir(d))) {
		char p[NSB_LS_IDBUF + 16], buf[NSB_LS_SHORT_LEN + 8];
		if (!nsb_ls_id_is_valid(de->d_name))
			continue;
		snprintf(p, sizeof(p), "%s/lower", de->d_name);
		if (read_small(st, p, buf, sizeof(buf)) < 0)
			continue;
		buf[strcspn(buf, ":")] = '\0';
		if (strcmp(buf, want) == 0) {
			strcpy(child, de->d_name);
			return true;
		}
	}
	return false;
}

NSB_EXPORT int nsbox_layer_store_remove_layer(nsbox_layer_store *st, const char *id)
{
	char shortname[NSB_LS_SHORT_LEN + 1], child[NSB_LS_IDBUF], rnd[NSB_LS_SHORT_LEN + 1];
	char tmp[64], lp[NSB_LS_SHORT_LEN + 4];
	nsb_autoclose int lfd = -EBADF;
	int r;

	NSB_CHECK_ARG(st);
	NSB_CHECK_ARG(id);
	if (!nsb_ls_id_is_valid(id))
		return nsb_set_error_msg(-EINVAL, "remove layer: invalid layer id \"%.*s\"", 80,
					 id);
	r = random_short(rnd);
	if (r < 0)
		return nsb_set_error(r, "remove layer %s: getrandom", id);
	r = nsb_ls_lock(st, LOCK_EX);
	if (r < 0)
		return r;
	if (!layer_exists(st, id)) {
		nsb_ls_unlock(st);
		return nsb_set_error_msg(-ENOENT, "remove layer %s: no such layer in %s", id,
					 st->path);
	}
	r = nsb_ls_read_link(st, id, shortname);
	if (r < 0) {
		nsb_ls_unlock(st);
		return nsb_set_error(r, "remove layer %s: read its link", id);
	}
	if (layer_has_child(st, shortname, child)) {
		nsb_ls_unlock(st);
		return nsb_set_error_msg(-EBUSY, "remove layer %s: layer %s names it as parent", id,
					 child);
	}
	if (layer_mounted(st, id, shortname)) {
		nsb_ls_unlock(st);
		return nsb_set_error_msg(-EBUSY, "remove layer %s: an overlay mount uses it", id);
	}
	/* Users that the mount table cannot show (a container's overlay lives
	 * in its own mount namespace) hold a shared flock on the layer
	 * directory (nsb_ls_hold_layer()). Kept exclusive until the layer is
	 * gone, so no container can take it meanwhile. */
	lfd = openat(st->dfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (lfd >= 0 && flock(lfd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		nsb_ls_unlock(st);
		return nsb_set_error_msg(-EBUSY, "remove layer %s: a running container uses it", id);
	}
	/* Disappear at once (rename), then delete at leisure. */
	{
		char name[NSB_LS_SHORT_LEN + 4];

		snprintf(name, sizeof(name), "rm-%s", rnd);
		r = tmp_path(st, name, tmp, sizeof(tmp));
	}
	if (r < 0) {
		nsb_ls_unlock(st);
		return nsb_set_error(r, "remove layer %s: create %s/" NSB_LS_TMPDIR, id, st->path);
	}
	r = nsb_ls_mark_dirty(st);
	if (r < 0) {
		nsb_ls_unlock(st);
		return nsb_set_error(r, "remove layer %s: mark %s in change", id, st->path);
	}
	if (renameat(st->dfd, id, st->dfd, tmp) < 0) {
		r = NSB_NEG_ERRNO();
		nsb_ls_mark_clean(st);
		nsb_ls_unlock(st);
		return nsb_set_error(r, "remove layer %s", id);
	}
	snprintf(lp, sizeof(lp), "l/%s", shortname);
	(void)unlinkat(st->dfd, lp, 0);
	nsb_ls_mark_clean(st);
	/* Delete outside the store lock (a big layer takes a while): lfd,
	 * the renamed directory, is still held exclusive, as builders hold
	 * theirs, so a repair by another opener leaves it to us. */
	nsb_ls_unlock(st);
	r = nsb_rm_rf_at(st->dfd, tmp);
	if (r < 0)
		return nsb_set_error(r, "remove layer %s: delete %s/%s", id, st->path, tmp);
	return 0;
}

NSB_EXPORT int nsbox_layer_store_create_container(nsbox_layer_store *st, const char *image,
						  const char *id, const char *hosts,
						  const char *hostname, const char *resolv_conf,
						  char **out_id)
{
	static const char *const names[] = {"hosts", "hostname", "resolv.conf"};
	nsb_autofree char *cid = NULL;
	nsb_autofree char *init_id = NULL;
	nsb_autoclose int etc = -EBADF;
	const char *contents[] = {hosts, hostname, resolv_conf};
	struct newlayer nl;
	int r;

	NSB_CHECK_ARG(st);
	NSB_CHECK_ARG(image);
	if (id && (!nsb_ls_id_is_valid(id) || strlen(id) + 5 > NSBOX_LAYER_ID_MAX))
		return nsb_set_error_msg(-EINVAL,
					 "create container layers: invalid layer id \"%.*s\"", 80,
					 id);
	if (id)
		cid = strdup(id);
	else if (random_id(&cid) < 0)
		cid = NULL;
	if (!cid || !(init_id = nsb_strdup_printf("%s-init", cid)))
		return nsb_oom();

	r = newlayer_begin(st, "create init layer", init_id, image, false, &nl);
	if (r < 0)
		return r;
	if (mkdirat(nl.diff_dfd, "etc", 0755) < 0 ||
	    (etc = openat(nl.diff_dfd, "etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		r = nsb_set_error(NSB_NEG_ERRNO(), "create init layer %s: mkdir etc", init_id);
		newlayer_abort(st, &nl);
		return r;
	}
	for (size_t i = 0; i < NSB_ARRAY_SIZE(names); i++) {
		const char *c = contents[i] ? contents[i] : "";
		r = nsb_create_file_at(etc, names[i], c, strlen(c), 0644, false);
		if (r < 0) {
			r = nsb_set_error(r, "create init layer %s: write /etc/%s", init_id,
					  names[i]);
			newlayer_abort(st, &nl);
			return r;
		}
	}
	r = newlayer_finish(st, "create init layer", &nl, true, NULL);
	if (r < 0)
		return r;
	r = nsbox_layer_store_create_layer(st, cid, init_id, out_id);
	if (r < 0) {
		int saved = r;
		char msg[NSB_ERROR_MAX];
		snprintf(msg, sizeof(msg), "%s", nsb_error_get());
		(void)nsbox_layer_store_remove_layer(st, init_id);
		return nsb_set_error_msg(saved, "%s", msg);
	}
	return 0;
}

NSB_EXPORT int nsbox_layer_store_commit(nsbox_layer_store *st, const char *from, const char *id,
					char **out_id)
{
	static const char *const init_files[] = {"etc/hosts", "etc/hostname", "etc/resolv.conf",
						 NULL};
	nsb_autostrv char **chain = NULL;
	nsb_autofree char *init_id = NULL;
	nsb_autoclose int sfd = -EBADF;
	const char *parent = NULL;
	bool skip_init = false;
	struct newlayer nl;
	int r;

	NSB_CHECK_ARG(st);
	NSB_CHECK_ARG(from);
	if (!nsb_ls_id_is_valid(from))
		return nsb_set_error_msg(-EINVAL, "commit: invalid layer id \"%.*s\"", 80, from);
	r = nsb_ls_lock(st, LOCK_SH);
	if (r < 0)
		return r;
	r = nsb_ls_chain(st, from, &chain);
	if (r >= 0)
		r = open_diff(st, "commit", from, &sfd);
	nsb_ls_unlock(st);
	if (r < 0)
		return nsb_prefix_error(r, "commit layer %s", from);
	init_id = nsb_strdup_printf("%s-init", from);
	if (!init_id)
		return nsb_oom();
	parent = chain[1];
	if (parent && strcmp(parent, init_id) == 0) {
		skip_init = true;
		parent = chain[2];
	}
	r = newlayer_begin(st, "commit", id, parent, false, &nl);
	if (r < 0)
		return r;
	r = nsb_ls_copy_tree(sfd, nl.diff_dfd, skip_init ? init_files : NULL);
	if (r < 0) {
		r = nsb_set_error(r, "commit layer %s: copy its diff", from);
		newlayer_abort(st, &nl);
		return r;
	}
	return newlayer_finish(st, "commit", &nl, true, out_id);
}
