//! The C ABI (`compact-token-ffi`) driven as C would drive it: arbitrary tokens (raw bytes,
//! not necessarily UTF-8, or validly signed arbitrary payloads), arbitrary claim bytes,
//! arbitrary profile and key-use numbers, and small output / scratch buffers, through
//! `ct_access_verify`, `ct_id_verify`, `ct_access_issue`, `ct_id_issue`.
//!
//! Properties: no call panics (never `CT_ERR_PANIC`); every code is one `ct_error_message`
//! knows; on error the claims output and the buffers are untouched; `CT_BUFFER_TOO_SMALL`
//! from issuing names a length larger than the buffer, with which issuing succeeds and
//! writes exactly that many bytes; `out_len = SIZE_MAX` is only "large enough" (the same
//! token); an issued token verifies through the ABI to the same subject, and is refused as
//! the other kind; a scratch buffer holding the token is refused
//! (`CT_ERR_INVALID_ARGUMENT`, unless the budget or UTF-8 check refuses first) and the
//! token is left intact.
#![no_main]

use core::ptr;

use arbitrary::Arbitrary;
use compact_token_ffi::*;
use compact_token_fuzz::*;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Input {
    op: u8,
    profile: u8,
    key: u8,
    out_len: u16,
    scratch_len: u16,
    want_claims: bool,
    dates: (u64, u64),
    strings: Vec<Vec<u8>>,
    token: Vec<u8>,
}

struct Keys {
    ed: *mut ct_key,
    ed_pub: *mut ct_key,
    hs: *mut ct_key,
    reg: *mut ct_registry,
}

fn keys() -> Keys {
    let mut k = Keys {
        ed: ptr::null_mut(),
        ed_pub: ptr::null_mut(),
        hs: ptr::null_mut(),
        reg: ptr::null_mut(),
    };
    let mut public = [0u8; 32];
    let values: Vec<ct_str> = REGISTERED.iter().map(|v| ct_str::new(v)).collect();
    // SAFETY: valid inputs and writable out pointers.
    unsafe {
        assert_eq!(
            ct_key_new_ed25519_seed(ED_SEED.as_ptr(), CT_KEY_USE_BOTH, &mut k.ed),
            CT_OK
        );
        assert_eq!(
            ct_key_ed25519_public_bytes(k.ed, public.as_mut_ptr()),
            CT_OK
        );
        assert_eq!(
            ct_key_new_ed25519_public(public.as_ptr(), CT_KEY_USE_BOTH, &mut k.ed_pub),
            CT_OK
        );
        assert_eq!(
            ct_key_new_hs256(HS_SECRET.as_ptr(), 32, CT_KEY_USE_BOTH, &mut k.hs),
            CT_OK
        );
        assert_eq!(
            ct_registry_new(values.as_ptr(), values.len(), &mut k.reg),
            CT_OK
        );
    }
    k
}

fn known(code: ct_result) {
    assert_ne!(code, CT_ERR_PANIC, "a panic reached the boundary");
    // SAFETY: a static NUL-terminated string.
    let m = unsafe { core::ffi::CStr::from_ptr(ct_error_message(code)) };
    assert_ne!(m.to_bytes(), b"unknown result code", "code {code}");
}

fn view(strings: &[Vec<u8>], i: usize, default: &str) -> ct_str {
    match strings.get(i) {
        Some(b) => ct_str {
            ptr: b.as_ptr(),
            len: b.len(),
        },
        None => ct_str::new(default),
    }
}

fn opt_view(strings: &[Vec<u8>], i: usize) -> ct_str {
    strings.get(i).map_or(ct_str::NONE, |b| ct_str {
        ptr: b.as_ptr(),
        len: b.len(),
    })
}

