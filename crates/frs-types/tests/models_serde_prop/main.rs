//! Property tests that every JSON model of `frs-types` round-trips through `serde_json`.
//!
//! Also: the unusual wire names (literal JSON), the documented example bodies of models.md
//! and operations.md (`documented_bodies.rs`), and the `Debug` of `EncodedPicture`, which
//! must hide the base64 text.
//!
//! Covered: every struct of `src/models/` (`common`, `detection`, `error`, `face_sets`,
//! `faces`, `iam`, `liveness`, `search`), [`ExternalFields`] / [`ExternalValue`]
//! (`src/fields.rs`) and [`Sort`] / [`ReturnFields`] (`src/sort.rs`).
//!
//! For each of them a strategy (`strategies.rs`) builds arbitrary values (every `Option`
//! field present or absent, strings of arbitrary Unicode including control characters and
//! quotes, small nested vectors and JSON values) and the property is
//! `from_str(to_string(v)) == v` (and the same through `serde_json::Value`). Models without
//! free-form JSON inside must also never write `null`: absent options are omitted.
//!
//! # Floating-point numbers
//!
//! The workspace builds `serde_json` with its `float_roundtrip` feature: without it, its
//! number parser is not correctly rounded, and about one finite `f64` in three (one in ten in
//! `[0, 1)`, e.g. the similarity `0.9883853299755387`) came back one ULP off — a round-trip
//! failure of every `f64` field (`similarity`, `confidence`, quality scores,
//! `ExternalValue::Number`, numbers inside `external_fields`) that these properties found.
//! `arbitrary_finite_floats_round_trip` and `sixteen_digit_similarity_round_trips` keep it
//! fixed, and every model's floats are drawn from any finite `f64` as well as from decimals
//! shaped like the service's.

mod documented_bodies;
mod strategies;

use std::collections::BTreeMap;
use std::fmt::Debug;

use frs_types::models::common::{EncodedPicture, Warning};
use frs_types::models::detection::{DetectFacesResponse, Expression, FaceQuality, Landmark};
use frs_types::models::face_sets::{
    CreateFaceSetRequest, DeleteFaceSetResponse, ExternalFieldsSchema, FaceSetResponse, FaceSetsResponse,
    FieldType, TypeInfo,
};
use frs_types::models::faces::UpdateFaceResponse;
use frs_types::models::iam::{ProjectsResponse, TokenResponse};
use frs_types::models::liveness::{
    ActionResult, DetectLiveFaceResponse, DetectLiveResponse, LiveFaceResult, VideoResult,
};
use frs_types::models::search::{SearchFace, SearchFacesResponse};
use frs_types::{ExternalFields, ExternalValue, FaceSetName, FieldName};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use strategies::*;

// ---------------------------------------------------------------------------------------------
// Checks.
// ---------------------------------------------------------------------------------------------

/// `from_str(to_string(v)) == v`, and the same through `serde_json::Value`.
fn check_round_trip<T>(value: &T) -> Result<String, TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = serde_json::to_string(value).map_err(|e| TestCaseError::fail(format!("serialise: {e}")))?;
    let back: T =
        serde_json::from_str(&text).map_err(|e| TestCaseError::fail(format!("parse {text}: {e}")))?;
    prop_assert_eq!(&back, value, "through the text {}", text);
    let tree = serde_json::to_value(value).map_err(|e| TestCaseError::fail(format!("to_value: {e}")))?;
    let back: T = serde_json::from_value(tree.clone())
        .map_err(|e| TestCaseError::fail(format!("from_value {tree}: {e}")))?;
    prop_assert_eq!(&back, value, "through the tree {}", tree);
    Ok(text)
}

