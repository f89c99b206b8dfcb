//! What a host function sees at its call: [`Caller<'_, T>`], the embedder's host state
//! `T` plus a [`CallerContext`] (the calling instance's memory and the gas meter).
//! The interpreter builds the non-generic context; the type-erased host function
//! ([`ErasedHostFn`]) turns the host state back from `&mut dyn Any` into `&mut T`.
//! Depends on the store's instance types, `Access` and exec's `Trap`.

use std::any::Any;
use std::ops::{Deref, DerefMut};

use super::{Access, Extern, InstanceInst};
use crate::exec::{Trap, TrapCode};
use crate::value::Value;

/// A host function as the store keeps it: the host state as `&mut dyn Any` (the
/// store's `T`), the caller's context, the arguments and the results slice. One
/// dynamic call per host call; the downcast to `T` is one type-id comparison.
pub(crate) type ErasedHostFn = dyn Fn(&mut dyn Any, CallerContext<'_>, &[Value], &mut [Value]) -> Result<(), Trap>
    + Send
    + Sync;

/// Wraps a host function over `Caller<'_, T>` into the store's type-erased form.
///
/// A host state that is not a `T` (only possible when the inner stores of two
/// `Store`s of different types were swapped through `DerefMut`) makes the call trap
/// with `TrapCode::HostError`, never panic.
pub(crate) fn erase<T: 'static>(
    f: impl Fn(Caller<'_, T>, &[Value], &mut [Value]) -> Result<(), Trap> + Send + Sync + 'static,
) -> std::sync::Arc<ErasedHostFn> {
    std::sync::Arc::new(
        move |data: &mut dyn Any, ctx: CallerContext<'_>, args: &[Value], results: &mut [Value]| {
            let data = data
                .downcast_mut::<T>()
                .ok_or_else(|| Trap::new(TrapCode::HostError))?;
            f(Caller { data, ctx }, args, results)
        },
    )
}

/// What a host function sees of the calling instance: its memory and the gas meter.
///
/// Host functions that read or write guest memory should do it through
/// [`CallerContext::read_memory`] and [`CallerContext::write_memory`] (or their `_at`
/// forms): those accesses are what a trace records (SPEC.md §Trace). Direct access
/// through [`CallerContext::memory_mut`] is not recorded.
///
/// The profile has no multi-memory (SPEC.md §Profile), so an instance has at most one
/// memory, index 0; every memory a host function can reach is that one.
pub struct CallerContext<'a> {
    /// The calling instance's memory 0 (none when the instance has no memory or the
    /// host function was invoked directly by the embedder).
    pub(crate) memory: Option<&'a mut Vec<u8>>,
    /// The calling instance (none when invoked directly by the embedder).
    pub(crate) instance: Option<&'a InstanceInst>,
    pub(crate) gas_remaining: &'a mut u64,
    pub(crate) access: Option<&'a mut Access>,
    /// Set when the host took raw mutable access to memory (writes not recorded).
    pub(crate) raw_mut: &'a mut bool,
    /// The journal of memory 0 during an atomic call (SPEC.md §Atomic calls).
    pub(crate) journal: Option<&'a mut super::atomic::MemJournal>,
}

