//! The GeoIP/ASN databases the page keeps: what it knows of each without opening it again (its
//! metadata, read once when the user adds it), which database a new one replaces (one of a kind),
//! and which loaded rules read fields that no kept database provides. Yew-free and built natively;
//! the files themselves live in the browser's origin private file system (`hooks::use_geoip`).

use serde::{Deserialize, Serialize};
use trailhound_engine::Rule;
use trailhound_engine::enrich::{Database, Kind, Need, unmet};

/// A kept database, as the rules panel lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeoIpInfo {
    /// The file's name (also its name in the browser's storage).
    pub name: String,
    /// Its `database_type`, e.g. `GeoLite2-City`.
    pub database_type: String,
    /// What it answers: `City`, `Country`, `ASN`.
    pub kinds: Vec<String>,
    /// When it was built, seconds since the Unix epoch.
    pub build_epoch: u64,
    pub bytes: u64,
}

impl GeoIpInfo {
    /// Opens `bytes` as a database to read what it is; the error says why it cannot be used.
    pub fn read(name: &str, bytes: Vec<u8>) -> Result<GeoIpInfo, String> {
        let size = bytes.len() as u64;
        let db = Database::from_bytes(name, bytes).map_err(|e| format!("{name}: {e}"))?;
        Ok(GeoIpInfo {
            name: name.to_string(),
            database_type: db.database_type().to_string(),
            kinds: db.kinds().iter().map(|k| k.label().to_string()).collect(),
            build_epoch: db.build_epoch(),
            bytes: size,
        })
    }

    /// Its build date, `2024-05-01`.
    pub fn built(&self) -> String {
        crate::stats::format_epoch(self.build_epoch as i64).chars().take(10).collect()
    }

    fn kinds(&self) -> Vec<Kind> {
        [Kind::City, Kind::Country, Kind::Asn].into_iter().filter(|k| self.kinds.iter().any(|n| n == k.label())).collect()
    }
}

/// Whether a dropped file is a database by its name (`.mmdb`), not a log to scan.
pub fn is_database_name(name: &str) -> bool {
    name.rsplit('.').next().is_some_and(|ext| ext.eq_ignore_ascii_case("mmdb")) && name.contains('.')
}

/// `kept` with `added` in: a database of a kind `added` answers is replaced, as the scan would
/// (one database of a kind), and so is one of the same name. Returns the new list and the names
/// dropped.
pub fn with(kept: &[GeoIpInfo], added: GeoIpInfo) -> (Vec<GeoIpInfo>, Vec<String>) {
    let new_kinds = added.kinds();
    let (dropped, mut list): (Vec<GeoIpInfo>, Vec<GeoIpInfo>) =
        kept.iter().cloned().partition(|k| k.name == added.name || k.kinds().iter().any(|x| new_kinds.contains(x)));
    list.push(added.clone());
    (list, dropped.into_iter().map(|d| d.name).filter(|n| *n != added.name).collect())
}

/// The rules (by name) that read fields no kept database provides, a line a database kind:
/// ("an ASN database", [names]).
pub fn needs(rules: &[&Rule], kept: &[GeoIpInfo]) -> Vec<(&'static str, Vec<String>)> {
    let kinds: Vec<Kind> = kept.iter().flat_map(GeoIpInfo::kinds).collect();
    unmet(rules.iter().copied(), &kinds)
        .into_iter()
        .map(|(need, rules): (Need, Vec<&Rule>)| (need.label(), rules.iter().map(|r| r.name.clone()).collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/geoip");

    fn info(name: &str) -> GeoIpInfo {
        GeoIpInfo::read(name, std::fs::read(format!("{DIR}/{name}")).unwrap()).unwrap()
    }

    #[test]
    fn a_database_is_told_by_its_metadata_and_a_broken_file_says_why() {
        let city = info("GeoLite2-City-Test.mmdb");
        assert_eq!((city.database_type.as_str(), city.kinds.as_slice()), ("GeoLite2-City", ["City".to_string()].as_slice()));
        assert!(city.built().starts_with("20"), "{}", city.built());
        let err = GeoIpInfo::read("x.mmdb", b"nope".to_vec()).unwrap_err();
        assert!(err.starts_with("x.mmdb: not a MaxMind DB file"), "{err}");
    }

    #[test]
    fn dropped_databases_are_told_by_their_extension() {
        assert!(is_database_name("GeoLite2-City.mmdb") && is_database_name("dbs/ASN.MMDB"));
        assert!(!is_database_name("mmdb") && !is_database_name("a.json.gz") && !is_database_name("x.mmdb.json"));
    }

    #[test]
    fn a_database_replaces_the_one_of_its_kind_only() {
        let (list, dropped) = with(&[], info("GeoLite2-City-Test.mmdb"));
        let (list, dropped2) = with(&list, info("GeoLite2-ASN-Test.mmdb"));
        assert!(dropped.is_empty() && dropped2.is_empty());
        let mut country_as_city = info("GeoLite2-Country-Test.mmdb");
        country_as_city.kinds = vec!["City".into()];
        let (list, dropped) = with(&list, country_as_city);
        assert_eq!(dropped, ["GeoLite2-City-Test.mmdb"]);
        assert_eq!(list.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["GeoLite2-ASN-Test.mmdb", "GeoLite2-Country-Test.mmdb"]);
        // The same file again replaces itself, and names nothing dropped.
        let (again, dropped) = with(&list, info("GeoLite2-ASN-Test.mmdb"));
        assert_eq!((again.len(), dropped.len()), (2, 0));
    }
}
