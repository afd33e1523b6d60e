//! The events tab: a KQL search over every event the scan read, answered from the event index
//! with the rules' parser and semantics; pivots from an alert (its access key, principal or
//! address, within a window around it, its event marked); a histogram over time; the busiest
//! actions, principals and addresses (a click narrows the search); the events in time order, an
//! opened one with its whole document read again from its file; and export, as CSV from the index
//! or as NDJSON of the ECS documents read again. `/` focuses the search; in the table, arrows
//! move, Enter opens a row, Escape closes.

use super::event_charts::{counts, histogram};
use super::event_record::EventRecord;
use crate::event_table::{Field, Layout};
use crate::hooks::{Events, ReadProgress, ReadRequest};
use crate::state::{FileSearch, Hunt};
use trailhound_engine::events::{Column, EventIndex, NO_TIME, Span, is_indexed};
use trailhound_engine::output::events as render;
use trailhound_engine::{Document, Query};
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// The most events the table lists (the counts, histogram and export take every match).
const SHOWN: usize = 500;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// The most events an NDJSON export takes: their documents are read again and held in the page
/// until they are saved (about 2 KB each). The CLI's `trailhound hunt --format ndjson` has no limit.
pub const NDJSON_MOST: usize = 100_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub events: Events,
    /// How many events the index holds (a change re-runs the search).
    pub count: usize,
    pub hunt: Hunt,
    pub on_hunt: Callback<Hunt>,
    /// The search of the files for a query the index cannot answer, if one was started.
    #[prop_or_default]
    pub search: Option<FileSearch>,
    /// Whether files are being scanned (a search of the files waits for the scan).
    #[prop_or_default]
    pub scanning: bool,
    #[prop_or_default]
    pub on_search: Callback<String>,
    #[prop_or_default]
    pub on_cancel_search: Callback<()>,
    /// Save the query as a rule file (name, text), to add to the rules and download.
    #[prop_or_default]
    pub on_save_rule: Callback<(String, String)>,
    /// Save the query as an exception for every rule.
    #[prop_or_default]
    pub on_save_exception: Callback<String>,
    /// The table's columns and sort, and a change to them.
    #[prop_or_default]
    pub layout: Layout,
    #[prop_or_default]
    pub on_layout: Callback<Layout>,
    /// Reads records again from their files (the scanner's `read`), for an opened event's document
    /// and the NDJSON export.
    #[prop_or(Callback::from(|_| None))]
    pub on_read: Callback<ReadRequest, Option<u64>>,
    #[prop_or_default]
    pub on_cancel_read: Callback<u64>,
    /// Shown in place of the list of events when there is no query (who did what).
    #[prop_or_default]
    pub children: Html,
}

/// The panel's own state: the row selected and whether it is open, and the NDJSON export under
/// way (its progress, and its read's number for Cancel) or its errors.
#[derive(Clone)]
struct Ui {
    selected: UseStateHandle<Option<usize>>,
    open: UseStateHandle<bool>,
    export: UseStateHandle<Option<ReadProgress>>,
    export_run: std::rc::Rc<std::cell::Cell<Option<u64>>>,
}

/// A search's outcome.
#[derive(PartialEq)]
enum Found {
    /// The matching rows (by place in the index), in time order.
    Rows(Vec<usize>),
    /// The query does not parse.
    Invalid(String),
    /// The query names fields the index does not keep.
    NotIndexed(Vec<String>),
}

