//! Property tests that every JSON model of `frs-types` round-trips through `serde_json`.
//!
//! Also: the unusual wire names (literal JSON), the documented example bodies of models.md
//! and operations.md, and the `Debug` of `EncodedPicture`, which must hide the base64 text.
//!
//! Covered: every struct of `src/models/` (`common`, `detection`, `error`, `face_sets`,
//! `faces`, `iam`, `liveness`, `search`), [`ExternalFields`] / [`ExternalValue`]
//! (`src/fields.rs`) and [`Sort`] / [`ReturnFields`] (`src/sort.rs`).
//!
//! For each of them a strategy builds arbitrary values (every `Option` field present or
//! absent, strings of arbitrary Unicode including control characters and quotes, small
//! nested vectors and JSON values) and the property is
//! `from_str(to_string(v)) == v` (and the same through `serde_json::Value`). Models without
//! free-form JSON inside must also never write `null`: absent options are omitted.
//!
//! # Floating-point numbers
//!
//! The workspace uses `serde_json` without its `float_roundtrip` feature, and its default
//! number parser is not correctly rounded: about one finite `f64` in three (one in ten in
//! `[0, 1)`, e.g. the similarity `0.9883853299755387`) comes back one ULP off. That is a
//! genuine round-trip failure of every `f64` field (`similarity`, `confidence`, quality
//! scores, `ExternalValue::Number`, numbers inside `external_fields`); it is shown by the
//! ignored tests `arbitrary_finite_floats_round_trip` and
//! `sixteen_digit_similarity_round_trips`. The properties therefore draw floats from
//! [`floats_serde_json_reads_back_exactly`]: decimals of at most 15 significant digits with
//! magnitude below 10^15 (read back exactly by the default parser's fast path), integral
//! values, and a few extremes that are known to survive.

use std::collections::BTreeMap;
use std::fmt::Debug;

use frs_types::models::ErrorBody;
use frs_types::models::common::{BoundingBox, EncodedPicture, Warning};
use frs_types::models::detection::{
    Attributes, CompareFace, CompareFacesResponse, DetectFace, DetectFacesResponse, Dress, Expression,
    FaceQuality, Landmark,
};
use frs_types::models::face_sets::{
    CreateFaceSetRequest, DeleteFaceSetResponse, ExternalFieldsSchema, FaceSetInfo, FaceSetResponse,
    FaceSetsResponse, FieldType, TypeInfo,
};
use frs_types::models::faces::{DeleteFacesResponse, FaceSetFace, FacesResponse, UpdateFaceResponse};
use frs_types::models::iam::{ProjectInfo, ProjectsResponse, TokenInfo, TokenResponse};
use frs_types::models::liveness::{
    ActionResult, DetectLiveFaceResponse, DetectLiveResponse, LiveFaceResult, VideoResult,
};
use frs_types::models::search::{SearchFace, SearchFacesResponse};
use frs_types::{
    ExternalFields, ExternalValue, FaceSetName, FieldName, IntoExternalValue, ReturnFields, Sort, SortOrder,
};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

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
// Leaf strategies.
// ---------------------------------------------------------------------------------------------

/// Arbitrary text: any `char` (control characters, quotes, backslashes, astral planes).
fn text() -> impl Strategy<Value = String> {
    vec(any::<char>(), 0..12).prop_map(String::from_iter)
}

/// Floats the default (non-`float_roundtrip`) `serde_json` parser reads back bit for bit:
/// see the module documentation. By construction, not by filtering with the parser.
fn floats_serde_json_reads_back_exactly() -> impl Strategy<Value = f64> {
    // m × 10^e with |m| < 10^15 and -22 ≤ e ≤ 0: at most 15 significant digits, and the
    // parser's significand fits in 53 bits while 10^-e is exact, so one correctly rounded
    // division gives the value back.
    let decimal = (-999_999_999_999_999_i64..=999_999_999_999_999, -22_i32..=0)
        .prop_map(|(m, e)| format!("{m}e{e}").parse::<f64>().unwrap_or_default());
    prop_oneof![
        4 => decimal,
        2 => (-1_000_000_i32..=1_000_000).prop_map(f64::from),
        2 => (0_u32..=1000).prop_map(|n| f64::from(n) / 1000.0),
        1 => select(vec![
            0.0, -0.0, 1.0, 3.0, -3.0, 0.5, 0.93, 0.1, 1e20, 1e300, -1e-300, 5e-324,
            f64::MIN_POSITIVE, f64::MAX, f64::MIN, 0.586_914_062_5,
        ]),
    ]
}

