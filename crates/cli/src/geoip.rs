//! `--geoip`: the GeoIP/ASN databases a scan looks addresses up in. A path is a `.mmdb` file or a
//! folder of them; what each database answers is told by its metadata, and a later database of a
//! kind replaces an earlier one (said on stderr). A file that is no usable database is an error.

use crate::files::{Input, expand};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use trailhound_engine::enrich::{Database, GeoIp, unmet};
use trailhound_engine::{Rule, RuleSet};

/// Opens every database `paths` names; `Err` lists each file that could not be used, with why.
pub fn load(paths: &[PathBuf]) -> Result<Option<Arc<GeoIp>>, Vec<String>> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut geoip = GeoIp::default();
    let mut errors = Vec::new();
    for input in expand(paths) {
        let name = input.name();
        if let Input::File(path) = &input {
            let is_database = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("mmdb"));
            if !is_database && !paths.iter().any(|p| p == path) {
                continue;
            }
        }
        let opened = input.read().and_then(|bytes| Database::from_bytes(&name, bytes).map_err(|e| e.to_string()));
        match opened {
            Ok(db) => {
                eprintln!("geoip: {} ({}, built {}) from {name}", db.database_type(), kinds(&db), built(db.build_epoch()));
                for old in geoip.add(db) {
                    eprintln!("geoip: {} replaces {} from {}", name, old.database_type(), old.name);
                }
            }
            Err(why) => errors.push(format!("--geoip {name}: {why}")),
        }
    }
    if geoip.databases().is_empty() && errors.is_empty() {
        errors
            .push(format!("--geoip {}: no .mmdb file found", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")));
    }
    if errors.is_empty() { Ok(Some(Arc::new(geoip))) } else { Err(errors) }
}

fn kinds(db: &Database) -> String {
    db.kinds().iter().map(|k| k.label()).collect::<Vec<_>>().join(" and ")
}

/// A build time as a date (`2024-05-01`).
fn built(epoch: u64) -> String {
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(epoch);
    humantime::format_rfc3339_seconds(time).to_string().chars().take(10).collect()
}

/// Says, one line a database, which enabled rules read fields that no loaded database provides.
/// [`load`], or each error printed and the exit status to stop with.
pub fn load_or_exit(paths: &[PathBuf]) -> Result<Option<Arc<GeoIp>>, u8> {
    load(paths).map_err(|errors| {
        errors.iter().for_each(|e| eprintln!("trailhound: {e}"));
        eprintln!("trailhound: not scanning: fix the --geoip errors above");
        2
    })
}

pub fn print_unmet(set: &RuleSet, geoip: Option<&GeoIp>) {
    let enabled: Vec<&Rule> = set.enabled().collect();
    let kinds = geoip.map(GeoIp::kinds).unwrap_or_default();
    for (need, rules) in unmet(enabled, &kinds) {
        let names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
        let count = if rules.len() == 1 { "1 rule needs".to_string() } else { format!("{} rules need", rules.len()) };
        eprintln!("geoip: {count} {} (--geoip) to match as Elastic does: {}", need.label(), names.join("; "));
    }
}
