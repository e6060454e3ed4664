//! Checking the `SDK-HMAC-SHA256` signature of a received request, as the API gateway does.

use std::time::SystemTime;

use crate::canonical::{parse_query, strip};
use crate::sdk_date::parse_sdk_date;
use crate::secret::Secret;
use crate::sign::{ALGORITHM, SignError, canonicalize, header_pairs, hmac_hex, payload_hash};

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
