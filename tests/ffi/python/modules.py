# FFI checks of the modules, run by test_ffi.py with `lib`, `check`, `ctypes`,
# `errno` and `os` in scope: a handle's whole life through ctypes, and one
# failing call per module mapped to OSError with nsbox_last_error().
c_void_pp = ctypes.POINTER(ctypes.c_void_p)

lib.nsbox_container_new.argtypes = [c_void_pp]
lib.nsbox_container_new.restype = ctypes.c_int
lib.nsbox_container_free.argtypes = [ctypes.c_void_p]
lib.nsbox_container_free.restype = None
lib.nsbox_container_set_hostname.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.nsbox_container_set_hostname.restype = ctypes.c_int
lib.nsbox_container_set_namespaces.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
lib.nsbox_container_set_namespaces.restype = ctypes.c_int

c = ctypes.c_void_p()
check(lib.nsbox_container_new(ctypes.byref(c)))
try:
    check(lib.nsbox_container_set_hostname(c, b"box"))
    for bad, what in ((b"x" * 100, "hostname over 64 bytes"),):
        try:
            check(lib.nsbox_container_set_hostname(c, bad))
        except OSError as e:
            assert e.errno == errno.EINVAL, e
            assert e.filename, "no message"
            print(f"ok: container {what} -> OSError(EINVAL): {e.filename}")
        else:
            raise AssertionError(f"{what} was accepted")
    try:
        check(lib.nsbox_container_set_namespaces(c, 1 << 20))
    except OSError as e:
        assert e.errno == errno.EINVAL, e
        print(f"ok: unknown namespace bit -> OSError(EINVAL): {e.filename}")
    else:
        raise AssertionError("unknown namespace bit was accepted")
finally:
    lib.nsbox_container_free(c)
lib.nsbox_container_free(None)          # NULL is fine

lib.nsbox_layer_store_open.argtypes = [c_void_pp, ctypes.c_char_p, ctypes.c_uint32]
lib.nsbox_layer_store_open.restype = ctypes.c_int
st = ctypes.c_void_p()
try:
    check(lib.nsbox_layer_store_open(ctypes.byref(st), b"/nonexistent/nsbox-ffi-store", 0))
except OSError as e:
    assert e.errno == errno.ENOENT, e
    assert st.value is None, "out-param written on failure"
    print(f"ok: layer store on a missing path -> OSError(ENOENT): {e.filename}")
else:
    raise AssertionError("opening a missing store succeeded")

lib.nsbox_cgroup_new.argtypes = [c_void_pp, ctypes.c_char_p, ctypes.c_uint32]
lib.nsbox_cgroup_new.restype = ctypes.c_int
cg = ctypes.c_void_p()
try:
    check(lib.nsbox_cgroup_new(ctypes.byref(cg), b"../escape", 0))
except OSError as e:
    assert e.errno == errno.EINVAL, e
    print(f"ok: cgroup name with .. -> OSError(EINVAL): {e.filename}")
else:
    raise AssertionError("cgroup name with .. was accepted")

lib.nsbox_netlink_add_bridge.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
lib.nsbox_netlink_add_bridge.restype = ctypes.c_int
try:
    check(lib.nsbox_netlink_add_bridge(None, b"br0"))
except OSError as e:
    assert e.errno == errno.EINVAL and "argument check failed" in e.filename, e
    print(f"ok: netlink call on a NULL handle -> OSError(EINVAL): {e.filename}")
else:
    raise AssertionError("NULL netlink handle was accepted")
