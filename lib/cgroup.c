/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cgroup module: detection of the layout, the handle, create/open,
 * attach, kill, destroy, and the public limit/stat entry points, which
 * dispatch to the v1 or v2 backend (cgroup-v1.c, cgroup-v2.c) of the
 * hierarchy that holds the controller.
 *
 * Which hierarchies a handle covers (documented in nsbox_cgroup(3)): every
 * known controller (cpu, cpuacct, cpuset, memory, pids, freezer, blkio/io)
 * is served by its v1 hierarchy when one is mounted, else by the cgroup2
 * hierarchy when that lists it. The cgroup2 hierarchy itself is covered in
 * pure v2 always, and in hybrid when NSBOX_CGROUP_UNIFIED is wanted (the
 * default): there it carries membership, freeze, kill and pressure.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "macro.h"
#include "system.h"
#include "util.h"

#define CG_DEFAULT_TIMEOUT_US (5ULL * 1000 * 1000)

/* Bit index -> name on v1 and v2 (NULL: a core feature of v2, no controller). */
static const struct {
	uint32_t bit;
	const char *v1;
	const char *v2;
} ctl_names[CG_NCTL] = {
	{NSBOX_CGROUP_CPU, "cpu", "cpu"},
	{NSBOX_CGROUP_CPUACCT, "cpuacct", NULL},
	{NSBOX_CGROUP_CPUSET, "cpuset", "cpuset"},
	{NSBOX_CGROUP_MEMORY, "memory", "memory"},
	{NSBOX_CGROUP_PIDS, "pids", "pids"},
	{NSBOX_CGROUP_FREEZER, "freezer", NULL},
	{NSBOX_CGROUP_IO, "blkio", "io"},
};

/* Core features of any v2 group: usage accounting, freezer, membership. */
#define CG_V2_CORE (NSBOX_CGROUP_CPUACCT | NSBOX_CGROUP_FREEZER | NSBOX_CGROUP_UNIFIED)

const char *cgroup_ctl_name(uint32_t bit, int version)
{
	if (bit == NSBOX_CGROUP_UNIFIED)
		return "cgroup2";
	for (size_t i = 0; i < CG_NCTL; i++)
		if (ctl_names[i].bit == bit)
			return version == 2 && ctl_names[i].v2 ? ctl_names[i].v2 : ctl_names[i].v1;
	return "?";
}

static uint32_t ctl_bit_v1(const char *name)
{
	for (size_t i = 0; i < CG_NCTL; i++)
		if (strcmp(ctl_names[i].v1, name) == 0)
			return ctl_names[i].bit;
	return 0;
}

static uint32_t ctl_bit_v2(const char *name)
{
	for (size_t i = 0; i < CG_NCTL; i++)
		if (ctl_names[i].v2 && strcmp(ctl_names[i].v2, name) == 0)
			return ctl_names[i].bit;
	return 0;
}

/* Space- or comma-separated controller names -> bits. */
static uint32_t ctl_mask_of(const char *list, int version)
{
	char buf[1024];
	uint32_t m = 0;
	char *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, " ,\n", &save); t; t = strtok_r(NULL, " ,\n", &save))
		m |= version == 2 ? ctl_bit_v2(t) : ctl_bit_v1(t);
	return m;
}

static bool is_one_bit(uint32_t b)
{
	return b && !(b & (b - 1)) && (b & CG_KNOWN_MASK);
}

/* ---- time ---------------------------------------------------------------- */

