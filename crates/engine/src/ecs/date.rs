//! The `date` processor for the formats the pipeline uses (`ISO8601`, `basic_date_time_no_millis`,
//! `basic_date_time`): parse, convert to UTC, print `yyyy-MM-dd'T'HH:mm:ss.SSSZ`.
//!
//! Depends only on [`crate::calendar`].

use crate::calendar::{civil_from_days, days_from_civil, days_in_month};

/// Parses `s` with the first format that accepts it and prints the UTC instant with milliseconds.
pub fn to_timestamp(s: &str, basic_formats: bool) -> Option<String> {
    let (days, secs, millis) = iso8601(s).or_else(|| if basic_formats { basic(s) } else { None })?;
    let (y, m, d) = civil_from_days(days + secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    if !(0..=9999).contains(&y) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z", sod / 3600, sod / 60 % 60, sod % 60))
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<i64> {
        let part = self.b.get(self.i..self.i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(part.iter().fold(0i64, |acc, c| acc * 10 + i64::from(c - b'0')))
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

/// (days since epoch, seconds of day adjusted by the offset, milliseconds).
type Instant = (i64, i64, i64);

fn iso8601(s: &str) -> Option<Instant> {
    let mut c = Cursor { b: s.as_bytes(), i: 0 };
    let y = c.digits(4)?;
    let (mut mo, mut d) = (1, 1);
    if c.eat(b'-') {
        mo = c.digits(2)?;
        if c.eat(b'-') {
            d = c.digits(2)?;
        }
    }
    let (mut h, mut mi, mut se, mut ms) = (0, 0, 0, 0);
    if c.eat(b'T') {
        h = c.digits(2)?;
        if c.eat(b':') {
            mi = c.digits(2)?;
            if c.eat(b':') {
                se = c.digits(2)?;
                if c.eat(b'.') || c.eat(b',') {
                    ms = fraction(&mut c)?;
                }
            }
        }
    }
    let off = offset(&mut c)?;
    finish(c.done(), y, mo, d, h, mi, se, ms, off)
}

fn basic(s: &str) -> Option<Instant> {
    let mut c = Cursor { b: s.as_bytes(), i: 0 };
    let (y, mo, d) = (c.digits(4)?, c.digits(2)?, c.digits(2)?);
    if !c.eat(b'T') {
        return None;
    }
    let (h, mi, se) = (c.digits(2)?, c.digits(2)?, c.digits(2)?);
    let ms = if c.eat(b'.') { fraction(&mut c)? } else { 0 };
    let off = offset(&mut c)?;
    finish(c.done(), y, mo, d, h, mi, se, ms, off)
}

fn fraction(c: &mut Cursor<'_>) -> Option<i64> {
    let start = c.i;
    while c.peek().is_some_and(|x| x.is_ascii_digit()) && c.i - start < 9 {
        c.i += 1;
    }
    let frac = &c.b[start..c.i];
    if frac.is_empty() {
        return None;
    }
    Some(frac.iter().take(3).enumerate().fold(0, |acc, (i, x)| acc + i64::from(x - b'0') * [100, 10, 1][i]))
}

fn offset(c: &mut Cursor<'_>) -> Option<i64> {
    match c.peek() {
        None => Some(0),
        Some(b'Z') => {
            c.i += 1;
            Some(0)
        }
        Some(sign @ (b'+' | b'-')) => {
            c.i += 1;
            let h = c.digits(2)?;
            c.eat(b':');
            let m = if c.done() { 0 } else { c.digits(2)? };
            let off = h * 3600 + m * 60;
            Some(if sign == b'-' { -off } else { off })
        }
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn finish(done: bool, y: i64, mo: i64, d: i64, h: i64, mi: i64, se: i64, ms: i64, off: i64) -> Option<Instant> {
    let ok = done && (1..=12).contains(&mo) && d >= 1 && d <= days_in_month(y, mo) && h < 24 && mi < 60 && se < 60;
    ok.then(|| (days_from_civil(y, mo, d), h * 3600 + mi * 60 + se - off, ms))
}

#[cfg(test)]
mod tests {
    use super::to_timestamp;

    #[test]
    fn iso_and_offsets() {
        assert_eq!(to_timestamp("2020-01-10T16:06:40Z", false).as_deref(), Some("2020-01-10T16:06:40.000Z"));
        assert_eq!(to_timestamp("2020-01-10T16:06:40.123456+01:00", false).as_deref(), Some("2020-01-10T15:06:40.123Z"));
        assert_eq!(to_timestamp("20200110T160640Z", true).as_deref(), Some("2020-01-10T16:06:40.000Z"));
        assert_eq!(to_timestamp("yesterday", true), None);
    }
}
