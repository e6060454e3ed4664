//! The face engine's answers: what adding, searching, comparing, detecting, liveness,
//! updating and listing return for the test images and videos.

use frs_emulator::testimage::{TestImage, TestVideo};
use frs_emulator::{Emulator, SeededFace};
use frs_request::ApiVersion;
use frs_request::detection::{Attribute, CompareFaces, DetectFaces};
use frs_request::faces::{AddFaces, ShowFaces, UpdateFace};
use frs_request::liveness::{Action, DetectLive, DetectLiveFace};
use frs_request::search::SearchFaces;
use frs_types::models::face_sets::FieldType;
use frs_types::models::search::SearchFace;
use frs_types::{ExternalFields, Filter, Image, ReturnFields, Sort, Video};
use frs_ureq::Client;
use http::Method;
use serde_json::{Value, json};

use crate::{client, expect_error, hits, image, image_of, json_of, name, raw, similarity, staff, start};

/// Adds one face of `person` (picture `variant`) under the external image id `id`.
fn add(c: &Client, set: &str, person: &str, variant: u64, id: &str) -> String {
    let op = AddFaces::new(name(set), image(&TestImage::person(person).variant(variant)))
        .external_image_id(id.parse().unwrap());
    let faces = c.execute(&op).unwrap().value.faces.unwrap();
    assert_eq!(faces.len(), 1);
    faces[0].face_id.clone().unwrap()
}

#[test]
fn add_faces_adds_every_face_or_only_the_largest_with_single() {
    let em = start();
    em.seed_face_set("people", &[("floor", FieldType::Integer)]);
    let c = client(&em);
    let group = || Image::from_bytes("group.png", TestImage::person("hal").faces(3).png()).unwrap();
    let fields = ExternalFields::new().with("floor", 2).unwrap();
    let op = AddFaces::new(name("people"), group())
        .external_image_id("party".parse().unwrap())
        .external_fields(fields);
    let reply = c.execute(&op).unwrap();
    assert_eq!(reply.face_set_name.as_deref(), Some("people"));
    let faces = reply.value.faces.unwrap();
    assert_eq!(faces.len(), 3);
    for face in &faces {
        assert_eq!(face.external_image_id.as_deref(), Some("party"));
        assert_eq!(face.external_fields, json!({ "floor": 2 }).as_object().cloned());
        assert!(face.bounding_box.is_some() && face.face_id.is_some());
    }
    let single = c.execute(&AddFaces::new(name("people"), group()).single(true)).unwrap();
    let faces = single.value.faces.unwrap();
    assert_eq!(faces.len(), 1);
    assert!(faces[0].external_image_id.as_deref().is_some_and(|id| !id.is_empty()), "an id is generated");
    assert_eq!(em.face_count("people"), Some(4));
}

#[test]
fn search_ranks_the_same_person_first() {
    let em = start();
    em.seed_face_set("people", &[]);
    let c = client(&em);
    add(&c, "people", "bob", 1, "bob");
    let alice = add(&c, "people", "alice", 1, "alice");
    add(&c, "people", "carol", 1, "carol");

    let found = hits(
        c.execute(&SearchFaces::by_image(name("people"), image(&TestImage::person("alice").variant(2))))
            .unwrap(),
    );
    assert_eq!(found.len(), 3);
    assert_eq!(found[0].external_image_id.as_deref(), Some("alice"));
    assert_eq!(found[0].face_id.as_deref(), Some(alice.as_str()));
    assert!((0.93..1.0).contains(&similarity(&found[0])), "{found:?}");
    assert!(found[1..].iter().all(|h| similarity(h) < 0.93), "{found:?}");
    assert!(found.windows(2).all(|w| similarity(&w[0]) >= similarity(&w[1])), "{found:?}");
    assert!(found.iter().all(|h| h.bounding_box.is_some()));

    // The very same picture scores 1.0; a stored face can be the query.
    let found = hits(
        c.execute(&SearchFaces::by_image(name("people"), image(&TestImage::person("alice").variant(1))))
            .unwrap(),
    );
    assert_eq!(similarity(&found[0]), 1.0);
    let found = hits(c.execute(&SearchFaces::by_face_id(name("people"), alice.parse().unwrap())).unwrap());
    assert_eq!((found[0].face_id.as_deref(), similarity(&found[0])), (Some(alice.as_str()), 1.0));
    // A face id that is not in the set.
    let op = SearchFaces::by_face_id(name("people"), "nope1234".parse().unwrap());
    expect_error(c.execute(&op), 400, "FRS.0403");
}

