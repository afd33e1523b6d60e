//! The scan loop: any bytes scanned with the built-in rules account for every record
//! (records = scanned + record errors), count every alert, and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use trailhound_engine::input::Limits;
use trailhound_engine::rules::RuleSet;
use trailhound_engine::scan::{Merge, Scanner, Source};

static RULES: LazyLock<RuleSet> = LazyLock::new(RuleSet::builtin);

fuzz_target!(|data: &[u8]| {
    let scanner = Scanner::new(RULES.enabled().cloned()).with_limits(Limits { max_inflated_bytes: 1 << 16, ..Limits::default() });
    let mut raised = Vec::new();
    let scan = scanner.scan("fuzz.json", Source::bytes(data), &mut raised);
    let mut merge = Merge::new();
    merge.push(0, scan, raised);
    let settled = merge.settle(usize::MAX).0.pop().expect("the one file settles");
    let (report, alerts) = (settled.report, settled.alerts);
    assert_eq!(report.records, report.scanned + report.record_errors, "records = scanned + errors");
    assert_eq!(report.alerts, alerts.len(), "every alert counted");
    assert!(report.errors.len() <= report.record_errors);
    for alert in &alerts {
        assert!(alert.origin.record < report.records, "an alert points at a record that was read");
    }
});
