/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cgroup v1 backend: one hierarchy per controller (or co-mounted set).
 * cpu.cfs_quota_us/cpu.cfs_period_us, cpu.shares, memory.limit_in_bytes,
 * memory.memsw.limit_in_bytes, blkio.weight, cpuacct.*, freezer.state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-internal.h"
#include "macro.h"
#include "system.h"
#include "util.h"

static int v1_set_cpu_max(nsbox_cgroup *cg, struct cg_hier *h, uint64_t quota, uint64_t period)
{
	char q[32], p[32];
	int r;

	if (quota == NSBOX_UNLIMITED)
		snprintf(q, sizeof(q), "-1");
	else
		snprintf(q, sizeof(q), "%llu", (unsigned long long)quota);
	snprintf(p, sizeof(p), "%llu", (unsigned long long)period);
	if (period == 0)
		return cgroup_write(cg, h, "cpu.cfs_quota_us", q);
	/* The kernel checks quota/period together: if the period is refused
	 * against the old quota, set the quota first. */
	if (nsb_write_string_at(h->dfd, "cpu.cfs_period_us", p) == 0)
		return cgroup_write(cg, h, "cpu.cfs_quota_us", q);
	r = cgroup_write(cg, h, "cpu.cfs_quota_us", q);
	if (r < 0)
		return r;
	return cgroup_write(cg, h, "cpu.cfs_period_us", p);
}

static int v1_get_cpu_max(nsbox_cgroup *cg, struct cg_hier *h, uint64_t *quota, uint64_t *period)
{
	int r = cgroup_read_u64(cg, h, "cpu.cfs_quota_us", quota);

	if (r < 0)
		return r;
	return cgroup_read_u64(cg, h, "cpu.cfs_period_us", period);
}

/* The kernel's own mapping: weight 100 (v2 default) is 1024 shares (v1 default). */
static int v1_set_cpu_weight(nsbox_cgroup *cg, struct cg_hier *h, uint64_t weight)
{
	char buf[32];
	uint64_t shares = (weight * 1024 + 50) / 100;

	if (shares < 2)
		shares = 2;
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)shares);
	return cgroup_write(cg, h, "cpu.shares", buf);
}

static int v1_get_cpu_weight(nsbox_cgroup *cg, struct cg_hier *h, uint64_t *weight)
{
	uint64_t shares, w;
	int r = cgroup_read_u64(cg, h, "cpu.shares", &shares);

	if (r < 0)
		return r;
	w = (shares * 100 + 512) / 1024;
	*weight = w < 1 ? 1 : w > 10000 ? 10000 : w;
	return 0;
}

static const char *const v1_mem_file[] = {"memory.limit_in_bytes", NULL, NULL,
					  "memory.memsw.limit_in_bytes"};

static int v1_set_memory(nsbox_cgroup *cg, struct cg_hier *h, int which, uint64_t bytes)
{
	char buf[32];
	uint64_t cur = 0, mem = 0;
	int r;

	if (which == 1 || which == 2)
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "set memory %s of cgroup %s: memory.%s is a cgroup v2 limit, "
					 "and the memory controller of this group is on cgroup v1, "
					 "which has no equivalent",
					 which == 1 ? "high" : "low", cg->name, which == 1 ? "high" : "low");
	if (which == 3 && !cgroup_has_file(h, "memory.memsw.limit_in_bytes"))
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "set memory+swap max of cgroup %s: the kernel does no swap "
					 "accounting (no memory.memsw.limit_in_bytes; boot with "
					 "swapaccount=1)",
					 cg->name);
	if (bytes == NSBOX_UNLIMITED)
		snprintf(buf, sizeof(buf), "-1");
	else
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)bytes);
	if (which == 3 && bytes != NSBOX_UNLIMITED &&
	    nsb_read_u64_at(h->dfd, "memory.limit_in_bytes", &mem) == 0 && bytes < mem &&
	    mem >= (UINT64_C(1) << 62))
		return nsb_set_error_msg(-EINVAL,
					 "set memory+swap max of cgroup %s: the memory max is "
					 "unlimited, and memory plus swap cannot be less than memory: "
					 "set a memory max first",
					 cg->name);
	if (which == 3 && bytes != NSBOX_UNLIMITED && bytes < mem && mem < (UINT64_C(1) << 62))
		return nsb_set_error_msg(-EINVAL,
					 "set memory+swap max of cgroup %s: %llu bytes is below the "
					 "memory max (%llu bytes); memory plus swap cannot be less than "
					 "memory",
					 cg->name, (unsigned long long)bytes, (unsigned long long)mem);
	r = nsb_write_string_at(h->dfd, v1_mem_file[which], buf);
	if (r == 0)
		return 0;
	if (r == -EBUSY && which == 0) {
		(void)nsb_read_u64_at(h->dfd, "memory.usage_in_bytes", &cur);
		return nsb_set_error(r,
				     "set memory max of cgroup %s to %llu bytes: the group uses %llu "
				     "bytes and the kernel could not reclaim it below the new limit",
				     cg->name, (unsigned long long)bytes, (unsigned long long)cur);
	}
	if (r == -EINVAL && which == 0 && cgroup_has_file(h, "memory.memsw.limit_in_bytes"))
		return nsb_set_error(r,
				     "set memory max of cgroup %s to %llu bytes: above the memory+swap "
				     "max? (raise that first)",
				     cg->name, (unsigned long long)bytes);
	if (r == -ENOENT)
		return cgroup_write(cg, h, v1_mem_file[which], buf); /* explains it */
	return nsb_set_error(r, "write %s to %s/%s", buf, h->path, v1_mem_file[which]);
}

