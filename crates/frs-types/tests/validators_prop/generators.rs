//! The generators: inputs valid or invalid by construction, and arbitrary text.

use std::ops::RangeInclusive;

use crate::oracles::*;
use proptest::prelude::*;
use proptest::sample::{Index, select};

pub(crate) fn ascii_word_chars() -> Vec<char> {
    ('a'..='z').chain('A'..='Z').chain('0'..='9').chain(['-', '_']).collect()
}

/// Strings of `[A-Za-z0-9_-]` with a length in `len`: valid by construction when `len` is
/// within the rule.
pub(crate) fn ascii_word(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(select(ascii_word_chars()), len).prop_map(String::from_iter)
}

/// Characters that break URLs, queries or naive validators, plus a few valid ones.
pub(crate) const TRICKY: &[char] = &[
    ' ', '&', '=', '+', '#', '%', '/', '?', '~', '*', '\'', '"', '.', ',', ':', ';', '\\', '<', '>', '@',
    '!', '$', '(', ')', '[', ']', '{', '}', '|', '^', '`', '\t', '\n', '\r', '\0', '\u{7f}', '\u{85}', 'é',
    'ß', 'Ω', 'Я', '张', '三', '٣', 'Ⅻ', '²', '½', '😀', '\u{301}', '\u{200b}', '\u{a0}', '\u{3000}',
    '\u{feff}', '\u{ff0d}', '\u{ff3f}', '\u{2010}', '\u{2212}', 'a', 'Z', '0', '9', '-', '_', 'e', 'E',
];

pub(crate) fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(select(TRICKY), 0..=300).prop_map(String::from_iter)
}

/// Any text at all: arbitrary Unicode (including control characters), the tricky set,
/// empty, long and boundary-length word strings, and reserved names.
pub(crate) fn arbitrary_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        3 => prop::collection::vec(any::<char>(), 0..=300).prop_map(String::from_iter),
        4 => tricky_text(),
        1 => Just(String::new()),
        3 => ascii_word(0..=300),
        4 => ascii_word(30..=70),
        1 => select(RESERVED_FROM_DOCS.to_vec()).prop_map(str::to_owned),
    ]
}

/// A character outside `[A-Za-z0-9_-]`.
pub(crate) fn non_ascii_word_char() -> impl Strategy<Value = char> {
    prop_oneof![
        select(TRICKY).prop_map(|c| if in_ascii_word_set(c) { '%' } else { c }),
        any::<char>().prop_map(|c| if in_ascii_word_set(c) { ' ' } else { c }),
    ]
}

pub(crate) fn unicode_word_char() -> impl Strategy<Value = char> {
    prop_oneof![
        select(ascii_word_chars()),
        prop::char::range('\u{4e00}', '\u{9fa5}'),
        select(vec!['é', 'ß', 'Ω', 'Я', '٣', 'Ⅻ', '²', '½', 'ا', 'ñ', 'ü']),
        // Any character, replaced by a fixed letter when it is not one (a map, not a
        // filter, so nothing is rejected).
        any::<char>().prop_map(|c| if c.is_alphabetic() || c.is_numeric() { c } else { 'ж' }),
    ]
}

/// Valid string values by construction: letters and digits of any script, `-`, `_`.
pub(crate) fn unicode_word(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(unicode_word_char(), len).prop_map(String::from_iter)
}

pub(crate) fn digit_string(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    prop::collection::vec(select(('0'..='9').collect::<Vec<_>>()), len).prop_map(String::from_iter)
}

/// Number literals that are finite by construction: at most 20 integer digits, an optional
/// fraction, and an exponent of at most 280.
pub(crate) fn finite_number_literal() -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        digit_string(1..=20),
        prop::option::of(digit_string(1..=20)),
        prop::option::of((select(vec!['e', 'E']), select(vec!["", "+", "-"]), 0u32..=280)),
    )
        .prop_map(|(neg, int, frac, exp)| {
            let mut s = String::new();
            if neg {
                s.push('-');
            }
            s.push_str(&int);
            if let Some(frac) = frac {
                s.push('.');
                s.push_str(&frac);
            }
            if let Some((e, sign, n)) = exp {
                s.push(e);
                s.push_str(sign);
                s.push_str(&n.to_string());
            }
            s
        })
}

/// Decimal number literals of exactly `len` characters (a digit before and after the dot,
/// optionally a leading `-`); finite, since they have at most 300 digits (f64 overflows
/// only past 309).
pub(crate) fn decimal_of_len(len: RangeInclusive<usize>) -> impl Strategy<Value = String> {
    (len, any::<bool>(), any::<Index>(), any::<Index>()).prop_map(|(len, neg, dot, seed)| {
        // At least one digit on each side of the dot.
        let sign = if neg && len >= 4 { "-" } else { "" };
        let digits = len - 1 - sign.len();
        let before = 1 + dot.index(digits - 1);
        let fill = |n: usize, from: usize| -> String {
            (0..n).map(|i| char::from(b'0' + u8::try_from((from + i * 7) % 10).unwrap())).collect()
        };
        let start = seed.index(10);
        format!("{sign}{}.{}", fill(before, start), fill(digits - before, start + 3))
    })
}

/// Number literals that overflow f64 by construction: a non-zero leading digit and an
/// exponent of at least 400 (and `+` or no sign).
pub(crate) fn overflowing_number_literal(with_fraction: bool) -> impl Strategy<Value = String> {
    (
        any::<bool>(),
        1u8..=9,
        digit_string(0..=5),
        digit_string(1..=5),
        select(vec!["e", "E", "e+", "E+"]),
        400u32..=99_999,
    )
        .prop_map(move |(neg, lead, rest, frac, e, exp)| {
            let sign = if neg { "-" } else { "" };
            if with_fraction {
                format!("{sign}{lead}{rest}.{frac}{e}{exp}")
            } else {
                format!("{sign}{lead}{rest}{e}{exp}")
            }
        })
}

/// Inputs aimed at the custom-field value rules.
pub(crate) fn value_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => arbitrary_text(),
        3 => finite_number_literal(),
        1 => overflowing_number_literal(true),
        1 => overflowing_number_literal(false),
        3 => prop::collection::vec(select(vec!['0', '1', '9', '.', 'e', 'E', '+', '-', 'f', 'L', 'd', ' ']), 0..=12)
            .prop_map(String::from_iter),
        3 => unicode_word(1..=64),
        2 => unicode_word(250..=262),
        1 => digit_string(15..=30),
        2 => decimal_of_len(250..=262),
        1 => digit_string(250..=262),
        1 => select(vec![
            "true", "false", "True", "FALSE", " true", "true ", "", "1.0f", "1.0d", "100L", "+1", ".5", "1.", "-",
            "_", "007", "-0", "1e5", "1E+5", "2e3", "-1.25E-7", "a b", "a&b", "x=1", "50%", "a/b", "'q'", "\"q\"",
            "1,5", "0x1F", "NaN", "inf", "1e999", "1.5e999", "张三", "A-1001",
        ])
        .prop_map(str::to_owned),
    ]
}

/// Replaces the character at `at` of `base` with `ch`; returns the text and the position.
pub(crate) fn with_char_at(base: &str, at: Index, ch: char) -> (String, usize) {
    let chars: Vec<char> = base.chars().collect();
    let pos = at.index(chars.len());
    let mut out: String = chars[..pos].iter().collect();
    out.push(ch);
    out.extend(&chars[pos + 1..]);
    (out, pos)
}
