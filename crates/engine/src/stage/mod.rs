//! The second stage: stateful rules decided over every file's candidates in time order.
//!
//! The first stage ([`crate::scan`]) keeps, per file, the events a stateful rule's filter matched
//! ([`Candidate`]s); a [`crate::scan::Merge`] settles them in file order (a duplicated event is a
//! candidate once). Here they are sorted by (time, `eventID` hash, file, record), so ties never
//! depend on the files that hold them, and replayed per rule through emulated executions of the rule (see
//! [`schedule`]): threshold groups ([`threshold`]), new terms ([`new_terms`]), EQL sequences
//! ([`sequence`]), Sigma correlations ([`correlation`]; one that correlates correlations is
//! decided after them, on their alerts), and, when the schedule is emulated, `max_signals` for
//! query and EQL event rules ([`events`]).
//!
//! Depends on rules, alerts and the candidates' shape; never on input or output.

pub mod correlation;
pub mod events;
pub mod new_terms;
pub mod schedule;
pub mod sequence;
pub mod threshold;

use crate::alert::TextAlert;
use crate::rules::{Kind, Rule};
use crate::scan::Candidate;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// How the second stage decides.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Whether `max_signals` is applied to each execution of query and EQL rules too (their
    /// matches then reach this stage, see [`crate::Scanner::with_emulated_schedule`]); threshold
    /// and new_terms rules always apply it, as Kibana does.
    pub emulate_schedule: bool,
    /// Whether a new_terms rule's first history window only learns: an execution whose history
    /// reaches back before the rule's first match raises nothing.
    pub learn_first_window: bool,
}

/// What the second stage did, for the scan's report.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StageReport {
    /// Candidates decided on (after repeats across files were dropped).
    pub candidates: usize,
    /// Candidates without a time that reads as a date (no execution can see them).
    pub untimed: usize,
    /// Candidates no execution's window covers (`from` shorter than `interval` leaves gaps).
    pub uncovered: usize,
    /// Alerts Elastic would not have written: over `max_signals` in their execution.
    pub dropped: usize,
    /// Alerts raised.
    pub alerts: usize,
}

/// A candidate placed for sorting: (time, what the event is, file, record) is its order among all
/// files, so that events of the same second are ordered by their `eventID`s (in any split of the
/// records into files, in any file order), and only events without one by their place.
#[derive(Debug, Clone)]
pub struct Placed {
    pub time: i64,
    pub file: usize,
    pub candidate: Candidate,
}

impl Placed {
    fn order(&self) -> (i64, u64, usize, usize) {
        (self.time, self.candidate.tie, self.file, self.candidate.member.origin.record)
    }
}

/// The second stage of one scan: takes each settled file's candidates, then decides.
pub struct Decider {
    rules: Arc<[Rule]>,
    options: Options,
    /// Per rule, its timed candidates.
    by_rule: Vec<Vec<Placed>>,
    report: StageReport,
}

impl Decider {
    /// A second stage for the rules a scanner scans with (candidates name rules by place in it).
    pub fn new(rules: Arc<[Rule]>, options: Options) -> Decider {
        Decider { by_rule: vec![Vec::new(); rules.len()], rules, options, report: StageReport::default() }
    }

    /// Takes a settled file's candidates.
    pub fn add(&mut self, file: usize, candidates: impl IntoIterator<Item = Candidate>) {
        for candidate in candidates {
            self.report.candidates += 1;
            let Some(time) = candidate.time else {
                self.report.untimed += 1;
                continue;
            };
            if let Some(list) = self.by_rule.get_mut(candidate.rule) {
                list.push(Placed { time, file, candidate });
            }
        }
    }

    /// Whether any candidate was taken.
    pub fn is_empty(&self) -> bool {
        self.report.candidates == 0
    }

