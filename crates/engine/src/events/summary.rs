//! Per-principal summaries (or per access key, per address): who did what, from where, when,
//! what failed, which watched calls, and how many alerts: the first thing to read in a new case.

use super::index::EventIndex;
use super::row::{Column, NO_TIME, NONE};
use serde::Serialize;
use std::collections::HashMap;

/// A value and how many events had it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub value: String,
    pub count: usize,
}

/// What one principal (access key, address) did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    /// The value summarized by; `None` gathers the events without one.
    pub key: Option<String>,
    pub events: usize,
    /// First and last `@timestamp`, in milliseconds.
    pub first: Option<i64>,
    pub last: Option<i64>,
    pub accounts: Vec<Count>,
    pub regions: Vec<Count>,
    pub principals: Vec<Count>,
    pub access_keys: Vec<Count>,
    pub sources: Vec<Count>,
    pub user_agents: Vec<Count>,
    pub actions: Vec<Count>,
    /// Calls that failed (`event.outcome` failure), and their error codes.
    pub failures: usize,
    pub errors: Vec<Count>,
    /// The actions a loaded rule watches for.
    pub watched: Vec<Count>,
    pub alerts: usize,
}

/// The columns each profile counts, with where their counts go.
const COUNTED: [Column; 8] = [
    Column::Account,
    Column::Region,
    Column::Principal,
    Column::AccessKey,
    Column::SourceAddress,
    Column::UserAgent,
    Column::Action,
    Column::ErrorCode,
];

#[derive(Default)]
struct Tally {
    events: usize,
    first: Option<i64>,
    last: Option<i64>,
    failures: usize,
    alerts: usize,
    counts: [HashMap<u32, usize>; COUNTED.len()],
}

/// Summarizes `index` by `by`: a profile per value (and one for events without), with `watched`
/// telling the actions loaded rules watch for and `alerts` giving each alert's value at `by`.
/// Profiles come with the most alerts first, then the most events, then by value.
pub fn summarize<'a>(
    index: &EventIndex,
    by: Column,
    watched: &dyn Fn(&str) -> bool,
    alerts: impl IntoIterator<Item = Option<&'a str>>,
) -> Vec<Profile> {
    let mut tallies: HashMap<u32, Tally> = HashMap::new();
    let failure = index.strings().find("failure");
    for row in index.rows() {
        let tally = tallies.entry(row.value(by).unwrap_or(NONE)).or_default();
        tally.events += 1;
        if row.time != NO_TIME {
            tally.first = Some(tally.first.map_or(row.time, |t| t.min(row.time)));
            tally.last = Some(tally.last.map_or(row.time, |t| t.max(row.time)));
        }
        tally.failures += usize::from(failure.is_some() && row.value(Column::Outcome) == failure);
        for (counts, &column) in tally.counts.iter_mut().zip(&COUNTED) {
            if let Some(n) = row.value(column) {
                *counts.entry(n).or_default() += 1;
            }
        }
    }
    for key in alerts {
        let n = key.and_then(|k| index.strings().find(k)).unwrap_or(NONE);
        // An alert on an event the index does not hold (an ECS export's) still counts.
        tallies.entry(n).or_default().alerts += 1;
    }
    let text = |n: u32| index.strings().get(n).unwrap_or_default().to_string();
    let mut profiles: Vec<Profile> = tallies
        .into_iter()
        .map(|(key, tally)| {
            let [accounts, regions, principals, access_keys, sources, user_agents, actions, errors] =
                tally.counts.map(|counts| ranked(counts.into_iter().map(|(n, count)| Count { value: text(n), count }).collect()));
            let watched = actions.iter().filter(|a| watched(&a.value)).cloned().collect();
            Profile {
                key: (key != NONE).then(|| text(key)),
                events: tally.events,
                first: tally.first,
                last: tally.last,
                accounts,
                regions,
                principals,
                access_keys,
                sources,
                user_agents,
                actions,
                failures: tally.failures,
                errors,
                watched,
                alerts: tally.alerts,
            }
        })
        .collect();
    profiles.sort_by(|a, b| b.alerts.cmp(&a.alerts).then(b.events.cmp(&a.events)).then_with(|| a.key.cmp(&b.key)));
    profiles
}

/// The most frequent first, then by value.
fn ranked(mut counts: Vec<Count>) -> Vec<Count> {
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    counts
}
