//! The counting allocator counts what a call allocates (one test only: the
//! counters are process-wide).

use std::hint::black_box;

use compact_token_benches::alloc_count::{self, CountingAlloc};

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
}
