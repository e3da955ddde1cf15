#!/bin/bash
# The main job: the article's container walk-through, end to end, on a
# busybox rootfs, with libnsbox doing every step. Run as root.
# Builds first (installing any missing Debian package).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/common.sh
. "$here/common.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: run as root (it makes namespaces, mounts, cgroups and links)" >&2
	exit 1
fi
build=${NSBOX_BUILD_DIR:-$NSBOX_SRC/build}
nsbox_install_packages
nsbox_build "$build" -Dbuildtype=debugoptimized
ex=$build/examples

step() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

step "libnsbox"
"$ex/ex-version"

# Each module's issue adds its steps below, in the article's order.

# --- layerset steps (issue 3) ---
step "UnionFS: overlay of lower1, lower2 and upper (ex-overlay)"
"$ex/ex-overlay"
step "Docker image: layers in the overlay2 store, link and lower files (ex-layers)"
"$ex/ex-layers"
step "Container RootFS: init layer, writes, a whiteout, commit (ex-rootfs)"
"$ex/ex-rootfs"

# --- cgroup steps (issue 4) ---
step "cgroup: a busy loop held to 20% of a CPU (cpu quota 20000/100000)"
"$ex/ex-cgroup-cpu"

# --- netlink steps (issue 5) ---
step "NET: a bridge, veth pairs into two namespaces, and a ping between them (ex-net)"
"$ex/ex-net"

# --- container steps (issue 6) ---
ctr_tmp=$(mktemp -d /tmp/nsbox-demo-container-XXXXXX)
chmod 0755 "$ctr_tmp"
ctr_cleanup() {
	[ -n "${ctr_target:-}" ] && kill -9 "$ctr_target" 2>/dev/null || true
	rm -rf "$ctr_tmp"
}
trap ctr_cleanup EXIT
rootfs=$ctr_tmp/rootfs
"$NSBOX_SRC/scripts/mkrootfs.sh" "$rootfs"
export NSBOX_ROOTFS=$rootfs

step "container: mount namespace with a new root (pivot_root)"
"$ex/ex-mount-ns" "$rootfs"

step "container: pid namespace, /proc mounted inside"
"$ex/ex-pid-ns" "$rootfs"

step "container: uts namespace with a hostname from the command line"
"$ex/ex-uts-ns" my-container

step "container: user namespace (nobody without a map, root with one)"
"$ex/ex-user-ns" "$rootfs" 1000

step "container: nsbox-unshare --mount --net --pid --user --uts --root ./rootfs/ --wd=/home --fork --mount-proc --map-root-user /bin/sh"
(cd "$ctr_tmp" && "$ex/nsbox-unshare" --mount --net --pid --user --uts --ipc --cgroup --time \
	--root ./rootfs/ --wd=/home --fork --mount-proc --map-root-user --hostname unshared \
	/bin/sh -c 'echo "id: $(id)"; echo "pwd: $(pwd)"; echo "hostname: $(hostname)"; ps; ip link')

step "container: nsbox-nsenter --target PID --all into a running container"
"$ex/nsbox-unshare" --mount --pid --uts --net --ipc --root "$rootfs" --mount-proc \
	--hostname target-box /bin/sleep 60 &
ctr_unshare=$!
for _ in $(seq 50); do
	ctr_target=$(cat "/proc/$ctr_unshare/task/$ctr_unshare/children" 2>/dev/null | tr -d ' ')
	[ -n "$ctr_target" ] && [ "$(readlink "/proc/$ctr_target/ns/uts")" != "$(readlink /proc/self/ns/uts)" ] && break
	sleep 0.1
done
echo "the container's pid on the host: $ctr_target"
"$ex/nsbox-nsenter" --target "$ctr_target" --all /bin/sh -c 'echo "hostname: $(hostname)"; ps'
kill -9 "$ctr_target"
wait "$ctr_unshare" || true
ctr_target=
ctr_cleanup
trap - EXIT

# --- integration steps (issue 7) ---

echo
echo "demo: done"
