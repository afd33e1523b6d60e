//! Decompressed bytes → checked text: BOM, binary and UTF-8 checks, blanks and excerpts.
//!
//! Depends on nothing else in the crate.

/// The UTF-8 byte order mark, accepted and skipped.
pub(crate) const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The offset of the first byte that is not JSON whitespace, from `pos`.
pub(crate) fn skip_ws(text: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = text.get(pos) {
        pos += 1;
    }
    pos
}

/// Names binary content we recognise, or `None` when the start of `data` looks like text.
pub(crate) fn binary_kind(data: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\xFF\xFE", UTF16),
        (b"\xFE\xFF", UTF16),
        (b"\x89PNG\r\n\x1a\n", "PNG image"),
        (b"PK\x03\x04", "ZIP archive; extract it first"),
        (b"BZh", "bzip2 data; decompress it first"),
        (b"\xFD7zXZ\x00", "xz data; decompress it first"),
        (b"\x28\xB5\x2F\xFD", "zstd data; decompress it first"),
        (b"%PDF-", "PDF document"),
        (b"\xFF\xD8\xFF", "JPEG image"),
    ];
    for (magic, name) in SIGNATURES {
        if data.starts_with(magic) {
            return Some(name);
        }
    }
    let head = &data[..data.len().min(1024)];
    let control = head.iter().any(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)));
    control.then_some("")
}

/// UTF-16 text (PowerShell's default encoding) is named apart from binary data.
const UTF16: &str = "UTF-16 text";

/// The message for binary content.
pub(crate) fn binary_reason(kind: &str) -> String {
    if kind == UTF16 {
        "expected UTF-8 text, found UTF-16 text (byte order mark FF FE or FE FF); save the file as \
         UTF-8"
            .to_string()
    } else if kind.is_empty() {
        "expected JSON, found binary data".to_string()
    } else {
        format!("expected JSON, found binary data ({kind})")
    }
}

/// How many bytes of a line an excerpt shows.
pub(crate) const EXCERPT: usize = 40;

/// A short, printable excerpt of `text` from `pos`, for error messages.
pub(crate) fn excerpt(text: &[u8], pos: usize) -> String {
    let rest = &text[pos.min(text.len())..];
    let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    let s = String::from_utf8_lossy(&line[..line.len().min(EXCERPT)]);
    let mut out: String = s.chars().filter(|c| !c.is_control()).collect();
    if line.len() > EXCERPT {
        out.push('…');
    }
    out
}
