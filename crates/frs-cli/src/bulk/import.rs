//! `frs face import SET DIR_OR_CSV`: every image enrolled once, whatever stops the run.
//!
//! Per image, in input order: read and hash it; skip it if the ledger has it enrolled;
//! if the ledger has it `attempting` from a run that stopped without its answer, search
//! for its external image id first and record the faces found instead of adding again;
//! otherwise commit `attempting`, then add it (the client's retries check before any
//! resend, too) and commit the answer. Adds run `--concurrency` at once on the client's
//! worker pool; the ledger is written by one thread at a time.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use frs_request::bulk::{BulkItem, BulkOptions, BulkStop};
use frs_request::faces::AddFaces;
use frs_request::{Operation as _, Outcome};
use frs_types::models::faces::FacesResponse;
use frs_types::{ExternalImageId, FaceSetName, Image, MediaLimits};
use serde_json::json;
use sha2::{Digest as _, Sha256};

use super::input::{Source, sources};
use super::ledger::{Known, Ledger};
use super::progress::Progress;
use super::{bulk_client, ledger_path, print_summary};
use crate::args::{GlobalArgs, ImportArgs};
use crate::client::Runner;
use crate::exit::CliError;
use crate::output::Printer;

/// The counts of an import.
#[derive(Debug, Default)]
struct Tally {
    enrolled: AtomicU64,
    found: AtomicU64,
    skipped: AtomicU64,
    duplicates: AtomicU64,
    failed: AtomicU64,
    unknown: AtomicU64,
}

impl Tally {
    fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
    fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
    fn done(&self) -> u64 {
        [&self.enrolled, &self.found, &self.skipped, &self.duplicates, &self.failed, &self.unknown]
            .into_iter()
            .map(Self::get)
            .sum()
    }
    fn detail(&self) -> String {
        format!(
            "{} enrolled, {} already enrolled, {} found after a lost answer, {} unknown",
            Self::get(&self.enrolled),
            Self::get(&self.skipped),
            Self::get(&self.found),
            Self::get(&self.unknown)
        )
    }
}

/// An image on its way to the service: what the ledger needs when its answer comes.
#[derive(Debug)]
struct Pending {
    sha256: String,
    name: String,
}

