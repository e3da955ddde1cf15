/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Issue 7: where the four modules meet. A container takes its root from a
 * layer set, joins a cgroup and gets a veth on a bridge, all prepared by the
 * parent around the clone (see container-internal.h for the start):
 *
 * - Layers. The setter copies the set's description (nsb_layerset_describe).
 *   At start, right after the clone, the parent builds the overlay as a
 *   DETACHED mount (fsopen/fsconfig lowerdir+/fsmount) while the child makes
 *   its network namespace, and hands the fd over with "go on"; the child
 *   move_mount()s it over "/" of its own mount namespace and pivot_root()s
 *   to it: the overlay never shows in the host's mount table and goes away
 *   with the container. Decision: no mount point directory is used at all
 *   (not the layer's merged directory, not a root directory): nothing is
 *   created on the host for a start, there is no path to the mount point
 *   that a user namespace's root might not be allowed to walk, and a plain
 *   layer set (without a merged directory) needs nothing more. A root
 *   directory set together with layers is refused at start.
 * - Cgroup. The setter copies the group's directory in every hierarchy. On
 *   a cgroup2 hierarchy (pure v2, and the unified one of a hybrid layout)
 *   the child is born in the group with clone3(CLONE_INTO_CGROUP). For each
 *   v1 hierarchy the parent opens the group's "tasks" file before the clone
 *   and the child, first thing (after making its network namespace when it
 *   makes one), before it waits for "go on", writes "0"
 *   (itself) into it: the kernel moves a task that moves itself without
 *   taking the threadgroup lock for writing, whereas a pid written into
 *   cgroup.procs by the parent costs an RCU grace period (10 to 20 ms here).
 *   The child runs no code of the caller's and nothing of the container
 *   before that. The child unshares its cgroup namespace only after "go on",
 *   so the namespace is rooted at the group. A handle given before it was
 *   created is copied (its recipe) and the start makes the group: its
 *   cgroup2 part before the clone, its v1 part right after it, whose
 *   "tasks" fds then come with "go on" and are joined first thing after it;
 *   the container's wait removes that group once the process is reaped.
 * - Network. The host side right after the clone, while the child makes its
 *   network namespace (the caller's netns, or the one given): bridge made if
 *   missing (and up). Then a parent step: a veth whose host end
 *   "nsbx<pid in hex>" joins the bridge and whose other end is born in the
 *   child's netns under its final name; then, in the child's netns, the
 *   address, link up, loopback up and the default route. A failure deletes
 *   the veth and a bridge this start made. On success the veth pair lives as
 *   long as the container's netns: the kernel deletes both ends with it.
 *
 * A failed start leaves nothing: the child is killed and reaped (so its
 * cgroup membership and its mount namespace with the overlay are gone),
 * the veth and a new bridge are deleted, the overlay fd is closed.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nsbox/cgroup.h>
#include <nsbox/layerset.h>
#include <nsbox/netlink.h>

#include "container-internal.h"
#include "error.h"
#include "macro.h"
#include "netlink-internal.h"
#include "system.h"
#include "util.h"

void nsb_container_integrate_init(nsbox_container *c)
{
	c->cgroup.v2 = -1;
	c->net.host_nsfd = -1;
	c->start_cgroup_fd = -1;
	c->start_scratch_fd = -1;
	c->start_n_v1 = 0;
	c->layer_hold_fd = -1;
}

static void close_v1_fds(nsbox_container *c)
{
	for (size_t i = 0; i < c->start_n_v1; i++)
		NSB_CLOSE(c->start_v1_fd[i]);
	c->start_n_v1 = 0;
}

static void net_clear(nsbox_container *c)
{
	free(c->net.bridge);
	free(c->net.cidr);
	free(c->net.gateway);
	c->net.bridge = c->net.cidr = c->net.gateway = NULL;
}

void nsb_container_integrate_free(nsbox_container *c)
{
	nsb_container_integrate_undo(c);
	if (c->has_layers)
		nsb_layerset_desc_done(&c->layers);
	if (c->has_cgroup)
		nsb_cgroup_desc_done(&c->cgroup);
	/* A group the start made outlives a container left running
	 * (keep_running); else it is gone with the process. */
	if (c->own_cgroup_live && c->reaped)
		(void)nsb_container_integrate_reaped(c);
	nsbox_cgroup_free(c->own_cgroup);
	for (size_t i = 0; i < c->nfiles; i++) {
		free(c->files[i].path);
		free(c->files[i].content);
	}
	free(c->files);
	c->files = NULL;
	c->nfiles = 0;
	net_clear(c);
	free(c->net.ifname);
	NSB_CLOSE(c->net.host_nsfd);
}

/* ---- setters -------------------------------------------------------- */

NSB_EXPORT int nsbox_container_set_layers(nsbox_container *c, const nsbox_layerset *ls)
{
	struct nsb_layerset_desc d;
	int r;

	CHECK_CONFIG(c);
	if (!ls) {
		if (c->has_layers)
			nsb_layerset_desc_done(&c->layers);
		c->has_layers = false;
		return 0;
	}
	memset(&d, 0, sizeof(d));
	r = nsb_layerset_describe(ls, &d);
	if (r < 0)
		return nsb_prefix_error(r, "set layers");
	if (d.n_lowers == 0) {
		nsb_layerset_desc_done(&d);
		return nsb_set_error_msg(-EINVAL, "set layers: the layer set has no lower layer");
	}
	if (d.n_lowers > NSBOX_LAYERSET_MAX_LAYERS) {
		size_t n = d.n_lowers;
		nsb_layerset_desc_done(&d);
		return nsb_set_error_msg(-E2BIG,
					 "set layers: %zu lower layers, but overlayfs stacks at most %d",
					 n, NSBOX_LAYERSET_MAX_LAYERS);
	}
	if (c->has_layers)
		nsb_layerset_desc_done(&c->layers);
	c->layers = d;
	c->has_layers = true;
	return 0;
}

NSB_EXPORT int nsbox_container_set_layers_volatile(nsbox_container *c, int enabled)
{
	CHECK_CONFIG(c);
	c->layers_volatile = enabled != 0;
	return 0;
}

/* Smallest ephemeral layer: one page for the tmpfs, which also holds the
 * overlay's work directory. */
#define EPHEMERAL_MIN_SIZE 4096
/* Files nsbox_container_add_file() keeps for one container. */
#define NSB_MAX_FILES 256

NSB_EXPORT int nsbox_container_set_layers_ephemeral(nsbox_container *c, uint64_t size_bytes)
{
	CHECK_CONFIG(c);
	if (size_bytes != 0 && size_bytes != NSBOX_UNLIMITED && size_bytes < EPHEMERAL_MIN_SIZE)
		return nsb_set_error_msg(-EINVAL,
					 "set ephemeral layer: size %" PRIu64
					 " bytes is below one page (%d bytes)",
					 size_bytes, EPHEMERAL_MIN_SIZE);
	if (size_bytes != 0 && c->has_layers && c->layers.upper)
		return nsb_set_error_msg(-EINVAL,
					 "set ephemeral layer: the layer set already has a writable "
					 "layer (%s); use a read-only set "
					 "(NSBOX_LAYERSET_READ_ONLY)",
					 c->layers.upper);
	c->ephemeral_size = size_bytes;
	return 0;
}

NSB_EXPORT int nsbox_container_add_file(nsbox_container *c, const char *path, const char *content,
					uint32_t mode)
{
	struct nsb_container_file *f = NULL;
	nsb_autofree char *p = NULL, *data = NULL;
	size_t len;

	CHECK_CONFIG(c);
	NSB_CHECK_ARG(path);
	NSB_CHECK_ARG(content);
	if (!nsb_abspath_is_clean(path) || strcmp(path, "/") == 0 || strstr(path, "//") ||
	    strstr(path, "/./") || path[strlen(path) - 1] == '/' ||
	    (strlen(path) >= 2 && strcmp(path + strlen(path) - 2, "/.") == 0))
		return nsb_set_error_msg(-EINVAL,
					 "add file \"%s\": not a clean absolute file path (no "
					 "\"..\", \".\", \"//\" or trailing '/')",
					 path);
	if (mode & ~(uint32_t)07777)
		return nsb_set_error_msg(-EINVAL,
					 "add file %s: mode %#o has bits beyond the permissions "
					 "(07777)",
					 path, (unsigned)mode);
	len = strlen(content);
	if (!(p = strdup(path)) || !(data = strdup(content)))
		return nsb_oom();
	/* The same path again replaces the earlier content. */
	for (size_t i = 0; i < c->nfiles; i++)
		if (strcmp(c->files[i].path, path) == 0) {
			f = &c->files[i];
			break;
		}
	if (!f) {
		if (c->nfiles >= NSB_MAX_FILES)
			return nsb_set_error_msg(-E2BIG, "add file %s: at most %d files", path,
						 NSB_MAX_FILES);
		f = realloc(c->files, (c->nfiles + 1) * sizeof(*f));
		if (!f)
			return nsb_oom();
		c->files = f;
		f = &c->files[c->nfiles++];
		f->path = NSB_STEAL_PTR(p);
	} else {
		free(f->content);
	}
	f->content = NSB_STEAL_PTR(data);
	f->len = len;
	f->mode = mode;
	return 0;
}

NSB_EXPORT int nsbox_container_set_cgroup(nsbox_container *c, const nsbox_cgroup *cg)
{
	struct nsb_cgroup_desc d;
	nsbox_cgroup *own = NULL;
	int r;

	CHECK_CONFIG(c);
	memset(&d, 0, sizeof(d));
	d.v2 = -1;
	if (cg && nsb_cgroup_is_new(cg)) {
		/* Not created yet: the start makes it (a copy of the recipe). */
		r = nsb_cgroup_copy_new(cg, &own);
		if (r < 0)
			return nsb_prefix_error(r, "set cgroup");
	} else if (cg) {
		r = nsb_cgroup_describe(cg, &d);
		if (r < 0)
			return nsb_prefix_error(r, "set cgroup");
		if (d.n == 0) {
			nsb_cgroup_desc_done(&d);
			return nsb_set_error_msg(-EINVAL, "set cgroup: the group covers no hierarchy");
		}
	}
	if (c->has_cgroup)
		nsb_cgroup_desc_done(&c->cgroup);
	nsbox_cgroup_free(c->own_cgroup);
	c->own_cgroup = own;
	c->cgroup = d;
	c->has_cgroup = cg && !own;
	return 0;
}

NSB_EXPORT int nsbox_container_set_network(nsbox_container *c, const char *bridge,
					   const char *cidr, const char *gateway)
{
	struct nsb_nl_ip ip, gw;
	char *b = NULL, *a = NULL, *g = NULL;

	CHECK_CONFIG(c);
	if (!bridge) {
		net_clear(c);
		return 0;
	}
	if (!nsb_nl_name_ok(bridge))
		return nsb_set_error_msg(-EINVAL,
					 "set network: bridge \"%s\": invalid interface name (1 to 15 "
					 "bytes, no '/', ':' or whitespace)",
					 bridge);
	if (!cidr || nsb_nl_parse_ip(cidr, true, &ip) < 0)
		return nsb_set_error_msg(-EINVAL, "set network: address \"%s\" is not ADDR/PREFIX",
					 cidr ? cidr : "(null)");
	if (gateway) {
		if (nsb_nl_parse_ip(gateway, false, &gw) < 0)
			return nsb_set_error_msg(-EINVAL,
						 "set network: gateway \"%s\" is not an address",
						 gateway);
		if (gw.family != ip.family)
			return nsb_set_error_msg(-EINVAL,
						 "set network: gateway %s and address %s are of "
						 "different families",
						 gateway, cidr);
	}
	if (!(b = strdup(bridge)) || !(a = strdup(cidr)) || (gateway && !(g = strdup(gateway)))) {
		free(b);
		free(a);
		return nsb_oom();
	}
	net_clear(c);
	c->net.bridge = b;
	c->net.cidr = a;
	c->net.gateway = g;
	return 0;
}

NSB_EXPORT int nsbox_container_set_network_ifname(nsbox_container *c, const char *name)
{
	char *copy = NULL;

	CHECK_CONFIG(c);
	if (name && !nsb_nl_name_ok(name))
		return nsb_set_error_msg(-EINVAL,
					 "set network interface name \"%s\": invalid interface name "
					 "(1 to 15 bytes, no '/', ':' or whitespace)",
					 name);
	if (name && strcmp(name, "lo") == 0)
		return nsb_set_error_msg(-EINVAL,
					 "set network interface name: \"lo\" is the loopback device");
	if (name && !(copy = strdup(name)))
		return nsb_oom();
	free(c->net.ifname);
	c->net.ifname = copy;
	return 0;
}

NSB_EXPORT int nsbox_container_set_network_host(nsbox_container *c, int netns_fd)
{
	int fd = -1, r;

	CHECK_CONFIG(c);
	if (netns_fd != -1) {
		if (netns_fd < 0)
			return nsb_set_error_msg(-EBADF, "set network host: fd %d", netns_fd);
		if (fcntl(netns_fd, F_GETFD) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "set network host: fd %d", netns_fd);
		r = nsb_nl_check_nsfd(netns_fd, "set network host");
		if (r < 0)
			return r;
		fd = nsb_fd_dup_cloexec(netns_fd);
		if (fd < 0)
			return nsb_set_error(fd, "set network host: dup fd %d", netns_fd);
	}
	NSB_CLOSE(c->net.host_nsfd);
	c->net.host_nsfd = fd;
	return 0;
}

/* ---- start ---------------------------------------------------------- */

static const char *ifname_of(const nsbox_container *c)
{
	return c->net.ifname ? c->net.ifname : "eth0";
}

/* mkdir -p of path's parents beneath dfd (a fresh tmpfs: no symlinks). */
static int mkdir_parents_at(int dfd, const char *path)
{
	char buf[PATH_MAX];
	char *s;

	snprintf(buf, sizeof(buf), "%s", path);
	for (s = strchr(buf + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdirat(dfd, buf, 0755) < 0 && errno != EEXIST)
			return NSB_NEG_ERRNO();
		*s = '/';
	}
	return 0;
}

/*
 * The ephemeral writable layer: a tmpfs made as a detached mount (never in
 * any mount table), with upper/, work/ and, for the added files, init/
 * (the top lower). overlayfs is given them as /proc/self/fd/<N>/... and
 * keeps its own private references to the tmpfs: the tmpfs lives exactly as
 * long as the overlay, i.e. as the container's mount namespace. The mount
 * fd is not closed here: closing a detached mount unmounts it, and every
 * unmount waits for an RCU grace period (about 0.1 ms). The child instead
 * attaches the tmpfs on the old root's /proc in its own mount namespace,
 * before the overlay goes over /, so it goes with the old root in the one
 * umount2(MNT_DETACH) the pivot_root needs anyway; the parent's copy is
 * closed after the start.
 */
static int mount_ephemeral(nsbox_container *c, int *out_fd)
{
	static const char what[] = "start container: ephemeral layer";
	nsb_autoclose int fsfd = -EBADF, mfd = -EBADF, initfd = -EBADF;
	struct nsb_layerset_desc d;
	char upper[64], work[64], init[64];
	char **lowers = NULL;
	int r;

	fsfd = nsb_sys_fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return nsb_set_error(fsfd == -ENOSYS ? -EOPNOTSUPP : fsfd, "%s: fsopen tmpfs",
				     what);
	if (c->ephemeral_size != NSBOX_UNLIMITED) {
		char size[32];
		snprintf(size, sizeof(size), "%" PRIu64, c->ephemeral_size);
		r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "size", size, 0);
		if (r < 0)
			return nsb_set_error(r, "%s: tmpfs size=%s", what, size);
	}
	r = nsb_sys_fsconfig(fsfd, FSCONFIG_SET_STRING, "mode", "0755", 0);
	if (r >= 0)
		r = nsb_sys_fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	if (r < 0)
		return nsb_set_error(r, "%s: create tmpfs", what);
	mfd = nsb_sys_fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return nsb_set_error(mfd, "%s: fsmount tmpfs", what);
	if (mkdirat(mfd, "upper", 0755) < 0 || mkdirat(mfd, "work", 0700) < 0)
		return nsb_set_error(NSB_NEG_ERRNO(), "%s: make upper and work directories",
				     what);
	if (c->nfiles > 0) {
		if (mkdirat(mfd, "init", 0755) < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "%s: make init directory", what);
		initfd = openat(mfd, "init", O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (initfd < 0)
			return nsb_set_error(NSB_NEG_ERRNO(), "%s: open init directory", what);
		for (size_t i = 0; i < c->nfiles; i++) {
			const struct nsb_container_file *f = &c->files[i];
			const char *rel = f->path + 1; /* clean and absolute: one leading '/' */
			r = mkdir_parents_at(initfd, rel);
			if (r >= 0)
				r = nsb_create_file_at(initfd, rel, f->content, f->len,
						       (mode_t)f->mode, false);
			if (r < 0)
				return nsb_set_error(r, "%s: add file %s%s", what, f->path,
						     r == -ENOSPC ? " (the layer is too small)"
						     : r == -EEXIST || r == -ENOTDIR
							     ? " (clashes with another added file)"
							     : "");
		}
	}
	snprintf(upper, sizeof(upper), "/proc/self/fd/%d/upper", mfd);
	snprintf(work, sizeof(work), "/proc/self/fd/%d/work", mfd);
	snprintf(init, sizeof(init), "/proc/self/fd/%d/init", mfd);
	/* The copied description, borrowed, with init on top and the tmpfs's
	 * upper and work. */
	lowers = calloc(c->layers.n_lowers + 2, sizeof(char *));
	if (!lowers)
		return nsb_oom();
	d = c->layers;
	d.n_lowers = 0;
	if (c->nfiles > 0)
		lowers[d.n_lowers++] = init;
	for (size_t i = 0; i < c->layers.n_lowers; i++)
		lowers[d.n_lowers++] = c->layers.lowers[i];
	d.lowers = lowers;
	d.upper = upper;
	d.work = work;
	/* volatile: nothing of a tmpfs is worth syncing */
	r = nsb_layerset_mount_desc_detached(&d, true, out_fd);
	free(lowers);
	if (r < 0)
		return nsb_prefix_error(r, "start container: ephemeral layer");
	/* Kept open for the child, which attaches it on the old root (above). */
	c->start_scratch_fd = NSB_STEAL_FD(mfd);
	return 0;
}

static int prepare_layers(nsbox_container *c)
{
	int r;

	if (c->nfiles > 0 && (!c->has_layers || c->ephemeral_size == 0))
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "start container: added files (%s) need an ephemeral layered "
					 "root (nsbox_container_set_layers_ephemeral)",
					 c->files[0].path);
	if (c->ephemeral_size != 0 && !c->has_layers)
		return nsb_set_error_msg(-EINVAL, "start container: an ephemeral writable layer "
						  "needs layers (nsbox_container_set_layers)");
	if (!c->has_layers)
		return 0;
	if (c->ephemeral_size != 0 && c->layers.upper)
		return nsb_set_error_msg(-EINVAL,
					 "start container: the layer set already has a writable "
					 "layer (%s), and an ephemeral one is set; use a read-only "
					 "set (NSBOX_LAYERSET_READ_ONLY)",
					 c->layers.upper);
	if (!(c->ns & NSBOX_NS_MOUNT))
		return nsb_set_error_msg(-EINVAL,
					 "start container: a layered root needs a mount namespace");
	if (c->root)
		return nsb_set_error_msg(-EINVAL,
					 "start container: both a root directory (%s) and layers are "
					 "set; a layered root needs no directory",
					 c->root);
	/* No mount point: the child stacks the overlay over its own view of /. */
	if (!(c->start_root = strdup("/")))
		return nsb_oom();
	/* Until the container is reaped, its store layers cannot be removed. */
	r = nsb_ls_hold_layer(&c->layers);
	if (r < 0 && r != -EBADF)
		return nsb_prefix_error(r, "start container");
	c->layer_hold_fd = r;
	/* The mounts are made right after the clone (integrate_after_clone). */
	(void)nsb_container_set_root_mount_fd(c, -1);
	c->start_root_fd = true;
	return 0;
}

/* v1: the child writes itself into each "tasks" file (see
 * container-child.c); the parent opens them, so a removed group is found
 * before the child goes on. */
static int open_v1_tasks(nsbox_container *c)
{
	const struct nsb_cgroup_desc *d = &c->cgroup;
	int fd;

	for (size_t i = 0; i < d->n; i++) {
		char path[PATH_MAX];
		if (d->h[i].version != 1)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/tasks", d->h[i].path) >= sizeof(path))
			return nsb_set_error_msg(-ENAMETOOLONG, "cgroup %s: path too long",
						 d->h[i].path);
		fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			int r = NSB_NEG_ERRNO();
			if (r == -ENOENT)
				return nsb_set_error_msg(r,
							 "start container: cgroup %s: %s was "
							 "removed",
							 d->name, d->h[i].path);
			return nsb_set_error(r, "start container: cgroup %s: open %s", d->name,
					     path);
		}
		c->start_v1_fd[c->start_n_v1++] = fd;
	}
	return 0;
}

