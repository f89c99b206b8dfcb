;; throw_ref of a null exnref traps.
(module
  (func (export "f")
    (throw_ref (ref.null exn))))
