//! The `SDK-HMAC-SHA256` signer of Huawei Cloud, as a pure function.
//!
//! [`sign`] reproduces the official signer (`huaweicloudsdkcore` 3.1.219) byte for byte,
//! including its canonicalisation corner cases, and returns every intermediate string so a
//! failing signature can be diagnosed. [`sign_http_request`] applies it to an
//! `http::Request`; [`verify`] is the server's side, used by the emulator and by tests that
//! prove a transport changed nothing that was signed. None of them reads the clock: the
//! time is an argument.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use frs_request::sign::{sign, SignableRequest};
//! use frs_request::Secret;
//!
//! let headers = [("Content-Type".to_owned(), "application/json".to_owned())];
//! let req = SignableRequest {
//!     method: "DELETE",
//!     host: "face.cn-north-4.myhuaweicloud.com",
//!     path: "/v2/0a1b2c3d/face-sets/showFaceSet/faces",
//!     query: &[("id".to_owned(), "home".to_owned())],
//!     headers: &headers,
//!     body: b"",
//! };
//! let now = UNIX_EPOCH + Duration::from_secs(1_710_498_030);
//! let signed = sign(&req, "MY-AK", &Secret::new("my-sk"), now)?;
//! assert_eq!(signed.signed_headers, "content-type;host;x-sdk-date");
//! assert_eq!(signed.request_uri, "/v2/0a1b2c3d/face-sets/showFaceSet/faces?id=home");
//! assert!(signed.authorization().starts_with("SDK-HMAC-SHA256 Access=MY-AK, SignedHeaders="));
//! # Ok::<(), frs_request::sign::SignError>(())
//! ```

use std::fmt;
use std::fmt::Write as _;
use std::time::SystemTime;

use bytes::Bytes;
use hmac::{KeyInit, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use sha2::{Digest, Sha256};

use crate::sdk_date::{format_sdk_date, parse_sdk_date};
use crate::secret::Secret;

/// The algorithm name in `Authorization` and the first line of the string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Hex SHA-256 of the empty string: the payload hash of every body-less request.
pub const EMPTY_PAYLOAD_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// The payload hash used when the body is not signed (multipart and other non-JSON bodies).
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Everything but `A–Z a–z 0–9 - _ . ~` is percent-encoded (Python `quote(s, safe='~')`).
const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// A request as the signer sees it.
///
/// `path` is the raw path that will be sent (already percent-encoded by whoever built it);
/// `query` holds the *unencoded* pairs in any order; `headers` are in insertion order with
/// names spelled as given (the one case-sensitive rule of the official signer reads the key
/// `Content-Type` exactly, see [`sign`]).
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// HTTP method; any case (it is upper-cased).
    pub method: &'a str,
    /// The endpoint's `host[:port]`, verbatim (`:443` is kept if given).
    pub host: &'a str,
    /// The raw path, starting with `/`.
    pub path: &'a str,
    /// Unencoded query pairs.
    pub query: &'a [(String, String)],
    /// Headers to send, in order.
    pub headers: &'a [(String, String)],
    /// The exact body bytes (empty when there is none).
    pub body: &'a [u8],
}

/// The result of signing: what to send and every intermediate string.
///
/// `Debug` hides the signature and the `Authorization` value.
#[derive(Clone)]
pub struct SignedRequest {
    /// Line 1–6 of the signature input, joined by `\n`.
    pub canonical_request: String,
    /// `SDK-HMAC-SHA256\n<date>\n<hex sha256 of the canonical request>`.
    pub string_to_sign: String,
    /// Lower-case signed header names joined by `;`.
    pub signed_headers: String,
    /// The canonical URI (line 2 of the canonical request).
    pub canonical_uri: String,
    /// The canonical query string (line 3).
    pub canonical_query_string: String,
    /// The payload hash (last line).
    pub payload_hash: String,
    /// The request target to send: the raw path, then `?` and the canonical query string.
    pub request_uri: String,
    /// The headers to send, in order: the input with values trimmed, plus the added
    /// `X-Sdk-Content-Sha256`, `X-Sdk-Date`, `Host` and, last, `Authorization`.
    pub headers: Vec<(String, String)>,
    signature: String,
}

