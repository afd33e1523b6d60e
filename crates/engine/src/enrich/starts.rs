//! The literals every match of a regex begins with and ends with, read from its syntax: a match
//! found anywhere in a string begins with one of the first and ends with one of the second, so a
//! string lacking all of either cannot match. `None` on a side where they are unknown, too many,
//! or one is empty. Shared by the engine and its build script (which reads them for the vendored
//! user-agent database ahead of time); depends on `regex-syntax` only.

use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// A side's literals.
pub type Literals = Option<Vec<Vec<u8>>>;

/// The prefixes and suffixes of `regex` (Java semantics: no Unicode classes; bytes).
pub fn starts_and_ends(regex: &str, case_insensitive: bool) -> (Literals, Literals) {
    let parsed = regex_syntax::ParserBuilder::new().unicode(false).utf8(false).case_insensitive(case_insensitive).build().parse(regex);
    let Ok(hir) = parsed else { return (None, None) };
    let side = |kind| {
        let mut extractor = Extractor::new();
        extractor.kind(kind).limit_total(64);
        let seq = extractor.extract(&hir);
        let literals: Vec<Vec<u8>> = seq.literals()?.iter().map(|l| l.as_bytes().to_vec()).collect();
        (!literals.is_empty() && literals.iter().all(|l| !l.is_empty())).then_some(literals)
    };
    (side(ExtractKind::Prefix), side(ExtractKind::Suffix))
}
