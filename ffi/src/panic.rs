//! The panic boundary (after rustls-ffi's `panic.rs`): every exported function runs its body
//! through boundary, so a panic becomes CT_ERR_PANIC and never unwinds into C.
//!
//! The no_std (firmware) build cannot catch panics (no unwinding, no catch_unwind): it is
//! built with panic=abort, and its panic handler (below) halts, so no panic unwinds into C
//! there either. A panic is a bug in either build.

#[cfg(feature = "std")]
use std::panic::{AssertUnwindSafe, catch_unwind};

#[cfg(feature = "std")]
use crate::error::CT_ERR_PANIC;
use crate::error::{CT_OK, ct_result};

/// The no_std build's panic handler: halts in a spin loop (as the panic-halt crate does),
/// the one thing it can do with no OS. Firmware with a watchdog resets from there.
#[cfg(all(not(feature = "std"), not(test)))]
#[panic_handler]
fn halt(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {
        core::hint::spin_loop();
    }
}

/// The no_std boundary: runs body (a panic halts, see above).
#[cfg(not(feature = "std"))]
pub(crate) fn boundary<F: FnOnce() -> Result<(), ct_result>>(body: F) -> ct_result {
    match body() {
        Ok(()) => CT_OK,
        Err(code) => code,
    }
}

/// The no_std boundary_or: runs body.
#[cfg(not(feature = "std"))]
pub(crate) fn boundary_or<T, F: FnOnce() -> T>(_fallback: T, body: F) -> T {
    body()
}

/// Runs body, mapping Ok to CT_OK, Err(code) to code, and a panic to
/// CT_ERR_PANIC.
///
/// AssertUnwindSafe: after a panic nothing of the body's state is used again; outputs are
/// written only as the body's last step, so a caught panic leaves them untouched.
#[cfg(feature = "std")]
pub(crate) fn boundary<F: FnOnce() -> Result<(), ct_result>>(body: F) -> ct_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => CT_OK,
        Ok(Err(code)) => code,
        Err(_) => CT_ERR_PANIC,
    }
}

/// As boundary for functions that return a value rather than a code: fallback on panic.
#[cfg(feature = "std")]
pub(crate) fn boundary_or<T, F: FnOnce() -> T>(fallback: T, body: F) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

#[cfg(all(test, feature = "std"))]
mod tests {
    use super::*;

    #[test]
    fn ok_and_errors_pass_through() {
        assert_eq!(boundary(|| Ok(())), CT_OK);
        assert_eq!(boundary(|| Err(15)), 15);
    }

    #[test]
    fn a_panic_is_caught_and_becomes_its_code() {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let code = boundary(|| -> Result<(), ct_result> { panic!("boom") });
        let value = boundary_or(7u8, || -> u8 { panic!("boom") });
        std::panic::set_hook(hook);
        assert_eq!(code, CT_ERR_PANIC);
        assert_eq!(value, 7);
    }
}
