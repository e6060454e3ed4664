//! Property tests of the search/batch-delete `filter` expression and of `sort`/`return_fields`.
//!
//! (a) every builder-made filter prints to text that parses back to the same tree;
//! (b) the parser never panics, on arbitrary text, on soups of filter tokens and on mangled
//!     filters, and what it accepts prints canonically and re-parses to the same tree; any
//!     spelling of a filter (extra whitespace, redundant parentheses, precedence instead of
//!     parentheses) parses to the same tree as the canonical text;
//! (c) `server::filter_matches` agrees with an oracle written here, without the library, for
//!     terms, ranges, their negations and pairs joined with `&&`/`||`;
//! (d) `Sort` survives a serde round trip and follows the repeated-field rule;
//! (e) `check_types` rejects values and ranges that do not fit the declared type, naming
//!     the field.

use frs_types::filter::{FilterExpr, FilterTypeRule, RangeNumber};
use frs_types::models::face_sets::FieldType;
use frs_types::server::filter_matches;
use frs_types::{FieldName, FieldValue, Filter, FilterField, RangeBound, Sort, SortOrder};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

fn field_name() -> impl Strategy<Value = FieldName> {
    "[A-Za-z_-][A-Za-z0-9_-]{0,11}".prop_filter_map("reserved or invalid", |s| FieldName::new(s).ok())
}

fn filter_field() -> impl Strategy<Value = FilterField> {
    prop_oneof![1 => Just(FilterField::ExternalImageId), 5 => field_name().prop_map(FilterField::Custom)]
}

fn field_value() -> impl Strategy<Value = FieldValue> {
    prop_oneof![
        any::<i64>().prop_map(FieldValue::integer),
        any::<bool>().prop_map(FieldValue::boolean),
        (-1e9f64..1e9).prop_filter_map("not representable", |x| FieldValue::number(x).ok()),
        // Words, including ones that read as numbers, booleans or `TO`.
        prop_oneof![
            "[A-Za-z0-9_-]{1,20}",
            "[a-zé张三ß_-]{1,6}",
            "-?[0-9]{1,3}(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?",
            "[0-9]{19,30}",
            Just("TO".to_owned()),
            Just("true".to_owned()),
        ]
        .prop_filter_map("invalid value", |s| FieldValue::new(s).ok()),
    ]
}

fn range_number() -> impl Strategy<Value = RangeNumber> {
    prop_oneof![
        any::<i64>().prop_map(RangeNumber::from),
        (-1e12f64..1e12).prop_filter_map("not representable", |x| RangeNumber::try_from(x).ok()),
        "-?[0-9]{1,25}(\\.[0-9]{1,4})?([eE][+-]?[0-9]{1,2})?"
            .prop_filter_map("not a number", |s| s.parse().ok()),
    ]
}

fn range_bound() -> impl Strategy<Value = RangeBound> {
    prop_oneof![
        1 => Just(RangeBound::Unbounded),
        2 => range_number().prop_map(RangeBound::Inclusive),
        2 => range_number().prop_map(RangeBound::Exclusive),
    ]
}

fn leaf() -> impl Strategy<Value = Filter> {
    prop_oneof![
        (filter_field(), field_value()).prop_map(|(f, v)| Filter::term(f, v)),
        (filter_field(), range_bound(), range_bound()).prop_map(|(f, lo, hi)| Filter::range(f, lo, hi)),
    ]
}

/// Builder-made filters nested at most 4 levels deep.
fn filter() -> impl Strategy<Value = Filter> {
    leaf().prop_recursive(4, 48, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..5)
                .prop_map(|parts| parts.into_iter().reduce(Filter::and).unwrap_or_else(|| unreachable!())),
            prop::collection::vec(inner.clone(), 2..5)
                .prop_map(|parts| parts.into_iter().reduce(|a, b| a | b).unwrap_or_else(|| unreachable!())),
            inner.clone().prop_map(|f| !f),
            (inner.clone(), inner).prop_map(|(a, b)| a & b),
        ]
    })
}

