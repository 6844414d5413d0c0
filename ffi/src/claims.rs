//! Claims structs and the issue / verify entry points for both kinds.

use core::ptr;

use compact_token::{
    AccessClaims, AccessPolicy, Error, Extras, IdClaims, IdPolicy, Kind, Limits, List, Registry,
    SigningKey, VerifyingKey, compact, jwt,
};

use compact_token::dpop::Profile as DpopProfile;

use crate::dpop::{self, ct_dpop_request};
use crate::extras::{CT_KIND_ACCESS, CT_KIND_ID, ct_extras};
use crate::keyset::ct_keyset;
use crate::panic::boundary;
use crate::policy::{
    Requirements, Scopes, ct_access_policy, ct_claim_requirements, ct_id_policy, ct_limits,
};
use crate::{
    CT_ERR_INVALID_ARGUMENT, CT_ERR_NULL_POINTER, CT_TOO_MANY_VALUES, Profile, ct_key, ct_profile,
    ct_registry, ct_result, ct_str, err, opt_text, profile, text,
};

/// The most aud values a token carries.
pub const CT_MAX_AUDIENCES: usize = 8;
/// The most amr values a token carries.
pub const CT_MAX_AMR: usize = 8;
const _: () = assert!(CT_MAX_AUDIENCES == compact_token::MAX_AUDIENCES);
const _: () = assert!(CT_MAX_AMR == compact_token::MAX_AMR);

/// The claims of an access token (RFC 9068). Strings are ct_str views: required ones
/// must not be NULL, optional ones are NULL when absent. Optional dates have a has_ flag.
/// Zero-initialise it (= {0}) and fill in what you need.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ct_access_claims {
    /// Issuer (required).
    pub iss: ct_str,
    /// Subject (required).
    pub sub: ct_str,
    /// Audiences: the first aud_len entries (1 to CT_MAX_AUDIENCES).
    pub aud: [ct_str; CT_MAX_AUDIENCES],
    /// Number of audiences.
    pub aud_len: usize,
    /// OAuth client id (required).
    pub client_id: ct_str,
    /// Issued at, Unix seconds.
    pub iat: u64,
    /// Expires at, Unix seconds.
    pub exp: u64,
    /// Whether nbf is present.
    pub has_nbf: bool,
    /// Not before, Unix seconds.
    pub nbf: u64,
    /// Token id (required).
    pub jti: ct_str,
    /// Space-separated scopes (optional).
    pub scope: ct_str,
    /// Whether auth_time is present.
    pub has_auth_time: bool,
    /// Time of the end-user's authentication, Unix seconds.
    pub auth_time: u64,
    /// Authentication context class (optional).
    pub acr: ct_str,
    /// Authentication methods: the first amr_len entries (0 to CT_MAX_AMR).
    pub amr: [ct_str; CT_MAX_AMR],
    /// Number of amr values.
    pub amr_len: usize,
    /// Custom claims (roles, tenant, cnf, ...): see ct_extras. Zero: none.
    pub extra: ct_extras,
}

/// The claims of an OpenID Connect ID token (Core 1.0 §2 and the standard claims of
/// §5.1). Conventions as for ct_access_claims; *_verified booleans have a has_ flag.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ct_id_claims {
    /// Issuer (required).
    pub iss: ct_str,
    /// Subject (required).
    pub sub: ct_str,
    /// Audiences: the first aud_len entries (1 to CT_MAX_AUDIENCES).
    pub aud: [ct_str; CT_MAX_AUDIENCES],
    /// Number of audiences.
    pub aud_len: usize,
    /// Expires at, Unix seconds.
    pub exp: u64,
    /// Issued at, Unix seconds.
    pub iat: u64,
    /// Whether nbf is present.
    pub has_nbf: bool,
    /// Not before, Unix seconds.
    pub nbf: u64,
    /// Whether auth_time is present.
    pub has_auth_time: bool,
    /// Time of the end-user's authentication, Unix seconds.
    pub auth_time: u64,
    /// Nonce (optional).
    pub nonce: ct_str,
    /// Authentication context class (optional).
    pub acr: ct_str,
    /// Authentication methods: the first amr_len entries.
    pub amr: [ct_str; CT_MAX_AMR],
    /// Number of amr values.
    pub amr_len: usize,
    /// Authorized party (optional).
    pub azp: ct_str,
    /// Access token hash (optional).
    pub at_hash: ct_str,
    /// Code hash (optional).
    pub c_hash: ct_str,
    /// Full name.
    pub name: ct_str,
    /// Given name.
    pub given_name: ct_str,
    /// Family name.
    pub family_name: ct_str,
    /// Middle name.
    pub middle_name: ct_str,
    /// Nickname.
    pub nickname: ct_str,
    /// Preferred username.
    pub preferred_username: ct_str,
    /// Profile page URL.
    pub profile: ct_str,
    /// Picture URL.
    pub picture: ct_str,
    /// Web site URL.
    pub website: ct_str,
    /// E-mail address.
    pub email: ct_str,
    /// Whether email_verified is present.
    pub has_email_verified: bool,
    /// Whether the e-mail address was verified.
    pub email_verified: bool,
    /// Gender.
    pub gender: ct_str,
    /// Birthdate.
    pub birthdate: ct_str,
    /// Time zone.
    pub zoneinfo: ct_str,
    /// Locale.
    pub locale: ct_str,
    /// Phone number.
    pub phone_number: ct_str,
    /// Whether phone_number_verified is present.
    pub has_phone_number_verified: bool,
    /// Whether the phone number was verified.
    pub phone_number_verified: bool,
    /// Whether updated_at is present.
    pub has_updated_at: bool,
    /// Last profile update, Unix seconds.
    pub updated_at: u64,
    /// Custom claims: see ct_extras. Zero: none.
    pub extra: ct_extras,
}

