//! Files scanned apart by the page's workers settle in file order (`app::settle`): a big file's
//! `eventID`s are counted a task's worth at a time, with the outcome of counting them at once.

#[path = "web_support/mod.rs"]
mod support;

use support::alert;
use trailhound::app::messages::{FileResult, Outcome};
use trailhound::app::settle::{IDS_A_TASK, Scanned, Settle};
use trailhound::scan::Dedup;

/// Files scanned apart settle in file order; a big file's IDs are counted a task's worth at a time,
/// and the outcome is what settling it at once gives.
#[test]
fn a_big_file_settles_a_task_at_a_time_with_the_same_outcome() {
    let result = || FileResult { outcome: Outcome::Scanned, ..FileResult::unreadable(10, String::new()) };
    // File 0: IDs 0..1000. File 1 (big): IDs 500..(500 + 2.5 tasks), so 500 repeat file 0's, with
    // two alerts: one on a repeated (rule, ID) key, one new. File 2: IDs 0..10, all repeats.
    let big = IDS_A_TASK * 5 / 2;
    let ids = [(0..1000).collect::<Vec<u64>>(), (500..500 + big as u64).collect(), (0..10).collect()];
    let keys = [vec![Some((1, 600))], vec![Some((1, 600)), Some((1, 700))], vec![]];
    let alerts = |n: usize| (0..n).map(|i| alert(&format!("e{i}"), "a")).collect::<Vec<_>>();
    let mut settle = Settle::default();
    // The later files arrive first: nothing settles until file 0 is in.
    for id in [2, 1, 0] {
        settle.waiting.insert(id, Scanned::new(result(), alerts(keys[id].len()), ids[id].clone(), keys[id].clone()));
    }
    let mut settled = Vec::new();
    let mut calls = 0;
    loop {
        let (ready, more) = settle.ready(false);
        calls += 1;
        settled.extend(ready);
        if !more {
            break;
        }
    }
    assert_eq!(calls, 3, "2.5 tasks' worth of IDs (and a thousand before them) take three");
    assert_eq!(settled.iter().map(|(id, _, _)| *id).collect::<Vec<_>>(), vec![0, 1, 2]);
    let mut whole = Dedup::default();
    for (id, result, kept) in &settled {
        let (duplicates, expected) = whole.settle(&ids[*id], alerts(keys[*id].len()).into_iter().zip(keys[*id].clone()));
        assert_eq!((result.duplicates, result.alerts, kept.len()), (duplicates, expected.len(), expected.len()), "file {id}");
    }
    assert_eq!(settled.iter().map(|(_, r, _)| r.duplicates).collect::<Vec<_>>(), vec![0, 500, 10]);
    assert_eq!(settled.iter().map(|(_, r, _)| r.alerts).collect::<Vec<_>>(), vec![1, 1, 0]);
    assert_eq!(settle.next, 3);
}
