//! The FRS operations: what the service does with a request once the gateway let it in.
//!
//! Each handler reads its inputs, checks them with the service's error codes, and returns
//! the success body. Mutations are saved (with a state directory) before they are
//! acknowledged. Behaviour the documentation leaves open is a choice recorded in
//! `docs/emulator.md`.

use std::collections::BTreeMap;

use base64::Engine as _;
use bytes::Bytes;
use frs_types::models::face_sets::{FieldType, MAX_CUSTOM_FIELDS};
use frs_types::server::filter_matches;
use frs_types::{ErrorCode, ExternalImageId, ExternalValue, FaceSetName, FieldName, Filter, ObsUrl, Sort};
use serde_json::{Map, Value, json};

use crate::Shared;
use crate::engine;
use crate::inputs::{Failure, Inputs};
use crate::state::{DEFAULT_CAPACITY, Face, FaceSet, MAX_FACE_SETS, SeededFace, Store, same_value};

/// A one-pixel JPEG, returned as the `picture` of liveness results.
const PICTURE: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
    0x01, 0x00, 0x00, 0xFF, 0xD9,
];

type Outcome = Result<Value, Failure>;

fn not_found(set: &str) -> Failure {
    Failure::new(ErrorCode::FaceSetNotFound, format!("The face set {set} does not exist."))
}

fn face_set_name(name: &str) -> Result<FaceSetName, Failure> {
    FaceSetName::new(name).map_err(Failure::invalid)
}

/// The store as it was before a change, kept only when changes are saved to disk (an
/// in-memory change cannot fail after it is made).
fn snapshot(shared: &Shared, store: &Store) -> Option<Store> {
    shared.config.state_dir.is_some().then(|| store.clone())
}

/// Makes a change durable before it is acknowledged; when it cannot be saved, the store is
/// put back as it was, so a refused request has no effect.
fn commit(shared: &Shared, store: &mut Store, before: Option<Store>) -> Result<(), Failure> {
    shared.save(store).map_err(|e| {
        if let Some(before) = before {
            *store = before;
        }
        Failure::new(ErrorCode::InternalError, format!("The service inner error. ({e})"))
    })
}

pub(crate) fn set_info(set: &FaceSet) -> Value {
    let fields: Map<String, Value> =
        set.fields.iter().map(|(name, ty)| (name.clone(), json!({ "type": ty.as_str() }))).collect();
    json!({
        "face_set_name": set.name,
        "face_set_id": set.id,
        "create_date": set.create_date,
        "face_set_capacity": set.capacity,
        "face_number": set.faces.len(),
        "external_fields": fields,
    })
}

pub(crate) fn face_json(face: &Face) -> Value {
    json!({
        "bounding_box": face.bounding_box,
        "face_id": face.face_id,
        "external_image_id": face.external_image_id,
        "external_fields": face.external_fields,
    })
}

// ---------------------------------------------------------------------------------------
// Face sets
// ---------------------------------------------------------------------------------------

