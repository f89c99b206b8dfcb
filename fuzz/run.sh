#!/usr/bin/env bash
# Runs every fuzz target for a bounded time and prints executions per target.
#
#   fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Corpora grow
# in fuzz/corpus/<target> (ignored by git), seeded from the committed fuzz/seeds/<target>;
# crashes land in fuzz/artifacts/<target>; cases where an oracle (wasmi, wasmtime)
# disagreed with both detwasm and the reference meter are logged in
# fuzz/artifacts/oracle for triage. `differential_eh` builds wasmtime (heavy): it is
# built without a sanitizer into its own target dir (fuzz/target/eh).
# `differential_threaded` and `determinism_threaded` are `differential` and
# `determinism` built without a sanitizer (fuzz/target-threaded), which is where
# build.rs selects the threaded dispatch backend; the sanitizer builds run the loop
# backend (ARCHITECTURE.md "Dispatch"). They share the plain targets' corpora. The longer
# documented run is `fuzz/run.sh 3600` (an hour per target). FUZZ_SEED=N passes
# -seed=N to libFuzzer (CI sets it so its runs are repeatable; unset, every run
# explores afresh).
set -euo pipefail
secs="${1:-60}"
shift || true
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(validate differential determinism trace_decode replay differential_threaded determinism_threaded differential_eh)
fi
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export DETWASM_FUZZ_LOG_DIR="${DETWASM_FUZZ_LOG_DIR:-$here/artifacts/oracle}"
status=0
summary=""
for t in "${targets[@]}"; do
    build=(-O)
    tdir="$here/target"
    # The fuzz target built and the corpus it shares (a `_threaded` name is the same
    # target built without a sanitizer, so build.rs selects the threaded dispatch
    # backend; the sanitizer builds run the loop backend).
    real="$t"
    if [ "$t" = differential_eh ]; then
        build=(-O -s none --features eh)
        tdir="$here/target/eh"
    elif [ "${t%_threaded}" != "$t" ]; then
        real="${t%_threaded}"
        build=(-O -s none)
        tdir="$here/target-threaded"
    fi
    cargo +nightly fuzz build "${build[@]}" --target-dir "$tdir" "$real"
    bin="$(find "$tdir" -path "*/release/$real" -type f | head -n1)"
    mkdir -p "corpus/$real" "artifacts/$t" "seeds/$real"
    case "$real" in
        validate | trace_decode) opts=(-max_len=65536 -timeout=10 -rss_limit_mb=2048) ;;
        replay) opts=(-max_len=4096 -timeout=60 -rss_limit_mb=4096) ;;
        *) opts=(-max_len=8192 -len_control=0 -timeout=120 -rss_limit_mb=4096) ;;
    esac
    if [ -n "${FUZZ_SEED:-}" ]; then
        opts+=(-seed="$FUZZ_SEED")
    fi
    log="artifacts/$t/run.log"
    if "$bin" "corpus/$real" "seeds/$real" -max_total_time="$secs" -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" "${opts[@]}" >"$log" 2>&1; then
        r=ok
    else
        r="FAILED (see fuzz/$log)"
        status=1
        # The crash report (libFuzzer's and the harness's) is what CI must show.
        grep -v '^#[0-9]' "$log" | tail -n 80 >&2 || true
    fi
    execs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    cov="$(grep -o 'DONE *cov: [0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')"
    line="$t: $r, $execs executions in ${secs}s, coverage $cov edges"
    echo "$line"
    summary+="$line"$'\n'
done
echo "---- fuzz summary"
printf '%s' "$summary"
if [ -d "$DETWASM_FUZZ_LOG_DIR" ] && [ -n "$(ls -A "$DETWASM_FUZZ_LOG_DIR" 2>/dev/null)" ]; then
    echo "oracle disagreements to triage: $(ls "$DETWASM_FUZZ_LOG_DIR" | wc -l) in $DETWASM_FUZZ_LOG_DIR"
fi
exit $status