impl CallerContext<'_> {
    /// The calling instance's memory 0, if it has one.
    pub fn memory(&self) -> Option<&[u8]> {
        self.memory.as_deref().map(Vec::as_slice)
    }

    /// The calling instance's memory 0, writable, if it has one. Writes made through
    /// it are not recorded in a trace (a replay does not repeat them); a checkpoint
    /// treats the whole memory as written. Inside an atomic call
    /// ([`crate::Store::call_atomic`]) the first `memory_mut` of the call saves the
    /// whole memory for a rollback (O(memory size), SPEC.md §Atomic calls);
    /// [`CallerContext::write_memory`] saves only the journal pages it writes.
    pub fn memory_mut(&mut self) -> Option<&mut [u8]> {
        *self.raw_mut = true;
        if let (Some(j), Some(m)) = (self.journal.as_deref_mut(), self.memory.as_deref()) {
            j.save_all(m);
        }
        self.memory.as_deref_mut().map(Vec::as_mut_slice)
    }

    /// Charges `gas` gas units, all or nothing.
    ///
    /// # Errors
    /// A trap with `TrapCode::OutOfGas` when less than `gas` remains; nothing is
    /// charged then. Return it from the host function to end the call as out of gas.
    pub fn charge_gas(&mut self, gas: u64) -> Result<(), Trap> {
        if *self.gas_remaining < gas {
            return Err(Trap::new(TrapCode::OutOfGas));
        }
        *self.gas_remaining -= gas;
        Ok(())
    }

    /// Gas remaining, in gas units.
    pub fn gas_remaining(&self) -> u64 {
        *self.gas_remaining
    }

    /// The index, in the calling instance's memory index space, of its memory export
    /// `name`; `None` when it exports no memory of that name (or the host function was
    /// invoked directly by the embedder). Under the profile the index is always 0.
    pub fn memory_index(&self, name: &str) -> Option<u32> {
        let inst = self.instance?;
        let Some(Extern::Memory(mem)) = inst.exports.get(name) else {
            return None;
        };
        let addr = mem.addr().0;
        let index = inst.mems.iter().position(|a| *a == addr)?;
        u32::try_from(index).ok()
    }

    /// Copies `len` bytes at byte address `addr` out of memory 0, recording the read
    /// for a trace. `None` when out of bounds or there is no memory (nothing is
    /// recorded then).
    pub fn read_memory(&mut self, addr: u32, len: u32) -> Option<Vec<u8>> {
        let start = usize::try_from(addr).ok()?;
        let end = start.checked_add(usize::try_from(len).ok()?)?;
        let bytes = self.memory.as_deref()?.get(start..end)?.to_vec();
        if let Some(a) = self.access.as_deref_mut() {
            a.reads.push((addr, bytes.clone()));
        }
        Some(bytes)
    }

    /// Copies `data` into memory 0 at byte address `addr`, recording the write for a
    /// trace. Returns `false`, writing nothing, when out of bounds or there is no
    /// memory.
    pub fn write_memory(&mut self, addr: u32, data: &[u8]) -> bool {
        let Some(start) = usize::try_from(addr).ok() else {
            return false;
        };
        let Some(end) = start.checked_add(data.len()) else {
            return false;
        };
        let Some(m) = self.memory.as_deref_mut() else {
            return false;
        };
        if end > m.len() {
            return false;
        }
        if let Some(j) = self.journal.as_deref_mut() {
            j.save(m, start as u64, data.len() as u64);
        }
        let Some(dst) = m.get_mut(start..end) else {
            return false;
        };
        dst.copy_from_slice(data);
        if let Some(a) = self.access.as_deref_mut() {
            a.writes.push((addr, data.to_vec()));
        }
        true
    }

    /// [`CallerContext::read_memory`] on the calling instance's memory of index
    /// `memory` (from [`CallerContext::memory_index`]). `None` also when there is no
    /// such memory: under the profile only index 0 exists.
    pub fn read_memory_at(&mut self, memory: u32, addr: u32, len: u32) -> Option<Vec<u8>> {
        if memory != 0 {
            return None;
        }
        self.read_memory(addr, len)
    }

    /// [`CallerContext::write_memory`] on the calling instance's memory of index
    /// `memory`. `false`, writing nothing, also when there is no such memory: under the
    /// profile only index 0 exists.
    pub fn write_memory_at(&mut self, memory: u32, addr: u32, data: &[u8]) -> bool {
        memory == 0 && self.write_memory(addr, data)
    }
}

/// What a host function of a `Store<T>` sees at its call: the store's host state `T`
/// ([`Caller::data`], [`Caller::data_mut`]) and, through `Deref`, the
/// [`CallerContext`]: the calling instance's memory (by index or export name, reads
/// and writes recorded for traces) and the gas meter ([`CallerContext::charge_gas`],
/// [`CallerContext::gas_remaining`]).
///
/// Changes made through [`Caller::data_mut`] persist in the store after the call
/// ([`crate::Store::data`]).
pub struct Caller<'a, T> {
    data: &'a mut T,
    ctx: CallerContext<'a>,
}

impl<'a, T> Caller<'a, T> {
    /// The store's host state.
    pub fn data(&self) -> &T {
        self.data
    }

    /// The store's host state, writable.
    pub fn data_mut(&mut self) -> &mut T {
        self.data
    }

    /// The host state and the caller's context at once, for a host function that
    /// changes its state while it reads or writes guest memory.
    pub fn split(&mut self) -> (&mut T, &mut CallerContext<'a>) {
        (self.data, &mut self.ctx)
    }
}

impl<'a, T> Deref for Caller<'a, T> {
    type Target = CallerContext<'a>;
    fn deref(&self) -> &CallerContext<'a> {
        &self.ctx
    }
}

impl<T> DerefMut for Caller<'_, T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.ctx
    }
}
