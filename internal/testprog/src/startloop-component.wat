;; startloop-component is a component whose core module's start function
;; never returns: it runs while the component is instantiated, before
;; wasi:cli/run could be looked up or called.
(component
  (core module $m
    (func $spin (loop $forever (br $forever)))
    (start $spin))
  (core instance (instantiate $m)))
