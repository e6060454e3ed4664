//! The profile file of the official SDKs (`~/.huaweicloud/credentials`), parsed from text.
//!
//! The format is INI as Python's `configparser` reads it: `[section]` headers, `key = value`
//! (or `key: value`) lines, whole-line comments starting with `#` or `;`, keys in any case.
//! Only the `[basic]` section is read (`ak`, `sk`, `security_token`, `project_id`,
//! `iam_endpoint`); other sections and keys are ignored. Values are taken verbatim (no inline
//! comments: a secret may contain `#`). Errors name the line and never repeat its text, since
//! the line may hold a secret.

use std::collections::HashMap;
use std::fmt;

use crate::credentials::masked_access_key;
use crate::secret::Secret;

/// The name of the section read.
pub const BASIC: &str = "basic";

/// A parsed profile file: its `[basic]` section, if it has one.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    basic: Option<ProfileSection>,
}

impl Profile {
    /// The `[basic]` section.
    pub fn basic(&self) -> Option<&ProfileSection> {
        self.basic.as_ref()
    }
}

/// The keys of a `[basic]` section this SDK reads; an empty value counts as absent. `Debug`
/// masks the access key and hides the secrets.
#[derive(Clone, Default)]
pub struct ProfileSection {
    /// The line of the section header.
    pub line: usize,
    /// `ak`.
    pub ak: Option<String>,
    /// `sk`.
    pub sk: Option<Secret>,
    /// `security_token`.
    pub security_token: Option<Secret>,
    /// `project_id`.
    pub project_id: Option<String>,
    /// `iam_endpoint`.
    pub iam_endpoint: Option<String>,
}

impl fmt::Debug for ProfileSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileSection")
            .field("line", &self.line)
            .field("ak", &self.ak.as_deref().map(masked_access_key))
            .field("sk", &self.sk)
            .field("security_token", &self.security_token)
            .field("project_id", &self.project_id)
            .field("iam_endpoint", &self.iam_endpoint)
            .finish()
    }
}

/// Why a profile file could not be read: the line (1-based) and what is wrong with it. The
/// line's text is never part of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {kind}")]
pub struct ProfileError {
    /// The line, counting from 1.
    pub line: usize,
    /// What is wrong.
    pub kind: ProfileErrorKind,
}

/// What is wrong with a line of a profile file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileErrorKind {
    /// `[name` without its `]`.
    #[error("a section header must end with ']'")]
    UnclosedSection,
    /// `[]`.
    #[error("the section header has no name")]
    EmptySectionName,
    /// A `key = value` line before the first section header.
    #[error("a key before any [section] header (credentials go under [basic])")]
    KeyOutsideSection,
    /// A line that is neither a header, a comment nor `key = value`.
    #[error("expected 'key = value', a [section] header or a comment")]
    NotKeyValue,
    /// `= value`.
    #[error("the line has a value but no key")]
    EmptyKey,
    /// A section header seen twice.
    #[error("section [{name}] appears twice (first at line {first_line})")]
    DuplicateSection {
        /// The section's name.
        name: String,
        /// The line of its first header.
        first_line: usize,
    },
    /// A key seen twice in one section.
    #[error("key {key} appears twice in [{section}] (first at line {first_line})")]
    DuplicateKey {
        /// The key.
        key: String,
        /// The section.
        section: String,
        /// The line of its first occurrence.
        first_line: usize,
    },
}

