//! The hostile-input corpus as data: `tests/hostile/cases.toml` read into [`Case`]s, and the large
//! cases generated in memory (a gzip bomb, 100,000-deep nesting, 64 MB lines) so that nothing
//! big is committed. Shared by the `hostile_*` tests (included with `#[path]`).

#![allow(dead_code)]

use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/hostile");

/// `cases.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Corpus {
    /// The gzip limit the whole corpus runs with (the engine's `Limits`, the CLI's
    /// `--max-inflated-bytes`).
    pub max_inflated_bytes: u64,
    pub case: Vec<Case>,
}

/// One hostile file and exactly what must come of it.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The file name: under `tests/hostile/files/`, or the name a generated case is written as.
    pub file: String,
    /// What is hostile about it.
    pub what: String,
    /// Set for generated cases: which generator makes the bytes.
    pub generate: Option<String>,
    /// `scanned`, `skipped` or `error`.
    pub status: String,
    /// Records seen (= scanned + errors).
    pub records: usize,
    pub scanned: usize,
    pub errors: usize,
    /// Alerts the built-in rules raise on the file (checked by the scanner and the CLI).
    pub alerts: Option<usize>,
    /// For `error`/`skipped`: a substring of the file's reason.
    pub message: Option<String>,
    /// For `error`: where, as the CLI prints it (`line 1, byte 0`).
    pub at: Option<String>,
    /// Record errors to check (a subset, by index).
    #[serde(default)]
    pub record_error: Vec<ExpectedRecordError>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRecordError {
    pub index: usize,
    pub at: String,
    pub message: String,
}

