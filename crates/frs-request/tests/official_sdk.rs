//! Our requests against the requests Huawei's official Python SDK (`huaweicloudsdkfrs`
//! 3.1.219) sent for the same inputs, recorded once by `tools/record-official/run.sh`:
//! method, path, query, the headers that matter, the signed header list and the body (JSON
//! compared as values, multipart part by part).

use std::time::{Duration, UNIX_EPOCH};

use base64::Engine as _;
use bytes::Bytes;
use frs_request::detection::{Attribute, CompareFaces, DetectFaces};
use frs_request::face_sets::{CreateFaceSet, DeleteFaceSet, ShowAllFaceSets, ShowFaceSet};
use frs_request::faces::{AddFaces, BatchDeleteFaces, DeleteFaces, ShowFaces, UpdateFace};
use frs_request::liveness::{Action, DetectLive, DetectLiveFace};
use frs_request::search::SearchFaces;
use frs_request::server::multipart;
use frs_request::{Config, Credentials, Endpoint, Operation};
use frs_types::models::face_sets::FieldType;
use frs_types::{
    EnterpriseProjectId, ExternalFields, ExternalImageId, FaceSetName, Filter, Image, ReturnFields, Sort,
    Video,
};
use serde_json::Value;

const RECORDINGS: &str = include_str!("data/official-sdk-requests.json");

fn text<'a>(call: &'a Value, key: &str) -> &'a str {
    call[key].as_str().unwrap_or_else(|| panic!("{key} missing in {call}"))
}

fn file_bytes(call: &Value, key: &str) -> (String, Bytes) {
    let file = &call[key];
    let bytes = base64::engine::general_purpose::STANDARD.decode(text(file, "content_base64")).unwrap();
    (text(file, "filename").to_owned(), Bytes::from(bytes))
}

/// The image argument of a call, whichever way it was given (`image`, `image1`, …).
fn image(call: &Value, prefix: &str) -> Image {
    if let Some(b64) = call[format!("{prefix}_base64")].as_str() {
        Image::from_base64_text(b64).unwrap()
    } else if let Some(url) = call[format!("{prefix}_url")].as_str() {
        Image::from_url(url).unwrap()
    } else {
        let (name, bytes) = file_bytes(call, &format!("{prefix}_file"));
        Image::from_bytes(name, bytes).unwrap()
    }
}

fn video(call: &Value) -> Video {
    if let Some(b64) = call["video_base64"].as_str() {
        Video::from_base64_text(b64).unwrap()
    } else if let Some(url) = call["video_url"].as_str() {
        Video::from_url(url).unwrap()
    } else {
        let (name, bytes) = file_bytes(call, "video_file");
        Video::from_bytes(name, bytes).unwrap()
    }
}

fn face_set(call: &Value) -> FaceSetName {
    text(call, "face_set_name").parse().unwrap()
}

/// A JSON value, or JSON given as text (the SDK types multipart fields as strings).
fn json_arg(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap(),
        other => other.clone(),
    }
}

fn external_fields(v: &Value) -> ExternalFields {
    serde_json::from_value(json_arg(v)).unwrap()
}

