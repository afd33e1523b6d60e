//! Gzip by magic bytes: inflate every member of a (possibly concatenated) gzip stream, a slice at
//! a time, and stop at a size limit so that a gzip bomb fails clearly instead of exhausting memory.
//!
//! Depends on the window's [`Source`] only.

use super::window::Source;
use flate2::read::MultiGzDecoder;
use std::io::{ErrorKind, Read};

/// Whether `bytes` start with the gzip magic bytes 1f 8b.
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// A gzip stream as a [`Source`] of inflated bytes: every member, at most `max` of them.
pub(crate) struct Gz<R: Read> {
    decoder: MultiGzDecoder<R>,
    produced: u64,
    max: u64,
    /// Why the stream stopped, held back until the bytes before it were given.
    stopped: Option<String>,
}

impl<R: Read> Gz<R> {
    pub(crate) fn new(reader: R, max: u64) -> Self {
        Gz { decoder: MultiGzDecoder::new(reader), produced: 0, max, stopped: None }
    }
}

impl<R: Read> Source for Gz<R> {
    fn fill(&mut self, bytes: &mut Vec<u8>, most: usize) -> Result<usize, String> {
        if let Some(why) = self.stopped.take() {
            return Err(why);
        }
        let room = self.max - self.produced;
        // One byte past the limit tells a stream that goes on from one that ends there.
        let want = (most as u64).min(room.saturating_add(1));
        let before = bytes.len();
        let read = (&mut self.decoder).take(want).read_to_end(bytes);
        let mut got = (bytes.len() - before) as u64;
        if got > room {
            bytes.truncate(before + room as usize);
            got = room;
            let max = self.max;
            self.stopped = Some(format!("gzip stream inflates to more than the limit of {max} bytes; stopped there"));
        }
        self.produced += got;
        if let (Err(e), None) = (read, &self.stopped) {
            let n = self.produced;
            self.stopped = Some(if e.kind() == ErrorKind::UnexpectedEof {
                format!("truncated gzip stream after {n} decompressed bytes")
            } else {
                format!("corrupt gzip stream after {n} decompressed bytes: {e}")
            });
        }
        match self.stopped.take() {
            Some(why) if got == 0 => Err(why),
            stopped => {
                self.stopped = stopped;
                Ok(got as usize)
            }
        }
    }
}
