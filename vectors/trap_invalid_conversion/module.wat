;; i32.trunc_f32_s of NaN traps with invalid conversion to integer.
(module
  (func (export "trunc") (param f32) (result i32)
    (i32.trunc_f32_s (local.get 0))))
