//! Prints the markdown report: sizes, speed against the bare primitives,
//! and allocations per call, for every peer in `peers::registry()`.
//!
//! `cargo run --release -p compact-token-benches --bin report [-- --quick]`

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use compact_token_benches::alloc_count::{self, CountingAlloc};
use compact_token_benches::peers::{self, Alg, Case, Peer, SignedParts};
use compact_token_benches::sample::{ED25519_SEED, HMAC_KEY, NOW};
use compact_token_benches::timing::{Bench, OpId};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// One peer × case: its token, and where its timings land.
struct Row {
    peer: usize,
    case: Case,
    token: String,
    parts: SignedParts,
    issue: Option<OpId>,
    verify: Option<OpId>,
    issue_allocs: f64,
    verify_allocs: f64,
}

/// Bare-primitive timings over one distinct signing input.
#[derive(Clone, Copy)]
struct Baseline {
    verify: OpId,
    issue: OpId,
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let (rounds, batch) = if quick {
        (5, Duration::from_millis(2))
    } else {
        (61, Duration::from_millis(12))
    };
    assert!(
        alloc_count::is_installed(),
        "the counting allocator must be global"
    );

    let registry = peers::registry();
    let mut rows = Vec::new();
    for (p, peer) in registry.iter().enumerate() {
        for case in Case::ALL {
            if !peer.supports(case) {
                continue;
            }
            let mut token = String::new();
            peer.issue(case, &mut token);
            assert!(
                peer.verify(case, &token, NOW),
                "{} rejects its own {case} token",
                peer.name()
            );
            let parts = peer.signed_parts(case, &token);
            rows.push(Row {
                peer: p,
                case,
                token,
                parts,
                issue: None,
                verify: None,
                issue_allocs: 0.0,
                verify_allocs: 0.0,
            });
        }
    }

    // Allocations first, on a quiet process: mean over a few calls after a warm-up.
    for row in &mut rows {
        let peer = &registry[row.peer];
        let mut out = String::with_capacity(1024);
        row.issue_allocs = allocs_per_call(|| peer.issue(row.case, &mut out));
        row.verify_allocs = allocs_per_call(|| {
            black_box(peer.verify(row.case, &row.token, NOW));
        });
    }

    let ed3 = ed25519_dalek::SigningKey::from_bytes(&ED25519_SEED);
    let ed3_pub = ed3.verifying_key();
    let ed2 = ed25519_dalek_2::SigningKey::from_bytes(&ED25519_SEED);
    let ed2_pub = ed2.verifying_key();
    let edc = ed25519_compact::KeyPair::from_seed(ed25519_compact::Seed::new(ED25519_SEED));

    let mut bench = Bench::new();
    // The bare primitive over each distinct signing input, shared by peers
    // that happen to sign the very same bytes.
    let mut baselines: HashMap<(Alg, Vec<u8>), Baseline> = HashMap::new();
    for row in &rows {
        let key = (row.case.alg, row.parts.message.clone());
        if baselines.contains_key(&key) {
            continue;
        }
        let msg = row.parts.message.clone();
        let b = match row.case.alg {
            Alg::EdDsa => {
                let sig = ed25519_dalek::Signer::sign(&ed3, &msg).to_bytes();
                let (m1, m2) = (msg.clone(), msg);
                let (sk, pk) = (&ed3, &ed3_pub);
                Baseline {
                    verify: bench.add(move || {
                        let sig = ed25519_dalek::Signature::from_bytes(black_box(&sig));
                        black_box(pk.verify_strict(black_box(&m1), &sig)).expect("bare verify");
                    }),
                    issue: bench.add(move || {
                        black_box(ed25519_dalek::Signer::sign(sk, black_box(&m2)));
                    }),
                }
            }
            Alg::Hs256 => {
                let tag = hmac13(&msg);
                let (m1, m2) = (msg.clone(), msg);
                Baseline {
                    verify: bench.add(move || {
                        use hmac::{KeyInit, Mac};
                        let mut mac =
                            hmac::Hmac::<sha2::Sha256>::new_from_slice(&HMAC_KEY).unwrap();
                        mac.update(black_box(&m1));
                        black_box(mac.verify_slice(black_box(&tag))).expect("bare verify");
                    }),
                    issue: bench.add(move || {
                        black_box(hmac13(black_box(&m2)));
                    }),
                }
            }
        };
        baselines.insert(key, b);
    }

