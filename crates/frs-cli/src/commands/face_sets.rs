//! `frs face-set create|list|show|delete`.

use frs_request::face_sets::{CreateFaceSet, DeleteFaceSet, ShowAllFaceSets, ShowFaceSet};
use frs_types::FaceSetName;
use frs_types::models::face_sets::{DeleteFaceSetResponse, FaceSetInfo, FaceSetResponse, FaceSetsResponse};
use serde_json::Value;

use super::execute;
use crate::args::{FaceSetCommand, GlobalArgs};
use crate::exit::CliError;
use crate::inputs;
use crate::output::{Printer, Table, View, cell, json};

/// Runs a face-set command.
pub(super) fn run(command: FaceSetCommand, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    match command {
        FaceSetCommand::Create(args) => {
            let mut op = CreateFaceSet::new(args.face_set.parse()?);
            if let Some(capacity) = args.capacity {
                op = op.capacity(capacity)?;
            }
            for field in &args.fields {
                let (name, field_type) = inputs::field_schema(field)?;
                op = op.field(name, field_type)?;
            }
            execute(global, printer, &op)
        }
        FaceSetCommand::List => execute(global, printer, &ShowAllFaceSets),
        FaceSetCommand::Show(args) => execute(global, printer, &ShowFaceSet::new(name(&args.face_set)?)),
        FaceSetCommand::Delete(args) => execute(global, printer, &DeleteFaceSet::new(name(&args.face_set)?)),
    }
}

fn name(text: &str) -> Result<FaceSetName, CliError> {
    Ok(FaceSetName::new(text)?)
}

/// The declared custom fields as `name:type`, `-` when there are none.
fn schema_cell(info: &FaceSetInfo) -> String {
    match &info.external_fields {
        Some(fields) if !fields.is_empty() => fields
            .iter()
            .map(|(name, spec)| match spec.get("type").and_then(Value::as_str) {
                Some(kind) => format!("{name}:{kind}"),
                None => name.clone(),
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => "-".to_owned(),
    }
}

fn info_record(info: Option<&FaceSetInfo>) -> Table {
    let mut table = Table::record();
    if let Some(info) = info {
        table.field("name", cell(info.face_set_name.as_ref()));
        table.field("id", cell(info.face_set_id.as_ref()));
        table.field("faces", cell(info.face_number));
        table.field("capacity", cell(info.face_set_capacity));
        table.field("created", cell(info.create_date.as_ref()));
        table.field("fields", schema_cell(info));
    }
    table
}

impl View for FaceSetsResponse {
    fn table(&self) -> Table {
        let mut table = Table::new(&["NAME", "ID", "FACES", "CAPACITY", "CREATED", "FIELDS"]);
        for info in self.face_sets_info.iter().flatten() {
            table.row(vec![
                cell(info.face_set_name.as_ref()),
                cell(info.face_set_id.as_ref()),
                cell(info.face_number),
                cell(info.face_set_capacity),
                cell(info.create_date.as_ref()),
                schema_cell(info),
            ]);
        }
        table
    }

    fn items(&self) -> Vec<Value> {
        self.face_sets_info.iter().flatten().map(json).collect()
    }
}

impl View for FaceSetResponse {
    fn table(&self) -> Table {
        info_record(self.face_set_info.as_ref())
    }
}

impl View for DeleteFaceSetResponse {
    fn table(&self) -> Table {
        let mut table = Table::record();
        table.field("deleted face set", cell(self.face_set_name.as_ref()));
        table
    }
}
