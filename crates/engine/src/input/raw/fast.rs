//! The borrowed pass's fast path: reads a record object byte by byte and captures the same
//! fields as the serde visitor in [`super`], without serde's per-value dispatch.
//!
//! It only ever answers for text that serde_json parses to `Value` without complaint and that
//! the visitor reads to the same [`Top`]. Anything it does not handle exactly as they do (a value
//! that is not an object, a `\u` escape that is not a valid code point or pair, an escaped key
//! where keys are matched, an escaped string that is captured, an exponent, a number long
//! enough to overflow, deep nesting, anything malformed, text that ends early) makes it give up
//! with `None`, and the serde pass reads the value and decides, with serde_json's own error.
//!
//! Depends on the visitor's field routing only ([`super::slot`], [`Top::reset`]).

use super::{Field, Lite, Slot, Top, slot};
use std::borrow::Cow;

/// Deeper than this, the serde pass decides (serde_json fails on the 128th nested container).
const MAX_DEPTH: usize = 64;

/// Longer numbers may overflow `f64`, which `Value` refuses: the serde pass decides.
const MAX_NUMBER: usize = 300;

/// Reads the object at the start of `text` into `top`; returns the bytes it took, or `None`
/// when the serde pass must decide (`top` then holds whatever was read, and is discarded).
pub(super) fn read<'t>(text: &'t str, top: &mut Top<'t>) -> Option<usize> {
    let mut reader = Reader { text, at: 0 };
    if reader.byte()? != b'{' {
        return None;
    }
    reader.at += 1;
    reader.object(Some(top), None, 1)?;
    top.is_object = true;
    Some(reader.at)
}

