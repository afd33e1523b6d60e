//! The event index answers as a scan does: for any records, cut into files at any places and
//! settled in any order, a KQL query on indexed fields gives from the rows exactly the events a
//! scan with the query as a rule finds, in time order, each event once; a pivot gives what the
//! equivalent query gives; and a row the index cannot hold whole makes the index send the query
//! back to a rescan rather than answer it wrongly.

use proptest::prelude::*;
use serde_json::{Value, json};
use trailhound_engine::events::{Column, EventIndex, Span};
use trailhound_engine::kql::Query;
use trailhound_engine::scan::{IdKey, Merge, Scanner, Source};
use trailhound_engine::{Alert, Rule};
use trailhound_testkit::input::CountingFile;

const PRINCIPALS: &[&str] =
    &["arn:aws:iam::111111111111:user/alice", "arn:aws:iam::222222222222:user/bob", "arn:aws:sts::111111111111:assumed-role/ops/x"];
const KEYS: &[&str] = &["AKIAALICE", "ASIATEMP1", "ASIATEMP2"];
const SOURCES: &[&str] = &["203.0.113.7", "10.1.2.3", "ec2.amazonaws.com", "2001:db8::1", "-"];
const ACTIONS: &[&str] = &["GetObject", "DeleteBucketPolicy", "ListBuckets", "ConsoleLogin", "AssumeRole"];
const ERRORS: &[&str] = &["AccessDenied", "NoSuchBucket"];
const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-south-1"];

/// One generated record: which value of each field (out of range: absent), its `eventID` (equal
/// numbers are the same event, delivered twice: see [`records`]) and whether its user agent is a
/// list (the pipeline fails on it: the row holds the failure's document).
#[derive(Debug, Clone)]
struct Spec {
    id: usize,
    principal: usize,
    key: usize,
    source: usize,
    action: usize,
    error: usize,
    region: usize,
    odd: bool,
}

fn spec() -> impl Strategy<Value = Spec> {
    (0usize..20, 0usize..4, 0usize..4, 0usize..6, 0usize..5, 0usize..4, 0usize..3, prop::bool::weighted(0.05)).prop_map(
        |(id, principal, key, source, action, error, region, odd)| Spec { id, principal, key, source, action, error, region, odd },
    )
}

/// The records of `specs`: an event delivered again is the same record, as CloudTrail's are.
fn records(specs: &[Spec]) -> Vec<String> {
    let mut first: std::collections::HashMap<usize, &Spec> = Default::default();
    specs.iter().map(|s| record(first.entry(s.id).or_insert(s))).collect()
}

fn record(s: &Spec) -> String {
    let mut identity = json!({"type": if s.principal == 2 { "AssumedRole" } else { "IAMUser" }, "accountId": "111111111111"});
    if let Some(arn) = PRINCIPALS.get(s.principal) {
        identity["arn"] = json!(arn);
    }
    if let Some(key) = KEYS.get(s.key) {
        identity["accessKeyId"] = json!(key);
    }
    // One time a distinct event, so that time order is one order whatever the files.
    let mut record = json!({
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": format!("2024-08-18T13:{:02}:{:02}Z", s.id / 60, s.id % 60),
        "eventSource": "s3.amazonaws.com",
        "eventName": ACTIONS[s.action],
        "awsRegion": REGIONS[s.region],
        "userAgent": if s.odd { json!(["aws-cli/2", "boto3"]) } else { json!("aws-cli/2.17.32") },
        "eventID": format!("e-{}", s.id),
        "recipientAccountId": "999999999999",
    });
    // AssumeRole's records say nothing of being read-only here, the others do.
    if s.action != 4 {
        record["readOnly"] = json!(s.action != 1);
    }
    if let Some(source) = SOURCES.get(s.source) {
        record["sourceIPAddress"] = json!(source);
    }
    if let Some(error) = ERRORS.get(s.error) {
        record["errorCode"] = json!(error);
    }
    record.to_string()
}

/// A query on indexed fields, from a small grammar.
fn query() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        prop::sample::select(PRINCIPALS).prop_map(|p| format!("aws.cloudtrail.user_identity.arn:\"{p}\"")),
        prop::sample::select(KEYS).prop_map(|k| format!("aws.cloudtrail.user_identity.access_key_id:{k}")),
        Just("aws.cloudtrail.user_identity.access_key_id:ASIA*".to_string()),
        prop::sample::select(ACTIONS).prop_map(|a| format!("event.action:{a}")),
        Just("event.action:(Delete* or List*)".to_string()),
        Just("event.outcome:failure".to_string()),
        Just("aws.cloudtrail.error_code:*".to_string()),
        Just("source.ip:10.0.0.0/8".to_string()),
        Just("source.ip:*".to_string()),
        Just("source.address:ec2.amazonaws.com".to_string()),
        Just("cloud.account.id:111111111111".to_string()),
        Just("cloud.region:eu-*".to_string()),
        Just("@timestamp >= \"2024-08-18T13:00:10Z\"".to_string()),
        Just("@timestamp < \"2024-08-18T13:00:05.000Z\"".to_string()),
        Just("user_agent.original:aws-cli*".to_string()),
        Just("event.provider:s3.amazonaws.com".to_string()),
        Just("aws.cloudtrail.read_only:true".to_string()),
        Just("aws.cloudtrail.read_only:false".to_string()),
        Just("aws.cloudtrail.read_only:*".to_string()),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) or ({b})")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

