//! `frs search`.

use frs_request::search::SearchFaces;
use frs_types::models::search::SearchFacesResponse;
use frs_types::{FieldName, Filter, ReturnFields, Sort, SortOrder};
use serde_json::Value;

use super::execute;
use crate::args::{GlobalArgs, SearchArgs};
use crate::exit::CliError;
use crate::inputs;
use crate::output::{Printer, Table, View, cell, fields_cell, json, score};

/// Runs a search.
pub(super) fn run(args: &SearchArgs, global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    let set = args.face_set.parse()?;
    let has_image = args.image.image.is_some() || args.image.url.is_some() || args.image.base64.is_some();
    let mut op = match (&args.face_id, has_image) {
        (Some(id), false) => SearchFaces::by_face_id(set, id.parse()?),
        (None, _) => SearchFaces::by_image(set, inputs::image(&args.image)?),
        (Some(_), true) => return Err(CliError::usage("search with an image or with --face-id, not both")),
    };
    if let Some(n) = args.top_n {
        op = op.top_n(n)?;
    }
    if let Some(threshold) = args.threshold {
        op = op.threshold(threshold)?;
    }
    if let Some(filter) = &args.filter {
        op = op.filter(Filter::parse(filter)?);
    }
    if !args.sort.is_empty() {
        let mut sort = Sort::new();
        for key in &args.sort {
            let (field, order) = sort_key(key)?;
            sort.push(field, order);
        }
        op = op.sort(sort);
    }
    if !args.return_fields.is_empty() {
        let fields =
            args.return_fields.iter().map(|f| FieldName::new(f.as_str())).collect::<Result<_, _>>()?;
        op = op.return_fields(ReturnFields(fields));
    }
    execute(global, printer, &op)
}

/// `FIELD`, `FIELD:asc` or `FIELD:desc`.
fn sort_key(text: &str) -> Result<(FieldName, SortOrder), CliError> {
    let (field, order) = match text.rsplit_once(':') {
        Some((field, "asc")) => (field, SortOrder::Asc),
        Some((field, "desc")) => (field, SortOrder::Desc),
        Some((_, other)) => {
            return Err(CliError::usage(format!("--sort {text:?}: the order {other:?} is not asc or desc")));
        }
        None => (text, SortOrder::Asc),
    };
    Ok((FieldName::new(field)?, order))
}

impl View for SearchFacesResponse {
    fn table(&self) -> Table {
        let mut table = Table::new(&["FACE_ID", "EXTERNAL_IMAGE_ID", "SIMILARITY", "FIELDS"]);
        for face in self.faces.iter().flatten() {
            table.row(vec![
                cell(face.face_id.as_ref()),
                cell(face.external_image_id.as_ref()),
                score(face.similarity),
                fields_cell(face.external_fields.as_ref()),
            ]);
        }
        table
    }

    fn items(&self) -> Vec<Value> {
        self.faces.iter().flatten().map(json).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_keys() {
        assert_eq!(sort_key("age").unwrap().1, SortOrder::Asc);
        assert_eq!(sort_key("age:desc").unwrap(), ("age".parse().unwrap(), SortOrder::Desc));
        assert!(sort_key("age:down").is_err());
    }
}
