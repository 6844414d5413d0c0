//! Peak stack use of one call, measured by painting — with no `unsafe`.
//!
//! In a fresh thread: an `#[inline(never)]` function fills a large local
//! array with a pattern and returns, leaving the pattern in the stack below
//! the caller's frame; the call under test runs from the same frame; then the
//! painted range is read back through `/proc/self/mem` (an ordinary file
//! read) and the deepest byte that no longer holds the pattern gives the
//! depth. Run twice with complementary patterns so that a byte the call
//! happened to write with the pattern's own value cannot hide the bottom.
//!
//! What it counts: bytes the call *wrote* below the measuring frame (stack
//! slots reserved but never written are invisible, as with any painting),
//! plus the read-back's own shallow frames, which [`floor`] measures: a
//! figure close to the floor means "at most the floor".

use std::fs::File;
use std::hint::black_box;
use std::io;
use std::os::unix::fs::FileExt;

/// Bytes painted below the measuring frame: far more than any verify needs.
pub const PAINT: usize = 256 * 1024;
/// Stack of the measuring thread: the painted area plus room for the harness.
const THREAD_STACK: usize = PAINT + 256 * 1024;

/// Peak stack bytes `f` uses beyond its caller's frame (see the module docs).
pub fn peak(mut f: impl FnMut() + Send) -> io::Result<usize> {
    peak_with(|| (), move |()| f())
}

/// Like [`peak`], for values that cannot cross threads (a `RefCell` inside):
/// `setup` builds them in the measuring thread, unmeasured, and `f` runs on them.
pub fn peak_with<S>(
    setup: impl FnOnce() -> S + Send,
    mut f: impl FnMut(&S) + Send,
) -> io::Result<usize> {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(THREAD_STACK)
            .spawn_scoped(s, move || {
                let state = setup();
                measure(&mut || f(&state))
            })?
            .join()
            .map_err(|_| io::Error::other("the measured call panicked"))?
    })
}

/// What the method reads for a call that uses no stack: the resolution.
pub fn floor() -> io::Result<usize> {
    peak(|| {})
}

fn measure(f: &mut dyn FnMut()) -> io::Result<usize> {
    // Everything the read-back needs exists before the paint.
    let mem = File::open("/proc/self/mem")?;
    let mut seen = vec![0u8; PAINT];
    let marker = 0u8;
    let top = black_box(&marker) as *const u8 as usize;
    let mut deepest = 0;
    for pattern in [0xA5u8, 0x5A] {
        let low = paint(pattern);
        run(f);
        mem.read_exact_at(&mut seen, low as u64)?;
        if let Some(i) = seen.iter().position(|&b| b != pattern) {
            deepest = deepest.max(top.saturating_sub(low + i));
        }
    }
    Ok(deepest)
}

/// Fills `PAINT` bytes of this frame with `pattern`; returns their lowest address.
#[inline(never)]
fn paint(pattern: u8) -> usize {
    let mut area = [0u8; PAINT];
    area.fill(black_box(pattern));
    black_box(&mut area);
    area.as_ptr() as usize
}

#[inline(never)]
fn run(f: &mut dyn FnMut()) {
    black_box(f)();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `levels` nested frames, each writing a 1 KiB local.
    #[inline(never)]
    fn nest(levels: u32) -> u8 {
        let mut local = [black_box(levels as u8); 1024];
        black_box(&mut local);
        if levels > 1 {
            local[0] ^= nest(levels - 1);
        }
        black_box(local)[0]
    }

    #[test]
    fn measures_what_a_call_writes() {
        let floor = floor().unwrap();
        assert!(floor < 4096, "floor {floor}");
        let one = peak(|| {
            black_box(nest(black_box(1)));
        })
        .unwrap();
        let forty = peak(|| {
            black_box(nest(black_box(40)));
        })
        .unwrap();
        assert!((1024..8 * 1024).contains(&one), "one {one}");
        assert!((40 * 1024..40 * 8 * 1024).contains(&forty), "forty {forty}");
        assert!(forty - one >= 39 * 1024, "{forty} - {one}");
    }
}