fn name(file: usize) -> String {
    format!("f{file:02}.ndjson")
}

/// The index of `files`, scanned apart and settled in `arrival` order.
fn index(files: &[String], arrival: &[usize]) -> EventIndex {
    let scanner = Scanner::new([]).with_events(true).with_id_key(IdKey(1, 2));
    let mut merge: Merge<Alert> = Merge::new();
    for &file in arrival {
        let scan = scanner.scan(&name(file), Source::bytes(files[file].as_bytes()), &mut Vec::new());
        merge.push(file, scan, []);
    }
    let mut index = EventIndex::new();
    for settled in merge.settle(usize::MAX).0 {
        index.add(settled.file, &name(settled.file), settled.events);
    }
    index
}

/// The `eventID`s of rows (by place), read back from their files.
fn event_ids(index: &EventIndex, files: &[String], places: &[usize]) -> Vec<String> {
    let scanner = Scanner::new([]);
    places
        .iter()
        .map(|&place| {
            let row = index.rows()[place];
            let fetched = scanner.fetch(Source::bytes(files[row.file as usize].as_bytes()), &[row.record as usize]);
            assert_eq!(fetched.len(), 1, "row {row:?} reads back");
            original_id(fetched[0].original.as_ref())
        })
        .collect()
}

/// The `eventID`s a scan with `query` as its only rule alerts on, in time order.
fn hunted(files: &[String], query: &Query) -> Vec<String> {
    let scanner = Scanner::new([Rule::hunt(query.clone())]).with_id_key(IdKey(1, 2));
    let mut merge: Merge<Alert> = Merge::new();
    for (file, text) in files.iter().enumerate() {
        let mut raised = Vec::new();
        let scan = scanner.scan(&name(file), Source::bytes(text.as_bytes()), &mut raised);
        merge.push(file, scan, raised);
    }
    let mut alerts: Vec<Alert> = merge.settle(usize::MAX).0.into_iter().flat_map(|s| s.alerts).collect();
    alerts
        .sort_by(|a, b| (&a.event.timestamp, &a.origin.file, a.origin.record).cmp(&(&b.event.timestamp, &b.origin.file, b.origin.record)));
    alerts.into_iter().map(|a| original_id(a.original.as_ref())).collect()
}

/// A record's own `eventID` (a record the pipeline fails on has no `event.id`).
fn original_id(record: Option<&Value>) -> String {
    record.and_then(|r| r["eventID"].as_str()).expect("a raw record with an id").to_string()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn the_index_answers_as_a_scan_does_however_the_files_are_cut(
        specs in prop::collection::vec(spec(), 1..30),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..5),
        order in any::<prop::sample::Index>(),
        text in query(),
    ) {
        let lines = records(&specs);
        let query = Query::parse(&text).expect("the grammar's queries parse");
        let (files, arrival) = trailhound_testkit::split(&lines, cuts.iter().map(|c| c.index(lines.len())), order.index(lines.len()));
        let index = index(&files, &arrival);
        // A record the pipeline fails on has no `event.id`, so each of its deliveries is an event.
        let firsts: std::collections::BTreeMap<usize, bool> = specs.iter().rev().map(|s| (s.id, s.odd)).collect();
        let failed = specs.iter().filter(|s| firsts[&s.id]).count();
        prop_assert_eq!(index.len(), firsts.values().filter(|odd| !**odd).count() + failed, "one row an event, however often delivered");
        let want = hunted(&files, &query);
        match index.search(&query) {
            Some(found) => {
                prop_assert_eq!(event_ids(&index, &files, &found), want.clone());
                // Each row is found again by where its record is (as a search of the files finds it).
                for &place in &found {
                    let row = index.rows()[place];
                    prop_assert_eq!(index.place(row.file as usize, row.record as usize), Some(place));
                }
            }
            None => prop_assert!(index.rows().iter().any(|r| !r.is_exact()), "{} names only indexed fields", text),
        }
        // One file holding every record gives the same events.
        let whole = vec![lines.join("\n")];
        let whole_index = self::index(&whole, &[0]);
        if let Some(found) = whole_index.search(&query) {
            prop_assert_eq!(event_ids(&whole_index, &whole, &found), want);
        }
    }

    #[test]
    fn a_pivot_gives_what_the_query_gives(specs in prop::collection::vec(spec(), 1..30), key in prop::sample::select(KEYS)) {
        let lines = records(&specs);
        let files = vec![lines.join("\n")];
        let index = index(&files, &[0]);
        let pivot = index.pivot(Column::AccessKey, key, None, Span::All);
        let query = Query::parse(&format!("aws.cloudtrail.user_identity.access_key_id:{key}")).expect("parses");
        prop_assert_eq!(event_ids(&index, &files, &pivot), hunted(&files, &query));
        let times: Vec<i64> = pivot.iter().map(|&p| index.rows()[p].time).collect();
        prop_assert!(times.windows(2).all(|w| w[0] <= w[1]), "time order");
        // Within a minute of the first event: only the events of that minute either side.
        if let Some(&first) = times.first() {
            let near = index.pivot(Column::AccessKey, key, Some(first), Span::Around(60_000));
            prop_assert!(near.iter().all(|&p| (index.rows()[p].time - first).abs() <= 60_000));
            prop_assert_eq!(near.len(), times.iter().filter(|&&t| t - first <= 60_000).count());
        }
    }
}

