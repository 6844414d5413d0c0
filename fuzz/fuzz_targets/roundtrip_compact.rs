//! Structured round trip in the `compact` profile (with the fixed registry, so registered numbers, packed
//! hex and base64url strings are all exercised): arbitrary access or ID claims → issue (either
//! key) → verify under a policy matching the claims → equal claims, or a clean error.
#![no_main]

use arbitrary::Arbitrary;
use compact_token::{Limits, compact};
use compact_token_fuzz::*;
use libfuzzer_sys::fuzz_target;

#[derive(Debug, Arbitrary)]
enum Input {
    Access { hs: bool, claims: FAccess },
    Id { hs: bool, claims: FId },
}

fuzz_target!(|data: &[u8]| {
    let reg = registry();
    with(data, |input: Input| match input {
        Input::Access { hs, claims } => roundtrip!(
            claims, hs,
            policy: access_roundtrip_policy,
            issue: |c, k, o| compact::issue_access(c, k, &Limits::ACCESS, &reg, o),
            verify: |t, k, p, now, s| compact::verify_access(t, k, p, &reg, now, s),
        ),
        Input::Id { hs, claims } => roundtrip!(
            claims, hs,
            policy: id_roundtrip_policy,
            issue: |c, k, o| compact::issue_id(c, k, &Limits::ID, &reg, o),
            verify: |t, k, p, now, s| compact::verify_id(t, k, p, &reg, now, s),
        ),
    })
});