uint64_t cgroup_now_us(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

bool cgroup_backoff(uint64_t deadline, unsigned *round)
{
	uint64_t now = cgroup_now_us(), d;
	struct timespec ts;

	if (now >= deadline)
		return false;
	d = *round < 8 ? 20ULL << *round : 10000; /* 20 µs .. ~5 ms, then 10 ms */
	if (d > 10000)
		d = 10000;
	if (d > deadline - now)
		d = deadline - now;
	(*round)++;
	ts.tv_sec = (time_t)(d / 1000000);
	ts.tv_nsec = (long)(d % 1000000) * 1000;
	(void)nanosleep(&ts, NULL);
	return true;
}

/* ---- layout detection ---------------------------------------------------- */

void cgroup_layout_clear(struct cg_layout *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->h[i].mount);
		free(l->h[i].self);
	}
	l->n = 0;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape_mountinfo(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static uint32_t v2_root_controllers(const char *mount)
{
	nsb_autofree char *s = NULL;
	nsb_autofree char *p = nsb_path_join(mount, "cgroup.controllers");
	if (!p || nsb_read_file_at(AT_FDCWD, p, 65536, &s, NULL) < 0)
		return CG_V2_CORE;
	return ctl_mask_of(s, 2) | CG_V2_CORE;
}

static int layout_add(struct cg_layout *l, int version, uint32_t ctls, const char *mount,
		      const char *mnt_root)
{
	if (l->n >= CG_MAX_HIER)
		return 0;
	for (size_t i = 0; i < l->n; i++) /* bind mounts of a hierarchy: keep the first */
		if (l->h[i].version == version && (version == 2 || l->h[i].controllers == ctls))
			return 0;
	l->h[l->n].mount = strdup(mount);
	/* Stash the mount's root in self for now; resolved against /proc/self/cgroup. */
	l->h[l->n].self = mnt_root ? strdup(mnt_root) : NULL;
	if (!l->h[l->n].mount || (mnt_root && !l->h[l->n].self)) {
		free(l->h[l->n].mount);
		free(l->h[l->n].self);
		return -ENOMEM;
	}
	l->h[l->n].version = version;
	l->h[l->n].controllers = ctls;
	l->n++;
	return 0;
}

static int detect_mounts(struct cg_layout *l)
{
	nsb_autofclose FILE *f = fopen("/proc/self/mountinfo", "re");
	nsb_autofree char *line = NULL;
	size_t cap = 0;

	if (!f)
		return NSB_NEG_ERRNO();
	while (getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - ");
		char *fields[6] = {NULL};
		char *save = NULL, *fstype, *super;
		size_t nf = 0;
		int r;

		if (!sep)
			continue;
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t && nf < 6; t = strtok_r(NULL, " ", &save))
			fields[nf++] = t;
		if (nf < 5)
			continue;
		save = NULL;
		fstype = strtok_r(sep + 3, " ", &save);
		(void)strtok_r(NULL, " ", &save); /* source */
		super = strtok_r(NULL, " \n", &save);
		if (!fstype)
			continue;
		unescape_mountinfo(fields[3]);
		unescape_mountinfo(fields[4]);
		if (strcmp(fstype, "cgroup2") == 0) {
			r = layout_add(l, 2, v2_root_controllers(fields[4]), fields[4], fields[3]);
		} else if (strcmp(fstype, "cgroup") == 0 && super) {
			uint32_t m = ctl_mask_of(super, 1);
			if (!m)
				continue; /* name=systemd, devices, net_cls...: not ours */
			r = layout_add(l, 1, m, fields[4], fields[3]);
		} else {
			continue;
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The next line of text at *pos ("" at the end), and its length; *pos moves
 * past it and its newline. */
static const char *next_line(const char **pos, size_t *len)
{
	const char *line = *pos, *end = strchr(line, '\n');

	*len = end ? (size_t)(end - line) : strlen(line);
	*pos = line + *len + (end ? 1 : 0);
	return line;
}

/* Fill each hierarchy's self from /proc/self/cgroup's text (mount root stripped). */
static int detect_self(struct cg_layout *l, const char *text)
{
	char *found[CG_MAX_HIER] = {NULL};
	const char *pos = text;
	int r = 0;

	while (*pos) {
		size_t len;
		const char *line = next_line(&pos, &len);
		char buf[PATH_MAX + 256], *c1, *c2;
		uint32_t m;
		int version;

		if (len >= sizeof(buf))
			continue; /* a cgroup path longer than PATH_MAX: not ours */
		memcpy(buf, line, len);
		buf[len] = '\0';
		c1 = strchr(buf, ':');
		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		*c2++ = '\0';
		version = (c1[1] == '\0' && strncmp(buf, "0:", 2) == 0) ? 2 : 1;
		m = version == 1 ? ctl_mask_of(c1 + 1, 1) : 0;
		for (size_t i = 0; i < l->n; i++) {
			if (l->h[i].version != version || found[i])
				continue;
			if (version == 1 && l->h[i].controllers != m)
				continue;
			found[i] = strdup(c2);
			if (!found[i])
				r = -ENOMEM;
		}
	}
	for (size_t i = 0; i < l->n; i++) {
		const char *mroot = l->h[i].self;
		char *s = found[i];

		if (s && mroot && strcmp(mroot, "/") != 0) {
			size_t ml = strlen(mroot);
			if (strncmp(s, mroot, ml) == 0 && (s[ml] == '/' || s[ml] == '\0')) {
				char *t = strdup(s[ml] ? s + ml : "/");
				free(s);
				s = t;
				if (!s)
					r = -ENOMEM;
			}
		}
		free(l->h[i].self);
		l->h[i].self = s;
	}
	return r;
}

static bool file_exists_in(const char *dir, const char *name)
{
	char p[PATH_MAX];

	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) >= sizeof(p))
		return false;
	return access(p, F_OK) == 0;
}

/* An explicit root: itself a v2 tree, or one subdirectory per hierarchy. */
static int detect_root(const char *root, struct cg_layout *l)
{
	nsb_autoclosedir DIR *d = NULL;
	struct dirent *de;
	int r;

	if (file_exists_in(root, "cgroup.controllers"))
		return layout_add(l, 2, v2_root_controllers(root), root, NULL);
	d = opendir(root);
	if (!d)
		return NSB_NEG_ERRNO();
	while ((de = readdir(d))) {
		nsb_autofree char *p = NULL;
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		p = nsb_path_join(root, de->d_name);
		if (!p)
			return -ENOMEM;
		if (lstat(p, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (file_exists_in(p, "cgroup.controllers"))
			r = layout_add(l, 2, v2_root_controllers(p), p, NULL);
		else if (file_exists_in(p, "cgroup.procs") && ctl_mask_of(de->d_name, 1))
			r = layout_add(l, 1, ctl_mask_of(de->d_name, 1), p, NULL);
		else
			continue;
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * The fast way, with statmount(2) (Linux 6.8; 6.11 for a v1 mount's options): the
 * hierarchies /proc/self/cgroup lists, each looked for where systemd and
 * every distribution mount them (/sys/fs/cgroup/<controllers>, cgroup2 at
 * /sys/fs/cgroup or /sys/fs/cgroup/unified) and taken only if that mount
 * is the hierarchy: cgroup2, or cgroup with exactly those controllers in
 * its options. Two system calls per hierarchy instead of the kernel writing
 * out the whole mount table (/proc/self/mountinfo: 0.1 ms and more). Any
 * doubt (an older kernel, a hierarchy elsewhere or not mounted) returns
 * -ENOENT, and the caller parses the mount table instead.
 */
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x00004000U
#endif
#ifndef __NR_statmount
#define __NR_statmount 457
#endif
#define CG_STATMOUNT_MNT_ROOT 0x08U
#define CG_STATMOUNT_MNT_POINT 0x10U
#define CG_STATMOUNT_FS_TYPE 0x20U
#define CG_STATMOUNT_MNT_OPTS 0x80U

struct cg_mnt_id_req { /* struct mnt_id_req, version 0 */
	uint32_t size, spare;
	uint64_t mnt_id, param;
};

/* The fixed part of struct statmount (512 bytes); strings follow in str[]. */
struct cg_statmount {
	uint32_t size, mnt_opts;
	uint64_t mask;
	uint32_t sb_dev_major, sb_dev_minor;
	uint64_t sb_magic;
	uint32_t sb_flags, fs_type;
	uint64_t mnt_id, mnt_parent_id;
	uint32_t mnt_id_old, mnt_parent_id_old;
	uint64_t mnt_attr, mnt_propagation, mnt_peer_group, mnt_master, propagate_from;
	uint32_t mnt_root, mnt_point;
	uint64_t spare[50];
	char str[];
};
_Static_assert(sizeof(struct cg_statmount) == 512, "struct statmount is 512 bytes");

struct cg_found {
	uint64_t id;
	int version;
	uint32_t ctls;
	char *point, *root;
};

/* The mount at path, if it is a cgroup (version 1: with exactly ctls). */
static int probe_mount(const char *path, int version, uint32_t ctls, struct cg_found *out)
{
	union {
		struct cg_statmount sm;
		char buf[4096];
	} u;
	struct cg_mnt_id_req req = {.size = sizeof(req)};
	struct statx stx;
	const char *type;

	if (statx(AT_FDCWD, path, AT_NO_AUTOMOUNT, STATX_MNT_ID_UNIQUE, &stx) < 0 ||
	    !(stx.stx_mask & STATX_MNT_ID_UNIQUE))
		return -ENOENT;
	req.mnt_id = stx.stx_mnt_id;
	req.param = CG_STATMOUNT_MNT_ROOT | CG_STATMOUNT_MNT_POINT | CG_STATMOUNT_FS_TYPE |
		    CG_STATMOUNT_MNT_OPTS;
	if (syscall(__NR_statmount, &req, &u.sm, sizeof(u), 0) < 0)
		return -ENOENT;
	if ((u.sm.mask & (CG_STATMOUNT_MNT_ROOT | CG_STATMOUNT_MNT_POINT | CG_STATMOUNT_FS_TYPE)) !=
	    (CG_STATMOUNT_MNT_ROOT | CG_STATMOUNT_MNT_POINT | CG_STATMOUNT_FS_TYPE))
		return -ENOENT;
	type = u.sm.str + u.sm.fs_type;
	if (version == 2 ? strcmp(type, "cgroup2") != 0
			 : (strcmp(type, "cgroup") != 0 || !(u.sm.mask & CG_STATMOUNT_MNT_OPTS) ||
			    ctl_mask_of(u.sm.str + u.sm.mnt_opts, 1) != ctls))
		return -ENOENT;
	out->id = u.sm.mnt_id;
	out->version = version;
	out->ctls = ctls;
	out->point = strdup(u.sm.str + u.sm.mnt_point);
	out->root = strdup(u.sm.str + u.sm.mnt_root);
	if (out->point && out->root)
		return 0;
	free(out->point);
	free(out->root);
	return -ENOMEM;
}

/*
 * The hierarchies of the controllers in want (and the cgroup2 one, and one
 * v1 hierarchy in any case, so the layout is told right): a handle needs
 * no other, and each costs two system calls.
 */
static int detect_mounts_fast(struct cg_layout *l, const char *self_text, uint32_t want)
{
	struct cg_found f[CG_MAX_HIER];
	const char *pos = self_text;
	bool v1_seen = false;
	size_t n = 0;
	int r = 0;

	while (*pos && r == 0) {
		size_t len;
		const char *line = next_line(&pos, &len), *c1, *c2;
		char ctls[256], path[300];

		c1 = memchr(line, ':', len);
		c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
		if (!c2 || (size_t)(c2 - c1 - 1) >= sizeof(ctls))
			continue;
		memcpy(ctls, c1 + 1, (size_t)(c2 - c1 - 1));
		ctls[c2 - c1 - 1] = '\0';
		if (n == CG_MAX_HIER) {
			r = -ENOENT;
		} else if (!ctls[0]) {
			/* Hybrid (v1 lines seen): "unified"; pure v2: the top. */
			const char *a = "/sys/fs/cgroup", *b = "/sys/fs/cgroup/unified";
			r = probe_mount(v1_seen ? b : a, 2, 0, &f[n]);
			if (r == -ENOENT)
				r = probe_mount(v1_seen ? a : b, 2, 0, &f[n]);
		} else {
			uint32_t m = ctl_mask_of(ctls, 1);
			if (!m || (v1_seen && !(m & want)))
				continue; /* name=systemd, devices, net_cls..., unwanted */
			snprintf(path, sizeof(path), "/sys/fs/cgroup/%s", ctls);
			r = probe_mount(path, 1, m, &f[n]);
			v1_seen = true;
		}
		if (r == 0)
			n++;
	}
	/* In mount order, as the mount table lists them. */
	for (size_t i = 1; i < n; i++)
		for (size_t k = i; k > 0 && f[k - 1].id > f[k].id; k--) {
			struct cg_found t = f[k];
			f[k] = f[k - 1];
			f[k - 1] = t;
		}
	for (size_t i = 0; i < n && r == 0; i++)
		r = layout_add(l, f[i].version,
			       f[i].version == 2 ? v2_root_controllers(f[i].point) : f[i].ctls,
			       f[i].point, f[i].root);
	for (size_t i = 0; i < n; i++) {
		free(f[i].point);
		free(f[i].root);
	}
	if (r < 0)
		cgroup_layout_clear(l);
	return r;
}

/*
 * Otherwise the real mounts are parsed once and kept (reading
 * /proc/self/mountinfo costs more than a cgroup mkdir) for as long as the
 * mount table does not change: the cache holds an open /proc/self/mountinfo,
 * which the kernel marks (POLLPRI|POLLERR) on any mount or unmount in that
 * namespace, so one poll() tells whether the parse is still good. The fd is
 * the cache's only state in the process (close-on-exec); a forked child or
 * a process in another mount namespace parses again. The first detection
 * in a process takes the fast way instead, and the second builds the cache:
 * a short-lived caller (a tool starting one container) never reads the
 * mount table, a long-lived one reads it once. The caller's own cgroups
 * (/proc/self/cgroup) are read every time.
 */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cg_layout cache;
static int cache_fd = -1;
static pid_t cache_pid;
static ino_t cache_ns;
static dev_t cache_ns_dev;
static pid_t fast_pid; /* the process that took the fast way once */

static int layout_copy(const struct cg_layout *from, struct cg_layout *to)
{
	memset(to, 0, sizeof(*to));
	to->layout = from->layout;
	to->available = from->available;
	for (size_t i = 0; i < from->n; i++) {
		to->h[i] = from->h[i];
		to->h[i].mount = strdup(from->h[i].mount);
		to->h[i].self = from->h[i].self ? strdup(from->h[i].self) : NULL;
		to->n = i + 1;
		if (!to->h[i].mount || (from->h[i].self && !to->h[i].self)) {
			cgroup_layout_clear(to);
			return -ENOMEM;
		}
	}
	return 0;
}

/* Is the cache the parse of this process's current mount table? */
static bool cache_valid(const struct stat *ns)
{
	struct pollfd pfd = {.fd = cache_fd, .events = POLLPRI};

	if (!cache.n || cache_fd < 0 || cache_pid != getpid() || cache_ns != ns->st_ino ||
	    cache_ns_dev != ns->st_dev)
		return false;
	/* The first poll after a change reports it (and clears it). */
	return poll(&pfd, 1, 0) == 0;
}

static int detect_mounts_cached(struct cg_layout *l, const char *self_text, uint32_t want)
{
	struct stat ns;
	int r;

	/* Never wait for the lock: another thread may hold it, or may have held
	 * it when this process was forked (then it stays locked here). */
	if (pthread_mutex_trylock(&cache_lock) != 0)
		return detect_mounts(l);
	if ((cache_fd < 0 || cache_pid != getpid()) && fast_pid != getpid()) {
		fast_pid = getpid();
		r = detect_mounts_fast(l, self_text, want);
		if (r != -ENOENT) {
			pthread_mutex_unlock(&cache_lock);
			return r;
		}
	}
	if (stat("/proc/self/ns/mnt", &ns) < 0) {
		pthread_mutex_unlock(&cache_lock);
		return detect_mounts(l);
	}
	if (cache_valid(&ns)) {
		r = layout_copy(&cache, l);
		pthread_mutex_unlock(&cache_lock);
		return r;
	}
	cgroup_layout_clear(&cache);
	/* Watch first, then parse: a change during the parse shows next time.
	 * After a fork the fd is the parent's: leave it to the parent. */
	if (cache_fd >= 0 && cache_pid == getpid())
		(void)close(cache_fd);
	cache_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	cache_pid = getpid();
	r = detect_mounts(l);
	if (r == 0 && l->n && cache_fd >= 0 && layout_copy(l, &cache) == 0) {
		cache_ns = ns.st_ino;
		cache_ns_dev = ns.st_dev;
	}
	pthread_mutex_unlock(&cache_lock);
	return r;
}

int cgroup_layout_detect(const char *root, uint32_t want, struct cg_layout *l)
{
	nsb_autofree char *self_text = NULL;
	size_t n1 = 0, n2 = 0;
	int r = 0;

	memset(l, 0, sizeof(*l));
	if (!root)
		r = nsb_read_file_at(AT_FDCWD, "/proc/self/cgroup", 1 << 20, &self_text, NULL);
	if (r == 0)
		r = root ? detect_root(root, l) : detect_mounts_cached(l, self_text, want);
	if (r == 0 && !root)
		r = detect_self(l, self_text);
	if (r < 0) {
		cgroup_layout_clear(l);
		return r == -ENOMEM ? nsb_oom()
				    : nsb_set_error(r, "detect cgroup layout%s%s", root ? " below " : "",
						    root ? root : "");
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->h[i].version == 1)
			n1++;
		else
			n2++;
		l->available |= l->h[i].controllers;
	}
	if (n1 == 0 && n2 == 0) {
		cgroup_layout_clear(l);
		return nsb_set_error_msg(-ENOENT, "detect cgroup layout: no cgroup hierarchy is mounted%s%s",
					 root ? " below " : "", root ? root : "");
	}
	l->layout = n1 && n2 ? NSBOX_CGROUP_LAYOUT_HYBRID
		    : n2     ? NSBOX_CGROUP_LAYOUT_V2
			     : NSBOX_CGROUP_LAYOUT_V1;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_layout(const char *root, int *layout, uint32_t *controllers)
{
	struct cg_layout l;
	int r;

	NSB_CHECK_ARG(!root || nsb_abspath_is_clean(root));
	r = cgroup_layout_detect(root, NSBOX_CGROUP_ALL, &l);
	if (r < 0)
		return r;
	if (layout)
		*layout = l.layout;
	if (controllers)
		*controllers = l.available;
	cgroup_layout_clear(&l);
	return 0;
}

NSB_EXPORT int nsbox_cgroup_controller_mount(const char *root, uint32_t controller, char **out)
{
	struct cg_layout l;
	int r, version = 0;
	char *p = NULL;

	NSB_CHECK_ARG(out);
	NSB_CHECK_ARG(is_one_bit(controller));
	NSB_CHECK_ARG(!root || nsb_abspath_is_clean(root));
	r = cgroup_layout_detect(root, NSBOX_CGROUP_ALL, &l);
	if (r < 0)
		return r;
	/* v1 first: a controller mounted on v1 is not usable on v2. */
	for (int pass = 1; pass <= 2 && !version; pass++)
		for (size_t i = 0; i < l.n && !version; i++)
			if (l.h[i].version == pass && (l.h[i].controllers & controller)) {
				version = pass;
				p = strdup(l.h[i].mount);
			}
	cgroup_layout_clear(&l);
	if (!version)
		return nsb_set_error_msg(-ENOENT, "no cgroup hierarchy holds the %s controller",
					 cgroup_ctl_name(controller, 1));
	if (!p)
		return nsb_oom();
	*out = p;
	return version;
}

/* ---- the handle ------------------------------------------------------------ */

static int check_owner(nsbox_cgroup *cg)
{
	pid_t me = getpid();

	if (NSB_UNLIKELY(cg->owner != me))
		return nsb_set_error_msg(-ECHILD,
					 "cgroup %s: handle created in process %d used in process %d "
					 "(after fork); make a new handle in the child",
					 cg->name, (int)cg->owner, (int)me);
	return 0;
}

static int check_new(nsbox_cgroup *cg, const char *what)
{
	int r = check_owner(cg);

	if (r < 0)
		return r;
	if (cg->state != CG_NEW)
		return nsb_set_error_msg(-EINVAL, "%s of cgroup %s: the handle is already %s", what,
					 cg->name,
					 cg->state == CG_LIVE     ? "created or opened"
					 : cg->state == CG_MAKING ? "being created"
								  : "destroyed");
	return 0;
}

int cgroup_check_live(nsbox_cgroup *cg, const char *what)
{
	int r = check_owner(cg);

	if (r < 0)
		return r;
	/* "Making" (only a container's own copy, between begin and finish)
	 * counts as live: the limits of the part made are written then. */
	if (cg->state == CG_NEW)
		return nsb_set_error_msg(-EINVAL, "%s of cgroup %s: not created or opened yet", what,
					 cg->name);
	if (cg->state == CG_DESTROYED)
		return nsb_set_error_msg(-ENOENT, "%s of cgroup %s: the group was destroyed", what,
					 cg->name);
	return 0;
}

NSB_EXPORT int nsbox_cgroup_new(nsbox_cgroup **out, const char *name, uint32_t flags)
{
	nsbox_cgroup *cg;

	NSB_CHECK_ARG(out);
	NSB_CHECK_ARG(name);
	if (!nsb_relpath_is_valid(name, PATH_MAX / 2))
		return nsb_set_error_msg(-EINVAL,
					 "cgroup name \"%s\": must be a relative path of names, without "
					 "\".\", \"..\", empty components or a leading '/'",
					 name);
	if (flags & ~NSBOX_CGROUP_ADOPT_EXISTING)
		return nsb_set_error_msg(-EINVAL, "cgroup %s: unknown flags 0x%x", name,
					 (unsigned)(flags & ~NSBOX_CGROUP_ADOPT_EXISTING));
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return nsb_oom();
	cg->name = strdup(name);
	if (!cg->name) {
		free(cg);
		return nsb_oom();
	}
	cg->owner = getpid();
	cg->state = CG_NEW;
	cg->flags = flags;
	cg->want = NSBOX_CGROUP_ALL;
	cg->timeout_us = CG_DEFAULT_TIMEOUT_US;
	cg->v2 = -1;
	for (size_t i = 0; i < CG_MAX_HIER; i++)
		cg->h[i].dfd = -EBADF;
	*out = cg;
	return 0;
}

static void hier_clear(struct cg_hier *h)
{
	NSB_CLOSE(h->dfd);
	free(h->mount);
	free(h->parent);
	free(h->path);
	nsb_strv_free(h->created);
	nsb_strv_free(h->enabled);
	memset(h, 0, sizeof(*h));
	h->dfd = -EBADF;
}

NSB_EXPORT void nsbox_cgroup_free(nsbox_cgroup *cg)
{
	if (!cg)
		return;
	for (size_t i = 0; i < cg->nh; i++)
		hier_clear(&cg->h[i]);
	for (size_t i = 0; i < CGL_N; i++)
		free(cg->pending[i].s);
	free(cg->name);
	free(cg->parent);
	free(cg->root);
	free(cg);
}

NSB_EXPORT int nsbox_cgroup_set_parent(nsbox_cgroup *cg, const char *parent)
{
	char *p = NULL;
	int r;

	NSB_CHECK_ARG(cg);
	r = check_new(cg, "set parent");
	if (r < 0)
		return r;
	if (parent && !nsb_abspath_is_clean(parent))
		return nsb_set_error_msg(-EINVAL,
					 "cgroup %s: parent \"%s\" must be an absolute path inside the "
					 "hierarchy, without \"..\"",
					 cg->name, parent);
	if (parent && !(p = strdup(parent)))
		return nsb_oom();
	free(cg->parent);
	cg->parent = p;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_set_root(nsbox_cgroup *cg, const char *root)
{
	char *p = NULL;
	int r;

	NSB_CHECK_ARG(cg);
	r = check_new(cg, "set cgroupfs root");
	if (r < 0)
		return r;
	if (root && !nsb_abspath_is_clean(root))
		return nsb_set_error_msg(-EINVAL,
					 "cgroup %s: cgroupfs root \"%s\" must be an absolute path "
					 "without \"..\"",
					 cg->name, root);
	if (root && !(p = strdup(root)))
		return nsb_oom();
	free(cg->root);
	cg->root = p;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_set_controllers(nsbox_cgroup *cg, uint32_t controllers)
{
	int r;

	NSB_CHECK_ARG(cg);
	r = check_new(cg, "set controllers");
	if (r < 0)
		return r;
	if (!controllers || (controllers & ~CG_KNOWN_MASK))
		return nsb_set_error_msg(-EINVAL, "cgroup %s: controller mask 0x%x %s", cg->name,
					 (unsigned)controllers,
					 controllers ? "has unknown bits" : "is empty");
	cg->want = controllers;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_set_timeout(nsbox_cgroup *cg, uint64_t usec)
{
	int r;

	NSB_CHECK_ARG(cg);
	r = check_owner(cg);
	if (r < 0)
		return r;
	if (usec < 1000 || usec > 3600ULL * 1000000)
		return nsb_set_error_msg(-EINVAL,
					 "cgroup %s: timeout %llu µs is outside 1000 µs .. 1 hour",
					 cg->name, (unsigned long long)usec);
	cg->timeout_us = usec;
	return 0;
}

/* ---- file access ------------------------------------------------------------ */

/* After -ENOENT on a file of h: is it the group that went away? */
static int explain_enoent(nsbox_cgroup *cg, struct cg_hier *h, const char *file, const char *verb)
{
	struct stat a, b;

	if (fstat(h->dfd, &a) < 0 || stat(h->path, &b) < 0 || a.st_ino != b.st_ino ||
	    a.st_dev != b.st_dev)
		return nsb_set_error_msg(-ENOENT,
					 "%s %s of cgroup %s: the group directory %s no longer exists "
					 "(removed outside this handle?)",
					 verb, file, cg->name, h->path);
	return nsb_set_error_msg(-ENOENT, "%s %s/%s: no such file (controller not enabled here?)",
				 verb, h->path, file);
}

int cgroup_write(nsbox_cgroup *cg, struct cg_hier *h, const char *file, const char *value)
{
	int r = nsb_write_string_at(h->dfd, file, value);

	if (r == -ENOENT)
		return explain_enoent(cg, h, file, "write");
	if (r < 0)
		return nsb_set_error(r, "write \"%s\" to %s/%s", value, h->path, file);
	return 0;
}

int cgroup_read(nsbox_cgroup *cg, struct cg_hier *h, const char *file, char **out)
{
	int r = nsb_read_file_at(h->dfd, file, 1 << 20, out, NULL);

	if (r == -ENOENT)
		return explain_enoent(cg, h, file, "read");
	if (r < 0)
		return nsb_set_error(r, "read %s/%s", h->path, file);
	return 0;
}

int cgroup_read_u64(nsbox_cgroup *cg, struct cg_hier *h, const char *file, uint64_t *out)
{
	nsb_autofree char *s = NULL;
	int64_t v;
	int r;

	r = cgroup_read(cg, h, file, &s);
	if (r < 0)
		return r;
	if (strcmp(s, "max\n") == 0 || strcmp(s, "max") == 0) {
		*out = NSBOX_UNLIMITED;
		return 0;
	}
	if (s[0] == '-') { /* v1 uses -1 for "no limit" */
		r = nsb_parse_i64(s, &v);
		if (r == 0 && v < 0) {
			*out = NSBOX_UNLIMITED;
			return 0;
		}
	}
	r = nsb_parse_u64(s, out);
	if (r < 0)
		return nsb_set_error_msg(-EIO, "read %s/%s: unexpected content \"%.40s\"", h->path,
					 file, s);
	return 0;
}

int cgroup_read_keyed(nsbox_cgroup *cg, struct cg_hier *h, const char *file, const char *key,
		      uint64_t *out)
{
	nsb_autofree char *s = NULL;
	size_t kl = strlen(key);
	int r;

	r = cgroup_read(cg, h, file, &s);
	if (r < 0)
		return r;
	for (char *line = s; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (strncmp(line, key, kl) == 0 && line[kl] == ' ') {
			if (nsb_parse_u64(line + kl + 1, out) < 0)
				return nsb_set_error_msg(-EIO, "read %s/%s: bad value for %s", h->path,
							 file, key);
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return nsb_set_error_msg(-ENODATA, "read %s/%s: no \"%s\" entry", h->path, file, key);
}

bool cgroup_has_file(struct cg_hier *h, const char *file)
{
	return faccessat(h->dfd, file, F_OK, 0) == 0;
}

/* ---- create / open ------------------------------------------------------------ */

static struct cg_hier *hier_of(nsbox_cgroup *cg, uint32_t bit)
{
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].controllers & bit)
			return &cg->h[i];
	return NULL;
}

struct cg_hier *cgroup_hier_for(nsbox_cgroup *cg, uint32_t bit)
{
	return hier_of(cg, bit);
}

int cgroup_v2_dfd(const nsbox_cgroup *cg)
{
	return cg->v2 >= 0 ? cg->h[cg->v2].dfd : -EBADF;
}

/* Choose the hierarchies from the layout; fill mount, parent, path. */
static int plan_hierarchies(nsbox_cgroup *cg, struct cg_layout *l)
{
	uint32_t on_v1 = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->h[i].version == 1)
			on_v1 |= l->h[i].controllers;
	cg->layout = l->layout;
	cg->nh = 0;
	cg->v2 = -1;
	cg->covered = 0;
	for (size_t i = 0; i < l->n; i++) {
		struct cg_hier *h = &cg->h[cg->nh];
		uint32_t bits;
		const char *parent;

		if (l->h[i].version == 1) {
			bits = l->h[i].controllers & cg->want & ~cg->covered;
		} else {
			if (cg->v2 >= 0)
				continue;
			bits = l->h[i].controllers & cg->want & ~on_v1 & ~NSBOX_CGROUP_UNIFIED;
			if (l->layout == NSBOX_CGROUP_LAYOUT_V2 || (cg->want & NSBOX_CGROUP_UNIFIED) ||
			    (bits & ~CG_V2_CORE))
				bits |= NSBOX_CGROUP_UNIFIED;
			else
				bits = 0;
		}
		if (!bits)
			continue;
		parent = cg->parent ? cg->parent : (!cg->root && l->h[i].self) ? l->h[i].self : "/";
		h->version = l->h[i].version;
		h->controllers = bits;
		h->mount = strdup(l->h[i].mount);
		h->parent = strcmp(parent, "/") == 0 ? strdup(l->h[i].mount)
						     : nsb_strdup_printf("%s%s", l->h[i].mount, parent);
		h->path = h->parent ? nsb_path_join(h->parent, cg->name) : NULL;
		h->dfd = -EBADF;
		h->created = NULL;
		h->enabled = NULL;
		cg->nh++;
		if (!h->mount || !h->parent || !h->path)
			return nsb_oom();
		if (h->version == 2)
			cg->v2 = (int)(cg->nh - 1);
		cg->covered |= bits;
	}
	if (cg->nh == 0)
		return nsb_set_error_msg(-ENOENT,
					 "cgroup %s: none of the wanted controllers (mask 0x%x) is "
					 "mounted",
					 cg->name, (unsigned)cg->want);
	return 0;
}

static void reset_hierarchies(nsbox_cgroup *cg)
{
	for (size_t i = 0; i < cg->nh; i++)
		hier_clear(&cg->h[i]);
	cg->nh = 0;
	cg->v2 = -1;
	cg->covered = 0;
}

/* v2: which controllers the group really has (its cgroup.controllers). */
static void v2_refresh_covered(nsbox_cgroup *cg)
{
	struct cg_hier *h;
	nsb_autofree char *s = NULL;
	uint32_t real;

	if (cg->v2 < 0)
		return;
	h = &cg->h[cg->v2];
	/* Membership only (the core files every group has): nothing to check. */
	if ((h->controllers & ~CG_V2_CORE) == 0)
		return;
	real = CG_V2_CORE;
	if (nsb_read_file_at(h->dfd, "cgroup.controllers", 65536, &s, NULL) == 0)
		real |= ctl_mask_of(s, 2);
	cg->covered &= ~(h->controllers & ~real);
	h->controllers &= real;
}

/* Write "-a -b" into <dir>/cgroup.subtree_control; best effort. */
static void v2_disable(const char *dir, const char *undo)
{
	nsb_autofree char *f = nsb_path_join(dir, "cgroup.subtree_control");

	if (f)
		(void)nsb_write_string_at(AT_FDCWD, f, undo);
}

/*
 * A failed create changes nothing: the groups it made are removed, innermost
 * first, then the controllers it enabled for children are disabled again
 * (the kernel refuses that while another child uses one: then it stays).
 */
static int rollback_created(nsbox_cgroup *cg)
{
	for (size_t i = cg->nh; i-- > 0;) {
		struct cg_hier *h = &cg->h[i];
		size_t n = nsb_strv_length(h->created);
		for (size_t k = n; k-- > 0;)
			(void)rmdir(h->created[k]);
		n = nsb_strv_length(h->enabled);
		for (size_t k = n & ~(size_t)1; k >= 2; k -= 2)
			v2_disable(h->enabled[k - 2], h->enabled[k - 1]);
	}
	return 0;
}

/* Is the group at dfd holding processes of its own? */
static bool has_procs(int dfd)
{
	nsb_autofree char *s = NULL;

	if (nsb_read_file_at(dfd, "cgroup.procs", 1 << 20, &s, NULL) < 0)
		return false;
	for (char *p = s; *p; p++)
		if (isdigit((unsigned char)*p))
			return true;
	return false;
}

/* v2: enable the handle's controllers for the children of the group at dfd. */
static int v2_enable(nsbox_cgroup *cg, struct cg_hier *h, int dfd, const char *dir, bool is_root)
{
	nsb_autofree char *have = NULL, *avail = NULL;
	char buf[256] = "";
	uint32_t want = h->controllers & ~CG_V2_CORE, on, can;
	int r;

	if (!want)
		return 0;
	if (nsb_read_file_at(dfd, "cgroup.subtree_control", 65536, &have, NULL) < 0 ||
	    nsb_read_file_at(dfd, "cgroup.controllers", 65536, &avail, NULL) < 0)
		return nsb_set_error_msg(-ENOENT, "cgroup %s: %s is not a cgroup v2 group", cg->name,
					 dir);
	on = ctl_mask_of(have, 2);
	can = ctl_mask_of(avail, 2);
	want &= can; /* what the parent lacks cannot be had: the handle will not cover it */
	if (!(want & ~on))
		return 0;
	for (size_t i = 0; i < CG_NCTL; i++)
		if ((want & ~on & ctl_names[i].bit) && ctl_names[i].v2) {
			size_t len = strlen(buf);
			snprintf(buf + len, sizeof(buf) - len, "%s+%s", len ? " " : "",
				 ctl_names[i].v2);
		}
	if (!is_root && has_procs(dfd))
		return nsb_set_error_msg(-EBUSY,
					 "cgroup %s: cannot enable \"%s\" in %s/cgroup.subtree_control: "
					 "that group holds processes, and cgroup v2's "
					 "no-internal-processes rule forbids controllers for the children "
					 "of a group with processes of its own; move them into a leaf "
					 "group or choose another parent",
					 cg->name, buf, dir);
	r = nsb_write_string_at(dfd, "cgroup.subtree_control", buf);
	if (r == -EBUSY)
		return nsb_set_error(r,
				     "cgroup %s: enable \"%s\" in %s/cgroup.subtree_control (cgroup "
				     "v2's no-internal-processes rule: the group holds processes)",
				     cg->name, buf, dir);
	if (r < 0)
		return nsb_set_error(r, "cgroup %s: enable \"%s\" in %s/cgroup.subtree_control",
				     cg->name, buf, dir);
	/* Remember the undo, "-a -b", for a create that fails further down. */
	for (char *q = buf; *q; q++)
		if (*q == '+')
			*q = '-';
	if (nsb_strv_push(&h->enabled, dir) < 0 || nsb_strv_push(&h->enabled, buf) < 0) {
		v2_disable(dir, buf);
		return nsb_oom();
	}
	return 0;
}

/*
 * The common case: no controllers to enable on the way down and no cpuset
 * to copy, so only mkdir along the absolute path and open the leaf.
 */
static int create_simple(nsbox_cgroup *cg, struct cg_hier *h, bool adopt)
{
	nsb_autofree char *dir = strdup(h->path);
	size_t plen = strlen(h->parent);
	char *p;
	int r;

	if (!dir)
		return nsb_oom();
	p = dir + plen + 1;
	for (;;) {
		char *e = strchr(p, '/');
		if (e)
			*e = '\0';
		if (mkdir(dir, 0755) == 0) {
			if (nsb_strv_push(&h->created, dir) < 0) {
				(void)rmdir(dir);
				return nsb_oom();
			}
		} else if (errno != EEXIST || (!e && !adopt)) {
			r = NSB_NEG_ERRNO();
			if (r == -EEXIST)
				return nsb_set_error(r, "create cgroup %s: %s exists (open it, or "
							"use NSBOX_CGROUP_ADOPT_EXISTING)",
						     cg->name, dir);
			if (r == -ENOENT && p == dir + plen + 1)
				return nsb_set_error(r, "create cgroup %s: parent group %s", cg->name,
						     h->parent);
			return nsb_set_error(r, "create cgroup %s: mkdir %s", cg->name, dir);
		}
		if (!e)
			break;
		*e = '/';
		p = e + 1;
	}
	h->dfd = open(h->path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (h->dfd < 0) {
		r = NSB_NEG_ERRNO();
		return nsb_set_error(r, "create cgroup %s: open %s", cg->name, h->path);
	}
	return 0;
}

static int create_one(nsbox_cgroup *cg, struct cg_hier *h, bool adopt)
{
	const struct cgroup_ops *ops = h->version == 2 ? &cgroup_v2_ops : &cgroup_v1_ops;
	nsb_autoclose int cur = -EBADF;
	nsb_autofree char *dir = NULL;
	const char *p = cg->name;
	bool cur_is_root;

	if (!(h->controllers & NSBOX_CGROUP_CPUSET) &&
	    !(h->version == 2 && (h->controllers & ~CG_V2_CORE)))
		return create_simple(cg, h, adopt);
	cur = open(h->parent, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cur < 0) {
		int r = NSB_NEG_ERRNO();
		return nsb_set_error(r, "create cgroup %s: parent group %s", cg->name, h->parent);
	}
	dir = strdup(h->parent);
	if (!dir)
		return nsb_oom();
	cur_is_root = strcmp(h->parent, h->mount) == 0;
	for (;;) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		char comp[NAME_MAX + 1];
		nsb_autoclose int next = -EBADF;
		bool made = false;
		char *nd;
		int r;

		memcpy(comp, p, len);
		comp[len] = '\0';
		if (h->version == 2) {
			r = v2_enable(cg, h, cur, dir, cur_is_root);
			if (r < 0)
				return r;
		}
		nd = nsb_path_join(dir, comp);
		if (!nd)
			return nsb_oom();
		free(dir);
		dir = nd;
		if (mkdirat(cur, comp, 0755) == 0) {
			made = true;
			if (nsb_strv_push(&h->created, dir) < 0) {
				(void)rmdir(dir);
				return nsb_oom();
			}
		} else if (errno != EEXIST || (!e && !adopt)) {
			r = NSB_NEG_ERRNO();
			if (r == -EEXIST)
				return nsb_set_error(r, "create cgroup %s: %s exists (open it, or "
							"use NSBOX_CGROUP_ADOPT_EXISTING)",
						     cg->name, dir);
			return nsb_set_error(r, "create cgroup %s: mkdir %s", cg->name, dir);
		}
		next = openat(cur, comp, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0) {
			r = NSB_NEG_ERRNO();
			return nsb_set_error(r, "create cgroup %s: open %s", cg->name, dir);
		}
		if (made && ops->init_group) {
			struct cg_hier tmp = *h;
			tmp.path = dir;
			tmp.dfd = next;
			r = ops->init_group(cg, &tmp, cur, next);
			if (r < 0)
				return r;
		}
		NSB_CLOSE(cur);
		cur = NSB_STEAL_FD(next);
		cur_is_root = false;
		if (!e)
			break;
		p = e + 1;
	}
	h->dfd = NSB_STEAL_FD(cur);
	return 0;
}

static int start_live(nsbox_cgroup *cg, const char *what)
{
	struct cg_layout l;
	int r;

	r = check_new(cg, what);
	if (r < 0)
		return r;
	r = cgroup_layout_detect(cg->root, cg->want, &l);
	if (r < 0)
		return nsb_prefix_error(r, "%s cgroup %s", what, cg->name);
	r = plan_hierarchies(cg, &l);
	cgroup_layout_clear(&l);
	if (r < 0)
		reset_hierarchies(cg);
	return r;
}

static int apply_pending(nsbox_cgroup *cg, int version);

/* Make the groups of one version (2 first, then 1); the limits recorded
 * for them follow. On failure the caller removes what the handle made. */
static int create_version(nsbox_cgroup *cg, int version)
{
	int r = 0;

	for (size_t i = 0; i < cg->nh && r >= 0; i++)
		if (cg->h[i].version == version)
			r = create_one(cg, &cg->h[i], cg->flags & NSBOX_CGROUP_ADOPT_EXISTING);
	if (r >= 0 && version == 2)
		v2_refresh_covered(cg);
	if (r >= 0)
		r = apply_pending(cg, version);
	return r;
}

int nsb_cgroup_create_begin(nsbox_cgroup *cg)
{
	int r = start_live(cg, "create");

	if (r < 0)
		return r;
	cg->state = CG_MAKING;
	r = create_version(cg, 2);
	if (r < 0)
		nsb_cgroup_create_abort(cg);
	return r;
}

/* On failure the handle stays "making": a container start removes what it
 * made (nsb_cgroup_create_abort) once its child, which may sit in the v2
 * group, is gone. */
int nsb_cgroup_create_finish(nsbox_cgroup *cg)
{
	int r = create_version(cg, 1);

	if (r < 0)
		return r;
	cg->state = CG_LIVE;
	for (size_t i = 0; i < CGL_N; i++) {
		free(cg->pending[i].s);
		memset(&cg->pending[i], 0, sizeof(cg->pending[i]));
	}
	return 0;
}

void nsb_cgroup_create_abort(nsbox_cgroup *cg)
{
	if (cg->state != CG_MAKING && cg->state != CG_LIVE)
		return;
	rollback_created(cg);
	reset_hierarchies(cg);
	cg->state = CG_NEW;
}

bool nsb_cgroup_is_new(const nsbox_cgroup *cg)
{
	return cg->state == CG_NEW;
}

NSB_EXPORT int nsbox_cgroup_create(nsbox_cgroup *cg)
{
	int r;

	NSB_CHECK_ARG(cg);
	r = nsb_cgroup_create_begin(cg);
	if (r < 0)
		return r;
	r = nsb_cgroup_create_finish(cg);
	if (r < 0)
		nsb_cgroup_create_abort(cg);
	return r;
}

NSB_EXPORT int nsbox_cgroup_open(nsbox_cgroup *cg)
{
	int r;

	NSB_CHECK_ARG(cg);
	r = start_live(cg, "open");
	if (r < 0)
		return r;
	for (size_t i = 0; i < cg->nh; i++) {
		struct cg_hier *h = &cg->h[i];
		h->dfd = open(h->path, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (h->dfd < 0) {
			r = NSB_NEG_ERRNO();
			(void)nsb_set_error(r, "open cgroup %s: %s", cg->name, h->path);
			reset_hierarchies(cg);
			return r;
		}
	}
	v2_refresh_covered(cg);
	cg->state = CG_LIVE;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_get_layout(nsbox_cgroup *cg, int *out)
{
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(out);
	r = cgroup_check_live(cg, "get layout");
	if (r < 0)
		return r;
	*out = cg->layout;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_get_controllers(nsbox_cgroup *cg, uint32_t *out)
{
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(out);
	r = cgroup_check_live(cg, "get controllers");
	if (r < 0)
		return r;
	*out = cg->covered;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_get_path(nsbox_cgroup *cg, uint32_t controller, char **out)
{
	struct cg_hier *h;
	char *p;
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(out);
	NSB_CHECK_ARG(is_one_bit(controller));
	r = cgroup_check_live(cg, "get path");
	if (r < 0)
		return r;
	h = hier_of(cg, controller);
	if (!h)
		return nsb_set_error_msg(-EOPNOTSUPP, "cgroup %s: the handle covers no %s hierarchy",
					 cg->name, cgroup_ctl_name(controller, 1));
	p = strdup(h->path);
	if (!p)
		return nsb_oom();
	*out = p;
	return h->version;
}

NSB_EXPORT int nsbox_cgroup_open_dirfd(nsbox_cgroup *cg, int *out)
{
	struct cg_hier *h;
	int r, fd;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(out);
	r = cgroup_check_live(cg, "open directory fd");
	if (r < 0)
		return r;
	if (cg->v2 < 0)
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "cgroup %s: the handle covers no cgroup v2 hierarchy (an fd for "
					 "CLONE_INTO_CGROUP needs one)",
					 cg->name);
	h = &cg->h[cg->v2];
	fd = openat(h->dfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = NSB_NEG_ERRNO();
		if (r == -ENOENT)
			return explain_enoent(cg, h, ".", "open");
		return nsb_set_error(r, "cgroup %s: open %s", cg->name, h->path);
	}
	/* A removed group still opens through its old fd: check the path. */
	{
		struct stat a, b;
		if (fstat(fd, &a) < 0 || stat(h->path, &b) < 0 || a.st_ino != b.st_ino) {
			(void)close(fd);
			return explain_enoent(cg, h, ".", "open");
		}
	}
	*out = fd;
	return 0;
}

/* ---- limits ------------------------------------------------------------------ */

static const struct cgroup_ops *ops_of(struct cg_hier *h)
{
	return h->version == 2 ? &cgroup_v2_ops : &cgroup_v1_ops;
}

/* The live handle's hierarchy for a controller, or -EOPNOTSUPP explained. */
static int need(nsbox_cgroup *cg, uint32_t bit, const char *what, struct cg_hier **out)
{
	int r = cgroup_check_live(cg, what);

	if (r < 0)
		return r;
	*out = hier_of(cg, bit);
	/* CPU usage is a core feature of every v2 group. */
	if (!*out && bit == NSBOX_CGROUP_CPUACCT && cg->v2 >= 0)
		*out = &cg->h[cg->v2];
	if (!*out)
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "%s of cgroup %s: no %s controller is available to this group "
					 "(not mounted, not enabled in the parent, or not among the "
					 "handle's controllers)",
					 what, cg->name, cgroup_ctl_name(bit, 1));
	return 0;
}

/*
 * A limit setter's step after its argument checks: on a handle not yet
 * created, record the limit for create (returns 1); on a live one, find
 * the hierarchy holding controller bit (returns 0), as need() does.
 */
static int limit_target(nsbox_cgroup *cg, enum cg_limit kind, uint64_t a, uint64_t b,
			const char *str, uint32_t bit, const char *what, struct cg_hier **out)
{
	struct cg_pending *p = &cg->pending[kind];
	char *copy = NULL;
	int r = check_owner(cg);

	if (r < 0)
		return r;
	if (cg->state != CG_NEW)
		return need(cg, bit, what, out);
	if (str && !(copy = strdup(str)))
		return nsb_oom();
	free(p->s);
	p->s = copy;
	p->a = a;
	p->b = b;
	p->seq = ++cg->pending_seq;
	return 1;
}

NSB_EXPORT int nsbox_cgroup_set_cpu_max(nsbox_cgroup *cg, uint64_t quota_us, uint64_t period_us)
{
	struct cg_hier *h;
	int r;

	NSB_CHECK_ARG(cg);
	if (quota_us != NSBOX_UNLIMITED && quota_us < 1000)
		return nsb_set_error_msg(-EINVAL,
					 "set cpu max of cgroup %s: quota %llu µs is below the kernel's "
					 "minimum of 1000 µs",
					 cg->name, (unsigned long long)quota_us);
	if (period_us != 0 && (period_us < 1000 || period_us > 1000000))
		return nsb_set_error_msg(-EINVAL,
					 "set cpu max of cgroup %s: period %llu µs is outside the "
					 "kernel's range 1000..1000000 µs",
					 cg->name, (unsigned long long)period_us);
	if (quota_us != NSBOX_UNLIMITED && quota_us > (1ULL << 44) / 1000 * 1000)
		return nsb_set_error_msg(-EINVAL, "set cpu max of cgroup %s: quota %llu µs is too large",
					 cg->name, (unsigned long long)quota_us);
	r = limit_target(cg, CGL_CPU_MAX, quota_us, period_us, NULL, NSBOX_CGROUP_CPU, "set cpu max",
			 &h);
	if (r != 0)
		return r < 0 ? r : 0;
	return ops_of(h)->set_cpu_max(cg, h, quota_us, period_us);
}

NSB_EXPORT int nsbox_cgroup_get_cpu_max(nsbox_cgroup *cg, uint64_t *quota_us, uint64_t *period_us)
{
	struct cg_hier *h;
	uint64_t q, p;
	int r;

	NSB_CHECK_ARG(cg);
	r = need(cg, NSBOX_CGROUP_CPU, "get cpu max", &h);
	if (r < 0)
		return r;
	r = ops_of(h)->get_cpu_max(cg, h, &q, &p);
	if (r < 0)
		return r;
	if (quota_us)
		*quota_us = q;
	if (period_us)
		*period_us = p;
	return 0;
}

/* cpu.weight and io.weight (v1: cpu.shares and blkio.weight): 1..10000. */
static int weight_set(nsbox_cgroup *cg, uint32_t ctl, const char *what, uint64_t weight)
{
	const struct cgroup_ops *ops;
	struct cg_hier *h;
	int r;

	NSB_CHECK_ARG(cg);
	if (weight < 1 || weight > 10000)
		return nsb_set_error_msg(-EINVAL, "%s of cgroup %s: weight %lld is outside 1..10000",
					 what, cg->name, (long long)weight);
	r = limit_target(cg, ctl == NSBOX_CGROUP_CPU ? CGL_CPU_WEIGHT : CGL_IO_WEIGHT, weight, 0,
			 NULL, ctl, what, &h);
	if (r != 0)
		return r < 0 ? r : 0;
	ops = ops_of(h);
	return ctl == NSBOX_CGROUP_CPU ? ops->set_cpu_weight(cg, h, weight)
				       : ops->set_io_weight(cg, h, weight);
}

static int weight_get(nsbox_cgroup *cg, uint32_t ctl, const char *what, uint64_t *out)
{
	const struct cgroup_ops *ops;
	struct cg_hier *h;
	uint64_t w;
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(out);
	r = need(cg, ctl, what, &h);
	if (r < 0)
		return r;
	ops = ops_of(h);
	r = ctl == NSBOX_CGROUP_CPU ? ops->get_cpu_weight(cg, h, &w) : ops->get_io_weight(cg, h, &w);
	if (r == 0)
		*out = w;
	return r;
}

NSB_EXPORT int nsbox_cgroup_set_cpu_weight(nsbox_cgroup *cg, uint64_t weight)
{
	return weight_set(cg, NSBOX_CGROUP_CPU, "set cpu weight", weight);
}

NSB_EXPORT int nsbox_cgroup_get_cpu_weight(nsbox_cgroup *cg, uint64_t *out)
{
	return weight_get(cg, NSBOX_CGROUP_CPU, "get cpu weight", out);
}

/* ---- cpuset -------------------------------------------------------------- */

/* Parse "0-3,5" into ranges; -EINVAL on bad syntax. */
static int parse_list(const char *s, unsigned (*ranges)[2], size_t max, size_t *n)
{
	const char *p = s;

	*n = 0;
	if (!*p || *p == '\n')
		return -EINVAL;
	while (*p && *p != '\n') {
		char *end;
		unsigned long a, b;

		if (!isdigit((unsigned char)*p))
			return -EINVAL;
		a = strtoul(p, &end, 10);
		b = a;
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
			b = strtoul(p, &end, 10);
			p = end;
		}
		if (b < a || b > 1u << 20 || *n >= max)
			return -EINVAL;
		ranges[*n][0] = (unsigned)a;
		ranges[*n][1] = (unsigned)b;
		(*n)++;
		if (*p == ',')
			p++;
		else if (*p && *p != '\n')
			return -EINVAL;
	}
	return 0;
}

/*
 * The first number of [lo, hi] that no range of r covers, or -1 when r
 * covers all of it: by jumps over covering ranges, never number by number
 * (a hostile "0-1048576" must not cost a million steps per range).
 */
static long first_uncovered(unsigned lo, unsigned hi, unsigned (*r)[2], size_t n)
{
	unsigned long v = lo;

	while (v <= hi) {
		size_t i;
		for (i = 0; i < n; i++)
			if (v >= r[i][0] && v <= r[i][1])
				break;
		if (i == n)
			return (long)v;
		v = (unsigned long)r[i][1] + 1;
	}
	return -1;
}

/* What the group may use: its parent's effective set, else the machine's online set. */
static int allowed_set(struct cg_hier *h, bool cpus, char **out)
{
	nsb_autofree char *parent = NULL;
	const char *f;
	char *slash;

	parent = strdup(h->path);
	if (!parent)
		return -ENOMEM;
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	if (h->version == 2)
		f = cpus ? "cpuset.cpus.effective" : "cpuset.mems.effective";
	else
		f = cpus ? "cpuset.effective_cpus" : "cpuset.effective_mems";
	{
		nsb_autofree char *p = nsb_path_join(parent, f);
		if (p && nsb_read_file_at(AT_FDCWD, p, 65536, out, NULL) == 0 && (*out)[0] &&
		    (*out)[0] != '\n')
			return 0;
		if (*out) {
			free(*out);
			*out = NULL;
		}
	}
	return nsb_read_file_at(AT_FDCWD,
				cpus ? "/sys/devices/system/cpu/online"
				     : "/sys/devices/system/node/online",
				65536, out, NULL);
}

static int set_cpuset(nsbox_cgroup *cg, bool cpus, const char *list)
{
	const char *what = cpus ? "set cpuset cpus" : "set cpuset mems";
	unsigned want[256][2], have[256][2];
	size_t nw, nh;
	nsb_autofree char *allowed = NULL;
	struct cg_hier *h;
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(list);
	if (parse_list(list, want, NSB_ARRAY_SIZE(want), &nw) < 0)
		return nsb_set_error_msg(-EINVAL,
					 "%s of cgroup %s: \"%.64s\" is not a list such as \"0-3,5\"",
					 what, cg->name, list);
	r = limit_target(cg, cpus ? CGL_CPUSET_CPUS : CGL_CPUSET_MEMS, 0, 0, list,
			 NSBOX_CGROUP_CPUSET, what, &h);
	if (r != 0)
		return r < 0 ? r : 0;
	if (allowed_set(h, cpus, &allowed) == 0 &&
	    parse_list(allowed, have, NSB_ARRAY_SIZE(have), &nh) == 0) {
		for (size_t i = 0; i < nw; i++) {
			long v = first_uncovered(want[i][0], want[i][1], have, nh);
			if (v >= 0) {
				allowed[strcspn(allowed, "\n")] = '\0';
				return nsb_set_error_msg(
					-EINVAL,
					"%s of cgroup %s: %s %ld is outside the %s this group "
					"may use (%s)",
					what, cg->name, cpus ? "cpu" : "memory node", v,
					cpus ? "cpus" : "memory nodes", allowed);
			}
		}
	}
	return cgroup_write(cg, h, cpus ? "cpuset.cpus" : "cpuset.mems", list);
}

static int get_cpuset(nsbox_cgroup *cg, bool cpus, char **out)
{
	struct cg_hier *h;
	char *s = NULL;
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(out);
	r = need(cg, NSBOX_CGROUP_CPUSET, cpus ? "get cpuset cpus" : "get cpuset mems", &h);
	if (r < 0)
		return r;
	r = cgroup_read(cg, h, cpus ? "cpuset.cpus" : "cpuset.mems", &s);
	if (r < 0)
		return r;
	s[strcspn(s, "\n")] = '\0';
	*out = s;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_set_cpuset_cpus(nsbox_cgroup *cg, const char *cpus)
{
	return set_cpuset(cg, true, cpus);
}

NSB_EXPORT int nsbox_cgroup_get_cpuset_cpus(nsbox_cgroup *cg, char **out)
{
	return get_cpuset(cg, true, out);
}

NSB_EXPORT int nsbox_cgroup_set_cpuset_mems(nsbox_cgroup *cg, const char *mems)
{
	return set_cpuset(cg, false, mems);
}

NSB_EXPORT int nsbox_cgroup_get_cpuset_mems(nsbox_cgroup *cg, char **out)
{
	return get_cpuset(cg, false, out);
}

/* ---- memory, pids, io --------------------------------------------------------- */

static const char *const mem_what[] = {"set memory max", "set memory high", "set memory low",
				       "set memory+swap max"};

static int set_memory(nsbox_cgroup *cg, int which, uint64_t bytes)
{
	struct cg_hier *h;
	int r;

	NSB_CHECK_ARG(cg);
	r = limit_target(cg, CGL_MEMORY + which, bytes, 0, NULL, NSBOX_CGROUP_MEMORY,
			 mem_what[which], &h);
	if (r != 0)
		return r < 0 ? r : 0;
	return ops_of(h)->set_memory(cg, h, which, bytes);
}

static int get_memory(nsbox_cgroup *cg, int which, uint64_t *out)
{
	struct cg_hier *h;
	uint64_t v;
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(out);
	r = need(cg, NSBOX_CGROUP_MEMORY, mem_what[which] + 4 /* "memory ..." */, &h);
	if (r < 0)
		return r;
	r = ops_of(h)->get_memory(cg, h, which, &v);
	if (r == 0)
		*out = v;
	return r;
}

NSB_EXPORT int nsbox_cgroup_set_memory_max(nsbox_cgroup *cg, uint64_t bytes)
{
	return set_memory(cg, 0, bytes);
}

NSB_EXPORT int nsbox_cgroup_get_memory_max(nsbox_cgroup *cg, uint64_t *out)
{
	return get_memory(cg, 0, out);
}

NSB_EXPORT int nsbox_cgroup_set_memory_high(nsbox_cgroup *cg, uint64_t bytes)
{
	return set_memory(cg, 1, bytes);
}

NSB_EXPORT int nsbox_cgroup_get_memory_high(nsbox_cgroup *cg, uint64_t *out)
{
	return get_memory(cg, 1, out);
}

NSB_EXPORT int nsbox_cgroup_set_memory_low(nsbox_cgroup *cg, uint64_t bytes)
{
	return set_memory(cg, 2, bytes);
}

NSB_EXPORT int nsbox_cgroup_get_memory_low(nsbox_cgroup *cg, uint64_t *out)
{
	return get_memory(cg, 2, out);
}

NSB_EXPORT int nsbox_cgroup_set_memory_swap_max(nsbox_cgroup *cg, uint64_t bytes)
{
	return set_memory(cg, 3, bytes);
}

NSB_EXPORT int nsbox_cgroup_get_memory_swap_max(nsbox_cgroup *cg, uint64_t *out)
{
	return get_memory(cg, 3, out);
}

NSB_EXPORT int nsbox_cgroup_set_pids_max(nsbox_cgroup *cg, uint64_t max)
{
	struct cg_hier *h;
	char buf[32];
	int r;

	NSB_CHECK_ARG(cg);
	if (max != NSBOX_UNLIMITED && max > (1u << 22))
		return nsb_set_error_msg(-EINVAL,
					 "set pids max of cgroup %s: %llu is above the kernel's limit "
					 "of %u tasks (use NSBOX_UNLIMITED)",
					 cg->name, (unsigned long long)max, 1u << 22);
	r = limit_target(cg, CGL_PIDS_MAX, max, 0, NULL, NSBOX_CGROUP_PIDS, "set pids max", &h);
	if (r != 0)
		return r < 0 ? r : 0;
	if (max == NSBOX_UNLIMITED)
		snprintf(buf, sizeof(buf), "max");
	else
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)max);
	return cgroup_write(cg, h, "pids.max", buf);
}

NSB_EXPORT int nsbox_cgroup_get_pids_max(nsbox_cgroup *cg, uint64_t *out)
{
	struct cg_hier *h;
	uint64_t v;
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(out);
	r = need(cg, NSBOX_CGROUP_PIDS, "get pids max", &h);
	if (r < 0)
		return r;
	r = cgroup_read_u64(cg, h, "pids.max", &v);
	if (r == 0)
		*out = v;
	return r;
}

NSB_EXPORT int nsbox_cgroup_set_io_weight(nsbox_cgroup *cg, uint64_t weight)
{
	return weight_set(cg, NSBOX_CGROUP_IO, "set io weight", weight);
}

NSB_EXPORT int nsbox_cgroup_get_io_weight(nsbox_cgroup *cg, uint64_t *out)
{
	return weight_get(cg, NSBOX_CGROUP_IO, "get io weight", out);
}

/* ---- limits recorded before create ---------------------------------------------- */

static const uint32_t limit_ctl[CGL_N] = {
	[CGL_CPU_MAX] = NSBOX_CGROUP_CPU,         [CGL_CPU_WEIGHT] = NSBOX_CGROUP_CPU,
	[CGL_CPUSET_CPUS] = NSBOX_CGROUP_CPUSET,  [CGL_CPUSET_MEMS] = NSBOX_CGROUP_CPUSET,
	[CGL_MEMORY] = NSBOX_CGROUP_MEMORY,       [CGL_MEMORY + 1] = NSBOX_CGROUP_MEMORY,
	[CGL_MEMORY + 2] = NSBOX_CGROUP_MEMORY,   [CGL_MEMORY + 3] = NSBOX_CGROUP_MEMORY,
	[CGL_PIDS_MAX] = NSBOX_CGROUP_PIDS,       [CGL_IO_WEIGHT] = NSBOX_CGROUP_IO,
};

static int apply_one(nsbox_cgroup *cg, size_t kind)
{
	const struct cg_pending *p = &cg->pending[kind];

	switch (kind) {
	case CGL_CPU_MAX:
		return nsbox_cgroup_set_cpu_max(cg, p->a, p->b);
	case CGL_CPU_WEIGHT:
		return nsbox_cgroup_set_cpu_weight(cg, p->a);
	case CGL_CPUSET_CPUS:
		return nsbox_cgroup_set_cpuset_cpus(cg, p->s);
	case CGL_CPUSET_MEMS:
		return nsbox_cgroup_set_cpuset_mems(cg, p->s);
	case CGL_PIDS_MAX:
		return nsbox_cgroup_set_pids_max(cg, p->a);
	case CGL_IO_WEIGHT:
		return nsbox_cgroup_set_io_weight(cg, p->a);
	default:
		return set_memory(cg, (int)(kind - CGL_MEMORY), p->a);
	}
}

/*
 * Write the limits recorded before create whose controller is on a
 * hierarchy of this version, in the order they were set, with the live
 * setters (so with their checks and messages). A limit whose controller
 * the handle does not cover fails in the first pass (version 2), before
 * any v1 group is made.
 */
static int apply_pending(nsbox_cgroup *cg, int version)
{
	unsigned last = 0;
	int r = 0;

	for (;;) {
		size_t next = CGL_N;
		struct cg_hier *h;

		for (size_t k = 0; k < CGL_N; k++)
			if (cg->pending[k].seq > last &&
			    (next == CGL_N || cg->pending[k].seq < cg->pending[next].seq))
				next = k;
		if (next == CGL_N)
			break;
		last = cg->pending[next].seq;
		h = hier_of(cg, limit_ctl[next]);
		if (h ? h->version != version : version != 2)
			continue;
		r = apply_one(cg, next);
		if (r < 0)
			break;
	}
	return r;
}

/* ---- membership ----------------------------------------------------------------- */

int cgroup_attach_pid(nsbox_cgroup *cg, pid_t pid)
{
	char buf[24];
	int r;

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < cg->nh; i++) {
		struct cg_hier *h = &cg->h[i];
		r = nsb_write_string_at(h->dfd, "cgroup.procs", buf);
		if (r == 0)
			continue;
		if (r == -ENOENT)
			return explain_enoent(cg, h, "cgroup.procs", "attach to");
		if (r == -ESRCH)
			return nsb_set_error_msg(r, "attach pid %d to cgroup %s: no such process",
						 (int)pid, cg->name);
		if (r == -ENOSPC && (h->controllers & NSBOX_CGROUP_CPUSET))
			return nsb_set_error(r,
					     "attach pid %d to %s: the cpuset group has no cpus or "
					     "mems",
					     (int)pid, h->path);
		if (r == -EBUSY && h->version == 2)
			return nsb_set_error(r,
					     "attach pid %d to %s: cgroup v2's no-internal-processes "
					     "rule (the group has controllers enabled for children)",
					     (int)pid, h->path);
		return nsb_set_error(r, "attach pid %d to %s", (int)pid, h->path);
	}
	return 0;
}

/* The thread-group id of a task, from /proc; 0 if unknown. */
static pid_t tgid_of(pid_t tid)
{
	char path[64];
	nsb_autofree char *s = NULL;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if (nsb_read_file_at(AT_FDCWD, path, 1 << 16, &s, NULL) < 0)
		return 0;
	p = strstr(s, "\nTgid:");
	return p ? (pid_t)atoi(p + 6) : 0;
}

NSB_EXPORT int nsbox_cgroup_attach(nsbox_cgroup *cg, pid_t pid)
{
	int r, fd;

	NSB_CHECK_ARG(cg);
	r = cgroup_check_live(cg, "attach");
	if (r < 0)
		return r;
	if (pid <= 0)
		return nsb_set_error_msg(-EINVAL, "attach pid %d to cgroup %s: not a process id",
					 (int)pid, cg->name);
	/* pidfd_open takes only thread-group leaders: a thread id is refused. */
	fd = nsb_sys_pidfd_open(pid, 0);
	if (fd >= 0) {
		(void)close(fd);
	} else if (fd == -ESRCH) {
		return nsb_set_error_msg(-ESRCH, "attach pid %d to cgroup %s: no such process",
					 (int)pid, cg->name);
	} else {
		pid_t tg = tgid_of(pid);
		if (tg == 0)
			return nsb_set_error_msg(-ESRCH, "attach pid %d to cgroup %s: no such process",
						 (int)pid, cg->name);
		if (tg != pid)
			return nsb_set_error_msg(-EINVAL,
						 "attach pid %d to cgroup %s: %d is a thread of process "
						 "%d; attach takes a process id (all its threads move)",
						 (int)pid, cg->name, (int)pid, (int)tg);
	}
	return cgroup_attach_pid(cg, pid);
}

struct pidvec {
	pid_t *v;
	size_t n, cap;
};

static int pidvec_add_file(struct pidvec *pv, int dfd)
{
	nsb_autofree char *s = NULL;
	int r;

	r = nsb_read_file_at(dfd, "cgroup.procs", 1 << 24, &s, NULL);
	if (r < 0)
		return r;
	for (char *p = s; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p) {
			p++;
			continue;
		}
		p = end;
		if (v <= 0)
			continue;
		if (pv->n == pv->cap) {
			size_t nc = pv->cap ? pv->cap * 2 : 16;
			pid_t *nv = realloc(pv->v, nc * sizeof(pid_t));
			if (!nv)
				return -ENOMEM;
			pv->v = nv;
			pv->cap = nc;
		}
		pv->v[pv->n++] = (pid_t)v;
	}
	return 0;
}

/* Pids of the group at dfd and (recursive) of its subgroups. */
static int pidvec_add_tree(struct pidvec *pv, int dfd, int depth)
{
	nsb_autoclosedir DIR *d = NULL;
	struct dirent *de;
	struct stat st;
	int fd, r;

	r = pidvec_add_file(pv, dfd);
	if (r < 0 || depth > 64)
		return r;
	/* cgroupfs counts subdirectories in st_nlink: 2 means none. */
	if (fstat(dfd, &st) == 0 && st.st_nlink == 2)
		return 0;
	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NSB_NEG_ERRNO();
	d = fdopendir(fd);
	if (!d) {
		r = NSB_NEG_ERRNO();
		(void)close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		nsb_autoclose int cfd = -EBADF;
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		cfd = openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue; /* removed meanwhile */
		r = pidvec_add_tree(pv, cfd, depth + 1);
		if (r < 0 && r != -ENOENT)
			return r;
	}
	return 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
	return (x > y) - (x < y);
}

static void pidvec_uniq(struct pidvec *pv)
{
	size_t w = 0;

	if (!pv->n)
		return;
	qsort(pv->v, pv->n, sizeof(pid_t), cmp_pid);
	for (size_t i = 0; i < pv->n; i++)
		if (w == 0 || pv->v[w - 1] != pv->v[i])
			pv->v[w++] = pv->v[i];
	pv->n = w;
}

/* The pids of every hierarchy's group (tree: and of its subgroups), or of
 * the one hierarchy only when given. */
static int collect_pids(nsbox_cgroup *cg, struct cg_hier *only, bool tree, struct pidvec *pv,
			const char *what)
{
	for (size_t i = 0; i < cg->nh; i++) {
		struct cg_hier *h = &cg->h[i];
		int r;

		/* Not asked for, or removed by a destroy that stopped half-way. */
		if (h->dfd < 0 || (only && h != only))
			continue;
		r = tree ? pidvec_add_tree(pv, h->dfd, 0) : pidvec_add_file(pv, h->dfd);
		if (r == -ENOENT)
			return explain_enoent(cg, h, "cgroup.procs", what);
		if (r < 0)
			return r == -ENOMEM ? nsb_oom()
					    : nsb_set_error(r, "%s: read %s/cgroup.procs", what, h->path);
	}
	pidvec_uniq(pv);
	return 0;
}

NSB_EXPORT int nsbox_cgroup_get_pids(nsbox_cgroup *cg, pid_t **pids, size_t *n)
{
	struct pidvec pv = {0};
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(pids);
	NSB_CHECK_ARG(n);
	r = cgroup_check_live(cg, "list pids");
	if (r < 0)
		return r;
	r = collect_pids(cg, NULL, false, &pv, "read");
	if (r < 0) {
		free(pv.v);
		return r;
	}
	if (pv.n == 0) {
		free(pv.v);
		pv.v = NULL;
	}
	*pids = pv.v;
	*n = pv.n;
	return 0;
}

/* ---- stats ---------------------------------------------------------------------- */

NSB_EXPORT int nsbox_cgroup_stat(nsbox_cgroup *cg, int stat, uint64_t *out)
{
	struct cg_hier *h = NULL;
	uint32_t bit;
	uint64_t v;
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(out);
	switch (stat) {
	case NSBOX_CGROUP_STAT_CPU_USAGE_US:
	case NSBOX_CGROUP_STAT_CPU_USER_US:
	case NSBOX_CGROUP_STAT_CPU_SYSTEM_US:
		bit = NSBOX_CGROUP_CPUACCT;
		break;
	case NSBOX_CGROUP_STAT_CPU_PERIODS:
	case NSBOX_CGROUP_STAT_CPU_THROTTLED:
	case NSBOX_CGROUP_STAT_CPU_THROTTLED_US:
		bit = NSBOX_CGROUP_CPU;
		break;
	case NSBOX_CGROUP_STAT_MEMORY_CURRENT:
	case NSBOX_CGROUP_STAT_MEMORY_PEAK:
	case NSBOX_CGROUP_STAT_OOM_KILLS:
		bit = NSBOX_CGROUP_MEMORY;
		break;
	case NSBOX_CGROUP_STAT_PIDS_CURRENT:
		bit = NSBOX_CGROUP_PIDS;
		break;
	default:
		return nsb_set_error_msg(-EINVAL, "read stat of cgroup %s: unknown statistic %d",
					 cg->name, stat);
	}
	r = need(cg, bit, "read stat", &h);
	if (r < 0)
		return r;
	r = ops_of(h)->stat(cg, h, stat, &v);
	if (r == 0)
		*out = v;
	return r;
}

static int parse_psi_line(const char *line, double *a10, double *a60, double *a300, uint64_t *tot)
{
	unsigned long long t;

	if (sscanf(line, "%*s avg10=%lf avg60=%lf avg300=%lf total=%llu", a10, a60, a300, &t) != 4)
		return -EIO;
	*tot = t;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_get_pressure(nsbox_cgroup *cg, int resource, int full, double *avg10,
					 double *avg60, double *avg300, uint64_t *total_us)
{
	static const char *const files[] = {NULL, "cpu.pressure", "memory.pressure", "io.pressure"};
	static const uint32_t bits[] = {0, NSBOX_CGROUP_CPU, NSBOX_CGROUP_MEMORY, NSBOX_CGROUP_IO};
	nsb_autofree char *s = NULL;
	struct cg_hier *h = NULL;
	double a10, a60, a300;
	uint64_t tot;
	char *line;
	int r;

	NSB_CHECK_ARG(cg);
	NSB_CHECK_ARG(resource >= NSBOX_CGROUP_PRESSURE_CPU && resource <= NSBOX_CGROUP_PRESSURE_IO);
	NSB_CHECK_ARG(full == 0 || full == 1);
	r = cgroup_check_live(cg, "read pressure");
	if (r < 0)
		return r;
	/* PSI lives in every v2 group; on v1 only with cgroup1 PSI enabled. */
	if (cg->v2 >= 0 && cgroup_has_file(&cg->h[cg->v2], files[resource]))
		h = &cg->h[cg->v2];
	else if ((h = hier_of(cg, bits[resource])) && !cgroup_has_file(h, files[resource]))
		h = NULL;
	if (!h)
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "read %s of cgroup %s: no pressure information for this group "
					 "(kernel without PSI, or cgroup v1 without psi_cgroupv1)",
					 files[resource], cg->name);
	r = cgroup_read(cg, h, files[resource], &s);
	if (r < 0)
		return r;
	line = strstr(s, full ? "full " : "some ");
	if (!line || parse_psi_line(line, &a10, &a60, &a300, &tot) < 0)
		return nsb_set_error_msg(full ? -EOPNOTSUPP : -EIO, "read %s/%s: no \"%s\" line",
					 h->path, files[resource], full ? "full" : "some");
	if (avg10)
		*avg10 = a10;
	if (avg60)
		*avg60 = a60;
	if (avg300)
		*avg300 = a300;
	if (total_us)
		*total_us = tot;
	return 0;
}

/* ---- freeze, kill, destroy ------------------------------------------------------- */

/* The freezer hierarchy: v2's core freezer if covered, else the v1 freezer. */
static struct cg_hier *freezer_of(nsbox_cgroup *cg)
{
	if (cg->v2 >= 0 && cgroup_has_file(&cg->h[cg->v2], "cgroup.freeze"))
		return &cg->h[cg->v2];
	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].version == 1 && (cg->h[i].controllers & NSBOX_CGROUP_FREEZER))
			return &cg->h[i];
	return NULL;
}

static int do_freeze(nsbox_cgroup *cg, bool frozen)
{
	struct cg_hier *h;
	int r;

	NSB_CHECK_ARG(cg);
	r = cgroup_check_live(cg, frozen ? "freeze" : "thaw");
	if (r < 0)
		return r;
	h = freezer_of(cg);
	if (!h)
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "%s cgroup %s: no freezer (neither a cgroup v2 group nor the v1 "
					 "freezer controller is covered)",
					 frozen ? "freeze" : "thaw", cg->name);
	return ops_of(h)->freeze(cg, h, frozen);
}

NSB_EXPORT int nsbox_cgroup_freeze(nsbox_cgroup *cg)
{
	return do_freeze(cg, true);
}

NSB_EXPORT int nsbox_cgroup_thaw(nsbox_cgroup *cg)
{
	return do_freeze(cg, false);
}

static bool pid_in(const struct pidvec *pv, pid_t p)
{
	return pv->n && bsearch(&p, pv->v, pv->n, sizeof(pid_t), cmp_pid) != NULL;
}

/*
 * Wait until every pidfd in fds[0..n) is readable (its process has exited,
 * and so has left its cgroups), or the deadline passes. Closes them all.
 * Returns true when all exited.
 */
static bool wait_pidfds(int *fds, size_t n, uint64_t deadline)
{
	struct pollfd *p = calloc(n ? n : 1, sizeof(*p));
	size_t left = 0;
	bool ok = false;

	if (p) {
		for (size_t i = 0; i < n; i++)
			if (fds[i] >= 0)
				p[left++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
		while (left) {
			uint64_t now = cgroup_now_us();
			size_t w = 0;
			int k;

			if (now >= deadline)
				break;
			k = poll(p, left, (int)((deadline - now + 999) / 1000));
			if (k < 0 && errno != EINTR)
				break;
			for (size_t i = 0; i < left; i++)
				if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)))
					p[w++] = p[i];
			left = w;
		}
		ok = left == 0;
		free(p);
	}
	for (size_t i = 0; i < n; i++)
		NSB_CLOSE(fds[i]);
	return ok;
}

/*
 * Kill everything in the group tree and wait until it is empty, within the
 * timeout. gone_ok: a group removed from under us counts as empty.
 *
 * With a v2 group that has cgroup.kill, the kernel does it atomically
 * (forks included), and only tasks that sit in the v1 groups alone are
 * signalled by pid. Otherwise: freeze (v1 freezer, if covered) so nothing
 * forks meanwhile, SIGKILL every pid, thaw, and repeat until empty. Each
 * round waits on pidfds of the tasks it saw, so no time is spent sleeping
 * while they exit; without pidfds it polls with a backoff.
 */
static int kill_all(nsbox_cgroup *cg, bool gone_ok, bool confirm, const char *what,
		    uint64_t deadline)
{
	/* Without confirm (destroy, which checks by rmdir: EBUSY while tasks
	 * remain in any hierarchy), the first round reads one hierarchy only:
	 * the v2 group if covered, else the first v1 one. */
	struct cg_hier *quick = NULL;

	if (!confirm) {
		if (cg->v2 >= 0 && cg->h[cg->v2].dfd >= 0)
			quick = &cg->h[cg->v2];
		for (size_t i = 0; i < cg->nh && !quick; i++)
			if (cg->h[i].dfd >= 0)
				quick = &cg->h[i];
		if (!quick)
			return 0; /* every hierarchy removed already (a retried destroy) */
	}
	struct cg_hier *v2 = cg->v2 >= 0 ? &cg->h[cg->v2] : NULL;
	struct cg_hier *fz = NULL;
	bool have_kill = v2 && cgroup_has_file(v2, "cgroup.kill");
	unsigned round = 0;
	int r;

	for (size_t i = 0; i < cg->nh; i++)
		if (cg->h[i].version == 1 && (cg->h[i].controllers & NSBOX_CGROUP_FREEZER))
			fz = &cg->h[i];
	for (;;) {
		struct pidvec all = {0}, in_v2 = {0};
		int *fds = NULL;
		size_t nfds = 0;
		bool waited = false;

		r = collect_pids(cg, quick, !quick, &all, what);
		quick = NULL;
		if (r == 0 && have_kill && all.n) {
			r = pidvec_add_tree(&in_v2, v2->dfd, 0);
			if (r < 0)
				r = r == -ENOENT ? explain_enoent(cg, v2, "cgroup.procs", what)
						 : nsb_set_error(r, "%s: read %s", what, v2->path);
			pidvec_uniq(&in_v2);
		}
		if (r < 0 || all.n == 0) {
			free(all.v);
			free(in_v2.v);
			return r == -ENOENT && gone_ok ? 0 : r;
		}
		if (pid_in(&all, getpid())) {
			free(all.v);
			free(in_v2.v);
			return nsb_set_error_msg(-EDEADLK,
						 "%s cgroup %s: the calling process %d is in the group; "
						 "move it out first",
						 what, cg->name, (int)getpid());
		}
		if (fz)
			(void)nsb_write_string_at(fz->dfd, "freezer.state", "FROZEN");
		fds = malloc(all.n * sizeof(int));
		if (fds)
			for (size_t i = 0; i < all.n; i++) {
				fds[i] = nsb_sys_pidfd_open(all.v[i], 0);
				if (fds[i] >= 0 || fds[i] == -ESRCH)
					nfds++;
			}
		if (have_kill && in_v2.n) {
			r = nsb_write_string_at(v2->dfd, "cgroup.kill", "1");
			if (r < 0 && !(r == -ENOENT && gone_ok)) {
				if (fz)
					(void)nsb_write_string_at(fz->dfd, "freezer.state", "THAWED");
				if (fds)
					(void)wait_pidfds(fds, all.n, 0);
				free(fds);
				free(all.v);
				free(in_v2.v);
				return nsb_set_error(r, "%s cgroup %s: write %s/cgroup.kill", what,
						     cg->name, v2->path);
			}
		}
		for (size_t i = 0; i < all.n; i++) {
			if (pid_in(&in_v2, all.v[i]))
				continue;
			if (fds && fds[i] >= 0)
				(void)nsb_sys_pidfd_send_signal(fds[i], SIGKILL, 0);
			else if (!fds || fds[i] != -ESRCH)
				(void)kill(all.v[i], SIGKILL);
		}
		if (fz)
			(void)nsb_write_string_at(fz->dfd, "freezer.state", "THAWED");
		if (fds) {
			/* Every task had a pidfd (or was gone): wait for them exactly. */
			if (nfds == all.n)
				waited = wait_pidfds(fds, all.n, deadline);
			else
				(void)wait_pidfds(fds, all.n, 0);
			free(fds);
		}
		free(all.v);
		free(in_v2.v);
		if (waited) {
			/* destroy confirms by rmdir (EBUSY while tasks remain) */
			if (!confirm)
				return 0;
			if (cgroup_now_us() < deadline)
				continue;
		} else if (cgroup_backoff(deadline, &round)) {
			continue;
		}
		break;
	}
	return nsb_set_error_msg(-EBUSY,
				 "%s cgroup %s: processes remain in the group after %llu ms "
				 "(stuck in the kernel, or frozen by another freezer?)",
				 what, cg->name, (unsigned long long)(cg->timeout_us / 1000));
}

NSB_EXPORT int nsbox_cgroup_kill(nsbox_cgroup *cg)
{
	int r;

	NSB_CHECK_ARG(cg);
	r = cgroup_check_live(cg, "kill");
	if (r < 0)
		return r;
	return kill_all(cg, false, true, "kill", cgroup_now_us() + cg->timeout_us);
}

/* rmdir the subgroups of the directory at dfd (depth first), then nothing else. */
static int rm_subgroups(int dfd, int depth)
{
	nsb_autoclosedir DIR *d = NULL;
	struct dirent *de;
	int fd, r = 0;

	fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return NSB_NEG_ERRNO();
	d = fdopendir(fd);
	if (!d) {
		r = NSB_NEG_ERRNO();
		(void)close(fd);
		return r;
	}
	while ((de = readdir(d))) {
		nsb_autoclose int cfd = -EBADF;
		if (de->d_type != DT_DIR || de->d_name[0] == '.' || depth > 64)
			continue;
		cfd = openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cfd < 0)
			continue;
		(void)rm_subgroups(cfd, depth + 1);
		if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
			r = NSB_NEG_ERRNO();
	}
	return r;
}

