//! Query and EQL event rules when the schedule is emulated: each run searches its window and keeps
//! the first `max_signals` matches in time order (Kibana sorts a run's search by time, ascending),
//! those already alerted by an earlier run included; the new ones among them alert. A match no run
//! keeps is counted as dropped.

use super::schedule::Executions;
use super::{Placed, StageReport};
use crate::alert::TextAlert;
use crate::rules::Rule;

/// The alerts of one rule's matches (sorted by time), with their times.
pub fn decide(rule: &Rule, placed: Vec<Placed>, report: &mut StageReport) -> Vec<(i64, TextAlert)> {
    let runs = Executions::new(rule.schedule);
    let max = usize::try_from(rule.max_signals).unwrap_or(usize::MAX).max(1);
    report.uncovered += placed.iter().filter(|p| runs.first_covering(p.time).is_none()).count();
    let mut kept = vec![false; placed.len()];
    let times: Vec<i64> = placed.iter().map(|p| p.time).collect();
    runs.each_window(&times, |window| kept[window.start..window.end.min(window.start + max)].iter_mut().for_each(|k| *k = true));
    let covered = |p: &Placed| runs.first_covering(p.time).is_some();
    report.dropped += placed.iter().zip(&kept).filter(|(p, kept)| !**kept && covered(p)).count();
    placed.into_iter().zip(kept).filter(|(_, kept)| *kept).filter_map(|(p, _)| p.candidate.alert.map(|a| (p.time, a))).collect()
}
