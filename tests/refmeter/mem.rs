//! Memory, table and segment instructions of the reference meter (core §4.4.6,
//! §4.4.7): loads and stores with the effective address computed in `u64`, and the bulk
//! instructions with SPEC.md §Gas dynamic costs charged after the base cost, all or
//! nothing, and before the bounds check (rule 2); bulk instructions check bounds before
//! writing anything (SPEC.md §Traps). Depends on the sibling modules and wasmparser.

use wasmparser::{MemArg, Operator as O};

use super::gas::{bytes_cost, PER_PAGE};
use super::store::{Store, PAGE};
use super::Trap;

/// Whether `op` is executed by [`exec_memory`].
pub fn is_memory_op(op: &O<'_>) -> bool {
    matches!(
        op,
        O::I32Load { .. }
            | O::I64Load { .. }
            | O::F32Load { .. }
            | O::F64Load { .. }
            | O::I32Load8S { .. }
            | O::I32Load8U { .. }
            | O::I32Load16S { .. }
            | O::I32Load16U { .. }
            | O::I64Load8S { .. }
            | O::I64Load8U { .. }
            | O::I64Load16S { .. }
            | O::I64Load16U { .. }
            | O::I64Load32S { .. }
            | O::I64Load32U { .. }
            | O::I32Store { .. }
            | O::I64Store { .. }
            | O::F32Store { .. }
            | O::F64Store { .. }
            | O::I32Store8 { .. }
            | O::I32Store16 { .. }
            | O::I64Store8 { .. }
            | O::I64Store16 { .. }
            | O::I64Store32 { .. }
            | O::MemorySize { .. }
            | O::MemoryGrow { .. }
            | O::MemoryFill { .. }
            | O::MemoryCopy { .. }
            | O::MemoryInit { .. }
            | O::DataDrop { .. }
            | O::TableGet { .. }
            | O::TableSet { .. }
            | O::TableSize { .. }
            | O::TableGrow { .. }
            | O::TableFill { .. }
            | O::TableCopy { .. }
            | O::TableInit { .. }
            | O::ElemDrop { .. }
    )
}

fn pop(stack: &mut Vec<u64>) -> u64 {
    stack.pop().expect("operand")
}

fn pop32(stack: &mut Vec<u64>) -> u64 {
    u64::from(stack.pop().expect("operand") as u32)
}

/// The byte range `[addr + offset, +size)` of memory `mem`, or a trap.
fn range(s: &Store, mem: usize, addr: u64, m: &MemArg, size: u64) -> Result<usize, Trap> {
    let ea = addr + m.offset;
    if ea + size > s.mems[mem].data.len() as u64 {
        return Err(Trap::MEMORY_OOB);
    }
    Ok(ea as usize)
}

fn load(s: &Store, stack: &mut Vec<u64>, mem: usize, m: &MemArg, size: usize) -> Result<u64, Trap> {
    let addr = pop32(stack);
    let at = range(s, mem, addr, m, size as u64)?;
    let mut buf = [0u8; 8];
    buf[..size].copy_from_slice(&s.mems[mem].data[at..at + size]);
    Ok(u64::from_le_bytes(buf))
}

fn store(
    s: &mut Store,
    stack: &mut Vec<u64>,
    mem: usize,
    m: &MemArg,
    size: usize,
) -> Result<(), Trap> {
    let v = pop(stack);
    let addr = pop32(stack);
    let at = range(s, mem, addr, m, size as u64)?;
    s.mem_write(mem, at, &v.to_le_bytes()[..size]);
    Ok(())
}

fn sext(v: u64, bits: u32) -> u64 {
    (((v << (64 - bits)) as i64) >> (64 - bits)) as u64
}

