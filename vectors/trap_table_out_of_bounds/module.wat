;; table.get past the size of the table traps.
(module
  (table 2 funcref)
  (func (export "f") (result funcref)
    (table.get (i32.const 5))))
