//! The alerts the table shows: filters, sorting and grouping applied to the scan's alerts, as a flat
//! list of group headers and alert indices (so the table can render only the visible rows).
//!
//! Yew-free and pure; tested natively.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use trailhound_engine::Severity;
use trailhound_engine::TextAlert;

/// A sortable column of the alerts table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Time,
    Severity,
    Rule,
    Action,
    Actor,
    SourceIp,
    Account,
    Bucket,
}

impl Column {
    pub const ALL: [Column; 8] =
        [Column::Time, Column::Severity, Column::Rule, Column::Action, Column::Actor, Column::SourceIp, Column::Account, Column::Bucket];

    pub fn label(self) -> &'static str {
        match self {
            Column::Time => "Time (UTC)",
            Column::Severity => "Severity",
            Column::Rule => "Rule",
            Column::Action => "Action",
            Column::Actor => "Actor",
            Column::SourceIp => "Source IP",
            Column::Account => "Account / region",
            Column::Bucket => "Bucket",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Column::Time => "time",
            Column::Severity => "severity",
            Column::Rule => "rule",
            Column::Action => "action",
            Column::Actor => "actor",
            Column::SourceIp => "source-ip",
            Column::Account => "account",
            Column::Bucket => "bucket",
        }
    }
}

/// The sort order: a column and whether it is descending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub column: Column,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort { column: Column::Time, descending: false }
    }
}

/// How rows are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    None,
    Rule,
    Actor,
}

/// The filters of the alerts table; `None` means any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub text: String,
    pub severity: Option<Severity>,
    pub rule: Option<String>,
    pub actor: Option<String>,
    pub account: Option<String>,
    /// An ATT&CK technique id (`T1562`): alerts of rules that name it.
    pub technique: Option<String>,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    pub fn accepts(&self, alert: &TextAlert) -> bool {
        let e = &alert.event;
        if self.severity.is_some_and(|s| s != alert.rule.severity)
            || self.rule.as_ref().is_some_and(|r| *r != alert.rule.name)
            || self.actor.as_ref().is_some_and(|a| Some(a.as_str()) != e.actor())
            || self.account.as_ref().is_some_and(|a| Some(a) != e.account_id.as_ref())
            || self.technique.as_ref().is_some_and(|t| !alert.rule.techniques.iter().any(|m| m.id == *t))
        {
            return false;
        }
        let needle = self.text.trim().to_lowercase();
        if needle.is_empty() {
            return true;
        }
        let haystack = [
            Some(&alert.rule.name),
            e.event_id.as_ref(),
            e.action.as_ref(),
            e.user_name.as_ref(),
            e.identity_arn.as_ref(),
            e.access_key_id.as_ref(),
            e.source_ip.as_ref(),
            e.source_address.as_ref(),
            e.user_agent.as_ref(),
            e.account_id.as_ref(),
            e.region.as_ref(),
            e.bucket.as_ref(),
            Some(&alert.origin.file),
        ];
        needle.split_whitespace().all(|word| haystack.iter().flatten().any(|field| field.to_lowercase().contains(word)))
    }
}

/// The text of `column` for `alert` (what the cell shows and what sorting compares).
pub fn cell(alert: &TextAlert, column: Column) -> String {
    cell_text(alert, column).into_owned()
}

/// [`cell`] without a copy where the alert holds the text as it is shown: sorting compares these,
/// and a sort that allocated two strings a comparison took most of a long scan's page time.
fn cell_text(alert: &TextAlert, column: Column) -> Cow<'_, str> {
    let e = &alert.event;
    fn text(v: &Option<String>) -> Cow<'_, str> {
        Cow::Borrowed(v.as_deref().unwrap_or_default())
    }
    match column {
        Column::Time => text(&e.timestamp),
        Column::Severity => Cow::Owned(alert.rule.severity.to_string()),
        Column::Rule => Cow::Borrowed(&alert.rule.name),
        Column::Action => text(&e.action),
        Column::Actor => Cow::Borrowed(e.actor().unwrap_or_default()),
        Column::SourceIp => Cow::Borrowed(e.source_ip.as_deref().or(e.source_address.as_deref()).unwrap_or_default()),
        Column::Account => match (&e.account_id, &e.region) {
            (Some(a), Some(r)) => Cow::Owned(format!("{a} / {r}")),
            (Some(a), None) => Cow::Borrowed(a),
            (None, Some(r)) => Cow::Borrowed(r),
            (None, None) => Cow::Borrowed(""),
        },
        Column::Bucket => text(&e.bucket),
    }
}

fn compare(a: &TextAlert, b: &TextAlert, column: Column) -> Ordering {
    match column {
        Column::Severity => a.rule.severity.cmp(&b.rule.severity).then(a.rule.risk_score.cmp(&b.rule.risk_score)),
        column => cell_text(a, column).cmp(&cell_text(b, column)),
    }
}

/// One line of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// A group header: its key, its number of alerts, whether it is collapsed.
    Group { key: String, count: usize, collapsed: bool },
    /// An alert, by index into the scan's alerts.
    Alert(usize),
}

