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

/// Decodes canonical unpadded base64url into `out`. Padding, `+`, `/`, whitespace and
/// non-zero trailing bits are all refused.
pub fn decode<'o>(src: &str, out: &'o mut [u8]) -> Result<&'o [u8]> {
    let n = decoded_len(src.len())?;
    let out = out
        .get_mut(..n)
        .ok_or(Error::BufferTooSmall { needed: n })?;
    let decoded = Base64UrlUnpadded::decode(src, out).map_err(|_| Error::Base64)?;
    Ok(decoded)
}

/// Encodes `src` into the front of `out`, returning the characters written.
pub fn encode<'o>(src: &[u8], out: &'o mut [u8]) -> Result<&'o str> {
    let needed = encoded_len(src.len());
    Base64UrlUnpadded::encode(src, out).map_err(|_| Error::BufferTooSmall { needed })
}

/// Encodes the `n` bytes at the end of `buf` into `buf[at..]`, moving forward through
/// the buffer: the payload is written in place where it will be encoded, so issuing needs
/// no second buffer. Requires `at + encoded_len(n) + 16 <= buf.len()` (checked).
pub fn encode_tail_in_place(buf: &mut [u8], at: usize, n: usize) -> Result<usize> {
    const CHUNK: usize = 48; // 48 bytes -> 64 characters
    let len = buf.len();
    let needed = at + encoded_len(n) + 16;
    if needed > len || n > len {
        return Err(Error::BufferTooSmall { needed });
    }
    let mut src = len - n;
    let mut dst = at;
    let mut tmp = [0u8; CHUNK];
    while src < len {
        let take = CHUNK.min(len - src);
        tmp[..take].copy_from_slice(&buf[src..src + take]);
        src += take;
        // The characters of this chunk end no later than `src`: the write never reaches
        // bytes not yet read (dst + 4/3*read <= at + 4/3*n + 16 <= len - n + read).
        let written = encode(&tmp[..take], &mut buf[dst..src.max(dst)])?.len();
        dst += written;
    }
    Ok(dst - at)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn refuses_non_canonical() {
        let mut out = [0u8; 16];
        assert_eq!(decode("YQ", &mut out).unwrap(), b"a");
        for bad in ["YQ==", "YR", "Y", "Y Q", "+/", "YQ=", "Y\u{e9}"] {
            assert_eq!(decode(bad, &mut out), Err(Error::Base64), "{bad:?}");
        }
    }

    #[test]
    fn in_place_tail_encoding_matches_plain_encoding() {
        for n in 0..300usize {
            let data: [u8; 300] = core::array::from_fn(|i| (i * 7 + 3) as u8);
            let mut expect = [0u8; 400];
            let expect = encode(&data[..n], &mut expect).unwrap();
            for at in [0usize, 5, 37] {
                let len = at + encoded_len(n) + 16;
                let mut buf = [0u8; 460];
                let buf = &mut buf[..len.max(n)];
                let tail = buf.len() - n;
                buf[tail..].copy_from_slice(&data[..n]);
                let w = encode_tail_in_place(buf, at, n).unwrap();
                assert_eq!(&buf[at..at + w], expect.as_bytes(), "n={n} at={at}");
            }
        }
    }
}
