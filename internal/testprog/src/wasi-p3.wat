;; A WASI 0.3 command: it imports wasi:cli/stdin@0.3 with a stream and a
;; future in its function type, an async function of its own interface,
;; and the task.return built-in; and needs interfaces no WASI host has.
(component
  (import "wasi:cli/stdin@0.3.0-rc-2025-09-16" (instance
    (export "read-via-stream" (func (result (tuple (stream u8) (future (result))))))
  ))
  (import "wasi:cli/environment@0.2.0" (instance))
  (import "wasi:clocks/timezone@0.2.0" (instance))
  (import "wasi:keyvalue/store@0.2.0-draft" (instance))
  (import "wasi:http/outgoing-handler@0.2.0" (instance))
  (import "docs:adder/add@0.1.0" (instance (export "add" (func async (param "a" u32) (result u32)))))
  (core func $return (canon task.return (result u32)))
  (core module $m (func (export "run") (result i32) i32.const 0))
  (core instance $i (instantiate $m))
  (func $run (result (result)) (canon lift (core func $i "run")))
  (instance $inst (export "run" (func $run)))
  (export "wasi:cli/run@0.2.0" (instance $inst))
)
