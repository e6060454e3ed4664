//! The emulator's data: face sets and their faces.
//!
//! Everything the emulator knows is in one [`Store`], which serialises to JSON for the
//! state dump, seeding and the optional durable state directory.

use std::collections::BTreeMap;

use frs_types::models::common::BoundingBox;
use frs_types::models::face_sets::FieldType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The default (and maximum) capacity of a face set.
pub(crate) const DEFAULT_CAPACITY: u64 = 100_000;
/// The most face sets one project may hold.
pub(crate) const MAX_FACE_SETS: usize = 10;

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

/// A stored face.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Face {
    pub(crate) face_id: String,
    pub(crate) external_image_id: String,
    pub(crate) external_fields: Map<String, Value>,
    pub(crate) bounding_box: BoundingBox,
    /// Whose face it is: what the face engine compares.
    pub(crate) person: String,
    /// Which picture of that person it came from: the engine's small per-image variation.
    #[serde(default)]
    pub(crate) variant: u64,
}

/// A face set and its faces, in the order they were added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FaceSet {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) capacity: u64,
    pub(crate) create_date: String,
    pub(crate) fields: BTreeMap<String, FieldType>,
    pub(crate) faces: Vec<Face>,
}

/// Everything the emulator holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Store {
    pub(crate) sets: BTreeMap<String, FaceSet>,
    /// Source of the deterministic ids.
    pub(crate) counter: u64,
}

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl Store {
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

    pub(crate) fn create_face_set(
        &mut self,
        name: &str,
        capacity: u64,
        fields: BTreeMap<String, FieldType>,
        create_date: String,
    ) -> String {
        let id = self.next_id();
        self.sets.insert(
            name.to_owned(),
            FaceSet {
                id: id.clone(),
                name: name.to_owned(),
                capacity,
                create_date,
                fields,
                faces: Vec::new(),
            },
        );
        id
    }

    pub(crate) fn add_face(&mut self, set: &str, face: SeededFace) -> Option<String> {
        let face_id = self.next_id();
        let entry = self.sets.get_mut(set)?;
        let person = face.person.unwrap_or_else(|| face.external_image_id.clone());
        entry.faces.push(Face {
            face_id: face_id.clone(),
            external_image_id: face.external_image_id,
            external_fields: face.external_fields,
            bounding_box: BoundingBox { top_left_x: 22, top_left_y: 37, width: 174, height: 174 },
            person,
            variant: face.variant,
        });
        Some(face_id)
    }

    pub(crate) fn face_count(&self, set: &str) -> Option<usize> {
        self.sets.get(set).map(|s| s.faces.len())
    }
}

/// Whether a stored custom-field value equals a value read from text with the field's type.
pub(crate) fn same_value(stored: &Value, wanted: &Value) -> bool {
    match (stored, wanted) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (a, b) => a == b,
    }
}
