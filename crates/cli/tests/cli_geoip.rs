//! `--geoip` end to end: with MaxMind's test databases (`tests/fixtures/geoip/`), alert documents
//! carry `source.geo.*` and `source.as.*` and rules match on them; without, the CLI says which rules
//! need which database; a file that is no database stops the scan with its name and why. The user
//! agent is parsed with or without databases.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const GEOIP: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/geoip");

fn trailhound(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trailhound")).args(args).output().expect("the binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A folder with one log (two calls: from Linköping's test network and from one no database
/// holds) and a rule that needs a City and an ASN database.
fn case() -> (tempdir::Dir, PathBuf, PathBuf) {
    let dir = tempdir::Dir::new("cli_geoip");
    let record = |id: &str, ip: &str| {
        format!(
            r#"{{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"eu-north-1","sourceIPAddress":"{ip}","userAgent":"aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0","eventID":"{id}","userIdentity":{{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice","accountId":"111122223333","userName":"alice"}},"eventType":"AwsApiCall","recipientAccountId":"111122223333"}}"#
        )
    };
    let log = dir.path().join("calls.json");
    let records = [record("e1", "89.160.20.156"), record("e2", "10.1.2.3")];
    std::fs::write(&log, format!("{{\"Records\":[{}]}}", records.join(","))).unwrap();
    let rule = dir.path().join("rule.toml");
    std::fs::write(
        &rule,
        r#"[metadata]
creation_date = "2026/12/03"
maturity = "production"
updated_date = "2026/12/03"

[rule]
author = ["Trailhound"]
description = "S3 listed from a Swedish network of Bredband2."
name = "Listing from Bredband2 in Sweden"
risk_score = 21
rule_id = "00000000-0000-4000-8000-00000000ge01"
severity = "low"
type = "query"
language = "kuery"
index = ["logs-aws.cloudtrail-*"]
query = 'event.action:ListBuckets and source.geo.city_name:"Linköping" and source.as.organization.name:"Bredband2 AB" and user_agent.name:"aws-cli"'
"#,
    )
    .unwrap();
    (dir, log, rule)
}

fn scan(rule: &Path, log: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["scan", "--no-builtin-rules", "--rules", rule.to_str().unwrap(), "--format", "ndjson"];
    args.extend_from_slice(extra);
    args.push(log.to_str().unwrap());
    trailhound(&args)
}

#[test]
fn with_the_databases_documents_carry_geo_and_as_and_rules_match_on_them() {
    let (_dir, log, rule) = case();
    let out = scan(&rule, &log, &["--geoip", GEOIP]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let docs: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(docs.len(), 1, "only the call from the test network: {docs:?}");
    let source = &docs[0]["source"];
    assert_eq!(source["ip"], "89.160.20.156");
    assert_eq!(source["geo"]["city_name"], "Linköping");
    assert_eq!(source["geo"]["country_iso_code"], "SE");
    assert_eq!(source["geo"]["region_iso_code"], "SE-E");
    assert_eq!(source["geo"]["location"], serde_json::json!({"lat": 58.4167, "lon": 15.6167}));
    assert_eq!(source["as"], serde_json::json!({"number": 29518, "organization": {"name": "Bredband2 AB"}}));
    assert_eq!(docs[0]["user_agent"]["name"], "aws-cli");
    assert_eq!(docs[0]["user_agent"]["version"], "2.17.60");
    let report = stderr(&out);
    assert!(report.contains("geoip: GeoLite2-City (City, built "), "{report}");
    assert!(report.contains("geoip: GeoLite2-ASN (ASN, built "), "{report}");
    assert!(!report.contains("rule needs"), "{report}");
}

#[test]
fn without_them_the_cli_says_which_rules_need_which_database() {
    let (_dir, log, rule) = case();
    let out = scan(&rule, &log, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "no database, no geo, no alert");
    let report = stderr(&out);
    assert!(
        report.contains("geoip: 1 rule needs a City database (--geoip) to match as Elastic does: Listing from Bredband2 in Sweden"),
        "{report}"
    );
    assert!(report.contains("geoip: 1 rule needs an ASN database"), "{report}");
    // Only the ASN database given: the City need remains.
    let asn = format!("{GEOIP}/GeoLite2-ASN-Test.mmdb");
    let listed = trailhound(&["rules", "--no-builtin-rules", "--rules", rule.to_str().unwrap(), "--geoip", &asn]);
    let report = stderr(&listed);
    assert!(report.contains("needs a City database") && !report.contains("ASN database"), "{report}");
}

#[test]
fn a_file_that_is_no_database_stops_the_scan_naming_it() {
    let (dir, log, rule) = case();
    let bad = dir.path().join("broken.mmdb");
    std::fs::write(&bad, b"this is not a MaxMind DB file").unwrap();
    let out = scan(&rule, &log, &["--geoip", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let report = stderr(&out);
    assert!(report.contains(&format!("--geoip {}: not a MaxMind DB file", bad.display())), "{report}");
    let missing = dir.path().join("nowhere");
    let out = scan(&rule, &log, &["--geoip", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("nowhere"), "{}", stderr(&out));
}

/// A temporary folder, removed when dropped.
mod tempdir {
    use std::path::{Path, PathBuf};

    pub struct Dir(PathBuf);

    impl Dir {
        pub fn new(name: &str) -> Dir {
            let path = std::env::temp_dir().join(format!("trailhound-{name}-{}-{}", std::process::id(), fastrand::u64(..)));
            std::fs::create_dir_all(&path).unwrap();
            Dir(path)
        }
        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
