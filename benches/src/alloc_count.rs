//! A counting global allocator: how many heap allocations one call makes.
//!
//! Install it in a binary (or a test) with
//! `#[global_allocator] static A: CountingAlloc = CountingAlloc;`, then wrap
//! the call in [`count`]. The counters are process-wide atomics, so measure
//! on one thread while the others are quiet.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static REALLOCS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);

/// The system allocator, counting every `alloc`, `alloc_zeroed` and `realloc`.
pub struct CountingAlloc;

// SAFETY: every method forwards to `System` unchanged; the counters are
// lock-free atomics and never allocate.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        REALLOCS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(
            new_size.saturating_sub(layout.size()) as u64,
            Ordering::Relaxed,
        );
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// Allocation counters, absolute or as a difference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Fresh blocks (`alloc`, `alloc_zeroed`).
    pub allocs: u64,
    /// Resizes (`realloc`), which may move a block.
    pub reallocs: u64,
    /// Bytes requested by both (growth only, for `realloc`).
    pub bytes: u64,
}

impl Counts {
    /// Allocations in the usual sense: fresh blocks plus resizes.
    pub fn total(&self) -> u64 {
        self.allocs + self.reallocs
    }
}

/// The counters now (zero forever if [`CountingAlloc`] is not installed).
pub fn snapshot() -> Counts {
    Counts {
        allocs: ALLOCS.load(Ordering::Relaxed),
        reallocs: REALLOCS.load(Ordering::Relaxed),
        bytes: BYTES.load(Ordering::Relaxed),
    }
}

/// Runs `f` once and returns its result with the allocations it made.
pub fn count<R>(f: impl FnOnce() -> R) -> (R, Counts) {
    let before = snapshot();
    let result = f();
    let after = snapshot();
    let diff = Counts {
        allocs: after.allocs - before.allocs,
        reallocs: after.reallocs - before.reallocs,
        bytes: after.bytes - before.bytes,
    };
    (result, diff)
}

/// Whether [`CountingAlloc`] is the global allocator of this process.
pub fn is_installed() -> bool {
    let (boxed, counts) = count(|| std::hint::black_box(Box::new(0u64)));
    drop(boxed);
    counts.allocs > 0
}
