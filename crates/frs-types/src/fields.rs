//! Custom-field values of a face: what `external_fields` holds when adding or updating.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ids::{FieldName, FieldValue};
use crate::models::face_sets::FieldType;
use crate::validation::{Problem, ValidationError};

/// One custom-field value, as JSON carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ExternalValue {
    /// `true` / `false`, for `boolean` fields.
    Boolean(bool),
    /// A whole number, for `integer` and `long` fields (and `float`/`double`).
    Integer(i64),
    /// A finite number, for `float` and `double` fields.
    Number(f64),
    /// Text of 1–256 letters, digits, `-`, `_`, for `string` fields.
    String(String),
}

impl ExternalValue {
    /// Whether the value fits a field of type `ty` (custom-fields.md §2).
    pub fn fits(&self, ty: FieldType) -> bool {
        match (self, ty) {
            (Self::Boolean(_), FieldType::Boolean) => true,
            (Self::Integer(n), FieldType::Integer) => i32::try_from(*n).is_ok(),
            (Self::Integer(_), FieldType::Long | FieldType::Float | FieldType::Double) => true,
            (Self::Number(x), FieldType::Float) => x.is_finite() && x.abs() <= f64::from(f32::MAX),
            (Self::Number(x), FieldType::Double) => x.is_finite(),
            (Self::String(_), FieldType::String) => true,
            _ => false,
        }
    }

    /// The value as JSON.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Boolean(b) => Value::Bool(*b),
            Self::Integer(n) => Value::from(*n),
            Self::Number(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
            Self::String(s) => Value::String(s.clone()),
        }
    }
}

impl From<bool> for ExternalValue {
    fn from(v: bool) -> Self {
        Self::Boolean(v)
    }
}

impl From<i64> for ExternalValue {
    fn from(v: i64) -> Self {
        Self::Integer(v)
    }
}

impl From<i32> for ExternalValue {
    fn from(v: i32) -> Self {
        Self::Integer(v.into())
    }
}

/// The custom-field values of one face, checked as they are set: names are valid
/// [`FieldName`]s, strings are valid string values, numbers are finite. Serialises as the
/// JSON object `external_fields`.
///
/// ```
/// use frs_types::ExternalFields;
///
/// let fields = ExternalFields::new().with("age", 30)?.with("name", "bob")?.with("score", 0.5)?;
/// assert_eq!(serde_json::to_string(&fields).unwrap(), r#"{"age":30,"name":"bob","score":0.5}"#);
/// assert!(ExternalFields::new().with("name", "a b").is_err());
/// # Ok::<(), frs_types::ValidationError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BTreeMap<FieldName, ExternalValue>")]
pub struct ExternalFields(BTreeMap<FieldName, ExternalValue>);

/// Deserialisation goes through the same checks as [`ExternalFields::set`].
impl TryFrom<BTreeMap<FieldName, ExternalValue>> for ExternalFields {
    type Error = ValidationError;

    fn try_from(map: BTreeMap<FieldName, ExternalValue>) -> Result<Self, Self::Error> {
        let mut fields = Self::new();
        for (name, value) in map {
            fields.set(name, value)?;
        }
        Ok(fields)
    }
}

/// Anything that can become an [`ExternalValue`] after validation.
pub trait IntoExternalValue {
    /// Converts, checking string values and numbers.
    ///
    /// # Errors
    /// A [`ValidationError`] for `field_value`.
    fn into_external_value(self) -> Result<ExternalValue, ValidationError>;
}

impl IntoExternalValue for ExternalValue {
    fn into_external_value(self) -> Result<ExternalValue, ValidationError> {
        match self {
            Self::String(s) => s.as_str().into_external_value(),
            Self::Number(x) => x.into_external_value(),
            other => Ok(other),
        }
    }
}

impl IntoExternalValue for &str {
    fn into_external_value(self) -> Result<ExternalValue, ValidationError> {
        let v = FieldValue::new(self)?;
        if !v.is_string_value() {
            return Err(ValidationError::new(
                "field_value",
                Problem::Rule("a string value may hold only letters, digits, '-' and '_'"),
            ));
        }
        Ok(ExternalValue::String(self.to_owned()))
    }
}

impl IntoExternalValue for String {
    fn into_external_value(self) -> Result<ExternalValue, ValidationError> {
        self.as_str().into_external_value()
    }
}

impl IntoExternalValue for i64 {
    fn into_external_value(self) -> Result<ExternalValue, ValidationError> {
        Ok(ExternalValue::Integer(self))
    }
}