    // The same bare operations in the primitive versions the peers link, on
    // the first peer's access-token input, to show what a version change costs.
    let first_ed = rows
        .iter()
        .find(|r| r.case == Case::ACCESS_EDDSA)
        .expect("an EdDSA row");
    let first_hs = rows
        .iter()
        .find(|r| r.case == Case::ACCESS_HS256)
        .expect("an HS256 row");
    let (ed_msg, hs_msg) = (
        first_ed.parts.message.clone(),
        first_hs.parts.message.clone(),
    );
    let other = {
        let sig2 = ed25519_dalek_2::Signer::sign(&ed2, &ed_msg);
        let sigc = edc.sk.sign(&ed_msg, None);
        let tag = hmac13(&hs_msg);
        let (m1, m2, m3, m4) = (ed_msg.clone(), ed_msg.clone(), ed_msg.clone(), ed_msg);
        let (ed2r, ed2_pubr, edcr) = (&ed2, &ed2_pub, &edc);
        vec![
            (
                "ed25519-dalek 2 `verify_strict`",
                bench.add(move || {
                    black_box(ed2_pubr.verify_strict(black_box(&m1), &sig2)).expect("verify");
                }),
            ),
            (
                "ed25519-dalek 2 `sign`",
                bench.add(move || {
                    black_box(ed25519_dalek_2::Signer::sign(ed2r, black_box(&m2)));
                }),
            ),
            (
                "ed25519-compact 2 `verify`",
                bench.add(move || {
                    black_box(edcr.pk.verify(black_box(&m3), &sigc)).expect("verify");
                }),
            ),
            (
                "ed25519-compact 2 `sign`",
                bench.add(move || {
                    black_box(edcr.sk.sign(black_box(&m4), None));
                }),
            ),
            (
                "hmac 0.12 + sha2 0.10 verify",
                bench.add(move || {
                    use hmac_012::Mac;
                    let mut mac =
                        hmac_012::Hmac::<sha2_010::Sha256>::new_from_slice(&HMAC_KEY).unwrap();
                    mac.update(black_box(&hs_msg));
                    black_box(mac.verify_slice(black_box(&tag))).expect("verify");
                }),
            ),
        ]
    };

    for row in &mut rows {
        let peer: &dyn Peer = registry[row.peer].as_ref();
        let case = row.case;
        let mut out = String::with_capacity(1024);
        row.issue = Some(bench.add(move || {
            peer.issue(case, &mut out);
            black_box(&out);
        }));
        let token = row.token.clone();
        row.verify = Some(bench.add(move || {
            assert!(black_box(peer.verify(case, black_box(&token), NOW)));
        }));
    }

    eprintln!(
        "timing {} operations, {rounds} interleaved rounds of {batch:?} each ...",
        bench.len()
    );
    let load_before = loadavg();
    bench.run(rounds, batch);

    let load = format!("{load_before} before, {} after", loadavg());
    print_report(
        &registry, &rows, &baselines, &bench, &other, rounds, batch, &load,
    );
}

fn hmac13(msg: &[u8]) -> [u8; 32] {
    use hmac::{KeyInit, Mac};
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&HMAC_KEY).expect("any key length");
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// Mean allocations of one call, after a warm-up call (lazy statics, caches).
fn allocs_per_call(mut f: impl FnMut()) -> f64 {
    const CALLS: u64 = 8;
    f();
    let ((), counts) = alloc_count::count(|| {
        for _ in 0..CALLS {
            f();
        }
    });
    counts.total() as f64 / CALLS as f64
}

