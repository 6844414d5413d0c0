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
/// `read` is what a reader that handed each custom claim to a [`Resolver`] as it read them
/// found (the `jwt` verifiers do: no walk over the claims after). Without it, requirements
/// are resolved 64 at a time in one walk over the claims, each from the first member its
/// path starts with (what [`Extras::path`] finds), instead of one walk each.
pub(crate) fn check<S: AsRef<str>>(
    required: &[Require<'_>],
    extras: &Extras<S>,
    read: Option<Verdict>,
) -> Result<()> {
    if let Some(verdict) = read {
        return verdict.report(required.len(), 0);
    }
    for (k, batch) in required.chunks(64).enumerate() {
        let mut r = Resolver::new(batch, |n| !extras.hides(n));
        let mut members = extras.all_members();
        while !r.done() {
            let Some((name, value)) = members.next() else {
                break;
            };
            r.member(|head| name == *head, &value);
        }
        r.verdict().report(batch.len(), k * 64)?;
    }
    Ok(())
}

/// Which of up to 64 requirements were found, and met (bit `i` for requirement `i`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    found: u64,
    met: u64,
}

impl Verdict {
    /// The first of `n` requirements not found ([`Error::RequiredClaimMissing`]) or not met
    /// ([`Error::RequiredClaimMismatch`]), numbered from `first` in the policy.
    fn report(self, n: usize, first: usize) -> Result<()> {
        for i in 0..n {
            let index = u16::try_from(first + i).unwrap_or(u16::MAX);
            if self.found & (1 << i) == 0 {
                return Err(Error::RequiredClaimMissing { index });
            }
            if self.met & (1 << i) == 0 {
                return Err(Error::RequiredClaimMismatch { index });
            }
        }
        Ok(())
    }
}

/// Up to 64 requirements resolved from members handed over one at a time: each from the
/// first member its path starts with, as [`Extras::path`] resolves it.
pub(crate) struct Resolver<'r, 'p> {
    required: &'r [Require<'p>],
    /// Bit i: requirement i can still be found (a path, not yet resolved).
    open: u64,
    verdict: Verdict,
}