/// Our operation for a recorded call.
fn build(sdk_method: &str, call: &Value) -> Box<dyn ErasedOp> {
    let method = sdk_method.trim_end_matches("_intl");
    fn req<O: ErasedOp + Clone + 'static>(op: &O) -> Box<dyn ErasedOp> {
        Box::new(op.clone())
    }
    match method {
        m if m.starts_with("detect_face_by_") => {
            let mut op = DetectFaces::new(image(call, "image"));
            if let Some(codes) = call["attributes"].as_str() {
                let attrs: Vec<Attribute> =
                    codes.split(',').map(|c| Attribute::from_code(c.parse().unwrap()).unwrap()).collect();
                op = op.attributes(&attrs);
            }
            req(&op)
        }
        m if m.starts_with("compare_face_by_") => {
            req(&CompareFaces::new(image(call, "image1"), image(call, "image2")).unwrap())
        }
        m if m.starts_with("detect_live_face_by_") => req(&DetectLiveFace::new(image(call, "image"))),
        m if m.starts_with("detect_live_by_") => {
            let actions: Vec<Action> = text(call, "actions")
                .split(',')
                .map(|c| Action::from_code(c.parse().unwrap()).unwrap())
                .collect();
            let mut op = DetectLive::new(video(call), &actions).unwrap();
            if let Some(times) = call["action_time"].as_str() {
                let pairs: Vec<(u32, u32)> = times
                    .split(',')
                    .map(|p| {
                        let (a, b) = p.split_once('-').unwrap();
                        (a.parse().unwrap(), b.parse().unwrap())
                    })
                    .collect();
                op = op.action_time(&pairs).unwrap();
            }
            if let Some(t) = call["nod_threshold"].as_f64() {
                op = op.nod_threshold(t).unwrap();
            }
            if sdk_method.ends_with("_intl") {
                op = op.intl();
            }
            req(&op)
        }
        m if m.starts_with("search_face_by_") => {
            let mut op = if m == "search_face_by_face_id" {
                SearchFaces::by_face_id(face_set(call), text(call, "face_id").parse().unwrap())
            } else {
                SearchFaces::by_image(face_set(call), image(call, "image"))
            };
            if let Some(n) = call["top_n"].as_u64() {
                op = op.top_n(u32::try_from(n).unwrap()).unwrap();
            }
            if let Some(t) = call["threshold"].as_f64() {
                op = op.threshold(t).unwrap();
            }
            if let Some(f) = call["filter"].as_str() {
                op = op.filter(Filter::parse(f).unwrap());
            }
            if !call["sort"].is_null() {
                op = op.sort(serde_json::from_value::<Sort>(json_arg(&call["sort"])).unwrap());
            }
            if !call["return_fields"].is_null() {
                op = op.return_fields(
                    serde_json::from_value::<ReturnFields>(json_arg(&call["return_fields"])).unwrap(),
                );
            }
            req(&op)
        }
        "create_face_set" => {
            let mut op = CreateFaceSet::new(text(call, "face_set_name").parse().unwrap());
            if let Some(c) = call["face_set_capacity"].as_u64() {
                op = op.capacity(u32::try_from(c).unwrap()).unwrap();
            }
            for (name, info) in call["external_fields"].as_object().into_iter().flatten() {
                let ty: FieldType = serde_json::from_value(info["type"].clone()).unwrap();
                op = op.field(name.parse().unwrap(), ty).unwrap();
            }
            req(&op)
        }
        "show_all_face_sets" => req(&ShowAllFaceSets),
        "show_face_set" => req(&ShowFaceSet::new(face_set(call))),
        "delete_face_set" => req(&DeleteFaceSet::new(face_set(call))),
        m if m.starts_with("add_faces_by_") => {
            let mut op = AddFaces::new(face_set(call), image(call, "image"));
            if let Some(id) = call["external_image_id"].as_str() {
                op = op.external_image_id(id.parse().unwrap());
            }
            if !call["external_fields"].is_null() {
                op = op.external_fields(external_fields(&call["external_fields"]));
            }
            if let Some(single) = call["single"].as_bool() {
                op = op.single(single);
            } else if let Some(single) = call["single"].as_str() {
                op = op.single(single == "true");
            }
            req(&op)
        }
        "show_faces_by_face_id" => {
            req(&ShowFaces::by_face_id(face_set(call), text(call, "face_id").parse().unwrap()))
        }
        "show_faces_by_limit" => {
            let n = |k: &str| u32::try_from(call[k].as_u64().unwrap()).unwrap();
            req(&ShowFaces::page(face_set(call), n("offset"), n("limit")).unwrap())
        }
        "update_face" => {
            let mut op = UpdateFace::new(face_set(call), text(call, "face_id").parse().unwrap());
            if let Some(id) = call["external_image_id"].as_str() {
                op = op.external_image_id(id.parse().unwrap());
            }
            if !call["external_fields"].is_null() {
                op = op.external_fields(external_fields(&call["external_fields"]));
            }
            req(&op)
        }
        "delete_face_by_external_image_id" => req(&DeleteFaces::by_external_image_id(
            face_set(call),
            text(call, "external_image_id").parse().unwrap(),
        )),
        "delete_face_by_face_id" => {
            req(&DeleteFaces::by_face_id(face_set(call), text(call, "face_id").parse().unwrap()))
        }
        "batch_delete_faces" => {
            req(&BatchDeleteFaces::new(face_set(call), Filter::parse(text(call, "filter")).unwrap()))
        }
        other => panic!("no operation for {other}"),
    }
}

