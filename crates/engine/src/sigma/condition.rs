//! A Sigma rule's `condition`: search identifiers joined by `and`, `or`, `not` and parentheses,
//! and the quantifiers `1 of X`, `all of X` (`X` a name with `*` wildcards, or `them`: every search
//! whose name does not start with `_`). Parsed against the rule's search names, so a name that does
//! not exist, or a pattern that names none, is an error here rather than a rule that never fires.

use std::fmt;

/// A parsed condition, its quantifiers expanded to the searches they name.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// The search at this place in the rule's list.
    Search(usize),
    And(Vec<Condition>),
    Or(Vec<Condition>),
    Not(Box<Condition>),
}

impl Condition {
    /// Evaluates the condition, `search(i)` telling whether search `i` matches.
    pub fn eval(&self, search: &mut dyn FnMut(usize) -> bool) -> bool {
        match self {
            Condition::Search(i) => search(*i),
            Condition::And(items) => items.iter().all(|c| c.eval(search)),
            Condition::Or(items) => items.iter().any(|c| c.eval(search)),
            Condition::Not(inner) => !inner.eval(search),
        }
    }

    /// The same condition over searches numbered `offset` further on.
    pub fn shifted(&self, offset: usize) -> Condition {
        match self {
            Condition::Search(i) => Condition::Search(i + offset),
            Condition::And(items) => Condition::And(items.iter().map(|c| c.shifted(offset)).collect()),
            Condition::Or(items) => Condition::Or(items.iter().map(|c| c.shifted(offset)).collect()),
            Condition::Not(inner) => Condition::Not(Box::new(inner.shifted(offset))),
        }
    }

    /// The searches every match requires (those under `and`s only, outside any `not` or `or`),
    /// for the rule index.
    pub fn required(&self, out: &mut Vec<usize>) {
        match self {
            Condition::Search(i) => out.push(*i),
            Condition::And(items) => items.iter().for_each(|c| c.required(out)),
            Condition::Or(_) | Condition::Not(_) => {}
        }
    }

    /// The alternatives of a top-level `or` (or the condition itself), for the rule index: a match
    /// requires one of them.
    pub fn alternatives(&self) -> Vec<&Condition> {
        match self {
            Condition::Or(items) => items.iter().flat_map(Condition::alternatives).collect(),
            other => vec![other],
        }
    }
}

/// Why a condition cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionError(pub String);

impl fmt::Display for ConditionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Not,
    Of,
    Them,
    Number(usize),
    All,
    Name(String),
}

fn tokens(text: &str) -> Result<Vec<Token>, ConditionError> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '(' || c == ')' {
            out.push(if c == '(' { Token::Open } else { Token::Close });
            chars.next();
            continue;
        }
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() || c == '(' || c == ')' {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let word = &text[start..end];
        if word == "|" {
            return Err(ConditionError("aggregations after `|` (deprecated Sigma) are not supported; use a correlation rule".into()));
        }
        out.push(match word.to_ascii_lowercase().as_str() {
            "and" => Token::And,
            "or" => Token::Or,
            "not" => Token::Not,
            "of" => Token::Of,
            "them" => Token::Them,
            "all" => Token::All,
            w if !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) => {
                Token::Number(w.parse().map_err(|_| ConditionError(format!("`{word}` is too large a count")))?)
            }
            _ => Token::Name(word.to_string()),
        });
    }
    Ok(out)
}

/// Parses `text` against the rule's search names (in their order).
pub fn parse(text: &str, names: &[String]) -> Result<Condition, ConditionError> {
    let tokens = tokens(text)?;
    if tokens.is_empty() {
        return Err(ConditionError("the condition is empty".into()));
    }
    let mut parser = Parser { tokens, at: 0, names };
    let condition = parser.or()?;
    match parser.tokens.get(parser.at) {
        None => Ok(condition),
        Some(t) => Err(ConditionError(format!("unexpected {} in the condition", describe(t)))),
    }
}

fn describe(t: &Token) -> String {
    match t {
        Token::Open => "`(`".into(),
        Token::Close => "`)`".into(),
        Token::And => "`and`".into(),
        Token::Or => "`or`".into(),
        Token::Not => "`not`".into(),
        Token::Of => "`of`".into(),
        Token::Them => "`them`".into(),
        Token::All => "`all`".into(),
        Token::Number(n) => format!("`{n}`"),
        Token::Name(n) => format!("`{n}`"),
    }
}

