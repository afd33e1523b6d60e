//! Test and benchmark support shared across Trailhound's crates (dev-only): the deterministic
//! benchmark corpus, the fixture records, the hostile-input corpus and the input tests' helpers.
//! Nothing here ships: the engine, the CLI and the app never depend on it outside their tests.

pub mod corpus;
pub mod hostile;
pub mod input;
pub mod pairs;

/// The workspace root, where `tests/`, `rules/` and the fixtures are.
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// The seed rule's id: Elastic's "AWS S3 Bucket Configuration Deletion", the rule the benchmark
/// corpus promises alerts for.
pub const SEED_RULE_ID: &str = "227dc608-e558-43d9-b521-150772250bae";

/// The built-in seed rule alone (benchmarks compare against it across the project's history).
pub fn seed_rule() -> trailhound_engine::RuleSet {
    let mut set = trailhound_engine::RuleSet::builtin();
    set.rules.retain(|r| r.rule_id == SEED_RULE_ID);
    set
}

use serde::de::DeserializeOwned;
use trailhound_engine::alert::Alert;
use trailhound_engine::scan::{FileReport, Merge, Scanner, Source};
use trailhound_engine::stage::{Decider, Options, StageReport};

/// Files scanned one after another and settled in that order, as a scan of them in file order
/// does: what most tests want from the engine's one scan entry, its merge and its second stage.
pub struct Serial {
    pub scanner: Scanner,
    merge: Merge<Alert>,
    next: usize,
    second: Decider,
}

impl Serial {
    pub fn new(scanner: Scanner) -> Serial {
        Serial::with_options(scanner, Options::default())
    }

    /// A scan whose second stage decides with `options`.
    pub fn with_options(scanner: Scanner, options: Options) -> Serial {
        let second = scanner.second_stage(options);
        Serial { scanner, merge: Merge::new(), next: 0, second }
    }

    /// The second stage's alerts, after the files scanned, and its report.
    pub fn decide(self) -> (Vec<Alert>, StageReport) {
        let (alerts, report) = self.second.finish();
        (alerts.iter().map(|a| a.to_value().expect("the engine's own JSON")).collect(), report)
    }

    /// Scans the next file from `bytes`; pushes its alerts not raised before to `alerts`, and
    /// gives its report with duplicates counted.
    pub fn scan_file(&mut self, name: &str, bytes: &[u8], alerts: &mut Vec<Alert>) -> FileReport {
        let mut raised = Vec::new();
        let scan = self.scanner.scan(name, Source::bytes(bytes), &mut raised);
        self.merge.push(self.next, scan, raised);
        self.next += 1;
        let settled = self.merge.settle(usize::MAX).0.pop().expect("the file pushed is the next to settle");
        alerts.extend(settled.alerts);
        self.second.add(settled.file, settled.candidates);
        settled.report
    }
}

/// Every alert the files (name, bytes) raise, scanned in order through both stages with the
/// default options: the first stage's, then the second's.
pub fn alerts_of(scanner: Scanner, files: impl IntoIterator<Item = (String, Vec<u8>)>) -> Vec<Alert> {
    let mut serial = Serial::new(scanner);
    let mut alerts = Vec::new();
    for (name, bytes) in files {
        serial.scan_file(&name, &bytes, &mut alerts);
    }
    alerts.extend(serial.decide().0);
    alerts
}

/// A built-in rule's file name without `rules/` and `.toml` (how coverage and budgets name it).
pub fn rule_stem(rule: &trailhound_engine::Rule) -> &str {
    rule.source.trim_start_matches("rules/").trim_end_matches(".toml")
}

/// The `[[case]]` tables of a tests-as-data file (a path from the workspace root, e.g.
/// `tests/fixtures/kql/cases.toml`), each read as a `T`.
pub fn cases<T: DeserializeOwned>(path: &str) -> Vec<T> {
    #[derive(serde::Deserialize)]
    #[serde(bound = "T: DeserializeOwned")]
    struct File<T> {
        case: Vec<T>,
    }
    let full = format!("{ROOT}/{path}");
    let text = std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"));
    toml::from_str::<File<T>>(&text).unwrap_or_else(|e| panic!("{full}: {e}")).case
}

/// NDJSON `lines` cut into files of at least one line each at the places `cuts` (positions in
/// `lines`; 0 and repeats are ignored), and an order for them to arrive in: rotated by `turn`
/// (modulo the number of files), and reversed when that rotation is odd. What the
/// order-independence properties split work by.
pub fn split(lines: &[String], cuts: impl IntoIterator<Item = usize>, turn: usize) -> (Vec<String>, Vec<usize>) {
    let mut at: Vec<usize> = cuts.into_iter().filter(|&c| c > 0 && c < lines.len()).collect();
    at.sort_unstable();
    at.dedup();
    let mut files = Vec::new();
    let mut start = 0;
    for end in at.into_iter().chain([lines.len()]) {
        files.push(lines[start..end].join("\n"));
        start = end;
    }
    let n = files.len();
    let k = turn % n.max(1);
    let mut arrival: Vec<usize> = (0..n).map(|i| (i + k) % n).collect();
    if k % 2 == 1 {
        arrival.reverse();
    }
    (files, arrival)
}
