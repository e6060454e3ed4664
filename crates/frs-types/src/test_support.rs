//! Helpers shared by the unit tests of several modules.

use crate::ids::{FieldName, FieldValue};
use crate::models::face_sets::FieldType;

/// A field name the test knows to be valid.
pub(crate) fn name(s: &str) -> FieldName {
    FieldName::new(s).unwrap()
}

/// A field value the test knows to be valid.
pub(crate) fn value(s: &str) -> FieldValue {
    FieldValue::new(s).unwrap()
}

/// The face-set schema the filter and sort tests check against: one field of each type.
pub(crate) fn schema(field: &FieldName) -> Option<FieldType> {
    Some(match field.as_str() {
        "badge" => FieldType::String,
        "floor" => FieldType::Integer,
        "hired_at" => FieldType::Long,
        "height" => FieldType::Double,
        "score" => FieldType::Float,
        "active" => FieldType::Boolean,
        _ => return None,
    })
}
