//! `trailhound scan`: load rules, scan every input, write alerts, report on stderr.

use crate::args::{FormatArg, ScanArgs};
use crate::files::expand;
use crate::report;
use crate::rules::{has_errors, load, print_problems};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::time::{Instant, SystemTime};
use trailhound::input::Limits;
use trailhound::output;
use trailhound::scan::{FileReport, Scanner, Summary};

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
    let mut alerts = Vec::new();
    let mut summary = Summary::default();
    let mut reports = Vec::new();
    for input in expand(&args.paths) {
        let name = input.name();
        let file_report = match input.read() {
            Ok(bytes) => scanner.scan_file(&name, &bytes, &mut alerts),
            Err(why) => FileReport::unreadable(&name, why),
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
    if summary.files_failed > 0 { 1 } else { 0 }
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
