//! Property tests of the validated identifiers and custom-field values of `frs-types`.
//!
//! Every constructor accepts exactly the texts the documented service rules allow
//! (limits.md, custom-fields.md), rejects the rest with an error naming the wire field and
//! the broken rule without panicking, keeps accepted text verbatim, and deserializes
//! through the same checks.
//!
//! The oracles below are written independently of the library (explicit character ranges,
//! a split-based number grammar, the reserved names copied from custom-fields.md §1), and
//! most properties also use generators that produce only valid or only invalid inputs by
//! construction, so the expected outcome does not depend on any predicate at all.
//!

use std::fmt::{Debug, Display};
use std::ops::RangeInclusive;
use std::str::FromStr;

use frs_types::{
    EnterpriseProjectId, ExternalImageId, FaceId, FaceSetName, FieldName, FieldValue, FieldValueKind,
    Problem, ProjectId, ValidationError,
};
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;

// ---------------------------------------------------------------------------------------------
// Oracles: the documented rules, written without the library's helpers.
// ---------------------------------------------------------------------------------------------

/// `[A-Za-z0-9_-]`, spelled out as ranges (the library uses `is_ascii_alphanumeric`).
fn in_ascii_word_set(c: char) -> bool {
    matches!(c, 'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_')
}

/// A letter or digit of any script, `-` or `_` (custom-fields.md §2), spelled as
/// `is_alphabetic || is_numeric` rather than `is_alphanumeric`.
fn in_unicode_word_set(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c == '-' || c == '_'
}

/// The reserved custom-field names, copied from custom-fields.md §1 (not from the library).
const RESERVED_FROM_DOCS: [&str; 9] = [
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
struct Rule {
    /// Wire name the error must carry.
    field: &'static str,
    min: usize,
    max: usize,
    reserved: &'static [&'static str],
}

const FACE_SET_NAME: Rule = Rule { field: "face_set_name", min: 1, max: 64, reserved: &[] };
const EXTERNAL_IMAGE_ID: Rule = Rule { field: "external_image_id", min: 1, max: 36, reserved: &[] };
const FACE_ID: Rule = Rule { field: "face_id", min: 1, max: 64, reserved: &[] };
const PROJECT_ID: Rule = Rule { field: "project_id", min: 1, max: 64, reserved: &[] };
const ENTERPRISE_PROJECT_ID: Rule = Rule { field: "Enterprise-Project-Id", min: 1, max: 64, reserved: &[] };
const FIELD_NAME: Rule = Rule { field: "field_name", min: 1, max: 36, reserved: &RESERVED_FROM_DOCS };

/// Position (in characters) and value of the first character outside `allowed`.
fn first_outside(s: &str, allowed: fn(char) -> bool) -> Option<(usize, char)> {
    s.chars().enumerate().find(|&(_, c)| !allowed(c))
}

