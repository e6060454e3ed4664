//! The canonical forms of the `SDK-HMAC-SHA256` protocol: percent-encoding, the canonical
//! URI and query string, and the decoding a server applies to what it receives.
//!
//! Shared by the URI builder ([`Config`](crate::Config)), the signer
//! ([`sign`](crate::sign)) and the verifier ([`server`](crate::server)), so that a path is
//! encoded exactly once and canonicalised the same way on both sides.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::sign_error::SignError;

/// Everything but `A–Z a–z 0–9 - _ . ~` is percent-encoded (Python `quote(s, safe='~')`).
const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// The bytes `ENCODE_SET` leaves as they are: the unreserved characters.
pub(crate) const UNRESERVED_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        #[allow(clippy::cast_possible_truncation)] // b < 256
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~');
        b += 1;
    }
    table
};

/// Whether percent-encoding `s` would leave it as it is.
pub(crate) fn is_unreserved(s: &str) -> bool {
    // A table lookup per byte without an early exit: names and ids are short, and this runs
    // for every path segment and query pair of every request.
    s.bytes().fold(true, |ok, b| ok & UNRESERVED_BYTES[usize::from(b)])
}

/// Percent-decodes `s` once, leaving a `%` that is not followed by two hex digits as it is
/// and reading invalid UTF-8 as U+FFFD (the official signer's behaviour).
pub fn decode_lossy(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// The canonical URI of a raw path: decode once, split on `/`, encode each piece, and end
/// with `/`.
///
/// # Errors
/// [`SignError::PathNotAbsolute`] for a path not starting with `/`.
pub(crate) fn canonical_uri(path: &str) -> Result<String, SignError> {
    if !path.starts_with('/') {
        return Err(SignError::PathNotAbsolute);
    }
    // Borrowed when there is nothing to decode, which is the usual case.
    let decoded = percent_decode_str(path).decode_utf8_lossy();
    let mut out = String::with_capacity(decoded.len() + 1);
    for (i, piece) in decoded.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.extend(utf8_percent_encode(piece, ENCODE_SET));
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    Ok(out)
}

/// The canonical query string: pairs sorted by raw key, then raw value (code-point order,
/// stable), each written `E(key)=E(value)`, joined by `&`.
pub(crate) fn canonical_query_string(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    push_canonical_query_string(&mut out, pairs);
    out
}

/// Appends the canonical query string of `pairs` to `out`.
pub(crate) fn push_canonical_query_string<K: AsRef<str>, V: AsRef<str>>(out: &mut String, pairs: &[(K, V)]) {
    fn key<K: AsRef<str>, V: AsRef<str>>((k, v): &(K, V)) -> (&str, &str) {
        (k.as_ref(), v.as_ref())
    }
    let push = |out: &mut String, i: usize, (k, v): (&str, &str)| {
        if i > 0 {
            out.push('&');
        }
        push_encoded(out, k);
        out.push('=');
        push_encoded(out, v);
    };
    // Most requests have one or two parameters, often already in order: no sorted copy then.
    if pairs.windows(2).all(|w| key(&w[0]) <= key(&w[1])) {
        for (i, pair) in pairs.iter().enumerate() {
            push(out, i, key(pair));
        }
        return;
    }
    let mut sorted: Vec<(&str, &str)> = pairs.iter().map(key).collect();
    sorted.sort_unstable();
    for (i, pair) in sorted.into_iter().enumerate() {
        push(out, i, pair);
    }
}

/// Appends `s` to `out` percent-encoded (`E`: everything but the RFC 3986 unreserved
/// characters, in upper-case hex), with no string in between.
pub(crate) fn push_encoded(out: &mut String, s: &str) {
    // Most segments and values need no encoding: one copy instead of the encoder's chunks.
    if is_unreserved(s) {
        out.push_str(s);
    } else {
        out.extend(utf8_percent_encode(s, ENCODE_SET));
    }
}

/// Splits a raw query (`a=1&b=x%20y`) into decoded pairs; a piece without `=` has an empty
/// value, and empty pieces are skipped.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (decode_lossy(k), decode_lossy(v))
        })
        .collect()
}

/// Trims like Python's `str.strip()`: Unicode white space plus U+001C–U+001F.
pub(crate) fn strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

#[cfg(test)]
mod tests {
    use percent_encoding::utf8_percent_encode;
    use proptest::prelude::*;

    use super::{ENCODE_SET, push_encoded};

    proptest! {
        /// The shortcut for strings with nothing to encode gives the encoder's output, for
        /// any string (ASCII, reserved characters, `%`, any Unicode).
        #[test]
        fn push_encoded_is_the_percent_encoding(s in any::<String>(), prefix in "[a-z/]{0,4}") {
            let mut out = prefix.clone();
            push_encoded(&mut out, &s);
            prop_assert_eq!(out, format!("{prefix}{}", utf8_percent_encode(&s, ENCODE_SET)));
        }

        #[test]
        fn push_encoded_is_the_percent_encoding_of_mostly_unreserved_text(s in "[A-Za-z0-9._~ %/-]{0,24}") {
            let mut out = String::new();
            push_encoded(&mut out, &s);
            prop_assert_eq!(out, utf8_percent_encode(&s, ENCODE_SET).to_string());
        }
    }
}
