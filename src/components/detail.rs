//! The alert detail: what happened, ways to except it, the rule (description, MITRE mapping,
//! metadata, the investigation guide rendered from its Markdown note), the ECS document and the
//! original CloudTrail record. Log content is always text.

use super::{Shared, external_link};
use crate::exceptions::{EXCEPTABLE_FIELDS, Matcher, check_query};
use crate::markdown;
use crate::state::Hunt;
use std::rc::Rc;
use trailhound_engine::Rule;
use trailhound_engine::{TextAlert, first};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

/// An exception the user asked for: (rule id, rule name, matcher).
pub type NewException = (Option<String>, Option<String>, Matcher);

#[derive(Properties)]
pub struct Props {
    pub alert: Rc<TextAlert>,
    /// The rule, when it is still loaded.
    pub rule: Option<Rule>,
    /// The exception that suppresses this alert, described.
    pub suppressed_by: Option<String>,
    pub on_close: Callback<()>,
    pub on_exception: Callback<NewException>,
    /// Show the events of the alert's access key, principal or address (the events tab).
    #[prop_or_default]
    pub on_pivot: Callback<Hunt>,
}

impl PartialEq for Props {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.alert, &other.alert)
            && self.rule.as_ref().map(|r| (&r.rule_id, r.version, &r.source))
                == other.rule.as_ref().map(|r| (&r.rule_id, r.version, &r.source))
            && self.suppressed_by == other.suppressed_by
    }
}

