//! KQL: any UTF-8 text either parses or fails with an error whose span lies in the text; a parsed
//! query matches a fixed ECS document (and prints) without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use trailhound_engine::kql::Query;

static DOC: LazyLock<serde_json::Value> = LazyLock::new(|| {
    serde_json::json!({
        "@timestamp": "2024-08-18T13:51:12.000Z",
        "event": {"action": "DeleteBucketPolicy", "provider": "s3.amazonaws.com", "outcome": "success",
                  "dataset": "aws.cloudtrail", "kind": "event", "type": ["change"], "category": ["configuration"]},
        "event.id": "5f0c2a36-8a4e-4a59-9f0b-1d2e3c4b5a69",
        "source": {"ip": "203.0.113.7", "address": "203.0.113.7", "geo": {"location": {"lat": 1.5, "lon": -2}}},
        "user": {"name": "mallory", "id": 42},
        "aws": {"cloudtrail": {"user_identity": {"type": "IAMUser", "arn": "arn:aws:iam::111111111111:user/mallory"},
                               "flattened": {"request_parameters": {"bucketName": "evidence-bucket", "n": [1, 2.5, true, null]}},
                               "read_only": false, "error_code": null}},
        "cloud": {"account": {"id": "111111111111"}, "region": "us-east-1"},
        "tags": ["a", "b c", "*", "\\", ""],
        "empty": {}, "list": [], "unicode": "caf\u{e9} \u{1F600}"
    })
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match Query::parse(text) {
        Ok(query) => {
            let _ = query.matches(&*DOC);
            let _ = query.to_string();
        }
        Err(e) => {
            assert!(e.span.start <= e.span.end && e.span.end <= text.len(), "span {:?} outside {} bytes", e.span, text.len());
            assert!(text.get(e.span.clone()).is_some(), "span {:?} not on char boundaries", e.span);
            let _ = e.to_string();
        }
    }
});