/// Object-safe access to an operation for the table above: its request, and a run through
/// a closure transport that must see exactly that request and answers `answer`.
trait ErasedOp {
    fn request(&self, config: &Config, now: std::time::SystemTime) -> http::Request<Bytes>;
    fn run(
        &self,
        config: &Config,
        now: std::time::SystemTime,
        answer: http::Response<Bytes>,
    ) -> Result<Value, String>;
}

impl<O: Operation> ErasedOp for O
where
    O::Output: serde::Serialize,
{
    fn request(&self, config: &Config, now: std::time::SystemTime) -> http::Request<Bytes> {
        self.to_request(config, now).unwrap_or_else(|e| panic!("{}: {e}", O::NAME))
    }

    fn run(
        &self,
        config: &Config,
        now: std::time::SystemTime,
        answer: http::Response<Bytes>,
    ) -> Result<Value, String> {
        let expected = self.request(config, now);
        let answer = std::cell::RefCell::new(Some(answer));
        let transport =
            |req: http::Request<Bytes>| -> Result<http::Response<Bytes>, std::convert::Infallible> {
                // The exact request: method, URI, every header (names and values), body bytes.
                assert_eq!(req.method(), expected.method());
                assert_eq!(req.uri(), expected.uri());
                assert_eq!(req.headers(), expected.headers());
                assert_eq!(req.body(), expected.body());
                Ok(answer.borrow_mut().take().expect("one request per call"))
            };
        let config = config.clone().with_retry(frs_request::RetryPolicy::none());
        frs_request::execute_blocking(&config, &transport, self, || now, |_| {})
            .map(|reply| serde_json::to_value(reply.value).unwrap())
            .map_err(|e| e.code().map(|c| c.as_str().to_owned()).unwrap_or_else(|| e.to_string()))
    }
}

