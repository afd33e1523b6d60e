//! The rules panel: loaded rules with their metadata and an on/off switch, rule files the user
//! added (Elastic TOML, Kibana NDJSON export, Sigma YAML) and every rule that failed to load, with why.

use crate::rule_filter::{RuleColumn, RuleFilter};
use crate::state::RuleEntry;
use trailhound_engine::ProblemKind;
use trailhound_engine::Rule;
use trailhound_engine::rules::{Kind, ProblemGroup};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// (rule_id, name, severity, risk, version, interval, from, tags, source, enabled, builtin)
    pub rules: Vec<RuleLine>,
    /// Their order, and a click on a sortable header.
    #[prop_or_default]
    pub sort: crate::rule_filter::RuleSort,
    #[prop_or_default]
    pub on_sort: Callback<crate::rule_filter::RuleColumn>,
    pub files: Vec<String>,
    /// What was not loaded, a group a kind and reason (rules for other logs are listed muted:
    /// nothing is wrong with them).
    pub problems: Vec<ProblemGroup>,
    /// Rules several files hold, and which copy is used.
    pub replaced: Vec<String>,
    pub rules_changed: bool,
    /// Every rule keeps `max_signals` a run; new terms rules learn their first history window.
    pub emulate_schedule: bool,
    pub learn_first_history: bool,
    pub on_toggle_emulate: Callback<()>,
    pub on_toggle_learn: Callback<()>,
    /// The most MiB one record may take, and its change.
    pub max_record_mib: u32,
    pub on_set_record_mib: Callback<u32>,
    pub on_toggle: Callback<String>,
    /// Rule files chosen (name, text), all at once.
    pub on_add_files: Callback<Vec<(String, String)>>,
    pub on_remove_file: Callback<String>,
    pub on_rescan: Callback<()>,
    /// How many rules are loaded (`rules` holds those the filter lists).
    #[prop_or_default]
    pub total: usize,
    #[prop_or_default]
    pub filter: RuleFilter,
    /// Where the loaded rules came from (`built in`, then each file), for the source filter.
    #[prop_or_default]
    pub sources: Vec<String>,
    #[prop_or_default]
    pub on_filter: Callback<RuleFilter>,
    /// Turn every listed rule on (`true`) or off.
    #[prop_or_default]
    pub on_set_listed: Callback<bool>,
}

/// One rule as the panel lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleLine {
    pub rule_id: String,
    pub name: String,
    pub severity: String,
    pub risk_score: u8,
    pub version: Option<u32>,
    /// The rule's type (`query`, `eql`, `threshold`, `new_terms`) and what it counts.
    pub rule_type: String,
    pub counts: String,
    pub schedule: String,
    pub tactics: String,
    pub source: String,
    pub enabled: bool,
    pub builtin: bool,
}

impl RuleLine {
    pub fn of(entry: &RuleEntry) -> RuleLine {
        let r = &entry.rule;
        RuleLine {
            rule_id: r.rule_id.clone(),
            name: r.name.clone(),
            severity: r.severity.to_string(),
            risk_score: r.risk_score,
            version: r.version,
            rule_type: crate::rule_filter::kind_of(r).to_string(),
            counts: counts(r),
            // A correlation has no schedule: it looks at every match in time order.
            schedule: if matches!(r.kind, Kind::Correlation(_)) { String::new() } else { format!("every {} from {}", r.interval, r.from) },
            tactics: r.tactics().map(|t| t.name.clone()).collect::<Vec<_>>().join(", "),
            source: r.source.clone(),
            enabled: entry.enabled,
            builtin: entry.builtin,
        }
    }
}

/// What a stateful rule counts, in a few words (empty for a rule that alerts on each match).
fn counts(rule: &Rule) -> String {
    match &rule.kind {
        Kind::Threshold(t) => {
            let by = if t.fields.is_empty() { String::new() } else { format!(" by {}", t.fields.join(", ")) };
            let distinct = t.cardinality.as_ref().map(|(f, n)| format!(", {n}+ distinct {f}")).unwrap_or_default();
            format!("{}+ matches a run{by}{distinct}", t.value)
        }
        Kind::NewTerms(n) => format!("new {} since {}", n.fields.join(" + "), n.history_window_start),
        Kind::Correlation(c) => c.describe(),
        Kind::Eql if rule.filter.sequence().is_some() => "sequence".to_string(),
        _ => String::new(),
    }
}

