//! `frs face delete-many SET`: from a file of selectors, by a filter (one batch delete), or
//! every image a ledger enrolled; a summary of deleted / already absent / failed.

use std::io::BufRead as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use frs_request::bulk::{BulkItem, BulkOptions, DeleteOutcome};
use frs_request::faces::{BatchDeleteFaces, DeleteFaces};
use frs_types::models::faces::DeleteFacesResponse;
use frs_types::{FaceSelector, FaceSetName, Filter};
use serde_json::json;

use super::ledger::Ledger;
use super::progress::Progress;
use super::{bulk_client, ledger_path, print_summary};
use crate::args::{DeleteManyArgs, GlobalArgs};
use crate::client::Runner;
use crate::exit::CliError;
use crate::output::Printer;

/// What one delete came from.
#[derive(Debug)]
struct Key {
    /// The selector as shown (`external_image_id=alice`).
    shown: String,
    /// The ledger row it deletes, if it comes from a ledger.
    sha256: Option<String>,
}

/// Runs `delete-many`.
pub(crate) fn run(args: &DeleteManyArgs, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    let set: FaceSetName = args.face_set.parse()?;
    if args.qps.is_some_and(|q| !(q > 0.0 && q.is_finite())) {
        return Err(CliError::usage("--qps must be a positive number of requests per second"));
    }
    if let Some(filter) = &args.filter {
        return by_filter(&set, &Filter::parse(filter)?, global, printer);
    }
    // A file's selectors are checked before the configuration is read (bad input: exit 2).
    let from_file = args.file.as_deref().map(selectors_of_file).transpose()?;
    let runner = Runner::new(global)?;
    let (selectors, ledger) = match from_file {
        Some(selectors) => (selectors, None),
        None => {
            let project = runner.client().config().project_id().as_str().to_owned();
            let ledger = Ledger::open(&ledger_path(args.ledger.as_deref())?, &project, set.as_str())?;
            let selectors = ledger
                .enrolled_images(true)?
                .into_iter()
                .map(|image| {
                    let id = image.external_image_id.parse()?;
                    Ok((Some(image.content_sha256), FaceSelector::ExternalImageId(id)))
                })
                .collect::<Result<Vec<_>, CliError>>()?;
            (selectors, Some(ledger))
        }
    };
    if runner.dry_run() {
        for (_, selector) in &selectors {
            crate::output::write_out(&format!("would delete {}\n", shown(selector)))?;
        }
        return print_summary(
            printer,
            &json!({ "face_set": set.as_str(), "dry_run": true, "would_delete": selectors.len() }),
        );
    }
    let client = bulk_client(&runner, args.qps);
    let total = selectors.len() as u64;
    let progress = Progress::new("delete", total, printer.format());
    let ledger = Mutex::new(ledger);
    let counts = Counts::default();
    let interrupt = super::Interrupt::install();
    let ops = selectors.into_iter().take_while(|_| !interrupt.is_set()).map(|(sha256, selector)| {
        (Key { shown: shown(&selector), sha256 }, DeleteFaces::new(set.clone(), selector))
    });
    let options = BulkOptions::concurrency(usize::from(args.concurrency));
    let summary =
        client.execute_many(ops, options, |item: BulkItem<Key, DeleteFacesResponse, _>, progress_now| {
            let outcome = DeleteOutcome::of(&item.result);
            match outcome {
                DeleteOutcome::Deleted(Some(n)) => {
                    counts.deleted.fetch_add(1, Ordering::Relaxed);
                    counts.faces.fetch_add(n, Ordering::Relaxed);
                }
                DeleteOutcome::Deleted(None) => {
                    counts.deleted.fetch_add(1, Ordering::Relaxed);
                    counts.count_unknown.fetch_add(1, Ordering::Relaxed);
                }
                DeleteOutcome::AlreadyAbsent => {
                    counts.absent.fetch_add(1, Ordering::Relaxed);
                }
                DeleteOutcome::Failed => {
                    counts.failed.fetch_add(1, Ordering::Relaxed);
                    if let Err(e) = &item.result {
                        progress.note(&format!("failed {}: {e}", item.key.shown));
                    }
                }
            }
            if outcome != DeleteOutcome::Failed
                && let (Some(sha256), Some(ledger)) = (
                    &item.key.sha256,
                    ledger.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref(),
                )
                && let Err(e) = ledger.deleted(sha256)
            {
                progress.note(&format!("ledger: {e}"));
            }
            progress.update(progress_now.finished(), progress_now.failed, "");
        });
    progress.finish();
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    let failed = get(&counts.failed);
    print_summary(
        printer,
        &json!({
            "face_set": set.as_str(),
            "selectors": total,
            "deleted": get(&counts.deleted),
            "faces_deleted": get(&counts.faces),
            "deleted_count_unknown": get(&counts.count_unknown),
            "already_absent": get(&counts.absent),
            "failed": failed,
            "not_started": total - summary.progress.started,
            "seconds": (progress.seconds() * 1000.0).round() / 1000.0,
        }),
    )?;
    if interrupt.is_set() {
        return Err(CliError::Interrupted("interrupted; run the same delete again for the rest".to_owned()));
    }
    if failed > 0 || summary.stopped.is_some() {
        return Err(CliError::Failed(format!(
            "{} selector(s) not deleted",
            total - get(&counts.deleted) - get(&counts.absent)
        )));
    }
    Ok(())
}

