//! The app's state as plain data, and every change to it as an [`Action`] reduced by a pure function.
//!
//! Yew-free (the root component wraps [`State::reduce`] in `use_reducer`), so it is tested natively
//! with `cargo test`. Times come in with the actions (`now_ms`), never from a clock here.

use super::exceptions::{Compiled, Exception, first_suppressing};
use super::messages::{RuleConfig, unreadable, unscanned};
use super::view::{self, Column, Filter, Grouping, Row, Sort};
use std::collections::BTreeSet;
use std::rc::Rc;
use trailhound_engine::FileStatus;
use trailhound_engine::TextAlert;
use trailhound_engine::{FileReport, StageReport};
use trailhound_engine::{Rule, RuleSet, load_text};

mod model;
#[cfg(test)]
mod tests;

pub use model::{Action, FileEntry, FileSearch, FileState, Hunt, Phase, Progress, Queued, RuleEntry, Tab};
/// The whole app state.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub phase: Phase,
    pub progress: Progress,
    pub files: Vec<FileEntry>,
    pub alerts: Rc<Vec<Rc<TextAlert>>>,
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
    /// The events tab's query, and the search of the files for one the index cannot answer.
    pub hunt: Hunt,
    pub file_search: Option<FileSearch>,
    /// The events table's columns and sort.
    pub events_layout: crate::event_table::Layout,
    pub rules: Rc<Vec<RuleEntry>>,
    /// Rule files the user added (name, text).
    pub rule_files: Rc<Vec<(String, String)>>,
    /// What was not loaded, a group a kind and reason: errors, rules not supported yet, and rules
    /// for other logs than CloudTrail (Sigma rules for Windows, say: listed, not errors).
    pub rule_problems: Rc<Vec<trailhound_engine::rules::ProblemGroup>>,
    /// Rules several files hold: which file's copy is used, in words.
    pub rule_replacements: Vec<String>,
    /// Which rules the rules panel lists (and its bulk switches turn on or off).
    pub rule_filter: crate::rule_filter::RuleFilter,
    /// The rules panel's order.
    pub rule_sort: crate::rule_filter::RuleSort,
    /// A message for the error banner.
    pub error: Option<String>,
    /// Set when rules changed after alerts were produced: a rescan gives the new rules' alerts.
    pub rules_changed: bool,
    /// The alerts the second stage decided last (they are among `alerts`), and its report.
    pub decided: Vec<Rc<TextAlert>>,
    pub stage: Option<StageReport>,
    /// Every rule keeps `max_signals` a run; new terms rules learn their first history window.
    pub emulate_schedule: bool,
    pub learn_first_history: bool,
    /// The most MiB one record may take, when the user chose (else the engine's default).
    pub max_record_mib: Option<u32>,
    /// The GeoIP/ASN databases kept in the browser, one of a kind.
    pub geoip: Vec<crate::geoip::GeoIpInfo>,
    /// Inside a [`Action::Batch`]: `rows` is rebuilt once at its end, not after every action (a
    /// batch of results from a scan would otherwise sort every alert once per file).
    batching: bool,
    /// `rows` is out of date (set while batching).
    rows_stale: bool,
}

impl State {
    /// A fresh state with the built-in rules.
    pub fn new() -> State {
        let mut state = State::default();
        state.reload_rules(&RuleConfig::default());
        state
    }

