//! The strings of an index, each kept once and numbered in the order first seen.

use foldhash::fast::RandomState;
use indexmap::IndexSet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Numbered strings.
#[derive(Debug, Clone, Default)]
pub struct Strings(IndexSet<Box<str>, RandomState>);

impl PartialEq for Strings {
    fn eq(&self, other: &Strings) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Strings {
    /// The number of `text`, numbering it if it is new.
    pub fn intern(&mut self, text: &str) -> u32 {
        match self.0.get_index_of(text) {
            Some(n) => n as u32,
            None => self.0.insert_full(text.into()).0 as u32,
        }
    }

    /// The string numbered `n`.
    pub fn get(&self, n: u32) -> Option<&str> {
        self.0.get_index(n as usize).map(|s| &**s)
    }

    /// The number of `text`, if it has one.
    pub fn find(&self, text: &str) -> Option<u32> {
        self.0.get_index_of(text).map(|n| n as u32)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The strings, in number order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|s| &**s)
    }

    /// About how many bytes they take: each string's, its box's and its place in the table.
    pub fn bytes(&self) -> usize {
        self.0.iter().map(|s| s.len() + std::mem::size_of::<Box<str>>() + 2 * std::mem::size_of::<usize>()).sum()
    }
}

/// Sent as the list of strings in number order.
impl Serialize for Strings {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Strings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = Vec::<String>::deserialize(deserializer)?;
        let count = list.len();
        let set: IndexSet<Box<str>, RandomState> = list.into_iter().map(String::into_boxed_str).collect();
        match set.len() == count {
            true => Ok(Strings(set)),
            false => Err(serde::de::Error::custom("a string is listed twice: the rows' numbers would not hold")),
        }
    }
}
