#!/bin/sh
# Install the build into a DESTDIR, then build and run tests/out-of-tree/main.c
# against it with only `pkg-config --cflags --libs nsbox`.
# Usage: run.sh BUILD_DIR SOURCE_DIR
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
dest=$(mktemp -d /tmp/nsbox-destdir-XXXXXX)
trap 'rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet >/dev/null
pc=$(find "$dest" -name nsbox.pc | head -n1)
[ -n "$pc" ] || { echo "FAIL: nsbox.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$dest"
flags=$(pkg-config --cflags --libs nsbox)
echo "pkg-config --cflags --libs nsbox: $flags"
${CC:-cc} ${NSBT_EXTRA_CFLAGS:-} -Wall -Werror -o "$dest/out-of-tree" "$src/tests/out-of-tree/main.c" $flags
libdir=$(dirname "$(find "$dest" -name 'libnsbox.so.0' | head -n1)")
LD_LIBRARY_PATH="$libdir" "$dest/out-of-tree"
# The installed man pages render.
man -l "$(find "$dest" -name nsbox.7 | head -n1)" >/dev/null 2>&1 || true
[ -n "$(find "$dest" -name nsbox.7)" ] || { echo "FAIL: nsbox(7) was not installed"; exit 1; }
# Every function has a page of its own name (an alias of its group page).
man3=$(dirname "$(find "$dest" -name nsbox_free.3 | head -n1)")
for f in nsbox_cgroup_destroy nsbox_netlink_set_mtu nsbox_layer_store_open nsbox_container_run; do
	[ -f "$man3/$f.3" ] || { echo "FAIL: no man page named $f.3"; exit 1; }
	(cd "$man3/.." && man -l "man3/$f.3" 2>/dev/null | grep -q "$f") ||
		{ echo "FAIL: man3/$f.3 does not render"; exit 1; }
done
[ -f "$(find "$dest" -path '*include/nsbox/nsbox.h' | head -n1)" ] || { echo "FAIL: headers not installed"; exit 1; }
echo "out-of-tree: passed"
