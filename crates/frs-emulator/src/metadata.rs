//! The ECS metadata service, as far as credentials go: a session token for
//! `PUT /meta-data/latest/api/token`, and temporary keys for
//! `GET /openstack/latest/securitykey` with that token — keys the gateway then accepts
//! until their `expires_at`.
//!
//! Like the real service it asks for no credentials; unlike it, it answers on the
//! emulator's own address, so a client points its metadata base URL there.

use std::sync::PoisonError;
use std::time::{Duration, SystemTime};

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Response, StatusCode};
use serde_json::json;

use crate::http_util::json_response;
use crate::{AccessKeyPair, Shared};

/// The longest session token the service hands out, and the official SDK's request.
pub(crate) const MAX_TOKEN_TTL: u64 = 21_600;

/// A temporary pair handed out, with its expiry.
pub(crate) struct IssuedPair {
    pub(crate) pair: AccessKeyPair,
    pub(crate) expires_at: SystemTime,
}

fn text(status: StatusCode, body: &str) -> Response<Body> {
    let mut resp = Response::new(Body::from(body.to_owned()));
    *resp.status_mut() = status;
    resp.headers_mut().insert("content-type", HeaderValue::from_static("text/plain"));
    resp
}

/// `PUT /meta-data/latest/api/token` with `X-Metadata-Token-Ttl-Seconds: 1..=21600`.
pub(crate) fn issue_token(shared: &Shared, parts: &Parts, rid: &str) -> Response<Body> {
    let ttl = parts
        .headers
        .get("x-metadata-token-ttl-seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|ttl| (1..=MAX_TOKEN_TTL).contains(ttl));
    let Some(ttl) = ttl else {
        return text(
            StatusCode::BAD_REQUEST,
            "X-Metadata-Token-Ttl-Seconds must be a number of seconds from 1 to 21600",
        );
    };
    let mut sessions = shared.metadata_sessions.lock().unwrap_or_else(PoisonError::into_inner);
    let token = format!("emulator-metadata-{}-{rid}", sessions.len() + 1);
    sessions.push((token.clone(), SystemTime::now() + Duration::from_secs(ttl)));
    text(StatusCode::OK, &token)
}

/// `GET /openstack/latest/securitykey` with a valid `X-Metadata-Token`: a pair valid for
/// the configured lifetime — the configured one, or a fresh one per fetch.
pub(crate) fn security_key(shared: &Shared, parts: &Parts, rid: &str) -> Response<Body> {
    let now = SystemTime::now();
    let sent = parts.headers.get("x-metadata-token").and_then(|v| v.to_str().ok());
    let valid = sent.is_some_and(|token| {
        let sessions = shared.metadata_sessions.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.iter().any(|(t, until)| t == token && *until > now)
    });
    if !valid {
        return text(StatusCode::UNAUTHORIZED, "Unauthorized: a valid X-Metadata-Token is required");
    }
    let settings = &shared.config.metadata;
    let expires_at = now + settings.lifetime;
    let mut issued = shared.metadata_keys.lock().unwrap_or_else(PoisonError::into_inner);
    let n = issued.len() as u64 + 1;
    let pair = match &settings.credentials {
        Some(fixed) => AccessKeyPair {
            security_token: Some(
                fixed.security_token.clone().unwrap_or_else(|| format!("emulator-sts-fixed-{rid}")),
            ),
            ..fixed.clone()
        },
        None => AccessKeyPair {
            access_key: format!("EMUTEMPAK{n:011}"),
            secret_key: format!("emulator-temp-sk-{n}-{}", crate::http_util::request_id(n + 1000)),
            security_token: Some(format!("emulator-sts-{n}-{rid}")),
        },
    };
    let answer = json!({ "credential": {
        "access": pair.access_key,
        "secret": pair.secret_key,
        "securitytoken": pair.security_token,
        "expires_at": crate::iam::rfc3339(expires_at),
    } });
    issued.push(IssuedPair { pair, expires_at });
    json_response(StatusCode::OK, &answer, rid)
}

/// The newest pair handed out with access key `ak`, if any.
pub(crate) fn issued_pair(shared: &Shared, ak: &str) -> Option<(AccessKeyPair, SystemTime)> {
    let issued = shared.metadata_keys.lock().unwrap_or_else(PoisonError::into_inner);
    issued.iter().rev().find(|i| i.pair.access_key == ak).map(|i| (i.pair.clone(), i.expires_at))
}
