//! The `filter` expression of *Search face* and *Batch delete faces* (custom-fields.md §3).
//!
//! A [`Filter`] is a typed syntax tree that can only hold a syntactically valid filter:
//! terms `field:value`, numeric ranges `field:[low TO high]`, `&&`, `||` and the negation
//! `(!expr)`. Build one with the builder methods, print it with [`Display`](fmt::Display)
//! (the canonical text the service receives), read one with [`Filter::parse`], check it
//! against a face set's schema with [`Filter::check_types`] and evaluate it against one face
//! with [`Filter::matches`].
//!
//! ```
//! use frs_types::{FieldName, FieldValue, Filter, FilterField};
//!
//! let floor = FieldName::new("floor")?;
//! let active = FieldName::new("active")?;
//! let f = Filter::between(floor.clone(), 1, 3).and(Filter::term(active, true))
//!     | Filter::term(FieldName::new("badge")?, FieldValue::new("A-1001")?);
//! assert_eq!(f.to_string(), "(floor:[1 TO 3] && active:true) || badge:A-1001");
//! assert_eq!(Filter::parse(&f.to_string()), Ok(f));
//!
//! let not_three = Filter::term(FilterField::Custom(floor), 3).negate();
//! assert_eq!(not_three.to_string(), "(!floor:3)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Our reading where the documentation is silent
//!
//! - **Precedence**: `&&` binds tighter than `||` when they are mixed without parentheses
//!   (the usual convention; the docs do not say). The canonical text never relies on it:
//!   [`Display`](fmt::Display) parenthesises every `||` group inside `&&` *and* every `&&`
//!   group inside `||`, as the documentation's own example does.
//! - **Mixed brackets** (`[1 TO 10}`) are accepted; each end is inclusive or exclusive on
//!   its own. An open end (`*`) has no inclusiveness: it is printed with the bracket of the
//!   other end (`{5 TO *}`, `[1 TO *]`, `[* TO *]`).
//! - **Empty ranges** (`[5 TO 1]`) are valid and match nothing.
//! - **Values** are [`FieldValue`]s: numbers, `true`/`false`, and words of letters (of any
//!   script), digits, `-` and `_`. No quoting, escaping or wildcards exist.
//! - **Whitespace** (ASCII) is allowed between any two tokens and required only around
//!   `TO`, which is a word.
//!
//! Caution, unverified: if the service hands the text to a Lucene query parser, a value or
//! field name that *starts* with `-` (`floor:-3`) and the values `AND`, `OR`, `NOT` may be
//! read as operators there. The grammar above accepts them; for a negative number the
//! range `floor:[-3 TO -3]` is the safe spelling.

use std::fmt;
use std::ops::{BitAnd, BitOr, Not};
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ids::{ExternalImageId, FieldName, FieldValue, FieldValueKind};
use crate::models::face_sets::FieldType;
use crate::validation::{Problem, ValidationError};

// ---------------------------------------------------------------------------------------------
// Fields and range bounds
// ---------------------------------------------------------------------------------------------

/// The field a filter term or range tests: the fixed `external_image_id` or a custom field.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FilterField {
    /// The fixed field `external_image_id`: the id of the image a face was added from.
    ExternalImageId,
    /// A custom field declared in the face set's `external_fields`.
    Custom(FieldName),
}

impl FilterField {
    /// The wire name of the fixed field [`FilterField::ExternalImageId`].
    pub const EXTERNAL_IMAGE_ID: &'static str = "external_image_id";

    /// Reads a field name as written in a filter: `external_image_id` or a custom-field name.
    ///
    /// # Errors
    /// The [`ValidationError`] of [`FieldName::new`]: bad length or character, or another
    /// reserved name (`face_id`, `similarity`, …).
    pub fn new(name: &str) -> Result<Self, ValidationError> {
        if name == Self::EXTERNAL_IMAGE_ID {
            Ok(Self::ExternalImageId)
        } else {
            FieldName::new(name).map(Self::Custom)
        }
    }

    /// The field's name as written in a filter.
    pub fn as_str(&self) -> &str {
        match self {
            Self::ExternalImageId => Self::EXTERNAL_IMAGE_ID,
            Self::Custom(name) => name.as_str(),
        }
    }

    /// The custom field's name, or `None` for `external_image_id`.
    pub fn custom(&self) -> Option<&FieldName> {
        match self {
            Self::ExternalImageId => None,
            Self::Custom(name) => Some(name),
        }
    }
}

impl fmt::Display for FilterField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<FieldName> for FilterField {
    fn from(name: FieldName) -> Self {
        Self::Custom(name)
    }
}

/// A number that can bound a range: a [`FieldValue`] holding a number literal.
///
/// That is a value of kind [`FieldValueKind::Integer`] or [`FieldValueKind::Number`]
/// (`-3`, `1.5`, `2e3`), or an integer literal too long for 64 bits (`99999999999999999999`,
/// which [`FieldValue`] classifies as a string but which is still a number in a range).
/// The text is kept exactly as given.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RangeNumber(FieldValue);

impl RangeNumber {
    /// Accepts `value` if it is a number literal.
    ///
    /// # Errors
    /// A [`ValidationError`] for `field_value` when the value is a boolean or a word.
    pub fn new(value: FieldValue) -> Result<Self, ValidationError> {
        if numeric_text(&value).is_some() {
            Ok(Self(value))
        } else {
            Err(ValidationError::new(
                "field_value",
                Problem::Rule("a range bound must be a number (such as 3, -1.5 or 2e3) or '*'"),
            ))
        }
    }

    /// The number as a [`FieldValue`].
    pub fn as_value(&self) -> &FieldValue {
        &self.0
    }

    /// The number's text, exactly as it is sent.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The number as an `f64` (the nearest one, for texts with more precision).
    pub fn to_f64(&self) -> f64 {
        numeric_text(&self.0).unwrap_or(f64::NAN)
    }
}

