//! The registry handle (issuer-registered values for the compact profile). It owns copies
//! of its values, so it needs a heap: the no_std (firmware) build has none, and there
//! ct_registry_new gives CT_ERR_UNSUPPORTED (compact tokens use the empty registry, NULL).

use compact_token::Registry;

#[cfg(not(feature = "std"))]
use crate::CT_ERR_UNSUPPORTED;
use crate::{CT_ERR_NULL_POINTER, ct_result, ct_str, panic::boundary};
#[cfg(feature = "std")]
use crate::{CT_INVALID_POLICY, store};
#[cfg(feature = "std")]
use crate::{err, text};

/// A registry handle (opaque) for the compact profile.
///
/// Ownership: made by ct_registry_new, owned by the caller, freed once with
/// ct_registry_free. It owns copies of its values and the registry over them, built once
/// when the handle is made (duplicate check and fingerprint), never per call. Verified
/// claims may point into its values: they are valid until the handle is freed.
///
/// Thread safety: after ct_registry_new it is never changed, so it may be used from
/// several threads at once; ct_registry_free must not run while any other call uses it.
#[cfg(feature = "std")]
pub struct ct_registry {
    /// The registry over list. Its 'static means "until drop": it is only handed out
    /// behind &self (ct_registry::registry), so no borrow of it outlives the handle.
    registry: Registry<'static>,
    /// The values, concatenated: one allocation from Box::into_raw, freed in drop.
    text: *mut str,
    /// The values as slices of text: one allocation from Box::into_raw, freed in drop.
    list: *mut [&'static str],
}

#[cfg(feature = "std")]
impl ct_registry {
    /// Copies values and builds the registry over the copies (Error::InvalidPolicy
    /// for a duplicate or too many values).
    fn new(values: &[&str]) -> Result<ct_registry, ct_result> {
        let text = Box::into_raw(values.concat().into_boxed_str());
        // SAFETY: `text` is a live allocation from `Box::into_raw`, never written, and freed
        // only in `drop` (after `handle` below owns it, even if `Registry::new` fails); the
        // borrows made from it never leave the handle (see the `registry` field).
        let joined: &'static str = unsafe { &*text };
        let mut at = 0;
        let list: Box<[&'static str]> = values
            .iter()
            .map(|v| {
                let value = &joined[at..at + v.len()];
                at += v.len();
                value
            })
            .collect();
        let mut handle = ct_registry {
            registry: Registry::EMPTY,
            text,
            list: Box::into_raw(list),
        };
        // SAFETY: as for `text`: a live allocation from `Box::into_raw`, freed in `drop`.
        let list: &'static [&'static str] = unsafe { &*handle.list };
        handle.registry = Registry::new(list).map_err(err)?;
        Ok(handle)
    }

    /// The registry, borrowed for as long as the handle.
    fn registry(&self) -> &Registry<'_> {
        &self.registry
    }
}

#[cfg(feature = "std")]
impl Drop for ct_registry {
    fn drop(&mut self) {
        // SAFETY: both pointers come from `Box::into_raw` in `new` and are freed once, here;
        // every borrow of them was tied to `&self`, so none is alive any more.
        unsafe {
            drop(Box::from_raw(self.list));
            drop(Box::from_raw(self.text));
        }
    }
}

/// The no_std build's registry handle: never made (ct_registry_new is unsupported there).
#[cfg(not(feature = "std"))]
pub struct ct_registry {
    _private: [u8; 0],
}

#[cfg(not(feature = "std"))]
impl ct_registry {
    fn registry(&self) -> &Registry<'_> {
        &Registry::EMPTY
    }
}

impl ct_registry {
    /// The registry reg points to, or the empty registry when it is NULL.
    ///
    /// # Safety
    /// reg must be NULL or a live handle from ct_registry_new for 'a.
    pub(crate) unsafe fn of<'a>(reg: *const ct_registry) -> &'a Registry<'a> {
        if reg.is_null() {
            return &Registry::EMPTY;
        }
        // SAFETY: non-NULL, and by the caller's contract a live handle for 'a.
        unsafe { &*reg }.registry()
    }
}

/// Makes a registry of count values (numbered from 0 in order) for the compact profile;
/// issuer and verifiers must use the same list. The handle copies the values and builds
/// the registry (duplicate check and fingerprint) once, here: issuing and verifying use it
/// as it is. CT_INVALID_POLICY for a duplicate value or more than 1024 values.
/// CT_ERR_UNSUPPORTED in the no_std (firmware) build, which has no heap to copy them to.
///
/// # Safety
/// values must point to count readable ct_str (it may be NULL when count is 0),
/// each valid for its length; out_registry to a writable ct_registry*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_registry_new(
    values: *const ct_str,
    count: usize,
    out_registry: *mut *mut ct_registry,
) -> ct_result {
    boundary(|| {
        if out_registry.is_null() || (values.is_null() && count != 0) {
            return Err(CT_ERR_NULL_POINTER);
        }
        #[cfg(not(feature = "std"))]
        return Err(CT_ERR_UNSUPPORTED);
        #[cfg(feature = "std")]
        {
            if count > compact_token::MAX_REGISTERED {
                return Err(CT_INVALID_POLICY);
            }
            let views: &[ct_str] = if count == 0 {
                &[]
            } else {
                // SAFETY: non-NULL, count readable elements (API contract).
                unsafe { core::slice::from_raw_parts(values, count) }
            };
            let mut values = Vec::with_capacity(count);
            for v in views {
                // SAFETY: each view is valid for its length (API contract).
                values.push(unsafe { text(v.ptr, v.len) }?);
            }
            store::put(out_registry, ct_registry::new(&values)?)
        }
    })
}

/// Frees a registry handle. NULL is fine; freeing twice is not. Claims verified with it
/// may point into its values: they are invalid afterwards.
///
/// # Safety
/// registry must be NULL or a handle from ct_registry_new not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_registry_free(registry: *mut ct_registry) {
    let _ = boundary(|| {
        #[cfg(feature = "std")]
        if !registry.is_null() {
            // SAFETY: a live handle from store::put, freed once (API contract).
            unsafe { store::free(registry) };
        }
        #[cfg(not(feature = "std"))]
        let _ = registry;
        Ok(())
    });
}
