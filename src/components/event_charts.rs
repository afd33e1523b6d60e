//! The events tab's summaries of the events a search lists: how many fall in each stretch of
//! time, and the busiest values of an indexed column, each a button that narrows the search.

use trailhound_engine::events::{Column, EventIndex, NO_TIME};
use yew::prelude::*;

/// The most bars in the histogram.
const BARS: usize = 60;

/// The most frequent values of `column` among `rows`, each a button that narrows the search.
pub fn counts(index: &EventIndex, rows: &[usize], column: Column, title: &str, narrow: impl Fn(String) -> Callback<MouseEvent>) -> Html {
    let mut tally: std::collections::HashMap<&str, usize> = Default::default();
    for &place in rows {
        if let Some(text) = index.text(&index.rows()[place], column) {
            *tally.entry(text).or_default() += 1;
        }
    }
    let mut top: Vec<(&str, usize)> = tally.into_iter().collect();
    top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    html! {
        <div class="hunt-count-list">
            <h3>{ title.to_string() }</h3>
            <ul>
            { for top.into_iter().take(8).map(|(value, n)| html! {
                <li><button class="link" title={format!("Only events with {} {value}", column.field())} onclick={narrow(value.to_string())}>{ value.to_string() }</button>
                    <span class="muted">{ format!(" {}", super::count(n)) }</span></li>
            }) }
            </ul>
        </div>
    }
}

/// Events over time, as the overview charts alerts.
pub fn histogram(index: &EventIndex, rows: &[usize]) -> Html {
    let seconds = rows.iter().map(|&p| index.rows()[p].time).filter(|&t| t != NO_TIME).map(|t| t.div_euclid(1000)).collect();
    html! {
        <figure class="histogram" data-testid="histogram" aria-label="Events over time">
            { super::overview::timeline_svg(crate::stats::timeline_of(seconds, BARS).as_ref(), "events") }
        </figure>
    }
}