/// Verifies `token` as both kinds; returns the codes (access, id).
fn verify_both(
    k: &Keys,
    key: *const ct_key,
    profile: ct_profile,
    token: &[u8],
    scratch_len: usize,
    want: bool,
) -> (ct_result, ct_result) {
    let reg = if profile == CT_PROFILE_COMPACT {
        k.reg
    } else {
        ptr::null_mut()
    };
    let mut scratch = vec![0xA5u8; scratch_len];
    // SAFETY: all-zero is a valid `ct_access_claims` / `ct_id_claims` (NULL views, zeros).
    let mut a: ct_access_claims = unsafe { core::mem::zeroed() };
    let mut i: ct_id_claims = unsafe { core::mem::zeroed() };
    let (sp, sl) = if want || scratch_len > 0 {
        (scratch.as_mut_ptr(), scratch.len())
    } else {
        (ptr::null_mut(), 0)
    };
    // SAFETY: valid handles, `token.len()` readable bytes, `sl` writable scratch bytes.
    let ra = unsafe {
        ct_access_verify(
            key,
            profile,
            reg,
            token.as_ptr(),
            token.len(),
            ct_str::new(ISS),
            ct_str::new(AUD),
            NOW,
            sp,
            sl,
            if want { &mut a } else { ptr::null_mut() },
        )
    };
    known(ra);
    if ra != CT_OK {
        assert!(
            a.iss.ptr.is_null() && a.aud_len == 0,
            "claims written on error"
        );
    } else if want {
        assert!(!a.iss.ptr.is_null() && a.aud_len >= 1 && a.aud_len <= CT_MAX_AUDIENCES);
    }
    // SAFETY: as above.
    let ri = unsafe {
        ct_id_verify(
            key,
            profile,
            reg,
            token.as_ptr(),
            token.len(),
            ct_str::new(ISS),
            ct_str::new(CLIENT),
            ct_str::NONE,
            ct_str::NONE,
            NOW,
            sp,
            sl,
            if want { &mut i } else { ptr::null_mut() },
        )
    };
    known(ri);
    if ri != CT_OK {
        assert!(
            i.iss.ptr.is_null() && i.aud_len == 0,
            "claims written on error"
        );
    }
    assert!(ra != CT_OK || ri != CT_OK, "accepted as both kinds");
    aliased(k, key, profile, token);
    (ra, ri)
}

/// Verifies `token` from inside the scratch buffer: refused before anything is written.
fn aliased(k: &Keys, key: *const ct_key, profile: ct_profile, token: &[u8]) {
    if token.is_empty() {
        return;
    }
    let mut scratch = token.to_vec();
    scratch.resize(3 * token.len() + 64, 0xA5);
    let before = scratch.clone();
    let reg = if profile == CT_PROFILE_COMPACT {
        k.reg
    } else {
        ptr::null_mut()
    };
    // SAFETY: valid handles; the token is the first `token.len()` bytes of `scratch`, which
    // the ABI must refuse to write through.
    let rc = unsafe {
        ct_access_verify(
            key,
            profile,
            reg,
            scratch.as_ptr(),
            token.len(),
            ct_str::new(ISS),
            ct_str::new(AUD),
            NOW,
            scratch.as_mut_ptr(),
            scratch.len(),
            ptr::null_mut(),
        )
    };
    assert!(
        [CT_ERR_INVALID_ARGUMENT, CT_OVER_BUDGET, CT_ERR_INVALID_UTF8].contains(&rc),
        "token inside scratch: {rc}"
    );
    assert!(
        scratch == before,
        "scratch written although it holds the token"
    );
}

fuzz_target!(|input: Input| {
    thread_local!(static KEYS: Keys = keys());
    KEYS.with(|k| {
        // Profile numbers out of range are exercised too (CT_ERR_INVALID_ARGUMENT).
        let profile = match input.profile % 5 {
            0 | 1 => CT_PROFILE_JWT,
            2 | 3 => CT_PROFILE_COMPACT,
            _ => ct_profile::from(input.profile),
        };
        let scratch_len = usize::from(input.scratch_len) % 6000;
        match input.op % 3 {
            0 => {
                // Raw bytes as a token, possibly not UTF-8.
                let key = if input.key % 2 == 0 { k.ed_pub } else { k.hs };
                verify_both(
                    k,
                    key,
                    profile,
                    &input.token,
                    scratch_len,
                    input.want_claims,
                );
            }
            1 => {
                // A validly signed arbitrary payload.
                let mut data = vec![input.key];
                data.extend_from_slice(&input.token);
                let header = if profile == CT_PROFILE_COMPACT {
                    compact_header
                } else {
                    jwt_access_header
                };
                let token = token_from_input(&data, header);
                let key = if input.key % 3 == 1 { k.ed_pub } else { k.hs };
                verify_both(
                    k,
                    key,
                    profile,
                    token.as_bytes(),
                    scratch_len,
                    input.want_claims,
                );
            }
            _ => issue(k, profile, &input, scratch_len),
        }
    });
});

