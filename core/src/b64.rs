//! Canonical unpadded base64url (RFC 7515 §2), strictly.

use base64ct::{Base64UrlUnpadded, Encoding};

use crate::error::{Error, Result};

/// Length of the unpadded base64url encoding of `n` bytes.
pub const fn encoded_len(n: usize) -> usize {
    (n / 3) * 4 + [0, 2, 3][n % 3]
}

/// Length of the bytes encoded by `n` base64url characters, or `Base64` if no canonical
/// encoding has that length.
pub fn decoded_len(n: usize) -> Result<usize> {
    match n % 4 {
        1 => Err(Error::Base64),
        r => Ok((n / 4) * 3 + r.saturating_sub(1)),
    }
}

/// Whether `c` is in the base64url alphabet (RFC 4648 §5), padding excluded.
pub const fn is_alphabet(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// The base64url alphabet, by 6-bit value.
pub(crate) const ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Marks a byte outside the alphabet in [`VALUES`].
const INVALID: u8 = 0xFF;

/// The 6-bit value of each alphabet byte; [`INVALID`] for every other byte.
const VALUES: [u8; 256] = {
    let mut t = [INVALID; 256];
    let mut i = 0;
    while i < 64 {
        t[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// The 6-bit value of a base64url character; `0xFF` for any other byte.
pub(crate) fn value(c: u8) -> u8 {
    VALUES[usize::from(c)]
}

/// Decodes canonical unpadded base64url into `out`. Padding, `+`, `/`, whitespace and
/// non-zero trailing bits are all refused.
///
/// Token segments are public data, so this decoder is table-driven rather than
/// constant-time (keys are decoded elsewhere, by `base64ct`); a test holds it to
/// `base64ct`'s verdicts and bytes on arbitrary input.
pub fn decode<'o>(src: &str, out: &'o mut [u8]) -> Result<&'o [u8]> {
    let n = decoded_len(src.len())?;
    let out = out
        .get_mut(..n)
        .ok_or(Error::BufferTooSmall { needed: n })?;
    // Six bits a character, folded into an i64: a character's value is 0..=63, or -1 for
    // a byte outside the alphabet, which sets the sign bit and keeps it set (eight
    // characters are 48 bits, never shifted into the sign). One test per group of eight,
    // not one per character.
    let group = |chars: &[u8]| {
        chars.iter().fold(0i64, |v, &c| {
            v << 6 | i64::from(VALUES[usize::from(c)] as i8)
        })
    };
    let (eights, rest) = src.as_bytes().as_chunks::<8>();
    let (whole, out_rest) = out.split_at_mut(eights.len() * 6);
    for (chars, bytes) in eights.iter().zip(whole.as_chunks_mut::<6>().0) {
        let v = group(chars);
        if v < 0 {
            return Err(Error::Base64);
        }
        bytes.copy_from_slice(&v.to_be_bytes()[2..]);
    }
    // The last 0, 2, 3, 4, 6 or 7 characters (`decoded_len` refused the rest) are 0 to 5
    // bytes; the unused low bits of the last character must be zero (one encoding).
    let v = group(rest);
    let pad = rest.len() * 6 % 8;
    if v < 0 || v & ((1 << pad) - 1) != 0 {
        return Err(Error::Base64);
    }
    for (byte, b) in out_rest.iter_mut().rev().zip((v >> pad).to_le_bytes()) {
        *byte = b;
    }
    Ok(out)
}

/// Encodes `src` into the front of `out`, returning the characters written. Constant-time
/// (`base64ct`): for key material and anything else that may be secret.
pub fn encode<'o>(src: &[u8], out: &'o mut [u8]) -> Result<&'o str> {
    let needed = encoded_len(src.len());
    Base64UrlUnpadded::encode(src, out).map_err(|_| Error::BufferTooSmall { needed })
}

/// [`encode_public`]'s characters, at compile time: `N` must be `encoded_len(src.len())`
/// (for headers known before any token is issued: [`crate::header`]).
pub(crate) const fn encode_const<const N: usize>(src: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    let (mut i, mut o) = (0, 0);
    const fn byte(src: &[u8], k: usize) -> u32 {
        if k < src.len() { src[k] as u32 } else { 0 }
    }
    while i < src.len() {
        let v = byte(src, i) << 16 | byte(src, i + 1) << 8 | byte(src, i + 2);
        let mut k = 0;
        // A last group of one or two bytes makes two or three characters: `N` stops it.
        while k < 4 && o < N {
            out[o] = ALPHABET[(v >> (18 - 6 * k)) as usize & 63];
            o += 1;
            k += 1;
        }
        i += 3;
    }
    out
}

