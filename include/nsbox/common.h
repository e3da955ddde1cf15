/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnsbox: what every module shares. The error model, memory ownership,
 * the library version and shared constants. See nsbox(7).
 */
#ifndef NSBOX_COMMON_H
#define NSBOX_COMMON_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of the headers. nsbox_version() gives the loaded library's. */
#define NSBOX_VERSION_MAJOR 0
#define NSBOX_VERSION_MINOR 1
#define NSBOX_VERSION_PATCH 0

/* "No limit", wherever a size, count or time takes one (uint64_t). */
#define NSBOX_UNLIMITED UINT64_MAX

/* Marks a function that will go away with the next SONAME change. */
#if defined(__GNUC__) || defined(__clang__)
#define NSBOX_DEPRECATED __attribute__((deprecated))
#else
#define NSBOX_DEPRECATED
#endif

/**
 * nsbox_version - the version of the loaded library
 * @major: where to store the major version, or NULL
 * @minor: where to store the minor version, or NULL
 * @patch: where to store the patch level, or NULL
 *
 * Lets a caller or a binding check, at run time, which library it loaded
 * (the macros NSBOX_VERSION_* give the headers it was built against).
 *
 * Return: the version as a static string such as "0.1.0", owned by the
 * library and valid for the life of the process. Never fails.
 *
 * Since: NSBOX_0.1
 */
const char *nsbox_version(int *major, int *minor, int *patch);

/**
 * nsbox_check_version - check that the loaded library is new enough
 * @major: the major version the caller needs (must equal the library's)
 * @minor: the lowest minor version the caller needs
 *
 * For bindings and plugins that load libnsbox at run time: a library with
 * the same major version and a minor version at least @minor has every
 * symbol and behaviour the caller was written for.
 *
 * Return: 0 when it does; on failure a negative errno and a message in
 * nsbox_last_error():
 *   -EINVAL   @major or @minor is negative
 *   -ENOTSUP  the loaded library is older, or of another major version
 *
 * Since: NSBOX_0.1
 */
int nsbox_check_version(int major, int minor);

/**
 * nsbox_last_error - the message of the last failure on this thread
 *
 * Every libnsbox function that fails returns a negative errno and leaves a
 * message here that names the step and the object, then the cause, such as
 * "mount overlay on /x/merged: Invalid argument". The message is only
 * meaningful right after a call that failed; a successful call may leave
 * an older message in place.
 *
 * Return: a NUL-terminated string owned by the library, valid until the
 * next libnsbox call on the same thread. Never NULL; "" when no call on
 * this thread has failed yet. Never fails.
 *
 * Since: NSBOX_0.1
 */
const char *nsbox_last_error(void);

/**
 * nsbox_free - release memory that libnsbox handed to the caller
 * @ptr: memory a libnsbox function documented as "free with nsbox_free()",
 *       or NULL
 *
 * Use this, never free(), on library memory: the library and the caller may
 * use different allocators.
 *
 * Since: NSBOX_0.1
 */
void nsbox_free(void *ptr);

#ifdef __cplusplus
}
#endif

#endif /* NSBOX_COMMON_H */