/* The prefix length of cidr ("172.17.0.11/16" -> "/16"), for the bridge's address. */
static const char *prefix_of(const char *cidr)
{
	const char *s = strchr(cidr, '/');
	return s ? s : "";
}

static int setup_bridge(nsbox_container *c, nsbox_netlink *nl, bool retried)
{
	struct nsb_nl_link link;
	int r;

	r = nsb_nl_link_get(nl, c->net.bridge, &link);
	if (r == 0) {
		if (strcmp(link.kind, "bridge") != 0)
			return nsb_set_error_msg(-EEXIST,
						 "bridge %s: a link of that name exists and is not a "
						 "bridge (%s)",
						 c->net.bridge, link.kind[0] ? link.kind : "no kind");
		if (!(link.flags & IFF_UP))
			return nsbox_netlink_set_up(nl, c->net.bridge);
		return 0;
	}
	if (r != -ENODEV)
		return nsb_nl_fail(nl, r, "find bridge %s", c->net.bridge);
	r = nsbox_netlink_add_bridge(nl, c->net.bridge);
	if (r == -EEXIST && !retried) /* made by someone else just now */
		return setup_bridge(c, nl, true);
	if (r < 0)
		return r;
	c->start_bridge_made = true;
	if (c->net.gateway) {
		/* Docker's way: a new bridge holds the gateway address. */
		char addr[80];
		snprintf(addr, sizeof(addr), "%s%s", c->net.gateway, prefix_of(c->net.cidr));
		r = nsbox_netlink_add_addr(nl, c->net.bridge, addr, 0);
		if (r < 0)
			return r;
	}
	return nsbox_netlink_set_up(nl, c->net.bridge);
}

