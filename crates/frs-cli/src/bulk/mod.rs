//! The bulk jobs: `frs face import`, `delete-many`, `export` and `reconcile`, on the
//! core's bulk helper ([`frs_request::bulk`]) with a ledger (docs/bulk.md).

mod delete;
mod import;
mod input;
mod ledger;
mod progress;
mod reconcile;

use std::path::{Path, PathBuf};

use frs_request::{RateLimit, RetryPolicy};
use frs_types::FaceSetName;
use serde_json::Value;

use crate::args::{FaceSetArg, Format, GlobalArgs};
use crate::client::{Client, Runner};
use crate::exit::CliError;
use crate::output::{Printer, Table};

pub(crate) use delete::run as delete_many;
pub(crate) use import::run as import;
pub(crate) use reconcile::run as reconcile;

/// The client of a bulk job: the command's, with adds checked before any resend and the
/// `--qps` cap shared by every worker.
fn bulk_client(runner: &Runner, qps: Option<f64>) -> Client {
    let base = runner.client();
    let retry = RetryPolicy { resend_adds_after_check: true, ..base.config().retry().clone() };
    let client = Client::with_transport(base.config().clone().with_retry(retry), base.transport().clone());
    match qps {
        Some(qps) => client.with_rate_limit(RateLimit::per_second(qps)),
        None => client,
    }
}

/// `--ledger`, or the default place.
fn ledger_path(given: Option<&Path>) -> Result<PathBuf, CliError> {
    match given {
        Some(path) => Ok(path.to_owned()),
        None => ledger::default_path(),
    }
}

/// A job's summary: a two-column table on stdout, or one JSON object.
fn print_summary(printer: Printer, summary: &Value) -> Result<(), CliError> {
    if printer.format() != Format::Table {
        return printer.line(summary);
    }
    let mut table = Table::record();
    for (key, value) in summary.as_object().into_iter().flatten() {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => "-".to_owned(),
            other => other.to_string(),
        };
        table.field(&key.replace('_', " "), text);
    }
    crate::output::write_out(&table.render())
}

/// `frs face export SET`: every face, all pages, one JSON object a line.
pub(crate) fn export(args: &FaceSetArg, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    let set: FaceSetName = args.face_set.parse()?;
    let runner = Runner::new(global)?;
    if runner.dry_run() {
        return runner.print_request(&frs_request::faces::ShowFaces::page(set, 0, EXPORT_PAGE)?);
    }
    for face in runner.client().faces(set, EXPORT_PAGE)? {
        printer.line(&face?)?;
    }
    Ok(())
}

/// Ctrl-C during a bulk job: the first stops it from starting more items (those under way
/// finish and are recorded, the summary is printed, the exit code is 130); a second stops
/// the process at once (the ledger is consistent either way).
///
/// The handler is installed explicitly, so it also works when the job was started with
/// `SIGINT` ignored (a background job of a non-interactive shell).
pub(crate) struct Interrupt(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Interrupt {
    /// Installs the handler (before the job starts, so no signal is missed).
    fn install() -> Self {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build();
            let stream = runtime.as_ref().ok().and_then(|rt| {
                let _inside = rt.enter();
                signal(SignalKind::interrupt()).ok()
            });
            if let (Ok(runtime), Some(mut sigint)) = (runtime, stream) {
                let set = flag.clone();
                let _ = std::thread::Builder::new().name("frs-interrupt".into()).spawn(move || {
                    runtime.block_on(async move {
                        if sigint.recv().await.is_some() {
                            set.store(true, std::sync::atomic::Ordering::SeqCst);
                            let _ = std::io::Write::write_all(
                                &mut std::io::stderr(),
                                b"interrupted: finishing what is under way (Ctrl-C again to stop at once)\n",
                            );
                            if sigint.recv().await.is_some() {
                                std::process::exit(i32::from(crate::exit::INTERRUPTED));
                            }
                        }
                    });
                });
            }
        }
        Self(flag)
    }

    /// Whether Ctrl-C was pressed.
    fn is_set(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// Faces per listing request of `export` and `reconcile`.
const EXPORT_PAGE: u32 = 1000;