/// Any finite `f64` (every class but NaN and the infinities).
fn finite_f64() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

fn float() -> impl Strategy<Value = f64> {
    floats_serde_json_reads_back_exactly()
}

fn opt<S: Strategy>(s: S) -> impl Strategy<Value = Option<S::Value>> {
    option::of(s)
}

/// Free-form JSON, as `Landmark` and the `external_fields` maps of answers hold it.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        float().prop_map(Value::from),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(Value::Array),
            btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    btree_map(text(), json_value(), 0..4).prop_map(|m| m.into_iter().collect())
}

fn face_set_name() -> impl Strategy<Value = FaceSetName> {
    "[A-Za-z0-9_-]{1,64}".prop_map(|s| FaceSetName::new(s).unwrap())
}

fn field_name() -> impl Strategy<Value = FieldName> {
    "[A-Za-z0-9_-]{1,36}".prop_filter_map("reserved field name", |s| FieldName::new(s).ok())
}

fn field_type() -> impl Strategy<Value = FieldType> {
    select(vec![
        FieldType::String,
        FieldType::Integer,
        FieldType::Long,
        FieldType::Float,
        FieldType::Double,
        FieldType::Boolean,
    ])
}

fn sort_order() -> impl Strategy<Value = SortOrder> {
    prop_oneof![Just(SortOrder::Asc), Just(SortOrder::Desc)]
}

fn picture() -> impl Strategy<Value = EncodedPicture> {
    text().prop_map(EncodedPicture)
}

// ---------------------------------------------------------------------------------------------
// Model strategies.
// ---------------------------------------------------------------------------------------------

fn bounding_box() -> impl Strategy<Value = BoundingBox> {
    (any::<i64>(), any::<i64>(), any::<i64>(), any::<i64>()).prop_map(
        |(top_left_x, top_left_y, width, height)| BoundingBox { top_left_x, top_left_y, width, height },
    )
}

fn warning() -> impl Strategy<Value = Warning> {
    (opt(any::<i64>()), opt(text())).prop_map(|(code, message)| Warning { code, message })
}

fn dress() -> impl Strategy<Value = Dress> {
    (opt(text()), opt(text())).prop_map(|(glass, hat)| Dress { glass, hat })
}

fn face_quality() -> impl Strategy<Value = FaceQuality> {
    (opt(float()), opt(float()), opt(float()), opt(float()), opt(float())).prop_map(
        |(total_score, blur, pose, occlusion, illumination)| FaceQuality {
            total_score,
            blur,
            pose,
            occlusion,
            illumination,
        },
    )
}

fn expression() -> impl Strategy<Value = Expression> {
    (opt(text()), opt(float())).prop_map(|(kind, probability)| Expression { kind, probability })
}

fn attributes() -> impl Strategy<Value = Attributes> {
    (
        opt(text()),
        opt(any::<i64>()),
        opt(dress()),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(face_quality()),
        opt(expression()),
        opt(any::<i64>()),
    )
        .prop_map(
            |(
                gender,
                age,
                dress,
                glass,
                hat,
                mask,
                hair,
                beard,
                phototype,
                quality,
                expression,
                face_angle,
            )| {
                Attributes {
                    gender,
                    age,
                    dress,
                    glass,
                    hat,
                    mask,
                    hair,
                    beard,
                    phototype,
                    quality,
                    expression,
                    face_angle,
                }
            },
        )
}

