//! A tiny assembler (labels, block-cost computation, branch patching) and the two
//! kernels written in the spike's register bytecode, as a register-style translator
//! would emit them from the clang-compiled wasm.

use crate::vm::{FuncInfo, Op};

#[derive(Clone, Copy)]
pub struct L(usize);

enum Fix {
    /// word `at` gets (target - ins) in the low 32 bits (keeping the high bits)
    Rel { ins: usize, at: usize, label: usize },
    /// word `at` gets cost(block at label) in the low (hi=false) or high 32 bits
    GasAtLabel { at: usize, label: usize, hi: bool },
    /// word `at` gets cost(block starting at code position `pos`)
    GasAtPos { at: usize, pos: usize, hi: bool },
}

pub struct Asm {
    pub code: Vec<u64>,
    pub starts: Vec<(usize, Op)>,
    labels: Vec<Option<usize>>,
    fixes: Vec<Fix>,
    /// code positions that start a gas block
    leaders: Vec<usize>,
    pub funcs: Vec<(usize, usize)>, // (start, frame slots)
}

fn p3(d: u16, a: u16, b: u32) -> u64 {
    d as u64 | (a as u64) << 16 | (b as u64) << 32
}

impl Asm {
    pub fn new() -> Self {
        Asm { code: vec![], starts: vec![], labels: vec![], fixes: vec![], leaders: vec![], funcs: vec![] }
    }
    pub fn label(&mut self) -> L {
        self.labels.push(None);
        L(self.labels.len() - 1)
    }
    pub fn bind(&mut self, l: L) {
        self.labels[l.0] = Some(self.code.len());
        self.leaders.push(self.code.len());
    }
    pub fn func(&mut self, frame: usize) {
        self.funcs.push((self.code.len(), frame));
        self.leaders.push(self.code.len());
    }
    fn op(&mut self, op: Op, words: &[u64]) -> usize {
        assert_eq!(words.len(), op.operand_words());
        let at = self.code.len();
        self.starts.push((at, op));
        self.code.push(op as u64);
        self.code.extend_from_slice(words);
        at
    }
    // ---- straight-line ops
    pub fn konst(&mut self, d: u16, v: u32) { self.op(Op::Const, &[p3(d, 0, v)]); }
    pub fn copy(&mut self, d: u16, a: u16) { self.op(Op::Copy, &[p3(d, a, 0)]); }
    pub fn bin(&mut self, op: Op, d: u16, a: u16, b: u16) { self.op(op, &[p3(d, a, b as u32)]); }
    pub fn imm(&mut self, op: Op, d: u16, a: u16, i: u32) { self.op(op, &[p3(d, a, i)]); }
    pub fn load32(&mut self, d: u16, a: u16, off: u32) { self.op(Op::Load32, &[p3(d, a, off)]); }
    pub fn load8u(&mut self, d: u16, a: u16, off: u32) { self.op(Op::Load8U, &[p3(d, a, off)]); }
    pub fn store32(&mut self, a: u16, v: u16, off: u32) { self.op(Op::Store32, &[p3(v, a, off)]); }
    // ---- block enders
    /// A label reached by fall-through: charge its block here.
    pub fn consume_gas(&mut self) {
        let at = self.op(Op::ConsumeGas, &[0]);
        let pos = self.code.len();
        self.fixes.push(Fix::GasAtPos { at: at + 1, pos, hi: false });
    }
    pub fn br_if_nez(&mut self, a: u16, t: L) {
        let at = self.op(Op::BrIfNez, &[a as u64, 0]);
        self.fixes.push(Fix::Rel { ins: at, at: at + 1, label: t.0 });
        // target stored in the high half of word 1: shift after patching (see link_fixes)
        self.fixes.push(Fix::GasAtLabel { at: at + 2, label: t.0, hi: false });
        self.fall(at + 2);
    }
    pub fn br_if_lt_u_imm(&mut self, a: u16, imm: u32, t: L) {
        self.br_cmp(Op::BrIfLtUImm, a, imm, t)
    }
    pub fn br_if_ge_s_imm(&mut self, a: u16, imm: i32, t: L) {
        self.br_cmp(Op::BrIfGeSImm, a, imm as u32, t)
    }
    fn br_cmp(&mut self, op: Op, a: u16, imm: u32, t: L) {
        let at = self.op(op, &[p3(a, 0, imm), 0, 0]);
        self.fixes.push(Fix::Rel { ins: at, at: at + 2, label: t.0 });
        self.fixes.push(Fix::GasAtLabel { at: at + 3, label: t.0, hi: false });
        self.fall(at + 3);
    }
    fn fall(&mut self, at: usize) {
        let pos = self.code.len();
        self.leaders.push(pos);
        self.fixes.push(Fix::GasAtPos { at, pos, hi: true });
    }
    pub fn call(&mut self, func: u32, window: u16) {
        let at = self.op(Op::Call, &[func as u64 | (window as u64) << 32, 0]);
        let pos = self.code.len();
        self.leaders.push(pos);
        self.fixes.push(Fix::GasAtPos { at: at + 2, pos, hi: false });
    }
    pub fn ret(&mut self, src: u16) {
        self.op(Op::Return, &[src as u64]);
        self.leaders.push(self.code.len());
    }
    pub fn halt(&mut self) {
        self.op(Op::Halt, &[]);
    }

