//! The `sort` and `return_fields` parameters of *Search face* (custom-fields.md §4).
//!
//! ```
//! use frs_types::{FieldName, ReturnFields, Sort};
//!
//! let sort = Sort::new().desc(FieldName::new("timestamp")?).asc(FieldName::new("rowkey")?);
//! assert_eq!(sort.to_json_text(), r#"[{"timestamp":"desc"},{"rowkey":"asc"}]"#);
//!
//! let fields = ReturnFields(vec![FieldName::new("badge")?]);
//! assert_eq!(fields.to_json_text(), r#"["badge"]"#);
//! # Ok::<(), frs_types::ValidationError>(())
//! ```

use std::fmt;

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::FieldName;
use crate::models::face_sets::FieldType;

/// The direction of one sort key, `"asc"` or `"desc"` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Smallest value first (`"asc"`).
    Asc,
    /// Largest value first (`"desc"`).
    Desc,
}

impl SortOrder {
    /// The wire name: `asc` or `desc`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }
}

impl fmt::Display for SortOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The sort keys of a search: hits are ordered by the first key, then the next, and so on.
///
/// Only numeric custom fields (`integer`, `long`, `float`, `double`) can be sorted on
/// (the service answers `FRS.0032` otherwise; see [`Sort::check_types`]).
///
/// On the wire it is a JSON array of one-key objects, `[{"timestamp":"desc"},{"rowkey":"asc"}]`
/// (the array itself in JSON bodies, its text — [`Sort::to_json_text`] — in multipart ones).
///
/// # Repeated fields
///
/// The documentation says "a field repeated in the array is overwritten by its later
/// occurrence" without saying where the key then sorts. We read it as a map update (the
/// service builds a map from the array): the **later order wins, at the position of the
/// first occurrence**. Both the builder and deserialization apply this rule, so a `Sort`
/// never holds a field twice:
///
/// ```
/// use frs_types::{FieldName, Sort, SortOrder};
///
/// let (a, b) = (FieldName::new("a")?, FieldName::new("b")?);
/// let sort = Sort::new().asc(a.clone()).desc(b.clone()).desc(a.clone());
/// assert_eq!(sort.keys(), [(a, SortOrder::Desc), (b, SortOrder::Desc)]);
/// # Ok::<(), frs_types::ValidationError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Sort {
    keys: Vec<(FieldName, SortOrder)>,
}

impl Sort {
    /// No sort keys yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `field` ascending (or changes its order, see [repeated fields](Sort#repeated-fields)).
    #[must_use]
    pub fn asc(self, field: FieldName) -> Self {
        self.by(field, SortOrder::Asc)
    }

    /// Adds `field` descending (or changes its order, see [repeated fields](Sort#repeated-fields)).
    #[must_use]
    pub fn desc(self, field: FieldName) -> Self {
        self.by(field, SortOrder::Desc)
    }

    /// Adds `field` with `order` (or changes its order, see
    /// [repeated fields](Sort#repeated-fields)).
    #[must_use]
    pub fn by(mut self, field: FieldName, order: SortOrder) -> Self {
        self.push(field, order);
        self
    }

    /// Adds `field` with `order` at the end, or, if `field` is already a key, changes its
    /// order and keeps its position.
    pub fn push(&mut self, field: FieldName, order: SortOrder) {
        match self.keys.iter_mut().find(|(name, _)| *name == field) {
            Some((_, existing)) => *existing = order,
            None => self.keys.push((field, order)),
        }
    }

