//! Every peer's tokens verify in that peer, and only the genuine, current,
//! right-kind token does; sizes are the tokens' real lengths; the signing
//! input handed to the bare baselines is exactly what the peer signed.

use compact_token_benches::peers::{self, Alg, Case, Kind, Peer, b64_decode};
use compact_token_benches::sample::{ACCESS, ED25519_PUBLIC, HMAC_KEY, ID, NOW};

fn each_case(mut f: impl FnMut(&dyn Peer, Case, String)) {
    let registry = peers::registry();
    let mut seen = 0;
    for peer in &registry {
        for case in Case::ALL {
            if peer.supports(case) {
                let mut token = String::from("left over from a previous call");
                peer.issue(case, &mut token);
                f(peer.as_ref(), case, token);
                seen += 1;
            }
        }
    }
    // Six peers and our three profiles, three cases each except PASETO (no HS256).
    assert_eq!(seen, 26, "every peer and case was exercised");
}

/// Replaces the character at `at` with another base64url character.
fn flip(token: &str, at: usize) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).expect("ASCII")
}

fn expiry(case: Case) -> u64 {
    match case.kind {
        Kind::Access => ACCESS.exp,
        Kind::Id => ID.exp,
    }
}

#[test]
fn own_tokens_verify() {
    each_case(|peer, case, token| {
        assert!(
            peer.verify(case, &token, NOW),
            "{} {case}: {token}",
            peer.name()
        );
        assert!(
            peer.verify(case, &token, expiry(case) - 1),
            "{} {case} just before exp",
            peer.name()
        );
    });
}

#[test]
fn tampered_tokens_are_rejected() {
    each_case(|peer, case, token| {
        let name = peer.name();
        // The claims (every format puts them before the signature) ...
        let in_claims = token.len() / 2;
        assert!(
            !peer.verify(case, &flip(&token, in_claims), NOW),
            "{name} {case} claims"
        );
        // ... the signature (well inside it: the last character may carry padding bits) ...
        let in_sig = token.len() - 20;
        assert!(
            !peer.verify(case, &flip(&token, in_sig), NOW),
            "{name} {case} signature"
        );
        // ... truncation, and an empty token.
        assert!(
            !peer.verify(case, &token[..token.len() - 1], NOW),
            "{name} {case} truncated"
        );
        assert!(!peer.verify(case, "", NOW), "{name} {case} empty");
    });
}

#[test]
fn expired_tokens_are_rejected() {
    each_case(|peer, case, token| {
        // A day late: beyond any library's default leeway (jwt-simple: 15 min).
        assert!(
            !peer.verify(case, &token, expiry(case) + 86_400),
            "{} {case}",
            peer.name()
        );
    });
}

#[test]
fn a_token_of_one_kind_is_not_accepted_as_the_other() {
    each_case(|peer, case, token| {
        let other = Case {
            kind: match case.kind {
                Kind::Access => Kind::Id,
                Kind::Id => Kind::Access,
            },
            alg: case.alg,
        };
        if peer.supports(other) {
            assert!(
                !peer.verify(other, &token, NOW),
                "{} {case} taken as {other}",
                peer.name()
            );
        }
    });
}

#[test]
fn a_token_under_another_key_type_is_rejected() {
    each_case(|peer, case, token| {
        let other = Case {
            kind: case.kind,
            alg: match case.alg {
                Alg::EdDsa => Alg::Hs256,
                Alg::Hs256 => Alg::EdDsa,
            },
        };
        if peer.supports(other) {
            assert!(
                !peer.verify(other, &token, NOW),
                "{} {case} taken as {other}",
                peer.name()
            );
        }
    });
}

/// Length in characters of unpadded base64url of `n` bytes.
fn b64_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

