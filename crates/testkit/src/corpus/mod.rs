//! A deterministic CloudTrail corpus for benchmarks: S3-delivery files of synthetic but realistic
//! records (a mix of services, identities, read and write calls, errors), about 1% of them S3
//! bucket configuration deletions, the same bytes for the same seed on every machine.
//!
//! Shared by `examples/corpus.rs` (files on disk for `scripts/bench`), `benches/engine.rs` and
//! `tests/corpus_generator.rs` (which checks that the alerts it promises are the ones raised).

#![allow(dead_code)]

mod rules;
pub mod services;

pub use rules::{synthetic_rules, synthetic_sigma_rules};

use serde_json::{Value, json};
use services::{CALLS, Call};

/// The S3 configuration deletions the seed rule looks for.
pub const S3_CONFIG_DELETIONS: &[&str] =
    &["DeleteBucketPolicy", "DeleteBucketReplication", "DeleteBucketCors", "DeleteBucketEncryption", "DeleteBucketLifecycle"];

/// One file of the corpus.
pub struct File {
    /// `{"Records":[...]}`, compact, as CloudTrail delivers it (before gzip).
    pub json: Vec<u8>,
    pub records: usize,
    /// Records the seed rule alerts on (successful S3 configuration deletions).
    pub alerts: usize,
}

/// Makes records and files; the same seed gives the same bytes.
pub struct Generator {
    rng: fastrand::Rng,
    /// Records made so far (the clock and the event IDs advance with it).
    made: u64,
    identities: Vec<Value>,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let mut rng = fastrand::Rng::with_seed(seed);
        let identities = services::identities(&mut rng);
        Generator { rng, made: 0, identities }
    }

    /// The next file of `records` records.
    pub fn file(&mut self, records: usize) -> File {
        let mut json = Vec::with_capacity(records * 1400 + 16);
        json.extend_from_slice(b"{\"Records\":[");
        let mut alerts = 0;
        for i in 0..records {
            if i > 0 {
                json.push(b',');
            }
            let (record, alert) = self.record();
            serde_json::to_writer(&mut json, &record).expect("a Value serializes");
            alerts += usize::from(alert);
        }
        json.extend_from_slice(b"]}");
        File { json, records, alerts }
    }

    /// The next record, and whether the seed rule alerts on it.
    pub fn record(&mut self) -> (Value, bool) {
        self.made += 1;
        let rng = &mut self.rng;
        // About 1% are S3 configuration deletions; one in ten of those is denied.
        let (call, deletion) = if rng.u32(0..100) == 0 {
            let name = S3_CONFIG_DELETIONS[rng.usize(0..S3_CONFIG_DELETIONS.len())];
            (Call { source: "s3.amazonaws.com", name, read_only: false, weight: 0, request: services::Req::Bucket }, true)
        } else {
            (pick(rng), false)
        };
        let denied = rng.u32(0..100) < if deletion { 10 } else { 6 };
        let identity = self.identities[rng.usize(0..self.identities.len())].clone();
        let seconds = 1_764_547_200 + self.made * 3 / 10;
        let mut record = json!({
            "eventVersion": "1.09",
            "userIdentity": identity,
            "eventTime": services::timestamp(seconds),
            "eventSource": call.source,
            "eventName": call.name,
            "awsRegion": services::REGIONS[rng.usize(0..services::REGIONS.len())],
            "sourceIPAddress": services::source_ip(rng, call.source),
            "userAgent": services::AGENTS[rng.usize(0..services::AGENTS.len())],
            "requestParameters": services::request(rng, call.request),
            "responseElements": if denied || call.read_only { Value::Null } else { services::response(rng, call.request) },
            "requestID": services::hex_id(rng, 16).to_uppercase(),
            "eventID": services::uuid(rng, self.made),
            "readOnly": call.read_only,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": services::ACCOUNT,
            "eventCategory": "Management",
            "tlsDetails": {
                "tlsVersion": "TLSv1.3",
                "cipherSuite": "TLS_AES_128_GCM_SHA256",
                "clientProvidedHostHeader": format!("{}.us-east-1.amazonaws.com", call.source.trim_end_matches(".amazonaws.com")),
            },
        });
        if denied {
            let map = record.as_object_mut().expect("an object");
            map.insert("errorCode".into(), json!("AccessDenied"));
            map.insert(
                "errorMessage".into(),
                json!(format!("User is not authorized to perform: {}:{}", call.source.trim_end_matches(".amazonaws.com"), call.name)),
            );
        }
        (record, deletion && !denied)
    }
}

/// A call drawn by the services' weights.
fn pick(rng: &mut fastrand::Rng) -> Call {
    let total: u32 = CALLS.iter().map(|c| c.weight).sum();
    let mut at = rng.u32(0..total);
    for call in CALLS {
        if at < call.weight {
            return *call;
        }
        at -= call.weight;
    }
    CALLS[0]
}

/// Gzip at the default level, as CloudTrail delivers.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}
