//! The alerts toolbar: free-text search, severity / rule / actor / account filters, grouping,
//! the suppressed-alerts switch and the CSV / NDJSON exports of what is shown.

use super::Shared;
use crate::view::{Filter, Grouping};
use std::collections::BTreeSet;
use std::rc::Rc;
use trailhound_engine::Severity;
use trailhound_engine::TextAlert;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub alerts: Shared<Vec<Rc<TextAlert>>>,
    pub filter: Filter,
    pub grouping: Grouping,
    pub shown: usize,
    pub suppressed: usize,
    pub show_suppressed: bool,
    pub on_text: Callback<String>,
    pub on_severity: Callback<Option<Severity>>,
    pub on_rule: Callback<Option<String>>,
    pub on_actor: Callback<Option<String>>,
    pub on_technique: Callback<Option<String>>,
    pub on_account: Callback<Option<String>>,
    pub on_clear: Callback<()>,
    pub on_group: Callback<Grouping>,
    pub on_toggle_suppressed: Callback<()>,
    pub on_export_csv: Callback<()>,
    pub on_export_ndjson: Callback<()>,
}

struct Facets {
    rules: Vec<String>,
    actors: Vec<String>,
    accounts: Vec<String>,
}

fn select(label: &str, testid: &str, current: Option<String>, options: &[String], on: Callback<Option<String>>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        on.emit((!value.is_empty()).then_some(value));
    });
    let current = current.unwrap_or_default();
    html! {
        <label class="field">
            <span class="field-label">{ label.to_string() }</span>
            <select {onchange} data-testid={testid.to_string()}>
                <option value="" selected={current.is_empty()}>{ "Any" }</option>
                { for options.iter().map(|o| html! { <option value={o.clone()} selected={*o == current}>{ o.clone() }</option> }) }
            </select>
        </label>
    }
}

#[component]
pub fn FilterBar(props: &Props) -> Html {
    let facets = use_memo(props.alerts.clone(), |alerts| {
        let mut rules = BTreeSet::new();
        let mut actors = BTreeSet::new();
        let mut accounts = BTreeSet::new();
        // Borrowed while counting, copied once per distinct value: this runs on every batch of
        // results during a scan, over every alert so far.
        for alert in alerts.iter() {
            rules.insert(alert.rule.name.as_str());
            if let Some(actor) = alert.event.actor() {
                actors.insert(actor);
            }
            if let Some(account) = &alert.event.account_id {
                accounts.insert(account.as_str());
            }
        }
        let owned = |set: BTreeSet<&str>| set.into_iter().map(str::to_string).collect();
        Facets { rules: owned(rules), actors: owned(actors), accounts: owned(accounts) }
    });
    let oninput = props.on_text.reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_severity = props.on_severity.reform(|value: Option<String>| {
        value.and_then(|v| {
            [Severity::Informational, Severity::Low, Severity::Medium, Severity::High, Severity::Critical]
                .into_iter()
                .find(|s| s.as_str() == v)
        })
    });
    let severities: Vec<String> = ["critical", "high", "medium", "low", "informational"].iter().map(|s| s.to_string()).collect();
    let grouping = props.grouping;
    let on_group = props.on_group.reform(|e: Event| match e.target_unchecked_into::<HtmlSelectElement>().value().as_str() {
        "rule" => Grouping::Rule,
        "actor" => Grouping::Actor,
        _ => Grouping::None,
    });
    html! {
        <div class="filter-bar">
            <label class="field search">
                <span class="field-label">{ "Search" }</span>
                <input type="search" placeholder="actor, IP, bucket, action, event ID…" value={props.filter.text.clone()} {oninput}
                    data-testid="search" aria-label="Search alerts" />
            </label>
            { select("Severity", "filter-severity", props.filter.severity.map(|s| s.to_string()), &severities, on_severity) }
            { select("Rule", "filter-rule", props.filter.rule.clone(), &facets.rules, props.on_rule.clone()) }
            { select("Actor", "filter-actor", props.filter.actor.clone(), &facets.actors, props.on_actor.clone()) }
            { select("Account", "filter-account", props.filter.account.clone(), &facets.accounts, props.on_account.clone()) }
            <label class="field">
                <span class="field-label">{ "Group by" }</span>
                <select onchange={on_group} data-testid="group-by">
                    <option value="" selected={grouping == Grouping::None}>{ "None" }</option>
                    <option value="rule" selected={grouping == Grouping::Rule}>{ "Rule" }</option>
                    <option value="actor" selected={grouping == Grouping::Actor}>{ "Actor" }</option>
                </select>
            </label>
            if let Some(technique) = &props.filter.technique {
                <span class="chip" data-testid="technique-filter">
                    { format!("ATT&CK {technique}") }
                    <button class="chip-clear" aria-label="Clear the ATT&CK filter" onclick={props.on_technique.reform(|_| None)}>{ "×" }</button>
                </span>
            }
            <div class="filter-actions">
                if !props.filter.is_empty() {
                    <button class="button ghost" onclick={props.on_clear.reform(|_| ())}>{ "Clear filters" }</button>
                }
                if props.suppressed > 0 {
                    <label class="check">
                        <input type="checkbox" checked={props.show_suppressed} onchange={props.on_toggle_suppressed.reform(|_| ())} />
                        { format!("Show {} suppressed", props.suppressed) }
                    </label>
                }
                <span class="muted shown">{ format!("{} shown", super::count(props.shown)) }</span>
                <button class="button" onclick={props.on_export_csv.reform(|_| ())} disabled={props.shown == 0} data-testid="export-csv">{ "Export CSV" }</button>
                <button class="button" onclick={props.on_export_ndjson.reform(|_| ())} disabled={props.shown == 0} data-testid="export-ndjson">{ "Export NDJSON" }</button>
            </div>
        </div>
    }
}
