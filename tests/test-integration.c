/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Check suite for issue 7, where the four modules meet: containers on a
 * layered root (a busybox image in a layer store), in cgroups, on a bridge;
 * and a failed start at each of these steps, after which nothing is left.
 * Everything runs against the real kernel. Tests that touch the network
 * first move the test process into private mount and network namespaces
 * (nsbt_enter_private_ns), which stand in for the host; cgroups are made
 * below the test's own cgroup and named nsbt-integration-*, so the
 * leftover check of nsbt_main() would see them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

#include "container-internal.h"
#include "helpers/nsbt.h"

/* ---- helpers ---------------------------------------------------------- */

static char *rootfs, *storedir;
static nsbox_layer_store *store;
static int cg_counter;

static const char hosts_text[] = "127.0.0.1\tlocalhost\n172.17.0.11\tbox1\n";

/* A store in a temp dir holding the busybox rootfs as image "busybox". */
static void setup_store(void)
{
	char *id = NULL;
	int r;

	if (geteuid() != 0)
		return; /* the tests that need it skip */
	rootfs = nsbt_rootfs_new();
	storedir = nsbt_tmpdir("store");
	ck_assert_int_eq(chmod(storedir, 0755), 0);
	r = nsbox_layer_store_open(&store, storedir, 0);
	ck_assert_msg(r == 0, "store open: %s", nsbox_last_error());
	r = nsbox_layer_store_import_dir(store, "busybox", NULL, rootfs, &id);
	ck_assert_msg(r == 0, "import: %s", nsbox_last_error());
	nsbox_free(id);
}

static void teardown_store(void)
{
	nsbox_layer_store_free(store);
	store = NULL;
	nsbt_rm_tmpdir(storedir);
	nsbt_rm_tmpdir(rootfs);
	storedir = rootfs = NULL;
}

/* A container layer set "<id>" (with "<id>-init") on the image. */
static nsbox_layerset *container_layers(const char *id)
{
	nsbox_layerset *ls = NULL;
	int r = nsbox_layer_store_create_container(store, "busybox", id, hosts_text, "box1\n",
						   "nameserver 172.17.0.1\n", NULL);
	ck_assert_msg(r == 0, "create container layers: %s", nsbox_last_error());
	r = nsbox_layerset_new_from_store(&ls, store, id, 0);
	ck_assert_msg(r == 0, "layer set: %s", nsbox_last_error());
	return ls;
}

static nsbox_container *box_new(void)
{
	nsbox_container *c = NULL;
	ck_assert_int_eq(nsbox_container_new(&c), 0);
	return c;
}

static void box_sh(nsbox_container *c, const char *script)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	ck_assert_int_eq(nsbox_container_set_argv(c, argv), 0);
}

/* Start c with stdout+stderr on a pipe (and stdin from *in_w's pipe when
 * in_w is given); returns the read end. */
static int start_piped(nsbox_container *c, int *in_w)
{
	int out[2], in[2] = {-1, -1}, r;

	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	if (in_w)
		ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(nsbox_container_set_stdio(c, in_w ? in[0] : NSBOX_FD_INHERIT, out[1],
						   out[1]),
			 0);
	close(out[1]);
	if (in_w) {
		close(in[0]);
		*in_w = in[1];
	}
	r = nsbox_container_start(c);
	ck_assert_msg(r == 0, "start: %d %s", r, nsbox_last_error());
	return out[0];
}

/* Run the script in c; check the exit code; return the output. */
static char *run_sh(nsbox_container *c, const char *script, int expect)
{
	int code = -1, sig = -1;
	char *out;

	box_sh(c, script);
	out = nsbt_read_all(start_piped(c, NULL));
	ck_assert_int_eq(nsbox_container_wait(c, &code, &sig), 0);
	ck_assert_msg(code == expect, "exit %d (expected %d), output:\n%s", code, expect, out);
	return out;
}

/* The overlay mounts in the caller's mount table naming the store. */
static int host_overlays(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, " - overlay ") || (storedir && strstr(line, storedir)))
			n++;
	fclose(f);
	return n;
}

static int count_mounts(void)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/* The links of the (private) host namespace, as one string. */
static char *host_links(void)
{
	nsbox_netlink *nl = NULL;
	char **names = NULL, *s = NULL;
	size_t n = 0, len = 0;
	FILE *m;

	ck_assert_int_eq(nsbox_netlink_new(&nl), 0);
	ck_assert_int_eq(nsbox_netlink_list_links(nl, &names, &n), 0);
	m = open_memstream(&s, &len);
	for (size_t i = 0; i < n; i++)
		fprintf(m, "%s ", names[i]);
	fclose(m);
	nsbox_free(names);
	nsbox_netlink_free(nl);
	return s;
}

/* The subdirectories of dir named by this suite (nsbt-integration-*), as
 * one string: others' groups may come and go there meanwhile (the v1
 * groups of this machine's root hierarchies are shared). */
static char *dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char *s = NULL, prefix[64];
	size_t len = 0;
	FILE *m = open_memstream(&s, &len);

	snprintf(prefix, sizeof(prefix), "nsbt-%s-", nsbt_tag());
	if (d) {
		while ((e = readdir(d)))
			if (e->d_type == DT_DIR && !strncmp(e->d_name, prefix, strlen(prefix)))
				fprintf(m, "%s ", e->d_name);
		closedir(d);
	}
	fclose(m);
	return s;
}

/* What a failed start must leave unchanged. */
struct snapshot {
	int mounts;
	char *links;
	char *cg_mem, *cg_pids, *cg_v2; /* subgroups of our own cgroups */
	char *store_layers;
};

static char *own_cgroup_dir(const char *ctrl)
{
	char *mnt = nsbt_cgroup_mount(ctrl), *self = nsbt_cgroup_self(ctrl), *p = NULL;
	if (mnt && self)
		ck_assert_int_ge(asprintf(&p, "%s%s", mnt, self), 0);
	free(mnt);
	free(self);
	return p;
}

static char *cg_listing(const char *ctrl)
{
	char *dir = own_cgroup_dir(ctrl), *s;
	s = dir ? dir_entries(dir) : strdup("");
	free(dir);
	return s;
}

static void snap_take(struct snapshot *s)
{
	char **ids = NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *m;

	s->mounts = count_mounts();
	s->links = host_links();
	s->cg_mem = cg_listing("memory");
	s->cg_pids = cg_listing("pids");
	s->cg_v2 = cg_listing(NULL);
	m = open_memstream(&out, &len);
	if (store && nsbox_layer_store_list(store, &ids) >= 0) {
		for (size_t i = 0; ids[i]; i++)
			fprintf(m, "%s ", ids[i]);
		nsbox_free(ids);
	}
	fclose(m);
	s->store_layers = out;
}

static void snap_check(struct snapshot *s)
{
	struct snapshot now;

	nsbt_assert_no_children();
	snap_take(&now);
	ck_assert_int_eq(now.mounts, s->mounts);
	ck_assert_int_eq(host_overlays(), 0);
	ck_assert_str_eq(now.links, s->links);
	ck_assert_str_eq(now.cg_mem, s->cg_mem);
	ck_assert_str_eq(now.cg_pids, s->cg_pids);
	ck_assert_str_eq(now.cg_v2, s->cg_v2);
	ck_assert_str_eq(now.store_layers, s->store_layers);
	free(now.links);
	free(now.cg_mem);
	free(now.cg_pids);
	free(now.cg_v2);
	free(now.store_layers);
}

static void snap_done(struct snapshot *s)
{
	free(s->links);
	free(s->cg_mem);
	free(s->cg_pids);
	free(s->cg_v2);
	free(s->store_layers);
}

/* A cgroup below our own, named for the leftover check. */
static nsbox_cgroup *cgroup_make(uint32_t ctrls)
{
	nsbox_cgroup *cg = NULL;
	char name[128];
	int r;

	snprintf(name, sizeof(name), "nsbt-%s-%d-%d", nsbt_tag(), (int)getpid(), ++cg_counter);
	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, ctrls), 0);
	r = nsbox_cgroup_create(cg);
	ck_assert_msg(r == 0, "cgroup create: %s", nsbox_last_error());
	return cg;
}

/* The same, not created: given so to a container, its start makes it. */
static nsbox_cgroup *cgroup_recipe(uint32_t ctrls, char *name, size_t size)
{
	nsbox_cgroup *cg = NULL;

	snprintf(name, size, "nsbt-%s-%d-%d", nsbt_tag(), (int)getpid(), ++cg_counter);
	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, ctrls), 0);
	return cg;
}

/* Open the group name covering ctrls: 0, or -ENOENT once it is gone. */
static int cgroup_probe(const char *name, uint32_t ctrls, nsbox_cgroup **out)
{
	nsbox_cgroup *cg = NULL;
	int r;

	ck_assert_int_eq(nsbox_cgroup_new(&cg, name, 0), 0);
	ck_assert_int_eq(nsbox_cgroup_set_controllers(cg, ctrls), 0);
	r = nsbox_cgroup_open(cg);
	if (r == 0 && out)
		*out = cg;
	else
		nsbox_cgroup_free(cg);
	return r;
}

