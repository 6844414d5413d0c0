//! Structured round trip in the `jwt` profile: arbitrary access or ID claims → issue (either
//! key) → verify under a policy matching the claims → equal claims, or a clean error.
#![no_main]

use arbitrary::Arbitrary;
use compact_token::{Limits, jwt};
use compact_token_fuzz::*;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Input {
    Access { hs: bool, claims: FAccess },
    Id { hs: bool, claims: FId },
}

fuzz_target!(|data: &[u8]| {
    with(data, |input: Input| match input {
        Input::Access { hs, claims } => roundtrip!(
            claims, hs,
            policy: access_roundtrip_policy,
            issue: |c, k, o| jwt::issue_access(c, k, &Limits::ACCESS, o),
            verify: |t, k, p, now, s| jwt::verify_access(t, k, p, now, s),
        ),
        Input::Id { hs, claims } => roundtrip!(
            claims, hs,
            policy: id_roundtrip_policy,
            issue: |c, k, o| jwt::issue_id(c, k, &Limits::ID, o),
            verify: |t, k, p, now, s| jwt::verify_id(t, k, p, now, s),
        ),
    })
});
