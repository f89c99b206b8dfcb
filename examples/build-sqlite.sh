#!/bin/sh
# Builds examples/sqlite3.wasm: the SQLite command-line shell for wasm32-wasi.
#
# Downloads the npm package sqlite3@$SQLITE_NPM_VERSION with `npm pack`, takes
# the SQLite amalgamation (sqlite3.c, shell.c) from the autoconf tarball it
# ships in deps/, and compiles it with clang-14 against wasi-libc, plus
# examples/sqlite-stubs.c.  The SQLite sources are not part of this repo; they
# are downloaded into $BUILD (default target/sqlite-build, ignored by git).
# Idempotent: the download and extraction are skipped when already done.
#
# Needs: npm, tar, clang-14, lld-14, wasi-libc, libclang-rt-14-dev-wasm32
#   (apt-get install -y clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32)
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
SQLITE_NPM_VERSION=${SQLITE_NPM_VERSION:-6.0.1}
BUILD=${BUILD:-$ROOT/target/sqlite-build}
OUT=${OUT:-$HERE/sqlite3.wasm}
CC=${CC:-clang-14}
SYSROOT=${WASI_SYSROOT:-/usr}

mkdir -p "$BUILD"
cd "$BUILD"
if [ ! -f "sqlite3-$SQLITE_NPM_VERSION.tgz" ]; then
    npm pack --silent "sqlite3@$SQLITE_NPM_VERSION" >/dev/null
fi
if [ ! -f src/sqlite3.c ] || [ ! -f src/shell.c ] || [ "$(cat src/.from 2>/dev/null)" != "$SQLITE_NPM_VERSION" ]; then
    rm -rf package src
    tar xzf "sqlite3-$SQLITE_NPM_VERSION.tgz" --wildcards 'package/deps/sqlite-autoconf-*.tar.gz'
    mkdir src
    tar xzf package/deps/sqlite-autoconf-*.tar.gz -C src --strip-components=1
    echo "$SQLITE_NPM_VERSION" > src/.from
    rm -rf package
fi

CFLAGS="--target=wasm32-wasi --sysroot=$SYSROOT -O2 -g0
  -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_NOHAVE_SYSTEM
  -DSQLITE_OMIT_WAL -DSQLITE_TEMP_STORE=2 -DSQLITE_EXTRA_INIT=detwasm_sqlite_init
  -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_GETPID
  -D_WASI_EMULATED_PROCESS_CLOCKS -D_WASI_EMULATED_MMAN
  -I$BUILD/src -include $HERE/sqlite-stubs.h"
LIBS="-lwasi-emulated-signal -lwasi-emulated-getpid
  -lwasi-emulated-process-clocks -lwasi-emulated-mman"

# Objects are rebuilt only when their inputs (or this script) changed.
stale() { # stale OBJ INPUT...
    obj=$1; shift
    [ -f "$obj" ] || return 0
    for f in "$@" "$HERE/build-sqlite.sh" "$HERE/sqlite-stubs.h"; do
        [ "$f" -nt "$obj" ] && return 0
    done
    return 1
}
# The two big files compile in parallel (about a minute on two cores).
pid=
if stale sqlite3.o src/sqlite3.c; then
    $CC $CFLAGS -w -c src/sqlite3.c -o sqlite3.o &
    pid=$!
fi
if stale shell.o src/shell.c; then
    $CC $CFLAGS -w -c src/shell.c -o shell.o
fi
if stale stubs.o "$HERE/sqlite-stubs.c"; then
    $CC $CFLAGS -Wall -Wextra -Werror -c "$HERE/sqlite-stubs.c" -o stubs.o
fi
if [ -n "$pid" ]; then wait $pid; fi
# --strip-debug drops DWARF but keeps the "name" section (function names for
# trap messages; about 40 KB).
$CC $CFLAGS shell.o sqlite3.o stubs.o $LIBS -Wl,--strip-debug -o "$OUT"
echo "built $OUT ($(wc -c < "$OUT") bytes) from SQLite $(cat src/VERSION) (npm sqlite3@$SQLITE_NPM_VERSION)"
