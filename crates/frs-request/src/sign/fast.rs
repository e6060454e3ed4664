//! The signer on the hot path: the same signature as [`sign_http_request`], computed
//! straight from the request's `HeaderMap` and URI — the canonical request and string to
//! sign are streamed into SHA-256 and HMAC instead of being kept as strings, and only the
//! added headers are inserted instead of the map being rebuilt.
//!
//! It takes the requests the core builds (canonical path and query, no header that needs
//! trimming, no name with `_`, none of the headers the signer adds). Anything else is handed
//! to [`sign_http_request`], so the result is the official signer's in every case; a
//! property test compares the two on random requests.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::{BufMut as _, Bytes, BytesMut};
use hmac::Mac as _;
use http::{HeaderName, HeaderValue, header};
use sha2::{Digest as _, Sha256};

use super::{ALGORITHM, EMPTY_PAYLOAD_SHA256, SignError, UNSIGNED_PAYLOAD, sign_http_request};
use crate::canonical::UNRESERVED_BYTES;
use crate::sdk_date::sdk_date_bytes;
use crate::secret::Secret;

const X_SDK_DATE: HeaderName = HeaderName::from_static("x-sdk-date");
const X_SDK_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-sdk-content-sha256");

/// The `Authorization` value's separators, between the algorithm, the access key, the
/// signed header names and the signature.
const ACCESS: &[u8] = b" Access=";
const SIGNED_HEADERS: &[u8] = b", SignedHeaders=";
const SIGNATURE: &[u8] = b", Signature=";

/// Signs `req` in place, as [`sign_http_request`] does, without returning the intermediate
/// strings.
///
/// # Errors
/// As [`sign_http_request`].
pub fn sign_in_place(
    req: &mut http::Request<Bytes>,
    access_key: &str,
    secret_key: &Secret,
    now: SystemTime,
) -> Result<(), SignError> {
    match plan(req) {
        Some(plan) => apply(req, &plan, access_key, secret_key, now),
        None => sign_http_request(req, access_key, secret_key, now).map(drop),
    }
}

/// What the fast path needs to know, found by one pass over the request.
struct Plan {
    /// Whether `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is added (a non-JSON body).
    unsigned: bool,
    /// Whether a `Host` header is there already (then it is signed, not added).
    has_host: bool,
}

/// The fast path's conditions, or `None` for the general signer.
fn plan(req: &http::Request<Bytes>) -> Option<Plan> {
    let uri = req.uri();
    uri.authority()?;
    if !is_plain_path(uri.path()) || !uri.query().is_none_or(is_canonical_query) {
        return None;
    }
    let headers = req.headers();
    // One value per name (the general signer refuses repeated names), none the signer adds
    // (a `Host` header is signed as it is, as the general signer does), at most
    // `MAX_HEADERS`, every value ASCII and already trimmed — all in one pass, comparing
    // names rather than hashing them again.
    if headers.keys_len() != headers.len() || headers.len() + 3 > MAX_HEADERS {
        return None;
    }
    let mut plan = Plan { unsigned: false, has_host: false };
    for (name, value) in headers {
        let name = name.as_str();
        // `_` found without a search call: names are short.
        if name.bytes().fold(false, |found, b| found | (b == b'_'))
            || matches!(name, "authorization" | "x-sdk-date" | "x-sdk-content-sha256")
            || !is_trimmed_ascii(value.as_bytes())
        {
            return None;
        }
        if name == "host" {
            plan.has_host = true;
        } else if name == "content-type" {
            let v = value.as_bytes();
            plan.unsigned = !v.starts_with(b"application/json") && !v.starts_with(b"application/bson");
        }
    }
    Some(plan)
}

/// The most headers the fast path signs (on the stack); more go to the general signer.
const MAX_HEADERS: usize = 16;

/// Unreserved characters and `/` only: the canonical URI is the path itself (plus `/`).
fn is_plain_path(path: &str) -> bool {
    // Without an early exit: a table lookup per byte and no branch, the scan being on the
    // hot path of every request.
    path.starts_with('/') && path.bytes().fold(true, |ok, b| ok & PATH_BYTES[usize::from(b)])
}

/// The bytes of a plain path: unreserved characters and `/`.
const PATH_BYTES: [bool; 256] = with_bytes(b"/");

/// The bytes of a canonical query: unreserved characters, `=` and `&`.
const QUERY_BYTES: [bool; 256] = with_bytes(b"=&");

/// The unreserved characters and `extra`.
const fn with_bytes(extra: &[u8]) -> [bool; 256] {
    let mut table = UNRESERVED_BYTES;
    let mut i = 0;
    while i < extra.len() {
        table[extra[i] as usize] = true;
        i += 1;
    }
    table
}