fn opt_u64(has: bool, v: u64) -> Option<u64> {
    has.then_some(v)
}

/// # Safety
/// The first len views must be valid for their lengths.
unsafe fn list_in<'a, const N: usize>(
    views: &[ct_str; N],
    len: usize,
) -> Result<List<&'a str, N>, ct_result> {
    if len > N {
        return Err(CT_TOO_MANY_VALUES);
    }
    let mut list = List::new();
    for v in &views[..len] {
        // SAFETY: forwarded contract.
        list.push(unsafe { text(v.ptr, v.len) }?).map_err(err)?;
    }
    Ok(list)
}

fn list_out<const N: usize>(list: &List<&str, N>) -> ([ct_str; N], usize) {
    let mut out = [ct_str::NONE; N];
    for (slot, v) in out.iter_mut().zip(list.iter()) {
        *slot = ct_str::new(v);
    }
    (out, list.len())
}

/// # Safety
/// Every view of c must be NULL or valid for its length.
unsafe fn access_in<'a>(c: &ct_access_claims) -> Result<AccessClaims<&'a str>, ct_result> {
    // SAFETY: the views of `c` are valid for their lengths (caller's contract).
    let r = |s: ct_str| unsafe { text(s.ptr, s.len) };
    let mut claims = AccessClaims::new(
        r(c.iss)?,
        r(c.sub)?,
        "",
        r(c.client_id)?,
        c.iat,
        c.exp,
        r(c.jti)?,
    );
    // SAFETY: as above.
    claims.aud = unsafe { list_in(&c.aud, c.aud_len) }?;
    claims.nbf = opt_u64(c.has_nbf, c.nbf);
    // SAFETY: as above.
    claims.scope = unsafe { opt_text(c.scope) }?;
    claims.auth_time = opt_u64(c.has_auth_time, c.auth_time);
    // SAFETY: as above.
    claims.acr = unsafe { opt_text(c.acr) }?;
    // SAFETY: as above.
    claims.amr = unsafe { list_in(&c.amr, c.amr_len) }?;
    // SAFETY: as above.
    claims.extra = unsafe { extras_in(&c.extra) }?;
    Ok(claims)
}

/// The custom claims to issue: the JSON object text, checked by core's reader.
///
/// # Safety
/// e.json NULL or valid for its length.
unsafe fn extras_in<'a>(e: &ct_extras) -> Result<Extras<&'a str>, ct_result> {
    // SAFETY: forwarded contract.
    match unsafe { opt_text(e.json) }? {
        Some(json) => Extras::from_json(json).map_err(err),
        None => Ok(Extras::none()),
    }
}

fn access_out(c: &AccessClaims<&str>) -> ct_access_claims {
    let (aud, aud_len) = list_out(&c.aud);
    let (amr, amr_len) = list_out(&c.amr);
    ct_access_claims {
        iss: ct_str::new(c.iss),
        sub: ct_str::new(c.sub),
        aud,
        aud_len,
        client_id: ct_str::new(c.client_id),
        iat: c.iat,
        exp: c.exp,
        has_nbf: c.nbf.is_some(),
        nbf: c.nbf.unwrap_or(0),
        jti: ct_str::new(c.jti),
        scope: ct_str::opt(c.scope),
        has_auth_time: c.auth_time.is_some(),
        auth_time: c.auth_time.unwrap_or(0),
        acr: ct_str::opt(c.acr),
        amr,
        amr_len,
        extra: ct_extras::of(&c.extra, CT_KIND_ACCESS),
    }
}

/// # Safety
/// Every view of c must be NULL or valid for its length.
unsafe fn id_in<'a>(c: &ct_id_claims) -> Result<IdClaims<&'a str>, ct_result> {
    // SAFETY: the views of `c` are valid for their lengths (caller's contract).
    let r = |s: ct_str| unsafe { text(s.ptr, s.len) };
    let mut claims = IdClaims::new(r(c.iss)?, r(c.sub)?, "", c.iat, c.exp);
    // SAFETY: as above.
    let o = |s: ct_str| unsafe { opt_text(s) };
    // SAFETY: as above.
    claims.aud = unsafe { list_in(&c.aud, c.aud_len) }?;
    claims.nbf = opt_u64(c.has_nbf, c.nbf);
    claims.auth_time = opt_u64(c.has_auth_time, c.auth_time);
    claims.nonce = o(c.nonce)?;
    claims.acr = o(c.acr)?;
    // SAFETY: as above.
    claims.amr = unsafe { list_in(&c.amr, c.amr_len) }?;
    claims.azp = o(c.azp)?;
    claims.at_hash = o(c.at_hash)?;
    claims.c_hash = o(c.c_hash)?;
    claims.name = o(c.name)?;
    claims.given_name = o(c.given_name)?;
    claims.family_name = o(c.family_name)?;
    claims.middle_name = o(c.middle_name)?;
    claims.nickname = o(c.nickname)?;
    claims.preferred_username = o(c.preferred_username)?;
    claims.profile = o(c.profile)?;
    claims.picture = o(c.picture)?;
    claims.website = o(c.website)?;
    claims.email = o(c.email)?;
    claims.email_verified = c.has_email_verified.then_some(c.email_verified);
    claims.gender = o(c.gender)?;
    claims.birthdate = o(c.birthdate)?;
    claims.zoneinfo = o(c.zoneinfo)?;
    claims.locale = o(c.locale)?;
    claims.phone_number = o(c.phone_number)?;
    claims.phone_number_verified = c
        .has_phone_number_verified
        .then_some(c.phone_number_verified);
    claims.updated_at = opt_u64(c.has_updated_at, c.updated_at);
    // SAFETY: as above.
    claims.extra = unsafe { extras_in(&c.extra) }?;
    Ok(claims)
}

