//! DPoP (RFC 9449) through the C ABI: a bound access token verified with its proof in one
//! call (ct_access_verify_dpop, core's `dpop::verify_access`), the replay check as a handle
//! (ct_replay_cache, std build) or a caller's callback (every build, no heap), and the
//! client's side: proofs (ct_dpop_proof_issue) and the key thumbprint an issuer binds a token
//! to (ct_dpop_jkt; the `cnf` claim itself goes in through the extras JSON).

use core::ffi::c_void;
use core::ptr;

use compact_token::dpop::{
    self, JKT_LEN, MAX_PROOF_LEN, Presented, ProofClaims, ProofKey, ProofPolicy, ReplayCheck,
};
use compact_token::{AccessPolicy, Error};

#[cfg(not(feature = "std"))]
use crate::CT_ERR_UNSUPPORTED;
use crate::claims::Range;
use crate::key::Key;
use crate::panic::boundary;
use crate::{
    CT_DPOP_PROOF_MALFORMED, CT_DPOP_REPLAY_CACHE_FULL, CT_ERR_INVALID_ARGUMENT,
    CT_ERR_NULL_POINTER, CT_ERR_UNSUPPORTED_KEY_TYPE, CT_OK, ct_key, ct_result, ct_str, err,
    opt_text, text,
};

/// The length of a DPoP key thumbprint (`cnf.jkt`, RFC 7638 base64url SHA-256): 43 bytes.
pub const CT_DPOP_JKT_LEN: usize = 43;
const _: () = assert!(CT_DPOP_JKT_LEN == JKT_LEN);
/// The longest proof verified or issued: 2048 bytes. A longer proof is
/// CT_DPOP_PROOF_MALFORMED before it is read.
pub const CT_DPOP_MAX_PROOF_LEN: usize = 2048;
const _: () = assert!(CT_DPOP_MAX_PROOF_LEN == MAX_PROOF_LEN);

/// ct_dpop_request flags: none.
pub const CT_DPOP_FLAGS_NONE: u32 = 0;
/// ct_dpop_request flag: DANGEROUS, skip the replay check. A proof can then be replayed
/// for as long as it is fresh (max_age seconds): only for a caller that checks the proof's
/// jti itself elsewhere. With this flag both replay_cache and replay_check must be NULL.
pub const CT_DPOP_NO_REPLAY_CHECK: u32 = 1;

/// A replay check of the caller's (RFC 9449 section 11.1), usable without a heap.
///
/// Called once per verification, last, only for a proof that passed every other check:
/// ctx is ct_dpop_request.replay_ctx, jti the proof's jti (jti_len bytes of UTF-8, not
/// NUL-terminated, valid only during the call), until the last second (Unix, inclusive) the
/// proof is acceptable, so the entry may be forgotten once now is past it and must not be
/// before. Return CT_OK when jti was not seen and is now stored, CT_DPOP_REPLAYED when it
/// was seen, CT_DPOP_REPLAY_CACHE_FULL when it cannot be stored (refuse; never evict an
/// unexpired entry). Any other value is taken as CT_DPOP_REPLAYED (the check fails closed).
/// It must not call back into the library with the same scratch buffer.
pub type ct_replay_check_fn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        jti: *const u8,
        jti_len: usize,
        until: u64,
        now: u64,
    ) -> ct_result,
>;

