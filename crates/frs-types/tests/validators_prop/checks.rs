//! Checks shared by the properties: an outcome against the oracles.

use std::fmt::{Debug, Display};
use std::str::FromStr;

use crate::oracles::*;
use frs_types::{
    EnterpriseProjectId, ExternalImageId, FaceId, FaceSetName, FieldName, FieldValue, Problem, ProjectId,
    ValidationError,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Checks one identifier's outcome against its rule: accepted exactly when the rule holds,
/// and otherwise an error naming the field and a rule the input really breaks.
pub(crate) fn check_word_outcome(
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
pub(crate) fn check_conversions_and_serde<T>(
    input: &str,
    got: &Result<T, ValidationError>,
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

pub(crate) fn check_word_id<T>(
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
pub(crate) fn check_all_word_ids(input: &str) -> Result<(), TestCaseError> {
    check_word_id(FACE_SET_NAME, input, |s| FaceSetName::new(s))?;
    check_word_id(EXTERNAL_IMAGE_ID, input, |s| ExternalImageId::new(s))?;
    check_word_id(FACE_ID, input, |s| FaceId::new(s))?;
    check_word_id(PROJECT_ID, input, |s| ProjectId::new(s))?;
    check_word_id(ENTERPRISE_PROJECT_ID, input, |s| EnterpriseProjectId::new(s))?;
    check_word_id(FIELD_NAME, input, |s| FieldName::new(s))
}

/// Checks `FieldValue::new` on one input against rules (a), (b), (c).
pub(crate) fn check_field_value(input: &str) -> Result<(), TestCaseError> {
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
