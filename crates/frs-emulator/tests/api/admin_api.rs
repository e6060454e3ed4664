//! The admin API: health, reset, the state dump, seeding, the redacted request log and
//! the OBS objects.

use bytes::Bytes;
use frs_emulator::Fault;
use frs_emulator::testimage::{TestImage, TestVideo};
use frs_request::Credentials;
use frs_request::detection::DetectFaces;
use frs_request::face_sets::{ShowAllFaceSets, ShowFaceSet};
use frs_request::faces::AddFaces;
use frs_request::liveness::{Action, DetectLive};
use frs_request::search::SearchFaces;
use frs_types::{Image, Video};
use http::Method;
use serde_json::json;

use crate::{
    AK, PID, SK, TOKEN, admin, admin_bytes, admin_get, client, client_as, expect_error, hits, image_of,
    list_status, name, similarity, staff, start, with_temporary_pair,
};

#[test]
fn admin_health_reports_ok_and_the_number_of_face_sets() {
    let em = start();
    assert_eq!(admin_get(&em, "/health"), json!({ "status": "ok", "face_sets": 0 }));
    staff(&em);
    em.seed_face_set("other", &[]);
    assert_eq!(admin_get(&em, "/health"), json!({ "status": "ok", "face_sets": 2 }));
    assert_eq!(admin_bytes(&em, Method::GET, "/nothing", Bytes::new()).0, 404);
}

#[test]
fn admin_reset_empties_the_state() {
    let em = start();
    staff(&em);
    em.put_object("/bucket/alice.png", TestImage::person("alice").png()).unwrap();
    assert_eq!(list_status(&em), 200);
    em.inject(Fault::json(503, "{}"), 5);
    let (status, body) = admin_bytes(&em, Method::POST, "/reset", Bytes::new());
    assert_eq!((status, body), (200, json!({ "status": "reset" })));
    assert_eq!(em.face_count("staff"), None);
    assert!(em.requests().is_empty());
    assert_eq!(admin_get(&em, "/health")["face_sets"], 0);
    assert_eq!(admin_get(&em, "/state")["sets"], json!({}));
    // Faults and OBS objects are gone too.
    let op = DetectFaces::new(Image::from_url("/bucket/alice.png").unwrap());
    expect_error(client(&em).execute(&op), 400, "FRS.0036");
}

#[test]
fn admin_state_dump_contains_the_seeded_sets() {
    let em = start();
    let ids = staff(&em);
    let state = admin_get(&em, "/state");
    let set = &state["sets"]["staff"];
    assert_eq!(set["name"], "staff");
    assert_eq!(set["fields"], json!({ "floor": "integer", "badge": "string", "active": "boolean" }));
    let faces = set["faces"].as_array().unwrap();
    let face_ids: Vec<&str> = faces.iter().map(|f| f["face_id"].as_str().unwrap()).collect();
    assert_eq!(face_ids, ids);
    assert_eq!(faces[2]["external_image_id"], "img-2");
    assert_eq!(faces[2]["external_fields"], json!({ "floor": 4, "badge": "B-1", "active": true }));
}

#[test]
fn admin_seed_creates_faces_that_search_finds() {
    let em = start();
    let seed = json!({ "face_sets": [{
        "face_set_name": "seeded",
        "face_set_capacity": 20_000,
        "external_fields": { "floor": { "type": "integer" } },
        "faces": [
            { "external_image_id": "e-1", "person": "alice", "external_fields": { "floor": 1 } },
            { "external_image_id": "e-2", "person": "bob" },
        ],
    }] });
    let (status, body) = admin(&em, Method::POST, "/seed", &seed);
    assert_eq!(status, 200, "{body}");
    let created = &body["face_sets"][0];
    assert_eq!(created["face_set_name"], "seeded");
    let face_ids = created["face_ids"].as_array().unwrap().clone();
    assert_eq!(face_ids.len(), 2);
    let c = client(&em);
    let info = c.execute(&ShowFaceSet::new(name("seeded"))).unwrap().value.face_set_info.unwrap();
    assert_eq!((info.face_set_capacity, info.face_number), (Some(20_000), Some(2)));
    assert_eq!(info.face_set_id.as_ref(), created["face_set_id"].as_str().map(str::to_owned).as_ref());
    assert_eq!(info.external_fields, json!({ "floor": { "type": "integer" } }).as_object().cloned());
    let found = hits(c.execute(&SearchFaces::by_image(name("seeded"), image_of("alice"))).unwrap());
    assert_eq!(found[0].face_id.as_deref(), face_ids[0].as_str());
    assert_eq!(found[0].external_fields, json!({ "floor": 1 }).as_object().cloned());
    assert!(similarity(&found[0]) >= 0.93 && similarity(&found[1]) < 0.93, "{found:?}");
    // Seeding an existing set or an invalid name is refused.
    assert_eq!(admin(&em, Method::POST, "/seed", &seed).0, 400);
    let bad = json!({ "face_sets": [{ "face_set_name": "bad name" }] });
    assert_eq!(admin(&em, Method::POST, "/seed", &bad).0, 400);
    assert_eq!(admin_bytes(&em, Method::POST, "/seed", "not json").0, 400);
}

