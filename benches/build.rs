//! Records the toolchain and the locked versions of the measured crates, so
//! the report states exactly what it ran.

use std::path::Path;
use std::process::Command;

/// Crates whose resolved versions the report prints.
const CRATES: &[&str] = &[
    "jsonwebtoken",
    "jwt-simple",
    "jwt-compact",
    "coset",
    "pasetors",
    "ed25519-dalek",
    "ed25519-compact",
    "curve25519-dalek",
    "hmac",
    "hmac-sha256",
    "sha2",
    "serde_json",
    "ciborium",
];

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map_or_else(|| "unknown".into(), |s| s.trim().to_string());
    println!("cargo:rustc-env=BENCH_RUSTC_VERSION={version}");

    // The workspace root's lock file; `parent()` is textual, so a symlinked
    // checkout still finds its own root.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo");
    let lock = Path::new(&manifest)
        .parent()
        .map(|root| root.join("Cargo.lock"));
    let mut found = Vec::new();
    if let Some(lock) = lock {
        println!("cargo:rerun-if-changed={}", lock.display());
        if let Ok(text) = std::fs::read_to_string(&lock) {
            let mut name = None;
            for line in text.lines() {
                if let Some(n) = line.strip_prefix("name = ") {
                    name = Some(n.trim_matches('"').to_string());
                } else if let (Some(v), Some(n)) = (line.strip_prefix("version = "), name.take())
                    && CRATES.contains(&n.as_str())
                {
                    found.push(format!("{n} {}", v.trim_matches('"')));
                }
            }
        }
    }
    found.sort();
    let list = if found.is_empty() {
        "unknown (no Cargo.lock)".to_string()
    } else {
        found.join(", ")
    };
    println!("cargo:rustc-env=BENCH_LOCKED_VERSIONS={list}");
    println!("cargo:rerun-if-changed=build.rs");
}
