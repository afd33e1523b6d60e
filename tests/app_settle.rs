//! Files scanned apart by the page's workers settle in file order (`app::settle`): a big file's
//! `eventID`s are counted a task's worth at a time, with the outcome of counting them at once, and
//! the alerts of the next file to settle are released as they arrive, in order.

#[path = "web_support/mod.rs"]
mod support;

use support::alert;
use trailhound_app::messages::{FileResult, Outcome};
use trailhound_app::settle::{IDS_A_TASK, Parts, Scanned, Settle};
use trailhound_engine::scan::Dedup;

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
        let parts = Parts { alerts: alerts(keys[id].len()), keys: keys[id].clone(), ids: ids[id].clone(), released: 0 };
        settle.waiting.insert(id, Scanned::new(result(), parts));
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

/// Alert parts of the next file to settle are released as they come; a later file's wait for its
/// turn and then go out in the order they came; a file's count includes what was released.
#[test]
fn alerts_of_the_next_file_are_released_as_they_come() {
    let result = || FileResult { outcome: Outcome::Scanned, ..FileResult::unreadable(10, String::new()) };
    let part = |settle: &mut Settle, id: usize, events: &[&str], keys: &[u64]| {
        let parts = settle.parts.entry(id).or_default();
        parts.alerts.extend(events.iter().map(|e| alert(e, "a")));
        parts.keys.extend(keys.iter().map(|k| Some((1, *k))));
        settle.release(id)
    };
    let ids =
        |released: &[trailhound_engine::alert::TextAlert]| released.iter().map(|a| a.event.event_id.clone().unwrap()).collect::<Vec<_>>();
    let mut settle = Settle::default();
    // File 1's part comes while file 0 is still scanning: it waits.
    assert!(part(&mut settle, 1, &["b1", "b2"], &[11, 12]).is_empty());
    // File 0 is next: its part goes out at once, a repeat of its own key dropped.
    assert_eq!(ids(&part(&mut settle, 0, &["a1", "a1-again"], &[1, 1])), ["a1"]);
    let done0 = settle.parts.remove(&0).unwrap_or_default();
    settle.waiting.insert(0, Scanned::new(result(), Parts { alerts: vec![alert("a2", "a")], keys: vec![Some((1, 2))], ..done0 }));
    let (ready, more) = settle.ready(false);
    assert!(!more);
    assert_eq!(ready.iter().map(|(id, r, kept)| (*id, r.alerts, kept.len())).collect::<Vec<_>>(), [(0, 2, 1)]);
    // File 1 is next now: the part that waited goes out first, then the new one; a key file 0
    // alerted on is not new.
    assert_eq!(ids(&part(&mut settle, 1, &["b3", "dup-of-a1"], &[13, 1])), ["b1", "b2", "b3"]);
    let done1 = settle.parts.remove(&1).unwrap_or_default();
    settle.waiting.insert(1, Scanned::new(result(), Parts { alerts: vec![alert("b4", "a")], keys: vec![Some((1, 14))], ..done1 }));
    let (ready, _) = settle.ready(false);
    assert_eq!(ready.iter().map(|(id, r, kept)| (*id, r.alerts, kept.len())).collect::<Vec<_>>(), [(1, 4, 1)]);
}
