//! Numbers behind the charts: alerts over time in even buckets, and the top actors, source IPs and
//! buckets. Yew-free and pure; the chart component only draws them.

use std::collections::HashMap;
use trailhound_engine::alert::TextAlert;
use trailhound_engine::calendar::civil_from_days;
use trailhound_engine::time::{self, Options};

/// Seconds since the Unix epoch of an RFC 3339 time (`2026-03-02T03:14:07Z`, fractions and
/// offsets accepted, the zone optional); `None` when it is not one.
pub fn epoch_seconds(text: &str) -> Option<i64> {
    time::parse(text, &Options::RFC3339).map(|t| t.epoch_seconds())
}

/// Alerts over time: `counts[i]` alerts in `[start + i*width, start + (i+1)*width)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub start: i64,
    pub width: i64,
    pub counts: Vec<usize>,
}

/// Buckets the alerts' times into at most `max_buckets` buckets of a round width.
pub fn timeline(alerts: &[&TextAlert], max_buckets: usize) -> Option<Timeline> {
    timeline_of(alerts.iter().filter_map(|a| a.event.timestamp.as_deref().and_then(epoch_seconds)).collect(), max_buckets)
}

/// Buckets times (seconds since the epoch) into at most `max_buckets` buckets of a round width.
pub fn timeline_of(times: Vec<i64>, max_buckets: usize) -> Option<Timeline> {
    let (min, max) = (*times.iter().min()?, *times.iter().max()?);
    const WIDTHS: [i64; 14] = [60, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800, 2_592_000];
    let span = max - min + 1;
    let width = WIDTHS.iter().copied().find(|w| span / w < max_buckets.max(1) as i64).unwrap_or(31_536_000);
    let start = min.div_euclid(width) * width;
    let buckets = ((max - start) / width + 1) as usize;
    let mut counts = vec![0; buckets];
    for t in times {
        counts[((t - start) / width) as usize] += 1;
    }
    Some(Timeline { start, width, counts })
}

/// The `n` most frequent values, most frequent first (ties by value).
pub fn top<'a>(values: impl Iterator<Item = &'a str>, n: usize) -> Vec<(String, usize)> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for value in values {
        *counts.entry(value).or_default() += 1;
    }
    let mut list: Vec<(String, usize)> = counts.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    list.truncate(n);
    list
}

/// [`top`] of values made on the way (`AS29518 Bredband2 AB`).
pub fn top_owned(values: impl Iterator<Item = String>, n: usize) -> Vec<(String, usize)> {
    let values: Vec<String> = values.collect();
    top(values.iter().map(String::as_str), n)
}

/// A UTC time as `YYYY-MM-DD HH:MM`.
pub fn format_epoch(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", secs / 3600, secs % 3600 / 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_utc_times() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2026-03-02T03:14:07Z"), Some(1_772_421_247));
        assert_eq!(epoch_seconds("2026-03-02T03:14:07.123Z"), Some(1_772_421_247));
        assert_eq!(epoch_seconds("2026-03-02T05:14:07+02:00"), Some(1_772_421_247));
        assert_eq!(epoch_seconds("yesterday"), None);
        assert_eq!(format_epoch(1_772_421_247), "2026-03-02 03:14");
    }

    #[test]
    fn top_values_are_counted_and_ordered() {
        let values = ["b", "a", "b", "c", "a", "b"];
        assert_eq!(top(values.into_iter(), 2), [("b".to_string(), 3), ("a".to_string(), 2)]);
    }
}