/// A position in the text being read.
struct Reader<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Reader<'t> {
    /// The byte at the position (`None` at the end of the text).
    fn byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// The next byte that is not JSON whitespace.
    fn next(&mut self) -> Option<u8> {
        loop {
            match self.byte()? {
                b' ' | b'\n' | b'\t' | b'\r' => self.at += 1,
                b => return Some(b),
            }
        }
    }

    /// Consumes `want` after whitespace, or gives up.
    fn eat(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then(|| self.at += 1)
    }

    /// The members of an object whose `{` was read (the value of the field `level`, `None` for
    /// the record), each routed to its slot when the object's fields are captured (`top`), else
    /// only checked.
    fn object(&mut self, mut top: Option<&mut Top<'t>>, level: Option<Field>, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        if self.next()? == b'}' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.eat(b'"')?;
            let (key, escaped) = self.string()?;
            self.eat(b':')?;
            match top.as_deref_mut() {
                // Keys are matched decoded: an escaped one is left to the serde pass.
                Some(_) if escaped => return None,
                Some(top) => match slot(level, key) {
                    Slot::Scalar(field) => {
                        let start = self.at;
                        top[field] = self.lite(depth)?;
                        if field == Field::RequestParameters {
                            // A later copy of the key replaces an earlier one, as in `Value`.
                            top.request_parameters = (top[field] == Lite::Object).then(|| &self.text[start..self.at]);
                        }
                    }
                    Slot::Flag(flag) => {
                        *top.flag(flag) = true;
                        self.skip(depth)?;
                    }
                    Slot::Nested(field) => {
                        top.reset(field);
                        let kind = self.nested(top, field, depth)?;
                        top[field] = kind;
                    }
                    Slot::Skip => self.skip(depth)?,
                },
                None => self.skip(depth)?,
            }
            match self.next()? {
                b',' => self.at += 1,
                b'}' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// The value of a field whose own fields are captured when it is an object; its kind.
    fn nested(&mut self, top: &mut Top<'t>, field: Field, depth: usize) -> Option<Lite<'t>> {
        if self.next()? == b'{' {
            self.at += 1;
            self.object(Some(top), Some(field), depth + 1)?;
            Some(Lite::Object)
        } else {
            self.lite(depth)
        }
    }

    /// A captured value: its kind, with the string when it is one.
    fn lite(&mut self, depth: usize) -> Option<Lite<'t>> {
        Some(match self.next()? {
            b'"' => {
                self.at += 1;
                match self.string()? {
                    (_, true) => return None,
                    (s, false) => Lite::Str(Cow::Borrowed(s)),
                }
            }
            b'n' => {
                self.literal("null")?;
                Lite::Null
            }
            b't' => {
                self.literal("true")?;
                Lite::Bool(true)
            }
            b'f' => {
                self.literal("false")?;
                Lite::Bool(false)
            }
            b'{' => {
                self.skip(depth)?;
                Lite::Object
            }
            _ => {
                self.skip(depth)?;
                Lite::Other
            }
        })
    }

    /// Checks one value and moves past it.
    fn skip(&mut self, depth: usize) -> Option<()> {
        match self.next()? {
            b'"' => {
                self.at += 1;
                self.string().map(drop)
            }
            b'{' => {
                self.at += 1;
                self.object(None, None, depth + 1)
            }
            b'[' => {
                self.at += 1;
                self.array(depth + 1)
            }
            b't' => self.literal("true"),
            b'f' => self.literal("false"),
            b'n' => self.literal("null"),
            _ => self.number(),
        }
    }

    /// The elements of an array whose `[` was read.
    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        if self.next()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.skip(depth)?;
            match self.next()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &str) -> Option<()> {
        let end = self.at + word.len();
        (self.text.as_bytes().get(self.at..end)? == word.as_bytes()).then(|| self.at = end)
    }

    /// A number in JSON's grammar without an exponent, short enough to fit an `f64`. It must be
    /// followed by something (the end of the text may be the number being cut).
    fn number(&mut self) -> Option<()> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let digits = |at: usize| bytes[at.min(bytes.len())..].iter().take_while(|b| b.is_ascii_digit()).count();
        let mut at = start + usize::from(bytes.get(start) == Some(&b'-'));
        match (bytes.get(at), bytes.get(at + 1)) {
            (Some(b'0'), Some(b'0'..=b'9')) => return None,
            (Some(b'0'), _) => at += 1,
            (Some(b'1'..=b'9'), _) => at += digits(at),
            _ => return None,
        }
        if bytes.get(at) == Some(&b'.') {
            let fraction = digits(at + 1);
            if fraction == 0 {
                return None;
            }
            at += 1 + fraction;
        }
        match bytes.get(at) {
            None | Some(b'e' | b'E') => None,
            Some(_) if at - start > MAX_NUMBER => None,
            Some(_) => {
                self.at = at;
                Some(())
            }
        }
    }

    /// The rest of a string whose `"` was read: its text as written (escapes not decoded), and
    /// whether it has escapes.
    fn string(&mut self) -> Option<(&'t str, bool)> {
        let bytes = self.text.as_bytes();
        let start = self.at;
        let mut escaped = false;
        loop {
            let at = plain_run_end(bytes, self.at);
            match bytes.get(at)? {
                b'"' => {
                    self.at = at + 1;
                    // The quotes are ASCII, so both ends are character boundaries.
                    return Some((self.text.get(start..at)?, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.at = at + 1 + escape_len(&bytes[at + 1..])?;
                }
                // A control character, which JSON strings may not hold.
                _ => return None,
            }
        }
    }
}

/// The length of the escape after a `\` at the start of `rest` that serde_json decodes without
/// complaint: a one-letter escape, a `\u` escape of a code point that is not a surrogate, or a
/// surrogate pair. `None` for anything else.
fn escape_len(rest: &[u8]) -> Option<usize> {
    match rest.first()? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(1),
        b'u' => match hex4(rest.get(1..5)?)? {
            0xD800..=0xDBFF => match (rest.get(5..7)?, hex4(rest.get(7..11)?)?) {
                (b"\\u", 0xDC00..=0xDFFF) => Some(11),
                _ => None,
            },
            0xDC00..=0xDFFF => None,
            _ => Some(5),
        },
        _ => None,
    }
}

/// Four hex digits as a number.
fn hex4(digits: &[u8]) -> Option<u16> {
    digits.iter().try_fold(0u16, |n, &d| Some(n << 4 | (d as char).to_digit(16)? as u16))
}

/// Where the run of ordinary string bytes from `at` ends: the first `"`, `\` or control character
/// (or the end of `bytes`). Sixteen bytes at a time where vector code is written (x86_64, and
/// WebAssembly built with SIMD), then eight at a time in a word.
fn plain_run_end(bytes: &[u8], mut at: usize) -> usize {
    #[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
    while let Some(chunk) = bytes.get(at..at + 16) {
        let found = vector::stops16(chunk.try_into().expect("sixteen bytes"));
        if found != 0 {
            return at + found.trailing_zeros() as usize;
        }
        at += 16;
    }
    while let Some(chunk) = bytes.get(at..at + 8) {
        let found = word_stops(u64::from_le_bytes(chunk.try_into().expect("eight bytes")));
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    at + bytes[at.min(bytes.len())..].iter().take_while(|&&b| !is_stop(b)).count()
}

fn is_stop(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The stops among eight bytes: the top bit of a byte is set where it is a quote, a backslash or
/// below 0x20 (exactly so for the lowest such byte; above it, borrows may set more).
fn word_stops(word: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const TOPS: u64 = u64::from_le_bytes([0x80; 8]);
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let found =
        (quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash) | (word.wrapping_sub(ONES * 0x20) & !word);
    found & TOPS
}

/// Sixteen bytes at once: a bit for each byte that is a quote, a backslash or below 0x20.
#[cfg(target_arch = "x86_64")]
mod vector {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set_epi64x, _mm_set1_epi8};

    pub(super) fn stops16(chunk: &[u8; 16]) -> u32 {
        // SAFETY: SSE2 is part of every x86_64 target, so `stops` runs on a machine that has it.
        unsafe { stops(chunk) }
    }

    #[target_feature(enable = "sse2")]
    fn stops(chunk: &[u8; 16]) -> u32 {
        let half = |at: usize| i64::from_le_bytes(chunk[at..at + 8].try_into().expect("eight bytes"));
        let bytes = _mm_set_epi64x(half(8), half(0));
        let quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(b'\\' as i8));
        // Unsigned `byte <= 0x1f` is `min(byte, 0x1f) == byte`.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(0x1f)), bytes);
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
    }
}

