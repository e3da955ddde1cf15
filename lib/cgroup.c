/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The cgroup module: placeholder until its issue lands. */
#include <nsbox/cgroup.h>