#[test]
fn admin_request_log_redacts_secrets() {
    let em = with_temporary_pair();
    client_as(&em, Credentials::token(TOKEN)).execute(&ShowAllFaceSets).unwrap();
    client(&em).execute(&ShowAllFaceSets).unwrap();
    client_as(&em, Credentials::temporary("TEMPAK", "temp-sk", "sts-token"))
        .execute(&ShowAllFaceSets)
        .unwrap();
    let log = admin_get(&em, "/requests");
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let header = |i: usize, name: &str| -> Option<String> {
        entries[i]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h[0] == name)
            .map(|h| h[1].as_str().unwrap().to_owned())
    };
    assert_eq!(header(0, "x-auth-token").as_deref(), Some("***"));
    assert_eq!(header(1, "authorization").as_deref(), Some("***"));
    assert_eq!(header(2, "authorization").as_deref(), Some("***"));
    assert_eq!(header(2, "x-security-token").as_deref(), Some("***"));
    assert_eq!(header(1, "x-project-id").as_deref(), Some(PID));
    assert_eq!(entries[0]["method"], "GET");
    assert_eq!(entries[0]["target"], format!("/v2/{PID}/face-sets"));
    let text = log.to_string();
    for secret in [TOKEN, SK, AK, "TEMPAK", "temp-sk", "sts-token", "Signature="] {
        assert!(!text.contains(secret), "{secret} in the log");
    }
}

#[test]
fn admin_obs_objects_can_be_put_and_deleted() {
    let em = start();
    em.seed_face_set("people", &[]);
    let png = TestImage::person("alice").png();
    let (status, body) = admin_bytes(&em, Method::PUT, "/obs/bucket/faces/alice.png", png.clone());
    assert_eq!((status, body), (200, json!({ "url": "/bucket/faces/alice.png", "size": png.len() })));
    let c = client(&em);
    let add = |url: &str| AddFaces::new(name("people"), Image::from_url(url).unwrap());
    let added = c.execute(&add("/bucket/faces/alice.png")).unwrap();
    assert_eq!(added.value.faces.as_ref().map(Vec::len), Some(1));
    // The virtual-hosted form names the same object.
    c.execute(&add("https://bucket.obs.cn-north-4.myhuaweicloud.com/faces/alice.png")).unwrap();
    assert_eq!(em.face_count("people"), Some(2));
    let (status, _) = admin_bytes(&em, Method::DELETE, "/obs/bucket/faces/alice.png", Bytes::new());
    assert_eq!(status, 200);
    expect_error(c.execute(&add("/bucket/faces/alice.png")), 400, "FRS.0036");
    // The Rust API, and the video input.
    em.put_object("/videos/bob.mp4", TestVideo::person("bob").mp4()).unwrap();
    let video = Video::from_url("/videos/bob.mp4").unwrap();
    let live = c.execute(&DetectLive::new(video, &[Action::Blink]).unwrap()).unwrap();
    assert_eq!(live.value.video_result.unwrap().alive, Some(true));
    assert!(em.put_object("no-slash", Vec::new()).is_err());
    assert_eq!(admin_bytes(&em, Method::PUT, "/obs/x", Bytes::new()).0, 400);
}