fn pretty(value: &serde_json::Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// An alert's documents as trees: the page keeps them as text and parses them only to show them.
struct Parsed {
    document: serde_json::Value,
    original: Option<serde_json::Value>,
}

#[component]
pub fn Detail(props: &Props) -> Html {
    let alert = &props.alert;
    let e = &alert.event;
    // The text is JSON the worker printed: it parses, or the document shows as null.
    let parsed = use_memo(Shared(alert.clone()), |alert| Parsed {
        document: alert.document.parse().unwrap_or_default(),
        original: alert.original.as_ref().and_then(|o| o.parse().ok()),
    });
    let rule_id = alert.rule.rule_id.clone();
    let rule_name = alert.rule.name.clone();
    // Escape closes the detail.
    {
        let on_close = props.on_close.clone();
        crate::hooks::use_keydown(move |e| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        });
    }
    let kql = use_state(String::new);
    let kql_error = use_state(|| None::<String>);
    let added = use_state(|| None::<String>);
    {
        let (kql, kql_error, added) = (kql.clone(), kql_error.clone(), added.clone());
        let actor_field = e.identity_arn.as_ref().map(|arn| format!("aws.cloudtrail.user_identity.arn:\"{arn}\""));
        use_effect_with(props.alert.clone(), move |_| {
            kql.set(actor_field.unwrap_or_default());
            kql_error.set(None);
            added.set(None);
        });
    }

    let summary = [
        ("Time", e.timestamp.clone()),
        (
            "Action",
            match (&e.action, &e.provider) {
                (Some(a), Some(p)) => Some(format!("{a} ({p})")),
                (a, _) => a.clone(),
            },
        ),
        ("Outcome", e.outcome.clone()),
        ("User", e.user_name.clone()),
        (
            "Identity",
            match (&e.identity_type, &e.identity_arn) {
                (Some(t), Some(a)) => Some(format!("{t} · {a}")),
                (t, a) => a.clone().or(t.clone()),
            },
        ),
        ("Access key", e.access_key_id.clone()),
        ("Source", e.source_ip.clone().or(e.source_address.clone())),
        ("Location", e.place()),
        ("Network", e.network()),
        ("Client", e.client.clone()),
        ("User agent", e.user_agent.clone()),
        (
            "Account / region",
            match (&e.account_id, &e.region) {
                (Some(a), Some(r)) => Some(format!("{a} / {r}")),
                (a, r) => a.clone().or(r.clone()),
            },
        ),
        ("Bucket", e.bucket.clone()),
        ("Event ID", e.event_id.clone()),
        ("Found in", Some(format!("{}, record {}", alert.origin.file, alert.origin.record + 1))),
    ];

    let except_buttons = EXCEPTABLE_FIELDS.iter().filter_map(|(field, label)| {
        let value = first(&parsed.document, field)?;
        let (rule_id, rule_name, added) = (rule_id.clone(), rule_name.clone(), added.clone());
        let on = props.on_exception.clone();
        let (field, shown) = (field.to_string(), value.clone());
        let onclick = Callback::from(move |_: MouseEvent| {
            added.set(Some(format!("Exception added: {field} is \"{value}\" for this rule.")));
            on.emit((Some(rule_id.clone()), Some(rule_name.clone()), Matcher::Field { field: field.clone(), value: value.clone() }));
        });
        Some(html! {
            <button class="button small" {onclick} title={shown.clone()} data-except={field_label(label)}>
                { format!("Exclude {label}") }
            </button>
        })
    });
    let on_kql_input = {
        let kql = kql.clone();
        Callback::from(move |e: InputEvent| kql.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let on_kql_add = {
        let (kql, kql_error, added, on) = (kql.clone(), kql_error.clone(), added.clone(), props.on_exception.clone());
        let (rule_id, rule_name) = (rule_id.clone(), rule_name.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match check_query(&kql) {
                Ok(()) => {
                    kql_error.set(None);
                    added.set(Some("Exception added for this rule.".into()));
                    on.emit((Some(rule_id.clone()), Some(rule_name.clone()), Matcher::Query { kql: (*kql).clone() }));
                }
                Err(error) => kql_error.set(Some(error)),
            }
        })
    };

    html! {
        <aside class="detail" data-testid="detail" aria-label="Alert detail">
            <div class="detail-head">
                <div>
                    <span class={classes!("sev", alert.rule.severity.as_str())}>{ alert.rule.severity.as_str() }</span>
                    <span class="muted">{ format!(" risk {}", alert.rule.risk_score) }</span>
                    <h2>{ alert.rule.name.clone() }</h2>
                </div>
                <button class="button ghost close" onclick={props.on_close.reform(|_| ())} aria-label="Close detail">{ "✕" }</button>
            </div>
            if let Some(by) = &props.suppressed_by {
                <p class="banner banner-info">{ format!("Suppressed by the exception: {by}") }</p>
            }
            <dl class="kv">
                { for summary.into_iter().filter_map(|(k, v)| v.map(|v| html! { <><dt>{ k }</dt><dd>{ v }</dd></> })) }
            </dl>
            { super::decided::section(alert.detail.as_ref(), alert.rule.rule_type == trailhound_engine::rules::RuleType::Correlation) }
            { pivots(alert, &props.on_pivot) }

            <section class="detail-section exceptions-box">
                <h3>{ "Not a threat?" }</h3>
                <p class="muted">{ "Exclude a value for this rule; the exception is saved in this browser and applies to every scan." }</p>
                <div class="button-row">{ for except_buttons }</div>
                <form class="kql-form" onsubmit={on_kql_add}>
                    <label for="kql-exception">{ "Or write an exception as a KQL query (for this rule):" }</label>
                    <textarea id="kql-exception" rows="2" value={(*kql).clone()} oninput={on_kql_input} spellcheck="false" data-testid="kql-exception" />
                    if let Some(error) = &*kql_error { <p class="text-error">{ error.clone() }</p> }
                    <button class="button" type="submit" data-testid="add-kql-exception">{ "Add KQL exception" }</button>
                </form>
                if let Some(text) = &*added { <p class="text-ok" role="status">{ text.clone() }</p> }
            </section>

            { rule_section(alert, props.rule.as_ref()) }

            <details class="detail-section">
                <summary>{ "ECS document" }</summary>
                <pre class="json" data-testid="ecs-document">{ pretty(&parsed.document) }</pre>
            </details>
            if let Some(original) = &parsed.original {
                <details class="detail-section">
                    <summary>{ "Original CloudTrail record" }</summary>
                    <pre class="json" data-testid="original-record">{ pretty(original) }</pre>
                </details>
            }
        </aside>
    }
}

/// Buttons to the events of the alert's access key, principal and address, in the events tab,
/// with the alert's event marked.
fn pivots(alert: &TextAlert, on_pivot: &Callback<Hunt>) -> Html {
    let e = &alert.event;
    let at = e.timestamp.as_deref().and_then(trailhound_engine::events::timestamp_millis);
    let mark = Some((alert.origin.file.clone(), alert.origin.record));
    let button = |label: &str, key: &str, field: &str, value: Option<&String>| {
        let value = value?;
        let hunt = Hunt { query: super::events_panel::exact(field, value), at, span: None, mark: mark.clone() };
        let on_pivot = on_pivot.clone();
        Some(html! {
            <button class="button" data-testid={format!("pivot-{key}")} title={format!("Every event with {field} {value}")}
                onclick={Callback::from(move |_| on_pivot.emit(hunt.clone()))}>{ label.to_string() }</button>
        })
    };
    let buttons: Vec<Html> = [
        button("This access key", "access-key", "aws.cloudtrail.user_identity.access_key_id", e.access_key_id.as_ref()),
        button("This principal", "principal", "aws.cloudtrail.user_identity.arn", e.identity_arn.as_ref()),
        button("This source address", "source", "source.address", e.source_address.as_ref()),
    ]
    .into_iter()
    .flatten()
    .collect();
    if buttons.is_empty() {
        return Html::default();
    }
    html! {
        <section class="detail-section pivots" data-testid="pivots">
            <h3>{ "What else did they do?" }</h3>
            <p class="muted">{ "Every event the scan read of the same key, principal or address, in time order, this one marked." }</p>
            <div class="button-row">{ for buttons }</div>
        </section>
    }
}

fn field_label(label: &str) -> String {
    label.trim_start_matches("this ").replace(' ', "-")
}

fn rule_section(alert: &TextAlert, rule: Option<&Rule>) -> Html {
    let mitre = alert.rule.tactics.iter().map(|t| (t, "Tactic")).chain(alert.rule.techniques.iter().map(|t| (t, "Technique")));
    let mitre = html! {
        <ul class="mitre">
            { for mitre.map(|(m, kind)| html! {
                <li><span class="muted">{ format!("{kind} ") }</span>{ external_link(&m.reference, html! { <>{ if m.name == m.id { m.id.clone() } else { format!("{} {}", m.id, m.name) } }</> }) }</li>
            }) }
        </ul>
    };
    let Some(rule) = rule else {
        return html! {
            <section class="detail-section">
                <h3>{ "Rule" }</h3>
                { mitre }
                <p class="muted">{ "This rule is no longer loaded; its guide is not available." }</p>
            </section>
        };
    };
    let meta = [
        ("Type", rule.rule_type().to_string()),
        ("Severity", rule.severity.to_string()),
        ("Risk score", rule.risk_score.to_string()),
        ("Runs every", rule.interval.clone()),
        ("Looks back", rule.from.clone()),
        ("Max alerts a run", rule.max_signals.to_string()),
        ("Version", rule.version.map(|v| v.to_string()).unwrap_or_else(|| "—".into())),
        ("Rule ID", rule.rule_id.clone()),
        ("Source", rule.source.clone()),
    ];
    html! {
        <section class="detail-section rule-info">
            <h3>{ "Rule" }</h3>
            <p>{ rule.description.clone() }</p>
            { mitre }
            <dl class="kv compact">
                { for meta.into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
            </dl>
            if !rule.tags.is_empty() {
                <ul class="tags">{ for rule.tags.iter().map(|t| html! { <li class="tag">{ t.clone() }</li> }) }</ul>
            }
            <details class="query-box">
                <summary>{ "Query" }</summary>
                <pre class="kql">{ rule.query_text.trim().to_string() }</pre>
            </details>
            if let Some(note) = &rule.note {
                <div class="guide" data-testid="guide">
                    { Html::from_html_unchecked(AttrValue::from(markdown::to_html(note))) }
                </div>
            } else {
                <p class="muted">{ "This rule has no investigation guide." }</p>
            }
            if !rule.false_positives.is_empty() {
                <h4>{ "Known false positives" }</h4>
                <ul>{ for rule.false_positives.iter().map(|f| html! { <li>{ f.clone() }</li> }) }</ul>
            }
            if !rule.references.is_empty() {
                <h4>{ "References" }</h4>
                <ul class="references">{ for rule.references.iter().map(|r| html! { <li>{ external_link(r, html! { <>{ r.clone() }</> }) }</li> }) }</ul>
            }
        </section>
    }
}
