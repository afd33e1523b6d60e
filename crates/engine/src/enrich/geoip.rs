//! Elasticsearch's `geoip` processor as the CloudTrail pipeline runs it: `source.geo.*` from a City
//! database (or, lacking one, a Country database) and `source.as.*` from an ASN database, read from
//! MaxMind DB files the user brings. Which database is which is told by its metadata
//! (`database_type`), never by its file name.
//!
//! The fields are the processor's default properties: for a City database `continent_name`,
//! `country_iso_code`, `country_name`, `region_iso_code` (country and most specific subdivision,
//! `SE-E`), `region_name`, `city_name` and `location` (`{lat, lon}`, only with both); for a
//! Country database the first three; for an ASN database `asn` and `organization_name`, which
//! the pipeline renames to `number` and `organization.name`. Names are the English ones. An
//! address the database does not hold adds nothing.

use maxminddb::{Reader, geoip2};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::net::IpAddr;

/// What a database answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// Place down to the city, with a location.
    City,
    /// Country and continent only.
    Country,
    /// The autonomous system announcing the address.
    Asn,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::City => "City",
            Kind::Country => "Country",
            Kind::Asn => "ASN",
        }
    }
}

/// The layout of a database's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// MaxMind's (GeoIP2, GeoLite2, and DB-IP's compatible files).
    MaxMind,
    /// IPinfo's Lite: country and AS in one flat record.
    Ipinfo,
}

/// Why a file is not a database this can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeoIpError {
    #[error("not a MaxMind DB file: {0}")]
    Unreadable(String),
    #[error("database type \"{0}\" is none of City, Country or ASN")]
    Unsupported(String),
}

/// One opened database.
pub struct Database {
    reader: Reader<Vec<u8>>,
    kinds: Vec<Kind>,
    layout: Layout,
    /// Where it came from, as the user named it (a file name or path).
    pub name: String,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").field("name", &self.name).field("type", &self.database_type()).finish()
    }
}

impl Database {
    /// Opens a database held in memory; `name` says where it came from.
    pub fn from_bytes(name: &str, bytes: Vec<u8>) -> Result<Database, GeoIpError> {
        let reader = Reader::from_source(bytes).map_err(|e| GeoIpError::Unreadable(e.to_string()))?;
        let kind = reader.metadata().database_type.clone();
        let (kinds, layout) = kinds_of(&kind).ok_or(GeoIpError::Unsupported(kind))?;
        Ok(Database { reader, kinds, layout, name: name.to_string() })
    }

    /// What it answers (an IPinfo Lite file answers both country and AS).
    pub fn kinds(&self) -> &[Kind] {
        &self.kinds
    }

    /// Its `database_type`, e.g. `GeoLite2-City`.
    pub fn database_type(&self) -> &str {
        &self.reader.metadata().database_type
    }

    /// When it was built, in seconds since the Unix epoch.
    pub fn build_epoch(&self) -> u64 {
        self.reader.metadata().build_epoch
    }

    /// The `source.geo` object for `ip`, if the database holds the address.
    fn geo(&self, ip: IpAddr, city: bool) -> Option<Map<String, Value>> {
        let found = self.reader.lookup(ip).ok()?;
        let mut out = Map::new();
        match self.layout {
            Layout::Ipinfo => {
                let r: IpinfoLite = found.decode().ok()??;
                put(&mut out, "continent_name", r.continent);
                put(&mut out, "country_iso_code", r.country_code);
                put(&mut out, "country_name", r.country);
            }
            Layout::MaxMind if city => {
                let r: geoip2::City = found.decode().ok()??;
                let subdivision = r.subdivisions.last();
                put(&mut out, "city_name", r.city.names.english);
                put(&mut out, "continent_name", r.continent.names.english);
                put(&mut out, "country_iso_code", r.country.iso_code);
                put(&mut out, "country_name", r.country.names.english);
                if let (Some(lat), Some(lon)) = (r.location.latitude, r.location.longitude) {
                    out.insert("location".into(), json!({ "lat": lat, "lon": lon }));
                }
                if let (Some(country), Some(region)) = (r.country.iso_code, subdivision.and_then(|s| s.iso_code)) {
                    out.insert("region_iso_code".into(), Value::String(format!("{country}-{region}")));
                }
                put(&mut out, "region_name", subdivision.and_then(|s| s.names.english));
            }
            Layout::MaxMind => {
                let r: geoip2::Country = found.decode().ok()??;
                put(&mut out, "continent_name", r.continent.names.english);
                put(&mut out, "country_iso_code", r.country.iso_code);
                put(&mut out, "country_name", r.country.names.english);
            }
        }
        (!out.is_empty()).then_some(out)
    }