/// Builds the table's rows from `alerts`, skipping the `hidden` ones (suppressed by an exception).
pub fn rows(
    alerts: &[impl AsRef<TextAlert>],
    hidden: &dyn Fn(usize) -> bool,
    filter: &Filter,
    sort: Sort,
    grouping: Grouping,
    collapsed: &BTreeSet<String>,
) -> Vec<Row> {
    let mut indices: Vec<usize> = (0..alerts.len()).filter(|&i| !hidden(i) && filter.accepts(alerts[i].as_ref())).collect();
    indices.sort_by(|&i, &j| {
        let order = compare(alerts[i].as_ref(), alerts[j].as_ref(), sort.column).then(i.cmp(&j));
        if sort.descending { order.reverse() } else { order }
    });
    let key = |alert: &TextAlert| match grouping {
        Grouping::None => String::new(),
        Grouping::Rule => alert.rule.name.clone(),
        Grouping::Actor => alert.event.actor().unwrap_or("(unknown actor)").to_string(),
    };
    if grouping == Grouping::None {
        return indices.into_iter().map(Row::Alert).collect();
    }
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for i in indices {
        groups.entry(key(alerts[i].as_ref())).or_default().push(i);
    }
    let mut groups: Vec<(String, Vec<usize>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    for (key, members) in groups {
        let collapsed = collapsed.contains(&key);
        out.push(Row::Group { key, count: members.len(), collapsed });
        if !collapsed {
            out.extend(members.into_iter().map(Row::Alert));
        }
    }
    out
}

/// The alert indices among `rows`, in order (what an export of the filtered view writes).
pub fn alert_indices(rows: &[Row]) -> Vec<usize> {
    rows.iter().filter_map(|r| if let Row::Alert(i) = r { Some(*i) } else { None }).collect()
}

/// The window of rows to render for a scroll position: (first, last) with a margin, clamped.
pub fn visible_window(total: usize, scroll_top: f64, viewport: f64, row_height: f64, margin: usize) -> (usize, usize) {
    if total == 0 || row_height <= 0.0 {
        return (0, 0);
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let count = (viewport.max(row_height) / row_height).ceil() as usize;
    let start = first.saturating_sub(margin).min(total);
    let end = (first + count + margin).min(total);
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use trailhound_engine::{EventSummary, JsonText, Origin, RuleRef, RuleType};

    pub(crate) fn alert(rule: &str, severity: Severity, actor: &str, time: &str, ip: &str) -> TextAlert {
        TextAlert {
            rule: RuleRef {
                rule_id: rule.to_lowercase(),
                name: rule.into(),
                severity,
                risk_score: 21,
                version: Some(1),
                rule_type: RuleType::Query,
                tags: vec![],
                tactics: vec![],
                techniques: vec![],
            },
            event: EventSummary {
                timestamp: Some(time.into()),
                event_id: Some(format!("{rule}-{time}")),
                user_name: Some(actor.into()),
                source_ip: Some(ip.into()),
                account_id: Some("111122223333".into()),
                ..EventSummary::default()
            },
            origin: Origin { file: "a.json".into(), record: 0 },
            document: JsonText::of(&serde_json::json!({})),
            original: None,
            detail: None,
        }
    }

    struct A(TextAlert);
    impl AsRef<TextAlert> for A {
        fn as_ref(&self) -> &TextAlert {
            &self.0
        }
    }

    fn sample() -> Vec<A> {
        vec![
            A(alert("Bucket", Severity::Low, "alice", "2026-03-02T03:00:00Z", "198.51.100.1")),
            A(alert("Trail", Severity::High, "bob", "2026-03-02T01:00:00Z", "203.0.113.9")),
            A(alert("Bucket", Severity::Low, "bob", "2026-03-02T02:00:00Z", "198.51.100.1")),
        ]
    }

    fn plain(alerts: &[A], filter: &Filter, sort: Sort) -> Vec<Row> {
        rows(alerts, &|_| false, filter, sort, Grouping::None, &BTreeSet::new())
    }

    #[test]
    fn sorts_by_any_column_both_ways() {
        let alerts = sample();
        let by_time = plain(&alerts, &Filter::default(), Sort::default());
        assert_eq!(by_time, [Row::Alert(1), Row::Alert(2), Row::Alert(0)]);
        let by_severity = plain(&alerts, &Filter::default(), Sort { column: Column::Severity, descending: true });
        assert_eq!(by_severity[0], Row::Alert(1));
    }

    #[test]
    fn filters_combine_text_and_facets() {
        let alerts = sample();
        let text = Filter { text: "BOB 198.51".into(), ..Filter::default() };
        assert_eq!(plain(&alerts, &text, Sort::default()), [Row::Alert(2)]);
        let severity = Filter { severity: Some(Severity::High), ..Filter::default() };
        assert_eq!(plain(&alerts, &severity, Sort::default()), [Row::Alert(1)]);
        let actor = Filter { actor: Some("alice".into()), ..Filter::default() };
        assert_eq!(plain(&alerts, &actor, Sort::default()), [Row::Alert(0)]);
        let hidden = rows(&alerts, &|i| i == 0, &Filter::default(), Sort::default(), Grouping::None, &BTreeSet::new());
        assert_eq!(hidden.len(), 2);
    }

    #[test]
    fn groups_largest_first_and_collapse() {
        let alerts = sample();
        let grouped = rows(&alerts, &|_| false, &Filter::default(), Sort::default(), Grouping::Rule, &BTreeSet::new());
        assert_eq!(grouped[0], Row::Group { key: "Bucket".into(), count: 2, collapsed: false });
        assert_eq!(grouped.len(), 5);
        let collapsed = BTreeSet::from(["Bucket".to_string()]);
        let grouped = rows(&alerts, &|_| false, &Filter::default(), Sort::default(), Grouping::Rule, &collapsed);
        assert_eq!(grouped.len(), 3);
        assert_eq!(alert_indices(&grouped), [1]);
    }

    #[test]
    fn the_window_covers_the_viewport_with_a_margin() {
        assert_eq!(visible_window(10_000, 3_200.0, 640.0, 32.0, 10), (90, 130));
        assert_eq!(visible_window(5, 0.0, 640.0, 32.0, 10), (0, 5));
        assert_eq!(visible_window(0, 0.0, 640.0, 32.0, 10), (0, 0));
    }
}
