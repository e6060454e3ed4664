//! `frs face reconcile SET --ledger FILE`: what the ledger says is enrolled against what
//! the face set holds — faces missing from the set, faces the ledger does not know
//! (unexpected), and images enrolled more than once (duplicated).

use std::collections::{BTreeMap, BTreeSet};

use frs_request::CallError;
use frs_request::bulk::{BulkItem, BulkOptions};
use frs_request::faces::ShowFaces;
use frs_types::models::faces::FacesResponse;
use frs_types::{ErrorCode, FaceSetName};
use serde_json::json;

use super::ledger::Ledger;
use super::{EXPORT_PAGE, ledger_path, print_summary};
use crate::args::{GlobalArgs, ReconcileArgs};
use crate::client::Runner;
use crate::exit::CliError;
use crate::output::Printer;

/// Runs `reconcile`.
pub(crate) fn run(args: &ReconcileArgs, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    let set: FaceSetName = args.face_set.parse()?;
    let runner = Runner::new(global)?;
    let project = runner.client().config().project_id().as_str().to_owned();
    let ledger_file = ledger_path(args.ledger.as_deref())?;
    let ledger = Ledger::open(&ledger_file, &project, set.as_str())?;
    let enrolled = ledger.enrolled_images(false)?;
    let pending = ledger.enrolled_images(true)?.len() - enrolled.len();
    // face id → external image id, as the ledger recorded them.
    let expected: BTreeMap<&str, &str> = enrolled
        .iter()
        .flat_map(|image| image.face_ids.iter().map(|id| (id.as_str(), image.external_image_id.as_str())))
        .collect();
    let mut held: BTreeMap<String, String> = BTreeMap::new();
    let mut complete = true;
    for face in runner.client().faces(set.clone(), EXPORT_PAGE)? {
        match face {
            Ok(face) => {
                if let Some(id) = face.face_id {
                    held.insert(id, face.external_image_id.unwrap_or_default());
                }
            }
            // Deeper than the service lists: each ledger face is looked up by id instead.
            Err(frs_request::Error::Call(CallError::ListingDepth { .. })) => complete = false,
            Err(e) => return Err(e.into()),
        }
    }
    let missing: Vec<String> = if complete {
        expected.keys().filter(|id| !held.contains_key(**id)).map(|id| (*id).to_owned()).collect()
    } else {
        look_up_each(&runner, &set, &expected)?
    };
    // Beyond the listing bound only the ledger's own faces can be checked.
    if !complete {
        held.clear();
    }
    let unexpected: Vec<&String> = held.keys().filter(|id| !expected.contains_key(id.as_str())).collect();
    // An image is duplicated when the set holds more faces under its id than the ledger
    // recorded for it (enrolled twice).
    let mut per_image: BTreeMap<&str, usize> = BTreeMap::new();
    for external_image_id in held.values() {
        *per_image.entry(external_image_id.as_str()).or_default() += 1;
    }
    let recorded: BTreeMap<&str, usize> =
        enrolled.iter().map(|image| (image.external_image_id.as_str(), image.face_ids.len())).collect();
    let duplicated: BTreeSet<&str> = per_image
        .iter()
        .filter(|(id, n)| recorded.get(*id).is_some_and(|want| **n > *want))
        .map(|(id, _)| *id)
        .collect();
    let summary = json!({
        "face_set": set.as_str(),
        "ledger": ledger_file.display().to_string(),
        "ledger_images": enrolled.len(),
        "ledger_faces": expected.len(),
        "ledger_unresolved": pending,
        "set_faces": if complete { Some(held.len()) } else { None },
        "missing": missing.len(),
        "unexpected": if complete { Some(unexpected.len()) } else { None },
        "duplicated": if complete { Some(duplicated.len()) } else { None },
        "missing_face_ids": missing,
        "unexpected_face_ids": unexpected,
        "duplicated_external_image_ids": duplicated,
    });
    print_summary(printer, &summary)?;
    if !missing.is_empty() || !unexpected.is_empty() || !duplicated.is_empty() {
        return Err(CliError::Failed("the face set and the ledger differ".to_owned()));
    }
    Ok(())
}

/// The ledger faces the set does not hold, looked up one by one (for sets deeper than the
/// service lists).
fn look_up_each(
    runner: &Runner,
    set: &FaceSetName,
    expected: &BTreeMap<&str, &str>,
) -> Result<Vec<String>, CliError> {
    let ops = expected
        .keys()
        .map(|id| Ok(((*id).to_owned(), ShowFaces::by_face_id(set.clone(), id.parse()?))))
        .collect::<Result<Vec<_>, CliError>>()?;
    let missing = std::sync::Mutex::new(Vec::new());
    let failure = std::sync::Mutex::new(None);
    runner.client().execute_many(
        ops,
        BulkOptions::concurrency(4),
        |item: BulkItem<String, FacesResponse, _>, _| match &item.result {
            Ok(reply) if reply.faces.as_ref().is_some_and(|f| !f.is_empty()) => {}
            Ok(_) => missing.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(item.key),
            Err(e) if e.code() == Some(&ErrorCode::FaceIdNotFound) => {
                missing.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(item.key);
            }
            Err(e) => {
                *failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e.to_string());
            }
        },
    );
    if let Some(e) = failure.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        return Err(CliError::Failed(format!("could not look up every ledger face: {e}")));
    }
    let mut missing = missing.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    missing.sort();
    Ok(missing)
}
