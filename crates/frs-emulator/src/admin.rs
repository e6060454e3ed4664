//! The admin API under [`ADMIN_PREFIX`](crate::ADMIN_PREFIX): health, reset, state dump,
//! seeding, fake OBS objects, fault injection and the request log. It needs no credentials
//! and is never subject to faults.

use std::collections::BTreeMap;
use std::sync::PoisonError;

use axum::body::Body;
use axum::http::{Method, Response, StatusCode};
use bytes::Bytes;
use frs_types::models::face_sets::FieldType;
use frs_types::{ExternalImageId, FaceSetName};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::faults::Fault;
use crate::server::{ADMIN_PREFIX, admin_json};
use crate::state::dump::StateDump;
use crate::state::{DEFAULT_CAPACITY, MAX_FACE_SETS, NewSet, SeededFace};
use crate::{Shared, service};

fn bad(message: impl std::fmt::Display) -> Response<Body> {
    admin_json(StatusCode::BAD_REQUEST, &json!({ "error": message.to_string() }))
}

/// A face set to seed: as created through the API, plus its faces.
#[derive(Debug, Deserialize)]
struct SeedSet {
    face_set_name: String,
    #[serde(default)]
    face_set_capacity: Option<u64>,
    #[serde(default)]
    external_fields: BTreeMap<String, FieldTypeInfo>,
    #[serde(default)]
    faces: Vec<SeededFace>,
}

#[derive(Debug, Deserialize)]
struct FieldTypeInfo {
    #[serde(rename = "type")]
    field_type: FieldType,
}

#[derive(Debug, Deserialize)]
struct Seed {
    face_sets: Vec<SeedSet>,
}

#[derive(Debug, Deserialize)]
struct Step {
    #[serde(default)]
    fault: Option<Fault>,
    times: u32,
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

#[derive(Debug, Deserialize)]
struct QuotaRequest {
    qps: u32,
}

#[derive(Debug, Deserialize)]
struct FaultRequest {
    #[serde(default)]
    fault: Option<Fault>,
    /// Steps taken in order: `{"fault": F, "times": N}`, or `{"times": N}` to let N
    /// requests through.
    #[serde(default)]
    sequence: Option<Vec<Step>>,
    /// Which requests: `operation`, `face_set`, `path` (all optional).
    #[serde(flatten)]
    scope: crate::faults::Scope,
    #[serde(default)]
    times: Option<u32>,
    #[serde(default)]
    probability: Option<f64>,
    #[serde(default)]
    seed: Option<u64>,
}

/// Whether `host` (a `Host` header or the authority of an `Origin`, port included or not)
/// names this emulator: a loopback name or address, or the address listened on.
fn is_own_host(shared: &Shared, host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host
            .rsplit_once(':')
            .map_or(host, |(name, port)| if port.bytes().all(|b| b.is_ascii_digit()) { name } else { host }),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    match name.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback() || ip == shared.addr.ip() || shared.addr.ip().is_unspecified(),
        Err(_) => false,
    }
}

/// Why an admin request is refused, if it is: the admin API can wipe or rewrite the
/// state, so it answers only requests addressed to this emulator by name (no DNS
/// rebinding), not sent from another site's page (no cross-site form posts), and carrying
/// the admin token when one is set (it must be when the emulator listens beyond
/// loopback).
fn refusal(shared: &Shared, parts: &http::request::Parts) -> Option<Response<Body>> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    match &shared.config.admin_token {
        Some(token) if header(crate::server::ADMIN_TOKEN_HEADER) != Some(token.as_str()) => {
            return Some(admin_json(
                StatusCode::UNAUTHORIZED,
                &json!({ "error": "admin requests need the X-Emulator-Admin-Token header" }),
            ));
        }
        None if !shared.addr.ip().is_loopback() => {
            return Some(admin_json(
                StatusCode::FORBIDDEN,
                &json!({ "error": format!(
                    "the admin API is disabled: the emulator listens on {}, beyond loopback; start it with --admin-token",
                    shared.addr
                ) }),
            ));
        }
        _ => {}
    }
    if let Some(host) = parts.headers.get(http::header::HOST)
        && !host.to_str().is_ok_and(|h| is_own_host(shared, h))
    {
        return Some(admin_json(
            StatusCode::FORBIDDEN,
            &json!({ "error": "admin requests must be addressed to the emulator (Host: localhost or its address)" }),
        ));
    }
    let cross_site = header("sec-fetch-site").is_some_and(|s| s == "cross-site" || s == "same-site");
    let foreign_origin = parts.headers.get(http::header::ORIGIN).is_some_and(|origin| {
        let authority = origin.to_str().ok().and_then(|o| o.split_once("://")).map(|(_, rest)| rest);
        !authority.is_some_and(|a| is_own_host(shared, a))
    });
    if cross_site || foreign_origin {
        return Some(admin_json(
            StatusCode::FORBIDDEN,
            &json!({ "error": "admin requests from another site's page are refused" }),
        ));
    }
    None
}

