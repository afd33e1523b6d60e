//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use trailhound_engine::Format;

#[derive(Parser)]
#[command(name = "trailhound", version, about = "Find attacks in AWS CloudTrail logs with Elastic's detection rules, offline.")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Scan CloudTrail files and folders (recursively; `-` for stdin) and print alerts.
    Scan(ScanArgs),
    /// List the loaded rules, and every rule that could not be loaded with why.
    Rules(ListArgs),
    /// Print every event a KQL query matches (Kibana's semantics, as in rules), each once, in
    /// time order.
    Hunt(HuntArgs),
    /// Summarize what each principal (or access key, source address, ...) did: when, where from,
    /// which calls, which failed, which the rules watch for, and the alerts.
    Summary(SummaryArgs),
}

/// How a file is read: the guards on what it may cost.
#[derive(Args)]
pub struct ReadArgs {
    /// Stop inflating a gzip file past this many bytes (a guard against gzip bombs).
    #[arg(long, value_name = "BYTES", default_value_t = 4 << 30)]
    pub max_inflated_bytes: u64,
    /// The most bytes one record may take (an element, a line, a CSV row); a longer one is a
    /// record error, skipped without being held.
    #[arg(long, value_name = "BYTES", default_value_t = trailhound_engine::input::MAX_RECORD_BYTES, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
    pub max_record_bytes: usize,
    /// Files scanned at once (default: one per core). Results do not depend on it.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

impl ReadArgs {
    /// The engine's limits these ask for.
    pub fn limits(&self) -> trailhound_engine::Limits {
        trailhound_engine::Limits { max_inflated_bytes: self.max_inflated_bytes, max_record_bytes: self.max_record_bytes }
    }
}

#[derive(Args)]
pub struct HuntArgs {
    /// The KQL query, on ECS fields (`aws.cloudtrail.user_identity.access_key_id:AKIA...`).
    #[arg(value_name = "QUERY")]
    pub query: String,
    #[command(flatten)]
    pub geoip: GeoIpArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output format: a table, CSV of the indexed fields, or NDJSON (each event's ECS document).
    #[arg(long, value_enum, default_value_t = EventFormat::Table)]
    pub format: EventFormat,
    /// Write the events to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Files and folders to search; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EventFormat {
    Table,
    Ndjson,
    Csv,
}

#[derive(Args)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub geoip: GeoIpArgs,
    #[command(flatten)]
    pub read: ReadArgs,
    /// What to summarize by: principal, access-key, source, account, region, user-agent, ...
    #[arg(long, value_name = "COLUMN", default_value = "principal")]
    pub by: String,
    #[arg(long, value_enum, default_value_t = SummaryFormat::Table)]
    pub format: SummaryFormat,
    /// How many values of each list the table shows.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top: usize,
    /// Files and folders to summarize; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SummaryFormat {
    Table,
    Json,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub geoip: GeoIpArgs,
    /// Run every loaded rule's own examples (`[[trailhound.example]]`) through the engine and say
    /// which give the outcome they expect; exits 1 if any does not.
    #[arg(long)]
    pub test: bool,
    /// `table`: a rule a line, then the counts by format and type and what was not loaded, a
    /// line a reason; `json`: all of it as one JSON document.
    #[arg(long, value_enum, default_value_t = SummaryFormat::Table)]
    pub format: SummaryFormat,
}

#[derive(Args)]
pub struct RuleArgs {
    /// A rule file or folder (Elastic TOML, Kibana NDJSON export, package JSON); repeatable.
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Do not load the rules built into Trailhound.
    #[arg(long)]
    pub no_builtin_rules: bool,
}

#[derive(Args)]
pub struct GeoIpArgs {
    /// A GeoIP or ASN database (`.mmdb`: MaxMind GeoLite2/GeoIP2, DB-IP Lite, IPinfo Lite) or a
    /// folder of them, for `source.geo.*` and `source.as.*`; repeatable. Read locally, never sent.
    #[arg(long = "geoip", value_name = "PATH")]
    pub geoip: Vec<PathBuf>,
}

#[derive(Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub rules: RuleArgs,
    #[command(flatten)]
    pub geoip: GeoIpArgs,
    /// Output format of the alerts.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,
    /// Write the alerts to this file instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Emulate each rule's runs as Elastic schedules them: also for query and EQL rules, keep at
    /// most `max_signals` alerts a run, and count those Elastic would drop.
    #[arg(long)]
    pub emulate_schedule: bool,
    /// New terms rules: treat the first history window as learning only (no alert for a value first
    /// seen while the history still reaches back before the data).
    #[arg(long)]
    pub learn_first_history: bool,
    /// Files and folders to scan; `-` reads standard input.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Table,
    Ndjson,
    Json,
    Csv,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Format {
        match arg {
            FormatArg::Table => Format::Table,
            FormatArg::Ndjson => Format::Ndjson,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
        }
    }
}
