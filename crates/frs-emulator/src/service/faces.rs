//! Faces: add, show (by id or page), update, delete (by id, image id or custom field) and
//! batch delete by filter.

use std::collections::BTreeMap;

use frs_types::models::face_sets::FieldType;
use frs_types::{ErrorCode, ExternalImageId, ExternalValue, Filter};
use serde_json::{Map, Value, json};

use super::{Outcome, face_id_not_exist, face_json, face_set_name, image_failure, not_found, not_saved};
use crate::Shared;
use crate::engine;
use crate::inputs::{Failure, Inputs};
use crate::state::filter::Compiled;
use crate::state::{Slot, same_value};

/// Reads `external_fields` and checks it against the set's schema.
pub(super) fn external_fields(
    inputs: &Inputs,
    schema: &BTreeMap<String, FieldType>,
) -> Result<Option<Map<String, Value>>, Failure> {
    let Some(value) = inputs.json("external_fields")? else { return Ok(None) };
    let Value::Object(map) = value else {
        return Err(Failure::invalid("external_fields must be an object"));
    };
    check_fields(&map, schema)?;
    Ok(Some(map))
}

/// Checks custom-field values against a set's schema.
pub(crate) fn check_fields(
    map: &Map<String, Value>,
    schema: &BTreeMap<String, FieldType>,
) -> Result<(), Failure> {
    for (key, value) in map {
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
    Ok(())
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
    let before = store.counter;
    let image_id = match external_image_id {
        Some(id) => id.as_str().to_owned(),
        None => store.next_id(),
    };
    let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
    if !set.has_room_for(faces.len()) {
        // The image id drawn above stays drawn, as it always did.
        return Err(Failure::new(
            ErrorCode::FaceSetFull,
            "The face set is full, can not add more faces to it.",
        ));
    }
    let (set_id, set_name_owned) = (set.id.clone(), set.name.clone());
    let new: Vec<_> = faces
        .into_iter()
        .map(|face| store.new_face(&image_id, fields.clone(), face.bounding_box, &face.person, face.variant))
        .collect();
    let added: Vec<Value> = new
        .iter()
        .map(|n| {
            json!({
                "bounding_box": n.face.bounding_box,
                "face_id": &*n.face.face_id,
                "external_image_id": &*n.face.external_image_id,
                "external_fields": n.fields,
            })
        })
        .collect();
    store.add_faces(set_name, before, new).map_err(|e| not_saved(&e))?;
    Ok(json!({ "face_set_id": set_id, "face_set_name": set_name_owned, "faces": added }))
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
    let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
    let fields = external_fields(inputs, &set.fields)?;
    let slot = set.slot_of_face_id(&face_id).ok_or_else(face_id_not_exist)?;
    let answer = json!({ "face_number": 1, "face_set_id": set.id, "face_set_name": set.name });
    store
        .update_face(set_name, slot, new_id.as_ref().map(ExternalImageId::as_str), fields)
        .map_err(|e| not_saved(&e))?;
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
    let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
    let doomed: Vec<Slot> = match field {
        "external_image_id" => {
            let slots = set.slots_of_image_id(value);
            if slots.is_empty() {
                return Err(Failure::new(
                    ErrorCode::FieldNotFound,
                    "External id is not exist, can not delete face",
                ));
            }
            slots
        }
        "face_id" => match set.slot_of_face_id(value) {
            Some(slot) => vec![slot],
            None => {
                return Err(Failure::new(
                    ErrorCode::FaceIdNotFound,
                    "The face id is not exist, checkout your input.",
                ));
            }
        },
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
            // One pass over the field's column.
            let slots: Vec<Slot> = match set.column(custom) {
                Some(column) => set
                    .live_slots()
                    .filter(|slot| set.value(column, *slot).is_some_and(|v| same_value(v, &wanted)))
                    .collect(),
                None => Vec::new(),
            };
            if slots.is_empty() {
                return Err(Failure::new(
                    ErrorCode::FieldValueNotFound,
                    format!("No face has the value of {custom}, can not delete face"),
                ));
            }
            slots
        }
    };
    let answer = json!({ "face_number": doomed.len(), "face_set_id": set.id, "face_set_name": set.name });
    store.remove_faces(set_name, &doomed).map_err(|e| not_saved(&e))?;
    Ok(answer)
}

/// Reads a filter and checks it against the set's schema.
pub(super) fn filter(text: &str, schema: &BTreeMap<String, FieldType>) -> Result<Filter, Failure> {
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
    let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
    let filter = Compiled::new(&filter(&text, &set.fields)?, set);
    let doomed: Vec<Slot> = set.live_slots().filter(|slot| filter.matches(set, *slot)).collect();
    if doomed.is_empty() {
        return Err(Failure::new(
            ErrorCode::NoDataMatched,
            "All the data not suitable, no data to be deleted.",
        ));
    }
    let answer = json!({ "face_number": doomed.len(), "face_set_id": set.id, "face_set_name": set.name });
    store.remove_faces(set_name, &doomed).map_err(|e| not_saved(&e))?;
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
        let slot = set.slot_of_face_id(face_id).ok_or_else(face_id_not_exist)?;
        vec![face_json(set, slot)]
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
        set.live_slots().skip(start).take(take).map(|slot| face_json(set, slot)).collect()
    };
    Ok(json!({ "face_set_id": set.id, "face_set_name": set.name, "faces": faces }))
}
