//! Requirements on custom claims, for policies: "`roles` contains `admin`", "`tenant` equals
//! `acme`", "`realm_access.roles` contains `admin`".

use super::extra::{Extras, ValueKind};
use crate::error::{Error, Result};

/// What a policy requires of one custom claim (or of a value nested in one), checked after
/// the signature with the kind's other checks. A failure names the requirement by its index
/// in the policy's list: [`Error::RequiredClaimMissing`] or [`Error::RequiredClaimMismatch`].
///
/// ```
/// use compact_token::{AccessPolicy, Require};
///
/// const NEEDS: &[Require] = &[
///     Require::contains(&["roles"], "admin"),
///     Require::equals(&["tenant"], "acme"),
///     Require::contains(&["realm_access", "roles"], "ops"),
///     Require::present(&["cnf", "jkt"]),
/// ];
/// let policy = AccessPolicy::new("https://auth.example.com", "https://api.example.com")
///     .require_claims(NEEDS);
/// # let _ = policy;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Require<'p> {
    /// The claim's name, then the names of nested members: `["realm_access", "roles"]`.
    pub path: &'p [&'p str],
    /// What its value must be.
    pub rule: Rule<'p>,
}

/// What a required value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule<'p> {
    /// Present, whatever its value (`null` included).
    Present,
    /// The string `s` (compared after unescaping).
    Equals(&'p str),
    /// The string `s`, or an array holding the string `s`.
    Contains(&'p str),
    /// `true`.
    IsTrue,
}

impl<'p> Require<'p> {
    /// The value at `path` is present.
    pub const fn present(path: &'p [&'p str]) -> Self {
        Self {
            path,
            rule: Rule::Present,
        }
    }

    /// The value at `path` is the string `value`.
    pub const fn equals(path: &'p [&'p str], value: &'p str) -> Self {
        Self {
            path,
            rule: Rule::Equals(value),
        }
    }

    /// The value at `path` is the string `value` or an array holding it.
    pub const fn contains(path: &'p [&'p str], value: &'p str) -> Self {
        Self {
            path,
            rule: Rule::Contains(value),
        }
    }

    /// The value at `path` is `true`.
    pub const fn is_true(path: &'p [&'p str]) -> Self {
        Self {
            path,
            rule: Rule::IsTrue,
        }
    }
}

/// Checks every requirement against the custom claims, in order.
pub(crate) fn check<S: AsRef<str>>(required: &[Require<'_>], extras: &Extras<S>) -> Result<()> {
    for (i, req) in required.iter().enumerate() {
        let index = u16::try_from(i).unwrap_or(u16::MAX);
        let value = extras
            .path(req.path)
            .ok_or(Error::RequiredClaimMissing { index })?;
        let ok = match req.rule {
            Rule::Present => true,
            Rule::Equals(s) => value.kind() == ValueKind::String && value.contains_str(s),
            Rule::Contains(s) => value.contains_str(s),
            Rule::IsTrue => value.as_bool() == Some(true),
        };
        if !ok {
            return Err(Error::RequiredClaimMismatch { index });
        }
    }
    Ok(())
}
