;; memory.grow of 10 pages needs 10 + 10240 gas: its base cost fits, its dynamic cost
;; does not; the memory keeps its size.
(module
  (memory (export "memory") 1)
  (func (export "f") (result i32)
    (memory.grow (i32.const 10))))