/* The host side of the network, which needs nothing of the child: the
 * handle on the host namespace (the first one loads libmnl) and the bridge.
 * Done right after the clone, while the child makes its namespace. */
static int setup_network_host(nsbox_container *c)
{
	nsbox_netlink *host = NULL;
	int r;

	r = c->net.host_nsfd >= 0 ? nsbox_netlink_new_nsfd(&host, c->net.host_nsfd)
				  : nsbox_netlink_new(&host);
	if (r < 0)
		return nsb_prefix_error(r, "network: host namespace");
	c->start_host_nl = host;
	r = setup_bridge(c, host, false);
	if (r < 0)
		return nsb_prefix_error(r, "network");
	return 0;
}

/*
 * Right after the clone, while the child makes its network namespace (on
 * the other CPU, when one is idle; see start() in container.c): the
 * layered root's mounts, the overlay (and the ephemeral layer's tmpfs) as
 * detached mounts, and the v1 part of a group the start makes, with its
 * "tasks" fds; all go to the child with "go on". The layers were checked
 * and held before the clone. Then a network's host side: the host
 * namespace's handle and the bridge.
 */
int nsb_container_integrate_after_clone(nsbox_container *c)
{
	int fd = -1, r;

	if (c->start_root_fd && c->root_mount_fd < 0) {
		if (c->ephemeral_size != 0) {
			r = mount_ephemeral(c, &fd);
			if (r < 0)
				return r;
		} else {
			r = nsb_layerset_mount_desc_detached(&c->layers, c->layers_volatile, &fd);
			if (r < 0)
				return nsb_prefix_error(r, "start container");
		}
		(void)nsb_container_set_root_mount_fd(c, fd);
	}
	/* The v1 part of a group the start makes; the child joins it after
	 * "go on", which brings the "tasks" fds. */
	if (c->start_cgroup_late) {
		r = nsb_cgroup_create_finish(c->own_cgroup);
		if (r < 0)
			return nsb_prefix_error(r, "start container");
		r = open_v1_tasks(c);
		if (r < 0)
			return r;
	}
	/* The network's host side; the veth waits for the child's namespace. */
	if (c->net.bridge)
		return setup_network_host(c);
	return 0;
}