/// What a DPoP proof must show for one request, and how its jti is checked for replay.
///
/// Exactly one replay check: replay_cache (a handle from ct_replay_cache_new) or
/// replay_check (with replay_ctx); both NULL is CT_ERR_INVALID_ARGUMENT unless flags has
/// CT_DPOP_NO_REPLAY_CHECK (then both must be NULL), both set is CT_ERR_INVALID_ARGUMENT.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ct_dpop_request {
    /// The proof (the request's DPoP header). {NULL, 0}: the request had none, which is
    /// CT_DPOP_PROOF_MISSING once the access token has verified.
    pub proof: ct_str,
    /// The request's HTTP method, compared exactly (e.g. "GET"). Required.
    pub htm: ct_str,
    /// The request's URI; its query and fragment are ignored, the rest compared after RFC
    /// 3986 normalization. Required.
    pub htu: ct_str,
    /// The server nonce the proof must carry, or {NULL, 0}: none required.
    pub nonce: ct_str,
    /// false: the default window (max_age 60 s, max_future 5 s); true: the two below.
    pub has_window: bool,
    /// Seconds a proof stays acceptable after its iat (at most 600: else CT_INVALID_POLICY).
    pub max_age: u64,
    /// Seconds a proof's iat may be ahead of now (at most 600).
    pub max_future: u64,
    /// A replay cache handle, or NULL.
    pub replay_cache: *const ct_replay_cache,
    /// A replay callback, or NULL.
    pub replay_check: ct_replay_check_fn,
    /// Passed to replay_check as ctx.
    pub replay_ctx: *mut c_void,
    /// CT_DPOP_FLAGS_NONE, or CT_DPOP_NO_REPLAY_CHECK (dangerous). Other bits:
    /// CT_ERR_INVALID_ARGUMENT.
    pub flags: u32,
}

/// A replay cache handle (opaque): compact-token-std's `ReplayCache`, bounded, thread-safe.
///
/// Ownership: made by ct_replay_cache_new, owned by the caller, freed once with
/// ct_replay_cache_free. When full (capacity unexpired jtis) it refuses new proofs with
/// CT_DPOP_REPLAY_CACHE_FULL rather than evict one that could then be replayed.
///
/// Thread safety: one handle may be used by any number of ct_access_verify_dpop calls at
/// once (a mutex inside); ct_replay_cache_free must not run while any other call uses it.
#[cfg(feature = "std")]
pub struct ct_replay_cache {
    cache: compact_token_std::dpop::ReplayCache,
}

/// The no_std build's replay cache handle: never made (ct_replay_cache_new is unsupported).
#[cfg(not(feature = "std"))]
pub struct ct_replay_cache {
    _private: [u8; 0],
}

/// The caller's callback as core's replay check.
struct Callback {
    check: unsafe extern "C" fn(*mut c_void, *const u8, usize, u64, u64) -> ct_result,
    ctx: *mut c_void,
}

impl ReplayCheck for Callback {
    fn check_and_store(&self, jti: &str, until: u64, now: u64) -> compact_token::Result<()> {
        // SAFETY: the caller's function pointer and context (API contract); jti is valid for
        // the call.
        match unsafe { (self.check)(self.ctx, jti.as_ptr(), jti.len(), until, now) } {
            CT_OK => Ok(()),
            CT_DPOP_REPLAY_CACHE_FULL => Err(Error::DpopReplayCacheFull),
            _ => Err(Error::DpopReplayed),
        }
    }
}

/// The check of a caller who asked for none (CT_DPOP_NO_REPLAY_CHECK).
struct NoReplayCheck;

impl ReplayCheck for NoReplayCheck {
    fn check_and_store(&self, _jti: &str, _until: u64, _now: u64) -> compact_token::Result<()> {
        Ok(())
    }
}

/// The replay check a request names.
enum Replay<'a> {
    #[cfg(feature = "std")]
    Cache(&'a ct_replay_cache),
    Callback(Callback),
    None,
    #[cfg(not(feature = "std"))]
    _Unused(core::marker::PhantomData<&'a ()>),
}

impl Replay<'_> {
    fn check(&self) -> &dyn ReplayCheck {
        match self {
            #[cfg(feature = "std")]
            Replay::Cache(c) => &c.cache,
            Replay::Callback(c) => c,
            Replay::None => &NoReplayCheck,
            #[cfg(not(feature = "std"))]
            Replay::_Unused(_) => &NoReplayCheck,
        }
    }
}

