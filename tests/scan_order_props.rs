//! Results never depend on how the work is split: the same records, cut into files at any places
//! and those files settled in any order of arrival (as threads and workers finish them), give the
//! alerts, the totals and the duplicates that one file holding every record gives.

use proptest::prelude::*;
use trailhound_engine::alert::Alert;
use trailhound_engine::rules::RuleSet;
use trailhound_engine::scan::{IdKey, Merge, Scanner, Source, Summary};
use trailhound_testkit::hostile::alerting_record;

/// Record `n` of a generated stream: `id` picks its `eventID` (equal ids are duplicates), and it
/// alerts unless `quiet`.
fn record(id: usize, quiet: bool) -> String {
    let record = alerting_record(id);
    if quiet { record.replace("DeleteBucketPolicy", "GetBucketPolicy") } else { record }
}

/// Scans `files` (NDJSON text each) on their own, hands them to one merge in `arrival` order, and
/// gives the alerts' (event ID, file) in settled order with the totals.
fn scan(scanner: &Scanner, files: &[String], arrival: &[usize]) -> (Vec<String>, Summary) {
    let mut merge: Merge<Alert> = Merge::new();
    for &file in arrival {
        let mut raised = Vec::new();
        let scan = scanner.scan(&format!("f{file}.ndjson"), Source::bytes(files[file].as_bytes()), &mut raised);
        merge.push(file, scan, raised);
    }
    let mut summary = Summary::default();
    let mut alerts = Vec::new();
    for settled in merge.settle(usize::MAX).0 {
        summary.add(&settled.report);
        alerts.extend(settled.alerts.into_iter().map(|a| a.event.event_id.unwrap_or_default()));
    }
    (alerts, summary)
}

/// Totals that do not name files.
fn totals(s: &Summary) -> [usize; 6] {
    [s.files_failed, s.records, s.scanned, s.record_errors, s.duplicates, s.alerts]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_split_and_any_arrival_order_give_the_same_outcome(
        records in prop::collection::vec((0usize..12, any::<bool>()), 1..40),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        order in any::<prop::sample::Index>(),
    ) {
        let scanner = Scanner::new(RuleSet::builtin().enabled().cloned()).with_id_key(IdKey(1, 2));
        let lines: Vec<String> = records.iter().map(|&(id, quiet)| record(id, quiet)).collect();
        let (whole, whole_summary) = scan(&scanner, &[lines.join("\n")], &[0]);

        // Cut the records into files of at least one record each, at the chosen places, arriving
        // in a rotated (maybe reversed) order.
        let (files, arrival) = trailhound_testkit::split(&lines, cuts.iter().map(|c| c.index(lines.len())), order.index(lines.len()));
        let n = files.len();
        let (split, split_summary) = scan(&scanner, &files, &arrival);
        prop_assert_eq!(&split, &whole);
        prop_assert_eq!(totals(&split_summary), totals(&whole_summary));
        prop_assert_eq!(split_summary.files_scanned, n);
        // Each event alerts once, however often it is delivered.
        let mut unique = whole.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), whole.len());
    }
}
