;; A thrown exception nobody catches reaches the embedder.
(module
  (tag $e (param i32))
  (func (export "f")
    (throw $e (i32.const 42))))
