//! The benchmark corpus (`trailhound_testkit::corpus`) is what the benchmarks claim: the same bytes for the same
//! seed, about 1% S3 configuration deletions, and exactly the alerts it promises when scanned; its
//! synthetic rules load.

use trailhound_testkit::Serial;
use trailhound_testkit::corpus;

use trailhound_engine::rules::load_text;
use trailhound_engine::scan::Scanner;

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let a = corpus::Generator::new(7).file(200).json;
    let b = corpus::Generator::new(7).file(200).json;
    let c = corpus::Generator::new(8).file(200).json;
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn scanning_raises_exactly_the_promised_alerts() {
    let mut generator = corpus::Generator::new(1);
    let rules = trailhound_testkit::seed_rule();
    let mut scanner = Serial::new(Scanner::new(rules.enabled().cloned()));
    let (mut promised, mut records, mut alerts) = (0, 0, Vec::new());
    for i in 0..5 {
        let file = generator.file(1000);
        promised += file.alerts;
        records += file.records;
        let report = scanner.scan_file(&format!("f{i}.json"), &corpus::gzip(&file.json), &mut alerts);
        assert_eq!((report.records, report.scanned, report.duplicates), (1000, 1000, 0));
    }
    assert_eq!(alerts.len(), promised);
    // About 1% are deletions, nine in ten of them successful.
    assert!((30..=70).contains(&promised), "{promised} alerts in {records} records");
    let mean = corpus::Generator::new(1).file(1000).json.len() / 1000;
    assert!((900..=1800).contains(&mean), "records average {mean} bytes");
}

#[test]
fn the_synthetic_rules_load() {
    let mut set = trailhound_testkit::seed_rule();
    for (name, text) in corpus::synthetic_rules(49) {
        set.add(load_text(&name, &text));
    }
    assert!(set.problems.is_empty(), "{:?}", set.problems);
    assert_eq!(set.enabled().count(), 50);
}
