//! The shared library's versioned SONAME on ELF targets, `libcompact_token.so.<major>`:
//! the name `install.sh` installs it under, so programs linked against it record the ABI
//! major version they need. (rustc's own version script already exports the `ct_*`
//! functions only.)

use std::env;

fn main() {
    let os = env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd"
    ) {
        let major = env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".into());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libcompact_token.so.{major}");
    }
}
