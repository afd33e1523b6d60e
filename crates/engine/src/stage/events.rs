//! Query and EQL event rules when the schedule is emulated: each run alerts on the matches in its
//! window not alerted yet, oldest first, at most `max_signals` of them (Kibana sorts a run's
//! search by time, ascending); a match left over can still be taken by the next run whose window
//! holds it, and one no run takes is counted as dropped.

use super::schedule::Executions;
use super::{Placed, StageReport};
use crate::alert::TextAlert;
use crate::rules::Rule;
use std::collections::VecDeque;

/// The alerts of one rule's matches (sorted by time), with their times.
pub fn decide(rule: &Rule, placed: Vec<Placed>, report: &mut StageReport) -> Vec<(i64, TextAlert)> {
    let runs = Executions::new(rule.schedule);
    let max = usize::try_from(rule.max_signals).unwrap_or(usize::MAX).max(1);
    let mut waiting: VecDeque<Placed> = VecDeque::new();
    let mut rest = placed.into_iter().peekable();
    let mut out = Vec::new();
    let Some(first) = rest.peek() else { return out };
    let mut k = runs.next_after(first.time);
    loop {
        let (start, end) = runs.window(k);
        // Matches before this window that no run took are lost.
        while waiting.front().is_some_and(|p| p.time < start) {
            waiting.pop_front();
            report.dropped += 1;
        }
        while let Some(p) = rest.next_if(|p| p.time < end) {
            if p.time < start {
                report.uncovered += 1;
            } else {
                waiting.push_back(p);
            }
        }
        for p in waiting.drain(..max.min(waiting.len())) {
            if let Some(alert) = p.candidate.alert {
                out.push((p.time, alert));
            }
        }
        k = match (waiting.is_empty(), rest.peek()) {
            (false, _) => k + 1,
            (true, Some(next)) => (k + 1).max(runs.next_after(next.time)),
            (true, None) => break,
        };
    }
    out
}
