//! The GeoIP databases panel (on the rules tab): the databases kept in this browser with their
//! type and build date, a button to add `.mmdb` files and one to remove each, and which loaded rules
//! read fields that no kept database provides.

use crate::geoip::GeoIpInfo;
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub databases: Vec<GeoIpInfo>,
    /// (database needed, names of the rules that need it).
    pub needs: Vec<(String, Vec<String>)>,
    pub on_add: Callback<Vec<File>>,
    pub on_remove: Callback<String>,
}

#[component]
pub fn GeoIpPanel(props: &Props) -> Html {
    let onchange = {
        let on_add = props.on_add.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(list) = input.files() else { return };
            on_add.emit((0..list.length()).filter_map(|i| list.get(i)).collect());
            input.set_value("");
        })
    };
    html! {
        <section class="panel geoip" data-testid="geoip">
            <h3>{ "GeoIP and ASN databases" }</h3>
            <div class="panel-actions">
                <label class="button">
                    { "Add databases…" }
                    <input type="file" class="visually-hidden" multiple=true accept=".mmdb" {onchange} data-testid="geoip-input" />
                </label>
                <span class="muted">{ "MaxMind GeoLite2 or GeoIP2 City, Country and ASN files (.mmdb), DB-IP Lite or IPinfo Lite: alerts get source.geo.* and source.as.*, and rules can match on them. The files stay in this browser's storage; nothing is uploaded." }</span>
            </div>
            if props.databases.is_empty() {
                <p class="muted" data-testid="geoip-none">{ "No database: alerts carry no location or network, and rules reading them cannot match as in Elastic." }</p>
            } else {
                <table class="plain geoip-table">
                    <thead><tr><th>{ "File" }</th><th>{ "Type" }</th><th>{ "Answers" }</th><th>{ "Built" }</th><th class="num">{ "Size" }</th><th></th></tr></thead>
                    <tbody>
                        { for props.databases.iter().map(|db| {
                            let name = db.name.clone();
                            html! {
                                <tr data-testid="geoip-database" data-name={db.name.clone()}>
                                    <td><code>{ db.name.clone() }</code></td>
                                    <td>{ db.database_type.clone() }</td>
                                    <td>{ db.kinds.join(", ") }</td>
                                    <td>{ db.built() }</td>
                                    <td class="num">{ super::bytes(db.bytes) }</td>
                                    <td><button class="button small ghost" aria-label={format!("Remove {}", db.name)}
                                        onclick={props.on_remove.reform(move |_| name.clone())}>{ "Remove" }</button></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
            if !props.needs.is_empty() {
                <ul class="rule-notes" data-testid="geoip-needs">
                    { for props.needs.iter().map(|(need, rules)| html! {
                        <li title={rules.join("\n")}>
                            { format!("{} {} {need}: ", super::plural(rules.len(), "rule", "rules"), if rules.len() == 1 { "needs" } else { "need" }) }
                            <span class="muted">{ rules.join("; ") }</span>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}
