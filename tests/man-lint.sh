#!/bin/sh
# mandoc -Tlint must report nothing at warning level or above on any page.
# Usage: man-lint.sh MAN_DIR
set -eu
fail=0
n=0
for page in "$1"/man*/*.[0-9]; do
	n=$((n + 1))
	out=$(mandoc -Tlint -W warning "$page" 2>&1 || true)
	if [ -n "$out" ]; then
		echo "$out"
		fail=1
	fi
done
echo "man-lint: $n pages checked"
exit $fail
