//! The scan summary on standard error: per-file problems, then the totals. File names and reasons
//! may quote planted input, so control and bidirectional-override characters are shown escaped.

use std::time::Duration;
use trailhound_engine::FileStatus;
pub use trailhound_engine::printable;
use trailhound_engine::{FileReport, StageReport, Summary};

pub fn print(reports: &[FileReport], summary: &Summary, stage: Option<&StageReport>, elapsed: Duration) {
    print_files(reports, summary);
    if let Some(stage) = stage {
        eprintln!(
            "stateful rules: {} candidates, {} alerts; {} without a time, {} outside every run's window, {} over max_signals (dropped)",
            stage.candidates, stage.alerts, stage.untimed, stage.uncovered, stage.dropped
        );
    }
    eprintln!("alerts: {}", summary.alerts);
    for (rule, count) in &summary.alerts_per_rule {
        eprintln!("  {count:>6}  {}", printable(rule));
    }
    let seconds = elapsed.as_secs_f64();
    let mb = summary.bytes as f64 / 1e6;
    let rate = if seconds > 0.0 { mb / seconds } else { 0.0 };
    eprintln!("time: {seconds:.3} s, {mb:.1} MB, {rate:.1} MB/s");
}

/// Each file's problems, then the files' and records' totals.
pub fn print_files(reports: &[FileReport], summary: &Summary) {
    for report in reports {
        let name = printable(&report.name);
        match &report.read.status {
            FileStatus::Failed(error) => eprintln!("error: {name}: {}: {}", error.location, printable(&error.reason)),
            FileStatus::Skipped(why) => eprintln!("skipped: {name}: {}", printable(why)),
            FileStatus::Scanned => {}
        }
        for error in &report.errors {
            eprintln!("record error: {name}: record {}: {}: {}", error.index, error.location, printable(&error.reason));
        }
        let unshown = report.record_errors - report.errors.len();
        if unshown > 0 {
            eprintln!("record error: {name}: {unshown} more record errors");
        }
    }
    for (name, what) in &summary.lossy {
        eprintln!("lossy: {}: {what}", printable(name));
    }
    eprintln!(
        "files: {} scanned, {} skipped, {} failed; records: {} ({} scanned, {} errors), {} duplicates",
        summary.files_scanned,
        summary.files_skipped,
        summary.files_failed,
        summary.records,
        summary.scanned,
        summary.record_errors,
        summary.duplicates
    );
}
