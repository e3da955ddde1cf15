#!/bin/bash
# bench/start: whole-process time to run /bin/true in a new container, for
# libnsbox and its peers, in ONE hyperfine run (medians; this machine is
# noisy, so read the ratios). Run as root after building (scripts/test.sh).
#
#   bench/start.sh [RUNS]        default 40 runs after 5 warm-ups each
#   NSBOX_BENCH_SHUFFLE=N        then N shuffled rounds of the closest rows (shuffle.py)
#
# Rows:
#   bare /bin/true                          the floor
#   nsbox-unshare, busybox root             mount pid net uts ipc cgroup namespaces
#   nsbox-unshare, layered root + cgroup    same, root from a layer store, cpu/memory/pids limits
#   the same, linked static                 for comparison (bench/meson.build says why it is
#                                           not the shipped tool)
#   start-floor (layered+cgroup, no library)  the system calls of the layered+cgroup
#                                           row in a straight line, no library, linked static (only
#                                           on a v1 or hybrid cgroup layout)
#   start-floor -P                          the same overlapped on two CPUs: the child makes its
#                                           network namespace while the parent makes the v1 groups,
#                                           limits and mounts (see bench/start-floor.c)
#   start-floor -P, dynamic[+libmnl]        the same as a dynamic executable, without and with
#                                           libmnl mapped: the floor of a dynamically linked tool
#   unshare(1) --mount-proc                 same namespaces and root (does less: no pivot_root, no /dev)
#   bwrap --unshare-all                     same root
#   crun run / runc run                     OCI bundle of the same root (crun in a private mount
#                                           namespace with /sys/fs/cgroup/unified hidden, since it
#                                           refuses this machine's hybrid layout; that wrapper's
#                                           cost is measured too, as "crun wrapper floor")
#
# Every cgroup made is below this process's own cgroup (OCI cgroupsPath is
# relative) and is removed; all files live in a temporary directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build=${NSBOX_BUILD_DIR:-$src/build}
# shellcheck source=scripts/common.sh
. "$src/scripts/common.sh"
nsbox_install_packages "${NSBOX_BENCH_PACKAGES[@]}"
[ -x "$build/examples/nsbox-unshare" ] || nsbox_build "$build" -Dbuildtype=debugoptimized
# The static build of nsbox-unshare (a comparison row; see bench/meson.build).
static_unshare=
if ninja -C "$build" bench/nsbox-unshare-static >/dev/null 2>&1; then
	static_unshare=$build/bench/nsbox-unshare-static
else
	echo "bench/start: no static nsbox-unshare row (static linking unavailable)" >&2