/// The KQL clause that `field` is exactly `value` (quoted, so nothing in it is a wildcard).
pub fn exact(field: &str, value: &str) -> String {
    format!("{field}:\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

fn search(index: &EventIndex, hunt: &Hunt) -> Found {
    // No query: every event (Kibana's empty query matches all; the index lists them itself).
    if hunt.query.trim().is_empty() {
        let mut rows: Vec<usize> = (0..index.len()).collect();
        index.sort(&mut rows);
        return Found::Rows(rows);
    }
    let query = match Query::parse(&hunt.query) {
        Ok(query) => query,
        Err(error) => return Found::Invalid(error.render()),
    };
    match index.search(&query) {
        Some(rows) => Found::Rows(rows),
        None => Found::NotIndexed(query.fields().into_iter().filter(|f| !is_indexed(f)).collect()),
    }
}

#[component]
pub fn EventsPanel(props: &Props) -> Html {
    let text = use_state(|| props.hunt.query.clone());
    {
        // A pivot from an alert replaces what was typed.
        let text = text.clone();
        use_effect_with(props.hunt.query.clone(), move |query| text.set(query.clone()));
    }
    let input = use_node_ref();
    let ui = Ui {
        selected: use_state(|| None::<usize>),
        open: use_state(|| false),
        export: use_state(|| None::<ReadProgress>),
        export_run: use_mut_ref_cell(),
    };
    {
        // Rows are numbered in the listed order: a new sort would open another event.
        let (selected, open) = (ui.selected.clone(), ui.open.clone());
        use_effect_with(props.layout.sort, move |_| {
            selected.set(None);
            open.set(false);
        });
    }
    let selected = ui.selected.clone();
    let found = {
        let events = props.events.clone();
        use_memo((props.count, props.hunt.clone()), move |(_, hunt)| {
            let started = js_sys::Date::now();
            let found = search(&events.0.borrow(), hunt);
            (found, js_sys::Date::now() - started)
        })
    };
    // `/` focuses the search box, wherever the focus is (but in a text field).
    {
        let input = input.clone();
        crate::hooks::use_keydown(move |e| {
            let typing = e.target().and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok()).is_some_and(|t| {
                let tag = t.tag_name();
                tag == "INPUT" || tag == "TEXTAREA"
            });
            if e.key() == "/"
                && !typing
                && let Some(input) = input.cast::<web_sys::HtmlInputElement>()
            {
                e.prevent_default();
                let _ = input.focus();
            }
        });
    }
    let index = props.events.0.borrow();
    let hunt = &props.hunt;
    let on_submit = {
        let (text, hunt, on_hunt, selected) = (text.clone(), hunt.clone(), props.on_hunt.clone(), selected.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            selected.set(None);
            // An empty search is a fresh start: the whole scan, no event marked.
            let query = (*text).clone();
            on_hunt.emit(if query.trim().is_empty() { Hunt::default() } else { Hunt { query, ..hunt.clone() } });
        })
    };
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                text.set(input.value());
            }
        })
    };
    let span_button = |label: &str, span: Option<i64>, key: &str| {
        let (on_hunt, hunt) = (props.on_hunt.clone(), hunt.clone());
        let current = hunt.span == span;
        html! {
            <button class={classes!("window-chip", current.then_some("selected"))} data-testid={format!("span-{key}")}
                onclick={Callback::from(move |_| on_hunt.emit(Hunt { span, ..hunt.clone() }))}>{ label.to_string() }</button>
        }
    };
    let narrow = |field: &'static str| -> Box<dyn Fn(String) -> Callback<MouseEvent>> {
        let (on_hunt, hunt) = (props.on_hunt.clone(), hunt.clone());
        Box::new(move |value: String| {
            let (on_hunt, hunt) = (on_hunt.clone(), hunt.clone());
            Callback::from(move |_: MouseEvent| {
                let clause = exact(field, &value);
                let query = if hunt.query.trim().is_empty() { clause } else { format!("({}) and {clause}", hunt.query) };
                on_hunt.emit(Hunt { query, ..hunt.clone() });
            })
        })
    };

    let body = match &found.0 {
        Found::Invalid(error) => html! { <pre class="text-error kql-error" data-testid="hunt-error">{ error.clone() }</pre> },
        Found::NotIndexed(fields) => match props.search.as_ref().filter(|s| s.query == hunt.query) {
            Some(FileSearch { places: Some(places), errors, .. }) => html! {
                <>
                { for errors.iter().map(|e| html! { <p class="text-error">{ format!("Not searched: {e}") }</p> }) }
                { results(props, &index, places, "by searching every file", &ui, &narrow) }
                </>
            },
            Some(search) => html! {
                <div class="banner banner-info search-progress" data-testid="file-search-progress">
                    <span>{ format!("Searching the files for fields the index does not keep: {} of {} files", search.done, search.total) }</span>
                    <progress max={search.total.max(1).to_string()} value={search.done.to_string()} />
                    <button class="button" data-testid="cancel-file-search" onclick={props.on_cancel_search.reform(|_| ())}>{ "Cancel" }</button>
                </div>
            },
            None => {
                let (on_search, query) = (props.on_search.clone(), hunt.query.clone());
                html! {
                    <div class="banner banner-info" data-testid="hunt-not-indexed">
                        <p>{ format!("This query names {}, which the event index does not keep (it keeps {}). Searching every file answers it, at scan speed.",
                            fields.join(", "), indexed_fields()) }</p>
                        <button class="button primary" data-testid="search-files" disabled={props.scanning}
                            onclick={Callback::from(move |_| on_search.emit(query.clone()))}>
                            { if props.scanning { "Search the files (once the scan is done)" } else { "Search the files" } }
                        </button>
                    </div>
                }
            }
        },
        // No query and no event to look around: the whole scan at a glance.
        Found::Rows(rows) if hunt.query.trim().is_empty() && hunt.at.is_none() => html! {
            <>
            <div class="hunt-summary">
                <span data-testid="hunt-count" data-count={rows.len().to_string()}>{ format!("{} events", super::count(rows.len())) }</span>
                <span class="muted">{ " · search them above, or start from who did what" }</span>
            </div>
            { histogram(&index, rows) }
            { props.children.clone() }
            </>
        },
        Found::Rows(rows) => results(props, &index, rows, &format!("from the event index in {:.0} ms", found.1), &ui, &narrow),
    };
    drop(index);

    html! {
        <section class="panel events-panel" data-testid="events-panel">
            <form class="hunt-form" onsubmit={on_submit}>
                <label for="hunt-query">{ "Search every event (KQL)" }</label>
                <div class="hunt-row">
                    <input id="hunt-query" ref={input} type="search" spellcheck="false" data-testid="hunt-query"
                        placeholder={"event.action:Delete* and not event.outcome:success   (press / to search)"}
                        value={(*text).clone()} oninput={on_input} />
                    <button class="button primary" type="submit" data-testid="hunt-run">{ "Search" }</button>
                </div>
            </form>
            if hunt.at.is_some() {
                <div class="window-chips" aria-label="Time window around the marked event">
                    <span class="muted">{ "Around the marked event: " }</span>
                    { span_button("±5 minutes", Some(5 * MINUTE), "minutes") }
                    { span_button("±1 hour", Some(HOUR), "hour") }
                    { span_button("±1 day", Some(24 * HOUR), "day") }
                    { span_button("All time", None, "all") }
                </div>
            }
            { body }
        </section>
    }
}