/// The value of a number literal; `None` for booleans and words (including `inf`/`NaN`,
/// which Rust would parse but which are not numbers in a filter).
fn numeric_text(value: &FieldValue) -> Option<f64> {
    let text = value.as_str();
    let numeric = match value.kind() {
        FieldValueKind::Integer | FieldValueKind::Number => true,
        // Integer literals beyond 64 bits are classified as strings by `FieldValue`.
        _ => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        }
    };
    if numeric { text.parse::<f64>().ok().filter(|x| x.is_finite()) } else { None }
}

impl fmt::Debug for RangeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RangeNumber({:?})", self.0.as_str())
    }
}

impl fmt::Display for RangeNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl FromStr for RangeNumber {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(FieldValue::new(s)?)
    }
}

impl TryFrom<FieldValue> for RangeNumber {
    type Error = ValidationError;
    fn try_from(value: FieldValue) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<f64> for RangeNumber {
    type Error = ValidationError;
    fn try_from(value: f64) -> Result<Self, Self::Error> {
        Self::new(FieldValue::number(value)?)
    }
}

impl From<i64> for RangeNumber {
    fn from(value: i64) -> Self {
        Self(FieldValue::integer(value))
    }
}

impl From<i32> for RangeNumber {
    fn from(value: i32) -> Self {
        Self(FieldValue::integer(value.into()))
    }
}

impl From<RangeNumber> for FieldValue {
    fn from(number: RangeNumber) -> Self {
        number.0
    }
}

/// One end of a numeric range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RangeBound {
    /// No limit on this side, written `*`.
    Unbounded,
    /// The end is part of the range, written with `[` or `]`.
    Inclusive(RangeNumber),
    /// The end is not part of the range, written with `{` or `}`.
    Exclusive(RangeNumber),
}

impl RangeBound {
    /// An inclusive end (`[n` or `n]`).
    pub fn inclusive(number: impl Into<RangeNumber>) -> Self {
        Self::Inclusive(number.into())
    }

    /// An exclusive end (`{n` or `n}`).
    pub fn exclusive(number: impl Into<RangeNumber>) -> Self {
        Self::Exclusive(number.into())
    }

    /// The bounding number, or `None` for an open end.
    pub fn number(&self) -> Option<&RangeNumber> {
        match self {
            Self::Unbounded => None,
            Self::Inclusive(n) | Self::Exclusive(n) => Some(n),
        }
    }

    /// Whether `x` lies on the allowed side of this bound used as the low end.
    fn admits_from_below(&self, x: f64) -> bool {
        match self {
            Self::Unbounded => true,
            Self::Inclusive(n) => x >= n.to_f64(),
            Self::Exclusive(n) => x > n.to_f64(),
        }
    }

    /// Whether `x` lies on the allowed side of this bound used as the high end.
    fn admits_from_above(&self, x: f64) -> bool {
        match self {
            Self::Unbounded => true,
            Self::Inclusive(n) => x <= n.to_f64(),
            Self::Exclusive(n) => x < n.to_f64(),
        }
    }

    fn text(&self) -> &str {
        self.number().map_or("*", RangeNumber::as_str)
    }
}

// ---------------------------------------------------------------------------------------------
// The filter tree
// ---------------------------------------------------------------------------------------------

/// A filter expression (custom-fields.md §3), such as
/// `(floor:[1 TO 3] && active:true) || badge:A-1001`.
///
/// The tree can only hold a syntactically valid filter, and each text has exactly one tree:
/// conjunctions and disjunctions are flattened when they are built (`(a && b) && c` and
/// `a && (b && c)` are both the three-part `a && b && c`), parentheses that only group are
/// not kept, and every `&&`/`||` has at least two parts. So
/// `Filter::parse(&f.to_string()) == Ok(f)` for every filter made with the builder whose
/// text stays within [`Filter::MAX_DEPTH`] and [`Filter::MAX_LEN`].
///
/// Whether the fields exist and the values fit their types depends on the face set: see
/// [`Filter::check_types`]. Read the structure with [`Filter::expr`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Filter(Node);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Node {
    Term { field: FilterField, value: FieldValue },
    Range { field: FilterField, low: RangeBound, high: RangeBound },
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
}

