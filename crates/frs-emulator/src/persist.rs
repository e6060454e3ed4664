//! Optional durable state: an SQLite database in the state directory (`state.sqlite`, in
//! WAL mode), written one transaction per acknowledged change.
//!
//! - A change is applied in memory only after its transaction has committed, and answered
//!   only after that, so `kill -9` at any moment loses no acknowledged change (the
//!   committed transaction is in the WAL file, which the next start replays).
//! - `synchronous=NORMAL` (see [`SYNCHRONOUS`]): a commit is written to the WAL without
//!   waiting for the disk; it survives the process being killed, and a power cut loses at
//!   most the last transactions before it, never the database's consistency.
//! - A write costs O(1) in the size of the state: one row per face or face set.
//! - At start the database is read in one pass and the in-memory indexes are rebuilt.
//! - A `state.json` written by an earlier version (the whole state as one JSON file) is
//!   migrated on the first start: imported in one transaction, then renamed
//!   `state.json.migrated`. A `state.json` that does not parse stops the start, so a
//!   damaged state is never silently replaced by an empty one; a `state.json.tmp` (an
//!   earlier version's unfinished save, never acknowledged) is deleted.
//! - The database is opened in exclusive locking mode: one directory serves one emulator
//!   at a time, and a second one refuses to start.
//! - When the database file is removed or replaced while the emulator runs, changes are
//!   refused (`FRS.0018`) rather than acknowledged into a file nobody will read again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use frs_types::models::common::BoundingBox;
use frs_types::models::face_sets::FieldType;
use rusqlite::{Connection, OptionalExtension as _, Transaction, params};
use serde_json::{Map, Value};

use crate::state::dump::StateDump;
use crate::state::{Face, FaceSet, NewFace, NewSet, Store};

/// The database file in the state directory.
pub(crate) const DB_FILE: &str = "state.sqlite";
/// The state file of earlier versions, migrated on first start.
pub(crate) const LEGACY_FILE: &str = "state.json";
/// An earlier version's unfinished save, deleted at start.
pub(crate) const LEGACY_TEMP: &str = "state.json.tmp";
/// What a migrated `state.json` is renamed to.
pub(crate) const MIGRATED_FILE: &str = "state.json.migrated";
/// SQLite's `synchronous` setting: see the module documentation and `docs/emulator.md`.
pub(crate) const SYNCHRONOUS: &str = "NORMAL";

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS face_sets (
    name TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    create_date TEXT NOT NULL,
    fields TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS faces (
    seq INTEGER PRIMARY KEY,
    set_name TEXT NOT NULL,
    face_id TEXT NOT NULL,
    external_image_id TEXT NOT NULL,
    fields TEXT NOT NULL,
    box_x INTEGER NOT NULL,
    box_y INTEGER NOT NULL,
    box_width INTEGER NOT NULL,
    box_height INTEGER NOT NULL,
    person TEXT NOT NULL,
    variant INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS faces_by_set ON faces (set_name);
";

/// Why the database could not be read or written.
#[derive(Debug)]
pub(crate) struct DbError(String);

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        Self(format!("the state database: {e}"))
    }
}

/// The open database.
pub(crate) struct Db {
    conn: Connection,
    path: PathBuf,
    /// The file opened, to notice it being removed or replaced.
    identity: Option<FileIdentity>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("path", &self.path).finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    device: u64,
    inode: u64,
}

#[cfg(unix)]
fn identity(path: &Path) -> Option<FileIdentity> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(path).ok().map(|m| FileIdentity { device: m.dev(), inode: m.ino() })
}

#[cfg(not(unix))]
fn identity(path: &Path) -> Option<FileIdentity> {
    std::fs::metadata(path).ok().map(|_| FileIdentity { device: 0, inode: 0 })
}

fn io_error(context: impl std::fmt::Display, e: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("{context}: {e}"))
}