/// Runs the import.
pub(crate) fn run(args: &ImportArgs, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    let set: FaceSetName = args.face_set.parse()?;
    if args.qps.is_some_and(|q| !(q > 0.0 && q.is_finite())) {
        return Err(CliError::usage("--qps must be a positive number of requests per second"));
    }
    // Counted first (names only, nothing read), for the progress bar's length and ETA.
    let total = sources(&args.source)?.filter(Result::is_ok).count() as u64;
    let runner = Runner::new(global)?;
    let ledger_file = ledger_path(args.ledger.as_deref())?;
    let project = runner.client().config().project_id().as_str().to_owned();
    if runner.dry_run() {
        return dry_run(args, &set, &Ledger::open(&ledger_file, &project, set.as_str())?, printer);
    }
    let client = bulk_client(&runner, args.qps);
    let ledger = Mutex::new(Ledger::open(&ledger_file, &project, set.as_str())?);
    // Rows this run set `attempting` carry its id, so that a second file with the same
    // content is known as a duplicate, not as an unanswered add of an earlier run.
    let run_id = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
    );
    let tally = Tally::default();
    let progress = Progress::new("import", total, printer.format());
    let stop: Mutex<Option<CliError>> = Mutex::new(None);
    let lock = || ledger.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let report = |failed: bool, text: String| {
        if failed {
            progress.note(&text);
        }
        progress.update(
            tally.done(),
            Tally::get(&tally.failed) + Tally::get(&tally.unknown),
            &tally.detail(),
        );
    };
    let interrupt = super::Interrupt::install();
    let input = sources(&args.source)?
        .take_while(|_| !interrupt.is_set())
        .map_while(|source| match source {
            Ok(source) => Some(source),
            Err(e) => {
                *stop.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(e);
                None
            }
        })
        .filter_map(|source| {
            let prepared =
                prepare(&source, &set, &lock(), &run_id, &client, &tally).unwrap_or_else(Prepared::Failed);
            let (counter, note) = match prepared {
                Prepared::Send(pending, add) => return Some((pending, add)),
                Prepared::Counted => {
                    report(false, String::new());
                    return None;
                }
                Prepared::Failed(text) => (&tally.failed, format!("failed {}: {text}", source.name)),
                Prepared::Unknown(text) => (&tally.unknown, format!("unknown {}: {text}", source.name)),
            };
            Tally::add(counter);
            report(true, note);
            None
        });
    let options = BulkOptions { concurrency: usize::from(args.concurrency), max_failures: args.max_failures };
    let summary = client.execute_many(input, options, |item: BulkItem<Pending, FacesResponse, _>, _| {
        let Pending { sha256, name } = &item.key;
        let ledger = lock();
        let recorded = match &item.result {
            Ok(reply) => {
                let ids: Vec<String> =
                    reply.faces.iter().flatten().filter_map(|f| f.face_id.clone()).collect();
                Tally::add(if reply.outcome == Outcome::FoundAfterLostAnswer {
                    &tally.found
                } else {
                    &tally.enrolled
                });
                ledger.enrolled(sha256, &ids).map(|()| None)
            }
            Err(error) if error.may_have_acted() => {
                Tally::add(&tally.unknown);
                ledger
                    .unknown(sha256, &error.to_string())
                    .map(|()| Some(format!("unknown {name}: {error} (resolved on the next run)")))
            }
            Err(error) => {
                Tally::add(&tally.failed);
                ledger.failed(sha256, &error.to_string()).map(|()| Some(format!("failed {name}: {error}")))
            }
        };
        drop(ledger);
        match recorded {
            Ok(note) => report(note.is_some(), note.unwrap_or_default()),
            Err(e) => report(true, format!("ledger: {e}")),
        }
    });
    progress.finish();
    let stopped = summary.stopped.as_ref().map(|stop| match stop {
        BulkStop::TooManyFailures { max } => format!("stopped after more than {max} failures"),
        BulkStop::Fatal { message, .. } => format!("stopped: {message}"),
    });
    let counts = json!({
        "face_set": set.as_str(),
        "ledger": ledger_file.display().to_string(),
        "images": total,
        "enrolled": Tally::get(&tally.enrolled),
        "already_enrolled": Tally::get(&tally.skipped),
        "found_after_lost_answer": Tally::get(&tally.found),
        "duplicates": Tally::get(&tally.duplicates),
        "failed": Tally::get(&tally.failed),
        "unknown": Tally::get(&tally.unknown),
        "stopped": if interrupt.is_set() { Some("interrupted (Ctrl-C)".to_owned()) } else { stopped.as_ref().cloned() },
        "seconds": (progress.seconds() * 1000.0).round() / 1000.0,
    });
    print_summary(printer, &counts)?;
    if let Some(e) = stop.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        return Err(e);
    }
    if interrupt.is_set() {
        return Err(CliError::Interrupted(
            "interrupted; run the same import again to go on where it stopped".to_owned(),
        ));
    }
    let bad = Tally::get(&tally.failed) + Tally::get(&tally.unknown);
    if bad > 0 || stopped.is_some() {
        return Err(CliError::Failed(format!(
            "{bad} image(s) not enrolled; run the same import again to retry them{}",
            stopped.map(|s| format!(" ({s})")).unwrap_or_default()
        )));
    }
    Ok(())
}

/// What to do with one image.
enum Prepared {
    /// Add it (its `attempting` row is committed).
    Send(Pending, AddFaces),
    /// Nothing to send; already counted.
    Counted,
    /// It cannot be enrolled as it is (the text names the problem).
    Failed(String),
    /// An earlier attempt's outcome is still unknown (the check failed).
    Unknown(String),
}

