//! One body description for operations that send JSON, or a multipart form when a file is
//! among their inputs (the official SDK's `*_by_file` variants).

use bytes::Bytes;
use frs_types::{Image, Video};
use serde_json::{Map, Value};

use crate::body::Body;
use crate::error::BuildError;
use crate::multipart::Multipart;

/// One field of a request body.
#[derive(Debug, Clone)]
pub(crate) enum Field {
    /// A JSON string; a text part.
    Text(String),
    /// A JSON number or boolean; a text part holding its JSON form (`5`, `0.93`, `true`).
    Scalar(Value),
    /// A JSON array or object; a text part holding it as compact JSON.
    Json(Value),
    /// A file part (multipart only).
    File { file_name: String, bytes: Bytes },
}

/// The fields of a body, in the order the official SDK sends them.
#[derive(Debug, Default)]
pub(crate) struct Form {
    fields: Vec<(String, Field)>,
}

impl Form {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    pub(crate) fn push(&mut self, name: impl Into<String>, field: Field) -> &mut Self {
        self.fields.push((name.into(), field));
        self
    }

    pub(crate) fn text(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.push(name, Field::Text(value.into()))
    }

    pub(crate) fn scalar(&mut self, name: &str, value: impl Into<Value>) -> &mut Self {
        self.push(name, Field::Scalar(value.into()))
    }

    pub(crate) fn json(&mut self, name: &str, value: Value) -> &mut Self {
        self.push(name, Field::Json(value))
    }

    /// `{prefix}_base64`, `{prefix}_url` or the file part `{prefix}_file`.
    pub(crate) fn image(&mut self, prefix: &str, image: &Image) -> &mut Self {
        match image {
            Image::Base64(b) => self.text(&format!("{prefix}_base64"), b.as_str()),
            Image::Url(u) => self.text(&format!("{prefix}_url"), u.as_str()),
            Image::File(f) => self.push(
                format!("{prefix}_file"),
                Field::File { file_name: f.file_name().to_owned(), bytes: f.bytes().clone() },
            ),
        }
    }

    /// `video_base64`, `video_url` or the file part `video_file`.
    pub(crate) fn video(&mut self, video: &Video) -> &mut Self {
        match video {
            Video::Base64(b) => self.text("video_base64", b.as_str()),
            Video::Url(u) => self.text("video_url", u.as_str()),
            Video::File(f) => self.push(
                "video_file",
                Field::File { file_name: f.file_name().to_owned(), bytes: f.bytes().clone() },
            ),
        }
    }

    /// A multipart body when a file is among the fields, a JSON object otherwise.
    pub(crate) fn into_body(self) -> Result<Body, BuildError> {
        if self.fields.iter().any(|(_, f)| matches!(f, Field::File { .. })) {
            // As the official SDK: text parts first, in order, then the files.
            let (files, texts): (Vec<_>, Vec<_>) =
                self.fields.into_iter().partition(|(_, f)| matches!(f, Field::File { .. }));
            let mut form = Multipart::new();
            for (name, field) in texts.into_iter().chain(files) {
                form = match field {
                    Field::Text(text) => form.text(&name, text),
                    Field::Scalar(v) | Field::Json(v) => form.text(&name, v.to_string()),
                    Field::File { file_name, bytes } => form.file(&name, &file_name, bytes, None),
                }
                .map_err(|e| BuildError::Body(e.to_string()))?;
            }
            Ok(form.finish().into_body())
        } else {
            let mut map = Map::new();
            for (name, field) in self.fields {
                let value = match field {
                    Field::Text(text) => Value::String(text),
                    Field::Scalar(v) | Field::Json(v) => v,
                    Field::File { .. } => continue,
                };
                map.insert(name, value);
            }
            let bytes = serde_json::to_vec(&map).map_err(|e| BuildError::Body(e.to_string()))?;
            Ok(Body::Json(Bytes::from(bytes)))
        }
    }
}
