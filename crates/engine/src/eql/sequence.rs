//! Compiled sequences and the sequence state machine, [`run_sequence`]: a pure function over events
//! already in time order, for a later stage that feeds it (or runs the same rules incrementally).
//!
//! The state machine follows Elasticsearch's sequence semantics:
//! - an event that meets the first step opens a partial sequence under its join key;
//! - an event that meets step `i > 0` extends the earliest open partial sequence of its join key that
//!   has completed step `i - 1` (first in, first out) — and completes it after the last step; a
//!   completed sequence is reported once, as the indices of its events;
//! - with `maxspan`, a partial sequence whose first event is more than `maxspan` before the event
//!   expires (the span from first to last event may equal `maxspan`);
//! - an event that meets the `until` query drops every open partial sequence of its join key;
//! - one event is tested against `until` first, then against the steps from last to first, so it
//!   can complete one sequence and open another, but never fills two steps of the same sequence.
//!
//! Join keys are the values of the key fields (sequence-level keys first, then the step's), compared
//! as keyword text; a field with several values gives its first. An event missing a key field takes
//! no part in the step, nor in `until` (Elasticsearch 7.x skips such events; later versions may treat
//! a missing key as `null`).

use super::ast::Category;
use super::compile::Matcher;
use super::value::Value;
use crate::doc::Document;
use std::collections::{HashMap, VecDeque};

/// One query of a compiled sequence.
#[derive(Debug, Clone)]
pub struct Step {
    pub(super) category: Category,
    pub(super) matcher: Matcher,
    pub(super) keys: Vec<String>,
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

    /// The event's join key: the first value of each key field as text; `None` when one is missing.
    pub fn join_key(&self, doc: &dyn Document) -> Option<Vec<String>> {
        self.keys
            .iter()
            .map(|field| {
                let mut first = None;
                doc.any_value(field, &mut |v| {
                    first = Value::from_scalar(v).text().map(|t| t.into_owned());
                    true
                });
                first
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

/// An open partial sequence.
#[derive(Debug)]
struct Partial {
    start: i64,
    events: Vec<usize>,
}

/// Runs the sequence over events in time order (`(timestamp in ms, document)`), returning the
/// indices into `events` of each completed sequence, in order of completion.
pub fn run_sequence(seq: &Sequence, events: &[(i64, &dyn Document)]) -> Vec<Vec<usize>> {
    let n = seq.steps.len();
    // Per join key, per step already completed (0..n-1), the partial sequences waiting, oldest first.
    let mut open: HashMap<Vec<String>, Vec<VecDeque<Partial>>> = HashMap::new();
    let mut done = Vec::new();
    for (index, (ts, doc)) in events.iter().enumerate() {
        let (ts, doc) = (*ts, *doc);
        if let Some(until) = &seq.until
            && until.matches(doc)
            && let Some(key) = until.join_key(doc)
        {
            open.remove(&key);
        }
        for s in (0..n).rev() {
            let step = &seq.steps[s];
            if !step.matches(doc) {
                continue;
            }
            let Some(key) = step.join_key(doc) else { continue };
            if s == 0 {
                let stages = open.entry(key).or_insert_with(|| (1..n).map(|_| VecDeque::new()).collect());
                stages[0].push_back(Partial { start: ts, events: vec![index] });
                continue;
            }
            let Some(stages) = open.get_mut(&key) else { continue };
            let waiting = &mut stages[s - 1];
            // Partials wait in the order they started, so the expired ones are at the front.
            while waiting
                .front()
                .is_some_and(|p| seq.maxspan_ms.is_some_and(|m| ts.saturating_sub(p.start) > i64::try_from(m).unwrap_or(i64::MAX)))
            {
                waiting.pop_front();
            }
            let Some(mut partial) = waiting.pop_front() else { continue };
            partial.events.push(index);
            if s == n - 1 {
                done.push(partial.events);
            } else {
                stages[s].push_back(partial);
            }
        }
    }
    done
}
