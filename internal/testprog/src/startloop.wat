;; startloop is a preview1 command whose start function never returns: it
;; runs while the module is instantiated, before _start.
(module
  (func $spin (loop $forever (br $forever)))
  (start $spin)
  (func (export "_start")))
