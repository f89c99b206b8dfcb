;; Branches of every kind and labels of every kind, for the tests of labels inside
;; gas segments (src/translate/op/tests.rs, tests/exec.rs): a loop entered by
;; falling through, block ends that a `br_if` and a `br_table` target and that code
;; falls into, a loop that a `br_table` and a `catch_all` target, an `if`/`else`, and
;; a block end that a `br_if` moving a value targets (`BrIfNezMove`, so it keeps its
;; segment head). `f(arg)` loads from `i * arg` in round `i`, so a large `arg` traps.
(module
  (tag $e)
  (memory 1)
  (func $thrower (param i32)
    (if (i32.eq (local.get 0) (i32.const 3)) (then (throw $e))))
  (func (export "f") (param i32) (result i32) (local i32 i32)
    (loop $top
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (block $skip
        (br_if $skip (i32.and (local.get 1) (i32.const 1)))
        (local.set 2 (i32.add (local.get 2) (i32.const 7))))
      (local.set 2 (i32.add (local.get 2)
        (i32.load (i32.mul (local.get 1) (local.get 0)))))
      (block $a
        (block $b
          (br_table $a $b $top (i32.rem_u (local.get 1) (i32.const 3))))
        (local.set 2 (i32.xor (local.get 2) (i32.const 3))))
      (try_table (catch_all $top)
        (call $thrower (local.get 1)))
      (if (i32.and (local.get 1) (i32.const 4))
        (then (local.set 2 (i32.mul (local.get 2) (i32.const 3))))
        (else (local.set 2 (i32.add (local.get 2) (i32.const 1)))))
      (local.set 2 (i32.add (local.get 2)
        (block $v (result i32)
          (i32.const 9)
          (br_if $v (i32.const 11) (i32.and (local.get 1) (i32.const 2)))
          (i32.add))))
      (br_if $top (i32.lt_u (local.get 1) (i32.const 10))))
    (local.get 2)))
