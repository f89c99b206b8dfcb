//! The contract host of issue 11 item 7 (`detwasm::contract`, SPEC.md §Contract host):
//! the demo script's committed report through the library and the binary, the state
//! root against a hand-built encoding, atomic rollback on trap and out of gas, gas
//! forwarding and charging of nested calls, the depth limit, and errors (never
//! panics) for every bad input.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use detwasm::contract::{
    gas, parse_script, run_script, status, Chain, DeployError, Failure, Receipt, Transaction,
    MAX_CALL_DEPTH,
};
use detwasm::{Engine, TrapCode};
use sha2::{Digest, Sha256};

fn contract_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/contract")
}

fn chain() -> Chain {
    Chain::new(&Engine::default()).unwrap()
}

/// The WAT imports of every contract host function, for the hand-written contracts.
const IMPORTS: &str = r#"
  (import "env" "call" (func $call (param i32 i32 i32 i32 i32 i32 i64) (result i32)))
  (import "env" "output_write" (func $out (param i32 i32)))
  (import "env" "input_read" (func $input_read (param i32)))
  (import "env" "storage_read" (func $sr (param i32 i32 i32 i32) (result i32)))
  (import "env" "storage_write" (func $sw (param i32 i32 i32 i32) (result i32)))
  (import "env" "storage_remove" (func $rm (param i32 i32) (result i32)))
"#;

fn deploy_wat(chain: &mut Chain, name: &str, body: &str) -> [u8; 32] {
    let wat = format!("(module {IMPORTS} {body})");
    let wasm = wat::parse_str(&wat).unwrap();
    chain.deploy(name, &wasm).unwrap()
}

fn call(chain: &mut Chain, contract: &str, method: &str, gas_limit: u64) -> Receipt {
    chain.call(&Transaction {
        sender: "alice",
        contract,
        method,
        input: &[],
        gas_limit,
    })
}

fn run_demo() -> String {
    let dir = contract_dir();
    let text = std::fs::read_to_string(dir.join("demo.txt")).unwrap();
    let commands = parse_script(&text).unwrap();
    run_script(&mut chain(), &commands, |file| {
        std::fs::read(dir.join(file)).map_err(|e| e.kind().to_string())
    })
}

