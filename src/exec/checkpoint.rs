//! Checkpoints (SPEC.md §Trace, checkpoints): the state digest of the executing
//! instance and the per-page hash cache that makes it cost in proportion to what
//! changed. Pages written since the last digest are marked dirty by the interpreter
//! (stores, bulk memory instructions, memory.grow) and by host calls; only those are
//! hashed again. Depends on runtime (the store) and sha2.

use crate::exec::PAGE_SIZE;
use crate::runtime::StoreInner as Store;
use sha2::{Digest, Sha256};

/// Cached SHA-256 of every 64 KiB page of one memory, with dirty flags.
#[derive(Clone, Debug, Default)]
pub(crate) struct PageCache {
    pub hashes: Vec<[u8; 32]>,
    pub dirty: Vec<bool>,
}

impl PageCache {
    /// Marks the pages of `addr..addr + len` dirty (len may be 0).
    pub fn mark(&mut self, addr: u64, len: u64) {
        if len == 0 {
            return;
        }
        let first = (addr / PAGE_SIZE as u64) as usize;
        let last = ((addr + len - 1) / PAGE_SIZE as u64) as usize;
        if self.dirty.len() <= last {
            self.dirty.resize(last + 1, true);
        }
        for d in &mut self.dirty[first..=last] {
            *d = true;
        }
    }

    /// Marks every page dirty.
    pub fn mark_all(&mut self) {
        self.dirty.iter_mut().for_each(|d| *d = true);
    }

    /// The memory digest of SPEC.md §Trace: SHA-256 over the length in bytes (u64 LE)
    /// and the SHA-256 of each 64 KiB page in order. Re-hashes dirty pages only.
    pub fn digest(&mut self, data: &[u8]) -> [u8; 32] {
        let pages = data.len() / PAGE_SIZE;
        self.hashes.resize(pages, [0; 32]);
        self.dirty.resize(pages, true);
        for (i, (hash, dirty)) in self
            .hashes
            .iter_mut()
            .zip(self.dirty.iter_mut())
            .enumerate()
        {
            if *dirty {
                *hash = Sha256::digest(&data[i * PAGE_SIZE..(i + 1) * PAGE_SIZE]).into();
                *dirty = false;
            }
        }
        let mut h = Sha256::new();
        h.update((data.len() as u64).to_le_bytes());
        for p in &self.hashes {
            h.update(p);
        }
        h.finalize().into()
    }
}

/// The state digest of SPEC.md §Trace: SHA-256 over the instance's memories (count
/// u32 LE, then each memory digest), globals (count, then each value's slot u64 LE),
/// tables (count, then each length u32 LE and its slots u64 LE) and the value stack
/// (count u32 LE, then each slot u64 LE, bottom first).
pub(crate) fn state_digest(store: &mut Store, instance: usize, stack: &[u64]) -> [u8; 32] {
    let Some(inst) = store.instances.get(instance) else {
        return Sha256::new().finalize().into();
    };
    let (mems, globals, tables) = (inst.mems.clone(), inst.globals.clone(), inst.tables.clone());
    let mut mem_digests = Vec::with_capacity(mems.len());
    for m in mems {
        let cache = store.page_cache.entry(m).or_default();
        if let Some(mem) = store.memories.get(m as usize) {
            mem_digests.push(cache.digest(&mem.data));
        }
    }
    let globals: Vec<u64> = globals
        .iter()
        .map(|g| store.globals.get(*g as usize).map_or(0, |g| g.value))
        .collect();
    let tables: Vec<&[u64]> = tables
        .iter()
        .map(|t| {
            store
                .tables
                .get(*t as usize)
                .map_or(&[][..], |t| &t.elems[..])
        })
        .collect();
    digest_parts(&mem_digests, &globals, &tables, stack)
}

/// The state digest of SPEC.md §Trace from its parts: each memory's digest
/// ([`PageCache::digest`], or [`memory_digest`]), the global slots, each table's
/// element slots and the value stack. Shared by checkpoints and snapshots (SPEC.md
/// §Snapshot), so both hash the same stream.
pub(crate) fn digest_parts(
    mem_digests: &[[u8; 32]],
    globals: &[u64],
    tables: &[&[u64]],
    stack: &[u64],
) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update((mem_digests.len() as u32).to_le_bytes());
    for d in mem_digests {
        h.update(d);
    }
    h.update((globals.len() as u32).to_le_bytes());
    for v in globals {
        h.update(v.to_le_bytes());
    }
    h.update((tables.len() as u32).to_le_bytes());
    for elems in tables {
        h.update((elems.len() as u32).to_le_bytes());
        for e in *elems {
            h.update(e.to_le_bytes());
        }
    }
    h.update((stack.len() as u32).to_le_bytes());
    for s in stack {
        h.update(s.to_le_bytes());
    }
    h.finalize().into()
}

/// The digest of one memory's bytes, as [`PageCache::digest`] computes it, without a
/// cache.
pub(crate) fn memory_digest(data: &[u8]) -> [u8; 32] {
    PageCache::default().digest(data)
}

#[cfg(test)]
mod tests {
    use super::PageCache;

    #[test]
    fn cached_digest_equals_a_fresh_digest_after_marked_writes() {
        let mut data = vec![0u8; 4 * super::PAGE_SIZE];
        let mut cache = PageCache::default();
        let first = cache.digest(&data);
        data[70_000] = 1;
        cache.mark(70_000, 1);
        let second = cache.digest(&data);
        assert_ne!(first, second);
        assert_eq!(second, PageCache::default().digest(&data));
        // A write straddling two pages marks both.
        data[2 * super::PAGE_SIZE - 1] = 7;
        data[2 * super::PAGE_SIZE] = 7;
        cache.mark(2 * super::PAGE_SIZE as u64 - 1, 2);
        assert_eq!(cache.digest(&data), PageCache::default().digest(&data));
        // Growth adds pages that are hashed.
        data.resize(5 * super::PAGE_SIZE, 3);
        assert_eq!(cache.digest(&data), PageCache::default().digest(&data));
    }
}
