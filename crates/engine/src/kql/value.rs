//! How one document value compares with one query value: equality for `field:value` and order for
//! ranges, as Elasticsearch does on keyword, numeric, boolean and date fields. Shared by the compiled
//! matcher and the reference evaluator. Must not depend on the parser, printer or matchers.
//!
//! Documents carry no mapping, so the field type is read off the values:
//! - a string matches a query value when the texts are equal (case-sensitive, as on `keyword`); if
//!   both sides are ISO-8601 dates with at least a day (`2024-01-01`, `2024-01-01T10:00:00.5+02:00`),
//!   it also matches when the instant falls in the query date's span, as `is` on a `date` field
//!   (a range from the date rounded down to it rounded up);
//! - a number matches a query value that parses as the same number (`21` matches 21 and 21.0);
//! - a boolean matches `true`/`false`;
//! - ranges compare numerically when both sides are numbers, as dates when both parse as dates
//!   (a number in the document is then epoch milliseconds), otherwise by bytes (keyword order).
//!   A date bound is rounded as Elasticsearch rounds a date missing components: for `gt`/`lte`,
//!   missing month and day become 01 and a missing time 23:59:59.999999999; for `gte`/`lt`, zeros.
//!   A `null` bound is unbounded (Elasticsearch ignores it): any value satisfies it.
//!
//! Approximations: dates without a zone are UTC (Kibana may apply the browser's zone); only ISO-8601
//! dates are recognised (no other formats, no date math such as `now-1d`); a numeric query value
//! against a string document value is compared as text for equality (as on `keyword`).

use super::ast::{RangeOp, Term};
use crate::doc::Scalar;
use crate::time::{self, DateTime, Options, Part};
use std::cmp::Ordering;

/// A number in the text, as a numeric field would parse it: decimal, optional sign, fraction and
/// exponent; nothing else (no `inf`, `nan`, hex, spaces).
pub fn parse_number(s: &str) -> Option<f64> {
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        || !body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
    {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The text a keyword field would hold for a number: integers without a fraction.
pub fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// A date as nanoseconds since the Unix epoch, rounded down and rounded up over its missing parts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Date {
    pub low: i128,
    pub high: i128,
    /// Whether the text gave at least year, month and day.
    pub has_day: bool,
}

/// An ISO-8601 date: `yyyy[-MM[-dd[(T| )HH[:mm[:ss[.fraction]]][Z|±HH[:]mm|±HH]]]]`.
pub fn parse_date(s: &str) -> Option<Date> {
    let low = time::parse(s, &Options::KQL)?;
    // Rounded up: the missing parts of the time at their most (a missing month or day stays 01).
    let given = |part: Part, value: i64, most: i64| if low.precision >= part { value } else { most };
    let high = DateTime {
        hour: given(Part::Hour, low.hour, 23),
        minute: given(Part::Minute, low.minute, 59),
        second: given(Part::Second, low.second, 59),
        nanos: given(Part::Fraction, low.nanos, 999_999_999),
        ..low
    };
    Some(Date { low: low.epoch_nanos(), high: high.epoch_nanos(), has_day: low.precision >= Part::Day })
}

/// A query value prepared for equality with document values.
#[derive(Debug, Clone, PartialEq)]
pub struct Expect {
    pub text: String,
    pub number: Option<f64>,
    pub boolean: Option<bool>,
    pub date: Option<Date>,
}

impl Expect {
    pub fn new(term: &Term) -> Expect {
        let text = term.as_text();
        let boolean = match text.as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        };
        let literal = matches!(term, Term::Literal { .. });
        Expect {
            number: if literal { parse_number(&text) } else { None },
            date: if literal { parse_date(&text).filter(|d| d.has_day) } else { None },
            boolean,
            text,
        }
    }

    /// Whether the document value equals this query value.
    pub fn matches(&self, value: Scalar<'_>) -> bool {
        match value {
            Scalar::Str(s) => s == self.text || self.date.is_some_and(|q| date_in(s, q)),
            Scalar::Num(n) => self.number == Some(n),
            Scalar::Bool(b) => self.boolean == Some(b),
        }
    }
}

/// Whether the string is a date (with a day) inside the query date's span.
pub fn date_in(s: &str, q: Date) -> bool {
    parse_date(s).is_some_and(|d| d.has_day && d.low >= q.low && d.low <= q.high)
}

/// A range bound prepared for comparisons.
#[derive(Debug, Clone, PartialEq)]
pub struct Bound {
    pub op: RangeOp,
    pub text: String,
    pub number: Option<f64>,
    pub date: Option<Date>,
    /// `null`: Elasticsearch treats the bound as absent.
    pub unbounded: bool,
}

impl Bound {
    pub fn new(op: RangeOp, term: &Term) -> Bound {
        let text = term.as_text();
        Bound { op, number: parse_number(&text), date: parse_date(&text), unbounded: matches!(term, Term::Null), text }
    }

    /// Whether the document value satisfies `value <op> bound`.
    pub fn holds(&self, value: Scalar<'_>) -> bool {
        if self.unbounded {
            return true;
        }
        let ordering = match value {
            Scalar::Num(n) => match (self.number, self.date) {
                (Some(q), _) => n.partial_cmp(&q),
                (None, Some(d)) => return self.date_holds((n * 1e6) as i128, d),
                (None, None) => None,
            },
            Scalar::Str(s) => {
                if let (Some(n), Some(q)) = (self.number.and(parse_number(s)), self.number) {
                    n.partial_cmp(&q)
                } else if let (Some(d), Some(q)) = (self.date.and_then(|_| parse_date(s)), self.date) {
                    return self.date_holds(d.low, q);
                } else {
                    Some(s.as_bytes().cmp(self.text.as_bytes()))
                }
            }
            Scalar::Bool(b) => Some(if b { "true" } else { "false" }.as_bytes().cmp(self.text.as_bytes())),
        };
        ordering.is_some_and(|o| self.accepts(o))
    }

    fn accepts(&self, o: Ordering) -> bool {
        match self.op {
            RangeOp::Lt => o == Ordering::Less,
            RangeOp::Lte => o != Ordering::Greater,
            RangeOp::Gt => o == Ordering::Greater,
            RangeOp::Gte => o != Ordering::Less,
        }
    }

    fn date_holds(&self, instant: i128, q: Date) -> bool {
        match self.op {
            RangeOp::Lt => instant < q.low,
            RangeOp::Lte => instant <= q.high,
            RangeOp::Gt => instant > q.high,
            RangeOp::Gte => instant >= q.low,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: i128 = 1_000_000_000;

    #[test]
    fn numbers_are_plain_decimals() {
        assert_eq!(parse_number("21"), Some(21.0));
        assert_eq!(parse_number("-2.5e1"), Some(-25.0));
        assert_eq!(parse_number("inf"), None);
        assert_eq!(parse_number("1 "), None);
        assert_eq!(number_text(21.0), "21");
        assert_eq!(number_text(2.5), "2.5");
    }

    #[test]
    fn dates_round_down_and_up_as_elasticsearch() {
        let d = parse_date("2024-01-01").expect("date");
        assert_eq!(d.low, 1_704_067_200 * SEC);
        assert_eq!(d.high, (1_704_067_200 + 86_399) * SEC + 999_999_999);
        let t = parse_date("2024-01-01T02:00:00.5+02:00").expect("date");
        assert_eq!(t.low, 1_704_067_200 * SEC + 500_000_000);
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(parse_date("2024-01-01T10:00:00Zjunk"), None);
        assert!(parse_date("2024").is_some_and(|d| !d.has_day));
    }
}