/// i64 for SQLite, bit for bit (variants use all 64 bits).
fn to_sql_u64(v: u64) -> i64 {
    i64::from_ne_bytes(v.to_ne_bytes())
}

fn from_sql_u64(v: i64) -> u64 {
    u64::from_ne_bytes(v.to_ne_bytes())
}

impl Db {
    /// Opens (or creates) the database in `dir`, migrates a `state.json` of an earlier
    /// version, and reads the whole state.
    ///
    /// # Errors
    /// When the directory or the database cannot be opened (also when another emulator
    /// holds it), or a `state.json` to migrate is corrupt (the message names the file and
    /// says how to start afresh).
    pub(crate) fn open(dir: &Path) -> std::io::Result<Store> {
        std::fs::create_dir_all(dir).map_err(|e| io_error(format!("cannot create {}", dir.display()), e))?;
        let temp = dir.join(LEGACY_TEMP);
        match std::fs::remove_file(&temp) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(io_error(format!("cannot remove the unfinished save {}", temp.display()), e));
            }
        }
        let legacy = read_legacy(dir)?;
        let path = dir.join(DB_FILE);
        let cannot =
            |e: rusqlite::Error| io_error(format!("cannot open the state database {}", path.display()), e);
        let conn = Connection::open(&path).map_err(cannot)?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE").map_err(cannot)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(cannot)?;
        conn.pragma_update(None, "synchronous", SYNCHRONOUS).map_err(cannot)?;
        conn.execute_batch(SCHEMA).map_err(cannot)?;
        let mut db = Self { conn, identity: identity(&path), path };
        let (sets, counter, next_seq) = db.read().map_err(|e| io_error("cannot read the state", e))?;
        let mut store = Store::new(sets, counter, next_seq, Some(db));
        if let Some(dump) = legacy {
            if !store.sets.is_empty() {
                return Err(io_error(
                    format!("{} and {} both hold a state", dir.join(LEGACY_FILE).display(), DB_FILE),
                    "move state.json away to keep the database",
                ));
            }
            store.replace_with(dump).map_err(|e| io_error("cannot migrate state.json", e))?;
            std::fs::rename(dir.join(LEGACY_FILE), dir.join(MIGRATED_FILE))
                .map_err(|e| io_error("cannot rename the migrated state.json", e))?;
        }
        Ok(store)
    }

    /// Every face set and face, the id counter and the next sequence number.
    fn read(&mut self) -> Result<(BTreeMap<String, FaceSet>, u64, u64), DbError> {
        let counter: Option<i64> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'counter'", [], |r| r.get(0))
            .optional()?;
        let mut sets = BTreeMap::new();
        let mut stmt = self.conn.prepare("SELECT name, id, capacity, create_date, fields FROM face_sets")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (name, id, capacity, create_date, fields) = row?;
            let fields: BTreeMap<String, FieldType> = serde_json::from_str(&fields)
                .map_err(|e| DbError(format!("face set {name}: bad field schema: {e}")))?;
            let set = FaceSet::new(id, name.clone(), from_sql_u64(capacity), create_date, fields);
            sets.insert(name, NewSet { set, faces: Vec::new() });
        }
        drop(stmt);
        let mut stmt = self.conn.prepare(
            "SELECT seq, set_name, face_id, external_image_id, fields, box_x, box_y, box_width, box_height, \
             person, variant FROM faces ORDER BY seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut next_seq = 1;
        while let Some(r) = rows.next()? {
            let seq = from_sql_u64(r.get(0)?);
            next_seq = seq + 1;
            let set_name: String = r.get(1)?;
            let Some(set) = sets.get_mut(&set_name) else { continue };
            let fields: String = r.get(4)?;
            let fields: Map<String, Value> = serde_json::from_str(&fields)
                .map_err(|e| DbError(format!("face {seq}: bad custom fields: {e}")))?;
            set.faces.push(NewFace {
                seq,
                face: Face {
                    face_id: r.get::<_, String>(2)?.into(),
                    external_image_id: r.get::<_, String>(3)?.into(),
                    bounding_box: BoundingBox {
                        top_left_x: r.get(5)?,
                        top_left_y: r.get(6)?,
                        width: r.get(7)?,
                        height: r.get(8)?,
                    },
                    person: r.get::<_, String>(9)?.into(),
                    variant: from_sql_u64(r.get(10)?),
                },
                fields,
            });
        }
        drop(rows);
        drop(stmt);
        let mut store = Store::default();
        store.install(sets.into_values().collect());
        Ok((std::mem::take(&mut store.sets), counter.map_or(0, from_sql_u64), next_seq))
    }

    /// Runs `write` in one transaction and commits it with the id counter.
    pub(crate) fn write(
        &mut self,
        counter: u64,
        write: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<()>,
    ) -> Result<(), DbError> {
        if identity(&self.path) != self.identity {
            return Err(DbError(format!(
                "the state database {} was removed or replaced; restart the emulator",
                self.path.display()
            )));
        }
        let tx = self.conn.transaction()?;
        write(&tx)?;
        tx.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES ('counter', ?1)")?
            .execute([to_sql_u64(counter)])?;
        tx.commit()?;
        Ok(())
    }
}