/*
 * A group given before it was created is made here: its cgroup2 part now
 * (the child is born there), its v1 part right after the clone, while the
 * child makes its network namespace (nsb_container_integrate_after_clone).
 */
static int prepare_cgroup(nsbox_container *c)
{
	const struct nsb_cgroup_desc *d = &c->cgroup;
	int fd, r;

	if (c->own_cgroup) {
		r = nsb_cgroup_create_begin(c->own_cgroup);
		if (r < 0)
			return nsb_prefix_error(r, "start container");
		c->start_cgroup_late = true;
		r = nsb_cgroup_describe(c->own_cgroup, &c->cgroup);
		if (r < 0)
			return nsb_prefix_error(r, "start container");
		c->has_cgroup = true;
	}
	if (!c->has_cgroup)
		return 0;
	if (!c->start_cgroup_late) {
		r = open_v1_tasks(c);
		if (r < 0)
			return r;
	}
	if (d->v2 < 0)
		return 0;
	/* A group made just now: its handle holds the directory open already. */
	if (c->own_cgroup && cgroup_v2_dfd(c->own_cgroup) >= 0)
		fd = fcntl(cgroup_v2_dfd(c->own_cgroup), F_DUPFD_CLOEXEC, 3);
	else
		fd = open(d->h[d->v2].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		r = NSB_NEG_ERRNO();
		if (r == -ENOENT)
			return nsb_set_error_msg(r, "start container: cgroup %s: %s was removed",
						 d->name, d->h[d->v2].path);
		return nsb_set_error(r, "start container: cgroup %s: open %s", d->name,
				     d->h[d->v2].path);
	}
	c->start_cgroup_fd = fd;
	return 0;
}