/// A JSON value that is not `null` itself (it may contain nulls): `Some(Value::Null)` in an
/// `Option<Value>` field is written `null`, which reads back as `None` — one wire form for
/// two Rust values, so only `None` is generated for it (see
/// `a_null_landmark_part_reads_as_absent`).
fn json_value_not_null_itself() -> impl Strategy<Value = Value> {
    json_value().prop_filter("null at the top", |v| !v.is_null())
}

fn landmark() -> impl Strategy<Value = Landmark> {
    let part = || opt(json_value_not_null_itself());
    (part(), part(), part(), part(), part()).prop_map(
        |(nose_contour, mouth_contour, eyebrow_contour, eyes_contour, face_contour)| Landmark {
            nose_contour,
            mouth_contour,
            eyebrow_contour,
            eyes_contour,
            face_contour,
        },
    )
}

fn detect_face() -> impl Strategy<Value = DetectFace> {
    (opt(bounding_box()), opt(attributes()), opt(landmark()))
        .prop_map(|(bounding_box, attributes, landmark)| DetectFace { bounding_box, attributes, landmark })
}

/// A detected face without the free-form `landmark`.
fn detect_face_without_landmark() -> impl Strategy<Value = DetectFace> {
    (opt(bounding_box()), opt(attributes())).prop_map(|(bounding_box, attributes)| DetectFace {
        bounding_box,
        attributes,
        landmark: None,
    })
}

fn compare_face() -> impl Strategy<Value = CompareFace> {
    opt(bounding_box()).prop_map(|bounding_box| CompareFace { bounding_box })
}

fn compare_faces_response() -> impl Strategy<Value = CompareFacesResponse> {
    (opt(compare_face()), opt(compare_face()), opt(float())).prop_map(
        |(image1_face, image2_face, similarity)| CompareFacesResponse {
            image1_face,
            image2_face,
            similarity,
        },
    )
}

fn error_body() -> impl Strategy<Value = ErrorBody> {
    (opt(text()), opt(text()), opt(text())).prop_map(|(error_code, error_msg, request_id)| ErrorBody {
        error_code,
        error_msg,
        request_id,
    })
}

fn type_info() -> impl Strategy<Value = TypeInfo> {
    field_type().prop_map(|field_type| TypeInfo { field_type })
}

fn schema() -> impl Strategy<Value = ExternalFieldsSchema> {
    btree_map(field_name(), type_info(), 0..=10)
}

fn create_face_set_request() -> impl Strategy<Value = CreateFaceSetRequest> {
    (face_set_name(), opt(any::<u32>()), opt(schema())).prop_map(
        |(face_set_name, face_set_capacity, external_fields)| CreateFaceSetRequest {
            face_set_name,
            face_set_capacity,
            external_fields,
        },
    )
}

fn face_set_info() -> impl Strategy<Value = FaceSetInfo> {
    (opt(text()), opt(text()), opt(text()), opt(any::<u64>()), opt(any::<u64>()), opt(json_object()))
        .prop_map(
            |(face_set_name, face_set_id, create_date, face_set_capacity, face_number, external_fields)| {
                FaceSetInfo {
                    face_set_name,
                    face_set_id,
                    create_date,
                    face_set_capacity,
                    face_number,
                    external_fields,
                }
            },
        )
}

fn face_set_face() -> impl Strategy<Value = FaceSetFace> {
    (opt(bounding_box()), opt(text()), opt(text()), opt(json_object())).prop_map(
        |(bounding_box, face_id, external_image_id, external_fields)| FaceSetFace {
            bounding_box,
            face_id,
            external_image_id,
            external_fields,
        },
    )
}

fn faces_response() -> impl Strategy<Value = FacesResponse> {
    (opt(text()), opt(text()), opt(vec(face_set_face(), 0..3)))
        .prop_map(|(face_set_id, face_set_name, faces)| FacesResponse { face_set_id, face_set_name, faces })
}

