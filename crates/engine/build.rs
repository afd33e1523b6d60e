//! Lists the rule files in the workspace's `rules/` folder for `rules::BUILTIN_FILES`, so that a
//! file added there is built in without a second list to keep.

use std::path::Path;

fn main() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    println!("cargo:rerun-if-changed={}", folder.display());
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("the workspace's rules/ folder is readable")
        .map(|entry| entry.expect("a rules/ entry").file_name().into_string().expect("rule file names are UTF-8"))
        .filter(|name| name.ends_with(".toml"))
        .collect();
    names.sort();
    let mut code = String::from("&[\n");
    for name in names {
        let path = folder.join(&name);
        code.push_str(&format!("    ({name:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    code.push(']');
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