impl IntoExternalValue for i32 {
    fn into_external_value(self) -> Result<ExternalValue, ValidationError> {
        Ok(ExternalValue::Integer(self.into()))
    }
}

impl IntoExternalValue for bool {
    fn into_external_value(self) -> Result<ExternalValue, ValidationError> {
        Ok(ExternalValue::Boolean(self))
    }
}

impl IntoExternalValue for f64 {
    fn into_external_value(self) -> Result<ExternalValue, ValidationError> {
        if self.is_finite() {
            Ok(ExternalValue::Number(self))
        } else {
            Err(ValidationError::new("field_value", Problem::NumberOutOfRange))
        }
    }
}

impl ExternalFields {
    /// No values.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`.
    ///
    /// # Errors
    /// A [`ValidationError`] for a bad name or value, or beyond 10 fields.
    pub fn with(mut self, name: &str, value: impl IntoExternalValue) -> Result<Self, ValidationError> {
        self.set(FieldName::new(name)?, value)?;
        Ok(self)
    }

    /// Sets `name` to `value` in place.
    ///
    /// # Errors
    /// A [`ValidationError`] for a bad value, or beyond 10 fields.
    pub fn set(&mut self, name: FieldName, value: impl IntoExternalValue) -> Result<(), ValidationError> {
        let value = value.into_external_value()?;
        if !self.0.contains_key(&name) && self.0.len() >= crate::models::face_sets::MAX_CUSTOM_FIELDS {
            return Err(ValidationError::new("external_fields", Problem::Rule("at most 10 custom fields")));
        }
        self.0.insert(name, value);
        Ok(())
    }

    /// The values.
    pub fn iter(&self) -> impl Iterator<Item = (&FieldName, &ExternalValue)> {
        self.0.iter()
    }

    /// Whether there are no values.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks every value against a face set's schema: the field must be declared and the
    /// value must fit its type.
    ///
    /// # Errors
    /// A [`ValidationError`] naming the first field that does not fit.
    pub fn check_types(
        &self,
        schema: impl Fn(&FieldName) -> Option<FieldType>,
    ) -> Result<(), ValidationError> {
        for (name, value) in &self.0 {
            match schema(name) {
                None => {
                    return Err(ValidationError::new(
                        "external_fields",
                        Problem::Rule("a field is not declared in the face set's schema"),
                    ));
                }
                Some(ty) if !value.fits(ty) => {
                    return Err(ValidationError::new(
                        "external_fields",
                        Problem::Rule("a value does not fit the type declared in the face set's schema"),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The values as a JSON object.
    pub fn to_json(&self) -> serde_json::Map<String, Value> {
        self.0.iter().map(|(k, v)| (k.as_str().to_owned(), v.to_json())).collect()
    }
}

impl IntoExternalValue for &String {
    fn into_external_value(self) -> Result<ExternalValue, ValidationError> {
        self.as_str().into_external_value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_fit_their_types() {
        assert!(ExternalValue::Integer(3).fits(FieldType::Integer));
        assert!(!ExternalValue::Integer(i64::from(i32::MAX) + 1).fits(FieldType::Integer));
        assert!(ExternalValue::Integer(i64::MAX).fits(FieldType::Long));
        assert!(!ExternalValue::Number(1.5).fits(FieldType::Integer));
        assert!(ExternalValue::Number(1.5).fits(FieldType::Double));
        assert!(!ExternalValue::String("3".into()).fits(FieldType::Integer));
        assert!(!ExternalValue::Boolean(true).fits(FieldType::String));
    }

    #[test]
    fn schema_check_names_the_problem() {
        let fields = ExternalFields::new().with("age", 30).unwrap().with("name", "bob").unwrap();
        let schema = |n: &FieldName| match n.as_str() {
            "age" => Some(FieldType::Integer),
            "name" => Some(FieldType::String),
            _ => None,
        };
        assert!(fields.check_types(schema).is_ok());
        let bad = ExternalFields::new().with("age", "thirty").unwrap();
        assert!(bad.check_types(schema).is_err());
        let undeclared = ExternalFields::new().with("room", 1).unwrap();
        assert!(undeclared.check_types(schema).is_err());
        let json: ExternalFields =
            serde_json::from_str(r#"{"age": 30, "name": "bob", "ok": true, "x": 1.5}"#).unwrap();
        assert_eq!(json.iter().count(), 4);
    }
}
