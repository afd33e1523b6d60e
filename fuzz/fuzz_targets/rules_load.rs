//! Rules: any text loads as rules or problems that say why, never a panic; every loaded rule's
//! query prints.
#![no_main]

use libfuzzer_sys::fuzz_target;
use trailhound_engine::rules::{ProblemKind, load_text};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = load_text("fuzz.toml", text);
    for rule in &loaded.rules {
        let _ = rule.query.to_string();
    }
    for problem in &loaded.problems {
        match &problem.kind {
            ProblemKind::Invalid(why) | ProblemKind::Unsupported(why) => assert!(!why.is_empty(), "a problem says why"),
        }
        let _ = problem.to_string();
    }
});
