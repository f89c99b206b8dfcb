#!/bin/sh
# Rebuilds every tests/programs/*.wasm from its C source.
#
# Needs clang-14, lld-14, wasi-libc and libclang-rt-14-dev-wasm32:
#   apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32
# The output is reproducible: rebuilding gives byte-identical .wasm files.
# --strip-debug drops wasi-libc's DWARF but keeps the "name" section, so
# trap messages can name functions.
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang-14}
SYSROOT=${WASI_SYSROOT:-/usr}
CFLAGS="--target=wasm32-wasi --sysroot=$SYSROOT -O2 -Wall -Wextra -Werror -Wno-unused-parameter"
LDFLAGS="-Wl,--strip-debug"

for src in args_env clock_rand exit_code floats fs_ops heap links wasi_edges wasi_misc wc; do
    $CC $CFLAGS "$src.c" -o "$src.wasm" $LDFLAGS -lm
    echo "$src.wasm $(wc -c < "$src.wasm") bytes"
done