/// The matching events: counts, histogram, table, export. `how` says where the answer came from.
fn results(
    props: &Props,
    index: &EventIndex,
    rows: &[usize],
    how: &str,
    ui: &Ui,
    narrow: &dyn Fn(&'static str) -> Box<dyn Fn(String) -> Callback<MouseEvent>>,
) -> Html {
    let (selected, open) = (&ui.selected, &ui.open);
    let hunt = &props.hunt;
    let span = hunt.span.map_or(Span::All, Span::Around);
    let mut rows: Vec<usize> = rows.iter().copied().filter(|&place| span.holds(hunt.at, index.rows()[place].time)).collect();
    props.layout.sort(index, &mut rows);
    let rows = &rows;
    let marked = hunt.mark.as_ref();
    let is_marked = |place: usize| {
        let row = &index.rows()[place];
        marked.is_some_and(|(file, record)| index.file_name(row) == file && row.record as usize == *record)
    };
    let on_export = {
        let (events, rows) = (props.events.clone(), rows.clone());
        Callback::from(move |_: MouseEvent| {
            let index = events.0.borrow();
            let mut out = Vec::new();
            let _ = render::write_csv_header(&mut out);
            for &place in &rows {
                let row = &index.rows()[place];
                let _ = render::write_csv_row(&render::cells(&index.view(row), index.file_name(row), row.record as usize), &mut out);
            }
            let day = crate::download::now_rfc3339().get(..19).unwrap_or("").replace(':', "");
            let _ = crate::download::save(&format!("trailhound-events-{day}.csv"), "text/csv", &String::from_utf8_lossy(&out));
        })
    };
    let on_export_ndjson = {
        let (on_read, ui) = (props.on_read.clone(), ui.clone());
        let places: Vec<(usize, usize)> =
            rows.iter().map(|&place| (index.rows()[place].file as usize, index.rows()[place].record as usize)).collect();
        Callback::from(move |_: MouseEvent| {
            let export = ui.export.clone();
            let on_progress = Callback::from(move |progress: ReadProgress| match &progress.records {
                // Stopped before every file answered: nothing is saved, and the banner says why.
                Some(_) if progress.abandoned => export.set(Some(ReadProgress { records: Some(Default::default()), ..progress })),
                Some(records) => {
                    let mut text = String::with_capacity(records.len() * 2048);
                    for (_, record) in records.iter() {
                        text.push_str(record.document.text());
                        text.push('\n');
                    }
                    let day = crate::download::now_rfc3339().get(..19).unwrap_or("").replace(':', "");
                    let mut errors = progress.errors.clone();
                    if let Err(why) = crate::download::save(&format!("trailhound-events-{day}.ndjson"), "application/x-ndjson", &text) {
                        errors.push(format!("the file could not be saved: {why}"));
                    }
                    export.set((!errors.is_empty()).then(|| ReadProgress {
                        errors,
                        records: Some(Default::default()),
                        ..ReadProgress::default()
                    }));
                }
                None => export.set(Some(progress)),
            });
            ui.export.set(Some(ReadProgress { total: 1, ..ReadProgress::default() }));
            let run = on_read.emit(ReadRequest { places: places.clone(), on_progress });
            if run.is_none() {
                let errors = vec!["the scanner could not be started".to_string()];
                ui.export.set(Some(ReadProgress { errors, records: Some(Default::default()), ..ReadProgress::default() }));
            }
            ui.export_run.set(run);
        })
    };
    let on_cancel_export = {
        let (on_cancel, ui) = (props.on_cancel_read.clone(), ui.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(run) = ui.export_run.take() {
                on_cancel.emit(run);
            }
            ui.export.set(None);
        })
    };
    let exporting = ui.export.as_ref().is_some_and(|p| p.records.is_none());
    let on_save_rule = {
        let (on_save, query) = (props.on_save_rule.clone(), hunt.query.clone());
        Callback::from(move |_: MouseEvent| on_save.emit(saved_rule(&query)))
    };
    let on_save_exception = {
        let (on_save, query) = (props.on_save_exception.clone(), hunt.query.clone());
        Callback::from(move |_: MouseEvent| on_save.emit(query.clone()))
    };
    let on_key = {
        let (selected, open, len) = (selected.clone(), open.clone(), rows.len().min(SHOWN));
        Callback::from(move |e: KeyboardEvent| {
            let at = selected.unwrap_or(0);
            match e.key().as_str() {
                "ArrowDown" => selected.set(Some(if selected.is_some() { (at + 1).min(len.saturating_sub(1)) } else { 0 })),
                "ArrowUp" => selected.set(Some(at.saturating_sub(1))),
                "Enter" if selected.is_some() => open.set(true),
                "Escape" => open.set(false),
                _ => return,
            }
            e.prevent_default();
        })
    };
    let selected_row = selected.filter(|_| **open).and_then(|i| rows.get(i)).map(|&place| {
        let view = index.view(&index.rows()[place]);
        let mut fields: Vec<(String, String)> = Vec::new();
        view.for_each_field(&mut |f| fields.push((f.to_string(), trailhound_engine::first(&view, f).unwrap_or_default())));
        html! {
            <section class="panel event-detail" data-testid="event-detail">
                <h3>{ "Event" }</h3>
                { neighbours(props, index, place, selected, open) }
                <dl class="kv">
                    { for fields.into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
                    <dt>{ "record" }</dt><dd>{ format!("{}, record {}", index.file_name(view.row()), view.row().record + 1) }</dd>
                </dl>
                <EventRecord place={(view.row().file as usize, view.row().record as usize)}
                    on_read={props.on_read.clone()} on_cancel_read={props.on_cancel_read.clone()} />
            </section>
        }
    });
    html! {
        <>
        <div class="hunt-summary">
            <span data-testid="hunt-count" data-count={rows.len().to_string()}>
                { format!("{} of {} events", super::count(rows.len()), super::count(index.len())) }
            </span>
            <span class="muted">{ format!(" · {how}") }</span>
            <button class="button" data-testid="save-hunt-rule" onclick={on_save_rule}
                title="An Elastic query rule with this query, added to the rules and downloaded">{ "Save as rule" }</button>
            <button class="button" data-testid="save-hunt-exception" onclick={on_save_exception}
                title="An exception for every rule: alerts on events this query matches are suppressed">{ "Save as exception" }</button>
            <button class="button" data-testid="export-events-csv" onclick={on_export} disabled={rows.is_empty()}>{ "Export CSV" }</button>
            <button class="button" data-testid="export-events-ndjson" onclick={on_export_ndjson}
                disabled={rows.is_empty() || rows.len() > NDJSON_MOST || exporting}
                title={if rows.len() > NDJSON_MOST {
                    format!("At most {} events export as NDJSON here: narrow the search, or use trailhound hunt --format ndjson", super::count(NDJSON_MOST))
                } else {
                    "Each event's ECS document, read again from its file, one a line".to_string()
                }}>{ "Export NDJSON" }</button>
        </div>
        { export_status(ui.export.as_ref(), on_cancel_export) }
        { histogram(index, rows) }
        <div class="hunt-counts">
            { counts(index, rows, Column::Action, "Actions", narrow(Column::Action.field())) }
            { counts(index, rows, Column::Principal, "Principals", narrow(Column::Principal.field())) }
            { counts(index, rows, Column::SourceAddress, "Source addresses", narrow(Column::SourceAddress.field())) }
        </div>
        { columns_menu(&props.layout, &props.on_layout) }
        <div class="hunt-scroll">
        <table class="events-table" data-testid="events-table" tabindex="0" onkeydown={on_key}>
            <thead><tr>
            { for props.layout.columns.iter().map(|&field| {
                let sorted = props.layout.sort.filter(|(f, _)| *f == field).map(|(_, down)| down);
                let (on_layout, layout) = (props.on_layout.clone(), props.layout.clone());
                let aria = match sorted { Some(true) => "descending", Some(false) => "ascending", None => "none" };
                html! {
                    <th aria-sort={aria} data-testid={format!("events-sort-{}", field.key())}>
                        <button class="th-sort" title={format!("Sort by {}", field.label().to_lowercase())}
                            onclick={Callback::from(move |_| on_layout.emit(layout.sorted_by(field)))}>
                            { field.label() }
                            <span class="sort-mark" aria-hidden="true">{ match sorted { Some(true) => " ▼", Some(false) => " ▲", None => "" } }</span>
                        </button>
                    </th>
                }
            }) }
            </tr></thead>
            <tbody>
            { for rows.iter().take(SHOWN).enumerate().map(|(i, &place)| {
                let row = &index.rows()[place];
                let (selected, open) = (selected.clone(), open.clone());
                html! {
                    <tr class={classes!(is_marked(place).then_some("marked"), (*selected == Some(i)).then_some("selected"))}
                        data-testid="event-row" data-marked={is_marked(place).to_string()}
                        onclick={Callback::from(move |_| { selected.set(Some(i)); open.set(true); })}>
                        { for props.layout.columns.iter().map(|&field| {
                            let cell = field.cell(index, row);
                            html! { <td class={classes!(field.is_code().then_some("mono"))} data-column={field.key()} title={cell.clone()}>{ cell }</td> }
                        }) }
                    </tr>
                }
            }) }
            </tbody>
        </table>
        </div>
        if rows.len() > SHOWN {
            <p class="muted">{ format!("The first {SHOWN} events are listed; the counts, the histogram and the export take all {}.", super::count(rows.len())) }</p>
        }
        { selected_row.unwrap_or_default() }
        </>
    }
}

/// The choice of the table's columns: a checkbox a column.
fn columns_menu(layout: &Layout, on_layout: &Callback<Layout>) -> Html {
    html! {
        <details class="columns-menu" data-testid="events-columns">
            <summary>{ "Columns" }</summary>
            <div class="columns-list">
            { for Field::all().into_iter().map(|field| {
                let (on_layout, layout) = (on_layout.clone(), layout.clone());
                let shown = layout.columns.contains(&field);
                html! {
                    <label>
                        <input type="checkbox" checked={shown} data-testid={format!("events-column-{}", field.key())}
                            disabled={shown && layout.columns.len() == 1}
                            onchange={Callback::from(move |_| on_layout.emit(layout.toggle(field)))} />
                        { format!(" {}", field.label()) }
                    </label>
                }
            }) }
            </div>
        </details>
    }
}

/// The NDJSON export's progress (with Cancel), or why some of it could not be read or saved.
fn export_status(export: Option<&ReadProgress>, on_cancel: Callback<MouseEvent>) -> Html {
    match export {
        Some(ReadProgress { records: None, done, total, .. }) => html! {
            <div class="banner banner-info search-progress" data-testid="export-progress">
                <span>{ format!("Reading the events' documents from their files: {done} of {total} files") }</span>
                <progress max={(*total).max(1).to_string()} value={done.to_string()} />
                <button class="button" data-testid="cancel-export" onclick={on_cancel}>{ "Cancel" }</button>
            </div>
        },
        Some(ReadProgress { errors, .. }) if !errors.is_empty() => html! {
            <div class="banner banner-error" data-testid="export-errors">
                <p>{ "The NDJSON export is missing events:" }</p>
                <ul>{ for errors.iter().map(|e| html! { <li>{ e.clone() }</li> }) }</ul>
            </div>
        },
        _ => Html::default(),
    }
}

/// A cell for a read's number, kept across renders.
#[hook]
fn use_mut_ref_cell() -> std::rc::Rc<std::cell::Cell<Option<u64>>> {
    (*use_memo((), |_| std::rc::Rc::new(std::cell::Cell::new(None)))).clone()
}

/// The pivots from an event: everything within five minutes of it, and what its principal, access
/// key or source address did within the hour; each marks the event.
fn neighbours(
    props: &Props,
    index: &EventIndex,
    place: usize,
    selected: &UseStateHandle<Option<usize>>,
    open: &UseStateHandle<bool>,
) -> Html {
    let row = &index.rows()[place];
    if row.time == NO_TIME {
        return Html::default();
    }
    let mark = Some((index.file_name(row).to_string(), row.record as usize));
    let pivot = |label: &str, key: &str, query: String, span: i64| {
        let hunt = Hunt { query, at: Some(row.time), span: Some(span), mark: mark.clone() };
        let (on_hunt, selected, open) = (props.on_hunt.clone(), selected.clone(), open.clone());
        html! {
            <button class="button" data-testid={format!("neighbours-{key}")} onclick={Callback::from(move |_| {
                selected.set(None);
                open.set(false);
                on_hunt.emit(hunt.clone());
            })}>{ label.to_string() }</button>
        }
    };
    let by = |column: Column, label: &str, key: &str| {
        index.text(row, column).map(|value| pivot(label, key, exact(column.field(), value), HOUR)).unwrap_or_default()
    };
    html! {
        <div class="button-row" aria-label="Events around this one">
            { pivot("Everything ±5 minutes", "around", String::new(), 5 * MINUTE) }
            { by(Column::Principal, "This principal ±1 hour", "principal") }
            { by(Column::AccessKey, "This access key ±1 hour", "access-key") }
            { by(Column::SourceAddress, "This source ±1 hour", "source") }
        </div>
    }
}

/// The rule file of a hunt's query: (file name, TOML), with a fresh random rule id.
fn saved_rule(query: &str) -> (String, String) {
    // No cryptographic source: the clock still makes the id unlikely to repeat.
    let mut bytes = crate::random::bytes16().unwrap_or_else(|| {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&(js_sys::Date::now() as u64).to_le_bytes());
        bytes
    });
    // A version-4 UUID, as Elastic's rule ids are.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let id = format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..]);
    let shown: String = query.chars().take(60).collect();
    let name = format!("Hunt: {shown}{}", if query.chars().count() > 60 { "…" } else { "" });
    let date = crate::download::now_rfc3339().get(..10).unwrap_or("1970-01-01").replace('-', "/");
    (format!("hunt-{}.toml", &hex[..8]), trailhound_engine::rules::hunt_rule_file(query, &name, &id, &date))
}

/// The indexed fields, in words.
fn indexed_fields() -> String {
    let mut fields = vec!["@timestamp"];
    fields.extend(Column::ALL.iter().map(|c| c.field()));
    fields.push("source.ip");
    fields.join(", ")
}
