//! The EQL lexer: query text → tokens with byte spans. Whitespace and comments (`// ...`, `/* ... */`)
//! separate tokens. Keywords are lower-case and reserved (a field of that name is written in
//! backquotes, `` `by` ``, a backquote in it doubled). Strings are double-quoted with escapes
//! (`\" \\ \n \r \t \u{hex}`, 2 to 8 hex digits; `\'` is refused, as the reference says) or
//! triple-quoted raw text (`"""C:\path"""`); single quotes are refused, as in Elasticsearch 7.12+.
//! Must not depend on the parser.

use super::error::{self, ParseError};
use std::ops::Range;

/// A reserved word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kw {
    And,
    Or,
    Not,
    In,
    Like,
    Regex,
    Where,
    Sequence,
    By,
    With,
    Until,
    True,
    False,
    Null,
    Any,
    Join,
    Sample,
    Of,
}

fn keyword(word: &str) -> Option<Kw> {
    Some(match word {
        "and" => Kw::And,
        "or" => Kw::Or,
        "not" => Kw::Not,
        "in" => Kw::In,
        "like" => Kw::Like,
        "regex" => Kw::Regex,
        "where" => Kw::Where,
        "sequence" => Kw::Sequence,
        "by" => Kw::By,
        "with" => Kw::With,
        "until" => Kw::Until,
        "true" => Kw::True,
        "false" => Kw::False,
        "null" => Kw::Null,
        "any" => Kw::Any,
        "join" => Kw::Join,
        "sample" => Kw::Sample,
        "of" => Kw::Of,
        _ => return None,
    })
}

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// A bare name: `event.action`, `maxspan`, `cidrMatch`.
    Name(String),
    /// A backquoted name: `` `user name` ``.
    Quoted(String),
    Str(String),
    Int(i64),
    Float(f64),
    Kw(Kw),
    /// Punctuation: `== != < <= > >= : ( ) [ ] , = ~ ? + - * / % | !`.
    Op(&'static str),
    Eof,
}

/// A token and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
}

const OPS: [&str; 21] = ["==", "!=", "<=", ">=", "<", ">", ":", "(", ")", "[", "]", ",", "=", "~", "?", "+", "-", "*", "/", "%", "|"];

/// Splits `text` into tokens, ending with [`Tok::Eof`].
pub fn lex(text: &str) -> Result<Vec<Token>, ParseError> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(b.len(), |n| i + n);
            continue;
        }
        if text[i..].starts_with("/*") {
            let end = text[i + 2..].find("*/").ok_or_else(|| error::at(text, i..i + 2, "A comment is not closed: `/*` needs `*/`."))?;
            i += end + 4;
            continue;
        }
        let tok = if text[i..].starts_with("\"\"\"") {
            let end = text[i + 3..]
                .find("\"\"\"")
                .ok_or_else(|| error::at(text, i..i + 3, "A raw string is not closed: `\"\"\"` needs `\"\"\"`."))?;
            i += end + 6;
            Tok::Str(text[start + 3..i - 3].to_string())
        } else if c == b'"' {
            let (s, end) = string(text, i)?;
            i = end;
            Tok::Str(s)
        } else if c == b'\'' {
            return Err(error::at(text, i..i + 1, "Single quotes are not supported; use double quotes (\"...\") for strings."));
        } else if c == b'`' {
            // A doubled backquote stands for one inside the name.
            let mut name = String::new();
            i += 1;
            loop {
                let Some(n) = text[i..].find('`') else {
                    return Err(error::at(text, start..start + 1, "A backquoted name is not closed."));
                };
                name.push_str(&text[i..i + n]);
                i += n + 1;
                if text[i..].starts_with('`') {
                    name.push('`');
                    i += 1;
                } else {
                    break;
                }
            }
            Tok::Quoted(name)
        } else if c.is_ascii_digit() {
            let (tok, end) = number(text, i)?;
            i = end;
            tok
        } else if c.is_ascii_alphabetic() || c == b'_' || c == b'@' {
            while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'@' | b'.')) {
                i += 1;
            }
            let word = &text[start..i];
            keyword(word).map_or_else(|| Tok::Name(word.to_string()), Tok::Kw)
        } else if let Some(op) = OPS.iter().find(|op| text[i..].starts_with(**op)) {
            i += op.len();
            Tok::Op(op)
        } else if c == b'!' {
            i += 1;
            Tok::Op("!")
        } else {
            let len = text[i..].chars().next().map_or(1, char::len_utf8);
            return Err(error::at(text, i..i + len, format!("Unexpected character \"{}\".", &text[i..i + len])));
        };
        out.push(Token { tok, span: start..i });
    }
    out.push(Token { tok: Tok::Eof, span: b.len()..b.len() });
    Ok(out)
}

