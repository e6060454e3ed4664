//! What an import reads: the images of a folder, walked recursively in a stable order
//! without listing the whole tree at once, or the lines of a CSV manifest, read one at a
//! time.

use std::fs;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};

use crate::exit::CliError;

/// One image to enrol, before it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Source {
    /// The file.
    pub(crate) path: PathBuf,
    /// How it is shown and recorded: relative to the folder or the manifest.
    pub(crate) name: String,
    /// The manifest's external image id; a folder's images use their file names.
    pub(crate) external_image_id: Option<String>,
    /// The manifest's `field=value` columns.
    pub(crate) fields: Vec<String>,
}

impl Source {
    /// The external image id: the manifest's, else the file name without its extension.
    pub(crate) fn external_image_id(&self) -> String {
        match &self.external_image_id {
            Some(id) => id.clone(),
            None => self.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
        }
    }
}

/// Whether `path` names an image the service takes, by its extension.
fn is_image(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["jpg", "jpeg", "png", "bmp"].iter().any(|known| e.eq_ignore_ascii_case(known)))
}

/// The images of `source`: a folder (recursively) or a CSV manifest. An item is an error
/// when a folder or the manifest cannot be read (the import stops there).
pub(crate) fn sources(
    source: &Path,
) -> Result<Box<dyn Iterator<Item = Result<Source, CliError>> + Send>, CliError> {
    let meta = fs::metadata(source)
        .map_err(|e| CliError::usage(format!("{}: cannot read it: {e}", source.display())))?;
    if meta.is_dir() {
        return Ok(Box::new(Walk { root: source.to_owned(), stack: vec![Pending::Dir(source.to_owned())] }));
    }
    let file = fs::File::open(source)
        .map_err(|e| CliError::usage(format!("{}: cannot read it: {e}", source.display())))?;
    let base = source.parent().map(Path::to_owned).unwrap_or_default();
    Ok(Box::new(Manifest {
        lines: BufReader::new(file).lines().enumerate(),
        base,
        name: source.display().to_string(),
    }))
}

enum Pending {
    /// A folder not yet listed.
    Dir(PathBuf),
    /// An image.
    File(PathBuf),
}

/// A depth-first walk, each folder's entries in name order: only the folders on the way
/// down and their entries are held, never the whole tree.
struct Walk {
    root: PathBuf,
    stack: Vec<Pending>,
}

impl Iterator for Walk {
    type Item = Result<Source, CliError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.stack.pop()? {
                Pending::File(path) => {
                    let name = path.strip_prefix(&self.root).unwrap_or(&path).to_string_lossy().into_owned();
                    return Some(Ok(Source { path, name, external_image_id: None, fields: Vec::new() }));
                }
                Pending::Dir(dir) => {
                    let entries = match fs::read_dir(&dir) {
                        Ok(entries) => entries,
                        Err(e) => {
                            return Some(Err(CliError::Failed(format!(
                                "{}: cannot list it: {e}",
                                dir.display()
                            ))));
                        }
                    };
                    let mut children: Vec<(bool, PathBuf)> = Vec::new();
                    for entry in entries {
                        let entry = match entry {
                            Ok(entry) => entry,
                            Err(e) => return Some(Err(CliError::Failed(format!("{}: {e}", dir.display())))),
                        };
                        let path = entry.path();
                        // Symbolic links are followed for files, not for folders (no cycles).
                        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
                        if is_dir || is_image(&path) {
                            children.push((is_dir, path));
                        }
                    }
                    children.sort_by(|a, b| a.1.file_name().cmp(&b.1.file_name()));
                    // Reversed onto the stack, so the first name comes out first.
                    for (is_dir, path) in children.into_iter().rev() {
                        self.stack.push(if is_dir { Pending::Dir(path) } else { Pending::File(path) });
                    }
                }
            }
        }
    }
}

/// A CSV manifest: `path,external_image_id,field=value,...` a line; the id may be empty
/// (the file name is used); a first line starting `path,` is a header; `#` starts a
/// comment line. Values cannot hold commas (no quoting).
struct Manifest<L> {
    lines: std::iter::Enumerate<L>,
    base: PathBuf,
    name: String,
}

impl<L: Iterator<Item = std::io::Result<String>>> Iterator for Manifest<L> {
    type Item = Result<Source, CliError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (n, line) = self.lines.next()?;
            let line = match line {
                Ok(line) => line,
                Err(e) => return Some(Err(CliError::Failed(format!("{} line {}: {e}", self.name, n + 1)))),
            };
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') || (n == 0 && line.starts_with("path,")) {
                continue;
            }
            let mut columns = line.split(',').map(str::trim);
            let path = columns.next().unwrap_or_default();
            if path.is_empty() {
                return Some(Err(CliError::usage(format!("{} line {}: no path", self.name, n + 1))));
            }
            let external_image_id = columns.next().filter(|id| !id.is_empty()).map(str::to_owned);
            let fields: Vec<String> = columns.filter(|c| !c.is_empty()).map(str::to_owned).collect();
            if let Some(bad) = fields.iter().find(|f| !f.contains('=')) {
                return Some(Err(CliError::usage(format!(
                    "{} line {}: {bad:?} is not field=value",
                    self.name,
                    n + 1
                ))));
            }
            return Some(Ok(Source {
                path: self.base.join(path),
                name: path.to_owned(),
                external_image_id,
                fields,
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("frs-input-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_folder_is_walked_depth_first_in_name_order_with_images_only() {
        let dir = temp("walk");
        for file in ["b.png", "a.JPG", "notes.txt", "z/c.bmp", "z/y/d.jpeg", "m/e.png"] {
            let path = dir.join(file);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, b"x").unwrap();
        }
        let names: Vec<String> = sources(&dir).unwrap().map(|s| s.unwrap().name).collect();
        assert_eq!(names, ["a.JPG", "b.png", "m/e.png", "z/c.bmp", "z/y/d.jpeg"]);
        let first = sources(&dir).unwrap().next().unwrap().unwrap();
        assert_eq!(first.external_image_id(), "a");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_manifest_gives_paths_ids_and_fields() {
        let dir = temp("csv");
        let csv = dir.join("m.csv");
        fs::write(&csv, "path,external_image_id,fields\n# staff\nimg/alice.png,alice-1,age=30,badge=A\nbob.png,\n\nbad.png,x,nofield\n").unwrap();
        let items: Vec<Result<Source, CliError>> = sources(&csv).unwrap().collect();
        let alice = items[0].as_ref().unwrap();
        assert_eq!((alice.name.as_str(), alice.external_image_id()), ("img/alice.png", "alice-1".to_owned()));
        assert_eq!(alice.path, dir.join("img/alice.png"));
        assert_eq!(alice.fields, ["age=30", "badge=A"]);
        assert_eq!(items[1].as_ref().unwrap().external_image_id(), "bob");
        let err = items[2].as_ref().unwrap_err().to_string();
        assert!(err.contains("line 6") && err.contains("nofield"), "{err}");
        let _ = fs::remove_dir_all(&dir);
    }
}