fn id_out(c: &IdClaims<&str>) -> ct_id_claims {
    let (aud, aud_len) = list_out(&c.aud);
    let (amr, amr_len) = list_out(&c.amr);
    let o = ct_str::opt;
    ct_id_claims {
        iss: ct_str::new(c.iss),
        sub: ct_str::new(c.sub),
        aud,
        aud_len,
        exp: c.exp,
        iat: c.iat,
        has_nbf: c.nbf.is_some(),
        nbf: c.nbf.unwrap_or(0),
        has_auth_time: c.auth_time.is_some(),
        auth_time: c.auth_time.unwrap_or(0),
        nonce: o(c.nonce),
        acr: o(c.acr),
        amr,
        amr_len,
        azp: o(c.azp),
        at_hash: o(c.at_hash),
        c_hash: o(c.c_hash),
        name: o(c.name),
        given_name: o(c.given_name),
        family_name: o(c.family_name),
        middle_name: o(c.middle_name),
        nickname: o(c.nickname),
        preferred_username: o(c.preferred_username),
        profile: o(c.profile),
        picture: o(c.picture),
        website: o(c.website),
        email: o(c.email),
        has_email_verified: c.email_verified.is_some(),
        email_verified: c.email_verified.unwrap_or(false),
        gender: o(c.gender),
        birthdate: o(c.birthdate),
        zoneinfo: o(c.zoneinfo),
        locale: o(c.locale),
        phone_number: o(c.phone_number),
        has_phone_number_verified: c.phone_number_verified.is_some(),
        phone_number_verified: c.phone_number_verified.unwrap_or(false),
        has_updated_at: c.updated_at.is_some(),
        updated_at: c.updated_at.unwrap_or(0),
        extra: ct_extras::of(&c.extra, CT_KIND_ID),
    }
}

/// What issuing a kind needs: the token length from the jwt and the compact issuer.
type JwtIssue<'c> = &'c dyn Fn(&dyn SigningKey, &Limits, &mut [u8]) -> compact_token::Result<usize>;
type CompactIssue<'c> =
    &'c dyn Fn(&dyn SigningKey, &Limits, &Registry<'_>, &mut [u8]) -> compact_token::Result<usize>;

/// The shared body of the issue functions, after the claims are read: signs with key in
/// profile under limits into a private buffer, then copies the token to out and its
/// length to *out_written only on success; on Error::BufferTooSmall writes the length
/// needed to *out_written and nothing else.
///
/// The private buffer holds min(out_len, limits.max_bytes) bytes: no token is longer than
/// the budget, so a larger out_len (up to SIZE_MAX) only means "large enough" and is
/// never an allocation size.
fn issue_with<const N: usize>(
    key: &ct_key,
    profile: Profile,
    registry: *const ct_registry,
    limits: &Limits,
    (out, out_len, out_written): (*mut u8, usize, *mut usize),
    jwt: JwtIssue<'_>,
    compact: CompactIssue<'_>,
) -> Result<(), ct_result> {
    let signer = key.signer()?;
    // On the stack: the build without a heap issues the same way.
    let mut storage = [0u8; N];
    let buf = &mut storage[..out_len.min(limits.max_bytes).min(N)];
    let issued = match profile {
        Profile::Jwt => jwt(signer, limits, buf),
        // SAFETY: `registry` is NULL or a live handle (API contract).
        Profile::Compact => compact(signer, limits, unsafe { ct_registry::of(registry) }, buf),
    };
    match issued {
        Ok(n) => {
            // SAFETY: `out` (checked non-NULL) holds `out_len >= buf.len() >= n` writable
            // bytes, and `out_written` (checked non-NULL) is writable (API contract).
            unsafe {
                ptr::copy_nonoverlapping(buf.as_ptr(), out, n);
                *out_written = n;
            }
            Ok(())
        }
        Err(e) => {
            if let Error::BufferTooSmall { needed } = e {
                // SAFETY: `out_written` was checked non-NULL and is writable (API contract).
                unsafe { *out_written = needed };
            }
            Err(err(e))
        }
    }
}

/// Issues an access token with key (which must allow access tokens and be able to sign)
/// in profile (a CT_PROFILE_*; registry is used by the compact profile, NULL meaning
/// the empty registry, and ignored by jwt).
///
/// The token (ASCII, not NUL-terminated) is written to out and its length to
/// *out_written. CT_BUFFER_TOO_SMALL: *out_written is
/// the length needed and out is untouched. Any other error writes nothing.
///
/// out_len is the capacity of out, never an allocation size: a token is at most the
/// kind's size budget (1024 bytes for access tokens, 4096 for ID tokens;
/// CT_OVER_BUDGET beyond), so any out_len at least that large,
/// SIZE_MAX included, means "large enough" and works. Only the first *out_written
/// bytes of out are written.
///
/// # Safety
/// key a live handle, registry NULL or a live handle, claims a readable struct whose
/// views are valid, out out_len writable bytes, out_written a writable size_t.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_access_issue(
    key: *const ct_key,
    profile: ct_profile,
    registry: *const ct_registry,
    claims: *const ct_access_claims,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    // SAFETY: forwarded contract; NULL limits are the defaults.
    unsafe {
        ct_access_issue_with(
            key,
            profile,
            registry,
            claims,
            ptr::null(),
            out,
            out_len,
            out_written,
        )
    }
}

