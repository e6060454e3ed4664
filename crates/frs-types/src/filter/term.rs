//! The leaves of a filter: the field a term tests and the ends of a numeric range.

use std::fmt;
use std::str::FromStr;

use crate::ids::{FieldName, FieldValue, FieldValueKind};
use crate::validation::{Problem, ValidationError};

/// The field a filter term or range tests: the fixed `external_image_id` or a custom field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FilterField {
    /// The fixed field `external_image_id`: the id of the image a face was added from.
    ExternalImageId,
    /// A custom field declared in the face set's `external_fields`.
    Custom(FieldName),
}

impl FilterField {
    /// The wire name of the fixed field [`FilterField::ExternalImageId`].
    pub const EXTERNAL_IMAGE_ID: &'static str = "external_image_id";

    /// Reads a field name as written in a filter: `external_image_id` or a custom-field name.
    ///
    /// # Errors
    /// The [`ValidationError`] of [`FieldName::new`]: bad length or character, or another
    /// reserved name (`face_id`, `similarity`, …).
    pub fn new(name: &str) -> Result<Self, ValidationError> {
        if name == Self::EXTERNAL_IMAGE_ID {
            Ok(Self::ExternalImageId)
        } else {
            FieldName::new(name).map(Self::Custom)
        }
    }

    /// The field's name as written in a filter.
    pub fn as_str(&self) -> &str {
        match self {
            Self::ExternalImageId => Self::EXTERNAL_IMAGE_ID,
            Self::Custom(name) => name.as_str(),
        }
    }

    /// The custom field's name, or `None` for `external_image_id`.
    pub fn custom(&self) -> Option<&FieldName> {
        match self {
            Self::ExternalImageId => None,
            Self::Custom(name) => Some(name),
        }
    }
}

impl fmt::Display for FilterField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<FieldName> for FilterField {
    fn from(name: FieldName) -> Self {
        Self::Custom(name)
    }
}

/// A number that can bound a range: a [`FieldValue`] holding a number literal.
///
/// That is a value of kind [`FieldValueKind::Integer`] or [`FieldValueKind::Number`]
/// (`-3`, `1.5`, `2e3`), or an integer literal too long for 64 bits (`99999999999999999999`,
/// which [`FieldValue`] classifies as a string but which is still a number in a range).
/// The text is kept exactly as given.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RangeNumber(FieldValue);

impl RangeNumber {
    /// Accepts `value` if it is a number literal.
    ///
    /// # Errors
    /// A [`ValidationError`] for `field_value` when the value is a boolean or a word.
    pub fn new(value: FieldValue) -> Result<Self, ValidationError> {
        if numeric_text(&value).is_some() {
            Ok(Self(value))
        } else {
            Err(ValidationError::new(
                "field_value",
                Problem::Rule("a range bound must be a number (such as 3, -1.5 or 2e3) or '*'"),
            ))
        }
    }

    /// The number as a [`FieldValue`].
    pub fn as_value(&self) -> &FieldValue {
        &self.0
    }

    /// The number's text, exactly as it is sent.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The number as an `f64` (the nearest one, for texts with more precision).
    pub fn to_f64(&self) -> f64 {
        numeric_text(&self.0).unwrap_or(f64::NAN)
    }
}

/// The value of a number literal; `None` for booleans and words (including `inf`/`NaN`,
/// which Rust would parse but which are not numbers in a filter).
pub(crate) fn numeric_text(value: &FieldValue) -> Option<f64> {
    let text = value.as_str();
    let numeric = match value.kind() {
        FieldValueKind::Integer | FieldValueKind::Number => true,
        // Integer literals beyond 64 bits are classified as strings by `FieldValue`.
        _ => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
    };
    if numeric { text.parse::<f64>().ok().filter(|x| x.is_finite()) } else { None }
}

impl fmt::Debug for RangeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RangeNumber({:?})", self.0.as_str())
    }
}

impl fmt::Display for RangeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl FromStr for RangeNumber {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(FieldValue::new(s)?)
    }
}

impl TryFrom<FieldValue> for RangeNumber {
    type Error = ValidationError;
    fn try_from(value: FieldValue) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<f64> for RangeNumber {
    type Error = ValidationError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(FieldValue::number(value)?)
    }
}

impl From<i64> for RangeNumber {
    fn from(value: i64) -> Self {
        Self(FieldValue::integer(value))
    }
}

impl From<i32> for RangeNumber {
    fn from(value: i32) -> Self {
        Self(FieldValue::integer(value.into()))
    }
}

impl From<RangeNumber> for FieldValue {
    fn from(number: RangeNumber) -> Self {
        number.0
    }
}

/// One end of a numeric range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RangeBound {
    /// No limit on this side, written `*`.
    Unbounded,
    /// The end is part of the range, written with `[` or `]`.
    Inclusive(RangeNumber),
    /// The end is not part of the range, written with `{` or `}`.
    Exclusive(RangeNumber),
}

impl RangeBound {
    /// An inclusive end (`[n` or `n]`).
    pub fn inclusive(number: impl Into<RangeNumber>) -> Self {
        Self::Inclusive(number.into())
    }

    /// An exclusive end (`{n` or `n}`).
    pub fn exclusive(number: impl Into<RangeNumber>) -> Self {
        Self::Exclusive(number.into())
    }

    /// The bounding number, or `None` for an open end.
    pub fn number(&self) -> Option<&RangeNumber> {
        match self {
            Self::Unbounded => None,
            Self::Inclusive(n) | Self::Exclusive(n) => Some(n),
        }
    }

    /// The bound as written in a range: its number, or `*` for an open end.
    pub(super) fn text(&self) -> &str {
        self.number().map_or("*", RangeNumber::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::name;

    #[test]
    fn filter_field_names() {
        assert_eq!(FilterField::new("external_image_id"), Ok(FilterField::ExternalImageId));
        assert_eq!(FilterField::new("floor").unwrap().custom(), Some(&name("floor")));
        assert!(FilterField::new("face_id").is_err());
        assert!(FilterField::new("similarity").is_err());
        assert_eq!(FilterField::ExternalImageId.to_string(), "external_image_id");
    }
}
