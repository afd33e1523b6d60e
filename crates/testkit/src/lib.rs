//! Test and benchmark support shared across Trailhound's crates (dev-only): the deterministic
//! benchmark corpus, the fixture records, the hostile-input corpus and the input tests' helpers.
//! Nothing here ships: the engine, the CLI and the app never depend on it outside their tests.

pub mod corpus;
pub mod hostile;
pub mod input;
pub mod pairs;

/// The workspace root, where `tests/`, `rules/` and the fixtures are.
pub const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
