//! Tokens of KQL, recognised at a position the parser asks about. Must not depend on the parser,
//! the printer or the matchers.
//!
//! KQL's tokens depend on where they stand: an unquoted value may hold spaces (`a:foo bar` is the one
//! value `foo bar`), and `or` is a keyword only between expressions (`a:b or c` but `or:x` is a field
//! named `or`). So instead of cutting the text into tokens up front, the lexer offers one recogniser
//! a token kind; the parser, which knows what may come next, calls them. Positions are byte offsets.
//!
//! Facts taken from Kibana's grammar: whitespace is space, tab, CR, LF and U+00A0; special characters
//! are `\ ( ) : < > " * { }`; an unquoted value stops before ` or `, ` and ` and before `not`
//! followed by whitespace (anywhere, even inside a word); it is trimmed (JavaScript `trim`), and is
//! the literal `null`, `true` or `false` when its whole text is that word.

use super::ast::{Piece, Term};

/// Grammar whitespace.
pub fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n' | '\u{a0}')
}

/// A character that must be escaped to stand in an unquoted literal.
pub fn is_special(c: char) -> bool {
    matches!(c, '\\' | '(' | ')' | ':' | '<' | '>' | '"' | '*' | '{' | '}')
}

/// Whitespace as JavaScript's `String.prototype.trim` removes it.
pub fn is_js_trim_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

/// The character at `pos`, if any.
pub fn char_at(src: &str, pos: usize) -> Option<char> {
    src.get(pos..).and_then(|rest| rest.chars().next())
}

/// One whitespace character at `pos`: the position after it.
pub fn space(src: &str, pos: usize) -> Option<usize> {
    char_at(src, pos).filter(|c| is_space(*c)).map(|c| pos + c.len_utf8())
}

/// Exactly `token` at `pos`: the position after it.
pub fn token(src: &str, pos: usize, token: &str) -> Option<usize> {
    src.get(pos..).filter(|rest| rest.starts_with(token)).map(|_| pos + token.len())
}

/// The ASCII `word` at `pos`, in any case: the position after it.
pub fn word_ci(src: &str, pos: usize, word: &str) -> Option<usize> {
    let end = pos + word.len();
    src.get(pos..end).filter(|s| s.eq_ignore_ascii_case(word)).map(|_| end)
}

/// Whether a keyword starts at `pos`, as the grammar's lookahead inside unquoted literals sees it:
/// one whitespace, `or` or `and`, one whitespace; or `not` and one whitespace.
pub fn keyword_ahead(src: &str, pos: usize) -> bool {
    let spaced = |word| space(src, pos).and_then(|p| word_ci(src, p, word)).and_then(|p| space(src, p)).is_some();
    spaced("or") || spaced("and") || word_ci(src, pos, "not").and_then(|p| space(src, p)).is_some()
}

/// A range operator at `pos`, tried as `<=`, `>=`, `<`, `>`.
pub const RANGE_OPERATORS: [&str; 4] = ["<=", ">=", "<", ">"];

/// A quoted string at `pos`: its value and the position after the closing quote.
pub fn quoted(src: &str, pos: usize) -> Option<(String, usize)> {
    let mut p = token(src, pos, "\"")?;
    let mut value = String::new();
    loop {
        if let Some((c, next)) = escaped_whitespace(src, p).or_else(|| escaped_unicode(src, p)) {
            value.push(c);
            p = next;
            continue;
        }
        match char_at(src, p)? {
            '"' => return Some((value, p + 1)),
            '\\' if matches!(char_at(src, p + 1), Some('\\' | '"')) => {
                value.push(char_at(src, p + 1)?);
                p += 2;
            }
            c => {
                value.push(c);
                p += c.len_utf8();
            }
        }
    }
}

/// An item of an unquoted literal before trimming.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Item {
    Char(char),
    Star,
}

/// An unquoted literal at `pos` (one character or more): the term and the position after it.
pub fn unquoted(src: &str, pos: usize) -> Option<(Term, usize)> {
    let mut items = Vec::new();
    let mut p = pos;
    loop {
        if let Some((c, next)) = escaped_whitespace(src, p).or_else(|| escaped_special(src, p)).or_else(|| escaped_unicode(src, p)) {
            items.push(Item::Char(c));
            p = next;
        } else if let Some(next) = escaped_keyword(src, p) {
            items.extend(src[p + 1..next].chars().map(Item::Char));
            p = next;
        } else if let Some(next) = token(src, p, "*") {
            items.push(Item::Star);
            p = next;
        } else {
            match char_at(src, p) {
                Some(c) if !is_special(c) && !keyword_ahead(src, p) => {
                    items.push(Item::Char(c));
                    p += c.len_utf8();
                }
                _ => break,
            }
        }
    }
    if items.is_empty() {
        return None;
    }
    Some((build_term(&items), p))
}