/// The four characters of three bytes.
pub(crate) fn quad(a: u8, b: u8, c: u8) -> [u8; 4] {
    let v = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
    let char_at = |shift: u32| ALPHABET[(v >> shift) as usize & 63];
    [char_at(18), char_at(12), char_at(6), char_at(0)]
}

/// The two or three characters of a final group of one or two bytes (`tail.len() < 3`).
fn tail_chars(tail: &[u8]) -> ([u8; 4], usize) {
    match *tail {
        [a] => (quad(a, 0, 0), 2),
        [a, b] => (quad(a, b, 0), 3),
        _ => ([0; 4], 0),
    }
}

/// Encodes the bytes of a token being issued (its header, payload and signature: public
/// data, as the token is) into the front of `out`, returning the characters written.
///
/// Table-driven, like [`decode`], so **not** constant-time: [`encode`] is the one for
/// secrets. The same characters as [`encode`], which a test holds it to.
pub fn encode_public(src: &[u8], out: &mut [u8]) -> Result<usize> {
    let needed = encoded_len(src.len());
    let out = out
        .get_mut(..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    // Six bytes at a time from one eight-byte load while eight remain, then by threes.
    let (mut s, mut o) = (0, 0);
    while let (Some(eight), Some(dst)) = (src.get(s..s + 8), out.get_mut(o..o + 8)) {
        let v = u64::from_be_bytes(eight.try_into().unwrap_or_default());
        for (k, c) in dst.iter_mut().enumerate() {
            *c = ALPHABET[(v >> (58 - 6 * k)) as usize & 63];
        }
        s += 6;
        o += 8;
    }
    let (src, out) = (&src[s..], &mut out[o..]);
    let (groups, tail) = src.split_at(src.len() / 3 * 3);
    let (full, rest) = out.split_at_mut(groups.len() / 3 * 4);
    for (g, o) in groups.chunks_exact(3).zip(full.chunks_exact_mut(4)) {
        o.copy_from_slice(&quad(g[0], g[1], g[2]));
    }
    let (chars, n) = tail_chars(tail);
    rest.copy_from_slice(&chars[..n]);
    Ok(needed)
}

/// Encodes the `n` bytes at `buf[at..at + n]` where they lie, into
/// `buf[at..at + encoded_len(n)]`, returning the characters written: the payload is written
/// where it will be encoded, so issuing needs no second buffer and no copy. Requires
/// `at + encoded_len(n) <= buf.len()` (checked). Public data only, as for [`encode_public`].
pub fn encode_in_place(buf: &mut [u8], at: usize, n: usize) -> Result<usize> {
    let needed = encoded_len(n);
    let buf = buf
        .get_mut(at..)
        .and_then(|b| b.get_mut(..needed))
        .ok_or(Error::BufferTooSmall {
            needed: at + needed,
        })?;
    // Backward, six bytes to eight characters at a time: the characters of bytes
    // `6m..6m + 6` go to `8m..8m + 8`, at or after every byte still to be read (`..6m`).
    let sixes = n / 6;
    // The last `n % 6` bytes first, through a copy (their characters may cover them).
    let mut last = [0u8; 6];
    let rest = &mut last[..n % 6];
    rest.copy_from_slice(&buf[6 * sixes..n]);
    let mut chars = [0u8; 8];
    let w = encode_public(rest, &mut chars)?;
    buf[8 * sixes..].copy_from_slice(&chars[..w]);
    for m in (0..sixes).rev() {
        let mut word = [0u8; 8];
        word[..6].copy_from_slice(&buf[6 * m..6 * m + 6]);
        let v = u64::from_be_bytes(word);
        // A store per character: fewer instructions than gathering them into one word.
        for (k, c) in buf[8 * m..8 * m + 8].iter_mut().enumerate() {
            *c = ALPHABET[(v >> (58 - 6 * k)) as usize & 63];
        }
    }
    Ok(needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table-driven decoder against `base64ct`'s constant-time one: same verdict and
    /// same bytes on every string of length 0 to 6 over nine symbols (alphabet characters
    /// with each trailing-bit pattern, `-`, `_`, padding, `+` and space: every tail and
    /// trailing-bit case), on every length to 40 with each of those symbols at each
    /// position, and on longer inputs with bad and non-ASCII tails.
    #[test]
    fn agrees_with_the_constant_time_decoder() {
        let symbols = ["A", "Q", "g", "w", "_", "-", "=", "+", " "];
        let check = |s: &str| {
            let mut ours = [0u8; 64];
            let mut theirs = [0u8; 64];
            let a = decode(s, &mut ours).map(|b| b.to_vec());
            let b = Base64UrlUnpadded::decode(s, &mut theirs).map(|b| b.to_vec());
            assert_eq!(a.is_ok(), b.is_ok(), "{s:?}");
            if let (Ok(a), Ok(b)) = (a, b) {
                assert_eq!(a, b, "{s:?}");
            }
        };
        let mut s = std::string::String::new();
        for len in 0..=6u32 {
            for mut k in 0..symbols.len().pow(len) {
                s.clear();
                for _ in 0..len {
                    s.push_str(symbols[k % symbols.len()]);
                    k /= symbols.len();
                }
                check(&s);
            }
        }
        // Every length up to 40 (the eight-at-a-time steps, with and without room for
        // another, and every tail after them), each symbol at each position.
        let base = "eyJhbGciOiJFZERTQSJ9eyJzdWIiOiJ1c2VyLTgf";
        for len in 0..=base.len() {
            check(&base[..len]);
            for at in 0..len {
                for sym in symbols {
                    check(&std::format!("{}{sym}{}", &base[..at], &base[at + 1..len]));
                }
            }
        }
        for tail in ["", "A", "AA", "AB", "AAA", "AAE", "é", "AAA=", "AA=="] {
            check(&std::format!("eyJhbGciOiJFZERTQSJ9{tail}"));
            check(&std::format!("{tail}eyJhbGciOiJFZERTQSJ9"));
        }
    }

    #[test]
    fn lengths_match_base64ct() {
        for n in 0..200 {
            let bytes = [0xA5u8; 200];
            let mut out = [0u8; 300];
            let s = encode(&bytes[..n], &mut out).unwrap();
            assert_eq!(s.len(), encoded_len(n));
            assert_eq!(decoded_len(s.len()).unwrap(), n);
        }
    }

    #[test]
    fn public_encoder_matches_the_constant_time_one() {
        let data: [u8; 200] = core::array::from_fn(|i| (i * 37 + 11) as u8);
        for n in 0..200 {
            let mut expect = [0u8; 300];
            let expect = encode(&data[..n], &mut expect).unwrap();
            let mut ours = [0xAAu8; 300];
            let w = encode_public(&data[..n], &mut ours).unwrap();
            assert_eq!(&ours[..w], expect.as_bytes(), "n={n}");
            // Nothing past the encoding is touched.
            assert!(ours[w..].iter().all(|&b| b == 0xAA), "n={n}");
            let mut short = [0u8; 300];
            assert_eq!(
                encode_public(&data[..n], &mut short[..w.saturating_sub(1)]),
                if w == 0 {
                    Ok(0)
                } else {
                    Err(Error::BufferTooSmall { needed: w })
                }
            );
        }
        let all: [u8; 255] = core::array::from_fn(|i| i as u8);
        let (mut a, mut b) = ([0u8; 340], [0u8; 340]);
        let w = encode_public(&all, &mut a).unwrap();
        assert_eq!(&a[..w], encode(&all, &mut b).unwrap().as_bytes());
    }

    #[test]
    fn refuses_non_canonical() {
        let mut out = [0u8; 16];
        assert_eq!(decode("YQ", &mut out).unwrap(), b"a");
        for bad in ["YQ==", "YR", "Y", "Y Q", "+/", "YQ=", "Y\u{e9}"] {
            assert_eq!(decode(bad, &mut out), Err(Error::Base64), "{bad:?}");
        }
    }

    #[test]
    fn in_place_encoding_matches_plain_encoding() {
        let data: [u8; 300] = core::array::from_fn(|i| (i * 7 + 3) as u8);
        for n in 0..300usize {
            let mut expect = [0u8; 400];
            let expect = encode(&data[..n], &mut expect).unwrap();
            for at in [0usize, 5, 37] {
                for spare in [0usize, 1, 9] {
                    let len = at + encoded_len(n) + spare;
                    let mut buf = [0xAAu8; 460];
                    let buf = &mut buf[..len];
                    buf[at..at + n].copy_from_slice(&data[..n]);
                    let w = encode_in_place(buf, at, n).unwrap();
                    assert_eq!(&buf[at..at + w], expect.as_bytes(), "n={n} at={at}");
                    // Nothing before or after the characters is touched.
                    assert!(buf[..at].iter().chain(&buf[at + w..]).all(|&b| b == 0xAA));
                }
                // One byte short of the characters: refused, saying how many are needed.
                let needed = at + encoded_len(n);
                if n > 0 {
                    let mut buf = [0u8; 460];
                    assert_eq!(
                        encode_in_place(&mut buf[..needed - 1], at, n),
                        Err(Error::BufferTooSmall { needed })
                    );
                }
            }
        }
    }
}
