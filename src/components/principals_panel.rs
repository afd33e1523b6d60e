//! Who did what: a profile per principal (or access key, source address) over every event the
//! scan read, from the event index: events and alerts, first and last seen, accounts, regions,
//! addresses, agents, failed calls and the calls the loaded rules watch for. Sortable; a row
//! opens its events in the search above. The first thing to read in a new case.

use crate::hooks::Events;
use crate::state::Hunt;
use trailhound_engine::events::{Column, Count, Profile, summarize, timestamp_text};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub events: Events,
    /// How many events the index holds (a change recomputes the profiles).
    pub count: usize,
    /// Each alert's principal, access key and source address (in that order).
    pub alerted: super::Shared<Vec<[Option<String>; 3]>>,
    /// The actions the enabled rules watch for.
    pub watched: super::Shared<trailhound_engine::Watched>,
    pub on_hunt: Callback<Hunt>,
}

/// What the profiles are by.
const BY: [(Column, &str); 3] =
    [(Column::Principal, "Principal"), (Column::AccessKey, "Access key"), (Column::SourceAddress, "Source address")];

#[derive(Clone, Copy, PartialEq)]
enum SortBy {
    Alerts,
    Events,
    First,
    Last,
    Failures,
}

#[component]
pub fn PrincipalsPanel(props: &Props) -> Html {
    let by = use_state(|| 0usize);
    let sort = use_state(|| SortBy::Alerts);
    let profiles = {
        let (events, alerted, watched) = (props.events.clone(), props.alerted.clone(), props.watched.clone());
        use_memo((props.count, *by, alerted.clone(), watched.clone()), move |(_, by, alerted, watched)| {
            let column = BY[*by].0;
            let keys = alerted.0.iter().map(|a| a[*by].as_deref());
            summarize(&events.0.borrow(), column, &|action| watched.0.watches(action), keys)
        })
    };
    let mut shown: Vec<&Profile> = profiles.iter().collect();
    match *sort {
        SortBy::Alerts => {}
        SortBy::Events => shown.sort_by_key(|p| std::cmp::Reverse(p.events)),
        SortBy::First => shown.sort_by_key(|p| p.first),
        SortBy::Last => shown.sort_by_key(|p| std::cmp::Reverse(p.last)),
        SortBy::Failures => shown.sort_by_key(|p| std::cmp::Reverse(p.failures)),
    }
    let header = |label: &str, key: SortBy| {
        let sort = sort.clone();
        let current = *sort == key;
        html! {
            <th aria-sort={if current { "descending" } else { "none" }}>
                <button class="link" onclick={Callback::from(move |_| sort.set(key))}>{ label.to_string() }</button>
            </th>
        }
    };
    let list = |counts: &[Count], n: usize| -> String {
        let mut out: Vec<String> = counts.iter().take(n).map(|c| c.value.clone()).collect();
        if counts.len() > n {
            out.push(format!("+{}", counts.len() - n));
        }
        out.join(", ")
    };
    let time = |t: Option<i64>| t.and_then(timestamp_text).map(|s| s[..19].replace('T', " ")).unwrap_or_else(|| "-".into());
    let column = BY[*by].0;
    html! {
        <section class="panel principals-panel" data-testid="principals">
            <div class="principals-head">
                <h3>{ "Who did what" }</h3>
                <div class="window-chips">
                { for BY.iter().enumerate().map(|(i, (_, label))| {
                    let by = by.clone();
                    html! { <button class={classes!("window-chip", (*by == i).then_some("selected"))}
                        onclick={Callback::from(move |_| by.set(i))}>{ format!("By {}", label.to_lowercase()) }</button> }
                }) }
                </div>
            </div>
            <div class="hunt-scroll">
            <table class="events-table principals-table">
                <thead><tr>
                    <th>{ BY[*by].1 }</th>
                    { header("Alerts", SortBy::Alerts) }
                    { header("Events", SortBy::Events) }
                    { header("First seen", SortBy::First) }
                    { header("Last seen", SortBy::Last) }
                    <th>{ "Accounts · regions" }</th>
                    <th>{ "Sources" }</th>
                    { header("Failed", SortBy::Failures) }
                    <th>{ "Watched calls" }</th>
                </tr></thead>
                <tbody>
                { for shown.into_iter().take(200).map(|p| {
                    let on_hunt = props.on_hunt.clone();
                    let query = match &p.key {
                        Some(key) => super::events_panel::exact(column.field(), key),
                        None => format!("not {}:*", column.field()),
                    };
                    let sources = if column == Column::SourceAddress { list(&p.principals, 2) } else { list(&p.sources, 3) };
                    html! {
                        <tr data-testid="principal-row" onclick={Callback::from(move |_| on_hunt.emit(Hunt { query: query.clone(), ..Hunt::default() }))}>
                            <td class="mono wrap">{ p.key.clone().unwrap_or_else(|| "(none)".into()) }</td>
                            <td class={classes!((p.alerts > 0).then_some("alerted"))}>{ super::count(p.alerts) }</td>
                            <td>{ super::count(p.events) }</td>
                            <td class="mono">{ time(p.first) }</td>
                            <td class="mono">{ time(p.last) }</td>
                            <td class="mono">{ format!("{} · {}", list(&p.accounts, 2), list(&p.regions, 3)) }</td>
                            <td class="mono wrap">{ sources }</td>
                            <td>{ if p.failures == 0 { "-".to_string() } else { format!("{} ({})", super::count(p.failures), list(&p.errors, 2)) } }</td>
                            <td class="wrap">{ list(&p.watched, 3) }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            </div>
        </section>
    }
}