pub fn corpus() -> Corpus {
    let path = format!("{DIR}/cases.toml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let corpus: Corpus = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut listed: Vec<&str> = corpus.case.iter().filter(|c| c.generate.is_none()).map(|c| c.file.as_str()).collect();
    listed.sort();
    let mut on_disk: Vec<String> = std::fs::read_dir(format!("{DIR}/files"))
        .expect("tests/hostile/files")
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    assert_eq!(listed, on_disk, "every file in tests/hostile/files has a case, and every case its file");
    corpus
}

impl Case {
    /// The file's bytes (generated ones are built here).
    pub fn bytes(&self) -> Vec<u8> {
        match &self.generate {
            None => {
                let path = format!("{DIR}/files/{}", self.file);
                std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
            }
            Some(kind) => generate(kind),
        }
    }

    /// Writes the file into `dir` (for the CLI) and returns its path.
    pub fn write_to(&self, dir: &Path) -> PathBuf {
        let path = dir.join(&self.file);
        std::fs::write(&path, self.bytes()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }
}

/// A compact record the seed rule alerts on (event id h…900 + `n`).
pub fn alerting_record(n: usize) -> String {
    format!(
        concat!(
            r#"{{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111111111111:user/mallory","#,
            r#""accountId":"111111111111","userName":"mallory"}},"eventTime":"2024-08-18T13:51:12Z","#,
            r#""eventSource":"s3.amazonaws.com","eventName":"DeleteBucketPolicy","awsRegion":"us-east-1","#,
            r#""sourceIPAddress":"203.0.113.7","userAgent":"aws-cli/2.17.32","requestParameters":{{"bucketName":"evidence-bucket"}},"#,
            r#""responseElements":null,"eventID":"h0000000-0000-4000-8000-000000000{:03}","readOnly":false,"#,
            r#""eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111111111111","eventCategory":"Management"}}"#
        ),
        900 + n
    )
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    enc.write_all(bytes).expect("gzip in memory");
    enc.finish().expect("gzip in memory")
}

/// The uncompressed size of the gzip bomb: 8 GiB (over the engine's default 4 GiB limit too).
pub const BOMB_INFLATED: u64 = 8 << 30;
/// Size of the long lines: 64 MiB (not 1 GB, to keep the suite quick; the code path is the same).
pub const LONG_LINE: usize = 64 << 20;
/// Size of the huge values planted in one record: 24 MiB, three times the default record limit
/// of the corpus run and inside its 32 MiB inflate limit.
pub const HUGE: usize = 24 << 20;
/// How many records the array of tiny records holds.
pub const TINY: usize = 1_000_000;

/// An S3 delivery of a good record, `middle`, and another good record (numbered from `n`).
fn between(middle: &str, n: usize) -> Vec<u8> {
    format!("{{\"Records\":[{},\n{middle},\n{}]}}\n", alerting_record(n), alerting_record(n + 1)).into_bytes()
}

/// How deep the deep cases nest.
pub const DEEP: usize = 100_000;

fn generate(kind: &str) -> Vec<u8> {
    match kind {
        // A gzip file of concatenated members (legal gzip, as `cat a.gz b.gz` makes): the first
        // opens an S3 delivery, each of the others inflates 1 MiB of spaces from ~1 KB. About
        // 8 MB on disk, 8 GiB inflated. (Deflate cannot exceed ~1032:1, so a bomb of a few KB
        // inflating to many GB would need nested archives, which gzip readers do not open.)
        "gzip_bomb" => {
            let mut head = b"{\"Records\":[".to_vec();
            head.resize(1 << 20, b' ');
            let mut out = gzip(&head);
            let member = gzip(&vec![b' '; 1 << 20]);
            for _ in 1..(BOMB_INFLATED >> 20) {
                out.extend_from_slice(&member);
            }
            out
        }
        // One good record, then an element 100,000 arrays deep (closed: valid JSON, just deep).
        "deep_records" => {
            let mut out = format!("{{\"Records\":[\n{},\n", alerting_record(1)).into_bytes();
            out.extend(std::iter::repeat_n(b'[', DEEP));
            out.extend(std::iter::repeat_n(b']', DEEP));
            out.extend(b"\n]}\n");
            out
        }
        // JSON Lines: a good line, a line of objects 100,000 deep, a good line.
        "deep_lines" => {
            let mut out = format!("{}\n", alerting_record(2)).into_bytes();
            for _ in 0..DEEP {
                out.extend(b"{\"a\":");
            }
            out.push(b'1');
            out.extend(std::iter::repeat_n(b'}', DEEP));
            out.push(b'\n');
            out.extend(format!("{}\n", alerting_record(3)).into_bytes());
            out
        }
        // A single 64 MiB line: one record whose request carries a 64 MiB policy string.
        "long_line_record" => {
            let record = alerting_record(4);
            let (head, tail) = record.split_at(record.find("\"bucketName\"").expect("bucketName"));
            let mut out = head.as_bytes().to_vec();
            out.extend(b"\"policy\":\"");
            out.resize(out.len() + LONG_LINE, b'A');
            out.extend(b"\",");
            out.extend(tail.as_bytes());
            out
        }
        // A single 64 MiB line of text that is no log: the message quotes only its start.
        "long_line_garbage" => vec![b'A'; LONG_LINE],
        // The planted record of a small .json.gz: an S3 delivery whose middle record holds a
        // 24 MiB string, in members of 1 MiB (about 30 KB on disk), between two good records.
        "huge_string_gz" => {
            let mut out = gzip(format!("{{\"Records\":[{},\n{{\"eventVersion\":\"1.08\",\"x\":\"", alerting_record(5)).as_bytes());
            let member = gzip(&vec![b'A'; 1 << 20]);
            for _ in 0..HUGE >> 20 {
                out.extend_from_slice(&member);
            }
            out.extend(gzip(format!("\"}},\n{}]}}\n", alerting_record(6)).as_bytes()));
            out
        }
        // An S3 delivery: a good record, a record with a 24 MiB key, a good record.
        "huge_key" => between(&format!("{{\"{}\":1}}", "k".repeat(HUGE)), 7),
        // An S3 delivery: a good record, a 24 MiB number, a good record.
        "huge_number" => between(&"9".repeat(HUGE), 9),
        // One S3 delivery of a million empty objects (3 MB): each is read, none is held.
        "tiny_records" => {
            let mut out = b"{\"Records\":[{}".to_vec();
            for _ in 1..TINY {
                out.extend(b",{}");
            }
            out.extend(b"]}\n");
            out
        }
        // JSON Lines: a good line, a 24 MiB line of text, a good line.
        "huge_line" => format!("{}\n{}\n{}\n", alerting_record(11), "B".repeat(HUGE), alerting_record(12)).into_bytes(),
        // The console's CSV: a good row, a row with a 24 MiB quoted cell across lines, a good row.
        "huge_csv_row" => {
            let row = |id: &str, name: &str| format!("{id},2024-08-18T13:51:12Z,mallory,{name},s3.amazonaws.com,us-east-1");
            let cell = "line\n".repeat(HUGE / 5);
            format!(
                "Event ID,Event time,User name,Event name,Event source,AWS region\n{}\n{},\"{cell}\",x\n{}\n",
                row("h1", "DeleteBucketPolicy"),
                row("h2", "GetObject"),
                row("h3", "DeleteBucketPolicy")
            )
            .into_bytes()
        }
        other => panic!("unknown generator {other:?}"),
    }
}
