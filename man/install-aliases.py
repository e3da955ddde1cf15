#!/usr/bin/env python3
"""Install one alias page per function named in a man3 page's NAME section
(the `.Nm` lines before `.Nd`), so `man nsbox_cgroup_destroy` finds the
group page nsbox_cgroup_freeze.3 that documents it. Each alias is a
one-line roff file, `.so man3/<page>.3`, as man-db expects.

Run by meson at install time: install-aliases.py SOURCE_MAN3_DIR
(the destination is $MESON_INSTALL_DESTDIR_PREFIX/<mandir>/man3, with the
mandir given as the second argument).
"""
import glob
import os
import re
import sys

src, mandir = sys.argv[1], sys.argv[2]
dest = os.path.join(os.environ.get("MESON_INSTALL_DESTDIR_PREFIX", "/usr/local"), mandir, "man3")
os.makedirs(dest, exist_ok=True)
made = 0
for page in sorted(glob.glob(os.path.join(src, "*.3"))):
    base = os.path.basename(page)[:-2]
    head = open(page).read().split(".Nd", 1)[0]
    for name in re.findall(r"^\.Nm (nsbox_\w+)", head, flags=re.M):
        if name == base:
            continue
        with open(os.path.join(dest, name + ".3"), "w") as f:
            f.write(".so man3/%s.3\n" % base)
        made += 1
if not os.environ.get("MESON_INSTALL_QUIET"):
    print("man: %d alias pages in %s" % (made, dest))
