//! What a checkpoint (SPEC.md §Trace checkpoints) needs to name the stack machine's
//! value stack at any wasm instruction of a body translated with fusion.
//!
//! Fused code keeps the stack machine's operand stack in the operand slots (the
//! operand at height h in slot `num_locals + h`) at every op boundary, with two
//! exceptions that this map records:
//!
//! - inside a fused op, the instructions before the one about to execute have not
//!   run: the op runs whole. Their effect is rebuilt by running, on a copy of the
//!   frame, the op that the translation without fusion lowers each of them to (kept
//!   here by byte offset, with the operand height before it);
//! - a `local.get x` or a `local.tee x`'s copy back that the op popping the operand
//!   reads from `x` directly (`Translator::fold_back`, `emit_folding`) leaves the
//!   operand's slot unwritten: an [`Alias`] says that from just after the
//!   `local.get` or `local.tee` up to that op, the operand is local `x` (which no op
//!   in between writes).
//!
//! Built only with checkpoints on (`Config::checkpoint_interval > 0`), from a second
//! translation of the body without fusion. Used by exec's checkpoints and by
//! snapshots' state digests; depends on the op table only.

use super::op::Op;
use super::CompiledFunc;
use crate::error::Error;

/// An operand slot that holds a stale value while the stack machine holds a local's
/// value there: for a checkpoint at an instruction with byte offset `o`,
/// `from < o <= to`, operand slot `slot` is local `local`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) struct Alias {
    /// The operand slot (frame-relative).
    pub slot: u32,
    /// The local slot (frame-relative) whose value the operand is.
    pub local: u32,
    /// Byte offset of the `local.get` or `local.tee` that pushed the operand.
    pub from: u32,
    /// Byte offset of the instruction that pops it.
    pub to: u32,
}

/// One wasm instruction with a nonzero base cost, as the translation without fusion
/// lowers it.
#[derive(Copy, Clone, Debug)]
pub(crate) struct Instr {
    /// Byte offset in the module.
    pub offset: u32,
    /// Operand height before it, in slots.
    pub height: u32,
    /// The op standing for it alone, writing its result where the stack machine
    /// pushes it.
    pub op: Op,
}

/// The checkpoint map of one body (see the module docs): 24 bytes per wasm
/// instruction of nonzero cost, 16 per alias.
#[derive(Clone, Debug)]
pub(crate) struct CheckpointMap {
    /// By increasing offset.
    instrs: Box<[Instr]>,
    /// By increasing `to`.
    aliases: Box<[Alias]>,
    /// The largest `to - from` of the aliases.
    max_span: u32,
}

impl CheckpointMap {
    /// The map of a body from its translation without fusion (`plain`, whose ops each
    /// stand for one instruction and whose `heights` are kept) and the aliases the
    /// fused translation recorded. `Error::Internal` when `plain` is not such a
    /// translation (two ops of nonzero cost at one offset, or out of order).
    pub(crate) fn new(
        plain: &CompiledFunc,
        heights: &[u32],
        mut aliases: Vec<Alias>,
    ) -> Result<CheckpointMap, Error> {
        let bad = || Error::Internal("checkpoint map of a fused translation");
        if heights.len() != plain.code.len() {
            return Err(bad());
        }
        let mut instrs: Vec<Instr> = Vec::new();
        for ((op, side), height) in plain.code.iter().zip(plain.side.iter()).zip(heights) {
            if side.parts[0] == 0 {
                continue;
            }
            if side.parts[1] != 0 || instrs.last().is_some_and(|i| i.offset >= side.offset) {
                return Err(bad());
            }
            instrs.push(Instr {
                offset: side.offset,
                height: *height,
                op: *op,
            });
        }
        aliases.sort_by_key(|a| a.to);
        let max_span = aliases
            .iter()
            .map(|a| a.to.saturating_sub(a.from))
            .max()
            .unwrap_or(0);
        Ok(CheckpointMap {
            instrs: instrs.into(),
            aliases: aliases.into(),
            max_span,
        })
    }

    /// The instruction at byte offset `offset`, if it has a nonzero cost. O(log n).
    pub(crate) fn instr(&self, offset: u32) -> Option<&Instr> {
        let i = self
            .instrs
            .binary_search_by_key(&offset, |i| i.offset)
            .ok()?;
        self.instrs.get(i)
    }

    /// The aliases in force just before the instruction at byte offset `offset`
    /// (`from < offset <= to`). O(log n + aliases ending within `max_span` after).
    pub(crate) fn aliases_at(&self, offset: u32) -> impl Iterator<Item = &Alias> + '_ {
        let first = self.aliases.partition_point(|a| a.to < offset);
        let end = offset.saturating_add(self.max_span);
        self.aliases[first..]
            .iter()
            .take_while(move |a| a.to <= end)
            .filter(move |a| a.from < offset)
    }
}
