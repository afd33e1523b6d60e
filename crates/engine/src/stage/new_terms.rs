//! New terms rules: a match alerts when its value of the rule's field (each value of a
//! multi-valued field; each combination of values for two or three fields) was not seen in the
//! run's history, `[run - history, window start)`, and it is the value's first sighting in the
//! run's window. Each new value gives its own alert, written once however many runs see it. A run
//! writes at most `max_signals` alerts; a match over that is still taken by a later run whose
//! window holds it, else counted as dropped.
//!
//! The data has no history before the rule's first match: by default a first sighting alerts;
//! [`super::Options::learn_first_window`] makes runs whose history reaches back before it learn only.

use super::combinations;
use super::schedule::Executions;
use super::{Options, Placed, StageReport};
use crate::alert::{Detail, TextAlert};
use crate::rules::{NewTerms, Rule};
use crate::scan::Candidate;
use std::collections::HashMap;

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

/// How far before a match a sighting of its value makes it never new: `history - lookback` (a
/// sighting that close is in the history, or earlier in the window, of every run that sees it).
pub fn reach(rule: &Rule, new_terms: &NewTerms) -> i64 {
    new_terms.history_ms - rule.schedule.lookback_ms
}

/// The latest time each combination of values was seen, as a file's matches go by.
#[derive(Debug, Default)]
pub struct Sightings(HashMap<Vec<String>, i64>);

impl Sightings {
    /// Records the match's combinations at `time`; whether every one was seen less than `reach`
    /// before it (at the same time too, when `same_time` is set: the caller goes in the stage's
    /// order), so that it can never be new.
    pub fn repeats(&mut self, reach: i64, time: i64, values: &[Vec<String>], same_time: bool) -> bool {
        let mut all = true;
        for terms in combinations(values) {
            let before = self.0.insert(terms, time);
            all &= before.is_some_and(|t| (t < time || same_time && t == time) && time.saturating_sub(t) < reach);
        }
        all && reach > 0
    }
}

/// Drops the alert documents of a file's candidates that can never alert, keeping their times and
/// values for the history: a candidate whose every combination of values was seen earlier in the
/// same file within [`reach`] before it. Memory then follows the new values, not the matches.
pub fn shed_alerts(rule: &Rule, new_terms: &NewTerms, candidates: &mut [&mut Candidate]) {
    let reach = reach(rule, new_terms);
    if reach <= 0 || candidates.len() < 2 {
        return;
    }
    // The stage's order within one file.
    candidates.sort_by_key(|c| (c.time, c.tie, c.member.origin.record));
    let mut sightings = Sightings::default();
    for candidate in candidates.iter_mut() {
        if candidate.time.is_some_and(|time| sightings.repeats(reach, time, &candidate.values, true)) {
            candidate.alert = None;
        }
    }
}
