//! The app's state as plain data, and every change to it as an [`Action`] reduced by a pure function.
//!
//! Yew-free (the root component wraps [`State::reduce`] in `use_reducer`), so it is tested natively
//! with `cargo test`. Times come in with the actions (`now_ms`), never from a clock here.

use super::exceptions::{Compiled, Exception, Matcher};
use super::messages::{FileResult, Outcome, RuleConfig};
use super::view::{self, Column, Filter, Grouping, Row, Sort};
use crate::alert::Alert;
use crate::rules::{Rule, RuleSet, Severity, load_text};
use std::collections::BTreeSet;
use std::rc::Rc;

/// Where the scan is (`data-state` of the scan status).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Phase {
    #[default]
    Idle,
    Scanning,
    Done,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Idle => "idle",
            Phase::Scanning => "scanning",
            Phase::Done => "done",
        }
    }
}

/// Where one file is.
#[derive(Debug, Clone, PartialEq)]
pub enum FileState {
    Queued,
    Reading { bytes: u64 },
    Finished(FileResult),
}

/// One file handed to the scan.
#[derive(Debug, Clone, PartialEq)]
pub struct FileEntry {
    pub id: usize,
    /// The name, with its folder path when it came from a folder.
    pub name: String,
    pub bytes: u64,
    pub state: FileState,
}

impl FileEntry {
    /// `scanned` | `skipped` | `error`, or `queued` / `reading` before it is done.
    pub fn status(&self) -> &'static str {
        match &self.state {
            FileState::Queued => "queued",
            FileState::Reading { .. } => "reading",
            FileState::Finished(result) => result.outcome.as_str(),
        }
    }
}

/// A loaded rule and whether it is switched on.
#[derive(Debug, Clone)]
pub struct RuleEntry {
    pub rule: Rule,
    pub enabled: bool,
    pub builtin: bool,
}

/// The tabs of the main view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Alerts,
    Files,
    Rules,
    Exceptions,
}

/// A file queued for scanning, as the page names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Queued {
    pub id: usize,
    pub name: String,
    pub bytes: u64,
}

/// Every change to the state.
#[derive(Debug, Clone)]
pub enum Action {
    /// Several actions applied in order, at once (the page renders once for all of them).
    Batch(Vec<Action>),
    Queue {
        files: Vec<Queued>,
        now_ms: f64,
    },
    Reading {
        id: usize,
        bytes: u64,
        now_ms: f64,
    },
    FileDone {
        id: usize,
        result: FileResult,
        alerts: Vec<Alert>,
        now_ms: f64,
    },
    /// The user cancelled: files not finished are left out.
    Cancel {
        now_ms: f64,
    },
    /// The worker died (a panic or a load failure).
    WorkerFailed {
        message: String,
        now_ms: f64,
    },
    /// Forget files and alerts (keeps rules, exceptions and filters).
    Reset,
    /// Something failed that the user should know about (an export, the sample).
    Failed(String),
    DismissError,
    SetFilterText(String),
    SetSeverity(Option<Severity>),
    SetRuleFilter(Option<String>),
    SetActor(Option<String>),
    SetAccount(Option<String>),
    ClearFilters,
    SortBy(Column),
    GroupBy(Grouping),
    ToggleGroup(String),
    Select(Option<usize>),
    SetTab(Tab),
    AddException {
        rule_id: Option<String>,
        rule_name: Option<String>,
        matcher: Matcher,
        comment: String,
    },
    RemoveException(u64),
    LoadExceptions(Vec<Exception>),
    ToggleShowSuppressed,
    AddRuleFile {
        name: String,
        text: String,
    },
    RemoveRuleFile(String),
    ToggleRule(String),
    /// Restores the rule settings saved in the browser.
    LoadRuleConfig(RuleConfig),
}

/// Scan progress: files and bytes done of the total, and the rate.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Progress {
    pub files_total: usize,
    pub files_done: usize,
    pub bytes_total: u64,
    /// Bytes of finished files plus bytes read of files being read.
    pub bytes_done: u64,
    pub records: usize,
    /// When the rate's count started (a scan, or more files added to a finished one).
    pub started_ms: Option<f64>,
    /// Records already counted when the rate started.
    pub rate_base: usize,
    pub last_ms: Option<f64>,
}