/// `BLESS=1 cargo test --release --test contract` rewrites `examples/contract/expected.txt`
/// (the CLI test, reading the file meanwhile, may fail in that run only).
#[test]
fn demo_script_prints_the_committed_report_every_time() {
    let path = contract_dir().join("expected.txt");
    let first = run_demo();
    if std::env::var("BLESS").as_deref() == Ok("1") {
        std::fs::write(&path, &first).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(first, expected, "BLESS=1 rewrites {}", path.display());
    assert_eq!(run_demo(), first);
}

#[test]
fn cli_prints_the_committed_report_and_rejects_bad_scripts() {
    let bin = env!("CARGO_BIN_EXE_detwasm");
    let expected = std::fs::read(contract_dir().join("expected.txt")).unwrap();
    for _ in 0..2 {
        let out = Command::new(bin)
            .arg("contract")
            .arg(contract_dir().join("demo.txt"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert_eq!(out.stdout, expected);
        assert!(out.stderr.is_empty());
    }
    let dir = std::env::temp_dir().join(format!("detwasm-contract-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.txt");
    std::fs::write(
        &bad,
        "deploy token token.wasm\ncall alice token mint lots\n",
    )
    .unwrap();
    let missing_module = dir.join("missing.txt");
    std::fs::write(
        &missing_module,
        "deploy token nowhere.wasm\ncall a token run 10\n",
    )
    .unwrap();
    for (script, code, stdout, stderr) in [
        (bad.clone(), 2, "", "line 2: bad gas limit \"lots\""),
        (dir.join("absent.txt"), 2, "", "error: cannot read"),
        (
            missing_module.clone(),
            0,
            "failed cannot read nowhere.wasm: entity not found",
            "",
        ),
    ] {
        let out = Command::new(bin)
            .arg("contract")
            .arg(&script)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(code), "{script:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(stdout),
            "{out:?}"
        );
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(stderr),
            "{out:?}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// SPEC.md §Contract state root, built by hand: tag, account count, then per account
/// name, code hash, entry count and entries, each length a u32 little-endian.
#[test]
fn state_root_matches_a_hand_built_encoding() {
    let mut chain = chain();
    let empty_root = chain.state_root();
    // SHA-256 of "detwasm contract state v1\n" followed by 00 00 00 00 (hashlib).
    assert_eq!(
        hex::encode(empty_root),
        "389d8713a94bde4652f2ee2e852149682d7776455a2f9b6e16143d6e2e61d2ad"
    );
    let code_b = deploy_wat(
        &mut chain,
        "b",
        r#"(memory 1) (data (i32.const 0) "kv")
        (func (export "set")
          (drop (call $sw (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1)))
          (drop (call $sw (i32.const 1) (i32.const 1) (i32.const 0) (i32.const 0))))"#,
    );
    let code_a = deploy_wat(&mut chain, "a", "(func (export \"run\"))");
    assert_eq!(call(&mut chain, "b", "set", 10_000).outcome, Ok(vec![]));

    let mut enc = b"detwasm contract state v1\n".to_vec();
    enc.extend_from_slice(&2u32.to_le_bytes());
    // Account "a": no storage.
    enc.extend_from_slice(&1u32.to_le_bytes());
    enc.extend_from_slice(b"a");
    enc.extend_from_slice(&code_a);
    enc.extend_from_slice(&0u32.to_le_bytes());
    // Account "b": "k" -> "v", "v" -> "" (keys in byte order).
    enc.extend_from_slice(&1u32.to_le_bytes());
    enc.extend_from_slice(b"b");
    enc.extend_from_slice(&code_b);
    enc.extend_from_slice(&2u32.to_le_bytes());
    for (k, v) in [(&b"k"[..], &b"v"[..]), (b"v", b"")] {
        enc.extend_from_slice(&(k.len() as u32).to_le_bytes());
        enc.extend_from_slice(k);
        enc.extend_from_slice(&(v.len() as u32).to_le_bytes());
        enc.extend_from_slice(v);
    }
    assert_eq!(chain.state().canonical_encoding(), enc);
    let want: [u8; 32] = Sha256::digest(&enc).into();
    assert_eq!(chain.state_root(), want);
    assert_eq!(
        chain.state().entries("b"),
        vec![(&b"k"[..], &b"v"[..]), (&b"v"[..], &b""[..])]
    );
}

const WRITE_THEN: &str = r#"(memory 1) (data (i32.const 0) "kv")
  (func $write (drop (call $sw (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1))))
  (func (export "trap") (call $write) unreachable)
  (func (export "spin") (call $write) (loop (br 0)))
  (func (export "ok") (call $write))"#;

#[test]
fn a_trap_after_a_write_leaves_the_root_unchanged() {
    let mut chain = chain();
    deploy_wat(&mut chain, "w", WRITE_THEN);
    let before = chain.state_root();
    let r = call(&mut chain, "w", "trap", 100_000);
    assert_eq!(r.outcome, Err(Failure::Trap(TrapCode::Unreachable)));
    // The call of $write, 4 consts, a call and the host function (500 + 20 per byte
    // of key and value), drop, unreachable.
    assert_eq!(r.gas_used, 5 + 4 + 5 + gas::STORAGE_WRITE_BASE + 40 + 1 + 1);
    assert_eq!(chain.state_root(), before);
    assert!(chain.state().entries("w").is_empty());
    assert_eq!(call(&mut chain, "w", "ok", 100_000).outcome, Ok(vec![]));
    assert_ne!(chain.state_root(), before);
}

#[test]
fn out_of_gas_rolls_back_and_uses_the_whole_limit() {
    let mut chain = chain();
    deploy_wat(&mut chain, "w", WRITE_THEN);
    let before = chain.state_root();
    let r = call(&mut chain, "w", "spin", 5_000);
    assert_eq!(r.outcome, Err(Failure::Trap(TrapCode::OutOfGas)));
    assert_eq!(r.gas_used, 5_000);
    assert_eq!(chain.state_root(), before);
    // A limit below the storage write's cost: it traps before writing.
    let r = call(&mut chain, "w", "ok", 500);
    assert_eq!(r.outcome, Err(Failure::Trap(TrapCode::OutOfGas)));
    assert_eq!(r.gas_used, 5 + 4 + 5);
    assert_eq!(chain.state_root(), before);
    let r = call(&mut chain, "w", "ok", 0);
    assert_eq!(
        (r.outcome, r.gas_used),
        (Err(Failure::Trap(TrapCode::OutOfGas)), 0)
    );
}

#[test]
fn storage_functions_charge_their_documented_costs() {
    let mut chain = chain();
    deploy_wat(
        &mut chain,
        "s",
        r#"(memory 1) (data (i32.const 0) "key") (data (i32.const 8) "value")
      (func (export "write") (drop (call $sw (i32.const 0) (i32.const 3) (i32.const 8) (i32.const 5))))
      (func (export "read")
        (i32.store (i32.const 32) (call $sr (i32.const 0) (i32.const 3) (i32.const 16) (i32.const 2)))
        (call $out (i32.const 16) (i32.const 2))
        (call $out (i32.const 16) (i32.const 20)))
      (func (export "remove") (drop (call $rm (i32.const 0) (i32.const 3))))"#,
    );
    let r = call(&mut chain, "s", "write", 10_000);
    assert_eq!(r.gas_used, 4 + 5 + gas::STORAGE_WRITE_BASE + 20 * 8 + 1);
    let r = call(&mut chain, "s", "read", 10_000);
    // The read returns 5 (the value's length) and copies 2 bytes; the output is the
    // last output_write: 2 copied bytes, 2 untouched, then the length 5 at 32.
    let mut want = b"va".to_vec();
    want.extend_from_slice(&[0; 14]);
    want.extend_from_slice(&5u32.to_le_bytes());
    assert_eq!(r.outcome, Ok(want));
    let read = 4 + 5 + gas::STORAGE_READ_BASE + 2 * 3 + 2 * 2;
    let stores = 1 + 2;
    let outs = 2 * (2 + 5 + gas::COPY_BASE) + 2 + 20;
    assert_eq!(r.gas_used, read + stores + outs);
    let r = call(&mut chain, "s", "remove", 10_000);
    assert_eq!(r.gas_used, 2 + 5 + gas::STORAGE_REMOVE_BASE + 2 * 3 + 1);
    assert!(chain.state().entries("s").is_empty());
}

/// A caller whose own gas is hand-counted: it calls `callee.run` forwarding `gas`,
/// stores the status byte at 16 and outputs it.
fn caller_wat(gas: i64) -> String {
    format!(
        r#"(memory 1) (data (i32.const 0) "callee") (data (i32.const 8) "run")
        (func (export "go")
          (i32.store8 (i32.const 16)
            (call $call (i32.const 0) (i32.const 6) (i32.const 8) (i32.const 3)
                        (i32.const 0) (i32.const 0) (i64.const {gas})))
          (call $out (i32.const 16) (i32.const 1)))"#
    )
}

/// The caller's own gas: 8 consts, the call (5 + CALL_BASE + 9 name bytes), the
/// store (2), 2 consts, the output (5 + COPY_BASE + 1 byte).
const CALLER_OWN: u64 = 8 + 5 + gas::CALL_BASE + 9 + 2 + 2 + 5 + gas::COPY_BASE + 1;
/// The caller's gas up to and including the `call` host function's byte charge.
const CALLER_BEFORE_CALLEE: u64 = 1 + 7 + 5 + gas::CALL_BASE + 9;

const CALLEE: &str = r#"(memory 1) (data (i32.const 0) "kv")
  (func (export "run") (drop (call $sw (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1))))
  (func (export "spin") (loop (br 0)))"#;

#[test]
fn a_nested_call_charges_the_callee_gas_to_the_caller() {
    let mut chain = chain();
    deploy_wat(&mut chain, "callee", CALLEE);
    deploy_wat(&mut chain, "caller", &caller_wat(1_000_000));
    let before = chain.state_root();
    let alone = call(&mut chain, "callee", "run", 1_000_000);
    assert_eq!(alone.gas_used, 4 + 5 + gas::STORAGE_WRITE_BASE + 40 + 1);
    assert_ne!(chain.state_root(), before);

    let mut chain2 = self::chain();
    deploy_wat(&mut chain2, "callee", CALLEE);
    deploy_wat(&mut chain2, "caller", &caller_wat(1_000_000));
    let r = call(&mut chain2, "caller", "go", 1_000_000);
    assert_eq!(r.outcome, Ok(vec![status::OK as u8]));
    assert_eq!(r.gas_used, CALLER_OWN + alone.gas_used);
    // The callee's write was committed with the caller's success: same state.
    assert_eq!(chain2.state_root(), chain.state_root());
}

#[test]
fn a_callee_out_of_gas_costs_the_caller_exactly_the_forwarded_gas() {
    let mut chain = chain();
    deploy_wat(
        &mut chain,
        "callee",
        &CALLEE
            .replace("\"run\") (drop", "\"x\") (drop")
            .replace("\"spin\"", "\"run\""),
    );
    deploy_wat(&mut chain, "caller", &caller_wat(700));
    let before = chain.state_root();
    let r = call(&mut chain, "caller", "go", 1_000_000);
    assert_eq!(r.outcome, Ok(vec![status::OUT_OF_GAS as u8]));
    assert_eq!(r.gas_used, CALLER_OWN + 700);
    assert_eq!(chain.state_root(), before);
}

#[test]
fn forwarded_gas_is_capped_at_the_callers_remaining_gas() {
    let mut chain = chain();
    deploy_wat(
        &mut chain,
        "callee",
        &CALLEE
            .replace("\"run\") (drop", "\"x\") (drop")
            .replace("\"spin\"", "\"run\""),
    );
    // -1 is 2^64 - 1 as an unsigned gas amount: "all you have".
    deploy_wat(&mut chain, "caller", &caller_wat(-1));
    let limit = CALLER_BEFORE_CALLEE + 300;
    let r = call(&mut chain, "caller", "go", limit);
    // The callee used the caller's remaining 300; the caller then runs out itself.
    assert_eq!(r.outcome, Err(Failure::Trap(TrapCode::OutOfGas)));
    assert_eq!(r.gas_used, limit);
}

#[test]
fn a_failing_caller_undoes_its_committed_callee_writes() {
    let mut chain = chain();
    deploy_wat(&mut chain, "callee", CALLEE);
    let body = caller_wat(1_000_000).replace(
        "(call $out (i32.const 16) (i32.const 1)))",
        "(call $out (i32.const 16) (i32.const 1)) unreachable)",
    );
    deploy_wat(&mut chain, "caller", &body);
    let before = chain.state_root();
    let r = call(&mut chain, "caller", "go", 1_000_000);
    assert_eq!(r.outcome, Err(Failure::Trap(TrapCode::Unreachable)));
    assert_eq!(chain.state_root(), before);
}

fn c_contracts() -> Chain {
    let mut chain = chain();
    for name in ["token", "vault", "faulty", "spin"] {
        let wasm = std::fs::read(contract_dir().join(format!("{name}.wasm"))).unwrap();
        chain.deploy(name, &wasm).unwrap();
    }
    chain
}

fn tx(chain: &mut Chain, sender: &str, contract: &str, method: &str, input: &[u8]) -> Receipt {
    chain.call(&Transaction {
        sender,
        contract,
        method,
        input,
        gas_limit: 10_000_000,
    })
}

#[test]
fn recursion_stops_at_the_depth_limit() {
    assert_eq!(MAX_CALL_DEPTH, 8);
    let mut chain = c_contracts();
    let mut input = 1u32.to_le_bytes().to_vec();
    input.extend_from_slice(b"vault");
    let r = tx(&mut chain, "alice", "vault", "recurse", &input);
    assert_eq!(r.outcome, Ok(MAX_CALL_DEPTH.to_le_bytes().to_vec()));
}

#[test]
fn a_trapping_callee_loses_its_writes_and_the_caller_keeps_its_own() {
    let mut chain = c_contracts();
    let r = tx(&mut chain, "alice", "vault", "try_faulty", &[]);
    assert_eq!(r.outcome, Ok(vec![status::TRAPPED as u8]));
    assert!(chain.state().entries("faulty").is_empty());
    assert_eq!(chain.state().get("vault", b"tried"), Some(&[1u8][..]));
}

#[test]
fn the_token_moves_balances_and_refuses_overdrafts() {
    let mut chain = c_contracts();
    let amount = |n: u64, who: &str| [&n.to_le_bytes()[..], who.as_bytes()].concat();
    assert_eq!(
        tx(&mut chain, "alice", "token", "init", &[]).outcome,
        Ok(vec![])
    );
    assert_eq!(
        tx(&mut chain, "alice", "token", "mint", &amount(50, "alice")).outcome,
        Ok(vec![])
    );
    assert_eq!(
        tx(&mut chain, "alice", "token", "transfer", &amount(20, "bob")).outcome,
        Ok(vec![])
    );
    let before = chain.state_root();
    let r = tx(&mut chain, "bob", "token", "transfer", &amount(21, "carol"));
    assert_eq!(
        r.outcome,
        Err(Failure::Abort("insufficient balance".into()))
    );
    assert_eq!(chain.state_root(), before);
    let balance = |chain: &mut Chain, who: &str| {
        let out = tx(chain, "x", "token", "balance", who.as_bytes())
            .outcome
            .unwrap();
        u64::from_le_bytes(out.try_into().unwrap())
    };
    assert_eq!(
        (balance(&mut chain, "alice"), balance(&mut chain, "bob")),
        (30, 20)
    );
    let r = tx(
        &mut chain,
        "alice",
        "token",
        "mint",
        &amount(u64::MAX, "alice"),
    );
    assert_eq!(r.outcome, Err(Failure::Abort("balance overflow".into())));
    let r = tx(&mut chain, "alice", "token", "balance", &[b'x'; 100]);
    assert_eq!(r.outcome, Err(Failure::Abort("input too long".into())));
}

#[test]
fn an_engine_without_gas_metering_is_refused() {
    let engine = Engine::new(detwasm::Config {
        gas_metering: false,
        ..detwasm::Config::default()
    });
    assert!(matches!(
        Chain::new(&engine),
        Err(detwasm::Error::Invoke(_))
    ));
}

#[test]
fn bad_deployments_are_errors() {
    let mut chain = chain();
    let ok = wat::parse_str("(module (func (export \"run\")))").unwrap();
    let wasi = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/wc.wasm"))
        .unwrap();
    let wrong_sig =
        wat::parse_str(r#"(module (import "env" "storage_read" (func (param i32) (result i32))))"#)
            .unwrap();
    let unknown = wat::parse_str(r#"(module (import "env" "time" (func (result i64))))"#).unwrap();
    let imported_memory = wat::parse_str(r#"(module (import "env" "memory" (memory 1)))"#).unwrap();
    assert!(matches!(
        chain.deploy("a", &[]),
        Err(DeployError::Invalid(_))
    ));
    assert!(matches!(
        chain.deploy("a", b"\0asm\x01\0\0\0\x05"),
        Err(DeployError::Invalid(_))
    ));
    for bad in [&wasi, &wrong_sig, &unknown, &imported_memory] {
        let e = chain.deploy("a", bad).unwrap_err();
        assert!(matches!(e, DeployError::Imports(_)), "{e}");
    }
    let e = chain.deploy("a", &wasi).unwrap_err().to_string();
    assert!(
        e.contains("wasi_snapshot_preview1") && e.contains("fd_write"),
        "{e}"
    );
    for name in ["", "a/b", "a b", &"n".repeat(65), "é"] {
        assert!(
            matches!(chain.deploy(name, &ok), Err(DeployError::BadName(_))),
            "{name:?}"
        );
    }
    assert_eq!(chain.state_root(), self::chain().state_root());
    chain.deploy("a", &ok).unwrap();
    assert!(matches!(
        chain.deploy("a", &ok),
        Err(DeployError::Exists(_))
    ));
}

#[test]
fn bad_calls_fail_without_panicking_and_change_nothing() {
    let mut chain = chain();
    deploy_wat(
        &mut chain,
        "h",
        r#"(memory 1) (data (i32.const 0) "kv")
      (func (export "typed") (param i32))
      (func (export "write_oob") (drop (call $sw (i32.const 0) (i32.const 1) (i32.const 65535) (i32.const 2))))
      (func (export "key_oob") (drop (call $sw (i32.const -1) (i32.const 1) (i32.const 0) (i32.const 1))))
      (func (export "long_key") (drop (call $sw (i32.const 0) (i32.const 257) (i32.const 0) (i32.const 1))))
      (func (export "long_value") (drop (call $sw (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 65537))))
      (func (export "read_oob") (drop (call $sr (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0)))
                                (drop (call $sw (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1)))
                                (drop (call $sr (i32.const 0) (i32.const 1) (i32.const -1) (i32.const 1))))
      (func (export "input_oob") (call $input_read (i32.const 65536)))
      (func (export "out_huge") (call $out (i32.const 0) (i32.const -1)))
      (func (export "call_oob") (drop (call $call (i32.const 0) (i32.const -1) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i64.const 0))))
      (func (export "call_bad_names")
        (i32.store8 (i32.const 16) (call $call (i32.const 1) (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0) (i64.const 100)))
        (i32.store8 (i32.const 17) (call $call (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0) (i64.const 100)))
        (i32.store8 (i32.const 18) (call $call (i32.const 200) (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0) (i64.const 100)))
        (call $out (i32.const 16) (i32.const 3)))
      (func (export "start_trap_callee") (drop (call $sw (i32.const 0) (i32.const 1) (i32.const 1) (i32.const 1))))"#,
    );
    let wasm = wat::parse_str("(module (func $s unreachable) (start $s) (func (export \"run\")))")
        .unwrap();
    chain.deploy("starts", &wasm).unwrap();
    let before = chain.state_root();
    let oob = Err(Failure::Trap(TrapCode::MemoryOutOfBounds));
    for (contract, method, want) in [
        ("h", "typed", Err(Failure::NoMethod)),
        ("h", "memory", Err(Failure::NoMethod)),
        ("h", "", Err(Failure::NoMethod)),
        ("nobody", "run", Err(Failure::NoContract)),
        ("h", "write_oob", oob.clone()),
        ("h", "key_oob", oob.clone()),
        (
            "h",
            "long_key",
            Err(Failure::Host("storage key of 257 bytes exceeds 256".into())),
        ),
        (
            "h",
            "long_value",
            Err(Failure::Host(
                "storage value of 65537 bytes exceeds 65536".into(),
            )),
        ),
        ("h", "read_oob", oob.clone()),
        ("h", "input_oob", oob.clone()),
        ("h", "out_huge", Err(Failure::Trap(TrapCode::OutOfGas))),
        ("h", "call_oob", Err(Failure::Trap(TrapCode::OutOfGas))),
        ("starts", "run", Err(Failure::Trap(TrapCode::Unreachable))),
        // Names: "v" (none such), "k" (none such), 2 bytes of zeros (none such).
        (
            "h",
            "call_bad_names",
            Ok(vec![status::NO_CONTRACT as u8; 3]),
        ),
    ] {
        let r = chain.call(&Transaction {
            sender: "mallory",
            contract,
            method,
            input: b"12",
            gas_limit: 1_000_000,
        });
        assert_eq!(r.outcome, want, "{contract}.{method}");
        if r.outcome.is_err() {
            assert_eq!(chain.state_root(), before, "{contract}.{method}");
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(200))]

    /// Any text parses to commands or a line-numbered error, never a panic.
    #[test]
    fn any_script_text_parses_or_fails_cleanly(text in "[ -~\n]{0,200}") {
        if let Err(e) = parse_script(&text) {
            proptest::prop_assert!(e.line >= 1 && e.line <= text.lines().count().max(1));
        }
    }

    /// Random transactions against the C contracts: never a panic, gas within the
    /// limit, and a failed one leaves the root as it was.
    #[test]
    fn random_transactions_keep_gas_and_rollback_invariants(
        txs in proptest::collection::vec(
            (0usize..4, 0usize..5, proptest::collection::vec(proptest::num::u8::ANY, 0..80), 0u64..40_000),
            1..12,
        )
    ) {
        let mut chain = c_contracts();
        let senders = ["alice", "bob", "vault", "token"];
        let methods = ["init", "mint", "transfer", "balance", "pay", "recurse", "try_faulty", "run"];
        let contracts = ["token", "vault", "faulty", "spin", "none"];
        for (i, (sender, contract, input, gas_limit)) in txs.iter().enumerate() {
            let before = chain.state_root();
            let r = chain.call(&Transaction {
                sender: senders[*sender],
                contract: contracts[*contract],
                method: methods[(i + input.len()) % methods.len()],
                input,
                gas_limit: *gas_limit,
            });
            proptest::prop_assert!(r.gas_used <= *gas_limit);
            if r.outcome.is_err() {
                proptest::prop_assert_eq!(chain.state_root(), before);
            }
        }
    }
}