static void cgroup_gone(nsbox_cgroup *cg)
{
	int r = nsbox_cgroup_destroy(cg);
	ck_assert_msg(r == 0, "cgroup destroy: %s", nsbox_last_error());
	nsbox_cgroup_free(cg);
}

static bool contains(const char *hay, const char *needle)
{
	return strstr(hay, needle) != NULL;
}

/* A layered container's "/": prints "1 0" when the overlay is the one mount
 * there (nothing of the host's old root, or the tmpfs hung on it, is left
 * stacked on it). */
#define ROOT_MOUNTS                                                                                \
	"awk '$5 == \"/\" { n++; if ($0 !~ / - overlay /) bad++ } "                             \
	"END { print n + 0, bad + 0 }' /proc/self/mountinfo"

/* Read fd until mark shows (or EOF); the fd stays open. */
static char *read_until(int fd, const char *mark)
{
	size_t len = 0, cap = 4096;
	char *buf = calloc(1, cap);
	ssize_t n;

	ck_assert_ptr_nonnull(buf);
	while (!contains(buf, mark) && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		buf[len] = '\0';
		if (cap - len < 2) {
			buf = realloc(buf, cap *= 2);
			ck_assert_ptr_nonnull(buf);
		}
	}
	return buf;
}

static bool link_exists(const char *name)
{
	nsbox_netlink *nl = NULL;
	int r;
	ck_assert_int_eq(nsbox_netlink_new(&nl), 0);
	r = nsbox_netlink_link_exists(nl, name);
	nsbox_netlink_free(nl);
	return r == 1;
}

/* Wait (up to 3 s) for links named nsbx* to vanish: the kernel deletes a
 * veth pair with the container's network namespace, asynchronously. */
static void wait_no_veth(void)
{
	for (int i = 0; i < 300; i++) {
		char *l = host_links();
		bool any = contains(l, "nsbx");
		free(l);
		if (!any)
			return;
		usleep(10000);
	}
	ck_abort_msg("a host veth end outlived its container");
}

/* ---- layered root ------------------------------------------------------ */

START_TEST(layered_root_writes_and_whiteouts)
{
	nsbox_layerset *ls;
	nsbox_container *c = box_new();
	char *out, path[PATH_MAX], buf[64] = "";
	struct stat st;
	int in_w, out_r, code, sig, mounts0;

	NSBT_REQUIRE_ROOT();
	mounts0 = count_mounts();
	ls = container_layers("box1");
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	nsbox_layerset_free(ls); /* the container copied what it needs */
	ck_assert_int_eq(nsbox_container_set_hostname(c, "box1"), 0);
	box_sh(c, "cat /etc/hostname /etc/hosts /etc/resolv.conf; echo hello > /home/new.txt; "
		  "rm /bin/true; ls /bin/true 2>/dev/null || echo true-gone; "
		  ROOT_MOUNTS "; echo ready; read x; echo done");
	out_r = start_piped(c, &in_w);
	/* While it runs: the overlay is in the container's mount table only. */
	{
		char *acc = read_until(out_r, "ready");
		ck_assert_msg(contains(acc, "box1\n127.0.0.1\tlocalhost\n172.17.0.11\tbox1\n"
					    "nameserver 172.17.0.1\n"),
			      "%s", acc);
		ck_assert_msg(contains(acc, "true-gone\n1 0\nready"), "%s", acc);
		free(acc);
	}
	ck_assert_int_eq(host_overlays(), 0);
	ck_assert_int_eq(count_mounts(), mounts0);
	ck_assert_int_eq(write(in_w, "\n", 1), 1);
	close(in_w);
	out = nsbt_read_all(out_r);
	ck_assert_int_eq(nsbox_container_wait(c, &code, &sig), 0);
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(out, "done\n");
	free(out);
	nsbox_container_free(c);

	/* The writes landed in the writable layer's diff, the rm as a whiteout. */
	snprintf(path, sizeof(path), "%s/box1/diff/home/new.txt", storedir);
	{
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(read(fd, buf, sizeof(buf) - 1), 6);
		close(fd);
		ck_assert_str_eq(buf, "hello\n");
	}
	snprintf(path, sizeof(path), "%s/box1/diff/bin/true", storedir);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0));
	/* The image is untouched, and the overlay vanished with the container. */
	snprintf(path, sizeof(path), "%s/busybox/diff/bin/true", storedir);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert(S_ISLNK(st.st_mode) || S_ISREG(st.st_mode));
	ck_assert_int_eq(host_overlays(), 0);
	ck_assert_int_eq(count_mounts(), mounts0);
	/* No mount point was made in the layer. */
	snprintf(path, sizeof(path), "%s/box1/merged", storedir);
	ck_assert_int_eq(access(path, F_OK), -1);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box1"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box1-init"), 0);
}
END_TEST

START_TEST(layered_root_volatile_and_commit)
{
	nsbox_layerset *ls;
	nsbox_container *c = box_new();
	char *out, *img = NULL, path[PATH_MAX];
	struct stat st;

	NSBT_REQUIRE_ROOT();
	ls = container_layers("box2");
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	ck_assert_int_eq(nsbox_container_set_layers_volatile(c, 1), 0);
	nsbox_layerset_free(ls);
	out = run_sh(c, "grep ' / / ' /proc/self/mountinfo | grep -o volatile; "
			"echo v > /root/v.txt",
		     0);
	ck_assert_str_eq(out, "volatile\n");
	free(out);
	nsbox_container_free(c);
	ck_assert_int_eq(nsbox_layer_store_commit(store, "box2", "img2", &img), 0);
	snprintf(path, sizeof(path), "%s/img2/diff/root/v.txt", storedir);
	ck_assert_int_eq(stat(path, &st), 0);
	nsbox_free(img);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "img2"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box2"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box2-init"), 0);
}
END_TEST

/* 500 lower layers (the rootfs at the bottom, 499 small ones) and a
 * writable layer, as a plain layer set (no store, no merged directory). */
START_TEST(layered_root_500_layers)
{
	char *dir, path[PATH_MAX], *out;
	nsbox_layerset *ls = NULL;
	nsbox_container *c;
	int r;

	NSBT_REQUIRE_ROOT();
	dir = nsbt_tmpdir("many");
	c = box_new();
	ck_assert_int_eq(nsbox_layerset_new(&ls), 0);
	ck_assert_int_eq(nsbox_layerset_add_lower(ls, rootfs), 0);
	for (int i = 1; i < 500; i++) {
		snprintf(path, sizeof(path), "%s/l%03d/layers", dir, i);
		ck_assert_int_eq(nsbt_system("mkdir -p %s && echo %d > %s/%03d && echo %d > %s/top",
					     path, i, path, i, i, path),
				 0);
		snprintf(path, sizeof(path), "%s/l%03d", dir, i);
		r = nsbox_layerset_add_lower(ls, path);
		ck_assert_msg(r == 0, "add lower %d: %s", i, nsbox_last_error());
	}
	ck_assert_int_eq(nsbt_system("mkdir -p %s/upper %s/work %s/root", dir, dir, dir), 0);
	snprintf(path, sizeof(path), "%s/upper", dir);
	{
		char work[PATH_MAX];
		snprintf(work, sizeof(work), "%s/work", dir);
		ck_assert_int_eq(nsbox_layerset_set_upper(ls, path, work), 0);
	}
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	nsbox_layerset_free(ls);
	/* A root directory as well is refused: a layered root needs none. */
	snprintf(path, sizeof(path), "%s/root", dir);
	ck_assert_int_eq(nsbox_container_set_root(c, path, 0), 0);
	box_sh(c, "true");
	r = nsbox_container_start(c);
	ck_assert_int_eq(r, -EINVAL);
	ck_assert_msg(contains(nsbox_last_error(), "both a root directory"), "%s",
		      nsbox_last_error());
	ck_assert_int_eq(nsbox_container_set_root(c, NULL, 0), 0);
	out = run_sh(c, "ls /layers | wc -l; cat /layers/top; rm /layers/top; echo w > /w; "
			"ls /bin/busybox",
		     0);
	ck_assert_str_eq(out, "500\n499\n/bin/busybox\n");
	free(out);
	nsbox_container_free(c);
	snprintf(path, sizeof(path), "%s/upper/w", dir);
	ck_assert_int_eq(access(path, F_OK), 0);
	/* Nothing was made on the host for the start. */
	snprintf(path, sizeof(path), "%s/root", dir);
	ck_assert_int_eq(nsbt_system("test -z \"$(ls -A %s)\"", path), 0);
	ck_assert_int_eq(host_overlays(), 0);
	nsbt_rm_tmpdir(dir);
}
END_TEST

/* In a new user namespace the child attaches the overlay the host's root
 * made: the kernel allows it, root inside reads the layers. */
