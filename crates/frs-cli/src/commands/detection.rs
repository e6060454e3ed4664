//! `frs detect` and `frs compare`.

use frs_request::detection::{CompareFaces, DetectFaces};
use frs_types::models::detection::{CompareFacesResponse, DetectFacesResponse};
use serde_json::Value;

use super::execute;
use crate::args::{CompareArgs, DetectArgs, GlobalArgs};
use crate::exit::CliError;
use crate::inputs;
use crate::output::{Printer, Table, View, box_cell, json, score};

/// Runs a detection.
pub(super) fn detect(args: &DetectArgs, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    let mut op = DetectFaces::new(inputs::image(&args.image)?);
    if let Some(list) = &args.attributes {
        op = op.attributes(&inputs::attributes(list)?);
    }
    execute(global, printer, &op)
}

/// Runs a comparison.
pub(super) fn compare(args: &CompareArgs, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    let (image1, image2) = inputs::image_pair(args)?;
    execute(global, printer, &CompareFaces::new(image1, image2)?)
}

/// Scalars of a JSON object as `key=value`, nested objects with dotted keys
/// (`quality.blur=0.1`).
fn flatten(prefix: &str, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                let key = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
                flatten(&key, value, out);
            }
        }
        Value::String(s) => out.push(format!("{prefix}={s}")),
        Value::Null => {}
        other => out.push(format!("{prefix}={other}")),
    }
}

impl View for DetectFacesResponse {
    fn table(&self) -> Table {
        let mut table = Table::new(&["FACE", "BOX", "ATTRIBUTES"]);
        for (i, face) in self.faces.iter().flatten().enumerate() {
            let mut attributes = Vec::new();
            if let Some(a) = &face.attributes {
                flatten("", &json(a), &mut attributes);
            }
            let attributes = if attributes.is_empty() { "-".to_owned() } else { attributes.join(" ") };
            table.row(vec![(i + 1).to_string(), box_cell(face.bounding_box.as_ref()), attributes]);
        }
        table
    }

    fn items(&self) -> Vec<Value> {
        self.faces.iter().flatten().map(json).collect()
    }
}

impl View for CompareFacesResponse {
    fn table(&self) -> Table {
        let mut table = Table::record();
        table.field("similarity", score(self.similarity));
        table.field("image1 face", box_cell(self.image1_face.as_ref().and_then(|f| f.bounding_box.as_ref())));
        table.field("image2 face", box_cell(self.image2_face.as_ref().and_then(|f| f.bounding_box.as_ref())));
        table
    }
}