/// Issues an access token as ct_access_issue does, under limits tighter than the defaults
/// (NULL: the defaults): a token over limits->max_bytes is CT_OVER_BUDGET, a lifetime over
/// limits->max_lifetime CT_LIFETIME_TOO_LONG, limits larger than the defaults
/// CT_INVALID_POLICY.
///
/// # Safety
/// As for ct_access_issue; limits NULL or a readable struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_access_issue_with(
    key: *const ct_key,
    profile: ct_profile,
    registry: *const ct_registry,
    claims: *const ct_access_claims,
    limits: *const ct_limits,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    boundary(|| {
        if key.is_null() || claims.is_null() || out.is_null() || out_written.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let profile = self::profile(profile)?;
        // SAFETY: NULL or readable (API contract).
        let limits = unsafe { ct_limits::of(limits, Limits::ACCESS) }?;
        // SAFETY: non-NULL live handle and readable claims (API contract).
        let (key, claims) = unsafe { (&*key, &*claims) };
        // SAFETY: the claims' views are valid (API contract).
        let claims = unsafe { access_in(claims) }?;
        issue_with::<{ crate::CT_ACCESS_MAX_BYTES }>(
            key,
            profile,
            registry,
            &limits,
            (out, out_len, out_written),
            &|k, l, buf| jwt::issue_access(&claims, k, l, buf).map(str::len),
            &|k, l, r, buf| compact::issue_access(&claims, k, l, r, buf).map(str::len),
        )
    })
}

/// Issues an ID token; as ct_access_issue (the key must allow ID tokens).
///
/// # Safety
/// As for ct_access_issue.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_id_issue(
    key: *const ct_key,
    profile: ct_profile,
    registry: *const ct_registry,
    claims: *const ct_id_claims,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    // SAFETY: forwarded contract; NULL limits are the defaults.
    unsafe {
        ct_id_issue_with(
            key,
            profile,
            registry,
            claims,
            ptr::null(),
            out,
            out_len,
            out_written,
        )
    }
}

/// Issues an ID token under limits; as ct_access_issue_with.
///
/// # Safety
/// As for ct_access_issue_with.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_id_issue_with(
    key: *const ct_key,
    profile: ct_profile,
    registry: *const ct_registry,
    claims: *const ct_id_claims,
    limits: *const ct_limits,
    out: *mut u8,
    out_len: usize,
    out_written: *mut usize,
) -> ct_result {
    boundary(|| {
        if key.is_null() || claims.is_null() || out.is_null() || out_written.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        let profile = self::profile(profile)?;
        // SAFETY: NULL or readable (API contract).
        let limits = unsafe { ct_limits::of(limits, Limits::ID) }?;
        // SAFETY: non-NULL live handle and readable claims (API contract).
        let (key, claims) = unsafe { (&*key, &*claims) };
        // SAFETY: the claims' views are valid (API contract).
        let claims = unsafe { id_in(claims) }?;
        issue_with::<{ crate::CT_ID_MAX_BYTES }>(
            key,
            profile,
            registry,
            &limits,
            (out, out_len, out_written),
            &|k, l, buf| jwt::issue_id(&claims, k, l, buf).map(str::len),
            &|k, l, r, buf| compact::issue_id(&claims, k, l, r, buf).map(str::len),
        )
    })
}

/// A byte range of the caller's: its first byte (NULL: empty) and its length.
pub(crate) type Range = (*const u8, usize);

/// The bytes a view covers (none when absent).
fn range_of(s: ct_str) -> Range {
    (s.ptr, s.len)
}

/// The bytes a claims output covers (none when NULL).
fn out_range<T>(out: *mut T) -> Range {
    (out.cast_const().cast(), core::mem::size_of::<T>())
}

/// Whether two ranges share a byte, by address (empty and NULL ranges share none).
pub(crate) fn overlap((a, a_len): Range, (b, b_len): Range) -> bool {
    let (a, b) = (a as usize, b as usize);
    a != 0
        && b != 0
        && a_len != 0
        && b_len != 0
        && a < b.saturating_add(b_len)
        && b < a.saturating_add(a_len)
}