/// `-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?`, checked by splitting the text into its parts
/// (the library scans it byte by byte).
fn is_number_literal(s: &str) -> bool {
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

fn parses_finite(s: &str) -> bool {
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// What the documented rules say about a custom-field value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ValueVerdict {
    is_bool: bool,
    /// Rule (b): a number literal, finite, at most 256 characters.
    is_number: bool,
    /// Rule (c): 1..=256 letters/digits of any script, `-`, `_`.
    is_string: bool,
}

impl ValueVerdict {
    fn of(s: &str) -> Self {
        let len = s.chars().count();
        Self {
            is_bool: s == "true" || s == "false",
            is_number: is_number_literal(s) && parses_finite(s) && len <= 256,
            is_string: (1..=256).contains(&len) && s.chars().all(in_unicode_word_set),
        }
    }

    fn accepted(self) -> bool {
        self.is_bool || self.is_number || self.is_string
    }
}

/// The most specific reading of an accepted value, per the `FieldValueKind` docs.
fn expected_kind(s: &str) -> FieldValueKind {
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

// ---------------------------------------------------------------------------------------------
// Checks shared by the properties.
// ---------------------------------------------------------------------------------------------

/// Checks one identifier's outcome against its rule: accepted exactly when the rule holds,
/// and otherwise an error naming the field and a rule the input really breaks.
fn check_word_outcome(
    rule: Rule,
    input: &str,
    got: Result<&str, &ValidationError>,
) -> Result<(), TestCaseError> {
    let len = input.chars().count();
    let bad = first_outside(input, in_ascii_word_set);
    let len_ok = rule.min <= len && len <= rule.max;
    let reserved = rule.reserved.contains(&input);
    let valid = bad.is_none() && len_ok && !reserved;
    match got {
        Ok(text) => {
            prop_assert!(
                valid,
                "{} accepted {:?} (len {}, bad {:?}, reserved {})",
                rule.field,
                input,
                len,
                bad,
                reserved
            );
            prop_assert_eq!(text, input, "{} changed the text", rule.field);
        }
        Err(err) => {
            prop_assert!(!valid, "{} rejected the valid {:?}: {}", rule.field, input, err);
            prop_assert_eq!(err.field(), rule.field);
            let msg = err.to_string();
            let prefix = format!("invalid {}: ", rule.field);
            prop_assert!(msg.starts_with(&prefix), "{:?} does not start with {:?}", msg, prefix);
            match err.problem() {
                Problem::Character { ch, position, allowed } => {
                    // A character error must point at the first character outside the set.
                    prop_assert_eq!(bad, Some((*position, *ch)), "{:?}: {}", input, msg);
                    prop_assert!(allowed.contains("'-'") && allowed.contains("'_'"), "{}", allowed);
                    prop_assert!(msg.contains(&format!("position {position}")), "{}", msg);
                    prop_assert!(msg.contains(&format!("{ch:?}")), "{}", msg);
                }
                Problem::Length { min, max, actual } => {
                    prop_assert!(!len_ok, "{:?}: length error but length {} is fine", input, len);
                    prop_assert_eq!((*min, *max, *actual), (rule.min, rule.max, len));
                    prop_assert!(
                        msg.contains(&rule.max.to_string()),
                        "{} does not mention {}",
                        msg,
                        rule.max
                    );
                    if len == 0 {
                        prop_assert!(msg.contains("empty"), "{}", msg);
                    } else {
                        prop_assert!(msg.contains(&len.to_string()), "{} does not mention {}", msg, len);
                    }
                }
                Problem::Reserved { name } => {
                    prop_assert!(bad.is_none() && len_ok && reserved, "{:?} is not a reserved name", input);
                    prop_assert_eq!(name.as_str(), input);
                    prop_assert!(msg.contains(input) && msg.contains("reserved"), "{}", msg);
                }
                other => return Err(TestCaseError::fail(format!("{input:?}: unexpected problem {other:?}"))),
            }
        }
    }
    Ok(())
}

/// The conversions every validated type offers must agree with `new`, and serde must go
/// through the same checks.
fn check_conversions_and_serde<T>(input: &str, got: &Result<T, ValidationError>) -> Result<(), TestCaseError>
where
    T: FromStr<Err = ValidationError>
        + for<'a> TryFrom<&'a str, Error = ValidationError>
        + TryFrom<String, Error = ValidationError>
        + Into<String>
        + AsRef<str>
        + Display
        + Debug
        + Clone
        + PartialEq
        + Serialize
        + DeserializeOwned,
{
    prop_assert_eq!(&input.parse::<T>(), got);
    prop_assert_eq!(&T::try_from(input), got);
    prop_assert_eq!(&T::try_from(input.to_owned()), got);
    let input_json = serde_json::to_string(input).unwrap();
    match got {
        Ok(value) => {
            prop_assert_eq!(value.as_ref(), input);
            prop_assert_eq!(value.to_string(), input);
            prop_assert_eq!(Into::<String>::into(value.clone()), input);
            let json = serde_json::to_string(value).unwrap();
            // Serialized as the bare JSON string, with nothing added.
            prop_assert_eq!(&json, &input_json);
            let back: T = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, value);
        }
        Err(err) => {
            let de = serde_json::from_str::<T>(&input_json);
            prop_assert!(de.is_err(), "{:?} deserialized although `new` rejects it", input);
            let text = de.err().map(|e| e.to_string()).unwrap_or_default();
            let want = format!("invalid {}", err.field());
            prop_assert!(text.contains(&want), "serde error {:?} does not name the field", text);
        }
    }
    Ok(())
}

fn check_word_id<T>(
    rule: Rule,
    input: &str,
    make: fn(&str) -> Result<T, ValidationError>,
) -> Result<(), TestCaseError>
where
    T: FromStr<Err = ValidationError>
        + for<'a> TryFrom<&'a str, Error = ValidationError>
        + TryFrom<String, Error = ValidationError>
        + Into<String>
        + AsRef<str>
        + Display
        + Debug
        + Clone
        + PartialEq
        + Serialize
        + DeserializeOwned,
{
    let got = make(input);
    check_word_outcome(rule, input, got.as_ref().map(AsRef::as_ref))?;
    check_conversions_and_serde(input, &got)
}

/// Runs `check_word_id` for all six identifier types on one input.
fn check_all_word_ids(input: &str) -> Result<(), TestCaseError> {
    check_word_id(FACE_SET_NAME, input, |s| FaceSetName::new(s))?;
    check_word_id(EXTERNAL_IMAGE_ID, input, |s| ExternalImageId::new(s))?;
    check_word_id(FACE_ID, input, |s| FaceId::new(s))?;
    check_word_id(PROJECT_ID, input, |s| ProjectId::new(s))?;
    check_word_id(ENTERPRISE_PROJECT_ID, input, |s| EnterpriseProjectId::new(s))?;
    check_word_id(FIELD_NAME, input, |s| FieldName::new(s))
}

/// Checks `FieldValue::new` on one input against rules (a), (b), (c).
fn check_field_value(input: &str) -> Result<(), TestCaseError> {
    let got = FieldValue::new(input);
    let verdict = ValueVerdict::of(input);
    let len = input.chars().count();
    match &got {
        Ok(value) => {
            prop_assert!(verdict.accepted(), "accepted {:?} ({:?})", input, verdict);
            prop_assert_eq!(value.as_str(), input);
            prop_assert_eq!(value.kind(), expected_kind(input), "kind of {:?}", input);
            prop_assert_eq!(value.is_string_value(), input.chars().all(in_unicode_word_set));
        }
        Err(err) => {
            prop_assert!(!verdict.accepted(), "rejected the valid {:?} ({:?}): {}", input, verdict, err);
            prop_assert_eq!(err.field(), "field_value");
            let msg = err.to_string();
            prop_assert!(msg.starts_with("invalid field_value: "), "{}", msg);
            match err.problem() {
                Problem::Character { ch, position, .. } => {
                    prop_assert_eq!(first_outside(input, in_unicode_word_set), Some((*position, *ch)));
                    prop_assert!(msg.contains(&format!("position {position}")), "{}", msg);
                }
                Problem::Length { min, max, actual } => {
                    prop_assert!(!(1..=256).contains(&len), "{:?}: length {} is fine", input, len);
                    prop_assert_eq!((*min, *max, *actual), (1, 256, len));
                    prop_assert!(msg.contains("256"), "{}", msg);
                }
                Problem::NumberOutOfRange => {
                    prop_assert!(is_number_literal(input) && !parses_finite(input), "{:?}", input);
                }
                other => return Err(TestCaseError::fail(format!("{input:?}: unexpected problem {other:?}"))),
            }
        }
    }
    check_conversions_and_serde(input, &got)?;
    if let Ok(value) = got {
        // Serde keeps the kind too (the whole value compares equal after a round trip).
        let back: FieldValue = serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
        prop_assert_eq!(back.kind(), value.kind());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Generators.
// ---------------------------------------------------------------------------------------------

fn ascii_word_chars() -> Vec<char> {
    ('a'..='z').chain('A'..='Z').chain('0'..='9').chain(['-', '_']).collect()
}

/// Strings of `[A-Za-z0-9_-]` with a length in `len`: valid by construction when `len` is
/// within the rule.
fn ascii_word(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(select(ascii_word_chars()), len).prop_map(String::from_iter)
}

/// Characters that break URLs, queries or naive validators, plus a few valid ones.
const TRICKY: &[char] = &[
    ' ', '&', '=', '+', '#', '%', '/', '?', '~', '*', '\'', '"', '.', ',', ':', ';', '\\', '<', '>', '@',
    '!', '$', '(', ')', '[', ']', '{', '}', '|', '^', '`', '\t', '\n', '\r', '\0', '\u{7f}', '\u{85}', 'é',
    'ß', 'Ω', 'Я', '张', '三', '٣', 'Ⅻ', '²', '½', '😀', '\u{301}', '\u{200b}', '\u{a0}', '\u{3000}',
    '\u{feff}', '\u{ff0d}', '\u{ff3f}', '\u{2010}', '\u{2212}', 'a', 'Z', '0', '9', '-', '_', 'e', 'E',
];

fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(select(TRICKY), 0..=300).prop_map(String::from_iter)
}

/// Any text at all: arbitrary Unicode (including control characters), the tricky set,
/// empty, long and boundary-length word strings, and reserved names.
fn arbitrary_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        3 => prop::collection::vec(any::<char>(), 0..=300).prop_map(String::from_iter),
        4 => tricky_text(),
        1 => Just(String::new()),
        3 => ascii_word(0..=300),
        4 => ascii_word(30..=70),
        1 => select(RESERVED_FROM_DOCS.to_vec()).prop_map(str::to_owned),
    ]
}

