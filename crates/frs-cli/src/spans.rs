//! `--verbose`: the core's spans (`frs.call`, `frs.attempt`, from frs-request's `tracing`
//! feature) as one line each on stderr when they close, after the transport's own lines.
//!
//! The spans hold only numbers, codes and ids (see frs-request's `trace` module), so these
//! lines can hold no secret either.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Prints every span of the core on stderr when it closes.
#[derive(Default)]
struct StderrSpans {
    ids: AtomicU64,
    open: Mutex<HashMap<u64, String>>,
}

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
    }
}

impl Subscriber for StderrSpans {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.target().starts_with("frs_request")
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.ids.fetch_add(1, Ordering::Relaxed) + 1;
        let mut line = format!("~ {}", span.metadata().name());
        span.record(&mut Fields(&mut line));
        self.open.lock().unwrap_or_else(PoisonError::into_inner).insert(id, line);
        Id::from_u64(id)
    }
    fn record(&self, id: &Id, values: &Record<'_>) {
        if let Some(line) = self.open.lock().unwrap_or_else(PoisonError::into_inner).get_mut(&id.into_u64()) {
            values.record(&mut Fields(line));
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
    fn try_close(&self, id: Id) -> bool {
        // The core never clones its spans: the first close is the last.
        if let Some(line) = self.open.lock().unwrap_or_else(PoisonError::into_inner).remove(&id.into_u64()) {
            let _ = writeln!(std::io::stderr().lock(), "{line}");
        }
        true
    }
}

/// Shows the core's spans on stderr from now on (once per process; later calls do nothing).
pub(crate) fn show_on_stderr() {
    let _ = tracing::subscriber::set_global_default(StderrSpans::default());
}
