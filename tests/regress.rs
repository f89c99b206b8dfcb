//! Regression tests from fuzzing (`fuzz/`), one per finding, named by origin: the fuzz
//! target and the hash under which the case was saved (`<tmp>/detwasm-fuzz-<hash>.wasm`
//! for crashes, `$DETWASM_FUZZ_LOG_DIR/<hash>.txt` for outvoted oracles). Each pins
//! the outcome and gas that detwasm and the reference meter agreed on, reduced to a
//! small wat module. See notes/FUZZING.md for the findings list. Depends on detwasm's
//! public API and wat.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use detwasm::{Engine, Error, Extern, Module, Store, TrapCode, Value};

/// Runs export `func` of `wat` with default arguments: the result (or trap code) and
/// the gas used.
fn run(wat: &str, func: &str) -> (Result<Vec<Value>, TrapCode>, u64) {
    let engine = Engine::default();
    let bytes = wat::parse_str(wat).expect("wat");
    let module = Module::new(&engine, &bytes).expect("module");
    let mut store = Store::new(&engine, ());
    let inst = store.instantiate(&module, &[]).expect("instantiate");
    let Some(Extern::Func(f)) = store.instance_export(inst, func) else {
        panic!("no export {func}");
    };
    let args: Vec<Value> = store
        .func_type(f.addr())
        .expect("type")
        .params()
        .iter()
        .map(|t| t.default_value())
        .collect();
    let r = match store.invoke(f, &args) {
        Ok(v) => Ok(v),
        Err(Error::Trap(t)) => Err(t.code()),
        Err(e) => panic!("{func}: {e}"),
    };
    (r, store.gas_used())
}

/// differential (proptest `differential_props`), oracle outvoted a97034440da44846:
/// wasmi 2.0.0 traps `integer divide by zero` on an `i32.rem_u` whose divisor is a
/// `select` guard that is 1 here (wasm-smith's trap-avoiding pattern), under a deep
/// operand stack; detwasm and the reference meter both compute 1 rem_u 1 = 0. Pins
/// detwasm's (correct) answer so a future change cannot drift towards wasmi's.
#[test]
fn oracle_a97034440da44846_select_guarded_rem_u() {
    let wat = r#"(module
      (global f64 f64.const 0x1.307bc79ccb204p-340)
      (global f64 f64.const 0x1.f5dc13fb0e9b9p-769)
      (func (export "f") (result i32)
        (local f32 f64 f32 f32 i32 f64 f64 f32 f64)
        local.get 0
        f32.ceil
        global.get 0
        ref.null func
        ref.null extern
        local.get 0
        i64.trunc_sat_f32_u
        i64.ctz
        global.get 1
        i64.trunc_sat_f64_s
        i64.ge_u
        f32.convert_i32_s
        block (result f64)
          ref.null extern
          f32.const 0x1.718e4p+102
          i32.reinterpret_f32
          i64.extend_i32_s
          block (result i32)
            ref.null extern
            ref.is_null
            i32.extend16_s
            i64.const -3411984651612790519
            i64.eqz
            local.set 4
            i32.const 1
            local.get 4
            local.get 4
            i32.eqz
            select
            i32.rem_u
            br 0
          end
          return
        end
        unreachable))"#;
    let (r, gas) = run(wat, "f");
    assert_eq!(r, Ok(vec![Value::I32(0)]));
    assert_eq!(gas, 38);
}

