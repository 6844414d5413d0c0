//! Size budgets and lifetime limits, per kind of token.

use crate::error::{Error, Result};
use crate::kind::Kind;

/// How large and how long-lived a token may be. Enforced when issuing (an over-budget or
/// over-long token is an error, never truncated) and again when verifying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The longest token accepted, in bytes of its compact serialization.
    pub max_bytes: usize,
    /// The longest lifetime accepted, `exp - iat`, in seconds.
    pub max_lifetime: u64,
}

impl Limits {
    /// Access-token defaults: 1024 bytes (a quarter of the smallest common 4 KiB header
    /// limit, with room for everything else in a request) and 10 minutes.
    pub const ACCESS: Limits = Limits {
        max_bytes: 1024,
        max_lifetime: 600,
    };

    /// ID-token defaults: 4096 bytes and 1 hour.
    pub const ID: Limits = Limits {
        max_bytes: 4096,
        max_lifetime: 3600,
    };

    /// The defaults for `kind`.
    pub const fn for_kind(kind: Kind) -> Limits {
        match kind {
            Kind::Access => Limits::ACCESS,
            Kind::Id => Limits::ID,
        }
    }

    /// The same limits with a smaller size budget (never larger than the current one).
    pub const fn tighten_bytes(mut self, max_bytes: usize) -> Limits {
        if max_bytes < self.max_bytes {
            self.max_bytes = max_bytes;
        }
        self
    }

    /// The same limits with a shorter maximum lifetime (never longer than the current one).
    pub const fn tighten_lifetime(mut self, max_lifetime: u64) -> Limits {
        if max_lifetime < self.max_lifetime {
            self.max_lifetime = max_lifetime;
        }
        self
    }

    /// Checks `exp - iat`: [`Error::LifetimeTooLong`] when over the limit or not positive.
    pub fn check_lifetime(&self, iat: u64, exp: u64) -> Result<()> {
        match exp.checked_sub(iat) {
            Some(life) if life > 0 && life <= self.max_lifetime => Ok(()),
            _ => Err(Error::LifetimeTooLong),
        }
    }

    /// Checks a token length against the budget: [`Error::OverBudget`] when larger.
    pub fn check_size(&self, len: usize) -> Result<()> {
        if len > self.max_bytes {
            Err(Error::OverBudget)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetime_bounds() {
        let l = Limits::ACCESS;
        assert_eq!(l.check_lifetime(100, 700), Ok(()));
        assert_eq!(l.check_lifetime(100, 701), Err(Error::LifetimeTooLong));
        assert_eq!(l.check_lifetime(100, 100), Err(Error::LifetimeTooLong));
        assert_eq!(l.check_lifetime(100, 99), Err(Error::LifetimeTooLong));
        assert_eq!(l.check_lifetime(0, u64::MAX), Err(Error::LifetimeTooLong));
    }

    #[test]
    fn tightening_never_loosens() {
        let l = Limits::ACCESS.tighten_bytes(5000).tighten_lifetime(9999);
        assert_eq!(l, Limits::ACCESS);
        let l = Limits::ACCESS.tighten_bytes(300).tighten_lifetime(60);
        assert_eq!((l.max_bytes, l.max_lifetime), (300, 60));
        assert_eq!(l.check_size(301), Err(Error::OverBudget));
        assert_eq!(l.check_size(300), Ok(()));
    }
}
