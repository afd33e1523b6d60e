//! A gzip stream inflated a piece at a time by miniz_oxide, whose state can be cloned: every
//! member, checked as the scan's decoder checks it (header CRC, CRC-32, size), with a snapshot of
//! the inflater every few MiB of text for [`super::Checkpoints`].
//!
//! Depends on the window's [`Source`] and its parent's snapshots.

use super::{SeekRead, Snapshot, Taking, read_full};
use crate::input::window::{Source, given};
use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};
use std::cell::Cell;

/// How much compressed input is read at a time.
const INPUT: usize = 64 << 10;

/// How much is inflated in one call.
const CHUNK: usize = 64 << 10;

/// Where a gzip member is being read.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Header,
    Body,
    /// The member's CRC and size, then another member or the end.
    Trailer,
    Ended,
}

/// Every member of a gzip stream inflated by miniz_oxide, whose state can be kept; a snapshot of
/// it every `every` bytes of text. Checked as the scan's decoder checks: a member's header CRC, its
/// CRC-32 and its size; any failure marks the stream `damaged`.
pub(super) struct Inflater<'a> {
    file: &'a mut dyn SeekRead,
    input: Vec<u8>,
    pos: usize,
    /// The file offset of `input[0]`.
    base: u64,
    state: Box<InflateState>,
    phase: Phase,
    produced: u64,
    max: u64,
    stopped: Option<String>,
    taking: Taking<'a>,
    /// The member's CRC-32 and size (mod 2^32) so far.
    crc: crc32fast::Hasher,
    size: u32,
    damaged: &'a Cell<bool>,
}

impl<'a> Inflater<'a> {
    /// A stream from its first member's header.
    pub fn start(file: &'a mut dyn SeekRead, max: u64, taking: Taking<'a>, damaged: &'a Cell<bool>) -> Self {
        Inflater::new(file, 0, InflateState::new_boxed(DataFormat::Raw), Phase::Header, 0, max, taking, damaged)
    }

    /// A stream from `at`, inside a member.
    pub fn resume(file: &'a mut dyn SeekRead, at: &Snapshot, max: u64, taking: Taking<'a>, damaged: &'a Cell<bool>) -> Self {
        let state = at.state.clone().unwrap_or_else(|| InflateState::new_boxed(DataFormat::Raw));
        let mut inflater = Inflater::new(file, at.input, state, Phase::Body, at.output, max, taking, damaged);
        if let Some((crc, size)) = &at.crc {
            (inflater.crc, inflater.size) = (crc.clone(), *size);
        }
        inflater
    }

    #[allow(clippy::too_many_arguments)]
    fn new(
        file: &'a mut dyn SeekRead,
        base: u64,
        state: Box<InflateState>,
        phase: Phase,
        produced: u64,
        max: u64,
        taking: Taking<'a>,
        damaged: &'a Cell<bool>,
    ) -> Self {
        let input = Vec::with_capacity(INPUT);
        let crc = crc32fast::Hasher::new();
        Inflater { file, input, pos: 0, base, state, phase, produced, max, stopped: None, taking, crc, size: 0, damaged }
    }

    /// Reads more input when all of it was used; false at the end of the file.
    fn more(&mut self) -> Result<bool, String> {
        if self.pos < self.input.len() {
            return Ok(true);
        }
        self.base += self.input.len() as u64;
        self.input.resize(INPUT, 0);
        let got = read_full(self.file, &mut self.input);
        self.input.truncate(got);
        self.pos = 0;
        Ok(got > 0)
    }

    /// The next input byte.
    fn byte(&mut self) -> Result<Option<u8>, String> {
        if !self.more()? {
            return Ok(None);
        }
        self.pos += 1;
        Ok(Some(self.input[self.pos - 1]))
    }