START_TEST(layered_root_in_user_ns)
{
	nsbox_layerset *ls;
	nsbox_container *c = box_new();
	char *out;

	NSBT_REQUIRE_ROOT();
	ls = container_layers("box3");
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_container_set_namespaces(c, NSBOX_NS_DEFAULT | NSBOX_NS_USER), 0);
	ck_assert_int_eq(nsbox_container_add_uid_map(c, 0, 0, 1), 0);
	ck_assert_int_eq(nsbox_container_add_gid_map(c, 0, 0, 1), 0);
	out = run_sh(c, "id -u; cat /etc/hostname; echo u > /root/u.txt && echo wrote", 0);
	ck_assert_str_eq(out, "0\nbox1\nwrote\n");
	free(out);
	nsbox_container_free(c);
	ck_assert_int_eq(host_overlays(), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box3"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box3-init"), 0);
}
END_TEST

/* Root inside maps to an unprivileged outside uid: the overlay is still
 * attached (on the mount point through the parent's fd, which that uid
 * could not reach by path); the layers' files keep their owners, so root
 * inside reads everything but cannot write to root-owned directories. */
START_TEST(layered_root_in_unprivileged_user_ns)
{
	nsbox_layerset *ls;
	nsbox_container *c = box_new();
	char *out;

	NSBT_REQUIRE_ROOT();
	ls = container_layers("box7");
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_container_set_namespaces(c, NSBOX_NS_DEFAULT | NSBOX_NS_USER), 0);
	ck_assert_int_eq(nsbox_container_add_uid_map(c, 0, 100000, 65536), 0);
	ck_assert_int_eq(nsbox_container_add_gid_map(c, 0, 100000, 65536), 0);
	out = run_sh(c, "id -u; cat /etc/hostname; stat -c %u /etc/hostname; "
			"touch /root/x 2>/dev/null || echo no-write",
		     0);
	ck_assert_str_eq(out, "0\nbox1\n65534\nno-write\n");
	free(out);
	nsbox_container_free(c);
	ck_assert_int_eq(host_overlays(), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box7"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box7-init"), 0);
}
END_TEST

/* ---- cgroups ------------------------------------------------------------ */

static char *read_proc_cgroup(pid_t pid)
{
	char path[256], *s = calloc(1, 8192);
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s", path);
	n = read(fd, s, 8191);
	ck_assert_int_ge(n, 0);
	close(fd);
	return s;
}

static void check_cgroup_join(bool no_clone3)
{
	nsbox_cgroup *cg = cgroup_make(NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_PIDS |
				       NSBOX_CGROUP_UNIFIED);
	nsbox_container *c = box_new();
	char *inside, *outside, *name = NULL, *p;
	int in_w, out_r, code, sig;
	pid_t pid;

	ck_assert_int_eq(nsbox_container_set_root(c, rootfs, 0), 0);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), 0);
	c->test_no_clone3 = no_clone3;
	box_sh(c, "cat /proc/self/cgroup; read x");
	out_r = start_piped(c, &in_w);
	ck_assert_int_eq(nsbox_container_get_pid(c, &pid), 0);
	/* From outside: in the group in every hierarchy the handle covers. */
	outside = read_proc_cgroup(pid);
	ck_assert_int_ge(nsbox_cgroup_get_path(cg, NSBOX_CGROUP_UNIFIED, &p), 0);
	name = strrchr(p, '/');
	ck_assert_ptr_nonnull(name);
	{
		ck_assert_msg(contains(outside, name), "%s", outside);
		for (const char *h = outside; h && *h; h = strchr(h, '\n') ? strchr(h, '\n') + 1 : NULL) {
			if ((!strncmp(strchr(h, ':') + 1, "memory:", 7) ||
			     !strncmp(strchr(h, ':') + 1, "pids:", 5) ||
			     !strncmp(strchr(h, ':') + 1, ":", 1))) {
				const char *nl = strchr(h, '\n');
				size_t len = nl ? (size_t)(nl - h) : strlen(h);
				ck_assert_msg(len > strlen(name) &&
						      !strncmp(h + len - strlen(name), name,
							       strlen(name)),
					      "not in the group: %.*s", (int)len, h);
			}
		}
	}
	ck_assert_int_eq(write(in_w, "\n", 1), 1);
	close(in_w);
	inside = nsbt_read_all(out_r);
	ck_assert_int_eq(nsbox_container_wait(c, &code, &sig), 0);
	ck_assert_int_eq(code, 0);
	/* Inside, the cgroup namespace is rooted at the group: every line "/". */
	ck_assert_msg(contains(inside, ":memory:/\n") && contains(inside, ":pids:/\n") &&
			      contains(inside, "0::/\n"),
		      "%s", inside);
	for (const char *h = inside; *h; h = strchr(h, '\n') + 1)
		ck_assert_msg(!strncmp(strchr(strchr(h, ':') + 1, ':') + 1, "/\n", 2), "%s",
			      inside);
	free(inside);
	free(outside);
	nsbox_free(p);
	nsbox_container_free(c);
	cgroup_gone(cg);
}

START_TEST(cgroup_join_v1_and_v2)
{
	NSBT_REQUIRE_ROOT();
	check_cgroup_join(false);
}
END_TEST

START_TEST(cgroup_join_without_clone3)
{
	NSBT_REQUIRE_ROOT();
	check_cgroup_join(true);
}
END_TEST

/*
 * A group given to the container before it exists, with its limits: the
 * start makes it (cgroup2 before the clone, v1 after it, while the child
 * makes its network namespace), the child is in it in every hierarchy with
 * the limits set, and the container removes it once it is reaped. The
 * caller's handle is freed right after the setter: nothing borrows it.
 */
START_TEST(cgroup_made_by_the_start)
{
	const uint32_t ctrls = NSBOX_CGROUP_CPU | NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_PIDS |
			       NSBOX_CGROUP_UNIFIED;

	NSBT_REQUIRE_ROOT();
	for (int layered = 0; layered <= 1; layered++) {
		nsbox_cgroup *cg, *probe = NULL;
		nsbox_container *c = box_new();
		char name[128], *outside, *inside;
		uint64_t v, q;
		int in_w, out_r, code, sig;
		pid_t pid;

		cg = cgroup_recipe(ctrls, name, sizeof(name));
		ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 9), 0);
		ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 32 << 20), 0);
		ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 20000, 100000), 0);
		if (layered) {
			nsbox_layerset *ls = container_layers("box6");
			ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
			nsbox_layerset_free(ls);
		} else {
			ck_assert_int_eq(nsbox_container_set_root(c, rootfs, 0), 0);
			ck_assert_int_eq(nsbox_container_set_namespaces(
						 c, NSBOX_NS_MOUNT | NSBOX_NS_PID | NSBOX_NS_CGROUP),
					 0);
		}
		ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), 0);
		nsbox_cgroup_free(cg);
		ck_assert_int_eq(cgroup_probe(name, ctrls, NULL), -ENOENT);
		box_sh(c, "cat /proc/self/cgroup; read x");
		out_r = start_piped(c, &in_w);
		ck_assert_int_eq(nsbox_container_get_pid(c, &pid), 0);
		outside = read_proc_cgroup(pid);
		for (const char *h = outside; *h; h = strchr(h, '\n') + 1) {
			const char *ctl = strchr(h, ':') + 1;
			const char *nl = strchr(h, '\n');
			if (strncmp(ctl, "memory:", 7) && strncmp(ctl, "pids:", 5) &&
			    strncmp(ctl, "cpu,", 4) && strncmp(ctl, "cpu:", 4) && strncmp(ctl, ":", 1))
				continue;
			ck_assert_msg(nl - h > (long)strlen(name) &&
					      !strncmp(nl - strlen(name), name, strlen(name)),
				      "not in the group: %.*s", (int)(nl - h), h);
		}
		ck_assert_int_eq(cgroup_probe(name, ctrls, &probe), 0);
		ck_assert_int_eq(nsbox_cgroup_get_pids_max(probe, &v), 0);
		ck_assert_uint_eq(v, 9);
		ck_assert_int_eq(nsbox_cgroup_get_memory_max(probe, &v), 0);
		ck_assert_uint_eq(v, 32 << 20);
		ck_assert_int_eq(nsbox_cgroup_get_cpu_max(probe, &q, &v), 0);
		ck_assert_uint_eq(q, 20000);
		nsbox_cgroup_free(probe);
		ck_assert_int_eq(write(in_w, "\n", 1), 1);
		close(in_w);
		inside = nsbt_read_all(out_r);
		ck_assert_int_eq(nsbox_container_wait(c, &code, &sig), 0);
		ck_assert_msg(code == 0, "exit %d: %s", code, inside);
		ck_assert_msg(contains(inside, ":pids:/\n") && contains(inside, "0::/\n"), "%s",
			      inside);
		/* Gone with the container, before wait returned. */
		ck_assert_int_eq(cgroup_probe(name, ctrls, NULL), -ENOENT);
		free(inside);
		free(outside);
		nsbox_container_free(c);
		if (layered) {
			ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box6"), 0);
			ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box6-init"), 0);
		}
	}
}
END_TEST