/// A character outside `[A-Za-z0-9_-]`.
fn non_ascii_word_char() -> impl Strategy<Value = char> {
    prop_oneof![
        select(TRICKY).prop_map(|c| if in_ascii_word_set(c) { '%' } else { c }),
        any::<char>().prop_map(|c| if in_ascii_word_set(c) { ' ' } else { c }),
    ]
}

fn unicode_word_char() -> impl Strategy<Value = char> {
    prop_oneof![
        select(ascii_word_chars()),
        prop::char::range('\u{4e00}', '\u{9fa5}'),
        select(vec!['é', 'ß', 'Ω', 'Я', '٣', 'Ⅻ', '²', '½', 'ا', 'ñ', 'ü']),
        // Any character, replaced by a fixed letter when it is not one (a map, not a
        // filter, so nothing is rejected).
        any::<char>().prop_map(|c| if c.is_alphabetic() || c.is_numeric() { c } else { 'ж' }),
    ]
}

/// Valid string values by construction: letters and digits of any script, `-`, `_`.
fn unicode_word(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(unicode_word_char(), len).prop_map(String::from_iter)
}

fn digit_string(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(select(('0'..='9').collect::<Vec<_>>()), len).prop_map(String::from_iter)
}

/// Number literals that are finite by construction: at most 20 integer digits, an optional
/// fraction, and an exponent of at most 280.
fn finite_number_literal() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        digit_string(1..=20),
        prop::option::of(digit_string(1..=20)),
        prop::option::of((select(vec!['e', 'E']), select(vec!["", "+", "-"]), 0u32..=280)),
    )
        .prop_map(|(neg, int, frac, exp)| {
            let mut s = String::new();
            if neg {
                s.push('-');
            }
            s.push_str(&int);
            if let Some(frac) = frac {
                s.push('.');
                s.push_str(&frac);
            }
            if let Some((e, sign, n)) = exp {
                s.push(e);
                s.push_str(sign);
                s.push_str(&n.to_string());
            }
            s
        })
}

