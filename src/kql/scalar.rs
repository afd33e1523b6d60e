//! How one document value compares with one query literal, as Elasticsearch does on keyword,
//! numeric, boolean and date fields. Shared by the reference evaluator and the compiled matcher.
//!
//! Approximation (documented): the engine has no index mapping, so a field's type is read from the
//! value itself: JSON numbers are numeric, booleans boolean, strings keyword; in ranges a string
//! compares as a date when both it and the literal parse as ISO-8601 dates.

use crate::doc::Scalar;
use std::cmp::Ordering;

/// `field:literal` for an exact (non-wildcard) literal.
pub fn equals(value: Scalar<'_>, literal: &str) -> bool {
    match value {
        Scalar::Str(s) => s == literal,
        Scalar::Num(n) => literal.trim().parse::<f64>().is_ok_and(|q| q == n),
        Scalar::Bool(b) => literal == if b { "true" } else { "false" },
    }
}

/// The ordering of `value` against `literal`, or `None` where Elasticsearch's range would not match.
pub fn compare(value: Scalar<'_>, literal: &str) -> Option<Ordering> {
    match value {
        Scalar::Num(n) => n.partial_cmp(&literal.trim().parse::<f64>().ok()?),
        Scalar::Str(s) => match (parse_date(s), parse_date(literal)) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => Some(s.cmp(literal)),
        },
        Scalar::Bool(_) => None,
    }
}

/// Parses `YYYY[-MM[-DD[Thh[:mm[:ss[.fff]]]]]][Z|±hh:mm]` to nanoseconds since the epoch (UTC).
pub fn parse_date(text: &str) -> Option<i128> {
    let b = text.trim().as_bytes();
    let mut i = 0;
    let num = |len: usize, i: &mut usize| -> Option<i64> {
        let digits = b.get(*i..*i + len)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += len;
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    let year = num(4, &mut i)?;
    let (mut month, mut day, mut hour, mut minute, mut second, mut nanos) = (1, 1, 0, 0, 0, 0i64);
    if b.get(i) == Some(&b'-') {
        i += 1;
        month = num(2, &mut i)?;
        if b.get(i) == Some(&b'-') {
            i += 1;
            day = num(2, &mut i)?;
        }
    } else if i != b.len() {
        return None;
    }
    if matches!(b.get(i), Some(b'T' | b't' | b' ')) {
        i += 1;
        hour = num(2, &mut i)?;
        if b.get(i) == Some(&b':') {
            i += 1;
            minute = num(2, &mut i)?;
            if b.get(i) == Some(&b':') {
                i += 1;
                second = num(2, &mut i)?;
                if matches!(b.get(i), Some(b'.' | b',')) {
                    i += 1;
                    let start = i;
                    while b.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    let frac = std::str::from_utf8(&b[start..i]).ok()?;
                    if frac.is_empty() {
                        return None;
                    }
                    let padded: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
                    nanos = padded.parse().ok()?;
                }
            }
        }
    }
    let mut offset_minutes = 0i64;
    match b.get(i) {
        None => {}
        Some(b'Z' | b'z') => i += 1,
        Some(sign @ (b'+' | b'-')) => {
            let sign = if *sign == b'-' { -1 } else { 1 };
            i += 1;
            let h = num(2, &mut i)?;
            if b.get(i) == Some(&b':') {
                i += 1;
            }
            let m = num(2, &mut i)?;
            offset_minutes = sign * (h * 60 + m);
        }
        _ => return None,
    }
    if i != b.len() || !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds as i128 * 1_000_000_000 + nanos as i128)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_at_every_precision() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("1970-01-02"), Some(86_400_000_000_000));
        assert_eq!(parse_date("2024"), parse_date("2024-01-01T00:00:00.000Z"));
        assert_eq!(parse_date("2024-03-01T01:00:00+01:00"), parse_date("2024-03-01T00:00:00Z"));
        assert_eq!(parse_date("2024-03-01T00:00:00.5Z").map(|n| n % 1_000_000_000), Some(500_000_000));
        assert_eq!(parse_date("DeleteBucketPolicy"), None);
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("12345"), None);
    }

    #[test]
    fn values_compare_by_their_type() {
        assert!(equals(Scalar::Num(21.0), "21"));
        assert!(equals(Scalar::Num(21.0), "21.0"));
        assert!(!equals(Scalar::Str("21.0"), "21"));
        assert!(equals(Scalar::Bool(true), "true"));
        assert_eq!(compare(Scalar::Num(5.0), "10"), Some(Ordering::Less));
        assert_eq!(compare(Scalar::Str("b"), "a"), Some(Ordering::Greater));
        assert_eq!(compare(Scalar::Str("2024-01-02T00:00:00Z"), "2024-01-02"), Some(Ordering::Equal));
        assert_eq!(compare(Scalar::Num(1.0), "x"), None);
    }
}