int nsb_container_integrate_prepare(nsbox_container *c)
{
	int r;

	c->start_v2_joined = false;
	c->start_veth[0] = '\0';
	c->start_bridge_made = false;
	if (c->net.bridge && !(c->ns & NSBOX_NS_NET))
		return nsb_set_error_msg(-EINVAL, "start container: a network needs a network "
						  "namespace");
	r = prepare_layers(c);
	if (r >= 0)
		r = prepare_cgroup(c);
	if (r < 0)
		nsb_container_integrate_undo(c);
	return r;
}

/* The v2 group, when clone3 could not put the child there (older kernels:
 * the clone(2) fallback). The v1 groups are joined by the child itself. */
static int attach_cgroup(nsbox_container *c, pid_t pid)
{
	const struct nsb_cgroup_desc *d = &c->cgroup;
	char buf[24], path[PATH_MAX];
	int r;

	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < d->n; i++) {
		if (d->h[i].version == 1 || c->start_v2_joined)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", d->h[i].path) >=
		    sizeof(path))
			return nsb_set_error_msg(-ENAMETOOLONG, "cgroup %s: path too long",
						 d->h[i].path);
		r = nsb_write_string_at(AT_FDCWD, path, buf);
		if (r == 0)
			continue;
		if (r == -ENOENT)
			return nsb_set_error_msg(r, "attach to cgroup %s: %s was removed", d->name,
						 d->h[i].path);
		if (r == -ENOSPC && (d->h[i].controllers & NSBOX_CGROUP_CPUSET))
			return nsb_set_error(r, "attach to cgroup %s: the cpuset group %s has no "
						"cpus or mems",
					     d->name, d->h[i].path);
		if (r == -EBUSY && d->h[i].version == 2)
			return nsb_set_error(r,
					     "attach to cgroup %s: cgroup v2's no-internal-processes "
					     "rule (%s has controllers enabled for children)",
					     d->name, d->h[i].path);
		return nsb_set_error(r, "attach to cgroup %s: write %s", d->name, path);
	}
	return 0;
}

