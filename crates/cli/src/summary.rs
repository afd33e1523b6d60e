//! `trailhound summary PATH...`: what each principal did (or each access key, source address,
//! any indexed column): first and last seen, accounts, regions, addresses, user agents, keys,
//! actions, failures, the calls loaded rules watch for, and alerts. The first thing to read in a
//! new case. Built from the event index of one scan with the rules.

use crate::args::{SummaryArgs, SummaryFormat};
use crate::files::expand;
use crate::report;
use crate::scan::scan_inputs;
use std::io::{self, BufWriter, Write};
use trailhound_engine::events::{Count, Profile, summarize, timestamp_text};
use trailhound_engine::{Alert, AlertKey, Column, EventIndex, Merge, Scanner, Sink, StageOptions, Summary};

/// The exit status; `Err`: it stopped early, on an error it has printed.
pub fn run(args: &SummaryArgs) -> Result<u8, u8> {
    let Some(by) = Column::of_name(&args.by) else {
        let names: Vec<&str> = Column::ALL.iter().map(|c| c.name()).collect();
        eprintln!("trailhound: --by {}: not a column; one of: {}", args.by, names.join(", "));
        return Err(2);
    };
    let rules = crate::rules::load_or_exit(&args.rules)?;
    let geoip = crate::geoip::load_or_exit(&args.geoip.geoip)?;
    let limits = args.read.limits();
    let scanner = Scanner::new(rules.enabled().cloned().collect::<Vec<_>>()).with_limits(limits).with_geoip(geoip).with_events(true);
    let scans = scan_inputs(&scanner, &expand(&args.paths), args.read.threads, || Keys { by, kept: Vec::new() })?;
    let mut names = Vec::new();
    let mut merge = Merge::new();
    for (file, (scan, keys)) in scans.into_iter().enumerate() {
        names.push(scan.report.name.clone());
        merge.push(file, scan, keys.kept);
    }
    let mut index = EventIndex::new();
    let mut summary = Summary::default();
    let mut reports = Vec::new();
    let mut alerted: Vec<Option<String>> = Vec::new();
    let mut second = scanner.second_stage(StageOptions::default());
    for settled in merge.settle(usize::MAX).0 {
        summary.add(&settled.report);
        index.add(settled.file, &names[settled.file], settled.events);
        reports.push(settled.report);
        alerted.extend(settled.alerts);
        second.add(settled.file, settled.candidates);
    }
    if !second.is_empty() {
        let (decided, _) = second.finish();
        alerted.extend(decided.iter().map(|alert| alert.to_value().ok().and_then(|alert| value_of(&alert, by))));
    }
    let profiles = summarize(&index, by, &|action| scanner.watches(action), alerted.iter().map(Option::as_deref));
    let written = match args.format {
        SummaryFormat::Table => write_table(&profiles, by, args.top),
        SummaryFormat::Json => write_json(&profiles),
    };
    if let Err(e) = written {
        eprintln!("trailhound: cannot write the summary: {e}");
        return Err(2);
    }
    report::print_files(&reports, &summary);
    eprintln!("trailhound: {} events, {} by {}, {} alerts", index.len(), profiles.len(), by.name(), alerted.len());
    Ok(if summary.files_failed > 0 { 1 } else { 0 })
}

/// An alert's event's value at `by`.
fn value_of(alert: &Alert, by: Column) -> Option<String> {
    trailhound_engine::first(&alert.document, by.field())
}

/// Keeps each alert's value at `by` only.
struct Keys {
    by: Column,
    kept: Vec<(Option<String>, Option<AlertKey>)>,
}

impl Sink for Keys {
    fn alert(&mut self, alert: Alert, key: Option<AlertKey>) {
        self.kept.push((value_of(&alert, self.by), key));
    }
}

fn write_json(profiles: &[Profile]) -> io::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, profiles)?;
    writeln!(out)?;
    out.flush()
}

fn write_table(profiles: &[Profile], by: Column, top: usize) -> io::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    if profiles.is_empty() {
        writeln!(out, "No events.")?;
    }
    let time = |t: Option<i64>| t.and_then(timestamp_text).unwrap_or_else(|| "-".into());
    let list = |counts: &[Count]| -> String {
        if counts.is_empty() {
            return "-".into();
        }
        let mut shown: Vec<String> = counts.iter().take(top).map(|c| format!("{} ({})", c.value, c.count)).collect();
        if counts.len() > top {
            shown.push(format!("+{} more", counts.len() - top));
        }
        shown.join(", ")
    };
    for p in profiles {
        let key = p.key.clone().unwrap_or_else(|| format!("(no {})", by.name()));
        let mut lines =
            vec![format!("{key}: {} events, {} alerts", p.events, p.alerts), format!("  seen       {} to {}", time(p.first), time(p.last))];
        let rows: [(&str, &[Count], Column); 6] = [
            ("accounts", &p.accounts, Column::Account),
            ("regions", &p.regions, Column::Region),
            ("principals", &p.principals, Column::Principal),
            ("keys", &p.access_keys, Column::AccessKey),
            ("sources", &p.sources, Column::SourceAddress),
            ("agents", &p.user_agents, Column::UserAgent),
        ];
        // The column summarized by is the key itself.
        lines.extend(rows.iter().filter(|(_, _, c)| *c != by).map(|(name, counts, _)| format!("  {name:<10} {}", list(counts))));
        lines.push(format!("  {:<10} {}", "actions", list(&p.actions)));
        lines.push(match p.failures {
            0 => format!("  {:<10} none", "failed"),
            n => format!("  {:<10} {n}: {}", "failed", list(&p.errors)),
        });
        lines.push(format!("  {:<10} {}", "watched", list(&p.watched)));
        for line in lines {
            writeln!(out, "{}", report::printable(&line))?;
        }
        writeln!(out)?;
    }
    out.flush()
}