/// differential (fuzz target), oracle outvoted 503b7ba4f553d5b4 (also 5986a68da1e8f94e),
/// reduced by line deletion: the same wasmi 2.0.0 miscomputation, here with the
/// guarded `i32.rem_u` followed by a `block` whose `br_if` is not taken. Correct result
/// 2 (`table.size`), gas 21 by the SPEC.md §Gas schedule: table.size 2, three consts 3,
/// two local.get 2, eqz 1, select 1, rem_u 4, ref.null 1, f32.const 1, local.get 1,
/// br_if 1, four drops 4.
#[test]
fn oracle_503b7ba4f553d5b4_select_guarded_rem_u_before_br_if() {
    let wat = r#"(module
      (table 2 funcref)
      (func (export "f") (result i32)
        (local i32 funcref i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)
        table.size 0
        f32.const -12005.71
        i32.const -1869574000
        i32.const 1
        local.get 13
        local.get 13
        i32.eqz
        select
        i32.rem_u
        ref.null extern
        block
          f32.const 1
          local.get 0
          br_if 0
          drop
        end
        drop
        drop
        drop))"#;
    let (r, gas) = run(wat, "f");
    assert_eq!(r, Ok(vec![Value::I32(2)]));
    assert_eq!(gas, 21);
}

/// The trace frames of a file: (kind, payload), header and trailer skipped.
fn trace_frames(bytes: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 12;
    while bytes[at] != 0 {
        let len = u64::from_le_bytes(bytes[at + 1..at + 9].try_into().unwrap()) as usize;
        out.push((bytes[at], bytes[at + 9..at + 9 + len].to_vec()));
        at += 9 + len;
    }
    out
}

/// A trace file with `frames`, its chain and trailer computed (SPEC.md §Trace file and
/// chain).
fn trace_file(frames: &[(u8, Vec<u8>)]) -> Vec<u8> {
    let mut out = detwasm::trace::MAGIC.to_vec();
    out.extend_from_slice(&detwasm::trace::FORMAT_VERSION.to_le_bytes());
    let mut hash = detwasm::trace::chain_start(detwasm::trace::FORMAT_VERSION);
    for (kind, payload) in frames {
        hash = detwasm::trace::chain_next(&hash, *kind, payload);
        out.push(*kind);
        out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
        out.extend_from_slice(payload);
    }
    out.push(0);
    out.extend_from_slice(&(frames.len() as u64).to_le_bytes());
    out.extend_from_slice(&hash);
    out
}

/// trace_decode (fuzz target) crash-69579001a8d8fbe3ad1ba3025d201a941c0641d6: a host
/// call event whose trap code is 0 (no trap) but whose trap status is not 0 decodes, the
/// status silently dropped, so two different files (two different trace hashes) decode
/// to the same events and the encoding is not canonical (SPEC.md §Trace: "each event
/// has a canonical byte encoding"). The reader must reject it as malformed. Built from
/// the committed vector `vectors/wasi_clock/trace.bin`: the first host call's status
/// bytes set to 0x2500, chain and trailer recomputed.
#[test]
fn trace_decode_69579001_host_call_status_without_trap_is_malformed() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors/wasi_clock/trace.bin");
    let original = std::fs::read(path).expect("vector trace");
    assert!(detwasm::trace::read_events(&original).is_ok());
    let mut frames = trace_frames(&original);
    let (i, payload) = frames
        .iter()
        .enumerate()
        .find(|(_, (kind, _))| *kind == detwasm::trace::KIND_HOST_CALL)
        .map(|(i, (_, p))| (i, p.clone()))
        .expect("a host call event");
    // Offset of the trap code: module str, name str, args vec(value), results vec(value).
    let u64_at = |at: usize| u64::from_le_bytes(payload[at..at + 8].try_into().unwrap()) as usize;
    let mut at = 0;
    at += 8 + u64_at(at); // module
    at += 8 + u64_at(at); // name
    at += 8 + 9 * u64_at(at); // args
    at += 8 + 9 * u64_at(at); // results
    assert_eq!(payload[at], 0, "the vector's first host call does not trap");
    assert_eq!(&payload[at + 1..at + 5], &[0, 0, 0, 0]);
    let mut bad = payload.clone();
    bad[at + 2] = 0x25;
    frames[i].1 = bad;
    let file = trace_file(&frames);
    let decoded = detwasm::trace::read_events(&file);
    assert!(
        decoded.is_err(),
        "a trap status without a trap code was accepted (non-canonical encoding): the file \
         decodes to the same events as the vector but has another trace hash"
    );
}
