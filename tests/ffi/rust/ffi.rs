// FFI smoke test from Rust (STYLE.md rule 24), with no crates: declare the
// functions, map a negative return to std::io::Error::from_raw_os_error(-r),
// and read nsbox_last_error(). Built and run by tests/ffi/rust/run.sh.
use std::ffi::{CStr, CString};
use std::io;
use std::os::raw::{c_char, c_int, c_void};

#[link(name = "nsbox")]
extern "C" {
    fn nsbox_version(major: *mut c_int, minor: *mut c_int, patch: *mut c_int) -> *const c_char;
    fn nsbox_last_error() -> *const c_char;
    fn nsbox_check_version(major: c_int, minor: c_int) -> c_int;
    fn nsbox_container_new(out: *mut *mut c_void) -> c_int;
    fn nsbox_container_free(c: *mut c_void);
    fn nsbox_container_set_hostname(c: *mut c_void, name: *const c_char) -> c_int;
}

/// The whole error mapping a binding needs: -errno plus the thread's message.
fn check(r: c_int) -> Result<c_int, (io::Error, String)> {
    if r < 0 {
        let msg = unsafe { CStr::from_ptr(nsbox_last_error()) }.to_string_lossy().into_owned();
        Err((io::Error::from_raw_os_error(-r), msg))
    } else {
        Ok(r)
    }
}

/// A handle owned by Rust: freed by Drop, as the man pages describe.
struct Container(*mut c_void);
impl Drop for Container {
    fn drop(&mut self) {
        unsafe { nsbox_container_free(self.0) }
    }
}

fn main() {
    let (mut ma, mut mi, mut pa) = (0, 0, 0);
    let v = unsafe { CStr::from_ptr(nsbox_version(&mut ma, &mut mi, &mut pa)) };
    assert_eq!(v.to_str().unwrap(), format!("{}.{}.{}", ma, mi, pa));
    println!("ok: nsbox_version() = {}", v.to_str().unwrap());

    check(unsafe { nsbox_check_version(ma, mi) }).expect("loaded version refused");
    let (e, msg) = check(unsafe { nsbox_check_version(ma + 1, 0) }).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc_enotsup()));
    assert!(msg.contains("check library version"), "{}", msg);
    println!("ok: failure maps to io::Error({:?}): {}", e.kind(), msg);

    let mut raw: *mut c_void = std::ptr::null_mut();
    check(unsafe { nsbox_container_new(&mut raw) }).expect("container_new");
    let c = Container(raw);
    let good = CString::new("box").unwrap();
    check(unsafe { nsbox_container_set_hostname(c.0, good.as_ptr()) }).expect("hostname");
    let bad = CString::new("x".repeat(100)).unwrap();
    let (e, msg) = check(unsafe { nsbox_container_set_hostname(c.0, bad.as_ptr()) }).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    println!("ok: bad hostname maps to io::Error({:?}): {}", e.kind(), msg);
    drop(c);
    println!("ffi rust: passed");
}

fn libc_enotsup() -> i32 {
    95 // ENOTSUP on Linux
}
