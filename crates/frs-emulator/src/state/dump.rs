//! The state as one JSON document: what `GET /__emulator/state` answers, what a
//! `state.json` of earlier versions holds (migrated on first start), and what snapshots
//! are made of. The shape is the one earlier versions wrote, so old files and scripts that
//! read the dump keep working.

use std::collections::BTreeMap;

use frs_types::models::common::BoundingBox;
use frs_types::models::face_sets::FieldType;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{Face, FaceSet, NewFace, NewSet, Store};

/// Everything the emulator holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct StateDump {
    pub(crate) sets: BTreeMap<String, SetDump>,
    /// Source of the deterministic ids.
    pub(crate) counter: u64,
}

/// A face set and its faces, in the order they were added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SetDump {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) capacity: u64,
    pub(crate) create_date: String,
    pub(crate) fields: BTreeMap<String, FieldType>,
    pub(crate) faces: Vec<FaceDump>,
}

/// A stored face.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FaceDump {
    pub(crate) face_id: String,
    pub(crate) external_image_id: String,
    pub(crate) external_fields: Map<String, Value>,
    pub(crate) bounding_box: BoundingBox,
    pub(crate) person: String,
    #[serde(default)]
    pub(crate) variant: u64,
}

impl Store {
    /// The whole state as JSON (the faces of each set in the order they were added).
    pub(crate) fn dump(&self) -> StateDump {
        let sets = self
            .sets
            .iter()
            .map(|(name, set)| {
                let faces = set
                    .live_slots()
                    .filter_map(|slot| {
                        let f = set.face(slot)?;
                        Some(FaceDump {
                            face_id: f.face_id.to_string(),
                            external_image_id: f.external_image_id.to_string(),
                            external_fields: set.fields_of(slot),
                            bounding_box: f.bounding_box,
                            person: f.person.to_string(),
                            variant: f.variant,
                        })
                    })
                    .collect();
                let dump = SetDump {
                    id: set.id.clone(),
                    name: set.name.clone(),
                    capacity: set.capacity,
                    create_date: set.create_date.clone(),
                    fields: set.fields.clone(),
                    faces,
                };
                (name.clone(), dump)
            })
            .collect();
        StateDump { sets, counter: self.counter }
    }

    /// The sets of a dump as new sets of this store, their faces numbered from the store's
    /// next sequence number on (ids kept as they are).
    pub(crate) fn sets_from_dump(&mut self, dump: StateDump) -> Vec<NewSet> {
        dump.sets
            .into_values()
            .map(|s| {
                let set = FaceSet::new(s.id, s.name, s.capacity, s.create_date, s.fields);
                let faces = s
                    .faces
                    .into_iter()
                    .map(|f| NewFace {
                        seq: self.next_seq(),
                        face: Face {
                            face_id: f.face_id.into(),
                            external_image_id: f.external_image_id.into(),
                            bounding_box: f.bounding_box,
                            person: f.person.into(),
                            variant: f.variant,
                        },
                        fields: f.external_fields,
                    })
                    .collect();
                NewSet { set, faces }
            })
            .collect()
    }

    /// Replaces the whole state by `dump`, in one transaction.
    pub(crate) fn replace_with(&mut self, dump: StateDump) -> Result<(), super::StoreError> {
        let before = self.counter;
        let counter = dump.counter;
        let sets = self.sets_from_dump(dump);
        self.counter = counter;
        self.durably(before, |tx| {
            crate::persist::clear(tx)?;
            super::write_sets(tx, &sets)
        })?;
        self.sets.clear();
        self.install(sets);
        Ok(())
    }
}
