//! The `filter` expression of *Search face* and *Batch delete faces* (custom-fields.md §3).
//!
//! A [`Filter`] is a typed syntax tree that can only hold a syntactically valid filter:
//! terms `field:value`, numeric ranges `field:[low TO high]`, `&&`, `||` and the negation
//! `(!expr)`. Build one with the builder methods, print it with [`Display`](fmt::Display)
//! (the canonical text the service receives), read one with [`Filter::parse`] and check it
//! against a face set's schema with [`Filter::check_types`]. Evaluating a filter against a
//! face is a server's job: see [`crate::server::filter_matches`].
//!
//! The tree and its builders are here; reading the text is in `parse`, the schema check in
//! `check`, the leaves (fields and range bounds) in `term`.
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

use crate::ids::FieldValue;

mod check;
mod parse;
mod term;

pub use check::{FilterTypeError, FilterTypeRule};
pub use parse::{FilterParseError, FilterParseProblem};
pub(crate) use term::numeric_text;
pub use term::{FilterField, RangeBound, RangeNumber};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::name;

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
    fn serde_uses_the_canonical_text() {
        let f = Filter::parse("a:1   &&   (!b:x)").unwrap();
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"a:1 && (!b:x)\"");
        assert_eq!(serde_json::from_str::<Filter>("\"a:1 && (!b:x)\"").unwrap(), f);
        let err = serde_json::from_str::<Filter>("\"a:1 &&\"").unwrap_err();
        assert!(err.to_string().contains("expected a field name"), "{err}");
        assert_eq!("a:1".parse::<Filter>().unwrap(), Filter::term(name("a"), 1));
    }
}
