/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cgroup v2 backend: the unified hierarchy. cpu.max, cpu.weight,
 * memory.{max,high,low,swap.max}, io.weight, cpu.stat, memory.events,
 * cgroup.freeze with cgroup.events.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-internal.h"
#include "macro.h"
#include "system.h"
#include "util.h"

static void fmt_limit(char *buf, size_t len, uint64_t v)
{
	if (v == NSBOX_UNLIMITED)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
}

static int v2_set_cpu_max(nsbox_cgroup *cg, struct cg_hier *h, uint64_t quota, uint64_t period)
{
	char q[32], buf[64];

	fmt_limit(q, sizeof(q), quota);
	if (period)
		snprintf(buf, sizeof(buf), "%s %llu", q, (unsigned long long)period);
	else
		snprintf(buf, sizeof(buf), "%s", q); /* the kernel keeps the period */
	return cgroup_write(cg, h, "cpu.max", buf);
}

static int v2_get_cpu_max(nsbox_cgroup *cg, struct cg_hier *h, uint64_t *quota, uint64_t *period)
{
	nsb_autofree char *s = NULL;
	char q[32];
	unsigned long long p;
	int r;

	r = cgroup_read(cg, h, "cpu.max", &s);
	if (r < 0)
		return r;
	if (sscanf(s, "%31s %llu", q, &p) != 2)
		return nsb_set_error_msg(-EIO, "read %s/cpu.max: unexpected content \"%.40s\"", h->path,
					 s);
	if (strcmp(q, "max") == 0)
		*quota = NSBOX_UNLIMITED;
	else if (nsb_parse_u64(q, quota) < 0)
		return nsb_set_error_msg(-EIO, "read %s/cpu.max: bad quota \"%s\"", h->path, q);
	*period = p;
	return 0;
}

static int v2_set_cpu_weight(nsbox_cgroup *cg, struct cg_hier *h, uint64_t weight)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)weight);
	return cgroup_write(cg, h, "cpu.weight", buf);
}

static int v2_get_cpu_weight(nsbox_cgroup *cg, struct cg_hier *h, uint64_t *weight)
{
	return cgroup_read_u64(cg, h, "cpu.weight", weight);
}

static const char *const v2_mem_file[] = {"memory.max", "memory.high", "memory.low",
					  "memory.swap.max"};

/* The API's "memory plus swap" is memory.max + memory.swap.max on v2. */
static int v2_set_memory(nsbox_cgroup *cg, struct cg_hier *h, int which, uint64_t bytes)
{
	char buf[32];
	uint64_t mem;
	int r;

	if (which == 3) {
		if (!cgroup_has_file(h, "memory.swap.max"))
			return nsb_set_error_msg(-EOPNOTSUPP,
						 "set memory+swap max of cgroup %s: no memory.swap.max "
						 "(kernel without swap accounting)",
						 cg->name);
		if (bytes != NSBOX_UNLIMITED) {
			r = cgroup_read_u64(cg, h, "memory.max", &mem);
			if (r < 0)
				return r;
			if (mem == NSBOX_UNLIMITED)
				return nsb_set_error_msg(
					-EINVAL,
					"set memory+swap max of cgroup %s: on cgroup v2 it is written as "
					"memory.swap.max = total - memory.max, so set a memory max first",
					cg->name);
			if (bytes < mem)
				return nsb_set_error_msg(-EINVAL,
							 "set memory+swap max of cgroup %s: %llu bytes "
							 "is below the memory max (%llu bytes)",
							 cg->name, (unsigned long long)bytes,
							 (unsigned long long)mem);
			bytes -= mem;
		}
	}
	fmt_limit(buf, sizeof(buf), bytes);
	return cgroup_write(cg, h, v2_mem_file[which], buf);
}

static int v2_get_memory(nsbox_cgroup *cg, struct cg_hier *h, int which, uint64_t *bytes)
{
	uint64_t mem, swap;
	int r;

	if (which != 3)
		return cgroup_read_u64(cg, h, v2_mem_file[which], bytes);
	if (!cgroup_has_file(h, "memory.swap.max"))
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "get memory+swap max of cgroup %s: no memory.swap.max",
					 cg->name);
	r = cgroup_read_u64(cg, h, "memory.max", &mem);
	if (r == 0)
		r = cgroup_read_u64(cg, h, "memory.swap.max", &swap);
	if (r < 0)
		return r;
	*bytes = mem == NSBOX_UNLIMITED || swap == NSBOX_UNLIMITED ? NSBOX_UNLIMITED : mem + swap;
	return 0;
}

static int v2_set_io_weight(nsbox_cgroup *cg, struct cg_hier *h, uint64_t weight)
{
	char buf[40];

	snprintf(buf, sizeof(buf), "default %llu", (unsigned long long)weight);
	return cgroup_write(cg, h, "io.weight", buf);
}

static int v2_get_io_weight(nsbox_cgroup *cg, struct cg_hier *h, uint64_t *weight)
{
	nsb_autofree char *s = NULL;
	unsigned long long w;
	char *p;
	int r;

	r = cgroup_read(cg, h, "io.weight", &s);
	if (r < 0)
		return r;
	p = strstr(s, "default ");
	if (!p || sscanf(p + 8, "%llu", &w) != 1)
		return nsb_set_error_msg(-EIO, "read %s/io.weight: no default weight", h->path);
	*weight = w;
	return 0;
}

