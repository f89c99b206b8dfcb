//! The reference meter's interpreter: one explicit value stack of 64-bit slots, one
//! explicit label stack and one explicit frame stack (no host recursion per wasm call or
//! per block), executing the decoded operators one by one. Before each instruction it
//! charges the instruction's base cost (SPEC.md §Gas rule 1); dynamic costs are charged
//! after the base cost and before the instruction acts, all or nothing (rule 2); calls
//! check SPEC.md §Stack's depth and height limits before the callee's first instruction.
//! Exceptions unwind across labels and frames without charging anything (rule 6); the
//! store's count of held exceptions follows SPEC.md §Exceptions (a fresh exception
//! caught without its reference is removed; a `throw` that finds 2 × the limit held
//! collects, charging W).
//! A trap records its site (function and byte offset of the trapping instruction) in
//! the store; host functions of kind `Host::Replay` are answered by `replay_host`.
//! Depends on the sibling modules and wasmparser.

use std::rc::Rc;

use wasmparser::{Catch, Operator as O};

use super::gas::base_cost;
use super::module::Code;
use super::num::exec_numeric;
use super::store::{Exn, FuncKind, Host, Store, TrapSite};
use super::{Trap, VT};

struct Frame {
    code: Rc<Code>,
    inst: usize,
    /// The function's store address.
    func: usize,
    pc: usize,
    locals_base: usize,
    label_base: usize,
}

#[derive(Copy, Clone, Debug)]
enum Kind {
    Block,
    Loop,
    /// A `try_table`, with the pc of its instruction.
    Try(usize),
    /// The function body's own label.
    Body,
}

#[derive(Copy, Clone, Debug)]
struct Label {
    /// Stack height below the label's parameters.
    height: usize,
    /// Values a branch to the label carries.
    arity: usize,
    /// Where a branch continues.
    cont: usize,
    kind: Kind,
}

struct Machine<'s> {
    s: &'s mut Store,
    stack: Vec<u64>,
    frames: Vec<Frame>,
    labels: Vec<Label>,
    /// SPEC.md §Stack live height: the sum of `height(f)` over the activations.
    live: u64,
    /// Activations pushed so far (a tail call pushes one): tells the driver loop of
    /// [`invoke`] that the current code may have changed.
    calls: u64,
}

/// Invokes function address `func` with `args` (one slot each) and returns its results,
/// or the trap that ended it. Gas is charged from `store`'s counter. On a trap inside
/// a function, `store.trap_site` says where (else it is `None`).
pub fn invoke(store: &mut Store, func: usize, args: &[u64]) -> Result<Vec<u64>, Trap> {
    store.trap_site = None;
    let mut m = Machine {
        s: store,
        stack: args.to_vec(),
        frames: Vec::new(),
        labels: Vec::new(),
        live: 0,
        calls: 0,
    };
    let results = m.s.funcs[func].ty.results.clone();
    m.call(func)?;
    while let Some(fr) = m.frames.last() {
        // The code is fetched once per activation change, not per instruction.
        let (code, depth) = (Rc::clone(&fr.code), m.frames.len());
        let calls = m.calls;
        while m.calls == calls && m.frames.len() == depth {
            if let Err(t) = m.step(&code) {
                // `step` advances the pc before anything can trap, so the trapping
                // instruction of the innermost activation is the one before it (for a
                // trap in a callee's entry check or in a host call, the call).
                m.s.trap_site = m.frames.last().map(|fr| TrapSite {
                    inst: fr.inst,
                    func: fr.func,
                    offset: fr.code.offsets[fr.pc - 1],
                });
                return Err(t);
            }
        }
    }
    // SPEC.md §Exceptions root 3: exceptions returned by an invocation stay reachable.
    for (t, &v) in results.iter().zip(&m.stack) {
        if *t == VT::ExnRef {
            m.s.exn_pin(v);
        }
    }
    Ok(m.stack)
}

