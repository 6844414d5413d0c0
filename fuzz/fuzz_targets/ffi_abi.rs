//! The C ABI (`compact-token-ffi`) driven as C would drive it: arbitrary tokens (raw bytes,
//! not necessarily UTF-8, or validly signed arbitrary payloads), arbitrary claim bytes,
//! arbitrary profile and key-use numbers, and small output / scratch buffers, through
//! `ct_access_verify`, `ct_id_verify`, `ct_access_issue`, `ct_id_issue`, and (op 3) the
//! policy and helper functions: `ct_access_verify_with` / `ct_id_verify_with` with arbitrary
//! scopes, leeway and limits, `ct_access_issue_with` / `ct_id_issue_with` with arbitrary
//! limits, `ct_at_hash`, `ct_c_hash`, `ct_token_peek_kid`, `ct_verify_scratch_len`,
//! `ct_version`, `ct_version_string`; custom claims: arbitrary JSON text as the claims'
//! `extra` when issuing, arbitrary requirements (paths, rules, values) in both policies, and
//! every `ct_extras_*` reader over arbitrary text, kinds, paths and buffer sizes (a string
//! fits its buffer or names the length it needs, with which it fits; nothing written on
//! error); key sets: `ct_keyset_new_jwks` over arbitrary text and key-use numbers, and
//! `ct_access_verify_keyset` / `ct_id_verify_keyset` beside every verification with the
//! Ed25519 key; keys: `ct_key_new_jwk` and `ct_key_new_pem` over arbitrary text, algorithm
//! and use numbers (and the JWK of the fixed test RSA key), `ct_key_new_es256_public` over
//! arbitrary bytes, `ct_key_new_es256_private` over arbitrary scalars, `ct_key_algorithm`,
//! `ct_key_public_jwk` with small buffers, `ct_key_es256_public_bytes`,
//! `ct_key_ed25519_public_bytes`, `ct_key_set_kid`; DPoP: `ct_dpop_jkt`,
//! `ct_dpop_proof_issue` over arbitrary claims and buffer sizes, `ct_access_verify_dpop` over
//! arbitrary proofs, requests and replay checks (`ct_replay_cache_new`, a callback, none,
//! the no-check flag, unknown flags).
//!
//! Properties: no call panics (never `CT_ERR_PANIC`); every code is one `ct_error_message`
//! knows; on error the claims output and the buffers are untouched; `CT_BUFFER_TOO_SMALL`
//! from issuing names a length larger than the buffer, with which issuing succeeds and
//! writes exactly that many bytes; `out_len = SIZE_MAX` is only "large enough" (the same
//! token); an issued token verifies through the ABI to the same subject, and is refused as
//! the other kind; a scratch buffer holding the token is refused
//! (`CT_ERR_INVALID_ARGUMENT`, unless the budget or UTF-8 check refuses first) and the
//! token is left intact; `CT_BUFFER_TOO_SMALL` from a `_verify_with` names a scratch size
//! larger than the one given, and a call with that size no longer fails for want of
//! scratch; a peeked kid or a hash fits its buffer or names the length it needs; a key set
//! holding only the Ed25519 public key (no kid) accepts exactly what that key accepts, but
//! a token naming a kid (`CT_ERR_UNKNOWN_KEY_ID`); a refused JWK set writes no handle. A
//! key made from a document or bytes has one of the five algorithms, the one asked for when
//! one was; its public JWK fits its buffer or names the length it needs, and reads back as
//! a key of the same algorithm that verifies what the key signs (and the ES256 public bytes
//! likewise); a refused key writes no handle and touches no output.
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
    /// The JWK set of ed_pub alone, without kid.
    set: *mut ct_keyset,
}

