//! The alerts table: one row an alert (time, severity, rule, action, actor, source IP,
//! account/region, bucket), sortable headers, group headers, and only the visible rows rendered
//! when there are many (fixed row height, spacer rows above and below).

use super::Shared;
use crate::view::{self, Column, Row, Sort};
use std::rc::Rc;
use trailhound_engine::TextAlert;
use web_sys::HtmlElement;
use yew::prelude::*;

/// Row height in CSS pixels; `.alerts tr.row` has exactly this height.
pub const ROW_HEIGHT: f64 = 34.0;
/// Rows rendered above and below the viewport.
const MARGIN: usize = 20;
/// Below this many rows everything is rendered. Kept near what a window renders anyway (a
/// viewport of rows plus the margins): at 200, the first batch of a big scan laid out every row
/// it brought (about 1,800 layout objects), the longest UI-thread block after the drop.
const VIRTUAL_FROM: usize = 100;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub alerts: Shared<Vec<Rc<TextAlert>>>,
    pub rows: Shared<Vec<Row>>,
    pub suppressed: Shared<Vec<Option<usize>>>,
    pub sort: Sort,
    /// Changes when the filters or grouping change: the table scrolls back to the top.
    pub scope: AttrValue,
    pub selected: Option<usize>,
    pub on_sort: Callback<Column>,
    pub on_select: Callback<Option<usize>>,
    pub on_toggle_group: Callback<String>,
}

#[component]
pub fn AlertsTable(props: &Props) -> Html {
    let scroller = use_node_ref();
    let viewport = use_state(|| (0.0_f64, 800.0_f64));
    let onscroll = {
        let (scroller, viewport) = (scroller.clone(), viewport.clone());
        Callback::from(move |_: Event| {
            if let Some(el) = scroller.cast::<HtmlElement>() {
                viewport.set((el.scroll_top() as f64, visible_height(&el)));
            }
        })
    };
    {
        let (scroller, viewport) = (scroller.clone(), viewport.clone());
        use_effect_with((props.scope.clone(), props.sort), move |_| {
            if let Some(el) = scroller.cast::<HtmlElement>() {
                el.set_scroll_top(0);
                viewport.set((0.0, visible_height(&el)));
            }
        });
    }
    let total = props.rows.len();
    let (start, end) =
        if total < VIRTUAL_FROM { (0, total) } else { view::visible_window(total, viewport.0, viewport.1, ROW_HEIGHT, MARGIN) };
    let header = Column::ALL.iter().map(|&column| {
        let sorted = props.sort.column == column;
        let aria = match (sorted, props.sort.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        let arrow = match (sorted, props.sort.descending) {
            (false, _) => "",
            (true, false) => " ▲",
            (true, true) => " ▼",
        };
        html! {
            <th scope="col" aria-sort={aria} class={classes!("col", column.key())}>
                <button class="sort" onclick={props.on_sort.reform(move |_| column)} data-sort={column.key()}>
                    { column.label() }<span class="arrow">{ arrow }</span>
                </button>
            </th>
        }
    });
    let rows = props.rows[start..end].iter().map(|row| match row {
        Row::Group { key, count, collapsed } => {
            let toggle = {
                let key = key.clone();
                props.on_toggle_group.reform(move |_| key.clone())
            };
            html! {
                <tr class="row group" key={format!("g-{key}")} onclick={toggle} aria-expanded={(!collapsed).to_string()}>
                    <td colspan="8">
                        <span class="chevron">{ if *collapsed { "▸" } else { "▾" } }</span>
                        <strong>{ key.clone() }</strong>
                        <span class="group-count">{ super::plural(*count, "alert", "alerts") }</span>
                    </td>
                </tr>
            }
        }
        Row::Alert(index) => alert_row(props, *index),
    });
    let top = start as f64 * ROW_HEIGHT;
    let bottom = (total - end) as f64 * ROW_HEIGHT;
    html! {
        <div class="table-scroll" ref={scroller} {onscroll}>
            <table class="alerts" data-testid="alerts">
                <thead><tr>{ for header }</tr></thead>
                <tbody>
                    if top > 0.0 { <tr class="spacer" aria-hidden="true"><td colspan="8" height={top.to_string()}></td></tr> }
                    { for rows }
                    if bottom > 0.0 { <tr class="spacer" aria-hidden="true"><td colspan="8" height={bottom.to_string()}></td></tr> }
                </tbody>
            </table>
            if total == 0 {
                <p class="table-empty muted">{ "No alerts match." }</p>
            }
        </div>
    }
}

/// How much of the table can be seen: its box, but never more than the window (without its
/// stylesheet the box grows to every row).
fn visible_height(el: &HtmlElement) -> f64 {
    let window = web_sys::window().and_then(|w| w.inner_height().ok()).and_then(|h| h.as_f64()).unwrap_or(1000.0);
    (el.client_height() as f64).min(window)
}

/// The alert `step` rows away from `index` (skipping group headers).
fn neighbour(rows: &[Row], index: usize, step: isize) -> Option<usize> {
    let here = rows.iter().position(|r| *r == Row::Alert(index))?;
    let mut at = here as isize;
    loop {
        at += step;
        match rows.get(usize::try_from(at).ok()?)? {
            Row::Alert(i) => return Some(*i),
            Row::Group { .. } => continue,
        }
    }
}

/// Moves keyboard focus to the row of alert `index`, once it is rendered.
fn focus_row(event: &KeyboardEvent, index: usize) {
    use wasm_bindgen::JsCast;
    let Some(table) = event.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("table").ok().flatten())
    else {
        return;
    };
    let focus = wasm_bindgen::closure::Closure::once_into_js(move || {
        if let Ok(Some(row)) = table.query_selector(&format!("tr[data-index='{index}']"))
            && let Ok(row) = row.dyn_into::<HtmlElement>()
        {
            let _ = row.focus();
        }
    });
    if let Some(window) = web_sys::window() {
        let _ = window.set_timeout_with_callback(focus.unchecked_ref());
    }
}