/// `POST /v2/{project_id}/face-sets`.
pub(crate) fn create_face_set(shared: &Shared, inputs: &Inputs) -> Outcome {
    let name = face_set_name(&inputs.required_text("face_set_name")?)?;
    let capacity = match inputs.number("face_set_capacity")? {
        None => DEFAULT_CAPACITY,
        Some(c) if c.fract() == 0.0 && (10_000.0..=100_000.0).contains(&c) && c % 10_000.0 == 0.0 => c as u64,
        Some(_) => {
            return Err(Failure::invalid(
                "face_set_capacity must be a multiple of 10000 from 10000 to 100000",
            ));
        }
    };
    let mut fields = BTreeMap::new();
    if let Some(schema) = inputs.json("external_fields")? {
        let Value::Object(schema) = schema else {
            return Err(Failure::invalid("external_fields must be an object"));
        };
        if schema.len() > MAX_CUSTOM_FIELDS {
            return Err(Failure::invalid("external_fields may declare at most 10 fields"));
        }
        for (key, info) in schema {
            let field = FieldName::new(key.as_str()).map_err(Failure::invalid)?;
            let ty: FieldType = serde_json::from_value(info.get("type").cloned().unwrap_or(Value::Null))
                .map_err(|_| {
                    Failure::invalid(format!(
                        "the type of {key} must be one of string, integer, long, float, double, boolean"
                    ))
                })?;
            fields.insert(field.as_str().to_owned(), ty);
        }
    }
    let mut store = shared.store();
    let undo = snapshot(shared, &store);
    if store.sets.contains_key(name.as_str()) {
        return Err(Failure::new(
            ErrorCode::FaceSetAlreadyExists,
            format!("The face set {name} already exists."),
        ));
    }
    if store.sets.len() >= MAX_FACE_SETS {
        return Err(Failure::new(
            ErrorCode::FaceSetLimitExceeded,
            "The number of face sets exceeds the maximum of 10, can not create more.",
        ));
    }
    store.create_face_set(name.as_str(), capacity, fields, crate::server::create_date());
    commit(shared, &mut store, undo)?;
    let set = store.sets.get(name.as_str()).ok_or_else(|| not_found(name.as_str()))?;
    Ok(json!({ "face_set_info": set_info(set) }))
}

/// `GET /v2/{project_id}/face-sets`.
pub(crate) fn show_all_face_sets(shared: &Shared) -> Outcome {
    let store = shared.store();
    let sets: Vec<Value> = store.sets.values().map(set_info).collect();
    Ok(json!({ "face_sets_info": sets }))
}

/// `GET /v2/{project_id}/face-sets/{face_set_name}`.
pub(crate) fn show_face_set(shared: &Shared, name: &str) -> Outcome {
    face_set_name(name)?;
    let store = shared.store();
    let set = store.sets.get(name).ok_or_else(|| not_found(name))?;
    Ok(json!({ "face_set_info": set_info(set) }))
}

/// `DELETE /v2/{project_id}/face-sets/{face_set_name}`.
pub(crate) fn delete_face_set(shared: &Shared, name: &str) -> Outcome {
    face_set_name(name)?;
    let mut store = shared.store();
    let undo = snapshot(shared, &store);
    store.sets.remove(name).ok_or_else(|| not_found(name))?;
    commit(shared, &mut store, undo)?;
    Ok(json!({ "face_set_name": name }))
}

// ---------------------------------------------------------------------------------------
// Faces
// ---------------------------------------------------------------------------------------

/// Reads `external_fields` and checks it against the set's schema.
fn external_fields(
    inputs: &Inputs,
    schema: &BTreeMap<String, FieldType>,
) -> Result<Option<Map<String, Value>>, Failure> {
    let Some(value) = inputs.json("external_fields")? else { return Ok(None) };
    let Value::Object(map) = value else {
        return Err(Failure::invalid("external_fields must be an object"));
    };
    for (key, value) in &map {
        let Some(ty) = schema.get(key) else {
            return Err(Failure::invalid(format!("the field {key} is not declared in the face set")));
        };
        let fits = serde_json::from_value::<ExternalValue>(value.clone()).is_ok_and(|v| {
            v.fits(*ty) && !matches!(&v, ExternalValue::String(s) if frs_types::FieldValue::new(s.as_str()).map_or(true, |f| !f.is_string_value()))
        });
        if !fits {
            return Err(Failure::invalid(format!("the value of {key} is not a valid {}", ty.as_str())));
        }
    }
    Ok(Some(map))
}