impl SignedRequest {
    /// The hex signature. Treat it like a credential: it authorises this request.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> &str {
        self.headers
            .iter()
            .rev()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .map_or("", |(_, v)| v.as_str())
    }
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), if is_sensitive(n) { "***" } else { v.as_str() }))
            .collect();
        f.debug_struct("SignedRequest")
            .field("canonical_request", &self.canonical_request)
            .field("string_to_sign", &self.string_to_sign)
            .field("signed_headers", &self.signed_headers)
            .field("request_uri", &self.request_uri)
            .field("headers", &headers)
            .field("signature", &"***")
            .finish_non_exhaustive()
    }
}

/// Why a request could not be signed or verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The path is empty or does not start with `/`.
    #[error("the path must start with '/'")]
    PathNotAbsolute,
    /// Two headers differ only in case; the official signer would sign both and no HTTP
    /// stack sends both, so the signature could never verify.
    #[error("header {name:?} is given more than once (names are case-insensitive)")]
    DuplicateHeader {
        /// The lower-cased name.
        name: String,
    },
    /// The `X-Sdk-Date` header is not `YYYYMMDDTHHMMSSZ`.
    #[error("X-Sdk-Date {value:?} is not of the form YYYYMMDDTHHMMSSZ")]
    InvalidDate {
        /// The rejected value (at most 32 characters).
        value: String,
    },
    /// The time given is before 1970 or after 9999.
    #[error("the time is outside 1970..=9999 and cannot be an X-Sdk-Date")]
    ClockBeforeEpoch,
    /// A header value is not UTF-8 text.
    #[error("the value of header {name:?} is not UTF-8")]
    HeaderNotUtf8 {
        /// The header name.
        name: String,
    },
    /// A header name or value cannot be sent over HTTP.
    #[error("header {name:?} cannot be sent: invalid name or value")]
    InvalidHeader {
        /// The header name.
        name: String,
    },
    /// The request target built by the signer is not a valid URI.
    #[error("the signed request target is not a valid URI")]
    InvalidUri,
}

/// `E`: percent-encodes everything but the RFC 3986 unreserved characters, in upper-case hex.
pub fn encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE_SET).to_string()
}

/// Percent-decodes `s` once, leaving a `%` that is not followed by two hex digits as it is
/// and reading invalid UTF-8 as U+FFFD (the official signer's behaviour).
pub fn decode_lossy(s: &str) -> String {
    String::from_utf8_lossy(&percent_decode_str(s).collect::<Vec<u8>>()).into_owned()
}