    /// Decides every rule: the alerts in time order (ties by rule), and what was done.
    pub fn finish(self) -> (Vec<TextAlert>, StageReport) {
        let Decider { rules, options, mut by_rule, mut report } = self;
        let mut alerts: Vec<(i64, usize, TextAlert)> = Vec::new();
        // The windows of correlations another correlates, by rule id, for that one to read; those
        // a correlation scanned here correlates without `generate` raise no alerts of their own.
        let read: HashSet<&str> = rules.iter().flat_map(chained).collect();
        let quiet: HashSet<&str> =
            rules.iter().filter(|r| matches!(&r.kind, Kind::Correlation(c) if !c.generate)).flat_map(chained).collect();
        let mut met: HashMap<&str, Vec<correlation::Met>> = HashMap::new();
        for rule_index in order(&rules) {
            let rule = &rules[rule_index];
            let mut placed = std::mem::take(&mut by_rule[rule_index]);
            if let Kind::Correlation(outer) = &rule.kind {
                // A correlation listed twice is one event a window, meeting both places.
                let mut inner: Vec<(&str, Vec<usize>)> = Vec::new();
                for &part in &outer.chained {
                    let Some(id) = outer.resolved.get(part) else { continue };
                    match inner.iter_mut().find(|(known, _)| known == id) {
                        Some((_, parts)) => parts.push(part),
                        None => inner.push((id.as_str(), vec![part])),
                    }
                }
                for (id, parts) in inner {
                    let windows = met.get(id).into_iter().flatten();
                    placed.extend(windows.map(|m| correlation::fed(rule_index, outer, &parts, m)));
                }
            }
            if placed.is_empty() {
                continue;
            }
            placed.sort_by_key(Placed::order);
            let decided = match &rule.kind {
                Kind::Threshold(threshold) => threshold::decide(rule, threshold, &placed, &mut report),
                Kind::NewTerms(new_terms) => new_terms::decide(rule, new_terms, placed, &options, &mut report),
                Kind::Correlation(correlation) => {
                    let windows = correlation::decide(rule, correlation, &placed, &mut report);
                    let silent = quiet.contains(rule.rule_id.as_str());
                    let raised = if silent { Vec::new() } else { windows.iter().map(|m| (m.time, m.alert.clone())).collect() };
                    if read.contains(rule.rule_id.as_str()) {
                        met.insert(rule.rule_id.as_str(), windows);
                    }
                    raised
                }
                _ if rule.filter.sequence().is_some() => sequence::decide(rule, placed, &options, &mut report),
                // Only with the schedule emulated do event rules send their matches here.
                _ if options.emulate_schedule => events::decide(rule, placed, &mut report),
                _ => placed.into_iter().filter_map(|p| p.candidate.alert.map(|a| (p.time, a))).collect(),
            };
            alerts.extend(decided.into_iter().map(|(time, alert)| (time, rule_index, alert)));
        }
        alerts.sort_by_key(|(time, rule, _)| (*time, *rule));
        report.alerts = alerts.len();
        (alerts.into_iter().map(|(_, _, alert)| alert).collect(), report)
    }
}

/// The ids of the correlations `rule` correlates (chaining), if it is a correlation.
fn chained(rule: &Rule) -> impl Iterator<Item = &str> {
    let correlation = match &rule.kind {
        Kind::Correlation(c) => Some(c),
        _ => None,
    };
    correlation.into_iter().flat_map(|c| c.chained.iter().filter_map(|&part| c.resolved.get(part))).map(String::as_str)
}

/// The order rules are decided in: each after the correlations it correlates (the rule set lets
/// none loop; a loop would be decided last, in place order), else in place order.
fn order(rules: &[Rule]) -> Vec<usize> {
    let present: HashSet<&str> = rules.iter().map(|r| r.rule_id.as_str()).collect();
    let mut done: HashSet<&str> = HashSet::new();
    let mut out = Vec::with_capacity(rules.len());
    let mut left: Vec<usize> = (0..rules.len()).collect();
    while !left.is_empty() {
        let before = left.len();
        left.retain(|&i| {
            let ready = chained(&rules[i]).all(|id| done.contains(id) || !present.contains(id));
            if ready {
                out.push(i);
                done.insert(rules[i].rule_id.as_str());
            }
            !ready
        });
        if left.len() == before {
            out.append(&mut left);
        }
    }
    out
}

/// Sets the dotted `path` in `doc` to `value`, making the objects on the way.
pub(crate) fn set_field(doc: &mut serde_json::Map<String, serde_json::Value>, path: &str, value: serde_json::Value) {
    match path.split_once('.') {
        None => {
            doc.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = doc.entry(head.to_string()).or_insert_with(|| serde_json::Value::Object(Default::default()));
            if !entry.is_object() {
                *entry = serde_json::Value::Object(Default::default());
            }
            if let serde_json::Value::Object(inner) = entry {
                set_field(inner, rest, value);
            }
        }
    }
}

/// The most combinations one event gives: a record with several long arrays could otherwise ask
/// for millions (memory stays bounded; the first, in sorted order, are kept).
pub const MAX_COMBINATIONS: usize = 1024;

/// Every combination of one value from each field (none when a field has no value), each field's
/// values taken once and in sorted order (a document's order of values does not matter), at most
/// [`MAX_COMBINATIONS`].
pub fn combinations(fields: &[Vec<String>]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = vec![Vec::new()];
    for values in fields {
        let distinct: BTreeSet<&String> = values.iter().collect();
        out = out
            .into_iter()
            .flat_map(|prefix| distinct.iter().map(move |v| [prefix.clone(), vec![(*v).clone()]].concat()))
            .take(MAX_COMBINATIONS)
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combinations_take_one_value_of_each_field() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(combinations(&[]), vec![Vec::<String>::new()]);
        assert_eq!(combinations(&[v(&["b", "a", "b"]), v(&["x"])]), vec![v(&["a", "x"]), v(&["b", "x"])]);
        assert!(combinations(&[v(&["a"]), v(&[])]).is_empty(), "a field without a value: no term");
        let many: Vec<String> = (0..1000).map(|i| format!("{i:04}")).collect();
        let all = combinations(&[many.clone(), many.clone(), many]);
        assert_eq!(all.len(), MAX_COMBINATIONS, "a billion combinations are not built");
        assert_eq!(all[0], v(&["0000", "0000", "0000"]));
    }
}
