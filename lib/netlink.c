/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The netlink module: placeholder until its issue lands. */
#include <nsbox/netlink.h>
