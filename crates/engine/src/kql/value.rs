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
use crate::calendar::{days_from_civil, days_in_month};
use crate::doc::Scalar;
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
    let b = s.as_bytes();
    let mut p = 0;
    let digits = |p: &mut usize, n: usize| -> Option<i64> {
        let part = b.get(*p..*p + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *p += n;
        part.iter().try_fold(0i64, |acc, d| Some(acc * 10 + i64::from(d - b'0')))
    };
    let sep = |p: &mut usize, c: u8| -> bool {
        let hit = b.get(*p) == Some(&c);
        if hit {
            *p += 1;
        }
        hit
    };
    let year = digits(&mut p, 4)?;
    let mut low = [year, 1, 1, 0, 0, 0, 0];
    let mut high = [year, 1, 1, 23, 59, 59, 999_999_999];
    let mut given = 1;
    let limits = [(1, 12), (1, 31), (0, 23), (0, 59), (0, 59)];
    let seps = [b'-', b'-', b'T', b':', b':'];
    while given < 6 && p < b.len() {
        let ok_sep = if given == 3 { sep(&mut p, b'T') || sep(&mut p, b' ') } else { sep(&mut p, seps[given - 1]) };
        if !ok_sep {
            break;
        }
        let v = digits(&mut p, 2)?;
        let (min, max) = limits[given - 1];
        if v < min || v > max {
            return None;
        }
        low[given] = v;
        high[given] = v;
        given += 1;
    }
    if given >= 3 && low[2] > days_in_month(year, low[1]) {
        return None;
    }
    if given == 6 && (sep(&mut p, b'.') || sep(&mut p, b',')) {
        let start = p;
        let mut nanos = 0i64;
        while let Some(d) = b.get(p).filter(|d| d.is_ascii_digit()) {
            if p - start < 9 {
                nanos = nanos * 10 + i64::from(d - b'0');
            }
            p += 1;
        }
        if p == start {
            return None;
        }
        nanos *= 10i64.pow(9u32.saturating_sub((p - start) as u32));
        low[6] = nanos;
        high[6] = nanos;
    }
    let mut offset_minutes = 0i64;
    if given >= 4 && p < b.len() {
        if sep(&mut p, b'Z') {
        } else if let Some(sign) = b.get(p).and_then(|c| match c {
            b'+' => Some(1),
            b'-' => Some(-1),
            _ => None,
        }) {
            p += 1;
            let hours = digits(&mut p, 2)?;
            sep(&mut p, b':');
            let minutes = if p < b.len() { digits(&mut p, 2)? } else { 0 };
            if hours > 18 || minutes > 59 {
                return None;
            }
            offset_minutes = sign * (hours * 60 + minutes);
        }
    }
    if p != b.len() {
        return None;
    }
    let instant = |f: [i64; 7]| -> i128 {
        let days = days_from_civil(f[0], f[1], f[2]);
        let seconds = days * 86_400 + f[3] * 3_600 + f[4] * 60 + f[5] - offset_minutes * 60;
        i128::from(seconds) * 1_000_000_000 + i128::from(f[6])
    };
    Some(Date { low: instant(low), high: instant(high), has_day: given >= 3 })
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
