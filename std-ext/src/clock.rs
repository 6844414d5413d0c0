//! The system clock, for the `now` that `compact-token` takes as a parameter.

use std::time::{SystemTime, UNIX_EPOCH};

/// The operating system's wall clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl SystemClock {
    /// The current time in Unix seconds (0 if the clock reads before 1970).
    pub fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn now_is_after_this_code_was_written() {
        // 2025-01-01T00:00:00Z; a clock before it is broken.
        assert!(SystemClock::now() > 1_735_689_600);
    }
}
