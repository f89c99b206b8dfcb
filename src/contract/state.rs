//! The contract world state: every deployed account's code hash and key-value storage,
//! the undo journal that makes a call's storage writes atomic, and the state root
//! (SPEC.md §Contract state root). Owns no code and runs nothing; depends only on
//! `sha2`. Every map is a `BTreeMap`, so iteration order (and the root) never depends
//! on hashing.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// The domain tag that starts the state root's encoding (SPEC.md §Contract state
/// root): 26 ASCII bytes, the last one a newline.
pub const STATE_ROOT_TAG: &[u8] = b"detwasm contract state v1\n";

/// One account: the SHA-256 of its module's binary and its storage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Account {
    code_hash: [u8; 32],
    storage: BTreeMap<Vec<u8>, Vec<u8>>,
}

/// The committed world state: accounts by name, each with a code hash and a storage
/// map from key bytes to value bytes.
///
/// Accounts exist only by deployment ([`State::create_account`]); storage host
/// functions reach only existing accounts (the running contract's own).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    accounts: BTreeMap<String, Account>,
}

impl State {
    /// An empty state (no accounts).
    pub fn new() -> State {
        State::default()
    }

    /// Creates account `name` with empty storage and code hash `code_hash` (the SHA-256
    /// of the module's binary). Returns `false`, changing nothing, when the account
    /// exists.
    pub fn create_account(&mut self, name: &str, code_hash: [u8; 32]) -> bool {
        if self.accounts.contains_key(name) {
            return false;
        }
        self.accounts.insert(
            name.to_owned(),
            Account {
                code_hash,
                storage: BTreeMap::new(),
            },
        );
        true
    }

    /// Whether account `name` exists.
    pub fn has_account(&self, name: &str) -> bool {
        self.accounts.contains_key(name)
    }

    /// The value stored under `key` in `account`'s storage, if any.
    pub fn get(&self, account: &str, key: &[u8]) -> Option<&[u8]> {
        self.accounts
            .get(account)?
            .storage
            .get(key)
            .map(Vec::as_slice)
    }

    /// `account`'s storage entries in ascending byte order of key (empty for an
    /// unknown account).
    pub fn entries(&self, account: &str) -> Vec<(&[u8], &[u8])> {
        self.accounts
            .get(account)
            .map(|a| {
                a.storage
                    .iter()
                    .map(|(k, v)| (k.as_slice(), v.as_slice()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Sets `key` to `value` (`Some`) or removes it (`None`) in `account`'s storage and
    /// returns the previous value. An unknown account is left alone (returns `None`).
    fn put(&mut self, account: &str, key: &[u8], value: Option<Vec<u8>>) -> Option<Vec<u8>> {
        let storage = &mut self.accounts.get_mut(account)?.storage;
        match value {
            Some(v) => storage.insert(key.to_vec(), v),
            None => storage.remove(key),
        }
    }

    /// The canonical encoding of the state that the state root hashes (SPEC.md
    /// §Contract state root): the tag, the account count, then each account in
    /// ascending byte order of name (name, code hash, entry count, entries in
    /// ascending byte order of key), every length and count a `u32` little-endian.
    ///
    /// Lengths and counts never exceed `u32::MAX` in practice (keys and values are
    /// bounded by the ABI's limits); a larger one is encoded saturated, which no
    /// reachable state has.
    pub fn canonical_encoding(&self) -> Vec<u8> {
        let mut out = STATE_ROOT_TAG.to_vec();
        push_len(&mut out, self.accounts.len());
        for (name, account) in &self.accounts {
            push_len(&mut out, name.len());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&account.code_hash);
            push_len(&mut out, account.storage.len());
            for (key, value) in &account.storage {
                push_len(&mut out, key.len());
                out.extend_from_slice(key);
                push_len(&mut out, value.len());
                out.extend_from_slice(value);
            }
        }
        out
    }

    /// The state root: SHA-256 of [`State::canonical_encoding`] (SPEC.md §Contract
    /// state root). O(total size of the state) time.
    pub fn root(&self) -> [u8; 32] {
        Sha256::digest(self.canonical_encoding()).into()
    }
}

fn push_len(out: &mut Vec<u8>, len: usize) {
    let len = u32::try_from(len).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
}

/// One journal entry: the value `key` of `account` had before a write or removal.
#[derive(Debug)]
struct Undo {
    account: String,
    key: Vec<u8>,
    old: Option<Vec<u8>>,
}

/// The state during a transaction: writes apply to the state at once and are recorded
/// in an undo journal, so a call that fails is rolled back by undoing its entries in
/// reverse order ([`JournaledState::revert`]), in time proportional to the writes it
/// made. Moved by value into each call's host state and back.
#[derive(Debug, Default)]
pub(crate) struct JournaledState {
    state: State,
    undo: Vec<Undo>,
}

impl JournaledState {
    /// Starts a transaction on `state` with an empty journal.
    pub(crate) fn begin(state: State) -> JournaledState {
        JournaledState {
            state,
            undo: Vec::new(),
        }
    }

    /// Ends the transaction, keeping every write (the journal is dropped).
    pub(crate) fn commit(self) -> State {
        self.state
    }

    /// A checkpoint to [`JournaledState::revert`] to: the journal's length.
    pub(crate) fn checkpoint(&self) -> usize {
        self.undo.len()
    }

    /// Undoes every write made after `checkpoint`, newest first.
    pub(crate) fn revert(&mut self, checkpoint: usize) {
        while self.undo.len() > checkpoint {
            let Some(u) = self.undo.pop() else {
                break;
            };
            self.state.put(&u.account, &u.key, u.old);
        }
    }

    /// The value under `key` in `account`'s storage.
    pub(crate) fn get(&self, account: &str, key: &[u8]) -> Option<&[u8]> {
        self.state.get(account, key)
    }

    /// Sets (`Some`) or removes (`None`) `key` in `account`'s storage, journaled;
    /// returns whether the key was present before.
    pub(crate) fn put(&mut self, account: &str, key: &[u8], value: Option<Vec<u8>>) -> bool {
        if !self.state.has_account(account) {
            return false;
        }
        let old = self.state.put(account, key, value);
        let existed = old.is_some();
        self.undo.push(Undo {
            account: account.to_owned(),
            key: key.to_vec(),
            old,
        });
        existed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_state_encodes_tag_and_zero_count() {
        let mut want = b"detwasm contract state v1\n".to_vec();
        want.extend_from_slice(&[0, 0, 0, 0]);
        assert_eq!(State::new().canonical_encoding(), want);
    }

    #[test]
    fn revert_restores_overwritten_and_removed_values() {
        let mut state = State::new();
        assert!(state.create_account("a", [0; 32]));
        let mut js = JournaledState::begin(state.clone());
        js.put("a", b"k", Some(b"1".to_vec()));
        let before = js.state.clone();
        let cp = js.checkpoint();
        assert!(js.put("a", b"k", Some(b"2".to_vec())));
        assert!(!js.put("a", b"x", Some(Vec::new())));
        assert!(js.put("a", b"k", None));
        js.revert(cp);
        assert_eq!(js.state, before);
        js.revert(0);
        assert_eq!(js.commit(), state);
    }

    #[test]
    fn writes_to_unknown_accounts_change_nothing() {
        let mut js = JournaledState::begin(State::new());
        assert!(!js.put("nobody", b"k", Some(b"v".to_vec())));
        assert_eq!(js.checkpoint(), 0);
        assert_eq!(js.commit(), State::new());
    }
}