#[component]
pub fn RulesPanel(props: &Props) -> Html {
    let header = |column: RuleColumn, label: &str| {
        let sorted = props.sort.filter(|(c, _)| *c == column).map(|(_, down)| down);
        let aria = match sorted {
            Some(true) => "descending",
            Some(false) => "ascending",
            None => "none",
        };
        let mark = match sorted {
            Some(true) => " ▼",
            Some(false) => " ▲",
            None => "",
        };
        let class = classes!((column == RuleColumn::Risk).then_some("num"));
        html! {
            <th {class} aria-sort={aria} data-testid={format!("rules-sort-{}", column.key())}>
                <button class="th-sort" title={format!("Sort by {}", label.to_lowercase())} onclick={props.on_sort.reform(move |_| column)}>
                    { label.to_string() }<span aria-hidden="true">{ mark }</span>
                </button>
            </th>
        }
    };
    let onchange = {
        let on_add = props.on_add_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(list) = input.files() else { return };
            let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
            let on_add = on_add.clone();
            // Read every file, then add them at once: the rules load once, not once a file.
            wasm_bindgen_futures::spawn_local(async move {
                let mut read = Vec::with_capacity(files.len());
                for file in files {
                    let text = JsFuture::from(file.text()).await.ok().and_then(|t| t.as_string());
                    read.push((file.name(), text.unwrap_or_default()));
                }
                on_add.emit(read);
            });
            input.set_value("");
        })
    };
    html! {
        <section class="panel" data-testid="rules">
            if props.rules_changed {
                <div class="banner banner-info">
                    <span>{ "Rules changed since these files were scanned." }</span>
                    <button class="button primary" onclick={props.on_rescan.reform(|_| ())} data-testid="rescan">{ "Rescan with these rules" }</button>
                </div>
            }
            <div class="panel-actions">
                <label class="button">
                    { "Add rule files…" }
                    <input type="file" class="visually-hidden" multiple=true accept=".toml,.ndjson,.json,.yml,.yaml" {onchange} data-testid="rule-input" />
                </label>
                <span class="muted">{ "Elastic detection-rules TOML, a Kibana rules export (NDJSON), or Sigma rules (YAML): Elastic's query, EQL, threshold and new terms rules run, and Sigma's CloudTrail rules; ES|QL and machine learning rules, and Sigma rules for other logs, are listed below." }</span>
            </div>
            <div class="panel-actions stage-options">
                <label title="Elastic runs a rule every interval and keeps at most max_signals alerts a run; with this on, every rule does so here too, and the alerts it would drop are counted.">
                    <input type="checkbox" checked={props.emulate_schedule} onchange={props.on_toggle_emulate.reform(|_| ())} data-testid="emulate-schedule" />
                    { " Emulate Elastic's schedule (max_signals a run)" }
                </label>
                <label title="The logs hold no history before their first event; with this on, a new terms rule raises nothing while its history window still reaches back before it.">
                    <input type="checkbox" checked={props.learn_first_history} onchange={props.on_toggle_learn.reform(|_| ())} data-testid="learn-first-history" />
                    { " New terms: learn the first history window" }
                </label>
                <label title="A record (an element, a line, a CSV row) longer than this is counted as a record error and passed over without being held, so no file can exhaust the page's memory. Real CloudTrail events are at most 1 MB.">
                    { "Longest record " }
                    <select data-testid="max-record" onchange={props.on_set_record_mib.reform(|e: Event| {
                        e.target_unchecked_into::<web_sys::HtmlSelectElement>().value().parse().unwrap_or(2)
                    })}>
                        { for crate::messages::RECORD_MIB.iter().map(|&mib| html! {
                            <option value={mib.to_string()} selected={mib == props.max_record_mib}>{ format!("{mib} MiB") }</option>
                        }) }
                    </select>
                </label>
            </div>
            { filters(props) }
            <table class="plain rules-table">
                <thead><tr>
                    <th>{ "On" }</th>{ header(RuleColumn::Name, "Rule") }{ header(RuleColumn::Type, "Type") }
                    { header(RuleColumn::Severity, "Severity") }{ header(RuleColumn::Risk, "Risk") }
                    <th>{ "Version" }</th><th>{ "Schedule (in Elastic)" }</th><th>{ "Tactics" }</th>{ header(RuleColumn::Source, "Source") }
                </tr></thead>
                <tbody>
                    { for props.rules.iter().map(|r| {
                        let id = r.rule_id.clone();
                        html! {
                            <tr data-rule-id={r.rule_id.clone()} class={classes!((!r.enabled).then_some("disabled"))}>
                                <td><input type="checkbox" checked={r.enabled} aria-label={format!("Run {}", r.name)}
                                    onchange={props.on_toggle.reform(move |_| id.clone())} /></td>
                                <td>{ r.name.clone() }</td>
                                <td data-testid="rule-type"><code>{ r.rule_type.clone() }</code>
                                    if !r.counts.is_empty() { <div class="muted small">{ r.counts.clone() }</div> }
                                </td>
                                <td><span class={classes!("sev", r.severity.clone())}>{ r.severity.clone() }</span></td>
                                <td class="num">{ r.risk_score }</td>
                                <td>{ r.version.map(|v| v.to_string()).unwrap_or_default() }</td>
                                <td>{ r.schedule.clone() }</td>
                                <td>{ r.tactics.clone() }</td>
                                <td class="muted">{ if r.builtin { "built in".to_string() } else { r.source.clone() } }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            if !props.files.is_empty() {
                <h3>{ "Added rule files" }</h3>
                <ul class="rule-files">
                    { for props.files.iter().map(|name| {
                        let n = name.clone();
                        html! { <li><code>{ name.clone() }</code>{ " " }<button class="button small ghost" onclick={props.on_remove_file.reform(move |_| n.clone())}>{ "Remove" }</button></li> }
                    }) }
                </ul>
            }
            if !props.replaced.is_empty() {
                <h3>{ format!("{} held by more than one file", super::plural(props.replaced.len(), "rule", "rules")) }</h3>
                <ul class="rule-notes" data-testid="rule-replaced">
                    { for props.replaced.iter().map(|p| html! { <li>{ p.clone() }</li> }) }
                </ul>
            }
            { not_loaded(&props.problems) }
        </section>
    }
}

/// What was not loaded, a line a kind and reason, each opening to the files and rules it holds:
/// errors and rules not supported yet first, then rules for other logs.
fn not_loaded(groups: &[ProblemGroup]) -> Html {
    let (other_logs, problems): (Vec<&ProblemGroup>, Vec<&ProblemGroup>) =
        groups.iter().partition(|g| matches!(g.kind, ProblemKind::NotApplicable(_)));
    let total = |groups: &[&ProblemGroup]| groups.iter().map(|g| g.sources.len()).sum::<usize>();
    let list = |groups: &[&ProblemGroup], class: &'static str| {
        html! {
            { for groups.iter().map(|g| html! {
                <li>
                    <details class={classes!("problem-group", class, matches!(g.kind, ProblemKind::Invalid(_)).then_some("error"))}>
                        <summary><span class="problem-count">{ g.sources.len() }</span>{ format!(" {}: {}", g.kind.label(), g.kind.reason()) }</summary>
                        <ul>{ for g.sources.iter().map(|s| html! { <li>{ s.clone() }</li> }) }</ul>
                    </details>
                </li>
            }) }
        }
    };
    html! {
        <>
        if !problems.is_empty() {
            <h3 class="text-error">{ format!("{} could not be loaded", super::plural(total(&problems), "rule", "rules")) }</h3>
            <ul class="problems" data-testid="rule-problems">{ list(&problems, "problem") }</ul>
        }
        if !other_logs.is_empty() {
            <h3>{ format!("{} for other logs than CloudTrail (not applicable)", super::plural(total(&other_logs), "rule", "rules")) }</h3>
            <ul class="rule-notes" data-testid="rule-not-applicable">{ list(&other_logs, "note") }</ul>
        }
        </>
    }
}

/// The filter bar: a search, selects by format, type, severity, tactic, on or off, loaded or not
/// and source, the count, and the bulk switches for what is listed.
fn filters(props: &Props) -> Html {
    let filter = &props.filter;
    let set = |change: fn(&mut RuleFilter, String)| {
        let (on_filter, filter) = (props.on_filter.clone(), filter.clone());
        Callback::from(move |e: Event| {
            let mut next = filter.clone();
            change(&mut next, e.target_unchecked_into::<web_sys::HtmlSelectElement>().value());
            on_filter.emit(next);
        })
    };
    let on_text = {
        let (on_filter, filter) = (props.on_filter.clone(), filter.clone());
        Callback::from(move |e: InputEvent| {
            let text = e.target_unchecked_into::<HtmlInputElement>().value();
            on_filter.emit(RuleFilter { text, ..filter.clone() });
        })
    };
    let select = |testid: &str, label: &str, current: &str, options: Vec<(String, String)>, onchange: Callback<Event>| {
        html! {
            <select data-testid={testid.to_string()} aria-label={label.to_string()} {onchange}>
                { for options.into_iter().map(|(value, text)| { let selected = value == current; html! { <option {selected} {value}>{ text }</option> } }) }
            </select>
        }
    };
    let named = |any: &str, values: &[&str]| {
        std::iter::once((String::new(), any.to_string())).chain(values.iter().map(|v| (v.to_string(), v.to_string()))).collect::<Vec<_>>()
    };
    let on_off = match filter.enabled {
        Some(true) => "on",
        Some(false) => "off",
        None => "",
    };
    let loaded = match filter.loaded {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    };
    let sources =
        std::iter::once((String::new(), "Any source".to_string())).chain(props.sources.iter().map(|s| (s.clone(), s.clone()))).collect();
    let listed = props.rules.len();
    html! {
        <div class="panel-actions rule-filters" data-testid="rule-filters">
            <input type="search" class="rule-search" data-testid="rule-search" placeholder="Search rules: name, id, tactic, file"
                aria-label="Search rules" value={filter.text.clone()} oninput={on_text} />
            { select("rule-filter-format", "Format", &filter.format, named("Any format", &["elastic", "sigma"]), set(|f, v| f.format = v)) }
            { select("rule-filter-type", "Type", &filter.kind, named("Any type", &["query", "eql", "threshold", "new_terms", "sigma", "correlation"]),
                set(|f, v| f.kind = v)) }
            { select("rule-filter-severity", "Severity", &filter.severity,
                named("Any severity", &["informational", "low", "medium", "high", "critical"]), set(|f, v| f.severity = v)) }
            { select("rule-filter-tactic", "Tactic", &filter.tactic,
                named("Any tactic", &trailhound_engine::rules::TACTICS.iter().map(|(_, name)| *name).collect::<Vec<_>>()),
                set(|f, v| f.tactic = v)) }
            { select("rule-filter-on", "On or off", on_off,
                vec![(String::new(), "On or off".into()), ("on".into(), "On".into()), ("off".into(), "Off".into())],
                set(|f, v| f.enabled = match v.as_str() { "on" => Some(true), "off" => Some(false), _ => None })) }
            { select("rule-filter-loaded", "Loaded or not", loaded,
                vec![(String::new(), "Loaded or not".into()), ("yes".into(), "Runs here".into()), ("no".into(), "Not loaded".into())],
                set(|f, v| f.loaded = match v.as_str() { "yes" => Some(true), "no" => Some(false), _ => None })) }
            { select("rule-filter-source", "Source", &filter.source, sources, set(|f, v| f.source = v)) }
            <span class="muted" data-testid="rules-listed" data-count={listed.to_string()}>
                { if filter.is_empty() { super::plural(props.total, "rule", "rules") } else { format!("{listed} of {}", super::plural(props.total, "rule", "rules")) } }
            </span>
            <button class="button small" data-testid="rules-on" disabled={listed == 0} onclick={props.on_set_listed.reform(|_| true)}>
                { if filter.is_empty() { "All on".to_string() } else { format!("Turn on these {listed}") } }
            </button>
            <button class="button small" data-testid="rules-off" disabled={listed == 0} onclick={props.on_set_listed.reform(|_| false)}>
                { if filter.is_empty() { "All off".to_string() } else { format!("Turn off these {listed}") } }
            </button>
            if !filter.is_empty() {
                <button class="button small ghost" data-testid="rules-clear-filter" onclick={props.on_filter.reform(|_| RuleFilter::default())}>{ "Clear" }</button>
            }
        </div>
    }
}