#[test]
fn sizes_are_the_real_encoded_lengths() {
    each_case(|peer, case, token| {
        let name = peer.name();
        assert!(token.is_ascii(), "{name} {case}");
        // Rebuild the length from the decoded pieces, independently of the peer.
        let rebuilt = if let Some(body) = token.strip_prefix("v4.public.") {
            "v4.public.".len() + b64_len(b64_decode(body).expect("base64url").len())
        } else if token.contains('.') {
            let parts: Vec<&str> = token.split('.').collect();
            assert_eq!(parts.len(), 3, "{name} {case}: JWS compact has three parts");
            let sig = b64_decode(parts[2]).expect("base64url signature");
            assert_eq!(
                sig.len(),
                if case.alg == Alg::EdDsa { 64 } else { 32 },
                "{name} {case}"
            );
            parts
                .iter()
                .map(|p| b64_len(b64_decode(p).expect("base64url").len()))
                .sum::<usize>()
                + 2
        } else {
            b64_len(b64_decode(&token).expect("base64url").len())
        };
        assert_eq!(token.len(), rebuilt, "{name} {case}");
        // Issuing again gives the same size (jwt-simple's hedged signatures
        // differ in value, never in length).
        let mut again = String::new();
        peer.issue(case, &mut again);
        assert_eq!(again.len(), token.len(), "{name} {case}");
    });
}

#[test]
fn signed_parts_are_what_the_peer_signed() {
    use hmac::{KeyInit, Mac};
    let pk = ed25519_dalek::VerifyingKey::from_bytes(&ED25519_PUBLIC).expect("sample key");
    each_case(|peer, case, token| {
        let parts = peer.signed_parts(case, &token);
        match case.alg {
            Alg::EdDsa => {
                let sig = ed25519_dalek::Signature::from_slice(&parts.signature).expect("64 bytes");
                assert!(
                    pk.verify_strict(&parts.message, &sig).is_ok(),
                    "{} {case}",
                    peer.name()
                );
            }
            Alg::Hs256 => {
                let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&HMAC_KEY).expect("key");
                mac.update(&parts.message);
                assert!(
                    mac.verify_slice(&parts.signature).is_ok(),
                    "{} {case}",
                    peer.name()
                );
            }
        }
    });
}

#[test]
fn jws_peers_carry_the_sample_claims() {
    each_case(|peer, case, token| {
        // PASETO and CWT are not JWS; our `compact` payload packs its strings
        // (its claims are checked after decoding, in tests/ours.rs).
        if token.starts_with("v4.") || !token.contains('.') || peer.name().contains("(compact") {
            return;
        }
        let payload = b64_decode(token.split('.').nth(1).expect("payload")).expect("base64url");
        let text = String::from_utf8_lossy(&payload);
        let expect: &[&str] = match case.kind {
            Kind::Access => &[
                ACCESS.iss,
                ACCESS.sub,
                ACCESS.aud,
                ACCESS.client_id,
                ACCESS.jti,
                ACCESS.scope,
            ],
            Kind::Id => &[
                ID.iss, ID.sub, ID.nonce, ID.at_hash, ID.name, ID.email, ID.picture, ID.locale,
            ],
        };
        for value in expect {
            assert!(
                text.contains(value),
                "{} {case}: {value} missing",
                peer.name()
            );
        }
    });
}

#[test]
fn pinned_versions_match_the_names_reported() {
    let manifest = include_str!("../Cargo.toml");
    let pins = [
        ("jsonwebtoken", peers::jsonwebtoken::VERSION),
        ("jwt-simple", peers::jwt_simple::VERSION),
        ("jwt-compact", peers::jwt_compact::VERSION),
        ("coset", peers::coset_cwt::VERSION),
        ("pasetors", peers::pasetors::VERSION),
    ];
    for (krate, version) in pins {
        let line = manifest
            .lines()
            .find(|l| l.starts_with(&format!("{krate} = ")))
            .unwrap_or_else(|| panic!("{krate} in Cargo.toml"));
        assert!(
            line.contains(&format!("\"={version}\"")),
            "{krate} is pinned to {version}: {line}"
        );
        let registry = peers::registry();
        let named: Vec<_> = registry
            .iter()
            .filter(|p| p.name().starts_with(&format!("{krate} ")))
            .collect();
        assert!(!named.is_empty(), "{krate} is in the registry");
        for p in named {
            assert!(p.name().contains(version), "{} names {version}", p.name());
        }
    }
}