/* The rest, once the child's namespace exists: the host side is set up
 * already (nsb_container_integrate_after_clone(), right after the clone). */
static int setup_network(nsbox_container *c, pid_t pid)
{
	nsbox_netlink *host = c->start_host_nl, *inside = NULL;
	const char *ifn = ifname_of(c);
	int r;

	/* The host end: unique while the child lives (its pid), retried with a
	 * random suffix when another pid namespace's container took it. Made
	 * on the bridge and up in the same request (the kernel undoes it whole
	 * when the bridge refuses it). */
	snprintf(c->start_veth, sizeof(c->start_veth), "nsbx%x", (unsigned)pid);
	r = nsb_nl_link_add_veth(host, c->start_veth, ifn, NSB_NL_NS_PID, (int)pid, c->net.bridge,
				 NSBOX_NETLINK_VETH_UP);
	for (int i = 0; r == -EEXIST && i < 4 && nsb_nl_link_get(host, c->start_veth,
								    &(struct nsb_nl_link){0}) == 0;
	     i++) {
		uint16_t rnd = 0;
		if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) < 0)
			rnd = (uint16_t)(i + 1);
		snprintf(c->start_veth, sizeof(c->start_veth), "nsbx%xr%x", (unsigned)pid,
			 (unsigned)rnd);
		r = nsb_nl_link_add_veth(host, c->start_veth, ifn, NSB_NL_NS_PID, (int)pid,
					 c->net.bridge, NSBOX_NETLINK_VETH_UP);
	}
	if (r < 0) {
		c->start_veth[0] = '\0';
		return nsb_prefix_error(r, "network");
	}

	r = nsbox_netlink_new_pid(&inside, pid);
	if (r < 0)
		return nsb_prefix_error(r, "network: container namespace");
	r = nsbox_netlink_add_addr(inside, ifn, c->net.cidr, NSBOX_NETLINK_ADDR_NODAD);
	if (r >= 0)
		r = nsbox_netlink_set_up(inside, ifn);
	if (r >= 0)
		r = nsbox_netlink_set_loopback_up(inside);
	if (r >= 0 && c->net.gateway)
		r = nsbox_netlink_add_route(inside, NULL, c->net.gateway, NULL);
	nsbox_netlink_free(inside);
	if (r < 0)
		return nsb_prefix_error(r, "network in container");
	return 0;
}