/// As [`check_round_trip`], and the text has no `null` anywhere: absent options are left
/// out, not written as `null`. Only for models that hold no free-form JSON.
fn check_round_trip_without_nulls<T>(value: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + Debug,
{
    let text = check_round_trip(value)?;
    let tree: Value = serde_json::from_str(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(!has_null(&tree), "a null in {}", text);
    Ok(())
}

fn has_null(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Array(items) => items.iter().any(has_null),
        Value::Object(map) => map.values().any(has_null),
        _ => false,
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips.
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn common_models_round_trip(b in bounding_box(), w in warning(), p in picture()) {
        check_round_trip_without_nulls(&b)?;
        check_round_trip_without_nulls(&w)?;
        check_round_trip_without_nulls(&p)?;
    }

    #[test]
    fn detection_parts_round_trip(
        d in dress(), q in face_quality(), e in expression(), a in attributes(), l in landmark(),
    ) {
        check_round_trip_without_nulls(&d)?;
        check_round_trip_without_nulls(&q)?;
        check_round_trip_without_nulls(&e)?;
        check_round_trip_without_nulls(&a)?;
        check_round_trip(&l)?;
    }

    #[test]
    fn detection_answers_round_trip(
        face in detect_face(),
        faces in opt(vec(detect_face(), 0..3)),
        plain in opt(vec(detect_face_without_landmark(), 0..3)),
        compare in compare_faces_response(),
    ) {
        check_round_trip(&face)?;
        check_round_trip(&DetectFacesResponse { faces })?;
        check_round_trip_without_nulls(&DetectFacesResponse { faces: plain })?;
        check_round_trip_without_nulls(&compare)?;
    }

    #[test]
    fn error_body_round_trips(body in error_body()) {
        check_round_trip_without_nulls(&body)?;
    }

    #[test]
    fn face_set_models_round_trip(
        ty in type_info(),
        schema in schema(),
        create in create_face_set_request(),
        info in face_set_info(),
        one in opt(face_set_info()),
        all in opt(vec(face_set_info(), 0..3)),
        deleted in opt(text()),
    ) {
        check_round_trip_without_nulls(&ty)?;
        check_round_trip_without_nulls(&schema)?;
        check_round_trip_without_nulls(&create)?;
        check_round_trip(&info)?;
        check_round_trip(&FaceSetResponse { face_set_info: one })?;
        check_round_trip(&FaceSetsResponse { face_sets_info: all })?;
        check_round_trip_without_nulls(&DeleteFaceSetResponse { face_set_name: deleted })?;
    }

    #[test]
    fn face_models_round_trip(
        face in face_set_face(), faces in faces_response(), deleted in delete_faces_response(),
    ) {
        check_round_trip(&face)?;
        check_round_trip(&faces)?;
        check_round_trip_without_nulls(&deleted)?;
        let updated: UpdateFaceResponse = deleted;
        check_round_trip_without_nulls(&updated)?;
    }

    #[test]
    fn iam_models_round_trip(
        project in project_info(),
        info in token_info(),
        token in opt(token_info()),
        projects in opt(vec(project_info(), 0..4)),
    ) {
        check_round_trip_without_nulls(&project)?;
        check_round_trip_without_nulls(&info)?;
        check_round_trip_without_nulls(&TokenResponse { token })?;
        check_round_trip_without_nulls(&ProjectsResponse { projects })?;
    }

    #[test]
    fn liveness_models_round_trip(
        action in action_result(),
        video in video_result(),
        live in detect_live_response(),
        face in live_face_result(),
        silent in detect_live_face_response(),
    ) {
        check_round_trip_without_nulls(&action)?;
        check_round_trip_without_nulls(&video)?;
        check_round_trip_without_nulls(&live)?;
        check_round_trip_without_nulls(&face)?;
        check_round_trip_without_nulls(&silent)?;
    }

    #[test]
    fn search_models_round_trip(hit in search_face(), hits in opt(vec(search_face(), 0..3))) {
        check_round_trip(&hit)?;
        check_round_trip(&SearchFacesResponse { faces: hits })?;
    }

    /// Every variant comes back as itself: in particular a `Number` with an integral value
    /// (`3.0` is written `3.0`, not `3`) stays a `Number`, and a `String` that looks like a
    /// number or a boolean stays a `String`.
    #[test]
    fn external_values_round_trip_to_the_same_variant(value in external_value()) {
        let text = check_round_trip(&value)?;
        let back: ExternalValue = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(std::mem::discriminant(&back), std::mem::discriminant(&value));
        prop_assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value.to_json());
    }

    #[test]
    fn external_fields_round_trip(fields in external_fields()) {
        check_round_trip_without_nulls(&fields)?;
        let text = serde_json::to_string(&fields).unwrap();
        // The wire form is the object `to_json` describes.
        prop_assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), Value::Object(fields.to_json()));
    }

    /// `Sort` and `ReturnFields` round-trip, and their multipart text is exactly the JSON.
    #[test]
    fn sort_and_return_fields_round_trip(s in sort(), r in return_fields()) {
        let text = check_round_trip(&s)?;
        prop_assert_eq!(&s.to_json_text(), &text);
        let text = check_round_trip(&r)?;
        prop_assert_eq!(&r.to_json_text(), &text);
    }

    /// `Debug` of a picture — alone or inside an answer — never shows the base64 text,
    /// only its length.
    #[test]
    fn debug_of_a_picture_never_shows_its_text(b64 in "[A-Za-z0-9+/]{20,120}={0,2}", alive in any::<bool>()) {
        let picture = EncodedPicture(b64.clone());
        let shown = format!("{picture:?}");
        prop_assert!(!shown.contains(&b64), "{}", shown);
        prop_assert_eq!(shown, format!("EncodedPicture({} base64 characters)", b64.len()));
        let live = DetectLiveResponse {
            video_result: Some(VideoResult {
                alive: Some(alive),
                actions: None,
                picture: Some(picture.clone()),
            }),
            warning_list: None,
        };
        let silent = DetectLiveFaceResponse {
            result: Some(LiveFaceResult {
                alive: Some(alive),
                confidence: Some(0.5),
                picture: Some(picture),
            }),
            warning_list: None,
        };
        for shown in [format!("{live:?}"), format!("{live:#?}"), format!("{silent:?}")] {
            prop_assert!(!shown.contains(&b64), "{}", shown);
            prop_assert!(shown.contains(&format!("{} base64 characters", b64.len())), "{}", shown);
        }
        // The text is still what is serialised.
        let tree = serde_json::to_value(&silent).unwrap();
        prop_assert_eq!(tree["result"]["picture"].as_str(), Some(b64.as_str()));
    }
}

