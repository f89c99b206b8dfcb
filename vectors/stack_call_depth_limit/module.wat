;; max_call_depth = 100: the entry plus 99 nested calls fit and return 99.
(module
  (func $down (export "f") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $down (i32.sub (local.get $n) (i32.const 1))))))))
