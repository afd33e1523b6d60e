//! `trailhound scan`: load rules, scan every input (files in parallel, each read a slice at a time,
//! results merged in file order, so they do not depend on the number of threads), decide the
//! stateful rules over every file's candidates (the second stage), write alerts, report on stderr.
//!
//! Alerts are rendered in the output format on the thread that raised them, and only their text is
//! kept: an alert's ECS document is dropped as soon as it is written out.

use crate::args::{FormatArg, ScanArgs};
use crate::files::{Input, expand};
use crate::report;
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::time::{Instant, SystemTime};
use trailhound_engine::Alert;
use trailhound_engine::output::{self, Format, Rendered};
use trailhound_engine::{AlertKey, FileReport, FileScan, Merge, Scanner, Sink, Source, StageOptions, Summary};

/// The exit status; `Err`: it stopped early, on an error it has printed.
pub fn run(args: &ScanArgs) -> Result<u8, u8> {
    let rules = crate::rules::load_or_exit(&args.rules)?;
    let geoip = crate::geoip::load_or_exit(&args.geoip.geoip)?;
    crate::geoip::print_unmet(&rules, geoip.as_deref());
    let started = Instant::now();
    let limits = args.read.limits();
    let scanner = Scanner::new(rules.enabled().cloned().collect::<Vec<_>>())
        .with_limits(limits)
        .with_emulated_schedule(args.emulate_schedule)
        .with_geoip(geoip);
    let inputs = expand(&args.paths);
    let format = args.format.into();
    let generated_at = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let scans = scan_inputs(&scanner, &inputs, args.read.threads, || Render { format, generated_at: &generated_at, kept: Vec::new() })?;
    let mut merge = Merge::new();
    for (file, (scan, sink)) in scans.into_iter().enumerate() {
        merge.push(file, scan, sink.kept);
    }
    let mut alerts = Vec::new();
    let mut summary = Summary::default();
    let mut reports = Vec::new();
    let options = StageOptions { emulate_schedule: args.emulate_schedule, learn_first_window: args.learn_first_history };
    let mut second = scanner.second_stage(options);
    for settled in merge.settle(usize::MAX).0 {
        summary.add(&settled.report);
        reports.push(settled.report);
        alerts.extend(settled.alerts);
        second.add(settled.file, settled.candidates);
    }
    let stage = (!second.is_empty()).then(|| {
        let (decided, stage) = second.finish();
        for alert in decided {
            let rendered = alert.to_value().map_err(io::Error::other).and_then(|alert| output::render(format, &alert, &generated_at));
            alerts.push(Kept { rendered, rule: alert.rule.name });
        }
        summary.alerts += stage.alerts;
        stage
    });
    for alert in &alerts {
        summary.count_alert(&alert.rule);
    }
    if let Err(e) = write_alerts(args, format, alerts) {
        eprintln!("trailhound: cannot write alerts: {e}");
        return Err(2);
    }
    report::print(&reports, &summary, stage.as_ref(), started.elapsed());
    Ok(if summary.files_failed > 0 { 1 } else { 0 })
}

/// An alert as kept until it is written: its rule's name (for the summary) and its text.
struct Kept {
    rule: String,
    rendered: io::Result<Rendered>,
}

/// The sink of a file's alerts: each rendered at once, on the thread that raised it, and only its
/// text kept, with its key.
struct Render<'a> {
    format: Format,
    generated_at: &'a str,
    kept: Vec<(Kept, Option<AlertKey>)>,
}

impl Sink for Render<'_> {
    fn alert(&mut self, alert: Alert, key: Option<AlertKey>) {
        let rendered = output::render(self.format, &alert, self.generated_at);
        self.kept.push((Kept { rendered, rule: alert.rule.name }, key));
    }
}

/// Files from this size on are read with a gzip stream inflated on a thread of its own: about
/// 10 MB of JSON or more, where the thread's cost is lost in the time it saves.
const AHEAD_FROM: u64 = 1 << 20;

/// Scans every input on `threads` threads (one per core by default), in input order, each into
/// a sink of its own made by `sink` (given back with the file's scan). Standard input is scanned
/// first, on this thread, before any file is opened (so what a pipe feeds in is never raced by
/// the folder walk); every input is read a slice at a time, into one buffer a thread. `Err`: the
/// exit status when the threads cannot start (the error is printed).
pub fn scan_inputs<S: Sink + Send>(
    scanner: &Scanner,
    inputs: &[Input],
    threads: Option<u16>,
    sink: impl Fn() -> S + Sync,
) -> Result<Vec<(FileScan, S)>, u8> {
    let scan = |name: &str, source: Source<'_>| {
        let mut own = sink();
        (scanner.scan(name, source, &mut own), own)
    };
    // Taken by the first `-` (a second one reads as empty, as standard input would).
    let stdin = inputs.iter().any(|i| matches!(i, Input::Stdin)).then(|| scan("-", Source::reader(&mut io::stdin().lock(), None)));
    let stdin = std::sync::Mutex::new(stdin);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads.map_or(0, usize::from)).build().map_err(|e| {
        eprintln!("trailhound: cannot start the scanning threads: {e}");
        2
    })?;
    Ok(pool.install(|| {
        inputs
            .par_iter()
            .map_init(Vec::new, |buffer, input| {
                let name = input.name();
                let scanned = match input {
                    Input::Stdin => {
                        let first = stdin.lock().ok().and_then(|mut s| s.take());
                        Ok(first.unwrap_or_else(|| scan(&name, Source::reader(&mut io::empty(), None).buffer(buffer))))
                    }
                    _ => input.open().map(|(mut file, size)| match size {
                        Some(bytes) if bytes >= AHEAD_FROM => scan(&name, Source::inflated_ahead(&mut file, bytes).buffer(buffer)),
                        _ => scan(&name, Source::reader(&mut file, size).buffer(buffer)),
                    }),
                };
                scanned.unwrap_or_else(|why| (FileScan::of(FileReport::unreadable(&name, why)), sink()))
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
