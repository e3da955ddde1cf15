/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox netlink module. See nsbox_netlink(3).
 */
#ifndef NSBOX_NETLINK_H
#define NSBOX_NETLINK_H

#include <stdint.h>
#include <sys/types.h>

#include <nsbox/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle; see nsbox(7). */
typedef struct nsbox_netlink nsbox_netlink;

#ifdef __cplusplus
}
#endif

#endif /* NSBOX_NETLINK_H */