impl Progress {
    /// Records per second since the scan started.
    pub fn records_per_second(&self) -> Option<f64> {
        let (start, last) = (self.started_ms?, self.last_ms?);
        let seconds = (last - start) / 1000.0;
        let records = self.records.saturating_sub(self.rate_base);
        (seconds > 0.0 && records > 0).then(|| records as f64 / seconds)
    }
}

/// The whole app state.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub phase: Phase,
    pub progress: Progress,
    pub files: Vec<FileEntry>,
    pub alerts: Rc<Vec<Rc<Alert>>>,
    /// For each alert, the index of the first exception that suppresses it.
    pub suppressed: Vec<Option<usize>>,
    pub exceptions: Vec<Compiled>,
    pub show_suppressed: bool,
    pub filter: Filter,
    pub sort: Sort,
    pub grouping: Grouping,
    pub collapsed: BTreeSet<String>,
    /// The table's rows for the current filters (recomputed when alerts or filters change).
    pub rows: Rc<Vec<Row>>,
    pub selected: Option<usize>,
    pub tab: Tab,
    pub rules: Vec<RuleEntry>,
    /// Rule files the user added (name, text).
    pub rule_files: Vec<(String, String)>,
    /// Why rules could not be loaded, one line each.
    pub rule_problems: Vec<String>,
    /// A message for the error banner.
    pub error: Option<String>,
    /// Set when rules changed after alerts were produced: a rescan gives the new rules' alerts.
    pub rules_changed: bool,
}

impl State {
    /// A fresh state with the built-in rules.
    pub fn new() -> State {
        let mut state = State::default();
        state.reload_rules(&[]);
        state
    }

