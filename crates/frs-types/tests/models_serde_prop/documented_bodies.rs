//! The documented example bodies (models.md, operations.md), read and written back.

use frs_types::models::ErrorBody;
use frs_types::models::common::BoundingBox;
use frs_types::models::detection::{DetectFacesResponse, Dress, FaceQuality};
use frs_types::models::face_sets::{DeleteFaceSetResponse, FaceSetResponse};
use frs_types::models::faces::{DeleteFacesResponse, FacesResponse};
use frs_types::models::iam::{ProjectInfo, ProjectsResponse, TokenResponse};
use frs_types::models::search::SearchFacesResponse;
use frs_types::{ExternalFields, FieldName, ReturnFields, Sort, SortOrder};
use serde_json::json;

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
