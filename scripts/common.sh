# Shared by scripts/test.sh and scripts/demo.sh: install what is missing
# from Debian, then configure and build the meson tree.
# shellcheck shell=bash

NSBOX_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Every Debian package the build, the tests, the examples and the demo use.
NSBOX_PACKAGES=(
	build-essential g++ pkg-config meson ninja-build python3
	libmnl-dev libarchive-dev check libsubunit-dev libnl-route-3-dev
	busybox-static mandoc man-db iproute2 binutils util-linux
)
# What the benchmarks under bench/ compare against; installed by them.
NSBOX_BENCH_PACKAGES=(hyperfine crun runc bubblewrap cgroup-tools)

nsbox_install_packages() {
	local missing=() p
	for p in "${NSBOX_PACKAGES[@]}" "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "missing Debian packages: ${missing[*]} (run as root to install them)" >&2
		return 1
	fi
	echo "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# nsbox_build BUILD_DIR [meson setup options...]
nsbox_build() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$NSBOX_SRC" --werror "$@" >/dev/null
	else
		meson configure "$dir" --werror "$@" >/dev/null
	fi
	ninja -C "$dir" >"$dir/ninja.log" 2>&1 || { cat "$dir/ninja.log"; return 1; }
}
