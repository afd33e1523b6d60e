//! Gzip by magic bytes: inflate every member of a (possibly concatenated) gzip stream, streaming,
//! and stop at a size limit so that a gzip bomb fails clearly instead of exhausting memory.
//!
//! Depends on nothing else in the crate.

use flate2::read::MultiGzDecoder;
use std::io::{ErrorKind, Read};

/// Whether `bytes` start with the gzip magic bytes 1f 8b.
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// What inflating produced: the data inflated so far, and why it stopped early, if it did.
pub(crate) struct Inflated {
    pub data: Vec<u8>,
    /// Set when the stream is truncated, corrupt, or over the limit; `data` is what came before.
    pub stopped: Option<String>,
}

/// Inflates `bytes` (all gzip members), keeping at most `max` inflated bytes.
pub(crate) fn inflate(bytes: &[u8], max: u64) -> Inflated {
    let mut decoder = MultiGzDecoder::new(bytes);
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    let guess = bytes.len().saturating_mul(8).min(64 << 20).min(max);
    let mut data = Vec::with_capacity(guess);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match decoder.read(&mut chunk) {
            Ok(0) => {
                return Inflated { data, stopped: None };
            }
            Ok(n) => {
                if data.len() + n > max {
                    let room = max - data.len();
                    data.extend_from_slice(&chunk[..room]);
                    let stopped = format!("gzip stream inflates to more than the limit of {max} bytes; stopped there");
                    return Inflated { data, stopped: Some(stopped) };
                }
                data.extend_from_slice(&chunk[..n]);
            }
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => {
                let n = data.len();
                let stopped = if e.kind() == ErrorKind::UnexpectedEof {
                    format!("truncated gzip stream after {n} decompressed bytes")
                } else {
                    format!("corrupt gzip stream after {n} decompressed bytes: {e}")
                };
                return Inflated { data, stopped: Some(stopped) };
            }
        }
    }
}
