#!/usr/bin/env python3
"""FFI smoke test through ctypes (STYLE.md rule 24): load libnsbox.so.0,
read the version, make a call fail on purpose, and map the negative errno
to OSError together with nsbox_last_error().

Usage: test_ffi.py PATH/TO/libnsbox.so.0
"""
import ctypes
import errno
import os
import sys

lib = ctypes.CDLL(sys.argv[1])

lib.nsbox_version.restype = ctypes.c_char_p
lib.nsbox_version.argtypes = [ctypes.POINTER(ctypes.c_int)] * 3
lib.nsbox_last_error.restype = ctypes.c_char_p
lib.nsbox_last_error.argtypes = []
lib.nsbox_check_version.restype = ctypes.c_int
lib.nsbox_check_version.argtypes = [ctypes.c_int, ctypes.c_int]


def check(r):
    """The binding's whole error mapping: a negative return is -errno."""
    if r < 0:
        raise OSError(-r, os.strerror(-r), lib.nsbox_last_error().decode())
    return r


major, minor, patch = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
version = lib.nsbox_version(ctypes.byref(major), ctypes.byref(minor), ctypes.byref(patch)).decode()
assert version == f"{major.value}.{minor.value}.{patch.value}", version
print("ok: nsbox_version() =", version)

check(lib.nsbox_check_version(major.value, minor.value))
print("ok: nsbox_check_version() of the loaded version succeeds")

try:
    check(lib.nsbox_check_version(major.value + 1, 0))
except OSError as e:
    assert e.errno == errno.ENOTSUP, e
    assert "check library version" in e.filename, e.filename
    print(f"ok: failure maps to OSError(errno={errno.errorcode[e.errno]}): {e.filename}")
else:
    raise AssertionError("nsbox_check_version(major + 1) did not fail")

try:
    check(lib.nsbox_check_version(-1, 0))
except OSError as e:
    assert e.errno == errno.EINVAL, e
    assert "argument check failed" in e.filename, e.filename
    print(f"ok: bad argument maps to OSError(errno=EINVAL): {e.filename}")
else:
    raise AssertionError("nsbox_check_version(-1) did not fail")

# Module FFI checks append below as modules land (one failing call each).
extra = os.path.join(os.path.dirname(os.path.abspath(__file__)), "modules.py")
if os.path.exists(extra):
    exec(open(extra).read(), {"lib": lib, "check": check, "ctypes": ctypes, "errno": errno,
                              "os": os})
print("ffi python: passed")