fn delete_faces_response() -> impl Strategy<Value = DeleteFacesResponse> {
    (opt(any::<u64>()), opt(text()), opt(text())).prop_map(|(face_number, face_set_id, face_set_name)| {
        DeleteFacesResponse { face_number, face_set_id, face_set_name }
    })
}

fn project_info() -> impl Strategy<Value = ProjectInfo> {
    (opt(text()), opt(text()), opt(text()), opt(any::<bool>()))
        .prop_map(|(id, name, domain_id, enabled)| ProjectInfo { id, name, domain_id, enabled })
}

fn token_info() -> impl Strategy<Value = TokenInfo> {
    (opt(text()), opt(text()), opt(project_info())).prop_map(|(expires_at, issued_at, project)| TokenInfo {
        expires_at,
        issued_at,
        project,
    })
}

fn action_result() -> impl Strategy<Value = ActionResult> {
    (opt(any::<i64>()), opt(float())).prop_map(|(action, confidence)| ActionResult { action, confidence })
}

fn video_result() -> impl Strategy<Value = VideoResult> {
    (opt(any::<bool>()), opt(vec(action_result(), 0..4)), opt(picture()))
        .prop_map(|(alive, actions, picture)| VideoResult { alive, actions, picture })
}

fn detect_live_response() -> impl Strategy<Value = DetectLiveResponse> {
    (opt(video_result()), opt(vec(warning(), 0..4)))
        .prop_map(|(video_result, warning_list)| DetectLiveResponse { video_result, warning_list })
}

fn live_face_result() -> impl Strategy<Value = LiveFaceResult> {
    (opt(any::<bool>()), opt(float()), opt(picture()))
        .prop_map(|(alive, confidence, picture)| LiveFaceResult { alive, confidence, picture })
}

fn detect_live_face_response() -> impl Strategy<Value = DetectLiveFaceResponse> {
    (opt(live_face_result()), opt(vec(warning(), 0..4)))
        .prop_map(|(result, warning_list)| DetectLiveFaceResponse { result, warning_list })
}

fn search_face() -> impl Strategy<Value = SearchFace> {
    (opt(bounding_box()), opt(text()), opt(text()), opt(json_object()), opt(float())).prop_map(
        |(bounding_box, face_id, external_image_id, external_fields, similarity)| SearchFace {
            bounding_box,
            face_id,
            external_image_id,
            external_fields,
            similarity,
        },
    )
}

/// Any value of every variant, strings arbitrary.
fn external_value() -> impl Strategy<Value = ExternalValue> {
    prop_oneof![
        any::<bool>().prop_map(ExternalValue::Boolean),
        any::<i64>().prop_map(ExternalValue::Integer),
        float().prop_map(ExternalValue::Number),
        text().prop_map(ExternalValue::String),
    ]
}

/// Values `ExternalFields::set` accepts (string values: letters and digits of any script,
/// `-`, `_`).
fn settable_external_value() -> impl Strategy<Value = ExternalValue> {
    prop_oneof![
        any::<bool>().prop_map(ExternalValue::Boolean),
        any::<i64>().prop_map(ExternalValue::Integer),
        float().prop_map(ExternalValue::Number),
        "[\\p{L}\\p{N}_-]{1,24}".prop_map(ExternalValue::String),
    ]
    .prop_filter("rejected by ExternalFields::set", |v| v.clone().into_external_value().is_ok())
}

fn external_fields() -> impl Strategy<Value = ExternalFields> {
    btree_map(field_name(), settable_external_value(), 0..=10).prop_map(|values| {
        let mut fields = ExternalFields::new();
        for (name, value) in values {
            fields.set(name, value).unwrap();
        }
        fields
    })
}

fn sort() -> impl Strategy<Value = Sort> {
    vec((field_name(), sort_order()), 0..6).prop_map(|keys| keys.into_iter().collect())
}

