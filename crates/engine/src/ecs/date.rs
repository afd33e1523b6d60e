//! The `date` processor for the formats the pipeline uses (`ISO8601`, `basic_date_time_no_millis`,
//! `basic_date_time`): parse, convert to UTC, print `yyyy-MM-dd'T'HH:mm:ss.SSSZ`.
//!
//! Depends only on [`crate::calendar`] and the date-time parser ([`crate::time`]).

use crate::calendar::civil_from_days;
use crate::time::{Options, parse};

/// Parses `s` with the first format that accepts it and prints the UTC instant with milliseconds.
pub fn to_timestamp(s: &str, basic_formats: bool) -> Option<String> {
    let t = parse(s, &Options::INGEST).or_else(|| if basic_formats { parse(s, &Options::INGEST_BASIC) } else { None })?;
    let seconds = t.epoch_seconds();
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    let sod = seconds.rem_euclid(86_400);
    if !(0..=9999).contains(&y) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z", sod / 3600, sod / 60 % 60, sod % 60, t.millis()))
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