fn keys() -> Keys {
    let mut k = Keys {
        ed: ptr::null_mut(),
        ed_pub: ptr::null_mut(),
        hs: ptr::null_mut(),
        reg: ptr::null_mut(),
        set: ptr::null_mut(),
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
    let jwks = format!(
        r#"{{"keys":[{{"kty":"OKP","crv":"Ed25519","x":"{}"}}]}}"#,
        <base64ct::Base64UrlUnpadded as base64ct::Encoding>::encode_string(&public)
    );
    // SAFETY: `jwks.len()` readable bytes and a writable out pointer.
    let rc = unsafe { ct_keyset_new_jwks(jwks.as_ptr(), jwks.len(), CT_KEY_USE_BOTH, &mut k.set) };
    assert_eq!(rc, CT_OK);
    k
}

/// Verifies `token` as both kinds with the key set of ed_pub, and checks it agrees with
/// ed_pub's own codes (access, id): the same acceptance, but for a token naming a kid.
fn keyset_agrees(
    k: &Keys,
    profile: ct_profile,
    reg: *const ct_registry,
    token: &[u8],
    key: (ct_result, ct_result),
) {
    // SAFETY: all-zero is a valid policy (NULL views, no scopes, default limits).
    let mut ap: ct_access_policy = unsafe { core::mem::zeroed() };
    ap.issuer = ct_str::new(ISS);
    ap.audience = ct_str::new(AUD);
    // SAFETY: as above.
    let mut ip: ct_id_policy = unsafe { core::mem::zeroed() };
    ip.issuer = ct_str::new(ISS);
    ip.client_id = ct_str::new(CLIENT);
    // SAFETY: a live set, `token.len()` readable bytes, readable policies; no claims and
    // no scratch (a private buffer).
    let set = unsafe {
        (
            ct_access_verify_keyset(
                k.set,
                profile,
                reg,
                token.as_ptr(),
                token.len(),
                &ap,
                NOW,
                ptr::null_mut(),
                0,
                ptr::null_mut(),
                ptr::null_mut(),
            ),
            ct_id_verify_keyset(
                k.set,
                profile,
                reg,
                token.as_ptr(),
                token.len(),
                &ip,
                NOW,
                ptr::null_mut(),
                0,
                ptr::null_mut(),
                ptr::null_mut(),
            ),
        )
    };
    for (by_set, by_key) in [(set.0, key.0), (set.1, key.1)] {
        known(by_set);
        if by_set == CT_OK {
            assert_eq!(by_key, CT_OK, "the set accepts what its key refuses");
        }
        if by_key == CT_OK {
            assert!(
                matches!(by_set, CT_OK | CT_ERR_UNKNOWN_KEY_ID),
                "code {by_set}"
            );
        }
    }
}

/// A key set from arbitrary text: a known code, a handle only on success, which verifies
/// the strings as tokens without panicking.
fn keyset_from_input(input: &Input, profile: ct_profile) {
    let mut set = 0x10 as *mut ct_keyset;
    let key_use = ct_key_use::from(input.key % 5);
    // SAFETY: `input.token.len()` readable bytes and a writable out pointer.
    let rc =
        unsafe { ct_keyset_new_jwks(input.token.as_ptr(), input.token.len(), key_use, &mut set) };
    known(rc);
    if rc != CT_OK {
        assert_eq!(set, 0x10 as *mut ct_keyset, "handle written on error");
        return;
    }
    assert!(!set.is_null());
    // SAFETY: all-zero is a valid policy (NULL views, no scopes, default limits).
    let mut ap: ct_access_policy = unsafe { core::mem::zeroed() };
    ap.issuer = ct_str::new(ISS);
    ap.audience = ct_str::new(AUD);
    let mut scratch = vec![0u8; usize::from(input.scratch_len) % 6000];
    // SAFETY: all-zero is a valid `ct_access_claims`.
    let mut a: ct_access_claims = unsafe { core::mem::zeroed() };
    for token in &input.strings {
        // SAFETY: a live set, readable token and policy, `scratch.len()` writable bytes.
        let rc = unsafe {
            ct_access_verify_keyset(
                set,
                profile,
                ptr::null(),
                token.as_ptr(),
                token.len(),
                &ap,
                NOW,
                scratch.as_mut_ptr(),
                scratch.len(),
                &mut a,
                ptr::null_mut(),
            )
        };
        known(rc);
    }
    // SAFETY: a live handle, freed once.
    unsafe { ct_keyset_free(set) };
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
    if key.cast_mut() == k.ed_pub {
        keyset_agrees(k, profile, reg, token, (ra, ri));
    }
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
        match input.op % 4 {
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
            2 => issue(k, profile, &input, scratch_len),
            _ => {
                policies_and_helpers(k, profile, &input, scratch_len);
                extras_readers(&input);
                keyset_from_input(&input, profile);
                key_documents(&input, profile);
                dpop_calls(k, profile, &input, scratch_len);
            }
        }
    });
});

/// A policy's numbers from the input: leeway (sometimes unset, sometimes out of range) and
/// limits (zero, tighter or looser than the defaults).
fn limits_of(input: &Input) -> (bool, u64, ct_limits) {
    let (a, b) = input.dates;
    let limits = ct_limits {
        max_bytes: (a % 5000) as usize,
        max_lifetime: b % 4000,
    };
    (a & 1 == 1, b % 400, limits)
}

