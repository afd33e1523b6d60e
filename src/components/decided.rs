//! What a stateful rule decided, in the alert detail: a threshold group's values, count and members,
//! the new terms, or a sequence's events in order. Log content is always text.

use trailhound_engine::{Detail, Member};
use yew::prelude::*;

/// The section for an alert's [`Detail`], or nothing for an alert on one event; a Sigma
/// correlation's group (`correlation`) reads as such rather than as a threshold's.
pub fn section(detail: Option<&Detail>, correlation: bool) -> Html {
    let Some(detail) = detail else { return html! {} };
    match detail {
        Detail::Threshold { terms, count, cardinality, from, members } => {
            let group = if terms.is_empty() {
                "all matches".to_string()
            } else {
                terms.iter().map(|(f, v)| format!("{f} = {v}")).collect::<Vec<_>>().join(", ")
            };
            let shown =
                if members.len() < *count as usize { format!("The first {} of them:", members.len()) } else { "They are:".to_string() };
            html! {
                <section class="detail-section decided" data-testid="decided">
                    <h3>{ if correlation { "Correlation met" } else { "Threshold reached" } }</h3>
                    <dl class="kv compact">
                        <dt>{ "Group" }</dt><dd>{ group }</dd>
                        <dt>{ "Matches" }</dt><dd data-testid="threshold-count">{ count.to_string() }</dd>
                        if let Some((field, distinct)) = cardinality {
                            <dt>{ "Distinct" }</dt><dd>{ if correlation && field == trailhound_engine::stage::correlation::RULES_MATCHED {
                                format!("{distinct} of the correlated rules matched")
                            } else {
                                format!("{distinct} values of {field}")
                            } }</dd>
                        }
                        <dt>{ "Earliest match" }</dt><dd>{ from.clone() }</dd>
                    </dl>
                    <p class="muted">{ shown }</p>
                    { members_table(members) }
                </section>
            }
        }
        Detail::NewTerms { fields, terms } => html! {
            <section class="detail-section decided" data-testid="decided">
                <h3>{ "New terms" }</h3>
                <p class="muted">{ "Not seen in the rule's history window before this event:" }</p>
                <dl class="kv compact">
                    { for fields.iter().zip(terms).map(|(f, t)| html! { <><dt><code>{ f.clone() }</code></dt><dd data-testid="new-term">{ t.clone() }</dd></> }) }
                </dl>
            </section>
        },
        Detail::Sequence { join, events, .. } => {
            let key: Vec<String> = join.iter().map(|k| k.clone().unwrap_or_else(|| "null".to_string())).collect();
            html! {
                <section class="detail-section decided" data-testid="decided">
                    <h3>{ format!("Sequence of {} events", events.len()) }</h3>
                    if !key.is_empty() { <p>{ "Joined by " }<code>{ key.join(", ") }</code></p> }
                    { members_table(events) }
                </section>
            }
        }
    }
}

fn members_table(members: &[Member]) -> Html {
    let cell = |v: &Option<String>| v.clone().unwrap_or_default();
    html! {
        <table class="plain members" data-testid="members">
            <thead><tr><th>{ "Time" }</th><th>{ "Action" }</th><th>{ "Actor" }</th><th>{ "Source" }</th><th>{ "Event ID" }</th></tr></thead>
            <tbody>
                { for members.iter().map(|m| html! {
                    // Where the event is: on hover, so the table fits the detail panel.
                    <tr title={format!("{}, record {}", m.origin.file, m.origin.record + 1)}>
                        <td>{ cell(&m.timestamp) }</td><td>{ cell(&m.action) }</td><td>{ cell(&m.actor) }</td>
                        <td>{ cell(&m.source) }</td><td class="mono">{ cell(&m.event_id) }</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
