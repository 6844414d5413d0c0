//! What a verifier expects (policies) and how far issuing and verifying may go (limits),
//! as C structs: defaults stay defaults when a field is zero or its has_ flag false.

use compact_token::{Limits, Require};

use crate::claims::Range;
use crate::extras::Path;
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
    /// Requirements on custom claims, all of which must hold (see ct_claim_requirement).
    pub claims: ct_claim_requirements,
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
    /// Requirements on custom claims, all of which must hold (see ct_claim_requirement).
    pub claims: ct_claim_requirements,
}

/// What a requirement asks of the value at its path: one of CT_RULE_*.
pub type ct_rule = u32;
/// Present, whatever its value (null included).
pub const CT_RULE_PRESENT: ct_rule = 0;
/// The string value (compared after unescaping).
pub const CT_RULE_EQUALS: ct_rule = 1;
/// The string value, or an array holding it.
pub const CT_RULE_CONTAINS: ct_rule = 2;
/// true.
pub const CT_RULE_IS_TRUE: ct_rule = 3;

/// The most requirements on custom claims a policy lists.
pub const CT_MAX_REQUIRED_CLAIMS: usize = 8;

/// One requirement on a custom claim, or on a value nested in one: "roles contains admin"
/// is {path = {"roles"}, path_len = 1, rule = CT_RULE_CONTAINS, value = "admin"};
/// "realm_access.roles contains ops" has path {"realm_access", "roles"}.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ct_claim_requirement {
    /// The claim's name, then the names of nested members: path[0..path_len].
    pub path: *const ct_str,
    /// 1 to CT_MAX_CLAIM_PATH (else CT_INVALID_POLICY).
    pub path_len: usize,
    /// A CT_RULE_* (else CT_INVALID_POLICY).
    pub rule: ct_rule,
    /// The string for CT_RULE_EQUALS and CT_RULE_CONTAINS (required: NULL is
    /// CT_ERR_NULL_POINTER); ignored by the other rules.
    pub value: ct_str,
}

/// A policy's requirements on custom claims. Zero: none.
///
/// They are checked in order after the signature and the policy's other checks; the
/// first that fails ends verification with CT_REQUIRED_CLAIM_MISSING (nothing at its path)
/// or CT_REQUIRED_CLAIM_MISMATCH (another value), and its index in list is written to
/// *out_failed_index when that is not NULL (nothing is written on success or any other
/// error).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ct_claim_requirements {
    /// The requirements: list[0..len]; NULL when len is 0.
    pub list: *const ct_claim_requirement,
    /// 0 to CT_MAX_REQUIRED_CLAIMS (else CT_INVALID_POLICY).
    pub len: usize,
    /// NULL, or where the index of the failed requirement is written.
    pub out_failed_index: *mut usize,
}

impl ct_claim_requirements {
    /// None.
    pub(crate) const NONE: ct_claim_requirements = ct_claim_requirements {
        list: core::ptr::null(),
        len: 0,
        out_failed_index: core::ptr::null_mut(),
    };
}

/// A policy's requirements read from the caller (no heap): their paths and values, and
/// the ranges they cover for the scratch overlap check.
pub(crate) struct Requirements<'a> {
    paths: [Option<Path<'a>>; CT_MAX_REQUIRED_CLAIMS],
    rules: [(ct_rule, &'a str); CT_MAX_REQUIRED_CLAIMS],
    values: [Range; CT_MAX_REQUIRED_CLAIMS],
    len: usize,
    /// Where the failed index goes (NULL: nowhere).
    pub out_failed_index: *mut usize,
}

impl<'a> Requirements<'a> {
    /// Reads r.
    ///
    /// # Safety
    /// r.list NULL or r.len readable requirements whose views are valid for 'a.
    pub(crate) unsafe fn of(r: &ct_claim_requirements) -> Result<Requirements<'a>, ct_result> {
        if r.len > CT_MAX_REQUIRED_CLAIMS {
            return Err(CT_INVALID_POLICY);
        }
        let mut out = Requirements {
            paths: [const { None }; CT_MAX_REQUIRED_CLAIMS],
            rules: [(CT_RULE_PRESENT, ""); CT_MAX_REQUIRED_CLAIMS],
            values: [(core::ptr::null(), 0); CT_MAX_REQUIRED_CLAIMS],
            len: r.len,
            out_failed_index: r.out_failed_index,
        };
        if r.len == 0 {
            return Ok(out);
        }
        if r.list.is_null() {
            return Err(CT_ERR_NULL_POINTER);
        }
        // SAFETY: non-NULL, len readable requirements (caller's contract).
        let list = unsafe { core::slice::from_raw_parts(r.list, r.len) };
        for (i, req) in list.iter().enumerate() {
            // SAFETY: the path's views are valid (caller's contract).
            out.paths[i] = Some(unsafe { Path::of(req.path, req.path_len, CT_INVALID_POLICY) }?);
            let value = match req.rule {
                CT_RULE_PRESENT | CT_RULE_IS_TRUE => "",
                CT_RULE_EQUALS | CT_RULE_CONTAINS => {
                    out.values[i] = (req.value.ptr, req.value.len);
                    // SAFETY: the value's view is valid (caller's contract).
                    unsafe { text(req.value.ptr, req.value.len) }?
                }
                _ => return Err(CT_INVALID_POLICY),
            };
            out.rules[i] = (req.rule, value);
        }
        Ok(out)
    }

    /// Core's requirements, borrowing these paths: the first len of the array.
    pub(crate) fn list(&self) -> ([Require<'_>; CT_MAX_REQUIRED_CLAIMS], usize) {
        let mut list = [Require::present(&[]); CT_MAX_REQUIRED_CLAIMS];
        for (i, slot) in list.iter_mut().enumerate().take(self.len) {
            let path = self.paths[i].as_ref().map_or(&[][..], Path::names);
            *slot = match self.rules[i] {
                (CT_RULE_EQUALS, v) => Require::equals(path, v),
                (CT_RULE_CONTAINS, v) => Require::contains(path, v),
                (CT_RULE_IS_TRUE, _) => Require::is_true(path),
                _ => Require::present(path),
            };
        }
        (list, self.len)
    }

    /// Every byte range the requirements cover (paths, values, the failed-index output).
    pub(crate) fn ranges(&self) -> impl Iterator<Item = Range> + '_ {
        self.paths
            .iter()
            .flatten()
            .flat_map(|p| p.ranges().iter().copied())
            .chain(self.values.iter().copied())
            .chain([(
                self.out_failed_index.cast_const().cast(),
                core::mem::size_of::<usize>(),
            )])
    }
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
