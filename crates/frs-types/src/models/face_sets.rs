//! Face sets ("facial image libraries"): creating, showing and deleting them, and their
//! schema of custom fields.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::ids::{FaceSetName, FieldName};

/// The declared type of one custom field: `{"type": "integer"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TypeInfo {
    /// The field's type.
    #[serde(rename = "type")]
    pub field_type: FieldType,
}

/// The custom-field schema of a face set: at most [`MAX_CUSTOM_FIELDS`] fields, each with a
/// type; sent as `external_fields` when the set is created.
pub type ExternalFieldsSchema = BTreeMap<FieldName, TypeInfo>;

/// The most custom fields a face set may declare.
pub const MAX_CUSTOM_FIELDS: usize = 10;

/// The default capacity of a face set, and the largest the service allows unless the
/// customer has had the limit raised (so clients do not refuse larger ones).
pub const MAX_FACE_SET_CAPACITY: u32 = 100_000;

/// Body of `POST /v2/{project_id}/face-sets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateFaceSetRequest {
    /// The new set's name.
    pub face_set_name: FaceSetName,
    /// Capacity: a multiple of 10 000; at most 100 000 (the default) unless the limit was
    /// raised for the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_capacity: Option<u32>,
    /// The custom-field schema.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_fields: Option<ExternalFieldsSchema>,
}

/// What the service says about a face set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceSetInfo {
    /// The set's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_name: Option<String>,
    /// The set's id (8 random characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_id: Option<String>,
    /// When the set was created (the service documents no format).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_date: Option<String>,
    /// How many faces the set can hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_capacity: Option<u64>,
    /// How many faces it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_number: Option<u64>,
    /// The custom-field schema, as the service echoes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_fields: Option<Map<String, Value>>,
}

/// Answer to creating a face set, and to showing one: `{"face_set_info": {...}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceSetResponse {
    /// The face set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_info: Option<FaceSetInfo>,
}

/// Answer to listing face sets: `{"face_sets_info": [...]}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FaceSetsResponse {
    /// Every face set of the project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_sets_info: Option<Vec<FaceSetInfo>>,
}

/// Answer to deleting a face set: `{"face_set_name": "..."}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteFaceSetResponse {
    /// The deleted set's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_set_name: Option<String>,
}

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

    /// Whether the type is numeric (`integer`, `long`, `float`, `double`): the types a
    /// filter range and a sort key apply to.
    pub(crate) fn is_numeric(self) -> bool {
        matches!(self, Self::Integer | Self::Long | Self::Float | Self::Double)
    }

    /// Whether a value given as text (a query value, a filter term) can be a value of this
    /// type, and the JSON value it stands for.
    pub fn read_text(self, text: &str) -> Option<Value> {
        match self {
            Self::String => crate::FieldValue::new(text)
                .ok()
                .filter(crate::FieldValue::is_string_value)
                .map(|_| Value::String(text.to_owned())),
            Self::Integer => text.parse::<i32>().ok().map(Value::from),
            Self::Long => text.parse::<i64>().ok().map(Value::from),
            Self::Float | Self::Double => crate::FieldValue::new(text)
                .ok()
                .filter(|v| {
                    matches!(v.kind(), crate::FieldValueKind::Integer | crate::FieldValueKind::Number)
                })
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
