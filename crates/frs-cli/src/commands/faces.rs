//! `frs face add|list|show|update|delete|batch-delete` (the bulk jobs are in `crate::bulk`).

use frs_request::faces::{AddFaces, BatchDeleteFaces, DeleteFaces, ShowFaces, UpdateFace};
use frs_types::models::faces::{DeleteFacesResponse, FacesResponse};
use frs_types::{FaceSetName, Filter};
use serde_json::Value;

use super::execute;
use crate::args::{FaceCommand, ListFacesArgs};
use crate::args::{Format, GlobalArgs};
use crate::client::Runner;
use crate::exit::CliError;
use crate::inputs;
use crate::output::{Printer, Table, View, box_cell, cell, fields_cell, json};

/// The service's page size when `--offset` is given without `--limit`.
const DEFAULT_LIMIT: u32 = 5;

/// Runs a face command.
pub(super) fn run(command: FaceCommand, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    match command {
        FaceCommand::Add(args) => {
            let mut op = AddFaces::new(args.face_set.parse()?, inputs::image(&args.image)?);
            if let Some(id) = &args.external_image_id {
                op = op.external_image_id(id.parse()?);
            }
            if let Some(fields) = inputs::external_fields(&args.fields)? {
                op = op.external_fields(fields);
            }
            if args.single {
                op = op.single(true);
            }
            execute(global, printer, &op)
        }
        FaceCommand::List(args) => list(&args, global, printer),
        FaceCommand::Show(args) => {
            execute(global, printer, &ShowFaces::by_face_id(args.face_set.parse()?, args.face_id.parse()?))
        }
        FaceCommand::Update(args) => {
            let mut op = UpdateFace::new(args.face_set.parse()?, args.face_id.parse()?);
            if let Some(id) = &args.external_image_id {
                op = op.external_image_id(id.parse()?);
            }
            if let Some(fields) = inputs::external_fields(&args.fields)? {
                op = op.external_fields(fields);
            }
            execute(global, printer, &op)
        }
        FaceCommand::Delete(args) => {
            let set: FaceSetName = args.face_set.parse()?;
            // clap has checked that exactly one selector is given.
            let op = match (&args.external_image_id, &args.face_id, &args.field) {
                (Some(id), _, _) => DeleteFaces::by_external_image_id(set, id.parse()?),
                (_, Some(id), _) => DeleteFaces::by_face_id(set, id.parse()?),
                (_, _, Some(field)) => {
                    let (name, value) = inputs::field_match(field)?;
                    DeleteFaces::by_field(set, name, value)
                }
                _ => return Err(CliError::usage("give --external-image-id, --face-id or --field")),
            };
            execute(global, printer, &op)
        }
        FaceCommand::Import(args) => crate::bulk::import(&args, global, printer),
        FaceCommand::DeleteMany(args) => crate::bulk::delete_many(&args, global, printer),
        FaceCommand::Export(args) => crate::bulk::export(&args, global, printer),
        FaceCommand::Reconcile(args) => crate::bulk::reconcile(&args, global, printer),
        FaceCommand::BatchDelete(args) => execute(
            global,
            printer,
            &BatchDeleteFaces::new(args.face_set.parse()?, Filter::parse(&args.filter)?),
        ),
    }
}

/// One page with `--limit`/`--offset`; otherwise every page, `--page-size` faces a request,
/// printed as they arrive with `--output jsonl`.
fn list(args: &ListFacesArgs, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    let set: FaceSetName = args.face_set.parse()?;
    if args.limit.is_some() || args.offset.is_some() {
        let op = ShowFaces::page(set, args.offset.unwrap_or(0), args.limit.unwrap_or(DEFAULT_LIMIT))?;
        return execute(global, printer, &op);
    }
    let first_page = ShowFaces::page(set.clone(), 0, args.page_size)?;
    let runner = Runner::new(global)?;
    if runner.dry_run() {
        eprintln!(
            "dry run: the first page; the next pages are the same request with offset +{}",
            args.page_size
        );
        return runner.print_request(&first_page);
    }
    let faces = runner.client().faces(set, args.page_size)?;
    if printer.format() == Format::Jsonl {
        for face in faces {
            printer.line(&face?)?;
        }
        return Ok(());
    }
    let faces = faces.collect::<Result<Vec<_>, _>>()?;
    printer.show(&FacesResponse { faces: Some(faces), ..FacesResponse::default() })
}

impl View for FacesResponse {
    fn table(&self) -> Table {
        let mut table = Table::new(&["FACE_ID", "EXTERNAL_IMAGE_ID", "BOX", "FIELDS"]);
        for face in self.faces.iter().flatten() {
            table.row(vec![
                cell(face.face_id.as_ref()),
                cell(face.external_image_id.as_ref()),
                box_cell(face.bounding_box.as_ref()),
                fields_cell(face.external_fields.as_ref()),
            ]);
        }
        table
    }

    fn items(&self) -> Vec<Value> {
        self.faces.iter().flatten().map(json).collect()
    }
}

/// The answer of a delete, a batch delete and an update.
impl View for DeleteFacesResponse {
    fn table(&self) -> Table {
        let mut table = Table::record();
        table.field("faces affected", cell(self.face_number));
        table.field("face set", cell(self.face_set_name.as_ref()));
        table.field("face set id", cell(self.face_set_id.as_ref()));
        table
    }
}