    /// Static cost of the block starting at `pos`: one unit per instruction up to and
    /// including the next block ender (a stand-in for the wasm instruction costs).
    fn cost_at(&self, pos: usize) -> u64 {
        let mut n = 0;
        for &(at, op) in self.starts.iter().filter(|(at, _)| *at >= pos) {
            if op == Op::ConsumeGas {
                break; // charges the next block, stands for nothing
            }
            n += 1;
            let end = at + 1 + op.operand_words();
            if matches!(op, Op::BrIfNez | Op::BrIfLtUImm | Op::BrIfGeSImm | Op::Jump | Op::Call | Op::Return | Op::Halt)
                || self.leaders.contains(&end)
            {
                break;
            }
        }
        n
    }

    pub fn finish(mut self) -> (Vec<u64>, Vec<(usize, Op)>, Vec<(usize, usize, u64)>) {
        for f in std::mem::take(&mut self.fixes) {
            match f {
                Fix::Rel { ins, at, label } => {
                    let t = self.labels[label].expect("unbound label");
                    let r = (t as i64 - ins as i64) as i32 as u32 as u64;
                    if self.starts.iter().any(|&(a, op)| a == ins && op == Op::BrIfNez) {
                        self.code[at] |= r << 32;
                    } else {
                        self.code[at] |= r;
                    }
                }
                Fix::GasAtLabel { at, label, hi } => {
                    let c = self.cost_at(self.labels[label].unwrap());
                    self.code[at] |= if hi { c << 32 } else { c };
                }
                Fix::GasAtPos { at, pos, hi } => {
                    let c = self.cost_at(pos);
                    self.code[at] |= if hi { c << 32 } else { c };
                }
            }
        }
        let funcs = self.funcs.iter().map(|&(s, fr)| (s, fr, self.cost_at(s))).collect();
        (self.code, self.starts, funcs)
    }
}

pub fn func_infos(code: &[u64], funcs: &[(usize, usize, u64)]) -> Vec<FuncInfo> {
    funcs
        .iter()
        .map(|&(s, frame, g)| FuncInfo { code: code[s..].as_ptr(), frame, entry_gas: g })
        .collect()
}

/// fib as clang -O2 compiled it (see `detwasm inspect --bytecode benches/programs/fib.wasm`):
/// one recursive call per loop iteration, the other half of the recursion turned into
/// the loop. Slots: 0 n, 1 acc, 2 cond, 3 n-2, 4..5 frame header of the call window,
/// 6 callee's n / result.
pub fn fib(a: &mut Asm) {
    let l7 = a.label();
    let l10 = a.label();
    a.func(7);
    a.br_if_ge_s_imm(0, 2, l7); // i32.ge_s n 2; br_if
    a.ret(0); //                     n + 0
    a.bind(l7);
    a.konst(1, 0); //                acc = 0
    a.consume_gas(); //              loop header entered by fall-through
    a.bind(l10);
    a.imm(Op::AddImm, 6, 0, (-1i32) as u32); // arg = n - 1
    a.call(0, 4); //                 fib(n - 1) into slot 6
    a.bin(Op::Add, 1, 6, 1); //      acc += result
    a.imm(Op::GtUImm, 2, 0, 3); //   cond = n >u 3
    a.imm(Op::AddImm, 3, 0, (-2i32) as u32); // t = n - 2
    a.copy(0, 3); //                 n = t
    a.br_if_nez(2, l10);
    a.bin(Op::Add, 0, 3, 1); //      t + acc
    a.ret(0);
}