pub(crate) fn handle(shared: &Shared, parts: &http::request::Parts, body: &Bytes) -> Response<Body> {
    if let Some(refused) = refusal(shared, parts) {
        return refused;
    }
    let path = parts.uri.path().strip_prefix(ADMIN_PREFIX).unwrap_or("");
    match (&parts.method, path) {
        (&Method::GET, "/health") => {
            let sets = shared.store().sets.len();
            admin_json(StatusCode::OK, &json!({ "status": "ok", "face_sets": sets }))
        }
        (&Method::POST, "/reset") => {
            // Not saved, not done: a failed reset leaves the state as it was.
            let saved = shared.store().clear();
            shared.faults.lock().unwrap_or_else(PoisonError::into_inner).clear();
            shared.quota.lock().unwrap_or_else(PoisonError::into_inner).set(shared.config.qps_quota);
            shared.log.lock().unwrap_or_else(PoisonError::into_inner).clear();
            shared.objects.lock().unwrap_or_else(PoisonError::into_inner).clear();
            match saved {
                Ok(()) => admin_json(StatusCode::OK, &json!({ "status": "reset" })),
                Err(e) => admin_json(StatusCode::INTERNAL_SERVER_ERROR, &json!({ "error": e.to_string() })),
            }
        }
        (&Method::GET, "/state") => {
            let dump = shared.store().dump();
            admin_json(StatusCode::OK, &serde_json::to_value(&dump).unwrap_or(Value::Null))
        }
        (&Method::POST, "/seed") => seed(shared, body),
        (&Method::POST, "/snapshot") => match serde_json::from_slice::<Named>(body) {
            Ok(Named { name }) if !name.is_empty() => {
                let dump = shared.store().dump();
                let faces: usize = dump.sets.values().map(|s| s.faces.len()).sum();
                shared.snapshots.lock().unwrap_or_else(PoisonError::into_inner).insert(name.clone(), dump);
                admin_json(StatusCode::OK, &json!({ "snapshot": name, "faces": faces }))
            }
            Ok(_) => bad("snapshot: the name is empty"),
            Err(e) => bad(format!("snapshot: {e}")),
        },
        (&Method::POST, "/restore") => match serde_json::from_slice::<Named>(body) {
            Ok(Named { name }) => match restore(shared, &name) {
                Ok(()) => admin_json(StatusCode::OK, &json!({ "restored": name })),
                Err(e) if e.starts_with("no snapshot") => {
                    admin_json(StatusCode::NOT_FOUND, &json!({ "error": e }))
                }
                Err(e) => admin_json(StatusCode::INTERNAL_SERVER_ERROR, &json!({ "error": e })),
            },
            Err(e) => bad(format!("restore: {e}")),
        },
        (&Method::GET, "/snapshots") => {
            let names: Vec<String> =
                shared.snapshots.lock().unwrap_or_else(PoisonError::into_inner).keys().cloned().collect();
            admin_json(StatusCode::OK, &json!({ "snapshots": names }))
        }
        (&Method::GET, "/requests") => {
            let log = shared.log.lock().unwrap_or_else(PoisonError::into_inner).to_vec();
            admin_json(StatusCode::OK, &serde_json::to_value(&log).unwrap_or(Value::Null))
        }
        (&Method::POST, "/faults") => {
            let request: FaultRequest = match serde_json::from_slice(body) {
                Ok(r) => r,
                Err(e) => return bad(format!("fault: {e}")),
            };
            arm(shared, request)
                .err()
                .map_or_else(|| admin_json(StatusCode::OK, &json!({ "status": "armed" })), bad)
        }
        (&Method::PUT, "/quota") => match serde_json::from_slice::<QuotaRequest>(body) {
            Ok(q) if q.qps > 0 => {
                shared.quota.lock().unwrap_or_else(PoisonError::into_inner).set(Some(q.qps));
                admin_json(StatusCode::OK, &json!({ "qps": q.qps }))
            }
            Ok(_) => bad("qps must be at least 1 (DELETE the quota to lift it)"),
            Err(e) => bad(format!("quota: {e}")),
        },
        (&Method::GET, "/quota") => {
            let qps = shared.quota.lock().unwrap_or_else(PoisonError::into_inner).limit();
            admin_json(StatusCode::OK, &json!({ "qps": qps }))
        }
        (&Method::DELETE, "/quota") => {
            shared.quota.lock().unwrap_or_else(PoisonError::into_inner).set(None);
            admin_json(StatusCode::OK, &json!({ "qps": null }))
        }
        (&Method::DELETE, "/faults") => {
            shared.faults.lock().unwrap_or_else(PoisonError::into_inner).clear();
            admin_json(StatusCode::OK, &json!({ "status": "cleared" }))
        }
        (method, obs) if obs.starts_with("/obs/") => {
            let url = format!("/{}", &obs["/obs/".len()..]);
            let key = match service::obs_key(&url) {
                Ok(k) => k,
                Err(f) => return bad(f.message),
            };
            let mut objects = shared.objects.lock().unwrap_or_else(PoisonError::into_inner);
            match *method {
                Method::PUT => {
                    objects.insert(key, body.clone());
                    admin_json(StatusCode::OK, &json!({ "url": url, "size": body.len() }))
                }
                Method::DELETE => {
                    objects.remove(&key);
                    admin_json(StatusCode::OK, &json!({ "url": url }))
                }
                _ => bad("use PUT or DELETE"),
            }
        }
        _ => admin_json(StatusCode::NOT_FOUND, &json!({ "error": "no such admin endpoint" })),
    }
}

