//! The counting allocator counts what a call allocates (one test only: the
//! counters are process-wide).

use std::hint::black_box;

use compact_token_benches::alloc_count::{self, CountingAlloc};
use compact_token_benches::{algs, dpop};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

#[test]
fn counts_allocations_of_a_call() {
    assert!(alloc_count::is_installed());

    let ((), none) = alloc_count::count(|| {
        black_box(1u64 + black_box(2));
    });
    assert_eq!(none.total(), 0);

    let (v, counts) = alloc_count::count(|| {
        let mut v: Vec<u8> = Vec::with_capacity(16);
        v.extend_from_slice(black_box(&[1u8; 16]));
        v.reserve_exact(1000); // grows: one realloc
        black_box(Box::new([0u8; 64]));
        black_box(v)
    });
    assert_eq!(v.len(), 16);
    // Other test-harness threads could only add, never remove.
    assert!(counts.allocs >= 2, "{counts:?}");
    assert!(counts.reallocs >= 1, "{counts:?}");
    assert!(counts.bytes >= 16 + 64, "{counts:?}");
    assert!(counts.total() < 50, "{counts:?}");

    // ES256 verify and issue through compact-token, and the verified-token cache: no heap
    // (issues 11 and 12). Here, in the one test, so that nothing else allocates meanwhile.
    for name in [
        "es-jwt-verify",
        "es-compact-verify",
        "es-jwt-issue",
        "es-compact-issue",
        "cache-hit-ed-jwt",
        "cache-hit-hs-compact",
        "cache-miss-ed-compact",
        "cache-miss-hs-jwt",
    ] {
        let mut op = algs::build(name).expect("a known operation");
        (op.run)(); // warm-up: lazy statics
        let ((), counts) = alloc_count::count(|| (op.run)());
        assert_eq!(counts.total(), 0, "{name}: {counts:?}");
    }
    // DPoP (issue 15): a bound access token and its proof verified in one call, and a proof
    // issued, without heap (the replay check is the benchmark's accept-all double).
    for name in [
        "dpop-jwt-verify",
        "dpop-compact-verify",
        "dpop-jwt-verify-ed",
        "dpop-compact-verify-ed",
        "dpop-proof-issue",
    ] {
        let mut op = dpop::build(name).expect("a known operation");
        (op.run)();
        let ((), counts) = alloc_count::count(|| (op.run)());
        assert_eq!(counts.total(), 0, "{name}: {counts:?}");
    }
    // And the count is real: a peer's ES256 verify allocates.
    let mut op = algs::build("peer-es-verify:jsonwebtoken").expect("a known operation");
    let ((), counts) = alloc_count::count(|| (op.run)());
    assert!(counts.total() > 0, "{counts:?}");
}
