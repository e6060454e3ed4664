//! Optional durable state: the whole [`Store`] as one JSON file, replaced atomically.
//!
//! The state directory holds `state.json`, the last acknowledged state. A save writes the
//! new state to `state.json.tmp`, flushes it to disk, renames it over `state.json` and
//! flushes the directory, so a crash (even `kill -9` or a power cut) at any moment leaves
//! either the previous or the new state, never a mix. A `state.json.tmp` found at start-up
//! is the remains of a save interrupted before its rename, a change that was never
//! acknowledged: it is deleted. A `state.json` that does not parse is an error, never an
//! empty start, so a damaged state is not silently overwritten.
//!
//! One directory serves one emulator at a time.

use std::io::Write as _;
use std::path::Path;

use crate::state::Store;

/// The file holding the state.
pub(crate) const FILE: &str = "state.json";
/// The file a save writes before renaming it over [`FILE`].
pub(crate) const TEMP: &str = "state.json.tmp";

/// Reads the state saved in `dir`, if any, and deletes the remains of an interrupted save.
///
/// # Errors
/// When `state.json` cannot be read or does not hold a valid state (the message names the
/// file and says how to start afresh).
pub(crate) fn load(dir: &Path) -> std::io::Result<Option<Store>> {
    let temp = dir.join(TEMP);
    match std::fs::remove_file(&temp) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(std::io::Error::new(
                e.kind(),
                format!("cannot remove the unfinished save {}: {e}", temp.display()),
            ));
        }
    }
    let path = dir.join(FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(std::io::Error::new(
                e.kind(),
                format!("cannot read the state {}: {e}", path.display()),
            ));
        }
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

/// Saves `store` in `dir`: written to a temporary file, flushed to disk, then renamed over
/// the previous state, so a crash leaves either the old or the new state, never a mix.
///
/// # Errors
/// When the directory cannot be created or a write, flush or rename fails; the previous
/// state is then still in place.
pub(crate) fn save(dir: &Path, store: &Store) -> std::io::Result<()> {
    if !dir.is_dir() {
        std::fs::create_dir_all(dir)?;
        // Make the new directory's own entry durable.
        if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
            sync_dir(parent)?;
        }
    }
    let bytes = serde_json::to_vec(store).map_err(std::io::Error::other)?;
    let temp = dir.join(TEMP);
    let mut file = std::fs::File::create(&temp)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&temp, dir.join(FILE))?;
    // Make the rename itself durable.
    sync_dir(dir)
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::net::SocketAddr;
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;
    use crate::state::{DEFAULT_CAPACITY, SeededFace};
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

    fn sample() -> Store {
        let mut store = Store::default();
        store.create_face_set("visitors", DEFAULT_CAPACITY, BTreeMap::new(), "2025-01-02 03:04:05".into());
        store.create_face_set("staff", 500, BTreeMap::new(), "2025-01-02 03:04:06".into());
        store.add_face("staff", SeededFace::new("img-1").field("age", 30).person("alice")).unwrap();
        store
    }

    #[test]
    fn round_trip() {
        let dir = TempDir::new();
        assert_eq!(load(&dir.0).unwrap(), None, "an empty directory has no state");
        let store = sample();
        save(&dir.0, &store).unwrap();
        assert_eq!(load(&dir.0).unwrap(), Some(store.clone()));
        assert!(!dir.0.join(TEMP).exists(), "a finished save leaves no temporary file");

        // A later save replaces the whole state.
        let mut changed = store;
        changed.sets.remove("visitors");
        save(&dir.0, &changed).unwrap();
        assert_eq!(load(&dir.0).unwrap(), Some(changed));
    }

    #[test]
    fn save_creates_missing_directories() {
        let dir = TempDir::new();
        let nested = dir.0.join("a").join("b");
        save(&nested, &sample()).unwrap();
        assert_eq!(load(&nested).unwrap(), Some(sample()));
    }

    #[test]
    fn leftover_temporary_file_is_ignored_and_removed() {
        let dir = TempDir::new();
        let store = sample();
        save(&dir.0, &store).unwrap();
        // A save interrupted before its rename: half a state in the temporary file.
        std::fs::write(dir.0.join(TEMP), b"{\"sets\": {\"half-writ").unwrap();
        assert_eq!(load(&dir.0).unwrap(), Some(store));
        assert!(!dir.0.join(TEMP).exists());

        // Also when no state was ever completed.
        let fresh = TempDir::new();
        std::fs::write(fresh.0.join(TEMP), b"{").unwrap();
        assert_eq!(load(&fresh.0).unwrap(), None);
        assert!(!fresh.0.join(TEMP).exists());
    }

    #[test]
    fn corrupt_state_is_a_clear_error() {
        for bytes in [&b""[..], b"{\"sets\": {", b"not json", b"[]", b"{\"sets\": 3, \"counter\": 0}"] {
            let dir = TempDir::new();
            std::fs::write(dir.0.join(FILE), bytes).unwrap();
            let err = load(&dir.0).unwrap_err();
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
            let message = err.to_string();
            assert!(message.contains("state.json") && message.contains("corrupt"), "{message}");
            // The damaged file is left alone for inspection.
            assert_eq!(std::fs::read(dir.0.join(FILE)).unwrap(), bytes);
        }
    }

    #[test]
    fn emulator_refuses_a_corrupt_state() {
        let dir = TempDir::new();
        std::fs::write(dir.0.join(FILE), b"garbage").unwrap();
        let config = EmulatorConfig { state_dir: Some(dir.0.clone()), ..EmulatorConfig::default() };
        let err = Emulator::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0))).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    }

    #[test]
    fn emulator_starts_from_the_saved_state() {
        let dir = TempDir::new();
        save(&dir.0, &sample()).unwrap();
        let config = EmulatorConfig { state_dir: Some(dir.0.clone()), ..EmulatorConfig::default() };
        let emulator = Emulator::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0))).unwrap();
        assert_eq!(emulator.face_count("visitors"), Some(0));
        assert_eq!(emulator.face_count("staff"), Some(1));
        assert_eq!(emulator.face_count("absent"), None);
        // Ids go on from the saved counter rather than starting again.
        let id = emulator.seed_face_set("later", &[]);
        assert_eq!(id, sample().next_id());
    }
}
