//! Error paths of the service: every FRS error code the emulator answers, with its HTTP
//! status, through the SDK or as raw requests the SDK would refuse to build.

use std::time::SystemTime;

use base64::Engine as _;
use bytes::Bytes;
use frs_emulator::Emulator;
use frs_emulator::SeededFace;
use frs_emulator::testimage::{TestImage, TestVideo};
use frs_request::detection::{CompareFaces, DetectFaces};
use frs_request::face_sets::{CreateFaceSet, DeleteFaceSet, ShowAllFaceSets, ShowFaceSet};
use frs_request::faces::{AddFaces, BatchDeleteFaces, DeleteFaces, ShowFaces, UpdateFace};
use frs_request::liveness::{Action, DetectLive, DetectLiveFace};
use frs_request::search::SearchFaces;
use frs_request::{ApiVersion, Body, RequestSpec};
use frs_types::models::face_sets::FieldType;
use frs_types::{ExternalFields, FieldValue, Filter, Image, Sort, Video};
use http::Method;
use serde_json::{Value, json};

use crate::{
    admin, admin_get, client, expect_error, expect_raw_error, image, image_of, json_of, name, post, raw,
    send, signed, staff, start,
};

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn no_face() -> Image {
    image(&TestImage::person("nobody").faces(0))
}

#[test]
fn show_unknown_face_set_is_frs_0302() {
    let em = start();
    expect_error(client(&em).execute(&ShowFaceSet::new(name("ghost"))), 400, "FRS.0302");
}

#[test]
fn delete_unknown_face_set_is_frs_0302() {
    let em = start();
    expect_error(client(&em).execute(&DeleteFaceSet::new(name("ghost"))), 400, "FRS.0302");
}

#[test]
fn add_faces_to_unknown_face_set_is_frs_0302() {
    let em = start();
    expect_error(client(&em).execute(&AddFaces::new(name("ghost"), image_of("alice"))), 400, "FRS.0302");
}

#[test]
fn search_unknown_face_set_is_frs_0302() {
    let em = start();
    let op = SearchFaces::by_image(name("ghost"), image_of("alice"));
    expect_error(client(&em).execute(&op), 400, "FRS.0302");
}

#[test]
fn delete_faces_from_unknown_face_set_is_frs_0302() {
    let em = start();
    let c = client(&em);
    expect_error(
        c.execute(&DeleteFaces::by_external_image_id(name("ghost"), "img-1".parse().unwrap())),
        400,
        "FRS.0302",
    );
    expect_error(
        c.execute(&BatchDeleteFaces::new(name("ghost"), Filter::parse("floor:3").unwrap())),
        400,
        "FRS.0302",
    );
}

#[test]
fn listing_or_updating_faces_of_unknown_face_set_is_frs_0302() {
    let em = start();
    let c = client(&em);
    expect_error(c.execute(&ShowFaces::page(name("ghost"), 0, 5).unwrap()), 400, "FRS.0302");
    let update =
        UpdateFace::new(name("ghost"), "abcd1234".parse().unwrap()).external_image_id("x".parse().unwrap());
    expect_error(c.execute(&update), 400, "FRS.0302");
}

#[test]
fn a_face_set_can_be_created_shown_listed_and_deleted() {
    let em = start();
    let c = client(&em);
    let op = CreateFaceSet::new(name("staff"))
        .capacity(20_000)
        .unwrap()
        .field("floor".parse().unwrap(), FieldType::Integer)
        .unwrap();
    let created = c.execute(&op).unwrap().value.face_set_info.unwrap();
    assert_eq!(created.external_fields, json!({ "floor": { "type": "integer" } }).as_object().cloned());
    let shown = c.execute(&ShowFaceSet::new(name("staff"))).unwrap().value.face_set_info.unwrap();
    assert_eq!(shown, created);
    let listed = c.execute(&ShowAllFaceSets).unwrap().value.face_sets_info.unwrap();
    assert_eq!(listed, [created]);
    let deleted = c.execute(&DeleteFaceSet::new(name("staff"))).unwrap();
    assert_eq!(deleted.face_set_name.as_deref(), Some("staff"));
    expect_error(c.execute(&ShowFaceSet::new(name("staff"))), 400, "FRS.0302");
}

