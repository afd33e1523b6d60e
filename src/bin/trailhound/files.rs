//! Finding the input files: folders are walked recursively in name order (never around a
//! symbolic-link loop); `-` is standard input.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// An input to scan.
pub enum Input {
    File(PathBuf),
    Stdin,
    /// A path that could not be listed, with why.
    Unreadable(PathBuf, String),
}

/// Expands `paths` into the files to scan, in a stable order.
pub fn expand(paths: &[PathBuf]) -> Vec<Input> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else {
            walk(path, &mut Vec::new(), &mut inputs);
        }
    }
    inputs
}

/// Adds `path`: a file, or a folder's files;
/// `ancestors` are the folders being walked (resolved), so that a symbolic link back to one of them
/// is named as a loop instead of being followed forever.
fn walk(path: &Path, ancestors: &mut Vec<PathBuf>, inputs: &mut Vec<Input>) {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return inputs.push(Input::Unreadable(path.to_path_buf(), e.to_string())),
    };
    if !meta.is_dir() {
        return inputs.push(Input::File(path.to_path_buf()));
    }
    let real = fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if let Some(ancestor) = ancestors.iter().find(|a| **a == real) {
        let why = format!("file system loop: a link back to {}, which is being scanned; not followed", ancestor.display());
        return inputs.push(Input::Unreadable(path.to_path_buf(), why));
    }
    let entries = match fs::read_dir(path) {
        Ok(entries) => entries,
        Err(e) => return inputs.push(Input::Unreadable(path.to_path_buf(), e.to_string())),
    };
    let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    children.sort();
    ancestors.push(real);
    for child in children {
        walk(&child, ancestors, inputs);
    }
    ancestors.pop();
}

impl Input {
    pub fn name(&self) -> String {
        match self {
            Input::File(path) | Input::Unreadable(path, _) => path.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }

    /// The whole content, or why it could not be read.
    pub fn read(&self) -> Result<Vec<u8>, String> {
        match self {
            Input::File(path) => fs::read(path).map_err(|e| format!("cannot read: {e}")),
            Input::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin().read_to_end(&mut bytes).map_err(|e| format!("cannot read standard input: {e}"))?;
                Ok(bytes)
            }
            Input::Unreadable(_, why) => Err(why.clone()),
        }
    }
}