/// `POST /v2/{project_id}/face-sets/{face_set_name}/faces`.
pub(crate) fn add_faces(shared: &Shared, set_name: &str, inputs: &Inputs) -> Outcome {
    face_set_name(set_name)?;
    let schema = {
        let store = shared.store();
        store.sets.get(set_name).ok_or_else(|| not_found(set_name))?.fields.clone()
    };
    let bytes = inputs.media("image", &|url| shared.obs_object(url))?;
    let analysis = engine::analyze_image(&bytes).map_err(|r| image_failure(&r))?;
    if analysis.faces.is_empty() {
        return Err(Failure::new(ErrorCode::NoFaceToAdd, "Detect no face, can not add it to face set."));
    }
    let external_image_id = inputs
        .text("external_image_id")?
        .map(|id| ExternalImageId::new(id).map_err(Failure::invalid))
        .transpose()?;
    let fields = external_fields(inputs, &schema)?.unwrap_or_default();
    let single = inputs.boolean("single")?.unwrap_or(false);
    let faces: Vec<&engine::EngineFace> =
        if single { analysis.faces.iter().take(1).collect() } else { analysis.faces.iter().collect() };

    let mut store = shared.store();
    let undo = snapshot(shared, &store);
    let image_id = match external_image_id {
        Some(id) => id.as_str().to_owned(),
        None => store.next_id(),
    };
    let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
    if set.faces.len() + faces.len() > usize::try_from(set.capacity).unwrap_or(usize::MAX) {
        return Err(Failure::new(
            ErrorCode::FaceSetFull,
            "The face set is full, can not add more faces to it.",
        ));
    }
    let mut added = Vec::new();
    for face in faces {
        let id = store
            .add_face(
                set_name,
                SeededFace {
                    external_image_id: image_id.clone(),
                    external_fields: fields.clone(),
                    person: Some(face.person.clone()),
                    variant: face.variant,
                },
            )
            .ok_or_else(|| not_found(set_name))?;
        if let Some(stored) =
            store.sets.get_mut(set_name).and_then(|s| s.faces.iter_mut().find(|f| f.face_id == id))
        {
            stored.bounding_box = face.bounding_box;
            added.push(face_json(stored));
        }
    }
    commit(shared, &mut store, undo)?;
    let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
    Ok(json!({ "face_set_id": set.id, "face_set_name": set.name, "faces": added }))
}

/// `PUT /v2/{project_id}/face-sets/{face_set_name}/faces`: updates one face; new custom
/// values are merged into the old ones.
pub(crate) fn update_face(shared: &Shared, set_name: &str, inputs: &Inputs) -> Outcome {
    face_set_name(set_name)?;
    let face_id = inputs.required_text("face_id")?;
    if !inputs.has("external_image_id") && !inputs.has("external_fields") {
        return Err(Failure::missing("external_image_id"));
    }
    let new_id = inputs
        .text("external_image_id")?
        .map(|id| ExternalImageId::new(id).map_err(Failure::invalid))
        .transpose()?;
    let mut store = shared.store();
    let undo = snapshot(shared, &store);
    let set = store.sets.get_mut(set_name).ok_or_else(|| not_found(set_name))?;
    let fields = external_fields(inputs, &set.fields)?;
    let Some(face) = set.faces.iter_mut().find(|f| f.face_id == face_id) else {
        return Err(Failure::new(
            ErrorCode::FaceIdNotExist,
            "The face id is not exist, checkout your input.",
        ));
    };
    if let Some(id) = new_id {
        face.external_image_id = id.as_str().to_owned();
    }
    if let Some(fields) = fields {
        face.external_fields.extend(fields);
    }
    let answer = json!({ "face_number": 1, "face_set_id": set.id, "face_set_name": set.name });
    commit(shared, &mut store, undo)?;
    Ok(answer)
}

