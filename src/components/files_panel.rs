//! The files panel: every file with its status — scanned (records, alerts), skipped (why) or error
//! (where and why) — plus its shape and record errors; its counts are also `data-` attributes.

use super::{Shared, bytes, plural};
use crate::messages::{record_error_samples, shape_name};
use crate::state::{FileEntry, FileState};
use trailhound_engine::FileStatus;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub files: Shared<Vec<FileEntry>>,
}

#[component]
pub fn FilesPanel(props: &Props) -> Html {
    if props.files.is_empty() {
        return html! { <section class="panel empty" data-testid="files"><p class="muted">{ "No files scanned yet." }</p></section> };
    }
    html! {
        <section class="panel" data-testid="files">
            <ul class="file-list">
                { for props.files.iter().map(file) }
            </ul>
        </section>
    }
}

fn file(entry: &FileEntry) -> Html {
    let status = entry.status();
    // The counts as data, for tests and tools: records seen = scanned + record errors.
    let counts = match &entry.state {
        FileState::Finished(r) => Some([r.records, r.scanned, r.record_errors, r.alerts].map(|n| n.to_string())),
        _ => None,
    };
    let [records, scanned, record_errors, alerts] = counts.map_or([None, None, None, None], |c| c.map(Some));
    let (detail, extra) = match &entry.state {
        FileState::Queued => (html! { <span class="muted">{ "waiting" }</span> }, html! {}),
        FileState::Reading { bytes: read } => {
            (html! { <span class="muted">{ format!("reading {} of {}", bytes(*read), bytes(entry.bytes)) }</span> }, html! {})
        }
        FileState::Finished(result) => {
            let mut what = Vec::new();
            if let Some(shape) = result.read.shape {
                what.push(format!("{}{}", shape_name(shape), if result.read.gzip { ", gzip" } else { "" }));
            }
            let summary = match result.status() {
                FileStatus::Scanned => {
                    format!("{}, {}", plural(result.records, "record", "records"), plural(result.alerts, "alert", "alerts"))
                }
                _ => result.reason().unwrap_or_default(),
            };
            let mut notes = Vec::new();
            if matches!(result.status(), FileStatus::Failed(_)) && result.records > 0 {
                notes.push(format!(
                    "{} read before the error, {}",
                    plural(result.records, "record", "records"),
                    plural(result.alerts, "alert", "alerts")
                ));
            }
            if result.record_errors > 0 {
                notes.push(format!("{} could not be read", plural(result.record_errors, "record", "records")));
            }
            if result.duplicates > 0 {
                notes.push(format!("{} already seen in another file (alerted once)", plural(result.duplicates, "event", "events")));
            }
            if let Some(lossy) = &result.read.lossy {
                notes.push(format!("this shape loses information: {lossy}"));
            }
            let samples = record_error_samples(result);
            let extra = html! {
                <>
                    if !notes.is_empty() { <div class="file-notes">{ notes.join(" · ") }</div> }
                    if !samples.is_empty() {
                        <ul class="record-errors">
                            { for samples.iter().map(|e| html! { <li>{ e.clone() }</li> }) }
                        </ul>
                    }
                </>
            };
            (
                html! {
                    <>
                        <span class="file-summary">{ summary }</span>
                        if !what.is_empty() { <span class="muted">{ format!(" · {}", what.join(", ")) }</span> }
                    </>
                },
                extra,
            )
        }
    };
    html! {
        <li class={classes!("file", status)} data-file={entry.name.clone()} data-status={status}
            data-records={records} data-scanned={scanned} data-record-errors={record_errors} data-alerts={alerts}>
            <span class={classes!("status-pill", status)}>{ status }</span>
            <div class="file-body">
                <div class="file-head">
                    <span class="file-name" title={entry.name.clone()}>{ entry.name.clone() }</span>
                    <span class="muted file-size">{ bytes(entry.bytes) }</span>
                </div>
                <div class="file-detail">{ detail }</div>
                { extra }
            </div>
        </li>
    }
}