fn policies_and_helpers(k: &Keys, profile: ct_profile, input: &Input, scratch_len: usize) {
    let st = &input.strings;
    let key = match input.key % 3 {
        0 => k.ed,
        1 => k.hs,
        _ => k.ed_pub,
    };
    let reg = if profile == CT_PROFILE_COMPACT {
        k.reg
    } else {
        ptr::null_mut()
    };
    let (has_leeway, leeway, limits) = limits_of(input);
    let scopes: Vec<ct_str> = st
        .iter()
        .skip(2)
        .take(20)
        .map(|s| ct_str {
            ptr: s.as_ptr(),
            len: s.len(),
        })
        .collect();
    // Requirements on custom claims: paths and values from the input's strings.
    let paths: Vec<ct_str> = st
        .iter()
        .take(CT_MAX_CLAIM_PATH + 1)
        .map(|s| ct_str {
            ptr: s.as_ptr(),
            len: s.len(),
        })
        .collect();
    let reqs: Vec<ct_claim_requirement> = (0..usize::from(input.out_len % 11))
        .map(|i| ct_claim_requirement {
            path: if paths.is_empty() {
                ptr::null()
            } else {
                paths.as_ptr()
            },
            // Out of range (0, or over CT_MAX_CLAIM_PATH: refused unread), or at most the
            // views there are: a longer length would be the caller breaking the contract.
            path_len: match (i + usize::from(input.key)) % (CT_MAX_CLAIM_PATH + 2) {
                n if n > CT_MAX_CLAIM_PATH => n,
                n => n.min(paths.len()),
            },
            rule: ((input.dates.1 >> i) % 5) as ct_rule,
            value: opt_view(st, i),
        })
        .collect();
    let mut failed_index = usize::MAX;
    let claims_req = ct_claim_requirements {
        list: if reqs.is_empty() {
            ptr::null()
        } else {
            reqs.as_ptr()
        },
        len: reqs.len(),
        out_failed_index: &mut failed_index,
    };
    let access = ct_access_policy {
        issuer: view(st, 0, ISS),
        audience: view(st, 1, AUD),
        required_scopes: if scopes.is_empty() {
            ptr::null()
        } else {
            scopes.as_ptr()
        },
        required_scopes_len: scopes.len(),
        has_leeway,
        leeway,
        limits,
        claims: claims_req,
    };
    let id = ct_id_policy {
        issuer: view(st, 0, ISS),
        client_id: view(st, 1, CLIENT),
        nonce: opt_view(st, 2),
        access_token: opt_view(st, 3),
        has_leeway,
        leeway,
        limits,
        claims: claims_req,
    };
    let token = &input.token;
    let now = input.dates.0 % 4_000_000_000;
    // Verify with a policy; on CT_BUFFER_TOO_SMALL, again with the size it names.
    let mut size = scratch_len;
    for _ in 0..2 {
        let mut scratch = vec![0xA5u8; size];
        let mut needed = usize::MAX;
        // SAFETY: all-zero is a valid claims struct (NULL views, zeros).
        let mut a: ct_access_claims = unsafe { core::mem::zeroed() };
        let mut i: ct_id_claims = unsafe { core::mem::zeroed() };
        // SAFETY: live handles, views into live vectors, buffers of the lengths given.
        let (ra, ri) = unsafe {
            (
                ct_access_verify_with(
                    key,
                    profile,
                    reg,
                    token.as_ptr(),
                    token.len(),
                    &access,
                    now,
                    scratch.as_mut_ptr(),
                    size,
                    &mut a,
                    &mut needed,
                ),
                ct_id_verify_with(
                    key,
                    profile,
                    reg,
                    token.as_ptr(),
                    token.len(),
                    &id,
                    now,
                    scratch.as_mut_ptr(),
                    size,
                    &mut i,
                    &mut needed,
                ),
            )
        };
        known(ra);
        known(ri);
        if ra != CT_BUFFER_TOO_SMALL && ri != CT_BUFFER_TOO_SMALL {
            break;
        }
        assert!(
            needed > size && needed != usize::MAX,
            "needed {needed} for {size}"
        );
        assert!(
            size == scratch_len,
            "still too small with the size it named"
        );
        size = needed;
    }
    // Issue under arbitrary limits.
    let claims = ct_access_claims {
        iss: view(st, 0, ISS),
        sub: view(st, 1, "sub"),
        aud: [view(st, 2, AUD); CT_MAX_AUDIENCES],
        aud_len: 1,
        client_id: view(st, 3, CLIENT),
        iat: input.dates.0 % 4_000_000_000,
        exp: input.dates.0 % 4_000_000_000 + input.dates.1 % 1000,
        has_nbf: false,
        nbf: 0,
        jti: view(st, 4, "jti"),
        scope: opt_view(st, 5),
        has_auth_time: false,
        auth_time: 0,
        acr: ct_str::NONE,
        amr: [ct_str::NONE; CT_MAX_AMR],
        amr_len: 0,
        extra: ct_extras {
            json: opt_view(st, 6),
            kind: CT_KIND_NONE,
        },
    };
    let mut out = vec![0u8; 1100];
    let mut written = 0usize;
    // SAFETY: as above.
    let rc = unsafe {
        ct_access_issue_with(
            key,
            profile,
            reg,
            &claims,
            &limits,
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        )
    };
    known(rc);
    if rc == CT_OK {
        assert!(limits.max_bytes == 0 || written <= limits.max_bytes);
    }
    // SAFETY: all-zero is a valid ct_id_claims; the rest as above.
    let mut idc: ct_id_claims = unsafe { core::mem::zeroed() };
    idc.iss = claims.iss;
    idc.sub = claims.sub;
    idc.aud[0] = claims.client_id;
    idc.aud_len = 1;
    idc.iat = claims.iat;
    idc.exp = claims.exp;
    // SAFETY: as above.
    known(unsafe {
        ct_id_issue_with(
            key,
            profile,
            reg,
            &idc,
            &limits,
            out.as_mut_ptr(),
            out.len(),
            &mut written,
        )
    });
    // Hashes and the kid: fit or name the length needed, write nothing else on error.
    let cap = usize::from(input.out_len) % 70;
    for hash in [ct_at_hash, ct_c_hash] {
        let mut buf = vec![0x5Au8; cap];
        let mut n = usize::MAX;
        // SAFETY: as above.
        let rc = unsafe {
            hash(
                key,
                token.as_ptr(),
                token.len(),
                buf.as_mut_ptr(),
                cap,
                &mut n,
            )
        };
        known(rc);
        match rc {
            CT_OK => assert!(n == 22 || n == 43),
            CT_BUFFER_TOO_SMALL => {
                assert!(n > cap && buf.iter().all(|&b| b == 0x5A));
            }
            _ => assert!(n == usize::MAX && buf.iter().all(|&b| b == 0x5A)),
        }
    }
    let mut kid = vec![0x5Au8; cap];
    let (mut n, mut has) = (usize::MAX, false);
    // SAFETY: as above.
    let rc = unsafe {
        ct_token_peek_kid(
            token.as_ptr(),
            token.len(),
            kid.as_mut_ptr(),
            cap,
            &mut n,
            &mut has,
        )
    };
    known(rc);
    match rc {
        CT_OK => assert!(n <= cap && (has || n == 0)),
        CT_BUFFER_TOO_SMALL => assert!(n > cap && kid.iter().all(|&b| b == 0x5A)),
        _ => assert!(n == usize::MAX && !has),
    }
    let len = usize::from(input.out_len);
    assert_eq!(
        ct_verify_scratch_len(profile, len),
        match profile {
            CT_PROFILE_JWT | CT_PROFILE_COMPACT => 3 * len,
            _ => 0,
        }
    );
    assert_eq!(ct_version(), CT_VERSION);
    // SAFETY: a static NUL-terminated string.
    assert_eq!(
        unsafe { core::ffi::CStr::from_ptr(ct_version_string()) }.to_bytes(),
        b"0.1.0"
    );
}

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
        ic.extra.json = opt_view(st, 15);
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
        ac.extra.json = opt_view(st, 15);
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

