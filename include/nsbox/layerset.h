/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox layerset module. See nsbox_layerset(3).
 */
#ifndef NSBOX_LAYERSET_H
#define NSBOX_LAYERSET_H

#include <stdint.h>
#include <sys/types.h>

#include <nsbox/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle; see nsbox(7). */
typedef struct nsbox_layerset nsbox_layerset;

#ifdef __cplusplus
}
#endif

#endif /* NSBOX_LAYERSET_H */