fn issue(k: &Keys, profile: ct_profile, input: &Input, scratch_len: usize) {
    let st = &input.strings;
    let (signer, verifier) = match input.key % 3 {
        0 => (k.ed, k.ed_pub),
        1 => (k.hs, k.hs),
        _ => (k.ed_pub, k.ed_pub), // cannot sign
    };
    let reg = if profile == CT_PROFILE_COMPACT {
        k.reg
    } else {
        ptr::null_mut()
    };
    let iat = if input.dates.0 % 2 == 0 {
        NOW
    } else {
        input.dates.0
    };
    let exp = if input.dates.1 % 2 == 0 {
        iat.saturating_add(input.dates.1 % 900)
    } else {
        input.dates.1
    };
    let id_kind = input.op % 2 == 0;
    // SAFETY: all-zero claims are valid (NULL views, zeros).
    let mut ac: ct_access_claims = unsafe { core::mem::zeroed() };
    let mut ic: ct_id_claims = unsafe { core::mem::zeroed() };
    let n_aud = st.len().saturating_sub(6).clamp(1, CT_MAX_AUDIENCES + 1);
    if id_kind {
        ic.iss = view(st, 0, ISS);
        ic.sub = view(st, 1, "user");
        for j in 0..n_aud.min(CT_MAX_AUDIENCES) {
            ic.aud[j] = view(st, 6 + j, CLIENT);
        }
        ic.aud_len = n_aud;
        ic.iat = iat;
        ic.exp = exp;
        ic.nonce = opt_view(st, 2);
        ic.name = opt_view(st, 3);
        ic.email = opt_view(st, 4);
        ic.has_email_verified = input.want_claims;
        ic.azp = opt_view(st, 5);
    } else {
        ac.iss = view(st, 0, ISS);
        ac.sub = view(st, 1, "user");
        for j in 0..n_aud.min(CT_MAX_AUDIENCES) {
            ac.aud[j] = view(st, 6 + j, AUD);
        }
        ac.aud_len = n_aud;
        ac.client_id = view(st, 2, CLIENT);
        ac.iat = iat;
        ac.exp = exp;
        ac.jti = view(st, 3, "jti");
        ac.scope = opt_view(st, 4);
        ac.acr = opt_view(st, 5);
    }
    // `capacity` is what `out_len` says: `out.len()`, or `usize::MAX` when `out` holds the
    // budget of either kind (4096 bytes), which the ABI must take as "large enough".
    let run_with = |out: &mut Vec<u8>, capacity: usize, written: &mut usize| -> ct_result {
        assert!(capacity == out.len() || out.len() >= 4096);
        // SAFETY: valid handles and claims whose views borrow `input`, `out.len()` writable
        // bytes of which the ABI writes at most the budget, a writable `written`.
        unsafe {
            if id_kind {
                ct_id_issue(
                    signer,
                    profile,
                    reg,
                    &ic,
                    out.as_mut_ptr(),
                    capacity,
                    written,
                )
            } else {
                ct_access_issue(
                    signer,
                    profile,
                    reg,
                    &ac,
                    out.as_mut_ptr(),
                    capacity,
                    written,
                )
            }
        }
    };
    let run = |out: &mut Vec<u8>, written: &mut usize| run_with(out, out.len(), written);
    let mut out = vec![0x5Au8; usize::from(input.out_len) % 600];
    let mut written = usize::MAX;
    let rc = run(&mut out, &mut written);
    known(rc);
    let token = match rc {
        CT_OK => {
            assert!(written <= out.len());
            out.truncate(written);
            out
        }
        CT_BUFFER_TOO_SMALL => {
            assert!(out.iter().all(|&b| b == 0x5A), "output written on error");
            assert!(written > out.len() && written != usize::MAX);
            let needed = written;
            let mut big = vec![0u8; needed];
            written = usize::MAX;
            assert_eq!(run(&mut big, &mut written), CT_OK);
            assert_eq!(written, needed);
            big
        }
        _ => {
            assert!(out.iter().all(|&b| b == 0x5A), "output written on error");
            assert_eq!(written, usize::MAX, "out_written written on error");
            return;
        }
    };
    // Both signatures are deterministic: `out_len = SIZE_MAX` gives the same token.
    let mut any = vec![0x5Au8; 4096];
    let mut n = 0;
    assert_eq!(run_with(&mut any, usize::MAX, &mut n), CT_OK);
    assert_eq!(&any[..n], &token[..]);
    assert!(any[n..].iter().all(|&b| b == 0x5A), "wrote past the token");
    let (ra, ri) = verify_both(
        k,
        verifier,
        profile,
        &token,
        scratch_len.max(3 * token.len()),
        true,
    );
    // The issued kind is never refused for its kind, its signature or its encoding.
    let (mine, other) = if id_kind { (ri, ra) } else { (ra, ri) };
    // (An ID token is allowed more bytes: as an access token it may be over budget first.)
    assert!(
        other == CT_WRONG_KIND || other == CT_OVER_BUDGET,
        "the other kind: {other}"
    );
    assert!(
        ![
            CT_WRONG_KIND,
            CT_BAD_SIGNATURE,
            CT_MALFORMED,
            CT_BASE64,
            CT_MALFORMED_CLAIMS,
            CT_BUFFER_TOO_SMALL
        ]
        .contains(&mine),
        "issued token refused: {mine}"
    );
}