/// The documented success body of each logical operation (operations.md, models.md).
fn documented_success(sdk_method: &str) -> &'static str {
    let m = sdk_method.trim_end_matches("_intl");
    match m {
        _ if m.starts_with("detect_face_by_") => {
            r#"{"faces": [{"bounding_box": {"width": 174, "top_left_y": 37, "top_left_x": 22, "height": 174}, "attributes": {"gender": "male", "age": 35, "dress": {"glass": "none", "hat": "none"}, "quality": {"total_score": 0.5869140625, "blur": 0.385498046875, "pose": 0.3349609375, "occlusion": 0.392333984375, "illumination": 0.3408203125}, "expression": {"type": "neutral", "probability": 0.91}, "face_angle": 0}}]}"#
        }
        _ if m.starts_with("compare_face_by_") => {
            r#"{"image1_face": {"bounding_box": {"width": 174, "top_left_y": 37, "top_left_x": 22, "height": 174}}, "image2_face": {"bounding_box": {"width": 118, "top_left_y": 28, "top_left_x": 94, "height": 118}}, "similarity": 0.4921875}"#
        }
        _ if m.starts_with("detect_live_face_by_") => {
            r#"{"result": {"alive": true, "confidence": 0.96, "picture": "/9j/4AAQ"}, "warning-list": []}"#
        }
        _ if m.starts_with("detect_live_by_") => {
            r#"{"video-result": {"alive": true, "actions": [{"action": 1, "confidence": 0.8}, {"action": 3, "confidence": 0.9}], "picture": "/9j/4AAQ"}, "warning-list": [{"warningCode": 6, "warningMsg": "action amplitude too small"}]}"#
        }
        _ if m.starts_with("search_face_by_") => {
            r#"{"faces": [{"bounding_box": {"width": 174, "top_left_y": 37, "top_left_x": 22, "height": 174}, "similarity": 0.9951, "face_id": "iexEBb6t", "external_image_id": "img-1", "external_fields": {"age": 30}}]}"#
        }
        "create_face_set" | "show_face_set" => {
            r#"{"face_set_info": {"face_set_name": "fs1", "face_set_id": "T785tx1N", "create_date": "2024-03-15 10:20:30", "face_set_capacity": 20000, "face_number": 0, "external_fields": {"age": {"type": "integer"}}}}"#
        }
        "show_all_face_sets" => {
            r#"{"face_sets_info": [{"face_set_name": "fs1", "face_set_id": "T785tx1N", "face_set_capacity": 100000, "face_number": 2}]}"#
        }
        "delete_face_set" => r#"{"face_set_name": "showFaceSet"}"#,
        _ if m.starts_with("add_faces_by_") || m.starts_with("show_faces_by_") => {
            r#"{"face_set_id": "T785tx1N", "face_set_name": "fs1", "faces": [{"bounding_box": {"width": 174, "top_left_y": 37, "top_left_x": 22, "height": 174}, "external_image_id": "img-1", "external_fields": {"age": 30, "name": "bob"}, "face_id": "iexEBb6t"}]}"#
        }
        "update_face"
        | "delete_face_by_external_image_id"
        | "delete_face_by_face_id"
        | "batch_delete_faces" => {
            r#"{"face_number": 1, "face_set_id": "T785tx1N", "face_set_name": "showFaceSet"}"#
        }
        other => panic!("no documented body for {other}"),
    }
}