/// Puts back the snapshot `name`.
pub(crate) fn restore(shared: &Shared, name: &str) -> Result<(), String> {
    let dump = shared.snapshots.lock().unwrap_or_else(PoisonError::into_inner).get(name).cloned();
    let dump = dump.ok_or_else(|| format!("no snapshot named {name}"))?;
    shared.store().replace_with(dump).map_err(|e| e.to_string())
}

/// A state dump read from JSON (`--load`), checked as a seed is: only states the service
/// could be in.
pub(crate) fn read_dump(config: &crate::EmulatorConfig, bytes: &[u8]) -> Result<StateDump, String> {
    let dump: StateDump = serde_json::from_slice(bytes).map_err(|e| format!("not a state dump: {e}"))?;
    if dump.sets.len() > MAX_FACE_SETS {
        return Err(format!("a project holds at most {MAX_FACE_SETS} face sets"));
    }
    let mut ids = std::collections::BTreeSet::new();
    for (name, set) in &dump.sets {
        let fail = |e: String| format!("face set {name}: {e}");
        if *name != set.name {
            return Err(fail(format!("named {} inside", set.name)));
        }
        FaceSetName::new(name.as_str()).map_err(|e| fail(e.to_string()))?;
        #[allow(clippy::cast_precision_loss)]
        service::check_capacity(set.capacity as f64, config.max_capacity).map_err(|f| fail(f.message))?;
        service::check_schema(&set.fields).map_err(|f| fail(f.message))?;
        if u64::try_from(set.faces.len()).unwrap_or(u64::MAX) > set.capacity {
            return Err(fail(format!(
                "{} faces do not fit in a capacity of {}",
                set.faces.len(),
                set.capacity
            )));
        }
        for face in &set.faces {
            if !ids.insert(face.face_id.as_str()) {
                return Err(fail(format!("face id {} appears twice", face.face_id)));
            }
            ExternalImageId::new(face.external_image_id.as_str()).map_err(|e| fail(e.to_string()))?;
            service::check_fields(&face.external_fields, &set.fields).map_err(|f| fail(f.message))?;
        }
    }
    Ok(dump)
}

