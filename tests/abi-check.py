#!/usr/bin/env python3
"""The ABI promise (STYLE.md rules 13, 14, 23): the symbols that
libnsbox.so.0 exports are exactly those listed in lib/libnsbox.sym and
declared in include/nsbox/*.h, each with an NSBOX_0.x version, no internal
(nsb_) symbol leaks, the SONAME is libnsbox.so.0, and every exported
function has a man page.

Usage: abi-check.py LIBNSBOX_SO SYMFILE INCLUDE_DIR MAN_DIR
"""
import glob
import os
import re
import subprocess
import sys


def strip_c_comments(text):
    return re.sub(r"/\*.*?\*/", "", text, flags=re.S)


def main():
    so, symfile, incdir, mandir = sys.argv[1:5]
    errors = []

    out = subprocess.run(["nm", "-D", "--defined-only", so], check=True,
                         capture_output=True, text=True).stdout
    exported = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        kind, name = parts[1], parts[2]
        if kind == "A":          # the version node itself
            continue
        base, _, version = name.partition("@@")
        if not version:
            base, _, version = name.partition("@")
        exported[base] = version
    for name, version in sorted(exported.items()):
        if not name.startswith("nsbox_"):
            errors.append(f"exported symbol without nsbox_ prefix: {name}")
        if not re.fullmatch(r"NSBOX_0\.\d+", version or ""):
            errors.append(f"exported symbol {name} has no NSBOX_0.x version ({version!r})")

    sym_text = strip_c_comments(open(symfile).read())
    listed = set()
    for block in re.finditer(r"global:(.*?)local:", sym_text, flags=re.S):
        listed |= set(re.findall(r"\b(nsbox_\w+)\s*;", block.group(1)))

    declared = set()
    for h in sorted(glob.glob(os.path.join(incdir, "nsbox", "*.h"))):
        text = strip_c_comments(open(h).read())
        declared |= set(re.findall(r"\b(nsbox_\w+)\s*\(", text))

    exp = set(exported)
    for name in sorted(exp - listed):
        errors.append(f"exported but not in {os.path.basename(symfile)}: {name}")
    for name in sorted(listed - exp):
        errors.append(f"in {os.path.basename(symfile)} but not exported (no NSB_EXPORT definition?): {name}")
    for name in sorted(exp - declared):
        errors.append(f"exported but declared in no public header: {name}")
    for name in sorted(declared - exp):
        errors.append(f"declared in a header but not exported: {name}")

    soname = subprocess.run(["objdump", "-p", so], check=True, capture_output=True,
                            text=True).stdout
    m = re.search(r"SONAME\s+(\S+)", soname)
    if not m or m.group(1) != "libnsbox.so.0":
        errors.append(f"SONAME is {m.group(1) if m else None}, not libnsbox.so.0")

    documented = set()
    for page in glob.glob(os.path.join(mandir, "man3", "*.3")):
        text = open(page).read()
        documented.add(os.path.basename(page)[:-2])
        # mdoc pages name their functions with .Nm before .Nd; man(7)
        # pages in the NAME section before "\-".
        head = text.split(".Nd", 1)[0]
        documented |= set(re.findall(r"^\.Nm (nsbox_\w+)", head, flags=re.M))
        m = re.search(r"^\.SH NAME\n(.*?)\n\.SH", text, flags=re.S | re.M)
        if m:
            names = m.group(1).split("\\-")[0]
            documented |= set(re.findall(r"nsbox_\w+", names))
    for name in sorted(exp - documented):
        errors.append(f"exported function without a man page: {name}")

    for e in errors:
        print("FAIL:", e)
    print(f"abi-check: {len(exp)} exported symbols, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
