//! The two IAM endpoints FRS clients use, for the configured users: a token from a password,
//! and the project of the region.

use std::sync::PoisonError;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode};
use bytes::Bytes;
use serde_json::{Value, json};

use crate::Shared;
use crate::http_util::json_response;

/// Tokens live 24 hours, as IAM's.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// `2024-03-15T10:20:30.123000Z`, as IAM (and the ECS metadata service) write times.
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let d = frs_request::sdk_date::format_sdk_date(t).unwrap_or_default();
    if d.len() != 16 {
        return d;
    }
    let millis = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_millis());
    format!(
        "{}-{}-{}T{}:{}:{}.{millis:03}000Z",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11],
        &d[11..13],
        &d[13..15]
    )
}

fn iam_error(status: StatusCode, message: &str, rid: &str) -> Response<Body> {
    json_response(
        status,
        &json!({ "error": { "code": status.as_u16(), "message": message, "title": status.canonical_reason() } }),
        rid,
    )
}

/// `POST /v3/auth/tokens` with password credentials.
pub(crate) fn issue_token(shared: &Shared, body: &Bytes, rid: &str) -> Response<Body> {
    let Ok(request) = serde_json::from_slice::<Value>(body) else {
        return iam_error(StatusCode::BAD_REQUEST, "The request body is not valid JSON.", rid);
    };
    let identity = &request["auth"]["identity"];
    let user = &identity["password"]["user"];
    let (Some(name), Some(password), Some(domain)) =
        (user["name"].as_str(), user["password"].as_str(), user["domain"]["name"].as_str())
    else {
        return iam_error(
            StatusCode::BAD_REQUEST,
            "The request is missing auth.identity.password.user.",
            rid,
        );
    };
    let known =
        shared.config.users.iter().any(|u| u.name == name && u.password == password && u.domain == domain);
    if !known {
        return iam_error(StatusCode::UNAUTHORIZED, "The username or password is wrong.", rid);
    }
    let now = SystemTime::now();
    let expires_at = now + TOKEN_LIFETIME;
    let token = {
        let mut tokens = shared.issued_tokens.lock().unwrap_or_else(PoisonError::into_inner);
        let token = format!(
            "emulator-issued-{}-{}",
            tokens.len() + 1,
            crate::http_util::request_id(tokens.len() as u64 + 7)
        );
        tokens.push((token.clone(), expires_at));
        token
    };
    let answer = json!({ "token": {
        "expires_at": rfc3339(expires_at),
        "issued_at": rfc3339(now),
        "methods": ["password"],
        "project": { "id": shared.config.project_id, "name": shared.config.region },
        "user": { "name": name, "domain": { "name": domain } },
    } });
    let mut resp = json_response(StatusCode::CREATED, &answer, rid);
    if let Ok(v) = HeaderValue::from_str(&token) {
        resp.headers_mut().insert("x-subject-token", v);
    }
    resp
}

/// `GET /v3/projects?name=<region>`: the emulator's one project, named after its region.
pub(crate) fn list_projects(shared: &Shared, query: &[(String, String)], rid: &str) -> Response<Body> {
    let wanted = query.iter().find(|(k, _)| k == "name").map(|(_, v)| v.as_str());
    let projects: Vec<Value> = if wanted.is_none_or(|n| n == shared.config.region) {
        vec![json!({
            "id": shared.config.project_id,
            "name": shared.config.region,
            "domain_id": "emulator-domain",
            "enabled": true,
        })]
    } else {
        Vec::new()
    };
    json_response(StatusCode::OK, &json!({ "projects": projects }), rid)
}
