//! `trailhound scan`: load rules, scan every input (files in parallel, each read a slice at a time,
//! results merged in file order, so they do not depend on the number of threads), write alerts,
//! report on stderr.
//!
//! Alerts are rendered in the output format on the thread that raised them, and only their text is
//! kept: an alert's ECS document is dropped as soon as it is written out.

use crate::args::{FormatArg, ScanArgs};
use crate::files::{Input, expand};
use crate::report;
use crate::rules::{has_errors, load, print_problems};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::time::{Instant, SystemTime};
use trailhound_engine::alert::Alert;
use trailhound_engine::input::{Limits, SLICE};
use trailhound_engine::output::{self, Format, Rendered};
use trailhound_engine::scan::{FileReport, FileScan, Scanner, Summary};

pub fn run(args: &ScanArgs) -> u8 {
    let rules = load(&args.rules);
    print_problems(&rules);
    if has_errors(&rules) {
        eprintln!("trailhound: not scanning: fix the rule errors above");
        return 2;
    }
    let started = Instant::now();
    let limits = Limits { max_inflated_bytes: args.max_inflated_bytes };
    let mut scanner = Scanner::new(rules.enabled()).with_limits(limits);
    let inputs = expand(&args.paths);
    let format = args.format.into();
    let generated_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let scans = match scan_all(&scanner, &inputs, args.threads, format, &generated_at) {
        Ok(scans) => scans,
        Err(e) => {
            eprintln!("trailhound: cannot start the scanning threads: {e}");
            return 2;
        }
    };
    let mut alerts = Vec::new();
    let mut summary = Summary::default();
    let mut reports = Vec::new();
    for scan in scans {
        let file_report = match scan {
            Scanned::Read(scan) => scanner.merge(scan, &mut alerts),
            Scanned::Unread(report) => report,
        };
        summary.add(&file_report);
        reports.push(file_report);
    }
    for alert in &alerts {
        summary.count_alert(&alert.rule);
    }
    if let Err(e) = write_alerts(args, format, alerts) {
        eprintln!("trailhound: cannot write alerts: {e}");
        return 2;
    }
    report::print(&reports, &summary, started.elapsed());
    if summary.files_failed > 0 { 1 } else { 0 }
}

/// An alert as kept until it is written: its rule's name (for the summary) and its text.
struct Kept {
    rule: String,
    rendered: io::Result<Rendered>,
}

/// An input scanned, or the report of one that could not be read.
enum Scanned {
    Read(FileScan<Kept>),
    Unread(FileReport),
}

/// Files from this size on are read with a gzip stream inflated on a thread of its own: about
/// 10 MB of JSON or more, where the thread's cost is lost in the time it saves.
const AHEAD_FROM: u64 = 1 << 20;

/// Scans every input on `threads` threads (one per core by default), in input order. Standard
/// input is scanned first, on this thread, before any file is opened (so what a pipe feeds in is
/// never raced by the folder walk); every input is read a slice at a time, into one buffer a thread.
fn scan_all(
    scanner: &Scanner<'_>,
    inputs: &[Input],
    threads: Option<u16>,
    format: Format,
    generated_at: &str,
) -> Result<Vec<Scanned>, String> {
    let keep = |alert: Alert| Kept { rendered: output::render(format, &alert, generated_at), rule: alert.rule.name };
    // Taken by the first `-` (a second one reads as empty, as standard input would).
    let stdin = inputs
        .iter()
        .any(|i| matches!(i, Input::Stdin))
        .then(|| scanner.scan_stream_as("-", &mut io::stdin().lock(), None, SLICE, &mut Vec::new(), &mut |a, _| keep(a)));
    let stdin = std::sync::Mutex::new(stdin);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.map_or(0, usize::from)).build().map_err(|e| e.to_string())?;
    Ok(pool.install(|| {
        inputs
            .par_iter()
            .map_init(Vec::new, |buffer, input| {
                let name = input.name();
                let scanned = match input {
                    Input::Stdin => {
                        let first = stdin.lock().ok().and_then(|mut s| s.take());
                        Ok(first
                            .unwrap_or_else(|| scanner.scan_stream_as(&name, &mut io::empty(), None, SLICE, buffer, &mut |a, _| keep(a))))
                    }
                    _ => input.open().map(|(mut file, size)| match size {
                        Some(bytes) if bytes >= AHEAD_FROM => {
                            scanner.scan_stream_ahead_as(&name, &mut file, bytes, SLICE, buffer, &mut |a, _| keep(a))
                        }
                        _ => scanner.scan_stream_as(&name, &mut file, size, SLICE, buffer, &mut |a, _| keep(a)),
                    }),
                };
                match scanned {
                    Ok(scan) => Scanned::Read(scan),
                    Err(why) => Scanned::Unread(FileReport::unreadable(&name, why)),
                }
            })
            .collect()
    }))
}

fn write_alerts(args: &ScanArgs, format: Format, alerts: Vec<Kept>) -> io::Result<()> {
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    if matches!(args.format, FormatArg::Table) {
        // The table is read on a terminal: planted control characters are shown escaped.
        let mut table = Vec::new();
        push_all(format, alerts, &mut table)?;
        for line in String::from_utf8_lossy(&table).lines() {
            writeln!(out, "{}", report::printable(line))?;
        }
    } else {
        push_all(format, alerts, &mut out)?;
    }
    out.flush()
}

/// Writes the kept alerts, in order, as one output of `format`.
fn push_all(format: Format, alerts: Vec<Kept>, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = output::Writer::new(format, out);
    for alert in alerts {
        writer.push(alert.rendered?)?;
    }
    writer.finish()
}
