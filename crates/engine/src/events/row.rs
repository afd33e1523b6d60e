//! One event as the index keeps it: its time, its pivot fields as numbered strings, and where its
//! record is; and the columns, each named by the ECS field it holds.

use crate::calendar::civil_from_days;
use serde::{Deserialize, Serialize};

/// A row's time when the event has none (it sorts first).
pub const NO_TIME: i64 = i64::MIN;

/// A column's number when the event has no value there.
pub(crate) const NONE: u32 = u32::MAX;

/// The row's values are not all of the document's (a field with several values, or not a
/// string): the row is kept for pivots, but only a rescan answers queries on it exactly.
pub(crate) const INEXACT: u8 = 1;
/// The record has an `eventID` (so it takes part in settling duplicates).
pub(crate) const HAS_ID: u8 = 2;
/// The event says whether it is read-only (`aws.cloudtrail.read_only`), and what: [`READ_ONLY`].
pub(crate) const READ_ONLY_KNOWN: u8 = 4;
/// The event is read-only (meaningful with [`READ_ONLY_KNOWN`]).
pub(crate) const READ_ONLY: u8 = 8;

/// The ECS field of CloudTrail's `readOnly`, kept in a row's flags.
pub const READ_ONLY_FIELD: &str = "aws.cloudtrail.read_only";

/// One event: 64 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    /// `@timestamp` in milliseconds since the epoch; [`NO_TIME`] when the event has none.
    pub time: i64,
    /// Each column's value ([`Column`] order), by its number among the strings of the file (in a
    /// [`super::FileEvents`]) or of the scan (in an [`super::EventIndex`]).
    pub(crate) values: [u32; Column::COUNT],
    /// The file's number in the scan (set when the file is settled).
    pub file: u32,
    /// The record's place among its file's records (errors included), as in [`crate::Origin`].
    pub record: u32,
    pub(crate) flags: u8,
}

impl Row {
    /// The number of `column`'s string, if the event has a value there.
    pub fn value(&self, column: Column) -> Option<u32> {
        Some(self.values[column as usize]).filter(|&n| n != NONE)
    }

    /// Whether the row holds the whole of the event's indexed fields (see [`INEXACT`]).
    pub fn is_exact(&self) -> bool {
        self.flags & INEXACT == 0
    }

    /// Whether the event is read-only, if it says.
    pub fn read_only(&self) -> Option<bool> {
        (self.flags & READ_ONLY_KNOWN != 0).then_some(self.flags & READ_ONLY != 0)
    }
}

/// A row's bytes as it crosses from a worker to the page: little-endian, in field order.
pub const ROW_BYTES: usize = 64;

impl Row {
    /// The row as [`ROW_BYTES`] bytes.
    pub fn to_bytes(&self) -> [u8; ROW_BYTES] {
        let mut out = [0u8; ROW_BYTES];
        out[..8].copy_from_slice(&self.time.to_le_bytes());
        for (i, value) in self.values.iter().enumerate() {
            out[8 + 4 * i..12 + 4 * i].copy_from_slice(&value.to_le_bytes());
        }
        let at = 8 + 4 * Column::COUNT;
        out[at..at + 4].copy_from_slice(&self.file.to_le_bytes());
        out[at + 4..at + 8].copy_from_slice(&self.record.to_le_bytes());
        out[at + 8] = self.flags;
        out
    }

    /// The row of [`Row::to_bytes`].
    pub fn from_bytes(bytes: &[u8; ROW_BYTES]) -> Row {
        let word = |at: usize| u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let mut time = [0u8; 8];
        time.copy_from_slice(&bytes[..8]);
        let at = 8 + 4 * Column::COUNT;
        Row {
            time: i64::from_le_bytes(time),
            values: std::array::from_fn(|i| word(8 + 4 * i)),
            file: word(at),
            record: word(at + 4),
            flags: bytes[at + 8],
        }
    }
}

/// Declares [`Column`]: one line a column, `Name = "ecs.field"`.
macro_rules! columns {
    ($($name:ident = $field:literal,)+) => {
        /// A pivot field the index keeps for every event, named by the ECS field it holds.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum Column {
            $($name,)+
        }

        impl Column {
            /// Every column, in order (a column's position is its number).
            pub const ALL: &[Column] = &[$(Column::$name,)+];

            /// The ECS field it holds.
            pub const fn field(self) -> &'static str {
                match self {
                    $(Column::$name => $field,)+
                }
            }

            /// The column that holds `field`, if one does.
            pub fn of_field(field: &str) -> Option<Column> {
                match field {
                    $($field => Some(Column::$name),)+
                    _ => None,
                }
            }
        }
    };
}