/// Reads one image and decides what to do with it; `Err` is an image that cannot be
/// enrolled as it is.
fn prepare(
    source: &Source,
    set: &FaceSetName,
    ledger: &Ledger,
    run_id: &str,
    client: &crate::client::Client,
    tally: &Tally,
) -> Result<Prepared, String> {
    let limit = MediaLimits::IMAGE.max_file_bytes;
    let len = std::fs::metadata(&source.path).map_err(|e| e.to_string())?.len();
    if usize::try_from(len).map_or(true, |len| len >= limit) {
        return Err(format!("{len} bytes; an image must be under {limit} bytes"));
    }
    let bytes = std::fs::read(&source.path).map_err(|e| e.to_string())?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let raw_id = source.external_image_id();
    let known = ledger.known(&sha256, run_id).map_err(|e| e.to_string())?;
    match &known {
        Known::Enrolled => {
            Tally::add(&tally.skipped);
            return Ok(Prepared::Counted);
        }
        Known::ThisRun => {
            // The same content as an earlier file of this run: enrolled once.
            Tally::add(&tally.duplicates);
            return Ok(Prepared::Counted);
        }
        _ => {}
    }
    let id: ExternalImageId = raw_id
        .parse()
        .map_err(|e| format!("{e} (a file name must make a valid id; give ids in a CSV manifest)"))?;
    if let Some(other) = ledger.other_image_with_id(id.as_str(), &sha256).map_err(|e| e.to_string())? {
        return Err(format!("external_image_id {id} is already used by {other}, a different image"));
    }
    let image = Image::from_bytes(&source.name, bytes).map_err(|e| e.to_string())?;
    let mut add = AddFaces::new(set.clone(), image).external_image_id(id.clone());
    if let Some(fields) = crate::inputs::external_fields(&source.fields).map_err(|e| e.to_string())? {
        add = add.external_fields(fields);
    }
    if let Known::Attempting { external_image_id } = &known
        && external_image_id == id.as_str()
        && let Some(check) = add.landed_check()
    {
        // An add of an earlier run whose answer was never recorded: look before resending.
        match client.execute(&check) {
            Ok(reply) => {
                let ids: Vec<String> =
                    reply.value.faces.iter().flatten().filter_map(|f| f.face_id.clone()).collect();
                if !ids.is_empty() {
                    ledger.enrolled(&sha256, &ids).map_err(|e| e.to_string())?;
                    Tally::add(&tally.found);
                    return Ok(Prepared::Counted);
                }
            }
            Err(e) => {
                return Ok(Prepared::Unknown(format!(
                    "could not check whether an earlier attempt landed: {e}"
                )));
            }
        }
    }
    ledger.attempting(&sha256, &source.name, id.as_str(), run_id).map_err(|e| e.to_string())?;
    Ok(Prepared::Send(Pending { sha256, name: source.name.clone() }, add))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `--dry-run`: what the import would do with each image, nothing sent or recorded.
fn dry_run(args: &ImportArgs, set: &FaceSetName, ledger: &Ledger, printer: Printer) -> Result<(), CliError> {
    let mut would_add = 0u64;
    let mut skip = 0u64;
    for source in sources(&args.source)? {
        let source = source?;
        let bytes =
            std::fs::read(&source.path).map_err(|e| CliError::Failed(format!("{}: {e}", source.name)))?;
        let sha256 = hex(&Sha256::digest(&bytes));
        let line = match ledger.known(&sha256, "")? {
            Known::Enrolled => {
                skip += 1;
                format!("skip {} (already enrolled)", source.name)
            }
            Known::Attempting { .. } => {
                would_add += 1;
                format!(
                    "check, then add {} as {} (an earlier attempt's answer was lost)",
                    source.name,
                    source.external_image_id()
                )
            }
            _ => {
                would_add += 1;
                format!("add {} as {}", source.name, source.external_image_id())
            }
        };
        if printer.format() == crate::args::Format::Table {
            crate::output::write_out(&format!("{line}\n"))?;
        }
    }
    print_summary(
        printer,
        &json!({ "face_set": set.as_str(), "dry_run": true, "would_add": would_add, "already_enrolled": skip }),
    )
}
