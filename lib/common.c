/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The exported functions of include/nsbox/common.h. */
#include <errno.h>
#include <stdlib.h>

#include <nsbox/common.h>

#include "config.h"

#include "error.h"
#include "macro.h"

NSB_EXPORT const char *nsbox_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = NSB_VERSION_MAJOR;
	if (minor)
		*minor = NSB_VERSION_MINOR;
	if (patch)
		*patch = NSB_VERSION_PATCH;
	return NSB_VERSION_STRING;
}

NSB_EXPORT const char *nsbox_last_error(void)
{
	return nsb_error_get();
}

NSB_EXPORT void nsbox_free(void *ptr)
{
	free(ptr);
}

NSB_EXPORT int nsbox_check_version(int major, int minor)
{
	NSB_CHECK_ARG(major >= 0);
	NSB_CHECK_ARG(minor >= 0);

	if (major != NSB_VERSION_MAJOR || minor > NSB_VERSION_MINOR)
		return nsb_set_error_msg(-ENOTSUP,
					 "check library version: libnsbox %s is loaded, %d.%d "
					 "(same major, at least that minor) is needed",
					 NSB_VERSION_STRING, major, minor);
	return 0;
}
