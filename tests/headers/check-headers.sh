#!/bin/sh
# Compile every public header on its own, as strict C99 and as C++11
# (STYLE.md rule 15). Usage: check-headers.sh INCLUDE_DIR
set -eu
inc=$1
tmp=$(mktemp -d /tmp/nsbox-headers-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail=0
for h in "$inc"/nsbox/*.h; do
	name=nsbox/$(basename "$h")
	printf '#include <%s>\nint nsbox_header_check_%s;\n' "$name" "$(basename "$h" .h)" > "$tmp/t.c"
	cp "$tmp/t.c" "$tmp/t.cc"
	if ! ${CC:-cc} -std=c99 -pedantic -Werror -Wall -Wextra -Wstrict-prototypes \
		-I"$inc" -fsyntax-only "$tmp/t.c"; then
		echo "FAIL: $name as C99"; fail=1
	fi
	if ! ${CXX:-c++} -std=c++11 -pedantic -Werror -Wall -Wextra \
		-I"$inc" -fsyntax-only "$tmp/t.cc"; then
		echo "FAIL: $name as C++11"; fail=1
	fi
	[ $fail -eq 0 ] && echo "ok: $name (C99, C++11)"
done
exit $fail