// ---------------------------------------------------------------------------------------------
// Floats: a regression found by these properties (fixed with `float_roundtrip`).
// ---------------------------------------------------------------------------------------------

proptest! {
    /// Any finite number comes back bit for bit (`serde_json` is built with
    /// `float_roundtrip`; without it about a third came back one ULP off).
    #[test]
    fn arbitrary_finite_floats_round_trip(x in finite_f64()) {
        check_round_trip(&FaceQuality { total_score: Some(x), ..FaceQuality::default() })?;
        check_round_trip(&ExternalValue::Number(x))?;
    }
}

#[test]
fn sixteen_digit_similarity_round_trips() {
    // A similarity as the service (or the emulator) could write it: 16 significant digits.
    let hit = SearchFace { similarity: Some(0.988_385_329_975_538_7), ..SearchFace::default() };
    let text = serde_json::to_string(&hit).unwrap();
    assert_eq!(text, r#"{"similarity":0.9883853299755387}"#);
    let back: SearchFace = serde_json::from_str(&text).unwrap();
    assert_eq!(back.similarity.map(f64::to_bits), hit.similarity.map(f64::to_bits), "{back:?}");
}

#[test]
fn integral_numbers_stay_numbers_and_integers_stay_integers() {
    for (value, text) in [
        (ExternalValue::Number(3.0), "3.0"),
        (ExternalValue::Number(-0.0), "-0.0"),
        (ExternalValue::Number(1e20), "1e+20"),
        (ExternalValue::Integer(3), "3"),
        (ExternalValue::Integer(i64::MIN), "-9223372036854775808"),
        (ExternalValue::Boolean(false), "false"),
        (ExternalValue::String("3".into()), r#""3""#),
        (ExternalValue::String("true".into()), r#""true""#),
    ] {
        assert_eq!(serde_json::to_string(&value).unwrap(), text);
        let back: ExternalValue = serde_json::from_str(text).unwrap();
        assert_eq!(back, value, "{text}");
        assert_eq!(std::mem::discriminant(&back), std::mem::discriminant(&value), "{text}");
    }
    // -0.0 keeps its sign (PartialEq alone would not tell).
    let back: ExternalValue = serde_json::from_str("-0.0").unwrap();
    assert!(matches!(back, ExternalValue::Number(x) if x == 0.0 && x.is_sign_negative()), "{back:?}");
    // What the service may write for a float field holding a whole number.
    let fields: ExternalFields = serde_json::from_str(r#"{"score": 30.0, "age": 30}"#).unwrap();
    let got: Vec<_> = fields.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    assert_eq!(got, [("age", ExternalValue::Integer(30)), ("score", ExternalValue::Number(30.0))]);
}

// ---------------------------------------------------------------------------------------------
// Unusual wire names, with literal JSON.
// ---------------------------------------------------------------------------------------------

#[test]
fn action_liveness_uses_hyphenated_keys_and_camel_case_warnings() {
    let answer = DetectLiveResponse {
        video_result: Some(VideoResult {
            alive: Some(true),
            actions: Some(vec![ActionResult { action: Some(1), confidence: Some(0.5) }]),
            picture: Some(EncodedPicture("/9j/".into())),
        }),
        warning_list: Some(vec![Warning { code: Some(5), message: Some("no face".into()) }]),
    };
    assert_eq!(
        serde_json::to_string(&answer).unwrap(),
        r#"{"video-result":{"alive":true,"actions":[{"action":1,"confidence":0.5}],"picture":"/9j/"},"warning-list":[{"warningCode":5,"warningMsg":"no face"}]}"#
    );
    let parsed: DetectLiveResponse = serde_json::from_str(
        r#"{"video-result": {"alive": true, "actions": [{"action": 1, "confidence": 0.5}], "picture": "/9j/"},
            "warning-list": [{"warningCode": 5, "warningMsg": "no face"}]}"#,
    )
    .unwrap();
    assert_eq!(parsed, answer);
    // The documented tail `"warning-list": []`.
    let empty: DetectLiveResponse = serde_json::from_str(r#"{"warning-list": []}"#).unwrap();
    assert_eq!(empty.warning_list, Some(vec![]));
    assert_eq!(empty.video_result, None);
    // Snake-case spellings are not the wire names: they are ignored like any unknown key.
    let snake: DetectLiveResponse =
        serde_json::from_str(r#"{"video_result": {"alive": true}, "warning_list": [{"warningCode": 1}]}"#)
            .unwrap();
    assert_eq!(snake, DetectLiveResponse::default());
    let snake: Warning =
        serde_json::from_str(r#"{"warning_code": 1, "code": 2, "warningMsg": "m"}"#).unwrap();
    assert_eq!(snake, Warning { code: None, message: Some("m".into()) });
}

#[test]
fn silent_liveness_uses_the_hyphenated_warning_list() {
    let answer = DetectLiveFaceResponse {
        result: Some(LiveFaceResult { alive: Some(false), confidence: Some(0.25), picture: None }),
        warning_list: Some(vec![Warning { code: Some(102), message: None }]),
    };
    assert_eq!(
        serde_json::to_string(&answer).unwrap(),
        r#"{"result":{"alive":false,"confidence":0.25},"warning-list":[{"warningCode":102}]}"#
    );
}

#[test]
fn a_null_landmark_part_reads_as_absent() {
    let l: Landmark = serde_json::from_str(r#"{"nose_contour": null, "eyes_contour": [null]}"#).unwrap();
    assert_eq!(l.nose_contour, None);
    assert_eq!(l.eyes_contour, Some(json!([null])));
    assert_eq!(serde_json::to_string(&l).unwrap(), r#"{"eyes_contour":[null]}"#);
}

#[test]
fn expression_kind_is_written_type() {
    let e = Expression { kind: Some("happy".into()), probability: Some(0.75) };
    assert_eq!(serde_json::to_string(&e).unwrap(), r#"{"type":"happy","probability":0.75}"#);
    assert_eq!(
        serde_json::from_str::<Expression>(r#"{"type": "neutral"}"#).unwrap().kind.as_deref(),
        Some("neutral")
    );
    assert_eq!(serde_json::from_str::<Expression>(r#"{"kind": "neutral"}"#).unwrap().kind, None);
}

#[test]
fn type_info_is_written_type_with_lower_case_names() {
    for (ty, name) in [
        (FieldType::String, "string"),
        (FieldType::Integer, "integer"),
        (FieldType::Long, "long"),
        (FieldType::Float, "float"),
        (FieldType::Double, "double"),
        (FieldType::Boolean, "boolean"),
    ] {
        let info = TypeInfo { field_type: ty };
        let text = format!(r#"{{"type":"{name}"}}"#);
        assert_eq!(serde_json::to_string(&info).unwrap(), text);
        assert_eq!(serde_json::from_str::<TypeInfo>(&text).unwrap(), info);
        assert_eq!(ty.as_str(), name);
        // Other spellings are refused, not guessed.
        let upper = format!(r#"{{"type":"{}"}}"#, name.to_uppercase());
        assert!(serde_json::from_str::<TypeInfo>(&upper).is_err(), "{upper}");
    }
    assert!(serde_json::from_str::<TypeInfo>(r#"{"type":"int"}"#).is_err());
    assert!(serde_json::from_str::<TypeInfo>(r#"{"field_type":"integer"}"#).is_err());
}

#[test]
fn create_face_set_request_omits_absent_options() {
    let name = FaceSetName::new("fs1").unwrap();
    let bare =
        CreateFaceSetRequest { face_set_name: name.clone(), face_set_capacity: None, external_fields: None };
    assert_eq!(serde_json::to_string(&bare).unwrap(), r#"{"face_set_name":"fs1"}"#);
    let schema: ExternalFieldsSchema = BTreeMap::from([
        (FieldName::new("age").unwrap(), TypeInfo { field_type: FieldType::Integer }),
        (FieldName::new("name").unwrap(), TypeInfo { field_type: FieldType::String }),
    ]);
    let full = CreateFaceSetRequest {
        face_set_name: name,
        face_set_capacity: Some(20000),
        external_fields: Some(schema),
    };
    assert_eq!(
        serde_json::to_string(&full).unwrap(),
        r#"{"face_set_name":"fs1","face_set_capacity":20000,"external_fields":{"age":{"type":"integer"},"name":{"type":"string"}}}"#
    );
    // The WIRE example of operations.md §6.
    let wire: CreateFaceSetRequest = serde_json::from_str(
        r#"{"external_fields": {"age": {"type": "integer"}, "name": {"type": "string"}},
            "face_set_name": "fs1", "face_set_capacity": 20000}"#,
    )
    .unwrap();
    assert_eq!(wire, full);
    // The name is validated on the way in, like every identifier.
    assert!(serde_json::from_str::<CreateFaceSetRequest>(r#"{"face_set_name": "no/slash"}"#).is_err());
    assert!(serde_json::from_str::<CreateFaceSetRequest>(r#"{"face_set_capacity": 10000}"#).is_err());
}

// ---------------------------------------------------------------------------------------------
// Validation on deserialisation.
// ---------------------------------------------------------------------------------------------

#[test]
fn external_fields_deserialise_through_the_same_checks_as_set() {
    // `set` refuses both; the documentation says the values are "checked as they are set".
    assert!(ExternalFields::new().with("name", "a b").is_err());
    assert!(serde_json::from_str::<ExternalFields>(r#"{"name": "a b"}"#).is_err(), "a string with a space");
    assert!(serde_json::from_str::<ExternalFields>(r#"{"name": ""}"#).is_err(), "an empty string");
    let eleven: String = (0..11).map(|i| format!(r#""f{i}": {i}"#)).collect::<Vec<_>>().join(",");
    assert!(serde_json::from_str::<ExternalFields>(&format!("{{{eleven}}}")).is_err(), "11 fields");
}
