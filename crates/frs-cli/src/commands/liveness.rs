//! `frs live detect` and `frs live detect-face`.

use frs_request::liveness::{DetectLive, DetectLiveFace};
use frs_types::models::common::Warning;
use frs_types::models::liveness::{DetectLiveFaceResponse, DetectLiveResponse};

use super::execute;
use crate::args::{GlobalArgs, LiveCommand};
use crate::exit::CliError;
use crate::inputs;
use crate::output::{Printer, Table, View, cell, score};

/// Runs a liveness command.
pub(super) fn run(command: LiveCommand, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    match command {
        LiveCommand::Detect(args) => {
            let video = inputs::video(args.video.as_deref(), args.url.as_deref(), args.base64.as_deref())?;
            let mut op = DetectLive::new(video, &inputs::actions(&args.actions)?)?;
            if let Some(times) = &args.action_time {
                op = op.action_time(&inputs::action_times(times)?)?;
            }
            if let Some(degrees) = args.nod_threshold {
                op = op.nod_threshold(degrees)?;
            }
            if args.intl {
                op = op.intl();
            }
            execute(global, printer, &op)
        }
        LiveCommand::DetectFace(args) => {
            execute(global, printer, &DetectLiveFace::new(inputs::image(&args.image)?))
        }
    }
}

fn warnings(list: Option<&Vec<Warning>>) -> String {
    match list {
        Some(list) if !list.is_empty() => list
            .iter()
            .map(|w| format!("{}: {}", cell(w.code), w.message.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
            .join("; "),
        _ => "-".to_owned(),
    }
}

impl View for DetectLiveResponse {
    fn table(&self) -> Table {
        let mut table = Table::record();
        let result = self.video_result.as_ref();
        table.field("alive", cell(result.and_then(|r| r.alive)));
        let actions: Vec<String> = result
            .and_then(|r| r.actions.as_ref())
            .into_iter()
            .flatten()
            .map(|a| format!("{}:{}", cell(a.action), score(a.confidence)))
            .collect();
        table.field("actions", if actions.is_empty() { "-".to_owned() } else { actions.join(" ") });
        table.field("warnings", warnings(self.warning_list.as_ref()));
        table
    }
}

impl View for DetectLiveFaceResponse {
    fn table(&self) -> Table {
        let mut table = Table::record();
        let result = self.result.as_ref();
        table.field("alive", cell(result.and_then(|r| r.alive)));
        table.field("confidence", score(result.and_then(|r| r.confidence)));
        table.field("warnings", warnings(self.warning_list.as_ref()));
        table
    }
}
