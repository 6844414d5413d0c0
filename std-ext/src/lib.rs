//! Key management and the system clock for compact-token.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod claims_json;
pub mod clock;
pub mod demo;
mod error;
pub mod jwk;
pub mod keys;
pub mod keyset;
pub mod pem;

pub use clock::SystemClock;
pub use error::{Error, Result};
