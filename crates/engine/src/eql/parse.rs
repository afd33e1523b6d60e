//! The EQL parser: tokens → [`QueryAst`], by recursive descent over Elasticsearch's EQL grammar, with
//! the checks Elasticsearch makes before it runs a query (function names and arities, constant
//! patterns, no comparisons between fields, consistent sequence join keys). Must not depend on the
//! matchers.
//!
//! Precedence, loosest first: `or`, `and`, `not`, a predicate (`==`, `!=`, `<`, `<=`, `>`, `>=`,
//! `:`, `in`, `in~`, `not in`, `not in~`, `like`, `like~`, `regex`, `regex~`), `+ -`, `* / %`, unary
//! `-`, then a field, constant, function call or parenthesised expression. A comparison written
//! with the constant on the left is turned around (`5 < n` becomes `n > 5`), as Elasticsearch does.

use super::ast::*;
use super::error::{self, ParseError};
use super::func;
use super::lex::{Kw, Tok, Token, lex};
use super::lucene;
use super::value::Value;
use std::ops::Range;

/// How deeply expressions may nest before the query is refused (it would otherwise risk the stack).
pub const MAX_DEPTH: usize = 64;

/// Parses a whole query.
pub fn parse(text: &str) -> Result<QueryAst, ParseError> {
    let tokens = lex(text)?;
    let mut p = Parser { text, tokens, pos: 0, depth: 0 };
    let query = match p.peek() {
        Tok::Kw(Kw::Sequence) => QueryAst::Sequence(p.sequence()?),
        Tok::Kw(Kw::Join) => return Err(p.unsupported("join queries are not supported; use a sequence")),
        Tok::Kw(Kw::Sample) => return Err(p.unsupported("sample queries are not supported")),
        _ => QueryAst::Event(p.event_query("\"sequence\", an event category or \"any\"")?),
    };
    match p.peek() {
        Tok::Eof => Ok(query),
        Tok::Op("|") => Err(p.unsupported("Pipes (| head, | tail, ...) are not supported.")),
        _ => Err(p.expected("\"and\", \"or\", an operator or end of input")),
    }
}