#[test]
fn search_respects_threshold_and_top_n() {
    let em = start();
    em.seed_face_set("people", &[]);
    let c = client(&em);
    for variant in 1..=4 {
        add(&c, "people", "alice", variant, &format!("alice-{variant}"));
    }
    for other in ["bob", "carol", "dave", "erin"] {
        add(&c, "people", other, 1, other);
    }
    let query = || SearchFaces::by_image(name("people"), image(&TestImage::person("alice").variant(9)));
    let is_alice = |h: &SearchFace| h.external_image_id.as_deref().is_some_and(|id| id.starts_with("alice-"));

    let found = hits(c.execute(&query()).unwrap());
    assert_eq!(found.len(), 8, "the default top_n is 10");
    let found = hits(c.execute(&query().top_n(2).unwrap()).unwrap());
    assert_eq!(found.len(), 2);
    assert!(found.iter().all(is_alice), "{found:?}");
    let found = hits(c.execute(&query().threshold(0.93).unwrap()).unwrap());
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found.iter().all(|h| is_alice(h) && similarity(h) >= 0.93), "{found:?}");
    let found = hits(c.execute(&query().threshold(0.93).unwrap().top_n(3).unwrap()).unwrap());
    assert_eq!(found.len(), 3);
    let found = hits(c.execute(&query().threshold(1.0).unwrap()).unwrap());
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn search_applies_filter_and_return_fields() {
    let em = start();
    let ids = staff(&em);
    let c = client(&em);
    let query = || SearchFaces::by_image(name("staff"), image_of("img-1"));

    let found = hits(c.execute(&query().filter(Filter::parse("floor:4").unwrap())).unwrap());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].face_id.as_deref(), Some(ids[2].as_str()));
    assert_eq!(
        found[0].external_fields,
        json!({ "floor": 4, "badge": "B-1", "active": true }).as_object().cloned()
    );

    let filter = Filter::parse("external_image_id:img-1 && (!active:false)").unwrap();
    let fields = ReturnFields(vec!["badge".parse().unwrap()]);
    let found = hits(c.execute(&query().filter(filter).return_fields(fields)).unwrap());
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].face_id.as_deref(), Some(ids[0].as_str()));
    assert_eq!(found[0].external_fields, json!({ "badge": "A-1" }).as_object().cloned());

    // `&&` binds tighter than `||` (docs/emulator.md).
    let filter = Filter::parse("floor:4 || floor:3 && active:false").unwrap();
    let mut found: Vec<String> =
        hits(c.execute(&query().filter(filter)).unwrap()).into_iter().map(|h| h.face_id.unwrap()).collect();
    found.sort();
    let mut expected = vec![ids[1].clone(), ids[2].clone()];
    expected.sort();
    assert_eq!(found, expected);
    // A field outside the schema, in return_fields or in the filter.
    let op = query().return_fields(ReturnFields(vec!["colour".parse().unwrap()]));
    expect_error(c.execute(&op), 400, "FRS.0012");
    expect_error(c.execute(&query().filter(Filter::parse("colour:red").unwrap())), 400, "FRS.0012");
}

/// The `floor` of each hit of a search of `staff` for `img-1`, sorted by `sort`.
fn floors(em: &Emulator, sort: Sort) -> Vec<Option<i64>> {
    let op = SearchFaces::by_image(name("staff"), image_of("img-1")).sort(sort);
    let found = hits(client(em).execute(&op).unwrap());
    found.iter().map(|h| h.external_fields.as_ref().unwrap().get("floor").and_then(Value::as_i64)).collect()
}