static int v1_get_memory(nsbox_cgroup *cg, struct cg_hier *h, int which, uint64_t *bytes)
{
	int r;

	if (which == 1 || which == 2)
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "get memory %s of cgroup %s: a cgroup v2 limit; the memory "
					 "controller of this group is on cgroup v1",
					 which == 1 ? "high" : "low", cg->name);
	if (which == 3 && !cgroup_has_file(h, "memory.memsw.limit_in_bytes"))
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "get memory+swap max of cgroup %s: no swap accounting",
					 cg->name);
	r = cgroup_read_u64(cg, h, v1_mem_file[which], bytes);
	/* v1 says "no limit" as PAGE_COUNTER_MAX pages, a huge round number. */
	if (r == 0 && *bytes >= (UINT64_C(1) << 62))
		*bytes = NSBOX_UNLIMITED;
	return r;
}

/*
 * blkio.weight is 10..1000 (blkio.bfq.weight 1..1000) with default 500;
 * the v2 io.weight default is 100. Scale so the defaults meet (x5) and
 * clamp, as systemd does: 100 <-> 500, and weights above 200 saturate.
 */
static uint64_t io_to_blkio(uint64_t w, uint64_t lo)
{
	uint64_t b = w * 5;
	return b < lo ? lo : b > 1000 ? 1000 : b;
}

static int v1_set_io_weight(nsbox_cgroup *cg, struct cg_hier *h, uint64_t weight)
{
	char buf[32];

	if (cgroup_has_file(h, "blkio.weight")) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)io_to_blkio(weight, 10));
		return cgroup_write(cg, h, "blkio.weight", buf);
	}
	if (cgroup_has_file(h, "blkio.bfq.weight")) {
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)io_to_blkio(weight, 1));
		return cgroup_write(cg, h, "blkio.bfq.weight", buf);
	}
	return nsb_set_error_msg(-EOPNOTSUPP,
				 "set io weight of cgroup %s: the v1 blkio controller here has no "
				 "blkio.weight or blkio.bfq.weight (no proportional I/O scheduler)",
				 cg->name);
}

static int v1_get_io_weight(nsbox_cgroup *cg, struct cg_hier *h, uint64_t *weight)
{
	uint64_t w;
	int r;

	if (cgroup_has_file(h, "blkio.weight")) {
		r = cgroup_read_u64(cg, h, "blkio.weight", &w);
		if (r == 0)
			*weight = w < 5 ? 1 : (w + 2) / 5;
		return r;
	}
	if (cgroup_has_file(h, "blkio.bfq.weight")) {
		r = cgroup_read_u64(cg, h, "blkio.bfq.weight", &w);
		if (r == 0)
			*weight = w < 5 ? 1 : (w + 2) / 5;
		return r;
	}
	return nsb_set_error_msg(-EOPNOTSUPP,
				 "get io weight of cgroup %s: no blkio.weight or blkio.bfq.weight",
				 cg->name);
}

