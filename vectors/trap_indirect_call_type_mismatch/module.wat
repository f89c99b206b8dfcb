;; call_indirect to a function of another type traps.
(module
  (type $t (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) func $other)
  (func $other (param i32) (result i32) (local.get 0))
  (func (export "f") (result i32)
    (call_indirect (type $t) (i32.const 0))))