/* A container left running (keep_running) keeps the group the start made:
 * freeing the handle leaves both; the group is removed like any other. */
START_TEST(cgroup_made_by_the_start_stays_with_a_running_container)
{
	const uint32_t ctrls = NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_PIDS | NSBOX_CGROUP_UNIFIED;
	nsbox_cgroup *cg, *probe = NULL;
	nsbox_container *c = box_new();
	pid_t *pids = NULL, pid;
	size_t n = 0;
	char name[128];

	NSBT_REQUIRE_ROOT();
	cg = cgroup_recipe(ctrls, name, sizeof(name));
	ck_assert_int_eq(nsbox_container_set_root(c, rootfs, 0), 0);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), 0);
	nsbox_cgroup_free(cg);
	ck_assert_int_eq(nsbox_container_set_keep_running(c, 1), 0);
	box_sh(c, "sleep 60");
	ck_assert_msg(nsbox_container_start(c) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_container_get_pid(c, &pid), 0);
	nsbox_container_free(c);
	ck_assert_int_eq(cgroup_probe(name, ctrls, &probe), 0);
	ck_assert_int_eq(nsbox_cgroup_get_pids(probe, &pids, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(pids[0], pid);
	nsbox_free(pids);
	/* Destroy kills the process (our child: reap it) and removes the group. */
	ck_assert_msg(nsbox_cgroup_destroy(probe) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	nsbox_cgroup_free(probe);
	ck_assert_int_eq(cgroup_probe(name, ctrls, NULL), -ENOENT);
}
END_TEST

/* A process put into the container's group from outside its pid namespace
 * does not die with the container: the wait kills it, then removes the
 * group (the rmdir finds it busy first). */
START_TEST(cgroup_made_by_the_start_outlived_by_a_stranger)
{
	const uint32_t ctrls = NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_PIDS | NSBOX_CGROUP_UNIFIED;
	nsbox_cgroup *cg, *probe = NULL;
	nsbox_container *c = box_new();
	int in_w, out_r, code, sig, st;
	char name[128], *out;
	pid_t stranger;

	NSBT_REQUIRE_ROOT();
	cg = cgroup_recipe(ctrls, name, sizeof(name));
	ck_assert_int_eq(nsbox_container_set_root(c, rootfs, 0), 0);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), 0);
	nsbox_cgroup_free(cg);
	box_sh(c, "read x");
	out_r = start_piped(c, &in_w);
	stranger = fork();
	ck_assert_int_ge(stranger, 0);
	if (stranger == 0) {
		pause();
		_exit(0);
	}
	ck_assert_int_eq(cgroup_probe(name, ctrls, &probe), 0);
	ck_assert_msg(nsbox_cgroup_attach(probe, stranger) == 0, "%s", nsbox_last_error());
	nsbox_cgroup_free(probe);
	ck_assert_int_eq(write(in_w, "\n", 1), 1);
	close(in_w);
	out = nsbt_read_all(out_r);
	ck_assert_msg(nsbox_container_wait(c, &code, &sig) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(waitpid(stranger, &st, 0), stranger);
	ck_assert(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	ck_assert_int_eq(cgroup_probe(name, ctrls, NULL), -ENOENT);
	free(out);
	nsbox_container_free(c);
}
END_TEST

START_TEST(cgroup_pids_limit_acts_inside)
{
	nsbox_cgroup *cg;
	nsbox_container *c;
	char *out;

	NSBT_REQUIRE_ROOT();
	cg = cgroup_make(NSBOX_CGROUP_PIDS | NSBOX_CGROUP_UNIFIED);
	c = box_new();
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 4), 0);
	ck_assert_int_eq(nsbox_container_set_root(c, rootfs, 0), 0);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), 0);
	out = run_sh(c,
		     "sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 3 & done'; echo rc=$?; "
		     "n=0; for d in /proc/[0-9]*; do n=$((n+1)); done; echo procs=$n",
		     0);
	/* This sh, the inner sh and 2 sleeps make 4: the third sleep's fork
	 * was refused, and the inner sh gave up; 2 sleeps are left. */
	ck_assert_msg(contains(out, "can't fork") && contains(out, "rc=2\nprocs=3\n"), "%s", out);
	free(out);
	nsbox_container_free(c);
	cgroup_gone(cg);
}
END_TEST

/* ---- network ------------------------------------------------------------ */

static nsbox_container *net_box(const char *cidr, const char *gw)
{
	nsbox_container *c = box_new();
	ck_assert_int_eq(nsbox_container_set_root(c, rootfs, 0), 0);
	ck_assert_int_eq(nsbox_container_set_network(c, "nsbox0", cidr, gw), 0);
	return c;
}

START_TEST(two_containers_ping_on_a_bridge)
{
	nsbox_container *a, *b;
	char *out, *brif;
	int in_w, out_r, code, sig;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0); /* this netns stands in for the host */
	a = net_box("172.17.0.11/16", "172.17.0.1");
	box_sh(a, "echo up; read x");
	out_r = start_piped(a, &in_w);
	{
		char buf[16] = "";
		ck_assert_int_eq(read(out_r, buf, 3), 3);
	}
	b = net_box("172.17.0.12/16", "172.17.0.1");
	ck_assert_int_eq(nsbox_container_set_network_ifname(b, "web0"), 0);
	out = run_sh(b,
		     "ping -c 1 -W 3 172.17.0.11 >/dev/null && echo ping-ok; "
		     "ip -4 -o addr show web0 | grep -o '172.17.0.12/16'; "
		     "ip route | grep -o 'default via 172.17.0.1'; "
		     "cat /sys/class/net/lo/operstate /sys/class/net/web0/operstate; ls /sys/class/net",
		     0);
	ck_assert_str_eq(out, "ping-ok\n172.17.0.12/16\ndefault via 172.17.0.1\nunknown\nup\n"
			      "lo\nweb0\n");
	free(out);
	/* The bridge was made in the host netns, up, with the gateway address,
	 * and holds the host ends while the containers run. */
	brif = host_links();
	ck_assert_msg(contains(brif, "nsbox0 "), "%s", brif);
	free(brif);
	ck_assert_int_eq(nsbt_system("test \"$(ip -o link show master nsbox0 | grep -c nsbx)\" -ge 1"),
			 0);
	ck_assert_int_eq(nsbt_system("ip -4 -o addr show nsbox0 | grep -q 172.17.0.1/16"), 0);
	nsbox_container_free(b);
	ck_assert_int_eq(write(in_w, "\n", 1), 1);
	close(in_w);
	free(nsbt_read_all(out_r));
	ck_assert_int_eq(nsbox_container_wait(a, &code, &sig), 0);
	ck_assert_int_eq(code, 0);
	nsbox_container_free(a);
	/* The veths vanish with the containers' namespaces. */
	wait_no_veth();
}
END_TEST

/* The bridge lives in another netns given by fd: nothing in ours. */
START_TEST(network_in_another_host_namespace)
{
	pid_t holder;
	int p[2], nsfd;
	char path[64], c1;
	nsbox_container *c;
	char *mine0, *mine1, *out;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	ck_assert_int_eq(pipe(p), 0);
	holder = fork();
	ck_assert_int_ge(holder, 0);
	if (holder == 0) {
		close(p[0]);
		if (unshare(CLONE_NEWNET) < 0)
			_exit(1);
		(void)write(p[1], "x", 1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c1, 1), 1);
	close(p[0]);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)holder);
	nsfd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(nsfd, 0);
	mine0 = host_links();
	c = net_box("10.9.0.2/24", NULL);
	ck_assert_int_eq(nsbox_container_set_network_host(c, nsfd), 0);
	close(nsfd); /* the handle keeps its own copy */
	out = run_sh(c, "ip -4 -o addr show eth0 | grep -o 10.9.0.2/24; ip route | grep -c default",
		     1);
	ck_assert_str_eq(out, "10.9.0.2/24\n0\n");
	free(out);
	nsbox_container_free(c);
	mine1 = host_links();
	ck_assert_str_eq(mine0, mine1);
	ck_assert_int_eq(nsbt_system("nsenter --net=%s ip link show nsbox0 >/dev/null", path), 0);
	kill(holder, SIGKILL);
	ck_assert_int_eq(waitpid(holder, NULL, 0), holder);
	free(mine0);
	free(mine1);
}
END_TEST

/* Everything at once, as the article's container. */
/* A field of /proc/self/status ("Cpus_allowed_list"), malloc'ed. */
static char *status_field(const char *name)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[512], *v = NULL;
	size_t len = strlen(name);

	ck_assert_ptr_nonnull(f);
	while (!v && fgets(line, sizeof(line), f))
		if (strncmp(line, name, len) == 0 && line[len] == ':') {
			char *p = line + len + 1;
			p += strspn(p, " \t");
			p[strcspn(p, "\n")] = '\0';
			v = strdup(p);
		}
	fclose(f);
	ck_assert_ptr_nonnull(v);
	return v;
}