#[test]
fn creating_an_existing_face_set_is_frs_0301() {
    let em = start();
    let c = client(&em);
    let created = c.execute(&CreateFaceSet::new(name("staff"))).unwrap();
    let info = created.value.face_set_info.unwrap();
    assert_eq!(info.face_set_name.as_deref(), Some("staff"));
    assert_eq!((info.face_set_capacity, info.face_number), (Some(100_000), Some(0)));
    assert_eq!(info.face_set_id.as_ref().map(String::len), Some(8));
    // docs/emulator.md: `YYYY-MM-DD HH:MM:SS`, UTC.
    let date = info.create_date.unwrap();
    let shape: String = date.chars().map(|ch| if ch.is_ascii_digit() { 'd' } else { ch }).collect();
    assert_eq!(shape, "dddd-dd-dd dd:dd:dd", "{date}");
    expect_error(c.execute(&CreateFaceSet::new(name("staff"))), 400, "FRS.0301");
    assert_eq!(c.execute(&ShowAllFaceSets).unwrap().value.face_sets_info.unwrap().len(), 1);
}

#[test]
fn the_eleventh_face_set_is_frs_0305() {
    let em = start();
    let c = client(&em);
    for i in 0..10 {
        c.execute(&CreateFaceSet::new(name(&format!("set-{i}")))).unwrap();
    }
    expect_error(c.execute(&CreateFaceSet::new(name("set-10"))), 400, "FRS.0305");
    assert_eq!(c.execute(&ShowAllFaceSets).unwrap().value.face_sets_info.unwrap().len(), 10);
}

#[test]
fn an_invalid_face_set_name_is_frs_0012() {
    let em = start();
    let too_long = "n".repeat(65);
    for face_set_name in [json!("bad name"), json!("bad!"), json!("名字"), json!(too_long), json!(42)] {
        let body = json!({ "face_set_name": face_set_name }).to_string();
        expect_raw_error(&post(&em, &["face-sets"], &body), 400, "FRS.0012");
    }
    // In a path, too.
    let resp = raw(&em, Method::GET, ApiVersion::V2, &["face-sets", "bad name!"], &[], None);
    expect_raw_error(&resp, 400, "FRS.0012");
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
}