/// A ct_dpop_request read: its strings as UTF-8, its replay check chosen.
pub(crate) struct Request<'a> {
    proof: Option<&'a str>,
    htm: &'a str,
    htu: &'a str,
    nonce: Option<&'a str>,
    window: Option<(u64, u64)>,
    replay: Replay<'a>,
    ranges: [Range; 4],
}

impl<'a> Request<'a> {
    /// Reads req (NULL: CT_ERR_NULL_POINTER).
    ///
    /// # Safety
    /// req NULL or a readable struct whose views are valid and whose replay_cache is NULL or
    /// a live handle.
    pub(crate) unsafe fn of(req: *const ct_dpop_request) -> Result<Self, ct_result> {
        if req.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: non-NULL and readable (API contract).
        let r = unsafe { &*req };
        if r.htm.ptr.is_null() || r.htu.ptr.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        if r.flags & !CT_DPOP_NO_REPLAY_CHECK != 0 {
            return Err(CT_ERR_INVALID_ARGUMENT);
        }
        let replay = match (
            r.replay_cache.is_null(),
            r.replay_check,
            r.flags & CT_DPOP_NO_REPLAY_CHECK != 0,
        ) {
            (true, None, true) => Replay::None,
            (true, Some(check), false) => Replay::Callback(Callback {
                check,
                ctx: r.replay_ctx,
            }),
            #[cfg(feature = "std")]
            // SAFETY: non-NULL live handle (API contract).
            (false, None, false) => Replay::Cache(unsafe { &*r.replay_cache }),
            _ => return Err(CT_ERR_INVALID_ARGUMENT),
        };
        if !r.proof.ptr.is_null() && r.proof.len > MAX_PROOF_LEN {
            return Err(CT_DPOP_PROOF_MALFORMED);
        }
        // SAFETY: valid views (API contract).
        let (proof, htm, htu, nonce) = unsafe {
            (
                opt_text(r.proof)?,
                text(r.htm.ptr, r.htm.len)?,
                text(r.htu.ptr, r.htu.len)?,
                opt_text(r.nonce)?,
            )
        };
        Ok(Request {
            proof,
            htm,
            htu,
            nonce,
            window: r.has_window.then_some((r.max_age, r.max_future)),
            replay,
            ranges: [r.proof, r.htm, r.htu, r.nonce].map(|s| (s.ptr, s.len)),
        })
    }

    /// The caller's bytes it reads, which the scratch buffer may not overlap.
    pub(crate) fn ranges(&self) -> impl Iterator<Item = Range> + '_ {
        self.ranges.iter().copied()
    }

    /// Verifies token and this request's proof with core's `dpop::verify_access`.
    pub(crate) fn verify<'b, 'r: 'b>(
        &self,
        token: &str,
        key: &dyn compact_token::VerifyingKey,
        profile: dpop::Profile<'r>,
        rules: &AccessPolicy<'_>,
        now: u64,
        scratch: &'b mut [u8],
    ) -> compact_token::Result<compact_token::AccessClaims<&'b str>> {
        let mut policy = ProofPolicy::new(self.htm, self.htu, self.replay.check());
        if let Some((max_age, max_future)) = self.window {
            policy = policy.with_window(max_age, max_future);
        }
        if let Some(nonce) = self.nonce {
            policy = policy.require_nonce(nonce);
        }
        let presented = Presented {
            token,
            proof: self.proof,
        };
        dpop::verify_access(presented, key, profile, rules, &policy, now, scratch)
    }
}

/// Makes a replay cache holding at most capacity unexpired jtis (1 or more; 0 is
/// CT_ERR_INVALID_ARGUMENT). Size it for the peak number of proofs in one window: requests
/// per second times (max_age + max_future). CT_ERR_UNSUPPORTED in the no_std (firmware)
/// build: use a replay_check callback there. On success *out_cache is a new handle to free
/// with ct_replay_cache_free; on error it is not written.
///
/// # Safety
/// out_cache must point to a writable ct_replay_cache*.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_replay_cache_new(
    capacity: usize,
    out_cache: *mut *mut ct_replay_cache,
) -> ct_result {
    boundary(|| {
        if out_cache.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        if capacity == 0 {
            return Err(CT_ERR_INVALID_ARGUMENT);
        }
        #[cfg(feature = "std")]
        {
            let cache = compact_token_std::dpop::ReplayCache::new(capacity);
            crate::store::put(out_cache, ct_replay_cache { cache })
        }
        #[cfg(not(feature = "std"))]
        Err(CT_ERR_UNSUPPORTED)
    })
}

