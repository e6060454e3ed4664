//! One face set held for 100,000 faces: faces in slots in the order they were added, their
//! feature vectors in one contiguous `f32` array, custom-field values in typed columns, and
//! indexes by face id and external image id.
//!
//! A deleted face leaves an empty slot (its vector stays in place), so a delete moves no
//! other face; the slots are compacted once more than half are empty, which keeps deletes
//! O(1) amortised. Faces are found by a *sequence number* (the database row id, increasing
//! with every add), which compaction does not change: the indexes map ids to sequence
//! numbers and a binary search over the (sorted) sequence numbers finds the slot.

use std::collections::{BTreeMap, HashMap};

use frs_types::models::common::BoundingBox;
use frs_types::models::face_sets::FieldType;
use serde_json::{Map, Value};

use crate::engine::{FEATURE_DIM, Features};

/// A stored face, without its custom fields (in the set's columns) and features (in the
/// set's feature array).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Face {
    pub(crate) face_id: Box<str>,
    pub(crate) external_image_id: Box<str>,
    pub(crate) bounding_box: BoundingBox,
    /// Whose face it is: what the face engine compares.
    pub(crate) person: Box<str>,
    /// Which picture of that person it came from.
    pub(crate) variant: u64,
}

/// A face about to be stored, with everything the set keeps about it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewFace {
    /// The sequence number (database row id) it is stored under.
    pub(crate) seq: u64,
    pub(crate) face: Face,
    pub(crate) fields: Map<String, Value>,
}

/// The values of one custom field, one per slot.
#[derive(Debug, Clone, PartialEq)]
struct Column {
    name: String,
    values: Vec<Option<Value>>,
}

/// Where a face is: its slot.
pub(crate) type Slot = usize;

/// A face set and its faces.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FaceSet {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) capacity: u64,
    pub(crate) create_date: String,
    pub(crate) fields: BTreeMap<String, FieldType>,
    /// Sequence numbers, increasing, one per slot (also for empty slots).
    seqs: Vec<u64>,
    slots: Vec<Option<Face>>,
    /// Whether each slot holds a face: what a search's pass reads besides the features
    /// (one byte per face rather than the whole slot).
    occupied: Vec<bool>,
    /// `FEATURE_DIM` values per slot.
    features: Vec<f32>,
    /// By field name (sorted): the declared fields and any value stored under another name.
    columns: Vec<Column>,
    by_face_id: HashMap<Box<str>, u64>,
    by_image_id: HashMap<Box<str>, Vec<u64>>,
    live: usize,
}

impl FaceSet {
    pub(crate) fn new(
        id: String,
        name: String,
        capacity: u64,
        create_date: String,
        fields: BTreeMap<String, FieldType>,
    ) -> Self {
        let columns = fields.keys().map(|n| Column { name: n.clone(), values: Vec::new() }).collect();
        Self {
            id,
            name,
            capacity,
            create_date,
            fields,
            seqs: Vec::new(),
            slots: Vec::new(),
            occupied: Vec::new(),
            features: Vec::new(),
            columns,
            by_face_id: HashMap::new(),
            by_image_id: HashMap::new(),
            live: 0,
        }
    }

    /// The number of faces.
    pub(crate) fn len(&self) -> usize {
        self.live
    }

    /// Whether `more` faces still fit.
    pub(crate) fn has_room_for(&self, more: usize) -> bool {
        u64::try_from(self.live.saturating_add(more)).unwrap_or(u64::MAX) <= self.capacity
    }

    fn slot_of_seq(&self, seq: u64) -> Option<Slot> {
        self.seqs.binary_search(&seq).ok().filter(|s| self.slots[*s].is_some())
    }

    /// The slot of the face with this face id.
    pub(crate) fn slot_of_face_id(&self, face_id: &str) -> Option<Slot> {
        self.by_face_id.get(face_id).and_then(|seq| self.slot_of_seq(*seq))
    }

    /// The slots of the faces from this external image, in the order they were added.
    pub(crate) fn slots_of_image_id(&self, image_id: &str) -> Vec<Slot> {
        let mut slots: Vec<Slot> = self
            .by_image_id
            .get(image_id)
            .map(|seqs| seqs.iter().filter_map(|s| self.slot_of_seq(*s)).collect())
            .unwrap_or_default();
        slots.sort_unstable();
        slots
    }

    /// The face in `slot` (a slot from this set's own lookups).
    pub(crate) fn face(&self, slot: Slot) -> Option<&Face> {
        self.slots.get(slot).and_then(Option::as_ref)
    }

    pub(crate) fn seq(&self, slot: Slot) -> u64 {
        self.seqs[slot]
    }