/* kill_first: kill what is in the group before the first rmdir (which
 * also refuses a group holding the caller before anything is removed);
 * without, the first rmdir is the check (EBUSY while tasks remain). */
static int destroy(nsbox_cgroup *cg, bool kill_first)
{
	uint64_t deadline;
	int r;

	NSB_CHECK_ARG(cg);
	r = check_owner(cg);
	if (r < 0)
		return r;
	if (cg->state == CG_DESTROYED)
		return nsb_set_error_msg(-ENOENT, "destroy cgroup %s: destroyed already", cg->name);
	if (cg->state == CG_NEW)
		return nsb_set_error_msg(-EINVAL, "destroy cgroup %s: not created or opened yet",
					 cg->name);
	/* One bound for the whole destroy: killing and removing share it. */
	deadline = cgroup_now_us() + cg->timeout_us;
	if (kill_first) {
		r = kill_all(cg, true, false, "destroy", deadline);
		if (r < 0)
			return r;
	}
	/* Children first, then the group, in every hierarchy (v1 first, v2 last). */
	for (int pass = 1; pass <= 2; pass++)
		for (size_t i = 0; i < cg->nh; i++) {
			struct cg_hier *h = &cg->h[i];
			unsigned round = 0;

			if (h->dfd < 0 || h->version != pass)
				continue;
			for (;;) {
				if (rmdir(h->path) == 0 || errno == ENOENT)
					break;
				r = NSB_NEG_ERRNO();
				/* Busy: subgroups (children first), or tasks forked meanwhile. */
				if (r == -EBUSY || r == -ENOTEMPTY) {
					(void)rm_subgroups(h->dfd, 0);
					if (rmdir(h->path) == 0 || errno == ENOENT)
						break;
					r = NSB_NEG_ERRNO();
				}
				if (r == -EBUSY) {
					int q = kill_all(cg, true, true, "destroy", deadline);
					if (q < 0)
						return q;
				}
				if (r != -EBUSY && r != -ENOTEMPTY)
					return nsb_set_error(r, "destroy cgroup %s: rmdir %s", cg->name,
							     h->path);
				if (!cgroup_backoff(deadline, &round))
					return nsb_set_error(r,
							     "destroy cgroup %s: rmdir %s: still busy "
							     "after %llu ms",
							     cg->name, h->path,
							     (unsigned long long)(cg->timeout_us / 1000));
			}
			NSB_CLOSE(h->dfd);
			/* Intermediate groups this handle made: best effort, innermost first. */
			for (size_t n = nsb_strv_length(h->created); n-- > 0;)
				if (strcmp(h->created[n], h->path) != 0)
					(void)rmdir(h->created[n]);
		}
	cg->state = CG_DESTROYED;
	return 0;
}

NSB_EXPORT int nsbox_cgroup_destroy(nsbox_cgroup *cg)
{
	return destroy(cg, true);
}

int nsb_cgroup_destroy_emptied(nsbox_cgroup *cg)
{
	return destroy(cg, false);
}