/// Every ct_extras_* reader over arbitrary text (`token`), kind and path: known codes only,
/// outputs untouched on error, a decoded string fits or names the length it needs.
fn extras_readers(input: &Input) {
    let st = &input.strings;
    let e = ct_extras {
        json: ct_str {
            ptr: input.token.as_ptr(),
            len: input.token.len(),
        },
        kind: ct_kind::from(input.key % 4),
    };
    let path: Vec<ct_str> = st
        .iter()
        .take(CT_MAX_CLAIM_PATH + 1)
        .map(|s| ct_str {
            ptr: s.as_ptr(),
            len: s.len(),
        })
        .collect();
    let (p, n) = (path.as_ptr(), path.len());
    let cap = usize::from(input.out_len % 64);
    let index = usize::from(input.profile % 8);
    let mut buf = vec![0x5Au8; cap];
    let mut written: usize;
    // SAFETY: `e` views `input.token`, `path` views `input.strings`, outputs are locals.
    unsafe {
        let mut t = 0;
        known(ct_extras_type(&e, p, n, &mut t));
        let mut i = 0i64;
        known(ct_extras_get_i64(&e, p, n, &mut i));
        let mut b = false;
        known(ct_extras_get_bool(&e, p, n, &mut b));
        let mut len = usize::MAX;
        let rc = ct_extras_array_len(&e, p, n, &mut len);
        known(rc);
        assert!(rc == CT_OK || len == usize::MAX, "written on error");
        let mut json = ct_str::NONE;
        let rc = ct_extras_get_json(&e, p, n, &mut json);
        known(rc);
        if rc == CT_OK {
            let start = input.token.as_ptr() as usize;
            assert!(
                json.ptr as usize >= start
                    && json.ptr as usize + json.len <= start + input.token.len()
            );
        }
        let mut count = usize::MAX;
        known(ct_extras_count(&e, &mut count));
        for which in 0..3 {
            let call = |buf: &mut Vec<u8>, written: &mut usize| match which {
                0 => ct_extras_get_str(&e, p, n, buf.as_mut_ptr(), buf.len(), written),
                1 => ct_extras_array_get_str(&e, p, n, index, buf.as_mut_ptr(), buf.len(), written),
                _ => {
                    let mut v = ct_str::NONE;
                    ct_extras_member(&e, index, buf.as_mut_ptr(), buf.len(), written, &mut v)
                }
            };
            buf.iter_mut().for_each(|x| *x = 0x5A);
            written = usize::MAX;
            let rc = call(&mut buf, &mut written);
            known(rc);
            match rc {
                CT_OK => assert!(written <= buf.len()),
                CT_BUFFER_TOO_SMALL => {
                    assert!(written > buf.len() && buf.iter().all(|&x| x == 0x5A));
                    let mut big = vec![0u8; written];
                    let needed = written;
                    assert_eq!(call(&mut big, &mut written), CT_OK);
                    assert_eq!(written, needed);
                }
                _ => assert!(written == usize::MAX && buf.iter().all(|&x| x == 0x5A)),
            }
        }
    }
}

