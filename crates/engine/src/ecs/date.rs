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

/// The instant [`to_timestamp`] prints for `s` (with `basic_formats` off), in milliseconds, without
/// printing it: `None` exactly when it prints nothing.
pub fn to_millis(s: &str) -> Option<i64> {
    let t = parse(s, &Options::INGEST)?;
    let (y, _, _) = civil_from_days(t.epoch_seconds().div_euclid(86_400));
    (0..=9999).contains(&y).then(|| t.epoch_seconds() * 1000 + t.millis())
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

    #[test]
    fn millis_are_the_printed_instant() {
        for s in [
            "2020-01-10T16:06:40Z",
            "2020-01-10T16:06:40.123456+01:00",
            "1969-12-31T23:59:59.5Z",
            "0000-01-01T00:00:00Z",
            "yesterday",
            "99999-01-01T00:00:00Z",
        ] {
            let printed =
                to_timestamp(s, false).map(|t| crate::time::parse(&t, &crate::time::Options::INGEST).expect("reads back").epoch_millis());
            assert_eq!(super::to_millis(s), printed, "{s}");
        }
    }
}
