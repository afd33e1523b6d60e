//! Natively, a small gzip file inflated in one call by libdeflate, which needs the whole member
//! and room for all it inflates to, and in return inflates CloudTrail about half again as fast as
//! the streaming decoder. Only a file that is one complete, valid member is taken this way; for
//! any other the answer is "stream it", so what is read never depends on which way was taken.

use libdeflate_sys::{
    libdeflate_alloc_decompressor, libdeflate_free_decompressor, libdeflate_gzip_decompress_ex, libdeflate_result_LIBDEFLATE_SUCCESS,
};

/// The most compressed bytes held to inflate whole. A file read from a stream is held up to here
/// before it is known whether it qualifies.
pub(crate) const MAX_HELD: usize = super::SLICE;

/// The most bytes a file inflated whole may take: two slices, what the sliding window may hold
/// while a record is tried, so that the whole path never raises a scan's peak memory.
pub(crate) const MAX_TEXT: usize = 2 * super::SLICE;

/// The gzip header flag for a header CRC, which the streaming decoder checks and libdeflate skips.
const FHCRC: u8 = 0x02;

/// The text of `gz` when it is a single valid gzip member of at most `max` (and [`MAX_TEXT`])
/// inflated bytes, with no header CRC; else `None`, and the caller streams it, which reports
/// whatever is wrong at its place.
pub(crate) fn inflate(gz: &[u8], max: u64) -> Option<Vec<u8>> {
    // 10 header bytes, an empty deflate block, 8 trailer bytes.
    if gz.len() < 18 || gz.len() > MAX_HELD || gz[3] & FHCRC != 0 {
        return None;
    }
    // The trailer's ISIZE: the member's length modulo 2^32. A member that lies about it fails
    // below (too little room, or the check of ISIZE against what came out).
    let size = u32::from_le_bytes(gz[gz.len() - 4..].try_into().ok()?) as usize;
    if size > MAX_TEXT || size as u64 > max {
        return None;
    }
    let mut text = Vec::<u8>::with_capacity(size);
    let (mut used_in, mut used_out) = (0usize, 0usize);
    // SAFETY: the decompressor is checked for null and freed once, after its only use. libdeflate
    // reads `gz.len()` bytes from `gz` and writes at most `size` bytes into `text`'s capacity,
    // which holds `size`; `used_out` bytes of it are written when it succeeds, and only then is
    // the length set, to no more than that.
    unsafe {
        let decompressor = libdeflate_alloc_decompressor();
        if decompressor.is_null() {
            return None;
        }
        let result = libdeflate_gzip_decompress_ex(
            decompressor,
            gz.as_ptr().cast(),
            gz.len(),
            text.as_mut_ptr().cast(),
            size,
            &mut used_in,
            &mut used_out,
        );
        libdeflate_free_decompressor(decompressor);
        // A second member after the first (used_in short of the file) is streamed, as is any error.
        if result != libdeflate_result_LIBDEFLATE_SUCCESS || used_in != gz.len() || used_out != size {
            return None;
        }
        text.set_len(used_out);
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, read::MultiGzDecoder, write::GzEncoder};
    use proptest::prelude::*;
    use std::io::{Read, Write};

    fn gzip(text: &[u8]) -> Vec<u8> {
        let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(text).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn one_member_is_inflated_whole() {
        let text = br#"{"Records":[{"eventName":"DeleteBucketPolicy"}]}"#.repeat(100);
        assert_eq!(inflate(&gzip(&text), u64::MAX).as_deref(), Some(&text[..]));
        assert_eq!(inflate(&gzip(b""), u64::MAX).as_deref(), Some(&b""[..]));
    }

    #[test]
    fn anything_else_is_left_to_the_stream() {
        let gz = gzip(b"{\"Records\":[]}");
        let mut two = gz.clone();
        two.extend_from_slice(&gz);
        let mut garbage = gz.clone();
        garbage.push(b'x');
        let mut corrupt = gz.clone();
        corrupt[12] ^= 0xff;
        let mut lying = gz.clone();
        let end = lying.len();
        lying[end - 4] = 1;
        let mut header_crc = gz.clone();
        header_crc[3] |= FHCRC;
        for (what, bytes) in [
            ("two members", &two),
            ("trailing bytes", &garbage),
            ("corrupt deflate data", &corrupt),
            ("a wrong ISIZE", &lying),
            ("a header CRC", &header_crc),
            ("a truncated member", &gz[..gz.len() - 1].to_vec()),
        ] {
            assert_eq!(inflate(bytes, u64::MAX), None, "{what}");
        }
        assert_eq!(inflate(&gz, 13), None, "more than the limit");
        assert!(inflate(&gz, 14).is_some(), "at the limit");
        assert_eq!(inflate(&gzip(&vec![b' '; MAX_TEXT + 1]), u64::MAX), None, "longer than MAX_TEXT");
    }

    proptest! {
        /// Whatever the bytes (one member or two, damaged anywhere, cut or extended), an answer
        /// from the whole path is exactly what the streaming decoder inflates, without an error.
        #[test]
        fn the_whole_path_answers_only_what_the_stream_agrees_with(
            text in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'{'), Just(b'"'), any::<u8>()], 0..3000),
            second in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..200)),
            flip in proptest::option::of((any::<prop::sample::Index>(), 1..=255u8)),
            cut in proptest::option::of(any::<prop::sample::Index>()),
            extra in proptest::collection::vec(any::<u8>(), 0..3),
        ) {
            let mut gz = gzip(&text);
            if let Some(second) = &second {
                gz.extend(gzip(second));
            }
            if let Some((at, mask)) = flip {
                let at = at.index(gz.len());
                gz[at] ^= mask;
            }
            if let Some(cut) = cut {
                gz.truncate(cut.index(gz.len() + 1));
            }
            gz.extend_from_slice(&extra);
            if let Some(whole) = inflate(&gz, u64::MAX) {
                let mut streamed = Vec::new();
                MultiGzDecoder::new(&gz[..]).read_to_end(&mut streamed).expect("the stream agrees the file is sound");
                prop_assert_eq!(whole, streamed);
            }
        }
    }
}
