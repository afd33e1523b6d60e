//! `trailhound scan`: load rules, scan every input (files in parallel, each read a slice at a time,
//! results merged in file order, so they do not depend on the number of threads), write alerts,
//! report on stderr.

use crate::args::{FormatArg, ScanArgs};
use crate::files::{Input, expand};
use crate::report;
use crate::rules::{has_errors, load, print_problems};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::time::{Instant, SystemTime};
use trailhound::input::{Limits, SLICE};
use trailhound::output;
use trailhound::scan::{FileReport, FileScan, Scanner, Summary};

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
    let scans = match scan_all(&scanner, &inputs, args.threads) {
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
    summary.count_alerts(&alerts);
    let generated_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    if let Err(e) = write_alerts(args, &alerts, &generated_at) {
        eprintln!("trailhound: cannot write alerts: {e}");
        return 2;
    }
    report::print(&reports, &summary, started.elapsed());
    // The process ends here: freeing every alert document one by one would only cost time.
    std::mem::forget(alerts);
    if summary.files_failed > 0 { 1 } else { 0 }
}

/// An input scanned, or the report of one that could not be read.
enum Scanned {
    Read(FileScan),
    Unread(FileReport),
}

/// Scans every input on `threads` threads (one per core by default), in input order. Standard
/// input is scanned first, on this thread, before any file is opened (so what a pipe feeds in is
/// never raced by the folder walk); every input is read a slice at a time, into one buffer a thread.
fn scan_all(scanner: &Scanner<'_>, inputs: &[Input], threads: Option<u16>) -> Result<Vec<Scanned>, String> {
    // Taken by the first `-` (a second one reads as empty, as standard input would).
    let stdin = inputs
        .iter()
        .any(|i| matches!(i, Input::Stdin))
        .then(|| scanner.scan_stream("-", &mut io::stdin().lock(), None, SLICE, &mut Vec::new()));
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
                        Ok(first.unwrap_or_else(|| scanner.scan_alone(&name, &[])))
                    }
                    _ => input.open().map(|(mut file, size)| scanner.scan_stream(&name, &mut file, size, SLICE, buffer)),
                };
                match scanned {
                    Ok(scan) => Scanned::Read(scan),
                    Err(why) => Scanned::Unread(FileReport::unreadable(&name, why)),
                }
            })
            .collect()
    }))
}

fn write_alerts(args: &ScanArgs, alerts: &[trailhound::alert::Alert], generated_at: &str) -> io::Result<()> {
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    if matches!(args.format, FormatArg::Table) {
        // The table is read on a terminal: planted control characters are shown escaped.
        let mut table = Vec::new();
        output::write(args.format.into(), alerts, generated_at, &mut table)?;
        for line in String::from_utf8_lossy(&table).lines() {
            writeln!(out, "{}", report::printable(line))?;
        }
    } else {
        output::write(args.format.into(), alerts, generated_at, &mut out)?;
    }
    out.flush()
}
