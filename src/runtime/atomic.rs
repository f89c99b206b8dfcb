//! Atomic calls (SPEC.md §Atomic calls): [`Store::call_atomic`] runs an invocation
//! under a journal and, when it fails, puts back every memory, global and table of the
//! store, the dropped flags of data and element segments and the exceptions a
//! collection reclaimed, exactly as they were before the call.
//!
//! The journal records old contents before the first write to each part of the state:
//! a memory in journal pages of [`JOURNAL_PAGE_BYTES`], a table in chunks of
//! [`TABLE_CHUNK_ELEMENTS`] elements, a global by itself. A bitmap per memory, table
//! and the global list says what is saved, so a second write to the same part costs one
//! bit test and the journal never holds more than one copy of any part: its size is
//! bounded by the state written, never by the number of writes. Growth records the old
//! size (nothing is copied for the grown part: a rollback cuts it off).
//!
//! The interpreter journals in both backends: the loop backend tests whether a journal
//! is open, the threaded one runs an atomic call with a second handler table whose
//! store and `global.set` handlers journal (`exec/tail.rs`, `Handlers::<true>`), so
//! runs outside an atomic call test nothing in the threaded backend. Depends on the store, exec (to run the call) and trace (the
//! §Trace state digests).

use super::{Store, StoreInner};
use crate::error::Error;
use crate::exec;
use crate::trace::Digest32;
use crate::value::{Func, Value};
use std::collections::BTreeMap;

/// Size of a memory journal page, in bytes: the unit a memory's old contents are
/// saved in before its first write in an atomic call. A divisor of the wasm page size
/// (64 KiB), chosen by measurement (BENCHMARKS.md, Rollback cost).
pub const JOURNAL_PAGE_BYTES: usize = 4096;

/// Size of a table journal chunk, in elements (8 bytes each).
pub const TABLE_CHUNK_ELEMENTS: usize = 64;

/// Bytes of saved contents a closed journal keeps allocated for the next atomic call
/// of its store, per memory or table: reusing them spares the allocator (and the
/// kernel's page faults) on every call; above this they are freed.
const RETAIN_BYTES: usize = 16 << 20;

/// The old contents of one memory or table, saved chunk by chunk before their first
/// write, and its size when the journal first saw it. Kept by the store between
/// atomic calls (closed, emptied, its buffers' capacity kept up to [`RETAIN_BYTES`]).
pub(crate) struct RangeJournal<E: Copy, const CHUNK: usize> {
    /// Opened in the running atomic call.
    open: bool,
    /// Length (bytes or elements) when the journal was opened.
    orig_len: usize,
    /// One bit per chunk below `orig_len`: already saved. All clear when closed.
    saved: Vec<u64>,
    /// Index and length of each saved chunk, in save order (only a table's last
    /// chunk can be short).
    chunks: Vec<(u32, u32)>,
    /// The saved chunks' old contents, one after the other.
    old: Vec<E>,
}

impl<E: Copy + Default, const CHUNK: usize> Default for RangeJournal<E, CHUNK> {
    fn default() -> Self {
        RangeJournal {
            open: false,
            orig_len: 0,
            saved: Vec::new(),
            chunks: Vec::new(),
            old: Vec::new(),
        }
    }
}

impl<E: Copy + Default, const CHUNK: usize> RangeJournal<E, CHUNK> {
    /// Opens the journal (if closed) for contents of `len` elements.
    #[inline(always)]
    fn open(&mut self, len: usize) -> &mut Self {
        if !self.open {
            self.open = true;
            self.orig_len = len;
            // The bits are all clear (see `close`): only the length changes.
            self.saved.resize(len.div_ceil(CHUNK).div_ceil(64), 0);
        }
        self
    }

