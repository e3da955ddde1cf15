/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsbox-bench-mkimage STORE ROOTFS_DIR ID: open (or create) the layer store
 * STORE and import the directory ROOTFS_DIR as the committed layer ID, the
 * image bench/start.sh runs its layered containers on.
 */
#include <stdio.h>

#include <nsbox/nsbox.h>

int main(int argc, char **argv)
{
	nsbox_layer_store *st = NULL;
	char *id = NULL;
	int r;

	if (argc != 4) {
		fprintf(stderr, "usage: nsbox-bench-mkimage STORE ROOTFS_DIR ID\n");
		return 2;
	}
	r = nsbox_layer_store_open(&st, argv[1], NSBOX_LAYER_STORE_CREATE);
	if (r >= 0)
		r = nsbox_layer_store_import_dir(st, argv[3], NULL, argv[2], &id);
	if (r < 0) {
		fprintf(stderr, "nsbox-bench-mkimage: %s\n", nsbox_last_error());
		nsbox_layer_store_free(st);
		return 1;
	}
	printf("%s\n", id);
	nsbox_free(id);
	nsbox_layer_store_free(st);
	return 0;
}
