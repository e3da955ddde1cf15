/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox: build Linux containers from overlayfs layers, cgroups,
 * rtnetlink and namespaces. This umbrella header includes every module.
 * See nsbox(7).
 */
#ifndef NSBOX_NSBOX_H
#define NSBOX_NSBOX_H

#include <nsbox/common.h>
#include <nsbox/layerset.h>
#include <nsbox/cgroup.h>
#include <nsbox/netlink.h>
#include <nsbox/container.h>

#endif /* NSBOX_NSBOX_H */
