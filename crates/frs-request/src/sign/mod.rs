//! The `SDK-HMAC-SHA256` signer of Huawei Cloud, as a pure function.
//!
//! [`sign`] reproduces the official signer (`huaweicloudsdkcore` 3.1.219) byte for byte,
//! including its canonicalisation corner cases, and returns every intermediate string so a
//! failing signature can be diagnosed. [`sign_http_request`] applies it to an
//! `http::Request`. Neither reads the clock: the time is an argument. The server's side,
//! [`verify`](crate::server::verify), is in [`server`](crate::server). [`input`] describes a
//! request to sign as plain data (the signing debugger's input, in the shape of Huawei's
//! signing vectors).
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

mod fast;
pub mod input;

pub(crate) use fast::received_signature;
pub use fast::sign_in_place;

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use hmac::{KeyInit, Mac};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

use crate::canonical::{canonical_query_string, canonical_uri, parse_query, strip};
use crate::sdk_date::{format_sdk_date, parse_sdk_date};
use crate::secret::Secret;
pub use crate::sign_error::SignError;

/// The algorithm name in `Authorization` and the first line of the string to sign.
pub(crate) const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Hex SHA-256 of the empty string: the payload hash of every body-less request.
const EMPTY_PAYLOAD_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// The payload hash used when the body is not signed (multipart and other non-JSON bodies).
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

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

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// Lower-case hex by table: `write!("{b:02x}")` per byte was a large share of a signature.
fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    push_hex(&mut s, bytes);
    s
}

fn push_hex(s: &mut String, bytes: &[u8]) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
}

pub(crate) fn hmac_hex(key: &[u8], message: &[u8]) -> String {
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
pub(crate) struct Canonical {
    canonical_request: String,
    pub(crate) string_to_sign: String,
    canonical_uri: String,
    canonical_query_string: String,
    payload_hash: String,
}

/// Builds the canonical request and string to sign from already-chosen signed headers.
pub(crate) fn canonicalize(
    method: &str,
    path: &str,
    query: &[(String, String)],
    signed: &[(String, &str)],
    payload_hash: String,
    date: &str,
) -> Result<Canonical, SignError> {
    let canonical_uri = canonical_uri(path)?;
    let canonical_query_string = canonical_query_string(query);
    let headers_len: usize = signed.iter().map(|(n, v)| n.len() + v.len() + 3).sum();
    let mut creq = String::with_capacity(
        method.len()
            + canonical_uri.len()
            + canonical_query_string.len()
            + headers_len
            + payload_hash.len()
            + 8,
    );
    creq.extend(method.chars().map(|c| c.to_ascii_uppercase()));
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
    push_signed_headers(&mut creq, signed);
    creq.push('\n');
    creq.push_str(&payload_hash);
    let mut string_to_sign = String::with_capacity(ALGORITHM.len() + date.len() + 66);
    string_to_sign.push_str(ALGORITHM);
    string_to_sign.push('\n');
    string_to_sign.push_str(date);
    string_to_sign.push('\n');
    push_hex(&mut string_to_sign, &Sha256::digest(creq.as_bytes()));
    Ok(Canonical {
        canonical_request: creq,
        string_to_sign,
        canonical_uri,
        canonical_query_string,
        payload_hash,
    })
}

/// The signed header names, lower-case, joined by `;`.
fn push_signed_headers(out: &mut String, signed: &[(String, &str)]) {
    for (i, (name, _)) in signed.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        out.push_str(name);
    }
}

pub(crate) fn payload_hash(body: &[u8], headers: &[(String, String)]) -> String {
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
        // Sorted references: the smallest duplicate is reported, as before.
        let mut seen: Vec<&str> = lower.iter().map(String::as_str).collect();
        seen.sort_unstable();
        if let Some(w) = seen.windows(2).find(|w| w[0] == w[1]) {
            return Err(SignError::DuplicateHeader { name: w[0].to_owned() });
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
    let mut signed_headers = String::with_capacity(signed.iter().map(|(n, _)| n.len() + 1).sum());
    push_signed_headers(&mut signed_headers, &signed);
    let mut mac = secret_key.hmac();
    mac.update(canon.string_to_sign.as_bytes());
    let signature = hex(&mac.finalize().into_bytes());
    let mut authorization = String::with_capacity(
        ALGORITHM.len() + access_key.len() + signed_headers.len() + signature.len() + 40,
    );
    for piece in
        [ALGORITHM, " Access=", access_key, ", SignedHeaders=", &signed_headers, ", Signature=", &signature]
    {
        authorization.push_str(piece);
    }
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case("authorization"));
    headers.push(("Authorization".into(), authorization));

    let mut request_uri = String::with_capacity(req.path.len() + 1 + canon.canonical_query_string.len());
    request_uri.push_str(req.path);
    if !canon.canonical_query_string.is_empty() {
        request_uri.push('?');
        request_uri.push_str(&canon.canonical_query_string);
    }
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

pub(crate) fn header_pairs(map: &HeaderMap) -> Result<Vec<(String, String)>, SignError> {
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

    // The core's own URIs already carry the canonical query: no new URI to parse then.
    if req.uri().path_and_query().map(http::uri::PathAndQuery::as_str) != Some(signed.request_uri.as_str()) {
        let mut parts = req.uri().clone().into_parts();
        parts.path_and_query = Some(signed.request_uri.parse().map_err(|_| SignError::InvalidUri)?);
        *req.uri_mut() = http::Uri::from_parts(parts).map_err(|_| SignError::InvalidUri)?;
    }
    Ok(signed)
}
