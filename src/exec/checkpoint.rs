//! Checkpoints (SPEC.md §Trace, checkpoints): the state digest of the executing
//! instance and the per-page hash cache that makes it cost in proportion to what
//! changed. Pages written since the last digest are marked dirty by the interpreter
//! (stores, bulk memory instructions, memory.grow) and by host calls; only those are
//! hashed again. Also rebuilds the stack machine's value stack at a wasm
//! instruction inside a fused op (`machine_stack`), from the body's checkpoint map
//! (`translate::checkpoint_map`). Depends on runtime (the store), the op table and
//! sha2.

use super::{
    i32v, i64v, idiv32, idiv64, o_bool, o_i32, o_i64, o_u32, o_u64, sx, trunc, u32v, u64v, TrapCode,
};
use crate::exec::PAGE_SIZE;
use crate::float;
use crate::runtime::StoreInner as Store;
use crate::translate::op::Op;
use crate::translate::CompiledFunc;
use sha2::{Digest, Sha256};

/// Why [`machine_stack`] gave no stack.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Rebuild {
    /// An instruction before the one asked for traps (a main instruction: a load out
    /// of bounds, a division by zero, ...), so the one asked for is never reached.
    Trap,
    /// The body has no checkpoint map, or the map does not cover the op, or one of
    /// its instructions before the one asked for is not a shared arm (a bug in
    /// detwasm: the translator fuses no such op before another instruction).
    Internal,
}

/// The stack machine's value stack (SPEC.md §Trace checkpoints, item 4) just before
/// wasm instruction `part` (0 to `MAX_PARTS` - 1) of op `pc` of the executing
/// activation of `code`, of instance `inst`, whose frame starts at slot `fp`, while
/// op `pc` has not run: every slot below `fp` as the store's value stack holds it,
/// then the frame's locals and its operand stack at that instruction (the height the
/// checkpoint map gives), with the operands a folded `local.get` or `local.tee`
/// left in a local read from it and the instructions of the op before `part` run on
/// a copy of the frame, each as the translation without fusion lowers it (they
/// only read memory and globals). With `part` 0 and no alias in force, that is the
/// value stack as it is.
///
/// # Errors
/// [`Rebuild::Trap`] when an instruction before `part` traps; [`Rebuild::Internal`]
/// when the body has no checkpoint map or it does not describe the op.
///
/// # Complexity
/// O(value stack height + log body size).
pub(crate) fn machine_stack(
    store: &Store,
    inst: usize,
    code: &CompiledFunc,
    fp: usize,
    pc: usize,
    part: usize,
) -> Result<Vec<u64>, Rebuild> {
    let map = code.checkpoint_map.as_deref().ok_or(Rebuild::Internal)?;
    let frame = code.num_locals as usize + code.max_operands as usize;
    let mut stack = store
        .stack
        .get(..fp + frame)
        .ok_or(Rebuild::Internal)?
        .to_vec();
    let slots = &mut stack[fp..];
    for a in map.aliases_at(code.offset(pc, 0).ok_or(Rebuild::Internal)?) {
        let v = *slots.get(a.local as usize).ok_or(Rebuild::Internal)?;
        *slots.get_mut(a.slot as usize).ok_or(Rebuild::Internal)? = v;
    }
    advance_stack(store, inst, code, fp, pc, stack, 0..part)
}

