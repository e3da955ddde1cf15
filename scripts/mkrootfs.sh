#!/bin/sh
# mkrootfs.sh DIR: a minimal busybox root filesystem for the container
# examples and the demo: /bin/busybox (Debian's busybox-static) with one
# link per applet, empty proc, sys, dev, tmp, root, home, and an /etc with
# passwd, group and hostname. DIR must not exist or be empty; it is made
# mode 0755 so a user namespace's root can reach it.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 DIR" >&2
	exit 2
fi
dir=$1
bb=${BUSYBOX:-/bin/busybox}
if ! "$bb" --list-full >/dev/null 2>&1; then
	echo "mkrootfs: $bb is not a busybox with --list-full (apt-get install busybox-static)" >&2
	exit 1
fi
if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
	echo "mkrootfs: $dir exists and is not empty" >&2
	exit 1
fi
mkdir -p "$dir"
chmod 0755 "$dir"
for d in bin sbin usr/bin usr/sbin proc sys dev tmp root home etc var run mnt; do
	mkdir -p "$dir/$d"
done
chmod 1777 "$dir/tmp"
chmod 0700 "$dir/root"
cp "$bb" "$dir/bin/busybox"
chmod 0755 "$dir/bin/busybox"
"$bb" --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	ln -sf /bin/busybox "$dir/$applet"
done
cat > "$dir/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
PW
cat > "$dir/etc/group" <<'GR'
root:x:0:
nogroup:x:65534:
GR
echo rootfs > "$dir/etc/hostname"
echo "mkrootfs: busybox rootfs in $dir ($(ls "$dir/bin" | wc -l) programs in /bin)"