/// Executes a memory, table or segment instruction of instance `inst`. Its base cost
/// is already charged.
pub fn exec_memory(
    op: &O<'_>,
    s: &mut Store,
    stack: &mut Vec<u64>,
    inst: usize,
) -> Result<(), Trap> {
    let mem = s.instances[inst]
        .mems
        .first()
        .copied()
        .unwrap_or(usize::MAX);
    let table_addr = |s: &Store, t: u32| s.instances[inst].tables[t as usize];
    let v = match *op {
        O::I32Load { ref memarg } | O::F32Load { ref memarg } => load(s, stack, mem, memarg, 4)?,
        O::I64Load { ref memarg } | O::F64Load { ref memarg } => load(s, stack, mem, memarg, 8)?,
        O::I32Load8S { ref memarg } => sext(load(s, stack, mem, memarg, 1)?, 8) & 0xffff_ffff,
        O::I32Load8U { ref memarg } | O::I64Load8U { ref memarg } => {
            load(s, stack, mem, memarg, 1)?
        }
        O::I32Load16S { ref memarg } => sext(load(s, stack, mem, memarg, 2)?, 16) & 0xffff_ffff,
        O::I32Load16U { ref memarg } | O::I64Load16U { ref memarg } => {
            load(s, stack, mem, memarg, 2)?
        }
        O::I64Load8S { ref memarg } => sext(load(s, stack, mem, memarg, 1)?, 8),
        O::I64Load16S { ref memarg } => sext(load(s, stack, mem, memarg, 2)?, 16),
        O::I64Load32S { ref memarg } => sext(load(s, stack, mem, memarg, 4)?, 32),
        O::I64Load32U { ref memarg } => load(s, stack, mem, memarg, 4)?,
        O::I32Store { ref memarg } | O::F32Store { ref memarg } | O::I64Store32 { ref memarg } => {
            return store(s, stack, mem, memarg, 4)
        }
        O::I64Store { ref memarg } | O::F64Store { ref memarg } => {
            return store(s, stack, mem, memarg, 8)
        }
        O::I32Store8 { ref memarg } | O::I64Store8 { ref memarg } => {
            return store(s, stack, mem, memarg, 1)
        }
        O::I32Store16 { ref memarg } | O::I64Store16 { ref memarg } => {
            return store(s, stack, mem, memarg, 2)
        }
        O::MemorySize { .. } => s.mems[mem].data.len() as u64 / PAGE,
        O::MemoryGrow { .. } => {
            let delta = pop32(stack);
            let cur = s.mems[mem].data.len() as u64 / PAGE;
            if cur + delta > s.mems[mem].max_pages {
                u64::from(u32::MAX)
            } else {
                s.charge(delta * PER_PAGE)?;
                s.mem_resize(mem, ((cur + delta) * PAGE) as usize);
                cur
            }
        }
        O::MemoryFill { .. } => {
            let n = pop32(stack);
            let val = pop32(stack) as u8;
            let d = pop32(stack);
            s.charge(bytes_cost(n))?;
            if d + n > s.mems[mem].data.len() as u64 {
                return Err(Trap::MEMORY_OOB);
            }
            s.mem_write(mem, d as usize, &vec![val; n as usize]);
            return Ok(());
        }
        O::MemoryCopy { .. } => {
            let n = pop32(stack);
            let src = pop32(stack);
            let d = pop32(stack);
            s.charge(bytes_cost(n))?;
            let len = s.mems[mem].data.len() as u64;
            if src + n > len || d + n > len {
                return Err(Trap::MEMORY_OOB);
            }
            let bytes = s.mems[mem].data[src as usize..(src + n) as usize].to_vec();
            s.mem_write(mem, d as usize, &bytes);
            return Ok(());
        }
        O::MemoryInit { data_index, .. } => {
            let n = pop32(stack);
            let src = pop32(stack);
            let d = pop32(stack);
            s.charge(bytes_cost(n))?;
            let data = s.instances[inst].datas[data_index as usize];
            if src + n > s.datas[data].len() as u64 || d + n > s.mems[mem].data.len() as u64 {
                return Err(Trap::MEMORY_OOB);
            }
            let bytes = s.datas[data][src as usize..(src + n) as usize].to_vec();
            s.mem_write(mem, d as usize, &bytes);
            return Ok(());
        }
        O::DataDrop { data_index } => {
            let data = s.instances[inst].datas[data_index as usize];
            s.data_drop(data);
            return Ok(());
        }
        O::TableGet { table } => {
            let t = table_addr(s, table);
            let i = pop32(stack) as usize;
            *s.tables[t].elems.get(i).ok_or(Trap::TABLE_OOB)?
        }
        O::TableSet { table } => {
            let t = table_addr(s, table);
            let r = pop(stack);
            let i = pop32(stack) as usize;
            if i >= s.tables[t].elems.len() {
                return Err(Trap::TABLE_OOB);
            }
            s.table_write(t, i, &[r]);
            return Ok(());
        }
        O::TableSize { table } => s.tables[table_addr(s, table)].elems.len() as u64,
        O::TableGrow { table } => {
            let t = table_addr(s, table);
            let n = pop32(stack);
            let init = pop(stack);
            let cur = s.tables[t].elems.len() as u64;
            if cur + n > s.tables[t].max {
                u64::from(u32::MAX)
            } else {
                s.charge(n)?;
                s.table_resize(t, (cur + n) as usize, init);
                cur
            }
        }
        O::TableFill { table } => {
            let t = table_addr(s, table);
            let n = pop32(stack);
            let r = pop(stack);
            let d = pop32(stack);
            s.charge(n)?;
            if d + n > s.tables[t].elems.len() as u64 {
                return Err(Trap::TABLE_OOB);
            }
            s.table_write(t, d as usize, &vec![r; n as usize]);
            return Ok(());
        }
        O::TableCopy {
            dst_table,
            src_table,
        } => {
            let (dt, st) = (table_addr(s, dst_table), table_addr(s, src_table));
            let n = pop32(stack);
            let src = pop32(stack);
            let d = pop32(stack);
            s.charge(n)?;
            if src + n > s.tables[st].elems.len() as u64 || d + n > s.tables[dt].elems.len() as u64
            {
                return Err(Trap::TABLE_OOB);
            }
            let items = s.tables[st].elems[src as usize..(src + n) as usize].to_vec();
            s.table_write(dt, d as usize, &items);
            return Ok(());
        }
        O::TableInit { elem_index, table } => {
            let t = table_addr(s, table);
            let e = s.instances[inst].elems[elem_index as usize];
            let n = pop32(stack);
            let src = pop32(stack);
            let d = pop32(stack);
            s.charge(n)?;
            if src + n > s.elems[e].len() as u64 || d + n > s.tables[t].elems.len() as u64 {
                return Err(Trap::TABLE_OOB);
            }
            let items = s.elems[e][src as usize..(src + n) as usize].to_vec();
            s.table_write(t, d as usize, &items);
            return Ok(());
        }
        O::ElemDrop { elem_index } => {
            let e = s.instances[inst].elems[elem_index as usize];
            s.elem_drop(e);
            return Ok(());
        }
        ref other => panic!("not a memory instruction: {other:?}"),
    };
    stack.push(v);
    Ok(())
}
