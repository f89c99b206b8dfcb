#!/bin/sh
# Rebuilds every examples/contract/*.wasm from its C source: wasm32 without WASI or
# libc, host functions imported from "env" (contract.h), exports named in the source.
#
# Needs clang-14 and lld-14:  apt-get install -y clang-14 lld-14
# The output is reproducible: rebuilding gives byte-identical .wasm files.
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang-14}
CFLAGS="--target=wasm32 -nostdlib -ffreestanding -fno-builtin -O2 -Wall -Wextra -Werror"
LDFLAGS="-Wl,--no-entry -Wl,--allow-undefined -Wl,--strip-all -Wl,-z,stack-size=16384"

for src in token vault spin faulty; do
    $CC $CFLAGS "$src.c" -o "$src.wasm" $LDFLAGS
    echo "$src.wasm $(wc -c < "$src.wasm") bytes"
done
