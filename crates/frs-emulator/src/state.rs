//! The emulator's data: face sets and their faces, in memory.

use std::collections::BTreeMap;

use frs_types::models::face_sets::FieldType;
use serde_json::{Map, Value};

/// The default (and maximum) capacity of a face set.
pub(crate) const DEFAULT_CAPACITY: u64 = 100_000;

/// A face to seed into a face set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SeededFace {
    /// The id of the image the face came from.
    pub external_image_id: String,
    /// Custom-field values, which should match the set's schema.
    pub external_fields: Map<String, Value>,
}

impl SeededFace {
    /// A face from image `external_image_id`, with no custom fields.
    pub fn new(external_image_id: &str) -> Self {
        Self { external_image_id: external_image_id.to_owned(), external_fields: Map::new() }
    }

    /// Adds a custom-field value.
    #[must_use]
    pub fn field(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.external_fields.insert(name.to_owned(), value.into());
        self
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Face {
    pub(crate) face_id: String,
    pub(crate) external_image_id: String,
    pub(crate) external_fields: Map<String, Value>,
}

#[derive(Debug, Clone)]
pub(crate) struct FaceSet {
    pub(crate) id: String,
    pub(crate) name: String,
    #[allow(dead_code)]
    pub(crate) capacity: u64,
    pub(crate) fields: BTreeMap<String, FieldType>,
    pub(crate) faces: Vec<Face>,
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) sets: BTreeMap<String, FaceSet>,
    counter: u64,
}

const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl Store {
    /// A deterministic 8-character id, like the service's random ones.
    pub(crate) fn next_id(&mut self) -> String {
        self.counter += 1;
        let mut z = self.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 31)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
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
    ) -> String {
        let id = self.next_id();
        self.sets.insert(
            name.to_owned(),
            FaceSet { id: id.clone(), name: name.to_owned(), capacity, fields, faces: Vec::new() },
        );
        id
    }

    pub(crate) fn add_face(&mut self, set: &str, face: SeededFace) -> Option<String> {
        let face_id = self.next_id();
        let entry = self.sets.get_mut(set)?;
        entry.faces.push(Face {
            face_id: face_id.clone(),
            external_image_id: face.external_image_id,
            external_fields: face.external_fields,
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