    /// Reads a member's header (RFC 1952): magic, method, flags, then the optional fields.
    fn header(&mut self) -> Result<(), String> {
        let mut crc = crc32fast::Hasher::new();
        let mut next = |me: &mut Self| -> Result<u8, String> {
            let b = me.byte()?.ok_or("truncated gzip header")?;
            crc.update(&[b]);
            Ok(b)
        };
        let mut fixed = [0u8; 10];
        for b in &mut fixed {
            *b = next(self)?;
        }
        if fixed[..3] != [0x1f, 0x8b, 8] || fixed[3] & 0xe0 != 0 {
            return Err("not a gzip member".into());
        }
        let flags = fixed[3];
        if flags & 4 != 0 {
            let lo = next(self)?;
            let hi = next(self)?;
            for _ in 0..u16::from_le_bytes([lo, hi]) {
                next(self)?;
            }
        }
        for flag in [8, 16] {
            if flags & flag != 0 {
                while next(self)? != 0 {}
            }
        }
        if flags & 2 != 0 {
            let want = u32::from(crc.clone().finalize() as u16);
            let lo = self.byte()?.ok_or("truncated gzip header")?;
            let hi = self.byte()?.ok_or("truncated gzip header")?;
            if u32::from(u16::from_le_bytes([lo, hi])) != want {
                return Err("corrupt gzip header (CRC)".into());
            }
        }
        self.state.reset(DataFormat::Raw);
        (self.crc, self.size) = (crc32fast::Hasher::new(), 0);
        self.phase = Phase::Body;
        Ok(())
    }

    /// Passes over a member's trailer; what follows is another member or the end.
    fn trailer(&mut self) -> Result<(), String> {
        let mut trailer = [0u8; 8];
        for b in &mut trailer {
            *b = self.byte()?.ok_or("truncated gzip trailer")?;
        }
        let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
        let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
        if crc != self.crc.clone().finalize() || size != self.size {
            return Err("corrupt gzip stream (CRC or size)".into());
        }
        self.phase = if self.more()? { Phase::Header } else { Phase::Ended };
        Ok(())
    }

    /// Inflates up to a [`CHUNK`] into `bytes`; how many came.
    fn body(&mut self, bytes: &mut Vec<u8>) -> Result<usize, String> {
        if self.taking.due(self.produced) {
            let crc = Some((self.crc.clone(), self.size));
            let snapshot = Snapshot { input: self.base + self.pos as u64, output: self.produced, state: Some(self.state.clone()), crc };
            self.taking.push(snapshot);
        }
        let has_input = self.more()?;
        let before = bytes.len();
        bytes.resize(before + CHUNK, 0);
        let result = inflate(&mut self.state, &self.input[self.pos..], &mut bytes[before..], MZFlush::None);
        self.pos += result.bytes_consumed;
        bytes.truncate(before + result.bytes_written);
        self.crc.update(&bytes[before..]);
        self.size = self.size.wrapping_add(result.bytes_written as u32);
        let n = self.produced;
        match result.status {
            Ok(MZStatus::StreamEnd) => self.phase = Phase::Trailer,
            Ok(_) | Err(MZError::Buf) if result.bytes_consumed + result.bytes_written > 0 => {}
            Ok(_) | Err(MZError::Buf) if !has_input => return Err(format!("truncated gzip stream after {n} decompressed bytes")),
            _ => return Err(format!("corrupt gzip stream after {n} decompressed bytes")),
        }
        Ok(result.bytes_written)
    }
}

impl Source for Inflater<'_> {
    fn fill(&mut self, bytes: &mut Vec<u8>, most: usize) -> Result<usize, String> {
        let mut got = 0;
        while got < most && self.stopped.is_none() && self.phase != Phase::Ended && !self.taking.stop.get() {
            let before = bytes.len();
            let step = match self.phase {
                Phase::Header => self.header().map(|_| 0),
                Phase::Body => self.body(bytes),
                Phase::Trailer => self.trailer().map(|_| 0),
                Phase::Ended => Ok(0),
            };
            match step {
                Ok(n) => {
                    let room = usize::try_from(self.max.saturating_sub(self.produced)).unwrap_or(usize::MAX);
                    let kept = n.min(room);
                    bytes.truncate(before + kept);
                    self.taking.first(self.produced, &bytes[before..]);
                    got += kept;
                    self.produced += kept as u64;
                    if n > room {
                        self.stopped = Some(format!("gzip stream inflates to more than the limit of {} bytes; stopped there", self.max));
                    }
                }
                Err(why) => {
                    self.damaged.set(true);
                    self.stopped = Some(why);
                }
            }
        }
        given(got, &mut self.stopped)
    }
}
