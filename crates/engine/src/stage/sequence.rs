//! EQL sequences over every file's matches in time order: the state machine of
//! [`crate::eql::run_hits`], one alert per completed sequence. The alert is the last event's, with
//! the sequence's join key and its events in order. Sequences are not cut at run windows: a
//! sequence alerts wherever its events fall (within `maxspan`), as a run over the whole span would.

use super::Placed;
use crate::alert::{Detail, TextAlert};
use crate::eql::Hits;
use crate::rules::Rule;

/// A sequence's group ID: a hash of its rule and its events' IDs and places, so the same sequence
/// has the same ID in every scan.
fn group_id(rule_id: &str, members: &[crate::alert::Member]) -> String {
    use std::hash::Hasher;
    let mut hasher = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    hasher.write(rule_id.as_bytes());
    for member in members {
        hasher.write(member.event_id.as_deref().unwrap_or("").as_bytes());
        hasher.write(member.origin.file.as_bytes());
        hasher.write_usize(member.origin.record);
    }
    format!("{:016x}", hasher.finish())
}

/// The alerts of one rule's matches (sorted by time), with their times.
pub fn decide(rule: &Rule, placed: Vec<Placed>) -> Vec<(i64, TextAlert)> {
    let Some(sequence) = rule.filter.sequence() else { return Vec::new() };
    let none = Hits::default();
    let done = crate::eql::run_hits(sequence, placed.iter().map(|p| (p.time, p.candidate.hits.as_ref().unwrap_or(&none))));
    let mut out = Vec::new();
    for events in done {
        let Some(&last) = events.last() else { continue };
        let last = &placed[last];
        let Some(alert) = &last.candidate.alert else { continue };
        let final_step = sequence.steps().len() - 1;
        let join = last
            .candidate
            .hits
            .as_ref()
            .and_then(|h| h.steps.iter().find(|(s, _)| *s == final_step))
            .map(|(_, key)| key.clone())
            .unwrap_or_default();
        let members: Vec<_> = events.iter().map(|&i| placed[i].candidate.member.clone()).collect();
        let mut alert = alert.clone();
        alert.detail = Some(Detail::Sequence { group: group_id(&rule.rule_id, &members), join, events: members });
        out.push((last.time, alert));
    }
    out
}
