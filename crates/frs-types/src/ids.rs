//! Identifiers checked against the service's documented rules (`limits.md`).
//!
//! Each type can only hold a value the service accepts, so code that has a [`FaceSetName`]
//! never builds a request that the service would reject for its name. All of them
//! deserialize through the same checks.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::validation::{
    ASCII_WORD, Problem, UNICODE_WORD, ValidationError, check_text, is_ascii_word, is_unicode_word,
};

/// Defines a string identifier with a length range and a character set.
macro_rules! word_id {
    (
        $(#[$meta:meta])*
        $name:ident, field = $field:literal, len = $min:literal ..= $max:literal
    ) => {
        $(#[$meta])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(Box<str>);

        impl $name {
            /// Smallest accepted length, in characters.
            pub const MIN_LEN: usize = $min;
            /// Largest accepted length, in characters.
            pub const MAX_LEN: usize = $max;

            /// Checks `value` against the service's rules and wraps it.
            ///
            /// # Errors
            /// A [`ValidationError`] naming the field and the broken rule (length or character).
            pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
                let value = value.into();
                check_text($field, &value, $min, $max, is_ascii_word, ASCII_WORD)?;
                Ok(Self(value.into_boxed_str()))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), &*self.0)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl FromStr for $name {
            type Err = ValidationError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $name {
            type Error = ValidationError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $name {
            type Error = ValidationError;
            fn try_from(s: &str) -> Result<Self, Self::Error> {
                Self::new(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> Self {
                id.0.into()
            }
        }
    };
}

word_id! {
    /// Name of a face set (a "facial image library"): 1–64 ASCII letters, digits, `-`, `_`.
    ///
    /// A leading `_` is accepted, as the service accepts it, although Cloud Eye then cannot
    /// report the set's face count.
    FaceSetName, field = "face_set_name", len = 1..=64
}

word_id! {
    /// Caller-chosen id of the image a face came from: 1–36 ASCII letters, digits, `-`, `_`.
    ///
    /// Several faces may share one id (every face found in one image gets it).
    ExternalImageId, field = "external_image_id", len = 1..=36
}

word_id! {
    /// Id the service gives a face when it is added.
    ///
    /// The service documents no format beyond "system generated" (its examples are 8
    /// alphanumerics); we accept 1–64 ASCII letters, digits, `-`, `_`, which every id seen
    /// fits and which can never smuggle a separator into a URL.
    FaceId, field = "face_id", len = 1..=64
}

word_id! {
    /// Id of the IAM project of a region (the `{project_id}` of every path).
    ///
    /// IAM ids are 32 hex digits; we accept 1–64 ASCII letters, digits, `-`, `_` so that
    /// local emulators and test fixtures can use readable ids.
    ProjectId, field = "project_id", len = 1..=64
}

word_id! {
    /// Id of an enterprise project, sent in the optional `Enterprise-Project-Id` header to
    /// attribute the bill (`0` is the default project; others are UUIDs).
    EnterpriseProjectId, field = "Enterprise-Project-Id", len = 1..=64
}

/// Name of a custom field declared in a face set's schema (`external_fields`).
///
/// 1–36 ASCII letters, digits, `-`, `_`, and none of the names the service reserves
/// ([`FieldName::RESERVED`]), so a custom field can never be confused with
/// `external_image_id` or `face_id` in a query.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FieldName(Box<str>);

impl FieldName {
    /// Smallest accepted length, in characters.
    pub const MIN_LEN: usize = 1;
    /// Largest accepted length, in characters.
    pub const MAX_LEN: usize = 36;
    /// Names the service reserves for itself (custom-fields.md §1).
    pub const RESERVED: [&'static str; 9] = [
        "external_image_id",
        "bounding_box",
        "similarity",
        "face_id",
        "create_time",
        "vector",
        "_id",
        "_all",
        "_source",
    ];

    /// Checks `value` against the service's rules and wraps it.
    ///
    /// # Errors
    /// A [`ValidationError`] for a bad length or character, or for a reserved name.
    pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
        let value = value.into();
        check_text("field_name", &value, Self::MIN_LEN, Self::MAX_LEN, is_ascii_word, ASCII_WORD)?;
        if Self::RESERVED.contains(&value.as_str()) {
            return Err(ValidationError::new("field_name", Problem::Reserved { name: value }));
        }
        Ok(Self(value.into_boxed_str()))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldName({:?})", &*self.0)
    }
}

impl fmt::Display for FieldName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for FieldName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for FieldName {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for FieldName {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<&str> for FieldName {
    type Error = ValidationError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<FieldName> for String {
    fn from(name: FieldName) -> Self {
        name.0.into()
    }
}

/// What a [`FieldValue`]'s text can stand for.
///
/// The service matches a query value against the field's declared type, so the same text
/// (`"3"`) may select an `integer` field or a `string` field; the kind records the most
/// specific reading, and [`FieldValue::is_string_value`] says whether it is also valid as
/// a string value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldValueKind {
    /// `true` or `false`.
    Boolean,
    /// An integer literal that fits in 64 bits, such as `-3` or `1700000000`.
    Integer,
    /// A decimal number literal with a fraction or exponent, such as `1.5` or `2e3`.
    Number,
    /// Any other text: letters of any script, digits, `-`, `_`.
    String,
}

/// A custom-field value as it travels in a query (`?floor=3`, `?badge=A-1001`).
///
/// Accepted texts (custom-fields.md §2, limits.md):
/// - string values: 1–256 characters, letters (of any script), digits, `-`, `_`;
/// - numbers: an optional `-`, digits, an optional fraction and exponent, finite, with no
///   type suffix (`1.5`, `-3`, `2e3`; not `1.0f`, `100L`, `+1`, `.5`);
/// - booleans: `true`, `false`.
///
/// The empty string is rejected (the service cannot select by an empty value). The text is
/// kept exactly as given, so `007` stays `007`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FieldValue {
    text: Box<str>,
    kind: FieldValueKind,
}

impl FieldValue {
    /// Largest accepted length of a value, in characters.
    pub const MAX_LEN: usize = 256;

    /// Checks `text` and classifies it.
    ///
    /// # Errors
    /// A [`ValidationError`] when the text is empty, too long, or neither a number, a
    /// boolean nor a valid string value.
    pub fn new(text: impl Into<String>) -> Result<Self, ValidationError> {
        let text = text.into();
        let kind = classify(&text)?;
        Ok(Self { text: text.into_boxed_str(), kind })
    }

    /// A value from an integer.
    pub fn integer(value: i64) -> Self {
        Self { text: value.to_string().into_boxed_str(), kind: FieldValueKind::Integer }
    }

    /// A value from a boolean.
    pub fn boolean(value: bool) -> Self {
        Self { text: value.to_string().into_boxed_str(), kind: FieldValueKind::Boolean }
    }

    /// A value from a floating-point number, written in its shortest exact decimal form.
    ///
    /// # Errors
    /// [`Problem::NumberOutOfRange`] for NaN and infinities.
    pub fn number(value: f64) -> Result<Self, ValidationError> {
        if !value.is_finite() {
            return Err(ValidationError::new("field_value", Problem::NumberOutOfRange));
        }
        // Both forms round-trip; `Display` never uses an exponent, so very large or small
        // numbers (`1e300`) take the exponent form to stay within the 256-character limit.
        let plain = value.to_string();
        Self::new(if plain.len() <= 32 { plain } else { format!("{value:e}") })
    }

    /// The value's text, exactly as it is sent.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The most specific reading of the text.
    pub fn kind(&self) -> FieldValueKind {
        self.kind
    }

    /// Whether the text is also a valid value for a `string` field.
    pub fn is_string_value(&self) -> bool {
        self.text.chars().all(is_unicode_word)
    }
}

fn classify(text: &str) -> Result<FieldValueKind, ValidationError> {
    const FIELD: &str = "field_value";
    if text == "true" || text == "false" {
        return Ok(FieldValueKind::Boolean);
    }
    if let Some(kind) = number_kind(text) {
        let len = text.chars().count();
        if len > FieldValue::MAX_LEN {
            return Err(ValidationError::new(
                FIELD,
                Problem::Length { min: 1, max: FieldValue::MAX_LEN, actual: len },
            ));
        }
        let out_of_range = match kind {
            FieldValueKind::Number => !text.parse::<f64>().is_ok_and(f64::is_finite),
            _ => text.parse::<i64>().is_err(),
        };
        if !out_of_range {
            return Ok(kind);
        }
        // A literal too big for its type may still be a valid string value (`1e400` and
        // `99999999999999999999` are letters and digits only): read it as text then.
        return match check_text(FIELD, text, 1, FieldValue::MAX_LEN, is_unicode_word, UNICODE_WORD) {
            Ok(()) => Ok(FieldValueKind::String),
            Err(_) => Err(ValidationError::new(FIELD, Problem::NumberOutOfRange)),
        };
    }
    check_text(FIELD, text, 1, FieldValue::MAX_LEN, is_unicode_word, UNICODE_WORD)?;
    Ok(FieldValueKind::String)
}

/// Recognises `-?digits(.digits)?([eE][+-]?digits)?`; `None` when `s` is not a number.
fn number_kind(s: &str) -> Option<FieldValueKind> {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    let mut kind = FieldValueKind::Integer;
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
        kind = FieldValueKind::Number;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
        kind = FieldValueKind::Number;
    }
    (i == b.len()).then_some(kind)
}

impl fmt::Debug for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldValue({:?}, {:?})", &*self.text, self.kind)
    }
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl AsRef<str> for FieldValue {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl FromStr for FieldValue {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<String> for FieldValue {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl TryFrom<&str> for FieldValue {
    type Error = ValidationError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl From<FieldValue> for String {
    fn from(value: FieldValue) -> Self {
        value.text.into()
    }
}

impl From<i64> for FieldValue {
    fn from(value: i64) -> Self {
        Self::integer(value)
    }
}

impl From<i32> for FieldValue {
    fn from(value: i32) -> Self {
        Self::integer(value.into())
    }
}

impl From<bool> for FieldValue {
    fn from(value: bool) -> Self {
        Self::boolean(value)
    }
}

impl TryFrom<f64> for FieldValue {
    type Error = ValidationError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::number(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_set_name_rules() {
        assert!(FaceSetName::new("showFaceSet").is_ok());
        assert!(FaceSetName::new("a".repeat(64)).is_ok());
        let err = FaceSetName::new("a".repeat(65)).unwrap_err();
        assert_eq!(err.to_string(), "invalid face_set_name: must be 1 to 64 characters long, got 65");
        let err = FaceSetName::new("").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid face_set_name: must not be empty (allowed length 1 to 64 characters)"
        );
        let err = FaceSetName::new("fs 1").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid face_set_name: character ' ' at position 2 is not allowed \
             (allowed: ASCII letters, digits, '-' and '_')"
        );
    }

    #[test]
    fn field_name_rejects_reserved() {
        for name in FieldName::RESERVED {
            let err = FieldName::new(name).unwrap_err();
            assert!(matches!(err.problem(), Problem::Reserved { .. }), "{name}");
        }
        assert!(FieldName::new("id").is_ok());
    }

    #[test]
    fn field_value_kinds_keep_text() {
        let cases = [
            ("true", FieldValueKind::Boolean),
            ("-3", FieldValueKind::Integer),
            ("007", FieldValueKind::Integer),
            ("1.5", FieldValueKind::Number),
            ("2e3", FieldValueKind::Number),
            ("-1.25E-7", FieldValueKind::Number),
            ("home", FieldValueKind::String),
            ("张三", FieldValueKind::String),
            ("99999999999999999999999", FieldValueKind::String),
        ];
        for (text, kind) in cases {
            let v = FieldValue::new(text).unwrap();
            assert_eq!((v.as_str(), v.kind()), (text, kind));
        }
        let more = [
            // A number with a type suffix is not a number, but letters and digits alone
            // still make a valid string value.
            ("100L", FieldValueKind::String),
            ("-", FieldValueKind::String),
        ];
        for (text, kind) in more {
            assert_eq!(FieldValue::new(text).unwrap().kind(), kind, "{text:?}");
        }
        // Letters and digits only: a valid string value, although too big for a number.
        assert_eq!(FieldValue::new("1e999").unwrap().kind(), FieldValueKind::String);
        assert_eq!(FieldValue::number(1e300).unwrap().as_str(), "1e300");
        assert_eq!(
            FieldValue::number(f64::MIN_POSITIVE).unwrap().as_str().parse::<f64>().unwrap(),
            f64::MIN_POSITIVE
        );
        for bad in ["", "1.0f", "1.0d", "+1", ".5", "1.", "a b", "a&b", "1.5e999", "x=1"] {
            assert!(FieldValue::new(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(FieldValue::number(1.5).unwrap().as_str(), "1.5");
        assert!(FieldValue::number(f64::NAN).is_err());
        assert_eq!(FieldValue::from(-3).as_str(), "-3");
    }

    #[test]
    fn identifiers_deserialize_through_validation() {
        let ok: FaceSetName = serde_json::from_str("\"staff\"").unwrap();
        assert_eq!(ok.as_str(), "staff");
        let err = serde_json::from_str::<FaceSetName>("\"a/b\"").unwrap_err();
        assert!(err.to_string().contains("face_set_name"), "{err}");
    }
}