/// Frees a replay cache handle. NULL is fine; freeing twice is not.
///
/// # Safety
/// cache must be NULL or a handle from ct_replay_cache_new not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_replay_cache_free(cache: *mut ct_replay_cache) {
    let _ = boundary(|| {
        #[cfg(feature = "std")]
        if !cache.is_null() {
            // SAFETY: a live handle from store::put, freed once (API contract).
            unsafe { crate::store::free(cache) };
        }
        #[cfg(not(feature = "std"))]
        let _ = cache;
        Ok(())
    });
}

/// The proof key of a key handle: its public half, Ed25519 or P-256 (else
/// CT_ERR_UNSUPPORTED_KEY_TYPE).
fn proof_key(key: &ct_key) -> Result<ProofKey, ct_result> {
    match &key.inner {
        Key::Ed25519(p) => Ok(ProofKey::Ed25519(p.verifying.clone())),
        Key::Es256(p) => Ok(ProofKey::Es256(p.verifying.clone())),
        _ => Err(CT_ERR_UNSUPPORTED_KEY_TYPE),
    }
}

/// Writes the RFC 7638 thumbprint of key's public half (base64url, CT_DPOP_JKT_LEN = 43
/// bytes, not NUL-terminated) to out43: the value of an access token's cnf.jkt that binds it
/// to this client key. key may be private or public, Ed25519 (EdDSA) or P-256 (ES256); any
/// other is CT_ERR_UNSUPPORTED_KEY_TYPE.
///
/// To bind a token, put the claim in the extras JSON of ct_access_issue_with:
/// {"cnf":{"jkt":"<the 43 bytes>"}}.
///
/// # Safety
/// key a live handle; out43 writable for 43 bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_dpop_jkt(key: *const ct_key, out43: *mut u8) -> ct_result {
    boundary(|| {
        if key.is_null() || out43.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: non-NULL live handle (API contract).
        let jkt = proof_key(unsafe { &*key })?.jkt();
        // SAFETY: out43 is writable for JKT_LEN bytes (API contract) and jkt is JKT_LEN bytes.
        unsafe { ptr::copy_nonoverlapping(jkt.as_ptr(), out43, JKT_LEN) };
        Ok(())
    })
}

