//! A request to sign, described as plain data: the input of the signing debugger (`frs
//! sign`), one JSON object in the shape of one entry of Huawei's signing vectors
//! (`tests/data/signing-vectors.json`, see `auth.md` §12), so a vector can be fed as it is.
//! Unknown fields (`name`, `note`, `quirk`, `tags`, `expected`, …) are ignored.
//!
//! | field | meaning |
//! |---|---|
//! | `ak`, `sk` | access key and secret key (the secret is never printed) |
//! | `method` | HTTP method |
//! | `scheme` | `https` (default) or `http` |
//! | `host` | `host[:port]` |
//! | `path` | the raw path, starting with `/` |
//! | `query` | `[[key, value], …]`; a value is a string, a boolean, a number or a list of strings and numbers (one pair per element). Optional. |
//! | `headers` | `[[name, value], …]`, in the order they are given to the signer. Optional. |
//! | `body` / `body_base64` | the body as UTF-8 text or as base64 (at most one). Optional. |
//!
//! Plain data and its two conversions (query pairs, body bytes), no I/O: reading lines and
//! writing reports is the tool's business. The signing-vector test reads the vectors with
//! it too.
//!
//! ```
//! use frs_request::sign::{input::SigningInput, sign, SignableRequest};
//!
//! let input: SigningInput = serde_json::from_str(
//!     r#"{"ak":"AK","sk":"SK","method":"GET","host":"h.example.com","path":"/v2/p",
//!         "query":[["limit",5]],"headers":[["X-Sdk-Date","20240315T102030Z"]]}"#,
//! )?;
//! assert!(!format!("{input:?}").contains("\"SK\""));
//! let query = input.query_pairs()?;
//! let body = input.body_bytes()?;
//! let request = SignableRequest {
//!     method: &input.method, host: &input.host, path: &input.path,
//!     query: &query, headers: &input.headers, body: &body,
//! };
//! let signed = sign(&request, &input.ak, &input.sk, std::time::SystemTime::now())?;
//! assert_eq!(signed.request_uri, "/v2/p?limit=5");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::borrow::Cow;
use std::fmt;

use crate::secret::Secret;
use base64::Engine as _;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use serde_json::Value;

/// A request to sign, as read from one JSON object (the fields are described in the
/// [module documentation](self)).
///
/// `Debug` shows the secret key as `***`.
#[derive(Debug, Clone, Deserialize)]
pub struct SigningInput {
    /// The access key (AK).
    pub ak: String,
    /// The secret key (SK); in JSON, a string.
    #[serde(deserialize_with = "deserialize_secret")]
    pub sk: Secret,
    /// The HTTP method, any case.
    pub method: String,
    /// `https` (the default) or `http`; used only for the report's `uri`.
    #[serde(default = "default_scheme")]
    pub scheme: String,
    /// The endpoint's `host[:port]`.
    pub host: String,
    /// The raw path, starting with `/`.
    pub path: String,
    /// Query parameters, unencoded, as `[key, value]` pairs.
    #[serde(default)]
    pub query: Vec<(String, QueryValue)>,
    /// Headers as `[name, value]` pairs, in order.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// The body as UTF-8 text.
    #[serde(default)]
    pub body: Option<String>,
    /// The body as standard base64 (for binary bodies).
    #[serde(default)]
    pub body_base64: Option<String>,
}

fn default_scheme() -> String {
    "https".to_owned()
}