static int v1_stat(nsbox_cgroup *cg, struct cg_hier *h, int stat, uint64_t *out)
{
	uint64_t v;
	int r;

	switch (stat) {
	case NSBOX_CGROUP_STAT_CPU_USAGE_US:
		r = cgroup_read_u64(cg, h, "cpuacct.usage", &v);
		break;
	case NSBOX_CGROUP_STAT_CPU_USER_US:
		r = cgroup_read_u64(cg, h, "cpuacct.usage_user", &v);
		break;
	case NSBOX_CGROUP_STAT_CPU_SYSTEM_US:
		r = cgroup_read_u64(cg, h, "cpuacct.usage_sys", &v);
		break;
	case NSBOX_CGROUP_STAT_CPU_PERIODS:
		return cgroup_read_keyed(cg, h, "cpu.stat", "nr_periods", out);
	case NSBOX_CGROUP_STAT_CPU_THROTTLED:
		return cgroup_read_keyed(cg, h, "cpu.stat", "nr_throttled", out);
	case NSBOX_CGROUP_STAT_CPU_THROTTLED_US:
		r = cgroup_read_keyed(cg, h, "cpu.stat", "throttled_time", &v);
		break;
	case NSBOX_CGROUP_STAT_MEMORY_CURRENT:
		return cgroup_read_u64(cg, h, "memory.usage_in_bytes", out);
	case NSBOX_CGROUP_STAT_MEMORY_PEAK:
		return cgroup_read_u64(cg, h, "memory.max_usage_in_bytes", out);
	case NSBOX_CGROUP_STAT_OOM_KILLS:
		r = cgroup_read_keyed(cg, h, "memory.oom_control", "oom_kill", out);
		if (r == -ENODATA)
			return nsb_set_error_msg(-EOPNOTSUPP,
						 "read OOM kills of cgroup %s: this kernel's v1 "
						 "memory.oom_control does not count them",
						 cg->name);
		return r;
	case NSBOX_CGROUP_STAT_PIDS_CURRENT:
		return cgroup_read_u64(cg, h, "pids.current", out);
	default:
		return -EINVAL;
	}
	if (r == 0)
		*out = v / 1000; /* nanoseconds */
	return r;
}

/* freezer.state: THAWED, FREEZING, FROZEN. Writing FROZEN again retries. */
static int v1_freeze(nsbox_cgroup *cg, struct cg_hier *h, bool frozen)
{
	const char *want = frozen ? "FROZEN" : "THAWED";
	uint64_t deadline = cgroup_now_us() + cg->timeout_us;
	unsigned round = 0;
	int r;

	for (;;) {
		nsb_autofree char *s = NULL;

		r = cgroup_write(cg, h, "freezer.state", want);
		if (r < 0)
			return r;
		r = cgroup_read(cg, h, "freezer.state", &s);
		if (r < 0)
			return r;
		if (strncmp(s, want, strlen(want)) == 0)
			return 0;
		if (!cgroup_backoff(deadline, &round))
			break;
	}
	if (frozen)
		(void)nsb_write_string_at(h->dfd, "freezer.state", "THAWED");
	return nsb_set_error_msg(-ETIMEDOUT, "%s cgroup %s: %s/freezer.state not %s after %llu ms%s",
				 frozen ? "freeze" : "thaw", cg->name, h->path, want,
				 (unsigned long long)(cg->timeout_us / 1000),
				 frozen ? " (thawed again)" : "");
}

/* A new v1 cpuset group starts with no cpus and mems: copy the parent's. */
static int v1_init_group(nsbox_cgroup *cg, struct cg_hier *h, int parent_dfd, int dfd)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};

	if (!(h->controllers & NSBOX_CGROUP_CPUSET))
		return 0;
	for (size_t i = 0; i < NSB_ARRAY_SIZE(files); i++) {
		nsb_autofree char *mine = NULL, *theirs = NULL;
		int r;

		r = nsb_read_file_at(dfd, files[i], 1 << 16, &mine, NULL);
		if (r == 0 && mine[0] && mine[0] != '\n')
			continue;
		r = nsb_read_file_at(parent_dfd, files[i], 1 << 16, &theirs, NULL);
		if (r < 0)
			return nsb_set_error(r, "create cgroup %s: read the parent's %s", cg->name,
					     files[i]);
		if (!theirs[0] || theirs[0] == '\n')
			continue;
		r = nsb_write_string_at(dfd, files[i], theirs);
		if (r < 0)
			return nsb_set_error(r, "create cgroup %s: copy the parent's %s to %s",
					     cg->name, files[i], h->path);
	}
	return 0;
}

const struct cgroup_ops cgroup_v1_ops = {
	.set_cpu_max = v1_set_cpu_max,
	.get_cpu_max = v1_get_cpu_max,
	.set_cpu_weight = v1_set_cpu_weight,
	.get_cpu_weight = v1_get_cpu_weight,
	.set_memory = v1_set_memory,
	.get_memory = v1_get_memory,
	.set_io_weight = v1_set_io_weight,
	.get_io_weight = v1_get_io_weight,
	.stat = v1_stat,
	.freeze = v1_freeze,
	.init_group = v1_init_group,
};