#[test]
fn an_invalid_face_set_capacity_is_frs_0012() {
    let em = start();
    for capacity in ["15000", "0", "110000", "200000", "-10000", "10000.5", "\"lots\"", "true"] {
        let body = format!(r#"{{"face_set_name": "cap", "face_set_capacity": {capacity}}}"#);
        expect_raw_error(&post(&em, &["face-sets"], &body), 400, "FRS.0012");
    }
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
    // A valid one, also as a string as in Huawei's own example.
    let resp = post(&em, &["face-sets"], r#"{"face_set_name": "cap", "face_set_capacity": 30000}"#);
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(&resp)["face_set_info"]["face_set_capacity"], 30_000);
    let resp = post(&em, &["face-sets"], r#"{"face_set_name": "cap2", "face_set_capacity": "100000"}"#);
    assert_eq!(json_of(&resp)["face_set_info"]["face_set_capacity"], 100_000);
}

#[test]
fn an_invalid_custom_field_schema_is_frs_0012() {
    let em = start();
    let eleven: serde_json::Map<String, Value> =
        (0..11).map(|i| (format!("f{i}"), json!({ "type": "integer" }))).collect();
    for schema in [
        json!({ "age": { "type": "date" } }),
        json!({ "age": { "type": "Integer" } }),
        json!({ "age": {} }),
        json!({ "age": "integer" }),
        json!({ "face_id": { "type": "string" } }),
        json!({ "external_image_id": { "type": "string" } }),
        json!({ "bad name": { "type": "string" } }),
        json!(["age"]),
        Value::Object(eleven),
    ] {
        let body = json!({ "face_set_name": "schema", "external_fields": schema }).to_string();
        expect_raw_error(&post(&em, &["face-sets"], &body), 400, "FRS.0012");
    }
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
}

#[test]
fn a_missing_face_set_name_is_frs_0011() {
    let em = start();
    for body in
        ["{}", r#"{"face_set_name": ""}"#, r#"{"face_set_name": null}"#, r#"{"face_set_capacity": 10000}"#]
    {
        expect_raw_error(&post(&em, &["face-sets"], body), 400, "FRS.0011");
    }
    // No body at all.
    let resp = raw(&em, Method::POST, ApiVersion::V2, &["face-sets"], &[], None);
    expect_raw_error(&resp, 400, "FRS.0011");
}

#[test]
fn a_malformed_json_body_is_frs_0014() {
    let em = start();
    for body in [r#"{"face_set_name": "x""#, "not json", "[1, 2]", r#""text""#, "{'face_set_name': 'x'}"] {
        expect_raw_error(&post(&em, &["face-sets"], body), 400, "FRS.0014");
    }
    em.seed_face_set("staff", &[]);
    expect_raw_error(&post(&em, &["face-sets", "staff", "search"], "{"), 400, "FRS.0014");
    expect_raw_error(&post(&em, &["face-detect"], "{]"), 400, "FRS.0014");
}

#[test]
fn adding_an_image_without_a_face_is_frs_0404() {
    let em = start();
    em.seed_face_set("people", &[]);
    let service =
        expect_error(client(&em).execute(&AddFaces::new(name("people"), no_face())), 400, "FRS.0404");
    assert_eq!(service.message, "Detect no face, can not add it to face set.");
    assert_eq!(em.face_count("people"), Some(0));
}

#[test]
fn searching_with_an_image_without_a_face_is_frs_0304() {
    let em = start();
    em.seed_face_set("people", &[]);
    em.seed_face("people", SeededFace::new("img-1")).unwrap();
    expect_error(client(&em).execute(&SearchFaces::by_image(name("people"), no_face())), 400, "FRS.0304");
}

#[test]
fn detecting_in_an_image_without_a_face_is_frs_0501() {
    let em = start();
    let service = expect_error(client(&em).execute(&DetectFaces::new(no_face())), 400, "FRS.0501");
    assert_eq!(service.message, "Detect no face, check out your picture.");
}

#[test]
fn comparing_with_an_image_without_a_face_is_frs_0501() {
    let em = start();
    let c = client(&em);
    expect_error(c.execute(&CompareFaces::new(image_of("alice"), no_face()).unwrap()), 400, "FRS.0501");
    expect_error(c.execute(&CompareFaces::new(no_face(), image_of("alice")).unwrap()), 400, "FRS.0501");
}

#[test]
fn silent_liveness_of_an_image_without_a_face_is_frs_0707() {
    let em = start();
    let service = expect_error(client(&em).execute(&DetectLiveFace::new(no_face())), 400, "FRS.0707");
    assert_eq!(service.message, "Detect no face, check out your picture.");
}

/// A GIF: not one of the accepted image formats.
const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

/// The image operations with their image fields, each request body built from one image
/// text for every image field.
fn image_requests(image_field_value: &Value) -> Vec<(Vec<&'static str>, Value)> {
    let v = image_field_value;
    vec![
        (vec!["face-detect"], json!({ "image_base64": v })),
        (vec!["face-sets", "staff", "faces"], json!({ "image_base64": v })),
        (vec!["face-sets", "staff", "search"], json!({ "image_base64": v })),
        (
            vec!["face-compare"],
            json!({ "image1_base64": v, "image2_base64": b64(&TestImage::person("a").png()) }),
        ),
        (
            vec!["face-compare"],
            json!({ "image1_base64": b64(&TestImage::person("a").png()), "image2_base64": v }),
        ),
    ]
}

#[test]
fn an_unsupported_image_format_is_frs_0016() {
    let em = start();
    staff(&em);
    for (segments, body) in image_requests(&json!(b64(GIF))) {
        expect_raw_error(&post(&em, &segments, &body.to_string()), 400, "FRS.0016");
    }
    let body = json!({ "image_base64": b64(GIF) }).to_string();
    let resp = raw(&em, Method::POST, ApiVersion::V1, &["live-detect-face"], &[], Some(&body));
    expect_raw_error(&resp, 400, "FRS.0016");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn undecodable_base64_is_frs_0015() {
    let em = start();
    staff(&em);
    let png = b64(&TestImage::person("alice").png());
    let broken = format!("{}\n{}", &png[..40], &png[40..]);
    for text in ["not*base64!", "QUJD=", broken.as_str()] {
        for (segments, body) in image_requests(&json!(text)) {
            expect_raw_error(&post(&em, &segments, &body.to_string()), 400, "FRS.0015");
        }
    }
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn an_unknown_obs_object_is_frs_0036() {
    let em = start();
    em.seed_face_set("people", &[]);
    let c = client(&em);
    let missing = || Image::from_url("/bucket/missing.png").unwrap();
    expect_error(c.execute(&DetectFaces::new(missing())), 400, "FRS.0036");
    expect_error(c.execute(&AddFaces::new(name("people"), missing())), 400, "FRS.0036");
    expect_error(c.execute(&SearchFaces::by_image(name("people"), missing())), 400, "FRS.0036");
    let video = Video::from_url("/bucket/missing.mp4").unwrap();
    expect_error(c.execute(&DetectLive::new(video, &[Action::Nod]).unwrap()), 400, "FRS.0036");
}

#[test]
fn an_invalid_obs_url_is_frs_0021() {
    let em = start();
    em.seed_face_set("people", &[]);
    for url in ["not a url", "ftp://bucket/a.png", "/bucket", "https://example.com/a.png", "bucket/a.png"] {
        let body = json!({ "image_url": url }).to_string();
        expect_raw_error(&post(&em, &["face-detect"], &body), 400, "FRS.0021");
        expect_raw_error(&post(&em, &["face-sets", "people", "faces"], &body), 400, "FRS.0021");
    }
    let body = json!({ "video_url": "not a url", "actions": "1" }).to_string();
    let resp = raw(&em, Method::POST, ApiVersion::V1, &["live-detect"], &[], Some(&body));
    expect_raw_error(&resp, 400, "FRS.0021");
}

#[test]
fn adding_to_a_full_face_set_is_frs_0306_with_http_403() {
    let em = start();
    let (status, seeded) = admin(
        &em,
        Method::POST,
        "/seed",
        &json!({ "face_sets": [{ "face_set_name": "full", "face_set_capacity": 10_000 }] }),
    );
    assert_eq!(status, 200, "{seeded}");
    for i in 0..10_000 {
        em.seed_face("full", SeededFace::new(&format!("img-{i}"))).unwrap();
    }
    let c = client(&em);
    let info = c.execute(&ShowFaceSet::new(name("full"))).unwrap().value.face_set_info.unwrap();
    assert_eq!((info.face_set_capacity, info.face_number), (Some(10_000), Some(10_000)));
    let service = expect_error(c.execute(&AddFaces::new(name("full"), image_of("alice"))), 403, "FRS.0306");
    assert!(!service.code.is_retryable());
    assert_eq!(em.face_count("full"), Some(10_000));
    // Room for one face again: the add succeeds.
    c.execute(&DeleteFaces::by_external_image_id(name("full"), "img-0".parse().unwrap())).unwrap();
    c.execute(&AddFaces::new(name("full"), image_of("alice"))).unwrap();
    assert_eq!(em.face_count("full"), Some(10_000));
}

#[test]
fn an_image_over_the_resolution_limit_is_frs_0013() {
    let em = start();
    em.seed_face_set("people", &[]);
    let c = client(&em);
    let big = || image(&TestImage::person("alice").size(4096, 2160));
    expect_error(c.execute(&DetectFaces::new(big())), 400, "FRS.0013");
    expect_error(c.execute(&AddFaces::new(name("people"), big())), 400, "FRS.0013");
    assert_eq!(em.face_count("people"), Some(0));
    let fits = image(&TestImage::person("alice").size(4095, 2159));
    assert!(c.execute(&DetectFaces::new(fits)).is_ok());
}

#[test]
fn search_with_both_a_face_id_and_an_image_is_frs_0012() {
    // operations.md §5: `image_base64` / `image_url` / `face_id` / `image_file`: exactly one.
    let em = start();
    let ids = staff(&em);
    let body =
        json!({ "face_id": ids[0], "image_base64": b64(&TestImage::person("img-2").png()) }).to_string();
    expect_raw_error(&post(&em, &["face-sets", "staff", "search"], &body), 400, "FRS.0012");
}

#[test]
fn two_forms_of_one_image_are_frs_0012() {
    let em = start();
    em.put_object("/bucket/alice.png", TestImage::person("alice").png()).unwrap();
    let body =
        json!({ "image_base64": b64(&TestImage::person("alice").png()), "image_url": "/bucket/alice.png" });
    expect_raw_error(&post(&em, &["face-detect"], &body.to_string()), 400, "FRS.0012");
    expect_raw_error(&post(&em, &["face-detect"], "{}"), 400, "FRS.0011");
}

#[test]
fn an_image_over_8_mib_is_frs_0017() {
    let em = start();
    // Base64 text longer than 8 MiB.
    let mut text = b64(&TestImage::person("alice").png());
    text.push_str(&"A".repeat(8 * 1024 * 1024 + 4 - text.len()));
    let body = json!({ "image_base64": text }).to_string();
    expect_raw_error(&post(&em, &["face-detect"], &body), 400, "FRS.0017");
    // A file of 8 MiB (the limit is "smaller than 8 MB").
    let mut file = TestImage::person("alice").png();
    file.resize(8 * 1024 * 1024, 0);
    let boundary = "0123456789abcdef0123456789abcdef";
    let mut bytes = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"image_file\"; filename=\"a.png\"\r\n\r\n"
    )
    .into_bytes();
    bytes.extend_from_slice(&file);
    bytes.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let spec = RequestSpec::frs(Method::POST, ApiVersion::V2, vec!["face-detect".into()])
        .body(Body::Multipart { boundary: boundary.to_owned(), bytes: Bytes::from(bytes) });
    let resp = send(signed(&em).prepare_spec(spec, SystemTime::now()).unwrap());
    expect_raw_error(&resp, 400, "FRS.0017");
}

#[test]
fn two_images_of_8_mib_together_are_frs_0017() {
    let em = start();
    // Each image alone is allowed (4.1 MiB), the two together (8.2 MiB) are not; the body
    // (11 MiB of base64) stays under the gateway's 12 MB.
    let mut image = TestImage::person("alice").png();
    image.resize(4200 * 1024, 0);
    let text = b64(&image);
    let body = json!({ "image1_base64": text, "image2_base64": text }).to_string();
    expect_raw_error(&post(&em, &["face-compare"], &body), 400, "FRS.0017");
}

#[test]
fn an_undeclared_custom_field_on_add_is_frs_0012() {
    let em = start();
    staff(&em);
    let fields = ExternalFields::new().with("colour", "red").unwrap();
    let op = AddFaces::new(name("staff"), image_of("alice")).external_fields(fields);
    expect_error(client(&em).execute(&op), 400, "FRS.0012");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn a_custom_field_of_the_wrong_type_on_add_is_frs_0012() {
    let em = start();
    staff(&em);
    let c = client(&em);
    let wrong = [
        ExternalFields::new().with("floor", "three").unwrap(),
        ExternalFields::new().with("floor", 2.5).unwrap(),
        ExternalFields::new().with("floor", true).unwrap(),
        ExternalFields::new().with("badge", 7).unwrap(),
        ExternalFields::new().with("active", "yes").unwrap(),
    ];
    for fields in wrong {
        let op = AddFaces::new(name("staff"), image_of("alice")).external_fields(fields);
        expect_error(c.execute(&op), 400, "FRS.0012");
    }
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn an_invalid_external_image_id_is_frs_0012() {
    let em = start();
    staff(&em);
    let png = b64(&TestImage::person("alice").png());
    for id in ["bad id", "x".repeat(37).as_str(), "a/b"] {
        let body = json!({ "image_base64": png, "external_image_id": id }).to_string();
        expect_raw_error(&post(&em, &["face-sets", "staff", "faces"], &body), 400, "FRS.0012");
    }
    let body = json!({ "external_image_id": "img-5" }).to_string();
    expect_raw_error(&post(&em, &["face-sets", "staff", "faces"], &body), 400, "FRS.0011");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_an_unknown_external_image_id_is_frs_0402_with_the_seed_message() {
    let em = start();
    staff(&em);
    let op = DeleteFaces::by_external_image_id(name("staff"), "nope".parse().unwrap());
    let service = expect_error(client(&em).execute(&op), 400, "FRS.0402");
    assert_eq!(service.message, "External id is not exist, can not delete face");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_an_unknown_face_id_is_frs_0403() {
    let em = start();
    staff(&em);
    let op = DeleteFaces::by_face_id(name("staff"), "nope1234".parse().unwrap());
    expect_error(client(&em).execute(&op), 400, "FRS.0403");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_by_an_undeclared_field_is_frs_0402() {
    let em = start();
    staff(&em);
    let op = DeleteFaces::by_field(name("staff"), "colour".parse().unwrap(), FieldValue::new("red").unwrap());
    expect_error(client(&em).execute(&op), 400, "FRS.0402");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_by_a_value_no_face_has_is_frs_0401() {
    let em = start();
    staff(&em);
    let c = client(&em);
    expect_error(
        c.execute(&DeleteFaces::by_field(name("staff"), "floor".parse().unwrap(), 9.into())),
        400,
        "FRS.0401",
    );
    let op = DeleteFaces::by_field(name("staff"), "badge".parse().unwrap(), FieldValue::new("Z-9").unwrap());
    expect_error(c.execute(&op), 400, "FRS.0401");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_by_a_field_deletes_every_matching_face() {
    let em = start();
    let ids = staff(&em);
    let c = client(&em);
    let reply = c.execute(&DeleteFaces::by_field(name("staff"), "floor".parse().unwrap(), 3.into())).unwrap();
    assert_eq!(reply.face_number, Some(2));
    assert_eq!(reply.face_set_name.as_deref(), Some("staff"));
    assert_eq!(em.face_count("staff"), Some(1));
    let left = c.execute(&ShowFaces::page(name("staff"), 0, 10).unwrap()).unwrap().value.faces.unwrap();
    assert_eq!(left.iter().map(|f| f.face_id.clone().unwrap()).collect::<Vec<_>>(), [ids[2].clone()]);
    // A boolean field and the external image id delete every match as well.
    let em = start();
    staff(&em);
    let c = client(&em);
    let reply =
        c.execute(&DeleteFaces::by_field(name("staff"), "active".parse().unwrap(), true.into())).unwrap();
    assert_eq!(reply.face_number, Some(2));
    let reply =
        c.execute(&DeleteFaces::by_external_image_id(name("staff"), "img-1".parse().unwrap())).unwrap();
    assert_eq!(reply.face_number, Some(1));
    assert_eq!(em.face_count("staff"), Some(0));
}

/// A signed `DELETE /v2/{project_id}/face-sets/staff/faces{tail}`: query and body as given.
fn delete_staff_faces(
    em: &Emulator,
    tail: &[&str],
    query: &[(&str, &str)],
    body: Option<&str>,
) -> http::Response<Bytes> {
    let segments: Vec<&str> = ["face-sets", "staff", "faces"].iter().chain(tail).copied().collect();
    raw(em, Method::DELETE, ApiVersion::V2, &segments, query, body)
}

#[test]
fn deleting_by_a_value_of_the_wrong_type_is_frs_0012() {
    let em = start();
    staff(&em);
    for query in [("floor", "three"), ("floor", "3.5"), ("active", "yes")] {
        let resp = delete_staff_faces(&em, &[], &[query], None);
        expect_raw_error(&resp, 400, "FRS.0012");
    }
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn showing_or_updating_an_unknown_face_id_is_frs_0403() {
    // FRS.0403 ("face id does not exist") everywhere, as the error table says; the show
    // and update pages' samples show FRS.0303, which the table gives another meaning.
    let em = start();
    staff(&em);
    let c = client(&em);
    expect_error(
        c.execute(&ShowFaces::by_face_id(name("staff"), "nope1234".parse().unwrap())),
        400,
        "FRS.0403",
    );
    let op =
        UpdateFace::new(name("staff"), "nope1234".parse().unwrap()).external_image_id("x".parse().unwrap());
    let service = expect_error(c.execute(&op), 400, "FRS.0403");
    assert_eq!(service.message, "The face id is not exist, checkout your input.");
}

#[test]
fn deleting_by_two_fields_at_once_is_frs_0012() {
    let em = start();
    let ids = staff(&em);
    let query = [("external_image_id", "img-1"), ("face_id", ids[2].as_str())];
    let resp = delete_staff_faces(&em, &[], &query, None);
    expect_raw_error(&resp, 400, "FRS.0012");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn deleting_faces_without_a_field_is_frs_0011() {
    let em = start();
    staff(&em);
    let resp = delete_staff_faces(&em, &[], &[], None);
    expect_raw_error(&resp, 400, "FRS.0011");
    // An empty value is no selector either.
    let query = [("external_image_id", "")];
    let resp = delete_staff_faces(&em, &[], &query, None);
    expect_raw_error(&resp, 400, "FRS.0011");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn batch_delete_matching_nothing_is_frs_0407() {
    let em = start();
    staff(&em);
    let op = BatchDeleteFaces::new(name("staff"), Filter::parse("floor:[5 TO 9]").unwrap());
    let service = expect_error(client(&em).execute(&op), 400, "FRS.0407");
    assert_eq!(service.message, "All the data not suitable, no data to be deleted.");
    assert_eq!(em.face_count("staff"), Some(3));
    // A matching filter deletes every match.
    let op = BatchDeleteFaces::new(name("staff"), Filter::parse("floor:3 && active:true").unwrap());
    assert_eq!(client(&em).execute(&op).unwrap().face_number, Some(1));
    assert_eq!(em.face_count("staff"), Some(2));
}

#[test]
fn batch_delete_with_a_bad_filter_is_frs_0012() {
    let em = start();
    staff(&em);
    for filter in ["floor:[1 TO", "floor 3", "&& floor:3", "!floor:3", "(floor:3", "floor:3 &&"] {
        let body = json!({ "filter": filter }).to_string();
        let resp = delete_staff_faces(&em, &["batch"], &[], Some(&body));
        expect_raw_error(&resp, 400, "FRS.0012");
    }
    let resp = delete_staff_faces(&em, &["batch"], &[], Some("{}"));
    expect_raw_error(&resp, 400, "FRS.0011");
    assert_eq!(em.face_count("staff"), Some(3));
}

#[test]
fn sorting_by_a_non_numeric_field_is_frs_0032() {
    let em = start();
    staff(&em);
    let c = client(&em);
    for field in ["badge", "active", "colour"] {
        let op = SearchFaces::by_image(name("staff"), image_of("img-1"))
            .sort(Sort::new().asc(field.parse().unwrap()));
        expect_error(c.execute(&op), 400, "FRS.0032");
    }
}

#[test]
fn top_n_or_threshold_out_of_range_is_frs_0012() {
    let em = start();
    staff(&em);
    let png = b64(&TestImage::person("img-1").png());
    for extra in [
        json!({ "top_n": 0 }),
        json!({ "top_n": 1001 }),
        json!({ "top_n": 2.5 }),
        json!({ "threshold": 2 }),
        json!({ "threshold": -0.1 }),
    ] {
        let mut body = json!({ "image_base64": png });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        expect_raw_error(&post(&em, &["face-sets", "staff", "search"], &body.to_string()), 400, "FRS.0012");
    }
}

fn live_detect(em: &Emulator, body: &Value) -> http::Response<Bytes> {
    raw(em, Method::POST, ApiVersion::V1, &["live-detect"], &[], Some(&body.to_string()))
}

fn mp4() -> String {
    b64(&TestVideo::person("bob").mp4())
}

#[test]
fn live_detect_with_an_unsupported_action_is_frs_0702() {
    let em = start();
    for actions in ["9", "1,9", "0", "x"] {
        let resp = live_detect(&em, &json!({ "video_base64": mp4(), "actions": actions }));
        expect_raw_error(&resp, 400, "FRS.0702");
    }
}

#[test]
fn live_detect_with_eleven_actions_is_frs_0704() {
    let em = start();
    let resp = live_detect(&em, &json!({ "video_base64": mp4(), "actions": "1,2,3,4,5,1,2,3,4,5,1" }));
    let body = expect_raw_error(&resp, 400, "FRS.0704");
    assert_eq!(body["error_msg"], "The number of action exceed 10.");
    // Ten are fine.
    let resp = live_detect(&em, &json!({ "video_base64": mp4(), "actions": "1,2,3,4,5,1,2,3,4,5" }));
    assert_eq!(resp.status(), 200, "{}", json_of(&resp));
}

#[test]
fn live_detect_with_mismatched_action_time_is_frs_0703() {
    let em = start();
    for action_time in ["1000-3000", "1000-3000,4000-7000,8000-9000", "3000-1000,4000-7000", "a-b,c-d"] {
        let body = json!({ "video_base64": mp4(), "actions": "1,3", "action_time": action_time });
        expect_raw_error(&live_detect(&em, &body), 400, "FRS.0703");
    }
    let body = json!({ "video_base64": mp4(), "actions": "1,3", "action_time": "1000-3000,4000-7000" });
    assert_eq!(live_detect(&em, &body).status(), 200);
}

#[test]
fn live_detect_with_a_20_second_video_is_frs_0706() {
    let em = start();
    let video = Video::base64_from_bytes(TestVideo::person("bob").duration_ms(20_000).mp4()).unwrap();
    expect_error(client(&em).execute(&DetectLive::new(video, &[Action::Nod]).unwrap()), 400, "FRS.0706");
}

#[test]
fn live_detect_with_bytes_that_are_no_video_is_frs_0701() {
    let em = start();
    let body = json!({ "video_base64": b64(b"hello, this is not a video"), "actions": "1" });
    let body = expect_raw_error(&live_detect(&em, &body), 400, "FRS.0701");
    assert_eq!(body["error_msg"], "Parse video data failed.");
}

#[test]
fn live_detect_with_nod_threshold_out_of_range_is_frs_0012() {
    let em = start();
    for nod_threshold in [0.5, 90.5] {
        let body = json!({ "video_base64": mp4(), "actions": "3", "nod_threshold": nod_threshold });
        expect_raw_error(&live_detect(&em, &body), 400, "FRS.0012");
    }
    let body = json!({ "video_base64": mp4(), "actions": "3", "nod_threshold": 12.5 });
    assert_eq!(live_detect(&em, &body).status(), 200);
}

#[test]
fn show_faces_beyond_offset_plus_limit_10000_is_frs_0012() {
    let em = start();
    staff(&em);
    let faces = ["face-sets", "staff", "faces"];
    for query in [
        [("offset", "9999"), ("limit", "2")],
        [("offset", "0"), ("limit", "10001")],
        [("offset", "0"), ("limit", "0")],
        [("offset", "-1"), ("limit", "5")],
    ] {
        let resp = raw(&em, Method::GET, ApiVersion::V2, &faces, &query, None);
        expect_raw_error(&resp, 400, "FRS.0012");
    }
    let resp = raw(&em, Method::GET, ApiVersion::V2, &faces, &[("offset", "9999"), ("limit", "1")], None);
    assert_eq!(resp.status(), 200);
    assert_eq!(json_of(&resp)["faces"], json!([]));
}
