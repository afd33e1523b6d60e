//! The state's parts as plain data (files, rules, progress, where the scan is) and [`Action`],
//! every change the page can make to it.

use crate::exceptions::{Exception, Matcher};
use crate::messages::RuleConfig;
use crate::view::{Column, Grouping};
use trailhound_engine::TextAlert;
use trailhound_engine::{FileReport, StageReport};
use trailhound_engine::{Rule, Severity};

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
    Finished(FileReport),
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
            FileState::Finished(report) => report.status().as_str(),
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
    /// The loaded rules' ATT&CK coverage, with the scan's alerts.
    Attack,
    Exceptions,
    /// Every event the scan read: hunting and pivots.
    Events,
}

/// A search of the files themselves, for a query the event index cannot answer: how far it got,
/// and once every file answered, the matching rows (places in the index, in time order).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileSearch {
    pub query: String,
    pub done: usize,
    pub total: usize,
    pub places: Option<std::rc::Rc<Vec<usize>>>,
    /// Files that could not be searched, with why.
    pub errors: Vec<String>,
}

/// What the events tab shows: a KQL query over every event, maybe within a time window around
/// an alert, with that alert's event marked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hunt {
    pub query: String,
    /// The alert's time (milliseconds), when the search pivots from one.
    pub at: Option<i64>,
    /// How far either side of `at` to look, in milliseconds; `None`: all time.
    pub span: Option<i64>,
    /// The marked event: its file's name and its record.
    pub mark: Option<(String, usize)>,
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
    /// Alerts of a file still being scanned, settled already (the rest come with its `FileDone`).
    Alerts {
        id: usize,
        alerts: Vec<TextAlert>,
        now_ms: f64,
    },
    /// A worker's memory after a file.
    ScannerMemory {
        bytes: u64,
    },
    FileDone {
        id: usize,
        report: FileReport,
        alerts: Vec<TextAlert>,
        now_ms: f64,
    },
    /// The second stage decided the stateful rules over every file settled so far: its alerts
    /// replace those it decided before.
    Decided {
        alerts: Vec<TextAlert>,
        report: StageReport,
        now_ms: f64,
    },
    /// Switch `max_signals` per emulated run for every rule on or off.
    ToggleEmulateSchedule,
    /// Switch learning the first history window of new terms rules on or off.
    ToggleLearnFirstHistory,
    /// The most MiB one record may take (1 to 64).
    SetMaxRecordMib(u32),
    /// A GeoIP/ASN database was added (it replaces the one of its kind).
    AddGeoIp(crate::geoip::GeoIpInfo),
    /// A kept database is removed.
    RemoveGeoIp(String),
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
    /// Shows the alerts of rules naming this ATT&CK technique (an id such as `T1562`), on the alerts tab.
    ShowTechnique(Option<String>),
    ClearFilters,
    SortBy(Column),
    GroupBy(Grouping),
    ToggleGroup(String),
    Select(Option<usize>),
    SetTab(Tab),
    /// Show the events `hunt` finds, in the events tab.
    Hunt(Hunt),
    /// A search of the files went on, or ended (`None`: cancelled).
    FileSearch(Option<FileSearch>),
    /// The events table's columns or sort changed.
    EventsLayout(crate::event_table::Layout),
    AddException {
        rule_id: Option<String>,
        rule_name: Option<String>,
        matcher: Matcher,
        comment: String,
    },
    RemoveException(u64),
    LoadExceptions(Vec<Exception>),
    ToggleShowSuppressed,
    /// Rule files added at once (name, text): the rules load once for all of them.
    AddRuleFiles(Vec<(String, String)>),
    AddRuleFile {
        name: String,
        text: String,
    },
    RemoveRuleFile(String),
    ToggleRule(String),
    /// A click on the rules panel's `column` header.
    SortRules(crate::rule_filter::RuleColumn),
    /// Lists the rules this filter lets through in the rules panel.
    FilterRules(crate::rule_filter::RuleFilter),
    /// Turns every rule the panel lists (those the filter lets through) on or off.
    SetListedRules(bool),
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
    /// The most memory a scanning worker has held (its Wasm memory, which only grows), in bytes.
    pub scanner_memory: u64,
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