/// Sixteen bytes at once: a bit for each byte that is a quote, a backslash or below 0x20.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod vector {
    use std::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_lt, u8x16_splat, u64x2, v128_or};

    pub(super) fn stops16(chunk: &[u8; 16]) -> u32 {
        let half = |at: usize| u64::from_le_bytes(chunk[at..at + 8].try_into().expect("eight bytes"));
        let bytes = u64x2(half(0), half(8));
        let found =
            v128_or(v128_or(u8x16_eq(bytes, u8x16_splat(b'"')), u8x16_eq(bytes, u8x16_splat(b'\\'))), u8x16_lt(bytes, u8x16_splat(0x20)));
        u32::from(u8x16_bitmask(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plain_run_stops_at_the_first_quote_backslash_or_control_character() {
        for (text, end) in [
            ("", 0),
            ("abc", 3),
            ("abcdefghijkl\"", 12),
            ("abcdefgh\\ijkl", 8),
            ("abcdefghi\u{1}", 9),
            ("a\"b\\c", 1),
            ("\u{7f}\u{1f}", 1),
            ("Ω\"", 2),
            ("abcdefgh", 8),
            ("a!#\u{ff}\u{20}\"", 6),
        ] {
            assert_eq!(plain_run_end(text.as_bytes(), 0), end, "{text:?}");
        }
    }

    /// A bit for each of the sixteen bytes that is a stop, one byte at a time: the vectors' reference.
    fn scalar_stops16(chunk: &[u8; 16]) -> u32 {
        chunk.iter().enumerate().fold(0, |bits, (i, &b)| bits | u32::from(is_stop(b)) << i)
    }

    #[test]
    fn every_byte_in_every_lane_is_a_stop_exactly_when_it_should_be() {
        for byte in 0..=255u8 {
            for lane in 0..16 {
                let mut chunk = [b'a'; 16];
                chunk[lane] = byte;
                let expected = scalar_stops16(&chunk);
                assert_eq!(expected, u32::from(is_stop(byte)) << lane);
                #[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
                assert_eq!(vector::stops16(&chunk), expected, "byte {byte:#x} in lane {lane}");
                let word = word_stops(u64::from_le_bytes(chunk[lane / 8 * 8..][..8].try_into().expect("eight")));
                assert_eq!(word.trailing_zeros() / 8, if is_stop(byte) { lane as u32 % 8 } else { 8 }, "byte {byte:#x} in lane {lane}");
                // The whole search, with the stop at every offset of a longer run.
                let text = [&[b'a'; 23][..lane + 7], &[byte]].concat();
                let end = if is_stop(byte) { lane + 7 } else { lane + 8 };
                assert_eq!(plain_run_end(&text, 0), end, "byte {byte:#x} at {}", lane + 7);
            }
        }
        // Several stops: the lowest is exact in the word, all are exact in the vector.
        let chunk = *b"ab\"c\\d\x01efgh\"ij\\k";
        #[cfg(any(target_arch = "x86_64", all(target_arch = "wasm32", target_feature = "simd128")))]
        assert_eq!(vector::stops16(&chunk), scalar_stops16(&chunk));
        assert_eq!(word_stops(u64::from_le_bytes(chunk[..8].try_into().expect("eight"))).trailing_zeros() / 8, 2);
    }

    #[test]
    fn escapes_are_taken_only_when_they_decode() {
        assert_eq!(escape_len(b"n rest"), Some(1));
        assert_eq!(escape_len(b"u00e9"), Some(5));
        assert_eq!(escape_len(b"uD83D\\uDE00"), Some(11));
        assert_eq!(escape_len(b"uD83D"), None);
        assert_eq!(escape_len(b"uD83D\\u0041"), None);
        assert_eq!(escape_len(b"uDE00"), None);
        assert_eq!(escape_len(b"u00g0"), None);
        assert_eq!(escape_len(b"x"), None);
        assert_eq!(escape_len(b""), None);
    }
}