fn fmt_allocs(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        format!("{n:.2}")
    }
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 10_000.0 {
        format!("{:.1} µs", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// The 1-minute load average: a busy machine stretches every timing, and
/// the ratios less so, but a reader should know.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "unknown".into())
}

#[allow(clippy::too_many_arguments)]
fn print_report(
    registry: &[Box<dyn Peer>],
    rows: &[Row],
    baselines: &HashMap<(Alg, Vec<u8>), Baseline>,
    bench: &Bench<'_>,
    other: &[(&str, OpId)],
    rounds: usize,
    batch: Duration,
    load: &str,
) {
    let find = |p: usize, case: Case| rows.iter().find(|r| r.peer == p && r.case == case);
    let base = |r: &Row| baselines[&(r.case.alg, r.parts.message.clone())];
    let median = |id: Option<OpId>| bench.median_ns(id.expect("timed"));

    println!("# compact-token benches: peers side by side\n");
    println!(
        "- machine: {} × {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    println!("- load average (1 min): {load}");
    println!("- toolchain: {}", env!("BENCH_RUSTC_VERSION"));
    println!("- crates (Cargo.lock): {}", env!("BENCH_LOCKED_VERSIONS"));
    println!(
        "- method: one process, {} operations interleaved round-robin, {rounds} rounds of ~{batch:?} per \
         operation; medians of the per-round means. Allocations: mean over 8 calls after one warm-up \
         (`alloc` + `realloc`).",
        bench.len()
    );
    println!(
        "- baseline: ed25519-dalek 3 `verify_strict` / `sign`, and hmac 0.13 + sha2 0.11 HMAC-SHA256 \
         (key setup included), over each token's own signing input.\n"
    );

    println!("## Summary\n");
    println!(
        "| library | access token bytes EdDSA / HS256 | ID token bytes EdDSA | HS256 verify, × bare HMAC \
         | EdDSA verify, × bare Ed25519 | heap allocations per verify (access EdDSA / HS256 / ID) |"
    );
    println!("|---|--:|--:|--:|--:|--:|");
    for (p, peer) in registry.iter().enumerate() {
        let size = |c| find(p, c).map_or("—".to_string(), |r| r.token.len().to_string());
        let ratio = |c| {
            find(p, c).map_or("—".to_string(), |r| {
                format!("{:.2}×", median(r.verify) / bench.median_ns(base(r).verify))
            })
        };
        let allocs = |c| find(p, c).map_or("—".to_string(), |r| fmt_allocs(r.verify_allocs));
        println!(
            "| {} | {} / {} | {} | {} | {} | {} / {} / {} |",
            peer.name(),
            size(Case::ACCESS_EDDSA),
            size(Case::ACCESS_HS256),
            size(Case::ID_EDDSA),
            ratio(Case::ACCESS_HS256),
            ratio(Case::ACCESS_EDDSA),
            allocs(Case::ACCESS_EDDSA),
            allocs(Case::ACCESS_HS256),
            allocs(Case::ID_EDDSA),
        );
    }

    println!("\n## Every case\n");
    println!(
        "| library | case | bytes | verify | bare verify | × | issue | bare issue | × | allocs verify | allocs issue |"
    );
    println!("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for r in rows {
        let b = base(r);
        let (v, bv) = (median(r.verify), bench.median_ns(b.verify));
        let (i, bi) = (median(r.issue), bench.median_ns(b.issue));
        println!(
            "| {} | {} | {} | {} | {} | {:.2}× | {} | {} | {:.2}× | {} | {} |",
            registry[r.peer].name(),
            r.case,
            r.token.len(),
            fmt_ns(v),
            fmt_ns(bv),
            v / bv,
            fmt_ns(i),
            fmt_ns(bi),
            i / bi,
            fmt_allocs(r.verify_allocs),
            fmt_allocs(r.issue_allocs),
        );
    }

    println!("\n## Bare primitives in the versions the peers link\n");
    println!(
        "Over the first peer's access token signing input; compare with the baseline column above.\n"
    );
    println!("| primitive | median |");
    println!("|---|--:|");
    for (name, id) in other {
        println!("| {name} | {} |", fmt_ns(bench.median_ns(*id)));
    }

    println!("\n## Sample tokens\n");
    for r in rows.iter().filter(|r| r.case == Case::ACCESS_EDDSA) {
        println!(
            "- {} ({} B): `{}`",
            registry[r.peer].name(),
            r.token.len(),
            r.token
        );
    }
}
