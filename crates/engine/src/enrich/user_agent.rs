//! Elasticsearch's `user_agent` processor: a user-agent string → `user_agent.{name,version,os,device}`,
//! by uap-core's regex database, which Elasticsearch ships (0.18.0, vendored in `data/user_agent/`).
//!
//! The semantics are the processor's: each of the three lists (agents, operating systems,
//! devices) is tried in order and the first pattern that matches anywhere in the string and yields
//! a name wins; a replacement stands for the name (only its first `$1` is filled in) or a version
//! part; versions join their parts with dots up to the first absent one; no agent or device is
//! `"Other"`, no system leaves `os` out. Patterns are Java regexes, compiled with `regex-lite`,
//! whose `\d`, `\w`, `\b` and case folding are ASCII as Java's are, and which compiles a pattern
//! several times faster than `regex` (a scan compiles them as it meets user agents; the strings
//! are short, so matching speed matters little).
//!
//! Cost: of some 1,200 patterns a string meets only a few that can match it. Each pattern's
//! possible starts and ends (the literals every match begins and ends with, when there are few)
//! are read from its syntax on first use, and a pattern is compiled and run only on a string
//! holding one of each: the first string parsed costs a fifth of compiling every pattern, later
//! ones a few microseconds, and only the patterns a string could meet are kept compiled.
//! Each distinct string is parsed once: the answers are kept (a bounded cache).

use regex_lite::{Regex, RegexBuilder};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use yaml_rust2::{Yaml, YamlLoader};

/// The vendored database, uap-core 0.18.0's `regexes.yaml` as it is (see `data/user_agent/README.md`).
pub const REGEXES: &str = include_str!("../../data/user_agent/regexes.yaml");

/// What the processor makes of one user-agent string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAgent {
    /// The agent's name, `"Other"` when no pattern names it.
    pub name: String,
    /// Its version parts joined with dots, when it has a major version.
    pub version: Option<String>,
    /// The operating system, when a pattern names one.
    pub os: Option<Os>,
    /// The device's name, `"Other"` when no pattern names it.
    pub device: String,
}

/// An operating system: `full` is the name and the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Os {
    pub name: String,
    pub version: Option<String>,
}

impl Os {
    /// `os.full`: the name and the version, when there is a version.
    pub fn full(&self) -> Option<String> {
        self.version.as_ref().map(|v| format!("{} {v}", self.name))
    }
}

impl UserAgent {
    /// The `user_agent` object the processor writes (with `original`, the string itself).
    pub fn to_value(&self, original: &str) -> Value {
        let mut out = Map::new();
        out.insert("original".into(), Value::String(original.to_string()));
        out.insert("name".into(), Value::String(self.name.clone()));
        if let Some(v) = &self.version {
            out.insert("version".into(), Value::String(v.clone()));
        }
        if let Some(os) = &self.os {
            let mut o = Map::new();
            o.insert("name".into(), Value::String(os.name.clone()));
            if let Some(v) = &os.version {
                o.insert("version".into(), Value::String(v.clone()));
                o.insert("full".into(), Value::String(os.full().unwrap_or_default()));
            }
            out.insert("os".into(), Value::Object(o));
        }
        let mut device = Map::new();
        device.insert("name".into(), Value::String(self.device.clone()));
        out.insert("device".into(), Value::Object(device));
        Value::Object(out)
    }

    /// The value at a `user_agent.*` field other than `original`, as the document holds it.
    pub fn field(&self, field: &str) -> Option<String> {
        match field {
            "name" => Some(self.name.clone()),
            "version" => self.version.clone(),
            "os.name" => self.os.as_ref().map(|o| o.name.clone()),
            "os.version" => self.os.as_ref().and_then(|o| o.version.clone()),
            "os.full" => self.os.as_ref().and_then(Os::full),
            "device.name" => Some(self.device.clone()),
            _ => None,
        }
    }
}

/// Parses `ua` as the processor does (once per distinct string; later calls share the answer).
pub fn parse(ua: &str) -> Arc<UserAgent> {
    /// Distinct strings kept; CloudTrail has few, and past this the cache starts over.
    const KEPT: usize = 4096;
    static CACHE: LazyLock<Mutex<HashMap<Box<str>, Arc<UserAgent>>>> = LazyLock::new(Default::default);
    if let Some(hit) = CACHE.lock().ok().and_then(|c| c.get(ua).cloned()) {
        return hit;
    }
    let parsed = Arc::new(database().parse(ua));
    if let Ok(mut cache) = CACHE.lock() {
        if cache.len() >= KEPT {
            cache.clear();
        }
        cache.insert(ua.into(), Arc::clone(&parsed));
    }
    parsed
}

