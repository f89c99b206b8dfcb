//! Snapshots (issue 11 item 5; SPEC.md §Snapshot): an instance's whole state
//! (memories, globals, tables, dropped segments, exceptions, the gas counter and a
//! suspended call's activations and value stack) as plain data, encoded with serde and
//! bincode under a pinned configuration and sealed with a SHA-256 trailer, restored
//! into a fresh store built from the same module.
//!
//! Decoding trusts nothing: the bytes are checked (trailer, magic, version, exact
//! length) before anything is decoded, no length can make the decoder allocate more
//! than the bytes given, and a restore checks the snapshot against the module and the
//! store (hash, schedules, configuration, store layout, sizes within §Limits, value
//! types, and every position and frame of a suspended call) before the interpreter
//! can see it: the interpreter's `unsafe` code relies on those invariants.
//! Depends on runtime (the store), exec (the suspended call, the state digest),
//! module, config and value.

use std::collections::BTreeMap;

use bincode::Options;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Error;
use crate::exec::checkpoint;
use crate::exec::suspend::{State, Suspended, WasmState};
use crate::exec::{Frame, Trap, TrapCode, PAGE_SIZE};
use crate::module::Module;
use crate::runtime::{
    ExnInst, Extern, FuncKind, Instance, InstanceAddr, Linker, Store, StoreInner,
};
use crate::translate::op::OpKind;
use crate::translate::{CompiledFunc, MAX_PARTS};
use crate::value::{FuncAddr, ValType, Value};

/// The format version of the serialized form (SPEC.md §Snapshot); a snapshot of
/// another version is refused.
pub const SNAPSHOT_VERSION: u32 = 2;

/// The 16 ASCII bytes every serialized snapshot starts with.
pub const SNAPSHOT_MAGIC: [u8; 16] = *b"detwasm/snapshot";

/// Bytes of the SHA-256 trailer.
const TRAILER: usize = 32;

/// The state of one instance of a store, taken by [`StoreInner::snapshot`] and put back
/// by [`Store::restore`] or [`Linker::restore`] (SPEC.md §Snapshot).
///
/// It holds the instance's memories, globals and tables (imported ones included, in
/// index order), which element and data segments are dropped, the exceptions the
/// store holds, the gas counter (limit and remaining, gas units), the checkpoint
/// counters, and, when a resumable call is suspended out of gas (SPEC.md §Gas,
/// resumption), its activations, value stack and position. It does not hold the host
/// state `T` of the store, the trace hook or the gas profile: an embedder saves its
/// host state itself.
#[derive(Clone, PartialEq, Eq)]
pub struct Snapshot {
    data: Data,
}

impl std::fmt::Debug for Snapshot {
    /// A summary: module hash, gas, sizes, whether a call is suspended (not the
    /// memories' bytes).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = &self.data;
        f.debug_struct("Snapshot")
            .field("version", &d.version)
            .field("module_sha256", &hex::encode(d.module_sha256))
            .field("gas_limit", &d.gas_limit)
            .field("gas_remaining", &d.gas_remaining)
            .field(
                "memory_bytes",
                &d.memories.iter().map(Vec::len).collect::<Vec<_>>(),
            )
            .field("globals", &d.globals.len())
            .field("tables", &d.tables.iter().map(Vec::len).collect::<Vec<_>>())
            .field("exceptions", &d.exceptions.len())
            .field("suspended", &d.suspended.is_some())
            .finish_non_exhaustive()
    }
}

/// Everything a snapshot holds, in serialization order (SPEC.md §Snapshot lists the
/// fields; do not reorder).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Data {
    magic: [u8; 16],
    version: u32,
    module_sha256: [u8; 32],
    gas_schedule_version: u32,
    gas_schedule_sha256: [u8; 32],
    host_schedule_version: u32,
    host_schedule_sha256: [u8; 32],
    /// `Config::limit_values()` (§Limits, §Stack, §Exceptions), 20 numbers.
    limits: Vec<u64>,
    gas_metering: bool,
    checkpoint_interval: u64,
    fusion: bool,
    layout: Layout,
    gas_limit: u64,
    gas_remaining: u64,
    checkpoint_next: u64,
    checkpoint_index: u64,
    #[serde(with = "bytes_list")]
    memories: Vec<Vec<u8>>,
    globals: Vec<u64>,
    tables: Vec<Vec<u64>>,
    elem_dropped: Vec<bool>,
    data_dropped: Vec<bool>,
    next_exn: u64,
    exceptions: Vec<Exn>,
    suspended: Option<Susp>,
}

