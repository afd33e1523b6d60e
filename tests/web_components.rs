//! Components rendered into a real DOM in headless Chromium: the test hooks (`data-testid`,
//! `data-state`, `data-status`, `data-event-id`) and that log content is rendered as text.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::rc::Rc;
use std::time::Duration;
use trailhound_app::components::Shared;
use trailhound_app::components::alerts_table::{self, AlertsTable};
use trailhound_app::components::files_panel::{self, FilesPanel};
use trailhound_app::components::overview::{self, Overview};
use trailhound_app::components::scan_status::{self, ScanStatus};
use trailhound_app::messages::{unreadable, unscanned};
use trailhound_app::state::{FileEntry, FileState, Phase, Progress};
use trailhound_app::view::{Row, Sort};
use trailhound_engine::input::FileStatus;
use trailhound_engine::scan::FileReport;
use wasm_bindgen_test::*;
use yew::Callback;

wasm_bindgen_test_configure!(run_in_browser);

#[path = "web_support/mod.rs"]
mod support;
use support::alert;

fn root() -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let div = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&div).unwrap();
    div
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(20)).await;
}

#[wasm_bindgen_test]
async fn the_scan_status_says_its_state() {
    let div = root();
    let props = scan_status::Props {
        phase: Phase::Scanning,
        progress: Progress { files_total: 3, files_done: 1, bytes_total: 3000, bytes_done: 1000, ..Progress::default() },
        scanned: 1,
        skipped: 0,
        failed: 0,
        alerts: 0,
        suppressed: 0,
        current: Some("logs/a.json.gz".into()),
        on_cancel: Callback::noop(),
        on_reset: Callback::noop(),
    };
    yew::Renderer::<ScanStatus>::with_root_and_props(div.clone(), props).render();
    settle().await;
    let status = div.query_selector("[data-testid=scan-status]").unwrap().expect("the status");
    assert_eq!(status.get_attribute("data-state").as_deref(), Some("scanning"));
    let text = status.text_content().unwrap();
    assert!(text.contains("1 of 3 files") && text.contains("logs/a.json.gz"), "{text}");
    assert!(div.query_selector("[data-testid=cancel]").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn files_show_their_status_and_the_engines_reason() {
    let div = root();
    let error = unreadable("notes.json", 10, "line 1, byte 0: not JSON".into());
    let skipped = unscanned("digest.json.gz", 5, FileStatus::Skipped("a CloudTrail digest file".into()));
    let scanned = FileReport { records: 12, scanned: 12, alerts: 3, ..unscanned("logs/<b>a</b>.json", 99, FileStatus::Scanned) };
    let files = vec![
        FileEntry { id: 0, name: "logs/<b>a</b>.json".into(), bytes: 99, state: FileState::Finished(scanned) },
        FileEntry { id: 1, name: "digest.json.gz".into(), bytes: 5, state: FileState::Finished(skipped) },
        FileEntry { id: 2, name: "notes.json".into(), bytes: 10, state: FileState::Finished(error) },
    ];
    yew::Renderer::<FilesPanel>::with_root_and_props(div.clone(), files_panel::Props { files: Shared(Rc::new(files)) }).render();
    settle().await;
    let status = |name: &str| div.query_selector(&format!("[data-file='{name}']")).unwrap().and_then(|e| e.get_attribute("data-status"));
    assert_eq!(status("logs/<b>a</b>.json").as_deref(), Some("scanned"));
    assert_eq!(status("digest.json.gz").as_deref(), Some("skipped"));
    assert_eq!(status("notes.json").as_deref(), Some("error"));
    let text = div.text_content().unwrap();
    assert!(text.contains("12 records, 3 alerts") && text.contains("line 1, byte 0: not JSON") && text.contains("digest file"), "{text}");
    assert!(div.query_selector("b").unwrap().is_none(), "a file name is text, never markup");
}

#[wasm_bindgen_test]
async fn the_table_renders_a_row_per_alert_and_only_visible_rows_when_many() {
    let div = root();
    let alerts: Vec<_> = (0..5000).map(|i| Rc::new(alert(&format!("id-{i}"), "<script>x</script>"))).collect();
    let rows: Vec<Row> = (0..alerts.len()).map(Row::Alert).collect();
    let props = alerts_table::Props {
        suppressed: Shared(Rc::new(vec![None; alerts.len()])),
        alerts: Shared(Rc::new(alerts)),
        rows: Shared(Rc::new(rows)),
        sort: Sort::default(),
        scope: "".into(),
        selected: None,
        on_sort: Callback::noop(),
        on_select: Callback::noop(),
        on_toggle_group: Callback::noop(),
    };
    yew::Renderer::<AlertsTable>::with_root_and_props(div.clone(), props).render();
    settle().await;
    let rendered = div.query_selector_all("[data-testid=alerts] tr[data-event-id]").unwrap().length();
    assert!(rendered > 0 && rendered < 200, "rendered {rendered} of 5000 rows");
    let first = div.query_selector("tr[data-event-id='id-0']").unwrap().expect("the first row");
    assert!(first.text_content().unwrap().contains("<script>x</script>"), "log content is text");
    assert!(div.query_selector("td script").unwrap().is_none());
}

/// The overview shows the top actors and the timeline of the alerts it is given.
#[wasm_bindgen_test]
async fn the_overview_shows_its_alerts() {
    let div = root();
    let alerts: Vec<_> = ["alice", "bob", "alice"].iter().enumerate().map(|(i, a)| Rc::new(alert(&format!("id-{i}"), a))).collect();
    let rows: Vec<Row> = (0..alerts.len()).map(Row::Alert).collect();
    let props = overview::Props { alerts: Shared(Rc::new(alerts)), rows: Shared(Rc::new(rows)), on_actor: Callback::noop() };
    yew::Renderer::<Overview>::with_root_and_props(div.clone(), props).render();
    settle().await;
    let overview = div.query_selector("[data-testid=overview]").unwrap().expect("the overview");
    let text = overview.text_content().unwrap();
    assert!(text.contains("alice") && text.contains("bob"), "{text}");
    assert_eq!(div.query_selector_all("rect.bar").unwrap().length(), 1, "three alerts in the same second");
}

#[wasm_bindgen_test]
fn a_panic_shows_the_fatal_box_with_a_way_to_start_over() {
    let document = web_sys::window().unwrap().document().unwrap();
    let fatal = document.create_element("div").unwrap();
    fatal.set_id("fatal");
    fatal.set_attribute("hidden", "").unwrap();
    fatal.set_inner_html(r#"<span class="fatal-text"></span><a href="./">Start over</a>"#);
    document.body().unwrap().append_child(&fatal).unwrap();
    trailhound_app::components::fatal::show("The app stopped: <b>boom</b>");
    assert!(!fatal.has_attribute("hidden"));
    let text = fatal.query_selector(".fatal-text").unwrap().unwrap();
    assert_eq!(text.text_content().as_deref(), Some("The app stopped: <b>boom</b>"), "the message is text");
    fatal.remove();
}

#[wasm_bindgen_test]
async fn the_attack_view_lists_tactics_and_a_cell_click_names_its_technique() {
    use std::cell::RefCell;
    use trailhound_app::components::attack_view::{self, AttackView};
    use wasm_bindgen::JsCast;
    let set = trailhound_engine::RuleSet::builtin();
    let alerts: Vec<Rc<trailhound_engine::TextAlert>> = Vec::new();
    let columns = trailhound_app::attack::matrix(set.rules.iter().map(|r| (r, true)), &alerts, &[]);
    let clicked = Rc::new(RefCell::new(None));
    let on_technique = {
        let clicked = clicked.clone();
        Callback::from(move |id: String| *clicked.borrow_mut() = Some(id))
    };
    let div = root();
    yew::Renderer::<AttackView>::with_root_and_props(div.clone(), attack_view::Props { columns, on_technique }).render();
    settle().await;
    assert_eq!(div.query_selector_all(".attack-tactic").unwrap().length(), 14, "every ATT&CK tactic has a column");
    let cell = div
        .query_selector(".attack-tactic[data-tactic=TA0005] .attack-cell[data-technique=T1070]")
        .unwrap()
        .expect("the seed rule's technique");
    assert!(cell.text_content().unwrap().contains("AWS S3 Bucket Configuration Deletion"));
    cell.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    assert_eq!(clicked.borrow().as_deref(), Some("T1070"));
}

#[wasm_bindgen_test]
async fn the_geoip_panel_lists_databases_and_the_rules_needing_one() {
    use trailhound_app::components::geoip_panel::{self, GeoIpPanel};
    use trailhound_app::geoip::GeoIpInfo;
    let div = root();
    let city = GeoIpInfo {
        name: "GeoLite2-City.mmdb".into(),
        database_type: "GeoLite2-City".into(),
        kinds: vec!["City".into()],
        build_epoch: 1_772_421_247,
        bytes: 60 << 20,
    };
    let props = geoip_panel::Props {
        databases: vec![city],
        needs: vec![("an ASN database".into(), vec!["Rule <b>one</b>".into(), "Rule two".into()])],
        on_add: Callback::noop(),
        on_remove: Callback::noop(),
    };
    yew::Renderer::<GeoIpPanel>::with_root_and_props(div.clone(), props).render();
    settle().await;
    let row = div.query_selector("[data-testid=geoip-database]").unwrap().expect("the database's row");
    let text = row.text_content().unwrap();
    assert!(text.contains("GeoLite2-City") && text.contains("2026-03-02") && text.contains("60"), "{text}");
    let needs = div.query_selector("[data-testid=geoip-needs]").unwrap().expect("the needs").text_content().unwrap();
    assert!(needs.contains("2 rules need an ASN database") && needs.contains("Rule <b>one</b>; Rule two"), "{needs}");
    assert!(div.query_selector("b").unwrap().is_none(), "a rule name is text, never markup");
    assert!(div.query_selector("[data-testid=geoip-none]").unwrap().is_none());
}

/// The events tab over a real index: a search on indexed fields lists its events in time order
/// with the pivot's event marked, planted markup stays text, and a query on other fields offers a
/// search of the files instead of a wrong answer.
#[wasm_bindgen_test]
async fn the_events_panel_searches_the_index_and_marks_the_pivoted_event() {
    use trailhound_app::components::events_panel::{self, EventsPanel};
    use trailhound_app::hooks::Events;
    use trailhound_app::state::Hunt;
    use trailhound_engine::{EventIndex, Scanner, Source};
    use wasm_bindgen::JsCast;
    let record = |n: u32, key: &str, action: &str| {
        format!(
            r#"{{"eventVersion":"1.09","eventTime":"2024-05-01T10:{n:02}:00Z","eventSource":"s3.amazonaws.com","eventName":"{action}","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.{n}","userAgent":"<b>cli</b>","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::1:user/u{n}","accountId":"111111111111","accessKeyId":"{key}"}},"eventID":"e{n}"}}"#
        )
    };
    // Written out of time order: the panel lists them in time order.
    let text = [record(3, "AKIAONE", "GetObject"), record(1, "AKIAONE", "<img src=x>"), record(2, "AKIATWO", "ListBuckets")].join("\n");
    let scan = Scanner::new([]).with_events(true).scan("a.ndjson", Source::bytes(text.as_bytes()), &mut Vec::new());
    let mut index = EventIndex::new();
    index.add(0, "a.ndjson", scan.events);
    let events = Events(Rc::new(std::cell::RefCell::new(index)));
    // Reading records again answers at once, from the same text, as a worker reads the file.
    let asked = Rc::new(std::cell::RefCell::new(Vec::new()));
    let read = {
        let (text, asked) = (text.clone(), asked.clone());
        Callback::from(move |request: trailhound_app::hooks::ReadRequest| {
            asked.borrow_mut().extend(request.places.iter().copied());
            let records: Vec<usize> = request.places.iter().map(|&(_, record)| record).collect();
            let fetched = Scanner::new([]).fetch(Source::bytes(text.as_bytes()), &records);
            let records = fetched.iter().map(|f| ((0, f.record), trailhound_app::messages::FetchedRecord::of(f))).collect();
            request.on_progress.emit(trailhound_app::hooks::ReadProgress {
                done: 1,
                total: 1,
                records: Some(Rc::new(records)),
                errors: vec![],
                abandoned: false,
            });
            Some(7)
        })
    };
    let hunt = Hunt {
        query: "aws.cloudtrail.user_identity.access_key_id:\"AKIAONE\"".into(),
        mark: Some(("a.ndjson".into(), 0)),
        ..Hunt::default()
    };
    let props = |hunt: Hunt| events_panel::Props {
        events: events.clone(),
        count: 3,
        hunt,
        on_hunt: Callback::noop(),
        search: None,
        scanning: false,
        on_search: Callback::noop(),
        on_cancel_search: Callback::noop(),
        on_save_rule: Callback::noop(),
        on_save_exception: Callback::noop(),
        on_read: read.clone(),
        on_cancel_read: Callback::noop(),
        layout: Default::default(),
        on_layout: Callback::noop(),
        children: yew::Html::default(),
    };
    let div = root();
    yew::Renderer::<EventsPanel>::with_root_and_props(div.clone(), props(hunt)).render();
    settle().await;
    let count = div.query_selector("[data-testid=hunt-count]").unwrap().expect("the count");
    assert_eq!(count.get_attribute("data-count").as_deref(), Some("2"));
    let rows = div.query_selector_all("[data-testid=event-row]").unwrap();
    let cells: Vec<(String, String)> = (0..rows.length())
        .map(|i| {
            let row: web_sys::Element = rows.item(i).unwrap().dyn_into().unwrap();
            let marked = row.get_attribute("data-marked").unwrap_or_default();
            (row.text_content().unwrap_or_default(), marked)
        })
        .collect();
    assert!(cells[0].0.contains("10:01:00") && cells[0].0.contains("<img src=x>"), "planted markup is text: {cells:?}");
    assert!(cells[1].0.contains("10:03:00") && cells[1].1 == "true", "record 0 (10:03) is the marked one: {cells:?}");
    assert!(div.query_selector("img").unwrap().is_none());
    assert!(div.query_selector("[data-testid=histogram]").unwrap().is_some());

    // An opened row reads its record again: the whole ECS document, planted markup as text.
    let first: web_sys::HtmlElement = rows.item(0).unwrap().dyn_into().unwrap();
    first.click();
    settle().await;
    assert_eq!(*asked.borrow(), vec![(0, 1)], "the row at 10:01 is record 1 of file 0");
    let document = div.query_selector("[data-testid=event-ecs-document]").unwrap().expect("the event's ECS document");
    let document = document.text_content().unwrap_or_default();
    assert!(document.contains("\"<img src=x>\"") && document.contains("\"e1\""), "{document}");
    let original = div.query_selector("[data-testid=event-original-record]").unwrap().expect("the CloudTrail record");
    assert!(original.text_content().unwrap_or_default().contains("\"eventName\": \"<img src=x>\""));
    assert!(div.query_selector("img").unwrap().is_none());

    let div = root();
    let hunt = Hunt { query: "aws.cloudtrail.event_type:AwsApiCall".into(), ..Hunt::default() };
    yew::Renderer::<EventsPanel>::with_root_and_props(div.clone(), props(hunt)).render();
    settle().await;
    let banner = div.query_selector("[data-testid=hunt-not-indexed]").unwrap().expect("the offer to search the files");
    assert!(banner.text_content().unwrap().contains("aws.cloudtrail.event_type"));
    assert!(div.query_selector("[data-testid=search-files]").unwrap().is_some());
}
