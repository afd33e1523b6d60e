//! The event index: a compact row for every event a scan reads, so that every event stays
//! searchable once the scan is over, for hunting, pivots and per-principal summaries.
//!
//! A row ([`Row`], 64 bytes) keeps the fields an analyst pivots on (time, account, region,
//! principal, access key, source address, user agent, service, action, outcome, error code,
//! read-only) and
//! where the record is (its file and place among the file's records); never the document, which is
//! read again from the file when it is shown ([`crate::Scanner::fetch`]). Strings are numbered
//! once per file as it is scanned ([`FileEvents`]) and once per scan when its files are settled
//! ([`EventIndex`]), so any worker can index any file and the index is the same.
//!
//! A KQL query that names only indexed fields is answered from the rows ([`EventIndex::search`]),
//! through a [`Document`](crate::doc::Document) view of each row that gives exactly what the
//! event's ECS document holds at those fields, as a search sees it; any other query is a rescan
//! with the query as a rule ([`crate::Rule::hunt`]).
//!
//! Depends on [`crate::doc`], [`crate::kql`] and [`crate::time`]; the scan fills it.

mod file;
mod index;
mod row;
mod strings;
mod summary;

pub use file::FileEvents;
pub use index::{EventIndex, RowView, Span, is_indexed};
pub use row::{Column, NO_TIME, READ_ONLY_FIELD, ROW_BYTES, Row, timestamp_millis, timestamp_text};
pub use strings::Strings;
pub use summary::{Count, Profile, summarize};
