//! The declarations of an input, read as the engine's typed values.

use std::collections::BTreeMap;

use frs_types::models::detection::{Attributes, Dress, Expression};

use super::{MAX_DECLARED_FACES, default_person, default_variant};
use crate::formats::declaration::Key;

/// Longest value quoted in an error message.
const MAX_QUOTED: usize = 64;

/// A declaration that does not parse: (key, value, expected).
pub(super) type BadDeclaration = (String, String, &'static str);

/// The declarations of the keys the engine knows (unknown keys are ignored).
pub(super) struct Declared(BTreeMap<Key, String>);

impl Declared {
    /// The known declarations of `declarations` (as [`crate::formats::declarations`] reads them).
    pub(super) fn new(declarations: BTreeMap<String, String>) -> Self {
        Self(declarations.into_iter().filter_map(|(key, value)| Some((Key::parse(&key)?, value))).collect())
    }

    pub(super) fn get(&self, key: Key) -> Option<&str> {
        self.0.get(&key).map(String::as_str)
    }

    pub(super) fn bad(key: Key, value: &str, expected: &'static str) -> BadDeclaration {
        (key.as_str().to_owned(), value.chars().take(MAX_QUOTED).collect(), expected)
    }

    pub(super) fn person(&self, bytes: &[u8]) -> Result<String, BadDeclaration> {
        match self.get(Key::Person) {
            Some("") => Err(Self::bad(Key::Person, "", "a non-empty name")),
            Some(name) => Ok(name.to_owned()),
            None => Ok(default_person(bytes)),
        }
    }

    pub(super) fn number<T: std::str::FromStr + PartialOrd + Copy>(
        &self,
        key: Key,
        lo: T,
        hi: T,
        expected: &'static str,
    ) -> Result<Option<T>, BadDeclaration> {
        let Some(value) = self.get(key) else { return Ok(None) };
        match value.parse::<T>() {
            Ok(n) if n >= lo && n <= hi => Ok(Some(n)),
            _ => Err(Self::bad(key, value, expected)),
        }
    }

    pub(super) fn flag(&self, key: Key) -> Result<Option<bool>, BadDeclaration> {
        match self.get(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(Self::bad(key, other, "`true` or `false`")),
        }
    }

    fn choice(
        &self,
        key: Key,
        allowed: &[&'static str],
        expected: &'static str,
    ) -> Result<Option<&'static str>, BadDeclaration> {
        let Some(value) = self.get(key) else { return Ok(None) };
        allowed.iter().find(|a| **a == value).map(|a| Some(*a)).ok_or_else(|| Self::bad(key, value, expected))
    }

    pub(super) fn variant(&self, bytes: &[u8]) -> Result<u64, BadDeclaration> {
        Ok(self
            .number(Key::Variant, 0, u64::MAX, "an unsigned 64-bit number")?
            .unwrap_or_else(|| default_variant(bytes)))
    }

    pub(super) fn faces(&self) -> Result<u32, BadDeclaration> {
        Ok(self.number(Key::Faces, 0, MAX_DECLARED_FACES, "a whole number from 0 to 100")?.unwrap_or(1))
    }

    /// Applies attribute declarations to `attributes`.
    pub(super) fn apply_attributes(&self, attributes: &mut Attributes) -> Result<(), BadDeclaration> {
        let some = |s: &str| Some(s.to_owned());
        if let Some(g) = self.choice(Key::Gender, &["male", "female"], "`male` or `female`")? {
            attributes.gender = some(g);
        }
        if let Some(age) = self.number::<i64>(Key::Age, 0, 120, "a whole number from 0 to 120")? {
            attributes.age = Some(age);
        }
        if let Some(g) =
            self.choice(Key::Glass, &["yes", "dark", "none", "unknown"], "yes, dark, none or unknown")?
        {
            attributes.glass = some(g);
            attributes.dress.get_or_insert_with(Dress::default).glass = some(g);
        }
        const YES_NONE: [&str; 3] = ["yes", "none", "unknown"];
        if let Some(h) = self.choice(Key::Hat, &YES_NONE, "yes, none or unknown")? {
            attributes.hat = some(h);
            attributes.dress.get_or_insert_with(Dress::default).hat = some(h);
        }
        if let Some(m) = self.choice(Key::Mask, &YES_NONE, "yes, none or unknown")? {
            attributes.mask = some(m);
        }
        if let Some(b) = self.choice(Key::Beard, &YES_NONE, "yes, none or unknown")? {
            attributes.beard = some(b);
        }
        if let Some(h) = self.choice(Key::Hair, &["long", "short", "unknown"], "long, short or unknown")? {
            attributes.hair = some(h);
        }
        if let Some(p) = self.choice(
            Key::Phototype,
            &["idcard", "monitor", "internet_photo"],
            "idcard, monitor or internet_photo",
        )? {
            attributes.phototype = some(if p == "internet_photo" { "internet photo" } else { p });
        }
        if let Some(e) = self.choice(
            Key::Expression,
            &["neutral", "happy", "fear", "surprise", "sad", "angry", "disgust", "unknown"],
            "neutral, happy, fear, surprise, sad, angry, disgust or unknown",
        )? {
            attributes.expression.get_or_insert_with(Expression::default).kind = some(e);
        }
        Ok(())
    }
}
