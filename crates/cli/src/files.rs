//! Finding the input files: folders are walked recursively in name order (regular files only, and
//! never around a symbolic-link loop); `-` is standard input.

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
            walk(path, true, &mut Vec::new(), &mut inputs);
        }
    }
    inputs
}

/// Adds `path`: a file, or a folder's files. `named` is true for a path given on the command line;
/// `ancestors` are the folders being walked (resolved), so that a symbolic link back to one of them
/// is named as a loop instead of being followed forever.
fn walk(path: &Path, named: bool, ancestors: &mut Vec<PathBuf>, inputs: &mut Vec<Input>) {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => return inputs.push(Input::Unreadable(path.to_path_buf(), e.to_string())),
    };
    if !meta.is_dir() {
        // A pipe or device found in a folder could block or never end; read it only when named.
        if !named && !meta.is_file() {
            let why = format!("not a regular file ({}); not read unless named on the command line", special_kind(&meta));
            return inputs.push(Input::Unreadable(path.to_path_buf(), why));
        }
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
        walk(&child, false, ancestors, inputs);
    }
    ancestors.pop();
}

/// What a file that is neither a folder nor a regular file is.
fn special_kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a named pipe";
        } else if kind.is_socket() {
            return "a socket";
        } else if kind.is_char_device() {
            return "a character device";
        } else if kind.is_block_device() {
            return "a block device";
        }
    }
    let _ = meta;
    "a special file"
}

impl Input {
    pub fn name(&self) -> String {
        match self {
            Input::File(path) | Input::Unreadable(path, _) => path.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }

    /// The file opened for reading, with its size, or why it could not be opened.
    pub fn open(&self) -> Result<(fs::File, Option<u64>), String> {
        match self {
            Input::File(path) => {
                let file = fs::File::open(path).map_err(|e| format!("cannot read: {e}"))?;
                let size = file.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
                Ok((file, size))
            }
            Input::Stdin => Err("standard input is not a file to open".to_string()),
            Input::Unreadable(_, why) => Err(why.clone()),
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
