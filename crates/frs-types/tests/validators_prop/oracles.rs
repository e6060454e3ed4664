//! The documented rules (limits.md, custom-fields.md), written without the library's helpers.

use std::fmt::Debug;

use frs_types::FieldValueKind;

/// `[A-Za-z0-9_-]`, spelled out as ranges (the library uses `is_ascii_alphanumeric`).
pub(crate) fn in_ascii_word_set(c: char) -> bool {
    matches!(c, 'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_')
}

/// A letter or digit of any script, `-` or `_` (custom-fields.md §2), spelled as
/// `is_alphabetic || is_numeric` rather than `is_alphanumeric`.
pub(crate) fn in_unicode_word_set(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c == '-' || c == '_'
}

/// The reserved custom-field names, copied from custom-fields.md §1 (not from the library).
pub(crate) const RESERVED_FROM_DOCS: [&str; 9] = [
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

/// The documented rule of one identifier.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    /// Wire name the error must carry.
    pub(crate) field: &'static str,
    pub(crate) min: usize,
    pub(crate) max: usize,
    pub(crate) reserved: &'static [&'static str],
}

pub(crate) const FACE_SET_NAME: Rule = Rule { field: "face_set_name", min: 1, max: 64, reserved: &[] };
pub(crate) const EXTERNAL_IMAGE_ID: Rule =
    Rule { field: "external_image_id", min: 1, max: 36, reserved: &[] };
pub(crate) const FACE_ID: Rule = Rule { field: "face_id", min: 1, max: 64, reserved: &[] };
pub(crate) const PROJECT_ID: Rule = Rule { field: "project_id", min: 1, max: 64, reserved: &[] };
pub(crate) const ENTERPRISE_PROJECT_ID: Rule =
    Rule { field: "Enterprise-Project-Id", min: 1, max: 64, reserved: &[] };
pub(crate) const FIELD_NAME: Rule =
    Rule { field: "field_name", min: 1, max: 36, reserved: &RESERVED_FROM_DOCS };

/// Position (in characters) and value of the first character outside `allowed`.
pub(crate) fn first_outside(s: &str, allowed: fn(char) -> bool) -> Option<(usize, char)> {
    s.chars().enumerate().find(|&(_, c)| !allowed(c))
}

/// `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`, checked by splitting the text into its parts
/// (the library scans it byte by byte).
pub(crate) fn is_number_literal(s: &str) -> bool {
    fn digits(t: &str) -> bool {
        !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit())
    }
    let unsigned = s.strip_prefix('-').unwrap_or(s);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (mantissa, None),
    };
    digits(int)
        && frac.is_none_or(digits)
        && exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
}

pub(crate) fn parses_finite(s: &str) -> bool {
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// What the documented rules say about a custom-field value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValueVerdict {
    pub(crate) is_bool: bool,
    /// Rule (b): a number literal, finite, at most 256 characters.
    pub(crate) is_number: bool,
    /// Rule (c): 1..=256 letters/digits of any script, `-`, `_`.
    pub(crate) is_string: bool,
}

impl ValueVerdict {
    pub(crate) fn of(s: &str) -> Self {
        let len = s.chars().count();
        Self {
            is_bool: s == "true" || s == "false",
            is_number: is_number_literal(s) && parses_finite(s) && len <= 256,
            is_string: (1..=256).contains(&len) && s.chars().all(in_unicode_word_set),
        }
    }

    pub(crate) fn accepted(self) -> bool {
        self.is_bool || self.is_number || self.is_string
    }
}

/// The most specific reading of an accepted value, per the `FieldValueKind` docs.
pub(crate) fn expected_kind(s: &str) -> FieldValueKind {
    let v = ValueVerdict::of(s);
    let fraction_or_exponent = s.contains(['.', 'e', 'E']);
    if v.is_bool {
        FieldValueKind::Boolean
    } else if v.is_number && !fraction_or_exponent && s.parse::<i64>().is_ok() {
        FieldValueKind::Integer
    } else if v.is_number && fraction_or_exponent {
        FieldValueKind::Number
    } else {
        FieldValueKind::String
    }
}