/// How many of each kind of item the store held: a restore must rebuild exactly this
/// store, so that every store address in the state (function references above all)
/// means what it meant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Layout {
    instance: u32,
    funcs: u32,
    tables: u32,
    memories: u32,
    globals: u32,
    tags: u32,
    elems: u32,
    datas: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Exn {
    addr: u64,
    tag: u32,
    payload: Vec<u64>,
    pinned: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Susp {
    root: u32,
    trap_func: u32,
    trap_pos: u32,
    trap_part: u8,
    state: SuspState,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
enum SuspState {
    /// The invoked host function, called again with these argument slots.
    Host {
        args: Vec<u64>,
    },
    Wasm(WasmSusp),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct WasmSusp {
    /// Callers, oldest first: (function address, return position, frame pointer).
    frames: Vec<(u32, u32, u32)>,
    func: u32,
    pc: u32,
    fp: u32,
    sp: u32,
    height: u64,
    stack: Vec<u64>,
    paid: u64,
    owed_from: Option<u8>,
    /// How many slots of `stack` the state digest covers.
    digest_slots: u32,
    /// The slots among those whose value in the state digest is not `stack`'s:
    /// (slot, value), by increasing slot (with checkpoints on, where the stack
    /// machine's stack differs from the interpreter's inside a fused op).
    digest_patch: Vec<(u32, u64)>,
}

/// `Vec<u8>` as one serde byte string (a length and the bytes), not a sequence of `u8`.
mod bytes_list {
    use serde::de::{SeqAccess, Visitor};
    use serde::ser::SerializeSeq;
    use serde::{Deserializer, Serializer};

    struct Bytes<'a>(&'a [u8]);
    impl serde::Serialize for Bytes<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    struct ByteBuf(Vec<u8>);
    impl<'de> serde::Deserialize<'de> for ByteBuf {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = ByteBuf;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a byte string")
                }
                fn visit_bytes<E>(self, v: &[u8]) -> Result<ByteBuf, E> {
                    Ok(ByteBuf(v.to_vec()))
                }
                fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<ByteBuf, E> {
                    Ok(ByteBuf(v))
                }
            }
            d.deserialize_byte_buf(V)
        }
    }

    pub fn serialize<S: Serializer>(v: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(v.len()))?;
        for b in v {
            seq.serialize_element(&Bytes(b))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Vec<Vec<u8>>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of byte strings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // No preallocation from the untrusted length: each element is read
                // (and bounded by the input) before it is kept.
                let mut out = Vec::new();
                while let Some(ByteBuf(b)) = seq.next_element()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        d.deserialize_seq(V)
    }
}

/// The pinned bincode 1.3.3 configuration (SPEC.md §Snapshot): fixed-width integers,
/// little endian, lengths as u64, trailing bytes rejected, and reads limited to the
/// input's length, so no decoded length can allocate beyond the bytes given.
fn codec(limit: u64) -> impl Options {
    bincode::DefaultOptions::new()
        .with_fixint_encoding()
        .with_little_endian()
        .reject_trailing_bytes()
        .with_limit(limit)
}

fn err(msg: impl Into<String>) -> Error {
    Error::Snapshot(msg.into())
}

/// The framing of §Snapshot's files (snapshots and suspended WASI runs): the
/// bincode encoding of `data` (whose first fields are the 16-byte magic and the u32
/// format version), then the SHA-256 of those bytes.
pub(crate) fn encode_framed<T: Serialize>(data: &T) -> Result<Vec<u8>, Error> {
    let mut out = codec(u64::MAX)
        .serialize(data)
        .map_err(|e| err(format!("encoding failed: {e}")))?;
    let trailer: [u8; 32] = Sha256::digest(&out).into();
    out.extend_from_slice(&trailer);
    Ok(out)
}

/// Decodes `encode_framed`'s form of a `what` ("snapshot", "suspended run"): checks
/// the trailer, then the magic and version, then decodes exactly, reading at most
/// `bytes.len()` bytes (so no decoded length allocates beyond the input).
///
/// # Errors
/// `Error::Snapshot` naming `what` for bytes that are truncated, corrupted (the
/// trailer does not match), of another format (magic) or version, or that do not
/// decode exactly.
pub(crate) fn decode_framed<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    what: &str,
    magic: &[u8; 16],
    version: u32,
) -> Result<T, Error> {
    let Some(body_len) = bytes.len().checked_sub(TRAILER) else {
        return Err(err(format!("truncated {what}: shorter than the trailer")));
    };
    let (body, trailer) = bytes.split_at(body_len);
    let hash: [u8; 32] = Sha256::digest(body).into();
    if hash[..] != trailer[..] {
        return Err(err(format!(
            "corrupted {what}: the SHA-256 trailer does not match the contents (or truncated)"
        )));
    }
    if body.len() < 20 || body[..16] != magic[..] {
        return Err(err(format!("not a detwasm {what} (bad magic)")));
    }
    let found = u32::from_le_bytes([body[16], body[17], body[18], body[19]]);
    if found != version {
        return Err(err(format!(
            "{what} format version {found}, this build reads version {version}"
        )));
    }
    codec(body.len() as u64)
        .deserialize(body)
        .map_err(|e| err(format!("malformed {what}: {e}")))
}

impl Snapshot {
    /// The serialized form (SPEC.md §Snapshot): the bincode encoding of the fields,
    /// then the SHA-256 of those bytes. Deterministic: equal snapshots give equal
    /// bytes. Size: about the memories' bytes plus 8 bytes per global, table element
    /// and value-stack slot.
    ///
    /// # Errors
    /// `Error::Snapshot` if encoding fails (it does not for a snapshot this library
    /// made).
    pub fn to_bytes(&self) -> Result<Vec<u8>, Error> {
        encode_framed(&self.data)
    }

