//! Threshold rules: per run, the matches in its window grouped by the group-by fields' values
//! (every combination of a multi-valued field's values; no fields, one group); a group of at least
//! `value` matches (and, with `cardinality`, as many distinct values of that field) alerts. As
//! Kibana keeps a threshold signal history, a group that alerted does not count its matches up to
//! its latest again in later runs. A run writes at most `max_signals` groups, the first in the
//! order of their values, as Kibana pages them.

use super::schedule::Executions;
use super::{Placed, StageReport};
use crate::alert::{Alert, Detail, EventSummary, MEMBERS_KEPT, RuleRef, TextAlert};
use crate::rules::{Rule, Threshold};
use crate::time::format_millis;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One group in one run.
#[derive(Default)]
struct Group<'a> {
    count: u64,
    distinct: BTreeSet<&'a str>,
    earliest: i64,
    latest: i64,
    members: Vec<&'a Placed>,
}

/// The alerts of one rule's matches (sorted by time), with their times.
pub fn decide(rule: &Rule, threshold: &Threshold, placed: &[Placed], report: &mut StageReport) -> Vec<(i64, TextAlert)> {
    let runs = Executions::new(rule.schedule);
    let max = usize::try_from(rule.max_signals).unwrap_or(usize::MAX).max(1);
    let group_fields = threshold.fields.len();
    // The latest match each group alerted with (Kibana's signal history).
    let mut alerted: HashMap<Vec<String>, i64> = HashMap::new();
    let mut out = Vec::new();
    report.uncovered += placed.iter().filter(|p| runs.first_covering(p.time).is_none()).count();
    let times: Vec<i64> = placed.iter().map(|p| p.time).collect();
    runs.each_window(&times, |window| {
        let mut groups: BTreeMap<Vec<String>, Group<'_>> = BTreeMap::new();
        for p in &placed[window] {
            let Some(values) = p.candidate.values.get(..group_fields) else { continue };
            for terms in super::combinations(values) {
                if alerted.get(&terms).is_some_and(|latest| p.time <= *latest) {
                    continue;
                }
                let group = groups.entry(terms).or_default();
                group.count += 1;
                group.earliest = if group.count == 1 { p.time } else { group.earliest.min(p.time) };
                group.latest = group.latest.max(p.time);
                if let Some(values) = p.candidate.values.get(group_fields) {
                    group.distinct.extend(values.iter().map(String::as_str));
                }
                group.members.push(p);
            }
        }
        let reached: Vec<(Vec<String>, Group<'_>)> = groups
            .into_iter()
            .filter(|(_, g)| g.count >= threshold.value)
            .filter(|(_, g)| threshold.cardinality.as_ref().is_none_or(|(_, least)| g.distinct.len() as u64 >= *least))
            .collect();
        // Kibana pages the groups in the order of their values and keeps the first `max_signals`.
        report.dropped += reached.len().saturating_sub(max);
        for (terms, group) in reached.into_iter().take(max) {
            alerted.insert(terms.clone(), group.latest);
            out.push((group.latest, alert(rule, threshold, &terms, &group)));
        }
    });
    out
}

/// The group's alert: a document of the group-by values at the group's latest time, as Kibana
/// writes a threshold alert, with the result and the first members.
fn alert(rule: &Rule, threshold: &Threshold, terms: &[String], group: &Group<'_>) -> TextAlert {
    let mut doc = Map::new();
    doc.insert("@timestamp".into(), Value::String(format_millis(group.latest)));
    for (field, value) in threshold.fields.iter().zip(terms) {
        super::set_field(&mut doc, field, Value::String(value.clone()));
    }
    let document = Value::Object(doc);
    let event = EventSummary::from_ecs(&document, None);
    let origin = group.members.first().map(|p| p.candidate.member.origin.clone()).unwrap_or_default();
    let detail = Detail::Threshold {
        terms: threshold.fields.iter().cloned().zip(terms.iter().cloned()).collect(),
        count: group.count,
        cardinality: threshold.cardinality.as_ref().map(|(field, _)| (field.clone(), group.distinct.len() as u64)),
        from: format_millis(group.earliest),
        members: group.members.iter().take(MEMBERS_KEPT).map(|p| p.candidate.member.clone()).collect(),
    };
    Alert { rule: RuleRef::of(rule), event, origin, document, original: None, detail: Some(detail) }.into_text()
}
