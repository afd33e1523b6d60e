//! Duplicates across files: each record's `eventID` is hashed with a key drawn for the scan (so a
//! planted ID cannot be made in advance to collide with a real one and pass it off as a duplicate),
//! and the hashes seen and the (rule, ID) pairs alerted on are remembered, file after file.
//!
//! Files scanned apart (on threads, or in several browser workers sharing the key) are settled
//! here in file order, which makes the outcome the same as a scan of one file after another.

use siphasher::sip::SipHasher13;
use std::collections::HashSet;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};

/// The secret key eventIDs are hashed with; the same for every part of one scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct IdKey(pub u64, pub u64);

impl IdKey {
    /// A key from the process's random source.
    pub fn random() -> IdKey {
        let state = RandomState::new();
        IdKey(state.hash_one(1u8), state.hash_one(2u8))
    }

    /// The hash of an `eventID`.
    pub fn hash(&self, id: &str) -> u64 {
        let mut hasher = SipHasher13::new_with_keys(self.0, self.1);
        hasher.write(id.as_bytes());
        hasher.finish()
    }
}

/// An alert's identity for duplicates: the hashes of its rule's `rule_id` and of the `eventID`
/// (by `rule_id`, not position, so keys stay true when the rules loaded change between files).
pub type AlertKey = (u64, u64);

/// What a scan remembers across files. The sets hold keyed hashes, already as unpredictable as a
/// hash table needs: they are used as they are, not hashed again.
#[derive(Debug, Default)]
pub struct Dedup {
    seen: HashSet<u64, Prehashed>,
    alerted: HashSet<AlertKey, Prehashed>,
}

/// A table of keyed hashes: the hash of a key is the key (the two halves of an [`AlertKey`] mixed).
type Prehashed = BuildHasherDefault<Passthrough>;

#[derive(Debug, Default)]
struct Passthrough(u64);

impl Hasher for Passthrough {
    fn write(&mut self, bytes: &[u8]) {
        // Only `u64`s are hashed here; any other input still hashes, byte by byte.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.rotate_left(32) ^ n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Dedup {
    /// Counts a file's records (their `eventID` hashes, in order) whose ID was seen before, in
    /// this file or an earlier one, and remembers them all.
    pub fn duplicates(&mut self, ids: &[u64]) -> usize {
        self.seen.reserve(ids.len());
        ids.iter().filter(|id| !self.seen.insert(**id)).count()
    }

    /// [`Dedup::duplicates`], also telling for each ID in order whether it was new (in `fresh`).
    pub fn mark_duplicates(&mut self, ids: &[u64], fresh: &mut Vec<bool>) -> usize {
        self.seen.reserve(ids.len());
        let before = fresh.len();
        fresh.extend(ids.iter().map(|id| self.seen.insert(*id)));
        fresh[before..].iter().filter(|new| !**new).count()
    }

    /// Makes room for `ids` more `eventID`s at once (a file counted in parts grows the set once).
    pub fn reserve(&mut self, ids: usize) {
        self.seen.reserve(ids);
    }

    /// Whether an alert is new (an alert on a record without ID always is), remembering it.
    pub fn is_new(&mut self, key: Option<AlertKey>) -> bool {
        key.is_none_or(|key| self.alerted.insert(key))
    }

    /// Settles a file scanned on its own: its duplicates (from its records' `eventID` hashes, in
    /// order) and the alerts not raised before, in order.
    pub fn settle<A>(&mut self, ids: &[u64], raised: impl IntoIterator<Item = (A, Option<AlertKey>)>) -> (usize, Vec<A>) {
        let duplicates = self.duplicates(ids);
        (duplicates, self.new_alerts(raised))
    }

    /// The alerts not raised before ([`Dedup::is_new`]), in order, remembering them.
    pub fn new_alerts<A>(&mut self, raised: impl IntoIterator<Item = (A, Option<AlertKey>)>) -> Vec<A> {
        raised.into_iter().filter(|(_, key)| self.is_new(*key)).map(|(alert, _)| alert).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_hashes_and_dedup_counts_in_order() {
        let (a, b) = (IdKey(1, 2), IdKey(3, 4));
        assert_eq!(a.hash("x"), a.hash("x"));
        assert_ne!(a.hash("x"), b.hash("x"));
        let mut dedup = Dedup::default();
        assert_eq!(dedup.duplicates(&[1, 2, 1]), 1);
        assert_eq!(dedup.duplicates(&[2, 3]), 1);
        assert!(dedup.is_new(Some((0, 1))) && !dedup.is_new(Some((0, 1))) && dedup.is_new(Some((1, 1))));
        assert!(dedup.is_new(None) && dedup.is_new(None));
    }
}