/// Decimal number literals of exactly `len` characters (a digit before and after the dot,
/// optionally a leading `-`); finite, since they have at most 300 digits (f64 overflows
/// only past 309).
fn decimal_of_len(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    (len, any::<bool>(), any::<Index>(), any::<Index>()).prop_map(|(len, neg, dot, seed)| {
        // At least one digit on each side of the dot.
        let sign = if neg && len >= 4 { "-" } else { "" };
        let digits = len - 1 - sign.len();
        let before = 1 + dot.index(digits - 1);
        let fill = |n: usize, from: usize| -> String {
            (0..n).map(|i| char::from(b'0' + u8::try_from((from + i * 7) % 10).unwrap())).collect()
        };
        let start = seed.index(10);
        format!("{sign}{}.{}", fill(before, start), fill(digits - before, start + 3))
    })
}

/// Number literals that overflow f64 by construction: a non-zero leading digit and an
/// exponent of at least 400 (and `+` or no sign).
fn overflowing_number_literal(with_fraction: bool) -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        1u8..=9,
        digit_string(0..=5),
        digit_string(1..=5),
        select(vec!["e", "E", "e+", "E+"]),
        400u32..=99_999,
    )
        .prop_map(move |(neg, lead, rest, frac, e, exp)| {
            let sign = if neg { "-" } else { "" };
            if with_fraction {
                format!("{sign}{lead}{rest}.{frac}{e}{exp}")
            } else {
                format!("{sign}{lead}{rest}{e}{exp}")
            }
        })
}