/// Text made of the filter grammar's tokens, glued with or without spaces.
fn token_soup() -> impl Strategy<Value = String> {
    let token = select(vec![
        "(",
        ")",
        "!",
        "&&",
        "||",
        "&",
        "|",
        ":",
        "[",
        "]",
        "{",
        "}",
        "TO",
        "*",
        "1",
        "-2.5",
        "1e3",
        "a",
        "floor",
        "external_image_id",
        "face_id",
        "true",
        "x-1",
        "张",
        " ",
        "  ",
        "\t",
    ]);
    prop::collection::vec((token, any::<bool>()), 0..40).prop_map(|parts| {
        parts.into_iter().fold(String::new(), |mut s, (t, space)| {
            s.push_str(t);
            if space {
                s.push(' ');
            }
            s
        })
    })
}

// ---------------------------------------------------------------------------------------------
// (a) and (b): printing and parsing
// ---------------------------------------------------------------------------------------------

/// Checks the structural invariants: `&&`/`||` have ≥ 2 parts, none of the same kind.
fn well_formed(f: &Filter) -> bool {
    match f.expr() {
        FilterExpr::Term { .. } | FilterExpr::Range { .. } => true,
        FilterExpr::And(parts) => {
            parts.len() >= 2
                && parts.iter().all(|p| !matches!(p.expr(), FilterExpr::And(_)) && well_formed(p))
        }
        FilterExpr::Or(parts) => {
            parts.len() >= 2 && parts.iter().all(|p| !matches!(p.expr(), FilterExpr::Or(_)) && well_formed(p))
        }
        FilterExpr::Not(inner) => well_formed(inner),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_printed_filters_parse_back(f in filter()) {
        prop_assert!(well_formed(&f), "{:?}", f);
        let text = f.to_string();
        let parsed = Filter::parse(&text);
        prop_assert_eq!(parsed.as_ref(), Ok(&f), "text {:?}", text);
        // The text is canonical: single spaces, no space around ':'.
        prop_assert!(!text.contains("  ") && !text.contains(" :") && !text.contains(": "), "{}", text);
        // Serde goes through the same text.
        let json = serde_json::to_string(&f).unwrap();
        prop_assert_eq!(serde_json::from_str::<Filter>(&json).unwrap(), f);
    }

    #[test]
    fn b_parser_never_panics_on_any_text(text in ".*") {
        check_parse_outcome(&text)?;
    }

    #[test]
    fn b_parser_never_panics_on_token_soup(text in token_soup()) {
        check_parse_outcome(&text)?;
    }

    #[test]
    fn b_parser_never_panics_on_mangled_filters(
        f in filter(),
        cut in any::<prop::sample::Index>(),
        insert in select(vec!["(", ")", "!", "&", "|", ":", "[", "}", " ", "*", "x"]),
    ) {
        let text = f.to_string();
        let chars: Vec<char> = text.chars().collect();
        let at = cut.index(chars.len() + 1);
        let mangled: String =
            chars[..at].iter().copied().chain(insert.chars()).chain(chars[at..].iter().copied()).collect();
        check_parse_outcome(&mangled)?;
        let truncated: String = chars[..at].iter().collect();
        check_parse_outcome(&truncated)?;
    }
}

/// Writes `f` in a valid but non-canonical spelling chosen by `choices`: random whitespace
/// between tokens, redundant parentheses, `&&` groups inside `||` left bare (precedence),
/// and either bracket next to an open range end. Written without the library's printer.
fn spell(f: &Filter, choices: &mut impl Iterator<Item = u8>) -> String {
    let mut pick = |n: u8| choices.next().unwrap_or(0) % n;
    fn go(f: &Filter, pick: &mut dyn FnMut(u8) -> u8) -> String {
        let ws = |pick: &mut dyn FnMut(u8) -> u8, required: bool| {
            let options = ["", " ", "  ", "\t", "\n ", " \r\n"];
            let i = usize::from(pick(6));
            if required && i == 0 { " " } else { options[i] }
        };
        let wrap = |text: String, pick: &mut dyn FnMut(u8) -> u8, required: bool| {
            if required || pick(3) == 0 {
                format!("({}{}{})", ws(pick, false), text, ws(pick, false))
            } else {
                text
            }
        };
        match f.expr() {
            FilterExpr::Term { field, value } => {
                format!("{}{}:{}{}", field, ws(pick, false), ws(pick, false), value)
            }
            FilterExpr::Range { field, low, high } => {
                let end = |b: &RangeBound, pick: &mut dyn FnMut(u8) -> u8, brackets: [char; 2]| match b {
                    RangeBound::Unbounded => ("*".to_owned(), brackets[usize::from(pick(2))]),
                    RangeBound::Inclusive(n) => (n.to_string(), brackets[0]),
                    RangeBound::Exclusive(n) => (n.to_string(), brackets[1]),
                };
                let (lo, open) = end(low, pick, ['[', '{']);
                let (hi, close) = end(high, pick, [']', '}']);
                format!(
                    "{field}{}:{}{open}{}{lo}{}TO{}{hi}{}{close}",
                    ws(pick, false),
                    ws(pick, false),
                    ws(pick, false),
                    ws(pick, true),
                    ws(pick, true),
                    ws(pick, false)
                )
            }
            FilterExpr::And(parts) => {
                let mut out = Vec::new();
                for p in parts {
                    let text = go(p, pick);
                    out.push(wrap(text, pick, matches!(p.expr(), FilterExpr::Or(_))));
                }
                let mut joined = String::new();
                for (i, part) in out.iter().enumerate() {
                    if i > 0 {
                        joined.push_str(ws(pick, false));
                        joined.push_str("&&");
                        joined.push_str(ws(pick, false));
                    }
                    joined.push_str(part);
                }
                joined
            }
            FilterExpr::Or(parts) => {
                let mut joined = String::new();
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        joined.push_str(ws(pick, false));
                        joined.push_str("||");
                        joined.push_str(ws(pick, false));
                    }
                    let text = go(p, pick);
                    joined.push_str(&wrap(text, pick, false));
                }
                joined
            }
            FilterExpr::Not(inner) => {
                let text = go(inner, pick);
                let grouped = matches!(inner.expr(), FilterExpr::And(_) | FilterExpr::Or(_));
                let inner_text = wrap(text, pick, grouped);
                format!("({}!{}{}{})", ws(pick, false), ws(pick, false), inner_text, ws(pick, false))
            }
        }
    }
    let text = go(f, &mut pick);
    format!("{}{}{}", if pick(2) == 0 { "" } else { "  " }, text, if pick(2) == 0 { "" } else { "\n" })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn b_non_canonical_spellings_parse_to_the_same_tree(
        f in filter(),
        choices in prop::collection::vec(any::<u8>(), 64),
    ) {
        let text = spell(&f, &mut choices.iter().copied().cycle());
        prop_assert_eq!(Filter::parse(&text), Ok(f), "{:?}", text);
        check_parse_outcome(&text)?;
    }
}