/// The stack machine's value stack just before wasm instruction `parts.end` of op
/// `pc` (as [`machine_stack`]), from `stack`, the one just before instruction
/// `parts.start` of it: the instructions `parts` run on a copy of the frame.
///
/// # Errors
/// As [`machine_stack`].
pub(crate) fn advance_stack(
    store: &Store,
    inst: usize,
    code: &CompiledFunc,
    fp: usize,
    pc: usize,
    mut stack: Vec<u64>,
    parts: std::ops::Range<usize>,
) -> Result<Vec<u64>, Rebuild> {
    let map = code.checkpoint_map.as_deref().ok_or(Rebuild::Internal)?;
    let offset = |i: usize| code.offset(pc, i).ok_or(Rebuild::Internal);
    let height = map
        .instr(offset(parts.end)?)
        .ok_or(Rebuild::Internal)?
        .height;
    let nl = code.num_locals as usize;
    stack.resize(fp + nl + code.max_operands as usize, 0);
    let slots = &mut stack[fp..];
    let instance = store.instances.get(inst).ok_or(Rebuild::Internal)?;
    let mem: &[u8] = instance
        .mems
        .first()
        .and_then(|m| store.memories.get(*m as usize))
        .map_or(&[], |m| &m.data[..]);
    let globals = |i: u32| -> Result<u64, Rebuild> {
        let g = *instance.globals.get(i as usize).ok_or(Rebuild::Internal)?;
        Ok(store
            .globals
            .get(g as usize)
            .ok_or(Rebuild::Internal)?
            .value)
    };
    for i in parts {
        let op = map.instr(offset(i)?).ok_or(Rebuild::Internal)?.op;
        run_alone(op, slots, mem, &globals)?;
    }
    stack.truncate(fp + nl + height as usize);
    Ok(stack)
}

/// Runs `op`, an op of the translation without fusion that stands for one wasm
/// instruction, on the frame `slots`, reading memory `mem` and globals through
/// `global`: the shared arm (`pure_arms!`) of the op, with nothing written but
/// `slots`. A store, a global write or control flow is [`Rebuild::Internal`].
// The shared arms are written for backends that branch, return and store: here those
// macros return at once, leaving their operands unused and the rest of such an arm
// unreachable.
#[allow(unused_variables, unreachable_code, unreachable_patterns)]
fn run_alone(
    op: Op,
    slots: &mut [u64],
    mem: &[u8],
    global: &dyn Fn(u32) -> Result<u64, Rebuild>,
) -> Result<(), Rebuild> {
    macro_rules! sl {
        ($slot:expr) => {
            *slots.get($slot as usize).ok_or(Rebuild::Internal)?
        };
    }
    macro_rules! ssl {
        ($slot:expr, $v:expr) => {{
            let v: u64 = $v;
            *slots.get_mut($slot as usize).ok_or(Rebuild::Internal)? = v;
        }};
    }
    macro_rules! fault {
        ($code:expr) => {{
            return Err(if $code == TrapCode::Internal {
                Rebuild::Internal
            } else {
                Rebuild::Trap
            });
        }};
    }
    macro_rules! tri {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(_) => return Err(Rebuild::Trap),
            }
        };
    }
    macro_rules! load {
        ($dst:expr, $addr:expr, $off:expr, $n:literal, |$b:ident| $e:expr) => {{
            let a = u64::from($addr as u32) + u64::from($off);
            let Some(bytes) = usize::try_from(a).ok().and_then(|a| mem.get(a..a + $n)) else {
                return Err(Rebuild::Trap);
            };
            let mut $b = [0u8; $n];
            $b.copy_from_slice(bytes);
            ssl!($dst, $e);
        }};
    }
    // Stores, global writes and control flow: refused (`$d` is a `$`, so that the
    // macros defined here can take any tokens).
    macro_rules! refused {
        ($d:tt $($name:ident)*) => {$(
            macro_rules! $name {
                ($d($d t:tt)*) => {
                    return Err(Rebuild::Internal)
                };
            }
        )*};
    }
    refused!($ store branch_to enter_segment br_if moves skip peek ret global_set);
    macro_rules! global_get {
        ($i:expr) => {
            global($i)?
        };
    }
    macro_rules! memory_pages {
        () => {
            (mem.len() / PAGE_SIZE) as u64
        };
    }
    macro_rules! alone {
        ($($name:ident $fields:tt => $body:expr,)*) => {
            match op {
                $(Op::$name $fields => $body,)*
                _ => return Err(Rebuild::Internal),
            }
        };
    }
    pure_arms!(alone);
    Ok(())
}

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
