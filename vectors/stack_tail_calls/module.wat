;; return_call replaces the activation: a million tail calls never exhaust the stack.
(module
  (func $loop (export "f") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $loop (i64.sub (local.get $n) (i64.const 1)) (i64.add (local.get $acc) (local.get $n)))))))
