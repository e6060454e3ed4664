//! The FRS operations: what the service does with a request once the gateway let it in.
//!
//! Each handler reads its inputs, checks them with the service's error codes, and returns
//! the success body. Mutations are made durable (with a state directory) before they are
//! acknowledged. Behaviour the documentation leaves open is a choice recorded in
//! `docs/emulator.md`. The modules follow the service's grouping: face sets, faces,
//! search, and the operations on media (detection, comparison, liveness).

mod face_sets;
mod faces;
mod media;
mod search;

use std::collections::BTreeMap;

use bytes::Bytes;
use frs_types::{ErrorCode, FaceSetName, ObsUrl};
use serde_json::{Value, json};

pub(crate) use self::face_sets::{
    check_capacity, check_schema, create_face_set, delete_face_set, show_all_face_sets, show_face_set,
};
pub(crate) use self::faces::{
    add_faces, batch_delete_faces, check_fields, delete_faces, show_faces, update_face,
};
pub(crate) use self::media::{compare, detect, live_detect, live_detect_face};
pub(crate) use self::search::search;
use crate::engine;
use crate::inputs::Failure;
use crate::state::{FaceSet, Slot, StoreError};

type Outcome = Result<Value, Failure>;

fn not_found(set: &str) -> Failure {
    Failure::new(ErrorCode::FaceSetNotFound, format!("The face set {set} does not exist."))
}

fn face_set_name(name: &str) -> Result<FaceSetName, Failure> {
    FaceSetName::new(name).map_err(Failure::invalid)
}

/// A change that could not be made durable: refused, and not made.
fn not_saved(e: &StoreError) -> Failure {
    Failure::new(ErrorCode::InternalError, format!("The service inner error. ({e})"))
}

/// An unknown face id: `FRS.0403` everywhere (the error table's "face id does not exist").
fn face_id_not_exist() -> Failure {
    Failure::new(ErrorCode::FaceIdNotFound, "The face id is not exist, checkout your input.")
}

pub(crate) fn set_info(set: &FaceSet) -> Value {
    let fields: serde_json::Map<String, Value> =
        set.fields.iter().map(|(name, ty)| (name.clone(), json!({ "type": ty.as_str() }))).collect();
    json!({
        "face_set_name": set.name,
        "face_set_id": set.id,
        "create_date": set.create_date,
        "face_set_capacity": set.capacity,
        "face_number": set.len(),
        "external_fields": fields,
    })
}

/// A face as the API shows it.
pub(crate) fn face_json(set: &FaceSet, slot: Slot) -> Value {
    let Some(face) = set.face(slot) else { return Value::Null };
    json!({
        "bounding_box": face.bounding_box,
        "face_id": &*face.face_id,
        "external_image_id": &*face.external_image_id,
        "external_fields": set.fields_of(slot),
    })
}

fn image_failure(rejection: &engine::ImageRejection) -> Failure {
    Failure::new(rejection.error_code(), rejection.to_string())
}

fn video_failure(rejection: &engine::VideoRejection) -> Failure {
    Failure::new(rejection.error_code(), rejection.to_string())
}

/// Where an OBS URL points: `(bucket, object)`.
pub(crate) fn obs_key(url: &str) -> Result<(String, String), Failure> {
    let url = ObsUrl::new(url).map_err(|_| Failure::new(ErrorCode::InvalidObsUrl, "The URL is invalid."))?;
    Ok((url.bucket().to_owned(), url.object().trim_start_matches('/').to_owned()))
}

/// The bytes of an object in the emulator's OBS store.
pub(crate) fn obs_object(objects: &BTreeMap<(String, String), Bytes>, url: &str) -> Result<Bytes, Failure> {
    let key = obs_key(url)?;
    objects.get(&key).cloned().ok_or_else(|| {
        Failure::new(
            ErrorCode::DownloadFailed,
            format!("Failed to download the file from the url, no object {}/{}.", key.0, key.1),
        )
    })
}
