//! The C ABI called from Rust, as C would: handles, issue → verify in both profiles, exact
//! codes for the refusals, outputs untouched on error.

use core::ptr;

use compact_token_ffi::*;

const NOW: u64 = 1_764_000_000;
const ISS: &str = "https://auth.example.com";
const AUD: &str = "https://api.example.com";
const CLIENT: &str = "s6BhdRkqt3";

fn s(v: &str) -> ct_str {
    ct_str::new(v)
}

/// # Safety
/// `v` must be a view returned by the ABI whose buffer is still alive.
unsafe fn text<'a>(v: ct_str) -> &'a str {
    // SAFETY: the caller's contract.
    unsafe { core::str::from_utf8(core::slice::from_raw_parts(v.ptr, v.len)).unwrap() }
}

fn ed_key(key_use: ct_key_use) -> *mut ct_key {
    let mut key = ptr::null_mut();
    // SAFETY: 32 readable bytes, a writable out pointer.
    assert_eq!(
        unsafe { ct_key_new_ed25519_seed([7u8; 32].as_ptr(), key_use, &mut key) },
        CT_OK
    );
    key
}

fn hs_key() -> *mut ct_key {
    let mut key = ptr::null_mut();
    let secret = [0x42u8; 32];
    // SAFETY: 32 readable bytes, a writable out pointer.
    assert_eq!(
        unsafe { ct_key_new_hs256(secret.as_ptr(), 32, CT_KEY_USE_BOTH, &mut key) },
        CT_OK
    );
    key
}

fn access_claims() -> ct_access_claims {
    let mut aud = [ct_str::NONE; CT_MAX_AUDIENCES];
    aud[0] = s(AUD);
    ct_access_claims {
        iss: s(ISS),
        sub: s("user-8f14e45f"),
        aud,
        aud_len: 1,
        client_id: s(CLIENT),
        iat: NOW,
        exp: NOW + 300,
        has_nbf: false,
        nbf: 0,
        jti: s("b1c2d3e4f5a6b7c8"),
        scope: s("read:orders write:orders"),
        has_auth_time: false,
        auth_time: 0,
        acr: ct_str::NONE,
        amr: [ct_str::NONE; CT_MAX_AMR],
        amr_len: 0,
        extra: ct_extras {
            json: ct_str::NONE,
            kind: CT_KIND_NONE,
        },
    }
}

fn issue(
    key: *const ct_key,
    profile: ct_profile,
    claims: &ct_access_claims,
) -> (ct_result, Vec<u8>) {
    let mut out = vec![0u8; 1024];
    let mut n = 0usize;
    // SAFETY: live handle, readable claims, `out.len()` writable bytes, writable `n`.
    let rc = unsafe {
        ct_access_issue(
            key,
            profile,
            ptr::null(),
            claims,
            out.as_mut_ptr(),
            out.len(),
            &mut n,
        )
    };
    out.truncate(n);
    (rc, out)
}

fn verify(key: *const ct_key, profile: ct_profile, token: &[u8], now: u64) -> ct_result {
    let mut scratch = [0u8; 4096];
    let mut claims = access_claims();
    // SAFETY: live handle, `token.len()` readable bytes, valid views, writable scratch and claims.
    unsafe {
        ct_access_verify(
            key,
            profile,
            ptr::null(),
            token.as_ptr(),
            token.len(),
            s(ISS),
            s(AUD),
            now,
            scratch.as_mut_ptr(),
            scratch.len(),
            &mut claims,
        )
    }
}

#[test]
fn access_tokens_round_trip_in_both_profiles_with_both_algorithms() {
    for key in [ed_key(CT_KEY_USE_ACCESS), hs_key()] {
        for profile in [CT_PROFILE_JWT, CT_PROFILE_COMPACT] {
            let (rc, token) = issue(key, profile, &access_claims());
            assert_eq!(rc, CT_OK);
            let mut scratch = vec![0u8; 3 * token.len()];
            let mut out = access_claims();
            out.sub = ct_str::NONE;
            // SAFETY: as in `verify`.
            let rc = unsafe {
                ct_access_verify(
                    key,
                    profile,
                    ptr::null(),
                    token.as_ptr(),
                    token.len(),
                    s(ISS),
                    s(AUD),
                    NOW + 1,
                    scratch.as_mut_ptr(),
                    scratch.len(),
                    &mut out,
                )
            };
            assert_eq!(rc, CT_OK);
            // SAFETY: views into `scratch`, alive here.
            unsafe {
                assert_eq!(text(out.sub), "user-8f14e45f");
                assert_eq!(text(out.aud[0]), AUD);
                assert_eq!(text(out.scope), "read:orders write:orders");
            }
            assert!(out.acr.ptr.is_null());
            assert_eq!(verify(key, profile, &token, NOW + 400), CT_EXPIRED);
        }
        // SAFETY: a live handle, freed once.
        unsafe { ct_key_free(key) };
    }
}

#[test]
fn refusals_have_exact_codes_and_leave_outputs_alone() {
    let key = ed_key(CT_KEY_USE_ACCESS);
    let (_, token) = issue(key, CT_PROFILE_JWT, &access_claims());
    let mut tampered = token.clone();
    let i = token.iter().position(|&b| b == b'.').unwrap() + 7;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        verify(key, CT_PROFILE_JWT, &tampered, NOW),
        CT_BAD_SIGNATURE
    );
    assert_eq!(
        verify(key, CT_PROFILE_COMPACT, &token, NOW),
        CT_WRONG_PROFILE
    );
    assert_eq!(
        verify(key, CT_PROFILE_JWT, b"\xff.\xfe.\xfd", NOW),
        CT_ERR_INVALID_UTF8
    );
    assert_eq!(verify(key, 9, &token, NOW), CT_ERR_INVALID_ARGUMENT);
    assert_eq!(
        verify(ptr::null(), CT_PROFILE_JWT, &token, NOW),
        CT_ERR_NULL_POINTER
    );

    let mut out = [b'#'; 16];
    let mut n = 99usize;
    // SAFETY: 16 writable bytes, writable `n`.
    let rc = unsafe {
        ct_access_issue(
            key,
            CT_PROFILE_JWT,
            ptr::null(),
            &access_claims(),
            out.as_mut_ptr(),
            16,
            &mut n,
        )
    };
    assert_eq!(rc, CT_BUFFER_TOO_SMALL);
    assert_eq!(n, token.len());
    assert_eq!(out, [b'#'; 16]);

    let mut claims = access_claims();
    claims.exp = NOW + 3600;
    n = 99;
    // SAFETY: as above.
    let rc = unsafe {
        ct_access_issue(
            key,
            CT_PROFILE_JWT,
            ptr::null(),
            &claims,
            out.as_mut_ptr(),
            16,
            &mut n,
        )
    };
    assert_eq!(rc, CT_LIFETIME_TOO_LONG);
    assert_eq!(n, 99);
    // SAFETY: a live handle, freed once; NULL is fine.
    unsafe {
        ct_key_free(key);
        ct_key_free(ptr::null_mut());
    }
}

#[test]
fn messages_are_static_c_strings() {
    for code in [
        CT_OK,
        CT_BAD_SIGNATURE,
        CT_ERR_PANIC,
        CT_ERR_NULL_POINTER,
        12345,
    ] {
        let p = ct_error_message(code);
        assert!(!p.is_null());
        // SAFETY: a static NUL-terminated string.
        let m = unsafe { core::ffi::CStr::from_ptr(p) };
        assert!(!m.to_bytes().is_empty());
    }
}
