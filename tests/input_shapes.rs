//! Every shape the input layer reads: shape, gzip flag, counts, kinds and values.

use trailhound_testkit::input as common;

use common::{fixture, gzip, read, str_at, value_of};
use serde_json::json;
use trailhound_engine::input::{FileStatus, Location, RecordKind, Shape};

#[test]
fn s3_delivery_plain() {
    let r = read(&fixture("s3_delivery.json"));
    assert_eq!(r.file.shape, Some(Shape::S3Delivery));
    assert!(!r.file.gzip);
    assert_eq!(r.file.lossy, None);
    assert_eq!(r.file.status, FileStatus::Scanned);
    let recs = r.records();
    assert_eq!(recs.len(), 3);
    assert!(recs.iter().all(|x| x.kind == RecordKind::CloudTrail));
    // The DeleteBucketPolicy success record comes first, with no errorCode.
    assert_eq!(str_at(recs[0], "/eventName"), "DeleteBucketPolicy");
    assert_eq!(str_at(recs[0], "/eventSource"), "s3.amazonaws.com");
    assert!(value_of(recs[0]).get("errorCode").is_none());
    assert_eq!(str_at(recs[0], "/requestParameters/bucketName"), "TrailDiscoverBucketName");
    assert_eq!(str_at(recs[1], "/errorCode"), "NoSuchBucket");
    assert_eq!(str_at(recs[2], "/eventName"), "StopLogging");
    // Records carry their byte offset: the first element starts right after `{"Records":[`.
    assert_eq!(recs[0].location, Location { line: None, byte: Some(12) });
    assert!(recs[1].location.byte > recs[0].location.byte);
    // Key order is preserved.
    let keys: Vec<&String> = value_of(recs[0]).as_object().unwrap().keys().take(2).collect();
    assert_eq!(keys, ["additionalEventData", "awsRegion"]);
}

#[test]
fn s3_delivery_gzip_and_concatenated_members() {
    let plain = fixture("s3_delivery.json");
    let r = read(&gzip(&plain));
    assert_eq!(r.file.shape, Some(Shape::S3Delivery));
    assert!(r.file.gzip);
    assert_eq!(r.file.status, FileStatus::Scanned);
    assert_eq!(r.records().len(), 3);

    // `cat a.json.gz b.json.gz`: two gzip members, two deliveries back to back.
    let mut two = gzip(&plain);
    two.extend(gzip(&plain));
    let r = read(&two);
    assert!(r.file.gzip);
    assert_eq!(r.file.status, FileStatus::Scanned);
    assert_eq!(r.records().len(), 6);
    assert_eq!(str_at(r.records()[3], "/eventName"), "DeleteBucketPolicy");
    assert_eq!(r.records()[3].location.byte, Some(plain.len() + 12));
}

#[test]
fn s3_delivery_with_bom_and_records_not_first_key() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(fixture("s3_delivery.json"));
    let r = read(&bytes);
    assert_eq!(r.file.status, FileStatus::Scanned);
    assert_eq!(r.records().len(), 3);
    assert_eq!(r.records()[0].location.byte, Some(15));

    let other = br#"{"note":"exported","Records":[{"eventVersion":"1.09","eventName":"ListBuckets","eventSource":"s3.amazonaws.com"}]}"#;
    let r = read(other);
    assert_eq!(r.file.shape, Some(Shape::S3Delivery));
    assert_eq!(r.records().len(), 1);
}

