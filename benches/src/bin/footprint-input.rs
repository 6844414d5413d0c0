//! Writes to stdout what one footprint program (benches/footprint) verifies:
//! the sample access token for `ed-jwt`, `ed-compact`, `hs-jwt`, `hs-compact`
//! (the `compact` ones carrying every string), or for `ed-bare` / `hs-bare`
//! the signature or tag followed by the `jwt` token's signing input.
//!
//! `cargo run --release -p compact-token-benches --bin footprint-input -- ed-jwt`

use std::io::Write;

use compact_token_benches::peers::ours::CompactToken;
use compact_token_benches::peers::{Case, Peer};

fn main() {
    let program = std::env::args().nth(1).unwrap_or_default();
    let (peer, case) = match program.as_str() {
        "ed-jwt" | "ed-bare" => (CompactToken::jwt(), Case::ACCESS_EDDSA),
        "hs-jwt" | "hs-bare" => (CompactToken::jwt(), Case::ACCESS_HS256),
        "ed-compact" => (CompactToken::compact(), Case::ACCESS_EDDSA),
        "hs-compact" => (CompactToken::compact(), Case::ACCESS_HS256),
        _ => {
            eprintln!("usage: footprint-input ed-jwt|ed-compact|ed-bare|hs-jwt|hs-compact|hs-bare");
            std::process::exit(2);
        }
    };
    let mut token = String::new();
    peer.issue(case, &mut token);
    let bytes = if program.ends_with("-bare") {
        let parts = peer.signed_parts(case, &token);
        [parts.signature, parts.message].concat()
    } else {
        token.into_bytes()
    };
    std::io::stdout().write_all(&bytes).expect("stdout");
}
