//! ISO-8601 date-times: one parser for the ECS date processor, KQL date ranges and the app's
//! timeline. Each reads a different dialect (Elasticsearch's `ISO8601` and basic formats, KQL's
//! dates, RFC 3339); the differences are [`Options`], with a preset for each.
//!
//! Depends only on [`crate::calendar`].

use crate::calendar::{days_from_civil, days_in_month};

/// The parts of a date-time, from the year to the fraction of a second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
    Fraction,
}

/// What a dialect accepts beyond `yyyy[-MM[-dd[Thh[:mm[:ss[.fff]]]]]][Z|±hh[:][mm]]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The basic format, `yyyyMMdd'T'HHmmss[.fff][zone]`: no separators inside the date and the
    /// time, and all of their parts given.
    pub basic: bool,
    /// The least part the text must give.
    pub least: Part,
    /// The least date part a time may follow (ISO 8601 wants the day; Elasticsearch's `ISO8601`
    /// also reads `2024T10` and `2024-05T10`).
    pub time_after: Part,
    /// The least part a zone may follow.
    pub zone_after: Part,
    /// A space may stand for the `T` between the date and the time.
    pub space: bool,
    /// `t` and `z` may stand for `T` and `Z` (as RFC 3339 allows).
    pub lowercase: bool,
    /// `,` may stand for the `.` before a fraction (not in the basic format).
    pub comma: bool,
    /// The most digits a fraction may have (beyond nine, they are read but not kept).
    pub fraction_digits: usize,
    /// Whether a zone's offset must be at most 18 hours, with minutes below 60.
    pub offset_limits: bool,
    /// Whether a second may be 60 (a leap second, read as the next minute's first).
    pub leap_second: bool,
}

impl Options {
    /// The `date` processor's `ISO8601` format, as Elasticsearch reads it: anything from a year
    /// alone, a time after any date part, a zone after any part; up to nine fraction digits.
    pub const INGEST: Options = Options {
        basic: false,
        least: Part::Year,
        time_after: Part::Year,
        zone_after: Part::Year,
        space: false,
        lowercase: false,
        comma: true,
        fraction_digits: 9,
        offset_limits: false,
        leap_second: false,
    };

    /// The `date` processor's `basic_date_time` and `basic_date_time_no_millis` formats.
    pub const INGEST_BASIC: Options = Options { basic: true, least: Part::Second, comma: false, ..Options::INGEST };

    /// KQL dates: a time only after a day (`T` or a space before it), a zone only after a time,
    /// any number of fraction digits, offsets within ±18:00.
    pub const KQL: Options = Options {
        basic: false,
        least: Part::Year,
        time_after: Part::Day,
        zone_after: Part::Hour,
        space: true,
        lowercase: false,
        comma: true,
        fraction_digits: usize::MAX,
        offset_limits: true,
        leap_second: false,
    };

    /// RFC 3339 date-times, with the zone optional (UTC when missing).
    pub const RFC3339: Options = Options {
        basic: false,
        least: Part::Second,
        time_after: Part::Day,
        zone_after: Part::Second,
        space: true,
        lowercase: true,
        comma: false,
        fraction_digits: usize::MAX,
        offset_limits: false,
        leap_second: true,
    };
}

/// A date-time as written: parts missing from the text are their least (January, the first, 0),
/// and `precision` says which were given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    /// 0 to 59, or 60 for a leap second.
    pub second: i64,
    /// Nanoseconds: the fraction's first nine digits.
    pub nanos: i64,
    /// The zone's offset east of UTC in seconds (0 for `Z`, or when there is no zone).
    pub offset: i64,
    /// The last part the text gave.
    pub precision: Part,
}

impl DateTime {
    /// Seconds since 1970-01-01T00:00:00Z (the fraction left out).
    pub fn epoch_seconds(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400 + self.hour * 3_600 + self.minute * 60 + self.second - self.offset
    }

    /// Nanoseconds since 1970-01-01T00:00:00Z.
    pub fn epoch_nanos(&self) -> i128 {
        i128::from(self.epoch_seconds()) * 1_000_000_000 + i128::from(self.nanos)
    }

