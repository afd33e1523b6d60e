//! EQL wildcard patterns (`like`, `:`, `wildcard()`, and `stringContains` run as a wildcard query):
//! `*` is any run of characters (including none), `?` exactly one character, `\` makes the next
//! character literal. Compiled once to a cheap strategy: patterns without `?` reuse KQL's
//! [`Pattern`] (exact, prefix, suffix, contains, ...); the rest use a linear-space star-backtracking
//! matcher. Case-insensitive patterns fold the pattern once and each value as it is tested. No
//! regular expressions. Must not depend on the parser or the matchers.

use super::value::fold;
use crate::kql::ast::Piece;
use crate::kql::pattern::Pattern;

/// One element of a wildcard pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Char(char),
    /// `?`: one character.
    One,
    /// `*`: any run of characters.
    Star,
}

/// The pattern's elements, escapes resolved (a trailing lone `\` is literal).
pub fn tokens(pattern: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        out.push(match c {
            '*' => Token::Star,
            '?' => Token::One,
            '\\' => Token::Char(chars.next().unwrap_or('\\')),
            c => Token::Char(c),
        });
    }
    out
}

/// A compiled wildcard pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Glob {
    folded: bool,
    kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// No `?`: KQL's strategies.
    Simple(Pattern),
    /// With `?`: the elements, matched by [`general`].
    General(Vec<Token>),
}

impl Glob {
    /// Compiles `pattern`; `insensitive` matches regardless of case.
    pub fn new(pattern: &str, insensitive: bool) -> Glob {
        let mut toks = tokens(pattern);
        if insensitive {
            toks = fold_tokens(&toks);
        }
        let kind = if toks.contains(&Token::One) {
            Kind::General(toks)
        } else {
            let mut pieces: Vec<Piece> = Vec::new();
            for t in toks {
                match (t, pieces.last_mut()) {
                    (Token::Star, _) => pieces.push(Piece::Star),
                    (Token::Char(c), Some(Piece::Text(text))) => text.push(c),
                    (Token::Char(c), _) => pieces.push(Piece::Text(c.to_string())),
                    (Token::One, _) => {}
                }
            }
            Kind::Simple(Pattern::new(&pieces))
        };
        Glob { folded: insensitive, kind }
    }

    /// Compiles the pattern `*needle*`, as Elasticsearch runs `stringContains` on a field.
    pub fn containing(needle: &str, insensitive: bool) -> Glob {
        Glob::new(&format!("*{needle}*"), insensitive)
    }

    /// Whether the text matches.
    pub fn matches(&self, text: &str) -> bool {
        let text = if self.folded { fold(text) } else { std::borrow::Cow::Borrowed(text) };
        match &self.kind {
            Kind::Simple(p) => p.matches(&text),
            Kind::General(toks) => general(toks, &text),
        }
    }

    /// The exact text the pattern stands for, when it has no wildcard.
    pub fn exact(&self) -> Option<&str> {
        match &self.kind {
            Kind::Simple(Pattern::Exact(t)) => Some(t),
            _ => None,
        }
    }

    pub fn is_folded(&self) -> bool {
        self.folded
    }
}

/// The tokens with their literal characters case-folded.
fn fold_tokens(toks: &[Token]) -> Vec<Token> {
    let mut out = Vec::with_capacity(toks.len());
    for t in toks {
        match t {
            Token::Char(c) => out.extend(fold(c.encode_utf8(&mut [0; 4])).chars().map(Token::Char)),
            other => out.push(*other),
        }
    }
    out
}

/// Star-backtracking match: on a mismatch, retry from the last `*`, one character further. Linear
/// space; time at most pattern length × text length.
fn general(toks: &[Token], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match toks.get(p) {
            Some(Token::Star) => {
                star = Some((p, t));
                p += 1;
            }
            Some(Token::One) => {
                p += 1;
                t += 1;
            }
            Some(Token::Char(c)) if *c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    toks[p.min(toks.len())..].iter().all(|t| *t == Token::Star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_patterns_use_cheap_strategies() {
        assert_eq!(Glob::new("Delete*", false).kind, Kind::Simple(Pattern::Prefix("Delete".into())));
        assert_eq!(Glob::new("*console*", true).kind, Kind::Simple(Pattern::Contains("console".into())));
        assert_eq!(Glob::new("a\\*b", false).exact(), Some("a*b"));
    }

    #[test]
    fn question_marks_match_one_character() {
        let g = Glob::new("a?c*", false);
        assert!(g.matches("abc") && g.matches("abcdef") && !g.matches("ac") && !g.matches("aé"));
        assert!(Glob::new("?é?", false).matches("xéy"));
        assert!(Glob::new("*a?b*c", false).matches("xxaxbyyc"));
        assert!(!Glob::new("*a?b*c", false).matches("xxaxbyy"));
        assert!(Glob::new("a\\?", false).matches("a?") && !Glob::new("a\\?", false).matches("ab"));
    }

    #[test]
    fn insensitive_patterns_fold_both_sides() {
        assert!(Glob::new("*CONSOLE*", true).matches("aws-Console-signin"));
        assert!(Glob::new("get?ecret*", true).matches("GetSecretValue"));
        assert!(!Glob::new("*CONSOLE*", false).matches("console"));
    }
}
