//! EQL sequences, run by [`crate::eql::run_hits`] as Kibana runs an EQL rule: each run searches
//! its own window, so a sequence alerts only when all its events fall in one run's window (and
//! within `maxspan`); no partial sequence is carried from one run to the next. A sequence found by
//! several runs (windows overlap) alerts once. With the schedule emulated, a run keeps at most
//! `max_signals` sequences. The alert is the last event's, with the sequence's join key and its
//! events in order.

use super::schedule::Executions;
use super::{Options, Placed, StageReport};
use crate::alert::{Detail, Member, TextAlert};
use crate::eql::Hits;
use crate::rules::Rule;
use std::collections::HashSet;

/// The alerts of one rule's matches (sorted), with their times.
pub fn decide(rule: &Rule, placed: Vec<Placed>, options: &Options, report: &mut StageReport) -> Vec<(i64, TextAlert)> {
    let Some(sequence) = rule.filter.sequence() else { return Vec::new() };
    let runs = Executions::new(rule.schedule);
    let max = if options.emulate_schedule { usize::try_from(rule.max_signals).unwrap_or(usize::MAX).max(1) } else { usize::MAX };
    report.uncovered += placed.iter().filter(|p| runs.first_covering(p.time).is_none()).count();
    let none = Hits::default();
    let mut found: HashSet<Vec<usize>> = HashSet::new();
    let mut done: Vec<Vec<usize>> = Vec::new();
    let times: Vec<i64> = placed.iter().map(|p| p.time).collect();
    runs.each_window(&times, |range| {
        let lo = range.start;
        let window = &placed[range];
        let completed = crate::eql::run_hits(sequence, window.iter().map(|p| (p.time, p.candidate.hits.as_ref().unwrap_or(&none))));
        let mut taken = 0;
        for events in completed {
            let events: Vec<usize> = events.into_iter().map(|i| lo + i).collect();
            if found.contains(&events) {
                continue;
            }
            if taken == max {
                report.dropped += 1;
                continue;
            }
            taken += 1;
            found.insert(events.clone());
            done.push(events);
        }
    });
    let final_step = sequence.steps().len() - 1;
    let mut out = Vec::new();
    for events in done {
        let Some(&last) = events.last() else { continue };
        let last = &placed[last];
        let Some(alert) = &last.candidate.alert else { continue };
        let join = last
            .candidate
            .hits
            .as_ref()
            .and_then(|h| h.steps.iter().find(|(s, _)| *s == final_step))
            .map(|(_, key)| key.clone())
            .unwrap_or_default();
        let members: Vec<Member> = events.iter().map(|&i| placed[i].candidate.member.clone()).collect();
        let mut alert = alert.clone();
        alert.detail = Some(Detail::Sequence { group: group_id(&rule.rule_id, &members), join, events: members });
        out.push((last.time, alert));
    }
    out
}

/// A sequence's group ID: a hash of its rule and its events (ID and time), so the same sequence
/// has the same ID in every scan, wherever its files are.
fn group_id(rule_id: &str, members: &[Member]) -> String {
    use std::hash::Hasher;
    let mut hasher = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    hasher.write(rule_id.as_bytes());
    for member in members {
        hasher.write(member.event_id.as_deref().unwrap_or("").as_bytes());
        hasher.write(member.timestamp.as_deref().unwrap_or("").as_bytes());
    }
    format!("{:016x}", hasher.finish())
}
