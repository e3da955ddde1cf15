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

# --- container steps (issue 6) ---

# --- integration steps (issue 7) ---

echo
echo "demo: done"
