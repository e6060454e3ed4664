//! Reading answers: typed success ([`Reply`]) or typed error, whatever arrives.

use std::convert::Infallible;
use std::ops::Deref;
use std::time::Duration;

use bytes::Bytes;
use frs_types::ErrorCode;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{DecodeError, Error, ServiceError, header_text};

/// A successful answer, with the request id the service gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    /// The decoded body.
    pub value: T,
    /// The HTTP status (a 2xx, except for [`Outcome::GoneCountUnknown`], where it is the
    /// status of the retry's "nothing matched" answer).
    pub status: StatusCode,
    /// The `X-Request-Id` header, if the service sent one.
    pub request_id: Option<String>,
    /// How the call came to its value: almost always [`Outcome::Answered`].
    pub outcome: Outcome,
}

/// How a successful call came to its value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Outcome {
    /// The service answered the request with this value.
    #[default]
    Answered,
    /// A delete whose answer was lost (a timeout, a dropped connection, a 5xx), and whose
    /// retry then answered that nothing matched (`code`: `FRS.0402`, `FRS.0403`,
    /// `FRS.0407`): the faces are gone — the lost attempt deleted them — but how many is
    /// unknown, so the value carries no count (`face_number` is `None`).
    GoneCountUnknown {
        /// The retry's "nothing matched" code.
        code: ErrorCode,
    },
    /// An add whose answer was lost, found landed by the check that precedes a resend
    /// ([`RetryPolicy::resend_adds_after_check`](crate::RetryPolicy::resend_adds_after_check)):
    /// the value lists the faces the set holds under the add's `external_image_id`, as the
    /// check's search returned them, and the add was not sent again.
    FoundAfterLostAnswer,
}

impl<T> Reply<T> {
    /// The decoded body, without the metadata.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Reply<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Reads a 2xx JSON body into `T`, for operations with a custom
/// [`Operation::parse`](crate::Operation::parse).
///
/// # Errors
/// A [`DecodeError`] naming the status and showing the start of the body.
pub fn decode_json<T: DeserializeOwned>(
    status: StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
) -> Result<T, DecodeError> {
    let invalid =
        |e: serde_json::Error| DecodeError::new(status, format!("invalid JSON: {e}"), body, headers);
    match std::str::from_utf8(body) {
        // UTF-8 checked once for the whole body (fast for ASCII), instead of string by string
        // as `from_slice` does: a fifth of a small answer's parse.
        Ok(text) => serde_json::from_str(text).map_err(invalid),
        // For the same error, at the same position, as before.
        Err(_) => serde_json::from_slice(body).map_err(invalid),
    }
}

/// Parses an answer whose success body is JSON.
///
/// # Errors
/// [`Error::Service`] for any non-2xx answer that carries an error code,
/// [`Error::Decode`] for anything else that is not a valid success body.
pub fn parse_json<T: DeserializeOwned>(
    response: http::Response<Bytes>,
) -> Result<Reply<T>, Error<Infallible>> {
    let (parts, body) = response.into_parts();
    if !parts.status.is_success() {
        return Err(error_from_parts(parts.status, &parts.headers, body));
    }
    let value = decode_json(parts.status, &parts.headers, &body).map_err(|e| Error::Decode(Box::new(e)))?;
    Ok(Reply {
        value,
        status: parts.status,
        request_id: header_text(&parts.headers, "x-request-id"),
        outcome: Outcome::Answered,
    })
}

/// Turns a non-2xx answer into [`Error::Service`] or, when the body carries no error code
/// (an HTML page from a proxy, a truncated body), [`Error::Decode`].
///
/// The code is looked for as the official SDKs do: `error_code`/`error_msg`, then
/// `errorCode`/`errorMsg`, then `code`/`message`, then the same pairs one level down (IAM
/// writes `{"error": {"code": 401, "message": …}}`).
pub fn error_from_parts(status: StatusCode, headers: &http::HeaderMap, body: Bytes) -> Error<Infallible> {
    let json: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            let reason = if body.is_empty() {
                "empty error body".to_owned()
            } else if e.is_eof() {
                "truncated JSON error body".to_owned()
            } else {
                "error body is not JSON".to_owned()
            };
            return Error::Decode(Box::new(DecodeError::new(status, reason, &body, headers)));
        }
    };
    let Some((code, message)) = find_code(&json) else {
        return Error::Decode(Box::new(DecodeError::new(
            status,
            "error body has no error code",
            &body,
            headers,
        )));
    };
    let request_id = header_text(headers, "x-request-id")
        .or_else(|| json.get("request_id").and_then(Value::as_str).map(str::to_owned));
    let retry_after = header_text(headers, "retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    Error::Service(Box::new(ServiceError {
        status,
        code: ErrorCode::parse(&code),
        raw_code: code,
        message,
        request_id,
        retry_after,
        body,
    }))
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn find_code(json: &Value) -> Option<(String, String)> {
    const PAIRS: [(&str, &str); 3] =
        [("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message")];
    let obj = json.as_object()?;
    let direct = |obj: &serde_json::Map<String, Value>| {
        PAIRS.iter().find_map(|(c, m)| {
            let code = obj.get(*c).and_then(text)?;
            let message = obj.get(*m).and_then(text).unwrap_or_default();
            Some((code, message))
        })
    };
    direct(obj).or_else(|| obj.values().filter_map(Value::as_object).find_map(direct))
}