fi
runs=${1:-40}
ex=$build/examples
# NSBOX_BENCH_TMP picks the filesystem of the rootfs and the layer store
# (default /tmp; the README quotes /tmp and /dev/shm).
work=$(mktemp -d "${NSBOX_BENCH_TMP:-/tmp}/nsbox-bench-start-XXXXXX")
floor_parents=()
cleanup() {
	runc delete -f nsbench-runc >/dev/null 2>&1 || true
	# start-floor removes its groups; only a failed run leaves one behind
	for p in "${floor_parents[@]}"; do
		find "$p" -maxdepth 1 -name 'floor-*' -type d -exec rmdir {} + 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT

"$src/scripts/mkrootfs.sh" "$work/rootfs" >/dev/null
# An OCI bundle of the same root for crun and runc.
mkdir -p "$work/bundle"
(cd "$work/bundle" && runc spec)
python3 - "$work/bundle/config.json" "$work/rootfs" <<'PY'
import json, sys
p, root = sys.argv[1], sys.argv[2]
c = json.load(open(p))
c["root"] = {"path": root, "readonly": False}
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/true"]
c["linux"]["cgroupsPath"] = "nsbench-start"      # relative: below our own cgroup
c["linux"]["namespaces"].append({"type": "cgroup"})
json.dump(c, open(p, "w"), indent=1)
PY

# A layered image for the nsbox layered row.
"$build/bench/nsbox-bench-mkimage" "$work/store" "$work/rootfs" busybox >/dev/null

# start-floor's cgroup parents: this process's own group in the cpu, memory
# and pids v1 hierarchies and in cgroup2 (all four must be mounted).
cgroup_parent() { # v1 controller, or "" for cgroup2
	awk -v want="$1" '
		function own(c,   l, f) {
			while ((getline l < "/proc/self/cgroup") > 0) {
				split(l, f, ":")
				if ((c == "" && f[1] == "0") || (c != "" && index("," f[2] ",", "," c ",")))
					{ print f[3]; exit }
			}
		}
		{ split($0, h, " - "); split(h[2], t, " "); split(h[1], m, " ") }
		want == "" && t[1] == "cgroup2" { mnt = m[5]; exit }
		want != "" && t[1] == "cgroup" && index("," t[3] ",", "," want ",") { mnt = m[5]; exit }
		END { if (mnt != "") { printf "%s", mnt; own(want) } }' /proc/self/mountinfo |
		sed 's|/$||'
}
floor_cmd=()
for c in cpu memory pids ""; do
	p=$(cgroup_parent "$c")
	[ -n "$p" ] && [ -d "$p" ] || { floor_parents=(); break; }
	floor_parents+=("$p")
done
if [ "${#floor_parents[@]}" = 4 ] && [ -x "$build/bench/start-floor" ]; then
	floor_args="$work/store/busybox/diff ${floor_parents[*]} /bin/true"
	floor_cmd=(-n "start-floor (layered+cgroup, no library)"
		   "$build/bench/start-floor $floor_args"
		   -n "start-floor -P" "$build/bench/start-floor -P $floor_args"
		   -n "start-floor -P, dynamic" "$build/bench/start-floor-dynamic -P $floor_args"
		   -n "start-floor -P, dynamic+libmnl"
		   "$build/bench/start-floor-dynamic-mnl -P $floor_args")
else
	echo "bench/start: no start-floor row (it needs cgroup v1 cpu, memory and pids, and cgroup2)" >&2
fi

ns="--mount --pid --net --uts --ipc --cgroup --fork --mount-proc"
static_row=()
[ -z "$static_unshare" ] ||
	static_row=(-n "nsbox-unshare layered+cgroup, linked static"
		    "$static_unshare $ns --layers $work/store:busybox --cpu-quota 20000 --memory-max 67108864 --pids-max 64 /bin/true")
hide_unified="mount --make-rprivate / && umount /sys/fs/cgroup/unified"
hyperfine -N --warmup 5 --runs "$runs" --export-json "$work/start.json" \
	-n "bare /bin/true" "/bin/true" \
	-n "nsbox-unshare" "$ex/nsbox-unshare $ns --root $work/rootfs /bin/true" \
	-n "nsbox-unshare layered+cgroup" \
	   "$ex/nsbox-unshare $ns --layers $work/store:busybox --cpu-quota 20000 --memory-max 67108864 --pids-max 64 /bin/true" \
	"${static_row[@]}" \
	"${floor_cmd[@]}" \
	-n "unshare(1)" "unshare $ns --root $work/rootfs /bin/true" \
	-n "bwrap" "bwrap --unshare-all --bind $work/rootfs / --proc /proc --dev /dev /bin/true" \
	-n "crun wrapper floor" "unshare -m sh -c '$hide_unified && /bin/true'" \
	-n "crun" "unshare -m sh -c '$hide_unified && exec crun run --bundle $work/bundle nsbench-crun'" \
	-n "runc" "runc run --bundle $work/bundle nsbench-runc" >&2

python3 - "$work/start.json" <<'PY'
import json, sys
res = json.load(open(sys.argv[1]))["results"]
med = {r["command"]: r["median"] * 1000 for r in res}
base = med.get("nsbox-unshare layered+cgroup")
print("| command | median (ms) | vs nsbox layered+cgroup |")
print("|---|---:|---:|")
for r in res:
    m = r["median"] * 1000
    print(f"| {r['command']} | {m:.2f} | {m / base:.2f}x |" if base else f"| {r['command']} | {m:.2f} | |")
PY

# NSBOX_BENCH_SHUFFLE=N: then N rounds of the eight closest rows in random
# order (bench/shuffle.py), which compares them under the same noise.
if [ "${NSBOX_BENCH_SHUFFLE:-0}" -gt 0 ]; then
	echo
	shuffle_rows=("unshare(1)=$(command -v unshare) $ns --root $work/rootfs /bin/true"
		      "nsbox-unshare=$ex/nsbox-unshare $ns --root $work/rootfs /bin/true"
		      "nsbox-unshare layered+cgroup=$ex/nsbox-unshare $ns --layers $work/store:busybox --cpu-quota 20000 --memory-max 67108864 --pids-max 64 /bin/true")
	[ "${#static_row[@]}" = 0 ] || shuffle_rows+=("${static_row[1]}=${static_row[2]}")
	[ "${#floor_cmd[@]}" = 0 ] || shuffle_rows+=("start-floor=${floor_cmd[2]}"
						     "start-floor -P=${floor_cmd[5]}"
						     "start-floor -P, dynamic=${floor_cmd[8]}"
						     "start-floor -P, dynamic+libmnl=${floor_cmd[11]}")
	python3 "$here/shuffle.py" "$NSBOX_BENCH_SHUFFLE" "${shuffle_rows[@]}"
fi
