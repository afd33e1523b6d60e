//! Sigma correlation rules: the matches of the correlated rules, grouped by the group-by fields'
//! values (every combination of a multi-valued field's; an event without one is in no group),
//! each group's matches in time order. A window opens at the group's first match not yet in an
//! alert and holds every match up to `timespan` after it; what the correlation counts over the
//! window (matches, distinct values of a field, distinct correlated rules, or correlated rules
//! matched in order) is checked against the condition. A window that meets it alerts, and its
//! matches are in no later window; else the window opens at the next match. So a burst alerts
//! once, wherever the files cut it, and no fixed time grid splits it.
//!
//! The alert is a group's, as a threshold rule's: the group-by values at its latest match, with
//! the count, the distinct count (`value_count`: of the field; `temporal`: of the rules) and the
//! first matches.

use super::{Placed, StageReport};
use crate::alert::{Alert, Detail, EventSummary, MEMBERS_KEPT, RuleRef, TextAlert};
use crate::rules::{Correlation, CorrelationKind, Rule};
use crate::time::format_millis;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The raw CloudTrail fields a group-by may name, with the ECS field the alert's summary (its
/// actor, source, account in the alerts table) reads the same value from.
const SUMMARY_FIELDS: &[(&str, &str)] = &[
    ("userIdentity.arn", "aws.cloudtrail.user_identity.arn"),
    ("userIdentity.type", "aws.cloudtrail.user_identity.type"),
    ("userIdentity.accessKeyId", "aws.cloudtrail.user_identity.access_key_id"),
    ("userIdentity.accountId", "cloud.account.id"),
    ("recipientAccountId", "cloud.account.id"),
    ("sourceIPAddress", "source.address"),
    ("userAgent", "user_agent.original"),
    ("awsRegion", "cloud.region"),
    ("eventSource", "event.provider"),
    ("eventName", "event.action"),
];

/// What a temporal correlation's distinct count counts (the alert's cardinality field).
pub const RULES_MATCHED: &str = "correlated rules";

/// A window that met a correlation's condition: its alert, and what a correlation that correlates
/// this one reads of it as an event.
#[derive(Debug, Clone)]
pub struct Met {
    pub time: i64,
    pub alert: TextAlert,
    /// The group-by fields and the group's values.
    pub fields: Vec<(String, String)>,
    /// The window's latest match: where the event that met it is.
    pub last: Placed,
}

/// The event a window `met` of a correlation is to the correlation `outer` (rule `rule_index`),
/// which lists it at `parts` (once, unless it is listed twice): at the window's time and place,
/// with the values `outer` reads of it, per part (a field `outer` reads that the window was not
/// grouped by has no value; the rule set lets no such correlation load).
pub fn fed(rule_index: usize, outer: &Correlation, parts: &[usize], met: &Met) -> Placed {
    let grouped = |field: &str| met.fields.iter().filter(|(name, _)| name == field).map(|(_, value)| value.clone()).collect();
    let mut candidate = met.last.candidate.clone();
    candidate.rule = rule_index;
    candidate.values = outer.candidate_values(parts, grouped);
    candidate.key = None;
    candidate.hits = None;
    candidate.alert = None;
    Placed { time: met.time, file: met.last.file, candidate }
}

/// One match in one group: the correlated rules (places in `rules`) whose fields put it there,
/// and the counted field's values they read.
struct Entry<'a> {
    placed: &'a Placed,
    parts: Vec<usize>,
    counted: Vec<&'a str>,
}

/// Each group's matches, in time order. A candidate's values are the correlated rules it met,
/// then per rule the fields of each column as that rule reads them (an alias may read another
/// field per rule): the match is in a group for a rule only when that rule's own values put it
/// there, so one event never mixes two rules' fields.
fn groups<'a>(correlation: &Correlation, placed: &'a [Placed]) -> BTreeMap<Vec<String>, Vec<Entry<'a>>> {
    let fields = correlation.group_by.len();
    let columns = correlation.columns().count();
    let mut groups: BTreeMap<Vec<String>, Vec<Entry<'a>>> = BTreeMap::new();
    for p in placed {
        let Some(parts) = p.candidate.values.first() else { continue };
        for (i, part) in parts.iter().filter_map(|part| part.parse::<usize>().ok()).enumerate() {
            let Some(own) = p.candidate.values.get(1 + i * columns..1 + (i + 1) * columns) else { continue };
            let counted: Vec<&str> = own.get(fields).into_iter().flatten().map(String::as_str).collect();
            for terms in super::combinations(&own[..fields]) {
                let members = groups.entry(terms).or_default();
                match members.last_mut() {
                    // The same match, through another of its rules.
                    Some(entry) if std::ptr::eq(entry.placed, p) => {
                        entry.parts.push(part);
                        entry.counted.extend(counted.iter().copied());
                    }
                    _ => members.push(Entry { placed: p, parts: vec![part], counted: counted.clone() }),
                }
            }
        }
    }
    groups
}