/// Trims the items and builds the literal, keyword literal or wildcard they spell.
fn build_term(items: &[Item]) -> Term {
    let is_trim = |item: &Item| matches!(item, Item::Char(c) if is_js_trim_space(*c));
    let start = items.iter().position(|i| !is_trim(i)).unwrap_or(items.len());
    let end = items.iter().rposition(|i| !is_trim(i)).map_or(start, |i| i + 1);
    let items = &items[start..end];
    if !items.contains(&Item::Star) {
        let text: String = items.iter().filter_map(|i| if let Item::Char(c) = i { Some(*c) } else { None }).collect();
        return match text.as_str() {
            "null" => Term::Null,
            "true" => Term::Bool(true),
            "false" => Term::Bool(false),
            _ => Term::Literal { value: text, quoted: false },
        };
    }
    let mut pieces = Vec::new();
    let mut text = String::new();
    for item in items {
        match item {
            Item::Char(c) => text.push(*c),
            Item::Star => {
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Star);
            }
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Term::Wildcard(pieces)
}

/// `\t`, `\r` or `\n`.
fn escaped_whitespace(src: &str, p: usize) -> Option<(char, usize)> {
    let c = match src.get(p..p + 2)? {
        "\\t" => '\t',
        "\\r" => '\r',
        "\\n" => '\n',
        _ => return None,
    };
    Some((c, p + 2))
}

/// A backslash and a special character.
fn escaped_special(src: &str, p: usize) -> Option<(char, usize)> {
    token(src, p, "\\")?;
    char_at(src, p + 1).filter(|c| is_special(*c)).map(|c| (c, p + 2))
}

/// A backslash and `or`, `and` or `not` in any case: the position after the word.
fn escaped_keyword(src: &str, p: usize) -> Option<usize> {
    let q = token(src, p, "\\")?;
    word_ci(src, q, "or").or_else(|| word_ci(src, q, "and")).or_else(|| word_ci(src, q, "not"))
}

/// `\uXXXX`. A high surrogate followed by an escaped low surrogate makes one character; a lone
/// surrogate (which a Rust string cannot hold) becomes U+FFFD.
fn escaped_unicode(src: &str, p: usize) -> Option<(char, usize)> {
    let unit = |at: usize| -> Option<u32> {
        let digits = src.get(at..at + 6)?.strip_prefix("\\u")?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(digits, 16).ok()
    };
    let high = unit(p)?;
    if (0xD800..0xDC00).contains(&high)
        && let Some(low) = unit(p + 6).filter(|l| (0xDC00..0xE000).contains(l))
    {
        let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
        return Some((c.unwrap_or('\u{fffd}'), p + 12));
    }
    Some((char::from_u32(high).unwrap_or('\u{fffd}'), p + 6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Term {
        Term::text(s)
    }

    #[test]
    fn unquoted_values_hold_spaces_and_stop_before_keywords() {
        assert_eq!(unquoted("foo bar or x", 0), Some((lit("foo bar"), 7)));
        assert_eq!(unquoted("cannot be", 0), Some((lit("can"), 3)));
        assert_eq!(unquoted("a:b", 0), Some((lit("a"), 1)));
        assert_eq!(unquoted("not x", 0), None);
    }

    #[test]
    fn escapes_follow_the_grammar() {
        assert_eq!(unquoted(r"a\:b\*c\OR\u0041", 0).map(|t| t.0), Some(lit("a:b*cORA")));
        // `\n` is an escaped newline before it is an escaped keyword.
        assert_eq!(unquoted(r"x\not", 0).map(|t| t.0), Some(lit("x\not")));
        assert_eq!(unquoted(r"\uD83D\uDE00", 0).map(|t| t.0), Some(lit("😀")));
        assert_eq!(quoted(r#""a\"b\\c\d\n""#, 0), Some(("a\"b\\c\\d\n".to_string(), 13)));
        assert_eq!(quoted(r#""open"#, 0), None);
    }

    #[test]
    fn keyword_words_and_wildcards() {
        assert_eq!(unquoted("true ", 0).map(|t| t.0), Some(Term::Bool(true)));
        assert_eq!(unquoted("NULL", 0).map(|t| t.0), Some(lit("NULL")));
        assert_eq!(
            unquoted(r" a*\*b ", 0).map(|t| t.0),
            Some(Term::Wildcard(vec![Piece::Text("a".into()), Piece::Star, Piece::Text("*b".into())]))
        );
        assert_eq!(unquoted(r"\t*", 0).map(|t| t.0), Some(Term::Wildcard(vec![Piece::Star])));
    }
}
