;; call_indirect through a null entry traps with uninitialized element.
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) func $one)
  (func $one (result i32) (i32.const 1))
  (func (export "f") (result i32)
    (call_indirect (type $t) (i32.const 1))))
