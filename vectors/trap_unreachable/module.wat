;; unreachable traps.
(module
  (func (export "f") (result i32)
    (drop (i32.const 1))
    unreachable))