/// Whatever the parser makes of `text`: an accepted text re-prints canonically and parses
/// back to the same tree; a rejected one has an error position inside the text (or at its end).
fn check_parse_outcome(text: &str) -> Result<(), TestCaseError> {
    match Filter::parse(text) {
        Ok(f) => {
            prop_assert!(well_formed(&f));
            let canonical = f.to_string();
            prop_assert_eq!(Filter::parse(&canonical), Ok(f), "{:?} -> {:?}", text, canonical);
        }
        Err(err) => {
            prop_assert!(err.position() <= text.chars().count(), "{:?}: {}", text, err);
            prop_assert!(err.to_string().starts_with("invalid filter: "));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// (c) evaluation against an oracle
// ---------------------------------------------------------------------------------------------

const NAMES: [&str; 3] = ["a", "b", "c"];
const WORDS: [&str; 4] = ["x", "y", "3", "true"];

/// A stored value from a small pool, so that terms often hit.
fn stored_value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        (-3i64..4).prop_map(|n| Some(json!(n))),
        (-6i32..7).prop_map(|n| Some(json!(f64::from(n) / 2.0))),
        select(WORDS.to_vec()).prop_map(|w| Some(json!(w))),
        any::<bool>().prop_map(|b| Some(json!(b))),
    ]
}

fn face() -> impl Strategy<Value = (String, Map<String, Value>)> {
    (select(vec!["img-1", "img-2"]), [stored_value(), stored_value(), stored_value()]).prop_map(
        |(id, values)| {
            let mut fields = Map::new();
            for (name, value) in NAMES.iter().zip(values) {
                if let Some(v) = value {
                    fields.insert((*name).to_owned(), v);
                }
            }
            (id.to_owned(), fields)
        },
    )
}

/// A simple filter in plain data, evaluated by [`oracle`].
#[derive(Debug, Clone)]
enum Simple {
    Term(&'static str, String),
    Range(&'static str, Option<(f64, bool)>, Option<(f64, bool)>),
    Not(Box<Self>),
    And(Box<Self>, Box<Self>),
    Or(Box<Self>, Box<Self>),
}

fn simple_leaf() -> impl Strategy<Value = Simple> {
    let field = select(vec!["a", "b", "c", "external_image_id"]);
    let term_text = prop_oneof![
        (-3i64..4).prop_map(|n| n.to_string()),
        (-6i32..7).prop_map(|n| format!("{:.1}", f64::from(n) / 2.0)),
        select(vec!["x", "y", "3", "true", "false", "img-1", "img-2", "003", "1e0"]).prop_map(str::to_owned),
    ];
    let end = proptest::option::of(((-6i32..7).prop_map(|n| f64::from(n) / 2.0), any::<bool>()));
    prop_oneof![
        (field.clone(), term_text).prop_map(|(f, t)| Simple::Term(f, t)),
        (field, end.clone(), end).prop_map(|(f, lo, hi)| Simple::Range(f, lo, hi)),
    ]
}

fn simple() -> impl Strategy<Value = Simple> {
    let one = prop_oneof![simple_leaf(), simple_leaf().prop_map(|s| Simple::Not(Box::new(s)))];
    prop_oneof![
        one.clone(),
        (one.clone(), one.clone()).prop_map(|(a, b)| Simple::And(Box::new(a), Box::new(b))),
        (one.clone(), one).prop_map(|(a, b)| Simple::Or(Box::new(a), Box::new(b))),
    ]
}

/// A number literal as the grammar spells it, checked character by character.
fn literal_number(text: &str) -> Option<f64> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let ok = body.starts_with(|c: char| c.is_ascii_digit())
        && body.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if ok { text.parse().ok() } else { None }
}

fn oracle(s: &Simple, id: &str, fields: &Map<String, Value>) -> bool {
    match s {
        Simple::Term("external_image_id", text) => id == text,
        Simple::Term(name, text) => match fields.get(*name) {
            Some(Value::String(stored)) => stored == text,
            Some(Value::Bool(stored)) => text == if *stored { "true" } else { "false" },
            Some(Value::Number(n)) => literal_number(text) == n.as_f64(),
            _ => false,
        },
        Simple::Range("external_image_id", ..) => false,
        Simple::Range(name, lo, hi) => match fields.get(*name).and_then(Value::as_f64) {
            Some(x) => {
                lo.is_none_or(|(v, incl)| if incl { x >= v } else { x > v })
                    && hi.is_none_or(|(v, incl)| if incl { x <= v } else { x < v })
            }
            None => false,
        },
        Simple::Not(inner) => !oracle(inner, id, fields),
        Simple::And(a, b) => oracle(a, id, fields) && oracle(b, id, fields),
        Simple::Or(a, b) => oracle(a, id, fields) || oracle(b, id, fields),
    }
}

/// The same filter built with the library's builder.
fn build(s: &Simple) -> Filter {
    let field = |name: &str| FilterField::new(name).unwrap();
    let bound = |end: &Option<(f64, bool)>| match end {
        None => RangeBound::Unbounded,
        Some((v, true)) => RangeBound::Inclusive(RangeNumber::try_from(*v).unwrap()),
        Some((v, false)) => RangeBound::Exclusive(RangeNumber::try_from(*v).unwrap()),
    };
    match s {
        Simple::Term(name, text) => Filter::term(field(name), FieldValue::new(text.as_str()).unwrap()),
        Simple::Range(name, lo, hi) => Filter::range(field(name), bound(lo), bound(hi)),
        Simple::Not(inner) => !build(inner),
        Simple::And(a, b) => build(a) & build(b),
        Simple::Or(a, b) => build(a) | build(b),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn c_matches_agrees_with_oracle(s in simple(), (id, fields) in face()) {
        let f = build(&s);
        let expected = oracle(&s, &id, &fields);
        prop_assert_eq!(filter_matches(&f, &id, &fields), expected, "{} on {} {:?}", f, id, fields);
        // The parsed text evaluates the same way.
        let parsed = Filter::parse(&f.to_string()).unwrap();
        prop_assert_eq!(filter_matches(&parsed, &id, &fields), expected);
    }
}

// ---------------------------------------------------------------------------------------------
// (d) sort serde
// ---------------------------------------------------------------------------------------------

fn sort_order() -> impl Strategy<Value = SortOrder> {
    prop_oneof![Just(SortOrder::Asc), Just(SortOrder::Desc)]
}

proptest! {
    #[test]
    fn d_sort_round_trips(
        keys in prop::collection::vec((select(vec!["a", "b", "c", "ts", "row-key"]), sort_order()), 0..8),
    ) {
        let keys: Vec<(FieldName, SortOrder)> =
            keys.into_iter().map(|(n, o)| (FieldName::new(n).unwrap(), o)).collect();
        // Oracle: distinct names in order of first occurrence, each with its last order.
        let mut expected: Vec<(FieldName, SortOrder)> = Vec::new();
        for (name, _) in &keys {
            if !expected.iter().any(|(n, _)| n == name) {
                let last = keys.iter().rev().find(|(n, _)| n == name).map(|(_, o)| *o).unwrap();
                expected.push((name.clone(), last));
            }
        }
        let sort: Sort = keys.iter().cloned().collect();
        prop_assert_eq!(sort.keys(), expected.as_slice());

        // The raw array, duplicates and all, deserializes to the same sort.
        let raw = Value::Array(keys.iter().map(|(n, o)| json!({ n.as_str(): o.as_str() })).collect());
        let from_raw: Sort = serde_json::from_value(raw).unwrap();
        prop_assert_eq!(&from_raw, &sort);

        let text = serde_json::to_string(&sort).unwrap();
        prop_assert_eq!(&text, &sort.to_json_text());
        prop_assert_eq!(serde_json::from_str::<Sort>(&text).unwrap(), sort);
    }
}

// ---------------------------------------------------------------------------------------------
// (e) type checks
// ---------------------------------------------------------------------------------------------

const NUMERIC: [FieldType; 4] = [FieldType::Integer, FieldType::Long, FieldType::Float, FieldType::Double];

fn one_field(ty: FieldType) -> impl Fn(&FieldName) -> Option<FieldType> {
    move |name: &FieldName| (name.as_str() == "f").then_some(ty)
}

fn f() -> FieldName {
    FieldName::new("f").unwrap()
}

/// Checks that `filter` is rejected for field `f` under `ty`, and returns the rule.
fn rejected(filter: &Filter, ty: FieldType) -> Result<FilterTypeRule, TestCaseError> {
    match filter.check_types(one_field(ty)) {
        Ok(()) => Err(TestCaseError::fail(format!("{filter} accepted for a {} field", ty.as_str()))),
        Err(err) => {
            prop_assert_eq!(err.field().as_str(), "f");
            prop_assert!(err.to_string().starts_with("invalid filter: field f: "), "{}", err);
            Ok(err.rule().clone())
        }
    }
}

proptest! {
    #[test]
    fn e_words_do_not_fit_numeric_or_boolean_fields(
        word in "[A-Za-z_][A-Za-z0-9_-]{0,10}",
        ty in select(vec![
            FieldType::Integer,
            FieldType::Long,
            FieldType::Float,
            FieldType::Double,
            FieldType::Boolean,
        ]),
    ) {
        prop_assume!(word != "true" && word != "false");
        let filter = Filter::term(f(), FieldValue::new(word).unwrap());
        let rule = rejected(&filter, ty)?;
        let fits = matches!(rule, FilterTypeRule::ValueType { expected, .. } if expected == ty);
        prop_assert!(fits, "{:?}", rule);
        prop_assert_eq!(filter.check_types(one_field(FieldType::String)), Ok(()));
    }

    #[test]
    fn e_fractions_and_big_numbers_do_not_fit_integer_fields(
        int in -1000i64..1000,
        frac in 1u32..1000,
        big in (i64::from(i32::MAX) + 1)..i64::MAX,
    ) {
        let fraction = Filter::term(f(), FieldValue::new(format!("{int}.{frac}")).unwrap());
        let rule = rejected(&fraction, FieldType::Integer)?;
        prop_assert!(matches!(rule, FilterTypeRule::ValueType { .. }), "{:?}", rule);
        let rule = rejected(&fraction, FieldType::Long)?;
        prop_assert!(matches!(rule, FilterTypeRule::ValueType { .. }), "{:?}", rule);
        prop_assert_eq!(fraction.check_types(one_field(FieldType::Double)), Ok(()));
        let bound = Filter::at_least(f(), format!("{int}.{frac}").parse::<RangeNumber>().unwrap());
        let rule = rejected(&bound, FieldType::Integer)?;
        prop_assert!(matches!(rule, FilterTypeRule::BoundType { .. }), "{:?}", rule);
        let wide = Filter::term(f(), big);
        let rule = rejected(&wide, FieldType::Integer)?;
        prop_assert!(matches!(rule, FilterTypeRule::ValueType { .. }), "{:?}", rule);
        prop_assert_eq!(wide.check_types(one_field(FieldType::Long)), Ok(()));
        prop_assert_eq!(Filter::term(f(), int).check_types(one_field(FieldType::Integer)), Ok(()));
    }

    #[test]
    fn e_ranges_need_numeric_fields(
        lo in range_bound(),
        hi in range_bound(),
        ty in select(vec![FieldType::String, FieldType::Boolean]),
    ) {
        let filter = Filter::range(f(), lo.clone(), hi.clone());
        prop_assert_eq!(rejected(&filter, ty)?, FilterTypeRule::RangeNotNumeric { actual: ty });
        let on_id = Filter::range(FilterField::ExternalImageId, lo, hi);
        let rule = on_id.check_types(one_field(ty)).unwrap_err();
        prop_assert_eq!(rule.rule(), &FilterTypeRule::ExternalImageIdRange);
    }

    #[test]
    fn e_integer_ranges_fit_every_numeric_field(
        lo in -1000i32..1000,
        hi in -1000i32..1000,
        ty in select(NUMERIC.to_vec()),
    ) {
        prop_assert_eq!(Filter::between(f(), lo, hi).check_types(one_field(ty)), Ok(()));
    }

    #[test]
    fn e_errors_are_found_anywhere_in_the_tree(other in filter()) {
        // A bad term hidden next to an arbitrary filter on undeclared fields: the first
        // error in text order is reported and names its field.
        let bad = Filter::term(f(), FieldValue::new("abc").unwrap());
        let err = (other.clone() & !bad.clone()).check_types(one_field(FieldType::Integer)).unwrap_err();
        let first_is_other = other.check_types(one_field(FieldType::Integer)).is_err();
        if !first_is_other {
            prop_assert_eq!(err.field(), &FilterField::Custom(f()));
        }
        prop_assert!(bad.check_types(one_field(FieldType::Integer)).is_err());
    }
}