fn return_fields() -> impl Strategy<Value = ReturnFields> {
    vec(field_name(), 0..6).prop_map(ReturnFields)
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
// Documented example bodies (models.md, operations.md).
// ---------------------------------------------------------------------------------------------

#[test]
fn documented_bounding_box_and_face_quality() {
    let b: BoundingBox =
        serde_json::from_str(r#"{"width": 174, "top_left_y": 37, "top_left_x": 22, "height": 174}"#).unwrap();
    assert_eq!(b, BoundingBox { top_left_x: 22, top_left_y: 37, width: 174, height: 174 });
    let q: FaceQuality = serde_json::from_str(
        r#"{"total_score": 0.5869140625, "blur": 0.385498046875, "pose": 0.3349609375,
            "occlusion": 0.392333984375, "illumination": 0.3408203125}"#,
    )
    .unwrap();
    assert_eq!(
        q,
        FaceQuality {
            total_score: Some(0.586_914_062_5),
            blur: Some(0.385_498_046_875),
            pose: Some(0.334_960_937_5),
            occlusion: Some(0.392_333_984_375),
            illumination: Some(0.340_820_312_5),
        }
    );
    // Wrapped as a detection answer, with unknown legacy attributes ignored.
    let answer: DetectFacesResponse = serde_json::from_str(
        r#"{"faces": [{"bounding_box": {"width": 174, "top_left_y": 37, "top_left_x": 22, "height": 174},
                       "attributes": {"age": 35, "gender": "male", "phototype": "internet photo",
                                      "dress": {"glass": "dark", "hat": "none"}, "smile": "yes",
                                      "expression": {"type": "surprise", "probability": 0.5},
                                      "face_angle": 90}}]}"#,
    )
    .unwrap();
    let face = &answer.faces.as_deref().unwrap()[0];
    assert_eq!(face.bounding_box, Some(b));
    let attributes = face.attributes.as_ref().unwrap();
    assert_eq!(attributes.age, Some(35));
    assert_eq!(attributes.gender.as_deref(), Some("male"));
    assert_eq!(attributes.phototype.as_deref(), Some("internet photo"));
    assert_eq!(attributes.dress, Some(Dress { glass: Some("dark".into()), hat: Some("none".into()) }));
    assert_eq!(attributes.expression.as_ref().and_then(|e| e.kind.as_deref()), Some("surprise"));
    assert_eq!(attributes.face_angle, Some(90));
    assert_eq!(attributes.quality, None);
}

#[test]
fn documented_delete_answers_and_errors() {
    let seed: DeleteFacesResponse = serde_json::from_str(
        r#"{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "showFaceSet"}"#,
    )
    .unwrap();
    assert_eq!(
        seed,
        DeleteFacesResponse {
            face_number: Some(1),
            face_set_id: Some("T785tx1N".into()),
            face_set_name: Some("showFaceSet".into()),
        }
    );
    let set: DeleteFaceSetResponse = serde_json::from_str(r#"{"face_set_name": "showFaceSet"}"#).unwrap();
    assert_eq!(set.face_set_name.as_deref(), Some("showFaceSet"));
    let err: ErrorBody = serde_json::from_str(
        r#"{"error_code": "FRS.0402", "error_msg": "External id is not exist, can not delete face"}"#,
    )
    .unwrap();
    assert_eq!(err.error_code.as_deref(), Some("FRS.0402"));
    assert_eq!(err.error_msg.as_deref(), Some("External id is not exist, can not delete face"));
    assert_eq!(err.request_id, None);
    let gateway: ErrorBody = serde_json::from_str(
        r#"{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"8d3a"}"#,
    )
    .unwrap();
    assert_eq!(gateway.request_id.as_deref(), Some("8d3a"));
    // A success body carries neither field.
    assert_eq!(serde_json::from_str::<ErrorBody>(r#"{"face_number": 1}"#).unwrap(), ErrorBody::default());
}

#[test]
fn documented_face_set_and_face_answers() {
    let info: FaceSetResponse = serde_json::from_str(
        r#"{"face_set_info": {"face_set_name": "showFaceSet", "face_set_id": "T785tx1N",
            "create_date": "2018-05-28 02:24:35", "face_set_capacity": 100000, "face_number": 2,
            "external_fields": {"age": {"type": "integer"}}}}"#,
    )
    .unwrap();
    let info = info.face_set_info.unwrap();
    assert_eq!(info.face_set_id.as_deref(), Some("T785tx1N"));
    assert_eq!(info.face_set_capacity, Some(100_000));
    assert_eq!(info.face_number, Some(2));
    assert_eq!(info.external_fields.unwrap()["age"], json!({"type": "integer"}));
    let added: FacesResponse = serde_json::from_str(
        r#"{"face_set_id": "T785tx1N", "face_set_name": "showFaceSet",
            "faces": [{"bounding_box": {"width": 174, "top_left_y": 37, "top_left_x": 22, "height": 174},
                       "external_fields": {"age": 30, "name": "bob"}, "external_image_id": "img-1",
                       "face_id": "iexEBb6t"}]}"#,
    )
    .unwrap();
    let face = &added.faces.unwrap()[0];
    assert_eq!(face.face_id.as_deref(), Some("iexEBb6t"));
    assert_eq!(face.external_image_id.as_deref(), Some("img-1"));
    assert_eq!(face.external_fields.as_ref().unwrap()["age"], json!(30));
    let hits: SearchFacesResponse = serde_json::from_str(
        r#"{"faces": [{"face_id": "JLa9hYLl", "similarity": 0.93, "external_image_id": "x"}]}"#,
    )
    .unwrap();
    assert_eq!(hits.faces.unwrap()[0].similarity, Some(0.93));
}

