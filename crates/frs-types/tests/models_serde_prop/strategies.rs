//! The strategies of the round-trip properties: arbitrary values of every model.

use frs_types::models::ErrorBody;
use frs_types::models::common::{BoundingBox, EncodedPicture, Warning};
use frs_types::models::detection::{
    Attributes, CompareFace, CompareFacesResponse, DetectFace, Dress, Expression, FaceQuality, Landmark,
};
use frs_types::models::face_sets::{
    CreateFaceSetRequest, ExternalFieldsSchema, FaceSetInfo, FieldType, TypeInfo,
};
use frs_types::models::faces::{DeleteFacesResponse, FaceSetFace, FacesResponse};
use frs_types::models::iam::{ProjectInfo, TokenInfo};
use frs_types::models::liveness::{
    ActionResult, DetectLiveFaceResponse, DetectLiveResponse, LiveFaceResult, VideoResult,
};
use frs_types::models::search::SearchFace;
use frs_types::{
    ExternalFields, ExternalValue, FaceSetName, FieldName, IntoExternalValue, ReturnFields, Sort, SortOrder,
};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------------
// Leaf strategies.
// ---------------------------------------------------------------------------------------------

/// Arbitrary text: any `char` (control characters, quotes, backslashes, astral planes).
pub(crate) fn text() -> impl Strategy<Value = String> {
    vec(any::<char>(), 0..12).prop_map(String::from_iter)
}

