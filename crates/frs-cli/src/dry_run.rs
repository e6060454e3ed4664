//! `--dry-run`: the exact request an operation would send, as text, with every secret
//! masked and image bytes shown as their length and a short SHA-256.
//!
//! ```text
//! POST http://127.0.0.1:8080/v2/0a1b.../face-sets/staff/faces
//! content-type: multipart/form-data; boundary=...
//! ...
//! authorization: SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;..., Signature=***
//!
//! multipart body, 2 parts, 1234 bytes:
//!   image_file: file "alice.png" (image/png), 1180 bytes, sha256 3a7bd3e2360a
//!   external_image_id: alice-1
//! ```

use std::fmt::Write as _;

use bytes::Bytes;
use frs_request::server::multipart;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Headers whose values are credentials.
const SECRET_HEADERS: [&str; 2] = ["x-auth-token", "x-security-token"];

/// Text parts longer than this are shown as length and hash (they may be base64 data).
const LONG_TEXT: usize = 200;

/// The request as text: request line, headers, a blank line, the body.
pub(crate) fn render(request: &http::Request<Bytes>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    for (name, value) in request.headers() {
        let text = String::from_utf8_lossy(value.as_bytes());
        let shown = if name == http::header::AUTHORIZATION {
            mask_authorization(&text)
        } else if SECRET_HEADERS.contains(&name.as_str()) || value.is_sensitive() {
            "***".to_owned()
        } else {
            text.into_owned()
        };
        let _ = writeln!(out, "{name}: {shown}");
    }
    out.push('\n');
    let content_type =
        request.headers().get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    out.push_str(&body(content_type, request.body()));
    out
}

/// `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=***`: the signature authorises the
/// request, so it is hidden; the access key and the signed headers help debugging. Anything
/// else is hidden whole.
fn mask_authorization(value: &str) -> String {
    match value.find("Signature=") {
        Some(at) if value.starts_with("SDK-HMAC-SHA256 ") => format!("{}Signature=***", &value[..at]),
        _ => "***".to_owned(),
    }
}

/// Length and the first 12 hex digits of the SHA-256 of `data`.
pub(crate) fn digest(data: &[u8]) -> String {
    let hash = Sha256::digest(data);
    let hex: String = hash.iter().take(6).map(|b| format!("{b:02x}")).collect();
    format!("{} bytes, sha256 {hex}", data.len())
}

fn body(content_type: &str, body: &[u8]) -> String {
    if body.is_empty() {
        return "no body\n".to_owned();
    }
    if content_type.to_ascii_lowercase().starts_with("multipart/") {
        return match multipart::parse(content_type, body) {
            Ok(parts) => {
                let mut out = format!("multipart body, {} parts, {} bytes:\n", parts.len(), body.len());
                for part in &parts {
                    let _ = writeln!(out, "  {}", describe_part(part));
                }
                out
            }
            Err(e) => format!("multipart body ({e}), {}\n", digest(body)),
        };
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(mut json) => {
            hide_base64(&mut json);
            let text = serde_json::to_string_pretty(&json).unwrap_or_default();
            format!("JSON body, {} bytes:\n{text}\n", body.len())
        }
        Err(_) => format!("body, {}\n", digest(body)),
    }
}

fn describe_part(part: &multipart::Part) -> String {
    if let Some(file_name) = &part.file_name {
        let content_type = part.content_type.as_deref().unwrap_or("no content type");
        return format!("{}: file {file_name:?} ({content_type}), {}", part.name, digest(&part.data));
    }
    match part.text() {
        Some(text) if text.len() <= LONG_TEXT => format!("{}: {text}", part.name),
        _ => format!("{}: {}", part.name, digest(&part.data)),
    }
}

/// Replaces the value of every `…_base64` field (images, videos) by its length and hash.
fn hide_base64(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                match value {
                    Value::String(text) if key.ends_with("_base64") => {
                        *value = Value::String(format!("<base64 data: {}>", digest(text.as_bytes())));
                    }
                    other => hide_base64(other),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(hide_base64),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(headers: &[(&str, &str)], content_type: &str, body: &[u8]) -> http::Request<Bytes> {
        let mut builder = http::Request::builder()
            .method("POST")
            .uri("http://127.0.0.1:9/v2/p/face-detect")
            .header("content-type", content_type);
        for (n, v) in headers {
            builder = builder.header(*n, *v);
        }
        builder.body(Bytes::copy_from_slice(body)).unwrap()
    }

    #[test]
    fn secrets_are_masked() {
        let text = render(&request(
            &[
                (
                    "authorization",
                    "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=abcdef0123",
                ),
                ("x-auth-token", "token-value"),
                ("x-security-token", "sts-value"),
            ],
            "application/json",
            b"{}",
        ));
        assert!(text.starts_with("POST http://127.0.0.1:9/v2/p/face-detect\n"), "{text}");
        assert!(text.contains(
            "authorization: SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=***"
        ));
        assert!(text.contains("x-auth-token: ***\n") && text.contains("x-security-token: ***\n"), "{text}");
        for secret in ["abcdef0123", "token-value", "sts-value"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert_eq!(mask_authorization("Basic abc"), "***");
    }

    #[test]
    fn base64_images_are_shown_as_length_and_hash() {
        let png = frs_emulator::testimage::TestImage::person("alice").png();
        let image = frs_types::ImageBase64::encode(&png).unwrap();
        let body = serde_json::json!({ "image_base64": image.as_str(), "attributes": "2" }).to_string();
        let text = render(&request(&[], "application/json", body.as_bytes()));
        assert!(!text.contains(image.as_str()), "{text}");
        assert!(text.contains(&format!("<base64 data: {}>", digest(image.as_str().as_bytes()))), "{text}");
        assert!(text.contains("\"attributes\": \"2\""), "{text}");
    }

    #[test]
    fn multipart_parts_one_by_one() {
        let png = frs_emulator::testimage::TestImage::person("alice").png();
        let form = frs_request::multipart::Multipart::new()
            .text("external_image_id", "alice-1")
            .unwrap()
            .file("image_file", "alice.png", png.clone(), Some("image/png"))
            .unwrap()
            .finish();
        let text = render(&request(&[], &form.content_type(), &form.to_bytes()));
        assert!(text.contains("multipart body, 2 parts"), "{text}");
        assert!(text.contains("  external_image_id: alice-1\n"), "{text}");
        assert!(
            text.contains(&format!("  image_file: file \"alice.png\" (image/png), {}", digest(&png))),
            "{text}"
        );
        assert_eq!(render(&request(&[], "application/json", b"")).lines().last(), Some("no body"));
    }
}