    /// Applies `action`; the pure core of the app.
    pub fn reduce(mut self, action: Action) -> State {
        match action {
            Action::Batch(actions) => return actions.into_iter().fold(self, State::reduce),
            Action::Queue { files, now_ms } => {
                if self.phase != Phase::Scanning {
                    // A new scan, or files added to a finished one: the rate counts from now.
                    self.progress.started_ms = Some(now_ms);
                    self.progress.rate_base = self.progress.records;
                }
                for file in files {
                    self.progress.files_total += 1;
                    self.progress.bytes_total += file.bytes;
                    self.files.push(FileEntry { id: file.id, name: file.name, bytes: file.bytes, state: FileState::Queued });
                }
                self.progress.last_ms = Some(now_ms);
                self.update_phase();
            }
            Action::Reading { id, bytes, now_ms } => {
                if let Some(file) = self.file_mut(id)
                    && !matches!(file.state, FileState::Finished(_))
                {
                    let before = match file.state {
                        FileState::Reading { bytes } => bytes,
                        _ => 0,
                    };
                    file.state = FileState::Reading { bytes };
                    self.progress.bytes_done += bytes.saturating_sub(before);
                    self.progress.last_ms = Some(now_ms);
                }
            }
            Action::FileDone { id, result, alerts, now_ms } => {
                self.finish(id, result);
                self.progress.last_ms = Some(now_ms);
                if !alerts.is_empty() {
                    let start = self.alerts.len();
                    Rc::make_mut(&mut self.alerts).extend(alerts.into_iter().map(Rc::new));
                    for alert in &self.alerts[start..] {
                        let hit = self.exceptions.iter().position(|e| e.suppresses(alert));
                        self.suppressed.push(hit);
                    }
                    self.refresh_rows();
                }
                self.update_phase();
            }
            Action::Cancel { now_ms } => {
                self.leave_unfinished("cancelled before it was scanned", Outcome::Skipped);
                self.progress.last_ms = Some(now_ms);
                self.update_phase();
            }
            Action::WorkerFailed { message, now_ms } => {
                // The file being read when the worker died is the likely cause.
                let reading: Vec<usize> =
                    self.files.iter().filter(|f| matches!(f.state, FileState::Reading { .. })).map(|f| f.id).collect();
                let why = if reading.is_empty() {
                    "not scanned: the scanner stopped"
                } else {
                    "not scanned: the scanner stopped on another file"
                };
                for id in reading {
                    let bytes = self.file_mut(id).map_or(0, |f| f.bytes);
                    self.finish(id, FileResult::unreadable(bytes, format!("the scanner stopped on this file: {message}")));
                }
                self.leave_unfinished(why, Outcome::Skipped);
                self.error =
                    Some(format!("The scanner stopped unexpectedly ({message}). Results so far are kept; drop files again or start over."));
                self.progress.last_ms = Some(now_ms);
                self.update_phase();
            }
            Action::Reset => {
                self.files.clear();
                self.alerts = Rc::default();
                self.suppressed.clear();
                self.progress = Progress::default();
                self.selected = None;
                self.collapsed.clear();
                self.rules_changed = false;
                self.error = None;
                self.refresh_rows();
                self.update_phase();
            }
            Action::Failed(message) => self.error = Some(message),
            Action::DismissError => self.error = None,
            Action::SetFilterText(text) => self.set_filter(Filter { text, ..self.filter.clone() }),
            Action::SetSeverity(severity) => self.set_filter(Filter { severity, ..self.filter.clone() }),
            Action::SetRuleFilter(rule) => self.set_filter(Filter { rule, ..self.filter.clone() }),
            Action::SetActor(actor) => self.set_filter(Filter { actor, ..self.filter.clone() }),
            Action::SetAccount(account) => self.set_filter(Filter { account, ..self.filter.clone() }),
            Action::ClearFilters => self.set_filter(Filter::default()),
            Action::SortBy(column) => {
                self.sort = if self.sort.column == column {
                    Sort { column, descending: !self.sort.descending }
                } else {
                    Sort { column, descending: matches!(column, Column::Severity) }
                };
                self.refresh_rows();
            }
            Action::GroupBy(grouping) => {
                self.grouping = grouping;
                self.collapsed.clear();
                self.refresh_rows();
            }
            Action::ToggleGroup(key) => {
                if !self.collapsed.remove(&key) {
                    self.collapsed.insert(key);
                }
                self.refresh_rows();
            }
            Action::Select(selected) => self.selected = selected.filter(|&i| i < self.alerts.len()),
            Action::SetTab(tab) => self.tab = tab,
            Action::AddException { rule_id, rule_name, matcher, comment } => {
                let id = self.exceptions.iter().map(|e| e.exception.id + 1).max().unwrap_or(1);
                self.exceptions.push(Compiled::new(Exception { id, rule_id, rule_name, matcher, comment }));
                self.recompute_suppression();
            }
            Action::RemoveException(id) => {
                self.exceptions.retain(|e| e.exception.id != id);
                self.recompute_suppression();
            }
            Action::LoadExceptions(list) => {
                self.exceptions = list.into_iter().map(Compiled::new).collect();
                self.recompute_suppression();
            }
            Action::ToggleShowSuppressed => {
                self.show_suppressed = !self.show_suppressed;
                self.refresh_rows();
            }
            Action::AddRuleFile { name, text } => {
                let before = self.running_rules();
                self.rule_files.retain(|(n, _)| *n != name);
                self.rule_files.push((name, text));
                let disabled = self.disabled_rules();
                self.reload_rules(&disabled);
                if self.running_rules() != before {
                    self.mark_rules_changed();
                }
            }
            Action::RemoveRuleFile(name) => {
                let before = self.running_rules();
                self.rule_files.retain(|(n, _)| *n != name);
                let disabled = self.disabled_rules();
                self.reload_rules(&disabled);
                if self.running_rules() != before {
                    self.mark_rules_changed();
                }
            }
            Action::ToggleRule(rule_id) => {
                if let Some(entry) = self.rules.iter_mut().find(|r| r.rule.rule_id == rule_id) {
                    entry.enabled = !entry.enabled;
                    self.mark_rules_changed();
                }
            }
            Action::LoadRuleConfig(config) => {
                self.rule_files = config.files;
                self.reload_rules(&config.disabled);
            }
        }
        self
    }

