//! A rule's schedule as Kibana reads it: runs every `interval` (`5m`), each run searching back to
//! `from` (`now-6m`, date math relative to the run), and a new_terms rule's `history_window_start`.
//!
//! Only the forms rules use are read: a whole number and a unit of `s`, `m`, `h`, `d` or `w`
//! (`now-` before it for a time relative to the run).

use std::fmt;

/// How often a rule runs and how far back each run searches, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub interval_ms: i64,
    /// From the run's time back to the start of what it searches (`now-6m`: 6 minutes).
    pub lookback_ms: i64,
}

impl Default for Schedule {
    /// Kibana's defaults: every 5 minutes, over the last 6.
    fn default() -> Schedule {
        Schedule { interval_ms: 5 * MINUTE, lookback_ms: 6 * MINUTE }
    }
}

const MINUTE: i64 = 60_000;

/// Why a duration could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadDuration(pub String);

impl fmt::Display for BadDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\" is not a duration such as 5m, 1h or 7d", self.0)
    }
}

/// A duration such as `5m`, in milliseconds (more than zero).
pub fn duration_ms(text: &str) -> Result<i64, BadDuration> {
    let bad = || BadDuration(text.to_string());
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (number, unit) = text.split_at(split);
    let number: i64 = number.parse().map_err(|_| bad())?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" => MINUTE,
        "h" => 60 * MINUTE,
        "d" => 24 * 60 * MINUTE,
        "w" => 7 * 24 * 60 * MINUTE,
        _ => return Err(bad()),
    };
    number.checked_mul(unit_ms).filter(|ms| *ms > 0).ok_or_else(bad)
}

/// A time relative to a run, `now-6m`: how far before the run, in milliseconds.
pub fn before_now_ms(text: &str) -> Result<i64, BadDuration> {
    let rest = text.trim().strip_prefix("now-").ok_or_else(|| BadDuration(text.to_string()))?;
    duration_ms(rest).map_err(|_| BadDuration(text.to_string()))
}

impl Schedule {
    /// The schedule of `interval` and `from` as a rule writes them.
    pub fn read(interval: &str, from: &str) -> Result<Schedule, BadDuration> {
        Ok(Schedule { interval_ms: duration_ms(interval)?, lookback_ms: before_now_ms(from)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_as_rules_write_them() {
        assert_eq!(duration_ms("5m"), Ok(300_000));
        assert_eq!(duration_ms("30s"), Ok(30_000));
        assert_eq!(duration_ms("1h"), Ok(3_600_000));
        assert_eq!(before_now_ms("now-7d"), Ok(7 * 86_400_000));
        assert_eq!(Schedule::read("5m", "now-6m"), Ok(Schedule::default()));
        assert_eq!(duration_ms("2w"), Ok(14 * 86_400_000));
        for bad in ["", "5", "m", "5y", "0m", "-5m", "now", "5m-now", "99999999999999999d"] {
            assert!(duration_ms(bad).is_err() && before_now_ms(&format!("now-{bad}")).is_err(), "{bad}");
        }
        assert!(before_now_ms("6m").is_err(), "a run-relative time starts with now-");
    }
}
