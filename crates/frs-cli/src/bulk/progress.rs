//! Progress of a bulk job on stderr: a bar on a terminal (count, rate, ETA, failures), a
//! plain line every few seconds otherwise, nothing with `--output json`/`jsonl` — the
//! final summary is printed by the command in every case.

use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::Format;

/// How often a plain progress line is written when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(2);

enum Mode {
    Bar(ProgressBar),
    Lines { last: Mutex<Instant> },
    Quiet,
}

/// The progress display of one job.
pub(crate) struct Progress {
    mode: Mode,
    what: &'static str,
    total: u64,
    started: Instant,
}

impl Progress {
    /// The display for a job of `total` items (`what`: "import", "delete"), chosen from
    /// the output format and whether stderr is a terminal.
    pub(crate) fn new(what: &'static str, total: u64, format: Format) -> Self {
        let mode = if format != Format::Table {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} {per_sec} ETA {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_prefix(what);
            bar.set_message("failures: 0");
            Mode::Bar(bar)
        } else {
            Mode::Lines { last: Mutex::new(Instant::now()) }
        };
        Self { mode, what, total, started: Instant::now() }
    }

    /// `done` items of the total have ended, `failed` of them with an error; `detail`
    /// says the rest (a line mode shows it).
    pub(crate) fn update(&self, done: u64, failed: u64, detail: &str) {
        match &self.mode {
            Mode::Bar(bar) => {
                bar.set_position(done);
                bar.set_message(format!("failures: {failed}"));
            }
            Mode::Lines { last } => {
                let mut last = last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                if last.elapsed() >= LINE_EVERY {
                    *last = Instant::now();
                    let rate = rate(done, self.started.elapsed());
                    line(&format!(
                        "{}: {done}/{} done, {failed} failed ({detail}), {rate:.0}/s",
                        self.what, self.total
                    ));
                }
            }
            Mode::Quiet => {}
        }
    }

    /// A line about one item (a failure): above the bar, or on its own.
    pub(crate) fn note(&self, text: &str) {
        match &self.mode {
            Mode::Bar(bar) => bar.println(text),
            Mode::Lines { .. } => line(text),
            Mode::Quiet => {}
        }
    }

    /// Removes the bar (the summary follows).
    pub(crate) fn finish(&self) {
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }

    /// Seconds since the job began.
    pub(crate) fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

fn rate(done: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs > 0.0 { done as f64 / secs } else { 0.0 }
}

/// A line on stderr; a closed stderr does not stop the job.
fn line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}
