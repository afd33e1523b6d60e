//! Parser: KQL text → [`Node`], a hand-written rendering of Kibana's PEG grammar (`grammar.peggy`).
//! Must not depend on the printer or the matchers.
//!
//! Each grammar rule is a method that takes a byte position and returns the parsed node and the
//! position after it, or `None` (ordered choice and backtracking as in a PEG). Errors are reported
//! as peggy reports them, which Kibana shows to users: every failed attempt to match a token or a
//! named rule (`fieldName`, `value`, `literal`, `whitespace`, `AND`, `OR`, `NOT`) at the farthest
//! position reached is an expectation; named rules hide the expectations inside them. As in the
//! Kibana tests, the trailing optional whitespace adds none.
//!
//! Parentheses, value lists and nested queries may nest at most [`MAX_DEPTH`] levels; deeper input is
//! refused with an error rather than risking the stack. The bound is 100, not more, because every
//! stage (this parser, the compiler, both matchers, the printer) recurses once or twice a level: an
//! unoptimised build spends about 5 KiB of stack a level and a WebAssembly stack is 1 MiB. A test
//! runs the worst case at the bound on a 1 MiB thread. Real detection rules nest a handful of levels.

use super::ast::{Node, RangeOp, Term};
use super::error::{Expected, ParseError};
use super::lex;

/// How deeply `( )` and `{ }` may nest.
pub const MAX_DEPTH: usize = 100;

/// Parses a whole query. Empty (or all-whitespace) text is Kibana's match-all query.
pub fn parse(src: &str) -> Result<Node, ParseError> {
    let mut p = Parser { src, silent: 0, max_pos: 0, expected: Vec::new(), depth: 0, fatal: None };
    let pos = p.spaces(0);
    let (node, pos) = match p.or_query(pos) {
        Some((node, end)) => (Some(node), end),
        None => (None, pos),
    };
    let pos = p.optional_space(pos);
    if let Some(fatal) = p.fatal {
        return Err(fatal);
    }
    if pos == src.len() {
        return Ok(node.unwrap_or_else(Node::match_all));
    }
    p.fail(pos, Expected::EndOfInput);
    Err(ParseError::expected(src, p.max_pos, &p.expected))
}

/// A value list before its field is known: `(a or not b)`.
enum Values {
    Or(Vec<Values>),
    And(Vec<Values>),
    Not(Box<Values>),
    One(Term),
}

impl Values {
    fn with_field(self, field: &Term) -> Node {
        match self {
            Values::Or(items) => Node::Or(items.into_iter().map(|v| v.with_field(field)).collect()),
            Values::And(items) => Node::And(items.into_iter().map(|v| v.with_field(field)).collect()),
            Values::Not(inner) => Node::Not(Box::new(inner.with_field(field))),
            Values::One(value) => Node::Is { field: Some(field.clone()), value },
        }
    }
}

struct Parser<'a> {
    src: &'a str,
    /// Inside a named rule: failures are not expectations.
    silent: u32,
    max_pos: usize,
    expected: Vec<Expected>,
    depth: usize,
    /// An error that ends the parse at once (too deep).
    fatal: Option<ParseError>,
}

type Parsed<T> = Option<(T, usize)>;

