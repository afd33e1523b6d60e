//! Text → AST, following Kibana's kuery grammar (`kbn-es-query` `grammar.peggy`).
//!
//! A recursive-descent parser over the text itself: KQL's unquoted literals may hold spaces and end
//! where a keyword (`or`, `and`, `not` between spaces) begins, so tokens depend on context and a
//! separate lexer would have to re-implement the grammar. Must not depend on matching.
//!
//! ```text
//! or    = and ("or" and)*            and   = not ("and" not)*
//! not   = "not" not | sub            sub   = "(" or ")" | nested
//! nested= field ":" "{" or "}" | expr
//! expr  = field rangeop literal | field ":" list | value
//! list  = "(" orlist ")" | value     orlist etc. as or/and/not over lists
//! ```

use super::ast::{Expr, Part, RangeOp, SPECIAL, Value, ValueExpr};
use super::error::ParseError;

/// Deepest nesting of parentheses, braces and `not`s accepted (keeps recursion bounded).
pub const MAX_DEPTH: usize = 200;

pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser { text, pos: 0, depth: 0 };
    p.skip_space();
    if p.at_end() {
        return Ok(Expr::All);
    }
    let expr = p.or_query()?;
    p.skip_space();
    if !p.at_end() {
        return Err(p.error_here("unexpected text; expected \"and\", \"or\" or the end of the query"));
    }
    Ok(expr)
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.bump();
        }
    }

    fn error(&self, message: impl Into<String>, span: std::ops::Range<usize>) -> ParseError {
        ParseError { message: message.into(), span, query: self.text.to_string() }
    }

    fn error_here(&self, message: &str) -> ParseError {
        let end = self.pos + self.peek().map_or(0, char::len_utf8);
        self.error(message, self.pos..end)
    }

    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(&format!("the query nests deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// Whether `keyword` (case-insensitive) starts at `at`, followed by a space or `(`/end as allowed.
    fn keyword_at(&self, at: usize, keyword: &str) -> bool {
        let rest = &self.text[at..];
        rest.len() >= keyword.len()
            && rest.is_char_boundary(keyword.len())
            && rest[..keyword.len()].eq_ignore_ascii_case(keyword)
            && rest[keyword.len()..].chars().next().is_some_and(|c| is_space(c) || (keyword == "not" && c == '('))
    }

    /// Consumes `Space+ keyword Space+` (the binary operators); false if not there.
    fn binary(&mut self, keyword: &str) -> bool {
        let start = self.pos;
        let mut at = start;
        while self.text[at..].chars().next().is_some_and(is_space) {
            at += 1;
        }
        if at == start || !self.keyword_at(at, keyword) {
            return false;
        }
        self.pos = at + keyword.len();
        self.skip_space();
        true
    }

    fn not_keyword(&mut self) -> bool {
        if self.keyword_at(self.pos, "not") {
            self.pos += 3;
            self.skip_space();
            true
        } else {
            false
        }
    }

    fn or_query(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.and_query()?];
        while self.binary("or") {
            items.push(self.and_query()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Expr::Or(items) })
    }

    fn and_query(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.not_query()?];
        while self.binary("and") {
            items.push(self.not_query()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Expr::And(items) })
    }

    fn not_query(&mut self) -> Result<Expr, ParseError> {
        if self.not_keyword() {
            self.enter()?;
            let inner = self.not_query()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.sub_query()
    }

    fn sub_query(&mut self) -> Result<Expr, ParseError> {
        if self.peek() == Some('(') {
            let open = self.pos;
            self.bump();
            self.enter()?;
            self.skip_space();
            let inner = self.or_query()?;
            self.skip_space();
            if self.peek() != Some(')') {
                return Err(self.error_here_or_end("expected \")\" to close the \"(\"", open));
            }
            self.bump();
            self.depth -= 1;
            return Ok(inner);
        }
        self.expression()
    }

    fn error_here_or_end(&self, message: &str, open: usize) -> ParseError {
        if self.at_end() { self.error(format!("{message} opened here"), open..open + 1) } else { self.error_here(message) }
    }

    fn expression(&mut self) -> Result<Expr, ParseError> {
        let start = self.pos;
        let literal = self.literal("a field name or a value")?;
        let after_literal = self.pos;
        self.skip_space();
        if let Some(op) = self.range_op() {
            self.skip_space();
            let value = self.literal("a value after the range operator")?;
            return Ok(Expr::Range { field: literal, op, value });
        }
        if self.peek() == Some(':') {
            self.bump();
            self.skip_space();
            if self.peek() == Some('{') {
                let open = self.pos;
                self.bump();
                self.enter()?;
                self.skip_space();
                let query = self.or_query()?;
                self.skip_space();
                if self.peek() != Some('}') {
                    return Err(self.error_here_or_end("expected \"}\" to close the nested query", open));
                }
                self.bump();
                self.depth -= 1;
                return Ok(Expr::Nested { field: literal, query: Box::new(query) });
            }
            let values = self.list_of_values()?;
            return Ok(Expr::Field { field: literal, values });
        }
        self.pos = after_literal;
        if start == after_literal {
            return Err(self.error_here("expected a field name or a value"));
        }
        Ok(Expr::Bare(literal))
    }

    fn range_op(&mut self) -> Option<RangeOp> {
        let ops = [("<=", RangeOp::Lte), (">=", RangeOp::Gte), ("<", RangeOp::Lt), (">", RangeOp::Gt)];
        let (text, op) = ops.into_iter().find(|(t, _)| self.rest().starts_with(t))?;
        self.pos += text.len();
        Some(op)
    }

    fn list_of_values(&mut self) -> Result<ValueExpr, ParseError> {
        if self.peek() == Some('(') {
            let open = self.pos;
            self.bump();
            self.enter()?;
            self.skip_space();
            let inner = self.or_values()?;
            self.skip_space();
            if self.peek() != Some(')') {
                return Err(self.error_here_or_end("expected \")\" to close the list of values", open));
            }
            self.bump();
            self.depth -= 1;
            return Ok(inner);
        }
        Ok(ValueExpr::One(self.literal("a value after \":\"")?))
    }

    fn or_values(&mut self) -> Result<ValueExpr, ParseError> {
        let mut items = vec![self.and_values()?];
        while self.binary("or") {
            items.push(self.and_values()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { ValueExpr::Or(items) })
    }

    fn and_values(&mut self) -> Result<ValueExpr, ParseError> {
        let mut items = vec![self.not_values()?];
        while self.binary("and") {
            items.push(self.not_values()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { ValueExpr::And(items) })
    }

    fn not_values(&mut self) -> Result<ValueExpr, ParseError> {
        if self.not_keyword() {
            self.enter()?;
            let inner = self.not_values()?;
            self.depth -= 1;
            return Ok(ValueExpr::Not(Box::new(inner)));
        }
        self.list_of_values()
    }

    /// A quoted string or an unquoted literal; `what` names it in the error when there is none.
    fn literal(&mut self, what: &str) -> Result<Value, ParseError> {
        if self.peek() == Some('"') {
            return self.quoted();
        }
        let parts = self.unquoted()?;
        if parts.is_empty() {
            let message = match self.peek() {
                None => format!("expected {what}, found the end of the query"),
                Some(c) => format!("expected {what}, found \"{c}\""),
            };
            let end = self.pos + self.peek().map_or(0, char::len_utf8);
            return Err(self.error(message, self.pos..end));
        }
        Ok(Value::Unquoted(parts))
    }

    fn quoted(&mut self) -> Result<Value, ParseError> {
        let open = self.pos;
        self.bump();
        let mut out = String::new();
        loop {
            let at = self.pos;
            match self.bump() {
                None => return Err(self.error("unterminated quoted string", open..self.text.len())),
                Some('"') => return Ok(Value::Quoted(out)),
                Some('\\') => match self.bump() {
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some('n') => out.push('\n'),
                    Some('u') => out.push(self.unicode(at)?),
                    Some(c) => out.push(c),
                    None => return Err(self.error("unterminated quoted string", open..self.text.len())),
                },
                Some(c) => out.push(c),
            }
        }
    }

    fn unicode(&mut self, at: usize) -> Result<char, ParseError> {
        let hex = self.rest().get(..4).filter(|h| h.chars().all(|c| c.is_ascii_hexdigit()));
        let code = hex.and_then(|h| u32::from_str_radix(h, 16).ok()).and_then(char::from_u32);
        match code {
            Some(c) => {
                self.pos += 4;
                Ok(c)
            }
            None => Err(self.error("expected four hex digits after \\u", at..(at + 6).min(self.text.len()))),
        }
    }

    /// Unquoted characters up to a special character or a keyword; trailing spaces are trimmed.
    fn unquoted(&mut self) -> Result<Vec<Part>, ParseError> {
        let mut parts: Vec<Part> = Vec::new();
        let mut text = String::new();
        // Spaces are kept only once a non-space follows them (they may precede a keyword or the end).
        let mut pending_space = String::new();
        loop {
            let at = self.pos;
            let Some(c) = self.peek() else { break };
            if is_space(c) {
                let mut probe = at;
                while self.text[probe..].chars().next().is_some_and(is_space) {
                    probe += 1;
                }
                let ends = probe >= self.text.len()
                    || ["or", "and"].iter().any(|k| self.keyword_at(probe, k))
                    || self.text[probe..].starts_with(|c: char| SPECIAL.contains(&c) && c != '\\' && c != '*');
                if ends {
                    break;
                }
                pending_space.push_str(&self.text[at..probe]);
                self.pos = probe;
                continue;
            }
            if text.is_empty() && parts.is_empty() && self.keyword_at(at, "not") {
                break;
            }
            match c {
                '*' => {
                    self.bump();
                    text.push_str(&std::mem::take(&mut pending_space));
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Wildcard);
                }
                '\\' => {
                    self.bump();
                    let escaped = match self.peek() {
                        Some('t') => '\t',
                        Some('r') => '\r',
                        Some('n') => '\n',
                        Some('u') => {
                            self.bump();
                            let c = self.unicode(at)?;
                            text.push_str(&std::mem::take(&mut pending_space));
                            text.push(c);
                            continue;
                        }
                        Some(c) if SPECIAL.contains(&c) => c,
                        Some(_) if ["or", "and", "not"].iter().any(|k| self.keyword_prefix(k)) => {
                            text.push_str(&std::mem::take(&mut pending_space));
                            let len = ["and", "not", "or"].iter().find(|k| self.keyword_prefix(k)).map_or(0, |k| k.len());
                            text.push_str(&self.text[self.pos..self.pos + len]);
                            self.pos += len;
                            continue;
                        }
                        _ => {
                            return Err(
                                self.error("unknown escape; escape one of \\():<>\"*{} or whitespace or a keyword", at..self.pos + 1)
                            );
                        }
                    };
                    self.bump();
                    text.push_str(&std::mem::take(&mut pending_space));
                    text.push(escaped);
                }
                c if SPECIAL.contains(&c) => break,
                c => {
                    self.bump();
                    text.push_str(&std::mem::take(&mut pending_space));
                    text.push(c);
                }
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(parts)
    }

    fn keyword_prefix(&self, keyword: &str) -> bool {
        let rest = self.rest();
        rest.len() >= keyword.len() && rest.is_char_boundary(keyword.len()) && rest[..keyword.len()].eq_ignore_ascii_case(keyword)
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}