/// A read-only view of the top of a [`Filter`], returned by [`Filter::expr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterExpr<'a> {
    /// `field:value`: the field equals the value.
    Term {
        /// The tested field.
        field: &'a FilterField,
        /// The value it must equal.
        value: &'a FieldValue,
    },
    /// `field:[low TO high]`: the numeric field lies in the range.
    Range {
        /// The tested field.
        field: &'a FilterField,
        /// The low end.
        low: &'a RangeBound,
        /// The high end.
        high: &'a RangeBound,
    },
    /// `a && b && …`: at least two parts, none of them itself an `&&`.
    And(&'a [Filter]),
    /// `a || b || …`: at least two parts, none of them itself an `||`.
    Or(&'a [Filter]),
    /// `(!a)`: the part does not hold.
    Not(&'a Filter),
}

impl Filter {
    /// Deepest nesting of parentheses [`Filter::parse`] accepts.
    pub const MAX_DEPTH: usize = 64;
    /// Longest text [`Filter::parse`] accepts, in bytes of UTF-8 (the service documents
    /// no limit; 64 KiB is ours).
    pub const MAX_LEN: usize = 64 * 1024;

    /// The term `field:value`: the field equals the value.
    ///
    /// Numbers compare numerically, strings and booleans exactly.
    pub fn term(field: impl Into<FilterField>, value: impl Into<FieldValue>) -> Self {
        Self(Node::Term { field: field.into(), value: value.into() })
    }

    /// The range `field:[low TO high]`, each end inclusive, exclusive or open.
    pub fn range(field: impl Into<FilterField>, low: RangeBound, high: RangeBound) -> Self {
        Self(Node::Range { field: field.into(), low, high })
    }

    /// `field:[low TO high]`: `low ≤ field ≤ high`.
    pub fn between(
        field: impl Into<FilterField>,
        low: impl Into<RangeNumber>,
        high: impl Into<RangeNumber>,
    ) -> Self {
        Self::range(field, RangeBound::inclusive(low), RangeBound::inclusive(high))
    }

    /// `field:[low TO *]`: `field ≥ low`.
    pub fn at_least(field: impl Into<FilterField>, low: impl Into<RangeNumber>) -> Self {
        Self::range(field, RangeBound::inclusive(low), RangeBound::Unbounded)
    }

    /// `field:[* TO high]`: `field ≤ high`.
    pub fn at_most(field: impl Into<FilterField>, high: impl Into<RangeNumber>) -> Self {
        Self::range(field, RangeBound::Unbounded, RangeBound::inclusive(high))
    }

    /// `field:{low TO *}`: `field > low`.
    pub fn greater_than(field: impl Into<FilterField>, low: impl Into<RangeNumber>) -> Self {
        Self::range(field, RangeBound::exclusive(low), RangeBound::Unbounded)
    }

    /// `field:{* TO high}`: `field < high`.
    pub fn less_than(field: impl Into<FilterField>, high: impl Into<RangeNumber>) -> Self {
        Self::range(field, RangeBound::Unbounded, RangeBound::exclusive(high))
    }

    /// `self && other`, flattened: the parts of an `&&` on either side are taken over.
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        let mut parts = self.into_and_parts();
        parts.extend(other.into_and_parts());
        Self(Node::And(parts))
    }

    /// `self || other`, flattened: the parts of an `||` on either side are taken over.
    #[must_use]
    pub fn or(self, other: Self) -> Self {
        let mut parts = self.into_or_parts();
        parts.extend(other.into_or_parts());
        Self(Node::Or(parts))
    }

    /// `(!inner)`: the negation of `inner`. Same as `!inner` and [`Filter::negate`].
    // `Not` is implemented too; this function lets `Filter::not(f)` work without importing it.
    #[allow(clippy::should_implement_trait, reason = "std::ops::Not is implemented as well")]
    pub fn not(inner: Self) -> Self {
        Self(Node::Not(Box::new(inner)))
    }

    /// `(!self)`, for method chains.
    #[must_use]
    pub fn negate(self) -> Self {
        Self::not(self)
    }

    /// All of `filters` joined with `&&`; `None` when there are none, the filter itself when
    /// there is one.
    pub fn all(filters: impl IntoIterator<Item = Self>) -> Option<Self> {
        filters.into_iter().reduce(Self::and)
    }

    /// Any of `filters` joined with `||`; `None` when there are none, the filter itself when
    /// there is one.
    pub fn any(filters: impl IntoIterator<Item = Self>) -> Option<Self> {
        filters.into_iter().reduce(Self::or)
    }

    /// The top of the tree, to walk the structure.
    pub fn expr(&self) -> FilterExpr<'_> {
        match &self.0 {
            Node::Term { field, value } => FilterExpr::Term { field, value },
            Node::Range { field, low, high } => FilterExpr::Range { field, low, high },
            Node::And(parts) => FilterExpr::And(parts),
            Node::Or(parts) => FilterExpr::Or(parts),
            Node::Not(inner) => FilterExpr::Not(inner),
        }
    }

    fn into_and_parts(self) -> Vec<Self> {
        match self.0 {
            Node::And(parts) => parts,
            node => vec![Self(node)],
        }
    }

    fn into_or_parts(self) -> Vec<Self> {
        match self.0 {
            Node::Or(parts) => parts,
            node => vec![Self(node)],
        }
    }

    /// Reads a filter from its text.
    ///
    /// The grammar is custom-fields.md §3, with `&&` binding tighter than `||`, ASCII
    /// whitespace allowed between tokens, and values that are [`FieldValue`]s. Grouping
    /// parentheses are dropped and `&&`/`||` chains are flattened, so equal texts up to
    /// spacing and redundant parentheses give equal filters.
    ///
    /// ```
    /// use frs_types::Filter;
    ///
    /// let f = Filter::parse("active:true && (!floor:3)")?;
    /// assert_eq!(f.to_string(), "active:true && (!floor:3)");
    ///
    /// let err = Filter::parse("floor 3").unwrap_err();
    /// assert_eq!(err.position(), 6);
    /// assert_eq!(
    ///     err.to_string(),
    ///     "invalid filter: expected ':' after the field name, found \"3\" at position 6"
    /// );
    /// # Ok::<(), frs_types::FilterParseError>(())
    /// ```
    ///
    /// # Errors
    /// A [`FilterParseError`] with what was expected and the position (in characters from
    /// 0) where it was not found; texts longer than [`Filter::MAX_LEN`] bytes or nested
    /// deeper than [`Filter::MAX_DEPTH`] parentheses are rejected. Never panics.
    pub fn parse(text: &str) -> Result<Self, FilterParseError> {
        if text.len() > Self::MAX_LEN {
            return Err(FilterParseError::new(
                0,
                FilterParseProblem::TooLong { max: Self::MAX_LEN, actual: text.len() },
            ));
        }
        let mut parser = Parser::new(text)?;
        let filter = parser.or_expr(0)?;
        match parser.cur.tok {
            Tok::End => Ok(filter),
            Tok::RParen => Err(parser.expected("end of input (this ')' closes nothing)")),
            _ => Err(parser.expected("'&&', '||' or end of input")),
        }
    }

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
                if !matches!(ty, FieldType::Integer | FieldType::Long | FieldType::Float | FieldType::Double)
                {
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

    /// Whether one face satisfies the filter: `external_image_id` is the face's image id
    /// and `fields` its `external_fields`.
    ///
    /// - a term on a number compares as `f64` (`floor:3` matches `3` and `3.0`); on a
    ///   string or boolean it compares exactly (`badge:3` matches the string `"3"`);
    /// - a range matches numbers only;
    /// - a missing (or `null`) field matches no term and no range, so `(!term)` matches a
    ///   face without the field;
    /// - a range on `external_image_id` matches nothing (the id is not a number).
    ///
    /// ```
    /// use frs_types::Filter;
    /// use serde_json::json;
    ///
    /// let f = Filter::parse("floor:[2 TO 5] && (!badge:A-1)")?;
    /// let face = json!({"floor": 3, "badge": "B-2"});
    /// assert!(f.matches("alice-01", face.as_object().unwrap()));
    /// assert!(!f.matches("alice-01", json!({"badge": "B-2"}).as_object().unwrap()));
    /// # Ok::<(), frs_types::FilterParseError>(())
    /// ```
    pub fn matches(
        &self,
        external_image_id: &str,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> bool {
        match &self.0 {
            Node::Term { field: FilterField::ExternalImageId, value } => external_image_id == value.as_str(),
            Node::Term { field: FilterField::Custom(name), value } => {
                fields.get(name.as_str()).is_some_and(|stored| value_equals(stored, value))
            }
            Node::Range { field: FilterField::ExternalImageId, .. } => false,
            Node::Range { field: FilterField::Custom(name), low, high } => fields
                .get(name.as_str())
                .and_then(serde_json::Value::as_f64)
                .is_some_and(|x| low.admits_from_below(x) && high.admits_from_above(x)),
            Node::And(parts) => parts.iter().all(|part| part.matches(external_image_id, fields)),
            Node::Or(parts) => parts.iter().any(|part| part.matches(external_image_id, fields)),
            Node::Not(inner) => !inner.matches(external_image_id, fields),
        }
    }

    /// Writes the filter; `group` wraps it in parentheses.
    fn write(&self, f: &mut fmt::Formatter<'_>, group: bool) -> fmt::Result {
        if group {
            f.write_str("(")?;
        }
        match &self.0 {
            Node::Term { field, value } => write!(f, "{field}:{value}")?,
            Node::Range { field, low, high } => {
                let open = match (low, high) {
                    (RangeBound::Exclusive(_), _) | (RangeBound::Unbounded, RangeBound::Exclusive(_)) => '{',
                    _ => '[',
                };
                let close = match (low, high) {
                    (_, RangeBound::Exclusive(_)) | (RangeBound::Exclusive(_), RangeBound::Unbounded) => '}',
                    _ => ']',
                };
                write!(f, "{field}:{open}{} TO {}{close}", low.text(), high.text())?;
            }
            Node::And(parts) => write_joined(f, parts, " && ", |p| matches!(p.0, Node::Or(_)))?,
            Node::Or(parts) => write_joined(f, parts, " || ", |p| matches!(p.0, Node::And(_)))?,
            Node::Not(inner) => {
                f.write_str("(!")?;
                inner.write(f, matches!(inner.0, Node::And(_) | Node::Or(_)))?;
                f.write_str(")")?;
            }
        }
        if group {
            f.write_str(")")?;
        }
        Ok(())
    }
}

fn write_joined(
    f: &mut fmt::Formatter<'_>,
    parts: &[Filter],
    separator: &str,
    needs_group: fn(&Filter) -> bool,
) -> fmt::Result {
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        part.write(f, needs_group(part))?;
    }
    Ok(())
}

/// Whether a stored JSON value equals a term's value (see [`Filter::matches`]).
fn value_equals(stored: &serde_json::Value, value: &FieldValue) -> bool {
    use serde_json::Value;
    match stored {
        Value::String(s) => s == value.as_str(),
        Value::Bool(b) => value.kind() == FieldValueKind::Boolean && (value.as_str() == "true") == *b,
        Value::Number(n) => match (n.as_f64(), numeric_text(value)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        },
        Value::Null | Value::Array(_) | Value::Object(_) => false,
    }
}

impl fmt::Display for Filter {
    /// The canonical text: single spaces around `&&`/`||`, none around `:`, ranges as
    /// `[1 TO 20]`, negation as `(!x)`, and parentheses around every `||` inside `&&`, every
    /// `&&` inside `||` and every `&&`/`||` inside a negation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl FromStr for Filter {
    type Err = FilterParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for Filter {
    type Error = FilterParseError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl Serialize for Filter {
    /// Serializes as the canonical text (a JSON string).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Filter {
    /// Deserializes a string through [`Filter::parse`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Not for Filter {
    type Output = Self;
    /// `(!self)`.
    fn not(self) -> Self {
        Self(Node::Not(Box::new(self)))
    }
}

impl BitAnd for Filter {
    type Output = Self;
    /// `self && rhs`, as [`Filter::and`].
    fn bitand(self, rhs: Self) -> Self {
        self.and(rhs)
    }
}

impl BitOr for Filter {
    type Output = Self;
    /// `self || rhs`, as [`Filter::or`].
    fn bitor(self, rhs: Self) -> Self {
        self.or(rhs)
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// A filter text that does not follow the grammar, returned by [`Filter::parse`].
///
/// It says what was expected and the position (in characters from 0) where the problem is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct FilterParseError {
    position: usize,
    problem: FilterParseProblem,
}

impl FilterParseError {
    fn new(position: usize, problem: FilterParseProblem) -> Self {
        Self { position, problem }
    }

    /// Position of the problem, in characters from the start of the text (0-based).
    pub fn position(&self) -> usize {
        self.position
    }

    /// What is wrong.
    pub fn problem(&self) -> &FilterParseProblem {
        &self.problem
    }
}

impl fmt::Display for FilterParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problem {
            FilterParseProblem::TooLong { .. } => write!(f, "invalid filter: {}", self.problem),
            _ => write!(f, "invalid filter: {} at position {}", self.problem, self.position),
        }
    }
}

/// What is wrong with a filter text (see [`FilterParseError`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FilterParseProblem {
    /// The grammar allows something else here.
    Expected {
        /// What the grammar allows, e.g. `':' after the field name`.
        expected: &'static str,
        /// What was found, e.g. `'&&'`, `"abc"` or `end of input`.
        found: String,
    },
    /// A word in field position is not `external_image_id` nor a valid custom-field name.
    FieldName(ValidationError),
    /// A term's value is not a valid custom-field value.
    Value(ValidationError),
    /// `!` outside parentheses; the negated term must be written `(!field:value)`.
    BareNegation,
    /// Parentheses nested deeper than [`Filter::MAX_DEPTH`].
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// The text is longer than [`Filter::MAX_LEN`] bytes.
    TooLong {
        /// The limit, in bytes.
        max: usize,
        /// The text's length, in bytes.
        actual: usize,
    },
}

impl fmt::Display for FilterParseProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn invalid(f: &mut fmt::Formatter<'_>, what: &str, err: &ValidationError) -> fmt::Result {
            match err.problem() {
                Problem::Character { ch, allowed, .. } => {
                    write!(f, "character {ch:?} is not allowed in a {what} (allowed: {allowed})")
                }
                problem => write!(f, "invalid {what}: {problem}"),
            }
        }
        match self {
            Self::Expected { expected, found } => write!(f, "expected {expected}, found {found}"),
            Self::FieldName(err) => invalid(f, "field name", err),
            Self::Value(err) => invalid(f, "value", err),
            Self::BareNegation => f.write_str(
                "'!' must be inside parentheses together with what it negates, as in (!field:value)",
            ),
            Self::TooDeep { max } => write!(f, "parentheses are nested deeper than {max} levels"),
            Self::TooLong { max, actual } => {
                write!(f, "the text is {actual} bytes long, more than the limit of {max} bytes")
            }
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

// ---------------------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    LParen,
    RParen,
    Bang,
    AndAnd,
    OrOr,
    Colon,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Star,
    Word(&'a str),
    End,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok<'a>,
    /// Position in characters.
    pos: usize,
    /// Whether whitespace came right before the token.
    space_before: bool,
}

/// Characters that end a word.
fn is_delimiter(c: char) -> bool {
    matches!(c, '(' | ')' | '!' | '&' | '|' | ':' | '[' | ']' | '{' | '}' | '*') || c.is_ascii_whitespace()
}

/// How a token is shown in an error: `'&&'`, `"word"` (shortened) or `end of input`.
fn describe(tok: Tok<'_>) -> String {
    let fixed = match tok {
        Tok::LParen => "'('",
        Tok::RParen => "')'",
        Tok::Bang => "'!'",
        Tok::AndAnd => "'&&'",
        Tok::OrOr => "'||'",
        Tok::Colon => "':'",
        Tok::LBracket => "'['",
        Tok::RBracket => "']'",
        Tok::LBrace => "'{'",
        Tok::RBrace => "'}'",
        Tok::Star => "'*'",
        Tok::End => "end of input",
        Tok::Word(word) => {
            const SHOWN: usize = 40;
            return match word.char_indices().nth(SHOWN) {
                Some((cut, _)) => format!("{:?}…", &word[..cut]),
                None => format!("{word:?}"),
            };
        }
    };
    fixed.to_owned()
}

/// Recursive-descent parser with one token of look-ahead; the lexer runs lazily, so errors
/// come out in text order.
struct Parser<'a> {
    src: &'a str,
    /// Byte offset of the lexer.
    byte: usize,
    /// Character offset of the lexer.
    pos: usize,
    /// The look-ahead token.
    cur: Token<'a>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Result<Self, FilterParseError> {
        let mut parser =
            Self { src, byte: 0, pos: 0, cur: Token { tok: Tok::End, pos: 0, space_before: false } };
        parser.advance()?;
        Ok(parser)
    }

    /// Lexes the next token into `cur`.
    fn advance(&mut self) -> Result<(), FilterParseError> {
        let rest = self.src.get(self.byte..).unwrap_or_default();
        let mut chars = rest.chars().peekable();
        let mut space_before = false;
        while let Some(c) = chars.next_if(char::is_ascii_whitespace) {
            space_before = true;
            self.byte += c.len_utf8();
            self.pos += 1;
        }
        let start = Token { tok: Tok::End, pos: self.pos, space_before };
        let Some(c) = chars.next() else {
            self.cur = start;
            return Ok(());
        };
        let single = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '!' => Some(Tok::Bang),
            ':' => Some(Tok::Colon),
            '[' => Some(Tok::LBracket),
            ']' => Some(Tok::RBracket),
            '{' => Some(Tok::LBrace),
            '}' => Some(Tok::RBrace),
            '*' => Some(Tok::Star),
            _ => None,
        };
        let tok = if let Some(tok) = single {
            self.byte += 1;
            self.pos += 1;
            tok
        } else if c == '&' || c == '|' {
            if chars.next() != Some(c) {
                let (expected, found) = if c == '&' { ("'&&'", "'&'") } else { ("'||'", "'|'") };
                return Err(FilterParseError::new(
                    self.pos,
                    FilterParseProblem::Expected { expected, found: found.to_owned() },
                ));
            }
            self.byte += 2;
            self.pos += 2;
            if c == '&' { Tok::AndAnd } else { Tok::OrOr }
        } else {
            let from = self.byte;
            self.byte += c.len_utf8();
            self.pos += 1;
            while let Some(c) = chars.next_if(|&c| !is_delimiter(c)) {
                self.byte += c.len_utf8();
                self.pos += 1;
            }
            Tok::Word(self.src.get(from..self.byte).unwrap_or_default())
        };
        self.cur = Token { tok, ..start };
        Ok(())
    }

    /// An error at the look-ahead token: `expected`, found the token.
    fn expected(&self, expected: &'static str) -> FilterParseError {
        FilterParseError::new(
            self.cur.pos,
            FilterParseProblem::Expected { expected, found: describe(self.cur.tok) },
        )
    }

    /// Consumes `tok` or fails with `expected`.
    fn expect(&mut self, tok: Tok<'_>, expected: &'static str) -> Result<(), FilterParseError> {
        if self.cur.tok == tok { self.advance() } else { Err(self.expected(expected)) }
    }

    /// `or_expr := and_expr ( "||" and_expr )*`
    fn or_expr(&mut self, depth: usize) -> Result<Filter, FilterParseError> {
        let mut filter = self.and_expr(depth)?;
        while self.cur.tok == Tok::OrOr {
            self.advance()?;
            filter = filter.or(self.and_expr(depth)?);
        }
        Ok(filter)
    }

    /// `and_expr := unary ( "&&" unary )*`
    fn and_expr(&mut self, depth: usize) -> Result<Filter, FilterParseError> {
        let mut filter = self.unary(depth)?;
        while self.cur.tok == Tok::AndAnd {
            self.advance()?;
            filter = filter.and(self.unary(depth)?);
        }
        Ok(filter)
    }

    /// `unary := "(" "!" unary ")" | "(" expr ")" | term`
    fn unary(&mut self, depth: usize) -> Result<Filter, FilterParseError> {
        match self.cur.tok {
            Tok::LParen => {
                if depth >= Filter::MAX_DEPTH {
                    return Err(FilterParseError::new(
                        self.cur.pos,
                        FilterParseProblem::TooDeep { max: Filter::MAX_DEPTH },
                    ));
                }
                self.advance()?;
                let filter = if self.cur.tok == Tok::Bang {
                    self.advance()?;
                    let inner = self.unary(depth + 1)?;
                    self.expect(Tok::RParen, "')' after the negated term")?;
                    Filter::not(inner)
                } else {
                    let inner = self.or_expr(depth + 1)?;
                    self.expect(Tok::RParen, "'&&', '||' or ')'")?;
                    inner
                };
                Ok(filter)
            }
            Tok::Word(word) => self.term(word),
            Tok::Bang => Err(FilterParseError::new(self.cur.pos, FilterParseProblem::BareNegation)),
            _ => Err(self.expected("a field name or '('")),
        }
    }

    /// `term := FIELD ":" ( range | VALUE )`
    fn term(&mut self, word: &str) -> Result<Filter, FilterParseError> {
        let at = self.cur.pos;
        let field =
            FilterField::new(word).map_err(|err| invalid_word(at, err, FilterParseProblem::FieldName))?;
        self.advance()?;
        self.expect(Tok::Colon, "':' after the field name")?;
        match self.cur.tok {
            Tok::LBracket | Tok::LBrace => self.range(field),
            Tok::Word(text) => {
                let at = self.cur.pos;
                let value =
                    FieldValue::new(text).map_err(|err| invalid_word(at, err, FilterParseProblem::Value))?;
                self.advance()?;
                Ok(Filter::term(field, value))
            }
            _ => Err(self.expected("a value or a range ('[' or '{') after ':'")),
        }
    }

    /// `range := ( "[" | "{" ) BOUND " TO " BOUND ( "]" | "}" )`
    fn range(&mut self, field: FilterField) -> Result<Filter, FilterParseError> {
        let low_inclusive = self.cur.tok == Tok::LBracket;
        self.advance()?;
        let low = self.bound()?;
        if self.cur.tok != Tok::Word("TO") {
            return Err(self.expected("'TO' after the range's low bound"));
        }
        if !self.cur.space_before {
            return Err(self.expected("whitespace before 'TO'"));
        }
        self.advance()?;
        if !self.cur.space_before {
            return Err(self.expected("whitespace after 'TO'"));
        }
        let high = self.bound()?;
        let high_inclusive = match self.cur.tok {
            Tok::RBracket => true,
            Tok::RBrace => false,
            _ => return Err(self.expected("']' or '}' to close the range")),
        };
        self.advance()?;
        let end = |number: Option<RangeNumber>, inclusive: bool| match number {
            None => RangeBound::Unbounded,
            Some(n) if inclusive => RangeBound::Inclusive(n),
            Some(n) => RangeBound::Exclusive(n),
        };
        Ok(Filter::range(field, end(low, low_inclusive), end(high, high_inclusive)))
    }

    /// `BOUND := NUMBER | "*"`, consumed; `None` for `*`.
    fn bound(&mut self) -> Result<Option<RangeNumber>, FilterParseError> {
        let number = match self.cur.tok {
            Tok::Star => None,
            Tok::Word(text) => match text.parse::<RangeNumber>() {
                Ok(n) => Some(n),
                Err(_) => return Err(self.expected("a number or '*' as range bound")),
            },
            _ => return Err(self.expected("a number or '*' as range bound")),
        };
        self.advance()?;
        Ok(number)
    }
}

