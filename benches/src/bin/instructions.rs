//! Runs one operation `n` times, for counting its instructions under
//! `valgrind --tool=callgrind` (noise-free, unlike timings on a shared
//! machine): per-call count = (count at n) − (count at 0), over n.
//! `benches/report.sh` does exactly that for every operation listed here.
//!
//! `instructions <op> <n>`; `instructions --list` prints the operations.

use std::hint::black_box;

use compact_token_benches::peers::ours::CompactToken;
use compact_token_benches::peers::{Case, Peer};
use compact_token_benches::sample::{ED25519_PUBLIC, ED25519_SEED, HMAC_KEY, NOW};
use compact_token_benches::{algs, dpop};

/// Our profiles, as the operation names spell them.
const PROFILES: [&str; 5] = CompactToken::NAMES;
/// Bare primitives, each over the signing input of a profile's token (`…-id`: of its ID
/// token, the others of its access token).
const BARE: [&str; 6] = [
    "bare-hmac-verify",
    "bare-hmac-keyed-verify",
    "bare-ed-verify",
    "bare-ed-sign",
    "bare-ed-verify-id",
    "bare-ed-sign-id",
];
/// The profiles whose ID tokens are counted too (`edid-<profile>-<verify|issue>`): the
/// custom claims of `…extras` are the access token's.
const ID_PROFILES: [&str; 3] = ["jwt", "compact", "registered"];

/// The profile `name` (one of [`PROFILES`], which every caller has checked).
fn profile(name: &str) -> CompactToken {
    CompactToken::named(name).expect("one of PROFILES")
}

fn main() {
    let mut args = std::env::args().skip(1);
    let op = args.next().unwrap_or_default();
    if op == "--list" {
        for p in PROFILES {
            for what in [
                "hs-{p}-verify",
                "ed-{p}-verify",
                "ed-{p}-issue",
                "hs-{p}-issue",
            ] {
                println!("{}", what.replace("{p}", p));
            }
            for bare in BARE {
                if !bare.ends_with("-id") || ID_PROFILES.contains(&p) {
                    println!("{bare}:{p}");
                }
            }
            if ID_PROFILES.contains(&p) {
                println!("edid-{p}-verify");
                println!("edid-{p}-issue");
            }
        }
        for name in algs::names().into_iter().chain(dpop::names()) {
            println!("{name}");
        }
        return;
    }
    let n: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(1);

    // ES256, RS256 and the verified-token cache (`src/algs.rs`); DPoP (`src/dpop.rs`).
    if let Some(mut op) = algs::build(&op).or_else(|| dpop::build(&op)) {
        for _ in 0..n {
            (op.run)();
        }
        return;
    }

    // `<alg>-<profile>-<verify|issue>`: ours.
    let ours: Vec<&str> = op.split('-').collect();
    if let [alg @ ("hs" | "ed" | "edid"), p, what @ ("verify" | "issue")] = ours[..]
        && PROFILES.contains(&p)
        && (alg != "edid" || ID_PROFILES.contains(&p))
    {
        let case = match alg {
            "hs" => Case::ACCESS_HS256,
            "ed" => Case::ACCESS_EDDSA,
            _ => Case::ID_EDDSA,
        };
        let peer = profile(p);
        let mut token = String::with_capacity(4096);
        peer.issue(case, &mut token);
        for _ in 0..n {
            if what == "verify" {
                assert!(black_box(peer.verify(case, black_box(&token), NOW)));
            } else {
                peer.issue(case, black_box(&mut token));
            }
        }
        return;
    }
    // `<bare op>:<profile>`: the primitive over that profile's signing input.
    let Some((kind, p)) = op.split_once(':').filter(|(k, p)| {
        BARE.contains(k) && PROFILES.contains(p) && (!k.ends_with("-id") || ID_PROFILES.contains(p))
    }) else {
        eprintln!("unknown operation {op:?}; see --list");
        std::process::exit(2);
    };
    let (kind, case) = match kind.strip_suffix("-id") {
        Some(kind) => (kind, Case::ID_EDDSA),
        None if kind.contains("hmac") => (kind, Case::ACCESS_HS256),
        None => (kind, Case::ACCESS_EDDSA),
    };
    let peer = profile(p);
    let mut token = String::new();
    peer.issue(case, &mut token);
    let parts = peer.signed_parts(case, &token);
    let msg = parts.message.as_slice();
    use hmac::{KeyInit, Mac};
    type Hmac = hmac::Hmac<sha2::Sha256>;
    let keyed = Hmac::new_from_slice(&HMAC_KEY).expect("key");
    let pk = ed25519_dalek::VerifyingKey::from_bytes(&ED25519_PUBLIC).expect("key");
    let sk = ed25519_dalek::SigningKey::from_bytes(&ED25519_SEED);
    for _ in 0..n {
        match kind {
            "bare-hmac-verify" => {
                let mut mac = Hmac::new_from_slice(black_box(&HMAC_KEY)).expect("key");
                mac.update(black_box(msg));
                mac.verify_slice(&parts.signature).expect("verifies");
            }
            "bare-hmac-keyed-verify" => {
                let mut mac = black_box(&keyed).clone();
                mac.update(black_box(msg));
                mac.verify_slice(&parts.signature).expect("verifies");
            }
            "bare-ed-verify" => {
                let sig = ed25519_dalek::Signature::from_slice(&parts.signature).expect("64 B");
                black_box(&pk)
                    .verify_strict(black_box(msg), &sig)
                    .expect("verifies");
            }
            _ => {
                black_box(ed25519_dalek::Signer::sign(black_box(&sk), black_box(msg)));
            }
        }
    }
}
