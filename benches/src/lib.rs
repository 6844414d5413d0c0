//! Side-by-side benchmarks of compact-token and its peers (see README.md).
//!
//! - [`sample`]: the brief's claims and keys, as plain data;
//! - [`peers`]: one module per library behind the [`peers::Peer`] trait, and
//!   the [`peers::registry`] the report walks (our own profiles join there);
//! - [`algs`]: ES256, RS256 and the verified-token cache, as named operations;
//! - [`dpop`]: DPoP verify and proof issue against the bare signature checks;
//! - [`alloc_count`]: a counting global allocator for allocations per call;
//! - [`timing`]: the interleaved timing loop the report uses;
//! - [`stack`]: peak stack use of a call, by painting.

pub mod algs;
pub mod alloc_count;
pub mod dpop;
pub mod peers;
pub mod sample;
pub mod stack;
pub mod timing;
