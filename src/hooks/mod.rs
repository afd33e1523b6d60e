//! Hooks: the scanning worker's life ([`use_scanner`]), the browser storage of settings
//! ([`use_persistence`]) and of GeoIP databases ([`use_geoip`]), keys pressed anywhere
//! ([`use_keydown`]).

mod use_geoip;
mod use_keydown;
mod use_persistence;
mod use_scanner;

pub use use_geoip::{GeoIpHandle, use_geoip};
pub use use_keydown::use_keydown;
pub use use_persistence::use_persistence;
pub use use_scanner::{Events, Place, ReadProgress, ReadRequest, ScannerHandle, use_scanner};