#[test]
fn search_sorts_by_numeric_fields() {
    let em = start();
    staff(&em);
    em.seed_face("staff", SeededFace::new("img-3").field("floor", 1).field("badge", "C-1")).unwrap();
    // img-1's faces are the most similar, yet the sort decides the order.
    assert_eq!(floors(&em, Sort::new().desc("floor".parse().unwrap())), [Some(4), Some(3), Some(3), Some(1)]);
    assert_eq!(floors(&em, Sort::new().asc("floor".parse().unwrap())), [Some(1), Some(3), Some(3), Some(4)]);
    // Every key must be numeric.
    let sort = Sort::new().asc("floor".parse().unwrap()).desc("active".parse().unwrap());
    let op = SearchFaces::by_image(name("staff"), image_of("img-1")).sort(sort);
    expect_error(client(&em).execute(&op), 400, "FRS.0032");
}

/// [`floors`] of `staff` plus one face of `img-1` without a floor.
fn floors_with_one_face_without_a_floor(sort: Sort) -> Vec<Option<i64>> {
    let em = start();
    staff(&em);
    em.seed_face("staff", SeededFace::new("img-1").field("badge", "N-1")).unwrap();
    floors(&em, sort)
}

#[test]
fn search_sorted_ascending_puts_faces_without_the_field_last() {
    let floors = floors_with_one_face_without_a_floor(Sort::new().asc("floor".parse().unwrap()));
    assert_eq!(floors, [Some(3), Some(3), Some(4), None]);
}

#[test]
fn search_sorted_descending_puts_faces_without_the_field_last() {
    let floors = floors_with_one_face_without_a_floor(Sort::new().desc("floor".parse().unwrap()));
    assert_eq!(floors, [Some(4), Some(3), Some(3), None]);
}

#[test]
fn search_by_file_reads_every_parameter_from_multipart_parts() {
    let em = start();
    staff(&em);
    em.seed_face("staff", SeededFace::new("img-1").field("floor", 5).field("badge", "A-3")).unwrap();
    em.seed_face("staff", SeededFace::new("img-1").field("floor", 1).field("badge", "A-4")).unwrap();
    let file = Image::from_bytes("q.png", TestImage::person("img-1").png()).unwrap();
    // The threshold keeps img-1's four faces, the filter three of them, top_n all three.
    let op = SearchFaces::by_image(name("staff"), file)
        .top_n(3)
        .unwrap()
        .threshold(0.93)
        .unwrap()
        .filter(Filter::parse("floor:[3 TO 9]").unwrap())
        .sort(Sort::new().desc("floor".parse().unwrap()))
        .return_fields(ReturnFields(vec!["floor".parse().unwrap()]));
    let found = hits(client(&em).execute(&op).unwrap());
    let seen = em.requests().pop().unwrap();
    assert!(seen.header("content-type").is_some_and(|ct| ct.starts_with("multipart/form-data")), "{seen:?}");
    let floors: Vec<&Value> = found.iter().map(|h| &h.external_fields.as_ref().unwrap()["floor"]).collect();
    assert_eq!(floors, [&json!(5), &json!(3), &json!(3)]);
    assert!(found.iter().all(|h| h.external_fields.as_ref().unwrap().len() == 1));
    assert!(found.iter().all(|h| h.external_image_id.as_deref() == Some("img-1") && similarity(h) >= 0.93));
}

#[test]
fn compare_scores_the_same_person_at_least_0_93_and_others_below() {
    let em = start();
    let c = client(&em);
    let alice1 = || image(&TestImage::person("alice").variant(1));
    let same = c
        .execute(&CompareFaces::new(alice1(), image(&TestImage::person("alice").variant(2))).unwrap())
        .unwrap();
    let s = same.similarity.unwrap();
    assert!((0.93..1.0).contains(&s), "{s}");
    assert!(same.image1_face.as_ref().and_then(|f| f.bounding_box).is_some());
    assert!(same.image2_face.as_ref().and_then(|f| f.bounding_box).is_some());
    let identical = c.execute(&CompareFaces::new(alice1(), alice1()).unwrap()).unwrap();
    assert_eq!(identical.similarity, Some(1.0));
    let other = c.execute(&CompareFaces::new(alice1(), image_of("bob")).unwrap()).unwrap();
    assert!(other.similarity.unwrap() < 0.93, "{other:?}");
    // As files (multipart), too.
    let file = |person: &str| Image::from_bytes("face.png", TestImage::person(person).png()).unwrap();
    let files = c.execute(&CompareFaces::new(file("carol"), file("carol")).unwrap()).unwrap();
    assert_eq!(files.similarity, Some(1.0));
}

