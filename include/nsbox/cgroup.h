/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox cgroup module. See nsbox_cgroup(3).
 */
#ifndef NSBOX_CGROUP_H
#define NSBOX_CGROUP_H

#include <stdint.h>
#include <sys/types.h>

#include <nsbox/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle; see nsbox(7). */
typedef struct nsbox_cgroup nsbox_cgroup;

#ifdef __cplusplus
}
#endif

#endif /* NSBOX_CGROUP_H */
