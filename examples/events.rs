//! The event index's figures on a folder: how many events, bytes an event (rows and strings), the
//! time to build it (a scan that indexes every event, against the same scan that does not), and
//! how long queries and pivots take on it, and how long a late event of a big `.json.gz` takes to
//! read again, from the file's start and from a checkpoint. What `scripts/bench` reports for
//! hunting.
//!
//! `cargo run --release --example events -- FOLDER` prints one JSON object.

use std::path::{Path, PathBuf};
use std::time::Instant;
use trailhound_engine::events::{Column, EventIndex, Span};
use trailhound_engine::{Alert, Checkpoints, Merge, Query, Scanner, Source};

fn main() -> anyhow::Result<()> {
    let folder = std::env::args_os().nth(1).map(PathBuf::from).ok_or_else(|| anyhow::anyhow!("usage: events FOLDER"))?;
    let mut paths = Vec::new();
    files(&folder, &mut paths)?;
    let contents: Vec<Vec<u8>> = paths.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let scan = |index_events: bool| {
        let scanner = Scanner::new([]).with_events(index_events);
        let started = Instant::now();
        let mut merge: Merge<Alert> = Merge::new();
        for (file, bytes) in contents.iter().enumerate() {
            merge.push(file, scanner.scan(&paths[file].to_string_lossy(), Source::bytes(bytes), &mut Vec::new()), []);
        }
        let scanned = started.elapsed().as_secs_f64();
        let mut index = EventIndex::new();
        for settled in merge.settle(usize::MAX).0 {
            index.add(settled.file, &paths[settled.file].to_string_lossy(), settled.events);
        }
        index.shrink_to_fit();
        if std::env::var_os("EVENTS_DEBUG").is_some() {
            eprintln!("events {index_events}: scanned {scanned:.3} s, settled {:.3} s", started.elapsed().as_secs_f64());
        }
        (index, started.elapsed().as_secs_f64())
    };
    // Alternated, the fastest of three each.
    let (mut plain, mut indexed, mut index) = (f64::MAX, f64::MAX, EventIndex::new());
    for _ in 0..3 {
        if std::env::var_os("EVENTS_ONLY").is_none() {
            plain = plain.min(scan(false).1);
        }
        let (built, seconds) = scan(true);
        indexed = indexed.min(seconds);
        index = built;
    }
    let key = most_common(&index, Column::AccessKey);
    let queries = [
        "event.action:ConsoleLogin".to_string(),
        "event.outcome:failure and not source.ip:10.0.0.0/8".to_string(),
        format!("aws.cloudtrail.user_identity.access_key_id:{key} and event.action:(Get* or List* or Describe*)"),
    ];
    let mut timed = Vec::new();
    for text in &queries {
        let query = Query::parse(text)?;
        let started = Instant::now();
        let found = index.search(&query).ok_or_else(|| anyhow::anyhow!("{text}: not answered from the index"))?;
        timed.push(serde_json::json!({"query": text, "matches": found.len(), "ms": started.elapsed().as_secs_f64() * 1e3}));
    }
    let started = Instant::now();
    let pivot = index.pivot(Column::AccessKey, &key, None, Span::All);
    let pivot_ms = started.elapsed().as_secs_f64() * 1e3;
    let again = read_again(&contents)?;
    let bytes = index.bytes();
    let out = serde_json::json!({
        "events": index.len(),
        "index_bytes": bytes,
        "bytes_per_event": bytes as f64 / index.len().max(1) as f64,
        "row_bytes": std::mem::size_of::<trailhound_engine::Row>(),
        "strings": index.strings().len(),
        "scan_seconds": plain,
        "indexing_scan_seconds": indexed,
        "queries": timed,
        "pivot": {"access_key": key, "matches": pivot.len(), "ms": pivot_ms},
        "read_again": again,
    });
    println!("{out}");
    Ok(())
}

/// The folder's records as one S3 delivery of up to 256 MB, gzipped: the time to read again its
/// last record from the start, the first time with checkpoints (which that read takes), and
/// records across the file once they are taken (the mean); best of three each.
fn read_again(contents: &[Vec<u8>]) -> anyhow::Result<serde_json::Value> {
    let mut records = Vec::new();
    let mut size = 0;
    for bytes in contents {
        trailhound_engine::input::read_file(bytes, &mut |item| {
            if let Ok(record) = item
                && size < 256_000_000
            {
                let text = record.into_value().to_string();
                size += text.len() + 1;
                records.push(text);
            }
        });
    }
    anyhow::ensure!(records.len() > 2, "too few records to read again");
    let text = format!("{{\"Records\":[{}]}}", records.join(","));
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(&mut encoder, text.as_bytes())?;
    let gz = encoder.finish()?;
    let scanner = Scanner::new([]);
    let (last, near) = (records.len() - 1, records.len() - 2);
    let best = |f: &mut dyn FnMut() -> usize| {
        (0..3)
            .map(|_| {
                let started = Instant::now();
                assert_eq!(f(), 1, "the record is read again");
                started.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::MAX, f64::min)
    };
    let from_start = best(&mut || scanner.fetch(Source::bytes(&gz), &[last]).len());
    let first = best(&mut || scanner.fetch_again(&mut std::io::Cursor::new(&gz[..]), &[last], &mut Checkpoints::default()).len());
    let mut points = Checkpoints::default();
    scanner.fetch_again(&mut std::io::Cursor::new(&gz[..]), &[last], &mut points);
    // Records across the file, each read from the checkpoint before it: the mean of their best times.
    let spread: Vec<usize> = (1..10).map(|tenth| records.len() * tenth / 10).chain([near]).collect();
    let warm = spread
        .iter()
        .map(|&record| best(&mut || scanner.fetch_again(&mut std::io::Cursor::new(&gz[..]), &[record], &mut points).len()))
        .sum::<f64>()
        / spread.len() as f64;
    Ok(serde_json::json!({
        "text_bytes": text.len(),
        "gzip_bytes": gz.len(),
        "checkpoints": points.len(),
        "checkpoint_bytes": points.memory(),
        "from_start_ms": from_start,
        "first_with_checkpoints_ms": first,
        "from_checkpoint_ms": warm,
    }))
}

/// The value of `column` most events have.
fn most_common(index: &EventIndex, column: Column) -> String {
    let mut counts = std::collections::HashMap::<&str, usize>::new();
    for row in index.rows() {
        if let Some(text) = index.text(row, column) {
            *counts.entry(text).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|&(text, n)| (n, std::cmp::Reverse(text))).map(|(t, _)| t.to_string()).unwrap_or_default()
}

fn files(path: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
        entries.sort();
        for entry in entries {
            files(&entry, out)?;
        }
    } else if path.extension().is_some_and(|e| e == "json" || e == "gz") {
        out.push(path.to_path_buf());
    }
    Ok(())
}
