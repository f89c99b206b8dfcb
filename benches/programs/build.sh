#!/usr/bin/env bash
# Rebuilds every benches/programs/*.wasm from its C source.
#
# Needs clang-14 and lld-14 (Debian: apt-get install -y clang-14 lld-14).
# The programs are freestanding: no libc, no WASI, no imports; each exports its
# functions (export_name attributes) and its memory.
# The .wasm files are committed, so tests and CI do not need clang.
set -euo pipefail

cd "$(dirname "$0")"
CC="${CC:-clang-14}"

build() {
    local name="$1"
    "$CC" --target=wasm32 -O2 -nostdlib -ffreestanding \
        -Wl,--no-entry -Wl,--strip-debug \
        -o "$name.wasm" "$name.c"
    echo "built $name.wasm ($(wc -c <"$name.wasm") bytes)"
}

build fib
build sha256
build matmul
build nbody
build sieve
build lz
build vm
build hashtab
build sort