START_TEST(full_container)
{
	nsbox_cgroup *cg;
	nsbox_layerset *ls;
	nsbox_container *c;
	char *out;

	NSBT_REQUIRE_ROOT();
	cg = cgroup_make(NSBOX_CGROUP_CPU | NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_PIDS |
			 NSBOX_CGROUP_UNIFIED);
	c = box_new();
	nsbt_enter_private_ns(0);
	ck_assert_int_eq(nsbox_cgroup_set_cpu_max(cg, 20000, 100000), 0);
	ck_assert_int_eq(nsbox_cgroup_set_memory_max(cg, 64 << 20), 0);
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 64), 0);
	ls = container_layers("box4");
	ck_assert_int_eq(nsbox_container_set_namespaces(c, NSBOX_NS_ALL & ~NSBOX_NS_USER), 0);
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), 0);
	ck_assert_int_eq(nsbox_container_set_network(c, "nsbox0", "172.17.0.11/16", "172.17.0.1"),
			 0);
	ck_assert_int_eq(nsbox_container_set_hostname(c, "box1"), 0);
	out = run_sh(c,
		     "hostname; cat /etc/hostname; echo $$; grep -c . /proc/self/cgroup >/dev/null; "
		     "grep -o 172.17.0.11 /etc/hosts; ip -4 -o addr show eth0 | grep -o 172.17.0.11/16; "
		     "readlink /proc/self/ns/net; grep Cpus_allowed_list /proc/self/status",
		     0);
	{
		/* The child made its network namespace itself (container.c): its
		 * own namespace, and the caller's CPU set. */
		char host_net[64], expect[512], *mask = status_field("Cpus_allowed_list");
		ssize_t n = readlink("/proc/self/ns/net", host_net, sizeof(host_net) - 1);
		ck_assert_int_gt(n, 0);
		host_net[n] = '\0';
		ck_assert_msg(!contains(out, host_net), "container in the host's netns: %s", out);
		snprintf(expect, sizeof(expect), "box1\nbox1\n1\n172.17.0.11\n172.17.0.11/16\nnet:[");
		ck_assert_msg(strncmp(out, expect, strlen(expect)) == 0, "output: %s", out);
		snprintf(expect, sizeof(expect), "]\nCpus_allowed_list:\t%s\n", mask);
		ck_assert_msg(strlen(out) > strlen(expect) &&
				      strcmp(out + strlen(out) - strlen(expect), expect) == 0,
			      "output: %s (caller's CPUs %s)", out, mask);
		free(mask);
	}
	free(out);
	nsbox_container_free(c);
	cgroup_gone(cg);
	wait_no_veth();
	ck_assert_int_eq(host_overlays(), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box4"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box4-init"), 0);
}
END_TEST

/* ---- failure at each step leaves nothing -------------------------------- */

/* A container with everything: layers box5, a cgroup, nsbox0 (made by the start). */
static nsbox_container *everything(nsbox_cgroup *cg, const char *gw)
{
	nsbox_container *c = box_new();
	nsbox_layerset *ls = container_layers("box5");
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	nsbox_layerset_free(ls);
	if (cg)
		ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), 0);
	ck_assert_int_eq(nsbox_container_set_network(c, "nsbox0", "172.17.0.11/16", gw), 0);
	box_sh(c, "true");
	return c;
}

static void drop_box5(void)
{
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box5"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box5-init"), 0);
}

static void expect_failure(nsbox_container *c, int err, const char *msg_part,
			   struct snapshot *snap)
{
	int r = nsbox_container_start(c);
	ck_assert_msg(r == err, "start: %d (expected %d): %s", r, err, nsbox_last_error());
	ck_assert_msg(contains(nsbox_last_error(), msg_part), "message: %s", nsbox_last_error());
	snap_check(snap);
	nsbox_container_free(c);
	snap_check(snap);
}

START_TEST(fail_route_refused_undoes_veth_and_new_bridge)
{
	nsbox_cgroup *cg;
	nsbox_container *c;
	struct snapshot snap;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	cg = cgroup_make(NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_UNIFIED);
	c = everything(cg, "10.99.0.1"); /* not on 172.17/16: the kernel refuses the route */
	snap_take(&snap);
	/* The layers were made before the snapshot; the cgroup too. */
	expect_failure(c, -ENETUNREACH, "network in container", &snap);
	ck_assert(!link_exists("nsbox0")); /* the start made it, the failure removed it */
	snap_done(&snap);
	cgroup_gone(cg);
	drop_box5();
}
END_TEST

START_TEST(fail_address_refused)
{
	nsbox_container *c;
	struct snapshot snap;
	nsbox_netlink *nl = NULL;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	/* The bridge exists already: a failure must leave it alone. */
	ck_assert_int_eq(nsbox_netlink_new(&nl), 0);
	ck_assert_int_eq(nsbox_netlink_add_bridge(nl, "nsbox0"), 0);
	c = everything(NULL, NULL);
	/* An address the netlink layer passes but the kernel refuses: IPv6
	 * multicast (EADDRNOTAVAIL). */
	ck_assert_int_eq(nsbox_container_set_network(c, "nsbox0", "ff02::5/64", NULL), 0);
	snap_take(&snap);
	{
		int r = nsbox_container_start(c);
		if (r == 0) {
			int code, sig;
			ck_assert_int_eq(nsbox_container_wait(c, &code, &sig), 0);
			nsbox_container_free(c);
			wait_no_veth();
			ck_abort_msg("the kernel took a multicast address");
		} else {
			ck_assert_msg(contains(nsbox_last_error(), "network"), "%s",
				      nsbox_last_error());
			snap_check(&snap);
			nsbox_container_free(c);
		}
	}
	ck_assert(link_exists("nsbox0"));
	snap_done(&snap);
	nsbox_netlink_free(nl);
	drop_box5();
}
END_TEST

START_TEST(fail_bridge_name_is_a_plain_link)
{
	nsbox_container *c;
	struct snapshot snap;
	nsbox_netlink *nl = NULL;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	ck_assert_int_eq(nsbox_netlink_new(&nl), 0);
	ck_assert_int_eq(nsbox_netlink_add_veth(nl, "nsbox0", "plain1", -1), 0);
	c = everything(NULL, "172.17.0.1");
	snap_take(&snap);
	expect_failure(c, -EEXIST, "is not a bridge (veth)", &snap);
	ck_assert(link_exists("nsbox0") && link_exists("plain1"));
	snap_done(&snap);
	nsbox_netlink_free(nl);
	drop_box5();
}
END_TEST

START_TEST(fail_cgroup_removed)
{
	nsbox_cgroup *cg;
	nsbox_container *c;
	struct snapshot snap;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	cg = cgroup_make(NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_PIDS | NSBOX_CGROUP_UNIFIED);
	c = everything(cg, "172.17.0.1");
	ck_assert_int_eq(nsbox_cgroup_destroy(cg), 0);
	snap_take(&snap);
	expect_failure(c, -ENOENT, "was removed", &snap);
	ck_assert(!link_exists("nsbox0"));
	snap_done(&snap);
	nsbox_cgroup_free(cg);
	drop_box5();
}
END_TEST

/* A limit the kernel refuses to take a task under: a v1 cpuset group
 * without cpus. The child's own join fails, before "go on". */
START_TEST(fail_cgroup_refuses_the_task)
{
	nsbox_cgroup *cg;
	nsbox_container *c;
	struct snapshot snap;
	char *path = NULL;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	cg = cgroup_make(NSBOX_CGROUP_CPUSET | NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_UNIFIED);
	if (nsbox_cgroup_get_path(cg, NSBOX_CGROUP_CPUSET, &path) != 1) {
		nsbt_skip(__func__, "no v1 cpuset hierarchy");
		cgroup_gone(cg);
		return;
	}
	ck_assert_int_eq(nsbt_system("echo > %s/cpuset.cpus", path), 0);
	c = everything(cg, "172.17.0.1");
	snap_take(&snap);
	expect_failure(c, -ENOSPC, "no cpus or mems", &snap);
	ck_assert(!link_exists("nsbox0"));
	snap_done(&snap);
	/* Without a network "go on" goes out before the child's report comes
	 * back: the child's own failure is still what the start reports. */
	c = box_new();
	ck_assert_int_eq(nsbox_container_set_root(c, rootfs, 0), 0);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), 0);
	box_sh(c, "true");
	snap_take(&snap);
	expect_failure(c, -ENOSPC, "no cpus or mems", &snap);
	snap_done(&snap);
	nsbox_free(path);
	cgroup_gone(cg);
	drop_box5();
}
END_TEST