    /// Milliseconds since 1970-01-01T00:00:00Z (a fraction's digits past the third left out).
    pub fn epoch_millis(&self) -> i64 {
        self.epoch_seconds() * 1000 + self.millis()
    }

    /// Milliseconds into the second (the fraction's first three digits).
    pub fn millis(&self) -> i64 {
        self.nanos / 1_000_000
    }
}

/// Reads `text` as a date-time of the dialect `options` describes; `None` unless all of it is one
/// (with a valid date: no February 30th, no hour 24).
pub fn parse(text: &str, options: &Options) -> Option<DateTime> {
    let o = options;
    let mut c = Cursor { b: text.as_bytes(), i: 0 };
    let mut t =
        DateTime { year: c.digits(4)?, month: 1, day: 1, hour: 0, minute: 0, second: 0, nanos: 0, offset: 0, precision: Part::Year };
    if let Some(month) = c.part(o, b'-')? {
        (t.month, t.precision) = (month, Part::Month);
        if let Some(day) = c.part(o, b'-')? {
            (t.day, t.precision) = (day, Part::Day);
        }
    }
    if t.precision >= o.time_after && c.eat_time_separator(o) {
        (t.hour, t.precision) = (c.digits(2)?, Part::Hour);
        if let Some(minute) = c.part(o, b':')? {
            (t.minute, t.precision) = (minute, Part::Minute);
            if let Some(second) = c.part(o, b':')? {
                (t.second, t.precision) = (second, Part::Second);
                if c.eat(b'.') || (o.comma && c.eat(b',')) {
                    (t.nanos, t.precision) = (c.fraction(o.fraction_digits)?, Part::Fraction);
                }
            }
        }
    }
    if t.precision >= o.zone_after {
        t.offset = c.zone(o)?;
    }
    let valid = c.done()
        && t.precision >= o.least
        && (1..=12).contains(&t.month)
        && (1..=days_in_month(t.year, t.month)).contains(&t.day)
        && t.hour < 24
        && t.minute < 60
        && (t.second < 60 || (o.leap_second && t.second == 60));
    valid.then_some(t)
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    /// `n` decimal digits as a number.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let part = self.b.get(self.i..self.i + n)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.i += n;
        Some(part.iter().fold(0, |acc, d| acc * 10 + i64::from(d - b'0')))
    }

    /// The next two-digit part, after its separator (none in the basic format, where every part
    /// is there): `Some(None)` when the separator is not there, `None` when the digits are not.
    fn part(&mut self, o: &Options, separator: u8) -> Option<Option<i64>> {
        if o.basic || self.eat(separator) { self.digits(2).map(Some) } else { Some(None) }
    }

    fn eat(&mut self, c: u8) -> bool {
        let hit = self.b.get(self.i) == Some(&c);
        self.i += usize::from(hit);
        hit
    }

    fn eat_time_separator(&mut self, o: &Options) -> bool {
        self.eat(b'T') || (o.lowercase && self.eat(b't')) || (o.space && self.eat(b' '))
    }

    fn done(&self) -> bool {
        self.i == self.b.len()
    }

    /// The digits of a fraction (one at least, `most` at most) as nanoseconds.
    fn fraction(&mut self, most: usize) -> Option<i64> {
        let start = self.i;
        let mut nanos = 0;
        while self.i - start < most
            && let Some(&d) = self.b.get(self.i).filter(|d| d.is_ascii_digit())
        {
            if self.i - start < 9 {
                nanos = nanos * 10 + i64::from(d - b'0');
            }
            self.i += 1;
        }
        let read = self.i - start;
        (read > 0).then(|| nanos * 10i64.pow(9u32.saturating_sub(read as u32)))
    }

    /// A zone, if one is there: `Z` or `±hh[:][mm]` (the minutes may be left out only at the end
    /// of the text); its offset east of UTC in seconds.
    fn zone(&mut self, o: &Options) -> Option<i64> {
        if self.eat(b'Z') || (o.lowercase && self.eat(b'z')) {
            return Some(0);
        }
        let sign = match self.b.get(self.i) {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Some(0),
        };
        self.i += 1;
        let hours = self.digits(2)?;
        self.eat(b':');
        let minutes = if self.done() { 0 } else { self.digits(2)? };
        if o.offset_limits && (hours > 18 || minutes > 59) {
            return None;
        }
        Some(sign * (hours * 3_600 + minutes * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, o: &Options) -> Option<(i64, i64, Part)> {
        parse(text, o).map(|t| (t.epoch_seconds(), t.nanos, t.precision))
    }

    #[test]
    fn whole_date_times_with_fractions_and_zones() {
        for o in [Options::INGEST, Options::KQL, Options::RFC3339] {
            assert_eq!(at("1970-01-01T00:00:00Z", &o), Some((0, 0, Part::Second)));
            assert_eq!(at("2026-03-02T03:14:07Z", &o), Some((1_772_421_247, 0, Part::Second)));
            assert_eq!(at("2026-03-02T05:14:07+02:00", &o), Some((1_772_421_247, 0, Part::Second)));
            assert_eq!(at("2026-03-01T22:44:07-04:30", &o), Some((1_772_421_247, 0, Part::Second)));
            assert_eq!(at("2026-03-02T05:14:07+0200", &o), Some((1_772_421_247, 0, Part::Second)));
            assert_eq!(at("2026-03-02T05:14:07+02", &o), Some((1_772_421_247, 0, Part::Second)));
            assert_eq!(at("2026-03-02T03:14:07", &o), Some((1_772_421_247, 0, Part::Second)));
            assert_eq!(at("2026-03-02T03:14:07.5Z", &o), Some((1_772_421_247, 500_000_000, Part::Fraction)));
            assert_eq!(at("2026-03-02T03:14:07.123456789Z", &o), Some((1_772_421_247, 123_456_789, Part::Fraction)));
            assert_eq!(at("1969-12-31T23:59:59.999Z", &o), Some((-1, 999_000_000, Part::Fraction)));
            assert_eq!(parse("2026-03-02T03:14:07.123Z", &o).map(|t| t.millis()), Some(123));
        }
        // Beyond nine digits: only the first nine count, where more are taken at all.
        assert_eq!(at("2026-03-02T03:14:07.1234567891Z", &Options::KQL), Some((1_772_421_247, 123_456_789, Part::Fraction)));
        assert_eq!(at("2026-03-02T03:14:07.1234567891Z", &Options::INGEST), None);
        assert_eq!(at("2026-03-02T03:14:07,5Z", &Options::INGEST), Some((1_772_421_247, 500_000_000, Part::Fraction)));
        assert_eq!(at("2026-03-02T03:14:07,5Z", &Options::RFC3339), None);
        assert_eq!(at("2026-03-02T03:14:07.Z", &Options::KQL), None);
    }

    #[test]
    fn missing_parts_are_their_least() {
        let t = parse("2024", &Options::KQL).expect("a year");
        assert_eq!((t.month, t.day, t.hour, t.precision), (1, 1, 0, Part::Year));
        assert_eq!(at("2024-03", &Options::KQL), Some((1_709_251_200, 0, Part::Month)));
        assert_eq!(at("2024-03-01T10", &Options::KQL), Some((1_709_287_200, 0, Part::Hour)));
        assert_eq!(at("2024-03-01 10:30", &Options::KQL), Some((1_709_289_000, 0, Part::Minute)));
        // Elasticsearch's ISO8601 takes a time after a year or month, and a zone after a date.
        assert_eq!(at("2024T10", &Options::INGEST), Some((1_704_103_200, 0, Part::Hour)));
        assert_eq!(at("2024T10", &Options::KQL), None);
        assert_eq!(at("2024-03-01Z", &Options::INGEST), Some((1_709_251_200, 0, Part::Day)));
        assert_eq!(at("2024-03-01Z", &Options::KQL), None);
        assert_eq!(at("2024-03-01 10:30", &Options::INGEST), None);
        // RFC 3339 wants the seconds.
        assert_eq!(at("2024-03-01T10:30Z", &Options::RFC3339), None);
        assert_eq!(at("2024-03-01t10:30:00z", &Options::RFC3339), Some((1_709_289_000, 0, Part::Second)));
        assert_eq!(at("2024-03-01t10:30:00z", &Options::KQL), None);
        // A separator with nothing after it.
        for text in ["2024-", "2024-03-", "2024-03-01T", "2024-03-01T10:", "2024-03-01T10:30:", "2024-03-01T10:30:00+"] {
            assert_eq!(at(text, &Options::KQL), None, "{text}");
        }
    }

    #[test]
    fn the_basic_format() {
        assert_eq!(at("20260302T031407Z", &Options::INGEST_BASIC), Some((1_772_421_247, 0, Part::Second)));
        assert_eq!(at("20260302T051407.25+02:00", &Options::INGEST_BASIC), Some((1_772_421_247, 250_000_000, Part::Fraction)));
        assert_eq!(at("20260302T0314Z", &Options::INGEST_BASIC), None);
        assert_eq!(at("2026-03-02T03:14:07Z", &Options::INGEST_BASIC), None);
        assert_eq!(at("20260302T031407Z", &Options::INGEST), None);
    }

    #[test]
    fn dates_and_times_must_exist() {
        for o in [Options::INGEST, Options::KQL, Options::RFC3339] {
            assert_eq!(at("2024-02-29T00:00:00Z", &o), Some((1_709_164_800, 0, Part::Second)), "a leap year");
            for text in [
                "2023-02-29T00:00:00Z",
                "1900-02-29T00:00:00Z",
                "2024-02-30T00:00:00Z",
                "2024-04-31T00:00:00Z",
                "2024-00-10T00:00:00Z",
                "2024-13-10T00:00:00Z",
                "2024-01-00T00:00:00Z",
                "2024-01-01T24:00:00Z",
                "2024-01-01T23:60:00Z",
                "2024-01-01T23:59:61Z",
            ] {
                assert_eq!(at(text, &o), None, "{text}");
            }
        }
        assert_eq!(at("2000-02-29T00:00:00Z", &Options::KQL), Some((951_782_400, 0, Part::Second)), "a leap century");
        // A leap second only where RFC 3339 is read; it is the next minute's first.
        assert_eq!(at("2016-12-31T23:59:60Z", &Options::RFC3339), Some((1_483_228_800, 0, Part::Second)));
        assert_eq!(at("2016-12-31T23:59:60Z", &Options::KQL), None);
    }

    #[test]
    fn zones_and_what_follows_them() {
        assert_eq!(at("2024-01-01T00:00:00+01:", &Options::INGEST), Some((1_704_063_600, 0, Part::Second)));
        assert_eq!(at("2024-01-01T00:00:00+19:00", &Options::INGEST), Some((1_704_063_600 - 18 * 3_600, 0, Part::Second)));
        assert_eq!(at("2024-01-01T00:00:00+19:00", &Options::KQL), None);
        assert_eq!(at("2024-01-01T00:00:00+01:60", &Options::KQL), None);
        assert_eq!(at("2024-01-01T00:00:00+18:00", &Options::KQL), Some((1_704_067_200 - 18 * 3_600, 0, Part::Second)));
        for text in [
            "2024-01-01T00:00:00Zjunk",
            "2024-01-01T00:00:00 Z",
            "2024-01-01T00:00:00+1",
            "2024-01-01T00:00:00+01:0",
            "2024-01-01T00:00:00UTC",
            " 2024-01-01",
            "yesterday",
            "",
            "202",
        ] {
            for o in [Options::INGEST, Options::KQL, Options::RFC3339] {
                assert_eq!(at(text, &o), None, "{text}");
            }
        }
    }
}

/// A span of milliseconds in its largest whole unit: `15m`, `2h`, `1d`, `90s`, `1500ms`.
pub fn format_span(ms: i64) -> String {
    for (unit, size) in [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)] {
        if ms != 0 && ms % size == 0 {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

/// Milliseconds since the epoch as Elasticsearch prints a date: `2024-05-01T10:00:00.000Z`.
pub fn format_millis(ms: i64) -> String {
    let (days, in_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let (y, m, d) = crate::calendar::civil_from_days(days);
    let (h, min, s, milli) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60, in_day % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}.{milli:03}Z")
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn millis_print_as_elasticsearch_dates_and_read_back() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(-1), "1969-12-31T23:59:59.999Z");
        for ms in [0, 1_714_557_600_123, 951_782_400_000, -86_400_001] {
            let text = format_millis(ms);
            assert_eq!(parse(&text, &Options::RFC3339).map(|t| t.epoch_millis()), Some(ms), "{text}");
        }
    }
}