/// The test RSA key (ffi/tests/c/gen_test_keys.py), a private JWK without "alg".
const RSA_JWK: &str = include_str!("../../ffi/tests/c/rsa-2048-private.jwk");

/// Keys from arbitrary documents and bytes, and what a key that is made must satisfy.
fn key_documents(input: &Input, profile: ct_profile) {
    // Algorithm and use numbers, in and out of range.
    let alg = ct_alg::from(input.key % 7);
    let key_use = ct_key_use::from(input.key / 7 % 5);
    let doc: &[u8] = if input.op / 4 % 8 == 0 {
        RSA_JWK.as_bytes()
    } else {
        &input.token
    };
    let mut key = 0x10 as *mut ct_key;
    // SAFETY: `doc.len()` readable bytes and a writable out pointer.
    let rc = unsafe { ct_key_new_jwk(doc.as_ptr(), doc.len(), alg, key_use, &mut key) };
    made(rc, key, Some(alg), profile, input);
    let mut key = 0x10 as *mut ct_key;
    // SAFETY: `input.token.len()` readable bytes and a writable out pointer.
    let rc = unsafe {
        ct_key_new_pem(
            input.token.as_ptr(),
            input.token.len(),
            alg,
            key_use,
            &mut key,
        )
    };
    made(rc, key, Some(alg), profile, input);
    let point = input.strings.first().map_or(&[][..], Vec::as_slice);
    let mut key = 0x10 as *mut ct_key;
    // SAFETY: `point.len()` readable bytes and a writable out pointer.
    let rc = unsafe { ct_key_new_es256_public(point.as_ptr(), point.len(), key_use, &mut key) };
    if rc == CT_OK {
        assert!(
            matches!(point.len(), 33 | 65),
            "a {}-byte point",
            point.len()
        );
    }
    made(rc, key, None, profile, input);
    let mut scalar = [0u8; 32];
    for (s, b) in scalar.iter_mut().zip(input.token.iter().rev()) {
        *s = *b;
    }
    let mut key = 0x10 as *mut ct_key;
    // SAFETY: 32 readable bytes and a writable out pointer.
    let rc = unsafe { ct_key_new_es256_private(scalar.as_ptr(), key_use, &mut key) };
    made(rc, key, None, profile, input);
}

