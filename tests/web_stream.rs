//! The engine in the browser streams a file far larger than its memory would allow whole: a
//! generated 256 MB S3 delivery (never in memory at once) is scanned through the reader the worker
//! uses, and the WebAssembly memory stays small
//! (`CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --features web --test web_stream`).
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::io::Read;
use trailhound_engine::input::FileStatus;
use trailhound_engine::rules::RuleSet;
use trailhound_engine::scan::{FileScan, Scanner, Source};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RECORD: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"},"eventTime":"2025-12-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli/2.15.0","requestParameters":{"bucketName":"logs","key":"a/b/c.json"},"responseElements":null,"eventID":"ID","readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333"}"#;
const ALERTING: &str = r#"{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","userName":"mallory"},"eventTime":"2025-12-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"DeleteBucketPolicy","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","requestParameters":{"bucketName":"logs"},"eventID":"ID","eventType":"AwsApiCall"}"#;

/// `{"Records":[...]}` with `count` records made as they are read; every 10,000th alerts.
struct Delivery {
    count: usize,
    made: usize,
    pending: Vec<u8>,
    at: usize,
}

impl Read for Delivery {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            self.pending.clear();
            self.at = 0;
            while self.pending.len() < 64 << 10 && self.made <= self.count {
                if self.made == 0 {
                    self.pending.extend_from_slice(b"{\"Records\":[");
                } else if self.made == self.count {
                    self.pending.extend_from_slice(b"]}");
                } else {
                    let record = if self.made.is_multiple_of(10_000) { ALERTING } else { RECORD };
                    if self.made > 1 {
                        self.pending.push(b',');
                    }
                    self.pending.extend_from_slice(record.replace("\"ID\"", &format!("\"id-{}\"", self.made)).as_bytes());
                }
                self.made += 1;
            }
        }
        let n = out.len().min(self.pending.len() - self.at);
        out[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn memory_bytes() -> f64 {
    wasm_bindgen::memory().unchecked_into::<js_sys::WebAssembly::Memory>().buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length()
        as f64
}

#[wasm_bindgen_test]
fn a_file_larger_than_memory_would_allow_streams_through_a_small_window() {
    // The seed rule alone: what is measured is the window, not the rules' cost (a debug build
    // running the whole pack over 500,000 records outlasts the driver's script timeout).
    let mut rules = RuleSet::builtin();
    rules.rules.retain(|r| r.rule_id == "227dc608-e558-43d9-b521-150772250bae");
    let scanner = Scanner::new(rules.enabled().cloned());
    let count = 500_000;
    let mut file = Delivery { count: count + 1, made: 0, pending: Vec::new(), at: 0 };
    let before = memory_bytes();
    let mut alerts = Vec::new();
    let FileScan { report, ids, .. } = scanner.scan("big.json", Source::reader(&mut file, None), &mut alerts);
    let grown = memory_bytes() - before;
    assert_eq!(report.read.status, FileStatus::Scanned);
    assert_eq!(report.records, count, "every record read");
    assert!(report.bytes > 250_000_000, "{} bytes streamed", report.bytes);
    assert_eq!(alerts.len(), count / 10_000, "every 10,000th record alerts");
    assert_eq!(ids.len(), count);
    // A window of a few slices, the IDs (8 bytes a record) and the alerts: nowhere near the file.
    assert!(grown < 48e6, "the WebAssembly memory grew by {:.0} MB for a {:.0} MB file", grown / 1e6, report.bytes as f64 / 1e6);
}
