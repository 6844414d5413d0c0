//! Requirements on custom claims, for policies: "`roles` contains `admin`", "`tenant` equals
//! `acme`", "`realm_access.roles` contains `admin`".

use super::extra::{Extras, Value, ValueKind};
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

/// Checks every requirement against the custom claims: the first one (in order) that is
/// missing or not met is the error.
///
/// Requirements are resolved 64 at a time in one walk over the claims, each from the first
/// member its path starts with (what [`Extras::path`] finds), instead of one walk each.
pub(crate) fn check<S: AsRef<str>>(required: &[Require<'_>], extras: &Extras<S>) -> Result<()> {
    for (k, batch) in required.chunks(64).enumerate() {
        check_batch(batch, k * 64, extras)?;
    }
    Ok(())
}

/// Up to 64 requirements in one walk; `first` is the index of the first in the policy.
fn check_batch<S: AsRef<str>>(
    required: &[Require<'_>],
    first: usize,
    extras: &Extras<S>,
) -> Result<()> {
    // Bit i: requirement i can be found at all (a path, not starting with a name that is
    // no custom claim here); its value was found; and met.
    let mut open = 0u64;
    for (i, req) in required.iter().enumerate() {
        if req.path.first().is_some_and(|n| !extras.hides(n)) {
            open |= 1 << i;
        }
    }
    let (mut found, mut met) = (0u64, 0u64);
    let mut members = extras.all_members();
    while open != 0 {
        let Some((name, value)) = members.next() else {
            break;
        };
        for (i, req) in required.iter().enumerate() {
            let (head, rest) = req.path.split_first().unwrap_or((&"", &[]));
            if open & (1 << i) == 0 || name != **head {
                continue;
            }
            // Resolved by the first member so named, as `Extras::path` resolves it.
            open &= !(1 << i);
            if let Some(v) = value.path(rest) {
                found |= 1 << i;
                if satisfied(req.rule, &v) {
                    met |= 1 << i;
                }
            }
        }
    }
    for i in 0..required.len() {
        let index = u16::try_from(first + i).unwrap_or(u16::MAX);
        if found & (1 << i) == 0 {
            return Err(Error::RequiredClaimMissing { index });
        }
        if met & (1 << i) == 0 {
            return Err(Error::RequiredClaimMismatch { index });
        }
    }
    Ok(())
}

/// Whether `value` meets `rule`.
fn satisfied(rule: Rule<'_>, value: &Value<'_>) -> bool {
    match rule {
        Rule::Present => true,
        Rule::Equals(s) => value.kind() == ValueKind::String && value.contains_str(s),
        Rule::Contains(s) => value.contains_str(s),
        Rule::IsTrue => value.as_bool() == Some(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kind::Kind;

    /// The oracle: requirement by requirement, one walk each (`Extras::path`).
    fn check_each(required: &[Require<'_>], extras: &Extras<&str>) -> Result<()> {
        for (i, req) in required.iter().enumerate() {
            let index = u16::try_from(i).unwrap_or(u16::MAX);
            let value = extras
                .path(req.path)
                .ok_or(Error::RequiredClaimMissing { index })?;
            if !satisfied(req.rule, &value) {
                return Err(Error::RequiredClaimMismatch { index });
            }
        }
        Ok(())
    }

    /// The one walk against one walk per requirement (`Extras::path` for each, in order):
    /// the same verdict and the same index, for every list of up to three requirements drawn
    /// from a table (present, missing, nested, typed names, one name shared, empty paths),
    /// on claims views of both kinds and on plain custom claims with a name twice.
    #[test]
    fn one_walk_decides_as_one_walk_per_requirement() {
        const REQS: &[Require<'static>] = &[
            Require::contains(&["roles"], "admin"),
            Require::contains(&["roles"], "ops"),
            Require::equals(&["tenant"], "acme"),
            Require::equals(&["tenant"], "other"),
            Require::present(&["cnf", "jkt"]),
            Require::present(&["cnf", "x5t"]),
            Require::is_true(&["mfa"]),
            Require::present(&["absent"]),
            Require::present(&["sub"]),
            Require::present(&["nonce"]),
            Require::present(&[]),
            Require::equals(&["dup"], "first"),
            Require::equals(&["dup"], "second"),
        ];
        let claims = r#"{"sub":"u","roles":["admin","x"],"t\u0065nant":"acme","cnf":{"jkt":"k"},"nonce":"n","mfa":true,"dup":"first","dup":"second"}"#;
        let views = [
            Extras::of_claims(claims, Kind::Access),
            Extras::of_claims(claims, Kind::Id),
            // Unchecked text, a name twice: the first member so named decides.
            Extras::checked(claims, Kind::Access),
        ];
        let (mut errors, mut passes) = (0, 0);
        for extras in &views {
            for &a in REQS {
                for &b in REQS {
                    for &c in REQS {
                        for list in [&[a][..], &[a, b], &[a, b, c]] {
                            let one = check(list, extras);
                            assert_eq!(one, check_each(list, extras), "{list:?}");
                            if one.is_ok() {
                                passes += 1;
                            } else {
                                errors += 1;
                            }
                        }
                    }
                }
            }
        }
        // Not vacuous: both verdicts, often.
        assert!(passes > 100 && errors > 100, "{passes} {errors}");
        // More than 64 requirements: a second walk for the next 64, indices counted on.
        let many = [REQS[0]; 70];
        assert_eq!(check(&many, &views[2]), Ok(()));
        let mut many = [REQS[0]; 70];
        many[66] = REQS[7];
        assert_eq!(
            check(&many, &views[2]),
            Err(Error::RequiredClaimMissing { index: 66 })
        );
    }
}