/// A double-quoted string starting at `start`: its value and the byte after its closing quote.
fn string(text: &str, start: usize) -> Result<(String, usize), ParseError> {
    let mut out = String::new();
    let mut chars = text[start + 1..].char_indices().map(|(j, c)| (start + 1 + j, c));
    while let Some((j, c)) = chars.next() {
        match c {
            '"' => return Ok((out, j + 1)),
            '\\' => {
                let Some((k, e)) = chars.next() else { break };
                match e {
                    '"' | '\\' => out.push(e),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let rest = &text[k + 1..];
                        let close = rest.find('}').filter(|_| rest.starts_with('{'));
                        let hex = close.map(|n| &rest[1..n]).filter(|h| (2..=8).contains(&h.len()));
                        let code = hex.and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
                        let (Some(n), Some(ch)) = (close, code) else {
                            return Err(error::at(
                                text,
                                j..k + 1,
                                "A \\u escape must be \\u{hex} with 2 to 8 hex digits of a valid code point.",
                            ));
                        };
                        out.push(ch);
                        for _ in 0..=n {
                            chars.next();
                        }
                    }
                    other => {
                        let end = k + other.len_utf8();
                        return Err(error::at(
                            text,
                            j..end,
                            format!("Unknown escape \"\\{other}\" in a string; write \\\\ for a backslash."),
                        ));
                    }
                }
            }
            c => out.push(c),
        }
    }
    Err(error::at(text, start..start + 1, "A string is not closed: it needs a closing \"."))
}

/// A number starting at `start`: an integer, or a float with a fraction and/or exponent.
fn number(text: &str, start: usize) -> Result<(Tok, usize), ParseError> {
    let b = text.as_bytes();
    let digits = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    let mut float = false;
    if i + 1 < b.len() && b[i] == b'.' && b[i + 1].is_ascii_digit() {
        i = digits(i + 1);
        float = true;
    }
    if i < b.len() && matches!(b[i], b'e' | b'E') {
        let sign = usize::from(i + 1 < b.len() && matches!(b[i + 1], b'+' | b'-'));
        if i + 1 + sign < b.len() && b[i + 1 + sign].is_ascii_digit() {
            i = digits(i + 1 + sign);
            float = true;
        }
    }
    let t = &text[start..i];
    let tok = if float { t.parse::<f64>().ok().filter(|f| f.is_finite()).map(Tok::Float) } else { t.parse::<i64>().ok().map(Tok::Int) };
    tok.map(|t| (t, i)).ok_or_else(|| error::at(text, start..i, format!("The number {t} is out of range.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        lex(text).expect("lexes").into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn splits_names_operators_and_literals() {
        assert_eq!(
            toks("any where a.b_c@x != \"q\\\"\" /* c */ and n >= 1.5e2 // end"),
            [
                Tok::Kw(Kw::Any),
                Tok::Kw(Kw::Where),
                Tok::Name("a.b_c@x".into()),
                Tok::Op("!="),
                Tok::Str("q\"".into()),
                Tok::Kw(Kw::And),
                Tok::Name("n".into()),
                Tok::Op(">="),
                Tok::Float(150.0),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("in~ (5m)"),
            [Tok::Kw(Kw::In), Tok::Op("~"), Tok::Op("("), Tok::Int(5), Tok::Name("m".into()), Tok::Op(")"), Tok::Eof]
        );
    }

    #[test]
    fn strings_raw_and_escaped() {
        assert_eq!(toks(r#""""C:\x\"y""""#), [Tok::Str(r#"C:\x\"y"#.into()), Tok::Eof]);
        assert_eq!(toks(r#""a\u{e9}\t""#), [Tok::Str("aé\t".into()), Tok::Eof]);
        assert!(lex("'x'").is_err() && lex("\"x").is_err() && lex("\"\\q\"").is_err() && lex("#").is_err());
        assert_eq!(lex("\"\\u{zz}\"").unwrap_err().span, 1..3);
        assert!(lex("\"\\u{9}\"").is_err() && lex("\"\\'\"").is_err());
        assert_eq!(toks("\"\\u{0000200f}\""), [Tok::Str("\u{200f}".into()), Tok::Eof]);
        assert_eq!(toks("`my``field`"), [Tok::Quoted("my`field".into()), Tok::Eof]);
    }
}
