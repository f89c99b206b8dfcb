;; An i32.load straddling the end of memory traps; the store before it stays.
(module
  (memory (export "memory") 1)
  (func (export "f") (param i32) (result i32)
    (i32.store (i32.const 16) (i32.const 0x11223344))
    (i32.load (local.get 0))))
