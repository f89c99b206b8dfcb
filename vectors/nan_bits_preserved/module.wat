;; Bit-level instructions keep NaN payloads: neg, abs, copysign, reinterpret, load and
;; store, select, globals (SPEC.md §NaN).
(module
  (memory 1)
  (global $g (export "g") (mut f64) (f64.const 0))
  (func (export "f") (param $x f32) (param $y f64) (result f32 f32 f32 i32 f32 f64 f64)
    (f32.store (i32.const 0) (local.get $x))
    (global.set $g (local.get $y))
    (f32.neg (local.get $x))
    (f32.abs (local.get $x))
    (f32.copysign (local.get $x) (f32.const -1))
    (i32.reinterpret_f32 (local.get $x))
    (f32.load (i32.const 0))
    (select (local.get $y) (f64.const 1) (i32.const 1))
    (global.get $g)))