/// `DELETE /v2/{project_id}/face-sets/{face_set_name}/faces?<field>=<value>`: deletes every
/// face whose field equals the value (custom-fields.md §5).
pub(crate) fn delete_faces(shared: &Shared, set_name: &str, query: &[(String, String)]) -> Outcome {
    let (field, value) = match query {
        [] => return Err(Failure::missing("field_name")),
        [(field, value)] => (field.as_str(), value.as_str()),
        _ => return Err(Failure::invalid("only one field can be used to delete faces")),
    };
    if value.is_empty() {
        return Err(Failure::missing(field));
    }
    face_set_name(set_name)?;
    let mut store = shared.store();
    let undo = snapshot(shared, &store);
    let set = store.sets.get_mut(set_name).ok_or_else(|| not_found(set_name))?;
    let before = set.faces.len();
    match field {
        "external_image_id" => {
            set.faces.retain(|f| f.external_image_id != value);
            if set.faces.len() == before {
                return Err(Failure::new(
                    ErrorCode::FieldNotFound,
                    "External id is not exist, can not delete face",
                ));
            }
        }
        "face_id" => {
            set.faces.retain(|f| f.face_id != value);
            if set.faces.len() == before {
                return Err(Failure::new(
                    ErrorCode::FaceIdNotFound,
                    "The face id is not exist, checkout your input.",
                ));
            }
        }
        custom => {
            let Some(field_type) = set.fields.get(custom).copied() else {
                return Err(Failure::new(
                    ErrorCode::FieldNotFound,
                    format!("The field {custom} is not exist, can not delete face"),
                ));
            };
            let Some(wanted) = field_type.read_text(value) else {
                return Err(Failure::invalid(format!(
                    "{custom} must be a value of type {}",
                    field_type.as_str()
                )));
            };
            set.faces.retain(|f| !f.external_fields.get(custom).is_some_and(|v| same_value(v, &wanted)));
            if set.faces.len() == before {
                return Err(Failure::new(
                    ErrorCode::FieldValueNotFound,
                    format!("No face has the value of {custom}, can not delete face"),
                ));
            }
        }
    }
    let answer =
        json!({ "face_number": before - set.faces.len(), "face_set_id": set.id, "face_set_name": set.name });
    commit(shared, &mut store, undo)?;
    Ok(answer)
}

/// Reads a filter and checks it against the set's schema.
fn filter(text: &str, schema: &BTreeMap<String, FieldType>) -> Result<Filter, Failure> {
    let filter = Filter::parse(text).map_err(|e| Failure::invalid(format!("filter: {e}")))?;
    filter
        .check_types(|name| schema.get(name.as_str()).copied())
        .map_err(|e| Failure::invalid(format!("filter: {e}")))?;
    Ok(filter)
}

/// `DELETE /v2/{project_id}/face-sets/{face_set_name}/faces/batch`.
pub(crate) fn batch_delete_faces(shared: &Shared, set_name: &str, inputs: &Inputs) -> Outcome {
    face_set_name(set_name)?;
    let text = inputs.required_text("filter")?;
    let mut store = shared.store();
    let undo = snapshot(shared, &store);
    let set = store.sets.get_mut(set_name).ok_or_else(|| not_found(set_name))?;
    let filter = filter(&text, &set.fields)?;
    let before = set.faces.len();
    set.faces.retain(|f| !filter_matches(&filter, &f.external_image_id, &f.external_fields));
    if set.faces.len() == before {
        return Err(Failure::new(
            ErrorCode::NoDataMatched,
            "All the data not suitable, no data to be deleted.",
        ));
    }
    let answer =
        json!({ "face_number": before - set.faces.len(), "face_set_id": set.id, "face_set_name": set.name });
    commit(shared, &mut store, undo)?;
    Ok(answer)
}

/// `GET /v2/{project_id}/face-sets/{face_set_name}/faces?face_id=` or `?offset=&limit=`
/// (defaults 0 and 5; `offset + limit` at most 10 000).
pub(crate) fn show_faces(shared: &Shared, set_name: &str, query: &[(String, String)]) -> Outcome {
    face_set_name(set_name)?;
    let get = |key: &str| query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    let store = shared.store();
    let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
    let faces: Vec<Value> = if let Some(face_id) = get("face_id") {
        let face = set.faces.iter().find(|f| f.face_id == face_id).ok_or_else(|| {
            Failure::new(ErrorCode::FaceIdNotExist, "The face id is not exist, checkout your input.")
        })?;
        vec![face_json(face)]
    } else {
        let number = |key: &str, default: u64| match get(key) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .map_err(|_| Failure::invalid(format!("{key} must be a non-negative integer"))),
        };
        let (offset, limit) = (number("offset", 0)?, number("limit", 5)?);
        if limit == 0 || offset.saturating_add(limit) > 10_000 {
            return Err(Failure::invalid("limit must be positive and offset + limit at most 10000"));
        }
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        set.faces.iter().skip(start).take(take).map(face_json).collect()
    };
    Ok(json!({ "face_set_id": set.id, "face_set_name": set.name, "faces": faces }))
}

