//! Property tests of the validated identifiers and custom-field values of `frs-types`.
//!
//! Every constructor accepts exactly the texts the documented service rules allow
//! (limits.md, custom-fields.md), rejects the rest with an error naming the wire field and
//! the broken rule without panicking, keeps accepted text verbatim, and deserializes
//! through the same checks.
//!
//! The oracles (`oracles.rs`) are written independently of the library (explicit character
//! ranges, a split-based number grammar, the reserved names copied from custom-fields.md §1);
//! `checks.rs` compares an outcome with them; and most properties also use generators
//! (`generators.rs`) that produce only valid or only invalid inputs by construction, so the
//! expected outcome does not depend on any predicate at all.

mod checks;
mod generators;
mod oracles;

use checks::*;
use frs_types::{
    EnterpriseProjectId, ExternalImageId, FaceId, FaceSetName, FieldName, FieldValue, FieldValueKind,
    Problem, ProjectId,
};
use generators::*;
use oracles::*;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use proptest::test_runner::TestCaseError;

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
