//! Compiled sequences and the sequence state machine, [`run_sequence`]: a pure function over events
//! already in time order, for a later stage that feeds it (or runs the same rules incrementally).
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

/// A pending sequence.
#[derive(Debug)]
struct Partial {
    start: i64,
    events: Vec<usize>,
}

/// Runs the sequence over events in time order (`(timestamp in ms, document)`), returning the
/// indices into `events` of each completed sequence, in order of completion.
pub fn run_sequence(seq: &Sequence, events: &[(i64, &dyn Document)]) -> Vec<Vec<usize>> {
    let n = seq.steps.len();
    let maxspan = seq.maxspan_ms.map(|m| i64::try_from(m).unwrap_or(i64::MAX));
    // Per join key, per state (steps 0..n-1 completed), the one pending sequence.
    let mut machines: HashMap<Vec<Option<String>>, Vec<Option<Partial>>> = HashMap::new();
    let mut done = Vec::new();
    for (index, (ts, doc)) in events.iter().enumerate() {
        let (ts, doc) = (*ts, *doc);
        if let Some(until) = &seq.until
            && until.matches(doc)
            && let Some(key) = until.join_key(doc)
        {
            machines.remove(&key);
        }
        for s in (0..n).rev() {
            let step = &seq.steps[s];
            if !step.matches(doc) {
                continue;
            }
            let Some(key) = step.join_key(doc) else { continue };
            if s == 0 {
                let states = machines.entry(key).or_insert_with(|| (1..n).map(|_| None).collect());
                states[0] = Some(Partial { start: ts, events: vec![index] });
                continue;
            }
            let Some(states) = machines.get_mut(&key) else { continue };
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
