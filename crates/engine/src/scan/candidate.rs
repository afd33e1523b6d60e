//! Candidates: what the first stage keeps of an event a stateful rule's filter matched, for the
//! second stage to decide on. Only the values the rule needs are kept (its time, its group-by or
//! new-terms values, its place in the sequence), plus the alert the event would raise where the
//! rule alerts on single events; so memory follows the matches, not the events. Candidates are
//! plain data: workers (and later machines) send them, and a [`super::Merge`] settles them.

use crate::alert::{Member, TextAlert};
use crate::doc::{Document, Scalar};
use crate::eql::Hits;
use crate::time;
use serde::{Deserialize, Serialize};

/// One event a stateful rule's filter matched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// The rule, by its place in the scanner's rules (every worker of a scan has the same list).
    pub rule: usize,
    /// The event's time in milliseconds since the epoch (the rule's time field, else
    /// `@timestamp`); `None` when it has none that reads as a date.
    pub time: Option<i64>,
    /// The alert's identity for repeats across files (rule and `eventID`).
    pub key: Option<super::AlertKey>,
    /// Per field the rule reads (threshold: group-by fields, then the cardinality field; new_terms:
    /// its fields), the event's values as keyword text.
    pub values: Vec<Vec<String>>,
    /// For a sequence: the steps the event meets.
    pub hits: Option<Hits>,
    /// The event in brief, to list it among a group's or a sequence's members.
    pub member: Member,
    /// The alert the event raises if it is decided on (new_terms, sequences, a schedule emulated).
    pub alert: Option<TextAlert>,
}

/// Every value of `field` as keyword text (a number as written, a boolean as `true`/`false`).
pub fn values(doc: &dyn Document, field: &str) -> Vec<String> {
    let mut out = Vec::new();
    doc.any_value(field, &mut |value| {
        out.push(match value {
            Scalar::Str(s) => s.to_string(),
            Scalar::Num(n) => n.to_string(),
            Scalar::Bool(b) => b.to_string(),
        });
        false
    });
    out
}

/// The event's time: the first value of `field` that reads as a date (text in Elasticsearch's
/// `strict_date_optional_time`, or epoch milliseconds), else `@timestamp`'s, as Kibana falls back
/// from a `timestamp_override` the event lacks.
pub fn event_time(doc: &dyn Document, field: &str) -> Option<i64> {
    let read = |field: &str| {
        let mut out = None;
        doc.any_value(field, &mut |value| {
            out = match value {
                Scalar::Str(s) => time::parse(s, &time::Options::INGEST).map(|t| t.epoch_millis()),
                Scalar::Num(n) if n.is_finite() => Some(n as i64),
                _ => None,
            };
            out.is_some()
        });
        out
    };
    read(field).or_else(|| if field == "@timestamp" { None } else { read("@timestamp") })
}
