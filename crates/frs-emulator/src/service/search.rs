//! Search: one pass over a face set's feature vectors.

use std::cmp::Ordering;

use frs_types::{ErrorCode, Sort};
use serde_json::{Value, json};

use super::faces::filter;
use super::{Outcome, face_set_name, image_failure, not_found};
use crate::Shared;
use crate::engine;
use crate::inputs::{Failure, Inputs};
use crate::state::filter::Compiled;
use crate::state::{FaceSet, Slot};

/// `POST /v2/{project_id}/face-sets/{face_set_name}/search`.
pub(crate) fn search(shared: &Shared, set_name: &str, inputs: &Inputs) -> Outcome {
    face_set_name(set_name)?;
    let top_n = match inputs.integer("top_n")? {
        None => 10,
        Some(n) if (1..=1000).contains(&n) => usize::try_from(n).unwrap_or(10),
        Some(_) => return Err(Failure::invalid("top_n must be from 1 to 1000")),
    };
    let threshold = match inputs.number("threshold")? {
        None => 0.0,
        Some(t) if (0.0..=1.0).contains(&t) => t,
        Some(_) => return Err(Failure::invalid("threshold must be from 0 to 1")),
    };
    let schema = {
        let store = shared.store();
        store.sets.get(set_name).ok_or_else(|| not_found(set_name))?.fields.clone()
    };
    let filter = inputs.text("filter")?.map(|t| filter(&t, &schema)).transpose()?;
    let sort = match inputs.json("sort")? {
        None => None,
        Some(v) => {
            let sort: Sort = serde_json::from_value(v).map_err(|e| Failure::invalid(format!("sort: {e}")))?;
            sort.check_types(|n| schema.get(n.as_str()).copied()).map_err(|e| {
                Failure::new(
                    ErrorCode::SortNotSupported,
                    format!("sort field and type not supported, only numeric types. ({e})"),
                )
            })?;
            Some(sort)
        }
    };
    let return_fields: Option<Vec<String>> = match inputs.json("return_fields")? {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .into_iter()
                .map(|v| match v {
                    Value::String(s) if schema.contains_key(&s) => Ok(s),
                    other => Err(Failure::invalid(format!("return_fields: {other} is not a declared field"))),
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(_) => return Err(Failure::invalid("return_fields must be an array")),
    };

    let wanted: engine::Features = if inputs.has("face_id") {
        if ["image_base64", "image_url", "image_file"].iter().any(|n| inputs.has(n)) {
            return Err(Failure::invalid("give only one of face_id, image_base64, image_url and image_file"));
        }
        let face_id = inputs.required_text("face_id")?;
        let store = shared.store();
        let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
        let slot = set.slot_of_face_id(&face_id).ok_or_else(|| {
            Failure::new(ErrorCode::FaceIdNotFound, "The face id is not exist, checkout your input.")
        })?;
        *set.features(slot)
    } else {
        let bytes = inputs.media("image", &|url| shared.obs_object(url))?;
        let analysis = engine::analyze_image(&bytes).map_err(|r| image_failure(&r))?;
        let face = analysis
            .faces
            .first()
            .ok_or_else(|| Failure::new(ErrorCode::NoFaceToSearch, "Detect no face, can not search it."))?;
        engine::features(&face.person, face.variant)
    };

    let store = shared.store();
    let set = store.sets.get(set_name).ok_or_else(|| not_found(set_name))?;
    let filter = filter.map(|f| Compiled::new(&f, set));
    let mut hits = best_matches(set, &wanted, threshold, top_n, filter.as_ref());
    if let Some(sort) = &sort {
        let columns: Vec<(Option<usize>, bool)> = sort
            .keys()
            .iter()
            .map(|(field, order)| (set.column(field.as_str()), *order == frs_types::SortOrder::Desc))
            .collect();
        hits.sort_by(|a, b| {
            for (column, descending) in &columns {
                let key = |slot: Slot| column.and_then(|c| set.value(c, slot)).and_then(Value::as_f64);
                // Faces without the field come last, in either order.
                let ord = match (key(a.1), key(b.1)) {
                    (Some(x), Some(y)) if *descending => y.total_cmp(&x),
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => Ordering::Less,
                    (None, Some(_)) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        });
    }
    let faces: Vec<Value> = hits
        .into_iter()
        .filter_map(|(similarity, slot)| {
            let f = set.face(slot)?;
            let mut fields = set.fields_of(slot);
            if let Some(keep) = &return_fields {
                fields.retain(|k, _| keep.contains(k));
            }
            Some(json!({
                "bounding_box": f.bounding_box,
                "similarity": similarity,
                "face_id": &*f.face_id,
                "external_image_id": &*f.external_image_id,
                "external_fields": fields,
            }))
        })
        .collect();
    Ok(json!({ "faces": faces }))
}

/// How far an `f32` dot product of two feature vectors may be from the exact cosine (in
/// `f64`, as [`engine::cosine`] computes it), with a wide margin: the vectors have unit
/// length, so the two differ by ~10⁻⁶.
const APPROXIMATION_MARGIN: f32 = 1e-4;

/// The dot product of two feature vectors in `f32`, in eight independent lanes so that the
/// compiler vectorises it.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (a, _) = a.as_chunks::<8>();
    let (b, _) = b.as_chunks::<8>();
    let mut lanes = [0.0f32; 8];
    for (x, y) in a.iter().zip(b) {
        for i in 0..8 {
            lanes[i] += x[i] * y[i];
        }
    }
    lanes.iter().sum()
}

/// The faces of `set` that match `filter` with a similarity of at least `threshold`, the
/// `top_n` most similar first (ties in the order the faces were added), with the exact
/// similarity.
///
/// One pass of `f32` dot products over the set's contiguous feature array ranks every
/// face approximately, keeping the `top_n` best scores seen so far; only the faces within
/// [`APPROXIMATION_MARGIN`] of the `top_n`-th best score get the exact `f64` similarity,
/// so the answer is the one an exact computation over every face would give. (The
/// similarity is a monotone function of the cosine, so ranking by cosine ranks by
/// similarity, and the threshold can be applied to the few candidates.)
fn best_matches(
    set: &FaceSet,
    wanted: &engine::Features,
    threshold: f64,
    top_n: usize,
    filter: Option<&Compiled>,
) -> Vec<(f64, Slot)> {
    // The top_n best scores so far, lowest first.
    let mut best: std::collections::BinaryHeap<std::cmp::Reverse<OrdF32>> =
        std::collections::BinaryHeap::with_capacity(top_n + 1);
    let mut scored: Vec<(f32, Slot)> = Vec::new();
    for (slot, row) in set.feature_rows() {
        if filter.is_some_and(|f| !f.matches(set, slot)) {
            continue;
        }
        let score = dot(wanted, row);
        let floor = if best.len() < top_n {
            f32::NEG_INFINITY
        } else {
            best.peek().map_or(f32::NEG_INFINITY, |r| r.0.0)
        };
        if score >= floor - APPROXIMATION_MARGIN {
            scored.push((score, slot));
            if score > floor {
                best.push(std::cmp::Reverse(OrdF32(score)));
                if best.len() > top_n {
                    best.pop();
                }
            }
        }
    }
    let cut =
        if best.len() < top_n { f32::NEG_INFINITY } else { best.peek().map_or(f32::NEG_INFINITY, |r| r.0.0) };
    let candidates: Vec<Slot> = scored
        .into_iter()
        .filter(|(score, _)| *score >= cut - APPROXIMATION_MARGIN)
        .map(|(_, s)| s)
        .collect();
    // Many candidates means many equal scores (the same picture enrolled again and again):
    // the exact value is computed once per picture.
    let mut known: std::collections::HashMap<(&str, u64), f64> = std::collections::HashMap::new();
    let mut exact = |slot: Slot| {
        let compute = || engine::similarity_from_cosine(engine::cosine(wanted, set.features(slot)));
        match set.face(slot) {
            Some(face) if candidates.len() > 64 => {
                *known.entry((&*face.person, face.variant)).or_insert_with(compute)
            }
            _ => compute(),
        }
    };
    let mut hits: Vec<(f64, Slot)> =
        candidates.iter().map(|&slot| (exact(slot), slot)).filter(|(exact, _)| *exact >= threshold).collect();
    // In insertion order already, so the stable sort keeps ties in it.
    hits.sort_by(|a, b| b.0.total_cmp(&a.0));
    hits.truncate(top_n);
    hits
}

/// An `f32` ordered by `total_cmp`, for the heap of best scores.
#[derive(Debug, Clone, Copy, PartialEq)]
struct OrdF32(f32);

impl Eq for OrdF32 {}

impl PartialOrd for OrdF32 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrdF32 {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::collections::BTreeMap;

    use super::*;
    use crate::state::{SEEDED_BOX, Store};

    /// The search as it was computed before the feature array: the exact similarity of
    /// every face, filtered, sorted (stably), truncated.
    fn brute_force(
        set: &FaceSet,
        wanted: &engine::Features,
        threshold: f64,
        top_n: usize,
    ) -> Vec<(f64, Slot)> {
        let mut hits: Vec<(f64, Slot)> = set
            .live_slots()
            .map(|slot| (engine::similarity_from_cosine(engine::cosine(wanted, set.features(slot))), slot))
            .filter(|(s, _)| *s >= threshold)
            .collect();
        hits.sort_by(|a, b| b.0.total_cmp(&a.0));
        hits.truncate(top_n);
        hits
    }

    #[test]
    fn the_one_pass_search_gives_the_exact_answer() {
        let mut store = Store::default();
        store.create_face_set("s", 100_000, BTreeMap::new(), String::new()).unwrap();
        let before = store.counter;
        let mut faces = Vec::new();
        for i in 0..3_000u64 {
            // Few people, many pictures each, and exact duplicates: ties everywhere.
            let person = format!("p{}", i % 37);
            faces.push(store.new_face(
                &format!("img-{i}"),
                serde_json::Map::new(),
                SEEDED_BOX,
                &person,
                i % 5,
            ));
        }
        store.add_faces("s", before, faces).unwrap();
        let set = &store.sets["s"];
        let doomed: Vec<Slot> = set.live_slots().filter(|s| s % 7 == 3).collect();
        store.remove_faces("s", &doomed).unwrap();
        let set = &store.sets["s"];
        for (person, variant) in [("p3", 0), ("p3", 9), ("nobody", 0), ("p36", 4), ("p0", 0)] {
            let wanted = engine::features(person, variant);
            for (threshold, top_n) in
                [(0.0, 10), (0.0, 1), (0.93, 1000), (0.96, 5), (0.999_999, 50), (0.3, 1)]
            {
                assert_eq!(
                    best_matches(set, &wanted, threshold, top_n, None),
                    brute_force(set, &wanted, threshold, top_n),
                    "{person}/{variant}, threshold {threshold}, top {top_n}"
                );
            }
        }
    }
}