    /// The keys, most significant first; no field appears twice.
    pub fn keys(&self) -> &[(FieldName, SortOrder)] {
        &self.keys
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether there are no keys (then the parameter is best left out of the request).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The JSON text of the array, for the `sort` part of a multipart request.
    pub fn to_json_text(&self) -> String {
        json_array(&self.keys, |text, (field, order)| {
            text.push_str("{\"");
            text.push_str(field.as_str());
            text.push_str("\":\"");
            text.push_str(order.as_str());
            text.push_str("\"}");
        })
    }

    /// Checks the keys against a face set's schema: `schema` gives the declared type of a
    /// custom field, or `None` when the field is not declared. Every key must be a declared
    /// `integer`, `long`, `float` or `double` field.
    ///
    /// # Errors
    /// A [`FieldListError`] naming the first key that is undeclared or not numeric (the
    /// service answers `FRS.0032` for the latter).
    pub fn check_types(
        &self,
        schema: impl Fn(&FieldName) -> Option<FieldType>,
    ) -> Result<(), FieldListError> {
        for (field, _) in &self.keys {
            let ty =
                schema(field).ok_or_else(|| FieldListError::new("sort", field, FieldListRule::Undeclared))?;
            if !ty.is_numeric() {
                return Err(FieldListError::new("sort", field, FieldListRule::NotNumeric { actual: ty }));
            }
        }
        Ok(())
    }
}

impl FromIterator<(FieldName, SortOrder)> for Sort {
    /// Collects keys in order, applying the [repeated-field rule](Sort#repeated-fields).
    fn from_iter<I: IntoIterator<Item = (FieldName, SortOrder)>>(iter: I) -> Self {
        let mut sort = Self::new();
        for (field, order) in iter {
            sort.push(field, order);
        }
        sort
    }
}

impl Serialize for Sort {
    /// Serializes as `[{"field":"asc"}, …]`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Key<'a>(&'a FieldName, SortOrder);
        impl Serialize for Key<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(self.0, &self.1)?;
                map.end()
            }
        }
        let mut seq = serializer.serialize_seq(Some(self.keys.len()))?;
        for (field, order) in &self.keys {
            seq.serialize_element(&Key(field, *order))?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Sort {
    /// Deserializes `[{"field":"asc"}, …]`: each object must have exactly one key, a valid
    /// custom-field name, mapped to `"asc"` or `"desc"`; repeated fields follow the
    /// [repeated-field rule](Sort#repeated-fields).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Key(FieldName, SortOrder);

        impl<'de> Deserialize<'de> for Key {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_map(KeyVisitor)
            }
        }

        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sort key: an object with exactly one field name mapped to \"asc\" or \"desc\"")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
                let Some((field, order)) = map.next_entry::<FieldName, SortOrder>()? else {
                    return Err(de::Error::invalid_length(0, &self));
                };
                let mut extra = 0;
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {
                    extra += 1;
                }
                if extra > 0 {
                    return Err(de::Error::invalid_length(1 + extra, &self));
                }
                Ok(Key(field, order))
            }
        }

        struct SortVisitor;

        impl<'de> Visitor<'de> for SortVisitor {
            type Value = Sort;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array of sort keys such as [{\"timestamp\":\"desc\"}]")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Sort, A::Error> {
                let mut sort = Sort::new();
                while let Some(Key(field, order)) = seq.next_element::<Key>()? {
                    sort.push(field, order);
                }
                Ok(sort)
            }
        }

        deserializer.deserialize_seq(SortVisitor)
    }
}

/// The custom fields a search returns in each hit's `external_fields` (`return_fields`).
///
/// On the wire a JSON array of field names, `["badge","floor"]` (its text —
/// [`ReturnFields::to_json_text`] — in multipart requests). The order is kept and repeated
/// names are left as given. When the parameter is left out, what the service returns is
/// not documented.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ReturnFields(pub Vec<FieldName>);

impl ReturnFields {
    /// The field names.
    pub fn fields(&self) -> &[FieldName] {
        &self.0
    }

    /// The JSON text of the array, for the `return_fields` part of a multipart request.
    pub fn to_json_text(&self) -> String {
        json_array(&self.0, |text, field| {
            text.push('"');
            text.push_str(field.as_str());
            text.push('"');
        })
    }

    /// Checks the names against a face set's schema: every name must be a declared field
    /// (`schema` gives its type, or `None` when it is not declared).
    ///
    /// # Errors
    /// A [`FieldListError`] naming the first undeclared field.
    pub fn check_types(
        &self,
        schema: impl Fn(&FieldName) -> Option<FieldType>,
    ) -> Result<(), FieldListError> {
        match self.0.iter().find(|field| schema(field).is_none()) {
            Some(field) => Err(FieldListError::new("return_fields", field, FieldListRule::Undeclared)),
            None => Ok(()),
        }
    }
}

impl From<Vec<FieldName>> for ReturnFields {
    fn from(fields: Vec<FieldName>) -> Self {
        Self(fields)
    }
}

impl FromIterator<FieldName> for ReturnFields {
    fn from_iter<I: IntoIterator<Item = FieldName>>(iter: I) -> Self {
        Self(iter.into_iter().collect())
    }
}

/// The JSON text of an array whose elements `write` appends, comma-separated.
///
/// The elements hold only field names (ASCII letters, digits, '-' and '_') and fixed words,
/// so nothing needs escaping: the result equals `serde_json::to_string` of the value.
fn json_array<T>(items: &[T], mut write: impl FnMut(&mut String, &T)) -> String {
    let mut text = String::from("[");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        write(&mut text, item);
    }
    text.push(']');
    text
}

/// A field named in `sort` or `return_fields` that does not fit the face set's schema,
/// returned by [`Sort::check_types`] and [`ReturnFields::check_types`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {parameter}: field {field}: {rule}")]
pub struct FieldListError {
    parameter: &'static str,
    field: FieldName,
    rule: FieldListRule,
}

impl FieldListError {
    fn new(parameter: &'static str, field: &FieldName, rule: FieldListRule) -> Self {
        Self { parameter, field: field.clone(), rule }
    }

    /// The wire name of the parameter: `sort` or `return_fields`.
    pub fn parameter(&self) -> &'static str {
        self.parameter
    }

    /// The offending field.
    pub fn field(&self) -> &FieldName {
        &self.field
    }

    /// The rule it breaks.
    pub fn rule(&self) -> &FieldListRule {
        &self.rule
    }
}