struct Parser<'t> {
    text: &'t str,
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        &self.tokens[self.pos].tok
    }

    fn peek_at(&self, ahead: usize) -> &Tok {
        &self.tokens[(self.pos + ahead).min(self.tokens.len() - 1)].tok
    }

    fn span(&self) -> Range<usize> {
        self.tokens[self.pos].span.clone()
    }

    fn prev_end(&self) -> usize {
        self.pos.checked_sub(1).map_or(0, |i| self.tokens[i].span.end)
    }

    fn bump(&mut self) -> Token {
        let t = self.tokens[self.pos].clone();
        if self.pos + 1 < self.tokens.len() {
            self.pos += 1;
        }
        t
    }

    fn eat(&mut self, tok: &Tok) -> bool {
        let hit = self.peek() == tok;
        if hit {
            self.bump();
        }
        hit
    }

    /// Whether the next token is `~` written right after the previous one.
    fn eat_tilde(&mut self) -> bool {
        let adjacent = self.span().start == self.prev_end();
        adjacent && self.eat(&Tok::Op("~"))
    }

    fn expect(&mut self, tok: &Tok, what: &str) -> Result<(), ParseError> {
        if self.eat(tok) { Ok(()) } else { Err(self.expected(what)) }
    }

    fn expected(&self, what: &str) -> ParseError {
        error::expected(self.text, self.span(), what)
    }

    fn unsupported(&self, message: &str) -> ParseError {
        error::at(self.text, self.span(), message)
    }

    fn err(&self, span: Range<usize>, message: impl Into<String>) -> ParseError {
        error::at(self.text, span, message)
    }

    // --- Queries -------------------------------------------------------------------------------

    fn event_query(&mut self, what: &str) -> Result<EventQuery, ParseError> {
        let category = match self.peek().clone() {
            Tok::Kw(Kw::Any) => Category::Any,
            Tok::Name(n) | Tok::Str(n) | Tok::Quoted(n) => Category::Named(n),
            _ => return Err(self.expected(what)),
        };
        self.bump();
        self.expect(&Tok::Kw(Kw::Where), "\"where\"")?;
        let condition = self.expr()?;
        Ok(EventQuery { category, condition })
    }

    fn sequence(&mut self) -> Result<SequenceAst, ParseError> {
        self.bump();
        let mut by = Vec::new();
        let mut maxspan_ms = None;
        for _ in 0..2 {
            if by.is_empty() && self.eat(&Tok::Kw(Kw::By)) {
                by = self.join_keys()?;
            } else if maxspan_ms.is_none() && self.peek() == &Tok::Kw(Kw::With) {
                self.bump();
                maxspan_ms = Some(self.maxspan()?);
            }
        }
        let mut steps = Vec::new();
        let mut until = None;
        while self.peek() == &Tok::Op("[") {
            steps.push(self.step()?);
        }
        if self.peek() == &Tok::Op("!") {
            return Err(self.unsupported("Missing-event steps (![ ... ]) are not supported."));
        }
        if steps.is_empty() {
            return Err(self.expected("\"by\", \"with\" or \"[\""));
        }
        if steps.len() < 2 {
            return Err(self.unsupported("A sequence needs at least two queries; expected \"[\" here."));
        }
        if self.eat(&Tok::Kw(Kw::Until)) {
            if self.peek() != &Tok::Op("[") {
                return Err(self.expected("\"[\""));
            }
            until = Some(self.step()?);
        }
        let keys = by.len() + steps[0].by.len();
        for step in steps.iter().chain(until.iter()) {
            if by.len() + step.by.len() != keys {
                let span = step.by.first().map_or(step.span.clone(), |f| f.span.clone());
                return Err(self.err(
                    span,
                    format!(
                        "Every query of a sequence needs the same number of join keys: the first has {keys}, this one {}.",
                        by.len() + step.by.len()
                    ),
                ));
            }
        }
        Ok(SequenceAst { by, maxspan_ms, steps, until })
    }

    fn step(&mut self) -> Result<StepAst, ParseError> {
        let open = self.bump().span.start;
        let query = self.event_query("an event category or \"any\"")?;
        self.expect(&Tok::Op("]"), "\"]\"")?;
        let close = self.prev_end();
        let by = if self.eat(&Tok::Kw(Kw::By)) { self.join_keys()? } else { Vec::new() };
        if self.peek() == &Tok::Kw(Kw::With) {
            return Err(self.unsupported("`with runs=` on a sequence query is not supported."));
        }
        Ok(StepAst { query, by, span: open..close })
    }

    fn join_keys(&mut self) -> Result<Vec<FieldRef>, ParseError> {
        let mut keys = Vec::new();
        loop {
            match self.value()? {
                Expr::Field(f) => keys.push(f),
                _ => return Err(self.err(self.tokens[self.pos - 1].span.clone(), "A join key must be a field.")),
            }
            if !self.eat(&Tok::Op(",")) {
                return Ok(keys);
            }
        }
    }

    fn maxspan(&mut self) -> Result<u64, ParseError> {
        if !matches!(self.peek(), Tok::Name(n) if n == "maxspan") {
            return Err(self.expected("\"maxspan\""));
        }
        self.bump();
        self.expect(&Tok::Op("="), "\"=\"")?;
        let Tok::Int(n) = *self.peek() else { return Err(self.expected("a time span such as 30s, 5m or 1h")) };
        let number_span = self.bump().span;
        let unit = match self.peek() {
            Tok::Name(u) if self.span().start == number_span.end => u.clone(),
            _ => return Err(self.err(number_span, "A time span needs a unit: ms, s, m, h or d (as in 5m).")),
        };
        let per = match unit.as_str() {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return Err(self.unsupported(&format!("Unknown time unit \"{unit}\"; use ms, s, m, h or d."))),
        };
        let span = number_span.start..self.bump().span.end;
        u64::try_from(n).ok().and_then(|n| n.checked_mul(per)).ok_or_else(|| self.err(span, "The time span is out of range."))
    }

    // --- Conditions ----------------------------------------------------------------------------

    fn nest(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH { Err(self.unsupported("The query nests too deeply.")) } else { Ok(()) }
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.nest()?;
        let mut items = vec![self.and()?];
        while self.eat(&Tok::Kw(Kw::Or)) {
            items.push(self.and()?);
        }
        self.depth -= 1;
        Ok(if items.len() == 1 { items.remove(0) } else { Expr::Or(items) })
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let mut items = vec![self.not()?];
        while self.eat(&Tok::Kw(Kw::And)) {
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 { items.remove(0) } else { Expr::And(items) })
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.eat(&Tok::Kw(Kw::Not)) {
            self.nest()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.predicate()
    }

    fn predicate(&mut self) -> Result<Expr, ParseError> {
        let left_start = self.span().start;
        let left = self.value()?;
        let left_span = left_start..self.prev_end();
        let op = match self.peek() {
            Tok::Op("==") => CmpOp::Eq,
            Tok::Op("!=") => CmpOp::Ne,
            Tok::Op("<") => CmpOp::Lt,
            Tok::Op("<=") => CmpOp::Le,
            Tok::Op(">") => CmpOp::Gt,
            Tok::Op(">=") => CmpOp::Ge,
            Tok::Op("=") => return Err(self.unsupported("Use == to compare for equality; = is not an operator.")),
            Tok::Op(":") => {
                self.bump();
                let patterns = self.constants(false, ":")?;
                return Ok(Expr::Seq { left: Box::new(left), patterns: self.strings(patterns, ":")? });
            }
            Tok::Kw(Kw::Not) if self.peek_at(1) == &Tok::Kw(Kw::In) => {
                self.bump();
                return Ok(Expr::Not(Box::new(self.in_list(left)?)));
            }
            Tok::Kw(Kw::In) => return self.in_list(left),
            Tok::Kw(Kw::Like) | Tok::Kw(Kw::Regex) => {
                let regex = self.bump().tok == Tok::Kw(Kw::Regex);
                let insensitive = self.eat_tilde();
                let word = if regex { "regex" } else { "like" };
                let patterns = self.constants(false, word)?;
                let patterns = self.strings(patterns, word)?;
                let left = Box::new(left);
                if !regex {
                    return Ok(Expr::Like { left, patterns, insensitive });
                }
                let texts: Vec<&str> = patterns.iter().map(text_of).collect();
                if let Err(e) = lucene::compile(&texts, insensitive) {
                    let span = patterns[0].span.start..patterns[patterns.len() - 1].span.end;
                    return Err(self.err(span, format!("Invalid regex: {e}.")));
                }
                return Ok(Expr::Regex { left, patterns, insensitive });
            }
            _ => return Ok(left),
        };
        self.bump();
        let right_start = self.span().start;
        let right = self.value()?;
        let right_span = right_start..self.prev_end();
        if let Some(Tok::Op(o)) = Some(self.peek()).filter(|t| matches!(t, Tok::Op("==" | "!=" | "<" | "<=" | ">" | ">="))) {
            return Err(self.unsupported(&format!("Comparisons do not chain; combine them with \"and\" (found {o}).")));
        }
        let (op, left, right, span) = match (left.first_field().is_some(), right.first_field().cloned()) {
            (true, Some(f)) => return Err(self.field_comparison(&f)),
            (false, Some(_)) => (op.flipped(), right, left, left_span),
            _ => (op, left, right, right_span),
        };
        // The constant side is computed now, so `n != 1 + 1` is a test against the constant 2.
        let right = Expr::Const(Constant { value: fold_constant(&right), span });
        Ok(Expr::Compare { op, left: Box::new(left), right: Box::new(right) })
    }

    fn field_comparison(&self, f: &FieldRef) -> ParseError {
        self.err(f.span.clone(), format!("Cannot compare with the field {}: Elasticsearch compares a field only with a constant.", f.name))
    }

    fn in_list(&mut self, left: Expr) -> Result<Expr, ParseError> {
        self.bump();
        let insensitive = self.eat_tilde();
        if self.peek() != &Tok::Op("(") {
            return Err(self.expected("\"(\""));
        }
        let values = self.constants(true, "in")?;
        if insensitive {
            self.strings(values.clone(), "in~")?;
        }
        Ok(Expr::In { left: Box::new(left), values, insensitive })
    }

    /// One constant or a parenthesised list of them (a list only when `list_only`).
    fn constants(&mut self, list_only: bool, word: &str) -> Result<Vec<Constant>, ParseError> {
        if !list_only && self.peek() != &Tok::Op("(") {
            return Ok(vec![self.constant(word)?]);
        }
        self.expect(&Tok::Op("("), "\"(\"")?;
        let mut out = vec![self.constant(word)?];
        while self.eat(&Tok::Op(",")) {
            out.push(self.constant(word)?);
        }
        self.expect(&Tok::Op(")"), "\",\" or \")\"")?;
        Ok(out)
    }

    /// A value that must be constant; computed now.
    fn constant(&mut self, word: &str) -> Result<Constant, ParseError> {
        let start = self.span().start;
        let expr = self.value()?;
        let span = start..self.prev_end();
        if let Some(f) = expr.first_field() {
            return Err(if word == "in" {
                self.field_comparison(f)
            } else {
                self.err(f.span.clone(), format!("The right side of {word} must be a constant, not the field {}.", f.name))
            });
        }
        Ok(Constant { value: fold_constant(&expr), span })
    }

    fn strings(&self, items: Vec<Constant>, word: &str) -> Result<Vec<Constant>, ParseError> {
        match items.iter().find(|c| !matches!(c.value, Literal::Str(_))) {
            Some(c) => Err(self.err(c.span.clone(), format!("{word} takes string patterns."))),
            None => Ok(items),
        }
    }

    // --- Values --------------------------------------------------------------------------------

    fn value(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.term()?;
        loop {
            let func = match self.peek() {
                Tok::Op("+") => Func::Add,
                Tok::Op("-") => Func::Subtract,
                _ => return Ok(left),
            };
            let span = self.bump().span;
            let right = self.term()?;
            left = Expr::Call { func, insensitive: false, args: vec![left, right], span };
        }
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        let mut left = self.unary()?;
        loop {
            let func = match self.peek() {
                Tok::Op("*") => Func::Multiply,
                Tok::Op("/") => Func::Divide,
                Tok::Op("%") => Func::Modulo,
                _ => return Ok(left),
            };
            let span = self.bump().span;
            let right = self.unary()?;
            left = Expr::Call { func, insensitive: false, args: vec![left, right], span };
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        if self.peek() != &Tok::Op("-") {
            return self.primary();
        }
        let span = self.bump().span;
        self.nest()?;
        let inner = self.unary()?;
        self.depth -= 1;
        Ok(match inner {
            Expr::Const(Constant { value: Literal::Int(i), span: s }) if i != i64::MIN => {
                Expr::Const(Constant { value: Literal::Int(-i), span: span.start..s.end })
            }
            Expr::Const(Constant { value: Literal::Float(f), span: s }) => {
                Expr::Const(Constant { value: Literal::Float(-f), span: span.start..s.end })
            }
            other => {
                let zero = Expr::Const(Constant { value: Literal::Int(0), span: span.clone() });
                Expr::Call { func: Func::Subtract, insensitive: false, args: vec![zero, other], span }
            }
        })
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let span = self.span();
        let lit = |value| Ok(Expr::Const(Constant { value, span: span.clone() }));
        match self.peek().clone() {
            Tok::Op("(") => {
                self.bump();
                let inner = self.expr()?;
                self.expect(&Tok::Op(")"), "\")\"")?;
                Ok(inner)
            }
            Tok::Int(i) => self.bump_then(lit(Literal::Int(i))),
            Tok::Float(f) => self.bump_then(lit(Literal::Float(f))),
            Tok::Str(s) => self.bump_then(lit(Literal::Str(s))),
            Tok::Kw(Kw::True) => self.bump_then(lit(Literal::Bool(true))),
            Tok::Kw(Kw::False) => self.bump_then(lit(Literal::Bool(false))),
            Tok::Kw(Kw::Null) => self.bump_then(lit(Literal::Null)),
            Tok::Op("?") => {
                self.bump();
                let adjacent = self.span().start == span.end;
                match self.peek().clone() {
                    Tok::Name(name) | Tok::Quoted(name) if adjacent => {
                        let end = self.bump().span.end;
                        Ok(Expr::Field(FieldRef { name, optional: true, span: span.start..end }))
                    }
                    _ => Err(self.expected("a field name right after \"?\"")),
                }
            }
            Tok::Name(name) if matches!(self.peek_at(1), Tok::Op("(" | "~")) => self.call(name, span),
            Tok::Name(name) | Tok::Quoted(name) => self.bump_then(Ok(Expr::Field(FieldRef { name, optional: false, span }))),
            _ => Err(self.expected("a field, a value, a function or \"(\"")),
        }
    }

    fn bump_then(&mut self, e: Result<Expr, ParseError>) -> Result<Expr, ParseError> {
        self.bump();
        e
    }

    fn call(&mut self, name: String, span: Range<usize>) -> Result<Expr, ParseError> {
        self.bump();
        let Some(func) = Func::from_name(&name) else { return Err(self.err(span, format!("Unknown function {name}."))) };
        let insensitive = self.eat_tilde();
        if insensitive && !func.has_insensitive_form() {
            return Err(self.err(span.start..self.prev_end(), format!("{name} has no case-insensitive form {name}~.")));
        }
        self.expect(&Tok::Op("("), "\"(\"")?;
        let mut args = Vec::new();
        if !self.eat(&Tok::Op(")")) {
            loop {
                args.push(self.expr()?);
                if !self.eat(&Tok::Op(",")) {
                    break;
                }
            }
            self.expect(&Tok::Op(")"), "\",\" or \")\"")?;
        }
        let full = span.start..self.prev_end();
        let (low, high) = func.arity();
        if args.len() < low || high.is_some_and(|h| args.len() > h) {
            let want = match high {
                Some(h) if h == low => format!("{low}"),
                Some(h) => format!("{low} to {h}"),
                None => format!("at least {low}"),
            };
            return Err(self.err(full, format!("{name} takes {want} arguments, not {}.", args.len())));
        }
        if matches!(func, Func::CidrMatch | Func::Wildcard) {
            for arg in &args[1..] {
                let ok = match arg {
                    Expr::Const(Constant { value: Literal::Str(s), .. }) => func == Func::Wildcard || func::Cidr::parse(s).is_some(),
                    Expr::Const(Constant { value: Literal::Null, .. }) => func == Func::CidrMatch,
                    _ => false,
                };
                if !ok {
                    let what =
                        if func == Func::Wildcard { "constant string patterns" } else { "constant CIDR blocks such as \"10.0.0.0/8\"" };
                    return Err(self.err(full, format!("{name} takes {what} after its first argument.")));
                }
            }
        }
        Ok(Expr::Call { func, insensitive, args, span: full })
    }
}

/// A pattern constant's text (patterns are checked to be strings).
pub fn text_of(c: &Constant) -> &str {
    match &c.value {
        Literal::Str(s) => s,
        _ => "",
    }
}

/// The value of an expression without fields (constant folding).
pub fn fold_constant(expr: &Expr) -> Literal {
    match super::eval::value(expr, &|_| Value::Null) {
        Value::Null => Literal::Null,
        Value::Bool(b) => Literal::Bool(b),
        Value::Int(i) => Literal::Int(i),
        Value::Float(f) => Literal::Float(f),
        Value::Str(s) => Literal::Str(s.into_owned()),
    }
}