START_TEST(fail_layer_removed_from_under_the_chain)
{
	nsbox_cgroup *cg;
	nsbox_container *c;
	struct snapshot snap;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	cg = cgroup_make(NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_UNIFIED);
	c = everything(cg, "172.17.0.1");
	ck_assert_int_eq(nsbt_system("rm -rf %s/box5-init/diff", storedir), 0);
	snap_take(&snap);
	expect_failure(c, -ENOENT, "box5-init/diff", &snap);
	ck_assert(!link_exists("nsbox0"));
	snap_done(&snap);
	cgroup_gone(cg);
	ck_assert_int_eq(nsbt_system("mkdir %s/box5-init/diff", storedir), 0);
	drop_box5();
}
END_TEST

START_TEST(fail_in_the_child_after_everything)
{
	nsbox_cgroup *cg;
	nsbox_container *c;
	struct snapshot snap;
	const char *argv[] = {"/bin/no-such-program", NULL};

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	cg = cgroup_make(NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_PIDS | NSBOX_CGROUP_UNIFIED);
	c = everything(cg, "172.17.0.1");
	ck_assert_int_eq(nsbox_container_set_argv(c, argv), 0);
	snap_take(&snap);
	expect_failure(c, -ENOENT, "exec /bin/no-such-program in container", &snap);
	ck_assert(!link_exists("nsbox0"));
	{
		pid_t *pids = NULL;
		size_t n = 1;
		ck_assert_int_eq(nsbox_cgroup_get_pids(cg, &pids, &n), 0);
		ck_assert_uint_eq(n, 0);
		nsbox_free(pids);
	}
	snap_done(&snap);
	cgroup_gone(cg);
	drop_box5();
}
END_TEST

/* A group the start makes: a limit the kernel refuses (a cpu the machine
 * lacks, found once the v1 group exists, after the clone), and a failure in
 * the child after it joined; each leaves nothing, no group either. */
/* A start of everything() that fails: nothing left, no group name either. */
static void expect_failure_no_group(nsbox_container *c, int err, const char *msg_part,
				    const char *name, uint32_t ctrls)
{
	struct snapshot snap;

	snap_take(&snap);
	expect_failure(c, err, msg_part, &snap);
	ck_assert_int_eq(cgroup_probe(name, ctrls, NULL), -ENOENT);
	ck_assert(!link_exists("nsbox0"));
	snap_done(&snap);
	drop_box5();
}

START_TEST(fail_cgroup_made_by_the_start)
{
	const uint32_t ctrls = NSBOX_CGROUP_CPUSET | NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_PIDS |
			       NSBOX_CGROUP_UNIFIED;
	const char *argv[] = {"/bin/no-such-program", NULL};
	nsbox_cgroup *cg;
	nsbox_container *c;
	char name[128];

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	cg = cgroup_recipe(ctrls, name, sizeof(name));
	ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 50), 0);
	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "4095"), 0);
	c = everything(cg, "172.17.0.1");
	expect_failure_no_group(c, -EINVAL, "is outside the cpus", name, ctrls);

	ck_assert_int_eq(nsbox_cgroup_set_cpuset_cpus(cg, "0"), 0);
	c = everything(cg, "172.17.0.1");
	ck_assert_int_eq(nsbox_container_set_argv(c, argv), 0);
	expect_failure_no_group(c, -ENOENT, "exec /bin/no-such-program in container", name, ctrls);
	nsbox_cgroup_free(cg);
}
END_TEST

/* The child's own network namespace (a layered root) fails: what the start
 * reports, with and without a network (then "go on" went out before the
 * report came), and nothing is left, the group the start made neither. */
START_TEST(fail_child_network_namespace)
{
	const uint32_t ctrls = NSBOX_CGROUP_MEMORY | NSBOX_CGROUP_PIDS | NSBOX_CGROUP_UNIFIED;

	NSBT_REQUIRE_ROOT();
	nsbt_enter_private_ns(0);
	for (int with_net = 0; with_net <= 1; with_net++) {
		nsbox_cgroup *cg;
		nsbox_container *c;
		char name[128];

		cg = cgroup_recipe(ctrls, name, sizeof(name));
		ck_assert_int_eq(nsbox_cgroup_set_pids_max(cg, 50), 0);
		c = everything(cg, "172.17.0.1");
		nsbox_cgroup_free(cg);
		if (!with_net)
			ck_assert_int_eq(nsbox_container_set_network(c, NULL, NULL, NULL), 0);
		c->test_fail_netns = true;
		expect_failure_no_group(c, -EINVAL, "make network namespace in container", name,
					ctrls);
	}
}
END_TEST

/* ---- ephemeral writable layer ------------------------------------------------ */

/* Everything of the store, byte for byte: content, modes, owners, xattrs,
 * modification and change times of every entry (not the access times, and
 * not tar's default pax header names, which hold its pid). */
static char *store_digest(void)
{
	char cmd[PATH_MAX + 256], *out;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && { tar --sort=name --xattrs --xattrs-include='*' "
		 "--pax-option='exthdr.name=%%d/PaxHeaders/%%f,delete=atime,delete=ctime' "
		 "-cf - . | sha256sum; find . -printf '%%p %%m %%U %%s %%T@ %%C@\\n' | sort; }",
		 storedir);
	p = popen(cmd, "re");
	ck_assert_ptr_nonnull(p);
	out = nsbt_read_all(dup(fileno(p)));
	ck_assert_int_eq(pclose(p), 0);
	ck_assert_msg(strlen(out) > 64, "digest: %s", out);
	return out;
}

/* Compare two digests; on a difference, name the first differing line
 * (the whole digest is too long for a Check message). */
static void digest_same(const char *a, const char *b)
{
	size_t i = 0, line = 0;

	while (a[i] && a[i] == b[i])
		i++;
	if (!a[i] && !b[i])
		return;
	while (i > 0 && a[i - 1] != '\n')
		i--;
	line = i;
	ck_abort_msg("store changed at: was \"%.200s\" is \"%.200s\"", a + line, b + line);
}

/* The image read-only, as an ephemeral container wants it. */
static nsbox_layerset *image_layers(void)
{
	nsbox_layerset *ls = NULL;
	int r = nsbox_layerset_new_from_store(&ls, store, "busybox", NSBOX_LAYERSET_READ_ONLY);
	ck_assert_msg(r == 0, "layer set: %s", nsbox_last_error());
	return ls;
}

static nsbox_container *ephemeral_box(uint64_t size)
{
	nsbox_container *c = box_new();
	nsbox_layerset *ls = image_layers();

	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	nsbox_layerset_free(ls);
	ck_assert_msg(nsbox_container_set_layers_ephemeral(c, size) == 0, "%s",
		      nsbox_last_error());
	return c;
}

/* Lines of the caller's mount table that could be the container's tmpfs
 * or overlay: any overlay, any tmpfs not there before (counted). */
static int count_fstype(const char *fstype)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192], pat[64];
	int n = 0;

	ck_assert_ptr_nonnull(f);
	snprintf(pat, sizeof(pat), " - %s ", fstype);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, pat))
			n++;
	fclose(f);
	return n;
}

START_TEST(ephemeral_root_leaves_the_store_untouched)
{
	nsbox_container *c;
	char *before, *after, *out, **ids0 = NULL, **ids1 = NULL;
	int in_w, out_r, code, sig, mounts0, tmpfs0;
	size_t n0 = 0, n1 = 0;

	NSBT_REQUIRE_ROOT();
	before = store_digest();
	ck_assert_int_ge(nsbox_layer_store_list(store, &ids0), 0);
	mounts0 = count_mounts();
	tmpfs0 = count_fstype("tmpfs");
	c = ephemeral_box(NSBOX_UNLIMITED);
	ck_assert_int_eq(nsbox_container_add_file(c, "/etc/hosts", "first\n", 0600), 0);
	/* the same path again replaces it */
	ck_assert_int_eq(nsbox_container_add_file(c, "/etc/hosts", hosts_text, 0644), 0);
	ck_assert_int_eq(nsbox_container_add_file(c, "/etc/hostname", "box1\n", 0644), 0);
	ck_assert_int_eq(nsbox_container_add_file(c, "/opt/deep/dir/secret", "s3", 0600), 0);
	ck_assert_int_eq(nsbox_container_add_file(c, "/etc/empty", "", 0755), 0);
	box_sh(c, "cat /etc/hostname /etc/hosts /opt/deep/dir/secret; echo; "
		  "stat -c '%a %u %s %n' /etc/hosts /etc/hostname /opt/deep/dir/secret /etc/empty "
		  "/opt/deep/dir; "
		  "echo hello > /home/new.txt && cat /home/new.txt; "
		  "rm /bin/true && { ls /bin/true 2>/dev/null || echo true-gone; }; "
		  "echo more >> /etc/hosts && tail -n 1 /etc/hosts; "
		  "ls /bin/sh >/dev/null && echo image-visible; "
		  ROOT_MOUNTS "; echo ready; read x; echo done");
	out_r = start_piped(c, &in_w);
	{
		char *acc = read_until(out_r, "ready");
		ck_assert_msg(contains(acc, "box1\n127.0.0.1\tlocalhost\n172.17.0.11\tbox1\n"
					    "s3\n"
					    "644 0 37 /etc/hosts\n644 0 5 /etc/hostname\n"
					    "600 0 2 /opt/deep/dir/secret\n755 0 0 /etc/empty\n"
					    "755 0 "),
			      "%s", acc);
		ck_assert_msg(contains(acc, "hello\ntrue-gone\nmore\nimage-visible\n1 0\nready"),
			      "%s", acc);
		free(acc);
	}
	/* While it runs: neither the tmpfs nor the overlay is in our mount
	 * table, and the store is as it was. */
	ck_assert_int_eq(host_overlays(), 0);
	ck_assert_int_eq(count_fstype("tmpfs"), tmpfs0);
	ck_assert_int_eq(count_mounts(), mounts0);
	after = store_digest();
	digest_same(before, after);
	free(after);
	ck_assert_int_eq(write(in_w, "\n", 1), 1);
	close(in_w);
	out = nsbt_read_all(out_r);
	ck_assert_int_eq(nsbox_container_wait(c, &code, &sig), 0);
	ck_assert_int_eq(code, 0);
	ck_assert_str_eq(out, "done\n");
	free(out);
	nsbox_container_free(c);

	/* Afterwards: byte for byte the same store, no new layer. */
	after = store_digest();
	digest_same(before, after);
	ck_assert_int_ge(nsbox_layer_store_list(store, &ids1), 0);
	while (ids0[n0])
		n0++;
	while (ids1[n1])
		n1++;
	ck_assert_uint_eq(n0, n1);
	for (size_t i = 0; i < n0; i++)
		ck_assert_str_eq(ids0[i], ids1[i]);
	ck_assert_int_eq(host_overlays(), 0);
	ck_assert_int_eq(count_fstype("tmpfs"), tmpfs0);
	ck_assert_int_eq(count_mounts(), mounts0);
	nsbt_assert_no_children();
	nsbox_free(ids0);
	nsbox_free(ids1);
	free(before);
	free(after);
}
END_TEST