fn gzip(text: &str) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(text.as_bytes()).expect("in memory");
    encoder.finish().expect("in memory")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Records read again from a stream, plain or gzip, in any slices, are those read from the
    /// whole file; the stream is read no further than the last of them needs.
    #[test]
    fn records_read_again_from_a_stream_are_those_of_the_whole_file(
        specs in prop::collection::vec(spec(), 1..40),
        wanted in prop::collection::btree_set(0usize..40, 0..6),
        slice in 16usize..400,
        gzipped: bool,
    ) {
        let text = records(&specs).join("\n");
        let wanted: Vec<usize> = wanted.into_iter().filter(|&r| r < specs.len()).collect();
        let bytes = if gzipped { gzip(&text) } else { text.clone().into_bytes() };
        let scanner = Scanner::new([]);
        let whole = scanner.fetch(Source::bytes(&bytes), &wanted);
        prop_assert_eq!(whole.len(), wanted.len());
        let mut reader = CountingFile::new(&bytes);
        let streamed = scanner.fetch(Source::reader(&mut reader, Some(bytes.len() as u64)).slice(slice), &wanted);
        prop_assert_eq!(&streamed, &whole);
        prop_assert!(reader.read <= bytes.len() as u64);
    }
}

/// Reading again an early record of a big file stops soon after it, plain or gzip (a gzip file
/// past what is held whole natively: each record carries 64 random bytes, as hex).
#[test]
fn reading_again_an_early_record_reads_little_of_the_file() {
    let mut noise = trailhound_testkit::input::noise(0x9e37_79b9_7f4a_7c15, 8);
    let lines: Vec<String> = (0..80_000)
        .map(|id| {
            let spec = Spec { id, principal: id % 3, key: id % 3, source: id % 5, action: id % 5, error: 3, region: id % 3, odd: false };
            let mut record: Value = serde_json::from_str(&record(&spec)).expect("JSON");
            record["requestID"] = json!(noise());
            record.to_string()
        })
        .collect();
    let text = lines.join("\n");
    let gzipped = gzip(&text);
    assert!(gzipped.len() > 2 * trailhound_engine::input::SLICE, "{} bytes of gzip", gzipped.len());
    for bytes in [text.into_bytes(), gzipped] {
        let mut reader = CountingFile::new(&bytes);
        let fetched = Scanner::new([]).fetch(Source::reader(&mut reader, Some(bytes.len() as u64)), &[2, 5]);
        assert_eq!(fetched.iter().map(|f| f.record).collect::<Vec<_>>(), [2, 5]);
        assert!(reader.read < bytes.len() as u64 / 2, "read {} of {} bytes", reader.read, bytes.len());
    }
}

/// A row's view answers each indexed field as the event's document does.
#[test]
fn a_row_reads_as_its_document() {
    let line = record(&Spec { id: 7, principal: 2, key: 1, source: 3, action: 1, error: 0, region: 1, odd: false });
    let files = vec![line];
    let index = index(&files, &[0]);
    let view = index.view(&index.rows()[0]);
    let doc: Value = Scanner::new([]).fetch(Source::bytes(files[0].as_bytes()), &[0]).remove(0).document;
    use trailhound_engine::Document;
    let values = |d: &dyn Document, f: &str| {
        let mut out = Vec::new();
        d.any_value(f, &mut |v| {
            out.push(format!("{v:?}"));
            false
        });
        out
    };
    for field in Column::ALL.iter().map(|c| c.field()).chain(["@timestamp", "source.ip"]) {
        assert_eq!(values(&view, field), values(&doc, field), "{field}");
    }
    assert_eq!(values(&view, "source.ip"), ["Str(\"2001:db8::1\")"]);
    assert!(std::mem::size_of_val(&index.rows()[0]) == 64);
}
