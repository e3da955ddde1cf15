/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container module: placeholder until its issue lands. */
#include <nsbox/container.h>
