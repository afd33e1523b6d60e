//! The scan status line: files and bytes done of the total, records per second, Cancel, and the
//! totals once done (`data-state` = idle | scanning | done).

use super::{bytes, count, plural};
use crate::state::{Phase, Progress};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub phase: Phase,
    pub progress: Progress,
    pub scanned: usize,
    pub skipped: usize,
    pub failed: usize,
    pub alerts: usize,
    pub suppressed: usize,
    /// The file being read, if any.
    pub current: Option<AttrValue>,
    pub on_cancel: Callback<()>,
    pub on_reset: Callback<()>,
}

#[component]
pub fn ScanStatus(props: &Props) -> Html {
    let p = &props.progress;
    let rate = p.records_per_second().map(|r| format!("{} records/s", count(r.round() as usize)));
    let body = match props.phase {
        Phase::Idle => html! { <span class="muted">{ "No files yet. Drop CloudTrail logs above, or try the sample." }</span> },
        Phase::Scanning => html! {
            <>
                <progress max={p.bytes_total.max(1).to_string()} value={p.bytes_done.to_string()} aria-label="Scan progress"></progress>
                <span class="status-text">
                    <strong>{ "Scanning… " }</strong>
                    { format!("{} of {} files · {} of {} · {}", count(p.files_done), count(p.files_total), bytes(p.bytes_done), bytes(p.bytes_total), plural(p.records, "record", "records")) }
                    if let Some(rate) = rate { { format!(" · {rate}") } }
                    if let Some(current) = &props.current { <span class="muted current-file" title={current.clone()}>{ format!(" · {current}") }</span> }
                </span>
                <button class="button danger" onclick={props.on_cancel.reform(|_| ())} data-testid="cancel">{ "Cancel" }</button>
            </>
        },
        Phase::Done => html! {
            <>
                <span class="status-text">
                    <strong>{ plural(props.alerts, "alert", "alerts") }</strong>
                    if props.suppressed > 0 { { format!(" ({} suppressed by exceptions)", count(props.suppressed)) } }
                    { format!(" · {} in {} ({}): {} scanned", plural(p.records, "record", "records"), plural(p.files_total, "file", "files"), bytes(p.bytes_total), count(props.scanned)) }
                    if props.skipped > 0 { { format!(", {} skipped", props.skipped) } }
                    if props.failed > 0 { <span class="text-error">{ format!(", {} with errors", props.failed) }</span> }
                    if let Some(rate) = rate { <span class="muted">{ format!(" · {rate}") }</span> }
                    if p.scanner_memory > 0 {
                        <span class="muted" data-testid="scanner-memory" data-bytes={p.scanner_memory.to_string()}
                            title="The most memory one scanning worker has taken in this tab">
                            { format!(" · {} of memory a worker", bytes(p.scanner_memory)) }
                        </span>
                    }
                </span>
                <button class="button ghost" onclick={props.on_reset.reform(|_| ())} data-testid="reset">{ "Start over" }</button>
            </>
        },
    };
    html! {
        <section class={classes!("scan-status", props.phase.as_str())} data-testid="scan-status" data-state={props.phase.as_str()}
            role="status" aria-live="polite">
            { body }
        </section>
    }
}