pub const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
pub const IV: [u32; 8] =
    [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
pub const KADDR: u32 = 0;
pub const WADDR: u32 = 256;
pub const HADDR: u32 = 512;
pub const BUF: u32 = 1024;
pub const BUF_BYTES: u32 = 4096;

/// func 1: sha_bench(n): n times { h = IV; compress every 64-byte block of buf; feed h
/// back into buf[0..32] }; returns the xor of the eight h words. (No padding block: a
/// "sha256-like" kernel, checked against `sha_native`.)
/// Slots: 0 n, 1 unused, 2 block ptr, 3 acc, 4 H addr, 5 tmp, 6 buf addr, 7..9 unused,
/// 10..11 call header, 12 callee slot 0.
pub fn sha_bench(a: &mut Asm, compress_idx: u32) {
    let outer = a.label();
    let blk = a.label();
    a.func(12 + 20);
    a.konst(4, HADDR);
    a.konst(6, BUF);
    a.consume_gas();
    a.bind(outer);
    for (i, v) in IV.iter().enumerate() {
        a.konst(5, *v);
        a.store32(4, 5, 4 * i as u32);
    }
    a.konst(2, BUF);
    a.consume_gas();
    a.bind(blk);
    a.copy(12, 2);
    a.call(compress_idx, 10);
    a.imm(Op::AddImm, 2, 2, 64);
    a.br_if_lt_u_imm(2, BUF + BUF_BYTES, blk);
    for i in 0..8 {
        a.load32(5, 4, 4 * i);
        a.store32(6, 5, 4 * i);
    }
    a.imm(Op::AddImm, 0, 0, u32::MAX);
    a.br_if_nez(0, outer);
    a.konst(3, 0);
    for i in 0..8 {
        a.load32(5, 4, 4 * i);
        a.bin(Op::Xor, 3, 3, 5);
    }
    a.ret(3);
}

/// func 2: compress(block ptr in slot 0) with H at HADDR, W at WADDR, K at KADDR.
/// Slots: 0 block ptr, 1..8 a..h, 9 p/t, 10..13 temps, 14 H addr.
pub fn compress(a: &mut Asm) {
    use Op::*;
    let l1 = a.label();
    let l2 = a.label();
    let l3 = a.label();
    a.func(20);
    // w[0..16] = big-endian words of the block
    a.konst(9, WADDR);
    a.consume_gas();
    a.bind(l1);
    a.load8u(10, 0, 0);
    a.imm(ShlImm, 10, 10, 24);
    a.load8u(11, 0, 1);
    a.imm(ShlImm, 11, 11, 16);
    a.bin(Or, 10, 10, 11);
    a.load8u(11, 0, 2);
    a.imm(ShlImm, 11, 11, 8);
    a.bin(Or, 10, 10, 11);
    a.load8u(11, 0, 3);
    a.bin(Or, 10, 10, 11);
    a.store32(9, 10, 0);
    a.imm(AddImm, 0, 0, 4);
    a.imm(AddImm, 9, 9, 4);
    a.br_if_lt_u_imm(9, WADDR + 64, l1);
    // w[16..64]; slot 9 points at w[t-16]
    a.konst(9, WADDR);
    a.consume_gas();
    a.bind(l2);
    a.load32(10, 9, 4); // w[t-15]
    a.imm(RotrImm, 11, 10, 7);
    a.imm(RotrImm, 12, 10, 18);
    a.bin(Xor, 11, 11, 12);
    a.imm(ShrUImm, 12, 10, 3);
    a.bin(Xor, 11, 11, 12); // s0
    a.load32(10, 9, 56); // w[t-2]
    a.imm(RotrImm, 12, 10, 17);
    a.imm(RotrImm, 13, 10, 19);
    a.bin(Xor, 12, 12, 13);
    a.imm(ShrUImm, 13, 10, 10);
    a.bin(Xor, 12, 12, 13); // s1
    a.load32(10, 9, 0); // w[t-16]
    a.bin(Add, 10, 10, 11);
    a.load32(13, 9, 36); // w[t-7]
    a.bin(Add, 10, 10, 13);
    a.bin(Add, 10, 10, 12);
    a.store32(9, 10, 64); // w[t]
    a.imm(AddImm, 9, 9, 4);
    a.br_if_lt_u_imm(9, WADDR + 192, l2);
    // rounds
    a.konst(14, HADDR);
    for i in 0..8u16 {
        a.load32(1 + i, 14, 4 * i as u32);
    }
    a.konst(9, 0);
    a.consume_gas();
    a.bind(l3);
    a.imm(RotrImm, 10, 5, 6);
    a.imm(RotrImm, 11, 5, 11);
    a.bin(Xor, 10, 10, 11);
    a.imm(RotrImm, 11, 5, 25);
    a.bin(Xor, 10, 10, 11); // S1
    a.bin(And, 11, 5, 6);
    a.imm(XorImm, 12, 5, u32::MAX);
    a.bin(And, 12, 12, 7);
    a.bin(Xor, 11, 11, 12); // ch
    a.bin(Add, 12, 8, 10);
    a.bin(Add, 12, 12, 11);
    a.load32(13, 9, KADDR);
    a.bin(Add, 12, 12, 13);
    a.load32(13, 9, WADDR);
    a.bin(Add, 12, 12, 13); // t1
    a.imm(RotrImm, 10, 1, 2);
    a.imm(RotrImm, 11, 1, 13);
    a.bin(Xor, 10, 10, 11);
    a.imm(RotrImm, 11, 1, 22);
    a.bin(Xor, 10, 10, 11); // S0
    a.bin(And, 11, 1, 2);
    a.bin(And, 13, 1, 3);
    a.bin(Xor, 11, 11, 13);
    a.bin(And, 13, 2, 3);
    a.bin(Xor, 11, 11, 13); // maj
    a.bin(Add, 10, 10, 11); // t2
    a.copy(8, 7);
    a.copy(7, 6);
    a.copy(6, 5);
    a.bin(Add, 5, 4, 12);
    a.copy(4, 3);
    a.copy(3, 2);
    a.copy(2, 1);
    a.bin(Add, 1, 12, 10);
    a.imm(AddImm, 9, 9, 4);
    a.br_if_lt_u_imm(9, 256, l3);
    for i in 0..8u16 {
        a.load32(10, 14, 4 * i as u32);
        a.bin(Add, 10, 10, 1 + i);
        a.store32(14, 10, 4 * i as u32);
    }
    a.ret(0);
}

/// The same computation in native Rust, to check the interpreter's result.
pub fn sha_native(mem: &mut [u8], n: u32) -> u32 {
    fn rd(m: &[u8], a: usize) -> u32 {
        u32::from_le_bytes(m[a..a + 4].try_into().unwrap())
    }
    let (b, hb) = (BUF as usize, HADDR as usize);
    for _ in 0..n {
        let mut h = IV;
        for blk in 0..(BUF_BYTES as usize / 64) {
            let p = b + 64 * blk;
            let mut w = [0u32; 64];
            for t in 0..16 {
                w[t] = u32::from_be_bytes(mem[p + 4 * t..p + 4 * t + 4].try_into().unwrap());
            }
            for t in 16..64 {
                let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
                let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
                w[t] = w[t - 16].wrapping_add(s0).wrapping_add(w[t - 7]).wrapping_add(s1);
            }
            let [mut a, mut bb, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
            for t in 0..64 {
                let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
                let ch = (e & f) ^ (!e & g);
                let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K[t]).wrapping_add(w[t]);
                let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
                let maj = (a & bb) ^ (a & c) ^ (bb & c);
                let t2 = s0.wrapping_add(maj);
                hh = g;
                g = f;
                f = e;
                e = d.wrapping_add(t1);
                d = c;
                c = bb;
                bb = a;
                a = t1.wrapping_add(t2);
            }
            for (x, y) in h.iter_mut().zip([a, bb, c, d, e, f, g, hh]) {
                *x = x.wrapping_add(y);
            }
        }
        for (i, x) in h.iter().enumerate() {
            mem[b + 4 * i..b + 4 * i + 4].copy_from_slice(&x.to_le_bytes());
            mem[hb + 4 * i..hb + 4 * i + 4].copy_from_slice(&x.to_le_bytes());
        }
    }
    let _ = rd;
    h_xor(mem)
}
fn h_xor(mem: &[u8]) -> u32 {
    (0..8).fold(0, |acc, i| {
        acc ^ u32::from_le_bytes(mem[HADDR as usize + 4 * i..HADDR as usize + 4 * i + 4].try_into().unwrap())
    })
}