impl<'r, 'p> Resolver<'r, 'p> {
    /// For `required` (at most 64 are looked at); `can_find` says whether a claim may be
    /// named as a path's first name (a typed claim's name cannot).
    fn new(required: &'r [Require<'p>], can_find: impl Fn(&str) -> bool) -> Self {
        let mut open = 0u64;
        for (i, req) in required.iter().take(64).enumerate() {
            if req.path.first().is_some_and(|n| can_find(n)) {
                open |= 1 << i;
            }
        }
        Self {
            required,
            open,
            verdict: Verdict::default(),
        }
    }

    /// For a reader that hands over only custom claims (never a typed claim's member), as
    /// it reads them; `None` when there is nothing to resolve, or more than 64 requirements
    /// (the policy then walks the claims).
    pub(crate) fn for_reader(required: &'r [Require<'p>]) -> Option<Self> {
        if required.is_empty() || required.len() > 64 {
            return None;
        }
        Some(Self::new(required, |_| true))
    }

    /// What a claims reader calls with each custom claim's decoded name and value text
    /// (checked), as it reads them (the `jwt` verifier's reader with rules, which a
    /// program whose policies require nothing does not link).
    pub(crate) fn hook(&mut self) -> impl FnMut(&str, &str) + '_ {
        |name, value| self.member(|head| head == name, &Value::checked(value))
    }

    /// Every requirement resolved.
    fn done(&self) -> bool {
        self.open == 0
    }

    /// The member whose name `named` says it has, and its `value`.
    pub(crate) fn member(&mut self, named: impl Fn(&str) -> bool, value: &Value<'_>) {
        let mut open = self.open;
        while open != 0 {
            let i = open.trailing_zeros() as usize;
            open &= open - 1;
            let head = self.required.get(i).and_then(|r| r.path.first());
            if head.is_some_and(|head| named(head)) {
                self.resolve(i, value);
            }
        }
    }

    /// Requirement `i`, whose path starts with the name of the member whose value is
    /// `value`. Apart from [`member`](Self::member), which is generic over how names are
    /// compared: one copy of this for both callers.
    fn resolve(&mut self, i: usize, value: &Value<'_>) {
        self.open &= !(1 << i);
        let Some(req) = self.required.get(i) else {
            return;
        };
        if let Some(v) = value.path(req.path.get(1..).unwrap_or_default()) {
            self.verdict.found |= 1 << i;
            if satisfied(req.rule, &v) {
                self.verdict.met |= 1 << i;
            }
        }
    }

    /// What was found and met.
    pub(crate) fn verdict(&self) -> Verdict {
        self.verdict
    }
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

    /// Requirements the tests below draw lists from: present, missing, nested, typed names,
    /// one name shared, empty paths.
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
                            let one = check(list, extras, None);
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
        assert_eq!(check(&many, &views[2], None), Ok(()));
        let mut many = [REQS[0]; 70];
        many[66] = REQS[7];
        assert_eq!(
            check(&many, &views[2], None),
            Err(Error::RequiredClaimMissing { index: 66 })
        );
    }

    /// What the `jwt` reader resolves as it reads a claims set (each custom claim handed to
    /// a [`Resolver`]) decides as the walk after it does: the same verdict and index, for
    /// every list of up to three requirements from [`REQS`], on an access and an ID claims
    /// set whose custom claims sit before, between and after the typed ones (an escaped
    /// name among them; `nonce` a custom claim of one kind and typed in the other).
    #[test]
    fn resolved_while_reading_decides_as_the_walk() {
        use crate::claims::{AccessClaims, IdClaims, InPlace, read_claims_into};
        let access = r#"{"roles":["admin","x"],"iss":"i","sub":"u","t\u0065nant":"acme","aud":"a","client_id":"c","iat":1,"exp":2,"cnf":{"jkt":"k"},"jti":"j","nonce":"n","mfa":true}"#;
        let id = r#"{"iss":"i","roles":"admin","sub":"u","aud":["a"],"exp":2,"t\u0065nant":"other","iat":1,"cnf":{"x5t":"k"},"nonce":"n","mfa":false}"#;
        let (mut errors, mut passes) = (0, 0);
        let mut tally = |resolved: Result<()>, walked: Result<()>, list: &[Require<'_>]| {
            assert_eq!(resolved, walked, "{list:?}");
            if walked.is_ok() {
                passes += 1;
            } else {
                errors += 1;
            }
        };
        for &a in REQS {
            for &b in REQS {
                for &c in REQS {
                    for list in [&[a][..], &[a, b], &[a, b, c]] {
                        let mut scratch = [0u8; 256];
                        let mut r = Resolver::for_reader(list).unwrap();
                        let mut claims = AccessClaims::empty();
                        read_claims_into(access, &mut scratch, &mut claims, Some(&mut r.hook()))
                            .unwrap();
                        let read = Some(r.verdict());
                        tally(
                            check(list, &claims.extra, read),
                            check(list, &claims.extra, None),
                            list,
                        );
                        let mut scratch = [0u8; 256];
                        let mut r = Resolver::for_reader(list).unwrap();
                        let mut claims = IdClaims::empty();
                        read_claims_into(id, &mut scratch, &mut claims, Some(&mut r.hook()))
                            .unwrap();
                        let read = Some(r.verdict());
                        tally(
                            check(list, &claims.extra, read),
                            check(list, &claims.extra, None),
                            list,
                        );
                    }
                }
            }
        }
        // Not vacuous: both verdicts, often.
        assert!(passes > 100 && errors > 100, "{passes} {errors}");
        // None to resolve, or more than 64: the reader is handed nothing; the policy walks.
        assert!(Resolver::for_reader(&[]).is_none());
        assert!(Resolver::for_reader(&[REQS[0]; 65]).is_none());
    }
}