/// The canonical URI of a raw path: decode once, split on `/`, encode each piece, and end
/// with `/`.
///
/// # Errors
/// [`SignError::PathNotAbsolute`] for a path not starting with `/`.
pub fn canonical_uri(path: &str) -> Result<String, SignError> {
    if !path.starts_with('/') {
        return Err(SignError::PathNotAbsolute);
    }
    let decoded = decode_lossy(path);
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
pub fn canonical_query_string(pairs: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = pairs.iter().collect();
    sorted.sort_by(|a, b| (a.0.as_str(), a.1.as_str()).cmp(&(b.0.as_str(), b.1.as_str())));
    let mut out = String::new();
    for (i, (k, v)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.extend(utf8_percent_encode(k, ENCODE_SET));
        out.push('=');
        out.extend(utf8_percent_encode(v, ENCODE_SET));
    }
    out
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
fn strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

fn is_sensitive(name: &str) -> bool {
    ["authorization", "x-auth-token", "x-security-token"].iter().any(|s| name.eq_ignore_ascii_case(s))
}

/// The parts of the signature computation shared by signing and verifying.
struct Canonical {
    canonical_request: String,
    string_to_sign: String,
    canonical_uri: String,
    canonical_query_string: String,
    payload_hash: String,
}

/// Builds the canonical request and string to sign from already-chosen signed headers.
fn canonicalize(
    method: &str,
    path: &str,
    query: &[(String, String)],
    signed: &[(String, &str)],
    payload_hash: String,
    date: &str,
) -> Result<Canonical, SignError> {
    let canonical_uri = canonical_uri(path)?;
    let canonical_query_string = canonical_query_string(query);
    let mut creq = String::with_capacity(256);
    creq.push_str(&method.to_ascii_uppercase());
    creq.push('\n');
    creq.push_str(&canonical_uri);
    creq.push('\n');
    creq.push_str(&canonical_query_string);
    creq.push('\n');
    for (name, value) in signed {
        creq.push_str(name);
        creq.push(':');
        creq.push_str(value);
        creq.push('\n');
    }
    creq.push('\n');
    let names: Vec<&str> = signed.iter().map(|(n, _)| n.as_str()).collect();
    creq.push_str(&names.join(";"));
    creq.push('\n');
    creq.push_str(&payload_hash);
    let string_to_sign = format!("{ALGORITHM}\n{date}\n{}", sha256_hex(creq.as_bytes()));
    Ok(Canonical {
        canonical_request: creq,
        string_to_sign,
        canonical_uri,
        canonical_query_string,
        payload_hash,
    })
}

fn payload_hash(body: &[u8], headers: &[(String, String)]) -> String {
    if body.is_empty() {
        return EMPTY_PAYLOAD_SHA256.to_owned();
    }
    headers
        .iter()
        .rev()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-sdk-content-sha256"))
        .map_or_else(|| sha256_hex(body), |(_, v)| strip(v).to_owned())
}

/// Signs a request exactly as the official signer does.
///
/// In order: if the header keyed exactly `Content-Type` has a raw value not starting with
/// `application/json` or `application/bson`, `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is
/// added; `X-Sdk-Date` is added from `now` unless a header named `x-sdk-date` (any case)
/// exists; `Host` is added from [`SignableRequest::host`] unless a `host` header exists;
/// values are trimmed; every header whose name has no `_` is signed.
///
/// # Errors
/// [`SignError`] for a path not starting with `/`, case-duplicate header names, a malformed
/// `X-Sdk-Date`, or a time outside 1970–9999.
pub fn sign(
    req: &SignableRequest<'_>,
    access_key: &str,
    secret_key: &Secret,
    now: SystemTime,
) -> Result<SignedRequest, SignError> {
    let mut headers: Vec<(String, String)> = req.headers.to_vec();

    let content_type = headers.iter().find(|(n, _)| n == "Content-Type").map(|(_, v)| v.as_str());
    if content_type.is_some_and(|v| !v.starts_with("application/json") && !v.starts_with("application/bson"))
    {
        match headers.iter_mut().find(|(n, _)| n == "X-Sdk-Content-Sha256") {
            Some((_, v)) => UNSIGNED_PAYLOAD.clone_into(v),
            None => headers.push(("X-Sdk-Content-Sha256".into(), UNSIGNED_PAYLOAD.into())),
        }
    }
    let date = match headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("x-sdk-date")) {
        Some((_, v)) => {
            parse_sdk_date(v)?;
            v.clone()
        }
        None => {
            let d = format_sdk_date(now)?;
            headers.push(("X-Sdk-Date".into(), d.clone()));
            d
        }
    };
    if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host")) {
        headers.push(("Host".into(), req.host.to_owned()));
    }
    let mut lower: Vec<String> = headers.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
    {
        let mut seen = lower.clone();
        seen.sort_unstable();
        if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
            return Err(SignError::DuplicateHeader { name: w[0].clone() });
        }
    }
    for (_, v) in &mut headers {
        let trimmed = strip(v);
        if trimmed.len() != v.len() {
            *v = trimmed.to_owned();
        }
    }
    let mut signed: Vec<(String, &str)> = lower
        .drain(..)
        .zip(headers.iter())
        .filter(|(n, _)| !n.contains('_'))
        .map(|(n, (_, v))| (n, v.as_str()))
        .collect();
    signed.sort_by(|a, b| a.0.cmp(&b.0));

    let payload = payload_hash(req.body, &headers);
    let canon = canonicalize(req.method, req.path, req.query, &signed, payload, &date)?;
    let signed_headers = signed.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>().join(";");
    let signature = hmac_hex(secret_key.expose().as_bytes(), canon.string_to_sign.as_bytes());
    let authorization =
        format!("{ALGORITHM} Access={access_key}, SignedHeaders={signed_headers}, Signature={signature}");
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    headers.push(("Authorization".into(), authorization));

    let request_uri = if canon.canonical_query_string.is_empty() {
        req.path.to_owned()
    } else {
        format!("{}?{}", req.path, canon.canonical_query_string)
    };
    Ok(SignedRequest {
        canonical_request: canon.canonical_request,
        string_to_sign: canon.string_to_sign,
        signed_headers,
        canonical_uri: canon.canonical_uri,
        canonical_query_string: canon.canonical_query_string,
        payload_hash: canon.payload_hash,
        request_uri,
        headers,
        signature,
    })
}