/// A query already in canonical form: `k=v` pairs of unreserved characters, sorted.
fn is_canonical_query(query: &str) -> bool {
    // The characters in one pass without an early exit, then the pieces as bytes (the
    // order of UTF-8 bytes is that of code points, and these are ASCII anyway).
    if !query.bytes().fold(true, |ok, b| ok & QUERY_BYTES[usize::from(b)]) {
        return false;
    }
    let mut previous: Option<(&[u8], &[u8])> = None;
    for piece in query.as_bytes().split(|&b| b == b'&') {
        let Some(eq) = piece.iter().position(|&b| b == b'=') else { return false };
        let (k, v) = (&piece[..eq], &piece[eq + 1..]);
        if k.is_empty() || v.contains(&b'=') || previous.is_some_and(|p| p > (k, v)) {
            return false;
        }
        previous = Some((k, v));
    }
    true
}

/// Visible ASCII (and inner spaces) with nothing the signer would trim at either end.
fn is_trimmed_ascii(v: &[u8]) -> bool {
    // Without an early exit, so that it vectorises: every value of every request is scanned.
    v.iter().fold(true, |ok, &b| ok & (b.wrapping_sub(0x20) < 0x5f))
        && v.first().is_none_or(|&b| b != b' ')
        && v.last().is_none_or(|&b| b != b' ')
}

fn apply(
    req: &mut http::Request<Bytes>,
    plan: &Plan,
    access_key: &str,
    secret_key: &Secret,
    now: SystemTime,
) -> Result<(), SignError> {
    let (date, date_value) = sdk_date_value(now)?;
    let host = if plan.has_host {
        None
    } else {
        match req.uri().authority() {
            Some(authority) => {
                Some(HeaderValue::from_str(authority.as_str()).map_err(|_| SignError::InvalidUri)?)
            }
            None => return Err(SignError::InvalidUri),
        }
    };
    let headers = req.headers_mut();
    // In the order the general signer appends them.
    if plan.unsigned {
        headers.append(X_SDK_CONTENT_SHA256, HeaderValue::from_static(UNSIGNED_PAYLOAD));
    }
    headers.append(X_SDK_DATE, date_value);
    if let Some(host) = host {
        headers.append(header::HOST, host);
    }

    // The signed headers, sorted by name (already lower case in a HeaderMap), on the stack.
    let mut signed: [(&str, &[u8]); MAX_HEADERS] = [("", &[]); MAX_HEADERS];
    let mut count = 0;
    for (name, value) in req.headers() {
        if count == MAX_HEADERS {
            return Err(SignError::InvalidHeader { name: name.as_str().to_owned() });
        }
        signed[count] = (name.as_str(), value.as_bytes());
        count += 1;
    }
    let signed = &mut signed[..count];
    signed.sort_unstable_by(|a, b| a.0.cmp(b.0));

    // The Authorization value, written once; its SignedHeaders part is also line 5 of the
    // canonical request.
    // The exact length, so that freezing the buffer keeps it as it is (a buffer with room
    // to spare becomes a shared one: one more allocation).
    let names_len: usize = signed.iter().map(|(n, _)| n.len() + 1).sum::<usize>().saturating_sub(1);
    let mut authorization = BytesMut::with_capacity(
        ALGORITHM.len()
            + ACCESS.len()
            + access_key.len()
            + SIGNED_HEADERS.len()
            + names_len
            + SIGNATURE.len()
            + 64,
    );
    for piece in [ALGORITHM.as_bytes(), ACCESS, access_key.as_bytes(), SIGNED_HEADERS] {
        authorization.put_slice(piece);
    }
    let names_start = authorization.len();
    for (i, (name, _)) in signed.iter().enumerate() {
        if i > 0 {
            authorization.put_u8(b';');
        }
        authorization.put_slice(name.as_bytes());
    }
    let signed_headers = &authorization[names_start..];

    // The canonical request, streamed into SHA-256 (never kept as a string).
    let mut creq = BufferedSha256::new();
    let method = req.method().as_str();
    if method.bytes().all(|b| b.is_ascii_uppercase()) {
        creq.update(method.as_bytes());
    } else {
        creq.update(method.to_ascii_uppercase().as_bytes());
    }
    creq.update(b"\n");
    let path = req.uri().path();
    creq.update(path.as_bytes());
    if !path.ends_with('/') {
        creq.update(b"/");
    }
    creq.update(b"\n");
    creq.update(req.uri().query().unwrap_or("").as_bytes());
    creq.update(b"\n");
    for (name, value) in signed.iter() {
        creq.update(name.as_bytes());
        creq.update(b":");
        creq.update(value);
        creq.update(b"\n");
    }
    creq.update(b"\n");
    creq.update(signed_headers);
    creq.update(b"\n");
    let body = req.body();
    // As the official signer: an empty body hashes as empty even when unsigned.
    if body.is_empty() {
        creq.update(EMPTY_PAYLOAD_SHA256.as_bytes());
    } else if plan.unsigned {
        creq.update(UNSIGNED_PAYLOAD.as_bytes());
    } else {
        creq.update(hex(&Sha256::digest(body)));
    }

    // The string to sign: `SDK-HMAC-SHA256\n<date>\n<hex hash of the canonical request>`.
    let mut to_sign = [0u8; ALGORITHM.len() + 1 + 16 + 1 + 64];
    let (algorithm, rest) = to_sign.split_at_mut(ALGORITHM.len());
    algorithm.copy_from_slice(ALGORITHM.as_bytes());
    rest[0] = b'\n';
    rest[1..17].copy_from_slice(&date);
    rest[17] = b'\n';
    rest[18..].copy_from_slice(&hex(&creq.finalize()));
    let mut mac = secret_key.hmac();
    mac.update(&to_sign);
    let signature = hex(&mac.finalize().into_bytes());
    authorization.put_slice(SIGNATURE);
    authorization.put_slice(&signature);
    let mut value = HeaderValue::from_maybe_shared(authorization.freeze())
        .map_err(|_| SignError::InvalidHeader { name: "Authorization".to_owned() })?;
    value.set_sensitive(true);
    req.headers_mut().append(header::AUTHORIZATION, value);
    Ok(())
}

