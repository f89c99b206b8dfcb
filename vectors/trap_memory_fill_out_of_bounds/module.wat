;; memory.fill out of bounds pays its dynamic cost, then traps and writes nothing.
(module
  (memory (export "memory") 1)
  (func (export "f")
    (memory.fill (i32.const 65000) (i32.const 0xab) (i32.const 1000))))
