/* Built outside the tree with nothing but `pkg-config --cflags --libs nsbox`. */
#include <stdio.h>

#include <nsbox/nsbox.h>

int main(void)
{
	int major, minor, patch;
	const char *v = nsbox_version(&major, &minor, &patch);

	if (nsbox_check_version(NSBOX_VERSION_MAJOR, NSBOX_VERSION_MINOR) < 0) {
		fprintf(stderr, "out-of-tree: %s\n", nsbox_last_error());
		return 1;
	}
	printf("out-of-tree: linked against libnsbox %s (%d.%d.%d)\n", v, major, minor, patch);
	return 0;
}
