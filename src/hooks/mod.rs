//! Hooks: the scanning worker's life ([`use_scanner`]) and the browser storage of settings
//! ([`use_persistence`]).

mod use_persistence;
mod use_scanner;

pub use use_persistence::use_persistence;
pub use use_scanner::{ScannerHandle, use_scanner};