/// Checks a key constructor's result and, for a key it made, the key itself; frees it.
fn made(
    rc: ct_result,
    key: *mut ct_key,
    asked: Option<ct_alg>,
    profile: ct_profile,
    input: &Input,
) {
    known(rc);
    if rc != CT_OK {
        assert_eq!(key, 0x10 as *mut ct_key, "handle written on error");
        return;
    }
    // SAFETY: a live handle (or NULL).
    let alg = unsafe { ct_key_algorithm(key) };
    assert!(
        (CT_ALG_EDDSA..=CT_ALG_PS256).contains(&alg),
        "algorithm {alg}"
    );
    if let Some(a) = asked.filter(|a| *a != CT_ALG_UNSPECIFIED) {
        assert_eq!(alg, a, "asked for {a}");
    }
    // SAFETY: a live handle, not used concurrently; `kid.len()` readable bytes.
    let kid = input.strings.get(1).map_or(&[][..], Vec::as_slice);
    let rc = unsafe { ct_key_set_kid(key, kid.as_ptr(), kid.len()) };
    known(rc);
    // The public JWK, first into a buffer of arbitrary size.
    let mut out = vec![0xA5u8; usize::from(input.out_len) % 2048];
    let mut written = 0usize;
    // SAFETY: a live handle, `out.len()` writable bytes, a writable size.
    let rc = unsafe { ct_key_public_jwk(key, out.as_mut_ptr(), out.len(), &mut written) };
    known(rc);
    let public = match rc {
        CT_OK => {
            assert!(written <= out.len());
            Some(out[..written].to_vec())
        }
        CT_BUFFER_TOO_SMALL => {
            assert!(written > out.len() && out.iter().all(|b| *b == 0xA5));
            let mut out = vec![0u8; written];
            let mut again = 0usize;
            // SAFETY: as above.
            let rc = unsafe { ct_key_public_jwk(key, out.as_mut_ptr(), out.len(), &mut again) };
            assert_eq!((rc, again), (CT_OK, written));
            Some(out)
        }
        _ => {
            assert_eq!(rc, CT_ERR_INVALID_ARGUMENT);
            assert_eq!(alg, CT_ALG_HS256, "only a secret has no public JWK");
            None
        }
    };
    let mut es = [0u8; 65];
    // SAFETY: a live handle and 65 writable bytes.
    let rc = unsafe { ct_key_es256_public_bytes(key, es.as_mut_ptr()) };
    assert_eq!(rc == CT_OK, alg == CT_ALG_ES256, "code {rc}");
    let mut ed = [0u8; 32];
    // SAFETY: a live handle and 32 writable bytes.
    let rc = unsafe { ct_key_ed25519_public_bytes(key, ed.as_mut_ptr()) };
    assert_eq!(rc == CT_OK, alg == CT_ALG_EDDSA, "code {rc}");
    // The public JWK reads back as a key of the same algorithm that verifies what this
    // one signs; the ES256 public bytes likewise.
    let mut publics = Vec::new();
    if let Some(json) = public {
        let mut back = ptr::null_mut();
        // SAFETY: `json.len()` readable bytes and a writable out pointer.
        let rc = unsafe {
            ct_key_new_jwk(
                json.as_ptr(),
                json.len(),
                CT_ALG_UNSPECIFIED,
                CT_KEY_USE_BOTH,
                &mut back,
            )
        };
        assert_eq!(rc, CT_OK, "{}", String::from_utf8_lossy(&json));
        // SAFETY: a live handle.
        assert_eq!(unsafe { ct_key_algorithm(back) }, alg);
        publics.push(back);
    }
    if alg == CT_ALG_ES256 {
        let mut back = ptr::null_mut();
        // SAFETY: 65 readable bytes and a writable out pointer.
        let rc = unsafe { ct_key_new_es256_public(es.as_ptr(), 65, CT_KEY_USE_BOTH, &mut back) };
        assert_eq!(rc, CT_OK);
        publics.push(back);
    }
    let reg = ptr::null();
    let claims = sample_access_view();
    let mut token = vec![0u8; CT_ACCESS_MAX_BYTES];
    let mut n = 0usize;
    // SAFETY: a live key, readable claims, `token.len()` writable bytes.
    let rc = unsafe {
        ct_access_issue(
            key,
            profile,
            reg,
            &claims,
            token.as_mut_ptr(),
            token.len(),
            &mut n,
        )
    };
    known(rc);
    for back in publics {
        if rc == CT_OK {
            // SAFETY: live handles, `n` readable token bytes; no claims, no scratch.
            let verified = unsafe {
                ct_access_verify(
                    back,
                    profile,
                    reg,
                    token.as_ptr(),
                    n,
                    ct_str::new(ISS),
                    ct_str::new(AUD),
                    NOW + 10,
                    ptr::null_mut(),
                    0,
                    ptr::null_mut(),
                )
            };
            // The key's use may not allow access tokens; the public JWK keeps it.
            assert!(
                matches!(verified, CT_OK | CT_KEY_USE_MISMATCH),
                "code {verified}"
            );
        }
        // SAFETY: a live handle, freed once.
        unsafe { ct_key_free(back) };
    }
    // SAFETY: a live handle, freed once.
    unsafe { ct_key_free(key) };
}