int nsb_container_integrate_parent(nsbox_container *c, pid_t pid)
{
	int r;

	if (c->has_cgroup) {
		r = attach_cgroup(c, pid);
		if (r < 0)
			return r;
	}
	if (c->net.bridge) {
		r = setup_network(c, pid);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The fds and handle only a start needs, and its record of what it made. */
static void release_start(nsbox_container *c)
{
	c->start_veth[0] = '\0';
	c->start_bridge_made = false;
	nsbox_netlink_free(c->start_host_nl);
	c->start_host_nl = NULL;
	NSB_CLOSE(c->start_cgroup_fd);
	NSB_CLOSE(c->start_scratch_fd); /* after a start: attached in the container */
	close_v1_fds(c);
}

/* Free what only the start needed; the container's own things stay
 * (start_root too: it names the container's root in messages). */
void nsb_container_integrate_done(nsbox_container *c)
{
	release_start(c);
	if (c->start_cgroup_late)
		c->own_cgroup_live = true;
	c->start_cgroup_late = false;
}

int nsb_container_integrate_reaped(nsbox_container *c)
{
	int r;

	if (!c->own_cgroup_live)
		return 0;
	r = nsb_cgroup_destroy_emptied(c->own_cgroup);
	if (r < 0)
		return nsb_prefix_error(r, "remove the container's cgroup");
	c->own_cgroup_live = false;
	return 0;
}

void nsb_container_integrate_undo(nsbox_container *c)
{
	if (c->start_host_nl && (c->start_veth[0] || c->start_bridge_made)) {
		/* Keep the message of the failure that brought us here. */
		char saved[NSB_ERROR_MAX];
		snprintf(saved, sizeof(saved), "%s", nsb_error_get());
		if (c->start_veth[0])
			(void)nsb_nl_link_del(c->start_host_nl, c->start_veth);
		if (c->start_bridge_made)
			(void)nsb_nl_link_del(c->start_host_nl, c->net.bridge);
		(void)nsb_set_error_msg(-EIO, "%s", saved);
	}
	release_start(c);
	/* A group this start made, with no process left in it (the child
	 * was reaped): removed, the handle new again for another start. */
	if (c->start_cgroup_late) {
		nsb_cgroup_create_abort(c->own_cgroup);
		nsb_cgroup_desc_done(&c->cgroup);
		c->has_cgroup = false;
		c->start_cgroup_late = false;
	}
	if (c->start_root_fd) {
		NSB_CLOSE(c->root_mount_fd);
		c->start_root_fd = false;
	}
	NSB_CLOSE(c->layer_hold_fd);
	free(c->start_root);
	c->start_root = NULL;
}