/// Header names as the signer should see them for a request held in an `http::HeaderMap`.
///
/// `HeaderMap` lower-cases every name, but the official signer's JSON check reads the key
/// `Content-Type` exactly; spelling it that way keeps the (case-insensitive) HTTP meaning
/// and the official result. Every other rule is case-insensitive.
fn signer_name(name: &HeaderName) -> String {
    if name == http::header::CONTENT_TYPE { "Content-Type".to_owned() } else { name.as_str().to_owned() }
}

fn header_pairs(map: &HeaderMap) -> Result<Vec<(String, String)>, SignError> {
    map.iter()
        .map(|(n, v)| {
            let value = std::str::from_utf8(v.as_bytes())
                .map_err(|_| SignError::HeaderNotUtf8 { name: n.as_str().to_owned() })?;
            Ok((signer_name(n), value.to_owned()))
        })
        .collect()
}

/// Signs an `http::Request` in place: adds `X-Sdk-Date`, `Host`, `Authorization` (marked
/// sensitive) and, for non-JSON bodies, `X-Sdk-Content-Sha256`; trims header values; and
/// sets the request target to `path?canonical-query`, so the bytes sent are the bytes
/// signed. The host is the URI's authority unless a `Host` header is already set.
///
/// # Errors
/// [`SignError`] as for [`sign`], or when the URI has no authority and no `Host` header.
pub fn sign_http_request(
    req: &mut http::Request<Bytes>,
    access_key: &str,
    secret_key: &Secret,
    now: SystemTime,
) -> Result<SignedRequest, SignError> {
    let host = req.uri().authority().map(|a| a.as_str().to_owned()).unwrap_or_default();
    if host.is_empty() && !req.headers().contains_key(http::header::HOST) {
        return Err(SignError::InvalidUri);
    }
    let headers = header_pairs(req.headers())?;
    let query = req.uri().query().map(parse_query).unwrap_or_default();
    let signed = sign(
        &SignableRequest {
            method: req.method().as_str(),
            host: &host,
            path: req.uri().path(),
            query: &query,
            headers: &headers,
            body: req.body(),
        },
        access_key,
        secret_key,
        now,
    )?;

    let mut map = HeaderMap::with_capacity(signed.headers.len());
    for (name, value) in &signed.headers {
        let invalid = || SignError::InvalidHeader { name: name.clone() };
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let mut header_value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| invalid())?;
        header_value.set_sensitive(is_sensitive(name));
        map.append(header_name, header_value);
    }
    *req.headers_mut() = map;

    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = Some(signed.request_uri.parse().map_err(|_| SignError::InvalidUri)?);
    *req.uri_mut() = http::Uri::from_parts(parts).map_err(|_| SignError::InvalidUri)?;
    Ok(signed)
}

/// What [`verify`] found in a correctly signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The access key that signed it.
    pub access_key: String,
    /// The time in its `X-Sdk-Date`.
    pub date: SystemTime,
    /// The lower-case names it signed.
    pub signed_headers: Vec<String>,
}