/// The sample access token's claims as a C struct (views into static strings).
fn sample_access_view() -> ct_access_claims {
    // SAFETY: all-zero is a valid `ct_access_claims` (NULL views, zeros).
    let mut c: ct_access_claims = unsafe { core::mem::zeroed() };
    c.iss = ct_str::new(ISS);
    c.sub = ct_str::new("user-8f14e45f");
    c.aud[0] = ct_str::new(AUD);
    c.aud_len = 1;
    c.client_id = ct_str::new(CLIENT);
    c.iat = NOW;
    c.exp = NOW + 300;
    c.jti = ct_str::new("b1c2d3e4f5a6b7c8");
    c
}

/// A replay callback for `dpop_calls`: ctx is a `Vec<Vec<u8>>` of the jtis seen.
unsafe extern "C" fn remember(
    ctx: *mut core::ffi::c_void,
    jti: *const u8,
    jti_len: usize,
    until: u64,
    now: u64,
) -> ct_result {
    assert!(
        until >= now.saturating_sub(600),
        "replay entry expired before it was stored"
    );
    // SAFETY: ctx is the Vec dpop_calls passes; jti is jti_len bytes for the call.
    let (seen, jti) = unsafe {
        (
            &mut *ctx.cast::<Vec<Vec<u8>>>(),
            core::slice::from_raw_parts(jti, jti_len),
        )
    };
    if seen.iter().any(|s| s == jti) {
        return CT_DPOP_REPLAYED;
    }
    seen.push(jti.to_vec());
    CT_OK
}