// ---------------------------------------------------------------------------------------
// Search, detection, comparison, liveness
// ---------------------------------------------------------------------------------------

fn image_failure(rejection: &engine::ImageRejection) -> Failure {
    Failure::new(rejection.error_code(), rejection.to_string())
}

fn video_failure(rejection: &engine::VideoRejection) -> Failure {
    Failure::new(rejection.error_code(), rejection.to_string())
}

/// `POST /v2/{project_id}/face-sets/{face_set_name}/search`.
pub(crate) fn search(shared: &Shared, set_name: &str, inputs: &Inputs) -> Outcome {
    face_set_name(set_name)?;
    let top_n = match inputs.integer("top_n")? {
        None => 10,
        Some(n) if (1..=1000).contains(&n) => usize::try_from(n).unwrap_or(10),
        Some(_) => return Err(Failure::invalid("top_n must be from 1 to 1000")),
    };
    let threshold = match inputs.number("threshold")? {
        None => 0.0,
        Some(t) if (0.0..=1.0).contains(&t) => t,
        Some(_) => return Err(Failure::invalid("threshold must be from 0 to 1")),
    };
    let schema = {
        let store = shared.store();
        store.sets.get(set_name).ok_or_else(|| not_found(set_name))?.fields.clone()
    };
    let filter = inputs.text("filter")?.map(|t| filter(&t, &schema)).transpose()?;
    let sort = match inputs.json("sort")? {
        None => None,
        Some(v) => {
            let sort: Sort = serde_json::from_value(v).map_err(|e| Failure::invalid(format!("sort: {e}")))?;
            sort.check_types(|n| schema.get(n.as_str()).copied()).map_err(|e| {
                Failure::new(
                    ErrorCode::SortNotSupported,
                    format!("sort field and type not supported, only numeric types. ({e})"),
                )
            })?;
            Some(sort)
        }
    };
    let return_fields: Option<Vec<String>> = match inputs.json("return_fields")? {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) if schema.contains_key(&s) => Ok(s),
                    other => Err(Failure::invalid(format!("return_fields: {other} is not a declared field"))),
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err(Failure::invalid("return_fields must be an array")),
    };

    let query = if inputs.has("face_id") {
        if ["image_base64", "image_url", "image_file"].iter().any(|n| inputs.has(n)) {
            return Err(Failure::invalid("give only one of face_id, image_base64, image_url and image_file"));
        }
        let face_id = inputs.required_text("face_id")?;
        let store = shared.store();
        let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
        let face = set.faces.iter().find(|f| f.face_id == face_id).ok_or_else(|| {
            Failure::new(ErrorCode::FaceIdNotFound, "The face id is not exist, checkout your input.")
        })?;
        (face.person.clone(), face.variant)
    } else {
        let bytes = inputs.media("image", &|url| shared.obs_object(url))?;
        let analysis = engine::analyze_image(&bytes).map_err(|r| image_failure(&r))?;
        let face = analysis
            .faces
            .first()
            .ok_or_else(|| Failure::new(ErrorCode::NoFaceToSearch, "Detect no face, can not search it."))?;
        (face.person.clone(), face.variant)
    };

    let store = shared.store();
    let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
    // Feature vectors are kept across searches: computing one costs two digests.
    let mut cache = shared.features.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if cache.len() > 400_000 {
        cache.clear();
    }
    let wanted = *cache.get(&query.0, query.1);
    let mut hits: Vec<(f64, &Face)> = set
        .faces
        .iter()
        .filter(|f| {
            filter.as_ref().is_none_or(|flt| filter_matches(flt, &f.external_image_id, &f.external_fields))
        })
        .map(|f| {
            (engine::similarity_from_cosine(engine::cosine(&wanted, cache.get(&f.person, f.variant))), f)
        })
        .filter(|(s, _)| *s >= threshold)
        .collect();
    drop(cache);
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
    hits.truncate(top_n);
    if let Some(sort) = &sort {
        hits.sort_by(|a, b| {
            for (field, order) in sort.keys() {
                let key = |f: &Face| f.external_fields.get(field.as_str()).and_then(Value::as_f64);
                // Faces without the field come last, in either order.
                let ord = match (key(a.1), key(b.1)) {
                    (Some(x), Some(y)) if *order == frs_types::SortOrder::Desc => y.total_cmp(&x),
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => std::cmp::Ordering::Less,
                    (None, Some(_)) => std::cmp::Ordering::Greater,
                    (None, None) => std::cmp::Ordering::Equal,
                };
                if ord != std::cmp::Ordering::Equal {
                    return ord;
                }
            }
            std::cmp::Ordering::Equal
        });
    }
    let faces: Vec<Value> = hits
        .into_iter()
        .map(|(similarity, f)| {
            let fields: Map<String, Value> = match &return_fields {
                None => f.external_fields.clone(),
                Some(keep) => f
                    .external_fields
                    .iter()
                    .filter(|(k, _)| keep.contains(k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            };
            json!({
                "bounding_box": f.bounding_box,
                "similarity": similarity,
                "face_id": f.face_id,
                "external_image_id": f.external_image_id,
                "external_fields": fields,
            })
        })
        .collect();
    Ok(json!({ "faces": faces }))
}

/// The attributes asked for by code (`1,2,4`), from all of a face's attributes.
fn requested_attributes(
    codes: &str,
    all: &frs_types::models::detection::Attributes,
) -> Result<Value, Failure> {
    let mut out = Map::new();
    let full = serde_json::to_value(all).unwrap_or(Value::Null);
    for code in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let keys: &[&str] = match code {
            "1" => &["gender"],
            "2" => &["age"],
            "4" => &["dress", "glass", "hat"],
            "6" => &["mask"],
            "7" => &["hair"],
            "8" => &["beard"],
            "11" => &["phototype"],
            "12" => &["quality"],
            "13" => &["expression"],
            "21" => &["face_angle"],
            other => {
                return Err(Failure::invalid(format!(
                    "attributes: {other} is not a supported attribute code"
                )));
            }
        };
        for key in keys {
            if let Some(v) = full.get(*key) {
                out.insert((*key).to_owned(), v.clone());
            }
        }
    }
    Ok(Value::Object(out))
}

