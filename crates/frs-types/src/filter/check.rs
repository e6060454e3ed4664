//! Checking a filter against a face set's schema: [`Filter::check_types`] and its error,
//! [`FilterTypeError`].

use std::fmt;

use super::{Filter, FilterField, Node, RangeBound, RangeNumber};
use crate::ids::{ExternalImageId, FieldName, FieldValue};
use crate::models::face_sets::FieldType;
use crate::validation::Problem;

impl Filter {
    /// Checks the filter against a face set's schema: `schema` gives the declared type of a
    /// custom field, or `None` when the field is not declared.
    ///
    /// Rules (the first break, in text order, is reported):
    /// - every custom field must be declared;
    /// - a term's value must be a value of the field's type ([`FieldType::read_text`]):
    ///   `floor:1.5` is rejected for an `integer` field, `badge:3` is fine for a `string`;
    /// - ranges apply only to `integer`, `long`, `float` and `double` fields, and each bound
    ///   must be a value of the field's type (`[1.5 TO *]` is rejected for an `integer`);
    /// - `external_image_id` terms need a valid [`ExternalImageId`] value, and
    ///   `external_image_id` cannot be ranged.
    ///
    /// ```
    /// use frs_types::models::face_sets::FieldType;
    /// use frs_types::Filter;
    ///
    /// let schema = |name: &frs_types::FieldName| match name.as_str() {
    ///     "floor" => Some(FieldType::Integer),
    ///     "badge" => Some(FieldType::String),
    ///     _ => None,
    /// };
    /// assert!(Filter::parse("floor:[2 TO 5] && badge:A-1001")?.check_types(schema).is_ok());
    /// let err = Filter::parse("badge:[1 TO 2]")?.check_types(schema).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid filter: field badge: ranges apply only to numeric fields \
    ///      (integer, long, float, double), but it is declared string"
    /// );
    /// # Ok::<(), frs_types::FilterParseError>(())
    /// ```
    ///
    /// # Errors
    /// A [`FilterTypeError`] naming the field and the rule.
    pub fn check_types(
        &self,
        schema: impl Fn(&FieldName) -> Option<FieldType>,
    ) -> Result<(), FilterTypeError> {
        self.check_with(&schema)
    }

    fn check_with(&self, schema: &dyn Fn(&FieldName) -> Option<FieldType>) -> Result<(), FilterTypeError> {
        let declared = |field: &FilterField, name: &FieldName| {
            schema(name).ok_or_else(|| FilterTypeError::new(field.clone(), FilterTypeRule::Undeclared))
        };
        match &self.0 {
            Node::Term { field: field @ FilterField::ExternalImageId, value } => {
                match ExternalImageId::new(value.as_str()) {
                    Ok(_) => Ok(()),
                    Err(err) => Err(FilterTypeError::new(
                        field.clone(),
                        FilterTypeRule::ExternalImageIdValue {
                            value: value.clone(),
                            problem: err.problem().clone(),
                        },
                    )),
                }
            }
            Node::Term { field: field @ FilterField::Custom(name), value } => {
                let ty = declared(field, name)?;
                if ty.read_text(value.as_str()).is_none() {
                    return Err(FilterTypeError::new(
                        field.clone(),
                        FilterTypeRule::ValueType { value: value.clone(), expected: ty },
                    ));
                }
                Ok(())
            }
            Node::Range { field: field @ FilterField::ExternalImageId, .. } => {
                Err(FilterTypeError::new(field.clone(), FilterTypeRule::ExternalImageIdRange))
            }
            Node::Range { field: field @ FilterField::Custom(name), low, high } => {
                let ty = declared(field, name)?;
                if !ty.is_numeric() {
                    return Err(FilterTypeError::new(
                        field.clone(),
                        FilterTypeRule::RangeNotNumeric { actual: ty },
                    ));
                }
                for bound in [low, high].into_iter().filter_map(RangeBound::number) {
                    if ty.read_text(bound.as_str()).is_none() {
                        return Err(FilterTypeError::new(
                            field.clone(),
                            FilterTypeRule::BoundType { bound: bound.clone(), expected: ty },
                        ));
                    }
                }
                Ok(())
            }
            Node::And(parts) | Node::Or(parts) => parts.iter().try_for_each(|part| part.check_with(schema)),
            Node::Not(inner) => inner.check_with(schema),
        }
    }
}

/// A filter that does not fit a face set's schema, returned by [`Filter::check_types`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid filter: field {field}: {rule}")]
pub struct FilterTypeError {
    field: FilterField,
    rule: FilterTypeRule,
}

impl FilterTypeError {
    fn new(field: FilterField, rule: FilterTypeRule) -> Self {
        Self { field, rule }
    }

    /// The field the rule is about.
    pub fn field(&self) -> &FilterField {
        &self.field
    }

