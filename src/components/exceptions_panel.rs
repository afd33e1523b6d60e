//! The exceptions panel: every saved exception, what it matches, how many alerts it suppresses in
//! this scan, and a button to remove it. New ones are made from an alert's detail.

use crate::exceptions::Compiled;
use yew::prelude::*;

/// One exception as the panel lists it: (id, what it matches, rule, parse error, alerts suppressed).
pub type Line = (u64, String, Option<String>, Option<String>, usize);

#[derive(Properties, PartialEq)]
pub struct Props {
    pub exceptions: Vec<Line>,
    pub on_remove: Callback<u64>,
}

/// The rows the panel shows: (id, what, rule, error, suppressed count).
pub fn rows(exceptions: &[Compiled], counts: &[usize]) -> Vec<Line> {
    exceptions
        .iter()
        .zip(counts.iter().chain(std::iter::repeat(&0)))
        .map(|(c, n)| {
            (c.exception.id, c.exception.describe(), c.exception.rule_name.clone().or(c.exception.rule_id.clone()), c.error.clone(), *n)
        })
        .collect()
}

#[component]
pub fn ExceptionsPanel(props: &Props) -> Html {
    html! {
        <section class="panel" data-testid="exceptions">
            <p class="muted">
                { "Exceptions hide alerts you have judged benign. They are kept in this browser's storage and apply to every scan. Add one from an alert's detail." }
            </p>
            if props.exceptions.is_empty() {
                <p class="empty-note">{ "No exceptions yet." }</p>
            } else {
                <table class="plain">
                    <thead><tr><th>{ "Matches" }</th><th>{ "Rule" }</th><th class="num">{ "Suppressed" }</th><th></th></tr></thead>
                    <tbody>
                        { for props.exceptions.iter().map(|(id, what, rule, error, n)| {
                            let id = *id;
                            html! {
                                <tr data-exception={id.to_string()}>
                                    <td>
                                        <code>{ what.clone() }</code>
                                        if let Some(error) = error { <div class="text-error">{ format!("Does not parse, suppresses nothing: {error}") }</div> }
                                    </td>
                                    <td>{ rule.clone().unwrap_or_else(|| "every rule".into()) }</td>
                                    <td class="num" data-testid="suppressed-count">{ *n }</td>
                                    <td><button class="button small ghost" onclick={props.on_remove.reform(move |_| id)}>{ "Remove" }</button></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}
