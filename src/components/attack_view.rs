//! The ATT&CK tab: a band per tactic (kill-chain order) holding the techniques the loaded rules
//! cover, each with its rules and the scan's alerts for them; a technique's click shows those alerts.

use crate::attack::{Cell, Column};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub columns: Vec<Column>,
    /// Shows the alerts of a technique (its id).
    pub on_technique: Callback<String>,
}

#[component]
pub fn AttackView(props: &Props) -> Html {
    let techniques: usize = props.columns.iter().map(|c| c.cells.len()).sum();
    let tactics = props.columns.iter().filter(|c| !c.cells.is_empty()).count();
    let mut rules: Vec<&str> =
        props.columns.iter().flat_map(|c| &c.cells).flat_map(|cell| cell.rules.iter().map(|r| r.id.as_str())).collect();
    rules.sort_unstable();
    rules.dedup();
    html! {
        <section class="panel attack" data-testid="attack">
            <div class="attack-head">
                <h2>{ "MITRE ATT&CK coverage" }</h2>
                <p class="muted">
                    { format!("{} in {} of {} tactics, by {}. ", super::plural(techniques, "technique", "techniques"), tactics,
                        props.columns.len(), super::plural(rules.len(), "loaded rule", "loaded rules")) }
                    { "A technique's count is the alerts its rules raised in this scan (exceptions left out); click it to see them." }
                </p>
            </div>
            <div class="attack-matrix" role="list">
                { for props.columns.iter().map(|column| column_html(column, &props.on_technique)) }
            </div>
        </section>
    }
}

fn column_html(column: &Column, on_technique: &Callback<String>) -> Html {
    let alerts: usize = column.cells.iter().map(|c| c.alerts).sum();
    html! {
        <div class={classes!("attack-tactic", column.cells.is_empty().then_some("uncovered"))} role="listitem" data-tactic={column.id.clone()}>
            <h3 class="attack-tactic-head">
                <span class="attack-tactic-name">{ column.name.clone() }</span>
                <span class="mono muted">{ column.id.clone() }</span>
                if column.cells.is_empty() {
                    <span class="muted">{ "no loaded rule" }</span>
                } else {
                    <span class="muted">{ format!("{} · {}", super::plural(column.cells.len(), "technique", "techniques"), super::plural(alerts, "alert", "alerts")) }</span>
                }
            </h3>
            if !column.cells.is_empty() {
                <div class="attack-cells">
                    { for column.cells.iter().map(|cell| cell_html(cell, on_technique)) }
                </div>
            }
        </div>
    }
}

fn cell_html(cell: &Cell, on_technique: &Callback<String>) -> Html {
    let id = cell.id.clone();
    let subs = cell.subtechniques.iter().map(|(id, name)| format!("{id} {name}")).collect::<Vec<_>>().join("\n");
    html! {
        <button class={classes!("attack-cell", (cell.alerts > 0).then_some("alerted"))} data-technique={cell.id.clone()}
            title={subs} onclick={on_technique.reform(move |_| id.clone())}>
            <span class="attack-technique"><span class="mono">{ cell.id.clone() }</span>{ if cell.name == cell.id { String::new() } else { format!(" {}", cell.name) } }</span>
            <span class="attack-rules">
                { for cell.rules.iter().map(|rule| html! {
                    <span class={classes!("attack-rule", (!rule.enabled).then_some("off"), (rule.alerts > 0).then_some("alerted"))}
                        title={if rule.enabled { "" } else { "switched off" }}>
                        { rule.name.clone() }
                        if rule.alerts > 0 { <span class="attack-rule-alerts">{ format!(" · {}", rule.alerts) }</span> }
                    </span>
                }) }
            </span>
            <span class="attack-alerts" data-testid="technique-alerts">{ super::plural(cell.alerts, "alert", "alerts") }</span>
        </button>
    }
}
