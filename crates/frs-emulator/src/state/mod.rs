//! The emulator's data: face sets and their faces, in memory, with an optional durable
//! copy in SQLite (see [`crate::persist`]).
//!
//! Every change goes through one [`Store`] method, which writes it to the database in one
//! transaction (when there is one) and applies it in memory only after the commit, so an
//! acknowledged change is on disk and a refused one has no effect. The state dump, seeding
//! and the migration of an old `state.json` use the JSON form in [`dump`].

pub(crate) mod dump;
mod face_set;
pub(crate) mod filter;

use std::collections::BTreeMap;

use frs_types::models::common::BoundingBox;
use frs_types::models::face_sets::FieldType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub(crate) use self::face_set::{Face, FaceSet, NewFace, Slot};
use crate::engine;
use crate::persist::{Db, DbError};

/// The default (and, unless configured otherwise, maximum) capacity of a face set.
pub(crate) const DEFAULT_CAPACITY: u64 = 100_000;
/// The most face sets one project may hold.
pub(crate) const MAX_FACE_SETS: usize = 10;
/// The bounding box of a face seeded without an image.
pub(crate) const SEEDED_BOX: BoundingBox =
    BoundingBox { top_left_x: 22, top_left_y: 37, width: 174, height: 174 };

/// A face to seed into a face set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SeededFace {
    /// The id of the image the face came from.
    pub external_image_id: String,
    /// Custom-field values, which should match the set's schema.
    #[serde(default)]
    pub external_fields: Map<String, Value>,
    /// The person the face belongs to (decides search and compare similarity); by default
    /// the external image id.
    #[serde(default)]
    pub person: Option<String>,
    /// Which picture of the person (see the face engine); 0 by default.
    #[serde(default)]
    pub variant: u64,
}

impl SeededFace {
    /// A face from image `external_image_id`, with no custom fields.
    pub fn new(external_image_id: &str) -> Self {
        Self {
            external_image_id: external_image_id.to_owned(),
            external_fields: Map::new(),
            person: None,
            variant: 0,
        }
    }

    /// Adds a custom-field value.
    #[must_use]
    pub fn field(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.external_fields.insert(name.to_owned(), value.into());
        self
    }

    /// Declares which picture of the person it is.
    #[must_use]
    pub fn variant(mut self, variant: u64) -> Self {
        self.variant = variant;
        self
    }

    /// Declares whose face it is.
    #[must_use]
    pub fn person(mut self, person: &str) -> Self {
        self.person = Some(person.to_owned());
        self
    }
}

/// A change that could not be made durable, and so was not made.
#[derive(Debug)]
pub(crate) struct StoreError(pub(crate) DbError);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

/// A face set about to be created, with its faces (seeding and migration).
#[derive(Debug, Clone)]
pub(crate) struct NewSet {
    pub(crate) set: FaceSet,
    pub(crate) faces: Vec<NewFace>,
}