static int v2_stat(nsbox_cgroup *cg, struct cg_hier *h, int stat, uint64_t *out)
{
	const char *key;
	int r;

	switch (stat) {
	case NSBOX_CGROUP_STAT_CPU_USAGE_US:
		return cgroup_read_keyed(cg, h, "cpu.stat", "usage_usec", out);
	case NSBOX_CGROUP_STAT_CPU_USER_US:
		return cgroup_read_keyed(cg, h, "cpu.stat", "user_usec", out);
	case NSBOX_CGROUP_STAT_CPU_SYSTEM_US:
		return cgroup_read_keyed(cg, h, "cpu.stat", "system_usec", out);
	case NSBOX_CGROUP_STAT_CPU_PERIODS:
		key = "nr_periods";
		break;
	case NSBOX_CGROUP_STAT_CPU_THROTTLED:
		key = "nr_throttled";
		break;
	case NSBOX_CGROUP_STAT_CPU_THROTTLED_US:
		key = "throttled_usec";
		break;
	case NSBOX_CGROUP_STAT_MEMORY_CURRENT:
		return cgroup_read_u64(cg, h, "memory.current", out);
	case NSBOX_CGROUP_STAT_MEMORY_PEAK:
		if (!cgroup_has_file(h, "memory.peak"))
			return nsb_set_error_msg(-EOPNOTSUPP,
						 "read memory peak of cgroup %s: no memory.peak "
						 "(kernel older than 5.19)",
						 cg->name);
		return cgroup_read_u64(cg, h, "memory.peak", out);
	case NSBOX_CGROUP_STAT_OOM_KILLS:
		return cgroup_read_keyed(cg, h, "memory.events", "oom_kill", out);
	case NSBOX_CGROUP_STAT_PIDS_CURRENT:
		return cgroup_read_u64(cg, h, "pids.current", out);
	default:
		return -EINVAL;
	}
	r = cgroup_read_keyed(cg, h, "cpu.stat", key, out);
	if (r == -ENODATA)
		return nsb_set_error_msg(-EOPNOTSUPP,
					 "read %s of cgroup %s: cpu.stat has no bandwidth figures (the "
					 "cpu controller is not enabled for this group)",
					 key, cg->name);
	return r;
}

/* "frozen 0|1" in cgroup.events, or -1 when unreadable. */
static int events_frozen(int fd)
{
	char buf[256];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	char *p;

	if (n < 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "frozen ");
	return p ? p[7] == '1' : -1;
}

/* Write cgroup.freeze, then wait for cgroup.events to agree (it notifies). */
static int v2_freeze(nsbox_cgroup *cg, struct cg_hier *h, bool frozen)
{
	uint64_t deadline = cgroup_now_us() + cg->timeout_us;
	nsb_autoclose int fd = -EBADF;
	int r;

	r = cgroup_write(cg, h, "cgroup.freeze", frozen ? "1" : "0");
	if (r < 0)
		return r;
	fd = openat(h->dfd, "cgroup.events", O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = NSB_NEG_ERRNO();
		return nsb_set_error(r, "%s cgroup %s: open %s/cgroup.events",
				     frozen ? "freeze" : "thaw", cg->name, h->path);
	}
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLPRI};
		uint64_t now = cgroup_now_us();
		int f = events_frozen(fd);

		if (f == (frozen ? 1 : 0))
			return 0;
		if (f < 0)
			return nsb_set_error_msg(-EIO, "%s cgroup %s: %s/cgroup.events has no frozen "
						       "entry",
						 frozen ? "freeze" : "thaw", cg->name, h->path);
		if (now >= deadline)
			break;
		/* Poll in short slices too, in case a notification is missed. */
		(void)poll(&pfd, 1, (int)((deadline - now) / 1000 > 20 ? 20 : (deadline - now) / 1000 + 1));
	}
	if (frozen)
		(void)nsb_write_string_at(h->dfd, "cgroup.freeze", "0");
	return nsb_set_error_msg(-ETIMEDOUT, "%s cgroup %s: %s/cgroup.events not frozen %d after "
					     "%llu ms%s",
				 frozen ? "freeze" : "thaw", cg->name, h->path, frozen ? 1 : 0,
				 (unsigned long long)(cg->timeout_us / 1000),
				 frozen ? " (thawed again)" : "");
}

const struct cgroup_ops cgroup_v2_ops = {
	.set_cpu_max = v2_set_cpu_max,
	.get_cpu_max = v2_get_cpu_max,
	.set_cpu_weight = v2_set_cpu_weight,
	.get_cpu_weight = v2_get_cpu_weight,
	.set_memory = v2_set_memory,
	.get_memory = v2_get_memory,
	.set_io_weight = v2_set_io_weight,
	.get_io_weight = v2_get_io_weight,
	.stat = v2_stat,
	.freeze = v2_freeze,
	.init_group = NULL,
};