    /// Saves the chunks of `start..start + len` (in elements of `data`, the current
    /// contents) not saved yet. Parts at or beyond the original length need no saving.
    #[inline(always)]
    pub(crate) fn save(&mut self, data: &[E], start: u64, len: u64) {
        let end = start.saturating_add(len).min(self.orig_len as u64);
        if start >= end {
            return;
        }
        let first = (start / CHUNK as u64) as usize;
        let last = ((end - 1) / CHUNK as u64) as usize;
        for c in first..=last {
            let (w, b) = (c / 64, 1u64 << (c % 64));
            if self.saved.get(w).is_some_and(|x| x & b == 0) {
                self.save_chunk(data, c);
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn save_chunk(&mut self, data: &[E], c: usize) {
        if let Some(w) = self.saved.get_mut(c / 64) {
            *w |= 1u64 << (c % 64);
        }
        let lo = c * CHUNK;
        let hi = (lo + CHUNK).min(self.orig_len).min(data.len());
        if let Some(old) = data.get(lo..hi) {
            self.chunks.push((c as u32, old.len() as u32));
            self.old.extend_from_slice(old);
        }
    }

    /// Saves everything below the original length.
    pub(crate) fn save_all(&mut self, data: &[E]) {
        self.save(data, 0, self.orig_len as u64);
    }

    /// Puts the saved contents back into `data` and gives it its original length.
    /// Calls `restored(start, len)` for each range it wrote.
    fn restore(&self, data: &mut Vec<E>, mut restored: impl FnMut(usize, usize)) {
        if !self.open {
            return;
        }
        data.resize(self.orig_len, E::default());
        let mut at = 0;
        for &(c, n) in &self.chunks {
            let (lo, n) = (c as usize * CHUNK, n as usize);
            if let (Some(dst), Some(src)) = (data.get_mut(lo..lo + n), self.old.get(at..at + n)) {
                dst.copy_from_slice(src);
                restored(lo, n);
            }
            at += n;
        }
    }

    /// Closes the journal: clears what it saved, keeping its buffers for the next
    /// call up to [`RETAIN_BYTES`]. O(chunks saved).
    fn close(&mut self) {
        for &(c, _) in &self.chunks {
            if let Some(w) = self.saved.get_mut(c as usize / 64) {
                *w = 0;
            }
        }
        self.chunks.clear();
        self.old.clear();
        if self.old.capacity() * std::mem::size_of::<E>() > RETAIN_BYTES {
            self.old = Vec::new();
        }
        self.open = false;
    }

    /// Number of chunks saved.
    fn saved_chunks(&self) -> usize {
        self.chunks.len()
    }
}

/// A memory's journal.
pub(crate) type MemJournal = RangeJournal<u8, JOURNAL_PAGE_BYTES>;
/// A table's journal.
type TableJournal = RangeJournal<u64, TABLE_CHUNK_ELEMENTS>;

/// Everything an atomic call needs to undo its changes to the store.
pub(crate) struct Journal {
    /// By memory address, opened at the first write or growth.
    mems: Vec<MemJournal>,
    /// By table address, opened at the first write or growth.
    tables: Vec<TableJournal>,
    /// One bit per global address: old value saved.
    globals_saved: Vec<u64>,
    /// Global address and old value.
    globals: Vec<(u32, u64)>,
    /// Data segments dropped during the call (they were not before).
    data_dropped: Vec<u32>,
    /// Element segments dropped during the call, with their items.
    elems_dropped: Vec<(u32, Vec<u64>)>,
    /// The first exception address created during the call: those below existed
    /// before it.
    exn_base: u64,
    /// Exceptions that existed before the call and were reclaimed during it.
    exns: Vec<(u64, super::ExnInst)>,
}

impl Journal {
    fn new() -> Journal {
        Journal {
            mems: Vec::new(),
            tables: Vec::new(),
            globals_saved: Vec::new(),
            globals: Vec::new(),
            data_dropped: Vec::new(),
            elems_dropped: Vec::new(),
            exn_base: 0,
            exns: Vec::new(),
        }
    }

    /// The journal of memory `mem` whose current length is `len` bytes, opened now
    /// if it is not yet (its original length is then `len`).
    #[inline(always)]
    pub(crate) fn memory(&mut self, mem: usize, len: usize) -> &mut MemJournal {
        slot(&mut self.mems, mem).open(len)
    }

    fn table(&mut self, table: usize, len: usize) -> &mut TableJournal {
        slot(&mut self.tables, table).open(len)
    }

    /// Journal pages saved so far, over all memories.
    fn memory_pages_saved(&self) -> usize {
        self.mems.iter().map(RangeJournal::saved_chunks).sum()
    }

    /// Empties the journal for the next atomic call. O(what it saved).
    fn close(&mut self) {
        self.mems.iter_mut().for_each(RangeJournal::close);
        self.tables.iter_mut().for_each(RangeJournal::close);
        for &(g, _) in &self.globals {
            if let Some(w) = self.globals_saved.get_mut(g as usize / 64) {
                *w = 0;
            }
        }
        self.globals.clear();
        self.data_dropped.clear();
        self.elems_dropped.clear();
        self.exns.clear();
    }
}

/// The journal at `i` of `v`.
#[inline(always)]
fn slot<E: Copy + Default, const C: usize>(
    v: &mut Vec<RangeJournal<E, C>>,
    i: usize,
) -> &mut RangeJournal<E, C> {
    if v.len() <= i {
        v.resize_with(i + 1, RangeJournal::default);
    }
    &mut v[i]
}

impl StoreInner {
    /// Before bytes `addr..addr + len` of memory `mem` are written (or grown, with
    /// `len` 0): saves what an open journal has not saved yet.
    #[inline(always)]
    pub(crate) fn journal_memory(&mut self, mem: usize, addr: u64, len: u64) {
        let (Some(j), Some(m)) = (self.journal.as_deref_mut(), self.memories.get(mem)) else {
            return;
        };
        j.memory(mem, m.data.len()).save(&m.data, addr, len);
    }

    /// Before elements `start..start + len` of table `table` are written (or the table
    /// grows, with `len` 0).
    pub(crate) fn journal_table(&mut self, table: usize, start: u64, len: u64) {
        let (Some(j), Some(t)) = (self.journal.as_deref_mut(), self.tables.get(table)) else {
            return;
        };
        j.table(table, t.elems.len()).save(&t.elems, start, len);
    }

    /// Before global `g` is set.
    #[inline]
    pub(crate) fn journal_global(&mut self, g: usize) {
        let (Some(j), Some(old)) = (self.journal.as_deref_mut(), self.globals.get(g)) else {
            return;
        };
        let (w, b) = (g / 64, 1u64 << (g % 64));
        if j.globals_saved.len() <= w {
            j.globals_saved.resize(w + 1, 0);
        }
        if j.globals_saved[w] & b == 0 {
            j.globals_saved[w] |= b;
            j.globals.push((g as u32, old.value));
        }
    }

    /// Before data segment `d` is dropped.
    pub(crate) fn journal_data_drop(&mut self, d: usize) {
        let (Some(j), Some(seg)) = (self.journal.as_deref_mut(), self.datas.get(d)) else {
            return;
        };
        if !seg.dropped {
            j.data_dropped.push(d as u32);
        }
    }

    /// Drops element segment `e` (its items become empty), keeping its items in an
    /// open journal.
    pub(crate) fn drop_elem(&mut self, e: usize) {
        let Some(seg) = self.elems.get_mut(e) else {
            return;
        };
        let items = std::mem::take(&mut seg.items);
        if let Some(j) = self.journal.as_deref_mut() {
            if !items.is_empty() {
                j.elems_dropped.push((e as u32, items));
            }
        }
    }

    /// Keeps only the exceptions in `live` (a collection, SPEC.md §Exceptions); an
    /// open journal keeps those that existed before the atomic call.
    pub(crate) fn retain_exns(&mut self, live: &std::collections::BTreeSet<u64>) {
        match self.journal.as_deref_mut() {
            None => self.exns.retain(|a, _| live.contains(a)),
            Some(j) => {
                let all = std::mem::take(&mut self.exns);
                for (a, e) in all {
                    if live.contains(&a) {
                        self.exns.insert(a, e);
                    } else if a < j.exn_base {
                        j.exns.push((a, e));
                    }
                }
            }
        }
    }

    /// Undoes everything `j` recorded (SPEC.md §Atomic calls).
    fn rollback(&mut self, j: &mut Journal) {
        for (i, mj) in j.mems.iter().enumerate() {
            let Some(m) = self.memories.get_mut(i) else {
                continue;
            };
            // Checkpoint page hashes (SPEC.md §Trace checkpoints) of restored pages
            // are stale.
            match self.page_cache.get_mut(&(i as u32)) {
                Some(cache) => mj.restore(&mut m.data, |lo, n| cache.mark(lo as u64, n as u64)),
                None => mj.restore(&mut m.data, |_, _| {}),
            }
        }
        for (i, tj) in j.tables.iter().enumerate() {
            if let Some(t) = self.tables.get_mut(i) {
                tj.restore(&mut t.elems, |_, _| {});
            }
        }
        for &(g, v) in &j.globals {
            if let Some(g) = self.globals.get_mut(g as usize) {
                g.value = v;
            }
        }
        for &d in &j.data_dropped {
            if let Some(seg) = self.datas.get_mut(d as usize) {
                seg.dropped = false;
            }
        }
        for (e, items) in j.elems_dropped.drain(..) {
            if let Some(seg) = self.elems.get_mut(e as usize) {
                seg.items = items;
            }
        }
        // Exceptions made during the call are unreachable once the state is back,
        // unless a host function was handed one (pinned: it may hold it in `T`).
        let base = j.exn_base;
        self.exns.retain(|a, e| *a < base || e.pinned);
        let back: BTreeMap<u64, super::ExnInst> = j.exns.drain(..).collect();
        self.exns.extend(back);
    }

    /// Whether an atomic call is running (its journal is open).
    pub fn in_atomic_call(&self) -> bool {
        self.journal.is_some()
    }

    /// The §Trace state digests of an instance's memories, globals and tables (SPEC.md
    /// §Trace digests: the `memories_sha256`, `globals_sha256` and `tables_sha256` of
    /// an end event), `None` for an instance of another store. Reads the whole
    /// state: O(memory and table size).
    pub fn instance_digests(&self, instance: Instance) -> Option<(Digest32, Digest32, Digest32)> {
        let addr = self.instance_addr(instance).ok()?;
        self.instances.get(addr.0 as usize)?;
        let funcs = crate::trace::FuncIndex::new(self, Some(addr));
        Some(crate::trace::state_digests(self, Some(addr), &funcs))
    }
}

use super::Instance;

/// What one atomic call's journal held when it ended: for measurements and tests
/// ([`Store::call_atomic_stats`]).
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct AtomicStats {
    /// Memory journal pages ([`JOURNAL_PAGE_BYTES`] each) whose old contents were
    /// saved.
    pub memory_pages_saved: usize,
    /// Whether the call failed and its changes were rolled back.
    pub rolled_back: bool,
}

impl<T: 'static> Store<T> {
    /// Invokes `func` with `args` as [`Store::invoke`] does, atomically (SPEC.md
    /// §Atomic calls): when the call fails, for any reason (a trap of any code, out of
    /// gas included, a host function's error, a refused argument), every memory
    /// (contents and size in pages), global and table (elements and size) of the store,
    /// and the dropped state of data and element segments, are put back as they were
    /// before the call, so their §Trace state digests equal those before it. Gas used
    /// is not given back: a failed call has paid for what it ran. The host state `T`
    /// is not restored (an embedder journals it itself), nor are trace events already
    /// emitted or the gas profile.
    ///
    /// The call is not resumable: out of gas is a trap, and rolled back. Runs in the
    /// threaded backend's journal mode where it is built (else in the loop backend;
    /// ARCHITECTURE.md, Dispatch), which journals writes; cost: one copy
    /// of each [`JOURNAL_PAGE_BYTES`] journal page and [`TABLE_CHUNK_ELEMENTS`]-element
    /// table chunk before its first write, a rollback copies them back. A host
    /// function's [`super::CallerContext::memory_mut`] saves its whole memory (prefer
    /// `write_memory`). A host function that panics: the state is rolled back, then
    /// the panic continues.
    ///
    /// # Errors
    /// As [`Store::invoke`]: `Error::Invoke` for a function of another store (nothing
    /// runs) or bad arguments, while a call is suspended ([`Store::invoke_resumable`])
    /// or, which cannot happen through this API, inside another atomic call;
    /// `Error::Trap` when the call traps. In each case the state is as before the
    /// call.
    pub fn call_atomic(&mut self, func: Func, args: &[Value]) -> Result<Vec<Value>, Error> {
        self.call_atomic_stats(func, args).0
    }

    /// [`Store::call_atomic`], also returning what its journal held
    /// (for measurements).
    pub fn call_atomic_stats(
        &mut self,
        func: Func,
        args: &[Value],
    ) -> (Result<Vec<Value>, Error>, AtomicStats) {
        let func = match self.inner.func_addr(func) {
            Ok(addr) => addr,
            Err(e) => return (Err(e), AtomicStats::default()),
        };
        if self.inner.journal.is_some() {
            return (
                Err(Error::Invoke("an atomic call is already running".into())),
                AtomicStats::default(),
            );
        }
        let mut journal = self
            .inner
            .journal_spare
            .take()
            .unwrap_or_else(|| Box::new(Journal::new()));
        journal.exn_base = self.inner.next_exn;
        self.inner.journal = Some(journal);
        let (inner, data) = (&mut self.inner, &mut self.data);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            exec::invoke(inner, data, func, args)
        }));
        let Some(mut journal) = self.inner.journal.take() else {
            return (
                Err(Error::Internal("the atomic call's journal is gone")),
                AtomicStats::default(),
            );
        };
        let mut stats = AtomicStats {
            memory_pages_saved: journal.memory_pages_saved(),
            rolled_back: false,
        };
        let failed = !matches!(r, Ok(Ok(_)));
        if failed {
            self.inner.rollback(&mut journal);
            stats.rolled_back = true;
        }
        journal.close();
        self.inner.journal_spare = Some(journal);
        match r {
            Ok(r) => (r, stats),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RangeJournal;

    #[test]
    fn a_range_journal_restores_contents_and_length() {
        let mut data: Vec<u8> = (0..40u8).collect();
        let before = data.clone();
        let mut j: RangeJournal<u8, 8> = RangeJournal::default();
        j.open(data.len());
        // Straddles chunks 1 and 2; a second write to chunk 2 saves nothing more.
        j.save(&data, 14, 4);
        data[14..18].fill(0xff);
        j.save(&data, 16, 1);
        data[16] = 7;
        assert_eq!(j.saved_chunks(), 2);
        // The last, short chunk and growth.
        j.save(&data, 39, 1);
        data[39] = 0;
        data.resize(64, 9);
        j.save(&data, 50, 4);
        assert_eq!(j.saved_chunks(), 3);
        j.restore(&mut data, |_, _| {});
        assert_eq!(data, before);
        // Closed and opened again (shorter): nothing is left of the first use.
        j.close();
        j.open(16);
        assert_eq!(j.saved_chunks(), 0);
        j.save(&data, 0, 40);
        assert_eq!(j.saved_chunks(), 2);
        data.fill(1);
        j.restore(&mut data, |_, _| {});
        assert_eq!(data, before[..16]);
    }
}