/// The documented sample error of each logical operation (operations.md), as (status, body).
fn documented_error(sdk_method: &str) -> (u16, &'static str) {
    let m = sdk_method.trim_end_matches("_intl");
    match m {
        _ if m.starts_with("detect_face_by_") || m.starts_with("compare_face_by_") => {
            (400, r#"{"error_code": "FRS.0501", "error_msg": "Detect no face, check out your picture."}"#)
        }
        _ if m.starts_with("detect_live_face_by_") => {
            (400, r#"{"error_code": "FRS.0707", "error_msg": "Detect no face, check out your picture."}"#)
        }
        _ if m.starts_with("detect_live_by_") => {
            (400, r#"{"error_code": "FRS.0701", "error_msg": "Parse video data failed."}"#)
        }
        _ if m.starts_with("search_face_by_") => {
            (400, r#"{"error_code": "FRS.0018", "error_msg": "The service inner error."}"#)
        }
        "create_face_set" | "show_face_set" | "show_all_face_sets" | "delete_face_set" => {
            (403, r#"{"error_code": "FRS.0002", "error_msg": "The authentication token is abnormal."}"#)
        }
        _ if m.starts_with("add_faces_by_") => {
            (400, r#"{"error_code": "FRS.0404", "error_msg": "Detect no face, can not add it to face set."}"#)
        }
        "show_faces_by_face_id" | "show_faces_by_limit" | "update_face" | "delete_face_by_face_id" => (
            400,
            r#"{"error_code": "FRS.0303", "error_msg": "The face id is not exist, checkout your input."}"#,
        ),
        "delete_face_by_external_image_id" => (
            400,
            r#"{"error_code": "FRS.0402", "error_msg": "External id is not exist, can not delete face"}"#,
        ),
        "batch_delete_faces" => (
            400,
            r#"{"error_code": "FRS.0407", "error_msg": "All the data not suitable, no data to be deleted."}"#,
        ),
        other => panic!("no documented error for {other}"),
    }
}

fn json_answer(status: u16, body: &str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .header("Content-Type", "application/json;charset=UTF-8")
        .header("X-Request-Id", "0a1b2c3d-1710498030-frs-host")
        .body(Bytes::from(body.to_owned()))
        .unwrap()
}

fn header<'a>(req: &'a http::Request<Bytes>, name: &str) -> Option<&'a str> {
    req.headers().get(name).map(|v| v.to_str().unwrap())
}

fn recorded_header<'a>(rec: &'a Value, name: &str) -> Option<&'a str> {
    rec["headers"].as_array().unwrap().iter().find(|h| h[0] == name).map(|h| h[1].as_str().unwrap())
}

#[test]
fn every_official_request_is_matched() {
    let doc: Value = serde_json::from_str(RECORDINGS).unwrap();
    let records = doc["requests"].as_array().unwrap();
    assert_eq!(records.len(), 36);
    let mut matched = Vec::new();
    for rec in records {
        let label = text(rec, "label");
        let sdk_method = text(rec, "sdk_method");
        let call = &rec["call"];
        if label.ends_with("encoding_probe") {
            // The official SDK percent-encodes whatever it is given (`fs 1/x`, `a b&c`); the
            // service documents both as invalid (letters, digits, `-`, `_`), so we refuse to
            // build such a request and name the rule instead.
            assert!(text(call, "face_set_name").parse::<FaceSetName>().is_err());
            assert!(text(call, "external_image_id").parse::<ExternalImageId>().is_err());
            assert_eq!(
                text(rec, "target"),
                "/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/face-sets/fs%201%2Fx/faces?external_image_id=a%20b%26c"
            );
            continue;
        }
        let mut config = Config::new(
            Endpoint::parse("http://127.0.0.1:8080").unwrap(),
            "0a1b2c3d4e5f60718293a4b5c6d7e8f9".parse().unwrap(),
            Credentials::access_key("RECORDAK0000000000000", "record-sk"),
        );
        if let Some(ep) = call["enterprise_project_id"].as_str() {
            config = config.with_enterprise_project_id(EnterpriseProjectId::new(ep).unwrap());
        }
        let now = UNIX_EPOCH + Duration::from_secs(1_710_498_030);
        let op = build(sdk_method, call);
        let ours = op.request(&config, now);

        // The operation catalogue (generated from docs/spec) says the same.
        let info = frs_request::catalogue::OPERATIONS
            .iter()
            .find(|i| i.sdk_method == Some(sdk_method))
            .unwrap_or_else(|| panic!("{sdk_method} is not in the catalogue"));
        assert_eq!(info.http_method, ours.method().as_str(), "{label}: catalogue method");
        let template = info.path.replace("{project_id}", "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
        let face_set_name = call["face_set_name"].as_str().unwrap_or("");
        assert_eq!(
            template.replace("{face_set_name}", face_set_name),
            ours.uri().path(),
            "{label}: catalogue path"
        );
        let kind = match header(&ours, "content-type") {
            Some(ct) if ct.starts_with("multipart/") => frs_request::catalogue::BodyKind::Multipart,
            _ if ours.body().is_empty() => frs_request::catalogue::BodyKind::None,
            _ => frs_request::catalogue::BodyKind::Json,
        };
        assert_eq!(info.body, kind, "{label}: catalogue body kind");

        // Through a closure transport: the exact request goes out, the documented answers
        // come back typed.
        let success = documented_success(sdk_method);
        let parsed =
            op.run(&config, now, json_answer(200, success)).unwrap_or_else(|e| panic!("{label}: {e}"));
        let documented: Value = serde_json::from_str(success).unwrap();
        assert_eq!(parsed, documented, "{label}: parsed success body");
        let (status, error) = documented_error(sdk_method);
        let code = op.run(&config, now, json_answer(status, error)).unwrap_err();
        let documented: Value = serde_json::from_str(error).unwrap();
        assert_eq!(code, documented["error_code"], "{label}: parsed error code");

        assert_eq!(ours.method().as_str(), text(rec, "method"), "{label}");
        assert_eq!(ours.uri().path(), text(rec, "path"), "{label}");
        let our_query = ours.uri().query().map(frs_request::server::parse_query).unwrap_or_default();
        let their_query: Vec<(String, String)> = rec["query"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().to_owned(), p[1].as_str().unwrap().to_owned()))
            .collect();
        assert_eq!(our_query, their_query, "{label}: query");
        // Same query text on the wire too (sorted, same encoding).
        assert_eq!(ours.uri().path_and_query().unwrap().as_str(), text(rec, "target"), "{label}: target");

        let normalized_ct = header(&ours, "content-type").map(|ct| match ct.split_once("boundary=") {
            Some((head, _)) => format!("{head}boundary=<boundary>"),
            None => ct.to_owned(),
        });
        assert_eq!(normalized_ct.as_deref(), recorded_header(rec, "content-type"), "{label}: content-type");
        for name in ["x-project-id", "enterprise-project-id", "x-sdk-content-sha256"] {
            assert_eq!(header(&ours, name), recorded_header(rec, name), "{label}: {name}");
        }
        let auth = header(&ours, "authorization").unwrap();
        let signed = auth.split("SignedHeaders=").nth(1).unwrap().split(',').next().unwrap();
        let theirs: Vec<&str> =
            rec["signed_headers"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(signed.split(';').collect::<Vec<_>>(), theirs, "{label}: signed headers");

        match &rec["body"] {
            Value::Null => assert!(ours.body().is_empty(), "{label}: body"),
            body if body.get("json").is_some() => {
                let our_json: Value = serde_json::from_slice(ours.body()).unwrap();
                assert_eq!(our_json, body["json"], "{label}: JSON body");
            }
            body => {
                let parts = multipart::parse(header(&ours, "content-type").unwrap(), ours.body()).unwrap();
                let expected = body["multipart"].as_array().unwrap();
                assert_eq!(parts.len(), expected.len(), "{label}: part count");
                for (ours, theirs) in parts.iter().zip(expected) {
                    assert_eq!(ours.name, text(theirs, "name"), "{label}: part order");
                    assert_eq!(
                        ours.file_name.as_deref(),
                        theirs["filename"].as_str(),
                        "{label}: {}",
                        ours.name
                    );
                    match theirs["value"].as_str() {
                        Some(value) => {
                            let ours_text = std::str::from_utf8(&ours.data).unwrap();
                            if ours.name == "sort"
                                || ours.name == "return_fields"
                                || ours.name == "external_fields"
                            {
                                // JSON in a text part: the same JSON value.
                                let a: Value = serde_json::from_str(ours_text).unwrap();
                                let b: Value = serde_json::from_str(value).unwrap();
                                assert_eq!(a, b, "{label}: {}", ours.name);
                            } else {
                                assert_eq!(ours_text, value, "{label}: {}", ours.name);
                            }
                        }
                        None => {
                            let bytes = base64::engine::general_purpose::STANDARD
                                .decode(theirs["value_base64"].as_str().unwrap())
                                .unwrap();
                            assert_eq!(ours.data.as_ref(), bytes.as_slice(), "{label}: {}", ours.name);
                        }
                    }
                    // A file part carries a Content-Type only when the caller gives one; the
                    // recording gives one for compare's second image (`image/png`), which our
                    // API does not take: the service reads the format from the bytes.
                    if theirs["content_type"].is_null() {
                        assert_eq!(ours.content_type, None, "{label}: {}", ours.name);
                    }
                }
            }
        }
        matched.push(sdk_method.to_owned());
    }
    matched.sort();
    matched.dedup();
    assert_eq!(matched.len(), 35, "every official SDK method is matched");
}