    /// The rules a worker should scan with.
    pub fn rule_config(&self) -> RuleConfig {
        RuleConfig { files: self.rule_files.clone(), disabled: self.disabled_rules() }
    }

    /// The alert at `index`.
    pub fn alert(&self, index: usize) -> Option<&Alert> {
        self.alerts.get(index).map(|a| a.as_ref())
    }

    /// The loaded rule with this id.
    pub fn rule(&self, rule_id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.rule.rule_id == rule_id).map(|r| &r.rule)
    }

    /// How many alerts each exception suppresses, in the exceptions' order.
    pub fn suppression_counts(&self) -> Vec<usize> {
        let mut counts = vec![0; self.exceptions.len()];
        for index in self.suppressed.iter().flatten() {
            if let Some(count) = counts.get_mut(*index) {
                *count += 1;
            }
        }
        counts
    }

    /// Alerts not suppressed by any exception.
    pub fn active_alerts(&self) -> usize {
        self.suppressed.iter().filter(|s| s.is_none()).count()
    }

    /// The alerts of the current view (filters, exceptions), in table order.
    pub fn visible_alerts(&self) -> Vec<&Alert> {
        view::alert_indices(&self.rows).into_iter().filter_map(|i| self.alert(i)).collect()
    }

    /// Whether any file is still queued or being read.
    pub fn busy(&self) -> bool {
        self.files.iter().any(|f| !matches!(f.state, FileState::Finished(_)))
    }

    fn file_mut(&mut self, id: usize) -> Option<&mut FileEntry> {
        match self.files.get(id) {
            Some(file) if file.id == id => self.files.get_mut(id),
            _ => self.files.iter_mut().find(|f| f.id == id),
        }
    }

    fn finish(&mut self, id: usize, result: FileResult) {
        let Some(file) = self.file_mut(id) else { return };
        if matches!(file.state, FileState::Finished(_)) {
            return;
        }
        let read = match file.state {
            FileState::Reading { bytes } => bytes,
            _ => 0,
        };
        let (size, records) = (file.bytes, result.records);
        file.state = FileState::Finished(result);
        self.progress.files_done += 1;
        self.progress.bytes_done += size.saturating_sub(read);
        self.progress.records += records;
    }

    fn leave_unfinished(&mut self, reason: &str, outcome: Outcome) {
        let open: Vec<(usize, u64)> =
            self.files.iter().filter(|f| !matches!(f.state, FileState::Finished(_))).map(|f| (f.id, f.bytes)).collect();
        for (id, bytes) in open {
            self.finish(id, FileResult::not_scanned(bytes, reason, outcome));
        }
    }

    fn update_phase(&mut self) {
        self.phase = if self.files.is_empty() {
            Phase::Idle
        } else if self.busy() {
            Phase::Scanning
        } else {
            Phase::Done
        };
    }

    fn set_filter(&mut self, filter: Filter) {
        self.filter = filter;
        self.refresh_rows();
    }

    fn refresh_rows(&mut self) {
        let show = self.show_suppressed;
        let suppressed = &self.suppressed;
        let hidden = |i: usize| !show && suppressed.get(i).is_some_and(Option::is_some);
        self.rows = Rc::new(view::rows(&self.alerts, &hidden, &self.filter, self.sort, self.grouping, &self.collapsed));
    }

    fn recompute_suppression(&mut self) {
        self.suppressed = self.alerts.iter().map(|a| self.exceptions.iter().position(|e| e.suppresses(a))).collect();
        self.refresh_rows();
    }

    fn disabled_rules(&self) -> Vec<String> {
        self.rules.iter().filter(|r| !r.enabled).map(|r| r.rule.rule_id.clone()).collect()
    }

    fn reload_rules(&mut self, disabled: &[String]) {
        let (rules, problems) = load_rules(&self.rule_files);
        let builtin = RuleSet::builtin().rules.into_iter().map(|r| r.rule_id).collect::<BTreeSet<_>>();
        self.rules = rules
            .into_iter()
            .map(|rule| RuleEntry {
                enabled: rule.enabled && !disabled.contains(&rule.rule_id),
                builtin: builtin.contains(&rule.rule_id),
                rule,
            })
            .collect();
        self.rule_problems = problems;
    }

    fn mark_rules_changed(&mut self) {
        if !self.files.is_empty() {
            self.rules_changed = true;
        }
    }

    /// What the worker would run: (rule_id, version) of every enabled rule.
    fn running_rules(&self) -> Vec<(String, Option<u32>)> {
        self.rules.iter().filter(|r| r.enabled).map(|r| (r.rule.rule_id.clone(), r.rule.version)).collect()
    }
}