/// The scratch buffer for verifying: the caller's, or (when both scratch and the claims
/// output are NULL) a private one for a token of token_len bytes, already checked
/// against the budget, so it is small.
///
/// The caller's buffer is refused (CT_ERR_INVALID_ARGUMENT) when it overlaps any of
/// inputs (the token, the expected values, the claims output): verifying writes into it
/// while reading them, so an overlap would be undefined behaviour in Rust and would
/// overwrite, say, the expected issuer before it is compared.
///
/// # Safety
/// scratch must be NULL or point to scratch_len writable bytes while the result lives.
unsafe fn scratch_of(
    (scratch, scratch_len, claims_wanted): (*mut u8, usize, bool),
    token_len: usize,
    mut inputs: impl Iterator<Item = Range>,
    own: &mut Own,
) -> Result<&mut [u8], ct_result> {
    if scratch.is_null() {
        if claims_wanted {
            return Err(CT_ERR_NULL_POINTER);
        }
        #[cfg(feature = "std")]
        {
            *own = vec![0u8; token_len.saturating_mul(4).saturating_add(64)];
            return Ok(own.as_mut_slice());
        }
        #[cfg(not(feature = "std"))]
        {
            let _ = (own, token_len);
            return Err(crate::CT_ERR_UNSUPPORTED);
        }
    }
    if scratch_len > isize::MAX as usize
        || inputs.any(|input| overlap((scratch.cast_const(), scratch_len), input))
    {
        return Err(CT_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: non-NULL, `scratch_len` writable bytes (caller's contract), shared with none
    // of the inputs read while it is borrowed (checked just above).
    Ok(unsafe { core::slice::from_raw_parts_mut(scratch, scratch_len) })
}

/// The private scratch buffer of a verify call given none (std build only).
#[cfg(feature = "std")]
type Own = Vec<u8>;
/// None in the no_std build (no heap): a verify call needs the caller's scratch buffer.
#[cfg(not(feature = "std"))]
#[derive(Default)]
struct Own {
    _none: (),
}

/// Which key verifies: a key handle, or the key a key set picks by the token's kid.
#[derive(Clone, Copy)]
enum Verifier {
    Key(*const ct_key),
    Set(*const ct_keyset),
}

impl Verifier {
    fn is_null(self) -> bool {
        match self {
            Verifier::Key(k) => k.is_null(),
            Verifier::Set(s) => s.is_null(),
        }
    }

    /// The key that verifies token, a token of kind, at now: the handle's own, or the one
    /// its kid picks from the set (compact-token-std's rules; its errors as ct codes).
    ///
    /// # Safety
    /// The handle must be a non-NULL live handle for 'a.
    unsafe fn key<'a>(
        self,
        token: &str,
        kind: Kind,
        now: u64,
    ) -> Result<&'a dyn VerifyingKey, ct_result> {
        match self {
            // SAFETY: non-NULL live handle (caller's contract).
            Verifier::Key(k) => Ok(unsafe { &*k }.verifier()),
            #[cfg(feature = "std")]
            // SAFETY: non-NULL live handle (caller's contract).
            Verifier::Set(s) => unsafe { &*s }.verifier(token, kind, now),
            #[cfg(not(feature = "std"))]
            Verifier::Set(_) => {
                // No set is ever made in this build (ct_keyset_new_jwks is unsupported).
                let _ = (token, kind, now);
                Err(crate::CT_ERR_UNSUPPORTED)
            }
        }
    }
}

/// What both verify functions read from their arguments (verify_args).
struct VerifyArgs<'a> {
    key: &'a dyn VerifyingKey,
    profile: Profile,
    token: &'a str,
    /// The issuer, and the audience or client.
    names: [&'a str; 2],
    scratch: &'a mut [u8],
}

/// The arguments both verify functions share: the profile, token and two required
/// strings (issuer, and audience or client) as UTF-8, the scratch buffer (scratch_of),
/// which may overlap none of them nor the more ranges (the other inputs and the claims
/// output), and last the key that verifies (Verifier::key; a key set reads the token's
/// header to choose it).
///
/// The token's length is checked against limits first, before any work on its bytes (no
/// UTF-8 scan, no allocation): a token over budget is
/// CT_OVER_BUDGET whatever it holds.
///
/// # Safety
/// The verifier's handle NULL or live; the views NULL or valid; scratch as for scratch_of.
#[allow(clippy::too_many_arguments)] // one per argument of the C functions it serves
unsafe fn verify_args<'a>(
    verifier: Verifier,
    (kind, now): (Kind, u64),
    profile: ct_profile,
    limits: &Limits,
    strings: [ct_str; 3],
    more: impl Iterator<Item = Range>,
    scratch: (*mut u8, usize, bool),
    own: &'a mut Own,
) -> Result<VerifyArgs<'a>, ct_result> {
    let [token, a, b] = strings;
    if verifier.is_null() || token.ptr.is_null() {
        return Err(CT_ERR_NULL_POINTER);
    }
    let profile = self::profile(profile)?;
    limits.check_size(token.len).map_err(err)?;
    // SAFETY: valid views (caller's contract).
    let (token, names) = unsafe {
        (
            text(token.ptr, token.len)?,
            [text(a.ptr, a.len)?, text(b.ptr, b.len)?],
        )
    };
    let inputs = strings.into_iter().map(range_of).chain(more);
    // SAFETY: the caller's contract.
    let scratch = unsafe { scratch_of(scratch, token.len(), inputs, own) }?;
    // SAFETY: non-NULL (checked above) live handle (caller's contract).
    let key = unsafe { verifier.key(token, kind, now) }?;
    Ok(VerifyArgs {
        key,
        profile,
        token,
        names,
        scratch,
    })
}

/// The end of a verify call: the claims to out (when not NULL) on success; on error its
/// code, and when the scratch buffer was too small the size needed to needed, when a
/// required custom claim failed its index to failed (each when not NULL). Nothing else is
/// written.
fn deliver<T>(
    verified: compact_token::Result<T>,
    out: *mut T,
    needed: *mut usize,
    failed: *mut usize,
) -> Result<(), ct_result> {
    match verified {
        Ok(claims) => {
            if !out.is_null() {
                // SAFETY: non-NULL, writable (API contract).
                unsafe { *out = claims };
            }
            Ok(())
        }
        Err(e) => {
            if let Error::BufferTooSmall { needed: n } = e
                && !needed.is_null()
            {
                // SAFETY: non-NULL and writable (API contract).
                unsafe { *needed = n };
            }
            if let Error::RequiredClaimMissing { index } | Error::RequiredClaimMismatch { index } =
                e
                && !failed.is_null()
            {
                // SAFETY: non-NULL and writable (API contract).
                unsafe { *failed = usize::from(index) };
            }
            Err(err(e))
        }
    }
}

