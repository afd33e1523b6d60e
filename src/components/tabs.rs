//! The main view's tabs, each with its count.

use crate::state::Tab;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub current: Tab,
    pub alerts: usize,
    pub files: usize,
    pub rules: usize,
    /// ATT&CK techniques the loaded rules cover.
    pub techniques: usize,
    pub exceptions: usize,
    /// Events the scan read.
    #[prop_or_default]
    pub events: usize,
    pub on_select: Callback<Tab>,
}

#[component]
pub fn Tabs(props: &Props) -> Html {
    let tab = |tab: Tab, label: &str, n: usize, key: &str| {
        let selected = props.current == tab;
        html! {
            <button role="tab" class={classes!("tab", selected.then_some("selected"))} aria-selected={selected.to_string()}
                data-tab={key.to_string()} onclick={props.on_select.reform(move |_| tab)}>
                { label.to_string() }<span class="tab-count">{ super::count(n) }</span>
            </button>
        }
    };
    html! {
        <nav class="tabs" role="tablist">
            { tab(Tab::Alerts, "Alerts", props.alerts, "alerts") }
            { tab(Tab::Events, "Events", props.events, "events") }
            { tab(Tab::Files, "Files", props.files, "files") }
            { tab(Tab::Rules, "Rules", props.rules, "rules") }
            { tab(Tab::Attack, "ATT&CK", props.techniques, "attack") }
            { tab(Tab::Exceptions, "Exceptions", props.exceptions, "exceptions") }
        </nav>
    }
}
