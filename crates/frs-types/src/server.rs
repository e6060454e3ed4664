//! What only a server implementing FRS needs (the emulator uses it); SDK users never call it.
//!
//! A client builds filters and sends them; evaluating one against stored faces is the
//! service's job. The evaluation lives here, apart from the SDK's vocabulary, so it does not
//! widen the API a client sees, and it is still written once, next to the grammar it
//! evaluates, for every server (the emulator today) to share.

use serde_json::{Map, Value};

use crate::filter::{Filter, FilterExpr, FilterField, RangeBound, numeric_text};
use crate::ids::{FieldValue, FieldValueKind};

/// The number a filter term's value means, as [`filter_matches`] compares it: `Some` for a
/// number literal (also an integer beyond 64 bits), `None` for booleans and words. A server
/// that compiles filters its own way reads numbers through this, so both agree.
pub fn filter_number(value: &FieldValue) -> Option<f64> {
    numeric_text(value)
}

/// Whether one face satisfies `filter`: `external_image_id` is the face's image id and
/// `fields` its `external_fields`.
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
/// use frs_types::server::filter_matches;
/// use serde_json::json;
///
/// let f = Filter::parse("floor:[2 TO 5] && (!badge:A-1)")?;
/// let face = json!({"floor": 3, "badge": "B-2"});
/// assert!(filter_matches(&f, "alice-01", face.as_object().unwrap()));
/// assert!(!filter_matches(&f, "alice-01", json!({"badge": "B-2"}).as_object().unwrap()));
/// # Ok::<(), frs_types::FilterParseError>(())
/// ```
pub fn filter_matches(filter: &Filter, external_image_id: &str, fields: &Map<String, Value>) -> bool {
    match filter.expr() {
        FilterExpr::Term { field: FilterField::ExternalImageId, value } => {
            external_image_id == value.as_str()
        }
        FilterExpr::Term { field: FilterField::Custom(name), value } => {
            fields.get(name.as_str()).is_some_and(|stored| value_equals(stored, value))
        }
        FilterExpr::Range { field: FilterField::ExternalImageId, .. } => false,
        FilterExpr::Range { field: FilterField::Custom(name), low, high } => fields
            .get(name.as_str())
            .and_then(Value::as_f64)
            .is_some_and(|x| admits_from_below(low, x) && admits_from_above(high, x)),
        FilterExpr::And(parts) => parts.iter().all(|part| filter_matches(part, external_image_id, fields)),
        FilterExpr::Or(parts) => parts.iter().any(|part| filter_matches(part, external_image_id, fields)),
        FilterExpr::Not(inner) => !filter_matches(inner, external_image_id, fields),
    }
}

/// Whether `x` lies on the allowed side of `bound` used as the low end.
fn admits_from_below(bound: &RangeBound, x: f64) -> bool {
    match bound {
        RangeBound::Unbounded => true,
        RangeBound::Inclusive(n) => x >= n.to_f64(),
        RangeBound::Exclusive(n) => x > n.to_f64(),
    }
}

/// Whether `x` lies on the allowed side of `bound` used as the high end.
fn admits_from_above(bound: &RangeBound, x: f64) -> bool {
    match bound {
        RangeBound::Unbounded => true,
        RangeBound::Inclusive(n) => x <= n.to_f64(),
        RangeBound::Exclusive(n) => x < n.to_f64(),
    }
}

/// Whether a stored JSON value equals a term's value (see [`filter_matches`]).
fn value_equals(stored: &Value, value: &FieldValue) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
            assert!(filter_matches(&Filter::parse(text).unwrap(), "alice-01", fields), "{text} should match");
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
            assert!(
                !filter_matches(&Filter::parse(text).unwrap(), "alice-01", fields),
                "{text} should not match"
            );
        }
        let null = json!({"floor": null});
        assert!(!filter_matches(&Filter::parse("floor:3").unwrap(), "x", null.as_object().unwrap()));
    }
}
