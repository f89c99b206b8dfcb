//! The state digests of SPEC.md §Trace digests, computed by the reference meter from
//! its own store and written from the text alone (detwasm's digest code is not used):
//! SHA-256 over the §Trace encoding of an instance's memories, globals and tables, with
//! values in their portable form (§Trace encoding: `funcref` as 1 + the function's
//! index in the module's function index space, `exnref` as 0 or 1). Outside the
//! `refmeter` module tree because it needs sha2 (see `mod.rs`). Depends on the meter's
//! store and sha2.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::refmeter::{Store, VT};

/// The three state digests of an instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StateDigests {
    pub memories: [u8; 32],
    pub globals: [u8; 32],
    pub tables: [u8; 32],
}

/// The binary-format type byte of a value type (§Trace encoding).
pub fn type_byte(t: VT) -> u8 {
    match t {
        VT::I32 => 0x7f,
        VT::I64 => 0x7e,
        VT::F32 => 0x7d,
        VT::F64 => 0x7c,
        VT::FuncRef => 0x70,
        VT::ExternRef => 0x6f,
        VT::ExnRef => 0x69,
    }
}

/// Converts the meter's slots (§Values) into portable trace bits for one instance.
pub struct Portable {
    /// Store address of each function of the instance → its index (first occurrence).
    index_of: HashMap<usize, u32>,
}

impl Portable {
    pub fn new(store: &Store, inst: usize) -> Portable {
        let mut index_of = HashMap::new();
        for (i, &a) in store.instances[inst].funcs.iter().enumerate() {
            index_of.entry(a).or_insert(i as u32);
        }
        Portable { index_of }
    }

    /// The trace bits of slot `slot` of type `ty`. A function outside the instance's
    /// index space gets index `u32::MAX` (it cannot occur in a single-instance run).
    pub fn bits(&self, ty: VT, slot: u64) -> u64 {
        match ty {
            VT::FuncRef if slot != 0 => {
                let index = self.index_of.get(&(slot as usize - 1)).copied();
                u64::from(index.unwrap_or(u32::MAX)) + 1
            }
            VT::ExnRef => u64::from(slot != 0),
            _ => slot,
        }
    }
}

/// The digests of instance `inst` of `store`; `None` gives the digests of empty lists
/// (no instance).
pub fn state_digests(store: &Store, inst: Option<usize>) -> StateDigests {
    let Some(inst) = inst else {
        let empty: [u8; 32] = Sha256::digest(0u64.to_le_bytes()).into();
        return StateDigests {
            memories: empty,
            globals: empty,
            tables: empty,
        };
    };
    let i = &store.instances[inst];
    let portable = Portable::new(store, inst);

    let mut h = Sha256::new();
    h.update((i.mems.len() as u64).to_le_bytes());
    for &m in &i.mems {
        let data = &store.mems[m].data;
        h.update((data.len() as u64).to_le_bytes());
        h.update(data);
    }
    let memories = h.finalize().into();

    let mut h = Sha256::new();
    h.update((i.globals.len() as u64).to_le_bytes());
    for &g in &i.globals {
        let gi = &store.globals[g];
        h.update([type_byte(gi.ty)]);
        h.update(portable.bits(gi.ty, gi.value).to_le_bytes());
    }
    let globals = h.finalize().into();

    let mut h = Sha256::new();
    h.update((i.tables.len() as u64).to_le_bytes());
    for &t in &i.tables {
        let ti = &store.tables[t];
        h.update([type_byte(ti.elem)]);
        h.update((ti.elems.len() as u64).to_le_bytes());
        for &e in &ti.elems {
            h.update(portable.bits(ti.elem, e).to_le_bytes());
        }
    }
    let tables = h.finalize().into();

    StateDigests {
        memories,
        globals,
        tables,
    }
}