/// Why [`verify`] rejected a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// No `Authorization` header, or not of the form
    /// `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`.
    #[error("missing or malformed Authorization header")]
    MalformedAuthorization,
    /// The access key is not known.
    #[error("unknown access key")]
    UnknownAccessKey,
    /// A header listed in `SignedHeaders` is absent from the request.
    #[error("signed header {0:?} is missing")]
    MissingSignedHeader(String),
    /// `X-Sdk-Date` is missing or malformed.
    #[error("missing or malformed X-Sdk-Date")]
    BadDate,
    /// `X-Sdk-Date` is further than the allowed skew from the server's time.
    #[error("X-Sdk-Date is outside the allowed clock skew")]
    Expired,
    /// The signature does not match the request.
    #[error("signature mismatch")]
    SignatureMismatch,
    /// The request could not be canonicalised.
    #[error(transparent)]
    Sign(#[from] SignError),
}

/// Checks the signature of a received request, as the API gateway does.
///
/// `secret_for` maps an access key to its secret key; `now` is the server's time and
/// `max_skew` the allowed difference to `X-Sdk-Date` (15 minutes at Huawei). Only the
/// headers listed in `SignedHeaders` are used, so headers added after signing by an HTTP
/// stack (`Accept`, `Content-Length`, …) do not matter.
///
/// # Errors
/// A [`VerifyError`] saying what is wrong; it never contains the secret or the signature.
pub fn verify(
    parts: &http::request::Parts,
    body: &[u8],
    secret_for: impl Fn(&str) -> Option<Secret>,
    now: SystemTime,
    max_skew: std::time::Duration,
) -> Result<Verified, VerifyError> {
    let auth = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(VerifyError::MalformedAuthorization)?;
    let rest = auth
        .strip_prefix(ALGORITHM)
        .and_then(|r| r.strip_prefix(' '))
        .ok_or(VerifyError::MalformedAuthorization)?;
    let mut access = None;
    let mut list = None;
    let mut signature = None;
    for item in rest.split(',') {
        let item = item.trim();
        if let Some(v) = item.strip_prefix("Access=") {
            access = Some(v);
        } else if let Some(v) = item.strip_prefix("SignedHeaders=") {
            list = Some(v);
        } else if let Some(v) = item.strip_prefix("Signature=") {
            signature = Some(v);
        }
    }
    let (Some(access), Some(list), Some(signature)) = (access, list, signature) else {
        return Err(VerifyError::MalformedAuthorization);
    };
    let secret = secret_for(access).ok_or(VerifyError::UnknownAccessKey)?;

    let date_text =
        parts.headers.get("x-sdk-date").and_then(|v| v.to_str().ok()).ok_or(VerifyError::BadDate)?;
    let date = parse_sdk_date(date_text).map_err(|_| VerifyError::BadDate)?;
    let skew = now.duration_since(date).unwrap_or_else(|e| e.duration());
    if skew > max_skew {
        return Err(VerifyError::Expired);
    }

    let names: Vec<String> = list.split(';').map(str::to_owned).collect();
    let mut values = Vec::with_capacity(names.len());
    for name in &names {
        let value =
            parts.headers.get(name.as_str()).ok_or_else(|| VerifyError::MissingSignedHeader(name.clone()))?;
        let value = std::str::from_utf8(value.as_bytes())
            .map_err(|_| SignError::HeaderNotUtf8 { name: name.clone() })?;
        values.push(strip(value));
    }
    let signed: Vec<(String, &str)> = names.iter().cloned().zip(values).collect();
    let headers = header_pairs(&parts.headers)?;
    let query = parts.uri.query().map(parse_query).unwrap_or_default();
    let canon = canonicalize(
        parts.method.as_str(),
        parts.uri.path(),
        &query,
        &signed,
        payload_hash(body, &headers),
        date_text,
    )?;
    let expected = hmac_hex(secret.expose().as_bytes(), canon.string_to_sign.as_bytes());
    // Compare without an early exit, so timing says nothing about the expected signature.
    let same = expected.len() == signature.len()
        && expected.bytes().zip(signature.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !same {
        return Err(VerifyError::SignatureMismatch);
    }
    Ok(Verified { access_key: access.to_owned(), date, signed_headers: names })
}
