//! An opened event's whole ECS document and CloudTrail record, read again from its file when it
//! is opened (the event index keeps only the pivot fields): what the analyst reads to judge it.

use crate::hooks::{Place, ReadProgress, ReadRequest};
use trailhound_engine::JsonText;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    /// The event's file (its number in the scan) and record.
    pub place: Place,
    /// Reads records again from their files (the scanner's `read`).
    pub on_read: Callback<ReadRequest, Option<u64>>,
    #[prop_or_default]
    pub on_cancel_read: Callback<u64>,
}

/// What is known of the record so far.
#[derive(Clone, PartialEq)]
enum Record {
    Reading,
    Read { document: String, original: Option<String> },
    Failed(String),
}

fn pretty(text: &JsonText) -> String {
    text.parse().ok().and_then(|value| serde_json::to_string_pretty(&value).ok()).unwrap_or_else(|| text.text().to_string())
}

#[component]
pub fn EventRecord(props: &Props) -> Html {
    let record = use_state(|| Record::Reading);
    {
        let (record, on_read, on_cancel) = (record.clone(), props.on_read.clone(), props.on_cancel_read.clone());
        use_effect_with(props.place, move |&place| {
            record.set(Record::Reading);
            let on_progress = {
                let record = record.clone();
                Callback::from(move |progress: ReadProgress| {
                    let Some(records) = progress.records else { return };
                    record.set(match records.first() {
                        _ if progress.abandoned => Record::Failed(progress.errors.join("; ")),
                        Some((_, read)) => Record::Read { document: pretty(&read.document), original: read.original.as_ref().map(pretty) },
                        None if progress.errors.is_empty() => Record::Failed("the record was not found in its file".into()),
                        None => Record::Failed(progress.errors.join("; ")),
                    });
                })
            };
            let run = on_read.emit(ReadRequest { places: vec![place], on_progress });
            move || {
                if let Some(run) = run {
                    on_cancel.emit(run);
                }
            }
        });
    }
    match &*record {
        Record::Reading => html! { <p class="muted" data-testid="event-record-reading">{ "Reading the record from its file…" }</p> },
        Record::Failed(why) => {
            html! { <p class="text-error" data-testid="event-record-error">{ format!("The record could not be read again: {why}") }</p> }
        }
        Record::Read { document, original } => html! {
            <>
            <details class="detail-section" open=true>
                <summary>{ "ECS document" }</summary>
                <pre class="json" data-testid="event-ecs-document">{ document.clone() }</pre>
            </details>
            if let Some(original) = original {
                <details class="detail-section">
                    <summary>{ "Original CloudTrail record" }</summary>
                    <pre class="json" data-testid="event-original-record">{ original.clone() }</pre>
                </details>
            }
            </>
        },
    }
}