/// Inputs aimed at the custom-field value rules.
fn value_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => arbitrary_text(),
        3 => finite_number_literal(),
        1 => overflowing_number_literal(true),
        1 => overflowing_number_literal(false),
        3 => prop::collection::vec(select(vec!['0', '1', '9', '.', 'e', 'E', '+', '-', 'f', 'L', 'd', ' ']), 0..=12)
            .prop_map(String::from_iter),
        3 => unicode_word(1..=64),
        2 => unicode_word(250..=262),
        1 => digit_string(15..=30),
        2 => decimal_of_len(250..=262),
        1 => digit_string(250..=262),
        1 => select(vec![
            "true", "false", "True", "FALSE", " true", "true ", "", "1.0f", "1.0d", "100L", "+1", ".5", "1.", "-",
            "_", "007", "-0", "1e5", "1E+5", "2e3", "-1.25E-7", "a b", "a&b", "x=1", "50%", "a/b", "'q'", "\"q\"",
            "1,5", "0x1F", "NaN", "inf", "1e999", "1.5e999", "张三", "A-1001",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Replaces the character at `at` of `base` with `ch`; returns the text and the position.
fn with_char_at(base: &str, at: Index, ch: char) -> (String, usize) {
    let chars: Vec<char> = base.chars().collect();
    let pos = at.index(chars.len());
    let mut out: String = chars[..pos].iter().collect();
    out.push(ch);
    out.extend(&chars[pos + 1..]);
    (out, pos)
}

// ---------------------------------------------------------------------------------------------
// Properties: identifiers.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Over arbitrary text, each identifier accepts exactly its documented set and
    /// otherwise names its field and a rule the text breaks; nothing panics.
    #[test]
    fn word_ids_accept_exactly_the_documented_set(input in arbitrary_text()) {
        check_all_word_ids(&input)?;
    }

    /// Valid by construction: every identifier accepts it and keeps it verbatim.
    #[test]
    fn word_ids_accept_valid_text(long in ascii_word(1..=64), short in ascii_word(1..=36)) {
        prop_assert_eq!(FaceSetName::new(long.as_str()).map(String::from), Ok(long.clone()));
        prop_assert_eq!(FaceId::new(long.as_str()).map(String::from), Ok(long.clone()));
        prop_assert_eq!(ProjectId::new(long.as_str()).map(String::from), Ok(long.clone()));
        prop_assert_eq!(EnterpriseProjectId::new(long.as_str()).map(String::from), Ok(long.clone()));
        prop_assert_eq!(ExternalImageId::new(short.as_str()).map(String::from), Ok(short.clone()));
        if !RESERVED_FROM_DOCS.contains(&short.as_str()) {
            prop_assert_eq!(FieldName::new(short.as_str()).map(String::from), Ok(short.clone()));
        }
        check_all_word_ids(&long)?;
        check_all_word_ids(&short)?;
    }

    /// Invalid by construction: one character outside the set in an otherwise valid text of
    /// valid length. Every identifier reports exactly that character and its position.
    #[test]
    fn word_ids_report_the_bad_character(base in ascii_word(1..=36), at in any::<Index>(), bad in non_ascii_word_char()) {
        let (input, pos) = with_char_at(&base, at, bad);
        let errors = [
            FaceSetName::new(input.as_str()).unwrap_err(),
            ExternalImageId::new(input.as_str()).unwrap_err(),
            FaceId::new(input.as_str()).unwrap_err(),
            ProjectId::new(input.as_str()).unwrap_err(),
            EnterpriseProjectId::new(input.as_str()).unwrap_err(),
            FieldName::new(input.as_str()).unwrap_err(),
        ];
        let fields = ["face_set_name", "external_image_id", "face_id", "project_id", "Enterprise-Project-Id", "field_name"];
        for (err, field) in errors.iter().zip(fields) {
            prop_assert_eq!(err.field(), field);
            match err.problem() {
                Problem::Character { ch, position, .. } => prop_assert_eq!((*ch, *position), (bad, pos)),
                other => return Err(TestCaseError::fail(format!("{field}: {other:?} for {input:?}"))),
            }
            prop_assert!(err.to_string().contains(&format!("{bad:?} at position {pos}")), "{}", err);
        }
        check_all_word_ids(&input)?;
    }

    /// Too long by construction: 37..=64 characters break only the 36-character ids;
    /// 65..=300 break all of them, and the message names the limit.
    #[test]
    fn word_ids_report_the_length(mid in ascii_word(37..=64), long in ascii_word(65..=300)) {
        let mid_len = mid.chars().count();
        for err in [ExternalImageId::new(mid.as_str()).unwrap_err(), FieldName::new(mid.as_str()).unwrap_err()] {
            prop_assert_eq!(err.problem(), &Problem::Length { min: 1, max: 36, actual: mid_len });
            prop_assert!(err.to_string().contains("36"), "{}", err);
        }
        prop_assert!(FaceSetName::new(mid.as_str()).is_ok());
        prop_assert!(FaceId::new(mid.as_str()).is_ok());
        prop_assert!(ProjectId::new(mid.as_str()).is_ok());
        prop_assert!(EnterpriseProjectId::new(mid.as_str()).is_ok());

        let long_len = long.chars().count();
        let errs64 = [
            FaceSetName::new(long.as_str()).unwrap_err(),
            FaceId::new(long.as_str()).unwrap_err(),
            ProjectId::new(long.as_str()).unwrap_err(),
            EnterpriseProjectId::new(long.as_str()).unwrap_err(),
        ];
        for err in errs64 {
            prop_assert_eq!(err.problem(), &Problem::Length { min: 1, max: 64, actual: long_len });
            prop_assert!(err.to_string().contains("64"), "{}", err);
            prop_assert!(err.to_string().contains(&long_len.to_string()), "{}", err);
        }
        for err in [ExternalImageId::new(long.as_str()).unwrap_err(), FieldName::new(long.as_str()).unwrap_err()] {
            prop_assert_eq!(err.problem(), &Problem::Length { min: 1, max: 36, actual: long_len });
        }
    }
}

#[test]
fn empty_identifiers_are_length_errors() {
    let cases = [
        (FaceSetName::new("").unwrap_err(), "face_set_name", 64),
        (ExternalImageId::new("").unwrap_err(), "external_image_id", 36),
        (FaceId::new("").unwrap_err(), "face_id", 64),
        (ProjectId::new("").unwrap_err(), "project_id", 64),
        (EnterpriseProjectId::new("").unwrap_err(), "Enterprise-Project-Id", 64),
        (FieldName::new("").unwrap_err(), "field_name", 36),
    ];
    for (err, field, max) in cases {
        assert_eq!(err.field(), field);
        assert_eq!(err.problem(), &Problem::Length { min: 1, max, actual: 0 });
        let msg = err.to_string();
        assert!(msg.contains("empty") && msg.contains(&max.to_string()), "{msg}");
    }
}

#[test]
fn reserved_names_match_the_docs() {
    let mut lib = FieldName::RESERVED.to_vec();
    let mut docs = RESERVED_FROM_DOCS.to_vec();
    lib.sort_unstable();
    docs.sort_unstable();
    assert_eq!(lib, docs);
    for name in RESERVED_FROM_DOCS {
        let err = FieldName::new(name).unwrap_err();
        assert_eq!(err.field(), "field_name");
        assert_eq!(err.problem(), &Problem::Reserved { name: name.to_owned() });
        // The other identifiers have no reserved names.
        assert!(ExternalImageId::new(name).is_ok() && FaceSetName::new(name).is_ok(), "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Properties: custom-field values.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Over arbitrary text, `FieldValue::new` accepts exactly rules (a) ∪ (b) ∪ (c), keeps
    /// the text, classifies it, and otherwise reports `field_value` with a true problem.
    #[test]
    fn field_value_accepts_exactly_the_documented_texts(input in value_text()) {
        check_field_value(&input)?;
    }

    /// Valid string values by construction (letters of any script, digits, `-`, `_`).
    #[test]
    fn field_value_accepts_unicode_words(input in unicode_word(1..=256)) {
        let value = FieldValue::new(input.as_str()).unwrap();
        prop_assert_eq!(value.as_str(), input.as_str());
        prop_assert!(value.is_string_value());
        check_field_value(&input)?;
    }

    /// Finite number literals by construction are accepted verbatim, with the kind their
    /// shape says.
    #[test]
    fn field_value_accepts_finite_number_literals(input in finite_number_literal()) {
        let value = FieldValue::new(input.as_str()).unwrap();
        prop_assert_eq!(value.as_str(), input.as_str());
        if input.contains(['.', 'e', 'E']) {
            prop_assert_eq!(value.kind(), FieldValueKind::Number);
        } else if input.parse::<i64>().is_ok() {
            prop_assert_eq!(value.kind(), FieldValueKind::Integer);
        } else {
            // Too big for 64 bits: still a valid string of digits.
            prop_assert_eq!(value.kind(), FieldValueKind::String);
        }
        check_field_value(&input)?;
    }

    /// Long decimals by construction: up to 256 characters they are numbers, beyond that
    /// they break the length limit (they are not string values, because of the dot).
    #[test]
    fn field_value_number_length_limit(ok in decimal_of_len(3..=256), long in decimal_of_len(257..=300)) {
        let value = FieldValue::new(ok.as_str()).unwrap();
        prop_assert_eq!((value.as_str(), value.kind()), (ok.as_str(), FieldValueKind::Number));
        let len = long.chars().count();
        let err = FieldValue::new(long.as_str()).unwrap_err();
        prop_assert_eq!(err.field(), "field_value");
        prop_assert_eq!(err.problem(), &Problem::Length { min: 1, max: 256, actual: len });
        check_field_value(&ok)?;
        check_field_value(&long)?;
    }

    /// Overflowing number literals with a fraction are neither numbers nor string values.
    #[test]
    fn field_value_rejects_overflowing_decimals(input in overflowing_number_literal(true)) {
        let err = FieldValue::new(input.as_str()).unwrap_err();
        prop_assert_eq!(err.field(), "field_value");
        prop_assert_eq!(err.problem(), &Problem::NumberOutOfRange);
        check_field_value(&input)?;
    }

    /// Invalid by construction: a valid string value with one character that is neither a
    /// letter, a digit, `-`, `_`, nor part of a number (`.`, `+`), so no rule can accept it.
    #[test]
    fn field_value_reports_the_bad_character(
        base in unicode_word(1..=256),
        at in any::<Index>(),
        bad in prop_oneof![select(TRICKY), any::<char>()]
            .prop_map(|c| if in_unicode_word_set(c) || c == '.' || c == '+' { '&' } else { c }),
    ) {
        let (input, pos) = with_char_at(&base, at, bad);
        let err = FieldValue::new(input.as_str()).unwrap_err();
        prop_assert_eq!(err.field(), "field_value");
        match err.problem() {
            Problem::Character { ch, position, .. } => prop_assert_eq!((*ch, *position), (bad, pos)),
            other => return Err(TestCaseError::fail(format!("{other:?} for {input:?}"))),
        }
        prop_assert!(serde_json::from_str::<FieldValue>(&serde_json::to_string(&input).unwrap()).is_err());
    }

    /// Too long by construction: 257..=300 word characters.
    #[test]
    fn field_value_reports_the_length(input in unicode_word(257..=300)) {
        let len = input.chars().count();
        let err = FieldValue::new(input.as_str()).unwrap_err();
        prop_assert_eq!(err.field(), "field_value");
        prop_assert_eq!(err.problem(), &Problem::Length { min: 1, max: 256, actual: len });
        prop_assert!(err.to_string().contains("256"), "{}", err);
    }

    /// Malformed numbers: a sign the grammar does not allow, a missing integer part, a
    /// trailing dot, or a type suffix after a fraction.
    #[test]
    fn field_value_rejects_malformed_numbers(
        digits in digit_string(1..=10),
        frac in digit_string(1..=10),
        suffix in select(vec!["f", "F", "d", "D", "L", "l"]),
        form in 0u8..5,
    ) {
        let input = match form {
            0 => format!("+{digits}"),
            1 => format!(".{frac}"),
            2 => format!("{digits}."),
            3 => format!("{digits}.{frac}{suffix}"),
            _ => format!("{digits}.{frac}.{frac}"),
        };
        let err = FieldValue::new(input.as_str()).unwrap_err();
        prop_assert_eq!(err.field(), "field_value");
        check_field_value(&input)?;
    }

    /// `FieldValue::integer` writes the decimal form and reads back as the same value.
    #[test]
    fn field_value_integer(n in any::<i64>()) {
        let value = FieldValue::integer(n);
        prop_assert_eq!(value.as_str(), n.to_string());
        prop_assert_eq!(value.kind(), FieldValueKind::Integer);
        prop_assert_eq!(&FieldValue::from(n), &value);
        prop_assert_eq!(&FieldValue::new(n.to_string()).unwrap(), &value);
        if let Ok(small) = i32::try_from(n) {
            prop_assert_eq!(&FieldValue::from(small), &value);
        }
        let back: FieldValue = serde_json::from_str(&serde_json::to_string(&value).unwrap()).unwrap();
        prop_assert_eq!(&back, &value);
    }

    /// `FieldValue::number` on finite values whose decimal form fits in 256 characters
    /// (|x| within about 1e±198, zero, and every i64 as f64): accepted, and the text parses
    /// back to exactly `x`.
    #[test]
    fn field_value_number_round_trips(
        x in prop_oneof![
            // Any sign and mantissa, binary exponent within ±660 (|x| within about 1e±198).
            (any::<bool>(), 363u64..=1683, 0u64..(1 << 52))
                .prop_map(|(neg, exp, mantissa)| f64::from_bits((u64::from(neg) << 63) | (exp << 52) | mantissa)),
            any::<i64>().prop_map(|n| n as f64),
            select(vec![0.0, -0.0, 0.1, -0.25, 1.5, 2e3, 1.0 / 3.0, f64::EPSILON, 1e200, -1e-200]),
        ]
    ) {
        let value = FieldValue::number(x).unwrap();
        let text = value.as_str();
        prop_assert_eq!(text.parse::<f64>().unwrap(), x);
        prop_assert!(ValueVerdict::of(text).is_number, "{:?} is not a number literal", text);
        prop_assert_eq!(&FieldValue::new(text).unwrap(), &value);
        prop_assert_eq!(&FieldValue::try_from(x).unwrap(), &value);
    }

    /// NaN (with any payload) and the infinities are rejected.
    #[test]
    fn field_value_number_rejects_non_finite(payload in 1u64..(1 << 52), neg in any::<bool>()) {
        let sign = if neg { 1u64 << 63 } else { 0 };
        let nan = f64::from_bits(sign | 0x7ff0_0000_0000_0000 | payload);
        prop_assert!(nan.is_nan());
        for x in [nan, f64::INFINITY, f64::NEG_INFINITY] {
            let err = FieldValue::number(x).unwrap_err();
            prop_assert_eq!(err.field(), "field_value");
            prop_assert_eq!(err.problem(), &Problem::NumberOutOfRange);
        }
    }
}

#[test]
fn field_value_boolean() {
    for b in [true, false] {
        let value = FieldValue::boolean(b);
        assert_eq!(value.as_str(), b.to_string());
        assert_eq!(value.kind(), FieldValueKind::Boolean);
        assert_eq!(FieldValue::from(b), value);
        assert_eq!(FieldValue::new(b.to_string()).unwrap(), value);
    }
}

// ---------------------------------------------------------------------------------------------
// Regressions: two bugs these properties found (now fixed in the library).
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// Number literals too big for f64: `1e999`, `-7E400`, … are made only of letters,
    /// digits and `-`, so rule (c) (string values, custom-fields.md §2) accepts them, as it
    /// accepts integer literals too big for i64; with a `+` or `.` they are no string value
    /// and are rejected as out of range.
    #[test]
    fn overflowing_number_literals_are_text_or_out_of_range(
        input in prop_oneof![overflowing_number_literal(false), overflowing_number_literal(true)],
    ) {
        let value = FieldValue::new(input.as_str());
        if ValueVerdict::of(&input).is_string {
            prop_assert!(value.is_ok(), "{:?} rejected: {:?}", input, value);
            prop_assert_eq!(value.unwrap().kind(), FieldValueKind::String);
        } else {
            let err = value.unwrap_err();
            prop_assert_eq!(err.problem(), &Problem::NumberOutOfRange, "{:?}", input);
        }
    }

    /// `FieldValue::number` rejects only NaN and infinities: numbers whose plain decimal form
    /// is long (`1e300`, `f64::MAX`, `f64::MIN_POSITIVE`) are written with an exponent.
    #[test]
    fn bug_number_accepts_every_finite_f64(x in any::<f64>().prop_filter("finite", |x| x.is_finite())) {
        let value = FieldValue::number(x);
        prop_assert!(value.is_ok(), "{:e} rejected: {:?}", x, value);
        prop_assert_eq!(value.unwrap().as_str().parse::<f64>().unwrap(), x);
    }
}