/// The vendored database (its tables made at build time), set up on first use.
pub fn database() -> &'static Database {
    static DATABASE: LazyLock<Database> = LazyLock::new(Database::vendored);
    &DATABASE
}

/// The vendored database as the build script wrote it: `AGENTS`, `SYSTEMS`, `DEVICES`.
mod tables {
    use super::Entry;
    include!(concat!(env!("OUT_DIR"), "/user_agents.rs"));
}

/// One pattern of the generated tables.
struct Entry {
    regex: &'static str,
    case_insensitive: bool,
    name: Option<&'static str>,
    versions: [Option<&'static str>; 4],
    prefixes: Option<&'static [&'static [u8]]>,
    suffixes: Option<&'static [&'static [u8]]>,
}

/// A uap-core regex database: three ordered lists of patterns.
pub struct Database {
    agents: Vec<Pattern>,
    systems: Vec<Pattern>,
    devices: Vec<Pattern>,
}

/// One entry of a list: its regex (its starts read and itself compiled on first use) and
/// replacements.
struct Pattern {
    regex: Cow<'static, str>,
    case_insensitive: bool,
    starts: OnceLock<Starts>,
    compiled: OnceLock<Option<Regex>>,
    /// The name's replacement (`family_`, `os_` or `device_replacement`).
    name: Option<Cow<'static, str>>,
    /// The version parts' replacements (`v1_`..`v4_replacement`, `os_v1_`..).
    versions: [Option<Cow<'static, str>>; 4],
}

/// A pattern's match: the name and up to four version parts.
struct Named {
    name: String,
    parts: [Option<String>; 4],
}

impl Database {
    /// Reads a database in uap-core's YAML layout.
    pub fn from_yaml(text: &str) -> Result<Database, String> {
        let docs = YamlLoader::load_from_str(text).map_err(|e| e.to_string())?;
        let root = docs.first().ok_or("the file is empty")?;
        let list = |key: &str, name: &str, versions: [&str; 4]| -> Result<Vec<Pattern>, String> {
            let Some(items) = root[key].as_vec() else {
                return Ok(Vec::new());
            };
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let text = |k: &str| match &item[k] {
                        Yaml::String(s) => Some(s.clone()),
                        Yaml::Integer(n) => Some(n.to_string()),
                        Yaml::Real(r) => Some(r.clone()),
                        _ => None,
                    };
                    let regex = text("regex").ok_or_else(|| format!("{key}[{i}] has no regex"))?;
                    Ok(Pattern {
                        regex: Cow::Owned(regex),
                        case_insensitive: text("regex_flag").as_deref() == Some("i"),
                        starts: OnceLock::new(),
                        compiled: OnceLock::new(),
                        name: text(name).map(Cow::Owned),
                        versions: versions.map(|k| if k.is_empty() { None } else { text(k).map(Cow::Owned) }),
                    })
                })
                .collect()
        };
        let db = Database {
            agents: list(
                "user_agent_parsers",
                "family_replacement",
                ["v1_replacement", "v2_replacement", "v3_replacement", "v4_replacement"],
            )?,
            systems: list(
                "os_parsers",
                "os_replacement",
                ["os_v1_replacement", "os_v2_replacement", "os_v3_replacement", "os_v4_replacement"],
            )?,
            devices: list("device_parsers", "device_replacement", ["", "", "", ""])?,
        };
        if db.agents.is_empty() && db.systems.is_empty() && db.devices.is_empty() {
            return Err("no user_agent_parsers, os_parsers or device_parsers".into());
        }
        Ok(db)
    }

    /// The vendored database, from the tables the build made (no YAML read, every pattern's
    /// starts and ends known ahead).
    pub fn vendored() -> Database {
        let list = |entries: &'static [Entry]| -> Vec<Pattern> {
            entries
                .iter()
                .map(|e| Pattern {
                    regex: Cow::Borrowed(e.regex),
                    case_insensitive: e.case_insensitive,
                    starts: OnceLock::from(Starts {
                        prefixes: e.prefixes.map(Literals::Static),
                        suffixes: e.suffixes.map(Literals::Static),
                    }),
                    compiled: OnceLock::new(),
                    name: e.name.map(Cow::Borrowed),
                    versions: e.versions.map(|v| v.map(Cow::Borrowed)),
                })
                .collect()
        };
        Database { agents: list(tables::AGENTS), systems: list(tables::SYSTEMS), devices: list(tables::DEVICES) }
    }

    /// Parses one user-agent string.
    pub fn parse(&self, ua: &str) -> UserAgent {
        let agent = first_match(&self.agents, ua);
        let os = first_match(&self.systems, ua);
        let device = first_match(&self.devices, ua);
        UserAgent {
            name: agent.as_ref().map_or_else(|| "Other".to_string(), |a| a.name.clone()),
            version: agent.and_then(|a| joined(&a.parts)),
            os: os.map(|o| Os { version: joined(&o.parts), name: o.name }),
            device: device.map_or_else(|| "Other".to_string(), |d| d.name),
        }
    }

    /// The patterns that do not compile here (with why), each list's count of entries.
    pub fn check(&self) -> (Vec<String>, [usize; 3]) {
        let mut bad = Vec::new();
        for p in self.agents.iter().chain(&self.systems).chain(&self.devices) {
            if let Err(e) = p.build() {
                bad.push(format!("{}: {e}", p.regex));
            }
        }
        (bad, [self.agents.len(), self.systems.len(), self.devices.len()])
    }
}