/// DPoP through the ABI: `ct_dpop_jkt`, `ct_dpop_proof_issue` with arbitrary claims and
/// buffer sizes, and `ct_access_verify_dpop` with arbitrary proofs, request values and
/// replay checks (cache, callback, none, the no-check flag, unknown flags). A proof issued
/// for the bound token and verified for its own request at its iat verifies once, then is a
/// replay; a request without a replay check is refused; outputs are untouched on error.
fn dpop_calls(k: &Keys, profile: ct_profile, input: &Input, scratch_len: usize) {
    let st = &input.strings;
    let reg = if profile == CT_PROFILE_COMPACT {
        k.reg
    } else {
        ptr::null_mut()
    };
    let mut jkt = [0u8; CT_DPOP_JKT_LEN];
    // SAFETY: live handle, 43 writable bytes.
    assert_eq!(unsafe { ct_dpop_jkt(k.ed, jkt.as_mut_ptr()) }, CT_OK);
    let mut jkt_hs = [7u8; CT_DPOP_JKT_LEN];
    // SAFETY: as above.
    let rc = unsafe { ct_dpop_jkt(k.hs, jkt_hs.as_mut_ptr()) };
    assert_eq!(
        (rc, jkt_hs),
        (CT_ERR_UNSUPPORTED_KEY_TYPE, [7; CT_DPOP_JKT_LEN])
    );
    let extras = format!(
        r#"{{"cnf":{{"jkt":"{}"}}}}"#,
        core::str::from_utf8(&jkt).unwrap()
    );
    let now = NOW + 1;
    // SAFETY: all-zero is a valid `ct_access_claims`.
    let mut claims: ct_access_claims = unsafe { core::mem::zeroed() };
    claims.iss = ct_str::new(ISS);
    claims.sub = ct_str::new("user-8f14e45f");
    claims.aud[0] = ct_str::new(AUD);
    claims.aud_len = 1;
    claims.client_id = ct_str::new(CLIENT);
    claims.iat = NOW;
    claims.exp = NOW + 300;
    claims.jti = ct_str::new("b1c2d3e4f5a6b7c8");
    claims.extra.json = ct_str::new(&extras);
    let mut token = vec![0u8; 1024];
    let mut n = 0;
    let issue_profile = if profile == CT_PROFILE_COMPACT {
        CT_PROFILE_COMPACT
    } else {
        CT_PROFILE_JWT
    };
    // SAFETY: live handles, valid views, writable buffer and length.
    let rc = unsafe {
        ct_access_issue(
            k.hs,
            issue_profile,
            reg,
            &claims,
            token.as_mut_ptr(),
            1024,
            &mut n,
        )
    };
    assert_eq!(rc, CT_OK);
    token.truncate(n);

    // A proof from the input's claims (or well-formed defaults), into a buffer of any size.
    let own = input.key.is_multiple_of(2);
    let (htm, htu) = if own {
        (
            ct_str::new("GET"),
            ct_str::new("https://api.example.com/orders"),
        )
    } else {
        (view(st, 0, "GET"), view(st, 1, "https://api.example.com/x"))
    };
    let jti = view(st, 2, "fuzz-jti-0000001");
    let nonce = opt_view(st, 3);
    let iat = if own { NOW } else { input.dates.0 };
    let ath = if input.key.is_multiple_of(3) {
        opt_view(st, 4)
    } else {
        ct_str {
            ptr: token.as_ptr(),
            len: token.len(),
        }
    };
    let out_len = usize::from(input.out_len) % 2200;
    let issue = |out: &mut Vec<u8>, written: &mut usize| {
        // SAFETY: live handle, valid views, out.len() writable bytes, writable length.
        let rc = unsafe {
            ct_dpop_proof_issue(
                k.ed,
                htm,
                htu,
                iat,
                jti,
                ath,
                nonce,
                out.as_mut_ptr(),
                out.len(),
                written,
            )
        };
        known(rc);
        rc
    };
    let mut proof = vec![0xA5u8; out_len];
    let mut written = 0xDEAD;
    let rc = issue(&mut proof, &mut written);
    match rc {
        CT_OK => proof.truncate(written),
        CT_BUFFER_TOO_SMALL => {
            assert!(written > out_len && proof.iter().all(|&b| b == 0xA5));
            proof = vec![0u8; written];
            let mut again = 0;
            assert_eq!((issue(&mut proof, &mut again), again), (CT_OK, written));
        }
        _ => {
            assert!(written == 0xDEAD && proof.iter().all(|&b| b == 0xA5));
            proof = input.token.clone();
        }
    }
    let issued = rc == CT_OK || rc == CT_BUFFER_TOO_SMALL;

    // Verify it (or the input's bytes) with one of the replay checks.
    let cache_cap = 1 + usize::from(input.key % 4);
    let mut cache: *mut ct_replay_cache = ptr::null_mut();
    // SAFETY: writable handle pointer.
    assert_eq!(unsafe { ct_replay_cache_new(cache_cap, &mut cache) }, CT_OK);
    let mut seen: Vec<Vec<u8>> = Vec::new();
    // SAFETY: all-zero is a valid request (NULL views, no callback).
    let mut req: ct_dpop_request = unsafe { core::mem::zeroed() };
    req.proof = ct_str {
        ptr: proof.as_ptr(),
        len: proof.len(),
    };
    req.htm = htm;
    req.htu = htu;
    req.nonce = nonce;
    let mode = input.profile / 5 % 5;
    match mode {
        0 => req.replay_cache = cache,
        1 => {
            req.replay_check = Some(remember);
            req.replay_ctx = (&mut seen as *mut Vec<Vec<u8>>).cast();
        }
        2 => req.flags = CT_DPOP_NO_REPLAY_CHECK,
        3 => {}
        _ => {
            req.replay_cache = cache;
            req.flags = u32::from(input.out_len) | 2;
        }
    }
    // SAFETY: all-zero is a valid `ct_access_policy`.
    let mut pol: ct_access_policy = unsafe { core::mem::zeroed() };
    pol.issuer = ct_str::new(ISS);
    pol.audience = ct_str::new(AUD);
    let mut scratch = vec![0u8; scratch_len.max(1)];
    let verify = |scratch: &mut Vec<u8>| {
        // SAFETY: all-zero is a valid `ct_access_claims`.
        let mut out: ct_access_claims = unsafe { core::mem::zeroed() };
        out.exp = 0x5A5A;
        let mut needed = 0x5A5A;
        // SAFETY: live handles, valid views and request, writable buffers.
        let rc = unsafe {
            ct_access_verify_dpop(
                k.hs,
                profile,
                reg,
                token.as_ptr(),
                token.len(),
                &pol,
                &req,
                now,
                scratch.as_mut_ptr(),
                scratch.len(),
                &mut out,
                &mut needed,
            )
        };
        known(rc);
        if rc != CT_OK {
            assert_eq!(out.exp, 0x5A5A, "claims written on error");
            assert!(rc == CT_BUFFER_TOO_SMALL || needed == 0x5A5A);
        }
        rc
    };
    let rc = verify(&mut scratch);
    if profile == issue_profile && mode == 3 {
        assert!(
            matches!(rc, CT_ERR_INVALID_ARGUMENT | CT_ERR_INVALID_UTF8),
            "no replay check accepted: {rc}"
        );
    }
    if profile == issue_profile && mode == 4 {
        assert_ne!(rc, CT_OK, "unknown flags accepted");
    }
    if own
        && issued
        && profile == issue_profile
        && mode <= 1
        && nonce.ptr.is_null()
        && ath.ptr == token.as_ptr()
    {
        let mut big = vec![0u8; 8192];
        let rc = verify(&mut big);
        if st.get(2).is_none_or(|j| core::str::from_utf8(j).is_ok()) {
            assert!(
                rc == CT_OK || rc == CT_DPOP_REPLAYED,
                "own proof refused: {rc}"
            );
            assert_eq!(verify(&mut big), CT_DPOP_REPLAYED);
        }
    }
    // SAFETY: the handle made above, freed once.
    unsafe { ct_replay_cache_free(cache) };
}