/// Verifies an access token at now (Unix seconds) for issuer and audience, with the
/// default leeway (30 s), size budget and lifetime limit: ct_access_verify_with with a
/// policy naming only those two. profile and registry as for ct_access_issue.
///
/// On success, when out_claims is not NULL, the claims are written there; their string
/// views point into scratch (and into registry's values), valid until the scratch
/// buffer is reused or freed (or the registry freed). scratch must then be given:
/// CT_VERIFY_SCRATCH_FACTOR * token_len bytes always suffice but for compact tokens with
/// registered scopes (CT_BUFFER_TOO_SMALL; ct_access_verify_with reports the size needed).
/// With out_claims NULL, scratch may be NULL too (a private buffer is used; the firmware
/// build has none: CT_ERR_UNSUPPORTED). On error nothing is written.
///
/// Checked in this order, before any work on the token: NULL pointers and profile, then
/// token_len against the size budget (1024 bytes; 4096 for ID tokens): a longer token is
/// CT_OVER_BUDGET without being read, allocated for or checked for UTF-8. A token that is
/// not UTF-8 gives CT_ERR_INVALID_UTF8. scratch must not share a byte with token, the
/// expected values (issuer, audience, required scopes; nonce, access_token) or
/// *out_claims: an overlap is refused with CT_ERR_INVALID_ARGUMENT before anything is
/// written.
///
/// # Safety
/// key a live handle, registry NULL or a live handle, token token_len readable
/// bytes, issuer/audience valid views, scratch NULL or scratch_len writable bytes,
/// out_claims NULL or a writable struct.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_access_verify(
    key: *const ct_key,
    profile: ct_profile,
    registry: *const ct_registry,
    token: *const u8,
    token_len: usize,
    issuer: ct_str,
    audience: ct_str,
    now: u64,
    scratch: *mut u8,
    scratch_len: usize,
    out_claims: *mut ct_access_claims,
) -> ct_result {
    let policy = ct_access_policy {
        issuer,
        audience,
        required_scopes: ptr::null(),
        required_scopes_len: 0,
        has_leeway: false,
        leeway: 0,
        limits: ct_limits::default(),
        claims: ct_claim_requirements::NONE,
    };
    // SAFETY: forwarded contract; policy is a live local.
    unsafe {
        ct_access_verify_with(
            key,
            profile,
            registry,
            token,
            token_len,
            &policy,
            now,
            scratch,
            scratch_len,
            out_claims,
            ptr::null_mut(),
        )
    }
}

/// Verifies an access token at now (Unix seconds) against policy: issuer, audience,
/// required scopes (CT_MISSING_SCOPE), leeway and tightened limits (CT_INVALID_POLICY when
/// out of range; the token's length is checked against the policy's budget first). On
/// CT_BUFFER_TOO_SMALL the scratch size needed is written to *out_scratch_needed when that
/// is not NULL (nothing else is written); call again with that much. Everything else as
/// for ct_access_verify.
///
/// # Safety
/// As for ct_access_verify; policy a readable struct whose views are valid, its
/// required_scopes required_scopes_len valid views; out_scratch_needed NULL or a writable
/// size_t.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_access_verify_with(
    key: *const ct_key,
    profile: ct_profile,
    registry: *const ct_registry,
    token: *const u8,
    token_len: usize,
    policy: *const ct_access_policy,
    now: u64,
    scratch: *mut u8,
    scratch_len: usize,
    out_claims: *mut ct_access_claims,
    out_scratch_needed: *mut usize,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe {
        access_verify(
            Verifier::Key(key),
            profile,
            registry,
            (token, token_len),
            (policy, None),
            now,
            (scratch, scratch_len),
            out_claims,
            out_scratch_needed,
        )
    }
}

/// Verifies an access token as ct_access_verify_with does, with the key of keyset
/// that the token's kid names. A token without kid is verified only when exactly one key
/// of the set is for its kind (token_use) and for the algorithm its header names: the
/// keys are never tried in turn. CT_ERR_NULL_POINTER for a NULL keyset; then, after the
/// checks of ct_access_verify_with on the arguments and the token's length,
/// CT_ERR_UNKNOWN_KEY_ID when no key of the set has the token's kid,
/// CT_ERR_AMBIGUOUS_KEY or CT_ERR_NO_MATCHING_KEY for a token without kid and several or
/// no candidates, and the token's own errors for a header that cannot be read
/// (CT_MALFORMED, CT_BASE64, CT_MALFORMED_HEADER, CT_UNSUPPORTED_HEADER). The chosen key
/// still pins its algorithm and use (CT_ALGORITHM_MISMATCH, CT_KEY_USE_MISMATCH). Output
/// and CT_BUFFER_TOO_SMALL as for ct_access_verify_with. CT_ERR_UNSUPPORTED in the no_std
/// (firmware) build.
///
/// # Safety
/// As for ct_access_verify_with, with keyset a live handle from ct_keyset_new_jwks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_access_verify_keyset(
    keyset: *const ct_keyset,
    profile: ct_profile,
    registry: *const ct_registry,
    token: *const u8,
    token_len: usize,
    policy: *const ct_access_policy,
    now: u64,
    scratch: *mut u8,
    scratch_len: usize,
    out_claims: *mut ct_access_claims,
    out_scratch_needed: *mut usize,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe {
        access_verify(
            Verifier::Set(keyset),
            profile,
            registry,
            (token, token_len),
            (policy, None),
            now,
            (scratch, scratch_len),
            out_claims,
            out_scratch_needed,
        )
    }
}