impl Pattern {
    fn build(&self) -> Result<Regex, regex_lite::Error> {
        RegexBuilder::new(&self.regex).case_insensitive(self.case_insensitive).size_limit(1 << 24).build()
    }

    /// The regex, compiled on first use (`None`: it does not compile, and never matches).
    fn compiled(&self) -> Option<&Regex> {
        self.compiled.get_or_init(|| self.build().ok()).as_ref()
    }

    /// Whether `ua` holds one of the literals every match starts with (always, when they are not
    /// known).
    fn may_match(&self, ua: &[u8]) -> bool {
        self.starts.get_or_init(|| starts_of(&self.regex, self.case_insensitive)).admits(ua)
    }

    /// What the pattern gives for `ua`: `None` if it does not match or yields no name.
    fn apply(&self, ua: &str) -> Option<Named> {
        if !self.may_match(ua.as_bytes()) {
            return None;
        }
        let caps = self.compiled()?.captures(ua)?;
        let groups = caps.len() - 1;
        let group = |i: usize| (groups >= i).then(|| caps.get(i)).flatten().map(|m| m.as_str().to_string());
        let name = match &self.name {
            Some(replacement) => match group(1) {
                Some(first) if replacement.contains("$1") => replacement.replacen("$1", &first, 1),
                _ => replacement.to_string(),
            },
            None => group(1)?,
        };
        let parts = [0, 1, 2, 3].map(|i| self.versions[i].as_deref().map(str::to_string).or_else(|| group(i + 2)));
        Some(Named { name, parts })
    }
}

/// What every match of a pattern begins and ends with (see [`super::starts`]): from the build's
/// tables for the vendored database, read on first use for another.
#[derive(Debug)]
struct Starts {
    prefixes: Option<Literals>,
    suffixes: Option<Literals>,
}

#[derive(Debug)]
enum Literals {
    Static(&'static [&'static [u8]]),
    Owned(Vec<Vec<u8>>),
}

impl Literals {
    fn any_in(&self, ua: &[u8]) -> bool {
        match self {
            Literals::Static(list) => list.iter().any(|l| memchr::memmem::find(ua, l).is_some()),
            Literals::Owned(list) => list.iter().any(|l| memchr::memmem::find(ua, l).is_some()),
        }
    }
}

impl Starts {
    fn admits(&self, ua: &[u8]) -> bool {
        self.prefixes.as_ref().is_none_or(|l| l.any_in(ua)) && self.suffixes.as_ref().is_none_or(|l| l.any_in(ua))
    }
}

fn starts_of(regex: &str, case_insensitive: bool) -> Starts {
    let (prefixes, suffixes) = super::starts::starts_and_ends(regex, case_insensitive);
    Starts { prefixes: prefixes.map(Literals::Owned), suffixes: suffixes.map(Literals::Owned) }
}

/// The first pattern of `list` that names `ua`.
fn first_match(list: &[Pattern], ua: &str) -> Option<Named> {
    list.iter().find_map(|p| p.apply(ua))
}