    /// Decodes [`Snapshot::to_bytes`]'s form. Never panics; allocates at most about
    /// the size of `bytes`. The state is checked against a module and a store only by
    /// a restore.
    ///
    /// # Errors
    /// `Error::Snapshot` for bytes that are truncated, corrupted (the SHA-256 trailer
    /// does not match), of another format (magic) or version, that do not decode
    /// exactly, or whose structure is inconsistent.
    pub fn from_bytes(bytes: &[u8]) -> Result<Snapshot, Error> {
        let data: Data = decode_framed(bytes, "snapshot", &SNAPSHOT_MAGIC, SNAPSHOT_VERSION)?;
        let snap = Snapshot { data };
        snap.check_structure()?;
        Ok(snap)
    }

    /// Checks what needs no module: lengths and references inside the snapshot.
    fn check_structure(&self) -> Result<(), Error> {
        let d = &self.data;
        if d.limits.len() != crate::config::LIMIT_COUNT {
            return Err(err("wrong number of limits"));
        }
        if d.gas_remaining > d.gas_limit {
            return Err(err("gas remaining above the gas limit"));
        }
        if let Some(s) = &d.suspended {
            if let SuspState::Wasm(w) = &s.state {
                if w.digest_slots as usize > w.stack.len() {
                    return Err(err("digest covers more slots than the stack holds"));
                }
                let ordered = w.digest_patch.windows(2).all(|p| p[0].0 < p[1].0);
                if !ordered || w.digest_patch.last().is_some_and(|p| p.0 >= w.digest_slots) {
                    return Err(err(
                        "digest patch not of increasing slots the digest covers",
                    ));
                }
                if d.checkpoint_interval == 0 && !w.digest_patch.is_empty() {
                    return Err(err("digest patch without checkpoints"));
                }
            }
        }
        Ok(())
    }

    /// The state digest of SPEC.md §Trace checkpoints over this state: the instance's
    /// memories, globals and tables, then the value stack of the suspended call (no
    /// slots without one). For a call suspended in a store with checkpoints on
    /// (`Config::checkpoint_interval > 0`) it equals the digest of the checkpoint a
    /// traced run takes at the instruction the call stopped at (the stack machine's
    /// value stack there); without checkpoints, the value stack is every slot the
    /// live activations hold (SPEC.md §Snapshot).
    pub fn state_digest(&self) -> [u8; 32] {
        let d = &self.data;
        let mems: Vec<[u8; 32]> = d
            .memories
            .iter()
            .map(|m| checkpoint::memory_digest(m))
            .collect();
        let tables: Vec<&[u64]> = d.tables.iter().map(|t| &t[..]).collect();
        let stack: Vec<u64> = match d.suspended.as_ref().map(|s| &s.state) {
            Some(SuspState::Wasm(w)) => w.digest_stack(),
            _ => Vec::new(),
        };
        checkpoint::digest_parts(&mems, &d.globals, &tables, &stack)
    }

    /// SHA-256 of the binary of the module the snapshot was taken from.
    pub fn module_sha256(&self) -> [u8; 32] {
        self.data.module_sha256
    }

    /// `Config::fusion` of the store the snapshot was taken from (its translated code
    /// positions are of that translation).
    pub fn fusion(&self) -> bool {
        self.data.fusion
    }

    /// Whether the snapshot holds a call suspended out of gas.
    pub fn is_suspended(&self) -> bool {
        self.data.suspended.is_some()
    }

    /// Gas used at the snapshot (limit minus remaining), in gas units.
    pub fn gas_used(&self) -> u64 {
        self.data.gas_limit - self.data.gas_remaining
    }

    /// The gas limit at the snapshot (the sum of the gas given so far), in gas units.
    pub fn gas_limit(&self) -> u64 {
        self.data.gas_limit
    }

    /// The instance's memories (index order, imports first), bytes.
    pub fn memories(&self) -> impl Iterator<Item = &[u8]> {
        self.data.memories.iter().map(|m| &m[..])
    }
}

/// A slot that may hold a value of type `ty` in `store` (SPEC.md §Values): 32-bit
/// values zero-extended, function references to functions of the store, exception
/// references to exceptions in `exns`.
fn slot_ok(ty: ValType, slot: u64, funcs: usize, exns: &BTreeMap<u64, ExnInst>) -> bool {
    match ty {
        ValType::I32 | ValType::F32 => slot >> 32 == 0,
        ValType::I64 | ValType::F64 | ValType::ExternRef => true,
        ValType::FuncRef => slot == 0 || slot - 1 < funcs as u64,
        ValType::ExnRef => slot == 0 || exns.contains_key(&(slot - 1)),
    }
}

fn wasm_code(store: &StoreInner, func: u32) -> Option<&CompiledFunc> {
    match &store.funcs.get(func as usize)?.kind {
        FuncKind::Wasm { instance: 0, code } => Some(code),
        _ => None,
    }
}