    /// Applies `action`; the pure core of the app.
    pub fn reduce(mut self, action: Action) -> State {
        match action {
            Action::Batch(actions) => {
                let outer = std::mem::replace(&mut self.batching, true);
                let mut state = actions.into_iter().fold(self, State::reduce);
                state.batching = outer;
                if !outer && state.rows_stale {
                    state.refresh_rows();
                }
                return state;
            }
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
            Action::Alerts { alerts, now_ms, .. } => {
                self.progress.last_ms = Some(now_ms);
                self.add_alerts(alerts);
            }
            Action::FileDone { id, report, alerts, now_ms } => {
                self.finish(id, report);
                self.progress.last_ms = Some(now_ms);
                self.add_alerts(alerts);
                self.update_phase();
            }
            Action::ScannerMemory { bytes } => self.progress.scanner_memory = self.progress.scanner_memory.max(bytes),
            Action::Decided { alerts, report, now_ms } => {
                self.progress.last_ms = Some(now_ms);
                self.replace_decided(alerts);
                self.stage = Some(report);
            }
            Action::ToggleEmulateSchedule => {
                self.emulate_schedule = !self.emulate_schedule;
                self.mark_rules_changed();
            }
            Action::ToggleLearnFirstHistory => {
                self.learn_first_history = !self.learn_first_history;
                self.mark_rules_changed();
            }
            Action::AddGeoIp(info) => {
                self.geoip = crate::geoip::with(&self.geoip, info).0;
                self.mark_rules_changed();
            }
            Action::RemoveGeoIp(name) => {
                let before = self.geoip.len();
                self.geoip.retain(|g| g.name != name);
                if self.geoip.len() != before {
                    self.mark_rules_changed();
                }
            }
            Action::SetMaxRecordMib(mib) => {
                if mib != self.record_mib() {
                    self.max_record_mib = Some(mib.clamp(1, 64));
                    self.mark_rules_changed();
                }
            }
            Action::Cancel { now_ms } => {
                self.leave_unfinished("cancelled before it was scanned");
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
                    let (name, bytes) = self.file_mut(id).map_or((String::new(), 0), |f| (f.name.clone(), f.bytes));
                    self.finish(id, unreadable(&name, bytes, format!("the scanner stopped on this file: {message}")));
                }
                self.leave_unfinished(why);
                self.error =
                    Some(format!("The scanner stopped unexpectedly ({message}). Results so far are kept; drop files again or start over."));
                self.progress.last_ms = Some(now_ms);
                self.update_phase();
            }
            Action::Reset => {
                self.files.clear();
                self.hunt.mark = None;
                self.file_search = None;
                self.alerts = Rc::default();
                self.decided.clear();
                self.stage = None;
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
            Action::ShowTechnique(technique) => {
                self.set_filter(Filter { technique, ..self.filter.clone() });
                self.tab = Tab::Alerts;
            }
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
            Action::Hunt(hunt) => {
                self.hunt = hunt;
                self.tab = Tab::Events;
            }
            Action::FileSearch(search) => self.file_search = search,
            Action::EventsLayout(layout) => self.events_layout = layout,
            Action::AddException { rule_id, rule_name, matcher, comment } => {
                let id = self.exceptions.iter().map(|e| e.exception.id + 1).max().unwrap_or(1);
                self.exceptions.push(Compiled::new(Exception { id, rule_id, rule_name, matcher, comment }));
                // Only alerts no earlier exception suppresses can change: each such alert's
                // document is parsed at most once, and only if the new exception is for its rule.
                let added = &self.exceptions[self.exceptions.len() - 1..];
                for (alert, hit) in self.alerts.iter().zip(&mut self.suppressed) {
                    if hit.is_none() && first_suppressing(added, alert).is_some() {
                        *hit = Some(self.exceptions.len() - 1);
                    }
                }
                self.refresh_rows();
            }
            Action::RemoveException(id) => {
                let Some(removed) = self.exceptions.iter().position(|e| e.exception.id == id) else { return self };
                self.exceptions.remove(removed);
                // Only the alerts it suppressed are checked again; later exceptions move down one.
                for (alert, hit) in self.alerts.iter().zip(&mut self.suppressed) {
                    match *hit {
                        Some(i) if i == removed => *hit = first_suppressing(&self.exceptions, alert),
                        Some(i) if i > removed => *hit = Some(i - 1),
                        _ => {}
                    }
                }
                self.refresh_rows();
            }
            Action::LoadExceptions(list) => {
                self.exceptions = list.into_iter().map(Compiled::new).collect();
                self.recompute_suppression();
            }
            Action::ToggleShowSuppressed => {
                self.show_suppressed = !self.show_suppressed;
                self.refresh_rows();
            }
            Action::AddRuleFile { name, text } => return self.reduce(Action::AddRuleFiles(vec![(name, text)])),
            Action::AddRuleFiles(files) => {
                let before = self.running_rules();
                let kept = Rc::make_mut(&mut self.rule_files);
                for (name, text) in files {
                    kept.retain(|(n, _)| *n != name);
                    kept.push((name, text));
                }
                let switches = self.switches();
                self.reload_rules(&switches);
                if self.running_rules() != before {
                    self.mark_rules_changed();
                }
            }
            Action::RemoveRuleFile(name) => {
                let before = self.running_rules();
                Rc::make_mut(&mut self.rule_files).retain(|(n, _)| *n != name);
                let switches = self.switches();
                self.reload_rules(&switches);
                if self.running_rules() != before {
                    self.mark_rules_changed();
                }
            }
            Action::FilterRules(filter) => self.rule_filter = filter,
            Action::SortRules(column) => self.rule_sort = crate::rule_filter::next_sort(self.rule_sort, column),
            Action::SetListedRules(enabled) => {
                let filter = self.rule_filter.clone();
                let mut changed = false;
                for entry in Rc::make_mut(&mut self.rules).iter_mut().filter(|e| filter.matches(e) && e.enabled != enabled) {
                    entry.enabled = enabled;
                    changed = true;
                }
                if changed {
                    self.mark_rules_changed();
                }
            }
            Action::ToggleRule(rule_id) => {
                if let Some(entry) = Rc::make_mut(&mut self.rules).iter_mut().find(|r| r.rule.rule_id == rule_id) {
                    entry.enabled = !entry.enabled;
                    self.mark_rules_changed();
                }
            }
            Action::LoadRuleConfig(config) => {
                self.rule_files = Rc::new(config.files);
                self.emulate_schedule = config.emulate_schedule;
                self.learn_first_history = config.learn_first_history;
                self.max_record_mib = Some(config.max_record_mib.clamp(1, 64));
                self.geoip = config.geoip;
                self.reload_rules(&RuleConfig { disabled: config.disabled, enabled: config.enabled, ..RuleConfig::default() });
            }
        }
        self
    }