/// Parses the text of a profile file.
///
/// # Errors
/// [`ProfileError`] for a line that is not INI, or a section or key that appears twice (as
/// `configparser` refuses them).
///
/// ```
/// use frs_request::chain::parse_profile;
///
/// let text = "# my keys\n[basic]\nak = MY-AK\nsk = MY-SK\nproject_id = 0a1b2c3d\n\n[global]\nak = OTHER\n";
/// let basic = parse_profile(text)?.basic().cloned().unwrap_or_default();
/// assert_eq!(basic.ak.as_deref(), Some("MY-AK"));
/// assert_eq!(basic.sk.as_ref().map(|s| s.expose()), Some("MY-SK"));
/// assert_eq!(basic.project_id.as_deref(), Some("0a1b2c3d"));
///
/// let err = parse_profile("[basic]\nak = MY-AK\nMY-SK\n").unwrap_err();
/// assert_eq!(err.to_string(), "line 3: expected 'key = value', a [section] header or a comment");
/// # Ok::<(), frs_request::chain::ProfileError>(())
/// ```
pub fn parse_profile(text: &str) -> Result<Profile, ProfileError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: HashMap<String, usize> = HashMap::new();
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut current: Option<String> = None;
    let mut basic: Option<ProfileSection> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let fail = |kind| ProfileError { line, kind };
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(rest) = trimmed.strip_prefix('[') {
            // As configparser, the name runs to the last ']'; what follows is ignored.
            let end = rest.rfind(']').ok_or_else(|| fail(ProfileErrorKind::UnclosedSection))?;
            let name = rest[..end].trim();
            if name.is_empty() {
                return Err(fail(ProfileErrorKind::EmptySectionName));
            }
            if let Some(first_line) = sections.insert(name.to_owned(), line) {
                return Err(fail(ProfileErrorKind::DuplicateSection { name: name.to_owned(), first_line }));
            }
            keys.clear();
            if name == BASIC {
                basic = Some(ProfileSection { line, ..ProfileSection::default() });
            }
            current = Some(name.to_owned());
            continue;
        }
        let Some(section) = &current else {
            return Err(fail(if trimmed.contains(['=', ':']) {
                ProfileErrorKind::KeyOutsideSection
            } else {
                ProfileErrorKind::NotKeyValue
            }));
        };
        let at = trimmed.find(['=', ':']).ok_or_else(|| fail(ProfileErrorKind::NotKeyValue))?;
        let key = trimmed[..at].trim().to_lowercase();
        let value = trimmed[at + 1..].trim();
        if key.is_empty() {
            return Err(fail(ProfileErrorKind::EmptyKey));
        }
        if let Some(first_line) = keys.insert(key.clone(), line) {
            return Err(fail(ProfileErrorKind::DuplicateKey { key, section: section.clone(), first_line }));
        }
        if let (Some(basic), true) = (basic.as_mut(), section == BASIC) {
            let value = (!value.is_empty()).then(|| value.to_owned());
            match key.as_str() {
                "ak" => basic.ak = value,
                "sk" => basic.sk = value.map(Secret::new),
                "security_token" => basic.security_token = value.map(Secret::new),
                "project_id" => basic.project_id = value,
                "iam_endpoint" => basic.iam_endpoint = value,
                // domain_id, idp_id, id_token_file: other credential kinds, not read here.
                _ => {}
            }
        }
    }
    Ok(Profile { basic })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn basic(text: &str) -> ProfileSection {
        parse_profile(text).unwrap().basic().cloned().unwrap()
    }

    fn error(text: &str) -> ProfileError {
        parse_profile(text).unwrap_err()
    }

    #[test]
    fn comments_whitespace_case_and_delimiters() {
        let b = basic(
            "\u{feff}; written by hand\r\n  # indented comment\r\n\r\n  [ basic ]  ; trailing\r\n\tAK=ak-1\r\n SK : s=k:2 \r\nsecurity_token =\r\nProject_Id = p1\r\niam_endpoint = https://iam.example.com\r\nidp_id = ignored\r\n",
        );
        assert_eq!(b.line, 4);
        assert_eq!(b.ak.as_deref(), Some("ak-1"));
        // Split at the first delimiter; the rest is the value, verbatim.
        assert_eq!(b.sk.as_ref().map(Secret::expose), Some("s=k:2"));
        assert!(b.security_token.is_none(), "an empty value is absent");
        assert_eq!(b.project_id.as_deref(), Some("p1"));
        assert_eq!(b.iam_endpoint.as_deref(), Some("https://iam.example.com"));
    }

    #[test]
    fn only_the_basic_section_is_read() {
        let p = parse_profile("[global]\nak = G\nsk = GS\n[Basic]\nak = X\n").unwrap();
        assert!(p.basic().is_none(), "section names are case-sensitive, as in configparser");
        let b = basic("[global]\nak = G\n[basic]\nproject_id = p\n[other]\nak = O\nsk = OS\n");
        assert_eq!((b.ak, b.sk.is_none(), b.project_id.as_deref()), (None, true, Some("p")));
        assert!(parse_profile("").unwrap().basic().is_none());
        assert!(parse_profile("# nothing\n").unwrap().basic().is_none());
    }

    #[test]
    fn values_keep_hashes_and_semicolons() {
        let b = basic("[basic]\nsk = abc#def;ghi\n");
        assert_eq!(b.sk.as_ref().map(Secret::expose), Some("abc#def;ghi"));
    }

    #[test]
    fn bad_lines_are_reported_with_their_number_and_never_their_text() {
        let cases: [(&str, usize, ProfileErrorKind); 7] = [
            ("ak = TOP-SECRET-1\n", 1, ProfileErrorKind::KeyOutsideSection),
            ("TOP-SECRET-1\n[basic]\n", 1, ProfileErrorKind::NotKeyValue),
            ("[basic]\nak = a\nTOP-SECRET-1\n", 3, ProfileErrorKind::NotKeyValue),
            ("\n\n[basic\nsk = TOP-SECRET-1\n", 3, ProfileErrorKind::UnclosedSection),
            ("[ ]\n", 1, ProfileErrorKind::EmptySectionName),
            ("[basic]\n= TOP-SECRET-1\n", 2, ProfileErrorKind::EmptyKey),
            (
                "[basic]\nsk = TOP-SECRET-1\n# c\nSK = TOP-SECRET-2\n",
                4,
                ProfileErrorKind::DuplicateKey { key: "sk".into(), section: "basic".into(), first_line: 2 },
            ),
        ];
        for (text, line, kind) in cases {
            let err = error(text);
            assert_eq!(err, ProfileError { line, kind }, "{text:?}");
            let shown = format!("{err} {err:?}");
            assert!(shown.starts_with(&format!("line {line}: ")), "{shown}");
            assert!(!shown.contains("TOP-SECRET"), "{shown}");
        }
        assert_eq!(
            error("[basic]\n[global]\n[basic]\n"),
            ProfileError {
                line: 3,
                kind: ProfileErrorKind::DuplicateSection { name: "basic".into(), first_line: 1 }
            }
        );
        // A key may appear once per section.
        assert!(parse_profile("[basic]\nak = a\n[global]\nak = b\n").is_ok());
    }

    #[test]
    fn debug_hides_the_secrets() {
        let b = basic("[basic]\nak = AKEXAMPLE123\nsk = TOP-SECRET-1\nsecurity_token = TOP-SECRET-2\n");
        let shown = format!("{b:?} {:?}", parse_profile("[basic]\nsk = TOP-SECRET-1\n").unwrap());
        assert!(!shown.contains("TOP-SECRET") && !shown.contains("AKEXAMPLE123"), "{shown}");
    }
}