impl StoreInner {
    /// Takes a snapshot of `instance` (SPEC.md §Snapshot): its memories, globals,
    /// tables, dropped segments, the store's exceptions and gas counter, and the
    /// suspended call, if any. Costs a copy of the memories (bytes) and tables.
    ///
    /// # Errors
    /// `Error::Invoke` when `instance` is of another store. `Error::Snapshot` when
    /// `instance` is not the store's only instance (a restore rebuilds a store of one
    /// instance), or when the suspended call stopped inside a
    /// host call answered by a replaying trace hook (the recorded answer is not part of
    /// a snapshot).
    pub fn snapshot(&self, instance: Instance) -> Result<Snapshot, Error> {
        let instance = self.instance_addr(instance)?;
        if instance.0 != 0 || self.instances.len() != 1 {
            return Err(err(format!(
                "the instance must be the store's only one (instance {}, {} in the store)",
                instance.0,
                self.instances.len()
            )));
        }
        let inst = &self.instances[0];
        let config = self.engine.config();
        let count = |n: usize| u32::try_from(n).map_err(|_| err("store too large"));
        let layout = Layout {
            instance: 0,
            funcs: count(self.funcs.len())?,
            tables: count(self.tables.len())?,
            memories: count(self.memories.len())?,
            globals: count(self.globals.len())?,
            tags: count(self.tags.len())?,
            elems: count(self.elems.len())?,
            datas: count(self.datas.len())?,
        };
        let item = |what: &str| err(format!("the instance names a missing {what}"));
        let memories = inst
            .mems
            .iter()
            .map(|a| {
                Ok(self
                    .memories
                    .get(*a as usize)
                    .ok_or_else(|| item("memory"))?
                    .data
                    .clone())
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let globals = inst
            .globals
            .iter()
            .map(|a| {
                Ok(self
                    .globals
                    .get(*a as usize)
                    .ok_or_else(|| item("global"))?
                    .value)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let tables = inst
            .tables
            .iter()
            .map(|a| {
                Ok(self
                    .tables
                    .get(*a as usize)
                    .ok_or_else(|| item("table"))?
                    .elems
                    .clone())
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let elem_dropped = inst
            .elems
            .iter()
            .map(|a| {
                Ok(self
                    .elems
                    .get(*a as usize)
                    .ok_or_else(|| item("element segment"))?
                    .items
                    .is_empty())
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let data_dropped = inst
            .datas
            .iter()
            .map(|a| {
                Ok(self
                    .datas
                    .get(*a as usize)
                    .ok_or_else(|| item("data segment"))?
                    .dropped)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let exceptions = self
            .exns
            .iter()
            .map(|(addr, e)| Exn {
                addr: *addr,
                tag: e.tag,
                payload: e.payload.to_vec(),
                pinned: e.pinned,
            })
            .collect();
        let suspended = match self.suspended.as_deref() {
            None => None,
            Some(s) => Some(self.suspended_data(s)?),
        };
        Ok(Snapshot {
            data: Data {
                magic: SNAPSHOT_MAGIC,
                version: SNAPSHOT_VERSION,
                module_sha256: inst.module.sha256(),
                gas_schedule_version: crate::gas::SCHEDULE_VERSION,
                gas_schedule_sha256: crate::trace::gas_schedule_sha256(),
                host_schedule_version: crate::wasi::gas::HOST_SCHEDULE_VERSION,
                host_schedule_sha256: crate::trace::host_schedule_sha256(),
                limits: config.limit_values().to_vec(),
                gas_metering: config.gas_metering,
                checkpoint_interval: config.checkpoint_interval,
                fusion: config.fusion,
                layout,
                gas_limit: self.gas_limit,
                gas_remaining: self.gas_remaining,
                checkpoint_next: self.checkpoint_next,
                checkpoint_index: self.checkpoint_index,
                memories,
                globals,
                tables,
                elem_dropped,
                data_dropped,
                next_exn: self.next_exn,
                exceptions,
                suspended,
            },
        })
    }

    fn suspended_data(&self, s: &Suspended) -> Result<Susp, Error> {
        let replayed =
            || err("the call is suspended in a host call answered by a replaying trace hook");
        let state = match &s.state {
            State::Host {
                replay: Some(_), ..
            } => return Err(replayed()),
            State::Wasm(w) if w.replay.is_some() => return Err(replayed()),
            State::Host { args, .. } => SuspState::Host {
                args: args.iter().map(Value::to_slot).collect(),
            },
            State::Wasm(w) => {
                let code = wasm_code(self, w.func)
                    .ok_or_else(|| err("the suspended function is not of the instance"))?;
                // The slots the digest covers and where its values differ.
                let (digest_slots, digest_patch) = match &w.digest_stack {
                    Some(d) if d.len() <= w.stack.len() => {
                        let patch = (d.iter().zip(&w.stack).enumerate())
                            .filter(|(_, (a, b))| a != b)
                            .map(|(i, (a, _))| (i as u32, *a))
                            .collect();
                        (d.len(), patch)
                    }
                    Some(_) => return Err(Error::Internal("digest stack above the stack")),
                    None if code.checkpoint_map.is_some() => {
                        return Err(Error::Internal("no digest stack with checkpoints on"))
                    }
                    None => (w.stack.len(), Vec::new()),
                };
                SuspState::Wasm(WasmSusp {
                    frames: w.frames.iter().map(|f| (f.func, f.ret_pc, f.fp)).collect(),
                    func: w.func,
                    pc: w.pc,
                    fp: w.fp,
                    sp: w.sp,
                    height: w.height,
                    stack: w.stack.clone(),
                    paid: w.paid,
                    owed_from: w.owed_from,
                    digest_slots: u32::try_from(digest_slots)
                        .map_err(|_| err("value stack too large"))?,
                    digest_patch,
                })
            }
        };
        Ok(Susp {
            root: s.root.0,
            trap_func: s.trap.func().map_or(u32::MAX, |f| f.0),
            trap_pos: s.trap.pos(),
            trap_part: s.trap.part(),
            state,
        })
    }
}

impl WasmSusp {
    /// The value stack the state digest covers: the first `digest_slots` slots with
    /// `digest_patch` applied.
    fn digest_stack(&self) -> Vec<u64> {
        let mut stack = self
            .stack
            .get(..self.digest_slots as usize)
            .unwrap_or(&[])
            .to_vec();
        for (slot, v) in &self.digest_patch {
            if let Some(s) = stack.get_mut(*slot as usize) {
                *s = *v;
            }
        }
        stack
    }
}

/// The slots of a suspended value stack the state digest covers, for a stop at wasm
/// instruction `part` of op `at` of the activation of `code` at frame pointer `fp`:
/// with checkpoints on (a checkpoint map kept), the stack machine's stack there, as
/// a checkpoint there takes it; otherwise every slot kept. `None` when the map does
/// not describe that instruction.
fn digest_slots(code: &CompiledFunc, fp: u32, at: usize, part: u8, kept: usize) -> Option<usize> {
    let Some(map) = code.checkpoint_map.as_deref() else {
        return Some(kept);
    };
    let h = map.instr(code.offset(at, usize::from(part))?)?.height;
    Some(fp as usize + code.num_locals as usize + h as usize)
}

impl<T: 'static> Store<T> {
    /// Restores `snapshot` into this store, which must hold no instance yet (host
    /// functions, memories, globals and tables allocated as when the snapshot was
    /// taken): instantiates `module` with `imports` (in the module's import order)
    /// without running its start function, then overwrites the instance's state and
    /// the gas counter with the snapshot's, and puts back its suspended call, which
    /// [`StoreInner::suspended_call`] then hands out to be resumed (SPEC.md §Snapshot).
    /// The host state `T` is the embedder's to restore.
    ///
    /// # Errors
    /// `Error::Snapshot` when the snapshot is of another module (SHA-256 of the
    /// binary), gas or host schedule, configuration (limits, `gas_metering`,
    /// `checkpoint_interval`, `fusion`), store layout, or when its state is inconsistent with
    /// the module (sizes beyond §Limits or the declared maximum, values not of their
    /// types, a suspended call at a position the interpreter cannot resume at);
    /// otherwise as [`Store::instantiate`]. After an error the store may hold the new
    /// instance in its initial state: drop it.
    pub fn restore(
        &mut self,
        module: &Module,
        imports: &[Extern],
        snapshot: &Snapshot,
    ) -> Result<Instance, Error> {
        check_compatible(self, module, snapshot)?;
        let inst = self.instantiate_without_start(module, imports)?;
        apply(self, inst.addr(), snapshot)?;
        Ok(inst)
    }
}

impl<T: 'static> Linker<T> {
    /// [`Store::restore`] with the imports resolved by name, as
    /// [`Linker::instantiate`] does (the linker's host functions are allocated first,
    /// in name order, so a store built by the same linker has the same layout).
    ///
    /// # Errors
    /// As [`Linker::instantiate`] and [`Store::restore`].
    pub fn restore(
        &self,
        store: &mut Store<T>,
        module: &Module,
        snapshot: &Snapshot,
    ) -> Result<Instance, Error> {
        check_compatible(store, module, snapshot)?;
        let imports = self.resolve(store, module)?;
        let inst = store.instantiate_without_start(module, &imports)?;
        apply(store, inst.addr(), snapshot)?;
        Ok(inst)
    }
}

/// What can be checked before anything is allocated.
fn check_compatible(store: &StoreInner, module: &Module, snap: &Snapshot) -> Result<(), Error> {
    let d = &snap.data;
    if !store.instances.is_empty() || store.suspended.is_some() {
        return Err(err("a snapshot is restored into a store without instances"));
    }
    if d.module_sha256 != module.sha256() {
        return Err(err(format!(
            "snapshot of module {}, restored with module {}",
            hex::encode(d.module_sha256),
            hex::encode(module.sha256())
        )));
    }
    if d.gas_schedule_version != crate::gas::SCHEDULE_VERSION
        || d.gas_schedule_sha256 != crate::trace::gas_schedule_sha256()
    {
        return Err(err(format!(
            "taken under gas schedule version {}, this build has version {} (or another listing)",
            d.gas_schedule_version,
            crate::gas::SCHEDULE_VERSION
        )));
    }
    if d.host_schedule_version != crate::wasi::gas::HOST_SCHEDULE_VERSION
        || d.host_schedule_sha256 != crate::trace::host_schedule_sha256()
    {
        return Err(err(format!(
            "taken under host schedule version {}, this build has version {} (or another listing)",
            d.host_schedule_version,
            crate::wasi::gas::HOST_SCHEDULE_VERSION
        )));
    }
    let config = store.engine.config();
    if d.limits[..] != config.limit_values()[..] {
        let name = d
            .limits
            .iter()
            .zip(config.limit_values())
            .position(|(a, b)| *a != b)
            .and_then(|i| crate::config::LIMIT_NAMES.get(i))
            .copied()
            .unwrap_or("limits");
        return Err(err(format!("the store's configuration differs in {name}")));
    }
    if d.gas_metering != config.gas_metering {
        return Err(err("the store's configuration differs in gas_metering"));
    }
    if d.checkpoint_interval != config.checkpoint_interval {
        return Err(err(
            "the store's configuration differs in checkpoint_interval",
        ));
    }
    if d.fusion != config.fusion {
        return Err(err("the store's configuration differs in fusion"));
    }
    Ok(())
}

/// Checks the snapshot against the freshly instantiated store, then writes it.
fn apply<T: 'static>(
    store: &mut Store<T>,
    inst: InstanceAddr,
    snap: &Snapshot,
) -> Result<(), Error> {
    let d = &snap.data;
    let s: &mut StoreInner = store;
    let layout = Layout {
        instance: inst.0,
        funcs: s.funcs.len() as u32,
        tables: s.tables.len() as u32,
        memories: s.memories.len() as u32,
        globals: s.globals.len() as u32,
        tags: s.tags.len() as u32,
        elems: s.elems.len() as u32,
        datas: s.datas.len() as u32,
    };
    if layout != d.layout {
        return Err(err(format!(
            "the store's layout differs from the snapshot's ({:?} here, {:?} in the snapshot): \
             build the store with the same host functions, imports and module",
            layout, d.layout
        )));
    }
    let limits = s.engine.config().limits.clone();
    let config = s.engine.config().clone();
    let i = s
        .instances
        .get(inst.0 as usize)
        .ok_or(Error::Internal("restored instance"))?;
    let (mems, globals, tables) = (i.mems.clone(), i.globals.clone(), i.tables.clone());
    let (elems, datas) = (i.elems.clone(), i.datas.clone());
    if d.memories.len() != mems.len()
        || d.globals.len() != globals.len()
        || d.tables.len() != tables.len()
        || d.elem_dropped.len() != elems.len()
        || d.data_dropped.len() != datas.len()
    {
        return Err(err("the snapshot's item counts differ from the module's"));
    }

    // Exceptions first: references are checked against them.
    let max_exns = 2 * u64::from(config.max_live_exceptions) + 1;
    if d.exceptions.len() as u64 > max_exns {
        return Err(err("more exceptions than max_live_exceptions allows"));
    }
    let mut exns: BTreeMap<u64, ExnInst> = BTreeMap::new();
    for e in &d.exceptions {
        let tag = s
            .tags
            .get(e.tag as usize)
            .ok_or_else(|| err("exception of a tag the store does not hold"))?;
        let params = s
            .types
            .get(tag.ty as usize)
            .ok_or(Error::Internal("tag type"))?
            .params();
        if e.addr >= d.next_exn || exns.contains_key(&e.addr) || params.len() != e.payload.len() {
            return Err(err("inconsistent exception"));
        }
        exns.insert(
            e.addr,
            ExnInst {
                tag: e.tag,
                payload: e.payload.clone().into_boxed_slice(),
                pinned: e.pinned,
            },
        );
    }
    let funcs = s.funcs.len();
    for e in &d.exceptions {
        let tag = &s.tags[e.tag as usize];
        let params = s.types[tag.ty as usize].params();
        if !params
            .iter()
            .zip(&e.payload)
            .all(|(t, v)| slot_ok(*t, *v, funcs, &exns))
        {
            return Err(err("exception payload value not of its type"));
        }
    }

    // Memories: whole pages, never smaller than now, within the maximum and §Limits.
    for (a, bytes) in mems.iter().zip(&d.memories) {
        let m = &s.memories[*a as usize];
        let max =
            m.ty.limits
                .max
                .unwrap_or(65536)
                .min(limits.max_memory_pages) as usize;
        if bytes.len() % PAGE_SIZE != 0
            || bytes.len() < m.data.len()
            || bytes.len() / PAGE_SIZE > max
        {
            return Err(err(
                "memory size not allowed by its type and max_memory_pages",
            ));
        }
    }
    for (a, slot) in globals.iter().zip(&d.globals) {
        let g = &s.globals[*a as usize];
        if !slot_ok(g.ty.content, *slot, funcs, &exns) {
            return Err(err("global value not of its type"));
        }
        if !g.ty.mutable && g.value != *slot {
            return Err(err("an immutable global differs"));
        }
    }
    for (a, elems) in tables.iter().zip(&d.tables) {
        let t = &s.tables[*a as usize];
        let max = u64::from(t.ty.limits.max.unwrap_or(u32::MAX))
            .min(u64::from(limits.max_table_elements));
        if (elems.len() as u64) < t.elems.len() as u64 || elems.len() as u64 > max {
            return Err(err(
                "table size not allowed by its type and max_table_elements",
            ));
        }
        if !elems.iter().all(|e| slot_ok(t.ty.elem, *e, funcs, &exns)) {
            return Err(err("table element not of the table's type"));
        }
    }
    for (a, dropped) in elems.iter().zip(&d.elem_dropped) {
        if s.elems[*a as usize].items.is_empty() && !dropped {
            return Err(err(
                "an element segment dropped at instantiation is not dropped",
            ));
        }
    }
    for (a, dropped) in datas.iter().zip(&d.data_dropped) {
        if s.datas[*a as usize].dropped && !dropped {
            return Err(err(
                "a data segment dropped at instantiation is not dropped",
            ));
        }
    }
    let suspended = match &d.suspended {
        None => None,
        Some(susp) => Some(check_suspended(s, &config, susp, &exns)?),
    };

    // Everything checked: write.
    for (a, bytes) in mems.iter().zip(&d.memories) {
        s.memories[*a as usize].data.clone_from(bytes);
    }
    for (a, slot) in globals.iter().zip(&d.globals) {
        s.globals[*a as usize].value = *slot;
    }
    for (a, elems) in tables.iter().zip(&d.tables) {
        s.tables[*a as usize].elems.clone_from(elems);
    }
    for (a, dropped) in elems.iter().zip(&d.elem_dropped) {
        if *dropped {
            s.elems[*a as usize].items = Vec::new();
        }
    }
    for (a, dropped) in datas.iter().zip(&d.data_dropped) {
        if *dropped {
            s.datas[*a as usize].dropped = true;
        }
    }
    s.exns = exns;
    s.next_exn = d.next_exn;
    s.gas_limit = d.gas_limit;
    s.gas_remaining = d.gas_remaining;
    s.checkpoint_next = d.checkpoint_next;
    s.checkpoint_index = d.checkpoint_index;
    s.page_cache.clear();
    if let Some(state) = suspended {
        s.suspend_seq = s.suspend_seq.wrapping_add(1);
        s.suspended = Some(Box::new(Suspended {
            seq: s.suspend_seq,
            root: FuncAddr(state.0),
            trap: state.1,
            state: state.2,
        }));
    }
    Ok(())
}

/// Checks a suspended call against the store and returns it as the interpreter keeps
/// it: every activation a wasm function of the instance, every position inside its
/// code at a place a suspension or a call return leaves it, frame pointers chained as
/// calls chain them, the height and depth those of §Stack, the value stack no longer
/// than the live activations' slots, parameters of their types.
fn check_suspended(
    s: &StoreInner,
    config: &crate::config::Config,
    susp: &Susp,
    exns: &BTreeMap<u64, ExnInst>,
) -> Result<(u32, Trap, State), Error> {
    let funcs = s.funcs.len();
    let root = s
        .funcs
        .get(susp.root as usize)
        .ok_or_else(|| err("suspended root function out of range"))?;
    let root_ty = s
        .types
        .get(root.ty as usize)
        .ok_or(Error::Internal("type"))?;
    match &susp.state {
        SuspState::Host { args } => {
            if !matches!(root.kind, FuncKind::Host(_)) {
                return Err(err("a suspended host call of a wasm function"));
            }
            if args.len() != root_ty.params().len()
                || !root_ty
                    .params()
                    .iter()
                    .zip(args)
                    .all(|(t, v)| slot_ok(*t, *v, funcs, exns))
            {
                return Err(err(
                    "suspended host call arguments not of its parameter types",
                ));
            }
            let args = root_ty
                .params()
                .iter()
                .zip(args)
                .map(|(t, v)| Value::from_slot(*t, *v, s.id))
                .collect();
            if susp.trap_func != u32::MAX || susp.trap_pos != 0 || susp.trap_part != 0 {
                return Err(err("inconsistent trap of a suspended host call"));
            }
            Ok((
                susp.root,
                Trap::new(TrapCode::OutOfGas),
                State::Host { args, replay: None },
            ))
        }
        SuspState::Wasm(w) => {
            let bad = |why: &str| err(format!("suspended call: {why}"));
            if wasm_code(s, susp.root).is_none() {
                return Err(bad("the root is not a wasm function of the instance"));
            }
            let depth = w.frames.len() as u64 + 1;
            if depth > u64::from(config.max_call_depth) {
                return Err(bad("more activations than max_call_depth"));
            }
            // Activations oldest first: (function, frame pointer, code).
            let mut acts: Vec<(u32, u32, &CompiledFunc)> = Vec::with_capacity(w.frames.len() + 1);
            for &(f, _, fp) in w
                .frames
                .iter()
                .chain(std::iter::once(&(w.func, w.pc, w.fp)))
            {
                let code = wasm_code(s, f)
                    .ok_or_else(|| bad("a function that is not wasm of the instance"))?;
                acts.push((f, fp, code));
            }
            // The bottom activation is the invocation's, at slot 0, and returns what
            // the root returns.
            let (bf, bfp, _) = acts[0];
            let bty = s
                .types
                .get(s.funcs[bf as usize].ty as usize)
                .ok_or(Error::Internal("type"))?;
            if bfp != 0 || bty.results() != root_ty.results() {
                return Err(bad("the bottom activation is not the invocation's"));
            }
            // Each caller returns to just after a call whose arguments start at the
            // callee's frame pointer.
            for (k, &(_, ret_pc, _)) in w.frames.iter().enumerate() {
                let (_, cfp, ccode) = acts[k];
                let (_, nfp, _) = acts[k + 1];
                let ret = ret_pc as usize;
                if ret == 0 || ret >= ccode.code.len() {
                    return Err(bad("a return position outside its function"));
                }
                let frame_top = u64::from(cfp) + u64::from(ccode.num_locals);
                let ok = match ccode.code[ret - 1] {
                    crate::translate::op::Op::Call { base, .. }
                    | crate::translate::op::Op::CallInternal { base, .. } => {
                        u64::from(nfp) == u64::from(cfp) + u64::from(base)
                            && u64::from(nfp) >= frame_top
                    }
                    crate::translate::op::Op::CallIndirect { index, .. } => {
                        u64::from(nfp) >= frame_top
                            && u64::from(nfp) <= u64::from(cfp) + u64::from(index)
                    }
                    _ => false,
                };
                if !ok {
                    return Err(bad("a caller's frame does not match its call"));
                }
            }
            let height: u64 = acts.iter().map(|a| a.2.stack_units).sum();
            if height != w.height || height > config.max_stack_height {
                return Err(bad(
                    "stack height inconsistent with the activations or above max_stack_height",
                ));
            }
            let need = acts
                .iter()
                .map(|(_, fp, c)| *fp as usize + c.num_locals as usize + c.max_operands as usize)
                .max()
                .unwrap_or(0);
            if w.stack.len() > need || w.sp as usize > need {
                return Err(bad("value stack longer than the live activations"));
            }
            for (f, fp, c) in &acts {
                let ty = s
                    .types
                    .get(s.funcs[*f as usize].ty as usize)
                    .ok_or(Error::Internal("type"))?;
                for (i, t) in ty.params().iter().enumerate() {
                    let slot = w.stack.get(*fp as usize + i).copied().unwrap_or(0);
                    if !slot_ok(*t, slot, funcs, exns) {
                        return Err(bad("a parameter not of its type"));
                    }
                }
                debug_assert!(c.num_params as usize == ty.params().len());
            }
            // The position: an op that charges gas (or a call or dynamic cost) for a
            // stop before it, or just after a fused op whose `local.set` is unpaid.
            let code = acts[acts.len() - 1].2;
            let pc = w.pc as usize;
            if pc >= code.code.len() {
                return Err(bad("position outside the function"));
            }
            let at = match w.owed_from {
                None => {
                    let op = &code.code[pc];
                    let cost = u64::from(code.cost(pc).unwrap_or(0));
                    let resumable_op = !matches!(op.kind(), OpKind::Data | OpKind::Gas)
                        && (cost > 0 || matches!(op.kind(), OpKind::Call | OpKind::Dynamic));
                    if !resumable_op || w.paid > cost {
                        return Err(bad("not a position a suspension leaves"));
                    }
                    pc
                }
                Some(k) => {
                    let at = pc
                        .checked_sub(1)
                        .ok_or_else(|| bad("owed part before the code"))?;
                    let parts = code.parts(at).ok_or_else(|| bad("owed part of no op"))?;
                    if usize::from(k) >= parts.len()
                        || usize::from(k) <= code.main_part(at)
                        || parts[usize::from(k)] == 0
                        || w.paid != 0
                        || matches!(code.code[pc].kind(), OpKind::Data)
                    {
                        return Err(bad("not a position a suspension leaves"));
                    }
                    at
                }
            };
            if susp.trap_func != w.func
                || susp.trap_pos as usize != at
                || usize::from(susp.trap_part) >= MAX_PARTS
            {
                return Err(bad("its trap is not at its position"));
            }
            let digest = digest_slots(code, w.fp, at, susp.trap_part, w.stack.len());
            if digest != Some(w.digest_slots as usize) {
                return Err(bad("the state digest's slot count is not the stack's"));
            }
            let frames = w
                .frames
                .iter()
                .map(|&(func, ret_pc, fp)| Frame::unresolved(func, ret_pc, fp))
                .collect();
            let trap = Trap::at(TrapCode::OutOfGas, FuncAddr(w.func), at).with_part(susp.trap_part);
            Ok((
                susp.root,
                trap,
                State::Wasm(WasmState {
                    frames,
                    func: w.func,
                    pc: w.pc,
                    fp: w.fp,
                    sp: w.sp,
                    height: w.height,
                    stack: w.stack.clone(),
                    paid: w.paid,
                    owed_from: w.owed_from,
                    replay: None,
                    digest_stack: code.checkpoint_map.is_some().then(|| w.digest_stack()),
                }),
            ))
        }
    }
}
