//! `trailhound hunt QUERY PATH...`: every event a KQL query matches, each once, in time order.
//! The query is parsed and matched as a rule's is: the files are scanned with it as their only
//! rule, and each event it matches is printed as a row (table, CSV) or its ECS document (NDJSON).
//!
//! Each match is rendered where it is found and only its text is kept until the events are put
//! in time order, so memory grows with the matches' text, not with the input.

use crate::args::{EventFormat, HuntArgs};
use crate::files::expand;
use crate::report;
use crate::scan::scan_inputs;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use trailhound_engine::output::events;
use trailhound_engine::{Alert, AlertKey, Merge, Query, Rule, Scanner, Sink, Summary};

/// The exit status; `Err`: it stopped early, on an error it has printed.
pub fn run(args: &HuntArgs) -> Result<u8, u8> {
    let query = match Query::parse(&args.query) {
        Ok(query) => query,
        Err(e) => {
            eprintln!("trailhound: the query does not parse:\n{}", e.render());
            return Err(2);
        }
    };
    let geoip = crate::geoip::load_or_exit(&args.geoip.geoip)?;
    let limits = args.read.limits();
    let scanner = Scanner::new([Rule::hunt(query)]).with_limits(limits).with_geoip(geoip);
    let format = args.format;
    let scans = scan_inputs(&scanner, &expand(&args.paths), args.read.threads, || Hits { format, kept: Vec::new() })?;
    let mut merge = Merge::new();
    for (file, (scan, hits)) in scans.into_iter().enumerate() {
        merge.push(file, scan, hits.kept);
    }
    let mut summary = Summary::default();
    let mut reports = Vec::new();
    let mut hits: Vec<Hit> = Vec::new();
    for settled in merge.settle(usize::MAX).0 {
        summary.add(&settled.report);
        reports.push(settled.report);
        hits.extend(settled.alerts);
    }
    hits.sort_by(|a, b| (&a.time, &a.file, a.record).cmp(&(&b.time, &b.file, b.record)));
    if let Err(e) = write(args, hits) {
        eprintln!("trailhound: cannot write the events: {e}");
        return Err(2);
    }
    report::print_files(&reports, &summary);
    eprintln!("trailhound: {} events match", summary.alerts);
    Ok(if summary.files_failed > 0 { 1 } else { 0 })
}

/// An event found, rendered, with what orders it: its `@timestamp` (the pipeline's form, which
/// sorts as time does), then its file and record.
struct Hit {
    time: Option<String>,
    file: String,
    record: usize,
    text: Rendered,
}

enum Rendered {
    Cells(Vec<String>),
    Line(io::Result<String>),
}

/// Renders each match where it is found.
struct Hits {
    format: EventFormat,
    kept: Vec<(Hit, Option<AlertKey>)>,
}

impl Sink for Hits {
    fn alert(&mut self, alert: Alert, key: Option<AlertKey>) {
        let (file, record) = (alert.origin.file.clone(), alert.origin.record);
        let text = match self.format {
            EventFormat::Table | EventFormat::Csv => Rendered::Cells(events::cells(&alert.document, &file, record)),
            EventFormat::Ndjson => Rendered::Line(serde_json::to_string(&alert.document).map_err(io::Error::other)),
        };
        self.kept.push((Hit { time: alert.event.timestamp, file, record, text }, key));
    }
}

fn write(args: &HuntArgs, hits: Vec<Hit>) -> io::Result<()> {
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(File::create(path)?)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    match args.format {
        EventFormat::Table => {
            let rows: Vec<Vec<String>> =
                hits.into_iter().filter_map(|h| if let Rendered::Cells(c) = h.text { Some(c) } else { None }).collect();
            let mut table = Vec::new();
            events::write_table(&rows, &mut table)?;
            // Read on a terminal: planted control characters are shown escaped.
            for line in String::from_utf8_lossy(&table).lines() {
                writeln!(out, "{}", report::printable(line))?;
            }
        }
        EventFormat::Csv => {
            events::write_csv_header(&mut out)?;
            for hit in hits {
                if let Rendered::Cells(cells) = hit.text {
                    events::write_csv_row(&cells, &mut out)?;
                }
            }
        }
        EventFormat::Ndjson => {
            for hit in hits {
                if let Rendered::Line(line) = hit.text {
                    writeln!(out, "{}", line?)?;
                }
            }
        }
    }
    out.flush()
}