struct Parser<'a> {
    tokens: Vec<Token>,
    at: usize,
    names: &'a [String],
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn eat(&mut self, t: &Token) -> bool {
        if self.peek() == Some(t) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Condition, ConditionError> {
        let mut items = vec![self.and()?];
        while self.eat(&Token::Or) {
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 { items.pop().unwrap_or(Condition::Or(Vec::new())) } else { Condition::Or(items) })
    }

    fn and(&mut self) -> Result<Condition, ConditionError> {
        let mut items = vec![self.not()?];
        while self.eat(&Token::And) {
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 { items.pop().unwrap_or(Condition::And(Vec::new())) } else { Condition::And(items) })
    }

    fn not(&mut self) -> Result<Condition, ConditionError> {
        if self.eat(&Token::Not) {
            return Ok(Condition::Not(Box::new(self.not()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Condition, ConditionError> {
        let token = self.peek().cloned().ok_or_else(|| ConditionError("the condition ends too early".into()))?;
        self.at += 1;
        match token {
            Token::Open => {
                let inner = self.or()?;
                if !self.eat(&Token::Close) {
                    return Err(ConditionError("a `(` is never closed".into()));
                }
                Ok(inner)
            }
            Token::Number(n) => self.quantified(Some(n)),
            Token::All => self.quantified(None),
            Token::Name(name) => match self.names.iter().position(|n| *n == name) {
                Some(i) => Ok(Condition::Search(i)),
                None => Err(ConditionError(format!("the condition names `{name}`, which is no search of the rule"))),
            },
            other => Err(ConditionError(format!("unexpected {} in the condition", describe(&other)))),
        }
    }

    /// `N of X` / `all of X` (`count` None for all).
    fn quantified(&mut self, count: Option<usize>) -> Result<Condition, ConditionError> {
        if !self.eat(&Token::Of) {
            return Err(ConditionError("a count must be followed by `of`".into()));
        }
        let named: Vec<usize> = match self.peek().cloned() {
            Some(Token::Them) => (0..self.names.len()).filter(|&i| !self.names[i].starts_with('_')).collect(),
            Some(Token::Name(pattern)) => (0..self.names.len()).filter(|&i| wildcard_match(&pattern, &self.names[i])).collect(),
            _ => return Err(ConditionError("`of` must be followed by a search name, a pattern or `them`".into())),
        };
        let what = describe(&self.tokens[self.at]);
        self.at += 1;
        if named.is_empty() {
            return Err(ConditionError(format!("{what} names no search of the rule")));
        }
        let searches: Vec<Condition> = named.into_iter().map(Condition::Search).collect();
        Ok(match count {
            None => Condition::And(searches),
            Some(1) => Condition::Or(searches),
            Some(0) => return Err(ConditionError("`0 of` is not a condition".into())),
            Some(n) if n > searches.len() => Condition::Or(Vec::new()),
            // `n of`: some n of them (every combination, as an `or` of `and`s).
            Some(n) => Condition::Or(combinations(&searches, n).into_iter().map(Condition::And).collect()),
        })
    }
}

/// Every way of picking `n` of `items`, in order.
fn combinations(items: &[Condition], n: usize) -> Vec<Vec<Condition>> {
    if n == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for (i, first) in items.iter().enumerate() {
        for mut rest in combinations(&items[i + 1..], n - 1) {
            rest.insert(0, first.clone());
            out.push(rest);
        }
    }
    out
}

/// A search-name pattern: `*` any run of characters, everything else itself.
fn wildcard_match(pattern: &str, name: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == name,
        Some((head, tail)) => {
            let Some(rest) = name.strip_prefix(head) else { return false };
            (0..=rest.len()).filter(|&i| rest.is_char_boundary(i)).any(|i| wildcard_match(tail, &rest[i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn precedence_is_not_then_and_then_or() {
        let n = names(&["a", "b", "c"]);
        let c = parse("a or b and not c", &n).unwrap();
        assert_eq!(
            c,
            Condition::Or(vec![
                Condition::Search(0),
                Condition::And(vec![Condition::Search(1), Condition::Not(Box::new(Condition::Search(2)))])
            ])
        );
        assert_eq!(
            parse("(a or b) and c", &n).unwrap(),
            Condition::And(vec![Condition::Or(vec![Condition::Search(0), Condition::Search(1)]), Condition::Search(2)])
        );
    }

    #[test]
    fn quantifiers_expand_to_the_searches_they_name() {
        let n = names(&["selection_a", "selection_b", "filter", "_helper"]);
        assert_eq!(parse("1 of selection_*", &n).unwrap(), Condition::Or(vec![Condition::Search(0), Condition::Search(1)]));
        assert_eq!(
            parse("all of them", &n).unwrap(),
            Condition::And(vec![Condition::Search(0), Condition::Search(1), Condition::Search(2)])
        );
        let two = parse("2 of them", &n).unwrap();
        let hits = |set: &[usize]| two.eval(&mut |i| set.contains(&i));
        assert!(hits(&[0, 2]) && !hits(&[1]) && !hits(&[3, 0]));
    }

    #[test]
    fn unknown_names_and_broken_conditions_say_why() {
        let n = names(&["selection"]);
        assert!(parse("selection and filter", &n).unwrap_err().0.contains("`filter`"));
        assert!(parse("1 of filter*", &n).unwrap_err().0.contains("names no search"));
        assert!(parse("(selection", &n).unwrap_err().0.contains("never closed"));
        assert!(parse("selection | count() > 5", &n).unwrap_err().0.contains("correlation"));
        assert!(parse("", &n).is_err() && parse("not", &n).is_err() && parse("selection selection", &n).is_err());
    }
}
