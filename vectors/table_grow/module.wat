;; table.grow within and beyond max_table_elements (10), table.fill and table.size;
;; the final table holds function references (by module function index).
(module
  (table $t (export "t") 2 funcref)
  (func $a (result i32) (i32.const 1))
  (func $b (result i32) (i32.const 2))
  (elem declare func $a $b)
  (func (export "f") (result i32 i32 i32)
    (table.grow $t (ref.func $a) (i32.const 3))
    (table.grow $t (ref.null func) (i32.const 20))
    (table.fill $t (i32.const 0) (ref.func $b) (i32.const 2))
    (table.size $t)))
