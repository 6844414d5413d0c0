//! The panic boundary (after rustls-ffi's `panic.rs`): every exported function runs its body
//! through boundary, so a panic becomes CT_ERR_PANIC and never
//! unwinds into C.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{CT_ERR_PANIC, CT_OK, ct_result};

/// Runs body, mapping Ok to CT_OK, Err(code) to code, and a panic to
/// CT_ERR_PANIC.
///
/// AssertUnwindSafe: after a panic nothing of the body's state is used again; outputs are
/// written only as the body's last step, so a caught panic leaves them untouched.
pub(crate) fn boundary<F: FnOnce() -> Result<(), ct_result>>(body: F) -> ct_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => CT_OK,
        Ok(Err(code)) => code,
        Err(_) => CT_ERR_PANIC,
    }
}

/// As boundary for functions that return a value rather than a code: fallback on panic.
pub(crate) fn boundary_or<T, F: FnOnce() -> T>(fallback: T, body: F) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

#[cfg(test)]
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
