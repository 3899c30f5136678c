;; A command whose run function is lifted with component-model async: the
;; async option and a callback, which wasmtime 39 cannot run.
(component
  (core module $m
    (func (export "run") (result i32) i32.const 0)
    (func (export "cb") (param i32 i32 i32) (result i32) i32.const 0)
  )
  (core instance $i (instantiate $m))
  (func $run (result (result)) (canon lift (core func $i "run") async (callback (func $i "cb"))))
  (instance $inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $inst))
)
