;; i32.trunc_f64_s of 3e9 traps with integer overflow.
(module
  (func (export "trunc") (param f64) (result i32)
    (i32.trunc_f64_s (local.get 0))))