/// Verifies a DPoP-bound access token and its proof (RFC 9449) at now, in one call: the
/// access token as ct_access_verify_with does (its errors first, the same codes), then
/// CT_DPOP_PROOF_MISSING when dpop->proof is {NULL, 0}, then the proof: CT_DPOP_* for a
/// malformed proof (or one over CT_DPOP_MAX_PROOF_LEN), bad signature, wrong typ, an
/// algorithm other than ES256 or EdDSA, a private key in its jwk, wrong method or URI, a
/// stale or future iat, an ath that does not hash this token, a wrong nonce; then the
/// binding: CT_DPOP_TOKEN_NOT_BOUND for a token without cnf.jkt, CT_DPOP_KEY_NOT_BOUND
/// for a proof signed by another key; last the replay check (CT_DPOP_REPLAYED,
/// CT_DPOP_REPLAY_CACHE_FULL), so only a proof that passed everything is remembered.
///
/// dpop must name exactly one replay check (see ct_dpop_request): with none, and without
/// the dangerous CT_DPOP_NO_REPLAY_CHECK flag, the call is refused with
/// CT_ERR_INVALID_ARGUMENT before anything is verified. scratch must not overlap the proof,
/// htm, htu or nonce either. Output and CT_BUFFER_TOO_SMALL as for ct_access_verify_with.
///
/// # Safety
/// As for ct_access_verify_with; dpop a readable struct whose views are valid, its
/// replay_cache NULL or a live handle, its replay_check NULL or a function that may be
/// called with replay_ctx.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_access_verify_dpop(
    key: *const ct_key,
    profile: ct_profile,
    registry: *const ct_registry,
    token: *const u8,
    token_len: usize,
    policy: *const ct_access_policy,
    dpop: *const ct_dpop_request,
    now: u64,
    scratch: *mut u8,
    scratch_len: usize,
    out_claims: *mut ct_access_claims,
    out_scratch_needed: *mut usize,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe {
        access_verify(
            Verifier::Key(key),
            profile,
            registry,
            (token, token_len),
            (policy, Some(dpop)),
            now,
            (scratch, scratch_len),
            out_claims,
            out_scratch_needed,
        )
    }
}

/// The body of ct_access_verify_with, ct_access_verify_keyset and ct_access_verify_dpop
/// (with a DPoP request).
///
/// # Safety
/// As for ct_access_verify_with, with the verifier's handle live, and dpop as for
/// ct_access_verify_dpop.
#[allow(clippy::too_many_arguments)] // one per argument of the C functions it serves
unsafe fn access_verify(
    verifier: Verifier,
    profile: ct_profile,
    registry: *const ct_registry,
    (token, token_len): (*const u8, usize),
    (policy, dpop): (*const ct_access_policy, Option<*const ct_dpop_request>),
    now: u64,
    (scratch, scratch_len): (*mut u8, usize),
    out_claims: *mut ct_access_claims,
    out_scratch_needed: *mut usize,
) -> ct_result {
    boundary(|| {
        if policy.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: non-NULL and readable (API contract).
        let policy = unsafe { &*policy };
        let limits = policy.limits.over(Limits::ACCESS)?;
        // SAFETY: the policy's scope views are valid (API contract).
        let scopes = unsafe { Scopes::of(policy) }?;
        let token = ct_str {
            ptr: token,
            len: token_len,
        };
        // SAFETY: the policy's requirement views are valid (API contract).
        let required = unsafe { Requirements::of(&policy.claims) }?;
        // SAFETY: dpop as the API contract states it.
        let dpop = dpop.map(|d| unsafe { dpop::Request::of(d) }).transpose()?;
        let more = [out_range(out_claims), out_range(out_scratch_needed)]
            .into_iter()
            .chain(scopes.ranges.iter().copied().take(scopes.len))
            .chain(required.ranges())
            .chain(dpop.iter().flat_map(dpop::Request::ranges));
        let mut own = Own::default();
        // SAFETY: the arguments as the API contract states them.
        let VerifyArgs {
            key,
            profile,
            token,
            names: [issuer, audience],
            scratch,
        } = unsafe {
            verify_args(
                verifier,
                (Kind::Access, now),
                profile,
                &limits,
                [token, policy.issuer, policy.audience],
                more,
                (scratch, scratch_len, !out_claims.is_null()),
                &mut own,
            )
        }?;
        let (claims, claims_len) = required.list();
        let mut rules = AccessPolicy::new(issuer, audience)
            .with_limits(limits)
            .require_scopes(scopes.as_slice())
            .require_claims(&claims[..claims_len]);
        if policy.has_leeway {
            rules = rules.with_leeway(policy.leeway);
        }
        let verified = match (profile, &dpop) {
            (Profile::Jwt, None) => jwt::verify_access(token, key, &rules, now, scratch),
            (Profile::Jwt, Some(d)) => d.verify(token, key, DpopProfile::Jwt, &rules, now, scratch),
            (Profile::Compact, d) => {
                // SAFETY: registry is NULL or a live handle (API contract).
                let r = unsafe { ct_registry::of(registry) };
                match d {
                    None => compact::verify_access(token, key, &rules, r, now, scratch),
                    Some(d) => d.verify(token, key, DpopProfile::Compact(r), &rules, now, scratch),
                }
            }
        }
        .map(|c| access_out(&c));
        deliver(
            verified,
            out_claims,
            out_scratch_needed,
            required.out_failed_index,
        )
    })
}

/// Verifies an ID token at now for issuer and client_id (the audience): ct_id_verify_with
/// with a policy naming those, nonce (when its ptr is not NULL, it must equal the token's
/// nonce) and access_token (when not NULL, it must match the token's at_hash). Everything
/// else as for ct_access_verify.
///
/// # Safety
/// As for ct_access_verify; nonce and access_token NULL or valid views.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_id_verify(
    key: *const ct_key,
    profile: ct_profile,
    registry: *const ct_registry,
    token: *const u8,
    token_len: usize,
    issuer: ct_str,
    client_id: ct_str,
    nonce: ct_str,
    access_token: ct_str,
    now: u64,
    scratch: *mut u8,
    scratch_len: usize,
    out_claims: *mut ct_id_claims,
) -> ct_result {
    let policy = ct_id_policy {
        issuer,
        client_id,
        nonce,
        access_token,
        has_leeway: false,
        leeway: 0,
        limits: ct_limits::default(),
        claims: ct_claim_requirements::NONE,
    };
    // SAFETY: forwarded contract; policy is a live local.
    unsafe {
        ct_id_verify_with(
            key,
            profile,
            registry,
            token,
            token_len,
            &policy,
            now,
            scratch,
            scratch_len,
            out_claims,
            ptr::null_mut(),
        )
    }
}

