//! Drives the PyJWT and `jose` peers of `interop/` (protocol: `interop/README.md`): one
//! process per batch of requests. A peer that is not installed FAILS the test, with the
//! command that installs it: these tests are evidence, never silently skipped.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

/// One of the two peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// PyJWT 2.15.1 + cryptography (pip).
    PyJwt,
    /// `jose` 6.2.18 (npm).
    Jose,
}

pub const ALL: [Peer; 2] = [Peer::PyJwt, Peer::Jose];

impl Peer {
    pub fn name(self) -> &'static str {
        match self {
            Peer::PyJwt => "pyjwt",
            Peer::Jose => "jose",
        }
    }

    fn program(self) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../interop")
            .join(format!("run-{}", self.name()))
    }

    /// Sends `requests` as one batch and returns the responses, same order. Panics (fails
    /// the test) when the peer is missing, not installed, or answers off-protocol.
    pub fn batch(self, requests: &[Value]) -> Vec<Value> {
        let program = self.program();
        let mut child = Command::new(&program)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: cannot run {}: {e}", self.name(), program.display()));
        let input = serde_json::to_vec(requests).unwrap();
        child.stdin.take().unwrap().write_all(&input).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {}
            Some(3) => panic!(
                "{}: peer not installed; run `bash interop/install.sh` first \
                 (scripts/test.sh does): {stderr}",
                self.name()
            ),
            other => panic!("{}: exit {other:?}: {stderr}", self.name()),
        }
        let responses: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{}: not a JSON array ({e}): {}",
                self.name(),
                String::from_utf8_lossy(&out.stdout)
            )
        });
        assert_eq!(responses.len(), requests.len(), "{}", self.name());
        responses
    }
}

/// The response's `token`, or a failure naming the peer and the request.
pub fn token(peer: Peer, response: &Value) -> String {
    assert_eq!(response["ok"], true, "{}: {response}", peer.name());
    response["token"].as_str().unwrap().to_owned()
}

/// Asserts the response is a success and returns it.
pub fn ok(peer: Peer, what: &str, response: &Value) -> Value {
    assert_eq!(response["ok"], true, "{} {what}: {response}", peer.name());
    response.clone()
}

/// Asserts the peer's library refused (`ok: false`, not an internal error).
pub fn refused(peer: Peer, what: &str, response: &Value) {
    assert_eq!(response["ok"], false, "{} {what}: {response}", peer.name());
    assert!(
        response.get("internal").is_none(),
        "{} {what}: {response}",
        peer.name()
    );
}

/// An Ed25519 private JWK from a seed and its public key bytes.
pub fn ed25519_private_jwk(seed: &[u8; 32], public: &[u8; 32]) -> Value {
    json!({"kty": "OKP", "crv": "Ed25519", "d": b64e(seed), "x": b64e(public)})
}

pub fn ed25519_public_jwk(public: &[u8; 32]) -> Value {
    json!({"kty": "OKP", "crv": "Ed25519", "x": b64e(public)})
}

pub fn oct_jwk(secret: &[u8]) -> Value {
    json!({"kty": "oct", "k": b64e(secret)})
}

pub fn b64e(bytes: &[u8]) -> String {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::encode_string(bytes)
}

pub fn b64d(s: &str) -> Vec<u8> {
    use base64ct::{Base64UrlUnpadded, Encoding};
    Base64UrlUnpadded::decode_vec(s).unwrap()
}

/// The JSON of a JWS segment (header or payload).
pub fn segment_json(segment: &str) -> Value {
    serde_json::from_slice(&b64d(segment)).unwrap()
}