/// `POST /v2/{project_id}/face-detect`.
pub(crate) fn detect(shared: &Shared, inputs: &Inputs) -> Outcome {
    let attributes = inputs.text("attributes")?;
    let bytes = inputs.media("image", &|url| shared.obs_object(url))?;
    let analysis = engine::analyze_image(&bytes).map_err(|r| image_failure(&r))?;
    if analysis.faces.is_empty() {
        return Err(Failure::new(ErrorCode::NoFaceDetected, "Detect no face, check out your picture."));
    }
    let mut faces = Vec::new();
    for face in &analysis.faces {
        let mut value = json!({ "bounding_box": face.bounding_box });
        if let Some(codes) = &attributes {
            value["attributes"] = requested_attributes(codes, &face.attributes)?;
        }
        faces.push(value);
    }
    Ok(json!({ "faces": faces }))
}

/// `POST /v2/{project_id}/face-compare`.
pub(crate) fn compare(shared: &Shared, inputs: &Inputs) -> Outcome {
    let one = inputs.media("image1", &|url| shared.obs_object(url))?;
    let two = inputs.media("image2", &|url| shared.obs_object(url))?;
    if one.len() + two.len() >= frs_types::media::MAX_IMAGE_BYTES {
        return Err(Failure::new(
            ErrorCode::BodyTooLarge,
            "The size of the request body is out of the range the two images must be smaller than 8MB together.",
        ));
    }
    let a = engine::analyze_image(&one).map_err(|r| image_failure(&r))?;
    let b = engine::analyze_image(&two).map_err(|r| image_failure(&r))?;
    let (Some(fa), Some(fb)) = (a.faces.first(), b.faces.first()) else {
        return Err(Failure::new(ErrorCode::NoFaceDetected, "Detect no face, check out your picture."));
    };
    Ok(json!({
        "image1_face": { "bounding_box": fa.bounding_box },
        "image2_face": { "bounding_box": fb.bounding_box },
        "similarity": engine::similarity((&fa.person, fa.variant), (&fb.person, fb.variant)),
    }))
}

