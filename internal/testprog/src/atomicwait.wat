;; atomicwait waits forever on a shared memory that no other thread can
;; notify: a blocking call that epoch interruption cannot reach.
(module
  (memory 1 1 shared)
  (func (export "_start")
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1)))))
