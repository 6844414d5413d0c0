//! Where handles live. The std build boxes them on the heap. The no_std (firmware) build
//! has no heap: key handles are slots of a static pool of CT_FIRMWARE_MAX_KEYS, taken and
//! released atomically (CT_ERR_NO_HANDLE when all are in use).

#[cfg(feature = "std")]
use crate::ct_result;

/// Writes a new handle holding value into out (checked non-NULL by the caller).
#[cfg(feature = "std")]
pub(crate) fn put<T: 'static>(out: *mut *mut T, value: T) -> Result<(), ct_result> {
    // SAFETY: out was checked non-NULL and points to a writable T* by the API contract.
    unsafe { *out = Box::into_raw(Box::new(value)) };
    Ok(())
}

/// Drops a handle made by put.
///
/// # Safety
/// handle must come from put and not have been freed.
#[cfg(feature = "std")]
pub(crate) unsafe fn free<T: 'static>(handle: *mut T) {
    // SAFETY: a live handle made by Box::into_raw in put, freed once (caller's contract).
    drop(unsafe { Box::from_raw(handle) });
}

#[cfg(not(feature = "std"))]
pub(crate) use pool::{free, put};

#[cfg(not(feature = "std"))]
mod pool {
    use core::cell::UnsafeCell;
    use core::mem::MaybeUninit;
    use core::sync::atomic::{AtomicBool, Ordering};

    use crate::{CT_ERR_NO_HANDLE, CT_FIRMWARE_MAX_KEYS, ct_key, ct_result};

    /// A fixed set of slots, each owned by whoever set its flag.
    struct Pool<T, const N: usize> {
        used: [AtomicBool; N],
        slots: [UnsafeCell<MaybeUninit<T>>; N],
    }

    // SAFETY: a slot is touched only by the holder of its flag (taken with compare_exchange,
    // released after the value is dropped), and T is Send, so sharing the pool is sound.
    unsafe impl<T: Send, const N: usize> Sync for Pool<T, N> {}

    impl<T, const N: usize> Pool<T, N> {
        const fn new() -> Self {
            Pool {
                used: [const { AtomicBool::new(false) }; N],
                slots: [const { UnsafeCell::new(MaybeUninit::uninit()) }; N],
            }
        }

        fn put(&self, value: T) -> Option<*mut T> {
            for (used, slot) in self.used.iter().zip(&self.slots) {
                if used
                    .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
                    .is_ok()
                {
                    // SAFETY: this caller holds the slot's flag, so no one else touches it.
                    return Some(unsafe { (*slot.get()).write(value) });
                }
            }
            None
        }

        /// # Safety
        /// handle must come from put on this pool and not have been freed.
        unsafe fn free(&self, handle: *mut T) {
            for (used, slot) in self.used.iter().zip(&self.slots) {
                if slot.get().cast::<T>() == handle {
                    // SAFETY: a live value written by put (caller's contract), dropped once;
                    // the flag is released only afterwards.
                    unsafe { (*slot.get()).assume_init_drop() };
                    used.store(false, Ordering::Release);
                    return;
                }
            }
        }
    }

    static KEYS: Pool<ct_key, CT_FIRMWARE_MAX_KEYS> = Pool::new();

    pub(crate) fn put(out: *mut *mut ct_key, value: ct_key) -> Result<(), ct_result> {
        let handle = KEYS.put(value).ok_or(CT_ERR_NO_HANDLE)?;
        // SAFETY: out was checked non-NULL and points to a writable ct_key* (API contract).
        unsafe { *out = handle };
        Ok(())
    }

    /// # Safety
    /// handle must come from put and not have been freed.
    pub(crate) unsafe fn free(handle: *mut ct_key) {
        // SAFETY: forwarded contract.
        unsafe { KEYS.free(handle) }
    }
}
