//! Key management and the system clock for compact-token.