/// Version parts joined with dots up to the first absent one; `None` without a major part.
fn joined(parts: &[Option<String>; 4]) -> Option<String> {
    let mut out = parts[0].clone()?;
    for part in &parts[1..] {
        match part {
            Some(p) => {
                out.push('.');
                out.push_str(p);
            }
            None => break,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db(yaml: &str) -> Database {
        Database::from_yaml(yaml).expect("database")
    }

    #[test]
    fn a_replacement_fills_in_only_its_first_dollar_one() {
        let d = db("user_agent_parsers:\n  - regex: '(Foo)/(\\d+)'\n    family_replacement: 'Bar $1 $1 $2'\n");
        let ua = d.parse("x Foo/7");
        assert_eq!(ua.name, "Bar Foo $1 $2");
        assert_eq!(ua.version.as_deref(), Some("7"));
    }

    #[test]
    fn versions_stop_at_the_first_absent_part_and_keep_empty_ones() {
        let d = db("user_agent_parsers:\n  - regex: '(A)/(\\d+)(?:\\.(\\d+)|)(x?)(\\d*)'\n");
        // group 3 absent: the version stops after the major part even though 4 and 5 matched.
        assert_eq!(d.parse("A/5").version.as_deref(), Some("5"));
        // all present, the empty ones too.
        assert_eq!(d.parse("A/5.6").version.as_deref(), Some("5.6.."));
    }

    #[test]
    fn a_match_without_a_name_goes_on_to_the_next_pattern() {
        let d = db("os_parsers:\n  - regex: 'Linux(x)?'\n  - regex: '(Lin)ux'\n    os_replacement: 'Linux'\n");
        let ua = d.parse("Linux");
        assert_eq!(ua.os, Some(Os { name: "Linux".into(), version: None }));
        assert_eq!(ua.name, "Other");
        assert_eq!(ua.device, "Other");
        assert_eq!(ua.to_value("Linux")["os"], serde_json::json!({"name": "Linux"}));
    }

    #[test]
    fn classes_and_case_folding_are_ascii_as_in_java() {
        let d = db("device_parsers:\n  - regex: '(phone)(\\d)'\n    regex_flag: 'i'\n");
        assert_eq!(d.parse("PHONE7").device, "PHONE");
        // An Arabic-Indic digit is no `\d` in Java.
        assert_eq!(d.parse("phone\u{0663}").device, "Other");
    }

    /// The starts filter never hides a match: over the pipeline pairs' user agents and strings
    /// made to hit many patterns, every pattern that the filter passes over does not match.
    #[test]
    fn the_starts_filter_only_skips_patterns_that_cannot_match() {
        let db = database();
        let strings = [
            "aws-cli/2.17.60 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0 md/arch#x86_64 lang/python#3.12.6",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0 Mobile Safari/537.36",
            "Boto3/1.34.0 Python/3.11.6 Linux/6.1.0 Botocore/1.34.0",
            "APN/1.0 HashiCorp/1.0 Terraform/1.11.0 (+https://www.terraform.io) aws-sdk-go/1.44.232 (go1.19.7; linux; amd64)",
            "Googlebot/2.1 (+http://www.google.com/bot.html)",
            "curl/8.5.0",
        ];
        let mut skipped = 0;
        for ua in strings {
            for p in db.agents.iter().chain(&db.systems).chain(&db.devices) {
                if !p.may_match(ua.as_bytes()) {
                    skipped += 1;
                    assert!(p.build().unwrap().captures(ua).is_none(), "{} was skipped on {ua} but matches", p.regex);
                }
            }
        }
        assert!(skipped > strings.len() * 700, "the filter skips most patterns ({skipped})");
    }

    /// The build's tables are the YAML file read at run time, starts and ends included.
    #[test]
    fn the_build_tables_are_the_vendored_file() {
        let read = Database::from_yaml(REGEXES).unwrap();
        let built = database();
        for (a, b) in [(&read.agents, &built.agents), (&read.systems, &built.systems), (&read.devices, &built.devices)] {
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(b.iter()) {
                assert_eq!((&x.regex, x.case_insensitive, &x.name, &x.versions), (&y.regex, y.case_insensitive, &y.name, &y.versions));
                let ours = starts_of(&x.regex, x.case_insensitive);
                let theirs = y.starts.get().expect("the tables carry every pattern's starts");
                let list = |l: &Option<Literals>| {
                    l.as_ref().map(|l| match l {
                        Literals::Static(s) => s.iter().map(|x| x.to_vec()).collect::<Vec<_>>(),
                        Literals::Owned(o) => o.clone(),
                    })
                };
                assert_eq!((list(&ours.prefixes), list(&ours.suffixes)), (list(&theirs.prefixes), list(&theirs.suffixes)), "{}", x.regex);
            }
        }
    }

    #[test]
    fn every_pattern_of_the_vendored_database_compiles() {
        let (bad, counts) = database().check();
        assert!(bad.is_empty(), "{} patterns do not compile:\n{}", bad.len(), bad.join("\n"));
        assert!(counts.iter().all(|&n| n > 100), "{counts:?}");
    }
}
