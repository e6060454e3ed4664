//! Face sets: create, show, list, delete.

use std::collections::BTreeMap;

use frs_types::ErrorCode;
use frs_types::FieldName;
use frs_types::models::face_sets::{FieldType, MAX_CUSTOM_FIELDS};
use serde_json::{Value, json};

use super::{Outcome, face_set_name, not_found, not_saved, set_info};
use crate::Shared;
use crate::inputs::{Failure, Inputs};
use crate::state::{DEFAULT_CAPACITY, MAX_FACE_SETS};

/// Checks a capacity: a multiple of 10 000 from 10 000 to `max` (the service's 100 000,
/// unless the emulator was started with a higher `--max-capacity`).
pub(crate) fn check_capacity(capacity: f64, max: u64) -> Result<u64, Failure> {
    #[allow(clippy::cast_precision_loss, clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let ok =
        capacity.fract() == 0.0 && (10_000.0..=max as f64).contains(&capacity) && capacity % 10_000.0 == 0.0;
    if ok {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        return Ok(capacity as u64);
    }
    Err(Failure::invalid(format!("face_set_capacity must be a multiple of 10000 from 10000 to {max}")))
}

/// Checks a custom-field schema: at most 10 fields with valid names.
pub(crate) fn check_schema(schema: &BTreeMap<String, FieldType>) -> Result<(), Failure> {
    if schema.len() > MAX_CUSTOM_FIELDS {
        return Err(Failure::invalid("external_fields may declare at most 10 fields"));
    }
    for key in schema.keys() {
        FieldName::new(key.as_str()).map_err(Failure::invalid)?;
    }
    Ok(())
}

/// `POST /v2/{project_id}/face-sets`.
pub(crate) fn create_face_set(shared: &Shared, inputs: &Inputs) -> Outcome {
    let name = face_set_name(&inputs.required_text("face_set_name")?)?;
    let capacity = match inputs.number("face_set_capacity")? {
        None => DEFAULT_CAPACITY,
        Some(c) => check_capacity(c, shared.config.max_capacity)?,
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
    store
        .create_face_set(name.as_str(), capacity, fields, crate::server::create_date())
        .map_err(|e| not_saved(&e))?;
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
    if !store.delete_face_set(name).map_err(|e| not_saved(&e))? {
        return Err(not_found(name));
    }
    Ok(json!({ "face_set_name": name }))
}
