//! Feature vectors and similarity.

use std::collections::HashMap;

use super::{FEATURE_DIM, Features, Rng, seed};

/// sin² of the angle between a person's base direction and any of their variants.
const VARIANT_SPREAD: f64 = 0.03;

/// A random direction (not normalised) from `seed`.
fn random_direction(seed: u64) -> [f64; FEATURE_DIM] {
    let mut rng = Rng::new(seed);
    let mut v = [0.0; FEATURE_DIM];
    for x in &mut v {
        *x = rng.range(-1.0, 1.0);
    }
    v
}

fn dot64(a: &[f64; FEATURE_DIM], b: &[f64; FEATURE_DIM]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalize(v: &mut [f64; FEATURE_DIM]) -> bool {
    let norm = dot64(v, v).sqrt();
    if norm < 1e-9 {
        return false;
    }
    for x in v.iter_mut() {
        *x /= norm;
    }
    true
}

/// The feature vector of `person`'s face in picture `variant`: unit length; see the
/// [module documentation](super#features-and-similarity).
pub fn features(person: &str, variant: u64) -> Features {
    let mut base = random_direction(seed(&[b"frs-emulator/person", person.as_bytes()]));
    let mut out = [0.0f32; FEATURE_DIM];
    if !normalize(&mut base) {
        return out;
    }
    let mut noise =
        random_direction(seed(&[b"frs-emulator/variant", person.as_bytes(), &variant.to_le_bytes()]));
    let along = dot64(&noise, &base);
    for (n, b) in noise.iter_mut().zip(&base) {
        *n -= along * b;
    }
    let (cos, sin) = if normalize(&mut noise) {
        ((1.0 - VARIANT_SPREAD).sqrt(), VARIANT_SPREAD.sqrt())
    } else {
        (1.0, 0.0)
    };
    for ((o, b), n) in out.iter_mut().zip(&base).zip(&noise) {
        *o = (cos * b + sin * n) as f32;
    }
    out
}

/// The cosine of the angle between two vectors (0 when either is zero); symmetric.
pub fn cosine(a: &Features, b: &Features) -> f64 {
    let (mut ab, mut aa, mut bb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        ab += x * y;
        aa += x * x;
        bb += y * y;
    }
    let norms = (aa * bb).sqrt();
    if norms == 0.0 { 0.0 } else { (ab / norms).clamp(-1.0, 1.0) }
}

/// Maps a cosine to a similarity in [0, 1], monotonically: at least 0.94 stays as is
/// (from 1 − 10⁻⁶ on it is exactly 1.0), [0.8, 0.94) becomes [0.6, 0.94) linearly, below
/// 0.8 becomes `0.6 · (c + 1) / 1.8`.
pub fn similarity_from_cosine(c: f64) -> f64 {
    const SAME: f64 = 0.94;
    const LOW: f64 = 0.8;
    const LOW_SIMILARITY: f64 = 0.6;
    let c = if c.is_nan() { -1.0 } else { c.clamp(-1.0, 1.0) };
    if c >= 1.0 - 1e-6 {
        1.0
    } else if c >= SAME {
        c
    } else if c >= LOW {
        LOW_SIMILARITY + (c - LOW) * (SAME - LOW_SIMILARITY) / (SAME - LOW)
    } else {
        (LOW_SIMILARITY * (c + 1.0) / (LOW + 1.0)).max(0.0)
    }
}

/// The similarity of two faces, each (person, variant), in [0, 1] and symmetric: 1.0 for
/// the same picture, at least 0.94 for the same person, about 0.33 (at most 0.6) for
/// different people.
pub fn similarity(a: (&str, u64), b: (&str, u64)) -> f64 {
    if a == b {
        return 1.0;
    }
    similarity_from_cosine(cosine(&features(a.0, a.1), &features(b.0, b.1)))
}

/// Feature vectors kept by (person, variant), so that a search over many stored faces
/// computes each vector once.
#[derive(Debug, Clone, Default)]
pub struct FeatureCache {
    vectors: HashMap<(String, u64), Features>,
}

impl FeatureCache {
    /// An empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// The vector of (person, variant), computed on first use.
    pub fn get(&mut self, person: &str, variant: u64) -> &Features {
        self.vectors.entry((person.to_owned(), variant)).or_insert_with(|| features(person, variant))
    }

    /// The similarity of two faces, through the cache.
    pub fn similarity(&mut self, a: (&str, u64), b: (&str, u64)) -> f64 {
        if a == b {
            return 1.0;
        }
        let fa = *self.get(a.0, a.1);
        similarity_from_cosine(cosine(&fa, self.get(b.0, b.1)))
    }

    /// How many vectors are kept.
    pub fn len(&self) -> usize {
        self.vectors.len()
    }

    /// Whether no vector is kept.
    pub fn is_empty(&self) -> bool {
        self.vectors.is_empty()
    }

    /// Forgets every vector.
    pub fn clear(&mut self) {
        self.vectors.clear();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::engine::names;

    #[test]
    fn features_are_unit_vectors() {
        for name in names(20) {
            for variant in [0, 1, u64::MAX] {
                let f = features(&name, variant);
                let norm: f64 = f.iter().map(|x| f64::from(*x) * f64::from(*x)).sum::<f64>().sqrt();
                assert!((norm - 1.0).abs() < 1e-5, "{norm}");
                assert_eq!(f, features(&name, variant));
            }
        }
    }

    #[test]
    fn similarity_properties() {
        let names = names(300);
        let vectors: Vec<_> =
            names.iter().map(|n| (features(n, 0), features(n, 1), features(n, 99))).collect();
        let mut max_different = 0.0f64;
        let mut min_same = 1.0f64;
        for (i, (a0, a1, a2)) in vectors.iter().enumerate() {
            for pair in [(a0, a1), (a0, a2), (a1, a2)] {
                let s = similarity_from_cosine(cosine(pair.0, pair.1));
                let back = similarity_from_cosine(cosine(pair.1, pair.0));
                assert_eq!(s, back);
                assert!((0.94..1.0).contains(&s), "{}: {s}", names[i]);
                min_same = min_same.min(s);
            }
            assert_eq!(similarity_from_cosine(cosine(a0, a0)), 1.0);
            for (b0, b1, _) in vectors.iter().skip(i + 1) {
                for pair in [(a0, b0), (a1, b1), (a0, b1)] {
                    let s = similarity_from_cosine(cosine(pair.0, pair.1));
                    assert_eq!(s, similarity_from_cosine(cosine(pair.1, pair.0)));
                    assert!((0.0..=0.6).contains(&s), "{s}");
                    max_different = max_different.max(s);
                }
            }
        }
        assert!(min_same >= 0.94, "{min_same}");
        assert!(max_different < 0.55, "{max_different}");
        // The public helpers agree.
        assert_eq!(similarity(("alice", 3), ("alice", 3)), 1.0);
        let s = similarity(("alice", 3), ("alice", 4));
        assert_eq!(s, similarity(("alice", 4), ("alice", 3)));
        assert!(s >= 0.93);
        assert!(similarity(("alice", 3), ("bob", 3)) <= 0.6);
        let mut cache = FeatureCache::new();
        assert!(cache.is_empty());
        assert_eq!(cache.similarity(("alice", 3), ("alice", 4)), s);
        assert_eq!(cache.len(), 2);
        cache.clear();
        assert!(cache.is_empty());
    }

    #[test]
    fn similarity_mapping_is_monotone() {
        let mut last = -1.0;
        for i in -1000..=1000 {
            let s = similarity_from_cosine(f64::from(i) / 1000.0);
            assert!((0.0..=1.0).contains(&s));
            assert!(s >= last);
            last = s;
        }
        assert_eq!(similarity_from_cosine(-1.0), 0.0);
        assert_eq!(similarity_from_cosine(1.0), 1.0);
        assert!((similarity_from_cosine(0.8) - 0.6).abs() < 1e-12);
        assert_eq!(similarity_from_cosine(0.95), 0.95);
        assert_eq!(similarity_from_cosine(f64::NAN), 0.0);
        assert_eq!(cosine(&[0.0; FEATURE_DIM], &features("a", 0)), 0.0);
    }
}