#[test]
fn empty_records() {
    let r = read(br#"{"Records":[]}"#);
    assert_eq!(r.file.shape, Some(Shape::S3Delivery));
    assert_eq!(r.file.status, FileStatus::Scanned);
    assert!(r.items.is_empty());
}

#[test]
fn json_array_plain_and_gzip() {
    for (bytes, gz) in [(fixture("array.json"), false), (gzip(&fixture("array.json")), true)] {
        let r = read(&bytes);
        assert_eq!(r.file.shape, Some(Shape::JsonArray));
        assert_eq!(r.file.gzip, gz);
        assert_eq!(r.file.status, FileStatus::Scanned);
        let names: Vec<&str> = r.records().iter().map(|x| str_at(x, "/eventName")).collect();
        assert_eq!(names, ["AttachUserPolicy", "CreateAccessKey", "CreateUser"]);
        assert_eq!(str_at(r.records()[0], "/requestParameters/policyArn"), "arn:aws:iam::aws:policy/AdministratorAccess");
        assert_eq!(r.records()[0].location.byte, Some(6));
    }
}

#[test]
fn single_record() {
    let r = read(&fixture("single_record.json"));
    assert_eq!(r.file.shape, Some(Shape::SingleRecord));
    assert_eq!(r.file.status, FileStatus::Scanned);
    assert_eq!(r.records().len(), 1);
    assert_eq!(r.records()[0].kind, RecordKind::CloudTrail);
    assert_eq!(str_at(r.records()[0], "/userIdentity/userName"), "christophe");
}

#[test]
fn json_lines_with_blank_and_broken_line() {
    for (bytes, gz) in [(fixture("records.ndjson"), false), (gzip(&fixture("records.ndjson")), true)] {
        let r = read(&bytes);
        assert_eq!(r.file.shape, Some(Shape::JsonLines));
        assert_eq!(r.file.gzip, gz);
        assert_eq!(r.file.status, FileStatus::Scanned);
        assert_eq!(r.items.len(), 4);
        assert_eq!(r.records().len(), 3);
        let err = r.errors()[0];
        assert_eq!(err.index, 1);
        assert_eq!(err.location.line, Some(3));
        assert_eq!(err.reason, "JSON syntax error: EOF while parsing a value (column 56)");
        let recs = r.records();
        assert_eq!(recs[0].location.line, Some(1));
        assert_eq!(recs[1].location.line, Some(4));
        assert_eq!(str_at(recs[2], "/eventName"), "CreateUser");
    }
}

#[test]
fn json_lines_of_crlf_and_compact_deliveries() {
    let text = "{\"eventVersion\":\"1.09\",\"eventName\":\"A\"}\r\n{\"Records\":[{\"eventVersion\":\"1.09\",\"eventName\":\"B\"},{\"eventVersion\":\"1.09\",\"eventName\":\"C\"}]}\r\n";
    let r = read(text.as_bytes());
    assert_eq!(r.file.shape, Some(Shape::JsonLines));
    let names: Vec<&str> = r.records().iter().map(|x| str_at(x, "/eventName")).collect();
    assert_eq!(names, ["A", "B", "C"]);
    assert_eq!(r.records()[2].location.line, Some(2));
}

#[test]
fn lookup_events() {
    let r = read(&fixture("lookup_events.json"));
    assert_eq!(r.file.shape, Some(Shape::LookupEvents));
    assert_eq!(r.file.status, FileStatus::Scanned);
    assert_eq!(r.items.len(), 3);
    let recs = r.records();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[0].kind, RecordKind::CloudTrail);
    assert_eq!(str_at(recs[0], "/eventName"), "CreateUser");
    assert_eq!(str_at(recs[0], "/responseElements/user/userName"), "malicious-iam-user");
    assert_eq!(str_at(recs[1], "/eventName"), "AttachUserPolicy");
    let err = r.errors()[0];
    assert_eq!(err.index, 1);
    assert_eq!(
        err.reason,
        "lookup-events entry (EventId 94faedcc-0fa4-46e6-9322-022e8e934f04): `CloudTrailEvent` is not \
         valid JSON: EOF while parsing a string"
    );
    assert!(err.location.line.is_some() && err.location.byte.is_some());
}

#[test]
fn console_csv_summary_columns() {
    let r = read(&fixture("console_history.csv"));
    assert_eq!(r.file.shape, Some(Shape::ConsoleCsv));
    assert_eq!(r.file.lossy.as_deref(), Some(trailhound_engine::input::CONSOLE_CSV_LOSSY));
    assert_eq!(r.file.status, FileStatus::Scanned);
    let recs = r.records();
    assert_eq!(recs.len(), 3);
    assert_eq!(
        *value_of(recs[0]),
        json!({
            "eventID": "5f0c2a36-8a4e-4a59-9f0b-1d2e3c4b5a69",
            "eventTime": "2024-08-18T13:51:12Z",
            "eventName": "DeleteBucketPolicy",
            "eventSource": "s3.amazonaws.com",
            "awsRegion": "us-east-1",
            "sourceIPAddress": "0.0.0.0",
            "requestID": "QEMWWF29P0Z552D6",
            "eventType": "AwsApiCall",
            "eventCategory": "Management",
            "readOnly": false,
            "userIdentity": {"userName": "TrailDiscover", "accessKeyId": "AKIA****************"},
            "resources": [{"ARN": "arn:aws:s3:::TrailDiscoverBucketName", "type": "AWS::S3::Bucket"}]
        })
    );
    assert_eq!(recs[0].location.line, Some(2));
    assert_eq!(str_at(recs[1], "/errorCode"), "NoSuchBucket");
    assert_eq!(
        value_of(recs[2])["resources"],
        json!([
            {"ARN": "arn:aws:iam::aws:policy/AdministratorAccess", "type": "AWS::IAM::Policy"},
            {"name": "malicious-iam-user", "type": "AWS::IAM::User"}
        ])
    );
}

