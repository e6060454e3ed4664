//! Checking the `SDK-HMAC-SHA256` signature of a received request, as the API gateway does.

use std::time::SystemTime;

use crate::canonical::{parse_query, strip};
use crate::sdk_date::parse_sdk_date;
use crate::secret::Secret;
use crate::sign::{
    ALGORITHM, SignError, canonicalize, header_pairs, hmac_hex, payload_hash, received_signature,
};

/// A constant, so that the name is not parsed for every request verified.
const X_SDK_DATE: http::HeaderName = http::HeaderName::from_static("x-sdk-date");

/// What [`verify`] found in a correctly signed request, borrowed from the request's
/// `Authorization` header (nothing is copied: every request to a server passes here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified<'a> {
    /// The access key that signed it.
    pub access_key: &'a str,
    /// The time in its `X-Sdk-Date`.
    pub date: SystemTime,
    /// Its `SignedHeaders` as sent: the lower-case names it signed, separated by `;`.
    pub signed_headers: &'a str,
}

impl<'a> Verified<'a> {
    /// The lower-case names it signed, in the order sent.
    pub fn signed_header_names(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.signed_headers.split(';')
    }

    /// Whether the header `name` (lower case) was signed.
    pub fn signs(&self, name: &str) -> bool {
        self.signed_header_names().any(|signed| signed == name)
    }
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
/// `secret_for` maps an access key to its secret key (a [`Secret`] or a reference to one:
/// a server that keeps its secrets gets each key's HMAC state prepared once, not per
/// request); `now` is the server's time and
/// `max_skew` the allowed difference to `X-Sdk-Date` (15 minutes at Huawei). Only the
/// headers listed in `SignedHeaders` are used, so headers added after signing by an HTTP
/// stack (`Accept`, `Content-Length`, …) do not matter.
///
/// # Errors
/// A [`VerifyError`] saying what is wrong; it never contains the secret or the signature.
pub fn verify<'a, S: std::borrow::Borrow<Secret>>(
    parts: &'a http::request::Parts,
    body: &[u8],
    secret_for: impl Fn(&str) -> Option<S>,
    now: SystemTime,
    max_skew: std::time::Duration,
) -> Result<Verified<'a>, VerifyError> {
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
    // Split as bytes (`str::split`'s searcher cost more than the rest of this parse) and
    // trimmed of ASCII space and tab, the only white space a `to_str` value can hold.
    for item in rest.as_bytes().split(|&b| b == b',') {
        let item = item.trim_ascii();
        if let Some(v) = item.strip_prefix(b"Access=") {
            access = Some(v);
        } else if let Some(v) = item.strip_prefix(b"SignedHeaders=") {
            list = Some(v);
        } else if let Some(v) = item.strip_prefix(b"Signature=") {
            signature = Some(v);
        }
    }
    let (Some(access), Some(list), Some(signature)) = (access, list, signature) else {
        return Err(VerifyError::MalformedAuthorization);
    };
    // Pieces of a `str` cut at ASCII bytes: still UTF-8 (ASCII, indeed).
    let text = |piece: &'a [u8]| std::str::from_utf8(piece).map_err(|_| VerifyError::MalformedAuthorization);
    let (access, list) = (text(access)?, text(list)?);
    let secret = secret_for(access).ok_or(VerifyError::UnknownAccessKey)?;
    let secret = secret.borrow();

    let date_text =
        parts.headers.get(X_SDK_DATE).and_then(|v| v.to_str().ok()).ok_or(VerifyError::BadDate)?;
    let date = parse_sdk_date(date_text).map_err(|_| VerifyError::BadDate)?;
    let skew = now.duration_since(date).unwrap_or_else(|e| e.duration());
    if skew > max_skew {
        return Err(VerifyError::Expired);
    }

    let (fast, general);
    let expected: &[u8] = match received_signature(parts, list, date_text, body, secret) {
        Some(signature) => {
            fast = signature;
            &fast
        }
        None => {
            general = general_signature(parts, list, date_text, body, secret)?;
            general.as_bytes()
        }
    };
    // Compared without an early exit, so timing says nothing about the expected signature.
    let same = expected.len() == signature.len()
        && expected.iter().zip(signature).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if !same {
        return Err(VerifyError::SignatureMismatch);
    }
    Ok(Verified { access_key: access, date, signed_headers: list })
}