/// `POST /v1/{project_id}/live-detect` (and `/v2/...`).
pub(crate) fn live_detect(shared: &Shared, inputs: &Inputs) -> Outcome {
    let actions_text = inputs.required_text("actions")?;
    let mut actions = Vec::new();
    for code in actions_text.split(',').map(str::trim) {
        match code.parse::<u8>() {
            Ok(c @ 1..=5) => actions.push(c),
            _ => {
                return Err(Failure::new(
                    ErrorCode::UnsupportedAction,
                    format!("Do not support action {code}."),
                ));
            }
        }
    }
    if actions.len() > 10 {
        return Err(Failure::new(ErrorCode::TooManyActions, "The number of action exceed 10."));
    }
    if let Some(times) = inputs.text("action_time")? {
        let pairs: Vec<Option<(u64, u64)>> = times
            .split(',')
            .map(|p| {
                p.split_once('-').and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
            })
            .collect();
        if pairs.len() != actions.len() || pairs.iter().any(|p| p.is_none_or(|(a, b)| a >= b)) {
            return Err(Failure::new(
                ErrorCode::InvalidActionTime,
                "The action_time is invalid, check that the input is valid.",
            ));
        }
    }
    if let Some(t) = inputs.number("nod_threshold")?
        && !(1.0..=90.0).contains(&t)
    {
        return Err(Failure::invalid("nod_threshold must be from 1 to 90"));
    }
    let bytes = inputs.media("video", &|url| shared.obs_object(url))?;
    let video = engine::analyze_video(&bytes).map_err(|r| video_failure(&r))?;
    let (alive, judged) = engine::judge_actions(&video, &actions);
    let results: Vec<Value> = judged
        .into_iter()
        .map(|(action, confidence)| json!({ "action": action, "confidence": confidence }))
        .collect();
    let warnings = engine::video_warnings(&video, &actions);
    Ok(json!({
        "video-result": {
            "alive": alive,
            "actions": results,
            "picture": base64::engine::general_purpose::STANDARD.encode(PICTURE),
        },
        "warning-list": warnings,
    }))
}

/// `POST /v1/{project_id}/live-detect-face`: the largest face is judged; several faces add
/// warning 106.
pub(crate) fn live_detect_face(shared: &Shared, inputs: &Inputs) -> Outcome {
    let bytes = inputs.media("image", &|url| shared.obs_object(url))?;
    let analysis = engine::analyze_image(&bytes).map_err(|r| image_failure(&r))?;
    if analysis.faces.is_empty() {
        return Err(Failure::new(ErrorCode::NoFaceForLiveness, "Detect no face, check out your picture."));
    }
    let warnings: Vec<Value> = if analysis.faces.len() > 1 {
        vec![json!({ "warningCode": 106, "warningMsg": "the image contains several faces" })]
    } else {
        Vec::new()
    };
    Ok(json!({
        "result": {
            "alive": analysis.live,
            "confidence": analysis.live_confidence,
            "picture": base64::engine::general_purpose::STANDARD.encode(PICTURE),
        },
        "warning-list": warnings,
    }))
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
