/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ex-version: the smallest libnsbox program. Checks that the loaded library
 * is the one the headers describe and prints its version. */
#include <stdio.h>

#include <nsbox/nsbox.h>

int main(void)
{
	const char *v = nsbox_version(NULL, NULL, NULL);

	if (nsbox_check_version(NSBOX_VERSION_MAJOR, NSBOX_VERSION_MINOR) < 0) {
		fprintf(stderr, "ex-version: %s\n", nsbox_last_error());
		return 1;
	}
	printf("libnsbox %s: headers %d.%d.%d\n", v, NSBOX_VERSION_MAJOR, NSBOX_VERSION_MINOR,
	       NSBOX_VERSION_PATCH);
	return 0;
}