#[test]
fn detect_returns_one_face_per_declared_face_with_exactly_the_requested_attributes() {
    let em = start();
    let c = client(&em);
    let group =
        Image::from_bytes("group.png", TestImage::person("dora").faces(3).size(1024, 768).png()).unwrap();
    let op = DetectFaces::new(group).attributes(&[Attribute::Gender, Attribute::Age]);
    let faces = c.execute(&op).unwrap().value.faces.unwrap();
    assert_eq!(faces.len(), 3);
    let areas: Vec<i64> = faces.iter().map(|f| f.bounding_box.map(|b| b.width * b.height).unwrap()).collect();
    assert!(areas.windows(2).all(|w| w[0] >= w[1]), "largest first: {areas:?}");
    for face in &faces {
        let a = face.attributes.clone().unwrap();
        assert!(a.gender.is_some() && a.age.is_some(), "{a:?}");
        let rest = frs_types::models::detection::Attributes { gender: None, age: None, ..a };
        assert_eq!(rest, frs_types::models::detection::Attributes::default(), "only gender and age");
    }
    // Declared attributes arrive as declared.
    let declared = image(&TestImage::person("erin").declare("age", "33").declare("mask", "yes"));
    let op = DetectFaces::new(declared).attributes(&[Attribute::Age, Attribute::Mask, Attribute::Dress]);
    let faces = c.execute(&op).unwrap().value.faces.unwrap();
    let a = faces[0].attributes.clone().unwrap();
    assert_eq!((a.age, a.mask.as_deref(), a.gender.as_deref()), (Some(33), Some("yes"), None));
    assert!(a.dress.is_some() && a.glass.is_some() && a.hat.is_some(), "{a:?}");
    // No attributes asked: none returned.
    let faces = c.execute(&DetectFaces::new(image_of("erin"))).unwrap().value.faces.unwrap();
    assert_eq!(faces.len(), 1);
    assert!(faces[0].attributes.is_none());
}

#[test]
fn silent_liveness_answers_as_declared() {
    let em = start();
    let c = client(&em);
    let live = c.execute(&DetectLiveFace::new(image(&TestImage::person("fay").live(true)))).unwrap();
    let result = live.value.result.clone().unwrap();
    assert_eq!(result.alive, Some(true));
    assert!(result.confidence.unwrap() >= 0.9);
    assert!(result.picture.is_some());
    assert_eq!(live.value.warning_list, Some(Vec::new()));
    let spoof = c.execute(&DetectLiveFace::new(image(&TestImage::person("fay").live(false)))).unwrap();
    let result = spoof.value.result.unwrap();
    assert_eq!(result.alive, Some(false));
    assert!(result.confidence.unwrap() <= 0.3);
}

#[test]
fn silent_liveness_of_a_group_photo_judges_the_largest_face_with_warning_106() {
    let em = start();
    let group = image(&TestImage::person("fay").faces(2).live(false));
    let reply = client(&em).execute(&DetectLiveFace::new(group)).unwrap();
    assert_eq!(reply.value.result.as_ref().unwrap().alive, Some(false));
    let warnings = reply.value.warning_list.unwrap();
    assert_eq!(warnings.iter().map(|w| w.code).collect::<Vec<_>>(), [Some(106)]);
}

