;; call_indirect with an index past the table traps with undefined element.
(module
  (type $t (func (result i32)))
  (table 2 funcref)
  (func (export "f") (result i32)
    (call_indirect (type $t) (i32.const 10))))