/// The state in an earlier version's `state.json`, if there is one.
fn read_legacy(dir: &Path) -> std::io::Result<Option<StateDump>> {
    let path = dir.join(LEGACY_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_error(format!("cannot read the state {}", path.display()), e)),
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "the state file {} is corrupt ({e}); move it away or delete it to start with an empty state",
                path.display()
            ),
        )
    })
}

pub(crate) fn insert_set(tx: &Transaction<'_>, set: &FaceSet) -> rusqlite::Result<()> {
    let fields = serde_json::to_string(&set.fields).unwrap_or_else(|_| "{}".to_owned());
    tx.prepare_cached(
        "INSERT OR REPLACE INTO face_sets (name, id, capacity, create_date, fields) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![set.name, set.id, to_sql_u64(set.capacity), set.create_date, fields])?;
    Ok(())
}

pub(crate) fn delete_set(tx: &Transaction<'_>, name: &str) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM faces WHERE set_name = ?1")?.execute([name])?;
    tx.prepare_cached("DELETE FROM face_sets WHERE name = ?1")?.execute([name])?;
    Ok(())
}

pub(crate) fn insert_face(tx: &Transaction<'_>, set_name: &str, new: &NewFace) -> rusqlite::Result<()> {
    let fields = serde_json::to_string(&new.fields).unwrap_or_else(|_| "{}".to_owned());
    let f = &new.face;
    let b = &f.bounding_box;
    tx.prepare_cached(
        "INSERT INTO faces (seq, set_name, face_id, external_image_id, fields, box_x, box_y, box_width, \
         box_height, person, variant) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        to_sql_u64(new.seq),
        set_name,
        &*f.face_id,
        &*f.external_image_id,
        fields,
        b.top_left_x,
        b.top_left_y,
        b.width,
        b.height,
        &*f.person,
        to_sql_u64(f.variant),
    ])?;
    Ok(())
}

pub(crate) fn update_face(
    tx: &Transaction<'_>,
    seq: u64,
    external_image_id: &str,
    fields: &Map<String, Value>,
) -> rusqlite::Result<()> {
    let fields = serde_json::to_string(fields).unwrap_or_else(|_| "{}".to_owned());
    tx.prepare_cached("UPDATE faces SET external_image_id = ?2, fields = ?3 WHERE seq = ?1")?
        .execute(params![to_sql_u64(seq), external_image_id, fields])?;
    Ok(())
}

pub(crate) fn delete_face(tx: &Transaction<'_>, seq: u64) -> rusqlite::Result<()> {
    tx.prepare_cached("DELETE FROM faces WHERE seq = ?1")?.execute([to_sql_u64(seq)])?;
    Ok(())
}

