/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nsbox-image: a small front end to the layer store, for the demo and for
 * people trying libnsbox by hand. Every subcommand is one or two library
 * calls; errors print nsbox_last_error().
 *
 *   nsbox-image import STORE DIR ID [PARENT]   a directory as a layer
 *   nsbox-image import-tar STORE FILE ID [PARENT]
 *   nsbox-image export-tar STORE ID FILE       (gzip when FILE ends in .gz)
 *   nsbox-image ls STORE                       layers, with link and lower files
 *   nsbox-image chain STORE ID                 a layer and its parents, top first
 *   nsbox-image inspect STORE ID               GraphDriver.Data of a container on ID
 *   nsbox-image commit STORE FROM ID           a writable layer as a new image layer
 *   nsbox-image rm STORE ID...                 remove layers (children first)
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nsbox/nsbox.h>

static int fail(const char *what, int r)
{
	fprintf(stderr, "nsbox-image %s: %s (errno %d)\n", what, nsbox_last_error(), -r);
	return 1;
}

static void print_file(const char *store, const char *id, const char *name)
{
	char path[4096], buf[8192];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s/%s", store, id, name);
	f = fopen(path, "re");
	if (!f) {
		printf("    %-6s (none)\n", name);
		return;
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	printf("    %-6s %s\n", name, buf);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: nsbox-image import STORE DIR ID [PARENT]\n"
		"       nsbox-image import-tar STORE FILE ID [PARENT]\n"
		"       nsbox-image export-tar STORE ID FILE\n"
		"       nsbox-image ls STORE\n"
		"       nsbox-image chain STORE ID\n"
		"       nsbox-image inspect STORE ID\n"
		"       nsbox-image commit STORE FROM ID\n"
		"       nsbox-image rm STORE ID...\n");
	return 2;
}

int main(int argc, char **argv)
{
	nsbox_layer_store *st = NULL;
	const char *cmd;
	int r, ret = 0;

	if (argc < 3)
		return usage();
	cmd = argv[1];
	r = nsbox_layer_store_open(&st, argv[2], NSBOX_LAYER_STORE_CREATE);
	if (r < 0)
		return fail("open store", r);

	if (strcmp(cmd, "import") == 0 && (argc == 5 || argc == 6)) {
		r = nsbox_layer_store_import_dir(st, argv[4], argc == 6 ? argv[5] : NULL, argv[3],
						 NULL);
		ret = r < 0 ? fail("import", r) : 0;
		if (r >= 0)
			printf("imported %s as layer %s\n", argv[3], argv[4]);
	} else if (strcmp(cmd, "import-tar") == 0 && (argc == 5 || argc == 6)) {
		int fd = open(argv[3], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			perror(argv[3]);
			ret = 1;
		} else {
			r = nsbox_layer_store_import_tar(st, argv[4], argc == 6 ? argv[5] : NULL, fd,
							 NULL);
			close(fd);
			ret = r < 0 ? fail("import-tar", r) : 0;
		}
	} else if (strcmp(cmd, "export-tar") == 0 && argc == 5) {
		size_t len = strlen(argv[4]);
		uint32_t flags = len > 3 && strcmp(argv[4] + len - 3, ".gz") == 0
					 ? NSBOX_LAYER_TAR_GZIP
					 : 0;
		int fd = open(argv[4], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			perror(argv[4]);
			ret = 1;
		} else {
			r = nsbox_layer_store_export_tar(st, argv[3], fd, flags);
			close(fd);
			ret = r < 0 ? fail("export-tar", r) : 0;
		}
	} else if (strcmp(cmd, "ls") == 0 && argc == 3) {
		char **ids = NULL;
		r = nsbox_layer_store_list(st, &ids);
		if (r < 0) {
			ret = fail("ls", r);
		} else {
			printf("%d layer(s) in %s\n", r, nsbox_layer_store_path(st));
			for (char **p = ids; *p; p++) {
				printf("  %s\n", *p);
				print_file(nsbox_layer_store_path(st), *p, "link");
				print_file(nsbox_layer_store_path(st), *p, "lower");
			}
			nsbox_free(ids);
		}
	} else if (strcmp(cmd, "chain") == 0 && argc == 4) {
		char **ids = NULL;
		r = nsbox_layer_store_parent_chain(st, argv[3], &ids);
		if (r < 0) {
			ret = fail("chain", r);
		} else {
			for (char **p = ids; *p; p++)
				printf("%s\n", *p);
			nsbox_free(ids);
		}
	} else if (strcmp(cmd, "inspect") == 0 && argc == 4) {
		nsbox_layerset *ls = NULL;
		char *json = NULL;
		r = nsbox_layerset_new_from_store(&ls, st, argv[3], 0);
		if (r >= 0)
			r = nsbox_layerset_inspect(ls, NSBOX_LAYERSET_INSPECT_JSON, &json);
		if (r < 0)
			ret = fail("inspect", r);
		else
			printf("%s\n", json);
		nsbox_free(json);
		nsbox_layerset_free(ls);
	} else if (strcmp(cmd, "commit") == 0 && argc == 5) {
		r = nsbox_layer_store_commit(st, argv[3], argv[4], NULL);
		ret = r < 0 ? fail("commit", r) : 0;
		if (r >= 0)
			printf("committed the writable layer %s as layer %s\n", argv[3], argv[4]);
	} else if (strcmp(cmd, "rm") == 0 && argc >= 4) {
		for (int i = 3; i < argc; i++) {
			r = nsbox_layer_store_remove_layer(st, argv[i]);
			if (r < 0) {
				ret = fail("rm", r);
				break;
			}
		}
	} else {
		ret = usage();
	}
	nsbox_layer_store_free(st);
	return ret;
}