/* A layer under a running container cannot be removed: the container's
 * overlay is in its own mount namespace, so the store learns it from the
 * container's hold on the top layer; after the container ends it can. */
START_TEST(layers_in_use_by_a_container_are_not_removed)
{
	nsbox_container *c, *k;
	nsbox_layerset *ls;
	int in_w, out_r, code = -1, sig = -1;
	char buf[64];

	NSBT_REQUIRE_ROOT();
	/* an ephemeral container on the image: the image's top is held */
	c = ephemeral_box(NSBOX_UNLIMITED);
	box_sh(c, "echo ready; read x");
	out_r = start_piped(c, &in_w);
	ck_assert_int_gt(read(out_r, buf, sizeof(buf)), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "busybox"), -EBUSY);
	ck_assert_msg(contains(nsbox_last_error(), "a running container uses it"), "%s",
		      nsbox_last_error());
	/* a store container on it: its writable layer is held, and the image
	 * has children */
	ls = container_layers("held");
	k = box_new();
	ck_assert_int_eq(nsbox_container_set_layers(k, ls), 0);
	nsbox_layerset_free(ls);
	box_sh(k, "true");
	ck_assert_msg(nsbox_container_start(k) == 0, "%s", nsbox_last_error());
	ck_assert_int_eq(nsbox_container_wait(k, &code, &sig), 0);
	ck_assert_int_eq(code, 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "held"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "held-init"), 0);
	nsbox_container_free(k);

	ck_assert_int_eq(write(in_w, "\n", 1), 1);
	close(in_w);
	close(out_r);
	ck_assert_int_eq(nsbox_container_wait(c, &code, &sig), 0);
	ck_assert_int_eq(code, 0);
	/* reaped: the hold is gone */
	ck_assert_msg(nsbox_layer_store_remove_layer(store, "busybox") == 0, "%s",
		      nsbox_last_error());
	nsbox_container_free(c);
}
END_TEST

START_TEST(ephemeral_root_is_limited_in_size)
{
	nsbox_container *c;
	char *before, *after, *out;

	NSBT_REQUIRE_ROOT();
	before = store_digest();
	c = ephemeral_box(1024 * 1024);
	ck_assert_int_eq(nsbox_container_add_file(c, "/etc/hostname", "small\n", 0644), 0);
	out = run_sh(c,
		     "cat /etc/hostname; echo small > /ok.txt && cat /ok.txt; "
		     "dd if=/dev/zero of=/big bs=65536 count=32 2>&1 >/dev/null | "
		     "grep -o 'No space left on device' | head -n 1; "
		     "ls /big >/dev/null && echo big-partial; "
		     "df -k / | tail -n 1 | awk '{print $2}'",
		     0);
	ck_assert_msg(contains(out, "small\nsmall\nNo space left on device\nbig-partial\n1024\n"), "%s",
		      out);
	free(out);
	nsbox_container_free(c);
	after = store_digest();
	digest_same(before, after);
	ck_assert_int_eq(host_overlays(), 0);
	free(before);
	free(after);

	/* Added files that do not fit the layer: -ENOSPC at start, nothing left. */
	{
		struct snapshot snap;
		char *big = malloc(64 * 1024 + 1);
		ck_assert_ptr_nonnull(big);
		memset(big, 'x', 64 * 1024);
		big[64 * 1024] = '\0';
		snap_take(&snap);
		c = ephemeral_box(16384);
		ck_assert_int_eq(nsbox_container_add_file(c, "/big", big, 0644), 0);
		box_sh(c, "true");
		expect_failure(c, -ENOSPC, "add file /big", &snap);
		snap_done(&snap);
		free(big);
	}
}
END_TEST

START_TEST(ephemeral_bad_input)
{
	nsbox_container *c = box_new();
	nsbox_layerset *ls;
	struct snapshot snap;
	char *before, *after, longp[PATH_MAX + 10];
	int code, sig;

	/* setters */
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(NULL, NSBOX_UNLIMITED), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(c, 1), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(c, 4095), -EINVAL);
	ck_assert(contains(nsbox_last_error(), "below one page"));
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(c, 4096), 0);
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(c, 0), 0);
	ck_assert_int_eq(nsbox_container_add_file(NULL, "/a", "x", 0644), -EINVAL);
	ck_assert_int_eq(nsbox_container_add_file(c, NULL, "x", 0644), -EINVAL);
	ck_assert_int_eq(nsbox_container_add_file(c, "/a", NULL, 0644), -EINVAL);
	{
		const char *bad[] = {"",       "etc/hosts", "/",          "/etc/../x", "/..",
				     "/etc//x", "/etc/",    "/./etc/x",   "/etc/.",    "/etc/x/..",
				     "//etc",  "/etc\nx",  "../etc/x",   "./x",       NULL};
		for (size_t i = 0; bad[i]; i++) {
			ck_assert_msg(nsbox_container_add_file(c, bad[i], "x", 0644) == -EINVAL,
				      "accepted \"%s\"", bad[i]);
			ck_assert(contains(nsbox_last_error(), "add file"));
		}
	}
	memset(longp, 'a', sizeof(longp) - 1);
	longp[0] = '/';
	longp[sizeof(longp) - 1] = '\0';
	ck_assert_int_eq(nsbox_container_add_file(c, longp, "x", 0644), -EINVAL);
	ck_assert_int_eq(nsbox_container_add_file(c, "/a", "x", 010644), -EINVAL);
	ck_assert(contains(nsbox_last_error(), "mode"));
	ck_assert_int_eq(nsbox_container_add_file(c, "/a", "x", 07777), 0);
	nsbox_container_free(c);

	NSBT_REQUIRE_ROOT();
	before = store_digest();
	snap_take(&snap);

	/* ephemeral without layers: -EINVAL at start */
	c = box_new();
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(c, NSBOX_UNLIMITED), 0);
	box_sh(c, "true");
	expect_failure(c, -EINVAL, "needs layers", &snap);

	/* add_file without an ephemeral layer: -EOPNOTSUPP at start, with no
	 * layers and with read-only layers alone */
	c = box_new();
	ck_assert_int_eq(nsbox_container_add_file(c, "/etc/hosts", hosts_text, 0644), 0);
	box_sh(c, "true");
	expect_failure(c, -EOPNOTSUPP, "ephemeral layered root", &snap);
	c = box_new();
	ls = image_layers();
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_container_add_file(c, "/etc/hosts", hosts_text, 0644), 0);
	box_sh(c, "true");
	expect_failure(c, -EOPNOTSUPP, "ephemeral layered root", &snap);

	/* two added paths that clash (a file where a parent dir is needed) */
	c = ephemeral_box(NSBOX_UNLIMITED);
	ck_assert_int_eq(nsbox_container_add_file(c, "/etc/x/y", "y", 0644), 0);
	ck_assert_int_eq(nsbox_container_add_file(c, "/etc/x", "x", 0644), 0);
	box_sh(c, "true");
	expect_failure(c, -EEXIST, "add file /etc/x", &snap);
	after = store_digest();
	digest_same(before, after);
	free(after);
	free(before);
	snap_done(&snap);

	/* a layer set that already has a writable layer: at set, and at start
	 * when the layers come after */
	ls = container_layers("box7");
	snap_take(&snap);
	c = box_new();
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(c, NSBOX_UNLIMITED), -EINVAL);
	ck_assert(contains(nsbox_last_error(), "already has a writable layer"));
	nsbox_container_free(c);
	c = box_new();
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(c, NSBOX_UNLIMITED), 0);
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	box_sh(c, "true");
	expect_failure(c, -EINVAL, "already has a writable layer", &snap);
	snap_done(&snap);
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box7"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box7-init"), 0);

	/* busy after start; off again (0) gives an ordinary read-only root */
	c = ephemeral_box(NSBOX_UNLIMITED);
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(c, 0), 0);
	box_sh(c, "touch /x 2>/dev/null && exit 1; exit 0");
	ck_assert_int_eq(nsbox_container_start(c), 0);
	ck_assert_int_eq(nsbox_container_set_layers_ephemeral(c, 0), -EBUSY);
	ck_assert_int_eq(nsbox_container_add_file(c, "/a", "x", 0644), -EBUSY);
	ck_assert_int_eq(nsbox_container_wait(c, &code, &sig), 0);
	ck_assert_int_eq(code, 0);
	nsbox_container_free(c);
}
END_TEST