#[test]
fn documented_request_fragments() {
    // operations.md, WIRE: external_fields of "add faces", sort and return_fields of "search".
    let fields: ExternalFields = serde_json::from_str(r#"{"age": 30, "name": "bob"}"#).unwrap();
    assert_eq!(fields, ExternalFields::new().with("age", 30).unwrap().with("name", "bob").unwrap());
    assert_eq!(serde_json::to_string(&fields).unwrap(), r#"{"age":30,"name":"bob"}"#);
    let sort: Sort = serde_json::from_str(r#"[{"timestamp": "asc"}]"#).unwrap();
    assert_eq!(sort.keys(), [(FieldName::new("timestamp").unwrap(), SortOrder::Asc)]);
    let returned: ReturnFields = serde_json::from_str(r#"["age", "name"]"#).unwrap();
    assert_eq!(returned.to_json_text(), r#"["age","name"]"#);
    // Reserved names cannot be custom fields, on the way in either.
    assert!(serde_json::from_str::<ExternalFields>(r#"{"face_id": 1}"#).is_err());
    assert!(serde_json::from_str::<ReturnFields>(r#"["similarity"]"#).is_err());
}

#[test]
fn documented_iam_bodies() {
    let token: TokenResponse = serde_json::from_str(
        r#"{"token": {"expires_at": "2024-03-16T10:20:30.123000Z", "issued_at": "2024-03-15T10:20:30.123000Z",
            "project": {"id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9", "name": "cn-north-4"},
            "methods": ["password"], "catalog": []}}"#,
    )
    .unwrap();
    let info = token.token.unwrap();
    assert_eq!(info.expires_at.as_deref(), Some("2024-03-16T10:20:30.123000Z"));
    assert_eq!(info.project.unwrap().name.as_deref(), Some("cn-north-4"));
    let projects: ProjectsResponse = serde_json::from_str(
        r#"{"projects": [{"domain_id": "d1", "is_domain": false, "id": "p1", "name": "cn-north-4", "enabled": true}],
            "links": {"self": "https://iam.cn-north-4.myhuaweicloud.com/v3/projects?name=cn-north-4"}}"#,
    )
    .unwrap();
    assert_eq!(
        projects.projects.unwrap(),
        [ProjectInfo {
            id: Some("p1".into()),
            name: Some("cn-north-4".into()),
            domain_id: Some("d1".into()),
            enabled: Some(true),
        }]
    );
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