fn alert_row(props: &Props, index: usize) -> Html {
    let Some(alert) = props.alerts.get(index) else { return html! {} };
    let selected = props.selected == Some(index);
    let suppressed = props.suppressed.get(index).is_some_and(Option::is_some);
    let onclick = props.on_select.reform(move |_| Some(index));
    let onkeydown = {
        let (on_select, rows) = (props.on_select.clone(), props.rows.clone());
        Callback::from(move |e: KeyboardEvent| {
            let step: isize = match e.key().as_str() {
                "Enter" | " " => 0,
                "ArrowDown" | "j" => 1,
                "ArrowUp" | "k" => -1,
                _ => return,
            };
            e.prevent_default();
            let target = if step == 0 { Some(index) } else { neighbour(&rows, index, step) };
            if let Some(target) = target {
                on_select.emit(Some(target));
                focus_row(&e, target);
            }
        })
    };
    let severity = alert.rule.severity.as_str();
    let cell = |column: Column| {
        let text = view::cell(alert, column);
        html! { <td class={column.key()} title={text.clone()}>{ text }</td> }
    };
    let full = view::cell(alert, Column::Time);
    // `2026-03-02T03:07:31.000Z` → `2026-03-02 03:07:31` (the title keeps the full value).
    let time = full.get(..19).map_or_else(|| full.clone(), |t| t.replacen('T', " ", 1));
    html! {
        <tr key={index} class={classes!("row", "alert", selected.then_some("selected"), suppressed.then_some("suppressed"))}
            data-event-id={alert.event.event_id.clone().unwrap_or_default()} data-severity={severity} data-index={index.to_string()}
            tabindex="0" aria-selected={selected.to_string()} {onclick} {onkeydown}>
            <td class="time" title={alert.event.timestamp.clone().unwrap_or_default()}>{ time }</td>
            <td class="severity"><span class={classes!("sev", severity)}>{ severity }</span></td>
            { cell(Column::Rule) }
            { cell(Column::Action) }
            { cell(Column::Actor) }
            { cell(Column::SourceIp) }
            { cell(Column::Account) }
            { cell(Column::Bucket) }
        </tr>
    }
}
