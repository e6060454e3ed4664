//! The `frs:` declaration grammar, once for the reader (the engine) and the writer
//! (`testimage`).
//!
//! A declaration is a key and a value, written either as a **keyword** `frs:<key>` (the
//! keyword of a PNG text chunk, whose text is the value) or as a **token**
//! `frs:<key>=<value>` anywhere in the bytes. Keys are `[A-Za-z0-9_]+`, token values
//! `[A-Za-z0-9_.,-]+` (a token's value ends at the first other byte). The keys the engine
//! knows are [`Key`]; others are read and listed, but mean nothing.

use std::collections::BTreeMap;
use std::fmt;

/// What every keyword and token starts with.
const PREFIX: &[u8] = b"frs:";

/// A key the engine knows. The order is the order in which the test file builders write
/// their declarations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Key {
    /// Who is in the picture or video.
    Person,
    /// How many faces.
    Faces,
    /// An image's silent liveness verdict.
    Live,
    /// A video's length in milliseconds.
    DurationMs,
    /// Whether a video films a live person.
    Alive,
    /// The action codes performed in a video.
    Actions,
    /// A video's frame rate.
    Fps,
    /// Which picture or recording of the person.
    Variant,
    /// The first face's gender.
    Gender,
    /// The first face's age.
    Age,
    /// The first face's glasses.
    Glass,
    /// The first face's hat.
    Hat,
    /// The first face's mask.
    Mask,
    /// The first face's beard.
    Beard,
    /// The first face's hair.
    Hair,
    /// The kind of photo.
    Phototype,
    /// The first face's expression.
    Expression,
}

impl Key {
    /// Every key.
    pub(crate) const ALL: [Self; 17] = [
        Self::Person,
        Self::Faces,
        Self::Live,
        Self::DurationMs,
        Self::Alive,
        Self::Actions,
        Self::Fps,
        Self::Variant,
        Self::Gender,
        Self::Age,
        Self::Glass,
        Self::Hat,
        Self::Mask,
        Self::Beard,
        Self::Hair,
        Self::Phototype,
        Self::Expression,
    ];

    /// The key as written after `frs:`.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Self::Person => "person",
            Self::Faces => "faces",
            Self::Live => "live",
            Self::DurationMs => "duration_ms",
            Self::Alive => "alive",
            Self::Actions => "actions",
            Self::Fps => "fps",
            Self::Variant => "variant",
            Self::Gender => "gender",
            Self::Age => "age",
            Self::Glass => "glass",
            Self::Hat => "hat",
            Self::Mask => "mask",
            Self::Beard => "beard",
            Self::Hair => "hair",
            Self::Phototype => "phototype",
            Self::Expression => "expression",
        }
    }

    /// The key written as `text`; `None` for a key the engine does not know.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_value_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b',' | b'-')
}

/// `text` with every character `allowed` does not accept written as `_`.
fn sanitize(text: &str, allowed: fn(u8) -> bool) -> String {
    text.chars().map(|c| if c.is_ascii() && allowed(c as u8) { c } else { '_' }).collect()
}

/// The keyword `frs:<key>` (characters a key cannot hold become `_`).
pub(crate) fn keyword(key: &str) -> String {
    format!("frs:{}", sanitize(key, is_key_byte))
}

/// The key of a keyword `frs:<key>`; `None` when `keyword` is not one.
pub(crate) fn parse_keyword(keyword: &[u8]) -> Option<String> {
    let key = keyword.strip_prefix(PREFIX)?;
    (!key.is_empty() && key.iter().all(|&b| is_key_byte(b)))
        .then(|| String::from_utf8_lossy(key).into_owned())
}

/// The token `frs:<key>=<value>` (characters a key or value cannot hold become `_`; an
/// empty value is written as `_`).
pub(crate) fn token(key: &str, value: &str) -> String {
    let value = sanitize(value, is_value_byte);
    let value = if value.is_empty() { "_" } else { &value };
    format!("{}={value}", keyword(key))
}

/// The declarations as tokens separated by spaces: `frs:person=alice frs:faces=2`.
pub(crate) fn tokens(declarations: &[(String, String)]) -> String {
    declarations.iter().map(|(k, v)| token(k, v)).collect::<Vec<_>>().join(" ")
}

