//! The scan summary on standard error: per-file problems, then the totals.

use std::time::Duration;
use trailhound::input::FileOutcome;
use trailhound::scan::{FileReport, Summary};

pub fn print(reports: &[FileReport], summary: &Summary, elapsed: Duration) {
    for report in reports {
        match &report.read.outcome {
            FileOutcome::Failed(error) => eprintln!("error: {}: {}: {}", report.name, error.location, error.reason),
            FileOutcome::Skipped(why) => eprintln!("skipped: {}: {why}", report.name),
            FileOutcome::Complete => {}
        }
        for error in &report.errors {
            eprintln!("record error: {}: record {}: {}: {}", report.name, error.index, error.location, error.reason);
        }
        let unshown = report.record_errors - report.errors.len();
        if unshown > 0 {
            eprintln!("record error: {}: {unshown} more record errors", report.name);
        }
    }
    for (name, what) in &summary.lossy {
        eprintln!("lossy: {name}: {what}");
    }
    let seconds = elapsed.as_secs_f64();
    let mb = summary.bytes as f64 / 1e6;
    let rate = if seconds > 0.0 { mb / seconds } else { 0.0 };
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
    eprintln!("alerts: {}", summary.alerts);
    for (rule, count) in &summary.alerts_per_rule {
        eprintln!("  {count:>6}  {rule}");
    }
    eprintln!("time: {seconds:.3} s, {mb:.1} MB, {rate:.1} MB/s");
}
