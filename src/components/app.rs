//! The root component: owns the state (`use_reducer` over [`State::reduce`]), the scanner and the
//! saved settings, and lays out the page.

use super::Shared;
use super::alerts_table::AlertsTable;
use super::attack_view::AttackView;
use super::detail::{Detail, NewException};
use super::error_banner::ErrorBanner;
use super::events_panel::EventsPanel;
use super::exceptions_panel::{self, ExceptionsPanel};
use super::files_panel::FilesPanel;
use super::filter_bar::FilterBar;
use super::geoip_panel::GeoIpPanel;
use super::header::Header;
use super::intake::Intake;
use super::overview::Overview;
use super::principals_panel::PrincipalsPanel;
use super::rules_panel::{RuleLine, RulesPanel};
use super::scan_status::ScanStatus;
use super::tabs::Tabs;
use crate::download;
use crate::hooks::{use_geoip, use_persistence, use_scanner};
use crate::state::{Action, FileState, Phase, State, Tab};
use std::rc::Rc;
use trailhound_engine::FileStatus;
use trailhound_engine::TextAlert;
use trailhound_engine::output;
use yew::prelude::*;

/// The state as yew holds it: a new allocation on every action.
struct Store(State);

impl Reducible for Store {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        Rc::new(Store(self.0.clone().reduce(action)))
    }
}

fn export(alerts: Vec<&TextAlert>, csv: bool) -> Result<(), String> {
    // The page keeps documents as text; the output formats read them as trees.
    let owned = alerts.into_iter().map(TextAlert::to_value).collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let stamp = download::now_rfc3339();
    let day = stamp.get(..19).unwrap_or("").replace(':', "");
    let (format, name, mime) = if csv {
        (output::Format::Csv, format!("trailhound-alerts-{day}.csv"), "text/csv")
    } else {
        (output::Format::Ndjson, format!("trailhound-alerts-{day}.ndjson"), "application/x-ndjson")
    };
    output::write(format, &owned, &stamp, &mut out).map_err(|e| e.to_string())?;
    download::save(&name, mime, &String::from_utf8_lossy(&out))
}

/// Which enabled rules read fields no kept GeoIP database provides, a line a database.
fn geoip_needs(state: &State) -> Vec<(String, Vec<String>)> {
    let enabled: Vec<&trailhound_engine::Rule> = state.rules.iter().filter(|r| r.enabled).map(|r| &r.rule).collect();
    crate::geoip::needs(&enabled, &state.geoip).into_iter().map(|(need, rules)| (need.to_string(), rules)).collect()
}

