;; i32.div_s of INT32_MIN by -1 traps with integer overflow.
(module
  (func (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1))))
