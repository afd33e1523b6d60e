//! New terms rules: a match alerts when its value of the rule's field (each value of a
//! multi-valued field; each combination of values for two or three fields) was not seen in the
//! run's history, `[run - history, window start)`, and it is the value's first sighting in the
//! run's window. Each new value gives its own alert, written once however many runs see it. A run
//! writes at most `max_signals` alerts; a match over that is still taken by a later run whose
//! window holds it, else counted as dropped.
//!
//! The data has no history before the rule's first match: by default a first sighting alerts;
//! [`super::Options::learn_first_window`] makes runs whose history reaches back before it learn only.

use super::schedule::Executions;
use super::{Options, Placed, StageReport};
use crate::alert::{Detail, TextAlert};
use crate::rules::{NewTerms, Rule};
use crate::scan::Candidate;
use std::collections::{BTreeSet, HashMap};

/// The alerts of one rule's matches (sorted by time), with their times.
pub fn decide(
    rule: &Rule,
    new_terms: &NewTerms,
    placed: Vec<Placed>,
    options: &Options,
    report: &mut StageReport,
) -> Vec<(i64, TextAlert)> {
    let runs = Executions::new(rule.schedule);
    let max = usize::try_from(rule.max_signals).unwrap_or(usize::MAX).max(1);
    let Some(data_start) = placed.first().map(|p| p.time) else { return Vec::new() };
    // Each value's latest sighting so far, and how many alerts each run has written.
    let mut seen: HashMap<Vec<String>, i64> = HashMap::new();
    let mut written: HashMap<i64, usize> = HashMap::new();
    let mut out = Vec::new();
    for p in placed {
        if !p.candidate.repeat && runs.first_covering(p.time).is_none() {
            report.uncovered += 1;
        }
        for terms in combinations(&p.candidate.values) {
            let previous = seen.insert(terms.clone(), p.time);
            if p.candidate.repeat {
                continue;
            }
            let mut new_in_some_run = false;
            let mut taken = false;
            for k in runs.covering(p.time) {
                let (start, end) = runs.window(k);
                let history_start = end.saturating_sub(new_terms.history_ms);
                // New in this run: no sighting in its history, nor earlier in its window.
                // (`previous` is before `p.time`, which is within the window.)
                if previous.is_some_and(|t| t >= start.min(history_start)) {
                    continue;
                }
                if options.learn_first_window && history_start < data_start {
                    continue;
                }
                new_in_some_run = true;
                let count = written.entry(k).or_default();
                if *count < max {
                    *count += 1;
                    taken = true;
                    break;
                }
            }
            if new_in_some_run && !taken {
                report.dropped += 1;
            }
            debug_assert!(!taken || p.candidate.alert.is_some(), "a candidate whose alert was shed is never new");
            if let (true, Some(alert)) = (taken, &p.candidate.alert) {
                let mut alert = alert.clone();
                alert.detail = Some(Detail::NewTerms { fields: new_terms.fields.clone(), terms });
                out.push((p.time, alert));
            }
        }
    }
    out
}

/// Drops the alert documents of a file's candidates that can never alert, keeping their times and
/// values for the history: a candidate whose every combination of values was seen earlier in the
/// same file within `history - lookback` before it is in the history (or earlier in the window) of
/// every run that sees it. Memory then follows the new values, not the matches.
pub fn shed_alerts(rule: &Rule, new_terms: &NewTerms, candidates: &mut [&mut Candidate]) {
    let reach = new_terms.history_ms - rule.schedule.lookback_ms;
    if reach <= 0 {
        return;
    }
    // The stage's order within one file.
    candidates.sort_by_key(|c| (c.time, c.tie, c.member.origin.record));
    let mut last: HashMap<Vec<String>, i64> = HashMap::new();
    for candidate in candidates.iter_mut() {
        let Some(time) = candidate.time else { continue };
        let mut seen_all = true;
        for terms in combinations(&candidate.values) {
            let before = last.insert(terms, time);
            seen_all &= before.is_some_and(|t| time.saturating_sub(t) < reach);
        }
        if seen_all {
            candidate.alert = None;
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