/// Issues a DPoP proof (the client's side) signed by key, a private Ed25519 (EdDSA) or P-256
/// (ES256) key: header typ dpop+jwt, the key's alg and its public jwk; claims htm, htu, iat
/// (Unix seconds), jti (1 to 64 bytes, at least 96 random bits), ath when access_token is
/// given (its SHA-256, base64url), nonce when given. The proof is written to out (not
/// NUL-terminated) and its length to *out_written.
///
/// Errors: CT_ERR_NULL_POINTER; CT_ERR_UNSUPPORTED_KEY_TYPE for another key type,
/// CT_ERR_KEY_CANNOT_SIGN for a public key; CT_DPOP_WRONG_URI for an htu that is not an
/// absolute URI without query and fragment; CT_DPOP_PROOF_MALFORMED for an empty or too long
/// jti, a NUL byte in htm, jti or nonce, or a proof over CT_DPOP_MAX_PROOF_LEN;
/// CT_INVALID_DATE; CT_BUFFER_TOO_SMALL with the length needed in *out_written (nothing
/// else written). out is written only on success (the proof is built on the stack first).
///
/// # Safety
/// key a live handle; the views valid (access_token and nonce may have a NULL ptr: absent);
/// out writable for out_len bytes; out_written a writable size_t.
#[unsafe(no_mangle)]
#[allow(clippy::too_many_arguments)] // one per proof claim
pub unsafe extern "C" fn ct_dpop_proof_issue(
    key: *const ct_key,
    htm: ct_str,
    htu: ct_str,
    iat: u64,
    jti: ct_str,
    access_token: ct_str,
    nonce: ct_str,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    boundary(|| {
        if key.is_null()
            || out.is_null()
            || out_written.is_null()
            || htm.ptr.is_null()
            || htu.ptr.is_null()
            || jti.ptr.is_null()
        {
            return Err(CT_ERR_NULL_POINTER);
        }
        if out_len > isize::MAX as usize {
            return Err(CT_ERR_INVALID_ARGUMENT);
        }
        // SAFETY: non-NULL live handle (API contract).
        let key = unsafe { &*key };
        let signer = key.proof_signer()?;
        // SAFETY: valid views (API contract).
        let claims = unsafe {
            ProofClaims {
                htm: text(htm.ptr, htm.len)?,
                htu: text(htu.ptr, htu.len)?,
                iat,
                jti: text(jti.ptr, jti.len)?,
                access_token: opt_text(access_token)?,
                nonce: opt_text(nonce)?,
            }
        };
        let mut buf = [0u8; MAX_PROOF_LEN];
        let proof = match signer {
            Signer::Ed25519(k) => dpop::issue_proof(k, &claims, &mut buf),
            Signer::Es256(k) => dpop::issue_proof(k, &claims, &mut buf),
        }
        .map_err(err)?;
        if proof.len() > out_len {
            // SAFETY: non-NULL and writable (API contract).
            unsafe { *out_written = proof.len() };
            return Err(err(Error::BufferTooSmall {
                needed: proof.len(),
            }));
        }
        // SAFETY: out is writable for out_len >= proof.len() bytes (API contract); buf is a
        // local, so the two do not overlap.
        unsafe {
            ptr::copy_nonoverlapping(proof.as_ptr(), out, proof.len());
            *out_written = proof.len();
        }
        Ok(())
    })
}

/// A key that signs proofs.
enum Signer<'a> {
    Ed25519(&'a compact_token::Ed25519SigningKey),
    Es256(&'a compact_token::Es256SigningKey),
}

impl ct_key {
    /// The private key that signs proofs (CT_ERR_KEY_CANNOT_SIGN for a public one).
    fn proof_signer(&self) -> Result<Signer<'_>, ct_result> {
        let cannot = crate::CT_ERR_KEY_CANNOT_SIGN;
        match &self.inner {
            Key::Ed25519(p) => p.signing.as_ref().map(Signer::Ed25519).ok_or(cannot),
            Key::Es256(p) => p.signing.as_ref().map(Signer::Es256).ok_or(cannot),
            _ => Err(CT_ERR_UNSUPPORTED_KEY_TYPE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CT_DPOP_REPLAYED, CT_ERR_PANIC};

    /// Returns the code ctx points to.
    unsafe extern "C" fn answer(
        ctx: *mut c_void,
        _: *const u8,
        _: usize,
        _: u64,
        _: u64,
    ) -> ct_result {
        // SAFETY: the tests pass a live ct_result.
        unsafe { *ctx.cast::<ct_result>() }
    }

    #[test]
    fn callback_codes_fail_closed() {
        let cases = [
            (CT_OK, Ok(())),
            (CT_DPOP_REPLAYED, Err(Error::DpopReplayed)),
            (CT_DPOP_REPLAY_CACHE_FULL, Err(Error::DpopReplayCacheFull)),
            (CT_ERR_PANIC, Err(Error::DpopReplayed)),
            (12345, Err(Error::DpopReplayed)),
        ];
        for (mut code, want) in cases {
            let cb = Callback {
                check: answer,
                ctx: (&mut code as *mut ct_result).cast(),
            };
            assert_eq!(cb.check_and_store("j", 10, 5), want, "code {code}");
        }
    }
}
