//! Compiled wildcard patterns (`*` = any run of characters, including none; case-sensitive), with a
//! cheap strategy picked once: exact text, prefix, suffix, contains, prefix-and-suffix, or a general
//! left-to-right search for the pieces. No regular expressions. Must not depend on the parser or the
//! matchers.

use super::ast::Piece;

/// A wildcard pattern ready to test strings.
#[derive(Debug, Clone, PartialEq)]
pub enum Pattern {
    /// Only stars: any string.
    Any,
    Exact(String),
    Prefix(String),
    Suffix(String),
    Contains(String),
    PrefixSuffix(String, String),
    /// `first*middle*...*last`; `first`/`last` are empty when the pattern starts/ends with `*`.
    General {
        first: String,
        middle: Vec<String>,
        last: String,
    },
}

impl Pattern {
    pub fn new(pieces: &[Piece]) -> Pattern {
        // Split into the texts between stars: `a*b**c` → ["a", "b", "", "c"].
        let mut parts = vec![String::new()];
        for piece in pieces {
            match piece {
                Piece::Text(t) => parts.last_mut().map(|p| p.push_str(t)).unwrap_or(()),
                Piece::Star => parts.push(String::new()),
            }
        }
        let stars = parts.len() - 1;
        let mut inner: Vec<String> = parts.into_iter().collect();
        let last = inner.pop().unwrap_or_default();
        let first = if inner.is_empty() { String::new() } else { inner.remove(0) };
        let middle: Vec<String> = inner.into_iter().filter(|m| !m.is_empty()).collect();
        match (stars, first.is_empty(), middle.len(), last.is_empty()) {
            (0, ..) => Pattern::Exact(last),
            (_, true, 0, true) => Pattern::Any,
            (_, false, 0, true) => Pattern::Prefix(first),
            (_, true, 0, false) => Pattern::Suffix(last),
            (_, true, 1, true) => Pattern::Contains(middle.into_iter().next().unwrap_or_default()),
            (_, false, 0, false) => Pattern::PrefixSuffix(first, last),
            _ => Pattern::General { first, middle, last },
        }
    }

    pub fn matches(&self, s: &str) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Exact(t) => s == t,
            Pattern::Prefix(p) => s.starts_with(p.as_str()),
            Pattern::Suffix(x) => s.ends_with(x.as_str()),
            Pattern::Contains(c) => s.contains(c.as_str()),
            Pattern::PrefixSuffix(p, x) => s.len() >= p.len() + x.len() && s.starts_with(p.as_str()) && s.ends_with(x.as_str()),
            Pattern::General { first, middle, last } => {
                let Some(rest) = s.strip_prefix(first.as_str()) else {
                    return false;
                };
                // The suffix is fixed; search the middles leftmost-first in what lies before it.
                let Some(mut body) = rest.strip_suffix(last.as_str()) else { return false };
                for m in middle {
                    match body.find(m.as_str()) {
                        Some(i) => body = &body[i + m.len()..],
                        None => return false,
                    }
                }
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat(s: &str) -> Pattern {
        let mut pieces = Vec::new();
        for (i, part) in s.split('*').enumerate() {
            if i > 0 {
                pieces.push(Piece::Star);
            }
            if !part.is_empty() {
                pieces.push(Piece::Text(part.to_string()));
            }
        }
        Pattern::new(&pieces)
    }

    #[test]
    fn picks_the_cheap_strategy() {
        assert_eq!(pat("*"), Pattern::Any);
        assert_eq!(pat("**"), Pattern::Any);
        assert_eq!(pat("Delete*"), Pattern::Prefix("Delete".into()));
        assert_eq!(pat("*Bucket"), Pattern::Suffix("Bucket".into()));
        assert_eq!(pat("*ket*"), Pattern::Contains("ket".into()));
        assert_eq!(pat("a*z"), Pattern::PrefixSuffix("a".into(), "z".into()));
        assert!(matches!(pat("a*b*c"), Pattern::General { .. }));
    }

    #[test]
    fn general_patterns_do_not_overlap_prefix_and_suffix() {
        assert!(pat("ab*ba").matches("abba"));
        assert!(!pat("ab*ba").matches("aba"));
        assert!(pat("a*b*c").matches("abc"));
        assert!(!pat("a*b*c").matches("acb"));
        assert!(pat("*a*b*").matches("xaxbx"));
        assert!(!pat("a*bc*bc").matches("abc"));
        // Regression: the suffix test must not cut inside a multi-byte character.
        assert!(!pat("a*b*x").matches("abé"));
        assert!(pat("é*ü*é").matches("éxüyé"));
    }
}