/// The windows of one correlation's matches that meet its condition, in time order.
pub fn decide(rule: &Rule, correlation: &Correlation, placed: &[Placed], _report: &mut StageReport) -> Vec<Met> {
    let mut out = Vec::new();
    // With no upper bound, a count that fails the condition fails it for anything smaller.
    let bounds = correlation.condition;
    let only_lower = bounds.lt.is_none() && bounds.lte.is_none() && bounds.eq.is_none();
    for (terms, members) in groups(correlation, placed) {
        // The window is `members[start..end]`; its distinct values and rules are kept as matches
        // enter and leave it, so each match is counted in and out once.
        let (mut start, mut end) = (0, 0);
        let mut tally = Tally::default();
        while start < members.len() {
            let end_time = members[start].placed.time.saturating_add(correlation.timespan_ms);
            while end < members.len() && members[end].placed.time <= end_time {
                tally.change(&members[end], true);
                end += 1;
            }
            let window = &members[start..end];
            let count = match &correlation.kind {
                CorrelationKind::EventCount => window.len() as u64,
                CorrelationKind::ValueCount(_) => tally.values.len() as u64,
                CorrelationKind::Temporal => tally.rules.len() as u64,
                // At most the distinct rules matched: read the order only when that could do.
                CorrelationKind::TemporalOrdered if only_lower && !bounds.holds(tally.rules.len() as u64) => 0,
                CorrelationKind::TemporalOrdered => in_order(window, correlation.rules.len()) as u64,
            };
            if bounds.holds(count) {
                let distinct = matches!(correlation.kind, CorrelationKind::ValueCount(_)).then_some(tally.values.len() as u64);
                let (time, alert) = alert(rule, correlation, &terms, window, distinct, tally.rules.len() as u64);
                let fields = correlation.group_by.iter().cloned().zip(terms.iter().cloned()).collect();
                out.push(Met { time, alert, fields, last: window[window.len() - 1].placed.clone() });
                // Its matches start no later window.
                tally = Tally::default();
                start = end;
            } else {
                tally.change(&members[start], false);
                start += 1;
            }
        }
    }
    out.sort_by_key(|met| met.time);
    out
}

/// The distinct values of the counted field, and the correlated rules, among a window's matches:
/// how many matches hold each.
#[derive(Default)]
struct Tally<'a> {
    values: HashMap<&'a str, usize>,
    rules: HashMap<usize, usize>,
}

impl<'a> Tally<'a> {
    /// Counts `entry` in (`enter`) or out of the window.
    fn change(&mut self, entry: &Entry<'a>, enter: bool) {
        fn bump<K: std::hash::Hash + Eq>(map: &mut HashMap<K, usize>, key: K, enter: bool) {
            if enter {
                *map.entry(key).or_default() += 1;
            } else if let Some(n) = map.get_mut(&key) {
                *n -= 1;
                if *n == 0 {
                    map.remove(&key);
                }
            }
        }
        // A value a match holds twice counts once for it.
        for value in entry.counted.iter().copied().collect::<BTreeSet<_>>() {
            bump(&mut self.values, value, enter);
        }
        for part in entry.parts.iter().copied().collect::<BTreeSet<_>>() {
            bump(&mut self.rules, part, enter);
        }
    }
}

/// How many of the correlated rules (numbered `0..wanted`) the window's matches meet in their
/// order: the first rule's earliest match, then the second's after it, and so on.
fn in_order(window: &[Entry<'_>], wanted: usize) -> usize {
    let mut next = 0;
    for entry in window {
        if next < wanted && entry.parts.contains(&next) {
            next += 1;
        }
    }
    next
}

/// The window's alert: a document of the group-by values at its latest match, with the counts and
/// the first matches.
fn alert(
    rule: &Rule,
    correlation: &Correlation,
    terms: &[String],
    window: &[Entry<'_>],
    distinct: Option<u64>,
    rules: u64,
) -> (i64, TextAlert) {
    let (earliest, latest) = (window.first().map_or(0, |e| e.placed.time), window.last().map_or(0, |e| e.placed.time));
    let mut doc = Map::new();
    doc.insert("@timestamp".into(), Value::String(format_millis(latest)));
    for (field, value) in correlation.group_by.iter().zip(terms) {
        super::set_field(&mut doc, field, Value::String(value.clone()));
    }
    // The summary reads ECS fields: the raw group-by values it knows are given under those too.
    let mut summary = doc.clone();
    for (field, value) in correlation.group_by.iter().zip(terms) {
        for (_, ecs) in SUMMARY_FIELDS.iter().filter(|(raw, _)| raw == field) {
            super::set_field(&mut summary, ecs, Value::String(value.clone()));
        }
    }
    let document = Value::Object(doc);
    let event = EventSummary::from_ecs(&Value::Object(summary), None);
    let origin = window.first().map(|e| e.placed.candidate.member.origin.clone()).unwrap_or_default();
    let cardinality = match &correlation.kind {
        CorrelationKind::ValueCount(field) => Some((field.clone(), distinct.unwrap_or(0))),
        CorrelationKind::Temporal | CorrelationKind::TemporalOrdered => Some((RULES_MATCHED.to_string(), rules)),
        CorrelationKind::EventCount => None,
    };
    let detail = Detail::Threshold {
        terms: correlation.group_by.iter().cloned().zip(terms.iter().cloned()).collect(),
        count: window.len() as u64,
        cardinality,
        from: format_millis(earliest),
        members: window.iter().take(MEMBERS_KEPT).map(|e| e.placed.candidate.member.clone()).collect(),
    };
    (latest, Alert { rule: RuleRef::of(rule), event, origin, document, original: None, detail: Some(detail) }.into_text())
}