/* ---- bad input ------------------------------------------------------------ */

START_TEST(bad_input)
{
	nsbox_container *c = box_new();
	nsbox_cgroup *cg = NULL;
	nsbox_layerset *ls = NULL;
	int fd;

	ck_assert_int_eq(nsbox_container_set_layers(NULL, NULL), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_layers(c, NULL), 0);
	ck_assert_int_eq(nsbox_layerset_new(&ls), 0);
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), -EINVAL); /* no lower */
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_container_set_layers_volatile(NULL, 1), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_cgroup(NULL, NULL), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, NULL), 0);
	/* Not created: accepted (the start makes it); destroyed: refused. */
	ck_assert_int_eq(nsbox_cgroup_new(&cg, "never-made", 0), 0);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), 0);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, NULL), 0);
	nsbox_cgroup_free(cg);
	if (geteuid() == 0) {
		cg = cgroup_make(NSBOX_CGROUP_PIDS);
		ck_assert_int_eq(nsbox_cgroup_destroy(cg), 0);
		ck_assert_int_eq(nsbox_container_set_cgroup(c, cg), -EINVAL);
		ck_assert_msg(contains(nsbox_last_error(), "set cgroup"), "%s", nsbox_last_error());
		nsbox_cgroup_free(cg);
	}
	ck_assert_int_eq(nsbox_container_set_network(NULL, "br", "1.2.3.4/24", NULL), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network(c, "bad name", "1.2.3.4/24", NULL), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network(c, "0123456789abcdef", "1.2.3.4/24", NULL),
			 -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network(c, "br/x", "1.2.3.4/24", NULL), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network(c, "br", NULL, NULL), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network(c, "br", "1.2.3.4/33", NULL), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network(c, "br", "nonsense", NULL), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network(c, "br", "1.2.3.4/24", "1.2.3.999"), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network(c, "br", "1.2.3.4/24", "1.2.3.1/24"), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network(c, "br", "1.2.3.4/24", "fd00::1"), -EINVAL);
	ck_assert(contains(nsbox_last_error(), "different families"));
	ck_assert_int_eq(nsbox_container_set_network(c, "br", "fd00::2/64", "fd00::1"), 0);
	ck_assert_int_eq(nsbox_container_set_network(c, NULL, NULL, NULL), 0);
	ck_assert_int_eq(nsbox_container_set_network_ifname(c, ""), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network_ifname(c, "lo"), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network_ifname(c, "a:b"), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network_ifname(c, "0123456789abcdef"), -EINVAL);
	ck_assert_int_eq(nsbox_container_set_network_ifname(c, "web0"), 0);
	ck_assert_int_eq(nsbox_container_set_network_ifname(c, NULL), 0);
	ck_assert_int_eq(nsbox_container_set_network_host(c, -5), -EBADF);
	ck_assert_int_eq(nsbox_container_set_network_host(c, 999), -EBADF);
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(nsbox_container_set_network_host(c, fd), -EINVAL);
	close(fd);
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_eq(nsbox_container_set_network_host(c, fd), 0);
	close(fd);
	ck_assert_int_eq(nsbox_container_set_network_host(c, -1), 0);

	/* Inconsistent at start: a network without a network namespace, layers
	 * without a mount namespace. */
	ck_assert_int_eq(nsbox_container_set_network(c, "br", "1.2.3.4/24", NULL), 0);
	ck_assert_int_eq(nsbox_container_set_namespaces(c, NSBOX_NS_MOUNT), 0);
	box_sh(c, "true");
	ck_assert_int_eq(nsbox_container_start(c), -EINVAL);
	ck_assert(contains(nsbox_last_error(), "network namespace"));
	nsbox_container_free(c);
}
END_TEST

START_TEST(bad_input_layers_need_mount_ns_and_busy_after_start)
{
	nsbox_container *c = box_new();
	nsbox_layerset *ls;
	int code, sig;

	NSBT_REQUIRE_ROOT();
	ls = container_layers("box6");
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), 0);
	ck_assert_int_eq(nsbox_container_set_namespaces(c, NSBOX_NS_PID), 0);
	box_sh(c, "true");
	ck_assert_int_eq(nsbox_container_start(c), -EINVAL);
	ck_assert(contains(nsbox_last_error(), "mount namespace"));
	ck_assert_int_eq(nsbox_container_set_namespaces(c, NSBOX_NS_DEFAULT), 0);
	ck_assert_int_eq(nsbox_container_start(c), 0);
	ck_assert_int_eq(nsbox_container_set_layers(c, ls), -EBUSY);
	ck_assert_int_eq(nsbox_container_set_cgroup(c, NULL), -EBUSY);
	ck_assert_int_eq(nsbox_container_set_network(c, NULL, NULL, NULL), -EBUSY);
	ck_assert_int_eq(nsbox_container_set_network_ifname(c, NULL), -EBUSY);
	ck_assert_int_eq(nsbox_container_set_network_host(c, -1), -EBUSY);
	ck_assert_int_eq(nsbox_container_set_layers_volatile(c, 0), -EBUSY);
	ck_assert_int_eq(nsbox_container_wait(c, &code, &sig), 0);
	ck_assert_int_eq(code, 0);
	nsbox_container_free(c);
	nsbox_layerset_free(ls);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box6"), 0);
	ck_assert_int_eq(nsbox_layer_store_remove_layer(store, "box6-init"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("integration");
	TCase *tc;

	tc = tcase_create("layers");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, layered_root_writes_and_whiteouts);
	tcase_add_test(tc, layered_root_volatile_and_commit);
	tcase_add_test(tc, layered_root_500_layers);
	tcase_add_test(tc, layered_root_in_user_ns);
	tcase_add_test(tc, layered_root_in_unprivileged_user_ns);
	suite_add_tcase(s, tc);

	tc = tcase_create("cgroup");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, cgroup_join_v1_and_v2);
	tcase_add_test(tc, cgroup_join_without_clone3);
	tcase_add_test(tc, cgroup_made_by_the_start);
	tcase_add_test(tc, cgroup_made_by_the_start_stays_with_a_running_container);
	tcase_add_test(tc, cgroup_made_by_the_start_outlived_by_a_stranger);
	tcase_add_test(tc, cgroup_pids_limit_acts_inside);
	suite_add_tcase(s, tc);

	tc = tcase_create("network");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, two_containers_ping_on_a_bridge);
	tcase_add_test(tc, network_in_another_host_namespace);
	tcase_add_test(tc, full_container);
	suite_add_tcase(s, tc);

	tc = tcase_create("failures");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, fail_route_refused_undoes_veth_and_new_bridge);
	tcase_add_test(tc, fail_address_refused);
	tcase_add_test(tc, fail_bridge_name_is_a_plain_link);
	tcase_add_test(tc, fail_cgroup_removed);
	tcase_add_test(tc, fail_cgroup_refuses_the_task);
	tcase_add_test(tc, fail_layer_removed_from_under_the_chain);
	tcase_add_test(tc, fail_in_the_child_after_everything);
	tcase_add_test(tc, fail_cgroup_made_by_the_start);
	tcase_add_test(tc, fail_child_network_namespace);
	suite_add_tcase(s, tc);

	tc = tcase_create("ephemeral");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ephemeral_root_leaves_the_store_untouched);
	tcase_add_test(tc, ephemeral_root_is_limited_in_size);
	tcase_add_test(tc, layers_in_use_by_a_container_are_not_removed);
	tcase_add_test(tc, ephemeral_bad_input);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad-input");
	tcase_add_checked_fixture(tc, setup_store, teardown_store);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, bad_input_layers_need_mount_ns_and_busy_after_start);
	suite_add_tcase(s, tc);

	return nsbt_main(s, "integration");
}