/// Arms the faults of a `POST /__emulator/faults` request.
fn arm(shared: &Shared, request: FaultRequest) -> Result<(), String> {
    let check = |fault: &Fault| {
        if let Fault::Respond { headers, .. } = fault {
            for (name, value) in headers {
                if http::HeaderName::from_bytes(name.as_bytes()).is_err()
                    || http::HeaderValue::from_str(value).is_err()
                {
                    return Err(format!("fault: header {name:?} is not a valid HTTP header"));
                }
            }
        }
        match fault.status() {
            Some(status) if !(200..=599).contains(&status) => {
                Err(format!("fault: status {status} is not an HTTP status from 200 to 599"))
            }
            _ => Ok(()),
        }
    };
    let mut faults = shared.faults.lock().unwrap_or_else(PoisonError::into_inner);
    match (request.fault, request.sequence, request.times, request.probability) {
        (Some(fault), None, Some(times), None) => {
            check(&fault)?;
            faults.push_sequence(request.scope, vec![(Some(fault), times)]);
        }
        (Some(fault), None, None, Some(p)) if (0.0..=1.0).contains(&p) => {
            check(&fault)?;
            faults.set_random_in(request.scope, fault, p, request.seed.unwrap_or(0));
        }
        (None, Some(steps), None, None) if !steps.is_empty() => {
            for step in &steps {
                if let Some(fault) = &step.fault {
                    check(fault)?;
                }
            }
            faults.push_sequence(request.scope, steps.into_iter().map(|s| (s.fault, s.times)).collect());
        }
        _ => {
            return Err("give a \"fault\" with either \"times\" or a \"probability\" from 0 to 1 (with an optional \"seed\"), or a \"sequence\" of {\"fault\", \"times\"} steps".to_owned());
        }
    }
    Ok(())
}

/// Seeds face sets through the same checks as the API (name, capacity, schema, the
/// number of face sets, room in the set, custom values against the schema), so no seed
/// makes a state the service could not be in; a bad seed changes nothing.
fn seed(shared: &Shared, body: &Bytes) -> Response<Body> {
    let seed: Seed = match serde_json::from_slice(body) {
        Ok(s) => s,
        Err(e) => return bad(format!("seed: {e}")),
    };
    let mut store = shared.store();
    let mut names = std::collections::BTreeSet::new();
    for set in &seed.face_sets {
        if let Err(e) = check_seed_set(shared, set) {
            return bad(format!("face set {}: {e}", set.face_set_name));
        }
        if store.sets.contains_key(&set.face_set_name) || !names.insert(set.face_set_name.as_str()) {
            return bad(format!("face set {} already exists", set.face_set_name));
        }
    }
    if store.sets.len() + seed.face_sets.len() > MAX_FACE_SETS {
        return bad(format!("a project holds at most {MAX_FACE_SETS} face sets"));
    }
    let before = store.counter;
    let mut created = Vec::new();
    let mut sets = Vec::new();
    for set in seed.face_sets {
        let fields = set.external_fields.into_iter().map(|(k, v)| (k, v.field_type)).collect();
        let capacity = set.face_set_capacity.unwrap_or(DEFAULT_CAPACITY);
        let new = store.new_set(&set.face_set_name, capacity, fields, crate::server::create_date());
        let faces: Vec<_> = set.faces.into_iter().map(|face| store.new_seeded_face(face)).collect();
        let face_ids: Vec<String> = faces.iter().map(|f| f.face.face_id.to_string()).collect();
        created
            .push(json!({ "face_set_name": set.face_set_name, "face_set_id": new.id, "face_ids": face_ids }));
        sets.push(NewSet { set: new, faces });
    }
    if let Err(e) = store.create_sets(before, sets) {
        return admin_json(StatusCode::INTERNAL_SERVER_ERROR, &json!({ "error": e.to_string() }));
    }
    admin_json(StatusCode::OK, &json!({ "face_sets": created }))
}

/// The API's checks for one seeded set.
fn check_seed_set(shared: &Shared, set: &SeedSet) -> Result<(), String> {
    FaceSetName::new(set.face_set_name.as_str()).map_err(|e| e.to_string())?;
    let capacity = set.face_set_capacity.unwrap_or(DEFAULT_CAPACITY);
    #[allow(clippy::cast_precision_loss)]
    service::check_capacity(capacity as f64, shared.config.max_capacity).map_err(|f| f.message)?;
    let schema: BTreeMap<String, FieldType> =
        set.external_fields.iter().map(|(k, v)| (k.clone(), v.field_type)).collect();
    service::check_schema(&schema).map_err(|f| f.message)?;
    if u64::try_from(set.faces.len()).unwrap_or(u64::MAX) > capacity {
        return Err(format!("{} faces do not fit in a capacity of {capacity}", set.faces.len()));
    }
    for face in &set.faces {
        ExternalImageId::new(face.external_image_id.as_str()).map_err(|e| e.to_string())?;
        service::check_fields(&face.external_fields, &schema)
            .map_err(|f| format!("face {}: {}", face.external_image_id, f.message))?;
    }
    Ok(())
}
