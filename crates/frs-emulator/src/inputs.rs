//! The fields of a request body, whether JSON or `multipart/form-data`, read the way the
//! service reads them, with the service's error codes for what is wrong.

use base64::Engine as _;
use bytes::Bytes;
use frs_request::server::multipart;
use frs_types::{ErrorCode, MediaLimits};
use serde_json::{Map, Value};

/// A failure, as the service reports it: an error code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }

    pub(crate) fn missing(field: &str) -> Self {
        Self::new(
            ErrorCode::ParameterMissing,
            format!("Lack the request parameter, or the request parameter {field} is empty."),
        )
    }

    pub(crate) fn invalid(detail: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::ParameterInvalid, format!("The request param has wrong format, {detail}."))
    }
}

/// The fields of one request body.
#[derive(Debug, Default)]
pub(crate) struct Inputs {
    json: Map<String, Value>,
    parts: Vec<multipart::Part>,
    is_multipart: bool,
}

impl Inputs {
    /// Reads a body by its content type: JSON (FRS.0014 when malformed) or multipart.
    pub(crate) fn read(content_type: Option<&str>, body: &Bytes) -> Result<Self, Failure> {
        let ct = content_type.unwrap_or("");
        if ct.to_ascii_lowercase().starts_with("multipart/form-data") {
            let parts = multipart::parse_bytes(ct, body)
                .map_err(|e| Failure::invalid(format!("multipart body: {e}")))?;
            return Ok(Self { parts, is_multipart: true, ..Self::default() });
        }
        if body.is_empty() {
            return Ok(Self::default());
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(json)) => Ok(Self { json, ..Self::default() }),
            _ => Err(Failure::new(ErrorCode::InvalidJson, "The JSON format of the input data is incorrect.")),
        }
    }

    fn part(&self, name: &str) -> Option<&multipart::Part> {
        self.parts.iter().find(|p| p.name == name)
    }

    /// Whether the field is present (and, for JSON, not null).
    pub(crate) fn has(&self, name: &str) -> bool {
        if self.is_multipart {
            self.part(name).is_some()
        } else {
            self.json.get(name).is_some_and(|v| !v.is_null())
        }
    }

    /// A text field.
    pub(crate) fn text(&self, name: &str) -> Result<Option<String>, Failure> {
        if self.is_multipart {
            return match self.part(name) {
                None => Ok(None),
                Some(p) if p.is_file() => Err(Failure::invalid(format!("{name} must be a text part"))),
                Some(p) => p
                    .text()
                    .map(|t| Some(t.to_owned()))
                    .ok_or_else(|| Failure::invalid(format!("{name} is not UTF-8"))),
            };
        }
        match self.json.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Failure::invalid(format!("{name} must be a string"))),
        }
    }

    /// A required, non-empty text field.
    pub(crate) fn required_text(&self, name: &str) -> Result<String, Failure> {
        match self.text(name)? {
            Some(t) if !t.is_empty() => Ok(t),
            _ => Err(Failure::missing(name)),
        }
    }

    /// A number field (a JSON number, or the text of a multipart part).
    pub(crate) fn number(&self, name: &str) -> Result<Option<f64>, Failure> {
        let bad = || Failure::invalid(format!("{name} must be a number"));
        if self.is_multipart {
            return self.text(name)?.map(|t| t.trim().parse::<f64>().map_err(|_| bad())).transpose();
        }
        match self.json.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(bad),
            // Huawei's own example sends face_set_capacity as a string.
            Some(Value::String(s)) => s.trim().parse::<f64>().map(Some).map_err(|_| bad()),
            Some(_) => Err(bad()),
        }
    }

    /// An integer field.
    pub(crate) fn integer(&self, name: &str) -> Result<Option<i64>, Failure> {
        match self.number(name)? {
            None => Ok(None),
            Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => Ok(Some(x as i64)),
            Some(_) => Err(Failure::invalid(format!("{name} must be an integer"))),
        }
    }

    /// A boolean field (`true`/`false`, also as multipart text).
    pub(crate) fn boolean(&self, name: &str) -> Result<Option<bool>, Failure> {
        let bad = || Failure::invalid(format!("{name} must be true or false"));
        if self.is_multipart {
            return self
                .text(name)?
                .map(|t| match t.trim().to_ascii_lowercase().as_str() {
                    "true" => Ok(true),
                    "false" => Ok(false),
                    _ => Err(bad()),
                })
                .transpose();
        }
        match self.json.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(bad()),
        }
    }

    /// A JSON field (an array or object; in multipart, its JSON text).
    pub(crate) fn json(&self, name: &str) -> Result<Option<Value>, Failure> {
        if self.is_multipart {
            return self
                .text(name)?
                .map(|t| {
                    serde_json::from_str(&t).map_err(|_| Failure::invalid(format!("{name} must be JSON")))
                })
                .transpose();
        }
        Ok(self.json.get(name).filter(|v| !v.is_null()).cloned())
    }

    /// A file part (multipart only).
    pub(crate) fn file(&self, name: &str) -> Option<Bytes> {
        self.part(name).filter(|p| p.is_file() || self.is_multipart).map(|p| p.data.clone())
    }

    /// The image given as `{prefix}_base64`, `{prefix}_url` or `{prefix}_file`: exactly one.
    pub(crate) fn media(
        &self,
        prefix: &str,
        obs: &dyn Fn(&str) -> Result<Bytes, Failure>,
    ) -> Result<Bytes, Failure> {
        let b64 = format!("{prefix}_base64");
        let url = format!("{prefix}_url");
        let file = format!("{prefix}_file");
        let given = [&b64, &url, &file].iter().filter(|n| self.has(n)).count();
        if given == 0 {
            return Err(Failure::missing(&b64));
        }
        if given > 1 {
            return Err(Failure::invalid(format!("give only one of {b64}, {url} and {file}")));
        }
        // The size rules are the service's published limits, shared with the SDK; the answer
        // (code and message) is the emulator's own.
        let limits = if prefix == "video" { MediaLimits::VIDEO } else { MediaLimits::IMAGE };
        if let Some(text) = self.text(&b64)? {
            return decode_base64(&b64, &text, &limits);
        }
        if let Some(u) = self.text(&url)? {
            return obs(&u);
        }
        let data = self.file(&file).ok_or_else(|| Failure::missing(&file))?;
        if limits.check_file_len(u64::try_from(data.len()).unwrap_or(u64::MAX)).is_err() {
            return Err(Failure::new(
                ErrorCode::BodyTooLarge,
                format!("The size of the request body is out of the range {file} must be smaller than 8MB."),
            ));
        }
        Ok(data)
    }
}

/// Decodes base64 as the service does: one line, standard alphabet, within `limits`.
pub(crate) fn decode_base64(field: &str, text: &str, limits: &MediaLimits) -> Result<Bytes, Failure> {
    if limits.check_base64_len(text.len()).is_err() {
        return Err(Failure::new(
            ErrorCode::BodyTooLarge,
            format!(
                "The size of the request body is out of the range {field} must be at most 8MB after base64 encoding."
            ),
        ));
    }
    if text.contains(['\r', '\n']) {
        return Err(Failure::new(
            ErrorCode::Base64DecodeFailed,
            format!("{field}: base64 text must not contain line breaks."),
        ));
    }
    base64::engine::general_purpose::STANDARD.decode(text).map(Bytes::from).map_err(|_| {
        Failure::new(ErrorCode::Base64DecodeFailed, format!("{field}: the base64 text could not be decoded."))
    })
}