/// The `X-Sdk-Date` of `now`, its bytes and its header value, made once per second on each
/// thread: it changes only every second, and formatting, checking and allocating it was a
/// tenth of a signature's own work. The cache is keyed by the time passed in, so the result
/// is the same as formatting it each time.
fn sdk_date_value(now: SystemTime) -> Result<([u8; 16], HeaderValue), SignError> {
    thread_local! {
        static LAST: RefCell<Option<(u64, [u8; 16], HeaderValue)>> = const { RefCell::new(None) };
    }
    let secs = now.duration_since(UNIX_EPOCH).map_err(|_| SignError::ClockBeforeEpoch)?.as_secs();
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((at, date, value)) = last.as_ref()
            && *at == secs
        {
            return Ok((*date, value.clone()));
        }
        let date = sdk_date_bytes(now)?;
        let value = HeaderValue::from_bytes(&date).map_err(|_| SignError::InvalidUri)?;
        *last = Some((secs, date, value.clone()));
        Ok((date, value))
    })
}

/// SHA-256 fed through a buffer on the stack: the canonical request arrives in some thirty
/// pieces of a few bytes, and one `update` per piece cost more than copying them.
struct BufferedSha256 {
    sha: Sha256,
    buf: [u8; 512],
    len: usize,
}

impl BufferedSha256 {
    fn new() -> Self {
        Self { sha: Sha256::new(), buf: [0; 512], len: 0 }
    }

    /// Inlined: most pieces are a few bytes, often constants, and a call per piece cost
    /// more than the copy.
    #[inline]
    fn update(&mut self, bytes: impl AsRef<[u8]>) {
        let bytes = bytes.as_ref();
        match self.buf.get_mut(self.len..self.len + bytes.len()) {
            Some(room) => {
                room.copy_from_slice(bytes);
                self.len += bytes.len();
            }
            None => self.spill(bytes),
        }
    }

    /// The buffer is full: hash it, then keep `bytes` (or hash them too when larger).
    #[cold]
    #[inline(never)]
    fn spill(&mut self, bytes: &[u8]) {
        self.sha.update(&self.buf[..self.len]);
        self.len = 0;
        if bytes.len() > self.buf.len() {
            self.sha.update(bytes);
        } else {
            self.buf[..bytes.len()].copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }

    fn finalize(mut self) -> [u8; 32] {
        self.sha.update(&self.buf[..self.len]);
        self.sha.finalize().into()
    }
}

/// Lower-case hex of a 32-byte digest, on the stack, two digits per table lookup.
fn hex(bytes: &[u8]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(b)]);
    }
    out
}

/// The two lower-case hex digits of every byte.
const HEX_PAIRS: [[u8; 2]; 256] = {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut table = [[0u8; 2]; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = [DIGITS[b >> 4], DIGITS[b & 0xf]];
        b += 1;
    }
    table
};

