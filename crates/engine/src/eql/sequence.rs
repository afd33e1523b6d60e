//! Compiled sequences and the sequence state machine, [`run_sequence`]: a pure function over events
//! already in time order. [`Sequence::hits`] reads what one event is to the sequence, so the scan's
//! second stage runs the machine ([`run_hits`]) over every file's events without their documents.
//!
//! The state machine is the one Elasticsearch's EQL reference describes ("How sequence queries
//! handle matches"): per join key, each step is a state holding at most one pending sequence.
//! - an event that meets the first step starts a pending sequence in the first state of its join
//!   key, overwriting the one there (the most recent wins);
//! - an event that meets step `i > 0` moves the pending sequence of state `i - 1` (of its join key)
//!   to state `i`, overwriting the one there, and leaves state `i - 1` empty; after the last step the
//!   sequence is complete and reported once, as the indices of its events; with nothing pending in
//!   state `i - 1` nothing happens;
//! - with `maxspan`, a pending sequence whose first event is more than `maxspan` before the event
//!   has expired and is dropped instead of moved (first to last event may span exactly `maxspan`);
//! - an event that meets the `until` query drops every pending sequence of its join key;
//! - one event is tested against `until` first, then against the steps from last to first, so it
//!   can complete one sequence and start another, but never fills two steps of the same sequence.
//!
//! Join keys are the values of the key fields (sequence-level keys first, then the step's), compared
//! as keyword text; a field with several values gives its first. An event missing a key field takes
//! no part in the step (nor in `until`) unless the field is marked optional (`by ?field`), when the
//! missing value is a `null` key that joins other `null`s.

use super::ast::Category;
use super::compile::Matcher;
use super::value::Value;
use crate::doc::Document;
use std::collections::HashMap;

/// One query of a compiled sequence.
#[derive(Debug, Clone)]
pub struct Step {
    pub(super) category: Category,
    pub(super) matcher: Matcher,
    pub(super) keys: Vec<String>,
    /// Per key field: written `?field`, so a missing value is a `null` key.
    pub(super) optional: Vec<bool>,
}

impl Step {
    /// Whether the event is in the step's category and meets its condition.
    pub fn matches(&self, doc: &dyn Document) -> bool {
        self.matcher.matches(doc)
    }

    /// The join key fields: the sequence's `by` fields, then the step's own.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    pub fn category(&self) -> &Category {
        &self.category
    }

    /// The compiled category test and condition.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Whether each key field is optional (`by ?field`): its missing value is a `null` key.
    pub fn optional_keys(&self) -> &[bool] {
        &self.optional
    }

    /// The event's join key: the first value of each key field as text (`None` for the `null` of a
    /// missing optional field); `None` when a required key field is missing.
    pub fn join_key(&self, doc: &dyn Document) -> Option<Vec<Option<String>>> {
        self.keys
            .iter()
            .zip(&self.optional)
            .map(|(field, optional)| {
                let mut first = None;
                doc.any_value(field, &mut |v| {
                    first = Value::from_scalar(v).text().map(|t| t.into_owned());
                    true
                });
                match first {
                    Some(text) => Some(Some(text)),
                    None if *optional => Some(None),
                    None => None,
                }
            })
            .collect()
    }
}

/// A compiled sequence.
#[derive(Debug, Clone)]
pub struct Sequence {
    pub(super) steps: Vec<Step>,
    pub(super) until: Option<Step>,
    pub(super) maxspan_ms: Option<u64>,
}

impl Sequence {
    /// The steps, in order (at least two).
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The `until` query, if any.
    pub fn until(&self) -> Option<&Step> {
        self.until.as_ref()
    }

    /// The longest span from first to last event, in milliseconds.
    pub fn maxspan_ms(&self) -> Option<u64> {
        self.maxspan_ms
    }
}

/// An event's join key for one step: per key field, its first value as text (`None`: the `null` of
/// a missing optional field).
pub type JoinKey = Vec<Option<String>>;

/// What one event is to a sequence: the steps it meets, each with its join key, and its join key
/// if it meets `until`. Small and serializable, so a first stage can find them per file and a later
/// stage run the sequence over every file's events in time order.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hits {
    pub until: Option<JoinKey>,
    /// `(step, key)`, steps in order.
    pub steps: Vec<(usize, JoinKey)>,
}

impl Sequence {
    /// The steps (and `until`) the event meets; `None` when it meets none.
    pub fn hits(&self, doc: &dyn Document) -> Option<Hits> {
        let until = self.until.as_ref().filter(|u| u.matches(doc)).and_then(|u| u.join_key(doc));
        let steps: Vec<(usize, JoinKey)> = self
            .steps
            .iter()
            .enumerate()
            .filter(|(_, step)| step.matches(doc))
            .filter_map(|(i, step)| step.join_key(doc).map(|key| (i, key)))
            .collect();
        (until.is_some() || !steps.is_empty()).then_some(Hits { until, steps })
    }
}

/// A pending sequence.
#[derive(Debug)]
struct Partial {
    start: i64,
    events: Vec<usize>,
}

/// Runs the sequence over events in time order (`(timestamp in ms, document)`), returning the
/// indices into `events` of each completed sequence, in order of completion.
pub fn run_sequence(seq: &Sequence, events: &[(i64, &dyn Document)]) -> Vec<Vec<usize>> {
    let hits: Vec<(i64, Hits)> = events.iter().map(|(ts, doc)| (*ts, seq.hits(*doc).unwrap_or_default())).collect();
    run_hits(seq, hits.iter().map(|(ts, hits)| (*ts, hits)))
}

/// [`run_sequence`] over what each event is to the sequence ([`Sequence::hits`]), in time order:
/// the indices (in `events`' order) of each completed sequence, in order of completion.
pub fn run_hits<'a>(seq: &Sequence, events: impl IntoIterator<Item = (i64, &'a Hits)>) -> Vec<Vec<usize>> {
    let n = seq.steps.len();
    let maxspan = seq.maxspan_ms.map(|m| i64::try_from(m).unwrap_or(i64::MAX));
    // Per join key, per state (steps 0..n-1 completed), the one pending sequence.
    let mut machines: HashMap<&JoinKey, Vec<Option<Partial>>> = HashMap::new();
    let mut done = Vec::new();
    for (index, (ts, hits)) in events.into_iter().enumerate() {
        if let Some(key) = &hits.until {
            machines.remove(key);
        }
        for (s, key) in hits.steps.iter().rev() {
            let s = *s;
            if s == 0 {
                let states = machines.entry(key).or_insert_with(|| (1..n).map(|_| None).collect());
                states[0] = Some(Partial { start: ts, events: vec![index] });
                continue;
            }
            let Some(states) = machines.get_mut(key) else { continue };
            let Some(mut partial) = states[s - 1].take() else { continue };
            if maxspan.is_some_and(|m| ts.saturating_sub(partial.start) > m) {
                continue;
            }
            partial.events.push(index);
            if s == n - 1 {
                done.push(partial.events);
            } else {
                states[s] = Some(partial);
            }
        }
    }
    done
}