/// Reads a secret key from a string, and never echoes a value of another type in the error.
fn deserialize_secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
    struct SecretVisitor;

    const NOT_TEXT: &str = "the secret key `sk` must be a JSON string";

    impl Visitor<'_> for SecretVisitor {
        type Value = Secret;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the secret key as a string")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Secret, E> {
            Ok(Secret::new(v))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Secret, E> {
            Ok(Secret::new(v))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Secret, E> {
            Err(E::custom(NOT_TEXT))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Secret, E> {
            Err(E::custom(NOT_TEXT))
        }
        fn visit_i128<E: de::Error>(self, _: i128) -> Result<Secret, E> {
            Err(E::custom(NOT_TEXT))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Secret, E> {
            Err(E::custom(NOT_TEXT))
        }
        fn visit_u128<E: de::Error>(self, _: u128) -> Result<Secret, E> {
            Err(E::custom(NOT_TEXT))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Secret, E> {
            Err(E::custom(NOT_TEXT))
        }
        fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Secret, E> {
            Err(E::custom(NOT_TEXT))
        }
    }

    // `deserialize_any`, not `deserialize_string`: serde_json's own type error for a
    // non-string would quote the value.
    deserializer.deserialize_any(SecretVisitor)
}

/// One query value as written in JSON, rendered as the official client renders it.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryValue {
    /// A string, sent as it is.
    Text(String),
    /// A boolean, sent as `true` / `false`.
    Bool(bool),
    /// A number, sent in decimal.
    Number(serde_json::Number),
    /// One pair per element. Booleans and nested lists are refused when signing: the
    /// official client writes booleans in a list as `True` / `False`, and the SDK never
    /// sends one.
    List(Vec<Self>),
}

impl<'de> Deserialize<'de> for QueryValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        fn convert(value: Value) -> Result<QueryValue, &'static str> {
            match value {
                Value::String(s) => Ok(QueryValue::Text(s)),
                Value::Bool(b) => Ok(QueryValue::Bool(b)),
                Value::Number(n) => Ok(QueryValue::Number(n)),
                Value::Array(items) => {
                    items.into_iter().map(convert).collect::<Result<_, _>>().map(QueryValue::List)
                }
                Value::Null => Err("a query value may not be null"),
                Value::Object(_) => Err("a query value may not be an object"),
            }
        }
        convert(Value::deserialize(deserializer)?).map_err(de::Error::custom)
    }
}

impl SigningInput {
    /// The query as the signer sees it: one `(key, text)` pair per value.
    ///
    /// # Errors
    /// [`InputError::BoolInList`] or [`InputError::NestedList`] for a list holding a
    /// boolean or a list.
    pub fn query_pairs(&self) -> Result<Vec<(String, String)>, InputError> {
        let mut pairs = Vec::with_capacity(self.query.len());
        for (key, value) in &self.query {
            match value {
                QueryValue::List(items) => {
                    for item in items {
                        let text = match item {
                            QueryValue::Text(s) => s.clone(),
                            QueryValue::Number(n) => n.to_string(),
                            QueryValue::Bool(_) => {
                                return Err(InputError::BoolInList { key: key.clone() });
                            }
                            QueryValue::List(_) => {
                                return Err(InputError::NestedList { key: key.clone() });
                            }
                        };
                        pairs.push((key.clone(), text));
                    }
                }
                QueryValue::Text(s) => pairs.push((key.clone(), s.clone())),
                QueryValue::Bool(b) => pairs.push((key.clone(), b.to_string())),
                QueryValue::Number(n) => pairs.push((key.clone(), n.to_string())),
            }
        }
        Ok(pairs)
    }

    /// The body bytes: `body` as UTF-8, `body_base64` decoded, or empty.
    ///
    /// # Errors
    /// [`InputError::BothBodies`] when both are given, [`InputError::Base64`] when
    /// `body_base64` is not standard base64.
    pub fn body_bytes(&self) -> Result<Cow<'_, [u8]>, InputError> {
        match (&self.body, &self.body_base64) {
            (Some(_), Some(_)) => Err(InputError::BothBodies),
            (Some(text), None) => Ok(Cow::Borrowed(text.as_bytes())),
            (None, Some(b64)) => base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map(Cow::Owned)
                .map_err(|e| InputError::Base64(e.to_string())),
            (None, None) => Ok(Cow::Borrowed(&[])),
        }
    }
}

/// What is wrong in a [`SigningInput`], beyond what serde checks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// Both `body` and `body_base64` are given.
    #[error("give either body or body_base64, not both")]
    BothBodies,
    /// `body_base64` is not standard base64.
    #[error("body_base64 is not valid base64: {0}")]
    Base64(String),
    /// A list of query values holds a boolean, which the SDK never sends.
    #[error(
        "query parameter {key:?}: a list of values may not hold a boolean (the official client \
         writes it True/False, and the SDK never sends one)"
    )]
    BoolInList {
        /// The query key.
        key: String,
    },
    /// A list of query values holds another list.
    #[error("query parameter {key:?}: a list of values may not hold another list")]
    NestedList {
        /// The query key.
        key: String,
    },
}