/// Verifies an ID token at now against policy (issuer, client_id, nonce, access token for
/// at_hash, leeway, limits); as ct_access_verify_with.
///
/// # Safety
/// As for ct_access_verify_with.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_id_verify_with(
    key: *const ct_key,
    profile: ct_profile,
    registry: *const ct_registry,
    token: *const u8,
    token_len: usize,
    policy: *const ct_id_policy,
    now: u64,
    scratch: *mut u8,
    scratch_len: usize,
    out_claims: *mut ct_id_claims,
    out_scratch_needed: *mut usize,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe {
        id_verify(
            Verifier::Key(key),
            profile,
            registry,
            (token, token_len),
            policy,
            now,
            (scratch, scratch_len),
            out_claims,
            out_scratch_needed,
        )
    }
}

/// Verifies an ID token as ct_id_verify_with does, with the key of keyset
/// that the token's kid names. A token without kid is verified only when exactly one key
/// of the set is for its kind (token_use) and for the algorithm its header names: the
/// keys are never tried in turn. CT_ERR_NULL_POINTER for a NULL keyset; then, after the
/// checks of ct_id_verify_with on the arguments and the token's length,
/// CT_ERR_UNKNOWN_KEY_ID when no key of the set has the token's kid,
/// CT_ERR_AMBIGUOUS_KEY or CT_ERR_NO_MATCHING_KEY for a token without kid and several or
/// no candidates, and the token's own errors for a header that cannot be read
/// (CT_MALFORMED, CT_BASE64, CT_MALFORMED_HEADER, CT_UNSUPPORTED_HEADER). The chosen key
/// still pins its algorithm and use (CT_ALGORITHM_MISMATCH, CT_KEY_USE_MISMATCH). Output
/// and CT_BUFFER_TOO_SMALL as for ct_id_verify_with. CT_ERR_UNSUPPORTED in the no_std
/// (firmware) build.
///
/// # Safety
/// As for ct_id_verify_with, with keyset a live handle from ct_keyset_new_jwks.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ct_id_verify_keyset(
    keyset: *const ct_keyset,
    profile: ct_profile,
    registry: *const ct_registry,
    token: *const u8,
    token_len: usize,
    policy: *const ct_id_policy,
    now: u64,
    scratch: *mut u8,
    scratch_len: usize,
    out_claims: *mut ct_id_claims,
    out_scratch_needed: *mut usize,
) -> ct_result {
    // SAFETY: forwarded contract.
    unsafe {
        id_verify(
            Verifier::Set(keyset),
            profile,
            registry,
            (token, token_len),
            policy,
            now,
            (scratch, scratch_len),
            out_claims,
            out_scratch_needed,
        )
    }
}

/// The body of ct_id_verify_with and ct_id_verify_keyset.
///
/// # Safety
/// As for ct_id_verify_with, with the verifier's handle live.
#[allow(clippy::too_many_arguments)] // one per argument of the C functions it serves
unsafe fn id_verify(
    verifier: Verifier,
    profile: ct_profile,
    registry: *const ct_registry,
    (token, token_len): (*const u8, usize),
    policy: *const ct_id_policy,
    now: u64,
    (scratch, scratch_len): (*mut u8, usize),
    out_claims: *mut ct_id_claims,
    out_scratch_needed: *mut usize,
) -> ct_result {
    boundary(|| {
        if policy.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: non-NULL and readable (API contract).
        let policy = unsafe { &*policy };
        let limits = policy.limits.over(Limits::ID)?;
        // SAFETY: the policy's requirement views are valid (API contract).
        let required = unsafe { Requirements::of(&policy.claims) }?;
        let token = ct_str {
            ptr: token,
            len: token_len,
        };
        let mut own = Own::default();
        // SAFETY: the arguments as the API contract states them.
        let VerifyArgs {
            key,
            profile,
            token,
            names: [issuer, client_id],
            scratch,
        } = unsafe {
            verify_args(
                verifier,
                (Kind::Id, now),
                profile,
                &limits,
                [token, policy.issuer, policy.client_id],
                [
                    range_of(policy.nonce),
                    range_of(policy.access_token),
                    out_range(out_claims),
                    out_range(out_scratch_needed),
                ]
                .into_iter()
                .chain(required.ranges()),
                (scratch, scratch_len, !out_claims.is_null()),
                &mut own,
            )
        }?;
        // SAFETY: NULL or valid views (API contract).
        let (nonce, access_token) =
            unsafe { (opt_text(policy.nonce)?, opt_text(policy.access_token)?) };
        let (claims, claims_len) = required.list();
        let mut rules = IdPolicy::new(issuer, client_id)
            .with_limits(limits)
            .require_claims(&claims[..claims_len]);
        if let Some(n) = nonce {
            rules = rules.expect_nonce(n);
        }
        if let Some(at) = access_token {
            rules = rules.expect_access_token(at);
        }
        if policy.has_leeway {
            rules = rules.with_leeway(policy.leeway);
        }
        let verified = match profile {
            Profile::Jwt => jwt::verify_id(token, key, &rules, now, scratch),
            Profile::Compact => {
                // SAFETY: registry is NULL or a live handle (API contract).
                let r = unsafe { ct_registry::of(registry) };
                compact::verify_id(token, key, &rules, r, now, scratch)
            }
        }
        .map(|c| id_out(&c));
        deliver(
            verified,
            out_claims,
            out_scratch_needed,
            required.out_failed_index,
        )
    })
}
