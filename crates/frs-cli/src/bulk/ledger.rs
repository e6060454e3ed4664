//! The ledger: an SQLite file recording, per image and face set, its content hash, its
//! external image id, what became of it and its face ids — committed per item, so that a
//! run killed at any instant leaves a ledger the next run can trust (docs/bulk.md).

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension as _, params};

use crate::exit::CliError;

/// The schema, created on first use. `state` is one of:
/// - `attempting`: the add was (or was about to be) sent and no answer was recorded — a
///   run that stops here resolves it on resume by a search for its external image id
///   before sending again;
/// - `enrolled`: the service answered with `face_ids`;
/// - `failed`: the service refused it (`error`); retried by the next run;
/// - `deleted`: `frs face delete-many --ledger` deleted its faces.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ledger_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS images (
    project_id        TEXT NOT NULL,
    face_set          TEXT NOT NULL,
    content_sha256    TEXT NOT NULL,
    path              TEXT NOT NULL,
    external_image_id TEXT NOT NULL,
    state             TEXT NOT NULL CHECK (state IN ('attempting', 'enrolled', 'failed', 'deleted')),
    face_ids          TEXT NOT NULL DEFAULT '[]',
    error             TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    run_id            TEXT,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (project_id, face_set, content_sha256)
);
CREATE INDEX IF NOT EXISTS images_by_external_id ON images (project_id, face_set, external_image_id);
INSERT OR IGNORE INTO ledger_meta (key, value) VALUES ('schema_version', '1');
";

/// What the ledger knows of one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Known {
    /// Nothing: a new image.
    New,
    /// Sent without a recorded answer by an earlier run (under this external image id).
    Attempting { external_image_id: String },
    /// Set `attempting` by this run already: another file with the same content.
    ThisRun,
    /// Enrolled, with these face ids.
    Enrolled,
    /// Refused last time.
    Failed,
    /// Deleted by `delete-many --ledger`: enrolled again if imported again.
    Deleted,
}

/// One enrolled image, for `delete-many --ledger` and `reconcile`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Enrolled {
    pub(crate) content_sha256: String,
    pub(crate) path: String,
    pub(crate) external_image_id: String,
    pub(crate) face_ids: Vec<String>,
}

/// An open ledger, scoped to one project and face set.
pub(crate) struct Ledger {
    db: Connection,
    project_id: String,
    face_set: String,
    path: PathBuf,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger").field("path", &self.path).field("face_set", &self.face_set).finish()
    }
}

/// The default ledger: `$XDG_STATE_HOME/frs/ledger.sqlite`, else
/// `~/.local/state/frs/ledger.sqlite`.
pub(crate) fn default_path() -> Result<PathBuf, CliError> {
    let state = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| Path::new(&h).join(".local/state"))
        })
        .ok_or_else(|| CliError::usage("no --ledger given, and neither XDG_STATE_HOME nor HOME is set"))?;
    Ok(state.join("frs").join("ledger.sqlite"))
}