/// The signature a received request should carry, computed as [`sign_in_place`] computes
/// one — streamed, no intermediate strings — or `None` when the request is not of the shape
/// the fast path takes (then the general canonicalisation decides, with its errors).
///
/// `names` is the `SignedHeaders` list as sent, in its order; `date` the `X-Sdk-Date` value.
/// `None` also for anything the general path would refuse or treat differently: a listed
/// header that is missing, a value to trim or not ASCII, any header value that is not UTF-8.
pub(crate) fn received_signature(
    parts: &http::request::Parts,
    names: &str,
    date: &str,
    body: &[u8],
    secret_key: &Secret,
) -> Option<[u8; 64]> {
    let uri = &parts.uri;
    if !is_plain_path(uri.path()) || !uri.query().is_none_or(is_canonical_query) {
        return None;
    }
    // The general path reads every header as UTF-8 and refuses the request otherwise.
    if !parts.headers.values().all(|v| std::str::from_utf8(v.as_bytes()).is_ok()) {
        return None;
    }
    let mut creq = BufferedSha256::new();
    let method = parts.method.as_str();
    if method.bytes().all(|b| b.is_ascii_uppercase()) {
        creq.update(method.as_bytes());
    } else {
        creq.update(method.to_ascii_uppercase().as_bytes());
    }
    creq.update(b"\n");
    let path = uri.path();
    creq.update(path.as_bytes());
    if !path.ends_with('/') {
        creq.update(b"/");
    }
    creq.update(b"\n");
    creq.update(uri.query().unwrap_or("").as_bytes());
    creq.update(b"\n");
    for name in names.split(';') {
        let value = parts.headers.get(name)?.as_bytes();
        if !is_trimmed_ascii(value) {
            return None;
        }
        creq.update(name.as_bytes());
        creq.update(b":");
        creq.update(value);
        creq.update(b"\n");
    }
    creq.update(b"\n");
    creq.update(names.as_bytes());
    creq.update(b"\n");
    if body.is_empty() {
        creq.update(EMPTY_PAYLOAD_SHA256.as_bytes());
    } else {
        match parts.headers.get_all(X_SDK_CONTENT_SHA256).iter().next_back() {
            Some(sent) if is_trimmed_ascii(sent.as_bytes()) => creq.update(sent.as_bytes()),
            Some(_) => return None,
            None => creq.update(hex(&Sha256::digest(body))),
        }
    }
    let mut mac = secret_key.hmac();
    for piece in [ALGORITHM.as_bytes(), b"\n", date.as_bytes(), b"\n", &hex(&creq.finalize())] {
        mac.update(piece);
    }
    Some(hex(&mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use sha2::{Digest as _, Sha256};

    use std::time::{Duration, UNIX_EPOCH};

    use bytes::Bytes;

    use super::{BufferedSha256, Secret, is_canonical_query, sign_http_request, sign_in_place};
    use crate::sdk_date::format_sdk_date;

    #[test]
    fn canonical_queries_are_sorted_pairs_of_unreserved_characters() {
        for query in ["a=1", "a=1&b=2", "a=&b=", "a=0&a=1", "external_image_id=img-1.jpg~x", "a_b=c"] {
            assert!(is_canonical_query(query), "{query}");
        }
        for query in [
            "", "a", "=1", "a=1=2", "a=%20", "a=1&", "&a=1", "b=1&a=2", "a=1&a=0", "a=1&&b=2", "a b=1", "é=1",
        ] {
            assert!(!is_canonical_query(query), "{query}");
        }
    }

    /// The per-thread date cache gives each time its own date: the same second twice (a
    /// hit), the next second, then the first again — each signature as the general signer's.
    #[test]
    fn the_date_cache_follows_the_time_passed_in() {
        let secret = Secret::new("sk");
        let request = || {
            http::Request::delete("https://face.example.com/v2/p/face-sets/s/faces?face_id=f")
                .header("content-type", "application/json")
                .body(Bytes::new())
                .unwrap()
        };
        for secs in [1_710_498_030, 1_710_498_030, 1_710_498_031, 1_710_498_030, 0] {
            let now = UNIX_EPOCH + Duration::from_secs(secs);
            let (mut fast, mut general) = (request(), request());
            sign_in_place(&mut fast, "ak", &secret, now).unwrap();
            sign_http_request(&mut general, "ak", &secret, now).unwrap();
            assert_eq!(fast.headers(), general.headers(), "{secs}");
            assert_eq!(fast.headers()["x-sdk-date"], format_sdk_date(now).unwrap().as_str());
        }
    }

    proptest! {
        /// Pieces of any sizes, small and larger than the buffer, hash as their concatenation.
        #[test]
        fn buffered_sha256_is_sha256_of_the_pieces(
            pieces in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..700), 0..12),
        ) {
            let mut buffered = BufferedSha256::new();
            for piece in &pieces {
                buffered.update(piece);
            }
            let whole: [u8; 32] = Sha256::digest(pieces.concat()).into();
            prop_assert_eq!(buffered.finalize(), whole);
        }
    }
}
