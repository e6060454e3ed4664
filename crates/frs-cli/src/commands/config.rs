//! `frs config show`: each setting, its value (secrets masked) and where it came from.

use serde::Serialize;
use serde_json::Value;

use crate::args::GlobalArgs;
use crate::exit::CliError;
use crate::output::{Printer, Table, View, json};
use crate::settings::{self, SettingSource};

/// The resolved settings, as shown.
#[derive(Serialize)]
#[serde(transparent)]
struct Sources(Vec<SettingSource>);

impl View for Sources {
    fn table(&self) -> Table {
        let mut table = Table::new(&["SETTING", "VALUE", "SOURCE"]);
        for s in &self.0 {
            table.row(vec![s.setting.to_owned(), s.value.clone(), s.source.clone()]);
        }
        table
    }

    fn items(&self) -> Vec<Value> {
        self.0.iter().map(json).collect()
    }
}

/// Prints the configuration `frs` would use.
pub(super) fn show(global: &GlobalArgs, printer: Printer) -> Result<(), CliError> {
    let resolved = settings::from_process(global)?;
    printer.show(&Sources(resolved.sources))
}