    /// The rules a worker should scan with.
    pub fn rule_config(&self) -> RuleConfig {
        RuleConfig {
            files: self.rule_files.to_vec(),
            disabled: self.disabled_rules(),
            enabled: self.enabled_rules(),
            emulate_schedule: self.emulate_schedule,
            learn_first_history: self.learn_first_history,
            max_record_mib: self.record_mib(),
            geoip: self.geoip.clone(),
        }
    }

    /// The most MiB one record may take.
    pub fn record_mib(&self) -> u32 {
        self.max_record_mib.unwrap_or_else(crate::messages::default_record_mib)
    }

    /// The alert at `index`.
    pub fn alert(&self, index: usize) -> Option<&TextAlert> {
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
    pub fn visible_alerts(&self) -> Vec<&TextAlert> {
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

    fn finish(&mut self, id: usize, report: FileReport) {
        let Some(file) = self.file_mut(id) else { return };
        if matches!(file.state, FileState::Finished(_)) {
            return;
        }
        let read = match file.state {
            FileState::Reading { bytes } => bytes,
            _ => 0,
        };
        let (size, records) = (file.bytes, report.records);
        file.state = FileState::Finished(report);
        self.progress.files_done += 1;
        self.progress.bytes_done += size.saturating_sub(read);
        self.progress.records += records;
    }

    /// Every file not finished is left out (skipped), saying why.
    fn leave_unfinished(&mut self, reason: &str) {
        let open: Vec<(usize, String, u64)> =
            self.files.iter().filter(|f| !matches!(f.state, FileState::Finished(_))).map(|f| (f.id, f.name.clone(), f.bytes)).collect();
        for (id, name, bytes) in open {
            self.finish(id, unscanned(&name, bytes, FileStatus::Skipped(reason.to_string())));
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

    /// Adds settled alerts (each checked against the exceptions) and rebuilds the table's rows.
    fn add_alerts(&mut self, alerts: Vec<TextAlert>) {
        if alerts.is_empty() {
            return;
        }
        let start = self.alerts.len();
        Rc::make_mut(&mut self.alerts).extend(alerts.into_iter().map(Rc::new));
        for alert in &self.alerts[start..] {
            let hit = first_suppressing(&self.exceptions, alert);
            self.suppressed.push(hit);
        }
        self.refresh_rows();
    }

    /// The second stage's new alerts in place of those it decided before (the selection is
    /// dropped if it was one of them).
    fn replace_decided(&mut self, alerts: Vec<TextAlert>) {
        let before: BTreeSet<*const TextAlert> = self.decided.iter().map(Rc::as_ptr).collect();
        if !before.is_empty() {
            let old = |a: &Rc<TextAlert>| before.contains(&Rc::as_ptr(a));
            if self.selected.and_then(|i| self.alerts.get(i)).is_some_and(old) {
                self.selected = None;
            }
            let kept: Vec<(Rc<TextAlert>, Option<usize>)> =
                self.alerts.iter().cloned().zip(self.suppressed.iter().copied()).filter(|(a, _)| !old(a)).collect();
            if let Some(selected) = self.selected {
                // Alerts before the selection may have gone: find it again.
                let at = self.alerts[selected].clone();
                self.selected = kept.iter().position(|(a, _)| Rc::ptr_eq(a, &at));
            }
            let (alerts, suppressed): (Vec<_>, Vec<_>) = kept.into_iter().unzip();
            self.alerts = Rc::new(alerts);
            self.suppressed = suppressed;
        }
        let (start, none) = (self.alerts.len(), alerts.is_empty());
        // Adding alerts refreshes the rows; with none to add, the removal still must.
        self.add_alerts(alerts);
        self.decided = self.alerts[start..].to_vec();
        if none {
            self.refresh_rows();
        }
    }

    fn refresh_rows(&mut self) {
        self.rows_stale = self.batching;
        if self.batching {
            return;
        }
        let show = self.show_suppressed;
        let suppressed = &self.suppressed;
        let hidden = |i: usize| !show && suppressed.get(i).is_some_and(Option::is_some);
        self.rows = Rc::new(view::rows(&self.alerts, &hidden, &self.filter, self.sort, self.grouping, &self.collapsed));
    }

    fn recompute_suppression(&mut self) {
        self.suppressed = self.alerts.iter().map(|a| first_suppressing(&self.exceptions, a)).collect();
        self.refresh_rows();
    }

    /// The rules on as loaded that the user switched off.
    fn disabled_rules(&self) -> Vec<String> {
        self.rules.iter().filter(|r| !r.enabled && r.rule.enabled).map(|r| r.rule.rule_id.clone()).collect()
    }

    /// The rules off as loaded that the user switched on.
    fn enabled_rules(&self) -> Vec<String> {
        self.rules.iter().filter(|r| r.enabled && !r.rule.enabled).map(|r| r.rule.rule_id.clone()).collect()
    }

    /// The switches as the user left them (see [`RuleConfig::runs`]).
    fn switches(&self) -> RuleConfig {
        RuleConfig { disabled: self.disabled_rules(), enabled: self.enabled_rules(), ..RuleConfig::default() }
    }

    fn reload_rules(&mut self, switches: &RuleConfig) {
        let set = load_rules(&self.rule_files);
        self.rule_problems = Rc::new(set.inventory().not_loaded);
        // Built in: the copy in use is the shipped one (a user's file may hold a copy that replaced it).
        let builtin = trailhound_engine::rules::BUILTIN_FILES.iter().map(|(name, _)| format!("rules/{name}")).collect::<BTreeSet<_>>();
        self.rules = Rc::new(
            set.rules
                .into_iter()
                .map(|rule| RuleEntry { enabled: switches.runs(&rule), builtin: builtin.contains(&rule.source), rule })
                .collect(),
        );
        self.rule_replacements = set.replaced.iter().map(ToString::to_string).collect();
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

/// The built-in rules plus the user's rule files, every problem, and which copy is used of a rule
/// several files hold. Shared by the page (to list rules) and the worker (to scan with them).
pub fn load_rules(files: &[(String, String)]) -> RuleSet {
    let mut set = RuleSet::builtin();
    for (name, text) in files {
        set.add(load_text(name, text));
    }
    set
}
