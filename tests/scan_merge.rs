//! Files scanned apart (by the page's workers, by the CLI's threads) settle in file order through
//! `scan::Merge`: a big file's `eventID`s are counted a budget at a time, with the outcome of
//! counting them at once, and the alerts of the next file to settle are released as they arrive, in
//! order.

#[path = "web_support/mod.rs"]
mod support;

use support::alert;
use trailhound_app::messages::unscanned;
use trailhound_engine::alert::TextAlert;
use trailhound_engine::input::FileStatus;
use trailhound_engine::scan::{Dedup, FileScan, Merge};

/// The most `eventID`s the page counts in one task.
const IDS_A_TASK: usize = 100_000;

fn scanned(ids: Vec<u64>) -> FileScan {
    FileScan { ids, ..FileScan::of(unscanned("a.json", 10, FileStatus::Scanned)) }
}

/// Files scanned apart settle in file order; a big file's IDs are counted a task's worth at a time,
/// and the outcome is what settling it at once gives.
#[test]
fn a_big_file_settles_a_task_at_a_time_with_the_same_outcome() {
    // File 0: IDs 0..1000. File 1 (big): IDs 500..(500 + 2.5 tasks), so 500 repeat file 0's, with
    // two alerts: one on a repeated (rule, ID) key, one new. File 2: IDs 0..10, all repeats.
    let big = IDS_A_TASK * 5 / 2;
    let ids = [(0..1000).collect::<Vec<u64>>(), (500..500 + big as u64).collect(), (0..10).collect()];
    let keys = [vec![Some((1, 600))], vec![Some((1, 600)), Some((1, 700))], vec![]];
    let alerts = |n: usize| (0..n).map(|i| alert(&format!("e{i}"), "a")).collect::<Vec<_>>();
    let mut merge = Merge::new();
    // The later files arrive first: nothing settles until file 0 is in.
    for id in [2, 1, 0] {
        merge.push(id, scanned(ids[id].clone()), alerts(keys[id].len()).into_iter().zip(keys[id].clone()));
    }
    let mut settled = Vec::new();
    let mut calls = 0;
    loop {
        let (ready, more) = merge.settle(IDS_A_TASK);
        calls += 1;
        settled.extend(ready);
        if !more {
            break;
        }
    }
    assert_eq!(calls, 3, "2.5 tasks' worth of IDs (and a thousand before them) take three");
    assert_eq!(settled.iter().map(|s| s.file).collect::<Vec<_>>(), vec![0, 1, 2]);
    let mut whole = Dedup::default();
    for s in &settled {
        let id = s.file;
        let (duplicates, expected) = whole.settle(&ids[id], alerts(keys[id].len()).into_iter().zip(keys[id].clone()));
        assert_eq!((s.report.duplicates, s.report.alerts, s.alerts.len()), (duplicates, expected.len(), expected.len()), "file {id}");
    }
    assert_eq!(settled.iter().map(|s| s.report.duplicates).collect::<Vec<_>>(), vec![0, 500, 10]);
    assert_eq!(settled.iter().map(|s| s.report.alerts).collect::<Vec<_>>(), vec![1, 1, 0]);
    assert_eq!(merge.next(), 3);
}

/// Alert parts of the next file to settle are released as they come; a later file's wait for its
/// turn and then go out in the order they came; a file's count includes what was released.
#[test]
fn alerts_of_the_next_file_are_released_as_they_come() {
    let part = |merge: &mut Merge<TextAlert>, id: usize, events: &[&str], keys: &[u64]| {
        merge.alerts(id, events.iter().map(|e| alert(e, "a")).zip(keys.iter().map(|k| Some((1, *k)))))
    };
    let ids = |released: &[TextAlert]| released.iter().map(|a| a.event.event_id.clone().unwrap()).collect::<Vec<_>>();
    let mut merge = Merge::new();
    // File 1's part comes while file 0 is still scanning: it waits.
    assert!(part(&mut merge, 1, &["b1", "b2"], &[11, 12]).is_empty());
    // File 0 is next: its part goes out at once, a repeat of its own key dropped.
    assert_eq!(ids(&part(&mut merge, 0, &["a1", "a1-again"], &[1, 1])), ["a1"]);
    merge.push(0, scanned(vec![]), [(alert("a2", "a"), Some((1, 2)))]);
    let (ready, more) = merge.settle(IDS_A_TASK);
    assert!(!more);
    assert_eq!(ready.iter().map(|s| (s.file, s.report.alerts, s.alerts.len())).collect::<Vec<_>>(), [(0, 2, 1)]);
    // File 1 is next now: the part that waited goes out first, then the new one; a key file 0
    // alerted on is not new.
    assert_eq!(ids(&part(&mut merge, 1, &["b3", "dup-of-a1"], &[13, 1])), ["b1", "b2", "b3"]);
    merge.push(1, scanned(vec![]), [(alert("b4", "a"), Some((1, 14)))]);
    let (ready, _) = merge.settle(IDS_A_TASK);
    assert_eq!(ready.iter().map(|s| (s.file, s.report.alerts, s.alerts.len())).collect::<Vec<_>>(), [(1, 4, 1)]);
}