/// Decimals shaped like the service's numbers: at most 15 significant digits (a similarity,
/// a score), whole numbers, thousandths, and a few extremes.
pub(crate) fn service_like_decimals() -> impl Strategy<Value = f64> {
    // m × 10^e with |m| < 10^15 and -22 ≤ e ≤ 0.
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
pub(crate) fn finite_f64() -> impl Strategy<Value = f64> {
    use proptest::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

/// The floats of every model: any finite `f64` (they all come back bit for bit with
/// `float_roundtrip`), and as often decimals like the service's.
pub(crate) fn float() -> impl Strategy<Value = f64> {
    prop_oneof![finite_f64(), service_like_decimals()]
}

pub(crate) fn opt<S: Strategy>(s: S) -> impl Strategy<Value = Option<S::Value>> {
    option::of(s)
}

/// Free-form JSON, as `Landmark` and the `external_fields` maps of answers hold it.
pub(crate) fn json_value() -> impl Strategy<Value = Value> {
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

pub(crate) fn json_object() -> impl Strategy<Value = Map<String, Value>> {
    btree_map(text(), json_value(), 0..4).prop_map(|m| m.into_iter().collect())
}

pub(crate) fn face_set_name() -> impl Strategy<Value = FaceSetName> {
    "[A-Za-z0-9_-]{1,64}".prop_map(|s| FaceSetName::new(s).unwrap())
}

pub(crate) fn field_name() -> impl Strategy<Value = FieldName> {
    "[A-Za-z0-9_-]{1,36}".prop_filter_map("reserved field name", |s| FieldName::new(s).ok())
}

pub(crate) fn field_type() -> impl Strategy<Value = FieldType> {
    select(vec![
        FieldType::String,
        FieldType::Integer,
        FieldType::Long,
        FieldType::Float,
        FieldType::Double,
        FieldType::Boolean,
    ])
}

pub(crate) fn sort_order() -> impl Strategy<Value = SortOrder> {
    prop_oneof![Just(SortOrder::Asc), Just(SortOrder::Desc)]
}

pub(crate) fn picture() -> impl Strategy<Value = EncodedPicture> {
    text().prop_map(EncodedPicture)
}

// ---------------------------------------------------------------------------------------------
// Model strategies.
// ---------------------------------------------------------------------------------------------

pub(crate) fn bounding_box() -> impl Strategy<Value = BoundingBox> {
    (any::<i64>(), any::<i64>(), any::<i64>(), any::<i64>()).prop_map(
        |(top_left_x, top_left_y, width, height)| BoundingBox { top_left_x, top_left_y, width, height },
    )
}

pub(crate) fn warning() -> impl Strategy<Value = Warning> {
    (opt(any::<i64>()), opt(text())).prop_map(|(code, message)| Warning { code, message })
}

pub(crate) fn dress() -> impl Strategy<Value = Dress> {
    (opt(text()), opt(text())).prop_map(|(glass, hat)| Dress { glass, hat })
}

pub(crate) fn face_quality() -> impl Strategy<Value = FaceQuality> {
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

pub(crate) fn expression() -> impl Strategy<Value = Expression> {
    (opt(text()), opt(float())).prop_map(|(kind, probability)| Expression { kind, probability })
}

pub(crate) fn attributes() -> impl Strategy<Value = Attributes> {
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
pub(crate) fn json_value_not_null_itself() -> impl Strategy<Value = Value> {
    json_value().prop_filter("null at the top", |v| !v.is_null())
}

pub(crate) fn landmark() -> impl Strategy<Value = Landmark> {
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

pub(crate) fn detect_face() -> impl Strategy<Value = DetectFace> {
    (opt(bounding_box()), opt(attributes()), opt(landmark()))
        .prop_map(|(bounding_box, attributes, landmark)| DetectFace { bounding_box, attributes, landmark })
}

/// A detected face without the free-form `landmark`.
pub(crate) fn detect_face_without_landmark() -> impl Strategy<Value = DetectFace> {
    (opt(bounding_box()), opt(attributes())).prop_map(|(bounding_box, attributes)| DetectFace {
        bounding_box,
        attributes,
        landmark: None,
    })
}

pub(crate) fn compare_face() -> impl Strategy<Value = CompareFace> {
    opt(bounding_box()).prop_map(|bounding_box| CompareFace { bounding_box })
}

pub(crate) fn compare_faces_response() -> impl Strategy<Value = CompareFacesResponse> {
    (opt(compare_face()), opt(compare_face()), opt(float())).prop_map(
        |(image1_face, image2_face, similarity)| CompareFacesResponse {
            image1_face,
            image2_face,
            similarity,
        },
    )
}

pub(crate) fn error_body() -> impl Strategy<Value = ErrorBody> {
    (opt(text()), opt(text()), opt(text())).prop_map(|(error_code, error_msg, request_id)| ErrorBody {
        error_code,
        error_msg,
        request_id,
    })
}

pub(crate) fn type_info() -> impl Strategy<Value = TypeInfo> {
    field_type().prop_map(|field_type| TypeInfo { field_type })
}

pub(crate) fn schema() -> impl Strategy<Value = ExternalFieldsSchema> {
    btree_map(field_name(), type_info(), 0..=10)
}

pub(crate) fn create_face_set_request() -> impl Strategy<Value = CreateFaceSetRequest> {
    (face_set_name(), opt(any::<u32>()), opt(schema())).prop_map(
        |(face_set_name, face_set_capacity, external_fields)| CreateFaceSetRequest {
            face_set_name,
            face_set_capacity,
            external_fields,
        },
    )
}

pub(crate) fn face_set_info() -> impl Strategy<Value = FaceSetInfo> {
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

pub(crate) fn face_set_face() -> impl Strategy<Value = FaceSetFace> {
    (opt(bounding_box()), opt(text()), opt(text()), opt(json_object())).prop_map(
        |(bounding_box, face_id, external_image_id, external_fields)| FaceSetFace {
            bounding_box,
            face_id,
            external_image_id,
            external_fields,
        },
    )
}

pub(crate) fn faces_response() -> impl Strategy<Value = FacesResponse> {
    (opt(text()), opt(text()), opt(vec(face_set_face(), 0..3)))
        .prop_map(|(face_set_id, face_set_name, faces)| FacesResponse { face_set_id, face_set_name, faces })
}

pub(crate) fn delete_faces_response() -> impl Strategy<Value = DeleteFacesResponse> {
    (opt(any::<u64>()), opt(text()), opt(text())).prop_map(|(face_number, face_set_id, face_set_name)| {
        DeleteFacesResponse { face_number, face_set_id, face_set_name }
    })
}

pub(crate) fn project_info() -> impl Strategy<Value = ProjectInfo> {
    (opt(text()), opt(text()), opt(text()), opt(any::<bool>()))
        .prop_map(|(id, name, domain_id, enabled)| ProjectInfo { id, name, domain_id, enabled })
}

pub(crate) fn token_info() -> impl Strategy<Value = TokenInfo> {
    (opt(text()), opt(text()), opt(project_info())).prop_map(|(expires_at, issued_at, project)| TokenInfo {
        expires_at,
        issued_at,
        project,
    })
}

pub(crate) fn action_result() -> impl Strategy<Value = ActionResult> {
    (opt(any::<i64>()), opt(float())).prop_map(|(action, confidence)| ActionResult { action, confidence })
}

pub(crate) fn video_result() -> impl Strategy<Value = VideoResult> {
    (opt(any::<bool>()), opt(vec(action_result(), 0..4)), opt(picture()))
        .prop_map(|(alive, actions, picture)| VideoResult { alive, actions, picture })
}

pub(crate) fn detect_live_response() -> impl Strategy<Value = DetectLiveResponse> {
    (opt(video_result()), opt(vec(warning(), 0..4)))
        .prop_map(|(video_result, warning_list)| DetectLiveResponse { video_result, warning_list })
}

pub(crate) fn live_face_result() -> impl Strategy<Value = LiveFaceResult> {
    (opt(any::<bool>()), opt(float()), opt(picture()))
        .prop_map(|(alive, confidence, picture)| LiveFaceResult { alive, confidence, picture })
}

pub(crate) fn detect_live_face_response() -> impl Strategy<Value = DetectLiveFaceResponse> {
    (opt(live_face_result()), opt(vec(warning(), 0..4)))
        .prop_map(|(result, warning_list)| DetectLiveFaceResponse { result, warning_list })
}

pub(crate) fn search_face() -> impl Strategy<Value = SearchFace> {
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
pub(crate) fn external_value() -> impl Strategy<Value = ExternalValue> {
    prop_oneof![
        any::<bool>().prop_map(ExternalValue::Boolean),
        any::<i64>().prop_map(ExternalValue::Integer),
        float().prop_map(ExternalValue::Number),
        text().prop_map(ExternalValue::String),
    ]
}

/// Values `ExternalFields::set` accepts (string values: letters and digits of any script,
/// `-`, `_`).
pub(crate) fn settable_external_value() -> impl Strategy<Value = ExternalValue> {
    prop_oneof![
        any::<bool>().prop_map(ExternalValue::Boolean),
        any::<i64>().prop_map(ExternalValue::Integer),
        float().prop_map(ExternalValue::Number),
        "[\\p{L}\\p{N}_-]{1,24}".prop_map(ExternalValue::String),
    ]
    .prop_filter("rejected by ExternalFields::set", |v| v.clone().into_external_value().is_ok())
}

pub(crate) fn external_fields() -> impl Strategy<Value = ExternalFields> {
    btree_map(field_name(), settable_external_value(), 0..=10).prop_map(|values| {
        let mut fields = ExternalFields::new();
        for (name, value) in values {
            fields.set(name, value).unwrap();
        }
        fields
    })
}

pub(crate) fn sort() -> impl Strategy<Value = Sort> {
    vec((field_name(), sort_order()), 0..6).prop_map(|keys| keys.into_iter().collect())
}

pub(crate) fn return_fields() -> impl Strategy<Value = ReturnFields> {
    vec(field_name(), 0..6).prop_map(ReturnFields)
}