columns! {
    Account = "cloud.account.id",
    Region = "cloud.region",
    Principal = "aws.cloudtrail.user_identity.arn",
    PrincipalType = "aws.cloudtrail.user_identity.type",
    AccessKey = "aws.cloudtrail.user_identity.access_key_id",
    SourceAddress = "source.address",
    UserAgent = "user_agent.original",
    Provider = "event.provider",
    Action = "event.action",
    Outcome = "event.outcome",
    ErrorCode = "aws.cloudtrail.error_code",
}

impl Column {
    /// How many columns there are.
    pub const COUNT: usize = 11;

    /// The column's short name, for command lines and headers (`principal`, `access-key`).
    pub fn name(self) -> &'static str {
        match self {
            Column::Account => "account",
            Column::Region => "region",
            Column::Principal => "principal",
            Column::PrincipalType => "principal-type",
            Column::AccessKey => "access-key",
            Column::SourceAddress => "source",
            Column::UserAgent => "user-agent",
            Column::Provider => "service",
            Column::Action => "action",
            Column::Outcome => "outcome",
            Column::ErrorCode => "error-code",
        }
    }

    /// The column of a short name.
    pub fn of_name(name: &str) -> Option<Column> {
        Column::ALL.iter().copied().find(|c| c.name() == name)
    }
}

const _: () = assert!(Column::ALL.len() == Column::COUNT);
const _: () = assert!(std::mem::size_of::<Row>() == 64);

/// `@timestamp` as the pipeline's date processor prints it (`yyyy-MM-ddTHH:mm:ss.SSSZ`), for a
/// time in milliseconds; `None` outside the years it prints (0 to 9999).
pub fn timestamp_text(millis: i64) -> Option<String> {
    let seconds = millis.div_euclid(1000);
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    let sod = seconds.rem_euclid(86_400);
    (0..=9999)
        .contains(&y)
        .then(|| format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z", sod / 3600, sod / 60 % 60, sod % 60, millis.rem_euclid(1000)))
}

/// The time [`timestamp_text`] printed as `text`; `None` for any other text (so that a time read
/// here always prints back as the same text).
pub fn timestamp_millis(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    if b.len() != 24 || [4, 7, 10, 13, 16, 19, 23].map(|i| b[i]) != *b"--T::.Z" {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<i64> {
        b[from..to].iter().try_fold(0i64, |n, &d| d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0')))
    };
    let (y, m, d) = (number(0, 4)?, number(5, 7)?, number(8, 10)?);
    let (hh, mm, ss, ms) = (number(11, 13)?, number(14, 16)?, number(17, 19)?, number(20, 23)?);
    if !(1..=12).contains(&m) || d < 1 || d > crate::calendar::days_in_month(y, m) || hh > 23 || mm > 59 || ss > 59 {
        return None;
    }
    let days = crate::calendar::days_from_civil(y, m, d);
    Some(((days * 86_400 + hh * 3600 + mm * 60 + ss) * 1000) + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_name_their_fields_both_ways() {
        for &column in Column::ALL {
            assert_eq!(Column::of_field(column.field()), Some(column));
            assert_eq!(Column::of_name(column.name()), Some(column));
        }
        assert_eq!(Column::of_field("event.id"), None);
    }

    #[test]
    fn rows_cross_as_bytes() {
        let row = Row { time: -5, values: std::array::from_fn(|i| i as u32 * 7 + 1), file: 9, record: u32::MAX, flags: HAS_ID | INEXACT };
        assert_eq!(Row::from_bytes(&row.to_bytes()), row);
    }

    #[test]
    fn timestamps_print_as_the_date_processor_does() {
        for text in ["2020-01-10T16:06:40.000Z", "1970-01-01T00:00:00.001Z", "1969-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"] {
            let millis = crate::time::parse(text, &crate::time::Options::INGEST).expect("parses").epoch_millis();
            assert_eq!(timestamp_text(millis).as_deref(), Some(text));
        }
        assert_eq!(timestamp_text(i64::MIN), None);
    }

    #[test]
    fn timestamps_read_back_only_from_the_printed_form() {
        let mut rng = fastrand::Rng::with_seed(7);
        for _ in 0..20_000 {
            let millis = rng.i64(-62_167_219_200_000..253_402_300_800_000);
            let text = timestamp_text(millis).expect("within the years printed");
            assert_eq!(timestamp_millis(&text), Some(millis), "{text}");
        }
        for other in [
            "2024-02-30T00:00:00.000Z",
            "2024-01-01T24:00:00.000Z",
            "2024-01-01T00:00:00Z",
            "2024-01-01T00:00:00.000+01:00",
            "2024-01-01 00:00:00.000Z",
            "+024-01-01T00:00:00.000Z",
        ] {
            assert_eq!(timestamp_millis(other), None, "{other}");
        }
    }
}