/// Pushes `n` zero slots (locals' defaults) by block copies: element-wise filling is
/// slow in debug builds, and frames can have tens of thousands of locals.
fn push_zeros(stack: &mut Vec<u64>, mut n: usize) {
    const ZEROS: [u64; 1024] = [0; 1024];
    while n > 0 {
        let k = n.min(ZEROS.len());
        stack.extend_from_slice(&ZEROS[..k]);
        n -= k;
    }
}

impl Machine<'_> {
    fn pop(&mut self) -> u64 {
        self.stack.pop().expect("operand stack underflow")
    }

    fn pop32(&mut self) -> u64 {
        u64::from(self.pop() as u32)
    }

    fn frame(&self) -> &Frame {
        self.frames.last().expect("a frame")
    }

    /// Calls function address `f`, its arguments on top of the stack.
    fn call(&mut self, f: usize) -> Result<(), Trap> {
        let func = &self.s.funcs[f];
        if let FuncKind::Host(_) = func.kind {
            // SPEC.md §Exceptions root 3: exceptions passed to a host function stay
            // reachable.
            let np = func.ty.params.len();
            let args = &self.stack[self.stack.len() - np..];
            let pins: Vec<u64> = func
                .ty
                .params
                .iter()
                .zip(args)
                .filter(|(t, _)| **t == VT::ExnRef)
                .map(|(_, v)| *v)
                .collect();
            for v in pins {
                self.s.exn_pin(v);
            }
        }
        let func = &self.s.funcs[f];
        match &func.kind {
            FuncKind::Host(Host::Nop) => {
                // The spectest functions take their arguments and return nothing;
                // their host cost is 0.
                let (np, nr) = (func.ty.params.len(), func.ty.results.len());
                let len = self.stack.len();
                self.stack.truncate(len - np);
                push_zeros(&mut self.stack, nr);
                Ok(())
            }
            FuncKind::Host(Host::Replay(_)) => {
                // Guest memory of a host call is the calling instance's memory 0.
                let np = func.ty.params.len();
                let args = self.stack.split_off(self.stack.len() - np);
                let caller = self.frames.last().map(|fr| fr.inst);
                let results = super::replay_host::answer(self.s, f, caller, &args)?;
                self.stack.extend(results);
                Ok(())
            }
            FuncKind::Wasm { inst, code } => {
                let (inst, code) = (*inst, Rc::clone(code));
                if self.frames.len() as u64 + 1 > self.s.max_call_depth
                    || self.live + code.height > self.s.max_stack_height
                {
                    return Err(Trap::CALL_STACK_EXHAUSTED);
                }
                self.live += code.height;
                self.push_frame(code, inst, f);
                Ok(())
            }
        }
    }

    fn push_frame(&mut self, code: Rc<Code>, inst: usize, func: usize) {
        let locals_base = self.stack.len() - code.nparams;
        push_zeros(&mut self.stack, code.locals.len());
        self.calls += 1;
        let label_base = self.labels.len();
        self.labels.push(Label {
            height: self.stack.len(),
            arity: code.nresults,
            cont: 0,
            kind: Kind::Body,
        });
        self.frames.push(Frame {
            code,
            inst,
            func,
            pc: 0,
            locals_base,
            label_base,
        });
    }

    /// A tail call of `f`: the current activation is replaced (SPEC.md §Stack).
    fn tail_call(&mut self, f: usize) -> Result<(), Trap> {
        let func = &self.s.funcs[f];
        match &func.kind {
            FuncKind::Host(_) => {
                self.call(f)?;
                self.ret();
                Ok(())
            }
            FuncKind::Wasm { inst, code } => {
                let (inst, code) = (*inst, Rc::clone(code));
                let cur = self.frames.pop().expect("a frame");
                let live = self.live - cur.code.height + code.height;
                if live > self.s.max_stack_height {
                    self.frames.push(cur);
                    return Err(Trap::CALL_STACK_EXHAUSTED);
                }
                self.live = live;
                let args_at = self.stack.len() - code.nparams;
                self.stack.drain(cur.locals_base..args_at);
                self.labels.truncate(cur.label_base);
                self.push_frame(code, inst, f);
                Ok(())
            }
        }
    }

    /// Returns from the current activation, its results on top of the stack.
    fn ret(&mut self) {
        let fr = self.frames.pop().expect("a frame");
        let results_at = self.stack.len() - fr.code.nresults;
        self.stack.drain(fr.locals_base..results_at);
        self.labels.truncate(fr.label_base);
        self.live -= fr.code.height;
    }

    /// Branches to relative label `l` of the current activation.
    fn branch(&mut self, l: u32) {
        let idx = self.labels.len() - 1 - l as usize;
        let lab = self.labels[idx];
        if let Kind::Body = lab.kind {
            self.ret();
            return;
        }
        let vals_at = self.stack.len() - lab.arity;
        self.stack.drain(lab.height..vals_at);
        match lab.kind {
            Kind::Loop => self.labels.truncate(idx + 1),
            _ => self.labels.truncate(idx),
        }
        self.frames.last_mut().expect("a frame").pc = lab.cont;
    }

    fn enter_block(&mut self, bt: wasmparser::BlockType, pc: usize, kind: Kind) {
        let fr = self.frame();
        let (np, nr) = self.s.instances[fr.inst].module.block_arity(bt);
        let end = fr.code.end_of[pc] as usize;
        let (arity, cont) = match kind {
            Kind::Loop => (np, pc + 1),
            _ => (nr, end + 1),
        };
        self.labels.push(Label {
            height: self.stack.len() - np,
            arity,
            cont,
            kind,
        });
    }

    /// Unwinds to the innermost handler of exception `exn` (its address), across
    /// labels and frames, charging nothing (SPEC.md §Gas rule 6). `fresh` when a
    /// `throw` has just created it: then a `catch` or `catch_all` (without `_ref`)
    /// that catches it removes it from the store (SPEC.md §Exceptions rule 2).
    fn unwind(&mut self, exn: usize, fresh: bool) -> Result<(), Trap> {
        let tag = self
            .s
            .exns
            .get(&exn)
            .expect("reference meter: an exnref to an exception it reclaimed")
            .tag;
        while let Some(fr) = self.frames.last() {
            let (code, inst, label_base) = (Rc::clone(&fr.code), fr.inst, fr.label_base);
            while self.labels.len() > label_base {
                let k = self.labels.len() - 1;
                let lab = self.labels[k];
                if let Kind::Try(pc) = lab.kind {
                    let O::TryTable { try_table } = &code.ops[pc] else {
                        unreachable!("try label without try_table")
                    };
                    for c in &try_table.catches {
                        let tags = &self.s.instances[inst].tags;
                        let (hit, label, payload, with_ref) = match *c {
                            Catch::One { tag: t, label } => {
                                (tags[t as usize] == tag, label, true, false)
                            }
                            Catch::OneRef { tag: t, label } => {
                                (tags[t as usize] == tag, label, true, true)
                            }
                            Catch::All { label } => (true, label, false, false),
                            Catch::AllRef { label } => (true, label, false, true),
                        };
                        if hit {
                            self.stack.truncate(lab.height);
                            if payload {
                                let p = self.s.exns[&exn].payload.clone();
                                self.stack.extend(p);
                            }
                            if with_ref {
                                self.stack.push(exn as u64 + 1);
                            } else if fresh {
                                self.s.exn_remove(exn);
                            }
                            self.labels.truncate(k);
                            self.branch(label);
                            return Ok(());
                        }
                    }
                }
                self.labels.pop();
            }
            let fr = self.frames.pop().expect("a frame");
            self.stack.truncate(fr.locals_base);
            self.live -= fr.code.height;
        }
        Err(Trap::UNCAUGHT_EXCEPTION)
    }

    /// Executes one instruction of the current activation, whose code is `code`.
    fn step(&mut self, code: &Code) -> Result<(), Trap> {
        let fr = self.frames.last_mut().expect("a frame");
        let (inst, pc, locals_base) = (fr.inst, fr.pc, fr.locals_base);
        let op = &code.ops[pc];
        fr.pc = pc + 1;
        self.s.charge(base_cost(op))?;
        if let Some(r) = exec_numeric(op, &mut self.stack) {
            return r;
        }
        if super::mem::is_memory_op(op) {
            return super::mem::exec_memory(op, self.s, &mut self.stack, inst);
        }
        match *op {
            O::Nop => {}
            O::Unreachable => return Err(Trap::UNREACHABLE),
            O::Block { blockty } => self.enter_block(blockty, pc, Kind::Block),
            O::Loop { blockty } => self.enter_block(blockty, pc, Kind::Loop),
            O::TryTable { ref try_table } => self.enter_block(try_table.ty, pc, Kind::Try(pc)),
            O::If { blockty } => {
                let c = self.pop32();
                self.enter_block(blockty, pc, Kind::Block);
                if c == 0 {
                    let target = match code.else_of[pc] {
                        u32::MAX => code.end_of[pc] as usize,
                        e => e as usize + 1,
                    };
                    self.frames.last_mut().expect("a frame").pc = target;
                }
            }
            O::Else => {
                self.frames.last_mut().expect("a frame").pc = code.end_of[pc] as usize;
            }
            O::End => {
                let lab = self.labels.pop().expect("a label");
                if let Kind::Body = lab.kind {
                    self.ret();
                }
            }
            O::Br { relative_depth } => self.branch(relative_depth),
            O::BrIf { relative_depth } => {
                if self.pop32() != 0 {
                    self.branch(relative_depth);
                }
            }
            O::BrTable { .. } => {
                let i = self.pop32() as usize;
                let (targets, default) = &code.br_tables[&pc];
                let l = targets.get(i).copied().unwrap_or(*default);
                self.branch(l);
            }
            O::Return => self.ret(),
            O::Call { function_index } => {
                let f = self.s.instances[inst].funcs[function_index as usize];
                self.call(f)?;
            }
            O::ReturnCall { function_index } => {
                let f = self.s.instances[inst].funcs[function_index as usize];
                self.tail_call(f)?;
            }
            O::CallIndirect {
                type_index,
                table_index,
            } => {
                let f = self.indirect_target(inst, type_index, table_index)?;
                self.call(f)?;
            }
            O::ReturnCallIndirect {
                type_index,
                table_index,
            } => {
                let f = self.indirect_target(inst, type_index, table_index)?;
                self.tail_call(f)?;
            }
            O::Throw { tag_index } => {
                if self.s.exns.len() as u64 >= self.s.max_live_exceptions.saturating_mul(2) {
                    self.collect()?;
                }
                let tag = self.s.instances[inst].tags[tag_index as usize];
                let n = self.s.tags[tag].params.len();
                let payload = self.stack.split_off(self.stack.len() - n);
                let addr = self.s.exn_create(Exn { tag, payload });
                return self.unwind(addr, true);
            }
            O::ThrowRef => {
                let r = self.pop();
                if r == 0 {
                    return Err(Trap::NULL_REFERENCE);
                }
                return self.unwind(r as usize - 1, false);
            }
            O::Drop => {
                self.pop();
            }
            O::Select | O::TypedSelect { .. } => {
                let c = self.pop32();
                let b = self.pop();
                let a = self.pop();
                self.stack.push(if c != 0 { a } else { b });
            }
            O::LocalGet { local_index } => {
                let v = self.stack[locals_base + local_index as usize];
                self.stack.push(v);
            }
            O::LocalSet { local_index } => {
                let v = self.pop();
                self.stack[locals_base + local_index as usize] = v;
            }
            O::LocalTee { local_index } => {
                let v = *self.stack.last().expect("operand");
                self.stack[locals_base + local_index as usize] = v;
            }
            O::GlobalGet { global_index } => {
                let g = self.s.instances[inst].globals[global_index as usize];
                self.stack.push(self.s.globals[g].value);
            }
            O::GlobalSet { global_index } => {
                let g = self.s.instances[inst].globals[global_index as usize];
                let v = self.pop();
                self.s.global_write(g, v);
            }
            O::RefNull { .. } => self.stack.push(0),
            O::RefIsNull => {
                let r = self.pop();
                self.stack.push(u64::from(r == 0));
            }
            O::RefFunc { function_index } => {
                let f = self.s.instances[inst].funcs[function_index as usize];
                self.stack.push(f as u64 + 1);
            }
            ref other => panic!("reference meter: unhandled instruction {other:?}"),
        }
        Ok(())
    }

    /// SPEC.md §Exceptions' collection, run by a `throw` (its base cost charged, its
    /// operands still on the stack) that finds 2 × `max_live_exceptions` or more held:
    /// charges W = 1 + A + V + Σ (1 + payload length) over the reachable exceptions
    /// (all or nothing), removes the unreachable ones, and traps with
    /// `exception_limit` when `max_live_exceptions` or more remain.
    fn collect(&mut self) -> Result<(), Trap> {
        // Root 1: the exnref locals and operands of every activation (a suspended
        // caller's operands below its call's arguments, which begin at its callee's
        // locals; the throwing activation's whole operand stack).
        let mut roots: Vec<u64> = Vec::new();
        for (i, fr) in self.frames.iter().enumerate() {
            for &l in &fr.code.exn_locals {
                roots.push(self.stack[fr.locals_base + l as usize]);
            }
            let opbase = fr.locals_base + fr.code.nparams + fr.code.locals.len();
            let end = self
                .frames
                .get(i + 1)
                .map_or(self.stack.len(), |callee| callee.locals_base);
            if let Some(pos) = fr.code.exn_operands.get(&(fr.pc - 1)) {
                for &p in pos {
                    let at = opbase + p as usize;
                    if at < end {
                        roots.push(self.stack[at]);
                    }
                }
            }
        }
        // Root 2: every exnref global and every element of every exnref table.
        for g in &self.s.globals {
            if g.ty == VT::ExnRef {
                roots.push(g.value);
            }
        }
        for t in &self.s.tables {
            if t.elem == VT::ExnRef {
                roots.extend_from_slice(&t.elems);
            }
        }
        let v = roots.len() as u64;
        // Root 3 (not part of V), then the payloads of reachable exceptions.
        let mut work: Vec<usize> = self.s.pinned.iter().copied().collect();
        work.extend(roots.iter().filter(|&&r| r != 0).map(|&r| r as usize - 1));
        let mut reachable = std::collections::BTreeSet::new();
        let mut sum: u64 = 0;
        while let Some(a) = work.pop() {
            if !reachable.insert(a) {
                continue;
            }
            let e = &self.s.exns[&a];
            sum = sum.saturating_add(1 + e.payload.len() as u64);
            for (t, &p) in self.s.tags[e.tag].params.iter().zip(&e.payload) {
                if *t == VT::ExnRef && p != 0 {
                    work.push(p as usize - 1);
                }
            }
        }
        let w = (1 + self.frames.len() as u64)
            .saturating_add(v)
            .saturating_add(sum);
        self.s.charge(w)?;
        let dead: Vec<usize> = self
            .s
            .exns
            .keys()
            .filter(|a| !reachable.contains(a))
            .copied()
            .collect();
        for a in dead {
            self.s.exn_remove(a);
        }
        if self.s.exns.len() as u64 >= self.s.max_live_exceptions {
            return Err(Trap::EXCEPTION_LIMIT);
        }
        Ok(())
    }

    /// The function a `call_indirect` reaches, or its trap.
    fn indirect_target(&mut self, inst: usize, ty: u32, table: u32) -> Result<usize, Trap> {
        let i = self.pop32() as usize;
        let inst = &self.s.instances[inst];
        let t = &self.s.tables[inst.tables[table as usize]];
        let r = *t.elems.get(i).ok_or(Trap::UNDEFINED_ELEMENT)?;
        if r == 0 {
            return Err(Trap::UNINITIALIZED_ELEMENT);
        }
        let f = r as usize - 1;
        if self.s.funcs[f].ty != inst.module.types[ty as usize] {
            return Err(Trap::INDIRECT_TYPE_MISMATCH);
        }
        Ok(f)
    }
}
