//! What a verifier expects (policies) and how far issuing and verifying may go (limits),
//! as C structs: defaults stay defaults when a field is zero or its has_ flag false.

use compact_token::Limits;

use crate::{CT_ERR_NULL_POINTER, CT_INVALID_POLICY, ct_result, ct_str, text};

/// The most required scopes an access policy lists.
pub const CT_MAX_REQUIRED_SCOPES: usize = 16;

/// Size budget and maximum lifetime, tightening the kind's defaults: 0 keeps the default
/// (CT_ACCESS_MAX_BYTES / CT_ID_MAX_BYTES bytes; 600 / 3600 seconds); a larger value than
/// the default is CT_INVALID_POLICY (limits only tighten).
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct ct_limits {
    /// The longest token, in bytes (0: the default budget).
    pub max_bytes: usize,
    /// The longest lifetime, exp - iat, in seconds (0: the default).
    pub max_lifetime: u64,
}

/// What a resource server expects of an access token. Zero-initialise it and set issuer
/// and audience; the rest keeps the defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ct_access_policy {
    /// The one issuer accepted (required).
    pub issuer: ct_str,
    /// This resource server's identifier: aud must contain it (required).
    pub audience: ct_str,
    /// Scopes that must all be granted: required_scopes[0..required_scopes_len], at most
    /// CT_MAX_REQUIRED_SCOPES (else CT_INVALID_POLICY); NULL when the length is 0.
    pub required_scopes: *const ct_str,
    /// Number of required scopes.
    pub required_scopes_len: usize,
    /// Whether leeway is set; when false the default, 30 seconds.
    pub has_leeway: bool,
    /// Clock leeway for exp, nbf and iat, 0 to 300 seconds (else CT_INVALID_POLICY).
    pub leeway: u64,
    /// Size budget and lifetime limit.
    pub limits: ct_limits,
}

/// What a client (relying party) expects of an ID token. Zero-initialise it and set issuer
/// and client_id; the rest keeps the defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ct_id_policy {
    /// The one issuer accepted (required).
    pub issuer: ct_str,
    /// This client's client_id: aud must contain it, azp when present equal it (required).
    pub client_id: ct_str,
    /// When ptr is not NULL, the token's nonce must equal it.
    pub nonce: ct_str,
    /// When ptr is not NULL, the token's at_hash must be this access token's.
    pub access_token: ct_str,
    /// Whether leeway is set; when false the default, 30 seconds.
    pub has_leeway: bool,
    /// Clock leeway for exp, nbf and iat, 0 to 300 seconds (else CT_INVALID_POLICY).
    pub leeway: u64,
    /// Size budget and lifetime limit.
    pub limits: ct_limits,
}

impl ct_limits {
    /// The kind's defaults tightened by these limits.
    pub(crate) fn over(&self, defaults: Limits) -> Result<Limits, ct_result> {
        let mut limits = defaults;
        if self.max_bytes != 0 {
            if self.max_bytes > defaults.max_bytes {
                return Err(CT_INVALID_POLICY);
            }
            limits = limits.tighten_bytes(self.max_bytes);
        }
        if self.max_lifetime != 0 {
            if self.max_lifetime > defaults.max_lifetime {
                return Err(CT_INVALID_POLICY);
            }
            limits = limits.tighten_lifetime(self.max_lifetime);
        }
        Ok(limits)
    }

    /// The limits limits points to over defaults (NULL: the defaults).
    ///
    /// # Safety
    /// limits must be NULL or point to a readable ct_limits.
    pub(crate) unsafe fn of(
        limits: *const ct_limits,
        defaults: Limits,
    ) -> Result<Limits, ct_result> {
        if limits.is_null() {
            return Ok(defaults);
        }
        // SAFETY: non-NULL and readable (caller's contract).
        unsafe { &*limits }.over(defaults)
    }
}

/// The required scopes of an access policy as strings, in a fixed array (no heap), with
/// their ranges for the scratch overlap check.
pub(crate) struct Scopes<'a> {
    pub list: [&'a str; CT_MAX_REQUIRED_SCOPES],
    pub len: usize,
    pub ranges: [(*const u8, usize); CT_MAX_REQUIRED_SCOPES],
}

impl<'a> Scopes<'a> {
    /// Reads policy.required_scopes.
    ///
    /// # Safety
    /// required_scopes must point to required_scopes_len valid views (or be NULL when the
    /// length is 0).
    pub(crate) unsafe fn of(policy: &ct_access_policy) -> Result<Scopes<'a>, ct_result> {
        let len = policy.required_scopes_len;
        if len > CT_MAX_REQUIRED_SCOPES {
            return Err(CT_INVALID_POLICY);
        }
        let mut scopes = Scopes {
            list: [""; CT_MAX_REQUIRED_SCOPES],
            len,
            ranges: [(core::ptr::null(), 0); CT_MAX_REQUIRED_SCOPES],
        };
        if len == 0 {
            return Ok(scopes);
        }
        if policy.required_scopes.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: non-NULL, len readable views (caller's contract).
        let views = unsafe { core::slice::from_raw_parts(policy.required_scopes, len) };
        for (i, v) in views.iter().enumerate() {
            // SAFETY: each view valid for its length (caller's contract).
            scopes.list[i] = unsafe { text(v.ptr, v.len) }?;
            scopes.ranges[i] = (v.ptr, v.len);
        }
        Ok(scopes)
    }

    pub(crate) fn as_slice(&self) -> &[&'a str] {
        &self.list[..self.len]
    }
}
