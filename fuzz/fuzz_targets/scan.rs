//! The scan loop: any bytes scanned with the built-in rules account for every record
//! (records = scanned + record errors), count every alert, and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use trailhound_engine::input::Limits;
use trailhound_engine::rules::RuleSet;
use trailhound_engine::scan::Scanner;

static RULES: LazyLock<RuleSet> = LazyLock::new(RuleSet::builtin);

fuzz_target!(|data: &[u8]| {
    let mut scanner = Scanner::new(RULES.enabled()).with_limits(Limits { max_inflated_bytes: 1 << 16 });
    let mut alerts = Vec::new();
    let report = scanner.scan_file("fuzz.json", data, &mut alerts);
    assert_eq!(report.records, report.scanned + report.record_errors, "records = scanned + errors");
    assert_eq!(report.alerts, alerts.len(), "every alert counted");
    assert!(report.errors.len() <= report.record_errors);
    for alert in &alerts {
        assert!(alert.origin.record < report.records, "an alert points at a record that was read");
    }
});
