//! # ctok
//!
//! The library half of the `ctok` command-line tool: what `ctok demo` does ([`demo`]) and
//! what `ctok compare` measures ([`compare`], feature `compare`, on by default: the same
//! claims as our tokens and as a standard JWT, a CWT and a PASETO token). The commands
//! themselves are in the binary; see the crate README.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "compare")]
pub mod compare;
pub mod demo;

// core/README.md is the registry page of `compact-token`: its example is compiled and run
// here (core's own crate root documents itself with its own `//!` text).
#[cfg(doctest)]
#[doc = include_str!("../../core/README.md")]
struct CoreReadme;