/// Everything the emulator holds.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) sets: BTreeMap<String, FaceSet>,
    /// Source of the deterministic ids.
    pub(crate) counter: u64,
    /// The sequence number of the next face.
    next_seq: u64,
    /// The durable copy, when there is a state directory.
    db: Option<Db>,
}

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl Store {
    /// A store kept in `db` (already holding `sets`), or in memory only.
    pub(crate) fn new(sets: BTreeMap<String, FaceSet>, counter: u64, next_seq: u64, db: Option<Db>) -> Self {
        Self { sets, counter, next_seq: next_seq.max(1), db }
    }

    /// A deterministic 8-character id, like the service's random ones.
    pub(crate) fn next_id(&mut self) -> String {
        self.counter += 1;
        let z = crate::mix::id_bits(self.counter);
        (0..8)
            .map(|i| {
                let idx = usize::try_from((z >> (i * 7)) % 62).unwrap_or(0);
                char::from(ALPHABET[idx])
            })
            .collect()
    }

    /// A sequence number for a new face.
    pub(crate) fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Runs `write` in one database transaction (with the id counter saved alongside);
    /// without a database, does nothing. On failure the id counter is put back to
    /// `counter_before`, so a refused change leaves no trace.
    pub(crate) fn durably(
        &mut self,
        counter_before: u64,
        write: impl FnOnce(&rusqlite::Transaction<'_>) -> rusqlite::Result<()>,
    ) -> Result<(), StoreError> {
        let Some(db) = self.db.as_mut() else { return Ok(()) };
        let result = db.write(self.counter, write).map_err(StoreError);
        if result.is_err() {
            self.counter = counter_before;
        }
        result
    }

    /// A new, empty face set with a fresh id (not stored yet).
    pub(crate) fn new_set(
        &mut self,
        name: &str,
        capacity: u64,
        fields: BTreeMap<String, FieldType>,
        create_date: String,
    ) -> FaceSet {
        let id = self.next_id();
        FaceSet::new(id, name.to_owned(), capacity, create_date, fields)
    }

    /// A new face with fresh ids (not stored yet).
    pub(crate) fn new_face(
        &mut self,
        external_image_id: &str,
        fields: Map<String, Value>,
        bounding_box: BoundingBox,
        person: &str,
        variant: u64,
    ) -> NewFace {
        let face_id = self.next_id();
        NewFace {
            seq: self.next_seq(),
            face: Face {
                face_id: face_id.into(),
                external_image_id: external_image_id.into(),
                bounding_box,
                person: person.into(),
                variant,
            },
            fields,
        }
    }

    /// A new face from a seed (not stored yet).
    pub(crate) fn new_seeded_face(&mut self, face: SeededFace) -> NewFace {
        let person = face.person.unwrap_or_else(|| face.external_image_id.clone());
        self.new_face(&face.external_image_id, face.external_fields, SEEDED_BOX, &person, face.variant)
    }

    /// Creates face sets with their faces, in one transaction.
    pub(crate) fn create_sets(&mut self, counter_before: u64, sets: Vec<NewSet>) -> Result<(), StoreError> {
        self.durably(counter_before, |tx| write_sets(tx, &sets))?;
        self.install(sets);
        Ok(())
    }

    /// Puts new sets in memory (their features computed here).
    pub(crate) fn install(&mut self, sets: Vec<NewSet>) {
        for NewSet { mut set, faces } in sets {
            for face in faces {
                let features = engine::features(&face.face.person, face.face.variant);
                set.push(face, &features);
            }
            self.sets.insert(set.name.clone(), set);
        }
    }

    /// Creates an empty face set and returns its id.
    pub(crate) fn create_face_set(
        &mut self,
        name: &str,
        capacity: u64,
        fields: BTreeMap<String, FieldType>,
        create_date: String,
    ) -> Result<String, StoreError> {
        let before = self.counter;
        let set = self.new_set(name, capacity, fields, create_date);
        let id = set.id.clone();
        self.create_sets(before, vec![NewSet { set, faces: Vec::new() }])?;
        Ok(id)
    }

    /// Deletes a face set; false when there is none by that name.
    pub(crate) fn delete_face_set(&mut self, name: &str) -> Result<bool, StoreError> {
        if !self.sets.contains_key(name) {
            return Ok(false);
        }
        let before = self.counter;
        self.durably(before, |tx| crate::persist::delete_set(tx, name))?;
        self.sets.remove(name);
        Ok(true)
    }

    /// Adds faces (made by [`Store::new_face`] since `counter_before`) to a face set.
    pub(crate) fn add_faces(
        &mut self,
        set_name: &str,
        counter_before: u64,
        faces: Vec<NewFace>,
    ) -> Result<(), StoreError> {
        // Computed before the transaction: the longest part of an add.
        let features: Vec<engine::Features> =
            faces.iter().map(|f| engine::features(&f.face.person, f.face.variant)).collect();
        self.durably(counter_before, |tx| {
            for face in &faces {
                crate::persist::insert_face(tx, set_name, face)?;
            }
            Ok(())
        })?;
        if let Some(set) = self.sets.get_mut(set_name) {
            for (face, features) in faces.into_iter().zip(&features) {
                set.push(face, features);
            }
        }
        Ok(())
    }

    /// Adds one seeded face and returns its face id; `Ok(None)` when the set does not
    /// exist.
    pub(crate) fn add_face(&mut self, set: &str, face: SeededFace) -> Result<Option<String>, StoreError> {
        if !self.sets.contains_key(set) {
            return Ok(None);
        }
        let before = self.counter;
        let face = self.new_seeded_face(face);
        let id = face.face.face_id.to_string();
        self.add_faces(set, before, vec![face])?;
        Ok(Some(id))
    }

    /// Changes one face: a new external image id, and custom values merged into the old.
    pub(crate) fn update_face(
        &mut self,
        set_name: &str,
        slot: Slot,
        image_id: Option<&str>,
        fields: Option<Map<String, Value>>,
    ) -> Result<(), StoreError> {
        let Some(set) = self.sets.get(set_name) else { return Ok(()) };
        let Some(face) = set.face(slot) else { return Ok(()) };
        let seq = set.seq(slot);
        let new_image_id = image_id.unwrap_or(&face.external_image_id).to_owned();
        let mut merged = set.fields_of(slot);
        if let Some(fields) = &fields {
            merged.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let before = self.counter;
        self.durably(before, |tx| crate::persist::update_face(tx, seq, &new_image_id, &merged))?;
        if let Some(set) = self.sets.get_mut(set_name) {
            set.update(slot, image_id, fields);
        }
        Ok(())
    }

    /// Removes the faces in `slots` of a face set.
    pub(crate) fn remove_faces(&mut self, set_name: &str, slots: &[Slot]) -> Result<(), StoreError> {
        let Some(set) = self.sets.get(set_name) else { return Ok(()) };
        let seqs: Vec<u64> = slots.iter().map(|s| set.seq(*s)).collect();
        let before = self.counter;
        self.durably(before, |tx| {
            for seq in &seqs {
                crate::persist::delete_face(tx, *seq)?;
            }
            Ok(())
        })?;
        if let Some(set) = self.sets.get_mut(set_name) {
            set.remove(slots);
        }
        Ok(())
    }

    /// Forgets every face set and starts the ids again, as a fresh emulator.
    pub(crate) fn clear(&mut self) -> Result<(), StoreError> {
        let before = self.counter;
        self.counter = 0;
        self.durably(before, crate::persist::clear)?;
        self.sets.clear();
        Ok(())
    }

    pub(crate) fn face_count(&self, set: &str) -> Option<usize> {
        self.sets.get(set).map(FaceSet::len)
    }
}

/// Writes new sets and their faces.
pub(crate) fn write_sets(tx: &rusqlite::Transaction<'_>, sets: &[NewSet]) -> rusqlite::Result<()> {
    for new in sets {
        crate::persist::insert_set(tx, &new.set)?;
        for face in &new.faces {
            crate::persist::insert_face(tx, &new.set.name, face)?;
        }
    }
    Ok(())
}

/// Whether a stored custom-field value equals a value read from text with the field's type.
pub(crate) fn same_value(stored: &Value, wanted: &Value) -> bool {
    match (stored, wanted) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}
