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
# The whole article as one API: two containers, each in all eight
# namespaces, on a layered root, in a cgroup with limits, on a bridge in a
# network namespace that stands in for the host.
it=$(mktemp -d /tmp/nsbox-demo-article-XXXXXX)
chmod 0755 "$it"
it_pids=()
it_cleanup() {
	local p
	for p in "${it_ctr[@]}" "${it_pids[@]}"; do
		kill -9 "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$it"
}
trap it_cleanup EXIT
it_ctr=()

# the pid of the container started by the nsbox-unshare process $1, once
# it has exec'd its program (so its namespaces and root are all set up)
container_of() {
	local c=
	for _ in $(seq 200); do
		c=$(cat "/proc/$1/task/$1/children" 2>/dev/null | tr -d ' ')
		if [ -n "$c" ] && [ "$(readlink "/proc/$c/exe" 2>/dev/null)" != "$ex/nsbox-unshare" ]; then
			echo "$c"
			return 0
		fi
		sleep 0.05
	done
	echo "demo: the container of nsbox-unshare $1 did not start" >&2
	return 1
}

step "article: a busybox image in a layer store (docker pull, by hand)"
"$NSBOX_SRC/scripts/mkrootfs.sh" "$it/rootfs" >/dev/null
"$ex/nsbox-image" import "$it/store" "$it/rootfs" busybox
"$ex/nsbox-image" ls "$it/store"

step "article: a network namespace standing in for the host, bridge nsbox0 172.17.0.1/16"
unshare --net sleep 600 &
it_host=$!
it_pids+=("$it_host")
hostns=/proc/$it_host/ns/net
sleep 0.1
nsenter --net="$hostns" ip link add nsbox0 type bridge
nsenter --net="$hostns" ip addr add 172.17.0.1/16 dev nsbox0
nsenter --net="$hostns" ip link set nsbox0 up

start_container() { # NAME IP
	"$ex/nsbox-unshare" --mount --pid --net --uts --ipc --user --cgroup --time \
		--map-root-user --fork --mount-proc --hostname "$1" \
		--layers "$it/store:busybox" --keep-layers "$1" \
		--cpu-quota 20000 --memory-max 67108864 --pids-max 64 \
		--bridge nsbox0 --ip "$2/16" --gateway 172.17.0.1 --host-netns "$hostns" \
		/bin/sh -c 'echo "hello from $(hostname)" > /hello.txt;
			while [ ! -e /tmp/spin ]; do sleep 0.1; done; while :; do :; done' &
}
step "article: docker run twice: c1 (172.17.0.11) and c2 (172.17.0.12), all eight namespaces"
start_container c1 172.17.0.11
it_u1=$!
it_pids+=("$it_u1")
start_container c2 172.17.0.12
it_u2=$!
it_pids+=("$it_u2")
c1=$(container_of "$it_u1")
c2=$(container_of "$it_u2")
it_ctr=("$c1" "$c2")
echo "c1 is pid $c1 on the host, c2 is pid $c2"
"$ex/nsbox-image" inspect "$it/store" c1

step "article: inside c1 (nsbox-nsenter --target $c1 --all)"
"$ex/nsbox-nsenter" --target "$c1" --all /bin/sh -c \
	'echo "hostname: $(hostname)"; echo "id: $(id)"; echo "processes:"; ps;
	 echo "/etc/hosts:"; cat /etc/hosts; echo "/hello.txt: $(cat /hello.txt)"; ip addr; ip route'

step "article: c1 pings c2 across the bridge"
"$ex/nsbox-nsenter" --target "$c1" --all /bin/ping -c 3 -W 2 172.17.0.12

step "article: a busy loop in c1 is held to 20% of a CPU by its cgroup"
"$ex/nsbox-nsenter" --target "$c1" --all /bin/touch /tmp/spin
echo "c1's cgroup (cpu): $(awk -F: '$2 == "cpu" {print $3}' "/proc/$c1/cgroup")"
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
sleep 0.3
u0=$(ticks "$c1"); t0=$(date +%s%N)
sleep 1
u1=$(ticks "$c1"); t1=$(date +%s%N)
awk -v u=$((u1 - u0)) -v hz="$(getconf CLK_TCK)" -v t=$((t1 - t0)) \
	'BEGIN { printf "the busy loop (pid '"$c1"'): %.0f%% of a CPU over %.2f s (quota 20000 of 100000 us)\n", 100 * u / hz / (t / 1e9), t / 1e9 }'

step "article: docker stop both, commit c1's writable layer as a new image layer"
kill -9 "$c1" "$c2"
wait "$it_u1" "$it_u2" 2>/dev/null || true
it_ctr=()
"$ex/nsbox-image" commit "$it/store" c1 busybox-hello
find "$it/store/busybox-hello/diff" -mindepth 1 | sed "s|$it/store/||"
"$ex/nsbox-image" ls "$it/store"

step "article: remove everything"
"$ex/nsbox-image" rm "$it/store" busybox-hello c1 c1-init c2 c2-init busybox
kill -9 "$it_host"
wait "$it_host" 2>/dev/null || true
it_cleanup
trap - EXIT
echo "left behind: $(find /tmp -maxdepth 1 -name 'nsbox-demo-article-*' | wc -l) temporary dirs," \
	"$(find /sys/fs/cgroup -maxdepth 4 -name 'nsbox-*' | wc -l) cgroups," \
	"$(grep -c overlay /proc/self/mountinfo || true) overlay mounts"

echo
echo "demo: done"