/// The built-in rules plus the user's rule files, and every problem, one line each. Shared by the
/// page (to list rules) and the worker (to scan with them).
pub fn load_rules(files: &[(String, String)]) -> (Vec<Rule>, Vec<String>) {
    let mut set = RuleSet::builtin();
    for (name, text) in files {
        set.add(load_text(name, text));
    }
    (set.rules, set.problems.iter().map(ToString::to_string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alert::{EventSummary, Origin, RuleRef};

    fn alert(id: &str, actor: &str) -> Alert {
        Alert {
            rule: RuleRef {
                rule_id: "r1".into(),
                name: "Rule one".into(),
                severity: Severity::Low,
                risk_score: 21,
                version: Some(1),
                tactics: vec![],
                techniques: vec![],
            },
            event: EventSummary {
                event_id: Some(id.into()),
                user_name: Some(actor.into()),
                timestamp: Some(format!("2026-03-02T03:00:0{id}Z")),
                ..EventSummary::default()
            },
            origin: Origin { file: "a.json".into(), record: 0 },
            document: serde_json::json!({"user": {"name": actor}, "event": {"id": id}}),
            original: None,
        }
    }

    fn scanned(records: usize, alerts: usize) -> FileResult {
        FileResult { outcome: Outcome::Scanned, records, scanned: records, alerts, ..FileResult::unreadable(100, String::new()) }
    }

    fn queue(state: State, names: &[&str]) -> State {
        let start = state.files.len();
        let files = names.iter().enumerate().map(|(i, n)| Queued { id: start + i, name: n.to_string(), bytes: 100 }).collect();
        state.reduce(Action::Queue { files, now_ms: 0.0 })
    }

    #[test]
    fn a_scan_goes_idle_scanning_done_and_counts_progress() {
        let state = State::default();
        assert_eq!(state.phase, Phase::Idle);
        let state = queue(state, &["a.json", "b.json"]);
        assert_eq!(state.phase, Phase::Scanning);
        assert_eq!((state.progress.files_total, state.progress.bytes_total), (2, 200));
        let state = state.reduce(Action::Reading { id: 0, bytes: 40, now_ms: 10.0 });
        assert_eq!(state.progress.bytes_done, 40);
        assert_eq!(state.files[0].status(), "reading");
        let state = state.reduce(Action::FileDone { id: 0, result: scanned(10, 1), alerts: vec![alert("1", "alice")], now_ms: 500.0 });
        assert_eq!((state.progress.bytes_done, state.progress.files_done), (100, 1));
        assert_eq!(state.progress.records_per_second(), Some(20.0));
        let state = state.reduce(Action::FileDone {
            id: 1,
            result: FileResult::unreadable(100, "line 1: not JSON".into()),
            alerts: vec![],
            now_ms: 600.0,
        });
        assert_eq!(state.phase, Phase::Done);
        assert_eq!(state.files[1].status(), "error");
        assert_eq!(state.rows.len(), 1);
    }

    #[test]
    fn more_files_join_a_running_scan_and_cancel_leaves_them_out() {
        let state = queue(State::default(), &["a.json"]);
        let state = queue(state, &["b.json", "c.json"]);
        assert_eq!(state.progress.files_total, 3);
        let state = state.reduce(Action::FileDone { id: 0, result: scanned(1, 0), alerts: vec![], now_ms: 1.0 });
        let state = state.reduce(Action::Cancel { now_ms: 2.0 });
        assert_eq!(state.phase, Phase::Done);
        assert_eq!(state.files.iter().map(FileEntry::status).collect::<Vec<_>>(), ["scanned", "skipped", "skipped"]);
        assert_eq!(state.progress.files_done, 3);
    }

    #[test]
    fn a_dead_worker_blames_the_file_it_was_reading() {
        let state = queue(State::default(), &["a.json", "b.json"]);
        let state = state.reduce(Action::Reading { id: 0, bytes: 1, now_ms: 1.0 });
        let state = state.reduce(Action::WorkerFailed { message: "panicked at x".into(), now_ms: 2.0 });
        assert_eq!(state.files[0].status(), "error");
        assert_eq!(state.files[1].status(), "skipped");
        assert!(state.error.as_deref().is_some_and(|e| e.contains("panicked at x")));
        assert_eq!(state.phase, Phase::Done);
    }

    #[test]
    fn exceptions_suppress_and_count_and_can_be_removed() {
        let state = queue(State::default(), &["a.json"]);
        let alerts = vec![alert("1", "alice"), alert("2", "terraform"), alert("3", "terraform")];
        let state = state.reduce(Action::FileDone { id: 0, result: scanned(3, 3), alerts, now_ms: 1.0 });
        let state = state.reduce(Action::AddException {
            rule_id: Some("r1".into()),
            rule_name: None,
            matcher: Matcher::Field { field: "user.name".into(), value: "terraform".into() },
            comment: String::new(),
        });
        assert_eq!(state.suppression_counts(), [2]);
        assert_eq!(state.active_alerts(), 1);
        assert_eq!(state.rows.len(), 1);
        let state = state.reduce(Action::ToggleShowSuppressed);
        assert_eq!(state.rows.len(), 3);
        let other_rule = state.clone().reduce(Action::AddException {
            rule_id: Some("other".into()),
            rule_name: None,
            matcher: Matcher::Field { field: "user.name".into(), value: "alice".into() },
            comment: String::new(),
        });
        assert_eq!(other_rule.suppression_counts(), [2, 0]);
        let id = state.exceptions[0].exception.id;
        let state = state.reduce(Action::RemoveException(id));
        assert_eq!(state.active_alerts(), 3);
    }

    #[test]
    fn filters_sort_and_select() {
        let state = queue(State::default(), &["a.json"]);
        let alerts = vec![alert("1", "alice"), alert("2", "bob")];
        let state = state.reduce(Action::FileDone { id: 0, result: scanned(2, 2), alerts, now_ms: 1.0 });
        let state = state.reduce(Action::SortBy(Column::Time));
        assert!(state.sort.descending, "the same column again reverses");
        assert_eq!(state.rows[0], Row::Alert(1));
        let state = state.reduce(Action::SetFilterText("alice".into()));
        assert_eq!(state.visible_alerts().len(), 1);
        let state = state.reduce(Action::Select(Some(7)));
        assert_eq!(state.selected, None, "no such alert");
        let state = state.reduce(Action::Select(Some(1))).reduce(Action::Reset);
        assert_eq!((state.selected, state.phase, state.rows.len()), (None, Phase::Idle, 0));
        assert_eq!(state.filter.text, "alice", "filters survive a reset");
    }

    #[test]
    fn rules_switch_off_and_rule_files_report_problems() {
        let state = State::new();
        assert!(!state.rules.is_empty());
        let id = state.rules[0].rule.rule_id.clone();
        let state = state.reduce(Action::ToggleRule(id.clone()));
        assert_eq!(state.rule_config().disabled, std::slice::from_ref(&id));
        let state = state.reduce(Action::AddRuleFile { name: "bad.toml".into(), text: "[rule]\nname = 3\n".into() });
        assert_eq!(state.rule_problems.len(), 1, "{:?}", state.rule_problems);
        assert!(state.rule_problems[0].starts_with("bad.toml"));
        assert_eq!(state.rule_config().disabled, [id], "switches survive a reload");
        let state = state.reduce(Action::RemoveRuleFile("bad.toml".into()));
        assert!(state.rule_problems.is_empty());
    }
}
