//! Credentials checked as Huawei's API gateway checks them.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use axum::http::request::Parts;
use axum::http::{HeaderName, header};
use frs_request::Secret;
use frs_request::server::{VerifyError, verify};
use frs_types::ErrorCode;

use crate::Shared;

/// Why a request was refused, as the gateway words it.
pub(crate) struct Refusal {
    pub(crate) code: ErrorCode,
    pub(crate) status: u16,
    pub(crate) message: String,
    /// For a signature mismatch: the canonical request and the string to sign the
    /// emulator computed, to compare with the client's (`frs sign`) line by line.
    pub(crate) computed: Option<(String, String)>,
}

fn refuse(detail: &str) -> Refusal {
    Refusal {
        code: ErrorCode::GatewayIamAuthFailed,
        status: 401,
        message: format!("Incorrect IAM authentication information: {detail}"),
        computed: None,
    }
}

pub(crate) fn now_with_offset(offset: i64) -> SystemTime {
    let now = SystemTime::now();
    let shift = Duration::from_secs(offset.unsigned_abs());
    if offset >= 0 { now + shift } else { now - shift }
}

/// The canonical request and string to sign of a received request, as the verifier builds
/// them: the request as it arrived (method, raw path, query, the headers its
/// `SignedHeaders` lists, the body or `UNSIGNED-PAYLOAD`) run through the SDK's own signer.
/// They hold no secret; the signature itself is not kept.
fn computed_signature_input(parts: &Parts, body: &[u8]) -> Option<(String, String)> {
    let auth = parts.headers.get("authorization")?.to_str().ok()?;
    let list = auth.split(',').find_map(|item| item.trim().strip_prefix("SignedHeaders="))?;
    let mut headers = Vec::new();
    for name in list.split(';') {
        let value = parts.headers.get(name)?.to_str().ok()?;
        headers.push((name.to_owned(), value.to_owned()));
    }
    let query = parts.uri.query().map(frs_request::server::parse_query).unwrap_or_default();
    let request = frs_request::sign::SignableRequest {
        method: parts.method.as_str(),
        host: parts.headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or(""),
        path: parts.uri.path(),
        query: &query,
        headers: &headers,
        body,
    };
    // The string to sign does not depend on the key; any key will do.
    let signed =
        frs_request::sign::sign(&request, "-", &Secret::new(String::new()), SystemTime::now()).ok()?;
    Some((signed.canonical_request, signed.string_to_sign))
}

/// Looked up on every request: as a constant, the name is not parsed and lower-cased each time.
const X_AUTH_TOKEN: HeaderName = HeaderName::from_static("x-auth-token");

/// Checks the request's token or signature.
pub(crate) fn check(shared: &Shared, parts: &Parts, body: &[u8]) -> Result<(), Refusal> {
    let config = &shared.config;
    if config.no_auth {
        return Ok(());
    }
    if let Some(token) = parts.headers.get(X_AUTH_TOKEN) {
        let Ok(token) = token.to_str() else { return Err(refuse("the token is invalid or expired")) };
        if config.tokens.iter().any(|known| known == token) {
            return Ok(());
        }
        let now = SystemTime::now();
        let issued = shared.issued_tokens.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        return match issued.iter().find(|(t, _)| t == token) {
            Some((_, expires_at)) if *expires_at > now => Ok(()),
            Some(_) => Err(Refusal {
                code: ErrorCode::GatewayTokenMustBeUpdated,
                status: 401,
                message: "The token must be updated.".into(),
                computed: None,
            }),
            None => Err(refuse("the token is invalid or expired")),
        };
    }
    if !parts.headers.contains_key(header::AUTHORIZATION) {
        return Err(refuse("no X-Auth-Token and no Authorization header"));
    }
    // A configured pair, else one the ECS metadata service handed out.
    let temporary = |ak: &str| crate::metadata::issued_pair(shared, ak);
    let verified = verify(
        parts,
        body,
        |ak| match config.access_keys.iter().position(|p| p.access_key == ak) {
            Some(i) => shared.secrets.get(i).map(Cow::Borrowed),
            None => temporary(ak).map(|(p, _)| Cow::Owned(Secret::new(p.secret_key))),
        },
        now_with_offset(config.clock_offset_secs),
        config.max_clock_skew,
    )
    .map_err(|e| match e {
        VerifyError::Expired => refuse("the signature expired (X-Sdk-Date is more than 15 minutes away)"),
        VerifyError::UnknownAccessKey => refuse("the access key does not exist"),
        VerifyError::SignatureMismatch => Refusal {
            computed: computed_signature_input(parts, body),
            ..refuse("verify aksk signature fail")
        },
        other => refuse(&other.to_string()),
    })?;
    let pair = match config.access_keys.iter().find(|p| p.access_key == verified.access_key) {
        Some(pair) => Some(Cow::Borrowed(pair)),
        None => match temporary(verified.access_key) {
            Some((_, expires_at)) if expires_at <= SystemTime::now() => {
                return Err(refuse("the temporary credentials have expired"));
            }
            Some((pair, _)) => Some(Cow::Owned(pair)),
            None => None,
        },
    };
    if let Some(expected) = pair.as_ref().and_then(|p| p.security_token.as_deref()) {
        let sent = parts.headers.get("x-security-token").and_then(|v| v.to_str().ok());
        if sent != Some(expected) {
            return Err(refuse("the security token is missing or invalid"));
        }
        if !verified.signs("x-security-token") {
            return Err(refuse("the security token must be signed"));
        }
    }
    Ok(())
}