    /// The `source.as` object for `ip` (`number`, `organization.name`), if the database holds it.
    fn asn(&self, ip: IpAddr) -> Option<Map<String, Value>> {
        let found = self.reader.lookup(ip).ok()?;
        let (number, org) = match self.layout {
            Layout::MaxMind => {
                let r: geoip2::Asn = found.decode().ok()??;
                (r.autonomous_system_number.map(u64::from), r.autonomous_system_organization.map(str::to_string))
            }
            Layout::Ipinfo => {
                let r: IpinfoLite = found.decode().ok()??;
                let number = r.asn.and_then(|a| a.trim_start_matches("AS").parse::<u64>().ok());
                (number, r.as_name.map(str::to_string))
            }
        };
        let mut out = Map::new();
        if let Some(n) = number {
            out.insert("number".into(), json!(n));
        }
        if let Some(o) = org {
            out.insert("organization".into(), json!({ "name": o }));
        }
        (!out.is_empty()).then_some(out)
    }
}

fn put(out: &mut Map<String, Value>, k: &str, v: Option<&str>) {
    if let Some(v) = v {
        out.insert(k.to_string(), Value::String(v.to_string()));
    }
}

/// IPinfo Lite's record.
#[derive(Deserialize)]
struct IpinfoLite<'a> {
    asn: Option<&'a str>,
    as_name: Option<&'a str>,
    country_code: Option<&'a str>,
    country: Option<&'a str>,
    continent: Option<&'a str>,
}

/// What a `database_type` answers, and in which layout.
fn kinds_of(database_type: &str) -> Option<(Vec<Kind>, Layout)> {
    let t = database_type.to_ascii_lowercase();
    if t.starts_with("ipinfo") {
        return t.contains("lite").then(|| (vec![Kind::Country, Kind::Asn], Layout::Ipinfo));
    }
    let kind = if t.contains("city") {
        Kind::City
    } else if t.contains("country") {
        Kind::Country
    } else if t.contains("asn") {
        Kind::Asn
    } else {
        return None;
    };
    Some((vec![kind], Layout::MaxMind))
}

/// The databases of a scan: at most one of each kind (a later one of a kind replaces the earlier).
#[derive(Debug, Default)]
pub struct GeoIp {
    databases: Vec<Database>,
}

impl GeoIp {
    /// Adds a database; returns those it replaces (of a kind it answers).
    pub fn add(&mut self, db: Database) -> Vec<Database> {
        let (replaced, kept): (Vec<Database>, Vec<Database>) =
            std::mem::take(&mut self.databases).into_iter().partition(|d| d.kinds.iter().any(|k| db.kinds.contains(k)));
        self.databases = kept;
        self.databases.push(db);
        replaced
    }

    /// The databases, in the order added.
    pub fn databases(&self) -> &[Database] {
        &self.databases
    }

    /// What the databases answer.
    pub fn kinds(&self) -> Vec<Kind> {
        self.databases.iter().flat_map(|d| d.kinds.iter().copied()).collect()
    }

    /// Whether some database answers `kind`.
    pub fn answers(&self, kind: Kind) -> bool {
        self.of(kind).is_some()
    }

    fn of(&self, kind: Kind) -> Option<&Database> {
        self.databases.iter().find(|d| d.kinds.contains(&kind))
    }

    /// `source.geo` for `ip`: from the City database, else the Country one.
    pub fn geo(&self, ip: IpAddr) -> Option<Map<String, Value>> {
        match self.of(Kind::City) {
            Some(city) => city.geo(ip, true),
            None => self.of(Kind::Country)?.geo(ip, false),
        }
    }

    /// `source.as` for `ip`.
    pub fn asn(&self, ip: IpAddr) -> Option<Map<String, Value>> {
        self.of(Kind::Asn)?.asn(ip)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_is_told_by_the_database_type() {
        assert_eq!(kinds_of("GeoLite2-City").map(|k| k.0), Some(vec![Kind::City]));
        assert_eq!(kinds_of("GeoIP2-Country").map(|k| k.0), Some(vec![Kind::Country]));
        assert_eq!(kinds_of("DBIP-ASN-Lite (compat=GeoLite2-ASN)").map(|k| k.0), Some(vec![Kind::Asn]));
        assert_eq!(kinds_of("DBIP-City-Lite").map(|k| k.0), Some(vec![Kind::City]));
        assert_eq!(kinds_of("ipinfo lite.mmdb").map(|k| k.0), Some(vec![Kind::Country, Kind::Asn]));
        assert_eq!(kinds_of("GeoIP2-Anonymous-IP"), None);
    }

    #[test]
    fn a_file_that_is_no_database_says_so() {
        let err = Database::from_bytes("x.mmdb", b"not a database".to_vec()).unwrap_err();
        assert!(matches!(err, GeoIpError::Unreadable(_)), "{err}");
    }
}
