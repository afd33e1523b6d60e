//! Enrichment: the processors of Elastic's pipeline that read more than the record, the user-agent
//! parse ([`user_agent`], always on) and GeoIP/ASN lookups ([`geoip`], with databases the user
//! brings). The ECS mapping calls them where the pipeline runs them; [`unmet`] says which rules
//! read fields that none of the loaded databases provides.

pub mod geoip;
mod starts;
pub mod user_agent;

pub use geoip::{Database, GeoIp, GeoIpError, Kind};

use crate::rules::Rule;
use std::collections::BTreeMap;

/// A database a field needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Need {
    /// A City database (city, region, location).
    City,
    /// A City or a Country database (country, continent).
    Country,
    /// An ASN database (`source.as.*`).
    Asn,
}

impl Need {
    /// The database named as a user would ask for it.
    pub fn label(self) -> &'static str {
        match self {
            Need::City => "a City database",
            Need::Country => "a City or Country database",
            Need::Asn => "an ASN database",
        }
    }

    /// Whether databases answering `kinds` provide it.
    pub fn met_by(self, kinds: &[Kind]) -> bool {
        match self {
            Need::City => kinds.contains(&Kind::City),
            Need::Country => kinds.contains(&Kind::City) || kinds.contains(&Kind::Country),
            Need::Asn => kinds.contains(&Kind::Asn),
        }
    }
}

/// The database a field is looked up in, for the fields only a GeoIP database provides.
pub fn need_of(field: &str) -> Option<Need> {
    let field = field.strip_prefix("source.")?;
    if field == "as" || field.starts_with("as.") {
        return Some(Need::Asn);
    }
    let geo = field.strip_prefix("geo.").or((field == "geo").then_some(""))?;
    Some(match geo {
        "country_iso_code" | "country_name" | "continent_name" | "continent_code" | "country_in_european_union" => Need::Country,
        _ => Need::City,
    })
}

/// The rules that read fields no database answering `kinds` provides, by the database they need
/// (a rule needing two is under both), in the rules' order.
pub fn unmet<'r>(rules: impl IntoIterator<Item = &'r Rule>, kinds: &[Kind]) -> BTreeMap<Need, Vec<&'r Rule>> {
    let mut out: BTreeMap<Need, Vec<&'r Rule>> = BTreeMap::new();
    for rule in rules {
        let mut needs: Vec<Need> = rule.fields_read().iter().filter_map(|f| need_of(f)).collect();
        needs.sort();
        needs.dedup();
        for need in needs {
            if !need.met_by(kinds) {
                out.entry(need).or_default().push(rule);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_told_the_database_they_need() {
        assert_eq!(need_of("source.as.organization.name"), Some(Need::Asn));
        assert_eq!(need_of("source.as.number"), Some(Need::Asn));
        assert_eq!(need_of("source.geo.country_iso_code"), Some(Need::Country));
        assert_eq!(need_of("source.geo.city_name"), Some(Need::City));
        assert_eq!(need_of("source.geo.location"), Some(Need::City));
        assert_eq!(need_of("source.ip"), None);
        assert_eq!(need_of("source.geography"), None);
        assert_eq!(need_of("user_agent.name"), None);
    }
}
