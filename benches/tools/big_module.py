#!/usr/bin/env python3
"""Writes a large valid module for measuring Module::new's time and peak memory
(BENCHMARKS.md, "Module size and memory"): NFUNCS functions of type
(i32 i32) -> i32, each repeating K times a 27-byte pattern of local, arithmetic,
block/br_if and load instructions, with one memory and an export "f".

Usage: big_module.py NFUNCS K OUT.wasm   (prints the module's size in bytes;
5000 400 gives 54 MB). Measure with, for example:
  /usr/bin/time -f "%M KB %e s" detwasm run --stdin none --invoke f OUT.wasm 3 4
"""
import sys
def leb(n):
    out=bytearray()
    while True:
        b=n&0x7f; n>>=7
        if n: out.append(b|0x80)
        else: out.append(b); return bytes(out)
def section(id, payload): return bytes([id])+leb(len(payload))+payload
def vec(items): return leb(len(items))+b''.join(items)
nfuncs=int(sys.argv[1]); K=int(sys.argv[2])
pattern=bytes([0x20,0,0x20,1,0x6a,0x21,2,0x20,2,0x41,7,0x6c,0x21,3,0x02,0x40,0x20,3,0x0d,0,0x0b,0x20,2,0x28,2,4,0x1a])
body=leb(1)+leb(4)+b'\x7f'+pattern*K+bytes([0x20,2,0x0b])
body=leb(len(body))+body
mod=b'\0asm\1\0\0\0'
mod+=section(1, vec([b'\x60'+vec([b'\x7f',b'\x7f'])+vec([b'\x7f'])]))
mod+=section(3, vec([leb(0)]*nfuncs))
mod+=section(5, vec([b'\x00'+leb(1)]))
mod+=section(7, vec([vec([b'f'])+b'\x00'+leb(0)]))
code=leb(nfuncs)+body*nfuncs
mod+=bytes([10])+leb(len(code))+code
open(sys.argv[3],'wb').write(mod)
print(len(mod))
