//! Reading a filter from its text: [`Filter::parse`] and its error, [`FilterParseError`].

use std::fmt;

use super::{Filter, FilterField, RangeBound, RangeNumber};
use crate::ids::FieldValue;
use crate::validation::{Problem, ValidationError};

impl Filter {
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
}

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
    use crate::filter::{FilterExpr, Node};
    use crate::test_support::{name, value};

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
}