/// Maps a validation error of the word at `at` to a parse error, moving the position to
/// the offending character for character errors.
fn invalid_word(
    at: usize,
    err: ValidationError,
    wrap: fn(ValidationError) -> FilterParseProblem,
) -> FilterParseError {
    let position = match err.problem() {
        Problem::Character { position, .. } => at + position,
        _ => at,
    };
    FilterParseError::new(position, wrap(err))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn name(s: &str) -> FieldName {
        FieldName::new(s).unwrap()
    }

    fn value(s: &str) -> FieldValue {
        FieldValue::new(s).unwrap()
    }

    fn num(s: &str) -> RangeNumber {
        s.parse().unwrap()
    }

    /// Parses `text`, checks the structure and that it prints back unchanged.
    fn check_example(text: &str, expected: &Filter) {
        let parsed = Filter::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(&parsed, expected, "{text:?}");
        assert_eq!(parsed.to_string(), text);
        assert_eq!(expected.to_string(), text);
    }

    #[test]
    fn documented_forms() {
        // custom-fields.md §3, the bullet list (DOC:0014).
        check_example("number:10", &Filter::term(name("number"), 10));
        check_example("title:quick", &Filter::term(name("title"), value("quick")));
        check_example("male:true", &Filter::term(name("male"), true));
        check_example("number:[1 TO *]", &Filter::at_least(name("number"), 1));
        check_example("number:[* TO 1]", &Filter::at_most(name("number"), 1));
        check_example(
            "number:{1 TO 5}",
            &Filter::range(name("number"), RangeBound::exclusive(1), RangeBound::exclusive(5)),
        );
        check_example("(!color:brown)", &!Filter::term(name("color"), value("brown")));
        check_example(
            "external_image_id:test && (!number:10)",
            &Filter::term(FilterField::ExternalImageId, value("test")).and(!Filter::term(name("number"), 10)),
        );
        check_example(
            "number:[1 TO 20] && external_image_id:test",
            &Filter::between(name("number"), 1, 20)
                .and(Filter::term(FilterField::ExternalImageId, value("test"))),
        );
    }

    #[test]
    fn documented_example_table() {
        // custom-fields.md §3, the table of examples.
        check_example("floor:3", &Filter::term(name("floor"), 3));
        check_example("floor:[2 TO 5]", &Filter::between(name("floor"), 2, 5));
        check_example("hired_at:{1600000000 TO *}", &Filter::greater_than(name("hired_at"), 1_600_000_000));
        check_example(
            "badge:A-1001 && active:true",
            &Filter(Node::And(vec![
                Filter::term(name("badge"), value("A-1001")),
                Filter::term(name("active"), true),
            ])),
        );
        check_example(
            "(floor:[1 TO 3] && active:true) || badge:A-1001",
            &Filter(Node::Or(vec![
                Filter(Node::And(vec![
                    Filter::between(name("floor"), 1, 3),
                    Filter::term(name("active"), true),
                ])),
                Filter::term(name("badge"), value("A-1001")),
            ])),
        );
        check_example(
            "active:true && (!floor:3)",
            &Filter(Node::And(vec![
                Filter::term(name("active"), true),
                Filter(Node::Not(Box::new(Filter::term(name("floor"), 3)))),
            ])),
        );
        check_example(
            "external_image_id:alice-01",
            &Filter::term(FilterField::ExternalImageId, value("alice-01")),
        );
    }

    #[test]
    fn ranges_mixed_brackets_and_numbers() {
        let f = Filter::parse("x:[1 TO 10}").unwrap();
        assert_eq!(f, Filter::range(name("x"), RangeBound::inclusive(1), RangeBound::exclusive(10)));
        assert_eq!(f.to_string(), "x:[1 TO 10}");
        let f = Filter::parse("x:{-1.5 TO 2e3]").unwrap();
        assert_eq!(
            f,
            Filter::range(name("x"), RangeBound::Exclusive(num("-1.5")), RangeBound::Inclusive(num("2e3")))
        );
        assert_eq!(f.to_string(), "x:{-1.5 TO 2e3]");
        // Open ends take the other end's bracket.
        assert_eq!(Filter::parse("x:{* TO 5]").unwrap().to_string(), "x:[* TO 5]");
        assert_eq!(Filter::parse("x:{* TO *]").unwrap().to_string(), "x:[* TO *]");
        assert_eq!(Filter::parse("x:[* TO 5}").unwrap().to_string(), "x:{* TO 5}");
        let open = Filter::range(name("x"), RangeBound::Unbounded, RangeBound::Unbounded);
        assert_eq!(open.to_string(), "x:[* TO *]");
        assert_eq!(Filter::parse("x:[* TO *]").unwrap(), open);
        // Big integer literals are numbers in ranges.
        assert_eq!(
            Filter::at_least(name("x"), num("99999999999999999999")).to_string(),
            "x:[99999999999999999999 TO *]"
        );
        assert!("abc".parse::<RangeNumber>().is_err());
        assert!("true".parse::<RangeNumber>().is_err());
        assert!("inf".parse::<RangeNumber>().is_err());
        assert_eq!(RangeNumber::try_from(1.5).unwrap().as_str(), "1.5");
    }

    #[test]
    fn flattening_and_grouping() {
        let [a, b, c, d] = ["a", "b", "c", "d"].map(|n| Filter::term(name(n), 1));
        let left = a.clone().and(b.clone()).and(c.clone());
        let right = a.clone().and(b.clone().and(c.clone()));
        assert_eq!(left, right);
        assert_eq!(left.expr(), FilterExpr::And(&[a.clone(), b.clone(), c.clone()]));
        assert_eq!(Filter::parse("(a:1 && b:1) && c:1").unwrap(), left);
        assert_eq!(Filter::parse("a:1 && (b:1 && c:1)").unwrap(), left);
        assert_eq!(Filter::parse("((a:1))").unwrap(), a);
        // && binds tighter than ||.
        let mixed = Filter::parse("a:1 || b:1 && c:1 || d:1").unwrap();
        assert_eq!(mixed, a.clone() | (b.clone() & c.clone()) | d.clone());
        assert_eq!(mixed.to_string(), "a:1 || (b:1 && c:1) || d:1");
        let and_of_or = (a.clone() | b.clone()) & (c | d);
        assert_eq!(and_of_or.to_string(), "(a:1 || b:1) && (c:1 || d:1)");
        assert_eq!(Filter::parse(&and_of_or.to_string()).unwrap(), and_of_or);
        // Negations of groups and of negations.
        let neg = !(a.clone() & b.clone());
        assert_eq!(neg.to_string(), "(!(a:1 && b:1))");
        assert_eq!(Filter::parse("(!(a:1 && b:1))").unwrap(), neg);
        let double = Filter::not(Filter::not(a.clone()));
        assert_eq!(double.to_string(), "(!(!a:1))");
        assert_eq!(Filter::parse("(!(!a:1))").unwrap(), double);
        assert_eq!(a.clone().negate(), !a.clone());
        assert_eq!(Filter::all([a.clone()]), Some(a.clone()));
        assert_eq!(Filter::any(Vec::new()), None);
        assert_eq!(Filter::any([a.clone(), b.clone()]), Some(a | b));
    }

    #[test]
    fn whitespace_is_tolerated_between_tokens() {
        let f = Filter::parse("  ( floor : [ 2   TO\t5 ] &&active:true)||badge:A-1\n").unwrap();
        assert_eq!(f.to_string(), "(floor:[2 TO 5] && active:true) || badge:A-1");
        assert_eq!(Filter::parse("( ! a:1 )").unwrap().to_string(), "(!a:1)");
    }

    #[track_caller]
    fn parse_err(text: &str) -> FilterParseError {
        match Filter::parse(text) {
            Ok(f) => panic!("{text:?} parsed as {f}"),
            Err(e) => e,
        }
    }

    #[test]
    fn error_positions_and_messages() {
        let cases: &[(&str, usize, &str)] = &[
            ("", 0, "expected a field name or '(', found end of input"),
            ("floor 3", 6, "expected ':' after the field name, found \"3\""),
            ("floor:", 6, "expected a value or a range ('[' or '{') after ':', found end of input"),
            ("floor:3 &&", 10, "expected a field name or '(', found end of input"),
            ("floor:3 & a:1", 8, "expected '&&', found '&'"),
            ("floor:3 | a:1", 8, "expected '||', found '|'"),
            ("floor:3 a:1", 8, "expected '&&', '||' or end of input, found \"a\""),
            ("floor:3)", 7, "expected end of input (this ')' closes nothing), found ')'"),
            ("(floor:3", 8, "expected '&&', '||' or ')', found end of input"),
            (
                "!floor:3",
                0,
                "'!' must be inside parentheses together with what it negates, as in (!field:value)",
            ),
            (
                "a:1 && !b:2",
                7,
                "'!' must be inside parentheses together with what it negates, as in (!field:value)",
            ),
            ("(!a:1 && b:2)", 6, "expected ')' after the negated term, found '&&'"),
            ("x:[1 TO 2", 9, "expected ']' or '}' to close the range, found end of input"),
            ("x:[1 to 2]", 5, "expected 'TO' after the range's low bound, found \"to\""),
            ("x:[1 TO abc]", 8, "expected a number or '*' as range bound, found \"abc\""),
            ("x:[abc TO 1]", 3, "expected a number or '*' as range bound, found \"abc\""),
            ("x:[1 TO abc", 8, "expected a number or '*' as range bound, found \"abc\""),
            ("x:[*TO *]", 4, "expected whitespace before 'TO', found \"TO\""),
            ("x:[* TO*]", 7, "expected whitespace after 'TO', found '*'"),
            ("x:[1TO 2]", 3, "expected a number or '*' as range bound, found \"1TO\""),
            ("x:a*", 3, "expected '&&', '||' or end of input, found '*'"),
            ("x:*", 2, "expected a value or a range ('[' or '{') after ':', found '*'"),
            ("x:1.0f", 3, "character '.' is not allowed in a value (allowed: letters, digits, '-' and '_')"),
            (
                "a/b:1",
                1,
                "character '/' is not allowed in a field name (allowed: ASCII letters, digits, '-' and '_')",
            ),
            ("x:a/b", 3, "character '/' is not allowed in a value (allowed: letters, digits, '-' and '_')"),
            (
                "face_id:abc",
                0,
                "invalid field name: \"face_id\" is reserved by the service and cannot be a custom field",
            ),
            ("(()", 2, "expected a field name or '(', found ')'"),
            ("a:1 && ()", 8, "expected a field name or '(', found ')'"),
        ];
        for &(text, position, message) in cases {
            let err = parse_err(text);
            assert_eq!((err.position(), err.problem().to_string().as_str()), (position, message), "{text:?}");
            assert_eq!(err.to_string(), format!("invalid filter: {message} at position {position}"));
        }
    }

    #[test]
    fn positions_count_characters() {
        let err = parse_err("name:größe && x");
        assert_eq!(err.position(), 15);
        let err = parse_err("name:张三 && x:[张 TO 1]");
        assert_eq!(err.position(), 14);
    }

    #[test]
    fn limits_are_enforced_without_panicking() {
        let deep = format!("{}a:1{}", "(".repeat(64), ")".repeat(64));
        assert_eq!(Filter::parse(&deep).unwrap(), Filter::term(name("a"), 1));
        let too_deep = format!("{}a:1{}", "(".repeat(65), ")".repeat(65));
        let err = parse_err(&too_deep);
        assert_eq!((err.position(), err.problem()), (64, &FilterParseProblem::TooDeep { max: 64 }));
        let negations = "(!".repeat(20_000);
        assert!(matches!(parse_err(&negations).problem(), FilterParseProblem::TooDeep { .. }));
        let long = "a:1 || ".repeat(10_000) + "a:1";
        let err = parse_err(&long);
        assert_eq!(
            err.to_string(),
            format!(
                "invalid filter: the text is {} bytes long, more than the limit of 65536 bytes",
                long.len()
            )
        );
        let many = "a:1 || ".repeat(9_000) + "a:1";
        assert!(
            matches!(Filter::parse(&many).unwrap().expr(), FilterExpr::Or(parts) if parts.len() == 9_001)
        );
    }

    #[test]
    fn long_words_are_shortened_in_errors() {
        let word = "w".repeat(100);
        let err = parse_err(&format!("a:1 {word}"));
        assert_eq!(
            err.problem().to_string(),
            format!("expected '&&', '||' or end of input, found {:?}…", &word[..40])
        );
    }

    fn schema(field: &FieldName) -> Option<FieldType> {
        Some(match field.as_str() {
            "badge" => FieldType::String,
            "floor" => FieldType::Integer,
            "hired_at" => FieldType::Long,
            "height" => FieldType::Double,
            "score" => FieldType::Float,
            "active" => FieldType::Boolean,
            _ => return None,
        })
    }

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

    #[test]
    fn matches_one_face() {
        let face = json!({"badge": "A-1001", "floor": 3, "height": 1.75, "active": true, "code": "7"});
        let fields = face.as_object().unwrap();
        let yes = [
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
        ];
        for text in yes {
            assert!(Filter::parse(text).unwrap().matches("alice-01", fields), "{text} should match");
        }
        let no = [
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
            "missing:[* TO *]",
            "external_image_id:alice-02",
            "external_image_id:[* TO *]",
            "(!floor:3)",
            "floor:3 && active:false",
        ];
        for text in no {
            assert!(!Filter::parse(text).unwrap().matches("alice-01", fields), "{text} should not match");
        }
        let null = json!({"floor": null});
        assert!(!Filter::parse("floor:3").unwrap().matches("x", null.as_object().unwrap()));
    }

    #[test]
    fn serde_uses_the_canonical_text() {
        let f = Filter::parse("a:1   &&   (!b:x)").unwrap();
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"a:1 && (!b:x)\"");
        assert_eq!(serde_json::from_str::<Filter>("\"a:1 && (!b:x)\"").unwrap(), f);
        let err = serde_json::from_str::<Filter>("\"a:1 &&\"").unwrap_err();
        assert!(err.to_string().contains("expected a field name"), "{err}");
        assert_eq!("a:1".parse::<Filter>().unwrap(), Filter::term(name("a"), 1));
    }

    #[test]
    fn filter_field_names() {
        assert_eq!(FilterField::new("external_image_id"), Ok(FilterField::ExternalImageId));
        assert_eq!(FilterField::new("floor").unwrap().custom(), Some(&name("floor")));
        assert!(FilterField::new("face_id").is_err());
        assert!(FilterField::new("similarity").is_err());
        assert_eq!(FilterField::ExternalImageId.to_string(), "external_image_id");
    }
}