#[component]
pub fn App() -> Html {
    let store = use_reducer(|| Store(State::new()));
    let state = &store.0;
    let dispatch = {
        let store = store.dispatcher();
        use_callback((), move |action: Action, _| store.dispatch(action))
    };
    let geoip = use_geoip(state.geoip.clone(), dispatch.clone());
    let scanner = use_scanner(dispatch.clone(), state.rule_config(), geoip.files.clone());
    let saved: Vec<_> = state.exceptions.iter().map(|c| c.exception.clone()).collect();
    use_persistence(dispatch.clone(), saved, state.rule_config());

    let counts = state.suppression_counts();
    let suppressed_total: usize = counts.iter().sum();
    let (mut scanned, mut skipped, mut failed) = (0, 0, 0);
    for file in &state.files {
        if let FileState::Finished(result) = &file.state {
            match result.status() {
                FileStatus::Scanned => scanned += 1,
                FileStatus::Skipped(_) => skipped += 1,
                FileStatus::Failed(_) => failed += 1,
            }
        }
    }
    let alerts = Shared(state.alerts.clone());
    let rows = Shared(state.rows.clone());
    let shown = crate::view::alert_indices(&state.rows).len();
    // Alerts are counted only where the counts show: the tab's own count needs the rules alone.
    let counted: &[Rc<TextAlert>] = if state.tab == Tab::Attack { &state.alerts } else { &[] };
    let attack = crate::attack::matrix(state.rules.iter().map(|r| (&r.rule, r.enabled)), counted, &state.suppressed);
    let techniques: usize = attack.iter().map(|c| c.cells.len()).sum();
    let events = scanner.events.0.borrow().len();
    // Each alert's principal, key and address, and the calls the enabled rules watch for: what the
    // principals' profiles count (made again only when the alerts or the rules change).
    let alerted = use_memo(Shared(state.alerts.clone()), |alerts| {
        Shared(Rc::new(
            alerts
                .0
                .iter()
                .map(|a| [a.event.identity_arn.clone(), a.event.access_key_id.clone(), a.event.source_address.clone()])
                .collect::<Vec<_>>(),
        ))
    });
    let alerted = (*alerted).clone();
    let watched =
        use_memo(state.rule_config(), |config| Shared(Rc::new(trailhound_engine::Scanner::watched_actions(&config.enabled_rules()))));
    let watched = (*watched).clone();

    let on_export = |csv: bool| {
        let store = store.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |_: ()| {
            if let Err(reason) = export(store.0.visible_alerts(), csv) {
                dispatch.emit(Action::Failed(format!("The export failed: {reason}")));
            }
        })
    };
    let on_exception = dispatch.reform(|(rule_id, rule_name, matcher): NewException| Action::AddException {
        rule_id,
        rule_name,
        matcher,
        comment: String::new(),
    });

    // A hunt saved as a rule joins the rules (a rescan runs it) and is downloaded as its file.
    let on_save_rule = {
        let dispatch = dispatch.clone();
        Callback::from(move |(name, text): (String, String)| {
            if let Err(reason) = download::save(&name, "application/toml", &text) {
                dispatch.emit(Action::Failed(format!("The rule file could not be saved: {reason}")));
            }
            dispatch.emit(Action::AddRuleFile { name, text });
        })
    };
    // A hunt saved as an exception suppresses, for every rule, the alerts on events it matches.
    let on_save_exception = {
        let dispatch = dispatch.clone();
        Callback::from(move |kql: String| match crate::exceptions::check_query(&kql) {
            Ok(()) => dispatch.emit(Action::AddException {
                rule_id: None,
                rule_name: None,
                matcher: crate::exceptions::Matcher::Query { kql },
                comment: "Saved from a hunt".into(),
            }),
            Err(reason) => dispatch.emit(Action::Failed(format!("Not an exception: {reason}"))),
        })
    };
    // Dropped `.mmdb` files are GeoIP databases to keep, not logs to scan.
    let on_dropped = {
        let (scan, keep) = (scanner.add.clone(), geoip.add.clone());
        Callback::from(move |files: Vec<(String, web_sys::File)>| {
            let (databases, logs): (Vec<_>, Vec<_>) = files.into_iter().partition(|(name, _)| crate::geoip::is_database_name(name));
            if !databases.is_empty() {
                keep.emit(databases.into_iter().map(|(_, f)| f).collect());
            }
            if !logs.is_empty() {
                scan.emit(logs);
            }
        })
    };
    let on_sample = {
        let (add, dispatch) = (scanner.add.clone(), dispatch.clone());
        Callback::from(move |_: MouseEvent| match crate::sample::files() {
            Ok(files) => add.emit(files),
            Err(message) => dispatch.emit(Action::Failed(message)),
        })
    };
    let detail = state.selected.and_then(|i| {
        let alert = state.alerts.get(i)?.clone();
        let rule = state.rule(&alert.rule.rule_id).cloned();
        let suppressed_by =
            state.suppressed.get(i).copied().flatten().and_then(|e| state.exceptions.get(e)).map(|c| c.exception.describe());
        Some(html! {
            <Detail {alert} {rule} {suppressed_by} on_close={dispatch.reform(|_| Action::Select(None))} {on_exception}
                on_pivot={dispatch.reform(Action::Hunt)} />
        })
    });

    let body = match state.tab {
        Tab::Alerts if state.phase == Phase::Idle => html! {
            <section class="panel empty welcome">
                <h2>{ "Scan CloudTrail logs for threats, offline" }</h2>
                <p>{ "Trailhound maps each CloudTrail record to Elastic Common Schema and runs Elastic's detection rules (KQL) over it, in this tab. Nothing is uploaded." }</p>
                <p class="muted">{ format!("{} loaded. Drop logs or a whole AWSLogs folder above, or start with the built-in sample: an attack on an audit bucket hidden in an ordinary morning of CloudTrail.", super::plural(state.rules.iter().filter(|r| r.enabled).count(), "rule", "rules")) }</p>
                <button class="button primary" onclick={on_sample}>{ "Scan the sample logs" }</button>
            </section>
        },
        Tab::Alerts => html! {
            <>
                <Overview alerts={alerts.clone()} rows={rows.clone()} on_actor={dispatch.reform(Action::SetActor)} />
                <FilterBar alerts={alerts.clone()} filter={state.filter.clone()} grouping={state.grouping} {shown}
                    suppressed={suppressed_total} show_suppressed={state.show_suppressed}
                    on_text={dispatch.reform(Action::SetFilterText)}
                    on_severity={dispatch.reform(Action::SetSeverity)}
                    on_rule={dispatch.reform(Action::SetRuleFilter)}
                    on_actor={dispatch.reform(Action::SetActor)}
                    on_account={dispatch.reform(Action::SetAccount)}
                    on_technique={dispatch.reform(Action::ShowTechnique)}
                    on_clear={dispatch.reform(|_| Action::ClearFilters)}
                    on_group={dispatch.reform(Action::GroupBy)}
                    on_toggle_suppressed={dispatch.reform(|_| Action::ToggleShowSuppressed)}
                    on_export_csv={on_export(true)} on_export_ndjson={on_export(false)} />
                <div class={classes!("results", detail.is_some().then_some("with-detail"))}>
                    <AlertsTable alerts={alerts.clone()} rows={rows.clone()} suppressed={Shared(Rc::new(state.suppressed.clone()))}
                        sort={state.sort} selected={state.selected} scope={format!("{:?} {:?}", state.filter, state.grouping)}
                        on_sort={dispatch.reform(Action::SortBy)} on_select={dispatch.reform(Action::Select)}
                        on_toggle_group={dispatch.reform(Action::ToggleGroup)} />
                    { detail.unwrap_or_default() }
                </div>
            </>
        },
        Tab::Events => html! {
            <>
            <EventsPanel events={scanner.events.clone()} count={events} hunt={state.hunt.clone()} on_hunt={dispatch.reform(Action::Hunt)}
                search={state.file_search.clone()} scanning={state.phase == Phase::Scanning}
                on_search={scanner.search.clone()} on_cancel_search={scanner.cancel_search.clone()}
                on_read={scanner.read.clone()} on_cancel_read={scanner.cancel_read.clone()}
                layout={state.events_layout.clone()} on_layout={dispatch.reform(Action::EventsLayout)}
                on_save_rule={on_save_rule} on_save_exception={on_save_exception}>
                <PrincipalsPanel events={scanner.events.clone()} count={events} alerted={alerted.clone()} watched={watched.clone()}
                    on_hunt={dispatch.reform(Action::Hunt)} />
            </EventsPanel>
            </>
        },
        Tab::Files => html! { <FilesPanel files={Shared(Rc::new(state.files.clone()))} /> },
        Tab::Rules => html! {
            <>
            <GeoIpPanel databases={state.geoip.clone()} needs={geoip_needs(state)}
                on_add={geoip.add.clone()} on_remove={geoip.remove.clone()} />
            <RulesPanel rules={listed_rules(state)} sort={state.rule_sort} on_sort={dispatch.reform(Action::SortRules)}
                total={state.rules.len()} filter={state.rule_filter.clone()} sources={rule_sources(state)}
                on_filter={dispatch.reform(Action::FilterRules)} on_set_listed={dispatch.reform(Action::SetListedRules)}
                files={state.rule_files.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()}
                problems={state.rule_filter.problems(&state.rule_problems)} replaced={state.rule_replacements.clone()} rules_changed={state.rules_changed}
                emulate_schedule={state.emulate_schedule} learn_first_history={state.learn_first_history}
                on_toggle_emulate={dispatch.reform(|_| Action::ToggleEmulateSchedule)}
                on_toggle_learn={dispatch.reform(|_| Action::ToggleLearnFirstHistory)}
                max_record_mib={state.record_mib()} on_set_record_mib={dispatch.reform(Action::SetMaxRecordMib)}
                on_toggle={dispatch.reform(Action::ToggleRule)}
                on_add_files={dispatch.reform(Action::AddRuleFiles)}
                on_remove_file={dispatch.reform(Action::RemoveRuleFile)}
                on_rescan={scanner.rescan.clone()} />
            </>
        },
        Tab::Attack => html! {
            <AttackView columns={attack} on_technique={dispatch.reform(|id| Action::ShowTechnique(Some(id)))} />
        },
        Tab::Exceptions => html! {
            <ExceptionsPanel exceptions={exceptions_panel::rows(&state.exceptions, &counts)} on_remove={dispatch.reform(Action::RemoveException)} />
        },
    };

    html! {
        <div class="app">
            <Header />
            <main>
                <Intake on_files={on_dropped} scanning={state.phase == Phase::Scanning} />
                <ScanStatus phase={state.phase} progress={state.progress.clone()} {scanned} {skipped} {failed}
                    alerts={state.active_alerts()} suppressed={suppressed_total}
                    current={state.files.iter().find(|f| matches!(f.state, FileState::Reading { .. })).map(|f| AttrValue::from(f.name.clone()))}
                    on_cancel={scanner.cancel.clone()} on_reset={scanner.reset.clone()} />
                if let Some(message) = &state.error {
                    <ErrorBanner message={message.clone()} on_dismiss={dispatch.reform(|_| Action::DismissError)} on_reset={scanner.reset.clone()} />
                }
                <Tabs current={state.tab} alerts={state.active_alerts()} files={state.files.len()} rules={state.rules.len()} {techniques}
                    exceptions={state.exceptions.len()} {events} on_select={dispatch.reform(Action::SetTab)} />
                { body }
            </main>
            <footer class="app-footer muted">
                { "Trailhound runs Elastic detection rules on your CloudTrail logs in this browser tab. No data leaves this page." }
            </footer>
        </div>
    }
}

/// Where the loaded rules came from, for the rules panel's source filter: built in first, then
/// each file in name order.
/// The rules the panel lists, filtered and in its order.
fn listed_rules(state: &State) -> Vec<RuleLine> {
    let mut listed: Vec<&crate::state::RuleEntry> = state.rules.iter().filter(|e| state.rule_filter.matches(e)).collect();
    crate::rule_filter::sort(&mut listed, state.rule_sort);
    listed.into_iter().map(RuleLine::of).collect()
}

/// The sources the rules filter offers: built in, then every rule file, loaded or not.
fn rule_sources(state: &State) -> Vec<String> {
    let mut files: std::collections::BTreeSet<String> =
        state.rules.iter().filter(|e| !e.builtin).map(crate::rule_filter::source_of).collect();
    let not_loaded = state.rule_problems.iter().flat_map(|g| &g.files);
    files.extend(not_loaded.map(|f| crate::rule_filter::file_of(f).to_string()));
    state.rules.iter().any(|e| e.builtin).then(|| "built in".to_string()).into_iter().chain(files).collect()
}
