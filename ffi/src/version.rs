//! The library's version, as macros for the header a program was compiled against and as
//! a function for the library it runs with.

use core::ffi::{CStr, c_char};

/// Major version of the header (CT_VERSION_MAJOR.CT_VERSION_MINOR.CT_VERSION_PATCH). The
/// ABI is stable within a major version; the shared library's SONAME carries it.
pub const CT_VERSION_MAJOR: u32 = 0;
/// Minor version of the header: additions only.
pub const CT_VERSION_MINOR: u32 = 1;
/// Patch version of the header: fixes only.
pub const CT_VERSION_PATCH: u32 = 0;
/// The header's version as one number, (major << 16) | (minor << 8) | patch, comparable
/// with the value ct_version() returns.
pub const CT_VERSION: u32 = 0x000100;
const _: () =
    assert!(CT_VERSION == (CT_VERSION_MAJOR << 16) | (CT_VERSION_MINOR << 8) | CT_VERSION_PATCH);

const VERSION_STRING: &CStr = c"0.1.0";

/// The version of the library linked or loaded at run time, encoded as CT_VERSION is: a
/// program can compare it with the CT_VERSION it was compiled with (same major version:
/// compatible; the library's minor version at least the header's: every function declared
/// is there).
#[unsafe(no_mangle)]
pub extern "C" fn ct_version() -> u32 {
    CT_VERSION
}

/// The version of the library as a static NUL-terminated string, "major.minor.patch".
/// Never NULL; do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn ct_version_string() -> *const c_char {
    VERSION_STRING.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_are_the_crate_version() {
        let part = |s: &str| s.parse::<u32>().unwrap();
        assert_eq!(CT_VERSION_MAJOR, part(env!("CARGO_PKG_VERSION_MAJOR")));
        assert_eq!(CT_VERSION_MINOR, part(env!("CARGO_PKG_VERSION_MINOR")));
        assert_eq!(CT_VERSION_PATCH, part(env!("CARGO_PKG_VERSION_PATCH")));
        assert_eq!(VERSION_STRING.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
        assert_eq!(ct_version(), 0x00_01_00);
    }
}
