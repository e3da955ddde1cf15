#!/bin/sh
# Build tests/ffi/rust/ffi.rs against the built libnsbox.so.0 and run it.
# Skipped (exit 77, reported as skipped) when no rustc is installed: Rust is
# not one of the project's Debian dependencies.
# Usage: run.sh LIBNSBOX_SO SOURCE_DIR
set -eu
so=$1
src=$2
command -v rustc >/dev/null 2>&1 || { echo "SKIP: no rustc on this machine"; exit 77; }
tmp=$(mktemp -d /tmp/nsbox-ffi-rust-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
libdir=$(dirname "$so")
# Under --sanitize the ASan runtime is preloaded for the test program only.
preload=${LD_PRELOAD:-}
unset LD_PRELOAD
rustc --edition 2021 -O -o "$tmp/ffi" -L "$libdir" "$src/tests/ffi/rust/ffi.rs"
LD_PRELOAD=$preload LD_LIBRARY_PATH="$libdir" "$tmp/ffi"