#[test]
fn action_liveness_answers_as_declared() {
    let em = start();
    let c = client(&em);
    let run = |video: TestVideo, actions: &[Action]| {
        let video = Video::base64_from_bytes(video.mp4()).unwrap();
        c.execute(&DetectLive::new(video, actions).unwrap()).unwrap().value.video_result.unwrap()
    };
    let alive = run(TestVideo::person("gus").alive(true), &[Action::ShakeLeft, Action::Nod]);
    assert_eq!(alive.alive, Some(true));
    let actions = alive.actions.unwrap();
    assert_eq!(actions.iter().map(|a| a.action.unwrap()).collect::<Vec<_>>(), [1, 3]);
    assert!(actions.iter().all(|a| a.confidence.unwrap() >= 0.9));
    assert_eq!(run(TestVideo::person("gus").alive(false), &[Action::Nod]).alive, Some(false));
    assert_eq!(
        run(TestVideo::person("gus").actions(&[1]), &[Action::ShakeLeft, Action::Nod]).alive,
        Some(false)
    );
    // The international path, /v2/{project_id}/live-detect.
    let video = Video::base64_from_bytes(TestVideo::person("gus").mp4()).unwrap();
    let intl = c.execute(&DetectLive::new(video, &[Action::Mouth]).unwrap().intl()).unwrap();
    assert_eq!(intl.value.video_result.unwrap().alive, Some(true));
    assert!(em.requests().last().unwrap().target.starts_with("/v2/"));
}

#[test]
fn update_face_merges_custom_fields() {
    let em = start();
    let ids = staff(&em);
    let c = client(&em);
    let face_id = || ids[0].parse().unwrap();
    let op = UpdateFace::new(name("staff"), face_id())
        .external_fields(ExternalFields::new().with("floor", 5).unwrap());
    let reply = c.execute(&op).unwrap();
    assert_eq!((reply.face_number, reply.face_set_name.as_deref()), (Some(1), Some("staff")));
    let show = || {
        c.execute(&ShowFaces::by_face_id(name("staff"), face_id())).unwrap().value.faces.unwrap().remove(0)
    };
    let face = show();
    assert_eq!(
        face.external_fields,
        json!({ "floor": 5, "badge": "A-1", "active": true }).as_object().cloned()
    );
    assert_eq!(face.external_image_id.as_deref(), Some("img-1"));
    c.execute(&UpdateFace::new(name("staff"), face_id()).external_image_id("img-9".parse().unwrap()))
        .unwrap();
    let face = show();
    assert_eq!(face.external_image_id.as_deref(), Some("img-9"));
    assert_eq!(face.external_fields.unwrap()["floor"], 5);
    // The other faces are untouched.
    let other = c.execute(&ShowFaces::by_face_id(name("staff"), ids[1].parse().unwrap())).unwrap();
    assert_eq!(other.value.faces.unwrap()[0].external_fields.as_ref().unwrap()["floor"], 3);
    // Values are checked against the schema.
    let op = UpdateFace::new(name("staff"), face_id())
        .external_fields(ExternalFields::new().with("floor", "x").unwrap());
    expect_error(c.execute(&op), 400, "FRS.0012");
}

#[test]
fn show_faces_pages_through_the_set_in_order() {
    let em = start();
    em.seed_face_set("many", &[]);
    for i in 0..12 {
        em.seed_face("many", SeededFace::new(&format!("img-{i:02}"))).unwrap();
    }
    let c = client(&em);
    let page = |offset, limit| -> Vec<String> {
        let reply = c.execute(&ShowFaces::page(name("many"), offset, limit).unwrap()).unwrap();
        reply.value.faces.unwrap().into_iter().map(|f| f.external_image_id.unwrap()).collect()
    };
    let ids = |range: std::ops::Range<u32>| range.map(|i| format!("img-{i:02}")).collect::<Vec<_>>();
    assert_eq!(page(0, 5), ids(0..5));
    assert_eq!(page(5, 5), ids(5..10));
    assert_eq!(page(10, 5), ids(10..12));
    assert!(page(12, 5).is_empty());
    // The default page: offset 0, limit 5.
    let resp = raw(&em, Method::GET, ApiVersion::V2, &["face-sets", "many", "faces"], &[], None);
    assert_eq!(json_of(&resp)["faces"].as_array().map(Vec::len), Some(5));
    let all: Vec<String> =
        c.faces(name("many"), 4).unwrap().map(|f| f.unwrap().external_image_id.unwrap()).collect();
    assert_eq!(all, ids(0..12));
}
