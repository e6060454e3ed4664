//! Results on stdout, and nothing else there: aligned tables for people (the default),
//! `--output json` (one document: the service's answer as the SDK's models serialise it) or
//! `--output jsonl` (one object per line: one per item of a listing). No colour, no pager.

use std::fmt::Display;
use std::io::Write;

use serde::Serialize;
use serde_json::Value;

use crate::args::Format;
use crate::exit::CliError;

/// Rows of cells printed as aligned columns, with an optional header line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Table {
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column titles.
    pub(crate) fn new(header: &[&str]) -> Self {
        Self { header: Some(header.iter().map(|h| (*h).to_owned()).collect()), rows: Vec::new() }
    }

    /// A two-column table of `name  value` lines, without a header: one object's fields.
    pub(crate) fn record() -> Self {
        Self::default()
    }

    /// Adds a row.
    pub(crate) fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Adds a `name  value` line to a record.
    pub(crate) fn field(&mut self, name: &str, value: impl Display) {
        self.rows.push(vec![name.to_owned(), value.to_string()]);
    }

    /// The text: columns padded to their widest cell and two spaces apart, no trailing
    /// spaces, one line per row.
    pub(crate) fn render(&self) -> String {
        let lines: Vec<&Vec<String>> = self.header.iter().chain(&self.rows).collect();
        let columns = lines.iter().map(|l| l.len()).max().unwrap_or(0);
        let mut widths = vec![0; columns];
        for line in &lines {
            for (i, cell) in line.iter().enumerate() {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        for line in lines {
            let mut text = String::new();
            for (i, cell) in line.iter().enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                let pad = widths[i] - cell.chars().count();
                text.extend(std::iter::repeat_n(' ', pad));
            }
            out.push_str(text.trim_end());
            out.push('\n');
        }
        out
    }
}

/// How an answer is shown: its table, and its items for JSON lines.
pub(crate) trait View: Serialize {
    /// The table people read.
    fn table(&self) -> Table;

    /// The objects printed one per line with `--output jsonl`: the items of a listing, or
    /// the whole answer.
    fn items(&self) -> Vec<Value> {
        vec![json(self)]
    }
}

/// A value as JSON (models always serialise; `null` otherwise).
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Writes results to stdout in the chosen format.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Printer {
    format: Format,
}

impl Printer {
    /// A printer for `format`.
    pub(crate) fn new(format: Format) -> Self {
        Self { format }
    }

    /// The format.
    pub(crate) fn format(self) -> Format {
        self.format
    }

    /// Prints an answer.
    ///
    /// # Errors
    /// [`CliError::Output`] when stdout cannot be written.
    pub(crate) fn show<T: View>(self, answer: &T) -> Result<(), CliError> {
        match self.format {
            Format::Table => write_out(&answer.table().render()),
            Format::Json => self.document(answer),
            Format::Jsonl => {
                let mut text = String::new();
                for item in answer.items() {
                    text.push_str(&item.to_string());
                    text.push('\n');
                }
                write_out(&text)
            }
        }
    }

    /// Prints one JSON document (pretty).
    ///
    /// # Errors
    /// [`CliError::Output`] when stdout cannot be written.
    pub(crate) fn document<T: Serialize + ?Sized>(self, value: &T) -> Result<(), CliError> {
        let text = serde_json::to_string_pretty(value).map_err(|e| CliError::Failed(e.to_string()))?;
        write_out(&format!("{text}\n"))
    }

    /// Prints one JSON line (a listing's item, as it arrives).
    ///
    /// # Errors
    /// [`CliError::Output`] when stdout cannot be written.
    pub(crate) fn line<T: Serialize + ?Sized>(self, value: &T) -> Result<(), CliError> {
        write_out(&format!("{}\n", json(value)))
    }
}

/// Writes `text` to stdout and flushes it.
///
/// # Errors
/// [`CliError::Output`].
pub(crate) fn write_out(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// An optional value for a table cell: the value, or `-`.
pub(crate) fn cell<T: Display>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

/// Custom-field values as `name=value` pairs, `-` when there are none.
pub(crate) fn fields_cell(fields: Option<&serde_json::Map<String, Value>>) -> String {
    match fields {
        Some(map) if !map.is_empty() => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect::<Vec<_>>()
            .join(" "),
        _ => "-".to_owned(),
    }
}

/// A bounding box as `x,y widthxheight`.
pub(crate) fn box_cell(b: Option<&frs_types::models::common::BoundingBox>) -> String {
    b.map_or_else(
        || "-".to_owned(),
        |b| format!("{},{} {}x{}", b.top_left_x, b.top_left_y, b.width, b.height),
    )
}

/// A similarity or confidence with four decimals.
pub(crate) fn score(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| format!("{v:.4}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned_without_trailing_spaces() {
        let mut table = Table::new(&["NAME", "FACES"]);
        table.row(vec!["staff".into(), "3".into()]);
        table.row(vec!["visitors-long".into(), "12".into()]);
        assert_eq!(table.render(), "NAME           FACES\nstaff          3\nvisitors-long  12\n");
        let mut record = Table::record();
        record.field("name", "staff");
        record.field("capacity", 100_000);
        assert_eq!(record.render(), "name      staff\ncapacity  100000\n");
        assert_eq!(Table::new(&["A", "B"]).render(), "A  B\n");
        assert_eq!(Table::record().render(), "");
    }

    #[test]
    fn cells() {
        assert_eq!(cell::<u32>(None), "-");
        assert_eq!(score(Some(0.5)), "0.5000");
        let map = serde_json::json!({"age": 30, "name": "bob"});
        assert_eq!(fields_cell(map.as_object()), "age=30 name=bob");
        assert_eq!(fields_cell(None), "-");
    }
}
