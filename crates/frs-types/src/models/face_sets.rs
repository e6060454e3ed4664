//! Face sets ("facial image libraries"): their schema of custom fields.

use serde::{Deserialize, Serialize};

/// The type of a custom field, as declared in a face set's `external_fields`
/// (`{"type": "integer"}`); the wire names are lower case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Text of letters, digits, `-`, `_` (1–256 characters).
    String,
    /// A 32-bit integer.
    Integer,
    /// A 64-bit integer.
    Long,
    /// A single-precision number.
    Float,
    /// A double-precision number.
    Double,
    /// `true` or `false`.
    Boolean,
}

impl FieldType {
    /// The wire name, e.g. `integer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Integer => "integer",
            Self::Long => "long",
            Self::Float => "float",
            Self::Double => "double",
            Self::Boolean => "boolean",
        }
    }

    /// Whether a value given as text (a query value, a filter term) can be a value of this
    /// type, and the JSON value it stands for.
    pub fn read_text(self, text: &str) -> Option<serde_json::Value> {
        use serde_json::Value;
        match self {
            Self::String => crate::FieldValue::new(text)
                .ok()
                .filter(crate::FieldValue::is_string_value)
                .map(|_| Value::String(text.to_owned())),
            Self::Integer => text.parse::<i32>().ok().map(Value::from),
            Self::Long => text.parse::<i64>().ok().map(Value::from),
            Self::Float | Self::Double => crate::FieldValue::new(text)
                .ok()
                .filter(|v| matches!(v.kind(), crate::FieldValueKind::Integer | crate::FieldValueKind::Number))
                .and_then(|_| text.parse::<f64>().ok())
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number),
            Self::Boolean => match text {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
        }
    }
}
