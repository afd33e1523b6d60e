//! A rule's own example records, run through both stages of the scan as a scan of them would: the
//! proof every rule file carries (`trailhound rules --test`, and the built-in rules' test).

use crate::alert::Alert;
use crate::rules::{Example, Rule};
use crate::scan::{AlertKey, Scanner, Source};
use crate::stage::Options;
use std::fmt;

/// What one example gave.
#[derive(Debug)]
pub struct Outcome<'r> {
    pub rule: &'r Rule,
    pub example: &'r Example,
    /// Records read as records (an example's records are all meant to be).
    pub scanned: usize,
    /// Alerts raised by the scan and its second stage.
    pub alerts: usize,
}

impl Outcome<'_> {
    /// Whether every record was read and the rule alerted exactly when the example expects it.
    pub fn passed(&self) -> bool {
        self.scanned == self.example.events.len() && (self.alerts > 0) == self.example.expect_alert
    }
}

impl fmt::Display for Outcome<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (rule, example) = (&self.rule.name, &self.example.name);
        if self.scanned != self.example.events.len() {
            return write!(f, "{rule}: example \"{example}\": {} of its {} records were read", self.scanned, self.example.events.len());
        }
        let expected = if self.example.expect_alert { "an alert" } else { "no alert" };
        let verdict = if self.passed() { "passed" } else { "FAILED" };
        write!(f, "{rule}: example \"{example}\" {verdict}: expected {expected}, got {}", self.alerts)
    }
}

/// Runs each of the rule's examples on its own, as one file, through the first stage and the
/// second (with its default options, as `trailhound scan` decides).
pub fn run(rule: &Rule) -> Vec<Outcome<'_>> {
    rule.examples.iter().map(|example| run_one(rule, example)).collect()
}

fn run_one<'r>(rule: &'r Rule, example: &'r Example) -> Outcome<'r> {
    // The scanner runs every rule it is given, switched off or not.
    let scanner = Scanner::new([rule.clone()]);
    let bytes = serde_json::to_vec(&example.events).expect("JSON values serialise");
    let mut raised: Vec<(Alert, Option<AlertKey>)> = Vec::new();
    let scan = scanner.scan(&example.name, Source::bytes(&bytes), &mut raised);
    let mut second = scanner.second_stage(Options::default());
    second.add(0, scan.candidates);
    let (decided, _) = second.finish();
    Outcome { rule, example, scanned: scan.report.scanned, alerts: raised.len() + decided.len() }
}
