/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox container module. See nsbox_container(3).
 */
#ifndef NSBOX_CONTAINER_H
#define NSBOX_CONTAINER_H

#include <stdint.h>
#include <sys/types.h>

#include <nsbox/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Opaque handle; see nsbox(7). */
typedef struct nsbox_container nsbox_container;

#ifdef __cplusplus
}
#endif

#endif /* NSBOX_CONTAINER_H */