/// The expected signature through the general canonicalisation (every intermediate string),
/// for the requests [`received_signature`] does not take.
fn general_signature(
    parts: &http::request::Parts,
    list: &str,
    date_text: &str,
    body: &[u8],
    secret: &Secret,
) -> Result<String, VerifyError> {
    let mut signed: Vec<(String, &str)> = Vec::new();
    for name in list.split(';') {
        let value =
            parts.headers.get(name).ok_or_else(|| VerifyError::MissingSignedHeader(name.to_owned()))?;
        let value = std::str::from_utf8(value.as_bytes())
            .map_err(|_| SignError::HeaderNotUtf8 { name: name.to_owned() })?;
        signed.push((name.to_owned(), strip(value)));
    }
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
    Ok(hmac_hex(secret.expose().as_bytes(), canon.string_to_sign.as_bytes()))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{ALGORITHM, Secret, general_signature, received_signature};

    fn parts(method: &str, target: &str, headers: &[(String, Vec<u8>)]) -> Option<http::request::Parts> {
        let mut builder = http::Request::builder().method(method).uri(target);
        for (name, value) in headers {
            builder = builder.header(name.as_str(), value.as_slice());
        }
        builder.body(()).ok().map(|r| r.into_parts().0)
    }

    fn header_value() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            6 => "[ -~]{0,16}".prop_map(String::into_bytes),
            1 => " [a-z]{1,4} ".prop_map(String::into_bytes),
            1 => prop::collection::vec(any::<u8>(), 0..6),
        ]
    }

    proptest! {
        /// Whenever the fast path takes a received request, it expects the signature the
        /// general canonicalisation expects: for any method, target, headers, signed-header
        /// list (listed names present or not, any order), body and `X-Sdk-Content-Sha256`.
        #[test]
        fn the_fast_path_expects_what_the_general_path_expects(
            method in prop_oneof![Just("GET"), Just("DELETE"), Just("POST"), Just("put")],
            path in prop_oneof![
                4 => "(/[A-Za-z0-9_.~-]{1,8}){1,4}/?",
                1 => "(/[a-z%2F ]{0,6}){1,3}",
            ],
            query in prop_oneof![
                2 => Just(String::new()),
                3 => prop::collection::vec(("[a-z_]{1,6}", "[A-Za-z0-9_-]{0,6}"), 1..4).prop_map(|mut pairs| {
                    pairs.sort();
                    let pieces: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    format!("?{}", pieces.join("&"))
                }),
                2 => "[a-z=&%0-9A-F]{0,12}".prop_map(|q| format!("?{q}")),
            ],
            headers in prop::collection::vec(
                (prop_oneof![Just("content-type".to_owned()), Just("host".to_owned()),
                    Just("x-sdk-content-sha256".to_owned()), "x-[a-z_]{1,6}"], header_value()),
                0..6,
            ),
            listed in prop_oneof![
                1 => Just(vec!["x-sdk-date"]),
                1 => Just(vec!["content-type", "x-sdk-date"]),
                3 => prop::collection::vec(
                    prop_oneof![Just("content-type"), Just("host"), Just("x-sdk-date"), Just("x-a"), Just("x-sdk-content-sha256")],
                    1..5,
                ),
            ],
            body in prop::collection::vec(any::<u8>(), 0..40),
        ) {
            let mut headers = headers;
            headers.push(("x-sdk-date".to_owned(), b"20261202T094704Z".to_vec()));
            let Some(parts) = parts(method, &format!("{path}{query}"), &headers) else {
                return Ok(());
            };
            let list = listed.join(";");
            let secret = Secret::new("a-secret-key");
            if let Some(fast) = received_signature(&parts, &list, "20261202T094704Z", &body, &secret) {
                let general = general_signature(&parts, &list, "20261202T094704Z", &body, &secret).ok();
                prop_assert_eq!(general.as_ref().map(String::as_bytes), Some(&fast[..]));
            }
        }
    }

    /// The requests the core builds take the fast path, and it finds their signature.
    #[test]
    fn a_request_signed_by_the_core_takes_the_fast_path() {
        let secret = Secret::new("a-secret-key");
        let mut req = http::Request::builder()
            .method("DELETE")
            .uri("https://face.example.com/v2/p/face-sets/s/faces?external_image_id=a-b")
            .header("content-type", "application/json")
            .header("x-project-id", "p")
            .body(bytes::Bytes::new())
            .unwrap();
        let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_795_000_000);
        crate::sign::sign_in_place(&mut req, "AK", &secret, now).unwrap();
        let auth = req.headers()["authorization"].to_str().unwrap().to_owned();
        let date = req.headers()["x-sdk-date"].to_str().unwrap().to_owned();
        let (parts, body) = req.into_parts();
        let list = auth.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap();
        let fast = received_signature(&parts, list, &date, &body, &secret).expect("the fast path");
        assert!(auth.ends_with(std::str::from_utf8(&fast).unwrap()));
        let verified =
            super::verify(&parts, &body, |_| Some(secret.clone()), now, std::time::Duration::from_secs(900));
        let verified = verified.unwrap();
        assert_eq!(verified.access_key, "AK");
        assert_eq!(verified.signed_headers, "content-type;host;x-project-id;x-sdk-date");
        assert_eq!(
            verified.signed_header_names().collect::<Vec<_>>(),
            ["content-type", "host", "x-project-id", "x-sdk-date"]
        );
        assert!(verified.signs("host") && !verified.signs("x-security-token") && !verified.signs("hos"));

        // The items in any order, with spaces and tabs around them, verify the same; without
        // one of the three, the header is malformed.
        let (_, items) = auth.split_once(' ').unwrap();
        let items: Vec<&str> = items.split(", ").collect();
        let reordered = format!("{ALGORITHM} \t{} ,{},\t{}  ", items[2], items[0], items[1]);
        let mut moved = parts.clone();
        moved.headers.insert("authorization", reordered.parse().unwrap());
        let again =
            super::verify(&moved, &body, |_| Some(secret.clone()), now, std::time::Duration::from_secs(900));
        assert_eq!(
            again.map(|v| (v.access_key, v.signed_headers)),
            Ok((verified.access_key, verified.signed_headers))
        );
        moved
            .headers
            .insert("authorization", format!("{ALGORITHM} {}, {}", items[0], items[1]).parse().unwrap());
        let missing =
            super::verify(&moved, &body, |_| Some(secret.clone()), now, std::time::Duration::from_secs(900));
        assert_eq!(missing, Err(super::VerifyError::MalformedAuthorization));
    }
}