#[cfg(test)]
mod tests {
    use super::*;
    use frs_types::models::faces::DeleteFacesResponse;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Bytes> {
        let mut b = http::Response::builder().status(status);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(Bytes::from(body.to_owned())).unwrap()
    }

    #[test]
    fn seed_success_and_error() {
        let ok: Reply<DeleteFacesResponse> = parse_json(response(
            200,
            &[("X-Request-Id", "req-1")],
            r#"{ "face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "showFaceSet" }"#,
        ))
        .unwrap();
        assert_eq!(ok.face_number, Some(1));
        assert_eq!(ok.face_set_id.as_deref(), Some("T785tx1N"));
        assert_eq!(ok.request_id.as_deref(), Some("req-1"));

        let err = parse_json::<DeleteFacesResponse>(response(
            400,
            &[("X-Request-Id", "req-2")],
            r#"{ "error_code": "FRS.0402", "error_msg": "External id is not exist, can not delete face" }"#,
        ))
        .unwrap_err();
        let service = err.service().unwrap();
        assert_eq!(service.code, ErrorCode::FieldNotFound);
        assert_eq!(service.status, StatusCode::BAD_REQUEST);
        assert_eq!(service.request_id.as_deref(), Some("req-2"));
        assert_eq!(
            err.to_string(),
            "FRS.0402 (HTTP 400): External id is not exist, can not delete face [request id req-2]"
        );
    }

    #[test]
    fn gateway_and_nested_codes() {
        let err = parse_json::<Value>(response(
            429,
            &[("Retry-After", "3")],
            r#"{"error_msg":"The throttling threshold has been reached","error_code":"APIGW.0308","request_id":"c506"}"#,
        ))
        .unwrap_err();
        let s = err.service().unwrap();
        assert_eq!(
            (s.code.clone(), s.request_id.as_deref(), s.retry_after),
            (ErrorCode::GatewayThrottled, Some("c506"), Some(Duration::from_secs(3)))
        );
        assert!(err.into_transport::<Infallible>().service().is_some());

        let err = parse_json::<Value>(response(
            401,
            &[],
            r#"{"error":{"code":401,"message":"The request you have made requires authentication."}}"#,
        ))
        .unwrap_err();
        assert_eq!(err.code(), Some(&ErrorCode::Unknown("401".into())));
    }

    #[test]
    fn html_and_truncated_bodies_are_decode_errors() {
        let html = format!(
            "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
            "x".repeat(1000)
        );
        let err = parse_json::<Value>(response(502, &[("Content-Type", "text/html")], &html)).unwrap_err();
        let Error::Decode(d) = &err else { panic!("{err:?}") };
        assert_eq!(d.status, StatusCode::BAD_GATEWAY);
        assert!(d.snippet.starts_with("<html><head><title>502 Bad Gateway"));
        assert!(d.snippet.chars().count() <= DecodeError::SNIPPET_LEN + 1);
        assert!(err.to_string().contains("HTTP 502") && err.to_string().contains("text/html"), "{err}");

        let err = parse_json::<Value>(response(400, &[], r#"{"error_code": "FRS.04"#)).unwrap_err();
        let Error::Decode(d) = &err else { panic!("{err:?}") };
        assert_eq!(d.reason, "truncated JSON error body");

        let err =
            parse_json::<DeleteFacesResponse>(response(200, &[], r#"{"face_number": 1, "#)).unwrap_err();
        assert!(matches!(err, Error::Decode(_)), "{err:?}");
    }

    /// The body is checked as UTF-8 once, then read as text; a body that is not UTF-8 gets
    /// serde_json's own error, at its position, and non-ASCII text still parses.
    #[test]
    fn success_bodies_are_utf8_checked_once_with_the_same_errors() {
        let headers = http::HeaderMap::new();
        let bad = b"{\"face_set_name\": \"ab\xff\"}";
        let err = decode_json::<DeleteFacesResponse>(StatusCode::OK, &headers, bad).unwrap_err();
        let expected = serde_json::from_slice::<DeleteFacesResponse>(bad).unwrap_err();
        assert_eq!(err.reason, format!("invalid JSON: {expected}"));
        assert!(err.reason.contains("column"), "{}", err.reason);

        let text = "{\"face_number\": 2, \"face_set_name\": \"visages-é\\u00e9\"}";
        let parsed: DeleteFacesResponse = decode_json(StatusCode::OK, &headers, text.as_bytes()).unwrap();
        assert_eq!((parsed.face_number, parsed.face_set_name.as_deref()), (Some(2), Some("visages-éé")));

        let err = decode_json::<DeleteFacesResponse>(StatusCode::OK, &headers, b"{\"face_number\": \"x\"}")
            .unwrap_err();
        assert!(err.reason.starts_with("invalid JSON: invalid type: string"), "{}", err.reason);
    }
}
