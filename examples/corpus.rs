//! Writes the deterministic benchmark corpus (`trailhound_testkit::corpus`) to a folder: S3-delivery files of
//! 1,000 records under `logs/`, plain or gzip, until the size asked for, plus `expected.txt`
//! (files, records, bytes, the seed rule's alerts) and, with `--rules N`, N synthetic rules under
//! `rules/`, with `--sigma N`, N synthetic Sigma rules under `sigma/`.
//!
//! `cargo run --release --example corpus -- OUT --megabytes 200 [--gzip] [--seed 1] [--rules 49] [--sigma 800]`

use trailhound_testkit::corpus;

use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    /// The folder to write (created; existing corpus files in it are overwritten).
    out: PathBuf,
    /// Plain JSON megabytes (10^6 bytes) to write, at least.
    #[arg(long, default_value_t = 100)]
    megabytes: u64,
    /// Records in each file.
    #[arg(long, default_value_t = 1000)]
    records_per_file: usize,
    /// Write `.json.gz` files (gzip of the same JSON).
    #[arg(long)]
    gzip: bool,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Also write this many synthetic rules under OUT/rules.
    #[arg(long, default_value_t = 0)]
    rules: usize,
    /// Also write this many synthetic Sigma rules under OUT/sigma.
    #[arg(long, default_value_t = 0)]
    sigma: usize,
    /// Write one file of the whole size instead of 1,000-record files.
    #[arg(long)]
    single: bool,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(args.out.join("logs"))?;
    let mut generator = corpus::Generator::new(args.seed);
    let target = args.megabytes * 1_000_000;
    let (mut files, mut records, mut alerts, mut plain, mut written) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let per_file = if args.single { usize::MAX } else { args.records_per_file };
    let mut single: Vec<u8> = Vec::new();
    while plain < target {
        let mut file = generator.file(per_file.min(1000));
        plain += file.json.len() as u64;
        if args.single {
            // One big delivery: the records of successive 1,000-record files, joined.
            let body = &file.json[b"{\"Records\":[".len()..file.json.len() - 2];
            single.extend_from_slice(if single.is_empty() { b"{\"Records\":[" } else { b"," });
            single.extend_from_slice(body);
        } else {
            let name = format!("{}_CloudTrail_us-east-1_20251201T{:04}Z_{:016x}.json", corpus::services::ACCOUNT, files % 10_000, files);
            files += 1;
            written += write(&args, &name, std::mem::take(&mut file.json))?;
        }
        records += file.records as u64;
        alerts += file.alerts as u64;
    }
    if args.single {
        single.extend_from_slice(b"]}");
        plain = single.len() as u64;
        written += write(&args, "single.json", single)?;
        files = 1;
    }
    for (name, text) in corpus::synthetic_rules(args.rules) {
        std::fs::create_dir_all(args.out.join("rules"))?;
        std::fs::write(args.out.join("rules").join(name), text)?;
    }
    for (name, text) in corpus::synthetic_sigma_rules(args.sigma) {
        std::fs::create_dir_all(args.out.join("sigma"))?;
        std::fs::write(args.out.join("sigma").join(name), text)?;
    }
    let expected = format!("files {files}\nrecords {records}\nalerts {alerts}\nplain_bytes {plain}\nfile_bytes {written}\n");
    std::fs::write(args.out.join("expected.txt"), &expected)?;
    print!("{expected}");
    Ok(())
}

/// Writes one corpus file (gzip if asked); returns the bytes written.
fn write(args: &Args, name: &str, json: Vec<u8>) -> anyhow::Result<u64> {
    let (name, bytes) = if args.gzip { (format!("{name}.gz"), corpus::gzip(&json)) } else { (name.to_string(), json) };
    std::fs::write(args.out.join("logs").join(name), &bytes)?;
    Ok(bytes.len() as u64)
}