#[test]
fn console_csv_with_full_event_column() {
    let r = read(&fixture("console_history_full.csv"));
    assert_eq!(r.file.shape, Some(Shape::ConsoleCsv));
    assert_eq!(r.file.lossy, None);
    assert_eq!(r.items.len(), 2);
    let rec = r.records()[0];
    assert_eq!(str_at(rec, "/userAgent"), "stratus-red-team_c97089f1-1ae3-4ecc-b006-f5e8fd0f2571");
    assert_eq!(str_at(rec, "/requestParameters/name"), "stratus-red-team-ct-stop-trail-buykxbqejv");
    let err = r.errors()[0];
    assert_eq!(err.index, 1);
    assert_eq!(err.location.line, Some(3));
    assert_eq!(err.reason, "`CloudTrail event` column is not valid JSON: EOF while parsing a value");
}

fn assert_ecs(r: &common::Read, gz: bool) {
    assert_eq!(r.file.shape, Some(Shape::Ecs));
    assert_eq!(r.file.gzip, gz);
    assert_eq!(r.file.status, FileStatus::Scanned);
    let recs = r.records();
    assert_eq!(recs.len(), 2);
    assert!(recs.iter().all(|x| x.kind == RecordKind::Ecs));
    assert_eq!(str_at(recs[0], "/event/action"), "StopLogging");
    assert_eq!(str_at(recs[1], "/event/action"), "CreateUser");
    assert_eq!(str_at(recs[1], "/aws/cloudtrail/user_identity/arn"), "arn:aws:iam::229654561268:user/christophe");
    assert!(value_of(recs[0]).get("_source").is_none() && value_of(recs[0]).get("_index").is_none());
}

#[test]
fn ecs_exports() {
    for name in ["ecs_source.ndjson", "ecs_hits.ndjson", "ecs_search_response.json", "ecs_array.json"] {
        assert_ecs(&read(&fixture(name)), false);
        assert_ecs(&read(&gzip(&fixture(name))), true);
    }
}

#[test]
fn ecs_dotted_keys_single_document() {
    let r = read(br#"{"@timestamp":"2024-08-01T13:33:28Z","event.action":"CreateUser","cloud.provider":"aws"}"#);
    assert_eq!(r.file.shape, Some(Shape::Ecs));
    assert_eq!(r.records()[0].kind, RecordKind::Ecs);
}

#[test]
fn digest_is_skipped() {
    for bytes in [fixture("digest.json"), gzip(&fixture("digest.json"))] {
        let r = read(&bytes);
        assert_eq!(r.file.shape, Some(Shape::Digest));
        assert!(r.items.is_empty());
        assert_eq!(
            r.file.status,
            FileStatus::Skipped(
                "CloudTrail digest file (log integrity validation, 1 log files, 2024-08-18T12:50:10Z to \
                 2024-08-18T13:50:10Z): it holds no events"
                    .into()
            )
        );
    }
}

#[test]
fn json_lines_of_lookup_pages_and_search_responses() {
    let lookup = std::str::from_utf8(&fixture("lookup_events.json")).unwrap().replace('\n', "");
    let search = std::str::from_utf8(&fixture("ecs_search_response.json")).unwrap().replace('\n', "");
    let text = format!("{lookup}\n{lookup}\n");
    let r = read(text.as_bytes());
    assert_eq!(r.file.shape, Some(Shape::JsonLines));
    assert_eq!((r.records().len(), r.errors().len()), (4, 2));
    assert_eq!(r.errors()[1].location.line, Some(2));
    let text = format!("{search}\n{search}\n");
    let r = read(text.as_bytes());
    assert_eq!(r.file.shape, Some(Shape::Ecs));
    assert_eq!(r.records().len(), 4);
    assert!(r.records().iter().all(|x| x.kind == RecordKind::Ecs));
}