    /// The rule the filter breaks.
    pub fn rule(&self) -> &FilterTypeRule {
        &self.rule
    }
}

/// Which schema rule a filter breaks (see [`Filter::check_types`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FilterTypeRule {
    /// The custom field is not declared in the face set's `external_fields`.
    Undeclared,
    /// A term's value is not a value of the field's declared type.
    ValueType {
        /// The rejected value.
        value: FieldValue,
        /// The declared type.
        expected: FieldType,
    },
    /// A range on a field that is not `integer`, `long`, `float` or `double`.
    RangeNotNumeric {
        /// The declared type.
        actual: FieldType,
    },
    /// A range bound that is not a value of the field's declared type.
    BoundType {
        /// The rejected bound.
        bound: RangeNumber,
        /// The declared type.
        expected: FieldType,
    },
    /// An `external_image_id` term whose value is not a valid external image id.
    ExternalImageIdValue {
        /// The rejected value.
        value: FieldValue,
        /// The id rule it breaks.
        problem: Problem,
    },
    /// A range on `external_image_id`.
    ExternalImageIdRange,
}

impl fmt::Display for FilterTypeRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Undeclared => f.write_str("is not declared in the face set's external_fields"),
            Self::ValueType { value, expected } => {
                write!(f, "value {:?} is not a valid {} value", value.as_str(), expected.as_str())
            }
            Self::RangeNotNumeric { actual } => write!(
                f,
                "ranges apply only to numeric fields (integer, long, float, double), but it is declared {}",
                actual.as_str()
            ),
            Self::BoundType { bound, expected } => {
                write!(f, "range bound {:?} is not a valid {} value", bound.as_str(), expected.as_str())
            }
            Self::ExternalImageIdValue { value, problem } => {
                write!(f, "value {:?} is not a valid external image id: {problem}", value.as_str())
            }
            Self::ExternalImageIdRange => f.write_str("cannot be used in a range (it is not a number)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{name, schema, value};

    #[test]
    fn check_types_accepts_fitting_filters() {
        for text in [
            "floor:3",
            "floor:[2 TO 5]",
            "hired_at:{1600000000 TO *}",
            "badge:A-1001 && active:true",
            "(floor:[1 TO 3] && active:true) || badge:A-1001",
            "active:true && (!floor:3)",
            "external_image_id:alice-01",
            "height:[1.5 TO 2e0} && score:3",
            "badge:3 || badge:true",
        ] {
            assert_eq!(Filter::parse(text).unwrap().check_types(schema), Ok(()), "{text}");
        }
    }

    #[test]
    fn check_types_names_field_and_rule() {
        let cases = [
            ("nope:1", "invalid filter: field nope: is not declared in the face set's external_fields"),
            ("floor:abc", "invalid filter: field floor: value \"abc\" is not a valid integer value"),
            ("floor:1.5", "invalid filter: field floor: value \"1.5\" is not a valid integer value"),
            (
                "floor:3000000000",
                "invalid filter: field floor: value \"3000000000\" is not a valid integer value",
            ),
            ("active:1", "invalid filter: field active: value \"1\" is not a valid boolean value"),
            ("badge:1.5", "invalid filter: field badge: value \"1.5\" is not a valid string value"),
            ("height:abc", "invalid filter: field height: value \"abc\" is not a valid double value"),
            (
                "badge:[1 TO 2]",
                "invalid filter: field badge: ranges apply only to numeric fields (integer, long, float, double), \
                 but it is declared string",
            ),
            (
                "active:[* TO *]",
                "invalid filter: field active: ranges apply only to numeric fields (integer, long, float, double), \
                 but it is declared boolean",
            ),
            (
                "floor:[1.5 TO *]",
                "invalid filter: field floor: range bound \"1.5\" is not a valid integer value",
            ),
            (
                "external_image_id:[1 TO 2]",
                "invalid filter: field external_image_id: cannot be used in a range (it is not a number)",
            ),
            (
                "external_image_id:张三",
                "invalid filter: field external_image_id: value \"张三\" is not a valid external image id: \
                 character '张' at position 0 is not allowed (allowed: ASCII letters, digits, '-' and '_')",
            ),
            (
                "floor:3 && (!(active:true || nope:1))",
                "invalid filter: field nope: is not declared in the face set's external_fields",
            ),
        ];
        for (text, message) in cases {
            let err = Filter::parse(text).unwrap().check_types(schema).unwrap_err();
            assert_eq!(err.to_string(), message, "{text}");
        }
        let err = Filter::parse("floor:x").unwrap().check_types(schema).unwrap_err();
        assert_eq!(err.field(), &FilterField::Custom(name("floor")));
        assert_eq!(
            err.rule(),
            &FilterTypeRule::ValueType { value: value("x"), expected: FieldType::Integer }
        );
    }
}
