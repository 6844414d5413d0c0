//! One verify of ours, for `benches/stack-probe.sh`, which single-steps it under gdb and
//! prints the call chain at its deepest point: where a stack figure of `--bin stack` comes
//! from, frame by frame.
//!
//! `stack_probe <jwt|compact|registered|jwtextras|compactextras> <eddsa|hs256>`

use std::hint::black_box;

use compact_token_benches::peers::ours::CompactToken;
use compact_token_benches::peers::{Case, Peer};
use compact_token_benches::sample::NOW;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let profile = args
        .first()
        .and_then(|name| CompactToken::named(name))
        .unwrap_or_else(|| usage());
    let case = match args.get(1).map(String::as_str) {
        Some("eddsa") => Case::ACCESS_EDDSA,
        Some("hs256") => Case::ACCESS_HS256,
        _ => usage(),
    };
    let mut token = String::new();
    profile.issue(case, &mut token);
    // The verify the probe steps through: `Peer::verify`, entered once.
    assert!(black_box(profile.verify(case, black_box(&token), NOW)));
}

fn usage() -> ! {
    eprintln!("usage: stack_probe <jwt|compact|registered|jwtextras|compactextras> <eddsa|hs256>");
    std::process::exit(2)
}
