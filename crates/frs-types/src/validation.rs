//! The error every validated identifier returns, and the character rules they share.

use std::fmt;

/// A value broke one of the service's documented rules.
///
/// It names the field (as the service spells it on the wire, e.g. `face_set_name`) and the
/// rule, so a user can fix the input without reading the docs. It never carries secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {field}: {problem}")]
pub struct ValidationError {
    field: &'static str,
    problem: Problem,
}

impl ValidationError {
    /// Creates an error for `field` (the wire name of the field) and the rule it broke.
    pub fn new(field: &'static str, problem: Problem) -> Self {
        Self { field, problem }
    }

    /// The wire name of the field that was rejected, e.g. `external_image_id`.
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The rule the value broke.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }
}

/// Which rule a rejected value broke.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The value is shorter or longer than allowed (lengths count Unicode characters).
    Length {
        /// Smallest allowed length.
        min: usize,
        /// Largest allowed length.
        max: usize,
        /// Length of the rejected value.
        actual: usize,
    },
    /// The value contains a character outside the documented set.
    Character {
        /// The first offending character.
        ch: char,
        /// Its position, counted in characters from 0.
        position: usize,
        /// A description of the allowed set.
        allowed: &'static str,
    },
    /// The name is reserved by the service and cannot name a custom field.
    Reserved {
        /// The reserved name.
        name: String,
    },
    /// A number that is not finite (NaN or infinite) or does not fit the type.
    NumberOutOfRange,
    /// A free-form rule, described in words.
    Rule(&'static str),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { min, max, actual } if *actual == 0 && *min > 0 => {
                write!(f, "must not be empty (allowed length {min} to {max} characters)")
            }
            Self::Length { min, max, actual } => {
                write!(f, "must be {min} to {max} characters long, got {actual}")
            }
            Self::Character { ch, position, allowed } => {
                write!(f, "character {ch:?} at position {position} is not allowed (allowed: {allowed})")
            }
            Self::Reserved { name } => {
                write!(f, "{name:?} is reserved by the service and cannot be a custom field")
            }
            Self::NumberOutOfRange => f.write_str("number is not finite or out of range"),
            Self::Rule(rule) => f.write_str(rule),
        }
    }
}

/// Description of [`is_ascii_word`] used in error messages.
pub(crate) const ASCII_WORD: &str = "ASCII letters, digits, '-' and '_'";
/// Description of [`is_unicode_word`] used in error messages.
pub(crate) const UNICODE_WORD: &str = "letters, digits, '-' and '_'";

/// `[A-Za-z0-9_-]`: the set of face-set names, external image ids and custom field names.
pub(crate) fn is_ascii_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Letters and digits of any script, `-` and `_`: the set of string custom-field values.
pub(crate) fn is_unicode_word(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_'
}

/// Checks length (in characters) and character set; the shared core of every identifier.
pub(crate) fn check_text(
    field: &'static str,
    value: &str,
    min: usize,
    max: usize,
    allowed: fn(char) -> bool,
    allowed_text: &'static str,
) -> Result<(), ValidationError> {
    let mut len = 0;
    for (position, ch) in value.chars().enumerate() {
        if !allowed(ch) {
            return Err(ValidationError::new(
                field,
                Problem::Character { ch, position, allowed: allowed_text },
            ));
        }
        len = position + 1;
    }
    if len < min || len > max {
        return Err(ValidationError::new(field, Problem::Length { min, max, actual: len }));
    }
    Ok(())
}
