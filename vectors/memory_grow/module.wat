;; memory.grow: within the declared maximum (old size), past it (-1), past the
;; configured max_memory_pages (4, -1), by 0; memory.size after each.
(module
  (memory (export "memory") 1 8)
  (func (export "f") (result i32 i32 i32 i32 i32 i32)
    (memory.grow (i32.const 2))
    (memory.grow (i32.const 8))
    (memory.grow (i32.const 2))
    (memory.grow (i32.const 0))
    (memory.grow (i32.const 1))
    (memory.size)))
