//! Gzip by magic bytes: inflate every member of a (possibly concatenated) gzip stream, a slice at
//! a time, and stop at a size limit so that a gzip bomb fails clearly instead of exhausting memory.
//!
//! Depends on the window's [`Source`] only.

use super::window::{Source, given};
use flate2::read::MultiGzDecoder;
use std::io::{ErrorKind, Read};

/// Whether `bytes` start with the gzip magic bytes 1f 8b.
pub(crate) fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// How much is inflated at a time. Fixed, like the input the decoder gets (see [`Full`]): when the
/// deflate data is corrupt, the decoder drops what it inflated in that call, so what comes before
/// the damage must not depend on how the file is read.
const CHUNK: usize = 64 * 1024;

/// A gzip stream as a [`Source`] of inflated bytes: every member, at most `max` of them.
pub(crate) struct Gz<R: Read> {
    decoder: MultiGzDecoder<Full<R>>,
    produced: u64,
    max: u64,
    /// Why the stream stopped, held back until the bytes before it were given.
    stopped: Option<String>,
    chunk: Vec<u8>,
}

impl<R: Read> Gz<R> {
    pub(crate) fn new(reader: R, max: u64) -> Self {
        Gz { decoder: MultiGzDecoder::new(Full { reader, error: None }), produced: 0, max, stopped: None, chunk: vec![0; CHUNK] }
    }
}

impl<R: Read> Source for Gz<R> {
    /// Inflates [`CHUNK`]s until at least `most` bytes came (or the stream ended or stopped).
    fn fill(&mut self, bytes: &mut Vec<u8>, most: usize) -> Result<usize, String> {
        let mut got = 0;
        while got < most && self.stopped.is_none() {
            match self.decoder.read(&mut self.chunk) {
                Ok(0) => break,
                Ok(n) => {
                    let room = usize::try_from(self.max - self.produced).unwrap_or(usize::MAX);
                    let kept = n.min(room);
                    bytes.extend_from_slice(&self.chunk[..kept]);
                    got += kept;
                    self.produced += kept as u64;
                    if n > room {
                        let max = self.max;
                        self.stopped = Some(format!("gzip stream inflates to more than the limit of {max} bytes; stopped there"));
                    }
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    let n = self.produced;
                    self.stopped = Some(if e.kind() == ErrorKind::UnexpectedEof {
                        format!("truncated gzip stream after {n} decompressed bytes")
                    } else {
                        format!("corrupt gzip stream after {n} decompressed bytes: {e}")
                    });
                }
            }
        }
        given(got, &mut self.stopped)
    }
}

/// A reader that fills what it is asked for (through short reads), so the decoder's input comes
/// in the same pieces however the file arrives (a pipe, a disk, a browser's chunks, memory).
struct Full<R> {
    reader: R,
    /// A read error held back until the bytes before it were given.
    error: Option<std::io::Error>,
}

impl<R: Read> Read for Full<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        let mut got = 0;
        while got < out.len() {
            match self.reader.read(&mut out[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if got > 0 => {
                    self.error = Some(e);
                    break;
                }
                Err(e) => return Err(e),
            }
        }
        Ok(got)
    }
}

/// The rest of a reader whose first bytes were held: a read error met while holding comes first,
/// so the stream fails at the same byte whether or not its start was held.
pub(crate) struct Rest<R> {
    reader: R,
    error: Option<std::io::Error>,
    ended: bool,
}

impl<R: Read> Rest<R> {
    /// Reads `reader` into `held` until `held` has more than `most` bytes, or the reader ends or
    /// fails.
    pub(crate) fn hold(held: &mut Vec<u8>, mut reader: R, most: usize) -> Rest<R> {
        let room = (most + 1).saturating_sub(held.len()) as u64;
        match (&mut reader).take(room).read_to_end(held) {
            Ok(_) => Rest { ended: held.len() <= most, reader, error: None },
            Err(e) => Rest { reader, error: Some(e), ended: false },
        }
    }

    /// Whether the reader ended, without an error, within what was held.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(crate) fn ended(&self) -> bool {
        self.ended
    }
}

impl<R: Read> Read for Rest<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        match self.error.take() {
            Some(e) => Err(e),
            None => self.reader.read(out),
        }
    }
}
