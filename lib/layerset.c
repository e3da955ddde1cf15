/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The layerset module: placeholder until its issue lands. */
#include <nsbox/layerset.h>
