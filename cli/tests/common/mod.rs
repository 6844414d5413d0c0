//! What the `ctok` integration tests share: running the binary as a user would, and the
//! sample issuer, audience and time. Each test file uses part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const ISS: &str = "https://auth.example.com";
pub const AUD: &str = "https://api.example.com";
pub const NOW: u64 = 1_764_000_000;

/// Runs the `ctok` binary built for these tests with `args`.
pub fn ctok(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ctok"))
        .args(args)
        .output()
        .expect("ctok runs")
}

/// Runs ctok, expecting success and nothing on stderr; returns stdout.
pub fn ok(args: &[&str]) -> String {
    let out = ctok(args);
    assert!(
        out.status.success(),
        "ctok {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "ctok {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// [`ok`]'s output without its final newline: a token, a key file's text, a thumbprint.
pub fn line(args: &[&str]) -> String {
    ok(args).trim_end().to_owned()
}

/// A scratch directory for one test.
pub fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ctok-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Writes `text` to `path`; returns the path as an argument.
pub fn write(path: &Path, text: &str) -> String {
    std::fs::write(path, text).unwrap();
    path.to_str().unwrap().to_owned()
}