impl Parser<'_> {
    fn fail(&mut self, pos: usize, what: Expected) {
        if self.silent > 0 || pos < self.max_pos {
            return;
        }
        if pos > self.max_pos {
            self.max_pos = pos;
            self.expected.clear();
        }
        self.expected.push(what);
    }

    /// Runs a named rule: inner failures are silent; its own failure is the expectation `name`.
    fn named<T>(&mut self, pos: usize, name: &'static str, rule: impl FnOnce(&mut Self) -> Parsed<T>) -> Parsed<T> {
        self.silent += 1;
        let result = rule(self);
        self.silent -= 1;
        if result.is_none() {
            self.fail(pos, Expected::Rule(name));
        }
        result
    }

    /// Enters one level of nesting; `None` (and a fatal error) past [`MAX_DEPTH`].
    fn nest<T>(&mut self, pos: usize, rule: impl FnOnce(&mut Self) -> Parsed<T>) -> Parsed<T> {
        if self.fatal.is_some() {
            return None;
        }
        if self.depth >= MAX_DEPTH {
            let end = pos + lex::char_at(self.src, pos).map_or(0, char::len_utf8);
            let message = format!("Query nests parentheses or braces more than {MAX_DEPTH} levels deep.");
            self.fatal = Some(ParseError::new(self.src, pos..end, message));
            return None;
        }
        self.depth += 1;
        let result = rule(self);
        self.depth -= 1;
        result
    }

    fn token(&mut self, pos: usize, token: &'static str) -> Option<usize> {
        let end = lex::token(self.src, pos, token);
        if end.is_none() {
            self.fail(pos, Expected::Token(token));
        }
        end
    }

    fn space(&mut self, pos: usize) -> Option<usize> {
        let src = self.src;
        self.named(pos, "whitespace", |_| lex::space(src, pos).map(|end| ((), end))).map(|(_, end)| end)
    }

    /// `Space*`.
    fn spaces(&mut self, mut pos: usize) -> usize {
        while let Some(next) = self.space(pos) {
            pos = next;
        }
        pos
    }

    /// `OptionalSpace`: `Space*` that, as in Kibana, reports no expectation.
    fn optional_space(&mut self, pos: usize) -> usize {
        self.silent += 1;
        let end = self.spaces(pos);
        self.silent -= 1;
        end
    }

    /// `Space+ word Space+` (or `word Space+` when `lead` is false), as the named rule `name`.
    fn keyword(&mut self, pos: usize, name: &'static str, word: &str, lead: bool) -> Option<usize> {
        let src = self.src;
        let rule = |_: &mut Self| {
            let plus = |p: usize| {
                let mut end = lex::space(src, p)?;
                while let Some(next) = lex::space(src, end) {
                    end = next;
                }
                Some(end)
            };
            let p = if lead { plus(pos)? } else { pos };
            let p = lex::word_ci(src, p, word)?;
            plus(p).map(|end| ((), end))
        };
        self.named(pos, name, rule).map(|(_, end)| end)
    }

    fn or_query(&mut self, pos: usize) -> Parsed<Node> {
        self.chain(pos, "OR", "or", Self::and_query, Node::Or)
    }

    fn and_query(&mut self, pos: usize) -> Parsed<Node> {
        self.chain(pos, "AND", "and", Self::not_query, Node::And)
    }

    /// `head (Keyword item)*`, one node when there is no tail.
    fn chain<T>(
        &mut self,
        pos: usize,
        name: &'static str,
        word: &str,
        item: fn(&mut Self, usize) -> Parsed<T>,
        join: fn(Vec<T>) -> T,
    ) -> Parsed<T> {
        let (head, mut pos) = item(self, pos)?;
        let mut items = vec![head];
        while let Some(next) = self.keyword(pos, name, word, true) {
            let Some((node, end)) = item(self, next) else {
                break;
            };
            items.push(node);
            pos = end;
        }
        let node = if items.len() == 1 { items.pop()? } else { join(items) };
        Some((node, pos))
    }

    fn not_query(&mut self, pos: usize) -> Parsed<Node> {
        if let Some(next) = self.keyword(pos, "NOT", "not", false)
            && let Some((node, end)) = self.sub_query(next)
        {
            return Some((Node::Not(Box::new(node)), end));
        }
        self.sub_query(pos)
    }

    fn sub_query(&mut self, pos: usize) -> Parsed<Node> {
        if let Some(open) = self.token(pos, "(") {
            let inner = self.nest(pos, |p| {
                let start = p.spaces(open);
                let (node, end) = p.or_query(start)?;
                let end = p.optional_space(end);
                p.token(end, ")").map(|close| (node, close))
            });
            if inner.is_some() {
                return inner;
            }
        }
        if self.fatal.is_some() {
            return None;
        }
        self.nested_query(pos)
    }

    fn nested_query(&mut self, pos: usize) -> Parsed<Node> {
        if let Some((path, end)) = self.field(pos) {
            let end = self.spaces(end);
            if let Some(end) = self.token(end, ":") {
                let end = self.spaces(end);
                if let Some(open) = self.token(end, "{") {
                    let inner = self.nest(end, |p| {
                        let start = p.spaces(open);
                        let (query, end) = p.or_query(start)?;
                        let end = p.optional_space(end);
                        p.token(end, "}").map(|close| (query, close))
                    });
                    if let Some((query, close)) = inner {
                        return Some((Node::Nested { path, query: Box::new(query) }, close));
                    }
                }
            }
        }
        if self.fatal.is_some() {
            return None;
        }
        self.field_range(pos).or_else(|| self.field_value(pos)).or_else(|| self.value_expression(pos))
    }

    fn field(&mut self, pos: usize) -> Parsed<Term> {
        let src = self.src;
        self.named(pos, "field name", |_| literal(src, pos))
    }

    fn field_range(&mut self, pos: usize) -> Parsed<Node> {
        let (field, end) = self.field(pos)?;
        let end = self.spaces(end);
        let (op, end) = self.range_operator(end)?;
        let end = self.spaces(end);
        let src = self.src;
        let (value, end) = self.named(end, "literal", |_| literal(src, end))?;
        Some((Node::Range { field, op, value }, end))
    }

    fn range_operator(&mut self, pos: usize) -> Parsed<RangeOp> {
        for (symbol, op) in lex::RANGE_OPERATORS.into_iter().zip([RangeOp::Lte, RangeOp::Gte, RangeOp::Lt, RangeOp::Gt]) {
            if let Some(end) = self.token(pos, symbol) {
                return Some((op, end));
            }
        }
        None
    }

    fn field_value(&mut self, pos: usize) -> Parsed<Node> {
        let (field, end) = self.field(pos)?;
        let end = self.spaces(end);
        let end = self.token(end, ":")?;
        let end = self.spaces(end);
        let (values, end) = self.list_of_values(end)?;
        Some((values.with_field(&field), end))
    }

    fn value_expression(&mut self, pos: usize) -> Parsed<Node> {
        let (value, end) = self.value(pos)?;
        Some((Node::Is { field: None, value }, end))
    }

    fn list_of_values(&mut self, pos: usize) -> Parsed<Values> {
        if let Some(open) = self.token(pos, "(") {
            let inner = self.nest(pos, |p| {
                let start = p.spaces(open);
                let (values, end) = p.chain(start, "OR", "or", Self::and_values, Values::Or)?;
                let end = p.optional_space(end);
                p.token(end, ")").map(|close| (values, close))
            });
            if inner.is_some() {
                return inner;
            }
        }
        if self.fatal.is_some() {
            return None;
        }
        self.value(pos).map(|(term, end)| (Values::One(term), end))
    }

    fn and_values(&mut self, pos: usize) -> Parsed<Values> {
        self.chain(pos, "AND", "and", Self::not_values, Values::And)
    }

    fn not_values(&mut self, pos: usize) -> Parsed<Values> {
        if let Some(next) = self.keyword(pos, "NOT", "not", false)
            && let Some((values, end)) = self.list_of_values(next)
        {
            return Some((Values::Not(Box::new(values)), end));
        }
        self.list_of_values(pos)
    }

    fn value(&mut self, pos: usize) -> Parsed<Term> {
        let src = self.src;
        self.named(pos, "value", |_| literal(src, pos))
    }
}

/// `QuotedString / UnquotedLiteral`.
fn literal(src: &str, pos: usize) -> Parsed<Term> {
    if let Some((value, end)) = lex::quoted(src, pos) {
        return Some((Term::Literal { value, quoted: true }, end));
    }
    lex::unquoted(src, pos)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_not_before_a_separator_is_the_keyword() {
        // Found by the round-trip property: a value reading `not` must be escaped by the printer.
        let tree = parse("a:(x or not or b)").expect("parses");
        assert_eq!(tree.to_string(), "a:(x or not or b)");
        let value = Node::Is { field: Some(Term::text("a")), value: Term::text("not") };
        let tree = Node::Or(vec![value.clone(), value]);
        assert_eq!(tree.to_string(), r"a:(\u006Eot or \u006Eot)");
        assert_eq!(parse(&tree.to_string()), Ok(tree));
    }
}
