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
    /// Orders events of the same time by what they are, not where they are: a hash of the
    /// `eventID` with a fixed key, the same in every scan (0 without one, when file and record
    /// order them).
    pub tie: u64,
    /// Per field the rule reads (threshold: group-by fields, then the cardinality field; new_terms:
    /// its fields), the event's values as keyword text.
    pub values: Vec<Vec<String>>,
    /// For a sequence: the steps the event meets.
    pub hits: Option<Hits>,
    /// Its values are sightings whatever becomes of its alert (new_terms): an event another file
    /// repeats is still kept, as history only, since a file's other candidates may have shed their
    /// alerts on its evidence.
    #[serde(default)]
    pub sighting: bool,
    /// Kept only as a sighting: the event repeats one an earlier file holds.
    #[serde(default)]
    pub repeat: bool,
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

/// The latest time Elasticsearch's dates reach (year 275760), in milliseconds either side of the
/// epoch: a number beyond it is no date.
const MAX_MILLIS: f64 = 8.64e15;

/// The event's time: the first value of `field` that reads as a date (text in Elasticsearch's
/// `strict_date_optional_time`, or epoch milliseconds). When the event has no `field` at all and
/// `fallback` is set, `@timestamp`'s, as Kibana falls back from a `timestamp_override` (unless the
/// rule's `timestamp_override_fallback_disabled`).
pub fn event_time(doc: &dyn Document, field: &str, fallback: bool) -> Option<i64> {
    let read = |field: &str| {
        let mut out = None;
        doc.any_value(field, &mut |value| {
            out = match value {
                Scalar::Str(s) => time::parse(s, &time::Options::INGEST).map(|t| t.epoch_millis()),
                Scalar::Num(n) if n.abs() <= MAX_MILLIS => Some(n as i64),
                _ => None,
            };
            out.is_some()
        });
        out
    };
    if field == "@timestamp" || doc.exists(field) || !fallback { read(field) } else { read("@timestamp") }
}

/// The fixed-key hash of an `eventID` that orders events of the same time ([`Candidate::tie`]);
/// never 0, which stands for an event without one.
pub fn tie(event_id: &str) -> u64 {
    use std::hash::Hasher;
    let mut hasher = siphasher::sip::SipHasher13::new_with_keys(0x7472_6169_6c68_6f75, 0x6e64_2074_6965_7321);
    hasher.write(event_id.as_bytes());
    hasher.finish().max(1)
}
