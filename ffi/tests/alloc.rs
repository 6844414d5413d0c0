//! Heap allocations of the verify functions, counted by a global allocator (audit issue 10).
//!
//! With a scratch buffer, verifying allocates nothing: a registry handle holds the registry
//! built once by `ct_registry_new`, where every compact call used to rebuild it (a vector
//! of its values, the O(n²) duplicate check and SHA-256: ~1.25 ms for a junk token against
//! 1024 values). Without one, a token over budget is refused before the private scratch
//! buffer is allocated (it used to cost four times the token's length first).

use core::cell::Cell;
use core::ptr;
use std::alloc::{GlobalAlloc, Layout, System};

use compact_token_ffi::*;

/// Counts the allocations of the thread that is counting; the test harness's other
/// threads are not counted.
struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is forwarded to `System` unchanged; the counters are const-initialised
// thread-locals without destructors, so reading them allocates nothing.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.get() {
            ALLOCATIONS.set(ALLOCATIONS.get() + 1);
        }
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The heap allocations `f` makes on this thread, and its result.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    ALLOCATIONS.set(0);
    COUNTING.set(true);
    let r = f();
    COUNTING.set(false);
    (ALLOCATIONS.get(), r)
}

const NOW: u64 = 1_764_000_000;
const ISS: &str = "https://auth.example.com";
const AUD: &str = "https://api.example.com";

fn s(v: &str) -> ct_str {
    ct_str::new(v)
}

/// A full registry: 1024 values, the issuer and audience among them.
fn big_registry() -> *mut ct_registry {
    let mut owned: Vec<String> = (0..1022).map(|i| format!("scope-{i}")).collect();
    owned.push(ISS.into());
    owned.push(AUD.into());
    let views: Vec<ct_str> = owned.iter().map(|v| s(v)).collect();
    let mut reg = ptr::null_mut();
    // SAFETY: `views.len()` valid views, a writable out pointer.
    assert_eq!(
        unsafe { ct_registry_new(views.as_ptr(), views.len(), &mut reg) },
        CT_OK
    );
    reg
}

fn verify(
    key: *const ct_key,
    reg: *const ct_registry,
    token: &[u8],
    scratch: Option<&mut [u8]>,
    claims: *mut ct_access_claims,
) -> ct_result {
    let (sp, sl) = scratch.map_or((ptr::null_mut(), 0), |b| (b.as_mut_ptr(), b.len()));
    // SAFETY: live handles, `token.len()` readable bytes, valid views, `sl` writable
    // scratch bytes (or NULL), `claims` NULL or writable.
    unsafe {
        ct_access_verify(
            key,
            CT_PROFILE_COMPACT,
            reg,
            token.as_ptr(),
            token.len(),
            s(ISS),
            s(AUD),
            NOW,
            sp,
            sl,
            claims,
        )
    }
}

#[test]
fn verifying_allocates_nothing_with_a_registry_or_over_budget() {
    let mut key = ptr::null_mut();
    // SAFETY: 32 readable bytes, a writable out pointer.
    assert_eq!(
        unsafe { ct_key_new_ed25519_seed([7u8; 32].as_ptr(), CT_KEY_USE_BOTH, &mut key) },
        CT_OK
    );
    let reg = big_registry();
    let mut scratch = vec![0u8; 4096];

    // A junk token against the full registry: refused, and no registry was rebuilt.
    let (n, rc) = allocations(|| verify(key, reg, b"x.y.z", Some(&mut scratch), ptr::null_mut()));
    assert_eq!(rc, CT_BASE64);
    assert_eq!(n, 0, "a junk compact token allocated");

    // A genuine token whose issuer and audience are registered numbers: accepted, the
    // claims pointing into the registry, and still no allocation.
    let mut aud = [ct_str::NONE; CT_MAX_AUDIENCES];
    aud[0] = s(AUD);
    let claims = ct_access_claims {
        iss: s(ISS),
        sub: s("user-8f14e45f"),
        aud,
        aud_len: 1,
        client_id: s("s6BhdRkqt3"),
        iat: NOW,
        exp: NOW + 300,
        has_nbf: false,
        nbf: 0,
        jti: s("b1c2d3e4f5a6b7c8"),
        scope: s("scope-7 scope-1021"),
        has_auth_time: false,
        auth_time: 0,
        acr: ct_str::NONE,
        amr: [ct_str::NONE; CT_MAX_AMR],
        amr_len: 0,
        extra: ct_extras {
            json: ct_str::NONE,
            kind: CT_KIND_NONE,
        },
    };
    let mut token = vec![0u8; 1024];
    let mut written = 0;
    // SAFETY: live handles, valid claims, `token.len()` writable bytes, a writable length.
    let rc = unsafe {
        ct_access_issue(
            key,
            CT_PROFILE_COMPACT,
            reg,
            &claims,
            token.as_mut_ptr(),
            token.len(),
            &mut written,
        )
    };
    assert_eq!(rc, CT_OK);
    token.truncate(written);
    // SAFETY: all-zero is a valid `ct_access_claims` (NULL views, zeros).
    let mut out: ct_access_claims = unsafe { core::mem::zeroed() };
    let (n, rc) = allocations(|| verify(key, reg, &token, Some(&mut scratch), &mut out));
    assert_eq!(rc, CT_OK);
    assert_eq!(n, 0, "verifying a compact token with a registry allocated");
    // The issuer is registry number 1022: its view points into the registry, not scratch.
    assert!(!scratch.as_ptr_range().contains(&out.iss.ptr));
    // SAFETY: a view into the live registry.
    let iss = unsafe { core::slice::from_raw_parts(out.iss.ptr, out.iss.len) };
    assert_eq!(iss, ISS.as_bytes());

    // Over budget with no scratch: refused before the private buffer is allocated.
    let big = vec![b'A'; 2 << 20];
    let (n, rc) = allocations(|| verify(key, reg, &big, None, ptr::null_mut()));
    assert_eq!(rc, CT_OVER_BUDGET);
    assert_eq!(n, 0, "an over-budget token allocated");

    // SAFETY: live handles, freed once.
    unsafe {
        ct_registry_free(reg);
        ct_key_free(key);
    }
}
