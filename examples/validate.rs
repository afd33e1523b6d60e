//! The floor the scan is measured against: serde_json validating the same files (parsing every
//! byte into `IgnoredAny`, inflating `.gz` first), on one core. Prints files, bytes and records.
//!
//! `cargo run --release --example validate -- [--inflate-only] [--stream] FILE_OR_FOLDER...` (with
//! `--inflate-only`, the floor of `.gz` files: inflating alone, as the scan inflates, no parsing;
//! with `--stream`, always a piece at a time, as the browser and big files are inflated).

use serde::de::IgnoredAny;
use std::path::Path;

fn main() -> anyhow::Result<()> {
    let (mut files, mut bytes) = (0u64, 0u64);
    let inflate_only = std::env::args().any(|a| a == "--inflate-only");
    let stream = std::env::args().any(|a| a == "--stream");
    for arg in std::env::args_os().skip(1).filter(|a| a != "--inflate-only" && a != "--stream") {
        visit(Path::new(&arg), &mut |path| {
            let raw = std::fs::read(path)?;
            let text = if raw.starts_with(&[0x1f, 0x8b]) && stream {
                let mut out = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&raw[..]), &mut out)?;
                out
            } else if raw.starts_with(&[0x1f, 0x8b]) {
                trailhound_engine::input::inflate(&raw, u64::MAX).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
            } else {
                raw
            };
            if !inflate_only {
                serde_json::from_slice::<IgnoredAny>(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            }
            files += 1;
            bytes += text.len() as u64;
            Ok(())
        })?;
    }
    println!("files {files}\nplain_bytes {bytes}");
    Ok(())
}

fn visit(path: &Path, f: &mut dyn FnMut(&Path) -> anyhow::Result<()>) -> anyhow::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)?.collect::<Result<_, _>>()?;
        entries.sort_by_key(|e| e.path());
        for entry in entries {
            let p = entry.path();
            if p.is_dir() || p.extension().is_some_and(|e| e == "json" || e == "gz") {
                visit(&p, f)?;
            }
        }
        Ok(())
    } else {
        f(path)
    }
}