    /// The live slots, in the order the faces were added.
    pub(crate) fn live_slots(&self) -> impl Iterator<Item = Slot> + '_ {
        self.slots.iter().enumerate().filter(|(_, f)| f.is_some()).map(|(i, _)| i)
    }

    /// The feature vector of the face in `slot`.
    pub(crate) fn features(&self, slot: Slot) -> &Features {
        let start = slot * FEATURE_DIM;
        <&Features>::try_from(&self.features[start..start + FEATURE_DIM]).unwrap_or(&[0.0; FEATURE_DIM])
    }

    /// The whole feature array and the slots, for a search's pass over every face.
    pub(crate) fn feature_rows(&self) -> impl Iterator<Item = (Slot, &[f32])> + '_ {
        self.features.chunks_exact(FEATURE_DIM).enumerate().filter(|(slot, _)| self.slots[*slot].is_some())
    }

    /// The column index of a custom field, for repeated lookups in one pass.
    pub(crate) fn column(&self, name: &str) -> Option<usize> {
        self.columns.binary_search_by(|c| c.name.as_str().cmp(name)).ok()
    }

    /// The value of column `column` for the face in `slot`.
    pub(crate) fn value(&self, column: usize, slot: Slot) -> Option<&Value> {
        self.columns.get(column).and_then(|c| c.values.get(slot)).and_then(Option::as_ref)
    }

    /// All custom fields of the face in `slot`, as the API shows them.
    pub(crate) fn fields_of(&self, slot: Slot) -> Map<String, Value> {
        self.columns
            .iter()
            .filter_map(|c| c.values.get(slot).and_then(Option::as_ref).map(|v| (c.name.clone(), v.clone())))
            .collect()
    }

    fn column_or_insert(&mut self, name: &str) -> usize {
        match self.columns.binary_search_by(|c| c.name.as_str().cmp(name)) {
            Ok(i) => i,
            Err(i) => {
                let values = vec![None; self.slots.len()];
                self.columns.insert(i, Column { name: name.to_owned(), values });
                i
            }
        }
    }

    /// Stores a face (its sequence number is above every one stored so far).
    pub(crate) fn push(&mut self, new: NewFace, features: &Features) {
        let NewFace { seq, face, fields } = new;
        debug_assert!(self.seqs.last().is_none_or(|last| *last < seq));
        self.by_face_id.insert(face.face_id.clone(), seq);
        self.by_image_id.entry(face.external_image_id.clone()).or_default().push(seq);
        self.seqs.push(seq);
        self.slots.push(Some(face));
        self.occupied.push(true);
        self.features.extend_from_slice(features);
        for column in &mut self.columns {
            column.values.push(None);
        }
        for (name, value) in fields {
            let c = self.column_or_insert(&name);
            if let Some(last) = self.columns[c].values.last_mut() {
                *last = Some(value);
            }
        }
        self.live += 1;
    }

    /// Changes a face's external image id and merges new custom values into its old ones.
    pub(crate) fn update(&mut self, slot: Slot, image_id: Option<&str>, fields: Option<Map<String, Value>>) {
        let seq = self.seqs[slot];
        if let (Some(new), Some(face)) = (image_id, self.slots[slot].as_mut()) {
            let old = std::mem::replace(&mut face.external_image_id, new.into());
            if let Some(seqs) = self.by_image_id.get_mut(&old) {
                seqs.retain(|s| *s != seq);
                if seqs.is_empty() {
                    self.by_image_id.remove(&old);
                }
            }
            self.by_image_id.entry(new.into()).or_default().push(seq);
        }
        for (name, value) in fields.into_iter().flatten() {
            let c = self.column_or_insert(&name);
            self.columns[c].values[slot] = Some(value);
        }
    }

    /// Removes the faces in `slots`.
    pub(crate) fn remove(&mut self, slots: &[Slot]) {
        for &slot in slots {
            let Some(face) = self.slots.get_mut(slot).and_then(Option::take) else { continue };
            self.occupied[slot] = false;
            let seq = self.seqs[slot];
            self.by_face_id.remove(&face.face_id);
            if let Some(seqs) = self.by_image_id.get_mut(&face.external_image_id) {
                seqs.retain(|s| *s != seq);
                if seqs.is_empty() {
                    self.by_image_id.remove(&face.external_image_id);
                }
            }
            for column in &mut self.columns {
                column.values[slot] = None;
            }
            self.live -= 1;
        }
        let empty = self.slots.len() - self.live;
        if empty > self.live && empty >= 1024 || self.live == 0 {
            self.compact();
        }
    }

    /// Drops the empty slots, keeping the order; sequence numbers (and so the indexes) stay.
    fn compact(&mut self) {
        let keep: Vec<bool> = self.slots.iter().map(Option::is_some).collect();
        let mut flags = keep.iter();
        self.seqs.retain(|_| flags.next().copied().unwrap_or(false));
        self.slots.retain(Option::is_some);
        self.occupied.retain(|o| *o);
        let mut row = 0;
        let mut write = 0;
        while row < keep.len() {
            if keep[row] {
                if write != row {
                    self.features
                        .copy_within(row * FEATURE_DIM..(row + 1) * FEATURE_DIM, write * FEATURE_DIM);
                }
                write += 1;
            }
            row += 1;
        }
        self.features.truncate(write * FEATURE_DIM);
        for column in &mut self.columns {
            let mut flags = keep.iter();
            column.values.retain(|_| flags.next().copied().unwrap_or(false));
        }
        self.columns.retain(|c| self.fields.contains_key(&c.name) || c.values.iter().any(Option::is_some));
    }
}