/// Every `frs:<key>=<value>` token in the bytes, in byte order.
pub(crate) fn scan_tokens(bytes: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = bytes.get(at..).and_then(|rest| rest.windows(4).position(|w| w == PREFIX)) {
        let key_start = at + found + PREFIX.len();
        let key_len = bytes.get(key_start..).map_or(0, |r| r.iter().take_while(|&&b| is_key_byte(b)).count());
        let eq = key_start + key_len;
        at = key_start;
        if key_len == 0 || bytes.get(eq) != Some(&b'=') {
            continue;
        }
        let value_start = eq + 1;
        let value_len =
            bytes.get(value_start..).map_or(0, |r| r.iter().take_while(|&&b| is_value_byte(b)).count());
        if value_len == 0 {
            continue;
        }
        let key = String::from_utf8_lossy(bytes.get(key_start..eq).unwrap_or_default()).into_owned();
        let value =
            String::from_utf8_lossy(bytes.get(value_start..value_start + value_len).unwrap_or_default())
                .into_owned();
        out.push((key, value));
        at = value_start + value_len;
    }
    out
}

/// The declarations a test file builder writes: the known keys that were set, in [`Key`]
/// order, then any others in the order they were added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Declarations {
    known: BTreeMap<Key, String>,
    others: Vec<(String, String)>,
}

impl Declarations {
    /// Sets `key` (a second call replaces the value).
    pub(crate) fn set(&mut self, key: Key, value: impl fmt::Display) {
        self.known.insert(key, value.to_string());
    }

    /// The value set for `key`.
    pub(crate) fn get(&self, key: Key) -> Option<&str> {
        self.known.get(&key).map(String::as_str)
    }

    /// Adds a declaration by name, written after the known keys.
    pub(crate) fn push(&mut self, key: &str, value: &str) {
        self.others.push((key.to_owned(), value.to_owned()));
    }

    /// Every declaration, in the order written.
    pub(crate) fn to_vec(&self) -> Vec<(String, String)> {
        let known = self.known.iter().map(|(k, v)| (k.as_str().to_owned(), v.clone()));
        known.chain(self.others.iter().cloned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_are_key_shaped() {
        for key in Key::ALL {
            assert_eq!(Key::parse(key.as_str()), Some(key));
            assert_eq!(key.to_string(), key.as_str());
            assert_eq!(parse_keyword(keyword(key.as_str()).as_bytes()).as_deref(), Some(key.as_str()));
        }
        assert_eq!(Key::parse("unknown_key"), None);
        let mut sorted = Key::ALL;
        sorted.sort();
        assert_eq!(sorted, Key::ALL, "ALL lists the keys in writing order");
    }

    #[test]
    fn tokens_are_written_as_they_are_read() {
        assert_eq!(token("person", "Zoë 张"), "frs:person=Zo___");
        assert_eq!(token("we!rd", ""), "frs:we_rd=_");
        assert_eq!(parse_keyword(b"frs:"), None);
        assert_eq!(parse_keyword(b"Comment"), None);
        assert_eq!(parse_keyword(b"frs:a-b"), None);
        let written = [("person".to_owned(), "a.b-c_1,2".to_owned()), ("x".to_owned(), "?".to_owned())];
        let text = tokens(&written);
        assert_eq!(text, "frs:person=a.b-c_1,2 frs:x=_");
        let read = scan_tokens(text.as_bytes());
        assert_eq!(read, [("person".to_owned(), "a.b-c_1,2".to_owned()), ("x".to_owned(), "_".to_owned())]);
    }

    #[test]
    fn known_keys_are_written_first_in_key_order() {
        let mut d = Declarations::default();
        d.push("age", "30");
        d.set(Key::Variant, 7);
        d.set(Key::Person, "alice");
        d.set(Key::Person, "bob");
        assert_eq!(d.get(Key::Person), Some("bob"));
        let pairs: Vec<_> = d.to_vec().into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        assert_eq!(pairs, ["person=bob", "variant=7", "age=30"]);
    }
}
