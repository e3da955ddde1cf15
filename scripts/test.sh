#!/bin/bash
# Build libnsbox and run every test. Installs any missing Debian package.
#
#   scripts/test.sh              build/ with warnings as errors
#   scripts/test.sh --sanitize   build/sanitize with -Db_sanitize=address,undefined
#   scripts/test.sh --suite S    only meson test suite S (unit, abi, docs, common, ...)
#
# The last line is always "tests: N passed, N failed, N skipped", counting
# each Check test case (and each other test program) once; the exit status is
# non-zero when anything failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/common.sh
. "$here/common.sh"

build=${NSBOX_BUILD_DIR:-$NSBOX_SRC/build}
setup_opts=(-Dbuildtype=debugoptimized -Db_sanitize=none -Db_lundef=true)
test_args=()
while [ $# -gt 0 ]; do
	case $1 in
	--sanitize)
		build=${NSBOX_BUILD_DIR:-$NSBOX_SRC/build/sanitize}
		setup_opts=(-Dbuildtype=debug -Db_sanitize=address,undefined -Db_lundef=false)
		;;
	--suite) test_args+=(--suite "$2"); shift ;;
	*) echo "usage: $0 [--sanitize] [--suite NAME]" >&2; exit 2 ;;
	esac
	shift
done

summary() {
	echo "tests: $1 passed, $2 failed, $3 skipped"
}

if ! nsbox_install_packages; then
	summary 0 1 0
	exit 1
fi
if ! nsbox_build "$build" "${setup_opts[@]}"; then
	echo "build failed"
	summary 0 1 0
	exit 1
fi

rc=0
meson test -C "$build" --no-rebuild --print-errorlogs "${test_args[@]}" || rc=$?

# Count Check cases from the per-test logs, not just test programs.
read -r passed failed skipped < <(python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, re, sys
passed = failed = skipped = 0
try:
    lines = open(sys.argv[1]).read().splitlines()
except OSError:
    lines = []
for line in lines:
    t = json.loads(line)
    out = t.get("stdout") or ""
    result = t.get("result", "")
    checks = re.findall(r"Checks: (\d+), Failures: (\d+), Errors: (\d+)", out)
    if checks:
        n, f, e = map(int, checks[-1])
        s = len(re.findall(r"^nsbt: SKIP ", out, flags=re.M))
        passed += n - f - e - s
        failed += f + e
        skipped += s
        if "nsbt: leftover check: FAILED" in out:
            failed += 1
        elif "nsbt: leftover check: passed" in out:
            passed += 1
        elif result != "OK":
            failed += 1          # crashed after the run
    elif result == "OK":
        passed += 1
    elif result == "SKIP":
        skipped += 1
    else:
        failed += 1
print(passed, failed, skipped)
PY
)
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1
fi
summary "$passed" "$failed" "$skipped"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