/// Which schema rule a `sort` or `return_fields` entry breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldListRule {
    /// The field is not declared in the face set's `external_fields`.
    Undeclared,
    /// A sort key on a field that is not `integer`, `long`, `float` or `double`
    /// (the service answers `FRS.0032`).
    NotNumeric {
        /// The declared type.
        actual: FieldType,
    },
}

impl fmt::Display for FieldListRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Undeclared => f.write_str("is not declared in the face set's external_fields"),
            Self::NotNumeric { actual } => write!(
                f,
                "only numeric fields (integer, long, float, double) can be sorted on, but it is declared {}",
                actual.as_str()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{name, schema};

    #[test]
    fn documented_example_round_trips() {
        let text = r#"[{"timestamp":"desc"},{"rowkey":"asc"}]"#;
        let sort: Sort = serde_json::from_str(text).unwrap();
        assert_eq!(sort, Sort::new().desc(name("timestamp")).asc(name("rowkey")));
        assert_eq!(serde_json::to_string(&sort).unwrap(), text);
        assert_eq!(sort.to_json_text(), text);
        let spaced: Sort =
            serde_json::from_str(r#" [ {"timestamp" : "desc"} , {"rowkey": "asc"} ] "#).unwrap();
        assert_eq!(spaced, sort);
        assert_eq!(Sort::new().to_json_text(), "[]");
        assert_eq!(serde_json::to_string(&Sort::new()).unwrap(), "[]");
    }

    #[test]
    fn repeated_field_takes_later_order_at_first_position() {
        let sort: Sort =
            serde_json::from_str(r#"[{"a":"asc"},{"b":"desc"},{"a":"desc"},{"c":"asc"}]"#).unwrap();
        assert_eq!(
            sort.keys(),
            [(name("a"), SortOrder::Desc), (name("b"), SortOrder::Desc), (name("c"), SortOrder::Asc)]
        );
        assert_eq!(sort.to_json_text(), r#"[{"a":"desc"},{"b":"desc"},{"c":"asc"}]"#);
        let built = Sort::new().asc(name("a")).desc(name("b")).desc(name("a")).asc(name("c"));
        assert_eq!(built, sort);
        let collected: Sort =
            [(name("a"), SortOrder::Asc), (name("a"), SortOrder::Desc)].into_iter().collect();
        assert_eq!(collected.keys(), [(name("a"), SortOrder::Desc)]);
        assert_eq!(collected.len(), 1);
    }

    #[test]
    fn deserialization_rejects_malformed_keys() {
        for (text, hint) in [
            (r#"[{}]"#, "invalid length 0"),
            (r#"[{"a":"asc","b":"desc"}]"#, "invalid length 2"),
            (r#"[{"a":"ASC"}]"#, "unknown variant `ASC`"),
            (r#"[{"a":"up"}]"#, "unknown variant `up`"),
            (r#"[{"a":1}]"#, "expected value"),
            (r#"[{"face_id":"asc"}]"#, "reserved"),
            (r#"[{"a b":"asc"}]"#, "field_name"),
            (r#"{"a":"asc"}"#, "invalid type: map"),
            (r#"["a"]"#, "invalid type: string"),
        ] {
            let err = serde_json::from_str::<Sort>(text).unwrap_err().to_string();
            assert!(err.contains(hint), "{text}: {err}");
        }
    }

    #[test]
    fn sort_check_types() {
        let ok =
            Sort::new().asc(name("floor")).desc(name("hired_at")).asc(name("height")).desc(name("score"));
        assert_eq!(ok.check_types(schema), Ok(()));
        let err = Sort::new().asc(name("floor")).asc(name("badge")).check_types(schema).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid sort: field badge: only numeric fields (integer, long, float, double) can be sorted on, \
             but it is declared string"
        );
        assert_eq!((err.parameter(), err.field()), ("sort", &name("badge")));
        let err = Sort::new().desc(name("active")).check_types(schema).unwrap_err();
        assert_eq!(err.rule(), &FieldListRule::NotNumeric { actual: FieldType::Boolean });
        let err = Sort::new().desc(name("nope")).check_types(schema).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid sort: field nope: is not declared in the face set's external_fields"
        );
    }

    #[test]
    fn return_fields_wire_form_and_check() {
        let fields = ReturnFields(vec![name("badge"), name("floor")]);
        assert_eq!(fields.to_json_text(), r#"["badge","floor"]"#);
        assert_eq!(serde_json::to_string(&fields).unwrap(), fields.to_json_text());
        assert_eq!(serde_json::from_str::<ReturnFields>(r#"["badge","floor"]"#).unwrap(), fields);
        assert!(serde_json::from_str::<ReturnFields>(r#"["vector"]"#).is_err());
        assert_eq!(ReturnFields::default().to_json_text(), "[]");
        assert_eq!(fields.check_types(schema), Ok(()));
        let err = [name("badge"), name("nope")]
            .into_iter()
            .collect::<ReturnFields>()
            .check_types(schema)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid return_fields: field nope: is not declared in the face set's external_fields"
        );
    }
}