fn failed(path: &Path, e: &rusqlite::Error) -> CliError {
    CliError::Failed(format!("ledger {}: {e}", path.display()))
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Ledger {
    /// Opens (creating if needed) the ledger at `path` for `face_set` of `project_id`.
    pub(crate) fn open(path: &Path, project_id: &str, face_set: &str) -> Result<Self, CliError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                CliError::Failed(format!("ledger {}: cannot create its folder: {e}", path.display()))
            })?;
        }
        let db = Connection::open(path).map_err(|e| failed(path, &e))?;
        // WAL with NORMAL sync: a committed item survives the process being killed (the
        // case the ledger exists for); a power loss may lose the last few, which the
        // resume check by external image id then resolves.
        db.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| failed(path, &e))?;
        db.pragma_update(None, "journal_mode", "WAL").map_err(|e| failed(path, &e))?;
        db.pragma_update(None, "synchronous", "NORMAL").map_err(|e| failed(path, &e))?;
        db.execute_batch(SCHEMA).map_err(|e| failed(path, &e))?;
        Ok(Self {
            db,
            project_id: project_id.to_owned(),
            face_set: face_set.to_owned(),
            path: path.to_owned(),
        })
    }

    /// What the ledger knows of the image with this content hash, for the run `run_id`.
    pub(crate) fn known(&self, sha256: &str, run_id: &str) -> Result<Known, CliError> {
        let row: Option<(String, String, Option<String>)> = self
            .db
            .query_row(
                "SELECT state, external_image_id, run_id FROM images
                 WHERE project_id = ?1 AND face_set = ?2 AND content_sha256 = ?3",
                params![self.project_id, self.face_set, sha256],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| failed(&self.path, &e))?;
        Ok(match row {
            None => Known::New,
            Some((state, external_image_id, row_run)) => match state.as_str() {
                _ if !run_id.is_empty() && row_run.as_deref() == Some(run_id) => Known::ThisRun,
                "attempting" => Known::Attempting { external_image_id },
                "enrolled" => Known::Enrolled,
                "deleted" => Known::Deleted,
                _ => Known::Failed,
            },
        })
    }

    /// The content hash of another image already recorded under `external_image_id`, if
    /// any (not deleted): two images may not share one id, or the resume check could not
    /// tell them apart.
    pub(crate) fn other_image_with_id(
        &self,
        external_image_id: &str,
        sha256: &str,
    ) -> Result<Option<String>, CliError> {
        self.db
            .query_row(
                "SELECT path FROM images
                 WHERE project_id = ?1 AND face_set = ?2 AND external_image_id = ?3
                   AND content_sha256 <> ?4 AND state <> 'deleted' LIMIT 1",
                params![self.project_id, self.face_set, external_image_id, sha256],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| failed(&self.path, &e))
    }

    /// Records that the add of this image is about to be sent (committed before it is).
    pub(crate) fn attempting(
        &self,
        sha256: &str,
        path: &str,
        external_image_id: &str,
        run_id: &str,
    ) -> Result<(), CliError> {
        self.db
            .execute(
                "INSERT INTO images (project_id, face_set, content_sha256, path, external_image_id, state, attempts, run_id, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'attempting', 1, ?6, ?7)
                 ON CONFLICT (project_id, face_set, content_sha256) DO UPDATE SET
                   path = excluded.path, external_image_id = excluded.external_image_id,
                   state = 'attempting', error = NULL, attempts = attempts + 1,
                   run_id = excluded.run_id, updated_at = excluded.updated_at",
                params![self.project_id, self.face_set, sha256, path, external_image_id, run_id, now()],
            )
            .map(drop)
            .map_err(|e| failed(&self.path, &e))
    }

    /// Records the image enrolled with `face_ids`.
    pub(crate) fn enrolled(&self, sha256: &str, face_ids: &[String]) -> Result<(), CliError> {
        let ids = serde_json::to_string(face_ids).unwrap_or_else(|_| "[]".to_owned());
        self.set_state(sha256, "enrolled", Some(&ids), None)
    }

    /// Records the image refused with `error`.
    pub(crate) fn failed(&self, sha256: &str, error: &str) -> Result<(), CliError> {
        self.set_state(sha256, "failed", None, Some(error))
    }

    /// Records that the add's outcome is still unknown (left `attempting`, with why).
    pub(crate) fn unknown(&self, sha256: &str, error: &str) -> Result<(), CliError> {
        self.set_state(sha256, "attempting", None, Some(error))
    }

    /// Records the image's faces deleted.
    pub(crate) fn deleted(&self, sha256: &str) -> Result<(), CliError> {
        self.set_state(sha256, "deleted", None, None)
    }

    fn set_state(
        &self,
        sha256: &str,
        state: &str,
        face_ids: Option<&str>,
        error: Option<&str>,
    ) -> Result<(), CliError> {
        self.db
            .execute(
                "UPDATE images SET state = ?4, face_ids = COALESCE(?5, face_ids), error = ?6, updated_at = ?7
                 WHERE project_id = ?1 AND face_set = ?2 AND content_sha256 = ?3",
                params![self.project_id, self.face_set, sha256, state, face_ids, error, now()],
            )
            .map(drop)
            .map_err(|e| failed(&self.path, &e))
    }

    /// Every image enrolled (or possibly enrolled: `attempting`) in the face set, in the
    /// order of their paths. `attempting` rows come with no face ids.
    pub(crate) fn enrolled_images(&self, include_attempting: bool) -> Result<Vec<Enrolled>, CliError> {
        let mut statement = self
            .db
            .prepare(
                "SELECT content_sha256, path, external_image_id, face_ids FROM images
                 WHERE project_id = ?1 AND face_set = ?2
                   AND (state = 'enrolled' OR (?3 AND state = 'attempting'))
                 ORDER BY path",
            )
            .map_err(|e| failed(&self.path, &e))?;
        let rows = statement
            .query_map(params![self.project_id, self.face_set, include_attempting], |r| {
                let ids: String = r.get(3)?;
                Ok(Enrolled {
                    content_sha256: r.get(0)?,
                    path: r.get(1)?,
                    external_image_id: r.get(2)?,
                    face_ids: serde_json::from_str(&ids).unwrap_or_default(),
                })
            })
            .map_err(|e| failed(&self.path, &e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| failed(&self.path, &e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_goes_through_its_states_and_survives_reopening() {
        let dir = std::env::temp_dir().join(format!("frs-ledger-test-{}", std::process::id()));
        let path = dir.join("l.sqlite");
        let _ = std::fs::remove_dir_all(&dir);
        let ledger = Ledger::open(&path, "p", "staff").unwrap();
        assert_eq!(ledger.known("h1", "run-2").unwrap(), Known::New);
        ledger.attempting("h1", "a/alice.png", "alice", "run-1").unwrap();
        assert_eq!(ledger.known("h1", "run-1").unwrap(), Known::ThisRun);
        assert_eq!(
            ledger.known("h1", "run-2").unwrap(),
            Known::Attempting { external_image_id: "alice".into() }
        );
        assert_eq!(ledger.other_image_with_id("alice", "h2").unwrap().as_deref(), Some("a/alice.png"));
        assert_eq!(ledger.other_image_with_id("alice", "h1").unwrap(), None);
        drop(ledger);
        let ledger = Ledger::open(&path, "p", "staff").unwrap();
        ledger.enrolled("h1", &["f1".to_owned()]).unwrap();
        assert_eq!(ledger.known("h1", "run-2").unwrap(), Known::Enrolled);
        let enrolled = ledger.enrolled_images(false).unwrap();
        assert_eq!(enrolled[0].face_ids, ["f1"]);
        // Another face set in the same file is another scope.
        let other = Ledger::open(&path, "p", "visitors").unwrap();
        assert_eq!(other.known("h1", "run-2").unwrap(), Known::New);
        ledger.deleted("h1").unwrap();
        assert_eq!(ledger.known("h1", "run-2").unwrap(), Known::Deleted);
        assert!(ledger.enrolled_images(true).unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
