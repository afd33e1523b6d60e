//! The ATT&CK tab: tactics × techniques covered by the loaded rules, each cell with its rules and
//! the scan's alerts for them; a cell's click shows those alerts.

use crate::attack::Column;
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
        props.columns.iter().flat_map(|c| &c.cells).flat_map(|cell| cell.rules.iter().map(|r| r.0.as_str())).collect();
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
    html! {
        <div class={classes!("attack-column", column.cells.is_empty().then_some("uncovered"))} role="listitem" data-tactic={column.id.clone()}>
            <h3 class="attack-tactic" title={column.id.clone()}>
                { column.name.clone() }<span class="tab-count">{ column.cells.len() }</span>
            </h3>
            if column.cells.is_empty() {
                <p class="muted attack-none">{ "No loaded rule" }</p>
            }
            { for column.cells.iter().map(|cell| {
                let id = cell.id.clone();
                let subs = cell.subtechniques.iter().map(|(id, name)| format!("{id} {name}")).collect::<Vec<_>>().join("\n");
                html! {
                    <button class={classes!("attack-cell", (cell.alerts > 0).then_some("alerted"))} data-technique={cell.id.clone()}
                        title={subs} onclick={on_technique.reform(move |_| id.clone())}>
                        <span class="attack-technique"><span class="mono">{ cell.id.clone() }</span>{ " " }{ cell.name.clone() }</span>
                        <span class="attack-rules">
                            { for cell.rules.iter().map(|(_, name, enabled)| html! {
                                <span class={classes!("attack-rule", (!enabled).then_some("off"))}>{ name.clone() }</span>
                            }) }
                        </span>
                        <span class="attack-alerts" data-testid="technique-alerts">{ super::plural(cell.alerts, "alert", "alerts") }</span>
                    </button>
                }
            }) }
        </div>
    }
}
