//! EQL `regex` patterns: Lucene regular-expression syntax, translated to the `regex` crate's syntax
//! and compiled anchored (a pattern must match the whole value, as a Lucene `regexp` query does).
//! The `regex` crate runs in time linear in the text whatever the pattern, and its compiled size is
//! capped, so a hostile pattern cannot stall a scan. Must not depend on the parser or the matchers.
//!
//! Supported Lucene syntax: literal characters, `\` escapes (any character; `\d \D \s \S \w \W` as
//! ASCII classes), `.` (any character, newline included), `?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`,
//! `|`, `( )`, `[...]` and `[^...]` classes with ranges, `"..."` quoted literal text, and `@` (any
//! string). `^` and `$` are ordinary characters in Lucene, not anchors. Rejected, with an error: `&`
//! (intersection), `~` (complement), `#` (the empty language) and `<n-m>` (numeric intervals), which
//! have no translation to a linear-time regular expression (or no use in a rule).
//!
//! Known difference: with `regex~`, Lucene leaves character *ranges* (`[a-c]`) case-sensitive (a
//! limitation Elasticsearch documents); here the whole pattern, ranges included, ignores case.

use regex::{Regex, RegexBuilder};

/// The compiled size cap, in bytes, for one pattern list.
const SIZE_LIMIT: usize = 1 << 21;

/// Translates one Lucene pattern to `regex` syntax (unanchored).
pub fn translate(lucene: &str) -> Result<String, String> {
    let mut out = String::with_capacity(lucene.len() + 8);
    let mut chars = lucene.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e) => out.push_str(&escape_class(e).unwrap_or_else(|| literal(e))),
                None => return Err("the pattern ends with a lone `\\`".into()),
            },
            '.' | '?' | '*' | '+' | '|' | ')' => out.push(c),
            '(' => out.push_str("(?:"),
            '{' => {
                let mut body = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(d) if d.is_ascii_digit() || d == ',' => body.push(d),
                        _ => return Err("a `{` repetition must be `{n}`, `{n,}` or `{n,m}`".into()),
                    }
                }
                let mut parts = body.splitn(2, ',');
                let low = parts.next().unwrap_or_default();
                if low.is_empty() || parts.next().is_some_and(|high| high.contains(',')) {
                    return Err("a `{` repetition must be `{n}`, `{n,}` or `{n,m}`".into());
                }
                out.push('{');
                out.push_str(&body);
                out.push('}');
            }
            '[' => class(&mut chars, &mut out)?,
            '"' => {
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some(t) => text.push(t),
                        None => return Err("a `\"` quoted part is not closed".into()),
                    }
                }
                out.push_str(&regex::escape(&text));
            }
            '@' => out.push_str("(?:.*)"),
            '&' => return Err("`&` (intersection) is not supported; escape it as `\\&` to match the character".into()),
            '~' => return Err("`~` (complement) is not supported; escape it as `\\~` to match the character".into()),
            '#' => return Err("`#` (the empty language) is not supported; escape it as `\\#` to match the character".into()),
            '<' => return Err("`<n-m>` numeric intervals are not supported; escape `<` as `\\<` to match the character".into()),
            other => out.push_str(&literal(other)),
        }
    }
    Ok(out)
}

/// A literal character in `regex` syntax.
fn literal(c: char) -> String {
    regex::escape(c.encode_utf8(&mut [0; 4]))
}

/// Lucene's shorthand classes.
fn escape_class(c: char) -> Option<String> {
    Some(
        match c {
            'd' => "[0-9]",
            'D' => "[^0-9]",
            's' => "[ \\t\\n\\r]",
            'S' => "[^ \\t\\n\\r]",
            'w' => "[a-zA-Z0-9_]",
            'W' => "[^a-zA-Z0-9_]",
            _ => return None,
        }
        .to_string(),
    )
}

/// Translates a `[...]` class (the `[` already read).
fn class(chars: &mut std::iter::Peekable<std::str::Chars<'_>>, out: &mut String) -> Result<(), String> {
    out.push('[');
    if chars.peek() == Some(&'^') {
        chars.next();
        out.push('^');
    }
    let mut members = 0;
    loop {
        let c = chars.next().ok_or_else(|| "a `[` class is not closed".to_string())?;
        match c {
            ']' if members > 0 => break,
            ']' => return Err("a `[` class is empty".into()),
            '-' if members > 0 && chars.peek().is_some_and(|n| *n != ']') => out.push('-'),
            '\\' => {
                let e = chars.next().ok_or_else(|| "a `[` class is not closed".to_string())?;
                match escape_class(e) {
                    // A shorthand class inside a class: its inner part.
                    Some(s) if !s.starts_with("[^") => out.push_str(&s[1..s.len() - 1]),
                    Some(_) => return Err(format!("`\\{e}` is not supported inside a `[` class")),
                    None => out.push_str(&class_member(e)),
                }
            }
            other => out.push_str(&class_member(other)),
        }
        members += 1;
    }
    out.push(']');
    Ok(())
}

fn class_member(c: char) -> String {
    if c.is_ascii_punctuation() { format!("\\{c}") } else { c.to_string() }
}

/// Compiles a list of Lucene patterns into one anchored regex matching any of them.
pub fn compile(patterns: &[&str], insensitive: bool) -> Result<Regex, String> {
    let mut body = String::new();
    for (i, p) in patterns.iter().enumerate() {
        if i > 0 {
            body.push('|');
        }
        body.push_str("(?:");
        body.push_str(&translate(p)?);
        body.push(')');
    }
    RegexBuilder::new(&format!("^(?:{body})$"))
        .case_insensitive(insensitive)
        .dot_matches_new_line(true)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "the regular expression is too large".to_string(),
            other => format!("invalid regular expression: {}", other.to_string().lines().last().unwrap_or("").trim()),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_match(p: &str, s: &str) -> bool {
        compile(&[p], false).expect("compiles").is_match(s)
    }

    #[test]
    fn patterns_are_anchored_and_lucene_flavoured() {
        assert!(is_match("abc.*", "abcdef") && !is_match("bc", "abc"));
        assert!(is_match("a^b$", "a^b$"), "^ and $ are literal in Lucene");
        assert!(is_match("\"a.b\"c", "a.bc") && !is_match("\"a.b\"c", "axbc"));
        assert!(is_match("[a-c]+\\d{2}", "abc12") && !is_match("[^a-c]x", "ax"));
        assert!(is_match("x@", "xanything") && is_match("(ab|cd){2,}", "abcdab"));
        assert!(is_match("a.b", "a\nb"), "`.` matches a newline");
        assert!(is_match("[\\w.-]+", "a_b.c-d"));
    }

    #[test]
    fn unsupported_operators_are_rejected() {
        for p in ["a&b", "~a", "#", "<1-5>", "a{,3}", "[abc", "[]", "\"open", "ab\\"] {
            assert!(compile(&[p], false).is_err(), "{p}");
        }
        assert!(compile(&["(a"], false).unwrap_err().starts_with("invalid regular expression"));
    }

    #[test]
    fn hostile_patterns_are_capped_not_slow() {
        assert!(compile(&["(a{1000}){1000}"], false).is_err());
        let r = compile(&["(a*)*b"], false).expect("compiles");
        assert!(!r.is_match(&"a".repeat(100_000)));
    }

    #[test]
    fn insensitive_lists_match_any() {
        let r = compile(&["get.*", "put"], true).expect("compiles");
        assert!(r.is_match("GetObject") && r.is_match("PUT") && !r.is_match("putx"));
    }
}