/// The counts of a `delete-many`.
#[derive(Debug, Default)]
struct Counts {
    /// Selectors whose faces were deleted.
    deleted: AtomicU64,
    /// Faces deleted, as the service counted them.
    faces: AtomicU64,
    /// Deletes whose answer was lost and whose retry found nothing: gone, count unknown.
    count_unknown: AtomicU64,
    absent: AtomicU64,
    failed: AtomicU64,
}

fn shown(selector: &FaceSelector) -> String {
    format!("{}={}", selector.field_name(), selector.value())
}

/// The selectors of a file (or `-`): one a line — `face_id=ID`, `external_image_id=ID`,
/// `FIELD=VALUE`, or a bare external image id; blank lines and `#` comments skipped.
fn selectors_of_file(file: &str) -> Result<Vec<(Option<String>, FaceSelector)>, CliError> {
    let reader: Box<dyn std::io::BufRead> = if file == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f =
            std::fs::File::open(file).map_err(|e| CliError::usage(format!("{file}: cannot read it: {e}")))?;
        Box::new(std::io::BufReader::new(f))
    };
    let mut selectors = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| CliError::usage(format!("{file}: {e}")))?;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = |e: &dyn std::fmt::Display| CliError::usage(format!("{file} line {}: {e}", n + 1));
        let selector = match line.split_once('=') {
            Some(("face_id", id)) => FaceSelector::FaceId(id.parse().map_err(|e| at(&e))?),
            Some(("external_image_id", id)) => FaceSelector::ExternalImageId(id.parse().map_err(|e| at(&e))?),
            Some(_) => {
                let (name, value) = crate::inputs::field_match(line).map_err(|e| at(&e))?;
                FaceSelector::field(name, value)
            }
            None => FaceSelector::ExternalImageId(line.parse().map_err(|e| at(&e))?),
        };
        selectors.push((None, selector));
    }
    Ok(selectors)
}

/// `--filter`: one batch delete of every matching face.
fn by_filter(
    set: &FaceSetName,
    filter: &Filter,
    global: &GlobalArgs,
    printer: Printer,
) -> Result<(), CliError> {
    let runner = Runner::new(global)?;
    let op = BatchDeleteFaces::new(set.clone(), filter.clone());
    let Some(reply) = (match runner.call(&op) {
        // Nothing matched: the service's FRS.0407, not a failure of the job.
        Err(CliError::Call(e)) if e.code() == Some(&frs_types::ErrorCode::NoDataMatched) => {
            return print_summary(
                printer,
                &json!({ "face_set": set.as_str(), "filter": filter.to_string(), "faces_deleted": 0, "already_absent": true }),
            );
        }
        other => other?,
    }) else {
        return Ok(());
    };
    let unknown = matches!(reply.outcome, frs_request::Outcome::GoneCountUnknown { .. });
    print_summary(
        printer,
        &json!({
            "face_set": set.as_str(),
            "filter": filter.to_string(),
            "faces_deleted": reply.face_number,
            "deleted_count_unknown": unknown,
        }),
    )
}
