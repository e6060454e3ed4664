//! Filters compiled against a face set's columns, so evaluating one over 100,000 faces
//! looks no field up by name and builds no JSON: each term knows its column and holds its
//! value already read (as text, number and boolean).
//!
//! The semantics are those of [`frs_types::server::filter_matches`] (a test holds the two
//! together).

use frs_types::filter::{FilterExpr, FilterField, RangeBound};
use frs_types::{FieldValueKind, Filter};
use serde_json::Value;

use super::face_set::{FaceSet, Slot};

/// A filter ready to run over one face set.
#[derive(Debug, Clone)]
pub(crate) enum Compiled {
    /// `external_image_id:value`.
    ImageId(String),
    /// A term on a column (`None`: no face has the field, so it matches nothing).
    Term {
        column: Option<usize>,
        term: TermValue,
    },
    /// A numeric range on a column.
    Range {
        column: Option<usize>,
        low: Bound,
        high: Bound,
    },
    /// Matches nothing (a range on `external_image_id`).
    Nothing,
    And(Vec<Self>),
    Or(Vec<Self>),
    Not(Box<Self>),
}

/// A term's value, read every way a stored value may need it.
#[derive(Debug, Clone)]
pub(crate) struct TermValue {
    text: String,
    boolean: Option<bool>,
    number: Option<f64>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Bound {
    Unbounded,
    Inclusive(f64),
    Exclusive(f64),
}

fn bound(b: &RangeBound) -> Bound {
    match b {
        RangeBound::Unbounded => Bound::Unbounded,
        RangeBound::Inclusive(n) => Bound::Inclusive(n.to_f64()),
        RangeBound::Exclusive(n) => Bound::Exclusive(n.to_f64()),
    }
}

impl Compiled {
    /// `filter`, for the faces of `set`.
    pub(crate) fn new(filter: &Filter, set: &FaceSet) -> Self {
        match filter.expr() {
            FilterExpr::Term { field: FilterField::ExternalImageId, value } => {
                Self::ImageId(value.as_str().to_owned())
            }
            FilterExpr::Term { field: FilterField::Custom(name), value } => Self::Term {
                column: set.column(name.as_str()),
                term: TermValue {
                    text: value.as_str().to_owned(),
                    boolean: (value.kind() == FieldValueKind::Boolean).then(|| value.as_str() == "true"),
                    number: frs_types::server::filter_number(value),
                },
            },
            FilterExpr::Range { field: FilterField::ExternalImageId, .. } => Self::Nothing,
            FilterExpr::Range { field: FilterField::Custom(name), low, high } => {
                Self::Range { column: set.column(name.as_str()), low: bound(low), high: bound(high) }
            }
            FilterExpr::And(parts) => Self::And(parts.iter().map(|p| Self::new(p, set)).collect()),
            FilterExpr::Or(parts) => Self::Or(parts.iter().map(|p| Self::new(p, set)).collect()),
            FilterExpr::Not(inner) => Self::Not(Box::new(Self::new(inner, set))),
        }
    }

    /// Whether the face in `slot` of `set` (the set it was compiled for) matches.
    pub(crate) fn matches(&self, set: &FaceSet, slot: Slot) -> bool {
        match self {
            Self::ImageId(id) => set.face(slot).is_some_and(|f| *f.external_image_id == **id),
            Self::Term { column, term } => {
                column.and_then(|c| set.value(c, slot)).is_some_and(|stored| term.equals(stored))
            }
            Self::Range { column, low, high } => {
                column.and_then(|c| set.value(c, slot)).and_then(Value::as_f64).is_some_and(|x| {
                    let above = match low {
                        Bound::Unbounded => true,
                        Bound::Inclusive(n) => x >= *n,
                        Bound::Exclusive(n) => x > *n,
                    };
                    let below = match high {
                        Bound::Unbounded => true,
                        Bound::Inclusive(n) => x <= *n,
                        Bound::Exclusive(n) => x < *n,
                    };
                    above && below
                })
            }
            Self::Nothing => false,
            Self::And(parts) => parts.iter().all(|p| p.matches(set, slot)),
            Self::Or(parts) => parts.iter().any(|p| p.matches(set, slot)),
            Self::Not(inner) => !inner.matches(set, slot),
        }
    }
}

impl TermValue {
    fn equals(&self, stored: &Value) -> bool {
        match stored {
            Value::String(s) => *s == self.text,
            Value::Bool(b) => self.boolean == Some(*b),
            Value::Number(n) => match (n.as_f64(), self.number) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
            Value::Null | Value::Array(_) | Value::Object(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use frs_types::server::filter_matches;
    use serde_json::json;

    use super::*;
    use crate::state::{SEEDED_BOX, Store};

    /// The compiled filter agrees with `frs_types::server::filter_matches` on every face.
    #[test]
    fn compiled_filters_match_like_the_reference() {
        let mut store = Store::default();
        store.create_face_set("s", 100_000, BTreeMap::new(), String::new()).unwrap();
        let before = store.counter;
        let values = [
            json!({"badge": "A-1001", "floor": 3, "height": 1.75, "active": true, "code": "7"}),
            json!({"floor": 4, "badge": "a-1001", "active": false}),
            json!({"floor": null}),
            json!({"code": 7, "height": 2}),
            json!({}),
        ];
        let faces = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let id = if i == 0 { "alice-01".to_owned() } else { format!("img-{i}") };
                store.new_face(&id, v.as_object().cloned().unwrap(), SEEDED_BOX, "p", 0)
            })
            .collect();
        store.add_faces("s", before, faces).unwrap();
        let set = &store.sets["s"];
        let texts = [
            "floor:3",
            "floor:3.0",
            "floor:003",
            "floor:[3 TO 3]",
            "floor:[* TO *]",
            "floor:{2 TO 4}",
            "height:{1.7 TO 1.8}",
            "badge:A-1001",
            "active:true",
            "code:7",
            "external_image_id:alice-01",
            "(!missing:1)",
            "(!missing:[* TO *])",
            "floor:1 || active:true",
            "(!floor:4) && badge:A-1001",
            "floor:4",
            "floor:{3 TO *}",
            "floor:[* TO 3}",
            "floor:[5 TO 1]",
            "badge:a-1001",
            "active:false",
            "active:1",
            "code:[1 TO 10]",
            "badge:[* TO *]",
            "missing:1",
            "external_image_id:[* TO *]",
            "(!floor:3)",
            "floor:3 && active:false",
            "height:2",
            "code:[7 TO 7]",
        ];
        for text in texts {
            let filter = Filter::parse(text).unwrap();
            let compiled = Compiled::new(&filter, set);
            for (slot, value) in set.live_slots().zip(&values) {
                let id = &set.face(slot).unwrap().external_image_id;
                let fields = value.as_object().unwrap().clone();
                assert_eq!(
                    compiled.matches(set, slot),
                    filter_matches(&filter, id, &fields),
                    "{text} on {id} {value}"
                );
            }
        }
    }
}