pub(crate) fn clear(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch("DELETE FROM faces; DELETE FROM face_sets;")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use std::collections::BTreeMap;
    use std::net::SocketAddr;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::state::dump::FaceDump;
    use crate::state::{DEFAULT_CAPACITY, SEEDED_BOX, SeededFace};
    use crate::{Emulator, EmulatorConfig};

    /// A fresh directory under the system's temporary directory, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static NEXT: AtomicU32 = AtomicU32::new(0);
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let path = std::env::temp_dir().join(format!(
                "frs-emulator-persist-{}-{}-{nanos}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&path).unwrap();
            Self(path)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// Two sets, one face, written through `store`.
    fn fill(store: &mut Store) {
        store
            .create_face_set("visitors", DEFAULT_CAPACITY, BTreeMap::new(), "2025-01-02 03:04:05".into())
            .unwrap();
        let fields = BTreeMap::from([("age".to_owned(), FieldType::Integer)]);
        store.create_face_set("staff", 500, fields, "2025-01-02 03:04:06".into()).unwrap();
        store.add_face("staff", SeededFace::new("img-1").field("age", 30).person("alice")).unwrap().unwrap();
    }

    /// What [`fill`] makes, as an earlier version's `state.json` holds it.
    fn sample() -> StateDump {
        let mut store = Store::default();
        fill(&mut store);
        store.dump()
    }

    #[test]
    fn round_trip() {
        let dir = TempDir::new();
        assert_eq!(Db::open(&dir.0).unwrap().dump(), StateDump::default(), "an empty directory has no state");
        let mut store = Db::open(&dir.0).unwrap();
        fill(&mut store);
        let saved = store.dump();
        assert_eq!(saved, sample());
        drop(store);
        assert_eq!(Db::open(&dir.0).unwrap().dump(), saved);
        assert!(!dir.0.join(LEGACY_TEMP).exists());

        // Later changes are kept one by one.
        let mut store = Db::open(&dir.0).unwrap();
        assert!(store.delete_face_set("visitors").unwrap());
        let slot = store.sets["staff"].live_slots().next().unwrap();
        let new_fields = serde_json::json!({ "age": 31 }).as_object().cloned();
        store.update_face("staff", slot, Some("img-2"), new_fields).unwrap();
        store.add_face("staff", SeededFace::new("img-3").person("bob")).unwrap().unwrap();
        let changed = store.dump();
        drop(store);
        let reopened = Db::open(&dir.0).unwrap().dump();
        assert_eq!(reopened, changed);
        let faces = &reopened.sets["staff"].faces;
        assert_eq!(faces.len(), 2);
        assert_eq!(
            (faces[0].external_image_id.as_str(), &faces[0].external_fields["age"]),
            ("img-2", &31.into())
        );
        assert_eq!(faces[1].bounding_box, SEEDED_BOX);
    }

    #[test]
    fn open_creates_missing_directories() {
        let dir = TempDir::new();
        let nested = dir.0.join("a").join("b");
        let mut store = Db::open(&nested).unwrap();
        fill(&mut store);
        drop(store);
        assert_eq!(Db::open(&nested).unwrap().dump(), sample());
    }

    #[test]
    fn leftover_temporary_file_is_ignored_and_removed() {
        let dir = TempDir::new();
        let mut store = Db::open(&dir.0).unwrap();
        fill(&mut store);
        drop(store);
        // An earlier version's save interrupted before its rename: half a state.
        std::fs::write(dir.0.join(LEGACY_TEMP), b"{\"sets\": {\"half-writ").unwrap();
        assert_eq!(Db::open(&dir.0).unwrap().dump(), sample());
        assert!(!dir.0.join(LEGACY_TEMP).exists());

        // Also when no state was ever completed.
        let fresh = TempDir::new();
        std::fs::write(fresh.0.join(LEGACY_TEMP), b"{").unwrap();
        assert_eq!(Db::open(&fresh.0).unwrap().dump(), StateDump::default());
        assert!(!fresh.0.join(LEGACY_TEMP).exists());
    }

    #[test]
    fn corrupt_state_is_a_clear_error() {
        for bytes in [&b""[..], b"{\"sets\": {", b"not json", b"[]", b"{\"sets\": 3, \"counter\": 0}"] {
            let dir = TempDir::new();
            std::fs::write(dir.0.join(LEGACY_FILE), bytes).unwrap();
            let err = Db::open(&dir.0).unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
            let message = err.to_string();
            assert!(message.contains("state.json") && message.contains("corrupt"), "{message}");
            // The damaged file is left alone for inspection.
            assert_eq!(std::fs::read(dir.0.join(LEGACY_FILE)).unwrap(), bytes);
        }
    }

    #[test]
    fn a_state_json_is_migrated_once() {
        let dir = TempDir::new();
        let mut old = sample();
        // A face with a variant and fields as an earlier version wrote them.
        old.sets.get_mut("staff").unwrap().faces.push(FaceDump {
            face_id: "AbCdEfGh".into(),
            external_image_id: "img-9".into(),
            external_fields: serde_json::json!({ "age": 40 }).as_object().cloned().unwrap(),
            bounding_box: SEEDED_BOX,
            person: "carol".into(),
            variant: u64::MAX,
        });
        std::fs::write(dir.0.join(LEGACY_FILE), serde_json::to_vec(&old).unwrap()).unwrap();
        assert_eq!(Db::open(&dir.0).unwrap().dump(), old);
        assert!(!dir.0.join(LEGACY_FILE).exists());
        assert!(dir.0.join(MIGRATED_FILE).exists());
        // The next start reads the database.
        assert_eq!(Db::open(&dir.0).unwrap().dump(), old);
    }

    #[test]
    fn one_directory_serves_one_emulator() {
        let dir = TempDir::new();
        let first = Db::open(&dir.0).unwrap();
        let err = Db::open(&dir.0).unwrap_err();
        assert!(err.to_string().contains("locked"), "{err}");
        drop(first);
        Db::open(&dir.0).unwrap();
    }

    #[test]
    fn a_removed_database_refuses_changes() {
        let dir = TempDir::new();
        let mut store = Db::open(&dir.0).unwrap();
        fill(&mut store);
        let before = store.dump();
        std::fs::remove_file(dir.0.join(DB_FILE)).unwrap();
        let err =
            store.create_face_set("lost", DEFAULT_CAPACITY, BTreeMap::new(), String::new()).unwrap_err();
        assert!(err.to_string().contains("removed or replaced"), "{err}");
        assert_eq!(store.dump(), before, "not saved, not made (the id counter included)");
    }

    #[test]
    fn emulator_refuses_a_corrupt_state() {
        let dir = TempDir::new();
        std::fs::write(dir.0.join(LEGACY_FILE), b"garbage").unwrap();
        let config = EmulatorConfig { state_dir: Some(dir.0.clone()), ..EmulatorConfig::default() };
        let err = Emulator::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0))).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    }

    #[test]
    fn emulator_starts_from_the_saved_state() {
        let dir = TempDir::new();
        std::fs::write(dir.0.join(LEGACY_FILE), serde_json::to_vec(&sample()).unwrap()).unwrap();
        let config = EmulatorConfig { state_dir: Some(dir.0.clone()), ..EmulatorConfig::default() };
        let emulator = Emulator::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        assert_eq!(emulator.face_count("visitors"), Some(0));
        assert_eq!(emulator.face_count("staff"), Some(1));
        assert_eq!(emulator.face_count("absent"), None);
        // Ids go on from the saved counter rather than starting again.
        let id = emulator.seed_face_set("later", &[]);
        let mut expected = Store::default();
        fill(&mut expected);
        assert_eq!(id, expected.next_id());
    }
}
