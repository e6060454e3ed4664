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
use frs_request::{Config, Credentials, Endpoint, Operation, multipart};
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
fn build(sdk_method: &str, call: &Value, config: &Config) -> http::Request<Bytes> {
    let method = sdk_method.trim_end_matches("_intl");
    let now = UNIX_EPOCH + Duration::from_secs(1_710_498_030);
    let req = |op: &dyn ErasedOp| op.request(config, now);
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

/// Object-safe access to `Operation::to_request` for the table above.
trait ErasedOp {
    fn request(&self, config: &Config, now: std::time::SystemTime) -> http::Request<Bytes>;
}

impl<O: Operation> ErasedOp for O {
    fn request(&self, config: &Config, now: std::time::SystemTime) -> http::Request<Bytes> {
        self.to_request(config, now).unwrap_or_else(|e| panic!("{}: {e}", O::NAME))
    }
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
        let ours = build(sdk_method, call, &config);

        assert_eq!(ours.method().as_str(), text(rec, "method"), "{label}");
        assert_eq!(ours.uri().path(), text(rec, "path"), "{label}");
        let our_query = ours.uri().query().map(frs_request::sign::parse_query).unwrap_or_default();
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
