//! The runner's check of itself: before the suite runs, one script whose assertions
//! must all pass and one whose assertions are all wrong and must all fail. A lenient
//! comparison (a result count not checked, a NaN class confused, a trap accepted for a
//! return) would let wrong assertions pass and is reported as a run problem. The
//! scripts use only wasm 2.0 and exception-handling features, so an engine bug in them shows up here too.
//! Depends on the sibling `script` module.

use crate::script;

/// Every directive must pass.
const MUST_PASS: &str = r#"
(module $m
  (func (export "one") (result i32) (i32.const 1))
  (func (export "two") (result i32 i64) (i32.const 2) (i64.const 2))
  (func (export "nan") (result f32) (f32.const nan:0x600000))
  (func (export "cnan") (result f64) (f64.const -nan))
  (func (export "trap") (unreachable))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (func (export "null") (result funcref) (ref.null func))
  (global (export "g") i32 (i32.const 7))
)
(assert_return (invoke "one") (i32.const 1))
(assert_return (invoke "two") (i32.const 2) (i64.const 2))
(assert_return (invoke "nan") (f32.const nan:arithmetic))
(assert_return (invoke "cnan") (f64.const nan:canonical))
(assert_return (invoke "cnan") (f64.const nan:arithmetic))
(assert_return (invoke "id" (ref.extern 5)) (ref.extern 5))
(assert_return (invoke "id" (ref.null extern)) (ref.null extern))
(assert_return (invoke "null") (ref.null func))
(assert_return (invoke "one") (either (i32.const 3) (i32.const 1)))
(assert_trap (invoke "trap") "unreachable")
(assert_return (get "g") (i32.const 7))
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module quote "(func (i32.const))") "unexpected token")
(assert_unlinkable (module (import "spectest" "nothing" (func))) "unknown import")
(assert_unlinkable (module (import "spectest" "print_i32" (func (param i64)))) "incompatible import type")
(register "m" $m)
(module (import "m" "one" (func (result i32))) (import "spectest" "global_i32" (global i32)))
(invoke $m "one")
(module definition $d (func (export "five") (result i32) (i32.const 5)))
(module instance $i $d)
(assert_return (invoke $i "five") (i32.const 5))
(module instance $d)
(assert_return (invoke "five") (i32.const 5))
(assert_trap (module (func $s (unreachable)) (start $s)) "unreachable")
(module (tag $e) (func (export "throw") (throw $e)))
(assert_exception (invoke "throw"))
"#;

/// Every directive but the module must fail.
const MUST_FAIL: &str = r#"
(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "nan") (result f32) (f32.const nan:0x600000))
  (func (export "trap") (unreachable))
  (func (export "id") (param externref) (result externref) (local.get 0))
  (global (export "g") i32 (i32.const 7))
)
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "one"))
(assert_return (invoke "one") (i32.const 1) (i32.const 1))
(assert_return (invoke "one") (i64.const 1))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_return (invoke "id" (ref.extern 5)) (ref.extern 6))
(assert_return (invoke "id" (ref.extern 5)) (ref.null extern))
(assert_return (invoke "one") (either (i32.const 3) (i32.const 4)))
(assert_return (invoke "trap"))
(assert_trap (invoke "one") "unreachable")
(assert_trap (invoke "trap") "integer overflow")
(assert_exhaustion (invoke "trap") "call stack exhausted")
(assert_exception (invoke "trap"))
(assert_return (get "g") (i32.const 8))
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm\01\00\00\00") "well-formed")
(assert_unlinkable (module (import "spectest" "print_i32" (func (param i32)))) "links")
(assert_trap (module (func $s) (start $s)) "unreachable")
(invoke "trap")
(invoke "missing")
(invoke $nowhere "one")
(register "x" $nowhere)
"#;

/// Runs both scripts; returns a message for each way the runner misjudged them.
pub fn run() -> Vec<String> {
    let mut problems = Vec::new();
    let pass = script::run_script(MUST_PASS, &Default::default());
    for f in &pass.failures {
        problems.push(format!(
            "self-check: a correct assertion failed at line {}: {}",
            f.line, f.message
        ));
    }
    let fail = script::run_script(MUST_FAIL, &Default::default());
    if fail.passed != 1 {
        problems.push(format!(
            "self-check: {} wrong assertions passed (only the module should pass)",
            fail.passed.saturating_sub(1)
        ));
    }
    let expected_failures = MUST_FAIL
        .lines()
        .filter(|l| {
            l.starts_with("(assert_") || l.starts_with("(invoke") || l.starts_with("(register")
        })
        .count();
    if fail.failures.len() != expected_failures {
        problems.push(format!(
            "self-check: {} of {expected_failures} wrong assertions failed",
            fail.failures.len()
        ));
    }
    problems
}
