//! One verify-only program per feature (see Cargo.toml): `ct_footprint_verify` gets the
//! bytes read from stdin and the time from C, so nothing is constant-folded away, and
//! returns 0 when the token (or bare signature) verifies.
//!
//! Token programs: stdin is the token; the key is pinned (the benches' sample key), the
//! policy strict (issuer, audience, `exp` at `now`). Bare programs: stdin is the
//! signature (64 bytes) or tag (32 bytes) followed by the signing input.
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}

/// The benches' Ed25519 public key (RFC 8032 §7.1, test 1).
#[cfg(any(feature = "ed-jwt", feature = "ed-compact", feature = "ed-bare"))]
const ED25519_PUBLIC: [u8; 32] = [
    0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
    0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
];

/// The benches' HMAC key: bytes 0x00..=0x1f.
#[cfg(any(feature = "hs-jwt", feature = "hs-compact", feature = "hs-bare"))]
const HMAC_KEY: [u8; 32] = [
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
    26, 27, 28, 29, 30, 31,
];

#[cfg(any(
    feature = "ed-jwt",
    feature = "ed-compact",
    feature = "hs-jwt",
    feature = "hs-compact"
))]
fn verify(input: &[u8], now: u64) -> i32 {
    use compact_token::{AccessPolicy, KeyUse};
    let Ok(token) = core::str::from_utf8(input) else {
        return 2;
    };
    #[cfg(any(feature = "ed-jwt", feature = "ed-compact"))]
    let Ok(key) = compact_token::Ed25519VerifyingKey::from_bytes(&ED25519_PUBLIC, KeyUse::Access)
    else {
        return 3;
    };
    #[cfg(any(feature = "hs-jwt", feature = "hs-compact"))]
    let Ok(key) = compact_token::Hs256Key::from_secret(&HMAC_KEY, KeyUse::Access) else {
        return 3;
    };
    let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com");
    let mut scratch = [0u8; 3 * 1024];
    #[cfg(any(feature = "ed-jwt", feature = "hs-jwt"))]
    let verified = compact_token::jwt::verify_access(token, &key, &policy, now, &mut scratch);
    #[cfg(any(feature = "ed-compact", feature = "hs-compact"))]
    let verified = compact_token::compact::verify_access(
        token,
        &key,
        &policy,
        &compact_token::Registry::EMPTY,
        now,
        &mut scratch,
    );
    match verified {
        // Touch a claim, as a real verifier would.
        Ok(claims) => i32::from(claims.sub.is_empty()),
        Err(_) => 1,
    }
}

#[cfg(feature = "ed-bare")]
fn verify(input: &[u8], _now: u64) -> i32 {
    let Some((sig, message)) = input.split_first_chunk::<64>() else {
        return 2;
    };
    let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&ED25519_PUBLIC) else {
        return 3;
    };
    let sig = ed25519_dalek::Signature::from_bytes(sig);
    i32::from(key.verify_strict(message, &sig).is_err())
}

#[cfg(feature = "hs-bare")]
fn verify(input: &[u8], _now: u64) -> i32 {
    use hmac::{KeyInit, Mac};
    let Some((tag, message)) = input.split_first_chunk::<32>() else {
        return 2;
    };
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(&HMAC_KEY) else {
        return 3;
    };
    mac.update(message);
    i32::from(mac.verify_slice(tag).is_err())
}

/// Verifies the `len` bytes at `input` at Unix time `now`; 0 when they verify.
///
/// # Safety
/// `input` points to `len` readable bytes (c/start.c passes its stdin buffer).
// SAFETY: the one exported symbol of this program; no other item has this name.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_footprint_verify(input: *const u8, len: usize, now: u64) -> i32 {
    // SAFETY: the caller guarantees `len` readable bytes at `input`.
    let input = unsafe { core::slice::from_raw_parts(input, len) };
    verify(input, now)
}
